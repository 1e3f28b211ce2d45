/* SASL authentication (cyrus-sasl), service "libvirt" as in libvirtd, so
 * /etc/sasl2/libvirt.conf and a database made with saslpasswd2 -a libvirt
 * work unchanged (SASL_CONF_PATH is honoured by cyrus-sasl itself).
 *
 * A session is created and stepped by the worker running the client's
 * AUTH_SASL_* calls (one at a time per client); once authentication is
 * complete and a security layer was negotiated, it passes to the loop
 * thread, which alone encodes and decodes the traffic from then on. */
#ifndef QD_RPC_SASL_H
#define QD_RPC_SASL_H

#include <stdbool.h>
#include <stddef.h>

struct qd_err;
struct qd_buf;
struct qd_sasl;

/* Once, before any session (main thread). */
int qd_sasl_global_init(struct qd_err *err);

/* @local_addr/@remote_addr: "IP;port" as cyrus-sasl wants them, or NULL
 * (UNIX sockets). */
struct qd_sasl *qd_sasl_new(const char *local_addr, const char *remote_addr,
                            struct qd_err *err);
void qd_sasl_free(struct qd_sasl *s);

/* The TLS layer's strength in bits (SASL_SSF_EXTERNAL). */
int qd_sasl_set_ext_ssf(struct qd_sasl *s, int ssf, struct qd_err *err);
/* Security properties: the SSF range, and whether anonymous mechanisms
 * are allowed (libvirt: 0,0,true on TLS/UNIX; tcp_min_ssf,100000,false on
 * plain TCP). */
int qd_sasl_set_secprops(struct qd_sasl *s, int min_ssf, int max_ssf,
                         bool allow_anonymous, struct qd_err *err);
/* The mechanisms on offer, comma separated (malloc'd). */
char *qd_sasl_mechlist(struct qd_sasl *s, struct qd_err *err);

/* Start with @mech / continue the exchange. @in NULL means "no data" (the
 * wire's nil flag), distinct from empty. Returns 0 complete, 1 continue,
 * -1 failed (@err set). *@out (NULL: nil) stays valid until the next
 * call on @s. */
int qd_sasl_start(struct qd_sasl *s, const char *mech, const char *in,
                  size_t inlen, const char **out, size_t *outlen,
                  struct qd_err *err);
int qd_sasl_step(struct qd_sasl *s, const char *in, size_t inlen,
                 const char **out, size_t *outlen, struct qd_err *err);

/* After completion: the negotiated SSF (0: no security layer) and the
 * authenticated user name (valid while @s lives). */
int qd_sasl_ssf(struct qd_sasl *s, struct qd_err *err);
const char *qd_sasl_identity(struct qd_sasl *s);
/* Whether @identity may connect: @list NULL allows anyone, else a glob
 * (fnmatch) in @list must match; an empty list allows nobody. */
bool qd_sasl_identity_allowed(char *const *list, const char *identity);

/* The security layer, loop thread only: append the encoding of @len bytes
 * at @in to @out (split in pieces the layer accepts) / append the
 * plaintext decoded from @len received bytes (which may hold partial
 * packets; the rest is kept in @s). 0, or -1 with @err set. */
int qd_sasl_encode(struct qd_sasl *s, const void *in, size_t len,
                   struct qd_buf *out, struct qd_err *err);
int qd_sasl_decode(struct qd_sasl *s, const void *in, size_t len,
                   struct qd_buf *out, struct qd_err *err);

#endif
