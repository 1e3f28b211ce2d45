/* The "test:///default" world apart from domains: host facts, networks,
 * storage pools and volumes, host interfaces and node devices.
 *
 * Every qd_test_<slot> function has exactly the signature of the slot of
 * the same name in struct qd_driver (drivers/driver.h), so the test driver
 * table can point at them directly. The state is module-static, shared by
 * all connections of the daemon and guarded by one mutex; the connection
 * argument is ignored. Behaviour, XML and error texts follow libvirt 9.0's
 * in-process test driver (the oracle of the differential tests).
 *
 * Any thread, once qd_test_objects_init() has returned 0. */
#ifndef QD_DRIVERS_TEST_TEST_OBJECTS_H
#define QD_DRIVERS_TEST_TEST_OBJECTS_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/driver.h"
#include "util/err.h"

/* Builds the default world (network "default", interface "eth1", pool
 * "default-pool", node devices "computer", "scsi_host1", "scsi_host2",
 * "scsi_host11"). Idempotent. Main thread, before serving clients. */
int qd_test_objects_init(struct qd_err *err);
/* Frees the world; a later init builds a fresh one. Main thread. */
void qd_test_objects_fini(void);

/* host (test_host.c) */
int qd_test_get_version(struct qd_conn *conn, uint64_t *ret,
                        struct qd_err *err);
char *qd_test_get_hostname(struct qd_conn *conn, struct qd_err *err);
char *qd_test_get_capabilities(struct qd_conn *conn, struct qd_err *err);
char *qd_test_get_sysinfo(struct qd_conn *conn, unsigned flags,
                          struct qd_err *err);
int qd_test_get_max_vcpus(struct qd_conn *conn, const char *type,
                          struct qd_err *err);
int qd_test_node_get_info(struct qd_conn *conn, struct qd_node_info *ret,
                          struct qd_err *err);
int qd_test_node_get_free_memory(struct qd_conn *conn, uint64_t *ret,
                                 struct qd_err *err);
int qd_test_node_get_cells_free_memory(struct qd_conn *conn, int start,
                                       int max, uint64_t *ret,
                                       struct qd_err *err);
int qd_test_node_get_cpu_stats(struct qd_conn *conn, int cpu, int nparams,
                               unsigned flags, struct qd_tparams *ret,
                               int *ret_nparams, struct qd_err *err);
int qd_test_node_get_memory_stats(struct qd_conn *conn, int cell,
                                  int nparams, unsigned flags,
                                  struct qd_tparams *ret, int *ret_nparams,
                                  struct qd_err *err);
int qd_test_node_get_security_model(struct qd_conn *conn,
                                    struct qd_sec_model *ret,
                                    struct qd_err *err);
int qd_test_supports_feature(struct qd_conn *conn, int feature,
                             struct qd_err *err);

/* networks (test_network.c); list items are struct qd_net_ref */
int qd_test_list_all_networks(struct qd_conn *conn, unsigned flags,
                              struct qd_list *ret, struct qd_err *err);
int qd_test_network_lookup_by_name(struct qd_conn *conn, const char *name,
                                   struct qd_net_ref *ret,
                                   struct qd_err *err);
int qd_test_network_lookup_by_uuid(struct qd_conn *conn,
                                   const unsigned char *uuid,
                                   struct qd_net_ref *ret,
                                   struct qd_err *err);
int qd_test_network_define_xml(struct qd_conn *conn, const char *xml,
                               unsigned flags, struct qd_net_ref *ret,
                               struct qd_err *err);
int qd_test_network_create_xml(struct qd_conn *conn, const char *xml,
                               unsigned flags, struct qd_net_ref *ret,
                               struct qd_err *err);
int qd_test_network_undefine(struct qd_conn *conn,
                             const struct qd_net_ref *net,
                             struct qd_err *err);
int qd_test_network_create(struct qd_conn *conn,
                           const struct qd_net_ref *net, struct qd_err *err);
int qd_test_network_destroy(struct qd_conn *conn,
                            const struct qd_net_ref *net,
                            struct qd_err *err);
char *qd_test_network_get_xml(struct qd_conn *conn,
                              const struct qd_net_ref *net, unsigned flags,
                              struct qd_err *err);
char *qd_test_network_get_bridge_name(struct qd_conn *conn,
                                      const struct qd_net_ref *net,
                                      struct qd_err *err);
int qd_test_network_get_autostart(struct qd_conn *conn,
                                  const struct qd_net_ref *net,
                                  struct qd_err *err);
int qd_test_network_set_autostart(struct qd_conn *conn,
                                  const struct qd_net_ref *net, bool on,
                                  struct qd_err *err);
int qd_test_network_is_active(struct qd_conn *conn,
                              const struct qd_net_ref *net,
                              struct qd_err *err);
int qd_test_network_is_persistent(struct qd_conn *conn,
                                  const struct qd_net_ref *net,
                                  struct qd_err *err);

/* storage (test_storage.c); pool lists hold struct qd_pool_ref, volume
 * lists struct qd_vol_ref */
int qd_test_list_all_pools(struct qd_conn *conn, unsigned flags,
                           struct qd_list *ret, struct qd_err *err);
int qd_test_pool_lookup_by_name(struct qd_conn *conn, const char *name,
                                struct qd_pool_ref *ret, struct qd_err *err);
int qd_test_pool_lookup_by_uuid(struct qd_conn *conn,
                                const unsigned char *uuid,
                                struct qd_pool_ref *ret, struct qd_err *err);
int qd_test_pool_lookup_by_volume(struct qd_conn *conn,
                                  const struct qd_vol_ref *vol,
                                  struct qd_pool_ref *ret,
                                  struct qd_err *err);
int qd_test_pool_define_xml(struct qd_conn *conn, const char *xml,
                            unsigned flags, struct qd_pool_ref *ret,
                            struct qd_err *err);
int qd_test_pool_create_xml(struct qd_conn *conn, const char *xml,
                            unsigned flags, struct qd_pool_ref *ret,
                            struct qd_err *err);
int qd_test_pool_undefine(struct qd_conn *conn,
                          const struct qd_pool_ref *pool, struct qd_err *err);
int qd_test_pool_create(struct qd_conn *conn, const struct qd_pool_ref *pool,
                        unsigned flags, struct qd_err *err);
int qd_test_pool_build(struct qd_conn *conn, const struct qd_pool_ref *pool,
                       unsigned flags, struct qd_err *err);
int qd_test_pool_destroy(struct qd_conn *conn,
                         const struct qd_pool_ref *pool, struct qd_err *err);
int qd_test_pool_delete(struct qd_conn *conn, const struct qd_pool_ref *pool,
                        unsigned flags, struct qd_err *err);
int qd_test_pool_refresh(struct qd_conn *conn,
                         const struct qd_pool_ref *pool, unsigned flags,
                         struct qd_err *err);
int qd_test_pool_get_info(struct qd_conn *conn,
                          const struct qd_pool_ref *pool,
                          struct qd_pool_info *ret, struct qd_err *err);
char *qd_test_pool_get_xml(struct qd_conn *conn,
                           const struct qd_pool_ref *pool, unsigned flags,
                           struct qd_err *err);
int qd_test_pool_get_autostart(struct qd_conn *conn,
                               const struct qd_pool_ref *pool,
                               struct qd_err *err);
int qd_test_pool_set_autostart(struct qd_conn *conn,
                               const struct qd_pool_ref *pool, bool on,
                               struct qd_err *err);
int qd_test_pool_is_active(struct qd_conn *conn,
                           const struct qd_pool_ref *pool,
                           struct qd_err *err);
int qd_test_pool_is_persistent(struct qd_conn *conn,
                               const struct qd_pool_ref *pool,
                               struct qd_err *err);
int qd_test_pool_num_of_volumes(struct qd_conn *conn,
                                const struct qd_pool_ref *pool,
                                struct qd_err *err);
int qd_test_pool_list_all_volumes(struct qd_conn *conn,
                                  const struct qd_pool_ref *pool,
                                  unsigned flags, struct qd_list *ret,
                                  struct qd_err *err);
int qd_test_vol_lookup_by_name(struct qd_conn *conn,
                               const struct qd_pool_ref *pool,
                               const char *name, struct qd_vol_ref *ret,
                               struct qd_err *err);
int qd_test_vol_lookup_by_key(struct qd_conn *conn, const char *key,
                              struct qd_vol_ref *ret, struct qd_err *err);
int qd_test_vol_lookup_by_path(struct qd_conn *conn, const char *path,
                               struct qd_vol_ref *ret, struct qd_err *err);
int qd_test_vol_create_xml(struct qd_conn *conn,
                           const struct qd_pool_ref *pool, const char *xml,
                           unsigned flags, struct qd_vol_ref *ret,
                           struct qd_err *err);
int qd_test_vol_delete(struct qd_conn *conn, const struct qd_vol_ref *vol,
                       unsigned flags, struct qd_err *err);
int qd_test_vol_get_info(struct qd_conn *conn, const struct qd_vol_ref *vol,
                         unsigned flags, struct qd_vol_info *ret,
                         struct qd_err *err);
char *qd_test_vol_get_xml(struct qd_conn *conn, const struct qd_vol_ref *vol,
                          unsigned flags, struct qd_err *err);
char *qd_test_vol_get_path(struct qd_conn *conn,
                           const struct qd_vol_ref *vol, struct qd_err *err);

/* host interfaces (test_objects.c); list items are struct qd_iface_ref */
int qd_test_list_all_interfaces(struct qd_conn *conn, unsigned flags,
                                struct qd_list *ret, struct qd_err *err);
int qd_test_iface_lookup_by_name(struct qd_conn *conn, const char *name,
                                 struct qd_iface_ref *ret,
                                 struct qd_err *err);
int qd_test_iface_lookup_by_mac(struct qd_conn *conn, const char *mac,
                                struct qd_iface_ref *ret,
                                struct qd_err *err);
char *qd_test_iface_get_xml(struct qd_conn *conn,
                            const struct qd_iface_ref *iface, unsigned flags,
                            struct qd_err *err);
int qd_test_iface_is_active(struct qd_conn *conn,
                            const struct qd_iface_ref *iface,
                            struct qd_err *err);

/* node devices (test_objects.c); list items are struct qd_nodedev_ref */
int qd_test_list_all_node_devices(struct qd_conn *conn, unsigned flags,
                                  struct qd_list *ret, struct qd_err *err);
int qd_test_nodedev_lookup_by_name(struct qd_conn *conn, const char *name,
                                   struct qd_nodedev_ref *ret,
                                   struct qd_err *err);
char *qd_test_nodedev_get_xml(struct qd_conn *conn,
                              const struct qd_nodedev_ref *dev,
                              unsigned flags, struct qd_err *err);
int qd_test_nodedev_get_parent(struct qd_conn *conn,
                               const struct qd_nodedev_ref *dev,
                               char **ret_parent, struct qd_err *err);
int qd_test_nodedev_list_caps(struct qd_conn *conn,
                              const struct qd_nodedev_ref *dev, char ***ret,
                              uint32_t *ret_n, struct qd_err *err);

#endif
