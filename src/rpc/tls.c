/* TLS for the network listeners, with GnuTLS (libvirt's
 * virNetTLSContext, server side only).
 *
 * A context is built once from the configured files: the sanity checks of
 * our own certificate run first (they read the PEM files themselves, as
 * libvirtd does), then the files are loaded into one certificate
 * credentials object and the priority string is compiled. After that the
 * context never changes, so any thread may hold a reference; sessions
 * (one per client, loop thread only) share its credentials, which GnuTLS
 * allows for concurrent use.
 *
 * The session reads and writes the client's non-blocking socket directly
 * (gnutls_transport_set_int); GNUTLS_E_AGAIN comes back as EAGAIN, and
 * gnutls_record_get_direction() tells the loop which way to wait.
 *
 * Client-certificate checks follow libvirtd's virNetTLSContextCheckCertificate
 * step by step, with its messages and quirks (see the
 * libvirt-compat notes), so that a certificate libvirtd accepts is accepted
 * here and vice versa. */
#define QD_LOG_MODULE "rpc.tls"

#include "rpc/tls.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "util/err.h"
#include "util/glob.h"
#include "util/log.h"
#include "util/mem.h"

/* libvirt-compat: the limits of virNetTLSContextLoadCertFromFile */
#define CERT_FILE_MAX 65536
#define CA_CERTS_MAX 16
#define DEFAULT_PRIORITY "NORMAL" /* libvirt's meson tls_priority default */
#define SESSION_NAME "[session]"  /* what libvirt calls the peer's certs */

struct qd_tls_ctx {
    int refs; /* atomic */
    char *key_file, *cert_file, *ca_file, *crl_file, *priority;
    char **allowed_dn_list; /* NULL-terminated; NULL: any DN */
    bool no_verify_certificate, no_sanity_certificate;
    gnutls_certificate_credentials_t cred;
    gnutls_priority_t prio;
};

struct qd_tls {
    struct qd_tls_ctx *ctx; /* ref */
    gnutls_session_t session;
    char *peer_dn;          /* set by qd_tls_check_peer */
};

/* virReportError(VIR_ERR_SYSTEM_ERROR, ...) from virnettlscontext.c */
#define tls_error(err, ...) \
    qd_err_report(err, QD_ERR_SYSTEM_ERROR, QD_FROM_RPC, __VA_ARGS__)

static bool
nonempty(const char *s)
{
    return s && *s;
}

/* ------------------------------------------------------------------
 * Certificate checks shared by the sanity check of our own certificate
 * and the check of the client's (libvirt's virNetTLSContextCheckCert*).
 * @what names the certificate in messages: a file, or "[session]".
 */

static int
check_cert_times(gnutls_x509_crt_t cert, const char *what, bool is_server,
                 bool is_ca, struct qd_err *err)
{
    time_t now = time(NULL);

    if (now == (time_t) -1)
        return qd_err_sys(err, QD_ERR_SYSTEM_ERROR, QD_FROM_RPC, errno,
                          "cannot get current time");
    if (gnutls_x509_crt_get_expiration_time(cert) < now) {
        if (is_ca)
            return tls_error(err, "The CA certificate %s has expired", what);
        if (is_server)
            return tls_error(err, "The server certificate %s has expired",
                             what);
        return tls_error(err, "The client certificate %s has expired", what);
    }
    if (gnutls_x509_crt_get_activation_time(cert) > now) {
        if (is_ca)
            return tls_error(err, "The CA certificate %s is not yet active",
                             what);
        if (is_server)
            return tls_error(err,
                             "The server certificate %s is not yet active",
                             what);
        return tls_error(err, "The client certificate %s is not yet active",
                         what);
    }
    return 0;
}

static int
check_cert_basic_constraints(gnutls_x509_crt_t cert, const char *what,
                             bool is_server, bool is_ca, struct qd_err *err)
{
    int rc = gnutls_x509_crt_get_basic_constraints(cert, NULL, NULL, NULL);

    QD_DEBUG("Cert %s basic constraints %d", what, rc);
    if (rc > 0) {
        if (!is_ca)
            return tls_error(err,
                             "The certificate %s basic constraints show a CA, "
                             "but we need one for a %s",
                             what, is_server ? "server" : "client");
    } else if (rc == 0) {
        if (is_ca)
            return tls_error(err,
                             "The certificate %s basic constraints do not "
                             "show a CA",
                             what);
    } else if (rc == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE) {
        if (is_ca)
            return tls_error(err,
                             "The certificate %s is missing basic constraints "
                             "for a CA",
                             what);
    } else {
        return tls_error(err,
                         "Unable to query certificate %s basic constraints %s",
                         what, gnutls_strerror(rc));
    }
    return 0;
}

/* A usage bit that is missing refuses the certificate only when the
 * extension is critical; otherwise it is a warning, as in libvirt. */
static int
require_usage(unsigned usage, unsigned bit, unsigned critical,
              const char *what, const char *action, struct qd_err *err)
{
    if (usage & bit)
        return 0;
    if (critical)
        return tls_error(err, "Certificate %s usage does not permit %s", what,
                         action);
    QD_WARN("Certificate %s usage does not permit %s", what, action);
    return 0;
}

static int
check_cert_key_usage(gnutls_x509_crt_t cert, const char *what, bool is_ca,
                     struct qd_err *err)
{
    unsigned usage = 0, critical = 0;
    int rc = gnutls_x509_crt_get_key_usage(cert, &usage, &critical);

    QD_DEBUG("Cert %s key usage status %d usage %u critical %u", what, rc,
             usage, critical);
    if (rc == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
        usage = is_ca ? GNUTLS_KEY_KEY_CERT_SIGN
                      : GNUTLS_KEY_DIGITAL_SIGNATURE |
                            GNUTLS_KEY_KEY_ENCIPHERMENT;
    else if (rc < 0)
        return tls_error(err, "Unable to query certificate %s key usage %s",
                         what, gnutls_strerror(rc));

    if (is_ca)
        return require_usage(usage, GNUTLS_KEY_KEY_CERT_SIGN, critical, what,
                             "certificate signing", err);
    if (require_usage(usage, GNUTLS_KEY_DIGITAL_SIGNATURE, critical, what,
                      "digital signature", err) < 0)
        return -1;
    return require_usage(usage, GNUTLS_KEY_KEY_ENCIPHERMENT, critical, what,
                         "key encipherment", err);
}

static int
check_cert_key_purpose(gnutls_x509_crt_t cert, const char *what,
                       bool is_server, struct qd_err *err)
{
    bool allow_client = false, allow_server = false, critical = false;
    const char *role = is_server ? "server" : "client";
    unsigned i;

    for (i = 0;; i++) {
        char oid[1024];
        size_t size = sizeof(oid);
        unsigned crit = 0;
        int rc;

        rc = gnutls_x509_crt_get_key_purpose_oid(cert, i, oid, &size, &crit);
        if (rc == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE) {
            /* no extension at all: any use */
            if (i == 0)
                allow_client = allow_server = true;
            break;
        }
        if (rc < 0)
            return tls_error(err,
                             "Unable to query certificate %s key purpose %s",
                             what, gnutls_strerror(rc));
        if (crit)
            critical = true;
        QD_DEBUG("Key purpose %d %s critical %u", rc, oid, crit);
        if (strcmp(oid, GNUTLS_KP_TLS_WWW_SERVER) == 0)
            allow_server = true;
        else if (strcmp(oid, GNUTLS_KP_TLS_WWW_CLIENT) == 0)
            allow_client = true;
        else if (strcmp(oid, GNUTLS_KP_ANY) != 0)
            /* libvirt-compat: any *other* purpose allows both roles, and
             * anyExtendedKeyUsage allows neither (libvirt's STRNEQ) */
            allow_client = allow_server = true;
    }

    if (is_server ? allow_server : allow_client)
        return 0;
    if (critical)
        return tls_error(err,
                         "Certificate %s purpose does not allow use for with "
                         "a TLS %s",
                         what, role);
    QD_WARN("Certificate %s purpose does not allow use for with a TLS %s",
            what, role);
    return 0;
}

static int
check_cert(gnutls_x509_crt_t cert, const char *what, bool is_server,
           bool is_ca, struct qd_err *err)
{
    if (check_cert_times(cert, what, is_server, is_ca, err) < 0 ||
        check_cert_basic_constraints(cert, what, is_server, is_ca, err) < 0 ||
        check_cert_key_usage(cert, what, is_ca, err) < 0)
        return -1;
    if (!is_ca && check_cert_key_purpose(cert, what, is_server, err) < 0)
        return -1;
    return 0;
}

/* The reason libvirt gives for a non-zero verification status; the later
 * tests win, as in libvirt. */
static const char *
verify_reason(unsigned status)
{
    const char *reason = "Invalid certificate";

    if (status & GNUTLS_CERT_INVALID)
        reason = "The certificate is not trusted.";
    if (status & GNUTLS_CERT_SIGNER_NOT_FOUND)
        reason = "The certificate hasn't got a known issuer.";
    if (status & GNUTLS_CERT_REVOKED)
        reason = "The certificate has been revoked.";
    if (status & GNUTLS_CERT_INSECURE_ALGORITHM)
        reason = "The certificate uses an insecure algorithm";
    return reason;
}

/* ------------------------------------------------------------------
 * Sanity check of our own certificate (virNetTLSContextSanityCheckCredentials)
 */

/* The whole of @path, NUL-terminated (at most CERT_FILE_MAX bytes), with
 * virFileReadAll's errors. */
static char *
read_pem(const char *path, struct qd_err *err)
{
    _cleanup_close_ int fd = -1;
    _cleanup_free_ char *buf = qd_malloc(CERT_FILE_MAX + 2);
    size_t have = 0;

    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
        qd_err_sys(err, QD_ERR_SYSTEM_ERROR, QD_FROM_RPC, errno,
                   "Failed to open file '%s'", path);
        return NULL;
    }
    for (;;) {
        ssize_t n = read(fd, buf + have, CERT_FILE_MAX + 1 - have);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 || have + (size_t) n > CERT_FILE_MAX) {
            qd_err_sys(err, QD_ERR_SYSTEM_ERROR, QD_FROM_RPC,
                       n < 0 ? errno : EOVERFLOW, "Failed to read file '%s'",
                       path);
            return NULL;
        }
        if (n == 0)
            break;
        have += (size_t) n;
    }
    buf[have] = '\0';
    return steal_ptr(&buf);
}

static gnutls_x509_crt_t
load_cert(const char *path, struct qd_err *err)
{
    _cleanup_free_ char *pem = NULL;
    gnutls_x509_crt_t cert;
    gnutls_datum_t data;

    QD_DEBUG("isServer 1 certFile %s", path);
    if (gnutls_x509_crt_init(&cert) < 0) {
        tls_error(err, "Unable to initialize certificate");
        return NULL;
    }
    if (!(pem = read_pem(path, err))) {
        gnutls_x509_crt_deinit(cert);
        return NULL;
    }
    data.data = (unsigned char *) pem;
    data.size = (unsigned) strlen(pem);
    if (gnutls_x509_crt_import(cert, &data, GNUTLS_X509_FMT_PEM) < 0) {
        gnutls_x509_crt_deinit(cert);
        tls_error(err, "Unable to import server certificate %s", path);
        return NULL;
    }
    return cert;
}

static int
load_ca_certs(const char *path, gnutls_x509_crt_t *certs, unsigned *ret_n,
              struct qd_err *err)
{
    _cleanup_free_ char *pem = NULL;
    gnutls_datum_t data;
    unsigned n = CA_CERTS_MAX;

    *ret_n = 0;
    QD_DEBUG("certFile %s", path);
    if (!(pem = read_pem(path, err)))
        return -1;
    data.data = (unsigned char *) pem;
    data.size = (unsigned) strlen(pem);
    if (gnutls_x509_crt_list_import(certs, &n, &data, GNUTLS_X509_FMT_PEM,
                                    0) < 0)
        return tls_error(err, "Unable to import CA certificate list %s",
                         path);
    *ret_n = n;
    return 0;
}

/* Our certificate @cert must verify against the CA list. */
static int
check_cert_pair(gnutls_x509_crt_t cert, const char *cert_file,
                const gnutls_x509_crt_t *cas, unsigned ncas,
                const char *ca_file, struct qd_err *err)
{
    unsigned status = 0;

    if (gnutls_x509_crt_list_verify(&cert, 1, cas, ncas, NULL, 0, 0,
                                    &status) < 0)
        return tls_error(err,
                         "Unable to verify server certificate %s against CA "
                         "certificate %s",
                         cert_file, ca_file);
    if (status)
        return tls_error(err,
                         "Our own certificate %s failed validation against "
                         "%s: %s",
                         cert_file, ca_file, verify_reason(status));
    return 0;
}

/* Files that cannot be read are skipped here: loading them reports it. */
static int
sanity_check(const char *ca_file, const char *cert_file, struct qd_err *err)
{
    gnutls_x509_crt_t cert = NULL, cas[CA_CERTS_MAX];
    unsigned ncas = 0, i;
    int ret = -1;

    if (cert_file && access(cert_file, R_OK) == 0 &&
        !(cert = load_cert(cert_file, err)))
        return -1;
    if (ca_file && access(ca_file, R_OK) == 0 &&
        load_ca_certs(ca_file, cas, &ncas, err) < 0)
        goto out;

    if (cert && check_cert(cert, cert_file, true, false, err) < 0)
        goto out;
    for (i = 0; i < ncas; i++) {
        if (check_cert(cas[i], ca_file, true, true, err) < 0)
            goto out;
    }
    if (cert && ncas &&
        check_cert_pair(cert, cert_file, cas, ncas, ca_file, err) < 0)
        goto out;
    ret = 0;

out:
    if (cert)
        gnutls_x509_crt_deinit(cert);
    for (i = 0; i < ncas; i++)
        gnutls_x509_crt_deinit(cas[i]);
    return ret;
}

/* ------------------------------------------------------------------
 * Context
 */

/* 0 present, 1 missing and @allow_missing, -1 missing (@err set). */
static int
check_file(const char *type, const char *path, bool allow_missing,
           struct qd_err *err)
{
    if (access(path, F_OK) == 0)
        return 0;
    if (allow_missing)
        return 1;
    return qd_err_sys(err, QD_ERR_SYSTEM_ERROR, QD_FROM_RPC, errno,
                      "Cannot read %s '%s'", type, path);
}

/* virNetTLSContextLoadCredentials, server side. */
static int
load_credentials(struct qd_tls_ctx *ctx, struct qd_err *err)
{
    int rc;

    if (nonempty(ctx->ca_file)) {
        if (check_file("CA certificate", ctx->ca_file, false, err) < 0)
            return -1;
        QD_DEBUG("loading CA cert from %s", ctx->ca_file);
        rc = gnutls_certificate_set_x509_trust_file(ctx->cred, ctx->ca_file,
                                                    GNUTLS_X509_FMT_PEM);
        if (rc < 0)
            return tls_error(err, "Unable to set x509 CA certificate: %s: %s",
                             ctx->ca_file, gnutls_strerror(rc));
    }

    if (nonempty(ctx->crl_file)) {
        if ((rc = check_file("CA revocation list", ctx->crl_file, true,
                             err)) < 0)
            return -1;
        if (rc == 0) {
            QD_DEBUG("loading CRL from %s", ctx->crl_file);
            rc = gnutls_certificate_set_x509_crl_file(
                ctx->cred, ctx->crl_file, GNUTLS_X509_FMT_PEM);
            if (rc < 0)
                return tls_error(err,
                                 "Unable to set x509 certificate revocation "
                                 "list: %s: %s",
                                 ctx->crl_file, gnutls_strerror(rc));
        } else {
            QD_DEBUG("Skipping non-existent CA CRL %s", ctx->crl_file);
        }
    }

    if (nonempty(ctx->cert_file) && nonempty(ctx->key_file)) {
        if (check_file("certificate", ctx->cert_file, false, err) < 0 ||
            check_file("private key", ctx->key_file, false, err) < 0)
            return -1;
        QD_DEBUG("loading cert and key from %s and %s", ctx->cert_file,
                 ctx->key_file);
        rc = gnutls_certificate_set_x509_key_file(
            ctx->cred, ctx->cert_file, ctx->key_file, GNUTLS_X509_FMT_PEM);
        if (rc < 0)
            return tls_error(err,
                             "Unable to set x509 key and certificate: %s, "
                             "%s: %s",
                             ctx->key_file, ctx->cert_file,
                             gnutls_strerror(rc));
    }
    return 0;
}

static char *
dup_or_null(const char *s)
{
    return s ? qd_strdup(s) : NULL;
}

static void
ctx_free(struct qd_tls_ctx *ctx)
{
    char **p;

    if (ctx->prio)
        gnutls_priority_deinit(ctx->prio);
    if (ctx->cred)
        gnutls_certificate_free_credentials(ctx->cred);
    for (p = ctx->allowed_dn_list; p && *p; p++)
        free(*p);
    free(ctx->allowed_dn_list);
    free(ctx->key_file);
    free(ctx->cert_file);
    free(ctx->ca_file);
    free(ctx->crl_file);
    free(ctx->priority);
    free(ctx);
}

/* Any thread (reads files: not the loop): a context from @cfg, copied.
 * Order as in libvirt: sanity checks of our certificate, then loading. */
struct qd_tls_ctx *
qd_tls_ctx_new(const struct qd_tls_config *cfg, struct qd_err *err)
{
    struct qd_tls_ctx *ctx = QD_NEW(struct qd_tls_ctx);
    const char *prio;
    size_t n = 0, i;
    int rc;

    ctx->refs = 1;
    ctx->key_file = dup_or_null(cfg->key_file);
    ctx->cert_file = dup_or_null(cfg->cert_file);
    ctx->ca_file = dup_or_null(cfg->ca_file);
    ctx->crl_file = dup_or_null(cfg->crl_file);
    ctx->priority = dup_or_null(cfg->priority);
    ctx->no_verify_certificate = cfg->no_verify_certificate;
    ctx->no_sanity_certificate = cfg->no_sanity_certificate;
    if (cfg->allowed_dn_list) {
        while (cfg->allowed_dn_list[n])
            n++;
        ctx->allowed_dn_list = qd_calloc(n + 1, sizeof(char *));
        for (i = 0; i < n; i++)
            ctx->allowed_dn_list[i] = qd_strdup(cfg->allowed_dn_list[i]);
    }

    if ((rc = gnutls_certificate_allocate_credentials(&ctx->cred)) < 0) {
        ctx->cred = NULL;
        tls_error(err, "Unable to allocate x509 credentials: %s",
                  gnutls_strerror(rc));
        goto fail;
    }
    if (!ctx->no_sanity_certificate &&
        sanity_check(ctx->ca_file, ctx->cert_file, err) < 0)
        goto fail;
    if (load_credentials(ctx, err) < 0)
        goto fail;

    /* libvirt sets the priority string on each new session, so a bad one
     * only shows when clients fail; compiling it here refuses it at
     * start-up (or reload) with the same message. */
    prio = ctx->priority ? ctx->priority : DEFAULT_PRIORITY;
    if ((rc = gnutls_priority_init(&ctx->prio, prio, NULL)) < 0) {
        ctx->prio = NULL;
        tls_error(err, "Failed to set TLS session priority to %s: %s", prio,
                  gnutls_strerror(rc));
        goto fail;
    }
    QD_DEBUG("TLS context ready: cacert=%s cacrl=%s cert=%s key=%s "
             "sanityCheckCert=%d requireValidCert=%d priority=%s",
             ctx->ca_file ? ctx->ca_file : "<null>",
             ctx->crl_file ? ctx->crl_file : "<null>",
             ctx->cert_file ? ctx->cert_file : "<null>",
             ctx->key_file ? ctx->key_file : "<null>",
             !ctx->no_sanity_certificate, !ctx->no_verify_certificate, prio);
    return ctx;

fail:
    ctx_free(ctx);
    return NULL;
}

/* Any thread (reads files): @old's settings, the files read again. @old
 * is untouched either way. */
struct qd_tls_ctx *
qd_tls_ctx_reload(const struct qd_tls_ctx *old, struct qd_err *err)
{
    struct qd_tls_config cfg = {
        .key_file = old->key_file,
        .cert_file = old->cert_file,
        .ca_file = old->ca_file,
        .crl_file = old->crl_file,
        .no_verify_certificate = old->no_verify_certificate,
        .no_sanity_certificate = old->no_sanity_certificate,
        .allowed_dn_list = old->allowed_dn_list,
        .priority = old->priority,
    };

    return qd_tls_ctx_new(&cfg, err);
}

struct qd_tls_ctx *
qd_tls_ctx_ref(struct qd_tls_ctx *ctx)
{
    __atomic_add_fetch(&ctx->refs, 1, __ATOMIC_RELAXED);
    return ctx;
}

struct qd_tls_ctx *
qd_tls_ctx_unref(struct qd_tls_ctx *ctx)
{
    if (ctx && __atomic_sub_fetch(&ctx->refs, 1, __ATOMIC_ACQ_REL) == 0)
        ctx_free(ctx);
    return NULL;
}

/* ------------------------------------------------------------------
 * Session
 */

/* Loop thread: a server session on @fd, holding a ref on @ctx. */
struct qd_tls *
qd_tls_new(struct qd_tls_ctx *ctx, int fd, struct qd_err *err)
{
    struct qd_tls *t = QD_NEW(struct qd_tls);
    int rc;

    t->ctx = qd_tls_ctx_ref(ctx);
    rc = gnutls_init(&t->session,
                     GNUTLS_SERVER | GNUTLS_NONBLOCK | GNUTLS_NO_SIGNAL);
    if (rc < 0) {
        t->session = NULL;
        tls_error(err, "Failed to initialize TLS session: %s",
                  gnutls_strerror(rc));
        goto fail;
    }
    if ((rc = gnutls_priority_set(t->session, ctx->prio)) < 0) {
        tls_error(err, "Failed to set TLS session priority to %s: %s",
                  ctx->priority ? ctx->priority : DEFAULT_PRIORITY,
                  gnutls_strerror(rc));
        goto fail;
    }
    if ((rc = gnutls_credentials_set(t->session, GNUTLS_CRD_CERTIFICATE,
                                     ctx->cred)) < 0) {
        tls_error(err, "Failed set TLS x509 credentials: %s",
                  gnutls_strerror(rc));
        goto fail;
    }
    /* Ask, do not demand: qd_tls_check_peer decides, so that
     * no_verify_certificate can let a client without one in. */
    gnutls_certificate_server_set_request(t->session, GNUTLS_CERT_REQUEST);
    gnutls_transport_set_int(t->session, fd);
    return t;

fail:
    qd_tls_free(t);
    return NULL;
}

void
qd_tls_free(struct qd_tls *t)
{
    if (!t)
        return;
    if (t->session)
        gnutls_deinit(t->session);
    free(t->peer_dn);
    qd_tls_ctx_unref(t->ctx);
    free(t);
}

/* Loop thread: one handshake step; 0 done, 1 again, -1 failed. */
int
qd_tls_handshake(struct qd_tls *t, struct qd_err *err)
{
    int rc = gnutls_handshake(t->session);

    if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED)
        return 1;
    if (rc < 0)
        return qd_err_report(err, QD_ERR_AUTH_FAILED, QD_FROM_RPC,
                             "TLS handshake failed %s", gnutls_strerror(rc));
    if (qd_log_enabled(QD_LOG_DEBUG, QD_LOG_MODULE)) {
        char *desc = gnutls_session_get_desc(t->session);

        QD_DEBUG("Handshake is complete: %s", desc ? desc : "?");
        gnutls_free(desc);
    }
    return 0;
}

/* Loop thread: whether the last call that would block was writing. */
bool
qd_tls_wants_write(const struct qd_tls *t)
{
    return gnutls_record_get_direction(t->session) == 1;
}

/* The subject DN of @cert as gnutls_x509_crt_get_dn() spells it, which is
 * what virt-pki-query-dn prints and tls_allowed_dn_list is matched with. */
static char *
cert_dn(gnutls_x509_crt_t cert, struct qd_err *err)
{
    size_t size = 0;
    char *dn;
    int rc;

    rc = gnutls_x509_crt_get_dn(cert, NULL, &size);
    if (rc == 0)
        return qd_strdup("");
    if (rc == GNUTLS_E_SHORT_MEMORY_BUFFER) {
        dn = qd_malloc(size + 1);
        if ((rc = gnutls_x509_crt_get_dn(cert, dn, &size)) == 0)
            return dn;
        free(dn);
    }
    tls_error(err, "Failed to get certificate %s distinguished name: %s",
              SESSION_NAME, gnutls_strerror(rc));
    return NULL;
}

static int
check_dn_acl(const char *dn, char *const *acl, struct qd_err *err)
{
    for (; *acl; acl++) {
        if (qd_glob_match(*acl, dn))
            return 0;
    }
    QD_DEBUG("Failed ACL check for client DN '%s'", dn);
    return tls_error(err, "%s",
                     "Client's Distinguished Name is not on the list of "
                     "allowed clients (tls_allowed_dn_list).  Use "
                     "'virt-pki-query-dn clientcert.pem' to view the "
                     "Distinguished Name field in the client certificate, "
                     "or run this daemon with --verbose option.");
}

/* The checks of one certificate of the client's chain (@i = 0: the
 * client's own). */
static int
check_peer_cert(struct qd_tls *t, gnutls_x509_crt_t cert, unsigned i,
                struct qd_err *err)
{
    /* libvirt-compat: libvirt passes its own role here, so an expired
     * client certificate would read "The server certificate [session]
     * has expired"; verify_peers2 has refused bad dates already */
    if (check_cert_times(cert, SESSION_NAME, true, i > 0, err) < 0)
        return -1;
    if (i > 0)
        return 0;
    if (!(t->peer_dn = cert_dn(cert, err)))
        return -1;
    QD_DEBUG("Peer DN is %s", t->peer_dn);
    if (t->ctx->allowed_dn_list &&
        check_dn_acl(t->peer_dn, t->ctx->allowed_dn_list, err) < 0)
        return -1;
    /* the peer is a client: its certificate must be fit for one */
    if (check_cert_basic_constraints(cert, SESSION_NAME, false, false, err) <
            0 ||
        check_cert_key_usage(cert, SESSION_NAME, false, err) < 0 ||
        check_cert_key_purpose(cert, SESSION_NAME, false, err) < 0)
        return -1;
    return 0;
}

/* libvirt's virNetTLSContextValidCertificate on the server side. */
static int
valid_certificate(struct qd_tls *t, struct qd_err *err)
{
    const gnutls_datum_t *certs;
    unsigned status = 0, ncerts = 0, i;
    int rc;

    if ((rc = gnutls_certificate_verify_peers2(t->session, &status)) < 0)
        return tls_error(err, "Unable to verify TLS peer: %s",
                         gnutls_strerror(rc));
    if (status)
        return tls_error(err, "Certificate failed validation: %s",
                         verify_reason(status));
    if (gnutls_certificate_type_get(t->session) != GNUTLS_CRT_X509)
        return tls_error(err, "Only x509 certificates are supported");
    if (!(certs = gnutls_certificate_get_peers(t->session, &ncerts)))
        return tls_error(err, "The certificate has no peers");

    for (i = 0; i < ncerts; i++) {
        gnutls_x509_crt_t cert;

        if (gnutls_x509_crt_init(&cert) < 0)
            return tls_error(err, "Unable to initialize certificate");
        if (gnutls_x509_crt_import(cert, &certs[i], GNUTLS_X509_FMT_DER) < 0)
            rc = tls_error(err, "Unable to load certificate");
        else
            rc = check_peer_cert(t, cert, i, err);
        gnutls_x509_crt_deinit(cert);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* Loop thread, after the handshake: libvirt's
 * virNetTLSContextCheckCertificate. The client's DN, once read, stays
 * available even when it is refused (for the log). */
int
qd_tls_check_peer(struct qd_tls *t, struct qd_err *err)
{
    struct qd_err why = QD_ERR_INIT;

    free(t->peer_dn);
    t->peer_dn = NULL;
    if (valid_certificate(t, &why) == 0)
        return 0;
    if (!t->ctx->no_verify_certificate) {
        /* libvirt then replaces this with the generic AUTH_FAILED
         * "Failed to verify peer's certificate" after logging it; the
         * reason is what an administrator needs, so it is what we keep */
        qd_err_copy(err, &why);
        qd_err_clear(&why);
        return -1;
    }
    QD_WARN("Certificate check failed %s", why.message);
    QD_INFO("Ignoring bad certificate at user request");
    qd_err_clear(&why);
    return 0;
}

/* GnuTLS's record errors in read(2)/write(2) terms. */
static ssize_t
io_error(ssize_t rc, const char *op)
{
    switch (rc) {
    case GNUTLS_E_AGAIN:
    case GNUTLS_E_INTERRUPTED:
        errno = EAGAIN;
        return -1;
    case GNUTLS_E_PREMATURE_TERMINATION:
        /* the peer closed the socket without a close_notify alert:
         * libvirt's clients never send one, and the RPC framing already
         * guards against truncation, so this is an ordinary end */
        return 0;
    default:
        QD_DEBUG("TLS %s failed: %s", op, gnutls_strerror((int) rc));
        errno = EIO;
        return -1;
    }
}

/* Loop thread: record I/O, read(2)/write(2) style. */
ssize_t
qd_tls_read(struct qd_tls *t, void *buf, size_t len)
{
    ssize_t rc = gnutls_record_recv(t->session, buf, len);

    return rc >= 0 ? rc : io_error(rc, "read");
}

ssize_t
qd_tls_write(struct qd_tls *t, const void *buf, size_t len)
{
    ssize_t rc = gnutls_record_send(t->session, buf, len);

    if (rc == GNUTLS_E_PREMATURE_TERMINATION) {
        errno = EPIPE;
        return -1;
    }
    return rc >= 0 ? rc : io_error(rc, "write");
}

size_t
qd_tls_pending(const struct qd_tls *t)
{
    return gnutls_record_check_pending(t->session);
}

int
qd_tls_key_size(const struct qd_tls *t)
{
    size_t n = gnutls_cipher_get_key_size(gnutls_cipher_get(t->session));

    return n ? (int) n : -1;
}

const char *
qd_tls_peer_dn(const struct qd_tls *t)
{
    return t->peer_dn;
}
