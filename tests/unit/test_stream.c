/* RPC streams on a live server: a real loop thread and UNIX socket, with
 * this thread playing both the client (raw frames on the socket) and the
 * driver (it opens streams on the daemon's client as a worker would, and
 * holds the other end of their fds). Covers what the integration tests
 * cannot reach without a console: DUPLEX over a socket pair and a pty,
 * flow control both ways, aborts, disconnects and odd packets. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "loop/loop.h"
#include "rpc/client.h"
#include "rpc/dispatch.h"
#include "rpc/msg.h"
#include "rpc/server.h"
#include "rpc/stream.h"
#include "rpc/wire.h"
#include "util/err.h"
#include "util/mem.h"

#define PROC_OPEN_CONSOLE 201
#define MAX_REQ 5                      /* max_client_requests */
#define PKT (256 * 1024)               /* what python-libvirt sends */
#define TIMEOUT_MS 5000

struct env {
    struct qd_server *srv;
    pthread_t loop_thread;
    char dir[32];
    char path[64];
    int cfd;                           /* the test's client socket */
    struct qd_client *c;               /* the daemon's side of it (a ref) */
};

struct frame {
    struct qd_msg_header h;
    uint8_t *body;
    size_t len;
};

/* ---- plumbing ---------------------------------------------------------- */

static void *
loop_main(void *opaque)
{
    qd_server_run(opaque);
    return NULL;
}

static int
setup(void **state)
{
    struct env *e = QD_NEW(struct env);
    struct qd_server_limits lim = {
        .max_clients = 10, .min_workers = 1, .max_workers = 2,
        .prio_workers = 1, .max_client_requests = MAX_REQ,
        .keepalive_interval = -1,
    };
    struct qd_err err = QD_ERR_INIT;
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int i;

    strcpy(e->dir, "/tmp/qdstXXXXXX");
    assert_non_null(mkdtemp(e->dir));
    snprintf(e->path, sizeof(e->path), "%s/sock", e->dir);
    assert_non_null(e->srv = qd_server_new(&lim, &lim, &err));
    assert_int_equal(qd_server_add_unix(e->srv, e->path, 0600, (gid_t) -1,
                                        false, false, QD_AUTH_NONE, 0, &err),
                     0);
    assert_int_equal(pthread_create(&e->loop_thread, NULL, loop_main,
                                    e->srv), 0);
    e->cfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(e->cfd >= 0);
    strcpy(sa.sun_path, e->path);
    assert_int_equal(connect(e->cfd, (struct sockaddr *) &sa, sizeof(sa)), 0);
    for (i = 0; i < 500 && !e->c; i++) {
        pthread_mutex_lock(&e->srv->lock);
        if (e->srv->ns[QD_NETSRV_MAIN].clients)
            e->c = qd_client_ref(e->srv->ns[QD_NETSRV_MAIN].clients);
        pthread_mutex_unlock(&e->srv->lock);
        if (!e->c)
            usleep(10000);
    }
    assert_non_null(e->c);
    *state = e;
    return 0;
}

static int
teardown(void **state)
{
    struct env *e = *state;

    if (e->cfd >= 0)
        close(e->cfd);
    qd_client_unref(e->c);
    qd_loop_quit(e->srv->loop);
    pthread_join(e->loop_thread, NULL);
    qd_server_free(e->srv);       /* ends what is left; ASan checks leaks */
    unlink(e->path);
    rmdir(e->dir);
    free(e);
    return 0;
}

static uint32_t
be32(const uint8_t *p)
{
    return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 |
           (uint32_t) p[2] << 8 | p[3];
}

static void
put32(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

/* Reads exactly @n bytes; 1 done, 0 EOF, -1 timeout. */
static int
read_full(int fd, void *buf, size_t n, int timeout_ms)
{
    uint8_t *p = buf;
    size_t got = 0;

    while (got < n) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        ssize_t r;

        if (poll(&pfd, 1, timeout_ms) <= 0)
            return -1;
        r = read(fd, p + got, n - got);
        if (r < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (r <= 0)
            return 0;
        got += (size_t) r;
    }
    return 1;
}

/* The next frame from the daemon: 1, 0 on EOF, -1 on timeout. */
static int
recv_frame(struct env *e, struct frame *f, int timeout_ms)
{
    uint8_t hdr[QD_MSG_MIN];
    uint32_t len;
    int rc;

    memset(f, 0, sizeof(*f));
    if ((rc = read_full(e->cfd, hdr, sizeof(hdr), timeout_ms)) <= 0)
        return rc;
    len = be32(hdr);
    assert_true(len >= QD_MSG_MIN);
    f->h.prog = be32(hdr + 4);
    f->h.vers = be32(hdr + 8);
    f->h.proc = (int32_t) be32(hdr + 12);
    f->h.type = be32(hdr + 16);
    f->h.serial = be32(hdr + 20);
    f->h.status = be32(hdr + 24);
    f->len = len - QD_MSG_MIN;
    f->body = qd_malloc(f->len + 1);
    if (f->len && read_full(e->cfd, f->body, f->len, timeout_ms) <= 0)
        fail_msg("short frame");
    return 1;
}

static void
frame_clear(struct frame *f)
{
    free(f->body);
    f->body = NULL;
}

/* Receives a frame and checks its header. */
static void
expect_frame(struct env *e, struct frame *f, uint32_t type, uint32_t serial,
             uint32_t status)
{
    assert_int_equal(recv_frame(e, f, TIMEOUT_MS), 1);
    assert_int_equal(f->h.prog, QD_PROG_REMOTE);
    assert_int_equal(f->h.proc, PROC_OPEN_CONSOLE);
    assert_int_equal(f->h.type, type);
    assert_int_equal(f->h.serial, serial);
    assert_int_equal(f->h.status, status);
}

static void
expect_empty(struct env *e, uint32_t type, uint32_t serial, uint32_t status)
{
    struct frame f;

    expect_frame(e, &f, type, serial, status);
    assert_int_equal(f.len, 0);
    frame_clear(&f);
}

/* A STREAM ERROR frame: checks code, domain and message. */
static void
expect_stream_error(struct env *e, uint32_t serial, int code, int domain,
                    const char *message)
{
    struct frame f;
    uint32_t mlen;

    expect_frame(e, &f, QD_MSG_STREAM, serial, QD_STATUS_ERROR);
    assert_true(f.len >= 16);
    assert_int_equal((int) be32(f.body), code);
    assert_int_equal((int) be32(f.body + 4), domain);
    assert_int_equal(be32(f.body + 8), 1);          /* message present */
    mlen = be32(f.body + 12);
    assert_true(16 + mlen <= f.len);
    f.body[16 + mlen] = '\0';
    assert_string_equal((char *) f.body + 16, message);
    frame_clear(&f);
}

static void
send_all(int fd, const void *buf, size_t n)
{
    const uint8_t *p = buf;

    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

        if (w < 0 && errno == EINTR)
            continue;
        assert_true(w > 0);
        p += w;
        n -= (size_t) w;
    }
}

static void
send_frame(int fd, uint32_t type, int32_t proc, uint32_t serial,
           uint32_t status, const void *body, size_t len)
{
    uint8_t *buf = qd_malloc(QD_MSG_MIN + len);

    put32(buf, (uint32_t) (QD_MSG_MIN + len));
    put32(buf + 4, QD_PROG_REMOTE);
    put32(buf + 8, 1);
    put32(buf + 12, (uint32_t) proc);
    put32(buf + 16, type);
    put32(buf + 20, serial);
    put32(buf + 24, status);
    if (len)
        memcpy(buf + QD_MSG_MIN, body, len);
    send_all(fd, buf, QD_MSG_MIN + len);
    free(buf);
}

static void
send_stream(struct env *e, uint32_t serial, uint32_t status, const void *body,
            size_t len)
{
    send_frame(e->cfd, QD_MSG_STREAM, PROC_OPEN_CONSOLE, serial, status, body,
               len);
}

/* What a worker does for DOMAIN_OPEN_CONSOLE: a stream for the call, an fd
 * from the "driver", then the reply and the stream together. The returned
 * reference is the driver's. */
static struct qd_stream *
open_stream(struct env *e, uint32_t serial, int fd, int mode)
{
    struct qd_msg_header h = {
        QD_PROG_REMOTE, 1, PROC_OPEN_CONSOLE, QD_MSG_CALL, serial,
        QD_STATUS_OK,
    };
    struct qd_call call = { .client = e->c, .hdr = &h };
    struct qd_err err = QD_ERR_INIT;
    struct qd_stream *st = qd_stream_new_for_call(&call);

    assert_ptr_equal(call.stream, st);
    if (fd >= 0)
        assert_int_equal(qd_stream_set_fd(st, fd, mode, &err), 0);
    qd_stream_ref(st);
    h.type = QD_MSG_REPLY;
    qd_stream_start(steal_ptr(&call.stream),
                    qd_msg_build(&h, NULL, NULL, NULL));
    return st;
}

static uint8_t
pattern(size_t i)
{
    return (uint8_t) (i * 7 + i / 251);
}

static void
wait_closed(struct qd_stream *st)
{
    int i;

    for (i = 0; i < 500 && !qd_stream_is_closed(st); i++)
        usleep(10000);
    assert_true(qd_stream_is_closed(st));
}

static unsigned
client_nrequests(struct env *e)
{
    unsigned n;

    pthread_mutex_lock(&e->c->lock);
    n = e->c->nrequests;
    pthread_mutex_unlock(&e->c->lock);
    return n;
}

/* ---- tests ------------------------------------------------------------- */

/* The reply goes first even when the fd had data before the stream
 * started; data flows both ways; the peer's close is an empty CONTINUE;
 * the client's finish is confirmed with an empty OK. */
static void
test_duplex_socketpair(void **state)
{
    struct env *e = *state;
    struct qd_stream *st;
    struct frame f;
    char buf[8];
    int sp[2];

    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp),
                     0);
    assert_int_equal(write(sp[1], "hello", 5), 5);
    st = open_stream(e, 7, sp[0], QD_STREAM_DUPLEX);
    expect_empty(e, QD_MSG_REPLY, 7, QD_STATUS_OK);
    expect_frame(e, &f, QD_MSG_STREAM, 7, QD_STATUS_CONTINUE);
    assert_int_equal(f.len, 5);
    assert_memory_equal(f.body, "hello", 5);
    frame_clear(&f);

    send_stream(e, 7, QD_STATUS_CONTINUE, "world", 5);
    assert_int_equal(read_full(sp[1], buf, 5, TIMEOUT_MS), 1);
    assert_memory_equal(buf, "world", 5);

    close(sp[1]);
    expect_empty(e, QD_MSG_STREAM, 7, QD_STATUS_CONTINUE);    /* EOF */
    assert_false(qd_stream_is_closed(st));   /* until the client finishes */
    send_stream(e, 7, QD_STATUS_OK, NULL, 0);
    expect_empty(e, QD_MSG_STREAM, 7, QD_STATUS_OK);
    assert_true(qd_stream_is_closed(st));
    assert_int_equal(client_nrequests(e), 0);
    qd_stream_unref(st);
}

/* A console on a pty master: the other side closing reads as EIO, which
 * is the end of data; the client's abort is confirmed with OK. */
static void
test_duplex_pty(void **state)
{
    struct env *e = *state;
    struct qd_stream *st;
    struct termios tio;
    struct frame f;
    char buf[16];
    size_t got = 0;
    int m, s;

    assert_true((m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC)) >= 0);
    assert_int_equal(grantpt(m), 0);
    assert_int_equal(unlockpt(m), 0);
    assert_true((s = open(ptsname(m), O_RDWR | O_NOCTTY | O_CLOEXEC)) >= 0);
    assert_int_equal(tcgetattr(s, &tio), 0);
    cfmakeraw(&tio);
    assert_int_equal(tcsetattr(s, TCSANOW, &tio), 0);

    st = open_stream(e, 9, m, QD_STREAM_DUPLEX);
    expect_empty(e, QD_MSG_REPLY, 9, QD_STATUS_OK);
    assert_int_equal(write(s, "login: ", 7), 7);
    while (got < 7) {
        expect_frame(e, &f, QD_MSG_STREAM, 9, QD_STATUS_CONTINUE);
        assert_true(f.len > 0 && got + f.len <= 7);
        memcpy(buf + got, f.body, f.len);
        got += f.len;
        frame_clear(&f);
    }
    assert_memory_equal(buf, "login: ", 7);

    send_stream(e, 9, QD_STATUS_CONTINUE, "root\r", 5);
    assert_int_equal(read_full(s, buf, 5, TIMEOUT_MS), 1);
    assert_memory_equal(buf, "root\r", 5);

    close(s);
    expect_empty(e, QD_MSG_STREAM, 9, QD_STATUS_CONTINUE);    /* EOF */
    send_stream(e, 9, QD_STATUS_ERROR, NULL, 0);              /* abort */
    expect_empty(e, QD_MSG_STREAM, 9, QD_STATUS_OK);
    wait_closed(st);
    qd_stream_unref(st);
}

struct sender {
    int fd;
    unsigned npackets;
    unsigned sent;                     /* atomic: whole packets written */
};

static void *
sender_main(void *opaque)
{
    struct sender *s = opaque;
    uint8_t *body = qd_malloc(PKT);
    unsigned i;
    size_t j;

    for (i = 0; i < s->npackets; i++) {
        for (j = 0; j < PKT; j++)
            body[j] = pattern((size_t) i * PKT + j);
        send_frame(s->fd, QD_MSG_STREAM, PROC_OPEN_CONSOLE, 11,
                   QD_STATUS_CONTINUE, body, PKT);
        __atomic_add_fetch(&s->sent, 1, __ATOMIC_RELAXED);
    }
    free(body);
    return NULL;
}

/* client -> fd: while the fd does not drain, the daemon holds at most
 * max_client_requests packets and stops reading the client's socket, so
 * the client's sends block; once the fd is read, everything arrives in
 * order. */
static void
test_flow_client_to_fd(void **state)
{
    struct env *e = *state;
    struct sender snd = { .npackets = 64 };
    struct qd_stream *st;
    pthread_t tid;
    uint8_t *buf = qd_malloc(PKT);
    unsigned last = 0, now = 0, i;
    size_t j;
    int sp[2];

    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp),
                     0);
    st = open_stream(e, 11, sp[0], QD_STREAM_DUPLEX);
    expect_empty(e, QD_MSG_REPLY, 11, QD_STATUS_OK);
    snd.fd = e->cfd;
    assert_int_equal(pthread_create(&tid, NULL, sender_main, &snd), 0);
    /* wait until the sender makes no more progress */
    for (i = 0; i < 100; i++) {
        usleep(100000);
        now = __atomic_load_n(&snd.sent, __ATOMIC_RELAXED);
        if (i > 2 && now == last)
            break;
        last = now;
    }
    assert_true(now < snd.npackets);     /* blocked: 16 MiB did not fit */
    assert_true(client_nrequests(e) <= MAX_REQ);
    for (i = 0; i < snd.npackets; i++) {
        assert_int_equal(read_full(sp[1], buf, PKT, TIMEOUT_MS), 1);
        for (j = 0; j < PKT; j++)
            if (buf[j] != pattern((size_t) i * PKT + j))
                fail_msg("packet %u byte %zu differs", i, j);
    }
    pthread_join(tid, NULL);
    send_stream(e, 11, QD_STATUS_OK, NULL, 0);
    expect_empty(e, QD_MSG_STREAM, 11, QD_STATUS_OK);
    assert_int_equal(client_nrequests(e), 0);
    close(sp[1]);
    free(buf);
    qd_stream_unref(st);
}

/* fd -> client: a client that does not read gets at most a couple of data
 * packets queued; the fd's writer blocks; the data then arrives whole, in
 * order, in packets of at most 262120 bytes. */
static void
test_flow_fd_to_client(void **state)
{
    struct env *e = *state;
    struct qd_stream *st;
    struct frame f;
    uint8_t *chunk = qd_malloc(65536);
    size_t written = 0, got = 0, j, qlen;
    int sp[2], idle = 0;

    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp),
                     0);
    st = open_stream(e, 13, sp[0], QD_STREAM_DUPLEX);
    expect_empty(e, QD_MSG_REPLY, 13, QD_STATUS_OK);
    assert_int_equal(fcntl(sp[1], F_SETFL, O_NONBLOCK), 0);
    while (idle < 5 && written < (64u << 20)) {
        ssize_t w;

        for (j = 0; j < 65536; j++)
            chunk[j] = pattern(written + j);
        w = write(sp[1], chunk, 65536);
        if (w < 0) {
            assert_true(errno == EAGAIN);
            idle++;
            usleep(50000);
            continue;
        }
        written += (size_t) w;
        idle = 0;
    }
    assert_true(written < (16u << 20));  /* the daemon stopped reading */
    pthread_mutex_lock(&e->c->lock);
    qlen = e->c->tx.len;
    pthread_mutex_unlock(&e->c->lock);
    assert_true(qlen <= 2);              /* STREAM_TX_MAX data packets */

    while (got < written) {
        expect_frame(e, &f, QD_MSG_STREAM, 13, QD_STATUS_CONTINUE);
        assert_true(f.len > 0 && f.len <= QD_MSG_LEGACY_PAYLOAD_MAX);
        assert_true(got + f.len <= written);
        for (j = 0; j < f.len; j++)
            if (f.body[j] != pattern(got + j))
                fail_msg("byte %zu differs", got + j);
        got += f.len;
        frame_clear(&f);
    }
    close(sp[1]);
    expect_empty(e, QD_MSG_STREAM, 13, QD_STATUS_CONTINUE);   /* EOF */
    send_stream(e, 13, QD_STATUS_OK, NULL, 0);
    expect_empty(e, QD_MSG_STREAM, 13, QD_STATUS_OK);
    free(chunk);
    qd_stream_unref(st);
}

/* The driver ends the stream (console --force): the client gets libvirt's
 * STREAM error, the fd is closed, a late set_fd is refused and its fd
 * closed. */
static void
test_abort_from_daemon(void **state)
{
    struct env *e = *state;
    struct qd_err err = QD_ERR_INIT;
    struct qd_stream *st;
    char c;
    int sp[2], p[2];

    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp),
                     0);
    st = open_stream(e, 15, sp[0], QD_STREAM_DUPLEX);
    expect_empty(e, QD_MSG_REPLY, 15, QD_STATUS_OK);
    qd_stream_abort(st);
    expect_stream_error(e, 15, QD_ERR_RPC, QD_FROM_STREAMS,
                        "stream had I/O failure");
    assert_int_equal(read_full(sp[1], &c, 1, TIMEOUT_MS), 0);  /* closed */
    wait_closed(st);
    qd_stream_abort(st);                                 /* no-op now */

    assert_int_equal(pipe2(p, O_CLOEXEC), 0);
    assert_int_equal(qd_stream_set_fd(st, p[0], QD_STREAM_SOURCE, &err), -1);
    assert_string_equal(err.message, "operation failed: stream is closed");
    qd_err_clear(&err);
    signal(SIGPIPE, SIG_IGN);
    assert_int_equal(write(p[1], "x", 1), -1);           /* p[0] closed */
    assert_int_equal(errno, EPIPE);
    close(p[1]);

    /* nothing more for serial 15 arrives, and the client still works */
    send_stream(e, 15, QD_STATUS_CONTINUE, "late", 4);
    {
        struct frame f;

        assert_int_equal(recv_frame(e, &f, 300), -1);
    }
    close(sp[1]);
    qd_stream_unref(st);
}

/* The client goes away mid-stream: the stream ends and its fd closes. */
static void
test_client_disconnect(void **state)
{
    struct env *e = *state;
    struct qd_stream *st;
    char c;
    int sp[2];

    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp),
                     0);
    st = open_stream(e, 17, sp[0], QD_STREAM_DUPLEX);
    expect_empty(e, QD_MSG_REPLY, 17, QD_STATUS_OK);
    send_stream(e, 17, QD_STATUS_CONTINUE, "abc", 3);
    assert_int_equal(read_full(sp[1], &c, 1, TIMEOUT_MS), 1);
    assert_int_equal(write(sp[1], "data in flight", 14), 14);
    close(e->cfd);
    e->cfd = -1;
    wait_closed(st);
    {
        char rest[2];

        assert_int_equal(read_full(sp[1], rest, 2, TIMEOUT_MS), 1);
        assert_int_equal(read_full(sp[1], &c, 1, TIMEOUT_MS), 0);
    }
    close(sp[1]);
    qd_stream_unref(st);
}

/* SOURCE on a regular file: a helper thread reads it; all of it arrives,
 * then the empty CONTINUE; finish is confirmed. A file cannot be DUPLEX;
 * data sent to a SOURCE stream is refused with libvirt's EBADF error. */
static void
test_source_file(void **state)
{
    struct env *e = *state;
    struct qd_err err = QD_ERR_INIT;
    struct qd_stream *st;
    struct frame f;
    char tmpl[] = "/tmp/qdsfXXXXXX";
    size_t total = 600000, got = 0, j;
    uint8_t *data = qd_malloc(total);
    int fd, p[2];

    for (j = 0; j < total; j++)
        data[j] = pattern(j);
    assert_true((fd = mkstemp(tmpl)) >= 0);
    unlink(tmpl);
    assert_int_equal(write(fd, data, total), (ssize_t) total);
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);

    st = open_stream(e, 19, fd, QD_STREAM_SOURCE);
    expect_empty(e, QD_MSG_REPLY, 19, QD_STATUS_OK);
    while (got < total) {
        expect_frame(e, &f, QD_MSG_STREAM, 19, QD_STATUS_CONTINUE);
        assert_true(f.len > 0 && f.len <= QD_MSG_LEGACY_PAYLOAD_MAX);
        assert_true(got + f.len <= total);
        assert_memory_equal(f.body, data + got, f.len);
        got += f.len;
        frame_clear(&f);
    }
    expect_empty(e, QD_MSG_STREAM, 19, QD_STATUS_CONTINUE);   /* EOF */
    send_stream(e, 19, QD_STATUS_OK, NULL, 0);
    expect_empty(e, QD_MSG_STREAM, 19, QD_STATUS_OK);
    qd_stream_unref(st);

    /* a file both ways */
    {
        struct qd_msg_header h = {
            QD_PROG_REMOTE, 1, PROC_OPEN_CONSOLE, QD_MSG_CALL, 20, 0,
        };
        struct qd_call call = { .client = e->c, .hdr = &h };
        char tmpl2[] = "/tmp/qdsfXXXXXX";

        st = qd_stream_new_for_call(&call);
        assert_true((fd = mkstemp(tmpl2)) >= 0);
        unlink(tmpl2);
        assert_int_equal(qd_stream_set_fd(st, fd, QD_STREAM_DUPLEX, &err), -1);
        assert_non_null(strstr(err.message, "only be a stream source"));
        qd_err_clear(&err);
        qd_stream_discard(steal_ptr(&call.stream));
    }

    /* data for a read-only stream */
    assert_int_equal(pipe2(p, O_CLOEXEC), 0);
    st = open_stream(e, 21, p[0], QD_STREAM_SOURCE);
    expect_empty(e, QD_MSG_REPLY, 21, QD_STATUS_OK);
    send_stream(e, 21, QD_STATUS_CONTINUE, "nope", 4);
    expect_stream_error(e, 21, QD_ERR_SYSTEM_ERROR, QD_FROM_STREAMS,
                        "cannot write to stream: Bad file descriptor");
    wait_closed(st);
    assert_int_equal(client_nrequests(e), 0);
    close(p[1]);
    qd_stream_unref(st);
    free(data);
}

/* Packets for no stream are dropped (and not counted); an unknown status
 * aborts the stream with libvirt's error; a hole on a non-sparse stream
 * closes the connection, as libvirtd does. */
static void
test_odd_packets(void **state)
{
    struct env *e = *state;
    struct qd_stream *st, *st2;
    struct frame f;
    int sp[2], sp2[2];

    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp),
                     0);
    st = open_stream(e, 23, sp[0], QD_STREAM_DUPLEX);
    expect_empty(e, QD_MSG_REPLY, 23, QD_STATUS_OK);

    send_stream(e, 999, QD_STATUS_CONTINUE, "stray", 5);
    send_stream(e, 999, QD_STATUS_OK, NULL, 0);
    send_frame(e->cfd, QD_MSG_STREAM, 202, 23, QD_STATUS_OK, NULL, 0);
    assert_int_equal(recv_frame(e, &f, 300), -1);            /* silence */
    assert_int_equal(client_nrequests(e), 0);
    assert_false(qd_stream_is_closed(st));

    send_stream(e, 23, 7, NULL, 0);
    expect_stream_error(e, 23, QD_ERR_RPC, QD_FROM_STREAMS,
                        "stream aborted with unexpected status 7");
    wait_closed(st);
    qd_stream_unref(st);

    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp2),
                     0);
    st2 = open_stream(e, 25, sp2[0], QD_STREAM_DUPLEX);
    expect_empty(e, QD_MSG_REPLY, 25, QD_STATUS_OK);
    {
        static const uint8_t hole[12] = { 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0,
                                          0, 0 };

        send_frame(e->cfd, QD_MSG_STREAM_HOLE, PROC_OPEN_CONSOLE, 25,
                   QD_STATUS_CONTINUE, hole, sizeof(hole));
    }
    assert_int_equal(recv_frame(e, &f, TIMEOUT_MS), 0);      /* closed */
    wait_closed(st2);
    close(sp[1]);
    close(sp2[1]);
    qd_stream_unref(st2);
}

/* A call that fails drops its stream: the fd is closed, nothing is sent. */
static void
test_discard(void **state)
{
    struct env *e = *state;
    struct qd_msg_header h = {
        QD_PROG_REMOTE, 1, PROC_OPEN_CONSOLE, QD_MSG_CALL, 27, 0,
    };
    struct qd_call call = { .client = e->c, .hdr = &h };
    struct qd_err err = QD_ERR_INIT;
    struct qd_stream *st;
    struct frame f;
    char c;
    int sp[2], p[2];

    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp),
                     0);
    st = qd_stream_ref(qd_stream_new_for_call(&call));
    assert_int_equal(qd_stream_set_fd(st, sp[0], QD_STREAM_DUPLEX, &err), 0);
    /* one fd per stream: a second one is refused and closed */
    assert_int_equal(pipe2(p, O_CLOEXEC), 0);
    assert_int_equal(qd_stream_set_fd(st, p[0], QD_STREAM_SOURCE, &err), -1);
    assert_string_equal(err.message,
                        "internal error: stream already has a file "
                        "descriptor");
    qd_err_clear(&err);
    assert_int_equal(write(p[1], "x", 1), -1);
    assert_int_equal(errno, EPIPE);
    close(p[1]);
    qd_stream_discard(steal_ptr(&call.stream));
    assert_true(qd_stream_is_closed(st));
    assert_int_equal(read_full(sp[1], &c, 1, TIMEOUT_MS), 0);
    assert_int_equal(recv_frame(e, &f, 300), -1);
    close(sp[1]);
    qd_stream_unref(st);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_duplex_socketpair, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_duplex_pty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flow_client_to_fd, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_flow_fd_to_client, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_abort_from_daemon, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_client_disconnect, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_source_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_odd_packets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_discard, setup, teardown),
    };

    signal(SIGPIPE, SIG_IGN);      /* as the daemon does */
    return cmocka_run_group_tests(tests, NULL, NULL);
}
