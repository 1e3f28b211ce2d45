/* Device parsers and printers shared by the domain_conf*.c files; not
 * for other modules. Parsers return a new device or NULL with @err set;
 * printers append the element at @indent spaces. */
#ifndef QD_CONF_DOMAIN_CONF_DEV_H
#define QD_CONF_DOMAIN_CONF_DEV_H

#include <libxml/tree.h>

#include "conf/domain_conf.h"
#include "util/buf.h"

extern const char *const qd_dom_addr_types[];
extern const char *const qd_dom_dev_kept[];

/* domain_conf_dev_parse.c */
struct qd_dom_disk *qd_dom_parse_disk(xmlNodePtr node, unsigned pflags,
                                      struct qd_err *err);
struct qd_dom_controller *qd_dom_parse_controller(xmlNodePtr node,
                                                  unsigned pflags,
                                                  struct qd_err *err);
struct qd_dom_net *qd_dom_parse_net(xmlNodePtr node, unsigned pflags,
                                    struct qd_err *err);

/* domain_conf_chr_parse.c, domain_conf_gfx_parse.c */
struct qd_dom_chr *qd_dom_parse_chr(xmlNodePtr node, unsigned pflags,
                                    struct qd_err *err);
struct qd_dom_input *qd_dom_parse_input(const struct qd_dom_def *def,
                                        xmlNodePtr node, unsigned pflags,
                                        struct qd_err *err);
struct qd_dom_graphics *qd_dom_parse_graphics(xmlNodePtr node,
                                              unsigned pflags,
                                              struct qd_err *err);
struct qd_dom_sound *qd_dom_parse_sound(xmlNodePtr node, unsigned pflags,
                                        struct qd_err *err);
struct qd_dom_video *qd_dom_parse_video(xmlNodePtr node, unsigned pflags,
                                        struct qd_err *err);
struct qd_dom_memballoon *qd_dom_parse_memballoon(xmlNodePtr node,
                                                  unsigned pflags,
                                                  struct qd_err *err);
/* virDomainChrSourceDefIsEqual */
bool qd_dom_chr_source_equal(const struct qd_dom_chr *a,
                             const struct qd_dom_chr *b);
/* A console/serial placeholder with no source (type pty). */
struct qd_dom_chr *qd_dom_chr_new_stub(const char *kind,
                                       const char *target_type);

/* domain_conf_devfmt.c */
void qd_dom_format_disk(struct qd_buf *b, const struct qd_dom_disk *d,
                        int indent, unsigned flags);
void qd_dom_format_controller(struct qd_buf *b,
                              const struct qd_dom_controller *c, int indent);
void qd_dom_format_net(struct qd_buf *b, const struct qd_dom_net *n,
                       int indent, unsigned flags);
void qd_dom_format_chr(struct qd_buf *b, const struct qd_dom_chr *c,
                       const char *kind, const char *target_type,
                       int port, int indent, unsigned flags);
void qd_dom_format_input(struct qd_buf *b, const struct qd_dom_input *in,
                         int indent);
void qd_dom_format_graphics(struct qd_buf *b,
                            const struct qd_dom_graphics *g, int indent,
                            unsigned flags);
void qd_dom_format_video(struct qd_buf *b, const struct qd_dom_video *v,
                         int indent);
void qd_dom_format_sound(struct qd_buf *b, const struct qd_dom_sound *s,
                         int indent);
void qd_dom_format_memballoon(struct qd_buf *b,
                              const struct qd_dom_memballoon *m, int indent);

#endif
