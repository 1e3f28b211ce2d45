/* One client connection: its socket state machine and its queues. */
#ifndef QD_RPC_CLIENT_H
#define QD_RPC_CLIENT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "rpc/msg.h"

struct qd_server;
struct qd_netsrv;
struct qd_listener;
struct qd_conn;
struct qd_stream;
struct qd_tls;
struct qd_sasl;

struct qd_client {
    /* immutable after accept */
    uint64_t id;                   /* per named server, from 1; 0: rejected */
    struct qd_server *srv;
    struct qd_netsrv *ns;          /* "libvirtd" or "admin" */
    const struct qd_listener *listener;
    int fd;                        /* loop thread only; -1 once closed */
    bool admin;                    /* arrived on the admin socket */
    uid_t uid;
    gid_t gid;
    pid_t pid;
    int64_t connected_at;          /* wall-clock seconds */
    bool tcp;                      /* arrived on a TCP or TLS listener */
    char *addr_uri;                /* TCP: "IP:port" ("[IP]:port" for v6) */
    char *addr_sasl_local;         /* "IP;port" as cyrus-sasl wants them; */
    char *addr_sasl_remote;        /* UNIX: "127.0.0.1;0" as libvirt */

    int refs;                      /* atomic */

    /* loop thread only */
    struct qd_client *prev, *next; /* ns->clients (srv->lock) */
    struct qd_client *dirty_next;  /* server's dirty list (srv->dirty_lock) */
    bool dirty;                    /* srv->dirty_lock */
    uint8_t lenbuf[4];
    unsigned lenhave;
    struct qd_msg *rx;             /* the one message being received */
    struct qd_buf pending;         /* bytes read while throttled */
    size_t pending_off;
    uint32_t interest;             /* current epoll mask */
    int64_t last_rx_ms;
    int64_t last_ping_ms;
    unsigned ka_unanswered;
    bool reject;                   /* over max_clients: error, then close */
    struct qd_stream *streams;     /* open streams: the stream filter's list
                                      (rpc/stream.c) */
    int64_t accepted_ms;           /* for the anonymous-client timeout */
    struct qd_tls *tls;            /* TLS session (TLS listeners) */
    bool handshaking;              /* TLS handshake not finished yet */
    struct qd_sasl *sasl_layer;    /* SASL security layer, once active */
    bool counted_anon;             /* srv->lock: in ns->nclients_unauth */

    pthread_mutex_t lock;
    /* client->lock */
    struct qd_msgq tx;             /* replies, events, pings to send */
    unsigned nrequests;            /* calls read and not yet answered */
    unsigned nevents;              /* event messages queued, not yet sent */
    bool closing;                  /* no more replies are queued */
    bool close_after_tx;           /* CONNECT_CLOSE answered: close when sent */
    bool keepalive;                /* client asked for feature 10 */
    bool readonly;                 /* listener RO, or CONNECT_OPEN flag RO */
    bool close_cb;                 /* registered a close callback */
    struct qd_conn *conn;          /* the driver connection, once open */
    struct qd_stream *streams_new; /* started by workers, not yet taken
                                      over by the loop */
    bool authenticated;            /* the listener's auth is complete */
    struct qd_sasl *sasl;          /* AUTH_SASL_* in progress (workers) */
    bool sasl_busy;                /* a worker holds @sasl for a step */
    struct qd_sasl *sasl_pending;  /* the layer, once the reply marked
                                      sasl_switch is written */
    char *sasl_user;               /* set once, at authentication */
    char *tls_dn;                  /* set once, after the handshake */
    int tls_key_size;              /* bytes; set with tls_dn */
};

struct qd_client *qd_client_new(struct qd_server *srv,
                                const struct qd_listener *l, int fd);
struct qd_client *qd_client_ref(struct qd_client *c);
/* Any thread; the final unref frees the driver connection, so it must not
 * happen on the loop thread (qd_client_close hands it to a worker). */
struct qd_client *qd_client_unref(struct qd_client *c);

/* Any thread: queue @m for sending. Takes @m. */
void qd_client_send(struct qd_client *c, struct qd_msg *m);

/* Loop thread. */
void qd_client_on_event(struct qd_client *c, uint32_t events);
void qd_client_flush(struct qd_client *c);   /* write what it can, re-arm */
void qd_client_close(struct qd_client *c);
bool qd_client_is_closed(const struct qd_client *c);
void qd_client_keepalive_tick(struct qd_client *c, int64_t now_ms);
/* Loop thread: start the TLS handshake on a TLS listener's client. */
int qd_client_start_tls(struct qd_client *c, struct qd_tls *tls);

/* Any thread: the client has authenticated, as SASL user @user (NULL:
 * none). @layer (taken; NULL: none) becomes the client's SASL security
 * layer once the reply marked sasl_switch, the last step's answer, which
 * goes out in clear, has been written. */
void qd_client_set_authenticated(struct qd_client *c, const char *user,
                                 struct qd_sasl *layer);
bool qd_client_is_authenticated(struct qd_client *c);

#endif
