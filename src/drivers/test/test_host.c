/* Host facts of the test driver: the fixed node of libvirt's
 * test:///default (an i686 with 16 CPUs in 2 NUMA cells), capabilities,
 * sysinfo, CPU statistics and the security model. Read-only data, so no
 * locking; any thread. */
#include "drivers/test/test_objects.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "drivers/test/test_objects_priv.h"
#include "util/buf.h"
#include "util/mem.h"

/* The test hypervisor reports version 0.0.2. */
#define TEST_HV_VERSION 2
#define TEST_MAX_VCPUS 32
#define TEST_NCELLS 2
#define TEST_CPUS_PER_CELL 8

/* virDrvFeature numbers every driver reports as supported. */
enum {
    FEATURE_FD_PASSING = 8,
    FEATURE_TYPED_PARAM_STRING = 9,
    FEATURE_NETWORK_UPDATE_HAS_CORRECT_ORDER = 16,
};

static const char sysinfo_xml[] =
    "<sysinfo type='smbios'>\n"
    "  <bios>\n"
    "    <entry name='vendor'>LENOVO</entry>\n"
    "    <entry name='version'>G4ETA1WW (2.61 )</entry>\n"
    "    <entry name='date'>05/07/2014</entry>\n"
    "    <entry name='release'>2.61</entry>\n"
    "  </bios>\n"
    "</sysinfo>\n";

/* Total memory of cell @i in KiB: 2 GiB, 4 GiB. */
static uint64_t
cell_memory(int i)
{
    return (uint64_t) (i + 1) * 2048 * 1024;
}

/* Free memory of cell @i in KiB: 1 GiB, 2 GiB. */
static uint64_t
cell_free_memory(int i)
{
    return (uint64_t) (i + 1) * 1024 * 1024;
}

int
qd_test_get_version(struct qd_conn *conn, uint64_t *ret, struct qd_err *err)
{
    *ret = TEST_HV_VERSION;
    return 0;
}

/* virGetHostname: gethostname(), canonicalised through getaddrinfo()
 * unless it is already qualified or starts with "localhost". */
char *
qd_test_get_hostname(struct qd_conn *conn, struct qd_err *err)
{
    char name[HOST_NAME_MAX + 1];
    struct addrinfo hints, *info;
    char *ret;

    if (gethostname(name, sizeof(name)) < 0) {
        qd_err_sys(err, 38 /* VIR_ERR_SYSTEM_ERROR */, QD_FROM_NONE, errno,
                   "failed to determine host name");
        return NULL;
    }
    name[sizeof(name) - 1] = '\0';
    if (strncmp(name, "localhost", 9) == 0 || strchr(name, '.'))
        return qd_strdup(name);

    memset(&hints, 0, sizeof(hints));
    hints.ai_flags = AI_CANONNAME | AI_CANONIDN;
    hints.ai_family = AF_UNSPEC;
    if (getaddrinfo(name, NULL, &hints, &info) != 0)
        return qd_strdup(name);
    if (!info->ai_canonname ||
        strncmp(info->ai_canonname, "localhost", 9) == 0)
        ret = qd_strdup(name);
    else
        ret = qd_strdup(info->ai_canonname);
    freeaddrinfo(info);
    return ret;
}

/* virHostHasIOMMU: any entry in /sys/kernel/iommu_groups. */
static bool
host_has_iommu(void)
{
    DIR *d = opendir("/sys/kernel/iommu_groups/");
    struct dirent *e;
    bool found = false;

    if (!d)
        return false;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            found = true;
            break;
        }
    }
    closedir(d);
    return found;
}

static void
caps_format_guest(struct qd_buf *b, const char *os_type)
{
    qd_buf_printf(b,
                  "  <guest>\n"
                  "    <os_type>%s</os_type>\n"
                  "    <arch name='i686'>\n"
                  "      <wordsize>32</wordsize>\n"
                  "      <emulator>/usr/bin/test-hv</emulator>\n"
                  "      <domain type='test'/>\n"
                  "    </arch>\n"
                  "    <features>\n"
                  "      <pae/>\n"
                  "      <nonpae/>\n"
                  "    </features>\n"
                  "  </guest>\n\n", os_type);
}

char *
qd_test_get_capabilities(struct qd_conn *conn, struct qd_err *err)
{
    static const unsigned page_sizes[] = { 4, 8, 2048, 1024 * 1024 };
    struct qd_buf b = { 0 };
    int cell, cpu, id;
    size_t i;

    qd_buf_puts(&b, "<capabilities>\n\n"
                    "  <host>\n"
                    "    <cpu>\n"
                    "      <arch>i686</arch>\n"
                    "      <features>\n"
                    "        <pae/>\n"
                    "        <nonpae/>\n"
                    "      </features>\n");
    for (i = 0; i < QD_ARRAY_SIZE(page_sizes); i++)
        qd_buf_printf(&b, "      <pages unit='KiB' size='%u'/>\n",
                      page_sizes[i]);
    qd_buf_printf(&b, "    </cpu>\n"
                      "    <power_management/>\n"
                      "    <iommu support='%s'/>\n"
                      "    <topology>\n"
                      "      <cells num='%d'>\n",
                  host_has_iommu() ? "yes" : "no", TEST_NCELLS);
    for (cell = 0; cell < TEST_NCELLS; cell++) {
        /* cell 1 has 8 KiB base pages, cell 0 4 KiB ones; huge pages
         * are listed but none are free */
        unsigned base = cell == 1 ? page_sizes[1] : page_sizes[0];

        qd_buf_printf(&b, "        <cell id='%d'>\n"
                          "          <memory unit='KiB'>%llu</memory>\n",
                      cell, (unsigned long long) cell_memory(cell));
        qd_buf_printf(&b, "          <pages unit='KiB' size='%u'>%llu"
                          "</pages>\n", base,
                      (unsigned long long) (cell_memory(cell) / base));
        for (i = 2; i < QD_ARRAY_SIZE(page_sizes); i++)
            qd_buf_printf(&b, "          <pages unit='KiB' size='%u'>0"
                              "</pages>\n", page_sizes[i]);
        qd_buf_printf(&b, "          <cpus num='%d'>\n",
                      TEST_CPUS_PER_CELL);
        for (cpu = 0; cpu < TEST_CPUS_PER_CELL; cpu++) {
            id = cell * TEST_CPUS_PER_CELL + cpu;
            qd_buf_printf(&b, "            <cpu id='%d' socket_id='%d' "
                              "die_id='0' core_id='%d' siblings='%d'/>\n",
                          id, cell, cpu, id);
        }
        qd_buf_puts(&b, "          </cpus>\n"
                        "        </cell>\n");
    }
    qd_buf_puts(&b, "      </cells>\n"
                    "    </topology>\n"
                    "    <secmodel>\n"
                    "      <model>testSecurity</model>\n"
                    "      <doi></doi>\n"
                    "    </secmodel>\n"
                    "  </host>\n\n");
    caps_format_guest(&b, "hvm");
    caps_format_guest(&b, "xen");
    qd_buf_puts(&b, "</capabilities>\n");
    return qd_buf_steal_str(&b);
}

char *
qd_test_get_sysinfo(struct qd_conn *conn, unsigned flags, struct qd_err *err)
{
    if (qd_test_check_flags(flags, 0, "testConnectGetSysinfo", err) < 0)
        return NULL;
    return qd_strdup(sysinfo_xml);
}

int
qd_test_get_max_vcpus(struct qd_conn *conn, const char *type,
                      struct qd_err *err)
{
    return TEST_MAX_VCPUS;
}

int
qd_test_node_get_info(struct qd_conn *conn, struct qd_node_info *ret,
                      struct qd_err *err)
{
    memset(ret, 0, sizeof(*ret));
    snprintf(ret->model, sizeof(ret->model), "i686");
    ret->memory = 3 * 1024 * 1024;      /* KiB */
    ret->cpus = TEST_NCELLS * TEST_CPUS_PER_CELL;
    ret->mhz = 1400;
    ret->nodes = TEST_NCELLS;
    ret->sockets = 2;
    ret->cores = 2;
    ret->threads = 2;
    return 0;
}

int
qd_test_node_get_free_memory(struct qd_conn *conn, uint64_t *ret,
                             struct qd_err *err)
{
    int i;

    /* libvirt-compat: the sum of the cells' free KiB, reported as is
     * although the API speaks of bytes */
    *ret = 0;
    for (i = 0; i < TEST_NCELLS; i++)
        *ret += cell_free_memory(i);
    return 0;
}

int
qd_test_node_get_cells_free_memory(struct qd_conn *conn, int start, int max,
                                   uint64_t *ret, struct qd_err *err)
{
    int cell, n = 0;

    if (start < 0 || start >= TEST_NCELLS)
        return qd_err_set(err, QD_ERR_INVALID_ARG, QD_FROM_TEST,
                          "invalid argument: Range exceeds available cells");
    /* libvirt-compat: the test driver answers each cell's total memory */
    for (cell = start; cell < TEST_NCELLS && n < max; cell++)
        ret[n++] = cell_memory(cell);
    return n;
}

int
qd_test_node_get_cpu_stats(struct qd_conn *conn, int cpu, int nparams,
                           unsigned flags, struct qd_tparams *ret,
                           int *ret_nparams, struct qd_err *err)
{
    static const struct {
        const char *field;
        uint64_t value;
    } stats[] = {
        { "user", 9797400000ull },
        { "kernel", 34678723400000ull },
        { "idle", 87264900000ull },
        { "iowait", 763600000ull },
    };
    int i;

    if (qd_test_check_flags(flags, 0, "testNodeGetCPUStats", err) < 0)
        return -1;
    if (nparams == 0) {         /* the caller asks how many there are */
        *ret_nparams = (int) QD_ARRAY_SIZE(stats);
        return 0;
    }
    for (i = 0; i < nparams && i < (int) QD_ARRAY_SIZE(stats); i++)
        qd_tparams_add_ullong(ret, stats[i].field, stats[i].value);
    *ret_nparams = i;
    return 0;
}

int
qd_test_node_get_memory_stats(struct qd_conn *conn, int cell, int nparams,
                              unsigned flags, struct qd_tparams *ret,
                              int *ret_nparams, struct qd_err *err)
{
    /* libvirt-compat: the test driver lacks it; this is the error libvirt
     * raises for a missing driver method (virt domain, 20). */
    return qd_err_set(err, QD_ERR_NO_SUPPORT, QD_FROM_DOMAIN,
                      "this function is not supported by the connection "
                      "driver: virNodeGetMemoryStats");
}

int
qd_test_node_get_security_model(struct qd_conn *conn,
                                struct qd_sec_model *ret,
                                struct qd_err *err)
{
    ret->model = qd_strdup("testSecurity");
    ret->doi = qd_strdup("");
    return 0;
}

int
qd_test_supports_feature(struct qd_conn *conn, int feature,
                         struct qd_err *err)
{
    switch (feature) {
    case FEATURE_FD_PASSING:
    case FEATURE_TYPED_PARAM_STRING:
    case FEATURE_NETWORK_UPDATE_HAS_CORRECT_ORDER:
        return 1;
    default:
        return 0;
    }
}
