"""A tiny raw libvirt-RPC client for the integration tests.

Frames messages by hand (README §2: 4-byte big-endian length that counts
itself, then the 24-byte header prog/vers/proc/type/serial/status, then the
XDR payload) and decodes error bodies (README §4), so tests can send input
that no real client would.
"""
import socket
import struct
import time

REMOTE, QEMU, LXC, ADMIN, KEEPALIVE = 0x20008086, 0x20008087, 0x00068000, 0x06900690, 0x6b656570

CALL, REPLY, MESSAGE, STREAM, CALL_WITH_FDS, REPLY_WITH_FDS, STREAM_HOLE = range(7)
OK, ERROR, CONTINUE = range(3)

# REMOTE procedures used by the tests
PROC_CONNECT_OPEN = 1
PROC_CONNECT_CLOSE = 2
PROC_CONNECT_GET_TYPE = 3
PROC_CONNECT_GET_VERSION = 4
PROC_DOMAIN_DESTROY = 12
PROC_DOMAIN_GET_XML_DESC = 14
PROC_DOMAIN_LOOKUP_BY_NAME = 23
PROC_CONNECT_GET_HOSTNAME = 59
PROC_CONNECT_SUPPORTS_FEATURE = 60
PROC_AUTH_LIST = 66
PROC_CONNECT_GET_URI = 110
PROC_DOMAIN_SET_SCHEDULER_PARAMETERS_FLAGS = 219
PROC_CONNECT_GET_ALL_DOMAIN_STATS = 344
KEEPALIVE_PING, KEEPALIVE_PONG = 1, 2

FEATURE_PROGRAM_KEEPALIVE = 10


# ------------------------------------------------------------------ XDR
def u32(v):
    return struct.pack('>I', v & 0xffffffff)


def i32(v):
    return struct.pack('>i', v)


def xstr(s):
    """XDR string: length, bytes, zero padding to a multiple of 4."""
    b = s.encode() if isinstance(s, str) else bytes(s)
    return u32(len(b)) + b + b'\0' * (-len(b) % 4)


def xoptstr(s):
    """Optional string (remote_string): flag word, then the string if present."""
    return u32(0) if s is None else u32(1) + xstr(s)


class Reader:
    """Sequential XDR decoder over a message body."""

    def __init__(self, data):
        self.data, self.pos = data, 0

    def _take(self, n):
        if self.pos + n > len(self.data):
            raise ValueError('XDR body too short (%d + %d > %d)' % (self.pos, n, len(self.data)))
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return b

    def u32(self):
        return struct.unpack('>I', self._take(4))[0]

    def i32(self):
        return struct.unpack('>i', self._take(4))[0]

    def string(self):
        n = self.u32()
        b = self._take(n)
        self._take(-n % 4)
        return b.decode('utf-8', 'replace')

    def optstring(self):
        return self.string() if self.u32() else None

    def opaque(self, n):
        return self._take(n)


def msg(prog, vers, proc, mtype, serial, status=OK, body=b''):
    hdr = struct.pack('>IIiIII', prog, vers, proc, mtype, serial, status)
    return u32(4 + len(hdr) + len(body)) + hdr + body


class Message:
    def __init__(self, prog, vers, proc, mtype, serial, status, body):
        self.prog, self.vers, self.proc, self.type = prog, vers, proc, mtype
        self.serial, self.status, self.body = serial, status, body

    def error(self):
        """Decode a status-ERROR body (virNetMessageError)."""
        assert self.status == ERROR, 'not an error reply: %r' % self
        r = Reader(self.body)
        e = {'code': r.i32(), 'domain': r.i32(), 'message': r.optstring(), 'level': r.i32()}
        if r.u32():
            raise ValueError('error body carries a domain handle (libvirtd never sends one)')
        e['str1'], e['str2'], e['str3'] = r.optstring(), r.optstring(), r.optstring()
        e['int1'], e['int2'] = r.i32(), r.i32()
        if r.u32():
            raise ValueError('error body carries a network handle (libvirtd never sends one)')
        return e

    def __repr__(self):
        s = 'Message(prog=0x%08x vers=%d proc=%d type=%d serial=%d status=%d len=%d' % (
            self.prog, self.vers, self.proc, self.type, self.serial, self.status, len(self.body))
        if self.status == ERROR:
            try:
                s += ' error=%r' % (self.error(),)
            except Exception as ex:  # noqa: BLE001 - repr must not fail
                s += ' undecodable error body (%s)' % ex
        return s + ')'


class Closed(Exception):
    """The daemon closed the connection."""


class RawClient:
    def __init__(self, path, timeout=5.0, sock=None):
        """Connect to the UNIX socket @path, or speak over the connected
        @sock (TCP, TLS) given instead."""
        self.path = path
        if sock is None:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(timeout)
            sock.connect(path)
        self.sock = sock
        self.sock.settimeout(timeout)
        self.timeout = timeout
        self.serial = 0

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- raw I/O
    def send(self, data):
        self.sock.sendall(data)

    def _recv_exact(self, n, deadline):
        buf = bytearray()
        while len(buf) < n:
            left = deadline - time.monotonic()
            if left <= 0:
                raise socket.timeout('timed out waiting for %d bytes (got %d)' % (n, len(buf)))
            self.sock.settimeout(left)
            try:
                d = self.sock.recv(min(n - len(buf), 1 << 20))
            except ConnectionResetError as ex:
                raise Closed('connection reset by daemon') from ex
            if not d:
                raise Closed('connection closed by daemon')
            buf += d
        return bytes(buf)

    def recv(self, timeout=None):
        """Next message from the daemon; Closed on EOF, socket.timeout on silence."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        ln = struct.unpack('>I', self._recv_exact(4, deadline))[0]
        if ln < 28:
            raise AssertionError('daemon sent a message with length word %d' % ln)
        data = self._recv_exact(ln - 4, deadline)
        prog, vers, proc, mtype, serial, status = struct.unpack_from('>IIiIII', data, 0)
        return Message(prog, vers, proc, mtype, serial, status, data[24:])

    def recv_reply(self, timeout=None):
        """Next REPLY, skipping keepalive/event MESSAGEs (answering PINGs)."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while True:
            m = self.recv(max(0.0, deadline - time.monotonic()))
            if m.type == MESSAGE:
                if m.prog == KEEPALIVE and m.proc == KEEPALIVE_PING:
                    self.send(msg(KEEPALIVE, 1, KEEPALIVE_PONG, MESSAGE, 0))
                continue
            return m

    def expect_silence(self, seconds=0.5):
        """Assert that nothing arrives for @seconds (the connection stays open)."""
        try:
            m = self.recv(seconds)
        except socket.timeout:
            return
        raise AssertionError('expected no answer, got %r' % m)

    def expect_closed(self, timeout=None):
        """Assert the daemon closes the connection without sending anything."""
        try:
            m = self.recv(timeout)
        except Closed:
            return
        except socket.timeout as ex:
            raise AssertionError('daemon did not close the connection') from ex
        raise AssertionError('expected the connection to be closed, got %r' % m)

    # -- calls
    def next_serial(self):
        s = self.serial
        self.serial += 1
        return s

    def send_call(self, proc, body=b'', prog=REMOTE, vers=1, serial=None, mtype=CALL, status=OK):
        if serial is None:
            serial = self.next_serial()
        self.send(msg(prog, vers, proc, mtype, serial, status, body))
        return serial

    def call(self, proc, body=b'', prog=REMOTE, vers=1, serial=None, status=OK, timeout=None):
        """Send a CALL and return its REPLY (checking that it echoes the header)."""
        serial = self.send_call(proc, body, prog=prog, vers=vers, serial=serial, status=status)
        r = self.recv_reply(timeout)
        assert r.type == REPLY, r
        assert (r.prog, r.vers, r.proc, r.serial) == (prog, vers, proc, serial), \
            'reply does not echo the call header: sent prog=0x%x vers=%d proc=%d serial=%d, got %r' % (
                prog, vers, proc, serial, r)
        return r

    def call_ok(self, proc, body=b'', **kw):
        r = self.call(proc, body, **kw)
        assert r.status == OK, r
        return r

    def call_err(self, proc, body=b'', **kw):
        r = self.call(proc, body, **kw)
        assert r.status == ERROR, r
        return r.error()

    # -- the usual sequence
    def auth_list(self):
        r = Reader(self.call_ok(PROC_AUTH_LIST).body)
        return [r.i32() for _ in range(r.u32())]

    def connect_open(self, name='test:///default', flags=0):
        return self.call(PROC_CONNECT_OPEN, xoptstr(name) + u32(flags))

    def open(self, name='test:///default', flags=0):
        """AUTH_LIST + CONNECT_OPEN, as virsh does (minus the feature probes)."""
        assert self.auth_list() == [0]
        r = self.connect_open(name, flags)
        assert r.status == OK, r
        return self

    def get_type(self):
        return Reader(self.call_ok(PROC_CONNECT_GET_TYPE).body).string()

    def lookup_domain(self, name):
        """DOMAIN_LOOKUP_BY_NAME; returns the raw remote_nonnull_domain bytes."""
        return self.call_ok(PROC_DOMAIN_LOOKUP_BY_NAME, xstr(name)).body

    def ping(self):
        self.send(msg(KEEPALIVE, 1, KEEPALIVE_PING, MESSAGE, 0))
