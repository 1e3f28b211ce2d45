/* Descriptor-driven XDR. See xdr.h for the contract. */
#include "rpc/xdr.h"

#include <stdlib.h>
#include <string.h>

#include "drivers/driver.h"
#include "rpc/wire.h"
#include "util/err.h"
#include "util/mem.h"

#define PAD4(n) (((n) + 3u) & ~3u)

void
qd_xdr_put_u32(struct qd_buf *b, uint32_t v)
{
    uint8_t *p = qd_buf_extend(b, 4);

    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

void
qd_xdr_put_u64(struct qd_buf *b, uint64_t v)
{
    qd_xdr_put_u32(b, (uint32_t) (v >> 32));
    qd_xdr_put_u32(b, (uint32_t) v);
}

void
qd_xdr_put_opaque(struct qd_buf *b, const void *p, uint32_t len)
{
    uint8_t *dst;

    qd_xdr_put_u32(b, len);
    dst = qd_buf_extend(b, PAD4(len));
    if (len)
        memcpy(dst, p, len);
    memset(dst + len, 0, PAD4(len) - len);
}

void
qd_xdr_put_string(struct qd_buf *b, const char *s)
{
    qd_xdr_put_opaque(b, s ? s : "", s ? (uint32_t) strlen(s) : 0);
}

static int
short_input(struct qd_err *err)
{
    return qd_err_set(err, QD_ERR_RPC, QD_FROM_RPC,
                      "Unable to decode message payload");
}

int
qd_xdr_get_u32(struct qd_xdr_dec *d, uint32_t *v, struct qd_err *err)
{
    const uint8_t *p;

    if (d->len - d->off < 4)
        return short_input(err);
    p = d->p + d->off;
    *v = (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 |
         (uint32_t) p[2] << 8 | p[3];
    d->off += 4;
    return 0;
}

int
qd_xdr_get_u64(struct qd_xdr_dec *d, uint64_t *v, struct qd_err *err)
{
    uint32_t hi, lo;

    if (qd_xdr_get_u32(d, &hi, err) < 0 || qd_xdr_get_u32(d, &lo, err) < 0)
        return -1;
    *v = (uint64_t) hi << 32 | lo;
    return 0;
}

/* Reads a length-prefixed byte run, checks it against @max and the
 * remaining input, and points @ret at it (no copy). */
static int
get_run(struct qd_xdr_dec *d, uint32_t max, const uint8_t **ret,
        uint32_t *ret_len, struct qd_err *err)
{
    uint32_t len;

    if (qd_xdr_get_u32(d, &len, err) < 0)
        return -1;
    if (len > max)
        return qd_err_set(err, QD_ERR_RPC, QD_FROM_RPC,
                          "Unable to decode message payload: length %u "
                          "exceeds limit %u", len, max);
    if (d->len - d->off < PAD4((uint64_t) len))
        return short_input(err);
    *ret = d->p + d->off;
    *ret_len = len;
    d->off += PAD4(len);
    return 0;
}

int
qd_xdr_get_string(struct qd_xdr_dec *d, char **s, uint32_t max,
                  struct qd_err *err)
{
    const uint8_t *p;
    uint32_t len;

    if (get_run(d, max, &p, &len, err) < 0)
        return -1;
    if (memchr(p, '\0', len))
        return qd_err_set(err, QD_ERR_RPC, QD_FROM_RPC,
                          "Unable to decode message payload: "
                          "string contains a NUL byte");
    *s = qd_strndup((const char *) p, len);
    return 0;
}

static void encode_field(struct qd_buf *b, const struct qd_xdr_field *f,
                         const uint8_t *base);

static void
encode_tparam(struct qd_buf *b, const struct qd_tparam *tp)
{
    qd_xdr_put_string(b, tp->field);
    qd_xdr_put_u32(b, (uint32_t) tp->type);
    switch (tp->type) {
    case QD_TP_INT:
    case QD_TP_BOOLEAN:
        qd_xdr_put_u32(b, (uint32_t) tp->v.i);
        break;
    case QD_TP_UINT:
        qd_xdr_put_u32(b, tp->v.ui);
        break;
    case QD_TP_LLONG:
    case QD_TP_ULLONG:
        qd_xdr_put_u64(b, tp->v.ul);
        break;
    case QD_TP_DOUBLE: {
        uint64_t u;

        memcpy(&u, &tp->v.d, sizeof(u));
        qd_xdr_put_u64(b, u);
        break;
    }
    case QD_TP_STRING:
        qd_xdr_put_string(b, tp->v.s);
        break;
    }
}

void
qd_xdr_encode(struct qd_buf *b, const struct qd_xdr_type *t, const void *obj)
{
    size_t i;

    for (i = 0; i < t->nfields; i++)
        encode_field(b, &t->fields[i], obj);
}

static void
encode_field(struct qd_buf *b, const struct qd_xdr_field *f,
             const uint8_t *base)
{
    const void *p = base + f->offset;
    uint32_t i;

    switch (f->kind) {
    case QD_XDR_INT:
    case QD_XDR_UINT:
        qd_xdr_put_u32(b, *(const uint32_t *) p);
        break;
    case QD_XDR_HYPER:
    case QD_XDR_UHYPER:
        qd_xdr_put_u64(b, *(const uint64_t *) p);
        break;
    case QD_XDR_DOUBLE: {
        uint64_t u;

        memcpy(&u, p, sizeof(u));
        qd_xdr_put_u64(b, u);
        break;
    }
    case QD_XDR_STRING:
        qd_xdr_put_string(b, *(char *const *) p);
        break;
    case QD_XDR_OPT_STRING: {
        const char *s = *(char *const *) p;

        qd_xdr_put_u32(b, s != NULL);
        if (s)
            qd_xdr_put_string(b, s);
        break;
    }
    case QD_XDR_OPAQUE_FIXED:
        memcpy(qd_buf_extend(b, PAD4(f->len)), p, f->len);
        memset(b->data + b->len - (PAD4(f->len) - f->len), 0,
               PAD4(f->len) - f->len);
        break;
    case QD_XDR_OPAQUE: {
        const struct qd_xdr_bytes *bytes = p;

        qd_xdr_put_opaque(b, bytes->data, bytes->len);
        break;
    }
    case QD_XDR_CHARS: {
        const struct qd_xdr_bytes *bytes = p;

        qd_xdr_put_u32(b, bytes->len);
        for (i = 0; i < bytes->len; i++)
            qd_xdr_put_u32(b, (uint32_t) (int32_t) (int8_t) bytes->data[i]);
        break;
    }
    case QD_XDR_CHARS_FIXED:
        for (i = 0; i < f->len; i++)
            qd_xdr_put_u32(b, (uint32_t) (int32_t) ((const int8_t *) p)[i]);
        break;
    case QD_XDR_STRUCT:
        qd_xdr_encode(b, f->type, p);
        break;
    case QD_XDR_OPT_STRUCT: {
        const void *sub = *(void *const *) p;

        qd_xdr_put_u32(b, sub != NULL);
        if (sub)
            qd_xdr_encode(b, f->type, sub);
        break;
    }
    case QD_XDR_ARRAY: {
        const struct qd_xdr_array *a = p;

        qd_xdr_put_u32(b, a->n);
        for (i = 0; i < a->n; i++)
            qd_xdr_encode(b, f->type,
                          (const uint8_t *) a->items + (size_t) i * f->type->size);
        break;
    }
    case QD_XDR_STRING_ARRAY: {
        const struct qd_xdr_array *a = p;

        qd_xdr_put_u32(b, a->n);
        for (i = 0; i < a->n; i++)
            qd_xdr_put_string(b, ((char *const *) a->items)[i]);
        break;
    }
    case QD_XDR_TPARAM:
        encode_tparam(b, p);
        break;
    }
}

static int
decode_tparam(struct qd_xdr_dec *d, struct qd_tparam *tp, struct qd_err *err)
{
    uint32_t type, u;

    if (qd_xdr_get_string(d, &tp->field, QD_STRING_MAX, err) < 0 ||
        qd_xdr_get_u32(d, &type, err) < 0)
        return -1;
    switch (type) {
    case QD_TP_INT:
    case QD_TP_BOOLEAN:
    case QD_TP_UINT:
        if (qd_xdr_get_u32(d, &u, err) < 0)
            return -1;
        tp->v.ui = u;
        break;
    case QD_TP_LLONG:
    case QD_TP_ULLONG:
    case QD_TP_DOUBLE:
        if (qd_xdr_get_u64(d, &tp->v.ul, err) < 0)
            return -1;
        break;
    case QD_TP_STRING:
        tp->type = (int32_t) type;   /* set first so free sees the string */
        if (qd_xdr_get_string(d, &tp->v.s, QD_STRING_MAX, err) < 0)
            return -1;
        break;
    default:
        return qd_err_set(err, QD_ERR_RPC, QD_FROM_RPC,
                          "Unable to decode message payload: "
                          "unknown typed parameter type %u", type);
    }
    tp->type = (int32_t) type;
    return 0;
}

static int decode_field(struct qd_xdr_dec *d, const struct qd_xdr_field *f,
                        uint8_t *base, struct qd_err *err);

static int
decode_fields(struct qd_xdr_dec *d, const struct qd_xdr_type *t, void *obj,
              struct qd_err *err)
{
    size_t i;

    for (i = 0; i < t->nfields; i++)
        if (decode_field(d, &t->fields[i], obj, err) < 0)
            return -1;
    return 0;
}

int
qd_xdr_decode(struct qd_xdr_dec *d, const struct qd_xdr_type *t, void *obj,
              struct qd_err *err)
{
    if (decode_fields(d, t, obj, err) < 0) {
        qd_xdr_free(t, obj);
        return -1;
    }
    return 0;
}

/* Reads an array count and checks it against both the bound and what the
 * remaining input could possibly hold (each element takes >= 4 bytes), so
 * a lying count cannot make us allocate more than the message size. */
static int
get_count(struct qd_xdr_dec *d, uint32_t bound, uint32_t *n,
          struct qd_err *err)
{
    if (qd_xdr_get_u32(d, n, err) < 0)
        return -1;
    if (*n > bound)
        return qd_err_set(err, QD_ERR_RPC, QD_FROM_RPC,
                          "Unable to decode message payload: array length "
                          "%u exceeds limit %u", *n, bound);
    if ((uint64_t) *n * 4 > d->len - d->off)
        return short_input(err);
    return 0;
}

static int
decode_field(struct qd_xdr_dec *d, const struct qd_xdr_field *f, uint8_t *base,
             struct qd_err *err)
{
    void *p = base + f->offset;
    const uint8_t *run;
    uint32_t i, u, len;

    switch (f->kind) {
    case QD_XDR_INT:
    case QD_XDR_UINT:
        return qd_xdr_get_u32(d, p, err);
    case QD_XDR_HYPER:
    case QD_XDR_UHYPER:
    case QD_XDR_DOUBLE:
        return qd_xdr_get_u64(d, p, err);
    case QD_XDR_STRING:
        return qd_xdr_get_string(d, p, f->len ? f->len : QD_STRING_MAX, err);
    case QD_XDR_OPT_STRING:
        if (qd_xdr_get_u32(d, &u, err) < 0)
            return -1;
        if (u > 1)
            return qd_err_set(err, QD_ERR_RPC, QD_FROM_RPC,
                              "Unable to decode message payload: "
                              "bad optional flag %u", u);
        if (!u)
            return 0;
        return qd_xdr_get_string(d, p, f->len ? f->len : QD_STRING_MAX, err);
    case QD_XDR_OPAQUE_FIXED:
        if (d->len - d->off < PAD4(f->len))
            return short_input(err);
        memcpy(p, d->p + d->off, f->len);
        d->off += PAD4(f->len);
        return 0;
    case QD_XDR_OPAQUE: {
        struct qd_xdr_bytes *bytes = p;

        if (get_run(d, f->len, &run, &len, err) < 0)
            return -1;
        bytes->data = qd_malloc(len);
        memcpy(bytes->data, run, len);
        bytes->len = len;
        return 0;
    }
    case QD_XDR_CHARS: {
        struct qd_xdr_bytes *bytes = p;

        if (get_count(d, f->len, &len, err) < 0)
            return -1;
        bytes->data = qd_malloc(len + 1);
        bytes->len = len;
        for (i = 0; i < len; i++) {
            if (qd_xdr_get_u32(d, &u, err) < 0)
                return -1;
            bytes->data[i] = (uint8_t) u;
        }
        bytes->data[len] = '\0';
        return 0;
    }
    case QD_XDR_CHARS_FIXED:
        for (i = 0; i < f->len; i++) {
            if (qd_xdr_get_u32(d, &u, err) < 0)
                return -1;
            ((uint8_t *) p)[i] = (uint8_t) u;
        }
        return 0;
    case QD_XDR_STRUCT:
        return decode_fields(d, f->type, p, err);
    case QD_XDR_OPT_STRUCT:
        if (qd_xdr_get_u32(d, &u, err) < 0)
            return -1;
        if (u > 1)
            return qd_err_set(err, QD_ERR_RPC, QD_FROM_RPC,
                              "Unable to decode message payload: "
                              "bad optional flag %u", u);
        if (!u)
            return 0;
        *(void **) p = qd_calloc(1, f->type->size);
        return decode_fields(d, f->type, *(void **) p, err);
    case QD_XDR_ARRAY: {
        struct qd_xdr_array *a = p;

        if (get_count(d, f->len, &len, err) < 0)
            return -1;
        a->items = qd_calloc(len ? len : 1, f->type->size);
        for (i = 0; i < len; i++) {
            a->n = i + 1;   /* so free() covers the partly decoded element */
            if (decode_fields(d, f->type,
                              (uint8_t *) a->items + (size_t) i * f->type->size,
                              err) < 0)
                return -1;
        }
        a->n = len;
        return 0;
    }
    case QD_XDR_STRING_ARRAY: {
        struct qd_xdr_array *a = p;

        if (get_count(d, f->len, &len, err) < 0)
            return -1;
        a->items = qd_calloc(len ? len : 1, sizeof(char *));
        for (i = 0; i < len; i++) {
            a->n = i + 1;
            if (qd_xdr_get_string(d, &((char **) a->items)[i], QD_STRING_MAX,
                                  err) < 0)
                return -1;
        }
        a->n = len;
        return 0;
    }
    case QD_XDR_TPARAM:
        return decode_tparam(d, p, err);
    }
    return 0;
}

static void
free_field(const struct qd_xdr_field *f, uint8_t *base)
{
    void *p = base + f->offset;
    uint32_t i;

    switch (f->kind) {
    case QD_XDR_STRING:
    case QD_XDR_OPT_STRING:
        free(*(char **) p);
        *(char **) p = NULL;
        break;
    case QD_XDR_OPAQUE:
    case QD_XDR_CHARS: {
        struct qd_xdr_bytes *bytes = p;

        free(bytes->data);
        bytes->data = NULL;
        bytes->len = 0;
        break;
    }
    case QD_XDR_STRUCT:
        qd_xdr_free(f->type, p);
        break;
    case QD_XDR_OPT_STRUCT:
        if (*(void **) p) {
            qd_xdr_free(f->type, *(void **) p);
            free(*(void **) p);
            *(void **) p = NULL;
        }
        break;
    case QD_XDR_ARRAY: {
        struct qd_xdr_array *a = p;

        for (i = 0; i < a->n; i++)
            qd_xdr_free(f->type, (uint8_t *) a->items + (size_t) i * f->type->size);
        free(a->items);
        a->items = NULL;
        a->n = 0;
        break;
    }
    case QD_XDR_STRING_ARRAY: {
        struct qd_xdr_array *a = p;

        for (i = 0; i < a->n; i++)
            free(((char **) a->items)[i]);
        free(a->items);
        a->items = NULL;
        a->n = 0;
        break;
    }
    case QD_XDR_TPARAM: {
        struct qd_tparam *tp = p;

        free(tp->field);
        tp->field = NULL;
        if (tp->type == QD_TP_STRING)
            free(tp->v.s);
        tp->v.s = NULL;
        break;
    }
    default:
        break;
    }
}

void
qd_xdr_free(const struct qd_xdr_type *t, void *obj)
{
    size_t i;

    if (!obj)
        return;
    for (i = 0; i < t->nfields; i++)
        free_field(&t->fields[i], obj);
}
