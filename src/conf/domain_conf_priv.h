/* Internals shared by domain_conf*.c; not for other modules. */
#ifndef QD_CONF_DOMAIN_CONF_PRIV_H
#define QD_CONF_DOMAIN_CONF_PRIV_H

#include <libxml/parser.h>

#include "conf/domain_conf.h"
#include "util/buf.h"

/* Parse flags (subset of VIR_DOMAIN_DEF_PARSE_*). */
#define QD_DOM_PARSE_INACTIVE  1    /* define/create: drop live-only data */
#define QD_DOM_PARSE_SKIP_VALIDATE 2 /* skip the virDomainDefValidate checks
                                        (qd_dom_def_copy) */

/* Format flags beyond QD_DOM_XML_*: print live-only data without an id
 * attribute (used by qd_dom_def_copy). */
#define QD_DOM_FMT_LIVE_NO_ID  0x10000

/* virErrorDomain values not in util/err.h (see virterror.h) */
#define QD_FROM_XML_ 5              /* VIR_FROM_XML */
#define QD_FROM_CPU_ 31             /* VIR_FROM_CPU */
/* virErrorNumber values not in util/err.h */
#define QD_ERR_NO_NAME_ 21          /* VIR_ERR_NO_NAME */
#define QD_ERR_OVERFLOW_ 82         /* VIR_ERR_OVERFLOW */

/* Parse @xml like virXMLParseHelper: errors (code, domain 20, text) as
 * libvirt reports them, @docname naming the document ("(domain_definition)").
 * @blanks: keep whitespace-only text. Returns a doc or NULL. */
xmlDocPtr qd_dom_xml_read(const char *xml, const char *docname, bool blanks,
                          struct qd_err *err);

struct qd_dom_def *qd_dom_def_parse_flags(const char *xml, unsigned pflags,
                                          struct qd_err *err);
char *qd_dom_def_format_internal(const struct qd_dom_def *def, int id,
                                 unsigned flags);

/* --- string tables: NULL-terminated lists of the values libvirt knows */
int qd_dom_enum_index(const char *const *table, const char *s);
extern const char *const qd_dom_virt_types[];
extern const char *const qd_dom_os_types[];
extern const char *const qd_dom_archs[];

/* --- kept XML trees (domain_conf.c) */
struct qd_dom_xnode *qd_dom_xnode_new(const char *name);
void qd_dom_xnode_free(struct qd_dom_xnode *n);
struct qd_dom_xnode *qd_dom_xnode_copy(const struct qd_dom_xnode *n);
void qd_dom_xnode_set_attr(struct qd_dom_xnode *n, const char *name,
                           const char *value);
void qd_dom_xnode_del_attr(struct qd_dom_xnode *n, const char *name);
void qd_dom_xnode_add_kid(struct qd_dom_xnode *n, struct qd_dom_xnode *kid);
void qd_dom_xnode_del_kids(struct qd_dom_xnode *n, const char *name);
void qd_dom_xlist_add(struct qd_dom_xlist *l, struct qd_dom_xnode *n);
void qd_dom_xlist_clear(struct qd_dom_xlist *l);
void qd_dom_xlist_remove(struct qd_dom_xlist *l, const char *name);
void qd_dom_xattrs_free(struct qd_dom_xattr *a, size_t n);

/* --- device object lifetimes (domain_conf.c) */
void qd_dom_devinfo_clear(struct qd_dom_devinfo *info);
void qd_dom_disk_free(struct qd_dom_disk *d);
void qd_dom_controller_free(struct qd_dom_controller *c);
void qd_dom_net_free(struct qd_dom_net *n);
void qd_dom_chr_free(struct qd_dom_chr *c);
void qd_dom_input_free(struct qd_dom_input *i);
void qd_dom_graphics_free(struct qd_dom_graphics *g);
void qd_dom_video_free(struct qd_dom_video *v);
void qd_dom_sound_free(struct qd_dom_sound *s);
void qd_dom_memballoon_free(struct qd_dom_memballoon *m);

/* Append @item to the array *@arr of *@n pointers. */
#define QD_DOM_APPEND(arr, n, item)                                     \
    do {                                                                \
        (arr) = qd_realloc((arr), ((n) + 1) * sizeof(*(arr)));          \
        (arr)[(n)++] = (item);                                          \
    } while (0)

/* virErrorDomain VIR_FROM_DEVICE (device_conf.c) */
#define QD_FROM_DEVICE_ 49

/* ---- XML input helpers (domain_conf_xml.c) ----
 * They read a libxml2 tree the way libvirt's XPath lookups do: only
 * elements without a namespace match a name; a string value is the
 * concatenated text of the node, NULL when empty. Errors are reported
 * with the code, domain and text libvirt's virXMLProp* helpers use. */
#define QD_DOM_PROP_REQUIRED 1
#define QD_DOM_PROP_NONZERO  2
#define QD_DOM_PROP_NONNEG   4

/* First child element of @node called @name (no namespace), or NULL. */
xmlNodePtr qd_dom_xfirst(xmlNodePtr node, const char *name);
/* Next sibling element of @node with the same name as @node. */
xmlNodePtr qd_dom_xnext(xmlNodePtr node);
/* Number of child elements of @node called @name. */
size_t qd_dom_xcount(xmlNodePtr node, const char *name);
/* Text content of @node (NULL for an empty string). Heap string. */
char *qd_dom_xstring(xmlNodePtr node);
/* qd_dom_xstring() of the first child @name, NULL when absent. */
char *qd_dom_xchild_string(xmlNodePtr node, const char *name);
/* Attribute @name of @node (may be ""), or NULL. Heap string. */
char *qd_dom_xprop(xmlNodePtr node, const char *name);
/* Attribute @name of the first child @child of @node, or NULL. */
char *qd_dom_xchild_prop(xmlNodePtr node, const char *child,
                         const char *name);

/* virStrToLong_* semantics: whole string, optional leading blanks;
 * the "p" variants reject a minus sign. 0 or -1. */
int qd_dom_str_to_ui(const char *s, int base, unsigned int *ret);
int qd_dom_str_to_uip(const char *s, int base, unsigned int *ret);
int qd_dom_str_to_i(const char *s, int base, int *ret);
int qd_dom_str_to_ll(const char *s, int base, long long *ret);
int qd_dom_str_to_ull(const char *s, int base, unsigned long long *ret);
int qd_dom_str_to_ullp(const char *s, int base, unsigned long long *ret);

/* virXMLProp*: 1 found, 0 absent (@ret set to the default), -1 error. */
int qd_dom_prop_uint(xmlNodePtr node, const char *name, int base,
                     unsigned flags, unsigned int *ret, struct qd_err *err);
int qd_dom_prop_int(xmlNodePtr node, const char *name, int base,
                    unsigned flags, int *ret, int dflt, struct qd_err *err);
int qd_dom_prop_ull(xmlNodePtr node, const char *name, int base,
                    unsigned flags, unsigned long long *ret,
                    struct qd_err *err);
/* @ret is the index in @table, @dflt when absent. */
int qd_dom_prop_enum(xmlNodePtr node, const char *name,
                     const char *const *table, unsigned flags, int *ret,
                     int dflt, struct qd_err *err);
/* Like qd_dom_prop_enum() but hands back the canonical table string
 * (NULL when absent). */
int qd_dom_prop_enum_str(xmlNodePtr node, const char *name,
                         const char *const *table, unsigned flags,
                         char **ret, struct qd_err *err);
extern const char *const qd_dom_tristate_bool[];   /* absent yes no */
extern const char *const qd_dom_tristate_switch[]; /* absent on off */

/* virParseScaledValue on a value and unit: bytes * scale limited by
 * @max. 1 parsed, 0 @value NULL, -1 error. @what names the element in
 * messages ("./memory[1]"). */
int qd_dom_parse_scaled(const char *value, const char *unit,
                        const char *what, unsigned long long scale,
                        unsigned long long max, unsigned long long *ret,
                        struct qd_err *err);
/* virDomainParseMemory for the element @node (may be NULL): KiB. */
int qd_dom_parse_memory(xmlNodePtr node, const char *what, bool capped,
                        unsigned long long *ret, struct qd_err *err);

/* Kept trees from XML: the whole element (attributes in document order,
 * element children, text when there are no element children). */
struct qd_dom_xnode *qd_dom_xnode_from_xml(xmlNodePtr node);
/* A new node called @name with the attributes of @node listed in
 * @attrs (NULL-terminated), in that order, when present. */
struct qd_dom_xnode *qd_dom_xnode_pick(xmlNodePtr node, const char *name,
                                       const char *const *attrs);

/* virBitmapParse/virBitmapFormat for cpusets: canonical text of @s, or
 * NULL with @err set. */
char *qd_dom_bitmap_canon(const char *s, unsigned int maxbits,
                          bool *ret_empty, struct qd_err *err);

/* libvirt's virDiskNameToIndex: "vdb" -> 1, -1 when not a disk name. */
int qd_dom_disk_name_index(const char *name);

/* <features> into def->features, one normalized node per feature in
 * libvirt's order (domain_conf_features.c). */
int qd_dom_parse_features(struct qd_dom_def *def, xmlNodePtr root,
                          struct qd_err *err);

/* <cpu>, <clock>, lifecycle actions and the timer checks of
 * virDomainDefPostParseTimer (domain_conf_cpu_clock.c). */
int qd_dom_parse_cpu(struct qd_dom_def *def, xmlNodePtr root,
                     struct qd_err *err);
int qd_dom_parse_clock(struct qd_dom_def *def, xmlNodePtr root,
                       struct qd_err *err);
int qd_dom_parse_lifecycle(struct qd_dom_def *def, xmlNodePtr root,
                           struct qd_err *err);
int qd_dom_validate_timers(const struct qd_dom_def *def, struct qd_err *err);
/* Sum of the guest NUMA cell sizes (KiB), 0 without NUMA cells. */
unsigned long long qd_dom_numa_memory_kib(const struct qd_dom_def *def);

/* <seclabel>, <memtune>/<memoryBacking> and <numatune>, replacing the
 * kept trees in def->top_extra by libvirt's normalized form
 * (domain_conf_tunables.c). */
int qd_dom_parse_seclabels(struct qd_dom_def *def, xmlNodePtr root,
                           unsigned pflags, struct qd_err *err);
int qd_dom_parse_memtune(struct qd_dom_def *def, xmlNodePtr root,
                         struct qd_err *err);
int qd_dom_parse_numatune(struct qd_dom_def *def, xmlNodePtr root,
                          struct qd_err *err);

/* ---- devices (domain_conf_devices.c, domain_conf_postparse.c) */
#define QD_DOM_INFO_ALLOW_BOOT 1
#define QD_DOM_INFO_ALLOW_ROM  2
int qd_dom_parse_devinfo(xmlNodePtr node, unsigned pflags, unsigned allow,
                         struct qd_dom_devinfo *info, struct qd_err *err);
int qd_dom_parse_devices(struct qd_dom_def *def, xmlNodePtr devices,
                         unsigned pflags, struct qd_err *err);
/* Defaults and implicit devices added after parsing (postparse). */
int qd_dom_devices_postparse(struct qd_dom_def *def, unsigned pflags,
                             struct qd_err *err);
bool qd_dom_def_has_boot_order(const struct qd_dom_def *def);

/* ---- output (domain_conf_format.c, domain_conf_devfmt.c) */
void qd_dom_buf_indent(struct qd_buf *b, int indent);
void qd_dom_format_devinfo(struct qd_buf *b, const struct qd_dom_devinfo *info,
                           int indent, unsigned allow);
void qd_dom_format_devices(struct qd_buf *b, const struct qd_dom_def *def,
                           int indent, unsigned flags);

/* --- output helpers (domain_conf_format.c) */
/* Append @s escaped like virBufferEscapeString (quotes, <>&, drops
 * control characters). */
void qd_dom_buf_escape(struct qd_buf *b, const char *s);
/* Print the kept tree @n at @indent in libvirt's layout. */
void qd_dom_xnode_format(struct qd_buf *b, const struct qd_dom_xnode *n,
                         int indent);

#endif
