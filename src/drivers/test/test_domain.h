/* The test driver's domains (libvirt's test:///default semantics). */
#ifndef QD_DRIVERS_TEST_DOMAIN_H
#define QD_DRIVERS_TEST_DOMAIN_H

#include "drivers/driver.h"

/* Build the default domain "test"; once per daemon. */
int qd_test_domains_init(struct qd_err *err);
void qd_test_domains_fini(void);

int qd_test_list_all_domains(struct qd_conn *, unsigned, struct qd_list *,
                             struct qd_err *);
int qd_test_num_of_domains(struct qd_conn *, bool, struct qd_err *);
int qd_test_list_domain_ids(struct qd_conn *, int, int32_t *,
                            struct qd_err *);
int qd_test_list_defined_domains(struct qd_conn *, int, char **,
                                 struct qd_err *);
int qd_test_domain_lookup_by_name(struct qd_conn *, const char *,
                                  struct qd_dom_ref *, struct qd_err *);
int qd_test_domain_lookup_by_uuid(struct qd_conn *, const unsigned char *,
                                  struct qd_dom_ref *, struct qd_err *);
int qd_test_domain_lookup_by_id(struct qd_conn *, int, struct qd_dom_ref *,
                                struct qd_err *);
int qd_test_domain_define_xml(struct qd_conn *, const char *, unsigned,
                              struct qd_dom_ref *, struct qd_err *);
int qd_test_domain_create_xml(struct qd_conn *, const char *, unsigned,
                              struct qd_dom_ref *, struct qd_err *);
int qd_test_domain_undefine(struct qd_conn *, const struct qd_dom_ref *,
                            unsigned, struct qd_err *);
int qd_test_domain_create(struct qd_conn *, const struct qd_dom_ref *,
                          unsigned, struct qd_dom_ref *, struct qd_err *);
int qd_test_domain_destroy(struct qd_conn *, const struct qd_dom_ref *,
                           unsigned, struct qd_err *);
int qd_test_domain_shutdown(struct qd_conn *, const struct qd_dom_ref *,
                            unsigned, struct qd_err *);
int qd_test_domain_reboot(struct qd_conn *, const struct qd_dom_ref *,
                          unsigned, struct qd_err *);
int qd_test_domain_reset(struct qd_conn *, const struct qd_dom_ref *,
                         unsigned, struct qd_err *);
int qd_test_domain_suspend(struct qd_conn *, const struct qd_dom_ref *,
                           struct qd_err *);
int qd_test_domain_resume(struct qd_conn *, const struct qd_dom_ref *,
                          struct qd_err *);
int qd_test_domain_get_info(struct qd_conn *, const struct qd_dom_ref *,
                            struct qd_dom_info *, struct qd_err *);
int qd_test_domain_get_state(struct qd_conn *, const struct qd_dom_ref *,
                             unsigned, int *, int *, struct qd_err *);
char *qd_test_domain_get_xml(struct qd_conn *, const struct qd_dom_ref *,
                             unsigned, struct qd_err *);
char *qd_test_domain_get_os_type(struct qd_conn *, const struct qd_dom_ref *,
                                 struct qd_err *);
int qd_test_domain_get_autostart(struct qd_conn *, const struct qd_dom_ref *,
                                 struct qd_err *);
int qd_test_domain_set_autostart(struct qd_conn *, const struct qd_dom_ref *,
                                 bool, struct qd_err *);
int qd_test_domain_is_active(struct qd_conn *, const struct qd_dom_ref *,
                             struct qd_err *);
int qd_test_domain_is_persistent(struct qd_conn *, const struct qd_dom_ref *,
                                 struct qd_err *);
int qd_test_domain_is_updated(struct qd_conn *, const struct qd_dom_ref *,
                              struct qd_err *);
int qd_test_domain_set_memory(struct qd_conn *, const struct qd_dom_ref *,
                              uint64_t, unsigned, bool, struct qd_err *);
int qd_test_domain_get_max_memory(struct qd_conn *, const struct qd_dom_ref *,
                                  uint64_t *, struct qd_err *);
int qd_test_domain_set_vcpus(struct qd_conn *, const struct qd_dom_ref *,
                             unsigned, unsigned, struct qd_err *);
int qd_test_domain_get_vcpus_flags(struct qd_conn *,
                                   const struct qd_dom_ref *, unsigned,
                                   struct qd_err *);
int qd_test_domain_get_max_vcpus(struct qd_conn *, const struct qd_dom_ref *,
                                 struct qd_err *);
char *qd_test_domain_get_scheduler_type(struct qd_conn *,
                                        const struct qd_dom_ref *, int *,
                                        struct qd_err *);
int qd_test_domain_get_scheduler_params(struct qd_conn *,
                                        const struct qd_dom_ref *, unsigned,
                                        struct qd_tparams *, struct qd_err *);
int qd_test_domain_has_managed_save(struct qd_conn *,
                                    const struct qd_dom_ref *, unsigned,
                                    struct qd_err *);
int qd_test_domain_snapshot_num(struct qd_conn *, const struct qd_dom_ref *,
                                unsigned, struct qd_err *);
int qd_test_domain_get_security_label(struct qd_conn *,
                                      const struct qd_dom_ref *,
                                      struct qd_sec_label *, struct qd_err *);
int qd_test_domain_get_messages(struct qd_conn *, const struct qd_dom_ref *,
                                unsigned, char ***, uint32_t *,
                                struct qd_err *);
char *qd_test_domain_get_metadata(struct qd_conn *, const struct qd_dom_ref *,
                                  int, const char *, unsigned,
                                  struct qd_err *);
int qd_test_domain_set_metadata(struct qd_conn *, const struct qd_dom_ref *,
                                int, const char *, const char *, const char *,
                                unsigned, struct qd_err *);
int qd_test_get_all_domain_stats(struct qd_conn *, const struct qd_dom_ref *,
                                 uint32_t, unsigned, unsigned,
                                 struct qd_dom_stats **, uint32_t *,
                                 struct qd_err *);

/* test_stream.c */
struct qd_stream;
char *qd_test_domain_screenshot(struct qd_conn *, const struct qd_dom_ref *,
                                unsigned screen, unsigned flags,
                                struct qd_stream *, struct qd_err *);

#endif
