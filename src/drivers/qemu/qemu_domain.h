/* The QEMU driver's domain objects, their list, and per-domain jobs.
 *
 * Locking (docs/architecture.md, "The QEMU driver"): the list's lock is
 * held only to find, add or remove an object; a found object comes back
 * referenced and locked. An operation that changes a domain (start,
 * destroy, suspend, ...) takes the domain's *job* (bounded wait) and may
 * drop dom->lock while it talks to QEMU, so queries (info, XML, list)
 * never wait behind a slow or stuck QEMU: they only take dom->lock, which
 * nobody holds across I/O. */
#ifndef QD_DRIVERS_QEMU_QEMU_DOMAIN_H
#define QD_DRIVERS_QEMU_QEMU_DOMAIN_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "conf/domain_conf.h"
#include "drivers/driver.h"

struct qd_qmp;
struct qd_stream;

/* virDomainState and the reasons qemud sets */
enum {
    QD_DOM_NOSTATE = 0, QD_DOM_RUNNING = 1, QD_DOM_BLOCKED = 2,
    QD_DOM_PAUSED = 3, QD_DOM_SHUTDOWN = 4, QD_DOM_SHUTOFF = 5,
    QD_DOM_CRASHED = 6, QD_DOM_PMSUSPENDED = 7,
};

/* virDomainEventType and the details qemud emits */
enum {
    QD_EV_DEFINED = 0, QD_EV_UNDEFINED = 1, QD_EV_STARTED = 2,
    QD_EV_SUSPENDED = 3, QD_EV_RESUMED = 4, QD_EV_STOPPED = 5,
    QD_EV_SHUTDOWN = 6, QD_EV_PMSUSPENDED = 7, QD_EV_CRASHED = 8,
};
/* shutoff reasons (virDomainShutoffReason) = STOPPED details + 1 */
enum {
    QD_SHUTOFF_UNKNOWN = 0, QD_SHUTOFF_SHUTDOWN = 1, QD_SHUTOFF_DESTROYED = 2,
    QD_SHUTOFF_CRASHED = 3, QD_SHUTOFF_FAILED = 6, QD_SHUTOFF_DAEMON = 8,
};
enum {
    QD_STOPPED_SHUTDOWN = 0, QD_STOPPED_DESTROYED = 1, QD_STOPPED_CRASHED = 2,
    QD_STOPPED_FAILED = 5, QD_STOPPED_NONE = -1,     /* no event */
};
enum {
    QD_RUNNING_UNKNOWN = 0, QD_RUNNING_BOOTED = 1, QD_RUNNING_UNPAUSED = 5,
    QD_PAUSED_UNKNOWN = 0, QD_PAUSED_USER = 1, QD_PAUSED_SHUTTING_DOWN = 8,
    QD_PAUSED_STARTING_UP = 11,
    QD_SHUTDOWN_USER = 1, QD_CRASHED_PANICKED = 1,
};

struct qd_qevent;
struct qd_pwatch;

/* One domain. Fields under "lock" are read and written with dom->lock
 * held; the job fields too. */
struct qd_qdom {
    pthread_mutex_t lock;
    pthread_cond_t job_cond;
    int refs;                       /* atomic */

    /* lock */
    struct qd_dom_def *def;         /* running: the live def; else the
                                     * persistent one */
    struct qd_dom_def *newdef;      /* running and persistent: the config
                                     * for the next start, or NULL = def */
    bool persistent;
    bool autostart;
    bool removed;                   /* no longer in the list */
    int id;                         /* -1 when inactive */
    int state, reason;
    pid_t pid;                      /* 0 when inactive */
    int pidfd;                      /* -1 when inactive */
    unsigned long long starttime;   /* /proc/PID/stat field 22 */
    struct qd_qmp *mon;             /* NULL when inactive or broken */
    unsigned gen;                   /* bumped per start: stale callbacks
                                     * compare it */
    bool starting;                  /* between spawn and the end of start */
    bool stopping;                  /* destroy/cleanup under way */
    bool fake_reboot;               /* reboot asked: reset on SHUTDOWN */
    int pause_reason;               /* for the next STOP event */
    char **serial_ptys;             /* running: pty path per <serial> */
    size_t nserial_ptys;
    struct qd_stream *console;      /* the open console session */
    bool is_child;                  /* QEMU is qemud's child: reap it */
    bool restart_on_exit;           /* on_poweroff/on_crash = restart */
    struct qd_pwatch *watch;        /* the loop's pidfd watch */

    /* QMP events and exits, in order, for the handler thread (evlock) */
    pthread_mutex_t evlock;
    struct qd_qevent *evq_head, *evq_tail;
    bool ev_running;

    /* job (lock) */
    bool job;                       /* a modifying operation is running */
    const char *job_owner;          /* its API name, for the timeout error */
};

/* The driver's state: paths and the list. */
struct qd_qemu_driver {
    struct qd_loop *loop;
    char *config_dir;               /* etc/qemu */
    char *autostart_dir;            /* etc/qemu/autostart */
    char *state_dir;                /* run/qemu */
    char *log_dir;                  /* log/qemu */
    char *lib_dir;                  /* lib/qemu */
    bool privileged;

    pthread_mutex_t lock;           /* the list and next_id */
    struct qd_qdom **doms;
    size_t ndoms, cap;
    int next_id;
};

extern struct qd_qemu_driver *qd_qemu_drv;

struct qd_qdom *qd_qdom_new(struct qd_dom_def *def);
struct qd_qdom *qd_qdom_ref(struct qd_qdom *dom);
void qd_qdom_unref(struct qd_qdom *dom);
/* Unlock and unref; accepts NULL. */
void qd_qdom_put(struct qd_qdom *dom);

/* Lookups return the domain referenced and locked, or NULL with libvirt's
 * "no domain" error set (code 42, domain QEMU) naming what was asked. */
struct qd_qdom *qd_qdom_find_name(const char *name, struct qd_err *err);
struct qd_qdom *qd_qdom_find_uuid(const unsigned char *uuid,
                                  struct qd_err *err);
struct qd_qdom *qd_qdom_find_id(int id, struct qd_err *err);
/* By a wire handle (uuid first, as libvirt's drivers do). */
struct qd_qdom *qd_qdom_find_ref(const struct qd_dom_ref *ref,
                                 struct qd_err *err);
/* Add @def as a new domain, or replace the definition of the one with
 * the same name and uuid. Checks name/uuid clashes with libvirt's texts.
 * Takes @def. Returns the domain referenced and locked; *@ret_old tells
 * whether it existed before. */
struct qd_qdom *qd_qdom_add(struct qd_dom_def *def, bool *ret_existed,
                            struct qd_err *err);
/* Lock held: drop @dom from the list (it stays alive while referenced). */
void qd_qdom_remove_locked(struct qd_qdom *dom);
/* Snapshot of the list: referenced (unlocked) domains; free with
 * qd_qdom_list_free. */
struct qd_qdom **qd_qdom_list(size_t *ret_n);
void qd_qdom_list_free(struct qd_qdom **list, size_t n);

/* dom->lock held: wait (at most QD_QEMU_JOB_WAIT_MS) for the job and take
 * it for @api; drops and retakes dom->lock while waiting. Fails with
 * libvirt's "cannot acquire state change lock" timeout error. */
int qd_qdom_job_begin(struct qd_qdom *dom, const char *api,
                      struct qd_err *err);
/* The same with a wait of at most @wait_ms (0: fail at once when the job
 * is taken), for queries that would rather give up than queue. */
int qd_qdom_job_begin_wait(struct qd_qdom *dom, const char *api, int wait_ms,
                           struct qd_err *err);
void qd_qdom_job_end(struct qd_qdom *dom);
#define QD_QEMU_JOB_WAIT_MS 30000

/* dom->lock held: fill a wire handle. */
void qd_qdom_fill_ref(const struct qd_qdom *dom, struct qd_dom_ref *ref);
bool qd_qdom_is_active(const struct qd_qdom *dom);
/* dom->lock held: does @dom pass the list filters in @flags
 * (virConnectListAllDomainsFlags; qd_dom_list_match)? */
bool qd_qdom_list_match(const struct qd_qdom *dom, unsigned flags);
/* dom->lock held: the persistent definition (newdef or def). */
const struct qd_dom_def *qd_qdom_persistent_def(const struct qd_qdom *dom);

/* Common errors, with libvirt's codes and texts. */
int qd_qdom_err_not_active(struct qd_err *err);
int qd_qdom_err_active(struct qd_err *err);

#endif
