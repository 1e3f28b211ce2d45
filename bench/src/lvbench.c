/* lvbench: calls/s and latency through libvirt's client library.
 *
 * CONNS connections, each shared by THREADS threads that call one
 * operation in a loop (open-close: every thread opens its own). After a
 * warm-up, completed operations are counted for SECONDS; the daemon's CPU
 * time and RSS are sampled around that window. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "lvbench.h"

static pthread_barrier_t start_barrier;

static void
quiet_errors(void *opaque, virErrorPtr err)
{
    (void) opaque;
    (void) err;     /* errors are collected per thread instead */
}

static void *
load_main(void *p)
{
    struct lv_thread *t = p;
    int ok = !t->op->setup || t->op->setup(t) == 0;

    pthread_barrier_wait(&start_barrier);
    while (ok && phase_get() < PH_STOP) {
        uint64_t t0 = now_ns();
        int rc = t->op->run(t);
        uint64_t t1 = now_ns();

        if (phase_get() != PH_MEASURE)
            continue;
        if (rc < 0) {
            lv_note_error(t, t->op->name);
            continue;
        }
        t->ops++;
        hist_add(&t->hist, t1 - t0);
    }
    return NULL;
}

static void
usage(void)
{
    fprintf(stderr,
            "usage: lvbench -u URI -o OP [-p DAEMON_PID] [-l LABEL]\n"
            "  [-c CONNS] [-t THREADS_PER_CONN] [-n LISTENERS] [-S SECONDS]\n"
            "  [-w WARMUP]\nops:");
    lv_op_list(stderr);
    exit(2);
}

static void
report(const struct lv_opts *o, const struct lv_op *op, struct lv_thread *ts,
       size_t nts, double secs, const struct dstat *d0,
       const struct dstat *d1)
{
    struct hist *all = calloc(1, sizeof(*all));
    uint64_t ops = 0, errors = 0;
    const char *errtext = NULL;
    double calls;
    struct json j;
    size_t i;

    for (i = 0; i < nts; i++) {
        hist_merge(all, &ts[i].hist);
        ops += ts[i].ops;
        errors += ts[i].errors;
        if (!errtext && ts[i].errtext[0])
            errtext = ts[i].errtext;
    }
    if (errtext)
        fprintf(stderr, "lvbench %s %s: %llu errors, first: %s\n", o->c.label,
                op->name, (unsigned long long) errors, errtext);
    calls = (double) ops * (op->calls_per_op ? op->calls_per_op : 1);
    json_begin(&j);
    json_str(&j, "daemon", o->c.label);
    json_str(&j, "bench", "lib");
    json_str(&j, "op", op->name);
    json_int(&j, "conns", o->conns);
    json_int(&j, "threads", o->threads);
    json_num(&j, "seconds", secs);
    json_int(&j, "ops", (long long) ops);
    json_int(&j, "calls_per_op", op->calls_per_op);
    json_int(&j, "errors", (long long) errors);
    json_str(&j, "error_text", errtext);
    json_num(&j, "ops_per_s", (double) ops / secs);
    json_lat(&j, "lat", all);
    /* per RPC where the op has a fixed count, else per op */
    json_costs(&j, d0, d1, calls);
    json_str(&j, "status", ops > 0 ? "ok" : "failed");
    json_end(&j);
    free(all);
}

int
main(int argc, char **argv)
{
    struct lv_opts o = { { "daemon", NULL, 0, 3.0, 0.5, 0 }, NULL, NULL, 8, 8, 8 };
    const struct lv_op *op;
    virConnectPtr *conns;
    struct lv_thread *ts;
    struct dstat d0, d1;
    pthread_attr_t attr;
    size_t i, nts;
    double secs;
    int opt;

    while ((opt = getopt(argc, argv, "u:o:p:l:c:t:n:S:w:")) != -1) {
        switch (opt) {
        case 'u': o.uri = optarg; break;
        case 'o': o.op = optarg; break;
        case 'p': o.c.pid = atoi(optarg); break;
        case 'l': o.c.label = optarg; break;
        case 'c': o.conns = (unsigned) atoi(optarg); break;
        case 't': o.threads = (unsigned) atoi(optarg); break;
        case 'n': o.listeners = (unsigned) atoi(optarg); break;
        case 'S': o.c.seconds = atof(optarg); break;
        case 'w': o.c.warmup = atof(optarg); break;
        default: usage();
        }
    }
    if (!o.uri || !o.op || o.conns < 1 || o.threads < 1)
        usage();
    raise_nofile((uint64_t) o.conns * o.threads + o.listeners + 256);
    virSetErrorFunc(NULL, quiet_errors);
    if (strcmp(o.op, "events") == 0)
        return lv_events_run(&o);
    if (!(op = lv_op_find(o.op)))
        usage();

    nts = (size_t) o.conns * o.threads;
    conns = calloc(o.conns, sizeof(*conns));
    ts = calloc(nts, sizeof(*ts));
    if (!op->own_conn) {
        for (i = 0; i < o.conns; i++)
            if (!(conns[i] = virConnectOpen(o.uri)))
                die("virConnectOpen(%s): %s", o.uri,
                    virGetLastErrorMessage());
    }
    pthread_barrier_init(&start_barrier, NULL, (unsigned) nts + 1);
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    for (i = 0; i < nts; i++) {
        ts[i].o = &o;
        ts[i].op = op;
        ts[i].conn_idx = (unsigned) (i / o.threads);
        ts[i].idx = (unsigned) (i % o.threads);
        ts[i].conn = conns[ts[i].conn_idx];
        if (pthread_create(&ts[i].tid, &attr, load_main, &ts[i]) != 0)
            die("cannot create thread %zu", i);
    }
    pthread_barrier_wait(&start_barrier);
    secs = run_window(&o.c, &d0, &d1);
    for (i = 0; i < nts; i++) {
        pthread_join(ts[i].tid, NULL);
        if (ts[i].dom)
            virDomainFree(ts[i].dom);
    }
    report(&o, op, ts, nts, secs, &d0, &d1);
    for (i = 0; i < o.conns; i++)
        if (conns[i])
            virConnectClose(conns[i]);
    return 0;
}
