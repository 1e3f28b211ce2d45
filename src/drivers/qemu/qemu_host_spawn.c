/* Running helper QEMU processes for the host probes: fork and exec with
 * chosen stdio, a clean signal state and a parent-death signal, bounded
 * reaping, and QEMU's stderr for error messages. Any thread but the
 * loop (the calls block). */
#define QD_LOG_MODULE "qemu.host"

#include "drivers/qemu/qemu_host_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/log.h"
#include "util/mem.h"

/* What we keep of QEMU's stderr for error messages. */
#define STDERR_MAX 4096
/* After SIGKILL, how long we wait to reap QEMU. */
#define REAP_TIMEOUT_MS 2000

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

int64_t
qd_qemu_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
qd_qemu_remaining_ms(int64_t deadline)
{
    int64_t left = deadline - qd_qemu_now_ms();

    return left < 0 ? 0 : (int) left;
}

/* Child side of qd_qemu_spawn(): only async-signal-safe calls from here on. */
static void __attribute__((noreturn))
child_exec(char *const argv[], const int fds[3], int report_fd, pid_t parent)
{
    static char *const envp[] = {
        (char *) "LC_ALL=C",
        (char *) "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
                 "/sbin:/bin",
        NULL,
    };
    struct sigaction sa;
    sigset_t none;
    int high[3];
    int i, e;

    /* QEMU must not outlive a daemon that dies in the middle of a probe
     * (the signal follows the forking thread, which waits for QEMU) */
    (void) prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(127);
    (void) setsid();
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_DFL;
    for (i = 1; i < NSIG; i++)
        (void) sigaction(i, &sa, NULL);
    sigemptyset(&none);
    (void) sigprocmask(SIG_SETMASK, &none, NULL);

    /* move the three fds out of 0..2 first, in case one already is there */
    for (i = 0; i < 3; i++) {
        if ((high[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 10)) < 0)
            goto fail;
    }
    for (i = 0; i < 3; i++) {
        if (dup2(high[i], i) < 0)
            goto fail;
    }
    if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
        for (i = 3; i < 4096; i++) {
            if (i != report_fd)
                (void) close(i);
        }
    }
    execve(argv[0], argv, envp);
fail:
    e = errno;
    (void) !write(report_fd, &e, sizeof(e));
    _exit(127);
}

/* Start @argv[0] with @in, @out and @errfd as its fds 0, 1, 2, in a new
 * session, with default signal handling. Returns the pid, or -1 with
 * *@ret_errno set (exec failures included). */
pid_t
qd_qemu_spawn(char *const argv[], int in, int out, int errfd, int *ret_errno)
{
    int report[2];
    int fds[3] = { in, out, errfd };
    pid_t parent = getpid(), pid;
    ssize_t n;
    int e = 0;

    if (pipe2(report, O_CLOEXEC) < 0) {
        *ret_errno = errno;
        return -1;
    }
    if ((pid = fork()) < 0) {
        *ret_errno = errno;
        close(report[0]);
        close(report[1]);
        return -1;
    }
    if (pid == 0)
        child_exec(argv, fds, report[1], parent);
    close(report[1]);
    /* EOF: exec succeeded (the pipe is close-on-exec) */
    do {
        n = read(report[0], &e, sizeof(e));
    } while (n < 0 && errno == EINTR);
    close(report[0]);
    if (n == (ssize_t) sizeof(e)) {
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
        *ret_errno = e;
        return -1;
    }
    return pid;
}

/* Wait up to @timeout_ms for @pid to exit, then SIGKILL it and wait a
 * little more. A process that even then does not go (stuck in the
 * kernel) is left behind with a warning rather than hanging us. */
void
qd_qemu_reap(pid_t pid, int timeout_ms)
{
    int64_t deadline = qd_qemu_now_ms() + timeout_ms;
    bool killed = timeout_ms <= 0;
    struct timespec nap = { 0, 2 * 1000 * 1000 };
    pid_t r;

    if (killed) {
        (void) kill(pid, SIGKILL);
        deadline = qd_qemu_now_ms() + REAP_TIMEOUT_MS;
    }
    for (;;) {
        r = waitpid(pid, NULL, WNOHANG);
        if (r == pid || (r < 0 && errno != EINTR))
            return;             /* gone (or reaped by someone else) */
        if (qd_qemu_now_ms() >= deadline) {
            if (killed) {
                QD_WARN("QEMU process %d did not exit after SIGKILL",
                        (int) pid);
                return;
            }
            (void) kill(pid, SIGKILL);
            killed = true;
            deadline = qd_qemu_now_ms() + REAP_TIMEOUT_MS;
        }
        nanosleep(&nap, NULL);
    }
}

/* What QEMU wrote to @fd (non-blocking read, bounded), trimmed; heap
 * string, NULL when nothing. */
char *
qd_qemu_drain_stderr(int fd)
{
    char buf[STDERR_MAX + 1];
    size_t len = 0;
    ssize_t n;

    if (fd < 0)
        return NULL;
    (void) fcntl(fd, F_SETFL, O_NONBLOCK);
    while (len < STDERR_MAX &&
           (n = read(fd, buf + len, STDERR_MAX - len)) > 0)
        len += (size_t) n;
    while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r' ||
                       buf[len - 1] == ' '))
        len--;
    if (len == 0)
        return NULL;
    buf[len] = '\0';
    /* one line for an error message: "first; second" */
    {
        struct qd_buf b = { 0 };
        char *line, *save = NULL;

        for (line = strtok_r(buf, "\r\n", &save); line;
             line = strtok_r(NULL, "\r\n", &save)) {
            if (b.len)
                qd_buf_puts(&b, "; ");
            qd_buf_puts(&b, line);
        }
        return qd_buf_steal_str(&b);
    }
}
