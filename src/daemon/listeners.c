/* The daemon's sockets from its configuration: the three UNIX sockets,
 * and the TCP and TLS listeners when listen_tcp / listen_tls ask for
 * them, each with its auth scheme (libvirtd.conf's keys and meanings). */
#define QD_LOG_MODULE "daemon.listen"

#include "daemon/listeners.h"

#include <string.h>
#include <unistd.h>

#include "daemon/config.h"
#include "rpc/sasl.h"
#include "rpc/server.h"
#include "rpc/tls.h"
#include "rpc/wire.h"
#include "util/err.h"
#include "util/log.h"
#include "util/mem.h"

static int
auth_type(const char *name, const char *key, int *ret, struct qd_err *err)
{
    if (!name || strcmp(name, "none") == 0) {
        *ret = QD_AUTH_NONE;
        return 0;
    }
    if (strcmp(name, "sasl") == 0) {
        *ret = QD_AUTH_SASL;
        return 0;
    }
    return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_CONF,
                         "%s = \"%s\" is not supported (\"none\" or "
                         "\"sasl\")", key, name);
}

/* libvirtd's default certificate locations (under root_dir if set). */
static char *
pki_path(const struct qd_config *cfg, const char *set, const char *dflt)
{
    if (set)
        return qd_strdup(set);
    return qd_asprintf("%s%s", cfg->root_dir ? cfg->root_dir : "", dflt);
}

static int
add_tls(struct qd_server *srv, const struct qd_config *cfg, int auth,
        struct qd_err *err)
{
    _cleanup_free_ char *key = pki_path(cfg, cfg->key_file,
                                        "/etc/pki/libvirt/private/serverkey.pem");
    _cleanup_free_ char *cert = pki_path(cfg, cfg->cert_file,
                                         "/etc/pki/libvirt/servercert.pem");
    _cleanup_free_ char *ca = pki_path(cfg, cfg->ca_file,
                                       "/etc/pki/CA/cacert.pem");
    _cleanup_free_ char *crl = pki_path(cfg, cfg->crl_file,
                                        "/etc/pki/CA/cacrl.pem");
    struct qd_tls_config tc = {
        .key_file = key, .cert_file = cert, .ca_file = ca, .crl_file = crl,
        .no_verify_certificate = cfg->tls_no_verify_certificate,
        .no_sanity_certificate = cfg->tls_no_sanity_certificate,
        .allowed_dn_list = cfg->tls_allowed_dn_list,
        .priority = cfg->tls_priority,
    };
    struct qd_tls_ctx *ctx;
    int rc;

    if (!(ctx = qd_tls_ctx_new(&tc, err)))
        return -1;
    rc = qd_server_add_tcp(srv, cfg->listen_addr, cfg->tls_port, ctx, auth,
                           cfg->max_queued_clients, err);
    qd_tls_ctx_unref(ctx);
    if (rc == 0)
        QD_INFO("listening for TLS on %s port %s",
                cfg->listen_addr ? cfg->listen_addr : "*", cfg->tls_port);
    return rc;
}

int
qd_daemon_listen(struct qd_server *srv, const struct qd_config *cfg,
                 gid_t gid, struct qd_err *err)
{
    int auth_rw, auth_ro, auth_tcp, auth_tls;
    bool sasl;

    if (auth_type(cfg->auth_unix_rw, "auth_unix_rw", &auth_rw, err) < 0 ||
        auth_type(cfg->auth_unix_ro, "auth_unix_ro", &auth_ro, err) < 0 ||
        auth_type(cfg->auth_tcp, "auth_tcp", &auth_tcp, err) < 0 ||
        auth_type(cfg->auth_tls, "auth_tls", &auth_tls, err) < 0)
        return -1;
    sasl = auth_rw == QD_AUTH_SASL || auth_ro == QD_AUTH_SASL ||
           (cfg->listen_tcp && auth_tcp == QD_AUTH_SASL) ||
           (cfg->listen_tls && auth_tls == QD_AUTH_SASL);
    if (sasl && qd_sasl_global_init(err) < 0)
        return -1;
    srv->sasl_min_ssf = cfg->tcp_min_ssf;
    srv->sasl_allowed_users = cfg->sasl_allowed_username_list;
    srv->ns[QD_NETSRV_MAIN].limits.anonymous_timeout =
        cfg->anonymous_client_timeout;

    /* the read-write socket last: whoever waits for it to appear (a
     * supervisor, a script) finds the other two already there */
    if (/* libvirt-compat: the admin socket's built-in backlog */
        qd_server_add_unix(srv, cfg->sock_admin_path,
                           cfg->unix_sock_admin_perms, (gid_t) -1, false,
                           true, QD_AUTH_NONE, 20, err) < 0 ||
        qd_server_add_unix(srv, cfg->sock_ro_path, cfg->unix_sock_ro_perms,
                           gid, true, false, auth_ro,
                           cfg->max_queued_clients, err) < 0 ||
        qd_server_add_unix(srv, cfg->sock_rw_path, cfg->unix_sock_rw_perms,
                           gid, false, false, auth_rw,
                           cfg->max_queued_clients, err) < 0)
        return -1;
    if (cfg->listen_tcp) {
        if (auth_tcp == QD_AUTH_NONE)
            QD_WARN("auth_tcp = \"none\": plain TCP clients are neither "
                    "authenticated nor encrypted");
        if (qd_server_add_tcp(srv, cfg->listen_addr, cfg->tcp_port, NULL,
                              auth_tcp, cfg->max_queued_clients, err) < 0)
            return -1;
        QD_INFO("listening for TCP on %s port %s",
                cfg->listen_addr ? cfg->listen_addr : "*", cfg->tcp_port);
    }
    if (cfg->listen_tls && add_tls(srv, cfg, auth_tls, err) < 0)
        return -1;
    return 0;
}
