/* TLS for the network listeners (GnuTLS): the server's credentials and
 * one session per client, driven non-blocking by the loop thread.
 *
 * A context holds the credentials read from key_file/cert_file/ca_file/
 * crl_file and the client-certificate rules; it is immutable and
 * reference-counted, so a credentials reload builds a new one while
 * sessions made from the old one finish with it. A session belongs to
 * the loop thread. */
#ifndef QD_RPC_TLS_H
#define QD_RPC_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct qd_err;
struct qd_tls_ctx;
struct qd_tls;

struct qd_tls_config {
    const char *key_file, *cert_file, *ca_file;
    const char *crl_file;             /* a missing file means no CRL */
    bool no_verify_certificate;       /* client certificates optional and
                                         not checked */
    bool no_sanity_certificate;       /* skip the checks of our own cert */
    char *const *allowed_dn_list;     /* NULL: any DN; empty: nobody */
    const char *priority;             /* NULL: "NORMAL" */
};

/* Any thread: load and check the credentials (copies @cfg). Errors name
 * the file and what is wrong with it, as libvirtd's do. */
struct qd_tls_ctx *qd_tls_ctx_new(const struct qd_tls_config *cfg,
                                  struct qd_err *err);
/* A new context from the same settings, the files read again. */
struct qd_tls_ctx *qd_tls_ctx_reload(const struct qd_tls_ctx *old,
                                     struct qd_err *err);
struct qd_tls_ctx *qd_tls_ctx_ref(struct qd_tls_ctx *ctx);
struct qd_tls_ctx *qd_tls_ctx_unref(struct qd_tls_ctx *ctx);  /* NULL */

/* Loop thread: a server session on the non-blocking socket @fd (not
 * taken: the caller closes it after qd_tls_free). Holds a ref on @ctx. */
struct qd_tls *qd_tls_new(struct qd_tls_ctx *ctx, int fd, struct qd_err *err);
void qd_tls_free(struct qd_tls *t);

/* One handshake step: 0 done, 1 in progress (wait for readable, or
 * writable when qd_tls_wants_write()), -1 failed with @err set. */
int qd_tls_handshake(struct qd_tls *t, struct qd_err *err);
bool qd_tls_wants_write(const struct qd_tls *t);

/* After the handshake: check the client's certificate against the
 * context's rules (CA, validity dates, revocation, allowed DNs) as
 * libvirtd's virNetTLSContextCheckCertificate does, with its messages.
 * 0 accepted, -1 refused with @err set. */
int qd_tls_check_peer(struct qd_tls *t, struct qd_err *err);

/* Record I/O with read(2)/write(2) conventions: >= 0 bytes (0 from read:
 * orderly end), -1 with errno set (EAGAIN: try again when the socket is
 * ready; qd_tls_wants_write() says which way). A write that returned
 * EAGAIN must be repeated with the same data. */
ssize_t qd_tls_read(struct qd_tls *t, void *buf, size_t len);
ssize_t qd_tls_write(struct qd_tls *t, const void *buf, size_t len);
/* Decrypted bytes already buffered in the session (epoll will not tell). */
size_t qd_tls_pending(const struct qd_tls *t);

/* The cipher's key size in bytes (libvirt gives SASL this * 8). */
int qd_tls_key_size(const struct qd_tls *t);
/* The client certificate's subject DN as virt-pki-query-dn prints it, or
 * NULL when the client sent none. Valid while @t lives. */
const char *qd_tls_peer_dn(const struct qd_tls *t);

#endif
