#!/usr/bin/python3
"""Where qemud's QEMU-driver time goes: start, destroy and restart phases.

    qemu_profile.py --qemud BIN --guests-dir DIR [--reps N] [--guests N]

Root, /usr/bin/python3 (python3-libvirt). Starts a private qemud (in a
fresh /tmp/qemud-qprof.XXXXXX, removed at the end) with QEMU-driver debug
logging, runs N createXML + destroy and one restart with --guests
guests, and splits each figure by the timestamps in qemud's log (ms), the
QEMU log (`starting up`, `terminating on signal 15`, `shutting down`) and
the client's clock. Prints p50/min/max per phase. Debug logging costs a
little: the totals run a bit above bench/qemu.sh's.
"""
import argparse
import datetime
import os
import re
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import qemu_bench as qb  # noqa: E402


def stamp(s):
    """qemud's "2026-11-27 18:17:27.321+0000" or QEMU's "...T...Z" -> epoch."""
    s = s.replace("T", " ").rstrip("Z")[:23]
    return datetime.datetime.strptime(s, "%Y-%m-%d %H:%M:%S.%f").replace(
        tzinfo=datetime.timezone.utc).timestamp()


LINE = re.compile(r"(\S+ \S+): \d+: \w+ : [\w.]+: (.*)")


def start_phases(log_lines, qemu_log, t0, t1):
    ev = {}
    for line in log_lines:
        m = LINE.match(line)
        if not m:
            continue
        t, msg = stamp(m.group(1)), m.group(2)
        if ": connected" in msg:
            ev.setdefault("connected", t)
        elif 'line [{"QMP"' in msg:
            ev.setdefault("greeting", t)
        elif ": send " in msg:
            for key, cmd in (("caps_sent", "qmp_capabilities"),
                             ("chardev_sent", "query-chardev"), ("cont_sent", "cont")):
                if '"%s"' % cmd in msg:
                    ev.setdefault(key, t)
        elif 'line [{"return"' in msg:
            for sent, ret in (("cont_sent", "cont_ret"), ("chardev_sent", "chardev_ret"),
                              ("caps_sent", "caps_ret")):
                if sent in ev:
                    ev.setdefault(ret, t)
                    break
    m = re.findall(r"(\S+ \S+): starting up", qemu_log)
    spawn = stamp(m[-1])

    def ms(a, b):
        return (b - a) * 1e3 if a is not None and b is not None else None
    return {
        "total (client)": ms(t0, t1),
        "call -> QEMU spawned": ms(t0, spawn),
        "spawned -> QMP connected": ms(spawn, ev.get("connected")),
        "connected -> greeting": ms(ev.get("connected"), ev.get("greeting")),
        "greeting -> qmp_capabilities answered": ms(ev.get("greeting"), ev.get("caps_ret")),
        "query-chardev": ms(ev.get("caps_ret"), ev.get("chardev_ret")),
        "cont": ms(ev.get("chardev_ret"), ev.get("cont_ret")),
        "cont answered -> call returned": ms(ev.get("cont_ret"), t1),
    }


def destroy_phases(qemu_log, t0, t1):
    term = re.findall(r"(\S+) qemu-system-x86_64: terminating on signal 15", qemu_log)
    down = re.findall(r"(\S+ \S+): shutting down", qemu_log)
    t_term = stamp(term[-1]) if term else None
    t_down = stamp(down[-1]) if down else None

    def ms(a, b):
        return (b - a) * 1e3 if a is not None and b is not None else None
    return {
        "total (client)": ms(t0, t1),
        "call -> QEMU handles SIGTERM": ms(t0, t_term),
        "SIGTERM handled -> QEMU exited, qemud cleans up": ms(t_term, t_down),
        "clean-up -> call returned": ms(t_down, t1),
    }


def show(title, rows):
    print(title)
    for k in rows[0]:
        v = [r[k] for r in rows if r[k] is not None]
        if v:
            print("  %-48s p50 %7.1f  min %7.1f  max %7.1f" % (
                k, statistics.median(v), min(v), max(v)))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--qemud", required=True)
    p.add_argument("--guests-dir", required=True)
    p.add_argument("--reps", type=int, default=10)
    p.add_argument("--guests", type=int, default=10)
    args = p.parse_args()
    import libvirt
    qb.libvirt = libvirt
    libvirt.registerErrorHandler(lambda c, e: None, None)
    run = tempfile.mkdtemp(prefix="qemud-qprof.", dir="/tmp")
    disks = qb.Disks(run, args.guests_dir)
    reaper = qb.Reaper(run)
    d = qb.Qemud(run, reaper, os.path.abspath(args.qemud))
    with open(d.conf, "w") as f:       # qemud.conf with debug logging
        f.write('unix_sock_dir = "%s"\nroot_dir = "%s"\n'
                % (os.path.dirname(d.sock), d.root))
        f.write('log_filters = "1:qemu 2:daemon"\nlog_outputs = "1:file:%s"\n' % d.logfile)
    try:
        d.start()
        starts, destroys = [], []
        for i in range(args.reps + 1):
            name = "qp%02d" % i
            off = os.path.getsize(d.logfile)
            t0 = time.time()
            dom = d.conn.createXML(qb.guest_xml(name, disks.get("qemud", name)), 0)
            t1 = time.time()
            time.sleep(0.2)
            t2 = time.time()
            dom.destroy()
            t3 = time.time()
            time.sleep(0.1)
            if i == 0:
                continue        # warm-up
            with open(d.logfile) as f:
                f.seek(off)
                lines = f.read().split("\n")
            with open(d.qemu_log(name)) as f:
                ql = f.read()
            starts.append(start_phases(lines, ql, t0, t1))
            destroys.append(destroy_phases(ql, t2, t3))
        show("createXML, ms (%d starts)" % len(starts), starts)
        show("destroy, ms", destroys)

        class A:
            pass
        a = A()
        a.guests, a.run = args.guests, run
        off = os.path.getsize(d.logfile)
        r = qb.restart_round(a, d, disks, 0)
        with open(d.logfile) as f:
            f.seek(off)
            lines = f.read().split("\n")
        t_listen = t_probe = None
        recon = []
        for line in lines:
            m = LINE.match(line)
            if not m:
                continue
            t, msg = stamp(m.group(1)), m.group(2)
            if "listening on" in msg:
                t_listen = t
            elif "probed in" in msg:
                t_probe = t
            elif "reconnected to QEMU" in msg:
                recon.append(t)
        print("restart with %d guests, ms: total %.0f; socket after %.0f; "
              "QEMU probe %s; probe done -> last reconnection %s (%d reconnected); "
              "driver ready %s; first open returned %.0f; daemon CPU %.0f, probe "
              "(children) CPU %.0f"
              % (args.guests, r["ms"], r["socket_ms"] or -1, r.get("probe_ms"),
                 "%.0f" % ((max(recon) - t_probe) * 1e3) if recon and t_probe else "-",
                 len(recon), r.get("driver_ready_ms"), r["open_ms"],
                 r["cpu_ticks"] * 1000 / qb.CLK_TCK, r["child_cpu_ticks"] * 1000 / qb.CLK_TCK))
        if t_listen and t_probe:
            print("  (log: listening -> probe done %.0f ms)" % ((t_probe - t_listen) * 1e3))
        with open("/proc/loadavg") as f:
            print("load: " + f.read().strip())
    finally:
        qb.cleanup(run, daemons=[d], reaper=reaper)
    return 0


if __name__ == "__main__":
    sys.exit(main())
