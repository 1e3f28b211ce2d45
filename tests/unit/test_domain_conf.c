/* Unit tests of the domain XML module (src/conf/domain_conf*.c).
 *
 * Each pair tests/data/xml/NAME.in.xml / NAME.out.xml was captured from
 * libvirt 9.0's test:///default: the input defined (and for the running
 * cases started as domain id 2), the output from virDomainGetXMLDesc.
 * Generated MAC addresses are random, so 52:54:00:xx:xx:xx is masked on
 * both sides. Error codes, domains and texts come from the same oracle. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_data.h"

#include "conf/domain_conf.h"
#include "util/mem.h"
#include "util/uuid.h"


/* How an output file was captured. */
enum mode {
    MODE_DEFINED,       /* defined, not running: GetXMLDesc(0) */
    MODE_LIVE,          /* running with id 2: GetXMLDesc(0) */
    MODE_CONFIG,        /* running: GetXMLDesc(INACTIVE), the copy */
};

/* Replace the random part of every 52:54:00:xx:xx:xx by XX:XX:XX. */
static void
mask_macs(char *s)
{
    char *p = s;

    while ((p = strstr(p, "52:54:00:"))) {
        size_t i;

        p += 9;
        for (i = 0; i < 8 && p[i]; i++) {
            if (i % 3 != 2)
                p[i] = 'X';
        }
    }
}

static struct qd_dom_def *
parse_ok(const char *xml)
{
    struct qd_err err = QD_ERR_INIT;
    struct qd_dom_def *def = qd_dom_def_parse(xml, &err);

    if (!def)
        fail_msg("parse failed: %d %d %s", err.code, err.domain,
                 err.message);
    assert_int_equal(qd_dom_def_test_ifnames(def, &err), 0);
    return def;
}

static void
run_pair(const char *name, enum mode mode)
{
    _cleanup_free_ char *inname = qd_asprintf("%s.in.xml", name);
    _cleanup_free_ char *outname = qd_asprintf("%s.out.xml", name);
    _cleanup_free_ char *in = qd_test_read_data("xml", inname);
    _cleanup_free_ char *want = qd_test_read_data("xml", outname);
    _cleanup_free_ char *got = NULL;
    struct qd_dom_def *def = parse_ok(in), *copy = NULL;

    switch (mode) {
    case MODE_DEFINED:
        got = qd_dom_def_format(def, -1, 0);
        break;
    case MODE_LIVE:
        got = qd_dom_def_format(def, 2, 0);
        break;
    case MODE_CONFIG:
        copy = qd_dom_def_copy(def);
        got = qd_dom_def_format(copy, -1, QD_DOM_XML_INACTIVE);
        break;
    }
    mask_macs(got);
    assert_string_equal(got, want);

    qd_dom_def_free(copy);
    qd_dom_def_free(def);
}

#define PAIR(fn, name, mode)                    \
    static void                                 \
    fn(void **state)                            \
    {                                           \
        (void) state;                           \
        run_pair(name, mode);                   \
    }

/* virsh -c test:///default dumpxml test (the default domain, id 1) */
static void
test_default_domain(void **state)
{
    _cleanup_free_ char *in = qd_test_read_data("xml", "domain-default.in.xml");
    _cleanup_free_ char *want = qd_test_read_data("xml", "domain-default.out.xml");
    _cleanup_free_ char *got = NULL;
    _cleanup_free_ char *inactive = NULL;
    struct qd_dom_def *def;
    char uuid[QD_UUID_STRLEN];
    char *id;

    (void) state;
    def = parse_ok(in);
    got = qd_dom_def_format(def, 1, 0);
    assert_string_equal(got, want);
    /* dumpxml --inactive: the same without the id */
    inactive = qd_dom_def_format(def, 1, QD_DOM_XML_INACTIVE);
    id = strstr(want, " id='1'");
    assert_non_null(id);
    memmove(id, id + 7, strlen(id + 7) + 1);
    assert_string_equal(inactive, want);

    assert_string_equal(def->name, "test");
    qd_uuid_format(def->uuid, uuid);
    assert_string_equal(uuid, "6695eb01-f6a4-8304-79aa-97f2502e193f");
    assert_int_equal(def->max_memory_kib, 8388608);
    assert_int_equal(def->cur_memory_kib, 2097152);
    assert_int_equal(def->max_vcpus, 2);
    assert_int_equal(def->vcpus, 2);
    assert_int_equal(def->hotplug_memory_kib, 0);
    assert_string_equal(def->on_poweroff, "destroy");
    assert_string_equal(def->on_reboot, "restart");
    assert_string_equal(def->os_type, "hvm");
    assert_string_equal(def->os_arch, "i686");
    assert_int_equal(def->nnets, 1);
    assert_string_equal(def->nets[0]->ifname, "testnet0");
    qd_dom_def_free(def);
}

PAIR(test_minimal, "domain-minimal", MODE_DEFINED)
PAIR(test_full, "domain-full", MODE_DEFINED)
PAIR(test_disks, "domain-disks", MODE_DEFINED)
PAIR(test_nets, "domain-nets", MODE_DEFINED)
PAIR(test_chars, "domain-chars", MODE_DEFINED)
PAIR(test_graphics, "domain-graphics", MODE_DEFINED)
PAIR(test_features, "domain-features", MODE_DEFINED)
PAIR(test_cpu_clock, "domain-cpu-clock", MODE_DEFINED)
PAIR(test_metadata, "domain-metadata", MODE_DEFINED)
PAIR(test_metadata_sanitize, "domain-metadata-sanitize", MODE_DEFINED)
PAIR(test_xen, "domain-xen", MODE_DEFINED)
PAIR(test_efi, "domain-efi", MODE_DEFINED)
PAIR(test_tunables, "domain-tunables", MODE_DEFINED)
PAIR(test_vcpus, "domain-vcpus", MODE_DEFINED)
PAIR(test_devices_misc, "domain-devices-misc", MODE_DEFINED)
PAIR(test_serial_console, "domain-serial-console", MODE_DEFINED)
PAIR(test_running_live, "domain-running-live", MODE_LIVE)
PAIR(test_running_config, "domain-running-config", MODE_CONFIG)
PAIR(test_running_chars_config, "domain-running-chars-config", MODE_CONFIG)
PAIR(test_running_disks_config, "domain-running-disks-config", MODE_CONFIG)

/* An interface without <mac> gets a fresh 52:54:00 address. */
static void
test_generated_mac(void **state)
{
    static const char xml[] =
        "<domain type='test'><name>m</name><memory>1024</memory>"
        "<os><type>hvm</type></os><devices>"
        "<interface type='network'><source network='default'/></interface>"
        "<interface type='network'><source network='default'/></interface>"
        "</devices></domain>";
    struct qd_dom_def *def;

    (void) state;
    def = parse_ok(xml);
    assert_int_equal(def->nnets, 2);
    assert_true(def->nets[0]->mac_generated);
    assert_int_equal(def->nets[0]->mac[0], 0x52);
    assert_int_equal(def->nets[0]->mac[1], 0x54);
    assert_int_equal(def->nets[0]->mac[2], 0x00);
    assert_string_equal(def->nets[0]->ifname, "testnet0");
    assert_string_equal(def->nets[1]->ifname, "testnet1");
    qd_dom_def_free(def);
}

/* A missing <uuid> is generated, a missing <currentMemory> is <memory>. */
static void
test_defaults(void **state)
{
    static const char xml[] =
        "<domain type='test'><name>d</name><memory unit='MiB'>2</memory>"
        "<vcpu current='1'>3</vcpu><os><type>hvm</type></os></domain>";
    static const unsigned char zero[16];
    struct qd_dom_def *def;

    (void) state;
    def = parse_ok(xml);
    assert_memory_not_equal(def->uuid, zero, 16);
    assert_int_equal(def->max_memory_kib, 2048);
    assert_int_equal(def->cur_memory_kib, 2048);
    assert_int_equal(def->max_vcpus, 3);
    assert_int_equal(def->vcpus, 1);
    assert_int_equal(def->nboot, 1);
    assert_string_equal(def->boot[0], "hd");
    qd_dom_def_free(def);
}

/* Metadata elements by namespace, title and description. */
static void
test_metadata_api(void **state)
{
    static const char xml[] =
        "<domain type='test'><name>m</name><memory>1024</memory>"
        "<title>T</title><os><type>hvm</type></os>"
        "<metadata><a:x xmlns:a='urn:a'><a:y>1</a:y></a:x></metadata>"
        "</domain>";
    struct qd_err err = QD_ERR_INIT;
    struct qd_dom_def *def;
    char *s;

    (void) state;
    def = parse_ok(xml);
    s = qd_dom_def_get_metadata(def, QD_DOM_METADATA_TITLE, NULL, &err);
    assert_string_equal(s, "T");
    free(s);
    s = qd_dom_def_get_metadata(def, QD_DOM_METADATA_ELEMENT, "urn:a", &err);
    assert_string_equal(s, "<x>\n  <y>1</y>\n</x>");
    free(s);
    assert_null(qd_dom_def_get_metadata(def, QD_DOM_METADATA_ELEMENT,
                                        "urn:b", &err));
    assert_int_equal(err.code, QD_ERR_NO_DOMAIN_METADATA);
    qd_err_clear(&err);

    assert_int_equal(qd_dom_def_set_metadata(def, QD_DOM_METADATA_ELEMENT,
                                             "<b/>", "bb", "urn:b", &err),
                     0);
    s = qd_dom_def_format(def, -1, 0);
    assert_non_null(strstr(s, "  <metadata>\n"
                              "    <a:x xmlns:a=\"urn:a\">\n"
                              "      <a:y>1</a:y>\n"
                              "    </a:x>\n"
                              "    <bb:b xmlns:bb=\"urn:b\"/>\n"
                              "  </metadata>\n"));
    free(s);
    assert_int_equal(qd_dom_def_set_metadata(def, QD_DOM_METADATA_TITLE,
                                             "a\nb", NULL, NULL, &err), -1);
    assert_int_equal(err.code, QD_ERR_INVALID_ARG);
    qd_err_clear(&err);
    qd_dom_def_free(def);
}

/* A copy prints like the original, metadata included. */
static void
test_copy(void **state)
{
    _cleanup_free_ char *in = qd_test_read_data("xml", "domain-full.in.xml");
    _cleanup_free_ char *a = NULL;
    _cleanup_free_ char *b = NULL;
    struct qd_dom_def *def, *copy;

    (void) state;
    def = parse_ok(in);
    copy = qd_dom_def_copy(def);
    a = qd_dom_def_format(def, -1, QD_DOM_XML_INACTIVE);
    b = qd_dom_def_format(copy, -1, QD_DOM_XML_INACTIVE);
    assert_string_equal(a, b);
    qd_dom_def_free(copy);
    qd_dom_def_free(def);
}

/* The inputs the domain XML fuzzer found (fuzz/regressions/domain_xml):
 * each parses or fails cleanly; what parses prints and copies. When its
 * own output parses again (libvirt refuses some of its own, e.g. a volume
 * disk whose source has no pool), the copy prints the same. Sanitizers
 * catch the leaks and overflows some of them once caused. */
static void
test_fuzz_regressions(void **state)
{
    const char *data = getenv("QD_TEST_DATA_DIR");
    _cleanup_free_ char *dir = qd_asprintf("%s/../../fuzz/regressions/domain_xml",
                                           data ? data : QD_TEST_DATA_DIR);
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t n = 0;

    (void) state;
    if (!d)
        fail_msg("cannot open %s", dir);
    while ((e = readdir(d))) {
        _cleanup_free_ char *path = NULL;
        _cleanup_free_ char *xml = NULL;
        _cleanup_free_ char *a = NULL;
        _cleanup_free_ char *b = NULL;
        struct qd_err err = QD_ERR_INIT;
        struct qd_dom_def *def, *copy, *again;

        if (!strstr(e->d_name, ".xml"))
            continue;
        n++;
        path = qd_asprintf("%s/%s", dir, e->d_name);
        xml = qd_test_read_path(path);
        if (!(def = qd_dom_def_parse(xml, &err))) {
            if (!err.message || err.code == 0)
                fail_msg("%s: failed without an error", e->d_name);
            /* the unbounded controller index is refused, not looped on */
            if (strstr(e->d_name, "huge-controller-index"))
                assert_string_equal(err.message,
                                    "unsupported configuration: disk 'sdzzzzzz': "
                                    "drive controller index 45896057 is larger "
                                    "than 1023");
            qd_err_clear(&err);
            continue;
        }
        copy = qd_dom_def_copy(def);
        a = qd_dom_def_format(def, -1, QD_DOM_XML_INACTIVE);
        b = qd_dom_def_format(copy, -1, QD_DOM_XML_INACTIVE);
        if ((again = qd_dom_def_parse(a, &err)) && strcmp(a, b) != 0)
            fail_msg("%s: the copy prints differently", e->d_name);
        qd_err_clear(&err);
        qd_dom_def_free(again);
        qd_dom_def_free(copy);
        qd_dom_def_free(def);
    }
    closedir(d);
    assert_true(n >= 6);
}

/* The define-only name check. */
static void
test_check_name(void **state)
{
    static const char xml[] =
        "<domain type='test'><name>x\ny</name><memory>1024</memory>"
        "<os><type>hvm</type></os></domain>";
    struct qd_err err = QD_ERR_INIT;
    struct qd_dom_def *def;

    (void) state;
    def = parse_ok(xml);
    assert_int_equal(qd_dom_def_check_name(def, &err), -1);
    assert_int_equal(err.code, 35);
    assert_int_equal(err.domain, 5);
    assert_string_equal(err.message, "invalid char in name: \n");
    qd_err_clear(&err);
    qd_dom_def_free(def);
}

/* ---- errors ---- */

struct err_case {
    const char *name;
    const char *xml;
    int code;
    int domain;
    const char *message;
};

static const struct err_case err_cases[] = {
    { "not_xml",
      "this is not xml",
      35, 20,
      "(domain_definition):1: Start tag expected, '<' not found\nthis is "
      "not xml\n^" },
    { "empty",
      "",
      35, 20,
      "(domain_definition):1: Document is empty\n(null)\n^" },
    { "unclosed",
      "<domain type='test'>\n  <name>x</name>\n",
      35, 20,
      "(domain_definition):3: Premature end of data in tag domain line 1"
      "\n(null)\n^" },
    { "wrong_root",
      "<network><name>x</name></network>",
      27, 5,
      "XML error: expecting root element of 'domain', not 'network'" },
    { "no_name",
      "<domain type='test'><memory>1024</memory><os><type>hvm</type></os>"
      "</domain>",
      21, 20,
      "missing name information" },
    { "bad_uuid",
      "<domain type='test'><name>x</name><uuid>zzz</uuid><memory>1024</me"
      "mory><os><type>hvm</type></os></domain>",
      1, 20,
      "internal error: malformed uuid element" },
    { "no_type",
      "<domain><name>x</name><memory>1024</memory><os><type>hvm</type></o"
      "s></domain>",
      1, 20,
      "internal error: missing domain type attribute" },
    { "bad_type",
      "<domain type='bogus'><name>x</name><memory>1024</memory><os><type>"
      "hvm</type></os></domain>",
      67, 20,
      "unsupported configuration: invalid domain type bogus" },
    { "mem_nan",
      "<domain type='test'><name>x</name><memory>abc</memory><os><type>hv"
      "m</type></os></domain>",
      27, 5,
      "XML error: Invalid value 'abc' for element or attribute './memory["
      "1]'" },
    { "mem_unit",
      "<domain type='test'><name>x</name><memory unit='foo'>1</memory><os"
      "><type>hvm</type></os></domain>",
      8, 0,
      "invalid argument: unknown suffix 'foo'" },
    { "mem_missing",
      "<domain type='test'><name>x</name><os><type>hvm</type></os></domai"
      "n>",
      27, 20,
      "XML error: Memory size must be specified via <memory> or in the <n"
      "uma> configuration" },
    { "mem_overflow",
      "<domain type='test'><name>t</name><memory unit='EiB'>99</memory><o"
      "s><type>hvm</type></os></domain>",
      82, 0,
      "numerical overflow: value too large: 99EiB" },
    { "no_os_type",
      "<domain type='test'><name>x</name><memory>1024</memory></domain>",
      27, 20,
      "XML error: an os <type> must be specified" },
    { "bad_os_type",
      "<domain type='test'><name>x</name><memory>1024</memory><os><type>f"
      "oo</type></os></domain>",
      67, 20,
      "unsupported configuration: unknown OS type 'foo'" },
    { "bad_arch",
      "<domain type='test'><name>x</name><memory>1024</memory><os><type a"
      "rch='foo'>hvm</type></os></domain>",
      67, 20,
      "unsupported configuration: Unknown architecture foo" },
    { "vcpu_nan",
      "<domain type='test'><name>x</name><memory>1024</memory><vcpu>abc</"
      "vcpu><os><type>hvm</type></os></domain>",
      27, 20,
      "XML error: maximum vcpus count must be an integer" },
    { "vcpu_current",
      "<domain type='test'><name>x</name><memory>1024</memory><vcpu curre"
      "nt='4'>2</vcpu><os><type>hvm</type></os></domain>",
      67, 20,
      "unsupported configuration: maximum vCPU count must not be less tha"
      "n current vCPU count" },
    { "title_newline",
      "<domain type='test'><name>t</name><title>a\nb</title><memory>1024<"
      "/memory><os><type>hvm</type></os></domain>",
      27, 20,
      "XML error: Domain title can't contain newlines" },
    { "slash_name",
      "<domain type='test'><name>x/y</name><memory>1024</memory><os><type"
      ">hvm</type></os></domain>",
      27, 20,
      "XML error: name x/y cannot contain '/'" },
    { "bad_feature",
      "<domain type='test'><name>t</name><memory>1024</memory><os><type>h"
      "vm</type></os><features><foo/></features></domain>",
      67, 20,
      "unsupported configuration: unexpected feature 'foo'" },
    { "bad_clock",
      "<domain type='test'><name>t</name><memory>1024</memory><os><type>h"
      "vm</type></os><clock offset='bad'/></domain>",
      67, 20,
      "unsupported configuration: unknown clock offset 'bad'" },
    { "bad_boot",
      "<domain type='test'><name>t</name><memory>1024</memory><os><type>h"
      "vm</type><boot dev='floppy'/></os></domain>",
      27, 5,
      "XML error: Invalid value for attribute 'dev' in element 'boot': 'f"
      "loppy'." },
    { "bad_mac",
      "<domain type='test'><name>e</name><memory>1024</memory><os><type>h"
      "vm</type></os><devices><interface type='network'><mac address='zz'"
      "/><source network='default'/></interface></devices></domain>",
      27, 20,
      "XML error: unable to parse mac address 'zz'" },
    { "net_no_source",
      "<domain type='test'><name>e</name><memory>1024</memory><os><type>h"
      "vm</type></os><devices><interface type='network'><mac address='52:"
      "54:00:00:00:01'/></interface></devices></domain>",
      27, 20,
      "XML error: interface type='network' requires a 'source' element" },
    { "disk_no_target",
      "<domain type='test'><name>e</name><memory>1024</memory><os><type>h"
      "vm</type></os><devices><disk type='file'><source file='/a'/></disk"
      "></devices></domain>",
      20, 20,
      "missing target information for device /a" },
    { "disk_dup_target",
      "<domain type='test'><name>e</name><memory>1024</memory><os><type>h"
      "vm</type></os><devices><disk type='file'><source file='/a'/><targe"
      "t dev='vda'/></disk><disk type='file'><source file='/b'/><target d"
      "ev='vda'/></disk></devices></domain>",
      27, 20,
      "XML error: target 'vda' duplicated for disk sources '/a' and '/b'" },
    { "disk_bad_name",
      "<domain type='test'><name>e</name><memory>1024</memory><os><type>h"
      "vm</type></os><devices><disk type='file'><source file='/b'/><targe"
      "t dev='foo' bus='virtio'/></disk></devices></domain>",
      27, 20,
      "XML error: Unknown disk name 'foo' and no address specified" },
    { "disk_no_source",
      "<domain type='test'><name>e</name><memory>1024</memory><os><type>h"
      "vm</type></os><devices><disk type='file'><target dev='vda'/></disk"
      "></devices></domain>",
      19, 20,
      "missing source information for device vda" },
    { "pci_slot",
      "<domain type='test'><name>e</name><memory>1024</memory><os><type>h"
      "vm</type></os><devices><disk type='file'><source file='/b'/><targe"
      "t dev='vda'/><address type='pci' slot='0x20'/></disk></devices></d"
      "omain>",
      27, 0,
      "XML error: Invalid PCI address slot='0x20', must be <= 0x1F" },
    { "bad_address_type",
      "<domain type='test'><name>e</name><memory>1024</memory><os><type>h"
      "vm</type></os><devices><disk type='file'><source file='/b'/><targe"
      "t dev='vda'/><address type='bogus'/></disk></devices></domain>",
      67, 20,
      "unsupported configuration: unknown address type 'bogus'" },
    { "controller_dup",
      "<domain type='test'><name>e</name><memory>1024</memory><os><type>h"
      "vm</type></os><devices><controller type='ide' index='0'/><controll"
      "er type='ide' index='0'/></devices></domain>",
      27, 20,
      "XML error: Multiple 'ide' controllers with index '0'" },
    { "controller_model",
      "<domain type='test'><name>e</name><memory>1024</memory><os><type>h"
      "vm</type></os><devices><controller type='usb' model='foo'/></devic"
      "es></domain>",
      67, 20,
      "unsupported configuration: Unknown model type 'foo'" },
    { "graphics_type",
      "<domain type='test'><name>e</name><memory>1024</memory><os><type>h"
      "vm</type></os><devices><graphics type='foo'/></devices></domain>",
      27, 5,
      "XML error: Invalid value for attribute 'type' in element 'graphics"
      "': 'foo'." },
    { "channel_no_target",
      "<domain type='test'><name>e</name><memory>1024</memory><os><type>h"
      "vm</type></os><devices><channel type='pty'/></devices></domain>",
      27, 20,
      "XML error: target type must be specified for channel device" },
};

static void
run_errors(size_t first, size_t last)
{
    size_t i;

    for (i = first; i < last && i < QD_ARRAY_SIZE(err_cases); i++) {
        const struct err_case *c = &err_cases[i];
        struct qd_err err = QD_ERR_INIT;
        struct qd_dom_def *def = qd_dom_def_parse(c->xml, &err);

        if (def)
            fail_msg("%s: parsed", c->name);
        if (err.code != c->code || err.domain != c->domain ||
            strcmp(err.message, c->message) != 0)
            fail_msg("%s: got %d %d '%s', want %d %d '%s'", c->name,
                     err.code, err.domain, err.message, c->code, c->domain,
                     c->message);
        qd_err_clear(&err);
    }
}

/* not XML, wrong root, name, uuid, type */
static void
test_errors_document(void **state)
{
    (void) state;
    run_errors(0, 8);
}

/* memory, os, vcpus, title, name, features, clock, boot */
static void
test_errors_config(void **state)
{
    (void) state;
    run_errors(8, 22);
}

/* devices */
static void
test_errors_devices(void **state)
{
    (void) state;
    run_errors(22, QD_ARRAY_SIZE(err_cases));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_domain),
        cmocka_unit_test(test_minimal),
        cmocka_unit_test(test_full),
        cmocka_unit_test(test_disks),
        cmocka_unit_test(test_nets),
        cmocka_unit_test(test_chars),
        cmocka_unit_test(test_graphics),
        cmocka_unit_test(test_features),
        cmocka_unit_test(test_cpu_clock),
        cmocka_unit_test(test_metadata),
        cmocka_unit_test(test_metadata_sanitize),
        cmocka_unit_test(test_xen),
        cmocka_unit_test(test_efi),
        cmocka_unit_test(test_tunables),
        cmocka_unit_test(test_vcpus),
        cmocka_unit_test(test_devices_misc),
        cmocka_unit_test(test_serial_console),
        cmocka_unit_test(test_running_live),
        cmocka_unit_test(test_running_config),
        cmocka_unit_test(test_running_chars_config),
        cmocka_unit_test(test_running_disks_config),
        cmocka_unit_test(test_generated_mac),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_metadata_api),
        cmocka_unit_test(test_copy),
        cmocka_unit_test(test_fuzz_regressions),
        cmocka_unit_test(test_check_name),
        cmocka_unit_test(test_errors_document),
        cmocka_unit_test(test_errors_config),
        cmocka_unit_test(test_errors_devices),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
