/* Wire structs of the REMOTE program and their XDR descriptors. The
 * structs are shapes shared by many procedures (libvirt's
 * remote_protocol.x names are in the comments). */
#ifndef QD_RPC_TYPES_REMOTE_H
#define QD_RPC_TYPES_REMOTE_H

#include "drivers/driver.h"
#include "rpc/xdr.h"

/* scalars and strings */
struct qd_w_int { int32_t v; };
struct qd_w_uint { uint32_t v; };
struct qd_w_uhyper { uint64_t v; };
struct qd_w_string { char *s; };
struct qd_w_opt_string { char *s; };
struct qd_w_flags { uint32_t flags; };
struct qd_w_string_flags { char *s; uint32_t flags; };
struct qd_w_int_list { struct qd_xdr_array ids; };          /* int ids<> */
struct qd_w_string_list { struct qd_xdr_array names; };     /* string<> */
struct qd_w_uhyper_list { struct qd_xdr_array v; };
struct qd_w_uuid { unsigned char uuid[QD_UUID_LEN]; };
struct qd_w_int_pair { int32_t a; int32_t b; };
struct qd_w_list_args { int32_t need_results; uint32_t flags; };
struct qd_w_open_args { char *name; uint32_t flags; };       /* opt name */
struct qd_w_auth_list { struct qd_xdr_array types; };
struct qd_w_string_int { char *s; int32_t v; };

/* domains */
struct qd_w_dom { struct qd_dom_ref dom; };
struct qd_w_dom_flags { struct qd_dom_ref dom; uint32_t flags; };
struct qd_w_dom_int { struct qd_dom_ref dom; int32_t v; };
struct qd_w_dom_uhyper { struct qd_dom_ref dom; uint64_t v; };
struct qd_w_dom_uhyper_flags { struct qd_dom_ref dom; uint64_t v; uint32_t flags; };
struct qd_w_dom_uint_flags { struct qd_dom_ref dom; uint32_t v; uint32_t flags; };
/* remote_domain_open_console_args: dom, remote_string dev_name, flags */
struct qd_w_dom_opt_string_flags { struct qd_dom_ref dom; char *s; uint32_t flags; };
struct qd_w_pool_list_args { struct qd_pool_ref pool; int32_t need_results; uint32_t flags; };
struct qd_w_dom_int_flags { struct qd_dom_ref dom; int32_t v; uint32_t flags; };
struct qd_w_dom_list { struct qd_xdr_array doms; uint32_t ret; };
struct qd_w_dom_info {           /* remote_domain_get_info_ret */
    uint32_t state;
    uint64_t max_mem;
    uint64_t memory;
    uint32_t nr_virt_cpu;
    uint64_t cpu_time;
};
struct qd_w_node_info {          /* remote_node_get_info_ret */
    char model[32];
    uint64_t memory;
    int32_t cpus, mhz, nodes, sockets, cores, threads;
};
struct qd_w_sec_model { struct qd_xdr_bytes model; struct qd_xdr_bytes doi; };
struct qd_w_sec_label { struct qd_xdr_bytes label; int32_t enforcing; };
struct qd_w_get_metadata_args {
    struct qd_dom_ref dom; int32_t type; char *uri; uint32_t flags;
};
struct qd_w_set_metadata_args {
    struct qd_dom_ref dom; int32_t type; char *metadata; char *key;
    char *uri; uint32_t flags;
};
struct qd_w_tparams { struct qd_xdr_array params; };
struct qd_w_tparams_int { struct qd_xdr_array params; int32_t n; };
struct qd_w_stats_args { struct qd_xdr_array doms; uint32_t stats; uint32_t flags; };
struct qd_w_stats_ret { struct qd_xdr_array records; };
struct qd_w_node_stat { char *field; uint64_t value; };
struct qd_w_node_stats_args { int32_t num; int32_t nparams; uint32_t flags; };

/* vCPUs, pinning, statistics */
struct qd_w_vcpus_args { struct qd_dom_ref dom; int32_t maxinfo; int32_t maplen; };
struct qd_w_vcpus_ret { struct qd_xdr_array info; struct qd_xdr_bytes cpumaps; };
struct qd_w_vcpu_pin_args {
    struct qd_dom_ref dom; int32_t ncpumaps; int32_t maplen; uint32_t flags;
};
struct qd_w_cpumaps_int { struct qd_xdr_bytes cpumaps; int32_t v; };
struct qd_w_cpu_map_args { int32_t need_map; int32_t need_online; uint32_t flags; };
struct qd_w_cpu_map_ret { struct qd_xdr_bytes cpumap; uint32_t online; int32_t ret; };
struct qd_w_mem_stats { struct qd_xdr_array stats; };
struct qd_w_dom_string { struct qd_dom_ref dom; char *s; };
struct qd_w_dom_string_int_flags {
    struct qd_dom_ref dom; char *s; int32_t v; uint32_t flags;
};

/* networks */
struct qd_w_net { struct qd_net_ref net; };
struct qd_w_net_flags { struct qd_net_ref net; uint32_t flags; };
struct qd_w_net_int { struct qd_net_ref net; int32_t v; };
struct qd_w_net_list { struct qd_xdr_array nets; uint32_t ret; };

/* storage */
struct qd_w_pool { struct qd_pool_ref pool; };
struct qd_w_pool_flags { struct qd_pool_ref pool; uint32_t flags; };
struct qd_w_pool_int { struct qd_pool_ref pool; int32_t v; };
struct qd_w_pool_string { struct qd_pool_ref pool; char *s; };
struct qd_w_pool_string_flags { struct qd_pool_ref pool; char *s; uint32_t flags; };
struct qd_w_pool_list { struct qd_xdr_array pools; uint32_t ret; };
struct qd_w_pool_info { uint32_t state; uint64_t capacity, allocation, available; };
struct qd_w_vol { struct qd_vol_ref vol; };
struct qd_w_vol_flags { struct qd_vol_ref vol; uint32_t flags; };
struct qd_w_vol_list { struct qd_xdr_array vols; uint32_t ret; };
struct qd_w_vol_info { int32_t type; uint64_t capacity, allocation; };

/* interfaces, node devices */
struct qd_w_iface { struct qd_iface_ref iface; };
struct qd_w_iface_flags { struct qd_iface_ref iface; uint32_t flags; };
struct qd_w_iface_list { struct qd_xdr_array ifaces; uint32_t ret; };
struct qd_w_nodedev_list { struct qd_xdr_array devs; uint32_t ret; };
struct qd_w_string_maxnames { char *s; int32_t max; };
/* remote_connect_get_domain_capabilities_args */
struct qd_w_domcaps_args {
    char *emulatorbin, *arch, *machine, *virttype;      /* all optional */
    uint32_t flags;
};

extern const struct qd_xdr_type qd_t_int, qd_t_uint, qd_t_uhyper, qd_t_string,
    qd_t_opt_string, qd_t_flags, qd_t_string_flags, qd_t_int_list,
    qd_t_string_list, qd_t_uhyper_list, qd_t_uuid, qd_t_int_pair,
    qd_t_list_args, qd_t_open_args, qd_t_auth_list, qd_t_string_int,
    qd_t_dom_ref, qd_t_dom, qd_t_dom_flags, qd_t_dom_int, qd_t_dom_uhyper,
    qd_t_dom_uhyper_flags, qd_t_dom_uint_flags, qd_t_dom_uint, qd_t_pool_list_args, qd_t_dom_int_flags,
    qd_t_dom_list, qd_t_dom_info, qd_t_node_info, qd_t_sec_model,
    qd_t_sec_label, qd_t_get_metadata_args, qd_t_set_metadata_args,
    qd_t_tparam, qd_t_tparams, qd_t_tparams_int, qd_t_stats_args,
    qd_t_stats_ret, qd_t_node_stats, qd_t_node_stats_args,
    qd_t_node_mem_stats_args,
    qd_t_net, qd_t_net_flags, qd_t_net_int, qd_t_net_list,
    qd_t_pool, qd_t_pool_flags, qd_t_pool_int, qd_t_pool_string,
    qd_t_pool_string_flags, qd_t_pool_list, qd_t_pool_info, qd_t_vol,
    qd_t_vol_flags, qd_t_vol_list, qd_t_vol_info, qd_t_iface,
    qd_t_iface_flags, qd_t_iface_list, qd_t_nodedev_list,
    qd_t_string_maxnames, qd_t_dom_opt_string_flags, qd_t_domcaps_args,
    qd_t_vcpus_args, qd_t_vcpus_ret, qd_t_vcpu_pin_args, qd_t_cpumaps_int,
    qd_t_mem_stats, qd_t_dom_string, qd_t_block_stats,
    qd_t_block_stats_flags_args, qd_t_block_stats_flags_ret,
    qd_t_iface_stats, qd_t_cpu_map_args, qd_t_cpu_map_ret;

#endif
