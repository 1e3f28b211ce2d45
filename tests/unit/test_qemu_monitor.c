/* tests/unit/test_qemu_monitor.c: the QMP monitor against tests/fakes'
 * scripted QMP server, with a real event loop running in its own thread
 * (the test's main thread plays a worker). */
#include <pthread.h>
#include <semaphore.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "../fakes/fake_qmp.h"
#include "drivers/qemu/qemu_monitor.h"
#include "loop/loop.h"
#include "util/err.h"
#include "util/mem.h"

#define MAX_EVENTS 16
#define WAIT_MS 20000

struct fixture {
    char dir[64];
    char path[128];
    struct qd_fake_qmp *fake;
    struct qd_loop *loop;
    pthread_t loop_thread;
    struct qd_qmp *mon;

    /* what the callbacks saw, under @lock */
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int nevents;
    char *event_names[MAX_EVENTS];
    char *event_data[MAX_EVENTS];
    long long event_seconds[MAX_EVENTS];
    size_t event_size[MAX_EVENTS];
    bool events_on_loop;
    int neof;
    bool eof_on_loop;
    int nrelease;
    bool close_on_shutdown;     /* cb_event closes the monitor on SHUTDOWN */
};

static void
cb_event(struct qd_qmp *mon, const char *name, json_object *data,
         long long seconds, unsigned micros, void *opaque)
{
    struct fixture *fx = opaque;
    const char *text = data ? json_object_to_json_string_ext(
        data, JSON_C_TO_STRING_PLAIN) : NULL;

    pthread_mutex_lock(&fx->lock);
    if (fx->nevents < MAX_EVENTS) {
        fx->event_names[fx->nevents] = qd_strdup(name);
        fx->event_size[fx->nevents] = text ? strlen(text) : 0;
        fx->event_data[fx->nevents] =
            text && strlen(text) < 1024 ? qd_strdup(text) : NULL;
        fx->event_seconds[fx->nevents] = seconds;
        fx->nevents++;
    }
    if (!qd_loop_is_loop_thread(fx->loop))
        fx->events_on_loop = false;
    pthread_cond_broadcast(&fx->cond);
    pthread_mutex_unlock(&fx->lock);
    if (fx->close_on_shutdown && strcmp(name, "SHUTDOWN") == 0) {
        assert_ptr_equal(mon, fx->mon);
        qd_qmp_close(steal_ptr(&fx->mon));
    }
}

static void
cb_eof(struct qd_qmp *mon, void *opaque)
{
    struct fixture *fx = opaque;

    pthread_mutex_lock(&fx->lock);
    fx->neof++;
    fx->eof_on_loop = qd_loop_is_loop_thread(fx->loop);
    pthread_cond_broadcast(&fx->cond);
    pthread_mutex_unlock(&fx->lock);
}

static void
cb_release(void *opaque)
{
    struct fixture *fx = opaque;

    pthread_mutex_lock(&fx->lock);
    fx->nrelease++;
    pthread_mutex_unlock(&fx->lock);
}

static const struct qd_qmp_callbacks callbacks = {
    .event = cb_event,
    .eof = cb_eof,
    .release = cb_release,
};

/* Wait until *@counter >= @n (under fx->lock) or WAIT_MS passed. */
static bool
wait_counter(struct fixture *fx, int *counter, int n)
{
    struct timespec ts;
    bool ok;

    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += WAIT_MS / 1000;
    pthread_mutex_lock(&fx->lock);
    while (*counter < n &&
           pthread_cond_timedwait(&fx->cond, &fx->lock, &ts) == 0)
        ;
    ok = *counter >= n;
    pthread_mutex_unlock(&fx->lock);
    return ok;
}

static int
counter(struct fixture *fx, int *c)
{
    int n;

    pthread_mutex_lock(&fx->lock);
    n = *c;
    pthread_mutex_unlock(&fx->lock);
    return n;
}

static void
post_sem(void *opaque)
{
    sem_post(opaque);
}

/* Wait until the loop has run everything posted so far (twice, so what
 * those posts posted has run too). */
static void
loop_sync(struct fixture *fx)
{
    sem_t sem;
    int i;

    sem_init(&sem, 0, 0);
    for (i = 0; i < 2; i++) {
        qd_loop_post(fx->loop, post_sem, &sem);
        sem_wait(&sem);
    }
    sem_destroy(&sem);
}

static void
post_quit(void *opaque)
{
    qd_loop_quit(opaque);
}

static void *
loop_main(void *opaque)
{
    qd_loop_run(opaque);
    return NULL;
}

static int
setup(void **state)
{
    struct fixture *fx = QD_NEW(struct fixture);
    struct qd_err err = QD_ERR_INIT;

    strcpy(fx->dir, "/tmp/qd-qmp-XXXXXX");
    if (!mkdtemp(fx->dir))
        return -1;
    snprintf(fx->path, sizeof(fx->path), "%s/qmp.sock", fx->dir);
    pthread_mutex_init(&fx->lock, NULL);
    pthread_cond_init(&fx->cond, NULL);
    fx->events_on_loop = true;
    if (!(fx->fake = qd_fake_qmp_start(fx->path)))
        return -1;
    if (!(fx->loop = qd_loop_new(&err)))
        return -1;
    pthread_create(&fx->loop_thread, NULL, loop_main, fx->loop);
    *state = fx;
    return 0;
}

/* Open the monitor on the fake with the test callbacks. */
static struct qd_qmp *
open_mon(struct fixture *fx)
{
    struct qd_err err = QD_ERR_INIT;
    struct qd_qmp *mon;

    mon = qd_qmp_open(fx->loop, fx->path, &callbacks, fx, WAIT_MS, &err);
    if (!mon)
        fail_msg("open: %s", err.message);
    return mon;
}

static int
teardown(void **state)
{
    struct fixture *fx = *state;
    int i;

    qd_qmp_close(fx->mon);
    loop_sync(fx);
    if (fx->mon)
        assert_int_equal(counter(fx, &fx->nrelease), 1);
    qd_loop_post(fx->loop, post_quit, fx->loop);  /* quit from the loop */
    pthread_join(fx->loop_thread, NULL);
    qd_loop_free(fx->loop);
    qd_fake_qmp_stop(fx->fake);
    (void) rmdir(fx->dir);
    for (i = 0; i < fx->nevents; i++) {
        free(fx->event_names[i]);
        free(fx->event_data[i]);
    }
    pthread_cond_destroy(&fx->cond);
    pthread_mutex_destroy(&fx->lock);
    free(fx);
    return 0;
}

/* A command run on a helper thread, for tests that interrupt it. */
struct bg_cmd {
    struct qd_qmp *mon;
    const char *name;
    int timeout_ms;
    int rc;
    struct qd_err err;
    pthread_t thread;
};

static void *
bg_main(void *opaque)
{
    struct bg_cmd *bg = opaque;

    bg->rc = qd_qmp_command(bg->mon, bg->name, NULL, NULL, bg->timeout_ms,
                            &bg->err);
    return NULL;
}

static void
bg_start(struct bg_cmd *bg, struct qd_qmp *mon, const char *name)
{
    memset(bg, 0, sizeof(*bg));
    bg->mon = mon;
    bg->name = name;
    bg->timeout_ms = 3 * WAIT_MS;
    pthread_create(&bg->thread, NULL, bg_main, bg);
}

struct bg_open {
    struct fixture *fx;
    struct qd_qmp *mon;
    struct qd_err err;
    pthread_t thread;
};

static void *
bg_open_main(void *opaque)
{
    struct bg_open *bo = opaque;

    bo->mon = qd_qmp_open(bo->fx->loop, bo->fx->path, &callbacks, bo->fx,
                          WAIT_MS, &bo->err);
    return NULL;
}

/* ---- tests ---------------------------------------------------------- */

static void
test_open_negotiates(void **state)
{
    struct fixture *fx = *state;
    int major = -1, minor = -1, micro = -1;

    fx->mon = open_mon(fx);
    assert_int_equal(qd_fake_qmp_count(fx->fake, "qmp_capabilities"), 1);
    assert_int_equal(qd_fake_qmp_count(fx->fake, NULL), 1);
    qd_qmp_get_version(fx->mon, &major, &minor, &micro);
    assert_int_equal(major, 7);
    assert_int_equal(minor, 2);
    assert_int_equal(micro, 0);
    assert_int_equal(counter(fx, &fx->neof), 0);
}

static void
test_command_return(void **state)
{
    struct fixture *fx = *state;
    struct qd_err err = QD_ERR_INIT;
    json_object *ret = NULL, *v, *args;
    _cleanup_free_ char *req = NULL;

    fx->mon = open_mon(fx);
    qd_fake_qmp_set_reply(fx->fake, "query-status",
                          "{\"return\": {\"status\": \"running\", "
                          "\"singlestep\": false, \"running\": true}}");
    assert_int_equal(qd_qmp_command(fx->mon, "query-status", NULL, &ret,
                                     WAIT_MS, &err), 0);
    assert_true(json_object_object_get_ex(ret, "status", &v));
    assert_string_equal(json_object_get_string(v), "running");
    assert_true(json_object_object_get_ex(ret, "running", &v));
    assert_true(json_object_get_boolean(v));
    json_object_put(ret);

    /* arguments are sent, and an "id" of ours */
    qd_fake_qmp_set_reply(fx->fake, "human-monitor-command",
                          "{\"return\": \"7.2.0\\r\\n\"}");
    args = json_object_new_object();
    json_object_object_add(args, "command-line",
                           json_object_new_string("info version"));
    assert_int_equal(qd_qmp_command(fx->mon, "human-monitor-command", args,
                                    &ret, WAIT_MS, &err), 0);
    assert_string_equal(json_object_get_string(ret), "7.2.0\r\n");
    json_object_put(ret);
    req = qd_fake_qmp_last_request(fx->fake, "human-monitor-command");
    assert_non_null(req);
    assert_non_null(strstr(req, "\"arguments\":{\"command-line\":"
                                "\"info version\"}"));
    assert_non_null(strstr(req, "\"id\":\"qd-"));

    /* no @ret_return wanted */
    qd_fake_qmp_set_reply(fx->fake, "cont", "{\"return\": {}}");
    assert_int_equal(qd_qmp_command(fx->mon, "cont", NULL, NULL, WAIT_MS,
                                    &err), 0);
    assert_false(qd_err_is_set(&err));
}

static void
test_command_error(void **state)
{
    struct fixture *fx = *state;
    struct qd_err err = QD_ERR_INIT;
    json_object *ret = NULL;

    fx->mon = open_mon(fx);
    qd_fake_qmp_set_error(fx->fake, "device_del", "DeviceNotFound",
                          "Device 'net0' not found");
    assert_int_equal(qd_qmp_command(fx->mon, "device_del", NULL, &ret,
                                    WAIT_MS, &err), -1);
    assert_null(ret);
    assert_int_equal(err.code, 1);
    assert_int_equal(err.domain, 10);
    assert_string_equal(err.message, "internal error: unable to execute QEMU "
                        "command 'device_del': Device 'net0' not found");
    qd_err_clear(&err);

    assert_int_equal(qd_qmp_command(fx->mon, "no-such-command", NULL, NULL,
                                    WAIT_MS, &err), -1);
    assert_string_equal(err.message, "internal error: unable to execute QEMU "
                        "command 'no-such-command': The command "
                        "no-such-command has not been found");
    qd_err_clear(&err);

    /* libvirt-compat: an error without a class gets the generic text */
    qd_fake_qmp_set_reply(fx->fake, "odd", "{\"error\": {\"desc\": \"x\"}}");
    assert_int_equal(qd_qmp_command(fx->mon, "odd", NULL, NULL, WAIT_MS,
                                    &err), -1);
    assert_string_equal(err.message, "internal error: unable to execute QEMU "
                        "command 'odd': unknown QEMU command error");
    qd_err_clear(&err);

    qd_fake_qmp_set_reply(fx->fake, "stop", "{\"return\": {}}");
    assert_int_equal(qd_qmp_command(fx->mon, "stop", NULL, NULL, WAIT_MS,
                                    &err), 0);
}

static void
test_timeout(void **state)
{
    struct fixture *fx = *state;
    struct qd_err err = QD_ERR_INIT;
    json_object *ret = NULL, *v;

    fx->mon = open_mon(fx);
    qd_fake_qmp_set_delay(fx->fake, "query-hang", QD_FAKE_QMP_NO_REPLY);
    assert_int_equal(qd_qmp_command(fx->mon, "query-hang", NULL, NULL, 100,
                                    &err), -1);
    assert_int_equal(err.code, 68);
    assert_int_equal(err.domain, 10);
    assert_string_equal(err.message, "Timed out during operation: no reply "
                        "from QEMU monitor to 'query-hang' within 100 ms");
    qd_err_clear(&err);

    /* still usable */
    qd_fake_qmp_set_reply(fx->fake, "query-status",
                          "{\"return\": {\"status\": \"paused\"}}");
    assert_int_equal(qd_qmp_command(fx->mon, "query-status", NULL, &ret,
                                    WAIT_MS, &err), 0);
    json_object_put(ret);

    /* a late reply is dropped, not given to the next command */
    qd_fake_qmp_set_reply(fx->fake, "query-late", "{\"return\": \"late\"}");
    qd_fake_qmp_set_delay(fx->fake, "query-late", 300);
    assert_int_equal(qd_qmp_command(fx->mon, "query-late", NULL, &ret, 50,
                                    &err), -1);
    assert_int_equal(err.code, 68);
    qd_err_clear(&err);
    assert_int_equal(qd_qmp_command(fx->mon, "query-status", NULL, &ret,
                                    WAIT_MS, &err), 0);
    assert_true(json_object_object_get_ex(ret, "status", &v));
    assert_string_equal(json_object_get_string(v), "paused");
    json_object_put(ret);
    assert_int_equal(counter(fx, &fx->neof), 0);
}

static void
test_events_in_order(void **state)
{
    struct fixture *fx = *state;

    fx->mon = open_mon(fx);
    assert_true(qd_fake_qmp_emit_event(fx->fake, "STOP", NULL));
    assert_true(qd_fake_qmp_emit_event(fx->fake, "RESUME", NULL));
    assert_true(qd_fake_qmp_emit_event(fx->fake, "SHUTDOWN",
                                       "{\"guest\": true, "
                                       "\"reason\": \"guest-shutdown\"}"));
    assert_true(qd_fake_qmp_emit_event(fx->fake, "GUEST_PANICKED",
                                       "{\"action\": \"pause\"}"));
    assert_true(wait_counter(fx, &fx->nevents, 4));
    pthread_mutex_lock(&fx->lock);
    assert_string_equal(fx->event_names[0], "STOP");
    assert_null(fx->event_data[0]);
    assert_string_equal(fx->event_names[1], "RESUME");
    assert_string_equal(fx->event_names[2], "SHUTDOWN");
    assert_string_equal(fx->event_data[2],
                        "{\"guest\":true,\"reason\":\"guest-shutdown\"}");
    assert_string_equal(fx->event_names[3], "GUEST_PANICKED");
    assert_true(fx->event_seconds[0] > 1600000000LL);
    assert_true(fx->events_on_loop);
    pthread_mutex_unlock(&fx->lock);
}

static void
test_eof_callback(void **state)
{
    struct fixture *fx = *state;
    struct qd_err err = QD_ERR_INIT;

    fx->mon = open_mon(fx);
    qd_qmp_set_name(fx->mon, "vm1");
    /* QEMU's last words arrive before the EOF */
    assert_true(qd_fake_qmp_emit_event(fx->fake, "SHUTDOWN",
                                       "{\"guest\": false, "
                                       "\"reason\": \"host-qmp-quit\"}"));
    qd_fake_qmp_disconnect(fx->fake);
    assert_true(wait_counter(fx, &fx->neof, 1));
    pthread_mutex_lock(&fx->lock);
    assert_true(fx->eof_on_loop);
    assert_int_equal(fx->nevents, 1);
    assert_string_equal(fx->event_names[0], "SHUTDOWN");
    pthread_mutex_unlock(&fx->lock);
    assert_int_equal(qd_qmp_command(fx->mon, "query-status", NULL, NULL,
                                    WAIT_MS, &err), -1);
    assert_int_equal(err.code, 1);
    assert_int_equal(err.domain, 10);
    assert_string_equal(err.message, "internal error: End of file from qemu "
                        "monitor (vm='vm1')");
    qd_err_clear(&err);
    loop_sync(fx);
    assert_int_equal(counter(fx, &fx->neof), 1);
}

static void
test_eof_while_waiting(void **state)
{
    struct fixture *fx = *state;
    struct bg_cmd bg;

    fx->mon = open_mon(fx);
    qd_fake_qmp_set_delay(fx->fake, "query-hang", QD_FAKE_QMP_NO_REPLY);
    bg_start(&bg, fx->mon, "query-hang");
    assert_true(qd_fake_qmp_wait_count(fx->fake, "query-hang", 1, WAIT_MS));
    qd_fake_qmp_disconnect(fx->fake);
    pthread_join(bg.thread, NULL);
    assert_int_equal(bg.rc, -1);
    assert_int_equal(bg.err.code, 1);
    assert_string_equal(bg.err.message,
                        "internal error: End of file from qemu monitor");
    qd_err_clear(&bg.err);
    assert_true(wait_counter(fx, &fx->neof, 1));
}

static void
test_close_while_waiting(void **state)
{
    struct fixture *fx = *state;
    struct bg_cmd bg;

    fx->mon = open_mon(fx);
    qd_fake_qmp_set_delay(fx->fake, "query-hang", QD_FAKE_QMP_NO_REPLY);
    bg_start(&bg, fx->mon, "query-hang");
    assert_true(qd_fake_qmp_wait_count(fx->fake, "query-hang", 1, WAIT_MS));
    qd_qmp_close(steal_ptr(&fx->mon));
    pthread_join(bg.thread, NULL);
    assert_int_equal(bg.rc, -1);
    assert_int_equal(bg.err.code, 9);
    assert_int_equal(bg.err.domain, 10);
    assert_string_equal(bg.err.message,
                        "operation failed: QEMU monitor was closed");
    qd_err_clear(&bg.err);
    loop_sync(fx);
    assert_int_equal(counter(fx, &fx->nrelease), 1);
    assert_int_equal(counter(fx, &fx->neof), 0);
    /* the loop closed the socket: the fake cannot write any more */
    assert_false(qd_fake_qmp_emit_event(fx->fake, "STOP", NULL));
    loop_sync(fx);
    assert_int_equal(counter(fx, &fx->nevents), 0);
}

static void
test_close_from_callback(void **state)
{
    struct fixture *fx = *state;

    fx->mon = open_mon(fx);
    fx->close_on_shutdown = true;
    assert_true(qd_fake_qmp_emit_event(fx->fake, "SHUTDOWN", NULL));
    assert_true(wait_counter(fx, &fx->nrelease, 1));
    /* nothing after the close reaches the owner */
    (void) qd_fake_qmp_emit_event(fx->fake, "STOP", NULL);
    loop_sync(fx);
    assert_null(fx->mon);
    assert_int_equal(counter(fx, &fx->nevents), 1);
    assert_int_equal(counter(fx, &fx->neof), 0);
    assert_int_equal(counter(fx, &fx->nrelease), 1);
}

static void
test_events_during_open(void **state)
{
    struct fixture *fx = *state;
    struct bg_open bo = { .fx = fx };

    /* QEMU sends no event before negotiation completes, but one may
     * arrive before qd_qmp_open returns: it is held, then delivered */
    qd_fake_qmp_set_delay(fx->fake, "qmp_capabilities", 200);
    pthread_create(&bo.thread, NULL, bg_open_main, &bo);
    assert_true(qd_fake_qmp_wait_count(fx->fake, "qmp_capabilities", 1,
                                       WAIT_MS));
    assert_true(qd_fake_qmp_emit_event(fx->fake, "STOP", NULL));
    pthread_join(bo.thread, NULL);
    assert_non_null(bo.mon);
    fx->mon = bo.mon;
    assert_true(qd_fake_qmp_emit_event(fx->fake, "RESUME", NULL));
    assert_true(wait_counter(fx, &fx->nevents, 2));
    pthread_mutex_lock(&fx->lock);
    assert_string_equal(fx->event_names[0], "STOP");
    assert_string_equal(fx->event_names[1], "RESUME");
    assert_true(fx->events_on_loop);
    pthread_mutex_unlock(&fx->lock);

}

static void
test_raw_passthrough(void **state)
{
    struct fixture *fx = *state;
    struct qd_err err = QD_ERR_INIT;
    char *reply = NULL;
    _cleanup_free_ char *req = NULL;

    fx->mon = open_mon(fx);
    qd_fake_qmp_set_reply(fx->fake, "query-status",
                          "{\"return\": {\"status\": \"running\", "
                          "\"singlestep\": false, \"running\": true}}");
    assert_int_equal(qd_qmp_command_raw(fx->mon, "{\"execute\": "
                                        "\"query-status\", \"id\": \"mine\"}",
                                        &reply, WAIT_MS, &err), 0);
    assert_non_null(strstr(reply, "{\"return\":{\"status\":\"running\","
                                  "\"singlestep\":false,\"running\":true},"
                                  "\"id\":\"qd-"));
    free(reply);
    req = qd_fake_qmp_last_request(fx->fake, "query-status");
    assert_null(strstr(req, "mine"));

    /* a QMP error is a reply like any other */
    assert_int_equal(qd_qmp_command_raw(fx->mon, "{\"execute\":\"nope\"}",
                                        &reply, WAIT_MS, &err), 0);
    assert_non_null(strstr(reply, "{\"error\":{\"class\":\"CommandNotFound\","
                                  "\"desc\":\"The command nope has not been "
                                  "found\"},\"id\":\"qd-"));
    free(reply);

    /* not an object: sent without an id, answered in order */
    assert_int_equal(qd_qmp_command_raw(fx->mon, "[1]", &reply, WAIT_MS,
                                        &err), 0);
    assert_string_equal(reply, "{\"error\":{\"class\":\"GenericError\","
                        "\"desc\":\"QMP input must be a JSON object\"}}");
    free(reply);

    assert_int_equal(qd_qmp_command_raw(fx->mon, "{oops", &reply, WAIT_MS,
                                        &err), -1);
    assert_int_equal(err.code, 1);
    assert_int_equal(err.domain, 10);
    assert_true(strncmp(err.message, "internal error: cannot parse json "
                        "{oops: ", 40) == 0);
    qd_err_clear(&err);
}

static void
test_oversized_line(void **state)
{
    struct fixture *fx = *state;
    struct qd_err err = QD_ERR_INIT;
    size_t big = 2 * 1024 * 1024, huge = QD_QMP_MAX_LINE + 4096;
    char *data, *line;
    int n;

    fx->mon = open_mon(fx);

    /* 2 MiB is fine */
    data = qd_malloc(big + 3);
    data[0] = '"';
    memset(data + 1, 'a', big);
    data[big + 1] = '"';
    data[big + 2] = '\0';
    assert_true(qd_fake_qmp_emit_event(fx->fake, "BIG", data));
    free(data);
    assert_true(wait_counter(fx, &fx->nevents, 1));
    pthread_mutex_lock(&fx->lock);
    assert_int_equal(fx->event_size[0], big + 2);
    pthread_mutex_unlock(&fx->lock);

    /* beyond the bound, even without a newline yet: closed */
    line = qd_malloc(huge);
    memset(line, 'x', huge);
    (void) qd_fake_qmp_send_raw(fx->fake, line, huge);
    free(line);
    assert_true(wait_counter(fx, &fx->neof, 1));
    assert_int_equal(qd_qmp_command(fx->mon, "query-status", NULL, NULL,
                                    WAIT_MS, &err), -1);
    assert_string_equal(err.message, "internal error: QEMU monitor reply "
                        "exceeds buffer size (16777216 bytes)");
    qd_err_clear(&err);
    n = counter(fx, &fx->nevents);
    assert_int_equal(n, 1);
}

static void
test_malformed_line(void **state)
{
    struct fixture *fx = *state;
    struct qd_err err = QD_ERR_INIT;
    static const char bad[] = "{\"return\": oops}\r\n";
    struct bg_cmd bg;

    fx->mon = open_mon(fx);
    qd_fake_qmp_set_delay(fx->fake, "query-hang", QD_FAKE_QMP_NO_REPLY);
    bg_start(&bg, fx->mon, "query-hang");
    assert_true(qd_fake_qmp_wait_count(fx->fake, "query-hang", 1, WAIT_MS));
    (void) qd_fake_qmp_send_raw(fx->fake, bad, strlen(bad));
    pthread_join(bg.thread, NULL);
    assert_int_equal(bg.rc, -1);
    assert_int_equal(bg.err.code, 1);
    assert_true(strncmp(bg.err.message, "internal error: cannot parse json "
                        "{\"return\": oops}: ", 50) == 0);
    qd_err_clear(&bg.err);
    assert_true(wait_counter(fx, &fx->neof, 1));
    assert_int_equal(qd_qmp_command(fx->mon, "query-status", NULL, NULL,
                                    WAIT_MS, &err), -1);
    assert_true(strncmp(err.message, "internal error: cannot parse json",
                        33) == 0);
    qd_err_clear(&err);

    /* a JSON value that is not an object is as bad */
    teardown(state);
    assert_int_equal(setup(state), 0);
    fx = *state;
    fx->mon = open_mon(fx);
    (void) qd_fake_qmp_send_raw(fx->fake, "[1]\r\n", 5);
    assert_true(wait_counter(fx, &fx->neof, 1));
    assert_int_equal(qd_qmp_command(fx->mon, "query-status", NULL, NULL,
                                    WAIT_MS, &err), -1);
    assert_string_equal(err.message, "internal error: Parsed JSON reply "
                        "'[1]' isn't an object");
    qd_err_clear(&err);
}

static void
test_open_no_greeting(void **state)
{
    struct fixture *fx = *state;
    struct qd_err err = QD_ERR_INIT;
    struct qd_qmp *mon;

    qd_fake_qmp_set_greeting(fx->fake, NULL);
    mon = qd_qmp_open(fx->loop, fx->path, &callbacks, fx, 200, &err);
    assert_null(mon);
    assert_int_equal(err.code, 68);
    assert_int_equal(err.domain, 10);
    qd_err_clear(&err);
    assert_int_equal(qd_fake_qmp_count(fx->fake, NULL), 0);
    loop_sync(fx);
    assert_int_equal(counter(fx, &fx->nrelease), 0);
    assert_int_equal(counter(fx, &fx->neof), 0);
}

static void
test_open_fails(void **state)
{
    struct fixture *fx = *state;
    struct qd_err err = QD_ERR_INIT;
    struct bg_open bo = { .fx = fx };

    qd_fake_qmp_set_error(fx->fake, "qmp_capabilities", "GenericError",
                          "nope");
    assert_null(qd_qmp_open(fx->loop, fx->path, &callbacks, fx, WAIT_MS,
                            &err));
    assert_string_equal(err.message, "internal error: unable to execute QEMU "
                        "command 'qmp_capabilities': nope");
    qd_err_clear(&err);

    /* EOF before the greeting */
    qd_fake_qmp_set_greeting(fx->fake, NULL);
    pthread_create(&bo.thread, NULL, bg_open_main, &bo);
    while (qd_fake_qmp_connections(fx->fake) < 2)
        usleep(1000);
    qd_fake_qmp_disconnect(fx->fake);
    pthread_join(bo.thread, NULL);
    assert_null(bo.mon);
    assert_string_equal(bo.err.message,
                        "internal error: End of file from qemu monitor");
    qd_err_clear(&bo.err);

    loop_sync(fx);
    assert_int_equal(counter(fx, &fx->nrelease), 0);
    assert_int_equal(counter(fx, &fx->neof), 0);
}

static void
test_open_no_socket(void **state)
{
    struct fixture *fx = *state;
    struct qd_err err = QD_ERR_INIT;
    char path[160];

    snprintf(path, sizeof(path), "%s/absent.sock", fx->dir);
    assert_null(qd_qmp_open(fx->loop, path, &callbacks, fx, 100, &err));
    assert_int_equal(err.code, 38);
    assert_int_equal(err.domain, 10);
    assert_string_equal(err.message, "failed to connect to monitor socket: "
                        "No such file or directory");
    qd_err_clear(&err);
}

struct worker {
    struct qd_qmp *mon;
    int idx;
    int failures;
    pthread_t thread;
};

#define NWORKERS 8
#define NCALLS 50

static void *
worker_main(void *opaque)
{
    struct worker *w = opaque;
    char name[32];
    int i;

    snprintf(name, sizeof(name), "query-w%d", w->idx);
    for (i = 0; i < NCALLS; i++) {
        struct qd_err err = QD_ERR_INIT;
        json_object *ret = NULL;

        if (qd_qmp_command(w->mon, name, NULL, &ret, WAIT_MS, &err) < 0 ||
            json_object_get_int(ret) != w->idx)
            w->failures++;
        json_object_put(ret);
        qd_err_clear(&err);
    }
    return NULL;
}

static void
test_concurrent_commands(void **state)
{
    struct fixture *fx = *state;
    struct worker w[NWORKERS];
    int i;

    fx->mon = open_mon(fx);
    for (i = 0; i < NWORKERS; i++) {
        char name[32], reply[64];

        snprintf(name, sizeof(name), "query-w%d", i);
        snprintf(reply, sizeof(reply), "{\"return\": %d}", i);
        qd_fake_qmp_set_reply(fx->fake, name, reply);
    }
    for (i = 0; i < NWORKERS; i++) {
        w[i] = (struct worker) { .mon = fx->mon, .idx = i };
        pthread_create(&w[i].thread, NULL, worker_main, &w[i]);
    }
    /* events interleave with the replies */
    for (i = 0; i < 10; i++)
        assert_true(qd_fake_qmp_emit_event(fx->fake, "RTC_CHANGE",
                                           "{\"offset\": 1}"));
    for (i = 0; i < NWORKERS; i++) {
        pthread_join(w[i].thread, NULL);
        assert_int_equal(w[i].failures, 0);
    }
    assert_true(wait_counter(fx, &fx->nevents, 10));
    assert_int_equal(qd_fake_qmp_count(fx->fake, NULL),
                     1 + NWORKERS * NCALLS);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_open_negotiates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_command_return, setup, teardown),
        cmocka_unit_test_setup_teardown(test_command_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timeout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_events_in_order, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_eof_callback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_eof_while_waiting, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_close_while_waiting, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_close_from_callback, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_events_during_open, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_raw_passthrough, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_oversized_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_no_greeting, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_open_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_no_socket, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_commands, setup,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
