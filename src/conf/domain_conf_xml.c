/* Domain XML input helpers: parsing a document with libvirt's error
 * reports, reading elements and attributes the way libvirt's XPath and
 * virXMLProp* helpers do, numbers, scaled sizes, cpusets, kept trees. */
#include "conf/domain_conf.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <string.h>

#include <libxml/tree.h>

#include "conf/domain_conf_priv.h"
#include "util/xml.h"
#include "util/mem.h"

const char *const qd_dom_tristate_bool[] = { "absent", "yes", "no", NULL };
const char *const qd_dom_tristate_switch[] = { "absent", "on", "off", NULL };

/* ---- reading a document ---- */

xmlDocPtr
qd_dom_xml_read(const char *xml, const char *docname, bool blanks,
                struct qd_err *err)
{
    return qd_xml_read(xml, docname, blanks, QD_FROM_DOMAIN, err);
}

/* ---- elements and attributes ---- */

static bool
xname_is(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && !n->ns &&
           strcmp((const char *) n->name, name) == 0;
}

xmlNodePtr
qd_dom_xfirst(xmlNodePtr node, const char *name)
{
    xmlNodePtr cur;

    if (!node)
        return NULL;
    for (cur = node->children; cur; cur = cur->next) {
        if (xname_is(cur, name))
            return cur;
    }
    return NULL;
}

xmlNodePtr
qd_dom_xnext(xmlNodePtr node)
{
    xmlNodePtr cur;

    for (cur = node->next; cur; cur = cur->next) {
        if (xname_is(cur, (const char *) node->name))
            return cur;
    }
    return NULL;
}

size_t
qd_dom_xcount(xmlNodePtr node, const char *name)
{
    xmlNodePtr cur;
    size_t n = 0;

    for (cur = qd_dom_xfirst(node, name); cur; cur = qd_dom_xnext(cur))
        n++;
    return n;
}

char *
qd_dom_xstring(xmlNodePtr node)
{
    xmlChar *s;
    char *ret = NULL;

    if (!node || !(s = xmlNodeGetContent(node)))
        return NULL;
    if (*s)
        ret = qd_strdup((const char *) s);
    xmlFree(s);
    return ret;
}

char *
qd_dom_xchild_string(xmlNodePtr node, const char *name)
{
    return qd_dom_xstring(qd_dom_xfirst(node, name));
}

char *
qd_dom_xprop(xmlNodePtr node, const char *name)
{
    xmlChar *s;
    char *ret;

    if (!node || !(s = xmlGetProp(node, (const xmlChar *) name)))
        return NULL;
    ret = qd_strdup((const char *) s);
    xmlFree(s);
    return ret;
}

char *
qd_dom_xchild_prop(xmlNodePtr node, const char *child, const char *name)
{
    return qd_dom_xprop(qd_dom_xfirst(node, child), name);
}

/* ---- numbers ---- */

static int
str_to_ull_common(const char *s, int base, bool positive,
                  unsigned long long *ret)
{
    char *end;
    unsigned long long v;

    if (!s)
        return -1;
    errno = 0;
    v = strtoull(s, &end, base);
    if (errno || end == s || *end)
        return -1;
    if (positive && memchr(s, '-', (size_t) (end - s)))
        return -1;
    *ret = v;
    return 0;
}

int
qd_dom_str_to_ull(const char *s, int base, unsigned long long *ret)
{
    return str_to_ull_common(s, base, false, ret);
}

int
qd_dom_str_to_ullp(const char *s, int base, unsigned long long *ret)
{
    return str_to_ull_common(s, base, true, ret);
}

int
qd_dom_str_to_ui(const char *s, int base, unsigned int *ret)
{
    char *end;
    unsigned long v;

    if (!s)
        return -1;
    errno = 0;
    v = strtoul(s, &end, base);
    if (errno || end == s || *end)
        return -1;
    /* libvirt-compat: "-1" means UINT_MAX, larger negatives fail */
    if (memchr(s, '-', (size_t) (end - s))) {
        if (-v > UINT_MAX)
            return -1;
        v &= UINT_MAX;
    }
    if (v > UINT_MAX)
        return -1;
    *ret = (unsigned int) v;
    return 0;
}

int
qd_dom_str_to_uip(const char *s, int base, unsigned int *ret)
{
    unsigned long long v;

    if (str_to_ull_common(s, base, true, &v) < 0 || v > UINT_MAX)
        return -1;
    *ret = (unsigned int) v;
    return 0;
}

int
qd_dom_str_to_ll(const char *s, int base, long long *ret)
{
    char *end;
    long long v;

    if (!s)
        return -1;
    errno = 0;
    v = strtoll(s, &end, base);
    if (errno || end == s || *end)
        return -1;
    *ret = v;
    return 0;
}

int
qd_dom_str_to_i(const char *s, int base, int *ret)
{
    long long v;

    if (qd_dom_str_to_ll(s, base, &v) < 0 || v < INT_MIN || v > INT_MAX)
        return -1;
    *ret = (int) v;
    return 0;
}

/* ---- attributes with libvirt's virXMLProp* errors (VIR_FROM_XML) ---- */

static int
prop_missing(xmlNodePtr node, const char *name, unsigned flags,
             struct qd_err *err)
{
    if (!(flags & QD_DOM_PROP_REQUIRED))
        return 0;
    return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_XML_,
                         "Missing required attribute '%s' in element '%s'",
                         name, (const char *) node->name);
}

static int
prop_zero(xmlNodePtr node, const char *name, struct qd_err *err)
{
    return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_XML_,
                         "Invalid value for attribute '%s' in element '%s': "
                         "Zero is not permitted",
                         name, (const char *) node->name);
}

int
qd_dom_prop_uint(xmlNodePtr node, const char *name, int base,
                 unsigned flags, unsigned int *ret, struct qd_err *err)
{
    _cleanup_free_ char *s = qd_dom_xprop(node, name);
    unsigned int v;

    *ret = 0;
    if (!s)
        return prop_missing(node, name, flags, err);
    if (qd_dom_str_to_uip(s, base, &v) < 0)
        return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_XML_,
                             "Invalid value for attribute '%s' in element "
                             "'%s': '%s'. Expected non-negative integer "
                             "value", name, (const char *) node->name, s);
    if ((flags & QD_DOM_PROP_NONZERO) && v == 0)
        return prop_zero(node, name, err);
    *ret = v;
    return 1;
}

int
qd_dom_prop_int(xmlNodePtr node, const char *name, int base,
                unsigned flags, int *ret, int dflt, struct qd_err *err)
{
    _cleanup_free_ char *s = qd_dom_xprop(node, name);
    int v;

    *ret = dflt;
    if (!s)
        return prop_missing(node, name, flags, err);
    if (qd_dom_str_to_i(s, base, &v) < 0)
        return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_XML_,
                             "Invalid value for attribute '%s' in element "
                             "'%s': '%s'. Expected integer value",
                             name, (const char *) node->name, s);
    if ((flags & QD_DOM_PROP_NONNEG) && v < 0)
        return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_XML_,
                             "Invalid value for attribute '%s' in element "
                             "'%s': '%s'. Expected non-negative value",
                             name, (const char *) node->name, s);
    if ((flags & QD_DOM_PROP_NONZERO) && v == 0)
        return prop_zero(node, name, err);
    *ret = v;
    return 1;
}

int
qd_dom_prop_ull(xmlNodePtr node, const char *name, int base,
                unsigned flags, unsigned long long *ret, struct qd_err *err)
{
    _cleanup_free_ char *s = qd_dom_xprop(node, name);
    unsigned long long v;

    *ret = 0;
    if (!s)
        return prop_missing(node, name, flags, err);
    if (qd_dom_str_to_ullp(s, base, &v) < 0)
        return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_XML_,
                             "Invalid value for attribute '%s' in element "
                             "'%s': '%s'. Expected non-negative integer "
                             "value", name, (const char *) node->name, s);
    if ((flags & QD_DOM_PROP_NONZERO) && v == 0)
        return prop_zero(node, name, err);
    *ret = v;
    return 1;
}

int
qd_dom_prop_enum(xmlNodePtr node, const char *name,
                 const char *const *table, unsigned flags, int *ret,
                 int dflt, struct qd_err *err)
{
    _cleanup_free_ char *s = qd_dom_xprop(node, name);
    int v;

    *ret = dflt;
    if (!s)
        return prop_missing(node, name, flags, err);
    v = qd_dom_enum_index(table, s);
    if (v < 0 || ((flags & QD_DOM_PROP_NONZERO) && v == 0))
        return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_XML_,
                             "Invalid value for attribute '%s' in element "
                             "'%s': '%s'.", name, (const char *) node->name,
                             s);
    *ret = v;
    return 1;
}

int
qd_dom_prop_enum_str(xmlNodePtr node, const char *name,
                     const char *const *table, unsigned flags, char **ret,
                     struct qd_err *err)
{
    int v, rc;

    *ret = NULL;
    if ((rc = qd_dom_prop_enum(node, name, table, flags, &v, -1, err)) <= 0)
        return rc;
    *ret = qd_strdup(table[v]);
    return 1;
}

/* ---- scaled sizes ---- */

static int
scale_integer(unsigned long long *value, const char *suffix,
              unsigned long long scale, unsigned long long limit,
              struct qd_err *err)
{
    if (!suffix || !*suffix) {
        suffix = "";
    } else if (strcasecmp(suffix, "b") == 0 ||
               strcasecmp(suffix, "byte") == 0 ||
               strcasecmp(suffix, "bytes") == 0) {
        scale = 1;
    } else {
        unsigned long long base;

        if (!suffix[1] || strcasecmp(suffix + 1, "iB") == 0)
            base = 1024;
        else if (tolower((unsigned char) suffix[1]) == 'b' && !suffix[2])
            base = 1000;
        else
            return qd_err_report(err, QD_ERR_INVALID_ARG, QD_FROM_NONE,
                                 "unknown suffix '%s'", suffix);
        scale = 1;
        switch (tolower((unsigned char) *suffix)) {
        case 'e':
            scale *= base;
            /* fallthrough */
        case 'p':
            scale *= base;
            /* fallthrough */
        case 't':
            scale *= base;
            /* fallthrough */
        case 'g':
            scale *= base;
            /* fallthrough */
        case 'm':
            scale *= base;
            /* fallthrough */
        case 'k':
            scale *= base;
            break;
        default:
            return qd_err_report(err, QD_ERR_INVALID_ARG, QD_FROM_NONE,
                                 "unknown suffix '%s'", suffix);
        }
    }
    if (*value && *value > limit / scale)
        return qd_err_report(err, QD_ERR_OVERFLOW_, QD_FROM_NONE,
                             "value too large: %llu%s", *value, suffix);
    *value *= scale;
    return 0;
}

int
qd_dom_parse_scaled(const char *value, const char *unit, const char *what,
                    unsigned long long scale, unsigned long long max,
                    unsigned long long *ret, struct qd_err *err)
{
    unsigned long long v;

    *ret = 0;
    if (!value)
        return 0;
    if (qd_dom_str_to_ullp(value, 10, &v) < 0)
        return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_XML_,
                             "Invalid value '%s' for element or attribute "
                             "'%s'", value, what);
    if (scale_integer(&v, unit, scale, max, err) < 0)
        return -1;
    *ret = v;
    return 1;
}

int
qd_dom_parse_memory(xmlNodePtr node, const char *what, bool capped,
                    unsigned long long *ret, struct qd_err *err)
{
    _cleanup_free_ char *value = qd_dom_xstring(node);
    _cleanup_free_ char *unit = qd_dom_xprop(node, "unit");
    unsigned long long bytes, max = LLONG_MAX;

    (void) capped;      /* 64-bit: capped and uncapped limits agree */
    *ret = 0;
    if (unit && !*unit) {
        free(unit);
        unit = NULL;
    }
    if (qd_dom_parse_scaled(value, unit, what, 1024, max, &bytes, err) < 0)
        return -1;
    *ret = bytes / 1024 + (bytes % 1024 ? 1 : 0);
    if (*ret >= max / 1024 + (max % 1024 ? 1 : 0))
        return qd_err_report(err, QD_ERR_OVERFLOW_, QD_FROM_DOMAIN,
                             "size value too large");
    return 0;
}

/* ---- kept trees ---- */

struct qd_dom_xnode *
qd_dom_xnode_from_xml(xmlNodePtr node)
{
    struct qd_dom_xnode *n = qd_dom_xnode_new((const char *) node->name);
    xmlAttrPtr a;
    xmlNodePtr cur;
    bool kids = false;

    for (a = node->properties; a; a = a->next) {
        xmlChar *v = xmlNodeGetContent((xmlNodePtr) a);

        qd_dom_xnode_set_attr(n, (const char *) a->name,
                              v ? (const char *) v : "");
        xmlFree(v);
    }
    for (cur = node->children; cur; cur = cur->next) {
        if (cur->type == XML_ELEMENT_NODE && !cur->ns) {
            qd_dom_xnode_add_kid(n, qd_dom_xnode_from_xml(cur));
            kids = true;
        }
    }
    /* whitespace-only text is layout, not content */
    if (!kids && (n->text = qd_dom_xstring(node)) &&
        !n->text[strspn(n->text, " \t\r\n")]) {
        free(n->text);
        n->text = NULL;
    }
    return n;
}

struct qd_dom_xnode *
qd_dom_xnode_pick(xmlNodePtr node, const char *name,
                  const char *const *attrs)
{
    struct qd_dom_xnode *n = qd_dom_xnode_new(name);
    size_t i;

    for (i = 0; attrs[i]; i++) {
        _cleanup_free_ char *v = qd_dom_xprop(node, attrs[i]);

        if (v)
            qd_dom_xnode_set_attr(n, attrs[i], v);
    }
    return n;
}

/* ---- cpusets ---- */

static const char *
skip_blanks(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    return p;
}

static int
read_bit(const char **pp, unsigned int *ret)
{
    const char *p = *pp;
    unsigned long v = 0;

    if (!isdigit((unsigned char) *p))
        return -1;
    while (isdigit((unsigned char) *p)) {
        v = v * 10 + (unsigned long) (*p - '0');
        if (v > UINT_MAX)
            return -1;
        p++;
    }
    *pp = p;
    *ret = (unsigned int) v;
    return 0;
}

char *
qd_dom_bitmap_canon(const char *s, unsigned int maxbits, bool *ret_empty,
                    struct qd_err *err)
{
    unsigned char *bits = qd_calloc(maxbits, 1);
    const char *p = s;
    struct qd_buf b = { 0 };
    unsigned int i, start;
    bool any = false;

    p = skip_blanks(p);
    if (!*p)
        goto bad;
    while (*p) {
        bool neg = false;
        unsigned int lo, hi;

        if (*p == '^') {
            neg = true;
            p++;
        }
        if (read_bit(&p, &lo) < 0 || lo >= maxbits)
            goto bad;
        hi = lo;
        p = skip_blanks(p);
        if (*p == '-') {
            if (neg)
                goto bad;
            p = skip_blanks(p + 1);
            if (read_bit(&p, &hi) < 0 || hi >= maxbits || hi < lo)
                goto bad;
            p = skip_blanks(p);
        }
        for (i = lo; i <= hi; i++)
            bits[i] = !neg;
        if (*p == ',') {
            p = skip_blanks(p + 1);
            if (!*p)
                goto bad;
        } else if (*p) {
            goto bad;
        }
    }
    for (i = 0; i < maxbits; i++) {
        if (!bits[i])
            continue;
        start = i;
        while (i + 1 < maxbits && bits[i + 1])
            i++;
        if (any)
            qd_buf_puts(&b, ",");
        if (start == i)
            qd_buf_printf(&b, "%u", start);
        else
            qd_buf_printf(&b, "%u-%u", start, i);
        any = true;
    }
    free(bits);
    *ret_empty = !any;
    if (!any)
        return qd_strdup("");
    return qd_buf_steal_str(&b);

 bad:
    free(bits);
    qd_err_report(err, QD_ERR_INVALID_ARG, QD_FROM_NONE,
                  "Failed to parse bitmap '%s'", s);
    return NULL;
}

/* ---- disk names ---- */

int
qd_dom_disk_name_index(const char *name)
{
    static const char *const prefixes[] = {
        "fd", "hd", "vd", "sd", "xvd", "ubd", NULL
    };
    const char *p = NULL;
    int idx = 0;
    size_t i;

    if (!name)
        return -1;
    for (i = 0; prefixes[i]; i++) {
        if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0) {
            p = name + strlen(prefixes[i]);
            break;
        }
    }
    if (!p || !islower((unsigned char) *p))
        return -1;
    for (i = 0; *p && islower((unsigned char) *p); i++, p++) {
        /* libvirt's virDiskNameParse overflows here; refuse instead */
        if (idx > (INT_MAX - 25) / 26 - 1)
            return -1;
        idx = (idx + (i < 1 ? 0 : 1)) * 26;
        idx += *p - 'a';
    }
    if (p[strspn(p, "0123456789")] != '\0')
        return -1;
    return idx;
}
