/* SASL authentication and security layer on top of cyrus-sasl.
 *
 * A session goes NEW -> STARTED -> DONE (or FAILED); the exchange runs on
 * the worker handling the client's AUTH_SASL_* calls, the security layer
 * afterwards on the loop thread. cyrus-sasl owns the buffers it hands out:
 * the exchange's output lives until the next call on the connection, and
 * so does the output of sasl_encode/sasl_decode, which is why the layer
 * copies it into the caller's qd_buf at once.
 *
 * Partial packets on decode: every cyrus mechanism with a security layer
 * (DIGEST-MD5, GSSAPI, SRP, PASSDSS, KERBEROS_V4) decodes through
 * _plug_decode() in cyrus' plugins/plugin_common.c, which keeps an
 * incomplete length prefix or packet inside the connection and accepts
 * input of any length. Only the "no layer" path of sasl_decode refuses
 * input longer than the maxbufsize set in the security properties, so
 * input is fed in pieces of at most that size. */
#include <limits.h>
#include <pthread.h>
#include <string.h>

#include <sasl/sasl.h>

#include "rpc/sasl.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/glob.h"
#include "util/log.h"
#include "util/mem.h"

#define QD_LOG_MODULE "rpc.sasl"

/* libvirt-compat: the amount of data libvirt asks to receive in one
 * packet (virNetSASLSession's maxbufsize, 64 KiB). */
#define QD_SASL_MAXBUFSIZE (1U << 16)

enum qd_sasl_state {
    QD_SASL_NEW,          /* made; security properties may still change */
    QD_SASL_STARTED,      /* sasl_server_start said "continue" */
    QD_SASL_DONE,         /* authenticated: identity, SSF and layer ready */
    QD_SASL_FAILED,       /* the exchange failed; only qd_sasl_free left */
};

struct qd_sasl {
    sasl_conn_t *conn;
    enum qd_sasl_state state;
    unsigned maxoutbuf;   /* largest plaintext per packet we send, as
                             negotiated (SASL_MAXOUTBUF) once DONE */
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static int global_rc = SASL_NOTINIT;

static void
global_init_once(void)
{
    global_rc = sasl_server_init(NULL, "libvirt");
}

/* Main thread, before any session: load the plugins and libvirt.conf
 * (from SASL_CONF_PATH or cyrus' default directory). Repeated calls
 * return the first call's result. */
int
qd_sasl_global_init(struct qd_err *err)
{
    (void) pthread_once(&global_once, global_init_once);
    if (global_rc != SASL_OK)
        return qd_err_report(err, QD_ERR_AUTH_FAILED, QD_FROM_RPC,
                             "failed to initialize SASL library: %d (%s)",
                             global_rc, sasl_errstring(global_rc, NULL, NULL));
    return 0;
}

/* Worker: a server session for one client, service "libvirt", the host
 * name as realm (cyrus' default for a NULL FQDN and user realm, which is
 * also saslpasswd2's default realm). */
struct qd_sasl *
qd_sasl_new(const char *local_addr, const char *remote_addr,
            struct qd_err *err)
{
    struct qd_sasl *s = QD_NEW(struct qd_sasl);
    int rc;

    s->state = QD_SASL_NEW;
    rc = sasl_server_new("libvirt", NULL, NULL, local_addr, remote_addr,
                         NULL, SASL_SUCCESS_DATA, &s->conn);
    if (rc != SASL_OK) {
        /* libvirt-compat: libvirtd's text says "client" here too. */
        qd_err_report(err, QD_ERR_AUTH_FAILED, QD_FROM_RPC,
                      "Failed to create SASL client context: %d (%s)",
                      rc, sasl_errstring(rc, NULL, NULL));
        qd_sasl_free(s);
        return NULL;
    }
    QD_DEBUG("new SASL session %p local=%s remote=%s", (void *) s,
             local_addr ? local_addr : "-", remote_addr ? remote_addr : "-");
    return s;
}

/* Any thread; accepts NULL. */
void
qd_sasl_free(struct qd_sasl *s)
{
    if (!s)
        return;
    if (s->conn)
        sasl_dispose(&s->conn);
    free(s);
}

/* Worker, before the exchange: @ssf bits of protection TLS already gives
 * (it counts towards min_ssf, and lifts SASL_SEC_NOPLAINTEXT in cyrus). */
int
qd_sasl_set_ext_ssf(struct qd_sasl *s, int ssf, struct qd_err *err)
{
    sasl_ssf_t val;
    int rc;

    if (ssf < 0)
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_RPC,
                             "invalid external SSF %d", ssf);
    val = (sasl_ssf_t) ssf;
    rc = sasl_setprop(s->conn, SASL_SSF_EXTERNAL, &val);
    if (rc != SASL_OK)
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_RPC,
                             "cannot set external SSF %d (%s)",
                             rc, sasl_errstring(rc, NULL, NULL));
    return 0;
}

/* Worker, before the exchange. The buffer size we announce (64 KiB, as
 * libvirt) bounds the packets the peer may send us. */
int
qd_sasl_set_secprops(struct qd_sasl *s, int min_ssf, int max_ssf,
                     bool allow_anonymous, struct qd_err *err)
{
    sasl_security_properties_t props;
    int rc;

    if (min_ssf < 0 || max_ssf < 0)
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_RPC,
                             "invalid SSF range %d..%d", min_ssf, max_ssf);
    QD_DEBUG("SASL session %p: min_ssf=%d max_ssf=%d anonymous=%d "
             "maxbufsize=%u", (void *) s, min_ssf, max_ssf,
             allow_anonymous, QD_SASL_MAXBUFSIZE);
    memset(&props, 0, sizeof(props));
    props.min_ssf = (sasl_ssf_t) min_ssf;
    props.max_ssf = (sasl_ssf_t) max_ssf;
    props.maxbufsize = QD_SASL_MAXBUFSIZE;
    /* libvirt-compat: where anonymous mechanisms are refused (plain TCP),
     * libvirtd refuses plaintext-password ones as well. */
    props.security_flags = allow_anonymous ? 0 :
        SASL_SEC_NOANONYMOUS | SASL_SEC_NOPLAINTEXT;
    rc = sasl_setprop(s->conn, SASL_SEC_PROPS, &props);
    if (rc != SASL_OK)
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_RPC,
                             "cannot set security props %d (%s)",
                             rc, sasl_errstring(rc, NULL, NULL));
    return 0;
}

/* Worker: the mechanisms the configuration and the security properties
 * allow, "A,B,C"; none at all is an error, as in libvirtd. */
char *
qd_sasl_mechlist(struct qd_sasl *s, struct qd_err *err)
{
    const char *list = NULL;
    int rc;

    rc = sasl_listmech(s->conn, NULL, "", ",", "", &list, NULL, NULL);
    if (rc != SASL_OK) {
        qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_RPC,
                      "cannot list SASL mechanisms %d (%s)",
                      rc, sasl_errdetail(s->conn));
        return NULL;
    }
    QD_DEBUG("SASL session %p: mechanisms '%s'", (void *) s, list);
    if (!list || !*list) {
        qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_RPC, "%s",
                      "no SASL mechanisms are available");
        return NULL;
    }
    return qd_strdup(list);
}

/* The end of one exchange step: map cyrus' @rc, and on completion record
 * how much plaintext one packet of the security layer may carry. */
static int
step_result(struct qd_sasl *s, int rc, unsigned outlen, const char **out,
            size_t *outlen_ret, struct qd_err *err)
{
    const void *val = NULL;
    int prc;

    *outlen_ret = outlen;
    if (rc == SASL_CONTINUE) {
        s->state = QD_SASL_STARTED;
        return 1;
    }
    if (rc != SASL_OK) {
        s->state = QD_SASL_FAILED;
        *out = NULL;
        *outlen_ret = 0;
        /* libvirt-compat: libvirtd says "start" for the steps as well. */
        return qd_err_report(err, QD_ERR_AUTH_FAILED, QD_FROM_RPC,
                             "Failed to start SASL negotiation: %d (%s)",
                             rc, sasl_errdetail(s->conn));
    }
    prc = sasl_getprop(s->conn, SASL_MAXOUTBUF, &val);
    if (prc != SASL_OK || !val) {
        s->state = QD_SASL_FAILED;
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_RPC,
                             "cannot get security props %d (%s)",
                             prc, sasl_errstring(prc, NULL, NULL));
    }
    s->maxoutbuf = *(const unsigned *) val;
    s->state = QD_SASL_DONE;
    QD_DEBUG("SASL session %p: complete, maxoutbuf %u", (void *) s,
             s->maxoutbuf);
    return 0;
}

/* Worker: the first step, NEW -> STARTED/DONE/FAILED. A failed exchange
 * cannot be retried on the same session (libvirtd drops it too). */
int
qd_sasl_start(struct qd_sasl *s, const char *mech, const char *in,
              size_t inlen, const char **out, size_t *outlen,
              struct qd_err *err)
{
    unsigned olen = 0;
    int rc;

    *out = NULL;
    *outlen = 0;
    if (s->state != QD_SASL_NEW)
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_RPC, "%s",
                             "SASL negotiation already started");
    if (inlen > UINT_MAX || (!in && inlen)) {
        s->state = QD_SASL_FAILED;
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_RPC,
                             "invalid SASL data length %zu", inlen);
    }
    QD_DEBUG("SASL session %p: start mech=%s data=%zu nil=%d", (void *) s,
             mech, inlen, in == NULL);
    rc = sasl_server_start(s->conn, mech, in, (unsigned) inlen, out, &olen);
    return step_result(s, rc, olen, out, outlen, err);
}

/* Worker: a further step, STARTED -> STARTED/DONE/FAILED. */
int
qd_sasl_step(struct qd_sasl *s, const char *in, size_t inlen,
             const char **out, size_t *outlen, struct qd_err *err)
{
    unsigned olen = 0;
    int rc;

    *out = NULL;
    *outlen = 0;
    if (s->state != QD_SASL_STARTED)
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_RPC, "%s",
                             "no SASL negotiation in progress");
    if (inlen > UINT_MAX || (!in && inlen)) {
        s->state = QD_SASL_FAILED;
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_RPC,
                             "invalid SASL data length %zu", inlen);
    }
    QD_DEBUG("SASL session %p: step data=%zu nil=%d", (void *) s, inlen,
             in == NULL);
    rc = sasl_server_step(s->conn, in, (unsigned) inlen, out, &olen);
    return step_result(s, rc, olen, out, outlen, err);
}

/* Worker: the security layer's strength, 0 when there is none. */
int
qd_sasl_ssf(struct qd_sasl *s, struct qd_err *err)
{
    const void *val = NULL;
    int rc;

    rc = sasl_getprop(s->conn, SASL_SSF, &val);
    if (rc != SASL_OK || !val)
        return qd_err_report(err, QD_ERR_AUTH_FAILED, QD_FROM_RPC,
                             "cannot query SASL ssf on connection %d (%s)",
                             rc, sasl_errstring(rc, NULL, NULL));
    return (int) *(const sasl_ssf_t *) val;
}

/* Worker: the authenticated (authorization) user name, NULL before
 * completion. Owned by cyrus, valid while @s lives. */
const char *
qd_sasl_identity(struct qd_sasl *s)
{
    const void *val = NULL;

    if (s->state != QD_SASL_DONE)
        return NULL;
    if (sasl_getprop(s->conn, SASL_USERNAME, &val) != SASL_OK)
        return NULL;
    return val;
}

/* Any thread. libvirt's globs (util/glob.h): "joe@EXAMPLE.COM",
 * "*@EXAMPLE.COM". */
bool
qd_sasl_identity_allowed(char *const *list, const char *identity)
{
    if (!list)
        return true;
    if (!identity)
        return false;
    for (; *list; list++) {
        if (qd_glob_match(*list, identity))
            return true;
    }
    QD_DEBUG("SASL identity '%s' matches no allowed pattern", identity);
    return false;
}

/* Loop thread, after completion: one packet per maxoutbuf bytes of
 * plaintext, as libvirt's socket layer cuts them (cyrus' sasl_encodev
 * would also split longer input itself; cutting here keeps each call to
 * one packet and independent of that). On error @out may hold the
 * packets made so far; the connection is closed anyway. */
int
qd_sasl_encode(struct qd_sasl *s, const void *in, size_t len,
               struct qd_buf *out, struct qd_err *err)
{
    const char *p = in;
    size_t chunk;

    if (s->state != QD_SASL_DONE)
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_RPC, "%s",
                             "SASL security layer used before authentication");
    /* The "no layer" case leaves maxoutbuf at the buffer size we asked
     * for; 0 would only come from a broken mechanism. */
    chunk = s->maxoutbuf ? s->maxoutbuf : QD_SASL_MAXBUFSIZE;
    while (len > 0) {
        const char *enc = NULL;
        unsigned enclen = 0;
        size_t n = len < chunk ? len : chunk;
        int rc;

        rc = sasl_encode(s->conn, p, (unsigned) n, &enc, &enclen);
        if (rc != SASL_OK)
            return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_RPC,
                                 "failed to encode SASL data: %d (%s)",
                                 rc, sasl_errstring(rc, NULL, NULL));
        if (enclen)
            qd_buf_append(out, enc, enclen);
        p += n;
        len -= n;
    }
    return 0;
}

/* Loop thread, after completion: whatever whole packets @in completes
 * are appended (possibly nothing); the rest waits inside cyrus (see the
 * top of the file). */
int
qd_sasl_decode(struct qd_sasl *s, const void *in, size_t len,
               struct qd_buf *out, struct qd_err *err)
{
    const char *p = in;

    if (s->state != QD_SASL_DONE)
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_RPC, "%s",
                             "SASL security layer used before authentication");
    while (len > 0) {
        const char *dec = NULL;
        unsigned declen = 0;
        size_t n = len < QD_SASL_MAXBUFSIZE ? len : QD_SASL_MAXBUFSIZE;
        int rc;

        rc = sasl_decode(s->conn, p, (unsigned) n, &dec, &declen);
        if (rc != SASL_OK)
            return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_RPC,
                                 "failed to decode SASL data: %d (%s)",
                                 rc, sasl_errstring(rc, NULL, NULL));
        if (declen)
            qd_buf_append(out, dec, declen);
        p += n;
        len -= n;
    }
    return 0;
}
