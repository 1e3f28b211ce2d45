/* The QEMU driver's QMP monitor client.
 *
 * One struct qd_qmp per QEMU process. The socket belongs to the event loop:
 * it reads, cuts lines, parses them, delivers events and wakes the worker
 * waiting for a reply; it writes queued commands. Workers build commands,
 * queue them and sleep on a condition variable until the reply (matched by
 * its "id"), the timeout or the end of the connection.
 *
 * Threads: qd_qmp_open, qd_qmp_command, qd_qmp_command_raw block and run on
 * workers only (never on the loop thread). qd_qmp_close and the getters
 * run on any thread. Callbacks run on the loop thread and must not block
 * or call qd_qmp_command; they may call qd_qmp_close. */
#ifndef QD_DRIVERS_QEMU_QEMU_MONITOR_H
#define QD_DRIVERS_QEMU_QEMU_MONITOR_H

#include <stddef.h>

#include <json-c/json.h>

struct qd_err;
struct qd_loop;
struct qd_qmp;

/* The longest QMP message (one line) accepted from QEMU; beyond it the
 * monitor is considered broken and closed. */
#define QD_QMP_MAX_LINE (16 * 1024 * 1024)

/* What a message from QEMU is, by the key that tells them apart. */
enum qd_qmp_msg_kind {
    QD_QMP_MSG_GREETING,    /* {"QMP": ...} */
    QD_QMP_MSG_EVENT,       /* {"event": ...} */
    QD_QMP_MSG_REPLY,       /* {"return": ...} or {"error": ...} */
    QD_QMP_MSG_UNKNOWN,     /* any other object: ignored */
};

/* Any thread: parse one non-empty line from QEMU (without its "\n") as
 * the monitor does: one JSON object, strict syntax, at most 1024 levels
 * deep, then only whitespace. *@tokp is the caller's tokener, created on
 * first use (free it with json_tokener_free()). Returns the message's
 * kind (enum qd_qmp_msg_kind) and stores the object in *@ret_obj (the
 * caller puts it), or -1 with @err set in libvirt's words. The monitor's
 * reader uses it for every line; fuzz/fuzz_qmp.c drives it directly. */
int qd_qmp_parse_line(json_tokener **tokp, const char *line, size_t len,
                      json_object **ret_obj, struct qd_err *err)
    __attribute__((warn_unused_result));

struct qd_qmp_callbacks {
    /* A QMP event ("SHUTDOWN", "STOP", ...), in the order QEMU sent them.
     * @data is borrowed (NULL when the event has none): take a reference
     * with json_object_get() to keep it. @seconds is -1 when the event had
     * no timestamp. Loop thread. May be NULL. */
    void (*event)(struct qd_qmp *mon, const char *name, json_object *data,
                  long long seconds, unsigned micros, void *opaque);
    /* The connection ended (EOF, I/O or protocol error). Called at most
     * once, never after qd_qmp_close() was called, never for a monitor
     * whose qd_qmp_open() failed. Loop thread. May be NULL. */
    void (*eof)(struct qd_qmp *mon, void *opaque);
    /* The monitor is being freed: no callback runs after this one, so
     * @opaque may be released here. Runs once, on whichever thread drops
     * the last reference (loop or worker), only for monitors that
     * qd_qmp_open() returned. May be NULL. */
    void (*release)(void *opaque);
};

/* Worker thread: connect to QEMU's QMP socket at @socket_path (retrying
 * while it does not exist or refuses connections), hand the socket to
 * @loop, wait for the greeting and negotiate capabilities. @cb is copied;
 * @opaque is passed to the callbacks. @timeout_ms (<= 0: no limit) bounds
 * the whole sequence. Returns the monitor, or NULL with @err set. */
struct qd_qmp *qd_qmp_open(struct qd_loop *loop, const char *socket_path,
                           const struct qd_qmp_callbacks *cb, void *opaque,
                           int timeout_ms, struct qd_err *err)
    __attribute__((warn_unused_result));

/* The same, but connection retries stop as soon as @abort_fd (a pidfd of
 * the QEMU being started; -1: none) becomes readable, so a QEMU that
 * exits during start-up fails the open at once. */
struct qd_qmp *qd_qmp_open_watch(struct qd_loop *loop, const char *socket_path,
                                 const struct qd_qmp_callbacks *cb,
                                 void *opaque, int timeout_ms, int abort_fd,
                                 struct qd_err *err)
    __attribute__((warn_unused_result));

/* Worker thread: run @execute with @arguments (may be NULL; taken, even on
 * failure) and wait up to @timeout_ms (<= 0: no limit) for the reply. On
 * success returns 0 and, if @ret_return is not NULL, stores a new
 * reference to the reply's "return" value there. A QMP error, a timeout
 * (the monitor stays usable; the late reply is dropped), EOF or close
 * return -1 with @err set in libvirt's words. Commands from several
 * threads may be in flight at once; QEMU answers them in order. */
int qd_qmp_command(struct qd_qmp *mon, const char *execute,
                   json_object *arguments, json_object **ret_return,
                   int timeout_ms, struct qd_err *err)
    __attribute__((warn_unused_result));

/* Worker thread: send the JSON object @json_text as is, except that its
 * "id" is set to ours (virsh qemu-monitor-command). A QMP error reply is
 * not a failure: @ret_reply_text receives the reply object, compact,
 * whatever it holds (caller frees). Returns 0, or -1 with @err set
 * (unparsable text, timeout, EOF, close). */
int qd_qmp_command_raw(struct qd_qmp *mon, const char *json_text,
                       char **ret_reply_text, int timeout_ms,
                       struct qd_err *err)
    __attribute__((warn_unused_result));

/* Any thread: an extra reference, so that a qd_qmp_close() by another
 * thread cannot free @mon while this one is about to use it; a command
 * on a closed monitor just fails. qd_qmp_unref() drops it. */
struct qd_qmp *qd_qmp_ref(struct qd_qmp *mon);
void qd_qmp_unref(struct qd_qmp *mon);

/* Any thread: name the domain in end-of-file messages, as libvirt does
 * ("End of file from qemu monitor (vm='%s')"). */
void qd_qmp_set_name(struct qd_qmp *mon, const char *vm_name);

/* Any thread: QEMU's version from the greeting. */
void qd_qmp_get_version(struct qd_qmp *mon, int *ret_major, int *ret_minor,
                        int *ret_micro);

/* Any thread: stop using @mon and drop the caller's reference. Commands
 * still waiting fail with "QEMU monitor was closed". The loop stops
 * delivering callbacks, but one it had already begun may still be running
 * when this returns (waiting for it could deadlock against the caller's
 * locks), so keep @opaque alive until cb->release. The socket is closed
 * on the loop and the memory freed once the loop and every waiter are done
 * with it. Accepts NULL. */
void qd_qmp_close(struct qd_qmp *mon);

#endif
