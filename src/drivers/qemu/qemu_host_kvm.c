/* The KVM self-test: boot a one-sector guest under accel=kvm and wait,
 * bounded, for the marker it writes to an isa-debugcon port. A host can
 * have a /dev/kvm whose guests never run (nested KVM that hangs); only a
 * guest that really ran proves KVM usable. Blocking; not on the loop. */
#define QD_LOG_MODULE "qemu.host"

#include "drivers/qemu/qemu_host_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/mem.h"

/* The marker the self-test guest writes; see selftest_write_image. */
#define SELFTEST_MARKER "QDKVMOK"

/* A 512-byte MBR boot sector, loaded by the BIOS at 0000:7c00:
 *
 *   7c00  fa           cli
 *   7c01  31 c0        xor ax, ax
 *   7c03  8e d8        mov ds, ax
 *   7c05  be 15 7c     mov si, 0x7c15       ; the marker
 *   7c08  fc           cld
 *   7c09  ac           lodsb                ; next:
 *   7c0a  84 c0        test al, al
 *   7c0c  74 04        jz 7c12
 *   7c0e  e6 e9        out 0xe9, al         ; isa-debugcon
 *   7c10  eb f7        jmp 7c09
 *   7c12  f4           hlt                  ; done:
 *   7c13  eb fd        jmp 7c12
 *   7c15  "QDKVMOK", 0
 *   ...   zeros, then 55 aa at offset 510 */
static int
selftest_write_image(int fd)
{
    static const unsigned char code[] = {
        0xfa, 0x31, 0xc0, 0x8e, 0xd8, 0xbe, 0x15, 0x7c, 0xfc, 0xac,
        0x84, 0xc0, 0x74, 0x04, 0xe6, 0xe9, 0xeb, 0xf7, 0xf4, 0xeb, 0xfd,
    };
    unsigned char sector[512] = { 0 };
    size_t off = 0;
    ssize_t n;

    memcpy(sector, code, sizeof(code));
    memcpy(sector + sizeof(code), SELFTEST_MARKER, sizeof(SELFTEST_MARKER));
    sector[510] = 0x55;
    sector[511] = 0xaa;
    while (off < sizeof(sector)) {
        n = write(fd, sector + off, sizeof(sector) - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        off += (size_t) n;
    }
    return 0;
}

/* Poll @out (the guest's debugcon) until the marker arrives, QEMU closes
 * it, or @deadline. Returns 1 seen, 0 timed out, -1 QEMU went away. */
static int
selftest_wait(int out, int64_t deadline)
{
    char buf[256];
    size_t len = 0;
    struct pollfd pfd = { .fd = out, .events = POLLIN };
    ssize_t n;
    int rc;

    for (;;) {
        rc = poll(&pfd, 1, qd_qemu_remaining_ms(deadline));
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc == 0)
            return 0;
        n = read(out, buf + len, sizeof(buf) - 1 - len);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n <= 0)
            return -1;
        len += (size_t) n;
        buf[len] = '\0';
        if (strstr(buf, SELFTEST_MARKER))
            return 1;
        if (len >= sizeof(buf) - 1) {    /* keep the tail only */
            memmove(buf, buf + len - 16, 16);
            len = 16;
        }
    }
}

bool
qd_qemu_selftest_run(const char *binary, const char *accel, const char *dir,
                     int timeout_ms, char **ret_why)
{
    _cleanup_free_ char *tmpdir = NULL;
    _cleanup_free_ char *image = NULL;
    _cleanup_free_ char *machine = qd_asprintf("pc,accel=%s", accel);
    _cleanup_free_ char *drive = NULL;
    _cleanup_free_ char *stderr_text = NULL;
    _cleanup_close_ int devnull = -1;
    _cleanup_close_ int img = -1;
    int outp[2] = { -1, -1 }, errp[2] = { -1, -1 };
    int64_t deadline;
    pid_t pid;
    int e, seen;

    *ret_why = NULL;
    if (!dir) {
        const char *t = getenv("TMPDIR");

        tmpdir = qd_asprintf("%s/qemud-kvmtest-XXXXXX", t && *t ? t : "/tmp");
        if (!mkdtemp(tmpdir)) {
            *ret_why = qd_asprintf("cannot create a directory for the KVM "
                                   "self-test: %s", strerror(errno));
            return false;
        }
        dir = tmpdir;
    }
    image = qd_asprintf("%s/kvm-selftest-XXXXXX", dir);
    if ((img = mkostemp(image, O_CLOEXEC)) < 0 ||
        selftest_write_image(img) < 0) {
        *ret_why = qd_asprintf("cannot write the KVM self-test image in %s: "
                               "%s", dir, strerror(errno));
        if (img >= 0)
            unlink(image);
        if (tmpdir)
            rmdir(tmpdir);
        return false;
    }
    drive = qd_asprintf("file=%s,format=raw,if=ide", image);

    {
        char *argv[] = {
            (char *) binary, (char *) "-machine", machine,
            (char *) "-m", (char *) "16", (char *) "-smp", (char *) "1",
            (char *) "-no-user-config", (char *) "-nodefaults",
            (char *) "-display", (char *) "none", (char *) "-no-reboot",
            (char *) "-drive", drive, (char *) "-boot", (char *) "order=c",
            (char *) "-chardev", (char *) "stdio,id=dbg,signal=off",
            (char *) "-device",
            (char *) "isa-debugcon,iobase=0xe9,chardev=dbg",
            NULL,
        };

        if ((devnull = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0 ||
            pipe2(outp, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0) {
            *ret_why = qd_asprintf("cannot set up the KVM self-test: %s",
                                   strerror(errno));
            pid = -1;
        } else {
            deadline = qd_qemu_now_ms() + timeout_ms;
            pid = qd_qemu_spawn(argv, devnull, outp[1], errp[1], &e);
            if (pid < 0)
                *ret_why = qd_asprintf("cannot run %s: %s", binary,
                                       strerror(e));
        }
    }
    if (outp[1] >= 0)
        close(outp[1]);
    if (errp[1] >= 0)
        close(errp[1]);

    seen = 0;
    if (pid > 0) {
        seen = selftest_wait(outp[0], deadline);
        qd_qemu_reap(pid, 0);
        stderr_text = qd_qemu_drain_stderr(errp[0]);
        if (seen == 0)
            *ret_why = qd_asprintf("KVM self-test guest did not run within "
                                   "%d ms", timeout_ms);
        else if (seen < 0)
            *ret_why = qd_asprintf("KVM self-test guest failed to start: %s",
                                   stderr_text ? stderr_text
                                               : "QEMU exited");
    }
    if (outp[0] >= 0)
        close(outp[0]);
    if (errp[0] >= 0)
        close(errp[0]);
    unlink(image);
    if (tmpdir)
        rmdir(tmpdir);
    return seen == 1;
}
