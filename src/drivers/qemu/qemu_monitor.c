/* The QMP monitor: one UNIX socket to one QEMU, owned by the event loop.
 *
 * Who touches what:
 *   - the loop thread owns the fd, the receive buffer, the JSON tokener and
 *     the callbacks; it writes queued commands, cuts lines, parses them,
 *     completes commands and delivers events;
 *   - workers build a command, append it to @txq under @lock, post a
 *     "kick" so the loop writes it, and sleep on @cond until the loop (or a
 *     close) marks it done. They never touch the fd.
 *
 * A command lives on @txq until fully written, then on @sent until its
 * reply arrives. Replies are matched by "id"; one without an id goes to the
 * oldest command on @sent, which is right because QEMU answers in order
 * (we never negotiate out-of-band execution). A waiter that times out
 * abandons its command: if not a byte was written it is dropped (QEMU never
 * sees it), otherwise it stays queued so the stream stays intact, and the
 * late reply frees it.
 *
 * Lifetime: a reference for the owner (dropped by qd_qmp_close), one for
 * the loop while it holds the fd, one per pending qd_loop_post and one per
 * waiting worker. The fd is only ever closed on the loop (or by the last
 * unref if the loop never took it), so the loop cannot see a freed
 * monitor. */
#include "drivers/qemu/qemu_monitor.h"

#include <assert.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "loop/loop.h"
#include "util/err.h"
#include "util/log.h"
#include "util/mem.h"

#define QD_LOG_MODULE "qemu.monitor"

/* virErrorNumber VIR_ERR_SYSTEM_ERROR: what virReportSystemError raises. */
#define QMP_ERR_SYSTEM 38
#define QMP_READ_CHUNK (64 * 1024)
#define QMP_READS_PER_WAKEUP 64
#define QMP_JSON_DEPTH 1024        /* query-block nests per backing image */
#define QMP_CONNECT_RETRY_MS 5
#define QMP_LOG_MAX 4096           /* bytes of a line shown in debug logs */
#define QMP_JSON_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

enum qmp_where { QMP_NOWHERE, QMP_IN_TXQ, QMP_IN_SENT };
enum qmp_why { QMP_WHY_NONE, QMP_WHY_DEAD, QMP_WHY_CLOSED };

struct qmp_cmd {
    struct qmp_cmd *next;
    char *name;                 /* "execute", for messages */
    char *id;                   /* NULL: raw non-object, matched in order */
    char *tx;                   /* the line, "\r\n"-terminated */
    size_t txlen, txoff;
    enum qmp_where where;
    json_object *reply;         /* set when answered */
    bool done;                  /* answered, or failed (@why) */
    enum qmp_why why;
    bool abandoned;             /* waiter gone: whoever unlinks it frees it */
};

struct cmdq {
    struct qmp_cmd *head, *tail;
};

struct qmp_event {
    struct qmp_event *next;
    json_object *obj;           /* the whole message */
};

struct qd_qmp {
    int refs;                   /* atomic */
    unsigned serial;            /* atomic: the last "qd-N" used */
    struct qd_loop *loop;
    struct qd_qmp_callbacks cb;
    void *opaque;
    char *path;

    pthread_mutex_t lock;
    pthread_cond_t cond;        /* broadcast on every change below */
    /* under @lock */
    struct cmdq txq;
    struct cmdq sent;
    bool greeted;
    int ver_major, ver_minor, ver_micro;
    bool ready;                 /* qd_qmp_open succeeded */
    bool closed;                /* qd_qmp_close called */
    bool dead;                  /* connection over; @dead_err says why */
    struct qd_err dead_err;
    bool kick_pending;
    char *vm_name;
    pthread_t loop_tid;         /* valid once @loop_tid_set */
    bool loop_tid_set;

    /* loop thread only */
    int fd;                     /* -1 once closed */
    bool registered;            /* fd watched; the loop holds a reference */
    bool live;                  /* callbacks enabled (after on_ready) */
    bool eof_pending;           /* died before on_ready: report it then */
    bool eof_sent;
    char *rx;
    size_t rxlen, rxcap, rxscan;
    json_tokener *tok;
    struct qmp_event *events, *events_tail; /* held until on_ready */
};

/* ---- references ---------------------------------------------------- */

static struct qd_qmp *
qmp_ref(struct qd_qmp *mon)
{
    __atomic_add_fetch(&mon->refs, 1, __ATOMIC_RELAXED);
    return mon;
}

static void
cmd_free(struct qmp_cmd *c)
{
    if (!c)
        return;
    free(c->name);
    free(c->id);
    free(c->tx);
    json_object_put(c->reply);
    free(c);
}

static void
events_free(struct qd_qmp *mon)
{
    struct qmp_event *ev;

    while ((ev = mon->events)) {
        mon->events = ev->next;
        json_object_put(ev->obj);
        free(ev);
    }
    mon->events_tail = NULL;
}

static void
qmp_unref(struct qd_qmp *mon)
{
    struct qmp_cmd *c;

    if (!mon || __atomic_sub_fetch(&mon->refs, 1, __ATOMIC_ACQ_REL) > 0)
        return;
    /* Only abandoned commands can remain: every waiter holds a reference. */
    while ((c = mon->txq.head)) {
        mon->txq.head = c->next;
        cmd_free(c);
    }
    while ((c = mon->sent.head)) {
        mon->sent.head = c->next;
        cmd_free(c);
    }
    if (mon->fd >= 0)
        (void) close(mon->fd);
    events_free(mon);
    if (mon->tok)
        json_tokener_free(mon->tok);
    if (mon->ready && mon->cb.release)
        mon->cb.release(mon->opaque);
    qd_err_clear(&mon->dead_err);
    pthread_cond_destroy(&mon->cond);
    pthread_mutex_destroy(&mon->lock);
    free(mon->rx);
    free(mon->vm_name);
    free(mon->path);
    free(mon);
}

/* ---- command queues (under @lock) ------------------------------------ */

static void
cmdq_push(struct cmdq *q, struct qmp_cmd *c)
{
    c->next = NULL;
    if (q->tail)
        q->tail->next = c;
    else
        q->head = c;
    q->tail = c;
}

static void
cmdq_unlink(struct cmdq *q, struct qmp_cmd *c)
{
    struct qmp_cmd **pp, *prev = NULL;

    for (pp = &q->head; *pp; prev = *pp, pp = &(*pp)->next) {
        if (*pp != c)
            continue;
        *pp = c->next;
        if (q->tail == c)
            q->tail = prev;
        c->next = NULL;
        c->where = QMP_NOWHERE;
        return;
    }
}

/* Finish @c (already unlinked): hand @reply (taken; NULL: failure for
 * @why) to its waiter, or free it if the waiter left. */
static void
cmd_finish_locked(struct qd_qmp *mon, struct qmp_cmd *c, json_object *reply,
                  enum qmp_why why)
{
    if (c->abandoned) {
        json_object_put(reply);
        cmd_free(c);
        return;
    }
    c->reply = reply;
    c->why = why;
    c->done = true;
    pthread_cond_broadcast(&mon->cond);
}

static void
fail_all_locked(struct qd_qmp *mon, enum qmp_why why)
{
    struct qmp_cmd *c;

    while ((c = mon->txq.head)) {
        cmdq_unlink(&mon->txq, c);
        cmd_finish_locked(mon, c, NULL, why);
    }
    while ((c = mon->sent.head)) {
        cmdq_unlink(&mon->sent, c);
        cmd_finish_locked(mon, c, NULL, why);
    }
    pthread_cond_broadcast(&mon->cond);
}

static void
eof_error_locked(struct qd_qmp *mon, struct qd_err *err)
{
    /* libvirt-compat: qemuMonitorSend's text */
    if (mon->vm_name)
        qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_QEMU,
                      "End of file from qemu monitor (vm='%s')",
                      mon->vm_name);
    else
        qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_QEMU,
                      "End of file from qemu monitor");
}

/* ---- loop side ------------------------------------------------------- */

/* Loop thread: stop watching and close the fd, drop the loop's
 * reference. The caller must hold its own reference. */
static void
qmp_unregister(struct qd_qmp *mon)
{
    bool had = mon->registered;

    if (mon->registered)
        qd_loop_del_fd(mon->loop, mon->fd);
    mon->registered = false;
    if (mon->fd >= 0)
        (void) close(mon->fd);
    mon->fd = -1;
    free(mon->rx);
    mon->rx = NULL;
    mon->rxlen = mon->rxcap = mon->rxscan = 0;
    if (had)
        qmp_unref(mon);
}

static void
deliver_eof(struct qd_qmp *mon)
{
    bool closed;

    if (mon->eof_sent)
        return;
    mon->eof_sent = true;
    pthread_mutex_lock(&mon->lock);
    closed = mon->closed;
    pthread_mutex_unlock(&mon->lock);
    if (!closed && mon->cb.eof)
        mon->cb.eof(mon, mon->opaque);
}

/* Loop thread: the connection is over because of @why (taken). Waiters
 * fail with it, the fd goes, and the owner hears of it once. The caller
 * holds a reference. */
static void
qmp_fail(struct qd_qmp *mon, struct qd_err *why)
{
    pthread_mutex_lock(&mon->lock);
    if (!mon->dead) {
        mon->dead = true;
        mon->dead_err = *why;
        memset(why, 0, sizeof(*why));
        if (!mon->closed)
            QD_DEBUG("monitor %s: %s", mon->path, mon->dead_err.message);
    }
    qd_err_clear(why);
    fail_all_locked(mon, QMP_WHY_DEAD);
    pthread_mutex_unlock(&mon->lock);
    qmp_unregister(mon);
    if (mon->live)
        deliver_eof(mon);
    else
        mon->eof_pending = true;
}

/* Loop thread, under @lock: write what the socket takes. Returns 0, or -1
 * with @err set. */
static int
flush_locked(struct qd_qmp *mon, struct qd_err *err)
{
    struct qmp_cmd *c;

    while ((c = mon->txq.head)) {
        ssize_t n = send(mon->fd, c->tx + c->txoff, c->txlen - c->txoff,
                         MSG_NOSIGNAL | MSG_DONTWAIT);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            return qd_err_sys(err, QMP_ERR_SYSTEM, QD_FROM_QEMU, errno,
                              "Unable to write to monitor");
        }
        c->txoff += (size_t) n;
        if (c->txoff < c->txlen)
            continue;
        cmdq_unlink(&mon->txq, c);
        cmdq_push(&mon->sent, c);
        c->where = QMP_IN_SENT;
    }
    qd_loop_mod_fd(mon->loop, mon->fd,
                   EPOLLIN | (mon->txq.head ? EPOLLOUT : 0));
    return 0;
}

static int qmp_read(struct qd_qmp *mon, struct qd_err *err);

/* Loop thread: flush under the lock, fail the monitor on error. The
 * caller holds a reference. */
static void
qmp_flush(struct qd_qmp *mon)
{
    struct qd_err err = QD_ERR_INIT;
    int rc = 0;

    pthread_mutex_lock(&mon->lock);
    if (mon->registered && !mon->dead)
        rc = flush_locked(mon, &err);
    pthread_mutex_unlock(&mon->lock);
    if (rc < 0) {
        struct qd_err rerr = QD_ERR_INIT;

        /* QEMU may have said its last words (a reply, SHUTDOWN) before
         * hanging up: deliver them before failing */
        (void) qmp_read(mon, &rerr);
        qd_err_clear(&rerr);
        qmp_fail(mon, &err);
    }
}

static void
call_event(struct qd_qmp *mon, json_object *obj)
{
    json_object *v, *ts;
    const char *name;
    json_object *data = NULL;
    long long seconds = -1;
    unsigned micros = 0;
    bool closed;

    if (!json_object_object_get_ex(obj, "event", &v) ||
        !json_object_is_type(v, json_type_string))
        return;
    name = json_object_get_string(v);
    (void) json_object_object_get_ex(obj, "data", &data);
    if (json_object_object_get_ex(obj, "timestamp", &ts)) {
        if (json_object_object_get_ex(ts, "seconds", &v))
            seconds = json_object_get_int64(v);
        if (json_object_object_get_ex(ts, "microseconds", &v))
            micros = (unsigned) json_object_get_int64(v);
    }
    pthread_mutex_lock(&mon->lock);
    closed = mon->closed;
    pthread_mutex_unlock(&mon->lock);
    if (!closed && mon->cb.event)
        mon->cb.event(mon, name, data, seconds, micros, mon->opaque);
}

/* Loop thread: an event arrived; @obj is taken. Before qd_qmp_open has
 * returned it waits, so the owner sees every event, in order. */
static void
handle_event(struct qd_qmp *mon, json_object *obj)
{
    struct qmp_event *ev;
    json_object *v;

    if (!json_object_object_get_ex(obj, "event", &v) ||
        !json_object_is_type(v, json_type_string)) {
        QD_WARN("monitor %s: missing event type in message", mon->path);
        json_object_put(obj);
        return;
    }
    if (mon->live) {
        call_event(mon, obj);
        json_object_put(obj);
        return;
    }
    ev = QD_NEW(struct qmp_event);
    ev->obj = obj;
    if (mon->events_tail)
        mon->events_tail->next = ev;
    else
        mon->events = ev;
    mon->events_tail = ev;
}

/* Loop thread: a reply arrived; @obj is taken. */
static void
handle_reply(struct qd_qmp *mon, json_object *obj)
{
    struct qmp_cmd *c = NULL;
    json_object *idv;
    const char *id = NULL;

    if (json_object_object_get_ex(obj, "id", &idv) &&
        json_object_is_type(idv, json_type_string))
        id = json_object_get_string(idv);
    pthread_mutex_lock(&mon->lock);
    if (id) {
        for (c = mon->sent.head; c; c = c->next)
            if (c->id && strcmp(c->id, id) == 0)
                break;
    } else {
        c = mon->sent.head;
    }
    if (!c) {
        bool closed = mon->closed;

        pthread_mutex_unlock(&mon->lock);
        if (!closed)
            QD_WARN("monitor %s: reply to no pending command (id %s)",
                    mon->path, id ? id : "none");
        json_object_put(obj);
        return;
    }
    cmdq_unlink(&mon->sent, c);
    cmd_finish_locked(mon, c, obj, QMP_WHY_NONE);
    pthread_mutex_unlock(&mon->lock);
}

static void
handle_greeting(struct qd_qmp *mon, json_object *obj)
{
    json_object *qmp, *ver, *q, *v;
    int major = 0, minor = 0, micro = 0;

    if (json_object_object_get_ex(obj, "QMP", &qmp) &&
        json_object_object_get_ex(qmp, "version", &ver) &&
        json_object_object_get_ex(ver, "qemu", &q)) {
        if (json_object_object_get_ex(q, "major", &v))
            major = json_object_get_int(v);
        if (json_object_object_get_ex(q, "minor", &v))
            minor = json_object_get_int(v);
        if (json_object_object_get_ex(q, "micro", &v))
            micro = json_object_get_int(v);
    }
    pthread_mutex_lock(&mon->lock);
    if (!mon->greeted) {
        mon->greeted = true;
        mon->ver_major = major;
        mon->ver_minor = minor;
        mon->ver_micro = micro;
        pthread_cond_broadcast(&mon->cond);
    }
    pthread_mutex_unlock(&mon->lock);
    json_object_put(obj);
}

/* Parse one complete JSON value from @text/@len with @tok (strict, no
 * trailing garbage but whitespace). Returns the value, or NULL with
 * @ret_desc describing the problem. */
static json_object *
json_parse_all(json_tokener *tok, const char *text, size_t len,
               const char **ret_desc)
{
    json_object *obj;
    enum json_tokener_error jerr;
    size_t end;

    json_tokener_reset(tok);
    obj = json_tokener_parse_ex(tok, text, (int) len);
    jerr = json_tokener_get_error(tok);
    if (!obj && jerr == json_tokener_success) {
        *ret_desc = "null is not a message";
        return NULL;
    }
    if (jerr != json_tokener_success) {
        *ret_desc = jerr == json_tokener_continue ?
            "unterminated string/map/array" : json_tokener_error_desc(jerr);
        json_object_put(obj);
        return NULL;
    }
    for (end = json_tokener_get_parse_end(tok); end < len; end++) {
        if (!strchr(" \t\r\n", text[end])) {
            *ret_desc = "trailing garbage";
            json_object_put(obj);
            return NULL;
        }
    }
    return obj;
}

static json_tokener *
tokener_new(void)
{
    json_tokener *tok = json_tokener_new_ex(QMP_JSON_DEPTH);

    if (!tok)
        abort();
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    return tok;
}

int
qd_qmp_parse_line(json_tokener **tokp, const char *line, size_t len,
                  json_object **ret_obj, struct qd_err *err)
{
    int shown = (int) (len > QMP_LOG_MAX ? QMP_LOG_MAX : len);
    json_object *obj;
    const char *desc;

    *ret_obj = NULL;
    if (!*tokp)
        *tokp = tokener_new();
    if (!(obj = json_parse_all(*tokp, line, len, &desc)))
        /* libvirt-compat: virJSONValueFromString's text */
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_QEMU,
                             "cannot parse json %.*s: %s", shown, line, desc);
    if (!json_object_is_type(obj, json_type_object)) {
        json_object_put(obj);
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_QEMU,
                             "Parsed JSON reply '%.*s' isn't an object",
                             shown, line);
    }
    *ret_obj = obj;
    if (json_object_object_get_ex(obj, "QMP", NULL))
        return QD_QMP_MSG_GREETING;
    if (json_object_object_get_ex(obj, "event", NULL))
        return QD_QMP_MSG_EVENT;
    if (json_object_object_get_ex(obj, "return", NULL) ||
        json_object_object_get_ex(obj, "error", NULL))
        return QD_QMP_MSG_REPLY;
    return QD_QMP_MSG_UNKNOWN;
}

/* Loop thread: one line from QEMU, without its "\n". Returns 0, or -1
 * with @err set when the stream cannot be trusted any more. */
static int
process_line(struct qd_qmp *mon, const char *line, size_t len,
             struct qd_err *err)
{
    json_object *obj;

    if (len && line[len - 1] == '\r')
        len--;
    if (len == 0)
        return 0;
    QD_DEBUG("monitor %s: line [%.*s]%s", mon->path,
             (int) (len > QMP_LOG_MAX ? QMP_LOG_MAX : len), line,
             len > QMP_LOG_MAX ? "..." : "");
    switch (qd_qmp_parse_line(&mon->tok, line, len, &obj, err)) {
    case QD_QMP_MSG_GREETING:
        handle_greeting(mon, obj);
        break;
    case QD_QMP_MSG_EVENT:
        handle_event(mon, obj);
        break;
    case QD_QMP_MSG_REPLY:
        handle_reply(mon, obj);
        break;
    case QD_QMP_MSG_UNKNOWN:
        QD_WARN("monitor %s: unknown QMP message ignored", mon->path);
        json_object_put(obj);
        break;
    default:
        QD_WARN("monitor %s: malformed QMP message: %s", mon->path,
                err->message);
        return -1;
    }
    return 0;
}

/* Loop thread: cut and process the complete lines in @rx, keep the rest.
 * Returns 0, or -1 with @err set. */
static int
process_rx(struct qd_qmp *mon, struct qd_err *err)
{
    size_t start = 0;
    char *nl;

    while (mon->rx &&
           (nl = memchr(mon->rx + mon->rxscan, '\n',
                        mon->rxlen - mon->rxscan))) {
        size_t len = (size_t) (nl - (mon->rx + start));

        mon->rxscan = (size_t) (nl - mon->rx) + 1;
        if (len > QD_QMP_MAX_LINE)
            break;
        if (process_line(mon, mon->rx + start, len, err) < 0)
            return -1;
        start = mon->rxscan;
    }
    if (mon->rxscan - start > QD_QMP_MAX_LINE + 1 ||
        mon->rxlen - start > QD_QMP_MAX_LINE) {
        /* libvirt-compat: qemuMonitorIORead's text */
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_QEMU,
                             "QEMU monitor reply exceeds buffer size "
                             "(%d bytes)", QD_QMP_MAX_LINE);
    }
    if (start) {
        memmove(mon->rx, mon->rx + start, mon->rxlen - start);
        mon->rxlen -= start;
        mon->rxscan -= start;
    }
    if (mon->rxlen == 0 && mon->rxcap > 4 * QMP_READ_CHUNK) {
        free(mon->rx);      /* give back what a big reply needed */
        mon->rx = NULL;
        mon->rxcap = 0;
    }
    return 0;
}

/* Loop thread: read what is there and process it. Returns 0, or -1 with
 * @err set (EOF included). */
static int
qmp_read(struct qd_qmp *mon, struct qd_err *err)
{
    int i;

    for (i = 0; i < QMP_READS_PER_WAKEUP; i++) {
        ssize_t n;
        bool closed;

        if (mon->rxcap - mon->rxlen < QMP_READ_CHUNK) {
            size_t cap = mon->rxcap ? mon->rxcap * 2 : 2 * QMP_READ_CHUNK;

            if (cap < mon->rxlen + QMP_READ_CHUNK)
                cap = mon->rxlen + QMP_READ_CHUNK;
            if (cap > (size_t) QD_QMP_MAX_LINE + 2 * QMP_READ_CHUNK)
                cap = (size_t) QD_QMP_MAX_LINE + 2 * QMP_READ_CHUNK;
            mon->rx = qd_realloc(mon->rx, cap);
            mon->rxcap = cap;
        }
        n = read(mon->fd, mon->rx + mon->rxlen, mon->rxcap - mon->rxlen);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return 0;
            /* libvirt-compat: qemuMonitorIORead's text */
            return qd_err_sys(err, QMP_ERR_SYSTEM, QD_FROM_QEMU, errno,
                              "Unable to read from monitor");
        }
        if (n == 0) {
            pthread_mutex_lock(&mon->lock);
            eof_error_locked(mon, err);
            pthread_mutex_unlock(&mon->lock);
            return -1;
        }
        mon->rxlen += (size_t) n;
        if (process_rx(mon, err) < 0)
            return -1;
        pthread_mutex_lock(&mon->lock);
        closed = mon->closed;
        pthread_mutex_unlock(&mon->lock);
        if (closed)
            return 0;       /* on_close is on its way */
    }
    return 0;
}

static void
on_io(struct qd_loop *loop, int fd, uint32_t events, void *opaque)
{
    struct qd_qmp *mon = qmp_ref(opaque);
    struct qd_err err = QD_ERR_INIT;

    /* read first: if QEMU hung up, what it sent before still counts */
    if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && qmp_read(mon, &err) < 0)
        qmp_fail(mon, &err);
    else if ((events & EPOLLOUT) && mon->registered)
        qmp_flush(mon);
    qmp_unref(mon);
}

/* Posted by qd_qmp_open: the loop takes the fd (and the reference that
 * came with it). */
static void
on_register(void *opaque)
{
    struct qd_qmp *mon = opaque;
    struct qd_err err = QD_ERR_INIT;
    bool closed;

    pthread_mutex_lock(&mon->lock);
    closed = mon->closed;
    mon->loop_tid = pthread_self();
    mon->loop_tid_set = true;
    pthread_mutex_unlock(&mon->lock);
    if (closed) {
        (void) close(mon->fd);
        mon->fd = -1;
        qmp_unref(mon);
        return;
    }
    qmp_ref(mon);                   /* ours, while we use it below */
    mon->registered = true;         /* the loop's reference is now held */
    if (qd_loop_add_fd(mon->loop, mon->fd, EPOLLIN, on_io, mon, &err) < 0)
        qmp_fail(mon, &err);
    else
        qmp_flush(mon);
    qmp_unref(mon);
}

/* Posted by a worker that queued a command. */
static void
on_kick(void *opaque)
{
    struct qd_qmp *mon = opaque;

    pthread_mutex_lock(&mon->lock);
    mon->kick_pending = false;
    pthread_mutex_unlock(&mon->lock);
    qmp_flush(mon);
    qmp_unref(mon);
}

/* Posted by a successful qd_qmp_open: callbacks may start. */
static void
on_ready(void *opaque)
{
    struct qd_qmp *mon = opaque;
    struct qmp_event *ev;

    mon->live = true;
    while ((ev = mon->events)) {
        mon->events = ev->next;
        if (!mon->events)
            mon->events_tail = NULL;
        call_event(mon, ev->obj);
        json_object_put(ev->obj);
        free(ev);
    }
    if (mon->eof_pending)
        deliver_eof(mon);
    qmp_unref(mon);
}

/* Posted by qd_qmp_close. */
static void
on_close(void *opaque)
{
    struct qd_qmp *mon = opaque;

    qmp_unregister(mon);
    events_free(mon);
    qmp_unref(mon);
}

/* ---- worker side ----------------------------------------------------- */

static struct timespec
deadline_after(int timeout_ms)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += timeout_ms / 1000;
    ts.tv_nsec += (long) (timeout_ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

static int64_t
ms_until(const struct timespec *deadline)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t) (deadline->tv_sec - now.tv_sec) * 1000 +
           (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

/* Worker thread: send @req (taken; its "id" set when it is an object) and
 * wait for the reply, stored in @ret_reply. @name names the command in
 * messages. Returns 0, or -1 with @err set. */
static int
qmp_exec(struct qd_qmp *mon, json_object *req, const char *name,
         json_object **ret_reply, int timeout_ms, struct qd_err *err)
{
    struct timespec deadline = { 0 };
    struct qmp_cmd *c;
    unsigned serial;
    int ret = -1;

    qmp_ref(mon);
    c = QD_NEW(struct qmp_cmd);
    c->name = qd_strdup(name);
    serial = __atomic_add_fetch(&mon->serial, 1, __ATOMIC_RELAXED);
    if (json_object_is_type(req, json_type_object)) {
        c->id = qd_asprintf("qd-%u", serial);
        json_object_object_add(req, "id", json_object_new_string(c->id));
    }
    c->tx = qd_asprintf("%s\r\n",
                        json_object_to_json_string_ext(req, QMP_JSON_FLAGS));
    c->txlen = strlen(c->tx);
    json_object_put(req);
    QD_DEBUG("monitor %s: send %.*s", mon->path,
             (int) (c->txlen - 2 > QMP_LOG_MAX ? QMP_LOG_MAX : c->txlen - 2),
             c->tx);
    if (timeout_ms > 0)
        deadline = deadline_after(timeout_ms);

    pthread_mutex_lock(&mon->lock);
    /* waiting on the loop thread would wait forever */
    assert(!mon->loop_tid_set || !pthread_equal(mon->loop_tid, pthread_self()));
    if (mon->closed) {
        qd_err_report(err, QD_ERR_OPERATION_FAILED, QD_FROM_QEMU,
                      "QEMU monitor was closed");
        goto unlock;
    }
    if (mon->dead) {
        qd_err_copy(err, &mon->dead_err);
        goto unlock;
    }
    cmdq_push(&mon->txq, c);
    c->where = QMP_IN_TXQ;
    if (!mon->kick_pending) {
        mon->kick_pending = true;
        qd_loop_post(mon->loop, on_kick, qmp_ref(mon));
    }
    while (!c->done) {
        if (timeout_ms <= 0) {
            pthread_cond_wait(&mon->cond, &mon->lock);
            continue;
        }
        if (pthread_cond_timedwait(&mon->cond, &mon->lock, &deadline) ==
            ETIMEDOUT && !c->done)
            break;
    }
    if (!c->done) {
        if (c->where == QMP_IN_TXQ && c->txoff == 0) {
            cmdq_unlink(&mon->txq, c);     /* never sent: QEMU never sees it */
        } else {
            c->abandoned = true;           /* the loop frees it */
            c = NULL;
        }
        QD_DEBUG("monitor %s: no reply to '%s' within %d ms", mon->path,
                 name, timeout_ms);
        qd_err_report(err, QD_ERR_OPERATION_TIMEOUT, QD_FROM_QEMU,
                      "no reply from QEMU monitor to '%s' within %d ms",
                      name, timeout_ms);
        goto unlock;
    }
    if (c->why == QMP_WHY_CLOSED) {
        /* libvirt-compat: qemuMonitorClose's text for waiting commands */
        qd_err_report(err, QD_ERR_OPERATION_FAILED, QD_FROM_QEMU,
                      "QEMU monitor was closed");
        goto unlock;
    }
    if (c->why == QMP_WHY_DEAD) {
        qd_err_copy(err, &mon->dead_err);
        goto unlock;
    }
    *ret_reply = steal_ptr(&c->reply);
    ret = 0;
unlock:
    pthread_mutex_unlock(&mon->lock);
    cmd_free(c);
    qmp_unref(mon);
    return ret;
}

int
qd_qmp_command(struct qd_qmp *mon, const char *execute, json_object *arguments,
               json_object **ret_return, int timeout_ms, struct qd_err *err)
{
    json_object *req = json_object_new_object();
    json_object *reply = NULL, *v;
    int ret = -1;

    json_object_object_add(req, "execute", json_object_new_string(execute));
    if (arguments)
        json_object_object_add(req, "arguments", arguments);
    if (qmp_exec(mon, req, execute, &reply, timeout_ms, err) < 0)
        return -1;
    if (json_object_object_get_ex(reply, "error", &v)) {
        json_object *cls, *desc;
        const char *detail = "unknown QEMU command error";

        QD_DEBUG("unable to execute QEMU command %s: %s", execute,
                 json_object_to_json_string_ext(reply, QMP_JSON_FLAGS));
        /* libvirt-compat: qemuMonitorJSONStringifyError */
        if (json_object_object_get_ex(v, "class", &cls) && cls &&
            json_object_object_get_ex(v, "desc", &desc) &&
            json_object_is_type(desc, json_type_string))
            detail = json_object_get_string(desc);
        qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_QEMU,
                      "unable to execute QEMU command '%s': %s",
                      execute, detail);
        goto out;
    }
    if (!json_object_object_get_ex(reply, "return", &v)) {
        qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_QEMU,
                      "unable to execute QEMU command '%s'", execute);
        goto out;
    }
    if (ret_return)
        *ret_return = json_object_get(v);
    ret = 0;
out:
    json_object_put(reply);
    return ret;
}

int
qd_qmp_command_raw(struct qd_qmp *mon, const char *json_text,
                   char **ret_reply_text, int timeout_ms, struct qd_err *err)
{
    json_tokener *tok = tokener_new();
    json_object *req, *reply = NULL, *v;
    const char *name = "<unknown>";
    _cleanup_free_ char *cmdname = NULL;
    const char *desc;

    req = json_parse_all(tok, json_text, strlen(json_text), &desc);
    json_tokener_free(tok);
    if (!req)
        /* libvirt-compat: virJSONValueFromString's text */
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_QEMU,
                             "cannot parse json %s: %s", json_text, desc);
    if (json_object_object_get_ex(req, "execute", &v) &&
        json_object_is_type(v, json_type_string))
        name = cmdname = qd_strdup(json_object_get_string(v));
    if (qmp_exec(mon, req, name, &reply, timeout_ms, err) < 0)
        return -1;
    *ret_reply_text = qd_strdup(json_object_to_json_string_ext(reply,
                                                               QMP_JSON_FLAGS));
    json_object_put(reply);
    return 0;
}

/* Worker thread: a connected non-blocking socket to @path, retried while
 * QEMU is not listening yet and @deadline (NULL: one try) allows. The
 * retries stop early once @abort_fd (>= 0, e.g. QEMU's pidfd) is
 * readable. */
static int
qmp_connect(const char *path, const struct timespec *deadline, int abort_fd,
            struct qd_err *err)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };

    if (strlen(path) >= sizeof(addr.sun_path))
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_QEMU,
                             "Monitor path %s too big for destination", path);
    memcpy(addr.sun_path, path, strlen(path) + 1);
    for (;;) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                        0);
        int errnum;

        if (fd < 0)
            return qd_err_sys(err, QMP_ERR_SYSTEM, QD_FROM_QEMU, errno,
                              "failed to create socket");
        if (connect(fd, (struct sockaddr *) &addr, sizeof(addr)) == 0)
            return fd;
        errnum = errno;
        (void) close(fd);
        if ((errnum != ENOENT && errnum != ECONNREFUSED && errnum != EAGAIN &&
             errnum != EINTR) || !deadline ||
            ms_until(deadline) < QMP_CONNECT_RETRY_MS)
            /* libvirt-compat: qemuMonitorOpenUnix's text */
            return qd_err_sys(err, QMP_ERR_SYSTEM, QD_FROM_QEMU, errnum,
                              "failed to connect to monitor socket");
        if (abort_fd >= 0) {
            struct pollfd pfd = { .fd = abort_fd, .events = POLLIN };

            if (poll(&pfd, 1, QMP_CONNECT_RETRY_MS) > 0)
                return qd_err_report(err, QD_ERR_OPERATION_FAILED,
                                     QD_FROM_QEMU,
                                     "process exited while connecting to "
                                     "monitor");
        } else {
            (void) usleep(QMP_CONNECT_RETRY_MS * 1000);
        }
    }
}

struct qd_qmp *
qd_qmp_open(struct qd_loop *loop, const char *socket_path,
            const struct qd_qmp_callbacks *cb, void *opaque, int timeout_ms,
            struct qd_err *err)
{
    return qd_qmp_open_watch(loop, socket_path, cb, opaque, timeout_ms, -1,
                             err);
}

struct qd_qmp *
qd_qmp_open_watch(struct qd_loop *loop, const char *socket_path,
                  const struct qd_qmp_callbacks *cb, void *opaque,
                  int timeout_ms, int abort_fd, struct qd_err *err)
{
    struct timespec deadline = { 0 };
    struct qd_qmp *mon;
    pthread_condattr_t ca;
    int fd, rc = 0;

    if (timeout_ms > 0)
        deadline = deadline_after(timeout_ms);
    if ((fd = qmp_connect(socket_path, timeout_ms > 0 ? &deadline : NULL,
                          abort_fd, err)) < 0)
        return NULL;

    mon = QD_NEW(struct qd_qmp);
    mon->refs = 2;              /* the caller's, and the loop's with the fd */
    mon->loop = loop;
    if (cb)
        mon->cb = *cb;
    mon->opaque = opaque;
    mon->path = qd_strdup(socket_path);
    mon->fd = fd;
    pthread_mutex_init(&mon->lock, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&mon->cond, &ca);
    pthread_condattr_destroy(&ca);
    QD_DEBUG("monitor %s: connected, fd %d", socket_path, fd);
    qd_loop_post(loop, on_register, mon);

    pthread_mutex_lock(&mon->lock);
    while (!mon->greeted && !mon->dead && rc != ETIMEDOUT) {
        if (timeout_ms > 0)
            rc = pthread_cond_timedwait(&mon->cond, &mon->lock, &deadline);
        else
            pthread_cond_wait(&mon->cond, &mon->lock);
    }
    if (mon->dead)
        qd_err_copy(err, &mon->dead_err);
    else if (!mon->greeted)
        qd_err_report(err, QD_ERR_OPERATION_TIMEOUT, QD_FROM_QEMU,
                      "no greeting from QEMU monitor '%s' within %d ms",
                      socket_path, timeout_ms);
    pthread_mutex_unlock(&mon->lock);
    if (qd_err_is_set(err))
        goto fail;

    if (qd_qmp_command(mon, "qmp_capabilities", NULL, NULL,
                       timeout_ms > 0 ? (int) (ms_until(&deadline) > 1 ?
                                               ms_until(&deadline) : 1) : 0,
                       err) < 0)
        goto fail;

    pthread_mutex_lock(&mon->lock);
    if (mon->dead)
        qd_err_copy(err, &mon->dead_err);
    else
        mon->ready = true;
    pthread_mutex_unlock(&mon->lock);
    if (qd_err_is_set(err))
        goto fail;
    qd_loop_post(loop, on_ready, qmp_ref(mon));
    return mon;

fail:
    qd_qmp_close(mon);
    return NULL;
}

struct qd_qmp *
qd_qmp_ref(struct qd_qmp *mon)
{
    return qmp_ref(mon);
}

void
qd_qmp_unref(struct qd_qmp *mon)
{
    qmp_unref(mon);
}

void
qd_qmp_set_name(struct qd_qmp *mon, const char *vm_name)
{
    pthread_mutex_lock(&mon->lock);
    free(mon->vm_name);
    mon->vm_name = vm_name ? qd_strdup(vm_name) : NULL;
    pthread_mutex_unlock(&mon->lock);
}

void
qd_qmp_get_version(struct qd_qmp *mon, int *ret_major, int *ret_minor,
                   int *ret_micro)
{
    pthread_mutex_lock(&mon->lock);
    if (ret_major)
        *ret_major = mon->ver_major;
    if (ret_minor)
        *ret_minor = mon->ver_minor;
    if (ret_micro)
        *ret_micro = mon->ver_micro;
    pthread_mutex_unlock(&mon->lock);
}

void
qd_qmp_close(struct qd_qmp *mon)
{
    if (!mon)
        return;
    pthread_mutex_lock(&mon->lock);
    assert(!mon->closed);
    mon->closed = true;
    fail_all_locked(mon, QMP_WHY_CLOSED);
    pthread_mutex_unlock(&mon->lock);
    qd_loop_post(mon->loop, on_close, qmp_ref(mon));
    qmp_unref(mon);
}
