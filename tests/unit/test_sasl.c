/* tests/unit/test_sasl.c: qd_sasl against a real cyrus-sasl client, in
 * process. The group setup makes a private service config (libvirt.conf:
 * mech_list, sasldb_path) and a sasldb with saslpasswd2 (sasl2-bin) in a
 * temporary directory, points SASL_CONF_PATH at it and initializes both
 * sides of the library. Without saslpasswd2 the whole binary FAILS. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <sasl/sasl.h>

#include "rpc/sasl.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/mem.h"

#define BIG (200 * 1024)

static char tmpdir[] = "/tmp/qd-sasl-XXXXXX";
static char conf_path[256], db_path[256];
static char realm[1025];

/* ---- setup: config, sasldb, library ------------------------------------ */

static const char *
find_saslpasswd2(void)
{
    static char found[512];
    static const char *const dirs[] = {
        "/usr/sbin", "/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin",
    };
    const char *path = getenv("PATH");
    size_t i;

    for (i = 0; i < QD_ARRAY_SIZE(dirs); i++) {
        snprintf(found, sizeof(found), "%s/saslpasswd2", dirs[i]);
        if (access(found, X_OK) == 0)
            return found;
    }
    while (path && *path) {
        const char *end = strchr(path, ':');
        size_t n = end ? (size_t) (end - path) : strlen(path);

        snprintf(found, sizeof(found), "%.*s/saslpasswd2", (int) n, path);
        if (n && access(found, X_OK) == 0)
            return found;
        path = end ? end + 1 : NULL;
    }
    return NULL;
}

/* The realm a server session uses when given neither an FQDN nor a user
 * realm (cyrus' internal get_fqhostname(), lib/saslutil.c): the host name,
 * replaced by its canonical name when it has no dot and the canonical name
 * does, lowercased. saslpasswd2's default realm is the raw gethostname(),
 * which differs on hosts whose short name resolves to an FQDN, or with
 * capitals in the name; the users are therefore added with -u. */
static int
server_realm(char *buf, size_t len)
{
    struct addrinfo hints, *res = NULL;
    char *p;

    if (gethostname(buf, len - 1) < 0)
        return -1;
    buf[len - 1] = '\0';
    if (!strchr(buf, '.')) {
        memset(&hints, 0, sizeof(hints));
        hints.ai_family = AF_UNSPEC;
        hints.ai_flags = AI_CANONNAME;
        hints.ai_socktype = SOCK_STREAM;
        if (getaddrinfo(buf, NULL, &hints, &res) == 0 && res &&
            res->ai_canonname && strchr(res->ai_canonname, '.') &&
            strlen(res->ai_canonname) < len)
            strcpy(buf, res->ai_canonname);
        if (res)
            freeaddrinfo(res);
    }
    for (p = buf; *p; p++)
        *p = (char) tolower((unsigned char) *p);
    return 0;
}

/* saslpasswd2 -a libvirt -f DB -p -u REALM USER, the password on stdin
 * (pipe mode takes everything read, minus one trailing newline). */
static int
add_user(const char *prog, const char *user, const char *user_realm,
         const char *pass)
{
    int fds[2], status;
    pid_t pid;

    if (pipe(fds) < 0)
        return -1;
    if ((pid = fork()) < 0)
        return -1;
    if (pid == 0) {
        dup2(fds[0], STDIN_FILENO);
        close(fds[0]);
        close(fds[1]);
        execl(prog, prog, "-a", "libvirt", "-f", db_path, "-p",
              "-u", user_realm, user, (char *) NULL);
        _exit(127);
    }
    close(fds[0]);
    if (write(fds[1], pass, strlen(pass)) != (ssize_t) strlen(pass))
        return -1;
    close(fds[1]);
    if (waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int
group_setup(void **state)
{
    struct qd_err err = QD_ERR_INIT;
    const char *prog;
    FILE *f;
    int rc;

    (void) state;
    if (!(prog = find_saslpasswd2())) {
        print_error("saslpasswd2 not found: install sasl2-bin\n");
        return -1;
    }
    if (!mkdtemp(tmpdir))
        return -1;
    snprintf(conf_path, sizeof(conf_path), "%s/libvirt.conf", tmpdir);
    snprintf(db_path, sizeof(db_path), "%s/passwd.db", tmpdir);
    if (!(f = fopen(conf_path, "w")))
        return -1;
    /* PLAIN is listed so that the NOPLAINTEXT property has something to
     * filter out. */
    fprintf(f, "mech_list: digest-md5 scram-sha-256 plain\n"
               "sasldb_path: %s\n", db_path);
    fclose(f);
    if (setenv("SASL_CONF_PATH", tmpdir, 1) < 0)
        return -1;
    if (server_realm(realm, sizeof(realm)) < 0)
        return -1;
    /* carol lives in another realm: she has to name it */
    if (add_user(prog, "alice", realm, "secret") < 0 ||
        add_user(prog, "bob", realm, "hunter2") < 0 ||
        add_user(prog, "carol", "example.com", "pw3") < 0) {
        print_error("%s failed\n", prog);
        return -1;
    }
    if (qd_sasl_global_init(&err) < 0) {
        print_error("qd_sasl_global_init: %s\n", err.message);
        qd_err_clear(&err);
        return -1;
    }
    if ((rc = sasl_client_init(NULL)) != SASL_OK) {
        print_error("sasl_client_init: %d\n", rc);
        return -1;
    }
    return 0;
}

static int
group_teardown(void **state)
{
    (void) state;
    (void) unlink(db_path);
    (void) unlink(conf_path);
    (void) rmdir(tmpdir);
    return 0;
}

/* ---- a cyrus client ----------------------------------------------------- */

struct cli {
    sasl_conn_t *conn;
    sasl_callback_t cbs[4];
    const char *user;
    union {                            /* sasl_secret_t with room */
        sasl_secret_t secret;
        char raw[sizeof(sasl_secret_t) + 64];
    } pw;
};

/* sasl_callback_t.proc is int (*)(void) whatever the id; the detour via
 * void (*)(void) is the cast -Wcast-function-type accepts. */
#define CB(f) ((int (*)(void)) (void (*)(void)) (f))

static int
cb_name(void *ctx, int id, const char **result, unsigned *len)
{
    struct cli *c = ctx;

    if (id != SASL_CB_AUTHNAME && id != SASL_CB_USER)
        return SASL_BADPARAM;
    *result = c->user;
    if (len)
        *len = (unsigned) strlen(c->user);
    return SASL_OK;
}

static int
cb_pass(sasl_conn_t *conn, void *ctx, int id, sasl_secret_t **secret)
{
    struct cli *c = ctx;

    (void) conn;
    if (id != SASL_CB_PASS)
        return SASL_BADPARAM;
    *secret = &c->pw.secret;
    return SASL_OK;
}

/* A client session as libvirt's remote driver makes one: service
 * "libvirt", host "localhost" (a UNIX socket URI), the same security
 * properties as the server gets. */
static void
cli_init(struct cli *c, const char *user, const char *pass, int min_ssf,
         int max_ssf)
{
    sasl_security_properties_t props;

    memset(c, 0, sizeof(*c));
    c->user = user;
    c->pw.secret.len = strlen(pass);
    assert_true(c->pw.secret.len < 64);
    memcpy(c->pw.secret.data, pass, c->pw.secret.len);
    c->cbs[0] = (sasl_callback_t) { SASL_CB_AUTHNAME,
                                    CB(cb_name), c };
    c->cbs[1] = (sasl_callback_t) { SASL_CB_USER,
                                    CB(cb_name), c };
    c->cbs[2] = (sasl_callback_t) { SASL_CB_PASS,
                                    CB(cb_pass), c };
    c->cbs[3] = (sasl_callback_t) { SASL_CB_LIST_END, NULL, NULL };
    assert_int_equal(sasl_client_new("libvirt", "localhost", NULL, NULL,
                                     c->cbs, SASL_SUCCESS_DATA, &c->conn),
                     SASL_OK);
    memset(&props, 0, sizeof(props));
    props.min_ssf = (sasl_ssf_t) min_ssf;
    props.max_ssf = (sasl_ssf_t) max_ssf;
    props.maxbufsize = 1 << 16;
    props.security_flags = min_ssf ? SASL_SEC_NOANONYMOUS : 0;
    assert_int_equal(sasl_setprop(c->conn, SASL_SEC_PROPS, &props), SASL_OK);
}

static void
cli_done(struct cli *c)
{
    sasl_dispose(&c->conn);
}

/* Runs the whole exchange with @mech, passing data both ways exactly as
 * the wire does (NULL = nil). Returns the server's verdict (0 or -1,
 * with @err set); a client-side failure fails the test. */
static int
exchange(struct qd_sasl *s, struct cli *c, const char *mech,
         struct qd_err *err)
{
    const char *cout = NULL, *sout = NULL, *chosen = NULL;
    unsigned coutlen = 0;
    size_t soutlen = 0;
    int rc, r, rounds = 0;

    rc = sasl_client_start(c->conn, mech, NULL, &cout, &coutlen, &chosen);
    assert_true(rc == SASL_OK || rc == SASL_CONTINUE);
    assert_string_equal(chosen, mech);
    r = qd_sasl_start(s, chosen, cout, coutlen, &sout, &soutlen, err);
    while (r == 1) {
        assert_true(++rounds < 10);
        rc = sasl_client_step(c->conn, sout, (unsigned) soutlen, NULL, &cout,
                              &coutlen);
        assert_true(rc == SASL_OK || rc == SASL_CONTINUE);
        r = qd_sasl_step(s, cout, coutlen, &sout, &soutlen, err);
    }
    if (r == 0) {
        /* SASL_SUCCESS_DATA: the server's last words ride on the reply
         * that says "complete"; the client must accept them. */
        if (sout) {
            rc = sasl_client_step(c->conn, sout, (unsigned) soutlen, NULL,
                                  &cout, &coutlen);
            assert_int_equal(rc, SASL_OK);
        }
        assert_false(qd_err_is_set(err));
    } else {
        assert_int_equal(r, -1);
        assert_null(sout);
        assert_int_equal(soutlen, 0);
        assert_true(qd_err_is_set(err));
    }
    return r;
}

static struct qd_sasl *
server_new(int min_ssf, int max_ssf, bool anonymous)
{
    struct qd_err err = QD_ERR_INIT;
    struct qd_sasl *s;

    s = qd_sasl_new("127.0.0.1;16509", "127.0.0.1;40000", &err);
    assert_non_null(s);
    assert_int_equal(qd_sasl_set_secprops(s, min_ssf, max_ssf, anonymous,
                                          &err), 0);
    return s;
}

static bool
in_list(const char *list, const char *mech)
{
    size_t n = strlen(mech);
    const char *p = list;

    while ((p = strstr(p, mech))) {
        if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
            return true;
        p += n;
    }
    return false;
}

/* ---- tests -------------------------------------------------------------- */

static void
test_global_init_twice(void **state)
{
    struct qd_err err = QD_ERR_INIT;

    (void) state;
    assert_int_equal(qd_sasl_global_init(&err), 0);
    assert_false(qd_err_is_set(&err));
}

/* libvirtd's two settings: a secure channel (0, 0, anonymous allowed) and
 * plain TCP (tcp_min_ssf .. 100000, no anonymous, no plaintext). */
static void
test_mechlist(void **state)
{
    struct qd_err err = QD_ERR_INIT;
    struct qd_sasl *s;
    char *list;

    (void) state;
    s = server_new(0, 0, true);
    assert_non_null(list = qd_sasl_mechlist(s, &err));
    assert_true(in_list(list, "DIGEST-MD5"));
    assert_true(in_list(list, "SCRAM-SHA-256"));
    assert_true(in_list(list, "PLAIN"));
    assert_null(strchr(list, ' '));
    free(list);
    qd_sasl_free(s);

    /* min SSF 56 leaves only the mechanism with a security layer */
    s = server_new(56, 100000, false);
    assert_non_null(list = qd_sasl_mechlist(s, &err));
    assert_string_equal(list, "DIGEST-MD5");
    free(list);
    qd_sasl_free(s);

    /* no anonymous means no plaintext either (SASL_SEC_NOPLAINTEXT) */
    s = server_new(0, 100000, false);
    assert_non_null(list = qd_sasl_mechlist(s, &err));
    assert_true(in_list(list, "SCRAM-SHA-256"));
    assert_false(in_list(list, "PLAIN"));
    free(list);
    qd_sasl_free(s);

    /* an external layer (TLS) that covers min SSF satisfies it: cyrus then
     * offers everything again, PLAIN included (no longer "plaintext") */
    s = qd_sasl_new(NULL, NULL, &err);
    assert_non_null(s);
    assert_int_equal(qd_sasl_set_ext_ssf(s, 256, &err), 0);
    assert_int_equal(qd_sasl_set_secprops(s, 56, 100000, false, &err), 0);
    assert_non_null(list = qd_sasl_mechlist(s, &err));
    assert_true(in_list(list, "DIGEST-MD5"));
    assert_true(in_list(list, "SCRAM-SHA-256"));
    assert_true(in_list(list, "PLAIN"));
    free(list);
    qd_sasl_free(s);
    assert_false(qd_err_is_set(&err));
}

static void
test_scram_ok(void **state)
{
    struct qd_err err = QD_ERR_INIT;
    struct qd_sasl *s;
    struct cli c;
    char *const only_bob[] = { "bob", NULL };
    char *const globs[] = { "bob", "al?c*", NULL };

    (void) state;
    s = server_new(0, 0, true);
    cli_init(&c, "alice", "secret", 0, 0);
    assert_int_equal(exchange(s, &c, "SCRAM-SHA-256", &err), 0);
    assert_int_equal(qd_sasl_ssf(s, &err), 0);
    assert_non_null(qd_sasl_identity(s));
    assert_string_equal(qd_sasl_identity(s), "alice");
    assert_true(qd_sasl_identity_allowed(NULL, qd_sasl_identity(s)));
    assert_false(qd_sasl_identity_allowed(only_bob, qd_sasl_identity(s)));
    assert_true(qd_sasl_identity_allowed(globs, qd_sasl_identity(s)));

    /* the exchange is over: no more steps */
    {
        const char *out;
        size_t outlen;

        assert_int_equal(qd_sasl_step(s, "", 0, &out, &outlen, &err), -1);
        assert_int_equal(err.code, QD_ERR_INTERNAL_ERROR);
        qd_err_clear(&err);
    }
    cli_done(&c);
    qd_sasl_free(s);
}

static void
test_identity_allowed(void **state)
{
    char *const empty[] = { NULL };
    char *const list[] = { "joe@EXAMPLE.COM", "*@TEST.ORG", "fr?d", NULL };

    (void) state;
    assert_true(qd_sasl_identity_allowed(NULL, "anyone"));
    assert_false(qd_sasl_identity_allowed(empty, "anyone"));
    assert_true(qd_sasl_identity_allowed(list, "joe@EXAMPLE.COM"));
    assert_false(qd_sasl_identity_allowed(list, "joe@example.com"));
    assert_true(qd_sasl_identity_allowed(list, "x@TEST.ORG"));
    assert_true(qd_sasl_identity_allowed(list, "fred"));
    assert_false(qd_sasl_identity_allowed(list, "freed"));
    assert_false(qd_sasl_identity_allowed(list, ""));
    assert_false(qd_sasl_identity_allowed(list, NULL));
}

static void
check_auth_failed(struct qd_err *err)
{
    assert_int_equal(err->code, QD_ERR_AUTH_FAILED);
    assert_int_equal(err->domain, QD_FROM_RPC);
    assert_non_null(strstr(err->message, "authentication failed: "
                                         "Failed to start SASL negotiation"));
    qd_err_clear(err);
}

static void
test_wrong_password(void **state)
{
    static const char *const mechs[] = { "SCRAM-SHA-256", "DIGEST-MD5" };
    struct qd_err err = QD_ERR_INIT;
    struct qd_buf out = { 0 };
    struct qd_sasl *s;
    struct cli c;
    size_t i;

    (void) state;
    for (i = 0; i < QD_ARRAY_SIZE(mechs); i++) {
        s = server_new(0, 0, true);
        cli_init(&c, "alice", "hunter2", 0, 0);
        assert_int_equal(exchange(s, &c, mechs[i], &err), -1);
        check_auth_failed(&err);
        assert_null(qd_sasl_identity(s));
        assert_int_equal(qd_sasl_encode(s, "x", 1, &out, &err), -1);
        qd_err_clear(&err);
        assert_int_equal(out.len, 0);
        cli_done(&c);
        qd_sasl_free(s);
    }
}

static void
test_unknown_user(void **state)
{
    static const char *const mechs[] = { "SCRAM-SHA-256", "DIGEST-MD5" };
    struct qd_err err = QD_ERR_INIT;
    struct qd_sasl *s;
    struct cli c;
    size_t i;

    (void) state;
    for (i = 0; i < QD_ARRAY_SIZE(mechs); i++) {
        s = server_new(0, 0, true);
        cli_init(&c, "mallory", "secret", 0, 0);
        assert_int_equal(exchange(s, &c, mechs[i], &err), -1);
        check_auth_failed(&err);
        assert_null(qd_sasl_identity(s));
        cli_done(&c);
        qd_sasl_free(s);
    }
}

/* A user stored under another realm logs in as user@realm and is known
 * by that name; the bare name is unknown. */
static void
test_other_realm(void **state)
{
    static const char *const mechs[] = { "SCRAM-SHA-256", "DIGEST-MD5" };
    struct qd_err err = QD_ERR_INIT;
    struct qd_sasl *s;
    struct cli c;
    size_t i;

    (void) state;
    for (i = 0; i < QD_ARRAY_SIZE(mechs); i++) {
        s = server_new(0, 0, true);
        cli_init(&c, "carol@example.com", "pw3", 0, 0);
        assert_int_equal(exchange(s, &c, mechs[i], &err), 0);
        assert_string_equal(qd_sasl_identity(s), "carol@example.com");
        cli_done(&c);
        qd_sasl_free(s);

        s = server_new(0, 0, true);
        cli_init(&c, "carol", "pw3", 0, 0);
        assert_int_equal(exchange(s, &c, mechs[i], &err), -1);
        check_auth_failed(&err);
        cli_done(&c);
        qd_sasl_free(s);
    }
}

static void
test_bad_mech_and_order(void **state)
{
    struct qd_err err = QD_ERR_INIT;
    struct qd_sasl *s;
    const char *out = (const char *) &err;
    size_t outlen = 99;

    (void) state;
    s = server_new(0, 0, true);
    /* step before start */
    assert_int_equal(qd_sasl_step(s, NULL, 0, &out, &outlen, &err), -1);
    assert_null(out);
    assert_int_equal(outlen, 0);
    qd_err_clear(&err);
    /* a mechanism the server does not offer */
    assert_int_equal(qd_sasl_start(s, "NO-SUCH-MECH", NULL, 0, &out, &outlen,
                                   &err), -1);
    check_auth_failed(&err);
    /* and the session is spent */
    assert_int_equal(qd_sasl_start(s, "DIGEST-MD5", NULL, 0, &out, &outlen,
                                   &err), -1);
    qd_err_clear(&err);
    qd_sasl_free(s);

    /* PLAIN is refused when plaintext mechanisms are (plain TCP) */
    s = server_new(0, 100000, false);
    assert_int_equal(qd_sasl_start(s, "PLAIN", "\0alice\0secret", 13, &out,
                                   &outlen, &err), -1);
    check_auth_failed(&err);
    qd_sasl_free(s);
    qd_sasl_free(NULL);
}

static void
fill_pattern(uint8_t *p, size_t n, uint32_t seed)
{
    size_t i;

    for (i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        p[i] = (uint8_t) (seed >> 16);
    }
}

/* Client -> server: the client encodes @n bytes in pieces of its
 * maxoutbuf; the result is one stream of packets. */
static void
client_encode(struct cli *c, const uint8_t *p, size_t n, struct qd_buf *wire)
{
    const void *val;
    unsigned maxout;

    assert_int_equal(sasl_getprop(c->conn, SASL_MAXOUTBUF, &val), SASL_OK);
    maxout = *(const unsigned *) val;
    assert_true(maxout > 0 && maxout <= (1 << 16));
    while (n) {
        const char *enc;
        unsigned enclen, k = n < maxout ? (unsigned) n : maxout;

        assert_int_equal(sasl_encode(c->conn, (const char *) p, k, &enc,
                                     &enclen), SASL_OK);
        qd_buf_append(wire, enc, enclen);
        p += k;
        n -= k;
    }
}

/* Server -> client: the client decodes as libvirt's socket reads, 64 KiB
 * at a time. */
static void
client_decode(struct cli *c, const uint8_t *p, size_t n, struct qd_buf *plain)
{
    while (n) {
        const char *dec;
        unsigned declen, k = n < (1 << 16) ? (unsigned) n : (1 << 16);

        assert_int_equal(sasl_decode(c->conn, (const char *) p, k, &dec,
                                     &declen), SASL_OK);
        qd_buf_append(plain, dec, declen);
        p += k;
        n -= k;
    }
}

static void
test_digest_layer(void **state)
{
    static const size_t chunks[] = { 1, 7, 3, 4096, 65537, 2, 1000, 131072 };
    struct qd_err err = QD_ERR_INIT;
    struct qd_buf wire = { 0 }, plain = { 0 };
    struct qd_sasl *s;
    struct cli c;
    uint8_t *data;
    size_t off, i;
    int ssf;

    (void) state;
    data = qd_malloc(BIG);
    fill_pattern(data, BIG, 42);

    s = server_new(56, 100000, false);
    cli_init(&c, "bob", "hunter2", 56, 100000);
    assert_int_equal(exchange(s, &c, "DIGEST-MD5", &err), 0);
    ssf = qd_sasl_ssf(s, &err);
    assert_true(ssf >= 56);
    assert_string_equal(qd_sasl_identity(s), "bob");

    /* client -> server, the whole stream in one call (> 64 KiB) */
    client_encode(&c, data, BIG, &wire);
    assert_true(wire.len > BIG);               /* framing and MACs */
    assert_null(memmem(wire.data, wire.len, data + 1000, 64)); /* sealed */
    assert_int_equal(qd_sasl_decode(s, wire.data, wire.len, &plain, &err), 0);
    assert_int_equal(plain.len, BIG);
    assert_memory_equal(plain.data, data, BIG);
    qd_buf_clear(&wire);
    qd_buf_clear(&plain);

    /* client -> server again, fed in odd pieces: partial length words and
     * partial packets must wait inside the session */
    fill_pattern(data, BIG, 7);
    client_encode(&c, data, BIG, &wire);
    for (off = 0, i = 0; off < wire.len; i++) {
        size_t k = chunks[i % QD_ARRAY_SIZE(chunks)];
        size_t before = plain.len;

        if (k > wire.len - off)
            k = wire.len - off;
        assert_int_equal(qd_sasl_decode(s, wire.data + off, k, &plain, &err),
                         0);
        if (k < 4)
            assert_int_equal(plain.len, before);  /* never a whole packet */
        off += k;
    }
    assert_int_equal(plain.len, BIG);
    assert_memory_equal(plain.data, data, BIG);
    qd_buf_clear(&wire);
    qd_buf_clear(&plain);

    /* server -> client */
    fill_pattern(data, BIG, 99);
    assert_int_equal(qd_sasl_encode(s, data, BIG, &wire, &err), 0);
    assert_true(wire.len > BIG);
    assert_null(memmem(wire.data, wire.len, data + 5000, 64));
    client_decode(&c, wire.data, wire.len, &plain);
    assert_int_equal(plain.len, BIG);
    assert_memory_equal(plain.data, data, BIG);
    qd_buf_clear(&wire);
    qd_buf_clear(&plain);

    /* empty input is a no-op both ways */
    assert_int_equal(qd_sasl_encode(s, data, 0, &wire, &err), 0);
    assert_int_equal(qd_sasl_decode(s, data, 0, &plain, &err), 0);
    assert_int_equal(wire.len + plain.len, 0);

    /* a tampered packet is refused */
    fill_pattern(data, 100, 5);
    client_encode(&c, data, 100, &wire);
    wire.data[wire.len / 2] ^= 0x40;
    assert_int_equal(qd_sasl_decode(s, wire.data, wire.len, &plain, &err), -1);
    assert_int_equal(err.code, QD_ERR_INTERNAL_ERROR);
    assert_non_null(strstr(err.message, "failed to decode SASL data"));
    qd_err_clear(&err);

    qd_buf_clear(&wire);
    qd_buf_clear(&plain);
    cli_done(&c);
    qd_sasl_free(s);
    free(data);
}

/* SSF 0 (a secure channel): libvirt still routes the traffic through the
 * session, which then passes it unchanged; sasl_decode's pass-through
 * refuses more than maxbufsize bytes per call, so qd_sasl_decode splits. */
static void
test_no_layer_passthrough(void **state)
{
    struct qd_err err = QD_ERR_INIT;
    struct qd_buf wire = { 0 }, plain = { 0 };
    struct qd_sasl *s;
    struct cli c;
    uint8_t *data;

    (void) state;
    data = qd_malloc(BIG);
    fill_pattern(data, BIG, 3);
    s = server_new(0, 0, true);
    cli_init(&c, "alice", "secret", 0, 0);
    assert_int_equal(exchange(s, &c, "DIGEST-MD5", &err), 0);
    assert_int_equal(qd_sasl_ssf(s, &err), 0);

    assert_int_equal(qd_sasl_encode(s, data, BIG, &wire, &err), 0);
    assert_int_equal(wire.len, BIG);
    assert_memory_equal(wire.data, data, BIG);
    assert_int_equal(qd_sasl_decode(s, wire.data, wire.len, &plain, &err), 0);
    assert_int_equal(plain.len, BIG);
    assert_memory_equal(plain.data, data, BIG);

    qd_buf_clear(&wire);
    qd_buf_clear(&plain);
    cli_done(&c);
    qd_sasl_free(s);
    free(data);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_global_init_twice),
        cmocka_unit_test(test_mechlist),
        cmocka_unit_test(test_identity_allowed),
        cmocka_unit_test(test_scram_ok),
        cmocka_unit_test(test_wrong_password),
        cmocka_unit_test(test_unknown_user),
        cmocka_unit_test(test_other_realm),
        cmocka_unit_test(test_bad_mech_and_order),
        cmocka_unit_test(test_digest_layer),
        cmocka_unit_test(test_no_layer_passthrough),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
