/* tests/unit/test_tls.c: qd_tls against a real GnuTLS client, in process.
 *
 * The group setup makes a throw-away PKI with tests/integration/pki.py
 * (certtool, from gnutls-bin) in a temporary directory: a CA with a CRL,
 * a second CA, the server's certificate and one client directory per case
 * (good, otherca, expired, notyet, revoked, baddn, nocert). Each test
 * connects a qd_tls server session and a GnuTLS client session over a
 * non-blocking socketpair and steps both handshakes alternately in this
 * one thread. Without python3 or certtool the whole binary FAILS. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>

#include "rpc/tls.h"
#include "util/err.h"
#include "util/mem.h"

#define BIG (1024 * 1024)

static char tmpdir[] = "/tmp/qd-tls-XXXXXX";
static char pki[300];
static char good_dn[512];
/* the server's files (stable: configs keep pointers to them) */
static char ca_file[400], crl_file[400], cert_file[400], key_file[400];

static const char *
path(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A path under the PKI, in a ring of 8 buffers: good for a few calls,
 * not for keeping. */
static const char *
path(const char *fmt, ...)
{
    static char bufs[8][600];
    static unsigned next;
    char rel[256];
    char *b = bufs[next++ % 8];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(rel, sizeof(rel), fmt, ap);
    va_end(ap);
    snprintf(b, sizeof(bufs[0]), "%s/%s", pki, rel);
    return b;
}

/* The first line of @cmd's output (no newline), or "" if it printed none. */
static void
first_line(const char *cmd, char *out, size_t size)
{
    FILE *f = popen(cmd, "r");

    out[0] = '\0';
    assert_non_null(f);
    if (fgets(out, (int) size, f))
        out[strcspn(out, "\n")] = '\0';
    (void) pclose(f);
}

static int
group_setup(void **state)
{
    const char *data = getenv("QD_TEST_DATA_DIR");
    char cmd[1024];
    FILE *f;

    (void) state;
    if (!data) {
        fprintf(stderr, "QD_TEST_DATA_DIR is not set\n");
        return -1;
    }
    if (!mkdtemp(tmpdir))
        return -1;
    snprintf(pki, sizeof(pki), "%s/pki", tmpdir);
    snprintf(ca_file, sizeof(ca_file), "%s/ca/cacert.pem", pki);
    snprintf(crl_file, sizeof(crl_file), "%s/ca/cacrl.pem", pki);
    snprintf(cert_file, sizeof(cert_file), "%s/server/servercert.pem", pki);
    snprintf(key_file, sizeof(key_file), "%s/server/serverkey.pem", pki);
    snprintf(cmd, sizeof(cmd),
             "/usr/bin/python3 '%s/../integration/pki.py' '%s' >/dev/null",
             data, pki);
    if (system(cmd) != 0) {
        fprintf(stderr, "'%s' failed (python3 and certtool needed)\n", cmd);
        return -1;
    }
    if (!(f = fopen(path("clients/good/clientdn.txt"), "r")))
        return -1;
    if (!fgets(good_dn, sizeof(good_dn), f)) {
        (void) fclose(f);
        return -1;
    }
    (void) fclose(f);
    good_dn[strcspn(good_dn, "\n")] = '\0';
    return 0;
}

static int
group_teardown(void **state)
{
    char cmd[300];

    (void) state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* ---- helpers ------------------------------------------------------------ */

/* The server settings of the PKI: CA, CRL, our certificate. */
static struct qd_tls_config
server_config(void)
{
    struct qd_tls_config cfg = {
        .key_file = key_file,
        .cert_file = cert_file,
        .ca_file = ca_file,
        .crl_file = crl_file,
    };

    return cfg;
}

static struct qd_tls_ctx *
ctx_new_ok(const struct qd_tls_config *cfg)
{
    struct qd_err err = QD_ERR_INIT;
    struct qd_tls_ctx *ctx = qd_tls_ctx_new(cfg, &err);

    if (!ctx)
        fail_msg("qd_tls_ctx_new: %s", err.message);
    return ctx;
}

/* qd_tls_ctx_new must fail with code 38, domain 7 and @msg. */
static void
ctx_new_fails(const struct qd_tls_config *cfg, const char *msg)
{
    struct qd_err err = QD_ERR_INIT;

    assert_null(qd_tls_ctx_new(cfg, &err));
    assert_int_equal(err.code, QD_ERR_SYSTEM_ERROR);
    assert_int_equal(err.domain, QD_FROM_RPC);
    assert_int_equal(err.level, QD_ERR_LEVEL_ERROR);
    assert_string_equal(err.message, msg);
    qd_err_clear(&err);
}

struct conn {
    int sfd, cfd;
    struct qd_tls *srv;
    gnutls_session_t cli;
    gnutls_certificate_credentials_t ccred;
    gnutls_pcert_st pcert; /* the forced client's certificate and key */
    gnutls_privkey_t pkey;
};

/* A GnuTLS client only sends a certificate issued by one of the CAs the
 * server names in its request (libvirt's client too), so a certificate
 * from another CA is not even sent. OpenSSL clients (Python's ssl) send
 * theirs regardless; a "forced" client does the same. */
static int
force_retrieve(gnutls_session_t session, const gnutls_datum_t *req_ca_dn,
               int nreqs, const gnutls_pk_algorithm_t *algos, int nalgos,
               gnutls_pcert_st **ret_pcert, unsigned *ret_npcert,
               gnutls_privkey_t *ret_key)
{
    struct conn *c = gnutls_session_get_ptr(session);

    (void) req_ca_dn;
    (void) nreqs;
    (void) algos;
    (void) nalgos;
    *ret_pcert = &c->pcert;
    *ret_npcert = 1;
    *ret_key = c->pkey;
    return 0;
}

static void
force_load(struct conn *c, const char *client)
{
    gnutls_datum_t data;

    assert_int_equal(gnutls_load_file(path("clients/%s/clientcert.pem",
                                           client), &data), 0);
    assert_int_equal(gnutls_pcert_import_x509_raw(&c->pcert, &data,
                                                  GNUTLS_X509_FMT_PEM, 0), 0);
    gnutls_free(data.data);
    assert_int_equal(gnutls_load_file(path("clients/%s/clientkey.pem",
                                           client), &data), 0);
    assert_int_equal(gnutls_privkey_init(&c->pkey), 0);
    assert_int_equal(gnutls_privkey_import_x509_raw(c->pkey, &data,
                                                    GNUTLS_X509_FMT_PEM,
                                                    NULL, 0), 0);
    gnutls_free(data.data);
    gnutls_certificate_set_retrieve_function2(c->ccred, force_retrieve);
}

/* A qd_tls server session on one end of a socketpair and a GnuTLS client
 * on the other, presenting clients/@client's certificate (none for
 * "nocert"; @force: whatever CAs the server names) and verifying the
 * server as "localhost" against the CA. */
static void
conn_open(struct conn *c, struct qd_tls_ctx *ctx, const char *client,
          bool force)
{
    struct qd_err err = QD_ERR_INIT;
    int sv[2];

    memset(c, 0, sizeof(*c));
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK |
                                    SOCK_CLOEXEC, 0, sv), 0);
    c->sfd = sv[0];
    c->cfd = sv[1];
    c->srv = qd_tls_new(ctx, c->sfd, &err);
    if (!c->srv)
        fail_msg("qd_tls_new: %s", err.message);

    assert_int_equal(gnutls_certificate_allocate_credentials(&c->ccred), 0);
    assert_true(gnutls_certificate_set_x509_trust_file(
                    c->ccred, path("clients/%s/cacert.pem", client),
                    GNUTLS_X509_FMT_PEM) > 0);
    if (force)
        force_load(c, client);
    else if (strcmp(client, "nocert") != 0)
        assert_int_equal(gnutls_certificate_set_x509_key_file(
                             c->ccred,
                             path("clients/%s/clientcert.pem", client),
                             path("clients/%s/clientkey.pem", client),
                             GNUTLS_X509_FMT_PEM),
                         0);
    assert_int_equal(gnutls_init(&c->cli, GNUTLS_CLIENT | GNUTLS_NONBLOCK), 0);
    assert_int_equal(gnutls_set_default_priority(c->cli), 0);
    assert_int_equal(gnutls_credentials_set(c->cli, GNUTLS_CRD_CERTIFICATE,
                                            c->ccred), 0);
    gnutls_session_set_ptr(c->cli, c);
    gnutls_session_set_verify_cert(c->cli, "localhost", 0);
    gnutls_transport_set_int(c->cli, c->cfd);
}

static void
conn_close(struct conn *c)
{
    qd_tls_free(c->srv);
    if (c->cli)
        gnutls_deinit(c->cli);
    if (c->ccred)
        gnutls_certificate_free_credentials(c->ccred);
    if (c->pkey) {
        gnutls_pcert_deinit(&c->pcert);
        gnutls_privkey_deinit(c->pkey);
    }
    if (c->sfd >= 0)
        (void) close(c->sfd);
    if (c->cfd >= 0)
        (void) close(c->cfd);
}

/* Steps both handshakes until both are done: 0, or -1 with @err set by
 * the server side. The client side must not fail. */
static int
handshake(struct conn *c, struct qd_err *err)
{
    bool sdone = false, cdone = false;
    int i, rc;

    for (i = 0; i < 1000 && !(sdone && cdone); i++) {
        if (!sdone) {
            rc = qd_tls_handshake(c->srv, err);
            if (rc < 0)
                return -1;
            assert_true(rc == 0 || rc == 1);
            if (rc == 1)
                assert_true(err->code == 0);
            sdone = rc == 0;
        }
        if (!cdone) {
            rc = gnutls_handshake(c->cli);
            if (rc != 0 && rc != GNUTLS_E_AGAIN && rc != GNUTLS_E_INTERRUPTED)
                fail_msg("client handshake: %s", gnutls_strerror(rc));
            cdone = rc == 0;
        }
    }
    assert_true(sdone && cdone);
    return 0;
}

/* Handshake, then the server's verdict on the client's certificate. */
static int
connect_and_check(struct conn *c, struct qd_tls_ctx *ctx, const char *client,
                  bool force, struct qd_err *err)
{
    conn_open(c, ctx, client, force);
    if (handshake(c, err) < 0)
        fail_msg("server handshake: %s", err->message);
    return qd_tls_check_peer(c->srv, err);
}

/* @client must be refused by @ctx with code 38, domain 7 and @msg. */
static void
assert_refused_how(struct qd_tls_ctx *ctx, const char *client, bool force,
                   const char *msg)
{
    struct qd_err err = QD_ERR_INIT;
    struct conn c;

    assert_int_equal(connect_and_check(&c, ctx, client, force, &err), -1);
    assert_int_equal(err.code, QD_ERR_SYSTEM_ERROR);
    assert_int_equal(err.domain, QD_FROM_RPC);
    assert_string_equal(err.message, msg);
    qd_err_clear(&err);
    conn_close(&c);
}

static void
assert_refused(struct qd_tls_ctx *ctx, const char *client, const char *msg)
{
    assert_refused_how(ctx, client, false, msg);
}

/* @client must be accepted by @ctx; leaves the connection open. */
static void
assert_accepted_how(struct conn *c, struct qd_tls_ctx *ctx,
                    const char *client, bool force)
{
    struct qd_err err = QD_ERR_INIT;

    if (connect_and_check(c, ctx, client, force, &err) < 0)
        fail_msg("%s refused: %s", client, err.message);
    assert_int_equal(err.code, 0);
}

static void
assert_accepted(struct conn *c, struct qd_tls_ctx *ctx, const char *client)
{
    assert_accepted_how(c, ctx, client, false);
}

/* ---- accepted clients: identity and data ------------------------------ */

static void
test_good_client(void **state)
{
    static const char hello[] = "hello, ", world[] = "world";
    char *const acl[] = { "C=XX,O=nobody,*", good_dn, NULL };
    struct qd_tls_config cfg = server_config();
    struct qd_tls_ctx *ctx;
    char buf[64], dn[512], cmd[700];
    struct conn c;
    int ks;

    (void) state;
    cfg.allowed_dn_list = acl;
    ctx = ctx_new_ok(&cfg);
    assert_accepted(&c, ctx, "good");

    /* the DN is the one virt-pki-query-dn prints */
    assert_non_null(qd_tls_peer_dn(c.srv));
    assert_string_equal(qd_tls_peer_dn(c.srv), good_dn);
    assert_string_equal(qd_tls_peer_dn(c.srv),
                        "C=GB,L=London,O=qemud test,CN=client.good");
    if (system("command -v virt-pki-query-dn >/dev/null 2>&1") == 0) {
        snprintf(cmd, sizeof(cmd), "virt-pki-query-dn '%s'",
                 path("clients/good/clientcert.pem"));
        first_line(cmd, dn, sizeof(dn));
        assert_string_equal(qd_tls_peer_dn(c.srv), dn);
    }

    ks = qd_tls_key_size(c.srv);
    assert_int_equal(ks, (int) gnutls_cipher_get_key_size(
                             gnutls_cipher_get(c.cli)));
    assert_true(ks == 16 || ks == 32);

    /* two records; a short read leaves the rest of the first buffered in
     * the session, where epoll cannot see it */
    assert_int_equal(gnutls_record_send(c.cli, hello, 7), 7);
    assert_int_equal(gnutls_record_send(c.cli, world, 5), 5);
    assert_int_equal(qd_tls_pending(c.srv), 0);
    assert_int_equal(qd_tls_read(c.srv, buf, 4), 4);
    assert_memory_equal(buf, "hell", 4);
    assert_int_equal(qd_tls_pending(c.srv), 3);
    assert_int_equal(qd_tls_read(c.srv, buf, sizeof(buf)), 3);
    assert_memory_equal(buf, "o, ", 3);
    assert_int_equal(qd_tls_pending(c.srv), 0);
    assert_int_equal(qd_tls_read(c.srv, buf, sizeof(buf)), 5);
    assert_memory_equal(buf, "world", 5);
    errno = 0;
    assert_int_equal(qd_tls_read(c.srv, buf, sizeof(buf)), -1);
    assert_int_equal(errno, EAGAIN);
    assert_false(qd_tls_wants_write(c.srv));

    /* server -> client: reply text */
    assert_int_equal(qd_tls_write(c.srv, "\1", 1), 1);
    assert_int_equal(gnutls_record_recv(c.cli, buf, sizeof(buf)), 1);
    assert_int_equal(buf[0], 1);

    /* orderly end: close_notify reads as 0 */
    assert_int_equal(gnutls_bye(c.cli, GNUTLS_SHUT_WR), 0);
    assert_int_equal(qd_tls_read(c.srv, buf, sizeof(buf)), 0);

    conn_close(&c);
    qd_tls_ctx_unref(ctx);
}

/* A megabyte through a socketpair: the server's writes hit EAGAIN, say
 * they want to write, and are repeated with the same data. */
static void
test_big_write(void **state)
{
    struct qd_tls_config cfg = server_config();
    struct qd_tls_ctx *ctx = ctx_new_ok(&cfg);
    unsigned char *out = qd_malloc(BIG), *in = qd_malloc(BIG);
    size_t sent = 0, got = 0;
    bool saw_again = false;
    struct conn c;
    size_t i;

    (void) state;
    for (i = 0; i < BIG; i++)
        out[i] = (unsigned char) (i * 7 + i / 251);
    assert_accepted(&c, ctx, "good");

    while (got < BIG) {
        ssize_t n;

        /* write until the socket is full, then let the client drain it */
        while (sent < BIG) {
            size_t chunk = BIG - sent < 65536 ? BIG - sent : 65536;

            errno = 0;
            n = qd_tls_write(c.srv, out + sent, chunk);
            if (n < 0) {
                assert_int_equal(errno, EAGAIN);
                assert_true(qd_tls_wants_write(c.srv));
                saw_again = true;
                break;
            }
            assert_true(n > 0 && (size_t) n <= chunk);
            sent += (size_t) n;
        }
        while (got < BIG &&
               (n = gnutls_record_recv(c.cli, in + got, BIG - got)) !=
                   GNUTLS_E_AGAIN) {
            assert_true(n > 0);
            got += (size_t) n;
        }
    }
    assert_true(saw_again);
    assert_memory_equal(in, out, BIG);

    /* the peer goes away without close_notify (libvirt's client never
     * sends one): an ordinary end of input */
    (void) close(c.cfd);
    c.cfd = -1;
    assert_int_equal(qd_tls_read(c.srv, in, 16), 0);

    conn_close(&c);
    qd_tls_ctx_unref(ctx);
    free(out);
    free(in);
}

/* ---- refused clients --------------------------------------------------- */

static void
test_other_ca_refused(void **state)
{
    struct qd_tls_config cfg = server_config();
    struct qd_tls_ctx *ctx = ctx_new_ok(&cfg);

    (void) state;
    assert_refused_how(ctx, "otherca", true,
                       "Certificate failed validation: The certificate "
                       "hasn't got a known issuer.");
    /* what a GnuTLS client (virsh) gets: it sends no certificate */
    assert_refused(ctx, "otherca",
                   "Unable to verify TLS peer: No certificate was found.");
    qd_tls_ctx_unref(ctx);
}

/* GnuTLS flags bad dates as INVALID|EXPIRED or INVALID|NOT_ACTIVATED;
 * libvirt's reason for both is the INVALID one. */
static void
test_expired_refused(void **state)
{
    struct qd_tls_config cfg = server_config();
    struct qd_tls_ctx *ctx = ctx_new_ok(&cfg);

    (void) state;
    assert_refused(ctx, "expired",
                   "Certificate failed validation: The certificate is not "
                   "trusted.");
    assert_refused(ctx, "notyet",
                   "Certificate failed validation: The certificate is not "
                   "trusted.");
    qd_tls_ctx_unref(ctx);
}

static void
test_revoked_refused(void **state)
{
    struct qd_tls_config cfg = server_config();
    struct qd_tls_ctx *ctx;
    struct conn c;

    (void) state;
    ctx = ctx_new_ok(&cfg);
    assert_refused(ctx, "revoked",
                   "Certificate failed validation: The certificate has been "
                   "revoked.");
    qd_tls_ctx_unref(ctx);

    /* crl_file naming a missing file means no CRL */
    cfg.crl_file = path("ca/missing-crl.pem");
    ctx = ctx_new_ok(&cfg);
    assert_accepted(&c, ctx, "revoked");
    conn_close(&c);
    qd_tls_ctx_unref(ctx);
}

#define DN_REFUSED                                                           \
    "Client's Distinguished Name is not on the list of allowed clients "    \
    "(tls_allowed_dn_list).  Use 'virt-pki-query-dn clientcert.pem' to "    \
    "view the Distinguished Name field in the client certificate, or run "  \
    "this daemon with --verbose option."

static void
test_dn_list(void **state)
{
    char *const only_good[] = { good_dn, NULL };
    char *const nobody[] = { NULL };
    char *const glob_ok[] = { "*CN=client.go?d", NULL };
    char *const glob_short[] = { "*CN=client.go?", NULL };
    char *const glob_mid[] = { "C=GB,*,CN=client.*", NULL };
    struct qd_tls_config cfg = server_config();
    struct qd_err err = QD_ERR_INIT;
    struct qd_tls_ctx *ctx;
    struct conn c;

    (void) state;
    cfg.allowed_dn_list = only_good;
    ctx = ctx_new_ok(&cfg);
    /* refused, but the DN was read (libvirt keeps it for the logs) */
    assert_int_equal(connect_and_check(&c, ctx, "baddn", false, &err), -1);
    assert_int_equal(err.code, QD_ERR_SYSTEM_ERROR);
    assert_int_equal(err.domain, QD_FROM_RPC);
    assert_string_equal(err.message, DN_REFUSED);
    assert_string_equal(qd_tls_peer_dn(c.srv),
                        "C=GB,L=London,O=qemud test,CN=intruder.example");
    qd_err_clear(&err);
    conn_close(&c);
    qd_tls_ctx_unref(ctx);

    /* an empty list lets nobody in */
    cfg.allowed_dn_list = nobody;
    ctx = ctx_new_ok(&cfg);
    assert_refused(ctx, "good", DN_REFUSED);
    qd_tls_ctx_unref(ctx);

    /* no list: any DN */
    cfg.allowed_dn_list = NULL;
    ctx = ctx_new_ok(&cfg);
    assert_accepted(&c, ctx, "baddn");
    conn_close(&c);
    qd_tls_ctx_unref(ctx);

    /* glob: '?' is one character, '*' any run, the whole DN must match */
    cfg.allowed_dn_list = glob_ok;
    ctx = ctx_new_ok(&cfg);
    assert_accepted(&c, ctx, "good");
    conn_close(&c);
    qd_tls_ctx_unref(ctx);
    cfg.allowed_dn_list = glob_short;
    ctx = ctx_new_ok(&cfg);
    assert_refused(ctx, "good", DN_REFUSED);
    qd_tls_ctx_unref(ctx);
    cfg.allowed_dn_list = glob_mid;
    ctx = ctx_new_ok(&cfg);
    assert_accepted(&c, ctx, "good");
    conn_close(&c);
    assert_refused(ctx, "baddn", DN_REFUSED);
    qd_tls_ctx_unref(ctx);
}

/* A client that sends no certificate at all. */
static void
test_no_certificate(void **state)
{
    struct qd_tls_config cfg = server_config();
    struct qd_tls_ctx *ctx = ctx_new_ok(&cfg);
    struct qd_err err = QD_ERR_INIT;
    struct conn c;

    (void) state;
    assert_int_equal(connect_and_check(&c, ctx, "nocert", false, &err), -1);
    assert_int_equal(err.code, QD_ERR_SYSTEM_ERROR);
    assert_int_equal(err.domain, QD_FROM_RPC);
    assert_string_equal(err.message,
                        "Unable to verify TLS peer: No certificate was found.");
    assert_null(qd_tls_peer_dn(c.srv));
    qd_err_clear(&err);
    conn_close(&c);
    qd_tls_ctx_unref(ctx);
}

static void
test_no_verify_certificate(void **state)
{
    char *const only_good[] = { good_dn, NULL };
    struct qd_tls_config cfg = server_config();
    struct qd_tls_ctx *ctx;
    struct conn c;
    char buf[8];

    (void) state;
    cfg.no_verify_certificate = true;
    cfg.allowed_dn_list = only_good;
    ctx = ctx_new_ok(&cfg);

    assert_accepted(&c, ctx, "nocert");
    assert_null(qd_tls_peer_dn(c.srv));
    assert_int_equal(gnutls_record_send(c.cli, "ok", 2), 2);
    assert_int_equal(qd_tls_read(c.srv, buf, sizeof(buf)), 2);
    conn_close(&c);

    /* bad certificates are let in too, as libvirtd does */
    assert_accepted_how(&c, ctx, "otherca", true);
    conn_close(&c);
    assert_accepted(&c, ctx, "baddn");
    assert_string_equal(qd_tls_peer_dn(c.srv),
                        "C=GB,L=London,O=qemud test,CN=intruder.example");
    conn_close(&c);
    qd_tls_ctx_unref(ctx);
}

/* A client that does not speak TLS at all. */
static void
test_handshake_garbage(void **state)
{
    static const char junk[] = "GET / HTTP/1.0\r\n\r\n";
    struct qd_tls_config cfg = server_config();
    struct qd_tls_ctx *ctx = ctx_new_ok(&cfg);
    struct qd_err err = QD_ERR_INIT;
    struct conn c;
    int rc;

    (void) state;
    conn_open(&c, ctx, "good", false);
    assert_int_equal(qd_tls_handshake(c.srv, &err), 1);
    assert_false(qd_tls_wants_write(c.srv));
    assert_int_equal(write(c.cfd, junk, sizeof(junk) - 1),
                     (ssize_t) sizeof(junk) - 1);
    rc = qd_tls_handshake(c.srv, &err);
    assert_int_equal(rc, -1);
    assert_int_equal(err.code, QD_ERR_AUTH_FAILED);
    assert_int_equal(err.domain, QD_FROM_RPC);
    assert_int_equal(strncmp(err.message,
                             "authentication failed: TLS handshake failed ",
                             44), 0);
    assert_true(strlen(err.message) > 44);
    qd_err_clear(&err);
    conn_close(&c);
    qd_tls_ctx_unref(ctx);
}

/* ---- context: files and sanity checks ------------------------------------ */

static void
test_missing_files(void **state)
{
    struct qd_tls_config cfg = server_config();
    char msg[1024];

    (void) state;
    cfg.ca_file = path("ca/nope.pem");
    snprintf(msg, sizeof(msg),
             "Cannot read CA certificate '%s': No such file or directory",
             cfg.ca_file);
    ctx_new_fails(&cfg, msg);

    cfg = server_config();
    cfg.cert_file = path("server/nope.pem");
    snprintf(msg, sizeof(msg),
             "Cannot read certificate '%s': No such file or directory",
             cfg.cert_file);
    ctx_new_fails(&cfg, msg);

    cfg = server_config();
    cfg.key_file = path("server/nope.pem");
    snprintf(msg, sizeof(msg),
             "Cannot read private key '%s': No such file or directory",
             cfg.key_file);
    ctx_new_fails(&cfg, msg);
}

static void
test_sanity_checks(void **state)
{
    struct qd_tls_config cfg = server_config();
    struct qd_tls_ctx *ctx;
    char msg[1024];

    (void) state;
    /* our own certificate out of its dates */
    cfg.cert_file = path("clients/expired/clientcert.pem");
    cfg.key_file = path("clients/expired/clientkey.pem");
    snprintf(msg, sizeof(msg), "The server certificate %s has expired",
             cfg.cert_file);
    ctx_new_fails(&cfg, msg);
    cfg.cert_file = path("clients/notyet/clientcert.pem");
    cfg.key_file = path("clients/notyet/clientkey.pem");
    snprintf(msg, sizeof(msg), "The server certificate %s is not yet active",
             cfg.cert_file);
    ctx_new_fails(&cfg, msg);
    /* ... which tls_no_sanity_certificate lets through */
    cfg.no_sanity_certificate = true;
    ctx = ctx_new_ok(&cfg);
    qd_tls_ctx_unref(ctx);

    /* not issued by our CA (its client-only purpose is not critical: a
     * warning only) */
    cfg = server_config();
    cfg.cert_file = path("clients/otherca/clientcert.pem");
    cfg.key_file = path("clients/otherca/clientkey.pem");
    snprintf(msg, sizeof(msg),
             "Our own certificate %s failed validation against %s: The "
             "certificate hasn't got a known issuer.",
             cfg.cert_file, cfg.ca_file);
    ctx_new_fails(&cfg, msg);

    /* a CA file holding a certificate that is no CA */
    cfg = server_config();
    cfg.ca_file = path("server/servercert.pem");
    snprintf(msg, sizeof(msg),
             "The certificate %s basic constraints do not show a CA",
             cfg.ca_file);
    ctx_new_fails(&cfg, msg);

    /* a CA certificate as our own */
    cfg = server_config();
    cfg.cert_file = path("ca/cacert.pem");
    cfg.key_file = path("ca/cakey.pem");
    snprintf(msg, sizeof(msg),
             "The certificate %s basic constraints show a CA, but we need "
             "one for a server",
             cfg.cert_file);
    ctx_new_fails(&cfg, msg);

    /* a file that is no certificate */
    cfg = server_config();
    cfg.cert_file = path("server/serverkey.pem");
    snprintf(msg, sizeof(msg), "Unable to import server certificate %s",
             cfg.cert_file);
    ctx_new_fails(&cfg, msg);
}

static void
test_bad_priority(void **state)
{
    struct qd_tls_config cfg = server_config();
    struct qd_err err = QD_ERR_INIT;
    struct qd_tls_ctx *ctx;
    struct conn c;

    (void) state;
    cfg.priority = "NORMAL:-NOPE";
    assert_null(qd_tls_ctx_new(&cfg, &err));
    assert_int_equal(err.code, QD_ERR_SYSTEM_ERROR);
    assert_int_equal(err.domain, QD_FROM_RPC);
    assert_string_equal(err.message,
                        "Failed to set TLS session priority to "
                        "NORMAL:-NOPE: The request is invalid.");
    qd_err_clear(&err);

    /* an explicit, valid one is used */
    cfg.priority = "NORMAL:-VERS-ALL:+VERS-TLS1.2";
    ctx = ctx_new_ok(&cfg);
    assert_accepted(&c, ctx, "good");
    assert_int_equal(gnutls_protocol_get_version(c.cli), GNUTLS_TLS1_2);
    conn_close(&c);
    qd_tls_ctx_unref(ctx);
}

/* A reload reads the files again with the same settings; a session keeps
 * the context it was made from. */
static void
test_reload(void **state)
{
    char *const only_good[] = { good_dn, NULL };
    struct qd_tls_config cfg = server_config();
    struct qd_tls_ctx *ctx, *fresh;
    struct qd_err err = QD_ERR_INIT;
    char ca[600], cmd[1300], msg[1024];
    struct conn c;

    (void) state;
    snprintf(ca, sizeof(ca), "%s/reload-ca.pem", tmpdir);
    snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", cfg.ca_file, ca);
    assert_int_equal(system(cmd), 0);
    cfg.ca_file = ca;
    cfg.allowed_dn_list = only_good;
    ctx = ctx_new_ok(&cfg);

    fresh = qd_tls_ctx_reload(ctx, &err);
    assert_non_null(fresh);
    /* the copy kept the DN list and the CRL */
    assert_refused(fresh, "baddn", DN_REFUSED);
    assert_refused(fresh, "revoked",
                   "Certificate failed validation: The certificate has been "
                   "revoked.");
    assert_accepted(&c, fresh, "good");
    qd_tls_ctx_unref(fresh);    /* the session holds its own reference */
    assert_int_equal(gnutls_record_send(c.cli, "x", 1), 1);
    assert_int_equal(qd_tls_read(c.srv, msg, sizeof(msg)), 1);
    conn_close(&c);

    assert_int_equal(unlink(ca), 0);
    assert_null(qd_tls_ctx_reload(ctx, &err));
    snprintf(msg, sizeof(msg),
             "Cannot read CA certificate '%s': No such file or directory", ca);
    assert_string_equal(err.message, msg);
    qd_err_clear(&err);
    qd_tls_ctx_unref(ctx);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_client),
        cmocka_unit_test(test_big_write),
        cmocka_unit_test(test_other_ca_refused),
        cmocka_unit_test(test_expired_refused),
        cmocka_unit_test(test_revoked_refused),
        cmocka_unit_test(test_dn_list),
        cmocka_unit_test(test_no_certificate),
        cmocka_unit_test(test_no_verify_certificate),
        cmocka_unit_test(test_handshake_garbage),
        cmocka_unit_test(test_missing_files),
        cmocka_unit_test(test_sanity_checks),
        cmocka_unit_test(test_bad_priority),
        cmocka_unit_test(test_reload),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
