/* The QEMU driver's domain list, objects and jobs (see qemu_domain.h). */
#define QD_LOG_MODULE "qemu.domain"

#include "drivers/qemu/qemu_domain.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "drivers/qemu/qemu_monitor.h"
#include "util/err.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/uuid.h"

struct qd_qemu_driver *qd_qemu_drv;

struct qd_qdom *
qd_qdom_new(struct qd_dom_def *def)
{
    struct qd_qdom *dom = QD_NEW(struct qd_qdom);
    pthread_condattr_t ca;

    pthread_mutex_init(&dom->lock, NULL);
    pthread_mutex_init(&dom->evlock, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&dom->job_cond, &ca);
    pthread_condattr_destroy(&ca);
    dom->refs = 1;
    dom->def = def;
    dom->id = -1;
    dom->pidfd = -1;
    dom->state = QD_DOM_SHUTOFF;
    dom->reason = 0;            /* VIR_DOMAIN_SHUTOFF_UNKNOWN */
    return dom;
}

struct qd_qdom *
qd_qdom_ref(struct qd_qdom *dom)
{
    __atomic_add_fetch(&dom->refs, 1, __ATOMIC_RELAXED);
    return dom;
}

static void
free_ptys(struct qd_qdom *dom)
{
    size_t i;

    for (i = 0; i < dom->nserial_ptys; i++)
        free(dom->serial_ptys[i]);
    free(dom->serial_ptys);
    dom->serial_ptys = NULL;
    dom->nserial_ptys = 0;
}

void
qd_qdom_unref(struct qd_qdom *dom)
{
    if (!dom || __atomic_sub_fetch(&dom->refs, 1, __ATOMIC_ACQ_REL) > 0)
        return;
    qd_dom_def_free(dom->def);
    qd_dom_def_free(dom->newdef);
    free_ptys(dom);
    if (dom->pidfd >= 0)
        (void) close(dom->pidfd);
    pthread_cond_destroy(&dom->job_cond);
    pthread_mutex_destroy(&dom->evlock);
    pthread_mutex_destroy(&dom->lock);
    free(dom);
}

void
qd_qdom_put(struct qd_qdom *dom)
{
    if (!dom)
        return;
    pthread_mutex_unlock(&dom->lock);
    qd_qdom_unref(dom);
}

/* ---- lookup ------------------------------------------------------------ */

/* Driver lock held: the index of the domain matching, or -1. */
static ssize_t
find_locked(const char *name, const unsigned char *uuid, int id)
{
    struct qd_qemu_driver *drv = qd_qemu_drv;
    size_t i;

    for (i = 0; i < drv->ndoms; i++) {
        const struct qd_qdom *d = drv->doms[i];

        /* def is replaced only under the driver lock too (qd_qdom_add)
         * or for a running domain's id, which the driver lock orders */
        if (name && strcmp(d->def->name, name) == 0)
            return (ssize_t) i;
        if (uuid && memcmp(d->def->uuid, uuid, QD_UUID_LEN) == 0)
            return (ssize_t) i;
        if (id >= 0 && d->id == id)
            return (ssize_t) i;
    }
    return -1;
}

/* Reference and lock what find_locked found; NULL when nothing. */
static struct qd_qdom *
grab(const char *name, const unsigned char *uuid, int id)
{
    struct qd_qemu_driver *drv = qd_qemu_drv;
    struct qd_qdom *dom = NULL;
    ssize_t i;

    pthread_mutex_lock(&drv->lock);
    if ((i = find_locked(name, uuid, id)) >= 0)
        dom = qd_qdom_ref(drv->doms[i]);
    pthread_mutex_unlock(&drv->lock);
    if (!dom)
        return NULL;
    pthread_mutex_lock(&dom->lock);
    if (dom->removed || (id >= 0 && dom->id != id)) {
        qd_qdom_put(dom);
        return NULL;
    }
    return dom;
}

struct qd_qdom *
qd_qdom_find_name(const char *name, struct qd_err *err)
{
    struct qd_qdom *dom = grab(name, NULL, -1);

    if (!dom)
        qd_err_report(err, QD_ERR_NO_DOMAIN, QD_FROM_QEMU,
                      "no domain with matching name '%s'", name);
    return dom;
}

struct qd_qdom *
qd_qdom_find_uuid(const unsigned char *uuid, struct qd_err *err)
{
    struct qd_qdom *dom = grab(NULL, uuid, -1);
    char s[QD_UUID_STRLEN];

    if (!dom) {
        qd_uuid_format(uuid, s);
        qd_err_report(err, QD_ERR_NO_DOMAIN, QD_FROM_QEMU,
                      "no domain with matching uuid '%s'", s);
    }
    return dom;
}

struct qd_qdom *
qd_qdom_find_id(int id, struct qd_err *err)
{
    struct qd_qdom *dom = id >= 0 ? grab(NULL, NULL, id) : NULL;

    if (!dom)
        qd_err_report(err, QD_ERR_NO_DOMAIN, QD_FROM_QEMU,
                      "no domain with matching id %d", id);
    return dom;
}

struct qd_qdom *
qd_qdom_find_ref(const struct qd_dom_ref *ref, struct qd_err *err)
{
    struct qd_qdom *dom = grab(NULL, ref->uuid, -1);
    char s[QD_UUID_STRLEN];

    if (!dom) {
        qd_uuid_format(ref->uuid, s);
        /* libvirt-compat: qemuDomainObjFromDomain's text */
        qd_err_report(err, QD_ERR_NO_DOMAIN, QD_FROM_QEMU,
                      "no domain with matching uuid '%s' (%s)", s,
                      ref->name ? ref->name : "");
    }
    return dom;
}

/* ---- add / remove ------------------------------------------------------ */

struct qd_qdom *
qd_qdom_add(struct qd_dom_def *def, bool *ret_existed, struct qd_err *err)
{
    struct qd_qemu_driver *drv = qd_qemu_drv;
    struct qd_qdom *dom;
    char s[QD_UUID_STRLEN];
    ssize_t i;

    pthread_mutex_lock(&drv->lock);
    if ((i = find_locked(NULL, def->uuid, -1)) >= 0) {
        dom = drv->doms[i];
        if (strcmp(dom->def->name, def->name) != 0) {
            qd_uuid_format(def->uuid, s);
            qd_err_report(err, QD_ERR_OPERATION_FAILED, QD_FROM_DOMAIN,
                          "domain '%s' is already defined with uuid %s",
                          dom->def->name, s);
            pthread_mutex_unlock(&drv->lock);
            qd_dom_def_free(def);
            return NULL;
        }
        qd_qdom_ref(dom);
        pthread_mutex_unlock(&drv->lock);
        pthread_mutex_lock(&dom->lock);
        *ret_existed = true;
        /* the caller decides what the new def replaces (it may be
         * running): hand it over in newdef */
        qd_dom_def_free(dom->newdef);
        dom->newdef = def;
        return dom;
    }
    if ((i = find_locked(def->name, NULL, -1)) >= 0) {
        qd_uuid_format(drv->doms[i]->def->uuid, s);
        qd_err_report(err, QD_ERR_OPERATION_FAILED, QD_FROM_DOMAIN,
                      "domain '%s' already exists with uuid %s", def->name,
                      s);
        pthread_mutex_unlock(&drv->lock);
        qd_dom_def_free(def);
        return NULL;
    }
    dom = qd_qdom_new(def);
    if (drv->ndoms == drv->cap) {
        drv->cap = drv->cap ? drv->cap * 2 : 16;
        drv->doms = qd_realloc(drv->doms, drv->cap * sizeof(*drv->doms));
    }
    drv->doms[drv->ndoms++] = qd_qdom_ref(dom);
    pthread_mutex_lock(&dom->lock);
    pthread_mutex_unlock(&drv->lock);
    *ret_existed = false;
    return dom;
}

void
qd_qdom_remove_locked(struct qd_qdom *dom)
{
    struct qd_qemu_driver *drv = qd_qemu_drv;
    size_t i;

    if (dom->removed)
        return;
    dom->removed = true;
    pthread_mutex_lock(&drv->lock);
    for (i = 0; i < drv->ndoms; i++) {
        if (drv->doms[i] == dom) {
            memmove(&drv->doms[i], &drv->doms[i + 1],
                    (drv->ndoms - i - 1) * sizeof(*drv->doms));
            drv->ndoms--;
            break;
        }
    }
    pthread_mutex_unlock(&drv->lock);
    qd_qdom_unref(dom);         /* the list's reference */
}

struct qd_qdom **
qd_qdom_list(size_t *ret_n)
{
    struct qd_qemu_driver *drv = qd_qemu_drv;
    struct qd_qdom **list;
    size_t i;

    pthread_mutex_lock(&drv->lock);
    list = qd_calloc(drv->ndoms ? drv->ndoms : 1, sizeof(*list));
    for (i = 0; i < drv->ndoms; i++)
        list[i] = qd_qdom_ref(drv->doms[i]);
    *ret_n = drv->ndoms;
    pthread_mutex_unlock(&drv->lock);
    return list;
}

void
qd_qdom_list_free(struct qd_qdom **list, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        qd_qdom_unref(list[i]);
    free(list);
}

/* ---- jobs -------------------------------------------------------------- */

int
qd_qdom_job_begin(struct qd_qdom *dom, const char *api, struct qd_err *err)
{
    return qd_qdom_job_begin_wait(dom, api, QD_QEMU_JOB_WAIT_MS, err);
}

int
qd_qdom_job_begin_wait(struct qd_qdom *dom, const char *api, int wait_ms,
                       struct qd_err *err)
{
    struct timespec deadline;
    int rc = 0;

    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += wait_ms / 1000;
    deadline.tv_nsec += (long) (wait_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    while (dom->job && wait_ms > 0 && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&dom->job_cond, &dom->lock, &deadline);
    if (dom->job)
        return qd_err_report(err, QD_ERR_OPERATION_TIMEOUT, QD_FROM_QEMU,
                             "cannot acquire state change lock (held by "
                             "monitor=remoteDispatch%s)",
                             dom->job_owner ? dom->job_owner : "Unknown");
    if (dom->removed)
        return qd_err_report(err, QD_ERR_NO_DOMAIN, QD_FROM_QEMU,
                             "no domain with matching uuid '%s'",
                             dom->def->name);
    dom->job = true;
    dom->job_owner = api;
    return 0;
}

void
qd_qdom_job_end(struct qd_qdom *dom)
{
    dom->job = false;
    dom->job_owner = NULL;
    pthread_cond_broadcast(&dom->job_cond);
}

/* ---- small helpers ----------------------------------------------------- */

void
qd_qdom_fill_ref(const struct qd_qdom *dom, struct qd_dom_ref *ref)
{
    ref->name = qd_strdup(dom->def->name);
    memcpy(ref->uuid, dom->def->uuid, QD_UUID_LEN);
    ref->id = dom->id;
}

bool
qd_qdom_is_active(const struct qd_qdom *dom)
{
    return dom->id >= 0;
}

bool
qd_qdom_list_match(const struct qd_qdom *dom, unsigned flags)
{
    struct qd_dom_list_facts facts = {
        .active = qd_qdom_is_active(dom), .persistent = dom->persistent,
        .autostart = dom->autostart, .state = dom->state,
    };

    return qd_dom_list_match(&facts, flags);
}

const struct qd_dom_def *
qd_qdom_persistent_def(const struct qd_qdom *dom)
{
    return dom->newdef ? dom->newdef : dom->def;
}

int
qd_qdom_err_not_active(struct qd_err *err)
{
    return qd_err_report(err, QD_ERR_OPERATION_INVALID, QD_FROM_QEMU, "%s",
                         "domain is not running");
}

int
qd_qdom_err_active(struct qd_err *err)
{
    return qd_err_report(err, QD_ERR_OPERATION_INVALID, QD_FROM_QEMU, "%s",
                         "domain is already running");
}
