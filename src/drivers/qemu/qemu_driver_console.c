/* The QEMU driver's streams: the serial console (a pty QEMU opened) and
 * screenshots (QMP screendump into a file that is streamed back). */
#define QD_LOG_MODULE "qemu.console"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <json-c/json.h>

#include "drivers/qemu/qemu_driver.h"
#include "drivers/qemu/qemu_process.h"
#include "rpc/stream.h"
#include "util/err.h"
#include "util/mem.h"

#define CONSOLE_FORCE 1u
#define CONSOLE_SAFE 2u

/* The character device @name names ("serial0", "console0", NULL: the
 * first console, else the first serial port), or NULL. */
static const struct qd_dom_chr *
find_chr(const struct qd_dom_def *def, const char *name)
{
    size_t i;
    char alias[32];

    if (!name)
        return def->nconsoles ? def->consoles[0] :
               def->nserials ? def->serials[0] : NULL;
    for (i = 0; i < def->nconsoles; i++) {
        snprintf(alias, sizeof(alias), "console%zu", i);
        if (strcmp(name, alias) == 0)
            return def->consoles[i];
    }
    for (i = 0; i < def->nserials; i++) {
        snprintf(alias, sizeof(alias), "serial%zu", i);
        if (strcmp(name, alias) == 0)
            return def->serials[i];
    }
    return NULL;
}

int
qd_qemu_domain_open_console(struct qd_conn *conn,
                            const struct qd_dom_ref *ref,
                            const char *dev_name, unsigned flags,
                            struct qd_stream *st, struct qd_err *err)
{
    const struct qd_dom_chr *chr;
    struct termios tio;
    struct qd_qdom *dom;
    int fd = -1, rc = -1;

    if (flags & ~(CONSOLE_FORCE | CONSOLE_SAFE))
        return qd_err_report(err, QD_ERR_INVALID_ARG, QD_FROM_QEMU,
                             "unsupported flags (0x%x) in function %s",
                             flags & ~(CONSOLE_FORCE | CONSOLE_SAFE),
                             "qemuDomainOpenConsole");
    if (!(dom = qd_qdom_find_ref(ref, err)))
        return -1;
    /* a short job: waits for a start or a reattach to know the ptys */
    if (qd_qdom_job_begin(dom, "DomainOpenConsole", err) < 0)
        goto out_nojob;
    if (!qd_qdom_is_active(dom)) {
        qd_qdom_err_not_active(err);
        goto out;
    }
    if (!(chr = find_chr(dom->def, dev_name))) {
        qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_QEMU,
                      "cannot find character device %s",
                      dev_name ? dev_name : "<null>");
        goto out;
    }
    if (strcmp(chr->type, "pty") != 0 || !chr->path) {
        qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_QEMU,
                      "character device %s is not using a PTY",
                      dev_name ? dev_name : "console0");
        goto out;
    }
    if (dom->console && !qd_stream_is_closed(dom->console)) {
        if (!(flags & CONSOLE_FORCE)) {
            qd_err_report(err, QD_ERR_OPERATION_FAILED, QD_FROM_QEMU, "%s",
                          "Active console session exists for this domain");
            goto out;
        }
        qd_stream_abort(dom->console);
    }
    if (dom->console) {
        qd_stream_unref(dom->console);
        dom->console = NULL;
    }
    if ((fd = open(chr->path, O_RDWR | O_NOCTTY | O_NONBLOCK |
                   O_CLOEXEC)) < 0) {
        qd_err_sys(err, QD_ERR_SYSTEM_ERROR, QD_FROM_QEMU, errno,
                   "Unable to open '%s'", chr->path);
        goto out;
    }
    /* raw bytes both ways, as a serial line */
    if (tcgetattr(fd, &tio) == 0) {
        cfmakeraw(&tio);
        (void) tcsetattr(fd, TCSANOW, &tio);
    }
    if (qd_stream_set_fd(st, fd, QD_STREAM_DUPLEX, err) < 0)
        goto out;
    dom->console = qd_stream_ref(st);
    rc = 0;
out:
    qd_qdom_job_end(dom);
out_nojob:
    qd_qdom_put(dom);
    return rc;
}

char *
qd_qemu_domain_screenshot(struct qd_conn *conn, const struct qd_dom_ref *ref,
                          unsigned screen, unsigned flags,
                          struct qd_stream *st, struct qd_err *err)
{
    _cleanup_free_ char *path = NULL;
    struct qd_qdom *dom;
    json_object *args;
    char *mime = NULL;
    int fd = -1;

    if (flags)
        return qd_err_report(err, QD_ERR_INVALID_ARG, QD_FROM_QEMU,
                             "unsupported flags (0x%x) in function %s",
                             flags, "qemuDomainScreenshot"), NULL;
    if (!(dom = qd_qdom_find_ref(ref, err)))
        return NULL;
    if (qd_qdom_job_begin(dom, "DomainScreenshot", err) < 0)
        goto out;
    if (!qd_qdom_is_active(dom)) {
        qd_qdom_err_not_active(err);
        goto endjob;
    }
    if (!dom->def->nvideos) {
        qd_err_report(err, QD_ERR_OPERATION_INVALID, QD_FROM_QEMU, "%s",
                      "no screens to take screenshot from");
        goto endjob;
    }
    if (screen >= dom->def->nvideos) {
        qd_err_report(err, QD_ERR_INVALID_ARG, QD_FROM_QEMU,
                      "No screen with index %u", screen);
        goto endjob;
    }
    path = qd_asprintf("%s/qemu.screendump.%s.XXXXXX", qd_qemu_drv->lib_dir,
                       dom->def->name);
    if ((fd = mkostemp(path, O_CLOEXEC)) < 0) {
        qd_err_sys(err, QD_ERR_OPERATION_FAILED, QD_FROM_QEMU, errno,
                   "cannot create file '%s'", path);
        goto endjob;
    }
    args = json_object_new_object();
    json_object_object_add(args, "filename", json_object_new_string(path));
    json_object_object_add(args, "format", json_object_new_string("png"));
    if (qd_qemu_process_qmp(dom, "screendump", args, NULL, err) < 0)
        goto endjob;
    /* QEMU replaced the file: stream what is there now */
    (void) close(fd);
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
        qd_err_sys(err, QD_ERR_OPERATION_FAILED, QD_FROM_QEMU, errno,
                   "unable to open %s", path);
        goto endjob;
    }
    if (qd_stream_set_fd(st, fd, QD_STREAM_SOURCE, err) == 0)
        mime = qd_strdup("image/png");
    fd = -1;
endjob:
    if (fd >= 0)
        (void) close(fd);
    if (path)
        (void) unlink(path);
    qd_qdom_job_end(dom);
out:
    qd_qdom_put(dom);
    return mime;
}
