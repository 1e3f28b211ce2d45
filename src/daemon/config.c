/* qemud.conf parsing: libvirtd.conf syntax and keys, plus qemud's own.
 *
 * The syntax is libvirt's virconf subset: "key = value" statements
 * separated by newlines or ';', '#' comments, values that are integers
 * (optional sign), strings in "", '' or """ (no escapes; only """ spans
 * lines) and [ lists ] that may span lines and end with a comma. The whole
 * text is parsed before any key is applied, so syntax errors come first. */
#define QD_LOG_MODULE "daemon.config"

#include "daemon/config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "util/err.h"
#include "util/log.h"
#include "util/mem.h"

#define CONF_MAX_FILE_SIZE (10 * 1024 * 1024)   /* as libvirt's virconf */
#define CONF_MAX_DEPTH 8                        /* list nesting */
#define SUN_PATH_SIZE sizeof(((struct sockaddr_un *) 0)->sun_path)

/* ---- values and the parser ---- */

enum val_type { VAL_NUM, VAL_STRING, VAL_LIST };

struct conf_val {
    enum val_type type;
    long long num;          /* VAL_NUM */
    bool overflow;          /* VAL_NUM outside long long */
    char *str;              /* VAL_STRING contents, VAL_NUM literal text */
    struct conf_val *items; /* VAL_LIST */
    size_t nitems;
};

struct conf_entry {
    char *key;
    int line;
    struct conf_val val;
};

struct parser {
    const char *name;
    const char *p, *end;
    int line;
    struct qd_err *err;
};

static int conf_error(struct qd_err *err, const char *name, int line,
                      const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Fill @err with "<name>:<line>: <message>". Returns -1. */
static int
conf_error(struct qd_err *err, const char *name, int line,
           const char *fmt, ...)
{
    va_list ap;
    char *msg;
    int ret;

    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0)
        abort();
    va_end(ap);
    ret = qd_err_set(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_CONF,
                     "%s:%d: %s", name, line, msg);
    free(msg);
    return ret;
}

static void
val_clear(struct conf_val *v)
{
    size_t i;

    for (i = 0; i < v->nitems; i++)
        val_clear(&v->items[i]);
    free(v->items);
    free(v->str);
    memset(v, 0, sizeof(*v));
}

static void
entries_free(struct conf_entry *entries, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(entries[i].key);
        val_clear(&entries[i].val);
    }
    free(entries);
}

static bool
is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static bool
is_eol(char c)
{
    return c == '\n' || c == '\r';
}

static bool
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool
is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static void
skip_blanks(struct parser *ps)
{
    while (ps->p < ps->end && is_blank(*ps->p))
        ps->p++;
}

static void
skip_blanks_eol(struct parser *ps)
{
    while (ps->p < ps->end && (is_blank(*ps->p) || is_eol(*ps->p))) {
        if (*ps->p == '\n')
            ps->line++;
        ps->p++;
    }
}

static void
skip_to_eol(struct parser *ps)
{
    while (ps->p < ps->end && !is_eol(*ps->p))
        ps->p++;
}

static bool
at(const struct parser *ps, char c)
{
    return ps->p < ps->end && *ps->p == c;
}

static int
parse_string(struct parser *ps, struct conf_val *v)
{
    const char *start;

    if (ps->end - ps->p >= 3 && memcmp(ps->p, "\"\"\"", 3) == 0) {
        int first_line = ps->line;

        ps->p += 3;
        start = ps->p;
        while (ps->p < ps->end &&
               !(ps->end - ps->p >= 3 && memcmp(ps->p, "\"\"\"", 3) == 0)) {
            if (*ps->p == '\n')
                ps->line++;
            ps->p++;
        }
        if (ps->p >= ps->end)
            return conf_error(ps->err, ps->name, first_line,
                              "unterminated string");
        v->str = qd_strndup(start, ps->p - start);
        ps->p += 3;
    } else {
        char quote = *ps->p++;

        start = ps->p;
        while (ps->p < ps->end && *ps->p != quote && !is_eol(*ps->p))
            ps->p++;
        if (!at(ps, quote))
            return conf_error(ps->err, ps->name, ps->line,
                              "unterminated string");
        v->str = qd_strndup(start, ps->p - start);
        ps->p++;
    }
    v->type = VAL_STRING;
    return 0;
}

static int
parse_number(struct parser *ps, struct conf_val *v)
{
    const char *start = ps->p;
    unsigned long long mag = 0;
    bool neg = false;

    if (*ps->p == '-' || *ps->p == '+')
        neg = *ps->p++ == '-';
    if (ps->p >= ps->end || !is_digit(*ps->p))
        return conf_error(ps->err, ps->name, ps->line,
                          "expecting a digit after '%c'", *start);
    for (; ps->p < ps->end && is_digit(*ps->p); ps->p++) {
        unsigned d = (unsigned) (*ps->p - '0');

        if (mag > (ULLONG_MAX - d) / 10)
            v->overflow = true;
        else
            mag = mag * 10 + d;
    }
    if (neg && mag > (unsigned long long) LLONG_MAX + 1)
        v->overflow = true;
    else if (!neg && mag > (unsigned long long) LLONG_MAX)
        v->overflow = true;
    if (!v->overflow)
        v->num = !neg ? (long long) mag :
                 mag == 0 ? 0 : -(long long) (mag - 1) - 1;
    v->type = VAL_NUM;
    v->str = qd_strndup(start, ps->p - start);
    return 0;
}

static int parse_value(struct parser *ps, struct conf_val *v, int depth);

static int
parse_list(struct parser *ps, struct conf_val *v, int depth)
{
    v->type = VAL_LIST;
    if (depth >= CONF_MAX_DEPTH)
        return conf_error(ps->err, ps->name, ps->line,
                          "lists nested too deeply");
    ps->p++;                                    /* '[' */
    skip_blanks_eol(ps);
    while (ps->p < ps->end && *ps->p != ']') {
        /* libvirt-compat: items are separated by ',' and a trailing ','
         * before ']' is allowed, but comments are not. */
        if (v->nitems > 0) {
            if (*ps->p != ',')
                return conf_error(ps->err, ps->name, ps->line,
                                  "expecting ',' or ']' in list");
            ps->p++;
            skip_blanks_eol(ps);
            if (ps->p >= ps->end || *ps->p == ']')
                break;
        }
        v->items = qd_realloc(v->items, (v->nitems + 1) * sizeof(*v->items));
        memset(&v->items[v->nitems], 0, sizeof(*v->items));
        v->nitems++;
        if (parse_value(ps, &v->items[v->nitems - 1], depth + 1) < 0)
            return -1;
        skip_blanks_eol(ps);
    }
    if (!at(ps, ']'))
        return conf_error(ps->err, ps->name, ps->line,
                          "list is not closed with ']'");
    ps->p++;
    return 0;
}

/* Parse one value at the cursor into @v (zeroed). On failure @v may hold
 * partial data; the caller clears it. */
static int
parse_value(struct parser *ps, struct conf_val *v, int depth)
{
    char c;

    skip_blanks(ps);
    if (ps->p >= ps->end || is_eol(*ps->p))
        return conf_error(ps->err, ps->name, ps->line, "expecting a value");
    c = *ps->p;
    if (c == '"' || c == '\'')
        return parse_string(ps, v);
    if (c == '[')
        return parse_list(ps, v, depth);
    if (is_digit(c) || c == '-' || c == '+')
        return parse_number(ps, v);
    return conf_error(ps->err, ps->name, ps->line,
                      "expecting a value (a number, a quoted string or "
                      "a [ list ])");
}

/* Parse "key = value [# comment]" at the cursor into @e. */
static int
parse_statement(struct parser *ps, struct conf_entry *e)
{
    const char *start = ps->p;

    if (!is_alpha(*ps->p))
        return conf_error(ps->err, ps->name, ps->line,
                          "expecting a key name");
    while (ps->p < ps->end &&
           (is_alpha(*ps->p) || is_digit(*ps->p) || *ps->p == '_'))
        ps->p++;
    e->key = qd_strndup(start, ps->p - start);
    e->line = ps->line;
    skip_blanks(ps);
    if (!at(ps, '='))
        return conf_error(ps->err, ps->name, ps->line,
                          "expecting '=' after '%s'", e->key);
    ps->p++;
    if (parse_value(ps, &e->val, 0) < 0)
        return -1;
    skip_blanks(ps);
    if (at(ps, '#'))
        skip_to_eol(ps);
    if (ps->p < ps->end && !is_eol(*ps->p) && *ps->p != ';')
        return conf_error(ps->err, ps->name, ps->line,
                          "unexpected text after the value of '%s'", e->key);
    if (at(ps, ';'))
        ps->p++;
    return 0;
}

/* Parse all of @text into entries, in file order. */
static int
parse_text(const char *name, const char *text, size_t len,
           struct conf_entry **ret_entries, size_t *ret_n,
           struct qd_err *err)
{
    struct parser ps = { name, text, text + len, 1, err };
    struct conf_entry *entries = NULL;
    size_t n = 0;

    for (;;) {
        skip_blanks_eol(&ps);
        if (ps.p >= ps.end)
            break;
        if (*ps.p == '#') {
            skip_to_eol(&ps);
            continue;
        }
        entries = qd_realloc(entries, (n + 1) * sizeof(*entries));
        memset(&entries[n], 0, sizeof(*entries));
        n++;
        if (parse_statement(&ps, &entries[n - 1]) < 0) {
            entries_free(entries, n);
            return -1;
        }
    }
    *ret_entries = entries;
    *ret_n = n;
    return 0;
}

/* ---- the keys ---- */

enum key_kind {
    KIND_BOOL,      /* bool from an integer 0 or 1 */
    KIND_INT,       /* int within [min, max] */
    KIND_UINT,      /* unsigned within [min, max] */
    KIND_STRING,    /* char * */
    KIND_LIST,      /* NULL-terminated char ** of strings */
    KIND_PERMS,     /* octal string such as "0770" -> unsigned */
    KIND_AUTH,      /* char *: "none", "sasl" or "polkit" */
    KIND_ANY,       /* obsolete libvirtd key: any value, never read */
};

struct conf_key {
    const char *name;
    enum key_kind kind;
    size_t offset;          /* into struct qd_config; unused when ignored */
    long long min, max;     /* KIND_INT, KIND_UINT */
    bool ignored;           /* libvirtd key qemud does not implement */
    bool zero_keeps;        /* 0 leaves the default in place */
};

#define FIELD(f) offsetof(struct qd_config, f)
#define K_BOOL(n) { #n, KIND_BOOL, FIELD(n), 0, 1, false, false }
#define K_STR(n) { #n, KIND_STRING, FIELD(n), 0, 0, false, false }
#define K_LIST(n) { #n, KIND_LIST, FIELD(n), 0, 0, false, false }
#define K_PERMS(n) { #n, KIND_PERMS, FIELD(n), 0, 0, false, false }
#define K_AUTH(n) { #n, KIND_AUTH, FIELD(n), 0, 0, false, false }
#define K_UINT(n, lo) { #n, KIND_UINT, FIELD(n), lo, UINT_MAX, false, false }
#define K_INT(n, lo) { #n, KIND_INT, FIELD(n), lo, INT_MAX, false, false }
#define IGN(n, kind, lo, hi) { #n, kind, 0, lo, hi, true, false }

/* Every key libvirt 9.0's libvirtd.conf.in shows or remote_daemon_config.c
 * reads, with libvirtd's types, then qemud's own. */
static const struct conf_key conf_keys[] = {
    /* network listeners */
    K_BOOL(listen_tls),
    K_BOOL(listen_tcp),
    K_STR(tls_port),
    K_STR(tcp_port),
    K_STR(listen_addr),
    /* UNIX sockets */
    K_STR(unix_sock_group),
    K_PERMS(unix_sock_ro_perms),
    K_PERMS(unix_sock_rw_perms),
    K_PERMS(unix_sock_admin_perms),
    K_STR(unix_sock_dir),
    /* authentication */
    K_AUTH(auth_unix_ro),
    K_AUTH(auth_unix_rw),
    K_AUTH(auth_tcp),
    K_AUTH(auth_tls),
    /* libvirt-compat: libvirtd refuses SSF below 112 when the key is set */
    K_UINT(tcp_min_ssf, 112),
    IGN(access_drivers, KIND_LIST, 0, 0),
    /* TLS and SASL */
    K_STR(key_file),
    K_STR(cert_file),
    K_STR(ca_file),
    K_STR(crl_file),
    K_BOOL(tls_no_sanity_certificate),
    K_BOOL(tls_no_verify_certificate),
    K_LIST(tls_allowed_dn_list),
    K_STR(tls_priority),
    K_LIST(sasl_allowed_username_list),
    /* processing controls */
    K_UINT(max_clients, 0),
    K_UINT(max_queued_clients, 0),
    K_UINT(max_anonymous_clients, 0),
    K_UINT(min_workers, 0),
    K_UINT(max_workers, 1),             /* libvirtd: must be greater than 0 */
    K_UINT(prio_workers, 0),
    K_UINT(max_client_requests, 0),
    IGN(admin_min_workers, KIND_UINT, 0, UINT_MAX),
    IGN(admin_max_workers, KIND_UINT, 0, UINT_MAX),
    IGN(admin_max_clients, KIND_UINT, 0, UINT_MAX),
    IGN(admin_max_queued_clients, KIND_UINT, 0, UINT_MAX),
    IGN(admin_max_client_requests, KIND_UINT, 0, UINT_MAX),
    /* logging; libvirt-compat: log_level 0 means "leave the default" */
    { "log_level", KIND_INT, FIELD(log_level), 0, 4, false, true },
    K_STR(log_filters),
    K_STR(log_outputs),
    /* auditing, host UUID */
    IGN(audit_level, KIND_UINT, 0, UINT_MAX),
    IGN(audit_logging, KIND_BOOL, 0, 1),
    IGN(host_uuid, KIND_STRING, 0, 0),
    IGN(host_uuid_source, KIND_STRING, 0, 0),
    /* keepalive; an interval <= 0 disables it in libvirtd, -1 documented */
    K_INT(keepalive_interval, -1),
    K_UINT(keepalive_count, 0),
    IGN(keepalive_required, KIND_ANY, 0, 0),
    IGN(admin_keepalive_required, KIND_ANY, 0, 0),
    IGN(admin_keepalive_interval, KIND_INT, INT_MIN, INT_MAX),
    IGN(admin_keepalive_count, KIND_UINT, 0, UINT_MAX),
    IGN(ovs_timeout, KIND_UINT, 0, UINT_MAX),
    /* qemud's own */
    K_STR(root_dir),
    K_UINT(anonymous_client_timeout, 0),
};

#define AT(cfg, key, type) ((type *) (void *) ((char *) (cfg) + (key)->offset))

static const struct conf_key *
key_lookup(const char *name)
{
    size_t i;

    for (i = 0; i < QD_ARRAY_SIZE(conf_keys); i++)
        if (strcmp(conf_keys[i].name, name) == 0)
            return &conf_keys[i];
    return NULL;
}

static void
strv_free(char **strv)
{
    size_t i;

    for (i = 0; strv && strv[i]; i++)
        free(strv[i]);
    free(strv);
}

static void
replace_str(char **slot, const char *s)
{
    free(*slot);
    *slot = qd_strdup(s);
}

/* Parse an octal mode string; only octal digits, at most 0777. */
static bool
parse_perms(const char *s, unsigned *ret)
{
    unsigned v = 0;

    if (!*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '7')
            return false;
        v = v * 8 + (unsigned) (*s - '0');
        if (v > 0777)
            return false;
    }
    *ret = v;
    return true;
}

static void
note_ignored(struct qd_config *cfg, const char *name)
{
    size_t i;

    for (i = 0; i < cfg->nignored; i++)
        if (strcmp(cfg->ignored[i], name) == 0)
            return;
    cfg->ignored = qd_realloc(cfg->ignored,
                              (cfg->nignored + 1) * sizeof(*cfg->ignored));
    cfg->ignored[cfg->nignored++] = qd_strdup(name);
}

static const char *
kind_expects(enum key_kind kind)
{
    switch (kind) {
    case KIND_BOOL:
        return "0 or 1";
    case KIND_INT:
    case KIND_UINT:
        return "an integer";
    case KIND_LIST:
        return "a list of strings";
    case KIND_STRING:
    case KIND_PERMS:
    case KIND_AUTH:
    case KIND_ANY:
        break;
    }
    return "a string";
}

/* Check @e's value against @key and store it unless the key is ignored. */
static int
apply_entry(struct qd_config *cfg, const char *name,
            const struct conf_key *key, const struct conf_entry *e,
            struct qd_err *err)
{
    const struct conf_val *v = &e->val;
    bool want_num = key->kind == KIND_BOOL || key->kind == KIND_INT ||
                    key->kind == KIND_UINT;
    enum val_type want = want_num ? VAL_NUM :
                         key->kind == KIND_LIST ? VAL_LIST : VAL_STRING;
    unsigned perms;
    size_t i;

    if (key->kind == KIND_ANY)
        return 0;
    if (v->type != want)
        return conf_error(err, name, e->line, "key '%s' expects %s",
                          e->key, kind_expects(key->kind));

    switch (key->kind) {
    case KIND_BOOL:
    case KIND_INT:
    case KIND_UINT:
        if (v->overflow || v->num < key->min || v->num > key->max) {
            if (key->kind == KIND_BOOL)
                return conf_error(err, name, e->line,
                                  "bad value for '%s': '%s' (expected 0 "
                                  "or 1)", e->key, v->str);
            return conf_error(err, name, e->line,
                              "bad value for '%s': '%s' (expected an "
                              "integer from %lld to %lld)",
                              e->key, v->str, key->min, key->max);
        }
        if (key->ignored || (key->zero_keeps && v->num == 0))
            break;
        if (key->kind == KIND_BOOL)
            *AT(cfg, key, bool) = v->num == 1;
        else if (key->kind == KIND_INT)
            *AT(cfg, key, int) = (int) v->num;
        else
            *AT(cfg, key, unsigned) = (unsigned) v->num;
        break;
    case KIND_STRING:
        if (!key->ignored)
            replace_str(AT(cfg, key, char *), v->str);
        break;
    case KIND_LIST: {
        char **strv;

        for (i = 0; i < v->nitems; i++)
            if (v->items[i].type != VAL_STRING)
                return conf_error(err, name, e->line,
                                  "key '%s' expects a list of strings",
                                  e->key);
        if (key->ignored)
            break;
        strv = qd_calloc(v->nitems + 1, sizeof(*strv));
        for (i = 0; i < v->nitems; i++)
            strv[i] = qd_strdup(v->items[i].str);
        strv_free(*AT(cfg, key, char **));
        *AT(cfg, key, char **) = strv;
        break;
    }
    case KIND_PERMS:
        if (!parse_perms(v->str, &perms))
            return conf_error(err, name, e->line,
                              "bad value for '%s': '%s' (expected an octal "
                              "mode from 0000 to 0777)", e->key, v->str);
        if (!key->ignored)
            *AT(cfg, key, unsigned) = perms;
        break;
    case KIND_AUTH:
        if (strcmp(v->str, "none") != 0 && strcmp(v->str, "sasl") != 0 &&
            strcmp(v->str, "polkit") != 0)
            return conf_error(err, name, e->line,
                              "bad value for '%s': '%s' (expected none, "
                              "sasl or polkit)", e->key, v->str);
        if (!key->ignored)
            replace_str(AT(cfg, key, char *), v->str);
        break;
    case KIND_ANY:
        break;
    }
    return 0;
}

static int
apply_entries(struct qd_config *cfg, const char *name,
              const struct conf_entry *entries, size_t n, struct qd_err *err)
{
    bool seen[QD_ARRAY_SIZE(conf_keys)] = { false };
    size_t i;

    for (i = 0; i < n; i++) {
        const struct conf_key *key = key_lookup(entries[i].key);
        size_t idx;

        if (!key)
            return conf_error(err, name, entries[i].line,
                              "unknown key '%s'", entries[i].key);
        idx = (size_t) (key - conf_keys);
        if (seen[idx]) {
            /* libvirt-compat: virconf returns the first occurrence. */
            QD_WARN("%s:%d: '%s' repeats an earlier setting; ignored",
                    name, entries[i].line, entries[i].key);
            continue;
        }
        seen[idx] = true;
        if (apply_entry(cfg, name, key, &entries[i], err) < 0)
            return -1;
        if (key->ignored)
            note_ignored(cfg, key->name);
    }
    return 0;
}

static int
load_text(struct qd_config *cfg, const char *name, const char *text,
          size_t len, struct qd_err *err)
{
    struct conf_entry *entries = NULL;
    size_t n = 0;
    int ret;

    if (parse_text(name, text, len, &entries, &n, err) < 0)
        return -1;
    ret = apply_entries(cfg, name, entries, n, err);
    entries_free(entries, n);
    return ret;
}

/* ---- public API ---- */

void
qd_config_init_defaults(struct qd_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->unix_sock_ro_perms = 0777;
    cfg->unix_sock_rw_perms = 0700;
    cfg->unix_sock_admin_perms = 0700;
    /* qemud has no polkit yet, so both UNIX sockets default to "none". */
    cfg->auth_unix_ro = qd_strdup("none");
    cfg->auth_unix_rw = qd_strdup("none");
    cfg->auth_tcp = qd_strdup("sasl");
    cfg->auth_tls = qd_strdup("none");
    cfg->listen_tcp = false;
    cfg->listen_tls = false;
    cfg->tcp_port = qd_strdup("16509");
    cfg->tls_port = qd_strdup("16514");
    cfg->max_clients = 5000;
    cfg->max_queued_clients = 1000;
    cfg->max_anonymous_clients = 20;
    cfg->min_workers = 5;
    cfg->max_workers = 20;
    cfg->prio_workers = 5;
    cfg->max_client_requests = 5;
    cfg->keepalive_interval = 5;
    cfg->keepalive_count = 5;
    cfg->log_level = 3;
    cfg->tcp_min_ssf = 56;          /* libvirtd's default when unset */
    cfg->anonymous_client_timeout = 10;
}

int
qd_config_load_string(struct qd_config *cfg, const char *name,
                      const char *text, struct qd_err *err)
{
    return load_text(cfg, name, text, strlen(text), err);
}

int
qd_config_load_file(struct qd_config *cfg, const char *path,
                    struct qd_err *err)
{
    _cleanup_close_ int fd = -1;
    _cleanup_free_ char *text = NULL;
    size_t len = 0, cap = 0;
    const char *nul;

    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return qd_err_sys(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_CONF, errno,
                          "cannot open configuration file '%s'", path);
    for (;;) {
        ssize_t r;

        if (len == cap) {
            cap = cap ? cap * 2 : 8192;
            text = qd_realloc(text, cap);
        }
        r = read(fd, text + len, cap - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return qd_err_sys(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_CONF,
                              errno, "cannot read configuration file '%s'",
                              path);
        if (r == 0)
            break;
        len += (size_t) r;
        if (len > CONF_MAX_FILE_SIZE)
            return qd_err_set(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_CONF,
                              "configuration file '%s' is larger than %d "
                              "bytes", path, CONF_MAX_FILE_SIZE);
    }
    if (text && (nul = memchr(text, '\0', len))) {
        int line = 1;
        const char *p;

        for (p = text; p < nul; p++)
            line += *p == '\n';
        return conf_error(err, path, line, "NUL byte in file");
    }
    return load_text(cfg, path, text ? text : "", len, err);
}

/* @dir with trailing slashes removed, joined with "/" and @leaf. */
static char *
path_join(const char *dir, const char *leaf)
{
    size_t n = strlen(dir);

    while (n > 0 && dir[n - 1] == '/')
        n--;
    return qd_asprintf("%.*s/%s", (int) n, dir, leaf);
}

static int
check_sock_path(const char *path, struct qd_err *err)
{
    size_t n = strlen(path);

    if (n >= SUN_PATH_SIZE)
        return qd_err_set(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_CONF,
                          "socket path '%s' is too long: %zu bytes, the "
                          "limit is %zu (sun_path)", path, n,
                          SUN_PATH_SIZE - 1);
    return 0;
}

int
qd_config_resolve_paths(struct qd_config *cfg, struct qd_err *err)
{
    char **derived[] = {
        &cfg->etc_dir, &cfg->run_dir, &cfg->lib_dir, &cfg->log_dir,
        &cfg->sock_rw_path, &cfg->sock_ro_path, &cfg->sock_admin_path,
    };
    size_t i;

    for (i = 0; i < QD_ARRAY_SIZE(derived); i++) {
        free(*derived[i]);
        *derived[i] = NULL;
    }

    if (cfg->root_dir) {
        if (cfg->root_dir[0] != '/')
            return qd_err_set(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_CONF,
                              "root_dir must be an absolute path: '%s'",
                              cfg->root_dir);
        cfg->etc_dir = path_join(cfg->root_dir, "etc");
        cfg->run_dir = path_join(cfg->root_dir, "run");
        cfg->lib_dir = path_join(cfg->root_dir, "lib");
        cfg->log_dir = path_join(cfg->root_dir, "log");
    } else {
        cfg->etc_dir = qd_strdup("/etc/qemud");
        cfg->run_dir = qd_strdup("/run/qemud");
        cfg->lib_dir = qd_strdup("/var/lib/qemud");
        cfg->log_dir = qd_strdup("/var/log/qemud");
    }

    if (!cfg->unix_sock_dir)
        cfg->unix_sock_dir = qd_strdup(cfg->run_dir);
    else if (cfg->unix_sock_dir[0] != '/')
        return qd_err_set(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_CONF,
                          "unix_sock_dir must be an absolute path: '%s'",
                          cfg->unix_sock_dir);

    /* libvirt-compat: the socket names libvirt clients look for. */
    cfg->sock_rw_path = path_join(cfg->unix_sock_dir, "libvirt-sock");
    cfg->sock_ro_path = path_join(cfg->unix_sock_dir, "libvirt-sock-ro");
    cfg->sock_admin_path = path_join(cfg->unix_sock_dir, "libvirt-admin-sock");
    if (check_sock_path(cfg->sock_rw_path, err) < 0 ||
        check_sock_path(cfg->sock_ro_path, err) < 0 ||
        check_sock_path(cfg->sock_admin_path, err) < 0)
        return -1;
    return 0;
}

void
qd_config_clear(struct qd_config *cfg)
{
    char **strs[] = {
        &cfg->unix_sock_dir, &cfg->unix_sock_group,
        &cfg->auth_unix_ro, &cfg->auth_unix_rw, &cfg->auth_tcp,
        &cfg->auth_tls, &cfg->listen_addr, &cfg->tcp_port, &cfg->tls_port,
        &cfg->log_filters, &cfg->log_outputs, &cfg->root_dir,
        &cfg->key_file, &cfg->cert_file, &cfg->ca_file, &cfg->crl_file,
        &cfg->tls_priority,
        &cfg->etc_dir, &cfg->run_dir, &cfg->lib_dir, &cfg->log_dir,
        &cfg->sock_rw_path, &cfg->sock_ro_path, &cfg->sock_admin_path,
    };
    size_t i;

    for (i = 0; i < QD_ARRAY_SIZE(strs); i++)
        free(*strs[i]);
    strv_free(cfg->tls_allowed_dn_list);
    strv_free(cfg->sasl_allowed_username_list);
    for (i = 0; i < cfg->nignored; i++)
        free(cfg->ignored[i]);
    free(cfg->ignored);
    memset(cfg, 0, sizeof(*cfg));
}
