/* Events, as drivers raise them. A driver describes a change (which object,
 * what happened) and hands it to qd_event_emit(), usually while still
 * holding its own lock so that events keep the order of the changes. The
 * call only queues: matching registrations, encoding and sending happen on
 * the server's loop, never under a driver lock and never on a worker. */
#ifndef QD_DRIVERS_EVENT_H
#define QD_DRIVERS_EVENT_H

#include <stdint.h>

enum qd_event_obj {
    QD_EV_DOMAIN,
    QD_EV_NETWORK,
    QD_EV_POOL,
    QD_EV_NODEDEV,
    QD_EV_SECRET,
};

/* Event IDs (libvirt's public values per object kind). */
#define QD_EV_DOMAIN_LIFECYCLE 0
#define QD_EV_DOMAIN_REBOOT 1
#define QD_EV_DOMAIN_METADATA_CHANGE 23
#define QD_EV_DOMAIN_ID_LAST 27
#define QD_EV_NETWORK_LIFECYCLE 0
#define QD_EV_NETWORK_ID_LAST 1
#define QD_EV_POOL_LIFECYCLE 0
#define QD_EV_POOL_REFRESH 1
#define QD_EV_POOL_ID_LAST 2
#define QD_EV_NODEDEV_LIFECYCLE 0
#define QD_EV_NODEDEV_UPDATE 1
#define QD_EV_NODEDEV_ID_LAST 2
#define QD_EV_SECRET_ID_LAST 2

struct qd_event {
    struct qd_event *next;
    enum qd_event_obj obj;
    int event_id;
    char *name;                 /* object name (node device: its name) */
    unsigned char uuid[16];     /* domain, network, pool */
    int id;                     /* domain id, -1 when inactive */
    int event, detail;          /* lifecycle */
    int mtype;                  /* metadata change: virDomainMetadataType */
    char *uri;                  /* metadata change: namespace, or NULL */
};

typedef void (*qd_event_sink)(struct qd_event *ev, void *opaque);

/* Any thread: queue @ev for delivery. Takes @ev. Dropped (freed) when no
 * sink is set. */
void qd_event_emit(struct qd_event *ev);
void qd_event_free(struct qd_event *ev);
/* The server installs its sink once at start-up (NULL to remove). */
void qd_event_set_sink(qd_event_sink sink, void *opaque);

void qd_event_domain_lifecycle(const char *name, const unsigned char *uuid,
                               int id, int event, int detail);
void qd_event_domain_reboot(const char *name, const unsigned char *uuid,
                            int id);
void qd_event_domain_metadata(const char *name, const unsigned char *uuid,
                              int id, int type, const char *uri);
void qd_event_network_lifecycle(const char *name, const unsigned char *uuid,
                                int event, int detail);
void qd_event_pool_lifecycle(const char *name, const unsigned char *uuid,
                             int event, int detail);
void qd_event_pool_refresh(const char *name, const unsigned char *uuid);
void qd_event_nodedev_lifecycle(const char *name, int event, int detail);

#endif
