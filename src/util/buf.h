/* A growable byte buffer. */
#ifndef QD_UTIL_BUF_H
#define QD_UTIL_BUF_H

#include <stddef.h>
#include <stdint.h>

struct qd_buf {
    uint8_t *data;
    size_t len;
    size_t cap;
};

/* Grows the allocation so @n more bytes (and a NUL) fit. */
void qd_buf_grow(struct qd_buf *b, size_t n);

/* Makes room for @n more bytes and returns a pointer to them (len grows).
 * Inline: the XDR encoder calls it for every word. */
static inline uint8_t *
qd_buf_extend(struct qd_buf *b, size_t n)
{
    uint8_t *p;

    if (b->len + n + 1 > b->cap)
        qd_buf_grow(b, n);
    p = b->data + b->len;
    b->len += n;
    return p;
}
void qd_buf_append(struct qd_buf *b, const void *p, size_t n);
void qd_buf_printf(struct qd_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void qd_buf_puts(struct qd_buf *b, const char *s);
/* NUL-terminates and returns the data; the buffer gives it up. */
char *qd_buf_steal_str(struct qd_buf *b);
void qd_buf_clear(struct qd_buf *b);

#endif
