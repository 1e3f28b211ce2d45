/* qemud.conf: libvirtd.conf-compatible daemon configuration. */
#ifndef QD_DAEMON_CONFIG_H
#define QD_DAEMON_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

struct qd_err;

struct qd_config {
    /* UNIX sockets. unix_sock_dir stays NULL until qd_config_resolve_paths()
     * fills it from run_dir (unless the file set it). */
    char *unix_sock_dir;
    char *unix_sock_group;
    unsigned unix_sock_ro_perms;    /* parsed from octal strings */
    unsigned unix_sock_rw_perms;
    unsigned unix_sock_admin_perms;

    /* Authentication schemes: "none", "sasl" or "polkit". */
    char *auth_unix_ro, *auth_unix_rw;
    char *auth_tcp, *auth_tls;

    /* Network listeners. */
    bool listen_tcp, listen_tls;
    char *listen_addr;              /* NULL: all addresses */
    char *tcp_port, *tls_port;      /* port number or service name */

    /* Processing controls. */
    unsigned max_clients, max_queued_clients, max_anonymous_clients;
    unsigned min_workers, max_workers, prio_workers;
    unsigned max_client_requests;
    int keepalive_interval;         /* -1: never send keepalive requests */
    unsigned keepalive_count;

    /* Logging (libvirt syntax, see util/log.h). */
    int log_level;                  /* 1 debug .. 4 error */
    char *log_filters, *log_outputs;

    char *root_dir;                 /* qemud's own key: relocates all paths */
    unsigned anonymous_client_timeout; /* qemud's own: seconds a client may
                                        take to authenticate; 0: forever */

    /* TLS/SASL. The lists are NULL-terminated; NULL means "not configured" (no
     * check), an empty list means "nobody", as in libvirtd. */
    char *key_file, *cert_file, *ca_file, *crl_file;
    bool tls_no_sanity_certificate, tls_no_verify_certificate;
    char **tls_allowed_dn_list;
    char *tls_priority;
    unsigned tcp_min_ssf;
    char **sasl_allowed_username_list;

    /* Derived by qd_config_resolve_paths(). */
    char *etc_dir, *run_dir, *lib_dir, *log_dir;
    char *sock_rw_path, *sock_ro_path, *sock_admin_path;

    /* libvirtd keys accepted but not implemented, in file order, each once. */
    char **ignored;
    size_t nignored;
};

/* Set every field to its default. @cfg must not hold allocations. */
void qd_config_init_defaults(struct qd_config *cfg);

/* Parse the file @path (libvirtd.conf syntax) over the current values.
 * Errors name the file, line and key: "<path>:12: unknown key 'foo'".
 * Returns 0, or -1 with @err set (code CONFIG_UNSUPPORTED, domain CONF);
 * on failure @cfg may be partly updated and should be cleared. */
int qd_config_load_file(struct qd_config *cfg, const char *path,
                        struct qd_err *err)
    __attribute__((warn_unused_result));

/* Same as qd_config_load_file() for the NUL-terminated @text; @name stands
 * for the file name in messages. */
int qd_config_load_string(struct qd_config *cfg, const char *name,
                          const char *text, struct qd_err *err)
    __attribute__((warn_unused_result));

/* Fill etc_dir, run_dir, lib_dir, log_dir (under root_dir when set),
 * unix_sock_dir when unset (= run_dir) and the three socket paths.
 * Fails if root_dir or unix_sock_dir is not absolute or a socket path does
 * not fit in sun_path. May be called again after a change. Returns 0/-1. */
int qd_config_resolve_paths(struct qd_config *cfg, struct qd_err *err)
    __attribute__((warn_unused_result));

/* Free everything @cfg owns and zero it. */
void qd_config_clear(struct qd_config *cfg);

#endif
