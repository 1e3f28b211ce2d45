/* The daemon: listeners, the loop, and libvirt's two named servers, each
 * with its clients and its worker pool. */
#ifndef QD_RPC_SERVER_H
#define QD_RPC_SERVER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/pool.h"

struct qd_err;
struct qd_loop;
struct qd_client;
struct qd_msg;
struct qd_netsrv;
struct qd_tls_ctx;

struct qd_listener {
    struct qd_server *srv;
    struct qd_netsrv *ns;  /* the named server its clients belong to */
    int fd;
    char *path;            /* UNIX socket path, unlinked on close */
    bool readonly;
    bool admin;
    bool tcp;              /* TCP (plain or TLS) */
    int auth;              /* QD_AUTH_* */
    struct qd_tls_ctx *tls; /* srv->lock (replaced by a reload); NULL:
                               no TLS */
};

/* One named server's settings (libvirtd.conf's max_clients, min_workers,
 * ... for "libvirtd"; admin_max_clients, admin_min_workers, ... for
 * "admin"). */
struct qd_server_limits {
    unsigned max_clients;
    unsigned max_queued_clients;
    unsigned max_anonymous_clients;
    unsigned min_workers, max_workers, prio_workers;
    unsigned max_client_requests;
    int keepalive_interval;       /* seconds; <= 0 disables */
    unsigned keepalive_count;
    unsigned anonymous_timeout;   /* s a client may take to authenticate
                                     (TLS handshake included); 0: no bound */
};

/* What libvirt calls a virNetServer: "libvirtd" serves the rw and ro
 * sockets, "admin" the admin socket. Each has its own clients, client
 * limits and worker pool, so admin calls are answered while every main
 * worker is busy. */
enum { QD_NETSRV_MAIN, QD_NETSRV_ADMIN, QD_NETSRV_COUNT };

struct qd_netsrv {
    const char *name;                    /* immutable */
    struct qd_server *srv;
    struct qd_pool *pool;                /* immutable while the loop runs */
    struct qd_server_limits limits;      /* srv->lock for max_clients and
                                            max_anonymous_clients; the rest
                                            is immutable */
    struct qd_client *clients;           /* srv->lock (written by the loop) */
    size_t nclients;                     /* srv->lock: admitted clients */
    size_t nclients_unauth;              /* srv->lock: of those, not yet
                                            authenticated */
    uint64_t next_client_id;             /* loop thread */
};

struct qd_server {
    pthread_mutex_t lock;
    struct qd_loop *loop;
    struct qd_events *events;
    struct qd_netsrv ns[QD_NETSRV_COUNT];

    struct qd_listener *listeners;       /* loop thread */
    size_t nlisteners;

    pthread_mutex_t dirty_lock;
    struct qd_client *dirty;             /* dirty_lock */

    /* admin CLIENT_CLOSE requests for the loop: kill_lock */
    pthread_mutex_t kill_lock;
    pthread_cond_t kill_cond;
    struct qd_kill_req *kills;
    size_t nkills;
    uint64_t kills_asked, kills_done;
    bool loop_stopped;

    unsigned auto_shutdown_s;            /* lock; 0: never */

    /* SASL rules (immutable once the loop runs) */
    unsigned sasl_min_ssf;               /* tcp_min_ssf */
    char **sasl_allowed_users;           /* NULL: anyone (not owned) */
    int64_t idle_since_ms;               /* loop thread; 0: has clients */

    uint8_t *rdbuf;                      /* loop thread's read buffer */
    size_t rdbuf_size;
    int ka_timer;
    bool delivering_events;              /* loop thread only */
    int accept_timer;                    /* re-arms listeners after EMFILE */
    int64_t accept_warned_ms;
    int64_t anon_warned_ms;
    int shutdown_timer;
    int64_t shutdown_deadline;
    bool shutting_down;
};

/* @main: the "libvirtd" server's settings; @admin: the "admin" one's. */
struct qd_server *qd_server_new(const struct qd_server_limits *main,
                                const struct qd_server_limits *admin,
                                struct qd_err *err);
void qd_server_free(struct qd_server *srv);

/* Before the loop runs: create and listen on a UNIX socket. Clients of an
 * @admin socket belong to the "admin" server, others to "libvirtd". */
int qd_server_add_unix(struct qd_server *srv, const char *path, mode_t perms,
                       gid_t group, bool readonly, bool admin, int auth,
                       unsigned backlog, struct qd_err *err);

/* Before the loop runs: listen on every address @addr (NULL: any) and
 * @port resolve to, IPv4 and IPv6. With @tls (a reference is taken) the
 * clients speak TLS. */
int qd_server_add_tcp(struct qd_server *srv, const char *addr,
                      const char *port, struct qd_tls_ctx *tls, int auth,
                      unsigned backlog, struct qd_err *err);
/* Any thread: read every TLS listener's files again; new clients get the
 * new credentials. Fails, changing nothing, when there is no TLS
 * listener in @ns or a file is bad. */
int qd_server_update_tls(struct qd_netsrv *ns, struct qd_err *err);
/* Any thread: @c is no longer anonymous (rpc/client.c). */
void qd_server_client_authenticated(struct qd_server *srv,
                                    struct qd_client *c);

void qd_server_run(struct qd_server *srv);
/* Loop thread: close listeners, let in-flight calls finish, then stop. */
void qd_server_begin_shutdown(struct qd_server *srv);

/* Any thread: the client has output or its throttle changed. */
void qd_server_mark_dirty(struct qd_server *srv, struct qd_client *c);
/* Loop thread: drop a reference to @c; the last one is released on a
 * worker (it closes the driver connection, which is driver code). */
void qd_server_unref_client_on_loop(struct qd_server *srv,
                                    struct qd_client *c);
/* Loop thread: a complete message arrived from @c. Takes @m. */
void qd_server_dispatch(struct qd_server *srv, struct qd_client *c,
                        struct qd_msg *m);

/* Any thread: the named server called @name, or NULL. */
struct qd_netsrv *qd_server_find_netsrv(struct qd_server *srv,
                                        const char *name);
/* Worker: have the loop close client @id of @ns (if it is still there) and
 * wait until it has; the client's slot is free on return. */
void qd_server_close_client(struct qd_netsrv *ns, uint64_t id);
/* Any thread: quit after @seconds without any client (0: never), as
 * libvirtd's --timeout and virt-admin daemon-timeout. */
void qd_server_set_auto_shutdown(struct qd_server *srv, unsigned seconds);

#endif
