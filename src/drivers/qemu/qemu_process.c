/* QEMU processes: spawn, watch, kill, clean up (see qemu_process.h).
 * Status files and reconnection are in qemu_process_status.c; what the
 * handler thread does with QMP events is in qemu_process_events.c. */
#define QD_LOG_MODULE "qemu.process"

#include "drivers/qemu/qemu_process.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "drivers/event.h"
#include "drivers/qemu/qemu_command.h"
#include "drivers/qemu/qemu_driver.h"
#include "drivers/qemu/qemu_host.h"
#include "drivers/qemu/qemu_monitor.h"
#include "drivers/qemu/qemu_process_priv.h"
#include "drivers/qemu/qemu_procfs.h"
#include "loop/loop.h"
#include "rpc/stream.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/file.h"
#include "util/log.h"
#include "util/mem.h"

#define QMP_OPEN_TIMEOUT_MS 30000
#define QMP_CMD_TIMEOUT_MS 30000
#define KILL_TERM_WAIT_MS 3000      /* SIGTERM, then SIGKILL */
#define KILL_KILL_WAIT_MS 10000
#define LOG_TAIL_BYTES 1024

/* ---- small process helpers --------------------------------------------- */

int
qd_qemu_pidfd_open(pid_t pid)
{
    return (int) syscall(SYS_pidfd_open, pid, 0);
}

static int
pidfd_signal(int pidfd, int sig)
{
    return (int) syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}

/* Wait up to @ms for the process behind @pidfd to exit. */
static bool
pidfd_wait(int pidfd, int ms)
{
    struct pollfd p = { .fd = pidfd, .events = POLLIN };
    int64_t end = qd_loop_now_ms() + ms;

    for (;;) {
        int64_t left = end - qd_loop_now_ms();
        int n;

        if (left < 0)
            left = 0;
        n = poll(&p, 1, (int) left);
        if (n > 0)
            return true;
        if (n == 0 || (n < 0 && errno != EINTR))
            return false;
    }
}

unsigned long long
qd_qemu_proc_starttime(pid_t pid)
{
    struct qd_qemu_pstat st;

    return qd_qemu_procfs_stat(pid, 0, &st) < 0 ? 0 : st.starttime;
}

void
qd_qemu_remove_run_files(const char *name)
{
    static const char *const exts[] = { "xml", "pid", "monitor" };
    size_t i;

    for (i = 0; i < QD_ARRAY_SIZE(exts); i++) {
        _cleanup_free_ char *p = qd_qemu_run_path(name, exts[i]);

        (void) unlink(p);
    }
}

/* ---- the pidfd watch (loop thread) ------------------------------------- */

struct qd_pwatch {
    int refs;                   /* loop thread only */
    int fd;                     /* the loop's own pidfd */
    bool closed;
    struct qd_qdom *dom;
    unsigned gen;
};

/* Drop @n references. */
static void
pwatch_unref(struct qd_pwatch *w, int n)
{
    w->refs -= n;
    if (w->refs > 0)
        return;
    qd_qdom_unref(w->dom);
    free(w);
}

/* Stop watching and close the fd; true if it was still open (the
 * registration's reference is then the caller's to drop). */
static bool
pwatch_close(struct qd_loop *loop, struct qd_pwatch *w)
{
    if (w->closed)
        return false;
    w->closed = true;
    if (loop)
        qd_loop_del_fd(loop, w->fd);
    (void) close(w->fd);
    return true;
}

static void
on_pidfd(struct qd_loop *loop, int fd, uint32_t events, void *opaque)
{
    struct qd_pwatch *w = opaque;

    if (!pwatch_close(loop, w))
        return;
    qd_qemu_event_push(w->dom, QD_QEV_EXIT, w->gen, NULL, NULL);
    pwatch_unref(w, 1);         /* the registration's reference */
}

static void
pwatch_add(void *opaque)
{
    struct qd_pwatch *w = opaque;
    struct qd_err err = QD_ERR_INIT;

    if (!w->closed &&
        qd_loop_add_fd(qd_qemu_drv->loop, w->fd, EPOLLIN, on_pidfd, w,
                       &err) < 0) {
        QD_ERROR("cannot watch QEMU of domain '%s': %s", w->dom->def->name,
                 err.message);
        qd_err_clear(&err);
    }
    pwatch_unref(w, 1);         /* the post's reference */
}

static void
pwatch_drop(void *opaque)
{
    struct qd_pwatch *w = opaque;

    /* the post's reference, and the registration's if still open */
    pwatch_unref(w, pwatch_close(qd_qemu_drv->loop, w) ? 2 : 1);
}

/* dom->lock held: watch dom->pidfd on the loop. */
int
qd_qemu_watch(struct qd_qdom *dom, struct qd_err *err)
{
    struct qd_pwatch *w;
    int fd = fcntl(dom->pidfd, F_DUPFD_CLOEXEC, 3);

    if (fd < 0)
        return qd_err_sys(err, QD_ERR_INTERNAL_ERROR, QD_FROM_QEMU, errno,
                          "cannot duplicate pidfd");
    w = QD_NEW(struct qd_pwatch);
    w->refs = 3;                /* registration, this post, dom->watch */
    w->fd = fd;
    w->dom = qd_qdom_ref(dom);
    w->gen = dom->gen;
    dom->watch = w;
    qd_loop_post(qd_qemu_drv->loop, pwatch_add, w);
    return 0;
}

/* dom->lock held: stop watching (the loop closes its fd). */
static void
unwatch(struct qd_qdom *dom)
{
    struct qd_pwatch *w = dom->watch;

    if (!w)
        return;
    dom->watch = NULL;
    /* the post takes over dom's pointer as its reference */
    qd_loop_post(qd_qemu_drv->loop, pwatch_drop, w);
}

void
qd_qemu_watch_forget(struct qd_qdom *dom)
{
    struct qd_pwatch *w = dom->watch;

    /* loop stopped: nobody else touches the watch any more */
    if (!w)
        return;
    dom->watch = NULL;
    pwatch_unref(w, pwatch_close(NULL, w) ? 2 : 1);
}

/* ---- QMP callbacks (loop thread) --------------------------------------- */

struct mctx {
    struct qd_qdom *dom;
    unsigned gen;
};

static void
mon_event(struct qd_qmp *mon, const char *name, json_object *data,
          long long seconds, unsigned micros, void *opaque)
{
    struct mctx *c = opaque;

    qd_qemu_event_push(c->dom, QD_QEV_QMP, c->gen, name, data);
}

static void
mon_eof(struct qd_qmp *mon, void *opaque)
{
    struct mctx *c = opaque;

    qd_qemu_event_push(c->dom, QD_QEV_EOF, c->gen, NULL, NULL);
}

static void
mon_release(void *opaque)
{
    struct mctx *c = opaque;

    qd_qdom_unref(c->dom);
    free(c);
}

static const struct qd_qmp_callbacks mon_cbs = {
    .event = mon_event,
    .eof = mon_eof,
    .release = mon_release,
};

/* dom->lock held on entry and exit: connect to dom's QMP socket. */
struct qd_qmp *
qd_qemu_connect_monitor(struct qd_qdom *dom, int timeout_ms,
                        struct qd_err *err)
{
    _cleanup_free_ char *path = qd_qemu_run_path(dom->def->name, "monitor");
    struct mctx *c = QD_NEW(struct mctx);
    int pidfd = fcntl(dom->pidfd, F_DUPFD_CLOEXEC, 3);
    unsigned gen = dom->gen;
    struct qd_qmp *mon;

    c->dom = qd_qdom_ref(dom);
    c->gen = gen;
    pthread_mutex_unlock(&dom->lock);
    /* our own pidfd: a destroy meanwhile closes dom->pidfd */
    mon = qd_qmp_open_watch(qd_qemu_drv->loop, path, &mon_cbs, c, timeout_ms,
                            pidfd, err);
    if (pidfd >= 0)
        (void) close(pidfd);
    pthread_mutex_lock(&dom->lock);
    if (!mon) {
        /* the callbacks never run for a failed open */
        qd_qdom_unref(c->dom);
        free(c);
        return NULL;
    }
    if (dom->gen != gen) {
        /* destroyed while we connected */
        qd_qmp_close(mon);
        qd_err_report(err, QD_ERR_OPERATION_FAILED, QD_FROM_QEMU, "%s",
                      "domain was stopped while connecting to its monitor");
        return NULL;
    }
    qd_qmp_set_name(mon, dom->def->name);
    return mon;
}

int
qd_qemu_process_qmp(struct qd_qdom *dom, const char *cmd, json_object *args,
                    json_object **ret, struct qd_err *err)
{
    struct qd_qmp *mon = dom->mon;
    int rc;

    if (!mon) {
        if (args)
            json_object_put(args);
        if (!qd_qdom_is_active(dom))
            return qd_qdom_err_not_active(err);
        return qd_err_report(err, QD_ERR_OPERATION_INVALID, QD_FROM_QEMU,
                             "%s", "monitor must not be NULL");
    }
    /* a destroy may close dom->mon meanwhile: hold our own reference */
    qd_qmp_ref(mon);
    pthread_mutex_unlock(&dom->lock);
    rc = qd_qmp_command(mon, cmd, args, ret, QMP_CMD_TIMEOUT_MS, err);
    qd_qmp_unref(mon);
    pthread_mutex_lock(&dom->lock);
    return rc;
}

/* ---- paths and the log ------------------------------------------------- */

char *
qd_qemu_run_path(const char *name, const char *ext)
{
    return qd_asprintf("%s/%s.%s", qd_qemu_drv->state_dir, name, ext);
}

static char *
log_path(const char *name)
{
    return qd_asprintf("%s/%s.log", qd_qemu_drv->log_dir, name);
}

static void
log_stamp(struct qd_buf *b)
{
    struct timespec ts;
    struct tm tm;
    char s[64];

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(s, sizeof(s), "%Y-%m-%d %H:%M:%S", &tm);
    qd_buf_printf(b, "%s.%03ld+0000: ", s, ts.tv_nsec / 1000000);
}

/* Append one line to the domain's log. */
static void
log_line(const char *name, const char *text)
{
    _cleanup_free_ char *path = log_path(name);
    struct qd_buf b = { 0 };
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);

    if (fd < 0)
        return;
    log_stamp(&b);
    qd_buf_printf(&b, "%s\n", text);
    (void) !write(fd, b.data, b.len);
    (void) close(fd);
    qd_buf_clear(&b);
}

/* What QEMU wrote to its log since @off: its last LOG_TAIL_BYTES, without
 * the trailing newline. */
static char *
log_tail(const char *name, off_t off)
{
    _cleanup_free_ char *path = log_path(name);
    char buf[LOG_TAIL_BYTES + 1];
    struct stat st;
    ssize_t n;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return qd_strdup("");
    if (fstat(fd, &st) == 0 && st.st_size - off > LOG_TAIL_BYTES)
        off = st.st_size - LOG_TAIL_BYTES;
    n = pread(fd, buf, LOG_TAIL_BYTES, off);
    (void) close(fd);
    if (n < 0)
        n = 0;
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        n--;
    buf[n] = '\0';
    return qd_strdup(buf);
}

/* ---- spawn ------------------------------------------------------------- */

static pid_t
spawn(char **argv, int logfd, struct qd_err *err)
{
    static const char *const envp[] = {
        "LC_ALL=C",
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        NULL, NULL,
    };
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    _cleanup_free_ char *home = qd_asprintf("HOME=%s", qd_qemu_drv->lib_dir);
    const char *env[QD_ARRAY_SIZE(envp)];
    sigset_t none, all;
    pid_t pid = -1;
    int rc;

    memcpy(env, envp, sizeof(env));
    env[2] = home;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null",
                                     O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, logfd, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&fa, logfd, STDERR_FILENO);
    posix_spawn_file_actions_addclosefrom_np(&fa, 3);
    posix_spawn_file_actions_addchdir_np(&fa, "/");
    posix_spawnattr_init(&at);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setsigdefault(&at, &all);
    /* its own session: a signal to qemud's group never reaches a guest */
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK |
                             POSIX_SPAWN_SETSIGDEF);
    rc = posix_spawn(&pid, argv[0], &fa, &at, argv, (char **) env);
    posix_spawnattr_destroy(&at);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        qd_err_sys(err, QD_ERR_INTERNAL_ERROR, QD_FROM_QEMU, rc,
                   "cannot execute '%s'", argv[0]);
        return -1;
    }
    return pid;
}

/* ---- start ------------------------------------------------------------- */

/* The checks libvirt makes before it spawns anything. */
static int
precheck(const struct qd_dom_def *def, struct qd_err *err)
{
    const char *why = NULL;
    size_t i;

    if (def->virt_type && strcmp(def->virt_type, "kvm") == 0 &&
        !qd_qemu_host_kvm_usable(&why))
        return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_QEMU,
                             "domain type 'kvm' is not available on this "
                             "host: %s", why ? why : "KVM does not work");
    for (i = 0; i < def->ndisks; i++) {
        const struct qd_dom_disk *d = def->disks[i];

        if (!d->src_path || strcmp(d->type, "file") != 0)
            continue;
        if (access(d->src_path, R_OK) < 0)
            /* libvirt-compat: virStorageSourceReportBrokenChain's text */
            return qd_err_sys(err, QD_ERR_SYSTEM_ERROR, QD_FROM_STORAGE,
                              errno, "Cannot access storage file '%s'",
                              d->src_path);
    }
    if (def->os_kernel && access(def->os_kernel, R_OK) < 0)
        return qd_err_sys(err, QD_ERR_SYSTEM_ERROR, QD_FROM_QEMU, errno,
                          "Cannot access kernel file '%s'", def->os_kernel);
    if (def->os_initrd && access(def->os_initrd, R_OK) < 0)
        return qd_err_sys(err, QD_ERR_SYSTEM_ERROR, QD_FROM_QEMU, errno,
                          "Cannot access initrd file '%s'", def->os_initrd);
    return 0;
}

int
qd_qemu_read_ptys(struct qd_qdom *dom, struct qd_err *err)
{
    json_object *ret = NULL;
    struct qd_dom_def *def;
    size_t i, n;

    if (qd_qemu_process_qmp(dom, "query-chardev", NULL, &ret, err) < 0)
        return -1;
    def = dom->def;
    n = json_object_is_type(ret, json_type_array) ?
        json_object_array_length(ret) : 0;
    for (i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(ret, i), *v;
        const char *label = NULL, *file = NULL;
        unsigned idx;

        if (json_object_object_get_ex(e, "label", &v))
            label = json_object_get_string(v);
        if (json_object_object_get_ex(e, "filename", &v))
            file = json_object_get_string(v);
        if (!label || !file || strncmp(file, "pty:", 4) != 0 ||
            sscanf(label, "charserial%u", &idx) != 1 || idx >= def->nserials)
            continue;
        free(def->serials[idx]->path);
        def->serials[idx]->path = qd_strdup(file + 4);
        if (idx == 0 && def->nconsoles > 0 &&
            strcmp(def->consoles[0]->type, "pty") == 0) {
            free(def->consoles[0]->path);
            def->consoles[0]->path = qd_strdup(file + 4);
        }
    }
    json_object_put(ret);
    return 0;
}

/* A UNIX channel without a path (virt-install's guest agent channel)
 * gets one under lib/qemu/channel/target/, as libvirt's channelTargetDir,
 * in the live def. */
static int
fill_channel_paths(struct qd_dom_def *live, struct qd_err *err)
{
    _cleanup_free_ char *dir = NULL;
    size_t i;

    for (i = 0; i < live->nchannels; i++) {
        struct qd_dom_chr *ch = live->channels[i];

        if (!ch->type || strcmp(ch->type, "unix") != 0 || ch->path ||
            !ch->target_name)
            continue;
        if (!dir) {
            dir = qd_asprintf("%s/channel/target/domain-%s",
                              qd_qemu_drv->lib_dir, live->name);
            if (qd_file_mkdirs(dir, 0750) < 0)
                return qd_err_sys(err, QD_ERR_OPERATION_FAILED, QD_FROM_QEMU,
                                  errno, "Cannot create directory '%s'",
                                  dir);
        }
        ch->path = qd_asprintf("%s/%s", dir, ch->target_name);
        if (!ch->mode)
            ch->mode = qd_strdup("bind");
    }
    return 0;
}

/* dom->lock held (dropped while waiting): has the QEMU behind @pidfd
 * exited, or does it within a moment? A monitor that fails during start
 * usually means QEMU is on its way out with a message in its log. */
static bool
exited_soon(struct qd_qdom *dom, int pidfd)
{
    bool gone;

    pthread_mutex_unlock(&dom->lock);
    gone = pidfd_wait(pidfd, 1000);
    pthread_mutex_lock(&dom->lock);
    return gone;
}

int
qd_qemu_process_start(struct qd_qdom *dom, bool paused, struct qd_err *err)
{
    struct qd_qemu_driver *drv = qd_qemu_drv;
    struct qd_dom_def *live;
    _cleanup_free_ char *mon_path = NULL, *pid_path = NULL;
    _cleanup_free_ char *lpath = NULL, *cmdline = NULL;
    struct qd_qemu_cmd_opts opts = { 0 };
    struct qd_buf b = { 0 };
    char **argv = NULL;
    off_t log_off;
    pid_t pid;
    int logfd = -1, pidfd = -1;
    size_t i;

    if (qd_qdom_is_active(dom))
        return qd_qdom_err_active(err);
    qd_qemu_wait_host();
    if (precheck(dom->def, err) < 0)
        return -1;

    live = qd_dom_def_copy(dom->def);
    if (fill_channel_paths(live, err) < 0) {
        qd_dom_def_free(live);
        return -1;
    }
    mon_path = qd_qemu_run_path(live->name, "monitor");
    pid_path = qd_qemu_run_path(live->name, "pid");
    lpath = log_path(live->name);
    opts.emulator = qd_qemu_host_emulator();
    opts.monitor_path = mon_path;
    opts.pidfile = pid_path;
    opts.kvm = live->virt_type && strcmp(live->virt_type, "kvm") == 0;
    opts.start_paused = true;
    if (!(argv = qd_qemu_build_argv(live, &opts, err))) {
        qd_dom_def_free(live);
        return -1;
    }
    (void) unlink(mon_path);
    (void) unlink(pid_path);
    if ((logfd = open(lpath, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
                      0600)) < 0) {
        qd_err_sys(err, QD_ERR_OPERATION_FAILED, QD_FROM_QEMU, errno,
                   "failed to create logfile %s", lpath);
        goto fail_nospawn;
    }
    log_off = lseek(logfd, 0, SEEK_END);
    log_stamp(&b);
    qd_buf_puts(&b, "starting up\nLC_ALL=C");
    for (i = 0; argv[i]; i++)
        qd_buf_printf(&b, " %s", argv[i]);
    qd_buf_puts(&b, "\n");
    (void) !write(logfd, b.data, b.len);
    qd_buf_clear(&b);
    log_off = lseek(logfd, 0, SEEK_END);

    if ((pid = spawn(argv, logfd, err)) < 0)
        goto fail_nospawn;
    (void) close(logfd);
    logfd = -1;
    if ((pidfd = qd_qemu_pidfd_open(pid)) < 0) {
        qd_err_sys(err, QD_ERR_INTERNAL_ERROR, QD_FROM_QEMU, errno,
                   "cannot open pidfd for QEMU %d", (int) pid);
        (void) kill(pid, SIGKILL);
        (void) waitpid(pid, NULL, 0);
        goto fail_nospawn;
    }

    /* the live def takes over; the config waits in newdef */
    if (dom->persistent) {
        qd_dom_def_free(dom->newdef);
        dom->newdef = dom->def;
    } else {
        qd_dom_def_free(dom->def);
    }
    dom->def = live;
    live = NULL;
    dom->pid = pid;
    dom->pidfd = pidfd;
    dom->is_child = true;
    dom->starttime = qd_qemu_proc_starttime(pid);
    dom->gen++;
    dom->starting = true;
    pthread_mutex_lock(&drv->lock);
    dom->id = drv->next_id++;
    pthread_mutex_unlock(&drv->lock);
    dom->state = QD_DOM_PAUSED;
    dom->reason = QD_PAUSED_STARTING_UP;
    if (qd_qemu_watch(dom, err) < 0)
        goto fail;

    if (!(dom->mon = qd_qemu_connect_monitor(dom, QMP_OPEN_TIMEOUT_MS, err)))
        goto fail_log;
    if (qd_qemu_read_ptys(dom, err) < 0)
        goto fail_log;
    if (dom->def->on_reboot && strcmp(dom->def->on_reboot, "destroy") == 0) {
        /* a guest reboot becomes a SHUTDOWN event (reason guest-reset) */
        json_object *a = json_object_new_object();

        json_object_object_add(a, "reboot", json_object_new_string("shutdown"));
        if (qd_qemu_process_qmp(dom, "set-action", a, NULL, err) < 0)
            goto fail_log;
    }
    if (!paused &&
        qd_qemu_process_qmp(dom, "cont", NULL, NULL, err) < 0)
        goto fail_log;
    if (!qd_qdom_is_active(dom) || dom->pidfd != pidfd)
        goto fail_log;

    dom->starting = false;
    dom->state = paused ? QD_DOM_PAUSED : QD_DOM_RUNNING;
    dom->reason = paused ? QD_PAUSED_USER : QD_RUNNING_BOOTED;
    if (qd_qemu_process_save_status(dom, err) < 0)
        QD_WARN("domain '%s': %s", dom->def->name, err->message);
    qd_err_clear(err);
    qd_event_domain_lifecycle(dom->def->name, dom->def->uuid, dom->id,
                              QD_EV_STARTED, 0);
    if (paused)
        qd_event_domain_lifecycle(dom->def->name, dom->def->uuid, dom->id,
                                  QD_EV_SUSPENDED, 0);
    qd_qemu_argv_free(argv);
    return 0;

fail_log:
    if (!qd_err_is_set(err))
        qd_err_report(err, QD_ERR_OPERATION_FAILED, QD_FROM_QEMU, "%s",
                      "domain was stopped during start-up");
    /* quote what QEMU said, as libvirt does */
    if (qd_qdom_is_active(dom) && dom->pidfd == pidfd &&
        exited_soon(dom, pidfd)) {
        _cleanup_free_ char *tail = log_tail(dom->def->name, log_off);
        struct qd_err e2 = QD_ERR_INIT;

        qd_err_report(&e2, QD_ERR_INTERNAL_ERROR, QD_FROM_QEMU,
                      "process exited while connecting to monitor: %s",
                      tail);
        qd_err_clear(err);
        *err = e2;
    } else if (err->message) {
        _cleanup_free_ char *tail = log_tail(dom->def->name, log_off);

        if (*tail) {
            char *m = qd_asprintf("%s: %s", err->message, tail);

            free(err->message);
            err->message = m;
        }
    }
fail:
    if (qd_qdom_is_active(dom) && dom->pidfd == pidfd) {
        (void) pidfd_signal(pidfd, SIGKILL);
        pthread_mutex_unlock(&dom->lock);
        (void) pidfd_wait(pidfd, KILL_KILL_WAIT_MS);
        pthread_mutex_lock(&dom->lock);
        if (qd_qdom_is_active(dom) && dom->pidfd == pidfd)
            qd_qemu_process_cleanup(dom, QD_SHUTOFF_FAILED,
                                    QD_STOPPED_NONE);
    }
    qd_qemu_argv_free(argv);
    return -1;

fail_nospawn:
    if (logfd >= 0)
        (void) close(logfd);
    qd_dom_def_free(live);
    qd_qemu_argv_free(argv);
    return -1;
}

/* ---- stop -------------------------------------------------------------- */

int
qd_qemu_process_kill(struct qd_qdom *dom, bool graceful, int reason,
                     int detail, struct qd_err *err)
{
    unsigned gen = dom->gen;
    bool gone;
    int fd;

    if (!qd_qdom_is_active(dom))
        return qd_qdom_err_not_active(err);
    if ((fd = fcntl(dom->pidfd, F_DUPFD_CLOEXEC, 3)) < 0)
        return qd_err_sys(err, QD_ERR_INTERNAL_ERROR, QD_FROM_QEMU, errno,
                          "cannot duplicate pidfd");
    dom->stopping = true;
    pthread_mutex_unlock(&dom->lock);
    (void) pidfd_signal(fd, SIGTERM);
    gone = pidfd_wait(fd, graceful ? KILL_TERM_WAIT_MS * 3 :
                      KILL_TERM_WAIT_MS);
    if (!gone && !graceful) {
        (void) pidfd_signal(fd, SIGKILL);
        gone = pidfd_wait(fd, KILL_KILL_WAIT_MS);
    }
    (void) close(fd);
    pthread_mutex_lock(&dom->lock);
    if (dom->gen != gen || !qd_qdom_is_active(dom))
        return 0;               /* someone else cleaned up */
    if (!gone) {
        dom->stopping = false;
        /* libvirt-compat: virProcessKillPainfully's text */
        return qd_err_report(err, QD_ERR_SYSTEM_ERROR, QD_FROM_NONE,
                             "Failed to terminate process %d with SIG%s",
                             (int) dom->pid, graceful ? "TERM" : "KILL");
    }
    qd_qemu_process_cleanup(dom, reason, detail);
    return 0;
}

void
qd_qemu_process_cleanup(struct qd_qdom *dom, int reason, int detail)
{
    static const char *const why[] = {
        "unknown", "shutdown", "destroyed", "crashed", "migrated", "saved",
        "failed", "from-snapshot", "daemon",
    };
    _cleanup_free_ char *line = NULL;

    if (!qd_qdom_is_active(dom))
        return;
    line = qd_asprintf("shutting down, reason=%s",
                       reason >= 0 && (size_t) reason < QD_ARRAY_SIZE(why) ?
                       why[reason] : "unknown");
    log_line(dom->def->name, line);
    if (dom->mon) {
        qd_qmp_close(dom->mon);
        dom->mon = NULL;
    }
    unwatch(dom);
    if (dom->pidfd >= 0)
        (void) close(dom->pidfd);
    dom->pidfd = -1;
    if (dom->is_child)
        (void) waitpid(dom->pid, NULL, WNOHANG);
    qd_qemu_remove_run_files(dom->def->name);
    if (dom->console) {
        qd_stream_abort(dom->console);
        qd_stream_unref(dom->console);
        dom->console = NULL;
    }
    dom->id = -1;
    dom->pid = 0;
    dom->starttime = 0;
    dom->is_child = false;
    dom->stopping = false;
    dom->fake_reboot = false;
    dom->pause_reason = 0;
    dom->gen++;
    dom->state = QD_DOM_SHUTOFF;
    dom->reason = reason;
    if (detail != QD_STOPPED_NONE)
        qd_event_domain_lifecycle(dom->def->name, dom->def->uuid, -1,
                                  QD_EV_STOPPED, detail);
    if (dom->newdef) {
        qd_dom_def_free(dom->def);
        dom->def = dom->newdef;
        dom->newdef = NULL;
    }
    if (!dom->persistent)
        qd_qdom_remove_locked(dom);
}
