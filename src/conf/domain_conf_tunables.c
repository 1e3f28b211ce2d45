/* Top-level tunables libvirt normalizes that this module keeps as
 * trees: <seclabel>, <memtune>, <memoryBacking> hugepages and
 * <numatune> (with its placement link to <vcpu>). */
#include "conf/domain_conf.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <libxml/tree.h>

#include "conf/domain_conf_priv.h"
#include "util/mem.h"

/* Top-level <seclabel> elements as virSecurityLabelDefParseXML reads
 * and virSecurityLabelDefFormat prints them (no default model: the test
 * driver sets none). */
int
qd_dom_parse_seclabels(struct qd_dom_def *def, xmlNodePtr root,
                       unsigned pflags, struct qd_err *err)
{
    static const char *const types[] = {
        "default", "none", "dynamic", "static", NULL
    };
    bool inactive = pflags & QD_DOM_PARSE_INACTIVE;
    size_t count = qd_dom_xcount(root, "seclabel"), i;
    xmlNodePtr cur;

    qd_dom_xlist_remove(&def->top_extra, "seclabel");
    for (cur = qd_dom_xfirst(root, "seclabel"); cur; cur = qd_dom_xnext(cur)) {
        _cleanup_free_ char *model = qd_dom_xprop(cur, "model");
        _cleanup_free_ char *label = NULL;
        _cleanup_free_ char *image = NULL;
        _cleanup_free_ char *base = NULL;
        struct qd_dom_xnode *n;
        int type, rel;
        bool relabel = true;

        if (model && strlen(model) > 255) {
            free(model);
            model = NULL;
        }
        if (qd_dom_prop_enum(cur, "type", types, QD_DOM_PROP_NONZERO, &type,
                             2, err) < 0)
            return -1;
        if (type == 3 || type == 1)
            relabel = false;
        if (qd_dom_prop_enum(cur, "relabel", qd_dom_tristate_bool,
                             QD_DOM_PROP_NONZERO, &rel, 0, err) < 0)
            return -1;
        if (rel)
            relabel = rel == 1;
        if (type == 2 && !relabel)
            return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED,
                                 QD_FROM_DOMAIN, "dynamic label type must "
                                 "use resource relabeling");
        if (type == 1 && relabel)
            return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED,
                                 QD_FROM_DOMAIN, "resource relabeling is not "
                                 "compatible with 'none' label type");
        if (model && strcmp(model, "none") == 0) {
            if (inactive) {
                type = 1;
                relabel = false;
            } else if (type != 1) {
                return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED,
                                     QD_FROM_DOMAIN, "unsupported type='%s' "
                                     "to model 'none'", types[type]);
            }
        } else {
            if (type == 3 || (!inactive && type != 1)) {
                label = qd_dom_xchild_string(cur, "label");
                if (!label || strlen(label) > 4095)
                    return qd_err_report(err, QD_ERR_XML_ERROR,
                                         QD_FROM_DOMAIN,
                                         "security label is missing");
            }
            if (relabel && !inactive && type != 1) {
                image = qd_dom_xchild_string(cur, "imagelabel");
                if (!image || strlen(image) > 4095)
                    return qd_err_report(err, QD_ERR_XML_ERROR,
                                         QD_FROM_DOMAIN,
                                         "security imagelabel is missing");
            }
            if (type == 2) {
                base = qd_dom_xchild_string(cur, "baselabel");
                if (base && strlen(base) > 4095) {
                    free(base);
                    base = NULL;
                }
            }
        }
        for (i = 0; i < def->top_extra.n; i++) {
            const struct qd_dom_xnode *o = def->top_extra.items[i];
            const char *om = qd_dom_xnode_attr(o, "model");

            if (strcmp(o->name, "seclabel") == 0 &&
                ((!om && !model) || (om && model && strcmp(om, model) == 0)))
                return qd_err_report(err, QD_ERR_XML_DETAIL, QD_FROM_DOMAIN,
                                     "seclabel for model %s is already "
                                     "provided", model ? model : "(null)");
        }
        if (count > 1 && !model)
            return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                                 "missing security model when using "
                                 "multiple labels");
        n = qd_dom_xnode_new("seclabel");
        qd_dom_xlist_add(&def->top_extra, n);
        qd_dom_xnode_set_attr(n, "type", types[type]);
        if (model)
            qd_dom_xnode_set_attr(n, "model", model);
        if (type == 1)
            continue;
        qd_dom_xnode_set_attr(n, "relabel", relabel ? "yes" : "no");
        if (label) {
            struct qd_dom_xnode *k = qd_dom_xnode_new("label");

            k->text = steal_ptr(&label);
            qd_dom_xnode_add_kid(n, k);
        }
        if (image && relabel) {
            struct qd_dom_xnode *k = qd_dom_xnode_new("imagelabel");

            k->text = steal_ptr(&image);
            qd_dom_xnode_add_kid(n, k);
        }
        if (base) {
            struct qd_dom_xnode *k = qd_dom_xnode_new("baselabel");

            k->text = steal_ptr(&base);
            qd_dom_xnode_add_kid(n, k);
        }
    }
    return 0;
}

/* <memtune> children and <memoryBacking> hugepage sizes in KiB, the
 * form libvirt prints. */
int
qd_dom_parse_memtune(struct qd_dom_def *def, xmlNodePtr root,
                     struct qd_err *err)
{
    static const char *const limits[] = {
        "hard_limit", "soft_limit", "min_guarantee", "swap_hard_limit", NULL
    };
    xmlNodePtr mt = qd_dom_xfirst(root, "memtune");
    struct qd_dom_xnode *n, *hp;
    size_t i;

    if (mt) {
        qd_dom_xlist_remove(&def->top_extra, "memtune");
        n = qd_dom_xnode_new("memtune");
        for (i = 0; limits[i]; i++) {
            _cleanup_free_ char *what = qd_asprintf("./memtune/%s[1]",
                                                    limits[i]);
            unsigned long long kib;
            struct qd_dom_xnode *k;

            if (qd_dom_parse_memory(qd_dom_xfirst(mt, limits[i]), what,
                                    false, &kib, err) < 0) {
                qd_dom_xnode_free(n);
                return -1;
            }
            /* 0 is unset for min_guarantee; limits >= 2^53-1 unlimited */
            if (!qd_dom_xfirst(mt, limits[i]) ||
                (i == 2 && kib == 0) || (i != 2 && kib >= 9007199254740991ULL))
                continue;
            k = qd_dom_xnode_new(limits[i]);
            qd_dom_xnode_set_attr(k, "unit", "KiB");
            k->text = qd_asprintf("%llu", kib);
            qd_dom_xnode_add_kid(n, k);
        }
        if (n->nkids)
            qd_dom_xlist_add(&def->top_extra, n);
        else
            qd_dom_xnode_free(n);
    }
    n = qd_dom_xlist_find(&def->top_extra, "memoryBacking");
    hp = qd_dom_xnode_child(n, "hugepages");
    for (i = 0; hp && i < hp->nkids; i++) {
        struct qd_dom_xnode *page = hp->kids[i];
        const char *size = qd_dom_xnode_attr(page, "size");
        const char *unit = qd_dom_xnode_attr(page, "unit");
        const char *nodeset = qd_dom_xnode_attr(page, "nodeset");
        _cleanup_free_ char *ns = nodeset ? qd_strdup(nodeset) : NULL;
        unsigned long long bytes;
        char num[32];

        if (strcmp(page->name, "page") != 0 || !size)
            continue;
        if (qd_dom_parse_scaled(size, unit, "./@size", 1024, LLONG_MAX,
                                &bytes, err) < 0)
            return -1;
        if (bytes == 0)
            return qd_err_report(err, QD_ERR_XML_DETAIL, QD_FROM_DOMAIN,
                                 "hugepage size can't be zero");
        qd_dom_xattrs_free(page->attrs, page->nattrs);
        page->attrs = NULL;
        page->nattrs = 0;
        snprintf(num, sizeof(num), "%llu", bytes / 1024 +
                 (bytes % 1024 ? 1 : 0));
        qd_dom_xnode_set_attr(page, "size", num);
        qd_dom_xnode_set_attr(page, "unit", "KiB");
        if (ns)
            qd_dom_xnode_set_attr(page, "nodeset", ns);
    }
    return 0;
}

/* <numatune><memnode>: one per guest NUMA cell, in cell order
 * (virDomainNumatuneNodeParseXML). Appended to @ret. */
static int
parse_memnodes(const struct qd_dom_def *def, xmlNodePtr nt,
               const struct qd_dom_xnode *memory, int memmode,
               struct qd_dom_xnode *ret, struct qd_err *err)
{
    static const char *const modes[] = {
        "strict", "preferred", "interleave", "restrictive", NULL
    };
    const struct qd_dom_xnode *numa = qd_dom_xnode_child(def->cpu, "numa");
    struct qd_dom_xnode **cells;
    size_t ncells = 0, i;
    xmlNodePtr cur = qd_dom_xfirst(nt, "memnode");
    int rc = -1;

    if (!cur)
        return 0;
    if (memory && qd_dom_xnode_attr(memory, "placement"))
        return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_DOMAIN,
                             "Per-node binding is not compatible with "
                             "automatic NUMA placement.");
    for (i = 0; numa && i < numa->nkids; i++)
        ncells += strcmp(numa->kids[i]->name, "cell") == 0;
    if (!ncells)
        return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                             "Element 'memnode' is invalid without any "
                             "guest NUMA cells");
    cells = qd_calloc(ncells, sizeof(*cells));
    for (; cur; cur = qd_dom_xnext(cur)) {
        _cleanup_free_ char *nodeset = qd_dom_xprop(cur, "nodeset");
        _cleanup_free_ char *canon = NULL;
        unsigned int cellid;
        bool empty;
        int mode;
        char num[16];

        if (qd_dom_prop_uint(cur, "cellid", 10, QD_DOM_PROP_REQUIRED,
                             &cellid, err) < 0)
            goto out;
        if (cellid >= ncells) {
            qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                          "Argument 'cellid' in memnode element must "
                          "correspond to existing guest's NUMA cell");
            goto out;
        }
        if (cells[cellid]) {
            qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                          "Multiple memnode elements with cellid %u",
                          cellid);
            goto out;
        }
        if (qd_dom_prop_enum(cur, "mode", modes, 0, &mode, 0, err) < 0)
            goto out;
        if (memmode == 3 && mode != 3) {
            qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                          "'restrictive' mode is required in memnode "
                          "element when mode is 'restrictive' in memory "
                          "element");
            goto out;
        }
        if (!nodeset) {
            qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                          "Missing required nodeset attribute in memnode "
                          "element");
            goto out;
        }
        if (!(canon = qd_dom_bitmap_canon(nodeset, 4096, &empty, err)))
            goto out;
        if (empty) {
            qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_DOMAIN,
                          "Invalid value of 'nodeset': %s", nodeset);
            goto out;
        }
        cells[cellid] = qd_dom_xnode_new("memnode");
        snprintf(num, sizeof(num), "%u", cellid);
        qd_dom_xnode_set_attr(cells[cellid], "cellid", num);
        qd_dom_xnode_set_attr(cells[cellid], "mode", modes[mode]);
        qd_dom_xnode_set_attr(cells[cellid], "nodeset", canon);
    }
    for (i = 0; i < ncells; i++) {
        if (cells[i])
            qd_dom_xnode_add_kid(ret, steal_ptr(&cells[i]));
    }
    rc = 0;

 out:
    for (i = 0; i < ncells; i++)
        qd_dom_xnode_free(cells[i]);
    free(cells);
    return rc;
}

/* <numatune>: virDomainNumatuneParseXML's <memory> normalization and
 * its placement link with <vcpu>; <memnode> elements are kept. */
int
qd_dom_parse_numatune(struct qd_dom_def *def, xmlNodePtr root,
                      struct qd_err *err)
{
    static const char *const modes[] = {
        "strict", "preferred", "interleave", "restrictive", NULL
    };
    static const char *const placements_nt[] = {
        "default", "static", "auto", NULL
    };
    xmlNodePtr nt = qd_dom_xfirst(root, "numatune");
    xmlNodePtr mem = qd_dom_xfirst(nt, "memory");
    bool placement_static = strcmp(def->placement, "static") == 0;
    _cleanup_free_ char *mode = qd_dom_xprop(mem, "mode");
    _cleanup_free_ char *placement = qd_dom_xprop(mem, "placement");
    _cleanup_free_ char *nodeset = qd_dom_xprop(mem, "nodeset");
    _cleanup_free_ char *canon = NULL;
    struct qd_dom_xnode *n, *m = NULL;
    int mo = -1, pl = -1;

    if (qd_dom_xcount(root, "numatune") > 1)
        return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                             "only one numatune is supported");
    qd_dom_xlist_remove(&def->top_extra, "numatune");
    if (!placement_static && !mem)
        pl = 2;
    if (mode && (mo = qd_dom_enum_index(modes, mode)) < 0)
        return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_DOMAIN,
                             "Unsupported NUMA memory tuning mode '%s'",
                             mode);
    if (placement && (pl = qd_dom_enum_index(placements_nt, placement)) < 0)
        return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_DOMAIN,
                             "Unsupported NUMA memory placement mode '%s'",
                             placement);
    if (nodeset) {
        bool empty;

        if (!(canon = qd_dom_bitmap_canon(nodeset, 4096, &empty, err)))
            return -1;
        if (empty)
            return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED,
                                 QD_FROM_DOMAIN,
                                 "Invalid value of 'nodeset': %s", nodeset);
    }
    if (mo != -1 || pl != -1 || canon) {
        if (mo == -1)
            mo = 0;
        if (canon && pl == -1)
            pl = 1;
        if (pl == -1 || pl == 0)
            pl = (canon || placement_static) ? 1 : 2;
        if (pl == 1 && !canon)
            return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED,
                                 QD_FROM_DOMAIN, "nodeset for NUMA memory "
                                 "tuning must be set if 'placement' is "
                                 "'static'");
        m = qd_dom_xnode_new("memory");
        qd_dom_xnode_set_attr(m, "mode", modes[mo]);
        if (pl == 1)
            qd_dom_xnode_set_attr(m, "nodeset", canon);
        else
            qd_dom_xnode_set_attr(m, "placement", "auto");
    }
    n = qd_dom_xnode_new("numatune");
    if (m)
        qd_dom_xnode_add_kid(n, m);
    if (parse_memnodes(def, nt, m, mo, n, err) < 0) {
        qd_dom_xnode_free(n);
        return -1;
    }
    if (n->nkids)
        qd_dom_xlist_add(&def->top_extra, n);
    else
        qd_dom_xnode_free(n);

    /* libvirt-compat: automatic memory placement without a cpuset makes
     * the vcpu placement automatic too */
    if (pl == 2 && !def->cpuset &&
        !qd_dom_xfirst(qd_dom_xfirst(root, "cputune"), "vcpupin") &&
        !qd_dom_xfirst(qd_dom_xfirst(root, "cputune"), "emulatorpin") &&
        !qd_dom_xfirst(qd_dom_xfirst(root, "cputune"), "iothreadpin")) {
        free(def->placement);
        def->placement = qd_strdup("auto");
    }
    return 0;
}
