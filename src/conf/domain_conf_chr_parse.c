/* Parsers for character devices (serial, parallel, console, channel)
 * and <input>, following libvirt 9.0's domain_conf.c. */
#include "conf/domain_conf.h"

#include <stdio.h>
#include <string.h>

#include <libxml/tree.h>

#include "conf/domain_conf_dev.h"
#include "conf/domain_conf_priv.h"
#include "util/mem.h"

static const char *const chr_types[] = {
    "null", "vc", "pty", "dev", "file", "pipe", "stdio", "udp", "tcp", "unix",
    "spicevmc", "spiceport", "nmdm", "qemu-vdagent", "dbus", NULL
};
static const char *const serial_targets[] = {
    "none", "isa-serial", "usb-serial", "pci-serial", "spapr-vio-serial",
    "system-serial", "sclp-serial", "isa-debug", NULL
};
static const char *const channel_targets[] = {
    "none", "guestfwd", "virtio", "xen", NULL
};
static const char *const console_targets[] = {
    "none", "serial", "xen", "uml", "virtio", "lxc", "openvz", "sclp",
    "sclplm", NULL
};
static const char *const serial_models[] = {
    "none", "isa-serial", "usb-serial", "pci-serial", "spapr-vty", "pl011",
    "sclpconsole", "sclplmconsole", "16550a", "isa-debugcon", NULL
};
static const char *const tcp_protocols[] = {
    "raw", "telnet", "telnets", "tls", NULL
};
static const char *const chr_states[] = {
    "default", "connected", "disconnected", NULL
};
static const char *const source_modes[] = { "connect", "bind", NULL };
static const char *const virtio_opts[] = {
    "iommu", "ats", "packed", "page_per_vq", NULL
};

/* ---- character devices ---- */

struct qd_dom_chr *
qd_dom_chr_new_stub(const char *kind, const char *target_type)
{
    struct qd_dom_chr *c = QD_NEW(struct qd_dom_chr);

    c->kind = qd_strdup(kind);
    c->type = qd_strdup("pty");
    c->target_type = target_type ? qd_strdup(target_type) : NULL;
    c->target_port = -1;
    qd_dom_devinfo_clear(&c->info);
    return c;
}

static bool
str_eq(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

bool
qd_dom_chr_source_equal(const struct qd_dom_chr *a, const struct qd_dom_chr *b)
{
    if (strcmp(a->type, b->type) != 0)
        return false;
    return str_eq(a->path, b->path) && str_eq(a->append, b->append) &&
           str_eq(a->mode, b->mode) && str_eq(a->host, b->host) &&
           str_eq(a->service, b->service) &&
           str_eq(a->bind_host, b->bind_host) &&
           str_eq(a->bind_service, b->bind_service) &&
           str_eq(a->channel, b->channel) && str_eq(a->master, b->master) &&
           str_eq(a->slave, b->slave) && str_eq(a->protocol, b->protocol);
}

static int
chr_target(struct qd_dom_chr *c, xmlNodePtr target, unsigned pflags,
           struct qd_err *err)
{
    const char *const *types = NULL;
    _cleanup_free_ char *type = qd_dom_xprop(target, "type");
    _cleanup_free_ char *model = qd_dom_xchild_prop(target, "model", "name");
    _cleanup_free_ char *port = NULL;
    int t = 0;

    if (strcmp(c->kind, "serial") == 0)
        types = serial_targets;
    else if (strcmp(c->kind, "channel") == 0)
        types = channel_targets;
    else if (strcmp(c->kind, "console") == 0)
        types = console_targets;

    if (!type && strcmp(c->kind, "channel") == 0)
        return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                             "target type must be specified for %s device",
                             c->kind);
    if (type && types && (t = qd_dom_enum_index(types, type)) < 0)
        return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_DOMAIN,
                             "unknown target type '%s' specified for "
                             "character device", type);
    if (types && (t > 0 || strcmp(c->kind, "channel") == 0))
        c->target_type = qd_strdup(types[t]);
    if (model && strcmp(c->kind, "serial") == 0) {
        int m = qd_dom_enum_index(serial_models, model);

        if (m < 0)
            return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED,
                                 QD_FROM_DOMAIN, "unknown target model '%s' "
                                 "specified for character device", model);
        if (m > 0)
            c->target_model = qd_strdup(serial_models[m]);
    }

    if (strcmp(c->kind, "channel") == 0) {
        if (strcmp(c->target_type, "guestfwd") == 0) {
            unsigned int p;

            if (!(c->target_address = qd_dom_xprop(target, "address")))
                return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                                     "guestfwd channel does not define a "
                                     "target address");
            if (qd_dom_prop_uint(target, "port", 10, QD_DOM_PROP_REQUIRED,
                                 &p, err) < 0)
                return -1;
            c->target_tport = qd_asprintf("%u", p);
        } else {
            c->target_name = qd_dom_xprop(target, "name");
        }
        return 0;
    }
    if (!(port = qd_dom_xprop(target, "port"))) {
        c->target_port = -1;
    } else {
        unsigned int p;

        if (qd_dom_str_to_ui(port, 10, &p) < 0)
            return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                                 "Invalid port number: %s", port);
        c->target_port = (int) p;
    }
    (void) pflags;
    return 0;
}

static int
chr_reconnect(struct qd_dom_chr *c, xmlNodePtr src, struct qd_err *err)
{
    xmlNodePtr rc = qd_dom_xfirst(src, "reconnect");
    struct qd_dom_xnode *n;
    unsigned int timeout;
    int enabled;

    if (!rc)
        return 0;
    if (qd_dom_prop_enum(rc, "enabled", qd_dom_tristate_bool,
                         QD_DOM_PROP_NONZERO, &enabled, 0, err) < 0)
        return -1;
    if (!enabled)
        return 0;
    n = qd_dom_xnode_new("reconnect");
    qd_dom_xnode_set_attr(n, "enabled", qd_dom_tristate_bool[enabled]);
    if (enabled == 1) {
        char num[16];

        if (qd_dom_prop_uint(rc, "timeout", 10, QD_DOM_PROP_REQUIRED,
                             &timeout, err) < 0) {
            qd_dom_xnode_free(n);
            return -1;
        }
        snprintf(num, sizeof(num), "%u", timeout);
        qd_dom_xnode_set_attr(n, "timeout", num);
    }
    qd_dom_xlist_add(&c->source_kids, n);
    return 0;
}

static int
chr_mode(xmlNodePtr src, char **ret, struct qd_err *err)
{
    int m;

    if (qd_dom_prop_enum(src, "mode", source_modes, 0, &m, 0, err) < 0)
        return -1;
    *ret = qd_strdup(source_modes[m]);
    return 0;
}

static int
chr_source(struct qd_dom_chr *c, xmlNodePtr node, unsigned pflags,
           struct qd_err *err)
{
    xmlNodePtr src = qd_dom_xfirst(node, "source"), cur;
    size_t nsrc = qd_dom_xcount(node, "source");
    const char *t = c->type;

    if (nsrc > 1 && strcmp(t, "udp") != 0)
        return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                             "only one source element is allowed for "
                             "character device");
    if (nsrc > 2)
        return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                             "only two source elements are allowed for "
                             "character device");
    if (src) {
        if (strcmp(t, "file") == 0) {
            int append;

            c->path = qd_dom_xprop(src, "path");
            if (qd_dom_prop_enum(src, "append", qd_dom_tristate_switch,
                                 QD_DOM_PROP_NONZERO, &append, 0, err) < 0)
                return -1;
            if (append)
                c->append = qd_strdup(qd_dom_tristate_switch[append]);
        } else if (strcmp(t, "pty") == 0) {
            if (!(pflags & QD_DOM_PARSE_INACTIVE))
                c->path = qd_dom_xprop(src, "path");
        } else if (strcmp(t, "dev") == 0 || strcmp(t, "pipe") == 0) {
            c->path = qd_dom_xprop(src, "path");
        } else if (strcmp(t, "unix") == 0) {
            if (chr_mode(src, &c->mode, err) < 0)
                return -1;
            c->path = qd_dom_xprop(src, "path");
            if (chr_reconnect(c, src, err) < 0)
                return -1;
        } else if (strcmp(t, "udp") == 0) {
            for (cur = src; cur; cur = qd_dom_xnext(cur)) {
                _cleanup_free_ char *mode = NULL;

                if (chr_mode(cur, &mode, err) < 0)
                    return -1;
                if (strcmp(mode, "connect") == 0 && !c->host &&
                    !c->service) {
                    c->host = qd_dom_xprop(cur, "host");
                    c->service = qd_dom_xprop(cur, "service");
                } else if (strcmp(mode, "bind") == 0 && !c->bind_host &&
                           !c->bind_service) {
                    c->bind_host = qd_dom_xprop(cur, "host");
                    c->bind_service = qd_dom_xprop(cur, "service");
                }
            }
        } else if (strcmp(t, "tcp") == 0) {
            int tls;

            if (chr_mode(src, &c->mode, err) < 0)
                return -1;
            c->host = qd_dom_xprop(src, "host");
            c->service = qd_dom_xprop(src, "service");
            if (qd_dom_prop_enum(src, "tls", qd_dom_tristate_bool,
                                 QD_DOM_PROP_NONZERO, &tls, 0, err) < 0)
                return -1;
            if (tls)
                c->tls = qd_strdup(qd_dom_tristate_bool[tls]);
            if (chr_reconnect(c, src, err) < 0)
                return -1;
        } else if (strcmp(t, "spiceport") == 0 || strcmp(t, "dbus") == 0) {
            c->channel = qd_dom_xprop(src, "channel");
        } else if (strcmp(t, "nmdm") == 0) {
            c->master = qd_dom_xprop(src, "master");
            c->slave = qd_dom_xprop(src, "slave");
        } else if (strcmp(t, "qemu-vdagent") == 0) {
            static const char *const clip[] = { "copypaste", NULL };
            static const char *const mouse[] = { "mode", NULL };

            if ((cur = qd_dom_xfirst(src, "clipboard")))
                qd_dom_xlist_add(&c->source_kids,
                                 qd_dom_xnode_pick(cur, "clipboard", clip));
            if ((cur = qd_dom_xfirst(src, "mouse")))
                qd_dom_xlist_add(&c->source_kids,
                                 qd_dom_xnode_pick(cur, "mouse", mouse));
        }
        for (cur = qd_dom_xfirst(src, "seclabel"); cur;
             cur = qd_dom_xnext(cur))
            qd_dom_xlist_add(&c->source_kids, qd_dom_xnode_from_xml(cur));
    }
    if (qd_dom_xcount(node, "log") > 1)
        return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                             "only one log element is allowed for character "
                             "device");
    if ((cur = qd_dom_xfirst(node, "log"))) {
        _cleanup_free_ char *file = qd_dom_xprop(cur, "file");
        int append;

        if (qd_dom_prop_enum(cur, "append", qd_dom_tristate_switch,
                             QD_DOM_PROP_NONZERO, &append, 0, err) < 0)
            return -1;
        if (file) {
            c->log = qd_dom_xnode_new("log");
            qd_dom_xnode_set_attr(c->log, "file", file);
            if (append)
                qd_dom_xnode_set_attr(c->log, "append",
                                      qd_dom_tristate_switch[append]);
        }
    }
    if (qd_dom_xcount(node, "protocol") > 1)
        return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                             "only one protocol element is allowed for "
                             "character device");
    if (strcmp(t, "tcp") == 0) {
        _cleanup_free_ char *proto = qd_dom_xchild_prop(node, "protocol",
                                                        "type");
        int p = 0;

        if (proto && (p = qd_dom_enum_index(tcp_protocols, proto)) < 0)
            return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED,
                                 QD_FROM_DOMAIN, "Unknown protocol '%s'",
                                 proto);
        c->protocol = qd_strdup(tcp_protocols[p]);
        if (!c->mode)
            c->mode = qd_strdup("connect");
    }
    return 0;
}

struct qd_dom_chr *
qd_dom_parse_chr(xmlNodePtr node, unsigned pflags, struct qd_err *err)
{
    struct qd_dom_chr *c = QD_NEW(struct qd_dom_chr);
    _cleanup_free_ char *type = qd_dom_xprop(node, "type");
    xmlNodePtr target;

    c->info.master_startport = -1;
    c->target_port = -1;
    c->kind = qd_strdup((const char *) node->name);
    if (!type) {
        c->type = qd_strdup("pty");
    } else if (qd_dom_enum_index(chr_types, type) < 0) {
        qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_DOMAIN,
                      "unknown type presented to host for character "
                      "device: %s", type);
        goto error;
    } else {
        c->type = steal_ptr(&type);
    }
    if ((target = qd_dom_xfirst(node, "target"))) {
        if (chr_target(c, target, pflags, err) < 0)
            goto error;
    } else if (strcmp(c->kind, "channel") == 0) {
        qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                      "target type must be specified for %s device",
                      c->kind);
        goto error;
    }
    if (strcmp(c->kind, "channel") == 0 && c->target_type &&
        strcmp(c->target_type, "virtio") == 0 &&
        !(pflags & QD_DOM_PARSE_INACTIVE)) {
        int state;

        if (qd_dom_prop_enum(target, "state", chr_states,
                             QD_DOM_PROP_NONZERO, &state, 0, err) < 0)
            goto error;
    }
    if (chr_source(c, node, pflags, err) < 0)
        goto error;
    if (strcmp(c->type, "spicevmc") == 0 &&
        !(c->target_type && strcmp(c->target_type, "virtio") == 0)) {
        qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_DOMAIN,
                      "spicevmc device type only supports virtio");
        goto error;
    }
    if (qd_dom_parse_devinfo(node, pflags, 0, &c->info, err) < 0)
        goto error;
    if (strcmp(c->kind, "serial") == 0 && c->target_type &&
        strcmp(c->target_type, "usb-serial") == 0 &&
        c->info.addr.type != QD_DOM_ADDR_NONE &&
        c->info.addr.type != QD_DOM_ADDR_USB) {
        qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_DOMAIN,
                      "usb-serial requires address of usb type");
        goto error;
    }
    return c;

 error:
    qd_dom_chr_free(c);
    return NULL;
}

/* ---- input ---- */

static const char *const input_types[] = {
    "mouse", "tablet", "keyboard", "passthrough", "evdev", NULL
};
static const char *const input_buses[] = {
    "ps2", "usb", "xen", "parallels", "virtio", "none", NULL
};
static const char *const input_models[] = {
    "default", "virtio", "virtio-transitional", "virtio-non-transitional",
    NULL
};
static const char *const grabs[] = { "default", "all", NULL };
static const char *const grab_toggles[] = {
    "default", "ctrl-ctrl", "alt-alt", "shift-shift", "meta-meta",
    "scrolllock", "ctrl-scrolllock", NULL
};

static bool
arch_is_x86(const char *arch)
{
    return strcmp(arch, "i686") == 0 || strcmp(arch, "x86_64") == 0;
}

struct qd_dom_input *
qd_dom_parse_input(const struct qd_dom_def *def, xmlNodePtr node,
                   unsigned pflags, struct qd_err *err)
{
    struct qd_dom_input *in = QD_NEW(struct qd_dom_input);
    _cleanup_free_ char *type = qd_dom_xprop(node, "type");
    _cleanup_free_ char *bus = qd_dom_xprop(node, "bus");
    _cleanup_free_ char *model = qd_dom_xprop(node, "model");
    xmlNodePtr src, drv;
    int t, m;

    in->info.master_startport = -1;
    if (!type) {
        qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_DOMAIN,
                      "missing input device type");
        goto error;
    }
    if ((t = qd_dom_enum_index(input_types, type)) < 0) {
        qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_DOMAIN,
                      "unknown input device type '%s'", type);
        goto error;
    }
    in->type = qd_strdup(input_types[t]);
    if (model) {
        if ((m = qd_dom_enum_index(input_models, model)) <= 0) {
            qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_DOMAIN,
                          "unknown input model '%s'", model);
            goto error;
        }
        in->model = qd_strdup(input_models[m]);
    }
    if (bus) {
        int b = qd_dom_enum_index(input_buses, bus);

        if (b < 0) {
            qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_DOMAIN,
                          "unknown input bus type '%s'", bus);
            goto error;
        }
        if (strcmp(input_buses[b], "none") != 0)
            in->bus = qd_strdup(input_buses[b]);
    } else if (strcmp(def->os_type, "hvm") == 0) {
        if ((t == 0 || t == 2) && arch_is_x86(def->os_arch))
            in->bus = qd_strdup("ps2");
        else if (strncmp(def->os_arch, "s390", 4) == 0 || t == 3)
            in->bus = qd_strdup("virtio");
        else if (t != 4)
            in->bus = qd_strdup("usb");
    } else if (strcmp(def->os_type, "xen") == 0 ||
               strcmp(def->os_type, "xenpvh") == 0) {
        in->bus = qd_strdup("xen");
    } else if (strcmp(def->virt_type, "vz") == 0 ||
               strcmp(def->virt_type, "parallels") == 0) {
        in->bus = qd_strdup("parallels");
    } else {
        /* libvirt-compat: the zero bus value is ps2 */
        in->bus = qd_strdup("ps2");
    }
    if (qd_dom_parse_devinfo(node, pflags, 0, &in->info, err) < 0)
        goto error;
    if (in->bus && strcmp(in->bus, "usb") == 0 &&
        in->info.addr.type != QD_DOM_ADDR_NONE &&
        in->info.addr.type != QD_DOM_ADDR_USB) {
        qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                      "Invalid address for a USB device");
        goto error;
    }
    if ((src = qd_dom_xfirst(node, "source"))) {
        _cleanup_free_ char *evdev = NULL;
        struct qd_dom_xnode *s = qd_dom_xnode_new("source");

        in->source = s;
        if (t == 3)
            evdev = qd_dom_xprop(src, "evdev");
        else if (t == 4)
            evdev = qd_dom_xprop(src, "dev");
        if ((t == 3 || t == 4) && !evdev) {
            qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                          "Missing evdev path for input device");
            goto error;
        }
        if (evdev)
            qd_dom_xnode_set_attr(s, t == 4 ? "dev" : "evdev", evdev);
        if (t == 4) {
            int g, gt, r;

            if (qd_dom_prop_enum(src, "grab", grabs, QD_DOM_PROP_NONZERO, &g,
                                 0, err) < 0 ||
                qd_dom_prop_enum(src, "grabToggle", grab_toggles,
                                 QD_DOM_PROP_NONZERO, &gt, 0, err) < 0 ||
                qd_dom_prop_enum(src, "repeat", qd_dom_tristate_switch,
                                 QD_DOM_PROP_NONZERO, &r, 0, err) < 0)
                goto error;
            if (g)
                qd_dom_xnode_set_attr(s, "grab", grabs[g]);
            if (gt)
                qd_dom_xnode_set_attr(s, "grabToggle", grab_toggles[gt]);
            if (r)
                qd_dom_xnode_set_attr(s, "repeat",
                                      qd_dom_tristate_switch[r]);
        }
        if (!s->nattrs) {
            qd_dom_xnode_free(s);
            in->source = NULL;
        }
    }
    if ((drv = qd_dom_xfirst(node, "driver"))) {
        in->driver = qd_dom_xnode_pick(drv, "driver", virtio_opts);
        if (!in->driver->nattrs) {
            qd_dom_xnode_free(in->driver);
            in->driver = NULL;
        }
    }
    return in;

 error:
    qd_dom_input_free(in);
    return NULL;
}
