#!/usr/bin/python3
"""Run every expected argv in tests/data/qemuargv/*.args with the real QEMU.

For each NAME.args (one argument per line, as qd_qemu_build_argv builds
it): put the files it names under a scratch directory (the .args use
/srv/qemud-test/ for images, kernel, sockets and the pidfile), swap in
the emulator, make sure -S is there, start QEMU and check that it
accepts QMP (qmp_capabilities, query-status says 'prelaunch'), then
'quit' it. QEMU must exit 0 and print nothing on stderr: no warning
about any option.

Without /dev/kvm, accel=kvm cases run under TCG with -cpu host turned
into -cpu max (reported as "ok (tcg)"): every other option is still
checked, the KVM-only bits are not.

QEMU's own notice "VNC server running on ..." (printed when it picks
the VNC port itself, to=) is not counted as a complaint.

With --guests OUTDIR (tests/guests/build.sh output), the guest images
are the real ones, and a case whose first serial port is a pty and that
boots a test guest (boot.img or the busybox initramfs) is also run:
'cont', the guest's READY marker read from the pty QEMU reports in
query-chardev, and for the Linux guest system_powerdown -> SHUTDOWN with
QEMU still there (-no-shutdown, status 'shutdown').

Usage: check_argv.py [--qemu PATH] [--guests OUTDIR] [NAME ...]
Exit status 0 when every case passed.
"""
import argparse
import glob
import json
import os
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import time

PREFIX = "/srv/qemud-test"
HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data", "qemuargv")


def unescape(value):
    return value.replace(",,", ",")


def option_value(arg, key):
    """Value of key= in a QEMU option string (commas doubled inside)."""
    i, parts, cur = 0, [], ""
    while i < len(arg):
        if arg[i] == ",":
            if arg[i + 1:i + 2] == ",":
                cur += ","
                i += 2
                continue
            parts.append(cur)
            cur = ""
        else:
            cur += arg[i]
        i += 1
    parts.append(cur)
    for p in parts:
        if p.startswith(key + "="):
            return p[len(key) + 1:]
    return None


def prepare_files(args, scratch, guests):
    """Create the images, kernel and initrd the argv refers to."""
    formats = {}
    for i, a in enumerate(args[:-1]):
        if args[i] != "-blockdev":
            continue
        b = args[i + 1]
        if option_value(b, "driver") == "file":
            storage = option_value(b, "node-name")
            formats[storage] = option_value(b, "filename")
        elif option_value(b, "file") in formats:
            path = formats[option_value(b, "file")]
            if option_value(b, "driver") == "qcow2":
                subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2",
                                path, "64M"], check=True)
            else:
                with open(path, "wb") as f:
                    f.truncate(16 << 20)
    for i, a in enumerate(args[:-1]):
        path = args[i + 1]
        if (a == "-blockdev" and guests and
                option_value(path, "driver") == "file"):
            image = unescape(option_value(path, "filename"))
            if os.path.basename(image) == "boot.img":
                shutil.copy(os.path.join(guests, "boot.img"), image)
        if a == "-kernel":
            src = (os.path.join(guests, "vmlinuz") if guests else
                   sorted(glob.glob("/boot/vmlinuz-*"))[-1])
            shutil.copy(src, path)
        elif a == "-initrd":
            src = os.path.join(guests, "initramfs.cpio.gz") if guests else None
            if src and os.path.exists(src):
                shutil.copy(src, path)
            else:
                with open(path, "wb") as f:
                    f.write(b"0" * 512)


class Qmp:
    def __init__(self, path, timeout=10):
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.settimeout(timeout)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self.buf = b""
        self.events = []
        self.greeting = self.read()

    def read(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("QMP closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def cmd(self, name):
        self.sock.sendall(json.dumps({"execute": name}).encode() + b"\n")
        while True:
            msg = self.read()
            if "event" not in msg:
                return msg
            self.events.append(msg["event"])


# Linux under TCG takes 10-40 s: one case boots it, the other -kernel
# cases are only checked to be accepted by QEMU.
LINUX_BOOT_CASE = "kernel-boot"


def boot_guest(qmp, args, name):
    """Run the guest; wait for its marker on serial0's pty. Returns a note."""
    linux = any(a == "-kernel" for a in args)
    if not linux and not any("/boot.img," in a for a in args):
        return ""
    if linux and name != LINUX_BOOT_CASE:
        return " (Linux boot checked by %s)" % LINUX_BOOT_CASE
    marker = b"QEMUD-LINUX-READY" if linux else b"QEMUD-GUEST-READY"
    ptys = [c["filename"][4:] for c in qmp.cmd("query-chardev")["return"]
            if c["label"] == "charserial0" and c["filename"].startswith("pty:")]
    if not ptys:
        return ""
    fd = os.open(ptys[0], os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
    try:
        t0 = time.monotonic()
        assert "return" in qmp.cmd("cont")
        out = b""
        while marker not in out:
            if time.monotonic() - t0 > 60:
                raise RuntimeError("no %r on %s: %r" % (marker, ptys[0], out))
            r, _, _ = select.select([fd], [], [], 1)
            if r:
                out += os.read(fd, 4096)
        note = " booted: %s after %.1fs" % (marker.decode(),
                                            time.monotonic() - t0)
        if linux:
            assert "return" in qmp.cmd("system_powerdown")
            while "SHUTDOWN" not in qmp.events:
                qmp.events.append(qmp.read().get("event"))
            status = qmp.cmd("query-status")["return"]["status"]
            assert status == "shutdown", status
            note += ", powerdown -> SHUTDOWN, QEMU kept (status shutdown)"
        return note
    finally:
        os.close(fd)


def check(name, qemu, guests):
    with open(os.path.join(DATA, name + ".args")) as f:
        args = f.read().splitlines()
    scratch = tempfile.mkdtemp(prefix="qd-argv-")
    fallback = False
    try:
        args = [a.replace(PREFIX, scratch) for a in args]
        args[0] = qemu
        if not os.path.exists("/dev/kvm"):
            kvm = [a for a in args if "accel=kvm" in a]
            args = [a.replace("accel=kvm", "accel=tcg") for a in args]
            for i, a in enumerate(args[:-1]):
                if kvm and a == "-cpu" and args[i + 1].split(",")[0] == "host":
                    args[i + 1] = "max" + args[i + 1][4:]
            fallback = bool(kvm)
        if "-S" not in args:
            args.insert(1, "-S")
        prepare_files(args, scratch, guests)
        monitor = None
        for i, a in enumerate(args[:-1]):
            if (a == "-chardev" and
                    option_value(args[i + 1], "id") == "charmonitor"):
                monitor = unescape(option_value(args[i + 1], "path"))
        proc = subprocess.Popen(args, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            qmp = Qmp(monitor)
            assert "QMP" in qmp.greeting, qmp.greeting
            assert "return" in qmp.cmd("qmp_capabilities")
            status = qmp.cmd("query-status")["return"]
            assert status["status"] == "prelaunch", status
            note = boot_guest(qmp, args, name) if guests else ""
            qmp.cmd("quit")
            out, err = proc.communicate(timeout=10)
        except Exception as e:
            proc.kill()
            out, err = proc.communicate()
            raise RuntimeError("%r; QEMU rc=%s stderr=%s" %
                               (e, proc.returncode,
                                err.decode(errors="replace")))
        err = [line for line in err.decode(errors="replace").splitlines()
               if line.strip() and "VNC server running on" not in line]
        if proc.returncode != 0 or err:
            raise RuntimeError("QEMU rc=%d stderr=%s" %
                               (proc.returncode, "\n".join(err)))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return note + (" (tcg: no /dev/kvm)" if fallback else "")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--qemu", default=shutil.which("qemu-system-x86_64"))
    ap.add_argument("--guests", default=None)
    ap.add_argument("names", nargs="*")
    opts = ap.parse_args()
    names = opts.names or sorted(os.path.basename(p)[:-5] for p in
                                 glob.glob(os.path.join(DATA, "*.args")))
    failed = 0
    for name in names:
        t0 = time.monotonic()
        try:
            note = check(name, opts.qemu, opts.guests)
            print("ok   %-22s %.2fs%s" % (name, time.monotonic() - t0, note))
        except Exception as e:
            failed += 1
            print("FAIL %-22s %s" % (name, e))
    print("%d/%d passed" % (len(names) - failed, len(names)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
