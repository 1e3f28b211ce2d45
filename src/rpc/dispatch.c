/* Call dispatch, run by workers: find the procedure, check the
 * connection and read-only rules, decode, call, encode the reply. */
#define QD_LOG_MODULE "rpc.dispatch"

#include "rpc/dispatch.h"

#include <stdlib.h>
#include <string.h>

#include "rpc/client.h"
#include "rpc/stream.h"
#include "rpc/wire.h"
#include "util/err.h"
#include "util/log.h"
#include "util/mem.h"

const struct qd_proc *
qd_program_find(const struct qd_program *p, int32_t num)
{
    size_t lo = 0, hi = p->nprocs;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;

        if (p->procs[mid].num == num)
            return &p->procs[mid];
        if (p->procs[mid].num < num)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static const struct qd_program *
find_program(const struct qd_client *c, uint32_t prog, uint32_t vers)
{
    /* the admin socket serves only ADMIN, the others never do */
    if (c->admin)
        return prog == qd_program_admin.prog && vers == qd_program_admin.vers ?
               &qd_program_admin : NULL;
    if (prog == qd_program_remote.prog && vers == qd_program_remote.vers)
        return &qd_program_remote;
    if (prog == qd_program_qemu.prog && vers == qd_program_qemu.vers)
        return &qd_program_qemu;
    return NULL;
}

bool
qd_dispatch_is_priority(const struct qd_client *c,
                        const struct qd_msg_header *h)
{
    const struct qd_program *p = find_program(c, h->prog, h->vers);
    const struct qd_proc *proc;

    if (!p)
        return true;          /* an error reply: cheap */
    proc = qd_program_find(p, h->proc);
    return !proc || (proc->flags & QD_PROC_PRIO);
}

/* The error domain libvirt reports for a check in public API @api: the
 * VIR_FROM_THIS of the file defining it (libvirt-domain.c and
 * libvirt-host.c say VIR_FROM_DOMAIN, libvirt-network.c VIR_FROM_NETWORK,
 * ..., libvirt-qemu.c VIR_FROM_NONE). */
int
qd_dispatch_api_domain(const char *api)
{
    static const struct { const char *word; int domain; } map[] = {
        { "Secret", QD_FROM_SECRET },
        { "NWFilter", QD_FROM_NWFILTER },
        { "Network", QD_FROM_NETWORK },
        { "Storage", QD_FROM_STORAGE },
        { "NodeDevice", QD_FROM_NODEDEV },
        { "Interface", QD_FROM_INTERFACE },
    };
    size_t i;

    if (strncmp(api, "virDomainQemu", 13) == 0 ||
        strncmp(api, "virConnectDomainQemu", 20) == 0)
        return QD_FROM_NONE;
    if (strncmp(api, "virDomain", 9) == 0)
        return QD_FROM_DOMAIN;
    for (i = 0; i < QD_ARRAY_SIZE(map); i++)
        if (strstr(api, map[i].word))
            return map[i].domain;
    return QD_FROM_DOMAIN;
}

/* Runs the procedure; fills @reply's payload on success and hands over
 * the stream the handler opened, if any, in *@ret_stream. */
static int
run_call(struct qd_client *c, const struct qd_msg *m, struct qd_msg *reply,
         struct qd_stream **ret_stream, struct qd_err *err)
{
    const struct qd_msg_header *h = &m->hdr;
    const struct qd_program *prog;
    const struct qd_proc *proc;
    struct qd_call call = { .client = c, .hdr = h };

    struct qd_xdr_dec dec;
    void *args = NULL, *ret = NULL;
    bool readonly, authenticated;
    int rc = -1;

    if (h->status != QD_STATUS_OK)
        return qd_err_report(err, QD_ERR_RPC, QD_FROM_RPC,
                             "Unexpected message status %u", h->status);
    if (!(prog = find_program(c, h->prog, h->vers)))
        return qd_err_report(err, QD_ERR_RPC, QD_FROM_RPC,
                             "Cannot find program %d version %d",
                             (int) h->prog, (int) h->vers);
    if (!(proc = qd_program_find(prog, h->proc)))
        return qd_err_report(err, QD_ERR_RPC, QD_FROM_RPC,
                             "unknown procedure: %d", h->proc);
    if (h->type == QD_MSG_CALL_WITH_FDS)
        return qd_err_report(err, QD_ERR_RPC, QD_FROM_RPC,
                             "procedure %d does not take file descriptors",
                             h->proc);

    call.proc = proc;
    pthread_mutex_lock(&c->lock);
    call.conn = c->conn;
    readonly = c->readonly;
    pthread_mutex_unlock(&c->lock);
    authenticated = m->authed;
    /* libvirt-compat: VIR_ERR_RPC, not AUTH_FAILED, which old clients
     * do not know */
    if (!authenticated && !(proc->flags & QD_PROC_NOAUTH))
        return qd_err_report(err, QD_ERR_RPC, QD_FROM_RPC, "%s",
                             "authentication required");
    if (!call.conn && !(proc->flags & QD_PROC_NOCONN)) {
        /* libvirt-compat: libvirtd opens the network, storage, ... drivers
         * separately and words their absence differently */
        int dom = qd_dispatch_api_domain(proc->api ? proc->api : "");
        bool hv = dom == QD_FROM_DOMAIN || dom == QD_FROM_NONE;

        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_RPC, "%s",
                             hv ? "hypervisor connection not open" :
                             "connection not open");
    }
    if (readonly && !(proc->flags & QD_PROC_RO))
        return qd_err_report(err, QD_ERR_OPERATION_DENIED,
                             qd_dispatch_api_domain(proc->api ? proc->api : ""),
                             "read only access prevents %s",
                             proc->api ? proc->api : proc->name);

    if (proc->args)
        args = qd_calloc(1, proc->args->size);
    if (proc->ret)
        ret = qd_calloc(1, proc->ret->size);
    qd_msg_payload(m, &dec);
    if (proc->args && qd_xdr_decode(&dec, proc->args, args, err) < 0)
        goto out;
    /* libvirt-compat: trailing bytes after the arguments are ignored */
    if (proc->handler(&call, args, ret, err) < 0) {
        if (!qd_err_is_set(err)) {
            QD_WARN("BUG: %s failed without an error", proc->name);
            qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_RPC,
                          "An error occurred, but the cause is unknown");
        }
        goto out;
    }
    if (proc->ret)
        qd_xdr_encode(&reply->buf, proc->ret, ret);
    *ret_stream = steal_ptr(&call.stream);
    reply->sasl_switch = call.sasl_switch;
    rc = 0;
out:
    qd_stream_discard(call.stream);   /* the call failed: no stream */
    if (args) {
        qd_xdr_free(proc->args, args);
        free(args);
    }
    if (ret) {
        qd_xdr_free(proc->ret, ret);
        free(ret);
    }
    return rc;
}

struct qd_msg *
qd_dispatch_call(struct qd_client *c, const struct qd_msg *m,
                 struct qd_stream **ret_stream)
{
    struct qd_msg_header h = m->hdr;
    struct qd_msg *reply = qd_msg_new();
    struct qd_err err = QD_ERR_INIT;

    *ret_stream = NULL;
    h.type = QD_MSG_REPLY;
    h.status = QD_STATUS_OK;
    qd_msg_begin(reply, &h);
    if (run_call(c, m, reply, ret_stream, &err) < 0 ||
        qd_msg_finish(reply, &err) < 0) {
        qd_stream_discard(steal_ptr(ret_stream));
        QD_DEBUG("client %llu: proc %d failed: %s",
                 (unsigned long long) c->id, m->hdr.proc, err.message);
        qd_msg_free(reply);
        reply = qd_msg_build_error(&m->hdr, &err);
    }
    qd_err_clear(&err);
    return reply;
}
