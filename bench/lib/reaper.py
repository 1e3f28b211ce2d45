#!/usr/bin/python3
"""reaper.py: start commands on request, and reap whatever becomes its child.

bench/qemu_bench.py starts one reaper per run and launches both daemons
through it. The reaper marks itself a child subreaper
(PR_SET_CHILD_SUBREAPER), so every process orphaned below it becomes its
child: the daemon once `-d` detaches it, libvirtd's double-forked QEMUs,
every QEMU whose daemon was stopped (the restart figure). It reaps them at
once, as systemd does as PID 1 on a real host. This machine's init may
reap late, and libvirtd's destroy polls kill(pid, 0) until its QEMU is
reaped, so without this its destroy figure would measure the init.

Protocol, one JSON line each way:
  stdin:  {"argv": [...], "log": "/path"}   spawn argv (PATH searched),
          own session, stdin /dev/null, stdout and stderr appended to log
  stdout: {"pid": N, "t": MONOTONIC}        or {"error": "..."}
Being a server keeps a Python start-up out of the timed restart: the
caller reads the clock, writes the request, and the spawn follows at once.
On EOF it stops taking requests and exits once it has no child left. A
non-zero exit status of a spawned command is reported on stderr.
Standard library only.
"""
import ctypes
import json
import os
import signal
import sys
import threading
import time

PR_SET_CHILD_SUBREAPER = 36

spawned = {}                    # pid -> argv[0], commands we started
lock = threading.Lock()
done = threading.Event()


def serve():
    out = sys.stdout
    for line in sys.stdin:
        try:
            req = json.loads(line)
            argv = req["argv"]
            fd = os.open(req.get("log", "/dev/null"),
                         os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
            t = time.monotonic()
            try:
                pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=[
                    (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
                    (os.POSIX_SPAWN_DUP2, fd, 1), (os.POSIX_SPAWN_DUP2, fd, 2)],
                    setsid=True, setsigmask=(),
                    setsigdef=signal.valid_signals() - {signal.SIGKILL, signal.SIGSTOP})
            finally:
                os.close(fd)
            with lock:
                spawned[pid] = argv[0]
            out.write(json.dumps({"pid": pid, "t": t}) + "\n")
        except Exception as e:      # noqa: BLE001 -- report, keep serving
            out.write(json.dumps({"error": str(e)}) + "\n")
        out.flush()
    done.set()


def main():
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        sys.stderr.write("reaper: prctl(PR_SET_CHILD_SUBREAPER): %s\n"
                         % os.strerror(ctypes.get_errno()))
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=serve, daemon=True).start()
    while True:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            if done.is_set():
                return 0
            time.sleep(0.02)
            continue
        except InterruptedError:
            continue
        with lock:
            name = spawned.pop(pid, None)
        if name and status != 0:
            sys.stderr.write("reaper: %s (pid %d) exited with status %d\n"
                             % (name, pid, os.waitstatus_to_exitcode(status)))
            sys.stderr.flush()


if __name__ == "__main__":
    sys.exit(main())
