/* <devices>: device info and addresses, and the order devices are read
 * and inserted in (virDomainDiskInsert, virDomainControllerInsert...).
 * What the post-parse step adds is in domain_conf_postparse.c. */
#include "conf/domain_conf.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <libxml/tree.h>

#include "conf/domain_conf_dev.h"
#include "conf/domain_conf_priv.h"
#include "util/mem.h"

/* virDomainDeviceAddressType order (enum qd_dom_addr_type) */
const char *const qd_dom_addr_types[] = {
    "none", "pci", "drive", "virtio-serial", "ccid", "usb", "spapr-vio",
    "virtio-s390", "ccw", "virtio-mmio", "isa", "dimm", "unassigned", NULL
};

/* Devices libvirt knows but this module keeps as trees, in the order
 * libvirt prints them (after the modelled ones they sit between). */
const char *const qd_dom_dev_kept[] = {
    "lease", "filesystem", "smartcard", "tpm", "audio", "hostdev",
    "redirdev", "redirfilter", "hub", "watchdog", "rng", "nvram", "panic",
    "shmem", "memory", "iommu", "vsock", NULL
};

#define USER_ALIAS_CHARS \
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"

/* ---- addresses ---- */

static int
parse_pci(xmlNodePtr node, struct qd_dom_addr *a, struct qd_err *err)
{
    xmlNodePtr zpci;
    int multi;

    if (qd_dom_prop_uint(node, "domain", 0, 0, &a->domain, err) < 0 ||
        qd_dom_prop_uint(node, "bus", 0, 0, &a->bus, err) < 0 ||
        qd_dom_prop_uint(node, "slot", 0, 0, &a->slot, err) < 0 ||
        qd_dom_prop_uint(node, "function", 0, 0, &a->function, err) < 0 ||
        qd_dom_prop_enum(node, "multifunction", qd_dom_tristate_switch,
                         QD_DOM_PROP_NONZERO, &multi, 0, err) < 0)
        return -1;
    a->multi = multi;
    if (a->domain || a->bus || a->slot) {
        if (a->bus > 0xFF)
            return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_NONE,
                                 "Invalid PCI address bus='0x%x', must be "
                                 "<= 0xFF", a->bus);
        if (a->slot > 0x1F)
            return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_NONE,
                                 "Invalid PCI address slot='0x%x', must be "
                                 "<= 0x1F", a->slot);
        if (a->function > 7)
            return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_NONE,
                                 "Invalid PCI address function=0x%x, must "
                                 "be <= 7", a->function);
    }
    if ((zpci = qd_dom_xfirst(node, "zpci"))) {
        unsigned int uid, fid;
        int ru, rf;
        char num[16];

        if ((ru = qd_dom_prop_uint(zpci, "uid", 0, 0, &uid, err)) < 0 ||
            (rf = qd_dom_prop_uint(zpci, "fid", 0, 0, &fid, err)) < 0)
            return -1;
        if (ru > 0 || rf > 0) {
            a->zpci = qd_dom_xnode_new("zpci");
            snprintf(num, sizeof(num), "0x%.4x", uid);
            qd_dom_xnode_set_attr(a->zpci, "uid", num);
            snprintf(num, sizeof(num), "0x%.8x", fid);
            qd_dom_xnode_set_attr(a->zpci, "fid", num);
        }
    }
    return 0;
}

static int
parse_usb_port(const char *port, struct qd_err *err)
{
    const char *p = port;
    size_t depth;

    for (depth = 0; depth < 4; depth++) {
        size_t n = strspn(p, "0123456789");

        if (n == 0)
            break;
        p += n;
        if (*p == '\0')
            return 0;
        if (*p == '.')
            p++;
    }
    return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_DOMAIN,
                         "Cannot parse <address> 'port' attribute");
}

static int
parse_address(xmlNodePtr node, struct qd_dom_addr *a, struct qd_err *err)
{
    _cleanup_free_ char *type = qd_dom_xprop(node, "type");
    int t;

    if (!type)
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_DOMAIN,
                             "No type specified for device address");
    if ((t = qd_dom_enum_index(qd_dom_addr_types, type)) <= 0)
        return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_DOMAIN,
                             "unknown address type '%s'", type);
    a->type = t;
    switch (t) {
    case QD_DOM_ADDR_PCI:
        return parse_pci(node, a, err);
    case QD_DOM_ADDR_DRIVE:
        if (qd_dom_prop_uint(node, "controller", 10, 0, &a->controller,
                             err) < 0 ||
            qd_dom_prop_uint(node, "bus", 10, 0, &a->bus, err) < 0 ||
            qd_dom_prop_uint(node, "target", 10, 0, &a->target, err) < 0 ||
            qd_dom_prop_uint(node, "unit", 10, 0, &a->unit, err) < 0)
            return -1;
        return 0;
    case QD_DOM_ADDR_VIRTIO_SERIAL:
        if (qd_dom_prop_uint(node, "controller", 10, 0, &a->controller,
                             err) < 0 ||
            qd_dom_prop_uint(node, "bus", 10, 0, &a->bus, err) < 0 ||
            qd_dom_prop_uint(node, "port", 10, 0, &a->port, err) < 0)
            return -1;
        return 0;
    case QD_DOM_ADDR_CCID:
        if (qd_dom_prop_uint(node, "controller", 10, 0, &a->controller,
                             err) < 0 ||
            qd_dom_prop_uint(node, "slot", 10, 0, &a->slot, err) < 0)
            return -1;
        return 0;
    case QD_DOM_ADDR_USB: {
        _cleanup_free_ char *port = qd_dom_xprop(node, "port");

        if (port && parse_usb_port(port, err) < 0)
            return -1;
        if (qd_dom_prop_uint(node, "bus", 10, 0, &a->bus, err) < 0)
            return -1;
        a->usb_port = steal_ptr(&port);
        return 0;
    }
    case QD_DOM_ADDR_SPAPRVIO: {
        int rc = qd_dom_prop_ull(node, "reg", 16, 0, &a->reg, err);

        if (rc < 0)
            return -1;
        a->has_reg = rc > 0;
        return 0;
    }
    case QD_DOM_ADDR_CCW: {
        int c, s, d;

        if ((c = qd_dom_prop_uint(node, "cssid", 0, 0, &a->cssid, err)) < 0 ||
            (s = qd_dom_prop_uint(node, "ssid", 0, 0, &a->ssid, err)) < 0 ||
            (d = qd_dom_prop_uint(node, "devno", 0, 0, &a->devno, err)) < 0)
            return -1;
        if (a->cssid > 0xfe || a->ssid > 3 || a->devno > 0xffff)
            return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_DEVICE_,
                                 "Invalid specification for virtio ccw "
                                 "address: cssid='0x%x' ssid='0x%x' "
                                 "devno='0x%04x'", a->cssid, a->ssid,
                                 a->devno);
        if (!(c && s && d) && (c || s || d))
            return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_DEVICE_,
                                 "Invalid partial specification for virtio "
                                 "ccw address");
        return 0;
    }
    case QD_DOM_ADDR_ISA:
        if (qd_dom_prop_uint(node, "iobase", 16, 0, &a->iobase, err) < 0 ||
            qd_dom_prop_uint(node, "irq", 16, 0, &a->irq, err) < 0)
            return -1;
        return 0;
    case QD_DOM_ADDR_VIRTIO_S390:
        return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                             "virtio-s390 bus doesn't have an address");
    case QD_DOM_ADDR_DIMM:
        if (qd_dom_prop_uint(node, "slot", 10, QD_DOM_PROP_REQUIRED,
                             &a->slot, err) < 0 ||
            qd_dom_prop_ull(node, "base", 16, 0, &a->base, err) < 0)
            return -1;
        return 0;
    default:
        return 0;
    }
}

int
qd_dom_parse_devinfo(xmlNodePtr node, unsigned pflags, unsigned allow,
                     struct qd_dom_devinfo *info, struct qd_err *err)
{
    xmlNodePtr cur;
    _cleanup_free_ char *alias = qd_dom_xchild_prop(node, "alias", "name");

    qd_dom_devinfo_clear(info);
    if (alias && *alias &&
        (!(pflags & QD_DOM_PARSE_INACTIVE) ||
         (strncmp(alias, "ua-", 3) == 0 &&
          strspn(alias, USER_ALIAS_CHARS) == strlen(alias))))
        info->alias = steal_ptr(&alias);

    if ((cur = qd_dom_xfirst(node, "master"))) {
        unsigned int sp;

        if (qd_dom_prop_uint(cur, "startport", 10, 0, &sp, err) < 0)
            goto error;
        info->master_startport = (int) sp;
    }
    if ((allow & QD_DOM_INFO_ALLOW_BOOT) &&
        (cur = qd_dom_xfirst(node, "boot"))) {
        _cleanup_free_ char *lp = qd_dom_xprop(cur, "loadparm");

        if (qd_dom_prop_uint(cur, "order", 10,
                             QD_DOM_PROP_REQUIRED | QD_DOM_PROP_NONZERO,
                             &info->boot_order, err) < 0)
            goto error;
        if (lp) {
            size_t i;

            for (i = 0; lp[i]; i++)
                lp[i] = (char) toupper((unsigned char) lp[i]);
            if (!*lp || strlen(lp) > 8) {
                qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_DOMAIN,
                              "loadparm value '%s' must be between 1 and 8 "
                              "characters", lp);
                goto error;
            }
            if (strspn(lp, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789. ") !=
                strlen(lp)) {
                qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_DOMAIN,
                              "invalid loadparm value '%s', expecting "
                              "chars in set of [a-zA-Z0-9.] and blank "
                              "spaces", lp);
                goto error;
            }
            info->loadparm = steal_ptr(&lp);
        }
    }
    if ((allow & QD_DOM_INFO_ALLOW_ROM) && (cur = qd_dom_xfirst(node, "rom"))) {
        _cleanup_free_ char *file = qd_dom_xprop(cur, "file");
        int enabled, bar;

        if (qd_dom_prop_enum(cur, "enabled", qd_dom_tristate_bool,
                             QD_DOM_PROP_NONZERO, &enabled, 0, err) < 0 ||
            qd_dom_prop_enum(cur, "bar", qd_dom_tristate_switch,
                             QD_DOM_PROP_NONZERO, &bar, 0, err) < 0)
            goto error;
        if (enabled == 2 && (bar || file)) {
            qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_DOMAIN,
                          "ROM tuning is not supported when ROM is "
                          "disabled");
            goto error;
        }
        if (enabled || bar || file) {
            info->rom = qd_dom_xnode_new("rom");
            if (enabled)
                qd_dom_xnode_set_attr(info->rom, "enabled",
                                      qd_dom_tristate_bool[enabled]);
            if (bar)
                qd_dom_xnode_set_attr(info->rom, "bar",
                                      qd_dom_tristate_switch[bar]);
            if (file)
                qd_dom_xnode_set_attr(info->rom, "file", file);
        }
    }
    if ((cur = qd_dom_xfirst(node, "acpi")) &&
        qd_dom_prop_uint(cur, "index", 10, QD_DOM_PROP_NONZERO,
                         &info->acpi_index, err) < 0)
        goto error;
    if ((cur = qd_dom_xfirst(node, "address")) &&
        parse_address(cur, &info->addr, err) < 0)
        goto error;
    return 0;

 error:
    qd_dom_devinfo_clear(info);
    return -1;
}

/* ---- insertion order ---- */

static bool
streq_null(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

/* virDomainDiskInsert: after the last disk on the same bus, or before
 * the first one on that bus whose name sorts after it. */
static void
insert_disk(struct qd_dom_def *def, struct qd_dom_disk *disk)
{
    int idx, at = -1;

    for (idx = (int) def->ndisks - 1; idx >= 0; idx--) {
        struct qd_dom_disk *d = def->disks[idx];

        if (streq_null(d->bus, disk->bus) && d->dst && disk->dst &&
            qd_dom_disk_name_index(d->dst) >
            qd_dom_disk_name_index(disk->dst))
            at = idx;
        else if (streq_null(d->bus, disk->bus) && at == -1)
            at = idx + 1;
    }
    if (at < 0)
        at = (int) def->ndisks;
    def->disks = qd_realloc(def->disks, (def->ndisks + 1) *
                            sizeof(*def->disks));
    memmove(def->disks + at + 1, def->disks + at,
            (def->ndisks - (size_t) at) * sizeof(*def->disks));
    def->disks[at] = disk;
    def->ndisks++;
}

/* virDomainControllerInsertPreAlloced */
static void
insert_controller(struct qd_dom_def *def, struct qd_dom_controller *c)
{
    int idx, at = -1;

    for (idx = (int) def->ncontrollers - 1; idx >= 0; idx--) {
        struct qd_dom_controller *cur = def->controllers[idx];

        if (strcmp(cur->type, c->type) != 0)
            continue;
        if (c->idx == -1) {
            at = idx + 1;
            break;
        }
        if (cur->idx > c->idx)
            at = idx;
        else if (c->info.master_startport < 0 &&
                 cur->info.master_startport >= 0 && cur->idx == c->idx)
            at = idx;
        else if (at == -1)
            at = idx + 1;
    }
    if (at < 0)
        at = (int) def->ncontrollers;
    def->controllers = qd_realloc(def->controllers, (def->ncontrollers + 1) *
                                  sizeof(*def->controllers));
    memmove(def->controllers + at + 1, def->controllers + at,
            (def->ncontrollers - (size_t) at) * sizeof(*def->controllers));
    def->controllers[at] = c;
    def->ncontrollers++;
}

/* ---- reading <devices> ---- */

static int
parse_chr_list(xmlNodePtr devices, const char *kind, unsigned pflags,
               struct qd_dom_chr ***arr, size_t *n, struct qd_err *err)
{
    xmlNodePtr cur;

    for (cur = qd_dom_xfirst(devices, kind); cur; cur = qd_dom_xnext(cur)) {
        struct qd_dom_chr *chr = qd_dom_parse_chr(cur, pflags, err);

        if (!chr)
            return -1;
        if (strcmp(kind, "parallel") == 0 && chr->target_port == -1) {
            int maxport = -1;
            size_t j;

            for (j = 0; j < *n; j++) {
                if ((*arr)[j]->target_port > maxport)
                    maxport = (*arr)[j]->target_port;
            }
            chr->target_port = maxport + 1;
        } else if (strcmp(kind, "console") == 0) {
            chr->target_port = (int) *n;
        }
        QD_DOM_APPEND(*arr, *n, chr);
    }
    return 0;
}

/* A kept <hostdev> gets libvirt's leading attributes: mode, type and,
 * for subsystem devices, managed='yes|no'. */
static void
hostdev_normalize(struct qd_dom_xnode *n)
{
    struct qd_dom_xnode *tmp = qd_dom_xnode_new("hostdev");
    const char *mode = qd_dom_xnode_attr(n, "mode");
    const char *managed = qd_dom_xnode_attr(n, "managed");
    size_t i;

    if (!mode)
        mode = "subsystem";
    qd_dom_xnode_set_attr(tmp, "mode", mode);
    if (qd_dom_xnode_attr(n, "type"))
        qd_dom_xnode_set_attr(tmp, "type", qd_dom_xnode_attr(n, "type"));
    if (strcmp(mode, "subsystem") == 0)
        qd_dom_xnode_set_attr(tmp, "managed",
                              managed && strcmp(managed, "yes") == 0 ?
                              "yes" : "no");
    for (i = 0; i < n->nattrs; i++) {
        if (strcmp(n->attrs[i].name, "mode") != 0 &&
            strcmp(n->attrs[i].name, "type") != 0 &&
            strcmp(n->attrs[i].name, "managed") != 0)
            qd_dom_xnode_set_attr(tmp, n->attrs[i].name, n->attrs[i].value);
    }
    qd_dom_xattrs_free(n->attrs, n->nattrs);
    n->attrs = steal_ptr(&tmp->attrs);
    n->nattrs = tmp->nattrs;
    tmp->nattrs = 0;
    qd_dom_xnode_free(tmp);
}

int
qd_dom_parse_devices(struct qd_dom_def *def, xmlNodePtr devices,
                     unsigned pflags, struct qd_err *err)
{
    xmlNodePtr cur;
    bool usb_none = false, usb_other = false, usb_master = false;
    size_t i;

    for (cur = qd_dom_xfirst(devices, "disk"); cur; cur = qd_dom_xnext(cur)) {
        struct qd_dom_disk *disk = qd_dom_parse_disk(cur, pflags, err);

        if (!disk)
            return -1;
        insert_disk(def, disk);
    }
    for (cur = qd_dom_xfirst(devices, "controller"); cur;
         cur = qd_dom_xnext(cur)) {
        struct qd_dom_controller *c = qd_dom_parse_controller(cur, pflags,
                                                              err);

        if (!c)
            return -1;
        if (strcmp(c->type, "usb") == 0) {
            bool none = c->model && strcmp(c->model, "none") == 0;

            if (usb_none || (none && usb_other)) {
                qd_dom_controller_free(c);
                return qd_err_report(err, QD_ERR_XML_DETAIL, QD_FROM_DOMAIN,
                                     "Can't add another USB controller: "
                                     "USB is disabled for this domain");
            }
            if (none)
                usb_none = true;
            else
                usb_other = true;
            if (c->info.master_startport < 0)
                usb_master = true;
        }
        insert_controller(def, c);
    }
    if (usb_other && !usb_master)
        return qd_err_report(err, QD_ERR_XML_DETAIL, QD_FROM_DOMAIN,
                             "No master USB controller specified");

    for (cur = qd_dom_xfirst(devices, "interface"); cur;
         cur = qd_dom_xnext(cur)) {
        struct qd_dom_net *net = qd_dom_parse_net(cur, pflags, err);

        if (!net)
            return -1;
        QD_DOM_APPEND(def->nets, def->nnets, net);
    }
    if (parse_chr_list(devices, "parallel", pflags, &def->parallels,
                       &def->nparallels, err) < 0 ||
        parse_chr_list(devices, "serial", pflags, &def->serials,
                       &def->nserials, err) < 0 ||
        parse_chr_list(devices, "console", pflags, &def->consoles,
                       &def->nconsoles, err) < 0 ||
        parse_chr_list(devices, "channel", pflags, &def->channels,
                       &def->nchannels, err) < 0)
        return -1;

    for (cur = qd_dom_xfirst(devices, "input"); cur; cur = qd_dom_xnext(cur)) {
        struct qd_dom_input *in = qd_dom_parse_input(def, cur, pflags, err);

        if (!in)
            return -1;
        if (usb_none && in->bus && strcmp(in->bus, "usb") == 0) {
            qd_dom_input_free(in);
            return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED,
                                 QD_FROM_DOMAIN, "Can't add USB input "
                                 "device. USB bus is disabled");
        }
        QD_DOM_APPEND(def->inputs, def->ninputs, in);
    }
    for (cur = qd_dom_xfirst(devices, "graphics"); cur;
         cur = qd_dom_xnext(cur)) {
        struct qd_dom_graphics *g = qd_dom_parse_graphics(cur, pflags, err);

        if (!g)
            return -1;
        QD_DOM_APPEND(def->graphics, def->ngraphics, g);
    }
    for (cur = qd_dom_xfirst(devices, "sound"); cur; cur = qd_dom_xnext(cur)) {
        struct qd_dom_sound *s = qd_dom_parse_sound(cur, pflags, err);

        if (!s)
            return -1;
        QD_DOM_APPEND(def->sounds, def->nsounds, s);
    }
    for (cur = qd_dom_xfirst(devices, "video"); cur; cur = qd_dom_xnext(cur)) {
        struct qd_dom_video *v = qd_dom_parse_video(cur, pflags, err);

        if (!v)
            return -1;
        QD_DOM_APPEND(def->videos, def->nvideos, v);
        if (v->primary && def->nvideos > 1) {
            memmove(def->videos + 1, def->videos,
                    (def->nvideos - 1) * sizeof(*def->videos));
            def->videos[0] = v;
        }
    }
    if (qd_dom_xcount(devices, "memballoon") > 1)
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_DOMAIN,
                             "only a single memory balloon device is "
                             "supported");
    if ((cur = qd_dom_xfirst(devices, "memballoon")) &&
        !(def->memballoon = qd_dom_parse_memballoon(cur, pflags, err)))
        return -1;

    for (i = 0; qd_dom_dev_kept[i]; i++) {
        for (cur = qd_dom_xfirst(devices, qd_dom_dev_kept[i]); cur;
             cur = qd_dom_xnext(cur)) {
            struct qd_dom_xnode *n = qd_dom_xnode_from_xml(cur);

            if (strcmp(n->name, "hostdev") == 0)
                hostdev_normalize(n);
            qd_dom_xlist_add(&def->dev_extra, n);
        }
    }
    return 0;
}
