/* lvbench events: lifecycle-event fan-out to N listeners.
 *
 * N listener connections register a lifecycle callback (default event
 * loop implementation, one thread running it). A trigger connection
 * alternately suspends and resumes domain "test"; for each trigger the
 * time from just before the call to every delivery is recorded, and the
 * next trigger waits until all N deliveries arrived (or 2 s passed, then
 * the missing ones count as lost). A daemon that refuses registration is
 * reported as "unsupported" (exit 0). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lvbench.h"

static struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int expect;             /* event type the current trigger produces */
    unsigned seq;           /* current trigger number */
    unsigned delivered;     /* deliveries for seq */
    uint64_t t0;            /* trigger start */
    bool measure;           /* this trigger is inside the window */
    struct hist lat;
    uint64_t stray;         /* deliveries that matched no trigger */
} ev = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, -1, 0, 0, 0,
         false, { 0 }, 0 };

struct listener {
    virConnectPtr conn;
    int cb;
    unsigned last_seq;
};

static volatile int loop_quit;

static void *
event_loop_main(void *p)
{
    (void) p;
    while (!loop_quit)
        if (virEventRunDefaultImpl() < 0)
            break;
    return NULL;
}

static int
on_lifecycle(virConnectPtr conn, virDomainPtr dom, int event, int detail,
             void *opaque)
{
    struct listener *l = opaque;
    uint64_t t = now_ns();

    (void) conn;
    (void) dom;
    (void) detail;
    pthread_mutex_lock(&ev.lock);
    if (event == ev.expect && l->last_seq != ev.seq) {
        l->last_seq = ev.seq;
        ev.delivered++;
        if (ev.measure)
            hist_add(&ev.lat, t - ev.t0);
        pthread_cond_broadcast(&ev.cond);
    } else {
        ev.stray++;
    }
    pthread_mutex_unlock(&ev.lock);
    return 0;
}

struct trigger {
    pthread_t tid;
    virDomainPtr dom;
    unsigned nlisteners;
    uint64_t events, deliveries, lost, errors;
    struct hist call_lat;
    char errtext[256];
};

static void *
trigger_main(void *p)
{
    struct trigger *tr = p;
    virDomainInfo info;
    bool paused;

    if (virDomainGetInfo(tr->dom, &info) < 0)
        return NULL;
    paused = info.state == VIR_DOMAIN_PAUSED;
    while (phase_get() < PH_WARMUP)
        sleep_s(0.001);
    while (phase_get() < PH_STOP) {
        struct timespec dl;
        uint64_t t0, t1;
        bool measure = phase_get() == PH_MEASURE;
        int rc;

        pthread_mutex_lock(&ev.lock);
        ev.seq++;
        ev.expect = paused ? VIR_DOMAIN_EVENT_RESUMED
                           : VIR_DOMAIN_EVENT_SUSPENDED;
        ev.delivered = 0;
        ev.measure = measure;
        ev.t0 = t0 = now_ns();
        pthread_mutex_unlock(&ev.lock);
        rc = paused ? virDomainResume(tr->dom) : virDomainSuspend(tr->dom);
        t1 = now_ns();
        if (rc < 0) {
            if (tr->errors++ == 0)
                snprintf(tr->errtext, sizeof(tr->errtext), "%s: %s",
                         paused ? "virDomainResume" : "virDomainSuspend",
                         virGetLastErrorMessage());
            sleep_s(0.01);
            continue;
        }
        paused = !paused;
        clock_gettime(CLOCK_REALTIME, &dl);
        dl.tv_sec += 2;
        pthread_mutex_lock(&ev.lock);
        while (ev.delivered < tr->nlisteners)
            if (pthread_cond_timedwait(&ev.cond, &ev.lock, &dl) == ETIMEDOUT)
                break;
        if (measure && phase_get() == PH_MEASURE) {
            tr->events++;
            tr->deliveries += ev.delivered;
            tr->lost += tr->nlisteners - ev.delivered;
            hist_add(&tr->call_lat, t1 - t0);
        }
        ev.expect = -1;
        pthread_mutex_unlock(&ev.lock);
    }
    if (paused)
        (void) virDomainResume(tr->dom);
    return NULL;
}

static void
emit(const struct lv_opts *o, const char *status, const char *errtext,
     const struct trigger *tr, double secs, const struct dstat *d0,
     const struct dstat *d1)
{
    struct json j;

    json_begin(&j);
    json_str(&j, "daemon", o->c.label);
    json_str(&j, "bench", "events");
    json_str(&j, "op", "lifecycle-fanout");
    json_int(&j, "listeners", o->listeners);
    json_str(&j, "status", status);
    json_str(&j, "error_text", errtext);
    if (tr && secs > 0) {
        json_num(&j, "seconds", secs);
        json_int(&j, "events", (long long) tr->events);
        json_int(&j, "ops", (long long) tr->deliveries);
        json_int(&j, "lost", (long long) tr->lost);
        json_int(&j, "stray", (long long) ev.stray);
        json_int(&j, "errors", (long long) (tr->errors + tr->lost));
        json_num(&j, "ops_per_s", (double) tr->deliveries / secs);
        json_num(&j, "events_per_s", (double) tr->events / secs);
        json_lat(&j, "lat", &ev.lat);
        json_lat(&j, "trigger_lat", &tr->call_lat);
        /* per delivered event */
        json_costs(&j, d0, d1, (double) tr->deliveries);
    }
    json_end(&j);
}

int
lv_events_run(const struct lv_opts *o)
{
    struct listener *ls = calloc(o->listeners, sizeof(*ls));
    struct trigger *tr = calloc(1, sizeof(*tr));
    virConnectPtr tconn;
    pthread_t loop_tid;
    struct dstat d0, d1;
    char err[512];
    unsigned i;
    double secs;

    if (virEventRegisterDefaultImpl() < 0)
        die("virEventRegisterDefaultImpl: %s", virGetLastErrorMessage());
    pthread_create(&loop_tid, NULL, event_loop_main, NULL);
    if (!(tconn = virConnectOpen(o->uri)))
        die("virConnectOpen(%s): %s", o->uri, virGetLastErrorMessage());
    if (!(tr->dom = virDomainLookupByName(tconn, "test")))
        die("virDomainLookupByName(test): %s", virGetLastErrorMessage());
    tr->nlisteners = o->listeners;
    for (i = 0; i < o->listeners; i++) {
        if (!(ls[i].conn = virConnectOpen(o->uri)))
            die("virConnectOpen(%s): %s", o->uri, virGetLastErrorMessage());
        ls[i].cb = virConnectDomainEventRegisterAny(
            ls[i].conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
            VIR_DOMAIN_EVENT_CALLBACK(on_lifecycle), &ls[i], NULL);
        if (ls[i].cb < 0) {
            snprintf(err, sizeof(err), "virConnectDomainEventRegisterAny: %s",
                     virGetLastErrorMessage());
            fprintf(stderr, "lvbench %s events: unsupported (%s)\n",
                    o->c.label, err);
            emit(o, "unsupported", err, NULL, 0, NULL, NULL);
            return 0;       /* connections close at exit */
        }
    }
    pthread_create(&tr->tid, NULL, trigger_main, tr);
    secs = run_window(&o->c, &d0, &d1);
    pthread_join(tr->tid, NULL);
    if (tr->errors)
        fprintf(stderr, "lvbench %s events: %llu errors, first: %s\n",
                o->c.label, (unsigned long long) tr->errors, tr->errtext);
    emit(o, tr->deliveries > 0 ? "ok" : "failed",
         tr->errtext[0] ? tr->errtext : NULL, tr, secs, &d0, &d1);
    for (i = 0; i < o->listeners; i++) {
        virConnectDomainEventDeregisterAny(ls[i].conn, ls[i].cb);
        virConnectClose(ls[i].conn);
    }
    virDomainFree(tr->dom);
    virConnectClose(tconn);
    loop_quit = 1;
    return 0;
}
