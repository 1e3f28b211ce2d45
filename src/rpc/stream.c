/* RPC streams, server side (libvirt's daemonClientStream).
 *
 * Life of a stream:
 *
 *   worker   handler: qd_stream_new_for_call(); the driver op gives it an
 *            fd (qd_stream_set_fd) and returns. The dispatcher then either
 *            drops it (the call failed: qd_stream_discard) or starts it:
 *            qd_stream_start() puts the stream on client->streams_new and
 *            the reply on the tx queue under one client lock, then marks
 *            the client dirty. So the reply is queued before any data can
 *            be, and the stream is visible to the loop before the client
 *            can have seen the reply.
 *   loop     the client's flush (or the stream filter) moves the stream to
 *            client->streams, registers its fd with the loop and pumps:
 *            fd -> STREAM CONTINUE packets to the client, and client
 *            packets caught by the filter -> writes to the fd.
 *   end      client finish (OK) or abort (ERROR) is confirmed with an
 *            empty STREAM OK; a daemon-side failure or qd_stream_abort()
 *            sends a STREAM ERROR; closing the client ends every stream
 *            silently. Ending closes the fd and drops the client ref.
 *
 * Flow control, both ways bounded:
 *
 *   client -> fd   every packet the filter takes counts in the client's
 *                  nrequests until it has been written to the fd (or
 *                  dropped), like libvirtd's dummy replies. A stream whose
 *                  fd does not drain so fills max_client_requests, and the
 *                  client's socket is no longer read (client.c throttle).
 *   fd -> client   the fd is read only while fewer than STREAM_TX_MAX of
 *                  the stream's data packets wait in the client's tx
 *                  queue; each packet's on_free hook gives its slot back
 *                  and the client's next flush re-arms the fd.
 *
 * Locks: st->lock is never held with client->lock; only the dirty-list
 * lock (qd_server_mark_dirty) nests inside it. Loop-only fields need no
 * lock.
 * References: the call, the client's stream list, each queued data packet,
 * and a file reader thread each hold one. */
#define QD_LOG_MODULE "rpc.stream"

#include "rpc/stream.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loop/loop.h"
#include "rpc/client.h"
#include "rpc/dispatch.h"
#include "rpc/msg.h"
#include "rpc/server.h"
#include "rpc/wire.h"
#include "util/err.h"
#include "util/log.h"
#include "util/mem.h"

/* Data packets of one stream in the client's tx queue at most: the fd is
 * read no faster than the client takes the data (libvirtd keeps one). */
#define STREAM_TX_MAX 2
/* What the file reader thread reads at a time. */
#define READER_CHUNK (64 * 1024)
/* Streams serviced without a heap snapshot. */
#define SNAPSHOT_INLINE 8

struct qd_stream {
    int refs;                     /* atomic */
    unsigned tx_inflight;         /* atomic: data packets in client's tx */

    /* immutable */
    struct qd_server *srv;
    unsigned long long client_id; /* for log lines */
    struct qd_msg_header hdr;     /* the opening call: prog, vers, proc,
                                     serial */

    pthread_mutex_t lock;
    /* st->lock */
    struct qd_client *client;     /* a reference; NULL once ended */
    bool closed;                  /* ended; never reopens */
    bool has_fd;                  /* set_fd succeeded */
    int new_fd;                   /* handed over, not yet taken by the loop */
    int new_mode;
    bool abort_req;               /* qd_stream_abort() was called */
    int reader_errno;             /* the file reader thread's read error */

    /* loop thread only (a worker writes @next under client->lock while
     * the stream is on client->streams_new) */
    struct qd_stream *next;
    int fd;
    int mode;                     /* 0 until the loop took an fd */
    bool watched;                 /* @fd is in the epoll set */
    uint32_t interest;
    bool hup;                     /* epoll reported HUP or ERR */
    bool wblocked;                /* writing @fd would block */
    bool eof_sent;                /* read side done: empty CONTINUE sent */
    struct qd_msgq rx;            /* client packets not yet consumed */
};

/* ---- references and small helpers -------------------------------------- */

struct qd_stream *
qd_stream_ref(struct qd_stream *st)
{
    __atomic_add_fetch(&st->refs, 1, __ATOMIC_RELAXED);
    return st;
}

struct qd_stream *
qd_stream_unref(struct qd_stream *st)
{
    if (!st || __atomic_sub_fetch(&st->refs, 1, __ATOMIC_ACQ_REL) > 0)
        return NULL;
    /* ending (discard, or the loop's end) already dropped the client and
     * the loop-side fd */
    assert(!st->client);
    if (st->new_fd >= 0)
        close(st->new_fd);
    if (st->fd >= 0)
        close(st->fd);
    qd_msgq_clear(&st->rx);
    pthread_mutex_destroy(&st->lock);
    free(st);
    return NULL;
}

bool
qd_stream_is_closed(struct qd_stream *st)
{
    bool closed;

    pthread_mutex_lock(&st->lock);
    closed = st->closed;
    pthread_mutex_unlock(&st->lock);
    return closed;
}

/* Loop thread: is @st still open? (Only the loop ends a started stream.) */
static bool
alive(const struct qd_stream *st)
{
    return st->client != NULL;
}

static int
set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);

    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
        return -1;
    return 0;
}

/* ---- creation and hand-over (workers) ---------------------------------- */

struct qd_stream *
qd_stream_new_for_call(struct qd_call *call)
{
    struct qd_stream *st = QD_NEW(struct qd_stream);

    assert(!call->stream);         /* one stream per call */
    st->refs = 1;
    st->srv = call->client->srv;
    st->client_id = (unsigned long long) call->client->id;
    st->hdr = *call->hdr;
    st->client = qd_client_ref(call->client);
    st->new_fd = -1;
    st->fd = -1;
    pthread_mutex_init(&st->lock, NULL);
    call->stream = st;
    return st;
}

void
qd_stream_discard(struct qd_stream *st)
{
    struct qd_client *c;
    int fd;

    if (!st)
        return;
    pthread_mutex_lock(&st->lock);
    st->closed = true;
    c = steal_ptr(&st->client);
    fd = st->new_fd;
    st->new_fd = -1;
    pthread_mutex_unlock(&st->lock);
    if (fd >= 0)
        close(fd);
    /* never the last reference: the call being answered holds one */
    qd_client_unref(c);
    qd_stream_unref(st);
}

void
qd_stream_start(struct qd_stream *st, struct qd_msg *reply)
{
    struct qd_client *c = st->client;
    bool queued = false;

    pthread_mutex_lock(&c->lock);
    if (!c->closing) {
        st->next = c->streams_new;         /* the call's reference moves */
        c->streams_new = st;
        qd_msgq_push(&c->tx, reply);
        queued = true;
    } else if (reply->tracked && c->nrequests > 0) {
        c->nrequests--;
    }
    pthread_mutex_unlock(&c->lock);
    if (queued) {
        QD_DEBUG("client %llu: stream proc %d serial %u started",
                 st->client_id, st->hdr.proc, st->hdr.serial);
        qd_server_mark_dirty(c->srv, c);
        return;
    }
    qd_msg_free(reply);
    qd_stream_discard(st);
}

/* ---- the file reader thread -------------------------------------------- */

/* epoll cannot watch regular files and block devices, and the loop must
 * not wait on a disk: a detached thread copies the file into a socket
 * pair whose other end the loop pumps like any fd. It blocks when the
 * socket is full (so it reads no faster than the client drains) and ends
 * at EOF, on a read error (kept in @st for the loop to report) or when the
 * loop closes its end. */
struct reader {
    int file_fd;
    int sock_fd;
    struct qd_stream *st;
};

static void *
reader_main(void *opaque)
{
    struct reader *r = opaque;
    uint8_t *buf = qd_malloc(READER_CHUNK);
    int rerr = 0;

    for (;;) {
        ssize_t n = read(r->file_fd, buf, READER_CHUNK), off = 0;

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rerr = errno;
            break;
        }
        if (n == 0)
            break;
        while (off < n) {
            ssize_t w = send(r->sock_fd, buf + off, (size_t) (n - off),
                             MSG_NOSIGNAL);

            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0)
                goto out;                  /* the stream ended */
            off += w;
        }
    }
    if (rerr) {
        /* before the close below, so the loop sees it at EOF */
        pthread_mutex_lock(&r->st->lock);
        r->st->reader_errno = rerr;
        pthread_mutex_unlock(&r->st->lock);
    }
out:
    free(buf);
    close(r->file_fd);
    close(r->sock_fd);
    qd_stream_unref(r->st);
    free(r);
    return NULL;
}

/* Starts a reader for @file_fd (taken); returns the loop's end. */
static int
start_reader(struct qd_stream *st, int file_fd, struct qd_err *err)
{
    struct reader *r;
    pthread_attr_t attr;
    pthread_t tid;
    int sv[2], rc;

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        rc = errno;
        close(file_fd);
        return qd_err_report(err, QD_ERR_SYSTEM_ERROR, QD_FROM_STREAMS,
                             "Unable to create socket pair: %s",
                             strerror(rc));
    }
    if (set_nonblock(sv[0]) < 0) {
        rc = errno;
        close(sv[0]);
        close(sv[1]);
        close(file_fd);
        return qd_err_report(err, QD_ERR_SYSTEM_ERROR, QD_FROM_STREAMS,
                             "Unable to set non-blocking mode: %s",
                             strerror(rc));
    }
    r = QD_NEW(struct reader);
    r->file_fd = file_fd;
    r->sock_fd = sv[1];
    r->st = qd_stream_ref(st);
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    rc = pthread_create(&tid, &attr, reader_main, r);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        close(sv[0]);
        close(sv[1]);
        close(file_fd);
        qd_stream_unref(r->st);
        free(r);
        return qd_err_report(err, QD_ERR_SYSTEM_ERROR, QD_FROM_STREAMS,
                             "Unable to create stream reader thread: %s",
                             strerror(rc));
    }
    return sv[0];
}

int
qd_stream_set_fd(struct qd_stream *st, int fd, int mode, struct qd_err *err)
{
    struct stat sb;
    bool closed;
    int e;

    if (mode != QD_STREAM_SOURCE && mode != QD_STREAM_DUPLEX) {
        close(fd);
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_STREAMS,
                             "unknown stream mode %d", mode);
    }
    if (fstat(fd, &sb) < 0) {
        e = errno;
        close(fd);
        return qd_err_report(err, QD_ERR_SYSTEM_ERROR, QD_FROM_STREAMS,
                             "Unable to access stream: %s", strerror(e));
    }
    if (S_ISREG(sb.st_mode) || S_ISBLK(sb.st_mode)) {
        if (mode != QD_STREAM_SOURCE) {
            close(fd);
            return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_STREAMS,
                                 "%s", "a file can only be a stream source");
        }
        if ((fd = start_reader(st, fd, err)) < 0)
            return -1;
    } else if (set_nonblock(fd) < 0) {
        e = errno;
        close(fd);
        return qd_err_report(err, QD_ERR_SYSTEM_ERROR, QD_FROM_STREAMS,
                             "Unable to set non-blocking mode: %s",
                             strerror(e));
    }

    pthread_mutex_lock(&st->lock);
    closed = st->closed;
    if (!closed && !st->has_fd) {
        st->has_fd = true;
        st->new_fd = fd;
        st->new_mode = mode;
        /* the client's next flush hands the fd to the loop (before the
         * stream starts this is a harmless extra flush) */
        qd_server_mark_dirty(st->srv, st->client);
        fd = -1;
    }
    pthread_mutex_unlock(&st->lock);
    if (fd < 0)
        return 0;
    close(fd);
    if (closed)
        return qd_err_report(err, QD_ERR_OPERATION_FAILED, QD_FROM_STREAMS,
                             "%s", "stream is closed");
    return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_STREAMS,
                         "%s", "stream already has a file descriptor");
}

void
qd_stream_abort(struct qd_stream *st)
{
    pthread_mutex_lock(&st->lock);
    if (!st->closed && !st->abort_req) {
        st->abort_req = true;
        qd_server_mark_dirty(st->srv, st->client);
    }
    pthread_mutex_unlock(&st->lock);
}

/* ---- packets to the client (loop) -------------------------------------- */

static struct qd_msg *
packet_new(const struct qd_stream *st, uint32_t status)
{
    struct qd_msg *m = qd_msg_new();
    struct qd_msg_header h = st->hdr;

    h.type = QD_MSG_STREAM;
    h.status = status;
    qd_msg_begin(m, &h);
    return m;
}

/* An empty packet: CONTINUE is the end of the data, OK confirms the
 * client's finish or abort. */
static void
send_empty(struct qd_stream *st, uint32_t status)
{
    struct qd_msg *m = packet_new(st, status);

    (void) qd_msg_finish(m, NULL);
    qd_client_send(st->client, m);
}

static void
send_error(struct qd_stream *st, const struct qd_err *e)
{
    struct qd_msg *m = packet_new(st, QD_STATUS_ERROR);

    qd_msg_encode_error(&m->buf, e);
    (void) qd_msg_finish(m, NULL);
    qd_client_send(st->client, m);
}

/* on_free hook of a data packet: sent or dropped, its tx slot is free.
 * Runs under the client lock when the client closes: atomics only (the
 * client's stream list still holds a reference then). */
static void
data_packet_freed(void *opaque)
{
    struct qd_stream *st = opaque;

    __atomic_sub_fetch(&st->tx_inflight, 1, __ATOMIC_RELAXED);
    qd_stream_unref(st);
}

/* ---- ending (loop) ----------------------------------------------------- */

/* @n packets the filter counted are consumed or dropped. */
static void
rx_release(struct qd_client *c, unsigned n)
{
    bool was_throttled;

    pthread_mutex_lock(&c->lock);
    was_throttled = c->nrequests >= c->ns->limits.max_client_requests;
    c->nrequests -= n < c->nrequests ? n : c->nrequests;
    pthread_mutex_unlock(&c->lock);
    if (was_throttled && c->fd >= 0)
        qd_server_mark_dirty(c->srv, c);   /* read the socket again */
}

static void
close_fd(struct qd_stream *st)
{
    if (st->fd < 0)
        return;
    if (st->watched)
        qd_loop_del_fd(st->srv->loop, st->fd);
    close(st->fd);
    st->fd = -1;
    st->watched = false;
    st->interest = 0;
}

/* Ends @st without a word on the wire: the fd is closed, queued client
 * packets dropped, the client reference released. The caller holds a
 * reference of its own (the list's is dropped here). */
static void
stream_end(struct qd_stream *st)
{
    struct qd_client *c = st->client;
    struct qd_stream **pp;
    struct qd_msg *m;
    unsigned dropped = 0;
    int fd;

    if (!c)
        return;
    for (pp = &c->streams; *pp; pp = &(*pp)->next) {
        if (*pp == st) {
            *pp = st->next;
            break;
        }
    }
    st->next = NULL;
    close_fd(st);
    while ((m = qd_msgq_pop(&st->rx))) {
        qd_msg_free(m);
        dropped++;
    }
    if (dropped)
        rx_release(c, dropped);
    pthread_mutex_lock(&st->lock);
    st->closed = true;
    st->client = NULL;
    fd = st->new_fd;
    st->new_fd = -1;
    pthread_mutex_unlock(&st->lock);
    if (fd >= 0)
        close(fd);
    QD_DEBUG("client %llu: stream proc %d serial %u ended", st->client_id,
             st->hdr.proc, st->hdr.serial);
    qd_server_unref_client_on_loop(st->srv, c);
    qd_stream_unref(st);
}

/* A daemon-side failure: the client gets @e as a STREAM error. */
static void
stream_fail(struct qd_stream *st, const struct qd_err *e)
{
    QD_DEBUG("client %llu: stream proc %d serial %u failed: %s",
             st->client_id, st->hdr.proc, st->hdr.serial, e->message);
    send_error(st, e);
    stream_end(st);
}

static void
stream_fail_sys(struct qd_stream *st, const char *what, int errnum)
{
    struct qd_err err = QD_ERR_INIT;

    qd_err_report(&err, QD_ERR_SYSTEM_ERROR, QD_FROM_STREAMS, "%s: %s",
                  what, strerror(errnum));
    stream_fail(st, &err);
    qd_err_clear(&err);
}

/* ---- the fd (loop) ----------------------------------------------------- */

static void on_stream_fd(struct qd_loop *loop, int fd, uint32_t events,
                         void *opaque);

/* Sets the fd's epoll interest from the stream's state. An fd with
 * nothing to do leaves the epoll set: a hung-up pty or socket would
 * otherwise report HUP over and over while the client is slow. */
static void
update_interest(struct qd_stream *st)
{
    uint32_t want = 0;
    struct qd_err err = QD_ERR_INIT;

    if (st->fd < 0)
        return;
    if (!st->eof_sent &&
        __atomic_load_n(&st->tx_inflight, __ATOMIC_RELAXED) < STREAM_TX_MAX)
        want |= EPOLLIN;
    if (st->wblocked)
        want |= EPOLLOUT;
    if (st->hup && !(want & EPOLLIN))
        want = 0;          /* the hang-up is read when there is room */
    if (want == 0) {
        if (st->watched)
            qd_loop_del_fd(st->srv->loop, st->fd);
        st->watched = false;
        st->interest = 0;
        return;
    }
    if (!st->watched) {
        if (qd_loop_add_fd(st->srv->loop, st->fd, want, on_stream_fd, st,
                           &err) < 0) {
            stream_fail(st, &err);
            qd_err_clear(&err);
            return;
        }
        st->watched = true;
    } else if (want != st->interest) {
        qd_loop_mod_fd(st->srv->loop, st->fd, want);
    }
    st->interest = want;
}

/* The read side is done. A file reader's failure surfaces here. */
static void
got_eof(struct qd_stream *st)
{
    int rerr;

    pthread_mutex_lock(&st->lock);
    rerr = st->reader_errno;
    pthread_mutex_unlock(&st->lock);
    if (rerr) {
        stream_fail_sys(st, "cannot read from stream", rerr);
        return;
    }
    /* libvirt-compat: end of data is an empty CONTINUE; an unsolicited
     * STREAM OK would break the client */
    send_empty(st, QD_STATUS_CONTINUE);
    st->eof_sent = true;
    if (st->mode == QD_STREAM_SOURCE)
        close_fd(st);      /* nothing more to do with it */
}

/* Reads the fd into data packets while the client's queue has room. */
static void
read_fd(struct qd_stream *st)
{
    while (alive(st) && st->fd >= 0 && !st->eof_sent &&
           __atomic_load_n(&st->tx_inflight, __ATOMIC_RELAXED) <
               STREAM_TX_MAX) {
        struct qd_msg *m = packet_new(st, QD_STATUS_CONTINUE);
        ssize_t n;
        int e;

        /* exactly one packet's room (qd_buf_grow would double to 512K) */
        m->buf.cap = m->buf.len + QD_MSG_LEGACY_PAYLOAD_MAX + 1;
        m->buf.data = qd_realloc(m->buf.data, m->buf.cap);
        n = read(st->fd, m->buf.data + m->buf.len, QD_MSG_LEGACY_PAYLOAD_MAX);
        e = errno;
        if (n > 0) {
            m->buf.len += (size_t) n;
            if (m->buf.cap - m->buf.len > 65536) {
                /* a console line should not pin 256 KiB */
                m->buf.data = qd_realloc(m->buf.data, m->buf.len + 1);
                m->buf.cap = m->buf.len + 1;
            }
            (void) qd_msg_finish(m, NULL);
            __atomic_add_fetch(&st->tx_inflight, 1, __ATOMIC_RELAXED);
            m->on_free = data_packet_freed;
            m->on_free_opaque = qd_stream_ref(st);
            qd_client_send(st->client, m);
            continue;
        }
        qd_msg_free(m);
        if (n < 0 && e == EINTR)
            continue;
        if (n < 0 && (e == EAGAIN || e == EWOULDBLOCK) && !st->hup)
            return;
        /* a pty whose other side closed says EIO; a hang-up with nothing
         * left to read is the end as well */
        if (n == 0 || e == EIO || e == EAGAIN || e == EWOULDBLOCK) {
            got_eof(st);
            return;
        }
        stream_fail_sys(st, "cannot read from stream", e);
        return;
    }
}

/* Writes the payload of data packet @m to the fd. True when all of it is
 * written; false when the fd would block, has not been given yet, or the
 * stream failed (then ended). */
static bool
write_data(struct qd_stream *st, struct qd_msg *m)
{
    while (m->off < m->buf.len) {
        ssize_t w;

        if (st->mode == 0)
            return false;          /* the driver has not given the fd yet */
        if (st->mode != QD_STREAM_DUPLEX || st->fd < 0) {
            /* libvirt-compat: writing to a read-only stream is EBADF */
            stream_fail_sys(st, "cannot write to stream", EBADF);
            return false;
        }
        w = write(st->fd, m->buf.data + m->off, m->buf.len - m->off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            st->wblocked = true;
            return false;
        }
        if (w < 0) {
            stream_fail_sys(st, "cannot write to stream", errno);
            return false;
        }
        m->off += (size_t) w;
    }
    return true;
}

/* Consumes the client's packets in order: data to the fd, then finish or
 * abort. */
static void
process_rx(struct qd_stream *st)
{
    struct qd_msg *m;
    struct qd_err err = QD_ERR_INIT;

    st->wblocked = false;
    while (alive(st) && (m = st->rx.head)) {
        uint32_t status = m->hdr.status;

        if (m->hdr.type == QD_MSG_STREAM_HOLE) {
            /* libvirt-compat: a hole on a stream that was not opened
             * sparse (none of ours is) drops the connection */
            QD_WARN("client %llu: unexpected stream hole, closing",
                    st->client_id);
            qd_client_close(st->client);
            return;
        }
        if (status == QD_STATUS_CONTINUE && !write_data(st, m))
            return;
        qd_msg_free(qd_msgq_pop(&st->rx));
        rx_release(st->client, 1);
        switch (status) {
        case QD_STATUS_CONTINUE:
            break;
        case QD_STATUS_OK: {
            /* finish; a file reader's error is reported now, as libvirt
             * does when it joins its I/O thread */
            int rerr;

            pthread_mutex_lock(&st->lock);
            rerr = st->reader_errno;
            pthread_mutex_unlock(&st->lock);
            if (rerr) {
                stream_fail_sys(st, "cannot read from stream", rerr);
                return;
            }
            send_empty(st, QD_STATUS_OK);
            stream_end(st);
            return;
        }
        case QD_STATUS_ERROR:
            /* the client aborts; queued data still goes out first */
            send_empty(st, QD_STATUS_OK);
            stream_end(st);
            return;
        default:
            qd_err_report(&err, QD_ERR_RPC, QD_FROM_STREAMS,
                          "stream aborted with unexpected status %u", status);
            stream_fail(st, &err);
            qd_err_clear(&err);
            return;
        }
    }
}

static void
on_stream_fd(struct qd_loop *loop, int fd, uint32_t events, void *opaque)
{
    struct qd_stream *st = qd_stream_ref(opaque);

    if (events & (EPOLLHUP | EPOLLERR))
        st->hup = true;
    if (st->wblocked && (events & (EPOLLOUT | EPOLLHUP | EPOLLERR)))
        process_rx(st);
    if (alive(st) && (st->interest & EPOLLIN) &&
        (events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
        read_fd(st);
    if (alive(st))
        update_interest(st);
    qd_stream_unref(st);
}

/* ---- per client (loop) ------------------------------------------------- */

/* Moves the streams workers started onto the loop's list. */
static void
adopt(struct qd_client *c)
{
    struct qd_stream *list, *st;

    pthread_mutex_lock(&c->lock);
    list = steal_ptr(&c->streams_new);
    pthread_mutex_unlock(&c->lock);
    while ((st = list)) {
        list = st->next;
        st->next = c->streams;
        c->streams = st;
    }
}

/* Takes what other threads handed over, then does what can be done. */
static void
service_one(struct qd_stream *st)
{
    struct qd_err err = QD_ERR_INIT;
    bool abort_req;
    int fd, mode;

    if (!alive(st))
        return;
    pthread_mutex_lock(&st->lock);
    fd = st->new_fd;
    mode = st->new_mode;
    st->new_fd = -1;
    abort_req = st->abort_req;
    pthread_mutex_unlock(&st->lock);
    if (fd >= 0) {
        st->fd = fd;
        st->mode = mode;
    }
    if (abort_req) {
        /* libvirt-compat: what libvirtd's stream callback says when the
         * driver aborted the stream (console --force) */
        qd_err_report(&err, QD_ERR_RPC, QD_FROM_STREAMS, "%s",
                      "stream had I/O failure");
        stream_fail(st, &err);
        qd_err_clear(&err);
        return;
    }
    process_rx(st);
    if (alive(st))
        update_interest(st);
}

bool
qd_stream_filter(struct qd_client *c, struct qd_msg *m)
{
    struct qd_stream *st;

    adopt(c);
    for (st = c->streams; st; st = st->next) {
        if (st->hdr.prog == m->hdr.prog && st->hdr.vers == m->hdr.vers &&
            st->hdr.proc == m->hdr.proc && st->hdr.serial == m->hdr.serial)
            break;
    }
    if (!st)
        return false;
    /* counts against max_client_requests until consumed: the bound on
     * what a client can queue for a slow fd */
    pthread_mutex_lock(&c->lock);
    c->nrequests++;
    pthread_mutex_unlock(&c->lock);
    m->off = QD_MSG_MIN;                   /* payload consumed so far */
    qd_msgq_push(&st->rx, m);
    qd_stream_ref(st);
    service_one(st);
    qd_stream_unref(st);
    return true;
}

void
qd_stream_service(struct qd_client *c)
{
    struct qd_stream *inline_snap[SNAPSHOT_INLINE], **snap = inline_snap;
    struct qd_stream *st;
    size_t n = 0, i;

    adopt(c);
    if (!c->streams)
        return;
    /* servicing one stream may end others (a hole closes the client) */
    for (st = c->streams; st; st = st->next)
        n++;
    if (n > SNAPSHOT_INLINE)
        snap = qd_calloc(n, sizeof(*snap));
    for (i = 0, st = c->streams; st; st = st->next)
        snap[i++] = qd_stream_ref(st);
    for (i = 0; i < n; i++) {
        service_one(snap[i]);
        qd_stream_unref(snap[i]);
    }
    if (snap != inline_snap)
        free(snap);
}

void
qd_stream_client_closed(struct qd_client *c)
{
    struct qd_stream *st;

    adopt(c);
    while ((st = c->streams)) {
        qd_stream_ref(st);
        stream_end(st);
        qd_stream_unref(st);
    }
}
