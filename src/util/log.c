/* Logging. Outputs and filters are swapped under a lock so a later admin
 * call can change them at run time; the fast path is one relaxed load. */
#include "util/log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "util/err.h"
#include "util/mem.h"

#define LOG_MAX_RULES 32

enum out_kind { OUT_STDERR, OUT_FILE, OUT_SYSLOG };

struct log_filter {
    char *match;
    int prio;
};

struct log_output {
    enum out_kind kind;
    int prio;
    char *path;
    int fd;
};

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static struct log_filter filters[LOG_MAX_RULES];
static size_t nfilters;
static struct log_output outputs[LOG_MAX_RULES];
static size_t noutputs;
static int default_prio = QD_LOG_WARN;
static int min_prio = QD_LOG_WARN;   /* lowest prio any rule lets through */

static const char *const prio_names[] = { "", "debug", "info", "warning", "error" };

static int
prio_for_locked(const char *module)
{
    size_t i;

    for (i = 0; i < nfilters; i++)
        if (strstr(module, filters[i].match))
            return filters[i].prio;
    return default_prio;
}

bool
qd_log_enabled(enum qd_log_prio prio, const char *module)
{
    int p;

    if ((int) prio < __atomic_load_n(&min_prio, __ATOMIC_RELAXED))
        return false;
    pthread_mutex_lock(&log_lock);
    p = prio_for_locked(module);
    pthread_mutex_unlock(&log_lock);
    return (int) prio >= p;
}

void
qd_log_msg(enum qd_log_prio prio, const char *module, const char *fmt, ...)
{
    char line[4096];
    struct timespec ts;
    struct tm tm;
    va_list ap;
    int n, m;
    size_t i;

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    n = snprintf(line, sizeof(line),
                 "%04d-%02d-%02d %02d:%02d:%02d.%03ld+0000: %ld: %s : %s: ",
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                 tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000,
                 (long) syscall(SYS_gettid), prio_names[prio], module);
    va_start(ap, fmt);
    m = vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
    va_end(ap);
    if (m < 0)
        m = 0;
    n += m;
    if (n > (int) sizeof(line) - 2)
        n = sizeof(line) - 2;
    line[n++] = '\n';

    pthread_mutex_lock(&log_lock);
    if (noutputs == 0) {
        (void) !write(2, line, n);
    }
    for (i = 0; i < noutputs; i++) {
        if ((int) prio < outputs[i].prio)
            continue;
        switch (outputs[i].kind) {
        case OUT_STDERR:
            (void) !write(2, line, n);
            break;
        case OUT_FILE:
            if (outputs[i].fd >= 0)
                (void) !write(outputs[i].fd, line, n);
            break;
        case OUT_SYSLOG:
            syslog(prio == QD_LOG_ERROR ? LOG_ERR :
                   prio == QD_LOG_WARN ? LOG_WARNING :
                   prio == QD_LOG_INFO ? LOG_INFO : LOG_DEBUG,
                   "%.*s", n - 1, line);
            break;
        }
    }
    pthread_mutex_unlock(&log_lock);
}

static void
clear_locked(void)
{
    size_t i;

    for (i = 0; i < nfilters; i++)
        free(filters[i].match);
    nfilters = 0;
    for (i = 0; i < noutputs; i++) {
        free(outputs[i].path);
        if (outputs[i].fd >= 0)
            close(outputs[i].fd);
    }
    noutputs = 0;
}

static int
parse_prio(const char *s, const char **rest)
{
    if (s[0] < '1' || s[0] > '4' || s[1] != ':')
        return -1;
    *rest = s + 2;
    return s[0] - '0';
}

int
qd_log_configure(int level, const char *filt, const char *outs,
                 struct qd_err *err)
{
    struct log_filter nf[LOG_MAX_RULES];
    struct log_output no[LOG_MAX_RULES];
    size_t nnf = 0, nno = 0, i;
    char *copy, *tok, *save = NULL;
    int minp;

    if (level < 1 || level > 4)
        return qd_err_set(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_CONF,
                          "invalid log level %d (must be 1..4)", level);
    if (filt) {
        copy = qd_strdup(filt);
        for (tok = strtok_r(copy, " \t\n", &save); tok;
             tok = strtok_r(NULL, " \t\n", &save)) {
            const char *rest;
            int p = parse_prio(tok, &rest);

            if (p < 0 || !*rest || nnf == LOG_MAX_RULES) {
                free(copy);
                for (i = 0; i < nnf; i++)
                    free(nf[i].match);
                return qd_err_set(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_CONF,
                                  "invalid log filter '%s'", tok);
            }
            if (*rest == '+')
                rest++;
            nf[nnf].match = qd_strdup(rest);
            nf[nnf++].prio = p;
        }
        free(copy);
    }
    if (outs) {
        copy = qd_strdup(outs);
        save = NULL;
        for (tok = strtok_r(copy, " \t\n", &save); tok;
             tok = strtok_r(NULL, " \t\n", &save)) {
            const char *rest;
            int p = parse_prio(tok, &rest);
            struct log_output o = { .prio = p, .fd = -1 };

            if (p < 0 || nno == LOG_MAX_RULES)
                goto bad_output;
            if (strcmp(rest, "stderr") == 0) {
                o.kind = OUT_STDERR;
            } else if (strncmp(rest, "syslog:", 7) == 0 ||
                       strcmp(rest, "journald") == 0) {
                o.kind = OUT_SYSLOG;
            } else if (strncmp(rest, "file:", 5) == 0 && rest[5] == '/') {
                o.kind = OUT_FILE;
                o.path = qd_strdup(rest + 5);
                o.fd = open(o.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
                            0600);
                if (o.fd < 0) {
                    int e = errno;

                    free(o.path);
                    qd_err_sys(err, QD_ERR_OPERATION_FAILED, QD_FROM_CONF, e,
                               "cannot open log output '%s'", rest + 5);
                    goto fail_outputs;
                }
            } else {
                goto bad_output;
            }
            no[nno++] = o;
            continue;
        bad_output:
            qd_err_set(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_CONF,
                       "invalid log output '%s'", tok);
        fail_outputs:
            free(copy);
            for (i = 0; i < nnf; i++)
                free(nf[i].match);
            for (i = 0; i < nno; i++) {
                free(no[i].path);
                if (no[i].fd >= 0)
                    close(no[i].fd);
            }
            return -1;
        }
        free(copy);
    }

    pthread_mutex_lock(&log_lock);
    clear_locked();
    memcpy(filters, nf, nnf * sizeof(nf[0]));
    nfilters = nnf;
    memcpy(outputs, no, nno * sizeof(no[0]));
    noutputs = nno;
    default_prio = level;
    minp = level;
    for (i = 0; i < nfilters; i++)
        if (filters[i].prio < minp)
            minp = filters[i].prio;
    __atomic_store_n(&min_prio, minp, __ATOMIC_RELAXED);
    pthread_mutex_unlock(&log_lock);
    return 0;
}

void
qd_log_reopen(void)
{
    size_t i;

    pthread_mutex_lock(&log_lock);
    for (i = 0; i < noutputs; i++) {
        if (outputs[i].kind != OUT_FILE)
            continue;
        if (outputs[i].fd >= 0)
            close(outputs[i].fd);
        outputs[i].fd = open(outputs[i].path,
                             O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    }
    pthread_mutex_unlock(&log_lock);
}

void
qd_log_shutdown(void)
{
    pthread_mutex_lock(&log_lock);
    clear_locked();
    pthread_mutex_unlock(&log_lock);
}
