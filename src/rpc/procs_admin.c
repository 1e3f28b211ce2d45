/* THE table of the ADMIN program (libvirt's admin_protocol.x), served on
 * the admin socket only, and its handlers.
 *
 * The program manages the daemon itself: its two named servers ("libvirtd"
 * and "admin", see rpc/server.h), their worker pools and clients, and the
 * logging set-up. Errors follow libvirtd 9.0 call by call: which check
 * comes first, the error domain (RPC for what virnetserver.c and
 * virnetdaemon.c report, ADMIN for admin_server*.c, NONE for the typed
 * parameter, thread pool and logging code) and the text. */
#define QD_LOG_MODULE "rpc.admin"

#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drivers/driver.h"
#include "rpc/client.h"
#include "rpc/dispatch.h"
#include "rpc/server.h"
#include "rpc/types_admin.h"
#include "rpc/types_remote.h"
#include "rpc/wire.h"
#include "util/err.h"
#include "util/log.h"
#include "util/mem.h"

/* virterror.h values not in util/err.h */
#define ADM_ERR_SYSTEM_ERROR 38

#define ADM_LIB_VERSION 9000000ull        /* libvirt-compat: libvirtd 9.0.0 */
#define ADM_TPARAM_FIELD_LENGTH 80        /* VIR_TYPED_PARAM_FIELD_LENGTH */
#define ADM_TRANSPORT_UNIX 0              /* VIR_CLIENT_TRANS_UNIX */
#define ADM_TRANSPORT_TCP 1               /* VIR_CLIENT_TRANS_TCP */
#define ADM_TRANSPORT_TLS 2               /* VIR_CLIENT_TRANS_TLS */

/* ---- helpers ----------------------------------------------------------- */

/* virCheckFlags in an admin_server*.c function: nothing is supported.
 * (virReportInvalidArg: the text has no "invalid argument: " prefix.) */
static int
check_flags(uint32_t flags, const char *func, struct qd_err *err)
{
    if (flags == 0)
        return 0;
    return qd_err_set(err, QD_ERR_INVALID_ARG, QD_FROM_ADMIN,
                      "unsupported flags (0x%x) in function %s", flags, func);
}

/* The server lookup of the generated handlers (virNetDaemonGetServer). */
static struct qd_netsrv *
get_server(const struct qd_call *call, const char *name, struct qd_err *err)
{
    struct qd_netsrv *ns = qd_server_find_netsrv(call->client->srv, name);

    if (!ns)
        qd_err_report(err, QD_ERR_NO_SERVER, QD_FROM_RPC,
                      "No server named '%s'", name);
    return ns;
}

/* The server lookup of the hand-written handlers, which report again. */
static struct qd_netsrv *
get_server_adm(const struct qd_call *call, const char *name,
               struct qd_err *err)
{
    struct qd_netsrv *ns = qd_server_find_netsrv(call->client->srv, name);

    if (!ns)
        qd_err_report(err, QD_ERR_NO_SERVER, QD_FROM_ADMIN,
                      "no server with matching name '%s' found", name);
    return ns;
}

/* What a handler needs of a client, copied under the locks. */
struct client_snap {
    uint64_t id;
    int64_t timestamp;
    uid_t uid;
    gid_t gid;
    pid_t pid;
    bool readonly;
    bool tcp;
    int transport;
    /* copied only for client info (snap_ids): free with snap_clear */
    char *addr, *sasl_user, *tls_dn;
};

static void
snap_locked(struct qd_client *c, struct client_snap *ret)
{
    *ret = (struct client_snap) {
        .id = c->id, .timestamp = c->connected_at,
        .uid = c->uid, .gid = c->gid, .pid = c->pid, .tcp = c->tcp,
        .transport = !c->tcp ? ADM_TRANSPORT_UNIX :
                     c->tls ? ADM_TRANSPORT_TLS : ADM_TRANSPORT_TCP,
    };
    pthread_mutex_lock(&c->lock);
    ret->readonly = c->readonly;
    pthread_mutex_unlock(&c->lock);
}

/* Also copy the client's address and authenticated identities. */
static void
snap_ids_locked(struct qd_client *c, struct client_snap *ret)
{
    ret->addr = c->addr_uri ? qd_strdup(c->addr_uri) : NULL;
    pthread_mutex_lock(&c->lock);
    ret->sasl_user = c->sasl_user ? qd_strdup(c->sasl_user) : NULL;
    ret->tls_dn = c->tls_dn ? qd_strdup(c->tls_dn) : NULL;
    pthread_mutex_unlock(&c->lock);
}

static void
snap_clear(struct client_snap *s)
{
    free(s->addr);
    free(s->sasl_user);
    free(s->tls_dn);
}

/* Finds client @id of @ns. Returns false if it is not (or no longer)
 * there. Clients over the limit, only waiting to be told so, are not the
 * server's clients. */
static bool
find_client(struct qd_netsrv *ns, uint64_t id, struct client_snap *ret,
            bool with_ids)
{
    struct qd_client *c;
    bool found = false;

    pthread_mutex_lock(&ns->srv->lock);
    for (c = ns->clients; c && !found; c = c->next) {
        if (!c->reject && c->id == id) {
            snap_locked(c, ret);
            if (with_ids)
                snap_ids_locked(c, ret);
            found = true;
        }
    }
    pthread_mutex_unlock(&ns->srv->lock);
    return found;
}

static void
fill_client(struct qd_wa_client *w, const struct qd_netsrv *ns,
            const struct client_snap *s)
{
    w->srv = qd_strdup(ns->name);
    w->id = s->id;
    w->timestamp = s->timestamp;
    w->transport = s->transport;
}

/* virTypedParamsDeserialize's own check: field names fit libvirt's
 * fixed-size field. */
static int
check_param_names(const struct qd_xdr_array *a, struct qd_err *err)
{
    const struct qd_tparam *p = a->items;
    uint32_t i;

    for (i = 0; i < a->n; i++)
        if (strlen(p[i].field) >= ADM_TPARAM_FIELD_LENGTH)
            return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_NONE,
                                 "parameter %s too big for destination",
                                 p[i].field);
    return 0;
}

static const char *
tparam_type_name(int type)
{
    static const char *const names[] = {
        "unknown", "int", "uint", "llong", "ullong", "double", "boolean",
        "string",
    };

    return type > 0 && (size_t) type < QD_ARRAY_SIZE(names) ? names[type]
                                                             : names[0];
}

static int
cmp_tparam_name(const void *a, const void *b)
{
    return strcmp((*(const struct qd_tparam *const *) a)->field,
                  (*(const struct qd_tparam *const *) b)->field);
}

/* virTypedParamsValidate with @keys (sorted by name, all of type UINT):
 * walks the parameters and the keys in name order, so the first problem
 * in that order is the one reported, as in libvirt. */
static int
validate_uint_params(const struct qd_xdr_array *a, const char *const *keys,
                     size_t nkeys, struct qd_err *err)
{
    const struct qd_tparam *params = a->items;
    _cleanup_free_ const struct qd_tparam **sorted = NULL;
    const char *last = NULL;
    size_t i = 0, j = 0;

    sorted = qd_calloc(a->n ? a->n : 1, sizeof(*sorted));
    for (i = 0; i < a->n; i++)
        sorted[i] = &params[i];
    qsort(sorted, a->n, sizeof(*sorted), cmp_tparam_name);
    for (i = 0; i < a->n && j < nkeys;) {
        if (strcmp(sorted[i]->field, keys[j]) != 0) {
            j++;
            continue;
        }
        if (last && strcmp(last, sorted[i]->field) == 0)
            return qd_err_report(err, QD_ERR_INVALID_ARG, QD_FROM_NONE,
                                 "parameter '%s' occurs multiple times",
                                 sorted[i]->field);
        if (sorted[i]->type != QD_TP_UINT)
            return qd_err_report(err, QD_ERR_INVALID_ARG, QD_FROM_NONE,
                                 "invalid type '%s' for parameter '%s', "
                                 "expected '%s'",
                                 tparam_type_name(sorted[i]->type),
                                 sorted[i]->field,
                                 tparam_type_name(QD_TP_UINT));
        last = sorted[i]->field;
        i++;
    }
    if (j == nkeys && i != a->n)
        return qd_err_report(err, QD_ERR_ARGUMENT_UNSUPPORTED, QD_FROM_NONE,
                             "parameter '%s' not supported",
                             sorted[i]->field);
    return 0;
}

/* virTypedParamsGet for a validated UINT: the first of that name, or -1
 * when absent. */
static long long
param_uint(const struct qd_xdr_array *a, const char *name)
{
    const struct qd_tparam *p = a->items;
    uint32_t i;

    for (i = 0; i < a->n; i++)
        if (strcmp(p[i].field, name) == 0)
            return p[i].v.ui;
    return -1;
}

static void
steal_params(struct qd_wa_params *ret, struct qd_tparams *tp)
{
    ret->params.n = tp->n;
    ret->params.items = tp->items;
    tp->n = 0;
    tp->items = NULL;
}

/* ---- connection -------------------------------------------------------- */

static int
h_open(struct qd_call *call, const void *a, void *r, struct qd_err *err)
{
    const struct qd_w_flags *args = a;

    return check_flags(args->flags, "adminDispatchConnectOpen", err);
}

static int
h_close(struct qd_call *call, const void *a, void *r, struct qd_err *err)
{
    struct qd_client *c = call->client;

    /* the socket closes once this reply has gone out */
    pthread_mutex_lock(&c->lock);
    c->close_after_tx = true;
    pthread_mutex_unlock(&c->lock);
    return 0;
}

static int
h_lib_version(struct qd_call *call, const void *a, void *r,
              struct qd_err *err)
{
    struct qd_w_uhyper *ret = r;

    ret->v = ADM_LIB_VERSION;
    return 0;
}

/* ---- servers ----------------------------------------------------------- */

static int
h_list_servers(struct qd_call *call, const void *a, void *r,
               struct qd_err *err)
{
    const struct qd_wa_list_args *args = a;
    struct qd_wa_servers *ret = r;
    struct qd_server *srv = call->client->srv;
    char **names;
    size_t i;

    if (check_flags(args->flags, "adminConnectListServers", err) < 0)
        return -1;
    if (args->need_results) {
        names = qd_calloc(QD_NETSRV_COUNT, sizeof(*names));
        for (i = 0; i < QD_NETSRV_COUNT; i++)
            names[i] = qd_strdup(srv->ns[i].name);
        ret->names.n = QD_NETSRV_COUNT;
        ret->names.items = names;
    }
    ret->ret = QD_NETSRV_COUNT;
    return 0;
}

static int
h_lookup_server(struct qd_call *call, const void *a, void *r,
                struct qd_err *err)
{
    const struct qd_w_string_flags *args = a;
    struct qd_w_string *ret = r;
    struct qd_netsrv *ns;

    /* libvirt-compat: adminConnectLookupServer accepts any flags */
    if (!(ns = get_server(call, args->s, err)))
        return -1;
    ret->s = qd_strdup(ns->name);
    return 0;
}

/* ---- thread pools ------------------------------------------------------ */

static int
h_get_threadpool(struct qd_call *call, const void *a, void *r,
                 struct qd_err *err)
{
    const struct qd_w_string_flags *args = a;
    struct qd_tparams tp = { 0 };
    struct qd_pool_stats st;
    struct qd_netsrv *ns;

    if (!(ns = get_server(call, args->s, err)) ||
        check_flags(args->flags, "adminServerGetThreadPoolParameters",
                    err) < 0)
        return -1;
    qd_pool_get_stats(ns->pool, &st);
    qd_tparams_add_uint(&tp, "minWorkers", (uint32_t) st.min_workers);
    qd_tparams_add_uint(&tp, "maxWorkers", (uint32_t) st.max_workers);
    qd_tparams_add_uint(&tp, "nWorkers", (uint32_t) st.nworkers);
    qd_tparams_add_uint(&tp, "freeWorkers", (uint32_t) st.free_workers);
    qd_tparams_add_uint(&tp, "prioWorkers", (uint32_t) st.prio_workers);
    qd_tparams_add_uint(&tp, "jobQueueDepth", (uint32_t) st.job_queue_depth);
    steal_params(r, &tp);
    return 0;
}

static int
h_set_threadpool(struct qd_call *call, const void *a, void *r,
                 struct qd_err *err)
{
    static const char *const keys[] = {      /* sorted */
        "maxWorkers", "minWorkers", "prioWorkers",
    };
    const struct qd_wa_set_params *args = a;
    struct qd_netsrv *ns;

    if (!(ns = get_server_adm(call, args->srv, err)) ||
        check_param_names(&args->params, err) < 0 ||
        check_flags(args->flags, "adminServerSetThreadPoolParameters",
                    err) < 0 ||
        validate_uint_params(&args->params, keys, QD_ARRAY_SIZE(keys),
                             err) < 0)
        return -1;
    if (qd_pool_set_params(ns->pool, param_uint(&args->params, "minWorkers"),
                           param_uint(&args->params, "maxWorkers"),
                           param_uint(&args->params, "prioWorkers"),
                           err) < 0)
        return -1;
    QD_INFO("server %s: worker pool limits changed", ns->name);
    return 0;
}

/* ---- clients ----------------------------------------------------------- */

static int
h_list_clients(struct qd_call *call, const void *a, void *r,
               struct qd_err *err)
{
    const struct qd_wa_list_args *args = a;
    struct qd_wa_clients *ret = r;
    struct qd_wa_client *items = NULL;
    struct qd_netsrv *ns;
    struct qd_client *c;
    size_t n = 0, i;

    if (!(ns = get_server(call, args->srv, err)) ||
        check_flags(args->flags, "adminServerListClients", err) < 0)
        return -1;
    pthread_mutex_lock(&ns->srv->lock);
    for (c = ns->clients; c; c = c->next)
        n += !c->reject;
    if (args->need_results && n) {
        items = qd_calloc(n, sizeof(*items));
        /* the list is newest first; libvirt lists in connection order */
        i = n;
        for (c = ns->clients; c; c = c->next) {
            struct client_snap s;

            if (c->reject)
                continue;
            snap_locked(c, &s);
            fill_client(&items[--i], ns, &s);
        }
    }
    pthread_mutex_unlock(&ns->srv->lock);
    if (n > QD_ADMIN_CLIENT_LIST_MAX) {
        for (i = 0; items && i < n; i++)
            free(items[i].srv);
        free(items);
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_RPC,
                             "Too many clients '%zu' for limit '%u'", n,
                             QD_ADMIN_CLIENT_LIST_MAX);
    }
    if (items) {
        ret->clients.n = (uint32_t) n;
        ret->clients.items = items;
    }
    ret->ret = (uint32_t) n;
    return 0;
}

static int
h_lookup_client(struct qd_call *call, const void *a, void *r,
                struct qd_err *err)
{
    const struct qd_wa_lookup_client_args *args = a;
    struct qd_wa_client *ret = r;
    struct client_snap s;
    struct qd_netsrv *ns;

    if (!(ns = get_server(call, args->srv, err)) ||
        check_flags(args->flags, "adminServerLookupClient", err) < 0)
        return -1;
    if (!find_client(ns, args->id, &s, false))
        return qd_err_report(err, QD_ERR_NO_CLIENT, QD_FROM_RPC,
                             "No client with matching ID '%llu'",
                             (unsigned long long) args->id);
    fill_client(ret, ns, &s);
    return 0;
}

/* The user or group name of @id, as libvirt's identity code finds it. */
static char *
user_name(uid_t uid, struct qd_err *err)
{
    struct passwd pw, *res = NULL;
    char buf[4096];

    if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) != 0 || !res) {
        qd_err_report(err, ADM_ERR_SYSTEM_ERROR, QD_FROM_NONE,
                      "Failed to find user record for uid '%u'",
                      (unsigned) uid);
        return NULL;
    }
    return qd_strdup(pw.pw_name);
}

static char *
group_name(gid_t gid, struct qd_err *err)
{
    struct group gr, *res = NULL;
    char buf[4096];

    if (getgrgid_r(gid, &gr, buf, sizeof(buf), &res) != 0 || !res) {
        qd_err_report(err, ADM_ERR_SYSTEM_ERROR, QD_FROM_NONE,
                      "Failed to find group record for gid '%u'",
                      (unsigned) gid);
        return NULL;
    }
    return qd_strdup(gr.gr_name);
}

static int
h_client_info(struct qd_call *call, const void *a, void *r,
              struct qd_err *err)
{
    const struct qd_wa_client_flags *args = a;
    _cleanup_free_ char *user = NULL;
    _cleanup_free_ char *group = NULL;
    struct qd_tparams tp = { 0 };
    struct client_snap s;
    struct qd_netsrv *ns;

    if (!(ns = get_server_adm(call, args->clnt.srv, err)))
        return -1;
    if (!find_client(ns, args->clnt.id, &s, true))
        return qd_err_report(err, QD_ERR_NO_CLIENT, QD_FROM_ADMIN,
                             "no client with matching id '%llu' found",
                             (unsigned long long) args->clnt.id);
    if (check_flags(args->flags, "adminClientGetInfo", err) < 0 ||
        (!s.tcp && s.uid != (uid_t) -1 &&
         (!(user = user_name(s.uid, err)) ||
          !(group = group_name(s.gid, err))))) {
        snap_clear(&s);
        return -1;
    }
    /* libvirt's order: readonly, the SASL user, then for a network client
     * its address and certificate DN, for a local one its UNIX identity */
    qd_tparams_add_bool(&tp, "readonly", s.readonly);
    if (s.sasl_user)
        qd_tparams_add_string(&tp, "sasl_user_name", s.sasl_user);
    if (s.tcp) {
        if (s.addr)
            qd_tparams_add_string(&tp, "sock_addr", s.addr);
        if (s.tls_dn)
            qd_tparams_add_string(&tp, "tls_x509_dname", s.tls_dn);
    } else if (s.uid != (uid_t) -1) {
        qd_tparams_add_int(&tp, "unix_user_id", (int32_t) s.uid);
        qd_tparams_add_string(&tp, "unix_user_name", user);
        qd_tparams_add_int(&tp, "unix_group_id", (int32_t) s.gid);
        qd_tparams_add_string(&tp, "unix_group_name", group);
        qd_tparams_add_int(&tp, "unix_process_id", (int32_t) s.pid);
    }
    snap_clear(&s);
    steal_params(r, &tp);
    return 0;
}

static int
h_client_close(struct qd_call *call, const void *a, void *r,
               struct qd_err *err)
{
    const struct qd_wa_client_flags *args = a;
    struct client_snap s;
    struct qd_netsrv *ns;

    if (!(ns = get_server(call, args->clnt.srv, err)))
        return -1;
    if (!find_client(ns, args->clnt.id, &s, false))
        return qd_err_report(err, QD_ERR_NO_CLIENT, QD_FROM_RPC,
                             "No client with matching ID '%llu'",
                             (unsigned long long) args->clnt.id);
    if (check_flags(args->flags, "adminClientClose", err) < 0)
        return -1;
    qd_server_close_client(ns, s.id);
    return 0;
}

static int
h_get_client_limits(struct qd_call *call, const void *a, void *r,
                    struct qd_err *err)
{
    const struct qd_w_string_flags *args = a;
    struct qd_tparams tp = { 0 };
    struct qd_netsrv *ns;
    unsigned max, max_unauth;
    size_t n, n_unauth;

    if (!(ns = get_server(call, args->s, err)) ||
        check_flags(args->flags, "adminServerGetClientLimits", err) < 0)
        return -1;
    pthread_mutex_lock(&ns->srv->lock);
    max = ns->limits.max_clients;
    max_unauth = ns->limits.max_anonymous_clients;
    n = ns->nclients;
    n_unauth = ns->nclients_unauth;
    pthread_mutex_unlock(&ns->srv->lock);
    qd_tparams_add_uint(&tp, "nclients_max", max);
    qd_tparams_add_uint(&tp, "nclients", (uint32_t) n);
    qd_tparams_add_uint(&tp, "nclients_unauth_max", max_unauth);
    qd_tparams_add_uint(&tp, "nclients_unauth", (uint32_t) n_unauth);
    steal_params(r, &tp);
    return 0;
}

static int
h_set_client_limits(struct qd_call *call, const void *a, void *r,
                    struct qd_err *err)
{
    static const char *const keys[] = {      /* sorted */
        "nclients_max", "nclients_unauth_max",
    };
    const struct qd_wa_set_params *args = a;
    struct qd_netsrv *ns;
    long long max, max_unauth;
    int rc = 0;

    if (!(ns = get_server_adm(call, args->srv, err)) ||
        check_param_names(&args->params, err) < 0 ||
        check_flags(args->flags, "adminServerSetClientLimits", err) < 0 ||
        validate_uint_params(&args->params, keys, QD_ARRAY_SIZE(keys),
                             err) < 0)
        return -1;
    max = param_uint(&args->params, "nclients_max");
    max_unauth = param_uint(&args->params, "nclients_unauth_max");
    pthread_mutex_lock(&ns->srv->lock);
    if ((max >= 0 ? max : ns->limits.max_clients) <
        (max_unauth >= 0 ? max_unauth : ns->limits.max_anonymous_clients)) {
        rc = qd_err_report(err, QD_ERR_INVALID_ARG, QD_FROM_RPC, "%s",
                           "The overall maximum number of clients waiting "
                           "for authentication must not be less than the "
                           "overall maximum number of clients");
    } else {
        /* libvirt-compat: a limit below the current count is accepted;
         * connected clients stay, new ones are turned away until the
         * count drops below it */
        if (max >= 0)
            ns->limits.max_clients = (unsigned) max;
        if (max_unauth >= 0)
            ns->limits.max_anonymous_clients = (unsigned) max_unauth;
    }
    pthread_mutex_unlock(&ns->srv->lock);
    if (rc == 0)
        QD_INFO("server %s: client limits changed", ns->name);
    return rc;
}

/* ---- daemon ------------------------------------------------------------ */

static int
h_get_log_outputs(struct qd_call *call, const void *a, void *r,
                  struct qd_err *err)
{
    const struct qd_w_flags *args = a;
    struct qd_wa_log_get *ret = r;
    unsigned n;

    if (check_flags(args->flags, "adminConnectGetLoggingOutputs", err) < 0)
        return -1;
    ret->s = qd_log_get_outputs(&n);
    ret->n = n;
    return 0;
}

static int
h_get_log_filters(struct qd_call *call, const void *a, void *r,
                  struct qd_err *err)
{
    const struct qd_w_flags *args = a;
    struct qd_wa_log_get *ret = r;
    unsigned n;

    if (check_flags(args->flags, "adminConnectGetLoggingFilters", err) < 0)
        return -1;
    ret->s = qd_log_get_filters(&n);
    ret->n = n;
    if (n == 0) {              /* no filters travel as a NULL string */
        free(ret->s);
        ret->s = NULL;
    }
    return 0;
}

static int
h_set_log_outputs(struct qd_call *call, const void *a, void *r,
                  struct qd_err *err)
{
    const struct qd_wa_log_set *args = a;

    if (check_flags(args->flags, "adminConnectSetLoggingOutputs", err) < 0 ||
        qd_log_set_outputs(args->s, err) < 0)
        return -1;
    return 0;
}

static int
h_set_log_filters(struct qd_call *call, const void *a, void *r,
                  struct qd_err *err)
{
    const struct qd_wa_log_set *args = a;

    if (check_flags(args->flags, "adminConnectSetLoggingFilters", err) < 0 ||
        qd_log_set_filters(args->s, err) < 0)
        return -1;
    return 0;
}

static int
h_update_tls(struct qd_call *call, const void *a, void *r,
             struct qd_err *err)
{
    const struct qd_w_string_flags *args = a;
    struct qd_netsrv *ns;

    if (!(ns = get_server(call, args->s, err)) ||
        check_flags(args->flags, "adminServerUpdateTlsFiles", err) < 0)
        return -1;
    if (qd_server_update_tls(ns, err) < 0)
        return -1;
    QD_INFO("server '%s': TLS credentials reloaded", ns->name);
    return 0;
}

static int
h_set_daemon_timeout(struct qd_call *call, const void *a, void *r,
                     struct qd_err *err)
{
    const struct qd_wa_timeout *args = a;

    if (check_flags(args->flags, "adminConnectSetDaemonTimeout", err) < 0)
        return -1;
    qd_server_set_auto_shutdown(call->client->srv, args->timeout);
    QD_INFO("auto shutdown after %u s without clients%s", args->timeout,
            args->timeout ? "" : ": off");
    return 0;
}

/* ---- the table --------------------------------------------------------- */

/* Every procedure is allowed before CONNECT_OPEN: libvirtd binds an admin
 * client to the daemon when it connects. None is high priority. */
#define A QD_PROC_NOCONN

static const struct qd_proc admin_procs[] = {
    /* num name                            args                        ret                  handler               flags */
    {  1, "ConnectOpen",                   &qd_t_flags,                NULL,                h_open,               A },
    {  2, "ConnectClose",                  NULL,                       NULL,                h_close,              A },
    {  3, "ConnectGetLibVersion",          NULL,                       &qd_t_uhyper,        h_lib_version,        A },
    {  4, "ConnectListServers",            &qd_ta_list_servers_args,   &qd_ta_servers,      h_list_servers,       A },
    {  5, "ConnectLookupServer",           &qd_t_string_flags,         &qd_t_string,        h_lookup_server,      A },
    {  6, "ServerGetThreadpoolParameters", &qd_t_string_flags,         &qd_ta_threadpool,   h_get_threadpool,     A },
    {  7, "ServerSetThreadpoolParameters", &qd_ta_set_threadpool,      NULL,                h_set_threadpool,     A },
    {  8, "ServerListClients",             &qd_ta_list_clients_args,   &qd_ta_clients,      h_list_clients,       A },
    {  9, "ServerLookupClient",            &qd_ta_lookup_client_args,  &qd_ta_client,       h_lookup_client,      A },
    { 10, "ClientGetInfo",                 &qd_ta_client_flags,        &qd_ta_client_info,  h_client_info,        A },
    { 11, "ClientClose",                   &qd_ta_client_flags,        NULL,                h_client_close,       A },
    { 12, "ServerGetClientLimits",         &qd_t_string_flags,         &qd_ta_limits,       h_get_client_limits,  A },
    { 13, "ServerSetClientLimits",         &qd_ta_set_limits,          NULL,                h_set_client_limits,  A },
    { 14, "ConnectGetLoggingOutputs",      &qd_t_flags,                &qd_ta_log_outputs,  h_get_log_outputs,    A },
    { 15, "ConnectGetLoggingFilters",      &qd_t_flags,                &qd_ta_log_filters,  h_get_log_filters,    A },
    { 16, "ConnectSetLoggingOutputs",      &qd_ta_log_set,             NULL,                h_set_log_outputs,    A },
    { 17, "ConnectSetLoggingFilters",      &qd_ta_log_set,             NULL,                h_set_log_filters,    A },
    { 18, "ServerUpdateTlsFiles",          &qd_t_string_flags,         NULL,                h_update_tls,         A },
    { 19, "ConnectSetDaemonTimeout",       &qd_ta_timeout,             NULL,                h_set_daemon_timeout, A },
};

#undef A

const struct qd_program qd_program_admin = {
    .prog = QD_PROG_ADMIN,
    .vers = 1,
    .procs = admin_procs,
    .nprocs = QD_ARRAY_SIZE(admin_procs),
};
