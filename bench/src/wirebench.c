/* wirebench: raw libvirt RPC load without the libvirt library.
 *
 * Each connection does the real handshake (AUTH_LIST, CONNECT_OPEN
 * "test:///default"), then keeps DEPTH calls in flight: every reply is
 * answered at once by a new call, and all calls produced by one read() go
 * out in one write(). Connections are spread over THREADS epoll loops. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "common.h"
#include "wire.h"

#define MAX_DEPTH 256
#define RX_MIN (64 * 1024)

struct conn {
    int fd;
    uint32_t proc;
    unsigned depth, gen, inflight;
    bool want_out;
    uint64_t sent[MAX_DEPTH];
    bool busy[MAX_DEPTH];
    uint8_t *rx;
    size_t rxlen, rxcap;
    uint8_t tx[MAX_DEPTH * 64];
    size_t txlen, txoff;
};

struct worker {
    pthread_t tid;
    const struct common_opts *o;
    int ep;
    struct conn **conns;
    size_t nconns;
    struct hist hist;
    uint64_t ops, errors, io_errors;
    char errtext[256];
};

static void
conn_fail(struct worker *w, struct conn *c, const char *what)
{
    if (!w->io_errors++)
        snprintf(w->errtext, sizeof(w->errtext), "%s: %s", what,
                 strerror(errno));
    epoll_ctl(w->ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    c->fd = -1;
}

/* Queues calls into every free slot. */
static void
conn_fill(struct conn *c)
{
    unsigned s;

    if (phase_get() >= PH_STOP)
        return;
    for (s = 0; s < c->depth && c->inflight < c->depth; s++) {
        uint32_t serial;

        if (c->busy[s])
            continue;
        if (c->txlen + 64 > sizeof(c->tx))
            break;
        serial = ++c->gen * c->depth + s;
        c->txlen += w_call(c->tx + c->txlen, c->proc, serial);
        c->busy[s] = true;
        c->sent[s] = now_ns();
        c->inflight++;
    }
}

static void
conn_flush(struct worker *w, struct conn *c)
{
    struct epoll_event ev;

    while (c->txoff < c->txlen) {
        ssize_t n = write(c->fd, c->tx + c->txoff, c->txlen - c->txoff);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN)
                break;
            conn_fail(w, c, "write");
            return;
        }
        c->txoff += (size_t) n;
    }
    if (c->txoff == c->txlen)
        c->txoff = c->txlen = 0;
    else if (c->txoff > 0) {
        memmove(c->tx, c->tx + c->txoff, c->txlen - c->txoff);
        c->txlen -= c->txoff;
        c->txoff = 0;
    }
    if ((c->txlen > 0) != c->want_out) {
        c->want_out = c->txlen > 0;
        ev.events = EPOLLIN | (c->want_out ? EPOLLOUT : 0);
        ev.data.ptr = c;
        epoll_ctl(w->ep, EPOLL_CTL_MOD, c->fd, &ev);
    }
}

static void
handle_frame(struct worker *w, struct conn *c, const uint8_t *p)
{
    struct w_hdr h;
    unsigned s;
    uint64_t t = now_ns();

    w_parse_hdr(p, &h);
    if (h.type != W_REPLY)
        return;             /* keepalive PING or an event: ignore */
    s = h.serial % c->depth;
    if (!c->busy[s])
        return;
    c->busy[s] = false;
    c->inflight--;
    if (phase_get() != PH_MEASURE)
        return;
    if (h.status != W_STATUS_OK) {
        if (!w->errors++)
            w_error_text(p + W_HDR, h.len - W_HDR, w->errtext,
                         sizeof(w->errtext));
        return;
    }
    w->ops++;
    count_op(w->o);
    hist_add(&w->hist, t - c->sent[s]);
}

static void
conn_read(struct worker *w, struct conn *c)
{
    size_t off = 0;

    for (;;) {
        ssize_t n;

        if (c->rxcap - c->rxlen < 4096) {
            c->rxcap *= 2;
            c->rx = realloc(c->rx, c->rxcap);
        }
        n = read(c->fd, c->rx + c->rxlen, c->rxcap - c->rxlen);
        if (n == 0) {
            errno = ECONNRESET;
            conn_fail(w, c, "read");
            return;
        }
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN)
                break;
            conn_fail(w, c, "read");
            return;
        }
        c->rxlen += (size_t) n;
        if (c->rxlen < c->rxcap)
            break;
    }
    while (c->rxlen - off >= W_HDR) {
        struct w_hdr h;

        w_parse_hdr(c->rx + off, &h);
        if (h.len < W_HDR || h.len > (32u << 20)) {
            errno = EPROTO;
            conn_fail(w, c, "frame");
            return;
        }
        if (c->rxlen - off < h.len)
            break;
        handle_frame(w, c, c->rx + off);
        off += h.len;
    }
    if (off > 0) {
        memmove(c->rx, c->rx + off, c->rxlen - off);
        c->rxlen -= off;
    }
    conn_fill(c);
    conn_flush(w, c);
}

static void *
worker_main(void *p)
{
    struct worker *w = p;
    struct epoll_event evs[256];
    size_t i;

    while (phase_get() < PH_WARMUP)
        sleep_s(0.001);
    for (i = 0; i < w->nconns; i++) {
        conn_fill(w->conns[i]);
        conn_flush(w, w->conns[i]);
    }
    while (phase_get() < PH_STOP) {
        int n = epoll_wait(w->ep, evs, 256, 50);

        for (int k = 0; k < n; k++) {
            struct conn *c = evs[k].data.ptr;

            if (c->fd < 0)
                continue;
            if (evs[k].events & (EPOLLIN | EPOLLERR | EPOLLHUP))
                conn_read(w, c);
            else if (c->fd >= 0 && (evs[k].events & EPOLLOUT))
                conn_flush(w, c);
        }
    }
    return NULL;
}

static void
usage(void)
{
    fprintf(stderr,
            "usage: wirebench -s SOCKET [-p DAEMON_PID] [-l LABEL]\n"
            "  [-o get-version|list-all] [-c CONNS] [-d DEPTH] [-t THREADS]\n"
            "  [-S SECONDS] [-w WARMUP] [-N COUNT: end the window after COUNT\n"
            "  replies, SECONDS at most]\n");
    exit(2);
}

int
main(int argc, char **argv)
{
    struct common_opts o = { "daemon", NULL, 0, 3.0, 0.5, 0 };
    const char *op = "get-version";
    unsigned nconns = 8, depth = 8, nthreads = 1, i;
    struct worker *ws;
    struct dstat d0, d1;
    struct hist *all;
    uint64_t ops = 0, errors = 0, io_errors = 0;
    const char *errtext = NULL;
    double secs;
    struct json j;
    int opt;

    while ((opt = getopt(argc, argv, "s:p:l:o:c:d:t:S:w:N:")) != -1) {
        switch (opt) {
        case 's': o.socket = optarg; break;
        case 'p': o.pid = atoi(optarg); break;
        case 'l': o.label = optarg; break;
        case 'o': op = optarg; break;
        case 'c': nconns = (unsigned) atoi(optarg); break;
        case 'd': depth = (unsigned) atoi(optarg); break;
        case 't': nthreads = (unsigned) atoi(optarg); break;
        case 'S': o.seconds = atof(optarg); break;
        case 'w': o.warmup = atof(optarg); break;
        case 'N': o.count = strtoull(optarg, NULL, 10); break;
        default: usage();
        }
    }
    if (!o.socket || nconns < 1 || depth < 1 || depth > MAX_DEPTH ||
        nthreads < 1)
        usage();
    if (nthreads > nconns)
        nthreads = nconns;
    raise_nofile(nconns + 64);

    ws = calloc(nthreads, sizeof(*ws));
    for (i = 0; i < nthreads; i++) {
        ws[i].o = &o;
        ws[i].ep = epoll_create1(EPOLL_CLOEXEC);
        ws[i].conns = calloc(nconns, sizeof(struct conn *));
    }
    for (i = 0; i < nconns; i++) {
        struct worker *w = &ws[i % nthreads];
        struct conn *c = calloc(1, sizeof(*c));
        struct epoll_event ev;
        char err[256];

        c->proc = strcmp(op, "list-all") == 0 ? W_PROC_LIST_ALL
                                               : W_PROC_GET_VERSION;
        if (strcmp(op, "list-all") && strcmp(op, "get-version"))
            die("unknown op '%s'", op);
        c->depth = depth;
        c->rxcap = RX_MIN;
        c->rx = malloc(c->rxcap);
        if ((c->fd = w_connect(o.socket, 0)) < 0)
            die("connect %s: %s", o.socket, strerror(errno));
        if (w_handshake(c->fd, 10000, err, sizeof(err)) < 0)
            die("handshake failed: %s", err);
        if (fcntl(c->fd, F_SETFL, O_NONBLOCK) < 0)
            die("fcntl: %s", strerror(errno));
        ev.events = EPOLLIN;
        ev.data.ptr = c;
        epoll_ctl(w->ep, EPOLL_CTL_ADD, c->fd, &ev);
        w->conns[w->nconns++] = c;
    }
    for (i = 0; i < nthreads; i++)
        pthread_create(&ws[i].tid, NULL, worker_main, &ws[i]);
    secs = run_window(&o, &d0, &d1);

    all = calloc(1, sizeof(*all));
    for (i = 0; i < nthreads; i++) {
        pthread_join(ws[i].tid, NULL);
        hist_merge(all, &ws[i].hist);
        ops += ws[i].ops;
        errors += ws[i].errors;
        io_errors += ws[i].io_errors;
        if (!errtext && ws[i].errtext[0])
            errtext = ws[i].errtext;
    }
    if (errtext)
        fprintf(stderr, "wirebench %s %s: %s\n", o.label, op, errtext);

    json_begin(&j);
    json_str(&j, "daemon", o.label);
    json_str(&j, "bench", "wire");
    json_str(&j, "op", op);
    json_int(&j, "conns", nconns);
    json_int(&j, "depth", depth);
    json_int(&j, "client_threads", nthreads);
    json_num(&j, "seconds", secs);
    json_int(&j, "ops", (long long) ops);
    json_int(&j, "calls_per_op", 1);
    json_int(&j, "errors", (long long) (errors + io_errors));
    json_str(&j, "error_text", errtext);
    json_num(&j, "ops_per_s", (double) ops / secs);
    json_lat(&j, "lat", all);
    json_costs(&j, &d0, &d1, (double) ops);
    json_str(&j, "status", ops > 0 ? "ok" : "failed");
    json_end(&j);
    return ops > 0 ? 0 : 1;
}
