/* What happens when QEMU tells us something: QMP events, monitor EOF and
 * process exit, handled per domain in arrival order on a handler thread.
 *
 * The loop only queues (qd_qemu_event_push); a domain with queued items
 * has exactly one handler thread draining them, started on demand and
 * gone when the queue is empty. So a QEMU that floods events or a handler
 * waiting for a domain's job never holds up the loop or other domains. */
#define QD_LOG_MODULE "qemu.events"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "drivers/event.h"
#include "drivers/qemu/qemu_monitor.h"
#include "drivers/qemu/qemu_process.h"
#include "drivers/qemu/qemu_process_priv.h"
#include "util/err.h"
#include "util/log.h"
#include "util/mem.h"

struct qd_qevent {
    struct qd_qevent *next;
    enum qd_qev_kind kind;
    unsigned gen;
    char *name;
    json_object *data;
};

static pthread_mutex_t handlers_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t handlers_cond = PTHREAD_COND_INITIALIZER;
static unsigned handlers;

static void
qevent_free(struct qd_qevent *ev)
{
    free(ev->name);
    if (ev->data)
        json_object_put(ev->data);
    free(ev);
}

static bool
streq(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

static void
emit(struct qd_qdom *dom, int event, int detail)
{
    qd_event_domain_lifecycle(dom->def->name, dom->def->uuid, dom->id, event,
                              detail);
}

static void
save_status(struct qd_qdom *dom)
{
    struct qd_err err = QD_ERR_INIT;

    if (qd_qemu_process_save_status(dom, &err) < 0)
        QD_WARN("domain '%s': %s", dom->def->name, err.message);
    qd_err_clear(&err);
}

/* dom->lock held: the guest (or QEMU) powered off; QEMU is stopped
 * (-no-shutdown) and waits for us. */
static void
on_shutdown(struct qd_qdom *dom, json_object *data)
{
    struct qd_err err = QD_ERR_INIT;
    json_object *v;
    bool guest = false, reset = false;
    const char *action;

    if (data && json_object_object_get_ex(data, "guest", &v))
        guest = json_object_get_boolean(v);
    /* on_reboot='destroy': QEMU turns the guest's reboot into this */
    if (data && json_object_object_get_ex(data, "reason", &v))
        reset = streq(json_object_get_string(v), "guest-reset");
    if (dom->state != QD_DOM_SHUTDOWN) {
        dom->state = QD_DOM_SHUTDOWN;
        dom->reason = QD_SHUTDOWN_USER;
        emit(dom, QD_EV_SHUTDOWN, guest ? 1 : 2);
    }
    if (dom->fake_reboot) {
        /* virDomainReboot by ACPI: reset and go on instead of stopping */
        dom->fake_reboot = false;
        if (qd_qdom_job_begin(dom, "DomainReboot", &err) == 0) {
            if (qd_qemu_process_qmp(dom, "system_reset", NULL, NULL,
                                    &err) == 0 &&
                qd_qemu_process_qmp(dom, "cont", NULL, NULL, &err) == 0 &&
                qd_qdom_is_active(dom)) {
                dom->state = QD_DOM_RUNNING;
                dom->reason = QD_RUNNING_BOOTED;
                emit(dom, QD_EV_RESUMED, 0);
                save_status(dom);
            }
            qd_qdom_job_end(dom);
        }
        if (qd_err_is_set(&err))
            QD_WARN("domain '%s': reboot failed: %s", dom->def->name,
                    err.message);
        qd_err_clear(&err);
        return;
    }
    action = reset ? dom->def->on_reboot :
             guest ? dom->def->on_poweroff : "destroy";
    dom->restart_on_exit = streq(action, "restart");
    if (qd_qemu_process_kill(dom, false, QD_SHUTOFF_SHUTDOWN,
                             QD_STOPPED_SHUTDOWN, &err) < 0)
        QD_WARN("domain '%s': %s", dom->def->name, err.message);
    qd_err_clear(&err);
}

static void
on_panic(struct qd_qdom *dom)
{
    struct qd_err err = QD_ERR_INIT;
    const char *action = dom->def->on_crash;

    dom->state = QD_DOM_CRASHED;
    dom->reason = QD_CRASHED_PANICKED;
    emit(dom, QD_EV_CRASHED, 0);
    save_status(dom);
    if (streq(action, "preserve"))
        return;
    dom->restart_on_exit = streq(action, "restart") ||
                           streq(action, "coredump-restart");
    if (qd_qemu_process_kill(dom, false, QD_SHUTOFF_CRASHED,
                             QD_STOPPED_CRASHED, &err) < 0)
        QD_WARN("domain '%s': %s", dom->def->name, err.message);
    qd_err_clear(&err);
}

/* dom->lock held, domain inactive: on_poweroff/on_crash = restart. */
static void
restart(struct qd_qdom *dom)
{
    struct qd_err err = QD_ERR_INIT;

    if (qd_qdom_job_begin(dom, "DomainCreate", &err) == 0) {
        (void) qd_qemu_process_start(dom, false, &err);
        qd_qdom_job_end(dom);
    }
    if (qd_err_is_set(&err))
        QD_WARN("domain '%s': restart failed: %s", dom->def->name,
                err.message);
    qd_err_clear(&err);
}

static void
on_qmp(struct qd_qdom *dom, const char *name, json_object *data)
{
    if (streq(name, "STOP")) {
        if (dom->state == QD_DOM_RUNNING && !dom->starting) {
            dom->state = QD_DOM_PAUSED;
            dom->reason = dom->pause_reason;
            emit(dom, QD_EV_SUSPENDED, 0);
            save_status(dom);
        }
        dom->pause_reason = QD_PAUSED_UNKNOWN;
    } else if (streq(name, "RESUME")) {
        if (dom->state == QD_DOM_PAUSED && !dom->starting) {
            dom->state = QD_DOM_RUNNING;
            dom->reason = QD_RUNNING_UNPAUSED;
            emit(dom, QD_EV_RESUMED, 0);
            save_status(dom);
        }
    } else if (streq(name, "SHUTDOWN")) {
        /* a destroy (SIGTERM) makes QEMU report a host shutdown: the
         * destroy reports the stop itself */
        if (!dom->starting && !dom->stopping)
            on_shutdown(dom, data);
    } else if (streq(name, "RESET")) {
        if (!dom->starting)
            qd_event_domain_reboot(dom->def->name, dom->def->uuid, dom->id);
    } else if (streq(name, "GUEST_PANICKED")) {
        on_panic(dom);
    } else {
        QD_DEBUG("domain '%s': QMP event %s", dom->def->name, name);
    }
}

static void
handle(struct qd_qdom *dom, struct qd_qevent *ev)
{
    bool was_shutdown, crashed, again;

    pthread_mutex_lock(&dom->lock);
    if (ev->gen != dom->gen || !qd_qdom_is_active(dom))
        goto out;
    switch (ev->kind) {
    case QD_QEV_QMP:
        on_qmp(dom, ev->name, ev->data);
        break;
    case QD_QEV_EOF:
        /* the exit (pidfd) decides what happened; a monitor that ends
         * while QEMU lives is unusable: calls fail instead of hanging */
        if (dom->mon && !dom->starting) {
            qd_qmp_close(dom->mon);
            dom->mon = NULL;
        }
        break;
    case QD_QEV_EXIT:
        if (dom->starting || dom->stopping)
            break;              /* start's or kill's own path cleans up */
        was_shutdown = dom->state == QD_DOM_SHUTDOWN;
        crashed = dom->state == QD_DOM_CRASHED;
        again = dom->restart_on_exit;
        dom->restart_on_exit = false;
        if (was_shutdown)
            qd_qemu_process_cleanup(dom, QD_SHUTOFF_SHUTDOWN,
                                    QD_STOPPED_SHUTDOWN);
        else if (crashed)
            qd_qemu_process_cleanup(dom, QD_SHUTOFF_CRASHED,
                                    QD_STOPPED_CRASHED);
        else
            /* libvirt-compat: an exit nobody asked for is a failure */
            qd_qemu_process_cleanup(dom, QD_SHUTOFF_CRASHED,
                                    QD_STOPPED_FAILED);
        if (again && dom->persistent && !dom->removed)
            restart(dom);
        goto out;
    }
    /* a kill from a SHUTDOWN/panic handler may ask for a restart */
    if (!qd_qdom_is_active(dom) && dom->restart_on_exit) {
        dom->restart_on_exit = false;
        if (dom->persistent && !dom->removed)
            restart(dom);
    }
out:
    pthread_mutex_unlock(&dom->lock);
}

static void *
handler_main(void *opaque)
{
    struct qd_qdom *dom = opaque;

    for (;;) {
        struct qd_qevent *ev;

        pthread_mutex_lock(&dom->evlock);
        if (!(ev = dom->evq_head)) {
            dom->ev_running = false;
            pthread_mutex_unlock(&dom->evlock);
            break;
        }
        dom->evq_head = ev->next;
        if (!dom->evq_head)
            dom->evq_tail = NULL;
        pthread_mutex_unlock(&dom->evlock);
        handle(dom, ev);
        qevent_free(ev);
    }
    qd_qdom_unref(dom);
    pthread_mutex_lock(&handlers_lock);
    handlers--;
    pthread_cond_broadcast(&handlers_cond);
    pthread_mutex_unlock(&handlers_lock);
    return NULL;
}

void
qd_qemu_event_push(struct qd_qdom *dom, enum qd_qev_kind kind, unsigned gen,
                   const char *name, json_object *data)
{
    struct qd_qevent *ev = QD_NEW(struct qd_qevent);
    pthread_attr_t attr;
    pthread_t tid;
    bool start = false;

    ev->kind = kind;
    ev->gen = gen;
    ev->name = name ? qd_strdup(name) : NULL;
    ev->data = data ? json_object_get(data) : NULL;
    pthread_mutex_lock(&dom->evlock);
    if (dom->evq_tail)
        dom->evq_tail->next = ev;
    else
        dom->evq_head = ev;
    dom->evq_tail = ev;
    if (!dom->ev_running)
        start = dom->ev_running = true;
    pthread_mutex_unlock(&dom->evlock);
    if (!start)
        return;

    pthread_mutex_lock(&handlers_lock);
    handlers++;
    pthread_mutex_unlock(&handlers_lock);
    qd_qdom_ref(dom);
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&tid, &attr, handler_main, dom) != 0) {
        QD_ERROR("domain '%s': cannot start an event handler thread",
                 dom->def->name);
        pthread_mutex_lock(&dom->evlock);
        dom->ev_running = false;
        pthread_mutex_unlock(&dom->evlock);
        qd_qdom_unref(dom);
        pthread_mutex_lock(&handlers_lock);
        handlers--;
        pthread_mutex_unlock(&handlers_lock);
    }
    pthread_attr_destroy(&attr);
}

void
qd_qemu_process_drain(void)
{
    struct timespec end;

    clock_gettime(CLOCK_REALTIME, &end);
    end.tv_sec += 10;
    pthread_mutex_lock(&handlers_lock);
    while (handlers > 0 &&
           pthread_cond_timedwait(&handlers_cond, &handlers_lock, &end) == 0)
        ;
    if (handlers > 0)
        QD_WARN("%u QEMU event handlers still running at shutdown",
                handlers);
    pthread_mutex_unlock(&handlers_lock);
}

/* Free queued items of a domain at shutdown (no handler runs). */
void qd_qemu_events_forget(struct qd_qdom *dom);

void
qd_qemu_events_forget(struct qd_qdom *dom)
{
    pthread_mutex_lock(&dom->evlock);
    while (dom->evq_head) {
        struct qd_qevent *ev = dom->evq_head;

        dom->evq_head = ev->next;
        qevent_free(ev);
    }
    dom->evq_tail = NULL;
    pthread_mutex_unlock(&dom->evlock);
}
