/* Domain XML -> struct qd_dom_def: the top level (identity, memory,
 * vcpus, os, metadata) and the
 * post-parse defaults, following virDomainDefParseXML and
 * virDomainDefPostParse of libvirt 9.0 as the test driver configures
 * them (default arch i686, no implicit USB/PCI controllers). <cpu>,
 * <clock> and the lifecycle actions are in domain_conf_cpu_clock.c,
 * <features> in domain_conf_features.c, devices in
 * domain_conf_devices.c. */
#include "conf/domain_conf.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <libxml/tree.h>

#include "conf/domain_conf_priv.h"
#include "util/mem.h"
#include "util/uuid.h"

/* Top-level elements libvirt knows but this module keeps as trees. */
static const char *const top_kept[] = {
    "blkiotune", "memtune", "memoryBacking", "vcpus", "iothreads",
    "iothreadids", "cputune", "numatune", "resource", "sysinfo", "idmap",
    "pm", "perf", "seclabel", "keywrap", "launchSecurity", NULL
};

static const char *const boot_devs[] = {
    "fd", "cdrom", "hd", "network", NULL
};
static const char *const placements[] = { "static", "auto", NULL };
static const char *const loader_types[] = { "none", "rom", "pflash", NULL };
static const char *const firmwares[] = { "none", "bios", "efi", NULL };
static const char *const smbios_modes[] = {
    "none", "emulate", "host", "sysinfo", NULL
};

static void
set_str(char **dst, char *src)
{
    free(*dst);
    *dst = src;
}

/* ---- name, uuid, genid, type, os type, arch ---- */

static int
parse_ids(struct qd_dom_def *def, xmlNodePtr root, unsigned pflags,
          struct qd_err *err)
{
    _cleanup_free_ char *uuid = NULL;
    size_t ngenid;
    int id;

    if (!(pflags & QD_DOM_PARSE_INACTIVE) &&
        qd_dom_prop_int(root, "id", 10, QD_DOM_PROP_NONNEG, &id, -1,
                        err) < 0)
        return -1;

    if (!(def->name = qd_dom_xchild_string(root, "name")))
        return qd_err_report(err, QD_ERR_NO_NAME_, QD_FROM_DOMAIN, NULL);

    if (!(uuid = qd_dom_xchild_string(root, "uuid")))
        qd_uuid_generate(def->uuid);
    else if (qd_uuid_parse(uuid, def->uuid) < 0)
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_DOMAIN,
                             "malformed uuid element");

    if ((ngenid = qd_dom_xcount(root, "genid")) > 0) {
        _cleanup_free_ char *genid = NULL;

        if (ngenid != 1)
            return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                                 "element 'genid' can only appear once");
        def->genid_requested = true;
        if (!(genid = qd_dom_xchild_string(root, "genid")))
            qd_uuid_generate(def->genid);
        else if (qd_uuid_parse(genid, def->genid) < 0)
            return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_DOMAIN,
                                 "malformed genid element");
    }
    return 0;
}

static int
parse_caps(struct qd_dom_def *def, xmlNodePtr root, struct qd_err *err)
{
    xmlNodePtr os = qd_dom_xfirst(root, "os");
    xmlNodePtr type = qd_dom_xfirst(os, "type");
    _cleanup_free_ char *virt = qd_dom_xprop(root, "type");
    _cleanup_free_ char *ostype = qd_dom_xstring(type);
    _cleanup_free_ char *arch = qd_dom_xprop(type, "arch");

    def->bootloader = qd_dom_xchild_string(root, "bootloader");
    def->bootloader_args = qd_dom_xchild_string(root, "bootloader_args");
    def->os_machine = qd_dom_xprop(type, "machine");
    if (def->os_machine && !*def->os_machine)
        set_str(&def->os_machine, NULL);
    def->emulator = qd_dom_xchild_string(qd_dom_xfirst(root, "devices"),
                                         "emulator");

    if (!virt || !*virt)
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_DOMAIN,
                             "missing domain type attribute");
    if (qd_dom_enum_index(qd_dom_virt_types, virt) < 0)
        return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_DOMAIN,
                             "invalid domain type %s", virt);
    def->virt_type = steal_ptr(&virt);

    if (!ostype) {
        if (!def->bootloader)
            return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                                 "an os <type> must be specified");
        def->os_type = qd_strdup("xen");
    } else {
        if (qd_dom_enum_index(qd_dom_os_types, ostype) < 0)
            return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED,
                                 QD_FROM_DOMAIN, "unknown OS type '%s'",
                                 ostype);
        def->os_type = steal_ptr(&ostype);
    }
    /* libvirt-compat: Xen's old 'linux' paravirt os type */
    if (strcmp(def->os_type, "linux") == 0 &&
        strcmp(def->virt_type, "xen") == 0)
        set_str(&def->os_type, qd_strdup("xen"));

    if (arch && *arch) {
        if (qd_dom_enum_index(qd_dom_archs, arch) < 0)
            return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED,
                                 QD_FROM_DOMAIN, "Unknown architecture %s",
                                 arch);
        def->os_arch = steal_ptr(&arch);
    } else {
        /* the test driver's default architecture */
        def->os_arch = qd_strdup("i686");
    }
    return 0;
}

/* ---- memory and vcpus ---- */

static int
parse_memory(struct qd_dom_def *def, xmlNodePtr root, struct qd_err *err)
{
    xmlNodePtr mem = qd_dom_xfirst(root, "memory");
    xmlNodePtr maxmem = qd_dom_xfirst(root, "maxMemory");
    _cleanup_free_ char *slots = qd_dom_xprop(maxmem, "slots");
    int dump;

    if (qd_dom_parse_memory(mem, "./memory[1]", true,
                            &def->max_memory_kib, err) < 0 ||
        qd_dom_parse_memory(qd_dom_xfirst(root, "currentMemory"),
                            "./currentMemory[1]", true,
                            &def->cur_memory_kib, err) < 0 ||
        qd_dom_parse_memory(maxmem, "./maxMemory[1]", false,
                            &def->hotplug_memory_kib, err) < 0)
        return -1;
    if (slots && qd_dom_str_to_ui(slots, 10, &def->memory_slots) < 0)
        return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                             "Failed to parse memory slot count");
    if (mem && qd_dom_prop_enum(mem, "dumpCore", qd_dom_tristate_switch,
                                QD_DOM_PROP_NONZERO, &dump, 0, err) < 0)
        return -1;
    if (mem && dump > 0)
        def->memory_dump_core = qd_strdup(qd_dom_tristate_switch[dump]);
    return 0;
}

static int
parse_vcpus(struct qd_dom_def *def, xmlNodePtr root, struct qd_err *err)
{
    xmlNodePtr node = qd_dom_xfirst(root, "vcpu");
    unsigned int maxv = 1, cur = 1;
    int rc, placement = 0;

    def->placement = qd_strdup("static");
    if (node) {
        _cleanup_free_ char *text = qd_dom_xstring(node);
        _cleanup_free_ char *cpuset = NULL;

        if (qd_dom_str_to_ui(text ? text : "", 10, &maxv) < 0)
            return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                                 "maximum vcpus count must be an integer");
        if ((rc = qd_dom_prop_uint(node, "current", 10, 0, &cur, err)) < 0)
            return -1;
        if (rc == 0)
            cur = maxv;
        if (qd_dom_prop_enum(node, "placement", placements, 0, &placement,
                             0, err) < 0)
            return -1;
        set_str(&def->placement, qd_strdup(placements[placement]));
        if (placement != 1 && (cpuset = qd_dom_xprop(node, "cpuset"))) {
            bool empty;
            char *canon = qd_dom_bitmap_canon(cpuset, 4096, &empty, err);

            if (!canon)
                return -1;
            if (empty) {
                free(canon);
                return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED,
                                     QD_FROM_DOMAIN,
                                     "Invalid value of 'cpuset': %s",
                                     cpuset);
            }
            def->cpuset = canon;
        }
    }
    def->max_vcpus = maxv;
    if (cur > maxv)
        return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_DOMAIN,
                             "maximum vCPU count must not be less than "
                             "current vCPU count");
    def->vcpus = cur;
    return 0;
}

/* ---- os ---- */

static int
parse_loader(struct qd_dom_def *def, xmlNodePtr os, struct qd_err *err)
{
    xmlNodePtr loader = qd_dom_xfirst(os, "loader");
    xmlNodePtr nvram = qd_dom_xfirst(os, "nvram");
    struct qd_dom_xnode *n;
    int ro, type, secure, stateless;

    if (nvram)
        qd_dom_xlist_add(&def->os_extra, qd_dom_xnode_from_xml(nvram));
    if (!loader)
        return 0;
    if (qd_dom_prop_enum(loader, "readonly", qd_dom_tristate_bool,
                         QD_DOM_PROP_NONZERO, &ro, 0, err) < 0 ||
        qd_dom_prop_enum(loader, "type", loader_types, QD_DOM_PROP_NONZERO,
                         &type, 0, err) < 0 ||
        qd_dom_prop_enum(loader, "secure", qd_dom_tristate_bool,
                         QD_DOM_PROP_NONZERO, &secure, 0, err) < 0 ||
        qd_dom_prop_enum(loader, "stateless", qd_dom_tristate_bool,
                         QD_DOM_PROP_NONZERO, &stateless, 0, err) < 0)
        return -1;
    n = qd_dom_xnode_new("loader");
    def->os_loader = n;
    n->text = qd_dom_xstring(loader);
    /* libvirt-compat: a path without a type is a ROM */
    if (n->text && type == 0)
        type = 1;
    if (ro)
        qd_dom_xnode_set_attr(n, "readonly", qd_dom_tristate_bool[ro]);
    if (secure)
        qd_dom_xnode_set_attr(n, "secure", qd_dom_tristate_bool[secure]);
    if (type)
        qd_dom_xnode_set_attr(n, "type", loader_types[type]);
    if (stateless)
        qd_dom_xnode_set_attr(n, "stateless",
                              qd_dom_tristate_bool[stateless]);
    return 0;
}

static int
parse_boot(struct qd_dom_def *def, xmlNodePtr os, struct qd_err *err)
{
    xmlNodePtr cur;
    int v;

    for (cur = qd_dom_xfirst(os, "boot"); cur && def->nboot < 4;
         cur = qd_dom_xnext(cur)) {
        if (qd_dom_prop_enum(cur, "dev", boot_devs, QD_DOM_PROP_REQUIRED, &v,
                             0, err) < 0)
            return -1;
        def->boot[def->nboot++] = qd_strdup(boot_devs[v]);
    }
    if ((cur = qd_dom_xfirst(os, "bootmenu"))) {
        if (qd_dom_prop_enum(cur, "enable", qd_dom_tristate_bool,
                             QD_DOM_PROP_NONZERO, &v, 0, err) < 0)
            return -1;
        if (v > 0)
            def->bootmenu = qd_strdup(qd_dom_tristate_bool[v]);
        if (v == 1) {
            unsigned int t;
            int rc;

            if ((rc = qd_dom_prop_uint(cur, "timeout", 10, 0, &t, err)) < 0)
                return -1;
            if (rc > 0)
                def->bootmenu_timeout = qd_asprintf("%u", t);
        }
    }
    if ((cur = qd_dom_xfirst(os, "bios"))) {
        struct qd_dom_xnode *n = qd_dom_xnode_new("bios");
        struct qd_err ignored = QD_ERR_INIT;
        int rt, rc;

        /* libvirt-compat: an invalid useserial silently means "no" */
        if (qd_dom_prop_enum(cur, "useserial", qd_dom_tristate_bool,
                             QD_DOM_PROP_NONZERO, &v, 0, &ignored) < 0)
            v = 2;
        qd_err_clear(&ignored);
        if ((rc = qd_dom_prop_int(cur, "rebootTimeout", 10, 0, &rt, 0,
                                  err)) < 0) {
            qd_dom_xnode_free(n);
            return -1;
        }
        if (v > 0)
            qd_dom_xnode_set_attr(n, "useserial", qd_dom_tristate_bool[v]);
        if (rc > 0) {
            char num[16];

            snprintf(num, sizeof(num), "%d", rt);
            qd_dom_xnode_set_attr(n, "rebootTimeout", num);
        }
        if (n->nattrs)
            qd_dom_xlist_add(&def->os_extra, n);
        else
            qd_dom_xnode_free(n);
    }
    return 0;
}

/* <firmware><feature .../></firmware>, read only with firmware='...' */
static int
parse_fw_features(struct qd_dom_def *def, xmlNodePtr os, struct qd_err *err)
{
    static const char *const names[] = {
        "enrolled-keys", "secure-boot", NULL
    };
    int state[2] = { 0, 0 };
    struct qd_dom_xnode *fw;
    xmlNodePtr cur;
    size_t i;

    cur = qd_dom_xfirst(qd_dom_xfirst(os, "firmware"), "feature");
    if (!cur)
        return 0;
    for (; cur; cur = qd_dom_xnext(cur)) {
        int name, enabled;

        if (qd_dom_prop_enum(cur, "name", names, QD_DOM_PROP_REQUIRED,
                             &name, 0, err) < 0 ||
            qd_dom_prop_enum(cur, "enabled", qd_dom_tristate_bool,
                             QD_DOM_PROP_REQUIRED | QD_DOM_PROP_NONZERO,
                             &enabled, 0, err) < 0)
            return -1;
        state[name] = enabled;
    }
    if (state[0] == 1) {
        if (state[1] == 2)
            return qd_err_report(err, QD_ERR_XML_DETAIL, QD_FROM_DOMAIN,
                                 "firmware feature 'enrolled-keys' cannot be "
                                 "enabled when firmware feature "
                                 "'secure-boot' is disabled");
        state[1] = 1;
    }
    fw = qd_dom_xnode_new("firmware");
    for (i = 0; i < 2; i++) {
        struct qd_dom_xnode *f;

        if (!state[i])
            continue;
        f = qd_dom_xnode_new("feature");
        qd_dom_xnode_set_attr(f, "enabled", qd_dom_tristate_bool[state[i]]);
        qd_dom_xnode_set_attr(f, "name", names[i]);
        qd_dom_xnode_add_kid(fw, f);
    }
    qd_dom_xlist_add(&def->os_extra, fw);
    return 0;
}

/* The loader checks of virDomainDefOSValidate. */
static int
validate_os(const struct qd_dom_def *def, struct qd_err *err)
{
    const struct qd_dom_xnode *loader = def->os_loader;
    const struct qd_dom_xnode *nvram = qd_dom_xlist_find(&def->os_extra,
                                                         "nvram");
    const char *secure = qd_dom_xnode_attr(loader, "secure");
    const char *msg = NULL;

    if (def->os_firmware) {
        if (!loader && !nvram)
            return 0;
        if (qd_dom_xnode_attr(loader, "readonly"))
            msg = "loader attribute 'readonly' cannot be specified when "
                  "firmware autoselection is enabled";
        else if (qd_dom_xnode_attr(loader, "type"))
            msg = "loader attribute 'type' cannot be specified when "
                  "firmware autoselection is enabled";
        else if (loader && loader->text)
            msg = "loader path cannot be specified when firmware "
                  "autoselection is enabled";
        else if (qd_dom_xnode_attr(nvram, "template"))
            msg = "nvram attribute 'template' cannot be specified when "
                  "firmware autoselection is enabled";
        else if (secure && strcmp(secure, "no") == 0)
            msg = "loader attribute 'secure' cannot be specified when "
                  "firmware autoselection is enabled";
        else if (nvram && strcmp(def->os_firmware, "efi") != 0)
            return qd_err_report(err, QD_ERR_XML_DETAIL, QD_FROM_DOMAIN,
                                 "firmware type '%s' does not support nvram",
                                 def->os_firmware);
    } else if (loader || nvram) {
        if (!loader || !loader->text)
            msg = "no loader path specified and firmware auto selection "
                  "disabled";
    }
    if (!msg && (loader || nvram)) {
        const char *stateless = qd_dom_xnode_attr(loader, "stateless");
        const char *type = qd_dom_xnode_attr(loader, "type");

        if (stateless && strcmp(stateless, "yes") == 0) {
            if (qd_dom_xnode_attr(nvram, "template"))
                msg = "NVRAM template is not permitted when loader is "
                      "stateless";
            else if (nvram && (nvram->text || nvram->nkids))
                msg = "NVRAM is not permitted when loader is stateless";
        } else if (stateless && strcmp(stateless, "no") == 0) {
            if (!def->os_firmware && !(type && strcmp(type, "pflash") == 0))
                msg = "Only pflash loader type permits NVRAM";
            else if (def->os_firmware &&
                     strcmp(def->os_firmware, "efi") != 0)
                msg = "Only EFI firmware permits NVRAM";
        }
    }
    if (msg)
        return qd_err_report(err, QD_ERR_XML_DETAIL, QD_FROM_DOMAIN, "%s",
                             msg);
    return 0;
}

static int
parse_os(struct qd_dom_def *def, xmlNodePtr root, struct qd_err *err)
{
    xmlNodePtr os = qd_dom_xfirst(root, "os"), cur;
    bool hvm = strcmp(def->os_type, "hvm") == 0;
    bool kernel = hvm || strcmp(def->os_type, "xen") == 0 ||
                  strcmp(def->os_type, "xenpvh") == 0 ||
                  strcmp(def->os_type, "uml") == 0;

    if (kernel) {
        def->os_kernel = qd_dom_xchild_string(os, "kernel");
        def->os_initrd = qd_dom_xchild_string(os, "initrd");
        def->os_cmdline = qd_dom_xchild_string(os, "cmdline");
        def->os_dtb = qd_dom_xchild_string(os, "dtb");
        def->os_root = qd_dom_xchild_string(os, "root");
    }
    if (hvm) {
        _cleanup_free_ char *fw = qd_dom_xprop(os, "firmware");

        if (fw && *fw) {
            int f = qd_dom_enum_index(firmwares, fw);

            if (f <= 0)
                return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                                     "unknown firmware value %s", fw);
            def->os_firmware = steal_ptr(&fw);
            if (parse_fw_features(def, os, err) < 0)
                return -1;
        }
    }
    if (kernel && parse_loader(def, os, err) < 0)
        return -1;
    if (hvm) {
        if ((cur = qd_dom_xfirst(os, "acpi")))
            qd_dom_xlist_add(&def->os_extra, qd_dom_xnode_from_xml(cur));
        if (parse_boot(def, os, err) < 0)
            return -1;
    }
    if (strcmp(def->os_type, "exe") == 0) {
        static const char *const init[] = {
            "init", "initarg", "initenv", "initdir", "inituser",
            "initgroup", NULL
        };
        size_t i;

        def->os_cmdline = qd_dom_xchild_string(os, "cmdline");
        for (i = 0; init[i]; i++) {
            for (cur = qd_dom_xfirst(os, init[i]); cur;
                 cur = qd_dom_xnext(cur))
                qd_dom_xlist_add(&def->os_extra,
                                 qd_dom_xnode_from_xml(cur));
        }
        if (!qd_dom_xlist_find(&def->os_extra, "init"))
            return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                                 "init binary must be specified");
    }
    if ((cur = qd_dom_xfirst(os, "smbios"))) {
        _cleanup_free_ char *mode = qd_dom_xprop(cur, "mode");

        if (mode) {
            int m = qd_dom_enum_index(smbios_modes, mode);

            if (m < 0)
                return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED,
                                     QD_FROM_DOMAIN,
                                     "unknown smbios mode '%s'", mode);
            if (m > 0) {
                struct qd_dom_xnode *n = qd_dom_xnode_new("smbios");

                qd_dom_xnode_set_attr(n, "mode", mode);
                qd_dom_xlist_add(&def->os_extra, n);
            }
        }
    }
    return 0;
}

/* ---- metadata ---- */

/* virXMLNodeSanitizeNamespaces: drop children without a namespace and
 * later children repeating a namespace. */
static void
metadata_sanitize(xmlNodePtr node)
{
    xmlNodePtr child = node->children, next, dup;

    while (child) {
        if (!child->ns || !child->ns->href) {
            dup = child;
            child = child->next;
            xmlUnlinkNode(dup);
            xmlFreeNode(dup);
            continue;
        }
        next = child->next;
        while (next) {
            dup = NULL;
            if (next->ns && next->ns->href &&
                strcmp((const char *) child->ns->href,
                       (const char *) next->ns->href) == 0)
                dup = next;
            next = next->next;
            if (dup) {
                xmlUnlinkNode(dup);
                xmlFreeNode(dup);
            }
        }
        child = child->next;
    }
}

/* ---- post-parse ---- */

static int
postparse_memory(struct qd_dom_def *def, struct qd_err *err)
{
    /* libvirt-compat: without <memory> the NUMA cells give the size */
    if (def->max_memory_kib == 0)
        def->max_memory_kib = qd_dom_numa_memory_kib(def);
    if (def->max_memory_kib == 0)
        return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                             "Memory size must be specified via <memory> or "
                             "in the <numa> configuration");
    if (def->cur_memory_kib == 0 || def->cur_memory_kib > def->max_memory_kib)
        def->cur_memory_kib = def->max_memory_kib;
    if ((def->hotplug_memory_kib || def->memory_slots) &&
        !(def->hotplug_memory_kib && def->memory_slots))
        return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                             "both maximum memory size and memory slot "
                             "count must be specified");
    if (def->hotplug_memory_kib &&
        def->hotplug_memory_kib < def->max_memory_kib)
        return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                             "maximum memory size must be equal or greater "
                             "than the actual memory size");
    return 0;
}

static int
postparse(struct qd_dom_def *def, unsigned pflags, struct qd_err *err)
{
    if (qd_dom_devices_postparse(def, pflags, err) < 0 ||
        postparse_memory(def, err) < 0)
        return -1;
    if (strcmp(def->os_type, "hvm") == 0) {
        bool per_device = qd_dom_def_has_boot_order(def);

        if (def->nboot > 0 && per_device)
            return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED,
                                 QD_FROM_DOMAIN, "per-device boot elements "
                                 "cannot be used together with os/boot "
                                 "elements");
        if (def->nboot == 0 && !per_device)
            def->boot[def->nboot++] = qd_strdup("hd");
    }
    if (qd_dom_validate_timers(def, err) < 0)
        return -1;
    if (def->metadata)
        metadata_sanitize(def->metadata);
    if (strchr(def->name, '/'))
        return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                             "name %s cannot contain '/'", def->name);
    return validate_os(def, err);
}

/* ---- entry points ---- */

static int
parse_root(struct qd_dom_def *def, xmlNodePtr root, unsigned pflags,
           struct qd_err *err)
{
    xmlNodePtr cur;
    size_t i;

    if (parse_ids(def, root, pflags, err) < 0 ||
        parse_caps(def, root, err) < 0)
        return -1;

    def->title = qd_dom_xchild_string(root, "title");
    if (def->title && strchr(def->title, '\n'))
        return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                             "Domain title can't contain newlines");
    def->description = qd_dom_xchild_string(root, "description");

    if (parse_memory(def, root, err) < 0 ||
        parse_vcpus(def, root, err) < 0 ||
        qd_dom_parse_cpu(def, root, err) < 0)
        return -1;
    /* libvirt-compat: with no <numa>, a zero <vcpu> fails this check */
    if (def->max_vcpus == 0)
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_DOMAIN,
                             "CPU IDs in <numa> exceed the <vcpu> count");

    if (qd_dom_parse_features(def, root, err) < 0 ||
        qd_dom_parse_lifecycle(def, root, err) < 0 ||
        qd_dom_parse_clock(def, root, err) < 0 ||
        parse_os(def, root, err) < 0)
        return -1;

    if (qd_dom_parse_devices(def, qd_dom_xfirst(root, "devices"), pflags,
                             err) < 0)
        return -1;

    if ((cur = qd_dom_xfirst(root, "metadata")) &&
        !(def->metadata = xmlCopyNode(cur, 1)))
        abort();

    for (i = 0; top_kept[i]; i++) {
        for (cur = qd_dom_xfirst(root, top_kept[i]); cur;
             cur = qd_dom_xnext(cur))
            qd_dom_xlist_add(&def->top_extra, qd_dom_xnode_from_xml(cur));
    }
    if (qd_dom_parse_seclabels(def, root, pflags, err) < 0 ||
        qd_dom_parse_numatune(def, root, err) < 0)
        return -1;
    return qd_dom_parse_memtune(def, root, err);
}

struct qd_dom_def *
qd_dom_def_parse_flags(const char *xml, unsigned pflags, struct qd_err *err)
{
    struct qd_dom_def *def;
    xmlDocPtr doc;
    xmlNodePtr root;

    if (!(doc = qd_dom_xml_read(xml, "(domain_definition)", false, err)))
        return NULL;
    root = xmlDocGetRootElement(doc);
    if (strcmp((const char *) root->name, "domain") != 0) {
        qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_XML_,
                      "expecting root element of 'domain', not '%s'",
                      (const char *) root->name);
        xmlFreeDoc(doc);
        return NULL;
    }

    def = QD_NEW(struct qd_dom_def);
    if (parse_root(def, root, pflags, err) < 0 ||
        postparse(def, pflags, err) < 0) {
        xmlFreeDoc(doc);
        qd_dom_def_free(def);
        return NULL;
    }
    xmlFreeDoc(doc);
    return def;
}

struct qd_dom_def *
qd_dom_def_parse(const char *xml, struct qd_err *err)
{
    return qd_dom_def_parse_flags(xml, QD_DOM_PARSE_INACTIVE, err);
}

struct qd_dom_def *
qd_dom_def_load(const char *xml, struct qd_err *err)
{
    return qd_dom_def_parse_flags(xml, QD_DOM_PARSE_INACTIVE |
                                  QD_DOM_PARSE_SKIP_VALIDATE, err);
}
