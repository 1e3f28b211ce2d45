/* libFuzzer harness: the frame, the header and the XDR payload.
 *
 * The input is what a client writes on the socket: frames back to back.
 * Each frame goes the way client.c and dispatch.c take it: the length
 * word (qd_msg_decode_length), the header (qd_msg_decode_header), the
 * program and procedure lookup, then the payload (qd_msg_payload +
 * qd_xdr_decode) with the procedure's args descriptor, or its ret
 * descriptor for a REPLY, so every descriptor of the REMOTE, QEMU and
 * ADMIN tables is reachable. A last frame shorter than its length word
 * is taken as if the word said what is left (the codec only ever sees
 * the bytes of one whole frame).
 *
 * What decodes is re-encoded, and must decode again to the same bytes:
 * a fuzz_fail() there is a codec bug (decoder and encoder disagree). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz_common.h"
#include "rpc/dispatch.h"
#include "rpc/msg.h"
#include "rpc/wire.h"
#include "rpc/xdr.h"
#include "util/err.h"
#include "util/mem.h"

static const struct qd_program *
find_program(const struct qd_msg_header *h)
{
    const struct qd_program *progs[] = {
        &qd_program_remote, &qd_program_qemu, &qd_program_admin,
    };
    size_t i;

    for (i = 0; i < sizeof(progs) / sizeof(progs[0]); i++)
        if (h->prog == progs[i]->prog && h->vers == progs[i]->vers)
            return progs[i];
    return NULL;
}

/* decode(encode(@obj)) must read exactly what encode wrote, and encode
 * back to the same bytes; encode(@obj) must be as long as the @consumed
 * bytes @obj was decoded from (XDR has one size per value). */
static void
check_roundtrip(const struct qd_proc *proc, const struct qd_xdr_type *t,
                const void *obj, size_t consumed)
{
    struct qd_buf b1 = { 0 }, b2 = { 0 };
    struct qd_err err = QD_ERR_INIT;
    struct qd_xdr_dec d;
    void *obj2 = qd_calloc(1, t->size);

    qd_xdr_encode(&b1, t, obj);
    if (b1.len != consumed)
        fuzz_fail("%s (%s): decoded %zu bytes, re-encoded to %zu",
                  proc->name, t->name, consumed, b1.len);
    d = (struct qd_xdr_dec) { .p = b1.data, .len = b1.len, .off = 0 };
    if (qd_xdr_decode(&d, t, obj2, &err) < 0)
        fuzz_fail("%s (%s): re-encoded value does not decode: %s",
                  proc->name, t->name, err.message);
    if (d.off != b1.len)
        fuzz_fail("%s (%s): re-decode read %zu of %zu bytes",
                  proc->name, t->name, d.off, b1.len);
    qd_xdr_encode(&b2, t, obj2);
    if (b2.len != b1.len || memcmp(b1.data, b2.data, b1.len) != 0)
        fuzz_fail("%s (%s): encode(decode(encode(x))) != encode(x)",
                  proc->name, t->name);
    qd_xdr_free(t, obj2);
    free(obj2);
    qd_buf_clear(&b1);
    qd_buf_clear(&b2);
}

static void
one_frame(const uint8_t *data, size_t len)
{
    struct qd_err err = QD_ERR_INIT;
    const struct qd_program *prog;
    const struct qd_proc *proc;
    const struct qd_xdr_type *t;
    struct qd_xdr_dec dec;
    struct qd_msg *m = qd_msg_new();
    void *obj;

    /* an exact-size copy, so ASan sees any read past the frame */
    m->buf.data = qd_malloc(len);
    memcpy(m->buf.data, data, len);
    m->buf.len = m->buf.cap = len;
    if (qd_msg_decode_header(m->buf.data, m->buf.len, &m->hdr, &err) < 0)
        goto out;
    if (m->hdr.status != QD_STATUS_OK || !(prog = find_program(&m->hdr)) ||
        !(proc = qd_program_find(prog, m->hdr.proc)))
        goto out;
    switch (m->hdr.type) {
    case QD_MSG_CALL:
    case QD_MSG_CALL_WITH_FDS:
        t = proc->args;
        break;
    case QD_MSG_REPLY:
    case QD_MSG_REPLY_WITH_FDS:
        t = proc->ret;
        break;
    default:
        t = NULL;
        break;
    }
    if (!t)
        goto out;
    obj = qd_calloc(1, t->size);      /* exact size: ASan checks offsets */
    qd_msg_payload(m, &dec);
    if (qd_xdr_decode(&dec, t, obj, &err) == 0) {
        check_roundtrip(proc, t, obj, dec.off - QD_MSG_MIN);
        qd_xdr_free(t, obj);
    }
    free(obj);
out:
    qd_err_clear(&err);
    qd_msg_free(m);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void) argc;
    (void) argv;
    fuzz_quiet_logs();
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    while (size >= QD_MSG_LEN_SIZE) {
        struct qd_err err = QD_ERR_INIT;
        int64_t len = qd_msg_decode_length(data, &err);

        if (len < 0) {
            /* the server closes the connection here */
            qd_err_clear(&err);
            break;
        }
        if ((uint64_t) len > size)
            len = (int64_t) size;
        one_frame(data, (size_t) len);
        data += len;
        size -= (size_t) len;
    }
    return 0;
}
