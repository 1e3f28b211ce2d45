/* Printing <devices>, in libvirt 9.0's order and layout
 * (virDomainDiskDefFormat, virDomainNetDefFormat, virDomainChrDefFormat,
 * virDomainDeviceInfoFormat, ...). */
#include "conf/domain_conf.h"

#include <string.h>

#include "conf/domain_conf_dev.h"
#include "conf/domain_conf_priv.h"
#include "util/mem.h"

static void
ind(struct qd_buf *b, int n)
{
    qd_dom_buf_indent(b, n);
}

/* " name='value'" with the value escaped; nothing for NULL */
static void
attr(struct qd_buf *b, const char *name, const char *value)
{
    if (!value)
        return;
    qd_buf_printf(b, " %s='", name);
    qd_dom_buf_escape(b, value);
    qd_buf_puts(b, "'");
}

static void
list_format(struct qd_buf *b, const struct qd_dom_xlist *l, const char *name,
            int indent)
{
    size_t i;

    for (i = 0; i < l->n; i++) {
        if (strcmp(l->items[i]->name, name) == 0)
            qd_dom_xnode_format(b, l->items[i], indent);
    }
}

static void
list_format_many(struct qd_buf *b, const struct qd_dom_xlist *l,
                 const char *const *names, int indent)
{
    size_t i;

    for (i = 0; names[i]; i++)
        list_format(b, l, names[i], indent);
}

/* ---- device info ---- */

static void
address_format(struct qd_buf *b, const struct qd_dom_addr *a, int indent)
{
    if (a->type == QD_DOM_ADDR_NONE || a->type == QD_DOM_ADDR_VIRTIO_S390)
        return;
    ind(b, indent);
    qd_buf_printf(b, "<address type='%s'", qd_dom_addr_types[a->type]);
    switch (a->type) {
    case QD_DOM_ADDR_PCI:
        if (a->domain || a->bus || a->slot)
            qd_buf_printf(b, " domain='0x%04x' bus='0x%02x' slot='0x%02x' "
                          "function='0x%d'", a->domain, a->bus, a->slot,
                          a->function);
        if (a->multi)
            qd_buf_printf(b, " multifunction='%s'",
                          qd_dom_tristate_switch[a->multi]);
        if (a->zpci) {
            qd_buf_puts(b, ">\n");
            qd_dom_xnode_format(b, a->zpci, indent + 2);
            ind(b, indent);
            qd_buf_puts(b, "</address>\n");
            return;
        }
        break;
    case QD_DOM_ADDR_DRIVE:
        qd_buf_printf(b, " controller='%d' bus='%d' target='%d' unit='%d'",
                      (int) a->controller, (int) a->bus, (int) a->target,
                      (int) a->unit);
        break;
    case QD_DOM_ADDR_VIRTIO_SERIAL:
        qd_buf_printf(b, " controller='%d' bus='%d' port='%d'",
                      (int) a->controller, (int) a->bus, (int) a->port);
        break;
    case QD_DOM_ADDR_CCID:
        qd_buf_printf(b, " controller='%d' slot='%d'", (int) a->controller,
                      (int) a->slot);
        break;
    case QD_DOM_ADDR_USB:
        qd_buf_printf(b, " bus='%d'", (int) a->bus);
        if (a->usb_port && strcmp(a->usb_port, "0") != 0)
            qd_buf_printf(b, " port='%s'", a->usb_port);
        break;
    case QD_DOM_ADDR_SPAPRVIO:
        if (a->has_reg)
            qd_buf_printf(b, " reg='0x%08llx'", a->reg);
        break;
    case QD_DOM_ADDR_CCW:
        qd_buf_printf(b, " cssid='0x%x' ssid='0x%x' devno='0x%04x'",
                      a->cssid, a->ssid, a->devno);
        break;
    case QD_DOM_ADDR_ISA:
        if (a->iobase > 0)
            qd_buf_printf(b, " iobase='0x%x'", a->iobase);
        if (a->irq > 0)
            qd_buf_printf(b, " irq='0x%x'", a->irq);
        break;
    case QD_DOM_ADDR_DIMM:
        qd_buf_printf(b, " slot='%u'", a->slot);
        if (a->base)
            qd_buf_printf(b, " base='0x%llx'", a->base);
        break;
    default:
        break;
    }
    qd_buf_puts(b, "/>\n");
}

void
qd_dom_format_devinfo(struct qd_buf *b, const struct qd_dom_devinfo *info,
                      int indent, unsigned allow)
{
    if ((allow & QD_DOM_INFO_ALLOW_BOOT) && info->boot_order) {
        ind(b, indent);
        qd_buf_printf(b, "<boot order='%u'", info->boot_order);
        if (info->loadparm)
            qd_buf_printf(b, " loadparm='%s'", info->loadparm);
        qd_buf_puts(b, "/>\n");
    }
    if (info->alias) {
        ind(b, indent);
        qd_buf_printf(b, "<alias name='%s'/>\n", info->alias);
    }
    if (info->master_startport >= 0) {
        ind(b, indent);
        qd_buf_printf(b, "<master startport='%d'/>\n",
                      info->master_startport);
    }
    if ((allow & QD_DOM_INFO_ALLOW_ROM) && info->rom)
        qd_dom_xnode_format(b, info->rom, indent);
    if (info->acpi_index) {
        ind(b, indent);
        qd_buf_printf(b, "<acpi index='%u'/>\n", info->acpi_index);
    }
    address_format(b, &info->addr, indent);
}

/* ---- disk ---- */

void
qd_dom_format_disk(struct qd_buf *b, const struct qd_dom_disk *d, int indent,
                   unsigned flags)
{
    static const char *const before_source[] = { "auth", NULL };
    static const char *const before_target[] = {
        "backingStore", "backenddomain", "geometry", "blockio", "mirror",
        NULL
    };
    static const char *const after_serial[] = {
        "wwn", "vendor", "product", "encryption", NULL
    };
    const char *path_attr = NULL;
    size_t i;

    (void) flags;
    ind(b, indent);
    qd_buf_printf(b, "<disk type='%s' device='%s'", d->type, d->device);
    attr(b, "model", d->model);
    attr(b, "rawio", d->rawio);
    attr(b, "sgio", d->sgio);
    if (d->snapshot && !(strcmp(d->snapshot, "no") == 0 && d->readonly))
        attr(b, "snapshot", d->snapshot);
    qd_buf_puts(b, ">\n");

    if (d->driver)
        qd_dom_xnode_format(b, d->driver, indent + 2);
    list_format_many(b, &d->extra, before_source, indent + 2);

    if (strcmp(d->type, "file") == 0)
        path_attr = "file";
    else if (strcmp(d->type, "block") == 0)
        path_attr = "dev";
    else if (strcmp(d->type, "dir") == 0)
        path_attr = "dir";
    if ((path_attr && d->src_path) ||
        (d->source && (d->source->nattrs || d->source->nkids))) {
        struct qd_dom_xnode *s = qd_dom_xnode_new("source");

        if (path_attr && d->src_path)
            qd_dom_xnode_set_attr(s, path_attr, d->src_path);
        if (d->source) {
            for (i = 0; i < d->source->nattrs; i++)
                qd_dom_xnode_set_attr(s, d->source->attrs[i].name,
                                      d->source->attrs[i].value);
            for (i = 0; i < d->source->nkids; i++)
                qd_dom_xnode_add_kid(s,
                                     qd_dom_xnode_copy(d->source->kids[i]));
        }
        qd_dom_xnode_format(b, s, indent + 2);
        qd_dom_xnode_free(s);
    }
    list_format_many(b, &d->extra, before_target, indent + 2);

    ind(b, indent + 2);
    qd_buf_printf(b, "<target dev='%s' bus='%s'", d->dst, d->bus);
    for (i = 0; i < d->ntarget_attrs; i++)
        attr(b, d->target_attrs[i].name, d->target_attrs[i].value);
    qd_buf_puts(b, "/>\n");
    list_format(b, &d->extra, "iotune", indent + 2);
    if (d->readonly) {
        ind(b, indent + 2);
        qd_buf_puts(b, "<readonly/>\n");
    }
    if (d->shareable) {
        ind(b, indent + 2);
        qd_buf_puts(b, "<shareable/>\n");
    }
    list_format(b, &d->extra, "transient", indent + 2);
    if (d->serial) {
        ind(b, indent + 2);
        qd_buf_puts(b, "<serial>");
        qd_dom_buf_escape(b, d->serial);
        qd_buf_puts(b, "</serial>\n");
    }
    list_format_many(b, &d->extra, after_serial, indent + 2);
    qd_dom_format_devinfo(b, &d->info, indent + 2, QD_DOM_INFO_ALLOW_BOOT);
    ind(b, indent);
    qd_buf_puts(b, "</disk>\n");
}

/* ---- controller ---- */

void
qd_dom_format_controller(struct qd_buf *b, const struct qd_dom_controller *c,
                         int indent)
{
    struct qd_buf kids = { 0 };
    size_t i;

    ind(b, indent);
    qd_buf_printf(b, "<controller type='%s' index='%d'", c->type, c->idx);
    attr(b, "model", c->model);
    for (i = 0; i < c->nattrs; i++)
        attr(b, c->attrs[i].name, c->attrs[i].value);

    list_format(&kids, &c->extra, "model", indent + 2);
    list_format(&kids, &c->extra, "target", indent + 2);
    list_format(&kids, &c->extra, "driver", indent + 2);
    qd_dom_format_devinfo(&kids, &c->info, indent + 2, 0);
    list_format(&kids, &c->extra, "pcihole64", indent + 2);
    if (kids.len) {
        qd_buf_puts(b, ">\n");
        qd_buf_append(b, kids.data, kids.len);
        ind(b, indent);
        qd_buf_puts(b, "</controller>\n");
    } else {
        qd_buf_puts(b, "/>\n");
    }
    qd_buf_clear(&kids);
}

/* ---- interface ---- */

static bool
net_is_virtio(const struct qd_dom_net *n)
{
    return n->model && (strcmp(n->model, "virtio") == 0 ||
                        strcmp(n->model, "virtio-transitional") == 0 ||
                        strcmp(n->model, "virtio-non-transitional") == 0);
}

void
qd_dom_format_net(struct qd_buf *b, const struct qd_dom_net *n, int indent,
                  unsigned flags)
{
    static const char *const after_source[] = {
        "vlan", "virtualport", "bandwidth", "port", "ip", "route",
        "portForward", "script", "downscript", "backenddomain", NULL
    };
    static const char *const after_model[] = {
        "backend", "filterref", "tune", "teaming", "link", "mtu",
        "coalesce", NULL
    };
    const struct qd_dom_xnode *backend = qd_dom_xlist_find(&n->extra,
                                                           "backend");
    bool inactive = flags & QD_DOM_XML_INACTIVE;
    size_t i;

    ind(b, indent);
    qd_buf_printf(b, "<interface type='%s'", n->type);
    if (n->managed)
        qd_buf_puts(b, " managed='yes'");
    attr(b, "trustGuestRxFilters", n->trust_guest_rx_filters);
    qd_buf_puts(b, ">\n");

    ind(b, indent + 2);
    qd_buf_printf(b, "<mac address='%02x:%02x:%02x:%02x:%02x:%02x'",
                  n->mac[0], n->mac[1], n->mac[2], n->mac[3], n->mac[4],
                  n->mac[5]);
    if (n->mac_node) {
        for (i = 0; i < n->mac_node->nattrs; i++)
            attr(b, n->mac_node->attrs[i].name, n->mac_node->attrs[i].value);
    }
    qd_buf_puts(b, "/>\n");

    if (strcmp(n->type, "user") == 0 && n->source_dev && backend &&
        qd_dom_xnode_attr(backend, "type") &&
        strcmp(qd_dom_xnode_attr(backend, "type"), "passt") == 0) {
        struct qd_dom_xnode *s = qd_dom_xnode_copy(n->source);

        qd_dom_xnode_set_attr(s, "dev", n->source_dev);
        qd_dom_xnode_format(b, s, indent + 2);
        qd_dom_xnode_free(s);
    } else if (n->source && (n->source->nattrs || n->source->nkids)) {
        qd_dom_xnode_format(b, n->source, indent + 2);
    }
    list_format_many(b, &n->extra, after_source, indent + 2);

    if ((n->ifname &&
         (!inactive || (n->target && strcmp(qd_dom_xnode_attr(n->target,
                                                              "managed"),
                                            "no") == 0) ||
          !(strncmp(n->ifname, "vnet", 4) == 0 ||
            strncmp(n->ifname, "macvtap", 7) == 0 ||
            strncmp(n->ifname, "macvlan", 7) == 0))) || n->target) {
        ind(b, indent + 2);
        qd_buf_puts(b, "<target");
        if (n->ifname &&
            (!inactive || (n->target && strcmp(qd_dom_xnode_attr(n->target,
                                                                 "managed"),
                                               "no") == 0) ||
             !(strncmp(n->ifname, "vnet", 4) == 0 ||
               strncmp(n->ifname, "macvtap", 7) == 0 ||
               strncmp(n->ifname, "macvlan", 7) == 0)))
            attr(b, "dev", n->ifname);
        if (n->target)
            attr(b, "managed", qd_dom_xnode_attr(n->target, "managed"));
        qd_buf_puts(b, "/>\n");
    }
    list_format(b, &n->extra, "guest", indent + 2);
    if (n->model) {
        ind(b, indent + 2);
        qd_buf_puts(b, "<model");
        attr(b, "type", n->model);
        qd_buf_puts(b, "/>\n");
        if (net_is_virtio(n))
            list_format(b, &n->extra, "driver", indent + 2);
    }
    list_format_many(b, &n->extra, after_model, indent + 2);
    qd_dom_format_devinfo(b, &n->info, indent + 2,
                          QD_DOM_INFO_ALLOW_BOOT | QD_DOM_INFO_ALLOW_ROM);
    ind(b, indent);
    qd_buf_puts(b, "</interface>\n");
}

/* ---- character devices ---- */

static void
chr_source_format(struct qd_buf *b, const struct qd_dom_chr *c, int indent,
                  unsigned flags)
{
    const char *t = c->type;
    size_t i;

    if (strcmp(t, "pty") == 0 || strcmp(t, "dev") == 0 ||
        strcmp(t, "file") == 0 || strcmp(t, "pipe") == 0) {
        if (strcmp(t, "pty") != 0 ||
            (c->path && !(flags & QD_DOM_XML_INACTIVE))) {
            bool seclabels = qd_dom_xlist_find(&c->source_kids, "seclabel");

            if (!c->path && !(strcmp(t, "file") == 0 && c->append) &&
                !seclabels)
                return;
            ind(b, indent);
            qd_buf_puts(b, "<source");
            attr(b, "path", c->path);
            if (strcmp(t, "file") == 0)
                attr(b, "append", c->append);
            if (seclabels) {
                qd_buf_puts(b, ">\n");
                for (i = 0; i < c->source_kids.n; i++)
                    qd_dom_xnode_format(b, c->source_kids.items[i],
                                        indent + 2);
                ind(b, indent);
                qd_buf_puts(b, "</source>\n");
            } else {
                qd_buf_puts(b, "/>\n");
            }
        }
    } else if (strcmp(t, "nmdm") == 0) {
        if (c->master) {
            ind(b, indent);
            qd_buf_puts(b, "<source master='");
            qd_dom_buf_escape(b, c->master);
            qd_buf_puts(b, "' ");
        }
        if (c->slave) {
            if (!c->master)
                ind(b, indent);
            qd_buf_puts(b, "slave='");
            qd_dom_buf_escape(b, c->slave);
            qd_buf_puts(b, "'/>\n");
        }
    } else if (strcmp(t, "udp") == 0) {
        if (c->bind_host || c->bind_service) {
            ind(b, indent);
            qd_buf_puts(b, "<source mode='bind'");
            attr(b, "host", c->bind_host);
            attr(b, "service", c->bind_service);
            qd_buf_puts(b, "/>\n");
        }
        if (c->host || c->service) {
            ind(b, indent);
            qd_buf_puts(b, "<source mode='connect'");
            attr(b, "host", c->host);
            attr(b, "service", c->service);
            qd_buf_puts(b, "/>\n");
        }
    } else if (strcmp(t, "tcp") == 0) {
        ind(b, indent);
        qd_buf_printf(b, "<source mode='%s' ", c->mode);
        if (c->host) {
            qd_buf_puts(b, "host='");
            qd_dom_buf_escape(b, c->host);
            qd_buf_puts(b, "' ");
        }
        if (c->service) {
            qd_buf_puts(b, "service='");
            qd_dom_buf_escape(b, c->service);
            qd_buf_puts(b, "'");
        }
        attr(b, "tls", c->tls);
        if (c->source_kids.n) {
            qd_buf_puts(b, ">\n");
            for (i = 0; i < c->source_kids.n; i++)
                qd_dom_xnode_format(b, c->source_kids.items[i], indent + 2);
            ind(b, indent);
            qd_buf_puts(b, "</source>\n");
        } else {
            qd_buf_puts(b, "/>\n");
        }
        ind(b, indent);
        qd_buf_printf(b, "<protocol type='%s'/>\n", c->protocol);
    } else if (strcmp(t, "unix") == 0) {
        if (c->path) {
            ind(b, indent);
            qd_buf_printf(b, "<source mode='%s'", c->mode);
            attr(b, "path", c->path);
            if (c->source_kids.n) {
                qd_buf_puts(b, ">\n");
                list_format(b, &c->source_kids, "seclabel", indent + 2);
                list_format(b, &c->source_kids, "reconnect", indent + 2);
                ind(b, indent);
                qd_buf_puts(b, "</source>\n");
            } else {
                qd_buf_puts(b, "/>\n");
            }
        }
    } else if (strcmp(t, "spiceport") == 0 || strcmp(t, "dbus") == 0) {
        if (c->channel) {
            ind(b, indent);
            qd_buf_puts(b, "<source");
            attr(b, "channel", c->channel);
            qd_buf_puts(b, "/>\n");
        }
    } else if (strcmp(t, "qemu-vdagent") == 0) {
        if (c->source_kids.n) {
            ind(b, indent);
            qd_buf_puts(b, "<source>\n");
            list_format(b, &c->source_kids, "clipboard", indent + 2);
            list_format(b, &c->source_kids, "mouse", indent + 2);
            ind(b, indent);
            qd_buf_puts(b, "</source>\n");
        }
    }
    if (c->log)
        qd_dom_xnode_format(b, c->log, indent);
}

void
qd_dom_format_chr(struct qd_buf *b, const struct qd_dom_chr *c,
                  const char *kind, const char *target_type, int port,
                  int indent, unsigned flags)
{
    ind(b, indent);
    qd_buf_printf(b, "<%s type='%s'", kind, c->type);
    if (strcmp(kind, "console") == 0 && port == 0 &&
        strcmp(c->type, "pty") == 0 && !(flags & QD_DOM_XML_INACTIVE) &&
        c->path)
        attr(b, "tty", c->path);
    qd_buf_puts(b, ">\n");
    chr_source_format(b, c, indent + 2, flags);

    ind(b, indent + 2);
    if (strcmp(kind, "channel") == 0) {
        qd_buf_printf(b, "<target type='%s'", target_type);
        if (strcmp(target_type, "guestfwd") == 0) {
            qd_buf_printf(b, " address='%s' port='%s'", c->target_address,
                          c->target_tport);
        } else {
            attr(b, "name", c->target_name);
        }
        qd_buf_puts(b, "/>\n");
    } else if (strcmp(kind, "console") == 0) {
        qd_buf_printf(b, "<target type='%s' port='%d'/>\n",
                      target_type ? target_type : "none", port);
    } else if (strcmp(kind, "serial") == 0) {
        qd_buf_puts(b, "<target ");
        if (target_type)
            qd_buf_printf(b, "type='%s' ", target_type);
        qd_buf_printf(b, "port='%d'", port);
        if (c->target_model) {
            qd_buf_puts(b, ">\n");
            ind(b, indent + 4);
            qd_buf_printf(b, "<model name='%s'/>\n", c->target_model);
            ind(b, indent + 2);
            qd_buf_puts(b, "</target>\n");
        } else {
            qd_buf_puts(b, "/>\n");
        }
    } else {
        qd_buf_printf(b, "<target port='%d'/>\n", port);
    }
    qd_dom_format_devinfo(b, &c->info, indent + 2, 0);
    ind(b, indent);
    qd_buf_printf(b, "</%s>\n", kind);
}

/* ---- input, graphics, video, sound, memballoon ---- */

void
qd_dom_format_input(struct qd_buf *b, const struct qd_dom_input *in,
                    int indent)
{
    struct qd_buf kids = { 0 };

    ind(b, indent);
    qd_buf_printf(b, "<input type='%s'", in->type);
    attr(b, "bus", in->bus);
    attr(b, "model", in->model);
    if (in->driver)
        qd_dom_xnode_format(&kids, in->driver, indent + 2);
    if (in->source)
        qd_dom_xnode_format(&kids, in->source, indent + 2);
    qd_dom_format_devinfo(&kids, &in->info, indent + 2, 0);
    if (kids.len) {
        qd_buf_puts(b, ">\n");
        qd_buf_append(b, kids.data, kids.len);
        ind(b, indent);
        qd_buf_puts(b, "</input>\n");
    } else {
        qd_buf_puts(b, "/>\n");
    }
    qd_buf_clear(&kids);
}

static void
listen_addr(struct qd_buf *b, const struct qd_dom_listen *l, unsigned flags)
{
    if (strcmp(l->type, "network") == 0 && (flags & QD_DOM_XML_INACTIVE))
        return;
    /* escaped here and in <listen address=>, unlike libvirt 9.0, whose
     * unescaped quote makes XML that nobody reads back */
    attr(b, "listen", l->address);
}

void
qd_dom_format_graphics(struct qd_buf *b, const struct qd_dom_graphics *g,
                       int indent, unsigned flags)
{
    const struct qd_dom_listen *gl = g->nlistens ? &g->listens[0] : NULL;
    bool inactive = flags & QD_DOM_XML_INACTIVE;
    bool vnc = strcmp(g->type, "vnc") == 0;
    size_t i;

    if (g->raw) {
        qd_dom_xnode_format(b, g->raw, indent);
        return;
    }
    ind(b, indent);
    qd_buf_printf(b, "<graphics type='%s'", g->type);
    if (gl && strcmp(gl->type, "socket") == 0) {
        if (vnc)
            attr(b, "socket", gl->socket);
    } else if (gl && (strcmp(gl->type, "address") == 0 ||
                      strcmp(gl->type, "network") == 0)) {
        if (vnc) {
            if (g->port && (!g->autoport || !inactive))
                qd_buf_printf(b, " port='%d'", g->port);
            else if (g->autoport)
                qd_buf_puts(b, " port='-1'");
            qd_buf_printf(b, " autoport='%s'", g->autoport ? "yes" : "no");
            if (g->websocket)
                qd_buf_printf(b, " websocket='%d'", g->websocket);
        } else {
            if (g->port)
                qd_buf_printf(b, " port='%d'", g->port);
            if (g->tls_port)
                qd_buf_printf(b, " tlsPort='%d'", g->tls_port);
            qd_buf_printf(b, " autoport='%s'", g->autoport ? "yes" : "no");
        }
        listen_addr(b, gl, flags);
    }
    attr(b, "keymap", g->keymap);
    if (vnc) {
        attr(b, "sharePolicy", g->share_policy);
        attr(b, "powerControl", g->power_control);
    } else {
        attr(b, "defaultMode", g->default_mode);
    }
    if (g->passwd) {
        if (flags & QD_DOM_XML_SECURE)
            attr(b, "passwd", g->passwd);
        attr(b, "passwdValidTo", g->passwd_valid_to);
        attr(b, "connected", g->connected);
    }
    if (!vnc && !g->nlistens && !g->extra.n) {
        qd_buf_puts(b, "/>\n");
        return;
    }
    qd_buf_puts(b, ">\n");
    for (i = 0; i < g->nlistens; i++) {
        const struct qd_dom_listen *l = &g->listens[i];

        ind(b, indent + 2);
        qd_buf_printf(b, "<listen type='%s'", l->type);
        if (l->address && (strcmp(l->type, "address") == 0 ||
                           (strcmp(l->type, "network") == 0 && !inactive)))
            attr(b, "address", l->address);
        if (l->network && strcmp(l->type, "network") == 0)
            attr(b, "network", l->network);
        if (l->socket && strcmp(l->type, "socket") == 0)
            attr(b, "socket", l->socket);
        qd_buf_puts(b, "/>\n");
    }
    for (i = 0; i < g->extra.n; i++)
        qd_dom_xnode_format(b, g->extra.items[i], indent + 2);
    if (vnc && g->audio_id) {
        ind(b, indent + 2);
        qd_buf_printf(b, "<audio id='%u'/>\n", g->audio_id);
    }
    ind(b, indent);
    qd_buf_puts(b, "</graphics>\n");
}

void
qd_dom_format_video(struct qd_buf *b, const struct qd_dom_video *v,
                    int indent)
{
    ind(b, indent);
    qd_buf_puts(b, "<video>\n");
    if (v->driver)
        qd_dom_xnode_format(b, v->driver, indent + 2);
    ind(b, indent + 2);
    qd_buf_printf(b, "<model type='%s'", v->type ? v->type : "default");
    if (v->ram)
        qd_buf_printf(b, " ram='%u'", v->ram);
    if (v->vram)
        qd_buf_printf(b, " vram='%u'", v->vram);
    if (v->vram64)
        qd_buf_printf(b, " vram64='%u'", v->vram64);
    if (v->vgamem)
        qd_buf_printf(b, " vgamem='%u'", v->vgamem);
    if (v->heads)
        qd_buf_printf(b, " heads='%u'", v->heads);
    if (v->primary)
        qd_buf_puts(b, " primary='yes'");
    if (v->accel || v->resolution) {
        qd_buf_puts(b, ">\n");
        if (v->accel)
            qd_dom_xnode_format(b, v->accel, indent + 4);
        if (v->resolution)
            qd_dom_xnode_format(b, v->resolution, indent + 4);
        ind(b, indent + 2);
        qd_buf_puts(b, "</model>\n");
    } else {
        qd_buf_puts(b, "/>\n");
    }
    qd_dom_format_devinfo(b, &v->info, indent + 2, 0);
    ind(b, indent);
    qd_buf_puts(b, "</video>\n");
}

void
qd_dom_format_sound(struct qd_buf *b, const struct qd_dom_sound *s,
                    int indent)
{
    struct qd_buf kids = { 0 };
    size_t i;

    for (i = 0; i < s->extra.n; i++)
        qd_dom_xnode_format(&kids, s->extra.items[i], indent + 2);
    qd_dom_format_devinfo(&kids, &s->info, indent + 2, 0);
    ind(b, indent);
    qd_buf_printf(b, "<sound model='%s'", s->model);
    if (kids.len) {
        qd_buf_puts(b, ">\n");
        qd_buf_append(b, kids.data, kids.len);
        ind(b, indent);
        qd_buf_puts(b, "</sound>\n");
    } else {
        qd_buf_puts(b, "/>\n");
    }
    qd_buf_clear(&kids);
}

void
qd_dom_format_memballoon(struct qd_buf *b, const struct qd_dom_memballoon *m,
                         int indent)
{
    struct qd_buf kids = { 0 };

    if (m->period) {
        ind(&kids, indent + 2);
        qd_buf_printf(&kids, "<stats period='%i'/>\n", m->period);
    }
    qd_dom_format_devinfo(&kids, &m->info, indent + 2, 0);
    if (m->driver)
        qd_dom_xnode_format(&kids, m->driver, indent + 2);
    ind(b, indent);
    qd_buf_printf(b, "<memballoon model='%s'", m->model);
    attr(b, "autodeflate", m->autodeflate);
    attr(b, "freePageReporting", m->free_page_reporting);
    if (kids.len) {
        qd_buf_puts(b, ">\n");
        qd_buf_append(b, kids.data, kids.len);
        ind(b, indent);
        qd_buf_puts(b, "</memballoon>\n");
    } else {
        qd_buf_puts(b, "/>\n");
    }
    qd_buf_clear(&kids);
}

/* ---- all devices ---- */

void
qd_dom_format_devices(struct qd_buf *b, const struct qd_dom_def *def,
                      int indent, unsigned flags)
{
    static const char *const after_controllers[] = {
        "lease", "filesystem", NULL
    };
    static const char *const after_graphics_kept[] = { "audio", NULL };
    static const char *const after_videos[] = {
        "hostdev", "redirdev", "redirfilter", "hub", "watchdog", NULL
    };
    static const char *const after_balloon[] = {
        "rng", "nvram", "panic", "shmem", "memory", "iommu", "vsock", NULL
    };
    bool hvm = strcmp(def->os_type, "hvm") == 0;
    size_t i;

    for (i = 0; i < def->ndisks; i++)
        qd_dom_format_disk(b, def->disks[i], indent, flags);
    for (i = 0; i < def->ncontrollers; i++)
        qd_dom_format_controller(b, def->controllers[i], indent);
    list_format_many(b, &def->dev_extra, after_controllers, indent);
    for (i = 0; i < def->nnets; i++)
        qd_dom_format_net(b, def->nets[i], indent, flags);
    list_format(b, &def->dev_extra, "smartcard", indent);
    for (i = 0; i < def->nserials; i++)
        qd_dom_format_chr(b, def->serials[i], "serial",
                          def->serials[i]->target_type,
                          def->serials[i]->target_port, indent, flags);
    for (i = 0; i < def->nparallels; i++)
        qd_dom_format_chr(b, def->parallels[i], "parallel", NULL,
                          def->parallels[i]->target_port, indent, flags);
    for (i = 0; i < def->nconsoles; i++) {
        const struct qd_dom_chr *c = def->consoles[i];

        /* libvirt-compat: an HVM serial console prints as its serial */
        if (hvm && (!c->target_type ||
                    strcmp(c->target_type, "serial") == 0) &&
            i < def->nserials)
            qd_dom_format_chr(b, def->serials[i], "console", "serial",
                              def->serials[i]->target_port, indent, flags);
        else
            qd_dom_format_chr(b, c, "console", c->target_type,
                              c->target_port, indent, flags);
    }
    for (i = 0; i < def->nchannels; i++)
        qd_dom_format_chr(b, def->channels[i], "channel",
                          def->channels[i]->target_type,
                          def->channels[i]->target_port, indent, flags);
    for (i = 0; i < def->ninputs; i++) {
        const struct qd_dom_input *in = def->inputs[i];

        /* libvirt-compat: migratable XML leaves out ps2/xen keyboards */
        if ((flags & QD_DOM_XML_MIGRATABLE) &&
            strcmp(in->type, "keyboard") == 0 && in->bus &&
            (strcmp(in->bus, "ps2") == 0 || strcmp(in->bus, "xen") == 0))
            continue;
        qd_dom_format_input(b, in, indent);
    }
    list_format(b, &def->dev_extra, "tpm", indent);
    for (i = 0; i < def->ngraphics; i++)
        qd_dom_format_graphics(b, def->graphics[i], indent, flags);
    for (i = 0; i < def->nsounds; i++)
        qd_dom_format_sound(b, def->sounds[i], indent);
    list_format_many(b, &def->dev_extra, after_graphics_kept, indent);
    for (i = 0; i < def->nvideos; i++)
        qd_dom_format_video(b, def->videos[i], indent);
    list_format_many(b, &def->dev_extra, after_videos, indent);
    if (def->memballoon)
        qd_dom_format_memballoon(b, def->memballoon, indent);
    list_format_many(b, &def->dev_extra, after_balloon, indent);
}
