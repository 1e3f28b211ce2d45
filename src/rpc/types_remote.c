/* XDR descriptors of the REMOTE program's wire structs (field order and
 * bounds from libvirt's remote_protocol.x). */
#include "rpc/types_remote.h"

#include <stddef.h>

#include "rpc/wire.h"
#include "rpc/xdr_table.h"

TYPE(qd_t_int, qd_w_int, F(QD_XDR_INT, qd_w_int, v));
TYPE(qd_t_uint, qd_w_uint, F(QD_XDR_UINT, qd_w_uint, v));
TYPE(qd_t_uhyper, qd_w_uhyper, F(QD_XDR_UHYPER, qd_w_uhyper, v));
TYPE(qd_t_string, qd_w_string, F(QD_XDR_STRING, qd_w_string, s));
TYPE(qd_t_opt_string, qd_w_opt_string, F(QD_XDR_OPT_STRING, qd_w_opt_string, s));
TYPE(qd_t_flags, qd_w_flags, F(QD_XDR_UINT, qd_w_flags, flags));
TYPE(qd_t_string_flags, qd_w_string_flags,
     F(QD_XDR_STRING, qd_w_string_flags, s),
     F(QD_XDR_UINT, qd_w_string_flags, flags));
TYPE(qd_t_int_list, qd_w_int_list,
     FT(QD_XDR_ARRAY, qd_w_int_list, ids, QD_DOMAIN_LIST_MAX, &qd_t_int));
TYPE(qd_t_string_list, qd_w_string_list,
     FB(QD_XDR_STRING_ARRAY, qd_w_string_list, names, QD_DOMAIN_LIST_MAX));
TYPE(qd_t_uhyper_list, qd_w_uhyper_list,
     FT(QD_XDR_ARRAY, qd_w_uhyper_list, v, QD_NODE_MAX_CELLS, &qd_t_uhyper));
TYPE(qd_t_uuid, qd_w_uuid,
     FB(QD_XDR_OPAQUE_FIXED, qd_w_uuid, uuid, QD_UUID_LEN));
TYPE(qd_t_int_pair, qd_w_int_pair,
     F(QD_XDR_INT, qd_w_int_pair, a), F(QD_XDR_INT, qd_w_int_pair, b));
TYPE(qd_t_list_args, qd_w_list_args,
     F(QD_XDR_INT, qd_w_list_args, need_results),
     F(QD_XDR_UINT, qd_w_list_args, flags));
TYPE(qd_t_open_args, qd_w_open_args,
     F(QD_XDR_OPT_STRING, qd_w_open_args, name),
     F(QD_XDR_UINT, qd_w_open_args, flags));
TYPE(qd_t_auth_list, qd_w_auth_list,
     FT(QD_XDR_ARRAY, qd_w_auth_list, types, QD_AUTH_TYPE_LIST_MAX, &qd_t_int));
TYPE(qd_t_string_int, qd_w_string_int,
     F(QD_XDR_STRING, qd_w_string_int, s), F(QD_XDR_INT, qd_w_string_int, v));

/* remote_nonnull_domain */
TYPE(qd_t_dom_ref, qd_dom_ref,
     F(QD_XDR_STRING, qd_dom_ref, name),
     FB(QD_XDR_OPAQUE_FIXED, qd_dom_ref, uuid, QD_UUID_LEN),
     F(QD_XDR_INT, qd_dom_ref, id));
TYPE(qd_t_dom, qd_w_dom, FT(QD_XDR_STRUCT, qd_w_dom, dom, 0, &qd_t_dom_ref));
TYPE(qd_t_dom_flags, qd_w_dom_flags,
     FT(QD_XDR_STRUCT, qd_w_dom_flags, dom, 0, &qd_t_dom_ref),
     F(QD_XDR_UINT, qd_w_dom_flags, flags));
TYPE(qd_t_dom_int, qd_w_dom_int,
     FT(QD_XDR_STRUCT, qd_w_dom_int, dom, 0, &qd_t_dom_ref),
     F(QD_XDR_INT, qd_w_dom_int, v));
TYPE(qd_t_dom_uhyper, qd_w_dom_uhyper,
     FT(QD_XDR_STRUCT, qd_w_dom_uhyper, dom, 0, &qd_t_dom_ref),
     F(QD_XDR_UHYPER, qd_w_dom_uhyper, v));
TYPE(qd_t_dom_uhyper_flags, qd_w_dom_uhyper_flags,
     FT(QD_XDR_STRUCT, qd_w_dom_uhyper_flags, dom, 0, &qd_t_dom_ref),
     F(QD_XDR_UHYPER, qd_w_dom_uhyper_flags, v),
     F(QD_XDR_UINT, qd_w_dom_uhyper_flags, flags));
TYPE(qd_t_dom_uint_flags, qd_w_dom_uint_flags,
     FT(QD_XDR_STRUCT, qd_w_dom_uint_flags, dom, 0, &qd_t_dom_ref),
     F(QD_XDR_UINT, qd_w_dom_uint_flags, v),
     F(QD_XDR_UINT, qd_w_dom_uint_flags, flags));
TYPE(qd_t_dom_opt_string_flags, qd_w_dom_opt_string_flags,
     FT(QD_XDR_STRUCT, qd_w_dom_opt_string_flags, dom, 0, &qd_t_dom_ref),
     F(QD_XDR_OPT_STRING, qd_w_dom_opt_string_flags, s),
     F(QD_XDR_UINT, qd_w_dom_opt_string_flags, flags));
/* SET_VCPUS: {dom; unsigned nvcpus}, a prefix of the _FLAGS variant */
TYPE(qd_t_dom_uint, qd_w_dom_uint_flags,
     FT(QD_XDR_STRUCT, qd_w_dom_uint_flags, dom, 0, &qd_t_dom_ref),
     F(QD_XDR_UINT, qd_w_dom_uint_flags, v));
TYPE(qd_t_dom_int_flags, qd_w_dom_int_flags,
     FT(QD_XDR_STRUCT, qd_w_dom_int_flags, dom, 0, &qd_t_dom_ref),
     F(QD_XDR_INT, qd_w_dom_int_flags, v),
     F(QD_XDR_UINT, qd_w_dom_int_flags, flags));
TYPE(qd_t_dom_list, qd_w_dom_list,
     FT(QD_XDR_ARRAY, qd_w_dom_list, doms, QD_DOMAIN_LIST_MAX, &qd_t_dom_ref),
     F(QD_XDR_UINT, qd_w_dom_list, ret));
TYPE(qd_t_dom_info, qd_w_dom_info,
     F(QD_XDR_UINT, qd_w_dom_info, state),
     F(QD_XDR_UHYPER, qd_w_dom_info, max_mem),
     F(QD_XDR_UHYPER, qd_w_dom_info, memory),
     F(QD_XDR_UINT, qd_w_dom_info, nr_virt_cpu),
     F(QD_XDR_UHYPER, qd_w_dom_info, cpu_time));
TYPE(qd_t_node_info, qd_w_node_info,
     FB(QD_XDR_CHARS_FIXED, qd_w_node_info, model, 32),
     F(QD_XDR_UHYPER, qd_w_node_info, memory),
     F(QD_XDR_INT, qd_w_node_info, cpus), F(QD_XDR_INT, qd_w_node_info, mhz),
     F(QD_XDR_INT, qd_w_node_info, nodes),
     F(QD_XDR_INT, qd_w_node_info, sockets),
     F(QD_XDR_INT, qd_w_node_info, cores),
     F(QD_XDR_INT, qd_w_node_info, threads));
TYPE(qd_t_sec_model, qd_w_sec_model,
     FB(QD_XDR_CHARS, qd_w_sec_model, model, QD_SECURITY_MODEL_MAX),
     FB(QD_XDR_CHARS, qd_w_sec_model, doi, QD_SECURITY_DOI_MAX));
TYPE(qd_t_sec_label, qd_w_sec_label,
     FB(QD_XDR_CHARS, qd_w_sec_label, label, QD_SECURITY_LABEL_MAX),
     F(QD_XDR_INT, qd_w_sec_label, enforcing));
TYPE(qd_t_get_metadata_args, qd_w_get_metadata_args,
     FT(QD_XDR_STRUCT, qd_w_get_metadata_args, dom, 0, &qd_t_dom_ref),
     F(QD_XDR_INT, qd_w_get_metadata_args, type),
     F(QD_XDR_OPT_STRING, qd_w_get_metadata_args, uri),
     F(QD_XDR_UINT, qd_w_get_metadata_args, flags));
TYPE(qd_t_set_metadata_args, qd_w_set_metadata_args,
     FT(QD_XDR_STRUCT, qd_w_set_metadata_args, dom, 0, &qd_t_dom_ref),
     F(QD_XDR_INT, qd_w_set_metadata_args, type),
     F(QD_XDR_OPT_STRING, qd_w_set_metadata_args, metadata),
     F(QD_XDR_OPT_STRING, qd_w_set_metadata_args, key),
     F(QD_XDR_OPT_STRING, qd_w_set_metadata_args, uri),
     F(QD_XDR_UINT, qd_w_set_metadata_args, flags));
TYPE(qd_t_tparam, qd_tparam, { QD_XDR_TPARAM, 0, 0, NULL });
TYPE(qd_t_tparams, qd_w_tparams,
     FT(QD_XDR_ARRAY, qd_w_tparams, params, QD_DOMAIN_SCHEDULER_PARAMETERS_MAX,
        &qd_t_tparam));
TYPE(qd_t_tparams_int, qd_w_tparams_int,
     FT(QD_XDR_ARRAY, qd_w_tparams_int, params,
        QD_DOMAIN_SCHEDULER_PARAMETERS_MAX, &qd_t_tparam),
     F(QD_XDR_INT, qd_w_tparams_int, n));

/* remote_domain_stats_record */
struct stats_record { struct qd_dom_ref dom; struct qd_xdr_array params; };
STYPE(stats_record_t, stats_record,
     FT(QD_XDR_STRUCT, stats_record, dom, 0, &qd_t_dom_ref),
     FT(QD_XDR_ARRAY, stats_record, params, QD_DOMAIN_STATS_PARAMS_MAX,
        &qd_t_tparam));
TYPE(qd_t_stats_args, qd_w_stats_args,
     FT(QD_XDR_ARRAY, qd_w_stats_args, doms, QD_DOMAIN_LIST_MAX, &qd_t_dom_ref),
     F(QD_XDR_UINT, qd_w_stats_args, stats),
     F(QD_XDR_UINT, qd_w_stats_args, flags));
TYPE(qd_t_stats_ret, qd_w_stats_ret,
     FT(QD_XDR_ARRAY, qd_w_stats_ret, records, QD_DOMAIN_LIST_MAX,
        &stats_record_t));
/* remote_node_get_cpu_stats / _memory_stats: {field, unsigned hyper} */
STYPE(node_stat_t, qd_w_node_stat,
     F(QD_XDR_STRING, qd_w_node_stat, field),
     F(QD_XDR_UHYPER, qd_w_node_stat, value));
TYPE(qd_t_node_stats, qd_w_tparams_int,
     FT(QD_XDR_ARRAY, qd_w_tparams_int, params, QD_NODE_CPU_STATS_MAX,
        &node_stat_t),
     F(QD_XDR_INT, qd_w_tparams_int, n));
TYPE(qd_t_node_stats_args, qd_w_node_stats_args,
     F(QD_XDR_INT, qd_w_node_stats_args, num),
     F(QD_XDR_INT, qd_w_node_stats_args, nparams),
     F(QD_XDR_UINT, qd_w_node_stats_args, flags));

/* NODE_GET_MEMORY_STATS puts nparams before cellNum */
TYPE(qd_t_node_mem_stats_args, qd_w_node_stats_args,
     F(QD_XDR_INT, qd_w_node_stats_args, nparams),
     F(QD_XDR_INT, qd_w_node_stats_args, num),
     F(QD_XDR_UINT, qd_w_node_stats_args, flags));

/* vCPUs and pinning: remote_domain_get_vcpus_*, _get_vcpu_pin_info_*;
 * GET_EMULATOR_PIN_INFO's args are qd_t_dom_int_flags */
TYPE(qd_t_vcpus_args, qd_w_vcpus_args,
     FT(QD_XDR_STRUCT, qd_w_vcpus_args, dom, 0, &qd_t_dom_ref),
     F(QD_XDR_INT, qd_w_vcpus_args, maxinfo),
     F(QD_XDR_INT, qd_w_vcpus_args, maplen));
STYPE(vcpu_info_t, qd_vcpu_info,
     F(QD_XDR_UINT, qd_vcpu_info, number),
     F(QD_XDR_INT, qd_vcpu_info, state),
     F(QD_XDR_UHYPER, qd_vcpu_info, cpu_time),
     F(QD_XDR_INT, qd_vcpu_info, cpu));
TYPE(qd_t_vcpus_ret, qd_w_vcpus_ret,
     FT(QD_XDR_ARRAY, qd_w_vcpus_ret, info, QD_VCPUINFO_MAX, &vcpu_info_t),
     FB(QD_XDR_OPAQUE, qd_w_vcpus_ret, cpumaps, QD_CPUMAPS_MAX));
TYPE(qd_t_vcpu_pin_args, qd_w_vcpu_pin_args,
     FT(QD_XDR_STRUCT, qd_w_vcpu_pin_args, dom, 0, &qd_t_dom_ref),
     F(QD_XDR_INT, qd_w_vcpu_pin_args, ncpumaps),
     F(QD_XDR_INT, qd_w_vcpu_pin_args, maplen),
     F(QD_XDR_UINT, qd_w_vcpu_pin_args, flags));
TYPE(qd_t_cpumaps_int, qd_w_cpumaps_int,
     FB(QD_XDR_OPAQUE, qd_w_cpumaps_int, cpumaps, QD_CPUMAPS_MAX),
     F(QD_XDR_INT, qd_w_cpumaps_int, v));
/* remote_node_get_cpu_map_* */
TYPE(qd_t_cpu_map_args, qd_w_cpu_map_args,
     F(QD_XDR_INT, qd_w_cpu_map_args, need_map),
     F(QD_XDR_INT, qd_w_cpu_map_args, need_online),
     F(QD_XDR_UINT, qd_w_cpu_map_args, flags));
TYPE(qd_t_cpu_map_ret, qd_w_cpu_map_ret,
     FB(QD_XDR_OPAQUE, qd_w_cpu_map_ret, cpumap, QD_CPUMAP_MAX),
     F(QD_XDR_UINT, qd_w_cpu_map_ret, online),
     F(QD_XDR_INT, qd_w_cpu_map_ret, ret));

/* statistics: remote_domain_memory_stats_ret (args: qd_t_dom_uint_flags),
 * _block_stats_*, _block_stats_flags_*, _interface_stats_* */
STYPE(mem_stat_t, qd_mem_stat,
     F(QD_XDR_INT, qd_mem_stat, tag), F(QD_XDR_UHYPER, qd_mem_stat, val));
TYPE(qd_t_mem_stats, qd_w_mem_stats,
     FT(QD_XDR_ARRAY, qd_w_mem_stats, stats, QD_DOMAIN_MEMORY_STATS_MAX,
        &mem_stat_t));
TYPE(qd_t_dom_string, qd_w_dom_string,
     FT(QD_XDR_STRUCT, qd_w_dom_string, dom, 0, &qd_t_dom_ref),
     F(QD_XDR_STRING, qd_w_dom_string, s));
TYPE(qd_t_block_stats, qd_block_stats,
     F(QD_XDR_HYPER, qd_block_stats, rd_req),
     F(QD_XDR_HYPER, qd_block_stats, rd_bytes),
     F(QD_XDR_HYPER, qd_block_stats, wr_req),
     F(QD_XDR_HYPER, qd_block_stats, wr_bytes),
     F(QD_XDR_HYPER, qd_block_stats, errs));
TYPE(qd_t_block_stats_flags_args, qd_w_dom_string_int_flags,
     FT(QD_XDR_STRUCT, qd_w_dom_string_int_flags, dom, 0, &qd_t_dom_ref),
     F(QD_XDR_STRING, qd_w_dom_string_int_flags, s),
     F(QD_XDR_INT, qd_w_dom_string_int_flags, v),
     F(QD_XDR_UINT, qd_w_dom_string_int_flags, flags));
TYPE(qd_t_block_stats_flags_ret, qd_w_tparams_int,
     FT(QD_XDR_ARRAY, qd_w_tparams_int, params,
        QD_DOMAIN_BLOCK_STATS_PARAMETERS_MAX, &qd_t_tparam),
     F(QD_XDR_INT, qd_w_tparams_int, n));
TYPE(qd_t_iface_stats, qd_iface_stats,
     F(QD_XDR_HYPER, qd_iface_stats, rx_bytes),
     F(QD_XDR_HYPER, qd_iface_stats, rx_packets),
     F(QD_XDR_HYPER, qd_iface_stats, rx_errs),
     F(QD_XDR_HYPER, qd_iface_stats, rx_drop),
     F(QD_XDR_HYPER, qd_iface_stats, tx_bytes),
     F(QD_XDR_HYPER, qd_iface_stats, tx_packets),
     F(QD_XDR_HYPER, qd_iface_stats, tx_errs),
     F(QD_XDR_HYPER, qd_iface_stats, tx_drop));

/* remote_nonnull_network */
STYPE(net_ref_t, qd_net_ref,
     F(QD_XDR_STRING, qd_net_ref, name),
     FB(QD_XDR_OPAQUE_FIXED, qd_net_ref, uuid, QD_UUID_LEN));
TYPE(qd_t_net, qd_w_net, FT(QD_XDR_STRUCT, qd_w_net, net, 0, &net_ref_t));
TYPE(qd_t_net_flags, qd_w_net_flags,
     FT(QD_XDR_STRUCT, qd_w_net_flags, net, 0, &net_ref_t),
     F(QD_XDR_UINT, qd_w_net_flags, flags));
TYPE(qd_t_net_int, qd_w_net_int,
     FT(QD_XDR_STRUCT, qd_w_net_int, net, 0, &net_ref_t),
     F(QD_XDR_INT, qd_w_net_int, v));
TYPE(qd_t_net_list, qd_w_net_list,
     FT(QD_XDR_ARRAY, qd_w_net_list, nets, QD_NETWORK_LIST_MAX, &net_ref_t),
     F(QD_XDR_UINT, qd_w_net_list, ret));

/* remote_nonnull_storage_pool / _vol */
STYPE(pool_ref_t, qd_pool_ref,
     F(QD_XDR_STRING, qd_pool_ref, name),
     FB(QD_XDR_OPAQUE_FIXED, qd_pool_ref, uuid, QD_UUID_LEN));
STYPE(vol_ref_t, qd_vol_ref,
     F(QD_XDR_STRING, qd_vol_ref, pool), F(QD_XDR_STRING, qd_vol_ref, name),
     F(QD_XDR_STRING, qd_vol_ref, key));
TYPE(qd_t_pool, qd_w_pool, FT(QD_XDR_STRUCT, qd_w_pool, pool, 0, &pool_ref_t));
TYPE(qd_t_pool_flags, qd_w_pool_flags,
     FT(QD_XDR_STRUCT, qd_w_pool_flags, pool, 0, &pool_ref_t),
     F(QD_XDR_UINT, qd_w_pool_flags, flags));
TYPE(qd_t_pool_int, qd_w_pool_int,
     FT(QD_XDR_STRUCT, qd_w_pool_int, pool, 0, &pool_ref_t),
     F(QD_XDR_INT, qd_w_pool_int, v));
TYPE(qd_t_pool_string, qd_w_pool_string,
     FT(QD_XDR_STRUCT, qd_w_pool_string, pool, 0, &pool_ref_t),
     F(QD_XDR_STRING, qd_w_pool_string, s));
TYPE(qd_t_pool_string_flags, qd_w_pool_string_flags,
     FT(QD_XDR_STRUCT, qd_w_pool_string_flags, pool, 0, &pool_ref_t),
     F(QD_XDR_STRING, qd_w_pool_string_flags, s),
     F(QD_XDR_UINT, qd_w_pool_string_flags, flags));
TYPE(qd_t_pool_list, qd_w_pool_list,
     FT(QD_XDR_ARRAY, qd_w_pool_list, pools, QD_POOL_LIST_MAX, &pool_ref_t),
     F(QD_XDR_UINT, qd_w_pool_list, ret));
TYPE(qd_t_pool_list_args, qd_w_pool_list_args,
     FT(QD_XDR_STRUCT, qd_w_pool_list_args, pool, 0, &pool_ref_t),
     F(QD_XDR_INT, qd_w_pool_list_args, need_results),
     F(QD_XDR_UINT, qd_w_pool_list_args, flags));
TYPE(qd_t_pool_info, qd_w_pool_info,
     F(QD_XDR_UINT, qd_w_pool_info, state),
     F(QD_XDR_UHYPER, qd_w_pool_info, capacity),
     F(QD_XDR_UHYPER, qd_w_pool_info, allocation),
     F(QD_XDR_UHYPER, qd_w_pool_info, available));
TYPE(qd_t_vol, qd_w_vol, FT(QD_XDR_STRUCT, qd_w_vol, vol, 0, &vol_ref_t));
TYPE(qd_t_vol_flags, qd_w_vol_flags,
     FT(QD_XDR_STRUCT, qd_w_vol_flags, vol, 0, &vol_ref_t),
     F(QD_XDR_UINT, qd_w_vol_flags, flags));
TYPE(qd_t_vol_list, qd_w_vol_list,
     FT(QD_XDR_ARRAY, qd_w_vol_list, vols, QD_VOL_LIST_MAX, &vol_ref_t),
     F(QD_XDR_UINT, qd_w_vol_list, ret));
TYPE(qd_t_vol_info, qd_w_vol_info,
     F(QD_XDR_INT, qd_w_vol_info, type),
     F(QD_XDR_UHYPER, qd_w_vol_info, capacity),
     F(QD_XDR_UHYPER, qd_w_vol_info, allocation));

/* remote_nonnull_interface / _node_device */
STYPE(iface_ref_t, qd_iface_ref,
     F(QD_XDR_STRING, qd_iface_ref, name), F(QD_XDR_STRING, qd_iface_ref, mac));
TYPE(qd_t_iface, qd_w_iface,
     FT(QD_XDR_STRUCT, qd_w_iface, iface, 0, &iface_ref_t));
TYPE(qd_t_iface_flags, qd_w_iface_flags,
     FT(QD_XDR_STRUCT, qd_w_iface_flags, iface, 0, &iface_ref_t),
     F(QD_XDR_UINT, qd_w_iface_flags, flags));
TYPE(qd_t_iface_list, qd_w_iface_list,
     FT(QD_XDR_ARRAY, qd_w_iface_list, ifaces, QD_INTERFACE_LIST_MAX,
        &iface_ref_t),
     F(QD_XDR_UINT, qd_w_iface_list, ret));
STYPE(nodedev_ref_t, qd_nodedev_ref, F(QD_XDR_STRING, qd_nodedev_ref, name));
TYPE(qd_t_nodedev_list, qd_w_nodedev_list,
     FT(QD_XDR_ARRAY, qd_w_nodedev_list, devs, QD_NODE_DEVICE_LIST_MAX,
        &nodedev_ref_t),
     F(QD_XDR_UINT, qd_w_nodedev_list, ret));
TYPE(qd_t_string_maxnames, qd_w_string_maxnames,
     F(QD_XDR_STRING, qd_w_string_maxnames, s),
     F(QD_XDR_INT, qd_w_string_maxnames, max));
TYPE(qd_t_domcaps_args, qd_w_domcaps_args,
     F(QD_XDR_OPT_STRING, qd_w_domcaps_args, emulatorbin),
     F(QD_XDR_OPT_STRING, qd_w_domcaps_args, arch),
     F(QD_XDR_OPT_STRING, qd_w_domcaps_args, machine),
     F(QD_XDR_OPT_STRING, qd_w_domcaps_args, virttype),
     F(QD_XDR_UINT, qd_w_domcaps_args, flags));
