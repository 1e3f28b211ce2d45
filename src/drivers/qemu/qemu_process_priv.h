/* Shared between the QEMU driver's process files. */
#ifndef QD_DRIVERS_QEMU_QEMU_PROCESS_PRIV_H
#define QD_DRIVERS_QEMU_QEMU_PROCESS_PRIV_H

#include <json-c/json.h>
#include <sys/types.h>

#include "drivers/qemu/qemu_domain.h"

struct qd_qmp;

enum qd_qev_kind {
    QD_QEV_QMP,                 /* a QMP event */
    QD_QEV_EOF,                 /* the monitor connection ended */
    QD_QEV_EXIT,                /* the process is gone */
};

/* Any thread (usually the loop): queue something that happened to @dom
 * during its start number @gen; handled in order on a handler thread.
 * @name/@data: the QMP event (data borrowed; a reference is taken). */
void qd_qemu_event_push(struct qd_qdom *dom, enum qd_qev_kind kind,
                        unsigned gen, const char *name, json_object *data);

int qd_qemu_pidfd_open(pid_t pid);
/* /proc/PID/stat's start time (field 22), 0 if unknown. */
unsigned long long qd_qemu_proc_starttime(pid_t pid);
/* dom->lock held: watch dom->pidfd on the loop. */
int qd_qemu_watch(struct qd_qdom *dom, struct qd_err *err);
/* At shutdown, loop stopped: free the watch without the loop. */
void qd_qemu_watch_forget(struct qd_qdom *dom);
/* dom->lock held (dropped while waiting): open dom's QMP monitor. */
struct qd_qmp *qd_qemu_connect_monitor(struct qd_qdom *dom, int timeout_ms,
                                       struct qd_err *err);
/* dom->lock and the job held: record the pty QEMU gave each serial port
 * (query-chardev) in the live def. */
int qd_qemu_read_ptys(struct qd_qdom *dom, struct qd_err *err);
/* Remove run/qemu/NAME.{xml,pid,monitor}. */
void qd_qemu_remove_run_files(const char *name);
/* run/qemu/NAME.EXT */
char *qd_qemu_run_path(const char *name, const char *ext);

#endif
