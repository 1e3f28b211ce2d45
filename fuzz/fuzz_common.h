/* What every fuzz harness shares: quiet logging and a loud failure.
 *
 * A harness is a libFuzzer target (LLVMFuzzerTestOneInput) linked with
 * qemud's core library; see fuzz/README.md. */
#ifndef QD_FUZZ_COMMON_H
#define QD_FUZZ_COMMON_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/err.h"
#include "util/log.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Errors only: rejected input is the common case and must not spam. */
static inline void
fuzz_quiet_logs(void)
{
    struct qd_err err = QD_ERR_INIT;

    if (qd_log_configure(QD_LOG_ERROR, NULL, NULL, &err) < 0) {
        fprintf(stderr, "fuzz: cannot configure logging: %s\n", err.message);
        abort();
    }
}

/* An invariant the code under test broke: say which, then abort() so
 * libFuzzer saves the input as a crash. */
static inline void __attribute__((format(printf, 1, 2), noreturn))
fuzz_fail(const char *fmt, ...)
{
    va_list ap;

    fputs("fuzz: invariant broken: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

#endif
