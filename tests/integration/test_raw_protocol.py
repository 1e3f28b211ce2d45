"""Negative protocol tests (raw frames, README §2-§4, traces/raw-probe.out).

The expected result of bad input is a clean error reply or a closed connection,
never a crash, and the daemon keeps serving other clients.  Each test gets its own
daemon, so a crash is charged to the test that caused it (the fixture's teardown
checks the exit status and the sanitizer output).
"""
import random
import socket
import struct
import threading
import time

import pytest

from rawclient import (ADMIN, CALL, CONTINUE, ERROR, KEEPALIVE, KEEPALIVE_PING, KEEPALIVE_PONG, MESSAGE, OK,
                       PROC_AUTH_LIST, PROC_CONNECT_CLOSE, PROC_CONNECT_GET_ALL_DOMAIN_STATS,
                       PROC_CONNECT_GET_HOSTNAME, PROC_CONNECT_GET_TYPE, PROC_CONNECT_GET_VERSION,
                       PROC_CONNECT_OPEN, PROC_CONNECT_SUPPORTS_FEATURE, PROC_DOMAIN_GET_XML_DESC,
                       PROC_DOMAIN_SET_SCHEDULER_PARAMETERS_FLAGS, REMOTE, REPLY, STREAM, Closed, RawClient,
                       Reader, i32, msg, u32, xoptstr, xstr)

MAX_MSG = 32 * 1024 * 1024          # VIR_NET_MESSAGE_MAX: largest length-4
STRING_MAX = 4 * 1024 * 1024        # VIR_NET_MESSAGE_STRING_MAX
CONNECT_LIST_ALL_DOMAINS = 273


def assert_serves(qemud):
    """The daemon is alive and a brand-new client gets answers."""
    qemud.assert_alive()
    with RawClient(qemud.sock) as c:
        c.open()
        assert c.get_type() == 'TEST'


def error_tuple(e):
    return e['code'], e['domain'], e['level'], e['message']


def rpc_error(msg_text):
    return 39, 7, 2, msg_text


# ---------------------------------------------------------------- framing
@pytest.mark.parametrize('length', [0, 4, 8, 27, MAX_MSG + 5, 0x7fffffff, 0xffffffff],
                         ids=['0', '4', '8', '27', '32MiB+5', '0x7fffffff', '0xffffffff'])
def test_bad_length_word_closes(qemud, length):
    with RawClient(qemud.sock) as c:
        c.send(u32(length) + b'\0' * 24)
        c.expect_closed()
    assert_serves(qemud)


def test_max_length_accepted(qemud):
    # length - 4 == 32 MiB is still legal; trailing payload bytes are not an error
    body = b'\0' * (MAX_MSG - 24)
    with RawClient(qemud.sock, timeout=30) as c:
        c.send(msg(REMOTE, 1, PROC_AUTH_LIST, CALL, 7, OK, body))
        r = c.recv_reply()
        assert (r.proc, r.serial, r.status) == (PROC_AUTH_LIST, 7, OK), r
        c.open()
        assert c.get_type() == 'TEST'


def test_trailing_garbage_accepted(qemud):
    with RawClient(qemud.sock) as c:
        c.open()
        r = c.call_ok(PROC_CONNECT_GET_TYPE, b'\0\0\0\x07')
        assert Reader(r.body).string() == 'TEST'


def test_truncated_message_then_close(qemud):
    with RawClient(qemud.sock) as c:
        full = msg(REMOTE, 1, PROC_CONNECT_OPEN, CALL, 0, OK, xoptstr('test:///default') + u32(0))
        c.send(full[:len(full) - 10])
        c.sock.shutdown(socket.SHUT_WR)
        c.expect_closed()
    with RawClient(qemud.sock) as c:
        c.send(u32(100) + b'\0' * 10)        # stop in the middle of the header
    assert_serves(qemud)


def test_stalled_partial_message_does_not_block_others(qemud):
    with RawClient(qemud.sock) as slow:
        slow.send(u32(1000) + struct.pack('>IIiIII', REMOTE, 1, PROC_CONNECT_GET_TYPE, CALL, 0, OK) + b'x' * 100)
        t0 = time.monotonic()
        with RawClient(qemud.sock) as c:
            c.open()
            for _ in range(20):
                assert c.get_type() == 'TEST'
        assert time.monotonic() - t0 < 5
        slow.expect_silence(0.2)


@pytest.mark.parametrize('seed', range(8))
def test_garbage_bytes(qemud, seed):
    rnd = random.Random(seed)
    data = rnd.randbytes(4096)
    if seed % 2:
        # plausible length word and program so the header decoder gets exercised too
        data = u32(28 + 64) + u32(REMOTE) + u32(1) + data[:24 + 64 - 12] + rnd.randbytes(512)
    with RawClient(qemud.sock) as c:
        c.send(data)
        deadline = time.monotonic() + 2
        try:
            while time.monotonic() < deadline:
                c.recv(max(0.05, deadline - time.monotonic()))
        except (Closed, socket.timeout, AssertionError):
            pass
    assert_serves(qemud)


def test_bad_header_fields(qemud):
    with RawClient(qemud.sock) as c:
        c.open()
        # a CALL whose status is not OK
        e = c.call_err(PROC_AUTH_LIST, status=ERROR)
        assert error_tuple(e) == rpc_error('Unexpected message status 1')
        e = c.call_err(PROC_CONNECT_GET_TYPE, status=CONTINUE)
        assert error_tuple(e) == rpc_error('Unexpected message status 2')
        assert c.get_type() == 'TEST'


def test_serials_are_echoed_not_checked(qemud):
    with RawClient(qemud.sock) as c:
        c.open()
        for serial in (1000, 7, 7, 0, 0xffffffff):
            r = c.call_ok(PROC_CONNECT_GET_TYPE, serial=serial)
            assert r.serial == serial


# ---------------------------------------------------------------- programs and procedures
def test_unknown_program(qemud):
    with RawClient(qemud.sock) as c:
        e = c.call_err(1, prog=0x12345678, serial=2)
        assert error_tuple(e) == rpc_error('Cannot find program 305419896 version 1')
        c.open()
        e = c.call_err(PROC_CONNECT_GET_TYPE, prog=0x12345678)
        assert error_tuple(e) == rpc_error('Cannot find program 305419896 version 1')
        assert c.get_type() == 'TEST'


def test_wrong_version(qemud):
    with RawClient(qemud.sock) as c:
        e = c.call_err(PROC_AUTH_LIST, vers=2, serial=3)
        assert error_tuple(e) == rpc_error('Cannot find program 536903814 version 2')
        c.open()
        e = c.call_err(PROC_CONNECT_GET_TYPE, vers=0)
        assert error_tuple(e) == rpc_error('Cannot find program 536903814 version 0')
        assert c.get_type() == 'TEST'


def test_other_programs_on_main_socket(qemud):
    with RawClient(qemud.sock) as c:
        c.open()
        e = c.call_err(1, u32(0), prog=ADMIN)
        assert error_tuple(e) == rpc_error('Cannot find program 110102160 version 1')
        # keepalive is MESSAGE-only: as a CALL its program is unknown
        e = c.call_err(KEEPALIVE_PING, prog=KEEPALIVE)
        assert error_tuple(e) == rpc_error('Cannot find program 1801807216 version 1')
        assert c.get_type() == 'TEST'


@pytest.mark.parametrize('proc', [9999, 0, -1, 444, 100000, 0x7fffffff, -0x80000000])
@pytest.mark.parametrize('opened', [False, True], ids=['before-open', 'after-open'])
def test_unknown_procedure(qemud, proc, opened):
    with RawClient(qemud.sock) as c:
        if opened:
            c.open()
        e = c.call_err(proc)
        assert error_tuple(e) == rpc_error('unknown procedure: %d' % proc)
        if not opened:
            c.open()
        assert c.get_type() == 'TEST'


# ---------------------------------------------------------------- messages the daemon ignores
def _ignored_then_usable(qemud, stray):
    with RawClient(qemud.sock) as c:
        c.open()
        c.send(stray)
        c.expect_silence(0.5)
        r = c.call_ok(PROC_CONNECT_GET_TYPE, serial=31)
        assert Reader(r.body).string() == 'TEST'


def test_client_sends_reply(qemud):
    _ignored_then_usable(qemud, msg(REMOTE, 1, PROC_CONNECT_GET_TYPE, REPLY, 30, OK))


def test_client_sends_error_reply(qemud):
    _ignored_then_usable(qemud, msg(REMOTE, 1, PROC_CONNECT_GET_TYPE, REPLY, 30, ERROR, i32(1) + i32(7)))


def test_stream_for_no_stream(qemud):
    _ignored_then_usable(qemud, msg(REMOTE, 1, 201, STREAM, 40, CONTINUE, b'abcd'))


def test_stream_end_and_abort_for_no_stream(qemud):
    _ignored_then_usable(qemud, msg(REMOTE, 1, 209, STREAM, 41, OK) + msg(REMOTE, 1, 209, STREAM, 42, ERROR))


def test_unsolicited_pong_and_unknown_keepalive(qemud):
    _ignored_then_usable(qemud, msg(KEEPALIVE, 1, KEEPALIVE_PONG, MESSAGE, 0) + msg(KEEPALIVE, 1, 3, MESSAGE, 0))


def test_unknown_message_type(qemud):
    with RawClient(qemud.sock) as c:
        c.open()
        c.send(msg(REMOTE, 1, PROC_CONNECT_GET_TYPE, 77, 5, OK))
        try:
            m = c.recv(0.5)
        except socket.timeout:
            pass                                 # ignored
        except Closed:
            assert_serves(qemud)                 # or dropped
            return
        else:
            assert m.status == ERROR and m.serial == 5, m
        assert c.get_type() == 'TEST'


# ---------------------------------------------------------------- oversized / malformed payloads
def _error_or_close(c, serial):
    """The reply to a malformed CALL: an ERROR reply echoing @serial, or EOF."""
    try:
        r = c.recv_reply(10)
    except Closed:
        return None
    assert r.type == REPLY and r.serial == serial and r.status == ERROR, r
    e = r.error()
    assert e['level'] == 2 and e['message'], e
    return e


@pytest.mark.parametrize('size', [STRING_MAX + 1, 8 * 1024 * 1024], ids=['4MiB+1', '8MiB'])
def test_oversized_string_in_open(qemud, size):
    with RawClient(qemud.sock, timeout=30) as c:
        assert c.auth_list() == [0]
        s = c.send_call(PROC_CONNECT_OPEN, u32(1) + u32(size) + b'a' * size + u32(0))
        _error_or_close(c, s)
    assert_serves(qemud)


def test_string_length_beyond_message(qemud):
    with RawClient(qemud.sock) as c:
        assert c.auth_list() == [0]
        s = c.send_call(PROC_CONNECT_OPEN, u32(1) + u32(0xfffffff0) + b'test')
        _error_or_close(c, s)
    assert_serves(qemud)


def test_list_count_over_bound(qemud):
    with RawClient(qemud.sock) as c:
        c.open()
        # doms<REMOTE_DOMAIN_LIST_MAX = 16384>: one more than allowed
        s = c.send_call(PROC_CONNECT_GET_ALL_DOMAIN_STATS, u32(16385) + b'\0' * 64)
        if _error_or_close(c, s) is not None:
            # params<REMOTE_DOMAIN_SCHEDULER_PARAMETERS_MAX = 16>: absurd count
            dom = c.lookup_domain('test')
            s = c.send_call(PROC_DOMAIN_SET_SCHEDULER_PARAMETERS_FLAGS, dom + u32(0x7fffffff) + b'\0' * 16)
            _error_or_close(c, s)
    assert_serves(qemud)


def test_truncated_payload(qemud):
    with RawClient(qemud.sock) as c:
        c.open()
        # DOMAIN_GET_XML_DESC needs a domain handle + flags: give half a handle
        s = c.send_call(PROC_DOMAIN_GET_XML_DESC, xstr('test') + b'\1\2\3')
        if _error_or_close(c, s) is not None:
            assert c.get_type() == 'TEST'
    assert_serves(qemud)


# ---------------------------------------------------------------- connection state
def test_calls_before_open(qemud):
    not_open = (1, 7, 2, 'internal error: hypervisor connection not open')
    with RawClient(qemud.sock) as c:
        assert error_tuple(c.call_err(PROC_CONNECT_GET_TYPE)) == not_open
        assert error_tuple(c.call_err(CONNECT_LIST_ALL_DOMAINS, u32(1) + u32(3))) == not_open
        # allowed before open: AUTH_LIST, CONNECT_SUPPORTS_FEATURE
        assert c.auth_list() == [0]
        r = c.call_ok(PROC_CONNECT_SUPPORTS_FEATURE, i32(10))
        assert Reader(r.body).i32() == 1
        c.open()
        assert c.get_type() == 'TEST'


def test_second_open_keeps_first(qemud):
    with RawClient(qemud.sock) as c:
        c.open()
        r = c.connect_open('test:///default', 0)
        assert r.status == ERROR, r
        assert error_tuple(r.error()) == (1, 7, 2, 'internal error: connection already open')
        # unlike libvirtd 9.0, the first hypervisor connection keeps working
        assert c.get_type() == 'TEST'
        assert c.lookup_domain('test')[-4:] == i32(1)


def test_connect_close_closes_socket(qemud):
    with RawClient(qemud.sock) as c:
        c.open()
        c.call_ok(PROC_CONNECT_CLOSE)
        c.expect_closed()
    assert_serves(qemud)


def test_keepalive_ping_answered(qemud):
    with RawClient(qemud.sock) as c:
        for opened in (False, True):
            c.ping()
            m = c.recv()
            assert (m.prog, m.vers, m.proc, m.type, m.serial, m.status, m.body) == (
                KEEPALIVE, 1, KEEPALIVE_PONG, MESSAGE, 0, OK, b''), m
            if not opened:
                c.open()
        assert c.get_type() == 'TEST'


def test_pipelined_calls_in_one_write(qemud):
    with RawClient(qemud.sock) as c:
        c.open()
        c.send(msg(REMOTE, 1, PROC_CONNECT_GET_TYPE, CALL, 20) + msg(REMOTE, 1, PROC_CONNECT_GET_VERSION, CALL, 21)
               + msg(REMOTE, 1, PROC_CONNECT_GET_HOSTNAME, CALL, 22))
        got = {}
        for _ in range(3):
            r = c.recv_reply()
            assert r.status == OK, r
            got[r.serial] = r.proc
        assert got == {20: PROC_CONNECT_GET_TYPE, 21: PROC_CONNECT_GET_VERSION, 22: PROC_CONNECT_GET_HOSTNAME}


def test_abrupt_disconnects(qemud):
    # clients that vanish with calls in flight (the daemon writes to a dead socket)
    for i in range(100):
        c = RawClient(qemud.sock)
        c.open()
        dom = c.lookup_domain('test')
        for k in range(5):
            c.send_call(PROC_DOMAIN_GET_XML_DESC, dom + u32(0))
        if i % 2:
            c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))  # RST
        c.close()
    assert_serves(qemud)


def test_flooding_client_does_not_slow_others(qemud):
    n = 1000
    flood = RawClient(qemud.sock, timeout=60)
    try:
        flood.open()
        dom = flood.lookup_domain('test')
        first = flood.serial
        calls = b''.join(msg(REMOTE, 1, PROC_DOMAIN_GET_XML_DESC, CALL, first + k, OK, dom + u32(0))
                         for k in range(n))
        # the daemon may stop reading this client while its replies pile up, so
        # write from a thread and never read (for now)
        sender = threading.Thread(target=lambda: flood.sock.sendall(calls), daemon=True)
        sender.start()
        time.sleep(0.2)

        t0 = time.monotonic()
        with RawClient(qemud.sock) as c:
            c.open()
            for _ in range(50):
                assert c.get_type() == 'TEST'
            assert c.lookup_domain('test')[-4:] == i32(1)
        elapsed = time.monotonic() - t0
        assert elapsed < 5, 'other client took %.1f s while one client flooded' % elapsed

        # the flooding client still gets every reply, each exactly once
        seen = set()
        for _ in range(n):
            r = flood.recv_reply(30)
            assert r.status == OK and r.proc == PROC_DOMAIN_GET_XML_DESC, r
            assert r.serial not in seen
            seen.add(r.serial)
        assert seen == set(range(first, first + n))
        sender.join(5)
    finally:
        flood.close()
    assert_serves(qemud)
