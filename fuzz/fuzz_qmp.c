/* libFuzzer harness: the QMP monitor's message parser.
 *
 * The input is what QEMU writes on the monitor socket: lines. They are
 * cut as the monitor's reader cuts them ("\n", a trailing "\r" dropped,
 * empty lines skipped) and each goes through qd_qmp_parse_line() with
 * one tokener for the whole stream, as on a live monitor. A parse error
 * ends the stream (the monitor closes it then). What parses is picked
 * apart the way the monitor does for its kind (greeting version, event
 * name/data/timestamp, reply id) and printed back compact, as
 * qd_qmp_command_raw() returns replies to virsh. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "drivers/qemu/qemu_monitor.h"
#include "fuzz/fuzz_common.h"
#include "util/err.h"

/* Where walk() leaves what it read, so the reads are not optimised out. */
static volatile unsigned long long sink;

static void
walk(json_object *obj, enum qd_qmp_msg_kind kind)
{
    json_object *v, *ts;
    const char *s;
    unsigned long long n = 0;   /* wraps: any value will do */

    switch (kind) {
    case QD_QMP_MSG_GREETING:
        if (json_object_object_get_ex(obj, "QMP", &v) &&
            json_object_object_get_ex(v, "version", &v) &&
            json_object_object_get_ex(v, "qemu", &v) &&
            json_object_object_get_ex(v, "major", &v))
            n += (unsigned long long) json_object_get_int(v);
        break;
    case QD_QMP_MSG_EVENT:
        if (json_object_object_get_ex(obj, "event", &v) &&
            json_object_is_type(v, json_type_string))
            n += strlen(json_object_get_string(v));
        if (json_object_object_get_ex(obj, "timestamp", &ts)) {
            if (json_object_object_get_ex(ts, "seconds", &v))
                n += (unsigned long long) json_object_get_int64(v);
            if (json_object_object_get_ex(ts, "microseconds", &v))
                n += (unsigned) json_object_get_int64(v);
        }
        break;
    case QD_QMP_MSG_REPLY:
        if (json_object_object_get_ex(obj, "id", &v) &&
            json_object_is_type(v, json_type_string))
            n += strlen(json_object_get_string(v));
        break;
    case QD_QMP_MSG_UNKNOWN:
        break;
    }
    s = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
                                       JSON_C_TO_STRING_NOSLASHESCAPE);
    if (!s)
        fuzz_fail("json-c could not print a parsed object");
    sink = n + strlen(s);
}

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
    const char *p = (const char *) data, *end = p + size, *nl;
    json_tokener *tok = NULL;

    /* the reader only looks at complete lines */
    while (p < end && (nl = memchr(p, '\n', (size_t) (end - p)))) {
        struct qd_err err = QD_ERR_INIT;
        size_t len = (size_t) (nl - p);
        json_object *obj;
        int kind;

        if (len && p[len - 1] == '\r')
            len--;
        if (len == 0) {
            p = nl + 1;
            continue;
        }
        kind = qd_qmp_parse_line(&tok, p, len, &obj, &err);
        if (kind < 0) {
            if (obj || !err.message)
                fuzz_fail("failed parse without error or with an object");
            qd_err_clear(&err);
            break;
        }
        walk(obj, (enum qd_qmp_msg_kind) kind);
        json_object_put(obj);
        p = nl + 1;
    }
    if (tok)
        json_tokener_free(tok);
    return 0;
}
