/* The vocabulary of XDR descriptor tables (types_*.c and the few wire
 * structs private to one file). Include it only in such table files: the
 * names are short on purpose, so a table reads like the .x file.
 *
 *   TYPE(qd_t_x, qd_w_x, F(QD_XDR_INT, qd_w_x, a), ...)   exported type
 *   STYPE(...)                                              file-local type
 *   F(kind, struct, member)                  scalar or unbounded string
 *   FB(kind, struct, member, bound)          bounded or fixed length
 *   FT(kind, struct, member, bound, &type)   nested struct or array of it */
#ifndef QD_RPC_XDR_TABLE_H
#define QD_RPC_XDR_TABLE_H

#include <stddef.h>

#include "rpc/xdr.h"

#define F(kind, st, member) { kind, offsetof(struct st, member), 0, NULL }
#define FB(kind, st, member, bound)                                     \
    { kind, offsetof(struct st, member), bound, NULL }
#define FT(kind, st, member, bound, t)                                  \
    { kind, offsetof(struct st, member), bound, t }
#define TYPE(var, st, ...)                                              \
    static const struct qd_xdr_field var##_fields[] = { __VA_ARGS__ };  \
    QD_XDR_TYPE_DEF(var, st, var##_fields)
#define STYPE(var, st, ...)                                             \
    static const struct qd_xdr_field var##_fields[] = { __VA_ARGS__ };  \
    static QD_XDR_TYPE_DEF(var, st, var##_fields)

#endif
