/* Parsers for <disk>, <controller> and <interface> (libvirt 9.0's
 * virDomainDiskDefParseXML, virDomainControllerDefParseXML and
 * virDomainNetDefParseXML, reduced to what the test driver keeps). */
#include "conf/domain_conf.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <libxml/tree.h>

#include "conf/domain_conf_dev.h"
#include "conf/domain_conf_priv.h"
#include "util/mem.h"
#include "util/uuid.h"

static const char *const storage_types[] = {
    "none", "file", "block", "dir", "network", "volume", "nvme", "vhostuser",
    NULL
};
static const char *const disk_devices[] = {
    "disk", "cdrom", "floppy", "lun", NULL
};
static const char *const disk_buses[] = {
    "none", "ide", "fdc", "scsi", "virtio", "xen", "usb", "uml", "sata", "sd",
    NULL
};
static const char *const disk_models[] = {
    "default", "virtio", "virtio-transitional", "virtio-non-transitional",
    NULL
};
static const char *const snapshot_locations[] = {
    "default", "no", "internal", "external", "manual", NULL
};
static const char *const sgio_modes[] = {
    "default", "filtered", "unfiltered", NULL
};
static const char *const startup_policies[] = {
    "default", "mandatory", "requisite", "optional", NULL
};
static const char *const tray_states[] = { "closed", "open", NULL };
static const char *const disk_caches[] = {
    "default", "none", "writethrough", "writeback", "directsync", "unsafe",
    NULL
};
static const char *const error_policies[] = {
    "default", "stop", "report", "ignore", "enospace", NULL
};
static const char *const disk_ios[] = {
    "default", "native", "threads", "io_uring", NULL
};
static const char *const disk_discards[] = {
    "default", "unmap", "ignore", NULL
};
static const char *const detect_zeroes[] = {
    "default", "off", "on", "unmap", NULL
};
static const char *const disk_driver_attrs[] = {
    "name", "type", "cache", "error_policy", "rerror_policy", "io",
    "ioeventfd", "event_idx", "copy_on_read", "discard", "iothread",
    "detect_zeroes", "queues", "queue_size", "iommu", "ats", "packed",
    "page_per_vq", NULL
};

static void
keep(struct qd_dom_xlist *l, xmlNodePtr node)
{
    if (node)
        qd_dom_xlist_add(l, qd_dom_xnode_from_xml(node));
}

static void
keep_pick(struct qd_dom_xlist *l, xmlNodePtr node, const char *const *attrs)
{
    struct qd_dom_xnode *n;

    if (!node)
        return;
    n = qd_dom_xnode_pick(node, (const char *) node->name, attrs);
    if (n->nattrs)
        qd_dom_xlist_add(l, n);
    else
        qd_dom_xnode_free(n);
}

/* Enum attribute kept as its canonical value (absent, or index 0 with
 * @zero_absent, keeps nothing). */
static int
enum_attr(xmlNodePtr node, const char *name, const char *const *table,
          unsigned flags, bool zero_absent, char **ret, struct qd_err *err)
{
    int v, rc;

    free(*ret);
    *ret = NULL;
    if ((rc = qd_dom_prop_enum(node, name, table, flags, &v, -1, err)) < 0)
        return -1;
    if (rc > 0 && !(zero_absent && v == 0))
        *ret = qd_strdup(table[v]);
    return 0;
}

/* ---- disk ---- */

static int
disk_source(struct qd_dom_disk *d, xmlNodePtr src, unsigned pflags,
            struct qd_err *err)
{
    static const char *const net_attrs[] = {
        "protocol", "name", "query", "tls", "tlsHostname", NULL
    };
    static const char *const vol_attrs[] = {
        "pool", "volume", "mode", NULL
    };
    static const char *const nvme_attrs[] = {
        "type", "managed", "namespace", NULL
    };
    static const char *const vu_attrs[] = { "type", "path", NULL };
    static const char *const none[] = { NULL };
    static const char *const file_attrs[] = { "fdgroup", NULL };
    static const char *const late_kids[] = {
        "slices", "seclabel", "auth", "encryption", "reservations", NULL
    };
    const char *const *attrs = none;
    const char *path_attr = NULL;
    struct qd_dom_xnode *n;
    xmlNodePtr cur;
    size_t i;
    int policy;

    if (strcmp(d->type, "file") == 0) {
        path_attr = "file";
        attrs = file_attrs;
    } else if (strcmp(d->type, "block") == 0) {
        path_attr = "dev";
    } else if (strcmp(d->type, "dir") == 0) {
        path_attr = "dir";
    } else if (strcmp(d->type, "network") == 0) {
        _cleanup_free_ char *proto = qd_dom_xprop(src, "protocol");

        if (!proto)
            return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                                 "missing network source protocol type");
        attrs = net_attrs;
    } else if (strcmp(d->type, "volume") == 0) {
        attrs = vol_attrs;
    } else if (strcmp(d->type, "nvme") == 0) {
        attrs = nvme_attrs;
    } else if (strcmp(d->type, "vhostuser") == 0) {
        attrs = vu_attrs;
    }
    if (path_attr) {
        d->src_path = qd_dom_xprop(src, path_attr);
        if (d->src_path && !*d->src_path) {
            free(d->src_path);
            d->src_path = NULL;
        }
    }
    n = qd_dom_xnode_pick(src, "source", attrs);
    d->source = n;
    if (qd_dom_prop_enum(src, "startupPolicy", startup_policies,
                         QD_DOM_PROP_NONZERO, &policy, 0, err) < 0)
        return -1;
    if (policy && strcmp(d->type, "network") != 0)
        qd_dom_xnode_set_attr(n, "startupPolicy", startup_policies[policy]);
    if (!(pflags & QD_DOM_PARSE_INACTIVE)) {
        _cleanup_free_ char *index = qd_dom_xprop(src, "index");
        unsigned int id;

        if (index && qd_dom_str_to_uip(index, 10, &id) < 0)
            return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                                 "invalid disk index '%s'", index);
        if (index && id)
            qd_dom_xnode_set_attr(n, "index", index);
    }
    for (cur = xmlFirstElementChild(src); cur;
         cur = xmlNextElementSibling(cur)) {
        if (!cur->ns &&
            qd_dom_enum_index(late_kids, (const char *) cur->name) < 0)
            qd_dom_xnode_add_kid(n, qd_dom_xnode_from_xml(cur));
    }
    for (i = 0; late_kids[i]; i++) {
        for (cur = qd_dom_xfirst(src, late_kids[i]); cur;
             cur = qd_dom_xnext(cur))
            qd_dom_xnode_add_kid(n, qd_dom_xnode_from_xml(cur));
    }
    return 0;
}

static int
disk_driver(struct qd_dom_disk *d, xmlNodePtr drv, struct qd_err *err)
{
    _cleanup_free_ char *v = NULL;
    xmlNodePtr mc;
    int x;

    if (qd_dom_prop_enum(drv, "cache", disk_caches, 0, &x, 0, err) < 0 ||
        qd_dom_prop_enum(drv, "error_policy", error_policies,
                         QD_DOM_PROP_NONZERO, &x, 0, err) < 0 ||
        qd_dom_prop_enum(drv, "rerror_policy", error_policies,
                         QD_DOM_PROP_NONZERO, &x, 0, err) < 0)
        return -1;
    if (x == 4)
        return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_DOMAIN,
                             "Invalid disk read error policy: '%s'",
                             "enospace");
    if (qd_dom_prop_enum(drv, "io", disk_ios, QD_DOM_PROP_NONZERO, &x, 0,
                         err) < 0 ||
        qd_dom_prop_enum(drv, "ioeventfd", qd_dom_tristate_switch,
                         QD_DOM_PROP_NONZERO, &x, 0, err) < 0 ||
        qd_dom_prop_enum(drv, "event_idx", qd_dom_tristate_switch,
                         QD_DOM_PROP_NONZERO, &x, 0, err) < 0 ||
        qd_dom_prop_enum(drv, "copy_on_read", qd_dom_tristate_switch,
                         QD_DOM_PROP_NONZERO, &x, 0, err) < 0 ||
        qd_dom_prop_enum(drv, "discard", disk_discards, QD_DOM_PROP_NONZERO,
                         &x, 0, err) < 0 ||
        qd_dom_prop_enum(drv, "detect_zeroes", detect_zeroes,
                         QD_DOM_PROP_NONZERO, &x, 0, err) < 0)
        return -1;
    d->driver = qd_dom_xnode_pick(drv, "driver", disk_driver_attrs);
    /* a "default" cache mode is not printed */
    if ((v = qd_dom_xprop(drv, "cache")) && strcmp(v, "default") == 0)
        qd_dom_xnode_del_attr(d->driver, "cache");
    if ((mc = qd_dom_xfirst(drv, "metadata_cache")))
        qd_dom_xnode_add_kid(d->driver, qd_dom_xnode_from_xml(mc));
    if (!d->driver->nattrs && !d->driver->nkids) {
        qd_dom_xnode_free(d->driver);
        d->driver = NULL;
    }
    return 0;
}

static void
strip_index(struct qd_dom_xnode *n)
{
    size_t i;

    if (strcmp(n->name, "backingStore") != 0)
        return;
    qd_dom_xnode_del_attr(n, "index");
    for (i = 0; i < n->nkids; i++)
        strip_index(n->kids[i]);
}

struct qd_dom_disk *
qd_dom_parse_disk(xmlNodePtr node, unsigned pflags, struct qd_err *err)
{
    static const char *const geometry_attrs[] = {
        "cyls", "heads", "secs", "trans", NULL
    };
    static const char *const blockio_attrs[] = {
        "logical_block_size", "physical_block_size", NULL
    };
    static const char *const transient_attrs[] = { "shareBacking", NULL };
    static const char *const backend_attrs[] = { "name", NULL };
    struct qd_dom_disk *d = QD_NEW(struct qd_dom_disk);
    xmlNodePtr src, target, cur;
    int type, v;

    d->info.master_startport = -1;
    if (qd_dom_prop_enum(node, "type", storage_types, QD_DOM_PROP_NONZERO,
                         &type, 1, err) < 0)
        goto error;
    d->type = qd_strdup(storage_types[type]);
    if ((src = qd_dom_xfirst(node, "source"))) {
        if (disk_source(d, src, pflags, err) < 0)
            goto error;
    } else {
        free(d->type);
        d->type = qd_strdup("file");
    }
    d->readonly = qd_dom_xfirst(node, "readonly") != NULL;
    d->shareable = qd_dom_xfirst(node, "shareable") != NULL;

    if (qd_dom_prop_enum(node, "device", disk_devices, 0, &v, 0, err) < 0)
        goto error;
    d->device = qd_strdup(disk_devices[v]);
    if (enum_attr(node, "model", disk_models, 0, true, &d->model, err) < 0 ||
        enum_attr(node, "snapshot", snapshot_locations, QD_DOM_PROP_NONZERO,
                  true, &d->snapshot, err) < 0 ||
        enum_attr(node, "rawio", qd_dom_tristate_bool, QD_DOM_PROP_NONZERO,
                  true, &d->rawio, err) < 0 ||
        enum_attr(node, "sgio", sgio_modes, QD_DOM_PROP_NONZERO, true,
                  &d->sgio, err) < 0)
        goto error;

    if ((target = qd_dom_xfirst(node, "target"))) {
        _cleanup_free_ char *tray = NULL;
        _cleanup_free_ char *removable = NULL;
        unsigned int rate;

        d->dst = qd_dom_xprop(target, "dev");
        if (enum_attr(target, "bus", disk_buses, QD_DOM_PROP_NONZERO, true,
                      &d->bus, err) < 0 ||
            enum_attr(target, "tray", tray_states, 0, true, &tray,
                      err) < 0 ||
            enum_attr(target, "removable", qd_dom_tristate_switch,
                      QD_DOM_PROP_NONZERO, true, &removable, err) < 0 ||
            qd_dom_prop_uint(target, "rotation_rate", 10, 0, &rate,
                             err) < 0)
            goto error;
        /* libvirt-compat: these two are validation errors, checked
         * here because they leave no trace in the def */
        if (tray && strcmp(d->device, "floppy") != 0 &&
            strcmp(d->device, "cdrom") != 0) {
            qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_DOMAIN,
                          "tray is only valid for cdrom and floppy");
            goto error;
        }
        if (removable && !(d->bus && strcmp(d->bus, "usb") == 0)) {
            qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                          "removable is only valid for usb disks");
            goto error;
        }
        if (tray && strcmp(tray, "closed") != 0) {
            d->target_attrs = qd_realloc(d->target_attrs,
                                         (d->ntarget_attrs + 1) *
                                         sizeof(*d->target_attrs));
            d->target_attrs[d->ntarget_attrs].name = qd_strdup("tray");
            d->target_attrs[d->ntarget_attrs++].value = steal_ptr(&tray);
        }
        if (removable && d->bus && strcmp(d->bus, "usb") == 0) {
            d->target_attrs = qd_realloc(d->target_attrs,
                                         (d->ntarget_attrs + 1) *
                                         sizeof(*d->target_attrs));
            d->target_attrs[d->ntarget_attrs].name = qd_strdup("removable");
            d->target_attrs[d->ntarget_attrs++].value =
                steal_ptr(&removable);
        }
        if (rate) {
            d->target_attrs = qd_realloc(d->target_attrs,
                                         (d->ntarget_attrs + 1) *
                                         sizeof(*d->target_attrs));
            d->target_attrs[d->ntarget_attrs].name =
                qd_strdup("rotation_rate");
            d->target_attrs[d->ntarget_attrs++].value =
                qd_asprintf("%u", rate);
        }
    }
    if ((cur = qd_dom_xfirst(node, "driver")) && disk_driver(d, cur, err) < 0)
        goto error;

    /* kept children, in the order libvirt prints them */
    keep(&d->extra, qd_dom_xfirst(node, "auth"));
    if ((cur = qd_dom_xfirst(node, "backingStore"))) {
        struct qd_dom_xnode *bs = qd_dom_xnode_from_xml(cur);

        /* backing chain indexes are live-only */
        if (pflags & QD_DOM_PARSE_INACTIVE)
            strip_index(bs);
        qd_dom_xlist_add(&d->extra, bs);
    }
    keep_pick(&d->extra, qd_dom_xfirst(node, "backenddomain"), backend_attrs);
    keep_pick(&d->extra, qd_dom_xfirst(node, "geometry"), geometry_attrs);
    keep_pick(&d->extra, qd_dom_xfirst(node, "blockio"), blockio_attrs);
    if (!(pflags & QD_DOM_PARSE_INACTIVE))
        keep(&d->extra, qd_dom_xfirst(node, "mirror"));
    keep(&d->extra, qd_dom_xfirst(node, "iotune"));
    if ((cur = qd_dom_xfirst(node, "transient"))) {
        struct qd_dom_xnode *t = qd_dom_xnode_pick(cur, "transient",
                                                   transient_attrs);
        const char *sb = qd_dom_xnode_attr(t, "shareBacking");

        if (sb && strcmp(sb, "yes") != 0)
            qd_dom_xnode_del_attr(t, "shareBacking");
        qd_dom_xlist_add(&d->extra, t);
    }
    d->serial = qd_dom_xchild_string(node, "serial");
    {
        static const char *const texts[] = { "wwn", "vendor", "product" };
        size_t i;

        for (i = 0; i < 3; i++) {
            char *s = qd_dom_xchild_string(node, texts[i]);

            if (s) {
                struct qd_dom_xnode *t = qd_dom_xnode_new(texts[i]);

                t->text = s;
                qd_dom_xlist_add(&d->extra, t);
            }
        }
    }
    keep(&d->extra, qd_dom_xfirst(node, "encryption"));

    if (qd_dom_parse_devinfo(node, pflags, QD_DOM_INFO_ALLOW_BOOT, &d->info,
                             err) < 0)
        goto error;
    return d;

 error:
    qd_dom_disk_free(d);
    return NULL;
}

/* ---- controller ---- */

static const char *const controller_types[] = {
    "ide", "fdc", "scsi", "sata", "virtio-serial", "ccid", "usb", "pci",
    "xenbus", "isa", NULL
};

static const char *const *
controller_models(const char *type)
{
    static const char *const pci[] = {
        "pci-root", "pcie-root", "pci-bridge", "dmi-to-pci-bridge",
        "pcie-to-pci-bridge", "pcie-root-port", "pcie-switch-upstream-port",
        "pcie-switch-downstream-port", "pci-expander-bus",
        "pcie-expander-bus", NULL
    };
    static const char *const scsi[] = {
        "auto", "buslogic", "lsilogic", "lsisas1068", "vmpvscsi", "ibmvscsi",
        "virtio-scsi", "lsisas1078", "virtio-transitional",
        "virtio-non-transitional", "ncr53c90", "dc390", "am53c974", NULL
    };
    static const char *const usb[] = {
        "piix3-uhci", "piix4-uhci", "ehci", "ich9-ehci1", "ich9-uhci1",
        "ich9-uhci2", "ich9-uhci3", "vt82c686b-uhci", "pci-ohci", "nec-xhci",
        "qusb1", "qusb2", "qemu-xhci", "none", NULL
    };
    static const char *const ide[] = { "piix3", "piix4", "ich6", NULL };
    static const char *const vioserial[] = {
        "virtio", "virtio-transitional", "virtio-non-transitional", NULL
    };
    static const char *const empty[] = { NULL };

    if (strcmp(type, "pci") == 0)
        return pci;
    if (strcmp(type, "scsi") == 0)
        return scsi;
    if (strcmp(type, "usb") == 0)
        return usb;
    if (strcmp(type, "ide") == 0)
        return ide;
    if (strcmp(type, "virtio-serial") == 0)
        return vioserial;
    return empty;
}

static void
ctrl_attr(struct qd_dom_controller *c, const char *name, int value)
{
    c->attrs = qd_realloc(c->attrs, (c->nattrs + 1) * sizeof(*c->attrs));
    c->attrs[c->nattrs].name = qd_strdup(name);
    c->attrs[c->nattrs].value = qd_asprintf("%d", value);
    c->nattrs++;
}

struct qd_dom_controller *
qd_dom_parse_controller(xmlNodePtr node, unsigned pflags, struct qd_err *err)
{
    static const char *const drv_attrs[] = {
        "queues", "cmd_per_lun", "max_sectors", "ioeventfd", "iothread",
        "iommu", "ats", "packed", "page_per_vq", NULL
    };
    static const char *const target_attrs[] = {
        "chassisNr", "chassis", "port", "busNr", "index", "hotplug", NULL
    };
    struct qd_dom_controller *c = QD_NEW(struct qd_dom_controller);
    _cleanup_free_ char *model = NULL;
    xmlNodePtr cur;
    int type, ports, v;

    c->info.master_startport = -1;
    if (qd_dom_prop_enum(node, "type", controller_types, 0, &type, 0,
                         err) < 0)
        goto error;
    c->type = qd_strdup(controller_types[type]);
    if ((model = qd_dom_xprop(node, "model"))) {
        const char *const *models = controller_models(c->type);
        int m = qd_dom_enum_index(models, model);

        if (m < 0) {
            qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_DOMAIN,
                          "Unknown model type '%s'", model);
            goto error;
        }
        c->model = qd_strdup(models[m]);
    }
    if (qd_dom_prop_int(node, "index", 10, QD_DOM_PROP_NONNEG, &c->idx, -1,
                        err) < 0)
        goto error;
    if ((cur = qd_dom_xfirst(node, "driver"))) {
        unsigned int u;

        if (qd_dom_prop_uint(cur, "queues", 10, 0, &u, err) < 0 ||
            qd_dom_prop_uint(cur, "cmd_per_lun", 10, 0, &u, err) < 0 ||
            qd_dom_prop_uint(cur, "max_sectors", 10, 0, &u, err) < 0 ||
            qd_dom_prop_enum(cur, "ioeventfd", qd_dom_tristate_switch,
                             QD_DOM_PROP_NONZERO, &v, 0, err) < 0 ||
            qd_dom_prop_uint(cur, "iothread", 10, 0, &u, err) < 0)
            goto error;
        keep_pick(&c->extra, cur, drv_attrs);
    }
    if (qd_dom_xcount(node, "model") > 1) {
        qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                      "Multiple <model> elements in controller definition "
                      "not allowed");
        goto error;
    }
    if (qd_dom_xcount(node, "target") > 1) {
        qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                      "Multiple <target> elements in controller definition "
                      "not allowed");
        goto error;
    }
    if (strcmp(c->type, "pci") == 0) {
        static const char *const name_attrs[] = { "name", NULL };

        keep_pick(&c->extra, qd_dom_xfirst(node, "model"), name_attrs);
        if ((cur = qd_dom_xfirst(node, "target"))) {
            struct qd_dom_xnode *t = qd_dom_xnode_pick(cur, "target",
                                                       target_attrs);
            _cleanup_free_ char *numa = qd_dom_xchild_string(cur, "node");

            if (numa) {
                struct qd_dom_xnode *nn = qd_dom_xnode_new("node");

                nn->text = steal_ptr(&numa);
                qd_dom_xnode_add_kid(t, nn);
            }
            if (t->nattrs || t->nkids)
                qd_dom_xlist_add(&c->extra, t);
            else
                qd_dom_xnode_free(t);
        }
    }
    if (!(strcmp(c->type, "usb") == 0 && c->model &&
          strcmp(c->model, "none") == 0) &&
        qd_dom_parse_devinfo(node, pflags, 0, &c->info, err) < 0)
        goto error;
    if (qd_dom_prop_int(node, "ports", 10, QD_DOM_PROP_NONNEG, &ports, -1,
                        err) < 0)
        goto error;
    if (strcmp(c->type, "virtio-serial") == 0) {
        if (qd_dom_prop_int(node, "vectors", 10, QD_DOM_PROP_NONNEG, &v, -1,
                            err) < 0)
            goto error;
        if (ports != -1)
            ctrl_attr(c, "ports", ports);
        if (v != -1)
            ctrl_attr(c, "vectors", v);
    } else if (strcmp(c->type, "usb") == 0) {
        if (c->info.master_startport < 0 && c->model) {
            if (strcmp(c->model, "ich9-uhci1") == 0)
                c->info.master_startport = 0;
            else if (strcmp(c->model, "ich9-uhci2") == 0)
                c->info.master_startport = 2;
            else if (strcmp(c->model, "ich9-uhci3") == 0)
                c->info.master_startport = 4;
        }
        if (ports != -1)
            ctrl_attr(c, "ports", ports);
    } else if (strcmp(c->type, "xenbus") == 0) {
        if (qd_dom_prop_int(node, "maxGrantFrames", 10, QD_DOM_PROP_NONNEG,
                            &v, -1, err) < 0)
            goto error;
        if (v != -1)
            ctrl_attr(c, "maxGrantFrames", v);
        if (qd_dom_prop_int(node, "maxEventChannels", 10,
                            QD_DOM_PROP_NONNEG, &v, -1, err) < 0)
            goto error;
        if (v != -1)
            ctrl_attr(c, "maxEventChannels", v);
    } else if (strcmp(c->type, "pci") == 0 && c->model &&
               (strcmp(c->model, "pci-root") == 0 ||
                strcmp(c->model, "pcie-root") == 0) &&
               (cur = qd_dom_xfirst(node, "pcihole64"))) {
        _cleanup_free_ char *val = qd_dom_xstring(cur);
        _cleanup_free_ char *unit = qd_dom_xprop(cur, "unit");
        unsigned long long bytes;
        int rc;

        if ((rc = qd_dom_parse_scaled(val, unit, "./pcihole64", 1024,
                                      1024ULL * 0xffffffffffffffffULL / 1024,
                                      &bytes, err)) < 0)
            goto error;
        if (rc > 0) {
            struct qd_dom_xnode *h = qd_dom_xnode_new("pcihole64");

            qd_dom_xnode_set_attr(h, "unit", "KiB");
            h->text = qd_asprintf("%llu", bytes / 1024 +
                                  (bytes % 1024 ? 1 : 0));
            qd_dom_xlist_add(&c->extra, h);
        }
    }
    return c;

 error:
    qd_dom_controller_free(c);
    return NULL;
}

/* ---- interface ---- */

static const char *const net_types[] = {
    "user", "ethernet", "vhostuser", "server", "client", "mcast", "network",
    "bridge", "internal", "direct", "hostdev", "udp", "vdpa", "null", "vds",
    NULL
};
static const char *const net_models[] = {
    "unknown", "netfront", "rtl8139", "virtio", "e1000", "e1000e",
    "virtio-transitional", "virtio-non-transitional", "usb-net",
    "spapr-vlan", "lan9118", "scm91c111", "vlance", "vmxnet", "vmxnet2",
    "vmxnet3", "Am79C970A", "Am79C973", "82540EM", "82545EM", "82543GC",
    NULL
};
static const char *const macvlan_modes[] = {
    "vepa", "private", "bridge", "passthrough", NULL
};
static const char *const mac_types[] = { "", "generated", "static", NULL };
static const char *const link_states[] = { "default", "up", "down", NULL };

static char *
required_prop(xmlNodePtr node, const char *name, struct qd_err *err)
{
    char *s = qd_dom_xprop(node, name);

    if (!s)
        qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_XML_,
                      "Missing required attribute '%s' in element '%s'",
                      name, (const char *) node->name);
    return s;
}

static int
parse_mac(const char *s, unsigned char mac[6])
{
    size_t i;

    for (i = 0; i < 6; i++) {
        char *end;
        unsigned long v;

        if (!isxdigit((unsigned char) *s))
            return -1;
        v = strtoul(s, &end, 16);
        if (end - s < 1 || end - s > 2 || v > 0xFF)
            return -1;
        mac[i] = (unsigned char) v;
        if (i == 5 && (unsigned char) *end <= ' ')
            return 0;
        if (*end != ':')
            return -1;
        s = end + 1;
    }
    return -1;
}

static int
net_source(struct qd_dom_net *n, xmlNodePtr src, unsigned pflags,
           struct qd_err *err)
{
    const char *t = n->type;
    struct qd_dom_xnode *s;
    xmlNodePtr cur;

    if (!src && strcmp(t, "user") != 0 && strcmp(t, "ethernet") != 0 &&
        strcmp(t, "hostdev") != 0 && strcmp(t, "null") != 0)
        return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                             "interface type='%s' requires a 'source' "
                             "element", t);
    s = qd_dom_xnode_new("source");
    n->source = s;
    if (strcmp(t, "network") == 0) {
        _cleanup_free_ char *pg = qd_dom_xprop(src, "portgroup");

        if (!(n->source_network = required_prop(src, "network", err)))
            return -1;
        qd_dom_xnode_set_attr(s, "network", n->source_network);
        if (pg)
            qd_dom_xnode_set_attr(s, "portgroup", pg);
        if (!(pflags & QD_DOM_PARSE_INACTIVE)) {
            _cleanup_free_ char *portid = qd_dom_xprop(src, "portid");
            unsigned char u[16];

            if (portid && qd_uuid_parse(portid, u) == 0) {
                char str[QD_UUID_STRLEN];

                qd_uuid_format(u, str);
                qd_dom_xnode_set_attr(s, "portid", str);
            }
        }
    } else if (strcmp(t, "bridge") == 0) {
        if (!(n->source_bridge = required_prop(src, "bridge", err)))
            return -1;
        qd_dom_xnode_set_attr(s, "bridge", n->source_bridge);
    } else if (strcmp(t, "direct") == 0) {
        int mode;

        if (!(n->source_dev = required_prop(src, "dev", err)) ||
            qd_dom_prop_enum(src, "mode", macvlan_modes, 0, &mode, 0,
                             err) < 0)
            return -1;
        qd_dom_xnode_set_attr(s, "dev", n->source_dev);
        qd_dom_xnode_set_attr(s, "mode", macvlan_modes[mode]);
    } else if (strcmp(t, "vdpa") == 0) {
        if (!(n->source_dev = required_prop(src, "dev", err)))
            return -1;
        qd_dom_xnode_set_attr(s, "dev", n->source_dev);
    } else if (strcmp(t, "internal") == 0) {
        _cleanup_free_ char *name = required_prop(src, "name", err);

        if (!name)
            return -1;
        qd_dom_xnode_set_attr(s, "name", name);
    } else if (strcmp(t, "user") == 0) {
        n->source_dev = qd_dom_xprop(src, "dev");
    } else if (strcmp(t, "ethernet") == 0 || strcmp(t, "null") == 0) {
        /* nothing but host IPs */
    } else if (src) {
        /* server client mcast udp vhostuser hostdev vds: as given */
        qd_dom_xnode_free(s);
        n->source = s = qd_dom_xnode_from_xml(src);
        return 0;
    }
    for (cur = xmlFirstElementChild(src); src && cur;
         cur = xmlNextElementSibling(cur)) {
        if (!cur->ns && (strcmp((const char *) cur->name, "ip") == 0 ||
                         strcmp((const char *) cur->name, "route") == 0))
            qd_dom_xnode_add_kid(s, qd_dom_xnode_from_xml(cur));
    }
    return 0;
}

struct qd_dom_net *
qd_dom_parse_net(xmlNodePtr node, unsigned pflags, struct qd_err *err)
{
    static const char *const before_target[] = {
        "vlan", "virtualport", "bandwidth", "port", "ip", "route",
        "portForward", NULL
    };
    static const char *const path_attr[] = { "path", NULL };
    static const char *const name_attr[] = { "name", NULL };
    static const char *const guest_attrs[] = { "dev", "actual", NULL };
    static const char *const after_model[] = {
        "driver", "backend", "filterref", "tune", "teaming", NULL
    };
    static const char *const size_attr[] = { "size", NULL };
    struct qd_dom_net *n = QD_NEW(struct qd_dom_net);
    _cleanup_free_ char *model = NULL;
    _cleanup_free_ char *macaddr = NULL;
    xmlNodePtr cur;
    size_t i;
    int v;

    n->info.master_startport = -1;
    if (qd_dom_prop_enum(node, "type", net_types, 0, &v, 0, err) < 0)
        goto error;
    n->type = qd_strdup(net_types[v]);
    if (enum_attr(node, "trustGuestRxFilters", qd_dom_tristate_bool,
                  QD_DOM_PROP_NONZERO, true, &n->trust_guest_rx_filters,
                  err) < 0)
        goto error;
    if ((model = qd_dom_xchild_prop(node, "model", "type"))) {
        for (i = 0; net_models[i]; i++) {
            if (strcasecmp(net_models[i], model) == 0)
                break;
        }
        if (net_models[i]) {
            if (i > 0)
                n->model = qd_strdup(net_models[i]);
        } else if (strspn(model, "abcdefghijklmnopqrstuvwxyz"
                          "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") <
                   strlen(model)) {
            qd_err_report(err, QD_ERR_INVALID_ARG, QD_FROM_DOMAIN,
                          "Model name contains invalid characters");
            goto error;
        } else {
            n->model = steal_ptr(&model);
        }
    }
    if (net_source(n, qd_dom_xfirst(node, "source"), pflags, err) < 0)
        goto error;
    if (strcmp(n->type, "hostdev") == 0) {
        _cleanup_free_ char *managed = qd_dom_xprop(node, "managed");

        if (managed && strcmp(managed, "yes") == 0)
            n->managed = qd_strdup("yes");
    }
    if ((cur = qd_dom_xfirst(node, "target"))) {
        int managed;

        n->ifname = qd_dom_xprop(cur, "dev");
        if (qd_dom_prop_enum(cur, "managed", qd_dom_tristate_bool,
                             QD_DOM_PROP_NONZERO, &managed, 0, err) < 0)
            goto error;
        if (managed) {
            n->target = qd_dom_xnode_new("target");
            qd_dom_xnode_set_attr(n->target, "managed",
                                  qd_dom_tristate_bool[managed]);
        }
    }
    if ((cur = qd_dom_xfirst(node, "mac"))) {
        int type, check;

        if ((macaddr = qd_dom_xprop(cur, "address"))) {
            if (parse_mac(macaddr, n->mac) < 0) {
                qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                              "unable to parse mac address '%s'", macaddr);
                goto error;
            }
            if (n->mac[0] & 1) {
                qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                              "expected unicast mac address, found "
                              "multicast '%s'", macaddr);
                goto error;
            }
        }
        if (qd_dom_prop_enum(cur, "type", mac_types, QD_DOM_PROP_NONZERO,
                             &type, 0, err) < 0 ||
            qd_dom_prop_enum(cur, "check", qd_dom_tristate_bool,
                             QD_DOM_PROP_NONZERO, &check, 0, err) < 0)
            goto error;
        if (type || check) {
            n->mac_node = qd_dom_xnode_new("mac");
            if (type)
                qd_dom_xnode_set_attr(n->mac_node, "type", mac_types[type]);
            if (check)
                qd_dom_xnode_set_attr(n->mac_node, "check",
                                      qd_dom_tristate_bool[check]);
        }
    }
    if (!macaddr) {
        n->mac[0] = 0x52;
        n->mac[1] = 0x54;
        n->mac[2] = 0x00;
        qd_uuid_random_bytes(n->mac + 3, 3);
        n->mac_generated = true;
    }
    if (qd_dom_parse_devinfo(node, pflags, QD_DOM_INFO_ALLOW_BOOT |
                             QD_DOM_INFO_ALLOW_ROM, &n->info, err) < 0)
        goto error;

    /* libvirt-compat: inactive configs forget generated tap names */
    if (n->ifname && (pflags & QD_DOM_PARSE_INACTIVE) &&
        !(n->target && strcmp(qd_dom_xnode_attr(n->target, "managed"),
                              "no") == 0) &&
        (strncmp(n->ifname, "vnet", 4) == 0 ||
         strncmp(n->ifname, "macvtap", 7) == 0 ||
         strncmp(n->ifname, "macvlan", 7) == 0)) {
        free(n->ifname);
        n->ifname = NULL;
    }
    if ((cur = qd_dom_xfirst(node, "link"))) {
        _cleanup_free_ char *state = qd_dom_xprop(cur, "state");

        if (state && *state && qd_dom_enum_index(link_states, state) <= 0) {
            qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_DOMAIN,
                          "unknown interface link state '%s'", state);
            goto error;
        }
    }

    /* kept children in libvirt's printing order */
    for (i = 0; before_target[i]; i++) {
        for (cur = qd_dom_xfirst(node, before_target[i]); cur;
             cur = qd_dom_xnext(cur))
            keep(&n->extra, cur);
    }
    keep_pick(&n->extra, qd_dom_xfirst(node, "script"), path_attr);
    keep_pick(&n->extra, qd_dom_xfirst(node, "downscript"), path_attr);
    keep_pick(&n->extra, qd_dom_xfirst(node, "backenddomain"), name_attr);
    keep_pick(&n->extra, qd_dom_xfirst(node, "guest"), guest_attrs);
    for (i = 0; after_model[i]; i++) {
        /* a filter applies to network, bridge and ethernet only */
        if (strcmp(after_model[i], "filterref") == 0 &&
            strcmp(n->type, "network") != 0 &&
            strcmp(n->type, "bridge") != 0 &&
            strcmp(n->type, "ethernet") != 0)
            continue;
        keep(&n->extra, qd_dom_xfirst(node, after_model[i]));
    }
    if ((cur = qd_dom_xfirst(node, "link"))) {
        static const char *const state_attr[] = { "state", NULL };

        keep_pick(&n->extra, cur, state_attr);
    }
    keep_pick(&n->extra, qd_dom_xfirst(node, "mtu"), size_attr);
    keep(&n->extra, qd_dom_xfirst(node, "coalesce"));
    return n;

 error:
    qd_dom_net_free(n);
    return NULL;
}
