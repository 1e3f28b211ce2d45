/* The QEMU driver's knowledge of the host QEMU: the start-up probe and
 * KVM self-test results, binaries probed on demand (domcapabilities
 * --emulatorbin, the i686 emulator), machine names, and the version and
 * vCPU-limit queries.
 *
 * The start-up state is written once by qd_qemu_host_init() before any
 * reader runs and is read without locks afterwards. Binaries probed later
 * go on an append-only list under host_lock, so a pointer handed out
 * stays valid until qd_qemu_host_fini(). */
#define QD_LOG_MODULE "qemu.host"

#include "drivers/qemu/qemu_host.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "drivers/qemu/qemu_host_priv.h"
#include "util/log.h"
#include "util/mem.h"

#define KVM_DEVICE "/dev/kvm"

struct extra_probe {
    struct extra_probe *next;
    dev_t dev;
    ino_t ino;
    struct qd_qemu_probe *probe;
};

/* Written by init before readers exist, freed by fini after them. */
static struct qd_qemu_probe *main_probe;
static dev_t main_dev;
static ino_t main_ino;
static bool kvm_ok;
static char *kvm_why;
static unsigned startup_ms;

/* Binaries probed after start-up; append-only. */
static pthread_mutex_t host_lock = PTHREAD_MUTEX_INITIALIZER;
static struct extra_probe *extras;     /* host_lock */

static unsigned
elapsed_ms(const struct timespec *start)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (unsigned) ((now.tv_sec - start->tv_sec) * 1000 +
                       (now.tv_nsec - start->tv_nsec) / 1000000);
}

void
qd_qemu_buf_escape(struct qd_buf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': qd_buf_puts(b, "&lt;"); break;
        case '>': qd_buf_puts(b, "&gt;"); break;
        case '&': qd_buf_puts(b, "&amp;"); break;
        case '\'': qd_buf_puts(b, "&apos;"); break;
        case '"': qd_buf_puts(b, "&quot;"); break;
        default:
            /* XML 1.0 cannot carry other control characters */
            if ((unsigned char) *s >= 0x20 || *s == '\t' || *s == '\n' ||
                *s == '\r')
                qd_buf_append(b, s, 1);
            break;
        }
    }
}

/* ---- the KVM self-test, run beside the probe ------------------------ */

struct selftest_job {
    const char *binary;
    const char *dir;
    bool ok;
    char *why;
};

static void *
selftest_thread(void *opaque)
{
    struct selftest_job *job = opaque;

    job->ok = qd_qemu_selftest_run(job->binary, "kvm", job->dir,
                                   QD_QEMU_KVM_TEST_TIMEOUT_MS, &job->why);
    return NULL;
}

/* Can KVM be tried at all? NULL if so, else why not (heap). No QEMU is
 * started for a host without a usable /dev/kvm. */
static char *
kvm_precheck(void)
{
    int fd;

    if (access(KVM_DEVICE, F_OK) < 0)
        return qd_asprintf("%s does not exist", KVM_DEVICE);
    if ((fd = open(KVM_DEVICE, O_RDWR | O_CLOEXEC)) < 0)
        return qd_asprintf("cannot open %s: %s", KVM_DEVICE, strerror(errno));
    close(fd);
    return NULL;
}

/* libvirt's checks of a binary before probing (virQEMUCapsNewForBinary). */
static int
check_binary(const char *binary, struct stat *st, struct qd_err *err)
{
    if (stat(binary, st) < 0)
        return qd_err_sys(err, QD_QEMU_ERR_SYSTEM, QD_FROM_QEMU, errno,
                          "Cannot check QEMU binary %s", binary);
    if (!S_ISREG(st->st_mode) || access(binary, X_OK) < 0)
        return qd_err_sys(err, QD_QEMU_ERR_SYSTEM, QD_FROM_QEMU,
                          errno ? errno : EACCES,
                          "QEMU binary %s is not executable", binary);
    return 0;
}

/* Probe @binary for TCG and, if KVM passed its self-test, for the CPU
 * models KVM can run. Returns the probe or NULL with @err set. */
static struct qd_qemu_probe *
probe_binary(const char *binary, struct qd_err *err)
{
    struct qd_qemu_probe *p = QD_NEW(struct qd_qemu_probe);
    struct qd_err kerr = QD_ERR_INIT;

    if (qd_qemu_probe_run(binary, "tcg", QD_QEMU_PROBE_TIMEOUT_MS, p,
                          err) < 0) {
        qd_qemu_probe_free(p);
        return NULL;
    }
    if (kvm_ok && p->has_kvm &&
        qd_qemu_probe_run(binary, "kvm", QD_QEMU_PROBE_TIMEOUT_MS, p,
                          &kerr) < 0) {
        /* the models then show usable='unknown' under KVM */
        QD_WARN("cannot probe KVM CPU models of %s: %s", binary,
                kerr.message);
        qd_err_clear(&kerr);
    }
    return p;
}

int
qd_qemu_host_init(const char *emulator, const char *lib_dir,
                  struct qd_err *err)
{
    struct selftest_job job = { 0 };
    struct qd_qemu_probe *p;
    struct timespec start;
    struct stat st;
    pthread_t tid;
    bool threaded = false;
    char *why;

    if (!emulator)
        emulator = QD_QEMU_HOST_DEFAULT_EMULATOR;
    if (main_probe) {
        if (strcmp(main_probe->binary, emulator) == 0)
            return 0;
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_QEMU,
                             "the QEMU host side is already initialised "
                             "for %s", main_probe->binary);
    }
    if (check_binary(emulator, &st, err) < 0)
        return -1;
    clock_gettime(CLOCK_MONOTONIC, &start);

    /* The self-test (up to 3 s on a host where KVM hangs) overlaps the
     * probe; a thread of our own so the pool is not involved yet. */
    if ((why = kvm_precheck())) {
        job.why = why;
    } else {
        job.binary = emulator;
        job.dir = lib_dir;
        if (pthread_create(&tid, NULL, selftest_thread, &job) == 0)
            threaded = true;
        else
            selftest_thread(&job);
    }

    p = QD_NEW(struct qd_qemu_probe);
    if (qd_qemu_probe_run(emulator, "tcg", QD_QEMU_PROBE_TIMEOUT_MS, p,
                          err) < 0) {
        if (threaded)
            pthread_join(tid, NULL);
        free(job.why);
        qd_qemu_probe_free(p);
        return -1;
    }
    if (threaded)
        pthread_join(tid, NULL);

    kvm_ok = job.ok;
    kvm_why = job.ok ? NULL : job.why;
    if (job.ok)
        free(job.why);
    if (!kvm_why && !kvm_ok)
        kvm_why = qd_strdup("KVM self-test failed");
    if (kvm_ok && p->has_kvm) {
        struct qd_err kerr = QD_ERR_INIT;

        if (qd_qemu_probe_run(emulator, "kvm", QD_QEMU_PROBE_TIMEOUT_MS, p,
                              &kerr) < 0) {
            QD_WARN("cannot probe KVM CPU models of %s: %s", emulator,
                    kerr.message);
            qd_err_clear(&kerr);
        }
    }
    main_dev = st.st_dev;
    main_ino = st.st_ino;
    startup_ms = elapsed_ms(&start);
    main_probe = p;
    QD_INFO("QEMU %lu.%lu.%lu at %s: %zu machine types, %zu CPU models; "
            "KVM %s%s%s; probed in %u ms", p->version / 1000000,
            p->version / 1000 % 1000, p->version % 1000, emulator,
            p->nmachines, p->ncpus, kvm_ok ? "usable" : "not usable",
            kvm_ok ? "" : ": ", kvm_ok ? "" : kvm_why, startup_ms);
    return 0;
}

void
qd_qemu_host_fini(void)
{
    struct extra_probe *e, *next;

    pthread_mutex_lock(&host_lock);
    for (e = extras; e; e = next) {
        next = e->next;
        qd_qemu_probe_free(e->probe);
        free(e);
    }
    extras = NULL;
    pthread_mutex_unlock(&host_lock);
    qd_qemu_probe_free(main_probe);
    main_probe = NULL;
    free(kvm_why);
    kvm_why = NULL;
    kvm_ok = false;
    startup_ms = 0;
}

const struct qd_qemu_probe *
qd_qemu_host_main_probe(void)
{
    return main_probe;
}

const struct qd_qemu_probe *
qd_qemu_host_lookup(const char *binary, struct qd_err *err)
{
    struct extra_probe *e;
    struct qd_qemu_probe *p;
    struct stat st;

    if (!main_probe) {
        qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_QEMU,
                      "Cannot find suitable emulator for x86_64");
        return NULL;
    }
    if (!binary || strcmp(binary, main_probe->binary) == 0)
        return main_probe;
    if (check_binary(binary, &st, err) < 0)
        return NULL;
    if (st.st_dev == main_dev && st.st_ino == main_ino)
        return main_probe;

    pthread_mutex_lock(&host_lock);
    for (e = extras; e; e = e->next) {
        if (e->dev == st.st_dev && e->ino == st.st_ino)
            break;
    }
    pthread_mutex_unlock(&host_lock);
    if (e)
        return e->probe;

    /* probe without the lock: another caller may race us to the same
     * binary, in which case the first to publish wins */
    if (!(p = probe_binary(binary, err)))
        return NULL;
    pthread_mutex_lock(&host_lock);
    for (e = extras; e; e = e->next) {
        if (e->dev == st.st_dev && e->ino == st.st_ino)
            break;
    }
    if (!e) {
        e = QD_NEW(struct extra_probe);
        e->dev = st.st_dev;
        e->ino = st.st_ino;
        e->probe = steal_ptr(&p);
        e->next = extras;
        extras = e;
    }
    pthread_mutex_unlock(&host_lock);
    qd_qemu_probe_free(p);
    return e->probe;
}

/* @name in $PATH as an executable file; heap path or NULL. */
static char *
find_in_path(const char *name)
{
    const char *path = getenv("PATH");
    const char *p, *end;

    if (!path || !*path)
        path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    for (p = path; *p; p = *end ? end + 1 : end) {
        struct stat st;
        char *cand;

        end = strchr(p, ':');
        if (!end)
            end = p + strlen(p);
        if (end == p)
            continue;
        cand = qd_asprintf("%.*s/%s", (int) (end - p), p, name);
        if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) &&
            access(cand, X_OK) == 0)
            return cand;
        free(cand);
    }
    return NULL;
}

char *
qd_qemu_host_default_binary(const char *arch)
{
    _cleanup_free_ char *name = NULL;
    char *bin;

    if (!main_probe)
        return NULL;
    /* the configured emulator serves its own arch; others go to
     * qemu-system-<arch> in $PATH (qemu-system-i386 for i686), as
     * libvirt's lookup does, and i686 falls back to x86_64 */
    if (strcmp(arch, main_probe->arch) == 0)
        return qd_strdup(main_probe->binary);
    name = qd_asprintf("qemu-system-%s",
                       strcmp(arch, "i686") == 0 ? "i386" : arch);
    if ((bin = find_in_path(name)))
        return bin;
    if (strcmp(arch, "i686") == 0 && strcmp(main_probe->arch, "x86_64") == 0)
        return qd_strdup(main_probe->binary);
    return NULL;
}

const struct qd_qemu_machine *
qd_qemu_probe_find_machine(const struct qd_qemu_probe *p, const char *name)
{
    size_t i;

    for (i = 0; p && i < p->nmachines; i++) {
        if (strcmp(p->machines[i].name, name) == 0 ||
            (p->machines[i].alias && strcmp(p->machines[i].alias, name) == 0))
            return &p->machines[i];
    }
    return NULL;
}

const char *
qd_qemu_host_emulator(void)
{
    return main_probe ? main_probe->binary : NULL;
}

unsigned long
qd_qemu_host_qemu_version(void)
{
    return main_probe ? main_probe->version : 0;
}

bool
qd_qemu_host_kvm_usable(const char **ret_why)
{
    if (ret_why)
        *ret_why = kvm_ok ? NULL
                          : (kvm_why ? kvm_why : "QEMU has not been probed");
    return kvm_ok;
}

const char *
qd_qemu_host_canonical_machine(const char *name)
{
    const struct qd_qemu_machine *m;

    if (!main_probe || main_probe->nmachines == 0)
        return NULL;
    if (!name)
        return main_probe->machines[0].name;
    m = qd_qemu_probe_find_machine(main_probe, name);
    return m ? m->name : NULL;
}

int
qd_qemu_host_machine_max_cpus(const char *name)
{
    const struct qd_qemu_machine *m;

    if (!main_probe || main_probe->nmachines == 0)
        return -1;
    m = name ? qd_qemu_probe_find_machine(main_probe, name)
             : &main_probe->machines[0];
    return m ? m->max_cpus : -1;
}

unsigned
qd_qemu_host_probe_ms(void)
{
    return startup_ms;
}

/* ---- host queries ---------------------------------------------------- */

/* virConnectGetVersion: the QEMU version, 7.2.0 -> 7002000. */
int
qd_qemu_get_version(struct qd_conn *conn, uint64_t *ret, struct qd_err *err)
{
    if (!main_probe)
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_QEMU,
                             "Cannot find suitable emulator for x86_64");
    *ret = main_probe->version;
    return 0;
}

/* KVM's vCPU limit per VM, as the kernel reports it. */
static int
kvm_max_vcpus(struct qd_err *err)
{
    int fd, n;

    if ((fd = open(KVM_DEVICE, O_RDONLY | O_CLOEXEC)) < 0)
        return qd_err_sys(err, QD_QEMU_ERR_SYSTEM, QD_FROM_NONE, errno,
                          "Unable to open %s", KVM_DEVICE);
    if ((n = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS)) <= 0 &&
        (n = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_VCPUS)) <= 0)
        n = 4;                  /* the kernel's documented default */
    close(fd);
    return n;
}

/* virConnectGetMaxVcpus. libvirt-compat: the qemu driver answers a fixed
 * 16 for TCG (and for no type), whatever the machine allows. */
int
qd_qemu_get_max_vcpus(struct qd_conn *conn, const char *type,
                      struct qd_err *err)
{
    if (!type || strcasecmp(type, "qemu") == 0)
        return 16;
    if (strcasecmp(type, "kvm") == 0)
        return kvm_max_vcpus(err);
    return qd_err_report(err, QD_ERR_INVALID_ARG, QD_FROM_QEMU,
                         "unknown type '%s'", type);
}

int
qd_qemu_host_kvm_max_vcpus(struct qd_err *err)
{
    return kvm_max_vcpus(err);
}
