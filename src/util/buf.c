/* Growable byte buffer: doubles, aborts on OOM through qd_realloc. */
#include "util/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

uint8_t *
qd_buf_extend(struct qd_buf *b, size_t n)
{
    uint8_t *p;

    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;

        while (cap < b->len + n + 1)
            cap *= 2;
        b->data = qd_realloc(b->data, cap);
        b->cap = cap;
    }
    p = b->data + b->len;
    b->len += n;
    return p;
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

void
qd_buf_printf(struct qd_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n <= 0)
        return;
    qd_buf_extend(b, n);
    va_start(ap, fmt);
    vsnprintf((char *) b->data + b->len - n, n + 1, fmt, ap);
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
