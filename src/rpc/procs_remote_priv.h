/* Shared by the REMOTE program's handler files (procs_remote*.c). */
#ifndef QD_RPC_PROCS_REMOTE_PRIV_H
#define QD_RPC_PROCS_REMOTE_PRIV_H

#include "drivers/driver.h"
#include "rpc/dispatch.h"
#include "rpc/types_remote.h"

#define VIR_CONNECT_RO 1
#define VIR_DOMAIN_XML_SECURE 1
#define VIR_DOMAIN_XML_MIGRATABLE 8
#define VIR_DOMAIN_VCPU_GUEST 8

/* Every CONNECT_LIST_ALL_* ret: { handles<>; unsigned ret; } */
struct any_list { struct qd_xdr_array items; uint32_t ret; };

/* The driver operation stored at @call->proc->slot, or NULL. */
void *qd_procs_slot_fn(const struct qd_call *call);
/* libvirt's "this function is not supported by the connection driver". */
int qd_procs_unsupported(const struct qd_call *call, struct qd_err *err);

/* Declares @var as the row's driver op, or answers "not supported". */
#define GET_SLOT(type, var)                             \
    type var = (type) qd_procs_slot_fn(call);           \
    if (!var)                                           \
        return qd_procs_unsupported(call, err)

/* Calls a driver op that is not a table slot of this row. */
#define DRV_OP(op)                                      \
    if (!call->conn->drv->op)                           \
        return qd_procs_unsupported(call, err);         \
    else

/* The handlers the table names that live outside procs_remote.c. */
#define H(name) int name(struct qd_call *call, const void *a, void *r, \
                         struct qd_err *err)
H(h_obj_flags_string);
H(h_dom_flags_int);
H(h_connect_open);
H(h_connect_close);
H(h_auth_list);
H(h_auth_sasl_init);
H(h_auth_sasl_start);
H(h_auth_sasl_step);

extern const struct qd_xdr_type qd_t_sasl_init_ret, qd_t_sasl_start_args,
    qd_t_sasl_step_args, qd_t_sasl_step_ret;
H(h_supports_feature);
H(h_register_close_cb);
H(h_get_type);
H(h_get_uri);
H(h_is_secure);
H(h_lib_version);
H(h_u64);
H(h_string);
H(h_flags_string);
H(h_get_max_vcpus);
H(h_get_domain_capabilities);
H(h_node_get_info);
H(h_node_cells_free);
H(h_node_stats);
H(h_node_security_model);
H(h_num_of_domains);
H(h_list_domains);
H(h_list_defined_domains);
H(h_lookup_by_id);
H(h_domain_create_flags);
H(h_domain_create);
H(h_domain_get_info);
H(h_domain_get_state);
H(h_domain_get_xml);
H(h_domain_get_vcpus_flags);
H(h_domain_set_memory);
H(h_domain_get_max_memory);
H(h_domain_set_vcpus);
H(h_domain_set_autostart);
H(h_domain_sched_type);
H(h_domain_sched_params);
H(h_domain_security_label);
H(h_domain_get_messages);
H(h_domain_get_metadata);
H(h_domain_set_metadata);
H(h_all_domain_stats);
H(h_node_get_cpu_map);
H(h_domain_get_vcpus);
H(h_domain_pin_info);
H(h_domain_memory_stats);
H(h_domain_block_stats);
H(h_domain_block_stats_flags);
H(h_domain_interface_stats);
H(h_domain_open_console);
H(h_domain_screenshot);
H(h_no_secret_driver);
H(h_vol_lookup_by_name);
H(h_vol_create_xml);
H(h_pool_get_info);
H(h_pool_list_volumes);
H(h_vol_get_info);
H(h_nodedev_get_parent);
H(h_nodedev_caps);
#undef H

#endif
