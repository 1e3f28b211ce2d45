#!/usr/bin/python3
"""Boot the test guests from tests/guests/build.sh under TCG and check them.

  boot.img: prints QEMUD-GUEST-READY on COM1 and echoes what it reads.
  vmlinuz + initramfs.cpio.gz: prints QEMUD-LINUX-READY on ttyS0, runs a
    command typed on the serial console, and powers off on an ACPI
    power-button press (QMP system_powerdown): QEMU reports SHUTDOWN and,
    without -no-shutdown, exits.

Usage: check_guests.py OUTDIR [--qemu PATH]; exit status 0 when all passed.
"""
import argparse
import json
import os
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import time


class Guest:
    """QEMU with COM1 on stdio (pipes) and a QMP socket."""

    def __init__(self, qemu, extra, scratch):
        self.qmp_path = os.path.join(scratch, "qmp.sock")
        self.proc = subprocess.Popen(
            [qemu, "-machine", "pc,accel=tcg", "-nodefaults",
             "-display", "none", "-serial", "stdio",
             "-qmp", "unix:%s,server=on,wait=off" % self.qmp_path] + extra,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE)
        self.out = b""
        self.t0 = time.monotonic()

    def expect(self, needle, timeout):
        deadline = time.monotonic() + timeout
        while needle not in self.out:
            left = deadline - time.monotonic()
            if left <= 0 or self.proc.poll() is not None:
                raise RuntimeError("no %r after %.1fs; serial output: %r" %
                                   (needle, timeout, self.out[-400:]))
            r, _, _ = select.select([self.proc.stdout], [], [], left)
            if r:
                self.out += os.read(self.proc.stdout.fileno(), 4096)
        return time.monotonic() - self.t0

    def send(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def qmp(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(self.qmp_path)
        f = s.makefile("rwb")
        json.loads(f.readline())
        return s, f

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


def qmp_cmd(f, name):
    f.write(json.dumps({"execute": name}).encode() + b"\n")
    f.flush()
    while True:
        msg = json.loads(f.readline())
        if "event" not in msg:
            return msg


def check_bootsector(qemu, outdir, scratch):
    g = Guest(qemu, ["-drive", "file=%s,format=raw,if=ide" %
                     os.path.join(outdir, "boot.img")], scratch)
    try:
        t = g.expect(b"QEMUD-GUEST-READY\r\n", 5)
        g.send(b"ping-42\n")
        g.expect(b"ping-42\n", 5)
        return "marker after %.2fs, echo ok" % t
    finally:
        g.stop()


def check_linux(qemu, outdir, scratch):
    g = Guest(qemu, ["-m", "256", "-kernel", os.path.join(outdir, "vmlinuz"),
                     "-initrd", os.path.join(outdir, "initramfs.cpio.gz"),
                     "-append", "console=ttyS0 quiet"], scratch)
    try:
        t = g.expect(b"QEMUD-LINUX-READY", 60)
        g.send(b"echo RESULT-$((6*7))\n")
        g.expect(b"RESULT-42", 10)
        s, f = g.qmp()
        assert "return" in qmp_cmd(f, "qmp_capabilities")
        t1 = time.monotonic()
        assert "return" in qmp_cmd(f, "system_powerdown")
        while True:
            line = f.readline()
            if not line:
                raise RuntimeError("QMP closed before SHUTDOWN")
            ev = json.loads(line)
            if ev.get("event") == "SHUTDOWN":
                break
        g.proc.wait(timeout=20)
        s.close()
        return ("marker after %.1fs, command ok, powered off %.1fs after "
                "system_powerdown (%s)" % (t, time.monotonic() - t1,
                                           ev["data"].get("reason")))
    finally:
        g.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--qemu", default=shutil.which("qemu-system-x86_64"))
    opts = ap.parse_args()
    failed = 0
    for name, fn in (("bootsector", check_bootsector),
                     ("linux", check_linux)):
        scratch = tempfile.mkdtemp(prefix="qd-guest-")
        try:
            print("ok   %-10s %s" % (name, fn(opts.qemu, opts.outdir, scratch)))
        except Exception as e:
            failed += 1
            print("FAIL %-10s %s" % (name, e))
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
