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
