/* The QEMU driver's host side: what the host QEMU binary can do (probed
 * once over QMP at start-up), whether KVM really runs guests (a tiny
 * self-test guest), and the connection's host queries (capabilities,
 * domain capabilities, node info, sysinfo, versions).
 *
 * qd_qemu_host_init() runs once on a start-up or worker thread (it
 * spawns QEMU and blocks, with a time bound). Everything else may be
 * called from any thread after it; the probed data is immutable until
 * qd_qemu_host_fini(). */
#ifndef QD_DRIVERS_QEMU_QEMU_HOST_H
#define QD_DRIVERS_QEMU_QEMU_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/driver.h"
#include "util/err.h"

/* Start-up: probe @emulator (NULL: /usr/bin/qemu-system-x86_64) and run
 * the KVM self-test, caching both. @lib_dir holds temporary files (NULL:
 * a directory made under $TMPDIR or /tmp). Blocking; never on the loop
 * thread. Returns 0, or -1 with @err set when the emulator cannot be
 * probed at all. A second call while initialised returns 0 at once if
 * @emulator is the one probed, else fails. */
int qd_qemu_host_init(const char *emulator, const char *lib_dir,
                      struct qd_err *err);
/* Forget everything probed (also the binaries probed on demand). No
 * other thread may use this module during or after the call. */
void qd_qemu_host_fini(void);

/* Any thread after init. */
const char *qd_qemu_host_emulator(void);
/* major * 1000000 + minor * 1000 + micro; 0 before init. */
unsigned long qd_qemu_host_qemu_version(void);
/* False with *@ret_why (static until fini; may be NULL) saying why, e.g.
 * "/dev/kvm does not exist" or "KVM self-test guest did not run within
 * 3000 ms". */
bool qd_qemu_host_kvm_usable(const char **ret_why);
/* The canonical machine name for @name ("pc" -> "pc-i440fx-7.2"; a full
 * name -> itself), or NULL if this QEMU has no such machine. NULL @name:
 * the default machine (libvirt's preferred "pc"). The string lives
 * until fini. */
const char *qd_qemu_host_canonical_machine(const char *name);
/* The largest vCPU count of machine @name (alias or canonical), or -1
 * when unknown. */
int qd_qemu_host_machine_max_cpus(const char *name);
/* Milliseconds the start-up probe and the KVM self-test took. */
unsigned qd_qemu_host_probe_ms(void);

/* Host queries with the signatures of struct qd_driver. */
int qd_qemu_get_version(struct qd_conn *conn, uint64_t *ret,
                        struct qd_err *err);
char *qd_qemu_get_hostname(struct qd_conn *conn, struct qd_err *err);
char *qd_qemu_get_capabilities(struct qd_conn *conn, struct qd_err *err);
char *qd_qemu_get_domain_capabilities(struct qd_conn *conn,
                                      const char *emulatorbin,
                                      const char *arch, const char *machine,
                                      const char *virttype, unsigned flags,
                                      struct qd_err *err);
char *qd_qemu_get_sysinfo(struct qd_conn *conn, unsigned flags,
                          struct qd_err *err);
int qd_qemu_get_max_vcpus(struct qd_conn *conn, const char *type,
                          struct qd_err *err);
int qd_qemu_node_get_info(struct qd_conn *conn, struct qd_node_info *ret,
                          struct qd_err *err);
int qd_qemu_node_get_free_memory(struct qd_conn *conn, uint64_t *ret,
                                 struct qd_err *err);
int qd_qemu_node_get_cells_free_memory(struct qd_conn *conn, int start,
                                       int max, uint64_t *ret,
                                       struct qd_err *err);

#endif
