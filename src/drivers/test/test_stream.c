/* The test driver's stream procedures: DOMAIN_SCREENSHOT streams the
 * picture libvirt's test driver ships. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drivers/test/test_domain.h"
#include "drivers/test/test_objects_priv.h"
#include "rpc/stream.h"
#include "util/mem.h"

/* libvirt-compat: PKGDATADIR "/test-screenshot.png" of Debian's libvirt0 */
#define TEST_SCREENSHOT "/usr/share/libvirt/test-screenshot.png"

/* libvirt's testDomainScreenshot: checks the flags only (the domain need
 * not exist or run) and streams the file as image/png. The integration
 * tests point QEMUD_TEST_SCREENSHOT at a bigger file to stream many
 * packets. */
char *
qd_test_domain_screenshot(struct qd_conn *conn, const struct qd_dom_ref *dom,
                          unsigned screen, unsigned flags,
                          struct qd_stream *st, struct qd_err *err)
{
    const char *path = getenv("QEMUD_TEST_SCREENSHOT");
    int fd;

    if (qd_test_check_flags(flags, 0, "testDomainScreenshot", err) < 0)
        return NULL;
    if (!path || !*path)
        path = TEST_SCREENSHOT;
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
        int e = errno;

        /* virFDStreamOpenFile's words */
        qd_err_report(err, QD_ERR_SYSTEM_ERROR, QD_FROM_STREAMS,
                      "Unable to open stream for '%s': %s", path,
                      strerror(e));
        return NULL;
    }
    if (qd_stream_set_fd(st, fd, QD_STREAM_SOURCE, err) < 0)
        return NULL;
    return qd_strdup("image/png");
}
