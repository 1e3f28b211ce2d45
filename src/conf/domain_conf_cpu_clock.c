/* <cpu>, <clock> and the lifecycle actions (on_poweroff, on_reboot,
 * on_crash, on_lockfailure), as libvirt 9.0's virCPUDefParseXML,
 * virDomainDefClockParse and virDomainDefLifecycleParse read them. */
#include "conf/domain_conf.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <libxml/tree.h>

#include "conf/domain_conf_priv.h"
#include "util/mem.h"

static const char *const lifecycle_actions[] = {
    "destroy", "restart", "rename-restart", "preserve", "coredump-destroy",
    "coredump-restart", NULL
};
static const char *const lockfailure_actions[] = {
    "default", "poweroff", "restart", "pause", "ignore", NULL
};
static const char *const clock_offsets[] = {
    "utc", "localtime", "variable", "timezone", "absolute", NULL
};
static const char *const clock_bases[] = { "utc", "localtime", NULL };
static const char *const timer_names[] = {
    "platform", "pit", "rtc", "hpet", "tsc", "kvmclock", "hypervclock",
    "armvtimer", NULL
};
static const char *const timer_tracks[] = {
    "none", "boot", "guest", "wall", "realtime", NULL
};
static const char *const timer_tickpolicies[] = {
    "none", "delay", "catchup", "merge", "discard", NULL
};
static const char *const timer_modes[] = {
    "none", "auto", "native", "emulate", "paravirt", "smpsafe", NULL
};

static void
set_str(char **dst, char *src)
{
    free(*dst);
    *dst = src;
}

/* ---- cpu ---- */

static const char *const cpu_modes[] = {
    "custom", "host-model", "host-passthrough", "maximum", NULL
};
static const char *const cpu_matches[] = {
    "exact", "minimum", "strict", NULL
};
static const char *const cpu_checks[] = {
    "default", "none", "partial", "full", NULL
};
static const char *const cpu_fallbacks[] = { "allow", "forbid", NULL };
static const char *const cpu_policies[] = {
    "force", "require", "optional", "disable", "forbid", NULL
};

/* <cpu><numa>: cells in id order with canonical cpus and KiB sizes
 * (virDomainNumaDefParseXML / virDomainNumaDefFormatXML). */
static struct qd_dom_xnode *
parse_numa(xmlNodePtr numa, struct qd_err *err)
{
    static const char *const accesses[] = {
        "default", "shared", "private", NULL
    };
    size_t n = qd_dom_xcount(numa, "cell"), i, done = 0;
    struct qd_dom_xnode **cells;
    struct qd_dom_xnode *ret = NULL;
    xmlNodePtr cell, cur;

    if (n == 0) {
        qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                      "NUMA topology defined without NUMA cells");
        return NULL;
    }
    cells = qd_calloc(n, sizeof(*cells));
    for (cell = qd_dom_xfirst(numa, "cell"), i = 0; cell;
         cell = qd_dom_xnext(cell), i++) {
        _cleanup_free_ char *cpus = qd_dom_xprop(cell, "cpus");
        _cleanup_free_ char *mem = qd_dom_xprop(cell, "memory");
        _cleanup_free_ char *unit = qd_dom_xprop(cell, "unit");
        struct qd_dom_xnode *c;
        unsigned long long bytes;
        unsigned int id;
        int rc, access, discard;
        char num[32];

        if ((rc = qd_dom_prop_uint(cell, "id", 10, 0, &id, err)) < 0)
            goto out;
        if (rc == 0)
            id = (unsigned int) i;
        if (id >= n) {
            qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                          "Exactly one 'cell' element per guest NUMA cell "
                          "allowed, non-contiguous ranges or ranges not "
                          "starting from 0 are not allowed");
            goto out;
        }
        if (cells[id]) {
            qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                          "Duplicate NUMA cell info for cell id '%u'", id);
            goto out;
        }
        c = qd_dom_xnode_new("cell");
        cells[id] = c;
        snprintf(num, sizeof(num), "%u", id);
        qd_dom_xnode_set_attr(c, "id", num);
        if (cpus) {
            bool empty;
            _cleanup_free_ char *canon = qd_dom_bitmap_canon(cpus, 4096,
                                                             &empty, err);

            if (!canon)
                goto out;
            if (!empty)
                qd_dom_xnode_set_attr(c, "cpus", canon);
        }
        if (!mem) {
            qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_XML_,
                          "missing element or attribute './@memory'");
            goto out;
        }
        if (qd_dom_parse_scaled(mem, unit, "./@memory", 1024, LLONG_MAX,
                                &bytes, err) < 0)
            goto out;
        snprintf(num, sizeof(num), "%llu",
                 bytes / 1024 + (bytes % 1024 ? 1 : 0));
        qd_dom_xnode_set_attr(c, "memory", num);
        qd_dom_xnode_set_attr(c, "unit", "KiB");
        if (qd_dom_prop_enum(cell, "memAccess", accesses,
                             QD_DOM_PROP_NONZERO, &access, 0, err) < 0 ||
            qd_dom_prop_enum(cell, "discard", qd_dom_tristate_bool,
                             QD_DOM_PROP_NONZERO, &discard, 0, err) < 0)
            goto out;
        if (access)
            qd_dom_xnode_set_attr(c, "memAccess", accesses[access]);
        if (discard)
            qd_dom_xnode_set_attr(c, "discard",
                                  qd_dom_tristate_bool[discard]);
        for (cur = xmlFirstElementChild(cell); cur;
             cur = xmlNextElementSibling(cur)) {
            if (!cur->ns)
                qd_dom_xnode_add_kid(c, qd_dom_xnode_from_xml(cur));
        }
    }
    ret = qd_dom_xnode_new("numa");
    for (i = 0; i < n; i++)
        qd_dom_xnode_add_kid(ret, steal_ptr(&cells[i]));
    done = n;
    if ((cur = qd_dom_xfirst(numa, "interconnects")))
        qd_dom_xnode_add_kid(ret, qd_dom_xnode_from_xml(cur));

 out:
    for (i = done; i < n; i++)
        qd_dom_xnode_free(cells[i]);
    free(cells);
    return ret;
}

/* Sum of the <numa> cell sizes in KiB, 0 without cells. */
unsigned long long
qd_dom_numa_memory_kib(const struct qd_dom_def *def)
{
    const struct qd_dom_xnode *numa = qd_dom_xnode_child(def->cpu, "numa");
    unsigned long long sum = 0, v;
    size_t i;

    for (i = 0; numa && i < numa->nkids; i++) {
        if (strcmp(numa->kids[i]->name, "cell") == 0 &&
            qd_dom_str_to_ull(qd_dom_xnode_attr(numa->kids[i], "memory"), 10,
                              &v) == 0)
            sum += v;
    }
    return sum;
}

int
qd_dom_parse_cpu(struct qd_dom_def *def, xmlNodePtr root, struct qd_err *err)
{
    xmlNodePtr node = qd_dom_xfirst(root, "cpu"), cur, topo;
    struct qd_dom_xnode *cpu;
    _cleanup_free_ char *mode = NULL;
    _cleanup_free_ char *model = NULL;
    _cleanup_free_ char *vendor = NULL;
    int m = 0, match = 0, check = 0, migr = 0, rc;
    bool format_model;

    if (!node)
        return 0;
    if ((mode = qd_dom_xprop(node, "mode")) &&
        (m = qd_dom_enum_index(cpu_modes, mode)) < 0)
        return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_CPU_,
                             "Invalid mode attribute '%s'", mode);
    if ((rc = qd_dom_prop_enum(node, "migratable", qd_dom_tristate_switch,
                               QD_DOM_PROP_NONZERO, &migr, 0, err)) < 0)
        return -1;
    if (rc > 0 && m != 2 && m != 3)
        return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_CPU_,
                             "Attribute migratable is only allowed for "
                             "'host-passthrough' / 'maximum' CPU mode");
    if (qd_dom_prop_enum(node, "match", cpu_matches, 0, &match, 0, err) < 0 ||
        qd_dom_prop_enum(node, "check", cpu_checks, 0, &check, 0, err) < 0)
        return -1;

    model = qd_dom_xchild_string(node, "model");
    vendor = qd_dom_xchild_string(node, "vendor");
    if (vendor && !model)
        return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_CPU_,
                             "CPU vendor specified without CPU model");
    if (m == 0 && !model && check)
        return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_DOMAIN,
                             "check attribute specified for CPU with no "
                             "model");

    cpu = qd_dom_xnode_new("cpu");
    def->cpu = cpu;
    if (m != 0 || model) {
        qd_dom_xnode_set_attr(cpu, "mode", cpu_modes[m]);
        if (m == 0)
            qd_dom_xnode_set_attr(cpu, "match", cpu_matches[match]);
        if (check)
            qd_dom_xnode_set_attr(cpu, "check", cpu_checks[check]);
        if ((m == 2 || m == 3) && migr)
            qd_dom_xnode_set_attr(cpu, "migratable",
                                  qd_dom_tristate_switch[migr]);
    }

    format_model = (m == 0 || m == 1);
    if (format_model && model) {
        struct qd_dom_xnode *mn = qd_dom_xnode_new("model");
        _cleanup_free_ char *fb = NULL;
        _cleanup_free_ char *vid = NULL;
        int f = 0;

        if (m != 2 && m != 3) {
            fb = qd_dom_xchild_prop(node, "model", "fallback");
            vid = qd_dom_xchild_prop(node, "model", "vendor_id");
        }
        if (fb && (f = qd_dom_enum_index(cpu_fallbacks, fb)) < 0) {
            qd_dom_xnode_free(mn);
            return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED,
                                 QD_FROM_CPU_,
                                 "Invalid fallback attribute");
        }
        qd_dom_xnode_set_attr(mn, "fallback", cpu_fallbacks[f]);
        if (vid && *vid)
            qd_dom_xnode_set_attr(mn, "vendor_id", vid);
        mn->text = qd_strdup(model);
        qd_dom_xnode_add_kid(cpu, mn);
    }
    if (format_model && vendor) {
        struct qd_dom_xnode *vn = qd_dom_xnode_new("vendor");

        vn->text = steal_ptr(&vendor);
        qd_dom_xnode_add_kid(cpu, vn);
    }
    if ((topo = qd_dom_xfirst(node, "topology"))) {
        static const char *const names[] = {
            "sockets", "dies", "cores", "threads"
        };
        struct qd_dom_xnode *tn = qd_dom_xnode_new("topology");
        unsigned int v[4];
        size_t i;

        qd_dom_xnode_add_kid(cpu, tn);
        for (i = 0; i < 4; i++) {
            char num[16];

            rc = qd_dom_prop_uint(topo, names[i], 10,
                                  QD_DOM_PROP_NONZERO |
                                  (i == 1 ? 0 : QD_DOM_PROP_REQUIRED),
                                  &v[i], err);
            if (rc < 0)
                return -1;
            if (rc == 0)
                v[i] = 1;
            snprintf(num, sizeof(num), "%u", v[i]);
            qd_dom_xnode_set_attr(tn, names[i], num);
        }
    }
    if ((cur = qd_dom_xfirst(node, "cache"))) {
        static const char *const a[] = { "level", "mode", NULL };

        qd_dom_xnode_add_kid(cpu, qd_dom_xnode_pick(cur, "cache", a));
    }
    if ((cur = qd_dom_xfirst(node, "maxphysaddr"))) {
        static const char *const a[] = { "mode", "bits", NULL };

        qd_dom_xnode_add_kid(cpu, qd_dom_xnode_pick(cur, "maxphysaddr", a));
    }
    for (cur = qd_dom_xfirst(node, "feature"); cur; cur = qd_dom_xnext(cur)) {
        _cleanup_free_ char *pol = qd_dom_xprop(cur, "policy");
        _cleanup_free_ char *name = qd_dom_xprop(cur, "name");
        struct qd_dom_xnode *fn;
        int p = 1;
        size_t i;

        if (!model && m == 0)
            return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_CPU_,
                                 "Non-empty feature list specified without "
                                 "CPU model");
        if (pol && (p = qd_dom_enum_index(cpu_policies, pol)) < 0)
            return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED,
                                 QD_FROM_CPU_, "Invalid CPU feature policy");
        if (!name || !*name)
            return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_CPU_,
                                 "Invalid CPU feature name");
        for (i = 0; i < cpu->nkids; i++) {
            const char *other = qd_dom_xnode_attr(cpu->kids[i], "name");

            if (strcmp(cpu->kids[i]->name, "feature") == 0 && other &&
                strcmp(other, name) == 0)
                return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_CPU_,
                                     "CPU feature '%s' specified more than "
                                     "once", name);
        }
        fn = qd_dom_xnode_new("feature");
        qd_dom_xnode_set_attr(fn, "policy", cpu_policies[p]);
        qd_dom_xnode_set_attr(fn, "name", name);
        qd_dom_xnode_add_kid(cpu, fn);
    }
    if ((cur = qd_dom_xfirst(node, "numa"))) {
        struct qd_dom_xnode *numa = parse_numa(cur, err);

        if (!numa)
            return -1;
        qd_dom_xnode_add_kid(cpu, numa);
    }
    if (cpu->nattrs == 0 && cpu->nkids == 0) {
        qd_dom_xnode_free(cpu);
        def->cpu = NULL;
    }
    return 0;
}

/* ---- lifecycle ---- */

static int
parse_action(xmlNodePtr root, const char *name, const char *const *table,
             const char *dflt, char **ret, struct qd_err *err)
{
    _cleanup_free_ char *s = qd_dom_xchild_string(root, name);

    if (!s) {
        *ret = dflt ? qd_strdup(dflt) : NULL;
        return 0;
    }
    if (qd_dom_enum_index(table, s) < 0)
        return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_DOMAIN,
                             "unknown %s action: %s", name, s);
    *ret = steal_ptr(&s);
    return 0;
}

int
qd_dom_parse_lifecycle(struct qd_dom_def *def, xmlNodePtr root,
                       struct qd_err *err)
{
    if (parse_action(root, "on_reboot", lifecycle_actions, "restart",
                     &def->on_reboot, err) < 0 ||
        parse_action(root, "on_poweroff", lifecycle_actions, "destroy",
                     &def->on_poweroff, err) < 0 ||
        parse_action(root, "on_crash", lifecycle_actions, "destroy",
                     &def->on_crash, err) < 0 ||
        parse_action(root, "on_lockfailure", lockfailure_actions, NULL,
                     &def->on_lockfailure, err) < 0)
        return -1;
    if (def->on_lockfailure && strcmp(def->on_lockfailure, "default") == 0)
        set_str(&def->on_lockfailure, NULL);
    return 0;
}

/* ---- clock ---- */

static void
clock_attr(struct qd_dom_def *def, const char *name, const char *value)
{
    def->clock_attrs = qd_realloc(def->clock_attrs, (def->nclock_attrs + 1) *
                                  sizeof(*def->clock_attrs));
    def->clock_attrs[def->nclock_attrs].name = qd_strdup(name);
    def->clock_attrs[def->nclock_attrs].value = qd_strdup(value);
    def->nclock_attrs++;
}

static int
parse_timer(struct qd_dom_def *def, xmlNodePtr node, struct qd_err *err)
{
    struct qd_dom_timer t = { 0 };
    xmlNodePtr catchup;
    unsigned long long freq = 0;
    int name, v;

    if (qd_dom_prop_enum(node, "name", timer_names, QD_DOM_PROP_REQUIRED,
                         &name, 0, err) < 0)
        return -1;
    t.name = qd_strdup(timer_names[name]);
    if (qd_dom_prop_enum(node, "present", qd_dom_tristate_bool,
                         QD_DOM_PROP_NONZERO, &v, 0, err) < 0)
        goto error;
    if (v > 0)
        t.present = qd_strdup(qd_dom_tristate_bool[v]);
    if (qd_dom_prop_enum(node, "tickpolicy", timer_tickpolicies,
                         QD_DOM_PROP_NONZERO, &v, 0, err) < 0)
        goto error;
    if (v > 0)
        t.tickpolicy = qd_strdup(timer_tickpolicies[v]);
    if (qd_dom_prop_enum(node, "track", timer_tracks, QD_DOM_PROP_NONZERO,
                         &v, 0, err) < 0)
        goto error;
    if (v > 0)
        t.track = qd_strdup(timer_tracks[v]);
    if (qd_dom_prop_ull(node, "frequency", 10, 0, &freq, err) < 0)
        goto error;
    if (freq)
        t.frequency = qd_asprintf("%llu", freq);
    if (qd_dom_prop_enum(node, "mode", timer_modes, QD_DOM_PROP_NONZERO, &v,
                         0, err) < 0)
        goto error;
    if (v > 0)
        t.mode = qd_strdup(timer_modes[v]);
    if ((catchup = qd_dom_xfirst(node, "catchup"))) {
        static const char *const names[] = { "threshold", "slew", "limit" };
        size_t i;

        t.catchup = qd_dom_xnode_new("catchup");
        for (i = 0; i < 3; i++) {
            unsigned long long n;

            if (qd_dom_prop_ull(catchup, names[i], 10, 0, &n, err) < 0)
                goto error;
            if (n > 0) {
                char num[32];

                snprintf(num, sizeof(num), "%llu", n);
                qd_dom_xnode_set_attr(t.catchup, names[i], num);
            }
        }
        if (t.catchup->nattrs == 0) {
            qd_dom_xnode_free(t.catchup);
            t.catchup = NULL;
        }
    }
    def->timers = qd_realloc(def->timers,
                             (def->ntimers + 1) * sizeof(*def->timers));
    def->timers[def->ntimers++] = t;
    return 0;

 error:
    free(t.name);
    free(t.present);
    free(t.tickpolicy);
    free(t.track);
    free(t.frequency);
    free(t.mode);
    qd_dom_xnode_free(t.catchup);
    return -1;
}

int
qd_dom_parse_clock(struct qd_dom_def *def, xmlNodePtr root, struct qd_err *err)
{
    xmlNodePtr clock = qd_dom_xfirst(root, "clock"), cur;
    _cleanup_free_ char *offset = qd_dom_xprop(clock, "offset");
    _cleanup_free_ char *adj = qd_dom_xprop(clock, "adjustment");
    int off = 0;

    if (offset && *offset &&
        (off = qd_dom_enum_index(clock_offsets, offset)) < 0)
        return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED, QD_FROM_DOMAIN,
                             "unknown clock offset '%s'", offset);
    if (adj && !*adj)
        set_str(&adj, NULL);

    switch (off) {
    case 0:
    case 1:
        if (adj && strcmp(adj, "reset") == 0) {
            clock_attr(def, "adjustment", "reset");
        } else if (adj) {
            long long a;
            char num[32];

            if (qd_dom_str_to_ll(adj, 10, &a) < 0)
                return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                                     "unknown clock adjustment '%s'", adj);
            snprintf(num, sizeof(num), "%lld", a);
            clock_attr(def, "adjustment", num);
            clock_attr(def, "basis", off == 1 ? "localtime" : "utc");
            off = 2;
        }
        break;
    case 2: {
        _cleanup_free_ char *basis = qd_dom_xprop(clock, "basis");
        long long a = 0;
        char num[32];

        if (basis && !*basis)
            set_str(&basis, NULL);
        if (adj && qd_dom_str_to_ll(adj, 10, &a) < 0)
            a = 0;
        if (basis && qd_dom_enum_index(clock_bases, basis) < 0)
            return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED,
                                 QD_FROM_DOMAIN, "unknown clock basis '%s'",
                                 basis);
        snprintf(num, sizeof(num), "%lld", a);
        clock_attr(def, "adjustment", num);
        clock_attr(def, "basis", basis ? basis : "utc");
        break;
    }
    case 3: {
        _cleanup_free_ char *tz = qd_dom_xprop(clock, "timezone");

        if (!tz || !*tz)
            return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_DOMAIN,
                                 "missing 'timezone' attribute for clock "
                                 "with offset='timezone'");
        clock_attr(def, "timezone", tz);
        break;
    }
    case 4: {
        _cleanup_free_ char *start = qd_dom_xprop(clock, "start");
        unsigned long long s;
        char num[32];

        if (!start || qd_dom_str_to_ull(start, 10, &s) < 0)
            return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_DOMAIN,
                                 "missing 'start' attribute for clock with "
                                 "offset='absolute'");
        snprintf(num, sizeof(num), "%llu", s);
        clock_attr(def, "start", num);
        break;
    }
    }
    def->clock_offset = qd_strdup(clock_offsets[off]);

    for (cur = qd_dom_xfirst(clock, "timer"); cur; cur = qd_dom_xnext(cur)) {
        if (parse_timer(def, cur, err) < 0)
            return -1;
    }
    return 0;
}

int
qd_dom_validate_timers(const struct qd_dom_def *def, struct qd_err *err)
{
    size_t i;

    for (i = 0; i < def->ntimers; i++) {
        const struct qd_dom_timer *t = &def->timers[i];

        if ((strcmp(t->name, "kvmclock") == 0 ||
             strcmp(t->name, "hypervclock") == 0) && t->tickpolicy)
            return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED,
                                 QD_FROM_DOMAIN, "timer %s doesn't support "
                                 "setting of timer tickpolicy", t->name);
        if ((!t->tickpolicy || strcmp(t->tickpolicy, "catchup") != 0) &&
            t->catchup)
            return qd_err_report(err, QD_ERR_XML_ERROR, QD_FROM_DOMAIN,
                                 "setting of timer catchup policies is only "
                                 "supported with tickpolicy='catchup'");
        if (strcmp(t->name, "tsc") != 0) {
            if (t->frequency)
                return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED,
                                     QD_FROM_DOMAIN, "timer %s doesn't "
                                     "support setting of timer frequency",
                                     t->name);
            if (t->mode)
                return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED,
                                     QD_FROM_DOMAIN, "timer %s doesn't "
                                     "support setting of timer mode",
                                     t->name);
        }
        if (strcmp(t->name, "platform") != 0 &&
            strcmp(t->name, "rtc") != 0 && t->track)
            return qd_err_report(err, QD_ERR_CONFIG_UNSUPPORTED,
                                 QD_FROM_DOMAIN, "timer %s doesn't support "
                                 "setting of timer track", t->name);
    }
    return 0;
}
