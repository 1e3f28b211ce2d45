/* Choosing a driver by the URI given to CONNECT_OPEN. */
#ifndef QD_DRIVERS_REGISTRY_H
#define QD_DRIVERS_REGISTRY_H

#include <stdbool.h>

#include "drivers/driver.h"

/* Worker thread. @name may be NULL or "" (the default driver). Returns a
 * new connection, or NULL with @err set. */
struct qd_conn *qd_registry_open(const char *name, bool readonly,
                                 unsigned flags, struct qd_err *err);
void qd_registry_close(struct qd_conn *conn);

/* Start-up (before the loop runs) and shutdown (after it stopped) of
 * every driver's state. */
int qd_registry_state_init(const struct qd_driver_env *env,
                           struct qd_err *err);
void qd_registry_state_cleanup(void);

#endif
