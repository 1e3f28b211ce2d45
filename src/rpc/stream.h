/* RPC streams (libvirt's virStream over the wire): the data channel a
 * call such as DOMAIN_OPEN_CONSOLE or DOMAIN_SCREENSHOT opens next to its
 * reply. Packets are type STREAM with the opening call's program,
 * procedure and serial.
 *
 * A driver sees only the first block: it gets a stream from the RPC layer,
 * hands it the fd to pump and may keep a reference to end it later. All
 * I/O on the fd and on the client socket happens on the loop thread. */
#ifndef QD_RPC_STREAM_H
#define QD_RPC_STREAM_H

#include <stdbool.h>

struct qd_err;
struct qd_stream;

enum {
    QD_STREAM_SOURCE = 1,  /* read the fd, send to the client until EOF,
                              then wait for the client's finish
                              (screenshot) */
    QD_STREAM_DUPLEX = 2,  /* both ways (console: a pty or a socket) */
};

/* Any thread: give @st the fd to pump in @mode. Takes @fd, even on
 * failure. A regular file or block device (which epoll cannot watch) is
 * read by a helper thread; SOURCE mode only. Once per stream; fails when
 * @st has ended already. */
int qd_stream_set_fd(struct qd_stream *st, int fd, int mode,
                     struct qd_err *err) __attribute__((warn_unused_result));
struct qd_stream *qd_stream_ref(struct qd_stream *st);
/* Any thread; accepts NULL and returns NULL. */
struct qd_stream *qd_stream_unref(struct qd_stream *st);
/* Any thread: end @st from the daemon side; the client gets a STREAM
 * error ("stream had I/O failure", as libvirtd says when a console is
 * taken over with --force). No-op on an ended stream. */
void qd_stream_abort(struct qd_stream *st);
/* Any thread: has @st ended (finished, aborted, failed, client gone, or
 * its call failed)? An ended stream never comes back. */
bool qd_stream_is_closed(struct qd_stream *st);

/* ---- for the RPC layer ---------------------------------------------- */

struct qd_call;
struct qd_client;
struct qd_msg;

/* Worker, in a handler: a new stream for the running call, owned by
 * @call (the dispatcher starts it with the reply, or drops it when the
 * call fails). Returns a borrowed pointer for the driver op. */
struct qd_stream *qd_stream_new_for_call(struct qd_call *call);
/* Worker: the call succeeded. Queues @reply and hands @st to the loop in
 * one step, so the reply is on the wire before any data and the client's
 * packets find the stream. Takes both. */
void qd_stream_start(struct qd_stream *st, struct qd_msg *reply);
/* Worker: the call failed; @st ends without a word on the wire. Takes
 * @st. */
void qd_stream_discard(struct qd_stream *st);

/* Loop thread: the stream filter. True if @m (a STREAM or STREAM_HOLE
 * packet) belongs to an open stream of @c, which then takes it; false
 * leaves @m to the caller (libvirt drops such packets). */
bool qd_stream_filter(struct qd_client *c, struct qd_msg *m);
/* Loop thread: take over streams started by workers, pick up fds and
 * aborts handed over since, resume reading fds whose packets went out. */
void qd_stream_service(struct qd_client *c);
/* Loop thread: @c is closing; end all its streams (fds closed). */
void qd_stream_client_closed(struct qd_client *c);

#endif
