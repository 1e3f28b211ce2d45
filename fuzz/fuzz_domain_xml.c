/* libFuzzer harness: the domain XML parser and formatter.
 *
 * The input is a domain XML document, as virsh define sends it. What
 * qd_dom_def_parse() accepts is formatted (as dumpxml prints it, and the
 * secure/migratable form), and the text must parse again the way qemud
 * reads back its own output (qd_dom_def_copy: inactive, without the
 * validation checks; libvirt's virDomainDefCopy does the same). That is
 * the invariant, not a re-define with every check: like libvirt, qemud
 * accepts some defs whose printed form a define refuses (a volume disk
 * whose <source> has no pool/volume prints without <source>). The def is
 * then copied (qd_dom_def_copy() aborts if its own round trip fails) and
 * the copy formatted; it may print differently, as in libvirt (a
 * re-parse renumbers virtio console ports), so the texts are not
 * compared. A fuzz_fail() or an abort() is a bug in qemud. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf/domain_conf.h"
#include "conf/domain_conf_priv.h"
#include "fuzz/fuzz_common.h"
#include "util/err.h"
#include "util/mem.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void) argc;
    (void) argv;
    fuzz_quiet_logs();
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct qd_err err = QD_ERR_INIT;
    struct qd_dom_def *def, *copy, *again;
    char *xml, *out, *out_copy, *out_secure;

    /* XML reaches us as an XDR string, which cannot hold a NUL */
    if (memchr(data, '\0', size))
        return -1;
    xml = qd_malloc(size + 1);
    memcpy(xml, data, size);
    xml[size] = '\0';
    def = qd_dom_def_parse(xml, &err);
    free(xml);
    if (!def) {
        qd_err_clear(&err);
        return 0;
    }

    out = qd_dom_def_format(def, -1, 0);
    out_secure = qd_dom_def_format(def, 1,
                                   QD_DOM_XML_SECURE | QD_DOM_XML_MIGRATABLE);
    free(out_secure);
    if (!(again = qd_dom_def_parse_flags(out, QD_DOM_PARSE_INACTIVE |
                                         QD_DOM_PARSE_SKIP_VALIDATE, &err)))
        fuzz_fail("formatted XML does not parse again: %s\n%s",
                  err.message, out);
    qd_dom_def_free(again);

    copy = qd_dom_def_copy(def);
    out_copy = qd_dom_def_format(copy, -1, QD_DOM_XML_INACTIVE);
    free(out_copy);
    qd_dom_def_free(copy);

    free(out);
    qd_dom_def_free(def);
    return 0;
}
