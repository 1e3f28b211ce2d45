/* The test driver's domains: in memory, shared by every connection of the
 * daemon and kept for its life. Behaviour, error codes and texts follow
 * libvirt's test driver (src/test/test_driver.c), which virsh users know
 * as test:///default.
 *
 * One mutex guards the whole list and every domain in it: all operations
 * are short and in memory. A running persistent domain has two defs, the
 * live one (@def) and the persistent config (@newdef), as libvirt keeps
 * them. */
#include "drivers/test/test_domain.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "conf/domain_conf.h"
#include "drivers/event.h"
#include "drivers/test/test_objects.h"
#include "util/mem.h"
#include "util/uuid.h"

/* virDomainState and reasons */
enum { ST_NOSTATE, ST_RUNNING, ST_BLOCKED, ST_PAUSED, ST_SHUTDOWN,
       ST_SHUTOFF, ST_CRASHED, ST_PMSUSPENDED };
#define RUNNING_BOOTED 1
#define RUNNING_UNPAUSED 5
#define PAUSED_USER 1
#define SHUTOFF_SHUTDOWN 1
#define SHUTOFF_DESTROYED 2

/* virDomainEventType and details */
enum { EV_DEFINED, EV_UNDEFINED, EV_STARTED, EV_SUSPENDED, EV_RESUMED,
       EV_STOPPED, EV_SHUTDOWN };
#define EV_DEFINED_ADDED 0
#define EV_DEFINED_UPDATED 1
#define EV_UNDEFINED_REMOVED 0
#define EV_STARTED_BOOTED 0
#define EV_SUSPENDED_PAUSED 0
#define EV_RESUMED_UNPAUSED 0
#define EV_STOPPED_SHUTDOWN 0
#define EV_STOPPED_DESTROYED 1

/* public flag values */
#define AFFECT_LIVE 1
#define AFFECT_CONFIG 2
#define MEM_MAXIMUM 4
#define VCPU_MAXIMUM 4
#define XML_INACTIVE 2
#define XML_COMMON_FLAGS 15

struct tdom {
    struct qd_dom_def *def;        /* live def, or the only one */
    struct qd_dom_def *newdef;     /* persistent config while running */
    int state, reason;
    int id;                        /* -1 when inactive */
    bool persistent;
    bool autostart;
    bool has_managed_save;
};

static pthread_mutex_t dom_lock = PTHREAD_MUTEX_INITIALIZER;
static struct tdom **doms;           /* dom_lock */
static size_t ndoms;
static int next_id = 1;

/* libvirt's test driver's own default domain (defaultConnXML) */
static const char default_domain_xml[] =
    "<domain type='test'>\n"
    "  <name>test</name>\n"
    "  <uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid>\n"
    "  <memory>8388608</memory>\n"
    "  <currentMemory>2097152</currentMemory>\n"
    "  <vcpu>2</vcpu>\n"
    "  <os>\n"
    "    <type>hvm</type>\n"
    "  </os>\n"
    "  <devices>\n"
    "    <disk type='file' device='disk'>\n"
    "      <source file='/guest/diskimage1'/>\n"
    "      <target dev='vda' bus='virtio'/>\n"
    "      <address type='pci' domain='0x0000' bus='0x01' slot='0x00'"
    " function='0x0'/>\n"
    "    </disk>\n"
    "    <interface type='network'>\n"
    "      <mac address='aa:bb:cc:dd:ee:ff'/>\n"
    "      <source network='default' bridge='virbr0'/>\n"
    "      <address type='pci' domain='0x0000' bus='0x00' slot='0x1'"
    " function='0x0'/>\n"
    "    </interface>\n"
    "    <memballoon model='virtio'>\n"
    "      <address type='pci' domain='0x0000' bus='0x00' slot='0x2'"
    " function='0x0'/>\n"
    "    </memballoon>\n"
    "  </devices>\n"
    "</domain>\n";

static bool
is_active(const struct tdom *d)
{
    return d->id >= 0;
}

static void
tdom_free(struct tdom *d)
{
    if (!d)
        return;
    qd_dom_def_free(d->def);
    qd_dom_def_free(d->newdef);
    free(d);
}

static void
remove_locked(struct tdom *d)
{
    size_t i;

    for (i = 0; i < ndoms; i++) {
        if (doms[i] == d) {
            memmove(doms + i, doms + i + 1, (ndoms - i - 1) * sizeof(*doms));
            ndoms--;
            break;
        }
    }
    tdom_free(d);
}

static struct tdom *
find_uuid_locked(const unsigned char *uuid)
{
    size_t i;

    for (i = 0; i < ndoms; i++)
        if (memcmp(doms[i]->def->uuid, uuid, QD_UUID_LEN) == 0)
            return doms[i];
    return NULL;
}

static struct tdom *
find_name_locked(const char *name)
{
    size_t i;

    for (i = 0; i < ndoms; i++)
        if (strcmp(doms[i]->def->name, name) == 0)
            return doms[i];
    return NULL;
}

/* testDomObjFromDomain: resolve a handle by its UUID. dom_lock held. */
static struct tdom *
get_locked(const struct qd_dom_ref *ref, struct qd_err *err)
{
    struct tdom *d = find_uuid_locked(ref->uuid);
    char uuid[37];

    if (!d) {
        qd_uuid_format(ref->uuid, uuid);
        qd_err_report(err, QD_ERR_NO_DOMAIN, QD_FROM_TEST,
                      "no domain with matching uuid '%s' (%s)", uuid,
                      ref->name);
    }
    return d;
}

static int
check_flags(unsigned flags, unsigned allowed, const char *fn,
            struct qd_err *err)
{
    if (flags & ~allowed)
        return qd_err_report(err, QD_ERR_INVALID_ARG, QD_FROM_TEST,
                             "unsupported flags (0x%x) in function %s",
                             flags & ~allowed, fn);
    return 0;
}

static int
check_active(const struct tdom *d, struct qd_err *err)
{
    if (!is_active(d))
        return qd_err_report(err, QD_ERR_OPERATION_INVALID, QD_FROM_DOMAIN,
                             "%s", "domain is not running");
    return 0;
}

/* Queue a lifecycle event for @d as it is now. dom_lock held, so events
 * keep the order of the changes. */
static void
emit_locked(const struct tdom *d, int event, int detail)
{
    qd_event_domain_lifecycle(d->def->name, d->def->uuid, d->id, event,
                              detail);
}

/* The id a STOPPED event carries: libvirt reports the def's id, which a
 * transient domain (no saved persistent def) keeps after stopping. */
static int
stopped_id_locked(const struct tdom *d)
{
    return d->newdef ? -1 : d->id;
}

static void
fill_ref(const struct tdom *d, struct qd_dom_ref *ret)
{
    ret->name = qd_strdup(d->def->name);
    memcpy(ret->uuid, d->def->uuid, QD_UUID_LEN);
    ret->id = d->id;
}

/* testDomainStartState: running, a fresh id, and the persistent config
 * set aside while the live def may change. */
static void
start_state_locked(struct tdom *d, int reason)
{
    d->state = ST_RUNNING;
    d->reason = reason;
    d->id = next_id++;
    if (d->persistent && !d->newdef)
        d->newdef = qd_dom_def_copy(d->def);
    d->has_managed_save = false;
}

/* testDomainShutdownState */
static void
shutdown_state_locked(struct tdom *d, int reason)
{
    if (d->newdef) {
        qd_dom_def_free(d->def);
        d->def = steal_ptr(&d->newdef);
    }
    d->state = ST_SHUTOFF;
    d->reason = reason;
    d->id = -1;
}

/* virDomainObjUpdateModificationImpact */
static int
resolve_impact(const struct tdom *d, unsigned *flags, struct qd_err *err)
{
    if ((*flags & (AFFECT_LIVE | AFFECT_CONFIG)) == 0)
        *flags |= is_active(d) ? AFFECT_LIVE : AFFECT_CONFIG;
    if (!is_active(d) && (*flags & AFFECT_LIVE))
        return qd_err_report(err, QD_ERR_OPERATION_INVALID, QD_FROM_DOMAIN,
                             "%s", "domain is not running");
    if (!d->persistent && (*flags & AFFECT_CONFIG))
        return qd_err_report(err, QD_ERR_OPERATION_INVALID, QD_FROM_DOMAIN,
                             "%s", "transient domains do not have any "
                             "persistent config");
    return 0;
}

/* virDomainObjGetOneDefState */
static struct qd_dom_def *
one_def(struct tdom *d, unsigned flags, bool *live, struct qd_err *err)
{
    if ((flags & AFFECT_LIVE) && (flags & AFFECT_CONFIG)) {
        qd_err_report(err, QD_ERR_INVALID_ARG, QD_FROM_DOMAIN, "%s",
                      "Flags 'VIR_DOMAIN_AFFECT_LIVE' and "
                      "'VIR_DOMAIN_AFFECT_CONFIG' are mutually exclusive");
        return NULL;
    }
    if (resolve_impact(d, &flags, err) < 0)
        return NULL;
    if (live)
        *live = flags & AFFECT_LIVE;
    if (is_active(d) && (flags & AFFECT_CONFIG))
        return d->newdef;
    return d->def;
}

/* virDomainObjGetDefs */
static int
get_defs(struct tdom *d, unsigned flags, struct qd_dom_def **live,
         struct qd_dom_def **pers, struct qd_err *err)
{
    *live = *pers = NULL;
    if (resolve_impact(d, &flags, err) < 0)
        return -1;
    if (is_active(d)) {
        if (flags & AFFECT_LIVE)
            *live = d->def;
        if (flags & AFFECT_CONFIG)
            *pers = d->newdef;
    } else if (flags & AFFECT_CONFIG) {
        *pers = d->def;
    }
    return 0;
}

/* ---- set-up ------------------------------------------------------------ */

int
qd_test_domains_init(struct qd_err *err)
{
    struct qd_dom_def *def;
    struct tdom *d;

    if (!(def = qd_dom_def_parse(default_domain_xml, err)))
        return -1;
    if (qd_dom_def_test_ifnames(def, err) < 0) {
        qd_dom_def_free(def);
        return -1;
    }
    d = QD_NEW(struct tdom);
    d->def = def;
    d->persistent = true;
    d->id = -1;
    pthread_mutex_lock(&dom_lock);
    start_state_locked(d, RUNNING_BOOTED);
    d->reason = 0;              /* libvirt-compat: the default sets 0 */
    doms = qd_realloc(doms, (ndoms + 1) * sizeof(*doms));
    doms[ndoms++] = d;
    pthread_mutex_unlock(&dom_lock);
    return 0;
}

void
qd_test_domains_fini(void)
{
    size_t i;

    pthread_mutex_lock(&dom_lock);
    for (i = 0; i < ndoms; i++)
        tdom_free(doms[i]);
    free(doms);
    doms = NULL;
    ndoms = 0;
    pthread_mutex_unlock(&dom_lock);
}

/* ---- lists and lookups ------------------------------------------------- */

/* virDomainObjListFilter; test domains have neither snapshots nor
 * checkpoints */
static bool
list_match(const struct tdom *d, unsigned f)
{
    struct qd_dom_list_facts facts = {
        .active = is_active(d), .persistent = d->persistent,
        .managed_save = d->has_managed_save, .autostart = d->autostart,
        .state = d->state,
    };

    return qd_dom_list_match(&facts, f);
}

int
qd_test_list_all_domains(struct qd_conn *conn, unsigned flags,
                         struct qd_list *ret, struct qd_err *err)
{
    struct qd_dom_ref *refs;
    size_t i, n = 0;

    if (check_flags(flags, QD_LIST_DOMAINS_ALL, "testConnectListAllDomains", err) < 0)
        return -1;
    pthread_mutex_lock(&dom_lock);
    refs = qd_calloc(ndoms ? ndoms : 1, sizeof(*refs));
    for (i = 0; i < ndoms; i++)
        if (list_match(doms[i], flags))
            fill_ref(doms[i], &refs[n++]);
    pthread_mutex_unlock(&dom_lock);
    ret->n = (uint32_t) n;
    ret->items = refs;
    return 0;
}

int
qd_test_num_of_domains(struct qd_conn *conn, bool active, struct qd_err *err)
{
    size_t i;
    int n = 0;

    pthread_mutex_lock(&dom_lock);
    for (i = 0; i < ndoms; i++)
        if (is_active(doms[i]) == active)
            n++;
    pthread_mutex_unlock(&dom_lock);
    return n;
}

int
qd_test_list_domain_ids(struct qd_conn *conn, int max, int32_t *ids,
                        struct qd_err *err)
{
    size_t i;
    int n = 0;

    pthread_mutex_lock(&dom_lock);
    for (i = 0; i < ndoms && n < max; i++)
        if (is_active(doms[i]))
            ids[n++] = doms[i]->id;
    pthread_mutex_unlock(&dom_lock);
    return n;
}

int
qd_test_list_defined_domains(struct qd_conn *conn, int max, char **names,
                             struct qd_err *err)
{
    size_t i;
    int n = 0;

    pthread_mutex_lock(&dom_lock);
    for (i = 0; i < ndoms && n < max; i++)
        if (!is_active(doms[i]))
            names[n++] = qd_strdup(doms[i]->def->name);
    pthread_mutex_unlock(&dom_lock);
    return n;
}

static int
lookup_result(struct tdom *d, struct qd_dom_ref *ret, struct qd_err *err)
{
    if (!d) {
        pthread_mutex_unlock(&dom_lock);
        return qd_err_report(err, QD_ERR_NO_DOMAIN, QD_FROM_TEST, NULL);
    }
    fill_ref(d, ret);
    pthread_mutex_unlock(&dom_lock);
    return 0;
}

int
qd_test_domain_lookup_by_name(struct qd_conn *conn, const char *name,
                              struct qd_dom_ref *ret, struct qd_err *err)
{
    pthread_mutex_lock(&dom_lock);
    return lookup_result(find_name_locked(name), ret, err);
}

int
qd_test_domain_lookup_by_uuid(struct qd_conn *conn, const unsigned char *uuid,
                              struct qd_dom_ref *ret, struct qd_err *err)
{
    pthread_mutex_lock(&dom_lock);
    return lookup_result(find_uuid_locked(uuid), ret, err);
}

int
qd_test_domain_lookup_by_id(struct qd_conn *conn, int id,
                            struct qd_dom_ref *ret, struct qd_err *err)
{
    struct tdom *d = NULL;
    size_t i;

    pthread_mutex_lock(&dom_lock);
    for (i = 0; i < ndoms && !d; i++)
        if (is_active(doms[i]) && doms[i]->id == id)
            d = doms[i];
    return lookup_result(d, ret, err);
}

/* ---- define, create, undefine ------------------------------------------ */

/* virDomainObjListAdd: the UUID and name clash rules. Takes @def on
 * success. @live: CreateXML (transient start) rather than define. */
static struct tdom *
add_locked(struct qd_dom_def **def, bool live, bool *ret_existed,
           struct qd_err *err)
{
    struct tdom *d = find_uuid_locked((*def)->uuid);
    char uuid[37];

    /* libvirt-compat: "updated" means a persistent config was replaced */
    *ret_existed = d && d->persistent;
    if (d) {
        if (strcmp(d->def->name, (*def)->name) != 0) {
            qd_uuid_format(d->def->uuid, uuid);
            qd_err_report(err, QD_ERR_OPERATION_FAILED, QD_FROM_DOMAIN,
                          "domain '%s' is already defined with uuid %s",
                          d->def->name, uuid);
            return NULL;
        }
        if (live && is_active(d)) {
            qd_err_report(err, QD_ERR_OPERATION_INVALID, QD_FROM_DOMAIN,
                          "domain '%s' is already active", d->def->name);
            return NULL;
        }
        if (live && !d->persistent) {
            qd_err_report(err, QD_ERR_OPERATION_INVALID, QD_FROM_DOMAIN,
                          "domain '%s' is already being started",
                          d->def->name);
            return NULL;
        }
        /* virDomainObjAssignDef */
        if (live) {
            if (!d->newdef && d->persistent)
                d->newdef = d->def;
            else
                qd_dom_def_free(d->def);
            d->def = steal_ptr(def);
        } else if (is_active(d)) {
            qd_dom_def_free(d->newdef);
            d->newdef = steal_ptr(def);
        } else {
            qd_dom_def_free(d->def);
            d->def = steal_ptr(def);
        }
        return d;
    }
    if ((d = find_name_locked((*def)->name))) {
        qd_uuid_format(d->def->uuid, uuid);
        qd_err_report(err, QD_ERR_OPERATION_FAILED, QD_FROM_DOMAIN,
                      "domain '%s' already exists with uuid %s",
                      (*def)->name, uuid);
        return NULL;
    }
    d = QD_NEW(struct tdom);
    d->def = steal_ptr(def);
    d->id = -1;
    d->state = ST_SHUTOFF;
    doms = qd_realloc(doms, (ndoms + 1) * sizeof(*doms));
    doms[ndoms++] = d;
    return d;
}

static struct qd_dom_def *
parse_def(const char *xml, struct qd_err *err)
{
    struct qd_dom_def *def = qd_dom_def_parse(xml, err);

    if (def && qd_dom_def_test_ifnames(def, err) < 0)
        def = (qd_dom_def_free(def), NULL);
    return def;
}

int
qd_test_domain_define_xml(struct qd_conn *conn, const char *xml,
                          unsigned flags, struct qd_dom_ref *ret,
                          struct qd_err *err)
{
    struct qd_dom_def *def;
    struct tdom *d;
    bool existed;

    /* VIR_DOMAIN_DEFINE_VALIDATE (1): schema validation, accepted */
    if (check_flags(flags, 1, "testDomainDefineXMLFlags", err) < 0 ||
        !(def = parse_def(xml, err)))
        return -1;
    if (qd_dom_def_check_name(def, err) < 0) {
        qd_dom_def_free(def);
        return -1;
    }
    pthread_mutex_lock(&dom_lock);
    if (!(d = add_locked(&def, false, &existed, err))) {
        pthread_mutex_unlock(&dom_lock);
        qd_dom_def_free(def);
        return -1;
    }
    d->persistent = true;
    emit_locked(d, EV_DEFINED, existed ? EV_DEFINED_UPDATED : EV_DEFINED_ADDED);
    fill_ref(d, ret);
    pthread_mutex_unlock(&dom_lock);
    return 0;
}

int
qd_test_domain_create_xml(struct qd_conn *conn, const char *xml,
                          unsigned flags, struct qd_dom_ref *ret,
                          struct qd_err *err)
{
    struct qd_dom_def *def;
    struct tdom *d;
    bool existed;

    /* VIR_DOMAIN_START_VALIDATE (16) */
    if (check_flags(flags, 16, "testDomainCreateXML", err) < 0 ||
        !(def = parse_def(xml, err)))
        return -1;
    pthread_mutex_lock(&dom_lock);
    if (!(d = add_locked(&def, true, &existed, err))) {
        pthread_mutex_unlock(&dom_lock);
        qd_dom_def_free(def);
        return -1;
    }
    start_state_locked(d, RUNNING_BOOTED);
    emit_locked(d, EV_STARTED, EV_STARTED_BOOTED);
    fill_ref(d, ret);
    pthread_mutex_unlock(&dom_lock);
    return 0;
}

int
qd_test_domain_undefine(struct qd_conn *conn, const struct qd_dom_ref *ref,
                        unsigned flags, struct qd_err *err)
{
    struct tdom *d;

    /* MANAGED_SAVE (1), SNAPSHOTS_METADATA (2) */
    if (check_flags(flags, 3, "testDomainUndefineFlags", err) < 0)
        return -1;
    pthread_mutex_lock(&dom_lock);
    if (!(d = get_locked(ref, err)))
        goto fail;
    if (d->has_managed_save && !(flags & 1)) {
        qd_err_report(err, QD_ERR_OPERATION_INVALID, QD_FROM_TEST, "%s",
                      "Refusing to undefine while domain managed save "
                      "image exists");
        goto fail;
    }
    emit_locked(d, EV_UNDEFINED, EV_UNDEFINED_REMOVED);
    d->has_managed_save = false;
    if (is_active(d)) {
        /* libvirt-compat: the saved config stays until the domain stops */
        d->persistent = false;
    } else {
        remove_locked(d);
    }
    pthread_mutex_unlock(&dom_lock);
    return 0;
fail:
    pthread_mutex_unlock(&dom_lock);
    return -1;
}

/* ---- life cycle --------------------------------------------------------- */

int
qd_test_domain_create(struct qd_conn *conn, const struct qd_dom_ref *ref,
                      unsigned flags, struct qd_dom_ref *ret,
                      struct qd_err *err)
{
    struct tdom *d;

    if (check_flags(flags, 0, "testDomainCreateWithFlags", err) < 0)
        return -1;
    pthread_mutex_lock(&dom_lock);
    if (!(d = get_locked(ref, err)))
        goto fail;
    if (d->state != ST_SHUTOFF) {
        qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_TEST,
                      "Domain '%s' is already running", ref->name);
        goto fail;
    }
    start_state_locked(d, RUNNING_BOOTED);
    emit_locked(d, EV_STARTED, EV_STARTED_BOOTED);
    fill_ref(d, ret);
    pthread_mutex_unlock(&dom_lock);
    return 0;
fail:
    pthread_mutex_unlock(&dom_lock);
    return -1;
}

int
qd_test_domain_destroy(struct qd_conn *conn, const struct qd_dom_ref *ref,
                       unsigned flags, struct qd_err *err)
{
    struct tdom *d;
    int rc = -1;

    /* VIR_DOMAIN_DESTROY_GRACEFUL (1) */
    if (check_flags(flags, 1, "testDomainDestroyFlags", err) < 0)
        return -1;
    pthread_mutex_lock(&dom_lock);
    if ((d = get_locked(ref, err)) && check_active(d, err) == 0) {
        int id = stopped_id_locked(d);

        shutdown_state_locked(d, SHUTOFF_DESTROYED);
        qd_event_domain_lifecycle(d->def->name, d->def->uuid, id, EV_STOPPED,
                                  EV_STOPPED_DESTROYED);
        if (!d->persistent)
            remove_locked(d);
        rc = 0;
    }
    pthread_mutex_unlock(&dom_lock);
    return rc;
}

/* testDomainActionSetState: what on_poweroff / on_reboot leads to. */
static void
action_state_locked(struct tdom *d, const char *action)
{
    if (action && (strcmp(action, "restart") == 0 ||
                   strcmp(action, "rename-restart") == 0)) {
        d->state = ST_RUNNING;
        d->reason = RUNNING_BOOTED;
    } else {
        d->state = ST_SHUTOFF;
        d->reason = SHUTOFF_SHUTDOWN;
    }
}

/* After an action: a domain that ended up off is shut down for good. */
static void
finish_action_locked(struct tdom *d)
{
    if (d->state == ST_SHUTOFF) {
        int id = stopped_id_locked(d);

        shutdown_state_locked(d, SHUTOFF_SHUTDOWN);
        qd_event_domain_lifecycle(d->def->name, d->def->uuid, id, EV_STOPPED,
                                  EV_STOPPED_SHUTDOWN);
        if (!d->persistent)
            remove_locked(d);
    }
}

int
qd_test_domain_shutdown(struct qd_conn *conn, const struct qd_dom_ref *ref,
                        unsigned flags, struct qd_err *err)
{
    struct tdom *d;
    int rc = -1;

    if (check_flags(flags, 0, "testDomainShutdownFlags", err) < 0)
        return -1;
    pthread_mutex_lock(&dom_lock);
    if (!(d = get_locked(ref, err)))
        goto out;
    if (d->state == ST_SHUTOFF) {
        qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_TEST,
                      "domain '%s' not running", ref->name);
        goto out;
    }
    action_state_locked(d, d->def->on_poweroff);
    finish_action_locked(d);
    rc = 0;
out:
    pthread_mutex_unlock(&dom_lock);
    return rc;
}

int
qd_test_domain_reboot(struct qd_conn *conn, const struct qd_dom_ref *ref,
                      unsigned flags, struct qd_err *err)
{
    struct tdom *d;
    int rc = -1;

    /* DEFAULT 0, ACPI 1, GUEST_AGENT 2, INITCTL 4, SIGNAL 8, PARAVIRT 16 */
    if (check_flags(flags, 31, "testDomainReboot", err) < 0)
        return -1;
    pthread_mutex_lock(&dom_lock);
    if ((d = get_locked(ref, err)) && check_active(d, err) == 0) {
        action_state_locked(d, d->def->on_reboot);
        finish_action_locked(d);
        rc = 0;
    }
    pthread_mutex_unlock(&dom_lock);
    return rc;
}

int
qd_test_domain_reset(struct qd_conn *conn, const struct qd_dom_ref *ref,
                     unsigned flags, struct qd_err *err)
{
    struct tdom *d;
    int rc = -1;

    if (check_flags(flags, 0, "testDomainReset", err) < 0)
        return -1;
    pthread_mutex_lock(&dom_lock);
    if ((d = get_locked(ref, err)) && check_active(d, err) == 0)
        rc = 0;
    pthread_mutex_unlock(&dom_lock);
    return rc;
}

int
qd_test_domain_suspend(struct qd_conn *conn, const struct qd_dom_ref *ref,
                       struct qd_err *err)
{
    struct tdom *d;
    int rc = -1;

    pthread_mutex_lock(&dom_lock);
    if (!(d = get_locked(ref, err)))
        goto out;
    if (d->state == ST_SHUTOFF || d->state == ST_PAUSED) {
        qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_TEST,
                      "domain '%s' not running", ref->name);
        goto out;
    }
    d->state = ST_PAUSED;
    d->reason = PAUSED_USER;
    emit_locked(d, EV_SUSPENDED, EV_SUSPENDED_PAUSED);
    rc = 0;
out:
    pthread_mutex_unlock(&dom_lock);
    return rc;
}

int
qd_test_domain_resume(struct qd_conn *conn, const struct qd_dom_ref *ref,
                      struct qd_err *err)
{
    struct tdom *d;
    int rc = -1;

    pthread_mutex_lock(&dom_lock);
    if (!(d = get_locked(ref, err)))
        goto out;
    if (d->state != ST_PAUSED) {
        qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_TEST,
                      "domain '%s' not paused", ref->name);
        goto out;
    }
    d->state = ST_RUNNING;
    d->reason = RUNNING_UNPAUSED;
    emit_locked(d, EV_RESUMED, EV_RESUMED_UNPAUSED);
    rc = 0;
out:
    pthread_mutex_unlock(&dom_lock);
    return rc;
}

/* ---- getters and setters ----------------------------------------------- */

int
qd_test_domain_get_info(struct qd_conn *conn, const struct qd_dom_ref *ref,
                        struct qd_dom_info *ret, struct qd_err *err)
{
    struct timeval tv;
    struct tdom *d;

    pthread_mutex_lock(&dom_lock);
    if (!(d = get_locked(ref, err))) {
        pthread_mutex_unlock(&dom_lock);
        return -1;
    }
    gettimeofday(&tv, NULL);
    ret->state = (uint32_t) d->state;
    ret->memory = d->def->cur_memory_kib;
    ret->max_mem = d->def->max_memory_kib;
    ret->nr_virt_cpu = d->def->vcpus;
    /* libvirt-compat: the test driver reports wall-clock time as CPU time */
    ret->cpu_time = ((uint64_t) tv.tv_sec * 1000000 + tv.tv_usec) * 1000;
    pthread_mutex_unlock(&dom_lock);
    return 0;
}

int
qd_test_domain_get_state(struct qd_conn *conn, const struct qd_dom_ref *ref,
                         unsigned flags, int *state, int *reason,
                         struct qd_err *err)
{
    struct tdom *d;

    if (check_flags(flags, 0, "testDomainGetState", err) < 0)
        return -1;
    pthread_mutex_lock(&dom_lock);
    if (!(d = get_locked(ref, err))) {
        pthread_mutex_unlock(&dom_lock);
        return -1;
    }
    *state = d->state;
    *reason = d->reason;
    pthread_mutex_unlock(&dom_lock);
    return 0;
}

char *
qd_test_domain_get_xml(struct qd_conn *conn, const struct qd_dom_ref *ref,
                       unsigned flags, struct qd_err *err)
{
    const struct qd_dom_def *def;
    struct tdom *d;
    char *xml;
    int id;

    if (check_flags(flags, XML_COMMON_FLAGS, "testDomainGetXMLDesc", err) < 0)
        return NULL;
    pthread_mutex_lock(&dom_lock);
    if (!(d = get_locked(ref, err))) {
        pthread_mutex_unlock(&dom_lock);
        return NULL;
    }
    if ((flags & XML_INACTIVE) && d->newdef) {
        def = d->newdef;
        id = -1;
    } else {
        def = d->def;
        id = (flags & XML_INACTIVE) ? -1 : d->id;
    }
    xml = qd_dom_def_format(def, id, flags);
    pthread_mutex_unlock(&dom_lock);
    return xml;
}

char *
qd_test_domain_get_os_type(struct qd_conn *conn, const struct qd_dom_ref *ref,
                           struct qd_err *err)
{
    /* libvirt-compat: the test driver answers "linux" for any domain */
    return qd_strdup("linux");
}

/* Runs @get on the domain under the lock; for the one-int getters. */
static int
with_dom(const struct qd_dom_ref *ref, int (*get)(struct tdom *),
         struct qd_err *err)
{
    struct tdom *d;
    int v = -1;

    pthread_mutex_lock(&dom_lock);
    if ((d = get_locked(ref, err)))
        v = get(d);
    pthread_mutex_unlock(&dom_lock);
    return v;
}

static int get_autostart(struct tdom *d) { return d->autostart; }
static int get_active(struct tdom *d) { return is_active(d); }
static int get_persistent(struct tdom *d) { return d->persistent; }
static int get_managed_save(struct tdom *d) { return d->has_managed_save; }

int
qd_test_domain_get_autostart(struct qd_conn *conn,
                             const struct qd_dom_ref *ref, struct qd_err *err)
{
    return with_dom(ref, get_autostart, err);
}

int
qd_test_domain_set_autostart(struct qd_conn *conn,
                             const struct qd_dom_ref *ref, bool on,
                             struct qd_err *err)
{
    struct tdom *d;
    int rc = -1;

    pthread_mutex_lock(&dom_lock);
    if ((d = get_locked(ref, err))) {
        d->autostart = on;
        rc = 0;
    }
    pthread_mutex_unlock(&dom_lock);
    return rc;
}

int
qd_test_domain_is_active(struct qd_conn *conn, const struct qd_dom_ref *ref,
                         struct qd_err *err)
{
    return with_dom(ref, get_active, err);
}

int
qd_test_domain_is_persistent(struct qd_conn *conn,
                             const struct qd_dom_ref *ref, struct qd_err *err)
{
    return with_dom(ref, get_persistent, err);
}

int
qd_test_domain_is_updated(struct qd_conn *conn, const struct qd_dom_ref *ref,
                          struct qd_err *err)
{
    return 0;       /* libvirt-compat: the test driver never reports one */
}

int
qd_test_domain_has_managed_save(struct qd_conn *conn,
                                const struct qd_dom_ref *ref, unsigned flags,
                                struct qd_err *err)
{
    if (check_flags(flags, 0, "testDomainHasManagedSaveImage", err) < 0)
        return -1;
    return with_dom(ref, get_managed_save, err);
}

int
qd_test_domain_snapshot_num(struct qd_conn *conn, const struct qd_dom_ref *ref,
                            unsigned flags, struct qd_err *err)
{
    struct tdom *d;

    pthread_mutex_lock(&dom_lock);
    d = get_locked(ref, err);
    pthread_mutex_unlock(&dom_lock);
    return d ? 0 : -1;      /* snapshots are not modelled yet: none */
}

int
qd_test_domain_set_memory(struct qd_conn *conn, const struct qd_dom_ref *ref,
                          uint64_t kib, unsigned flags, bool max,
                          struct qd_err *err)
{
    struct qd_dom_def *def;
    struct tdom *d;
    bool live = false;
    int rc = -1;

    if (check_flags(flags, AFFECT_LIVE | AFFECT_CONFIG | MEM_MAXIMUM,
                    "testDomainSetMemoryFlags", err) < 0)
        return -1;
    pthread_mutex_lock(&dom_lock);
    if (!(d = get_locked(ref, err)) ||
        !(def = one_def(d, flags & (AFFECT_LIVE | AFFECT_CONFIG), &live, err)))
        goto out;
    if (flags & MEM_MAXIMUM) {
        if (live) {
            qd_err_report(err, QD_ERR_OPERATION_INVALID, QD_FROM_TEST, "%s",
                          "cannot resize the maximum memory on an active "
                          "domain");
            goto out;
        }
        if (def->hotplug_memory_kib && def->hotplug_memory_kib < kib) {
            qd_err_report(err, QD_ERR_OPERATION_INVALID, QD_FROM_TEST, "%s",
                          "cannot set initial memory size greater than the "
                          "maximum memory size");
            goto out;
        }
        def->max_memory_kib = kib;
        if (def->cur_memory_kib > kib)
            def->cur_memory_kib = kib;
    } else {
        if (kib > def->max_memory_kib) {
            qd_err_report(err, QD_ERR_INVALID_ARG, QD_FROM_TEST, "%s",
                          "cannot set memory higher than max memory");
            goto out;
        }
        def->cur_memory_kib = kib;
    }
    rc = 0;
out:
    pthread_mutex_unlock(&dom_lock);
    return rc;
}

int
qd_test_domain_get_max_memory(struct qd_conn *conn,
                              const struct qd_dom_ref *ref, uint64_t *ret,
                              struct qd_err *err)
{
    struct tdom *d;

    pthread_mutex_lock(&dom_lock);
    if ((d = get_locked(ref, err)))
        *ret = d->def->max_memory_kib;
    pthread_mutex_unlock(&dom_lock);
    return d ? 0 : -1;
}

int
qd_test_domain_set_vcpus(struct qd_conn *conn, const struct qd_dom_ref *ref,
                         unsigned n, unsigned flags, struct qd_err *err)
{
    struct qd_dom_def *live, *pers;
    struct tdom *d;
    int maxv, rc = -1;

    if (check_flags(flags, AFFECT_LIVE | AFFECT_CONFIG | VCPU_MAXIMUM,
                    "testDomainSetVcpusFlags", err) < 0)
        return -1;
    if ((maxv = qd_test_get_max_vcpus(conn, NULL, err)) < 0)
        return -1;
    if (n > (unsigned) maxv)
        return qd_err_report(err, QD_ERR_INVALID_ARG, QD_FROM_TEST,
                             "requested cpu amount exceeds maximum supported "
                             "amount (%u > %d)", n, maxv);
    pthread_mutex_lock(&dom_lock);
    if (!(d = get_locked(ref, err)) ||
        get_defs(d, flags & (AFFECT_LIVE | AFFECT_CONFIG), &live, &pers,
                 err) < 0)
        goto out;
    if (live && live->max_vcpus < n) {
        qd_err_report(err, QD_ERR_INVALID_ARG, QD_FROM_TEST,
                      "requested cpu amount exceeds maximum (%u > %u)", n,
                      live->max_vcpus);
        goto out;
    }
    if (pers && !(flags & VCPU_MAXIMUM) && pers->max_vcpus < n) {
        qd_err_report(err, QD_ERR_INVALID_ARG, QD_FROM_TEST,
                      "requested cpu amount exceeds maximum (%u > %u)", n,
                      pers->max_vcpus);
        goto out;
    }
    if (live)
        live->vcpus = n;
    if (pers) {
        if (flags & VCPU_MAXIMUM) {
            pers->max_vcpus = n;
            if (pers->vcpus > n)
                pers->vcpus = n;
        } else {
            pers->vcpus = n;
        }
    }
    rc = 0;
out:
    pthread_mutex_unlock(&dom_lock);
    return rc;
}

int
qd_test_domain_get_vcpus_flags(struct qd_conn *conn,
                               const struct qd_dom_ref *ref, unsigned flags,
                               struct qd_err *err)
{
    struct qd_dom_def *def;
    struct tdom *d;
    int v = -1;

    if (check_flags(flags, AFFECT_LIVE | AFFECT_CONFIG | VCPU_MAXIMUM,
                    "testDomainGetVcpusFlags", err) < 0)
        return -1;
    pthread_mutex_lock(&dom_lock);
    /* virDomainObjGetOneDef: like one_def without the exclusivity check */
    if ((d = get_locked(ref, err)) &&
        (def = one_def(d, flags & (AFFECT_LIVE | AFFECT_CONFIG), NULL, err)))
        v = (int) ((flags & VCPU_MAXIMUM) ? def->max_vcpus : def->vcpus);
    pthread_mutex_unlock(&dom_lock);
    return v;
}

int
qd_test_domain_get_max_vcpus(struct qd_conn *conn,
                             const struct qd_dom_ref *ref, struct qd_err *err)
{
    return qd_test_domain_get_vcpus_flags(conn, ref,
                                          AFFECT_LIVE | VCPU_MAXIMUM, err);
}

char *
qd_test_domain_get_scheduler_type(struct qd_conn *conn,
                                  const struct qd_dom_ref *ref, int *nparams,
                                  struct qd_err *err)
{
    *nparams = 1;
    return qd_strdup("fair");
}

int
qd_test_domain_get_scheduler_params(struct qd_conn *conn,
                                    const struct qd_dom_ref *ref,
                                    unsigned flags, struct qd_tparams *ret,
                                    struct qd_err *err)
{
    struct tdom *d;

    if (check_flags(flags, 0, "testDomainGetSchedulerParametersFlags",
                    err) < 0)
        return -1;
    pthread_mutex_lock(&dom_lock);
    d = get_locked(ref, err);
    pthread_mutex_unlock(&dom_lock);
    if (!d)
        return -1;
    qd_tparams_add_uint(ret, "weight", 50);
    return 0;
}

int
qd_test_domain_get_security_label(struct qd_conn *conn,
                                  const struct qd_dom_ref *ref,
                                  struct qd_sec_label *ret,
                                  struct qd_err *err)
{
    struct tdom *d;

    pthread_mutex_lock(&dom_lock);
    if ((d = get_locked(ref, err)) && is_active(d)) {
        ret->label = qd_strdup("libvirt-test");
        ret->enforcing = 1;
    }
    pthread_mutex_unlock(&dom_lock);
    return d ? 0 : -1;
}

int
qd_test_domain_get_messages(struct qd_conn *conn, const struct qd_dom_ref *ref,
                            unsigned flags, char ***ret, uint32_t *ret_n,
                            struct qd_err *err)
{
    struct tdom *d;

    /* DEPRECATION (1), TAINTING (2) */
    if (check_flags(flags, 3, "testDomainGetMessages", err) < 0)
        return -1;
    pthread_mutex_lock(&dom_lock);
    d = get_locked(ref, err);
    pthread_mutex_unlock(&dom_lock);
    *ret = NULL;
    *ret_n = 0;
    return d ? 0 : -1;
}

char *
qd_test_domain_get_metadata(struct qd_conn *conn, const struct qd_dom_ref *ref,
                            int type, const char *uri, unsigned flags,
                            struct qd_err *err)
{
    struct qd_dom_def *def;
    struct tdom *d;
    char *s = NULL;

    if (check_flags(flags, AFFECT_LIVE | AFFECT_CONFIG,
                    "testDomainGetMetadata", err) < 0)
        return NULL;
    pthread_mutex_lock(&dom_lock);
    if ((d = get_locked(ref, err)) && (def = one_def(d, flags, NULL, err)))
        s = qd_dom_def_get_metadata(def, type, uri, err);
    pthread_mutex_unlock(&dom_lock);
    return s;
}

int
qd_test_domain_set_metadata(struct qd_conn *conn, const struct qd_dom_ref *ref,
                            int type, const char *metadata, const char *key,
                            const char *uri, unsigned flags,
                            struct qd_err *err)
{
    struct qd_dom_def *live, *pers;
    struct tdom *d;
    int rc = -1;

    if (check_flags(flags, AFFECT_LIVE | AFFECT_CONFIG,
                    "testDomainSetMetadata", err) < 0)
        return -1;
    pthread_mutex_lock(&dom_lock);
    if (!(d = get_locked(ref, err)) ||
        get_defs(d, flags, &live, &pers, err) < 0)
        goto out;
    if (live && qd_dom_def_set_metadata(live, type, metadata, key, uri,
                                        err) < 0)
        goto out;
    if (pers && qd_dom_def_set_metadata(pers, type, metadata, key, uri,
                                        err) < 0)
        goto out;
    qd_event_domain_metadata(d->def->name, d->def->uuid, d->id, type, uri);
    rc = 0;
out:
    pthread_mutex_unlock(&dom_lock);
    return rc;
}

/* ---- stats -------------------------------------------------------------- */

#define STATS_STATE 1u
#define STATS_IOTHREAD (1u << 7)
#define STATS_ENFORCE (1u << 31)
#define STATS_NOWAIT (1u << 29)
#define STATS_BACKING (1u << 30)

static void
fill_stats_locked(const struct tdom *d, unsigned stats,
                  struct qd_dom_stats *rec)
{
    fill_ref(d, &rec->dom);
    if (stats & STATS_STATE) {
        qd_tparams_add_int(&rec->params, "state.state", d->state);
        qd_tparams_add_int(&rec->params, "state.reason", d->reason);
    }
}

int
qd_test_get_all_domain_stats(struct qd_conn *conn,
                             const struct qd_dom_ref *refs, uint32_t nrefs,
                             unsigned stats, unsigned flags,
                             struct qd_dom_stats **ret, uint32_t *ret_n,
                             struct qd_err *err)
{
    const unsigned supported = STATS_STATE | STATS_IOTHREAD;
    const unsigned lflags = flags & QD_LIST_DOMAINS_STATS_FILTERS;
    struct qd_dom_stats *recs;
    uint32_t n = 0, i;

    if (check_flags(flags, lflags | STATS_NOWAIT | STATS_BACKING |
                    STATS_ENFORCE, "testConnectGetAllDomainStats", err) < 0)
        return -1;
    if (!stats)
        stats = supported;
    else if ((flags & STATS_ENFORCE) && (stats & ~supported))
        return qd_err_report(err, QD_ERR_ARGUMENT_UNSUPPORTED, QD_FROM_TEST,
                             "Stats types bits 0x%x are not supported by "
                             "this daemon", stats & ~supported);
    pthread_mutex_lock(&dom_lock);
    recs = qd_calloc((nrefs ? nrefs : ndoms) + 1, sizeof(*recs));
    if (nrefs) {
        for (i = 0; i < nrefs; i++) {
            struct tdom *d = find_uuid_locked(refs[i].uuid);

            /* virDomainObjListConvert skips domains that went away */
            if (d && list_match(d, lflags))
                fill_stats_locked(d, stats, &recs[n++]);
        }
    } else {
        for (i = 0; i < ndoms; i++)
            if (list_match(doms[i], lflags))
                fill_stats_locked(doms[i], stats, &recs[n++]);
    }
    pthread_mutex_unlock(&dom_lock);
    *ret = recs;
    *ret_n = n;
    return 0;
}
