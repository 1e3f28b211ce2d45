/* A tiny scripted QMP server for unit tests of the monitor code.
 *
 * It listens on a UNIX socket and serves one connection at a time from its
 * own thread, like QEMU's "-qmp unix:PATH,server=on,wait=off": a greeting,
 * capabilities negotiation (commands before it are refused with QEMU's
 * words), then replies per command name as scripted. Replies leave in the
 * order the commands came, as QEMU's do: a delayed reply holds back the
 * ones after it. The control functions below may be called from any
 * thread; those that act on the connection return once done. */
#ifndef QD_TESTS_FAKES_FAKE_QMP_H
#define QD_TESTS_FAKES_FAKE_QMP_H

#include <stdbool.h>
#include <stddef.h>

struct qd_fake_qmp;

/* Never answer this command (the client will time out). */
#define QD_FAKE_QMP_NO_REPLY (-1)

/* Listen on @path (an old socket there is removed) and start serving.
 * Returns NULL on failure (errno set). */
struct qd_fake_qmp *qd_fake_qmp_start(const char *path);
/* Stop the thread, close everything, remove the socket. Accepts NULL. */
void qd_fake_qmp_stop(struct qd_fake_qmp *f);

/* The greeting sent on connect, one JSON object (NULL: send none). The
 * default is QEMU 7.2.0's. */
void qd_fake_qmp_set_greeting(struct qd_fake_qmp *f, const char *json);
/* Reply to @command with @reply_json, a JSON object such as
 * {"return": {...}} or {"error": {...}}; the request's "id" is added. */
void qd_fake_qmp_set_reply(struct qd_fake_qmp *f, const char *command,
                           const char *reply_json);
/* Shorthand for an {"error": {"class": @cls, "desc": @desc}} reply. */
void qd_fake_qmp_set_error(struct qd_fake_qmp *f, const char *command,
                           const char *cls, const char *desc);
/* Answer @command @delay_ms late, or never (QD_FAKE_QMP_NO_REPLY). */
void qd_fake_qmp_set_delay(struct qd_fake_qmp *f, const char *command,
                           int delay_ms);

/* Send an event now: {"event": @name, "data": @data_json (NULL: none),
 * "timestamp": {...}}. Returns once written (false: no client). */
bool qd_fake_qmp_emit_event(struct qd_fake_qmp *f, const char *name,
                            const char *data_json);
/* Send @len raw bytes now (malformed or oversized lines). */
bool qd_fake_qmp_send_raw(struct qd_fake_qmp *f, const void *bytes,
                          size_t len);
/* Close the client connection now (the next client may connect). */
void qd_fake_qmp_disconnect(struct qd_fake_qmp *f);

/* How many requests named @command arrived (NULL: all requests). */
int qd_fake_qmp_count(struct qd_fake_qmp *f, const char *command);
/* Wait up to @timeout_ms until qd_fake_qmp_count(@command) >= @n. */
bool qd_fake_qmp_wait_count(struct qd_fake_qmp *f, const char *command,
                            int n, int timeout_ms);
/* The last request line named @command, as received (caller frees; NULL
 * if none). */
char *qd_fake_qmp_last_request(struct qd_fake_qmp *f, const char *command);
/* How many connections were accepted so far. */
int qd_fake_qmp_connections(struct qd_fake_qmp *f);

#endif
