/* Runtime status of running domains (run/qemu/NAME.xml) and reconnecting
 * to their QEMU after a daemon restart.
 *
 * The status file is written atomically whenever a running domain's state
 * changes: <domstatus state= reason= pid= starttime= id=> around the live
 * domain XML. On start-up every status file is read back; the QEMU it
 * names is adopted only if its pid still runs the same process (start
 * time and "-name guest=NAME" on its command line). */
#define QD_LOG_MODULE "qemu.status"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "drivers/qemu/qemu_monitor.h"
#include "drivers/qemu/qemu_process.h"
#include "drivers/qemu/qemu_process_priv.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/file.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/xml.h"

#define RECONNECT_QMP_TIMEOUT_MS 10000

int
qd_qemu_process_save_status(struct qd_qdom *dom, struct qd_err *err)
{
    _cleanup_free_ char *path = qd_qemu_run_path(dom->def->name, "xml");
    _cleanup_free_ char *xml = NULL;
    struct qd_buf b = { 0 };
    int rc;

    if (!qd_qdom_is_active(dom))
        return 0;
    xml = qd_dom_def_format(dom->def, dom->id, QD_DOM_XML_SECURE);
    qd_buf_printf(&b, "<domstatus state='%d' reason='%d' pid='%d' "
                  "starttime='%llu' id='%d'>\n%s</domstatus>\n",
                  dom->state, dom->reason, (int) dom->pid, dom->starttime,
                  dom->id, xml);
    rc = qd_file_write_atomic(path, (const char *) b.data, b.len, 0600, QD_FROM_QEMU, err);
    qd_buf_clear(&b);
    return rc;
}

static long long
attr_num(xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *) name);
    long long r = -1;

    if (v) {
        r = strtoll((const char *) v, NULL, 10);
        xmlFree(v);
    }
    return r;
}

/* Is @pid the QEMU of domain @name started at @starttime? */
static bool
same_process(pid_t pid, unsigned long long starttime, const char *name)
{
    char path[64];
    _cleanup_free_ char *cmd = NULL;
    _cleanup_free_ char *want = qd_asprintf("guest=%s,", name);
    size_t len, i;

    if (pid <= 0 || qd_qemu_proc_starttime(pid) != starttime)
        return false;
    snprintf(path, sizeof(path), "/proc/%d/cmdline", (int) pid);
    if (!(cmd = qd_file_read_all(path, 1 << 20, &len)))
        return false;
    for (i = 0; i < len; i++)
        if (cmd[i] == '\0')
            cmd[i] = '\n';
    /* the -name value: commas in the name are doubled by the argv
     * builder; a plain match is good enough to reject another process */
    return strstr(cmd, want) != NULL || strstr(cmd, name) != NULL;
}

/* Parse a status file: the live def and the recorded fields. */
static struct qd_dom_def *
parse_status(const char *path, int *state, int *reason, pid_t *pid,
             unsigned long long *starttime, int *id)
{
    _cleanup_free_ char *text = qd_file_read_all(path, 16 << 20, NULL);
    struct qd_err err = QD_ERR_INIT;
    struct qd_dom_def *def = NULL;
    xmlDocPtr doc;
    xmlNodePtr root, n;

    if (!text)
        return NULL;
    if (!(doc = qd_xml_read(text, path, false, QD_FROM_QEMU, &err))) {
        QD_WARN("%s: %s", path, err.message);
        qd_err_clear(&err);
        return NULL;
    }
    root = xmlDocGetRootElement(doc);
    if (root && xmlStrcmp(root->name, (const xmlChar *) "domstatus") == 0) {
        *state = (int) attr_num(root, "state");
        *reason = (int) attr_num(root, "reason");
        *pid = (pid_t) attr_num(root, "pid");
        *starttime = (unsigned long long) attr_num(root, "starttime");
        *id = (int) attr_num(root, "id");
        for (n = root->children; n; n = n->next) {
            xmlBufferPtr xb;

            if (n->type != XML_ELEMENT_NODE ||
                xmlStrcmp(n->name, (const xmlChar *) "domain") != 0)
                continue;
            xb = xmlBufferCreate();
            if (xmlNodeDump(xb, doc, n, 0, 0) > 0)
                def = qd_dom_def_load((const char *) xmlBufferContent(xb),
                                      &err);
            xmlBufferFree(xb);
            break;
        }
    }
    xmlFreeDoc(doc);
    if (!def && qd_err_is_set(&err))
        QD_WARN("%s: %s", path, err.message);
    qd_err_clear(&err);
    return def;
}

struct qd_qdom *
qd_qemu_process_adopt(const char *status_path)
{
    struct qd_qemu_driver *drv = qd_qemu_drv;
    struct qd_err err = QD_ERR_INIT;
    struct qd_dom_def *live;
    struct qd_qdom *dom;
    unsigned long long starttime = 0;
    int state = 0, reason = 0, id = -1, pidfd;
    pid_t pid = 0;
    bool existed;

    if (!(live = parse_status(status_path, &state, &reason, &pid,
                              &starttime, &id))) {
        QD_WARN("cannot use status file %s", status_path);
        return NULL;
    }
    if (!same_process(pid, starttime, live->name) ||
        (pidfd = qd_qemu_pidfd_open(pid)) < 0) {
        QD_INFO("domain '%s': QEMU %d is gone; marking it shut off",
                live->name, (int) pid);
        qd_qemu_remove_run_files(live->name);
        qd_dom_def_free(live);
        return NULL;
    }

    if (!(dom = qd_qdom_add(live, &existed, &err))) {
        QD_WARN("domain from %s: %s", status_path, err.message);
        qd_err_clear(&err);
        (void) close(pidfd);
        return NULL;
    }
    if (existed) {
        /* persistent: the config stays for the next start */
        struct qd_dom_def *cfg = dom->def;

        dom->def = dom->newdef;
        dom->newdef = cfg;
    }
    dom->pid = pid;
    dom->pidfd = pidfd;
    dom->starttime = starttime;
    dom->is_child = false;
    dom->gen++;
    dom->starting = true;
    dom->id = id;
    dom->state = state > 0 ? state : QD_DOM_RUNNING;
    dom->reason = reason >= 0 ? reason : 0;
    /* held until reattach: changes wait, queries answer from the file */
    dom->job = true;
    dom->job_owner = "Reconnect";
    pthread_mutex_lock(&drv->lock);
    if (drv->next_id <= id)
        drv->next_id = id + 1;
    pthread_mutex_unlock(&drv->lock);
    if (qd_qemu_watch(dom, &err) < 0) {
        QD_WARN("domain '%s': %s", dom->def->name, err.message);
        qd_err_clear(&err);
    }
    pthread_mutex_unlock(&dom->lock);
    return dom;
}

void
qd_qemu_process_reattach(struct qd_qdom *dom)
{
    struct qd_err err = QD_ERR_INIT;
    json_object *st = NULL, *v;

    pthread_mutex_lock(&dom->lock);
    if (!qd_qdom_is_active(dom))
        goto out;
    if (!(dom->mon = qd_qemu_connect_monitor(dom, RECONNECT_QMP_TIMEOUT_MS,
                                             &err)) ||
        qd_qemu_process_qmp(dom, "query-status", NULL, &st, &err) < 0 ||
        qd_qemu_read_ptys(dom, &err) < 0) {
        /* libvirt-compat: a QEMU that cannot be managed again is killed
         * rather than left running unmanaged */
        QD_WARN("domain '%s': cannot reconnect to QEMU %d: %s",
                dom->def->name, (int) dom->pid, err.message);
        qd_err_clear(&err);
        dom->starting = false;
        if (qd_qdom_is_active(dom) &&
            qd_qemu_process_kill(dom, false, QD_SHUTOFF_FAILED,
                                 QD_STOPPED_FAILED, &err) < 0)
            qd_err_clear(&err);
        goto out;
    }
    if (json_object_object_get_ex(st, "status", &v)) {
        const char *s = json_object_get_string(v);

        if (strcmp(s, "running") == 0) {
            if (dom->state != QD_DOM_RUNNING) {
                dom->state = QD_DOM_RUNNING;
                dom->reason = QD_RUNNING_UNPAUSED;
            }
        } else if (strcmp(s, "shutdown") == 0) {
            dom->state = QD_DOM_SHUTDOWN;
            dom->reason = QD_SHUTDOWN_USER;
        } else if (strcmp(s, "guest-panicked") == 0) {
            dom->state = QD_DOM_CRASHED;
            dom->reason = QD_CRASHED_PANICKED;
        } else if (dom->state == QD_DOM_RUNNING) {
            dom->state = QD_DOM_PAUSED;
            dom->reason = QD_PAUSED_UNKNOWN;
        }
    }
    json_object_put(st);
    dom->starting = false;
    if (dom->state == QD_DOM_SHUTDOWN) {
        /* the guest powered off while qemud was away: finish the job */
        if (qd_qemu_process_kill(dom, false, QD_SHUTOFF_SHUTDOWN,
                                 QD_STOPPED_SHUTDOWN, &err) < 0)
            qd_err_clear(&err);
        goto out;
    }
    if (qd_qemu_process_save_status(dom, &err) < 0) {
        QD_WARN("domain '%s': %s", dom->def->name, err.message);
        qd_err_clear(&err);
    }
    QD_INFO("domain '%s': reconnected to QEMU %d", dom->def->name,
            (int) dom->pid);
out:
    dom->starting = false;
    qd_qdom_job_end(dom);
    qd_qdom_put(dom);
}
