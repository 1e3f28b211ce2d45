/* <features>: each feature is kept as one normalized node (the form
 * libvirt prints), in libvirt's virDomainFeature order. */
#include "conf/domain_conf.h"

#include <stdio.h>
#include <string.h>

#include <libxml/tree.h>

#include "conf/domain_conf_priv.h"
#include "util/mem.h"

/* virDomainFeature order */
static const char *const feature_names[] = {
    "acpi", "apic", "pae", "hap", "viridian", "privnet", "hyperv", "kvm",
    "pvspinlock", "capabilities", "pmu", "vmport", "gic", "smm", "ioapic",
    "hpt", "vmcoreinfo", "htm", "nested-hv", "msrs", "ccf-assist", "xen",
    "cfpc", "sbbc", "ibs", "tcg", NULL
};
static const char *const hyperv_modes[] = {
    "none", "custom", "passthrough", NULL
};
static const char *const hyperv_names[] = {
    "relaxed", "vapic", "spinlocks", "vpindex", "runtime", "synic", "stimer",
    "reset", "vendor_id", "frequencies", "reenlightenment", "tlbflush",
    "ipi", "evmcs", "avic", NULL
};
static const char *const kvm_names[] = {
    "hidden", "hint-dedicated", "poll-control", "pv-ipi", "dirty-ring", NULL
};
static const char *const xen_names[] = { "e820_host", "passthrough", NULL };
static const char *const xen_pt_modes[] = {
    "default", "sync_pt", "share_pt", NULL
};
static const char *const msrs_unknown[] = { "ignore", "fault", NULL };
static const char *const caps_policies[] = {
    "default", "allow", "deny", NULL
};
static const char *const gic_versions[] = { "none", "host", "2", "3", NULL };
static const char *const ioapic_drivers[] = { "none", "qemu", "kvm", NULL };
static const char *const hpt_resizings[] = {
    "none", "enabled", "disabled", "required", NULL
};
static const char *const cfpc_values[] = {
    "none", "broken", "workaround", "fixed", NULL
};
static const char *const ibs_values[] = {
    "none", "broken", "workaround", "fixed-ibs", "fixed-ccd", "fixed-na",
    NULL
};

static struct qd_dom_xnode *
state_node(const char *name, int state)
{
    struct qd_dom_xnode *n = qd_dom_xnode_new(name);

    qd_dom_xnode_set_attr(n, "state", qd_dom_tristate_switch[state]);
    return n;
}

/* Children of <hyperv>, one per enlightenment, in libvirt's order. */
static struct qd_dom_xnode *
parse_hyperv(xmlNodePtr node, struct qd_err *err)
{
    struct qd_dom_xnode *kids[16] = { NULL };
    struct qd_dom_xnode *n = NULL;
    xmlNodePtr cur;
    int mode, f, state;
    size_t i;

    if (qd_dom_prop_enum(node, "mode", hyperv_modes, QD_DOM_PROP_NONZERO,
                         &mode, 1, err) < 0)
        return NULL;
    for (cur = xmlFirstElementChild(node); cur;
         cur = xmlNextElementSibling(cur)) {
        struct qd_dom_xnode *k;

        if ((f = qd_dom_enum_index(hyperv_names,
                                   (const char *) cur->name)) < 0) {
            qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_DOMAIN,
                          "unsupported HyperV Enlightenment feature: %s",
                          (const char *) cur->name);
            goto error;
        }
        if (qd_dom_prop_enum(cur, "state", qd_dom_tristate_switch,
                             QD_DOM_PROP_REQUIRED | QD_DOM_PROP_NONZERO,
                             &state, 0, err) < 0)
            goto error;
        k = state_node(hyperv_names[f], state);
        qd_dom_xnode_free(kids[f]);
        kids[f] = k;
        if (state != 1)
            continue;
        if (strcmp(hyperv_names[f], "spinlocks") == 0) {
            unsigned int retries;
            char num[16];

            if (qd_dom_prop_uint(cur, "retries", 0, QD_DOM_PROP_REQUIRED,
                                 &retries, err) < 0)
                goto error;
            if (retries < 0xFFF) {
                qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                              "HyperV spinlock retry count must be at "
                              "least 4095");
                goto error;
            }
            snprintf(num, sizeof(num), "%u", retries);
            qd_dom_xnode_set_attr(k, "retries", num);
        } else if (strcmp(hyperv_names[f], "vendor_id") == 0) {
            _cleanup_free_ char *v = qd_dom_xprop(cur, "value");

            if (!v) {
                qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                              "missing 'value' attribute for HyperV "
                              "feature 'vendor_id'");
                goto error;
            }
            if (strlen(v) > 12) {
                qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                              "HyperV vendor_id value must not be more "
                              "than %d characters.", 12);
                goto error;
            }
            if (strchr(v, ',')) {
                qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                              "HyperV vendor_id value is invalid");
                goto error;
            }
            qd_dom_xnode_set_attr(k, "value", v);
        } else if (strcmp(hyperv_names[f], "stimer") == 0) {
            xmlNodePtr d;
            int direct = 0;

            for (d = xmlFirstElementChild(cur); d;
                 d = xmlNextElementSibling(d)) {
                if (strcmp((const char *) d->name, "direct") != 0) {
                    qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED,
                                  QD_FROM_DOMAIN, "unsupported Hyper-V "
                                  "stimer feature: %s",
                                  (const char *) d->name);
                    goto error;
                }
                if (qd_dom_prop_enum(d, "state", qd_dom_tristate_switch,
                                     QD_DOM_PROP_REQUIRED |
                                     QD_DOM_PROP_NONZERO, &direct, 0,
                                     err) < 0)
                    goto error;
            }
            if (direct == 1)
                qd_dom_xnode_add_kid(k, state_node("direct", 1));
        }
    }
    if (mode == 0)
        goto error;
    n = qd_dom_xnode_new("hyperv");
    qd_dom_xnode_set_attr(n, "mode", hyperv_modes[mode]);
    for (i = 0; i < 16; i++) {
        if (kids[i])
            qd_dom_xnode_add_kid(n, steal_ptr(&kids[i]));
    }
    return n;

 error:
    for (i = 0; i < 16; i++)
        qd_dom_xnode_free(kids[i]);
    return NULL;
}

/* <kvm> and <xen>: children with a state, in libvirt's order. */
static struct qd_dom_xnode *
parse_state_group(xmlNodePtr node, const char *const *names,
                  struct qd_err *err)
{
    struct qd_dom_xnode *kids[8] = { NULL };
    struct qd_dom_xnode *n;
    bool is_kvm = strcmp((const char *) node->name, "kvm") == 0;
    xmlNodePtr cur;
    int f, state;
    size_t i;

    for (cur = xmlFirstElementChild(node); cur;
         cur = xmlNextElementSibling(cur)) {
        struct qd_dom_xnode *k;

        if ((f = qd_dom_enum_index(names, (const char *) cur->name)) < 0) {
            if (is_kvm)
                qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_DOMAIN,
                              "unsupported KVM feature: %s",
                              (const char *) cur->name);
            else
                qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_DOMAIN,
                              "unsupported Xen feature: %s",
                              (const char *) cur->name);
            goto error;
        }
        if (qd_dom_prop_enum(cur, "state", qd_dom_tristate_switch,
                             QD_DOM_PROP_REQUIRED | QD_DOM_PROP_NONZERO,
                             &state, 0, err) < 0)
            goto error;
        k = state_node(names[f], state);
        qd_dom_xnode_free(kids[f]);
        kids[f] = k;
        if (state != 1)
            continue;
        if (is_kvm && strcmp(names[f], "dirty-ring") == 0) {
            unsigned int size;
            char num[16];

            if (qd_dom_prop_uint(cur, "size", 0, QD_DOM_PROP_REQUIRED, &size,
                                 err) < 0)
                goto error;
            if ((size & (size - 1)) || size < 1024 || size > 65536) {
                qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                              "dirty ring must be power of 2 and ranges "
                              "[1024, 65536]");
                goto error;
            }
            snprintf(num, sizeof(num), "%u", size);
            qd_dom_xnode_set_attr(k, "size", num);
        } else if (!is_kvm && strcmp(names[f], "passthrough") == 0) {
            int mode;

            if (qd_dom_prop_enum(cur, "mode", xen_pt_modes,
                                 QD_DOM_PROP_NONZERO, &mode, 0, err) < 0)
                goto error;
            if (mode > 0)
                qd_dom_xnode_set_attr(k, "mode", xen_pt_modes[mode]);
        }
    }
    n = qd_dom_xnode_new((const char *) node->name);
    for (i = 0; i < 8; i++) {
        if (kids[i])
            qd_dom_xnode_add_kid(n, steal_ptr(&kids[i]));
    }
    return n;

 error:
    for (i = 0; i < 8; i++)
        qd_dom_xnode_free(kids[i]);
    return NULL;
}

/* Parse one feature element: 1 with *@ret set (or NULL when libvirt
 * prints nothing for it), -1 on error. */
static int
parse_one(xmlNodePtr node, int f, struct qd_err *err,
          struct qd_dom_xnode **ret)
{
    const char *name = feature_names[f];
    int v = 0;

    *ret = NULL;
    if (strcmp(name, "acpi") == 0 || strcmp(name, "pae") == 0 ||
        strcmp(name, "viridian") == 0 || strcmp(name, "privnet") == 0) {
        *ret = qd_dom_xnode_new(name);
    } else if (strcmp(name, "apic") == 0) {
        if (qd_dom_prop_enum(node, "eoi", qd_dom_tristate_switch,
                             QD_DOM_PROP_NONZERO, &v, 0, err) < 0)
            return -1;
        *ret = qd_dom_xnode_new(name);
        if (v)
            qd_dom_xnode_set_attr(*ret, "eoi", qd_dom_tristate_switch[v]);
    } else if (strcmp(name, "msrs") == 0) {
        if (qd_dom_prop_enum(node, "unknown", msrs_unknown,
                             QD_DOM_PROP_REQUIRED, &v, 0, err) < 0)
            return -1;
        *ret = qd_dom_xnode_new(name);
        qd_dom_xnode_set_attr(*ret, "unknown", msrs_unknown[v]);
    } else if (strcmp(name, "hyperv") == 0) {
        if (!(*ret = parse_hyperv(node, err)) && qd_err_is_set(err))
            return -1;
    } else if (strcmp(name, "kvm") == 0) {
        if (!(*ret = parse_state_group(node, kvm_names, err)))
            return -1;
    } else if (strcmp(name, "xen") == 0) {
        if (!(*ret = parse_state_group(node, xen_names, err)))
            return -1;
    } else if (strcmp(name, "capabilities") == 0) {
        xmlNodePtr cur;

        if (qd_dom_prop_enum(node, "policy", caps_policies, 0, &v, 0,
                             err) < 0)
            return -1;
        *ret = qd_dom_xnode_new(name);
        for (cur = xmlFirstElementChild(node); cur;
             cur = xmlNextElementSibling(cur)) {
            int state;

            if (qd_dom_prop_enum(cur, "state", qd_dom_tristate_switch,
                                 QD_DOM_PROP_NONZERO, &state, 0, err) < 0) {
                qd_dom_xnode_free(*ret);
                *ret = NULL;
                return -1;
            }
            if (state)
                qd_dom_xnode_add_kid(*ret, state_node((const char *)
                                                      cur->name, state));
        }
        if (v || (*ret)->nkids)
            qd_dom_xnode_set_attr(*ret, "policy", caps_policies[v]);
        if (!(*ret)->nattrs && !(*ret)->nkids) {
            qd_dom_xnode_free(*ret);
            *ret = NULL;
        }
    } else if (strcmp(name, "vmcoreinfo") == 0 || strcmp(name, "hap") == 0 ||
               strcmp(name, "pmu") == 0 || strcmp(name, "pvspinlock") == 0 ||
               strcmp(name, "vmport") == 0 || strcmp(name, "smm") == 0) {
        if (qd_dom_prop_enum(node, "state", qd_dom_tristate_switch,
                             QD_DOM_PROP_NONZERO, &v, 0, err) < 0)
            return -1;
        *ret = state_node(name, v ? v : 1);
        if (strcmp(name, "smm") == 0 && (v == 0 || v == 1)) {
            xmlNodePtr tseg = qd_dom_xfirst(node, "tseg");
            _cleanup_free_ char *val = qd_dom_xstring(tseg);
            _cleanup_free_ char *unit = qd_dom_xprop(tseg, "unit");
            unsigned long long bytes;
            int rc;

            rc = qd_dom_parse_scaled(val, unit, "string(./features/smm/tseg)",
                                     1024 * 1024, ~0ULL, &bytes, err);
            if (rc < 0) {
                qd_dom_xnode_free(*ret);
                *ret = NULL;
                return -1;
            }
            if (rc > 0) {
                static const char *const units[] = {
                    "B", "KiB", "MiB", "GiB", "TiB", "PiB"
                };
                struct qd_dom_xnode *t = qd_dom_xnode_new("tseg");
                size_t u = 0;

                while (u < 5 && bytes && bytes % 1024 == 0) {
                    bytes /= 1024;
                    u++;
                }
                qd_dom_xnode_set_attr(t, "unit", units[u]);
                t->text = qd_asprintf("%llu", bytes);
                qd_dom_xnode_add_kid(*ret, t);
            }
        }
    } else if (strcmp(name, "gic") == 0) {
        if (qd_dom_prop_enum(node, "version", gic_versions,
                             QD_DOM_PROP_NONZERO, &v, 0, err) < 0)
            return -1;
        *ret = qd_dom_xnode_new(name);
        if (v)
            qd_dom_xnode_set_attr(*ret, "version", gic_versions[v]);
    } else if (strcmp(name, "ioapic") == 0) {
        if (qd_dom_prop_enum(node, "driver", ioapic_drivers,
                             QD_DOM_PROP_NONZERO, &v, 0, err) < 0)
            return -1;
        if (v) {
            *ret = qd_dom_xnode_new(name);
            qd_dom_xnode_set_attr(*ret, "driver", ioapic_drivers[v]);
        }
    } else if (strcmp(name, "hpt") == 0) {
        xmlNodePtr mps = qd_dom_xfirst(node, "maxpagesize");
        _cleanup_free_ char *val = qd_dom_xstring(mps);
        _cleanup_free_ char *unit = qd_dom_xprop(mps, "unit");
        unsigned long long bytes = 0;

        if (qd_dom_prop_enum(node, "resizing", hpt_resizings,
                             QD_DOM_PROP_NONZERO, &v, 0, err) < 0)
            return -1;
        if (qd_dom_parse_scaled(val, unit, "./features/hpt/maxpagesize",
                                1024, ~0ULL, &bytes, err) < 0) {
            qd_err_clear(err);
            return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED,
                                 QD_FROM_DOMAIN, "Unable to parse HPT "
                                 "maxpagesize setting");
        }
        bytes = bytes / 1024 + (bytes % 1024 ? 1 : 0);
        if (v || bytes) {
            *ret = qd_dom_xnode_new(name);
            if (v)
                qd_dom_xnode_set_attr(*ret, "resizing", hpt_resizings[v]);
            if (bytes) {
                struct qd_dom_xnode *m = qd_dom_xnode_new("maxpagesize");

                qd_dom_xnode_set_attr(m, "unit", "KiB");
                m->text = qd_asprintf("%llu", bytes);
                qd_dom_xnode_add_kid(*ret, m);
            }
        }
    } else if (strcmp(name, "htm") == 0 || strcmp(name, "nested-hv") == 0 ||
               strcmp(name, "ccf-assist") == 0) {
        if (qd_dom_prop_enum(node, "state", qd_dom_tristate_switch,
                             QD_DOM_PROP_REQUIRED | QD_DOM_PROP_NONZERO, &v,
                             0, err) < 0)
            return -1;
        *ret = state_node(name, v);
    } else if (strcmp(name, "cfpc") == 0 || strcmp(name, "sbbc") == 0 ||
               strcmp(name, "ibs") == 0) {
        const char *const *table = strcmp(name, "ibs") == 0 ? ibs_values
                                                            : cfpc_values;

        if (qd_dom_prop_enum(node, "value", table, QD_DOM_PROP_NONZERO, &v,
                             0, err) < 0)
            return -1;
        if (v) {
            *ret = qd_dom_xnode_new(name);
            qd_dom_xnode_set_attr(*ret, "value", table[v]);
        }
    } else {
        /* tcg: kept as given */
        *ret = qd_dom_xnode_from_xml(node);
    }
    return 1;
}

int
qd_dom_parse_features(struct qd_dom_def *def, xmlNodePtr root,
                      struct qd_err *err)
{
    struct qd_dom_xnode *found[32] = { NULL };
    xmlNodePtr features, cur;
    size_t i;
    int f;

    for (features = qd_dom_xfirst(root, "features"); features;
         features = qd_dom_xnext(features)) {
        for (cur = xmlFirstElementChild(features); cur;
             cur = xmlNextElementSibling(cur)) {
            struct qd_dom_xnode *n;

            if ((f = qd_dom_enum_index(feature_names,
                                       (const char *) cur->name)) < 0) {
                qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_DOMAIN,
                              "unexpected feature '%s'",
                              (const char *) cur->name);
                goto error;
            }
            if (parse_one(cur, f, err, &n) < 0)
                goto error;
            qd_dom_xnode_free(found[f]);
            found[f] = n;
        }
    }
    for (i = 0; i < 32; i++) {
        if (found[i])
            qd_dom_xlist_add(&def->features, found[i]);
    }
    return 0;

 error:
    for (i = 0; i < 32; i++)
        qd_dom_xnode_free(found[i]);
    return -1;
}
