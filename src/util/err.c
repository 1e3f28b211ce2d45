/* Error filling. The message becomes what virsh prints after "error: ". */
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

void
qd_err_clear(struct qd_err *err)
{
    free(err->message);
    free(err->str1);
    free(err->str2);
    free(err->str3);
    memset(err, 0, sizeof(*err));
}

/* libvirt fills str1 with the message's format base and int1/int2 with -1
 * for errors raised through virReportError; clients only print message. */
static int
err_fill(struct qd_err *err, int code, int domain, char *msg)
{
    if (err->code) {            /* first error wins: innermost knows why */
        free(msg);
        return -1;
    }
    err->code = code;
    err->domain = domain;
    err->level = QD_ERR_LEVEL_ERROR;
    err->message = msg;
    err->str1 = qd_strdup(msg);
    err->int1 = -1;
    err->int2 = -1;
    return -1;
}

int
qd_err_set(struct qd_err *err, int code, int domain, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0)
        abort();
    va_end(ap);
    return err_fill(err, code, domain, msg);
}

int
qd_err_sys(struct qd_err *err, int code, int domain, int errnum,
           const char *fmt, ...)
{
    va_list ap;
    char *msg, *full;

    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0)
        abort();
    va_end(ap);
    full = qd_asprintf("%s: %s", msg, strerror(errnum));
    free(msg);
    return err_fill(err, code, domain, full);
}

int
qd_err_set_full(struct qd_err *err, int code, int domain, const char *message,
                const char *str1, const char *str2, int int1)
{
    if (err->code)
        return -1;
    err->code = code;
    err->domain = domain;
    err->level = QD_ERR_LEVEL_ERROR;
    err->message = qd_strdup(message);
    err->str1 = qd_strdup(str1);
    err->str2 = qd_strdup(str2);
    err->int1 = int1;
    err->int2 = -1;
    return -1;
}

int
qd_err_report(struct qd_err *err, int code, int domain, const char *fmt, ...)
{
    const struct qd_err_text *t = NULL;
    char *info = NULL, *msg;
    va_list ap;

    if (code > 0 && (size_t) code < qd_err_ntexts && qd_err_texts[code].bare)
        t = &qd_err_texts[code];
    if (fmt) {
        va_start(ap, fmt);
        if (vasprintf(&info, fmt, ap) < 0)
            abort();
        va_end(ap);
    }
    if (!t)
        msg = info ? qd_strdup(info) : qd_asprintf("unknown error %d", code);
    else if (!info)
        msg = qd_strdup(t->bare);
    else {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        msg = qd_asprintf(t->with_info, info);
#pragma GCC diagnostic pop
    }
    if (err->code) {
        free(info);
        free(msg);
        return -1;
    }
    err->code = code;
    err->domain = domain;
    err->level = QD_ERR_LEVEL_ERROR;
    /* libvirt-compat: virReportError puts the template in str1 and the
     * detail in str2 */
    err->message = msg;
    err->str1 = qd_strdup(t ? (info ? t->with_info : t->bare) : NULL);
    err->str2 = info;
    err->int1 = -1;
    err->int2 = -1;
    return -1;
}

void
qd_err_copy(struct qd_err *dst, const struct qd_err *src)
{
    *dst = *src;
    dst->message = qd_strdup(src->message);
    dst->str1 = qd_strdup(src->str1);
    dst->str2 = qd_strdup(src->str2);
    dst->str3 = qd_strdup(src->str3);
}
