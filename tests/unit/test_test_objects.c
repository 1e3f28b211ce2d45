/* Unit tests of the test driver's non-domain world (test_objects.c,
 * test_network.c, test_storage.c, test_host.c). Expected XML was captured
 * from libvirt 9.0's test:///default into tests/data/objects; expected
 * error texts come from the same oracle. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_data.h"

#include <dirent.h>

#include "drivers/test/test_objects.h"
#include "util/mem.h"
#include "util/uuid.h"


static void
assert_xml(char *got, const char *file)
{
    _cleanup_free_ char *want = qd_test_read_data("objects", file);

    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

/* Checks and clears the error a call left. */
static void
assert_err(struct qd_err *err, int code, int domain, const char *msg)
{
    assert_int_equal(err->code, code);
    assert_int_equal(err->domain, domain);
    assert_string_equal(err->message, msg);
    qd_err_clear(err);
}

static int
setup(void **state)
{
    struct qd_err err = QD_ERR_INIT;

    (void) state;
    if (qd_test_objects_init(&err) < 0) {
        fprintf(stderr, "init: %s\n", err.message);
        qd_err_clear(&err);
        return -1;
    }
    return 0;
}

static int
teardown(void **state)
{
    (void) state;
    qd_test_objects_fini();
    return 0;
}

static void
clear_net_ref(void *r)
{
    qd_net_ref_clear(r);
}

static void
clear_pool_ref(void *r)
{
    qd_pool_ref_clear(r);
}

static void
clear_vol_ref(void *r)
{
    qd_vol_ref_clear(r);
}

static void
clear_nodedev_ref(void *r)
{
    qd_nodedev_ref_clear(r);
}

static void
clear_iface_ref(void *r)
{
    qd_iface_ref_clear(r);
}

/* Names of a network list joined with ',' (heap). */
static char *
net_names(unsigned flags)
{
    struct qd_err err = QD_ERR_INIT;
    struct qd_list l = { 0 };
    struct qd_net_ref *refs;
    char *s = qd_strdup("");
    uint32_t i;

    assert_true(qd_test_list_all_networks(NULL, flags, &l, &err) >= 0);
    refs = l.items;
    for (i = 0; i < l.n; i++) {
        char *t = qd_asprintf("%s%s%s", s, i ? "," : "", refs[i].name);

        free(s);
        s = t;
    }
    qd_list_clear(&l, sizeof(*refs), clear_net_ref);
    return s;
}

static char *
pool_names(unsigned flags)
{
    struct qd_err err = QD_ERR_INIT;
    struct qd_list l = { 0 };
    struct qd_pool_ref *refs;
    char *s = qd_strdup("");
    uint32_t i;

    assert_true(qd_test_list_all_pools(NULL, flags, &l, &err) >= 0);
    refs = l.items;
    for (i = 0; i < l.n; i++) {
        char *t = qd_asprintf("%s%s%s", s, i ? "," : "", refs[i].name);

        free(s);
        s = t;
    }
    qd_list_clear(&l, sizeof(*refs), clear_pool_ref);
    return s;
}

static char *
nodedev_names(unsigned flags)
{
    struct qd_err err = QD_ERR_INIT;
    struct qd_list l = { 0 };
    struct qd_nodedev_ref *refs;
    char *s = qd_strdup("");
    uint32_t i;

    assert_true(qd_test_list_all_node_devices(NULL, flags, &l, &err) >= 0);
    refs = l.items;
    for (i = 0; i < l.n; i++) {
        char *t = qd_asprintf("%s%s%s", s, i ? "," : "", refs[i].name);

        free(s);
        s = t;
    }
    qd_list_clear(&l, sizeof(*refs), clear_nodedev_ref);
    return s;
}

#define ASSERT_NAMES(fn, flags, want)                       \
    do {                                                    \
        char *got_ = fn(flags);                             \
        assert_string_equal(got_, want);                    \
        free(got_);                                         \
    } while (0)

/* ---- default world ----------------------------------------------------- */

static void
test_default_lookups(void **state)
{
    struct qd_err err = QD_ERR_INIT;
    struct qd_net_ref net = { 0 };
    struct qd_pool_ref pool = { 0 };
    struct qd_iface_ref iface = { 0 };
    struct qd_nodedev_ref dev = { 0 };
    unsigned char uuid[16];
    char s[QD_UUID_STRLEN];

    (void) state;
    assert_int_equal(qd_test_network_lookup_by_name(NULL, "default", &net,
                                                    &err), 0);
    qd_uuid_format(net.uuid, s);
    assert_string_equal(s, "dd8fe884-6c02-601e-7551-cca97df1c5df");
    memcpy(uuid, net.uuid, 16);
    qd_net_ref_clear(&net);
    assert_int_equal(qd_test_network_lookup_by_uuid(NULL, uuid, &net, &err),
                     0);
    assert_string_equal(net.name, "default");
    assert_int_equal(qd_test_network_is_active(NULL, &net, &err), 1);
    assert_int_equal(qd_test_network_is_persistent(NULL, &net, &err), 1);
    assert_int_equal(qd_test_network_get_autostart(NULL, &net, &err), 0);
    qd_net_ref_clear(&net);

    assert_int_equal(qd_test_pool_lookup_by_name(NULL, "default-pool",
                                                 &pool, &err), 0);
    qd_uuid_format(pool.uuid, s);
    assert_string_equal(s, "dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566");
    assert_int_equal(qd_test_pool_is_active(NULL, &pool, &err), 1);
    assert_int_equal(qd_test_pool_is_persistent(NULL, &pool, &err), 1);
    assert_int_equal(qd_test_pool_num_of_volumes(NULL, &pool, &err), 0);
    qd_pool_ref_clear(&pool);

    assert_int_equal(qd_test_iface_lookup_by_name(NULL, "eth1", &iface,
                                                  &err), 0);
    assert_string_equal(iface.mac, "aa:bb:cc:dd:ee:ff");
    assert_int_equal(qd_test_iface_is_active(NULL, &iface, &err), 1);
    qd_iface_ref_clear(&iface);
    assert_int_equal(qd_test_iface_lookup_by_mac(NULL, "AA:BB:CC:DD:EE:FF",
                                                 &iface, &err), 0);
    assert_string_equal(iface.name, "eth1");
    assert_string_equal(iface.mac, "AA:BB:CC:DD:EE:FF");
    qd_iface_ref_clear(&iface);

    assert_int_equal(qd_test_nodedev_lookup_by_name(NULL, "scsi_host11",
                                                    &dev, &err), 0);
    assert_string_equal(dev.name, "scsi_host11");
    qd_nodedev_ref_clear(&dev);
}

static void
test_lookup_errors(void **state)
{
    struct qd_err err = QD_ERR_INIT;
    struct qd_net_ref net = { 0 };
    struct qd_pool_ref pool = { 0 };
    struct qd_vol_ref vol = { 0 };
    struct qd_iface_ref iface = { 0 };
    struct qd_nodedev_ref dev = { 0 };
    unsigned char uuid[16];

    (void) state;
    assert_int_equal(qd_test_network_lookup_by_name(NULL, "nosuch", &net,
                                                    &err), -1);
    assert_err(&err, 43, 12,
               "Network not found: no network with matching name 'nosuch'");
    assert_int_equal(qd_uuid_parse("11111111-2222-3333-4444-555555555556",
                                   uuid), 0);
    assert_int_equal(qd_test_network_lookup_by_uuid(NULL, uuid, &net, &err),
                     -1);
    assert_err(&err, 43, 12, "Network not found: no network with matching "
               "uuid '11111111-2222-3333-4444-555555555556'");
    assert_int_equal(qd_test_pool_lookup_by_name(NULL, "nosuch", &pool,
                                                 &err), -1);
    assert_err(&err, 49, 12, "Storage pool not found: no storage pool with "
               "matching name 'nosuch'");
    assert_int_equal(qd_test_pool_lookup_by_uuid(NULL, uuid, &pool, &err),
                     -1);
    assert_err(&err, 49, 12, "Storage pool not found: no storage pool with "
               "matching uuid '11111111-2222-3333-4444-555555555556'");
    assert_int_equal(qd_test_vol_lookup_by_key(NULL, "nosuch", &vol, &err),
                     -1);
    assert_err(&err, 50, 12, "Storage volume not found: no storage vol with "
               "matching key 'nosuch'");
    assert_int_equal(qd_test_vol_lookup_by_path(NULL, "nosuch", &vol, &err),
                     -1);
    assert_err(&err, 50, 12, "Storage volume not found: no storage vol with "
               "matching path 'nosuch'");
    assert_int_equal(qd_test_iface_lookup_by_name(NULL, "nosuch", &iface,
                                                  &err), -1);
    assert_err(&err, 57, 12, "Interface not found: no interface with "
               "matching name 'nosuch'");
    assert_int_equal(qd_test_iface_lookup_by_mac(NULL, "aa:bb:cc:dd:ee:00",
                                                 &iface, &err), -1);
    assert_err(&err, 57, 12, "Interface not found: no interface with "
               "matching mac 'aa:bb:cc:dd:ee:00'");
    assert_int_equal(qd_test_nodedev_lookup_by_name(NULL, "nosuch", &dev,
                                                    &err), -1);
    assert_err(&err, 53, 12, "Node device not found: no node device with "
               "matching name 'nosuch'");
}

static void
test_default_xml(void **state)
{
    static const char *const devs[] = {
        "computer", "scsi_host1", "scsi_host2", "scsi_host11",
    };
    struct qd_err err = QD_ERR_INIT;
    struct qd_net_ref net = { .name = (char *) "default" };
    struct qd_pool_ref pool = { .name = (char *) "default-pool" };
    struct qd_iface_ref iface = { .name = (char *) "eth1" };
    struct qd_nodedev_ref dev;
    char file[64];
    size_t i;

    (void) state;
    assert_xml(qd_test_network_get_xml(NULL, &net, 0, &err),
               "net-default.xml");
    assert_xml(qd_test_pool_get_xml(NULL, &pool, 0, &err),
               "pool-default-pool.xml");
    assert_xml(qd_test_iface_get_xml(NULL, &iface, 0, &err),
               "iface-eth1.xml");
    for (i = 0; i < QD_ARRAY_SIZE(devs); i++) {
        dev.name = (char *) devs[i];
        snprintf(file, sizeof(file), "nodedev-%s.xml", devs[i]);
        assert_xml(qd_test_nodedev_get_xml(NULL, &dev, 0, &err), file);
    }
    assert_xml(qd_test_get_sysinfo(NULL, 0, &err), "sysinfo.xml");

    /* flags the oracle refuses */
    assert_null(qd_test_network_get_xml(NULL, &net, 1, &err));
    assert_err(&err, 8, 12, "unsupported flags (0x1) in function "
               "testNetworkGetXMLDesc");
    assert_null(qd_test_pool_get_xml(NULL, &pool, 1, &err));
    assert_err(&err, 8, 12, "unsupported flags (0x1) in function "
               "testStoragePoolGetXMLDesc");
    assert_null(qd_test_iface_get_xml(NULL, &iface, 1, &err));
    assert_err(&err, 8, 12, "unsupported flags (0x1) in function "
               "testInterfaceGetXMLDesc");
    assert_null(qd_test_get_sysinfo(NULL, 1, &err));
    assert_err(&err, 8, 12, "unsupported flags (0x1) in function "
               "testConnectGetSysinfo");
}

/* The captured capabilities say iommu 'no'; follow this host's answer. */
static void
test_capabilities(void **state)
{
    static const char no[] = "<iommu support='no'/>";
    struct qd_err err = QD_ERR_INIT;
    _cleanup_free_ char *want = qd_test_read_data("objects", "capabilities.xml");
    _cleanup_free_ char *patched = NULL;
    char *got = qd_test_get_capabilities(NULL, &err);
    DIR *d = opendir("/sys/kernel/iommu_groups/");
    struct dirent *e;
    bool iommu = false;
    char *p;

    (void) state;
    while (d && (e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            iommu = true;
    if (d)
        closedir(d);
    if (iommu) {
        assert_non_null(p = strstr(want, no));
        *p = '\0';
        patched = qd_asprintf("%s<iommu support='yes'/>%s", want,
                              p + strlen(no));
    }
    assert_non_null(got);
    assert_string_equal(got, patched ? patched : want);
    free(got);
}

static void
test_host(void **state)
{
    struct qd_err err = QD_ERR_INIT;
    struct qd_node_info info;
    struct qd_tparams tp = { 0 };
    struct qd_sec_model sec = { 0 };
    uint64_t v, cells[4];
    int n;

    (void) state;
    assert_int_equal(qd_test_get_version(NULL, &v, &err), 0);
    assert_int_equal(v, 2);
    assert_int_equal(qd_test_get_max_vcpus(NULL, NULL, &err), 32);
    assert_int_equal(qd_test_node_get_info(NULL, &info, &err), 0);
    assert_string_equal(info.model, "i686");
    assert_int_equal(info.memory, 3145728);
    assert_int_equal(info.cpus, 16);
    assert_int_equal(info.mhz, 1400);
    assert_int_equal(info.nodes, 2);
    assert_int_equal(info.sockets, 2);
    assert_int_equal(info.cores, 2);
    assert_int_equal(info.threads, 2);
    assert_int_equal(qd_test_node_get_free_memory(NULL, &v, &err), 0);
    assert_int_equal(v, 3145728);

    assert_int_equal(qd_test_node_get_cells_free_memory(NULL, 0, 4, cells,
                                                        &err), 2);
    assert_int_equal(cells[0], 2097152);
    assert_int_equal(cells[1], 4194304);
    assert_int_equal(qd_test_node_get_cells_free_memory(NULL, 1, 4, cells,
                                                        &err), 1);
    assert_int_equal(cells[0], 4194304);
    assert_int_equal(qd_test_node_get_cells_free_memory(NULL, 2, 4, cells,
                                                        &err), -1);
    assert_err(&err, 8, 12, "invalid argument: Range exceeds available "
               "cells");

    assert_int_equal(qd_test_node_get_cpu_stats(NULL, -1, 0, 0, &tp, &n,
                                                &err), 0);
    assert_int_equal(n, 4);
    assert_int_equal(tp.n, 0);
    assert_int_equal(qd_test_node_get_cpu_stats(NULL, 3, 4, 0, &tp, &n,
                                                &err), 0);
    assert_int_equal(n, 4);
    assert_int_equal(tp.n, 4);
    assert_string_equal(tp.items[1].field, "kernel");
    assert_int_equal(tp.items[1].type, QD_TP_ULLONG);
    assert_int_equal(tp.items[1].v.ul, 34678723400000ull);
    qd_tparams_clear(&tp);
    assert_int_equal(qd_test_node_get_cpu_stats(NULL, -1, 4, 1, &tp, &n,
                                                &err), -1);
    assert_err(&err, 8, 12, "unsupported flags (0x1) in function "
               "testNodeGetCPUStats");
    assert_int_equal(qd_test_node_get_memory_stats(NULL, -1, 0, 0, &tp, &n,
                                                   &err), -1);
    assert_err(&err, 3, 20, "this function is not supported by the "
               "connection driver: virNodeGetMemoryStats");

    assert_int_equal(qd_test_node_get_security_model(NULL, &sec, &err), 0);
    assert_string_equal(sec.model, "testSecurity");
    assert_string_equal(sec.doi, "");
    free(sec.model);
    free(sec.doi);

    assert_int_equal(qd_test_supports_feature(NULL, 9, &err), 1);
    assert_int_equal(qd_test_supports_feature(NULL, 16, &err), 1);
    assert_int_equal(qd_test_supports_feature(NULL, 3, &err), 0);
    assert_false(qd_err_is_set(&err));
}

/* ---- networks ---------------------------------------------------------- */

static void
test_network_lifecycle(void **state)
{
    struct qd_err err = QD_ERR_INIT;
    _cleanup_free_ char *in = qd_test_read_data("objects", "net-n1-in.xml");
    struct qd_net_ref n1 = { 0 };
    char *bridge;

    (void) state;
    assert_int_equal(qd_test_network_define_xml(NULL, in, 0, &n1, &err), 0);
    assert_string_equal(n1.name, "n1");
    assert_xml(qd_test_network_get_xml(NULL, &n1, 0, &err),
               "net-n1-out.xml");
    ASSERT_NAMES(net_names, 0, "default,n1");
    ASSERT_NAMES(net_names, 1, "n1");           /* INACTIVE */
    ASSERT_NAMES(net_names, 2, "default");      /* ACTIVE */
    assert_int_equal(qd_test_network_is_active(NULL, &n1, &err), 0);

    assert_int_equal(qd_test_network_create(NULL, &n1, &err), 0);
    assert_int_equal(qd_test_network_create(NULL, &n1, &err), -1);
    assert_err(&err, 55, 12, "Requested operation is not valid: Network "
               "'n1' is already running");
    assert_int_equal(qd_test_network_set_autostart(NULL, &n1, true, &err),
                     0);
    ASSERT_NAMES(net_names, 16, "n1");          /* AUTOSTART */
    ASSERT_NAMES(net_names, 32, "default");     /* NO_AUTOSTART */
    assert_non_null(bridge = qd_test_network_get_bridge_name(NULL, &n1,
                                                             &err));
    assert_string_equal(bridge, "virbr5");
    free(bridge);

    assert_int_equal(qd_test_network_undefine(NULL, &n1, &err), -1);
    assert_err(&err, 55, 12, "Requested operation is not valid: Network "
               "'n1' is still running");
    assert_int_equal(qd_test_network_destroy(NULL, &n1, &err), 0);
    assert_int_equal(qd_test_network_destroy(NULL, &n1, &err), 0);
    assert_int_equal(qd_test_network_undefine(NULL, &n1, &err), 0);
    assert_int_equal(qd_test_network_undefine(NULL, &n1, &err), -1);
    assert_err(&err, 43, 12,
               "Network not found: no network with matching name 'n1'");
    ASSERT_NAMES(net_names, 0, "default");
    qd_net_ref_clear(&n1);

    /* a transient network goes away when stopped */
    assert_int_equal(qd_test_network_create_xml(NULL, "<network><name>n2"
                                                "</name></network>", 0,
                                                &n1, &err), 0);
    ASSERT_NAMES(net_names, 8, "n2");           /* TRANSIENT */
    assert_int_equal(qd_test_network_is_persistent(NULL, &n1, &err), 0);
    assert_null(qd_test_network_get_bridge_name(NULL, &n1, &err));
    assert_err(&err, 1, 12, "internal error: network 'n2' does not have a "
               "bridge name.");
    assert_int_equal(qd_test_network_destroy(NULL, &n1, &err), 0);
    assert_int_equal(qd_test_network_is_active(NULL, &n1, &err), -1);
    qd_err_clear(&err);
    qd_net_ref_clear(&n1);
    ASSERT_NAMES(net_names, 0, "default");
}

/* XML that the oracle formats back in a known way. */
static void
test_network_xml_forms(void **state)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        { "<network><name>b</name>"
          "<uuid>22222222-2222-3333-4444-555555555555</uuid>"
          "<forward mode='nat'/><bridge name='virbr9' zone='trusted'/>"
          "<mtu size='9000'/><domain name='x&amp;y'/>"
          "<ip address='10.9.0.1' netmask='255.255.0.0'>"
          "<tftp root='/srv/tftp'/><dhcp>"
          "<range start='10.9.0.2' end='10.9.0.254'/>"
          "<host id='0:1:2' name='hh' ip='10.9.0.7'/>"
          "<bootp file='pxe.0' server='10.9.0.1'/></dhcp></ip></network>",
          "<network>\n  <name>b</name>\n"
          "  <uuid>22222222-2222-3333-4444-555555555555</uuid>\n"
          "  <forward mode='nat'/>\n"
          "  <bridge name='virbr9' zone='trusted' stp='on' delay='0'/>\n"
          "  <mtu size='9000'/>\n  <domain name='x&y'/>\n"
          "  <ip address='10.9.0.1' netmask='255.255.0.0'>\n"
          "    <tftp root='/srv/tftp'/>\n    <dhcp>\n"
          "      <range start='10.9.0.2' end='10.9.0.254'/>\n"
          "      <host id='0:1:2' name='hh' ip='10.9.0.7'/>\n"
          "      <bootp file='pxe.0' server='10.9.0.1'/>\n"
          "    </dhcp>\n  </ip>\n</network>\n" },
        { "<network><name>hd</name>"
          "<uuid>9be7555d-9c02-484b-8b5c-28ae14a585ff</uuid>"
          "<forward mode='hostdev'><interface dev='eth1'/>"
          "<interface dev='eth2'/></forward></network>",
          "<network>\n  <name>hd</name>\n"
          "  <uuid>9be7555d-9c02-484b-8b5c-28ae14a585ff</uuid>\n"
          "  <forward dev='eth1' mode='hostdev' managed='no'>\n"
          "    <interface dev='eth1'/>\n    <interface dev='eth2'/>\n"
          "  </forward>\n</network>\n" },
        { "<network><name>c</name>"
          "<uuid>ee3ce604-0de4-4af6-ba3c-b3c1e8388f22</uuid>"
          "<ip address='10.1' prefix='8'/></network>",
          "<network>\n  <name>c</name>\n"
          "  <uuid>ee3ce604-0de4-4af6-ba3c-b3c1e8388f22</uuid>\n"
          "  <bridge stp='on' delay='0'/>\n"
          "  <ip address='10.0.0.1' prefix='8'>\n  </ip>\n</network>\n" },
        { "<network><name>a&lt;b'c</name>"
          "<uuid>a55cac91-57ea-4dcf-a41f-ae75fc183eea</uuid></network>",
          "<network>\n  <name>a&lt;b&apos;c</name>\n"
          "  <uuid>a55cac91-57ea-4dcf-a41f-ae75fc183eea</uuid>\n"
          "  <bridge stp='on' delay='0'/>\n</network>\n" },
        { "<network ipv6='yes' trustGuestRxFilters='no'><name>l</name>"
          "<uuid>55555555-2222-3333-4444-555555555555</uuid>"
          "<domain name='d' localOnly='yes'/>"
          "<ip address='10.0.0.1' prefix='24'><dhcp>"
          "<range start='10.0.0.2' end='10.0.0.3'><lease expiry='0'/>"
          "</range><host mac='52:54:00:00:00:01' ip='10.0.0.9'>"
          "<lease expiry='3' unit='hours'/></host></dhcp></ip></network>",
          "<network ipv6='yes' trustGuestRxFilters='no'>\n"
          "  <name>l</name>\n"
          "  <uuid>55555555-2222-3333-4444-555555555555</uuid>\n"
          "  <bridge stp='on' delay='0'/>\n"
          "  <domain name='d' localOnly='yes'/>\n"
          "  <ip address='10.0.0.1' prefix='24'>\n    <dhcp>\n"
          "      <range start='10.0.0.2' end='10.0.0.3'>\n"
          "        <lease expiry='0'/>\n      </range>\n"
          "      <host mac='52:54:00:00:00:01' ip='10.0.0.9'>\n"
          "        <lease expiry='3' unit='hours'/>\n      </host>\n"
          "    </dhcp>\n  </ip>\n</network>\n" },
    };
    struct qd_err err = QD_ERR_INIT;
    struct qd_net_ref ref = { 0 };
    size_t i;

    (void) state;
    for (i = 0; i < QD_ARRAY_SIZE(cases); i++) {
        assert_int_equal(qd_test_network_define_xml(NULL, cases[i].in, 0,
                                                    &ref, &err), 0);
        char *got = qd_test_network_get_xml(NULL, &ref, 0, &err);

        assert_non_null(got);
        assert_string_equal(got, cases[i].out);
        free(got);
        qd_net_ref_clear(&ref);
    }
}

static void
test_network_errors(void **state)
{
    static const struct {
        const char *xml;
        int code, domain;
        const char *msg;
    } cases[] = {
        { "<network><name>default</name></network>", 9, 19,
          "operation failed: network 'default' already exists with uuid "
          "dd8fe884-6c02-601e-7551-cca97df1c5df" },
        { "<network><name>x</name>"
          "<uuid>dd8fe884-6c02-601e-7551-cca97df1c5df</uuid></network>",
          9, 19, "operation failed: network 'default' is already defined "
          "with uuid dd8fe884-6c02-601e-7551-cca97df1c5df" },
        { "<network></network>", 21, 19, "missing name information" },
        { "<network><name></name></network>", 21, 19,
          "missing name information" },
        { "<network><name>a/b</name></network>", 35, 5,
          "invalid char in name: /" },
        { "<network><name>a</name><uuid>zzz</uuid></network>", 1, 19,
          "internal error: malformed uuid element" },
        { "<network><name>a</name>", 35, 19,
          "(network_definition):1: Premature end of data in tag network "
          "line 1\n<network><name>a</name>\n-----------------------^" },
        { "", 35, 19, "(network_definition):1: Document is empty\n"
          "(null)\n^" },
        { "<pool><name>a</name></pool>", 27, 5,
          "XML error: expecting root element of 'network', not 'pool'" },
        { "<network><name>a</name><forward mode='foo'/></network>", 67, 19,
          "unsupported configuration: unknown forwarding type 'foo'" },
        { "<network><name>a</name><forward/></network>", 27, 19,
          "XML error: nat forwarding requested, but no IP address "
          "provided for network 'a'" },
        { "<network><name>a</name><ip address='x'/></network>", 27, 19,
          "XML error: Invalid address 'x' in network 'a'" },
        { "<network><name>a</name><ip/></network>", 27, 19,
          "XML error: Missing required address attribute in network 'a'" },
        { "<network><name>a</name><mac address='zz'/></network>", 27, 19,
          "XML error: Invalid bridge mac address 'zz' in network 'a'" },
        { "<network><name>a</name><mac address='01:00:00:00:00:00'/>"
          "</network>", 27, 19, "XML error: Invalid multicast bridge mac "
          "address '01:00:00:00:00:00' in network 'a'" },
        { "<network><name>a</name><ip address='10.0.0.1' prefix='24'><dhcp>"
          "<range start='x' end='10.0.0.5'/></dhcp></ip></network>", 38, 0,
          "Cannot parse socket address 'x': Name or service not known" },
        { "<network><name>a</name><ip address='10.0.0.1' prefix='24'><dhcp>"
          "<range start='10.0.1.2' end='10.0.0.5'/></dhcp></ip></network>",
          1, 0, "internal error: range 10.0.1.2 - 10.0.0.5 is not entirely "
          "within network 10.0.0.1/24" },
        { "<network><name>a</name><ip address='10.0.0.1' prefix='24'><dhcp>"
          "<range start='10.0.0.9' end='10.0.0.5'/></dhcp></ip></network>",
          1, 0, "internal error: range 10.0.0.9 - 10.0.0.5 is reversed " },
        { "<network><name>a</name><ip address='10.0.0.1' prefix='24'><dhcp>"
          "<range start='10.0.0.0' end='10.0.0.5'/></dhcp></ip></network>",
          1, 0, "internal error: start of range 10.0.0.0 - 10.0.0.5 in "
          "network 10.0.0.1/24 is the network address" },
        { "<network><name>a</name><ip address='10.0.0.1' prefix='24'><dhcp>"
          "<range start='10.0.0.2' end='10.0.0.255'/></dhcp></ip>"
          "</network>", 1, 0, "internal error: end of range 10.0.0.2 - "
          "10.0.0.255 in network 10.0.0.1/24 is the broadcast address" },
        { "<network><name>a</name><ip address='10.0.0.1' prefix='24'><dhcp>"
          "<range start='fd00::2' end='10.0.0.5'/></dhcp></ip></network>",
          1, 0, "internal error: mismatch of address family in range "
          "fd00::2 - 10.0.0.5" },
        { "<network><name>a</name><ip family='ipv6' address='fd00::1' "
          "prefix='64'><dhcp><range start='fd00::9' end='fd00::5'/></dhcp>"
          "</ip></network>", 1, 0, "internal error: range fd00::9 - "
          "fd00::5 start larger than end" },
        { "<network><name>a</name><ip address='10.0.0.1' prefix='24'><dhcp>"
          "<host ip='10.0.0.5'/></dhcp></ip></network>", 27, 19,
          "XML error: Static host definition in IPv4 network 'a' must have "
          "mac or name attribute" },
        { "<network><name>a</name><ip address='10.0.0.1' prefix='24'><dhcp>"
          "<host mac='52:54:00:00:00:01'/></dhcp></ip></network>", 27, 19,
          "XML error: Missing IP address in static host definition for "
          "network 'a'" },
        { "<network><name>a</name><ip address='10.0.0.1' prefix='x'/>"
          "</network>", 27, 5, "XML error: Invalid value for attribute "
          "'prefix' in element 'ip': 'x'. Expected non-negative integer "
          "value" },
        { "<network><name>a</name><ip address='10.0.0.1' prefix='33'/>"
          "</network>", 67, 19, "unsupported configuration: Invalid IPv4 "
          "prefix '33' in network 'a'" },
        { "<network><name>a</name><ip family='ipv6' address='10.0.0.1'/>"
          "</network>", 67, 19, "unsupported configuration: Family 'ipv6' "
          "specified for non-IPv6 address '10.0.0.1' in network 'a'" },
        { "<network><name>a</name><ip address='fd00::1'/></network>", 67, 19,
          "unsupported configuration: no family specified for non-IPv4 "
          "address 'fd00::1' in network 'a'" },
        { "<network><name>a</name><ip family='x' address='fd00::1'/>"
          "</network>", 27, 19,
          "XML error: Unrecognized family 'x' in network 'a'" },
        { "<network><name>a</name><ip address='10.0.0.1' prefix='24' "
          "netmask='255.255.255.0'/></network>", 67, 19,
          "unsupported configuration: Network 'a' IP address cannot have "
          "both a prefix and a netmask" },
        { "<network><name>a</name><bridge delay='x'/></network>", 27, 19,
          "XML error: Invalid delay value in network 'a'" },
        { "<network><name>a</name><mtu size='x'/></network>", 27, 19,
          "XML error: Invalid mtu size 'x' in network 'a'" },
        { "<network><name>a</name><forward mode='bridge'/>"
          "<bridge name='br0' stp='on'/></network>", 27, 19,
          "XML error: bridge delay/stp/zone options only allowed in route, "
          "nat, and isolated mode, not in bridge (network 'a')" },
    };
    struct qd_err err = QD_ERR_INIT;
    struct qd_net_ref ref = { 0 };
    struct qd_list l = { 0 };
    size_t i;

    (void) state;
    for (i = 0; i < QD_ARRAY_SIZE(cases); i++) {
        assert_int_equal(qd_test_network_define_xml(NULL, cases[i].xml, 0,
                                                    &ref, &err), -1);
        assert_err(&err, cases[i].code, cases[i].domain, cases[i].msg);
    }
    assert_int_equal(qd_test_network_create_xml(NULL, "<network><name>"
                                                "default</name><uuid>"
                                                "dd8fe884-6c02-601e-7551-"
                                                "cca97df1c5df</uuid>"
                                                "</network>", 0, &ref,
                                                &err), -1);
    assert_err(&err, 55, 19, "Requested operation is not valid: network is "
               "already active as 'default'");
    assert_int_equal(qd_test_list_all_networks(NULL, 1 << 10, &l, &err), -1);
    assert_err(&err, 8, 12, "unsupported flags (0x400) in function "
               "testConnectListAllNetworks");
    assert_int_equal(qd_test_network_define_xml(NULL, "<network/>", 2, &ref,
                                                &err), -1);
    assert_err(&err, 8, 12, "unsupported flags (0x2) in function "
               "testNetworkDefineXMLFlags");
    ASSERT_NAMES(net_names, 0, "default");
}

/* Redefining a running network keeps the running XML (libvirt-compat). */
static void
test_network_redefine_active(void **state)
{
    struct qd_err err = QD_ERR_INIT;
    struct qd_net_ref ref = { 0 };

    (void) state;
    assert_int_equal(qd_test_network_define_xml(NULL, "<network><name>"
                                                "default</name><uuid>"
                                                "dd8fe884-6c02-601e-7551-"
                                                "cca97df1c5df</uuid><bridge "
                                                "name='virbr7'/></network>",
                                                0, &ref, &err), 0);
    assert_xml(qd_test_network_get_xml(NULL, &ref, 0, &err),
               "net-default.xml");
    assert_int_equal(qd_test_network_destroy(NULL, &ref, &err), 0);
    assert_xml(qd_test_network_get_xml(NULL, &ref, 0, &err),
               "net-default.xml");
    assert_int_equal(qd_test_network_is_persistent(NULL, &ref, &err), 1);
    qd_net_ref_clear(&ref);
}

/* ---- storage ----------------------------------------------------------- */

static void
test_pool_lifecycle(void **state)
{
    struct qd_err err = QD_ERR_INIT;
    _cleanup_free_ char *in = qd_test_read_data("objects", "pool-p1-in.xml");
    struct qd_pool_ref p1 = { 0 };
    struct qd_pool_info info;
    struct qd_list l = { 0 };

    (void) state;
    assert_int_equal(qd_test_pool_define_xml(NULL, in, 0, &p1, &err), 0);
    assert_string_equal(p1.name, "p1");
    assert_xml(qd_test_pool_get_xml(NULL, &p1, 0, &err), "pool-p1-out.xml");
    ASSERT_NAMES(pool_names, 0, "default-pool,p1");
    ASSERT_NAMES(pool_names, 1, "p1");          /* INACTIVE */
    ASSERT_NAMES(pool_names, 1 << 6, "default-pool,p1");   /* DIR */
    ASSERT_NAMES(pool_names, 1 << 7, "");                  /* FS */
    assert_int_equal(qd_test_pool_get_info(NULL, &p1, &info, &err), 0);
    assert_int_equal(info.state, 0);
    assert_int_equal(info.capacity, 107374182400ull);

    assert_int_equal(qd_test_pool_num_of_volumes(NULL, &p1, &err), -1);
    assert_err(&err, 55, 12, "Requested operation is not valid: storage "
               "pool 'p1' is not active");
    assert_int_equal(qd_test_pool_list_all_volumes(NULL, &p1, 0, &l, &err),
                     -1);
    assert_err(&err, 55, 12, "Requested operation is not valid: storage "
               "pool is not active");
    assert_int_equal(qd_test_pool_build(NULL, &p1, 0, &err), 0);
    assert_int_equal(qd_test_pool_create(NULL, &p1, 1, &err), -1);
    assert_err(&err, 8, 12, "unsupported flags (0x1) in function "
               "testStoragePoolCreate");
    assert_int_equal(qd_test_pool_create(NULL, &p1, 0, &err), 0);
    assert_int_equal(qd_test_pool_create(NULL, &p1, 0, &err), -1);
    assert_err(&err, 55, 12, "Requested operation is not valid: storage "
               "pool 'p1' is active");
    assert_int_equal(qd_test_pool_get_info(NULL, &p1, &info, &err), 0);
    assert_int_equal(info.state, 2);
    assert_int_equal(qd_test_pool_set_autostart(NULL, &p1, true, &err), 0);
    assert_int_equal(qd_test_pool_get_autostart(NULL, &p1, &err), 1);
    ASSERT_NAMES(pool_names, 16, "p1");         /* AUTOSTART */
    assert_int_equal(qd_test_pool_undefine(NULL, &p1, &err), -1);
    assert_err(&err, 55, 12, "Requested operation is not valid: storage "
               "pool 'p1' is active");
    assert_int_equal(qd_test_pool_destroy(NULL, &p1, &err), 0);
    assert_int_equal(qd_test_pool_destroy(NULL, &p1, &err), -1);
    assert_err(&err, 55, 12, "Requested operation is not valid: storage "
               "pool 'p1' is not active");
    assert_int_equal(qd_test_pool_undefine(NULL, &p1, &err), 0);
    assert_int_equal(qd_test_pool_undefine(NULL, &p1, &err), -1);
    assert_err(&err, 49, 12, "Storage pool not found: no storage pool with "
               "matching name 'p1'");
    qd_pool_ref_clear(&p1);

    /* transient pool */
    assert_int_equal(qd_test_pool_create_xml(NULL, "<pool type='dir'><name>"
                                             "tr</name><target><path>/tr"
                                             "</path></target></pool>", 0,
                                             &p1, &err), 0);
    assert_int_equal(qd_test_pool_is_persistent(NULL, &p1, &err), 0);
    assert_int_equal(qd_test_pool_get_autostart(NULL, &p1, &err), 0);
    assert_int_equal(qd_test_pool_set_autostart(NULL, &p1, true, &err), -1);
    assert_err(&err, 8, 12, "invalid argument: pool has no config file");
    ASSERT_NAMES(pool_names, 8, "tr");          /* TRANSIENT */
    assert_int_equal(qd_test_pool_destroy(NULL, &p1, &err), 0);
    ASSERT_NAMES(pool_names, 0, "default-pool");
    qd_pool_ref_clear(&p1);
}

static void
test_pool_errors(void **state)
{
    static const struct {
        const char *xml;
        int code, domain;
        const char *msg;
    } cases[] = {
        { "<pool type='dir'><name>default-pool</name><target><path>/x"
          "</path></target></pool>", 9, 18, "operation failed: pool "
          "'default-pool' already exists with uuid "
          "dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566" },
        { "<pool type='dir'><name>x</name>"
          "<uuid>dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566</uuid><target><path>"
          "/x</path></target></pool>", 9, 18, "operation failed: pool "
          "'default-pool' is already defined with uuid "
          "dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566" },
        { "<pool><name>x</name><target><path>/x</path></target></pool>",
          27, 5, "XML error: Missing required attribute 'type' in element "
          "'pool'" },
        { "<pool type='foo'><name>x</name></pool>", 27, 5, "XML error: "
          "Invalid value for attribute 'type' in element 'pool': 'foo'." },
        { "<pool type='dir'><target><path>/x</path></target></pool>", 27, 18,
          "XML error: missing pool source name element" },
        { "<pool type='dir'><name>a/b</name></pool>", 27, 18,
          "XML error: name a/b cannot contain '/'" },
        { "<pool type='dir'><name>ab</name><uuid>x</uuid></pool>", 27, 18,
          "XML error: malformed uuid element" },
        { "<pool type='dir'><name>ab</name></pool>", 27, 18,
          "XML error: missing storage pool target path" },
        { "<pool type='dir'><name>ab</name>", 35, 18,
          "(storage_pool_definition):1: Premature end of data in tag pool "
          "line 1\n<pool type='dir'><name>ab</name>\n"
          "--------------------------------^" },
        { "<network/>", 27, 5,
          "XML error: expecting root element of 'pool', not 'network'" },
        { "<pool type='dir'><name>ab</name><target><path>/x</path>"
          "<permissions><mode>999</mode></permissions></target></pool>",
          27, 18, "XML error: malformed octal mode" },
        { "<pool type='dir'><name>py</name><target><path>/py</path>"
          "<permissions><owner>abc</owner></permissions></target></pool>",
          27, 18, "XML error: malformed owner element" },
        { "<pool type='dir'><name>px</name><target><path>/default-pool/"
          "</path></target></pool>", 9, 18, "operation failed: Storage "
          "source conflict with pool: 'default-pool'" },
    };
    struct qd_err err = QD_ERR_INIT;
    struct qd_pool_ref ref = { 0 };
    struct qd_list l = { 0 };
    size_t i;

    (void) state;
    for (i = 0; i < QD_ARRAY_SIZE(cases); i++) {
        assert_int_equal(qd_test_pool_define_xml(NULL, cases[i].xml, 0,
                                                 &ref, &err), -1);
        assert_err(&err, cases[i].code, cases[i].domain, cases[i].msg);
    }
    assert_int_equal(qd_test_pool_create_xml(NULL, "<pool type='dir'><name>"
                                             "default-pool</name><uuid>"
                                             "dfe224cb-28fb-8dd0-c4b2-"
                                             "64eb3f0f4566</uuid><target>"
                                             "<path>/x</path></target>"
                                             "</pool>", 0, &ref, &err), -1);
    assert_err(&err, 55, 18, "Requested operation is not valid: pool is "
               "already active as 'default-pool'");
    assert_int_equal(qd_test_list_all_pools(NULL, 1 << 20, &l, &err), -1);
    assert_err(&err, 8, 12, "unsupported flags (0x100000) in function "
               "testConnectListAllStoragePools");
    ASSERT_NAMES(pool_names, 0, "default-pool");
}

static void
test_volumes(void **state)
{
    struct qd_err err = QD_ERR_INIT;
    _cleanup_free_ char *in = qd_test_read_data("objects", "vol-v2-in.xml");
    struct qd_pool_ref pool = { 0 };
    struct qd_vol_ref v1 = { 0 }, v2 = { 0 }, r = { 0 };
    struct qd_vol_info info;
    struct qd_list l = { 0 };
    struct qd_vol_ref *refs;
    char *s;

    (void) state;
    assert_int_equal(qd_test_pool_lookup_by_name(NULL, "default-pool",
                                                 &pool, &err), 0);
    /* what "vol-create-as default-pool v1 1M" sends */
    assert_int_equal(qd_test_vol_create_xml(NULL, &pool, "<volume>\n  <name>"
                                            "v1</name>\n  <capacity>1048576"
                                            "</capacity>\n  <target>\n"
                                            "  </target>\n</volume>\n", 0,
                                            &v1, &err), 0);
    assert_string_equal(v1.pool, "default-pool");
    assert_string_equal(v1.key, "/default-pool/v1");
    assert_int_equal(qd_test_vol_get_info(NULL, &v1, 0, &info, &err), 0);
    assert_int_equal(info.type, 0);
    assert_int_equal(info.capacity, 1048576);
    assert_int_equal(info.allocation, 1048576);
    assert_non_null(s = qd_test_vol_get_path(NULL, &v1, &err));
    assert_string_equal(s, "/default-pool/v1");
    free(s);
    assert_int_equal(qd_test_vol_create_xml(NULL, &pool, "<volume><name>v1"
                                            "</name><capacity>1</capacity>"
                                            "</volume>", 0, &r, &err), -1);
    assert_err(&err, 9, 12, "operation failed: storage vol already exists");
    assert_int_equal(qd_test_vol_delete(NULL, &v1, 0, &err), 0);
    assert_int_equal(qd_test_vol_delete(NULL, &v1, 0, &err), -1);
    assert_err(&err, 50, 12, "Storage volume not found: no storage vol with "
               "matching name 'v1'");
    qd_vol_ref_clear(&v1);

    assert_int_equal(qd_test_vol_create_xml(NULL, &pool, in, 0, &v2, &err),
                     0);
    assert_xml(qd_test_vol_get_xml(NULL, &v2, 0, &err), "vol-v2-out.xml");
    assert_xml(qd_test_pool_get_xml(NULL, &pool, 0, &err),
               "pool-default-pool-after-v2.xml");
    assert_int_equal(qd_test_vol_lookup_by_path(NULL, "/default-pool/v2",
                                                &r, &err), 0);
    assert_string_equal(r.name, "v2");
    qd_vol_ref_clear(&r);
    assert_int_equal(qd_test_vol_lookup_by_name(NULL, &pool, "v2", &r,
                                                &err), 0);
    qd_vol_ref_clear(&r);
    assert_int_equal(qd_test_pool_list_all_volumes(NULL, &pool, 0, &l,
                                                   &err), 1);
    refs = l.items;
    assert_string_equal(refs[0].key, "/default-pool/v2");
    qd_list_clear(&l, sizeof(*refs), clear_vol_ref);
    assert_int_equal(qd_test_vol_create_xml(NULL, &pool, "<volume><name>bk"
                                            "</name><capacity>5</capacity>"
                                            "<backingStore><path>/base.img"
                                            "</path><format type='qcow2'/>"
                                            "</backingStore></volume>", 0,
                                            &r, &err), 0);
    assert_non_null(s = qd_test_vol_get_xml(NULL, &r, 0, &err));
    assert_string_equal(s, "<volume type='file'>\n  <name>bk</name>\n"
                        "  <key>/default-pool/bk</key>\n"
                        "  <capacity unit='bytes'>5</capacity>\n"
                        "  <allocation unit='bytes'>5</allocation>\n"
                        "  <target>\n    <path>/default-pool/bk</path>\n"
                        "    <format type='raw'/>\n  </target>\n"
                        "  <backingStore>\n    <path>/base.img</path>\n"
                        "    <format type='qcow2'/>\n  </backingStore>\n"
                        "</volume>\n");
    free(s);
    assert_int_equal(qd_test_vol_delete(NULL, &r, 0, &err), 0);
    qd_vol_ref_clear(&r);
    assert_int_equal(qd_test_vol_get_info(NULL, &v2, 1, &info, &err), -1);
    assert_err(&err, 3, 18, "this function is not supported by the "
               "connection driver: virStorageVolGetInfoFlags");

    /* volume errors */
    assert_int_equal(qd_test_vol_create_xml(NULL, &pool, "<volume><capacity>"
                                            "1</capacity></volume>", 0, &r,
                                            &err), -1);
    assert_err(&err, 27, 18, "XML error: missing volume name element");
    assert_int_equal(qd_test_vol_create_xml(NULL, &pool, "<volume><name>a"
                                            "</name></volume>", 0, &r,
                                            &err), -1);
    assert_err(&err, 27, 18, "XML error: missing capacity element");
    assert_int_equal(qd_test_vol_create_xml(NULL, &pool, "<volume><name>a"
                                            "</name><capacity>-5</capacity>"
                                            "</volume>", 0, &r, &err), -1);
    assert_err(&err, 27, 18, "XML error: malformed capacity element");
    assert_int_equal(qd_test_vol_create_xml(NULL, &pool, "<volume><name>a"
                                            "</name><capacity unit='zz'>1"
                                            "</capacity></volume>", 0, &r,
                                            &err), -1);
    assert_err(&err, 8, 0, "invalid argument: unknown suffix 'zz'");
    assert_int_equal(qd_test_vol_create_xml(NULL, &pool, "<volume><name>a"
                                            "</name><capacity unit='E'>"
                                            "99999</capacity></volume>", 0,
                                            &r, &err), -1);
    assert_err(&err, 82, 0, "numerical overflow: value too large: 99999E");
    assert_int_equal(qd_test_vol_create_xml(NULL, &pool, "<volume><name>a"
                                            "</name><capacity>1</capacity>"
                                            "<target><format type='none'/>"
                                            "</target></volume>", 0, &r,
                                            &err), -1);
    assert_err(&err, 67, 18, "unsupported configuration: unknown volume "
               "format type none");
    assert_int_equal(qd_test_vol_create_xml(NULL, &pool, "<volume type='zz'>"
                                            "<name>a</name><capacity>1"
                                            "</capacity></volume>", 0, &r,
                                            &err), -1);
    assert_err(&err, 67, 18, "unsupported configuration: unknown volume "
               "type 'zz'");
    assert_int_equal(qd_test_vol_create_xml(NULL, &pool, "<volume><name>big"
                                            "</name><capacity unit='T'>1"
                                            "</capacity></volume>", 0, &r,
                                            &err), -1);
    assert_err(&err, 1, 12, "internal error: Not enough free space in pool "
               "for volume 'big'");
    assert_int_equal(qd_test_vol_create_xml(NULL, &pool, "<volume/>", 2, &r,
                                            &err), -1);
    assert_err(&err, 8, 12, "unsupported flags (0x2) in function "
               "testStorageVolCreateXML");

    /* volumes of a stopped pool are out of reach but survive */
    assert_int_equal(qd_test_pool_destroy(NULL, &pool, &err), 0);
    assert_int_equal(qd_test_vol_lookup_by_key(NULL, "/default-pool/v2", &r,
                                               &err), -1);
    assert_err(&err, 50, 12, "Storage volume not found: no storage vol with "
               "matching key '/default-pool/v2'");
    assert_int_equal(qd_test_vol_lookup_by_name(NULL, &pool, "v2", &r,
                                                &err), -1);
    assert_err(&err, 55, 12, "Requested operation is not valid: storage "
               "pool 'default-pool' is not active");
    assert_int_equal(qd_test_pool_create(NULL, &pool, 0, &err), 0);
    assert_int_equal(qd_test_pool_num_of_volumes(NULL, &pool, &err), 1);
    assert_int_equal(qd_test_vol_delete(NULL, &v2, 0, &err), 0);
    assert_xml(qd_test_pool_get_xml(NULL, &pool, 0, &err),
               "pool-default-pool.xml");
    qd_vol_ref_clear(&v2);
    qd_pool_ref_clear(&pool);
}

/* ---- interfaces and node devices -------------------------------------- */

static void
test_ifaces(void **state)
{
    struct qd_err err = QD_ERR_INIT;
    struct qd_list l = { 0 };

    (void) state;
    assert_int_equal(qd_test_list_all_interfaces(NULL, 0, &l, &err), 1);
    assert_string_equal(((struct qd_iface_ref *) l.items)[0].name, "eth1");
    qd_list_clear(&l, sizeof(struct qd_iface_ref), clear_iface_ref);
    assert_int_equal(qd_test_list_all_interfaces(NULL, 2, &l, &err), 1);
    qd_list_clear(&l, sizeof(struct qd_iface_ref), clear_iface_ref);
    assert_int_equal(qd_test_list_all_interfaces(NULL, 1, &l, &err), 0);
    qd_list_clear(&l, sizeof(struct qd_iface_ref), clear_iface_ref);
    assert_int_equal(qd_test_list_all_interfaces(NULL, 4, &l, &err), -1);
    assert_err(&err, 8, 12, "unsupported flags (0x4) in function "
               "testConnectListAllInterfaces");
}

static void
test_nodedevs(void **state)
{
    struct qd_err err = QD_ERR_INIT;
    struct qd_nodedev_ref dev = { 0 };
    struct qd_list l = { 0 };
    char *parent, **caps;
    uint32_t ncaps;

    (void) state;
    ASSERT_NAMES(nodedev_names, 0,
                 "computer,scsi_host1,scsi_host2,scsi_host11");
    /* virsh 9.0: nodedev-list and nodedev-list --all */
    ASSERT_NAMES(nodedev_names, 1u << 31,
                 "computer,scsi_host1,scsi_host2,scsi_host11");
    ASSERT_NAMES(nodedev_names, 3u << 30,
                 "computer,scsi_host1,scsi_host2,scsi_host11");
    ASSERT_NAMES(nodedev_names, 1u << 30, "");
    ASSERT_NAMES(nodedev_names, 1, "computer");
    ASSERT_NAMES(nodedev_names, 1 << 5, "scsi_host1,scsi_host2,scsi_host11");
    ASSERT_NAMES(nodedev_names, 1 << 9, "scsi_host1,scsi_host2,scsi_host11");
    ASSERT_NAMES(nodedev_names, 1 << 10, "scsi_host1,scsi_host2");
    ASSERT_NAMES(nodedev_names, 2, "");
    assert_int_equal(qd_test_list_all_node_devices(NULL, 1 << 25, &l, &err),
                     -1);
    assert_err(&err, 8, 12, "unsupported flags (0x2000000) in function "
               "testConnectListAllNodeDevices");

    dev.name = (char *) "computer";
    assert_int_equal(qd_test_nodedev_get_parent(NULL, &dev, &parent, &err),
                     0);
    assert_null(parent);
    dev.name = (char *) "scsi_host11";
    assert_int_equal(qd_test_nodedev_get_parent(NULL, &dev, &parent, &err),
                     0);
    assert_string_equal(parent, "scsi_host1");
    free(parent);
    assert_int_equal(qd_test_nodedev_list_caps(NULL, &dev, &caps, &ncaps,
                                               &err), 1);
    assert_int_equal(ncaps, 1);
    assert_string_equal(caps[0], "scsi_host");
    free(caps[0]);
    free(caps);
    assert_null(qd_test_nodedev_get_xml(NULL, &dev, 1, &err));
    assert_err(&err, 8, 12, "unsupported flags (0x1) in function "
               "testNodeDeviceGetXMLDesc");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_default_lookups, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_lookup_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_default_xml, setup, teardown),
        cmocka_unit_test_setup_teardown(test_capabilities, setup, teardown),
        cmocka_unit_test_setup_teardown(test_host, setup, teardown),
        cmocka_unit_test_setup_teardown(test_network_lifecycle, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_network_xml_forms, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_network_errors, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_network_redefine_active, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_pool_lifecycle, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_pool_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_volumes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ifaces, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nodedevs, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
