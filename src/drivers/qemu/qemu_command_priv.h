/* Internals shared by qemu_command.c (global options, assembly) and
 * qemu_command_dev.c (devices, PCI slots); not for other modules.
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

/* One argv being built. Owned by qd_qemu_build_argv, one thread. */
struct qd_qemu_cmd {
    const struct qd_dom_def *def;
    const struct qd_qemu_cmd_opts *opts;
    struct qd_err *err;
    char **argv;                /* NULL-terminated once argc > 0 */
    size_t argc, cap;
    bool q35;
    const char *root;           /* "pci.0" (pc) or "pcie.0" (q35) */
    unsigned int video_slot;    /* slot kept for the primary video, 0 none */
    unsigned int boot_disk, boot_cdrom, boot_net;   /* from <os><boot> */
    uint8_t pci[256][32];       /* functions in use, per bus and slot */
};

/* qemu_command_dev.c: reserve the chipset's and the XML's PCI
 * addresses (before any device is built), then add every device.
 * Both return 0 or -1 with the error set. */
int qd_qemu_cmd_pci_prepare(struct qd_qemu_cmd *c);
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

static inline const char *
feature_state(const struct qd_dom_def *def, const char *name)
{
    const struct qd_dom_xnode *f = qd_dom_xlist_find(&def->features, name);
    const char *state = qd_dom_xnode_attr(f, "state");

    return !f ? NULL : state ? state : "on";
}

#endif
