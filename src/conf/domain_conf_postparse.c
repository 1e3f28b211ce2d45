/* What libvirt's post-parse and validation steps add, fill in or
 * refuse for the test driver's devices: disk buses and drive addresses,
 * controller indexes and implicit controllers, serial/console
 * compatibility, the implicit video for graphics, character device
 * ports, the common disk checks. */
#include "conf/domain_conf.h"

#include <stdio.h>
#include <string.h>

#include "conf/domain_conf_dev.h"
#include "conf/domain_conf_priv.h"
#include "util/mem.h"

static bool
streq_null(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

/* ---- post-parse ---- */

static int
find_controller(const struct qd_dom_def *def, const char *type, int idx)
{
    size_t i;

    for (i = 0; i < def->ncontrollers; i++) {
        if (strcmp(def->controllers[i]->type, type) == 0 &&
            def->controllers[i]->idx == idx)
            return (int) i;
    }
    return -1;
}

static int
unused_controller_index(const struct qd_dom_def *def, const char *type)
{
    int idx = 0;

    while (find_controller(def, type, idx) >= 0)
        idx++;
    return idx;
}

static bool
is_usb2(const struct qd_dom_controller *c)
{
    static const char *const models[] = {
        "ich9-ehci1", "ich9-uhci1", "ich9-uhci2", "ich9-uhci3", NULL
    };

    return strcmp(c->type, "usb") == 0 &&
           qd_dom_enum_index(models, c->model) >= 0;
}

/* virDomainAssignControllerIndexes */
static void
assign_controller_indexes(struct qd_dom_def *def)
{
    size_t outer, inner;

    for (outer = 0; outer < def->ncontrollers; outer++) {
        struct qd_dom_controller *c = def->controllers[outer];
        struct qd_dom_controller *prev = NULL;

        if (c->idx != -1)
            continue;
        if (outer > 0 && is_usb2(c)) {
            int p = (int) outer - 1;

            while (p >= 0 && strcmp(def->controllers[p]->type, "usb") != 0)
                p--;
            if (p >= 0)
                prev = def->controllers[p];
            if (prev && !is_usb2(prev))
                prev = NULL;
            for (inner = 0; prev && inner < def->ncontrollers; inner++) {
                struct qd_dom_controller *o = def->controllers[inner];

                if (strcmp(o->type, "usb") == 0 && o->idx == prev->idx &&
                    streq_null(o->model, c->model))
                    prev = NULL;
            }
            if (prev)
                c->idx = prev->idx;
        }
        if (!prev)
            c->idx = unused_controller_index(def, c->type);
    }
}

static void
add_controller(struct qd_dom_def *def, const char *type, int idx)
{
    struct qd_dom_controller *c;

    if (idx >= 0 && find_controller(def, type, idx) >= 0)
        return;
    c = QD_NEW(struct qd_dom_controller);
    c->type = qd_strdup(type);
    c->info.master_startport = -1;
    c->idx = idx < 0 ? unused_controller_index(def, type) : idx;
    QD_DOM_APPEND(def->controllers, def->ncontrollers, c);
}

/* virDomainDiskDefPostParse and virDomainDiskDefAssignAddress */
static int
disk_postparse(struct qd_dom_disk *disk, struct qd_err *err)
{
    struct qd_dom_addr *a = &disk->info.addr;
    int idx;

    if (disk->dst && strncmp(disk->dst, "ioemu:", 6) == 0) {
        char *dst = qd_strdup(disk->dst + 6);

        free(disk->dst);
        disk->dst = dst;
    }
    if (strcmp(disk->device, "cdrom") == 0)
        disk->readonly = true;
    if (!disk->bus) {
        const char *bus = "ide";

        if (strcmp(disk->device, "floppy") == 0)
            bus = "fdc";
        else if (disk->dst && strncmp(disk->dst, "hd", 2) == 0)
            bus = "ide";
        else if (disk->dst && strncmp(disk->dst, "sd", 2) == 0)
            bus = "scsi";
        else if (disk->dst && strncmp(disk->dst, "vd", 2) == 0)
            bus = "virtio";
        else if (disk->dst && strncmp(disk->dst, "xvd", 3) == 0)
            bus = "xen";
        else if (disk->dst && strncmp(disk->dst, "ubd", 3) == 0)
            bus = "uml";
        disk->bus = qd_strdup(bus);
    }
    if (!disk->snapshot && disk->readonly)
        disk->snapshot = qd_strdup("no");
    if (strcmp(disk->type, "vhostuser") == 0 && !disk->snapshot)
        disk->snapshot = qd_strdup("no");

    if (a->type != QD_DOM_ADDR_NONE || !disk->dst)
        return 0;
    if ((idx = qd_dom_disk_name_index(disk->dst)) < 0)
        return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                             "Unknown disk name '%s' and no address "
                             "specified", disk->dst);
    if (strcmp(disk->bus, "scsi") == 0) {
        a->type = QD_DOM_ADDR_DRIVE;
        a->controller = (unsigned) idx / 7;
        a->unit = (unsigned) idx % 7;
    } else if (strcmp(disk->bus, "ide") == 0) {
        a->type = QD_DOM_ADDR_DRIVE;
        a->controller = (unsigned) idx / 4;
        a->bus = ((unsigned) idx % 4) / 2;
        a->unit = (unsigned) idx % 2;
    } else if (strcmp(disk->bus, "sata") == 0) {
        a->type = QD_DOM_ADDR_DRIVE;
        a->controller = (unsigned) idx / 6;
        a->unit = (unsigned) idx % 6;
    } else if (strcmp(disk->bus, "fdc") == 0) {
        a->type = QD_DOM_ADDR_DRIVE;
        a->controller = (unsigned) idx / 2;
        a->unit = (unsigned) idx % 2;
    }
    return 0;
}

static unsigned int
video_default_ram(const struct qd_dom_def *def, const char *type)
{
    if (strcmp(type, "vga") == 0 || strcmp(type, "cirrus") == 0 ||
        strcmp(type, "vmvga") == 0) {
        if (strcmp(def->virt_type, "vbox") == 0)
            return 8 * 1024;
        if (strcmp(def->virt_type, "vmware") == 0)
            return 4 * 1024;
        return 16 * 1024;
    }
    if (strcmp(type, "bochs") == 0)
        return 16 * 1024;
    if (strcmp(type, "xen") == 0)
        return 4 * 1024;
    if (strcmp(type, "qxl") == 0)
        return 64 * 1024;
    return 0;
}

static unsigned int
round_pow2(unsigned int v)
{
    unsigned int p = 1;

    if (v == 0)
        return 0;
    while (p < v && p < 0x80000000u)
        p <<= 1;
    return p;
}

/* testDomainDevicesDefPostParse then virDomainVideoDefPostParse */
static void
video_postparse(const struct qd_dom_def *def, struct qd_dom_video *v)
{
    if (!v->type) {
        if (strcmp(def->os_type, "xen") == 0 ||
            strcmp(def->os_type, "linux") == 0)
            v->type = qd_strdup("xen");
        else if (strcmp(def->os_arch, "ppc64") == 0 ||
                 strcmp(def->os_arch, "ppc64le") == 0)
            v->type = qd_strdup("vga");
        else
            v->type = qd_strdup("cirrus");
    }
    if (v->ram == 0 && strcmp(v->type, "qxl") == 0)
        v->ram = video_default_ram(def, v->type);
    if (v->vram == 0)
        v->vram = video_default_ram(def, v->type);
    v->ram = round_pow2(v->ram);
    v->vram = round_pow2(v->vram);
}

static void
chr_port(struct qd_dom_chr *chr, struct qd_dom_chr *const *arr, size_t n)
{
    int maxport = -1;
    size_t i;

    if (chr->target_port != -1 || strcmp(chr->kind, "channel") == 0)
        return;
    for (i = 0; i < n; i++) {
        if (arr[i]->target_port > maxport)
            maxport = arr[i]->target_port;
    }
    chr->target_port = maxport + 1;
}

static int
chr_postparse(const struct qd_dom_def *def, struct qd_dom_chr *chr,
              struct qd_err *err)
{
    if (strcmp(chr->kind, "console") == 0 && !chr->target_type)
        chr->target_type = qd_strdup("serial");
    if (strcmp(chr->kind, "serial") == 0 && chr->target_type &&
        strcmp(chr->target_type, "isa-debug") == 0 &&
        strcmp(def->os_arch, "i686") != 0 &&
        strcmp(def->os_arch, "x86_64") != 0)
        return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_DOMAIN,
                             "isa-debug serial type only valid on x86 "
                             "architecture");
    if (strcmp(chr->kind, "serial") == 0)
        chr_port(chr, def->serials, def->nserials);
    else if (strcmp(chr->kind, "parallel") == 0)
        chr_port(chr, def->parallels, def->nparallels);
    else if (strcmp(chr->kind, "console") == 0)
        chr_port(chr, def->consoles, def->nconsoles);
    return 0;
}

/* virDomainChrIsaSerialDefPostParse */
static int
isa_serial_ports(struct qd_dom_def *def, struct qd_err *err)
{
    bool used[4] = { false };
    size_t i, j, count = 0;

    for (i = 0; i < def->nserials; i++) {
        struct qd_dom_chr *c = def->serials[i];

        if (!c->target_type || strcmp(c->target_type, "isa-serial") != 0)
            continue;
        if (count++ >= 4 || c->target_port >= 4)
            return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_DOMAIN,
                                 "Maximum supported number of ISA serial "
                                 "ports is '%d'", 4);
        /* libvirt-compat: a negative port other than -1 is kept as it is
         * (libvirt then indexes its table with it: not copied) */
        if (c->target_port >= 0) {
            if (used[c->target_port])
                return qd_err_report(err, QD_ERR_INTERNAL_ERROR,
                                     QD_FROM_DOMAIN, "target port '%d' "
                                     "already allocated", c->target_port);
            used[c->target_port] = true;
        }
    }
    for (i = 0; i < def->nserials; i++) {
        struct qd_dom_chr *c = def->serials[i];

        if (!c->target_type || strcmp(c->target_type, "isa-serial") != 0 ||
            c->target_port != -1)
            continue;
        for (j = 0; j < 4; j++) {
            if (!used[j]) {
                c->target_port = (int) j;
                used[j] = true;
                break;
            }
        }
    }
    return 0;
}

static int
console_compat(struct qd_dom_def *def, struct qd_err *err)
{
    bool hvm = strcmp(def->os_type, "hvm") == 0;
    size_t i;

    for (i = 1; i < def->nconsoles; i++) {
        if (def->consoles[i]->target_type &&
            strcmp(def->consoles[i]->target_type, "serial") == 0)
            return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED,
                                 QD_FROM_DOMAIN, "Only the first console "
                                 "can be a serial port");
    }
    if (def->nconsoles > 0 && hvm &&
        (!def->consoles[0]->target_type ||
         strcmp(def->consoles[0]->target_type, "serial") == 0)) {
        if (def->nserials == 0) {
            struct qd_dom_chr *c = def->consoles[0];

            QD_DOM_APPEND(def->serials, def->nserials, c);
            free(c->kind);
            c->kind = qd_strdup("serial");
            free(c->target_type);
            c->target_type = NULL;
            c->target_port = 0;
            def->consoles[0] = NULL;
        } else if (!qd_dom_chr_source_equal(def->serials[0],
                                            def->consoles[0])) {
            qd_dom_chr_free(def->consoles[0]);
            def->consoles[0] = NULL;
        }
        if (!def->consoles[0])
            def->consoles[0] = qd_dom_chr_new_stub("console", "serial");
    } else if (hvm && def->nserials > 0) {
        const char *t = def->serials[0]->target_type;

        if (!t || strcmp(t, "isa-serial") == 0 ||
            strcmp(t, "spapr-vio-serial") == 0 ||
            strcmp(t, "system-serial") == 0 ||
            strcmp(t, "sclp-serial") == 0) {
            struct qd_dom_chr *stub = qd_dom_chr_new_stub("console",
                                                          "serial");

            QD_DOM_APPEND(def->consoles, def->nconsoles, stub);
            memmove(def->consoles + 1, def->consoles,
                    (def->nconsoles - 1) * sizeof(*def->consoles));
            def->consoles[0] = stub;
        }
    }
    return 0;
}

/* Beyond libvirt: a disk named sdzzzzzz or a drive address with
 * controller='100000000' would make libvirt (and us) add a controller per
 * index up to it, without end. No machine has that many. */
#define MAX_DRIVE_CONTROLLER 1023

static int
implicit_controllers(struct qd_dom_def *def, struct qd_err *err)
{
    static const char *const types[][2] = {
        { "scsi", "scsi" }, { "fdc", "fdc" }, { "ide", "ide" },
        { "sata", "sata" },
    };
    size_t t, i;

    for (t = 0; t < QD_ARRAY_SIZE(types); t++) {
        int maxc = -1, c;

        for (i = 0; i < def->ndisks; i++) {
            struct qd_dom_disk *d = def->disks[i];

            if (strcmp(d->bus, types[t][1]) != 0 ||
                d->info.addr.type != QD_DOM_ADDR_DRIVE)
                continue;
            if (d->info.addr.controller > MAX_DRIVE_CONTROLLER)
                return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED,
                                     QD_FROM_DOMAIN,
                                     "disk '%s': drive controller index %u "
                                     "is larger than %u", d->dst ? d->dst : "",
                                     d->info.addr.controller,
                                     MAX_DRIVE_CONTROLLER);
            if ((int) d->info.addr.controller > maxc)
                maxc = (int) d->info.addr.controller;
        }
        for (c = 0; c <= maxc; c++)
            add_controller(def, types[t][0], c);
    }
    for (i = 0; i < def->nchannels; i++) {
        struct qd_dom_chr *c = def->channels[i];

        if (c->target_type && strcmp(c->target_type, "virtio") == 0)
            add_controller(def, "virtio-serial",
                           c->info.addr.type == QD_DOM_ADDR_VIRTIO_SERIAL ?
                           (int) c->info.addr.controller : 0);
    }
    for (i = 0; i < def->nconsoles; i++) {
        struct qd_dom_chr *c = def->consoles[i];

        if (c->target_type && strcmp(c->target_type, "virtio") == 0)
            add_controller(def, "virtio-serial",
                           c->info.addr.type == QD_DOM_ADDR_VIRTIO_SERIAL ?
                           (int) c->info.addr.controller : 0);
    }
    return 0;
}

/* virDomainDefMaybeAddSmartcardController: a smartcard without an
 * address gets the next ccid slot of controller 0; every smartcard gets
 * its ccid controller. Smartcards are kept as trees. */
static void
smartcard_addresses(struct qd_dom_def *def)
{
    size_t i, j;

    for (i = 0; i < def->dev_extra.n; i++) {
        struct qd_dom_xnode *sc = def->dev_extra.items[i];
        struct qd_dom_xnode *addr;
        const char *type;
        unsigned int ctrl = 0;
        int max = -1;

        if (strcmp(sc->name, "smartcard") != 0)
            continue;
        addr = qd_dom_xnode_child(sc, "address");
        type = qd_dom_xnode_attr(addr, "type");
        if (type && strcmp(type, "ccid") == 0) {
            if (qd_dom_str_to_uip(qd_dom_xnode_attr(addr, "controller"), 10,
                                  &ctrl) < 0)
                ctrl = 0;
        } else if (!addr) {
            char num[16];

            for (j = 0; j < def->dev_extra.n; j++) {
                struct qd_dom_xnode *o = def->dev_extra.items[j];
                struct qd_dom_xnode *oa = qd_dom_xnode_child(o, "address");
                const char *ot = qd_dom_xnode_attr(oa, "type");
                const char *oc = qd_dom_xnode_attr(oa, "controller");
                unsigned int slot;

                if (strcmp(o->name, "smartcard") != 0 || !ot ||
                    strcmp(ot, "ccid") != 0 || (oc && strcmp(oc, "0") != 0))
                    continue;
                if (qd_dom_str_to_uip(qd_dom_xnode_attr(oa, "slot"), 10,
                                      &slot) == 0 && (int) slot > max)
                    max = (int) slot;
            }
            addr = qd_dom_xnode_new("address");
            qd_dom_xnode_set_attr(addr, "type", "ccid");
            qd_dom_xnode_set_attr(addr, "controller", "0");
            snprintf(num, sizeof(num), "%d", max + 1);
            qd_dom_xnode_set_attr(addr, "slot", num);
            qd_dom_xnode_add_kid(sc, addr);
        }
        add_controller(def, "ccid", (int) ctrl);
    }
}

/* virDomainRNGDefPostParse: the random backend defaults to /dev/random */
static void
rng_defaults(struct qd_dom_def *def)
{
    size_t i;

    for (i = 0; i < def->dev_extra.n; i++) {
        struct qd_dom_xnode *b;
        const char *model;

        if (strcmp(def->dev_extra.items[i]->name, "rng") != 0)
            continue;
        b = qd_dom_xnode_child(def->dev_extra.items[i], "backend");
        model = qd_dom_xnode_attr(b, "model");
        if (model && strcmp(model, "random") == 0 && !b->text && !b->nkids)
            b->text = qd_strdup("/dev/random");
    }
}

/* Defaults libvirt fills into some kept devices: a filesystem's
 * accessmode (virDomainFSDefPostParse) and a shmem's model. */
static void
kept_defaults(struct qd_dom_def *def)
{
    size_t i, j;

    for (i = 0; i < def->dev_extra.n; i++) {
        struct qd_dom_xnode *n = def->dev_extra.items[i];

        if (strcmp(n->name, "filesystem") == 0 &&
            (!qd_dom_xnode_attr(n, "type") ||
             (!qd_dom_xnode_attr(n, "accessmode") &&
              !qd_dom_xnode_attr(qd_dom_xnode_child(n, "source"),
                                 "socket")))) {
            struct qd_dom_xnode *tmp = qd_dom_xnode_new("filesystem");

            if (qd_dom_xnode_attr(n, "type"))
                qd_dom_xnode_set_attr(tmp, "type",
                                      qd_dom_xnode_attr(n, "type"));
            else
                qd_dom_xnode_set_attr(tmp, "type", "mount");
            if (!qd_dom_xnode_attr(qd_dom_xnode_child(n, "source"),
                                   "socket"))
                qd_dom_xnode_set_attr(tmp, "accessmode", "passthrough");
            for (j = 0; j < n->nattrs; j++)
                qd_dom_xnode_set_attr(tmp, n->attrs[j].name,
                                      n->attrs[j].value);
            qd_dom_xattrs_free(n->attrs, n->nattrs);
            n->attrs = steal_ptr(&tmp->attrs);
            n->nattrs = tmp->nattrs;
            tmp->nattrs = 0;
            qd_dom_xnode_free(tmp);
        } else if (strcmp(n->name, "shmem") == 0 &&
                   !qd_dom_xnode_child(n, "model")) {
            struct qd_dom_xnode *model = qd_dom_xnode_new("model");

            qd_dom_xnode_set_attr(model, "type", "ivshmem");
            qd_dom_xnode_add_kid(n, model);
            memmove(n->kids + 1, n->kids, (n->nkids - 1) * sizeof(*n->kids));
            n->kids[0] = model;
        }
    }
}

static int
reject_duplicate_controllers(const struct qd_dom_def *def,
                             struct qd_err *err)
{
    size_t i, j;

    for (i = 0; i < def->ncontrollers; i++) {
        const struct qd_dom_controller *a = def->controllers[i];

        if (strcmp(a->type, "usb") == 0)
            continue;
        for (j = 0; j < i; j++) {
            const struct qd_dom_controller *b = def->controllers[j];

            if (strcmp(a->type, b->type) == 0 && a->idx == b->idx)
                return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                                     "Multiple '%s' controllers with index "
                                     "'%d'", a->type, a->idx);
        }
    }
    return 0;
}

static bool
disk_source_empty(const struct qd_dom_disk *d)
{
    if (strcmp(d->type, "file") == 0 || strcmp(d->type, "block") == 0 ||
        strcmp(d->type, "dir") == 0)
        return !d->src_path;
    return false;
}

/* The common checks of virDomainDiskDefValidate. */
static int
validate_disk(const struct qd_dom_disk *d, struct qd_err *err)
{
    bool lun = strcmp(d->device, "lun") == 0;
    bool floppy = strcmp(d->device, "floppy") == 0;
    const char *bus = d->bus;
    const char *policy = qd_dom_xnode_attr(d->source, "startupPolicy");

    if (!d->dst) {
        if (d->src_path)
            return qd_err_report(err, 20, QD_FROM_DOMAIN, "%s", d->src_path);
        return qd_err_report(err, 20, QD_FROM_DOMAIN, NULL);
    }
    if (d->sgio && strcmp(d->sgio, "unfiltered") == 0)
        return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_DOMAIN,
                             "unfiltered sgio is no longer supported");
    if (!lun && d->rawio)
        return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_DOMAIN,
                             "rawio can be used only with device='lun'");
    if (!lun && d->sgio)
        return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_DOMAIN,
                             "sgio can be used only with device='lun'");
    if (d->info.addr.type != QD_DOM_ADDR_NONE &&
        d->info.addr.type != QD_DOM_ADDR_DRIVE &&
        (strcmp(bus, "ide") == 0 || strcmp(bus, "fdc") == 0 ||
         strcmp(bus, "scsi") == 0 || strcmp(bus, "sata") == 0))
        return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_DOMAIN,
                             "Invalid address type '%s' for the disk '%s' "
                             "with the bus type '%s'",
                             qd_dom_addr_types[d->info.addr.type], d->dst,
                             bus);
    if (strcmp(bus, "virtio") != 0) {
        if (d->model)
            return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED,
                                 QD_FROM_DOMAIN, "disk model '%s' not "
                                 "supported for bus '%s'", d->model, bus);
        if (qd_dom_xnode_attr(d->driver, "queues"))
            return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED,
                                 QD_FROM_DOMAIN, "queues attribute in disk "
                                 "driver element is only supported by "
                                 "virtio-blk");
        if (qd_dom_xnode_attr(d->driver, "event_idx"))
            return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED,
                                 QD_FROM_DOMAIN, "disk event_idx mode "
                                 "supported only for virtio bus");
        if (qd_dom_xnode_attr(d->driver, "ioeventfd"))
            return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED,
                                 QD_FROM_DOMAIN, "disk ioeventfd mode "
                                 "supported only for virtio bus");
    }
    if (floppy && strcmp(bus, "fdc") != 0)
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_DOMAIN,
                             "Invalid bus type '%s' for floppy disk", bus);
    if (!floppy && strcmp(bus, "fdc") == 0)
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_DOMAIN,
                             "Invalid bus type '%s' for disk", bus);
    if (policy && strcmp(policy, "requisite") == 0 &&
        strcmp(d->device, "cdrom") != 0 && !floppy)
        return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                             "disk startupPolicy 'requisite' is allowed "
                             "only for cdrom or floppy");
    if ((lun || strcmp(d->device, "disk") == 0) &&
        strncmp(d->dst, "hd", 2) != 0 && strncmp(d->dst, "sd", 2) != 0 &&
        strncmp(d->dst, "vd", 2) != 0 && strncmp(d->dst, "xvd", 3) != 0 &&
        strncmp(d->dst, "ubd", 3) != 0)
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_DOMAIN,
                             "Invalid harddisk device name: %s", d->dst);
    if (floppy && strncmp(d->dst, "fd", 2) != 0)
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_DOMAIN,
                             "Invalid floppy device name: %s", d->dst);
    if (disk_source_empty(d) && strcmp(d->device, "disk") == 0)
        return qd_err_report(err, 19, QD_FROM_DOMAIN, "%s", d->dst);
    return 0;
}

static int
validate_disks(const struct qd_dom_def *def, struct qd_err *err)
{
    size_t i;

    for (i = 0; i < def->ndisks; i++) {
        if (validate_disk(def->disks[i], err) < 0)
            return -1;
    }
    return 0;
}

/* virDomainDefDuplicateDiskInfoValidate and the disk part of
 * virDomainDefDuplicateDriveAddressesValidate */
static int
validate_disk_duplicates(const struct qd_dom_def *def, struct qd_err *err)
{
    size_t i, j;

    for (i = 0; i < def->ndisks; i++) {
        for (j = i + 1; j < def->ndisks; j++) {
            const struct qd_dom_disk *a = def->disks[i], *b = def->disks[j];

            if (strcmp(a->dst, b->dst) == 0)
                return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                                     "target '%s' duplicated for disk "
                                     "sources '%s' and '%s'", a->dst,
                                     a->src_path ? a->src_path : "<null>",
                                     b->src_path ? b->src_path : "<null>");
        }
    }
    for (i = 0; i < def->ndisks; i++) {
        const struct qd_dom_addr *a = &def->disks[i]->info.addr;

        if (a->type != QD_DOM_ADDR_DRIVE)
            continue;
        for (j = i + 1; j < def->ndisks; j++) {
            const struct qd_dom_addr *b = &def->disks[j]->info.addr;

            if (strcmp(def->disks[i]->bus, def->disks[j]->bus) != 0 ||
                b->type != QD_DOM_ADDR_DRIVE)
                continue;
            if (a->controller == b->controller && a->bus == b->bus &&
                a->target == b->target && a->unit == b->unit)
                return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED,
                                     QD_FROM_DOMAIN, "Found duplicate drive "
                                     "address for disk with target name "
                                     "'%s' controller='%u' bus='%u' "
                                     "target='%u' unit='%u'",
                                     def->disks[i]->dst, a->controller,
                                     a->bus, a->target, a->unit);
        }
    }
    return 0;
}

/* virDomainChrSourceDefValidate */
static int
validate_chr(const struct qd_dom_chr *c, struct qd_err *err)
{
    const char *t = c->type;
    const char *msg = NULL;

    if (strcmp(t, "file") == 0 || strcmp(t, "dev") == 0 ||
        strcmp(t, "pipe") == 0) {
        if (!c->path)
            msg = "Missing source path attribute for char device";
    } else if (strcmp(t, "nmdm") == 0) {
        if (!c->master != !c->slave)
            msg = "Should define both master and slave path attributes for "
                  "nmdm device";
    } else if (strcmp(t, "tcp") == 0) {
        if (!c->host)
            msg = "Missing source host attribute for char device";
        else if (!c->service)
            msg = "Missing source service attribute for char device";
        else if (strcmp(c->mode, "bind") == 0 &&
                 qd_dom_xlist_find(&c->source_kids, "reconnect"))
            msg = "chardev reconnect is possible only for connect mode";
    } else if (strcmp(t, "udp") == 0) {
        if (!c->service)
            msg = "Missing source service attribute for char device";
    } else if (strcmp(t, "unix") == 0) {
        bool auto_path = strcmp(c->kind, "channel") == 0 && c->target_type &&
                         (strcmp(c->target_type, "xen") == 0 ||
                          strcmp(c->target_type, "virtio") == 0);

        if (!c->path && !auto_path)
            msg = "Missing source path attribute for char device";
        else if (c->mode && strcmp(c->mode, "bind") == 0 &&
                 qd_dom_xlist_find(&c->source_kids, "reconnect"))
            msg = "chardev reconnect is possible only for connect mode";
    } else if (strcmp(t, "spiceport") == 0 || strcmp(t, "dbus") == 0) {
        if (!c->channel)
            return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED,
                                 QD_FROM_DOMAIN, "Missing source channel "
                                 "attribute for char device");
        if (strspn(c->channel, "abcdefghijklmnopqrstuvwxyz"
                   "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") !=
            strlen(c->channel))
            return qd_err_report(err, QD_ERR_INVALID_ARG, QD_FROM_DOMAIN,
                                 "Invalid character in source channel for "
                                 "char device");
    }
    if (msg)
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_DOMAIN,
                             "%s", msg);
    return 0;
}

static int
validate_chrs(const struct qd_dom_def *def, struct qd_err *err)
{
    struct qd_dom_chr *const *lists[] = {
        def->serials, def->parallels, def->consoles, def->channels
    };
    size_t counts[] = {
        def->nserials, def->nparallels, def->nconsoles, def->nchannels
    };
    size_t l, i;

    for (l = 0; l < 4; l++) {
        for (i = 0; i < counts[l]; i++) {
            if (validate_chr(lists[l][i], err) < 0)
                return -1;
        }
    }
    return 0;
}

int
qd_dom_devices_postparse(struct qd_dom_def *def, unsigned pflags,
                         struct qd_err *err)
{
    size_t i;

    assign_controller_indexes(def);
    if (isa_serial_ports(def, err) < 0)
        return -1;

    for (i = 0; i < def->ndisks; i++) {
        struct qd_dom_disk *d = def->disks[i];

        if (disk_postparse(d, err) < 0)
            return -1;
        if (d->source && qd_dom_xnode_attr(d->source, "fdgroup"))
            return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED,
                                 QD_FROM_DOMAIN, "driver does not support FD "
                                 "passing for disk '%s'", d->dst);
    }
    for (i = 0; i < def->nserials; i++) {
        if (chr_postparse(def, def->serials[i], err) < 0)
            return -1;
    }
    for (i = 0; i < def->nparallels; i++) {
        if (chr_postparse(def, def->parallels[i], err) < 0)
            return -1;
    }
    for (i = 0; i < def->nconsoles; i++) {
        if (chr_postparse(def, def->consoles[i], err) < 0)
            return -1;
    }
    for (i = 0; i < def->nchannels; i++) {
        if (chr_postparse(def, def->channels[i], err) < 0)
            return -1;
    }
    for (i = 0; i < def->nvideos; i++)
        video_postparse(def, def->videos[i]);

    if (reject_duplicate_controllers(def, err) < 0 ||
        console_compat(def, err) < 0 ||
        implicit_controllers(def, err) < 0)
        return -1;
    smartcard_addresses(def);
    rng_defaults(def);
    kept_defaults(def);

    /* virDomainDefAddImplicitVideo */
    if (def->ngraphics > 0 && def->nvideos == 0) {
        struct qd_dom_video *v = QD_NEW(struct qd_dom_video);

        v->heads = 1;
        qd_dom_devinfo_clear(&v->info);
        QD_DOM_APPEND(def->videos, def->nvideos, v);
    }
    if (def->nvideos > 0) {
        struct qd_dom_video *v = def->videos[0];

        if (v->type && strcmp(v->type, "none") == 0) {
            char *alias = steal_ptr(&v->info.alias);

            qd_dom_video_free(v);
            v = QD_NEW(struct qd_dom_video);
            qd_dom_devinfo_clear(&v->info);
            v->type = qd_strdup("none");
            v->info.alias = alias;
            def->videos[0] = v;
        } else {
            v->primary = true;
            video_postparse(def, v);
        }
    }
    if (def->nserials > 0 && chr_postparse(def, def->serials[0], err) < 0)
        return -1;
    if (pflags & QD_DOM_PARSE_SKIP_VALIDATE)
        return 0;
    if (validate_disks(def, err) < 0 || validate_chrs(def, err) < 0)
        return -1;
    return validate_disk_duplicates(def, err);
}

bool
qd_dom_def_has_boot_order(const struct qd_dom_def *def)
{
    size_t i;

    for (i = 0; i < def->ndisks; i++) {
        if (def->disks[i]->info.boot_order)
            return true;
    }
    for (i = 0; i < def->nnets; i++) {
        if (def->nets[i]->info.boot_order)
            return true;
    }
    for (i = 0; i < def->dev_extra.n; i++) {
        const struct qd_dom_xnode *n = def->dev_extra.items[i];

        if ((strcmp(n->name, "hostdev") == 0 ||
             strcmp(n->name, "redirdev") == 0 ||
             strcmp(n->name, "filesystem") == 0) &&
            qd_dom_xnode_child(n, "boot"))
            return true;
    }
    return false;
}
