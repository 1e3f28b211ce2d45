/* A tiny scripted QMP server for unit tests; see fake_qmp.h. */
#include "fake_qmp.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "util/mem.h"

#define FAKE_DEFAULT_GREETING                                           \
    "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, "  \
    "\"major\": 7}, \"package\": \"Debian 1:7.2+dfsg-7\"}, "            \
    "\"capabilities\": [\"oob\"]}}"

struct script {
    struct script *next;
    char *name;
    char *reply;                /* template; NULL: built-in behaviour */
    int delay_ms;
    int count;
    char *last;
};

struct outmsg {
    struct outmsg *next;
    int64_t due_ms;
    char *text;
};

enum action_kind { ACT_SEND, ACT_DISCONNECT };

struct action {
    struct action *next;
    enum action_kind kind;
    const char *data;
    size_t len;
    bool done;
    bool ok;
};

struct qd_fake_qmp {
    char *path;
    int lfd;
    int ctl[2];
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    /* under @lock */
    bool stop;
    char *greeting;
    struct script *scripts;
    int total;
    int connections;
    struct action *actions, *actions_tail;
    /* server thread only */
    int cfd;
    bool negotiated;
    struct outmsg *outq, *outq_tail;
    char *rx;
    size_t rxlen, rxcap;
};

static int64_t
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
wake(struct qd_fake_qmp *f)
{
    char c = 1;

    (void) !write(f->ctl[1], &c, 1);
}

/* under @lock */
static struct script *
script_get(struct qd_fake_qmp *f, const char *name)
{
    struct script *s;

    for (s = f->scripts; s; s = s->next)
        if (strcmp(s->name, name) == 0)
            return s;
    s = QD_NEW(struct script);
    s->name = qd_strdup(name);
    s->next = f->scripts;
    f->scripts = s;
    return s;
}

static void
client_close(struct qd_fake_qmp *f)
{
    struct outmsg *m;

    if (f->cfd >= 0)
        (void) close(f->cfd);
    f->cfd = -1;
    f->rxlen = 0;
    while ((m = f->outq)) {
        f->outq = m->next;
        free(m->text);
        free(m);
    }
    f->outq_tail = NULL;
}

static bool
send_all(struct qd_fake_qmp *f, const char *p, size_t len)
{
    while (len && f->cfd >= 0) {
        ssize_t n = send(f->cfd, p, len, MSG_NOSIGNAL);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            client_close(f);
            return false;
        }
        p += n;
        len -= (size_t) n;
    }
    return f->cfd >= 0;
}

static void
queue_reply(struct qd_fake_qmp *f, json_object *reply, json_object *id,
            int delay_ms)
{
    struct outmsg *m;

    if (id)
        json_object_object_add(reply, "id", json_object_get(id));
    if (delay_ms == QD_FAKE_QMP_NO_REPLY) {
        json_object_put(reply);
        return;
    }
    m = QD_NEW(struct outmsg);
    m->due_ms = now_ms() + delay_ms;
    m->text = qd_asprintf("%s\r\n", json_object_to_json_string_ext(
                              reply, JSON_C_TO_STRING_SPACED));
    json_object_put(reply);
    if (f->outq_tail)
        f->outq_tail->next = m;
    else
        f->outq = m;
    f->outq_tail = m;
}

static json_object *
error_reply(const char *cls, const char *desc)
{
    json_object *r = json_object_new_object(), *e = json_object_new_object();

    json_object_object_add(e, "class", json_object_new_string(cls));
    json_object_object_add(e, "desc", json_object_new_string(desc));
    json_object_object_add(r, "error", e);
    return r;
}

/* Server thread: one request line. */
static void
handle_request(struct qd_fake_qmp *f, const char *line)
{
    json_object *req = json_tokener_parse(line), *id = NULL, *ex;
    json_object *reply = NULL;
    const char *execute;
    char *tmpl = NULL;
    int delay = 0;
    struct script *s;

    if (!req || !json_object_is_type(req, json_type_object)) {
        queue_reply(f, error_reply("GenericError",
                                   "QMP input must be a JSON object"),
                    NULL, 0);
        json_object_put(req);
        return;
    }
    (void) json_object_object_get_ex(req, "id", &id);
    if (!json_object_object_get_ex(req, "execute", &ex) ||
        !json_object_is_type(ex, json_type_string)) {
        queue_reply(f, error_reply("GenericError",
                                   "QMP input lacks member 'execute'"),
                    id, 0);
        json_object_put(req);
        return;
    }
    execute = json_object_get_string(ex);

    pthread_mutex_lock(&f->lock);
    s = script_get(f, execute);
    s->count++;
    free(s->last);
    s->last = qd_strdup(line);
    f->total++;
    delay = s->delay_ms;
    tmpl = s->reply ? qd_strdup(s->reply) : NULL;
    pthread_cond_broadcast(&f->cond);
    pthread_mutex_unlock(&f->lock);

    if (!f->negotiated && strcmp(execute, "qmp_capabilities") != 0) {
        reply = error_reply("CommandNotFound", "Expecting capabilities "
                            "negotiation with 'qmp_capabilities'");
    } else if (tmpl) {
        reply = json_tokener_parse(tmpl);
        if (!reply)
            reply = error_reply("GenericError", "fake_qmp: bad reply script");
        if (strcmp(execute, "qmp_capabilities") == 0)
            f->negotiated = true;
    } else if (strcmp(execute, "qmp_capabilities") == 0) {
        if (f->negotiated) {
            reply = error_reply("CommandNotFound", "Capabilities negotiation "
                                "is already complete, command ignored");
        } else {
            f->negotiated = true;
            reply = json_object_new_object();
            json_object_object_add(reply, "return", json_object_new_object());
        }
    } else {
        char *desc = qd_asprintf("The command %s has not been found", execute);

        reply = error_reply("CommandNotFound", desc);
        free(desc);
    }
    queue_reply(f, reply, id, delay);
    free(tmpl);
    json_object_put(req);
}

static void
handle_input(struct qd_fake_qmp *f)
{
    char *nl;
    size_t start = 0;
    ssize_t n;

    if (f->rxcap - f->rxlen < 4096) {
        f->rxcap = f->rxcap ? f->rxcap * 2 : 8192;
        f->rx = qd_realloc(f->rx, f->rxcap);
    }
    n = read(f->cfd, f->rx + f->rxlen, f->rxcap - f->rxlen - 1);
    if (n <= 0) {
        if (n < 0 && errno == EINTR)
            return;
        client_close(f);
        return;
    }
    f->rxlen += (size_t) n;
    f->rx[f->rxlen] = '\0';
    while ((nl = memchr(f->rx + start, '\n', f->rxlen - start))) {
        *nl = '\0';
        if (nl > f->rx + start && nl[-1] == '\r')
            nl[-1] = '\0';
        handle_request(f, f->rx + start);
        start = (size_t) (nl - f->rx) + 1;
    }
    memmove(f->rx, f->rx + start, f->rxlen - start);
    f->rxlen -= start;
}

static void
run_actions(struct qd_fake_qmp *f)
{
    struct action *a;

    for (;;) {
        pthread_mutex_lock(&f->lock);
        if ((a = f->actions)) {
            f->actions = a->next;
            if (!f->actions)
                f->actions_tail = NULL;
        }
        pthread_mutex_unlock(&f->lock);
        if (!a)
            return;
        if (a->kind == ACT_SEND) {
            a->ok = f->cfd >= 0 && send_all(f, a->data, a->len);
        } else {
            a->ok = f->cfd >= 0;
            client_close(f);
        }
        pthread_mutex_lock(&f->lock);
        a->done = true;
        pthread_cond_broadcast(&f->cond);
        pthread_mutex_unlock(&f->lock);
    }
}

/* Send the replies that are due, in order; returns the poll timeout. */
static int
run_outq(struct qd_fake_qmp *f)
{
    struct outmsg *m;

    while ((m = f->outq) && f->cfd >= 0) {
        int64_t d = m->due_ms - now_ms();

        if (d > 0)
            return (int) d;
        f->outq = m->next;
        if (!f->outq)
            f->outq_tail = NULL;
        (void) send_all(f, m->text, strlen(m->text));
        free(m->text);
        free(m);
    }
    return -1;
}

static void
do_accept(struct qd_fake_qmp *f)
{
    int fd = accept4(f->lfd, NULL, NULL, SOCK_CLOEXEC);
    char *greeting;

    if (fd < 0)
        return;
    f->cfd = fd;
    f->negotiated = false;
    pthread_mutex_lock(&f->lock);
    f->connections++;
    greeting = f->greeting ? qd_asprintf("%s\r\n", f->greeting) : NULL;
    pthread_cond_broadcast(&f->cond);
    pthread_mutex_unlock(&f->lock);
    if (greeting)
        (void) send_all(f, greeting, strlen(greeting));
    free(greeting);
}

static void *
server_thread(void *opaque)
{
    struct qd_fake_qmp *f = opaque;

    for (;;) {
        struct pollfd pfd[2];
        int timeout;
        bool stop;
        char buf[64];

        pthread_mutex_lock(&f->lock);
        stop = f->stop;
        pthread_mutex_unlock(&f->lock);
        if (stop)
            break;
        run_actions(f);
        timeout = run_outq(f);
        pfd[0] = (struct pollfd) { .fd = f->ctl[0], .events = POLLIN };
        pfd[1] = (struct pollfd) { .fd = f->cfd >= 0 ? f->cfd : f->lfd,
                                   .events = POLLIN };
        if (poll(pfd, 2, timeout) < 0)
            continue;
        if (pfd[0].revents & POLLIN)
            (void) !read(f->ctl[0], buf, sizeof(buf));
        if (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            if (f->cfd >= 0)
                handle_input(f);
            else
                do_accept(f);
        }
    }
    client_close(f);
    return NULL;
}

struct qd_fake_qmp *
qd_fake_qmp_start(const char *path)
{
    struct qd_fake_qmp *f = QD_NEW(struct qd_fake_qmp);
    struct sockaddr_un addr = { .sun_family = AF_UNIX };

    if (strlen(path) >= sizeof(addr.sun_path)) {
        errno = ENAMETOOLONG;
        free(f);
        return NULL;
    }
    strcpy(addr.sun_path, path);
    f->path = qd_strdup(path);
    f->lfd = f->cfd = f->ctl[0] = f->ctl[1] = -1;
    f->greeting = qd_strdup(FAKE_DEFAULT_GREETING);
    pthread_mutex_init(&f->lock, NULL);
    pthread_cond_init(&f->cond, NULL);
    (void) unlink(path);
    if ((f->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
        bind(f->lfd, (struct sockaddr *) &addr, sizeof(addr)) < 0 ||
        listen(f->lfd, 8) < 0 || pipe2(f->ctl, O_CLOEXEC | O_NONBLOCK) < 0 ||
        pthread_create(&f->thread, NULL, server_thread, f) != 0) {
        int e = errno;

        if (f->lfd >= 0)
            close(f->lfd);
        if (f->ctl[0] >= 0) {
            close(f->ctl[0]);
            close(f->ctl[1]);
        }
        free(f->greeting);
        free(f->path);
        free(f);
        errno = e;
        return NULL;
    }
    return f;
}

void
qd_fake_qmp_stop(struct qd_fake_qmp *f)
{
    struct script *s;

    if (!f)
        return;
    pthread_mutex_lock(&f->lock);
    f->stop = true;
    pthread_mutex_unlock(&f->lock);
    wake(f);
    pthread_join(f->thread, NULL);
    (void) close(f->lfd);
    (void) close(f->ctl[0]);
    (void) close(f->ctl[1]);
    (void) unlink(f->path);
    while ((s = f->scripts)) {
        f->scripts = s->next;
        free(s->name);
        free(s->reply);
        free(s->last);
        free(s);
    }
    pthread_cond_destroy(&f->cond);
    pthread_mutex_destroy(&f->lock);
    free(f->rx);
    free(f->greeting);
    free(f->path);
    free(f);
}

void
qd_fake_qmp_set_greeting(struct qd_fake_qmp *f, const char *json)
{
    pthread_mutex_lock(&f->lock);
    free(f->greeting);
    f->greeting = json ? qd_strdup(json) : NULL;
    pthread_mutex_unlock(&f->lock);
}

void
qd_fake_qmp_set_reply(struct qd_fake_qmp *f, const char *command,
                      const char *reply_json)
{
    struct script *s;

    pthread_mutex_lock(&f->lock);
    s = script_get(f, command);
    free(s->reply);
    s->reply = reply_json ? qd_strdup(reply_json) : NULL;
    pthread_mutex_unlock(&f->lock);
}

void
qd_fake_qmp_set_error(struct qd_fake_qmp *f, const char *command,
                      const char *cls, const char *desc)
{
    json_object *r = error_reply(cls, desc);

    qd_fake_qmp_set_reply(f, command, json_object_to_json_string(r));
    json_object_put(r);
}

void
qd_fake_qmp_set_delay(struct qd_fake_qmp *f, const char *command,
                      int delay_ms)
{
    pthread_mutex_lock(&f->lock);
    script_get(f, command)->delay_ms = delay_ms;
    pthread_mutex_unlock(&f->lock);
}

static bool
act(struct qd_fake_qmp *f, enum action_kind kind, const void *data,
    size_t len)
{
    struct action a = { .kind = kind, .data = data, .len = len };

    pthread_mutex_lock(&f->lock);
    if (f->actions_tail)
        f->actions_tail->next = &a;
    else
        f->actions = &a;
    f->actions_tail = &a;
    pthread_mutex_unlock(&f->lock);
    wake(f);
    pthread_mutex_lock(&f->lock);
    while (!a.done)
        pthread_cond_wait(&f->cond, &f->lock);
    pthread_mutex_unlock(&f->lock);
    return a.ok;
}

bool
qd_fake_qmp_emit_event(struct qd_fake_qmp *f, const char *name,
                       const char *data_json)
{
    json_object *ev = json_object_new_object(), *ts;
    struct timeval tv;
    char *text;
    bool ok;

    gettimeofday(&tv, NULL);
    json_object_object_add(ev, "event", json_object_new_string(name));
    if (data_json)
        json_object_object_add(ev, "data", json_tokener_parse(data_json));
    ts = json_object_new_object();
    json_object_object_add(ts, "seconds", json_object_new_int64(tv.tv_sec));
    json_object_object_add(ts, "microseconds",
                           json_object_new_int64(tv.tv_usec));
    json_object_object_add(ev, "timestamp", ts);
    text = qd_asprintf("%s\r\n", json_object_to_json_string_ext(
                           ev, JSON_C_TO_STRING_SPACED));
    json_object_put(ev);
    ok = act(f, ACT_SEND, text, strlen(text));
    free(text);
    return ok;
}

bool
qd_fake_qmp_send_raw(struct qd_fake_qmp *f, const void *bytes, size_t len)
{
    return act(f, ACT_SEND, bytes, len);
}

void
qd_fake_qmp_disconnect(struct qd_fake_qmp *f)
{
    (void) act(f, ACT_DISCONNECT, NULL, 0);
}

static int
count_locked(struct qd_fake_qmp *f, const char *command)
{
    struct script *s;

    if (!command)
        return f->total;
    for (s = f->scripts; s; s = s->next)
        if (strcmp(s->name, command) == 0)
            return s->count;
    return 0;
}

int
qd_fake_qmp_count(struct qd_fake_qmp *f, const char *command)
{
    int n;

    pthread_mutex_lock(&f->lock);
    n = count_locked(f, command);
    pthread_mutex_unlock(&f->lock);
    return n;
}

bool
qd_fake_qmp_wait_count(struct qd_fake_qmp *f, const char *command, int n,
                       int timeout_ms)
{
    struct timespec ts;
    bool ok;

    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += timeout_ms / 1000;
    ts.tv_nsec += (long) (timeout_ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&f->lock);
    while (count_locked(f, command) < n &&
           pthread_cond_timedwait(&f->cond, &f->lock, &ts) == 0)
        ;
    ok = count_locked(f, command) >= n;
    pthread_mutex_unlock(&f->lock);
    return ok;
}

char *
qd_fake_qmp_last_request(struct qd_fake_qmp *f, const char *command)
{
    struct script *s;
    char *ret = NULL;

    pthread_mutex_lock(&f->lock);
    for (s = f->scripts; s; s = s->next)
        if (strcmp(s->name, command) == 0 && s->last)
            ret = qd_strdup(s->last);
    pthread_mutex_unlock(&f->lock);
    return ret;
}

int
qd_fake_qmp_connections(struct qd_fake_qmp *f)
{
    int n;

    pthread_mutex_lock(&f->lock);
    n = f->connections;
    pthread_mutex_unlock(&f->lock);
    return n;
}
