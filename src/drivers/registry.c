/* The driver registry: URI -> driver. */
#include "drivers/registry.h"

#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

extern const struct qd_driver qd_test_driver;
extern const struct qd_driver qd_qemu_driver;

static const struct qd_driver *const drivers[] = {
    &qd_test_driver,
    &qd_qemu_driver,
};

int
qd_registry_state_init(const struct qd_driver_env *env, struct qd_err *err)
{
    size_t i;

    for (i = 0; i < QD_ARRAY_SIZE(drivers); i++)
        if (drivers[i]->state_init && drivers[i]->state_init(env, err) < 0)
            return -1;
    return 0;
}

void
qd_registry_state_cleanup(void)
{
    size_t i;

    for (i = QD_ARRAY_SIZE(drivers); i-- > 0;)
        if (drivers[i]->state_cleanup)
            drivers[i]->state_cleanup();
}

struct qd_conn *
qd_registry_open(const char *name, bool readonly, unsigned flags,
                 struct qd_err *err)
{
    const char *uri = name && *name ? name : "test:///default";
    size_t i;

    if (!name)
        /* libvirt-compat: a NULL name asks the daemon to pick, which
         * libvirtd 9.0 refuses this way */
        return qd_err_report(err, QD_ERR_INTERNAL_ERROR, QD_FROM_RPC,
                             "connection not open"), NULL;
    for (i = 0; i < QD_ARRAY_SIZE(drivers); i++) {
        struct qd_conn *conn;

        if (!drivers[i]->probe(uri))
            continue;
        conn = QD_NEW(struct qd_conn);
        conn->drv = drivers[i];
        conn->uri = qd_strdup(uri);
        conn->readonly = readonly;
        if (drivers[i]->open(conn, uri, flags, err) < 0) {
            free(conn->uri);
            free(conn);
            return NULL;
        }
        return conn;
    }
    qd_err_report(err, QD_ERR_NO_CONNECT, QD_FROM_NONE,
                  "no connection driver available for %s", uri);
    return NULL;
}

void
qd_registry_close(struct qd_conn *conn)
{
    if (!conn)
        return;
    if (conn->drv->close)
        conn->drv->close(conn);
    free(conn->uri);
    free(conn);
}
