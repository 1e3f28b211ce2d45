/* Event registrations and delivery to clients. */
#ifndef QD_RPC_EVENTS_H
#define QD_RPC_EVENTS_H

#include <stdbool.h>

#include "drivers/event.h"
#include "rpc/dispatch.h"

struct qd_server;
struct qd_client;
struct qd_events;

/* A client may have at most this many event messages queued and unsent;
 * past it the client is disconnected (it is not reading). */
#define QD_CLIENT_MAX_QUEUED_EVENTS 4096

struct qd_events *qd_events_new(struct qd_server *srv);
void qd_events_free(struct qd_events *ev);
/* Loop thread: deliver everything queued so far. */
void qd_events_deliver(struct qd_events *ev);
/* Loop thread, on close: forget @c's registrations. */
void qd_events_client_gone(struct qd_events *ev, struct qd_client *c);

/* Handlers of the registration procedures (REMOTE program). */
int qd_events_h_domain_register(struct qd_call *, const void *, void *,
                                struct qd_err *);
int qd_events_h_domain_deregister(struct qd_call *, const void *, void *,
                                  struct qd_err *);
int qd_events_h_legacy_register_any(struct qd_call *, const void *, void *,
                                    struct qd_err *);
int qd_events_h_legacy_deregister_any(struct qd_call *, const void *, void *,
                                      struct qd_err *);
int qd_events_h_legacy_register(struct qd_call *, const void *, void *,
                                struct qd_err *);
int qd_events_h_legacy_deregister(struct qd_call *, const void *, void *,
                                  struct qd_err *);
int qd_events_h_object_register(struct qd_call *, const void *, void *,
                                struct qd_err *);
int qd_events_h_object_deregister(struct qd_call *, const void *, void *,
                                  struct qd_err *);

extern const struct qd_xdr_type qd_t_dom_event_register_args,
    qd_t_net_event_register_args, qd_t_pool_event_register_args,
    qd_t_nodedev_event_register_args, qd_t_secret_event_register_args;

#endif
