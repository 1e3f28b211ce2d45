/* The QEMU driver's API entry points (struct qd_driver ops), by file. */
#ifndef QD_DRIVERS_QEMU_QEMU_DRIVER_H
#define QD_DRIVERS_QEMU_QEMU_DRIVER_H

#include "drivers/driver.h"
#include "drivers/qemu/qemu_domain.h"

extern const struct qd_driver qd_qemu_driver;

/* qemu_driver.c: wait until the start-up QEMU probe is done (any thread
 * but the loop); everything that uses qemu_host.c's answers calls it. */
void qd_qemu_wait_host(void);

/* qemu_driver.c: configs */
char *qd_qemu_config_path(const char *name);
char *qd_qemu_autostart_path(const char *name);
int qd_qemu_save_config(const struct qd_dom_def *def, struct qd_err *err);

/* qemu_driver_lifecycle.c */
int qd_qemu_domain_define_xml(struct qd_conn *, const char *, unsigned,
                              struct qd_dom_ref *, struct qd_err *);
int qd_qemu_domain_create_xml(struct qd_conn *, const char *, unsigned,
                              struct qd_dom_ref *, struct qd_err *);
int qd_qemu_domain_undefine(struct qd_conn *, const struct qd_dom_ref *,
                            unsigned, struct qd_err *);
int qd_qemu_domain_create(struct qd_conn *, const struct qd_dom_ref *,
                          unsigned, struct qd_dom_ref *, struct qd_err *);
int qd_qemu_domain_destroy(struct qd_conn *, const struct qd_dom_ref *,
                           unsigned, struct qd_err *);
int qd_qemu_domain_shutdown(struct qd_conn *, const struct qd_dom_ref *,
                            unsigned, struct qd_err *);
int qd_qemu_domain_reboot(struct qd_conn *, const struct qd_dom_ref *,
                          unsigned, struct qd_err *);
int qd_qemu_domain_reset(struct qd_conn *, const struct qd_dom_ref *,
                         unsigned, struct qd_err *);
int qd_qemu_domain_suspend(struct qd_conn *, const struct qd_dom_ref *,
                           struct qd_err *);
int qd_qemu_domain_resume(struct qd_conn *, const struct qd_dom_ref *,
                          struct qd_err *);
int qd_qemu_domain_set_autostart(struct qd_conn *, const struct qd_dom_ref *,
                                 bool, struct qd_err *);

/* qemu_driver_console.c */
int qd_qemu_domain_open_console(struct qd_conn *, const struct qd_dom_ref *,
                                const char *, unsigned, struct qd_stream *,
                                struct qd_err *);
char *qd_qemu_domain_screenshot(struct qd_conn *, const struct qd_dom_ref *,
                                unsigned, unsigned, struct qd_stream *,
                                struct qd_err *);

/* qemu_driver_monitor.c */
char *qd_qemu_domain_qemu_monitor_command(struct qd_conn *,
                                          const struct qd_dom_ref *,
                                          const char *, unsigned,
                                          struct qd_err *);

/* qemu_driver_info.c */
int qd_qemu_node_get_security_model(struct qd_conn *, struct qd_sec_model *,
                                    struct qd_err *);
int qd_qemu_domain_get_info(struct qd_conn *, const struct qd_dom_ref *,
                            struct qd_dom_info *, struct qd_err *);
int qd_qemu_domain_get_state(struct qd_conn *, const struct qd_dom_ref *,
                             unsigned, int *, int *, struct qd_err *);
char *qd_qemu_domain_get_xml(struct qd_conn *, const struct qd_dom_ref *,
                             unsigned, struct qd_err *);
char *qd_qemu_domain_get_os_type(struct qd_conn *, const struct qd_dom_ref *,
                                 struct qd_err *);
int qd_qemu_domain_get_autostart(struct qd_conn *, const struct qd_dom_ref *,
                                 struct qd_err *);
int qd_qemu_domain_is_active(struct qd_conn *, const struct qd_dom_ref *,
                             struct qd_err *);
int qd_qemu_domain_is_persistent(struct qd_conn *, const struct qd_dom_ref *,
                                 struct qd_err *);
int qd_qemu_domain_is_updated(struct qd_conn *, const struct qd_dom_ref *,
                              struct qd_err *);
int qd_qemu_domain_get_max_memory(struct qd_conn *, const struct qd_dom_ref *,
                                  uint64_t *, struct qd_err *);
int qd_qemu_domain_get_max_vcpus(struct qd_conn *, const struct qd_dom_ref *,
                                 struct qd_err *);
int qd_qemu_domain_get_vcpus_flags(struct qd_conn *,
                                   const struct qd_dom_ref *, unsigned,
                                   struct qd_err *);
int qd_qemu_domain_has_managed_save(struct qd_conn *,
                                    const struct qd_dom_ref *, unsigned,
                                    struct qd_err *);
int qd_qemu_domain_snapshot_num(struct qd_conn *, const struct qd_dom_ref *,
                                unsigned, struct qd_err *);
int qd_qemu_domain_get_security_label(struct qd_conn *,
                                      const struct qd_dom_ref *,
                                      struct qd_sec_label *, struct qd_err *);

/* qemu_driver_stats.c */
int qd_qemu_node_get_cpu_map(struct qd_conn *, unsigned char **, unsigned *,
                             unsigned, struct qd_err *);
int qd_qemu_domain_get_vcpus(struct qd_conn *, const struct qd_dom_ref *,
                             int, struct qd_vcpu_info *, unsigned char *,
                             int, struct qd_err *);
int qd_qemu_domain_get_vcpu_pin_info(struct qd_conn *,
                                     const struct qd_dom_ref *, int,
                                     unsigned char *, int, unsigned,
                                     struct qd_err *);
int qd_qemu_domain_get_emulator_pin_info(struct qd_conn *,
                                         const struct qd_dom_ref *,
                                         unsigned char *, int, unsigned,
                                         struct qd_err *);
int qd_qemu_domain_memory_stats(struct qd_conn *, const struct qd_dom_ref *,
                                struct qd_mem_stat *, unsigned, unsigned,
                                struct qd_err *);
int qd_qemu_domain_block_stats(struct qd_conn *, const struct qd_dom_ref *,
                               const char *, struct qd_block_stats *,
                               struct qd_err *);
int qd_qemu_domain_block_stats_flags(struct qd_conn *,
                                     const struct qd_dom_ref *, const char *,
                                     unsigned, struct qd_tparams *,
                                     struct qd_err *);
int qd_qemu_domain_interface_stats(struct qd_conn *,
                                   const struct qd_dom_ref *, const char *,
                                   struct qd_iface_stats *, struct qd_err *);
int qd_qemu_get_all_domain_stats(struct qd_conn *, const struct qd_dom_ref *,
                                 uint32_t, unsigned, unsigned,
                                 struct qd_dom_stats **, uint32_t *,
                                 struct qd_err *);

#endif
