/* qemud: argv, configuration, signals, and the start/stop order.
 *
 * Start: parse options, load the config, set up logging, create the
 * directories and sockets, detach if asked, write the pid file, run the
 * loop. Stop (SIGTERM/SIGINT): close the listeners, let in-flight calls
 * finish (bounded), close clients, remove sockets and the pid file. */
#define QD_LOG_MODULE "daemon"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/config.h"
#include "daemon/listeners.h"
#include "drivers/registry.h"
#include "loop/loop.h"
#include "qd_config.h"
#include "rpc/server.h"
#include "rpc/wire.h"
#include "util/err.h"
#include "util/log.h"
#include "util/mem.h"

#define DEFAULT_CONFIG "/etc/qemud/qemud.conf"

static int sig_pipe[2] = { -1, -1 };

static void
on_signal(int sig)
{
    unsigned char c = (unsigned char) sig;
    int saved = errno;

    (void) !write(sig_pipe[1], &c, 1);
    errno = saved;
}

/* Loop thread: act on signals delivered through the self-pipe. */
static void
on_sig_pipe(struct qd_loop *loop, int fd, uint32_t events, void *opaque)
{
    struct qd_server *srv = opaque;
    unsigned char c;

    while (read(fd, &c, 1) == 1) {
        if (c == SIGHUP) {
            qd_log_reopen();
            QD_INFO("SIGHUP: log files reopened");
        } else {
            QD_INFO("signal %d: shutting down", c);
            qd_server_begin_shutdown(srv);
        }
    }
}

static int
setup_signals(struct qd_err *err)
{
    struct sigaction sa;

    if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
        return qd_err_sys(err, QD_ERR_INTERNAL_ERROR, QD_FROM_NONE, errno,
                          "cannot create signal pipe");
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
    return 0;
}

/* mkdir -p with @mode for the directories it creates. */
static int
make_dirs(const char *path, mode_t mode, struct qd_err *err)
{
    _cleanup_free_ char *p = qd_strdup(path);
    char *s;

    for (s = p + 1; ; s++) {
        if (*s == '/' || *s == '\0') {
            char c = *s;

            *s = '\0';
            if (mkdir(p, mode) < 0 && errno != EEXIST)
                return qd_err_sys(err, QD_ERR_OPERATION_FAILED, QD_FROM_NONE,
                                  errno, "cannot create directory '%s'", p);
            *s = c;
            if (!c)
                break;
        }
    }
    return 0;
}

/* Raise the fd limit to its hard maximum: each client is an fd. */
static void
raise_fd_limit(void)
{
    struct rlimit rl;

    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        (void) setrlimit(RLIMIT_NOFILE, &rl);
    }
}

static int
write_pid_file(const char *path, struct qd_err *err)
{
    _cleanup_close_ int fd = -1;
    char buf[32];
    int n;

    if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
        return qd_err_sys(err, QD_ERR_OPERATION_FAILED, QD_FROM_NONE, errno,
                          "cannot create pid file '%s'", path);
    n = snprintf(buf, sizeof(buf), "%d\n", (int) getpid());
    if (write(fd, buf, (size_t) n) != n)
        return qd_err_sys(err, QD_ERR_OPERATION_FAILED, QD_FROM_NONE, errno,
                          "cannot write pid file '%s'", path);
    return 0;
}

/* Detach: the parent exits once the child says it is ready (or failed). */
static int
daemonize(int *ready_fd)
{
    int p[2];
    pid_t pid;
    char c = 1;

    if (pipe2(p, O_CLOEXEC) < 0)
        return -1;
    if ((pid = fork()) < 0)
        return -1;
    if (pid > 0) {
        close(p[1]);
        if (read(p[0], &c, 1) != 1)
            _exit(EXIT_FAILURE);
        _exit(c == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
    }
    close(p[0]);
    setsid();
    if ((pid = fork()) < 0)
        return -1;
    if (pid > 0)
        _exit(EXIT_SUCCESS);
    if (chdir("/") < 0)
        return -1;
    *ready_fd = p[1];
    return 0;
}

static void
usage(FILE *out)
{
    fprintf(out,
            "Usage: qemud [OPTIONS]\n"
            "\n"
            "A lean QEMU/KVM management daemon speaking libvirt's RPC "
            "protocol.\n"
            "\n"
            "  -f, --config FILE    configuration file (libvirtd.conf syntax;\n"
            "                       default " DEFAULT_CONFIG " if present)\n"
            "  -p, --pid-file FILE  write the daemon's pid to FILE\n"
            "  -d, --daemon         detach and run in the background\n"
            "  -l, --listen         accepted for libvirtd compatibility (TCP\n"
            "                       and TLS follow listen_tcp/listen_tls)\n"
            "  -v, --verbose        log at debug level to stderr\n"
            "  -V, --version        print the version and exit\n"
            "  -h, --help           print this help and exit\n");
}

static int
gid_for(const char *group, gid_t *ret, struct qd_err *err)
{
    struct group *g;
    char *end;
    long v;

    *ret = (gid_t) -1;
    if (!group)
        return 0;
    if ((g = getgrnam(group))) {
        *ret = g->gr_gid;
        return 0;
    }
    v = strtol(group, &end, 10);
    if (*group && !*end && v >= 0) {
        *ret = (gid_t) v;
        return 0;
    }
    return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_CONF,
                         "unix_sock_group: unknown group '%s'", group);
}

static int
run(struct qd_config *cfg, const char *pid_file, bool detach, bool verbose,
    struct qd_err *err)
{
    struct qd_server_limits lim, adm;
    struct qd_driver_env env;
    struct qd_server *srv = NULL;
    gid_t gid;
    int ready_fd = -1, rc = -1;
    size_t i;

    if (qd_log_configure(verbose ? QD_LOG_DEBUG : cfg->log_level,
                         cfg->log_filters,
                         verbose ? "1:stderr" : cfg->log_outputs, err) < 0)
        return -1;
    for (i = 0; i < cfg->nignored; i++)
        QD_WARN("config key '%s' is not implemented by qemud yet; ignored",
                cfg->ignored[i]);
    if (qd_config_resolve_paths(cfg, err) < 0 ||
        gid_for(cfg->unix_sock_group, &gid, err) < 0)
        return -1;
    if (make_dirs(cfg->run_dir, 0755, err) < 0 ||
        make_dirs(cfg->unix_sock_dir, 0755, err) < 0)
        return -1;
    raise_fd_limit();

    lim = (struct qd_server_limits) {
        .max_clients = cfg->max_clients,
        .max_queued_clients = cfg->max_queued_clients,
        .max_anonymous_clients = cfg->max_anonymous_clients,
        .min_workers = cfg->min_workers,
        .max_workers = cfg->max_workers,
        .prio_workers = cfg->prio_workers,
        .max_client_requests = cfg->max_client_requests,
        .keepalive_interval = cfg->keepalive_interval,
        .keepalive_count = cfg->keepalive_count,
    };
    /* libvirt-compat: the "admin" server's settings are libvirtd's
     * built-in admin_* defaults (the admin_* keys are not read yet) */
    adm = (struct qd_server_limits) {
        .max_clients = 5000,
        .max_queued_clients = 20,
        .max_anonymous_clients = 0,
        .min_workers = 5,
        .max_workers = 20,
        .prio_workers = 0,
        .max_client_requests = 5,
        .keepalive_interval = 5,
        .keepalive_count = 5,
    };
    /* Handlers first: a SIGTERM that arrives once the sockets exist (a
     * supervisor may see them at once) must mean an orderly shutdown. It
     * waits in the self-pipe until the loop runs. */
    if (setup_signals(err) < 0)
        return -1;
    if (detach && daemonize(&ready_fd) < 0)
        return qd_err_sys(err, QD_ERR_INTERNAL_ERROR, QD_FROM_NONE, errno,
                          "cannot detach");
    if (!(srv = qd_server_new(&lim, &adm, err)))
        goto out;
    if (qd_daemon_listen(srv, cfg, gid, err) < 0)
        goto out;
    if (qd_loop_add_fd(srv->loop, sig_pipe[0], EPOLLIN, on_sig_pipe, srv,
                       err) < 0)
        goto out;
    env = (struct qd_driver_env) {
        .loop = srv->loop,
        .etc_dir = cfg->etc_dir,
        .run_dir = cfg->run_dir,
        .lib_dir = cfg->lib_dir,
        .log_dir = cfg->log_dir,
        .privileged = geteuid() == 0,
    };
    if (qd_registry_state_init(&env, err) < 0)
        goto out;
    if (pid_file && write_pid_file(pid_file, err) < 0)
        goto out;
    if (ready_fd >= 0) {
        char ok = 0;

        (void) !write(ready_fd, &ok, 1);
        close(ready_fd);
        ready_fd = -1;
        {
            int nul = open("/dev/null", O_RDWR | O_CLOEXEC);

            if (nul >= 0) {
                /* a detached daemon has no terminal: log outputs other
                 * than stderr (log_outputs) are the way to see it */
                dup2(nul, STDIN_FILENO);
                dup2(nul, STDOUT_FILENO);
                dup2(nul, STDERR_FILENO);
                close(nul);
            }
        }
    }
    QD_INFO("qemud %s listening on %s", QD_VERSION, cfg->sock_rw_path);
    qd_server_run(srv);
    rc = 0;
out:
    qd_server_free(srv);
    if (pid_file)
        (void) unlink(pid_file);
    if (ready_fd >= 0) {
        char bad = 1;

        (void) !write(ready_fd, &bad, 1);
        close(ready_fd);
    }
    return rc;
}

int
main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "config", required_argument, NULL, 'f' },
        { "pid-file", required_argument, NULL, 'p' },
        { "daemon", no_argument, NULL, 'd' },
        { "verbose", no_argument, NULL, 'v' },
        { "version", no_argument, NULL, 'V' },
        { "help", no_argument, NULL, 'h' },
        { "listen", no_argument, NULL, 'l' },
        { NULL, 0, NULL, 0 },
    };
    struct qd_config cfg;
    struct qd_err err = QD_ERR_INIT;
    const char *config_file = NULL, *pid_file = NULL;
    bool detach = false, verbose = false;
    int c, rc;

    while ((c = getopt_long(argc, argv, "f:p:dlvVh", opts, NULL)) != -1) {
        switch (c) {
        case 'f': config_file = optarg; break;
        case 'p': pid_file = optarg; break;
        case 'd': detach = true; break;
        /* libvirt-compat: libvirtd listens on TCP/TLS only with --listen;
         * qemud, like virtproxyd, follows listen_tcp/listen_tls alone */
        case 'l': break;
        case 'v': verbose = true; break;
        case 'V':
            printf("qemud %s\n", QD_VERSION);
            return EXIT_SUCCESS;
        case 'h':
            usage(stdout);
            return EXIT_SUCCESS;
        default:
            usage(stderr);
            return EXIT_FAILURE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "qemud: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        return EXIT_FAILURE;
    }

    qd_config_init_defaults(&cfg);
    if (!config_file && access(DEFAULT_CONFIG, R_OK) == 0)
        config_file = DEFAULT_CONFIG;
    if (config_file && qd_config_load_file(&cfg, config_file, &err) < 0) {
        fprintf(stderr, "qemud: %s\n", err.message);
        qd_err_clear(&err);
        qd_config_clear(&cfg);
        return EXIT_FAILURE;
    }
    rc = run(&cfg, pid_file, detach, verbose, &err);
    if (rc < 0) {
        fprintf(stderr, "qemud: %s\n", err.message ? err.message :
                "start-up failed");
        QD_ERROR("%s", err.message ? err.message : "start-up failed");
    }
    qd_err_clear(&err);
    qd_config_clear(&cfg);
    qd_log_shutdown();
    return rc < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
