/* idlebench: how a daemon holds many idle connections.
 *
 * Opens N connections (at most WINDOW handshakes in progress), each doing
 * the real handshake (AUTH_LIST + CONNECT_OPEN, pipelined), and holds them.
 * Reports the time to handshake them all, the daemon's RSS growth per
 * connection, and, while all N are held, the latency of a get-version call
 * on a held connection and of a brand-new connection (connect, AUTH_LIST,
 * CONNECT_OPEN, get-version, sequential round trips). Every phase is bounded
 * by a timeout; what was reached is reported instead of hanging. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>

#include "common.h"
#include "wire.h"

struct ic {
    int fd;
    uint8_t hdr[W_HDR];
    uint8_t have;       /* header bytes collected */
    uint8_t replies;    /* good replies seen */
    uint32_t skip;      /* body bytes still to skip */
};

struct opts {
    struct common_opts c;
    unsigned n, window, held_samples, new_samples;
    double timeout, stall, phase_timeout;
};

/* What one process reached; children send theirs through a pipe. */
struct result {
    unsigned done, failed, opened;
    bool timed_out, stalled, fd_limit;
    uint64_t last_done;         /* CLOCK_MONOTONIC, same clock in children */
    char err[200];
};

static void
ic_close(int ep, struct ic *c)
{
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    c->fd = -1;
}

/* Feeds received bytes through the frame parser. Returns 1 when the
 * handshake completed, -1 on an error reply, 0 otherwise. */
static int
ic_feed(struct ic *c, const uint8_t *p, size_t n, char *err, size_t errlen)
{
    while (n > 0) {
        if (c->skip > 0) {
            size_t k = n < c->skip ? n : c->skip;

            c->skip -= (uint32_t) k;
            p += k;
            n -= k;
            continue;
        }
        while (n > 0 && c->have < W_HDR) {
            c->hdr[c->have++] = *p++;
            n--;
        }
        if (c->have == W_HDR) {
            struct w_hdr h;

            w_parse_hdr(c->hdr, &h);
            c->have = 0;
            c->skip = h.len > W_HDR ? h.len - W_HDR : 0;
            if (h.type != W_REPLY)
                continue;
            if (h.status != W_STATUS_OK) {
                /* the error body follows; report what we can */
                size_t k = n < c->skip ? n : c->skip;

                w_error_text(p, k, err, errlen);
                return -1;
            }
            if (++c->replies == 2)
                return 1;
        }
    }
    return 0;
}

/* Opens and handshakes @n connections into @cs, at most @window in
 * progress. Stops at @deadline, or when nothing completed for o->stall s. */
static void
open_all(const struct opts *o, struct ic *cs, unsigned n, unsigned window,
         uint64_t t0, struct result *r)
{
    int ep = epoll_create1(EPOLL_CLOEXEC);
    uint64_t deadline = t0 + (uint64_t) (o->timeout * 1e9);
    uint64_t progress = now_ns();
    unsigned inflight = 0, next = 0;
    struct epoll_event evs[1024];
    uint8_t hs[128], buf[8192];
    size_t hslen;

    r->last_done = t0;
    hslen = w_call(hs, W_PROC_AUTH_LIST, 0);
    hslen += w_call(hs + hslen, W_PROC_CONNECT_OPEN, 1);
    while (r->done + r->failed < n) {
        uint64_t now = now_ns();
        bool backoff = false;
        int nev;

        if (now > deadline) {
            r->timed_out = true;
            if (!r->err[0])
                snprintf(r->err, sizeof(r->err),
                         "handshake phase bound of %.0f s reached", o->timeout);
            break;
        }
        if (now - progress > (uint64_t) (o->stall * 1e9)) {
            r->stalled = true;
            if (!r->err[0])
                snprintf(r->err, sizeof(r->err),
                         "no handshake answered for %.0f s", o->stall);
            break;
        }
        while (inflight < window && next < n && !r->fd_limit) {
            struct ic *c = &cs[next];
            struct epoll_event ev;
            int fd = w_connect(o->c.socket, 1);

            if (fd < 0) {
                if (errno == EAGAIN) {          /* listen backlog full */
                    backoff = true;
                    break;
                }
                if (errno == EMFILE || errno == ENFILE) {
                    r->fd_limit = true;
                    snprintf(r->err, sizeof(r->err),
                             "client fd limit after %u connections", next);
                    break;
                }
                if (!r->err[0])
                    snprintf(r->err, sizeof(r->err), "connect: %s",
                             strerror(errno));
                r->failed++;
                next++;
                continue;
            }
            c->fd = fd;
            if (write(fd, hs, hslen) != (ssize_t) hslen) {
                if (!r->err[0])
                    snprintf(r->err, sizeof(r->err), "write: %s",
                             strerror(errno));
                close(fd);
                c->fd = -1;
                r->failed++;
                next++;
                continue;
            }
            ev.events = EPOLLIN;
            ev.data.u32 = next;
            epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
            inflight++;
            next++;
            r->opened++;
        }
        if (r->fd_limit && inflight == 0)
            break;
        nev = epoll_wait(ep, evs, 1024, backoff ? 1 : 100);
        for (int k = 0; k < nev; k++) {
            struct ic *c = &cs[evs[k].data.u32];
            char etext[200] = "";
            ssize_t got;
            int rc = 0;

            do {
                got = read(c->fd, buf, sizeof(buf));
                if (got > 0)
                    rc = ic_feed(c, buf, (size_t) got, etext, sizeof(etext));
            } while (got == (ssize_t) sizeof(buf) && rc == 0);
            if (rc < 0 && !r->err[0])
                snprintf(r->err, sizeof(r->err), "%s", etext);
            if (rc == 1) {
                epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
                r->done++;
                inflight--;
                r->last_done = progress = now_ns();
            } else if (rc < 0 || got == 0 ||
                       (got < 0 && errno != EAGAIN && errno != EINTR)) {
                if (got == 0 && !r->err[0])
                    snprintf(r->err, sizeof(r->err),
                             "daemon closed a connection during handshake");
                ic_close(ep, c);
                r->failed++;
                inflight--;
                progress = now_ns();
            }
        }
    }
    close(ep);
}

/* get-version on held connections, round robin. */
static void
held_calls(const struct opts *o, struct ic *cs, unsigned n, unsigned ndone,
           struct hist *h, unsigned *errors, char *err, size_t errlen)
{
    uint64_t deadline = now_ns() + (uint64_t) (o->phase_timeout * 1e9);
    unsigned i, k = 0;

    for (i = 0; i < o->held_samples && ndone > 0 && now_ns() < deadline;
         i++) {
        struct ic *c;
        uint64_t t;

        /* a prime stride walks over many connections */
        do {
            c = &cs[(uint64_t) (k++) * 7919u % n];
        } while (c->fd < 0 || c->replies < 2);
        t = now_ns();
        if (w_call_sync(c->fd, W_PROC_GET_VERSION, 100 + i, 5000,
                        err, errlen) != 0) {
            (*errors)++;
            continue;
        }
        hist_add(h, now_ns() - t);
    }
}

/* connect + AUTH_LIST + CONNECT_OPEN + get-version, then close. */
static void
new_conns(const struct opts *o, struct hist *h, unsigned *errors, char *err,
          size_t errlen)
{
    uint64_t deadline = now_ns() + (uint64_t) (o->phase_timeout * 1e9);
    unsigned i;

    for (i = 0; i < o->new_samples && now_ns() < deadline; i++) {
        uint64_t t = now_ns(), give_up = t + 5000000000u;
        int fd;

        if (*errors >= 3 && *errors == i)
            break;              /* nothing works: do not wait 5 s each */

        while ((fd = w_connect(o->c.socket, 1)) < 0 && errno == EAGAIN &&
               now_ns() < give_up)
            sleep_s(0.0005);
        if (fd < 0) {
            snprintf(err, errlen, "connect: %s", strerror(errno));
            (*errors)++;
            continue;
        }
        if (w_call_sync(fd, W_PROC_AUTH_LIST, 0, 5000, err, errlen) != 0 ||
            w_call_sync(fd, W_PROC_CONNECT_OPEN, 1, 5000, err, errlen) != 0 ||
            w_call_sync(fd, W_PROC_GET_VERSION, 2, 5000, err, errlen) != 0) {
            (*errors)++;
            close(fd);
            continue;
        }
        hist_add(h, now_ns() - t);
        close(fd);
    }
}

static void
usage(void)
{
    fprintf(stderr,
            "usage: idlebench -s SOCKET [-p DAEMON_PID] [-l LABEL] -n N\n"
            "  [-W WINDOW] [-T HANDSHAKE_TIMEOUT_S] [-X STALL_S]\n"
            "  [-P PHASE_TIMEOUT_S] [-k HELD_CALL_SAMPLES] [-m NEW_CONN_SAMPLES]\n");
    exit(2);
}

/* Child: handshake its share, report, hold until the parent closes @ctl. */
static void
child_main(const struct opts *o, unsigned n, unsigned window, uint64_t t0,
           int rep, int ctl)
{
    struct ic *cs = calloc(n, sizeof(*cs));
    struct result r;
    char c;

    memset(&r, 0, sizeof(r));
    for (unsigned i = 0; i < n; i++)
        cs[i].fd = -1;
    open_all(o, cs, n, window, t0, &r);
    (void) !write(rep, &r, sizeof(r));
    while (read(ctl, &c, 1) < 0 && errno == EINTR)
        ;
    _exit(0);
}

static void
merge(struct result *all, const struct result *r)
{
    all->done += r->done;
    all->failed += r->failed;
    all->opened += r->opened;
    all->timed_out |= r->timed_out;
    all->stalled |= r->stalled;
    all->fd_limit |= r->fd_limit;
    if (r->last_done > all->last_done)
        all->last_done = r->last_done;
    if (!all->err[0] && r->err[0])
        snprintf(all->err, sizeof(all->err), "%s", r->err);
}

int
main(int argc, char **argv)
{
    struct opts o = { { "daemon", NULL, 0, 0, 0, 0 }, 1000, 1000, 2000, 200,
                      60, 5, 20 };
    struct result r, mine;
    struct hist *held = calloc(1, sizeof(*held));
    struct hist *fresh = calloc(1, sizeof(*fresh));
    struct dstat d0, d1, d2;
    unsigned held_err = 0, new_err = 0, nproc, share, per_proc;
    char err[256] = "", held_text[256] = "", new_text[256] = "";
    int ctl[2], reps[64], anchor, opt;
    const char *status;
    struct rlimit rl;
    struct ic *cs;
    struct json j;
    uint64_t t0;
    double hs_s;

    while ((opt = getopt(argc, argv, "s:p:l:n:W:T:X:P:k:m:")) != -1) {
        switch (opt) {
        case 's': o.c.socket = optarg; break;
        case 'p': o.c.pid = atoi(optarg); break;
        case 'l': o.c.label = optarg; break;
        case 'n': o.n = (unsigned) atoi(optarg); break;
        case 'W': o.window = (unsigned) atoi(optarg); break;
        case 'T': o.timeout = atof(optarg); break;
        case 'X': o.stall = atof(optarg); break;
        case 'P': o.phase_timeout = atof(optarg); break;
        case 'k': o.held_samples = (unsigned) atoi(optarg); break;
        case 'm': o.new_samples = (unsigned) atoi(optarg); break;
        default: usage();
        }
    }
    if (!o.c.socket || o.n < 1 || o.window < 1)
        usage();

    /* Without CAP_SYS_RESOURCE the hard fd limit cannot be raised: spread
     * the connections over several processes then. */
    raise_nofile((uint64_t) o.n + 1024);
    getrlimit(RLIMIT_NOFILE, &rl);
    per_proc = rl.rlim_cur > 1536 ? (unsigned) rl.rlim_cur - 512 : 1024;
    nproc = (o.n + per_proc - 1) / per_proc;
    if (nproc > 64)
        die("%u connections need %u processes at %u fds each", o.n, nproc,
            per_proc);
    share = (o.n + nproc - 1) / nproc;
    memset(&r, 0, sizeof(r));
    memset(&mine, 0, sizeof(mine));

    /* an anchor connection keeps the driver state loaded throughout */
    if ((anchor = w_connect(o.c.socket, 0)) < 0)
        die("connect %s: %s", o.c.socket, strerror(errno));
    if (w_handshake(anchor, 10000, err, sizeof(err)) < 0 ||
        w_call_sync(anchor, W_PROC_GET_VERSION, 2, 10000, err,
                    sizeof(err)) != 0)
        die("anchor connection: %s", err);
    sleep_s(0.3);
    dstat_read(o.c.pid, &d0);

    if (pipe2(ctl, O_CLOEXEC) < 0)
        die("pipe: %s", strerror(errno));
    t0 = now_ns();
    for (unsigned p = 1; p < nproc; p++) {
        int rp[2];
        unsigned n = p + 1 < nproc ? share : o.n - share * (nproc - 1);

        if (pipe(rp) < 0)
            die("pipe: %s", strerror(errno));
        if (fork() == 0) {
            close(rp[0]);
            close(ctl[1]);
            child_main(&o, n, o.window / nproc + 1, t0, rp[1], ctl[0]);
        }
        close(rp[1]);
        reps[p] = rp[0];
    }
    close(ctl[0]);
    cs = calloc(share, sizeof(*cs));
    for (unsigned i = 0; i < share; i++)
        cs[i].fd = -1;
    open_all(&o, cs, nproc > 1 ? share : o.n, o.window / nproc + 1, t0,
             &mine);
    merge(&r, &mine);
    for (unsigned p = 1; p < nproc; p++) {
        struct result cr;

        if (read(reps[p], &cr, sizeof(cr)) != (ssize_t) sizeof(cr))
            die("lost a child process");
        merge(&r, &cr);
        close(reps[p]);
    }
    hs_s = (double) (r.last_done - t0) / 1e9;
    sleep_s(1.0);               /* let the daemon settle before sampling */
    dstat_read(o.c.pid, &d1);
    fprintf(stderr, "idlebench %s n=%u: %u handshaken in %.2f s%s%s%s%s\n",
            o.c.label, o.n, r.done, hs_s, r.timed_out ? " (timeout)" : "",
            r.stalled ? " (stalled)" : "", r.err[0] ? ", " : "", r.err);

    held_calls(&o, cs, share, mine.done, held, &held_err, held_text,
               sizeof(held_text));
    new_conns(&o, fresh, &new_err, new_text, sizeof(new_text));
    dstat_read(o.c.pid, &d2);
    close(ctl[1]);              /* children exit and drop their share */

    if (r.done == o.n)
        status = "ok";
    else if (r.done > 0)
        status = r.timed_out ? "timeout" : r.stalled ? "stalled" : "partial";
    else
        status = "failed";
    json_begin(&j);
    json_str(&j, "daemon", o.c.label);
    json_str(&j, "bench", "idle");
    json_str(&j, "op", "idle");
    json_int(&j, "n", o.n);
    json_int(&j, "window", o.window);
    json_int(&j, "client_procs", nproc);
    json_int(&j, "handshaken", r.done);
    json_int(&j, "failed", r.failed);
    json_int(&j, "timed_out", r.timed_out);
    json_int(&j, "stalled", r.stalled);
    json_num(&j, "timeout_s", o.timeout);
    json_num(&j, "handshake_s", hs_s);
    json_num(&j, "conns_per_s", hs_s > 0 ? r.done / hs_s : 0);
    json_str(&j, "error_text", r.err[0] ? r.err : NULL);
    if (d0.ok && d1.ok) {
        json_int(&j, "rss_before_kb", d0.rss_kb);
        json_int(&j, "rss_after_kb", d1.rss_kb);
        json_num(&j, "rss_per_conn_bytes",
                 r.done ? (double) (d1.rss_kb - d0.rss_kb) * 1024 / r.done : 0);
        json_num(&j, "daemon_cpu_us_per_conn",
                 r.done ? (d1.cpu_s - d0.cpu_s) * 1e6 / r.done : 0);
        json_int(&j, "daemon_threads", d1.threads);
    }
    if (d2.ok)
        json_int(&j, "daemon_rss_kb", d2.rss_kb);
    json_lat(&j, "held_lat", held);
    json_int(&j, "held_errors", held_err);
    json_str(&j, "held_error_text", held_text[0] ? held_text : NULL);
    json_lat(&j, "new_lat", fresh);
    json_int(&j, "new_errors", new_err);
    json_str(&j, "new_error_text", new_text[0] ? new_text : NULL);
    json_str(&j, "status", status);
    json_end(&j);
    return 0;
}
