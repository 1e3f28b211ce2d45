/* Parsers for <graphics>, <video>, <sound> and <memballoon>, following
 * libvirt 9.0's domain_conf.c. */
#include "conf/domain_conf.h"

#include <stdio.h>
#include <string.h>

#include <libxml/tree.h>

#include "conf/domain_conf_dev.h"
#include "conf/domain_conf_priv.h"
#include "util/mem.h"

static const char *const virtio_opts[] = {
    "iommu", "ats", "packed", "page_per_vq", NULL
};

/* ---- graphics ---- */

static const char *const graphics_types[] = {
    "sdl", "vnc", "rdp", "desktop", "spice", "egl-headless", "dbus", NULL
};
static const char *const listen_types[] = {
    "none", "address", "network", "socket", NULL
};
static const char *const share_policies[] = {
    "default", "allow-exclusive", "force-shared", "ignore", NULL
};
static const char *const auth_connected[] = {
    "default", "fail", "disconnect", "keep", NULL
};
static const char *const spice_modes[] = {
    "any", "secure", "insecure", NULL
};

static int
graphics_listens(struct qd_dom_graphics *g, xmlNodePtr node, unsigned pflags,
                 struct qd_err *err)
{
    _cleanup_free_ char *compat_addr = qd_dom_xprop(node, "listen");
    _cleanup_free_ char *compat_sock = NULL;
    xmlNodePtr cur;
    bool first = true;

    if (strcmp(g->type, "vnc") == 0)
        compat_sock = qd_dom_xprop(node, "socket");
    for (cur = qd_dom_xfirst(node, "listen"); cur; cur = qd_dom_xnext(cur)) {
        struct qd_dom_listen l = { NULL };
        _cleanup_free_ char *address = qd_dom_xprop(cur, "address");
        _cleanup_free_ char *network = qd_dom_xprop(cur, "network");
        _cleanup_free_ char *sock = qd_dom_xprop(cur, "socket");
        int t;

        if (qd_dom_prop_enum(cur, "type", listen_types, QD_DOM_PROP_REQUIRED,
                             &t, 0, err) < 0)
            return -1;
        if ((t == 3 || t == 0) && strcmp(g->type, "vnc") != 0 &&
            strcmp(g->type, "spice") != 0)
            return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED,
                                 QD_FROM_DOMAIN, "listen type '%s' is not "
                                 "available for graphics type '%s'",
                                 listen_types[t], g->type);
        if (t == 1 && first) {
            if (address && compat_addr && strcmp(address, compat_addr) != 0)
                return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED,
                                     QD_FROM_DOMAIN, "graphics 'listen' "
                                     "attribute '%s' must match 'address' "
                                     "attribute of first listen element "
                                     "(found '%s')", compat_addr, address);
            if (!address)
                address = steal_ptr(&compat_addr);
        }
        if (t == 3 && first) {
            if (sock && compat_sock && strcmp(sock, compat_sock) != 0)
                return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED,
                                     QD_FROM_DOMAIN, "graphics 'socket' "
                                     "attribute '%s' must match 'socket' "
                                     "attribute of first listen element "
                                     "(found '%s')", compat_sock, sock);
            if (!sock)
                sock = steal_ptr(&compat_sock);
        }
        if (t == 2 && !(network && *network))
            return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                                 "'network' attribute is required for "
                                 "listen type 'network'");
        l.type = qd_strdup(listen_types[t]);
        if (address && *address &&
            (t == 1 || (t == 2 && !(pflags & QD_DOM_PARSE_INACTIVE))))
            l.address = steal_ptr(&address);
        if (network && *network) {
            if (t != 2) {
                free(l.type);
                free(l.address);
                return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                                     "'network' attribute is valid only for "
                                     "listen type 'network'");
            }
            l.network = steal_ptr(&network);
        }
        if (sock && *sock) {
            if (t != 3) {
                free(l.type);
                free(l.address);
                free(l.network);
                return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                                     "'socket' attribute is valid only for "
                                     "listen type 'socket'");
            }
            l.socket = steal_ptr(&sock);
        }
        QD_DOM_APPEND(g->listens, g->nlistens, l);
        first = false;
    }
    if (g->nlistens == 0) {
        struct qd_dom_listen l = { NULL };

        if (compat_sock) {
            l.type = qd_strdup("socket");
            l.socket = steal_ptr(&compat_sock);
        } else {
            l.type = qd_strdup("address");
            if (compat_addr && *compat_addr)
                l.address = steal_ptr(&compat_addr);
        }
        QD_DOM_APPEND(g->listens, g->nlistens, l);
    } else if (compat_sock && (strcmp(g->listens[0].type, "address") == 0 ||
                               strcmp(g->listens[0].type, "network") == 0)) {
        struct qd_dom_listen *l = &g->listens[0];

        free(l->type);
        free(l->address);
        free(l->network);
        free(l->socket);
        l->type = qd_strdup("socket");
        l->address = l->network = NULL;
        l->socket = steal_ptr(&compat_sock);
    }
    return 0;
}

static int
graphics_auth(struct qd_dom_graphics *g, xmlNodePtr node, struct qd_err *err)
{
    _cleanup_free_ char *valid = NULL;
    _cleanup_free_ char *connected = qd_dom_xprop(node, "connected");

    if (!(g->passwd = qd_dom_xprop(node, "passwd")))
        return 0;
    if ((valid = qd_dom_xprop(node, "passwdValidTo"))) {
        int y, mo, d, h, mi, s;
        char tail;

        if (sscanf(valid, "%d-%d-%dT%d:%d:%d%c", &y, &mo, &d, &h, &mi, &s,
                   &tail) != 6)
            return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_DOMAIN,
                                 "cannot parse password validity time "
                                 "'%s', expect YYYY-MM-DDTHH:MM:SS", valid);
        g->passwd_valid_to = qd_asprintf("%04d-%02d-%02dT%02d:%02d:%02d",
                                         y, mo, d, h, mi, s);
    }
    if (connected) {
        int a = qd_dom_enum_index(auth_connected, connected);

        if (a <= 0)
            return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED,
                                 QD_FROM_DOMAIN, "unknown connected value %s",
                                 connected);
        if (strcmp(g->type, "vnc") == 0 && a != 3)
            return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED,
                                 QD_FROM_DOMAIN,
                                 "VNC supports connected='keep' only");
        g->connected = steal_ptr(&connected);
    }
    return 0;
}

static int
graphics_vnc(struct qd_dom_graphics *g, xmlNodePtr node, unsigned pflags,
             struct qd_err *err)
{
    _cleanup_free_ char *port = qd_dom_xprop(node, "port");
    _cleanup_free_ char *autoport = qd_dom_xprop(node, "autoport");
    xmlNodePtr audio;
    int v;

    if (graphics_listens(g, node, pflags, err) < 0)
        return -1;
    if (port) {
        if (qd_dom_str_to_i(port, 10, &g->port) < 0)
            return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_DOMAIN,
                                 "cannot parse vnc port %s", port);
        if (g->port == -1) {
            if (pflags & QD_DOM_PARSE_INACTIVE)
                g->port = 0;
            g->autoport = true;
        }
    } else {
        g->port = 0;
        g->autoport = true;
    }
    if (autoport) {
        if (strcmp(autoport, "yes") == 0)
            g->autoport = true;
        else if (strcmp(autoport, "no") == 0)
            g->autoport = false;
        if (g->autoport && (pflags & QD_DOM_PARSE_INACTIVE))
            g->port = 0;
    }
    if (qd_dom_prop_int(node, "websocket", 10, 0, &g->websocket, 0,
                        err) < 0 ||
        qd_dom_prop_enum(node, "sharePolicy", share_policies, 0, &v, 0,
                         err) < 0)
        return -1;
    if (v > 0)
        g->share_policy = qd_strdup(share_policies[v]);
    if (qd_dom_prop_enum(node, "powerControl", qd_dom_tristate_bool,
                         QD_DOM_PROP_NONZERO, &v, 0, err) < 0)
        return -1;
    if (v > 0)
        g->power_control = qd_strdup(qd_dom_tristate_bool[v]);
    g->keymap = qd_dom_xprop(node, "keymap");
    if ((audio = qd_dom_xfirst(node, "audio")) &&
        qd_dom_prop_uint(audio, "id", 10,
                         QD_DOM_PROP_REQUIRED | QD_DOM_PROP_NONZERO,
                         &g->audio_id, err) < 0)
        return -1;
    return graphics_auth(g, node, err);
}

static int
graphics_spice(struct qd_dom_graphics *g, xmlNodePtr node, unsigned pflags,
               struct qd_err *err)
{
    static const char *const channel_names[] = {
        "main", "display", "inputs", "cursor", "playback", "record",
        "smartcard", "usbredir", NULL
    };
    static const struct {
        const char *elem, *attr;
    } simple[] = {
        { "image", "compression" }, { "jpeg", "compression" },
        { "zlib", "compression" }, { "playback", "compression" },
        { "streaming", "mode" }, { "mouse", "mode" },
        { "clipboard", "copypaste" }, { "filetransfer", "enable" },
    };
    int modes[8] = { 0 };
    xmlNodePtr cur;
    int autoport, v;
    size_t i;

    if (graphics_listens(g, node, pflags, err) < 0 ||
        qd_dom_prop_int(node, "port", 10, 0, &g->port, 0, err) < 0 ||
        qd_dom_prop_int(node, "tlsPort", 10, 0, &g->tls_port, 0, err) < 0 ||
        qd_dom_prop_enum(node, "autoport", qd_dom_tristate_bool,
                         QD_DOM_PROP_NONZERO, &autoport, 0, err) < 0 ||
        qd_dom_prop_enum(node, "defaultMode", spice_modes, 0, &v, 0,
                         err) < 0)
        return -1;
    g->autoport = autoport == 1;
    if (v > 0)
        g->default_mode = qd_strdup(spice_modes[v]);
    if (g->port == -1 && g->tls_port == -1)
        g->autoport = true;
    if (g->autoport && (pflags & QD_DOM_PARSE_INACTIVE))
        g->port = g->tls_port = 0;
    g->keymap = qd_dom_xprop(node, "keymap");
    if (graphics_auth(g, node, err) < 0)
        return -1;

    for (cur = qd_dom_xfirst(node, "channel"); cur; cur = qd_dom_xnext(cur)) {
        int name, mode;

        if (qd_dom_prop_enum(cur, "name", channel_names,
                             QD_DOM_PROP_REQUIRED, &name, 0, err) < 0 ||
            qd_dom_prop_enum(cur, "mode", spice_modes, QD_DOM_PROP_REQUIRED,
                             &mode, 0, err) < 0)
            return -1;
        modes[name] = mode;
    }
    for (i = 0; i < 8; i++) {
        struct qd_dom_xnode *n;

        if (!modes[i])
            continue;
        n = qd_dom_xnode_new("channel");
        qd_dom_xnode_set_attr(n, "name", channel_names[i]);
        qd_dom_xnode_set_attr(n, "mode", spice_modes[modes[i]]);
        qd_dom_xlist_add(&g->extra, n);
    }
    for (i = 0; i < QD_ARRAY_SIZE(simple); i++) {
        _cleanup_free_ char *val = NULL;
        struct qd_dom_xnode *n;

        if (!(cur = qd_dom_xfirst(node, simple[i].elem)))
            continue;
        if (!(val = qd_dom_xprop(cur, simple[i].attr)))
            return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_XML_,
                                 "Missing required attribute '%s' in "
                                 "element '%s'", simple[i].attr,
                                 simple[i].elem);
        n = qd_dom_xnode_new(simple[i].elem);
        qd_dom_xnode_set_attr(n, simple[i].attr, val);
        qd_dom_xlist_add(&g->extra, n);
    }
    if ((cur = qd_dom_xfirst(node, "gl"))) {
        static const char *const gl_attrs[] = {
            "enable", "rendernode", NULL
        };

        qd_dom_xlist_add(&g->extra, qd_dom_xnode_pick(cur, "gl", gl_attrs));
    }
    /* libvirt-compat: spice without ports and autoport listens nowhere */
    if (g->nlistens && strcmp(g->listens[0].type, "address") == 0 &&
        g->port == 0 && g->tls_port == 0 && !g->autoport) {
        free(g->listens[0].address);
        g->listens[0].address = NULL;
        free(g->listens[0].type);
        g->listens[0].type = qd_strdup("none");
    }
    return 0;
}

static void
set_int_attr(struct qd_dom_xnode *n, const char *name, long long v)
{
    char num[32];

    snprintf(num, sizeof(num), "%lld", v);
    qd_dom_xnode_set_attr(n, name, num);
}

/* sdl, rdp, desktop, egl-headless, dbus: the normalized element is built
 * here and printed as it is. */
static int
graphics_other(struct qd_dom_graphics *g, xmlNodePtr node, unsigned pflags,
               struct qd_err *err)
{
    struct qd_dom_xnode *n = qd_dom_xnode_new("graphics");
    xmlNodePtr gl = qd_dom_xfirst(node, "gl");
    _cleanup_free_ char *s = NULL;
    int v;

    g->raw = n;
    qd_dom_xnode_set_attr(n, "type", g->type);
    if (strcmp(g->type, "sdl") == 0 || strcmp(g->type, "desktop") == 0) {
        bool sdl = strcmp(g->type, "sdl") == 0;
        _cleanup_free_ char *display = qd_dom_xprop(node, "display");
        _cleanup_free_ char *xauth = qd_dom_xprop(node, "xauth");

        if (qd_dom_prop_enum(node, "fullscreen", qd_dom_tristate_bool,
                             QD_DOM_PROP_NONZERO, &v, 0, err) < 0)
            return -1;
        if (display)
            qd_dom_xnode_set_attr(n, "display", display);
        if (sdl && xauth)
            qd_dom_xnode_set_attr(n, "xauth", xauth);
        if (v == 1)
            qd_dom_xnode_set_attr(n, "fullscreen", "yes");
        if (sdl && gl) {
            if (qd_dom_prop_enum(gl, "enable", qd_dom_tristate_bool,
                                 QD_DOM_PROP_REQUIRED | QD_DOM_PROP_NONZERO,
                                 &v, 0, err) < 0)
                return -1;
            qd_dom_xnode_add_kid(n, qd_dom_xnode_new("gl"));
            qd_dom_xnode_set_attr(n->kids[0], "enable",
                                  qd_dom_tristate_bool[v]);
        }
    } else if (strcmp(g->type, "rdp") == 0) {
        _cleanup_free_ char *port = qd_dom_xprop(node, "port");
        _cleanup_free_ char *autoport = qd_dom_xprop(node, "autoport");
        _cleanup_free_ char *replace = qd_dom_xprop(node, "replaceUser");
        _cleanup_free_ char *multi = qd_dom_xprop(node, "multiUser");
        size_t i;

        if (graphics_listens(g, node, pflags, err) < 0)
            return -1;
        g->autoport = !port;
        if (port) {
            if (qd_dom_str_to_i(port, 10, &g->port) < 0)
                return qd_err_report(err, QD_ERR_INTERNAL_ERROR,
                                     QD_FROM_DOMAIN,
                                     "cannot parse rdp port %s", port);
            if (g->port == -1)
                g->autoport = true;
        }
        if (autoport && strcmp(autoport, "yes") == 0)
            g->autoport = true;
        if (g->autoport && (pflags & QD_DOM_PARSE_INACTIVE))
            g->port = 0;
        if (g->port)
            set_int_attr(n, "port", g->port);
        else if (g->autoport)
            qd_dom_xnode_set_attr(n, "port", "0");
        if (g->autoport)
            qd_dom_xnode_set_attr(n, "autoport", "yes");
        if (replace && strcmp(replace, "yes") == 0)
            qd_dom_xnode_set_attr(n, "replaceUser", "yes");
        if (multi && strcmp(multi, "yes") == 0)
            qd_dom_xnode_set_attr(n, "multiUser", "yes");
        if (g->listens[0].address && strcmp(g->listens[0].type, "network"))
            qd_dom_xnode_set_attr(n, "listen", g->listens[0].address);
        for (i = 0; i < g->nlistens; i++) {
            const struct qd_dom_listen *l = &g->listens[i];
            struct qd_dom_xnode *k = qd_dom_xnode_new("listen");

            qd_dom_xnode_set_attr(k, "type", l->type);
            if (l->address && strcmp(l->type, "address") == 0)
                qd_dom_xnode_set_attr(k, "address", l->address);
            if (l->network && strcmp(l->type, "network") == 0)
                qd_dom_xnode_set_attr(k, "network", l->network);
            qd_dom_xnode_add_kid(n, k);
        }
    } else if (strcmp(g->type, "egl-headless") == 0) {
        if (gl && (s = qd_dom_xprop(gl, "rendernode"))) {
            struct qd_dom_xnode *k = qd_dom_xnode_new("gl");

            qd_dom_xnode_set_attr(k, "rendernode", s);
            qd_dom_xnode_add_kid(n, k);
        }
    } else {
        xmlNodePtr audio = qd_dom_xfirst(node, "audio");
        _cleanup_free_ char *address = qd_dom_xprop(node, "address");
        unsigned int id;

        if (qd_dom_prop_enum(node, "p2p", qd_dom_tristate_bool,
                             QD_DOM_PROP_NONZERO, &v, 0, err) < 0)
            return -1;
        if (v == 1)
            qd_dom_xnode_set_attr(n, "p2p", "yes");
        if (address)
            qd_dom_xnode_set_attr(n, "address", address);
        if (gl) {
            struct qd_dom_xnode *k = qd_dom_xnode_new("gl");

            qd_dom_xnode_add_kid(n, k);
            if (qd_dom_prop_enum(gl, "enable", qd_dom_tristate_bool,
                                 QD_DOM_PROP_REQUIRED | QD_DOM_PROP_NONZERO,
                                 &v, 0, err) < 0)
                return -1;
            qd_dom_xnode_set_attr(k, "enable", qd_dom_tristate_bool[v]);
            if ((s = qd_dom_xprop(gl, "rendernode")))
                qd_dom_xnode_set_attr(k, "rendernode", s);
        }
        if (audio) {
            struct qd_dom_xnode *k = qd_dom_xnode_new("audio");

            if (qd_dom_prop_uint(audio, "id", 10,
                                 QD_DOM_PROP_REQUIRED | QD_DOM_PROP_NONZERO,
                                 &id, err) < 0) {
                qd_dom_xnode_free(k);
                return -1;
            }
            set_int_attr(k, "id", id);
            qd_dom_xnode_add_kid(n, k);
        }
    }
    return 0;
}

struct qd_dom_graphics *
qd_dom_parse_graphics(xmlNodePtr node, unsigned pflags, struct qd_err *err)
{
    struct qd_dom_graphics *g = QD_NEW(struct qd_dom_graphics);
    int t;

    if (qd_dom_prop_enum(node, "type", graphics_types, QD_DOM_PROP_REQUIRED,
                         &t, 0, err) < 0)
        goto error;
    g->type = qd_strdup(graphics_types[t]);
    if (strcmp(g->type, "vnc") == 0) {
        if (graphics_vnc(g, node, pflags, err) < 0)
            goto error;
    } else if (strcmp(g->type, "spice") == 0) {
        if (graphics_spice(g, node, pflags, err) < 0)
            goto error;
    } else if (graphics_other(g, node, pflags, err) < 0) {
        goto error;
    }
    return g;

 error:
    qd_dom_graphics_free(g);
    return NULL;
}

/* ---- video, sound, memballoon ---- */

static const char *const video_types[] = {
    "default", "vga", "cirrus", "vmvga", "xen", "vbox", "qxl", "parallels",
    "virtio", "gop", "none", "bochs", "ramfb", NULL
};
static const char *const video_backends[] = {
    "default", "qemu", "vhostuser", NULL
};

static int
video_uint(xmlNodePtr model, const char *name, int code, unsigned int *ret,
           struct qd_err *err)
{
    _cleanup_free_ char *s = qd_dom_xprop(model, name);

    *ret = 0;
    if (s && qd_dom_str_to_uip(s, 10, ret) < 0)
        return qd_err_report(err, code, QD_FROM_DOMAIN,
                             "cannot parse video %s '%s'", name, s);
    return 0;
}

struct qd_dom_video *
qd_dom_parse_video(xmlNodePtr node, unsigned pflags, struct qd_err *err)
{
    static const char *const accel_attrs[] = {
        "accel3d", "accel2d", "rendernode", NULL
    };
    static const char *const res_attrs[] = { "x", "y", NULL };
    struct qd_dom_video *v = QD_NEW(struct qd_dom_video);
    xmlNodePtr model = qd_dom_xfirst(node, "model"), drv, cur;
    _cleanup_free_ char *primary = qd_dom_xprop(model, "primary");
    _cleanup_free_ char *type = qd_dom_xprop(model, "type");
    unsigned int heads;

    v->info.master_startport = -1;
    v->heads = 1;
    if (primary && strcmp(primary, "yes") == 0)
        v->primary = true;
    if ((cur = qd_dom_xfirst(model, "acceleration")))
        v->accel = qd_dom_xnode_pick(cur, "acceleration", accel_attrs);
    if ((cur = qd_dom_xfirst(model, "resolution")))
        v->resolution = qd_dom_xnode_pick(cur, "resolution", res_attrs);
    if ((drv = qd_dom_xfirst(node, "driver"))) {
        static const char *const vga[] = { "io", "on", "off", NULL };
        _cleanup_free_ char *vgaconf = qd_dom_xprop(drv, "vgaconf");
        int backend;

        if (qd_dom_prop_enum(drv, "name", video_backends,
                             QD_DOM_PROP_NONZERO, &backend, 0, err) < 0)
            goto error;
        v->driver = qd_dom_xnode_pick(drv, "driver", virtio_opts);
        if (vgaconf && qd_dom_enum_index(vga, vgaconf) >= 0)
            qd_dom_xnode_set_attr(v->driver, "vgaconf", vgaconf);
        if (backend)
            qd_dom_xnode_set_attr(v->driver, "name", video_backends[backend]);
        if (!v->driver->nattrs) {
            qd_dom_xnode_free(v->driver);
            v->driver = NULL;
        }
    }
    if (type) {
        int t = qd_dom_enum_index(video_types, type);

        if (t < 0) {
            qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_DOMAIN,
                          "unknown video model '%s'", type);
            goto error;
        }
        if (t > 0)
            v->type = qd_strdup(video_types[t]);
    }
    if (video_uint(model, "ram", QD_ERR_XML_ERROR, &v->ram, err) < 0 ||
        video_uint(model, "vram", QD_ERR_XML_ERROR, &v->vram, err) < 0 ||
        video_uint(model, "vram64", QD_ERR_XML_ERROR, &v->vram64, err) < 0 ||
        video_uint(model, "vgamem", QD_ERR_XML_ERROR, &v->vgamem, err) < 0 ||
        video_uint(model, "heads", QD_ERR_INTERNAL_ERROR, &heads, err) < 0)
        goto error;
    {
        _cleanup_free_ char *h = qd_dom_xprop(model, "heads");

        if (h)
            v->heads = heads;
    }
    if (qd_dom_parse_devinfo(node, pflags, 0, &v->info, err) < 0)
        goto error;
    return v;

 error:
    qd_dom_video_free(v);
    return NULL;
}

static const char *const sound_models[] = {
    "sb16", "es1370", "pcspk", "ac97", "ich6", "ich9", "usb", "ich7", NULL
};
static const char *const sound_codecs[] = {
    "duplex", "micro", "output", NULL
};

struct qd_dom_sound *
qd_dom_parse_sound(xmlNodePtr node, unsigned pflags, struct qd_err *err)
{
    struct qd_dom_sound *s = QD_NEW(struct qd_dom_sound);
    xmlNodePtr cur;
    int m;

    s->info.master_startport = -1;
    if (qd_dom_prop_enum(node, "model", sound_models, QD_DOM_PROP_REQUIRED,
                         &m, 0, err) < 0)
        goto error;
    s->model = qd_strdup(sound_models[m]);
    if (m == 3 || m == 4 || m == 5 || m == 7) {
        for (cur = qd_dom_xfirst(node, "codec"); cur;
             cur = qd_dom_xnext(cur)) {
            struct qd_dom_xnode *n;
            int c;

            if (qd_dom_prop_enum(cur, "type", sound_codecs,
                                 QD_DOM_PROP_REQUIRED, &c, 0, err) < 0)
                goto error;
            n = qd_dom_xnode_new("codec");
            qd_dom_xnode_set_attr(n, "type", sound_codecs[c]);
            qd_dom_xlist_add(&s->extra, n);
        }
    }
    if ((cur = qd_dom_xfirst(node, "audio"))) {
        unsigned int id;

        if (qd_dom_prop_uint(cur, "id", 10,
                             QD_DOM_PROP_REQUIRED | QD_DOM_PROP_NONZERO, &id,
                             err) < 0)
            goto error;
        {
            struct qd_dom_xnode *a = qd_dom_xnode_new("audio");
            char num[16];

            snprintf(num, sizeof(num), "%u", id);
            qd_dom_xnode_set_attr(a, "id", num);
            qd_dom_xlist_add(&s->extra, a);
        }
    }
    if (qd_dom_parse_devinfo(node, pflags, 0, &s->info, err) < 0)
        goto error;
    return s;

 error:
    qd_dom_sound_free(s);
    return NULL;
}

static const char *const balloon_models[] = {
    "virtio", "xen", "none", "virtio-transitional", "virtio-non-transitional",
    NULL
};

struct qd_dom_memballoon *
qd_dom_parse_memballoon(xmlNodePtr node, unsigned pflags, struct qd_err *err)
{
    struct qd_dom_memballoon *m = QD_NEW(struct qd_dom_memballoon);
    xmlNodePtr cur;
    int v;

    m->info.master_startport = -1;
    if (qd_dom_prop_enum(node, "model", balloon_models, QD_DOM_PROP_REQUIRED,
                         &v, 0, err) < 0)
        goto error;
    m->model = qd_strdup(balloon_models[v]);
    if (qd_dom_prop_enum(node, "autodeflate", qd_dom_tristate_switch,
                         QD_DOM_PROP_NONZERO, &v, 0, err) < 0)
        goto error;
    if (v)
        m->autodeflate = qd_strdup(qd_dom_tristate_switch[v]);
    if (qd_dom_prop_enum(node, "freePageReporting", qd_dom_tristate_switch,
                         QD_DOM_PROP_NONZERO, &v, 0, err) < 0)
        goto error;
    if (v)
        m->free_page_reporting = qd_strdup(qd_dom_tristate_switch[v]);
    if ((cur = qd_dom_xfirst(node, "stats"))) {
        if (qd_dom_prop_int(cur, "period", 0, 0, &m->period, 0, err) < 0)
            goto error;
        if (m->period < 0)
            m->period = 0;
    }
    if (strcmp(m->model, "none") != 0 &&
        qd_dom_parse_devinfo(node, pflags, 0, &m->info, err) < 0)
        goto error;
    if ((cur = qd_dom_xfirst(node, "driver"))) {
        m->driver = qd_dom_xnode_pick(cur, "driver", virtio_opts);
        if (!m->driver->nattrs) {
            qd_dom_xnode_free(m->driver);
            m->driver = NULL;
        }
    }
    return m;

 error:
    qd_dom_memballoon_free(m);
    return NULL;
}
