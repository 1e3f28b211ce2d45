/* What the kernel tells about a QEMU process and the host (see
 * qemu_procfs.h). */
#include "drivers/qemu/qemu_procfs.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/err.h"

/* /proc/PID/stat, or /proc/PID/task/TID/stat when @tid is not 0. Returns
 * 0, or -1 with errno set. */
int
qd_qemu_procfs_stat(pid_t pid, pid_t tid, struct qd_qemu_pstat *st)
{
    char path[96], buf[2048];
    unsigned long long utime = 0, stime = 0;
    long hz = sysconf(_SC_CLK_TCK);
    ssize_t n;
    char *p, *end;
    int fd, field;

    if (tid)
        snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int) pid,
                 (int) tid);
    else
        snprintf(path, sizeof(path), "/proc/%d/stat", (int) pid);
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return -1;
    n = read(fd, buf, sizeof(buf) - 1);
    (void) close(fd);
    if (n <= 0)
        return errno = EIO, -1;
    buf[n] = '\0';
    /* the command name (field 2) may hold spaces and parentheses */
    if (!(p = strrchr(buf, ')')))
        return errno = EINVAL, -1;
    memset(st, 0, sizeof(*st));
    for (p++, field = 3; *p; field++) {
        long long v;

        while (*p == ' ')
            p++;
        v = strtoll(p, &end, 10);
        if (field == 14)
            utime = (unsigned long long) v;
        else if (field == 15)
            stime = (unsigned long long) v;
        else if (field == 22)
            st->starttime = (unsigned long long) v;
        else if (field == 24)
            st->rss_pages = (long) v;
        else if (field == 39) {
            st->cpu = (int) v;
            break;
        }
        p = strchr(p, ' ');
        if (!p)
            break;
    }
    if (hz <= 0)
        hz = 100;
    st->user_ns = utime * (1000000000ull / (unsigned long long) hz);
    st->sys_ns = stime * (1000000000ull / (unsigned long long) hz);
    return 0;
}

/* The thread ids of vCPUs 0..@n-1 of QEMU @pid into @tids (0: not found);
 * returns how many were found. libvirt learns them from query-cpus-fast
 * at start; QEMU (-name debug-threads=on) names the same threads
 * "CPU N/TCG" or "CPU N/KVM", and "ALL CPUs/TCG" when one thread runs
 * them all, so /proc gives them without asking QEMU. */
unsigned
qd_qemu_procfs_vcpu_threads(pid_t pid, unsigned n, pid_t *tids)
{
    char path[64];
    struct dirent *e;
    unsigned found = 0, i;
    pid_t all = 0;
    DIR *d;

    memset(tids, 0, n * sizeof(*tids));
    snprintf(path, sizeof(path), "/proc/%d/task", (int) pid);
    if (!(d = opendir(path)))
        return 0;
    while ((e = readdir(d))) {
        char cpath[300], comm[32];
        unsigned idx;
        char slash;
        ssize_t len;
        int fd;

        if (!isdigit((unsigned char) e->d_name[0]))
            continue;
        snprintf(cpath, sizeof(cpath), "/proc/%d/task/%s/comm", (int) pid,
                 e->d_name);
        if ((fd = open(cpath, O_RDONLY | O_CLOEXEC)) < 0)
            continue;
        len = read(fd, comm, sizeof(comm) - 1);
        (void) close(fd);
        if (len <= 0)
            continue;
        comm[len] = '\0';
        if (sscanf(comm, "CPU %u%c", &idx, &slash) == 2 && slash == '/' &&
            idx < n && !tids[idx])
            tids[idx] = (pid_t) atoi(e->d_name);
        else if (strncmp(comm, "ALL CPUs/", 9) == 0)
            all = (pid_t) atoi(e->d_name);
    }
    closedir(d);
    for (i = 0; i < n; i++) {
        if (!tids[i])
            tids[i] = all;
        if (tids[i])
            found++;
    }
    return found;
}

/* Scheduler wait time of a thread in ns (0 when the kernel does not keep
 * it: CONFIG_SCHED_DEBUG and CONFIG_SCHEDSTATS). */
uint64_t
qd_qemu_procfs_sched_wait(pid_t pid, pid_t tid)
{
    char path[96], line[256];
    uint64_t v = 0;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%d/task/%d/sched", (int) pid,
             (int) tid);
    if (!(f = fopen(path, "re")))
        return 0;
    while (fgets(line, sizeof(line), f)) {
        char *colon;

        if (strncmp(line, "se.statistics.wait_sum", 22) != 0 &&
            strncmp(line, "se.wait_sum", 11) != 0)
            continue;
        if ((colon = strchr(line, ':')))
            v = (uint64_t) (strtod(colon + 1, NULL) * 1000000);
        break;
    }
    fclose(f);
    return v;
}

/* Time a thread spent waiting on a run queue in ns (schedstat's second
 * field; 0 without CONFIG_SCHED_INFO). */
uint64_t
qd_qemu_procfs_sched_delay(pid_t pid, pid_t tid)
{
    char path[96];
    unsigned long long run = 0, delay = 0;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%d/task/%d/schedstat", (int) pid,
             (int) tid);
    if (!(f = fopen(path, "re")))
        return 0;
    if (fscanf(f, "%llu %llu", &run, &delay) != 2)
        delay = 0;
    fclose(f);
    return delay;
}

static void
map_set(unsigned char *map, int maplen, unsigned cpu)
{
    if (cpu / 8 < (unsigned) maplen)
        map[cpu / 8] |= (unsigned char) (1u << (cpu % 8));
}

static void
map_clear(unsigned char *map, int maplen, unsigned cpu)
{
    if (cpu / 8 < (unsigned) maplen)
        map[cpu / 8] &= (unsigned char) ~(1u << (cpu % 8));
}

/* A CPU list in libvirt's syntax ("0-3,^2,6") into @map (@maplen bytes,
 * CPUs beyond it dropped). Returns 0, or -1 when @s is not such a list. */
int
qd_qemu_procfs_cpulist(const char *s, unsigned char *map, int maplen)
{
    int pass;

    memset(map, 0, (size_t) maplen);
    /* inclusions first, then the ^exclusions, as virBitmapParse does */
    for (pass = 0; pass < 2; pass++) {
        const char *p = s;

        while (*p) {
            unsigned long a, b;
            bool neg = false;
            char *end;

            while (isspace((unsigned char) *p) || *p == ',')
                p++;
            if (!*p)
                break;
            if (*p == '^') {
                neg = true;
                p++;
            }
            if (!isdigit((unsigned char) *p))
                return -1;
            a = b = strtoul(p, &end, 10);
            p = end;
            if (*p == '-') {
                if (neg || !isdigit((unsigned char) p[1]))
                    return -1;
                b = strtoul(p + 1, &end, 10);
                p = end;
            }
            if (b < a || b > 65535)
                return -1;
            for (; a <= b; a++) {
                if (pass == 0 && !neg)
                    map_set(map, maplen, (unsigned) a);
                else if (pass == 1 && neg)
                    map_clear(map, maplen, (unsigned) a);
            }
            while (isspace((unsigned char) *p))
                p++;
            if (*p && *p != ',')
                return -1;
        }
    }
    return 0;
}

/* The CPU list in sysfs file @name ("online", "present") into @map;
 * returns 0, or -1 when it cannot be read. */
static int
sys_cpus_map(const char *name, unsigned char *map, int maplen)
{
    char path[64], buf[4096];
    ssize_t n = -1;
    int fd;

    snprintf(path, sizeof(path), "/sys/devices/system/cpu/%s", name);
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
        n = read(fd, buf, sizeof(buf) - 1);
        (void) close(fd);
    }
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    return qd_qemu_procfs_cpulist(buf, map, maplen);
}

/* The online host CPUs (virHostCPUGetAvailableCPUsBitmap) into @map. */
void
qd_qemu_procfs_online_cpus(unsigned char *map, int maplen)
{
    long i, ncpu;

    if (sys_cpus_map("online", map, maplen) == 0)
        return;
    memset(map, 0, (size_t) maplen);
    ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    for (i = 0; i < ncpu; i++)
        map_set(map, maplen, (unsigned) i);
}

/* The number of host CPUs (virHostCPUGetCount: the highest present one
 * plus one). */
int
qd_qemu_procfs_cpu_count(void)
{
    unsigned char map[1024];        /* 8192 CPUs */
    int i;

    if (sys_cpus_map("present", map, (int) sizeof(map)) == 0)
        for (i = (int) sizeof(map) * 8 - 1; i >= 0; i--)
            if (map[i / 8] & (1u << (i % 8)))
                return i + 1;
    return (int) sysconf(_SC_NPROCESSORS_CONF);
}

/* The CPU affinity of thread @tid into @map. Returns 0 or -1 (errno). */
int
qd_qemu_procfs_affinity(pid_t tid, unsigned char *map, int maplen)
{
    long conf = sysconf(_SC_NPROCESSORS_CONF);
    size_t ncpu = conf > 1024 ? (size_t) conf : 1024;
    size_t size = CPU_ALLOC_SIZE(ncpu), cpu;
    cpu_set_t *set = CPU_ALLOC(ncpu);
    int rc;

    if (!set)
        abort();
    CPU_ZERO_S(size, set);
    if ((rc = sched_getaffinity(tid, size, set)) == 0) {
        for (cpu = 0; cpu < ncpu && cpu / 8 < (size_t) maplen; cpu++)
            if (CPU_ISSET_S(cpu, size, set))
                map_set(map, maplen, (unsigned) cpu);
    }
    CPU_FREE(set);
    return rc;
}

/* Halt-polling times of a KVM guest from debugfs (what libvirt reads when
 * QEMU's query-stats cannot tell). Returns 0 or -1. */
int
qd_qemu_procfs_haltpoll(pid_t pid, uint64_t *success, uint64_t *fail)
{
    char prefix[32];
    struct dirent *e;
    int rc = -1;
    DIR *d;

    snprintf(prefix, sizeof(prefix), "%d-", (int) pid);
    if (!(d = opendir("/sys/kernel/debug/kvm")))
        return -1;
    while ((e = readdir(d))) {
        char path[512];
        unsigned long long s, f;
        FILE *fp;
        int got = 0;

        if (strncmp(e->d_name, prefix, strlen(prefix)) != 0)
            continue;
        snprintf(path, sizeof(path), "/sys/kernel/debug/kvm/%s/"
                 "halt_poll_success_ns", e->d_name);
        if ((fp = fopen(path, "re"))) {
            got += fscanf(fp, "%llu", &s) == 1;
            fclose(fp);
        }
        snprintf(path, sizeof(path), "/sys/kernel/debug/kvm/%s/"
                 "halt_poll_fail_ns", e->d_name);
        if ((fp = fopen(path, "re"))) {
            got += fscanf(fp, "%llu", &f) == 1;
            fclose(fp);
        }
        if (got == 2) {
            *success = s;
            *fail = f;
            rc = 0;
        }
        break;
    }
    closedir(d);
    return rc;
}

/* The counters of host interface @ifname from /proc/net/dev, seen from
 * the guest (a tap's rx is the guest's tx). Returns 0, or -1 with
 * libvirt's errors (virNetDevTapInterfaceStats). */
int
qd_qemu_procfs_net_dev(const char *ifname, struct qd_iface_stats *st,
                       struct qd_err *err)
{
    char line[512];
    FILE *f;

    if (!(f = fopen("/proc/net/dev", "re")))
        return qd_err_sys(err, QD_ERR_SYSTEM_ERROR, QD_FROM_NONE, errno,
                          "Could not open /proc/net/dev");
    while (fgets(line, sizeof(line), f)) {
        long long rx[8], tx[8];
        char *colon = strchr(line, ':'), *name = line;

        if (!colon)
            continue;
        *colon = '\0';
        while (*name == ' ')
            name++;
        if (strcmp(name, ifname) != 0)
            continue;
        if (sscanf(colon + 1, "%lld %lld %lld %lld %lld %lld %lld %lld "
                   "%lld %lld %lld %lld %lld %lld %lld %lld",
                   &rx[0], &rx[1], &rx[2], &rx[3], &rx[4], &rx[5], &rx[6],
                   &rx[7], &tx[0], &tx[1], &tx[2], &tx[3], &tx[4], &tx[5],
                   &tx[6], &tx[7]) != 16)
            continue;
        st->rx_bytes = tx[0];
        st->rx_packets = tx[1];
        st->rx_errs = tx[2];
        st->rx_drop = tx[3];
        st->tx_bytes = rx[0];
        st->tx_packets = rx[1];
        st->tx_errs = rx[2];
        st->tx_drop = rx[3];
        fclose(f);
        return 0;
    }
    fclose(f);
    return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_NONE, "%s",
                         "/proc/net/dev: Interface not found");
}
