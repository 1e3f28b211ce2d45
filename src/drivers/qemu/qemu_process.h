/* QEMU processes: start, stop, watch, reconnect, and what QMP events do.
 *
 * A started QEMU runs in its own session (setsid), so stopping qemud
 * never stops a guest. qemud watches each QEMU with a pidfd on the event
 * loop, whether it is qemud's child or was found again after a restart.
 * Everything the loop learns (QMP events, exit) is queued per domain and
 * handled in order on a short-lived handler thread, never on the loop. */
#ifndef QD_DRIVERS_QEMU_QEMU_PROCESS_H
#define QD_DRIVERS_QEMU_QEMU_PROCESS_H

#include <stdbool.h>

#include <json-c/json.h>

#include "drivers/qemu/qemu_domain.h"

/* dom->lock and the job held: start QEMU for dom->def (which becomes the
 * live def), connect QMP, and run the CPUs unless @paused. Drops and
 * retakes dom->lock while waiting. On failure nothing is left behind
 * (process, sockets, run files) and @err quotes QEMU's log. Emits the
 * started (and suspended) events. */
int qd_qemu_process_start(struct qd_qdom *dom, bool paused,
                          struct qd_err *err);

/* dom->lock held (the job need not be): kill QEMU (SIGTERM, then SIGKILL
 * after a bounded wait; only SIGTERM when @graceful) and clean up with
 * shutoff reason @reason and a STOPPED event with @detail. Drops and
 * retakes dom->lock while waiting. Returns 0, or -1 (graceful and still
 * alive) with @err set. */
int qd_qemu_process_kill(struct qd_qdom *dom, bool graceful, int reason,
                         int detail, struct qd_err *err);

/* dom->lock held, QEMU gone (or never started): forget the process and
 * make the domain inactive; emits STOPPED @detail. Idempotent per start. */
void qd_qemu_process_cleanup(struct qd_qdom *dom, int reason, int detail);

/* dom->lock and the job held: run a QMP command on a running domain,
 * dropping dom->lock while it waits. @args taken. */
int qd_qemu_process_qmp(struct qd_qdom *dom, const char *cmd,
                        struct json_object *args, struct json_object **ret,
                        struct qd_err *err);

/* Start-up thread, step 1 (no QMP, fast): re-adopt the QEMU described
 * by run/qemu/NAME.xml if its pid is still that QEMU: the domain is
 * listed with the recorded state, watched, and its job is held.
 * Returns it (referenced, unlocked), or NULL (file unusable, or QEMU gone:
 * run files removed). */
struct qd_qdom *qd_qemu_process_adopt(const char *status_path);
/* Step 2 (any thread): reattach QMP, resync the state, end the job; a
 * QEMU that cannot be reattached is killed. Takes the reference. */
void qd_qemu_process_reattach(struct qd_qdom *dom);

/* Any thread: write dom's status file (dom->lock held). */
int qd_qemu_process_save_status(struct qd_qdom *dom, struct qd_err *err);

/* Shutdown: wait (bounded) for the event handler threads to finish. */
void qd_qemu_process_drain(void);

#endif
