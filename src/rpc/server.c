/* Listeners, accept, the client list, hand-off to workers, keepalive
 * ticks and the orderly shutdown. */
#define QD_LOG_MODULE "rpc.server"

#include "rpc/server.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "drivers/registry.h"
#include "loop/loop.h"
#include "rpc/client.h"
#include "rpc/dispatch.h"
#include "rpc/events.h"
#include "rpc/stream.h"
#include "rpc/tls.h"
#include "rpc/wire.h"
#include "util/err.h"
#include "util/log.h"
#include "util/mem.h"

#define SERVER_RDBUF_SIZE (256 * 1024)

struct call_job {
    struct qd_client *client;
    struct qd_msg *msg;
};

/* An admin CLIENT_CLOSE waiting for the loop. */
struct qd_kill_req {
    struct qd_netsrv *ns;
    uint64_t id;
};

static void wake_hook(void *opaque);
static void accept_resume_timer(struct qd_loop *loop, int id, void *opaque);

static void
unref_job(void *data)
{
    qd_client_unref(data);
}
static void keepalive_timer(struct qd_loop *loop, int id, void *opaque);

static void
netsrv_init(struct qd_server *srv, struct qd_netsrv *ns, const char *name,
            const struct qd_server_limits *limits)
{
    ns->name = name;
    ns->srv = srv;
    ns->limits = *limits;
    if (ns->limits.max_client_requests == 0)
        ns->limits.max_client_requests = 1;
    ns->pool = qd_pool_new(limits->min_workers, limits->max_workers,
                           limits->prio_workers);
    ns->next_client_id = 1;       /* libvirt-compat: ids count per server */
}

struct qd_server *
qd_server_new(const struct qd_server_limits *main,
              const struct qd_server_limits *admin, struct qd_err *err)
{
    struct qd_server *srv = QD_NEW(struct qd_server);

    pthread_mutex_init(&srv->lock, NULL);
    pthread_mutex_init(&srv->dirty_lock, NULL);
    pthread_mutex_init(&srv->kill_lock, NULL);
    pthread_cond_init(&srv->kill_cond, NULL);
    if (!(srv->loop = qd_loop_new(err))) {
        free(srv);
        return NULL;
    }
    srv->rdbuf_size = SERVER_RDBUF_SIZE;
    srv->rdbuf = qd_malloc(srv->rdbuf_size);
    /* libvirt-compat: the names libvirtd gives its servers */
    netsrv_init(srv, &srv->ns[QD_NETSRV_MAIN], "libvirtd", main);
    netsrv_init(srv, &srv->ns[QD_NETSRV_ADMIN], "admin", admin);
    srv->events = qd_events_new(srv);
    srv->shutdown_timer = -1;
    qd_loop_set_wake_hook(srv->loop, wake_hook, srv);
    srv->ka_timer = qd_loop_add_timer(srv->loop, 1000, keepalive_timer, srv);
    srv->accept_timer = qd_loop_add_timer(srv->loop, -1, accept_resume_timer,
                                          srv);
    srv->accept_warned_ms = -10000;
    srv->anon_warned_ms = -10000;
    return srv;
}

static void
close_listeners(struct qd_server *srv)
{
    size_t i;

    for (i = 0; i < srv->nlisteners; i++) {
        struct qd_listener *l = &srv->listeners[i];

        if (l->fd >= 0) {
            qd_loop_del_fd(srv->loop, l->fd);
            close(l->fd);
            l->fd = -1;
        }
        if (l->path) {
            (void) unlink(l->path);
            free(l->path);
            l->path = NULL;
        }
    }
}

/* Any thread: drop the TLS credentials (after the loop stopped). */
static void
free_listener_tls(struct qd_server *srv)
{
    size_t i;

    for (i = 0; i < srv->nlisteners; i++)
        srv->listeners[i].tls = qd_tls_ctx_unref(srv->listeners[i].tls);
}

/* Any thread: the loop will run no more posts; release the workers
 * waiting for a CLIENT_CLOSE. */
static void
mark_loop_stopped(struct qd_server *srv)
{
    pthread_mutex_lock(&srv->kill_lock);
    srv->loop_stopped = true;
    pthread_cond_broadcast(&srv->kill_cond);
    pthread_mutex_unlock(&srv->kill_lock);
}

void
qd_server_free(struct qd_server *srv)
{
    size_t i;

    if (!srv)
        return;
    mark_loop_stopped(srv);
    close_listeners(srv);
    for (i = 0; i < QD_NETSRV_COUNT; i++)
        while (srv->ns[i].clients)
            qd_client_close(srv->ns[i].clients);
    /* admin calls may look at the main pool: stop them first; the pools
     * run the final unrefs and end all calls */
    for (i = QD_NETSRV_COUNT; i-- > 0;) {
        qd_pool_free(srv->ns[i].pool);
        srv->ns[i].pool = NULL;
    }
    wake_hook(srv);              /* releases the dirty list's references */
    /* the drivers let go of their loop users (QMP monitors, pidfd
     * watches); what they post still runs */
    qd_loop_drain_posts(srv->loop);
    qd_registry_state_cleanup();
    qd_loop_drain_posts(srv->loop);
    qd_events_free(srv->events);
    free(srv->kills);
    free_listener_tls(srv);
    free(srv->listeners);
    free(srv->rdbuf);
    qd_loop_free(srv->loop);
    pthread_cond_destroy(&srv->kill_cond);
    pthread_mutex_destroy(&srv->kill_lock);
    pthread_mutex_destroy(&srv->dirty_lock);
    pthread_mutex_destroy(&srv->lock);
    free(srv);
}

void
qd_server_unref_client_on_loop(struct qd_server *srv, struct qd_client *c)
{
    struct qd_pool *pool = c->ns->pool;

    if (pool && __atomic_load_n(&c->refs, __ATOMIC_ACQUIRE) == 1)
        qd_pool_submit(pool, unref_job, c, true);
    else
        qd_client_unref(c);
}

static void
on_client_fd(struct qd_loop *loop, int fd, uint32_t events, void *opaque)
{
    struct qd_client *c = opaque;

    /* the event may close @c; keep it alive until we are done with it */
    qd_client_ref(c);
    qd_client_on_event(c, events);
    qd_server_unref_client_on_loop(c->srv, c);
}

#define ACCEPT_PAUSE_MS 100

/* Loop thread: set every listener's interest to @events. */
static void
arm_listeners(struct qd_server *srv, uint32_t events)
{
    size_t i;

    for (i = 0; i < srv->nlisteners; i++)
        if (srv->listeners[i].fd >= 0)
            qd_loop_mod_fd(srv->loop, srv->listeners[i].fd, events);
}

static void
accept_resume_timer(struct qd_loop *loop, int id, void *opaque)
{
    struct qd_server *srv = opaque;

    qd_loop_update_timer(loop, id, -1);
    if (!srv->shutting_down)
        arm_listeners(srv, EPOLLIN);
}

/* Loop thread: out of file descriptors (or memory). A pending connection
 * would keep the listener readable, so instead of spinning on accept the
 * listeners are disarmed for a moment; the warning is rate-limited. */
static void
pause_accepting(struct qd_server *srv, int errnum)
{
    int64_t now = qd_loop_now_ms();

    if (now - srv->accept_warned_ms >= 10000) {
        QD_WARN("accept failed: %s; not accepting for %d ms",
                strerror(errnum), ACCEPT_PAUSE_MS);
        srv->accept_warned_ms = now;
    }
    arm_listeners(srv, 0);
    qd_loop_update_timer(srv->loop, srv->accept_timer, ACCEPT_PAUSE_MS);
}

/* Loop thread: a warning at most every 10 s. */
static void __attribute__((format(printf, 2, 3)))
warn_limited(struct qd_server *srv, const char *fmt, ...)
{
    int64_t now = qd_loop_now_ms();
    char msg[256];
    va_list ap;

    if (now - srv->anon_warned_ms < 10000)
        return;
    srv->anon_warned_ms = now;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    QD_WARN("%s", msg);
}

static void
on_listener_fd(struct qd_loop *loop, int fd, uint32_t events, void *opaque)
{
    struct qd_listener *l = opaque;
    struct qd_server *srv = l->srv;
    struct qd_netsrv *ns;
    unsigned max_clients = 0;
    bool anon, anon_full;
    int n;

    for (n = 0; n < 64; n++) {
        struct qd_tls_ctx *tls;
        struct qd_client *c;
        struct qd_err err = QD_ERR_INIT;
        int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

        if (cfd < 0) {
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
                errno == ENOMEM)
                pause_accepting(srv, errno);
            else if (errno != EAGAIN && errno != EINTR &&
                     errno != ECONNABORTED)
                QD_WARN("accept failed: %s", strerror(errno));
            return;
        }
        c = qd_client_new(srv, l, cfd);
        if (l->admin && c->uid != geteuid()) {
            /* libvirt-compat: admin clients of another uid are dropped
             * right after accept, with no message */
            qd_client_unref(c);
            continue;
        }
        ns = l->ns;
        anon = !c->authenticated;
        anon_full = false;
        pthread_mutex_lock(&srv->lock);
        /* a client over the limit gets no id: it is not one of the
         * server's clients, only told why it is dropped */
        if (ns->nclients >= ns->limits.max_clients) {
            c->reject = true;
            max_clients = ns->limits.max_clients;
        } else if (anon && ns->limits.max_anonymous_clients &&
                   ns->nclients_unauth >= ns->limits.max_anonymous_clients) {
            /* Unlike libvirtd, which stops accepting on every socket
             * while the limit is reached, only this client is dropped:
             * a flood of connections that never authenticate cannot
             * lock others out. */
            anon_full = true;
            max_clients = ns->limits.max_anonymous_clients;
        } else {
            c->id = ns->next_client_id++;
            ns->nclients++;
            if (anon) {
                ns->nclients_unauth++;
                c->counted_anon = true;
            }
        }
        tls = l->tls && !anon_full ? qd_tls_ctx_ref(l->tls) : NULL;
        if (!anon_full) {
            c->next = ns->clients;
            if (ns->clients)
                ns->clients->prev = c;
            ns->clients = c;
        }
        pthread_mutex_unlock(&srv->lock);
        if (anon_full) {
            warn_limited(srv, "Too many unauthenticated clients (%u), "
                         "dropping a connection", max_clients);
            qd_client_unref(c);
            continue;
        }
        if (c->reject)
            QD_WARN("Too many active clients (%u), dropping connection from "
                    "pid %d", max_clients, (int) c->pid);
        if (tls) {
            struct qd_tls *t = NULL;

            /* no clear-text error for a TLS client over the limit */
            if (!c->reject && !(t = qd_tls_new(tls, cfd, &err))) {
                QD_WARN("%s", err.message);
                qd_err_clear(&err);
            }
            qd_tls_ctx_unref(tls);
            if (!t) {
                qd_client_close(c);
                continue;
            }
            qd_client_start_tls(c, t);
        }
        c->interest = c->handshaking && qd_tls_wants_write(c->tls) ?
                      EPOLLOUT : EPOLLIN;
        if (qd_loop_add_fd(loop, cfd, c->interest, on_client_fd, c,
                           &err) < 0) {
            QD_WARN("%s", err.message);
            qd_err_clear(&err);
            qd_client_close(c);
            continue;                 /* the loop's reference is gone */
        }
        QD_DEBUG("client %llu: accepted %s%s%s",
                 (unsigned long long) c->id,
                 c->addr_uri ? c->addr_uri : "(unix)",
                 l->tls ? " (tls)" : "", l->readonly ? " (read-only)" : "");
    }
}

static struct qd_listener *
add_listener(struct qd_server *srv)
{
    srv->listeners = qd_realloc(srv->listeners, (srv->nlisteners + 1) *
                                sizeof(*srv->listeners));
    return &srv->listeners[srv->nlisteners++];
}

int
qd_server_add_unix(struct qd_server *srv, const char *path, mode_t perms,
                   gid_t group, bool readonly, bool admin, int auth,
                   unsigned backlog, struct qd_err *err)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    struct qd_listener *l;
    int fd;

    if (strlen(path) >= sizeof(sa.sun_path))
        return qd_err_set(err, QD_ERR_INTERNAL_ERROR, QD_FROM_RPC,
                          "UNIX socket path '%s' too long (%zu bytes, "
                          "at most %zu)", path, strlen(path),
                          sizeof(sa.sun_path) - 1);
    strcpy(sa.sun_path, path);
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                     0)) < 0)
        return qd_err_sys(err, QD_ERR_INTERNAL_ERROR, QD_FROM_RPC, errno,
                          "cannot create socket");
    (void) unlink(path);
    if (bind(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0) {
        int e = errno;

        close(fd);
        return qd_err_sys(err, QD_ERR_INTERNAL_ERROR, QD_FROM_RPC, e,
                          "cannot bind socket '%s'", path);
    }
    if (chmod(path, perms) < 0 ||
        (group != (gid_t) -1 && chown(path, (uid_t) -1, group) < 0) ||
        listen(fd, backlog ? (int) backlog : 1000) < 0) {
        int e = errno;

        close(fd);
        (void) unlink(path);
        return qd_err_sys(err, QD_ERR_INTERNAL_ERROR, QD_FROM_RPC, e,
                          "cannot set up socket '%s'", path);
    }
    l = add_listener(srv);
    *l = (struct qd_listener) {
        .srv = srv, .ns = &srv->ns[admin ? QD_NETSRV_ADMIN : QD_NETSRV_MAIN],
        .fd = fd, .path = qd_strdup(path), .readonly = readonly,
        .admin = admin, .auth = auth,
    };
    return 0;
}

/* Returns the listening fd, or -1 with @err set and *@ret_errno. */
static int
listen_one(const struct addrinfo *ai, unsigned backlog, int *ret_errno,
           struct qd_err *err)
{
    char host[NI_MAXHOST], port[NI_MAXSERV];
    int fd, one = 1, e;

    if (getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof(host), port,
                    sizeof(port), NI_NUMERICHOST | NI_NUMERICSERV))
        snprintf(host, sizeof(host), "?");
    if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
                     SOCK_CLOEXEC, ai->ai_protocol)) < 0) {
        *ret_errno = errno;
        return qd_err_sys(err, QD_ERR_SYSTEM_ERROR, QD_FROM_RPC, errno,
                          "Unable to create socket");
    }
    (void) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    /* one socket per family, as libvirtd: [::] must not also take v4 */
    if (ai->ai_family == AF_INET6)
        (void) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 ||
        listen(fd, backlog ? (int) backlog : 1000) < 0) {
        e = errno;
        close(fd);
        *ret_errno = e;
        return qd_err_sys(err, QD_ERR_SYSTEM_ERROR, QD_FROM_RPC, e,
                          "Unable to bind to %s port %s", host, port);
    }
    return fd;
}

int
qd_server_add_tcp(struct qd_server *srv, const char *addr, const char *port,
                  struct qd_tls_ctx *tls, int auth, unsigned backlog,
                  struct qd_err *err)
{
    struct addrinfo hints = {
        .ai_flags = AI_PASSIVE, .ai_family = AF_UNSPEC,
        .ai_socktype = SOCK_STREAM,
    };
    struct addrinfo *res, *ai;
    size_t nbound = 0;
    int rc;

    if ((rc = getaddrinfo(addr, port, &hints, &res)) != 0)
        return qd_err_set(err, QD_ERR_SYSTEM_ERROR, QD_FROM_RPC,
                          "Unable to resolve address '%s' service '%s': %s",
                          addr ? addr : "(any)", port, gai_strerror(rc));
    for (ai = res; ai; ai = ai->ai_next) {
        struct qd_err e = QD_ERR_INIT;
        struct qd_listener *l;
        int errnum = 0;
        int fd = listen_one(ai, backlog, &errnum, &e);

        if (fd < 0) {
            /* a host without IPv6 (or without IPv4) still listens on
             * the family it has */
            if (errnum == EAFNOSUPPORT || errnum == EADDRNOTAVAIL) {
                QD_DEBUG("%s", e.message);
                qd_err_clear(&e);
                continue;
            }
            freeaddrinfo(res);
            qd_err_copy(err, &e);
            qd_err_clear(&e);
            return -1;
        }
        l = add_listener(srv);
        *l = (struct qd_listener) {
            .srv = srv, .ns = &srv->ns[QD_NETSRV_MAIN], .fd = fd,
            .tcp = true, .auth = auth,
            .tls = tls ? qd_tls_ctx_ref(tls) : NULL,
        };
        nbound++;
    }
    freeaddrinfo(res);
    if (nbound == 0)
        return qd_err_set(err, QD_ERR_SYSTEM_ERROR, QD_FROM_RPC,
                          "No addresses to bind to for '%s' port %s",
                          addr ? addr : "(any)", port);
    return 0;
}

int
qd_server_update_tls(struct qd_netsrv *ns, struct qd_err *err)
{
    struct qd_server *srv = ns->srv;
    struct qd_tls_ctx **fresh;
    size_t i, n = 0;
    int rc = 0;

    fresh = qd_calloc(srv->nlisteners ? srv->nlisteners : 1,
                      sizeof(*fresh));
    for (i = 0; i < srv->nlisteners && rc == 0; i++) {
        struct qd_listener *l = &srv->listeners[i];
        struct qd_tls_ctx *old;

        if (l->ns != ns)
            continue;
        pthread_mutex_lock(&srv->lock);
        old = l->tls ? qd_tls_ctx_ref(l->tls) : NULL;
        pthread_mutex_unlock(&srv->lock);
        if (!old)
            continue;
        n++;
        if (!(fresh[i] = qd_tls_ctx_reload(old, err)))
            rc = -1;
        qd_tls_ctx_unref(old);
    }
    if (rc == 0 && n == 0)
        rc = qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_RPC, "%s",
                           "no tls service found, unable to update tls "
                           "files");
    pthread_mutex_lock(&srv->lock);
    for (i = 0; i < srv->nlisteners; i++) {
        if (!fresh[i])
            continue;
        if (rc == 0) {
            struct qd_tls_ctx *t = srv->listeners[i].tls;

            srv->listeners[i].tls = fresh[i];
            fresh[i] = t;
        }
    }
    pthread_mutex_unlock(&srv->lock);
    for (i = 0; i < srv->nlisteners; i++)
        qd_tls_ctx_unref(fresh[i]);
    free(fresh);
    return rc;
}

void
qd_server_client_authenticated(struct qd_server *srv, struct qd_client *c)
{
    pthread_mutex_lock(&srv->lock);
    if (c->counted_anon) {
        c->counted_anon = false;
        c->ns->nclients_unauth--;
    }
    pthread_mutex_unlock(&srv->lock);
}

void
qd_server_run(struct qd_server *srv)
{
    size_t i;

    /* Register listeners only now: the array no longer moves. */
    for (i = 0; i < srv->nlisteners; i++) {
        struct qd_err err = QD_ERR_INIT;

        if (qd_loop_add_fd(srv->loop, srv->listeners[i].fd, EPOLLIN,
                           on_listener_fd, &srv->listeners[i], &err) < 0) {
            QD_ERROR("%s", err.message);
            qd_err_clear(&err);
        }
    }
    qd_loop_run(srv->loop);
    mark_loop_stopped(srv);
}

void
qd_server_mark_dirty(struct qd_server *srv, struct qd_client *c)
{
    bool wake = false;

    pthread_mutex_lock(&srv->dirty_lock);
    if (!c->dirty) {
        c->dirty = true;
        qd_client_ref(c);
        wake = srv->dirty == NULL;   /* else a wake-up is already pending */
        c->dirty_next = srv->dirty;
        srv->dirty = c;
    }
    pthread_mutex_unlock(&srv->dirty_lock);
    /* the loop delivering events marks clients right before it takes the
     * dirty list: no wake-up needed for those */
    if (wake && !(srv->delivering_events && qd_loop_is_loop_thread(srv->loop)))
        qd_loop_wake(srv->loop);
}

/* Loop thread, after every wake-up: flush the clients workers touched.
 * A client stays marked until it is processed, so a worker that queues
 * more output meanwhile does not relink it (its output is flushed here);
 * once unmarked, new output relinks it onto the next batch. */
static void
wake_hook(void *opaque)
{
    struct qd_server *srv = opaque;
    struct qd_client *c, *next;

    srv->delivering_events = true;
    qd_events_deliver(srv->events);   /* queues to clients: they go dirty */
    srv->delivering_events = false;
    pthread_mutex_lock(&srv->dirty_lock);
    c = srv->dirty;
    srv->dirty = NULL;
    pthread_mutex_unlock(&srv->dirty_lock);
    for (; c; c = next) {
        pthread_mutex_lock(&srv->dirty_lock);
        next = c->dirty_next;
        c->dirty_next = NULL;
        c->dirty = false;
        pthread_mutex_unlock(&srv->dirty_lock);
        qd_client_flush(c);
        qd_server_unref_client_on_loop(srv, c);
    }
}

/* Loop thread, each tick: quit after auto_shutdown_s without clients
 * (libvirt's virNetDaemonAutoShutdown: admin clients count too). */
static void
check_auto_shutdown(struct qd_server *srv, int64_t now)
{
    unsigned timeout;
    bool busy = false;
    size_t i;

    pthread_mutex_lock(&srv->lock);
    timeout = srv->auto_shutdown_s;
    for (i = 0; i < QD_NETSRV_COUNT; i++)
        busy = busy || srv->ns[i].clients;
    pthread_mutex_unlock(&srv->lock);
    if (timeout == 0 || busy || srv->shutting_down) {
        srv->idle_since_ms = 0;
        return;
    }
    if (srv->idle_since_ms == 0)
        srv->idle_since_ms = now;
    else if (now - srv->idle_since_ms >= (int64_t) timeout * 1000) {
        QD_INFO("no client for %u s: shutting down", timeout);
        qd_server_begin_shutdown(srv);
    }
}

static void
keepalive_timer(struct qd_loop *loop, int id, void *opaque)
{
    struct qd_server *srv = opaque;
    int64_t now = qd_loop_now_ms();
    struct qd_client *c, *next;
    size_t i;

    /* The lists only change on this thread, so no lock is needed to walk
     * them here; a tick may close (and unlink) the current client. */
    for (i = 0; i < QD_NETSRV_COUNT; i++) {
        for (c = srv->ns[i].clients; c; c = next) {
            next = c->next;
            qd_client_keepalive_tick(c, now);
        }
    }
    check_auto_shutdown(srv, now);
}

static void
call_job(void *data)
{
    struct call_job *job = data;
    struct qd_stream *st;
    struct qd_msg *reply = qd_dispatch_call(job->client, job->msg, &st);

    reply->tracked = true;
    if (st)
        qd_stream_start(st, reply);   /* the reply, then the stream's data */
    else
        qd_client_send(job->client, reply);
    qd_msg_free(job->msg);
    qd_client_unref(job->client);
    free(job);
}

static void
send_reject(struct qd_client *c, const struct qd_msg_header *h)
{
    struct qd_err err = QD_ERR_INIT;
    unsigned max;

    pthread_mutex_lock(&c->srv->lock);
    max = c->ns->limits.max_clients;
    pthread_mutex_unlock(&c->srv->lock);
    qd_err_set(&err, QD_ERR_RPC, QD_FROM_RPC,
               "Too many active clients (%u), dropping connection", max);
    pthread_mutex_lock(&c->lock);
    c->close_after_tx = true;
    pthread_mutex_unlock(&c->lock);
    qd_client_send(c, qd_msg_build_error(h, &err));
    qd_err_clear(&err);
}

/* Keepalive is answered on the loop itself: it is cheap and must work
 * while every worker is busy. */
static void
handle_keepalive(struct qd_client *c, const struct qd_msg_header *h)
{
    struct qd_msg_header pong = *h;

    if (h->type != QD_MSG_MESSAGE || h->status != QD_STATUS_OK)
        return;
    if (h->proc == QD_KEEPALIVE_PING) {
        pong.proc = QD_KEEPALIVE_PONG;
        pong.serial = 0;
        qd_client_send(c, qd_msg_build(&pong, NULL, NULL, NULL));
    }
    /* PONG: the read itself already reset the silence counter */
}

void
qd_server_dispatch(struct qd_server *srv, struct qd_client *c,
                   struct qd_msg *m)
{
    struct qd_err err = QD_ERR_INIT;
    struct call_job *job;

    if (qd_msg_decode_header(m->buf.data, m->buf.len, &m->hdr, &err) < 0) {
        qd_err_clear(&err);
        qd_msg_free(m);
        qd_client_close(c);
        return;
    }
    if (c->reject) {
        if (m->hdr.type == QD_MSG_CALL)
            send_reject(c, &m->hdr);
        qd_msg_free(m);
        return;
    }
    if (m->hdr.prog == QD_PROG_KEEPALIVE && m->hdr.type == QD_MSG_MESSAGE) {
        handle_keepalive(c, &m->hdr);
        qd_msg_free(m);
        return;
    }
    if ((m->hdr.type == QD_MSG_STREAM || m->hdr.type == QD_MSG_STREAM_HOLE) &&
        qd_stream_filter(c, m))
        return;                       /* an open stream took it */
    if (m->hdr.type != QD_MSG_CALL && m->hdr.type != QD_MSG_CALL_WITH_FDS) {
        /* libvirt-compat: REPLYs, stray MESSAGEs and STREAM packets for no
         * open stream are dropped silently */
        QD_DEBUG("client %llu: ignoring message type %u proc %d",
                 (unsigned long long) c->id, m->hdr.type, m->hdr.proc);
        qd_msg_free(m);
        return;
    }
    pthread_mutex_lock(&c->lock);
    c->nrequests++;
    /* what the call may do is decided by when it arrived: a call sent
     * before authentication completed stays unauthenticated */
    m->authed = c->authenticated;
    pthread_mutex_unlock(&c->lock);
    job = QD_NEW(struct call_job);
    job->client = qd_client_ref(c);
    job->msg = m;
    qd_pool_submit(c->ns->pool, call_job, job,
                   qd_dispatch_is_priority(c, &m->hdr));
}

static bool
server_idle(struct qd_server *srv)
{
    struct qd_pool_stats st;
    struct qd_client *c;
    bool idle = true;
    size_t i;

    for (i = 0; i < QD_NETSRV_COUNT && idle; i++) {
        qd_pool_get_stats(srv->ns[i].pool, &st);
        if (st.job_queue_depth > 0 || st.free_workers < st.nworkers)
            return false;
        for (c = srv->ns[i].clients; c && idle; c = c->next) {
            pthread_mutex_lock(&c->lock);
            idle = c->nrequests == 0 && !c->tx.head;
            pthread_mutex_unlock(&c->lock);
        }
    }
    return idle;
}

static void
shutdown_timer(struct qd_loop *loop, int id, void *opaque)
{
    struct qd_server *srv = opaque;

    if (server_idle(srv) || qd_loop_now_ms() >= srv->shutdown_deadline)
        qd_loop_quit(loop);
}

void
qd_server_begin_shutdown(struct qd_server *srv)
{
    if (srv->shutting_down)
        return;
    srv->shutting_down = true;
    QD_INFO("shutting down");
    close_listeners(srv);
    srv->shutdown_deadline = qd_loop_now_ms() + 5000;
    srv->shutdown_timer = qd_loop_add_timer(srv->loop, 20, shutdown_timer,
                                            srv);
}

struct qd_netsrv *
qd_server_find_netsrv(struct qd_server *srv, const char *name)
{
    size_t i;

    for (i = 0; i < QD_NETSRV_COUNT; i++)
        if (strcmp(srv->ns[i].name, name) == 0)
            return &srv->ns[i];
    return NULL;
}

/* Loop thread: carry out the CLIENT_CLOSE requests queued so far. */
static void
run_kills(void *opaque)
{
    struct qd_server *srv = opaque;
    struct qd_kill_req *kills;
    size_t n, i;
    uint64_t done;

    pthread_mutex_lock(&srv->kill_lock);
    kills = steal_ptr(&srv->kills);
    n = srv->nkills;
    srv->nkills = 0;
    done = srv->kills_asked;
    pthread_mutex_unlock(&srv->kill_lock);
    for (i = 0; i < n; i++) {
        struct qd_client *c;

        for (c = kills[i].ns->clients; c; c = c->next) {
            if (!c->reject && c->id == kills[i].id) {
                QD_INFO("client %llu of server %s: closed by an admin",
                        (unsigned long long) c->id, kills[i].ns->name);
                qd_client_close(c);
                break;
            }
        }
    }
    free(kills);
    pthread_mutex_lock(&srv->kill_lock);
    if (srv->kills_done < done)
        srv->kills_done = done;
    pthread_cond_broadcast(&srv->kill_cond);
    pthread_mutex_unlock(&srv->kill_lock);
}

void
qd_server_close_client(struct qd_netsrv *ns, uint64_t id)
{
    struct qd_server *srv = ns->srv;
    uint64_t ticket;

    pthread_mutex_lock(&srv->kill_lock);
    if (srv->loop_stopped) {
        pthread_mutex_unlock(&srv->kill_lock);
        return;
    }
    srv->kills = qd_realloc(srv->kills,
                            (srv->nkills + 1) * sizeof(*srv->kills));
    srv->kills[srv->nkills++] = (struct qd_kill_req) { ns, id };
    ticket = ++srv->kills_asked;
    pthread_mutex_unlock(&srv->kill_lock);

    /* The socket, the epoll set and the client list belong to the loop;
     * the reply to this call goes out after the close. */
    qd_loop_post(srv->loop, run_kills, srv);
    pthread_mutex_lock(&srv->kill_lock);
    while (srv->kills_done < ticket && !srv->loop_stopped)
        pthread_cond_wait(&srv->kill_cond, &srv->kill_lock);
    pthread_mutex_unlock(&srv->kill_lock);
}

void
qd_server_set_auto_shutdown(struct qd_server *srv, unsigned seconds)
{
    pthread_mutex_lock(&srv->lock);
    srv->auto_shutdown_s = seconds;
    pthread_mutex_unlock(&srv->lock);
}
