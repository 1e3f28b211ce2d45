"""The daemon as a process: sockets, pid file, SIGTERM, config limits, keepalive."""
import os
import socket
import stat
import time

from rawclient import (PROC_AUTH_LIST, KEEPALIVE, KEEPALIVE_PING, KEEPALIVE_PONG, MESSAGE, OK, PROC_CONNECT_SUPPORTS_FEATURE,
                       PROC_DOMAIN_GET_XML_DESC, REMOTE, Closed, RawClient, Reader, i32, msg, u32)


def test_sockets_and_pidfile(qemud):
    for path in (qemud.sock, qemud.ro_sock, qemud.admin_sock):
        assert stat.S_ISSOCK(os.stat(path).st_mode), path
    with open(qemud.pidfile) as f:
        assert int(f.read().strip()) == qemud.proc.pid


def test_sigterm_removes_sockets(qemud):
    paths = [qemud.sock, qemud.ro_sock, qemud.admin_sock]
    assert qemud.stop() == [], qemud.log_tail()
    for path in paths:
        assert not os.path.exists(path), path + ' left behind'


def test_sigterm_with_busy_clients(qemud):
    idle = RawClient(qemud.sock)
    idle.open()
    busy = RawClient(qemud.sock)
    busy.open()
    dom = busy.lookup_domain('test')
    busy.send(b''.join(msg(REMOTE, 1, PROC_DOMAIN_GET_XML_DESC, 0, 100 + k, OK, dom + u32(0)) for k in range(200)))
    half = RawClient(qemud.sock)
    half.send(u32(200) + b'\0' * 20)            # a client in the middle of a message
    try:
        t0 = time.monotonic()
        assert qemud.stop() == [], qemud.log_tail()
        assert time.monotonic() - t0 < 10
    finally:
        for c in (idle, busy, half):
            c.close()


def test_ro_socket_allows_open_and_reads(qemud):
    # AUTH_LIST, CONNECT_OPEN and reads work on the read-only socket
    with RawClient(qemud.ro_sock) as c:
        c.open(flags=1)
        assert c.get_type() == 'TEST'
        assert c.lookup_domain('test')[-4:] == i32(1)


def test_admin_socket_basics(qemud):
    with RawClient(qemud.admin_sock) as c:
        c.ping()
        m = c.recv()
        assert (m.prog, m.proc, m.type, m.serial, m.status) == (KEEPALIVE, KEEPALIVE_PONG, MESSAGE, 0, OK), m
        # the REMOTE program is not served on the admin socket
        e = c.call_err(66)
        assert (e['code'], e['domain'], e['message']) == (39, 7, 'Cannot find program 536903814 version 1')


def test_max_clients(qemud_factory):
    # (libvirtd insists on max_anonymous_clients <= max_clients)
    qemud = qemud_factory(max_clients=2, max_anonymous_clients=2)
    a = RawClient(qemud.sock)
    b = RawClient(qemud.sock)
    try:
        a.open()
        b.open()
        # a third client is never left hanging: its first call gets a clear
        # error, then the daemon closes the connection
        with RawClient(qemud.sock, timeout=5) as c:
            e = c.call_err(PROC_AUTH_LIST)
            assert (e['code'], e['domain']) == (39, 7), e
            assert e['message'] == 'Too many active clients (2), dropping connection', e
            c.expect_closed()
        # the two admitted clients are unaffected
        assert a.get_type() == 'TEST' and b.get_type() == 'TEST'
        a.close()
        # a slot is free again: a new client gets served promptly
        deadline = time.monotonic() + 5
        while True:
            try:
                with RawClient(qemud.sock, timeout=2) as c:
                    c.open()
                    assert c.get_type() == 'TEST'
                    break
            except (Closed, socket.timeout, ConnectionResetError):
                assert time.monotonic() < deadline, 'no client served after a slot was freed'
                time.sleep(0.1)
    finally:
        a.close()
        b.close()


def _ask_keepalive(c):
    assert c.auth_list() == [0]
    r = c.call_ok(PROC_CONNECT_SUPPORTS_FEATURE, i32(10))
    assert Reader(r.body).i32() == 1
    assert c.connect_open().status == OK


def test_server_keepalive_pings(qemud_factory):
    qemud = qemud_factory(keepalive_interval=1, keepalive_count=2)
    with RawClient(qemud.sock) as c:
        _ask_keepalive(c)
        # idle client that asked for keepalive: the daemon pings it...
        m = c.recv(5)
        assert (m.prog, m.vers, m.proc, m.type, m.serial, m.status, m.body) == (
            KEEPALIVE, 1, KEEPALIVE_PING, MESSAGE, 0, OK, b''), m
        c.send(msg(KEEPALIVE, 1, KEEPALIVE_PONG, MESSAGE, 0))
        # ...keeps the answering client...
        m = c.recv(5)
        assert m.proc == KEEPALIVE_PING, m
        c.send(msg(KEEPALIVE, 1, KEEPALIVE_PONG, MESSAGE, 0))
        assert c.get_type() == 'TEST'
        # ...and drops it once it stops answering (about interval * (count + 1) s)
        t0 = time.monotonic()
        try:
            while True:
                m = c.recv(15 - (time.monotonic() - t0))
                assert m.type == MESSAGE and m.proc == KEEPALIVE_PING, m
        except Closed:
            pass
        assert time.monotonic() - t0 < 15
    # a client that never asked for keepalive is not pinged
    with RawClient(qemud.sock) as c:
        c.open()
        c.expect_silence(2.5)
        assert c.get_type() == 'TEST'
