/* THE table of the QEMU program (qemu_protocol.x): the monitor passthrough
 * (virsh qemu-monitor-command). The guest agent is not supported. */
#include <stddef.h>

#include "drivers/driver.h"
#include "rpc/dispatch.h"
#include "rpc/types_remote.h"
#include "rpc/wire.h"
#include "rpc/xdr_table.h"
#include "util/err.h"
#include "util/mem.h"

struct qemu_monitor_args {         /* qemu_domain_monitor_command_args */
    struct qd_dom_ref dom;
    char *cmd;
    uint32_t flags;
};
struct qemu_agent_args {           /* qemu_domain_agent_command_args */
    struct qd_dom_ref dom;
    char *cmd;
    int32_t timeout;
    uint32_t flags;
};

STYPE(monitor_t, qemu_monitor_args,
      FT(QD_XDR_STRUCT, qemu_monitor_args, dom, 0, &qd_t_dom_ref),
      F(QD_XDR_STRING, qemu_monitor_args, cmd),
      F(QD_XDR_UINT, qemu_monitor_args, flags));
STYPE(agent_t, qemu_agent_args,
      FT(QD_XDR_STRUCT, qemu_agent_args, dom, 0, &qd_t_dom_ref),
      F(QD_XDR_STRING, qemu_agent_args, cmd),
      F(QD_XDR_INT, qemu_agent_args, timeout),
      F(QD_XDR_UINT, qemu_agent_args, flags));

static int
h_not_supported(struct qd_call *call, const void *a, void *r,
                struct qd_err *err)
{
    return qd_err_report(err, QD_ERR_NO_SUPPORT, QD_FROM_NONE, "%s",
                         call->proc->api);
}

static int
h_monitor_command(struct qd_call *call, const void *a, void *r,
                  struct qd_err *err)
{
    const struct qemu_monitor_args *args = a;
    char **ret = r;

    if (!call->conn->drv->domain_qemu_monitor_command)
        return h_not_supported(call, a, r, err);
    *ret = call->conn->drv->domain_qemu_monitor_command(
        call->conn, &args->dom, args->cmd, args->flags, err);
    return *ret ? 0 : -1;
}

static const struct qd_proc qemu_procs[] = {
    { 1, "DomainMonitorCommand", &monitor_t, &qd_t_string, h_monitor_command,
      0, "virDomainQemuMonitorCommand", 0 },
    { 3, "DomainAgentCommand", &agent_t, &qd_t_opt_string, h_not_supported,
      0, "virDomainQemuAgentCommand", 0 },
};

const struct qd_program qd_program_qemu = {
    QD_PROG_QEMU, QD_PROG_VERSION, qemu_procs, QD_ARRAY_SIZE(qemu_procs),
};
