"""The QEMU driver (issue #5) with real QEMU guests under TCG.

Guests come from tests/guests (the `guests` fixture builds them): the
boot-sector guest prints QEMUD-GUEST-READY on COM1 and echoes what it reads;
the Linux guest (Debian kernel + busybox initramfs) prints QEMUD-LINUX-READY,
keeps a shell on ttyS0 and powers off on the ACPI power button.

Everything goes through real clients: virsh and python3-libvirt on
qemu+unix:///system?socket=... of a private qemud (root_dir in a temp dir).
"""
import os
import pty
import select
import signal
import subprocess
import threading
import time
import uuid

import libvirt
import pytest

from conftest import client_env
from test_events import Collector, event_loop  # noqa: F401  (fixture)

BOOT_MARKER = b'QEMUD-GUEST-READY'
LINUX_MARKER = b'QEMUD-LINUX-READY'

# virDomainState
RUNNING, PAUSED, SHUTDOWN_ST, SHUTOFF = 1, 3, 4, 5
# virDomainEventType and details
DEFINED, UNDEFINED, STARTED, SUSPENDED, RESUMED, STOPPED, SHUTDOWN = 0, 1, 2, 3, 4, 5, 6
EV_SHUTDOWN_DONE, EV_DESTROYED, EV_FAILED = 0, 1, 5


def boot_img(guests, name):
    """A private copy of the boot sector: QEMU locks its disk images."""
    path = os.path.join(guests, 'disk-%s.img' % name)
    if not os.path.exists(path):
        with open(os.path.join(guests, 'boot.img'), 'rb') as src, open(path, 'wb') as dst:
            dst.write(src.read())
    return path


def boot_xml(guests, name='bs', uid=None, extra='', machine='pc', dtype='qemu'):
    return """<domain type='%s'>
  <name>%s</name>
  <uuid>%s</uuid>
  <memory unit='MiB'>32</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='%s'>hvm</type>
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
    %s
  </devices>
</domain>
""" % (dtype, name, uid or str(uuid.uuid4()), machine, boot_img(guests, name), extra)


def linux_xml(guests, name='lx', lifecycle=''):
    return """<domain type='qemu'>
  <name>%s</name>
  %s
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>%s</kernel>
    <initrd>%s</initrd>
    <cmdline>console=ttyS0 panic=-1 quiet</cmdline>
  </os>
  <features><acpi/></features>
  <devices>
    <serial type='pty'/>
    <console type='pty'/>
    <memballoon model='none'/>
  </devices>
</domain>
""" % (name, lifecycle, os.path.join(guests, 'vmlinuz'), os.path.join(guests, 'initramfs.cpio.gz'))


@pytest.fixture
def qd(qemud_factory):
    return qemud_factory()


def connect(qd):
    return libvirt.open(qd.qemu_uri)


class Console:
    """A console stream read by a thread into a buffer."""

    def __init__(self, conn, dom, force=False):
        self.st = conn.newStream(0)
        dom.openConsole(None, self.st, libvirt.VIR_DOMAIN_CONSOLE_FORCE if force else 0)
        self.buf = b''
        self.err = None
        self.cond = threading.Condition()
        self.t = threading.Thread(target=self._read, daemon=True)
        self.t.start()

    def _read(self):
        try:
            while True:
                data = self.st.recv(4096)
                if not data or isinstance(data, int):
                    break
                with self.cond:
                    self.buf += data
                    self.cond.notify_all()
        except libvirt.libvirtError as ex:
            self.err = ex
        with self.cond:
            self.cond.notify_all()

    def expect(self, needle, timeout=30):
        deadline = time.monotonic() + timeout
        with self.cond:
            while needle not in self.buf:
                left = deadline - time.monotonic()
                assert left > 0, 'no %r on the console; got %r (err %r)' % (needle, self.buf[-300:], self.err)
                self.cond.wait(left)
        return self.buf

    def send(self, data):
        self.st.send(data)

    def close(self):
        try:
            self.st.finish()
        except libvirt.libvirtError:
            pass


def wait_state(dom, want, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        st = dom.state()[0]
        if st == want:
            return
        assert time.monotonic() < deadline, 'state %d, wanted %d' % (st, want)
        time.sleep(0.05)


def pid_alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def qemu_pid(qd, name):
    with open(os.path.join(qd.root, 'run', 'qemu', name + '.pid')) as f:
        return int(f.read().strip())


# ------------------------------------------------------------------ virsh

def test_virsh_lifecycle(qd, guests, virsh, tmp_path):
    xml = tmp_path / 'bs.xml'
    xml.write_text(boot_xml(guests))
    u = qd.qemu_uri
    r = virsh(u, 'define %s' % xml)
    assert r.rc == 0 and 'Domain \'bs\' defined' in r.out, r
    assert os.path.exists(os.path.join(qd.root, 'etc', 'qemu', 'bs.xml'))
    r = virsh(u, 'start bs; domstate bs; list')
    assert r.rc == 0, r
    assert "Domain 'bs' started" in r.out and '\nrunning\n' in r.out, r.out
    assert ' bs ' in r.out and 'running' in r.out
    for ext in ('xml', 'pid', 'monitor'):
        assert os.path.exists(os.path.join(qd.root, 'run', 'qemu', 'bs.' + ext)), ext
    pid = qemu_pid(qd, 'bs')
    assert pid_alive(pid)
    r = virsh(u, 'suspend bs; domstate --reason bs; resume bs; domstate --reason bs; dominfo bs')
    assert r.rc == 0, r
    assert 'paused (user)' in r.out and 'running (unpaused)' in r.out, r.out
    assert 'State:          running' in r.out and 'CPU time:' in r.out, r.out
    r = virsh(u, 'dumpxml bs')
    assert "<domain type='qemu' id=" in r.out and "/dev/pts/" in r.out, r.out
    r = virsh(u, 'destroy bs; domstate --reason bs')
    assert r.rc == 0 and 'shut off (destroyed)' in r.out, r
    assert not pid_alive(pid) or open('/proc/%d/stat' % pid).read().split()[2] == 'Z'
    assert not os.path.exists(os.path.join(qd.root, 'run', 'qemu', 'bs.xml'))
    r = virsh(u, 'undefine bs; list --all')
    assert r.rc == 0 and ' bs ' not in r.out, r
    assert not os.path.exists(os.path.join(qd.root, 'etc', 'qemu', 'bs.xml'))
    qd.assert_alive()


def test_virsh_errors(qd, guests, virsh, tmp_path):
    u = qd.qemu_uri
    good = tmp_path / 'g.xml'
    good.write_text(boot_xml(guests, name='g1', uid='11111111-2222-3333-4444-555555555555'))
    assert virsh(u, 'define %s' % good).rc == 0
    # a stopped domain: destroy / suspend refused
    r = virsh(u, 'destroy g1')
    assert r.rc == 1 and 'Requested operation is not valid: domain is not running' in r.err, r
    # the same name with another uuid
    dup = tmp_path / 'dup.xml'
    dup.write_text(boot_xml(guests, name='g1'))
    r = virsh(u, 'define %s' % dup)
    assert r.rc == 1 and "domain 'g1' already exists with uuid 11111111-2222-3333-4444-555555555555" in r.err, r
    # unknown machine type
    bad = tmp_path / 'm.xml'
    bad.write_text(boot_xml(guests, name='m1', machine='nosuchmachine'))
    r = virsh(u, 'define %s' % bad)
    assert r.rc == 1 and "does not support machine type 'nosuchmachine'" in r.err, r
    # a disk that does not exist: start fails, nothing left behind
    miss = tmp_path / 'miss.xml'
    miss.write_text(boot_xml(guests, name='m2').replace(boot_img(guests, 'm2'), '/nonexistent/disk.img'))
    assert virsh(u, 'define %s' % miss).rc == 0
    r = virsh(u, 'start m2')
    assert r.rc == 1 and "Cannot access storage file '/nonexistent/disk.img'" in r.err, r
    assert not os.path.exists(os.path.join(qd.root, 'run', 'qemu', 'm2.pid'))
    # a missing kernel
    lx = tmp_path / 'lx.xml'
    lx.write_text(linux_xml(guests, 'k1').replace(os.path.join(guests, 'vmlinuz'), '/nonexistent/vmlinuz'))
    assert virsh(u, 'define %s' % lx).rc == 0
    r = virsh(u, 'start k1')
    assert r.rc == 1 and '/nonexistent/vmlinuz' in r.err, r
    # kvm is refused with the reason when it does not work here
    if not os.path.exists('/dev/kvm'):
        kx = tmp_path / 'kvm.xml'
        kx.write_text(boot_xml(guests, name='kv', dtype='kvm'))
        r = virsh(u, 'create %s' % kx)
        assert r.rc == 1 and 'kvm' in r.err and '/dev/kvm' in r.err, r
    # QEMU that exits during start: an invalid device option; the error quotes QEMU
    ex = tmp_path / 'ex.xml'
    ex.write_text(boot_xml(guests, name='ex', extra="<rng model='virtio'><backend model='random'>/nonexistent/rng</backend></rng>"))
    r = virsh(u, 'create %s' % ex)
    assert r.rc == 1 and 'error:' in r.err, r
    assert 'nonexistent/rng' in r.err, r.err
    assert not os.path.exists(os.path.join(qd.root, 'run', 'qemu', 'ex.pid'))
    r = virsh(u, 'list --all --name')
    assert 'ex' not in r.out.split(), r.out
    # start of a running domain
    assert virsh(u, 'start g1').rc == 0
    r = virsh(u, 'start g1')            # virsh itself checks first
    assert r.rc == 1 and 'Domain is already active' in r.err, r
    conn = libvirt.open(u)
    with pytest.raises(libvirt.libvirtError) as ei:
        conn.lookupByName('g1').create()
    assert 'Requested operation is not valid: domain is already running' in str(ei.value)
    conn.close()
    assert virsh(u, 'destroy g1').rc == 0
    qd.assert_alive()
    out = subprocess.run(['pgrep', '-f', 'guest=ex,'], capture_output=True, text=True).stdout
    assert out.strip() == '', 'leaked QEMU: ' + out


# ------------------------------------------------------------------ python + events

def test_python_lifecycle_events_console(qd, guests, event_loop):  # noqa: F811
    conn = connect(qd)
    ev = Collector()
    cb = conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                     lambda c, d, e, det, o: ev.add((d.name(), e, det)), None)
    dom = conn.defineXML(boot_xml(guests, name='py'))
    dom.create()
    assert dom.isActive() and dom.state()[0] == RUNNING
    con = Console(conn, dom)
    try:
        # the guest may have printed its marker before we attached: the echo
        # proves the round trip either way
        con.send(b'ping-qemud')
        con.expect(b'ping-qemud')
    finally:
        con.close()
    dom.suspend()
    assert dom.state() == [PAUSED, 1]
    dom.resume()
    assert dom.state()[0] == RUNNING
    info = dom.info()
    assert info[0] == RUNNING and info[1] == 32768 and info[3] == 1 and info[4] > 0
    dom.destroy()
    assert dom.state()[0] == SHUTOFF
    dom.undefine()
    want = [('py', DEFINED, 0), ('py', STARTED, 0), ('py', SUSPENDED, 0),
            ('py', RESUMED, 0), ('py', STOPPED, EV_DESTROYED), ('py', UNDEFINED, 0)]
    got = ev.settle(len(want))
    assert got == want
    conn.domainEventDeregisterAny(cb)
    conn.close()


def test_console_force_rule(qd, guests):
    conn = connect(qd)
    dom = conn.createXML(boot_xml(guests, name='cf'), 0)
    first = Console(conn, dom)
    with pytest.raises(libvirt.libvirtError) as ei:
        Console(conn, dom)
    assert 'Active console session exists for this domain' in str(ei.value)
    second = Console(conn, dom, force=True)
    second.send(b'xyz')
    second.expect(b'xyz')
    first.t.join(10)
    assert not first.t.is_alive(), 'the old console session was not ended'
    second.close()
    dom.destroy()
    conn.close()


def test_killed_from_outside(qd, guests, event_loop):  # noqa: F811
    conn = connect(qd)
    ev = Collector()
    conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                lambda c, d, e, det, o: ev.add((d.name(), e, det)), None)
    dom = conn.defineXML(boot_xml(guests, name='ko'))
    dom.create()
    pid = qemu_pid(qd, 'ko')
    os.kill(pid, signal.SIGKILL)
    wait_state(dom, SHUTOFF)
    assert dom.state() == [SHUTOFF, 3]          # crashed
    got = ev.wait_for(3)
    assert got[-1] == ('ko', STOPPED, EV_FAILED), got
    assert not os.path.exists(os.path.join(qd.root, 'run', 'qemu', 'ko.xml'))
    # and it starts again
    dom.create()
    dom.destroy()
    conn.close()


def test_stuck_qemu_does_not_block_others(qd, guests):
    conn = connect(qd)
    a = conn.createXML(boot_xml(guests, name='st1'), 0)
    b = conn.createXML(boot_xml(guests, name='st2'), 0)
    pid = qemu_pid(qd, 'st1')
    os.kill(pid, signal.SIGSTOP)            # st1's monitor stops answering
    try:
        t = threading.Thread(target=lambda: _ignore(a.suspend), daemon=True)
        t.start()
        time.sleep(0.3)
        assert t.is_alive(), 'suspend of a stopped QEMU returned at once'
        # everything else is answered while st1's suspend still waits for
        # its monitor (which only gives up after its 30 s command timeout)
        assert a.info()[0] in (RUNNING, PAUSED)       # queries do not wait for the job
        assert a.state()[0] in (RUNNING, PAUSED)
        b.suspend()
        b.resume()
        names = [d.name() for d in conn.listAllDomains()]
        assert 'st1' in names and 'st2' in names
        assert t.is_alive(), 'the other calls waited for the stuck one'
    finally:
        os.kill(pid, signal.SIGCONT)
    a.destroy()
    b.destroy()
    conn.close()


def _ignore(fn):
    try:
        fn()
    except libvirt.libvirtError:
        pass


def test_monitor_command_and_screenshot(qd, guests, virsh, tmp_path):
    xml = tmp_path / 'sc.xml'
    xml.write_text(boot_xml(guests, name='sc', extra="<video><model type='vga'/></video>"))
    u = qd.qemu_uri
    assert virsh(u, 'create %s' % xml).rc == 0
    r = virsh(u, """qemu-monitor-command sc '{"execute":"query-status"}'""")
    assert r.rc == 0 and '"status":"running"' in r.out, r
    r = virsh(u, "qemu-monitor-command --hmp sc 'info status'")
    assert r.rc == 0 and 'VM status: running' in r.out, r
    r = virsh(u, """qemu-monitor-command sc '{"execute":"no-such-command"}'""")
    assert r.rc == 0 and 'CommandNotFound' in r.out, r      # QMP errors are passed through
    png = tmp_path / 'shot.png'
    r = virsh(u, 'screenshot sc %s' % png)
    assert r.rc == 0 and 'image/png' in r.out, r
    data = png.read_bytes()
    assert data[:8] == b'\x89PNG\r\n\x1a\n' and len(data) > 100
    # no video device: a clear error
    assert virsh(u, 'destroy sc').rc == 0
    xml.write_text(boot_xml(guests, name='sc'))
    assert virsh(u, 'create %s' % xml).rc == 0
    r = virsh(u, 'screenshot sc %s' % png)
    assert r.rc == 1 and 'no screens to take screenshot from' in r.err, r
    assert virsh(u, 'destroy sc').rc == 0


# ------------------------------------------------------------------ restarts

def test_guest_survives_daemon_restart(qd, guests):
    conn = connect(qd)
    dom = conn.defineXML(boot_xml(guests, name='rs'))
    dom.create()
    t = conn.createXML(boot_xml(guests, name='rt'), 0)
    pid, tpid = qemu_pid(qd, 'rs'), qemu_pid(qd, 'rt')
    conn.close()
    qd.restart()
    assert pid_alive(pid) and pid_alive(tpid), 'stopping qemud stopped a guest'
    conn = connect(qd)
    dom = conn.lookupByName('rs')
    assert dom.state()[0] == RUNNING and dom.isPersistent()
    t = conn.lookupByName('rt')
    assert t.state()[0] == RUNNING and not t.isPersistent()
    con = Console(conn, dom)
    con.send(b'after-restart')
    con.expect(b'after-restart')
    con.close()
    # the re-adopted QEMU is still watched: killing it is noticed
    os.kill(tpid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while 'rt' in [d.name() for d in conn.listAllDomains()]:
        assert time.monotonic() < deadline, 'transient domain not gone after its QEMU died'
        time.sleep(0.05)
    dom.destroy()
    assert not pid_alive(pid) or open('/proc/%d/stat' % pid).read().split()[2] == 'Z'
    conn.close()


def test_config_survives_kill9_during_define(qd, guests):
    conn = connect(qd)
    done = []
    stop = threading.Event()

    def definer():
        i = 0
        c = connect(qd)
        while not stop.is_set():
            try:
                c.defineXML(boot_xml(guests, name='k%d' % i))
                done.append('k%d' % i)
            except libvirt.libvirtError:
                break
            i += 1

    th = threading.Thread(target=definer, daemon=True)
    th.start()
    time.sleep(1.0)
    qd.restart(kill=True)
    stop.set()
    th.join(10)
    assert len(done) > 3
    cfgdir = os.path.join(qd.root, 'etc', 'qemu')
    leftovers = [f for f in os.listdir(cfgdir) if not f.endswith('.xml') and f != 'autostart']
    conn = connect(qd)
    names = {d.name() for d in conn.listAllDomains()}
    for n in done:
        assert n in names, '%s was defined but is lost' % n
    # every config on disk is whole (the daemon loaded all of them)
    on_disk = {f[:-4] for f in os.listdir(cfgdir) if f.endswith('.xml')}
    assert on_disk <= names, on_disk - names
    assert all('.new.' in f for f in leftovers), leftovers
    conn.close()


def test_autostart(qd, guests, virsh, tmp_path):
    xml = tmp_path / 'a.xml'
    xml.write_text(boot_xml(guests, name='au'))
    u = qd.qemu_uri
    assert virsh(u, 'define %s' % xml).rc == 0
    r = virsh(u, 'autostart au; dominfo au')
    assert r.rc == 0 and 'Autostart:      enable' in r.out, r
    assert os.path.islink(os.path.join(qd.root, 'etc', 'qemu', 'autostart', 'au.xml'))
    qd.restart()
    r = virsh(u, 'domstate au')
    deadline = time.monotonic() + 20
    while 'running' not in r.out and time.monotonic() < deadline:
        time.sleep(0.1)
        r = virsh(u, 'domstate au')
    assert 'running' in r.out, r
    assert virsh(u, 'destroy au; autostart --disable au; undefine au').rc == 0


# ------------------------------------------------------------------ Linux guest

class Linux:
    """The shared Linux guest: its daemon, connection, domain and console."""


@pytest.fixture(scope='module')
def linux(qemud_module, guests):
    lx = Linux()
    lx.qd = qemud_module
    lx.conn = libvirt.open(qemud_module.qemu_uri)
    lx.dom = lx.conn.defineXML(linux_xml(guests))
    lx.dom.create()
    lx.con = Console(lx.conn, lx.dom)
    lx.con.expect(LINUX_MARKER, timeout=120)
    yield lx
    lx.con.close()
    if lx.dom.isActive():
        lx.dom.destroy()
    lx.conn.close()


@pytest.fixture(scope='module')
def qemud_module():
    from conftest import Qemud
    d = Qemud()
    yield d
    d.finish()


def test_linux_shell_over_console(linux):
    linux.con.send(b'echo qemud-$((6*7))\n')
    linux.con.expect(b'qemud-42', timeout=30)


def test_linux_virsh_console(linux, client_home):
    linux.con.close()       # one console session at a time
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe('virsh', ['virsh', '-c', linux.qd.qemu_uri, 'console', '--force', 'lx'],
                   client_env(client_home))
    out = b''
    try:
        deadline = time.monotonic() + 30
        sent = False
        while b'qemud-99' not in out:
            assert time.monotonic() < deadline, out
            r, _, _ = select.select([fd], [], [], 0.5)
            if r:
                try:
                    out += os.read(fd, 4096)
                except OSError:
                    break
            if not sent and b'Escape character' in out:
                time.sleep(0.3)
                os.write(fd, b'echo qemud-$((9*11))\r')
                sent = True
        assert b'qemud-99' in out
    finally:
        os.write(fd, b'\x1d')               # ^] ends virsh console
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass
        os.close(fd)
    linux.con = Console(linux.conn, linux.dom, force=True)


def test_linux_reboot_and_acpi_shutdown(linux, event_loop):  # noqa: F811
    dom, con = linux.dom, linux.con
    c2 = libvirt.open(linux.qd.qemu_uri)
    ev = Collector()
    c2.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                              lambda c, d, e, det, o: ev.add((d.name(), e, det)), None)
    reboots = Collector()
    c2.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_REBOOT,
                              lambda c, d, o: reboots.add(d.name()), None)
    n = con.buf.count(LINUX_MARKER)
    dom.reboot(0)
    deadline = time.monotonic() + 120
    while con.buf.count(LINUX_MARKER) <= n:
        assert time.monotonic() < deadline, 'no second boot after reboot: %r' % con.buf[-400:]
        time.sleep(0.2)
    assert dom.state()[0] == RUNNING
    got = reboots.wait_for(1)
    assert got and set(got) == {'lx'}, 'no reboot event: %r' % got
    assert ('lx', STOPPED, EV_SHUTDOWN_DONE) not in ev.snapshot()
    dom.shutdown()
    wait_state(dom, SHUTOFF, timeout=60)
    assert dom.state() == [SHUTOFF, 1]          # shutdown
    deadline = time.monotonic() + 5
    while ('lx', STOPPED, EV_SHUTDOWN_DONE) not in ev.snapshot():
        assert time.monotonic() < deadline, ev.snapshot()
        time.sleep(0.05)
    assert ('lx', SHUTDOWN, 1) in ev.snapshot(), ev.snapshot()      # by the guest
    c2.close()


def test_linux_on_poweroff_restart(qemud_module, guests, event_loop):  # noqa: F811
    conn = libvirt.open(qemud_module.qemu_uri)
    ev = Collector()
    conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                lambda c, d, e, det, o: ev.add((d.name(), e, det)), None)
    dom = conn.defineXML(linux_xml(guests, 'lr', '<on_poweroff>restart</on_poweroff>'))
    dom.create()
    con = Console(conn, dom)
    con.expect(LINUX_MARKER, timeout=120)
    dom.shutdown()
    deadline = time.monotonic() + 120
    while ('lr', STARTED, 0) not in ev.snapshot()[2:]:
        assert time.monotonic() < deadline, ev.snapshot()
        time.sleep(0.1)
    got = ev.snapshot()
    i = got.index(('lr', STOPPED, EV_SHUTDOWN_DONE))
    assert ('lr', STARTED, 0) in got[i:], got
    assert dom.state()[0] == RUNNING
    con.close()
    dom.destroy()
    dom.undefine()
    conn.close()


# ------------------------------------------------------------------ virt-install

def test_virt_install_import(qd, guests, client_home):
    if not os.path.exists('/usr/bin/virt-install'):
        pytest.fail('virt-install is not installed (package virtinst)')
    r = subprocess.run(
        ['virt-install', '--connect', qd.qemu_uri, '--import', '--name', 'vi',
         '--memory', '256', '--vcpus', '1', '--virt-type', 'qemu',
         '--boot', 'kernel=%s,initrd=%s,kernel_args=console=ttyS0' % (
             os.path.join(guests, 'vmlinuz'), os.path.join(guests, 'initramfs.cpio.gz')),
         '--disk', 'none', '--network', 'none', '--graphics', 'none',
         '--osinfo', 'detect=on,require=off', '--noautoconsole'],
        capture_output=True, text=True, timeout=180, env=client_env(client_home))
    assert r.returncode == 0, r.stdout + r.stderr
    conn = connect(qd)
    dom = conn.lookupByName('vi')
    assert dom.state()[0] == RUNNING
    dom.destroy()
    dom.undefine()
    conn.close()
