/* The "test" driver: libvirt's test:///default world, in memory. Its
 * state is created on first open and shared by every connection for the
 * daemon's life (libvirt drops it with the last connection; keeping it
 * lets a user script separate virsh commands). */
#include <pthread.h>
#include <string.h>

#include "drivers/driver.h"
#include "drivers/test/test_domain.h"
#include "drivers/test/test_objects.h"

static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;
static bool initialized;

static bool
test_probe(const char *uri)
{
    return strcmp(uri, "test:///default") == 0;
}

static int
test_open(struct qd_conn *conn, const char *uri, unsigned flags,
          struct qd_err *err)
{
    int rc = 0;

    pthread_mutex_lock(&init_lock);
    if (!initialized) {
        if (qd_test_objects_init(err) < 0)
            rc = -1;
        else if (qd_test_domains_init(err) < 0) {
            qd_test_objects_fini();
            rc = -1;
        } else {
            initialized = true;
        }
    }
    pthread_mutex_unlock(&init_lock);
    return rc;
}

static void
test_close(struct qd_conn *conn)
{
}

const struct qd_driver qd_test_driver = {
    .name = "TEST",      /* libvirt-compat: what virConnectGetType says */
    .probe = test_probe,
    .open = test_open,
    .close = test_close,

    .get_version = qd_test_get_version,
    .get_hostname = qd_test_get_hostname,
    .get_capabilities = qd_test_get_capabilities,
    .get_sysinfo = qd_test_get_sysinfo,
    .get_max_vcpus = qd_test_get_max_vcpus,
    .node_get_info = qd_test_node_get_info,
    .node_get_free_memory = qd_test_node_get_free_memory,
    .node_get_cells_free_memory = qd_test_node_get_cells_free_memory,
    .node_get_cpu_stats = qd_test_node_get_cpu_stats,
    .node_get_memory_stats = qd_test_node_get_memory_stats,
    .node_get_security_model = qd_test_node_get_security_model,
    .supports_feature = qd_test_supports_feature,

    .list_all_domains = qd_test_list_all_domains,
    .num_of_domains = qd_test_num_of_domains,
    .list_domain_ids = qd_test_list_domain_ids,
    .list_defined_domains = qd_test_list_defined_domains,
    .domain_lookup_by_name = qd_test_domain_lookup_by_name,
    .domain_lookup_by_uuid = qd_test_domain_lookup_by_uuid,
    .domain_lookup_by_id = qd_test_domain_lookup_by_id,
    .domain_define_xml = qd_test_domain_define_xml,
    .domain_create_xml = qd_test_domain_create_xml,
    .domain_undefine = qd_test_domain_undefine,
    .domain_create = qd_test_domain_create,
    .domain_destroy = qd_test_domain_destroy,
    .domain_shutdown = qd_test_domain_shutdown,
    .domain_reboot = qd_test_domain_reboot,
    .domain_reset = qd_test_domain_reset,
    .domain_suspend = qd_test_domain_suspend,
    .domain_resume = qd_test_domain_resume,
    .domain_get_info = qd_test_domain_get_info,
    .domain_get_state = qd_test_domain_get_state,
    .domain_get_xml = qd_test_domain_get_xml,
    .domain_get_os_type = qd_test_domain_get_os_type,
    .domain_get_autostart = qd_test_domain_get_autostart,
    .domain_set_autostart = qd_test_domain_set_autostart,
    .domain_is_active = qd_test_domain_is_active,
    .domain_is_persistent = qd_test_domain_is_persistent,
    .domain_is_updated = qd_test_domain_is_updated,
    .domain_set_memory = qd_test_domain_set_memory,
    .domain_get_max_memory = qd_test_domain_get_max_memory,
    .domain_set_vcpus = qd_test_domain_set_vcpus,
    .domain_get_vcpus_flags = qd_test_domain_get_vcpus_flags,
    .domain_get_max_vcpus = qd_test_domain_get_max_vcpus,
    .domain_get_scheduler_type = qd_test_domain_get_scheduler_type,
    .domain_get_scheduler_params = qd_test_domain_get_scheduler_params,
    .domain_has_managed_save = qd_test_domain_has_managed_save,
    .domain_snapshot_num = qd_test_domain_snapshot_num,
    .domain_get_security_label = qd_test_domain_get_security_label,
    .domain_get_messages = qd_test_domain_get_messages,
    .domain_get_metadata = qd_test_domain_get_metadata,
    .domain_set_metadata = qd_test_domain_set_metadata,
    .domain_screenshot = qd_test_domain_screenshot,
    .get_all_domain_stats = qd_test_get_all_domain_stats,

    .list_all_networks = qd_test_list_all_networks,
    .network_lookup_by_name = qd_test_network_lookup_by_name,
    .network_lookup_by_uuid = qd_test_network_lookup_by_uuid,
    .network_define_xml = qd_test_network_define_xml,
    .network_create_xml = qd_test_network_create_xml,
    .network_undefine = qd_test_network_undefine,
    .network_create = qd_test_network_create,
    .network_destroy = qd_test_network_destroy,
    .network_get_xml = qd_test_network_get_xml,
    .network_get_bridge_name = qd_test_network_get_bridge_name,
    .network_get_autostart = qd_test_network_get_autostart,
    .network_set_autostart = qd_test_network_set_autostart,
    .network_is_active = qd_test_network_is_active,
    .network_is_persistent = qd_test_network_is_persistent,

    .list_all_pools = qd_test_list_all_pools,
    .pool_lookup_by_name = qd_test_pool_lookup_by_name,
    .pool_lookup_by_uuid = qd_test_pool_lookup_by_uuid,
    .pool_lookup_by_volume = qd_test_pool_lookup_by_volume,
    .pool_define_xml = qd_test_pool_define_xml,
    .pool_create_xml = qd_test_pool_create_xml,
    .pool_undefine = qd_test_pool_undefine,
    .pool_create = qd_test_pool_create,
    .pool_build = qd_test_pool_build,
    .pool_destroy = qd_test_pool_destroy,
    .pool_delete = qd_test_pool_delete,
    .pool_refresh = qd_test_pool_refresh,
    .pool_get_info = qd_test_pool_get_info,
    .pool_get_xml = qd_test_pool_get_xml,
    .pool_get_autostart = qd_test_pool_get_autostart,
    .pool_set_autostart = qd_test_pool_set_autostart,
    .pool_is_active = qd_test_pool_is_active,
    .pool_is_persistent = qd_test_pool_is_persistent,
    .pool_num_of_volumes = qd_test_pool_num_of_volumes,
    .pool_list_all_volumes = qd_test_pool_list_all_volumes,
    .vol_lookup_by_name = qd_test_vol_lookup_by_name,
    .vol_lookup_by_key = qd_test_vol_lookup_by_key,
    .vol_lookup_by_path = qd_test_vol_lookup_by_path,
    .vol_create_xml = qd_test_vol_create_xml,
    .vol_delete = qd_test_vol_delete,
    .vol_get_info = qd_test_vol_get_info,
    .vol_get_xml = qd_test_vol_get_xml,
    .vol_get_path = qd_test_vol_get_path,

    .list_all_interfaces = qd_test_list_all_interfaces,
    .iface_lookup_by_name = qd_test_iface_lookup_by_name,
    .iface_lookup_by_mac = qd_test_iface_lookup_by_mac,
    .iface_get_xml = qd_test_iface_get_xml,
    .iface_is_active = qd_test_iface_is_active,

    .list_all_node_devices = qd_test_list_all_node_devices,
    .nodedev_lookup_by_name = qd_test_nodedev_lookup_by_name,
    .nodedev_get_xml = qd_test_nodedev_get_xml,
    .nodedev_get_parent = qd_test_nodedev_get_parent,
    .nodedev_list_caps = qd_test_nodedev_list_caps,
};
