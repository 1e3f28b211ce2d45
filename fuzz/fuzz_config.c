/* libFuzzer harness: the qemud.conf parser (libvirtd.conf syntax).
 *
 * The input is a whole configuration file. It is loaded over the
 * defaults, as main() does with -f, the paths are derived from it, and
 * everything is freed with qd_config_clear() (LeakSanitizer checks that
 * nothing stays behind, on success and on every error path). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/config.h"
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
    struct qd_config cfg;
    char *text;

    /* qd_config_load_file() refuses a file with a NUL byte */
    if (memchr(data, '\0', size))
        return -1;
    text = qd_malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';

    qd_config_init_defaults(&cfg);
    if (qd_config_load_string(&cfg, "fuzz.conf", text, &err) == 0 &&
        qd_config_resolve_paths(&cfg, &err) == 0 &&
        (!cfg.sock_rw_path || !cfg.sock_ro_path || !cfg.sock_admin_path))
        fuzz_fail("resolved paths are missing");
    qd_err_clear(&err);
    qd_config_clear(&cfg);
    free(text);
    return 0;
}
