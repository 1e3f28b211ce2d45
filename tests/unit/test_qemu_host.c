/* Unit tests of the QEMU driver's host side (src/drivers/qemu/qemu_host*.c)
 * against the real QEMU of this machine: the start-up probe, machine
 * names, the KVM verdict, the capabilities and domain capabilities XML
 * (parsed with libxml2), libvirt's error texts, and the host queries.
 *
 * The KVM self-test guest itself is exercised under TCG, so its boot
 * sector and marker are checked on hosts without /dev/kvm too. Without
 * /usr/bin/qemu-system-x86_64 the group set-up fails: these tests are
 * never skipped silently. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "drivers/qemu/qemu_host.h"
#include "drivers/qemu/qemu_host_priv.h"
#include "util/mem.h"

#define EMULATOR "/usr/bin/qemu-system-x86_64"

static char tmpdir[] = "/tmp/test_qemu_host-XXXXXX";

static bool
have_kvm_device(void)
{
    return access("/dev/kvm", F_OK) == 0;
}

static int
group_setup(void **state)
{
    struct qd_err err = QD_ERR_INIT;

    (void) state;
    if (!mkdtemp(tmpdir)) {
        fprintf(stderr, "cannot create %s\n", tmpdir);
        return -1;
    }
    if (qd_qemu_host_init(NULL, tmpdir, &err) < 0) {
        fprintf(stderr, "probing %s failed: %s\n", EMULATOR, err.message);
        qd_err_clear(&err);
        return -1;
    }
    fprintf(stderr, "# probe + KVM self-test took %u ms\n",
            qd_qemu_host_probe_ms());
    return 0;
}

static int
group_teardown(void **state)
{
    (void) state;
    qd_qemu_host_fini();
    rmdir(tmpdir);
    return 0;
}

/* ---- helpers: XPath on an XML string ------------------------------- */

static xmlDocPtr
parse_xml(const char *xml)
{
    xmlDocPtr doc = xmlReadMemory(xml, (int) strlen(xml), "test.xml", NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR);

    if (!doc)
        fail_msg("not well-formed XML:\n%s", xml);
    return doc;
}

static int
xp_count(xmlDocPtr doc, const char *expr)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathObjectPtr obj = xmlXPathEvalExpression(BAD_CAST expr, ctx);
    int n = -1;

    if (obj && obj->type == XPATH_NODESET)
        n = obj->nodesetval ? obj->nodesetval->nodeNr : 0;
    else if (obj && obj->type == XPATH_NUMBER)
        n = (int) obj->floatval;
    xmlXPathFreeObject(obj);
    xmlXPathFreeContext(ctx);
    if (n < 0)
        fail_msg("bad XPath %s", expr);
    return n;
}

/* The string value of @expr (heap), "" when nothing matches. */
static char *
xp_string(xmlDocPtr doc, const char *expr)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathObjectPtr obj;
    _cleanup_free_ char *full = qd_asprintf("string(%s)", expr);
    char *ret;

    obj = xmlXPathEvalExpression(BAD_CAST full, ctx);
    assert_non_null(obj);
    ret = qd_strdup(obj->stringval ? (const char *) obj->stringval : "");
    xmlXPathFreeObject(obj);
    xmlXPathFreeContext(ctx);
    return ret;
}

static void
assert_err(struct qd_err *err, int code, int domain, const char *message)
{
    assert_int_equal(err->code, code);
    assert_int_equal(err->domain, domain);
    assert_string_equal(err->message, message);
    qd_err_clear(err);
}

/* ---- the probe ------------------------------------------------------ */

static void
test_version(void **state)
{
    struct qd_err err = QD_ERR_INIT;
    uint64_t v = 0;

    (void) state;
    assert_string_equal(qd_qemu_host_emulator(), EMULATOR);
    assert_true(qd_qemu_host_qemu_version() >= 1000000);
    assert_int_equal(qd_qemu_get_version(NULL, &v, &err), 0);
    assert_int_equal(v, qd_qemu_host_qemu_version());
}

static void
test_machines(void **state)
{
    const char *pc = qd_qemu_host_canonical_machine("pc");
    const char *q35 = qd_qemu_host_canonical_machine("q35");

    (void) state;
    assert_non_null(pc);
    assert_non_null(q35);
    assert_int_equal(strncmp(pc, "pc-i440fx-", 10), 0);
    assert_int_equal(strncmp(q35, "pc-q35-", 7), 0);
    /* a canonical name is its own canonical name */
    assert_string_equal(qd_qemu_host_canonical_machine(pc), pc);
    assert_string_equal(qd_qemu_host_canonical_machine("pc-i440fx-2.12"),
                        "pc-i440fx-2.12");
    /* libvirt's preferred default is "pc" */
    assert_string_equal(qd_qemu_host_canonical_machine(NULL), pc);
    assert_null(qd_qemu_host_canonical_machine("no-such-machine"));
    assert_null(qd_qemu_host_canonical_machine("none"));
    assert_int_equal(qd_qemu_host_machine_max_cpus("pc"), 255);
    assert_int_equal(qd_qemu_host_machine_max_cpus("q35"), 288);
    assert_int_equal(qd_qemu_host_machine_max_cpus("no-such-machine"), -1);
}

static void
test_kvm_verdict(void **state)
{
    const char *why = NULL;
    bool usable = qd_qemu_host_kvm_usable(&why);

    (void) state;
    if (!have_kvm_device()) {
        assert_false(usable);
        assert_non_null(why);
        assert_string_equal(why, "/dev/kvm does not exist");
    } else if (usable) {
        assert_null(why);
    } else {
        assert_non_null(why);
        assert_true(strlen(why) > 0);
    }
}

static void
test_init_twice(void **state)
{
    struct qd_err err = QD_ERR_INIT;

    (void) state;
    assert_int_equal(qd_qemu_host_init(EMULATOR, NULL, &err), 0);
    assert_int_equal(qd_qemu_host_init("/usr/bin/qemu-system-i386", NULL,
                                       &err), -1);
    assert_int_equal(err.code, QD_ERR_INTERNAL_ERROR);
    qd_err_clear(&err);
}

/* The self-test guest, run under TCG: the boot sector must reach the
 * marker, and a too short bound must be reported as such. */
static void
test_selftest_guest(void **state)
{
    char *why = NULL;

    (void) state;
    assert_true(qd_qemu_selftest_run(EMULATOR, "tcg", tmpdir, 20000, &why));
    assert_null(why);
    assert_false(qd_qemu_selftest_run(EMULATOR, "tcg", NULL, 1, &why));
    assert_string_equal(why, "KVM self-test guest did not run within 1 ms");
    free(why);
    why = NULL;
    if (!have_kvm_device()) {
        /* what the start-up test would see if it tried anyway */
        assert_false(qd_qemu_selftest_run(EMULATOR, "kvm", tmpdir, 5000,
                                          &why));
        assert_non_null(strstr(why, "failed to start"));
        free(why);
    }
}

/* A probe failure is reported in libvirt's words. */
static void
test_probe_failures(void **state)
{
    struct qd_qemu_probe *p = QD_NEW(struct qd_qemu_probe);
    struct qd_err err = QD_ERR_INIT;

    (void) state;
    assert_int_equal(qd_qemu_probe_run("/bin/true", "tcg", 5000, p, &err),
                     -1);
    assert_int_equal(err.code, QD_ERR_INTERNAL_ERROR);
    assert_non_null(strstr(err.message, "internal error: Failed to start "
                                        "QEMU binary /bin/true for probing"));
    qd_err_clear(&err);
    qd_qemu_probe_free(p);
}

/* ---- capabilities --------------------------------------------------- */

static void
test_capabilities(void **state)
{
    struct qd_err err = QD_ERR_INIT;
    _cleanup_free_ char *xml = qd_qemu_get_capabilities(NULL, &err);
    _cleanup_free_ char *emu = NULL;
    _cleanup_free_ char *q = NULL;
    const char *pc = qd_qemu_host_canonical_machine("pc");
    xmlDocPtr doc;
    int kvm_domains;

    (void) state;
    assert_non_null(xml);
    doc = parse_xml(xml);
    assert_int_equal(xp_count(doc, "/capabilities/host/uuid"), 1);
    assert_int_equal(xp_count(doc, "/capabilities/host/cpu/arch"
                                   "[text()='x86_64']"), 1);
    assert_int_equal(xp_count(doc, "/capabilities/host/secmodel/model"
                                   "[text()='none']"), 1);
    assert_true(xp_count(doc, "/capabilities/host/topology/cells/cell") >= 1);
    assert_true(xp_count(doc, "/capabilities/host/topology/cells/cell/"
                              "cpus/cpu") >= 1);
    assert_int_equal(xp_count(doc, "/capabilities/host/migration_features/"
                                   "uri_transports/uri_transport"), 2);

    emu = xp_string(doc, "/capabilities/guest[os_type='hvm']/"
                         "arch[@name='x86_64']/emulator");
    assert_string_equal(emu, EMULATOR);
    assert_string_equal(
        (q = xp_string(doc, "/capabilities/guest/arch[@name='x86_64']/"
                            "wordsize")), "64");
    free(q);
    /* the default machine first, then "pc" naming it */
    q = qd_asprintf("/capabilities/guest/arch[@name='x86_64']/machine[1]"
                    "[text()='%s'][@maxCpus='255']", pc);
    assert_int_equal(xp_count(doc, q), 1);
    free(q);
    q = qd_asprintf("/capabilities/guest/arch[@name='x86_64']/machine[2]"
                    "[text()='pc'][@canonical='%s']", pc);
    assert_int_equal(xp_count(doc, q), 1);
    free(q);
    q = qd_asprintf("/capabilities/guest/arch[@name='x86_64']/"
                    "machine[text()='q35'][@canonical='%s']",
                    qd_qemu_host_canonical_machine("q35"));
    assert_int_equal(xp_count(doc, q), 1);
    free(q);
    q = NULL;
    assert_int_equal(xp_count(doc, "/capabilities/guest/arch[@name='x86_64']/"
                                   "machine[text()='none']"), 0);
    assert_int_equal(xp_count(doc, "/capabilities/guest/arch[@name='x86_64']/"
                                   "domain[@type='qemu']"), 1);
    kvm_domains = xp_count(doc, "/capabilities/guest/arch/domain"
                                "[@type='kvm']");
    if (qd_qemu_host_kvm_usable(NULL))
        assert_true(kvm_domains >= 1);
    else
        assert_int_equal(kvm_domains, 0);
    /* i686 guests are listed too, first, with pae/nonpae */
    assert_int_equal(xp_count(doc, "/capabilities/guest[1]/arch"
                                   "[@name='i686']"), 1);
    assert_int_equal(xp_count(doc, "/capabilities/guest[arch/@name='i686']/"
                                   "features/pae"), 1);
    assert_int_equal(xp_count(doc, "/capabilities/guest[arch/@name='x86_64']/"
                                   "features/acpi[@default='on']"
                                   "[@toggle='yes']"), 1);
    xmlFreeDoc(doc);
}

static void
test_domain_capabilities(void **state)
{
    struct qd_err err = QD_ERR_INIT;
    const char *pc = qd_qemu_host_canonical_machine("pc");
    const char *q35 = qd_qemu_host_canonical_machine("q35");
    bool kvm = qd_qemu_host_kvm_usable(NULL);
    _cleanup_free_ char *xml = NULL;
    _cleanup_free_ char *s = NULL;
    xmlDocPtr doc;

    (void) state;
    xml = qd_qemu_get_domain_capabilities(NULL, NULL, NULL, NULL, NULL, 0,
                                          &err);
    assert_non_null(xml);
    doc = parse_xml(xml);
    assert_string_equal((s = xp_string(doc, "/domainCapabilities/path")),
                        EMULATOR);
    free(s);
    assert_string_equal((s = xp_string(doc, "/domainCapabilities/domain")),
                        kvm ? "kvm" : "qemu");
    free(s);
    assert_string_equal((s = xp_string(doc, "/domainCapabilities/machine")),
                        pc);
    free(s);
    assert_string_equal((s = xp_string(doc, "/domainCapabilities/arch")),
                        "x86_64");
    free(s);
    s = NULL;
    if (!kvm)
        assert_int_equal(xp_count(doc, "/domainCapabilities/vcpu"
                                       "[@max='255']"), 1);
    assert_int_equal(xp_count(doc, "/domainCapabilities/cpu/mode"
                                   "[@name='host-passthrough']"
                                   "[@supported='yes']"), kvm ? 1 : 0);
    assert_true(xp_count(doc, "/domainCapabilities/cpu/mode[@name='custom']"
                              "/model[text()='qemu64']") == 1);
    assert_int_equal(xp_count(doc, "/domainCapabilities/cpu/mode"
                                   "[@name='custom']/model[text()='max' or "
                                   "text()='qemu64-v1']"), 0);
    assert_int_equal(xp_count(doc, "//disk/enum[@name='bus']/"
                                   "value[text()='ide']"), 1);
    assert_int_equal(xp_count(doc, "//graphics/enum[@name='type']/"
                                   "value[text()='vnc']"), 1);
    xmlFreeDoc(doc);
    free(xml);

    /* q35: its own machine, vCPU limit, and no IDE */
    xml = qd_qemu_get_domain_capabilities(NULL, EMULATOR, "x86_64", "q35",
                                          "qemu", 0, &err);
    assert_non_null(xml);
    doc = parse_xml(xml);
    assert_string_equal((s = xp_string(doc, "/domainCapabilities/machine")),
                        q35);
    free(s);
    s = NULL;
    assert_int_equal(xp_count(doc, "/domainCapabilities/vcpu[@max='288']"),
                     1);
    assert_int_equal(xp_count(doc, "//disk/enum[@name='bus']/"
                                   "value[text()='ide']"), 0);
    assert_int_equal(xp_count(doc, "/domainCapabilities/domain"
                                   "[text()='qemu']"), 1);
    xmlFreeDoc(doc);
    free(xml);
    xml = NULL;

    /* the x86_64 emulator serves i686 guests as well */
    xml = qd_qemu_get_domain_capabilities(NULL, EMULATOR, "i686", NULL,
                                          NULL, 0, &err);
    assert_non_null(xml);
    doc = parse_xml(xml);
    assert_int_equal(xp_count(doc, "/domainCapabilities/arch"
                                   "[text()='i686']"), 1);
    xmlFreeDoc(doc);
}

/* libvirt's errors from virQEMUCapsCacheLookupDefault and friends. */
static void
test_domain_capabilities_errors(void **state)
{
    struct qd_err err = QD_ERR_INIT;

    (void) state;
    assert_null(qd_qemu_get_domain_capabilities(NULL, NULL, NULL, "foo",
                                                NULL, 0, &err));
    assert_err(&err, QD_ERR_INVALID_ARG, QD_FROM_QEMU,
               "invalid argument: the machine 'foo' is not supported by "
               "emulator '" EMULATOR "'");
    if (!qd_qemu_host_kvm_usable(NULL)) {
        assert_null(qd_qemu_get_domain_capabilities(NULL, NULL, NULL, NULL,
                                                    "kvm", 0, &err));
        assert_err(&err, QD_ERR_INVALID_ARG, QD_FROM_QEMU,
                   "invalid argument: the accel 'kvm' is not supported by '"
                   EMULATOR "' on this host");
    }
    assert_null(qd_qemu_get_domain_capabilities(NULL, NULL, NULL, NULL,
                                                "foo", 0, &err));
    assert_err(&err, QD_ERR_INVALID_ARG, QD_FROM_QEMU,
               "invalid argument: unknown virttype: foo");
    assert_null(qd_qemu_get_domain_capabilities(NULL, NULL, "foo", NULL,
                                                NULL, 0, &err));
    assert_err(&err, QD_ERR_INVALID_ARG, QD_FROM_QEMU,
               "invalid argument: unknown architecture: foo");
    assert_null(qd_qemu_get_domain_capabilities(NULL, NULL, "aarch64", NULL,
                                                NULL, 0, &err));
    assert_err(&err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_QEMU,
               "unsupported configuration: unable to find any emulator to "
               "serve 'aarch64' architecture");
    assert_null(qd_qemu_get_domain_capabilities(NULL, EMULATOR, "aarch64",
                                                NULL, NULL, 0, &err));
    assert_err(&err, QD_ERR_INVALID_ARG, QD_FROM_QEMU,
               "invalid argument: architecture from emulator 'x86_64' "
               "doesn't match given architecture 'aarch64'");
    assert_null(qd_qemu_get_domain_capabilities(NULL, "/nonexistent/qemu",
                                                NULL, NULL, NULL, 0, &err));
    assert_err(&err, QD_QEMU_ERR_SYSTEM, QD_FROM_QEMU,
               "Cannot check QEMU binary /nonexistent/qemu: No such file or "
               "directory");
    assert_null(qd_qemu_get_domain_capabilities(NULL, NULL, NULL, NULL, NULL,
                                                1, &err));
    assert_err(&err, QD_ERR_INVALID_ARG, QD_FROM_QEMU,
               "unsupported flags (0x1) in function "
               "qemuConnectGetDomainCapabilities");
}

/* Another binary is probed on demand (when installed). */
static void
test_domain_capabilities_i386(void **state)
{
    const char *i386 = "/usr/bin/qemu-system-i386";
    struct qd_err err = QD_ERR_INIT;
    _cleanup_free_ char *xml = NULL;
    _cleanup_free_ char *s = NULL;
    xmlDocPtr doc;

    (void) state;
    if (access(i386, X_OK) < 0) {
        skip();
        return;
    }
    xml = qd_qemu_get_domain_capabilities(NULL, NULL, "i686", NULL, NULL, 0,
                                          &err);
    assert_non_null(xml);
    doc = parse_xml(xml);
    assert_string_equal((s = xp_string(doc, "/domainCapabilities/path")),
                        i386);
    xmlFreeDoc(doc);
    assert_null(qd_qemu_get_domain_capabilities(NULL, i386, "x86_64", NULL,
                                                NULL, 0, &err));
    assert_err(&err, QD_ERR_INVALID_ARG, QD_FROM_QEMU,
               "invalid argument: Emulator '/usr/bin/qemu-system-i386' does "
               "not support arch 'x86_64'");
}

/* ---- node queries ---------------------------------------------------- */

static void
test_node_info(void **state)
{
    struct qd_err err = QD_ERR_INIT;
    struct qd_node_info ni;
    uint64_t free_bytes = 0, cells[64];
    int n;

    (void) state;
    assert_int_equal(qd_qemu_node_get_info(NULL, &ni, &err), 0);
    assert_string_equal(ni.model, "x86_64");
    assert_true(ni.cpus >= 1);
    assert_true(ni.cpus <= sysconf(_SC_NPROCESSORS_CONF));
    assert_true(ni.memory > 0);
    assert_true(ni.mhz >= 0);
    assert_true(ni.nodes >= 1 && ni.sockets >= 1 && ni.cores >= 1 &&
                ni.threads >= 1);
    assert_true(ni.nodes * ni.sockets * ni.cores * ni.threads >= ni.cpus);

    assert_int_equal(qd_qemu_node_get_free_memory(NULL, &free_bytes, &err),
                     0);
    assert_true(free_bytes > 0);
    assert_true(free_bytes <= ni.memory * 1024);

    n = qd_qemu_node_get_cells_free_memory(NULL, 0, 64, cells, &err);
    assert_true(n >= 1);
    assert_true(cells[0] > 0);
    assert_int_equal(qd_qemu_node_get_cells_free_memory(NULL, 0, 1, cells,
                                                        &err), 1);
    assert_int_equal(qd_qemu_node_get_cells_free_memory(NULL, 100000, 1,
                                                        cells, &err), -1);
    assert_int_equal(err.code, QD_ERR_INTERNAL_ERROR);
    assert_non_null(strstr(err.message,
                           "internal error: start cell 100000 out of range"));
    qd_err_clear(&err);
}

static void
test_max_vcpus(void **state)
{
    struct qd_err err = QD_ERR_INIT;

    (void) state;
    assert_int_equal(qd_qemu_get_max_vcpus(NULL, NULL, &err), 16);
    assert_int_equal(qd_qemu_get_max_vcpus(NULL, "qemu", &err), 16);
    assert_int_equal(qd_qemu_get_max_vcpus(NULL, "QEMU", &err), 16);
    assert_int_equal(qd_qemu_get_max_vcpus(NULL, "xen", &err), -1);
    assert_err(&err, QD_ERR_INVALID_ARG, QD_FROM_QEMU,
               "invalid argument: unknown type 'xen'");
    if (!have_kvm_device()) {
        assert_int_equal(qd_qemu_get_max_vcpus(NULL, "kvm", &err), -1);
        assert_err(&err, QD_QEMU_ERR_SYSTEM, QD_FROM_NONE,
                   "Unable to open /dev/kvm: No such file or directory");
    } else {
        assert_true(qd_qemu_get_max_vcpus(NULL, "kvm", &err) >= 1);
    }
}

static void
test_sysinfo(void **state)
{
    struct qd_err err = QD_ERR_INIT;
    char *xml;

    (void) state;
    assert_null(qd_qemu_get_sysinfo(NULL, 1, &err));
    assert_err(&err, QD_ERR_INVALID_ARG, QD_FROM_QEMU,
               "unsupported flags (0x1) in function qemuConnectGetSysinfo");
    xml = qd_qemu_get_sysinfo(NULL, 0, &err);
    if (access("/sys/class/dmi/id/sys_vendor", R_OK) == 0 ||
        access("/sys/class/dmi/id/bios_vendor", R_OK) == 0) {
        xmlDocPtr doc;

        assert_non_null(xml);
        doc = parse_xml(xml);
        assert_int_equal(xp_count(doc, "/sysinfo[@type='smbios']"), 1);
        assert_true(xp_count(doc, "/sysinfo/*/entry") >= 1);
        xmlFreeDoc(doc);
        free(xml);
    } else {
        assert_null(xml);
        assert_err(&err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_QEMU,
                   "unsupported configuration: Host SMBIOS information is "
                   "not available");
    }
}

static void
test_hostname(void **state)
{
    struct qd_err err = QD_ERR_INIT;
    char *name = qd_qemu_get_hostname(NULL, &err);

    (void) state;
    assert_non_null(name);
    assert_true(strlen(name) > 0);
    free(name);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_machines),
        cmocka_unit_test(test_kvm_verdict),
        cmocka_unit_test(test_init_twice),
        cmocka_unit_test(test_selftest_guest),
        cmocka_unit_test(test_probe_failures),
        cmocka_unit_test(test_capabilities),
        cmocka_unit_test(test_domain_capabilities),
        cmocka_unit_test(test_domain_capabilities_errors),
        cmocka_unit_test(test_domain_capabilities_i386),
        cmocka_unit_test(test_node_info),
        cmocka_unit_test(test_max_vcpus),
        cmocka_unit_test(test_sysinfo),
        cmocka_unit_test(test_hostname),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
