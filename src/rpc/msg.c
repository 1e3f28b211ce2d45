/* Frame and header coding, error bodies, FIFO queues. */
#include "rpc/msg.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/err.h"
#include "util/mem.h"

struct qd_msg *
qd_msg_new(void)
{
    return QD_NEW(struct qd_msg);
}

struct qd_msg *
qd_msg_free(struct qd_msg *m)
{
    int i;

    if (!m)
        return NULL;
    if (m->on_free)
        m->on_free(m->on_free_opaque);
    for (i = 0; i < m->nfds; i++)
        if (m->fds[i] >= 0)
            close(m->fds[i]);
    qd_buf_clear(&m->buf);
    free(m);
    return NULL;
}

static uint32_t
get_be32(const uint8_t *p)
{
    return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 |
           (uint32_t) p[2] << 8 | p[3];
}

static void
put_be32(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

int64_t
qd_msg_decode_length(const uint8_t *p, struct qd_err *err)
{
    uint32_t len = get_be32(p);

    if (len < QD_MSG_MIN)
        return qd_err_set(err, QD_ERR_RPC, QD_FROM_RPC,
                          "packet %u bytes received from server too small, "
                          "want %u", len, QD_MSG_MIN);
    if (len > QD_MSG_LEN_SIZE + QD_MSG_MAX)
        return qd_err_set(err, QD_ERR_RPC, QD_FROM_RPC,
                          "packet %u bytes received from server too large, "
                          "want %u", len, QD_MSG_LEN_SIZE + QD_MSG_MAX);
    return len;
}

int
qd_msg_decode_header(const uint8_t *frame, size_t len, struct qd_msg_header *h,
                     struct qd_err *err)
{
    const uint8_t *p = frame + QD_MSG_LEN_SIZE;

    if (len < QD_MSG_MIN)
        return qd_err_set(err, QD_ERR_RPC, QD_FROM_RPC,
                          "Unable to decode message header");
    h->prog = get_be32(p);
    h->vers = get_be32(p + 4);
    h->proc = (int32_t) get_be32(p + 8);
    h->type = get_be32(p + 12);
    h->serial = get_be32(p + 16);
    h->status = get_be32(p + 20);
    return 0;
}

void
qd_msg_begin(struct qd_msg *m, const struct qd_msg_header *h)
{
    m->buf.len = 0;
    qd_xdr_put_u32(&m->buf, 0);
    qd_xdr_put_u32(&m->buf, h->prog);
    qd_xdr_put_u32(&m->buf, h->vers);
    qd_xdr_put_u32(&m->buf, (uint32_t) h->proc);
    qd_xdr_put_u32(&m->buf, h->type);
    qd_xdr_put_u32(&m->buf, h->serial);
    qd_xdr_put_u32(&m->buf, h->status);
    m->hdr = *h;
}

int
qd_msg_finish(struct qd_msg *m, struct qd_err *err)
{
    if (m->buf.len > QD_MSG_LEN_SIZE + QD_MSG_MAX)
        return qd_err_set(err, QD_ERR_RPC, QD_FROM_RPC,
                          "message payload is too large: %zu bytes",
                          m->buf.len);
    put_be32(m->buf.data, (uint32_t) m->buf.len);
    m->off = 0;
    return 0;
}

struct qd_msg *
qd_msg_build(const struct qd_msg_header *h, const struct qd_xdr_type *t,
             const void *obj, struct qd_err *err)
{
    struct qd_msg *m = qd_msg_new();

    qd_msg_begin(m, h);
    if (t && obj)
        qd_xdr_encode(&m->buf, t, obj);
    if (qd_msg_finish(m, err) < 0)
        return qd_msg_free(m);
    return m;
}

static void
put_opt_string(struct qd_buf *b, const char *s)
{
    qd_xdr_put_u32(b, s != NULL);
    if (s)
        qd_xdr_put_string(b, s);
}

/* virNetMessageError: code, domain, message?, level, dom?, str1?, str2?,
 * str3?, int1, int2, net?. The object handles are always absent. */
void
qd_msg_encode_error(struct qd_buf *b, const struct qd_err *e)
{
    qd_xdr_put_u32(b, (uint32_t) e->code);
    qd_xdr_put_u32(b, (uint32_t) e->domain);
    put_opt_string(b, e->message);
    qd_xdr_put_u32(b, (uint32_t) (e->level ? e->level : QD_ERR_LEVEL_ERROR));
    qd_xdr_put_u32(b, 0);
    put_opt_string(b, e->str1);
    put_opt_string(b, e->str2);
    put_opt_string(b, e->str3);
    qd_xdr_put_u32(b, (uint32_t) e->int1);
    qd_xdr_put_u32(b, (uint32_t) e->int2);
    qd_xdr_put_u32(b, 0);
}

struct qd_msg *
qd_msg_build_error(const struct qd_msg_header *call, const struct qd_err *e)
{
    struct qd_msg *m = qd_msg_new();
    struct qd_msg_header h = *call;

    h.type = QD_MSG_REPLY;
    h.status = QD_STATUS_ERROR;
    qd_msg_begin(m, &h);
    qd_msg_encode_error(&m->buf, e);
    (void) qd_msg_finish(m, NULL);   /* an error body is always small */
    return m;
}

void
qd_msg_payload(const struct qd_msg *m, struct qd_xdr_dec *d)
{
    d->p = m->buf.data;
    d->len = m->buf.len;
    d->off = QD_MSG_MIN;
}

void
qd_msgq_push(struct qd_msgq *q, struct qd_msg *m)
{
    m->next = NULL;
    if (q->tail)
        q->tail->next = m;
    else
        q->head = m;
    q->tail = m;
    q->len++;
}

struct qd_msg *
qd_msgq_pop(struct qd_msgq *q)
{
    struct qd_msg *m = q->head;

    if (!m)
        return NULL;
    q->head = m->next;
    if (!q->head)
        q->tail = NULL;
    q->len--;
    m->next = NULL;
    return m;
}

void
qd_msgq_clear(struct qd_msgq *q)
{
    struct qd_msg *m;

    while ((m = qd_msgq_pop(q)))
        qd_msg_free(m);
}
