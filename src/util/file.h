/* Small file helpers: atomic replacement, whole-file reads, directories. */
#ifndef QD_UTIL_FILE_H
#define QD_UTIL_FILE_H

#include <stddef.h>
#include <sys/types.h>

struct qd_err;

/* Replace @path with @len bytes of @data so that a crash at any point
 * leaves either the old or the new content: write a temporary file in
 * the same directory, fsync it, rename it over @path, fsync the
 * directory. Any thread (blocking). Returns 0, or -1 with @err set
 * (code OPERATION_FAILED, domain @errdom) naming the file. */
int qd_file_write_atomic(const char *path, const char *data, size_t len,
                         mode_t mode, int errdom, struct qd_err *err)
    __attribute__((warn_unused_result));

/* The whole content of @path (at most @max bytes), NUL-terminated, or
 * NULL with errno set. */
char *qd_file_read_all(const char *path, size_t max, size_t *ret_len);

/* mkdir -p with @mode for the parts it creates. Returns 0 or -1 (errno). */
int qd_file_mkdirs(const char *path, mode_t mode);

/* Remove @path and fsync its directory. A missing file is fine.
 * Returns 0, or -1 with errno set. */
int qd_file_remove(const char *path);

#endif
