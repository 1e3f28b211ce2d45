/* REMOTE handlers with their own logic: storage, node devices, secrets. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "rpc/client.h"
#include "rpc/procs_remote_priv.h"
#include "rpc/server.h"
#include "rpc/wire.h"
#include "util/err.h"
#include "util/mem.h"

/* ---- secrets: libvirt's test driver has no secret driver --------------- */

int
h_no_secret_driver(struct qd_call *call, const void *a, void *r,
                   struct qd_err *err)
{
    return qd_procs_unsupported(call, err);
}

/* ---- storage / node devices with special shapes ------------------------ */

typedef int (*pool_name_vol_fn)(struct qd_conn *, const struct qd_pool_ref *,
                                const char *, struct qd_vol_ref *,
                                struct qd_err *);

int
h_vol_lookup_by_name(struct qd_call *call, const void *a, void *r,
                     struct qd_err *err)
{
    const struct qd_w_pool_string *args = a;

    DRV_OP(vol_lookup_by_name) {
        return call->conn->drv->vol_lookup_by_name(call->conn, &args->pool,
                                                   args->s, r, err);
    }
}

int
h_vol_create_xml(struct qd_call *call, const void *a, void *r,
                 struct qd_err *err)
{
    const struct qd_w_pool_string_flags *args = a;

    DRV_OP(vol_create_xml) {
        return call->conn->drv->vol_create_xml(call->conn, &args->pool,
                                               args->s, args->flags, r, err);
    }
}

int
h_pool_get_info(struct qd_call *call, const void *a, void *r,
                struct qd_err *err)
{
    const struct qd_w_pool *args = a;
    struct qd_w_pool_info *ret = r;
    struct qd_pool_info info = { 0 };

    DRV_OP(pool_get_info) {
        if (call->conn->drv->pool_get_info(call->conn, &args->pool, &info,
                                           err) < 0)
            return -1;
    }
    ret->state = info.state;
    ret->capacity = info.capacity;
    ret->allocation = info.allocation;
    ret->available = info.available;
    return 0;
}

int
h_pool_list_volumes(struct qd_call *call, const void *a, void *r,
                    struct qd_err *err)
{
    /* {pool; int need_results; uint flags} */
    const struct { struct qd_pool_ref pool; int32_t need; uint32_t flags; }
        *args = a;
    struct any_list *ret = r;
    struct qd_list l = { 0 };

    DRV_OP(pool_list_all_volumes) {
        if (call->conn->drv->pool_list_all_volumes(call->conn, &args->pool,
                                                   args->flags, &l, err) < 0)
            return -1;
    }
    ret->ret = l.n;
    ret->items.n = l.n;
    ret->items.items = l.items;
    if (!args->need) {
        struct qd_xdr_array tmp = ret->items;

        ret->items.n = 0;
        ret->items.items = NULL;
        qd_xdr_free(call->proc->ret, &(struct any_list) { tmp, 0 });
    }
    return 0;
}

int
h_vol_get_info(struct qd_call *call, const void *a, void *r,
               struct qd_err *err)
{
    const struct qd_w_vol_flags *args = a;
    struct qd_w_vol_info *ret = r;
    struct qd_vol_info info = { 0 };
    uint32_t flags = call->proc->num == 378 ? args->flags : 0;

    DRV_OP(vol_get_info) {
        if (call->conn->drv->vol_get_info(call->conn, &args->vol, flags, &info,
                                          err) < 0)
            return -1;
    }
    ret->type = info.type;
    ret->capacity = info.capacity;
    ret->allocation = info.allocation;
    return 0;
}

int
h_nodedev_get_parent(struct qd_call *call, const void *a, void *r,
                     struct qd_err *err)
{
    const struct qd_w_string *args = a;
    struct qd_w_opt_string *ret = r;
    struct qd_nodedev_ref dev = { .name = args->s };

    DRV_OP(nodedev_get_parent) {
        return call->conn->drv->nodedev_get_parent(call->conn, &dev, &ret->s,
                                                   err);
    }
}

int
h_nodedev_caps(struct qd_call *call, const void *a, void *r,
               struct qd_err *err)
{
    const struct qd_w_string_maxnames *args = a;
    struct qd_nodedev_ref dev = { .name = args->s };
    char **caps = NULL;
    uint32_t n = 0, i;

    DRV_OP(nodedev_list_caps) {
        if (call->conn->drv->nodedev_list_caps(call->conn, &dev, &caps, &n,
                                               err) < 0)
            return -1;
    }
    if (call->proc->num == 116) {          /* NUM_OF_CAPS */
        ((struct qd_w_int *) r)->v = (int32_t) n;
        for (i = 0; i < n; i++)
            free(caps[i]);
        free(caps);
        return 0;
    }
    if (args->max >= 0 && n > (uint32_t) args->max) {
        for (i = (uint32_t) args->max; i < n; i++)
            free(caps[i]);
        n = (uint32_t) args->max;
    }
    ((struct qd_w_string_list *) r)->names.n = n;
    ((struct qd_w_string_list *) r)->names.items = caps;
    return 0;
}
