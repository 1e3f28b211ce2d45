/* Domain definition -> QEMU argv: the PCI address of every device.
 *
 * Before any device is built, qd_qemu_cmd_pci_prepare() gives each PCI
 * device its address, in libvirt 9.0's order (qemu_domain_address.c):
 * the XML's explicit addresses first, then the chipset's fixed places
 * (PIIX3 USB at 00:01.2; on q35 the first two ICH9 UHCI1 at 00:1d.0
 * and 00:1a.0 when free; the primary video at slot 2 (pc) or 1 (q35)
 * when free), then the rest in the order
 * PCI controllers, interfaces, other controllers, virtio disks, balloon,
 * rng, videos, virtio inputs, PCI serial ports. As in libvirt:
 *
 * - an ordinary device takes the first slot with no function in use;
 * - pcie-root-ports pack eight to a slot, as functions 0-7;
 * - the ICH9 EHCI and UHCI companions of one USB index share a slot:
 *   UHCI1-3 at functions 0-2, EHCI1 at function 7;
 * - on q35, PCI Express endpoints (virtio, e1000e, xHCI, bochs) go
 *   behind the first pcie-root-port that is still empty, conventional
 *   ones onto a pci-bridge;
 * - function 0 of a slot with other functions in use is marked
 *   multifunction=on unless the XML says off.
 *
 * Where libvirt would add a controller to the definition (a root port
 * when all are taken, a pcie-to-pci-bridge for a conventional device
 * on q35), qemud does not change the definition and uses pcie.0
 * instead, which QEMU accepts for integrated endpoints.
 */
#include "drivers/qemu/qemu_command.h"

#include "drivers/qemu/qemu_command_priv.h"

static const char *const addr_names[] = {
    "none", "pci", "drive", "virtio-serial", "ccid", "usb", "spapr-vio",
    "virtio-s390", "ccw", "virtio-mmio", "isa", "dimm", "unassigned",
};

/* How a device plugs in, which decides where it may go. */
enum pci_kind {
    KIND_PCI,           /* conventional PCI endpoint */
    KIND_PCIE,          /* PCI Express endpoint */
    KIND_ROOT_PORT,     /* pcie-root-port: aggregates on a slot */
    KIND_BRIDGE,        /* pci-bridge */
};

/* ---- lookups ---- */

const struct qd_dom_controller *
qd_qemu_cmd_find_ctrl(const struct qd_dom_def *def, const char *type, int idx)
{
    size_t i;

    for (i = 0; i < def->ncontrollers; i++) {
        if (streq(def->controllers[i]->type, type) &&
            (idx < 0 || def->controllers[i]->idx == idx))
            return def->controllers[i];
    }
    return NULL;
}

bool
qd_qemu_cmd_builtin_ctrl(const struct qd_qemu_cmd *c,
                         const struct qd_dom_controller *ctl)
{
    return ctl->idx == 0 &&
           (strcmp(ctl->type, "pci") == 0 ||
            strcmp(ctl->type, c->q35 ? "sata" : "ide") == 0);
}

int
qd_qemu_cmd_usb2_function(const char *model)
{
    static const char *const models[] = {
        "ich9-uhci1", "ich9-uhci2", "ich9-uhci3",
    };
    size_t i;

    if (streq(model, "ich9-ehci1"))
        return 7;
    for (i = 0; i < QD_ARRAY_SIZE(models); i++)
        if (streq(model, models[i]))
            return (int) i;
    return -1;
}

static const struct qd_qemu_pci_dev *
pci_dev(const struct qd_qemu_cmd *c, const void *key)
{
    size_t i;

    for (i = 0; i < c->npcidevs; i++)
        if (c->pcidevs[i].key == key)
            return &c->pcidevs[i];
    return NULL;
}

/* The controller giving bus @bus, if it has @model. */
static bool
bus_is(const struct qd_qemu_cmd *c, unsigned int bus, const char *model)
{
    const struct qd_dom_controller *ctl;

    ctl = qd_qemu_cmd_find_ctrl(c->def, "pci", (int) bus);
    return ctl && streq(ctl->model, model);
}

/* ---- reserving ---- */

/* Records @key at bus:slot.function and marks the function used. */
static void
pci_add(struct qd_qemu_cmd *c, const void *key, unsigned int bus,
        unsigned int slot, unsigned int function, int multi)
{
    struct qd_qemu_pci_dev *d;

    c->pcidevs = qd_realloc(c->pcidevs,
                            (c->npcidevs + 1) * sizeof(*c->pcidevs));
    d = &c->pcidevs[c->npcidevs++];
    d->key = key;
    d->bus = bus;
    d->slot = slot;
    d->function = function;
    d->multi = multi;
    c->pci[bus][slot] |= (uint8_t) (1u << function);
}

static int
double_use(struct qd_qemu_cmd *c, unsigned int bus, unsigned int slot,
           unsigned int function)
{
    return unsup(c, "Attempted double use of PCI Address "
                 "0000:%02x:%02x.%x", bus, slot, function);
}

/* Takes the XML's address @a of device @key, if it is a PCI one.
 * Returns 0 or -1. */
static int
pci_reserve(struct qd_qemu_cmd *c, const void *key,
            const struct qd_dom_addr *a)
{
    if (a->type != QD_DOM_ADDR_PCI)
        return 0;
    if (a->domain != 0 || a->bus > 255 || a->slot > 31 || a->function > 7)
        return unsup(c, "PCI address %04x:%02x:%02x.%x is out of range",
                     a->domain, a->bus, a->slot, a->function);
    if (a->bus > 0 && !qd_qemu_cmd_find_ctrl(c->def, "pci", (int) a->bus))
        return unsup(c, "no PCI controller with index '%u' for the device "
                     "at address 0000:%02x:%02x.%x", a->bus, a->bus,
                     a->slot, a->function);
    if (c->pci[a->bus][a->slot] & (1u << a->function))
        return double_use(c, a->bus, a->slot, a->function);
    pci_add(c, key, a->bus, a->slot, a->function, a->multi);
    return 0;
}

/* Puts device @key at the fixed place bus:slot.function. */
static int
pci_take(struct qd_qemu_cmd *c, const void *key, unsigned int bus,
         unsigned int slot, unsigned int function, int multi)
{
    if (c->pci[bus][slot] & (1u << function))
        return double_use(c, bus, slot, function);
    pci_add(c, key, bus, slot, function, multi);
    return 0;
}

/* A free place on bus @bus (slots 1-31) for a device of @kind at
 * @function: an empty slot, or for a root port a free function on a
 * slot of root ports. Returns the slot, or -1 when there is none. */
static int
bus_free_slot(struct qd_qemu_cmd *c, unsigned int bus, enum pci_kind kind,
              unsigned int *function)
{
    unsigned int slot, f;

    for (slot = 1; slot < 32; slot++) {
        if (!c->pci[bus][slot])
            return (int) slot;
        if (kind == KIND_ROOT_PORT && bus == 0 && c->pci_agg[slot]) {
            for (f = 0; f < 8; f++) {
                if (!(c->pci[bus][slot] & (1u << f))) {
                    *function = f;
                    return (int) slot;
                }
            }
        }
    }
    return -1;
}

/* Chooses the next free address for device @key of @kind, at
 * @function (0, or the ICH9 USB function). Returns 0 or -1. */
static int
pci_next(struct qd_qemu_cmd *c, const void *key, enum pci_kind kind,
         unsigned int function, int multi)
{
    unsigned int bus;
    int slot;

    if (c->q35 && kind == KIND_PCIE) {
        for (bus = 1; bus < 256; bus++) {
            if (!c->pci[bus][0] && bus_is(c, bus, "pcie-root-port")) {
                pci_add(c, key, bus, 0, function, multi);
                return 0;
            }
        }
    }
    if (kind == KIND_PCI || (kind == KIND_PCIE && !c->q35)) {
        /* pc: bus 0 first; q35: bridges, then pcie.0 */
        for (bus = c->q35 ? 1 : 0; bus < 256; bus++) {
            if (bus > 0 && !bus_is(c, bus, "pci-bridge"))
                continue;
            if ((slot = bus_free_slot(c, bus, kind, &function)) >= 0) {
                pci_add(c, key, bus, (unsigned) slot, function, multi);
                return 0;
            }
        }
    }
    if ((slot = bus_free_slot(c, 0, kind, &function)) < 0)
        return unsup(c, "No more available PCI slots");
    if (kind == KIND_ROOT_PORT && !c->pci[0][slot])
        c->pci_agg[slot] = true;
    pci_add(c, key, 0, (unsigned) slot, function, multi);
    return 0;
}

/* ---- which devices, and of which kind ---- */

static enum pci_kind
net_kind(const struct qd_dom_net *n)
{
    return streq(n->model, "virtio") || streq(n->model, "e1000e") ?
           KIND_PCIE : KIND_PCI;
}

/* Whether controller @ctl is a PCI device with its own address; sets
 * @kind. pci-root/pcie-root, the built-in IDE/SATA, USB 'none' and the
 * types qemud refuses anyway have none. */
static bool
ctrl_kind(const struct qd_qemu_cmd *c, const struct qd_dom_controller *ctl,
          enum pci_kind *kind)
{
    const char *t = ctl->type, *m = ctl->model;

    *kind = KIND_PCI;
    if (qd_qemu_cmd_builtin_ctrl(c, ctl))
        return false;
    if (strcmp(t, "pci") == 0) {
        *kind = streq(m, "pcie-root-port") ? KIND_ROOT_PORT : KIND_BRIDGE;
    } else if (strcmp(t, "usb") == 0) {
        if (streq(m, "none"))
            return false;
        if (streq(m, "qemu-xhci") || streq(m, "nec-xhci") ||
            (!m && c->q35))
            *kind = KIND_PCIE;
    } else if (strcmp(t, "scsi") == 0) {
        if (!m || strcmp(m, "virtio-scsi") == 0)
            *kind = KIND_PCIE;
    } else if (strcmp(t, "virtio-serial") == 0) {
        *kind = KIND_PCIE;
    } else if (strcmp(t, "sata") != 0 && strcmp(t, "ide") != 0) {
        return false;
    }
    return true;
}

static enum pci_kind
video_kind(const struct qd_dom_video *v)
{
    return streq(v->type, "virtio") || streq(v->type, "bochs") ?
           KIND_PCIE : KIND_PCI;
}

/* The PIIX3's own USB function, 00:01.2: USB index 0 of the default
 * or piix3-uhci model on pc. */
static bool
piix3_usb(const struct qd_qemu_cmd *c, const struct qd_dom_controller *ctl)
{
    return !c->q35 && ctl->idx == 0 && strcmp(ctl->type, "usb") == 0 &&
           (!ctl->model || strcmp(ctl->model, "piix3-uhci") == 0);
}

/* ---- the passes ---- */

/* Every address the XML gives, and the chipset's own functions. */
static int
pci_explicit(struct qd_qemu_cmd *c)
{
    const struct qd_dom_def *def = c->def;
    struct qd_dom_addr a;
    size_t i;

    c->pci[0][0] = 0xff;                /* host bridge */
    if (c->q35)
        c->pci[0][0x1f] = 0xff;         /* ICH9 LPC, SATA, SMBus */
    else
        c->pci[0][1] = 0x0b;            /* PIIX3 ISA, IDE, PM; .2 is USB */

    for (i = 0; i < def->ncontrollers; i++) {
        const struct qd_dom_controller *ctl = def->controllers[i];
        const struct qd_dom_addr *ca = &ctl->info.addr;
        /* a slot whose first function is a root port takes more */
        bool agg = ca->type == QD_DOM_ADDR_PCI && ca->bus == 0 &&
                   ca->slot < 32 && !c->pci[0][ca->slot] &&
                   streq(ctl->type, "pci") &&
                   streq(ctl->model, "pcie-root-port");

        if (qd_qemu_cmd_builtin_ctrl(c, ctl))
            continue;
        if (pci_reserve(c, ctl, ca) < 0)
            return -1;
        if (agg)
            c->pci_agg[ca->slot] = true;
    }
    for (i = 0; i < def->ndisks; i++)
        if (pci_reserve(c, def->disks[i], &def->disks[i]->info.addr) < 0)
            return -1;
    for (i = 0; i < def->nnets; i++)
        if (pci_reserve(c, def->nets[i], &def->nets[i]->info.addr) < 0)
            return -1;
    for (i = 0; i < def->nserials; i++)
        if (pci_reserve(c, def->serials[i], &def->serials[i]->info.addr) < 0)
            return -1;
    for (i = 0; i < def->ninputs; i++)
        if (pci_reserve(c, def->inputs[i], &def->inputs[i]->info.addr) < 0)
            return -1;
    for (i = 0; i < def->nvideos; i++)
        if (pci_reserve(c, def->videos[i], &def->videos[i]->info.addr) < 0)
            return -1;
    if (def->memballoon &&
        pci_reserve(c, def->memballoon, &def->memballoon->info.addr) < 0)
        return -1;
    for (i = 0; i < def->dev_extra.n; i++) {
        qd_qemu_cmd_xnode_addr(def->dev_extra.items[i], &a);
        if (pci_reserve(c, def->dev_extra.items[i], &a) < 0)
            return -1;
    }
    return 0;
}

/* The places the chipset fixes (libvirt's qemuDomainValidateDevice-
 * PCISlotsPIIX3 / Q35): the PIIX3 USB, the first two ICH9 UHCI1 on
 * q35 (00:1d.0, then 00:1a.0, when free), the primary video. */
static int
pci_chipset(struct qd_qemu_cmd *c)
{
    const struct qd_dom_def *def = c->def;
    const struct qd_dom_video *v = def->nvideos ? def->videos[0] : NULL;
    unsigned int slot = c->q35 ? 1 : 2;
    size_t i;

    for (i = 0; i < def->ncontrollers; i++) {
        const struct qd_dom_controller *ctl = def->controllers[i];

        if (ctl->info.addr.type != QD_DOM_ADDR_NONE)
            continue;
        if (piix3_usb(c, ctl) && pci_take(c, ctl, 0, 1, 2, 0) < 0)
            return -1;
        if (c->q35 && streq(ctl->type, "usb") &&
            streq(ctl->model, "ich9-uhci1")) {
            if (!c->pci[0][0x1d])
                pci_add(c, ctl, 0, 0x1d, 0, 1);
            else if (!c->pci[0][0x1a])
                pci_add(c, ctl, 0, 0x1a, 0, 1);
        }
    }
    if (!c->q35 && !qd_qemu_cmd_find_ctrl(def, "usb", -1) &&
        qd_qemu_cmd_uses_usb(def) &&
        pci_take(c, QD_QEMU_IMPLICIT_USB(c), 0, 1, 2, 0) < 0)
        return -1;
    if (v && !streq(v->type, "none") &&
        v->info.addr.type == QD_DOM_ADDR_NONE) {
        if (!c->pci[0][slot])
            pci_add(c, v, 0, slot, 0, 0);
        else if (pci_next(c, v, video_kind(v), 0, 0) < 0)
            return -1;
    }
    return 0;
}

/* An ICH9 EHCI1/UHCI1-3 without an address: the slot of its USB
 * index's other controllers if one has an address already, else a
 * new slot; the function follows the model. */
static int
pci_usb2(struct qd_qemu_cmd *c, const struct qd_dom_controller *ctl)
{
    const struct qd_dom_def *def = c->def;
    int fn = qd_qemu_cmd_usb2_function(ctl->model);
    int multi = fn == 0 ? 1 : 0;
    size_t i;

    for (i = 0; i < def->ncontrollers; i++) {
        const struct qd_dom_controller *o = def->controllers[i];
        const struct qd_qemu_pci_dev *d;

        if (o == ctl || !streq(o->type, "usb") || o->idx != ctl->idx ||
            qd_qemu_cmd_usb2_function(o->model) < 0 ||
            !(d = pci_dev(c, o)))
            continue;
        return pci_take(c, ctl, d->bus, d->slot, (unsigned) fn, multi);
    }
    return pci_next(c, ctl, KIND_PCI, (unsigned) fn, multi);
}

/* Whether device @key has no address yet (none in the XML either). */
static bool
wanted(const struct qd_qemu_cmd *c, const void *key,
       const struct qd_dom_addr *a)
{
    return a->type == QD_DOM_ADDR_NONE && !pci_dev(c, key);
}

/* Every device still without an address, in libvirt's order. */
static int
pci_assign(struct qd_qemu_cmd *c)
{
    const struct qd_dom_def *def = c->def;
    enum pci_kind kind;
    struct qd_dom_addr a;
    size_t i;

    for (i = 0; i < def->ncontrollers; i++) {
        const struct qd_dom_controller *ctl = def->controllers[i];

        if (streq(ctl->type, "pci") && ctrl_kind(c, ctl, &kind) &&
            wanted(c, ctl, &ctl->info.addr) &&
            pci_next(c, ctl, kind, 0, 0) < 0)
            return -1;
    }
    for (i = 0; i < def->nnets; i++) {
        const struct qd_dom_net *n = def->nets[i];

        if (wanted(c, n, &n->info.addr) &&
            pci_next(c, n, net_kind(n), 0, 0) < 0)
            return -1;
    }
    for (i = 0; i < def->ncontrollers; i++) {
        const struct qd_dom_controller *ctl = def->controllers[i];

        if (streq(ctl->type, "pci") || !ctrl_kind(c, ctl, &kind) ||
            !wanted(c, ctl, &ctl->info.addr))
            continue;
        if (streq(ctl->type, "usb") &&
            qd_qemu_cmd_usb2_function(ctl->model) >= 0) {
            if (pci_usb2(c, ctl) < 0)
                return -1;
        } else if (pci_next(c, ctl, kind, 0, 0) < 0) {
            return -1;
        }
    }
    /* libvirt adds this one to the definition, after the others */
    if (c->q35 && !qd_qemu_cmd_find_ctrl(def, "usb", -1) &&
        qd_qemu_cmd_uses_usb(def) &&
        pci_next(c, QD_QEMU_IMPLICIT_USB(c), KIND_PCIE, 0, 0) < 0)
        return -1;
    for (i = 0; i < def->ndisks; i++) {
        const struct qd_dom_disk *d = def->disks[i];

        if (streq(d->bus, "virtio") && wanted(c, d, &d->info.addr) &&
            pci_next(c, d, KIND_PCIE, 0, 0) < 0)
            return -1;
    }
    if (def->memballoon && streq(def->memballoon->model, "virtio") &&
        wanted(c, def->memballoon, &def->memballoon->info.addr) &&
        pci_next(c, def->memballoon, KIND_PCIE, 0, 0) < 0)
        return -1;
    for (i = 0; i < def->dev_extra.n; i++) {
        const struct qd_dom_xnode *n = def->dev_extra.items[i];

        qd_qemu_cmd_xnode_addr(n, &a);
        if (strcmp(n->name, "rng") == 0 && wanted(c, n, &a) &&
            pci_next(c, n, KIND_PCIE, 0, 0) < 0)
            return -1;
    }
    for (i = 0; i < def->nvideos; i++) {
        const struct qd_dom_video *v = def->videos[i];

        if (!streq(v->type, "none") && wanted(c, v, &v->info.addr) &&
            pci_next(c, v, video_kind(v), 0, 0) < 0)
            return -1;
    }
    for (i = 0; i < def->ninputs; i++) {
        const struct qd_dom_input *in = def->inputs[i];

        if (streq(in->bus, "virtio") && wanted(c, in, &in->info.addr) &&
            pci_next(c, in, KIND_PCIE, 0, 0) < 0)
            return -1;
    }
    for (i = 0; i < def->nserials; i++) {
        const struct qd_dom_chr *s = def->serials[i];

        if (streq(s->target_type, "pci-serial") &&
            wanted(c, s, &s->info.addr) && pci_next(c, s, KIND_PCI, 0, 0) < 0)
            return -1;
    }
    return 0;
}

/* libvirt's virDomainPCIAddressSetAllMulti: function 0 of a slot with
 * other functions in use gets multifunction=on, unless set to off. */
static void
pci_multi(struct qd_qemu_cmd *c)
{
    size_t i, j;

    for (i = 0; i < c->npcidevs; i++) {
        struct qd_qemu_pci_dev *d = &c->pcidevs[i];

        if (d->function != 0 || d->multi)
            continue;
        for (j = 0; j < c->npcidevs; j++) {
            const struct qd_qemu_pci_dev *o = &c->pcidevs[j];

            if (o->bus == d->bus && o->slot == d->slot && o->function) {
                d->multi = 1;
                break;
            }
        }
    }
}

int
qd_qemu_cmd_pci_prepare(struct qd_qemu_cmd *c)
{
    if (pci_explicit(c) < 0 || pci_chipset(c) < 0 || pci_assign(c) < 0)
        return -1;
    pci_multi(c);
    return 0;
}

/* ---- output ---- */

void
qd_qemu_cmd_xnode_addr(const struct qd_dom_xnode *dev, struct qd_dom_addr *a)
{
    const struct qd_dom_xnode *n = qd_dom_xnode_child(dev, "address");
    const char *type = qd_dom_xnode_attr(n, "type");
    const char *multi;
    size_t i;

    memset(a, 0, sizeof(*a));
    for (i = 1; n && type && i < QD_ARRAY_SIZE(addr_names); i++)
        if (strcmp(type, addr_names[i]) == 0)
            a->type = (int) i;
    if (a->type != QD_DOM_ADDR_PCI)
        return;
    (void) uint_attr(n, "domain", &a->domain);
    (void) uint_attr(n, "bus", &a->bus);
    (void) uint_attr(n, "slot", &a->slot);
    (void) uint_attr(n, "function", &a->function);
    multi = qd_dom_xnode_attr(n, "multifunction");
    a->multi = streq(multi, "on") ? 1 : streq(multi, "off") ? 2 : 0;
}

int
qd_qemu_cmd_pci_props(struct qd_qemu_cmd *c, struct qd_buf *b,
                      const void *key, const struct qd_dom_addr *a,
                      const char *what)
{
    const struct qd_qemu_pci_dev *d = pci_dev(c, key);

    if (!d && a && a->type != QD_DOM_ADDR_NONE &&
        a->type != QD_DOM_ADDR_PCI && a->type >= 0 &&
        (size_t) a->type < QD_ARRAY_SIZE(addr_names))
        return unsup(c, "address type '%s' is not supported for %s",
                     addr_names[a->type], what);
    if (!d)
        return qd_err_report(c->err, QD_ERR_INTERNAL_ERROR, QD_FROM_QEMU,
                             "no PCI address for %s", what);
    if (d->bus == 0)
        opt_add(b, "bus", c->root);
    else
        opt_fmt(b, "bus", "pci.%u", d->bus);
    if (d->multi)
        opt_add(b, "multifunction", d->multi == 1 ? "on" : "off");
    if (d->function)
        opt_fmt(b, "addr", "0x%x.0x%x", d->slot, d->function);
    else
        opt_fmt(b, "addr", "0x%x", d->slot);
    return 0;
}

int
qd_qemu_cmd_pci_port(const struct qd_qemu_cmd *c, const void *key)
{
    const struct qd_qemu_pci_dev *d = pci_dev(c, key);

    return d ? (int) ((d->slot << 3) + d->function) : -1;
}
