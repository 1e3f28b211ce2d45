/* One error type, shaped like libvirt's wire error (virNetMessageError). */
#ifndef QD_UTIL_ERR_H
#define QD_UTIL_ERR_H

#include <stdbool.h>
#include <stddef.h>

/* virErrorNumber values (include/libvirt/virterror.h) that qemud raises. */
enum {
    QD_ERR_OK = 0,
    QD_ERR_INTERNAL_ERROR = 1,
    QD_ERR_NO_MEMORY = 2,
    QD_ERR_NO_SUPPORT = 3,
    QD_ERR_NO_CONNECT = 5,
    QD_ERR_INVALID_CONN = 6,
    QD_ERR_INVALID_DOMAIN = 7,
    QD_ERR_INVALID_ARG = 8,
    QD_ERR_OPERATION_FAILED = 9,
    QD_ERR_XML_ERROR = 27,
    QD_ERR_SYSTEM_ERROR = 38,
    QD_ERR_OPERATION_DENIED = 29,
    QD_ERR_XML_DETAIL = 35,
    QD_ERR_RPC = 39,
    QD_ERR_NO_DOMAIN = 42,
    QD_ERR_NO_NETWORK = 43,
    QD_ERR_INVALID_MAC = 44,
    QD_ERR_AUTH_FAILED = 45,
    QD_ERR_NO_STORAGE_POOL = 49,
    QD_ERR_NO_STORAGE_VOL = 50,
    QD_ERR_NO_NODE_DEVICE = 53,
    QD_ERR_OPERATION_INVALID = 55,
    QD_ERR_NO_INTERFACE = 57,
    QD_ERR_CONFIG_UNSUPPORTED = 67,
    QD_ERR_NO_SECRET = 66,
    QD_ERR_OPERATION_TIMEOUT = 68,
    QD_ERR_NO_DOMAIN_SNAPSHOT = 72,
    QD_ERR_ARGUMENT_UNSUPPORTED = 74,
    QD_ERR_NO_DOMAIN_METADATA = 80,
    QD_ERR_OPERATION_UNSUPPORTED = 84,
    QD_ERR_STORAGE_VOL_EXIST = 90,
    QD_ERR_AUTH_UNAVAILABLE = 94,
    QD_ERR_NO_SERVER = 95,
    QD_ERR_NO_CLIENT = 96,
};

/* virErrorDomain values. */
enum {
    QD_FROM_NONE = 0,
    QD_FROM_XEN = 1,
    QD_FROM_DOM = 6,
    QD_FROM_RPC = 7,
    QD_FROM_QEMU = 10,
    QD_FROM_NET = 11,
    QD_FROM_TEST = 12,
    QD_FROM_REMOTE = 13,
    QD_FROM_STORAGE = 18,
    QD_FROM_NETWORK = 19,
    QD_FROM_DOMAIN = 20,
    QD_FROM_NODEDEV = 22,
    QD_FROM_INTERFACE = 26,
    QD_FROM_SECRET = 30,
    QD_FROM_STREAMS = 38,
    QD_FROM_CONF = 9,
    QD_FROM_NWFILTER = 33,
    QD_FROM_ADMIN = 62,
};

enum { QD_ERR_LEVEL_WARNING = 1, QD_ERR_LEVEL_ERROR = 2 };

struct qd_err {
    int code;                 /* virErrorNumber; 0 = unset */
    int domain;               /* virErrorDomain */
    int level;                /* 2 error, 1 warning */
    char *message;            /* the full text the client prints */
    char *str1, *str2, *str3; /* optional extras */
    int int1, int2;
};
#define QD_ERR_INIT { 0 }

int qd_err_set(struct qd_err *err, int code, int domain, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int qd_err_sys(struct qd_err *err, int code, int domain, int errnum,
               const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Sets all fields explicitly (str1 etc. may be NULL). Returns -1. */
int qd_err_set_full(struct qd_err *err, int code, int domain,
                    const char *message, const char *str1, const char *str2,
                    int int1);
/* Like qd_err_set, but wraps the detail in libvirt's text for @code
 * ("Domain not found: %s", "internal error: %s"...), exactly as libvirt's
 * virReportError does; @fmt NULL gives the bare text. */
int qd_err_report(struct qd_err *err, int code, int domain, const char *fmt,
                  ...) __attribute__((format(printf, 4, 5)));
void qd_err_clear(struct qd_err *err);
/* Deep copy of @src into an unset @dst. */
void qd_err_copy(struct qd_err *dst, const struct qd_err *src);

struct qd_err_text {
    const char *bare;
    const char *with_info;
};
extern const struct qd_err_text qd_err_texts[];
extern const size_t qd_err_ntexts;
static inline bool
qd_err_is_set(const struct qd_err *err)
{
    return err->code != 0;
}

#endif
