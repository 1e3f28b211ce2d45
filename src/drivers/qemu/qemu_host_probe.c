/* The QMP capability probe of a QEMU binary: "-machine none" with QMP on
 * a socketpair as QEMU's stdio, the queries sent in one go, the replies
 * read with a time bound, then QEMU is killed. Blocks its calling
 * thread, never the loop. */
#define QD_LOG_MODULE "qemu.host"

#include "drivers/qemu/qemu_host_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <json-c/json.h>

#include "util/log.h"
#include "util/mem.h"

/* QMP replies are one line each; query-cpu-definitions is the biggest
 * we ask for (~60 KiB on 7.2). Anything near this is not QEMU. */
#define PROBE_MAX_LINE (4 * 1024 * 1024)
/* ---- QMP over a socketpair ------------------------------------------ */

struct qmp_io {
    int fd;
    int64_t deadline;
    struct qd_buf in;          /* bytes read, not yet a full line */
    unsigned next_id;
    char *why;                 /* heap: what went wrong */
};

static int
qmp_fail(struct qmp_io *q, const char *why)
{
    if (!q->why)
        q->why = qd_strdup(why);
    return -1;
}

/* The next QMP message that is not an event, or NULL (q->why set). */
static json_object *
qmp_read(struct qmp_io *q)
{
    struct pollfd pfd = { .fd = q->fd, .events = POLLIN };
    char *nl;
    ssize_t n;
    int rc;

    for (;;) {
        nl = q->in.len ? memchr(q->in.data, '\n', q->in.len) : NULL;
        if (nl) {
            size_t linelen = (size_t) (nl - (char *) q->in.data);
            json_object *obj;
            json_object *ev;

            *nl = '\0';
            obj = json_tokener_parse((char *) q->in.data);
            memmove(q->in.data, nl + 1, q->in.len - linelen - 1);
            q->in.len -= linelen + 1;
            if (!obj || !json_object_is_type(obj, json_type_object)) {
                json_object_put(obj);
                qmp_fail(q, "QEMU sent a malformed QMP message");
                return NULL;
            }
            if (json_object_object_get_ex(obj, "event", &ev)) {
                json_object_put(obj);
                continue;
            }
            return obj;
        }
        if (q->in.len > PROBE_MAX_LINE) {
            qmp_fail(q, "QEMU sent an over-long QMP message");
            return NULL;
        }
        rc = poll(&pfd, 1, qd_qemu_remaining_ms(q->deadline));
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc == 0) {
            qmp_fail(q, "timed out waiting for QMP");
            return NULL;
        }
        n = read(q->fd, qd_buf_extend(&q->in, 65536), 65536);
        q->in.len -= 65536 - (n > 0 ? (size_t) n : 0);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n <= 0) {
            qmp_fail(q, "QEMU closed its QMP connection");
            return NULL;
        }
    }
}

static int
qmp_write_all(struct qmp_io *q, const char *s, size_t len)
{
    struct pollfd pfd = { .fd = q->fd, .events = POLLOUT };
    ssize_t n;

    while (len > 0) {
        n = send(q->fd, s, len, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            s += n;
            len -= (size_t) n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN) {
            if (poll(&pfd, 1, qd_qemu_remaining_ms(q->deadline)) == 0)
                return qmp_fail(q, "timed out writing to QMP");
            continue;
        }
        return qmp_fail(q, "QEMU closed its QMP connection");
    }
    return 0;
}

/* Send @cmd (with @args, taken; may be NULL) under id "probe-N" and
 * return N, or -1 (q->why set). Replies are read with qmp_wait(), so
 * several commands can be in flight: QEMU answers them in order. */
static int
qmp_send(struct qmp_io *q, const char *cmd, json_object *args)
{
    json_object *msg = json_object_new_object();
    unsigned n = q->next_id++;
    char id[32];
    const char *text;
    int rc;

    snprintf(id, sizeof(id), "probe-%u", n);
    json_object_object_add(msg, "execute", json_object_new_string(cmd));
    if (args)
        json_object_object_add(msg, "arguments", args);
    json_object_object_add(msg, "id", json_object_new_string(id));
    text = json_object_to_json_string_ext(msg, JSON_C_TO_STRING_PLAIN);
    rc = qmp_write_all(q, text, strlen(text));
    if (rc == 0)
        rc = qmp_write_all(q, "\n", 1);
    json_object_put(msg);
    return rc < 0 ? -1 : (int) n;
}

/* The "return" value (new reference) of command @n, named @cmd in
 * errors, or NULL (q->why set). */
static json_object *
qmp_wait(struct qmp_io *q, int n, const char *cmd)
{
    json_object *reply, *v, *ret = NULL;
    char id[32];

    if (n < 0)
        return NULL;
    snprintf(id, sizeof(id), "probe-%d", n);
    while ((reply = qmp_read(q))) {
        if (!json_object_object_get_ex(reply, "id", &v) ||
            strcmp(json_object_get_string(v), id) != 0) {
            json_object_put(reply);         /* not ours: ignore */
            continue;
        }
        if (json_object_object_get_ex(reply, "return", &v)) {
            ret = json_object_get(v);
        } else {
            json_object *e, *desc = NULL;
            char *why;

            if (json_object_object_get_ex(reply, "error", &e))
                json_object_object_get_ex(e, "desc", &desc);
            why = qd_asprintf("QMP command '%s' failed: %s", cmd,
                              desc ? json_object_get_string(desc)
                                   : "unknown error");
            qmp_fail(q, why);
            free(why);
        }
        json_object_put(reply);
        return ret;
    }
    return NULL;
}

/* ---- reading the replies -------------------------------------------- */

static const char *
obj_str(json_object *o, const char *key)
{
    json_object *v;

    if (!json_object_object_get_ex(o, key, &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

static bool
obj_bool(json_object *o, const char *key)
{
    json_object *v;

    return json_object_object_get_ex(o, key, &v) && json_object_get_boolean(v);
}

static int64_t
obj_int(json_object *o, const char *key, int64_t dflt)
{
    json_object *v;

    if (!json_object_object_get_ex(o, key, &v))
        return dflt;
    return json_object_get_int64(v);
}

/* Greeting: {"QMP": {"version": {"qemu": {"major":7,...}}}} */
static int
parse_greeting(struct qmp_io *q, json_object *greeting, unsigned long *ret)
{
    json_object *qmp, *ver, *qemu;

    if (!json_object_object_get_ex(greeting, "QMP", &qmp) ||
        !json_object_object_get_ex(qmp, "version", &ver) ||
        !json_object_object_get_ex(ver, "qemu", &qemu))
        return qmp_fail(q, "QEMU sent no QMP greeting");
    *ret = (unsigned long) obj_int(qemu, "major", 0) * 1000000 +
           (unsigned long) obj_int(qemu, "minor", 0) * 1000 +
           (unsigned long) obj_int(qemu, "micro", 0);
    return 0;
}

/* query-target's arch in libvirt's spelling. */
static char *
arch_from_target(const char *arch)
{
    if (strcmp(arch, "i386") == 0)
        return qd_strdup("i686");
    return qd_strdup(arch);
}

static void
parse_accels(json_object *list, struct qd_qemu_probe *p)
{
    size_t i, n = json_object_array_length(list);

    for (i = 0; i < n; i++) {
        const char *name = obj_str(json_object_array_get_idx(list, i), "name");

        if (!name)
            continue;
        if (strcmp(name, "tcg-accel") == 0)
            p->has_tcg = true;
        else if (strcmp(name, "kvm-accel") == 0)
            p->has_kvm = true;
    }
}

/* query-machines, without "none"; libvirt's preferred "pc" (else QEMU's
 * default) is moved to the front, the rest keep QEMU's order. */
static void
parse_machines(json_object *list, struct qd_qemu_probe *p)
{
    size_t i, n = json_object_array_length(list);
    ssize_t preferred = -1, dflt = -1;

    p->machines = qd_calloc(n ? n : 1, sizeof(*p->machines));
    for (i = 0; i < n; i++) {
        json_object *m = json_object_array_get_idx(list, i);
        const char *name = obj_str(m, "name");
        const char *alias = obj_str(m, "alias");
        struct qd_qemu_machine *dst;

        if (!name || strcmp(name, "none") == 0)
            continue;
        dst = &p->machines[p->nmachines];
        dst->name = qd_strdup(name);
        dst->alias = alias ? qd_strdup(alias) : NULL;
        dst->max_cpus = (int) obj_int(m, "cpu-max", 0);
        dst->is_default = obj_bool(m, "is-default");
        dst->deprecated = obj_bool(m, "deprecated");
        if (strcmp(name, "pc") == 0 || (alias && strcmp(alias, "pc") == 0))
            preferred = (ssize_t) p->nmachines;
        if (dst->is_default)
            dflt = (ssize_t) p->nmachines;
        p->nmachines++;
    }
    if (preferred < 0)
        preferred = dflt;
    if (preferred > 0) {
        struct qd_qemu_machine tmp = p->machines[preferred];

        memmove(p->machines + 1, p->machines,
                (size_t) preferred * sizeof(*p->machines));
        p->machines[0] = tmp;
    }
}

/* CPU models a domain XML may name: not the versioned "-vN" aliases and
 * not the special max/host/base types (libvirt does not list them). */
static bool
listed_cpu_model(const char *name)
{
    const char *v = strrchr(name, '-');

    if (strcmp(name, "max") == 0 || strcmp(name, "host") == 0 ||
        strcmp(name, "base") == 0)
        return false;
    if (v && v[1] == 'v' && v[2] >= '0' && v[2] <= '9' &&
        strspn(v + 2, "0123456789") == strlen(v + 2))
        return false;
    return true;
}

static void
parse_cpu_models(json_object *list, struct qd_qemu_cpu_model **ret,
                 size_t *ret_n)
{
    size_t i, n = json_object_array_length(list);
    struct qd_qemu_cpu_model *models = qd_calloc(n ? n : 1, sizeof(*models));
    size_t k = 0;

    for (i = 0; i < n; i++) {
        json_object *c = json_object_array_get_idx(list, i);
        const char *name = obj_str(c, "name");
        json_object *unavail;

        if (!name || !listed_cpu_model(name))
            continue;
        models[k].name = qd_strdup(name);
        models[k].usable =
            !json_object_object_get_ex(c, "unavailable-features", &unavail) ||
            json_object_array_length(unavail) == 0;
        models[k].deprecated = obj_bool(c, "deprecated");
        k++;
    }
    *ret = models;
    *ret_n = k;
}

/* The QMP conversation of one probe: the queries go out together after
 * the handshake (one round trip instead of five; it matters on a busy
 * host). Returns 0 or -1 (q->why set). */
static int
probe_talk(struct qmp_io *q, bool kvm, struct qd_qemu_probe *p)
{
    json_object *greeting, *r;
    json_object *args;
    int id_caps, id_target = -1, id_accels = -1, id_machines = -1, id_cpus;
    const char *arch;

    if (!(greeting = qmp_read(q)))
        return -1;
    if (parse_greeting(q, greeting, &p->version) < 0) {
        json_object_put(greeting);
        return -1;
    }
    json_object_put(greeting);

    id_caps = qmp_send(q, "qmp_capabilities", NULL);
    if (!kvm) {
        /* with @kvm only the CPU models are of interest */
        id_target = qmp_send(q, "query-target", NULL);
        args = json_object_new_object();
        json_object_object_add(args, "implements",
                               json_object_new_string("accel"));
        json_object_object_add(args, "abstract",
                               json_object_new_boolean(false));
        id_accels = qmp_send(q, "qom-list-types", args);
        id_machines = qmp_send(q, "query-machines", NULL);
    }
    id_cpus = qmp_send(q, "query-cpu-definitions", NULL);

    if (!(r = qmp_wait(q, id_caps, "qmp_capabilities")))
        return -1;
    json_object_put(r);
    if (!kvm) {
        if (!(r = qmp_wait(q, id_target, "query-target")))
            return -1;
        arch = obj_str(r, "arch");
        p->arch = arch_from_target(arch ? arch : "x86_64");
        json_object_put(r);
        if (!(r = qmp_wait(q, id_accels, "qom-list-types")))
            return -1;
        parse_accels(r, p);
        json_object_put(r);
        if (!(r = qmp_wait(q, id_machines, "query-machines")))
            return -1;
        parse_machines(r, p);
        json_object_put(r);
    }
    if (!(r = qmp_wait(q, id_cpus, "query-cpu-definitions")))
        return -1;
    if (kvm)
        parse_cpu_models(r, &p->kvm_cpus, &p->nkvm_cpus);
    else
        parse_cpu_models(r, &p->cpus, &p->ncpus);
    json_object_put(r);
    return 0;
}

int
qd_qemu_probe_run(const char *binary, const char *accel, int timeout_ms,
                  struct qd_qemu_probe *p, struct qd_err *err)
{
    bool kvm = strcmp(accel, "kvm") == 0;
    _cleanup_free_ char *machine = qd_asprintf("none,accel=%s", accel);
    char *argv[] = {
        (char *) binary, (char *) "-S", (char *) "-no-user-config",
        (char *) "-nodefaults", (char *) "-display", (char *) "none",
        (char *) "-machine", machine, (char *) "-qmp", (char *) "stdio",
        NULL,
    };
    struct qmp_io q = { .fd = -1, .deadline = qd_qemu_now_ms() + timeout_ms };
    _cleanup_close_ int errpipe_r = -1;
    int sv[2] = { -1, -1 }, errpipe[2] = { -1, -1 };
    int64_t start = qd_qemu_now_ms();
    _cleanup_free_ char *stderr_text = NULL;
    pid_t pid;
    int e, rc;

    if (!p->binary)
        p->binary = qd_strdup(binary);
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        return qd_err_sys(err, QD_ERR_INTERNAL_ERROR, QD_FROM_QEMU, errno,
                          "cannot create a socket pair");
    if (pipe2(errpipe, O_CLOEXEC) < 0) {
        e = errno;
        close(sv[0]);
        close(sv[1]);
        return qd_err_sys(err, QD_ERR_INTERNAL_ERROR, QD_FROM_QEMU, e,
                          "cannot create a pipe");
    }
    errpipe_r = errpipe[0];
    QD_DEBUG("probing %s with accel=%s", binary, accel);
    pid = qd_qemu_spawn(argv, sv[1], sv[1], errpipe[1], &e);
    close(sv[1]);
    close(errpipe[1]);
    q.fd = sv[0];
    if (pid < 0) {
        close(sv[0]);
        return qd_err_sys(err, QD_QEMU_ERR_SYSTEM, QD_FROM_QEMU, e,
                          "Cannot check QEMU binary %s", binary);
    }

    rc = probe_talk(&q, kvm, p);
    close(q.fd);
    /* nothing of a "-machine none" QEMU is worth an orderly exit */
    qd_qemu_reap(pid, 0);
    stderr_text = qd_qemu_drain_stderr(errpipe_r);
    qd_buf_clear(&q.in);
    if (rc < 0) {
        qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_QEMU,
                      "Failed to start QEMU binary %s for probing: %s",
                      binary, stderr_text ? stderr_text : q.why);
        free(q.why);
        return -1;
    }
    free(q.why);
    p->probe_ms += (unsigned) (qd_qemu_now_ms() - start);
    QD_DEBUG("probed %s (accel=%s) in %u ms", binary, accel,
             (unsigned) (qd_qemu_now_ms() - start));
    return 0;
}

static void
free_models(struct qd_qemu_cpu_model *m, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        free(m[i].name);
    free(m);
}

void
qd_qemu_probe_free(struct qd_qemu_probe *p)
{
    size_t i;

    if (!p)
        return;
    for (i = 0; i < p->nmachines; i++) {
        free(p->machines[i].name);
        free(p->machines[i].alias);
    }
    free(p->machines);
    free_models(p->cpus, p->ncpus);
    free_models(p->kvm_cpus, p->nkvm_cpus);
    free(p->binary);
    free(p->arch);
    free(p);
}
