/* The QEMU driver's read-only domain getters. None of them talks to QEMU
 * or waits for a job: they read the domain under its lock (and /proc), so
 * a stuck QEMU never delays them. */
#define QD_LOG_MODULE "qemu.info"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drivers/qemu/qemu_driver.h"
#include "drivers/qemu/qemu_procfs.h"
#include "util/err.h"
#include "util/mem.h"

/* CPU time of process @pid in ns (user + system), 0 if unknown. */
static uint64_t
proc_cpu_ns(pid_t pid)
{
    struct qd_qemu_pstat st;

    return qd_qemu_procfs_stat(pid, 0, &st) < 0 ? 0 : st.user_ns + st.sys_ns;
}

int
qd_qemu_node_get_security_model(struct qd_conn *conn,
                                struct qd_sec_model *ret, struct qd_err *err)
{
    /* no SELinux/AppArmor driver: libvirt's "none" model */
    ret->model = qd_strdup("none");
    ret->doi = qd_strdup("0");
    return 0;
}

int
qd_qemu_domain_get_info(struct qd_conn *conn, const struct qd_dom_ref *ref,
                        struct qd_dom_info *ret, struct qd_err *err)
{
    struct qd_qdom *dom = qd_qdom_find_ref(ref, err);

    if (!dom)
        return -1;
    ret->state = (uint32_t) dom->state;
    ret->max_mem = dom->def->max_memory_kib;
    ret->memory = dom->def->cur_memory_kib ? dom->def->cur_memory_kib :
                  dom->def->max_memory_kib;
    ret->nr_virt_cpu = dom->def->vcpus;
    ret->cpu_time = qd_qdom_is_active(dom) ? proc_cpu_ns(dom->pid) : 0;
    qd_qdom_put(dom);
    return 0;
}

int
qd_qemu_domain_get_state(struct qd_conn *conn, const struct qd_dom_ref *ref,
                         unsigned flags, int *state, int *reason,
                         struct qd_err *err)
{
    struct qd_qdom *dom;

    if (flags)
        return qd_err_report(err, QD_ERR_INVALID_ARG, QD_FROM_QEMU,
                             "unsupported flags (0x%x) in function %s",
                             flags, "qemuDomainGetState");
    if (!(dom = qd_qdom_find_ref(ref, err)))
        return -1;
    *state = dom->state;
    *reason = dom->reason;
    qd_qdom_put(dom);
    return 0;
}

char *
qd_qemu_domain_get_xml(struct qd_conn *conn, const struct qd_dom_ref *ref,
                       unsigned flags, struct qd_err *err)
{
    struct qd_qdom *dom;
    char *xml;

    if (flags & ~0xfu)
        return qd_err_report(err, QD_ERR_INVALID_ARG, QD_FROM_QEMU,
                             "unsupported flags (0x%x) in function %s",
                             flags & ~0xfu, "qemuDomainGetXMLDesc"), NULL;
    if (!(dom = qd_qdom_find_ref(ref, err)))
        return NULL;
    if ((flags & QD_DOM_XML_INACTIVE) || !qd_qdom_is_active(dom))
        xml = qd_dom_def_format(qd_qdom_persistent_def(dom), -1, flags);
    else
        xml = qd_dom_def_format(dom->def, dom->id, flags);
    qd_qdom_put(dom);
    return xml;
}

char *
qd_qemu_domain_get_os_type(struct qd_conn *conn, const struct qd_dom_ref *ref,
                           struct qd_err *err)
{
    struct qd_qdom *dom = qd_qdom_find_ref(ref, err);
    char *s;

    if (!dom)
        return NULL;
    s = qd_strdup(dom->def->os_type ? dom->def->os_type : "hvm");
    qd_qdom_put(dom);
    return s;
}

/* A boolean property of a domain. */
#define GETTER(fn, expr)                                                    \
    int                                                                     \
    fn(struct qd_conn *conn, const struct qd_dom_ref *ref,                  \
       struct qd_err *err)                                                  \
    {                                                                       \
        struct qd_qdom *dom = qd_qdom_find_ref(ref, err);                   \
        int v;                                                              \
                                                                            \
        if (!dom)                                                           \
            return -1;                                                      \
        v = (expr);                                                         \
        qd_qdom_put(dom);                                                   \
        return v;                                                           \
    }

GETTER(qd_qemu_domain_get_autostart, dom->autostart)
GETTER(qd_qemu_domain_is_active, qd_qdom_is_active(dom))
GETTER(qd_qemu_domain_is_persistent, dom->persistent)
GETTER(qd_qemu_domain_is_updated, 0)
GETTER(qd_qemu_domain_get_max_vcpus, (int) dom->def->max_vcpus)

int
qd_qemu_domain_get_max_memory(struct qd_conn *conn,
                              const struct qd_dom_ref *ref, uint64_t *ret,
                              struct qd_err *err)
{
    struct qd_qdom *dom = qd_qdom_find_ref(ref, err);

    if (!dom)
        return -1;
    *ret = dom->def->max_memory_kib;
    qd_qdom_put(dom);
    return 0;
}

int
qd_qemu_domain_get_vcpus_flags(struct qd_conn *conn,
                               const struct qd_dom_ref *ref, unsigned flags,
                               struct qd_err *err)
{
    /* LIVE 1, CONFIG 2, MAXIMUM 4, GUEST 8 */
    struct qd_qdom *dom;
    const struct qd_dom_def *def;
    int v;

    if (flags & ~0xfu)
        return qd_err_report(err, QD_ERR_INVALID_ARG, QD_FROM_QEMU,
                             "unsupported flags (0x%x) in function %s",
                             flags & ~0xfu, "qemuDomainGetVcpusFlags");
    if ((flags & 1) && (flags & 2))
        return qd_err_report(err, QD_ERR_INVALID_ARG, QD_FROM_QEMU,
                             "%s", "Flags 'live' and 'config' are mutually "
                             "exclusive");
    if (!(dom = qd_qdom_find_ref(ref, err)))
        return -1;
    if ((flags & 1) && !qd_qdom_is_active(dom)) {
        v = qd_qdom_err_not_active(err);
        goto out;
    }
    def = (flags & 2) || !qd_qdom_is_active(dom) ?
          qd_qdom_persistent_def(dom) : dom->def;
    v = (int) ((flags & 4) ? def->max_vcpus : def->vcpus);
out:
    qd_qdom_put(dom);
    return v;
}

int
qd_qemu_domain_has_managed_save(struct qd_conn *conn,
                                const struct qd_dom_ref *ref, unsigned flags,
                                struct qd_err *err)
{
    struct qd_qdom *dom = qd_qdom_find_ref(ref, err);

    if (!dom)
        return -1;
    qd_qdom_put(dom);
    return 0;
}

int
qd_qemu_domain_snapshot_num(struct qd_conn *conn,
                            const struct qd_dom_ref *ref, unsigned flags,
                            struct qd_err *err)
{
    return qd_qemu_domain_has_managed_save(conn, ref, flags, err);
}

int
qd_qemu_domain_get_security_label(struct qd_conn *conn,
                                  const struct qd_dom_ref *ref,
                                  struct qd_sec_label *ret,
                                  struct qd_err *err)
{
    struct qd_qdom *dom = qd_qdom_find_ref(ref, err);

    if (!dom)
        return -1;
    ret->label = qd_strdup("");
    ret->enforcing = 0;
    qd_qdom_put(dom);
    return 0;
}
