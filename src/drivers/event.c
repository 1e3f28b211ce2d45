/* Event construction and the hand-off to the server's sink. */
#include "drivers/event.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

static pthread_mutex_t sink_lock = PTHREAD_MUTEX_INITIALIZER;
static qd_event_sink sink_fn;      /* sink_lock */
static void *sink_opaque;

void
qd_event_set_sink(qd_event_sink sink, void *opaque)
{
    pthread_mutex_lock(&sink_lock);
    sink_fn = sink;
    sink_opaque = opaque;
    pthread_mutex_unlock(&sink_lock);
}

void
qd_event_free(struct qd_event *ev)
{
    if (!ev)
        return;
    free(ev->name);
    free(ev->uri);
    free(ev);
}

void
qd_event_emit(struct qd_event *ev)
{
    pthread_mutex_lock(&sink_lock);
    if (sink_fn) {
        /* the sink only queues; calling it under sink_lock keeps it from
         * being removed under us */
        sink_fn(ev, sink_opaque);
        ev = NULL;
    }
    pthread_mutex_unlock(&sink_lock);
    qd_event_free(ev);
}

static struct qd_event *
event_new(enum qd_event_obj obj, int event_id, const char *name,
          const unsigned char *uuid)
{
    struct qd_event *ev = QD_NEW(struct qd_event);

    ev->obj = obj;
    ev->event_id = event_id;
    ev->name = qd_strdup(name);
    if (uuid)
        memcpy(ev->uuid, uuid, sizeof(ev->uuid));
    ev->id = -1;
    return ev;
}

void
qd_event_domain_lifecycle(const char *name, const unsigned char *uuid, int id,
                          int event, int detail)
{
    struct qd_event *ev = event_new(QD_EV_DOMAIN, QD_EV_DOMAIN_LIFECYCLE,
                                    name, uuid);

    ev->id = id;
    ev->event = event;
    ev->detail = detail;
    qd_event_emit(ev);
}

void
qd_event_domain_metadata(const char *name, const unsigned char *uuid, int id,
                         int type, const char *uri)
{
    struct qd_event *ev = event_new(QD_EV_DOMAIN,
                                    QD_EV_DOMAIN_METADATA_CHANGE, name, uuid);

    ev->id = id;
    ev->mtype = type;
    ev->uri = qd_strdup(uri);
    qd_event_emit(ev);
}

void
qd_event_domain_reboot(const char *name, const unsigned char *uuid, int id)
{
    struct qd_event *ev = event_new(QD_EV_DOMAIN, QD_EV_DOMAIN_REBOOT, name,
                                    uuid);

    ev->id = id;
    qd_event_emit(ev);
}

void
qd_event_network_lifecycle(const char *name, const unsigned char *uuid,
                           int event, int detail)
{
    struct qd_event *ev = event_new(QD_EV_NETWORK, QD_EV_NETWORK_LIFECYCLE,
                                    name, uuid);

    ev->event = event;
    ev->detail = detail;
    qd_event_emit(ev);
}

void
qd_event_pool_lifecycle(const char *name, const unsigned char *uuid,
                        int event, int detail)
{
    struct qd_event *ev = event_new(QD_EV_POOL, QD_EV_POOL_LIFECYCLE, name,
                                    uuid);

    ev->event = event;
    ev->detail = detail;
    qd_event_emit(ev);
}

void
qd_event_pool_refresh(const char *name, const unsigned char *uuid)
{
    qd_event_emit(event_new(QD_EV_POOL, QD_EV_POOL_REFRESH, name, uuid));
}

void
qd_event_nodedev_lifecycle(const char *name, int event, int detail)
{
    struct qd_event *ev = event_new(QD_EV_NODEDEV, QD_EV_NODEDEV_LIFECYCLE,
                                    name, NULL);

    ev->event = event;
    ev->detail = detail;
    qd_event_emit(ev);
}
