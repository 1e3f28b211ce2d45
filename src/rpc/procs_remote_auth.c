/* The REMOTE program's authentication procedures: AUTH_LIST and the SASL
 * exchange (AUTH_SASL_INIT/START/STEP), the only calls a client may make
 * before it has authenticated.
 *
 * One SASL session per client lives in client->sasl between calls; a
 * step takes it out while it runs, so two overlapping steps cannot share
 * it (the second fails). Every failure answers libvirt's one
 * "authentication failed", so a wrong password and an unknown user look
 * the same; the reason is logged. */
#define QD_LOG_MODULE "rpc.auth"

#include <stdlib.h>
#include <string.h>

#include "rpc/client.h"
#include "rpc/procs_remote_priv.h"
#include "rpc/sasl.h"
#include "rpc/server.h"
#include "rpc/wire.h"
#include "rpc/xdr_table.h"
#include "util/err.h"
#include "util/log.h"
#include "util/mem.h"

/* libvirt-compat: 56 bits, "good for Kerberos", whatever tcp_min_ssf */
#define SASL_FINAL_MIN_SSF 56

struct sasl_init_ret { char *mechlist; };
struct sasl_start_args { char *mech; int32_t nil; struct qd_xdr_bytes data; };
struct sasl_step_args { int32_t nil; struct qd_xdr_bytes data; };
struct sasl_step_ret { int32_t complete; int32_t nil; struct qd_xdr_bytes data; };

TYPE(qd_t_sasl_init_ret, sasl_init_ret,
     F(QD_XDR_STRING, sasl_init_ret, mechlist));
/* remote_auth_sasl_start_args: { string mech; int nil; char data<> } */
TYPE(qd_t_sasl_start_args, sasl_start_args,
     F(QD_XDR_STRING, sasl_start_args, mech),
     F(QD_XDR_INT, sasl_start_args, nil),
     FB(QD_XDR_CHARS, sasl_start_args, data, QD_AUTH_SASL_DATA_MAX));
TYPE(qd_t_sasl_step_args, sasl_step_args,
     F(QD_XDR_INT, sasl_step_args, nil),
     FB(QD_XDR_CHARS, sasl_step_args, data, QD_AUTH_SASL_DATA_MAX));
/* the _start_ret and _step_ret are the same struct */
TYPE(qd_t_sasl_step_ret, sasl_step_ret,
     F(QD_XDR_INT, sasl_step_ret, complete),
     F(QD_XDR_INT, sasl_step_ret, nil),
     FB(QD_XDR_CHARS, sasl_step_ret, data, QD_AUTH_SASL_DATA_MAX));

static int
auth_failed(struct qd_err *err)
{
    qd_err_clear(err);
    return qd_err_report(err, QD_ERR_AUTH_FAILED, QD_FROM_RPC, "%s",
                         "authentication failed");
}

/* UNIX sockets and TLS need no SASL security layer. (c->tls is set at
 * accept, before any call runs: immutable for workers.) */
static bool
is_secure(const struct qd_client *c)
{
    return !c->tcp || c->tls;
}

int
h_auth_list(struct qd_call *call, const void *a, void *r, struct qd_err *err)
{
    struct qd_w_auth_list *ret = r;
    int32_t *types = qd_malloc(sizeof(*types));

    /* libvirt-compat: once authenticated, the scheme is "none" */
    types[0] = qd_client_is_authenticated(call->client) ? QD_AUTH_NONE :
               call->client->listener->auth;
    ret->types.n = 1;
    ret->types.items = types;
    return 0;
}

int
h_auth_sasl_init(struct qd_call *call, const void *a, void *r,
                 struct qd_err *err)
{
    struct qd_client *c = call->client;
    struct sasl_init_ret *ret = r;
    struct qd_sasl *s = NULL;
    bool busy;
    int keysize;

    pthread_mutex_lock(&c->lock);
    busy = c->sasl || c->sasl_busy || c->authenticated;
    keysize = c->tls_key_size;
    pthread_mutex_unlock(&c->lock);
    if (c->listener->auth != QD_AUTH_SASL || busy) {
        QD_WARN("client %llu: invalid SASL init request",
                (unsigned long long) c->id);
        return auth_failed(err);
    }
    if (!(s = qd_sasl_new(c->addr_sasl_local, c->addr_sasl_remote, err)))
        goto fail;
    /* the TLS layer's strength, in bits, lets SASL skip its own */
    if (c->tls &&
        qd_sasl_set_ext_ssf(s, keysize > 0 ? keysize * 8 : 0, err) < 0)
        goto fail;
    if ((is_secure(c) ? qd_sasl_set_secprops(s, 0, 0, true, err) :
         qd_sasl_set_secprops(s, (int) c->srv->sasl_min_ssf, 100000, false,
                              err)) < 0)
        goto fail;
    if (!(ret->mechlist = qd_sasl_mechlist(s, err)))
        goto fail;
    QD_DEBUG("client %llu: SASL mechanisms '%s'", (unsigned long long) c->id,
             ret->mechlist);
    pthread_mutex_lock(&c->lock);
    busy = c->sasl || c->sasl_busy || c->authenticated;
    if (!busy)
        c->sasl = steal_ptr(&s);
    pthread_mutex_unlock(&c->lock);
    if (busy)
        goto fail;
    return 0;
fail:
    if (qd_err_is_set(err))
        QD_WARN("client %llu: %s", (unsigned long long) c->id, err->message);
    qd_sasl_free(s);
    return auth_failed(err);
}

/* The exchange is complete: check the layer's strength and the user
 * name, then let the client in. Returns 0, or -1 (@err set). Takes @s. */
static int
sasl_finish(struct qd_call *call, struct qd_sasl *s, struct qd_err *err)
{
    struct qd_client *c = call->client;
    const char *who;
    int ssf = 0;

    if (!is_secure(c)) {
        if ((ssf = qd_sasl_ssf(s, err)) < 0)
            goto deny;
        if (ssf < SASL_FINAL_MIN_SSF) {
            QD_WARN("client %llu: negotiated SSF %d was not strong enough",
                    (unsigned long long) c->id, ssf);
            goto deny;
        }
    }
    if (!(who = qd_sasl_identity(s))) {
        QD_WARN("client %llu: no SASL user name",
                (unsigned long long) c->id);
        goto deny;
    }
    if (!qd_sasl_identity_allowed(c->srv->sasl_allowed_users, who)) {
        QD_WARN("client %llu: SASL client identity '%s' not allowed by "
                "sasl_allowed_username_list", (unsigned long long) c->id,
                who);
        goto deny;
    }
    QD_INFO("client %llu: authenticated as SASL user '%s'%s",
            (unsigned long long) c->id, who,
            ssf ? " with a security layer" : "");
    if (ssf > 0) {
        call->sasl_switch = true;      /* this reply is the last in clear */
        qd_client_set_authenticated(c, who, s);
    } else {
        qd_client_set_authenticated(c, who, NULL);
        qd_sasl_free(s);
    }
    return 0;
deny:
    qd_sasl_free(s);
    return auth_failed(err);
}

/* The step is over: park @s (NULL: the exchange ended) for the next. */
static void
set_idle(struct qd_client *c, struct qd_sasl *s)
{
    pthread_mutex_lock(&c->lock);
    c->sasl = s;
    c->sasl_busy = false;
    pthread_mutex_unlock(&c->lock);
}

/* One step, started by AUTH_SASL_START (@mech set) or AUTH_SASL_STEP. */
static int
sasl_exchange(struct qd_call *call, const char *mech, int32_t nil,
              const struct qd_xdr_bytes *data, struct sasl_step_ret *ret,
              struct qd_err *err)
{
    struct qd_client *c = call->client;
    const char *in = nil ? NULL : (const char *) (data->data ? data->data :
                                                  (const uint8_t *) "");
    const char *out = NULL;
    size_t outlen = 0;
    struct qd_sasl *s;
    int rc;

    pthread_mutex_lock(&c->lock);
    s = c->authenticated || c->sasl_busy ? NULL : steal_ptr(&c->sasl);
    if (s)
        c->sasl_busy = true;       /* no INIT or step until this one ends */
    pthread_mutex_unlock(&c->lock);
    if (c->listener->auth != QD_AUTH_SASL || !s) {
        QD_WARN("client %llu: invalid SASL %s request",
                (unsigned long long) c->id, mech ? "start" : "step");
        if (s) {
            qd_sasl_free(s);
            set_idle(c, NULL);
        }
        return auth_failed(err);
    }
    rc = mech ? qd_sasl_start(s, mech, in, data->len, &out, &outlen, err) :
         qd_sasl_step(s, in, data->len, &out, &outlen, err);
    if (rc < 0 || outlen > QD_AUTH_SASL_DATA_MAX) {
        QD_WARN("client %llu: %s", (unsigned long long) c->id,
                rc < 0 ? err->message : "SASL reply data too long");
        qd_sasl_free(s);
        set_idle(c, NULL);
        return auth_failed(err);
    }
    /* NULL and "" differ to SASL: nil says which */
    ret->nil = out == NULL;
    if (out && outlen) {
        ret->data.data = qd_malloc(outlen);
        memcpy(ret->data.data, out, outlen);
    }
    ret->data.len = (uint32_t) outlen;
    if (rc == 1) {
        ret->complete = 0;
        set_idle(c, s);
        return 0;
    }
    ret->complete = 1;
    rc = sasl_finish(call, s, err);
    set_idle(c, NULL);
    return rc;
}

int
h_auth_sasl_start(struct qd_call *call, const void *a, void *r,
                  struct qd_err *err)
{
    const struct sasl_start_args *args = a;

    return sasl_exchange(call, args->mech ? args->mech : "", args->nil,
                         &args->data, r, err);
}

int
h_auth_sasl_step(struct qd_call *call, const void *a, void *r,
                 struct qd_err *err)
{
    const struct sasl_step_args *args = a;

    return sasl_exchange(call, NULL, args->nil, &args->data, r, err);
}
