"""Shared fixtures for qemud's integration tests.

Run with Debian's interpreter (the one python3-libvirt is built for):

    /usr/bin/python3 -m pytest tests/integration

Environment:
    QEMUD_BIN           daemon binary (default <repo>/build/qemud); if it does not
                        exist every test that needs the daemon FAILS.
    QEMUD_ORACLE_ONLY=1 run only the oracle half of the tests (libvirt's in-process
                        test:///default) and skip the qemud half: checks the test
                        scripts themselves while the daemon is not built yet.

The daemon is started lazily: a test's qemud handle starts the process the first
time the test asks for a socket path or URI, so differential tests first run (and
check) their script against the oracle, then against qemud.  Every started daemon is
stopped with SIGTERM at teardown and must exit 0 without sanitizer reports.
"""
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections import namedtuple
from pathlib import Path

import libvirt
import pytest

import rawclient

# python-libvirt prints every error to stderr by default; the tests inspect them
libvirt.registerErrorHandler(lambda ctx, err: None, None)

REPO = Path(__file__).resolve().parents[2]
QEMUD_BIN = Path(os.environ.get('QEMUD_BIN') or REPO / 'build' / 'qemud')
ORACLE_ONLY = os.environ.get('QEMUD_ORACLE_ONLY') == '1'
ORACLE_URI = 'test:///default'

START_TIMEOUT = 15.0      # generous: CI runs the daemon under ASan/UBSan
STOP_TIMEOUT = 10.0
SANITIZER_RE = re.compile(r'ERROR: \w*Sanitizer|WARNING: ThreadSanitizer|runtime error:')


def _conf_value(v):
    if isinstance(v, bool):
        return '1' if v else '0'
    if isinstance(v, int):
        return str(v)
    if isinstance(v, (list, tuple)):
        return '[' + ', '.join(_conf_value(x) for x in v) + ']'
    return '"%s"' % str(v).replace('\\', '\\\\').replace('"', '\\"')


class Qemud:
    """One qemud process on a private socket directory (started on first use)."""

    def __init__(self, conf=None, env=None):
        self.conf_extra = dict(conf or {})
        self.env = dict(env or {})          # extra environment (SASL_CONF_PATH...)
        self.proc = None
        self.dir = None
        self.failed = None
        self.lock = threading.Lock()        # tests may touch the handle from many threads

    # -- paths and URIs (each starts the daemon if needed)
    @property
    def sock(self):
        self.ensure()
        return os.path.join(self.dir, 's', 'libvirt-sock')

    @property
    def ro_sock(self):
        self.ensure()
        return os.path.join(self.dir, 's', 'libvirt-sock-ro')

    @property
    def admin_sock(self):
        self.ensure()
        return os.path.join(self.dir, 's', 'libvirt-admin-sock')

    @property
    def uri(self):
        return 'test+unix:///default?socket=' + self.sock

    @property
    def ro_uri(self):
        return 'test+unix:///default?socket=' + self.ro_sock

    @property
    def qemu_uri(self):
        return 'qemu+unix:///system?socket=' + self.sock

    @property
    def root(self):
        self.ensure()
        return os.path.join(self.dir, 'root')

    def restart(self, kill=False):
        """Stop the daemon (SIGTERM, or SIGKILL when @kill) and start it again
        on the same directories, as an administrator restarting it would."""
        with self.lock:
            if self.proc is not None and self.proc.poll() is None:
                if kill:
                    self.proc.kill()
                    self.proc.wait()
                else:
                    problems = self.stop()
                    assert not problems, '; '.join(problems) + '\n' + self.log_tail()
            self.proc = None
            self._start()

    @property
    def pidfile(self):
        self.ensure()
        return os.path.join(self.dir, 'qemud.pid')

    @property
    def log_path(self):
        return os.path.join(self.dir, 'qemud.log')

    def log(self):
        try:
            with open(self.log_path, errors='replace') as f:
                return f.read()
        except (OSError, TypeError):
            return ''

    def log_tail(self, n=60):
        lines = self.log().splitlines()
        return '\n'.join(lines[-n:]) or '(empty)'

    # -- life cycle
    def ensure(self):
        if self.proc is not None:
            return
        with self.lock:
            self._ensure_locked()

    def _ensure_locked(self):
        if self.proc is not None:
            return
        if ORACLE_ONLY:
            pytest.skip('QEMUD_ORACLE_ONLY=1: qemud half not run')
        if self.failed:
            pytest.fail(self.failed, pytrace=False)
        try:
            self._start()
        except BaseException:
            if self.proc is None and self.failed is None:
                self.failed = 'qemud failed to start (see the first error)'
            raise

    def _fail_start(self, why):
        self.failed = why
        pytest.fail(why, pytrace=False)

    def _start(self):
        if not QEMUD_BIN.is_file() or not os.access(QEMUD_BIN, os.X_OK):
            self._fail_start('qemud binary not found or not executable: %s '
                             '(build it, or point QEMUD_BIN at it)' % QEMUD_BIN)
        # UNIX socket paths must stay < 108 bytes: short dir under /tmp
        if self.dir is None:
            self.dir = tempfile.mkdtemp(prefix='qd', dir='/tmp')
            os.mkdir(os.path.join(self.dir, 's'))
            os.mkdir(os.path.join(self.dir, 'root'))
        conf = {'unix_sock_dir': os.path.join(self.dir, 's'),
                'root_dir': os.path.join(self.dir, 'root')}
        conf.update(self.conf_extra)
        conf_path = os.path.join(self.dir, 'qemud.conf')
        with open(conf_path, 'w') as f:
            for k, v in conf.items():
                f.write('%s = %s\n' % (k, _conf_value(v)))
        logf = open(self.log_path, 'ab')
        try:
            self.proc = subprocess.Popen(
                [str(QEMUD_BIN), '-f', conf_path, '-p', os.path.join(self.dir, 'qemud.pid')],
                stdin=subprocess.DEVNULL, stdout=logf, stderr=subprocess.STDOUT, cwd=self.dir,
                env=dict(os.environ, **self.env))
        finally:
            logf.close()
        sock = os.path.join(self.dir, 's', 'libvirt-sock')
        deadline = time.monotonic() + START_TIMEOUT
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self._fail_start('qemud exited with status %s during start-up; log:\n%s'
                                 % (self.proc.returncode, self.log_tail()))
            if os.path.exists(sock):
                try:
                    with rawclient.RawClient(sock, timeout=2) as c:
                        if c.auth_list():       # [0], or [1] with auth_unix_rw = sasl
                            return
                except (OSError, rawclient.Closed, AssertionError, ValueError) as ex:
                    last = ex
            time.sleep(0.02)
        self.stop()
        self._fail_start('qemud did not answer AUTH_LIST on %s within %.0f s (last error: %r); log:\n%s'
                         % (sock, START_TIMEOUT, last, self.log_tail()))

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def assert_alive(self):
        if self.proc is not None and self.proc.poll() is not None:
            pytest.fail('qemud died (status %s); log:\n%s' % (self.proc.returncode, self.log_tail()),
                        pytrace=False)

    def stop(self):
        """SIGTERM, wait, SIGKILL.  Returns a list of problems (empty = clean exit)."""
        if self.proc is None:
            return []
        problems = []
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                problems.append('qemud did not exit within %.0f s of SIGTERM (killed)' % STOP_TIMEOUT)
                self.proc.kill()
                self.proc.wait()
        rc = self.proc.returncode
        if rc != 0 and not problems:
            problems.append('qemud exited with status %s (expected 0)' % rc)
        if SANITIZER_RE.search(self.log()):
            problems.append('sanitizer report in qemud output')
        return problems

    def kill_guests(self):
        """Guests outlive qemud by design: kill the QEMUs this daemon left
        (a test that failed half-way), so none runs on after the test."""
        if not self.dir:
            return
        rundir = os.path.join(self.dir, 'root', 'run', 'qemu')
        try:
            names = os.listdir(rundir)
        except OSError:
            return
        for name in names:
            if not name.endswith('.pid'):
                continue
            try:
                with open(os.path.join(rundir, name)) as f:
                    pid = int(f.read().strip())
                with open('/proc/%d/cmdline' % pid, 'rb') as f:
                    if self.dir.encode() not in f.read():
                        continue
                os.kill(pid, signal.SIGKILL)
            except (OSError, ValueError):
                pass

    def cleanup(self):
        self.kill_guests()
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)

    def finish(self):
        """Fixture teardown: stop, check, clean up; fail the test on problems."""
        problems = self.stop()
        log = self.log_tail(200) if problems else ''
        self.cleanup()
        if problems and not self.failed:       # a start-up failure was reported already
            pytest.fail('; '.join(problems) + '\nqemud log:\n' + log, pytrace=False)


@pytest.fixture(scope='session')
def guests():
    """The test guests of tests/guests (boot.img, vmlinuz, initramfs.cpio.gz),
    built once per run."""
    out = tempfile.mkdtemp(prefix='qdguests')
    r = subprocess.run(['bash', str(REPO / 'tests' / 'guests' / 'build.sh'), out],
                       capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r.stdout + r.stderr
    for name in ('boot.img', 'vmlinuz', 'initramfs.cpio.gz'):
        assert os.path.getsize(os.path.join(out, name)) > 0, name
    yield out
    shutil.rmtree(out, ignore_errors=True)


@pytest.fixture
def qemud_factory():
    """Start extra daemons with extra config keys: qemud_factory(max_clients=2)."""
    daemons = []

    def make(env=None, **conf):
        d = Qemud(conf, env)
        daemons.append(d)
        return d

    yield make
    problems = []
    for d in daemons:
        try:
            d.finish()
        except pytest.fail.Exception as ex:
            problems.append(str(ex))
    if problems:
        pytest.fail('\n\n'.join(problems), pytrace=False)


@pytest.fixture
def qemud(qemud_factory):
    """A fresh daemon for this test (state-changing tests)."""
    return qemud_factory()


@pytest.fixture(scope='module')
def qemud_shared():
    """One daemon for a whole module of read-only tests."""
    d = Qemud()
    yield d
    d.finish()


def free_port():
    """A TCP port free on both 127.0.0.1 and ::1 right now."""
    import socket
    for _ in range(50):
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s6:
            s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            s6.bind(('::1', 0))
            port = s6.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s4:
                try:
                    s4.bind(('127.0.0.1', port))
                except OSError:
                    continue
            return port
    raise RuntimeError('no free TCP port')


# ------------------------------------------------------------------ virt-admin
def admin_kv(out):
    """'name   : value' lines -> dict (the threadpool/clients/client-info layouts)."""
    return dict((k.strip(), v.strip()) for k, v in
                (line.split(':', 1) for line in out.splitlines() if ':' in line))


def admin_run(qemud, *args):
    """virt-admin ARGS against @qemud's admin socket; its stdout (must succeed)."""
    return subprocess.run(['virt-admin', '-c', 'virtd:///system?socket=' + qemud.admin_sock]
                          + list(args), capture_output=True, text=True, timeout=30,
                          env=client_env('/tmp'), check=True, stdin=subprocess.DEVNULL).stdout


def admin_clients(qemud):
    """{id: client-info fields + 'transport'} for the "libvirtd" server's clients."""
    infos = {}
    for line in admin_run(qemud, 'srv-clients-list', 'libvirtd').splitlines()[2:]:
        if not line.strip():
            continue
        cid, transport = line.split()[:2]
        try:
            info = admin_kv(admin_run(qemud, 'client-info', 'libvirtd', cid))
        except subprocess.CalledProcessError:
            continue                    # gone in between
        infos[cid] = dict(info, transport=transport)
    return infos


# ------------------------------------------------------------------ virsh
Result = namedtuple('Result', 'rc out err')


@pytest.fixture(scope='session')
def client_home():
    """Private HOME/XDG dirs so no user libvirt config (URI aliases...) leaks in."""
    d = tempfile.mkdtemp(prefix='qdh', dir='/tmp')
    yield d
    shutil.rmtree(d, ignore_errors=True)


def client_env(home):
    env = dict(os.environ, LC_ALL='C', LANG='C', HOME=home,
               XDG_CONFIG_HOME=os.path.join(home, 'config'),
               XDG_CACHE_HOME=os.path.join(home, 'cache'),
               XDG_RUNTIME_DIR=os.path.join(home, 'run'))
    for k in ('LIBVIRT_DEFAULT_URI', 'VIRSH_DEFAULT_CONNECT_URI', 'LIBVIRT_DEBUG', 'LIBVIRT_LOG_OUTPUTS'):
        env.pop(k, None)
    return env


@pytest.fixture(scope='session')
def virsh(client_home):
    """virsh(uri, script, readonly=False) -> Result(rc, out, err); one process per script."""
    env = client_env(client_home)

    def run(uri, script, readonly=False, timeout=60):
        args = ['virsh'] + (['-r'] if readonly else []) + ['-c', uri, script]
        p = subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=env,
                           stdin=subprocess.DEVNULL)
        return Result(p.returncode, p.stdout, p.stderr)

    return run


_ID_ROW = re.compile(r'^( *)(\d+)( +\S)', re.M)


def normalise(text, qemud=None, ids=False):
    """Erase what legitimately differs between qemud and the in-process oracle."""
    if qemud is not None and qemud.proc is not None:
        for uri in (qemud.uri, qemud.ro_uri):
            text = text.replace(uri, ORACLE_URI)
    text = re.sub(r'^(Running against daemon: ).*$', r'\1<version>', text, flags=re.M)
    text = re.sub(r'^(CPU time: +).*$', r'\1<time>', text, flags=re.M)
    text = re.sub(r'^( *cpu\.(?:time|user|system)=)\d+$', r'\1<time>', text, flags=re.M)
    if ids:
        # IDs of newly started domains: list rows, dominfo, dumpxml; the width of
        # the Id column follows the IDs, so spacing in table lines is collapsed too
        text = _ID_ROW.sub(r'\1<id>\3', text)
        text = re.sub(r'^(Id: +)\d+$', r'\1<id>', text, flags=re.M)
        text = re.sub(r"^(<domain type='\w+') id='\d+'>", r"\1 id='<id>'>", text, flags=re.M)
        text = re.sub(r'^-{4,}$', '----', text, flags=re.M)
        text = re.sub(r'^( Id +Name.*| *(?:<id>|-) {2,}\S.*)$',
                      lambda m: re.sub(' {2,}', '  ', m.group(1)), text, flags=re.M)
    return text


@pytest.fixture(scope='session')
def differential(virsh):
    """differential(qemud, script, ...) -> (ours, theirs).

    Runs @script in one virsh process against libvirt's in-process test:///default
    (the oracle), checks the oracle result against the expectations given (so the
    script is known to do what the test means), then runs it against @qemud and
    compares exit code, stdout and stderr after normalise().
    """

    def check(qemud, script, *, ids=False, readonly=False, rc=None, out=(), err=(), no_err=False):
        theirs = virsh(ORACLE_URI, script, readonly=readonly)
        where = 'oracle (virsh%s -c %s %r)' % (' -r' if readonly else '', ORACLE_URI, script)
        if rc is not None:
            assert theirs.rc == rc, '%s: exit %d\n%s' % (where, theirs.rc, theirs.err)
        for s in (out,) if isinstance(out, str) else out:
            assert s in theirs.out, '%s: %r not in stdout:\n%s' % (where, s, theirs.out)
        for s in (err,) if isinstance(err, str) else err:
            assert s in theirs.err, '%s: %r not in stderr:\n%s' % (where, s, theirs.err)
        if no_err:
            assert theirs.err == '', '%s: unexpected stderr:\n%s' % (where, theirs.err)

        ours = virsh(qemud.ro_uri if readonly else qemud.uri, script, readonly=readonly)
        qemud.assert_alive()
        n_ours = Result(ours.rc, normalise(ours.out, qemud, ids), normalise(ours.err, qemud, ids))
        n_theirs = Result(theirs.rc, normalise(theirs.out, qemud, ids), normalise(theirs.err, qemud, ids))
        assert n_ours.out == n_theirs.out, 'stdout differs (left: qemud, right: libvirt)'
        assert n_ours.err == n_theirs.err, 'stderr differs (left: qemud, right: libvirt)'
        assert n_ours.rc == n_theirs.rc, 'exit code differs (left: qemud, right: libvirt)'
        return ours, theirs

    return check


# ------------------------------------------------------------------ XML inputs
TDOM_UUID = '5f6c1a2b-3d4e-4f50-8a61-7b8c9d0e1f21'

DOMAIN_XML = """<domain type='test'>
  <name>{name}</name>
  <uuid>{uuid}</uuid>
  <memory unit='MiB'>512</memory>
  <currentMemory unit='MiB'>512</currentMemory>
  <vcpu current='1'>2</vcpu>
  <os><type>hvm</type></os>
</domain>
"""

NETWORK_XML = """<network>
  <name>tnet</name>
  <uuid>8a1b2c3d-4e5f-4061-9273-8495a6b7c8d9</uuid>
  <bridge name='tbr0'/>
  <forward mode='nat'/>
  <ip address='192.168.150.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='192.168.150.2' end='192.168.150.254'/>
    </dhcp>
  </ip>
</network>
"""

POOL_XML = """<pool type='dir'>
  <name>xpool</name>
  <uuid>9b2c3d4e-5f60-4172-8384-95a6b7c8d9e0</uuid>
  <target>
    <path>{dir}/xpool</path>
  </target>
</pool>
"""


def domain_xml(name, uuid):
    return DOMAIN_XML.format(name=name, uuid=uuid)


@pytest.fixture(scope='session')
def xmldir():
    """Directory with the XML files the virsh scripts use (short, fixed-per-run path)."""
    d = tempfile.mkdtemp(prefix='qdx', dir='/tmp')
    files = {
        'tdom.xml': domain_xml('tdom', TDOM_UUID),
        'tdom2.xml': domain_xml('tdom2', '6f6c1a2b-3d4e-4f50-8a61-7b8c9d0e1f21'),
        'tran.xml': domain_xml('tran', '7f6c1a2b-3d4e-4f50-8a61-7b8c9d0e1f21'),
        # same name, other UUID: redefining over a running tdom must fail
        'tdom-otheruuid.xml': domain_xml('tdom', '9f6c1a2b-3d4e-4f50-8a61-7b8c9d0e1f21'),
        # clashes with the built-in "test" domain
        'test-otheruuid.xml': domain_xml('test', 'af6c1a2b-3d4e-4f50-8a61-7b8c9d0e1f21'),
        'bad.xml': "<domain type='test'><name>bad</name>\n<memory>1024</memory",
        'junk.xml': 'this is not xml at all',
        'net.xml': NETWORK_XML,
        'pool.xml': POOL_XML.format(dir=d),
    }
    for name, text in files.items():
        with open(os.path.join(d, name), 'w') as f:
            f.write(text)
    yield d
    shutil.rmtree(d, ignore_errors=True)
