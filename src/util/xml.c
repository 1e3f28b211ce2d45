/* Reading XML documents with libvirt's error reports. */
#include "util/xml.h"

#include <stdlib.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/mem.h"

struct xml_catch {
    char *message;
};

/* libxml2 structured error callback: keep the first fatal error, with
 * the offending line and a pointer under the column (virxml.c's
 * catchXMLError layout). */
static void
xml_catch_error(void *data, xmlErrorPtr e)
{
    xmlParserCtxtPtr pctxt = data;
    struct xml_catch *c = pctxt->_private;
    const xmlChar *cur, *base;
    struct qd_buf ctx = { 0 }, ptr = { 0 };
    _cleanup_free_ char *ctxstr = NULL;
    _cleanup_free_ char *ptrstr = NULL;
    size_t col, n;

    if (c->message || !pctxt->input || e->level != XML_ERR_FATAL ||
        !e->message)
        return;

    cur = pctxt->input->cur;
    base = pctxt->input->base;
    while (cur > base && (*cur == '\n' || *cur == '\r'))
        cur--;
    while (cur > base && *cur != '\n' && *cur != '\r')
        cur--;
    if (*cur == '\n' || *cur == '\r')
        cur++;
    col = (size_t) (pctxt->input->cur - cur);
    while (*cur && *cur != '\n' && *cur != '\r')
        qd_buf_append(&ctx, cur++, 1);
    if (ctx.len) {
        ctxstr = qd_buf_steal_str(&ctx);
        for (n = 0; n < col && ctxstr[n]; n++)
            qd_buf_append(&ptr, ctxstr[n] == '\t' ? "\t" : "-", 1);
    }
    qd_buf_append(&ptr, "^", 1);
    ptrstr = qd_buf_steal_str(&ptr);

    /* libvirt-compat: an empty context line prints as "(null)" */
    if (e->file)
        c->message = qd_asprintf("%s:%d: %s%s\n%s", e->file, e->line,
                                 e->message, ctxstr ? ctxstr : "(null)",
                                 ptrstr);
    else
        c->message = qd_asprintf("at line %d: %s%s\n%s", e->line,
                                 e->message, ctxstr ? ctxstr : "(null)",
                                 ptrstr);
}

xmlDocPtr
qd_xml_read(const char *xml, const char *url, bool keep_blanks, int domain,
            struct qd_err *err)
{
    xmlParserCtxtPtr pctxt;
    struct xml_catch c = { NULL };
    xmlDocPtr doc;
    int opts = XML_PARSE_NONET | XML_PARSE_NOWARNING;

    if (!keep_blanks)
        opts |= XML_PARSE_NOBLANKS;
    if (!(pctxt = xmlNewParserCtxt()) || !pctxt->sax)
        abort();
    pctxt->_private = &c;
    pctxt->sax->serror = xml_catch_error;
    doc = xmlCtxtReadDoc(pctxt, (const xmlChar *) (xml ? xml : ""), url,
                         NULL, opts);
    xmlFreeParserCtxt(pctxt);

    if (!doc) {
        if (c.message) {
            qd_err_set(err, QD_ERR_XML_DETAIL, domain, "%s", c.message);
            free(c.message);
            return NULL;
        }
        qd_err_report(err, QD_ERR_XML_ERROR, domain,
                      "failed to parse xml document '%s'", url);
        return NULL;
    }
    free(c.message);
    if (!xmlDocGetRootElement(doc)) {
        xmlFreeDoc(doc);
        qd_err_report(err, QD_ERR_INTERNAL_ERROR, domain,
                      "missing root element");
        return NULL;
    }
    return doc;
}
