/* Internals shared by qemu_command.c (global options, assembly),
 * qemu_command_dev.c (devices) and qemu_command_pci.c (PCI addresses);
 * not for other modules.
 *
 * Values taken from the XML go through opt_add(), which doubles commas
 * so a name or path can never start a new QEMU option. */
#ifndef QD_DRIVERS_QEMU_QEMU_COMMAND_PRIV_H
#define QD_DRIVERS_QEMU_QEMU_COMMAND_PRIV_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/qemu/qemu_command.h"
#include "util/buf.h"
#include "util/mem.h"

/* The PCI address of one device, from the XML or chosen by
 * qd_qemu_cmd_pci_prepare. @key is the device's object in the def. */
struct qd_qemu_pci_dev {
    const void *key;
    unsigned int bus, slot, function;
    int multi;                  /* 0 absent, 1 on, 2 off */
};

/* One argv being built. Owned by qd_qemu_build_argv, one thread. */
struct qd_qemu_cmd {
    const struct qd_dom_def *def;
    const struct qd_qemu_cmd_opts *opts;
    struct qd_err *err;
    char **argv;                /* NULL-terminated once argc > 0 */
    size_t argc, cap;
    bool q35;
    const char *root;           /* "pci.0" (pc) or "pcie.0" (q35) */
    unsigned int boot_disk, boot_cdrom, boot_net;   /* from <os><boot> */
    uint8_t pci[256][32];       /* functions in use, per bus and slot */
    bool pci_agg[32];           /* bus-0 slots of pcie-root-ports */
    struct qd_qemu_pci_dev *pcidevs;    /* every PCI device's address */
    size_t npcidevs;
};

/* Stands for the USB controller qemud adds when USB devices need one
 * and the XML has none (a key for the PCI address table). */
#define QD_QEMU_IMPLICIT_USB(c) ((const void *) (c))

/* qemu_command_pci.c: give every PCI device its address (before any
 * device is built). Returns 0 or -1 with the error set. */
int qd_qemu_cmd_pci_prepare(struct qd_qemu_cmd *c);

/* Appends bus=, multifunction= and addr= for the device @key, whose
 * XML address is @a (for the error when it is not a PCI one); @what
 * names the device. Returns 0 or -1 with the error set. */
int qd_qemu_cmd_pci_props(struct qd_qemu_cmd *c, struct qd_buf *b,
                          const void *key, const struct qd_dom_addr *a,
                          const char *what);

/* (slot << 3) + function of device @key's address, -1 if it has none:
 * libvirt's default port of a pcie-root-port. */
int qd_qemu_cmd_pci_port(const struct qd_qemu_cmd *c, const void *key);

/* Reads an <address type='pci'> kept as a tree (rng). */
void qd_qemu_cmd_xnode_addr(const struct qd_dom_xnode *dev,
                            struct qd_dom_addr *a);

/* The controller of @type with index @idx (any index if @idx < 0). */
const struct qd_dom_controller *
qd_qemu_cmd_find_ctrl(const struct qd_dom_def *def, const char *type,
                      int idx);

/* Controllers that are part of the machine: pci-root/pcie-root, the
 * PIIX3 IDE (pc) and the ICH9 AHCI (q35). libvirt's XML gives them
 * their chipset addresses (00:01.1, 00:1f.2), reserved anyway. */
bool qd_qemu_cmd_builtin_ctrl(const struct qd_qemu_cmd *c,
                              const struct qd_dom_controller *ctl);

/* The PCI function of an ICH9 USB2 controller model: 0-2 for
 * ich9-uhci1-3, 7 for ich9-ehci1; -1 for any other model. */
int qd_qemu_cmd_usb2_function(const char *model);

/* qemu_command_dev.c: add every device. Returns 0 or -1 with the error
 * set. */
int qd_qemu_cmd_devices(struct qd_qemu_cmd *c);

static inline bool
streq(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

/* Reports CONFIG_UNSUPPORTED from the QEMU driver. Returns -1. */
static inline int __attribute__((format(printf, 2, 3)))
unsup(struct qd_qemu_cmd *c, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0)
        abort();
    va_end(ap);
    qd_err_report(c->err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_QEMU, "%s", msg);
    free(msg);
    return -1;
}

static inline void
add(struct qd_qemu_cmd *c, const char *s)
{
    if (c->argc + 2 > c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->argv = qd_realloc(c->argv, c->cap * sizeof(*c->argv));
    }
    c->argv[c->argc++] = qd_strdup(s);
    c->argv[c->argc] = NULL;
}

static inline void __attribute__((format(printf, 2, 3)))
addf(struct qd_qemu_cmd *c, const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0)
        abort();
    va_end(ap);
    add(c, s);
    free(s);
}

/* Appends ",key=value" (no key: ",value"), commas in @val doubled. */
static inline void
opt_add(struct qd_buf *b, const char *key, const char *val)
{
    if (b->len)
        qd_buf_puts(b, ",");
    if (key)
        qd_buf_printf(b, "%s=", key);
    for (; *val; val++) {
        if (*val == ',')
            qd_buf_puts(b, ",");
        qd_buf_append(b, val, 1);
    }
}

static inline void __attribute__((format(printf, 3, 4)))
opt_fmt(struct qd_buf *b, const char *key, const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0)
        abort();
    va_end(ap);
    opt_add(b, key, s);
    free(s);
}

/* id= : the user alias (ua-...) if given, else the generated one. */
static inline void __attribute__((format(printf, 3, 4)))
opt_id(struct qd_buf *b, const struct qd_dom_devinfo *info, const char *fmt,
       ...)
{
    va_list ap;
    char *s;

    if (info && info->alias) {
        opt_add(b, "id", info->alias);
        return;
    }
    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0)
        abort();
    va_end(ap);
    opt_add(b, "id", s);
    free(s);
}

/* Adds @opt and the option string in @b (which is emptied). */
static inline void
push(struct qd_qemu_cmd *c, const char *opt, struct qd_buf *b)
{
    char *s = qd_buf_steal_str(b);

    add(c, opt);
    add(c, s);
    free(s);
}

/* Attribute @name of @n as an unsigned number (decimal or 0x hex). */
static inline bool
uint_attr(const struct qd_dom_xnode *n, const char *name, unsigned int *ret)
{
    const char *s = qd_dom_xnode_attr(n, name);
    char *end;
    unsigned long v;

    if (!s || !*s)
        return false;
    v = strtoul(s, &end, 0);
    if (*end || v > 0xffffffffUL)
        return false;
    *ret = (unsigned int) v;
    return true;
}

/* Whether a device needs a USB controller. */
static inline bool
qd_qemu_cmd_uses_usb(const struct qd_dom_def *def)
{
    size_t i;

    for (i = 0; i < def->ninputs; i++) {
        if (streq(def->inputs[i]->bus, "usb"))
            return true;
    }
    return false;
}

static inline const char *
feature_state(const struct qd_dom_def *def, const char *name)
{
    const struct qd_dom_xnode *f = qd_dom_xlist_find(&def->features, name);
    const char *state = qd_dom_xnode_attr(f, "state");

    return !f ? NULL : state ? state : "on";
}

#endif
