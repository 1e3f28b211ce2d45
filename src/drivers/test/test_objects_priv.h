/* Helpers shared by test_objects.c, test_network.c, test_storage.c and
 * test_host.c. Not for use outside src/drivers/test. */
#ifndef QD_DRIVERS_TEST_TEST_OBJECTS_PRIV_H
#define QD_DRIVERS_TEST_TEST_OBJECTS_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "drivers/driver.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/uuid.h"

/* virErrorNumber / virErrorDomain values err.h does not name. */
enum {
    QD_TEST_ERR_NO_NAME = 21,               /* VIR_ERR_NO_NAME */
    QD_TEST_ERR_MULTIPLE_INTERFACES = 59,   /* VIR_ERR_MULTIPLE_INTERFACES */
    QD_TEST_ERR_OVERFLOW = 82,              /* VIR_ERR_OVERFLOW */
    QD_TEST_FROM_XML = 5,                   /* VIR_FROM_XML */
};

/* The one lock of the mutable objects (networks, pools, volumes; the
 * interfaces and node devices are constant). Leaf lock: nothing else is
 * taken while it is held. */
void qd_test_objects_lock(void);
void qd_test_objects_unlock(void);

/* Per-kind setup/teardown, called by qd_test_objects_init/fini with the
 * lock held. */
int qd_test_network_setup_locked(struct qd_err *err);
void qd_test_network_teardown_locked(void);
int qd_test_storage_setup_locked(struct qd_err *err);
void qd_test_storage_teardown_locked(void);

/* libvirt-compat: virCheckFlags. 0 if @flags has no bit outside
 * @allowed, else -1 with "unsupported flags (0x..) in function @func"
 * (code 8, test driver domain). */
int qd_test_check_flags(unsigned flags, unsigned allowed, const char *func,
                        struct qd_err *err);

/* A parsed document and an XPath context whose node is the root. */
struct qd_test_xml {
    xmlDocPtr doc;
    xmlXPathContextPtr ctxt;
};

/* Parses @xml like libvirt's virXMLParse: a syntax error is reported as
 * code 35 in @domain with libvirt's "<url>:<line>: <msg><context>\n<^>"
 * text; a root other than @root as code 27 (XML domain). */
int qd_test_xml_parse(const char *xml, const char *url, const char *root,
                      int domain, struct qd_test_xml *ret,
                      struct qd_err *err);
void qd_test_xml_free(struct qd_test_xml *x);

/* XPath string value of @expr evaluated at @node (the context node when
 * NULL); NULL when it is empty, like virXPathString. Heap string. */
char *qd_test_xpath_string(struct qd_test_xml *x, xmlNodePtr node,
                           const char *expr);
/* First node matching @expr at @node, or NULL. */
xmlNodePtr qd_test_xpath_node(struct qd_test_xml *x, xmlNodePtr node,
                              const char *expr);
/* All nodes matching @expr at @node: heap array (free it), count. */
size_t qd_test_xpath_nodes(struct qd_test_xml *x, xmlNodePtr node,
                           const char *expr, xmlNodePtr **ret);
/* Attribute @name of @node as a heap string, NULL if absent. */
char *qd_test_xml_prop(xmlNodePtr node, const char *name);

/* Appends @s with libvirt's XML escaping (virBufferEscapeString):
 * &<>"' become entities, other control characters are dropped. */
void qd_test_buf_escape(struct qd_buf *b, const char *s);
/* Appends @indent spaces. */
void qd_test_buf_indent(struct qd_buf *b, int indent);

/* Gives @l a zeroed heap array of @n items of @item_size (never NULL). */
void qd_test_list_init(struct qd_list *l, size_t n, size_t item_size);

#endif
