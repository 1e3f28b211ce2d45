/* A descriptor-driven XDR codec (RFC 4506, as libvirt's rpcgen uses it).
 *
 * Each wire struct is described once as a table of fields; encode, decode
 * and free walk that table. Decoding is bounded: strings, opaques and
 * arrays are checked against their limits before anything is allocated,
 * so hostile input costs at most what the message itself occupies. */
#ifndef QD_RPC_XDR_H
#define QD_RPC_XDR_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

struct qd_err;

enum qd_xdr_kind {
    QD_XDR_INT,          /* int32_t */
    QD_XDR_UINT,         /* uint32_t (also enum, bool, unsigned char/short) */
    QD_XDR_HYPER,        /* int64_t */
    QD_XDR_UHYPER,       /* uint64_t */
    QD_XDR_DOUBLE,       /* double */
    QD_XDR_STRING,       /* char *, never NULL on the wire (NULL encodes "") */
    QD_XDR_OPT_STRING,   /* char *, optional: 0/1 flag then the string */
    QD_XDR_OPAQUE_FIXED, /* uint8_t[len] inline */
    QD_XDR_OPAQUE,       /* struct qd_xdr_bytes, bound len */
    QD_XDR_CHARS,        /* char x<len>: struct qd_xdr_bytes, one word each */
    QD_XDR_CHARS_FIXED,  /* char x[len] inline, one word per char */
    QD_XDR_STRUCT,       /* inline struct of .type */
    QD_XDR_OPT_STRUCT,   /* pointer to struct of .type, optional */
    QD_XDR_ARRAY,        /* struct qd_xdr_array of .type, bound len */
    QD_XDR_STRING_ARRAY, /* struct qd_xdr_array of char *, bound len */
    QD_XDR_TPARAM,       /* struct qd_tparam (typed parameter) */
};

struct qd_xdr_bytes {
    uint32_t len;
    uint8_t *data;
};

struct qd_xdr_array {
    uint32_t n;
    void *items;
};

struct qd_xdr_type;

struct qd_xdr_field {
    enum qd_xdr_kind kind;
    size_t offset;
    uint32_t len;                     /* bound or fixed length */
    const struct qd_xdr_type *type;   /* STRUCT, OPT_STRUCT, ARRAY */
};

struct qd_xdr_type {
    const char *name;
    size_t size;
    size_t nfields;
    const struct qd_xdr_field *fields;
};

#define QD_XDR_TYPE_DEF(var, ctype, fieldtab)                           \
    const struct qd_xdr_type var = {                                    \
        #ctype, sizeof(struct ctype), QD_XDR_NFIELDS(fieldtab), fieldtab \
    }
#define QD_XDR_NFIELDS(t) (sizeof(t) / sizeof((t)[0]))

struct qd_xdr_dec {
    const uint8_t *p;
    size_t len;
    size_t off;
};

/* Primitive encoders append to @b. */
void qd_xdr_put_u32(struct qd_buf *b, uint32_t v);
void qd_xdr_put_u64(struct qd_buf *b, uint64_t v);
void qd_xdr_put_string(struct qd_buf *b, const char *s);
void qd_xdr_put_opaque(struct qd_buf *b, const void *p, uint32_t len);

/* Primitive decoders: 0, or -1 with @err set (code RPC) on short input or
 * a length over @max. */
int qd_xdr_get_u32(struct qd_xdr_dec *d, uint32_t *v, struct qd_err *err);
int qd_xdr_get_u64(struct qd_xdr_dec *d, uint64_t *v, struct qd_err *err);
int qd_xdr_get_string(struct qd_xdr_dec *d, char **s, uint32_t max,
                      struct qd_err *err);

/* Struct codec. @obj points at a struct of @t->size bytes. Encode never
 * fails. Decode fills a zeroed @obj; on error the partial result is freed
 * and @obj zeroed again. Free releases what decode (or a handler) put in
 * the struct, not @obj itself. */
void qd_xdr_encode(struct qd_buf *b, const struct qd_xdr_type *t,
                   const void *obj);
int qd_xdr_decode(struct qd_xdr_dec *d, const struct qd_xdr_type *t,
                  void *obj, struct qd_err *err);
void qd_xdr_free(const struct qd_xdr_type *t, void *obj);

#endif
