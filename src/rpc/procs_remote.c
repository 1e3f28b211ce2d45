/* THE table of the REMOTE program, and its generic handlers.
 *
 * Most procedures have one of a few shapes ("domain -> int", "pool ->
 * void", ...). Their rows name the driver operation by its offset in
 * struct qd_driver and share a generic handler per shape; procedures with
 * their own logic have their own handler (procs_remote_conn.c,
 * procs_remote_domain.c, procs_remote_storage.c). A NULL driver slot answers
 * libvirt's "this function is not supported by the connection driver". */
#define QD_LOG_MODULE "rpc.remote"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/driver.h"
#include "rpc/client.h"
#include "rpc/dispatch.h"
#include "rpc/procs_remote_priv.h"
#include "rpc/events.h"
#include "rpc/server.h"
#include "rpc/types_remote.h"
#include "rpc/wire.h"
#include "util/err.h"
#include "util/log.h"
#include "util/mem.h"

/* The driver operation stored at @call->proc->slot, or NULL. */
void *
qd_procs_slot_fn(const struct qd_call *call)
{
    void *fn;

    memcpy(&fn, (const char *) call->conn->drv + call->proc->slot, sizeof(fn));
    return fn;
}

int
qd_procs_unsupported(const struct qd_call *call, struct qd_err *err)
{
    const char *api = call->proc->api ? call->proc->api : call->proc->name;

    return qd_err_report(err, QD_ERR_NO_SUPPORT, qd_dispatch_api_domain(api),
                         "%s", api);
}

/* ---- generic shapes ---------------------------------------------------- */

typedef int (*dom_int_fn)(struct qd_conn *, const struct qd_dom_ref *,
                          struct qd_err *);
typedef int (*dom_flags_int_fn)(struct qd_conn *, const struct qd_dom_ref *,
                                unsigned, struct qd_err *);
typedef char *(*dom_str_fn)(struct qd_conn *, const struct qd_dom_ref *,
                            struct qd_err *);
typedef char *(*dom_flags_str_fn)(struct qd_conn *, const struct qd_dom_ref *,
                                  unsigned, struct qd_err *);

/* dom -> int (IS_ACTIVE, GET_AUTOSTART, ...) */
static int
h_dom_int(struct qd_call *call, const void *a, void *r, struct qd_err *err)
{
    const struct qd_w_dom *args = a;
    struct qd_w_int *ret = r;
    GET_SLOT(dom_int_fn, fn);
    int v = fn(call->conn, &args->dom, err);

    if (v < 0)
        return -1;
    ret->v = v;
    return 0;
}

/* dom -> void (SUSPEND, RESUME) */
static int
h_dom_void(struct qd_call *call, const void *a, void *r, struct qd_err *err)
{
    const struct qd_w_dom *args = a;
    GET_SLOT(dom_int_fn, fn);

    return fn(call->conn, &args->dom, err) < 0 ? -1 : 0;
}

/* dom -> void, through an op that takes flags (DESTROY, SHUTDOWN, ...) */
static int
h_dom_noflags_void(struct qd_call *call, const void *a, void *r,
                   struct qd_err *err)
{
    const struct qd_w_dom *args = a;
    GET_SLOT(dom_flags_int_fn, fn);

    return fn(call->conn, &args->dom, 0, err) < 0 ? -1 : 0;
}

/* dom, flags -> void */
static int
h_dom_flags_void(struct qd_call *call, const void *a, void *r,
                 struct qd_err *err)
{
    const struct qd_w_dom_flags *args = a;
    GET_SLOT(dom_flags_int_fn, fn);

    return fn(call->conn, &args->dom, args->flags, err) < 0 ? -1 : 0;
}

/* dom, flags -> int */
int
h_dom_flags_int(struct qd_call *call, const void *a, void *r,
                struct qd_err *err)
{
    const struct qd_w_dom_flags *args = a;
    struct qd_w_int *ret = r;
    GET_SLOT(dom_flags_int_fn, fn);
    int v = fn(call->conn, &args->dom, args->flags, err);

    if (v < 0)
        return -1;
    ret->v = v;
    return 0;
}

/* dom -> string */
static int
h_dom_string(struct qd_call *call, const void *a, void *r, struct qd_err *err)
{
    const struct qd_w_dom *args = a;
    struct qd_w_string *ret = r;
    GET_SLOT(dom_str_fn, fn);

    return (ret->s = fn(call->conn, &args->dom, err)) ? 0 : -1;
}

typedef int (*name_dom_fn)(struct qd_conn *, const char *,
                           struct qd_dom_ref *, struct qd_err *);
typedef int (*uuid_dom_fn)(struct qd_conn *, const unsigned char *,
                           struct qd_dom_ref *, struct qd_err *);
/* define/create from XML, for any object kind: the ret is the handle */
typedef int (*xml_obj_fn)(struct qd_conn *, const char *, unsigned, void *,
                          struct qd_err *);

static int
h_name_dom(struct qd_call *call, const void *a, void *r, struct qd_err *err)
{
    const struct qd_w_string *args = a;
    GET_SLOT(name_dom_fn, fn);

    return fn(call->conn, args->s, r, err);
}

static int
h_uuid_dom(struct qd_call *call, const void *a, void *r, struct qd_err *err)
{
    const struct qd_w_uuid *args = a;
    GET_SLOT(uuid_dom_fn, fn);

    return fn(call->conn, args->uuid, r, err);
}

static int
h_xml_obj(struct qd_call *call, const void *a, void *r, struct qd_err *err)
{
    const struct qd_w_string *args = a;
    GET_SLOT(xml_obj_fn, fn);

    return fn(call->conn, args->s, 0, r, err);
}

static int
h_xml_flags_obj(struct qd_call *call, const void *a, void *r,
                struct qd_err *err)
{
    const struct qd_w_string_flags *args = a;
    GET_SLOT(xml_obj_fn, fn);

    return fn(call->conn, args->s, args->flags, r, err);
}

/* The same shapes for the other object kinds. The handle is the first
 * member of every args struct, so one handler per shape serves all kinds:
 * the driver ops take a pointer to it. */
typedef int (*obj_int_fn)(struct qd_conn *, const void *, struct qd_err *);
typedef int (*obj_flags_int_fn)(struct qd_conn *, const void *, unsigned,
                                struct qd_err *);
typedef int (*obj_bool_fn)(struct qd_conn *, const void *, bool,
                           struct qd_err *);
typedef char *(*obj_str_fn)(struct qd_conn *, const void *, struct qd_err *);
typedef char *(*obj_flags_str_fn)(struct qd_conn *, const void *, unsigned,
                                  struct qd_err *);
typedef int (*obj_lookup_fn)(struct qd_conn *, const void *key, void *ret,
                             struct qd_err *);
typedef int (*obj_list_fn)(struct qd_conn *, unsigned, struct qd_list *,
                           struct qd_err *);

/* The flags (or int) member is the last field of the args struct. */
static uint32_t
args_flags(const struct qd_call *call, const void *a)
{
    const struct qd_xdr_type *t = call->proc->args;

    return *(const uint32_t *) ((const char *) a +
                                t->fields[t->nfields - 1].offset);
}

static int
h_obj_void(struct qd_call *call, const void *a, void *r, struct qd_err *err)
{
    GET_SLOT(obj_int_fn, fn);

    return fn(call->conn, a, err) < 0 ? -1 : 0;
}

static int
h_obj_int(struct qd_call *call, const void *a, void *r, struct qd_err *err)
{
    struct qd_w_int *ret = r;
    GET_SLOT(obj_int_fn, fn);
    int v = fn(call->conn, a, err);

    if (v < 0)
        return -1;
    ret->v = v;
    return 0;
}

static int
h_obj_flags_void(struct qd_call *call, const void *a, void *r,
                 struct qd_err *err)
{
    GET_SLOT(obj_flags_int_fn, fn);

    return fn(call->conn, a, args_flags(call, a), err) < 0 ? -1 : 0;
}

/* obj, int -> void (SET_AUTOSTART) */
static int
h_obj_bool_void(struct qd_call *call, const void *a, void *r,
                struct qd_err *err)
{
    GET_SLOT(obj_bool_fn, fn);

    return fn(call->conn, a, args_flags(call, a) != 0, err) < 0 ? -1 : 0;
}

static int
h_obj_string(struct qd_call *call, const void *a, void *r, struct qd_err *err)
{
    struct qd_w_string *ret = r;
    GET_SLOT(obj_str_fn, fn);

    return (ret->s = fn(call->conn, a, err)) ? 0 : -1;
}

int
h_obj_flags_string(struct qd_call *call, const void *a, void *r,
                   struct qd_err *err)
{
    struct qd_w_string *ret = r;
    GET_SLOT(obj_flags_str_fn, fn);

    return (ret->s = fn(call->conn, a, args_flags(call, a), err)) ? 0 : -1;
}

/* name or uuid (or vol handle, ...) -> handle */
static int
h_obj_lookup(struct qd_call *call, const void *a, void *r, struct qd_err *err)
{
    GET_SLOT(obj_lookup_fn, fn);
    const void *key = a;

    /* string keys are passed as the string itself */
    if (call->proc->args == &qd_t_string)
        key = ((const struct qd_w_string *) a)->s;
    return fn(call->conn, key, r, err);
}

/* CONNECT_LIST_ALL_*: need_results, flags -> handles<>, count. All the
 * *_list ret structs are { struct qd_xdr_array; uint32_t ret; }. */

static int
h_list_all(struct qd_call *call, const void *a, void *r, struct qd_err *err)
{
    const struct qd_w_list_args *args = a;
    struct any_list *ret = r;
    struct qd_list l = { 0 };
    GET_SLOT(obj_list_fn, fn);

    if (fn(call->conn, args->flags, &l, err) < 0)
        return -1;
    ret->ret = l.n;
    ret->items.n = l.n;
    ret->items.items = l.items;
    if (!args->need_results) {
        /* the codec frees what is in @ret: keep items, send none */
        struct qd_xdr_array tmp = ret->items;

        ret->items.n = 0;
        ret->items.items = NULL;
        qd_xdr_free(call->proc->ret, &(struct any_list) { tmp, 0 });
    }
    return 0;
}

/* ---- the table --------------------------------------------------------- */

#define SLOT(op) offsetof(struct qd_driver, op)

/* Sorted by number (tests/unit/test_proc_tables.c checks it). Flags and
 * API names follow libvirt's @priority and read-only rules (procedures.tsv
 * in the protocol notes). */
static const struct qd_proc remote_procs[] = {
    { 1, "ConnectOpen", &qd_t_open_args, NULL, h_connect_open, QD_PROC_PRIO | QD_PROC_RO | QD_PROC_NOCONN, NULL, 0 },
    { 2, "ConnectClose", NULL, NULL, h_connect_close, QD_PROC_PRIO | QD_PROC_RO | QD_PROC_NOCONN, NULL, 0 },
    { 3, "ConnectGetType", NULL, &qd_t_string, h_get_type, QD_PROC_PRIO | QD_PROC_RO, "virConnectGetType", 0 },
    { 4, "ConnectGetVersion", NULL, &qd_t_uhyper, h_u64, QD_PROC_PRIO | QD_PROC_RO, "virConnectGetVersion", SLOT(get_version) },
    { 5, "ConnectGetMaxVcpus", &qd_t_opt_string, &qd_t_int, h_get_max_vcpus, QD_PROC_PRIO | QD_PROC_RO, "virConnectGetMaxVcpus", 0 },
    { 6, "NodeGetInfo", NULL, &qd_t_node_info, h_node_get_info, QD_PROC_PRIO | QD_PROC_RO, "virNodeGetInfo", 0 },
    { 7, "ConnectGetCapabilities", NULL, &qd_t_string, h_string, QD_PROC_RO, "virConnectGetCapabilities", SLOT(get_capabilities) },
    { 9, "DomainCreate", &qd_t_dom, NULL, h_domain_create, 0, "virDomainCreate", 0 },
    { 10, "DomainCreateXML", &qd_t_string_flags, &qd_t_dom, h_xml_flags_obj, 0, "virDomainCreateXML", SLOT(domain_create_xml) },
    { 11, "DomainDefineXML", &qd_t_string, &qd_t_dom, h_xml_obj, QD_PROC_PRIO, "virDomainDefineXML", SLOT(domain_define_xml) },
    { 12, "DomainDestroy", &qd_t_dom, NULL, h_dom_noflags_void, QD_PROC_PRIO, "virDomainDestroy", SLOT(domain_destroy) },
    { 14, "DomainGetXMLDesc", &qd_t_dom_flags, &qd_t_string, h_domain_get_xml, QD_PROC_RO, "virDomainGetXMLDesc", SLOT(domain_get_xml) },
    { 15, "DomainGetAutostart", &qd_t_dom, &qd_t_int, h_dom_int, QD_PROC_PRIO | QD_PROC_RO, "virDomainGetAutostart", SLOT(domain_get_autostart) },
    { 16, "DomainGetInfo", &qd_t_dom, &qd_t_dom_info, h_domain_get_info, QD_PROC_RO, "virDomainGetInfo", 0 },
    { 17, "DomainGetMaxMemory", &qd_t_dom, &qd_t_uhyper, h_domain_get_max_memory, QD_PROC_PRIO | QD_PROC_RO, "virDomainGetMaxMemory", 0 },
    { 18, "DomainGetMaxVcpus", &qd_t_dom, &qd_t_int, h_dom_int, QD_PROC_PRIO | QD_PROC_RO, "virDomainGetMaxVcpus", SLOT(domain_get_max_vcpus) },
    { 19, "DomainGetOSType", &qd_t_dom, &qd_t_string, h_dom_string, QD_PROC_PRIO | QD_PROC_RO, "virDomainGetOSType", SLOT(domain_get_os_type) },
    { 20, "DomainGetVcpus", &qd_t_vcpus_args, &qd_t_vcpus_ret, h_domain_get_vcpus, QD_PROC_PRIO | QD_PROC_RO, "virDomainGetVcpus", 0 },
    { 21, "ConnectListDefinedDomains", &qd_t_int, &qd_t_string_list, h_list_defined_domains, QD_PROC_PRIO | QD_PROC_RO, "virConnectListDefinedDomains", 0 },
    { 22, "DomainLookupByID", &qd_t_int, &qd_t_dom, h_lookup_by_id, QD_PROC_PRIO | QD_PROC_RO, "virDomainLookupByID", 0 },
    { 23, "DomainLookupByName", &qd_t_string, &qd_t_dom, h_name_dom, QD_PROC_PRIO | QD_PROC_RO, "virDomainLookupByName", SLOT(domain_lookup_by_name) },
    { 24, "DomainLookupByUUID", &qd_t_uuid, &qd_t_dom, h_uuid_dom, QD_PROC_PRIO | QD_PROC_RO, "virDomainLookupByUUID", SLOT(domain_lookup_by_uuid) },
    { 25, "ConnectNumOfDefinedDomains", NULL, &qd_t_int, h_num_of_domains, QD_PROC_PRIO | QD_PROC_RO, "virConnectNumOfDefinedDomains", 0 },
    { 27, "DomainReboot", &qd_t_dom_flags, NULL, h_dom_flags_void, 0, "virDomainReboot", SLOT(domain_reboot) },
    { 28, "DomainResume", &qd_t_dom, NULL, h_dom_void, 0, "virDomainResume", SLOT(domain_resume) },
    { 29, "DomainSetAutostart", &qd_t_dom_int, NULL, h_domain_set_autostart, QD_PROC_PRIO, "virDomainSetAutostart", 0 },
    { 30, "DomainSetMaxMemory", &qd_t_dom_uhyper, NULL, h_domain_set_memory, QD_PROC_PRIO, "virDomainSetMaxMemory", 0 },
    { 31, "DomainSetMemory", &qd_t_dom_uhyper, NULL, h_domain_set_memory, 0, "virDomainSetMemory", 0 },
    { 32, "DomainSetVcpus", &qd_t_dom_uint, NULL, h_domain_set_vcpus, 0, "virDomainSetVcpus", 0 },
    { 33, "DomainShutdown", &qd_t_dom, NULL, h_dom_noflags_void, 0, "virDomainShutdown", SLOT(domain_shutdown) },
    { 34, "DomainSuspend", &qd_t_dom, NULL, h_dom_void, 0, "virDomainSuspend", SLOT(domain_suspend) },
    { 35, "DomainUndefine", &qd_t_dom, NULL, h_dom_noflags_void, QD_PROC_PRIO, "virDomainUndefine", SLOT(domain_undefine) },
    { 37, "ConnectListDomains", &qd_t_int, &qd_t_int_list, h_list_domains, QD_PROC_PRIO | QD_PROC_RO, "virConnectListDomains", 0 },
    { 39, "NetworkCreate", &qd_t_net, NULL, h_obj_void, 0, "virNetworkCreate", SLOT(network_create) },
    { 40, "NetworkCreateXML", &qd_t_string, &qd_t_net, h_xml_obj, 0, "virNetworkCreateXML", SLOT(network_create_xml) },
    { 41, "NetworkDefineXML", &qd_t_string, &qd_t_net, h_xml_obj, QD_PROC_PRIO, "virNetworkDefineXML", SLOT(network_define_xml) },
    { 42, "NetworkDestroy", &qd_t_net, NULL, h_obj_void, QD_PROC_PRIO, "virNetworkDestroy", SLOT(network_destroy) },
    { 43, "NetworkGetXMLDesc", &qd_t_net_flags, &qd_t_string, h_obj_flags_string, QD_PROC_PRIO | QD_PROC_RO, "virNetworkGetXMLDesc", SLOT(network_get_xml) },
    { 44, "NetworkGetAutostart", &qd_t_net, &qd_t_int, h_obj_int, QD_PROC_PRIO | QD_PROC_RO, "virNetworkGetAutostart", SLOT(network_get_autostart) },
    { 45, "NetworkGetBridgeName", &qd_t_net, &qd_t_string, h_obj_string, QD_PROC_PRIO | QD_PROC_RO, "virNetworkGetBridgeName", SLOT(network_get_bridge_name) },
    { 46, "NetworkLookupByName", &qd_t_string, &qd_t_net, h_obj_lookup, QD_PROC_PRIO | QD_PROC_RO, "virNetworkLookupByName", SLOT(network_lookup_by_name) },
    { 47, "NetworkLookupByUUID", &qd_t_uuid, &qd_t_net, h_obj_lookup, QD_PROC_PRIO | QD_PROC_RO, "virNetworkLookupByUUID", SLOT(network_lookup_by_uuid) },
    { 48, "NetworkSetAutostart", &qd_t_net_int, NULL, h_obj_bool_void, QD_PROC_PRIO, "virNetworkSetAutostart", SLOT(network_set_autostart) },
    { 49, "NetworkUndefine", &qd_t_net, NULL, h_obj_void, QD_PROC_PRIO, "virNetworkUndefine", SLOT(network_undefine) },
    { 51, "ConnectNumOfDomains", NULL, &qd_t_int, h_num_of_domains, QD_PROC_PRIO | QD_PROC_RO, "virConnectNumOfDomains", 0 },
    { 56, "DomainGetSchedulerType", &qd_t_dom, &qd_t_string_int, h_domain_sched_type, QD_PROC_RO, "virDomainGetSchedulerType", 0 },
    { 57, "DomainGetSchedulerParameters", &qd_t_dom_int, &qd_t_tparams, h_domain_sched_params, QD_PROC_RO, "virDomainGetSchedulerParameters", 0 },
    { 59, "ConnectGetHostname", NULL, &qd_t_string, h_string, QD_PROC_PRIO | QD_PROC_RO, "virConnectGetHostname", SLOT(get_hostname) },
    { 60, "ConnectSupportsFeature", &qd_t_int, &qd_t_int, h_supports_feature, QD_PROC_PRIO | QD_PROC_RO | QD_PROC_NOCONN, "virConnectSupportsFeature", 0 },
    { 64, "DomainBlockStats", &qd_t_dom_string, &qd_t_block_stats, h_domain_block_stats, QD_PROC_RO, "virDomainBlockStats", 0 },
    { 65, "DomainInterfaceStats", &qd_t_dom_string, &qd_t_iface_stats, h_domain_interface_stats, QD_PROC_PRIO | QD_PROC_RO, "virDomainInterfaceStats", 0 },
    { 66, "AuthList", NULL, &qd_t_auth_list, h_auth_list, QD_PROC_PRIO | QD_PROC_RO | QD_PROC_NOCONN | QD_PROC_NOAUTH, NULL, 0 },
    { 67, "AuthSaslInit", NULL, &qd_t_sasl_init_ret, h_auth_sasl_init, QD_PROC_PRIO | QD_PROC_RO | QD_PROC_NOCONN | QD_PROC_NOAUTH, NULL, 0 },
    { 68, "AuthSaslStart", &qd_t_sasl_start_args, &qd_t_sasl_step_ret, h_auth_sasl_start, QD_PROC_PRIO | QD_PROC_RO | QD_PROC_NOCONN | QD_PROC_NOAUTH, NULL, 0 },
    { 69, "AuthSaslStep", &qd_t_sasl_step_args, &qd_t_sasl_step_ret, h_auth_sasl_step, QD_PROC_PRIO | QD_PROC_RO | QD_PROC_NOCONN | QD_PROC_NOAUTH, NULL, 0 },
    { 76, "StoragePoolCreateXML", &qd_t_string_flags, &qd_t_pool, h_xml_flags_obj, 0, "virStoragePoolCreateXML", SLOT(pool_create_xml) },
    { 77, "StoragePoolDefineXML", &qd_t_string_flags, &qd_t_pool, h_xml_flags_obj, QD_PROC_PRIO, "virStoragePoolDefineXML", SLOT(pool_define_xml) },
    { 78, "StoragePoolCreate", &qd_t_pool_flags, NULL, h_obj_flags_void, 0, "virStoragePoolCreate", SLOT(pool_create) },
    { 79, "StoragePoolBuild", &qd_t_pool_flags, NULL, h_obj_flags_void, 0, "virStoragePoolBuild", SLOT(pool_build) },
    { 80, "StoragePoolDestroy", &qd_t_pool, NULL, h_obj_void, QD_PROC_PRIO, "virStoragePoolDestroy", SLOT(pool_destroy) },
    { 81, "StoragePoolDelete", &qd_t_pool_flags, NULL, h_obj_flags_void, 0, "virStoragePoolDelete", SLOT(pool_delete) },
    { 82, "StoragePoolUndefine", &qd_t_pool, NULL, h_obj_void, QD_PROC_PRIO, "virStoragePoolUndefine", SLOT(pool_undefine) },
    { 83, "StoragePoolRefresh", &qd_t_pool_flags, NULL, h_obj_flags_void, 0, "virStoragePoolRefresh", SLOT(pool_refresh) },
    { 84, "StoragePoolLookupByName", &qd_t_string, &qd_t_pool, h_obj_lookup, QD_PROC_PRIO | QD_PROC_RO, "virStoragePoolLookupByName", SLOT(pool_lookup_by_name) },
    { 85, "StoragePoolLookupByUUID", &qd_t_uuid, &qd_t_pool, h_obj_lookup, QD_PROC_PRIO | QD_PROC_RO, "virStoragePoolLookupByUUID", SLOT(pool_lookup_by_uuid) },
    { 86, "StoragePoolLookupByVolume", &qd_t_vol, &qd_t_pool, h_obj_lookup, QD_PROC_PRIO | QD_PROC_RO, "virStoragePoolLookupByVolume", SLOT(pool_lookup_by_volume) },
    { 87, "StoragePoolGetInfo", &qd_t_pool, &qd_t_pool_info, h_pool_get_info, QD_PROC_PRIO | QD_PROC_RO, "virStoragePoolGetInfo", 0 },
    { 88, "StoragePoolGetXMLDesc", &qd_t_pool_flags, &qd_t_string, h_obj_flags_string, QD_PROC_PRIO | QD_PROC_RO, "virStoragePoolGetXMLDesc", SLOT(pool_get_xml) },
    { 89, "StoragePoolGetAutostart", &qd_t_pool, &qd_t_int, h_obj_int, QD_PROC_PRIO | QD_PROC_RO, "virStoragePoolGetAutostart", SLOT(pool_get_autostart) },
    { 90, "StoragePoolSetAutostart", &qd_t_pool_int, NULL, h_obj_bool_void, QD_PROC_PRIO, "virStoragePoolSetAutostart", SLOT(pool_set_autostart) },
    { 91, "StoragePoolNumOfVolumes", &qd_t_pool, &qd_t_int, h_obj_int, QD_PROC_PRIO | QD_PROC_RO, "virStoragePoolNumOfVolumes", SLOT(pool_num_of_volumes) },
    { 93, "StorageVolCreateXML", &qd_t_pool_string_flags, &qd_t_vol, h_vol_create_xml, 0, "virStorageVolCreateXML", 0 },
    { 94, "StorageVolDelete", &qd_t_vol_flags, NULL, h_obj_flags_void, 0, "virStorageVolDelete", SLOT(vol_delete) },
    { 95, "StorageVolLookupByName", &qd_t_pool_string, &qd_t_vol, h_vol_lookup_by_name, QD_PROC_PRIO | QD_PROC_RO, "virStorageVolLookupByName", 0 },
    { 96, "StorageVolLookupByKey", &qd_t_string, &qd_t_vol, h_obj_lookup, QD_PROC_PRIO | QD_PROC_RO, "virStorageVolLookupByKey", SLOT(vol_lookup_by_key) },
    { 97, "StorageVolLookupByPath", &qd_t_string, &qd_t_vol, h_obj_lookup, QD_PROC_PRIO | QD_PROC_RO, "virStorageVolLookupByPath", SLOT(vol_lookup_by_path) },
    { 98, "StorageVolGetInfo", &qd_t_vol, &qd_t_vol_info, h_vol_get_info, QD_PROC_PRIO | QD_PROC_RO, "virStorageVolGetInfo", 0 },
    { 99, "StorageVolGetXMLDesc", &qd_t_vol_flags, &qd_t_string, h_obj_flags_string, QD_PROC_PRIO | QD_PROC_RO, "virStorageVolGetXMLDesc", SLOT(vol_get_xml) },
    { 100, "StorageVolGetPath", &qd_t_vol, &qd_t_string, h_obj_string, QD_PROC_PRIO | QD_PROC_RO, "virStorageVolGetPath", SLOT(vol_get_path) },
    { 101, "NodeGetCellsFreeMemory", &qd_t_int_pair, &qd_t_uhyper_list, h_node_cells_free, QD_PROC_PRIO | QD_PROC_RO, "virNodeGetCellsFreeMemory", 0 },
    { 102, "NodeGetFreeMemory", NULL, &qd_t_uhyper, h_u64, QD_PROC_PRIO | QD_PROC_RO, "virNodeGetFreeMemory", SLOT(node_get_free_memory) },
    { 105, "ConnectDomainEventRegister", NULL, &qd_t_int, qd_events_h_legacy_register, QD_PROC_PRIO | QD_PROC_RO, "virConnectDomainEventRegisterAny", 0 },
    { 106, "ConnectDomainEventDeregister", NULL, &qd_t_int, qd_events_h_legacy_deregister, QD_PROC_PRIO | QD_PROC_RO, "virConnectDomainEventDeregisterAny", 0 },
    { 110, "ConnectGetURI", NULL, &qd_t_string, h_get_uri, QD_PROC_PRIO | QD_PROC_RO, "virConnectGetURI", 0 },
    { 113, "NodeDeviceLookupByName", &qd_t_string, &qd_t_string, h_obj_lookup, QD_PROC_PRIO | QD_PROC_RO, "virNodeDeviceLookupByName", SLOT(nodedev_lookup_by_name) },
    { 114, "NodeDeviceGetXMLDesc", &qd_t_string_flags, &qd_t_string, h_obj_flags_string, QD_PROC_RO, "virNodeDeviceGetXMLDesc", SLOT(nodedev_get_xml) },
    { 115, "NodeDeviceGetParent", &qd_t_string, &qd_t_opt_string, h_nodedev_get_parent, QD_PROC_PRIO | QD_PROC_RO, "virNodeDeviceLookupByName", 0 },
    { 116, "NodeDeviceNumOfCaps", &qd_t_string, &qd_t_int, h_nodedev_caps, QD_PROC_PRIO | QD_PROC_RO, "virNodeDeviceNumOfCaps", 0 },
    { 117, "NodeDeviceListCaps", &qd_t_string_maxnames, &qd_t_string_list, h_nodedev_caps, QD_PROC_PRIO | QD_PROC_RO, "virNodeDeviceListCaps", 0 },
    { 121, "DomainGetSecurityLabel", &qd_t_dom, &qd_t_sec_label, h_domain_security_label, QD_PROC_PRIO | QD_PROC_RO, "virDomainGetSecurityLabel", 0 },
    { 122, "NodeGetSecurityModel", NULL, &qd_t_sec_model, h_node_security_model, QD_PROC_PRIO | QD_PROC_RO, "virNodeGetSecurityModel", 0 },
    { 128, "InterfaceLookupByName", &qd_t_string, &qd_t_iface, h_obj_lookup, QD_PROC_PRIO | QD_PROC_RO, "virInterfaceLookupByName", SLOT(iface_lookup_by_name) },
    { 129, "InterfaceLookupByMACString", &qd_t_string, &qd_t_iface, h_obj_lookup, QD_PROC_PRIO | QD_PROC_RO, "virInterfaceLookupByMACString", SLOT(iface_lookup_by_mac) },
    { 130, "InterfaceGetXMLDesc", &qd_t_iface_flags, &qd_t_string, h_obj_flags_string, QD_PROC_RO, "virInterfaceGetXMLDesc", SLOT(iface_get_xml) },
    { 139, "ConnectNumOfSecrets", NULL, &qd_t_int, h_no_secret_driver, QD_PROC_PRIO | QD_PROC_RO, "virConnectNumOfSecrets", 0 },
    { 149, "ConnectIsSecure", NULL, &qd_t_int, h_is_secure, QD_PROC_PRIO | QD_PROC_RO, "virConnectIsSecure", 0 },
    { 150, "DomainIsActive", &qd_t_dom, &qd_t_int, h_dom_int, QD_PROC_PRIO | QD_PROC_RO, "virDomainIsActive", SLOT(domain_is_active) },
    { 151, "DomainIsPersistent", &qd_t_dom, &qd_t_int, h_dom_int, QD_PROC_PRIO | QD_PROC_RO, "virDomainIsPersistent", SLOT(domain_is_persistent) },
    { 152, "NetworkIsActive", &qd_t_net, &qd_t_int, h_obj_int, QD_PROC_PRIO | QD_PROC_RO, "virNetworkIsActive", SLOT(network_is_active) },
    { 153, "NetworkIsPersistent", &qd_t_net, &qd_t_int, h_obj_int, QD_PROC_PRIO | QD_PROC_RO, "virNetworkIsPersistent", SLOT(network_is_persistent) },
    { 154, "StoragePoolIsActive", &qd_t_pool, &qd_t_int, h_obj_int, QD_PROC_PRIO | QD_PROC_RO, "virStoragePoolIsActive", SLOT(pool_is_active) },
    { 155, "StoragePoolIsPersistent", &qd_t_pool, &qd_t_int, h_obj_int, QD_PROC_PRIO | QD_PROC_RO, "virStoragePoolIsPersistent", SLOT(pool_is_persistent) },
    { 156, "InterfaceIsActive", &qd_t_iface, &qd_t_int, h_obj_int, QD_PROC_PRIO | QD_PROC_RO, "virInterfaceIsActive", SLOT(iface_is_active) },
    { 157, "ConnectGetLibVersion", NULL, &qd_t_uhyper, h_lib_version, QD_PROC_PRIO | QD_PROC_RO, "virConnectGetLibVersion", 0 },
    { 159, "DomainMemoryStats", &qd_t_dom_uint_flags, &qd_t_mem_stats, h_domain_memory_stats, QD_PROC_RO, "virDomainMemoryStats", 0 },
    { 167, "ConnectDomainEventRegisterAny", &qd_t_int, NULL, qd_events_h_legacy_register_any, QD_PROC_PRIO | QD_PROC_RO, "virConnectDomainEventRegisterAny", 0 },
    { 168, "ConnectDomainEventDeregisterAny", &qd_t_int, NULL, qd_events_h_legacy_deregister_any, QD_PROC_PRIO | QD_PROC_RO, "virConnectDomainEventDeregisterAny", 0 },
    { 183, "DomainHasManagedSaveImage", &qd_t_dom_flags, &qd_t_int, h_dom_flags_int, QD_PROC_RO, "virDomainHasManagedSaveImage", SLOT(domain_has_managed_save) },
    { 187, "DomainSnapshotNum", &qd_t_dom_flags, &qd_t_int, h_dom_flags_int, QD_PROC_PRIO | QD_PROC_RO, "virDomainSnapshotNum", SLOT(domain_snapshot_num) },
    { 196, "DomainCreateWithFlags", &qd_t_dom_flags, &qd_t_dom, h_domain_create_flags, 0, "virDomainCreateWithFlags", 0 },
    { 199, "DomainSetVcpusFlags", &qd_t_dom_uint_flags, NULL, h_domain_set_vcpus, 0, "virDomainSetVcpusFlags", 0 },
    { 200, "DomainGetVcpusFlags", &qd_t_dom_flags, &qd_t_int, h_domain_get_vcpus_flags, QD_PROC_RO, "virDomainGetVcpusFlags", SLOT(domain_get_vcpus_flags) },
    { 201, "DomainOpenConsole", &qd_t_dom_opt_string_flags, NULL, h_domain_open_console, 0, "virDomainOpenConsole", 0 },
    { 202, "DomainIsUpdated", &qd_t_dom, &qd_t_int, h_dom_int, QD_PROC_PRIO | QD_PROC_RO, "virDomainIsUpdated", SLOT(domain_is_updated) },
    { 203, "ConnectGetSysinfo", &qd_t_flags, &qd_t_string, h_flags_string, QD_PROC_PRIO | QD_PROC_RO, "virConnectGetSysinfo", SLOT(get_sysinfo) },
    { 204, "DomainSetMemoryFlags", &qd_t_dom_uhyper_flags, NULL, h_domain_set_memory, 0, "virDomainSetMemoryFlags", 0 },
    { 211, "DomainScreenshot", &qd_t_dom_uint_flags, &qd_t_opt_string, h_domain_screenshot, 0, "virDomainScreenshot", 0 },
    { 212, "DomainGetState", &qd_t_dom_flags, &qd_t_int_pair, h_domain_get_state, QD_PROC_PRIO | QD_PROC_RO, "virDomainGetState", 0 },
    { 223, "DomainGetSchedulerParametersFlags", &qd_t_dom_int_flags, &qd_t_tparams, h_domain_sched_params, QD_PROC_RO, "virDomainGetSchedulerParametersFlags", 0 },
    { 227, "NodeGetCPUStats", &qd_t_node_stats_args, &qd_t_node_stats, h_node_stats, QD_PROC_PRIO | QD_PROC_RO, "virNodeGetCPUStats", SLOT(node_get_cpu_stats) },
    { 228, "NodeGetMemoryStats", &qd_t_node_mem_stats_args, &qd_t_node_stats, h_node_stats, QD_PROC_PRIO | QD_PROC_RO, "virNodeGetMemoryStats", SLOT(node_get_memory_stats) },
    { 230, "DomainGetVcpuPinInfo", &qd_t_vcpu_pin_args, &qd_t_cpumaps_int, h_domain_pin_info, QD_PROC_RO, "virDomainGetVcpuPinInfo", 0 },
    { 231, "DomainUndefineFlags", &qd_t_dom_flags, NULL, h_dom_flags_void, QD_PROC_PRIO, "virDomainUndefineFlags", SLOT(domain_undefine) },
    { 234, "DomainDestroyFlags", &qd_t_dom_flags, NULL, h_dom_flags_void, QD_PROC_PRIO, "virDomainDestroyFlags", SLOT(domain_destroy) },
    { 243, "DomainBlockStatsFlags", &qd_t_block_stats_flags_args, &qd_t_block_stats_flags_ret, h_domain_block_stats_flags, QD_PROC_RO, "virDomainBlockStatsFlags", 0 },
    { 245, "DomainReset", &qd_t_dom_flags, NULL, h_dom_flags_void, 0, "virDomainReset", SLOT(domain_reset) },
    { 258, "DomainShutdownFlags", &qd_t_dom_flags, NULL, h_dom_flags_void, 0, "virDomainShutdownFlags", SLOT(domain_shutdown) },
    { 264, "DomainSetMetadata", &qd_t_set_metadata_args, NULL, h_domain_set_metadata, 0, "virDomainSetMetadata", 0 },
    { 265, "DomainGetMetadata", &qd_t_get_metadata_args, &qd_t_string, h_domain_get_metadata, QD_PROC_RO, "virDomainGetMetadata", 0 },
    { 273, "ConnectListAllDomains", &qd_t_list_args, &qd_t_dom_list, h_list_all, QD_PROC_PRIO | QD_PROC_RO, "virConnectListAllDomains", SLOT(list_all_domains) },
    { 280, "DomainGetEmulatorPinInfo", &qd_t_dom_int_flags, &qd_t_cpumaps_int, h_domain_pin_info, QD_PROC_RO, "virDomainGetEmulatorPinInfo", 0 },
    { 281, "ConnectListAllStoragePools", &qd_t_list_args, &qd_t_pool_list, h_list_all, QD_PROC_PRIO | QD_PROC_RO, "virConnectListAllStoragePools", SLOT(list_all_pools) },
    { 282, "StoragePoolListAllVolumes", &qd_t_pool_list_args, &qd_t_vol_list, h_pool_list_volumes, QD_PROC_PRIO | QD_PROC_RO, "virStoragePoolListAllVolumes", 0 },
    { 283, "ConnectListAllNetworks", &qd_t_list_args, &qd_t_net_list, h_list_all, QD_PROC_PRIO | QD_PROC_RO, "virConnectListAllNetworks", SLOT(list_all_networks) },
    { 284, "ConnectListAllInterfaces", &qd_t_list_args, &qd_t_iface_list, h_list_all, QD_PROC_PRIO | QD_PROC_RO, "virConnectListAllInterfaces", SLOT(list_all_interfaces) },
    { 285, "ConnectListAllNodeDevices", &qd_t_list_args, &qd_t_nodedev_list, h_list_all, QD_PROC_PRIO | QD_PROC_RO, "virConnectListAllNodeDevices", SLOT(list_all_node_devices) },
    { 287, "ConnectListAllSecrets", &qd_t_list_args, NULL, h_no_secret_driver, QD_PROC_PRIO | QD_PROC_RO, "virConnectListAllSecrets", 0 },
    { 293, "NodeGetCPUMap", &qd_t_cpu_map_args, &qd_t_cpu_map_ret, h_node_get_cpu_map, QD_PROC_RO, "virNodeGetCPUMap", 0 },
    { 313, "ConnectNetworkEventRegisterAny", &qd_t_net_event_register_args, &qd_t_int, qd_events_h_object_register, QD_PROC_PRIO | QD_PROC_RO, "virConnectNetworkEventRegisterAny", 0 },
    { 314, "ConnectNetworkEventDeregisterAny", &qd_t_int, NULL, qd_events_h_object_deregister, QD_PROC_PRIO | QD_PROC_RO, "virConnectNetworkEventDeregisterAny", 0 },
    { 316, "ConnectDomainEventCallbackRegisterAny", &qd_t_dom_event_register_args, &qd_t_int, qd_events_h_domain_register, QD_PROC_PRIO | QD_PROC_RO, "virConnectDomainEventRegisterAny", 0 },
    { 317, "ConnectDomainEventCallbackDeregisterAny", &qd_t_int, NULL, qd_events_h_domain_deregister, QD_PROC_PRIO | QD_PROC_RO, "virConnectDomainEventDeregisterAny", 0 },
    { 342, "ConnectGetDomainCapabilities", &qd_t_domcaps_args, &qd_t_string, h_get_domain_capabilities, 0, "virConnectGetDomainCapabilities", SLOT(get_domain_capabilities) },
    { 344, "ConnectGetAllDomainStats", &qd_t_stats_args, &qd_t_stats_ret, h_all_domain_stats, QD_PROC_RO, "virDomainListGetStats", 0 },
    { 350, "DomainDefineXMLFlags", &qd_t_string_flags, &qd_t_dom, h_xml_flags_obj, QD_PROC_PRIO, "virDomainDefineXMLFlags", SLOT(domain_define_xml) },
    { 360, "ConnectRegisterCloseCallback", NULL, NULL, h_register_close_cb, QD_PROC_PRIO | QD_PROC_RO, "virConnectRegisterCloseCallback", 0 },
    { 361, "ConnectUnregisterCloseCallback", NULL, NULL, h_register_close_cb, QD_PROC_PRIO | QD_PROC_RO, "virConnectUnregisterCloseCallback", 0 },
    { 368, "ConnectStoragePoolEventRegisterAny", &qd_t_pool_event_register_args, &qd_t_int, qd_events_h_object_register, QD_PROC_PRIO | QD_PROC_RO, "virConnectStoragePoolEventRegisterAny", 0 },
    { 369, "ConnectStoragePoolEventDeregisterAny", &qd_t_int, NULL, qd_events_h_object_deregister, QD_PROC_PRIO | QD_PROC_RO, "virConnectStoragePoolEventDeregisterAny", 0 },
    { 374, "ConnectNodeDeviceEventRegisterAny", &qd_t_nodedev_event_register_args, &qd_t_int, qd_events_h_object_register, QD_PROC_PRIO | QD_PROC_RO, "virConnectNodeDeviceEventRegisterAny", 0 },
    { 375, "ConnectNodeDeviceEventDeregisterAny", &qd_t_int, NULL, qd_events_h_object_deregister, QD_PROC_PRIO | QD_PROC_RO, "virConnectNodeDeviceEventDeregisterAny", 0 },
    { 378, "StorageVolGetInfoFlags", &qd_t_vol_flags, &qd_t_vol_info, h_vol_get_info, QD_PROC_PRIO | QD_PROC_RO, "virStorageVolGetInfoFlags", 0 },
    { 380, "ConnectSecretEventRegisterAny", &qd_t_secret_event_register_args, &qd_t_int, qd_events_h_object_register, QD_PROC_PRIO | QD_PROC_RO, "virConnectSecretEventRegisterAny", 0 },
    { 381, "ConnectSecretEventDeregisterAny", &qd_t_int, NULL, qd_events_h_object_deregister, QD_PROC_PRIO | QD_PROC_RO, "virConnectSecretEventDeregisterAny", 0 },
    { 426, "DomainGetMessages", &qd_t_dom_flags, &qd_t_string_list, h_domain_get_messages, QD_PROC_RO, "virDomainGetMessages", 0 },
};

const struct qd_program qd_program_remote = {
    QD_PROG_REMOTE, QD_PROG_VERSION, remote_procs, QD_ARRAY_SIZE(remote_procs),
};
