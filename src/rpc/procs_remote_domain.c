/* REMOTE handlers with their own logic: domains. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "rpc/client.h"
#include "rpc/procs_remote_priv.h"
#include "rpc/server.h"
#include "rpc/stream.h"
#include "rpc/wire.h"
#include "util/err.h"
#include "util/mem.h"

/* ---- domains ----------------------------------------------------------- */

int
h_num_of_domains(struct qd_call *call, const void *a, void *r,
                 struct qd_err *err)
{
    struct qd_w_int *ret = r;
    int n;

    DRV_OP(num_of_domains) {
        if ((n = call->conn->drv->num_of_domains(call->conn,
                                                 call->proc->num == 51,
                                                 err)) < 0)
            return -1;
    }
    ret->v = n;
    return 0;
}

int
h_list_domains(struct qd_call *call, const void *a, void *r,
               struct qd_err *err)
{
    const struct qd_w_int *args = a;
    struct qd_w_int_list *ret = r;
    int32_t *ids;
    int n;

    if (args->v < 0 || (uint32_t) args->v > QD_DOMAIN_LIST_MAX)
        return qd_err_report(err, QD_ERR_RPC, QD_FROM_RPC, "%s",
                             "maxids > REMOTE_DOMAIN_LIST_MAX");
    DRV_OP(list_domain_ids) {
        ids = qd_calloc(args->v ? args->v : 1, sizeof(*ids));
        if ((n = call->conn->drv->list_domain_ids(call->conn, args->v, ids,
                                                  err)) < 0) {
            free(ids);
            return -1;
        }
    }
    ret->ids.n = (uint32_t) n;
    ret->ids.items = ids;
    return 0;
}

int
h_list_defined_domains(struct qd_call *call, const void *a, void *r,
                       struct qd_err *err)
{
    const struct qd_w_int *args = a;
    struct qd_w_string_list *ret = r;
    char **names;
    int n;

    if (args->v < 0 || (uint32_t) args->v > QD_DOMAIN_LIST_MAX)
        return qd_err_report(err, QD_ERR_RPC, QD_FROM_RPC, "%s",
                             "maxnames > REMOTE_DOMAIN_LIST_MAX");
    DRV_OP(list_defined_domains) {
        names = qd_calloc(args->v ? args->v : 1, sizeof(*names));
        if ((n = call->conn->drv->list_defined_domains(call->conn, args->v,
                                                       names, err)) < 0) {
            free(names);
            return -1;
        }
    }
    ret->names.n = (uint32_t) n;
    ret->names.items = names;
    return 0;
}

int
h_lookup_by_id(struct qd_call *call, const void *a, void *r,
               struct qd_err *err)
{
    const struct qd_w_int *args = a;

    DRV_OP(domain_lookup_by_id) {
        return call->conn->drv->domain_lookup_by_id(call->conn, args->v, r,
                                                    err);
    }
}

/* CREATE_WITH_FLAGS returns the domain (with its new id) */
int
h_domain_create_flags(struct qd_call *call, const void *a, void *r,
                      struct qd_err *err)
{
    const struct qd_w_dom_flags *args = a;

    DRV_OP(domain_create) {
        return call->conn->drv->domain_create(call->conn, &args->dom,
                                              args->flags, r, err);
    }
}

int
h_domain_create(struct qd_call *call, const void *a, void *r,
                struct qd_err *err)
{
    const struct qd_w_dom *args = a;
    struct qd_dom_ref out = { 0 };
    int rc;

    DRV_OP(domain_create) {
        rc = call->conn->drv->domain_create(call->conn, &args->dom, 0, &out,
                                            err);
    }
    qd_dom_ref_clear(&out);
    return rc;
}

int
h_domain_get_info(struct qd_call *call, const void *a, void *r,
                  struct qd_err *err)
{
    const struct qd_w_dom *args = a;
    struct qd_w_dom_info *ret = r;
    struct qd_dom_info info = { 0 };

    DRV_OP(domain_get_info) {
        if (call->conn->drv->domain_get_info(call->conn, &args->dom, &info,
                                             err) < 0)
            return -1;
    }
    ret->state = info.state;
    ret->max_mem = info.max_mem;
    ret->memory = info.memory;
    ret->nr_virt_cpu = info.nr_virt_cpu;
    ret->cpu_time = info.cpu_time;
    return 0;
}

int
h_domain_get_state(struct qd_call *call, const void *a, void *r,
                   struct qd_err *err)
{
    const struct qd_w_dom_flags *args = a;
    struct qd_w_int_pair *ret = r;
    int state, reason;

    DRV_OP(domain_get_state) {
        if (call->conn->drv->domain_get_state(call->conn, &args->dom,
                                              args->flags, &state, &reason,
                                              err) < 0)
            return -1;
    }
    ret->a = state;
    ret->b = reason;
    return 0;
}

static bool
is_readonly(const struct qd_call *call)
{
    bool ro;

    pthread_mutex_lock(&call->client->lock);
    ro = call->client->readonly;
    pthread_mutex_unlock(&call->client->lock);
    return ro;
}

int
h_domain_get_xml(struct qd_call *call, const void *a, void *r,
                 struct qd_err *err)
{
    const struct qd_w_dom_flags *args = a;

    /* libvirt-compat: read-only connections may not ask for secrets */
    if ((args->flags & (VIR_DOMAIN_XML_SECURE | VIR_DOMAIN_XML_MIGRATABLE)) &&
        is_readonly(call))
        return qd_err_report(err, QD_ERR_OPERATION_DENIED, QD_FROM_DOMAIN,
                             "%s", "virDomainGetXMLDesc with secure flag");
    return h_obj_flags_string(call, a, r, err);
}

int
h_domain_get_vcpus_flags(struct qd_call *call, const void *a, void *r,
                         struct qd_err *err)
{
    const struct qd_w_dom_flags *args = a;

    if ((args->flags & VIR_DOMAIN_VCPU_GUEST) && is_readonly(call))
        return qd_err_report(err, QD_ERR_OPERATION_DENIED, QD_FROM_DOMAIN,
                             "%s", "virDomainGetVcpusFlags with 'guest' flag");
    return h_dom_flags_int(call, a, r, err);
}

int
h_domain_set_memory(struct qd_call *call, const void *a, void *r,
                    struct qd_err *err)
{
    const struct qd_w_dom_uhyper_flags *args = a;
    int32_t num = call->proc->num;
    /* SET_MAX_MEMORY (30) / SET_MEMORY (31) have no flags member: libvirt
     * maps them to VIR_DOMAIN_MEM_MAXIMUM (4) and VIR_DOMAIN_AFFECT_LIVE */
    uint32_t flags = num == 204 ? args->flags : num == 30 ? 4 : 1;

    DRV_OP(domain_set_memory) {
        return call->conn->drv->domain_set_memory(call->conn, &args->dom,
                                                  args->v, flags,
                                                  (flags & 4) != 0, err);
    }
}

int
h_domain_get_max_memory(struct qd_call *call, const void *a, void *r,
                        struct qd_err *err)
{
    const struct qd_w_dom *args = a;

    DRV_OP(domain_get_max_memory) {
        return call->conn->drv->domain_get_max_memory(
            call->conn, &args->dom, &((struct qd_w_uhyper *) r)->v, err);
    }
}

int
h_domain_set_vcpus(struct qd_call *call, const void *a, void *r,
                   struct qd_err *err)
{
    const struct qd_w_dom_uint_flags *args = a;
    uint32_t flags = call->proc->num == 199 ? args->flags : 1 /* LIVE */;

    DRV_OP(domain_set_vcpus) {
        return call->conn->drv->domain_set_vcpus(call->conn, &args->dom,
                                                 args->v, flags, err);
    }
}

int
h_domain_set_autostart(struct qd_call *call, const void *a, void *r,
                       struct qd_err *err)
{
    const struct qd_w_dom_int *args = a;

    DRV_OP(domain_set_autostart) {
        return call->conn->drv->domain_set_autostart(call->conn, &args->dom,
                                                     args->v != 0, err);
    }
}

int
h_domain_sched_type(struct qd_call *call, const void *a, void *r,
                    struct qd_err *err)
{
    const struct qd_w_dom *args = a;
    struct qd_w_string_int *ret = r;
    int n = 0;

    DRV_OP(domain_get_scheduler_type) {
        if (!(ret->s = call->conn->drv->domain_get_scheduler_type(
                  call->conn, &args->dom, &n, err)))
            return -1;
    }
    ret->v = n;
    return 0;
}

/* Keep the first @n parameters of @tp (the array itself stays). */
static void
tparams_truncate(struct qd_tparams *tp, uint32_t n)
{
    uint32_t i;

    for (i = n; i < tp->n; i++) {
        free(tp->items[i].field);
        if (tp->items[i].type == QD_TP_STRING)
            free(tp->items[i].v.s);
    }
    if (tp->n > n)
        tp->n = n;
}

int
h_domain_sched_params(struct qd_call *call, const void *a, void *r,
                      struct qd_err *err)
{
    /* both variants start with {dom; int nparams}; _FLAGS adds flags */
    const struct qd_w_dom_int_flags *args = a;
    struct qd_w_tparams *ret = r;
    struct qd_tparams tp = { 0 };
    uint32_t flags = call->proc->num == 223 ? args->flags : 0;

    if (args->v < 0 || (uint32_t) args->v > QD_DOMAIN_SCHEDULER_PARAMETERS_MAX)
        return qd_err_report(err, QD_ERR_RPC, QD_FROM_RPC, "%s",
                             "nparams too large");
    DRV_OP(domain_get_scheduler_params) {
        if (call->conn->drv->domain_get_scheduler_params(
                call->conn, &args->dom, flags, &tp, err) < 0)
            return -1;
    }
    tparams_truncate(&tp, (uint32_t) args->v);
    ret->params.n = tp.n;
    ret->params.items = tp.items;
    return 0;
}

int
h_domain_security_label(struct qd_call *call, const void *a, void *r,
                        struct qd_err *err)
{
    const struct qd_w_dom *args = a;
    struct qd_w_sec_label *ret = r;
    struct qd_sec_label l = { 0 };

    DRV_OP(domain_get_security_label) {
        if (call->conn->drv->domain_get_security_label(call->conn, &args->dom,
                                                       &l, err) < 0)
            return -1;
    }
    if (!l.label)
        l.label = qd_strdup("");
    ret->label.len = (uint32_t) strlen(l.label) + 1;
    ret->label.data = (uint8_t *) l.label;
    ret->enforcing = l.enforcing;
    return 0;
}

int
h_domain_get_messages(struct qd_call *call, const void *a, void *r,
                      struct qd_err *err)
{
    const struct qd_w_dom_flags *args = a;
    struct qd_w_string_list *ret = r;
    char **msgs = NULL;
    uint32_t n = 0;

    DRV_OP(domain_get_messages) {
        if (call->conn->drv->domain_get_messages(call->conn, &args->dom,
                                                 args->flags, &msgs, &n,
                                                 err) < 0)
            return -1;
    }
    ret->names.n = n;
    ret->names.items = msgs;
    return 0;
}

int
h_domain_get_metadata(struct qd_call *call, const void *a, void *r,
                      struct qd_err *err)
{
    const struct qd_w_get_metadata_args *args = a;
    struct qd_w_string *ret = r;

    DRV_OP(domain_get_metadata) {
        ret->s = call->conn->drv->domain_get_metadata(
            call->conn, &args->dom, args->type, args->uri, args->flags, err);
    }
    return ret->s ? 0 : -1;
}

int
h_domain_set_metadata(struct qd_call *call, const void *a, void *r,
                      struct qd_err *err)
{
    const struct qd_w_set_metadata_args *args = a;

    DRV_OP(domain_set_metadata) {
        return call->conn->drv->domain_set_metadata(
            call->conn, &args->dom, args->type, args->metadata, args->key,
            args->uri, args->flags, err);
    }
}

int
h_all_domain_stats(struct qd_call *call, const void *a, void *r,
                   struct qd_err *err)
{
    const struct qd_w_stats_args *args = a;
    struct qd_w_stats_ret *ret = r;
    struct qd_dom_stats *recs = NULL;
    uint32_t n = 0;

    DRV_OP(get_all_domain_stats) {
        if (call->conn->drv->get_all_domain_stats(
                call->conn, args->doms.items, args->doms.n, args->stats,
                args->flags, &recs, &n, err) < 0)
            return -1;
    }
    /* struct qd_dom_stats has the record's wire layout */
    ret->records.n = n;
    ret->records.items = recs;
    return 0;
}

/* ---- vCPUs and statistics ---------------------------------------------- */

/* NODE_GET_CPU_MAP: the map is sent only when asked for, sized for the
 * CPU count the driver returns. */
int
h_node_get_cpu_map(struct qd_call *call, const void *a, void *r,
                   struct qd_err *err)
{
    const struct qd_w_cpu_map_args *args = a;
    struct qd_w_cpu_map_ret *ret = r;
    unsigned char *map = NULL;
    unsigned online = 0;
    int n;

    DRV_OP(node_get_cpu_map) {
        n = call->conn->drv->node_get_cpu_map(call->conn,
                                              args->need_map ? &map : NULL,
                                              args->need_online ? &online
                                                                : NULL,
                                              args->flags, err);
    }
    if (n < 0)
        return -1;
    if (args->need_map) {
        ret->cpumap.len = (uint32_t) (n + 7) / 8;
        ret->cpumap.data = map;
    }
    ret->online = online;
    ret->ret = n;
    return 0;
}

/* libvirt-compat: the checks and texts of remoteDispatchDomainGetVcpus
 * (both sign checks say "maxinfo"). */
int
h_domain_get_vcpus(struct qd_call *call, const void *a, void *r,
                   struct qd_err *err)
{
    const struct qd_w_vcpus_args *args = a;
    struct qd_w_vcpus_ret *ret = r;
    struct qd_vcpu_info *info;
    unsigned char *maps;
    size_t size;
    int n;

    if (args->maxinfo < 0 || args->maplen < 0)
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_RPC, "%s",
                             "maxinfo must be non-negative");
    if ((uint32_t) args->maxinfo > QD_VCPUINFO_MAX)
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_RPC, "%s",
                             "maxinfo > REMOTE_VCPUINFO_MAX");
    size = (size_t) args->maxinfo * (size_t) args->maplen;
    if (size > QD_CPUMAPS_MAX)
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_RPC, "%s",
                             "maxinfo * maplen > REMOTE_CPUMAPS_MAX");
    DRV_OP(domain_get_vcpus) {
        info = qd_calloc(args->maxinfo ? (size_t) args->maxinfo : 1,
                         sizeof(*info));
        maps = qd_calloc(size ? size : 1, 1);
        n = call->conn->drv->domain_get_vcpus(call->conn, &args->dom,
                                              args->maxinfo, info, maps,
                                              args->maplen, err);
    }
    if (n < 0) {
        free(info);
        free(maps);
        return -1;
    }
    ret->info.n = (uint32_t) n;
    ret->info.items = info;
    ret->cpumaps.len = (uint32_t) size;
    ret->cpumaps.data = maps;
    return 0;
}

/* GET_VCPU_PIN_INFO (230) and GET_EMULATOR_PIN_INFO (280): maps of
 * @maplen bytes, zero-filled, as many as asked (libvirt sends them all). */
int
h_domain_pin_info(struct qd_call *call, const void *a, void *r,
                  struct qd_err *err)
{
    struct qd_w_cpumaps_int *ret = r;
    const struct qd_dom_ref *dom;
    int32_t ncpumaps, maplen;
    uint32_t flags;
    unsigned char *maps;
    size_t size;
    int n;

    if (call->proc->num == 230) {
        const struct qd_w_vcpu_pin_args *args = a;

        dom = &args->dom;
        ncpumaps = args->ncpumaps;
        maplen = args->maplen;
        flags = args->flags;
        if (ncpumaps < 0)
            return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_RPC,
                                 "%s", "ncpumaps must be non-negative");
    } else {
        const struct qd_w_dom_int_flags *args = a;

        dom = &args->dom;
        ncpumaps = 1;
        maplen = args->v;
        flags = args->flags;
    }
    if (maplen < 0)
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_RPC, "%s",
                             "maplen must be non-negative");
    if ((uint32_t) ncpumaps > QD_VCPUINFO_MAX)
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_RPC, "%s",
                             "ncpumaps > REMOTE_VCPUINFO_MAX");
    size = (size_t) ncpumaps * (size_t) maplen;
    if (size > QD_CPUMAPS_MAX)
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_RPC, "%s",
                             "maxinfo * maplen > REMOTE_CPUMAPS_MAX");
    maps = qd_calloc(size ? size : 1, 1);
    if (call->proc->num == 230) {
        DRV_OP(domain_get_vcpu_pin_info) {
            n = call->conn->drv->domain_get_vcpu_pin_info(
                call->conn, dom, ncpumaps, maps, maplen, flags, err);
        }
    } else {
        DRV_OP(domain_get_emulator_pin_info) {
            n = call->conn->drv->domain_get_emulator_pin_info(
                call->conn, dom, maps, maplen, flags, err);
        }
    }
    if (n < 0) {
        free(maps);
        return -1;
    }
    ret->cpumaps.len = (uint32_t) size;
    ret->cpumaps.data = maps;
    ret->v = n;
    return 0;
}

int
h_domain_memory_stats(struct qd_call *call, const void *a, void *r,
                      struct qd_err *err)
{
    const struct qd_w_dom_uint_flags *args = a;
    struct qd_w_mem_stats *ret = r;
    struct qd_mem_stat *stats;
    int n;

    if (args->v > QD_DOMAIN_MEMORY_STATS_MAX)
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_RPC, "%s",
                             "maxStats > REMOTE_DOMAIN_MEMORY_STATS_MAX");
    DRV_OP(domain_memory_stats) {
        stats = qd_calloc(args->v ? args->v : 1, sizeof(*stats));
        n = call->conn->drv->domain_memory_stats(call->conn, &args->dom,
                                                 stats, args->v, args->flags,
                                                 err);
    }
    if (n < 0) {
        free(stats);
        return -1;
    }
    ret->stats.n = (uint32_t) n;
    ret->stats.items = stats;
    return 0;
}

int
h_domain_block_stats(struct qd_call *call, const void *a, void *r,
                     struct qd_err *err)
{
    const struct qd_w_dom_string *args = a;

    DRV_OP(domain_block_stats) {
        return call->conn->drv->domain_block_stats(call->conn, &args->dom,
                                                   args->s, r, err);
    }
}

/* libvirt-compat: nparams 0 asks for the count (sent in nparams, with no
 * params); otherwise the first nparams statistics come back and the
 * reply's nparams stays 0. */
int
h_domain_block_stats_flags(struct qd_call *call, const void *a, void *r,
                           struct qd_err *err)
{
    const struct qd_w_dom_string_int_flags *args = a;
    struct qd_w_tparams_int *ret = r;
    struct qd_tparams tp = { 0 };

    if (args->v < 0)
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_RPC, "%s",
                             "nparams must be non-negative");
    if ((uint32_t) args->v > QD_DOMAIN_BLOCK_STATS_PARAMETERS_MAX)
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_RPC, "%s",
                             "nparams too large");
    DRV_OP(domain_block_stats_flags) {
        if (call->conn->drv->domain_block_stats_flags(
                call->conn, &args->dom, args->s, args->flags, &tp, err) < 0)
            return -1;
    }
    if (args->v == 0) {
        ret->n = (int32_t) tp.n;
        qd_tparams_clear(&tp);
        return 0;
    }
    tparams_truncate(&tp, (uint32_t) args->v);
    ret->params.n = tp.n;
    ret->params.items = tp.items;
    return 0;
}

int
h_domain_interface_stats(struct qd_call *call, const void *a, void *r,
                         struct qd_err *err)
{
    const struct qd_w_dom_string *args = a;

    DRV_OP(domain_interface_stats) {
        return call->conn->drv->domain_interface_stats(call->conn,
                                                       &args->dom, args->s,
                                                       r, err);
    }
}

/* ---- streams ----------------------------------------------------------- */

/* The stream is the call's: the dispatcher starts it behind the reply, or
 * drops it when the driver fails. */
int
h_domain_open_console(struct qd_call *call, const void *a, void *r,
                      struct qd_err *err)
{
    const struct qd_w_dom_opt_string_flags *args = a;

    DRV_OP(domain_open_console) {
        return call->conn->drv->domain_open_console(
            call->conn, &args->dom, args->s, args->flags,
            qd_stream_new_for_call(call), err);
    }
}

int
h_domain_screenshot(struct qd_call *call, const void *a, void *r,
                    struct qd_err *err)
{
    const struct qd_w_dom_uint_flags *args = a;
    struct qd_w_opt_string *ret = r;

    DRV_OP(domain_screenshot) {
        ret->s = call->conn->drv->domain_screenshot(
            call->conn, &args->dom, args->v, args->flags,
            qd_stream_new_for_call(call), err);
    }
    return ret->s ? 0 : -1;
}
