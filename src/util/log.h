/* Logging with libvirt-style priorities, filters and outputs. */
#ifndef QD_UTIL_LOG_H
#define QD_UTIL_LOG_H

#include <stdbool.h>

struct qd_err;

enum qd_log_prio {
    QD_LOG_DEBUG = 1,
    QD_LOG_INFO = 2,
    QD_LOG_WARN = 3,
    QD_LOG_ERROR = 4,
};

void qd_log_msg(enum qd_log_prio prio, const char *module, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool qd_log_enabled(enum qd_log_prio prio, const char *module);

/* Configure from libvirt syntax. @level: default priority (1..4); @filters:
 * "1:rpc 3:util" (may be NULL); @outputs: "3:stderr 1:file:/path" (NULL or
 * empty: the default output, "<level>:stderr"). Returns 0, or -1 with @err
 * set naming the bad part; nothing changes then. */
int qd_log_configure(int level, const char *filters, const char *outputs,
                     struct qd_err *err);

/* Run-time changes (the admin program), with libvirt's parsing and errors
 * (virLogSetFilters / virLogSetOutputs): NULL or "" filters clear them,
 * NULL or "" outputs restore the default output. On error nothing
 * changes. Any thread. */
int qd_log_set_filters(const char *filters, struct qd_err *err);
int qd_log_set_outputs(const char *outputs, struct qd_err *err);

/* The current set in libvirt's syntax, as virLogGetFilters and
 * virLogGetOutputs write it (each filter is followed by a space; outputs
 * are separated by one). Returns a new string ("" when empty) and stores
 * the count in @ret_n. Any thread. */
char *qd_log_get_filters(unsigned *ret_n);
char *qd_log_get_outputs(unsigned *ret_n);

/* Reopen file outputs (SIGHUP). Loop thread. */
void qd_log_reopen(void);
void qd_log_shutdown(void);

#define QD_LOG_(prio, ...)                                      \
    do {                                                        \
        if (qd_log_enabled(prio, QD_LOG_MODULE))                \
            qd_log_msg(prio, QD_LOG_MODULE, __VA_ARGS__);       \
    } while (0)
#define QD_DEBUG(...) QD_LOG_(QD_LOG_DEBUG, __VA_ARGS__)
#define QD_INFO(...) QD_LOG_(QD_LOG_INFO, __VA_ARGS__)
#define QD_WARN(...) QD_LOG_(QD_LOG_WARN, __VA_ARGS__)
#define QD_ERROR(...) QD_LOG_(QD_LOG_ERROR, __VA_ARGS__)

#endif
