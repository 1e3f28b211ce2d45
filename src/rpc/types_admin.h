/* Wire structs of the ADMIN program and their XDR descriptors (field
 * order and bounds from libvirt's src/admin/admin_protocol.x; its names
 * are in the comments). Servers travel as their name, clients as
 * admin_nonnull_client. */
#ifndef QD_RPC_TYPES_ADMIN_H
#define QD_RPC_TYPES_ADMIN_H

#include <stdint.h>

#include "rpc/xdr.h"

#define QD_ADMIN_SERVER_LIST_MAX 16384u
#define QD_ADMIN_THREADPOOL_PARAMETERS_MAX 32u
#define QD_ADMIN_CLIENT_LIST_MAX 16384u
#define QD_ADMIN_CLIENT_INFO_PARAMETERS_MAX 64u
#define QD_ADMIN_CLIENT_LIMITS_MAX 32u

/* admin_nonnull_client */
struct qd_wa_client {
    char *srv;                  /* admin_nonnull_server: its name */
    uint64_t id;
    int64_t timestamp;          /* connection time, seconds since the epoch */
    uint32_t transport;         /* virClientTransport: 0 unix, 1 tcp, 2 tls */
};

/* admin_connect_list_servers_args, admin_server_list_clients_args (with
 * @srv) */
struct qd_wa_list_args { char *srv; uint32_t need_results; uint32_t flags; };
/* admin_connect_list_servers_ret: servers<> (names), ret */
struct qd_wa_servers { struct qd_xdr_array names; uint32_t ret; };
/* admin_server_list_clients_ret */
struct qd_wa_clients { struct qd_xdr_array clients; uint32_t ret; };
/* admin_server_lookup_client_args */
struct qd_wa_lookup_client_args { char *srv; uint64_t id; uint32_t flags; };
/* admin_client_get_info_args, admin_client_close_args */
struct qd_wa_client_flags { struct qd_wa_client clnt; uint32_t flags; };
/* admin_server_set_threadpool_parameters_args, _set_client_limits_args */
struct qd_wa_set_params {
    char *srv;
    struct qd_xdr_array params;
    uint32_t flags;
};
/* ..._get_threadpool_parameters_ret, _get_client_limits_ret,
 * admin_client_get_info_ret */
struct qd_wa_params { struct qd_xdr_array params; };
/* admin_connect_get_logging_outputs_ret / _filters_ret */
struct qd_wa_log_get { char *s; uint32_t n; };
/* admin_connect_set_logging_outputs_args / _filters_args */
struct qd_wa_log_set { char *s; uint32_t flags; };
/* admin_connect_set_daemon_timeout_args */
struct qd_wa_timeout { uint32_t timeout; uint32_t flags; };

extern const struct qd_xdr_type qd_ta_client, qd_ta_list_servers_args,
    qd_ta_list_clients_args, qd_ta_servers, qd_ta_clients,
    qd_ta_lookup_client_args, qd_ta_client_flags, qd_ta_set_threadpool,
    qd_ta_set_limits, qd_ta_threadpool, qd_ta_client_info, qd_ta_limits,
    qd_ta_log_outputs, qd_ta_log_filters, qd_ta_log_set, qd_ta_timeout;

#endif
