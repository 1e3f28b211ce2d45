/* The test driver's object world: the lock, setup/teardown, the helpers
 * the object files share (flag checks, libvirt-style XML parsing
 * and escaping), and the two read-only kinds: host interfaces and node
 * devices. Networks live in test_network.c, storage in test_storage.c. */
#include "drivers/test/test_objects.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>

#include "drivers/test/test_objects_priv.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/xml.h"

static pthread_mutex_t objects_lock = PTHREAD_MUTEX_INITIALIZER;
static bool objects_ready;      /* objects_lock */

void
qd_test_objects_lock(void)
{
    pthread_mutex_lock(&objects_lock);
}

void
qd_test_objects_unlock(void)
{
    pthread_mutex_unlock(&objects_lock);
}

int
qd_test_objects_init(struct qd_err *err)
{
    int ret = 0;

    qd_test_objects_lock();
    if (!objects_ready) {
        if (qd_test_network_setup_locked(err) < 0 ||
            qd_test_storage_setup_locked(err) < 0) {
            qd_test_network_teardown_locked();
            qd_test_storage_teardown_locked();
            ret = -1;
        } else {
            objects_ready = true;
        }
    }
    qd_test_objects_unlock();
    return ret;
}

void
qd_test_objects_fini(void)
{
    qd_test_objects_lock();
    qd_test_network_teardown_locked();
    qd_test_storage_teardown_locked();
    objects_ready = false;
    qd_test_objects_unlock();
}

/* ---- shared helpers ---------------------------------------------------- */

int
qd_test_check_flags(unsigned flags, unsigned allowed, const char *func,
                    struct qd_err *err)
{
    if (flags & ~allowed)
        return qd_err_set(err, QD_ERR_INVALID_ARG, QD_FROM_TEST,
                          "unsupported flags (0x%x) in function %s",
                          flags & ~allowed, func);
    return 0;
}

void
qd_test_list_init(struct qd_list *l, size_t n, size_t item_size)
{
    l->n = (uint32_t) n;
    l->items = qd_calloc(n ? n : 1, item_size);
}

/* First fatal libxml2 error of one parse, rendered as libvirt does. */
int
qd_test_xml_parse(const char *xml, const char *url, const char *root,
                  int domain, struct qd_test_xml *ret, struct qd_err *err)
{
    xmlNodePtr rootnode;

    ret->ctxt = NULL;
    if (!(ret->doc = qd_xml_read(xml, url, true, domain, err)))
        return -1;
    rootnode = xmlDocGetRootElement(ret->doc);
    if (!xmlStrEqual(rootnode->name, (const xmlChar *) root)) {
        qd_err_set(err, QD_ERR_XML_ERROR, QD_TEST_FROM_XML,
                   "XML error: expecting root element of '%s', not '%s'",
                   root, (const char *) rootnode->name);
        qd_test_xml_free(ret);
        return -1;
    }
    if (!(ret->ctxt = xmlXPathNewContext(ret->doc)))
        abort();
    ret->ctxt->node = rootnode;
    return 0;
}

void
qd_test_xml_free(struct qd_test_xml *x)
{
    if (x->ctxt)
        xmlXPathFreeContext(x->ctxt);
    if (x->doc)
        xmlFreeDoc(x->doc);
    x->ctxt = NULL;
    x->doc = NULL;
}

/* Evaluates @expr with the context node moved to @node (if given). */
static xmlXPathObjectPtr
xpath_eval(struct qd_test_xml *x, xmlNodePtr node, const char *expr)
{
    xmlNodePtr saved = x->ctxt->node;
    xmlXPathObjectPtr obj;

    if (node)
        x->ctxt->node = node;
    obj = xmlXPathEval((const xmlChar *) expr, x->ctxt);
    x->ctxt->node = saved;
    return obj;
}

char *
qd_test_xpath_string(struct qd_test_xml *x, xmlNodePtr node,
                     const char *expr)
{
    xmlXPathObjectPtr obj = xpath_eval(x, node, expr);
    char *s = NULL;

    if (obj && obj->type == XPATH_STRING && obj->stringval &&
        obj->stringval[0])
        s = qd_strdup((const char *) obj->stringval);
    xmlXPathFreeObject(obj);
    return s;
}

xmlNodePtr
qd_test_xpath_node(struct qd_test_xml *x, xmlNodePtr node, const char *expr)
{
    xmlXPathObjectPtr obj = xpath_eval(x, node, expr);
    xmlNodePtr n = NULL;

    if (obj && obj->type == XPATH_NODESET && obj->nodesetval &&
        obj->nodesetval->nodeNr > 0)
        n = obj->nodesetval->nodeTab[0];
    xmlXPathFreeObject(obj);
    return n;
}

size_t
qd_test_xpath_nodes(struct qd_test_xml *x, xmlNodePtr node, const char *expr,
                    xmlNodePtr **ret)
{
    xmlXPathObjectPtr obj = xpath_eval(x, node, expr);
    size_t n = 0;

    *ret = NULL;
    if (obj && obj->type == XPATH_NODESET && obj->nodesetval &&
        obj->nodesetval->nodeNr > 0) {
        n = (size_t) obj->nodesetval->nodeNr;
        *ret = qd_calloc(n, sizeof(**ret));
        memcpy(*ret, obj->nodesetval->nodeTab, n * sizeof(**ret));
    }
    xmlXPathFreeObject(obj);
    return n;
}

char *
qd_test_xml_prop(xmlNodePtr node, const char *name)
{
    xmlChar *v;
    char *s;

    if (!node || !(v = xmlGetNoNsProp(node, (const xmlChar *) name)))
        return NULL;
    s = qd_strdup((const char *) v);
    xmlFree(v);
    return s;
}

void
qd_test_buf_escape(struct qd_buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<':
            qd_buf_puts(b, "&lt;");
            break;
        case '>':
            qd_buf_puts(b, "&gt;");
            break;
        case '&':
            qd_buf_puts(b, "&amp;");
            break;
        case '"':
            qd_buf_puts(b, "&quot;");
            break;
        case '\'':
            qd_buf_puts(b, "&apos;");
            break;
        default:
            /* libvirt-compat: control characters but \t \n \r vanish */
            if ((unsigned char) *s < 0x20 && *s != '\t' && *s != '\n' &&
                *s != '\r')
                break;
            qd_buf_append(b, s, 1);
        }
    }
}

void
qd_test_buf_indent(struct qd_buf *b, int indent)
{
    static const char spaces[] = "                                ";

    while (indent > 0) {
        int n = indent < 32 ? indent : 32;

        qd_buf_append(b, spaces, (size_t) n);
        indent -= n;
    }
}

/* ---- host interfaces --------------------------------------------------- */

/* The test driver defines no interface API beyond lookups and XML, so the
 * one interface of the default world is immutable data. */
struct test_iface {
    const char *name;
    const char *mac;
    bool active;
    const char *start_mode;
    unsigned mtu;
    const char *family;
    const char *ip;
    unsigned prefix;
    const char *gateway;
};

static const struct test_iface ifaces[] = {
    { "eth1", "aa:bb:cc:dd:ee:ff", true, "onboot", 1492, "ipv4",
      "192.168.0.5", 24, "192.168.0.1" },
};

enum {
    LIST_IFACES_INACTIVE = 1 << 0,
    LIST_IFACES_ACTIVE = 1 << 1,
};

static const struct test_iface *
iface_find(const char *name, struct qd_err *err)
{
    size_t i;

    for (i = 0; i < QD_ARRAY_SIZE(ifaces); i++)
        if (strcmp(ifaces[i].name, name) == 0)
            return &ifaces[i];
    qd_err_set(err, QD_ERR_NO_INTERFACE, QD_FROM_TEST,
               "Interface not found: no interface with matching name '%s'",
               name);
    return NULL;
}

int
qd_test_list_all_interfaces(struct qd_conn *conn, unsigned flags,
                            struct qd_list *ret, struct qd_err *err)
{
    struct qd_iface_ref *refs;
    size_t i, n = 0;

    if (qd_test_check_flags(flags, LIST_IFACES_INACTIVE | LIST_IFACES_ACTIVE,
                            "testConnectListAllInterfaces", err) < 0)
        return -1;
    qd_test_list_init(ret, QD_ARRAY_SIZE(ifaces), sizeof(*refs));
    refs = ret->items;
    for (i = 0; i < QD_ARRAY_SIZE(ifaces); i++) {
        if ((flags & (LIST_IFACES_INACTIVE | LIST_IFACES_ACTIVE)) &&
            !(((flags & LIST_IFACES_ACTIVE) && ifaces[i].active) ||
              ((flags & LIST_IFACES_INACTIVE) && !ifaces[i].active)))
            continue;
        refs[n].name = qd_strdup(ifaces[i].name);
        refs[n].mac = qd_strdup(ifaces[i].mac);
        n++;
    }
    ret->n = (uint32_t) n;
    return (int) n;
}

int
qd_test_iface_lookup_by_name(struct qd_conn *conn, const char *name,
                             struct qd_iface_ref *ret, struct qd_err *err)
{
    const struct test_iface *i = iface_find(name, err);

    if (!i)
        return -1;
    ret->name = qd_strdup(i->name);
    ret->mac = qd_strdup(i->mac);
    return 0;
}

int
qd_test_iface_lookup_by_mac(struct qd_conn *conn, const char *mac,
                            struct qd_iface_ref *ret, struct qd_err *err)
{
    const struct test_iface *found = NULL;
    size_t i, n = 0;

    for (i = 0; i < QD_ARRAY_SIZE(ifaces); i++) {
        if (strcasecmp(ifaces[i].mac, mac) == 0) {
            found = &ifaces[i];
            n++;
        }
    }
    if (n == 0)
        return qd_err_set(err, QD_ERR_NO_INTERFACE, QD_FROM_TEST,
                          "Interface not found: no interface with matching "
                          "mac '%s'", mac);
    if (n > 1)
        return qd_err_set(err, QD_TEST_ERR_MULTIPLE_INTERFACES, QD_FROM_TEST,
                          "multiple matching interfaces found");
    ret->name = qd_strdup(found->name);
    /* libvirt-compat: the handle carries the MAC as the caller spelled it */
    ret->mac = qd_strdup(mac);
    return 0;
}

char *
qd_test_iface_get_xml(struct qd_conn *conn, const struct qd_iface_ref *iface,
                      unsigned flags, struct qd_err *err)
{
    const struct test_iface *i;
    struct qd_buf b = { 0 };

    if (qd_test_check_flags(flags, 0, "testInterfaceGetXMLDesc", err) < 0 ||
        !(i = iface_find(iface->name, err)))
        return NULL;
    qd_buf_puts(&b, "<interface type='ethernet' name='");
    qd_test_buf_escape(&b, i->name);
    qd_buf_puts(&b, "'>\n");
    qd_buf_printf(&b, "  <start mode='%s'/>\n", i->start_mode);
    qd_buf_printf(&b, "  <mtu size='%u'/>\n", i->mtu);
    qd_buf_printf(&b, "  <protocol family='%s'>\n", i->family);
    qd_buf_printf(&b, "    <ip address='%s' prefix='%u'/>\n", i->ip,
                  i->prefix);
    qd_buf_printf(&b, "    <route gateway='%s'/>\n", i->gateway);
    qd_buf_puts(&b, "  </protocol>\n");
    qd_buf_printf(&b, "  <mac address='%s'/>\n", i->mac);
    qd_buf_puts(&b, "</interface>\n");
    return qd_buf_steal_str(&b);
}

int
qd_test_iface_is_active(struct qd_conn *conn,
                        const struct qd_iface_ref *iface, struct qd_err *err)
{
    const struct test_iface *i = iface_find(iface->name, err);

    return i ? i->active : -1;
}

/* ---- node devices ------------------------------------------------------ */

/* virNodeDevCapType indexes; VIR_CONNECT_LIST_NODE_DEVICES_CAP_* is
 * 1 << index. */
enum {
    DEV_CAP_SYSTEM = 0,
    DEV_CAP_SCSI_HOST = 5,
    DEV_CAP_FC_HOST = 9,
    DEV_CAP_VPORTS = 10,
};

enum {
    LIST_DEVICES_FILTERS_CAP = (1u << 22) - 1,      /* CAP_SYSTEM..CAP_VPD */
    LIST_DEVICES_INACTIVE = 1u << 30,
    LIST_DEVICES_ACTIVE = 1u << 31,
};

/* Node devices are read-only here too (no create/destroy slots). */
struct test_nodedev {
    const char *name;
    const char *parent;
    int cap;                    /* DEV_CAP_SYSTEM or DEV_CAP_SCSI_HOST */
    /* system */
    const char *hw_vendor, *hw_version, *hw_serial, *hw_uuid;
    const char *fw_vendor, *fw_version, *fw_date;
    /* scsi_host */
    unsigned host, unique_id;
    const char *wwnn, *wwpn, *fabric_wwn;   /* fc_host when wwnn is set */
    bool vport_ops;
};

/* libvirt-compat: the defaults list max_vports 127 and vports 1, but the
 * test driver never reads them back, so they print as 0. */
static const struct test_nodedev nodedevs[] = {
    { .name = "computer", .cap = DEV_CAP_SYSTEM,
      .hw_vendor = "Libvirt", .hw_version = "Test driver",
      .hw_serial = "123456",
      .hw_uuid = "11111111-2222-3333-4444-555555555555",
      .fw_vendor = "Libvirt", .fw_version = "Test Driver",
      .fw_date = "01/22/2007" },
    { .name = "scsi_host1", .parent = "computer", .cap = DEV_CAP_SCSI_HOST,
      .host = 1, .unique_id = 0, .wwnn = "2000000012341234",
      .wwpn = "1000000012341234", .fabric_wwn = "2000000043214321",
      .vport_ops = true },
    { .name = "scsi_host2", .parent = "computer", .cap = DEV_CAP_SCSI_HOST,
      .host = 2, .unique_id = 1, .wwnn = "2000000056785678",
      .wwpn = "1000000056785678", .fabric_wwn = "2000000087658765",
      .vport_ops = true },
    { .name = "scsi_host11", .parent = "scsi_host1",
      .cap = DEV_CAP_SCSI_HOST, .host = 11, .unique_id = 10,
      .wwnn = "2000000034563456", .wwpn = "1000000034563456",
      .fabric_wwn = "2000000043214321" },
};

static const struct test_nodedev *
nodedev_find(const char *name, struct qd_err *err)
{
    size_t i;

    for (i = 0; i < QD_ARRAY_SIZE(nodedevs); i++)
        if (strcmp(nodedevs[i].name, name) == 0)
            return &nodedevs[i];
    qd_err_set(err, QD_ERR_NO_NODE_DEVICE, QD_FROM_TEST,
               "Node device not found: no node device with matching "
               "name '%s'", name);
    return NULL;
}

/* virNodeDeviceObjHasCap: nested fc_host / vport_ops count as caps. */
static bool
nodedev_has_cap(const struct test_nodedev *d, int cap)
{
    if (d->cap == cap)
        return true;
    if (d->cap == DEV_CAP_SCSI_HOST) {
        if (cap == DEV_CAP_FC_HOST && d->wwnn)
            return true;
        if (cap == DEV_CAP_VPORTS && d->vport_ops)
            return true;
    }
    return false;
}

static bool
nodedev_match(const struct test_nodedev *d, unsigned flags)
{
    int cap;

    if (flags & LIST_DEVICES_FILTERS_CAP) {
        bool any = false;

        for (cap = 0; cap < 22 && !any; cap++)
            if ((flags & (1u << cap)) && nodedev_has_cap(d, cap))
                any = true;
        if (!any)
            return false;
    }
    /* Every device of the test world is present, i.e. active. */
    if ((flags & (LIST_DEVICES_ACTIVE | LIST_DEVICES_INACTIVE)) &&
        !(flags & LIST_DEVICES_ACTIVE))
        return false;
    return true;
}

int
qd_test_list_all_node_devices(struct qd_conn *conn, unsigned flags,
                              struct qd_list *ret, struct qd_err *err)
{
    struct qd_nodedev_ref *refs;
    size_t i, n = 0;

    /* libvirt-compat: libvirt's test driver rejects ACTIVE/INACTIVE, which
     * virsh 9.0 always passes; accept them so nodedev-list works. */
    if (qd_test_check_flags(flags, LIST_DEVICES_FILTERS_CAP |
                            LIST_DEVICES_INACTIVE | LIST_DEVICES_ACTIVE,
                            "testConnectListAllNodeDevices", err) < 0)
        return -1;
    qd_test_list_init(ret, QD_ARRAY_SIZE(nodedevs), sizeof(*refs));
    refs = ret->items;
    for (i = 0; i < QD_ARRAY_SIZE(nodedevs); i++)
        if (nodedev_match(&nodedevs[i], flags))
            refs[n++].name = qd_strdup(nodedevs[i].name);
    ret->n = (uint32_t) n;
    return (int) n;
}

int
qd_test_nodedev_lookup_by_name(struct qd_conn *conn, const char *name,
                               struct qd_nodedev_ref *ret,
                               struct qd_err *err)
{
    const struct test_nodedev *d = nodedev_find(name, err);

    if (!d)
        return -1;
    ret->name = qd_strdup(d->name);
    return 0;
}

char *
qd_test_nodedev_get_xml(struct qd_conn *conn,
                        const struct qd_nodedev_ref *dev, unsigned flags,
                        struct qd_err *err)
{
    const struct test_nodedev *d;
    struct qd_buf b = { 0 };

    if (qd_test_check_flags(flags, 0, "testNodeDeviceGetXMLDesc", err) < 0 ||
        !(d = nodedev_find(dev->name, err)))
        return NULL;
    qd_buf_puts(&b, "<device>\n");
    qd_buf_printf(&b, "  <name>%s</name>\n", d->name);
    if (d->parent)
        qd_buf_printf(&b, "  <parent>%s</parent>\n", d->parent);
    if (d->cap == DEV_CAP_SYSTEM) {
        qd_buf_puts(&b, "  <capability type='system'>\n"
                        "    <hardware>\n");
        qd_buf_printf(&b, "      <vendor>%s</vendor>\n", d->hw_vendor);
        qd_buf_printf(&b, "      <version>%s</version>\n", d->hw_version);
        qd_buf_printf(&b, "      <serial>%s</serial>\n", d->hw_serial);
        qd_buf_printf(&b, "      <uuid>%s</uuid>\n", d->hw_uuid);
        qd_buf_puts(&b, "    </hardware>\n"
                        "    <firmware>\n");
        qd_buf_printf(&b, "      <vendor>%s</vendor>\n", d->fw_vendor);
        qd_buf_printf(&b, "      <version>%s</version>\n", d->fw_version);
        qd_buf_printf(&b, "      <release_date>%s</release_date>\n",
                      d->fw_date);
        qd_buf_puts(&b, "    </firmware>\n");
    } else {
        qd_buf_puts(&b, "  <capability type='scsi_host'>\n");
        qd_buf_printf(&b, "    <host>%u</host>\n", d->host);
        qd_buf_printf(&b, "    <unique_id>%u</unique_id>\n", d->unique_id);
        if (d->wwnn) {
            qd_buf_puts(&b, "    <capability type='fc_host'>\n");
            qd_buf_printf(&b, "      <wwnn>%s</wwnn>\n", d->wwnn);
            qd_buf_printf(&b, "      <wwpn>%s</wwpn>\n", d->wwpn);
            qd_buf_printf(&b, "      <fabric_wwn>%s</fabric_wwn>\n",
                          d->fabric_wwn);
            qd_buf_puts(&b, "    </capability>\n");
        }
        if (d->vport_ops)
            qd_buf_puts(&b, "    <capability type='vport_ops'>\n"
                            "      <max_vports>0</max_vports>\n"
                            "      <vports>0</vports>\n"
                            "    </capability>\n");
    }
    qd_buf_puts(&b, "  </capability>\n"
                    "</device>\n");
    return qd_buf_steal_str(&b);
}

int
qd_test_nodedev_get_parent(struct qd_conn *conn,
                           const struct qd_nodedev_ref *dev,
                           char **ret_parent, struct qd_err *err)
{
    const struct test_nodedev *d = nodedev_find(dev->name, err);

    if (!d)
        return -1;
    /* No parent ("computer") is a NULL answer, as libvirtd sends it. */
    *ret_parent = d->parent ? qd_strdup(d->parent) : NULL;
    return 0;
}

int
qd_test_nodedev_list_caps(struct qd_conn *conn,
                          const struct qd_nodedev_ref *dev, char ***ret,
                          uint32_t *ret_n, struct qd_err *err)
{
    const struct test_nodedev *d = nodedev_find(dev->name, err);

    if (!d)
        return -1;
    /* Only the top-level capability, as the test driver lists it. */
    *ret = qd_calloc(1, sizeof(**ret));
    (*ret)[0] = qd_strdup(d->cap == DEV_CAP_SYSTEM ? "system" : "scsi_host");
    *ret_n = 1;
    return 1;
}
