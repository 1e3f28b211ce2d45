/* Virtual networks of the test driver: parse, keep and format network
 * XML (the common elements: name, uuid, forward, bridge, mac, domain, mtu,
 * ip with dhcp ranges and hosts, tftp, bootp) and the lifecycle calls.
 * Everything runs under the object lock of test_objects.c. */
#include "drivers/test/test_objects.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/test/test_objects_priv.h"
#include "util/buf.h"
#include "util/mem.h"
#include "drivers/event.h"

/* virNetworkEventLifecycleType */
enum { NET_EV_DEFINED, NET_EV_UNDEFINED, NET_EV_STARTED, NET_EV_STOPPED };


enum {
    LIST_NETS_INACTIVE = 1 << 0,
    LIST_NETS_ACTIVE = 1 << 1,
    LIST_NETS_PERSISTENT = 1 << 2,
    LIST_NETS_TRANSIENT = 1 << 3,
    LIST_NETS_AUTOSTART = 1 << 4,
    LIST_NETS_NO_AUTOSTART = 1 << 5,
    LIST_NETS_ALL = (1 << 6) - 1,
    NET_XML_VALIDATE = 1 << 0,      /* VIR_NETWORK_{DEFINE,CREATE}_VALIDATE */
};

/* virNetworkForwardType */
enum {
    FWD_NONE, FWD_NAT, FWD_ROUTE, FWD_OPEN, FWD_BRIDGE, FWD_PRIVATE,
    FWD_VEPA, FWD_PASSTHROUGH, FWD_HOSTDEV, FWD_LAST
};
static const char *const fwd_names[FWD_LAST] = {
    "none", "nat", "route", "open", "bridge", "private", "vepa",
    "passthrough", "hostdev",
};

enum { LEASE_SECONDS, LEASE_MINUTES, LEASE_HOURS };
static const char *const lease_units[] = { "seconds", "minutes", "hours" };

/* virTristateBool: 0 absent, then these */
enum { TRISTATE_ABSENT, TRISTATE_YES, TRISTATE_NO };
static const char *const tristate_names[] = { "default", "yes", "no" };

/* A parsed IP address: family and network-order bytes. */
struct net_addr {
    int af;                     /* AF_INET, AF_INET6; 0 = unset */
    unsigned char b[16];
};

/* A DHCP lease time; unit is an index into lease_units. */
struct net_lease {
    bool set;
    unsigned long long expiry;  /* 0 = infinite */
    int unit;
};

struct net_range {
    struct net_addr start, end;
    struct net_lease lease;
};

struct net_host {
    char *mac, *id, *name;
    struct net_addr ip;
    struct net_lease lease;
};

struct net_ip {
    char *family;               /* as written, NULL if absent */
    struct net_addr address, netmask;
    unsigned prefix;            /* 0 = not given */
    char *tftproot;
    struct net_range *ranges;
    size_t nranges;
    struct net_host *hosts;
    size_t nhosts;
    char *bootfile;
    struct net_addr bootserver;
};

struct net_def {
    char *name;
    unsigned char uuid[QD_UUID_LEN];
    bool ipv6nogw;              /* <network ipv6='yes'> */
    int trust_rx_filters;       /* TRISTATE_* */
    int forward;                /* FWD_* */
    bool managed;
    char **fwd_ifs;             /* <forward dev> / <interface dev> */
    size_t nfwd_ifs;
    char *bridge, *zone;
    bool stp;
    unsigned long delay;
    bool has_mac;
    unsigned char mac[6];
    unsigned mtu;
    char *domain;
    int domain_local_only;      /* TRISTATE_* */
    struct net_ip *ips;
    size_t nips;
};

struct net_obj {
    struct net_def *def;        /* the running (or only) definition */
    struct net_def *newdef;     /* persistent config saved while running */
    bool active, persistent, autostart;
};

/* All guarded by the object lock. */
static struct net_obj **nets;
static size_t nnets;

static const char default_net_xml[] =
    "<network>\n"
    "  <name>default</name>\n"
    "  <uuid>dd8fe884-6c02-601e-7551-cca97df1c5df</uuid>\n"
    "  <bridge name='virbr0'/>\n"
    "  <forward/>\n"
    "  <ip address='192.168.122.1' netmask='255.255.255.0'>\n"
    "    <dhcp>\n"
    "      <range start='192.168.122.2' end='192.168.122.254'/>\n"
    "    </dhcp>\n"
    "  </ip>\n"
    "</network>\n";

/* ---- definitions ------------------------------------------------------- */

static void
net_ip_clear(struct net_ip *ip)
{
    size_t i;

    free(ip->family);
    free(ip->tftproot);
    free(ip->bootfile);
    free(ip->ranges);
    for (i = 0; i < ip->nhosts; i++) {
        free(ip->hosts[i].mac);
        free(ip->hosts[i].id);
        free(ip->hosts[i].name);
    }
    free(ip->hosts);
}

static struct net_def *
net_def_free(struct net_def *def)
{
    size_t i;

    if (!def)
        return NULL;
    free(def->name);
    for (i = 0; i < def->nfwd_ifs; i++)
        free(def->fwd_ifs[i]);
    free(def->fwd_ifs);
    free(def->bridge);
    free(def->zone);
    free(def->domain);
    for (i = 0; i < def->nips; i++)
        net_ip_clear(&def->ips[i]);
    free(def->ips);
    free(def);
    return NULL;
}

static void
net_def_freep(struct net_def **pdef)
{
    net_def_free(*pdef);
}

/* Numeric IPv4 (inet_aton forms, as getaddrinfo accepts) or IPv6. */
static int
addr_parse(const char *s, struct net_addr *a)
{
    struct in_addr v4;

    memset(a, 0, sizeof(*a));
    if (inet_pton(AF_INET6, s, a->b) == 1) {
        a->af = AF_INET6;
        return 0;
    }
    if (inet_aton(s, &v4)) {
        a->af = AF_INET;
        memcpy(a->b, &v4, 4);
        return 0;
    }
    return -1;
}

/* Formats @a into @out (INET6_ADDRSTRLEN bytes). */
static const char *
addr_format(const struct net_addr *a, char *out)
{
    if (!inet_ntop(a->af, a->b, out, INET6_ADDRSTRLEN))
        snprintf(out, INET6_ADDRSTRLEN, "?");
    return out;
}

static size_t
addr_len(const struct net_addr *a)
{
    return a->af == AF_INET ? 4 : 16;
}

/* Leading one bits of a netmask, -1 if it is not contiguous. */
static int
netmask_bits(const struct net_addr *m)
{
    size_t i, len = addr_len(m);
    int bits = 0, bit;
    bool zero = false;

    for (i = 0; i < len; i++) {
        for (bit = 7; bit >= 0; bit--) {
            if (m->b[i] & (1 << bit)) {
                if (zero)
                    return -1;
                bits++;
            } else {
                zero = true;
            }
        }
    }
    return bits;
}

/* virSocketAddrGetIPPrefix: explicit prefix, netmask, or the class. */
static int
net_ip_prefix(const struct net_ip *ip)
{
    unsigned char octet;
    size_t i;

    if (ip->prefix > 0)
        return (int) ip->prefix;
    if (ip->netmask.af)
        return netmask_bits(&ip->netmask);
    if (ip->address.af == AF_INET) {
        octet = ip->address.b[0];
        if (!memcmp(ip->address.b, "\0\0\0\0", 4))
            return 0;
        if ((octet & 0x80) == 0)
            return 8;
        if ((octet & 0xC0) == 0x80)
            return 16;
        if ((octet & 0xE0) == 0xC0)
            return 24;
        return -1;
    }
    if (ip->address.af == AF_INET6) {
        for (i = 0; i < 16; i++)
            if (ip->address.b[i])
                return 64;
        return 0;
    }
    return 0;
}

static void
addr_mask(const struct net_addr *a, int prefix, struct net_addr *ret)
{
    size_t i, len = addr_len(a);

    *ret = *a;
    for (i = 0; i < len; i++) {
        int keep = prefix - (int) (i * 8);

        if (keep >= 8)
            continue;
        ret->b[i] &= keep <= 0 ? 0 : (unsigned char) (0xFF << (8 - keep));
    }
}

/* virSocketAddrGetRange's sanity checks of a DHCP range. */
static int
net_range_check(const struct net_range *r, const struct net_ip *ip,
                struct qd_err *err)
{
    char s[INET6_ADDRSTRLEN], e[INET6_ADDRSTRLEN], n[INET6_ADDRSTRLEN];
    struct net_addr ms, me, mn, bcast;
    int prefix = net_ip_prefix(ip);
    size_t i, len;
    long diff;

    addr_format(&r->start, s);
    addr_format(&r->end, e);
    addr_format(&ip->address, n);
    if (r->start.af != r->end.af)
        return qd_err_set(err, QD_ERR_INTERNAL_ERROR, QD_FROM_NONE,
                          "internal error: mismatch of address family in "
                          "range %s - %s", s, e);
    if (r->start.af != ip->address.af)
        return qd_err_set(err, QD_ERR_INTERNAL_ERROR, QD_FROM_NONE,
                          "internal error: mismatch of address family in "
                          "range %s - %s for network %s", s, e, n);
    if (prefix < 0 || prefix > (r->start.af == AF_INET ? 32 : 128))
        return qd_err_set(err, QD_ERR_INTERNAL_ERROR, QD_FROM_NONE,
                          "internal error: bad prefix %d for network %s "
                          "when  checking range %s - %s", prefix, n, s, e);
    addr_mask(&r->start, prefix, &ms);
    addr_mask(&r->end, prefix, &me);
    addr_mask(&ip->address, prefix, &mn);
    len = addr_len(&mn);
    if (memcmp(ms.b, mn.b, len) || memcmp(me.b, mn.b, len))
        return qd_err_set(err, QD_ERR_INTERNAL_ERROR, QD_FROM_NONE,
                          "internal error: range %s - %s is not entirely "
                          "within network %s/%d", s, e, n, prefix);
    if (r->start.af == AF_INET) {
        bcast = mn;
        for (i = 0; i < 4; i++) {
            int keep = prefix - (int) (i * 8);

            if (keep < 8)
                bcast.b[i] |= keep <= 0 ? 0xFF :
                              (unsigned char) (0xFF >> keep);
        }
        if (!memcmp(r->start.b, mn.b, 4))
            return qd_err_set(err, QD_ERR_INTERNAL_ERROR, QD_FROM_NONE,
                              "internal error: start of range %s - %s in "
                              "network %s/%d is the network address",
                              s, e, n, prefix);
        if (!memcmp(r->end.b, bcast.b, 4))
            return qd_err_set(err, QD_ERR_INTERNAL_ERROR, QD_FROM_NONE,
                              "internal error: end of range %s - %s in "
                              "network %s/%d is the broadcast address",
                              s, e, n, prefix);
        if (memcmp(r->start.b, r->end.b, 2))
            return qd_err_set(err, QD_ERR_INTERNAL_ERROR, QD_FROM_NONE,
                              "internal error: range %s - %s is too large "
                              "(> 65535)", s, e);
        diff = (long) (r->end.b[2] - r->start.b[2]) * 256 +
               (r->end.b[3] - r->start.b[3]);
        if (diff < 0)
            return qd_err_set(err, QD_ERR_INTERNAL_ERROR, QD_FROM_NONE,
                              "internal error: range %s - %s is reversed ",
                              s, e);
    } else {
        if (memcmp(r->start.b, r->end.b, 14))
            return qd_err_set(err, QD_ERR_INTERNAL_ERROR, QD_FROM_NONE,
                              "internal error: range %s - %s is too large "
                              "(> 65535)", s, e);
        diff = (long) ((r->end.b[14] << 8) | r->end.b[15]) -
               (long) ((r->start.b[14] << 8) | r->start.b[15]);
        if (diff < 0)
            return qd_err_set(err, QD_ERR_INTERNAL_ERROR, QD_FROM_NONE,
                              "internal error: range %s - %s start larger "
                              "than end", s, e);
    }
    return 0;
}

/* virMacAddrParse: six groups of one or two hex digits joined by ':'. */
static int
mac_parse(const char *s, unsigned char mac[6])
{
    size_t i;
    char *end;
    unsigned long v;

    for (i = 0; i < 6; i++) {
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') ||
              (*s >= 'A' && *s <= 'F')))
            return -1;
        errno = 0;
        v = strtoul(s, &end, 16);
        if (end - s < 1 || end - s > 2 || errno || v > 0xFF)
            return -1;
        mac[i] = (unsigned char) v;
        if (i == 5)
            return (unsigned char) *end <= ' ' ? 0 : -1;
        if (*end != ':')
            return -1;
        s = end + 1;
    }
    return -1;
}

/* Unsigned decimal without sign or blanks (virStrToLong_uip). */
static int
parse_uint(const char *s, unsigned long max, unsigned long *ret)
{
    char *end;
    unsigned long long v;

    if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
        return -1;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        return -1;
    *ret = (unsigned long) v;
    return 0;
}

/* A yes/no attribute of @node into *@ret (TRISTATE_*), as
 * virXMLPropTristateBool: absent is fine, anything else is an error. */
static int
parse_tristate(xmlNodePtr node, const char *attr, int *ret,
               struct qd_err *err)
{
    _cleanup_free_ char *v = qd_test_xml_prop(node, attr);

    *ret = TRISTATE_ABSENT;
    if (!v)
        return 0;
    if (strcmp(v, "yes") == 0)
        *ret = TRISTATE_YES;
    else if (strcmp(v, "no") == 0)
        *ret = TRISTATE_NO;
    else
        return qd_err_set(err, QD_ERR_XML_ERROR, QD_TEST_FROM_XML,
                          "XML error: Invalid value for attribute '%s' in "
                          "element '%s': '%s'.", attr,
                          (const char *) node->name, v);
    return 0;
}

/* The <lease> child of a DHCP range or host, if any. */
static int
net_lease_parse(xmlNodePtr parent, struct net_lease *lease,
                struct qd_err *err)
{
    xmlNodePtr cur;
    char *end;

    for (cur = parent->children; cur; cur = cur->next) {
        _cleanup_free_ char *expiry = NULL;
        _cleanup_free_ char *unit = NULL;
        unsigned long long v;
        int u = LEASE_MINUTES;

        if (cur->type != XML_ELEMENT_NODE ||
            !xmlStrEqual(cur->name, (const xmlChar *) "lease"))
            continue;
        if (!(expiry = qd_test_xml_prop(cur, "expiry")))
            continue;
        errno = 0;
        v = strtoull(expiry, &end, 10);
        if (!*expiry || *expiry == '-' || errno || *end)
            return qd_err_set(err, QD_ERR_XML_ERROR, QD_TEST_FROM_XML,
                              "XML error: Invalid value for attribute "
                              "'expiry' in element 'lease': '%s'. Expected "
                              "non-negative integer value", expiry);
        if ((unit = qd_test_xml_prop(cur, "unit"))) {
            for (u = 0; u < (int) QD_ARRAY_SIZE(lease_units); u++)
                if (strcmp(unit, lease_units[u]) == 0)
                    break;
            if (u == (int) QD_ARRAY_SIZE(lease_units))
                return qd_err_set(err, QD_ERR_XML_ERROR, QD_TEST_FROM_XML,
                                  "XML error: Invalid value for attribute "
                                  "'unit' in element 'lease': '%s'.", unit);
        }
        /* dnsmasq's minimum is two minutes; 0 means infinite */
        if (v > 0 && ((u == LEASE_SECONDS && v < 120) ||
                      (u == LEASE_MINUTES && v < 2)))
            return qd_err_set(err, QD_ERR_CONFIG_UNSUPPORTED,
                              QD_FROM_NETWORK,
                              "unsupported configuration: The minimum lease "
                              "time should be greater than 2 minutes");
        lease->set = true;
        lease->expiry = v;
        lease->unit = u;
    }
    return 0;
}

static int
net_dhcp_host_parse(const char *netname, struct net_ip *ip, xmlNodePtr node,
                    struct net_host *h, struct qd_err *err)
{
    _cleanup_free_ char *ipstr = NULL;
    unsigned char mac[6];
    const char *cp;

    h->mac = qd_test_xml_prop(node, "mac");
    h->id = qd_test_xml_prop(node, "id");
    h->name = qd_test_xml_prop(node, "name");
    ipstr = qd_test_xml_prop(node, "ip");
    if (h->mac) {
        if (ip->address.af == AF_INET6)
            return qd_err_set(err, QD_ERR_XML_ERROR, QD_FROM_NETWORK,
                              "XML error: Invalid to specify MAC address "
                              "'%s' in network '%s' IPv6 static host "
                              "definition", h->mac, netname);
        if (mac_parse(h->mac, mac) < 0)
            return qd_err_set(err, QD_ERR_XML_ERROR, QD_FROM_NETWORK,
                              "XML error: Cannot parse MAC address '%s' in "
                              "network '%s'", h->mac, netname);
        if (mac[0] & 1)
            return qd_err_set(err, QD_ERR_XML_ERROR, QD_FROM_NETWORK,
                              "XML error: expected unicast mac address, "
                              "found multicast '%s' in network '%s'",
                              h->mac, netname);
    }
    if (h->id) {
        cp = h->id + strspn(h->id, "0123456789abcdefABCDEF:");
        if (*cp)
            return qd_err_set(err, QD_ERR_XML_ERROR, QD_FROM_NETWORK,
                              "XML error: Invalid character '%c' in id "
                              "'%s' of network '%s'", *cp, h->id, netname);
    }
    if (h->name && !((h->name[0] >= 'a' && h->name[0] <= 'z') ||
                     (h->name[0] >= 'A' && h->name[0] <= 'Z') ||
                     (h->name[0] >= '0' && h->name[0] <= '9')))
        return qd_err_set(err, QD_ERR_XML_ERROR, QD_FROM_NETWORK,
                          "XML error: Cannot use host name '%s' in "
                          "network '%s'", h->name, netname);
    if (ipstr && addr_parse(ipstr, &h->ip) < 0)
        return qd_err_set(err, QD_ERR_XML_ERROR, QD_FROM_NETWORK,
                          "XML error: Invalid IP address in static host "
                          "definition for network '%s'", netname);
    if (ip->address.af == AF_INET6) {
        if (!h->id && !h->name)
            return qd_err_set(err, QD_ERR_XML_ERROR, QD_FROM_NETWORK,
                              "XML error: Static host definition in IPv6 "
                              "network '%s' must have id or name attribute",
                              netname);
    } else if (!h->mac && !h->name) {
        return qd_err_set(err, QD_ERR_XML_ERROR, QD_FROM_NETWORK,
                          "XML error: Static host definition in IPv4 "
                          "network '%s' must have mac or name attribute",
                          netname);
    }
    if (!ipstr)
        return qd_err_set(err, QD_ERR_XML_ERROR, QD_FROM_NETWORK,
                          "XML error: Missing IP address in static host "
                          "definition for network '%s'", netname);
    return net_lease_parse(node, &h->lease, err);
}

/* An unparsable range address: virSocketAddrParse's getaddrinfo error. */
static int
bad_socket_addr(const char *s, struct qd_err *err)
{
    return qd_err_set(err, 38 /* VIR_ERR_SYSTEM_ERROR */, QD_FROM_NONE,
                      "Cannot parse socket address '%s': "
                      "Name or service not known", s);
}

static int
net_dhcp_parse(const char *netname, struct net_ip *ip, xmlNodePtr dhcp,
               struct qd_err *err)
{
    xmlNodePtr cur;

    for (cur = dhcp->children; cur; cur = cur->next) {
        if (cur->type != XML_ELEMENT_NODE)
            continue;
        if (xmlStrEqual(cur->name, (const xmlChar *) "range")) {
            _cleanup_free_ char *start = qd_test_xml_prop(cur, "start");
            _cleanup_free_ char *end = NULL;
            struct net_range r = { 0 };

            if (!start)
                return qd_err_set(err, QD_ERR_XML_ERROR, QD_FROM_NETWORK,
                                  "XML error: Missing 'start' attribute in "
                                  "dhcp range for network '%s'", netname);
            if (addr_parse(start, &r.start) < 0)
                return bad_socket_addr(start, err);
            if (!(end = qd_test_xml_prop(cur, "end")))
                return qd_err_set(err, QD_ERR_XML_ERROR, QD_FROM_NETWORK,
                                  "XML error: Missing 'end' attribute in "
                                  "dhcp range for network '%s'", netname);
            if (addr_parse(end, &r.end) < 0)
                return bad_socket_addr(end, err);
            if (net_range_check(&r, ip, err) < 0 ||
                net_lease_parse(cur, &r.lease, err) < 0)
                return -1;
            ip->ranges = qd_realloc(ip->ranges,
                                    (ip->nranges + 1) * sizeof(r));
            ip->ranges[ip->nranges++] = r;
        } else if (xmlStrEqual(cur->name, (const xmlChar *) "host")) {
            struct net_host h = { 0 };

            ip->hosts = qd_realloc(ip->hosts, (ip->nhosts + 1) * sizeof(h));
            ip->hosts[ip->nhosts] = h;
            /* stored first so a failure frees what was parsed */
            if (net_dhcp_host_parse(netname, ip, cur,
                                    &ip->hosts[ip->nhosts++], err) < 0)
                return -1;
        } else if (ip->address.af == AF_INET &&
                   xmlStrEqual(cur->name, (const xmlChar *) "bootp")) {
            _cleanup_free_ char *file = qd_test_xml_prop(cur, "file");
            _cleanup_free_ char *server = NULL;
            struct net_addr a = { 0 };

            if (!file)
                continue;
            server = qd_test_xml_prop(cur, "server");
            if (server && addr_parse(server, &a) < 0)
                return bad_socket_addr(server, err);
            free(ip->bootfile);
            ip->bootfile = steal_ptr(&file);
            ip->bootserver = a;
        }
    }
    return 0;
}

static int
net_ip_parse(struct qd_test_xml *x, const char *netname, xmlNodePtr node,
             struct net_ip *ip, struct qd_err *err)
{
    _cleanup_free_ char *address = NULL;
    _cleanup_free_ char *netmask = NULL;
    _cleanup_free_ char *prefix = NULL;
    xmlNodePtr dhcp;
    unsigned long v;

    ip->family = qd_test_xpath_string(x, node, "string(./@family)");
    if (!(address = qd_test_xpath_string(x, node, "string(./@address)")))
        return qd_err_set(err, QD_ERR_XML_ERROR, QD_FROM_NETWORK,
                          "XML error: Missing required address attribute "
                          "in network '%s'", netname);
    if (addr_parse(address, &ip->address) < 0)
        return qd_err_set(err, QD_ERR_XML_ERROR, QD_FROM_NETWORK,
                          "XML error: Invalid address '%s' in network '%s'",
                          address, netname);
    netmask = qd_test_xpath_string(x, node, "string(./@netmask)");
    if (netmask && addr_parse(netmask, &ip->netmask) < 0)
        return qd_err_set(err, QD_ERR_XML_ERROR, QD_FROM_NETWORK,
                          "XML error: Invalid netmask '%s' in network '%s'",
                          netmask, netname);
    if ((prefix = qd_test_xml_prop(node, "prefix"))) {
        if (parse_uint(prefix, 0xFFFFFFFFul, &v) < 0)
            return qd_err_set(err, QD_ERR_XML_ERROR, QD_TEST_FROM_XML,
                              "XML error: Invalid value for attribute "
                              "'prefix' in element 'ip': '%s'. Expected "
                              "non-negative integer value", prefix);
        ip->prefix = (unsigned) v;
    }

    if (!ip->family || strcmp(ip->family, "ipv4") == 0) {
        if (ip->address.af != AF_INET)
            return qd_err_set(err, QD_ERR_CONFIG_UNSUPPORTED,
                              QD_FROM_NETWORK,
                              "unsupported configuration: %s family "
                              "specified for non-IPv4 address '%s' in "
                              "network '%s'", ip->family ? "ipv4" : "no",
                              address, netname);
        if (netmask) {
            if (ip->netmask.af != AF_INET)
                return qd_err_set(err, QD_ERR_CONFIG_UNSUPPORTED,
                                  QD_FROM_NETWORK,
                                  "unsupported configuration: Invalid "
                                  "netmask '%s' for address '%s' in network "
                                  "'%s' (both must be IPv4)",
                                  netmask, address, netname);
            if (ip->prefix > 0)
                return qd_err_set(err, QD_ERR_CONFIG_UNSUPPORTED,
                                  QD_FROM_NETWORK,
                                  "unsupported configuration: Network '%s' "
                                  "IP address cannot have both a prefix "
                                  "and a netmask", netname);
        } else if (ip->prefix > 32) {
            return qd_err_set(err, QD_ERR_CONFIG_UNSUPPORTED,
                              QD_FROM_NETWORK,
                              "unsupported configuration: Invalid IPv4 "
                              "prefix '%u' in network '%s'", ip->prefix,
                              netname);
        }
    } else if (strcmp(ip->family, "ipv6") == 0) {
        if (ip->address.af != AF_INET6)
            return qd_err_set(err, QD_ERR_CONFIG_UNSUPPORTED,
                              QD_FROM_NETWORK,
                              "unsupported configuration: Family 'ipv6' "
                              "specified for non-IPv6 address '%s' in "
                              "network '%s'", address, netname);
        if (netmask)
            return qd_err_set(err, QD_ERR_CONFIG_UNSUPPORTED,
                              QD_FROM_NETWORK,
                              "unsupported configuration: netmask not "
                              "allowed for IPv6 address '%s' in network "
                              "'%s'", address, netname);
        if (ip->prefix > 128)
            return qd_err_set(err, QD_ERR_CONFIG_UNSUPPORTED,
                              QD_FROM_NETWORK,
                              "unsupported configuration: Invalid IPv6 "
                              "prefix '%u' in network '%s'", ip->prefix,
                              netname);
    } else {
        return qd_err_set(err, QD_ERR_XML_ERROR, QD_FROM_NETWORK,
                          "XML error: Unrecognized family '%s' in network "
                          "'%s'", ip->family, netname);
    }

    if ((dhcp = qd_test_xpath_node(x, node, "./dhcp[1]")) &&
        net_dhcp_parse(netname, ip, dhcp, err) < 0)
        return -1;
    if (qd_test_xpath_node(x, node, "./tftp[1]")) {
        if (ip->address.af != AF_INET)
            return qd_err_set(err, QD_ERR_CONFIG_UNSUPPORTED,
                              QD_FROM_NETWORK,
                              "unsupported configuration: Unsupported "
                              "<tftp> element in an IPv6 element in "
                              "network '%s'", netname);
        ip->tftproot = qd_test_xpath_string(x, node,
                                            "string(./tftp[1]/@root)");
    }
    return 0;
}

static int
net_forward_parse(struct qd_test_xml *x, struct net_def *def,
                  xmlNodePtr node, struct qd_err *err)
{
    _cleanup_free_ char *mode = NULL;
    _cleanup_free_ char *managed = NULL;
    _cleanup_free_ char *dev = NULL;
    _cleanup_free_ xmlNodePtr *ifs = NULL;
    size_t nifs, i, j;
    int t;

    def->forward = FWD_NAT;
    if ((mode = qd_test_xpath_string(x, node, "string(./@mode)"))) {
        for (t = 0; t < FWD_LAST; t++)
            if (strcmp(mode, fwd_names[t]) == 0)
                break;
        if (t == FWD_LAST)
            return qd_err_set(err, QD_ERR_CONFIG_UNSUPPORTED,
                              QD_FROM_NETWORK,
                              "unsupported configuration: unknown "
                              "forwarding type '%s'", mode);
        def->forward = t;
    }
    managed = qd_test_xpath_string(x, node, "string(./@managed)");
    if (managed && strcasecmp(managed, "yes") == 0)
        def->managed = true;

    nifs = qd_test_xpath_nodes(x, node, "./interface", &ifs);
    dev = qd_test_xpath_string(x, node, "string(./@dev)");
    if (!nifs && !dev)
        return 0;
    def->fwd_ifs = qd_calloc(nifs + 1, sizeof(*def->fwd_ifs));
    if (dev)
        def->fwd_ifs[def->nfwd_ifs++] = steal_ptr(&dev);
    for (i = 0; i < nifs; i++) {
        _cleanup_free_ char *d = qd_test_xml_prop(ifs[i], "dev");

        if (!d)
            return qd_err_set(err, QD_ERR_XML_ERROR, QD_FROM_NETWORK,
                              "XML error: Missing required dev attribute in "
                              "<forward> <interface> element of network %s",
                              def->name);
        if (i == 0 && def->nfwd_ifs == 1) {
            if (strcmp(d, def->fwd_ifs[0]) != 0)
                return qd_err_set(err, QD_ERR_XML_ERROR, QD_FROM_NETWORK,
                                  "XML error: <forward dev='%s'> must match "
                                  "first <interface dev='%s'/> in network "
                                  "%s", def->fwd_ifs[0], d, def->name);
            continue;
        }
        for (j = 0; j < def->nfwd_ifs; j++)
            if (strcmp(def->fwd_ifs[j], d) == 0)
                return qd_err_set(err, QD_ERR_XML_ERROR, QD_FROM_NETWORK,
                                  "XML error: interface '%s' can only be "
                                  "listed once in network %s", d, def->name);
        def->fwd_ifs[def->nfwd_ifs++] = steal_ptr(&d);
    }
    return 0;
}

/* Checks that depend on the forward mode (virNetworkDefParseXML). */
static int
net_forward_validate(const struct net_def *def, bool stp_given,
                     struct qd_err *err)
{
    const char *mode = fwd_names[def->forward];

    switch (def->forward) {
    case FWD_NONE:
        break;
    case FWD_ROUTE:
    case FWD_NAT:
    case FWD_OPEN:
        if (def->nips == 0)
            return qd_err_set(err, QD_ERR_XML_ERROR, QD_FROM_NETWORK,
                              "XML error: %s forwarding requested, but no "
                              "IP address provided for network '%s'",
                              mode, def->name);
        if (def->nfwd_ifs > 1)
            return qd_err_set(err, QD_ERR_XML_ERROR, QD_FROM_NETWORK,
                              "XML error: multiple forwarding interfaces "
                              "specified for network '%s', only one is "
                              "supported", def->name);
        if (def->forward == FWD_OPEN && def->nfwd_ifs)
            return qd_err_set(err, QD_ERR_XML_ERROR, QD_FROM_NETWORK,
                              "XML error: forward dev not allowed for "
                              "network '%s' with forward mode='%s'",
                              def->name, mode);
        break;
    case FWD_PRIVATE:
    case FWD_VEPA:
    case FWD_PASSTHROUGH:
    case FWD_HOSTDEV:
        if (def->bridge)
            return qd_err_set(err, QD_ERR_XML_ERROR, QD_FROM_NETWORK,
                              "XML error: bridge name not allowed in %s "
                              "mode (network '%s')", mode, def->name);
        if (def->zone)
            return qd_err_set(err, QD_ERR_XML_ERROR, QD_FROM_NETWORK,
                              "XML error: bridge zone not allowed in %s "
                              "mode (network '%s')", mode, def->name);
        /* fall through */
    case FWD_BRIDGE:
        if (def->delay || stp_given || def->zone)
            return qd_err_set(err, QD_ERR_XML_ERROR, QD_FROM_NETWORK,
                              "XML error: bridge delay/stp/zone options "
                              "only allowed in route, nat, and isolated "
                              "mode, not in %s (network '%s')",
                              mode, def->name);
        if (def->bridge && def->nfwd_ifs)
            return qd_err_set(err, QD_ERR_XML_ERROR, QD_FROM_NETWORK,
                              "XML error: A network with forward mode='%s' "
                              "can specify a bridge name or a forward dev, "
                              "but not both (network '%s')",
                              mode, def->name);
        break;
    }
    if (def->mtu && def->forward >= FWD_BRIDGE)
        return qd_err_set(err, QD_ERR_XML_ERROR, QD_FROM_NETWORK,
                          "XML error: mtu size only allowed in open, route, "
                          "nat, and isolated mode, not in %s (network '%s')",
                          mode, def->name);
    return 0;
}

/* Parses network XML the way virNetworkDefParse does for the elements we
 * keep; unknown elements are ignored. Returns a new definition, or NULL
 * with @err set. */
static struct net_def *
net_def_parse(const char *xml, struct qd_err *err)
{
    struct qd_test_xml x;
    _cleanup_(net_def_freep) struct net_def *def = NULL;
    _cleanup_free_ char *uuid = NULL;
    _cleanup_free_ char *stp = NULL;
    _cleanup_free_ char *delay = NULL;
    _cleanup_free_ char *mac = NULL;
    _cleanup_free_ char *mtu = NULL;
    _cleanup_free_ char *ipv6 = NULL;
    _cleanup_free_ xmlNodePtr *ipnodes = NULL;
    xmlNodePtr node;
    size_t n, i;
    unsigned long v;
    int rc = -1;

    if (qd_test_xml_parse(xml, "(network_definition)", "network",
                          QD_FROM_NETWORK, &x, err) < 0)
        return NULL;
    def = QD_NEW(struct net_def);

    if (!(def->name = qd_test_xpath_string(&x, NULL, "string(./name[1])"))) {
        qd_err_set(err, QD_TEST_ERR_NO_NAME, QD_FROM_NETWORK,
                   "missing name information");
        goto out;
    }
    if (strchr(def->name, '/')) {
        qd_err_set(err, QD_ERR_XML_DETAIL, QD_TEST_FROM_XML,
                   "invalid char in name: /");
        goto out;
    }
    if (!(uuid = qd_test_xpath_string(&x, NULL, "string(./uuid[1])"))) {
        qd_uuid_generate(def->uuid);
    } else if (qd_uuid_parse(uuid, def->uuid) < 0) {
        qd_err_set(err, QD_ERR_INTERNAL_ERROR, QD_FROM_NETWORK,
                   "internal error: malformed uuid element");
        goto out;
    }
    if ((ipv6 = qd_test_xpath_string(&x, NULL, "string(./@ipv6)"))) {
        if (strcmp(ipv6, "yes") == 0) {
            def->ipv6nogw = true;
        } else if (strcmp(ipv6, "no") != 0) {
            qd_err_set(err, QD_ERR_XML_ERROR, QD_FROM_NETWORK,
                       "XML error: Invalid ipv6 setting '%s' in network "
                       "'%s'", ipv6, def->name);
            goto out;
        }
    }
    if (parse_tristate(x.ctxt->node, "trustGuestRxFilters",
                       &def->trust_rx_filters, err) < 0)
        goto out;
    if ((node = qd_test_xpath_node(&x, NULL, "./domain[1]"))) {
        def->domain = qd_test_xml_prop(node, "name");
        if (parse_tristate(node, "localOnly", &def->domain_local_only,
                           err) < 0)
            goto out;
    }

    def->bridge = qd_test_xpath_string(&x, NULL,
                                       "string(./bridge[1]/@name)");
    def->zone = qd_test_xpath_string(&x, NULL, "string(./bridge[1]/@zone)");
    stp = qd_test_xpath_string(&x, NULL, "string(./bridge[1]/@stp)");
    def->stp = !(stp && strcmp(stp, "off") == 0);
    if ((delay = qd_test_xpath_string(&x, NULL,
                                      "string(./bridge[1]/@delay)"))) {
        if (parse_uint(delay, (unsigned long) -1, &def->delay) < 0) {
            qd_err_set(err, QD_ERR_XML_ERROR, QD_FROM_NETWORK,
                       "XML error: Invalid delay value in network '%s'",
                       def->name);
            goto out;
        }
    }
    if ((mac = qd_test_xpath_string(&x, NULL, "string(./mac[1]/@address)"))) {
        if (mac_parse(mac, def->mac) < 0) {
            qd_err_set(err, QD_ERR_XML_ERROR, QD_FROM_NETWORK,
                       "XML error: Invalid bridge mac address '%s' in "
                       "network '%s'", mac, def->name);
            goto out;
        }
        if (def->mac[0] & 1) {
            qd_err_set(err, QD_ERR_XML_ERROR, QD_FROM_NETWORK,
                       "XML error: Invalid multicast bridge mac address "
                       "'%s' in network '%s'", mac, def->name);
            goto out;
        }
        def->has_mac = true;
    }
    if ((mtu = qd_test_xpath_string(&x, NULL, "string(./mtu/@size)"))) {
        if (parse_uint(mtu, 0xFFFFFFFFul, &v) < 0) {
            qd_err_set(err, QD_ERR_XML_ERROR, QD_FROM_NETWORK,
                       "XML error: Invalid mtu size '%s' in network '%s'",
                       mtu, def->name);
            goto out;
        }
        def->mtu = (unsigned) v;
    }

    n = qd_test_xpath_nodes(&x, NULL, "./ip", &ipnodes);
    def->ips = qd_calloc(n ? n : 1, sizeof(*def->ips));
    for (i = 0; i < n; i++) {
        def->nips++;            /* counted first so a failure frees it */
        if (net_ip_parse(&x, def->name, ipnodes[i], &def->ips[i], err) < 0)
            goto out;
    }

    if ((node = qd_test_xpath_node(&x, NULL, "./forward")) &&
        net_forward_parse(&x, def, node, err) < 0)
        goto out;
    if (net_forward_validate(def, stp != NULL, err) < 0)
        goto out;
    rc = 0;

 out:
    qd_test_xml_free(&x);
    return rc < 0 ? NULL : steal_ptr(&def);
}

static void
put_addr(struct qd_buf *b, const char *attr, const struct net_addr *a)
{
    char s[INET6_ADDRSTRLEN];

    qd_buf_printf(b, " %s='%s'", attr, addr_format(a, s));
}

/* Ends a DHCP <range> or <host> start tag, with its <lease> if any. */
static void
put_lease(struct qd_buf *b, const struct net_lease *l, const char *elem)
{
    if (!l->set) {
        qd_buf_puts(b, "/>\n");
        return;
    }
    if (l->expiry)
        qd_buf_printf(b, ">\n        <lease expiry='%llu' unit='%s'/>\n",
                      l->expiry, lease_units[l->unit]);
    else
        qd_buf_puts(b, ">\n        <lease expiry='0'/>\n");
    qd_buf_printf(b, "      </%s>\n", elem);
}

/* virNetworkDefFormat for the elements we keep. */
static char *
net_def_format(const struct net_def *def)
{
    struct qd_buf b = { 0 };
    char uuid[QD_UUID_STRLEN];
    bool has_bridge;
    size_t i, j;

    qd_buf_puts(&b, "<network");
    if (def->ipv6nogw)
        qd_buf_puts(&b, " ipv6='yes'");
    if (def->trust_rx_filters)
        qd_buf_printf(&b, " trustGuestRxFilters='%s'",
                      tristate_names[def->trust_rx_filters]);
    qd_buf_puts(&b, ">\n  <name>");
    qd_test_buf_escape(&b, def->name);
    qd_uuid_format(def->uuid, uuid);
    qd_buf_printf(&b, "</name>\n  <uuid>%s</uuid>\n", uuid);

    if (def->forward != FWD_NONE) {
        qd_buf_puts(&b, "  <forward");
        if (def->nfwd_ifs) {
            qd_buf_puts(&b, " dev='");
            qd_test_buf_escape(&b, def->fwd_ifs[0]);
            qd_buf_puts(&b, "'");
        }
        qd_buf_printf(&b, " mode='%s'", fwd_names[def->forward]);
        if (def->forward == FWD_HOSTDEV)
            qd_buf_printf(&b, " managed='%s'", def->managed ? "yes" : "no");
        if (!def->nfwd_ifs) {
            qd_buf_puts(&b, "/>\n");
        } else {
            qd_buf_puts(&b, ">\n");
            for (i = 0; i < def->nfwd_ifs; i++) {
                qd_buf_puts(&b, "    <interface dev='");
                qd_test_buf_escape(&b, def->fwd_ifs[i]);
                qd_buf_puts(&b, "'/>\n");
            }
            qd_buf_puts(&b, "  </forward>\n");
        }
    }

    has_bridge = def->forward <= FWD_OPEN;
    if (has_bridge || def->bridge) {
        qd_buf_puts(&b, "  <bridge");
        if (def->bridge) {
            qd_buf_puts(&b, " name='");
            qd_test_buf_escape(&b, def->bridge);
            qd_buf_puts(&b, "'");
        }
        if (def->zone) {
            qd_buf_puts(&b, " zone='");
            qd_test_buf_escape(&b, def->zone);
            qd_buf_puts(&b, "'");
        }
        if (has_bridge)
            qd_buf_printf(&b, " stp='%s' delay='%lu'",
                          def->stp ? "on" : "off", def->delay);
        qd_buf_puts(&b, "/>\n");
    }
    if (def->mtu)
        qd_buf_printf(&b, "  <mtu size='%u'/>\n", def->mtu);
    if (def->has_mac)
        qd_buf_printf(&b, "  <mac address='%02x:%02x:%02x:%02x:%02x:%02x'/>\n",
                      def->mac[0], def->mac[1], def->mac[2], def->mac[3],
                      def->mac[4], def->mac[5]);
    if (def->domain) {
        /* libvirt-compat: the domain name is not escaped */
        qd_buf_printf(&b, "  <domain name='%s'", def->domain);
        if (def->domain_local_only)
            qd_buf_printf(&b, " localOnly='%s'",
                          tristate_names[def->domain_local_only]);
        qd_buf_puts(&b, "/>\n");
    }

    for (i = 0; i < def->nips; i++) {
        const struct net_ip *ip = &def->ips[i];

        qd_buf_puts(&b, "  <ip");
        if (ip->family)
            qd_buf_printf(&b, " family='%s'", ip->family);
        put_addr(&b, "address", &ip->address);
        if (ip->netmask.af)
            put_addr(&b, "netmask", &ip->netmask);
        if (ip->prefix > 0)
            qd_buf_printf(&b, " prefix='%u'", ip->prefix);
        qd_buf_puts(&b, ">\n");
        if (ip->tftproot) {
            qd_buf_puts(&b, "    <tftp root='");
            qd_test_buf_escape(&b, ip->tftproot);
            qd_buf_puts(&b, "'/>\n");
        }
        if (ip->nranges || ip->nhosts) {
            qd_buf_puts(&b, "    <dhcp>\n");
            for (j = 0; j < ip->nranges; j++) {
                qd_buf_puts(&b, "      <range");
                put_addr(&b, "start", &ip->ranges[j].start);
                put_addr(&b, "end", &ip->ranges[j].end);
                put_lease(&b, &ip->ranges[j].lease, "range");
            }
            for (j = 0; j < ip->nhosts; j++) {
                const struct net_host *h = &ip->hosts[j];

                qd_buf_puts(&b, "      <host");
                if (h->mac)
                    qd_buf_printf(&b, " mac='%s'", h->mac);
                if (h->id)
                    qd_buf_printf(&b, " id='%s'", h->id);
                if (h->name)
                    qd_buf_printf(&b, " name='%s'", h->name);
                if (h->ip.af)
                    put_addr(&b, "ip", &h->ip);
                put_lease(&b, &h->lease, "host");
            }
            if (ip->bootfile) {
                qd_buf_puts(&b, "      <bootp file='");
                qd_test_buf_escape(&b, ip->bootfile);
                qd_buf_puts(&b, "'");
                if (ip->bootserver.af)
                    put_addr(&b, "server", &ip->bootserver);
                qd_buf_puts(&b, "/>\n");
            }
            qd_buf_puts(&b, "    </dhcp>\n");
        }
        qd_buf_puts(&b, "  </ip>\n");
    }
    qd_buf_puts(&b, "</network>\n");
    return qd_buf_steal_str(&b);
}

/* ---- the object list --------------------------------------------------- */

static struct net_obj *
net_find_by_name_locked(const char *name, struct qd_err *err)
{
    size_t i;

    for (i = 0; i < nnets; i++)
        if (strcmp(nets[i]->def->name, name) == 0)
            return nets[i];
    if (err)
        qd_err_set(err, QD_ERR_NO_NETWORK, QD_FROM_TEST,
                   "Network not found: no network with matching name '%s'",
                   name);
    return NULL;
}

static struct net_obj *
net_find_by_uuid_locked(const unsigned char *uuid, struct qd_err *err)
{
    char s[QD_UUID_STRLEN];
    size_t i;

    for (i = 0; i < nnets; i++)
        if (memcmp(nets[i]->def->uuid, uuid, QD_UUID_LEN) == 0)
            return nets[i];
    if (err) {
        qd_uuid_format(uuid, s);
        qd_err_set(err, QD_ERR_NO_NETWORK, QD_FROM_TEST,
                   "Network not found: no network with matching uuid '%s'",
                   s);
    }
    return NULL;
}

static void
net_obj_free(struct net_obj *obj)
{
    if (!obj)
        return;
    net_def_free(obj->def);
    net_def_free(obj->newdef);
    free(obj);
}

static void
net_remove_locked(struct net_obj *obj)
{
    size_t i;

    for (i = 0; i < nnets; i++) {
        if (nets[i] == obj) {
            memmove(&nets[i], &nets[i + 1], (nnets - i - 1) * sizeof(*nets));
            nnets--;
            break;
        }
    }
    net_obj_free(obj);
}

/* virNetworkObjAssignDef: add @def or update the network with the same
 * name and UUID. @live: a running definition (create), else a persistent
 * one (define). @check_live: refuse a network that is already running.
 * Takes @def on success. */
static struct net_obj *
net_assign_def_locked(struct net_def *def, bool live, bool check_live,
                      struct qd_err *err)
{
    char uuid[QD_UUID_STRLEN];
    struct net_obj *obj;

    if ((obj = net_find_by_uuid_locked(def->uuid, NULL))) {
        qd_uuid_format(obj->def->uuid, uuid);
        if (strcmp(obj->def->name, def->name) != 0) {
            qd_err_set(err, QD_ERR_OPERATION_FAILED, QD_FROM_NETWORK,
                       "operation failed: network '%s' is already defined "
                       "with uuid %s", obj->def->name, uuid);
            return NULL;
        }
        if (check_live && obj->active) {
            qd_err_set(err, QD_ERR_OPERATION_INVALID, QD_FROM_NETWORK,
                       "Requested operation is not valid: network is "
                       "already active as '%s'", obj->def->name);
            return NULL;
        }
        if (live) {
            /* keep the persistent config for later, unless kept already */
            if (obj->persistent && !obj->newdef)
                obj->newdef = obj->def;
            else
                net_def_free(obj->def);
            obj->def = def;
        } else {
            obj->newdef = net_def_free(obj->newdef);
            if (obj->active) {
                obj->newdef = def;      /* applies after the next stop */
            } else {
                net_def_free(obj->def);
                obj->def = def;
            }
            obj->persistent = true;
        }
        return obj;
    }
    if ((obj = net_find_by_name_locked(def->name, NULL))) {
        qd_uuid_format(obj->def->uuid, uuid);
        qd_err_set(err, QD_ERR_OPERATION_FAILED, QD_FROM_NETWORK,
                   "operation failed: network '%s' already exists with "
                   "uuid %s", def->name, uuid);
        return NULL;
    }
    obj = QD_NEW(struct net_obj);
    obj->def = def;
    obj->persistent = !live;
    nets = qd_realloc(nets, (nnets + 1) * sizeof(*nets));
    nets[nnets++] = obj;
    return obj;
}

static void
net_ref_fill(struct qd_net_ref *ret, const struct net_def *def)
{
    ret->name = qd_strdup(def->name);
    memcpy(ret->uuid, def->uuid, QD_UUID_LEN);
}

int
qd_test_network_setup_locked(struct qd_err *err)
{
    struct net_def *def;
    struct net_obj *obj;

    if (!(def = net_def_parse(default_net_xml, err)))
        return -1;
    if (!(obj = net_assign_def_locked(def, false, false, err))) {
        net_def_free(def);
        return -1;
    }
    obj->active = true;
    return 0;
}

void
qd_test_network_teardown_locked(void)
{
    size_t i;

    for (i = 0; i < nnets; i++)
        net_obj_free(nets[i]);
    free(nets);
    nets = NULL;
    nnets = 0;
}

/* ---- driver entry points ----------------------------------------------- */

static int
net_ref_cmp(const void *a, const void *b)
{
    return strcmp(((const struct qd_net_ref *) a)->name,
                  ((const struct qd_net_ref *) b)->name);
}

static bool
net_match(const struct net_obj *obj, unsigned flags)
{
    if ((flags & (LIST_NETS_ACTIVE | LIST_NETS_INACTIVE)) &&
        !(((flags & LIST_NETS_ACTIVE) && obj->active) ||
          ((flags & LIST_NETS_INACTIVE) && !obj->active)))
        return false;
    if ((flags & (LIST_NETS_PERSISTENT | LIST_NETS_TRANSIENT)) &&
        !(((flags & LIST_NETS_PERSISTENT) && obj->persistent) ||
          ((flags & LIST_NETS_TRANSIENT) && !obj->persistent)))
        return false;
    if ((flags & (LIST_NETS_AUTOSTART | LIST_NETS_NO_AUTOSTART)) &&
        !(((flags & LIST_NETS_AUTOSTART) && obj->autostart) ||
          ((flags & LIST_NETS_NO_AUTOSTART) && !obj->autostart)))
        return false;
    return true;
}

int
qd_test_list_all_networks(struct qd_conn *conn, unsigned flags,
                          struct qd_list *ret, struct qd_err *err)
{
    struct qd_net_ref *refs;
    size_t i, n = 0;

    if (qd_test_check_flags(flags, LIST_NETS_ALL,
                            "testConnectListAllNetworks", err) < 0)
        return -1;
    qd_test_objects_lock();
    qd_test_list_init(ret, nnets, sizeof(*refs));
    refs = ret->items;
    for (i = 0; i < nnets; i++)
        if (net_match(nets[i], flags))
            net_ref_fill(&refs[n++], nets[i]->def);
    qd_test_objects_unlock();
    ret->n = (uint32_t) n;
    qsort(refs, n, sizeof(*refs), net_ref_cmp);
    return (int) n;
}

int
qd_test_network_lookup_by_name(struct qd_conn *conn, const char *name,
                               struct qd_net_ref *ret, struct qd_err *err)
{
    struct net_obj *obj;

    qd_test_objects_lock();
    if ((obj = net_find_by_name_locked(name, err)))
        net_ref_fill(ret, obj->def);
    qd_test_objects_unlock();
    return obj ? 0 : -1;
}

int
qd_test_network_lookup_by_uuid(struct qd_conn *conn,
                               const unsigned char *uuid,
                               struct qd_net_ref *ret, struct qd_err *err)
{
    struct net_obj *obj;

    qd_test_objects_lock();
    if ((obj = net_find_by_uuid_locked(uuid, err)))
        net_ref_fill(ret, obj->def);
    qd_test_objects_unlock();
    return obj ? 0 : -1;
}

/* Shared by define and create: parse, then add under the lock. */
static int
net_add_xml(const char *xml, bool live, struct qd_net_ref *ret,
            struct qd_err *err)
{
    struct net_def *def;
    struct net_obj *obj;

    if (!(def = net_def_parse(xml, err)))
        return -1;
    qd_test_objects_lock();
    if (!(obj = net_assign_def_locked(def, live, live, err))) {
        qd_test_objects_unlock();
        net_def_free(def);
        return -1;
    }
    if (live)
        obj->active = true;
    qd_event_network_lifecycle(def->name, def->uuid,
                               live ? NET_EV_STARTED : NET_EV_DEFINED, 0);
    /* the handle names the definition just given */
    net_ref_fill(ret, def);
    qd_test_objects_unlock();
    return 0;
}

int
qd_test_network_define_xml(struct qd_conn *conn, const char *xml,
                           unsigned flags, struct qd_net_ref *ret,
                           struct qd_err *err)
{
    /* VALIDATE is accepted; there is no RNG schema check here. */
    if (qd_test_check_flags(flags, NET_XML_VALIDATE,
                            "testNetworkDefineXMLFlags", err) < 0)
        return -1;
    return net_add_xml(xml, false, ret, err);
}

int
qd_test_network_create_xml(struct qd_conn *conn, const char *xml,
                           unsigned flags, struct qd_net_ref *ret,
                           struct qd_err *err)
{
    if (qd_test_check_flags(flags, NET_XML_VALIDATE,
                            "testNetworkCreateXMLFlags", err) < 0)
        return -1;
    return net_add_xml(xml, true, ret, err);
}

int
qd_test_network_undefine(struct qd_conn *conn, const struct qd_net_ref *net,
                         struct qd_err *err)
{
    struct net_obj *obj;
    int ret = -1;

    qd_test_objects_lock();
    if (!(obj = net_find_by_name_locked(net->name, err)))
        goto out;
    if (obj->active) {
        qd_err_set(err, QD_ERR_OPERATION_INVALID, QD_FROM_TEST,
                   "Requested operation is not valid: Network '%s' is "
                   "still running", net->name);
        goto out;
    }
    qd_event_network_lifecycle(obj->def->name, obj->def->uuid,
                               NET_EV_UNDEFINED, 0);
    net_remove_locked(obj);
    ret = 0;
 out:
    qd_test_objects_unlock();
    return ret;
}

int
qd_test_network_create(struct qd_conn *conn, const struct qd_net_ref *net,
                       struct qd_err *err)
{
    struct net_obj *obj;
    int ret = -1;

    qd_test_objects_lock();
    if (!(obj = net_find_by_name_locked(net->name, err)))
        goto out;
    if (obj->active) {
        qd_err_set(err, QD_ERR_OPERATION_INVALID, QD_FROM_TEST,
                   "Requested operation is not valid: Network '%s' is "
                   "already running", net->name);
        goto out;
    }
    obj->active = true;
    qd_event_network_lifecycle(obj->def->name, obj->def->uuid,
                               NET_EV_STARTED, 0);
    ret = 0;
 out:
    qd_test_objects_unlock();
    return ret;
}

int
qd_test_network_destroy(struct qd_conn *conn, const struct qd_net_ref *net,
                        struct qd_err *err)
{
    struct net_obj *obj;

    qd_test_objects_lock();
    if (!(obj = net_find_by_name_locked(net->name, err))) {
        qd_test_objects_unlock();
        return -1;
    }
    /* libvirt-compat: stopping a stopped network succeeds, and a saved
     * persistent config is not swapped back in */
    obj->active = false;
    qd_event_network_lifecycle(obj->def->name, obj->def->uuid,
                               NET_EV_STOPPED, 0);
    if (!obj->persistent)
        net_remove_locked(obj);
    qd_test_objects_unlock();
    return 0;
}

char *
qd_test_network_get_xml(struct qd_conn *conn, const struct qd_net_ref *net,
                        unsigned flags, struct qd_err *err)
{
    struct net_obj *obj;
    char *xml = NULL;

    /* libvirt-compat: even VIR_NETWORK_XML_INACTIVE is refused */
    if (qd_test_check_flags(flags, 0, "testNetworkGetXMLDesc", err) < 0)
        return NULL;
    qd_test_objects_lock();
    if ((obj = net_find_by_name_locked(net->name, err)))
        xml = net_def_format(obj->def);
    qd_test_objects_unlock();
    return xml;
}

char *
qd_test_network_get_bridge_name(struct qd_conn *conn,
                                const struct qd_net_ref *net,
                                struct qd_err *err)
{
    struct net_obj *obj;
    char *bridge = NULL;

    qd_test_objects_lock();
    if ((obj = net_find_by_name_locked(net->name, err))) {
        if (obj->def->bridge)
            bridge = qd_strdup(obj->def->bridge);
        else
            qd_err_set(err, QD_ERR_INTERNAL_ERROR, QD_FROM_TEST,
                       "internal error: network '%s' does not have a "
                       "bridge name.", obj->def->name);
    }
    qd_test_objects_unlock();
    return bridge;
}

int
qd_test_network_get_autostart(struct qd_conn *conn,
                              const struct qd_net_ref *net,
                              struct qd_err *err)
{
    struct net_obj *obj;
    int ret = -1;

    qd_test_objects_lock();
    if ((obj = net_find_by_name_locked(net->name, err)))
        ret = obj->autostart;
    qd_test_objects_unlock();
    return ret;
}

int
qd_test_network_set_autostart(struct qd_conn *conn,
                              const struct qd_net_ref *net, bool on,
                              struct qd_err *err)
{
    struct net_obj *obj;

    qd_test_objects_lock();
    if ((obj = net_find_by_name_locked(net->name, err)))
        obj->autostart = on;
    qd_test_objects_unlock();
    return obj ? 0 : -1;
}

int
qd_test_network_is_active(struct qd_conn *conn, const struct qd_net_ref *net,
                          struct qd_err *err)
{
    struct net_obj *obj;
    int ret = -1;

    qd_test_objects_lock();
    if ((obj = net_find_by_uuid_locked(net->uuid, err)))
        ret = obj->active;
    qd_test_objects_unlock();
    return ret;
}

int
qd_test_network_is_persistent(struct qd_conn *conn,
                              const struct qd_net_ref *net,
                              struct qd_err *err)
{
    struct net_obj *obj;
    int ret = -1;

    qd_test_objects_lock();
    if ((obj = net_find_by_uuid_locked(net->uuid, err)))
        ret = obj->persistent;
    qd_test_objects_unlock();
    return ret;
}
