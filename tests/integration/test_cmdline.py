"""The command line and configuration contract (issue: core, part 2):
-f/-p/-d/-v/-V/-h, start-up errors that name file, line and key, root_dir
layout, SIGHUP log reopening and the daemon-mode life cycle."""
import os
import shutil
import signal
import subprocess
import tempfile
import time

import pytest

import rawclient
from conftest import QEMUD_BIN, SANITIZER_RE


@pytest.fixture
def tmpdir_short():
    d = tempfile.mkdtemp(prefix='qc')
    yield d
    shutil.rmtree(d, ignore_errors=True)


def run_qemud(*args, timeout=10):
    return subprocess.run([str(QEMUD_BIN)] + list(args), capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def write_conf(d, text):
    path = os.path.join(d, 'qemud.conf')
    with open(path, 'w') as f:
        f.write(text)
    return path


def wait_for(pred, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.05)
    return False


def test_version_and_help():
    r = run_qemud('-V')
    assert r.returncode == 0 and r.stdout.startswith('qemud '), r
    r = run_qemud('--version')
    assert r.returncode == 0 and r.stdout.startswith('qemud '), r
    r = run_qemud('-h')
    assert r.returncode == 0, r
    for opt in ('--config', '--pid-file', '--daemon', '--verbose', '--version', '--help'):
        assert opt in r.stdout, (opt, r.stdout)
    r = run_qemud('--no-such-option')
    assert r.returncode != 0 and 'Usage' in r.stderr, r


@pytest.mark.parametrize('text,needle', [
    ('max_clients = 10\nbogus_key = 1\n', ':2: unknown key \'bogus_key\''),
    ('max_clients = "many"\n', ":1: key 'max_clients' expects an integer"),
    ('\n\nauth_unix_rw = "bogus"\n', ":3: bad value for 'auth_unix_rw'"),
    ('unix_sock_rw_perms = "0999"\n', ":1: bad value for 'unix_sock_rw_perms'"),
    ('listen_addr = [ "a" ]\n', ":1: key 'listen_addr' expects a string"),
    ('max_workers = \n', ':1:'),
])
def test_config_errors_name_file_line_key(tmpdir_short, text, needle):
    conf = write_conf(tmpdir_short, text + 'unix_sock_dir = "%s/s"\n' % tmpdir_short)
    r = run_qemud('-f', conf)
    assert r.returncode == 1, r
    assert conf + needle in r.stderr, r.stderr
    assert not os.path.exists(os.path.join(tmpdir_short, 's', 'libvirt-sock'))


def test_libvirtd_keys_accepted_and_unimplemented_logged_once(tmpdir_short):
    conf = write_conf(tmpdir_short,
                      'unix_sock_dir = "%s/s"\nroot_dir = "%s/r"\n'
                      'audit_level = 2\naudit_logging = 1\nhost_uuid = "00000000-0000-0000-0000-000000000001"\n'
                      'log_outputs = "3:stderr"\n' % (tmpdir_short, tmpdir_short))
    p = subprocess.Popen([str(QEMUD_BIN), '-f', conf], stderr=subprocess.PIPE, text=True,
                         stdin=subprocess.DEVNULL)
    try:
        sock = os.path.join(tmpdir_short, 's', 'libvirt-sock')
        assert wait_for(lambda: os.path.exists(sock)), 'socket never appeared'
    finally:
        p.send_signal(signal.SIGTERM)
        _, err = p.communicate(timeout=10)
    assert p.returncode == 0, err
    for key in ('audit_level', 'audit_logging', 'host_uuid'):
        assert err.count("config key '%s' is not implemented" % key) == 1, err
    assert not SANITIZER_RE.search(err), err


def test_socket_path_too_long(tmpdir_short):
    longdir = os.path.join(tmpdir_short, 'x' * 120)
    conf = write_conf(tmpdir_short, 'unix_sock_dir = "%s"\n' % longdir)
    r = run_qemud('-f', conf)
    assert r.returncode == 1, r
    assert 'too long' in r.stderr and longdir in r.stderr, r.stderr


def test_root_dir_holds_sockets_when_no_sock_dir(tmpdir_short):
    root = os.path.join(tmpdir_short, 'r')
    conf = write_conf(tmpdir_short, 'root_dir = "%s"\n' % root)
    p = subprocess.Popen([str(QEMUD_BIN), '-f', conf], stderr=subprocess.PIPE, text=True,
                         stdin=subprocess.DEVNULL)
    try:
        sock = os.path.join(root, 'run', 'libvirt-sock')
        assert wait_for(lambda: os.path.exists(sock)), 'no socket under root_dir/run'
        for name in ('libvirt-sock-ro', 'libvirt-admin-sock'):
            assert os.path.exists(os.path.join(root, 'run', name))
        with rawclient.RawClient(sock) as c:
            c.open()
            assert c.get_type() == 'TEST'
    finally:
        p.send_signal(signal.SIGTERM)
        _, err = p.communicate(timeout=10)
    assert p.returncode == 0, err
    assert not os.path.exists(os.path.join(root, 'run', 'libvirt-sock'))


def test_daemon_mode_and_pid_file(tmpdir_short):
    sockdir = os.path.join(tmpdir_short, 's')
    pidfile = os.path.join(tmpdir_short, 'qemud.pid')
    log = os.path.join(tmpdir_short, 'qemud.log')
    conf = write_conf(tmpdir_short, 'unix_sock_dir = "%s"\nroot_dir = "%s/r"\n'
                      'log_outputs = "3:file:%s"\n' % (sockdir, tmpdir_short, log))
    r = run_qemud('-d', '-f', conf, '-p', pidfile)
    assert r.returncode == 0, r            # the parent returns once the daemon is ready
    assert os.path.exists(pidfile)
    pid = int(open(pidfile).read())
    try:
        os.kill(pid, 0)
        with rawclient.RawClient(os.path.join(sockdir, 'libvirt-sock')) as c:
            c.open()
            assert c.get_type() == 'TEST'
    finally:
        os.kill(pid, signal.SIGTERM)
    assert wait_for(lambda: not os.path.exists('/proc/%d' % pid) or
                    open('/proc/%d/stat' % pid).read().split()[2] == 'Z'), 'daemon did not exit'
    assert not os.path.exists(pidfile)
    assert not os.path.exists(os.path.join(sockdir, 'libvirt-sock'))
    text = open(log).read() if os.path.exists(log) else ''
    assert not SANITIZER_RE.search(text), text


def test_sighup_reopens_log_file(tmpdir_short):
    log = os.path.join(tmpdir_short, 'qemud.log')
    conf = write_conf(tmpdir_short, 'unix_sock_dir = "%s/s"\nroot_dir = "%s/r"\n'
                      'log_level = 2\nlog_outputs = "2:file:%s"\n' % (tmpdir_short, tmpdir_short, log))
    p = subprocess.Popen([str(QEMUD_BIN), '-f', conf], stderr=subprocess.PIPE, text=True,
                         stdin=subprocess.DEVNULL)
    try:
        assert wait_for(lambda: os.path.exists(log) and 'listening' in open(log).read())
        os.rename(log, log + '.1')             # what logrotate does
        p.send_signal(signal.SIGHUP)
        assert wait_for(lambda: os.path.exists(log)), 'SIGHUP did not reopen the log file'
        assert 'SIGHUP' in open(log).read()
    finally:
        p.send_signal(signal.SIGTERM)
        _, err = p.communicate(timeout=10)
    assert p.returncode == 0, err


def test_out_of_fds_pauses_accepting(tmpdir_short):
    """At the fd limit the daemon neither spins on accept nor floods its log,
    and it serves new clients again once descriptors are free."""
    import socket
    log = os.path.join(tmpdir_short, 'qemud.log')
    sock = os.path.join(tmpdir_short, 's', 'libvirt-sock')
    conf = write_conf(tmpdir_short, 'unix_sock_dir = "%s/s"\nroot_dir = "%s/r"\n'
                      'log_outputs = "3:file:%s"\n' % (tmpdir_short, tmpdir_short, log))
    p = subprocess.Popen(['prlimit', '--nofile=64:64', str(QEMUD_BIN), '-f', conf],
                         stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
    held = []
    try:
        assert wait_for(lambda: os.path.exists(sock))
        for _ in range(100):                 # more than the daemon has fds
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(sock)
            held.append(s)
        time.sleep(1.5)
        ticks0 = sum(int(x) for x in open('/proc/%d/stat' % p.pid).read().split()[13:15])
        time.sleep(1.0)
        ticks1 = sum(int(x) for x in open('/proc/%d/stat' % p.pid).read().split()[13:15])
        # a spinning loop burns ~100 ticks a second; a paused one almost none
        assert ticks1 - ticks0 < 50, ticks1 - ticks0
        text = open(log).read()
        assert 1 <= text.count('accept failed') <= 2, text[-2000:]
        for s in held:
            s.close()
        held = []

        def served():
            try:
                with rawclient.RawClient(sock, timeout=2) as c:
                    c.open()
                    return c.get_type() == 'TEST'
            except Exception:
                return False
        assert wait_for(served, timeout=10), 'not serving after fds were freed'
    finally:
        for s in held:
            s.close()
        p.send_signal(signal.SIGTERM)
        _, err = p.communicate(timeout=10)
    assert p.returncode == 0, err
    assert not SANITIZER_RE.search(err), err
