/* REMOTE handlers: connection set-up and host information. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "rpc/client.h"
#include "rpc/procs_remote_priv.h"
#include "rpc/server.h"
#include "rpc/wire.h"
#include "util/err.h"
#include "util/mem.h"
#include "drivers/registry.h"

/* ---- connection ------------------------------------------------------- */

int
h_connect_open(struct qd_call *call, const void *a, void *r,
               struct qd_err *err)
{
    const struct qd_w_open_args *args = a;
    struct qd_client *c = call->client;
    struct qd_conn *conn;
    bool ro;

    pthread_mutex_lock(&c->lock);
    if (c->conn) {
        pthread_mutex_unlock(&c->lock);
        /* unlike libvirtd, the open connection stays usable */
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_RPC,
                             "connection already open");
    }
    if (args->flags & VIR_CONNECT_RO)
        c->readonly = true;
    ro = c->readonly;
    pthread_mutex_unlock(&c->lock);

    if (!(conn = qd_registry_open(args->name, ro, args->flags, err)))
        return -1;
    pthread_mutex_lock(&c->lock);
    if (c->conn) {             /* a concurrent second open won */
        pthread_mutex_unlock(&c->lock);
        qd_registry_close(conn);
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_RPC,
                             "connection already open");
    }
    c->conn = conn;
    pthread_mutex_unlock(&c->lock);
    return 0;
}

int
h_connect_close(struct qd_call *call, const void *a, void *r,
                struct qd_err *err)
{
    struct qd_client *c = call->client;

    /* The driver connection is released with the client, once no call
     * still uses it; the socket closes when this reply has gone out. */
    pthread_mutex_lock(&c->lock);
    c->close_after_tx = true;
    pthread_mutex_unlock(&c->lock);
    return 0;
}

int
h_supports_feature(struct qd_call *call, const void *a, void *r,
                   struct qd_err *err)
{
    const struct qd_w_int *args = a;
    struct qd_w_int *ret = r;
    struct qd_client *c = call->client;

    switch (args->v) {
    case QD_FEATURE_PROGRAM_KEEPALIVE:
        pthread_mutex_lock(&c->lock);
        c->keepalive = true;
        pthread_mutex_unlock(&c->lock);
        ret->v = 1;
        return 0;
    case QD_FEATURE_REMOTE_CLOSE_CALLBACK:
    case QD_FEATURE_REMOTE_EVENT_CALLBACK:
        ret->v = 1;
        return 0;
    case QD_FEATURE_FD_PASSING:              /* no fd-passing procedures */
        ret->v = 0;
        return 0;
    case QD_FEATURE_TYPED_PARAM_STRING:
        ret->v = 1;
        return 0;
    }
    if (!call->conn) {
        ret->v = 0;
        return 0;
    }
    if (!call->conn->drv->supports_feature) {
        ret->v = 0;
        return 0;
    }
    if ((ret->v = call->conn->drv->supports_feature(call->conn, args->v,
                                                     err)) < 0)
        return -1;
    return 0;
}

int
h_register_close_cb(struct qd_call *call, const void *a, void *r,
                    struct qd_err *err)
{
    struct qd_client *c = call->client;
    bool on = call->proc->num == 360;

    pthread_mutex_lock(&c->lock);
    if (on && c->close_cb) {
        pthread_mutex_unlock(&c->lock);
        return qd_err_report(err, QD_ERR_OPERATION_INVALID, QD_FROM_RPC,
                             "A close callback is already registered");
    }
    if (!on && !c->close_cb) {
        pthread_mutex_unlock(&c->lock);
        return qd_err_report(err, QD_ERR_OPERATION_INVALID, QD_FROM_RPC,
                             "A different callback was requested");
    }
    c->close_cb = on;
    pthread_mutex_unlock(&c->lock);
    return 0;
}

int
h_get_type(struct qd_call *call, const void *a, void *r, struct qd_err *err)
{
    struct qd_w_string *ret = r;

    ret->s = qd_strdup(call->conn->drv->name);
    return 0;
}

int
h_get_uri(struct qd_call *call, const void *a, void *r, struct qd_err *err)
{
    struct qd_w_string *ret = r;

    ret->s = qd_strdup(call->conn->uri);
    return 0;
}

int
h_is_secure(struct qd_call *call, const void *a, void *r, struct qd_err *err)
{
    struct qd_w_int *ret = r;

    ret->v = 1;          /* UNIX sockets are local: libvirt says secure */
    return 0;
}

int
h_lib_version(struct qd_call *call, const void *a, void *r,
              struct qd_err *err)
{
    struct qd_w_uhyper *ret = r;

    ret->v = 9000000;    /* libvirt-compat: the API level qemud speaks */
    return 0;
}

typedef int (*u64_fn)(struct qd_conn *, uint64_t *, struct qd_err *);
typedef char *(*str_fn)(struct qd_conn *, struct qd_err *);
typedef char *(*flags_str_fn)(struct qd_conn *, unsigned, struct qd_err *);

int
h_u64(struct qd_call *call, const void *a, void *r, struct qd_err *err)
{
    GET_SLOT(u64_fn, fn);

    return fn(call->conn, &((struct qd_w_uhyper *) r)->v, err);
}

int
h_string(struct qd_call *call, const void *a, void *r, struct qd_err *err)
{
    struct qd_w_string *ret = r;
    GET_SLOT(str_fn, fn);

    return (ret->s = fn(call->conn, err)) ? 0 : -1;
}

int
h_flags_string(struct qd_call *call, const void *a, void *r,
               struct qd_err *err)
{
    const struct qd_w_flags *args = a;
    struct qd_w_string *ret = r;
    GET_SLOT(flags_str_fn, fn);

    return (ret->s = fn(call->conn, args->flags, err)) ? 0 : -1;
}

typedef char *(*domcaps_fn)(struct qd_conn *, const char *, const char *,
                            const char *, const char *, unsigned,
                            struct qd_err *);

/* CONNECT_GET_DOMAIN_CAPABILITIES: four optional strings and flags */
int
h_get_domain_capabilities(struct qd_call *call, const void *a, void *r,
                          struct qd_err *err)
{
    const struct qd_w_domcaps_args *args = a;
    struct qd_w_string *ret = r;
    GET_SLOT(domcaps_fn, fn);

    ret->s = fn(call->conn, args->emulatorbin, args->arch, args->machine,
                args->virttype, args->flags, err);
    return ret->s ? 0 : -1;
}

int
h_get_max_vcpus(struct qd_call *call, const void *a, void *r,
                struct qd_err *err)
{
    const struct qd_w_opt_string *args = a;
    struct qd_w_int *ret = r;
    int v;

    DRV_OP(get_max_vcpus) {
        if ((v = call->conn->drv->get_max_vcpus(call->conn, args->s, err)) < 0)
            return -1;
    }
    ret->v = v;
    return 0;
}

int
h_node_get_info(struct qd_call *call, const void *a, void *r,
                struct qd_err *err)
{
    struct qd_w_node_info *ret = r;
    struct qd_node_info ni = { { 0 } };

    DRV_OP(node_get_info) {
        if (call->conn->drv->node_get_info(call->conn, &ni, err) < 0)
            return -1;
    }
    memcpy(ret->model, ni.model, sizeof(ret->model));
    ret->memory = ni.memory;
    ret->cpus = ni.cpus;
    ret->mhz = ni.mhz;
    ret->nodes = ni.nodes;
    ret->sockets = ni.sockets;
    ret->cores = ni.cores;
    ret->threads = ni.threads;
    return 0;
}

int
h_node_cells_free(struct qd_call *call, const void *a, void *r,
                  struct qd_err *err)
{
    const struct qd_w_int_pair *args = a;
    struct qd_w_uhyper_list *ret = r;
    uint64_t *cells;
    int n;

    if (args->b < 0 || (uint32_t) args->b > QD_NODE_MAX_CELLS)
        return qd_err_report(err, QD_ERR_RPC, QD_FROM_RPC, "%s",
                             "maxCells > REMOTE_NODE_MAX_CELLS");
    DRV_OP(node_get_cells_free_memory) {
        cells = qd_calloc(args->b ? args->b : 1, sizeof(*cells));
        n = call->conn->drv->node_get_cells_free_memory(call->conn, args->a,
                                                        args->b, cells, err);
        if (n < 0) {
            free(cells);
            return -1;
        }
    }
    ret->v.n = (uint32_t) n;
    ret->v.items = cells;
    return 0;
}

typedef int (*node_stats_fn)(struct qd_conn *, int, int, unsigned,
                             struct qd_tparams *, int *, struct qd_err *);

/* NODE_GET_CPU_STATS / NODE_GET_MEMORY_STATS: {field, value}<>, nparams */
int
h_node_stats(struct qd_call *call, const void *a, void *r, struct qd_err *err)
{
    const struct qd_w_node_stats_args *args = a;
    struct qd_w_tparams_int *ret = r;
    struct qd_tparams tp = { 0 };
    struct qd_w_node_stat *st;
    int n = 0;
    uint32_t i;
    GET_SLOT(node_stats_fn, fn);

    if (args->nparams < 0 || args->nparams > (int) QD_NODE_CPU_STATS_MAX)
        return qd_err_report(err, QD_ERR_RPC, QD_FROM_RPC, "%s",
                             "nparams too large");
    if (fn(call->conn, args->num, args->nparams, args->flags, &tp, &n,
           err) < 0)
        return -1;
    ret->n = n;
    st = qd_calloc(tp.n ? tp.n : 1, sizeof(*st));
    for (i = 0; i < tp.n; i++) {
        st[i].field = steal_ptr(&tp.items[i].field);
        st[i].value = tp.items[i].v.ul;
    }
    ret->params.n = args->nparams ? tp.n : 0;
    ret->params.items = st;
    if (!args->nparams) {
        for (i = 0; i < tp.n; i++)
            free(st[i].field);
    }
    qd_tparams_clear(&tp);
    return 0;
}

int
h_node_security_model(struct qd_call *call, const void *a, void *r,
                      struct qd_err *err)
{
    struct qd_w_sec_model *ret = r;
    struct qd_sec_model m = { 0 };

    DRV_OP(node_get_security_model) {
        if (call->conn->drv->node_get_security_model(call->conn, &m, err) < 0)
            return -1;
    }
    /* char<> arrays carry the trailing NUL, as libvirt sends them; an
     * empty string is one NUL */
    if (!m.model)
        m.model = qd_strdup("");
    if (!m.doi)
        m.doi = qd_strdup("");
    ret->model.len = (uint32_t) strlen(m.model) + 1;
    ret->model.data = (uint8_t *) m.model;
    ret->doi.len = (uint32_t) strlen(m.doi) + 1;
    ret->doi.data = (uint8_t *) m.doi;
    return 0;
}
