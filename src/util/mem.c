/* Allocation helpers: every allocation failure aborts the daemon. */
#include "util/mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void
qd_oom(void)
{
    static const char msg[] = "qemud: out of memory\n";

    (void) !write(2, msg, sizeof(msg) - 1);
    abort();
}

void *
qd_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (!p)
        qd_oom();
    return p;
}

void *
qd_calloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);

    if (!p)
        qd_oom();
    return p;
}

void *
qd_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);

    if (!q)
        qd_oom();
    return q;
}

char *
qd_strdup(const char *s)
{
    char *p;

    if (!s)
        return NULL;
    if (!(p = strdup(s)))
        qd_oom();
    return p;
}

char *
qd_strndup(const char *s, size_t n)
{
    char *p;

    if (!(p = strndup(s, n)))
        qd_oom();
    return p;
}

char *
qd_asprintf(const char *fmt, ...)
{
    va_list ap;
    char *p;
    int r;

    va_start(ap, fmt);
    r = vasprintf(&p, fmt, ap);
    va_end(ap);
    if (r < 0)
        qd_oom();
    return p;
}
