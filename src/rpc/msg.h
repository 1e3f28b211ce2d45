/* Messages: the frame, the header, error bodies and message queues. */
#ifndef QD_RPC_MSG_H
#define QD_RPC_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rpc/wire.h"
#include "rpc/xdr.h"
#include "util/buf.h"

struct qd_err;

struct qd_msg_header {
    uint32_t prog;
    uint32_t vers;
    int32_t proc;
    uint32_t type;
    uint32_t serial;
    uint32_t status;
};

/* One message, incoming or outgoing. @buf holds the whole frame, length
 * word included; @off is how far the loop has read or written it. */
struct qd_msg {
    struct qd_msg *next;
    struct qd_msg_header hdr;
    struct qd_buf buf;
    size_t off;
    bool tracked;        /* a reply that answers a counted request */
    bool is_event;       /* an event MESSAGE, counted in client->nevents */
    bool sasl_switch;    /* the SASL security layer starts after this one */
    bool encoded;        /* buf already holds the SASL-encoded form */
    bool authed;         /* a call from a client authenticated by then */
    /* Called once by qd_msg_free() (sent in full or dropped); any thread,
     * possibly under the client's lock, so it may take leaf locks only. */
    void (*on_free)(void *opaque);
    void *on_free_opaque;
    int nfds;
    int fds[QD_MSG_NUM_FDS_MAX];
};

struct qd_msgq {
    struct qd_msg *head;
    struct qd_msg *tail;
    size_t len;
};

struct qd_msg *qd_msg_new(void);
struct qd_msg *qd_msg_free(struct qd_msg *m);

/* Decode the big-endian length word at @p. Returns the total frame length,
 * or -1 with @err set if it is outside [28, 4 + 32 MiB]. */
int64_t qd_msg_decode_length(const uint8_t *p, struct qd_err *err);
/* Decode the 24-byte header that follows the length word in @frame
 * (@len bytes in all, length word included). */
int qd_msg_decode_header(const uint8_t *frame, size_t len,
                         struct qd_msg_header *h, struct qd_err *err);

/* Start a frame: a placeholder length and @h. Payload is appended with the
 * XDR encoders; qd_msg_finish() patches the length word. */
void qd_msg_begin(struct qd_msg *m, const struct qd_msg_header *h);
/* Returns 0, or -1 with @err set if the payload outgrew the limit. */
int qd_msg_finish(struct qd_msg *m, struct qd_err *err);

/* Build a whole message: header @h then @obj encoded with @t (either may
 * be NULL for an empty payload). NULL with @err set if too large. */
struct qd_msg *qd_msg_build(const struct qd_msg_header *h,
                            const struct qd_xdr_type *t, const void *obj,
                            struct qd_err *err);
/* An error reply to the call @call: type REPLY, status ERROR, body = @e. */
struct qd_msg *qd_msg_build_error(const struct qd_msg_header *call,
                                  const struct qd_err *e);
void qd_msg_encode_error(struct qd_buf *b, const struct qd_err *e);
/* Payload decoder positioned after the header. */
void qd_msg_payload(const struct qd_msg *m, struct qd_xdr_dec *d);

void qd_msgq_push(struct qd_msgq *q, struct qd_msg *m);
struct qd_msg *qd_msgq_pop(struct qd_msgq *q);
void qd_msgq_clear(struct qd_msgq *q);

#endif
