/* Domain definition -> QEMU argv: the global options (machine, CPU,
 * memory, clock, lifecycle, boot, monitor) and the assembly. Devices
 * are in qemu_command_dev.c. See qemu_command.h.
 */
#include "drivers/qemu/qemu_command.h"

#include <time.h>

#include "drivers/qemu/qemu_command_priv.h"
#include "util/uuid.h"

/* ---- helpers ---- */

/* Names made only of [A-Za-z0-9._-] (CPU models and features). */
static bool
plain_name(const char *s)
{
    return s && *s && strspn(s, "abcdefghijklmnopqrstuvwxyz"
                             "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
                      strlen(s);
}

/* ---- machine, CPU, memory ---- */

static const struct qd_dom_xnode *
feature(const struct qd_dom_def *def, const char *name)
{
    return qd_dom_xlist_find(&def->features, name);
}

static const struct qd_dom_timer *
timer(const struct qd_dom_def *def, const char *name)
{
    size_t i;

    for (i = 0; i < def->ntimers; i++) {
        if (streq(def->timers[i].name, name))
            return &def->timers[i];
    }
    return NULL;
}

/* Features are machine or CPU options; any other is refused. */
static int
check_features(struct qd_qemu_cmd *c)
{
    static const char *const ok[] = {
        "acpi", "apic", "pae", "hap", "vmport", "smm", "pmu", "vmcoreinfo",
    };
    const struct qd_dom_xlist *f = &c->def->features;
    size_t i, j;

    for (i = 0; i < f->n; i++) {
        const struct qd_dom_xnode *n = f->items[i];

        for (j = 0; j < QD_ARRAY_SIZE(ok); j++)
            if (strcmp(n->name, ok[j]) == 0)
                break;
        if (j == QD_ARRAY_SIZE(ok))
            return unsup(c, "The '%s' feature is not supported", n->name);
        if (qd_dom_xnode_attr(n, "eoi"))
            return unsup(c, "The 'eoi' attribute of the '%s' feature is "
                         "not supported", n->name);
        if (n->nkids)
            return unsup(c, "The '%s' feature with <%s> is not supported",
                         n->name, n->kids[0]->name);
    }
    return 0;
}

/* -machine pc|q35 (or a versioned pc-i440fx-* / pc-q35-*; pc when the
 * XML names none) with the accelerator and the feature switches. */
static int
build_machine(struct qd_qemu_cmd *c)
{
    const struct qd_dom_def *def = c->def;
    const char *m = def->os_machine ? def->os_machine : "pc";
    const struct qd_dom_timer *hpet = timer(def, "hpet");
    struct qd_buf b = { 0 };

    if (strcmp(m, "q35") == 0 || strncmp(m, "pc-q35-", 7) == 0)
        c->q35 = true;
    else if (strcmp(m, "pc") != 0 && strncmp(m, "pc-i440fx-", 10) != 0)
        return unsup(c, "Emulator '%s' does not support machine type '%s'",
                     c->argv[0], m);
    c->root = c->q35 ? "pcie.0" : "pci.0";
    opt_add(&b, NULL, m);
    opt_add(&b, "accel", c->opts->kvm ? "kvm" : "tcg");
    opt_add(&b, "usb", "off");
    opt_add(&b, "dump-guest-core",
            streq(def->memory_dump_core, "on") ? "on" : "off");
    /* libvirt-compat: no <acpi/> means no ACPI (libvirt's -no-acpi) */
    if (!feature(def, "acpi"))
        opt_add(&b, "acpi", "off");
    if (feature(def, "vmport"))
        opt_add(&b, "vmport", feature_state(def, "vmport"));
    if (feature(def, "smm"))
        opt_add(&b, "smm", feature_state(def, "smm"));
    if (hpet && streq(hpet->present, "no"))
        opt_add(&b, "hpet", "off");
    push(c, "-machine", &b);
    return 0;
}

/* -cpu. Without capability probing we stay with models QEMU defines
 * for every accelerator: no <cpu> gives qemu64 (qemu32 for i686),
 * QEMU's own default; host-passthrough needs KVM ("host"); host-model
 * becomes "host" under KVM (libvirt would expand it to a named model
 * from probed host data) and "max" under TCG, the best CPU TCG
 * emulates, which is what libvirt's probe of TCG reports. */
static int
build_cpu(struct qd_qemu_cmd *c)
{
    const struct qd_dom_def *def = c->def;
    const struct qd_dom_xnode *cpu = def->cpu;
    const char *mode = cpu ? qd_dom_xnode_attr(cpu, "mode") : NULL;
    const struct qd_dom_xnode *model = qd_dom_xnode_child(cpu, "model");
    const struct qd_dom_timer *kvmclock = timer(def, "kvmclock");
    struct qd_buf b = { 0 };
    bool kvm = c->opts->kvm;
    size_t i;

    if (!mode)
        mode = "custom";
    if (strcmp(mode, "host-passthrough") == 0 ||
        (strcmp(mode, "host-model") == 0 && kvm)) {
        if (!kvm)
            return unsup(c, "CPU mode '%s' for %s %s domain on %s host is "
                         "not supported by hypervisor", mode, def->os_arch,
                         "qemu", "x86_64");
        opt_add(&b, NULL, "host");
        if (streq(qd_dom_xnode_attr(cpu, "migratable"), "off"))
            opt_add(&b, "migratable", "off");
    } else if (strcmp(mode, "host-model") == 0 ||
               strcmp(mode, "maximum") == 0) {
        opt_add(&b, NULL, "max");
    } else if (model && model->text) {
        if (!plain_name(model->text))
            return unsup(c, "CPU model %s is not supported by hypervisor",
                         model->text);
        opt_add(&b, NULL, model->text);
    } else {
        opt_add(&b, NULL, streq(def->os_arch, "i686") ? "qemu32" : "qemu64");
    }
    for (i = 0; cpu && i < cpu->nkids; i++) {
        const struct qd_dom_xnode *k = cpu->kids[i];
        const char *pol = qd_dom_xnode_attr(k, "policy");
        const char *name = qd_dom_xnode_attr(k, "name");

        if (strcmp(k->name, "numa") == 0)
            return unsup(c, "guest NUMA topology is not supported");
        if (strcmp(k->name, "feature") != 0)
            continue;
        if (!plain_name(name))
            return unsup(c, "CPU feature '%s' is not supported",
                         name ? name : "");
        if (streq(pol, "force") || streq(pol, "require"))
            opt_add(&b, name, "on");
        else if (streq(pol, "disable") || streq(pol, "forbid"))
            opt_add(&b, name, "off");
    }
    if (feature(def, "pmu"))
        opt_add(&b, "pmu", feature_state(def, "pmu"));
    if (kvmclock && streq(kvmclock->present, "no"))
        opt_add(&b, "kvmclock", "off");
    push(c, "-cpu", &b);
    return 0;
}

/* -m from <memory> (currentMemory is the balloon's business) and
 * -smp from <vcpu> and the <cpu><topology>. */
static int
build_mem_smp(struct qd_qemu_cmd *c)
{
    const struct qd_dom_def *def = c->def;
    const struct qd_dom_xnode *topo = qd_dom_xnode_child(def->cpu,
                                                         "topology");
    unsigned int s = 0, d = 1, co = 0, t = 0;
    struct qd_buf b = { 0 };

    opt_fmt(&b, "size", "%lluk", def->max_memory_kib);
    if (def->hotplug_memory_kib) {
        opt_fmt(&b, "slots", "%u", def->memory_slots);
        opt_fmt(&b, "maxmem", "%lluk", def->hotplug_memory_kib);
    }
    push(c, "-m", &b);

    opt_fmt(&b, NULL, "%u", def->vcpus);
    if (def->vcpus != def->max_vcpus)
        opt_fmt(&b, "maxcpus", "%u", def->max_vcpus);
    if (topo) {
        (void) uint_attr(topo, "sockets", &s);
        (void) uint_attr(topo, "dies", &d);
        (void) uint_attr(topo, "cores", &co);
        (void) uint_attr(topo, "threads", &t);
        if ((unsigned long long) s * d * co * t != def->max_vcpus) {
            qd_buf_clear(&b);
            return unsup(c, "CPU topology doesn't match maximum vcpu count");
        }
        opt_fmt(&b, "sockets", "%u", s);
        opt_fmt(&b, "dies", "%u", d);
        opt_fmt(&b, "cores", "%u", co);
        opt_fmt(&b, "threads", "%u", t);
    } else {
        opt_fmt(&b, "sockets", "%u", def->max_vcpus);
        opt_add(&b, "cores", "1");
        opt_add(&b, "threads", "1");
    }
    push(c, "-smp", &b);
    return 0;
}

/* ---- clock, lifecycle, power management, boot ---- */

static const char *
clock_attr(const struct qd_dom_def *def, const char *name)
{
    size_t i;

    for (i = 0; i < def->nclock_attrs; i++) {
        if (strcmp(def->clock_attrs[i].name, name) == 0)
            return def->clock_attrs[i].value;
    }
    return NULL;
}

/* -rtc from <clock offset> and the rtc timer, -global for the pit.
 * Offset 'timezone' needs TZ in QEMU's environment: refused here. */
static int
build_clock(struct qd_qemu_cmd *c)
{
    const struct qd_dom_def *def = c->def;
    const char *off = def->clock_offset ? def->clock_offset : "utc";
    struct qd_buf b = { 0 };
    size_t i;

    for (i = 0; i < def->ntimers; i++) {
        const struct qd_dom_timer *t = &def->timers[i];
        const char *tp = t->tickpolicy;

        if (strcmp(t->name, "rtc") == 0) {
            if (t->track && !streq(t->track, "guest") &&
                !streq(t->track, "wall") && !streq(t->track, "realtime"))
                return unsup(c, "unsupported rtc timer track '%s'", t->track);
            if (tp && !streq(tp, "delay") && !streq(tp, "catchup"))
                return unsup(c, "unsupported rtc timer tickpolicy '%s'", tp);
        } else if (strcmp(t->name, "pit") == 0) {
            if (streq(tp, "merge"))
                return unsup(c, "unsupported pit tickpolicy '%s'", tp);
        } else if (strcmp(t->name, "hpet") != 0 &&
                   strcmp(t->name, "kvmclock") != 0) {
            return unsup(c, "Configuring the '%s' timer is not supported",
                         t->name);
        }
    }
    if (strcmp(off, "utc") == 0 || strcmp(off, "localtime") == 0) {
        opt_fmt(&b, "base", "%s", off);
    } else if (strcmp(off, "variable") == 0 || strcmp(off, "absolute") == 0) {
        const char *v = clock_attr(def, strcmp(off, "variable") == 0 ?
                                   "adjustment" : "start");
        time_t then = v ? (time_t) strtoll(v, NULL, 10) : 0;
        struct tm tm;
        char s[32];

        if (strcmp(off, "variable") == 0) {
            then += time(NULL);
            /* like libvirt, a localtime basis is turned into UTC now */
            if (streq(clock_attr(def, "basis"), "localtime") &&
                localtime_r(&then, &tm))
                then += tm.tm_gmtoff;
        }
        if (!gmtime_r(&then, &tm) ||
            !strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm))
            return unsup(c, "unsupported clock offset '%s'", off);
        opt_add(&b, "base", s);
    } else {
        return unsup(c, "unsupported clock offset '%s'", off);
    }
    for (i = 0; i < def->ntimers; i++) {
        const struct qd_dom_timer *t = &def->timers[i];

        if (strcmp(t->name, "rtc") == 0) {
            if (streq(t->track, "guest"))
                opt_add(&b, "clock", "vm");
            else if (streq(t->track, "wall"))
                opt_add(&b, "clock", "host");
            else if (streq(t->track, "realtime"))
                opt_add(&b, "clock", "rt");
            if (streq(t->tickpolicy, "catchup"))
                opt_add(&b, "driftfix", "slew");
        }
    }
    push(c, "-rtc", &b);
    for (i = 0; i < def->ntimers; i++) {
        const struct qd_dom_timer *t = &def->timers[i];

        if (strcmp(t->name, "pit") == 0 && !streq(t->present, "no") &&
            !streq(t->tickpolicy, "catchup")) {
            add(c, "-global");
            addf(c, "kvm-pit.lost_tick_policy=%s",
                 streq(t->tickpolicy, "discard") ? "discard" : "delay");
        }
    }
    return 0;
}

/* Checks the on_* actions as libvirt does, adds -no-shutdown and the
 * <pm> switches. */
static int
build_lifecycle_pm(struct qd_qemu_cmd *c)
{
    const struct qd_dom_def *def = c->def;
    const struct qd_dom_xnode *pm = qd_dom_xlist_find(&def->top_extra, "pm");
    static const char *const pm_kids[][2] = {
        { "suspend-to-mem", "disable_s3" }, { "suspend-to-disk", "disable_s4" },
    };
    size_t i;

    if (streq(def->on_poweroff, "rename-restart") ||
        streq(def->on_reboot, "rename-restart") ||
        streq(def->on_crash, "rename-restart"))
        return unsup(c, "qemu driver doesn't support the 'rename-restart' "
                     "action for 'on_reboot'/'on_poweroff'/'on_crash'");
    if (streq(def->on_poweroff, "preserve") ||
        streq(def->on_reboot, "preserve"))
        return unsup(c, "qemu driver doesn't support the 'preserve' action "
                     "for 'on_reboot'/'on_poweroff'");
    if (streq(def->on_reboot, "destroy") &&
        streq(def->on_poweroff, "restart"))
        return unsup(c, "qemu driver doesn't support 'onReboot' set to "
                     "'destroy and 'onPoweroff' set to 'reboot'");
    /* QEMU stays after the guest powers off; the daemon applies the
     * on_* actions from the SHUTDOWN event. */
    add(c, "-no-shutdown");
    for (i = 0; pm && i < QD_ARRAY_SIZE(pm_kids); i++) {
        const struct qd_dom_xnode *k = qd_dom_xnode_child(pm, pm_kids[i][0]);
        const char *en = qd_dom_xnode_attr(k, "enabled");

        if (!en)
            continue;
        add(c, "-global");
        addf(c, "%s.%s=%d", c->q35 ? "ICH9-LPC" : "PIIX4_PM", pm_kids[i][1],
             strcmp(en, "no") == 0);
    }
    return 0;
}

/* -boot, and direct kernel boot. <os><boot dev> orders become
 * bootindex values on the first disk, cdrom and interface (libvirt's
 * way), which build_disk and build_net read from @c. */
static int
build_boot(struct qd_qemu_cmd *c)
{
    const struct qd_dom_def *def = c->def;
    const struct qd_dom_xnode *bios = qd_dom_xlist_find(&def->os_extra,
                                                        "bios");
    struct qd_buf b = { 0 };
    unsigned int v;
    size_t i;

    if (def->os_loader || streq(def->os_firmware, "efi"))
        return unsup(c, "firmware other than the default BIOS is not "
                     "supported");
    if (def->bootloader)
        return unsup(c, "<bootloader> is not supported");
    for (i = 0; i < def->os_extra.n; i++) {
        if (strcmp(def->os_extra.items[i]->name, "bios") != 0)
            return unsup(c, "<os> element <%s> is not supported",
                         def->os_extra.items[i]->name);
    }
    if (streq(qd_dom_xnode_attr(bios, "useserial"), "yes"))
        return unsup(c, "BIOS serial console is not supported");
    for (i = 0; i < def->nboot; i++) {
        if (strcmp(def->boot[i], "hd") == 0)
            c->boot_disk = (unsigned) i + 1;
        else if (strcmp(def->boot[i], "cdrom") == 0)
            c->boot_cdrom = (unsigned) i + 1;
        else if (strcmp(def->boot[i], "network") == 0)
            c->boot_net = (unsigned) i + 1;
    }
    if (def->bootmenu)
        opt_add(&b, "menu", streq(def->bootmenu, "yes") ? "on" : "off");
    if (uint_attr(bios, "rebootTimeout", &v))
        opt_fmt(&b, "reboot-timeout", "%d", (int) v);
    if (def->bootmenu_timeout)
        opt_add(&b, "splash-time", def->bootmenu_timeout);
    opt_add(&b, "strict", "on");
    push(c, "-boot", &b);
    if (def->os_kernel) {
        add(c, "-kernel");
        add(c, def->os_kernel);
    }
    if (def->os_initrd) {
        add(c, "-initrd");
        add(c, def->os_initrd);
    }
    if (def->os_cmdline) {
        add(c, "-append");
        add(c, def->os_cmdline);
    }
    if (def->os_dtb) {
        add(c, "-dtb");
        add(c, def->os_dtb);
    }
    return 0;
}

/* ---- the whole command line ---- */

/* The whole argv after argv[0]. Returns 0 or -1 with the error set. */
static int
build(struct qd_qemu_cmd *c)
{
    const struct qd_dom_def *def = c->def;
    const struct qd_qemu_cmd_opts *o = c->opts;
    struct qd_buf b = { 0 };
    char uuid[37];

    if (!streq(def->virt_type, "qemu") && !streq(def->virt_type, "kvm"))
        return unsup(c, "Emulator '%s' does not support virt type '%s'",
                     c->argv[0], def->virt_type);
    if (!streq(def->os_type, "hvm"))
        return unsup(c, "Emulator '%s' does not support os type '%s'",
                     c->argv[0], def->os_type);
    if (!streq(def->os_arch, "x86_64") && !streq(def->os_arch, "i686"))
        return unsup(c, "Emulator '%s' does not support arch '%s'",
                     c->argv[0], def->os_arch);
    if (!o->monitor_path)
        return qd_err_report(c->err, QD_ERR_INTERNAL_ERROR, QD_FROM_QEMU,
                             "no QMP monitor path");
    if (check_features(c) < 0)
        return -1;

    opt_add(&b, "guest", def->name);
    opt_add(&b, "debug-threads", "on");
    push(c, "-name", &b);
    if (o->start_paused)
        add(c, "-S");
    if (build_machine(c) < 0 || qd_qemu_cmd_pci_prepare(c) < 0 ||
        build_cpu(c) < 0 || build_mem_smp(c) < 0)
        return -1;
    qd_uuid_format(def->uuid, uuid);
    add(c, "-uuid");
    add(c, uuid);
    add(c, "-no-user-config");
    add(c, "-nodefaults");
    opt_add(&b, NULL, "socket");
    opt_add(&b, "id", "charmonitor");
    opt_add(&b, "path", o->monitor_path);
    opt_add(&b, "server", "on");
    opt_add(&b, "wait", "off");
    push(c, "-chardev", &b);
    add(c, "-mon");
    add(c, "chardev=charmonitor,id=monitor,mode=control");
    if (o->pidfile) {
        add(c, "-pidfile");
        add(c, o->pidfile);
    }
    if (build_clock(c) < 0 || build_lifecycle_pm(c) < 0 ||
        build_boot(c) < 0 || qd_qemu_cmd_devices(c) < 0)
        return -1;
    if (def->genid_requested) {
        qd_uuid_format(def->genid, uuid);
        opt_add(&b, NULL, "vmgenid");
        opt_add(&b, "guid", uuid);
        opt_add(&b, "id", "vmgenid0");
        push(c, "-device", &b);
    }
    if (streq(feature_state(def, "vmcoreinfo"), "on")) {
        add(c, "-device");
        add(c, "vmcoreinfo");
    }
    add(c, "-msg");
    add(c, "timestamp=on");
    return 0;
}

char **
qd_qemu_build_argv(const struct qd_dom_def *def,
                   const struct qd_qemu_cmd_opts *opts, struct qd_err *err)
{
    struct qd_qemu_cmd *c = qd_calloc(1, sizeof(*c));
    char **argv = NULL;

    c->def = def;
    c->opts = opts;
    c->err = err;
    add(c, def->emulator ? def->emulator :
           opts->emulator ? opts->emulator : QD_QEMU_DEFAULT_EMULATOR);
    if (build(c) == 0)
        argv = steal_ptr(&c->argv);
    qd_qemu_argv_free(c->argv);
    free(c->pcidevs);
    free(c);
    return argv;
}

void
qd_qemu_argv_free(char **argv)
{
    size_t i;

    for (i = 0; argv && argv[i]; i++)
        free(argv[i]);
    free(argv);
}
