/* The hypervisor driver interface: one table of operations, chosen by the
 * URI given to CONNECT_OPEN. A NULL slot answers "not supported" (code 3).
 *
 * Handles (struct qd_*_ref) have the exact layout of libvirt's
 * remote_nonnull_* wire structs, so RPC handlers pass them through; a
 * driver fills them with heap strings the caller frees with
 * qd_*_ref_clear(). Every fallible op returns 0 (or a count >= 0) on
 * success and -1 with @err set. All ops run on worker threads and may
 * block; they must be thread-safe (the driver does its own locking).
 * Flags are libvirt's public flag values. */
#ifndef QD_DRIVERS_DRIVER_H
#define QD_DRIVERS_DRIVER_H

#include <stdbool.h>
#include <stdint.h>

#include "util/err.h"

#define QD_UUID_LEN 16

struct qd_dom_ref {             /* remote_nonnull_domain */
    char *name;
    unsigned char uuid[QD_UUID_LEN];
    int32_t id;                 /* -1 when inactive */
};
struct qd_net_ref {             /* remote_nonnull_network */
    char *name;
    unsigned char uuid[QD_UUID_LEN];
};
struct qd_pool_ref {            /* remote_nonnull_storage_pool */
    char *name;
    unsigned char uuid[QD_UUID_LEN];
};
struct qd_vol_ref {             /* remote_nonnull_storage_vol */
    char *pool;
    char *name;
    char *key;
};
struct qd_nodedev_ref {         /* remote_nonnull_node_device */
    char *name;
};
struct qd_iface_ref {           /* remote_nonnull_interface */
    char *name;
    char *mac;
};
struct qd_secret_ref {          /* remote_nonnull_secret */
    unsigned char uuid[QD_UUID_LEN];
    int32_t usage_type;
    char *usage_id;
};

void qd_dom_ref_clear(struct qd_dom_ref *r);
void qd_net_ref_clear(struct qd_net_ref *r);
void qd_pool_ref_clear(struct qd_pool_ref *r);
void qd_vol_ref_clear(struct qd_vol_ref *r);
void qd_nodedev_ref_clear(struct qd_nodedev_ref *r);
void qd_iface_ref_clear(struct qd_iface_ref *r);

/* A typed parameter (remote_typed_param); type is VIR_TYPED_PARAM_*. */
enum {
    QD_TP_INT = 1, QD_TP_UINT = 2, QD_TP_LLONG = 3, QD_TP_ULLONG = 4,
    QD_TP_DOUBLE = 5, QD_TP_BOOLEAN = 6, QD_TP_STRING = 7,
};
struct qd_tparam {
    char *field;
    int32_t type;
    union {
        int32_t i;
        uint32_t ui;
        int64_t l;
        uint64_t ul;
        double d;
        int32_t b;
        char *s;
    } v;
};
struct qd_tparams {             /* a growable list */
    uint32_t n;
    struct qd_tparam *items;
};
void qd_tparams_add_int(struct qd_tparams *p, const char *field, int32_t v);
void qd_tparams_add_uint(struct qd_tparams *p, const char *field, uint32_t v);
void qd_tparams_add_llong(struct qd_tparams *p, const char *field, int64_t v);
void qd_tparams_add_ullong(struct qd_tparams *p, const char *field, uint64_t v);
void qd_tparams_add_bool(struct qd_tparams *p, const char *field, bool v);
void qd_tparams_add_string(struct qd_tparams *p, const char *field,
                           const char *v);
void qd_tparams_clear(struct qd_tparams *p);

/* virDomainGetInfo */
struct qd_dom_info {
    uint32_t state;             /* virDomainState */
    uint64_t max_mem;           /* KiB */
    uint64_t memory;            /* KiB */
    uint32_t nr_virt_cpu;
    uint64_t cpu_time;          /* ns */
};

/* virVcpuInfo (remote_vcpu_info's layout) */
struct qd_vcpu_info {
    uint32_t number;
    int32_t state;              /* virVcpuState: 1 running */
    uint64_t cpu_time;          /* ns */
    int32_t cpu;                /* host CPU it last ran on */
};

/* virDomainMemoryStatStruct (remote_domain_memory_stat's layout) */
struct qd_mem_stat {
    int32_t tag;                /* VIR_DOMAIN_MEMORY_STAT_* */
    uint64_t val;
};

/* virDomainBlockStatsStruct and virDomainInterfaceStatsStruct (the
 * layouts of their _ret wire structs); -1: not available */
struct qd_block_stats {
    int64_t rd_req, rd_bytes, wr_req, wr_bytes, errs;
};
struct qd_iface_stats {
    int64_t rx_bytes, rx_packets, rx_errs, rx_drop;
    int64_t tx_bytes, tx_packets, tx_errs, tx_drop;
};

/* virNodeInfo */
struct qd_node_info {
    char model[32];
    uint64_t memory;            /* KiB */
    int32_t cpus, mhz, nodes, sockets, cores, threads;
};

/* virStoragePoolInfo / virStorageVolInfo */
struct qd_pool_info {
    uint32_t state;
    uint64_t capacity, allocation, available;
};
struct qd_vol_info {
    int32_t type;
    uint64_t capacity, allocation;
};

struct qd_sec_model {
    char *model;
    char *doi;
};
struct qd_sec_label {
    char *label;
    int32_t enforcing;
};

/* What a driver gets once at daemon start-up (qd_registry_state_init). */
struct qd_loop;
struct qd_driver_env {
    struct qd_loop *loop;       /* the server's event loop (not yet running) */
    const char *etc_dir, *run_dir, *lib_dir, *log_dir;
    bool privileged;            /* running as root */
};

/* An RPC stream opened by a call (virStream): rpc/stream.c. A driver
 * gives it an fd to pump (see rpc/stream.h); it never touches the
 * client. */
struct qd_stream;

/* One driver connection, made by open(); @priv is the driver's. */
struct qd_conn {
    const struct qd_driver *drv;
    void *priv;
    char *uri;
    bool readonly;
};

struct qd_dom_stats {           /* one record of CONNECT_GET_ALL_DOMAIN_STATS */
    struct qd_dom_ref dom;
    struct qd_tparams params;
};

/* A list result: @items is an array of @n refs (type given by the op). */
struct qd_list {
    uint32_t n;
    void *items;
};

struct qd_driver {
    const char *name;           /* "Test", "QEMU": CONNECT_GET_TYPE */
    /* Once at start-up, before the loop runs; NULL: nothing to do. A
     * failure stops the daemon. */
    int (*state_init)(const struct qd_driver_env *env, struct qd_err *err);
    /* Once at shutdown, after the loop stopped; guests keep running. */
    void (*state_cleanup)(void);
    /* Does this driver take @uri (e.g. "test:///default")? */
    bool (*probe)(const char *uri);
    int (*open)(struct qd_conn *conn, const char *uri, unsigned flags,
                struct qd_err *err);
    void (*close)(struct qd_conn *conn);

    /* host */
    int (*get_version)(struct qd_conn *, uint64_t *ret, struct qd_err *);
    char *(*get_hostname)(struct qd_conn *, struct qd_err *);
    char *(*get_capabilities)(struct qd_conn *, struct qd_err *);
    char *(*get_sysinfo)(struct qd_conn *, unsigned flags, struct qd_err *);
    /* virConnectGetDomainCapabilities; NULL strings: the defaults. */
    char *(*get_domain_capabilities)(struct qd_conn *, const char *emulatorbin,
                                     const char *arch, const char *machine,
                                     const char *virttype, unsigned flags,
                                     struct qd_err *);
    int (*get_max_vcpus)(struct qd_conn *, const char *type, struct qd_err *);
    int (*node_get_info)(struct qd_conn *, struct qd_node_info *ret,
                         struct qd_err *);
    /* virNodeGetCPUMap: returns the number of host CPUs; @ret_map (when
     * not NULL) gets a heap map of the online ones, (count + 7) / 8
     * bytes; @ret_online (when not NULL) how many are online. */
    int (*node_get_cpu_map)(struct qd_conn *, unsigned char **ret_map,
                            unsigned *ret_online, unsigned flags,
                            struct qd_err *);
    int (*node_get_free_memory)(struct qd_conn *, uint64_t *ret,
                                struct qd_err *);
    /* Fills @ret with up to @max cells' free memory from @start; count. */
    int (*node_get_cells_free_memory)(struct qd_conn *, int start, int max,
                                      uint64_t *ret, struct qd_err *);
    int (*node_get_cpu_stats)(struct qd_conn *, int cpu, int nparams,
                              unsigned flags, struct qd_tparams *ret,
                              int *ret_nparams, struct qd_err *);
    int (*node_get_memory_stats)(struct qd_conn *, int cell, int nparams,
                                 unsigned flags, struct qd_tparams *ret,
                                 int *ret_nparams, struct qd_err *);
    int (*node_get_security_model)(struct qd_conn *, struct qd_sec_model *ret,
                                   struct qd_err *);
    /* 1/0 for features the hypervisor decides (not 8/10/14/15). */
    int (*supports_feature)(struct qd_conn *, int feature, struct qd_err *);

    /* domains: lists return refs (struct qd_dom_ref[]) */
    int (*list_all_domains)(struct qd_conn *, unsigned flags,
                            struct qd_list *ret, struct qd_err *);
    int (*num_of_domains)(struct qd_conn *, bool active, struct qd_err *);
    int (*list_domain_ids)(struct qd_conn *, int max, int32_t *ids,
                           struct qd_err *);
    int (*list_defined_domains)(struct qd_conn *, int max, char **names,
                                struct qd_err *);
    int (*domain_lookup_by_name)(struct qd_conn *, const char *name,
                                 struct qd_dom_ref *ret, struct qd_err *);
    int (*domain_lookup_by_uuid)(struct qd_conn *, const unsigned char *uuid,
                                 struct qd_dom_ref *ret, struct qd_err *);
    int (*domain_lookup_by_id)(struct qd_conn *, int id,
                               struct qd_dom_ref *ret, struct qd_err *);
    int (*domain_define_xml)(struct qd_conn *, const char *xml, unsigned flags,
                             struct qd_dom_ref *ret, struct qd_err *);
    int (*domain_create_xml)(struct qd_conn *, const char *xml, unsigned flags,
                             struct qd_dom_ref *ret, struct qd_err *);
    int (*domain_undefine)(struct qd_conn *, const struct qd_dom_ref *,
                           unsigned flags, struct qd_err *);
    int (*domain_create)(struct qd_conn *, const struct qd_dom_ref *,
                         unsigned flags, struct qd_dom_ref *ret,
                         struct qd_err *);
    int (*domain_destroy)(struct qd_conn *, const struct qd_dom_ref *,
                          unsigned flags, struct qd_err *);
    int (*domain_shutdown)(struct qd_conn *, const struct qd_dom_ref *,
                           unsigned flags, struct qd_err *);
    int (*domain_reboot)(struct qd_conn *, const struct qd_dom_ref *,
                         unsigned flags, struct qd_err *);
    int (*domain_reset)(struct qd_conn *, const struct qd_dom_ref *,
                        unsigned flags, struct qd_err *);
    int (*domain_suspend)(struct qd_conn *, const struct qd_dom_ref *,
                          struct qd_err *);
    int (*domain_resume)(struct qd_conn *, const struct qd_dom_ref *,
                         struct qd_err *);
    int (*domain_get_info)(struct qd_conn *, const struct qd_dom_ref *,
                           struct qd_dom_info *ret, struct qd_err *);
    int (*domain_get_state)(struct qd_conn *, const struct qd_dom_ref *,
                            unsigned flags, int *state, int *reason,
                            struct qd_err *);
    char *(*domain_get_xml)(struct qd_conn *, const struct qd_dom_ref *,
                            unsigned flags, struct qd_err *);
    char *(*domain_get_os_type)(struct qd_conn *, const struct qd_dom_ref *,
                                struct qd_err *);
    int (*domain_get_autostart)(struct qd_conn *, const struct qd_dom_ref *,
                                struct qd_err *);
    int (*domain_set_autostart)(struct qd_conn *, const struct qd_dom_ref *,
                                bool on, struct qd_err *);
    int (*domain_is_active)(struct qd_conn *, const struct qd_dom_ref *,
                            struct qd_err *);
    int (*domain_is_persistent)(struct qd_conn *, const struct qd_dom_ref *,
                                struct qd_err *);
    int (*domain_is_updated)(struct qd_conn *, const struct qd_dom_ref *,
                             struct qd_err *);
    int (*domain_set_memory)(struct qd_conn *, const struct qd_dom_ref *,
                             uint64_t kib, unsigned flags, bool max,
                             struct qd_err *);
    int (*domain_get_max_memory)(struct qd_conn *, const struct qd_dom_ref *,
                                 uint64_t *ret, struct qd_err *);
    int (*domain_set_vcpus)(struct qd_conn *, const struct qd_dom_ref *,
                            unsigned n, unsigned flags, struct qd_err *);
    int (*domain_get_vcpus_flags)(struct qd_conn *, const struct qd_dom_ref *,
                                  unsigned flags, struct qd_err *);
    int (*domain_get_max_vcpus)(struct qd_conn *, const struct qd_dom_ref *,
                                struct qd_err *);
    char *(*domain_get_scheduler_type)(struct qd_conn *,
                                       const struct qd_dom_ref *,
                                       int *nparams, struct qd_err *);
    int (*domain_get_scheduler_params)(struct qd_conn *,
                                       const struct qd_dom_ref *,
                                       unsigned flags, struct qd_tparams *ret,
                                       struct qd_err *);
    int (*domain_has_managed_save)(struct qd_conn *, const struct qd_dom_ref *,
                                   unsigned flags, struct qd_err *);
    int (*domain_snapshot_num)(struct qd_conn *, const struct qd_dom_ref *,
                               unsigned flags, struct qd_err *);
    int (*domain_get_security_label)(struct qd_conn *,
                                     const struct qd_dom_ref *,
                                     struct qd_sec_label *ret,
                                     struct qd_err *);
    /* Fills @ret with strings (count @ret_n). */
    int (*domain_get_messages)(struct qd_conn *, const struct qd_dom_ref *,
                               unsigned flags, char ***ret, uint32_t *ret_n,
                               struct qd_err *);
    char *(*domain_get_metadata)(struct qd_conn *, const struct qd_dom_ref *,
                                 int type, const char *uri, unsigned flags,
                                 struct qd_err *);
    int (*domain_set_metadata)(struct qd_conn *, const struct qd_dom_ref *,
                               int type, const char *metadata,
                               const char *key, const char *uri,
                               unsigned flags, struct qd_err *);
    /* virDomainOpenConsole: attach the console's fd to @st
     * (qd_stream_set_fd) and keep @st if the driver must abort it later
     * (the --force rule). */
    int (*domain_open_console)(struct qd_conn *, const struct qd_dom_ref *,
                               const char *dev_name, unsigned flags,
                               struct qd_stream *st, struct qd_err *);
    /* virDomainScreenshot: attach a readable fd holding the image to
     * @st and return its MIME type. */
    char *(*domain_screenshot)(struct qd_conn *, const struct qd_dom_ref *,
                               unsigned screen, unsigned flags,
                               struct qd_stream *st, struct qd_err *);
    /* virDomainQemuMonitorCommand: QEMU's reply text (flags: 1 = HMP). */
    char *(*domain_qemu_monitor_command)(struct qd_conn *,
                                         const struct qd_dom_ref *,
                                         const char *cmd, unsigned flags,
                                         struct qd_err *);
    /* virDomainGetVcpus: up to @maxinfo online vCPUs into @info and,
     * when @maplen > 0, each one's host CPU affinity into @cpumaps
     * (@maplen bytes per vCPU, zeroed by the caller); returns the count. */
    int (*domain_get_vcpus)(struct qd_conn *, const struct qd_dom_ref *,
                            int maxinfo, struct qd_vcpu_info *info,
                            unsigned char *cpumaps, int maplen,
                            struct qd_err *);
    /* virDomainGetVcpuPinInfo: up to @ncpumaps maps of @maplen bytes
     * (zeroed by the caller); returns the count filled. */
    int (*domain_get_vcpu_pin_info)(struct qd_conn *,
                                    const struct qd_dom_ref *, int ncpumaps,
                                    unsigned char *cpumaps, int maplen,
                                    unsigned flags, struct qd_err *);
    /* virDomainGetEmulatorPinInfo: one map of @maplen bytes; returns 1
     * (0: no emulator threads). */
    int (*domain_get_emulator_pin_info)(struct qd_conn *,
                                        const struct qd_dom_ref *,
                                        unsigned char *cpumap, int maplen,
                                        unsigned flags, struct qd_err *);
    /* virDomainMemoryStats: up to @max records into @stats; the count. */
    int (*domain_memory_stats)(struct qd_conn *, const struct qd_dom_ref *,
                               struct qd_mem_stat *stats, unsigned max,
                               unsigned flags, struct qd_err *);
    /* virDomainBlockStats: one disk (target or source path), "" all. */
    int (*domain_block_stats)(struct qd_conn *, const struct qd_dom_ref *,
                              const char *path, struct qd_block_stats *ret,
                              struct qd_err *);
    /* virDomainBlockStatsFlags: every statistic the driver has, in its
     * order; the RPC layer counts or truncates them for the client. */
    int (*domain_block_stats_flags)(struct qd_conn *,
                                    const struct qd_dom_ref *,
                                    const char *path, unsigned flags,
                                    struct qd_tparams *ret, struct qd_err *);
    /* virDomainInterfaceStats: @device is a MAC or a host-side name. */
    int (*domain_interface_stats)(struct qd_conn *, const struct qd_dom_ref *,
                                  const char *device,
                                  struct qd_iface_stats *ret,
                                  struct qd_err *);
    /* @doms NULL/@ndoms 0: all domains matching @flags. */
    int (*get_all_domain_stats)(struct qd_conn *, const struct qd_dom_ref *doms,
                                uint32_t ndoms, unsigned stats, unsigned flags,
                                struct qd_dom_stats **ret, uint32_t *ret_n,
                                struct qd_err *);

    /* networks */
    int (*list_all_networks)(struct qd_conn *, unsigned flags,
                             struct qd_list *ret, struct qd_err *);
    int (*network_lookup_by_name)(struct qd_conn *, const char *name,
                                  struct qd_net_ref *ret, struct qd_err *);
    int (*network_lookup_by_uuid)(struct qd_conn *, const unsigned char *uuid,
                                  struct qd_net_ref *ret, struct qd_err *);
    int (*network_define_xml)(struct qd_conn *, const char *xml,
                              unsigned flags, struct qd_net_ref *ret,
                              struct qd_err *);
    int (*network_create_xml)(struct qd_conn *, const char *xml,
                              unsigned flags, struct qd_net_ref *ret,
                              struct qd_err *);
    int (*network_undefine)(struct qd_conn *, const struct qd_net_ref *,
                            struct qd_err *);
    int (*network_create)(struct qd_conn *, const struct qd_net_ref *,
                          struct qd_err *);
    int (*network_destroy)(struct qd_conn *, const struct qd_net_ref *,
                           struct qd_err *);
    char *(*network_get_xml)(struct qd_conn *, const struct qd_net_ref *,
                             unsigned flags, struct qd_err *);
    char *(*network_get_bridge_name)(struct qd_conn *,
                                     const struct qd_net_ref *,
                                     struct qd_err *);
    int (*network_get_autostart)(struct qd_conn *, const struct qd_net_ref *,
                                 struct qd_err *);
    int (*network_set_autostart)(struct qd_conn *, const struct qd_net_ref *,
                                 bool on, struct qd_err *);
    int (*network_is_active)(struct qd_conn *, const struct qd_net_ref *,
                             struct qd_err *);
    int (*network_is_persistent)(struct qd_conn *, const struct qd_net_ref *,
                                 struct qd_err *);

    /* storage */
    int (*list_all_pools)(struct qd_conn *, unsigned flags,
                          struct qd_list *ret, struct qd_err *);
    int (*pool_lookup_by_name)(struct qd_conn *, const char *name,
                               struct qd_pool_ref *ret, struct qd_err *);
    int (*pool_lookup_by_uuid)(struct qd_conn *, const unsigned char *uuid,
                               struct qd_pool_ref *ret, struct qd_err *);
    int (*pool_lookup_by_volume)(struct qd_conn *, const struct qd_vol_ref *,
                                 struct qd_pool_ref *ret, struct qd_err *);
    int (*pool_define_xml)(struct qd_conn *, const char *xml, unsigned flags,
                           struct qd_pool_ref *ret, struct qd_err *);
    int (*pool_create_xml)(struct qd_conn *, const char *xml, unsigned flags,
                           struct qd_pool_ref *ret, struct qd_err *);
    int (*pool_undefine)(struct qd_conn *, const struct qd_pool_ref *,
                         struct qd_err *);
    int (*pool_create)(struct qd_conn *, const struct qd_pool_ref *,
                       unsigned flags, struct qd_err *);
    int (*pool_build)(struct qd_conn *, const struct qd_pool_ref *,
                      unsigned flags, struct qd_err *);
    int (*pool_destroy)(struct qd_conn *, const struct qd_pool_ref *,
                        struct qd_err *);
    int (*pool_delete)(struct qd_conn *, const struct qd_pool_ref *,
                       unsigned flags, struct qd_err *);
    int (*pool_refresh)(struct qd_conn *, const struct qd_pool_ref *,
                        unsigned flags, struct qd_err *);
    int (*pool_get_info)(struct qd_conn *, const struct qd_pool_ref *,
                         struct qd_pool_info *ret, struct qd_err *);
    char *(*pool_get_xml)(struct qd_conn *, const struct qd_pool_ref *,
                          unsigned flags, struct qd_err *);
    int (*pool_get_autostart)(struct qd_conn *, const struct qd_pool_ref *,
                              struct qd_err *);
    int (*pool_set_autostart)(struct qd_conn *, const struct qd_pool_ref *,
                              bool on, struct qd_err *);
    int (*pool_is_active)(struct qd_conn *, const struct qd_pool_ref *,
                          struct qd_err *);
    int (*pool_is_persistent)(struct qd_conn *, const struct qd_pool_ref *,
                              struct qd_err *);
    int (*pool_num_of_volumes)(struct qd_conn *, const struct qd_pool_ref *,
                               struct qd_err *);
    /* ret items: struct qd_vol_ref */
    int (*pool_list_all_volumes)(struct qd_conn *, const struct qd_pool_ref *,
                                 unsigned flags, struct qd_list *ret,
                                 struct qd_err *);
    int (*vol_lookup_by_name)(struct qd_conn *, const struct qd_pool_ref *,
                              const char *name, struct qd_vol_ref *ret,
                              struct qd_err *);
    int (*vol_lookup_by_key)(struct qd_conn *, const char *key,
                             struct qd_vol_ref *ret, struct qd_err *);
    int (*vol_lookup_by_path)(struct qd_conn *, const char *path,
                              struct qd_vol_ref *ret, struct qd_err *);
    int (*vol_create_xml)(struct qd_conn *, const struct qd_pool_ref *,
                          const char *xml, unsigned flags,
                          struct qd_vol_ref *ret, struct qd_err *);
    int (*vol_delete)(struct qd_conn *, const struct qd_vol_ref *,
                      unsigned flags, struct qd_err *);
    int (*vol_get_info)(struct qd_conn *, const struct qd_vol_ref *,
                        unsigned flags, struct qd_vol_info *ret,
                        struct qd_err *);
    char *(*vol_get_xml)(struct qd_conn *, const struct qd_vol_ref *,
                         unsigned flags, struct qd_err *);
    char *(*vol_get_path)(struct qd_conn *, const struct qd_vol_ref *,
                          struct qd_err *);

    /* interfaces (ret items: struct qd_iface_ref) */
    int (*list_all_interfaces)(struct qd_conn *, unsigned flags,
                               struct qd_list *ret, struct qd_err *);
    int (*iface_lookup_by_name)(struct qd_conn *, const char *name,
                                struct qd_iface_ref *ret, struct qd_err *);
    int (*iface_lookup_by_mac)(struct qd_conn *, const char *mac,
                               struct qd_iface_ref *ret, struct qd_err *);
    char *(*iface_get_xml)(struct qd_conn *, const struct qd_iface_ref *,
                           unsigned flags, struct qd_err *);
    int (*iface_is_active)(struct qd_conn *, const struct qd_iface_ref *,
                           struct qd_err *);

    /* node devices (ret items: struct qd_nodedev_ref) */
    int (*list_all_node_devices)(struct qd_conn *, unsigned flags,
                                 struct qd_list *ret, struct qd_err *);
    int (*nodedev_lookup_by_name)(struct qd_conn *, const char *name,
                                  struct qd_nodedev_ref *ret, struct qd_err *);
    char *(*nodedev_get_xml)(struct qd_conn *, const struct qd_nodedev_ref *,
                             unsigned flags, struct qd_err *);
    /* NULL parent is not an error: *@ret_has_parent tells. */
    int (*nodedev_get_parent)(struct qd_conn *, const struct qd_nodedev_ref *,
                              char **ret_parent, struct qd_err *);
    int (*nodedev_list_caps)(struct qd_conn *, const struct qd_nodedev_ref *,
                             char ***ret, uint32_t *ret_n, struct qd_err *);
};

/* virConnectListAllDomainsFlags: its filter groups; the first four
 * (active .. other) are also virConnectGetAllDomainStats's filters */
#define QD_LIST_DOMAINS_ALL 0xffffu
#define QD_LIST_DOMAINS_STATS_FILTERS 0xffu

/* What virDomainObjListFilter looks at, for one domain. */
struct qd_dom_list_facts {
    bool active, persistent, managed_save, autostart;
    bool has_snapshot, has_checkpoint;
    int state;                   /* virDomainState */
};

/* Any thread: does a domain with @d pass every filter group in @flags
 * (virConnectListAllDomainsFlags)? */
bool qd_dom_list_match(const struct qd_dom_list_facts *d, unsigned flags);

/* Frees a list of @kind refs; @clear is the matching qd_*_ref_clear. */
void qd_list_clear(struct qd_list *l, size_t item_size,
                   void (*clear)(void *item));

#endif
