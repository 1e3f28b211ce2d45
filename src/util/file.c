/* Small file helpers (see file.h). */
#include "util/file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/err.h"
#include "util/mem.h"

/* fsync the directory holding @path, so a rename or unlink in it is
 * durable. Best effort. */
static void
sync_dir_of(const char *path)
{
    _cleanup_free_ char *copy = qd_strdup(path);
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (fd >= 0) {
        (void) fsync(fd);
        (void) close(fd);
    }
}

int
qd_file_write_atomic(const char *path, const char *data, size_t len,
                     mode_t mode, int errdom, struct qd_err *err)
{
    _cleanup_free_ char *tmp = qd_asprintf("%s.new.XXXXXX", path);
    size_t done = 0;
    int fd, errnum;

    if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0)
        return qd_err_sys(err, QD_ERR_OPERATION_FAILED, errdom, errno,
                          "cannot create file '%s'", tmp);
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            errnum = n < 0 ? errno : EIO;
            goto fail;
        }
        done += (size_t) n;
    }
    if (fchmod(fd, mode) < 0 || fsync(fd) < 0) {
        errnum = errno;
        goto fail;
    }
    if (close(fd) < 0) {
        fd = -1;
        errnum = errno;
        goto fail;
    }
    fd = -1;
    if (rename(tmp, path) < 0) {
        errnum = errno;
        goto fail;
    }
    sync_dir_of(path);
    return 0;

fail:
    if (fd >= 0)
        (void) close(fd);
    (void) unlink(tmp);
    return qd_err_sys(err, QD_ERR_OPERATION_FAILED, errdom, errnum,
                      "cannot write file '%s'", path);
}

char *
qd_file_read_all(const char *path, size_t max, size_t *ret_len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    size_t have = 0, cap = 4096;
    char *buf;

    if (fd < 0)
        return NULL;
    buf = qd_malloc(cap + 1);
    for (;;) {
        ssize_t n;

        if (have == cap) {
            if (cap >= max) {
                free(buf);
                (void) close(fd);
                errno = EFBIG;
                return NULL;
            }
            cap *= 2;
            buf = qd_realloc(buf, cap + 1);
        }
        n = read(fd, buf + have, cap - have);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int errnum = errno;

            free(buf);
            (void) close(fd);
            errno = errnum;
            return NULL;
        }
        if (n == 0)
            break;
        have += (size_t) n;
    }
    (void) close(fd);
    buf[have] = '\0';
    if (ret_len)
        *ret_len = have;
    return buf;
}

int
qd_file_mkdirs(const char *path, mode_t mode)
{
    _cleanup_free_ char *p = qd_strdup(path);
    char *s;

    for (s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, mode) < 0 && errno != EEXIST)
            return -1;
        *s = '/';
    }
    if (mkdir(p, mode) < 0 && errno != EEXIST)
        return -1;
    return 0;
}

int
qd_file_remove(const char *path)
{
    if (unlink(path) < 0)
        return errno == ENOENT ? 0 : -1;
    sync_dir_of(path);
    return 0;
}
