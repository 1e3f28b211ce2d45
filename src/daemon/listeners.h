/* The daemon's listening sockets, from its configuration. */
#ifndef QD_DAEMON_LISTENERS_H
#define QD_DAEMON_LISTENERS_H

#include <sys/types.h>

struct qd_config;
struct qd_err;
struct qd_server;

/* Before the loop runs: check the auth schemes, set the server's SASL
 * rules and add the UNIX sockets (group @gid), then the TCP and TLS
 * listeners the configuration asks for. 0, or -1 with @err set. */
int qd_daemon_listen(struct qd_server *srv, const struct qd_config *cfg,
                     gid_t gid, struct qd_err *err);

#endif
