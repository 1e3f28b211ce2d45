/* XDR descriptors of the ADMIN program's wire structs. */
#include "rpc/types_admin.h"

#include <stddef.h>

#include "rpc/types_remote.h"
#include "rpc/xdr_table.h"

TYPE(qd_ta_client, qd_wa_client,
     F(QD_XDR_STRING, qd_wa_client, srv),
     F(QD_XDR_UHYPER, qd_wa_client, id),
     F(QD_XDR_HYPER, qd_wa_client, timestamp),
     F(QD_XDR_UINT, qd_wa_client, transport));

/* the list-servers args are the list-clients args without the server */
TYPE(qd_ta_list_servers_args, qd_wa_list_args,
     F(QD_XDR_UINT, qd_wa_list_args, need_results),
     F(QD_XDR_UINT, qd_wa_list_args, flags));
TYPE(qd_ta_list_clients_args, qd_wa_list_args,
     F(QD_XDR_STRING, qd_wa_list_args, srv),
     F(QD_XDR_UINT, qd_wa_list_args, need_results),
     F(QD_XDR_UINT, qd_wa_list_args, flags));
TYPE(qd_ta_servers, qd_wa_servers,
     FT(QD_XDR_STRING_ARRAY, qd_wa_servers, names, QD_ADMIN_SERVER_LIST_MAX,
        NULL),
     F(QD_XDR_UINT, qd_wa_servers, ret));
TYPE(qd_ta_clients, qd_wa_clients,
     FT(QD_XDR_ARRAY, qd_wa_clients, clients, QD_ADMIN_CLIENT_LIST_MAX,
        &qd_ta_client),
     F(QD_XDR_UINT, qd_wa_clients, ret));
TYPE(qd_ta_lookup_client_args, qd_wa_lookup_client_args,
     F(QD_XDR_STRING, qd_wa_lookup_client_args, srv),
     F(QD_XDR_UHYPER, qd_wa_lookup_client_args, id),
     F(QD_XDR_UINT, qd_wa_lookup_client_args, flags));
TYPE(qd_ta_client_flags, qd_wa_client_flags,
     FT(QD_XDR_STRUCT, qd_wa_client_flags, clnt, 0, &qd_ta_client),
     F(QD_XDR_UINT, qd_wa_client_flags, flags));

TYPE(qd_ta_set_threadpool, qd_wa_set_params,
     F(QD_XDR_STRING, qd_wa_set_params, srv),
     FT(QD_XDR_ARRAY, qd_wa_set_params, params,
        QD_ADMIN_THREADPOOL_PARAMETERS_MAX, &qd_t_tparam),
     F(QD_XDR_UINT, qd_wa_set_params, flags));
TYPE(qd_ta_set_limits, qd_wa_set_params,
     F(QD_XDR_STRING, qd_wa_set_params, srv),
     FT(QD_XDR_ARRAY, qd_wa_set_params, params, QD_ADMIN_CLIENT_LIMITS_MAX,
        &qd_t_tparam),
     F(QD_XDR_UINT, qd_wa_set_params, flags));
TYPE(qd_ta_threadpool, qd_wa_params,
     FT(QD_XDR_ARRAY, qd_wa_params, params,
        QD_ADMIN_THREADPOOL_PARAMETERS_MAX, &qd_t_tparam));
TYPE(qd_ta_client_info, qd_wa_params,
     FT(QD_XDR_ARRAY, qd_wa_params, params,
        QD_ADMIN_CLIENT_INFO_PARAMETERS_MAX, &qd_t_tparam));
TYPE(qd_ta_limits, qd_wa_params,
     FT(QD_XDR_ARRAY, qd_wa_params, params, QD_ADMIN_CLIENT_LIMITS_MAX,
        &qd_t_tparam));

TYPE(qd_ta_log_outputs, qd_wa_log_get,
     F(QD_XDR_STRING, qd_wa_log_get, s),
     F(QD_XDR_UINT, qd_wa_log_get, n));
TYPE(qd_ta_log_filters, qd_wa_log_get,
     F(QD_XDR_OPT_STRING, qd_wa_log_get, s),
     F(QD_XDR_UINT, qd_wa_log_get, n));
TYPE(qd_ta_log_set, qd_wa_log_set,
     F(QD_XDR_OPT_STRING, qd_wa_log_set, s),
     F(QD_XDR_UINT, qd_wa_log_set, flags));
TYPE(qd_ta_timeout, qd_wa_timeout,
     F(QD_XDR_UINT, qd_wa_timeout, timeout),
     F(QD_XDR_UINT, qd_wa_timeout, flags));
