/* Reading test data files from cmocka tests. Include after <cmocka.h>.
 * The data directory is tests/data, or $QD_TEST_DATA_DIR (meson sets it). */
#ifndef QD_TESTS_TEST_DATA_H
#define QD_TESTS_TEST_DATA_H

#include <stdio.h>
#include <stdlib.h>

#include "util/mem.h"

#ifndef QD_TEST_DATA_DIR
#define QD_TEST_DATA_DIR "tests/data"
#endif

/* The whole file at @path, NUL-terminated; fails the test if unreadable. */
static inline char *
qd_test_read_path(const char *path)
{
    FILE *f = fopen(path, "r");
    char *buf;
    long len;

    if (!f)
        fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = qd_malloc((size_t) len + 1);
    assert_int_equal(fread(buf, 1, (size_t) len, f), (size_t) len);
    buf[len] = '\0';
    fclose(f);
    return buf;
}

/* <data dir>/@subdir/@name */
static inline char *
qd_test_read_data(const char *subdir, const char *name)
{
    const char *dir = getenv("QD_TEST_DATA_DIR");
    char *path = qd_asprintf("%s/%s/%s", dir ? dir : QD_TEST_DATA_DIR, subdir,
                             name);
    char *buf = qd_test_read_path(path);

    free(path);
    return buf;
}

#endif
