/* Logging. Outputs and filters are swapped under a lock so the admin
 * program can change them at run time; the fast path is one relaxed load.
 *
 * The syntax, its parsing and its error texts are libvirt's (virlog.c):
 * filters "P:match", outputs "P:stderr", "P:journald", "P:syslog:ident",
 * "P:file:path", separated by spaces. A filter matches modules whose name
 * contains its match (a glob, kept and reported as "*match*" as libvirt
 * does). A message passes when its priority reaches the first matching
 * filter's (else the default level), then goes to each output whose
 * priority it reaches. */
#include "util/log.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/mem.h"

#define LOG_ERR_SYSTEM_ERROR 38    /* VIR_ERR_SYSTEM_ERROR */

/* libvirt's virLogDestination names, in its order */
enum out_kind { OUT_STDERR, OUT_SYSLOG, OUT_FILE, OUT_JOURNALD };
static const char *const kind_names[] = { "stderr", "syslog", "file",
                                          "journald" };

struct log_filter {
    char *match;         /* a glob: libvirt stores "rpc" as "*rpc*" */
    int prio;
};

struct log_output {
    enum out_kind kind;
    int prio;
    char *name;          /* syslog ident or file path; NULL otherwise */
    int fd;              /* file outputs */
};

struct log_set {
    struct log_filter *filters;
    size_t nfilters;
    struct log_output *outputs;
    size_t noutputs;
};

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static struct log_set cur;                   /* log_lock */
static int default_prio = QD_LOG_WARN;       /* log_lock */
static char *default_output;                 /* log_lock; NULL: stderr */
static int min_prio = QD_LOG_WARN;   /* lowest prio any rule lets through */
static char syslog_ident[64];                /* openlog() keeps the pointer */

static const char *const prio_names[] = { "", "debug", "info", "warning", "error" };

static int
prio_for_locked(const char *module)
{
    size_t i;

    for (i = 0; i < cur.nfilters; i++)
        if (fnmatch(cur.filters[i].match, module, 0) == 0)
            return cur.filters[i].prio;
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
    if (cur.noutputs == 0) {
        (void) !write(2, line, n);
    }
    for (i = 0; i < cur.noutputs; i++) {
        if ((int) prio < cur.outputs[i].prio)
            continue;
        switch (cur.outputs[i].kind) {
        case OUT_STDERR:
            (void) !write(2, line, n);
            break;
        case OUT_FILE:
            if (cur.outputs[i].fd >= 0)
                (void) !write(cur.outputs[i].fd, line, n);
            break;
        case OUT_SYSLOG:
        case OUT_JOURNALD:
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
set_clear(struct log_set *s)
{
    size_t i;

    for (i = 0; i < s->nfilters; i++)
        free(s->filters[i].match);
    for (i = 0; i < s->noutputs; i++) {
        free(s->outputs[i].name);
        if (s->outputs[i].fd >= 0)
            close(s->outputs[i].fd);
    }
    free(s->filters);
    free(s->outputs);
    memset(s, 0, sizeof(*s));
}

/* Splits @src at every @sep, as g_strsplit does: empty pieces are kept.
 * Returns a NULL-terminated array; free it with free_strv(). */
static char **
split(const char *src, char sep, size_t *ret_n)
{
    char **v = NULL;
    size_t n = 0;
    const char *p = src, *e;

    for (;;) {
        e = strchr(p, sep);
        v = qd_realloc(v, (n + 2) * sizeof(*v));
        v[n++] = e ? qd_strndup(p, (size_t) (e - p)) : qd_strdup(p);
        if (!e)
            break;
        p = e + 1;
    }
    v[n] = NULL;
    *ret_n = n;
    return v;
}

static void
free_strv(char **v)
{
    size_t i;

    for (i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

/* virStrToLong_uip for a priority: digits only, 1..4. Returns it or -1. */
static int
parse_prio(const char *s)
{
    char *end;
    unsigned long v;

    if (!*s || strchr(s, '-'))
        return -1;
    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno || *end || v < QD_LOG_DEBUG || v > QD_LOG_ERROR)
        return -1;
    return (int) v;
}

/* An absolute, normalised path (g_canonicalize_filename): relative paths
 * are taken from the working directory; ".", ".." and "//" fold away. */
static char *
canonical_path(const char *path)
{
    struct qd_buf out = { 0 };
    char cwd[4096];
    char **parts;
    size_t n, i, *marks, nmarks = 0;
    char *full;

    if (path[0] == '/')
        full = qd_strdup(path);
    else
        full = qd_asprintf("%s/%s", getcwd(cwd, sizeof(cwd)) ? cwd : "",
                           path);
    parts = split(full, '/', &n);
    free(full);
    marks = qd_calloc(n + 1, sizeof(*marks));
    for (i = 0; i < n; i++) {
        if (!*parts[i] || strcmp(parts[i], ".") == 0)
            continue;
        if (strcmp(parts[i], "..") == 0) {
            if (nmarks > 0)
                out.len = marks[--nmarks];
            continue;
        }
        marks[nmarks++] = out.len;
        qd_buf_printf(&out, "/%s", parts[i]);
    }
    if (out.len == 0)
        qd_buf_puts(&out, "/");
    free(marks);
    free_strv(parts);
    return qd_buf_steal_str(&out);
}

/* virLogParseFilter: one "P:match". Appends to @s or fails. */
static int
parse_filter(struct log_set *s, const char *src, struct qd_err *err)
{
    char **tok;
    size_t n;
    const char *match;
    int prio, rc = -1;

    tok = split(src, ':', &n);
    if (n < 2) {
        qd_err_report(err, QD_ERR_INVALID_ARG, QD_FROM_NONE,
                      "Malformed format for filter '%s'", src);
        goto out;
    }
    if ((prio = parse_prio(tok[0])) < 0) {
        qd_err_report(err, QD_ERR_INVALID_ARG, QD_FROM_NONE,
                      "Invalid priority '%s' for filter '%s'", tok[0], src);
        goto out;
    }
    match = tok[1][0] == '+' ? tok[1] + 1 : tok[1];
    if (!*match) {
        qd_err_report(err, QD_ERR_INVALID_ARG, QD_FROM_NONE,
                      "Invalid match string '%s'", tok[1]);
        goto out;
    }
    s->filters = qd_realloc(s->filters,
                            (s->nfilters + 1) * sizeof(*s->filters));
    s->filters[s->nfilters].match = qd_asprintf("*%s*", match);
    s->filters[s->nfilters++].prio = prio;
    rc = 0;
out:
    free_strv(tok);
    return rc;
}

/* virLogParseOutput: one output. Appends to @s, replacing an earlier
 * output with the same destination (and ident or path), or fails. */
static int
parse_output(struct log_set *s, const char *src, struct qd_err *err)
{
    struct log_output o = { .fd = -1 };
    char **tok;
    size_t n, i;
    int kind = -1, rc = -1;

    tok = split(src, ':', &n);
    if (n < 2) {
        qd_err_report(err, QD_ERR_INVALID_ARG, QD_FROM_NONE,
                      "Malformed format for log output '%s'", src);
        goto out;
    }
    if ((o.prio = parse_prio(tok[0])) < 0) {
        qd_err_report(err, QD_ERR_INVALID_ARG, QD_FROM_NONE,
                      "Invalid log priority '%s' for log output '%s'",
                      tok[0], src);
        goto out;
    }
    for (i = 0; i < QD_ARRAY_SIZE(kind_names); i++)
        if (strcmp(tok[1], kind_names[i]) == 0)
            kind = (int) i;
    if (kind < 0) {
        qd_err_report(err, QD_ERR_INVALID_ARG, QD_FROM_NONE,
                      "Invalid log destination '%s' for log output '%s'",
                      tok[1], src);
        goto out;
    }
    o.kind = (enum out_kind) kind;
    if (n != ((o.kind == OUT_FILE || o.kind == OUT_SYSLOG) ? 3u : 2u)) {
        qd_err_report(err, QD_ERR_INVALID_ARG, QD_FROM_NONE,
                      "Log output '%s' does not meet the format requirements "
                      "for destination type '%s'", src, tok[1]);
        goto out;
    }
    if (o.kind == OUT_SYSLOG) {
        o.name = qd_strdup(tok[2]);
    } else if (o.kind == OUT_FILE) {
        o.name = canonical_path(tok[2]);
        o.fd = open(o.name, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
        if (o.fd < 0) {
            qd_err_sys(err, LOG_ERR_SYSTEM_ERROR, QD_FROM_NONE, errno,
                       "failed to open %s", o.name);
            free(o.name);
            goto out;
        }
    }
    for (i = 0; i < s->noutputs; i++) {
        struct log_output *old = &s->outputs[i];

        if (old->kind != o.kind ||
            (old->name ? !o.name || strcmp(old->name, o.name) : !!o.name))
            continue;
        free(old->name);
        if (old->fd >= 0)
            close(old->fd);
        memmove(old, old + 1, (s->noutputs - i - 1) * sizeof(*old));
        s->noutputs--;
        break;
    }
    s->outputs = qd_realloc(s->outputs,
                            (s->noutputs + 1) * sizeof(*s->outputs));
    s->outputs[s->noutputs++] = o;
    rc = 0;
out:
    free_strv(tok);
    return rc;
}

/* Parses the space-separated list @src with @one. */
static int
parse_list(struct log_set *s, const char *src,
           int (*one)(struct log_set *, const char *, struct qd_err *),
           struct qd_err *err)
{
    char **tok;
    size_t n, i;
    int rc = 0;

    tok = split(src, ' ', &n);
    for (i = 0; i < n && rc == 0; i++)
        if (*tok[i])
            rc = one(s, tok[i], err);
    free_strv(tok);
    return rc;
}

/* Recomputes min_prio. log_lock held. */
static void
update_min_locked(void)
{
    int minp = default_prio;
    size_t i;

    for (i = 0; i < cur.nfilters; i++)
        if (cur.filters[i].prio < minp)
            minp = cur.filters[i].prio;
    __atomic_store_n(&min_prio, minp, __ATOMIC_RELAXED);
}

/* Installs @s's filters and/or outputs (the other half stays). Takes
 * what it installs. log_lock held. */
static void
install_locked(struct log_set *s, bool filters, bool outputs)
{
    size_t i;

    if (filters) {
        struct log_set old = { cur.filters, cur.nfilters, NULL, 0 };

        set_clear(&old);
        cur.filters = steal_ptr(&s->filters);
        cur.nfilters = s->nfilters;
        s->nfilters = 0;
    }
    if (outputs) {
        struct log_set old = { NULL, 0, cur.outputs, cur.noutputs };

        set_clear(&old);
        cur.outputs = steal_ptr(&s->outputs);
        cur.noutputs = s->noutputs;
        s->noutputs = 0;
        for (i = 0; i < cur.noutputs; i++) {
            if (cur.outputs[i].kind != OUT_SYSLOG)
                continue;
            snprintf(syslog_ident, sizeof(syslog_ident), "%s",
                     cur.outputs[i].name);
            openlog(syslog_ident, 0, LOG_DAEMON);
        }
    }
    update_min_locked();
}

int
qd_log_configure(int level, const char *filt, const char *outs,
                 struct qd_err *err)
{
    struct log_set s = { 0 };
    char *defout;

    if (level < 1 || level > 4)
        return qd_err_set(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_CONF,
                          "invalid log level %d (must be 1..4)", level);
    defout = qd_asprintf("%d:stderr", level);
    if ((filt && parse_list(&s, filt, parse_filter, err) < 0) ||
        parse_list(&s, outs && *outs ? outs : defout, parse_output,
                   err) < 0) {
        set_clear(&s);
        free(defout);
        return -1;
    }
    pthread_mutex_lock(&log_lock);
    default_prio = level;
    free(default_output);
    default_output = defout;
    install_locked(&s, true, true);
    pthread_mutex_unlock(&log_lock);
    return 0;
}

int
qd_log_set_filters(const char *filt, struct qd_err *err)
{
    struct log_set s = { 0 };

    if (filt && parse_list(&s, filt, parse_filter, err) < 0) {
        set_clear(&s);
        return -1;
    }
    pthread_mutex_lock(&log_lock);
    install_locked(&s, true, false);
    pthread_mutex_unlock(&log_lock);
    return 0;
}

int
qd_log_set_outputs(const char *outs, struct qd_err *err)
{
    struct log_set s = { 0 };
    _cleanup_free_ char *defout = NULL;

    if (!outs || !*outs) {
        pthread_mutex_lock(&log_lock);
        defout = qd_strdup(default_output ? default_output : "3:stderr");
        pthread_mutex_unlock(&log_lock);
        outs = defout;
    }
    /* files are opened outside the lock: a slow disk must not stall
     * every thread that logs */
    if (parse_list(&s, outs, parse_output, err) < 0) {
        set_clear(&s);
        return -1;
    }
    pthread_mutex_lock(&log_lock);
    install_locked(&s, false, true);
    pthread_mutex_unlock(&log_lock);
    return 0;
}

char *
qd_log_get_filters(unsigned *ret_n)
{
    struct qd_buf b = { 0 };
    size_t i;

    pthread_mutex_lock(&log_lock);
    for (i = 0; i < cur.nfilters; i++)
        qd_buf_printf(&b, "%d:%s ", cur.filters[i].prio,
                      cur.filters[i].match);
    *ret_n = (unsigned) cur.nfilters;
    pthread_mutex_unlock(&log_lock);
    return qd_buf_steal_str(&b);
}

char *
qd_log_get_outputs(unsigned *ret_n)
{
    struct qd_buf b = { 0 };
    size_t i;

    pthread_mutex_lock(&log_lock);
    for (i = 0; i < cur.noutputs; i++) {
        const struct log_output *o = &cur.outputs[i];

        qd_buf_printf(&b, "%s%d:%s", i ? " " : "", o->prio,
                      kind_names[o->kind]);
        if (o->name)
            qd_buf_printf(&b, ":%s", o->name);
    }
    *ret_n = (unsigned) cur.noutputs;
    pthread_mutex_unlock(&log_lock);
    return qd_buf_steal_str(&b);
}

void
qd_log_reopen(void)
{
    size_t i;

    pthread_mutex_lock(&log_lock);
    for (i = 0; i < cur.noutputs; i++) {
        if (cur.outputs[i].kind != OUT_FILE)
            continue;
        if (cur.outputs[i].fd >= 0)
            close(cur.outputs[i].fd);
        cur.outputs[i].fd = open(cur.outputs[i].name,
                                 O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
                                 0600);
    }
    pthread_mutex_unlock(&log_lock);
}

void
qd_log_shutdown(void)
{
    pthread_mutex_lock(&log_lock);
    set_clear(&cur);
    free(default_output);
    default_output = NULL;
    pthread_mutex_unlock(&log_lock);
}
