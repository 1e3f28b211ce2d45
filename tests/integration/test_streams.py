"""RPC streams: DOMAIN_SCREENSHOT through the test driver (README §9).

virsh and python3-libvirt against qemud, compared with libvirt's in-process
test:///default (the oracle), plus raw-socket checks of the packet flow, of odd
or malformed stream packets, of clients that vanish mid-stream and of flow
control towards a client that does not read.  The console (DOMAIN_OPEN_CONSOLE)
needs the QEMU driver; its DUPLEX pump is covered by tests/unit/test_stream.c.

QEMUD_TEST_SCREENSHOT (read by qemud's test driver) points the screenshot at a
bigger file so that it spans many packets.
"""
import os
import threading
import time

import libvirt
import pytest

from conftest import ORACLE_URI
from rawclient import (CONTINUE, ERROR, OK, REMOTE, REPLY, STREAM, STREAM_HOLE, Closed, RawClient,
                       Reader, msg, u32, xoptstr)

SHIPPED = '/usr/share/libvirt/test-screenshot.png'   # libvirt0's file, as libvirt's test driver
PROC_OPEN_CONSOLE = 201
PROC_SCREENSHOT = 211
PAYLOAD_MAX = 262120                                 # VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX



def shipped():
    assert os.path.exists(SHIPPED), '%s missing: install Debian package libvirt0' % SHIPPED
    with open(SHIPPED, 'rb') as f:
        return f.read()


@pytest.fixture
def big_file(tmp_path):
    """A 3 MiB screenshot: a dozen packets."""
    data = os.urandom(3 * 1024 * 1024 + 12345)
    p = tmp_path / 'big.bin'
    p.write_bytes(data)
    return str(p), data


@pytest.fixture
def big_qemud(qemud, big_file, monkeypatch):
    """A daemon whose test driver streams big_file (set before it starts)."""
    monkeypatch.setenv('QEMUD_TEST_SCREENSHOT', big_file[0])
    qemud.ensure()
    monkeypatch.delenv('QEMUD_TEST_SCREENSHOT')
    return qemud


def assert_serves(qemud):
    qemud.assert_alive()
    with RawClient(qemud.sock) as c:
        c.open()
        assert c.get_type() == 'TEST'


def start_screenshot(c, serial, flags=0, name='test'):
    """Sends DOMAIN_SCREENSHOT; returns the REPLY (the first message back)."""
    dom = c.lookup_domain(name)
    c.send_call(PROC_SCREENSHOT, dom + u32(0) + u32(flags), serial=serial)
    r = c.recv()
    assert (r.type, r.proc, r.serial) == (REPLY, PROC_SCREENSHOT, serial), r
    return r


def read_stream(c, serial, timeout=30):
    """Collects data packets until the empty CONTINUE; checks every header."""
    data = bytearray()
    sizes = []
    while True:
        m = c.recv(timeout)
        assert (m.prog, m.type, m.proc, m.serial, m.status) == (REMOTE, STREAM, PROC_SCREENSHOT, serial,
                                                                 CONTINUE), m
        if not m.body:
            return bytes(data), sizes
        assert len(m.body) <= PAYLOAD_MAX, len(m.body)
        sizes.append(len(m.body))
        data += m.body


def finish(c, serial):
    c.send(msg(REMOTE, 1, PROC_SCREENSHOT, STREAM, serial, OK))
    m = c.recv()
    assert (m.type, m.proc, m.serial, m.status, m.body) == (STREAM, PROC_SCREENSHOT, serial, OK, b''), m


def py_err(ex):
    e = ex.value
    return e.get_error_code(), e.get_error_domain(), e.get_error_message()


# ------------------------------------------------------------------ virsh
def test_virsh_screenshot_matches_oracle(qemud, virsh, tmp_path):
    out = tmp_path / 'shot.png'
    # active, then inactive: libvirt's test driver does not look at the domain
    script = 'screenshot test %s; destroy test; screenshot test %s' % (out, out)
    theirs = virsh(ORACLE_URI, script)
    assert theirs.rc == 0, theirs.err
    assert 'Screenshot saved to %s, with type of image/png' % out in theirs.out
    oracle_bytes = out.read_bytes()
    out.unlink()
    ours = virsh(qemud.uri, script)
    qemud.assert_alive()
    assert (ours.rc, ours.out, ours.err) == (theirs.rc, theirs.out, theirs.err)
    assert out.read_bytes() == oracle_bytes == shipped()


def test_virsh_screenshot_unknown_domain(qemud, differential, tmp_path):
    differential(qemud, 'screenshot nosuch %s' % (tmp_path / 'x.png'), rc=1,
                 err="error: failed to get domain 'nosuch'")
    assert not (tmp_path / 'x.png').exists()


def test_virsh_big_screenshot(big_qemud, virsh, big_file, tmp_path):
    out = tmp_path / 'big.out'
    r = virsh(big_qemud.uri, 'screenshot test %s' % out)
    assert r.rc == 0, r.err
    assert r.out.startswith('Screenshot saved to %s, with type of image/png' % out)
    assert out.read_bytes() == big_file[1]


# ------------------------------------------------------------------ python3-libvirt
def _py_recv_loop(uri):
    conn = libvirt.open(uri)
    try:
        st = conn.newStream(0)
        mime = conn.lookupByName('test').screenshot(st, 0, 0)
        data = bytearray()
        while True:
            b = st.recv(65536)
            if not b:
                break
            data += b
        st.finish()
        return mime, bytes(data)
    finally:
        conn.close()


def test_python_recv_loop_matches_oracle(qemud):
    theirs = _py_recv_loop(ORACLE_URI)
    assert theirs == ('image/png', shipped())
    assert _py_recv_loop(qemud.uri) == theirs


def test_python_recv_all(qemud):
    conn = libvirt.open(qemud.uri)
    try:
        dom = conn.lookupByName('test')
        for _ in range(3):                  # the connection serves stream after stream
            st = conn.newStream(0)
            assert dom.screenshot(st, 0, 0) == 'image/png'
            chunks = []
            st.recvAll(lambda s, d, o: o.append(d) or len(d), chunks)
            st.finish()
            assert b''.join(chunks) == shipped()
        assert dom.isActive() == 1
    finally:
        conn.close()


def _py_flags_error(uri):
    conn = libvirt.open(uri)
    try:
        dom = conn.lookupByName('test')
        with pytest.raises(libvirt.libvirtError) as ex:
            dom.screenshot(conn.newStream(0), 0, 1)
        # the connection is fine afterwards
        st = conn.newStream(0)
        assert dom.screenshot(st, 0, 0) == 'image/png'
        st.abort()
        return py_err(ex)
    finally:
        conn.close()


def test_python_flags_error_matches_oracle(qemud):
    theirs = _py_flags_error(ORACLE_URI)
    assert theirs == (libvirt.VIR_ERR_INVALID_ARG, libvirt.VIR_FROM_TEST,
                      'unsupported flags (0x1) in function testDomainScreenshot')
    assert _py_flags_error(qemud.uri) == theirs


def test_python_console_unsupported_like_oracle(qemud):
    def attempt(uri):
        conn = libvirt.open(uri)
        try:
            with pytest.raises(libvirt.libvirtError) as ex:
                conn.lookupByName('test').openConsole(None, conn.newStream(0), 0)
            return py_err(ex)
        finally:
            conn.close()

    theirs = attempt(ORACLE_URI)
    assert theirs == (libvirt.VIR_ERR_NO_SUPPORT, libvirt.VIR_FROM_DOMAIN,
                      'this function is not supported by the connection driver: virDomainOpenConsole')
    assert attempt(qemud.uri) == theirs


def test_python_readonly_socket_refused(qemud):
    conn = libvirt.open(qemud.ro_uri)     # read-write open, read-only socket: the daemon refuses
    try:
        dom = conn.lookupByName('test')
        with pytest.raises(libvirt.libvirtError) as ex:
            dom.screenshot(conn.newStream(0), 0, 0)
        assert py_err(ex) == (libvirt.VIR_ERR_OPERATION_DENIED, libvirt.VIR_FROM_DOMAIN,
                              'operation forbidden: read only access prevents virDomainScreenshot')
        with pytest.raises(libvirt.libvirtError) as ex:
            dom.openConsole(None, conn.newStream(0), 0)
        assert py_err(ex) == (libvirt.VIR_ERR_OPERATION_DENIED, libvirt.VIR_FROM_DOMAIN,
                              'operation forbidden: read only access prevents virDomainOpenConsole')
        assert dom.isActive() == 1
    finally:
        conn.close()


def test_python_abort_midway_then_more(big_qemud, big_file):
    conn = libvirt.open(big_qemud.uri)
    try:
        dom = conn.lookupByName('test')
        st = conn.newStream(0)
        dom.screenshot(st, 0, 0)
        first = st.recv(1000)
        assert first == big_file[1][:len(first)] and first
        st.abort()
        st = conn.newStream(0)
        dom.screenshot(st, 0, 0)
        chunks = []
        st.recvAll(lambda s, d, o: o.append(d) or len(d), chunks)
        st.finish()
        assert b''.join(chunks) == big_file[1]
    finally:
        conn.close()


def test_python_concurrent_screenshots(big_qemud, big_file):
    results, errors = [], []

    def worker():
        try:
            conn = libvirt.open(big_qemud.uri)
            try:
                dom = conn.lookupByName('test')
                for _ in range(2):
                    st = conn.newStream(0)
                    dom.screenshot(st, 0, 0)
                    chunks = []
                    st.recvAll(lambda s, d, o: o.append(d) or len(d), chunks)
                    st.finish()
                    results.append(b''.join(chunks) == big_file[1])
            finally:
                conn.close()
        except Exception as ex:        # noqa: BLE001 - reported below
            errors.append(ex)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert results == [True] * 12


def test_python_disconnect_mid_stream(big_qemud):
    for _ in range(5):
        conn = libvirt.open(big_qemud.uri)
        st = conn.newStream(0)
        conn.lookupByName('test').screenshot(st, 0, 0)
        assert st.recv(100)
        del st
        conn.close()            # stream still open: the daemon ends it
    assert_serves(big_qemud)


# ------------------------------------------------------------------ raw packets
def test_raw_packet_flow(qemud):
    """REPLY (mime) first, then data, the empty CONTINUE, finish, OK; the
    connection then serves normal calls."""
    with RawClient(qemud.sock) as c:
        c.open()
        r = start_screenshot(c, 50)
        assert r.status == OK
        assert Reader(r.body).optstring() == 'image/png'
        data, sizes = read_stream(c, 50)
        assert data == shipped()
        assert sizes == [len(data)]          # 33 KiB: one packet
        finish(c, 50)
        c.expect_silence(0.3)
        assert c.get_type() == 'TEST'


def test_raw_big_stream_packets(big_qemud, big_file):
    with RawClient(big_qemud.sock) as c:
        c.open()
        start_screenshot(c, 60)
        data, sizes = read_stream(c, 60)
        assert data == big_file[1]
        assert len(sizes) >= len(data) // PAYLOAD_MAX
        finish(c, 60)
        assert c.get_type() == 'TEST'


def test_raw_error_reply_opens_no_stream(qemud):
    with RawClient(qemud.sock) as c:
        c.open()
        r = start_screenshot(c, 70, flags=4)
        assert r.status == ERROR
        assert r.error()['message'] == 'unsupported flags (0x4) in function testDomainScreenshot'
        # no stream with serial 70: its packets are ignored
        c.send(msg(REMOTE, 1, PROC_SCREENSHOT, STREAM, 70, CONTINUE, b'x') +
               msg(REMOTE, 1, PROC_SCREENSHOT, STREAM, 70, OK))
        c.expect_silence(0.5)
        assert c.get_type() == 'TEST'


def test_raw_readonly_socket(qemud):
    with RawClient(qemud.ro_sock) as c:
        c.open()
        dom = c.lookup_domain('test')
        e = c.call_err(PROC_SCREENSHOT, dom + u32(0) + u32(0))
        assert (e['code'], e['domain'], e['message']) == (
            29, 20, 'operation forbidden: read only access prevents virDomainScreenshot')
        e = c.call_err(PROC_OPEN_CONSOLE, dom + xoptstr(None) + u32(0))
        assert (e['code'], e['domain'], e['message']) == (
            29, 20, 'operation forbidden: read only access prevents virDomainOpenConsole')
        assert c.get_type() == 'TEST'


def test_raw_odd_packets(qemud):
    """Packets for no stream, for a finished one, with a foreign proc, or
    truncated: ignored. An unknown status aborts the stream with libvirt's
    error. The daemon keeps serving throughout."""
    with RawClient(qemud.sock) as c:
        c.open()
        start_screenshot(c, 80)
        data, _ = read_stream(c, 80)
        assert data == shipped()
        c.send(msg(REMOTE, 1, PROC_SCREENSHOT, STREAM, 999, CONTINUE, b'stray') +   # no such stream
               msg(REMOTE, 1, 12, STREAM, 80, OK) +                                  # right serial, other proc
               msg(REMOTE, 1, PROC_SCREENSHOT, STREAM_HOLE, 999, CONTINUE, b'\0' * 3))
        c.expect_silence(0.5)
        finish(c, 80)
        # the stream is gone: more packets for it are ignored
        c.send(msg(REMOTE, 1, PROC_SCREENSHOT, STREAM, 80, CONTINUE, b'late') +
               msg(REMOTE, 1, PROC_SCREENSHOT, STREAM, 80, ERROR, b'\xff' * 5) +
               msg(REMOTE, 1, PROC_SCREENSHOT, STREAM, 80, OK))
        c.expect_silence(0.5)
        assert c.get_type() == 'TEST'

        # unknown status on an open stream
        start_screenshot(c, 81)
        read_stream(c, 81)
        c.send(msg(REMOTE, 1, PROC_SCREENSHOT, STREAM, 81, 9))
        m = c.recv()
        assert (m.type, m.serial, m.status) == (STREAM, 81, ERROR), m
        e = m.error()
        assert (e['code'], e['domain'], e['message']) == (39, 38, 'stream aborted with unexpected status 9')
        c.send(msg(REMOTE, 1, PROC_SCREENSHOT, STREAM, 81, OK))     # ended: ignored
        c.expect_silence(0.3)

        # abort with a garbage body is still an abort, confirmed with OK
        start_screenshot(c, 82)
        c.send(msg(REMOTE, 1, PROC_SCREENSHOT, STREAM, 82, ERROR, b'\x01\x02\x03'))
        while True:
            m = c.recv()
            assert (m.type, m.serial) == (STREAM, 82), m
            if m.status == OK:
                assert m.body == b''
                break
            assert m.status == CONTINUE          # data queued before the abort
        assert c.get_type() == 'TEST'

        # data sent to a read-only stream: libvirt's EBADF error
        start_screenshot(c, 83)
        read_stream(c, 83)
        c.send(msg(REMOTE, 1, PROC_SCREENSHOT, STREAM, 83, CONTINUE, b'nope'))
        m = c.recv()
        assert (m.type, m.serial, m.status) == (STREAM, 83, ERROR), m
        e = m.error()
        assert (e['code'], e['domain'], e['message']) == (38, 38, 'cannot write to stream: Bad file descriptor')
        assert c.get_type() == 'TEST'
    assert_serves(qemud)


def test_raw_hole_on_plain_stream_closes_connection(qemud):
    # libvirt-compat: libvirtd drops a client that sends a hole on a stream
    # that was not opened sparse
    with RawClient(qemud.sock) as c:
        c.open()
        start_screenshot(c, 90)
        c.send(msg(REMOTE, 1, PROC_SCREENSHOT, STREAM_HOLE, 90, CONTINUE, b'\0' * 12))
        with pytest.raises(Closed):
            while True:
                c.recv()
    assert_serves(qemud)


def test_raw_disconnect_mid_stream(big_qemud):
    for i in range(20):
        c = RawClient(big_qemud.sock)
        c.open()
        start_screenshot(c, 100 + i)
        if i % 2:
            m = c.recv()
            assert (m.type, m.status) == (STREAM, CONTINUE)
        c.close()                 # with data queued and a reader thread running
    assert_serves(big_qemud)


def _vm_rss_kib(pid):
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1])
    raise AssertionError('no VmRSS')


def test_raw_slow_reader_is_bounded(qemud, monkeypatch, tmp_path):
    """A client that does not read its stream: the daemon reads the file no
    faster than the client drains (its memory does not grow by the file's
    size), other clients are served meanwhile, and the data is complete once
    the client reads."""
    data = os.urandom(32 * 1024 * 1024)
    p = tmp_path / 'huge.bin'
    p.write_bytes(data)
    monkeypatch.setenv('QEMUD_TEST_SCREENSHOT', str(p))
    qemud.ensure()
    with RawClient(qemud.sock, timeout=60) as c:
        c.open()
        before = _vm_rss_kib(qemud.proc.pid)
        start_screenshot(c, 110)
        time.sleep(1.0)
        assert_serves(qemud)
        grown = _vm_rss_kib(qemud.proc.pid) - before
        assert grown < 16 * 1024, 'daemon grew by %d KiB for a client that does not read' % grown
        got, _ = read_stream(c, 110, timeout=60)
        assert got == data
        finish(c, 110)
