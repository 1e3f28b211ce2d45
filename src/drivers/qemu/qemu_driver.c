/* The "qemu" driver: qemu:///system (and qemu:///session), real QEMU
 * processes. This file: start-up (configs, reconnection, autostart), the
 * connection, lists, lookups and the read-only domain getters. Lifecycle
 * calls are in qemu_driver_lifecycle.c, host queries in qemu_host.c. */
#define QD_LOG_MODULE "qemu.driver"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drivers/driver.h"
#include "drivers/qemu/qemu_driver.h"
#include "drivers/qemu/qemu_host.h"
#include "drivers/qemu/qemu_monitor.h"
#include "drivers/qemu/qemu_process.h"
#include "drivers/qemu/qemu_process_priv.h"
#include "loop/loop.h"
#include "util/err.h"
#include "util/file.h"
#include "util/log.h"
#include "util/mem.h"

static pthread_mutex_t ready_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready_cond = PTHREAD_COND_INITIALIZER;
static bool ready;
static pthread_t init_thread;
static bool init_thread_started;

void qd_qemu_events_forget(struct qd_qdom *dom);

/* ---- configs ----------------------------------------------------------- */

char *
qd_qemu_config_path(const char *name)
{
    return qd_asprintf("%s/%s.xml", qd_qemu_drv->config_dir, name);
}

char *
qd_qemu_autostart_path(const char *name)
{
    return qd_asprintf("%s/%s.xml", qd_qemu_drv->autostart_dir, name);
}

int
qd_qemu_save_config(const struct qd_dom_def *def, struct qd_err *err)
{
    _cleanup_free_ char *path = qd_qemu_config_path(def->name);
    _cleanup_free_ char *xml = qd_dom_def_format(def, -1,
                                                 QD_DOM_XML_INACTIVE |
                                                 QD_DOM_XML_SECURE);

    return qd_file_write_atomic(path, xml, strlen(xml), 0600, QD_FROM_QEMU,
                                err);
}

static bool
has_suffix(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);

    return a > b && strcmp(s + a - b, suf) == 0;
}

/* Load every etc/qemu/NAME.xml as a persistent, inactive domain. */
static void
load_configs(void)
{
    struct qd_qemu_driver *drv = qd_qemu_drv;
    DIR *d = opendir(drv->config_dir);
    struct dirent *e;

    if (!d)
        return;
    while ((e = readdir(d))) {
        _cleanup_free_ char *path = NULL, *xml = NULL, *ap = NULL;
        struct qd_err err = QD_ERR_INIT;
        struct qd_dom_def *def;
        struct qd_qdom *dom;
        bool existed;

        if (e->d_name[0] == '.' || !has_suffix(e->d_name, ".xml"))
            continue;
        path = qd_asprintf("%s/%s", drv->config_dir, e->d_name);
        if (!(xml = qd_file_read_all(path, 16 << 20, NULL))) {
            QD_WARN("cannot read %s: %s", path, strerror(errno));
            continue;
        }
        if (!(def = qd_dom_def_load(xml, &err)) ||
            !(dom = qd_qdom_add(def, &existed, &err))) {
            QD_WARN("ignoring %s: %s", path, err.message);
            qd_err_clear(&err);
            continue;
        }
        dom->persistent = true;
        ap = qd_qemu_autostart_path(dom->def->name);
        dom->autostart = access(ap, F_OK) == 0;
        qd_qdom_put(dom);
    }
    closedir(d);
}

/* Re-adopt every QEMU with a status file: listed at once with the state
 * its file recorded (adopt), then QMP reattached in parallel (reattach)
 * while each domain's job is held, so lists and queries need not wait. */
static void *
reattach_one(void *opaque)
{
    qd_qemu_process_reattach(opaque);
    return NULL;
}

static void
adopt_all(pthread_t **ret_tids, size_t *ret_n)
{
    struct qd_qemu_driver *drv = qd_qemu_drv;
    DIR *d = opendir(drv->state_dir);
    pthread_t *tids = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;

    *ret_tids = NULL;
    *ret_n = 0;
    if (!d)
        return;
    while ((e = readdir(d))) {
        _cleanup_free_ char *path = NULL;
        struct qd_qdom *dom;

        if (e->d_name[0] == '.' || !has_suffix(e->d_name, ".xml"))
            continue;
        path = qd_asprintf("%s/%s", drv->state_dir, e->d_name);
        if (!(dom = qd_qemu_process_adopt(path)))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            tids = qd_realloc(tids, cap * sizeof(*tids));
        }
        if (pthread_create(&tids[n], NULL, reattach_one, dom) != 0)
            qd_qemu_process_reattach(dom);
        else
            n++;
    }
    closedir(d);
    *ret_tids = tids;
    *ret_n = n;
}

static void *
autostart_one(void *opaque)
{
    struct qd_qdom *dom = opaque;
    struct qd_err err = QD_ERR_INIT;

    pthread_mutex_lock(&dom->lock);
    if (dom->autostart && !qd_qdom_is_active(dom) && !dom->removed &&
        qd_qdom_job_begin(dom, "DomainCreate", &err) == 0) {
        if (!qd_qdom_is_active(dom))
            (void) qd_qemu_process_start(dom, false, &err);
        qd_qdom_job_end(dom);
    }
    if (qd_err_is_set(&err))
        QD_ERROR("autostart of domain '%s' failed: %s", dom->def->name,
                 err.message);
    qd_err_clear(&err);
    qd_qdom_put(dom);
    return NULL;
}

static void
autostart_all(void)
{
    size_t n, i, nt = 0;
    struct qd_qdom **list = qd_qdom_list(&n);
    pthread_t *tids = qd_calloc(n ? n : 1, sizeof(*tids));

    for (i = 0; i < n; i++) {
        if (!list[i]->autostart)
            continue;
        if (pthread_create(&tids[nt], NULL, autostart_one,
                           qd_qdom_ref(list[i])) != 0)
            autostart_one(list[i]);
        else
            nt++;
    }
    for (i = 0; i < nt; i++)
        pthread_join(tids[i], NULL);
    free(tids);
    qd_qdom_list_free(list, n);
}

/* ---- start-up ---------------------------------------------------------- */

/* The QEMU probe (qemu_host.c) takes a QEMU start; nothing that only
 * lists or re-adopts domains needs it, so it runs beside the
 * reconnection and only what uses its answers waits for it. */
static bool host_done;

static void *
host_main(void *opaque)
{
    struct qd_err err = QD_ERR_INIT;

    if (qd_qemu_host_init(NULL, qd_qemu_drv->lib_dir, &err) < 0) {
        QD_ERROR("QEMU probe failed: %s", err.message);
        qd_err_clear(&err);
    }
    pthread_mutex_lock(&ready_lock);
    host_done = true;
    pthread_cond_broadcast(&ready_cond);
    pthread_mutex_unlock(&ready_lock);
    return NULL;
}

void
qd_qemu_wait_host(void)
{
    pthread_mutex_lock(&ready_lock);
    while (!host_done)
        pthread_cond_wait(&ready_cond, &ready_lock);
    pthread_mutex_unlock(&ready_lock);
}

/* Start-up thread: runs once the loop runs (the monitors need it). */
static void *
init_main(void *opaque)
{
    int64_t t0 = qd_loop_now_ms();
    pthread_t host_tid, *tids;
    size_t ntids, i;
    bool threaded;

    threaded = pthread_create(&host_tid, NULL, host_main, NULL) == 0;
    if (!threaded)
        host_main(NULL);
    load_configs();
    adopt_all(&tids, &ntids);
    QD_INFO("QEMU driver ready in %lld ms (%zu guests re-adopted)",
            (long long) (qd_loop_now_ms() - t0), ntids);
    pthread_mutex_lock(&ready_lock);
    ready = true;
    pthread_cond_broadcast(&ready_cond);
    pthread_mutex_unlock(&ready_lock);
    for (i = 0; i < ntids; i++)
        pthread_join(tids[i], NULL);
    free(tids);
    QD_INFO("QEMU driver: monitors reattached after %lld ms",
            (long long) (qd_loop_now_ms() - t0));
    if (threaded)
        pthread_join(host_tid, NULL);
    autostart_all();
    return NULL;
}

/* Host queries answer from the probe: wait for it first. */
static int
host_get_version(struct qd_conn *c, uint64_t *ret, struct qd_err *err)
{
    qd_qemu_wait_host();
    return qd_qemu_get_version(c, ret, err);
}

static char *
host_get_capabilities(struct qd_conn *c, struct qd_err *err)
{
    qd_qemu_wait_host();
    return qd_qemu_get_capabilities(c, err);
}

static char *
host_get_domain_capabilities(struct qd_conn *c, const char *emulatorbin,
                             const char *arch, const char *machine,
                             const char *virttype, unsigned flags,
                             struct qd_err *err)
{
    qd_qemu_wait_host();
    return qd_qemu_get_domain_capabilities(c, emulatorbin, arch, machine,
                                           virttype, flags, err);
}

static char *
host_get_sysinfo(struct qd_conn *c, unsigned flags, struct qd_err *err)
{
    qd_qemu_wait_host();
    return qd_qemu_get_sysinfo(c, flags, err);
}

static int
host_get_max_vcpus(struct qd_conn *c, const char *type, struct qd_err *err)
{
    qd_qemu_wait_host();
    return qd_qemu_get_max_vcpus(c, type, err);
}

static int
host_node_get_info(struct qd_conn *c, struct qd_node_info *ret,
                   struct qd_err *err)
{
    qd_qemu_wait_host();
    return qd_qemu_node_get_info(c, ret, err);
}

static int
qemu_state_init(const struct qd_driver_env *env, struct qd_err *err)
{
    struct qd_qemu_driver *drv = QD_NEW(struct qd_qemu_driver);
    char **dirs[] = {
        &drv->config_dir, &drv->autostart_dir, &drv->state_dir,
        &drv->log_dir, &drv->lib_dir,
    };
    size_t i;

    drv->loop = env->loop;
    drv->privileged = env->privileged;
    drv->config_dir = qd_asprintf("%s/qemu", env->etc_dir);
    drv->autostart_dir = qd_asprintf("%s/qemu/autostart", env->etc_dir);
    drv->state_dir = qd_asprintf("%s/qemu", env->run_dir);
    drv->log_dir = qd_asprintf("%s/qemu", env->log_dir);
    drv->lib_dir = qd_asprintf("%s/qemu", env->lib_dir);
    drv->next_id = 1;
    pthread_mutex_init(&drv->lock, NULL);
    qd_qemu_drv = drv;
    for (i = 0; i < QD_ARRAY_SIZE(dirs); i++)
        if (qd_file_mkdirs(*dirs[i], 0700) < 0)
            return qd_err_sys(err, QD_ERR_OPERATION_FAILED, QD_FROM_QEMU,
                              errno, "cannot create directory '%s'",
                              *dirs[i]);
    if (pthread_create(&init_thread, NULL, init_main, NULL) != 0)
        return qd_err_sys(err, QD_ERR_INTERNAL_ERROR, QD_FROM_QEMU, errno,
                          "cannot start the QEMU driver");
    init_thread_started = true;
    return 0;
}

static void
qemu_state_cleanup(void)
{
    struct qd_qemu_driver *drv = qd_qemu_drv;
    size_t i;

    if (!drv)
        return;
    if (init_thread_started)
        pthread_join(init_thread, NULL);
    qd_qemu_process_drain();
    /* guests keep running: only let go of them */
    for (i = 0; i < drv->ndoms; i++) {
        struct qd_qdom *dom = drv->doms[i];

        pthread_mutex_lock(&dom->lock);
        if (dom->mon) {
            qd_qmp_close(dom->mon);
            dom->mon = NULL;
        }
        qd_qemu_watch_forget(dom);
        qd_qemu_events_forget(dom);
        pthread_mutex_unlock(&dom->lock);
        qd_qdom_unref(dom);
    }
    free(drv->doms);
    free(drv->config_dir);
    free(drv->autostart_dir);
    free(drv->state_dir);
    free(drv->log_dir);
    free(drv->lib_dir);
    pthread_mutex_destroy(&drv->lock);
    free(drv);
    qd_qemu_drv = NULL;
    qd_qemu_host_fini();
}

/* ---- connection -------------------------------------------------------- */

static bool
qemu_probe(const char *uri)
{
    return strcmp(uri, "qemu:///system") == 0 ||
           strcmp(uri, "qemu:///session") == 0;
}

static int
qemu_open(struct qd_conn *conn, const char *uri, unsigned flags,
          struct qd_err *err)
{
    if (!qd_qemu_drv)
        return qd_err_report(err, QD_ERR_NO_CONNECT, QD_FROM_NONE,
                             "no connection driver available for %s", uri);
    if (strcmp(uri, "qemu:///system") == 0 && !qd_qemu_drv->privileged)
        /* libvirt-compat: qemuConnectOpen's text for an unprivileged
         * daemon */
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_QEMU,
                             "unexpected QEMU URI path '/system', try "
                             "qemu:///session");
    pthread_mutex_lock(&ready_lock);
    while (!ready)
        pthread_cond_wait(&ready_cond, &ready_lock);
    pthread_mutex_unlock(&ready_lock);
    return 0;
}

static void
qemu_close(struct qd_conn *conn)
{
}

/* ---- lists and lookups ------------------------------------------------- */

static int
qemu_list_all_domains(struct qd_conn *conn, unsigned flags,
                      struct qd_list *ret, struct qd_err *err)
{
    size_t n, i, k = 0;
    struct qd_qdom **list;
    struct qd_dom_ref *refs;

    if (flags & ~QD_LIST_DOMAINS_ALL)
        return qd_err_report(err, QD_ERR_INVALID_ARG, QD_FROM_QEMU,
                             "unsupported flags (0x%x) in function %s",
                             flags & ~QD_LIST_DOMAINS_ALL,
                             "qemuConnectListAllDomains");
    list = qd_qdom_list(&n);
    refs = qd_calloc(n ? n : 1, sizeof(*refs));
    for (i = 0; i < n; i++) {
        pthread_mutex_lock(&list[i]->lock);
        if (!list[i]->removed && qd_qdom_list_match(list[i], flags))
            qd_qdom_fill_ref(list[i], &refs[k++]);
        pthread_mutex_unlock(&list[i]->lock);
    }
    qd_qdom_list_free(list, n);
    ret->n = (uint32_t) k;
    ret->items = refs;
    return 0;
}

static int
qemu_num_of_domains(struct qd_conn *conn, bool active, struct qd_err *err)
{
    size_t n, i;
    struct qd_qdom **list = qd_qdom_list(&n);
    int k = 0;

    for (i = 0; i < n; i++) {
        pthread_mutex_lock(&list[i]->lock);
        if (!list[i]->removed && qd_qdom_is_active(list[i]) == active)
            k++;
        pthread_mutex_unlock(&list[i]->lock);
    }
    qd_qdom_list_free(list, n);
    return k;
}

static int
qemu_list_domain_ids(struct qd_conn *conn, int max, int32_t *ids,
                     struct qd_err *err)
{
    size_t n, i;
    struct qd_qdom **list = qd_qdom_list(&n);
    int k = 0;

    for (i = 0; i < n && k < max; i++) {
        pthread_mutex_lock(&list[i]->lock);
        if (!list[i]->removed && qd_qdom_is_active(list[i]))
            ids[k++] = list[i]->id;
        pthread_mutex_unlock(&list[i]->lock);
    }
    qd_qdom_list_free(list, n);
    return k;
}

static int
qemu_list_defined_domains(struct qd_conn *conn, int max, char **names,
                          struct qd_err *err)
{
    size_t n, i;
    struct qd_qdom **list = qd_qdom_list(&n);
    int k = 0;

    for (i = 0; i < n && k < max; i++) {
        pthread_mutex_lock(&list[i]->lock);
        if (!list[i]->removed && !qd_qdom_is_active(list[i]))
            names[k++] = qd_strdup(list[i]->def->name);
        pthread_mutex_unlock(&list[i]->lock);
    }
    qd_qdom_list_free(list, n);
    return k;
}

static int
lookup_done(struct qd_qdom *dom, struct qd_dom_ref *ret)
{
    if (!dom)
        return -1;
    qd_qdom_fill_ref(dom, ret);
    qd_qdom_put(dom);
    return 0;
}

static int
qemu_lookup_by_name(struct qd_conn *conn, const char *name,
                    struct qd_dom_ref *ret, struct qd_err *err)
{
    return lookup_done(qd_qdom_find_name(name, err), ret);
}

static int
qemu_lookup_by_uuid(struct qd_conn *conn, const unsigned char *uuid,
                    struct qd_dom_ref *ret, struct qd_err *err)
{
    return lookup_done(qd_qdom_find_uuid(uuid, err), ret);
}

static int
qemu_lookup_by_id(struct qd_conn *conn, int id, struct qd_dom_ref *ret,
                  struct qd_err *err)
{
    return lookup_done(qd_qdom_find_id(id, err), ret);
}

const struct qd_driver qd_qemu_driver = {
    .name = "QEMU",
    .state_init = qemu_state_init,
    .state_cleanup = qemu_state_cleanup,
    .probe = qemu_probe,
    .open = qemu_open,
    .close = qemu_close,

    .get_version = host_get_version,
    .get_hostname = qd_qemu_get_hostname,
    .get_capabilities = host_get_capabilities,
    .get_domain_capabilities = host_get_domain_capabilities,
    .get_sysinfo = host_get_sysinfo,
    .get_max_vcpus = host_get_max_vcpus,
    .node_get_info = host_node_get_info,
    .node_get_free_memory = qd_qemu_node_get_free_memory,
    .node_get_cells_free_memory = qd_qemu_node_get_cells_free_memory,
    .node_get_security_model = qd_qemu_node_get_security_model,

    .list_all_domains = qemu_list_all_domains,
    .num_of_domains = qemu_num_of_domains,
    .list_domain_ids = qemu_list_domain_ids,
    .list_defined_domains = qemu_list_defined_domains,
    .domain_lookup_by_name = qemu_lookup_by_name,
    .domain_lookup_by_uuid = qemu_lookup_by_uuid,
    .domain_lookup_by_id = qemu_lookup_by_id,

    .domain_define_xml = qd_qemu_domain_define_xml,
    .domain_create_xml = qd_qemu_domain_create_xml,
    .domain_undefine = qd_qemu_domain_undefine,
    .domain_create = qd_qemu_domain_create,
    .domain_destroy = qd_qemu_domain_destroy,
    .domain_shutdown = qd_qemu_domain_shutdown,
    .domain_reboot = qd_qemu_domain_reboot,
    .domain_reset = qd_qemu_domain_reset,
    .domain_suspend = qd_qemu_domain_suspend,
    .domain_resume = qd_qemu_domain_resume,
    .domain_set_autostart = qd_qemu_domain_set_autostart,
    .domain_open_console = qd_qemu_domain_open_console,
    .domain_screenshot = qd_qemu_domain_screenshot,
    .domain_qemu_monitor_command = qd_qemu_domain_qemu_monitor_command,

    .domain_get_info = qd_qemu_domain_get_info,
    .domain_get_state = qd_qemu_domain_get_state,
    .domain_get_xml = qd_qemu_domain_get_xml,
    .domain_get_os_type = qd_qemu_domain_get_os_type,
    .domain_get_autostart = qd_qemu_domain_get_autostart,
    .domain_is_active = qd_qemu_domain_is_active,
    .domain_is_persistent = qd_qemu_domain_is_persistent,
    .domain_is_updated = qd_qemu_domain_is_updated,
    .domain_get_max_memory = qd_qemu_domain_get_max_memory,
    .domain_get_max_vcpus = qd_qemu_domain_get_max_vcpus,
    .domain_get_vcpus_flags = qd_qemu_domain_get_vcpus_flags,
    .domain_has_managed_save = qd_qemu_domain_has_managed_save,
    .domain_snapshot_num = qd_qemu_domain_snapshot_num,
    .domain_get_security_label = qd_qemu_domain_get_security_label,

    .node_get_cpu_map = qd_qemu_node_get_cpu_map,
    .domain_get_vcpus = qd_qemu_domain_get_vcpus,
    .domain_get_vcpu_pin_info = qd_qemu_domain_get_vcpu_pin_info,
    .domain_get_emulator_pin_info = qd_qemu_domain_get_emulator_pin_info,
    .domain_memory_stats = qd_qemu_domain_memory_stats,
    .domain_block_stats = qd_qemu_domain_block_stats,
    .domain_block_stats_flags = qd_qemu_domain_block_stats_flags,
    .domain_interface_stats = qd_qemu_domain_interface_stats,
    .get_all_domain_stats = qd_qemu_get_all_domain_stats,
};
