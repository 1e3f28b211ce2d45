/* Domain definition objects: lifetimes, copy, metadata, kept XML trees.
 * Parsing lives in domain_conf_parse.c, printing in domain_conf_format.c. */
#include "conf/domain_conf.h"

#include <string.h>

#include <libxml/tree.h>

#include "conf/domain_conf_priv.h"
#include "util/mem.h"

const char *const qd_dom_virt_types[] = {
    "none", "qemu", "kqemu", "kvm", "xen", "lxc", "uml", "openvz", "test",
    "vmware", "hyperv", "vbox", "phyp", "parallels", "bhyve", "vz", "hvf",
    NULL
};

const char *const qd_dom_os_types[] = {
    "hvm", "xen", "linux", "exe", "uml", "xenpvh", NULL
};

/* virArch names, without "none" (which libvirt rejects in XML) */
const char *const qd_dom_archs[] = {
    "alpha", "armv6l", "armv7l", "armv7b", "aarch64", "cris", "i686", "ia64",
    "lm32", "m68k", "microblaze", "microblazeel", "mips", "mipsel", "mips64",
    "mips64el", "openrisc", "parisc", "parisc64", "ppc", "ppcle", "ppc64",
    "ppc64le", "ppcemb", "riscv32", "riscv64", "s390", "s390x", "sh4",
    "sh4eb", "sparc", "sparc64", "unicore32", "x86_64", "xtensa", "xtensaeb",
    NULL
};

int
qd_dom_enum_index(const char *const *table, const char *s)
{
    int i;

    if (!s)
        return -1;
    for (i = 0; table[i]; i++) {
        if (strcmp(table[i], s) == 0)
            return i;
    }
    return -1;
}

/* ---- kept XML trees ---- */

struct qd_dom_xnode *
qd_dom_xnode_new(const char *name)
{
    struct qd_dom_xnode *n = QD_NEW(struct qd_dom_xnode);

    n->name = qd_strdup(name);
    return n;
}

void
qd_dom_xattrs_free(struct qd_dom_xattr *a, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(a[i].name);
        free(a[i].value);
    }
    free(a);
}

void
qd_dom_xnode_free(struct qd_dom_xnode *n)
{
    size_t i;

    if (!n)
        return;
    free(n->name);
    qd_dom_xattrs_free(n->attrs, n->nattrs);
    free(n->text);
    for (i = 0; i < n->nkids; i++)
        qd_dom_xnode_free(n->kids[i]);
    free(n->kids);
    free(n);
}

struct qd_dom_xnode *
qd_dom_xnode_copy(const struct qd_dom_xnode *n)
{
    struct qd_dom_xnode *c;
    size_t i;

    if (!n)
        return NULL;
    c = qd_dom_xnode_new(n->name);
    if (n->nattrs) {
        c->attrs = qd_calloc(n->nattrs, sizeof(*c->attrs));
        for (i = 0; i < n->nattrs; i++) {
            c->attrs[i].name = qd_strdup(n->attrs[i].name);
            c->attrs[i].value = qd_strdup(n->attrs[i].value);
        }
        c->nattrs = n->nattrs;
    }
    if (n->text)
        c->text = qd_strdup(n->text);
    for (i = 0; i < n->nkids; i++)
        qd_dom_xnode_add_kid(c, qd_dom_xnode_copy(n->kids[i]));
    return c;
}

const char *
qd_dom_xnode_attr(const struct qd_dom_xnode *node, const char *name)
{
    size_t i;

    if (!node)
        return NULL;
    for (i = 0; i < node->nattrs; i++) {
        if (strcmp(node->attrs[i].name, name) == 0)
            return node->attrs[i].value;
    }
    return NULL;
}

struct qd_dom_xnode *
qd_dom_xnode_child(const struct qd_dom_xnode *node, const char *name)
{
    size_t i;

    if (!node)
        return NULL;
    for (i = 0; i < node->nkids; i++) {
        if (strcmp(node->kids[i]->name, name) == 0)
            return node->kids[i];
    }
    return NULL;
}

struct qd_dom_xnode *
qd_dom_xlist_find(const struct qd_dom_xlist *list, const char *name)
{
    size_t i;

    for (i = 0; i < list->n; i++) {
        if (strcmp(list->items[i]->name, name) == 0)
            return list->items[i];
    }
    return NULL;
}

void
qd_dom_xnode_set_attr(struct qd_dom_xnode *n, const char *name,
                      const char *value)
{
    size_t i;

    for (i = 0; i < n->nattrs; i++) {
        if (strcmp(n->attrs[i].name, name) == 0) {
            free(n->attrs[i].value);
            n->attrs[i].value = qd_strdup(value);
            return;
        }
    }
    n->attrs = qd_realloc(n->attrs, (n->nattrs + 1) * sizeof(*n->attrs));
    n->attrs[n->nattrs].name = qd_strdup(name);
    n->attrs[n->nattrs].value = qd_strdup(value);
    n->nattrs++;
}

void
qd_dom_xnode_del_attr(struct qd_dom_xnode *n, const char *name)
{
    size_t i;

    for (i = 0; i < n->nattrs; i++) {
        if (strcmp(n->attrs[i].name, name) == 0) {
            free(n->attrs[i].name);
            free(n->attrs[i].value);
            memmove(&n->attrs[i], &n->attrs[i + 1],
                    (n->nattrs - i - 1) * sizeof(*n->attrs));
            n->nattrs--;
            return;
        }
    }
}

void
qd_dom_xnode_add_kid(struct qd_dom_xnode *n, struct qd_dom_xnode *kid)
{
    QD_DOM_APPEND(n->kids, n->nkids, kid);
}

void
qd_dom_xnode_del_kids(struct qd_dom_xnode *n, const char *name)
{
    size_t i = 0;

    while (i < n->nkids) {
        if (strcmp(n->kids[i]->name, name) == 0) {
            qd_dom_xnode_free(n->kids[i]);
            memmove(&n->kids[i], &n->kids[i + 1],
                    (n->nkids - i - 1) * sizeof(*n->kids));
            n->nkids--;
        } else {
            i++;
        }
    }
}

void
qd_dom_xlist_add(struct qd_dom_xlist *l, struct qd_dom_xnode *n)
{
    QD_DOM_APPEND(l->items, l->n, n);
}

void
qd_dom_xlist_clear(struct qd_dom_xlist *l)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        qd_dom_xnode_free(l->items[i]);
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

void
qd_dom_xlist_remove(struct qd_dom_xlist *l, const char *name)
{
    size_t i = 0;

    while (i < l->n) {
        if (strcmp(l->items[i]->name, name) == 0) {
            qd_dom_xnode_free(l->items[i]);
            memmove(&l->items[i], &l->items[i + 1],
                    (l->n - i - 1) * sizeof(*l->items));
            l->n--;
        } else {
            i++;
        }
    }
}

/* ---- device lifetimes ---- */

void
qd_dom_devinfo_clear(struct qd_dom_devinfo *info)
{
    free(info->alias);
    free(info->loadparm);
    qd_dom_xnode_free(info->rom);
    free(info->addr.usb_port);
    qd_dom_xnode_free(info->addr.zpci);
    memset(info, 0, sizeof(*info));
    info->master_startport = -1;
}

void
qd_dom_disk_free(struct qd_dom_disk *d)
{
    if (!d)
        return;
    free(d->type);
    free(d->device);
    free(d->bus);
    free(d->dst);
    free(d->src_path);
    free(d->model);
    free(d->rawio);
    free(d->sgio);
    free(d->snapshot);
    qd_dom_xnode_free(d->driver);
    qd_dom_xnode_free(d->source);
    qd_dom_xattrs_free(d->target_attrs, d->ntarget_attrs);
    free(d->serial);
    qd_dom_xlist_clear(&d->extra);
    qd_dom_devinfo_clear(&d->info);
    free(d);
}

void
qd_dom_controller_free(struct qd_dom_controller *c)
{
    if (!c)
        return;
    free(c->type);
    free(c->model);
    qd_dom_xattrs_free(c->attrs, c->nattrs);
    qd_dom_xlist_clear(&c->extra);
    qd_dom_devinfo_clear(&c->info);
    free(c);
}

void
qd_dom_net_free(struct qd_dom_net *n)
{
    if (!n)
        return;
    free(n->type);
    qd_dom_xnode_free(n->mac_node);
    free(n->source_network);
    free(n->source_bridge);
    free(n->source_dev);
    qd_dom_xnode_free(n->source);
    free(n->ifname);
    qd_dom_xnode_free(n->target);
    free(n->model);
    free(n->trust_guest_rx_filters);
    free(n->managed);
    qd_dom_xlist_clear(&n->extra);
    qd_dom_devinfo_clear(&n->info);
    free(n);
}

void
qd_dom_chr_free(struct qd_dom_chr *c)
{
    if (!c)
        return;
    free(c->kind);
    free(c->type);
    free(c->path);
    free(c->mode);
    free(c->host);
    free(c->service);
    free(c->bind_host);
    free(c->bind_service);
    free(c->tls);
    free(c->append);
    free(c->channel);
    free(c->master);
    free(c->slave);
    free(c->protocol);
    qd_dom_xlist_clear(&c->source_kids);
    qd_dom_xnode_free(c->log);
    free(c->target_type);
    free(c->target_name);
    free(c->target_address);
    free(c->target_tport);
    free(c->target_model);
    qd_dom_devinfo_clear(&c->info);
    free(c);
}

void
qd_dom_input_free(struct qd_dom_input *i)
{
    if (!i)
        return;
    free(i->type);
    free(i->bus);
    free(i->model);
    qd_dom_xnode_free(i->source);
    qd_dom_xnode_free(i->driver);
    qd_dom_devinfo_clear(&i->info);
    free(i);
}

void
qd_dom_graphics_free(struct qd_dom_graphics *g)
{
    size_t i;

    if (!g)
        return;
    free(g->type);
    free(g->keymap);
    free(g->share_policy);
    free(g->power_control);
    free(g->default_mode);
    free(g->passwd);
    free(g->passwd_valid_to);
    free(g->connected);
    for (i = 0; i < g->nlistens; i++) {
        free(g->listens[i].type);
        free(g->listens[i].address);
        free(g->listens[i].network);
        free(g->listens[i].socket);
    }
    free(g->listens);
    qd_dom_xlist_clear(&g->extra);
    qd_dom_xnode_free(g->raw);
    free(g);
}

void
qd_dom_video_free(struct qd_dom_video *v)
{
    if (!v)
        return;
    free(v->type);
    qd_dom_xnode_free(v->accel);
    qd_dom_xnode_free(v->resolution);
    qd_dom_xnode_free(v->driver);
    qd_dom_devinfo_clear(&v->info);
    free(v);
}

void
qd_dom_sound_free(struct qd_dom_sound *s)
{
    if (!s)
        return;
    free(s->model);
    qd_dom_xlist_clear(&s->extra);
    qd_dom_devinfo_clear(&s->info);
    free(s);
}

void
qd_dom_memballoon_free(struct qd_dom_memballoon *m)
{
    if (!m)
        return;
    free(m->model);
    free(m->autodeflate);
    free(m->free_page_reporting);
    qd_dom_xnode_free(m->driver);
    qd_dom_devinfo_clear(&m->info);
    free(m);
}

#define FREE_ARRAY(arr, n, fn)                  \
    do {                                        \
        size_t i_;                              \
        for (i_ = 0; i_ < (n); i_++)            \
            fn((arr)[i_]);                      \
        free(arr);                              \
    } while (0)

void
qd_dom_def_free(struct qd_dom_def *def)
{
    size_t i;

    if (!def)
        return;
    free(def->virt_type);
    free(def->name);
    free(def->title);
    free(def->description);
    free(def->os_type);
    free(def->os_arch);
    if (def->metadata)
        xmlFreeNode(def->metadata);
    free(def->memory_dump_core);
    free(def->placement);
    free(def->cpuset);
    free(def->os_machine);
    free(def->os_firmware);
    free(def->bootloader);
    free(def->bootloader_args);
    qd_dom_xnode_free(def->os_loader);
    free(def->os_kernel);
    free(def->os_initrd);
    free(def->os_cmdline);
    free(def->os_dtb);
    free(def->os_root);
    for (i = 0; i < def->nboot; i++)
        free(def->boot[i]);
    free(def->bootmenu);
    free(def->bootmenu_timeout);
    qd_dom_xlist_clear(&def->os_extra);
    qd_dom_xlist_clear(&def->features);
    qd_dom_xnode_free(def->cpu);
    free(def->clock_offset);
    qd_dom_xattrs_free(def->clock_attrs, def->nclock_attrs);
    for (i = 0; i < def->ntimers; i++) {
        struct qd_dom_timer *t = &def->timers[i];

        free(t->name);
        free(t->present);
        free(t->tickpolicy);
        free(t->track);
        free(t->frequency);
        free(t->mode);
        qd_dom_xnode_free(t->catchup);
    }
    free(def->timers);
    free(def->on_poweroff);
    free(def->on_reboot);
    free(def->on_crash);
    free(def->on_lockfailure);
    qd_dom_xlist_clear(&def->top_extra);
    free(def->emulator);
    FREE_ARRAY(def->disks, def->ndisks, qd_dom_disk_free);
    FREE_ARRAY(def->controllers, def->ncontrollers, qd_dom_controller_free);
    FREE_ARRAY(def->nets, def->nnets, qd_dom_net_free);
    FREE_ARRAY(def->serials, def->nserials, qd_dom_chr_free);
    FREE_ARRAY(def->parallels, def->nparallels, qd_dom_chr_free);
    FREE_ARRAY(def->consoles, def->nconsoles, qd_dom_chr_free);
    FREE_ARRAY(def->channels, def->nchannels, qd_dom_chr_free);
    FREE_ARRAY(def->inputs, def->ninputs, qd_dom_input_free);
    FREE_ARRAY(def->graphics, def->ngraphics, qd_dom_graphics_free);
    FREE_ARRAY(def->videos, def->nvideos, qd_dom_video_free);
    FREE_ARRAY(def->sounds, def->nsounds, qd_dom_sound_free);
    qd_dom_memballoon_free(def->memballoon);
    qd_dom_xlist_clear(&def->dev_extra);
    free(def);
}

/* ---- copy ---- */

/* A round trip through XML, as libvirt's virDomainDefCopy does it: the
 * live form is printed (without an id) and read back as an inactive
 * config, so live-only data is dropped the way libvirt drops it; the
 * metadata tree is copied node for node so its whitespace survives
 * untouched. Like libvirt it skips the validation checks on the way
 * back: libvirt accepts defs whose printed form would fail them (a
 * volume disk with an empty <source>, which is then not printed). */
struct qd_dom_def *
qd_dom_def_copy(const struct qd_dom_def *def)
{
    struct qd_err err = QD_ERR_INIT;
    struct qd_dom_def *copy;
    char *xml;

    xml = qd_dom_def_format_internal(def, -1, QD_DOM_FMT_LIVE_NO_ID |
                                     QD_DOM_XML_SECURE);
    copy = qd_dom_def_parse_flags(xml, QD_DOM_PARSE_INACTIVE |
                                  QD_DOM_PARSE_SKIP_VALIDATE, &err);
    free(xml);
    if (!copy) {
        /* a def we printed ourselves must parse again: a bug otherwise */
        abort();
    }
    if (copy->metadata) {
        xmlFreeNode(copy->metadata);
        copy->metadata = NULL;
    }
    if (def->metadata) {
        copy->metadata = xmlCopyNode(def->metadata, 1);
        if (!copy->metadata)
            abort();
    }
    return copy;
}

/* ---- metadata ---- */

/* The first child element of @root in namespace @uri. */
static xmlNodePtr
meta_find_ns(xmlNodePtr root, const char *uri)
{
    xmlNodePtr cur;

    if (!root)
        return NULL;
    for (cur = root->children; cur; cur = cur->next) {
        if (cur->ns && cur->ns->href &&
            strcmp((const char *) cur->ns->href, uri) == 0)
            return cur;
    }
    return NULL;
}

/* Drop namespace @uri from @node and its descendants (and siblings of
 * @node: libvirt walks the whole chain from the copied root). */
static void
meta_strip_ns(xmlNodePtr node, const char *uri)
{
    for (; node; node = node->next) {
        if (node->ns && node->ns->href &&
            strcmp((const char *) node->ns->href, uri) == 0)
            xmlSetNs(node, NULL);
        if (node->children)
            meta_strip_ns(node->children, uri);
    }
}

/* Put @ns on @node and all its element descendants without one. */
static void
meta_add_ns(xmlNodePtr node, xmlNsPtr ns)
{
    for (; node; node = node->next) {
        if (!node->ns)
            xmlSetNs(node, ns);
        if (node->children)
            meta_add_ns(node->children, ns);
    }
}

char *
qd_dom_def_get_metadata(const struct qd_dom_def *def, int type,
                        const char *uri, struct qd_err *err)
{
    char *ret = NULL;

    switch (type) {
    case QD_DOM_METADATA_DESCRIPTION:
        if (def->description)
            ret = qd_strdup(def->description);
        break;
    case QD_DOM_METADATA_TITLE:
        if (def->title)
            ret = qd_strdup(def->title);
        break;
    case QD_DOM_METADATA_ELEMENT: {
        xmlNodePtr node, copy;
        xmlNsPtr ns, prev = NULL;
        xmlBufferPtr xbuf;

        if (!uri) {
            qd_err_set(err, QD_ERR_INVALID_ARG, QD_FROM_DOMAIN,
                       "uri in virDomainGetMetadata must not be NULL");
            return NULL;
        }
        if (!(node = meta_find_ns(def->metadata, uri)))
            break;
        if (!(copy = xmlCopyNode(node, 1)))
            abort();
        meta_strip_ns(copy, uri);
        /* libvirt-compat: only the first declaration of @uri is removed */
        for (ns = copy->nsDef; ns; ns = ns->next) {
            if (ns->href && strcmp((const char *) ns->href, uri) == 0) {
                if (prev)
                    prev->next = ns->next;
                else
                    copy->nsDef = ns->next;
                xmlFreeNs(ns);
                break;
            }
            prev = ns;
        }
        if (!(xbuf = xmlBufferCreate()))
            abort();
        if (xmlNodeDump(xbuf, copy->doc, copy, 0, 1) == 0) {
            xmlBufferFree(xbuf);
            xmlFreeNode(copy);
            qd_err_set(err, QD_ERR_INTERNAL_ERROR, QD_FROM_DOMAIN,
                       "internal error: failed to convert the XML node tree");
            return NULL;
        }
        ret = qd_strdup((const char *) xmlBufferContent(xbuf));
        xmlBufferFree(xbuf);
        xmlFreeNode(copy);
        break;
    }
    default:
        qd_err_set(err, QD_ERR_INVALID_ARG, QD_FROM_DOMAIN,
                   "invalid argument: unknown metadata type '%d'", type);
        return NULL;
    }

    if (!ret)
        qd_err_set(err, QD_ERR_NO_DOMAIN_METADATA, QD_FROM_DOMAIN,
                   "metadata not found: Requested metadata element is not "
                   "present");
    return ret;
}

/* Parse a user's metadata element; errors like virXMLParseStringCtxt.
 * Blanks are kept (libvirt parses this without dropping them). */
int
qd_dom_def_set_metadata(struct qd_dom_def *def, int type,
                        const char *metadata, const char *key,
                        const char *uri, struct qd_err *err)
{
    xmlNodePtr added = NULL, old;

    switch (type) {
    case QD_DOM_METADATA_DESCRIPTION:
        free(def->description);
        def->description = NULL;
        if (metadata && *metadata)
            def->description = qd_strdup(metadata);
        return 0;
    case QD_DOM_METADATA_TITLE:
        if (metadata && strchr(metadata, '\n'))
            return qd_err_set(err, QD_ERR_INVALID_ARG, QD_FROM_DOMAIN,
                              "metadata title can't contain newlines");
        free(def->title);
        def->title = NULL;
        if (metadata && *metadata)
            def->title = qd_strdup(metadata);
        return 0;
    case QD_DOM_METADATA_ELEMENT:
        break;
    default:
        return qd_err_set(err, QD_ERR_INVALID_ARG, QD_FROM_DOMAIN,
                          "invalid argument: unknown metadata type '%d'",
                          type);
    }

    if (!uri)
        return qd_err_set(err, QD_ERR_INVALID_ARG, QD_FROM_DOMAIN,
                          "uri in virDomainSetMetadata must not be NULL");
    if (metadata) {
        xmlDocPtr doc;
        xmlNsPtr ns;

        if (!key)
            return qd_err_set(err, QD_ERR_INVALID_ARG, QD_FROM_DOMAIN,
                              "key in virDomainSetMetadata must not be "
                              "NULL");
        if (!(doc = qd_dom_xml_read(metadata, "(metadata_xml)", true, err)))
            return -1;
        if (xmlValidateNCName((const xmlChar *) key, 1) != 0) {
            xmlFreeDoc(doc);
            return qd_err_set(err, QD_ERR_INTERNAL_ERROR, QD_FROM_XML_,
                              "internal error: failed to validate prefix "
                              "for a new XML namespace");
        }
        /* libvirt-compat: the namespace goes on the document's first
         * child, which is normally the root element */
        if (!(ns = xmlNewNs(doc->children, (const xmlChar *) uri,
                            (const xmlChar *) key))) {
            xmlFreeDoc(doc);
            return qd_err_set(err, QD_ERR_INTERNAL_ERROR, QD_FROM_XML_,
                              "internal error: failed to create a new XML "
                              "namespace");
        }
        meta_add_ns(doc->children, ns);
        if (!(added = xmlCopyNode(doc->children, 1)))
            abort();
        xmlFreeDoc(doc);
        if (!def->metadata) {
            if (!(def->metadata = xmlNewNode(NULL, BAD_CAST "metadata")))
                abort();
        }
    }

    while ((old = meta_find_ns(def->metadata, uri))) {
        xmlUnlinkNode(old);
        xmlFreeNode(old);
    }
    if (added && !xmlAddChild(def->metadata, added)) {
        xmlFreeNode(added);
        return qd_err_set(err, QD_ERR_INTERNAL_ERROR, QD_FROM_DOMAIN,
                          "internal error: failed to add metadata to XML "
                          "document");
    }
    return 0;
}

/* ---- test driver helpers ---- */

static bool
ifname_used(const struct qd_dom_def *def, const char *name)
{
    size_t i;

    for (i = 0; i < def->nnets; i++) {
        if (def->nets[i]->ifname && strcmp(def->nets[i]->ifname, name) == 0)
            return true;
    }
    return false;
}

int
qd_dom_def_test_ifnames(struct qd_dom_def *def, struct qd_err *err)
{
    size_t i;

    for (i = 0; i < def->nnets; i++) {
        int n;

        if (def->nets[i]->ifname)
            continue;
        for (n = 0; n < 1024; n++) {
            char *name = qd_asprintf("testnet%d", n);

            if (!ifname_used(def, name)) {
                def->nets[i]->ifname = name;
                break;
            }
            free(name);
        }
        if (!def->nets[i]->ifname)
            return qd_err_set(err, QD_ERR_INTERNAL_ERROR, QD_FROM_TEST,
                              "internal error: Exceeded max iface limit %d",
                              1024);
    }
    return 0;
}

int
qd_dom_def_check_name(const struct qd_dom_def *def, struct qd_err *err)
{
    const char *c;

    /* libvirt-compat: virXMLCheckIllegalChars("name", name, "\n") */
    if ((c = strchr(def->name, '\n')))
        return qd_err_set(err, QD_ERR_XML_DETAIL, QD_FROM_XML_,
                          "invalid char in name: %c", *c);
    return 0;
}

int
qd_dom_def_find_disk(const struct qd_dom_def *def, const char *dst)
{
    size_t i;

    for (i = 0; i < def->ndisks; i++) {
        if (def->disks[i]->dst && strcmp(def->disks[i]->dst, dst) == 0)
            return (int) i;
    }
    return -1;
}
