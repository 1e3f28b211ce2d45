/* Reading XML documents with libvirt's error reports (libxml2). */
#ifndef QD_UTIL_XML_H
#define QD_UTIL_XML_H

#include <stdbool.h>

#include <libxml/parser.h>

struct qd_err;

/* Parse @xml (NULL reads as "") as libvirt's virXMLParse does: no network,
 * no warnings, blank text nodes dropped unless @keep_blanks. A syntax
 * error is reported like libvirt's (code 35 XML_DETAIL, "at line N:
 * <libxml2 message><line>\n----^"), a document without root element as
 * "missing root element", both in error domain @domain. @url names the
 * document in messages. Returns a document the caller frees. */
xmlDocPtr qd_xml_read(const char *xml, const char *url, bool keep_blanks,
                      int domain, struct qd_err *err);

#endif
