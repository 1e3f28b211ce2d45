/* Internals shared by the qemu_host*.c files: the result of probing one
 * QEMU binary, the probe and self-test runners, host facts read from
 * /proc and /sys. Not for other modules. */
#ifndef QD_DRIVERS_QEMU_QEMU_HOST_PRIV_H
#define QD_DRIVERS_QEMU_QEMU_HOST_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/buf.h"
#include "util/err.h"

/* libvirt's VIR_ERR_SYSTEM_ERROR: the message is "<text>: <strerror>" */
#define QD_QEMU_ERR_SYSTEM 38

#define QD_QEMU_HOST_DEFAULT_EMULATOR "/usr/bin/qemu-system-x86_64"
/* Bounds: the whole QMP probe, and the KVM self-test guest. */
#define QD_QEMU_PROBE_TIMEOUT_MS 15000
#define QD_QEMU_KVM_TEST_TIMEOUT_MS 3000

struct qd_qemu_machine {
    char *name;              /* canonical: "pc-i440fx-7.2" */
    char *alias;             /* "pc", or NULL */
    int max_cpus;
    bool is_default;         /* QEMU's own default */
    bool deprecated;
};

struct qd_qemu_cpu_model {
    char *name;
    bool usable;             /* no unavailable-features under the accel */
    bool deprecated;
};

/* What one QEMU binary told us. Immutable once published. */
struct qd_qemu_probe {
    char *binary;
    char *arch;              /* libvirt's name: "x86_64", "i686" */
    unsigned long version;   /* major * 1000000 + minor * 1000 + micro */
    bool has_tcg, has_kvm;   /* accelerators built in */
    /* the preferred machine ("pc") first, then in QEMU's order */
    struct qd_qemu_machine *machines;
    size_t nmachines;
    /* custom CPU models (no -vN versions, no max/host/base), in QEMU's
     * order; usability under TCG, and under KVM when it was probed */
    struct qd_qemu_cpu_model *cpus;
    size_t ncpus;
    struct qd_qemu_cpu_model *kvm_cpus;
    size_t nkvm_cpus;
    unsigned probe_ms;
};

/* qemu_host_spawn.c */

int64_t qd_qemu_now_ms(void);                   /* CLOCK_MONOTONIC */
int qd_qemu_remaining_ms(int64_t deadline);     /* >= 0 */
/* Start @argv[0] with @in, @out and @errfd as its fds 0, 1, 2, in a new
 * session, with default signal handling and SIGKILL on our death.
 * Returns the pid, or -1 with *@ret_errno set (exec failures too). */
pid_t qd_qemu_spawn(char *const argv[], int in, int out, int errfd,
                    int *ret_errno);
/* Wait up to @timeout_ms for @pid to exit (0: not at all), then SIGKILL
 * it and reap it, giving up with a warning after a further bound. */
void qd_qemu_reap(pid_t pid, int timeout_ms);
/* What is readable on @fd now (bounded), trimmed, lines joined by "; ";
 * heap, or NULL when empty. */
char *qd_qemu_drain_stderr(int fd);

/* qemu_host_probe.c */

/* Spawn @binary with "-machine none,accel=@accel" and ask it over QMP
 * for its version, target, accelerators, machines and CPU models. With
 * @accel "kvm" only the CPU models are kept, in @p->kvm_cpus. Blocks
 * up to @timeout_ms. Returns 0, or -1 with @err set (libvirt's "Failed
 * to start QEMU binary ... for probing" texts). */
int qd_qemu_probe_run(const char *binary, const char *accel, int timeout_ms,
                      struct qd_qemu_probe *p, struct qd_err *err);
void qd_qemu_probe_free(struct qd_qemu_probe *p);

/* qemu_host_kvm.c */

/* Boot a boot-sector guest under @accel that writes a marker to an
 * isa-debugcon port; true if the marker arrives within @timeout_ms.
 * @dir holds the disk image (NULL: a temporary directory). On false,
 * *@ret_why (heap) says why. Blocking. */
bool qd_qemu_selftest_run(const char *binary, const char *accel,
                          const char *dir, int timeout_ms, char **ret_why);

/* qemu_host.c */

/* The probe of @binary (probed now if not yet, then cached), or NULL
 * with libvirt's error for a missing or unusable binary. */
const struct qd_qemu_probe *qd_qemu_host_lookup(const char *binary,
                                                struct qd_err *err);
/* The start-up probe, or NULL before init. */
const struct qd_qemu_probe *qd_qemu_host_main_probe(void);
/* The machine called @name (canonical or alias) in @p, or NULL. */
const struct qd_qemu_machine *qd_qemu_probe_find_machine(
    const struct qd_qemu_probe *p, const char *name);
/* The binary serving guest @arch as libvirt's lookup finds it: the
 * qemu-system-<arch> in $PATH, for i686 falling back to the probed
 * x86_64 emulator. Heap string, NULL if none. */
char *qd_qemu_host_default_binary(const char *arch);
/* KVM's vCPU limit per VM (KVM_CAP_MAX_VCPUS), or -1 with libvirt's
 * error when /dev/kvm cannot be opened. */
int qd_qemu_host_kvm_max_vcpus(struct qd_err *err);
/* Append @s escaped for XML text and attribute values. */
void qd_qemu_buf_escape(struct qd_buf *b, const char *s);

/* qemu_host_node.c */

struct qd_qemu_numa_cpu {
    int id, socket_id, die_id, core_id;
    char *siblings;          /* libvirt's bitmap syntax: "0-1,4" */
};
struct qd_qemu_numa_cell {
    int id;
    uint64_t mem_kib;        /* total */
    uint64_t free_kib;
    int ndistances;
    int *distance_ids, *distances;
    struct qd_qemu_numa_cpu *cpus;
    int ncpus;
};
struct qd_qemu_numa {
    struct qd_qemu_numa_cell *cells;
    int ncells;
};
/* The host's NUMA cells (one fake cell without /sys NUMA data).
 * Returns 0, or -1 with @err set. */
int qd_qemu_numa_read(struct qd_qemu_numa *ret, struct qd_err *err);
void qd_qemu_numa_clear(struct qd_qemu_numa *n);
/* The huge page sizes (KiB) the host has, ascending; count. */
int qd_qemu_huge_page_sizes(unsigned *sizes, int max);
/* Huge pages of @size_kib reserved on node @node; 0 when unknown. */
uint64_t qd_qemu_huge_pages_on_node(int node, unsigned size_kib);
/* The host CPU as /proc/cpuinfo describes it. */
struct qd_qemu_host_cpu {
    char vendor[16];         /* "AMD", "Intel", "" */
    unsigned family, model, stepping;
    int phys_bits;           /* -1: unknown */
};
void qd_qemu_host_cpu_read(struct qd_qemu_host_cpu *ret);

#endif
