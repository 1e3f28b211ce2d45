/* Host facts for the QEMU driver, read from /proc and /sys on each call
 * the way libvirt's virhostcpu/virhostmem/virnuma/virsysinfo read them:
 * node info, free memory per NUMA cell, the NUMA topology for the
 * capabilities XML, huge page sizes, the host CPU's identity, SMBIOS
 * sysinfo and the host name. No state; any thread. */
#define QD_LOG_MODULE "qemu.host"

#include "drivers/qemu/qemu_host.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "drivers/qemu/qemu_host_priv.h"
#include "util/buf.h"
#include "util/mem.h"

#define SYSFS_NODE "/sys/devices/system/node"
#define SYSFS_CPU "/sys/devices/system/cpu"
#define SYSFS_DMI "/sys/class/dmi/id"
#define MAX_CPUS 8192            /* bound on CPU ids we track */

/* ---- small readers --------------------------------------------------- */

/* The first line of @path, trailing white space removed; heap or NULL. */
static char *
read_line(const char *path)
{
    char buf[4096];
    FILE *f = fopen(path, "re");
    size_t len;

    if (!f)
        return NULL;
    if (!fgets(buf, sizeof(buf), f)) {
        fclose(f);
        return NULL;
    }
    fclose(f);
    len = strlen(buf);
    while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == ' ' ||
                       buf[len - 1] == '\t'))
        buf[--len] = '\0';
    return qd_strdup(buf);
}

static int
read_int(const char *path, long long *ret)
{
    _cleanup_free_ char *s = read_line(path);
    char *end;

    if (!s)
        return -1;
    errno = 0;
    *ret = strtoll(s, &end, 10);
    return errno || end == s ? -1 : 0;
}

/* "<key>: <n> kB" in a meminfo-style file (also "Node 0 <key>: ..."). */
static int
meminfo_kib(const char *path, const char *key, uint64_t *ret)
{
    char line[256];
    FILE *f = fopen(path, "re");
    size_t klen = strlen(key);
    int rc = -1;

    if (!f)
        return -1;
    while (fgets(line, sizeof(line), f)) {
        char *p = strstr(line, key);

        if (!p || p[klen] != ':' || (p != line && p[-1] != ' '))
            continue;
        *ret = strtoull(p + klen + 1, NULL, 10);
        rc = 0;
        break;
    }
    fclose(f);
    return rc;
}

/* Parse a kernel CPU list ("0-3,8,10-11") into @set (MAX_CPUS bools).
 * Returns the number of ids set, -1 when malformed. */
static int
cpulist_parse(const char *s, bool *set)
{
    int n = 0;

    while (s && *s) {
        char *end;
        long a = strtol(s, &end, 10), b = a;

        if (end == s || a < 0)
            return -1;
        s = end;
        if (*s == '-') {
            b = strtol(s + 1, &end, 10);
            if (end == s + 1 || b < a)
                return -1;
            s = end;
        }
        for (; a <= b && a < MAX_CPUS; a++) {
            if (!set[a])
                n++;
            set[a] = true;
        }
        if (*s == ',')
            s++;
        else if (*s && *s != '\n')
            return -1;
        else
            break;
    }
    return n;
}

/* @set formatted as libvirt's virBitmapFormat does ("0-1,4"). */
static char *
cpulist_format(const bool *set)
{
    struct qd_buf b = { 0 };
    int i = 0, start;

    while (i < MAX_CPUS) {
        if (!set[i]) {
            i++;
            continue;
        }
        start = i;
        while (i + 1 < MAX_CPUS && set[i + 1])
            i++;
        if (b.len)
            qd_buf_puts(&b, ",");
        if (i == start)
            qd_buf_printf(&b, "%d", start);
        else
            qd_buf_printf(&b, "%d-%d", start, i);
        i++;
    }
    if (!b.len)
        qd_buf_puts(&b, "");
    return qd_buf_steal_str(&b);
}

static bool *
cpulist_read(const char *path)
{
    _cleanup_free_ char *s = read_line(path);
    bool *set;

    if (!s)
        return NULL;
    set = qd_calloc(MAX_CPUS, sizeof(bool));
    if (cpulist_parse(s, set) < 0) {
        free(set);
        return NULL;
    }
    return set;
}

static int
cmp_int(const void *a, const void *b)
{
    int x = *(const int *) a, y = *(const int *) b;

    return (x > y) - (x < y);
}

/* The ids of /sys/devices/system/node/nodeN, ascending; count, or -1
 * when the host exposes no NUMA information. @ids has room for @max. */
static int
numa_node_ids(int *ids, int max)
{
    DIR *d = opendir(SYSFS_NODE);
    struct dirent *e;
    int n = 0;
    unsigned id;
    char extra;

    if (!d)
        return -1;
    while ((e = readdir(d)) && n < max) {
        if (sscanf(e->d_name, "node%u%c", &id, &extra) == 1 && id < INT_MAX)
            ids[n++] = (int) id;
    }
    closedir(d);
    if (n == 0)
        return -1;
    qsort(ids, (size_t) n, sizeof(int), cmp_int);
    return n;
}

#define MAX_NODES 1024

/* ---- memory ----------------------------------------------------------- */

/* Total and free memory in KiB of the whole host: the NUMA cells' sums
 * when there are cells (libvirt's virHostMemGetInfo), else
 * /proc/meminfo. */
static int
host_memory(uint64_t *total_kib, uint64_t *free_kib)
{
    int ids[MAX_NODES];
    int i, n = numa_node_ids(ids, MAX_NODES);
    uint64_t t = 0, f = 0, v;

    if (n < 0) {
        if (meminfo_kib("/proc/meminfo", "MemTotal", &t) < 0 ||
            meminfo_kib("/proc/meminfo", "MemFree", &f) < 0)
            return -1;
    } else {
        for (i = 0; i < n; i++) {
            char path[128];

            snprintf(path, sizeof(path), SYSFS_NODE "/node%d/meminfo", ids[i]);
            if (meminfo_kib(path, "MemTotal", &v) == 0)
                t += v;
            if (meminfo_kib(path, "MemFree", &v) == 0)
                f += v;
        }
    }
    if (total_kib)
        *total_kib = t;
    if (free_kib)
        *free_kib = f;
    return 0;
}

int
qd_qemu_node_get_free_memory(struct qd_conn *conn, uint64_t *ret,
                             struct qd_err *err)
{
    uint64_t free_kib;

    if (host_memory(NULL, &free_kib) < 0)
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_NONE,
                             "cannot read the host's free memory");
    *ret = free_kib * 1024;     /* bytes, as virNodeGetFreeMemory says */
    return 0;
}

/* virNodeGetCellsFreeMemory: bytes per cell from @start; cells missing
 * from a sparse numbering count 0, as libvirt reports them. */
int
qd_qemu_node_get_cells_free_memory(struct qd_conn *conn, int start, int max,
                                   uint64_t *ret, struct qd_err *err)
{
    int ids[MAX_NODES];
    int n = numa_node_ids(ids, MAX_NODES);
    int last, cell, k = 0;
    uint64_t v;

    if (n < 0) {                /* no NUMA: one cell, the whole host */
        if (start != 0)
            return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_NONE,
                                 "start cell %d out of range (0-%d)", start,
                                 0);
        if (max < 1)
            return 0;
        if (meminfo_kib("/proc/meminfo", "MemFree", &v) < 0)
            return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_NONE,
                                 "cannot read the host's free memory");
        ret[0] = v * 1024;
        return 1;
    }
    last = ids[n - 1];
    if (start < 0 || start > last)
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_NONE,
                             "start cell %d out of range (0-%d)", start,
                             last);
    for (cell = start; cell <= last && k < max; cell++) {
        char path[128];

        snprintf(path, sizeof(path), SYSFS_NODE "/node%d/meminfo", cell);
        ret[k++] = meminfo_kib(path, "MemFree", &v) == 0 ? v * 1024 : 0;
    }
    return k;
}

/* ---- CPUs -------------------------------------------------------------- */

static int
cpu_topology_int(int cpu, const char *what, long long *ret)
{
    char path[128];

    snprintf(path, sizeof(path), SYSFS_CPU "/cpu%d/topology/%s", cpu, what);
    return read_int(path, ret);
}

/* Threads sharing @cpu's core (thread_siblings_list), at least 1. */
static int
cpu_siblings(int cpu, char **ret_list)
{
    char path[128];
    _cleanup_free_ bool *set = NULL;
    int i, n = 0;

    snprintf(path, sizeof(path),
             SYSFS_CPU "/cpu%d/topology/thread_siblings_list", cpu);
    if (!(set = cpulist_read(path))) {
        if (ret_list)
            *ret_list = NULL;
        return 1;
    }
    for (i = 0; i < MAX_CPUS; i++)
        n += set[i];
    if (ret_list)
        *ret_list = cpulist_format(set);
    return n ? n : 1;
}

/* Sockets, cores per socket and threads per core among the online CPUs
 * of @cpus (libvirt's virHostCPUParseNode). Returns the CPU count and
 * adds offline ones to *@offline. */
static int
parse_cpu_group(const bool *cpus, const bool *online, int *sockets,
                int *cores, int *threads, int *offline)
{
    /* socket id -> set of core ids, both bounded */
    enum { MAX_SOCK = 256, MAX_CORE = 1024 };
    _cleanup_free_ bool *core_seen = qd_calloc(MAX_SOCK * MAX_CORE, 1);
    bool sock_seen[MAX_SOCK] = { false };
    int cpu, ncpus = 0, s, c;

    *sockets = *cores = *threads = 0;
    for (cpu = 0; cpu < MAX_CPUS; cpu++) {
        long long sock = 0, core = 0;
        int sib;

        if (!cpus[cpu])
            continue;
        if (online && !online[cpu]) {
            (*offline)++;
            continue;
        }
        ncpus++;
        (void) cpu_topology_int(cpu, "physical_package_id", &sock);
        (void) cpu_topology_int(cpu, "core_id", &core);
        if (sock < 0 || sock >= MAX_SOCK)
            sock = 0;
        if (core < 0 || core >= MAX_CORE)
            core = core < 0 ? 0 : core % MAX_CORE;
        sock_seen[sock] = true;
        core_seen[sock * MAX_CORE + core] = true;
        if ((sib = cpu_siblings(cpu, NULL)) > *threads)
            *threads = sib;
    }
    for (s = 0; s < MAX_SOCK; s++) {
        int n = 0;

        if (!sock_seen[s])
            continue;
        (*sockets)++;
        for (c = 0; c < MAX_CORE; c++)
            n += core_seen[s * MAX_CORE + c];
        if (n > *cores)
            *cores = n;
    }
    return ncpus;
}

/* The "cpu MHz" of /proc/cpuinfo (the last one, integer part). */
static int
cpu_mhz(void)
{
    char line[1024];
    FILE *f = fopen("/proc/cpuinfo", "re");
    int mhz = 0;

    if (!f)
        return 0;
    while (fgets(line, sizeof(line), f)) {
        char *p;

        if (strncmp(line, "cpu MHz", 7) != 0)
            continue;
        if ((p = strchr(line, ':')))
            mhz = atoi(p + 1);
    }
    fclose(f);
    return mhz;
}

/* uname's machine in libvirt's arch spelling. */
static void
host_arch(char *buf, size_t len)
{
    struct utsname u;

    if (uname(&u) < 0) {
        snprintf(buf, len, "x86_64");
        return;
    }
    if (u.machine[0] == 'i' && strcmp(u.machine + 2, "86") == 0) {
        snprintf(buf, len, "i686");
    } else {
        size_t n = strnlen(u.machine, len - 1);

        memcpy(buf, u.machine, n);
        buf[n] = '\0';
    }
}

/* virNodeGetInfo, after libvirt's virCapabilitiesGetNodeInfo: the NUMA
 * cells' memory, and a topology that must multiply out to the CPU count
 * or is reported flat (1 node, 1 socket, N cores, 1 thread). */
int
qd_qemu_node_get_info(struct qd_conn *conn, struct qd_node_info *ret,
                      struct qd_err *err)
{
    _cleanup_free_ bool *present = cpulist_read(SYSFS_CPU "/present");
    _cleanup_free_ bool *online = cpulist_read(SYSFS_CPU "/online");
    int ids[MAX_NODES];
    int nnodes = numa_node_ids(ids, MAX_NODES);
    int i, offline = 0, s, c, t;
    uint64_t mem;

    memset(ret, 0, sizeof(*ret));
    host_arch(ret->model, sizeof(ret->model));
    if (host_memory(&mem, NULL) < 0)
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_NONE,
                             "cannot read the host's memory size");
    ret->memory = mem;
    ret->mhz = cpu_mhz();
    if (!present)
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_NONE,
                             "no CPUs found");

    for (i = 0; i < nnodes; i++) {
        char path[128];
        _cleanup_free_ bool *cpus = NULL;
        int n;

        snprintf(path, sizeof(path), SYSFS_NODE "/node%d/cpulist", ids[i]);
        ret->nodes++;
        if (!(cpus = cpulist_read(path)))
            continue;
        for (n = 0; n < MAX_CPUS; n++)
            cpus[n] = cpus[n] && present[n];
        ret->cpus += parse_cpu_group(cpus, online, &s, &c, &t, &offline);
        if (s > ret->sockets)
            ret->sockets = s;
        if (c > ret->cores)
            ret->cores = c;
        if (t > ret->threads)
            ret->threads = t;
    }
    if (ret->cpus == 0 || ret->nodes == 0) {
        offline = 0;
        ret->nodes = 1;
        ret->cpus = parse_cpu_group(present, online, &ret->sockets,
                                    &ret->cores, &ret->threads, &offline);
    }
    if (ret->cpus == 0)
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_NONE,
                             "no CPUs found");
    if (ret->sockets == 0)
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_NONE,
                             "no sockets found");
    if (ret->threads == 0)
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_NONE,
                             "no threads found");
    if ((long long) ret->nodes * ret->sockets * ret->cores * ret->threads !=
        ret->cpus + offline) {
        ret->nodes = 1;
        ret->sockets = 1;
        ret->cores = ret->cpus + offline;
        ret->threads = 1;
    }
    return 0;
}

/* ---- NUMA topology for the capabilities XML -------------------------- */

static void
numa_fill_cpus(struct qd_qemu_numa_cell *cell, const bool *cpus,
               const bool *online)
{
    int cpu;

    cell->cpus = qd_calloc(MAX_CPUS, sizeof(*cell->cpus));
    for (cpu = 0; cpu < MAX_CPUS; cpu++) {
        struct qd_qemu_numa_cpu *c;
        long long v;

        if (!cpus[cpu])
            continue;
        c = &cell->cpus[cell->ncpus++];
        c->id = cpu;
        c->socket_id = c->die_id = c->core_id = -1;
        if (online && !online[cpu])
            continue;           /* an offline CPU shows only its id */
        c->socket_id = cpu_topology_int(cpu, "physical_package_id", &v) == 0
                           ? (int) v : 0;
        c->die_id = cpu_topology_int(cpu, "die_id", &v) == 0 ? (int) v : 0;
        c->core_id = cpu_topology_int(cpu, "core_id", &v) == 0 ? (int) v : 0;
        (void) cpu_siblings(cpu, &c->siblings);
        if (!c->siblings)
            c->siblings = qd_asprintf("%d", cpu);
    }
}

int
qd_qemu_numa_read(struct qd_qemu_numa *ret, struct qd_err *err)
{
    _cleanup_free_ bool *online = cpulist_read(SYSFS_CPU "/online");
    int ids[MAX_NODES];
    int n = numa_node_ids(ids, MAX_NODES);
    int i, j;

    memset(ret, 0, sizeof(*ret));
    if (n < 0) {
        /* libvirt fakes one cell holding everything */
        _cleanup_free_ bool *present = cpulist_read(SYSFS_CPU "/present");
        struct qd_qemu_numa_cell *cell;

        ret->cells = qd_calloc(1, sizeof(*ret->cells));
        ret->ncells = 1;
        cell = &ret->cells[0];
        (void) host_memory(&cell->mem_kib, &cell->free_kib);
        if (present)
            numa_fill_cpus(cell, present, online);
        return 0;
    }

    ret->cells = qd_calloc((size_t) n, sizeof(*ret->cells));
    for (i = 0; i < n; i++) {
        struct qd_qemu_numa_cell *cell = &ret->cells[ret->ncells++];
        char path[128];
        _cleanup_free_ bool *cpus = NULL;
        _cleanup_free_ char *dist = NULL;

        cell->id = ids[i];
        snprintf(path, sizeof(path), SYSFS_NODE "/node%d/meminfo", ids[i]);
        (void) meminfo_kib(path, "MemTotal", &cell->mem_kib);
        (void) meminfo_kib(path, "MemFree", &cell->free_kib);
        snprintf(path, sizeof(path), SYSFS_NODE "/node%d/cpulist", ids[i]);
        if ((cpus = cpulist_read(path)))
            numa_fill_cpus(cell, cpus, online);
        /* "10 21": one value per node, in node order */
        snprintf(path, sizeof(path), SYSFS_NODE "/node%d/distance", ids[i]);
        if ((dist = read_line(path))) {
            char *p = dist, *end;

            cell->distance_ids = qd_calloc((size_t) n, sizeof(int));
            cell->distances = qd_calloc((size_t) n, sizeof(int));
            for (j = 0; j < n; j++) {
                long v = strtol(p, &end, 10);

                if (end == p)
                    break;
                cell->distance_ids[j] = ids[j];
                cell->distances[j] = (int) v;
                p = end;
            }
            cell->ndistances = j;
        }
    }
    (void) err;
    return 0;
}

void
qd_qemu_numa_clear(struct qd_qemu_numa *n)
{
    int i, j;

    for (i = 0; i < n->ncells; i++) {
        for (j = 0; j < n->cells[i].ncpus; j++)
            free(n->cells[i].cpus[j].siblings);
        free(n->cells[i].cpus);
        free(n->cells[i].distance_ids);
        free(n->cells[i].distances);
    }
    free(n->cells);
    memset(n, 0, sizeof(*n));
}

int
qd_qemu_huge_page_sizes(unsigned *sizes, int max)
{
    DIR *d = opendir("/sys/kernel/mm/hugepages");
    struct dirent *e;
    int n = 0;
    unsigned kib;

    if (!d)
        return 0;
    while ((e = readdir(d)) && n < max) {
        if (sscanf(e->d_name, "hugepages-%ukB", &kib) == 1)
            sizes[n++] = kib;
    }
    closedir(d);
    qsort(sizes, (size_t) n, sizeof(unsigned), cmp_int);
    return n;
}

uint64_t
qd_qemu_huge_pages_on_node(int node, unsigned size_kib)
{
    char path[160];
    long long v;

    snprintf(path, sizeof(path),
             SYSFS_NODE "/node%d/hugepages/hugepages-%ukB/nr_hugepages",
             node, size_kib);
    return read_int(path, &v) == 0 && v > 0 ? (uint64_t) v : 0;
}

void
qd_qemu_host_cpu_read(struct qd_qemu_host_cpu *ret)
{
    static const struct {
        const char *id, *name;
    } vendors[] = {
        { "GenuineIntel", "Intel" }, { "AuthenticAMD", "AMD" },
        { "HygonGenuine", "Hygon" }, { "CentaurHauls", "VIA" },
        { "  Shanghai  ", "Zhaoxin" },
    };
    char line[1024];
    FILE *f = fopen("/proc/cpuinfo", "re");
    size_t i;

    memset(ret, 0, sizeof(*ret));
    ret->phys_bits = -1;
    if (!f)
        return;
    while (fgets(line, sizeof(line), f)) {
        char *v = strchr(line, ':');

        if (line[0] == '\n')
            break;              /* the first processor is enough */
        if (!v)
            continue;
        v++;
        v += strspn(v, " \t");
        v[strcspn(v, "\n")] = '\0';
        if (strncmp(line, "vendor_id", 9) == 0) {
            for (i = 0; i < QD_ARRAY_SIZE(vendors); i++) {
                if (strcmp(v, vendors[i].id) == 0)
                    snprintf(ret->vendor, sizeof(ret->vendor), "%s",
                             vendors[i].name);
            }
        } else if (strncmp(line, "cpu family", 10) == 0) {
            ret->family = (unsigned) atoi(v);
        } else if (strncmp(line, "model\t", 6) == 0) {
            ret->model = (unsigned) atoi(v);
        } else if (strncmp(line, "stepping", 8) == 0) {
            ret->stepping = (unsigned) atoi(v);
        } else if (strncmp(line, "address sizes", 13) == 0) {
            ret->phys_bits = atoi(v);
        }
    }
    fclose(f);
}

/* ---- sysinfo ----------------------------------------------------------- */

struct dmi_entry {
    const char *name;            /* libvirt's entry name */
    const char *file;            /* /sys/class/dmi/id/<file> */
};

/* Append <@section> with the readable entries; nothing when none are. */
static bool
sysinfo_section(struct qd_buf *b, const char *section,
                const struct dmi_entry *entries, size_t n)
{
    struct qd_buf body = { 0 };
    size_t i;

    for (i = 0; i < n; i++) {
        char path[128];
        _cleanup_free_ char *v = NULL;

        snprintf(path, sizeof(path), SYSFS_DMI "/%s", entries[i].file);
        if (!(v = read_line(path)) || !*v)
            continue;
        qd_buf_printf(&body, "    <entry name='%s'>", entries[i].name);
        qd_qemu_buf_escape(&body, v);
        qd_buf_puts(&body, "</entry>\n");
    }
    if (!body.len)
        return false;
    qd_buf_printf(b, "  <%s>\n", section);
    qd_buf_append(b, body.data, body.len);
    qd_buf_printf(b, "  </%s>\n", section);
    qd_buf_clear(&body);
    return true;
}

/* virConnectGetSysinfo. libvirt runs dmidecode; the kernel's copy of the
 * same SMBIOS strings in /sys/class/dmi/id needs no helper binary (and
 * has no processor or memory tables, so those sections are absent). */
char *
qd_qemu_get_sysinfo(struct qd_conn *conn, unsigned flags, struct qd_err *err)
{
    static const struct dmi_entry bios[] = {
        { "vendor", "bios_vendor" }, { "version", "bios_version" },
        { "date", "bios_date" }, { "release", "bios_release" },
    };
    static const struct dmi_entry sys[] = {
        { "manufacturer", "sys_vendor" }, { "product", "product_name" },
        { "version", "product_version" }, { "serial", "product_serial" },
        { "uuid", "product_uuid" }, { "sku", "product_sku" },
        { "family", "product_family" },
    };
    static const struct dmi_entry board[] = {
        { "manufacturer", "board_vendor" }, { "product", "board_name" },
        { "version", "board_version" }, { "serial", "board_serial" },
        { "asset", "board_asset_tag" },
    };
    static const struct dmi_entry chassis[] = {
        { "manufacturer", "chassis_vendor" },
        { "version", "chassis_version" }, { "serial", "chassis_serial" },
        { "asset", "chassis_asset_tag" },
    };
    struct qd_buf b = { 0 };
    bool any = false;

    if (flags) {
        qd_err_set(err, QD_ERR_INVALID_ARG, QD_FROM_QEMU,
                   "unsupported flags (0x%x) in function "
                   "qemuConnectGetSysinfo", flags);
        return NULL;
    }
    qd_buf_puts(&b, "<sysinfo type='smbios'>\n");
    any |= sysinfo_section(&b, "bios", bios, QD_ARRAY_SIZE(bios));
    any |= sysinfo_section(&b, "system", sys, QD_ARRAY_SIZE(sys));
    any |= sysinfo_section(&b, "baseBoard", board, QD_ARRAY_SIZE(board));
    any |= sysinfo_section(&b, "chassis", chassis, QD_ARRAY_SIZE(chassis));
    qd_buf_puts(&b, "</sysinfo>\n");
    if (!any) {
        qd_buf_clear(&b);
        qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_QEMU,
                      "Host SMBIOS information is not available");
        return NULL;
    }
    return qd_buf_steal_str(&b);
}

/* ---- host name ------------------------------------------------------- */

/* virGetHostname: gethostname(), and if that is neither qualified nor
 * "localhost*", the canonical name getaddrinfo() gives for it. */
char *
qd_qemu_get_hostname(struct qd_conn *conn, struct qd_err *err)
{
    char name[HOST_NAME_MAX + 1];
    struct addrinfo hints, *res = NULL;
    char *ret;

    if (gethostname(name, sizeof(name)) < 0) {
        qd_err_sys(err, QD_QEMU_ERR_SYSTEM, QD_FROM_NONE, errno,
                   "failed to determine host name");
        return NULL;
    }
    name[sizeof(name) - 1] = '\0';
    if (strncmp(name, "localhost", 9) == 0 || strchr(name, '.'))
        return qd_strdup(name);
    memset(&hints, 0, sizeof(hints));
    hints.ai_flags = AI_CANONNAME | AI_CANONIDN;
    hints.ai_family = AF_UNSPEC;
    if (getaddrinfo(name, NULL, &hints, &res) != 0 || !res)
        return qd_strdup(name);
    if (res->ai_canonname && strncmp(res->ai_canonname, "localhost", 9) != 0)
        ret = qd_strdup(res->ai_canonname);
    else
        ret = qd_strdup(name);
    freeaddrinfo(res);
    return ret;
}
