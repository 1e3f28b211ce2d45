/* Event registrations and delivery.
 *
 * Drivers queue events through the sink (any thread, cheap). The loop
 * drains the queue in its wake hook: for each event, in order, it finds
 * the matching registrations, encodes one MESSAGE per registration and
 * appends it to that client's tx queue. Delivery therefore never runs
 * under a driver lock or on a worker, and per object the order of events
 * is the order of the changes.
 *
 * A client that does not read its events is disconnected once it has
 * QD_CLIENT_MAX_QUEUED_EVENTS of them queued unsent (with a warning), so
 * it cannot grow the daemon's memory without bound.
 *
 * Registrations point at their client without a reference: they are
 * removed on the loop when the client closes, and a registration call
 * racing with the close sees client->closing under the lock order
 * events->lock, then client->lock. */
#define QD_LOG_MODULE "rpc.events"

#include "rpc/events.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "loop/loop.h"
#include "rpc/client.h"
#include "rpc/server.h"
#include "rpc/types_remote.h"
#include "rpc/wire.h"
#include "util/err.h"
#include "util/log.h"
#include "util/mem.h"

struct reg {
    struct reg *next;
    struct qd_client *client;
    int callback_id;
    enum qd_event_obj obj;
    int event_id;
    bool legacy;
    bool filter;
    unsigned char uuid[16];
    char *name;                    /* node device filter */
};

struct qd_events {
    struct qd_server *srv;
    pthread_mutex_t lock;
    struct reg *regs;              /* lock */
    int next_callback_id;          /* lock */
    struct qd_event *head, *tail;  /* lock: queued, not yet delivered */
};

/* ---- wire shapes of the registration calls ----------------------------- */

/* {int eventID; optional handle}: the handle is a pointer to the ref */
struct reg_args {
    int32_t event_id;
    void *obj;
};

static const struct qd_xdr_field net_ref_fields[] = {
    { QD_XDR_STRING, offsetof(struct qd_net_ref, name), 0, NULL },
    { QD_XDR_OPAQUE_FIXED, offsetof(struct qd_net_ref, uuid), 16, NULL },
};
static QD_XDR_TYPE_DEF(net_ref_t, qd_net_ref, net_ref_fields);
/* pools have the same shape as networks: {name, uuid} */
static const struct qd_xdr_field pool_ref_fields[] = {
    { QD_XDR_STRING, offsetof(struct qd_pool_ref, name), 0, NULL },
    { QD_XDR_OPAQUE_FIXED, offsetof(struct qd_pool_ref, uuid), 16, NULL },
};
static QD_XDR_TYPE_DEF(pool_ref_t, qd_pool_ref, pool_ref_fields);
static const struct qd_xdr_field dev_ref_fields[] = {
    { QD_XDR_STRING, offsetof(struct qd_nodedev_ref, name), 0, NULL },
};
static QD_XDR_TYPE_DEF(dev_ref_t, qd_nodedev_ref, dev_ref_fields);
static const struct qd_xdr_field secret_ref_fields[] = {
    { QD_XDR_OPAQUE_FIXED, offsetof(struct qd_secret_ref, uuid), 16, NULL },
    { QD_XDR_INT, offsetof(struct qd_secret_ref, usage_type), 0, NULL },
    { QD_XDR_STRING, offsetof(struct qd_secret_ref, usage_id), 0, NULL },
};
static QD_XDR_TYPE_DEF(secret_ref_t, qd_secret_ref, secret_ref_fields);

#define REG_ARGS(var, reftype)                                             \
    static const struct qd_xdr_field var##_fields[] = {                    \
        { QD_XDR_INT, offsetof(struct reg_args, event_id), 0, NULL },      \
        { QD_XDR_OPT_STRUCT, offsetof(struct reg_args, obj), 0, reftype }, \
    };                                                                     \
    QD_XDR_TYPE_DEF(var, reg_args, var##_fields)

REG_ARGS(qd_t_dom_event_register_args, &qd_t_dom_ref);
REG_ARGS(qd_t_net_event_register_args, &net_ref_t);
REG_ARGS(qd_t_pool_event_register_args, &pool_ref_t);
REG_ARGS(qd_t_nodedev_event_register_args, &dev_ref_t);
REG_ARGS(qd_t_secret_event_register_args, &secret_ref_t);

/* ---- the queue ---------------------------------------------------------- */

static void
sink(struct qd_event *ev, void *opaque)
{
    struct qd_events *e = opaque;
    bool wake;

    ev->next = NULL;
    pthread_mutex_lock(&e->lock);
    wake = e->head == NULL;
    if (e->tail)
        e->tail->next = ev;
    else
        e->head = ev;
    e->tail = ev;
    pthread_mutex_unlock(&e->lock);
    if (wake)
        qd_loop_wake(e->srv->loop);
}

struct qd_events *
qd_events_new(struct qd_server *srv)
{
    struct qd_events *e = QD_NEW(struct qd_events);

    e->srv = srv;
    e->next_callback_id = 1;
    pthread_mutex_init(&e->lock, NULL);
    qd_event_set_sink(sink, e);
    return e;
}

void
qd_events_free(struct qd_events *e)
{
    struct qd_event *ev;
    struct reg *r;

    if (!e)
        return;
    qd_event_set_sink(NULL, NULL);
    while ((ev = e->head)) {
        e->head = ev->next;
        qd_event_free(ev);
    }
    while ((r = e->regs)) {
        e->regs = r->next;
        free(r->name);
        free(r);
    }
    pthread_mutex_destroy(&e->lock);
    free(e);
}

/* ---- encoding ----------------------------------------------------------- */

static void
put_dom(struct qd_buf *b, const struct qd_event *ev)
{
    qd_xdr_put_string(b, ev->name);
    memcpy(qd_buf_extend(b, 16), ev->uuid, 16);
    qd_xdr_put_u32(b, (uint32_t) ev->id);
}

static void
put_name_uuid(struct qd_buf *b, const struct qd_event *ev)
{
    qd_xdr_put_string(b, ev->name);
    memcpy(qd_buf_extend(b, 16), ev->uuid, 16);
}

/* The MESSAGE for @ev as registration @r wants it, or NULL if this kind
 * of event has no message for it (e.g. no legacy form). */
static struct qd_msg *
encode(const struct qd_event *ev, const struct reg *r)
{
    struct qd_msg_header h = {
        .prog = QD_PROG_REMOTE, .vers = QD_PROG_VERSION,
        .type = QD_MSG_MESSAGE,
        .serial = 1,        /* libvirt-compat: libvirtd sends serial 1 */
        .status = QD_STATUS_OK,
    };
    struct qd_msg *m;

    switch (ev->obj) {
    case QD_EV_DOMAIN:
        if (ev->event_id == QD_EV_DOMAIN_LIFECYCLE)
            h.proc = r->legacy ? 107 : 318;
        else if (ev->event_id == QD_EV_DOMAIN_REBOOT)
            h.proc = r->legacy ? 169 : 319;
        else if (ev->event_id == QD_EV_DOMAIN_METADATA_CHANGE && !r->legacy)
            h.proc = 379;
        else
            return NULL;
        break;
    case QD_EV_NETWORK:
        h.proc = 315;
        break;
    case QD_EV_POOL:
        h.proc = ev->event_id == QD_EV_POOL_REFRESH ? 373 : 370;
        break;
    case QD_EV_NODEDEV:
        h.proc = ev->event_id == QD_EV_NODEDEV_UPDATE ? 377 : 376;
        break;
    default:
        return NULL;
    }
    m = qd_msg_new();
    qd_msg_begin(m, &h);
    if (!r->legacy)
        qd_xdr_put_u32(&m->buf, (uint32_t) r->callback_id);
    switch (ev->obj) {
    case QD_EV_DOMAIN:
        put_dom(&m->buf, ev);
        if (ev->event_id == QD_EV_DOMAIN_REBOOT)
            break;
        if (ev->event_id == QD_EV_DOMAIN_METADATA_CHANGE) {
            qd_xdr_put_u32(&m->buf, (uint32_t) ev->mtype);
            qd_xdr_put_u32(&m->buf, ev->uri != NULL);
            if (ev->uri)
                qd_xdr_put_string(&m->buf, ev->uri);
            break;
        }
        qd_xdr_put_u32(&m->buf, (uint32_t) ev->event);
        qd_xdr_put_u32(&m->buf, (uint32_t) ev->detail);
        break;
    case QD_EV_NETWORK:
    case QD_EV_POOL:
        put_name_uuid(&m->buf, ev);
        if (ev->event_id == 0) {
            qd_xdr_put_u32(&m->buf, (uint32_t) ev->event);
            qd_xdr_put_u32(&m->buf, (uint32_t) ev->detail);
        }
        break;
    case QD_EV_NODEDEV:
        qd_xdr_put_string(&m->buf, ev->name);
        if (ev->event_id == 0) {
            qd_xdr_put_u32(&m->buf, (uint32_t) ev->event);
            qd_xdr_put_u32(&m->buf, (uint32_t) ev->detail);
        }
        break;
    default:
        break;
    }
    (void) qd_msg_finish(m, NULL);     /* events are small */
    m->is_event = true;
    return m;
}

static bool
matches(const struct reg *r, const struct qd_event *ev)
{
    if (r->obj != ev->obj || r->event_id != ev->event_id)
        return false;
    if (!r->filter)
        return true;
    if (ev->obj == QD_EV_NODEDEV)
        return strcmp(r->name, ev->name) == 0;
    return memcmp(r->uuid, ev->uuid, 16) == 0;
}

/* ---- delivery (loop thread) -------------------------------------------- */

void
qd_events_deliver(struct qd_events *e)
{
    struct qd_client **drop = NULL;
    size_t ndrop = 0, i;
    struct qd_event *ev, *list;
    struct reg *r;

    pthread_mutex_lock(&e->lock);
    list = e->head;
    e->head = e->tail = NULL;
    for (ev = list; ev; ev = ev->next) {
        for (r = e->regs; r; r = r->next) {
            struct qd_client *c = r->client;
            struct qd_msg *m;
            bool over;

            if (!matches(r, ev) || !(m = encode(ev, r)))
                continue;
            pthread_mutex_lock(&c->lock);
            over = c->nevents >= QD_CLIENT_MAX_QUEUED_EVENTS;
            if (!over && !c->closing)
                c->nevents++;
            pthread_mutex_unlock(&c->lock);
            if (over) {
                qd_msg_free(m);
                for (i = 0; i < ndrop && drop[i] != c; i++)
                    ;
                if (i == ndrop) {
                    drop = qd_realloc(drop, (ndrop + 1) * sizeof(*drop));
                    drop[ndrop++] = qd_client_ref(c);
                }
                continue;
            }
            qd_client_send(c, m);
        }
    }
    pthread_mutex_unlock(&e->lock);
    while ((ev = list)) {
        list = ev->next;
        qd_event_free(ev);
    }
    for (i = 0; i < ndrop; i++) {
        QD_WARN("client %llu: %d events queued and unread, disconnecting",
                (unsigned long long) drop[i]->id, QD_CLIENT_MAX_QUEUED_EVENTS);
        qd_client_close(drop[i]);
        qd_server_unref_client_on_loop(e->srv, drop[i]);
    }
    free(drop);
}

void
qd_events_client_gone(struct qd_events *e, struct qd_client *c)
{
    struct reg **pp, *r;

    pthread_mutex_lock(&e->lock);
    for (pp = &e->regs; (r = *pp);) {
        if (r->client == c) {
            *pp = r->next;
            free(r->name);
            free(r);
        } else {
            pp = &r->next;
        }
    }
    pthread_mutex_unlock(&e->lock);
}

/* ---- registration (workers) -------------------------------------------- */

/* Does @c already have a registration that catches what @r would? The
 * style (callback or legacy) does not matter: libvirt tracks one per
 * connection, object kind, event ID and filter. events->lock held. */
static bool
tracked_locked(struct qd_events *e, const struct reg *r)
{
    const struct reg *o;

    for (o = e->regs; o; o = o->next) {
        if (o->client != r->client || o->obj != r->obj ||
            o->event_id != r->event_id || o->filter != r->filter)
            continue;
        if (!r->filter)
            return true;
        if (r->obj == QD_EV_NODEDEV ? strcmp(o->name, r->name) == 0 :
            memcmp(o->uuid, r->uuid, 16) == 0)
            return true;
    }
    return false;
}

/* Adds @r unless the client is closing or already has it. Returns its
 * callback id. Takes @r. */
static int
add_reg(struct qd_events *e, struct reg *r, struct qd_err *err)
{
    bool closing;
    int id;

    pthread_mutex_lock(&e->lock);
    if (tracked_locked(e, r)) {
        pthread_mutex_unlock(&e->lock);
        free(r->name);
        free(r);
        return qd_err_report(err, QD_ERR_INVALID_ARG, QD_FROM_NONE, "%s",
                             "event callback already tracked");
    }
    pthread_mutex_lock(&r->client->lock);
    closing = r->client->closing;
    pthread_mutex_unlock(&r->client->lock);
    if (closing) {
        pthread_mutex_unlock(&e->lock);
        free(r->name);
        free(r);
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_RPC,
                             "client is closing");
    }
    id = r->callback_id = e->next_callback_id++;
    r->next = NULL;
    /* append: deliveries go out in registration order */
    {
        struct reg **pp = &e->regs;

        while (*pp)
            pp = &(*pp)->next;
        *pp = r;
    }
    pthread_mutex_unlock(&e->lock);
    return id;
}

/* Removes the first registration of @c that @pick accepts. */
static bool
remove_reg(struct qd_events *e, struct qd_client *c,
           bool (*pick)(const struct reg *, int, int), int a, int b)
{
    struct reg **pp, *r;

    pthread_mutex_lock(&e->lock);
    for (pp = &e->regs; (r = *pp); pp = &r->next) {
        if (r->client == c && pick(r, a, b)) {
            *pp = r->next;
            pthread_mutex_unlock(&e->lock);
            free(r->name);
            free(r);
            return true;
        }
    }
    pthread_mutex_unlock(&e->lock);
    return false;
}

static struct qd_events *
events_of(const struct qd_call *call)
{
    return call->client->srv->events;
}

static struct reg *
reg_new(struct qd_call *call, enum qd_event_obj obj, int event_id,
        bool legacy)
{
    struct reg *r = QD_NEW(struct reg);

    r->client = call->client;
    r->obj = obj;
    r->event_id = event_id;
    r->legacy = legacy;
    return r;
}

int
qd_events_h_domain_register(struct qd_call *call, const void *a, void *ret,
                            struct qd_err *err)
{
    const struct reg_args *args = a;
    const struct qd_dom_ref *dom = args->obj;
    struct reg *r;
    int id;

    if (args->event_id < 0 || args->event_id >= QD_EV_DOMAIN_ID_LAST)
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_RPC,
                             "unsupported event ID %d", args->event_id);
    r = reg_new(call, QD_EV_DOMAIN, args->event_id, false);
    if (dom) {
        r->filter = true;
        memcpy(r->uuid, dom->uuid, 16);
    }
    if ((id = add_reg(events_of(call), r, err)) < 0)
        return -1;
    ((struct qd_w_int *) ret)->v = id;
    return 0;
}

static bool
pick_callback(const struct reg *r, int id, int legacy)
{
    return !r->legacy && r->callback_id == id;
}

static bool
pick_legacy(const struct reg *r, int event_id, int obj)
{
    return r->legacy && r->obj == (enum qd_event_obj) obj &&
           r->event_id == event_id;
}

int
qd_events_h_domain_deregister(struct qd_call *call, const void *a, void *ret,
                              struct qd_err *err)
{
    int id = ((const struct qd_w_int *) a)->v;

    if (!remove_reg(events_of(call), call->client, pick_callback, id, 0))
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_RPC,
                             "domain event callback %d not registered", id);
    return 0;
}

/* libvirt-compat: the legacy path only knows event IDs up to
 * DEVICE_REMOVED (15) */
#define LEGACY_ID_MAX 15

int
qd_events_h_legacy_register_any(struct qd_call *call, const void *a,
                                void *ret, struct qd_err *err)
{
    int event_id = ((const struct qd_w_int *) a)->v;

    if (event_id < 0 || event_id > LEGACY_ID_MAX)
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_RPC,
                             "unsupported event ID %d", event_id);
    return add_reg(events_of(call), reg_new(call, QD_EV_DOMAIN, event_id,
                                            true), err) < 0 ? -1 : 0;
}

int
qd_events_h_legacy_deregister_any(struct qd_call *call, const void *a,
                                  void *ret, struct qd_err *err)
{
    int event_id = ((const struct qd_w_int *) a)->v;

    if (event_id < 0 || event_id > LEGACY_ID_MAX)
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_RPC,
                             "unsupported event ID %d", event_id);
    if (!remove_reg(events_of(call), call->client, pick_legacy, event_id,
                    QD_EV_DOMAIN))
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_RPC,
                             "domain event %d not registered", event_id);
    return 0;
}

/* CONNECT_DOMAIN_EVENT_REGISTER (105): lifecycle, legacy form */
int
qd_events_h_legacy_register(struct qd_call *call, const void *a, void *ret,
                            struct qd_err *err)
{
    if (add_reg(events_of(call), reg_new(call, QD_EV_DOMAIN,
                                         QD_EV_DOMAIN_LIFECYCLE, true),
                err) < 0)
        return -1;
    ((struct qd_w_int *) ret)->v = 0;   /* libvirt-compat: never set */
    return 0;
}

int
qd_events_h_legacy_deregister(struct qd_call *call, const void *a, void *ret,
                              struct qd_err *err)
{
    if (!remove_reg(events_of(call), call->client, pick_legacy,
                    QD_EV_DOMAIN_LIFECYCLE, QD_EV_DOMAIN))
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_RPC,
                             "domain event %d not registered",
                             QD_EV_DOMAIN_LIFECYCLE);
    ((struct qd_w_int *) ret)->v = 0;   /* libvirt-compat: never set */
    return 0;
}

/* Network (313), pool (368), node device (374), secret (380) register;
 * the row's number tells which. */
int
qd_events_h_object_register(struct qd_call *call, const void *a, void *ret,
                            struct qd_err *err)
{
    const struct reg_args *args = a;
    enum qd_event_obj obj;
    struct reg *r;
    int last, id;

    switch (call->proc->num) {
    case 313: obj = QD_EV_NETWORK; last = QD_EV_NETWORK_ID_LAST; break;
    case 368: obj = QD_EV_POOL; last = QD_EV_POOL_ID_LAST; break;
    case 374: obj = QD_EV_NODEDEV; last = QD_EV_NODEDEV_ID_LAST; break;
    default:
        /* libvirt-compat: the test driver has no secret driver */
        return qd_err_report(err, QD_ERR_NO_SUPPORT, QD_FROM_SECRET, "%s",
                             call->proc->api);
    }
    if (args->event_id < 0 || args->event_id >= last)
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_RPC,
                             "unsupported %s event ID %d",
                             obj == QD_EV_NETWORK ? "network" :
                             obj == QD_EV_POOL ? "storage pool" :
                             "node device", args->event_id);
    r = reg_new(call, obj, args->event_id, false);
    if (args->obj) {
        r->filter = true;
        if (obj == QD_EV_NODEDEV)
            r->name = qd_strdup(((const struct qd_nodedev_ref *) args->obj)->name);
        else   /* networks and pools: {name, uuid} */
            memcpy(r->uuid, ((const struct qd_net_ref *) args->obj)->uuid, 16);
    }
    if ((id = add_reg(events_of(call), r, err)) < 0)
        return -1;
    ((struct qd_w_int *) ret)->v = id;
    return 0;
}

int
qd_events_h_object_deregister(struct qd_call *call, const void *a, void *ret,
                              struct qd_err *err)
{
    int id = ((const struct qd_w_int *) a)->v;
    const char *what = call->proc->num == 314 ? "network" :
                       call->proc->num == 369 ? "storage pool" :
                       call->proc->num == 375 ? "node device" : "secret";

    if (call->proc->num == 381)
        return qd_err_report(err, QD_ERR_NO_SUPPORT, QD_FROM_SECRET, "%s",
                             call->proc->api);
    if (!remove_reg(events_of(call), call->client, pick_callback, id, 0))
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_RPC,
                             "%s event callback %d not registered", what, id);
    return 0;
}
