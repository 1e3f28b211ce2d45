/* The QEMU driver's statistics: domstats (CONNECT_GET_ALL_DOMAIN_STATS),
 * vcpuinfo (GET_VCPUS), the vcpupin/emulatorpin queries, dommemstat,
 * domblkstat and domifstat.
 *
 * Two sources, two rules. What the kernel knows (state, CPU times, the
 * vCPU threads and their affinity, RSS, tap counters, image sizes of a
 * stopped domain) is read from /proc and the files under dom->lock only,
 * so it never waits for QEMU. What only QEMU knows (block counters and
 * sizes, balloon guest statistics, dirty rate, iothreads) needs QMP and so
 * the domain's job, taken with a short bounded wait: a single-domain call
 * then fails with libvirt's timeout error, and domstats leaves those
 * fields out, as libvirt does when it cannot get its job. The readers of
 * /proc and /sys are in qemu_procfs.c. */
#define QD_LOG_MODULE "qemu.stats"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "drivers/qemu/qemu_driver.h"
#include "drivers/qemu/qemu_monitor.h"
#include "drivers/qemu/qemu_procfs.h"
#include "util/err.h"
#include "util/log.h"
#include "util/mem.h"

/* How long a query waits for a busy domain's job, and for each answer
 * of QEMU (a stuck QEMU costs a caller one timeout, not one per query). */
#define STATS_JOB_WAIT_MS 3000
#define STATS_QMP_TIMEOUT_MS 5000

/* virDomainStatsTypes */
enum {
    ST_STATE = 1u << 0, ST_CPU = 1u << 1, ST_BALLOON = 1u << 2,
    ST_VCPU = 1u << 3, ST_IFACE = 1u << 4, ST_BLOCK = 1u << 5,
    ST_PERF = 1u << 6, ST_IOTHREAD = 1u << 7, ST_MEMORY = 1u << 8,
    ST_DIRTYRATE = 1u << 9, ST_VM = 1u << 10,
};
/* Every group libvirt's QEMU driver has with QEMU 7.2. perf, memory
 * (resctrl bandwidth) and vm (KVM's query-stats) report nothing for the
 * guests qemud runs, as libvirt reports nothing for them under TCG
 * without perf events or resctrl monitors. */
#define ST_SUPPORTED 0x7ffu

/* VIR_CONNECT_GET_ALL_DOMAINS_STATS_*: besides the list filters
 * (QD_LIST_DOMAINS_STATS_FILTERS) */
#define SF_NOWAIT (1u << 29)
#define SF_BACKING (1u << 30)
#define SF_ENFORCE (1u << 31)

/* virDomainMemoryStatTags */
enum {
    MS_SWAP_IN, MS_SWAP_OUT, MS_MAJOR_FAULT, MS_MINOR_FAULT, MS_UNUSED,
    MS_AVAILABLE, MS_ACTUAL_BALLOON, MS_RSS, MS_USABLE, MS_LAST_UPDATE,
    MS_DISK_CACHES, MS_HUGETLB_PGALLOC, MS_HUGETLB_PGFAIL, MS_NR,
};

#define AFFECT_LIVE 1u
#define AFFECT_CONFIG 2u
#define TYPED_PARAM_STRING_OKAY 4u

static int
err_flags(struct qd_err *err, unsigned flags, const char *fn)
{
    return qd_err_report(err, QD_ERR_INVALID_ARG, QD_FROM_QEMU,
                         "unsupported flags (0x%x) in function %s", flags, fn);
}

/* ---- the definition ----------------------------------------------------- */

/* virDomainObjGetOneDefState: the def @flags (AFFECT_LIVE/CONFIG, neither
 * = current) names. dom->lock held. */
static const struct qd_dom_def *
one_def(const struct qd_qdom *dom, unsigned flags, struct qd_err *err)
{
    bool active = qd_qdom_is_active(dom);

    if ((flags & AFFECT_LIVE) && (flags & AFFECT_CONFIG))
        return qd_err_report(err, QD_ERR_INVALID_ARG, QD_FROM_QEMU, "%s",
                             "Flags 'VIR_DOMAIN_AFFECT_LIVE' and "
                             "'VIR_DOMAIN_AFFECT_CONFIG' are mutually "
                             "exclusive"), NULL;
    if (!(flags & (AFFECT_LIVE | AFFECT_CONFIG)))
        flags |= active ? AFFECT_LIVE : AFFECT_CONFIG;
    if ((flags & AFFECT_LIVE) && !active)
        return qd_qdom_err_not_active(err), NULL;
    if ((flags & AFFECT_CONFIG) && !dom->persistent)
        return qd_err_report(err, QD_ERR_OPERATION_INVALID, QD_FROM_QEMU,
                             "%s", "transient domains do not have any "
                             "persistent config"), NULL;
    return active && (flags & AFFECT_CONFIG) ? qd_qdom_persistent_def(dom)
                                             : dom->def;
}

/* <cputune><vcpupin vcpu='@vcpu'> (or <emulatorpin> for @vcpu -1)'s
 * cpuset, or NULL. */
static const char *
cputune_cpuset(const struct qd_dom_def *def, int vcpu)
{
    const struct qd_dom_xnode *ct = qd_dom_xlist_find(&def->top_extra,
                                                      "cputune");
    size_t i;

    for (i = 0; ct && i < ct->nkids; i++) {
        const struct qd_dom_xnode *k = ct->kids[i];
        const char *v = qd_dom_xnode_attr(k, "vcpu");

        if (vcpu < 0 && strcmp(k->name, "emulatorpin") == 0)
            return qd_dom_xnode_attr(k, "cpuset");
        if (vcpu >= 0 && strcmp(k->name, "vcpupin") == 0 && v &&
            atoi(v) == vcpu)
            return qd_dom_xnode_attr(k, "cpuset");
    }
    return NULL;
}

/* Where vCPU @vcpu (-1: the emulator) may run, as libvirt's pin queries
 * say: its own pin, else <vcpu cpuset>, else every online host CPU. */
static void
pin_map(const struct qd_dom_def *def, int vcpu, unsigned char *map,
        int maplen)
{
    const char *set = cputune_cpuset(def, vcpu);

    if (set && qd_qemu_procfs_cpulist(set, map, maplen) == 0)
        return;
    if (def->cpuset && qd_qemu_procfs_cpulist(def->cpuset, map, maplen) == 0)
        return;
    qd_qemu_procfs_online_cpus(map, maplen);
}

/* virDomainDiskIndexByName: the target name, else an unambiguous source
 * path; -1 when none. */
static int
find_disk(const struct qd_dom_def *def, const char *name)
{
    int cand = -1;
    size_t i;

    for (i = 0; i < def->ndisks; i++) {
        const struct qd_dom_disk *d = def->disks[i];

        if (strcmp(d->dst, name) == 0)
            return (int) i;
        if (d->src_path && strcmp(d->src_path, name) == 0) {
            if (cand >= 0)
                return -1;
            cand = (int) i;
        }
    }
    return cand;
}

/* The index N of disk @i's "libvirt-N-format" node, as the command line
 * names them (qemu_command_dev.c, build_disk: N counts down from the
 * number of disks, libvirt's order); 0 for a disk without a source. */
static unsigned
disk_node(const struct qd_dom_def *def, size_t i)
{
    return def->disks[i]->src_path ? (unsigned) (def->ndisks - i) : 0;
}

static bool
has_balloon(const struct qd_dom_def *def)
{
    return def->memballoon && strcmp(def->memballoon->model, "none") != 0;
}

/* virDomainNetFind: by MAC when @device parses as one, else by host-side
 * name; NULL with libvirt's error. */
static const struct qd_dom_net *
find_net(const struct qd_dom_def *def, const char *device,
         struct qd_err *err)
{
    unsigned char mac[6];
    bool is_mac = true;
    const char *p = device;
    size_t i, k;

    for (k = 0; k < 6 && is_mac; k++) {
        unsigned long v;
        char *end;

        if (!isxdigit((unsigned char) *p)) {
            is_mac = false;
            break;
        }
        v = strtoul(p, &end, 16);
        if (v > 255 || end - p > 2 || (k < 5 && *end != ':') ||
            (k == 5 && *end))
            is_mac = false;
        mac[k] = (unsigned char) v;
        p = end + (k < 5);
    }
    for (i = 0; i < def->nnets; i++) {
        const struct qd_dom_net *n = def->nets[i];

        if (is_mac ? memcmp(n->mac, mac, 6) == 0
                   : (n->ifname && strcmp(n->ifname, device) == 0))
            return n;
    }
    return qd_err_report(err, QD_ERR_INVALID_ARG, QD_FROM_DOMAIN,
                         "'%s' is not a known interface", device), NULL;
}

/* ---- image sizes of a stopped domain ------------------------------------ */

struct img_size {
    uint64_t allocation, capacity, physical;
};

/* qemuStorageLimitsRefresh for a local image: allocated bytes, the
 * guest-visible size (qcow2's header, else the file's) and the file's
 * size. Returns 0, or -1 when the image cannot be read. */
static int
image_sizes(const struct qd_dom_disk *d, struct img_size *sz)
{
    const char *fmt = qd_dom_xnode_attr(d->driver, "type");
    _cleanup_close_ int fd = -1;
    unsigned char hdr[32];
    struct stat sb;

    memset(sz, 0, sizeof(*sz));
    if (!d->src_path ||
        (fd = open(d->src_path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0 ||
        fstat(fd, &sb) < 0)
        return -1;
    if (S_ISREG(sb.st_mode)) {
        sz->allocation = (uint64_t) sb.st_blocks * 512;
        sz->capacity = sz->physical = (uint64_t) sb.st_size;
    } else if (S_ISBLK(sb.st_mode)) {
        off_t end = lseek(fd, 0, SEEK_END);

        if (end < 0)
            return -1;
        sz->allocation = sz->capacity = sz->physical = (uint64_t) end;
    } else {
        return 0;
    }
    /* qcow2: "QFI\xfb", the virtual size at offset 24, big-endian */
    if (fmt && strcmp(fmt, "qcow2") == 0 &&
        pread(fd, hdr, sizeof(hdr), 0) == (ssize_t) sizeof(hdr) &&
        memcmp(hdr, "QFI\xfb", 4) == 0) {
        uint64_t v = 0;
        int k;

        for (k = 24; k < 32; k++)
            v = (v << 8) | hdr[k];
        if (v)
            sz->capacity = v;
        if (S_ISBLK(sb.st_mode))
            sz->allocation = 0;     /* only QEMU knows */
    }
    return 0;
}

/* ---- QMP ---------------------------------------------------------------- */

/* What a query got from QEMU (each NULL when not asked or failed). */
struct qmp_data {
    json_object *blockstats;    /* query-blockstats */
    json_object *nodes;         /* query-named-block-nodes (flat) */
    json_object *balloon;       /* query-balloon */
    json_object *guest;         /* qom-get of the balloon's guest-stats */
    json_object *dirtyrate;     /* query-dirty-rate */
    json_object *iothreads;     /* query-iothreads */
};
enum { Q_BLOCK = 1, Q_BALLOON = 2, Q_DIRTYRATE = 4, Q_IOTHREAD = 8 };

static void
qmp_data_clear(struct qmp_data *q)
{
    json_object_put(q->blockstats);
    json_object_put(q->nodes);
    json_object_put(q->balloon);
    json_object_put(q->guest);
    json_object_put(q->dirtyrate);
    json_object_put(q->iothreads);
    memset(q, 0, sizeof(*q));
}

/* dom->lock and the job held: one QMP command, as qd_qemu_process_qmp
 * runs it (dom->lock dropped while QEMU answers; the job keeps dom->mon)
 * but with the queries' shorter timeout. @args taken. */
static int
stats_qmp(struct qd_qdom *dom, const char *cmd, json_object *args,
          json_object **ret, struct qd_err *err)
{
    struct qd_qmp *mon = dom->mon;
    int rc;

    if (!mon) {
        json_object_put(args);
        return qd_qdom_err_not_active(err);
    }
    qd_qmp_ref(mon);            /* a destroy may close dom->mon meanwhile */
    pthread_mutex_unlock(&dom->lock);
    rc = qd_qmp_command(mon, cmd, args, ret, STATS_QMP_TIMEOUT_MS, err);
    qd_qmp_unref(mon);
    pthread_mutex_lock(&dom->lock);
    return rc;
}

/* dom->lock and the job held: run the queries @what names. query-blockstats
 * and query-balloon are what the single-domain calls cannot do without:
 * their failure is returned (-1, @err set). The others only leave their
 * member NULL, unless QEMU stopped answering at all (anything but an
 * error reply): then the rest is not asked either. */
static int
qmp_fetch(struct qd_qdom *dom, unsigned what, struct qmp_data *q,
          struct qd_err *err)
{
    struct qd_err e = QD_ERR_INIT;
    bool gone = false;

    if (what & Q_BLOCK) {
        if (stats_qmp(dom, "query-blockstats", NULL, &q->blockstats, err) < 0)
            return -1;
        if (stats_qmp(dom, "query-named-block-nodes",
                      json_tokener_parse("{\"flat\":true}"), &q->nodes,
                      &e) < 0) {
            gone = e.code != QD_ERR_INTERNAL_ERROR;
            qd_err_clear(&e);
        }
    }
    if ((what & Q_BALLOON) && !gone) {
        const struct qd_dom_memballoon *m;
        _cleanup_free_ char *path = NULL;
        json_object *args;

        if (stats_qmp(dom, "query-balloon", NULL, &q->balloon, err) < 0)
            return -1;
        /* the device's id is its user alias or balloon0 (build_balloon);
         * the def is read again, dom->lock was dropped */
        m = dom->def->memballoon;
        path = qd_asprintf("/machine/peripheral/%s",
                           m && m->info.alias ? m->info.alias : "balloon0");
        args = json_object_new_object();
        json_object_object_add(args, "path", json_object_new_string(path));
        json_object_object_add(args, "property",
                               json_object_new_string("guest-stats"));
        if (stats_qmp(dom, "qom-get", args, &q->guest, &e) < 0) {
            gone = e.code != QD_ERR_INTERNAL_ERROR;
            qd_err_clear(&e);
        }
    }
    if ((what & Q_DIRTYRATE) && !gone &&
        stats_qmp(dom, "query-dirty-rate", NULL, &q->dirtyrate, &e) < 0) {
        gone = e.code != QD_ERR_INTERNAL_ERROR;
        qd_err_clear(&e);
    }
    if ((what & Q_IOTHREAD) && !gone &&
        stats_qmp(dom, "query-iothreads", NULL, &q->iothreads, &e) < 0)
        qd_err_clear(&e);
    return 0;
}

/* Member @key of object @o as an unsigned number; false when absent. */
static bool
jget_u64(json_object *o, const char *key, uint64_t *v)
{
    json_object *x;

    if (!o || !json_object_is_type(o, json_type_object) ||
        !json_object_object_get_ex(o, key, &x) ||
        !json_object_is_type(x, json_type_int))
        return false;
    *v = json_object_get_uint64(x);
    return true;
}

static json_object *
jget(json_object *o, const char *key)
{
    json_object *x;

    if (!o || !json_object_is_type(o, json_type_object) ||
        !json_object_object_get_ex(o, key, &x))
        return NULL;
    return x;
}

/* The query-blockstats entry of block node @node ("libvirt-N-format"). */
static json_object *
blockstats_find(json_object *arr, unsigned node)
{
    char name[48];
    size_t i, n;

    if (!arr || !json_object_is_type(arr, json_type_array) || !node)
        return NULL;
    snprintf(name, sizeof(name), "libvirt-%u-format", node);
    n = json_object_array_length(arr);
    for (i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(arr, i);
        json_object *nn = jget(e, "node-name");

        if (nn && strcmp(json_object_get_string(nn), name) == 0)
            return e;
    }
    return NULL;
}

/* The query-named-block-nodes entry's "image" of node @node. */
static json_object *
node_image_find(json_object *arr, unsigned node)
{
    char name[48];
    size_t i, n;

    if (!arr || !json_object_is_type(arr, json_type_array) || !node)
        return NULL;
    snprintf(name, sizeof(name), "libvirt-%u-format", node);
    n = json_object_array_length(arr);
    for (i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(arr, i);
        json_object *nn = jget(e, "node-name");

        if (nn && strcmp(json_object_get_string(nn), name) == 0)
            return jget(e, "image");
    }
    return NULL;
}

/* A disk's counters, as libvirt keeps them (qemuBlockStats). */
struct blk {
    uint64_t rd_req, rd_bytes, wr_req, wr_bytes;
    uint64_t rd_ns, wr_ns, fl_req, fl_ns;
    uint64_t wr_highest;
};

/* Adds the counters of query-blockstats entry @e to @b; returns how many
 * of libvirt's eight counters the entry has (the first four always
 * count, as in qemuMonitorJSONBlockStatsCollectData). */
static int
blk_add(struct blk *b, json_object *e)
{
    json_object *s = jget(e, "stats");
    uint64_t v;
    int n = 4;

    if (jget_u64(s, "rd_operations", &v))
        b->rd_req += v;
    if (jget_u64(s, "rd_bytes", &v))
        b->rd_bytes += v;
    if (jget_u64(s, "wr_operations", &v))
        b->wr_req += v;
    if (jget_u64(s, "wr_bytes", &v))
        b->wr_bytes += v;
    if (jget_u64(s, "rd_total_time_ns", &v))
        b->rd_ns += v, n++;
    if (jget_u64(s, "wr_total_time_ns", &v))
        b->wr_ns += v, n++;
    if (jget_u64(s, "flush_operations", &v))
        b->fl_req += v, n++;
    if (jget_u64(s, "flush_total_time_ns", &v))
        b->fl_ns += v, n++;
    if (jget_u64(jget(jget(e, "parent"), "stats"), "wr_highest_offset", &v))
        b->wr_highest = v;
    return n;
}

/* ---- typed parameters --------------------------------------------------- */

static void
add_ull_i(struct qd_tparams *p, const char *group, size_t i,
          const char *name, uint64_t v)
{
    char f[96];

    snprintf(f, sizeof(f), "%s.%zu.%s", group, i, name);
    qd_tparams_add_ullong(p, f, v);
}

static void
add_str_i(struct qd_tparams *p, const char *group, size_t i,
          const char *name, const char *v)
{
    char f[96];

    snprintf(f, sizeof(f), "%s.%zu.%s", group, i, name);
    qd_tparams_add_string(p, f, v);
}

/* ---- memory ------------------------------------------------------------- */

/* libvirt's qemuDomainMemoryStatsInternal on what QMP said: the balloon's
 * size and the guest's statistics (with a balloon), then the RSS. dom->lock
 * held, domain active. Returns the count (at most @max). */
static unsigned
mem_stats_fill(const struct qd_qdom *dom, const struct qmp_data *q,
               struct qd_mem_stat *st, unsigned max)
{
    static const struct {
        const char *name;
        int tag;
        unsigned div;
    } guest[] = {
        { "stat-swap-in", MS_SWAP_IN, 1024 },
        { "stat-swap-out", MS_SWAP_OUT, 1024 },
        { "stat-major-faults", MS_MAJOR_FAULT, 1 },
        { "stat-minor-faults", MS_MINOR_FAULT, 1 },
        { "stat-free-memory", MS_UNUSED, 1024 },
        { "stat-total-memory", MS_AVAILABLE, 1024 },
        { "stat-available-memory", MS_USABLE, 1024 },
        { NULL, MS_LAST_UPDATE, 1 },        /* "last-update", one level up */
        { "stat-disk-caches", MS_DISK_CACHES, 1024 },
        { "stat-htlb-pgalloc", MS_HUGETLB_PGALLOC, 1 },
        { "stat-htlb-pgfail", MS_HUGETLB_PGFAIL, 1 },
    };
    struct qd_qemu_pstat ps;
    unsigned n = 0;
    uint64_t v;
    size_t i;

    if (has_balloon(dom->def)) {
        if (n < max && jget_u64(q->balloon, "actual", &v))
            st[n++] = (struct qd_mem_stat) { MS_ACTUAL_BALLOON, v / 1024 };
        for (i = 0; q->guest && i < QD_ARRAY_SIZE(guest) && n < max; i++) {
            bool got = guest[i].name ?
                       jget_u64(jget(q->guest, "stats"), guest[i].name, &v) :
                       jget_u64(q->guest, "last-update", &v);

            /* a statistic the guest does not report is all ones */
            if (got && v != UINT64_MAX)
                st[n++] = (struct qd_mem_stat) { guest[i].tag,
                                                 v / guest[i].div };
        }
    }
    if (n < max && qd_qemu_procfs_stat(dom->pid, 0, &ps) == 0)
        st[n++] = (struct qd_mem_stat) {
            MS_RSS, (uint64_t) ps.rss_pages *
                    ((uint64_t) sysconf(_SC_PAGESIZE) / 1024) };
    return n;
}

int
qd_qemu_domain_memory_stats(struct qd_conn *conn,
                            const struct qd_dom_ref *ref,
                            struct qd_mem_stat *stats, unsigned max,
                            unsigned flags, struct qd_err *err)
{
    struct qmp_data q = { 0 };
    struct qd_qdom *dom;
    bool job = false;
    int rc = -1;

    if (flags)
        return err_flags(err, flags, "qemuDomainMemoryStats");
    if (!(dom = qd_qdom_find_ref(ref, err)))
        return -1;
    if (has_balloon(dom->def) && qd_qdom_is_active(dom)) {
        if (qd_qdom_job_begin_wait(dom, "DomainMemoryStats",
                                   STATS_JOB_WAIT_MS, err) < 0)
            goto out;
        job = true;
        if (qmp_fetch(dom, Q_BALLOON, &q, err) < 0)
            goto out;
    }
    if (!qd_qdom_is_active(dom)) {
        qd_qdom_err_not_active(err);
        goto out;
    }
    rc = (int) mem_stats_fill(dom, &q, stats, max);
out:
    if (job)
        qd_qdom_job_end(dom);
    qd_qdom_put(dom);
    qmp_data_clear(&q);
    return rc;
}

/* ---- vCPUs and pinning -------------------------------------------------- */

/* virsh vcpuinfo sizes its maps with this, and python's vcpus() and pin
 * queries cannot do without it. */
int
qd_qemu_node_get_cpu_map(struct qd_conn *conn, unsigned char **ret_map,
                         unsigned *ret_online, unsigned flags,
                         struct qd_err *err)
{
    int n = qd_qemu_procfs_cpu_count(), maplen = (n + 7) / 8, i;
    unsigned char *map;
    unsigned online = 0;

    if (flags)
        return err_flags(err, flags, "virHostCPUGetMap");
    if (!ret_map && !ret_online)
        return n;
    map = qd_calloc(maplen ? (size_t) maplen : 1, 1);
    qd_qemu_procfs_online_cpus(map, maplen);
    for (i = 0; i < n; i++)
        online += (map[i / 8] >> (i % 8)) & 1u;
    if (ret_online)
        *ret_online = online;
    if (ret_map)
        *ret_map = map;
    else
        free(map);
    return n;
}

int
qd_qemu_domain_get_vcpus(struct qd_conn *conn, const struct qd_dom_ref *ref,
                         int maxinfo, struct qd_vcpu_info *info,
                         unsigned char *cpumaps, int maplen,
                         struct qd_err *err)
{
    _cleanup_free_ pid_t *tids = NULL;
    struct qd_qdom *dom;
    unsigned ncur, i;
    int n = 0;

    if (!(dom = qd_qdom_find_ref(ref, err)))
        return -1;
    if (!qd_qdom_is_active(dom)) {
        n = qd_err_report(err, QD_ERR_OPERATION_INVALID, QD_FROM_QEMU, "%s",
                          "cannot retrieve vcpu information for inactive "
                          "domain");
        goto out;
    }
    if (maxinfo == 0)
        goto out;
    ncur = dom->def->vcpus;
    tids = qd_calloc(ncur ? ncur : 1, sizeof(*tids));
    if (qd_qemu_procfs_vcpu_threads(dom->pid, ncur, tids) == 0) {
        n = qd_err_report(err, QD_ERR_OPERATION_INVALID, QD_FROM_QEMU, "%s",
                          "cpu affinity is not supported");
        goto out;
    }
    for (i = 0; i < ncur && n < maxinfo; i++) {
        pid_t tid = tids[i];
        struct qd_qemu_pstat ps;

        if (qd_qemu_procfs_stat(dom->pid, tid, &ps) < 0) {
            n = qd_err_sys(err, QD_ERR_SYSTEM_ERROR, QD_FROM_QEMU, errno,
                           "cannot get vCPU placement & pCPU time");
            goto out;
        }
        info[n] = (struct qd_vcpu_info) { i, 1 /* VIR_VCPU_RUNNING */,
                                          ps.user_ns + ps.sys_ns, ps.cpu };
        if (maplen > 0 &&
            qd_qemu_procfs_affinity(tid ? tid : dom->pid,
                                    cpumaps + (size_t) n * (size_t) maplen,
                                    maplen) < 0) {
            n = qd_err_sys(err, QD_ERR_SYSTEM_ERROR, QD_FROM_QEMU, errno,
                           "cannot get CPU affinity of process %d",
                           (int) (tid ? tid : dom->pid));
            goto out;
        }
        n++;
    }
out:
    qd_qdom_put(dom);
    return n;
}

int
qd_qemu_domain_get_vcpu_pin_info(struct qd_conn *conn,
                                 const struct qd_dom_ref *ref, int ncpumaps,
                                 unsigned char *cpumaps, int maplen,
                                 unsigned flags, struct qd_err *err)
{
    const struct qd_dom_def *def;
    struct qd_qdom *dom;
    int i;

    if (flags & ~(AFFECT_LIVE | AFFECT_CONFIG))
        return err_flags(err, flags & ~(AFFECT_LIVE | AFFECT_CONFIG),
                         "qemuDomainGetVcpuPinInfo");
    if (!(dom = qd_qdom_find_ref(ref, err)))
        return -1;
    if (!(def = one_def(dom, flags, err))) {
        qd_qdom_put(dom);
        return -1;
    }
    for (i = 0; i < (int) def->max_vcpus && i < ncpumaps; i++)
        pin_map(def, i, cpumaps + (size_t) i * (size_t) maplen, maplen);
    qd_qdom_put(dom);
    return i;
}

int
qd_qemu_domain_get_emulator_pin_info(struct qd_conn *conn,
                                     const struct qd_dom_ref *ref,
                                     unsigned char *cpumap, int maplen,
                                     unsigned flags, struct qd_err *err)
{
    const struct qd_dom_def *def;
    struct qd_qdom *dom;

    if (flags & ~(AFFECT_LIVE | AFFECT_CONFIG))
        return err_flags(err, flags & ~(AFFECT_LIVE | AFFECT_CONFIG),
                         "qemuDomainGetEmulatorPinInfo");
    if (!(dom = qd_qdom_find_ref(ref, err)))
        return -1;
    if (!(def = one_def(dom, flags, err))) {
        qd_qdom_put(dom);
        return -1;
    }
    pin_map(def, -1, cpumap, maplen);
    qd_qdom_put(dom);
    return 1;
}

/* ---- block -------------------------------------------------------------- */

/* domblkstat's common part: the counters of disk @path ("" all disks)
 * and libvirt's count of statistics. Takes the job (bounded wait). */
static int
block_gather(const struct qd_dom_ref *ref, const char *path, const char *api,
             struct blk *b, int *ret_nstats, struct qd_err *err)
{
    struct qmp_data q = { 0 };
    const struct qd_dom_def *def;
    struct qd_qdom *dom;
    int rc = -1, idx = -1, nstats = 0;
    size_t i, n;

    memset(b, 0, sizeof(*b));
    if (!(dom = qd_qdom_find_ref(ref, err)))
        return -1;
    if (qd_qdom_job_begin_wait(dom, api, STATS_JOB_WAIT_MS, err) < 0) {
        qd_qdom_put(dom);
        return -1;
    }
    if (!qd_qdom_is_active(dom)) {
        qd_qdom_err_not_active(err);
        goto out;
    }
    if (*path && (idx = find_disk(dom->def, path)) < 0) {
        qd_err_report(err, QD_ERR_INVALID_ARG, QD_FROM_QEMU,
                      "invalid path: %s", path);
        goto out;
    }
    if (qmp_fetch(dom, Q_BLOCK, &q, err) < 0)
        goto out;
    if (!qd_qdom_is_active(dom)) {
        qd_qdom_err_not_active(err);
        goto out;
    }
    def = dom->def;
    n = json_object_is_type(q.blockstats, json_type_array) ?
        json_object_array_length(q.blockstats) : 0;
    for (i = 0; i < n; i++) {
        struct blk scratch = { 0 };
        int k = blk_add(&scratch, json_object_array_get_idx(q.blockstats,
                                                            i));

        if (k > nstats)
            nstats = k;
    }
    for (i = 0; i < def->ndisks; i++) {
        unsigned node = disk_node(def, i);
        json_object *e;

        if ((idx >= 0 && (size_t) idx != i) || !node)
            continue;           /* an empty drive counts nothing */
        if (!(e = blockstats_find(q.blockstats, node))) {
            qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_QEMU,
                          "cannot find statistics for device "
                          "'libvirt-%u-format'", node);
            goto out;
        }
        (void) blk_add(b, e);
    }
    *ret_nstats = nstats;
    rc = 0;
out:
    qd_qdom_job_end(dom);
    qd_qdom_put(dom);
    qmp_data_clear(&q);
    return rc;
}

int
qd_qemu_domain_block_stats(struct qd_conn *conn, const struct qd_dom_ref *ref,
                           const char *path, struct qd_block_stats *ret,
                           struct qd_err *err)
{
    struct blk b;
    int nstats;

    if (block_gather(ref, path, "DomainBlockStats", &b, &nstats, err) < 0)
        return -1;
    ret->rd_req = (int64_t) b.rd_req;
    ret->rd_bytes = (int64_t) b.rd_bytes;
    ret->wr_req = (int64_t) b.wr_req;
    ret->wr_bytes = (int64_t) b.wr_bytes;
    ret->errs = -1;             /* QEMU does not count errors */
    return 0;
}

int
qd_qemu_domain_block_stats_flags(struct qd_conn *conn,
                                 const struct qd_dom_ref *ref,
                                 const char *path, unsigned flags,
                                 struct qd_tparams *ret, struct qd_err *err)
{
    struct blk b;
    int nstats, i;

    if (flags & ~TYPED_PARAM_STRING_OKAY)
        return err_flags(err, flags & ~TYPED_PARAM_STRING_OKAY,
                         "qemuDomainBlockStatsFlags");
    if (block_gather(ref, path, "DomainBlockStatsFlags", &b, &nstats,
                     err) < 0)
        return -1;
    /* libvirt's order; as many as QEMU reported kinds of counters */
    for (i = 0; i < nstats; i++) {
        static const char *const names[] = {
            "wr_bytes", "wr_operations", "rd_bytes", "rd_operations",
            "flush_operations", "wr_total_times", "rd_total_times",
            "flush_total_times",
        };
        const uint64_t vals[] = {
            b.wr_bytes, b.wr_req, b.rd_bytes, b.rd_req, b.fl_req, b.wr_ns,
            b.rd_ns, b.fl_ns,
        };

        qd_tparams_add_llong(ret, names[i], (int64_t) vals[i]);
    }
    return 0;
}

/* ---- interfaces --------------------------------------------------------- */

int
qd_qemu_domain_interface_stats(struct qd_conn *conn,
                               const struct qd_dom_ref *ref,
                               const char *device, struct qd_iface_stats *ret,
                               struct qd_err *err)
{
    const struct qd_dom_net *net;
    struct qd_qdom *dom;
    int rc = -1;

    if (!(dom = qd_qdom_find_ref(ref, err)))
        return -1;
    if (!qd_qdom_is_active(dom))
        qd_qdom_err_not_active(err);
    else if ((net = find_net(dom->def, device, err))) {
        /* libvirt-compat: a user-mode (slirp) NIC has no host side, so
         * libvirt has nothing to read either */
        if (!net->ifname)
            qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_NONE, "%s",
                          "Interface name not provided");
        else
            rc = qd_qemu_procfs_net_dev(net->ifname, ret, err);
    }
    qd_qdom_put(dom);
    return rc;
}

/* ---- domstats ----------------------------------------------------------- */

static void
group_cpu(const struct qd_qdom *dom, struct qd_tparams *p)
{
    uint64_t success = 0, fail = 0;
    struct qd_qemu_pstat ps = { 0 };

    if (!qd_qdom_is_active(dom)) {
        /* libvirt-compat: libvirt reads /proc/<pid 0>, i.e. its own
         * process, for a stopped domain; the fields are kept, at 0 */
        qd_tparams_add_ullong(p, "cpu.time", 0);
        qd_tparams_add_ullong(p, "cpu.user", 0);
        qd_tparams_add_ullong(p, "cpu.system", 0);
        return;
    }
    if (qd_qemu_procfs_stat(dom->pid, 0, &ps) == 0) {
        qd_tparams_add_ullong(p, "cpu.time", ps.user_ns + ps.sys_ns);
        qd_tparams_add_ullong(p, "cpu.user", ps.user_ns);
        qd_tparams_add_ullong(p, "cpu.system", ps.sys_ns);
    }
    /* no resctrl monitors are ever set up */
    qd_tparams_add_uint(p, "cpu.cache.monitor.count", 0);
    /* libvirt-compat: libvirt asks QEMU's query-stats for KVM's
     * halt-polling times, which sum to 0 under TCG; KVM guests have them
     * in debugfs too */
    if (qd_qemu_procfs_haltpoll(dom->pid, &success, &fail) == 0 ||
        (dom->def->virt_type && strcmp(dom->def->virt_type, "qemu") == 0)) {
        qd_tparams_add_ullong(p, "cpu.haltpoll.success.time", success);
        qd_tparams_add_ullong(p, "cpu.haltpoll.fail.time", fail);
    }
}

static void
group_balloon(const struct qd_qdom *dom, const struct qmp_data *q,
              bool have_qmp, struct qd_tparams *p)
{
    static const char *const names[MS_NR] = {
        [MS_SWAP_IN] = "balloon.swap_in", [MS_SWAP_OUT] = "balloon.swap_out",
        [MS_MAJOR_FAULT] = "balloon.major_fault",
        [MS_MINOR_FAULT] = "balloon.minor_fault",
        [MS_UNUSED] = "balloon.unused", [MS_AVAILABLE] = "balloon.available",
        [MS_RSS] = "balloon.rss", [MS_LAST_UPDATE] = "balloon.last-update",
        [MS_USABLE] = "balloon.usable",
        [MS_DISK_CACHES] = "balloon.disk_caches",
        [MS_HUGETLB_PGALLOC] = "balloon.hugetlb_pgalloc",
        [MS_HUGETLB_PGFAIL] = "balloon.hugetlb_pgfail",
    };
    const struct qd_dom_def *def = dom->def;
    struct qd_mem_stat st[MS_NR];
    unsigned n, i;

    qd_tparams_add_ullong(p, "balloon.current",
                          has_balloon(def) && def->cur_memory_kib ?
                          def->cur_memory_kib : def->max_memory_kib);
    qd_tparams_add_ullong(p, "balloon.maximum", def->max_memory_kib);
    if (!qd_qdom_is_active(dom) || (has_balloon(def) && !have_qmp))
        return;
    n = mem_stats_fill(dom, q, st, MS_NR);
    for (i = 0; i < n; i++)
        if (st[i].tag >= 0 && st[i].tag < MS_NR && names[st[i].tag])
            qd_tparams_add_ullong(p, names[st[i].tag], st[i].val);
}

static void
group_vcpu(const struct qd_qdom *dom, struct qd_tparams *p)
{
    _cleanup_free_ pid_t *tids = NULL;
    unsigned ncur = dom->def->vcpus, i;

    qd_tparams_add_uint(p, "vcpu.current", ncur);
    qd_tparams_add_uint(p, "vcpu.maximum", dom->def->max_vcpus);
    if (!qd_qdom_is_active(dom) || !ncur)
        return;
    tids = qd_calloc(ncur, sizeof(*tids));
    /* libvirt-compat: without vCPU threads libvirt silently stops here */
    if (qd_qemu_procfs_vcpu_threads(dom->pid, ncur, tids) == 0)
        return;
    for (i = 0; i < ncur; i++) {
        struct qd_qemu_pstat ps = { 0 };
        char f[64];

        snprintf(f, sizeof(f), "vcpu.%u.state", i);
        qd_tparams_add_int(p, f, 1);        /* VIR_VCPU_RUNNING */
        (void) qd_qemu_procfs_stat(dom->pid, tids[i], &ps);
        add_ull_i(p, "vcpu", i, "time", ps.user_ns + ps.sys_ns);
        add_ull_i(p, "vcpu", i, "wait",
                  tids[i] ? qd_qemu_procfs_sched_wait(dom->pid, tids[i]) : 0);
        add_ull_i(p, "vcpu", i, "delay",
                  tids[i] ? qd_qemu_procfs_sched_delay(dom->pid, tids[i]) : 0);
    }
}

static void
group_iface(const struct qd_qdom *dom, struct qd_tparams *p)
{
    const struct qd_dom_def *def = dom->def;
    size_t i;

    if (!qd_qdom_is_active(dom))
        return;
    qd_tparams_add_uint(p, "net.count", (uint32_t) def->nnets);
    for (i = 0; i < def->nnets; i++) {
        struct qd_iface_stats st;
        struct qd_err scratch = QD_ERR_INIT;

        /* a user-mode NIC has no host-side name: nothing to report */
        if (!def->nets[i]->ifname)
            continue;
        add_str_i(p, "net", i, "name", def->nets[i]->ifname);
        if (qd_qemu_procfs_net_dev(def->nets[i]->ifname, &st, &scratch) < 0) {
            qd_err_clear(&scratch);
            continue;
        }
        add_ull_i(p, "net", i, "rx.bytes", (uint64_t) st.rx_bytes);
        add_ull_i(p, "net", i, "rx.pkts", (uint64_t) st.rx_packets);
        add_ull_i(p, "net", i, "rx.errs", (uint64_t) st.rx_errs);
        add_ull_i(p, "net", i, "rx.drop", (uint64_t) st.rx_drop);
        add_ull_i(p, "net", i, "tx.bytes", (uint64_t) st.tx_bytes);
        add_ull_i(p, "net", i, "tx.pkts", (uint64_t) st.tx_packets);
        add_ull_i(p, "net", i, "tx.errs", (uint64_t) st.tx_errs);
        add_ull_i(p, "net", i, "tx.drop", (uint64_t) st.tx_drop);
    }
}

/* One record per disk: qemud's images have no backing chains, so
 * VIR_CONNECT_GET_ALL_DOMAINS_STATS_BACKING adds nothing. */
static void
group_block(const struct qd_qdom *dom, const struct qmp_data *q,
            struct qd_tparams *p)
{
    const struct qd_dom_def *def = dom->def;
    bool active = qd_qdom_is_active(dom);
    size_t i;

    qd_tparams_add_uint(p, "block.count", (uint32_t) def->ndisks);
    for (i = 0; i < def->ndisks; i++) {
        const struct qd_dom_disk *d = def->disks[i];
        unsigned node = disk_node(def, i);
        json_object *e, *img;
        struct img_size sz;
        struct blk b = { 0 };
        uint64_t v;

        add_str_i(p, "block", i, "name", d->dst);
        if (d->src_path)
            add_str_i(p, "block", i, "path", d->src_path);
        if (!active) {
            if (image_sizes(d, &sz) < 0)
                continue;
            if (sz.allocation)
                add_ull_i(p, "block", i, "allocation", sz.allocation);
            if (sz.capacity)
                add_ull_i(p, "block", i, "capacity", sz.capacity);
            if (sz.physical)
                add_ull_i(p, "block", i, "physical", sz.physical);
            continue;
        }
        if (node) {
            char f[64];

            snprintf(f, sizeof(f), "block.%zu.backingIndex", i);
            qd_tparams_add_uint(p, f, node);
        }
        if (!(e = blockstats_find(q->blockstats, node)))
            continue;           /* QEMU did not say (busy or empty) */
        (void) blk_add(&b, e);
        add_ull_i(p, "block", i, "rd.reqs", b.rd_req);
        add_ull_i(p, "block", i, "rd.bytes", b.rd_bytes);
        add_ull_i(p, "block", i, "rd.times", b.rd_ns);
        add_ull_i(p, "block", i, "wr.reqs", b.wr_req);
        add_ull_i(p, "block", i, "wr.bytes", b.wr_bytes);
        add_ull_i(p, "block", i, "wr.times", b.wr_ns);
        add_ull_i(p, "block", i, "fl.reqs", b.fl_req);
        add_ull_i(p, "block", i, "fl.times", b.fl_ns);
        add_ull_i(p, "block", i, "allocation", b.wr_highest);
        img = node_image_find(q->nodes, node);
        if (jget_u64(img, "virtual-size", &v) && v)
            add_ull_i(p, "block", i, "capacity", v);
        /* no actual-size: not thin, the physical size is the capacity;
         * when QEMU told neither, the image file does */
        v = 0;
        if (!jget_u64(img, "actual-size", &v))
            (void) jget_u64(img, "virtual-size", &v);
        if (v)
            add_ull_i(p, "block", i, "physical", v);
        else if (image_sizes(d, &sz) == 0)
            add_ull_i(p, "block", i, "physical", sz.physical);
    }
}

static void
group_iothread(const struct qmp_data *q, struct qd_tparams *p)
{
    size_t i, n;

    if (!q->iothreads || !json_object_is_type(q->iothreads, json_type_array))
        return;
    if (!(n = json_object_array_length(q->iothreads)))
        return;
    qd_tparams_add_uint(p, "iothread.count", (uint32_t) n);
    for (i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(q->iothreads, i);
        json_object *id = jget(e, "id");
        uint64_t max, grow = 0, shrink = 0;
        unsigned num;
        char f[64];

        /* libvirt names them by the number in their id "iothreadN" */
        if (!id || sscanf(json_object_get_string(id), "iothread%u",
                          &num) != 1 ||
            !jget_u64(e, "poll-max-ns", &max))
            continue;
        (void) jget_u64(e, "poll-grow", &grow);
        (void) jget_u64(e, "poll-shrink", &shrink);
        snprintf(f, sizeof(f), "iothread.%u.poll-max-ns", num);
        qd_tparams_add_ullong(p, f, max);
        snprintf(f, sizeof(f), "iothread.%u.poll-grow", num);
        qd_tparams_add_uint(p, f, (uint32_t) grow);
        snprintf(f, sizeof(f), "iothread.%u.poll-shrink", num);
        qd_tparams_add_uint(p, f, (uint32_t) shrink);
    }
}

static void
group_dirtyrate(const struct qmp_data *q, struct qd_tparams *p)
{
    static const char *const status[] = { "unstarted", "measuring",
                                          "measured" };
    json_object *s = jget(q->dirtyrate, "status");
    json_object *m = jget(q->dirtyrate, "mode");
    const char *mode = m ? json_object_get_string(m) : "page-sampling";
    json_object *rates;
    int st = -1, k;
    size_t i, n;

    for (k = 0; s && k < 3; k++)
        if (strcmp(json_object_get_string(s), status[k]) == 0)
            st = k;
    if (st < 0)
        return;
    qd_tparams_add_int(p, "dirtyrate.calc_status", st);
    qd_tparams_add_llong(p, "dirtyrate.calc_start_time",
                         json_object_get_int64(jget(q->dirtyrate,
                                                    "start-time")));
    qd_tparams_add_int(p, "dirtyrate.calc_period",
                       json_object_get_int(jget(q->dirtyrate, "calc-time")));
    qd_tparams_add_string(p, "dirtyrate.calc_mode", mode);
    if (st != 2)
        return;
    qd_tparams_add_llong(p, "dirtyrate.megabytes_per_second",
                         json_object_get_int64(jget(q->dirtyrate,
                                                    "dirty-rate")));
    rates = jget(q->dirtyrate, "vcpu-dirty-rate");
    if (strcmp(mode, "dirty-ring") != 0 || !rates ||
        !json_object_is_type(rates, json_type_array))
        return;
    n = json_object_array_length(rates);
    for (i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(rates, i);
        uint64_t rate = 0;
        char f[64];

        (void) jget_u64(e, "dirty-rate", &rate);
        snprintf(f, sizeof(f), "dirtyrate.vcpu.%d.megabytes_per_second",
                 json_object_get_int(jget(e, "id")));
        qd_tparams_add_ullong(p, f, rate);
    }
}

/* dom->lock held: @dom's record with the groups @stats names, in
 * libvirt's order. The QMP groups take the job first (at most
 * STATS_JOB_WAIT_MS, not at all with NOWAIT); without it they are left
 * out, as libvirt leaves them out. */
static void
domain_record_locked(struct qd_qdom *dom, unsigned stats, unsigned flags,
                     struct qd_dom_stats *rec)
{
    struct qmp_data q = { 0 };
    unsigned what = 0;
    bool job = false;

    if (qd_qdom_is_active(dom)) {
        if (stats & ST_BLOCK)
            what |= Q_BLOCK;
        if ((stats & ST_BALLOON) && has_balloon(dom->def))
            what |= Q_BALLOON;
        if (stats & ST_DIRTYRATE)
            what |= Q_DIRTYRATE;
        if (stats & ST_IOTHREAD)
            what |= Q_IOTHREAD;
    }
    if (what) {
        struct qd_err e = QD_ERR_INIT;

        if (qd_qdom_job_begin_wait(dom, "ConnectGetAllDomainStats",
                                   (flags & SF_NOWAIT) ? 0 :
                                   STATS_JOB_WAIT_MS, &e) == 0) {
            job = true;
            if (qmp_fetch(dom, what, &q, &e) < 0)
                QD_DEBUG("domain %s: stats from QEMU incomplete: %s",
                         dom->def->name, e.message);
        } else {
            QD_DEBUG("domain %s: stats without QEMU: %s", dom->def->name,
                     e.message);
        }
        qd_err_clear(&e);
    }
    qd_qdom_fill_ref(dom, &rec->dom);
    if (stats & ST_STATE) {
        qd_tparams_add_int(&rec->params, "state.state", dom->state);
        qd_tparams_add_int(&rec->params, "state.reason", dom->reason);
    }
    if (stats & ST_CPU)
        group_cpu(dom, &rec->params);
    if (stats & ST_BALLOON)
        group_balloon(dom, &q, q.balloon != NULL, &rec->params);
    if (stats & ST_VCPU)
        group_vcpu(dom, &rec->params);
    if (stats & ST_IFACE)
        group_iface(dom, &rec->params);
    if (stats & ST_BLOCK)
        group_block(dom, &q, &rec->params);
    if ((stats & ST_IOTHREAD) && qd_qdom_is_active(dom))
        group_iothread(&q, &rec->params);
    if ((stats & ST_DIRTYRATE) && qd_qdom_is_active(dom))
        group_dirtyrate(&q, &rec->params);
    if (job)
        qd_qdom_job_end(dom);
    qmp_data_clear(&q);
}

int
qd_qemu_get_all_domain_stats(struct qd_conn *conn,
                             const struct qd_dom_ref *refs, uint32_t nrefs,
                             unsigned stats, unsigned flags,
                             struct qd_dom_stats **ret, uint32_t *ret_n,
                             struct qd_err *err)
{
    const unsigned lflags = flags & QD_LIST_DOMAINS_STATS_FILTERS;
    const unsigned ok = lflags | SF_NOWAIT | SF_BACKING | SF_ENFORCE;
    const unsigned unsupported = stats & ~ST_SUPPORTED;
    struct qd_dom_stats *recs;
    struct qd_qdom **list = NULL;
    size_t nlist = 0, i, total;
    uint32_t n = 0;

    if (flags & ~ok)
        return err_flags(err, flags & ~ok, "qemuConnectGetAllDomainStats");
    stats = stats ? stats & ST_SUPPORTED : ST_SUPPORTED;
    if (!nrefs)
        list = qd_qdom_list(&nlist);
    total = nrefs ? nrefs : nlist;
    recs = qd_calloc(total + 1, sizeof(*recs));
    for (i = 0; i < total; i++) {
        struct qd_err scratch = QD_ERR_INIT;
        struct qd_qdom *dom;

        if (nrefs) {
            /* virDomainObjListConvert skips domains that went away */
            if (!(dom = qd_qdom_find_uuid(refs[i].uuid, &scratch))) {
                qd_err_clear(&scratch);
                continue;
            }
        } else {
            dom = qd_qdom_ref(list[i]);
            pthread_mutex_lock(&dom->lock);
            if (dom->removed) {
                qd_qdom_put(dom);
                continue;
            }
        }
        if (!qd_qdom_list_match(dom, lflags)) {
            qd_qdom_put(dom);
            continue;
        }
        /* libvirt-compat: checked per matching domain, so no domain,
         * no error (and the first one fails the call) */
        if (unsupported && (flags & SF_ENFORCE)) {
            qd_qdom_put(dom);
            qd_qdom_list_free(list, nlist);
            free(recs);
            return qd_err_report(err, QD_ERR_ARGUMENT_UNSUPPORTED,
                                 QD_FROM_QEMU, "Stats types bits 0x%x are "
                                 "not supported by this daemon or QEMU",
                                 unsupported);
        }
        domain_record_locked(dom, stats, flags, &recs[n++]);
        qd_qdom_put(dom);
    }
    qd_qdom_list_free(list, nlist);
    *ret = recs;
    *ret_n = n;
    return 0;
}
