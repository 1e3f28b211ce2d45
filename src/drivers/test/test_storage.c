/* Storage pools and volumes of the test driver. Pools of type "dir" are
 * kept (name, uuid, target path and permissions; capacity is the test
 * driver's fixed 100 GiB), volumes keep name, type, capacity, allocation,
 * format and permissions; key and path are "<pool path>/<name>". All
 * state is guarded by the object lock of test_objects.c. */
#include "drivers/test/test_objects.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "drivers/test/test_objects_priv.h"
#include "util/buf.h"
#include "util/mem.h"
#include "drivers/event.h"

/* virStoragePoolEventLifecycleType */
enum { POOL_EV_DEFINED, POOL_EV_UNDEFINED, POOL_EV_STARTED, POOL_EV_STOPPED,
       POOL_EV_CREATED, POOL_EV_DELETED };


enum {
    LIST_POOLS_INACTIVE = 1 << 0,
    LIST_POOLS_ACTIVE = 1 << 1,
    LIST_POOLS_PERSISTENT = 1 << 2,
    LIST_POOLS_TRANSIENT = 1 << 3,
    LIST_POOLS_AUTOSTART = 1 << 4,
    LIST_POOLS_NO_AUTOSTART = 1 << 5,
    LIST_POOLS_TYPE_SHIFT = 6,          /* DIR .. ISCSI_DIRECT: 1 << (6+t) */
    LIST_POOLS_ALL = (1 << 20) - 1,
    POOL_DEFINE_VALIDATE = 1 << 0,
    VOL_CREATE_VALIDATE = 1 << 2,
    POOL_STATE_INACTIVE = 0,            /* virStoragePoolState */
    POOL_STATE_RUNNING = 2,
    POOL_TYPE_DIR = 0,
    VOL_TYPE_FILE = 0,                  /* virStorageVolType */
    VOL_FORMAT_RAW = 1,                 /* virStorageFileFormat */
};

/* The test driver's fixed pool size: 100 GiB, nothing allocated. */
#define DEFAULT_POOL_CAPACITY (100ull * 1024 * 1024 * 1024)

static const char *const pool_types[] = {
    "dir", "fs", "netfs", "logical", "disk", "iscsi", "iscsi-direct",
    "scsi", "mpath", "rbd", "sheepdog", "gluster", "zfs", "vstorage",
};
static const char *const vol_types[] = {
    "file", "block", "dir", "network", "netdir", "ploop",
};
static const char *const vol_formats[] = {
    "none", "raw", "dir", "bochs", "cloop", "dmg", "iso", "vpc", "vdi",
    "fat", "vhd", "ploop", "cow", "qcow", "qcow2", "qed", "vmdk",
};

struct perms {
    int mode;                   /* -1 = not given */
    long long uid, gid;         /* -1 = not given */
    char *label;
};

struct pool_def {
    int type;
    char *name;
    unsigned char uuid[QD_UUID_LEN];
    char *path;
    struct perms perms;
    uint64_t capacity, allocation, available;
};

struct vol {
    char *name, *key, *path;
    int type, format;
    uint64_t capacity, allocation;
    struct perms perms;
    char *backing;              /* <backingStore><path>, or NULL */
    int backing_format;
    struct perms backing_perms;
};

struct pool_obj {
    struct pool_def *def;
    struct pool_def *newdef;    /* config given while running, unused */
    bool active, persistent, autostart;
    struct vol **vols;          /* creation order */
    size_t nvols;
};

/* All guarded by the object lock. */
static struct pool_obj **pools;
static size_t npools;

static const char default_pool_xml[] =
    "<pool type='dir'>\n"
    "  <name>default-pool</name>\n"
    "  <uuid>dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566</uuid>\n"
    "  <target>\n"
    "    <path>/default-pool</path>\n"
    "  </target>\n"
    "</pool>\n";

/* ---- definitions ------------------------------------------------------- */

static struct pool_def *
pool_def_free(struct pool_def *def)
{
    if (!def)
        return NULL;
    free(def->name);
    free(def->path);
    free(def->perms.label);
    free(def);
    return NULL;
}

static void
pool_def_freep(struct pool_def **p)
{
    pool_def_free(*p);
}

static struct vol *
vol_free(struct vol *v)
{
    if (!v)
        return NULL;
    free(v->name);
    free(v->key);
    free(v->path);
    free(v->perms.label);
    free(v->backing);
    free(v->backing_perms.label);
    free(v);
    return NULL;
}

static void
vol_freep(struct vol **p)
{
    vol_free(*p);
}

static int
enum_index(const char *const *names, size_t n, const char *s)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strcmp(names[i], s) == 0)
            return (int) i;
    return -1;
}

/* virFileSanitizePath: collapse repeated '/', drop a trailing one, keep a
 * leading "//" (POSIX allows it a meaning), leave URIs alone. */
static char *
sanitize_path(const char *path)
{
    const char *uri = strstr(path, "://");
    char *clean = qd_strdup(path);
    const char *cur = path;
    size_t idx = 0;

    if (uri && strchr(path, '/') > uri)
        return clean;
    if (cur[0] == '/' && cur[1] == '/' && cur[2] != '/') {
        idx = 2;
        cur += 2;
    }
    while (*cur) {
        if (*cur != '/') {
            clean[idx++] = *cur++;
            continue;
        }
        while (*++cur == '/')
            ;
        if (idx != 0 && *cur == '\0')
            break;
        clean[idx++] = '/';
    }
    clean[idx] = '\0';
    return clean;
}

/* virXPathLongLong on an element's text: a whole decimal number. */
static int
parse_llong(const char *s, long long *ret)
{
    char *end;

    if (!s || !*s)
        return -1;
    errno = 0;
    *ret = strtoll(s, &end, 10);
    return errno || end == s || *end ? -1 : 0;
}

/* <permissions> under @xpath (virStorageDefParsePerms). */
static int
perms_parse(struct qd_test_xml *x, const char *xpath, struct perms *p,
            struct qd_err *err)
{
    _cleanup_free_ char *mode = NULL;
    _cleanup_free_ char *owner = NULL;
    _cleanup_free_ char *group = NULL;
    xmlNodePtr node;
    long long v;
    char *end;
    long m;

    p->mode = -1;
    p->uid = -1;
    p->gid = -1;
    p->label = NULL;
    if (!(node = qd_test_xpath_node(x, NULL, xpath)))
        return 0;
    if ((mode = qd_test_xpath_string(x, node, "string(./mode)"))) {
        errno = 0;
        m = strtol(mode, &end, 8);
        if (errno || end == mode || *end || m < INT_MIN || m > INT_MAX ||
            (m & ~0777))
            return qd_err_set(err, QD_ERR_XML_ERROR, QD_FROM_STORAGE,
                              "XML error: malformed octal mode");
        p->mode = (int) m;
    }
    if (qd_test_xpath_node(x, node, "./owner")) {
        owner = qd_test_xpath_string(x, node, "string(./owner)");
        if (parse_llong(owner, &v) < 0 ||
            (v != -1 && (v < 0 || v > (long long) UINT_MAX)))
            return qd_err_set(err, QD_ERR_XML_ERROR, QD_FROM_STORAGE,
                              "XML error: malformed owner element");
        p->uid = v;
    }
    if (qd_test_xpath_node(x, node, "./group")) {
        group = qd_test_xpath_string(x, node, "string(./group)");
        if (parse_llong(group, &v) < 0 ||
            (v != -1 && (v < 0 || v > (long long) UINT_MAX)))
            return qd_err_set(err, QD_ERR_XML_ERROR, QD_FROM_STORAGE,
                              "XML error: malformed group element");
        p->gid = v;
    }
    p->label = qd_test_xpath_string(x, node, "string(./label)");
    return 0;
}

/* @indent is that of the <permissions> element. */
static void
perms_format(struct qd_buf *b, const struct perms *p, int indent)
{
    if (p->mode == -1 && p->uid == -1 && p->gid == -1 && !p->label)
        return;
    qd_test_buf_indent(b, indent);
    qd_buf_puts(b, "<permissions>\n");
    if (p->mode != -1) {
        qd_test_buf_indent(b, indent + 2);
        qd_buf_printf(b, "<mode>0%o</mode>\n", (unsigned) p->mode);
    }
    if (p->uid != -1) {
        qd_test_buf_indent(b, indent + 2);
        qd_buf_printf(b, "<owner>%d</owner>\n", (int) p->uid);
    }
    if (p->gid != -1) {
        qd_test_buf_indent(b, indent + 2);
        qd_buf_printf(b, "<group>%d</group>\n", (int) p->gid);
    }
    if (p->label) {
        qd_test_buf_indent(b, indent + 2);
        qd_buf_puts(b, "<label>");
        qd_test_buf_escape(b, p->label);
        qd_buf_puts(b, "</label>\n");
    }
    qd_test_buf_indent(b, indent);
    qd_buf_puts(b, "</permissions>\n");
}

/* virStoragePoolDefParse for the "dir" type. New definition or NULL. */
static struct pool_def *
pool_def_parse(const char *xml, struct qd_err *err)
{
    struct qd_test_xml x;
    _cleanup_(pool_def_freep) struct pool_def *def = NULL;
    _cleanup_free_ char *type = NULL;
    _cleanup_free_ char *uuid = NULL;
    _cleanup_free_ char *path = NULL;
    xmlNodePtr root;
    int rc = -1;

    if (qd_test_xml_parse(xml, "(storage_pool_definition)", "pool",
                          QD_FROM_STORAGE, &x, err) < 0)
        return NULL;
    def = QD_NEW(struct pool_def);
    root = x.ctxt->node;

    if (!(type = qd_test_xml_prop(root, "type"))) {
        qd_err_set(err, QD_ERR_XML_ERROR, QD_TEST_FROM_XML,
                   "XML error: Missing required attribute 'type' in "
                   "element 'pool'");
        goto out;
    }
    if ((def->type = enum_index(pool_types, QD_ARRAY_SIZE(pool_types),
                                type)) < 0) {
        qd_err_set(err, QD_ERR_XML_ERROR, QD_TEST_FROM_XML,
                   "XML error: Invalid value for attribute 'type' in "
                   "element 'pool': '%s'.", type);
        goto out;
    }
    if (def->type != POOL_TYPE_DIR) {
        qd_err_set(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_STORAGE,
                   "unsupported configuration: storage pool type '%s' is "
                   "not supported by this test driver", type);
        goto out;
    }
    if (!(def->name = qd_test_xpath_string(&x, NULL, "string(./name)"))) {
        qd_err_set(err, QD_ERR_XML_ERROR, QD_FROM_STORAGE,
                   "XML error: missing pool source name element");
        goto out;
    }
    if (strchr(def->name, '/')) {
        qd_err_set(err, QD_ERR_XML_ERROR, QD_FROM_STORAGE,
                   "XML error: name %s cannot contain '/'", def->name);
        goto out;
    }
    if (!(uuid = qd_test_xpath_string(&x, NULL, "string(./uuid)"))) {
        qd_uuid_generate(def->uuid);
    } else if (qd_uuid_parse(uuid, def->uuid) < 0) {
        qd_err_set(err, QD_ERR_XML_ERROR, QD_FROM_STORAGE,
                   "XML error: malformed uuid element");
        goto out;
    }
    if (!(path = qd_test_xpath_string(&x, NULL, "string(./target/path)"))) {
        qd_err_set(err, QD_ERR_XML_ERROR, QD_FROM_STORAGE,
                   "XML error: missing storage pool target path");
        goto out;
    }
    def->path = sanitize_path(path);
    if (perms_parse(&x, "./target/permissions", &def->perms, err) < 0)
        goto out;
    def->capacity = DEFAULT_POOL_CAPACITY;
    def->available = DEFAULT_POOL_CAPACITY;
    rc = 0;

 out:
    qd_test_xml_free(&x);
    return rc < 0 ? NULL : steal_ptr(&def);
}

static char *
pool_def_format(const struct pool_def *def)
{
    struct qd_buf b = { 0 };
    char uuid[QD_UUID_STRLEN];

    qd_buf_printf(&b, "<pool type='%s'>\n  <name>", pool_types[def->type]);
    qd_test_buf_escape(&b, def->name);
    qd_uuid_format(def->uuid, uuid);
    qd_buf_printf(&b, "</name>\n  <uuid>%s</uuid>\n", uuid);
    qd_buf_printf(&b, "  <capacity unit='bytes'>%llu</capacity>\n",
                  (unsigned long long) def->capacity);
    qd_buf_printf(&b, "  <allocation unit='bytes'>%llu</allocation>\n",
                  (unsigned long long) def->allocation);
    qd_buf_printf(&b, "  <available unit='bytes'>%llu</available>\n",
                  (unsigned long long) def->available);
    /* a dir pool has no source details, but the element is always there */
    qd_buf_puts(&b, "  <source>\n  </source>\n  <target>\n    <path>");
    qd_test_buf_escape(&b, def->path);
    qd_buf_puts(&b, "</path>\n");
    perms_format(&b, &def->perms, 4);
    qd_buf_puts(&b, "  </target>\n</pool>\n");
    return qd_buf_steal_str(&b);
}

/* virScaleInteger with libvirt's suffixes; limit LLONG_MAX. */
static int
scale_size(unsigned long long *value, const char *suffix,
           struct qd_err *err)
{
    unsigned long long scale = 1, base;

    if (!suffix || !*suffix || !strcasecmp(suffix, "b") ||
        !strcasecmp(suffix, "byte") || !strcasecmp(suffix, "bytes")) {
        scale = 1;
    } else {
        if (!suffix[1] || !strcasecmp(suffix + 1, "iB"))
            base = 1024;
        else if ((suffix[1] == 'b' || suffix[1] == 'B') && !suffix[2])
            base = 1000;
        else
            return qd_err_set(err, QD_ERR_INVALID_ARG, QD_FROM_NONE,
                              "invalid argument: unknown suffix '%s'",
                              suffix);
        switch (suffix[0]) {
        case 'e': case 'E':
            scale *= base;
            /* fall through */
        case 'p': case 'P':
            scale *= base;
            /* fall through */
        case 't': case 'T':
            scale *= base;
            /* fall through */
        case 'g': case 'G':
            scale *= base;
            /* fall through */
        case 'm': case 'M':
            scale *= base;
            /* fall through */
        case 'k': case 'K':
            scale *= base;
            break;
        default:
            return qd_err_set(err, QD_ERR_INVALID_ARG, QD_FROM_NONE,
                              "invalid argument: unknown suffix '%s'",
                              suffix);
        }
    }
    if (*value && *value > (unsigned long long) LLONG_MAX / scale)
        return qd_err_set(err, QD_TEST_ERR_OVERFLOW, QD_FROM_NONE,
                          "numerical overflow: value too large: %llu%s",
                          *value, suffix ? suffix : "");
    *value *= scale;
    return 0;
}

/* virStorageSize: a non-negative decimal and an optional unit. */
static int
parse_size(const char *val, const char *unit, uint64_t *ret,
           struct qd_err *err)
{
    unsigned long long v;
    const char *p = val;
    char *end;

    while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
        p++;
    errno = 0;
    v = strtoull(val, &end, 10);
    if (*p == '-' || errno || end == val || *end)
        return qd_err_set(err, QD_ERR_XML_ERROR, QD_FROM_STORAGE,
                          "XML error: malformed capacity element");
    if (scale_size(&v, unit, err) < 0)
        return -1;
    *ret = v;
    return 0;
}

/* virStorageVolDefParse for the elements we keep. Path and key are set
 * by the caller. New volume or NULL. */
static struct vol *
vol_parse(const char *xml, struct qd_err *err)
{
    struct qd_test_xml x;
    _cleanup_(vol_freep) struct vol *v = NULL;
    _cleanup_free_ char *type = NULL;
    _cleanup_free_ char *cap = NULL;
    _cleanup_free_ char *alloc = NULL;
    _cleanup_free_ char *unit = NULL;
    _cleanup_free_ char *aunit = NULL;
    _cleanup_free_ char *format = NULL;
    _cleanup_free_ char *bformat = NULL;
    int rc = -1;

    if (qd_test_xml_parse(xml, "(storage_volume_definition)", "volume",
                          QD_FROM_STORAGE, &x, err) < 0)
        return NULL;
    v = QD_NEW(struct vol);
    v->type = VOL_TYPE_FILE;
    v->format = VOL_FORMAT_RAW;

    if (!(v->name = qd_test_xpath_string(&x, NULL, "string(./name)"))) {
        qd_err_set(err, QD_ERR_XML_ERROR, QD_FROM_STORAGE,
                   "XML error: missing volume name element");
        goto out;
    }
    if ((type = qd_test_xpath_string(&x, NULL, "string(./@type)")) &&
        (v->type = enum_index(vol_types, QD_ARRAY_SIZE(vol_types),
                              type)) < 0) {
        qd_err_set(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_STORAGE,
                   "unsupported configuration: unknown volume type '%s'",
                   type);
        goto out;
    }
    v->backing_perms.mode = -1;
    v->backing_perms.uid = -1;
    v->backing_perms.gid = -1;
    if ((v->backing = qd_test_xpath_string(&x, NULL,
                                           "string(./backingStore/path)"))) {
        v->backing_format = VOL_FORMAT_RAW;
        if ((bformat = qd_test_xpath_string(&x, NULL, "string(./backingStore"
                                            "/format/@type)")) &&
            (v->backing_format = enum_index(vol_formats,
                                            QD_ARRAY_SIZE(vol_formats),
                                            bformat)) <= 0) {
            qd_err_set(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_STORAGE,
                       "unsupported configuration: unknown volume format "
                       "type %s", bformat);
            goto out;
        }
        if (perms_parse(&x, "./backingStore/permissions", &v->backing_perms,
                        err) < 0)
            goto out;
    }
    cap = qd_test_xpath_string(&x, NULL, "string(./capacity)");
    unit = qd_test_xpath_string(&x, NULL, "string(./capacity/@unit)");
    if (!cap) {
        qd_err_set(err, QD_ERR_XML_ERROR, QD_FROM_STORAGE,
                   "XML error: missing capacity element");
        goto out;
    }
    if (parse_size(cap, unit, &v->capacity, err) < 0)
        goto out;
    if ((alloc = qd_test_xpath_string(&x, NULL, "string(./allocation)"))) {
        aunit = qd_test_xpath_string(&x, NULL,
                                     "string(./allocation/@unit)");
        if (parse_size(alloc, aunit, &v->allocation, err) < 0)
            goto out;
    } else {
        v->allocation = v->capacity;
    }
    /* "none" is a valid file format but not a volume format */
    if ((format = qd_test_xpath_string(&x, NULL,
                                       "string(./target/format/@type)")) &&
        (v->format = enum_index(vol_formats, QD_ARRAY_SIZE(vol_formats),
                                format)) <= 0) {
        qd_err_set(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_STORAGE,
                   "unsupported configuration: unknown volume format "
                   "type %s", format);
        goto out;
    }
    if (perms_parse(&x, "./target/permissions", &v->perms, err) < 0)
        goto out;
    rc = 0;

 out:
    qd_test_xml_free(&x);
    return rc < 0 ? NULL : steal_ptr(&v);
}

static char *
vol_format(const struct vol *v)
{
    struct qd_buf b = { 0 };

    qd_buf_printf(&b, "<volume type='%s'>\n  <name>", vol_types[v->type]);
    qd_test_buf_escape(&b, v->name);
    qd_buf_puts(&b, "</name>\n  <key>");
    qd_test_buf_escape(&b, v->key);
    qd_buf_puts(&b, "</key>\n");
    qd_buf_printf(&b, "  <capacity unit='bytes'>%llu</capacity>\n",
                  (unsigned long long) v->capacity);
    qd_buf_printf(&b, "  <allocation unit='bytes'>%llu</allocation>\n",
                  (unsigned long long) v->allocation);
    qd_buf_puts(&b, "  <target>\n    <path>");
    qd_test_buf_escape(&b, v->path);
    qd_buf_printf(&b, "</path>\n    <format type='%s'/>\n",
                  vol_formats[v->format]);
    perms_format(&b, &v->perms, 4);
    qd_buf_puts(&b, "  </target>\n");
    if (v->backing) {
        qd_buf_puts(&b, "  <backingStore>\n    <path>");
        qd_test_buf_escape(&b, v->backing);
        qd_buf_printf(&b, "</path>\n    <format type='%s'/>\n",
                      vol_formats[v->backing_format]);
        perms_format(&b, &v->backing_perms, 4);
        qd_buf_puts(&b, "  </backingStore>\n");
    }
    qd_buf_puts(&b, "</volume>\n");
    return qd_buf_steal_str(&b);
}

/* ---- the object list --------------------------------------------------- */

static void
pool_obj_free(struct pool_obj *obj)
{
    size_t i;

    if (!obj)
        return;
    pool_def_free(obj->def);
    pool_def_free(obj->newdef);
    for (i = 0; i < obj->nvols; i++)
        vol_free(obj->vols[i]);
    free(obj->vols);
    free(obj);
}

static struct pool_obj *
pool_find_by_name_locked(const char *name, struct qd_err *err)
{
    size_t i;

    for (i = 0; i < npools; i++)
        if (strcmp(pools[i]->def->name, name) == 0)
            return pools[i];
    if (err)
        qd_err_set(err, QD_ERR_NO_STORAGE_POOL, QD_FROM_TEST,
                   "Storage pool not found: no storage pool with matching "
                   "name '%s'", name);
    return NULL;
}

static struct pool_obj *
pool_find_by_uuid_locked(const unsigned char *uuid, struct qd_err *err)
{
    char s[QD_UUID_STRLEN];
    size_t i;

    for (i = 0; i < npools; i++)
        if (memcmp(pools[i]->def->uuid, uuid, QD_UUID_LEN) == 0)
            return pools[i];
    if (err) {
        qd_uuid_format(uuid, s);
        qd_err_set(err, QD_ERR_NO_STORAGE_POOL, QD_FROM_TEST,
                   "Storage pool not found: no storage pool with matching "
                   "uuid '%s'", s);
    }
    return NULL;
}

/* By name, and it must be running (@active) or stopped (!@active). */
static struct pool_obj *
pool_find_state_locked(const char *name, bool active, struct qd_err *err)
{
    struct pool_obj *obj;

    if (!(obj = pool_find_by_name_locked(name, err)))
        return NULL;
    if (obj->active != active) {
        qd_err_set(err, QD_ERR_OPERATION_INVALID, QD_FROM_TEST,
                   "Requested operation is not valid: storage pool '%s' "
                   "is %s", name, active ? "not active" : "active");
        return NULL;
    }
    return obj;
}

static struct vol *
vol_find_locked(struct pool_obj *obj, const char *name, struct qd_err *err)
{
    size_t i;

    for (i = 0; i < obj->nvols; i++)
        if (strcmp(obj->vols[i]->name, name) == 0)
            return obj->vols[i];
    if (err)
        qd_err_set(err, QD_ERR_NO_STORAGE_VOL, QD_FROM_TEST,
                   "Storage volume not found: no storage vol with matching "
                   "name '%s'", name);
    return NULL;
}

static void
pool_remove_locked(struct pool_obj *obj)
{
    size_t i;

    for (i = 0; i < npools; i++) {
        if (pools[i] == obj) {
            memmove(&pools[i], &pools[i + 1],
                    (npools - i - 1) * sizeof(*pools));
            npools--;
            break;
        }
    }
    pool_obj_free(obj);
}

/* virStoragePoolObjListAdd: add @def, or update the pool with the same
 * name and UUID. @check_live refuses a running pool. Takes @def on
 * success. */
static struct pool_obj *
pool_add_locked(struct pool_def *def, bool check_live, struct qd_err *err)
{
    char uuid[QD_UUID_STRLEN];
    struct pool_obj *obj;
    size_t i;

    /* two dir pools may not share a target directory */
    for (i = 0; i < npools; i++) {
        if (strcmp(pools[i]->def->name, def->name) != 0 &&
            pools[i]->def->type == def->type &&
            strcmp(pools[i]->def->path, def->path) == 0) {
            qd_err_set(err, QD_ERR_OPERATION_FAILED, QD_FROM_STORAGE,
                       "operation failed: Storage source conflict with "
                       "pool: '%s'", pools[i]->def->name);
            return NULL;
        }
    }
    if ((obj = pool_find_by_uuid_locked(def->uuid, NULL))) {
        qd_uuid_format(obj->def->uuid, uuid);
        if (strcmp(obj->def->name, def->name) != 0) {
            qd_err_set(err, QD_ERR_OPERATION_FAILED, QD_FROM_STORAGE,
                       "operation failed: pool '%s' is already defined "
                       "with uuid %s", obj->def->name, uuid);
            return NULL;
        }
        if (check_live && obj->active) {
            qd_err_set(err, QD_ERR_OPERATION_INVALID, QD_FROM_STORAGE,
                       "Requested operation is not valid: pool is already "
                       "active as '%s'", obj->def->name);
            return NULL;
        }
        if (obj->active) {
            pool_def_free(obj->newdef);
            obj->newdef = def;
        } else {
            pool_def_free(obj->def);
            obj->def = def;
        }
        return obj;
    }
    if ((obj = pool_find_by_name_locked(def->name, NULL))) {
        qd_uuid_format(obj->def->uuid, uuid);
        qd_err_set(err, QD_ERR_OPERATION_FAILED, QD_FROM_STORAGE,
                   "operation failed: pool '%s' already exists with "
                   "uuid %s", def->name, uuid);
        return NULL;
    }
    obj = QD_NEW(struct pool_obj);
    obj->def = def;
    pools = qd_realloc(pools, (npools + 1) * sizeof(*pools));
    pools[npools++] = obj;
    return obj;
}

/* testStoragePoolObjSetDefaults: the running definition gets the fixed
 * size again (libvirt-compat: even when volumes use some of it). */
static void
pool_set_defaults(struct pool_obj *obj)
{
    obj->def->capacity = DEFAULT_POOL_CAPACITY;
    obj->def->allocation = 0;
    obj->def->available = DEFAULT_POOL_CAPACITY;
    obj->persistent = true;
}

static void
pool_ref_fill(struct qd_pool_ref *ret, const struct pool_def *def)
{
    ret->name = qd_strdup(def->name);
    memcpy(ret->uuid, def->uuid, QD_UUID_LEN);
}

static void
vol_ref_fill(struct qd_vol_ref *ret, const struct pool_obj *obj,
             const struct vol *v)
{
    ret->pool = qd_strdup(obj->def->name);
    ret->name = qd_strdup(v->name);
    ret->key = qd_strdup(v->key);
}

int
qd_test_storage_setup_locked(struct qd_err *err)
{
    struct pool_def *def;
    struct pool_obj *obj;

    if (!(def = pool_def_parse(default_pool_xml, err)))
        return -1;
    if (!(obj = pool_add_locked(def, false, err))) {
        pool_def_free(def);
        return -1;
    }
    pool_set_defaults(obj);
    obj->active = true;
    return 0;
}

void
qd_test_storage_teardown_locked(void)
{
    size_t i;

    for (i = 0; i < npools; i++)
        pool_obj_free(pools[i]);
    free(pools);
    pools = NULL;
    npools = 0;
}

/* ---- pools ------------------------------------------------------------- */

static bool
pool_match(const struct pool_obj *obj, unsigned flags)
{
    unsigned types = flags & (LIST_POOLS_ALL & ~((1u << 6) - 1));

    if ((flags & (LIST_POOLS_ACTIVE | LIST_POOLS_INACTIVE)) &&
        !(((flags & LIST_POOLS_ACTIVE) && obj->active) ||
          ((flags & LIST_POOLS_INACTIVE) && !obj->active)))
        return false;
    if ((flags & (LIST_POOLS_PERSISTENT | LIST_POOLS_TRANSIENT)) &&
        !(((flags & LIST_POOLS_PERSISTENT) && obj->persistent) ||
          ((flags & LIST_POOLS_TRANSIENT) && !obj->persistent)))
        return false;
    if ((flags & (LIST_POOLS_AUTOSTART | LIST_POOLS_NO_AUTOSTART)) &&
        !(((flags & LIST_POOLS_AUTOSTART) && obj->autostart) ||
          ((flags & LIST_POOLS_NO_AUTOSTART) && !obj->autostart)))
        return false;
    if (types && !(types & (1u << (LIST_POOLS_TYPE_SHIFT + obj->def->type))))
        return false;
    return true;
}

static int
pool_ref_cmp(const void *a, const void *b)
{
    return strcmp(((const struct qd_pool_ref *) a)->name,
                  ((const struct qd_pool_ref *) b)->name);
}

int
qd_test_list_all_pools(struct qd_conn *conn, unsigned flags,
                       struct qd_list *ret, struct qd_err *err)
{
    struct qd_pool_ref *refs;
    size_t i, n = 0;

    if (qd_test_check_flags(flags, LIST_POOLS_ALL,
                            "testConnectListAllStoragePools", err) < 0)
        return -1;
    qd_test_objects_lock();
    qd_test_list_init(ret, npools, sizeof(*refs));
    refs = ret->items;
    for (i = 0; i < npools; i++)
        if (pool_match(pools[i], flags))
            pool_ref_fill(&refs[n++], pools[i]->def);
    qd_test_objects_unlock();
    ret->n = (uint32_t) n;
    qsort(refs, n, sizeof(*refs), pool_ref_cmp);
    return (int) n;
}

int
qd_test_pool_lookup_by_name(struct qd_conn *conn, const char *name,
                            struct qd_pool_ref *ret, struct qd_err *err)
{
    struct pool_obj *obj;

    qd_test_objects_lock();
    if ((obj = pool_find_by_name_locked(name, err)))
        pool_ref_fill(ret, obj->def);
    qd_test_objects_unlock();
    return obj ? 0 : -1;
}

int
qd_test_pool_lookup_by_uuid(struct qd_conn *conn, const unsigned char *uuid,
                            struct qd_pool_ref *ret, struct qd_err *err)
{
    struct pool_obj *obj;

    qd_test_objects_lock();
    if ((obj = pool_find_by_uuid_locked(uuid, err)))
        pool_ref_fill(ret, obj->def);
    qd_test_objects_unlock();
    return obj ? 0 : -1;
}

int
qd_test_pool_lookup_by_volume(struct qd_conn *conn,
                              const struct qd_vol_ref *vol,
                              struct qd_pool_ref *ret, struct qd_err *err)
{
    return qd_test_pool_lookup_by_name(conn, vol->pool, ret, err);
}

int
qd_test_pool_define_xml(struct qd_conn *conn, const char *xml,
                        unsigned flags, struct qd_pool_ref *ret,
                        struct qd_err *err)
{
    struct pool_def *def;
    struct pool_obj *obj;

    /* VALIDATE is accepted; there is no RNG schema check here. */
    if (qd_test_check_flags(flags, POOL_DEFINE_VALIDATE,
                            "testStoragePoolDefineXML", err) < 0 ||
        !(def = pool_def_parse(xml, err)))
        return -1;
    qd_test_objects_lock();
    if (!(obj = pool_add_locked(def, false, err))) {
        qd_test_objects_unlock();
        pool_def_free(def);
        return -1;
    }
    pool_set_defaults(obj);
    qd_event_pool_lifecycle(obj->def->name, obj->def->uuid, POOL_EV_DEFINED,
                            0);
    pool_ref_fill(ret, obj->def);
    qd_test_objects_unlock();
    return 0;
}

int
qd_test_pool_create_xml(struct qd_conn *conn, const char *xml,
                        unsigned flags, struct qd_pool_ref *ret,
                        struct qd_err *err)
{
    struct pool_def *def;
    struct pool_obj *obj;

    if (qd_test_check_flags(flags, 0, "testStoragePoolCreateXML", err) < 0 ||
        !(def = pool_def_parse(xml, err)))
        return -1;
    qd_test_objects_lock();
    if (!(obj = pool_add_locked(def, true, err))) {
        qd_test_objects_unlock();
        pool_def_free(def);
        return -1;
    }
    pool_set_defaults(obj);
    /* libvirt-compat: this makes even a defined pool transient */
    obj->persistent = false;
    obj->active = true;
    qd_event_pool_lifecycle(obj->def->name, obj->def->uuid, POOL_EV_STARTED,
                            0);
    pool_ref_fill(ret, obj->def);
    qd_test_objects_unlock();
    return 0;
}

int
qd_test_pool_undefine(struct qd_conn *conn, const struct qd_pool_ref *pool,
                      struct qd_err *err)
{
    struct pool_obj *obj;

    qd_test_objects_lock();
    if ((obj = pool_find_state_locked(pool->name, false, err))) {
        qd_event_pool_lifecycle(obj->def->name, obj->def->uuid,
                                POOL_EV_UNDEFINED, 0);
        pool_remove_locked(obj);
    }
    qd_test_objects_unlock();
    return obj ? 0 : -1;
}

int
qd_test_pool_create(struct qd_conn *conn, const struct qd_pool_ref *pool,
                    unsigned flags, struct qd_err *err)
{
    struct pool_obj *obj;

    if (qd_test_check_flags(flags, 0, "testStoragePoolCreate", err) < 0)
        return -1;
    qd_test_objects_lock();
    if ((obj = pool_find_state_locked(pool->name, false, err))) {
        obj->active = true;
        qd_event_pool_lifecycle(obj->def->name, obj->def->uuid,
                                POOL_EV_STARTED, 0);
    }
    qd_test_objects_unlock();
    return obj ? 0 : -1;
}

int
qd_test_pool_build(struct qd_conn *conn, const struct qd_pool_ref *pool,
                   unsigned flags, struct qd_err *err)
{
    struct pool_obj *obj;

    if (qd_test_check_flags(flags, 0, "testStoragePoolBuild", err) < 0)
        return -1;
    qd_test_objects_lock();
    if ((obj = pool_find_state_locked(pool->name, false, err)))
        qd_event_pool_lifecycle(obj->def->name, obj->def->uuid,
                                POOL_EV_CREATED, 0);
    qd_test_objects_unlock();
    return obj ? 0 : -1;
}

int
qd_test_pool_destroy(struct qd_conn *conn, const struct qd_pool_ref *pool,
                     struct qd_err *err)
{
    struct pool_obj *obj;

    qd_test_objects_lock();
    if ((obj = pool_find_state_locked(pool->name, true, err))) {
        obj->active = false;
        qd_event_pool_lifecycle(obj->def->name, obj->def->uuid,
                                POOL_EV_STOPPED, 0);
        if (!obj->persistent)
            pool_remove_locked(obj);
    }
    qd_test_objects_unlock();
    return obj ? 0 : -1;
}

int
qd_test_pool_delete(struct qd_conn *conn, const struct qd_pool_ref *pool,
                    unsigned flags, struct qd_err *err)
{
    struct pool_obj *obj;

    if (qd_test_check_flags(flags, 0, "testStoragePoolDelete", err) < 0)
        return -1;
    qd_test_objects_lock();
    if ((obj = pool_find_state_locked(pool->name, false, err)))
        qd_event_pool_lifecycle(obj->def->name, obj->def->uuid,
                                POOL_EV_DELETED, 0);
    qd_test_objects_unlock();
    return obj ? 0 : -1;
}

int
qd_test_pool_refresh(struct qd_conn *conn, const struct qd_pool_ref *pool,
                     unsigned flags, struct qd_err *err)
{
    struct pool_obj *obj;

    if (qd_test_check_flags(flags, 0, "testStoragePoolRefresh", err) < 0)
        return -1;
    qd_test_objects_lock();
    if ((obj = pool_find_state_locked(pool->name, true, err)))
        qd_event_pool_refresh(obj->def->name, obj->def->uuid);
    qd_test_objects_unlock();
    return obj ? 0 : -1;
}

int
qd_test_pool_get_info(struct qd_conn *conn, const struct qd_pool_ref *pool,
                      struct qd_pool_info *ret, struct qd_err *err)
{
    struct pool_obj *obj;

    qd_test_objects_lock();
    if ((obj = pool_find_by_name_locked(pool->name, err))) {
        ret->state = obj->active ? POOL_STATE_RUNNING : POOL_STATE_INACTIVE;
        ret->capacity = obj->def->capacity;
        ret->allocation = obj->def->allocation;
        ret->available = obj->def->available;
    }
    qd_test_objects_unlock();
    return obj ? 0 : -1;
}

char *
qd_test_pool_get_xml(struct qd_conn *conn, const struct qd_pool_ref *pool,
                     unsigned flags, struct qd_err *err)
{
    struct pool_obj *obj;
    char *xml = NULL;

    if (qd_test_check_flags(flags, 0, "testStoragePoolGetXMLDesc", err) < 0)
        return NULL;
    qd_test_objects_lock();
    if ((obj = pool_find_by_name_locked(pool->name, err)))
        xml = pool_def_format(obj->def);
    qd_test_objects_unlock();
    return xml;
}

int
qd_test_pool_get_autostart(struct qd_conn *conn,
                           const struct qd_pool_ref *pool,
                           struct qd_err *err)
{
    struct pool_obj *obj;
    int ret = -1;

    qd_test_objects_lock();
    if ((obj = pool_find_by_name_locked(pool->name, err)))
        ret = obj->persistent && obj->autostart;
    qd_test_objects_unlock();
    return ret;
}

int
qd_test_pool_set_autostart(struct qd_conn *conn,
                           const struct qd_pool_ref *pool, bool on,
                           struct qd_err *err)
{
    struct pool_obj *obj;
    int ret = -1;

    qd_test_objects_lock();
    if ((obj = pool_find_by_name_locked(pool->name, err))) {
        if (!obj->persistent) {
            qd_err_set(err, QD_ERR_INVALID_ARG, QD_FROM_TEST,
                       "invalid argument: pool has no config file");
        } else {
            obj->autostart = on;
            ret = 0;
        }
    }
    qd_test_objects_unlock();
    return ret;
}

int
qd_test_pool_is_active(struct qd_conn *conn, const struct qd_pool_ref *pool,
                       struct qd_err *err)
{
    struct pool_obj *obj;
    int ret = -1;

    qd_test_objects_lock();
    if ((obj = pool_find_by_uuid_locked(pool->uuid, err)))
        ret = obj->active;
    qd_test_objects_unlock();
    return ret;
}

int
qd_test_pool_is_persistent(struct qd_conn *conn,
                           const struct qd_pool_ref *pool,
                           struct qd_err *err)
{
    struct pool_obj *obj;
    int ret = -1;

    qd_test_objects_lock();
    if ((obj = pool_find_by_uuid_locked(pool->uuid, err)))
        ret = obj->persistent;
    qd_test_objects_unlock();
    return ret;
}

int
qd_test_pool_num_of_volumes(struct qd_conn *conn,
                            const struct qd_pool_ref *pool,
                            struct qd_err *err)
{
    struct pool_obj *obj;
    int ret = -1;

    qd_test_objects_lock();
    if ((obj = pool_find_state_locked(pool->name, true, err)))
        ret = (int) obj->nvols;
    qd_test_objects_unlock();
    return ret;
}

int
qd_test_pool_list_all_volumes(struct qd_conn *conn,
                              const struct qd_pool_ref *pool,
                              unsigned flags, struct qd_list *ret,
                              struct qd_err *err)
{
    struct pool_obj *obj;
    struct qd_vol_ref *refs;
    size_t i;
    int n = -1;

    if (qd_test_check_flags(flags, 0, "testStoragePoolListAllVolumes",
                            err) < 0)
        return -1;
    qd_test_objects_lock();
    if (!(obj = pool_find_by_uuid_locked(pool->uuid, err)))
        goto out;
    if (!obj->active) {
        qd_err_set(err, QD_ERR_OPERATION_INVALID, QD_FROM_TEST,
                   "Requested operation is not valid: storage pool is not "
                   "active");
        goto out;
    }
    qd_test_list_init(ret, obj->nvols, sizeof(*refs));
    refs = ret->items;
    for (i = 0; i < obj->nvols; i++)
        vol_ref_fill(&refs[i], obj, obj->vols[i]);
    n = (int) obj->nvols;
 out:
    qd_test_objects_unlock();
    return n;
}

/* ---- volumes ----------------------------------------------------------- */

int
qd_test_vol_lookup_by_name(struct qd_conn *conn,
                           const struct qd_pool_ref *pool, const char *name,
                           struct qd_vol_ref *ret, struct qd_err *err)
{
    struct pool_obj *obj;
    struct vol *v = NULL;

    qd_test_objects_lock();
    if ((obj = pool_find_state_locked(pool->name, true, err)) &&
        (v = vol_find_locked(obj, name, err)))
        vol_ref_fill(ret, obj, v);
    qd_test_objects_unlock();
    return v ? 0 : -1;
}

/* Searches the running pools for a volume whose key (@by_key) or path
 * equals @s. */
static int
vol_search(const char *s, bool by_key, struct qd_vol_ref *ret,
           struct qd_err *err)
{
    size_t i, j;

    qd_test_objects_lock();
    for (i = 0; i < npools; i++) {
        if (!pools[i]->active)
            continue;
        for (j = 0; j < pools[i]->nvols; j++) {
            const struct vol *v = pools[i]->vols[j];

            if (strcmp(by_key ? v->key : v->path, s) == 0) {
                vol_ref_fill(ret, pools[i], v);
                qd_test_objects_unlock();
                return 0;
            }
        }
    }
    qd_test_objects_unlock();
    return qd_err_set(err, QD_ERR_NO_STORAGE_VOL, QD_FROM_TEST,
                      "Storage volume not found: no storage vol with "
                      "matching %s '%s'", by_key ? "key" : "path", s);
}

int
qd_test_vol_lookup_by_key(struct qd_conn *conn, const char *key,
                          struct qd_vol_ref *ret, struct qd_err *err)
{
    return vol_search(key, true, ret, err);
}

int
qd_test_vol_lookup_by_path(struct qd_conn *conn, const char *path,
                           struct qd_vol_ref *ret, struct qd_err *err)
{
    return vol_search(path, false, ret, err);
}

int
qd_test_vol_create_xml(struct qd_conn *conn, const struct qd_pool_ref *pool,
                       const char *xml, unsigned flags,
                       struct qd_vol_ref *ret, struct qd_err *err)
{
    _cleanup_(vol_freep) struct vol *v = NULL;
    struct pool_obj *obj;
    int rc = -1;

    if (qd_test_check_flags(flags, VOL_CREATE_VALIDATE,
                            "testStorageVolCreateXML", err) < 0)
        return -1;
    qd_test_objects_lock();
    if (!(obj = pool_find_state_locked(pool->name, true, err)) ||
        !(v = vol_parse(xml, err)))
        goto out;
    if (vol_find_locked(obj, v->name, NULL)) {
        qd_err_set(err, QD_ERR_OPERATION_FAILED, QD_FROM_TEST,
                   "operation failed: storage vol already exists");
        goto out;
    }
    if (obj->def->allocation + v->allocation > obj->def->capacity) {
        qd_err_set(err, QD_ERR_INTERNAL_ERROR, QD_FROM_TEST,
                   "internal error: Not enough free space in pool for "
                   "volume '%s'", v->name);
        goto out;
    }
    v->path = qd_asprintf("%s/%s", obj->def->path, v->name);
    v->key = qd_strdup(v->path);
    obj->def->allocation += v->allocation;
    obj->def->available = obj->def->capacity - obj->def->allocation;
    vol_ref_fill(ret, obj, v);
    obj->vols = qd_realloc(obj->vols, (obj->nvols + 1) * sizeof(*obj->vols));
    obj->vols[obj->nvols++] = steal_ptr(&v);
    rc = 0;
 out:
    qd_test_objects_unlock();
    return rc;
}

int
qd_test_vol_delete(struct qd_conn *conn, const struct qd_vol_ref *vol,
                   unsigned flags, struct qd_err *err)
{
    struct pool_obj *obj;
    struct vol *v = NULL;
    size_t i;

    if (qd_test_check_flags(flags, 0, "testStorageVolDelete", err) < 0)
        return -1;
    qd_test_objects_lock();
    if ((obj = pool_find_state_locked(vol->pool, true, err)) &&
        (v = vol_find_locked(obj, vol->name, err))) {
        obj->def->allocation -= v->allocation;
        obj->def->available = obj->def->capacity - obj->def->allocation;
        for (i = 0; i < obj->nvols; i++)
            if (obj->vols[i] == v)
                break;
        memmove(&obj->vols[i], &obj->vols[i + 1],
                (obj->nvols - i - 1) * sizeof(*obj->vols));
        obj->nvols--;
        vol_free(v);
    }
    qd_test_objects_unlock();
    return v ? 0 : -1;
}

int
qd_test_vol_get_info(struct qd_conn *conn, const struct qd_vol_ref *vol,
                     unsigned flags, struct qd_vol_info *ret,
                     struct qd_err *err)
{
    struct pool_obj *obj;
    struct vol *v = NULL;

    /* libvirt-compat: the test driver has no virStorageVolGetInfoFlags */
    if (flags)
        return qd_err_set(err, QD_ERR_NO_SUPPORT, QD_FROM_STORAGE,
                          "this function is not supported by the connection "
                          "driver: virStorageVolGetInfoFlags");
    qd_test_objects_lock();
    if ((obj = pool_find_state_locked(vol->pool, true, err)) &&
        (v = vol_find_locked(obj, vol->name, err))) {
        ret->type = VOL_TYPE_FILE;      /* what a dir pool holds */
        ret->capacity = v->capacity;
        ret->allocation = v->allocation;
    }
    qd_test_objects_unlock();
    return v ? 0 : -1;
}

char *
qd_test_vol_get_xml(struct qd_conn *conn, const struct qd_vol_ref *vol,
                    unsigned flags, struct qd_err *err)
{
    struct pool_obj *obj;
    struct vol *v;
    char *xml = NULL;

    if (qd_test_check_flags(flags, 0, "testStorageVolGetXMLDesc", err) < 0)
        return NULL;
    qd_test_objects_lock();
    if ((obj = pool_find_state_locked(vol->pool, true, err)) &&
        (v = vol_find_locked(obj, vol->name, err)))
        xml = vol_format(v);
    qd_test_objects_unlock();
    return xml;
}

char *
qd_test_vol_get_path(struct qd_conn *conn, const struct qd_vol_ref *vol,
                     struct qd_err *err)
{
    struct pool_obj *obj;
    struct vol *v;
    char *path = NULL;

    qd_test_objects_lock();
    if ((obj = pool_find_state_locked(vol->pool, true, err)) &&
        (v = vol_find_locked(obj, vol->name, err)))
        path = qd_strdup(v->path);
    qd_test_objects_unlock();
    return path;
}
