/* Domain definition -> QEMU argv: devices. Their PCI addresses come
 * from qemu_command_pci.c, chosen before any device is built.
 */
#include "drivers/qemu/qemu_command.h"

#include "drivers/qemu/qemu_command_priv.h"

/* ---- controllers ---- */

/* usb controller model -> QEMU device; NULL means the machine default */
static const char *const usb_models[][2] = {
    { "piix3-uhci", "piix3-usb-uhci" }, { "piix4-uhci", "piix4-usb-uhci" },
    { "ehci", "usb-ehci" }, { "ich9-ehci1", "ich9-usb-ehci1" },
    { "ich9-uhci1", "ich9-usb-uhci1" }, { "ich9-uhci2", "ich9-usb-uhci2" },
    { "ich9-uhci3", "ich9-usb-uhci3" }, { "pci-ohci", "pci-ohci" },
    { "nec-xhci", "nec-usb-xhci" }, { "qemu-xhci", "qemu-xhci" },
};

/* The QEMU id of USB controller index @idx: usb, usb1, usb2, ... */
static void
usb_id(char *buf, size_t len, int idx)
{
    if (idx)
        snprintf(buf, len, "usb%d", idx);
    else
        snprintf(buf, len, "usb");
}

/* The ports='N' of @ctl, -1 when absent. */
static int
ctrl_ports(const struct qd_dom_controller *ctl)
{
    size_t i;

    for (i = 0; i < ctl->nattrs; i++)
        if (strcmp(ctl->attrs[i].name, "ports") == 0)
            return atoi(ctl->attrs[i].value);
    return -1;
}

/* -device for USB controller @ctl, or the machine's default one when
 * @ctl is NULL (a USB device and no controller in the XML). A
 * companion controller (<master startport>, the ICH9 UHCIs) has no id
 * of its own: it serves ports of its index's master from firstport. */
static int
build_usb(struct qd_qemu_cmd *c, const struct qd_dom_controller *ctl)
{
    const char *model = ctl ? ctl->model : NULL;
    const char *dev = NULL;
    int ports = ctl ? ctrl_ports(ctl) : -1;
    struct qd_buf b = { 0 };
    char id[32];
    size_t i;

    if (!model)
        model = c->q35 ? "qemu-xhci" : "piix3-uhci";
    for (i = 0; i < QD_ARRAY_SIZE(usb_models); i++)
        if (strcmp(model, usb_models[i][0]) == 0)
            dev = usb_models[i][1];
    if (!dev)
        return unsup(c, "USB controller model '%s' not supported in this "
                     "QEMU binary", model);
    if (ports >= 0 && strcmp(model, "qemu-xhci") != 0 &&
        strcmp(model, "nec-xhci") != 0)
        return unsup(c, "usb controller type '%s' doesn't support 'ports' "
                     "with this QEMU binary", model);
    opt_add(&b, NULL, dev);
    if (ports >= 0) {
        opt_fmt(&b, "p2", "%d", ports);
        opt_fmt(&b, "p3", "%d", ports);
    }
    if (ctl && ctl->info.master_startport >= 0) {
        const struct qd_dom_controller *m = NULL;

        /* the first controller of this index that is no companion */
        for (i = 0; !m && i < c->def->ncontrollers; i++) {
            const struct qd_dom_controller *o = c->def->controllers[i];

            if (strcmp(o->type, "usb") == 0 && o->idx == ctl->idx &&
                o->info.master_startport < 0)
                m = o;
        }
        if (!m) {
            qd_buf_clear(&b);
            return qd_err_report(c->err, QD_ERR_INTERNAL_ERROR,
                                 QD_FROM_QEMU, "masterbus not found");
        }
        usb_id(id, sizeof(id), m->idx);
        opt_fmt(&b, "masterbus", "%s.0", id);
        opt_fmt(&b, "firstport", "%d", ctl->info.master_startport);
    } else {
        usb_id(id, sizeof(id), ctl ? ctl->idx : 0);
        opt_add(&b, "id", id);
    }
    if (qd_qemu_cmd_pci_props(c, &b, ctl ? (const void *) ctl :
                              QD_QEMU_IMPLICIT_USB(c),
                              ctl ? &ctl->info.addr : NULL,
                              "usb controller") < 0) {
        qd_buf_clear(&b);
        return -1;
    }
    push(c, "-device", &b);
    return 0;
}

/* pci-root / pcie-root (built in) or a bridge: pcie-root-port (q35),
 * pci-bridge. A bridge's bus is called pci.<index>. */
static int
build_pci_ctrl(struct qd_qemu_cmd *c, const struct qd_dom_controller *ctl)
{
    const char *model = ctl->model ? ctl->model : "";
    const struct qd_dom_xnode *tgt = qd_dom_xlist_find(&ctl->extra, "target");
    struct qd_buf b = { 0 };
    unsigned int v;

    if (ctl->idx == 0) {
        if (strcmp(model, c->q35 ? "pcie-root" : "pci-root") != 0)
            return unsup(c, "Unsupported controller model: %s", model);
        return 0;
    }
    if (strcmp(model, "pcie-root-port") == 0 && c->q35) {
        int port = qd_qemu_cmd_pci_port(c, ctl);

        opt_add(&b, NULL, "pcie-root-port");
        /* libvirt-compat: the default port is (slot << 3) + function */
        if (uint_attr(tgt, "port", &v))
            opt_fmt(&b, "port", "0x%x", v);
        else if (port >= 0)
            opt_fmt(&b, "port", "0x%x", (unsigned) port);
        opt_fmt(&b, "chassis", "%u",
                uint_attr(tgt, "chassis", &v) ? v : (unsigned) ctl->idx);
    } else if (strcmp(model, "pci-bridge") == 0) {
        opt_add(&b, NULL, "pci-bridge");
        opt_fmt(&b, "chassis_nr", "%u",
                uint_attr(tgt, "chassisNr", &v) ? v : (unsigned) ctl->idx);
    } else {
        return unsup(c, "Unsupported controller model: %s", model);
    }
    opt_fmt(&b, "id", "pci.%d", ctl->idx);
    if (qd_qemu_cmd_pci_props(c, &b, ctl, &ctl->info.addr,
                              "PCI controller") < 0) {
        qd_buf_clear(&b);
        return -1;
    }
    push(c, "-device", &b);
    return 0;
}

/* A usb, scsi, ide, sata or virtio-serial controller. The PIIX3 IDE
 * (pc) and the ICH9 AHCI (q35, sata index 0) are built into the
 * machine and take no option. */
static int
build_ctrl(struct qd_qemu_cmd *c, const struct qd_dom_controller *ctl)
{
    const char *t = ctl->type;
    const char *dev = NULL;
    struct qd_buf b = { 0 };

    if (strcmp(t, "usb") == 0) {
        if (!streq(ctl->model, "none"))
            return build_usb(c, ctl);
        if (qd_qemu_cmd_uses_usb(c->def))
            return unsup(c, "USB is disabled for this domain, but USB "
                         "devices are present in the domain XML");
        return 0;
    } else if (qd_qemu_cmd_builtin_ctrl(c, ctl)) {
        return 0;
    } else if (strcmp(t, "ide") == 0) {
        if (c->q35)
            return unsup(c, "IDE controllers are unsupported for this "
                         "QEMU binary or machine type");
        return unsup(c, "Only a single IDE controller is supported "
                     "for this machine type");
    } else if (strcmp(t, "sata") == 0) {
        dev = "ahci";
    } else if (strcmp(t, "scsi") == 0) {
        if (!ctl->model || strcmp(ctl->model, "virtio-scsi") == 0)
            dev = "virtio-scsi-pci";
        else if (strcmp(ctl->model, "lsilogic") == 0)
            dev = "lsi53c895a";
        else
            return unsup(c, "Unsupported controller model: %s", ctl->model);
    } else {
        dev = "virtio-serial-pci";
    }
    /* generated ids only: disks name their controller's bus */
    opt_add(&b, NULL, dev);
    opt_fmt(&b, "id", "%s%d", t, ctl->idx);
    if (qd_qemu_cmd_pci_props(c, &b, ctl, &ctl->info.addr,
                              "controller") < 0) {
        qd_buf_clear(&b);
        return -1;
    }
    push(c, "-device", &b);
    return 0;
}

/* Every controller, by type in libvirt's order (PCI bridges by index,
 * so each bus exists before its users; then USB, SCSI, IDE, SATA,
 * virtio-serial), each type in the definition's order. */
static int
build_controllers(struct qd_qemu_cmd *c)
{
    static const char *const order[] = {
        "usb", "scsi", "ide", "sata", "virtio-serial",
    };
    const struct qd_dom_def *def = c->def;
    int idx, maxidx = -1;
    size_t i, k;

    for (i = 0; i < def->ncontrollers; i++) {
        const char *t = def->controllers[i]->type;

        for (k = 0; k < QD_ARRAY_SIZE(order); k++)
            if (strcmp(t, order[k]) == 0)
                break;
        if (k == QD_ARRAY_SIZE(order) && strcmp(t, "pci") != 0)
            return unsup(c, "controller type '%s' is not supported", t);
        if (strcmp(t, "pci") == 0 && def->controllers[i]->idx > maxidx)
            maxidx = def->controllers[i]->idx;
    }
    for (idx = 0; idx <= maxidx; idx++) {
        const struct qd_dom_controller *ctl;

        ctl = qd_qemu_cmd_find_ctrl(def, "pci", idx);
        if (ctl && build_pci_ctrl(c, ctl) < 0)
            return -1;
    }
    for (k = 0; k < QD_ARRAY_SIZE(order); k++) {
        for (i = 0; i < def->ncontrollers; i++) {
            if (strcmp(def->controllers[i]->type, order[k]) == 0 &&
                build_ctrl(c, def->controllers[i]) < 0)
                return -1;
        }
        if (k == 0 && !qd_qemu_cmd_find_ctrl(def, "usb", -1) &&
            qd_qemu_cmd_uses_usb(def) && build_usb(c, NULL) < 0)
            return -1;
    }
    return 0;
}

/* ---- disks ---- */

/* vda -> 0, vdz -> 25, vdaa -> 26 (virDiskNameToIndex) */
static int
disk_index(const char *dst)
{
    const char *p = dst + (strncmp(dst, "xvd", 3) == 0 ||
                           strncmp(dst, "ubd", 3) == 0 ? 3 : 2);
    int idx = 0;

    for (; *p >= 'a' && *p <= 'z'; p++)
        idx = idx * 26 + (*p - 'a' + 1);
    return idx - 1;
}

/* Refuses what build_disk does not translate. */
static int
check_disk(struct qd_qemu_cmd *c, const struct qd_dom_disk *d)
{
    const struct qd_dom_xnode *drv = d->driver;
    size_t i;

    if (strcmp(d->device, "disk") != 0 && strcmp(d->device, "cdrom") != 0)
        return unsup(c, "disk device '%s' is not supported", d->device);
    if (strcmp(d->type, "file") != 0 && strcmp(d->type, "block") != 0)
        return unsup(c, "disk type '%s' is not supported", d->type);
    for (i = 0; drv && i < drv->nattrs; i++) {
        const char *n = drv->attrs[i].name, *v = drv->attrs[i].value;

        if (strcmp(n, "name") == 0 && strcmp(v, "qemu") != 0)
            return unsup(c, "unsupported driver name '%s' for disk '%s'",
                         v, d->dst);
        if (strcmp(n, "type") == 0 && strcmp(v, "raw") != 0 &&
            strcmp(v, "qcow2") != 0)
            return unsup(c, "disk format '%s' is not supported", v);
        /* QEMU's defaults only: no O_DIRECT, no native AIO */
        if (strcmp(n, "cache") == 0 && strcmp(v, "default") != 0 &&
            strcmp(v, "writeback") != 0)
            return unsup(c, "disk cache mode '%s' is not supported", v);
        if (strcmp(n, "io") == 0 && strcmp(v, "threads") != 0 &&
            strcmp(v, "default") != 0)
            return unsup(c, "disk io mode '%s' is not supported", v);
        if (strcmp(n, "name") != 0 && strcmp(n, "type") != 0 &&
            strcmp(n, "cache") != 0 && strcmp(n, "io") != 0 &&
            strcmp(n, "discard") != 0 && strcmp(n, "detect_zeroes") != 0)
            return unsup(c, "disk driver attribute '%s' is not supported", n);
    }
    for (i = 0; i < d->extra.n; i++) {
        if (strcmp(d->extra.items[i]->name, "backingStore") != 0)
            return unsup(c, "disk element <%s> is not supported",
                         d->extra.items[i]->name);
    }
    for (i = 0; d->source && i < d->source->nattrs; i++) {
        if (strcmp(d->source->attrs[i].name, "startupPolicy") != 0)
            return unsup(c, "disk source attribute '%s' is not supported",
                         d->source->attrs[i].name);
    }
    if (d->source && d->source->nkids)
        return unsup(c, "disk source element <%s> is not supported",
                     d->source->kids[0]->name);
    if (d->info.rom || d->info.loadparm)
        return unsup(c, "<rom> and loadparm are not supported for disks");
    return 0;
}

/* A disk: a file (or host_device) node and a raw/qcow2 format node,
 * named libvirt-N-storage/-format like libvirt (N counts down from the
 * number of disks), then the frontend on its bus. A cdrom without a
 * source gets the frontend only. @i: the disk's index in the def. */
static int
build_disk(struct qd_qemu_cmd *c, const struct qd_dom_disk *d, size_t i)
{
    const struct qd_dom_addr *a = &d->info.addr;
    bool cdrom = strcmp(d->device, "cdrom") == 0;
    bool block = strcmp(d->type, "block") == 0;
    const char *fmt = qd_dom_xnode_attr(d->driver, "type");
    const char *discard = qd_dom_xnode_attr(d->driver, "discard");
    const char *zeroes = qd_dom_xnode_attr(d->driver, "detect_zeroes");
    unsigned int node = (unsigned) (c->def->ndisks - i);
    unsigned int boot = d->info.boot_order;
    const struct qd_dom_controller *scsi;
    struct qd_buf b = { 0 };

    if (check_disk(c, d) < 0)
        return -1;
    if (d->src_path) {
        opt_add(&b, "driver", block ? (cdrom ? "host_cdrom" : "host_device")
                                    : "file");
        opt_add(&b, "filename", d->src_path);
        opt_fmt(&b, "node-name", "libvirt-%u-storage", node);
        opt_add(&b, "auto-read-only", "on");
        opt_add(&b, "discard", "unmap");
        push(c, "-blockdev", &b);
        opt_fmt(&b, "node-name", "libvirt-%u-format", node);
        opt_add(&b, "read-only", d->readonly ? "on" : "off");
        if (discard && strcmp(discard, "default") != 0)
            opt_add(&b, "discard", discard);
        /* libvirt-compat: 'unmap' needs discard='unmap', else 'on' */
        if (zeroes && strcmp(zeroes, "default") != 0)
            opt_add(&b, "detect-zeroes",
                    strcmp(zeroes, "unmap") == 0 && !streq(discard, "unmap") ?
                    "on" : zeroes);
        opt_add(&b, "driver", fmt ? fmt : "raw");
        opt_fmt(&b, "file", "libvirt-%u-storage", node);
        push(c, "-blockdev", &b);
    }
    if (!boot)
        boot = cdrom ? c->boot_cdrom : c->boot_disk;
    if (cdrom)
        c->boot_cdrom = 0;
    else
        c->boot_disk = 0;

    if (strcmp(d->bus, "virtio") == 0) {
        if (cdrom)
            return unsup(c, "cdrom device with virtio bus isn't supported");
        opt_add(&b, NULL, "virtio-blk-pci");
        if (qd_qemu_cmd_pci_props(c, &b, d, a, "disk") < 0) {
            qd_buf_clear(&b);
            return -1;
        }
        opt_id(&b, &d->info, "virtio-disk%d", disk_index(d->dst));
    } else if (strcmp(d->bus, "ide") == 0 || strcmp(d->bus, "sata") == 0) {
        bool ide = strcmp(d->bus, "ide") == 0;

        if (d->readonly && !cdrom)
            return unsup(c, "readonly %s disks are not supported", d->bus);
        if (ide && c->q35)
            return unsup(c, "IDE controllers are unsupported for this QEMU "
                         "binary or machine type");
        opt_add(&b, NULL, cdrom ? "ide-cd" : "ide-hd");
        if (ide) {
            opt_fmt(&b, "bus", "ide.%u", a->bus);
            opt_fmt(&b, "unit", "%u", a->unit);
            opt_id(&b, &d->info, "ide0-%u-%u", a->bus, a->unit);
        } else {
            if (c->q35 && a->controller == 0)
                opt_fmt(&b, "bus", "ide.%u", a->unit);
            else
                opt_fmt(&b, "bus", "sata%u.%u", a->controller, a->unit);
            opt_id(&b, &d->info, "sata%u-0-%u", a->controller, a->unit);
        }
    } else if (strcmp(d->bus, "scsi") == 0) {
        scsi = qd_qemu_cmd_find_ctrl(c->def, "scsi", (int) a->controller);
        opt_add(&b, NULL, cdrom ? "scsi-cd" : "scsi-hd");
        if (scsi && streq(scsi->model, "lsilogic")) {
            opt_fmt(&b, "bus", "scsi%u.%u", a->controller, a->bus);
            opt_fmt(&b, "scsi-id", "%u", a->unit);
        } else {
            opt_fmt(&b, "bus", "scsi%u.0", a->controller);
            opt_fmt(&b, "channel", "%u", a->bus);
            opt_fmt(&b, "scsi-id", "%u", a->target);
            opt_fmt(&b, "lun", "%u", a->unit);
        }
        if (!d->serial)
            opt_fmt(&b, "device_id", "drive-scsi%u-%u-%u-%u", a->controller,
                    a->bus, a->target, a->unit);
        opt_id(&b, &d->info, "scsi%u-%u-%u-%u", a->controller, a->bus,
               a->target, a->unit);
    } else {
        return unsup(c, "disk bus '%s' is not supported", d->bus);
    }
    if (d->src_path)
        opt_fmt(&b, "drive", "libvirt-%u-format", node);
    if (boot)
        opt_fmt(&b, "bootindex", "%u", boot);
    if (d->serial)
        opt_add(&b, "serial", d->serial);
    if (d->shareable)
        opt_add(&b, "share-rw", "on");
    push(c, "-device", &b);
    return 0;
}

/* ---- network ---- */

static const char *const net_models[][2] = {
    { "virtio", "virtio-net-pci" }, { "e1000", "e1000" },
    { "e1000e", "e1000e" }, { "rtl8139", "rtl8139" },
};

/* <interface type='user'>: -netdev user plus the NIC, with its MAC. */
static int
build_net(struct qd_qemu_cmd *c, const struct qd_dom_net *n, int i)
{
    /* libvirt-compat: rtl8139 is libvirt's default NIC model on x86 */
    const char *model = n->model ? n->model : "rtl8139";
    const char *dev = NULL;
    const unsigned char *m = n->mac;
    unsigned int boot = n->info.boot_order;
    struct qd_buf b = { 0 };
    char netdev[64];
    size_t k;

    if (strcmp(n->type, "user") != 0)
        return unsup(c, "interface type '%s' is not supported", n->type);
    for (k = 0; k < QD_ARRAY_SIZE(net_models); k++)
        if (strcmp(model, net_models[k][0]) == 0)
            dev = net_models[k][1];
    if (!dev)
        return unsup(c, "interface model '%s' is not supported", model);
    if (n->extra.n)
        return unsup(c, "interface element <%s> is not supported",
                     n->extra.items[0]->name);
    if (n->info.rom)
        return unsup(c, "<rom> is not supported for interfaces");
    if (!boot && i == 0)
        boot = c->boot_net;

    if (n->info.alias)
        snprintf(netdev, sizeof(netdev), "host%s", n->info.alias);
    else
        snprintf(netdev, sizeof(netdev), "hostnet%d", i);
    opt_add(&b, NULL, "user");
    opt_add(&b, "id", netdev);
    push(c, "-netdev", &b);

    opt_add(&b, NULL, dev);
    opt_add(&b, "netdev", netdev);
    opt_id(&b, &n->info, "net%d", i);
    opt_fmt(&b, "mac", "%02x:%02x:%02x:%02x:%02x:%02x",
            m[0], m[1], m[2], m[3], m[4], m[5]);
    if (qd_qemu_cmd_pci_props(c, &b, n, &n->info.addr,
                              "interface") < 0) {
        qd_buf_clear(&b);
        return -1;
    }
    if (boot)
        opt_fmt(&b, "bootindex", "%u", boot);
    if (n->info.acpi_index)
        opt_fmt(&b, "acpi-index", "%u", n->info.acpi_index);
    push(c, "-device", &b);
    return 0;
}

/* ---- character devices ---- */

/* -chardev for @chr with id @id: pty, null, file, unix or tcp (raw or
 * telnet); a 'bind' socket listens without waiting for a client. */
static int
build_chardev(struct qd_qemu_cmd *c, const struct qd_dom_chr *chr,
              const char *id)
{
    const char *t = chr->type;
    struct qd_buf b = { 0 };
    bool server = streq(chr->mode, "bind");

    if (chr->source_kids.n)
        return unsup(c, "character device source element <%s> is not "
                     "supported", chr->source_kids.items[0]->name);
    if (strcmp(t, "pty") == 0 || strcmp(t, "null") == 0) {
        opt_add(&b, NULL, t);
        opt_add(&b, "id", id);
    } else if (strcmp(t, "file") == 0) {
        opt_add(&b, NULL, "file");
        opt_add(&b, "id", id);
        opt_add(&b, "path", chr->path);
        if (chr->append)
            opt_add(&b, "append", chr->append);
    } else if ((strcmp(t, "unix") == 0 && chr->path) ||
               (strcmp(t, "tcp") == 0 && !streq(chr->protocol, "tls") &&
                !streq(chr->protocol, "telnets") && !chr->tls)) {
        opt_add(&b, NULL, "socket");
        opt_add(&b, "id", id);
        if (strcmp(t, "unix") == 0) {
            opt_add(&b, "path", chr->path);
        } else {
            opt_add(&b, "host", chr->host);
            opt_add(&b, "port", chr->service);
            if (streq(chr->protocol, "telnet"))
                opt_add(&b, "telnet", "on");
        }
        if (server) {
            opt_add(&b, "server", "on");
            opt_add(&b, "wait", "off");
        }
    } else if (strcmp(t, "unix") == 0) {
        return unsup(c, "character device type 'unix' needs a source path");
    } else {
        return unsup(c, "character device type '%s' is not supported", t);
    }
    if (chr->log) {
        opt_add(&b, "logfile", qd_dom_xnode_attr(chr->log, "file"));
        if (qd_dom_xnode_attr(chr->log, "append"))
            opt_add(&b, "logappend", qd_dom_xnode_attr(chr->log, "append"));
    }
    push(c, "-chardev", &b);
    return 0;
}

/* A port on the virtio-serial bus: virtconsole or virtserialport.
 * @kind: "console" or "channel"; @i: index in that list. */
static int
build_vserport(struct qd_qemu_cmd *c, const struct qd_dom_chr *chr,
               const char *kind, int i)
{
    const struct qd_dom_addr *a = &chr->info.addr;
    bool console = strcmp(kind, "console") == 0;
    char id[32];
    struct qd_buf b = { 0 };

    snprintf(id, sizeof(id), "char%s%d", kind, i);
    if (build_chardev(c, chr, id) < 0)
        return -1;
    opt_add(&b, NULL, console ? "virtconsole" : "virtserialport");
    if (a->type == QD_DOM_ADDR_VIRTIO_SERIAL) {
        opt_fmt(&b, "bus", "virtio-serial%u.%u", a->controller, a->bus);
        if (a->port)
            opt_fmt(&b, "nr", "%u", a->port);
    } else {
        opt_add(&b, "bus", "virtio-serial0.0");
    }
    opt_add(&b, "chardev", id);
    opt_id(&b, &chr->info, console ? "console%d" : "channel%d", i);
    if (!console && chr->target_name)
        opt_add(&b, "name", chr->target_name);
    push(c, "-device", &b);
    return 0;
}

/* Serial ports (isa-serial, pci-serial), virtio consoles, virtio
 * channels. The first console, target serial, is serial0 itself. */
static int
build_chars(struct qd_qemu_cmd *c)
{
    const struct qd_dom_def *def = c->def;
    struct qd_buf b = { 0 };
    char id[32];
    size_t i;

    if (def->nparallels)
        return unsup(c, "parallel ports are not supported");
    for (i = 0; i < def->nserials; i++) {
        const struct qd_dom_chr *s = def->serials[i];
        const char *tt = s->target_type ? s->target_type : "isa-serial";

        if (strcmp(tt, "isa-serial") != 0 && strcmp(tt, "pci-serial") != 0)
            return unsup(c, "unsupported serial target type '%s'", tt);
        if (s->target_model && strcmp(s->target_model, tt) != 0)
            return unsup(c, "serial target model '%s' is not supported",
                         s->target_model);
        snprintf(id, sizeof(id), "charserial%zu", i);
        if (build_chardev(c, s, id) < 0)
            return -1;
        opt_add(&b, NULL, tt);
        opt_add(&b, "chardev", id);
        opt_id(&b, &s->info, "serial%d", (int) i);
        if (strcmp(tt, "isa-serial") == 0) {
            opt_fmt(&b, "index", "%d", s->target_port);
        } else if (qd_qemu_cmd_pci_props(c, &b, s, &s->info.addr,
                                         "serial") < 0) {
            qd_buf_clear(&b);
            return -1;
        }
        push(c, "-device", &b);
    }
    for (i = 0; i < def->nconsoles; i++) {
        const struct qd_dom_chr *con = def->consoles[i];

        /* the first console, target serial, is serial0 itself */
        if (i == 0 && streq(con->target_type, "serial") && def->nserials)
            continue;
        if (!streq(con->target_type, "virtio"))
            return unsup(c, "unsupported console target type %s",
                         con->target_type ? con->target_type : "none");
        if (build_vserport(c, con, "console", (int) i) < 0)
            return -1;
    }
    for (i = 0; i < def->nchannels; i++) {
        const struct qd_dom_chr *ch = def->channels[i];

        if (!streq(ch->target_type, "virtio"))
            return unsup(c, "channel target type '%s' is not supported",
                         ch->target_type ? ch->target_type : "none");
        if (build_vserport(c, ch, "channel", (int) i) < 0)
            return -1;
    }
    return 0;
}

/* ---- inputs, graphics, video ---- */

/* USB buses (controller indexes) whose ports qemud numbers. */
#define USB_BUSES 8

/* The root ports of USB bus @idx as libvirt counts them (an ICH9 UHCI
 * companion adds none: its ports are the EHCI's); 0 without a
 * controller of that index. */
static unsigned int
usb_bus_ports(const struct qd_qemu_cmd *c, int idx)
{
    static const struct {
        const char *model;
        unsigned int ports;
    } counts[] = {
        { "piix3-uhci", 2 }, { "piix4-uhci", 2 }, { "ehci", 6 },
        { "ich9-ehci1", 6 }, { "pci-ohci", 3 }, { "nec-xhci", 4 },
        { "qemu-xhci", 4 },
    };
    const struct qd_dom_def *def = c->def;
    unsigned int n = 0;
    size_t i, k;

    if (idx == 0 && !qd_qemu_cmd_find_ctrl(def, "usb", -1))
        return c->q35 ? 4 : 2;          /* the controller qemud adds */
    for (i = 0; i < def->ncontrollers; i++) {
        const struct qd_dom_controller *ctl = def->controllers[i];
        const char *m = ctl->model;
        int ports = -1;

        if (strcmp(ctl->type, "usb") != 0 || ctl->idx != idx)
            continue;
        if (!m)
            m = c->q35 ? "qemu-xhci" : "piix3-uhci";
        if (strstr(m, "xhci"))
            ports = ctrl_ports(ctl);
        for (k = 0; ports < 0 && k < QD_ARRAY_SIZE(counts); k++)
            if (strcmp(m, counts[k].model) == 0)
                ports = (int) counts[k].ports;
        if (ports > (int) n)
            n = (unsigned) ports;
    }
    return n;
}

/* bus= and port= of USB device @info. Like libvirt, a device without
 * a port takes the first free root port of the lowest USB bus (its
 * own bus, if the address names one); @used: ports taken, per bus. */
static void
usb_props(struct qd_qemu_cmd *c, struct qd_buf *b,
          const struct qd_dom_devinfo *info, uint32_t used[USB_BUSES])
{
    const struct qd_dom_addr *a = &info->addr;
    bool usb = a->type == QD_DOM_ADDR_USB;
    unsigned int bus = usb ? a->bus : 0, port = 0, p, n;
    char id[32];

    if (!usb || !a->usb_port) {
        for (bus = usb ? a->bus : 0; !port && bus < USB_BUSES; bus++) {
            n = usb_bus_ports(c, (int) bus);
            for (p = 1; !port && p <= n && p < 32; p++)
                if (!(used[bus] & (1u << p)))
                    port = p;
            if (port || usb)
                break;
        }
        if (!port)
            bus = usb ? a->bus : 0;     /* none free: QEMU chooses */
        else
            used[bus] |= 1u << port;
    }
    usb_id(id, sizeof(id), (int) bus);
    opt_fmt(b, "bus", "%s.0", id);
    if (usb && a->usb_port)
        opt_add(b, "port", a->usb_port);
    else if (port)
        opt_fmt(b, "port", "%u", port);
}

/* USB and virtio inputs; PS/2 mouse and keyboard need no option. */
static int
build_inputs(struct qd_qemu_cmd *c)
{
    static const char *const devs[][3] = {
        /* type,     usb,         virtio */
        { "tablet", "usb-tablet", "virtio-tablet-pci" },
        { "mouse", "usb-mouse", "virtio-mouse-pci" },
        { "keyboard", "usb-kbd", "virtio-keyboard-pci" },
    };
    const struct qd_dom_def *def = c->def;
    uint32_t used[USB_BUSES] = { 0 };
    struct qd_buf b = { 0 };
    size_t i, k;

    /* the ports the XML gives (the first hop of a port path) */
    for (i = 0; i < def->ninputs; i++) {
        const struct qd_dom_addr *a = &def->inputs[i]->info.addr;
        int top = a->usb_port ? atoi(a->usb_port) : 0;

        if (a->type == QD_DOM_ADDR_USB && a->bus < USB_BUSES &&
            top > 0 && top < 32)
            used[a->bus] |= 1u << top;
    }
    for (i = 0; i < def->ninputs; i++) {
        const struct qd_dom_input *in = def->inputs[i];
        const char *bus = in->bus ? in->bus : "ps2";
        const char *dev = NULL;

        for (k = 0; k < QD_ARRAY_SIZE(devs); k++) {
            if (strcmp(in->type, devs[k][0]) == 0)
                dev = strcmp(bus, "usb") == 0 ? devs[k][1] :
                      strcmp(bus, "virtio") == 0 ? devs[k][2] : NULL;
        }
        /* PS/2 mouse and keyboard are built into pc and q35 */
        if (strcmp(bus, "ps2") == 0 && strcmp(in->type, "tablet") != 0)
            continue;
        if (!dev || in->model || in->source || in->driver)
            return unsup(c, "input device '%s' on bus '%s' is not "
                         "supported", in->type, bus);
        opt_add(&b, NULL, dev);
        opt_id(&b, &in->info, "input%d", (int) i);
        if (strcmp(bus, "virtio") == 0) {
            if (qd_qemu_cmd_pci_props(c, &b, in, &in->info.addr,
                                      "input device") < 0) {
                qd_buf_clear(&b);
                return -1;
            }
        } else {
            usb_props(c, &b, &in->info, used);
        }
        push(c, "-device", &b);
    }
    return 0;
}

/* -vnc (at most one graphics element, VNC), or -display none. An
 * autoport VNC takes vnc_port_hint when given, else QEMU picks the
 * first free display from :0 (to=99); query-vnc tells which. */
static int
build_graphics(struct qd_qemu_cmd *c)
{
    const struct qd_dom_def *def = c->def;
    const struct qd_dom_graphics *g;
    const struct qd_dom_listen *l;
    const char *host, *what;
    struct qd_buf b = { 0 };
    int port;

    if (def->ngraphics == 0) {
        add(c, "-display");
        add(c, "none");
        return 0;
    }
    g = def->graphics[0];
    if (def->ngraphics > 1 && strcmp(def->graphics[1]->type, g->type) == 0)
        return unsup(c, "only 1 graphics device of each type (sdl, vnc, "
                     "spice, headless, dbus) is supported");
    if (def->ngraphics > 1 || strcmp(g->type, "vnc") != 0)
        return unsup(c, "graphics type '%s' is not supported",
                     strcmp(g->type, "vnc") ? g->type
                                            : def->graphics[1]->type);
    what = g->passwd ? "passwd" : g->websocket ? "websocket" :
           g->nlistens > 1 ? "with several <listen>" :
           g->audio_id ? "<audio>" : g->power_control ? "powerControl" :
           g->extra.n ? g->extra.items[0]->name : NULL;
    if (what)
        return unsup(c, "VNC %s is not supported", what);
    l = g->nlistens ? &g->listens[0] : NULL;
    if (l && strcmp(l->type, "socket") == 0) {
        if (!l->socket)
            return unsup(c, "VNC listen type 'socket' needs a socket path");
        opt_fmt(&b, NULL, "unix:%s", l->socket);
    } else if (l && strcmp(l->type, "none") == 0) {
        opt_add(&b, NULL, "none");
    } else if (!l || strcmp(l->type, "address") == 0) {
        host = l && l->address ? l->address : "127.0.0.1";
        port = g->autoport ? c->opts->vnc_port_hint : g->port;
        if (!g->autoport && port < 5900)
            return unsup(c, "VNC port %d is below 5900", port);
        opt_fmt(&b, NULL, strchr(host, ':') ? "[%s]:%d" : "%s:%d", host,
                port >= 5900 ? port - 5900 : 0);
        /* QEMU takes the first free display up to 5900+99 */
        if (port < 5900)
            opt_add(&b, "to", "99");
    } else {
        return unsup(c, "VNC listen type '%s' is not supported", l->type);
    }
    if (g->share_policy)
        opt_add(&b, "share", g->share_policy);
    push(c, "-vnc", &b);
    if (g->keymap) {
        add(c, "-k");
        add(c, g->keymap);
    }
    return 0;
}

/* Video cards (qemu_command_pci.c puts the primary one at slot 2 on
 * pc, 1 on q35). */
static int
build_videos(struct qd_qemu_cmd *c)
{
    const struct qd_dom_def *def = c->def;
    struct qd_buf b = { 0 };
    size_t i;

    for (i = 0; i < def->nvideos; i++) {
        const struct qd_dom_video *v = def->videos[i];
        const char *t = v->type ? v->type : "cirrus";
        const char *dev = NULL;

        if (strcmp(t, "none") == 0)
            continue;
        if (strcmp(t, "virtio") == 0)
            dev = i == 0 ? "virtio-vga" : "virtio-gpu-pci";
        else if (i > 0 && (strcmp(t, "vga") == 0 || strcmp(t, "cirrus") == 0 ||
                           strcmp(t, "bochs") == 0))
            return unsup(c, "video type '%s' is only valid as primary video "
                         "device", t);
        else if (strcmp(t, "vga") == 0)
            dev = "VGA";
        else if (strcmp(t, "cirrus") == 0)
            dev = "cirrus-vga";
        else if (strcmp(t, "bochs") == 0)
            dev = "bochs-display";
        else
            return unsup(c, "video type '%s' is not supported", t);
        if (v->accel || v->driver)
            return unsup(c, "video <acceleration> and <driver> are not "
                         "supported");
        opt_add(&b, NULL, dev);
        opt_id(&b, &v->info, "video%d", (int) i);
        if (strcmp(t, "virtio") == 0 && v->heads)
            opt_fmt(&b, "max_outputs", "%u", v->heads);
        /* libvirt-compat: VGA's vram defaults to 16 MiB */
        if (strcmp(t, "vga") == 0)
            opt_fmt(&b, "vgamem_mb", "%u", (v->vram ? v->vram : 16384) / 1024);
        if (qd_qemu_cmd_pci_props(c, &b, v, &v->info.addr, "video") < 0) {
            qd_buf_clear(&b);
            return -1;
        }
        push(c, "-device", &b);
    }
    return 0;
}

/* ---- balloon, rng and whatever else is left ---- */

/* <memballoon model='virtio'>; its stats period is set over QMP. */
static int
build_balloon(struct qd_qemu_cmd *c)
{
    const struct qd_dom_memballoon *m = c->def->memballoon;
    struct qd_buf b = { 0 };

    if (!m || strcmp(m->model, "none") == 0)
        return 0;
    if (strcmp(m->model, "virtio") != 0)
        return unsup(c, "memballoon model '%s' is not supported", m->model);
    if (m->driver)
        return unsup(c, "memballoon <driver> is not supported");
    opt_add(&b, NULL, "virtio-balloon-pci");
    opt_id(&b, &m->info, "balloon%d", 0);
    if (qd_qemu_cmd_pci_props(c, &b, m, &m->info.addr,
                              "memballoon") < 0) {
        qd_buf_clear(&b);
        return -1;
    }
    if (streq(m->autodeflate, "on"))
        opt_add(&b, "deflate-on-oom", "on");
    if (streq(m->free_page_reporting, "on"))
        opt_add(&b, "free-page-reporting", "on");
    push(c, "-device", &b);
    return 0;
}

/* <rng model='virtio'> with a 'random' backend: -object rng-random
 * plus virtio-rng-pci. @i: index among the rng devices. */
static int
build_rng(struct qd_qemu_cmd *c, const struct qd_dom_xnode *rng, int i)
{
    const struct qd_dom_xnode *be = qd_dom_xnode_child(rng, "backend");
    const struct qd_dom_xnode *rate = qd_dom_xnode_child(rng, "rate");
    const struct qd_dom_xnode *alias = qd_dom_xnode_child(rng, "alias");
    struct qd_dom_addr a;
    struct qd_buf b = { 0 };
    unsigned int v;

    if (!streq(qd_dom_xnode_attr(rng, "model"), "virtio") ||
        !streq(qd_dom_xnode_attr(be, "model"), "random") ||
        qd_dom_xnode_child(rng, "driver"))
        return unsup(c, "only virtio rng devices with a 'random' backend "
                     "are supported");
    opt_add(&b, NULL, "rng-random");
    opt_fmt(&b, "id", "objrng%d", i);
    opt_add(&b, "filename", be->text ? be->text : "/dev/random");
    push(c, "-object", &b);

    opt_add(&b, NULL, "virtio-rng-pci");
    opt_fmt(&b, "rng", "objrng%d", i);
    if (alias && qd_dom_xnode_attr(alias, "name"))
        opt_add(&b, "id", qd_dom_xnode_attr(alias, "name"));
    else
        opt_fmt(&b, "id", "rng%d", i);
    if (uint_attr(rate, "bytes", &v)) {
        opt_fmt(&b, "max-bytes", "%u", v);
        opt_fmt(&b, "period", "%u", uint_attr(rate, "period", &v) ? v : 1000);
    }
    qd_qemu_cmd_xnode_addr(rng, &a);
    if (qd_qemu_cmd_pci_props(c, &b, rng, &a, "rng") < 0) {
        qd_buf_clear(&b);
        return -1;
    }
    push(c, "-device", &b);
    return 0;
}

/* Kept top-level elements and devices: refused unless translated. */
static int
build_rest(struct qd_qemu_cmd *c)
{
    /* <pm> is read by qemu_command.c; the rest is host-side tuning for
     * the process code (cgroups, pinning, labels), not for the argv */
    static const char *const host_side[] = {
        "blkiotune", "memtune", "vcpus", "iothreads", "iothreadids",
        "cputune", "numatune", "resource", "idmap", "pm", "perf", "seclabel",
    };
    const struct qd_dom_def *def = c->def;
    size_t i, k;
    int nrng = 0;

    for (i = 0; i < def->top_extra.n; i++) {
        const char *n = def->top_extra.items[i]->name;

        for (k = 0; k < QD_ARRAY_SIZE(host_side); k++)
            if (strcmp(n, host_side[k]) == 0)
                break;
        if (k == QD_ARRAY_SIZE(host_side))
            return unsup(c, "<%s> is not supported", n);
    }
    if (def->nsounds)
        return unsup(c, "sound device is not supported");
    for (i = 0; i < def->dev_extra.n; i++) {
        const struct qd_dom_xnode *n = def->dev_extra.items[i];

        if (strcmp(n->name, "rng") != 0)
            return unsup(c, "%s device is not supported", n->name);
        if (build_rng(c, n, nrng++) < 0)
            return -1;
    }
    return 0;
}

/* ---- all devices ---- */

/* Adds every device, in libvirt's order. */
int
qd_qemu_cmd_devices(struct qd_qemu_cmd *c)
{
    const struct qd_dom_def *def = c->def;
    size_t i;

    if (build_controllers(c) < 0)
        return -1;
    for (i = 0; i < def->ndisks; i++)
        if (build_disk(c, def->disks[i], i) < 0)
            return -1;
    for (i = 0; i < def->nnets; i++)
        if (build_net(c, def->nets[i], (int) i) < 0)
            return -1;
    if (build_chars(c) < 0 || build_inputs(c) < 0 ||
        build_graphics(c) < 0 || build_videos(c) < 0 ||
        build_balloon(c) < 0)
        return -1;
    return build_rest(c);
}
