/* Helpers shared by drivers: handle and typed-parameter lifetimes. */
#include "drivers/driver.h"

#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

void
qd_dom_ref_clear(struct qd_dom_ref *r)
{
    free(r->name);
    r->name = NULL;
}

void
qd_net_ref_clear(struct qd_net_ref *r)
{
    free(r->name);
    r->name = NULL;
}

void
qd_pool_ref_clear(struct qd_pool_ref *r)
{
    free(r->name);
    r->name = NULL;
}

void
qd_vol_ref_clear(struct qd_vol_ref *r)
{
    free(r->pool);
    free(r->name);
    free(r->key);
    r->pool = r->name = r->key = NULL;
}

void
qd_nodedev_ref_clear(struct qd_nodedev_ref *r)
{
    free(r->name);
    r->name = NULL;
}

void
qd_iface_ref_clear(struct qd_iface_ref *r)
{
    free(r->name);
    free(r->mac);
    r->name = r->mac = NULL;
}

void
qd_list_clear(struct qd_list *l, size_t item_size, void (*clear)(void *item))
{
    uint32_t i;

    for (i = 0; i < l->n; i++)
        clear((char *) l->items + (size_t) i * item_size);
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

static struct qd_tparam *
tparams_add(struct qd_tparams *p, const char *field, int type)
{
    struct qd_tparam *tp;

    p->items = qd_realloc(p->items, (p->n + 1) * sizeof(*p->items));
    tp = &p->items[p->n++];
    memset(tp, 0, sizeof(*tp));
    tp->field = qd_strdup(field);
    tp->type = type;
    return tp;
}

void
qd_tparams_add_int(struct qd_tparams *p, const char *field, int32_t v)
{
    tparams_add(p, field, QD_TP_INT)->v.i = v;
}

void
qd_tparams_add_uint(struct qd_tparams *p, const char *field, uint32_t v)
{
    tparams_add(p, field, QD_TP_UINT)->v.ui = v;
}

void
qd_tparams_add_llong(struct qd_tparams *p, const char *field, int64_t v)
{
    tparams_add(p, field, QD_TP_LLONG)->v.l = v;
}

void
qd_tparams_add_ullong(struct qd_tparams *p, const char *field, uint64_t v)
{
    tparams_add(p, field, QD_TP_ULLONG)->v.ul = v;
}

void
qd_tparams_add_bool(struct qd_tparams *p, const char *field, bool v)
{
    tparams_add(p, field, QD_TP_BOOLEAN)->v.b = v;
}

void
qd_tparams_add_string(struct qd_tparams *p, const char *field, const char *v)
{
    tparams_add(p, field, QD_TP_STRING)->v.s = qd_strdup(v);
}

void
qd_tparams_clear(struct qd_tparams *p)
{
    uint32_t i;

    for (i = 0; i < p->n; i++) {
        free(p->items[i].field);
        if (p->items[i].type == QD_TP_STRING)
            free(p->items[i].v.s);
    }
    free(p->items);
    p->items = NULL;
    p->n = 0;
}

/* virConnectListAllDomainsFlags bits */
#define L_ACTIVE (1u << 0)
#define L_INACTIVE (1u << 1)
#define L_PERSISTENT (1u << 2)
#define L_TRANSIENT (1u << 3)
#define L_RUNNING (1u << 4)
#define L_PAUSED (1u << 5)
#define L_SHUTOFF (1u << 6)
#define L_OTHER (1u << 7)
#define L_MANAGEDSAVE (1u << 8)
#define L_NO_MANAGEDSAVE (1u << 9)
#define L_AUTOSTART (1u << 10)
#define L_NO_AUTOSTART (1u << 11)
#define L_HAS_SNAPSHOT (1u << 12)
#define L_NO_SNAPSHOT (1u << 13)
#define L_HAS_CHECKPOINT (1u << 14)
#define L_NO_CHECKPOINT (1u << 15)

/* virDomainState values the state group names */
enum { STATE_RUNNING = 1, STATE_PAUSED = 3, STATE_SHUTOFF = 5 };

/* A yes/no group: passes when neither bit is set, or the one set matches. */
static bool
either(unsigned f, unsigned yes, unsigned no, bool v)
{
    if (!(f & (yes | no)))
        return true;
    return ((f & yes) && v) || ((f & no) && !v);
}

bool
qd_dom_list_match(const struct qd_dom_list_facts *d, unsigned f)
{
    int st = d->state;

    if (!either(f, L_ACTIVE, L_INACTIVE, d->active) ||
        !either(f, L_PERSISTENT, L_TRANSIENT, d->persistent) ||
        !either(f, L_MANAGEDSAVE, L_NO_MANAGEDSAVE, d->managed_save) ||
        !either(f, L_AUTOSTART, L_NO_AUTOSTART, d->autostart) ||
        !either(f, L_HAS_SNAPSHOT, L_NO_SNAPSHOT, d->has_snapshot) ||
        !either(f, L_HAS_CHECKPOINT, L_NO_CHECKPOINT, d->has_checkpoint))
        return false;
    if (!(f & (L_RUNNING | L_PAUSED | L_SHUTOFF | L_OTHER)))
        return true;
    return ((f & L_RUNNING) && st == STATE_RUNNING) ||
           ((f & L_PAUSED) && st == STATE_PAUSED) ||
           ((f & L_SHUTOFF) && st == STATE_SHUTOFF) ||
           ((f & L_OTHER) && st != STATE_RUNNING && st != STATE_PAUSED &&
            st != STATE_SHUTOFF);
}
