/* The QEMU driver's capabilities XML (virConnectGetCapabilities) and
 * domain capabilities XML (virConnectGetDomainCapabilities), in
 * libvirt's formats, from the probed binaries and the host facts.
 *
 * The domain capabilities describe what qemud runs, not what libvirt
 * would: devices, firmware and CPU modes that qemu_command.c refuses are
 * reported unsupported, so that tools such as virt-install do not build
 * XML that cannot start. The tables below say what is offered. Any
 * thread; builds the XML on each call. */
#define QD_LOG_MODULE "qemu.host"

#include "drivers/qemu/qemu_host.h"

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "drivers/qemu/qemu_host_priv.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/uuid.h"

/* ---- the host UUID ---------------------------------------------------- */

static pthread_once_t uuid_once = PTHREAD_ONCE_INIT;
static char host_uuid[QD_UUID_STRLEN];

/* @s as a UUID if it is one (32 hex digits, dashes optional). */
static bool
uuid_from_text(const char *s, char out[QD_UUID_STRLEN])
{
    unsigned char u[QD_UUID_BUFLEN];
    size_t i;
    bool same = true;

    if (!s || qd_uuid_parse(s, u) < 0)
        return false;
    for (i = 1; i < sizeof(u); i++)
        same &= u[i] == u[0];
    if (same)                   /* all-zero or all-ff: firmware filler */
        return false;
    qd_uuid_format(u, out);
    return true;
}

static char *
read_first_line(const char *path)
{
    char buf[128];
    FILE *f = fopen(path, "re");

    if (!f)
        return NULL;
    if (!fgets(buf, sizeof(buf), f)) {
        fclose(f);
        return NULL;
    }
    fclose(f);
    buf[strcspn(buf, "\n")] = '\0';
    return qd_strdup(buf);
}

/* libvirt takes the SMBIOS system UUID and, without one, a random UUID
 * per daemon start. We prefer /etc/machine-id next, which is stable. */
static void
host_uuid_init(void)
{
    static const char *const paths[] = {
        "/sys/devices/virtual/dmi/id/product_uuid",
        "/sys/class/dmi/id/product_uuid",
        "/etc/machine-id",
    };
    unsigned char u[QD_UUID_BUFLEN];
    size_t i;

    for (i = 0; i < QD_ARRAY_SIZE(paths); i++) {
        _cleanup_free_ char *s = read_first_line(paths[i]);

        if (uuid_from_text(s, host_uuid))
            return;
    }
    qd_uuid_generate(u);
    qd_uuid_format(u, host_uuid);
}

/* ---- capabilities ------------------------------------------------------ */

static void
format_host_cpu(struct qd_buf *b)
{
    struct qd_qemu_host_cpu cpu;
    struct qd_node_info ni;
    struct qd_err err = QD_ERR_INIT;
    unsigned sizes[8];
    int i, n;

    qd_qemu_host_cpu_read(&cpu);
    qd_buf_puts(b, "    <cpu>\n"
                   "      <arch>x86_64</arch>\n");
    if (cpu.vendor[0])
        qd_buf_printf(b, "      <vendor>%s</vendor>\n", cpu.vendor);
    if (cpu.family)
        qd_buf_printf(b, "      <signature family='%u' model='%u' "
                         "stepping='%u'/>\n",
                      cpu.family, cpu.model, cpu.stepping);
    if (qd_qemu_node_get_info(NULL, &ni, &err) == 0)
        qd_buf_printf(b, "      <topology sockets='%d' dies='1' cores='%d' "
                         "threads='%d'/>\n",
                      ni.sockets, ni.cores, ni.threads);
    qd_err_clear(&err);
    if (cpu.phys_bits > 0)
        qd_buf_printf(b, "      <maxphysaddr mode='emulate' bits='%d'/>\n",
                      cpu.phys_bits);
    qd_buf_printf(b, "      <pages unit='KiB' size='%ld'/>\n",
                  sysconf(_SC_PAGESIZE) / 1024);
    n = qd_qemu_huge_page_sizes(sizes, (int) QD_ARRAY_SIZE(sizes));
    for (i = 0; i < n; i++)
        qd_buf_printf(b, "      <pages unit='KiB' size='%u'/>\n", sizes[i]);
    qd_buf_puts(b, "    </cpu>\n");
}

static void
format_topology(struct qd_buf *b, const struct qd_qemu_numa *numa)
{
    unsigned sizes[8];
    int nsizes = qd_qemu_huge_page_sizes(sizes, (int) QD_ARRAY_SIZE(sizes));
    long page_kib = sysconf(_SC_PAGESIZE) / 1024;
    int i, j;

    qd_buf_printf(b, "    <topology>\n"
                     "      <cells num='%d'>\n", numa->ncells);
    for (i = 0; i < numa->ncells; i++) {
        const struct qd_qemu_numa_cell *c = &numa->cells[i];
        uint64_t huge_kib = 0;

        qd_buf_printf(b, "        <cell id='%d'>\n", c->id);
        if (c->mem_kib)
            qd_buf_printf(b, "          <memory unit='KiB'>%llu</memory>\n",
                          (unsigned long long) c->mem_kib);
        /* base pages: the cell's memory less its huge page pool */
        for (j = 0; j < nsizes; j++)
            huge_kib += qd_qemu_huge_pages_on_node(c->id, sizes[j]) *
                        sizes[j];
        if (c->mem_kib && page_kib > 0) {
            qd_buf_printf(b, "          <pages unit='KiB' size='%ld'>%llu"
                             "</pages>\n", page_kib,
                          (unsigned long long) ((c->mem_kib - huge_kib) /
                                                (uint64_t) page_kib));
            for (j = 0; j < nsizes; j++)
                qd_buf_printf(b, "          <pages unit='KiB' size='%u'>%llu"
                                 "</pages>\n", sizes[j],
                              (unsigned long long)
                                  qd_qemu_huge_pages_on_node(c->id, sizes[j]));
        }
        if (c->ndistances) {
            qd_buf_puts(b, "          <distances>\n");
            for (j = 0; j < c->ndistances; j++)
                qd_buf_printf(b, "            <sibling id='%d' value='%d'/>\n",
                              c->distance_ids[j], c->distances[j]);
            qd_buf_puts(b, "          </distances>\n");
        }
        qd_buf_printf(b, "          <cpus num='%d'>\n", c->ncpus);
        for (j = 0; j < c->ncpus; j++) {
            const struct qd_qemu_numa_cpu *cpu = &c->cpus[j];

            qd_buf_printf(b, "            <cpu id='%d'", cpu->id);
            if (cpu->siblings)
                qd_buf_printf(b, " socket_id='%d' die_id='%d' core_id='%d' "
                                 "siblings='%s'", cpu->socket_id,
                              cpu->die_id, cpu->core_id, cpu->siblings);
            qd_buf_puts(b, "/>\n");
        }
        qd_buf_puts(b, "          </cpus>\n"
                       "        </cell>\n");
    }
    qd_buf_puts(b, "      </cells>\n"
                   "    </topology>\n");
}

/* Any IOMMU group means the host has an IOMMU (virHostHasIOMMU). */
static bool
host_has_iommu(void)
{
    DIR *d = opendir("/sys/kernel/iommu_groups");
    struct dirent *e;
    bool found = false;

    if (!d)
        return false;
    while (!found && (e = readdir(d)))
        found = strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return found;
}

/* One <machine> line of a <guest>. */
static void
format_machine(struct qd_buf *b, const struct qd_qemu_machine *m,
               const char *name, const char *canonical)
{
    qd_buf_puts(b, "      <machine");
    if (canonical)
        qd_buf_printf(b, " canonical='%s'", canonical);
    if (m->max_cpus > 0)
        qd_buf_printf(b, " maxCpus='%d'", m->max_cpus);
    if (m->deprecated)
        qd_buf_puts(b, " deprecated='yes'");
    qd_buf_printf(b, ">%s</machine>\n", name);
}

/* One <guest> for @arch served by @p (the binary libvirt would pick). */
static void
format_guest(struct qd_buf *b, const struct qd_qemu_probe *p,
             const char *arch)
{
    bool i686 = strcmp(arch, "i686") == 0;
    size_t i;

    qd_buf_printf(b, "  <guest>\n"
                     "    <os_type>hvm</os_type>\n"
                     "    <arch name='%s'>\n"
                     "      <wordsize>%d</wordsize>\n"
                     "      <emulator>", arch, i686 ? 32 : 64);
    qd_qemu_buf_escape(b, p->binary);
    qd_buf_puts(b, "</emulator>\n");
    /* an aliased machine is listed under its own name first, then as
     * the alias naming it canonical= (libvirt's order) */
    for (i = 0; i < p->nmachines; i++) {
        const struct qd_qemu_machine *m = &p->machines[i];

        format_machine(b, m, m->name, NULL);
        if (m->alias)
            format_machine(b, m, m->alias, m->name);
    }
    if (p->has_tcg)
        qd_buf_puts(b, "      <domain type='qemu'/>\n");
    if (p->has_kvm && qd_qemu_host_kvm_usable(NULL))
        qd_buf_puts(b, "      <domain type='kvm'/>\n");
    qd_buf_puts(b, "    </arch>\n"
                   "    <features>\n");
    if (i686)
        qd_buf_puts(b, "      <pae/>\n"
                       "      <nonpae/>\n");
    qd_buf_puts(b, "      <acpi default='on' toggle='yes'/>\n"
                   "      <apic default='on' toggle='no'/>\n"
                   "      <cpuselection/>\n"
                   "      <deviceboot/>\n"
                   "      <disksnapshot default='on' toggle='no'/>\n"
                   "    </features>\n"
                   "  </guest>\n\n");
}

/* The probe serving i686 guests: qemu-system-i386 if installed and
 * probeable, else the x86_64 emulator (which runs i686 guests too). */
static const struct qd_qemu_probe *
i686_probe(const struct qd_qemu_probe *main)
{
    _cleanup_free_ char *bin = qd_qemu_host_default_binary("i686");
    struct qd_err err = QD_ERR_INIT;
    const struct qd_qemu_probe *p;

    if (!bin || strcmp(bin, main->binary) == 0)
        return main;
    if (!(p = qd_qemu_host_lookup(bin, &err))) {
        qd_err_clear(&err);
        return main;
    }
    return strcmp(p->arch, "i686") == 0 ? p : main;
}

char *
qd_qemu_get_capabilities(struct qd_conn *conn, struct qd_err *err)
{
    const struct qd_qemu_probe *main = qd_qemu_host_main_probe();
    struct qd_qemu_numa numa;
    struct qd_buf b = { 0 };

    if (!main) {
        qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_QEMU,
                      "Cannot find suitable emulator for x86_64");
        return NULL;
    }
    if (qd_qemu_numa_read(&numa, err) < 0)
        return NULL;
    pthread_once(&uuid_once, host_uuid_init);

    qd_buf_printf(&b, "<capabilities>\n\n"
                      "  <host>\n"
                      "    <uuid>%s</uuid>\n", host_uuid);
    format_host_cpu(&b);
    qd_buf_printf(&b, "    <power_management/>\n"
                      "    <iommu support='%s'/>\n"
                      "    <migration_features>\n"
                      "      <live/>\n"
                      "      <uri_transports>\n"
                      "        <uri_transport>tcp</uri_transport>\n"
                      "        <uri_transport>rdma</uri_transport>\n"
                      "      </uri_transports>\n"
                      "    </migration_features>\n",
                  host_has_iommu() ? "yes" : "no");
    format_topology(&b, &numa);
    qd_qemu_numa_clear(&numa);
    qd_buf_puts(&b, "    <secmodel>\n"
                    "      <model>none</model>\n"
                    "      <doi>0</doi>\n"
                    "    </secmodel>\n"
                    "  </host>\n\n");
    /* libvirt lists guests in its arch order: i686 before x86_64 */
    if (strcmp(main->arch, "x86_64") == 0)
        format_guest(&b, i686_probe(main), "i686");
    format_guest(&b, main, main->arch);
    qd_buf_puts(&b, "</capabilities>\n");
    return qd_buf_steal_str(&b);
}

/* ---- domain capabilities ------------------------------------------------ */

/* virArch names libvirt parses; the rest are "unknown architecture". */
static bool
known_arch(const char *a)
{
    static const char *const names[] = {
        "alpha", "armv6l", "armv7l", "armv7b", "aarch64", "cris", "i686",
        "ia64", "lm32", "m68k", "microblaze", "microblazeel", "mips",
        "mipsel", "mips64", "mips64el", "openrisc", "parisc", "parisc64",
        "ppc", "ppcle", "ppc64", "ppc64le", "ppcemb", "riscv32", "riscv64",
        "s390", "s390x", "sh4", "sh4eb", "sparc", "sparc64", "unicore32",
        "x86_64", "xtensa", "xtensaeb",
    };
    size_t i;

    for (i = 0; i < QD_ARRAY_SIZE(names); i++) {
        if (strcmp(a, names[i]) == 0)
            return true;
    }
    return false;
}

static bool
is_x86(const char *a)
{
    return strcmp(a, "x86_64") == 0 || strcmp(a, "i686") == 0;
}

/* virDomainVirtType names; "none" means the default. */
static bool
known_virttype(const char *t)
{
    static const char *const names[] = {
        "none", "qemu", "kqemu", "kvm", "xen", "lxc", "uml", "openvz",
        "test", "vmware", "hyperv", "vbox", "phyp", "parallels", "bhyve",
        "vz", "hvf",
    };
    size_t i;

    for (i = 0; i < QD_ARRAY_SIZE(names); i++) {
        if (strcmp(t, names[i]) == 0)
            return true;
    }
    return false;
}

/* libvirt's CPU map vendors of QEMU's x86 models (by name prefix). */
static const char *
cpu_model_vendor(const char *name)
{
    static const struct {
        const char *prefix, *vendor;
    } map[] = {
        { "Broadwell", "Intel" }, { "Cascadelake", "Intel" },
        { "Conroe", "Intel" }, { "Cooperlake", "Intel" },
        { "Denverton", "Intel" }, { "Haswell", "Intel" },
        { "Icelake", "Intel" }, { "IvyBridge", "Intel" },
        { "KnightsMill", "Intel" }, { "Nehalem", "Intel" },
        { "Penryn", "Intel" }, { "SandyBridge", "Intel" },
        { "SapphireRapids", "Intel" }, { "Skylake", "Intel" },
        { "Snowridge", "Intel" }, { "Westmere", "Intel" },
        { "core2duo", "Intel" }, { "coreduo", "Intel" }, { "n270", "Intel" },
        { "EPYC", "AMD" }, { "Opteron", "AMD" }, { "athlon", "AMD" },
        { "phenom", "AMD" }, { "Dhyana", "Hygon" },
    };
    size_t i;

    for (i = 0; i < QD_ARRAY_SIZE(map); i++) {
        if (strncmp(name, map[i].prefix, strlen(map[i].prefix)) == 0)
            return map[i].vendor;
    }
    return "unknown";
}

static bool
model_usable_kvm(const struct qd_qemu_probe *p, const char *name,
                 const char **ret)
{
    size_t i;

    for (i = 0; i < p->nkvm_cpus; i++) {
        if (strcmp(p->kvm_cpus[i].name, name) == 0) {
            *ret = p->kvm_cpus[i].usable ? "yes" : "no";
            return true;
        }
    }
    *ret = "unknown";
    return false;
}

static void
format_cpu_modes(struct qd_buf *b, const struct qd_qemu_probe *p, bool kvm)
{
    size_t i;

    qd_buf_puts(b, "  <cpu>\n");
    /* host-passthrough is "-cpu host": KVM only */
    if (kvm)
        qd_buf_puts(b, "    <mode name='host-passthrough' supported='yes'>\n"
                       "      <enum name='hostPassthroughMigratable'>\n"
                       "        <value>on</value>\n"
                       "        <value>off</value>\n"
                       "      </enum>\n"
                       "    </mode>\n");
    else
        qd_buf_puts(b, "    <mode name='host-passthrough' "
                       "supported='no'/>\n");
    qd_buf_puts(b, "    <mode name='maximum' supported='yes'>\n"
                   "      <enum name='maximumMigratable'>\n"
                   "        <value>on</value>\n"
                   "        <value>off</value>\n"
                   "      </enum>\n"
                   "    </mode>\n");
    /* libvirt describes host-model as a named model plus features from
     * its CPU map; qemud has no CPU map, so it does not offer one */
    qd_buf_puts(b, "    <mode name='host-model' supported='no'/>\n");
    if (p->ncpus == 0) {
        qd_buf_puts(b, "    <mode name='custom' supported='no'/>\n");
    } else {
        qd_buf_puts(b, "    <mode name='custom' supported='yes'>\n");
        for (i = 0; i < p->ncpus; i++) {
            const struct qd_qemu_cpu_model *m = &p->cpus[i];
            const char *usable = m->usable ? "yes" : "no";

            if (kvm)
                (void) model_usable_kvm(p, m->name, &usable);
            qd_buf_printf(b, "      <model usable='%s'%s vendor='%s'>%s"
                             "</model>\n", usable,
                          m->deprecated ? " deprecated='yes'" : "",
                          cpu_model_vendor(m->name), m->name);
        }
        qd_buf_puts(b, "    </mode>\n");
    }
    qd_buf_puts(b, "  </cpu>\n");
}

/* One <enum name=@name> with @values (NULL-terminated). */
static void
format_enum(struct qd_buf *b, const char *indent, const char *name,
            const char *const *values)
{
    if (!values[0]) {
        qd_buf_printf(b, "%s<enum name='%s'/>\n", indent, name);
        return;
    }
    qd_buf_printf(b, "%s<enum name='%s'>\n", indent, name);
    for (; *values; values++)
        qd_buf_printf(b, "%s  <value>%s</value>\n", indent, *values);
    qd_buf_printf(b, "%s</enum>\n", indent);
}

/* What qemu_command.c accepts, in libvirt's enum orders. */
static void
format_devices(struct qd_buf *b, bool i440fx)
{
    static const char *const disk_devices[] = { "disk", "cdrom", NULL };
    static const char *const buses_pc[] = { "ide", "scsi", "virtio", "sata",
                                            NULL };
    static const char *const buses_q35[] = { "scsi", "virtio", "sata", NULL };
    static const char *const graphics[] = { "vnc", NULL };
    static const char *const video[] = { "vga", "cirrus", "virtio", "none",
                                         "bochs", NULL };
    static const char *const rng_models[] = { "virtio", NULL };
    static const char *const rng_backends[] = { "random", NULL };
    static const char *const channels[] = { "pty", "unix", NULL };
    const char *in = "      ";

    qd_buf_puts(b, "  <devices>\n"
                   "    <disk supported='yes'>\n");
    format_enum(b, in, "diskDevice", disk_devices);
    /* IDE exists on the i440fx machines only (q35 has AHCI, i.e. sata) */
    format_enum(b, in, "bus", i440fx ? buses_pc : buses_q35);
    qd_buf_puts(b, "    </disk>\n"
                   "    <graphics supported='yes'>\n");
    format_enum(b, in, "type", graphics);
    qd_buf_puts(b, "    </graphics>\n"
                   "    <video supported='yes'>\n");
    format_enum(b, in, "modelType", video);
    qd_buf_puts(b, "    </video>\n"
                   "    <hostdev supported='no'/>\n"
                   "    <rng supported='yes'>\n");
    format_enum(b, in, "model", rng_models);
    format_enum(b, in, "backendModel", rng_backends);
    qd_buf_puts(b, "    </rng>\n"
                   "    <filesystem supported='no'/>\n"
                   "    <tpm supported='no'/>\n"
                   "    <redirdev supported='no'/>\n"
                   "    <channel supported='yes'>\n");
    format_enum(b, in, "type", channels);
    qd_buf_puts(b, "    </channel>\n"
                   "  </devices>\n");
}

static bool
machine_is_i440fx(const char *m)
{
    return strncmp(m, "pc-i440fx-", 10) == 0 || strcmp(m, "pc") == 0;
}

/* virQEMUCapsCacheLookupDefault's checks, in its order and words. On
 * success *@ret_* say what the XML describes. */
static int
domcaps_lookup(const char *emulatorbin, const char *arch,
               const char *machine, const char *virttype,
               const struct qd_qemu_probe **ret_p, const char **ret_arch,
               bool *ret_kvm, const struct qd_qemu_machine **ret_m,
               struct qd_err *err)
{
    const struct qd_qemu_probe *main = qd_qemu_host_main_probe();
    const struct qd_qemu_probe *p;
    const struct qd_qemu_machine *m;
    _cleanup_free_ char *bin = NULL;
    bool kvm_host;
    bool want_kvm;

    if (virttype && !known_virttype(virttype))
        return qd_err_report(err, QD_ERR_INVALID_ARG, QD_FROM_QEMU,
                             "unknown virttype: %s", virttype);
    if (arch && !known_arch(arch))
        return qd_err_report(err, QD_ERR_INVALID_ARG, QD_FROM_QEMU,
                             "unknown architecture: %s", arch);
    if (!main)
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_QEMU,
                             "Cannot find suitable emulator for x86_64");
    if (!arch)
        arch = "x86_64";        /* the host's */
    if (!emulatorbin) {
        /* qemud serves x86 guests only */
        if (!is_x86(arch) || !(bin = qd_qemu_host_default_binary(arch)))
            return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_QEMU,
                                 "unable to find any emulator to serve '%s' "
                                 "architecture", arch);
        emulatorbin = bin;
    }
    if (!(p = qd_qemu_host_lookup(emulatorbin, err)))
        return -1;
    if (strcmp(p->arch, arch) != 0 && !(is_x86(p->arch) && is_x86(arch)))
        return qd_err_report(err, QD_ERR_INVALID_ARG, QD_FROM_QEMU,
                             "architecture from emulator '%s' doesn't match "
                             "given architecture '%s'", p->arch, arch);

    kvm_host = p->has_kvm && qd_qemu_host_kvm_usable(NULL);
    if (!virttype || strcmp(virttype, "none") == 0)
        want_kvm = kvm_host;
    else
        want_kvm = strcmp(virttype, "qemu") != 0;
    if (want_kvm && !kvm_host) {
        /* only an explicit non-qemu @virttype gets here */
        const char *accel = strcmp(virttype, "kvm") == 0   ? "kvm"
                            : strcmp(virttype, "hvf") == 0 ? "hvf"
                                                           : "tcg";

        return qd_err_report(err, QD_ERR_INVALID_ARG, QD_FROM_QEMU,
                             "the accel '%s' is not supported by '%s' on "
                             "this host", accel, emulatorbin);
    }
    if (machine) {
        if (!(m = qd_qemu_probe_find_machine(p, machine)))
            return qd_err_report(err, QD_ERR_INVALID_ARG, QD_FROM_QEMU,
                                 "the machine '%s' is not supported by "
                                 "emulator '%s'", machine, emulatorbin);
    } else {
        if (p->nmachines == 0)
            return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_QEMU,
                                 "Emulator '%s' does not support machine "
                                 "types", emulatorbin);
        m = &p->machines[0];
    }
    /* past the lookup, libvirt's domain caps builder checks these */
    if (strcmp(p->arch, arch) != 0 &&
        !(strcmp(p->arch, "x86_64") == 0 && strcmp(arch, "i686") == 0))
        return qd_err_report(err, QD_ERR_INVALID_ARG, QD_FROM_QEMU,
                             "Emulator '%s' does not support arch '%s'",
                             p->binary, arch);
    if (virttype && strcmp(virttype, "qemu") != 0 &&
        strcmp(virttype, "kvm") != 0 && strcmp(virttype, "none") != 0)
        return qd_err_report(err, QD_ERR_INVALID_ARG, QD_FROM_QEMU,
                             "Emulator '%s' does not support virt type '%s'",
                             p->binary, virttype);
    *ret_p = p;
    *ret_arch = arch;
    *ret_kvm = want_kvm;
    *ret_m = m;
    return 0;
}

char *
qd_qemu_get_domain_capabilities(struct qd_conn *conn,
                                const char *emulatorbin, const char *arch,
                                const char *machine, const char *virttype,
                                unsigned flags, struct qd_err *err)
{
    const struct qd_qemu_probe *p = NULL;
    const struct qd_qemu_machine *m = NULL;
    struct qd_buf b = { 0 };
    bool kvm = false;
    int maxvcpus;

    if (flags) {
        qd_err_set(err, QD_ERR_INVALID_ARG, QD_FROM_QEMU,
                   "unsupported flags (0x%x) in function "
                   "qemuConnectGetDomainCapabilities", flags);
        return NULL;
    }
    if (domcaps_lookup(emulatorbin, arch, machine, virttype, &p, &arch, &kvm,
                       &m, err) < 0)
        return NULL;
    maxvcpus = m->max_cpus;
    if (kvm) {
        struct qd_err kerr = QD_ERR_INIT;
        int n = qd_qemu_host_kvm_max_vcpus(&kerr);

        if (n < 0) {
            qd_err_copy(err, &kerr);
            qd_err_clear(&kerr);
            return NULL;
        }
        if (n < maxvcpus)
            maxvcpus = n;
    }

    qd_buf_puts(&b, "<domainCapabilities>\n  <path>");
    qd_qemu_buf_escape(&b, p->binary);
    qd_buf_printf(&b, "</path>\n"
                      "  <domain>%s</domain>\n"
                      "  <machine>%s</machine>\n"
                      "  <arch>%s</arch>\n"
                      "  <vcpu max='%d'/>\n"
                      "  <iothreads supported='no'/>\n",
                  kvm ? "kvm" : "qemu", m->name, arch, maxvcpus);
    /* only the default BIOS boots: no loader or firmware choice */
    qd_buf_puts(&b, "  <os supported='yes'>\n"
                    "    <enum name='firmware'/>\n"
                    "    <loader supported='no'/>\n"
                    "  </os>\n");
    format_cpu_modes(&b, p, kvm);
    qd_buf_puts(&b, "  <memoryBacking supported='no'/>\n");
    format_devices(&b, machine_is_i440fx(m->name));
    qd_buf_puts(&b, "  <features>\n"
                    "    <gic supported='no'/>\n"
                    "    <vmcoreinfo supported='yes'/>\n"
                    "    <genid supported='yes'/>\n"
                    "    <backingStoreInput supported='no'/>\n"
                    "    <backup supported='no'/>\n"
                    "    <sev supported='no'/>\n"
                    "    <sgx supported='no'/>\n"
                    "    <hyperv supported='no'/>\n"
                    "  </features>\n"
                    "</domainCapabilities>\n");
    return qd_buf_steal_str(&b);
}
