/* virsh qemu-monitor-command: a QMP (or HMP) command passed to QEMU as
 * given. Runs under the domain's job like any other monitor user. */
#define QD_LOG_MODULE "qemu.monitor_cmd"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "drivers/qemu/qemu_driver.h"
#include "drivers/qemu/qemu_monitor.h"
#include "drivers/qemu/qemu_process.h"
#include "util/err.h"
#include "util/log.h"
#include "util/mem.h"

#define MONITOR_HMP 1u
#define PASSTHROUGH_TIMEOUT_MS 30000

/* dom->lock and the job held: send @cmd as is; drops the lock while
 * waiting. */
static char *
passthrough(struct qd_qdom *dom, const char *cmd, bool hmp,
            struct qd_err *err)
{
    struct qd_qmp *mon = dom->mon;
    _cleanup_free_ char *wrapped = NULL;
    char *reply = NULL;
    int rc;

    if (!mon) {
        qd_err_report(err, QD_ERR_OPERATION_INVALID, QD_FROM_QEMU, "%s",
                      "monitor must not be NULL");
        return NULL;
    }
    if (hmp) {
        json_object *o = json_object_new_object(), *a = json_object_new_object();

        json_object_object_add(o, "execute",
                               json_object_new_string("human-monitor-command"));
        json_object_object_add(a, "command-line", json_object_new_string(cmd));
        json_object_object_add(o, "arguments", a);
        wrapped = qd_strdup(json_object_to_json_string_ext(o,
                                                           JSON_C_TO_STRING_PLAIN));
        json_object_put(o);
    }
    qd_qmp_ref(mon);            /* a destroy may close dom->mon meanwhile */
    pthread_mutex_unlock(&dom->lock);
    rc = qd_qmp_command_raw(mon, hmp ? wrapped : cmd, &reply,
                            PASSTHROUGH_TIMEOUT_MS, err);
    qd_qmp_unref(mon);
    pthread_mutex_lock(&dom->lock);
    if (rc < 0)
        return NULL;
    if (hmp) {
        /* HMP answers text: the "return" string, as libvirt gives it */
        json_object *r = json_tokener_parse(reply), *v;
        char *text = NULL;

        if (r && json_object_object_get_ex(r, "return", &v) &&
            json_object_is_type(v, json_type_string))
            text = qd_strdup(json_object_get_string(v));
        else if (r && json_object_object_get_ex(r, "error", &v) &&
                 json_object_object_get_ex(v, "desc", &v))
            qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_QEMU,
                          "unable to execute QEMU command "
                          "'human-monitor-command': %s",
                          json_object_get_string(v));
        else
            qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_QEMU, "%s",
                          "human monitor command was missing return data");
        if (r)
            json_object_put(r);
        free(reply);
        return text;
    }
    return reply;
}

char *
qd_qemu_domain_qemu_monitor_command(struct qd_conn *conn,
                                    const struct qd_dom_ref *ref,
                                    const char *cmd, unsigned flags,
                                    struct qd_err *err)
{
    struct qd_qdom *dom;
    char *ret = NULL;

    if (flags & ~MONITOR_HMP)
        return qd_err_report(err, QD_ERR_INVALID_ARG, QD_FROM_QEMU,
                             "unsupported flags (0x%x) in function %s",
                             flags & ~MONITOR_HMP,
                             "qemuDomainQemuMonitorCommand"), NULL;
    if (!(dom = qd_qdom_find_ref(ref, err)))
        return NULL;
    if (qd_qdom_job_begin(dom, "QemuMonitorCommand", err) == 0) {
        if (!qd_qdom_is_active(dom))
            qd_qdom_err_not_active(err);
        else
            ret = passthrough(dom, cmd, flags & MONITOR_HMP, err);
        qd_qdom_job_end(dom);
    }
    if (ret)
        QD_INFO("domain '%s' tainted: custom monitor command", dom->def->name);
    qd_qdom_put(dom);
    return ret;
}
