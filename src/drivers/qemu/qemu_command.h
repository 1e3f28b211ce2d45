/* Domain definition -> QEMU command line (x86 pc/q35 guests).
 *
 * The argv follows the shape libvirt 9.0 gives QEMU 7.2 (-nodefaults,
 * -blockdev nodes plus -device frontends, -chardev backends, the QMP
 * monitor on a UNIX socket, -no-shutdown) for the subset of the domain
 * XML qemud runs. Anything outside that subset is refused with
 * CONFIG_UNSUPPORTED (code 67, domain QEMU) naming the element, rather
 * than silently dropped.
 */
#ifndef QD_DRIVERS_QEMU_QEMU_COMMAND_H
#define QD_DRIVERS_QEMU_QEMU_COMMAND_H

#include <stdbool.h>

#include "conf/domain_conf.h"
#include "util/err.h"

#define QD_QEMU_DEFAULT_EMULATOR "/usr/bin/qemu-system-x86_64"

struct qd_qemu_cmd_opts {
    const char *emulator;      /* NULL: QD_QEMU_DEFAULT_EMULATOR; the
                                * def's <emulator> wins over both */
    const char *monitor_path;  /* QMP UNIX socket path (required) */
    const char *pidfile;       /* may be NULL */
    bool kvm;                  /* accel=kvm, else accel=tcg */
    bool start_paused;         /* -S: the driver sends 'cont' */
    int vnc_port_hint;         /* >= 5900: use it for autoport VNC;
                                * else QEMU picks a free port (to=) */
};

/* Build QEMU's argv for @def. Any thread; @def is only read.
 * Returns a NULL-terminated array of heap strings (free it with
 * qd_qemu_argv_free), or NULL with @err set. */
char **qd_qemu_build_argv(const struct qd_dom_def *def,
                          const struct qd_qemu_cmd_opts *opts,
                          struct qd_err *err);

/* Frees an argv from qd_qemu_build_argv; accepts NULL. */
void qd_qemu_argv_free(char **argv);

#endif
