/* struct qd_dom_def -> domain XML, in the layout of libvirt 9.0's
 * virDomainDefFormatInternal (two-space indents, single-quoted
 * attributes, elements in libvirt's order). Devices are printed by
 * domain_conf_devfmt.c. */
#include "conf/domain_conf.h"

#include <string.h>

#include <libxml/tree.h>

#include "conf/domain_conf_priv.h"
#include "util/mem.h"
#include "util/uuid.h"

void
qd_dom_buf_indent(struct qd_buf *b, int indent)
{
    if (indent > 0)
        memset(qd_buf_extend(b, (size_t) indent), ' ', (size_t) indent);
}

void
qd_dom_buf_escape(struct qd_buf *b, const char *s)
{
    for (; s && *s; s++) {
        unsigned char c = (unsigned char) *s;

        switch (c) {
        case '<':
            qd_buf_puts(b, "&lt;");
            break;
        case '>':
            qd_buf_puts(b, "&gt;");
            break;
        case '&':
            qd_buf_puts(b, "&amp;");
            break;
        case '"':
            qd_buf_puts(b, "&quot;");
            break;
        case '\'':
            qd_buf_puts(b, "&apos;");
            break;
        default:
            /* libvirt-compat: control characters other than tab, newline
             * and carriage return are silently dropped */
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
                break;
            qd_buf_append(b, s, 1);
        }
    }
}

void
qd_dom_xnode_format(struct qd_buf *b, const struct qd_dom_xnode *n,
                    int indent)
{
    size_t i;

    qd_dom_buf_indent(b, indent);
    qd_buf_printf(b, "<%s", n->name);
    for (i = 0; i < n->nattrs; i++) {
        qd_buf_printf(b, " %s='", n->attrs[i].name);
        qd_dom_buf_escape(b, n->attrs[i].value);
        qd_buf_puts(b, "'");
    }
    if (n->nkids) {
        qd_buf_puts(b, ">\n");
        for (i = 0; i < n->nkids; i++)
            qd_dom_xnode_format(b, n->kids[i], indent + 2);
        qd_dom_buf_indent(b, indent);
        qd_buf_printf(b, "</%s>\n", n->name);
    } else if (n->text && *n->text) {
        qd_buf_puts(b, ">");
        qd_dom_buf_escape(b, n->text);
        qd_buf_printf(b, "</%s>\n", n->name);
    } else {
        qd_buf_puts(b, "/>\n");
    }
}

/* <name>text</name> with the text escaped; nothing when @text is NULL */
static void
text_elem(struct qd_buf *b, int indent, const char *name, const char *text)
{
    if (!text)
        return;
    qd_dom_buf_indent(b, indent);
    qd_buf_printf(b, "<%s>", name);
    qd_dom_buf_escape(b, text);
    qd_buf_printf(b, "</%s>\n", name);
}

/* Print the items of @l called @name. */
static void
list_format(struct qd_buf *b, const struct qd_dom_xlist *l, const char *name,
            int indent)
{
    size_t i;

    for (i = 0; i < l->n; i++) {
        if (strcmp(l->items[i]->name, name) == 0)
            qd_dom_xnode_format(b, l->items[i], indent);
    }
}

static void
list_format_many(struct qd_buf *b, const struct qd_dom_xlist *l,
                 const char *const *names, int indent)
{
    size_t i;

    for (i = 0; names[i]; i++)
        list_format(b, l, names[i], indent);
}

/* virXMLFormatMetadata: libxml2's own indenting dump of the kept tree. */
static void
metadata_format(struct qd_buf *b, xmlNodePtr metadata, int indent)
{
    xmlBufferPtr xbuf;
    const char *content;
    int old = xmlIndentTreeOutput;

    xmlIndentTreeOutput = 1;
    if (!(xbuf = xmlBufferCreate()))
        abort();
    if (xmlNodeDump(xbuf, metadata->doc, metadata, indent / 2, 1) < 0) {
        xmlIndentTreeOutput = old;
        xmlBufferFree(xbuf);
        return;
    }
    xmlIndentTreeOutput = old;
    content = (const char *) xmlBufferContent(xbuf);
    while (*content == ' ' || *content == '\t' || *content == '\n' ||
           *content == '\r')
        content++;
    qd_dom_buf_indent(b, indent);
    qd_buf_puts(b, content);
    qd_buf_puts(b, "\n");
    xmlBufferFree(xbuf);
}

static void
os_format(struct qd_buf *b, const struct qd_dom_def *def, int ind)
{
    static const char *const init[] = {
        "init", "initarg", "initenv", "initdir", "inituser", "initgroup",
        NULL
    };
    const char *ostype = def->os_type;
    size_t i;

    qd_dom_buf_indent(b, ind);
    qd_buf_puts(b, "<os");
    if (def->os_firmware)
        qd_buf_printf(b, " firmware='%s'", def->os_firmware);
    qd_buf_puts(b, ">\n");
    qd_dom_buf_indent(b, ind + 2);
    qd_buf_puts(b, "<type");
    if (def->os_arch)
        qd_buf_printf(b, " arch='%s'", def->os_arch);
    if (def->os_machine) {
        /* escaped, unlike libvirt 9.0, whose unescaped quote makes
         * XML that nobody (its own virDomainDefCopy included) reads */
        qd_buf_puts(b, " machine='");
        qd_dom_buf_escape(b, def->os_machine);
        qd_buf_puts(b, "'");
    }
    /* libvirt-compat: Xen paravirt guests print the old 'linux' type */
    if (strcmp(def->virt_type, "xen") == 0 && strcmp(ostype, "xen") == 0)
        ostype = "linux";
    qd_buf_printf(b, ">%s</type>\n", ostype);
    list_format(b, &def->os_extra, "firmware", ind + 2);
    list_format_many(b, &def->os_extra, init, ind + 2);
    if (def->os_loader)
        qd_dom_xnode_format(b, def->os_loader, ind + 2);
    list_format(b, &def->os_extra, "nvram", ind + 2);
    text_elem(b, ind + 2, "kernel", def->os_kernel);
    text_elem(b, ind + 2, "initrd", def->os_initrd);
    text_elem(b, ind + 2, "cmdline", def->os_cmdline);
    text_elem(b, ind + 2, "dtb", def->os_dtb);
    text_elem(b, ind + 2, "root", def->os_root);
    list_format(b, &def->os_extra, "acpi", ind + 2);
    if (!def->bootloader) {
        for (i = 0; i < def->nboot; i++) {
            qd_dom_buf_indent(b, ind + 2);
            qd_buf_printf(b, "<boot dev='%s'/>\n", def->boot[i]);
        }
        if (def->bootmenu) {
            qd_dom_buf_indent(b, ind + 2);
            qd_buf_printf(b, "<bootmenu enable='%s'", def->bootmenu);
            if (def->bootmenu_timeout)
                qd_buf_printf(b, " timeout='%s'", def->bootmenu_timeout);
            qd_buf_puts(b, "/>\n");
        }
        list_format(b, &def->os_extra, "bios", ind + 2);
    }
    list_format(b, &def->os_extra, "smbios", ind + 2);
    qd_dom_buf_indent(b, ind);
    qd_buf_puts(b, "</os>\n");
}

static void
clock_format(struct qd_buf *b, const struct qd_dom_def *def, int ind)
{
    size_t i, j;

    qd_dom_buf_indent(b, ind);
    qd_buf_printf(b, "<clock offset='%s'",
                  def->clock_offset ? def->clock_offset : "utc");
    for (i = 0; i < def->nclock_attrs; i++) {
        qd_buf_printf(b, " %s='", def->clock_attrs[i].name);
        qd_dom_buf_escape(b, def->clock_attrs[i].value);
        qd_buf_puts(b, "'");
    }
    if (!def->ntimers) {
        qd_buf_puts(b, "/>\n");
        return;
    }
    qd_buf_puts(b, ">\n");
    for (i = 0; i < def->ntimers; i++) {
        const struct qd_dom_timer *t = &def->timers[i];
        const char *attrs[][2] = {
            { "present", t->present }, { "tickpolicy", t->tickpolicy },
            { "track", t->track },
            { "frequency", strcmp(t->name, "tsc") == 0 ? t->frequency : NULL },
            { "mode", strcmp(t->name, "tsc") == 0 ? t->mode : NULL },
        };

        qd_dom_buf_indent(b, ind + 2);
        qd_buf_printf(b, "<timer name='%s'", t->name);
        for (j = 0; j < QD_ARRAY_SIZE(attrs); j++) {
            if (attrs[j][1])
                qd_buf_printf(b, " %s='%s'", attrs[j][0], attrs[j][1]);
        }
        if (t->catchup) {
            qd_buf_puts(b, ">\n");
            qd_dom_xnode_format(b, t->catchup, ind + 4);
            qd_dom_buf_indent(b, ind + 2);
            qd_buf_puts(b, "</timer>\n");
        } else {
            qd_buf_puts(b, "/>\n");
        }
    }
    qd_dom_buf_indent(b, ind);
    qd_buf_puts(b, "</clock>\n");
}

char *
qd_dom_def_format_internal(const struct qd_dom_def *def, int id,
                           unsigned flags)
{
    static const char *const after_mem[] = {
        "blkiotune", "memtune", "memoryBacking", NULL
    };
    static const char *const after_vcpu[] = {
        "vcpus", "iothreads", "iothreadids", "cputune", "numatune",
        "resource", "sysinfo", NULL
    };
    static const char *const after_lifecycle[] = { "pm", "perf", NULL };
    static const char *const after_devices[] = {
        "seclabel", "keywrap", "launchSecurity", NULL
    };
    struct qd_buf b = { 0 };
    char uuid[QD_UUID_STRLEN];
    bool inactive = (flags & QD_DOM_XML_INACTIVE) ||
                    (id < 0 && !(flags & QD_DOM_FMT_LIVE_NO_ID));
    size_t i;

    if (inactive)
        flags |= QD_DOM_XML_INACTIVE;
    qd_buf_printf(&b, "<domain type='%s'", def->virt_type);
    if (!inactive && id >= 0)
        qd_buf_printf(&b, " id='%d'", id);
    qd_buf_puts(&b, ">\n");

    text_elem(&b, 2, "name", def->name);
    qd_uuid_format(def->uuid, uuid);
    qd_buf_printf(&b, "  <uuid>%s</uuid>\n", uuid);
    if (def->genid_requested) {
        qd_uuid_format(def->genid, uuid);
        qd_buf_printf(&b, "  <genid>%s</genid>\n", uuid);
    }
    text_elem(&b, 2, "title", def->title);
    text_elem(&b, 2, "description", def->description);
    if (def->metadata)
        metadata_format(&b, def->metadata, 2);

    if (def->hotplug_memory_kib || def->memory_slots)
        qd_buf_printf(&b, "  <maxMemory slots='%u' unit='KiB'>%llu"
                      "</maxMemory>\n", def->memory_slots,
                      def->hotplug_memory_kib);
    qd_buf_puts(&b, "  <memory");
    if (def->memory_dump_core)
        qd_buf_printf(&b, " dumpCore='%s'", def->memory_dump_core);
    qd_buf_printf(&b, " unit='KiB'>%llu</memory>\n", def->max_memory_kib);
    qd_buf_printf(&b, "  <currentMemory unit='KiB'>%llu</currentMemory>\n",
                  def->cur_memory_kib);
    list_format_many(&b, &def->top_extra, after_mem, 2);

    qd_buf_printf(&b, "  <vcpu placement='%s'",
                  def->placement ? def->placement : "static");
    if (def->cpuset)
        qd_buf_printf(&b, " cpuset='%s'", def->cpuset);
    if (def->vcpus < def->max_vcpus)
        qd_buf_printf(&b, " current='%u'", def->vcpus);
    qd_buf_printf(&b, ">%u</vcpu>\n", def->max_vcpus);
    list_format_many(&b, &def->top_extra, after_vcpu, 2);

    if (def->bootloader) {
        text_elem(&b, 2, "bootloader", def->bootloader);
        text_elem(&b, 2, "bootloader_args", def->bootloader_args);
    }
    os_format(&b, def, 2);
    list_format(&b, &def->top_extra, "idmap", 2);

    if (def->features.n) {
        qd_buf_puts(&b, "  <features>\n");
        for (i = 0; i < def->features.n; i++) {
            const struct qd_dom_xnode *f = def->features.items[i];

            /* libvirt-compat: these always print an open/close pair */
            if (!f->nkids && (strcmp(f->name, "hyperv") == 0 ||
                              strcmp(f->name, "kvm") == 0 ||
                              strcmp(f->name, "xen") == 0)) {
                size_t j;

                qd_buf_printf(&b, "    <%s", f->name);
                for (j = 0; j < f->nattrs; j++)
                    qd_buf_printf(&b, " %s='%s'", f->attrs[j].name,
                                  f->attrs[j].value);
                qd_buf_printf(&b, ">\n    </%s>\n", f->name);
                continue;
            }
            qd_dom_xnode_format(&b, f, 4);
        }
        qd_buf_puts(&b, "  </features>\n");
    }
    if (def->cpu)
        qd_dom_xnode_format(&b, def->cpu, 2);
    clock_format(&b, def, 2);
    text_elem(&b, 2, "on_poweroff", def->on_poweroff);
    text_elem(&b, 2, "on_reboot", def->on_reboot);
    text_elem(&b, 2, "on_crash", def->on_crash);
    text_elem(&b, 2, "on_lockfailure", def->on_lockfailure);
    list_format_many(&b, &def->top_extra, after_lifecycle, 2);

    qd_buf_puts(&b, "  <devices>\n");
    text_elem(&b, 4, "emulator", def->emulator);
    qd_dom_format_devices(&b, def, 4, flags);
    qd_buf_puts(&b, "  </devices>\n");
    list_format_many(&b, &def->top_extra, after_devices, 2);
    qd_buf_puts(&b, "</domain>\n");
    return qd_buf_steal_str(&b);
}

char *
qd_dom_def_format(const struct qd_dom_def *def, int id, unsigned flags)
{
    return qd_dom_def_format_internal(def, id,
                                      flags & (QD_DOM_XML_SECURE |
                                               QD_DOM_XML_INACTIVE |
                                               QD_DOM_XML_UPDATE_CPU |
                                               QD_DOM_XML_MIGRATABLE));
}
