#!/usr/bin/python3
"""QEMU-driver figures (issue 5): qemud against libvirtd 9.0 and raw QEMU.

Run by bench/qemu.sh, which installs packages, builds qemud and the test
guests and makes the run directory; see bench/README.md ("QEMU driver").

  start     createXML, and defineXML + create, of a boot-sector guest, to
            "running", through python3-libvirt; beside them the raw floor:
            QEMU spawned here with qemud's own argv (-S), QMP greeting,
            qmp_capabilities, cont
  destroy   virDomainDestroy of the running guest (raw: SIGTERM to exit)
  restart   N guests running, SIGTERM the daemon, start it again: the time
            until a new client lists all N running

Every repetition runs qemud, libvirtd and the raw floor back to back, in a
fresh (seeded) random order, so drifts in machine load hit all alike. Daemon
CPU (utime + stime of the daemon process, all threads) is read from
/proc/PID/stat around every call.

    qemu_bench.py --run DIR --qemud BIN --guests-dir DIR [options]
    qemu_bench.py --cleanup DIR      kill what a run left, unmount, remove

Needs root, python3-libvirt (/usr/bin/python3), unshare/nsenter/ip.
"""
import argparse
import json
import os
import platform
import random
import select
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import qemu_report  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK")
RUNNING = 1                     # virDomainState
LIST_RUNNING = 16               # VIR_CONNECT_LIST_DOMAINS_RUNNING
QEMU_ENV_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

libvirt = None                  # imported in main(): --cleanup needs none


def log(msg):
    sys.stderr.write("[qemu-bench %s] %s\n" % (time.strftime("%H:%M:%S"), msg))
    sys.stderr.flush()


def now():
    return time.monotonic()


class BenchError(Exception):
    pass


# ---- /proc helpers ---------------------------------------------------------

def proc_cpu(pid):
    """(utime + stime, cutime + cstime) of @pid in clock ticks, or None."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            s = f.read()
    except OSError:
        return None
    fields = s[s.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12]),
            int(fields[13]) + int(fields[14]))


def proc_alive(pid):
    """True while @pid exists and is not a zombie."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            s = f.read()
    except OSError:
        return False
    return s[s.rindex(")") + 2] != "Z"


def proc_cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def wait_gone(pid, timeout):
    """Wait until @pid exits (any parent); True if it did."""
    try:
        fd = os.pidfd_open(pid)
    except OSError:
        return True
    try:
        r, _, _ = select.select([fd], [], [], timeout)
        return bool(r)
    finally:
        os.close(fd)


def kill_wait(pid, timeout=10.0):
    """SIGTERM, then SIGKILL after @timeout."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    if not wait_gone(pid, timeout):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            return
        wait_gone(pid, 5.0)


def foreign_qemus(run):
    """QEMU processes on this machine that are not ours (load note)."""
    n = 0
    for e in os.listdir("/proc"):
        if e.isdigit():
            c = proc_cmdline(int(e))
            if "qemu-system" in c.split(" ")[0] and run not in c:
                n += 1
    return n


def load_sample(run):
    with open("/proc/loadavg") as f:
        la = f.read().split()
    return {"load1": float(la[0]), "foreign_qemus": foreign_qemus(run)}


def wait_file(path, timeout):
    end = now() + timeout
    while True:
        try:
            with open(path) as f:
                s = f.read().strip()
            if s:
                return s
        except OSError:
            pass
        if now() >= end:
            return None
        time.sleep(0.005)


# ---- guests ----------------------------------------------------------------

def guest_xml(name, disk):
    """tests/integration/test_qemu_driver.py's boot_xml(), type 'qemu'."""
    return """<domain type='qemu'>
  <name>%s</name>
  <uuid>%s</uuid>
  <memory unit='MiB'>32</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <boot dev='hd'/>
  </os>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='%s'/>
      <target dev='hda' bus='ide'/>
    </disk>
    <serial type='pty'/>
    <console type='pty'/>
    <memballoon model='none'/>
  </devices>
</domain>
""" % (name, uuid.uuid4(), disk)


class Disks:
    """One private copy of boot.img per guest (QEMU locks its images)."""

    def __init__(self, run, guests_dir):
        self.dir = os.path.join(run, "disks")
        self.src = os.path.join(guests_dir, "boot.img")
        if not os.path.isfile(self.src):
            raise BenchError("no %s (tests/guests/build.sh)" % self.src)

    def get(self, who, name):
        d = os.path.join(self.dir, who)
        os.makedirs(d, exist_ok=True)
        p = os.path.join(d, name + ".img")
        if not os.path.exists(p):
            shutil.copyfile(self.src, p)
        return p


# ---- daemons ---------------------------------------------------------------

def tmpfs(path):
    """A tmpfs on @path (inside the run directory; cleanup() unmounts)."""
    os.makedirs(path, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "mode=755", "qbench", path],
                   check=True)


class Reaper:
    """lib/reaper.py: spawns the daemons, reaps every orphan below them."""

    def __init__(self, run):
        self.err = open(os.path.join(run, "reaper.err"), "ab")
        self.p = subprocess.Popen([sys.executable, os.path.join(HERE, "lib", "reaper.py"), run],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=self.err, start_new_session=True)

    def spawn(self, argv, logpath):
        self.p.stdin.write((json.dumps({"argv": argv, "log": logpath}) + "\n").encode())
        self.p.stdin.flush()
        r = json.loads(self.p.stdout.readline() or b'{"error": "reaper gone"}')
        if "error" in r:
            raise BenchError("cannot start %s: %s" % (argv[0], r["error"]))
        return r["pid"]

    def close(self):
        """No more requests: it exits once its last child is reaped."""
        if self.p.stdin and not self.p.stdin.closed:
            self.p.stdin.close()
        try:
            self.p.wait(5)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
        self.err.close()


class Daemon:
    """What qemud and libvirtd share: start through reaper.py, connect,
    CPU, stop. Subclasses set dir, sock, pidfile and argv()."""

    label = "?"

    def __init__(self, run, reaper):
        self.run = run
        self.reaper = reaper
        self.pid = None
        self.conn = None

    @property
    def uri(self):
        return "qemu+unix:///system?socket=" + self.sock

    def spawn(self):
        """Launch the start command through the reaper; returns at once."""
        self.pid = None
        return self.reaper.spawn(self.argv(), os.path.join(self.dir, "start.err"))

    def read_pid(self, timeout=30.0):
        s = wait_file(self.pidfile, timeout)
        if not s:
            raise BenchError("%s wrote no pid file %s (see %s)"
                             % (self.label, self.pidfile, self.logfile))
        self.pid = int(s)
        return self.pid

    def start(self, timeout=120.0):
        self.spawn()
        self.read_pid()
        end = now() + timeout
        while True:
            try:
                self.conn = libvirt.open(self.uri)
                self.conn.getVersion()
                return
            except libvirt.libvirtError as e:
                if now() > end or not proc_alive(self.pid):
                    raise BenchError("%s does not answer on %s: %s (see %s)"
                                     % (self.label, self.sock, e, self.logfile))
                time.sleep(0.05)

    def cpu(self):
        c = proc_cpu(self.pid)
        return c if c else (0, 0)

    def close(self):
        if self.conn is not None:
            try:
                self.conn.close()
            except libvirt.libvirtError:
                pass
            self.conn = None

    def stop(self):
        """SIGTERM and wait; guests keep running."""
        self.close()
        if self.pid:
            kill_wait(self.pid, 15.0)
        self.pid = None

    def qemu_pid(self, name):
        s = wait_file(os.path.join(self.state_dir, name + ".pid"), 0)
        return int(s) if s and s.isdigit() else None


class Qemud(Daemon):
    label = "qemud"

    def __init__(self, run, reaper, binary):
        super().__init__(run, reaper)
        self.binary = binary
        self.dir = os.path.join(run, "qemud")
        self.root = os.path.join(self.dir, "root")
        self.sock = os.path.join(self.dir, "s", "libvirt-sock")
        self.pidfile = os.path.join(self.dir, "qemud.pid")
        self.logfile = os.path.join(self.dir, "qemud.log")
        self.conf = os.path.join(self.dir, "qemud.conf")
        self.state_dir = os.path.join(self.root, "run", "qemu")
        os.makedirs(self.dir, exist_ok=True)
        # run/ on tmpfs, as /run is on a real host: status files and their
        # fsyncs cost what they cost there (configs stay on disk)
        tmpfs(os.path.join(self.root, "run"))
        with open(self.conf, "w") as f:
            f.write('unix_sock_dir = "%s"\n' % os.path.dirname(self.sock))
            f.write('root_dir = "%s"\n' % self.root)
            # info from the QEMU driver only: "QEMU driver ready in N
            # ms", the probe time; warnings from everything
            f.write('log_filters = "2:qemu"\n')
            f.write('log_outputs = "2:file:%s"\n' % self.logfile)

    def argv(self):
        return [self.binary, "-d", "-f", self.conf, "-p", self.pidfile]

    def qemu_log(self, name):
        return os.path.join(self.root, "log", "qemu", name + ".log")


class Libvirtd(Daemon):
    """libvirtd 9.0, qemu:///system as root, in private mount and network
    namespaces (/work/shared/REFERENCE-LIBVIRTD.md)."""

    label = "libvirtd"
    QEMU_CONF = """user = "root"
group = "root"
dynamic_ownership = 0
security_driver = "none"
cgroup_controllers = [ ]
namespaces = [ ]
stdio_handler = "file"
"""

    def __init__(self, run, reaper):
        super().__init__(run, reaper)
        self.dir = os.path.join(run, "libvirtd")
        self.nsdir = os.path.join(self.dir, "ns")
        self.sock = os.path.join(self.dir, "s", "libvirt-sock")
        self.pidfile = os.path.join(self.dir, "libvirtd.pid")
        self.logfile = os.path.join(self.dir, "libvirtd.log")
        self.conf = os.path.join(self.dir, "libvirtd.conf")
        self.state_dir = os.path.join(self.dir, "run", "qemu")

    def setup(self):
        d = self.dir
        for sub in ("ns", "etc", "run", "lib", "cache", "log", "s"):
            os.makedirs(os.path.join(d, sub), exist_ok=True)
        tmpfs(os.path.join(d, "run"))        # its /run/libvirt, as for qemud
        with open(os.path.join(d, "etc", "qemu.conf"), "w") as f:
            f.write(self.QEMU_CONF)
        with open(self.conf, "w") as f:
            f.write('unix_sock_dir = "%s"\n' % os.path.dirname(self.sock))
            f.write('auth_unix_ro = "none"\nauth_unix_rw = "none"\n')
            f.write('listen_tls = 0\nlisten_tcp = 0\n')
            f.write('log_outputs = "3:file:%s"\n' % self.logfile)
        # the QEMU driver will not initialise without its Debian user
        with open("/etc/passwd") as f:
            pw = f.read()
        with open("/etc/group") as f:
            gr = f.read()
        if "\nlibvirt-qemu:" not in "\n" + pw:
            pw += "libvirt-qemu:x:64055:64055::/nonexistent:/usr/sbin/nologin\n"
        if "\nlibvirt-qemu:" not in "\n" + gr:
            gr += "libvirt-qemu:x:64055:\n"
        if "\nkvm:" not in "\n" + gr:
            gr += "kvm:x:64056:\n"
        with open(os.path.join(d, "passwd"), "w") as f:
            f.write(pw)
        with open(os.path.join(d, "group"), "w") as f:
            f.write(gr)
        # persistent namespaces: bind mounts on a private mount
        subprocess.run(["mount", "--bind", self.nsdir, self.nsdir], check=True)
        subprocess.run(["mount", "--make-private", self.nsdir], check=True)
        for n in ("mnt", "net"):
            open(os.path.join(self.nsdir, n), "w").close()
        binds = [("run", "/run/libvirt"), ("lib", "/var/lib/libvirt"),
                 ("cache", "/var/cache/libvirt"), ("log", "/var/log/libvirt"),
                 ("etc", "/etc/libvirt"), ("passwd", "/etc/passwd"),
                 ("group", "/etc/group")]
        script = ["set -e",
                  # own /run and /var dirs: no host state visible, nothing
                  # of ours left on the host
                  "for m in /run /var/lib /var/cache /var/log; do "
                  "mount -t tmpfs -o mode=755 qbench $m; done",
                  "mkdir -p /run/libvirt /var/lib/libvirt /var/cache/libvirt "
                  "/var/log/libvirt /etc/libvirt"]
        for src, dst in binds:
            script.append("mount --bind %s %s" % (shlex.quote(os.path.join(d, src)), dst))
        script.append("ip link set lo up")
        subprocess.run(["unshare", "--mount=" + os.path.join(self.nsdir, "mnt"),
                        "--net=" + os.path.join(self.nsdir, "net"),
                        "--propagation", "private", "sh", "-c", "\n".join(script)],
                       check=True)

    def argv(self):
        return ["nsenter", "--mount=" + os.path.join(self.nsdir, "mnt"),
                "--net=" + os.path.join(self.nsdir, "net"), "--",
                "libvirtd", "-d", "-f", self.conf, "-p", self.pidfile]


# ---- cleanup ----------------------------------------------------------------

def mounted_under(path):
    out = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            mp = line.split()[4].replace("\\040", " ")
            if mp == path or mp.startswith(path + "/"):
                out.append(mp)
    return out


def ours(run, cmdline):
    """A daemon, QEMU, reaper or nsenter of this run (named by its unique
    run directory on the command line)."""
    if run + "/" not in cmdline:
        return False
    argv = cmdline.split(" ")
    base = os.path.basename(argv[0])
    return (base.startswith("qemu-system") or base in ("qemud", "libvirtd", "nsenter")
            or (len(argv) > 1 and argv[1].endswith("/reaper.py")))


def cleanup(run, keep=False, daemons=(), reaper=None):
    """Stop daemons, kill every process of this run (cmdline naming the run
    directory, or inside its namespaces), unmount, remove. Idempotent."""
    for d in daemons:
        try:
            d.stop()
        except Exception as e:      # noqa: BLE001 -- keep cleaning
            log("stopping %s: %s" % (d.label, e))
    ns_inodes = set()
    for n in ("mnt", "net"):
        try:
            ns_inodes.add(os.stat(os.path.join(run, "libvirtd", "ns", n)).st_ino)
        except OSError:
            pass
    skip = {os.getpid(), os.getppid()}
    for _ in range(3):
        victims = []
        for e in os.listdir("/proc"):
            if not e.isdigit() or int(e) in skip:
                continue
            pid = int(e)
            mine = ours(run, proc_cmdline(pid))
            if not mine and ns_inodes:
                for n in ("mnt", "net"):
                    try:
                        link = os.readlink("/proc/%d/ns/%s" % (pid, n))
                    except OSError:
                        continue
                    if int(link.split("[")[1].rstrip("]")) in ns_inodes:
                        mine = True
            if mine and proc_alive(pid):
                victims.append(pid)
        if not victims:
            break
        for pid in victims:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for pid in victims:
            wait_gone(pid, 5.0)
    if reaper:
        reaper.close()
    for mp in sorted(mounted_under(run), key=len, reverse=True):
        subprocess.run(["umount", "-l", mp], stderr=subprocess.DEVNULL)
    if not keep:
        shutil.rmtree(run, ignore_errors=True)


# ---- raw QEMU: the floor -----------------------------------------------------

class RawQemu:
    """QEMU spawned here exactly as qemud spawns it (posix_spawn, own
    session, stdin /dev/null, stdout+stderr to a log), then QMP by hand."""

    POLL_S = 0.001              # QMP connect retry interval

    def __init__(self, run, disks):
        self.dir = os.path.join(run, "raw")
        os.makedirs(self.dir, exist_ok=True)
        self.disks = disks
        self.template = None

    def learn(self, qemud, name, disk):
        """Take the argv from the last start of @name in qemud's log."""
        with open(qemud.qemu_log(name)) as f:
            lines = f.read().split("\n")
        idx = max(i for i, s in enumerate(lines) if s.endswith(": starting up"))
        argv = shlex.split(lines[idx + 1])
        while argv and "=" in argv[0] and not argv[0].startswith("/"):
            argv.pop(0)             # the LC_ALL=C prefix
        if "-S" not in argv:
            argv.insert(1, "-S")
        self.template = (argv, os.path.join(qemud.state_dir, name), disk, name)

    def argv(self, name):
        argv, qprefix, qdisk, qname = self.template
        disk = self.disks.get("raw", name)
        mine = os.path.join(self.dir, name)
        out = []
        for a in argv:
            a = a.replace(qprefix + ".", mine + ".").replace(qdisk, disk)
            a = a.replace("guest=" + qname + ",", "guest=" + name + ",")
            out.append(a)
        return out

    def start(self, name):
        """Spawn paused, QMP handshake, cont. Returns (handle, phases ms)."""
        argv = self.argv(name)
        mon = os.path.join(self.dir, name + ".monitor")
        for ext in (".monitor", ".pid"):
            try:
                os.unlink(os.path.join(self.dir, name + ext))
            except FileNotFoundError:
                pass
        logfd = os.open(os.path.join(self.dir, name + ".log"),
                        os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
        env = {"LC_ALL": "C", "PATH": QEMU_ENV_PATH, "HOME": self.dir}
        t0 = now()
        pid = os.posix_spawn(argv[0], argv, env, file_actions=[
            (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
            (os.POSIX_SPAWN_DUP2, logfd, 1),
            (os.POSIX_SPAWN_DUP2, logfd, 2)],
            setsid=True, setsigmask=(), setsigdef=signal.valid_signals()
            - {signal.SIGKILL, signal.SIGSTOP})
        t_spawn = now()
        os.close(logfd)
        pidfd = os.pidfd_open(pid)
        h = {"pid": pid, "pidfd": pidfd, "sock": None}
        retries = 0
        try:
            while True:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    s.connect(mon)
                    break
                except (FileNotFoundError, ConnectionRefusedError):
                    s.close()
                    retries += 1
                    if select.select([pidfd], [], [], self.POLL_S)[0]:
                        raise BenchError("raw QEMU exited: see %s/%s.log" % (self.dir, name))
                    if now() - t0 > 30:
                        raise BenchError("raw QEMU: no monitor in 30 s")
            t_conn = now()
            h["sock"] = s
            rf = s.makefile("rb")
            greeting = json.loads(rf.readline())
            if "QMP" not in greeting:
                raise BenchError("raw QEMU: no QMP greeting: %r" % greeting)
            t_greet = now()
            self._cmd(s, rf, "qmp_capabilities")
            t_caps = now()
            self._cmd(s, rf, "cont")
            t_cont = now()
            h["rf"] = rf
        except BaseException:
            self.stop(h)
            raise
        return h, {"ms": (t_cont - t0) * 1e3, "spawn_ms": (t_spawn - t0) * 1e3,
                   "connect_ms": (t_conn - t_spawn) * 1e3,
                   "greeting_ms": (t_greet - t_conn) * 1e3,
                   "caps_ms": (t_caps - t_greet) * 1e3,
                   "cont_ms": (t_cont - t_caps) * 1e3, "connect_retries": retries}

    @staticmethod
    def _cmd(s, rf, cmd):
        s.sendall(json.dumps({"execute": cmd}).encode() + b"\n")
        while True:
            line = rf.readline()
            if not line:
                raise BenchError("raw QEMU: monitor closed during %s" % cmd)
            m = json.loads(line)
            if "return" in m:
                return m["return"]
            if "error" in m:
                raise BenchError("raw QEMU: %s: %s" % (cmd, m["error"]))

    def stop(self, h, sig=signal.SIGTERM):
        """@sig, wait for the exit (pidfd), reap. Returns ms."""
        t0 = now()
        try:
            signal.pidfd_send_signal(h["pidfd"], sig)
        except ProcessLookupError:
            pass
        if not select.select([h["pidfd"]], [], [], 10)[0]:
            signal.pidfd_send_signal(h["pidfd"], signal.SIGKILL)
            select.select([h["pidfd"]], [], [], 10)
        t1 = now()
        os.waitpid(h["pid"], 0)
        os.close(h["pidfd"])
        if h.get("sock"):
            h["sock"].close()
        return (t1 - t0) * 1e3


# ---- the figures -------------------------------------------------------------

def timed_start(d, disks, name, mode):
    """createXML or defineXML + create; ms until the call returned with the
    domain running (polled if it was not yet), daemon CPU ticks."""
    xml = guest_xml(name, disks.get(d.label, name))
    c0 = d.cpu()
    t0 = now()
    t_def = None
    if mode == "create":
        dom = d.conn.createXML(xml, 0)
    else:
        dom = d.conn.defineXML(xml)
        t_def = now()
        dom.create()
    t1 = now()
    c1 = d.cpu()
    polled = False
    while dom.state()[0] != RUNNING:
        polled = True
        if now() - t0 > 60:
            raise BenchError("%s: %s not running 60 s after start" % (d.label, name))
        time.sleep(0.001)
    if polled:
        t1 = now()
    r = {"ms": (t1 - t0) * 1e3, "cpu_ticks": c1[0] - c0[0],
         "child_cpu_ticks": c1[1] - c0[1], "polled": polled}
    if t_def is not None:
        r["define_ms"] = (t_def - t0) * 1e3
    return dom, r


def timed_destroy(d, dom):
    name = dom.name()
    qpid = d.qemu_pid(name)
    c0 = d.cpu()
    t0 = now()
    dom.destroy()
    t1 = now()
    c1 = d.cpu()
    return {"ms": (t1 - t0) * 1e3, "cpu_ticks": c1[0] - c0[0],
            "child_cpu_ticks": c1[1] - c0[1],
            "qemu_gone_at_return": None if qpid is None else not proc_alive(qpid)}


def run_start_destroy(args, daemons, raw, disks, res):
    # raw twice: the start floor from both, the destroy floor by SIGTERM
    # (what the daemons send first) and by SIGKILL
    units = [(d, m) for d in daemons for m in ("create", "define")] + \
        [(raw, "raw"), (raw, "rawkill")]
    total = args.warmup + args.reps
    # a fresh order every repetition (seeded: runs are comparable), so no
    # unit always follows the same one (libvirtd's slow clean-up, say)
    rng = random.Random(5)
    for i in range(total):
        warm = i < args.warmup
        order = list(units)
        if i > 0:                   # qemud first once: raw learns its argv
            rng.shuffle(order)
        log("start/destroy %s %d/%d: %s" % ("warm-up" if warm else "rep",
                                           i + 1 - (0 if warm else args.warmup),
                                           args.warmup if warm else args.reps,
                                           ", ".join("%s/%s" % (getattr(u, "label", "raw"), m)
                                                     for u, m in order)))
        for u, mode in order:
            name = "qb%s%03d" % ({"rawkill": "k"}.get(mode, mode[0]), i)
            if u is raw:
                if raw.template is None:
                    continue        # learned from qemud's first start
                h, r = raw.start(name)
                kill = mode == "rawkill"
                rd = {"ms": raw.stop(h, signal.SIGKILL if kill else signal.SIGTERM)}
                key = "raw"
            else:
                dom, r = timed_start(u, disks, name, mode)
                rd = timed_destroy(u, dom)
                if mode == "define":
                    dom.undefine()
                key = u.label
                if u.label == "qemud" and raw.template is None:
                    raw.learn(u, name, disks.get("qemud", name))
            r["rep"] = i
            rd["rep"] = i
            if warm:
                continue
            smode = mode if u is not raw else "raw"
            dkey = "raw-kill" if mode == "rawkill" else key
            res["start"].setdefault(key, {}).setdefault(smode, []).append(r)
            res["destroy"].setdefault(dkey, {}).setdefault(smode, []).append(rd)
        if not warm:
            res["load"].append(load_sample(args.run))


def restart_round(args, d, disks, rnd):
    n = args.guests
    names = ["qbr%d-%02d" % (rnd, i) for i in range(n)]
    doms = []
    log("restart %s round %d: starting %d guests" % (d.label, rnd + 1, n))
    for nm in names:
        dom, _ = timed_start(d, disks, nm, "create")
        doms.append(dom)
    qpids = {nm: d.qemu_pid(nm) for nm in names}
    log_off = os.path.getsize(d.logfile) if os.path.exists(d.logfile) else 0
    load = load_sample(args.run)
    d.stop()
    time.sleep(0.2)                 # let the exit settle (sockets, reaping)
    try:
        old_ino = os.stat(d.sock).st_ino
    except OSError:
        old_ino = None
    log("restart %s round %d: daemon stopped, starting it again" % (d.label, rnd + 1))
    t0 = now()
    d.spawn()
    attempts = 0
    t_open = t_sock = None
    conn = None
    while True:
        if now() - t0 > 120:
            raise BenchError("%s: not all %d guests listed running 120 s after restart"
                             % (d.label, n))
        if t_sock is None:
            try:
                if os.stat(d.sock).st_ino != old_ino:
                    t_sock = now()
            except OSError:
                pass
        if conn is None:
            try:
                conn = libvirt.open(d.uri)
                t_open = now()
            except libvirt.libvirtError:
                attempts += 1
                time.sleep(0.002)
                continue
        try:
            running = {x.name() for x in conn.listAllDomains(LIST_RUNNING)}
        except libvirt.libvirtError:
            running = set()
        if running.issuperset(names):
            t1 = now()
            break
        time.sleep(0.002)
    d.read_pid()
    c = d.cpu()
    d.conn = conn
    r = {"round": rnd, "ms": (t1 - t0) * 1e3, "open_ms": (t_open - t0) * 1e3,
         "socket_ms": (t_sock - t0) * 1e3 if t_sock else None,
         "failed_opens": attempts, "cpu_ticks": c[0], "child_cpu_ticks": c[1],
         "load": load}
    # the same QEMUs re-adopted, none restarted
    r["same_qemus"] = all(qpids[nm] and d.qemu_pid(nm) == qpids[nm]
                          and proc_alive(qpids[nm]) for nm in names)
    if isinstance(d, Qemud):
        with open(d.logfile) as f:
            f.seek(log_off)
            text = f.read()
        for line in text.split("\n"):
            if "QEMU driver ready in" in line:
                r["driver_ready_ms"] = float(line.split("ready in")[1].split()[0])
            if "probed in" in line:
                r["probe_ms"] = float(line.split("probed in")[1].split()[0])
    log("restart %s round %d: all %d running after %.0f ms" % (d.label, rnd + 1, n, r["ms"]))
    # a daemon that lists a domain before it has reconnected to its QEMU
    # may still lose it (libvirtd stops a domain whose reconnection fails)
    time.sleep(1.0)
    lost = []
    for nm in names:
        try:
            dom = conn.lookupByName(nm)
            if dom.state()[0] != RUNNING:
                lost.append(nm)
            dom.destroy()
        except libvirt.libvirtError:
            lost.append(nm)
    r["lost_after"] = lost
    if lost:
        log("restart %s round %d: %d of the guests listed running were gone or "
            "not running 1 s later: %s" % (d.label, rnd + 1, len(lost), " ".join(lost)))
    return r


def run_restart(args, daemons, disks, res):
    for rnd in range(args.restart_rounds):
        order = daemons if rnd % 2 == 0 else list(reversed(daemons))
        for d in order:
            res["restart"].setdefault(d.label, []).append(
                restart_round(args, d, disks, rnd))


# ---- main --------------------------------------------------------------------

def machine_info():
    model = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) // 1024
    return {"cpus": os.cpu_count(), "cpu_model": model, "mem_mib": mem,
            "kernel": platform.release(), "kvm": os.path.exists("/dev/kvm")}


def versions():
    def out(cmd):
        try:
            return subprocess.run(cmd, capture_output=True,
                                  text=True).stdout.strip()
        except OSError:
            return ""
    lv = out(["libvirtd", "--version"]).split()
    return {"libvirtd": lv[-1] if lv else "",
            "qemu": out(["qemu-system-x86_64", "--version"]).split("\n")[0]}


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--run", help="run directory (made by qemu.sh)")
    p.add_argument("--qemud", help="qemud binary")
    p.add_argument("--guests-dir", help="tests/guests/build.sh output")
    p.add_argument("--reps", type=int, default=20)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--guests", type=int, default=10, help="guests in the restart figure")
    p.add_argument("--restart-rounds", type=int, default=3)
    p.add_argument("--only", default="start,restart")
    p.add_argument("--no-libvirtd", action="store_true")
    p.add_argument("--out", default=os.path.join(HERE, "results"))
    p.add_argument("--meta", default="{}", help="JSON merged into meta")
    p.add_argument("--keep", action="store_true")
    p.add_argument("--cleanup", metavar="RUN", help="only clean up RUN and exit")
    return p.parse_args()


def main():
    global libvirt
    args = parse_args()
    if args.cleanup:
        if os.path.isdir(args.cleanup):
            cleanup(os.path.abspath(args.cleanup), keep=args.keep)
        return 0
    if not (args.run and args.qemud and args.guests_dir):
        sys.stderr.write("qemu_bench.py: --run, --qemud and --guests-dir are needed\n")
        return 2
    import libvirt as lv
    libvirt = lv
    libvirt.registerErrorHandler(lambda ctx, err: None, None)
    run = os.path.abspath(args.run)
    if " " in run:
        raise BenchError("run directory must not contain spaces")

    def on_signal(sig, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    only = set(args.only.split(","))
    disks = Disks(run, args.guests_dir)
    reaper = Reaper(run)
    qd = Qemud(run, reaper, args.qemud)
    lvd = None if args.no_libvirtd else Libvirtd(run, reaper)
    daemons = [qd] + ([lvd] if lvd else [])
    raw = RawQemu(run, disks)
    res = {"meta": {"date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                    "machine": machine_info(), "versions": versions(),
                    "reps": args.reps, "warmup": args.warmup,
                    "guests": args.guests, "restart_rounds": args.restart_rounds,
                    "clk_tck": CLK_TCK, "load_start": load_sample(run)},
           "start": {}, "destroy": {}, "restart": {}, "load": []}
    res["meta"].update(json.loads(args.meta))
    rc = 0
    try:
        log("starting qemud")
        qd.start()
        if lvd:
            log("starting libvirtd (private namespaces; the first start probes QEMU)")
            lvd.setup()
            lvd.start()
        if "start" in only:
            run_start_destroy(args, daemons, raw, disks, res)
        if "restart" in only:
            run_restart(args, daemons, disks, res)
    except KeyboardInterrupt:
        log("interrupted; cleaning up")
        rc = 130
    except BenchError as e:
        log("error: %s" % e)
        res["meta"]["error"] = str(e)
        rc = 1
    except Exception as e:          # noqa: BLE001 -- report what was measured
        import traceback
        traceback.print_exc()
        log("error: %s" % e)
        res["meta"]["error"] = "%s: %s" % (type(e).__name__, e)
        rc = 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        res["meta"]["load_end"] = load_sample(run)
        for d in daemons:
            if d.pid:
                c = d.cpu()
                res["meta"].setdefault("daemon_cpu_total_ticks", {})[d.label] = c[0]
        log("stopping daemons, killing guests, unmounting")
        cleanup(run, keep=args.keep, daemons=daemons, reaper=reaper)
        if args.keep:
            log("run directory kept: %s" % run)
    if rc == 130:
        return rc
    if res["start"] or res["restart"]:
        os.makedirs(args.out, exist_ok=True)
        summary = qemu_report.summarize(res)
        res["summary"] = summary
        jp = os.path.join(args.out, "qemu-latest.json")
        mp = os.path.join(args.out, "qemu-latest.md")
        with open(jp, "w") as f:
            json.dump(res, f, indent=1)
        md = qemu_report.markdown(res, summary)
        with open(mp, "w") as f:
            f.write(md)
        print(md)
        log("saved %s and %s" % (jp, mp))
    return rc


if __name__ == "__main__":
    sys.exit(main())
