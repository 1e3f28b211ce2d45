/* What the kernel tells about a QEMU process and the host, for the
 * statistics calls (qemu_driver_stats.c): /proc/PID/stat and its threads,
 * scheduler statistics, CPU lists and affinity, /proc/net/dev, KVM's
 * debugfs. Plain reads, no locks, any thread; nothing here talks to
 * QEMU. */
#ifndef QD_DRIVERS_QEMU_QEMU_PROCFS_H
#define QD_DRIVERS_QEMU_QEMU_PROCFS_H

#include <stdint.h>
#include <sys/types.h>

#include "drivers/driver.h"

/* A process's or thread's /proc/.../stat, the fields libvirt reads. */
struct qd_qemu_pstat {
    uint64_t user_ns, sys_ns;
    long rss_pages;
    unsigned long long starttime;       /* field 22, clock ticks after boot */
    int cpu;                    /* the CPU it last ran on */
};

/* /proc/PID/stat, or /proc/PID/task/TID/stat when @tid is not 0. Returns
 * 0, or -1 with errno set. */
int qd_qemu_procfs_stat(pid_t pid, pid_t tid, struct qd_qemu_pstat *st);

/* The thread ids of vCPUs 0..@n-1 of QEMU @pid into @tids (0: not found);
 * returns how many were found. libvirt learns them from query-cpus-fast
 * at start; QEMU (-name debug-threads=on) names the same threads
 * "CPU N/TCG" or "CPU N/KVM", and "ALL CPUs/TCG" when one thread runs
 * them all, so /proc gives them without asking QEMU. */
unsigned qd_qemu_procfs_vcpu_threads(pid_t pid, unsigned n, pid_t *tids);

/* Scheduler wait time of a thread in ns (0 when the kernel does not keep
 * it: CONFIG_SCHED_DEBUG and CONFIG_SCHEDSTATS). */
uint64_t qd_qemu_procfs_sched_wait(pid_t pid, pid_t tid);

/* Time a thread spent waiting on a run queue in ns (schedstat's second
 * field; 0 without CONFIG_SCHED_INFO). */
uint64_t qd_qemu_procfs_sched_delay(pid_t pid, pid_t tid);

/* A CPU list in libvirt's syntax ("0-3,^2,6") into @map (@maplen bytes,
 * CPUs beyond it dropped). Returns 0, or -1 when @s is not such a list. */
int qd_qemu_procfs_cpulist(const char *s, unsigned char *map, int maplen);

/* The online host CPUs (virHostCPUGetAvailableCPUsBitmap) into @map. */
void qd_qemu_procfs_online_cpus(unsigned char *map, int maplen);

/* The number of host CPUs (virHostCPUGetCount: the highest present one
 * plus one). */
int qd_qemu_procfs_cpu_count(void);

/* The CPU affinity of thread @tid into @map. Returns 0 or -1 (errno). */
int qd_qemu_procfs_affinity(pid_t tid, unsigned char *map, int maplen);

/* Halt-polling times of a KVM guest from debugfs (what libvirt reads when
 * QEMU's query-stats cannot tell). Returns 0 or -1. */
int qd_qemu_procfs_haltpoll(pid_t pid, uint64_t *success, uint64_t *fail);

/* The counters of host interface @ifname from /proc/net/dev, seen from
 * the guest (a tap's rx is the guest's tx). Returns 0, or -1 with
 * libvirt's errors (virNetDevTapInterfaceStats). */
int qd_qemu_procfs_net_dev(const char *ifname, struct qd_iface_stats *st,
                           struct qd_err *err);

#endif
