/* tests/unit/test_config.c: qemud.conf parsing and path derivation. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "daemon/config.h"
#include "util/err.h"
#include "util/mem.h"

#ifndef QD_TEST_DATA_DIR
#define QD_TEST_DATA_DIR "tests/data"
#endif

/* Every key libvirt 9.0's libvirtd.conf.in shows or remote_daemon_config.c
 * reads, with a valid value of libvirtd's type. */
static const char *const libvirtd_keys[][2] = {
    { "listen_tls", "1" },
    { "listen_tcp", "1" },
    { "tls_port", "\"16514\"" },
    { "tcp_port", "\"16509\"" },
    { "listen_addr", "\"::\"" },
    { "unix_sock_group", "\"libvirt\"" },
    { "unix_sock_ro_perms", "\"0777\"" },
    { "unix_sock_rw_perms", "\"0770\"" },
    { "unix_sock_admin_perms", "\"0700\"" },
    { "unix_sock_dir", "\"/run/libvirt\"" },
    { "auth_unix_ro", "\"none\"" },
    { "auth_unix_rw", "\"none\"" },
    { "auth_tcp", "\"sasl\"" },
    { "auth_tls", "\"none\"" },
    { "tcp_min_ssf", "112" },
    { "access_drivers", "[ \"polkit\" ]" },
    { "key_file", "\"/k.pem\"" },
    { "cert_file", "\"/c.pem\"" },
    { "ca_file", "\"/ca.pem\"" },
    { "crl_file", "\"/crl.pem\"" },
    { "tls_no_sanity_certificate", "1" },
    { "tls_no_verify_certificate", "1" },
    { "tls_allowed_dn_list", "[ \"DN1\" ]" },
    { "tls_priority", "\"NORMAL\"" },
    { "sasl_allowed_username_list", "[ \"joe\" ]" },
    { "max_clients", "10" },
    { "max_queued_clients", "10" },
    { "max_anonymous_clients", "10" },
    { "min_workers", "1" },
    { "max_workers", "2" },
    { "prio_workers", "1" },
    { "max_client_requests", "1" },
    { "admin_min_workers", "1" },
    { "admin_max_workers", "5" },
    { "admin_max_clients", "5" },
    { "admin_max_queued_clients", "5" },
    { "admin_max_client_requests", "5" },
    { "log_level", "2" },
    { "log_filters", "\"1:rpc\"" },
    { "log_outputs", "\"3:stderr\"" },
    { "audit_level", "2" },
    { "audit_logging", "1" },
    { "host_uuid", "\"00000000-0000-0000-0000-000000000001\"" },
    { "host_uuid_source", "\"smbios\"" },
    { "keepalive_interval", "-1" },
    { "keepalive_count", "0" },
    { "keepalive_required", "1" },
    { "admin_keepalive_required", "1" },
    { "admin_keepalive_interval", "5" },
    { "admin_keepalive_count", "5" },
    { "ovs_timeout", "5" },
};

/* The libvirtd keys qemud records as ignored, in the order above. */
static const char *const ignored_keys[] = {
    "access_drivers",
    "admin_min_workers", "admin_max_workers", "admin_max_clients",
    "admin_max_queued_clients", "admin_max_client_requests",
    "audit_level", "audit_logging", "host_uuid", "host_uuid_source",
    "keepalive_required", "admin_keepalive_required",
    "admin_keepalive_interval", "admin_keepalive_count", "ovs_timeout",
};

/* Load @text into fresh defaults; expect failure with exactly @msg. */
static void
expect_error(const char *text, const char *msg)
{
    struct qd_config cfg;
    struct qd_err err = QD_ERR_INIT;

    qd_config_init_defaults(&cfg);
    assert_int_equal(qd_config_load_string(&cfg, "t.conf", text, &err), -1);
    assert_non_null(err.message);
    if (strcmp(err.message, msg) != 0)
        fail_msg("text <<%s>>:\n got  '%s'\n want '%s'", text, err.message,
                 msg);
    assert_int_equal(err.code, QD_ERR_CONFIG_UNSUPPORTED);
    assert_int_equal(err.domain, QD_FROM_CONF);
    qd_err_clear(&err);
    qd_config_clear(&cfg);
}

/* Load @text into @cfg (fresh defaults); expect success. */
static void
load_ok(struct qd_config *cfg, const char *text)
{
    struct qd_err err = QD_ERR_INIT;

    qd_config_init_defaults(cfg);
    if (qd_config_load_string(cfg, "t.conf", text, &err) < 0)
        fail_msg("text <<%s>>: %s", text, err.message);
}

static void
test_defaults(void **state)
{
    struct qd_config cfg;

    (void) state;
    qd_config_init_defaults(&cfg);
    assert_null(cfg.unix_sock_dir);
    assert_null(cfg.unix_sock_group);
    assert_int_equal(cfg.unix_sock_ro_perms, 0777);
    assert_int_equal(cfg.unix_sock_rw_perms, 0700);
    assert_int_equal(cfg.unix_sock_admin_perms, 0700);
    assert_string_equal(cfg.auth_unix_ro, "none");
    assert_string_equal(cfg.auth_unix_rw, "none");
    assert_string_equal(cfg.auth_tcp, "sasl");
    assert_string_equal(cfg.auth_tls, "none");
    assert_false(cfg.listen_tcp);
    assert_false(cfg.listen_tls);
    assert_null(cfg.listen_addr);
    assert_string_equal(cfg.tcp_port, "16509");
    assert_string_equal(cfg.tls_port, "16514");
    assert_int_equal(cfg.max_clients, 5000);
    assert_int_equal(cfg.max_queued_clients, 1000);
    assert_int_equal(cfg.max_anonymous_clients, 20);
    assert_int_equal(cfg.min_workers, 5);
    assert_int_equal(cfg.max_workers, 20);
    assert_int_equal(cfg.prio_workers, 5);
    assert_int_equal(cfg.max_client_requests, 5);
    assert_int_equal(cfg.keepalive_interval, 5);
    assert_int_equal(cfg.keepalive_count, 5);
    assert_int_equal(cfg.log_level, 3);
    assert_null(cfg.log_filters);
    assert_null(cfg.log_outputs);
    assert_null(cfg.root_dir);
    assert_null(cfg.key_file);
    assert_null(cfg.tls_allowed_dn_list);
    assert_null(cfg.sasl_allowed_username_list);
    assert_false(cfg.tls_no_sanity_certificate);
    assert_false(cfg.tls_no_verify_certificate);
    assert_int_equal(cfg.tcp_min_ssf, 56);
    assert_null(cfg.run_dir);
    assert_int_equal(cfg.nignored, 0);
    qd_config_clear(&cfg);

    /* An empty text changes nothing. */
    load_ok(&cfg, "");
    assert_int_equal(cfg.max_clients, 5000);
    qd_config_clear(&cfg);
}

static void
test_implemented_keys(void **state)
{
    struct qd_config cfg;

    (void) state;
    load_ok(&cfg,
            "unix_sock_dir = \"/s\"\n"
            "unix_sock_group = \"wheel\"\n"
            "unix_sock_ro_perms = \"0755\"\n"
            "unix_sock_rw_perms = \"0770\"\n"
            "unix_sock_admin_perms = \"600\"\n"
            "auth_unix_ro = \"sasl\"\n"
            "auth_unix_rw = \"polkit\"\n"
            "auth_tcp = \"none\"\n"
            "auth_tls = \"sasl\"\n"
            "listen_tcp = 1\n"
            "listen_tls = 1\n"
            "listen_addr = \"127.0.0.1\"\n"
            "tcp_port = \"1234\"\n"
            "tls_port = 'libvirt-tls'\n"
            "max_clients = 7\n"
            "max_queued_clients = 8\n"
            "max_anonymous_clients = 0\n"
            "min_workers = 2\n"
            "max_workers = 3\n"
            "prio_workers = 4\n"
            "max_client_requests = 9\n"
            "keepalive_interval = -1\n"
            "keepalive_count = 0\n"
            "log_level = 1\n"
            "log_filters = \"1:rpc 3:util\"\n"
            "log_outputs = \"1:file:/tmp/x.log\"\n"
            "root_dir = \"/r\"\n"
            "key_file = \"/k\"\n"
            "cert_file = \"/c\"\n"
            "ca_file = \"/ca\"\n"
            "crl_file = \"/crl\"\n"
            "tls_no_sanity_certificate = 1\n"
            "tls_no_verify_certificate = 1\n"
            "tls_allowed_dn_list = [ \"C=GB,CN=*\", \"CN=x\" ]\n"
            "tls_priority = \"NORMAL:-VERS-SSL3.0\"\n"
            "tcp_min_ssf = 256\n"
            "sasl_allowed_username_list = []\n");
    assert_string_equal(cfg.unix_sock_dir, "/s");
    assert_string_equal(cfg.unix_sock_group, "wheel");
    assert_int_equal(cfg.unix_sock_ro_perms, 0755);
    assert_int_equal(cfg.unix_sock_rw_perms, 0770);
    assert_int_equal(cfg.unix_sock_admin_perms, 0600);
    assert_string_equal(cfg.auth_unix_ro, "sasl");
    assert_string_equal(cfg.auth_unix_rw, "polkit");
    assert_string_equal(cfg.auth_tcp, "none");
    assert_string_equal(cfg.auth_tls, "sasl");
    assert_true(cfg.listen_tcp);
    assert_true(cfg.listen_tls);
    assert_string_equal(cfg.listen_addr, "127.0.0.1");
    assert_string_equal(cfg.tcp_port, "1234");
    assert_string_equal(cfg.tls_port, "libvirt-tls");
    assert_int_equal(cfg.max_clients, 7);
    assert_int_equal(cfg.max_queued_clients, 8);
    assert_int_equal(cfg.max_anonymous_clients, 0);
    assert_int_equal(cfg.min_workers, 2);
    assert_int_equal(cfg.max_workers, 3);
    assert_int_equal(cfg.prio_workers, 4);
    assert_int_equal(cfg.max_client_requests, 9);
    assert_int_equal(cfg.keepalive_interval, -1);
    assert_int_equal(cfg.keepalive_count, 0);
    assert_int_equal(cfg.log_level, 1);
    assert_string_equal(cfg.log_filters, "1:rpc 3:util");
    assert_string_equal(cfg.log_outputs, "1:file:/tmp/x.log");
    assert_string_equal(cfg.root_dir, "/r");
    assert_string_equal(cfg.key_file, "/k");
    assert_string_equal(cfg.cert_file, "/c");
    assert_string_equal(cfg.ca_file, "/ca");
    assert_string_equal(cfg.crl_file, "/crl");
    assert_true(cfg.tls_no_sanity_certificate);
    assert_true(cfg.tls_no_verify_certificate);
    assert_non_null(cfg.tls_allowed_dn_list);
    assert_string_equal(cfg.tls_allowed_dn_list[0], "C=GB,CN=*");
    assert_string_equal(cfg.tls_allowed_dn_list[1], "CN=x");
    assert_null(cfg.tls_allowed_dn_list[2]);
    assert_string_equal(cfg.tls_priority, "NORMAL:-VERS-SSL3.0");
    assert_int_equal(cfg.tcp_min_ssf, 256);
    /* An empty list is kept distinct from "not configured". */
    assert_non_null(cfg.sasl_allowed_username_list);
    assert_null(cfg.sasl_allowed_username_list[0]);
    assert_int_equal(cfg.nignored, 0);
    qd_config_clear(&cfg);

    /* log_level 0 keeps the default, as libvirtd does. */
    load_ok(&cfg, "log_level = 0\n");
    assert_int_equal(cfg.log_level, 3);
    qd_config_clear(&cfg);
}

static void
test_all_libvirtd_keys(void **state)
{
    struct qd_config cfg;
    struct qd_err err = QD_ERR_INIT;
    size_t i;

    (void) state;
    qd_config_init_defaults(&cfg);
    for (i = 0; i < QD_ARRAY_SIZE(libvirtd_keys); i++) {
        _cleanup_free_ char *text = qd_asprintf("%s = %s\n",
                                                libvirtd_keys[i][0],
                                                libvirtd_keys[i][1]);

        if (qd_config_load_string(&cfg, "t.conf", text, &err) < 0)
            fail_msg("%s: %s", text, err.message);
    }
    assert_int_equal(cfg.nignored, QD_ARRAY_SIZE(ignored_keys));
    for (i = 0; i < QD_ARRAY_SIZE(ignored_keys); i++)
        assert_string_equal(cfg.ignored[i], ignored_keys[i]);

    /* A second pass records nothing twice. */
    for (i = 0; i < QD_ARRAY_SIZE(libvirtd_keys); i++) {
        _cleanup_free_ char *text = qd_asprintf("%s = %s\n",
                                                libvirtd_keys[i][0],
                                                libvirtd_keys[i][1]);

        assert_int_equal(qd_config_load_string(&cfg, "t.conf", text, &err),
                         0);
    }
    assert_int_equal(cfg.nignored, QD_ARRAY_SIZE(ignored_keys));
    qd_config_clear(&cfg);
}

static void
test_libvirtd_conf_full(void **state)
{
    struct qd_config cfg;
    struct qd_err err = QD_ERR_INIT;
    const char *dir = getenv("QD_TEST_DATA_DIR");
    _cleanup_free_ char *path = NULL;
    size_t i;

    (void) state;
    path = qd_asprintf("%s/conf/libvirtd-full.conf",
                       dir ? dir : QD_TEST_DATA_DIR);
    qd_config_init_defaults(&cfg);
    if (qd_config_load_file(&cfg, path, &err) < 0)
        fail_msg("%s", err.message);
    assert_false(cfg.listen_tls);
    assert_true(cfg.listen_tcp);
    assert_string_equal(cfg.listen_addr, "192.168.0.1");
    assert_string_equal(cfg.unix_sock_group, "libvirt");
    assert_int_equal(cfg.unix_sock_rw_perms, 0770);
    assert_string_equal(cfg.unix_sock_dir, "/run/libvirt");
    assert_string_equal(cfg.auth_unix_rw, "polkit");
    assert_int_equal(cfg.tcp_min_ssf, 112);
    assert_string_equal(cfg.tls_allowed_dn_list[1], "DN2");
    assert_string_equal(cfg.sasl_allowed_username_list[1],
                        "fred@EXAMPLE.COM");
    assert_string_equal(cfg.tls_priority, "NORMAL");
    assert_string_equal(cfg.log_filters,
                        "1:qemu 1:libvirt 4:object 4:json 4:event 1:util");
    assert_string_equal(cfg.log_outputs, "3:syslog:libvirtd");
    assert_int_equal(cfg.nignored, QD_ARRAY_SIZE(ignored_keys));
    for (i = 0; i < QD_ARRAY_SIZE(ignored_keys); i++)
        assert_string_equal(cfg.ignored[i], ignored_keys[i]);
    assert_int_equal(qd_config_resolve_paths(&cfg, &err), 0);
    assert_string_equal(cfg.sock_rw_path, "/run/libvirt/libvirt-sock");
    qd_config_clear(&cfg);
}

static void
test_syntax_accepted(void **state)
{
    struct qd_config cfg;

    (void) state;
    load_ok(&cfg,
            "# comment\n"
            "\n"
            "   \t\n"
            "max_clients=1\n"
            "  max_workers   =    7   # trailing comment\n"
            "listen_addr = 'single'\n"
            "tls_priority = \"\"\"triple\n"
            "quoted\"\"\"\n"
            "tls_allowed_dn_list = [\n"
            "    \"a\",\n"
            "\n"
            "    'b' ,\n"
            "]\n"
            "sasl_allowed_username_list=[\"x\"]; min_workers = +3 ;\n"
            "prio_workers = 2\r\n"
            "keepalive_count = 4");
    assert_int_equal(cfg.max_clients, 1);
    assert_int_equal(cfg.max_workers, 7);
    assert_string_equal(cfg.listen_addr, "single");
    assert_string_equal(cfg.tls_priority, "triple\nquoted");
    assert_string_equal(cfg.tls_allowed_dn_list[0], "a");
    assert_string_equal(cfg.tls_allowed_dn_list[1], "b");
    assert_null(cfg.tls_allowed_dn_list[2]);
    assert_string_equal(cfg.sasl_allowed_username_list[0], "x");
    assert_int_equal(cfg.min_workers, 3);
    assert_int_equal(cfg.prio_workers, 2);
    assert_int_equal(cfg.keepalive_count, 4);
    qd_config_clear(&cfg);

    /* libvirt-compat: the first of repeated keys wins. */
    load_ok(&cfg, "max_clients = 1\nmax_clients = \"not checked\"\n");
    assert_int_equal(cfg.max_clients, 1);
    qd_config_clear(&cfg);

    /* Obsolete keys take any value. */
    load_ok(&cfg, "keepalive_required = \"yes\"\n");
    assert_int_equal(cfg.nignored, 1);
    assert_string_equal(cfg.ignored[0], "keepalive_required");
    qd_config_clear(&cfg);
}

static void
test_syntax_errors(void **state)
{
    (void) state;
    expect_error("a = 1\nlisten_addr = \"abc\n", "t.conf:2: unterminated string");
    expect_error("\n\nlisten_addr = 'abc", "t.conf:3: unterminated string");
    expect_error("x = \"\"\"abc\n\n", "t.conf:1: unterminated string");
    expect_error("max_clients 5\n", "t.conf:1: expecting '=' after 'max_clients'");
    expect_error("max_clients =\n", "t.conf:1: expecting a value");
    expect_error("max_clients = yes\n",
                 "t.conf:1: expecting a value (a number, a quoted string or a [ list ])");
    expect_error("max_clients = 5x\n",
                 "t.conf:1: unexpected text after the value of 'max_clients'");
    expect_error("max_clients = 5 6\n",
                 "t.conf:1: unexpected text after the value of 'max_clients'");
    expect_error("max_clients = -\n", "t.conf:1: expecting a digit after '-'");
    expect_error("1abc = 5\n", "t.conf:1: expecting a key name");
    expect_error("# c\n\n= 5\n", "t.conf:3: expecting a key name");
    expect_error("l = [ \"a\"\n  \"b\" ]\n", "t.conf:2: expecting ',' or ']' in list");
    expect_error("l = [ \"a\",\n", "t.conf:2: list is not closed with ']'");
    expect_error("l = [ \"a\", # no comments in lists\n ]\n",
                 "t.conf:1: expecting a value (a number, a quoted string or a [ list ])");
    expect_error("l = [[[[[[[[[[ ]]]]]]]]]]\n", "t.conf:1: lists nested too deeply");
    /* Syntax errors are reported before unknown keys. */
    expect_error("foo = 1\nbar = \n", "t.conf:2: expecting a value");
}

static void
test_unknown_key(void **state)
{
    (void) state;
    expect_error("max_clients = 5\n\n# x\nfoo = 1\n", "t.conf:4: unknown key 'foo'");
    /* Names are case-sensitive, as in libvirtd. */
    expect_error("Max_Clients = 5\n", "t.conf:1: unknown key 'Max_Clients'");
}

static void
test_wrong_type(void **state)
{
    (void) state;
    expect_error("min_workers=1\nmax_workers=2\nmax_clients = \"5\"\n",
                 "t.conf:3: key 'max_clients' expects an integer");
    expect_error("keepalive_interval = [ 5 ]\n",
                 "t.conf:1: key 'keepalive_interval' expects an integer");
    expect_error("listen_addr = [ \"a\" ]\n",
                 "t.conf:1: key 'listen_addr' expects a string");
    expect_error("tcp_port = 16509\n",
                 "t.conf:1: key 'tcp_port' expects a string");
    expect_error("unix_sock_rw_perms = 0770\n",
                 "t.conf:1: key 'unix_sock_rw_perms' expects a string");
    expect_error("auth_tcp = 1\n", "t.conf:1: key 'auth_tcp' expects a string");
    expect_error("listen_tcp = \"yes\"\n", "t.conf:1: key 'listen_tcp' expects 0 or 1");
    expect_error("tls_allowed_dn_list = \"DN\"\n",
                 "t.conf:1: key 'tls_allowed_dn_list' expects a list of strings");
    expect_error("tls_allowed_dn_list = [\n \"DN\",\n 5 ]\n",
                 "t.conf:1: key 'tls_allowed_dn_list' expects a list of strings");
    expect_error("access_drivers = [ [ \"a\" ] ]\n",
                 "t.conf:1: key 'access_drivers' expects a list of strings");
    expect_error("host_uuid = 5\n", "t.conf:1: key 'host_uuid' expects a string");
    expect_error("ovs_timeout = 'x'\n", "t.conf:1: key 'ovs_timeout' expects an integer");
}

static void
test_bad_values(void **state)
{
    (void) state;
    expect_error("unix_sock_rw_perms = \"0778\"\n",
                 "t.conf:1: bad value for 'unix_sock_rw_perms': '0778' "
                 "(expected an octal mode from 0000 to 0777)");
    expect_error("unix_sock_ro_perms = \"rwx\"\n",
                 "t.conf:1: bad value for 'unix_sock_ro_perms': 'rwx' "
                 "(expected an octal mode from 0000 to 0777)");
    expect_error("unix_sock_admin_perms = \"\"\n",
                 "t.conf:1: bad value for 'unix_sock_admin_perms': '' "
                 "(expected an octal mode from 0000 to 0777)");
    expect_error("unix_sock_admin_perms = \"01777\"\n",
                 "t.conf:1: bad value for 'unix_sock_admin_perms': '01777' "
                 "(expected an octal mode from 0000 to 0777)");
    expect_error("unix_sock_admin_perms = \" 0700\"\n",
                 "t.conf:1: bad value for 'unix_sock_admin_perms': ' 0700' "
                 "(expected an octal mode from 0000 to 0777)");
    expect_error("\n\n\nauth_unix_rw = \"bogus\"\n",
                 "t.conf:4: bad value for 'auth_unix_rw': 'bogus' "
                 "(expected none, sasl or polkit)");
    expect_error("auth_tls = \"None\"\n",
                 "t.conf:1: bad value for 'auth_tls': 'None' "
                 "(expected none, sasl or polkit)");
    expect_error("max_clients = -1\n",
                 "t.conf:1: bad value for 'max_clients': '-1' "
                 "(expected an integer from 0 to 4294967295)");
    expect_error("keepalive_count = -5\n",
                 "t.conf:1: bad value for 'keepalive_count': '-5' "
                 "(expected an integer from 0 to 4294967295)");
    expect_error("max_queued_clients = 4294967296\n",
                 "t.conf:1: bad value for 'max_queued_clients': '4294967296' "
                 "(expected an integer from 0 to 4294967295)");
    expect_error("max_clients = 99999999999999999999999\n",
                 "t.conf:1: bad value for 'max_clients': '99999999999999999999999' "
                 "(expected an integer from 0 to 4294967295)");
    expect_error("keepalive_interval = -2\n",
                 "t.conf:1: bad value for 'keepalive_interval': '-2' "
                 "(expected an integer from -1 to 2147483647)");
    expect_error("keepalive_interval = 2147483648\n",
                 "t.conf:1: bad value for 'keepalive_interval': '2147483648' "
                 "(expected an integer from -1 to 2147483647)");
    expect_error("max_workers = 0\n",
                 "t.conf:1: bad value for 'max_workers': '0' "
                 "(expected an integer from 1 to 4294967295)");
    expect_error("log_level = 5\n",
                 "t.conf:1: bad value for 'log_level': '5' "
                 "(expected an integer from 0 to 4)");
    expect_error("tcp_min_ssf = 56\n",
                 "t.conf:1: bad value for 'tcp_min_ssf': '56' "
                 "(expected an integer from 112 to 4294967295)");
    expect_error("listen_tls = 2\n",
                 "t.conf:1: bad value for 'listen_tls': '2' (expected 0 or 1)");
    expect_error("audit_logging = -1\n",
                 "t.conf:1: bad value for 'audit_logging': '-1' (expected 0 or 1)");
    expect_error("admin_max_clients = -1\n",
                 "t.conf:1: bad value for 'admin_max_clients': '-1' "
                 "(expected an integer from 0 to 4294967295)");
}

static void
test_load_file(void **state)
{
    struct qd_config cfg;
    struct qd_err err = QD_ERR_INIT;
    char path[] = "/tmp/test_config_XXXXXX";
    static const char text[] = "max_clients = 9\n\nfoo = 1\n";
    int fd;

    (void) state;
    assert_true((fd = mkstemp(path)) >= 0);
    assert_int_equal(write(fd, text, sizeof(text) - 1), sizeof(text) - 1);
    close(fd);

    qd_config_init_defaults(&cfg);
    assert_int_equal(qd_config_load_file(&cfg, path, &err), -1);
    {
        _cleanup_free_ char *want = qd_asprintf("%s:3: unknown key 'foo'",
                                                path);

        assert_string_equal(err.message, want);
    }
    qd_err_clear(&err);

    /* A NUL byte is rejected with its line. */
    assert_true((fd = open(path, O_WRONLY | O_TRUNC)) >= 0);
    assert_int_equal(write(fd, "a = 1\nb\0 = 2\n", 13), 13);
    close(fd);
    assert_int_equal(qd_config_load_file(&cfg, path, &err), -1);
    assert_non_null(strstr(err.message, ":2: NUL byte in file"));
    qd_err_clear(&err);

    unlink(path);
    assert_int_equal(qd_config_load_file(&cfg, path, &err), -1);
    assert_non_null(strstr(err.message, path));
    assert_int_equal(err.code, QD_ERR_CONFIG_UNSUPPORTED);
    qd_err_clear(&err);
    qd_config_clear(&cfg);
}

static void
test_resolve_default_paths(void **state)
{
    struct qd_config cfg;
    struct qd_err err = QD_ERR_INIT;

    (void) state;
    qd_config_init_defaults(&cfg);
    assert_int_equal(qd_config_resolve_paths(&cfg, &err), 0);
    assert_string_equal(cfg.etc_dir, "/etc/qemud");
    assert_string_equal(cfg.run_dir, "/run/qemud");
    assert_string_equal(cfg.lib_dir, "/var/lib/qemud");
    assert_string_equal(cfg.log_dir, "/var/log/qemud");
    assert_string_equal(cfg.unix_sock_dir, "/run/qemud");
    assert_string_equal(cfg.sock_rw_path, "/run/qemud/libvirt-sock");
    assert_string_equal(cfg.sock_ro_path, "/run/qemud/libvirt-sock-ro");
    assert_string_equal(cfg.sock_admin_path, "/run/qemud/libvirt-admin-sock");
    /* Resolving again is harmless. */
    assert_int_equal(qd_config_resolve_paths(&cfg, &err), 0);
    assert_string_equal(cfg.sock_rw_path, "/run/qemud/libvirt-sock");
    qd_config_clear(&cfg);

    load_ok(&cfg, "unix_sock_dir = \"/var/run/x/\"\n");
    assert_int_equal(qd_config_resolve_paths(&cfg, &err), 0);
    assert_string_equal(cfg.run_dir, "/run/qemud");
    assert_string_equal(cfg.sock_ro_path, "/var/run/x/libvirt-sock-ro");
    qd_config_clear(&cfg);
}

static void
test_resolve_root_dir(void **state)
{
    struct qd_config cfg;
    struct qd_err err = QD_ERR_INIT;

    (void) state;
    load_ok(&cfg, "root_dir = \"/tmp/qd-root/\"\n");
    assert_int_equal(qd_config_resolve_paths(&cfg, &err), 0);
    assert_string_equal(cfg.etc_dir, "/tmp/qd-root/etc");
    assert_string_equal(cfg.run_dir, "/tmp/qd-root/run");
    assert_string_equal(cfg.lib_dir, "/tmp/qd-root/lib");
    assert_string_equal(cfg.log_dir, "/tmp/qd-root/log");
    assert_string_equal(cfg.unix_sock_dir, "/tmp/qd-root/run");
    assert_string_equal(cfg.sock_rw_path, "/tmp/qd-root/run/libvirt-sock");
    assert_string_equal(cfg.sock_ro_path, "/tmp/qd-root/run/libvirt-sock-ro");
    assert_string_equal(cfg.sock_admin_path,
                        "/tmp/qd-root/run/libvirt-admin-sock");
    qd_config_clear(&cfg);

    /* An explicit unix_sock_dir wins over root_dir. */
    load_ok(&cfg, "root_dir = \"/r\"\nunix_sock_dir = \"/s\"\n");
    assert_int_equal(qd_config_resolve_paths(&cfg, &err), 0);
    assert_string_equal(cfg.lib_dir, "/r/lib");
    assert_string_equal(cfg.sock_rw_path, "/s/libvirt-sock");
    qd_config_clear(&cfg);

    load_ok(&cfg, "root_dir = \"relative\"\n");
    assert_int_equal(qd_config_resolve_paths(&cfg, &err), -1);
    assert_string_equal(err.message,
                        "root_dir must be an absolute path: 'relative'");
    qd_err_clear(&err);
    qd_config_clear(&cfg);

    load_ok(&cfg, "unix_sock_dir = \"\"\n");
    assert_int_equal(qd_config_resolve_paths(&cfg, &err), -1);
    assert_string_equal(err.message,
                        "unix_sock_dir must be an absolute path: ''");
    qd_err_clear(&err);
    qd_config_clear(&cfg);
}

static void
test_socket_path_too_long(void **state)
{
    struct qd_config cfg;
    struct qd_err err = QD_ERR_INIT;
    char dir[128];
    _cleanup_free_ char *text = NULL, *want = NULL;
    size_t n;

    (void) state;
    /* "<dir>/libvirt-admin-sock" is the longest: 19 bytes after <dir>.
     * A 88-byte dir gives 107 bytes, the most sun_path holds. */
    n = 88;
    memset(dir, 'd', n);
    dir[0] = '/';
    dir[n] = '\0';
    text = qd_asprintf("unix_sock_dir = \"%s\"\n", dir);
    load_ok(&cfg, text);
    assert_int_equal(qd_config_resolve_paths(&cfg, &err), 0);
    assert_int_equal(strlen(cfg.sock_admin_path), 107);
    qd_config_clear(&cfg);
    free(text);

    dir[n] = 'd';
    dir[n + 1] = '\0';
    text = qd_asprintf("unix_sock_dir = \"%s\"\n", dir);
    load_ok(&cfg, text);
    assert_int_equal(qd_config_resolve_paths(&cfg, &err), -1);
    want = qd_asprintf("socket path '%s/libvirt-admin-sock' is too long: "
                       "108 bytes, the limit is 107 (sun_path)", dir);
    assert_string_equal(err.message, want);
    assert_int_equal(err.code, QD_ERR_CONFIG_UNSUPPORTED);
    qd_err_clear(&err);
    qd_config_clear(&cfg);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_implemented_keys),
        cmocka_unit_test(test_all_libvirtd_keys),
        cmocka_unit_test(test_libvirtd_conf_full),
        cmocka_unit_test(test_syntax_accepted),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_unknown_key),
        cmocka_unit_test(test_wrong_type),
        cmocka_unit_test(test_bad_values),
        cmocka_unit_test(test_load_file),
        cmocka_unit_test(test_resolve_default_paths),
        cmocka_unit_test(test_resolve_root_dir),
        cmocka_unit_test(test_socket_path_too_long),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
