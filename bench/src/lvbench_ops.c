/* lvbench: the measured operations, one public API sequence each. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lvbench.h"

void
lv_note_error(struct lv_thread *t, const char *what)
{
    if (t->errors++ == 0)
        snprintf(t->errtext, sizeof(t->errtext), "%s: %s", what,
                 virGetLastErrorMessage());
}

static int
need_test_dom(struct lv_thread *t)
{
    if (!(t->dom = virDomainLookupByName(t->conn, "test"))) {
        lv_note_error(t, "virDomainLookupByName(test)");
        return -1;
    }
    return 0;
}

static int
op_get_version(struct lv_thread *t)
{
    unsigned long v;

    return virConnectGetVersion(t->conn, &v);
}

static int
op_lookup_info(struct lv_thread *t)
{
    virDomainPtr d = virDomainLookupByName(t->conn, "test");
    virDomainInfo info;
    int rc;

    if (!d)
        return -1;
    rc = virDomainGetInfo(d, &info);
    virDomainFree(d);
    return rc;
}

static int
op_list_all(struct lv_thread *t)
{
    virDomainPtr *doms = NULL;
    int n = virConnectListAllDomains(t->conn, &doms, 0), i;

    for (i = 0; i < n; i++)
        virDomainFree(doms[i]);
    free(doms);
    return n < 0 ? -1 : 0;
}

static int
op_get_xml(struct lv_thread *t)
{
    char *xml = virDomainGetXMLDesc(t->dom, 0);

    if (!xml)
        return -1;
    free(xml);
    return 0;
}

static int
setup_define(struct lv_thread *t)
{
    unsigned pid = (unsigned) getpid();

    /* unique per thread: name and uuid carry pid, connection and thread */
    snprintf(t->xml, sizeof(t->xml),
             "<domain type='test'>"
             "<name>bench-%u-%u-%u</name>"
             "<uuid>b0000000-%04x-%04x-%04x-%012x</uuid>"
             "<memory unit='KiB'>65536</memory>"
             "<vcpu>1</vcpu>"
             "<os><type arch='i686'>hvm</type></os>"
             "</domain>",
             pid, t->conn_idx, t->idx, pid & 0xffff, t->conn_idx & 0xffff,
             t->idx & 0xffff, t->conn_idx * 4096 + t->idx);
    return 0;
}

static int
op_define_undefine(struct lv_thread *t)
{
    virDomainPtr d = virDomainDefineXML(t->conn, t->xml);
    int rc;

    if (!d)
        return -1;
    rc = virDomainUndefine(d);
    virDomainFree(d);
    return rc;
}

static int
op_open_close(struct lv_thread *t)
{
    virConnectPtr c = virConnectOpen(t->o->uri);

    if (!c)
        return -1;
    return virConnectClose(c) < 0 ? -1 : 0;
}

static const struct lv_op ops[] = {
    { "get-version",     1, false, NULL,          op_get_version },
    { "lookup-info",     2, false, NULL,          op_lookup_info },
    { "list-all",        1, false, NULL,          op_list_all },
    { "get-xml",         1, false, need_test_dom, op_get_xml },
    { "define-undefine", 2, false, setup_define,  op_define_undefine },
    { "open-close",      0, true,  NULL,          op_open_close },
};

const struct lv_op *
lv_op_find(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
        if (strcmp(ops[i].name, name) == 0)
            return &ops[i];
    return NULL;
}

void
lv_op_list(FILE *f)
{
    size_t i;

    for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
        fprintf(f, " %s", ops[i].name);
    fprintf(f, " events\n");
}
