/* The QEMU driver's lifecycle calls: define, undefine, start, create,
 * destroy, shutdown, reboot, reset, suspend, resume, autostart. Each takes
 * the domain's job for as long as it changes the domain. */
#define QD_LOG_MODULE "qemu.lifecycle"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drivers/event.h"
#include "drivers/qemu/qemu_driver.h"
#include "drivers/qemu/qemu_host.h"
#include "drivers/qemu/qemu_process.h"
#include "util/err.h"
#include "util/file.h"
#include "util/log.h"
#include "util/mem.h"

#define START_PAUSED 1u

static int
check_flags(unsigned flags, unsigned allowed, const char *fn,
            struct qd_err *err)
{
    if (flags & ~allowed)
        return qd_err_report(err, QD_ERR_INVALID_ARG, QD_FROM_QEMU,
                             "unsupported flags (0x%x) in function %s",
                             flags & ~allowed, fn);
    return 0;
}

static void
emit(const struct qd_qdom *dom, int event, int detail)
{
    qd_event_domain_lifecycle(dom->def->name, dom->def->uuid, dom->id, event,
                              detail);
}

/* The QEMU driver's post-parse and validation of a new definition. */
static struct qd_dom_def *
parse_def(const char *xml, struct qd_err *err)
{
    struct qd_dom_def *def = qd_dom_def_parse(xml, err);
    const char *emu, *machine;

    if (!def)
        return NULL;
    qd_qemu_wait_host();
    emu = qd_qemu_host_emulator();
    if (!def->virt_type || (strcmp(def->virt_type, "qemu") != 0 &&
                            strcmp(def->virt_type, "kvm") != 0)) {
        /* libvirt-compat: virQEMUCapsCacheLookupDefault's text */
        qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_QEMU,
                      "Emulator '%s' does not support virt type '%s'",
                      def->emulator ? def->emulator : emu,
                      def->virt_type ? def->virt_type : "");
        goto fail;
    }
    if (!def->os_arch)
        def->os_arch = qd_strdup("x86_64");
    if (!def->emulator)
        def->emulator = qd_strdup(emu);
    if (!(machine = qd_qemu_host_canonical_machine(def->os_machine))) {
        qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_QEMU,
                      "Emulator '%s' does not support machine type '%s'",
                      def->emulator, def->os_machine ? def->os_machine : "");
        goto fail;
    }
    if (!def->os_machine || strcmp(def->os_machine, machine) != 0) {
        free(def->os_machine);
        def->os_machine = qd_strdup(machine);
    }
    return def;

fail:
    qd_dom_def_free(def);
    return NULL;
}

int
qd_qemu_domain_define_xml(struct qd_conn *conn, const char *xml,
                          unsigned flags, struct qd_dom_ref *ret,
                          struct qd_err *err)
{
    struct qd_dom_def *def;
    struct qd_qdom *dom;
    bool existed;

    /* VALIDATE (1) is accepted: the parser always validates */
    if (check_flags(flags, 1, "qemuDomainDefineXMLFlags", err) < 0 ||
        !(def = parse_def(xml, err)))
        return -1;
    /* the list checks name and uuid clashes before anything is written */
    if (!(dom = qd_qdom_add(def, &existed, err)))
        return -1;
    /* the answer goes out only once the config is safely on disk */
    if (qd_qemu_save_config(existed ? dom->newdef : dom->def, err) < 0) {
        if (existed) {
            qd_dom_def_free(dom->newdef);
            dom->newdef = NULL;
        } else {
            qd_qdom_remove_locked(dom);
        }
        qd_qdom_put(dom);
        return -1;
    }
    if (existed && !qd_qdom_is_active(dom)) {
        qd_dom_def_free(dom->def);
        dom->def = dom->newdef;
        dom->newdef = NULL;
    }
    dom->persistent = true;
    emit(dom, QD_EV_DEFINED, existed ? 1 : 0);
    qd_qdom_fill_ref(dom, ret);
    qd_qdom_put(dom);
    return 0;
}

int
qd_qemu_domain_undefine(struct qd_conn *conn, const struct qd_dom_ref *ref,
                        unsigned flags, struct qd_err *err)
{
    _cleanup_free_ char *cfg = NULL, *ap = NULL;
    struct qd_qdom *dom;

    if (check_flags(flags, 0x7f, "qemuDomainUndefineFlags", err) < 0 ||
        !(dom = qd_qdom_find_ref(ref, err)))
        return -1;
    if (qd_qdom_job_begin(dom, "DomainUndefine", err) < 0)
        goto out;
    if (!dom->persistent) {
        qd_err_report(err, QD_ERR_OPERATION_INVALID, QD_FROM_QEMU, "%s",
                      "cannot undefine transient domain");
        goto endjob;
    }
    cfg = qd_qemu_config_path(dom->def->name);
    ap = qd_qemu_autostart_path(dom->def->name);
    if (unlink(ap) < 0 && errno != ENOENT) {
        qd_err_sys(err, QD_ERR_OPERATION_FAILED, QD_FROM_QEMU, errno,
                   "Failed to delete autostart link '%s'", ap);
        goto endjob;
    }
    if (qd_file_remove(cfg) < 0) {
        qd_err_sys(err, QD_ERR_OPERATION_FAILED, QD_FROM_QEMU, errno,
                   "cannot remove config %s", cfg);
        goto endjob;
    }
    dom->autostart = false;
    emit(dom, QD_EV_UNDEFINED, 0);
    if (qd_qdom_is_active(dom)) {
        dom->persistent = false;
        qd_dom_def_free(dom->newdef);
        dom->newdef = NULL;
    } else {
        qd_qdom_remove_locked(dom);
    }
endjob:
    qd_qdom_job_end(dom);
out:
    qd_qdom_put(dom);
    return qd_err_is_set(err) ? -1 : 0;
}

int
qd_qemu_domain_create(struct qd_conn *conn, const struct qd_dom_ref *ref,
                      unsigned flags, struct qd_dom_ref *ret,
                      struct qd_err *err)
{
    struct qd_qdom *dom;
    int rc = -1;

    if (check_flags(flags, 0x1f, "qemuDomainCreateWithFlags", err) < 0 ||
        !(dom = qd_qdom_find_ref(ref, err)))
        return -1;
    if (qd_qdom_job_begin(dom, "DomainCreate", err) == 0) {
        rc = qd_qemu_process_start(dom, flags & START_PAUSED, err);
        qd_qdom_job_end(dom);
    }
    if (rc == 0 && ret)
        qd_qdom_fill_ref(dom, ret);
    qd_qdom_put(dom);
    return rc;
}

int
qd_qemu_domain_create_xml(struct qd_conn *conn, const char *xml,
                          unsigned flags, struct qd_dom_ref *ret,
                          struct qd_err *err)
{
    struct qd_dom_def *def, *config = NULL;
    struct qd_qdom *dom;
    bool existed;
    int rc = -1;

    if (check_flags(flags, 0x3f & ~2u, "qemuDomainCreateXML", err) < 0 ||
        !(def = parse_def(xml, err)))
        return -1;
    if (!(dom = qd_qdom_add(def, &existed, err)))
        return -1;
    if (qd_qdom_job_begin(dom, "DomainCreateXML", err) < 0)
        goto out;
    if (existed) {
        if (qd_qdom_is_active(dom)) {
            qd_err_report(err, QD_ERR_OPERATION_INVALID, QD_FROM_QEMU,
                          "domain '%s' is already active", dom->def->name);
            qd_dom_def_free(dom->newdef);
            dom->newdef = NULL;
            goto endjob;
        }
        /* an inactive persistent domain runs this def; its config
         * stays for the next start */
        config = dom->def;
        dom->def = dom->newdef;
        dom->newdef = NULL;
    }
    rc = qd_qemu_process_start(dom, flags & START_PAUSED, err);
    if (config) {
        if (rc == 0) {
            qd_dom_def_free(dom->newdef);
            dom->newdef = config;
        } else {
            qd_dom_def_free(dom->def);
            dom->def = config;
        }
    } else if (rc < 0 && !existed) {
        qd_qdom_remove_locked(dom);
    }
endjob:
    qd_qdom_job_end(dom);
out:
    if (rc == 0)
        qd_qdom_fill_ref(dom, ret);
    qd_qdom_put(dom);
    return rc;
}

int
qd_qemu_domain_destroy(struct qd_conn *conn, const struct qd_dom_ref *ref,
                       unsigned flags, struct qd_err *err)
{
    struct qd_qdom *dom;
    int rc;

    if (check_flags(flags, 1, "qemuDomainDestroyFlags", err) < 0 ||
        !(dom = qd_qdom_find_ref(ref, err)))
        return -1;
    /* libvirt-compat: destroy does not queue behind the running job: it
     * kills QEMU, which makes any monitor call of that job fail */
    if (!qd_qdom_is_active(dom) || dom->stopping)
        rc = qd_qdom_err_not_active(err);
    else
        rc = qd_qemu_process_kill(dom, flags & 1, QD_SHUTOFF_DESTROYED,
                                  QD_STOPPED_DESTROYED, err);
    qd_qdom_put(dom);
    return rc;
}

/* Run one QMP command on a running domain under its job. */
static int
simple_qmp(const struct qd_dom_ref *ref, const char *api, const char *cmd,
           bool need_running, struct qd_qdom **ret_dom, struct qd_err *err)
{
    struct qd_qdom *dom;
    int rc = -1;

    if (!(dom = qd_qdom_find_ref(ref, err)))
        return -1;
    if (qd_qdom_job_begin(dom, api, err) < 0)
        goto out;
    if (!qd_qdom_is_active(dom) ||
        (need_running && dom->state != QD_DOM_RUNNING))
        qd_qdom_err_not_active(err);
    else
        rc = qd_qemu_process_qmp(dom, cmd, NULL, NULL, err);
    qd_qdom_job_end(dom);
out:
    if (ret_dom && rc == 0)
        *ret_dom = dom;
    else
        qd_qdom_put(dom);
    return rc;
}

int
qd_qemu_domain_shutdown(struct qd_conn *conn, const struct qd_dom_ref *ref,
                        unsigned flags, struct qd_err *err)
{
    /* ACPI (1) is what qemud does; the default means the same */
    if (flags & ~1u)
        return qd_err_report(err, QD_ERR_ARGUMENT_UNSUPPORTED, QD_FROM_QEMU,
                             "%s", "only the ACPI shutdown method is "
                             "supported");
    return simple_qmp(ref, "DomainShutdown", "system_powerdown", true, NULL,
                      err);
}

int
qd_qemu_domain_reboot(struct qd_conn *conn, const struct qd_dom_ref *ref,
                      unsigned flags, struct qd_err *err)
{
    struct qd_qdom *dom;
    int rc = -1;

    if (flags & ~1u)
        return qd_err_report(err, QD_ERR_ARGUMENT_UNSUPPORTED, QD_FROM_QEMU,
                             "%s", "only the ACPI reboot method is "
                             "supported");
    if (!(dom = qd_qdom_find_ref(ref, err)))
        return -1;
    if (qd_qdom_job_begin(dom, "DomainReboot", err) < 0)
        goto out;
    if (!qd_qdom_is_active(dom) || dom->state != QD_DOM_RUNNING) {
        qd_qdom_err_not_active(err);
    } else {
        /* the guest powers off; the SHUTDOWN handler resets it */
        dom->fake_reboot = true;
        rc = qd_qemu_process_qmp(dom, "system_powerdown", NULL, NULL, err);
        if (rc < 0)
            dom->fake_reboot = false;
    }
    qd_qdom_job_end(dom);
out:
    qd_qdom_put(dom);
    return rc;
}

int
qd_qemu_domain_reset(struct qd_conn *conn, const struct qd_dom_ref *ref,
                     unsigned flags, struct qd_err *err)
{
    if (check_flags(flags, 0, "qemuDomainReset", err) < 0)
        return -1;
    return simple_qmp(ref, "DomainReset", "system_reset", false, NULL, err);
}

int
qd_qemu_domain_suspend(struct qd_conn *conn, const struct qd_dom_ref *ref,
                       struct qd_err *err)
{
    struct qd_qdom *dom;
    int rc = -1;

    if (!(dom = qd_qdom_find_ref(ref, err)))
        return -1;
    if (qd_qdom_job_begin(dom, "DomainSuspend", err) < 0)
        goto out;
    if (!qd_qdom_is_active(dom)) {
        qd_qdom_err_not_active(err);
    } else if (dom->state == QD_DOM_PAUSED) {
        rc = 0;
    } else {
        dom->pause_reason = QD_PAUSED_USER;
        rc = qd_qemu_process_qmp(dom, "stop", NULL, NULL, err);
        if (rc == 0 && qd_qdom_is_active(dom) &&
            dom->state == QD_DOM_RUNNING) {
            /* the STOP event may not have been handled yet */
            dom->state = QD_DOM_PAUSED;
            dom->reason = QD_PAUSED_USER;
            emit(dom, QD_EV_SUSPENDED, 0);
            (void) qd_qemu_process_save_status(dom, err);
            qd_err_clear(err);
        }
    }
    qd_qdom_job_end(dom);
out:
    qd_qdom_put(dom);
    return rc;
}

int
qd_qemu_domain_resume(struct qd_conn *conn, const struct qd_dom_ref *ref,
                      struct qd_err *err)
{
    struct qd_qdom *dom;
    int rc = -1;

    if (!(dom = qd_qdom_find_ref(ref, err)))
        return -1;
    if (qd_qdom_job_begin(dom, "DomainResume", err) < 0)
        goto out;
    if (!qd_qdom_is_active(dom)) {
        qd_qdom_err_not_active(err);
    } else if (dom->state != QD_DOM_PAUSED &&
               dom->state != QD_DOM_CRASHED) {
        rc = 0;
    } else {
        rc = qd_qemu_process_qmp(dom, "cont", NULL, NULL, err);
        if (rc == 0 && qd_qdom_is_active(dom) &&
            dom->state != QD_DOM_RUNNING) {
            dom->state = QD_DOM_RUNNING;
            dom->reason = QD_RUNNING_UNPAUSED;
            emit(dom, QD_EV_RESUMED, 0);
            (void) qd_qemu_process_save_status(dom, err);
            qd_err_clear(err);
        }
    }
    qd_qdom_job_end(dom);
out:
    qd_qdom_put(dom);
    return rc;
}

int
qd_qemu_domain_set_autostart(struct qd_conn *conn,
                             const struct qd_dom_ref *ref, bool on,
                             struct qd_err *err)
{
    _cleanup_free_ char *ap = NULL, *target = NULL;
    struct qd_qdom *dom;
    int rc = 0;

    if (!(dom = qd_qdom_find_ref(ref, err)))
        return -1;
    if (!dom->persistent) {
        rc = qd_err_report(err, QD_ERR_OPERATION_INVALID, QD_FROM_QEMU,
                           "%s", "cannot set autostart for transient domain");
        goto out;
    }
    if (dom->autostart == on)
        goto out;
    ap = qd_qemu_autostart_path(dom->def->name);
    target = qd_qemu_config_path(dom->def->name);
    if (on) {
        if (symlink(target, ap) < 0 && errno != EEXIST)
            rc = qd_err_sys(err, QD_ERR_OPERATION_FAILED, QD_FROM_QEMU,
                            errno, "Failed to create symlink '%s' to '%s'",
                            ap, target);
    } else if (unlink(ap) < 0 && errno != ENOENT) {
        rc = qd_err_sys(err, QD_ERR_OPERATION_FAILED, QD_FROM_QEMU, errno,
                        "Failed to delete symlink '%s'", ap);
    }
    if (rc == 0)
        dom->autostart = on;
out:
    qd_qdom_put(dom);
    return rc;
}
