/* The client state machine, run by the loop thread.
 *
 * Reading: bytes arrive in the server's shared read buffer and are cut
 * into messages; only the message in progress (rx) is kept per client, so
 * an idle client costs no buffer at all. When the client has
 * max_client_requests calls outstanding it is throttled: the rest of what
 * was read waits in @pending, and EPOLLIN is dropped until replies go out.
 *
 * Writing: workers append to @tx under the client lock and mark the client
 * dirty; the loop writes as much as the socket takes with one writev, and
 * keeps EPOLLOUT armed only while something is left. A call stops counting
 * against the throttle when its reply has been written in full, so a
 * client that never reads cannot make the daemon buffer without bound.
 *
 * TLS and SASL sit between the socket and these two paths: a TLS client
 * first runs its handshake (non-blocking, on the loop, driven by the
 * direction GnuTLS wants), then reads and writes go through its session;
 * once a SASL security layer is negotiated, input is decoded before it
 * is cut into messages and each message is encoded as a whole just
 * before its first byte is written. Layered clients write a message at a
 * time instead of one writev. */
#define QD_LOG_MODULE "rpc.client"

#include "rpc/client.h"

#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "drivers/driver.h"
#include "loop/loop.h"
#include "rpc/events.h"
#include "rpc/sasl.h"
#include "rpc/server.h"
#include "rpc/stream.h"
#include "rpc/tls.h"
#include "util/err.h"
#include "util/log.h"
#include "util/mem.h"

#define CLIENT_IOV_MAX 64

/* libvirt's formats for a peer address: "IP;port" for cyrus-sasl,
 * "IP:port" / "[IP]:port" for people (admin client info). */
static char *
format_addr(const struct sockaddr_storage *sa, socklen_t len, bool for_sasl)
{
    char host[NI_MAXHOST], port[NI_MAXSERV];

    if (getnameinfo((const struct sockaddr *) sa, len, host, sizeof(host),
                    port, sizeof(port), NI_NUMERICHOST | NI_NUMERICSERV))
        return NULL;
    if (for_sasl)
        return qd_asprintf("%s;%s", host, port);
    if (sa->ss_family == AF_INET6)
        return qd_asprintf("[%s]:%s", host, port);
    return qd_asprintf("%s:%s", host, port);
}

static void
fill_addresses(struct qd_client *c, int fd, bool tcp)
{
    struct sockaddr_storage sa;
    socklen_t len = sizeof(sa);

    if (!tcp) {
        /* libvirt-compat: what libvirtd tells SASL for a UNIX socket */
        c->addr_sasl_local = qd_strdup("127.0.0.1;0");
        c->addr_sasl_remote = qd_strdup("127.0.0.1;0");
        return;
    }
    if (getpeername(fd, (struct sockaddr *) &sa, &len) == 0) {
        c->addr_uri = format_addr(&sa, len, false);
        c->addr_sasl_remote = format_addr(&sa, len, true);
    }
    len = sizeof(sa);
    if (getsockname(fd, (struct sockaddr *) &sa, &len) == 0)
        c->addr_sasl_local = format_addr(&sa, len, true);
}

struct qd_client *
qd_client_new(struct qd_server *srv, const struct qd_listener *l, int fd)
{
    struct qd_client *c = QD_NEW(struct qd_client);
    struct ucred cred;
    socklen_t len = sizeof(cred);

    c->srv = srv;
    c->ns = l->ns;
    c->listener = l;
    c->fd = fd;
    c->admin = l->admin;
    c->readonly = l->readonly;
    c->refs = 1;
    c->uid = (uid_t) -1;
    c->gid = (gid_t) -1;
    c->pid = -1;
    c->tcp = l->tcp;
    c->authenticated = l->auth == QD_AUTH_NONE && !l->tls;
    fill_addresses(c, fd, l->tcp);
    if (!l->tcp &&
        getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0) {
        c->uid = cred.uid;
        c->gid = cred.gid;
        c->pid = cred.pid;
    }
    c->connected_at = time(NULL);
    c->last_rx_ms = qd_loop_now_ms();
    c->accepted_ms = c->last_rx_ms;
    pthread_mutex_init(&c->lock, NULL);
    return c;
}

int
qd_client_start_tls(struct qd_client *c, struct qd_tls *tls)
{
    c->tls = tls;
    c->handshaking = true;
    return 0;
}

bool
qd_client_is_authenticated(struct qd_client *c)
{
    bool a;

    pthread_mutex_lock(&c->lock);
    a = c->authenticated;
    pthread_mutex_unlock(&c->lock);
    return a;
}

void
qd_client_set_authenticated(struct qd_client *c, const char *user,
                            struct qd_sasl *layer)
{
    pthread_mutex_lock(&c->lock);
    c->authenticated = true;
    if (user && !c->sasl_user)
        c->sasl_user = qd_strdup(user);
    if (layer) {
        qd_sasl_free(c->sasl_pending);
        c->sasl_pending = layer;
    }
    pthread_mutex_unlock(&c->lock);
    qd_server_client_authenticated(c->srv, c);
}

struct qd_client *
qd_client_ref(struct qd_client *c)
{
    __atomic_add_fetch(&c->refs, 1, __ATOMIC_RELAXED);
    return c;
}

struct qd_client *
qd_client_unref(struct qd_client *c)
{
    if (!c || __atomic_sub_fetch(&c->refs, 1, __ATOMIC_ACQ_REL) > 0)
        return NULL;
    if (c->conn) {
        if (c->conn->drv->close)
            c->conn->drv->close(c->conn);
        free(c->conn->uri);
        free(c->conn);
    }
    if (c->fd >= 0)
        close(c->fd);
    qd_tls_free(c->tls);
    qd_sasl_free(c->sasl_layer);
    qd_sasl_free(c->sasl_pending);
    qd_sasl_free(c->sasl);
    free(c->sasl_user);
    free(c->tls_dn);
    free(c->addr_uri);
    free(c->addr_sasl_local);
    free(c->addr_sasl_remote);
    qd_msg_free(c->rx);
    qd_buf_clear(&c->pending);
    qd_msgq_clear(&c->tx);
    pthread_mutex_destroy(&c->lock);
    free(c);
    return NULL;
}

void
qd_client_send(struct qd_client *c, struct qd_msg *m)
{
    bool queued = false;

    pthread_mutex_lock(&c->lock);
    if (!c->closing) {
        qd_msgq_push(&c->tx, m);
        queued = true;
    } else {
        if (m->tracked && c->nrequests > 0)
            c->nrequests--;
        if (m->is_event && c->nevents > 0)
            c->nevents--;
    }
    pthread_mutex_unlock(&c->lock);
    if (queued)
        qd_server_mark_dirty(c->srv, c);
    else
        qd_msg_free(m);
}

bool
qd_client_is_closed(const struct qd_client *c)
{
    return c->fd < 0;
}

static void
final_unref_job(void *opaque)
{
    qd_client_unref(opaque);
}

/* Loop thread: tear the connection down now. Calls still running keep
 * their own reference; their replies are dropped. The loop's reference is
 * released on a worker, because the last unref closes the driver
 * connection, which is driver code. */
void
qd_client_close(struct qd_client *c)
{
    struct qd_server *srv = c->srv;
    struct qd_netsrv *ns = c->ns;

    if (c->fd < 0)
        return;
    QD_DEBUG("client %llu: closing", (unsigned long long) c->id);
    pthread_mutex_lock(&c->lock);
    c->closing = true;
    qd_msgq_clear(&c->tx);
    c->nevents = 0;
    pthread_mutex_unlock(&c->lock);
    qd_events_client_gone(srv->events, c);
    qd_loop_del_fd(srv->loop, c->fd);
    close(c->fd);
    c->fd = -1;
    qd_stream_client_closed(c);     /* after the tx clear: see stream.c */
    c->rx = qd_msg_free(c->rx);
    qd_buf_clear(&c->pending);

    pthread_mutex_lock(&srv->lock);
    if (c->prev)
        c->prev->next = c->next;
    else
        ns->clients = c->next;
    if (c->next)
        c->next->prev = c->prev;
    c->prev = c->next = NULL;
    if (!c->reject)
        ns->nclients--;
    if (c->counted_anon) {
        c->counted_anon = false;
        ns->nclients_unauth--;
    }
    pthread_mutex_unlock(&srv->lock);

    qd_pool_submit(ns->pool, final_unref_job, c, true);
}

/* Loop thread: the epoll mask this client needs now. */
static void
update_interest(struct qd_client *c)
{
    uint32_t want = 0;
    bool throttled;

    if (c->fd < 0)
        return;
    if (c->handshaking) {
        want = qd_tls_wants_write(c->tls) ? EPOLLOUT : EPOLLIN;
        goto set;
    }
    pthread_mutex_lock(&c->lock);
    throttled = c->nrequests >= c->ns->limits.max_client_requests;
    if (!c->close_after_tx && !throttled && c->pending.len == 0)
        want |= EPOLLIN;
    if (c->tx.head)
        want |= EPOLLOUT;
    pthread_mutex_unlock(&c->lock);
set:
    if (want != c->interest) {
        qd_loop_mod_fd(c->srv->loop, c->fd, want);
        c->interest = want;
    }
}

static bool
throttled(struct qd_client *c)
{
    bool t;

    pthread_mutex_lock(&c->lock);
    t = c->nrequests >= c->ns->limits.max_client_requests;
    pthread_mutex_unlock(&c->lock);
    return t;
}

/* Cuts @len bytes at @p into messages and dispatches them. Returns the
 * number of bytes consumed (less than @len only when the client became
 * throttled), or -1 when the client was closed for a framing error. */
static ssize_t
parse_input(struct qd_client *c, const uint8_t *p, size_t len)
{
    size_t used = 0;

    while (used < len && c->fd >= 0) {
        size_t n;

        if (!c->rx) {
            int64_t flen;
            struct qd_err err = QD_ERR_INIT;

            if (c->close_after_tx)
                return (ssize_t) len;         /* ignore what follows CLOSE */
            if (throttled(c))
                break;
            n = 4 - c->lenhave;
            if (n > len - used)
                n = len - used;
            memcpy(c->lenbuf + c->lenhave, p + used, n);
            c->lenhave += n;
            used += n;
            if (c->lenhave < 4)
                break;
            c->lenhave = 0;
            if ((flen = qd_msg_decode_length(c->lenbuf, &err)) < 0) {
                QD_DEBUG("client %llu: %s", (unsigned long long) c->id,
                         err.message);
                qd_err_clear(&err);
                qd_client_close(c);
                return -1;
            }
            c->rx = qd_msg_new();
            c->rx->buf.data = qd_malloc((size_t) flen);
            c->rx->buf.cap = (size_t) flen;
            memcpy(c->rx->buf.data, c->lenbuf, 4);
            c->rx->buf.len = 4;
            c->rx->off = (size_t) flen;       /* expected total */
        }
        n = c->rx->off - c->rx->buf.len;
        if (n > len - used)
            n = len - used;
        memcpy(c->rx->buf.data + c->rx->buf.len, p + used, n);
        c->rx->buf.len += n;
        used += n;
        if (c->rx->buf.len == c->rx->off) {
            struct qd_msg *m = c->rx;

            c->rx = NULL;
            m->off = 0;
            qd_server_dispatch(c->srv, c, m);
        }
    }
    return (ssize_t) used;
}

/* Parse what was held back while throttled. */
static void
drain_pending(struct qd_client *c)
{
    ssize_t n;

    if (c->pending.len == 0 || throttled(c))
        return;
    n = parse_input(c, c->pending.data + c->pending_off,
                    c->pending.len - c->pending_off);
    if (n < 0 || c->fd < 0)
        return;
    c->pending_off += (size_t) n;
    if (c->pending_off == c->pending.len) {
        qd_buf_clear(&c->pending);
        c->pending_off = 0;
    }
}

/* Hands @len bytes of plaintext to the parser; what a throttle leaves
 * over waits in @pending, and so does everything after it. */
static void
feed(struct qd_client *c, const uint8_t *p, size_t len)
{
    ssize_t used;

    if (c->pending.len > 0) {
        qd_buf_append(&c->pending, p, len);
        return;
    }
    used = parse_input(c, p, len);
    if (used < 0 || c->fd < 0)
        return;
    if ((size_t) used < len)
        qd_buf_append(&c->pending, p + used, len - (size_t) used);
}

static ssize_t
xport_read(struct qd_client *c, void *buf, size_t len)
{
    return c->tls ? qd_tls_read(c->tls, buf, len) : read(c->fd, buf, len);
}

static ssize_t
xport_write(struct qd_client *c, const void *buf, size_t len)
{
    return c->tls ? qd_tls_write(c->tls, buf, len) : write(c->fd, buf, len);
}

/* Reads what the socket has. GnuTLS may hold decrypted records that
 * epoll cannot see, so a TLS client is read until its session is empty
 * (a throttled client parks them in @pending). */
static void
client_read(struct qd_client *c)
{
    struct qd_server *srv = c->srv;
    ssize_t got;

    do {
        got = xport_read(c, srv->rdbuf, srv->rdbuf_size);
        if (got < 0) {
            if (errno == EAGAIN || errno == EINTR)
                return;
            qd_client_close(c);
            return;
        }
        if (got == 0) {
            qd_client_close(c);
            return;
        }
        c->last_rx_ms = qd_loop_now_ms();
        c->ka_unanswered = 0;
        if (c->sasl_layer) {
            struct qd_buf plain = { 0 };
            struct qd_err err = QD_ERR_INIT;

            if (qd_sasl_decode(c->sasl_layer, srv->rdbuf, (size_t) got,
                               &plain, &err) < 0) {
                QD_WARN("client %llu: %s", (unsigned long long) c->id,
                        err.message);
                qd_err_clear(&err);
                qd_buf_clear(&plain);
                qd_client_close(c);
                return;
            }
            feed(c, plain.data, plain.len);
            qd_buf_clear(&plain);
        } else {
            feed(c, srv->rdbuf, (size_t) got);
        }
    } while (c->fd >= 0 && c->tls && qd_tls_pending(c->tls) > 0);
}

/* Loop thread: one step of the TLS handshake; once it is done and the
 * client's certificate passes, queue the byte libvirt's client waits
 * for ('\1', in an encrypted record), and the client is in. */
static void
client_handshake(struct qd_client *c)
{
    struct qd_err err = QD_ERR_INIT;
    struct qd_msg *ok;
    const char *dn;
    int rc;

    if ((rc = qd_tls_handshake(c->tls, &err)) == 1)
        return;
    if (rc < 0 || qd_tls_check_peer(c->tls, &err) < 0) {
        QD_WARN("client %llu: TLS: %s", (unsigned long long) c->id,
                err.message);
        qd_err_clear(&err);
        qd_client_close(c);
        return;
    }
    c->handshaking = false;
    dn = qd_tls_peer_dn(c->tls);
    QD_DEBUG("client %llu: TLS handshake done%s%s",
             (unsigned long long) c->id, dn ? ", client " : "", dn ? dn : "");
    ok = qd_msg_new();
    qd_buf_append(&ok->buf, "\1", 1);
    pthread_mutex_lock(&c->lock);
    if (dn)
        c->tls_dn = qd_strdup(dn);
    c->tls_key_size = qd_tls_key_size(c->tls);
    qd_msgq_push(&c->tx, ok);
    pthread_mutex_unlock(&c->lock);
    if (c->listener->auth == QD_AUTH_NONE)
        qd_client_set_authenticated(c, NULL, NULL);
}

/* Client lock held: the head of @tx went out whole; move it to the list
 * ending at *@done_tail, to be freed outside the lock. Returns true when
 * the SASL layer starts now. */
static bool
pop_sent_locked(struct qd_client *c, struct qd_msg ***done_tail)
{
    bool switched = false;

    struct qd_msg *m = qd_msgq_pop(&c->tx);

    if (m->tracked && c->nrequests > 0)
        c->nrequests--;
    if (m->is_event && c->nevents > 0)
        c->nevents--;
    if (m->sasl_switch && c->sasl_pending) {
        /* everything after the last step's answer is encoded */
        c->sasl_layer = steal_ptr(&c->sasl_pending);
        switched = true;
    }
    m->next = NULL;
    **done_tail = m;
    *done_tail = &m->next;
    return switched;
}

/* Loop thread: the SASL layer just started. Bytes read before it, not yet
 * parsed, came in clear after the last step: libvirt's client never sends
 * any, so they can only be someone else's; drop the connection. */
static bool
clear_text_left(struct qd_client *c)
{
    if (!c->rx && c->lenhave == 0 && c->pending.len == c->pending_off)
        return false;
    QD_WARN("client %llu: clear text after SASL authentication, closing",
            (unsigned long long) c->id);
    return true;
}

static void
free_sent(struct qd_client *c, struct qd_msg *done, bool closing)
{
    struct qd_msg *m;

    while ((m = done)) {
        done = m->next;
        qd_msg_free(m);
    }
    if (closing)
        qd_client_close(c);
}

/* Writes queued messages with one writev; pops what went out whole. A
 * batch ends at a message after which the SASL layer starts. */
static void
client_write_plain(struct qd_client *c)
{
    struct iovec iov[CLIENT_IOV_MAX];
    struct qd_msg *m, *done = NULL, **done_tail = &done;
    int n = 0;
    ssize_t w;
    bool closing, switched = false;

    pthread_mutex_lock(&c->lock);
    for (m = c->tx.head; m && n < CLIENT_IOV_MAX; m = m->next) {
        iov[n].iov_base = m->buf.data + m->off;
        iov[n++].iov_len = m->buf.len - m->off;
        if (m->sasl_switch)
            break;
    }
    pthread_mutex_unlock(&c->lock);
    if (n == 0)
        return;
    w = writev(c->fd, iov, n);
    if (w < 0) {
        if (errno == EAGAIN || errno == EINTR)
            return;
        qd_client_close(c);
        return;
    }
    pthread_mutex_lock(&c->lock);
    while ((m = c->tx.head) && w > 0) {
        size_t left = m->buf.len - m->off;

        if ((size_t) w < left) {
            m->off += (size_t) w;
            break;
        }
        w -= (ssize_t) left;
        switched |= pop_sent_locked(c, &done_tail);
    }
    closing = c->close_after_tx && !c->tx.head;
    pthread_mutex_unlock(&c->lock);
    free_sent(c, done, closing || (switched && clear_text_left(c)));
}

/* Client lock not held: replace @m's bytes by their SASL encoding. */
static int
encode_msg(struct qd_client *c, struct qd_msg *m)
{
    struct qd_buf enc = { 0 };
    struct qd_err err = QD_ERR_INIT;

    if (qd_sasl_encode(c->sasl_layer, m->buf.data + m->off,
                       m->buf.len - m->off, &enc, &err) < 0) {
        QD_WARN("client %llu: %s", (unsigned long long) c->id, err.message);
        qd_err_clear(&err);
        qd_buf_clear(&enc);
        return -1;
    }
    qd_buf_clear(&m->buf);
    m->buf = enc;
    m->off = 0;
    m->encoded = true;
    return 0;
}

/* Through TLS and/or the SASL layer: a message at a time, until the
 * socket is full. Only the loop pops @tx, so its head stays put while
 * the lock is dropped. */
static void
client_write_layered(struct qd_client *c)
{
    for (;;) {
        struct qd_msg *m, *done = NULL, **done_tail = &done;
        ssize_t w;
        bool closing, switched;

        pthread_mutex_lock(&c->lock);
        m = c->tx.head;
        pthread_mutex_unlock(&c->lock);
        if (!m)
            return;
        if (c->sasl_layer && !m->encoded && encode_msg(c, m) < 0) {
            qd_client_close(c);
            return;
        }
        w = xport_write(c, m->buf.data + m->off, m->buf.len - m->off);
        if (w < 0) {
            if (errno == EAGAIN || errno == EINTR)
                return;
            qd_client_close(c);
            return;
        }
        m->off += (size_t) w;
        if (m->off < m->buf.len)
            continue;
        pthread_mutex_lock(&c->lock);
        switched = pop_sent_locked(c, &done_tail);
        closing = c->close_after_tx && !c->tx.head;
        pthread_mutex_unlock(&c->lock);
        free_sent(c, done, closing || (switched && clear_text_left(c)));
        if (c->fd < 0)
            return;
    }
}

static void
client_write(struct qd_client *c)
{
    if (c->handshaking)
        return;
    if (c->tls || c->sasl_layer)
        client_write_layered(c);
    else
        client_write_plain(c);
}

void
qd_client_flush(struct qd_client *c)
{
    if (c->fd < 0)
        return;
    client_write(c);
    if (c->fd >= 0)
        qd_stream_service(c);       /* new streams, fds, resumed reads */
    if (c->fd >= 0)
        drain_pending(c);
    update_interest(c);
}

void
qd_client_on_event(struct qd_client *c, uint32_t events)
{
    if (c->handshaking) {
        client_handshake(c);
        if (c->fd >= 0 && !c->handshaking)
            client_write(c);
        update_interest(c);
        return;
    }
    if (events & EPOLLIN)
        client_read(c);
    else if (events & (EPOLLERR | EPOLLHUP)) {
        qd_client_close(c);
        return;
    }
    if (c->fd >= 0 && (events & EPOLLOUT))
        client_write(c);
    if (c->fd >= 0 && c->streams)
        qd_stream_service(c);       /* packets went out: read on */
    if (c->fd >= 0)
        drain_pending(c);
    update_interest(c);
}

/* Loop thread, about once a second: keepalive and stale rejected clients.
 * A client that asked for keepalive (feature 10) is pinged once per
 * keepalive_interval of silence; when keepalive_count pings in a row went
 * unanswered, it is dropped an interval after the last one (libvirt's
 * virKeepAliveTimer: about interval * (count + 1) s of silence). Counting
 * pings rather than comparing the silence with interval * count keeps a
 * tick that fires a millisecond late from dropping a client that answers
 * every ping. */
void
qd_client_keepalive_tick(struct qd_client *c, int64_t now_ms)
{
    const struct qd_server_limits *lim = &c->ns->limits;
    int64_t idle = now_ms - c->last_rx_ms;
    int64_t ival = (int64_t) lim->keepalive_interval * 1000;
    struct qd_msg_header h = {
        .prog = QD_PROG_KEEPALIVE, .vers = QD_PROG_VERSION,
        .proc = QD_KEEPALIVE_PING, .type = QD_MSG_MESSAGE,
    };
    bool ka;

    if (c->reject && idle > 10000) {
        qd_client_close(c);
        return;
    }
    if ((c->tls || c->listener->auth != QD_AUTH_NONE) &&
        lim->anonymous_timeout > 0 &&
        now_ms - c->accepted_ms >= (int64_t) lim->anonymous_timeout * 1000 &&
        !qd_client_is_authenticated(c)) {
        QD_WARN("client %llu: not authenticated after %u s, closing",
                (unsigned long long) c->id, lim->anonymous_timeout);
        qd_client_close(c);
        return;
    }
    pthread_mutex_lock(&c->lock);
    ka = c->keepalive;
    pthread_mutex_unlock(&c->lock);
    if (!ka || ival <= 0 || idle < ival || now_ms - c->last_ping_ms < ival)
        return;
    if (c->ka_unanswered >= lim->keepalive_count) {
        QD_WARN("client %llu: no keepalive response in %lld s, closing",
                (unsigned long long) c->id, (long long) (idle / 1000));
        qd_client_close(c);
        return;
    }
    c->last_ping_ms = now_ms;
    c->ka_unanswered++;
    qd_client_send(c, qd_msg_build(&h, NULL, NULL, NULL));
}
