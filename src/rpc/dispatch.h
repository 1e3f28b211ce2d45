/* Call dispatch: program/procedure lookup, checks, decode, call, encode. */
#ifndef QD_RPC_DISPATCH_H
#define QD_RPC_DISPATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "rpc/msg.h"
#include "rpc/xdr.h"

struct qd_client;
struct qd_conn;
struct qd_err;
struct qd_stream;

/* What a handler sees of the call it serves. */
struct qd_call {
    struct qd_client *client;
    const struct qd_proc *proc;
    const struct qd_msg_header *hdr;
    struct qd_conn *conn;          /* NULL for QD_PROC_NOCONN procedures */
    struct qd_stream *stream;      /* opened by the handler (rpc/stream.h):
                                      started with the reply, or dropped
                                      if the call fails */
    bool sasl_switch;              /* the SASL layer starts after the reply */
};

typedef int (*qd_proc_handler)(struct qd_call *call, const void *args,
                               void *ret, struct qd_err *err);

enum {
    QD_PROC_PRIO = 1 << 0,    /* runs on the priority lane */
    QD_PROC_RO = 1 << 1,      /* allowed on a read-only connection */
    QD_PROC_NOCONN = 1 << 2,  /* allowed before CONNECT_OPEN (every ADMIN
                                 procedure: libvirtd binds an admin client
                                 to the daemon when it connects) */
    QD_PROC_NOAUTH = 1 << 3,  /* allowed before authentication (AUTH_*) */
};

struct qd_proc {
    int32_t num;
    const char *name;              /* libvirt's spelling, e.g. "DomainCreate" */
    const struct qd_xdr_type *args;
    const struct qd_xdr_type *ret;
    qd_proc_handler handler;
    unsigned flags;
    const char *api;               /* public API named in read-only errors */
    size_t slot;                   /* offsetof(struct qd_driver, op) for the
                                      generic handlers, else 0 */
};

struct qd_program {
    uint32_t prog;
    uint32_t vers;
    const struct qd_proc *procs;   /* sorted by num */
    size_t nprocs;
};

extern const struct qd_program qd_program_remote;
extern const struct qd_program qd_program_qemu;
extern const struct qd_program qd_program_admin;

/* Loop thread: is this call cheap enough for the priority lane? */
bool qd_dispatch_is_priority(const struct qd_client *c,
                             const struct qd_msg_header *h);
/* Worker: run the call in @m and return the reply to send (never NULL).
 * When the call succeeded and opened a stream, *@ret_stream is that
 * stream (to start with the reply), else NULL. */
struct qd_msg *qd_dispatch_call(struct qd_client *c, const struct qd_msg *m,
                                struct qd_stream **ret_stream);
/* The error domain of the public API @api's source file (libvirt-domain.c
 * reports VIR_FROM_DOMAIN, ...). */
int qd_dispatch_api_domain(const char *api);
const struct qd_proc *qd_program_find(const struct qd_program *p, int32_t num);

#endif
