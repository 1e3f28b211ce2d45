/* Growable byte buffer: doubles, aborts on OOM through qd_realloc. */
#include "util/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

void
qd_buf_grow(struct qd_buf *b, size_t n)
{
    size_t cap = b->cap ? b->cap : 256;

    while (cap < b->len + n + 1)
        cap *= 2;
    b->data = qd_realloc(b->data, cap);
    b->cap = cap;
}

void
qd_buf_append(struct qd_buf *b, const void *p, size_t n)
{
    if (n)
        memcpy(qd_buf_extend(b, n), p, n);
}

void
qd_buf_puts(struct qd_buf *b, const char *s)
{
    qd_buf_append(b, s, strlen(s));
}

/* One pass into the spare room when it fits (the common case: formatting
 * XML fragments); a second only when the buffer must grow. */
void
qd_buf_printf(struct qd_buf *b, const char *fmt, ...)
{
    size_t room = b->cap > b->len ? b->cap - b->len : 0;
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(room ? (char *) b->data + b->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n <= 0)
        return;
    if ((size_t) n < room) {
        b->len += (size_t) n;
        return;
    }
    qd_buf_extend(b, (size_t) n);
    va_start(ap, fmt);
    vsnprintf((char *) b->data + b->len - n, (size_t) n + 1, fmt, ap);
    va_end(ap);
}

char *
qd_buf_steal_str(struct qd_buf *b)
{
    char *s;

    qd_buf_extend(b, 0);
    b->data[b->len] = '\0';
    s = (char *) b->data;
    b->data = NULL;
    b->len = b->cap = 0;
    return s;
}

void
qd_buf_clear(struct qd_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
