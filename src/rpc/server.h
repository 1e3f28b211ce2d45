/* The server: listeners, clients, the worker pool and the loop. */
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

struct qd_listener {
    struct qd_server *srv;
    int fd;
    char *path;            /* UNIX socket path, unlinked on close */
    bool readonly;
    bool admin;
    int auth;              /* QD_AUTH_* */
};

struct qd_server_limits {
    unsigned max_clients;
    unsigned max_queued_clients;
    unsigned max_anonymous_clients;
    unsigned min_workers, max_workers, prio_workers;
    unsigned max_client_requests;
    int keepalive_interval;       /* seconds; <= 0 disables */
    unsigned keepalive_count;
};

struct qd_server {
    pthread_mutex_t lock;
    struct qd_server_limits limits;      /* lock */
    struct qd_loop *loop;
    struct qd_pool *pool;
    struct qd_events *events;

    struct qd_listener *listeners;       /* loop thread */
    size_t nlisteners;

    struct qd_client *clients;           /* lock (written by the loop) */
    size_t nclients;
    uint64_t next_client_id;

    pthread_mutex_t dirty_lock;
    struct qd_client *dirty;             /* dirty_lock */

    uint8_t *rdbuf;                      /* loop thread's read buffer */
    size_t rdbuf_size;
    int ka_timer;
    int shutdown_timer;
    int64_t shutdown_deadline;
    bool shutting_down;
};

struct qd_server *qd_server_new(const struct qd_server_limits *limits,
                                struct qd_err *err);
void qd_server_free(struct qd_server *srv);

/* Before the loop runs: create and listen on a UNIX socket. */
int qd_server_add_unix(struct qd_server *srv, const char *path, mode_t perms,
                       gid_t group, bool readonly, bool admin, int auth,
                       unsigned backlog, struct qd_err *err);

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

#endif
