"""Events (issue #4): what listeners see, compared with libvirt's test:///default.

* Differential: the same script runs against libvirt's in-process test:///default
  (the oracle) and against qemud, each on a connection that listens for the events
  the script raises; the two event lists must be equal.  The oracle's list is also
  checked against the list written here, so the script is known to do what the
  test means.
* Filtered registrations, several listeners, deregistration.
* Listeners that die without deregistering, and one that stops reading (the daemon
  must disconnect it once QD_CLIENT_MAX_QUEUED_EVENTS events are queued, and keep
  its own memory bounded).
* The wire format of callback-style and legacy event messages, and the errors of
  the registration procedures.
* virsh event / net-event / pool-event against qemud.

python3-libvirt needs an event loop to deliver events: the default impl is
registered once per process and run by a daemon thread (shared with any other
test module through an attribute on the libvirt module).
"""
import subprocess
import threading
import time
import uuid

import libvirt
import pytest

import rawclient as rc
from conftest import (NETWORK_XML, ORACLE_URI, POOL_XML, TDOM_UUID, client_env,
                      domain_xml)

TEST_UUID = '6695eb01-f6a4-8304-79aa-97f2502e193f'        # the built-in 'test' domain
TRAN_UUID = '7f6c1a2b-3d4e-4f50-8a61-7b8c9d0e1f21'
DEFAULT_NET_UUID = 'dd8fe884-6c02-601e-7551-cca97df1c5df'
TNET_UUID = '8a1b2c3d-4e5f-4061-9273-8495a6b7c8d9'
XPOOL_UUID = '9b2c3d4e-5f60-4172-8384-95a6b7c8d9e0'

WAIT = 5.0          # longest wait for an expected event
QUIET = 0.3         # after the expected events: make sure nothing more arrives

# virDomainEventType / details
DEFINED, UNDEFINED, STARTED, SUSPENDED, RESUMED, STOPPED = 0, 1, 2, 3, 4, 5
ADDED, UPDATED = 0, 1               # DEFINED_*
REMOVED = 0                         # UNDEFINED_REMOVED
BOOTED = 0                          # STARTED_BOOTED
PAUSED = 0                          # SUSPENDED_PAUSED
UNPAUSED = 0                        # RESUMED_UNPAUSED
SHUTDOWN, DESTROYED = 0, 1          # STOPPED_*
# virNetworkEventLifecycleType
N_DEFINED, N_UNDEFINED, N_STARTED, N_STOPPED = 0, 1, 2, 3
# virStoragePoolEventLifecycleType
P_DEFINED, P_UNDEFINED, P_STARTED, P_STOPPED, P_CREATED, P_DELETED = range(6)

# REMOTE procedures (README §8)
PROC_DOMAIN_RESUME = 28
PROC_DOMAIN_SUSPEND = 34
PROC_LEGACY_REGISTER = 105
PROC_LEGACY_DEREGISTER = 106
PROC_LEGACY_LIFECYCLE_MSG = 107
PROC_LEGACY_REGISTER_ANY = 167
PROC_LEGACY_DEREGISTER_ANY = 168
PROC_NETWORK_REGISTER = 313
PROC_NETWORK_DEREGISTER = 314
PROC_NETWORK_LIFECYCLE_MSG = 315
PROC_CALLBACK_REGISTER_ANY = 316
PROC_CALLBACK_DEREGISTER_ANY = 317
PROC_CALLBACK_LIFECYCLE_MSG = 318
PROC_POOL_REGISTER = 368
PROC_POOL_REFRESH_MSG = 373
FEATURE_REMOTE_EVENT_CALLBACK = 14

QD_CLIENT_MAX_QUEUED_EVENTS = 4096          # src/rpc/events.h


# ------------------------------------------------------------------ event loop
_loop_lock = threading.Lock()


def _run_event_loop():
    while True:
        libvirt.virEventRunDefaultImpl()


@pytest.fixture(scope='session')
def event_loop():
    """libvirt's default event loop, registered once per process, run by a daemon
    thread.  Connections opened after this receive events."""
    with _loop_lock:
        if not getattr(libvirt, '_qemud_tests_event_loop', False):
            assert libvirt.virEventRegisterDefaultImpl() == 0
            threading.Thread(target=_run_event_loop, name='libvirt-event-loop', daemon=True).start()
            libvirt._qemud_tests_event_loop = True
    return True


class Collector:
    """Events appended by callbacks (on the loop thread), waited for by the test."""

    def __init__(self):
        self.cond = threading.Condition()
        self.events = []

    def add(self, ev):
        with self.cond:
            self.events.append(ev)
            self.cond.notify_all()

    def snapshot(self):
        with self.cond:
            return list(self.events)

    def wait_for(self, n, timeout=WAIT):
        """Wait until at least @n events are in (or @timeout passes); returns them."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while len(self.events) < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self.cond.wait(left)
            return list(self.events)

    def settle(self, n, timeout=WAIT, quiet=QUIET):
        """wait_for(@n), then a short extra wait so that surplus events show up."""
        self.wait_for(n, timeout)
        time.sleep(quiet)
        return self.snapshot()


def _dom_cb(tag):
    def cb(conn, dom, event, detail, col):
        col.add((tag, dom.name(), dom.UUIDString(), dom.ID(), event, detail))
    return cb


def _meta_cb(conn, dom, mtype, nsuri, col):
    col.add(('metadata', dom.name(), dom.UUIDString(), dom.ID(), mtype, nsuri))


def _net_cb(conn, net, event, detail, col):
    col.add(('network', net.name(), net.UUIDString(), event, detail))


def _pool_cb(conn, pool, event, detail, col):
    col.add(('pool', pool.name(), pool.UUIDString(), event, detail))


def _refresh_cb(conn, pool, col):
    col.add(('refresh', pool.name(), pool.UUIDString()))


class Listener:
    """Registrations of one connection, all feeding one Collector."""

    def __init__(self, conn):
        self.conn = conn
        self.col = Collector()
        self.regs = []          # (deregister function, callback id)

    def lifecycle(self, dom=None, tag='lifecycle'):
        cid = self.conn.domainEventRegisterAny(dom, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                               _dom_cb(tag), self.col)
        self.regs.append((self.conn.domainEventDeregisterAny, cid))
        return cid

    def metadata(self, dom=None):
        cid = self.conn.domainEventRegisterAny(dom, libvirt.VIR_DOMAIN_EVENT_ID_METADATA_CHANGE,
                                               _meta_cb, self.col)
        self.regs.append((self.conn.domainEventDeregisterAny, cid))
        return cid

    def network(self, net=None):
        cid = self.conn.networkEventRegisterAny(net, libvirt.VIR_NETWORK_EVENT_ID_LIFECYCLE,
                                                _net_cb, self.col)
        self.regs.append((self.conn.networkEventDeregisterAny, cid))
        return cid

    def pool(self, pool=None):
        a = self.conn.storagePoolEventRegisterAny(pool, libvirt.VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE,
                                                  _pool_cb, self.col)
        b = self.conn.storagePoolEventRegisterAny(pool, libvirt.VIR_STORAGE_POOL_EVENT_ID_REFRESH,
                                                  _refresh_cb, self.col)
        self.regs += [(self.conn.storagePoolEventDeregisterAny, a),
                      (self.conn.storagePoolEventDeregisterAny, b)]

    def deregister(self, cid):
        for i, (fn, c) in enumerate(self.regs):
            if c == cid:
                fn(c)
                del self.regs[i]
                return
        raise AssertionError('no registration %d' % cid)

    def close(self):
        for fn, cid in self.regs:
            try:
                fn(cid)
            except libvirt.libvirtError:
                pass
        self.regs = []
        self.conn.close()


def record(uri, register, script, n):
    """Open @uri, register(listener), script(conn), wait for @n events (+ QUIET)."""
    lis = Listener(libvirt.open(uri))
    try:
        register(lis)
        script(lis.conn)
        return lis.col.settle(n)
    finally:
        lis.close()


def compare(qemud, register, script, expected):
    """The differential check: oracle == @expected, then qemud == oracle."""
    theirs = record(ORACLE_URI, register, script, len(expected))
    assert theirs == expected, 'oracle (%s) did not raise the expected events' % ORACLE_URI
    ours = record(qemud.uri, register, script, len(expected))
    qemud.assert_alive()
    assert ours == theirs, 'event lists differ (left: qemud, right: libvirt)'
    return ours


def fails(fn, *args):
    try:
        fn(*args)
    except libvirt.libvirtError as ex:
        return ex.get_error_message()
    raise AssertionError('%s did not fail' % fn)


def L(name, uid, domid, event, detail):
    return ('lifecycle', name, uid, domid, event, detail)


def tdom(domid, event, detail):
    return L('tdom', TDOM_UUID, domid, event, detail)


def tst(domid, event, detail):
    return L('test', TEST_UUID, domid, event, detail)


def tran(domid, event, detail):
    return L('tran', TRAN_UUID, domid, event, detail)


# ------------------------------------------------------------------ 1. differential
def test_domain_lifecycle_events_match_libvirt(qemud, event_loop):
    def script(c):
        d = c.defineXML(domain_xml('tdom', TDOM_UUID))
        d.create()
        d.suspend()
        d.resume()
        d.shutdown()
        d.create()
        d.destroy()
        c.defineXML(domain_xml('tdom', TDOM_UUID))         # redefine: Updated
        d.undefine()
        # undefine while running: the domain turns transient
        d = c.defineXML(domain_xml('tdom', TDOM_UUID))
        d.create()
        d.undefine()
        d.destroy()
        # failures raise no events
        assert 'already exists' in fails(c.defineXML, domain_xml('test', TRAN_UUID))
        assert fails(c.lookupByName('test').resume)
        t = c.lookupByName('test')
        t.destroy()
        t.create()

    compare(qemud, lambda lis: lis.lifecycle(), script, [
        tdom(-1, DEFINED, ADDED),
        tdom(2, STARTED, BOOTED),
        tdom(2, SUSPENDED, PAUSED),
        tdom(2, RESUMED, UNPAUSED),
        tdom(-1, STOPPED, SHUTDOWN),
        tdom(3, STARTED, BOOTED),
        tdom(-1, STOPPED, DESTROYED),
        tdom(-1, DEFINED, UPDATED),
        tdom(-1, UNDEFINED, REMOVED),
        tdom(-1, DEFINED, ADDED),
        tdom(4, STARTED, BOOTED),
        tdom(4, UNDEFINED, REMOVED),
        tdom(-1, STOPPED, DESTROYED),
        tst(-1, STOPPED, DESTROYED),
        tst(5, STARTED, BOOTED),
    ])


def test_transient_domain_events_match_libvirt(qemud, event_loop):
    """createXML + destroy (and + shutdown): libvirt's STOPPED event of a transient
    domain still carries the ID it ran with."""
    def script(c):
        t = c.createXML(domain_xml('tran', TRAN_UUID))
        t.suspend()
        t.resume()
        t.destroy()
        t = c.createXML(domain_xml('tran', TRAN_UUID))
        t.shutdown()

    compare(qemud, lambda lis: lis.lifecycle(), script, [
        tran(2, STARTED, BOOTED),
        tran(2, SUSPENDED, PAUSED),
        tran(2, RESUMED, UNPAUSED),
        tran(2, STOPPED, DESTROYED),
        tran(3, STARTED, BOOTED),
        tran(3, STOPPED, SHUTDOWN),
    ])


def test_define_over_running_transient_matches_libvirt(qemud, event_loop):
    """Defining a config for a running transient domain is 'Defined Added' in
    libvirt (there was no persistent config before)."""
    def script(c):
        t = c.createXML(domain_xml('tran', TRAN_UUID))
        c.defineXML(domain_xml('tran', TRAN_UUID))
        t.destroy()
        t.undefine()

    compare(qemud, lambda lis: lis.lifecycle(), script, [
        tran(2, STARTED, BOOTED),
        tran(2, DEFINED, ADDED),
        tran(-1, STOPPED, DESTROYED),
        tran(-1, UNDEFINED, REMOVED),
    ])


def test_metadata_events_match_libvirt(qemud, event_loop):
    NS = 'http://example.org/qemud/'
    D, T, E = (libvirt.VIR_DOMAIN_METADATA_DESCRIPTION, libvirt.VIR_DOMAIN_METADATA_TITLE,
               libvirt.VIR_DOMAIN_METADATA_ELEMENT)
    LIVE, CONFIG = libvirt.VIR_DOMAIN_AFFECT_LIVE, libvirt.VIR_DOMAIN_AFFECT_CONFIG

    def script(c):
        d = c.defineXML(domain_xml('tdom', TDOM_UUID))
        d.setMetadata(D, 'a description', None, None, 0)
        d.setMetadata(T, 'a title', None, None, 0)
        d.setMetadata(E, '<thing answer="42"/>', 'q', NS, 0)
        d.setMetadata(E, None, None, NS, 0)                 # removal
        d.create()
        d.setMetadata(D, 'live only', None, None, LIVE)
        d.setMetadata(D, 'both', None, None, LIVE | CONFIG)  # one event
        assert fails(d.setMetadata, D, 'x', None, None, 1 << 10)   # bad flag: no event
        d.destroy()
        d.undefine()
        c.lookupByName('test').setMetadata(T, 'test title', None, None, 0)

    def register(lis):
        lis.lifecycle()
        lis.metadata()

    def M(domid, mtype, uri=None, name='tdom', uid=TDOM_UUID):
        return ('metadata', name, uid, domid, mtype, uri)

    compare(qemud, register, script, [
        tdom(-1, DEFINED, ADDED),
        M(-1, D), M(-1, T), M(-1, E, NS), M(-1, E, NS),
        tdom(2, STARTED, BOOTED),
        M(2, D), M(2, D),
        tdom(-1, STOPPED, DESTROYED),
        tdom(-1, UNDEFINED, REMOVED),
        M(1, T, name='test', uid=TEST_UUID),
    ])


def test_network_events_match_libvirt(qemud, event_loop):
    def script(c):
        n = c.networkLookupByName('default')
        n.destroy()
        n.create()
        t = c.networkDefineXML(NETWORK_XML)
        t.create()
        t.destroy()
        t.undefine()
        t = c.networkCreateXML(NETWORK_XML)                 # transient
        t.destroy()
        assert fails(n.create)                              # already active: no event

    def N(name, uid, event):
        return ('network', name, uid, event, 0)

    compare(qemud, lambda lis: lis.network(), script, [
        N('default', DEFAULT_NET_UUID, N_STOPPED),
        N('default', DEFAULT_NET_UUID, N_STARTED),
        N('tnet', TNET_UUID, N_DEFINED),
        N('tnet', TNET_UUID, N_STARTED),
        N('tnet', TNET_UUID, N_STOPPED),
        N('tnet', TNET_UUID, N_UNDEFINED),
        N('tnet', TNET_UUID, N_STARTED),
        N('tnet', TNET_UUID, N_STOPPED),
    ])


def test_storage_pool_events_match_libvirt(qemud, event_loop, tmp_path):
    xml = POOL_XML.format(dir=tmp_path)

    def script(c):
        p = c.storagePoolDefineXML(xml)
        p.build(0)
        p.create(0)
        p.refresh(0)
        p.destroy()
        p.delete(0)
        p.undefine()
        p = c.storagePoolCreateXML(xml, 0)                  # transient
        p.refresh(0)
        p.destroy()

    def P(event):
        return ('pool', 'xpool', XPOOL_UUID, event, 0)

    R = ('refresh', 'xpool', XPOOL_UUID)
    compare(qemud, lambda lis: lis.pool(), script, [
        P(P_DEFINED), P(P_CREATED), P(P_STARTED), R, P(P_STOPPED), P(P_DELETED), P(P_UNDEFINED),
        P(P_STARTED), R, P(P_STOPPED),
    ])


# ------------------------------------------------------------------ 2. filters
def test_filtered_registrations_match_libvirt(qemud, event_loop):
    """A registration for one domain / network sees only that object's events."""
    def register(lis):
        lis.lifecycle(lis.conn.lookupByName('test'))
        lis.metadata(lis.conn.lookupByName('test'))
        lis.network(lis.conn.networkLookupByName('default'))

    def script(c):
        d = c.defineXML(domain_xml('tdom', TDOM_UUID))
        d.create()
        d.setMetadata(libvirt.VIR_DOMAIN_METADATA_TITLE, 'not seen', None, None, 0)
        t = c.lookupByName('test')
        t.suspend()
        d.suspend()
        t.resume()
        d.destroy()
        d.undefine()
        t.setMetadata(libvirt.VIR_DOMAIN_METADATA_TITLE, 'seen', None, None, 0)
        c.networkCreateXML(NETWORK_XML).destroy()
        n = c.networkLookupByName('default')
        n.destroy()
        n.create()

    ours = compare(qemud, register, script, [
        tst(1, SUSPENDED, PAUSED),
        tst(1, RESUMED, UNPAUSED),
        ('metadata', 'test', TEST_UUID, 1, libvirt.VIR_DOMAIN_METADATA_TITLE, None),
        ('network', 'default', DEFAULT_NET_UUID, N_STOPPED, 0),
        ('network', 'default', DEFAULT_NET_UUID, N_STARTED, 0),
    ])
    assert not [e for e in ours if 'tdom' in e or 'tnet' in e]


# ------------------------------------------------------------------ 3. several listeners
def test_two_listeners_and_deregistration(qemud, event_loop):
    a = Listener(libvirt.open(qemud.uri))
    b = Listener(libvirt.open(qemud.uri))
    trig = libvirt.open(qemud.uri)
    try:
        cid_a = a.lifecycle()
        b.lifecycle()
        t = trig.lookupByName('test')
        t.suspend()
        t.resume()
        want = [tst(1, SUSPENDED, PAUSED), tst(1, RESUMED, UNPAUSED)]
        assert b.col.settle(2) == want
        assert a.col.settle(2, quiet=0) == want

        # a stops listening; b keeps getting everything
        a.deregister(cid_a)
        t.destroy()
        t.create()
        want2 = want + [tst(-1, STOPPED, DESTROYED), tst(2, STARTED, BOOTED)]
        assert b.col.settle(4) == want2
        assert a.col.snapshot() == want, 'events delivered after domainEventDeregisterAny'

        # ... and can listen again
        a.lifecycle(tag='again')
        t.suspend()
        assert a.col.settle(3)[2:] == [('again', 'test', TEST_UUID, 2, SUSPENDED, PAUSED)]
        assert b.col.settle(5)[4:] == [tst(2, SUSPENDED, PAUSED)]
    finally:
        a.close()
        b.close()
        trig.close()
    qemud.assert_alive()


# ------------------------------------------------------------------ raw helpers
def xdom(name, uid, domid):
    """remote_nonnull_domain."""
    return rc.xstr(name) + uuid.UUID(uid).bytes + rc.i32(domid)


def read_dom(r):
    return r.string(), str(uuid.UUID(bytes=r.opaque(16))), r.i32()


def read_net(r):
    return r.string(), str(uuid.UUID(bytes=r.opaque(16)))


def register_raw(cl, event_id=0, dom=None):
    """316 {int eventID; remote_domain dom (optional)} -> callbackID."""
    body = rc.i32(event_id) + (rc.u32(0) if dom is None else rc.u32(1) + dom)
    r = rc.Reader(cl.call_ok(PROC_CALLBACK_REGISTER_ANY, body).body)
    cid = r.i32()
    assert r.pos == len(r.data), 'trailing bytes in the register reply'
    return cid


def expect_event(cl, proc, timeout=WAIT):
    """The next message must be event @proc with libvirtd's header."""
    m = cl.recv(timeout)
    assert (m.prog, m.vers, m.proc, m.type, m.serial, m.status) == \
        (rc.REMOTE, 1, proc, rc.MESSAGE, 1, rc.OK), m
    return rc.Reader(m.body)


def done(r):
    assert r.pos == len(r.data), 'event body has %d trailing bytes' % (len(r.data) - r.pos)


def vm_rss_kib(pid, key):
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            if line.startswith(key + ':'):
                return int(line.split()[1])
    raise AssertionError('%s not in /proc/%d/status' % (key, pid))


# ------------------------------------------------------------------ 4. a listener that dies
def test_listener_dies_without_deregistering(qemud, event_loop):
    good = Listener(libvirt.open(qemud.uri))
    try:
        good.lifecycle()
        trig = rc.RawClient(qemud.sock).open()
        dom = trig.lookup_domain('test')
        n = 0
        for i in range(20):
            dead = rc.RawClient(qemud.sock).open()
            if i % 2:
                register_raw(dead)
                register_raw(dead, dom=dom)
            else:
                dead.call_ok(PROC_LEGACY_REGISTER_ANY, rc.i32(0))
            # events are queued for the dying client, some written, none read
            for _ in range(5):
                trig.call_ok(PROC_DOMAIN_SUSPEND, dom)
                trig.call_ok(PROC_DOMAIN_RESUME, dom)
                n += 2
            dead.close()
        trig.call_ok(PROC_DOMAIN_SUSPEND, dom)
        n += 1
        got = good.col.settle(n)
        assert len(got) == n
        assert got == [tst(1, SUSPENDED, PAUSED), tst(1, RESUMED, UNPAUSED)] * (n // 2) + \
            [tst(1, SUSPENDED, PAUSED)]

        # the daemon still serves calls, old and new clients alike
        assert trig.get_type() == 'TEST'
        with rc.RawClient(qemud.sock) as c:
            c.open()
            assert c.get_type() == 'TEST'
        assert good.conn.lookupByName('test').state() == [libvirt.VIR_DOMAIN_PAUSED, 1]
        trig.close()
    finally:
        good.close()
    qemud.assert_alive()


# ------------------------------------------------------------------ 5. a listener that stops reading
def test_listener_that_stops_reading_is_disconnected(qemud, event_loop):
    sock = qemud.sock                       # starts the daemon
    pid = qemud.proc.pid
    lazy = rc.RawClient(sock).open()
    cid = register_raw(lazy)
    trig = rc.RawClient(sock).open()
    dom = trig.lookup_domain('test')
    base_rss = vm_rss_kib(pid, 'VmRSS')

    # ~8000 events at most; stop early once the daemon has given up on @lazy
    warning = 'events queued and unread, disconnecting'
    sent = 0
    t0 = time.monotonic()
    while sent < 8000 and time.monotonic() - t0 < 15:
        for _ in range(100):
            trig.call_ok(PROC_DOMAIN_SUSPEND, dom)
            trig.call_ok(PROC_DOMAIN_RESUME, dom)
            sent += 2
        if sent > QD_CLIENT_MAX_QUEUED_EVENTS and warning in qemud.log():
            break
    assert warning in qemud.log(), 'no disconnect warning after %d events; log:\n%s' % (
        sent, qemud.log_tail())
    assert sent > QD_CLIENT_MAX_QUEUED_EVENTS

    # (b) the daemon's memory stayed bounded (peak, not just now)
    peak = vm_rss_kib(pid, 'VmHWM')
    assert peak - base_rss < 64 * 1024, 'RSS grew from %d KiB to a peak of %d KiB' % (base_rss, peak)

    # (a) what was written before the disconnect is still buffered: drain it, then EOF
    got = 0
    deadline = time.monotonic() + 10
    with pytest.raises(rc.Closed):
        while time.monotonic() < deadline and got <= sent:
            r = expect_event(lazy, PROC_CALLBACK_LIFECYCLE_MSG)
            assert r.i32() == cid
            assert read_dom(r) == ('test', TEST_UUID, 1)
            assert (r.i32(), r.i32()) == ((SUSPENDED, PAUSED) if got % 2 == 0 else (RESUMED, UNPAUSED))
            done(r)
            got += 1
    # cut off with exactly QD_CLIENT_MAX_QUEUED_EVENTS queued behind what it had been
    # sent; the test stops raising events a few batches after the warning
    assert got + QD_CLIENT_MAX_QUEUED_EVENTS < sent <= got + QD_CLIENT_MAX_QUEUED_EVENTS + 1000, \
        'lazy client read %d of %d events before EOF' % (got, sent)
    print('slow reader: %d events raised, %d read before EOF, RSS %d KiB -> peak %d KiB'
          % (sent, got, base_rss, peak))
    lazy.close()

    # (c) everybody else is still served, and events still flow
    assert trig.get_type() == 'TEST'
    good = Listener(libvirt.open(qemud.uri))
    try:
        good.lifecycle()
        trig.call_ok(PROC_DOMAIN_SUSPEND, dom)
        assert good.col.settle(1) == [tst(1, SUSPENDED, PAUSED)]
    finally:
        good.close()
    trig.close()
    assert qemud.log().count(warning) == 1, qemud.log_tail()
    qemud.assert_alive()


# ------------------------------------------------------------------ 6. the wire
def test_wire_callback_lifecycle_message(qemud):
    lis = rc.RawClient(qemud.sock).open()
    trig = rc.RawClient(qemud.sock).open()
    dom = trig.lookup_domain('test')
    assert dom == xdom('test', TEST_UUID, 1)
    r = rc.Reader(lis.call_ok(rc.PROC_CONNECT_SUPPORTS_FEATURE, rc.i32(FEATURE_REMOTE_EVENT_CALLBACK)).body)
    assert r.i32() == 1
    done(r)

    cid = register_raw(lis)
    cid_f = register_raw(lis, dom=dom)                  # filtered on 'test': a second message
    assert cid != cid_f
    trig.call_ok(PROC_DOMAIN_SUSPEND, dom)
    seen = []
    for _ in range(2):
        r = expect_event(lis, PROC_CALLBACK_LIFECYCLE_MSG)
        c = r.i32()
        assert read_dom(r) == ('test', TEST_UUID, 1)
        assert (r.i32(), r.i32()) == (SUSPENDED, PAUSED)
        done(r)
        seen.append(c)
    assert sorted(seen) == sorted([cid, cid_f])

    # deregistered callbacks get nothing more; unknown IDs are errors
    lis.call_ok(PROC_CALLBACK_DEREGISTER_ANY, rc.i32(cid_f))
    trig.call_ok(PROC_DOMAIN_RESUME, dom)
    r = expect_event(lis, PROC_CALLBACK_LIFECYCLE_MSG)
    assert r.i32() == cid
    assert read_dom(r) == ('test', TEST_UUID, 1)
    assert (r.i32(), r.i32()) == (RESUMED, UNPAUSED)
    done(r)
    lis.call_ok(PROC_CALLBACK_DEREGISTER_ANY, rc.i32(cid))
    trig.call_ok(PROC_DOMAIN_SUSPEND, dom)
    lis.expect_silence(0.5)
    for bad in (12345, cid):
        e = lis.call_err(PROC_CALLBACK_DEREGISTER_ANY, rc.i32(bad))
        assert (e['code'], e['domain'], e['level']) == (1, 7, 2), e
        assert e['message'] == 'internal error: domain event callback %d not registered' % bad
    lis.close()
    trig.close()


def test_wire_legacy_lifecycle_message(qemud):
    lis = rc.RawClient(qemud.sock).open()
    trig = rc.RawClient(qemud.sock).open()
    dom = trig.lookup_domain('test')

    r = lis.call_ok(PROC_LEGACY_REGISTER_ANY, rc.i32(0))
    assert r.body == b''
    trig.call_ok(PROC_DOMAIN_SUSPEND, dom)
    r = expect_event(lis, PROC_LEGACY_LIFECYCLE_MSG)
    assert read_dom(r) == ('test', TEST_UUID, 1)           # no callbackID in front
    assert (r.i32(), r.i32()) == (SUSPENDED, PAUSED)
    done(r)
    lis.call_ok(PROC_LEGACY_DEREGISTER_ANY, rc.i32(0))
    trig.call_ok(PROC_DOMAIN_RESUME, dom)
    lis.expect_silence(0.5)

    # the oldest form (105, no args): events are 107 as well.  libvirtd 9.0 leaves
    # cb_registered unset: the reply carries int 0
    r = rc.Reader(lis.call_ok(PROC_LEGACY_REGISTER).body)
    assert r.i32() == 0
    done(r)
    trig.call_ok(PROC_DOMAIN_SUSPEND, dom)
    r = expect_event(lis, PROC_LEGACY_LIFECYCLE_MSG)
    assert read_dom(r) == ('test', TEST_UUID, 1)
    assert (r.i32(), r.i32()) == (SUSPENDED, PAUSED)
    done(r)

    # the legacy path stops at DEVICE_REMOVED (15)
    for eid in (16, 26, -1):
        e = lis.call_err(PROC_LEGACY_REGISTER_ANY, rc.i32(eid))
        assert (e['code'], e['domain'], e['level']) == (1, 7, 2), e
        assert e['message'] == 'internal error: unsupported event ID %d' % eid
    e = lis.call_err(PROC_CALLBACK_REGISTER_ANY, rc.i32(27) + rc.u32(0))
    assert (e['code'], e['domain'], e['message']) == (1, 7, 'internal error: unsupported event ID 27')
    r = rc.Reader(lis.call_ok(PROC_LEGACY_DEREGISTER).body)
    assert r.i32() == 0                                    # libvirtd: cb_registered unset
    done(r)
    trig.call_ok(PROC_DOMAIN_RESUME, dom)
    lis.expect_silence(0.5)
    e = lis.call_err(PROC_LEGACY_DEREGISTER_ANY, rc.i32(0))
    assert (e['code'], e['domain'], e['message']) == (1, 7, 'internal error: domain event 0 not registered')
    lis.close()
    trig.close()


def test_wire_duplicate_registration_rejected(qemud):
    """libvirtd refuses a second registration of the same event (and the same filter)
    on one connection, whatever the form; the remote driver never sends one."""
    def already_tracked(e):
        assert (e['code'], e['domain'], e['level']) == (8, 0, 2), e
        assert e['message'] == 'invalid argument: event callback already tracked'

    cl = rc.RawClient(qemud.sock).open()
    dom = cl.lookup_domain('test')
    register_raw(cl)
    register_raw(cl, dom=dom)                  # another filter: fine
    register_raw(cl, event_id=23)              # another event: fine
    already_tracked(cl.call_err(PROC_CALLBACK_REGISTER_ANY, rc.i32(0) + rc.u32(0)))
    already_tracked(cl.call_err(PROC_CALLBACK_REGISTER_ANY, rc.i32(0) + rc.u32(1) + dom))
    already_tracked(cl.call_err(PROC_LEGACY_REGISTER_ANY, rc.i32(0)))
    already_tracked(cl.call_err(PROC_LEGACY_REGISTER))
    cl.call_ok(PROC_NETWORK_REGISTER, rc.i32(0) + rc.u32(0))
    already_tracked(cl.call_err(PROC_NETWORK_REGISTER, rc.i32(0) + rc.u32(0)))

    # so one state change is one message per registration
    with rc.RawClient(qemud.sock) as trig:
        trig.open()
        trig.call_ok(PROC_DOMAIN_SUSPEND, dom)
    cids = []
    for _ in range(2):
        r = expect_event(cl, PROC_CALLBACK_LIFECYCLE_MSG)
        cids.append(r.i32())
    cl.expect_silence(0.5)
    assert len(set(cids)) == 2
    cl.close()


def test_wire_network_and_pool_messages(qemud, event_loop):
    lis = rc.RawClient(qemud.sock).open()
    r = rc.Reader(lis.call_ok(PROC_NETWORK_REGISTER, rc.i32(0) + rc.u32(0)).body)
    ncid = r.i32()
    r = rc.Reader(lis.call_ok(PROC_POOL_REGISTER, rc.i32(1) + rc.u32(0)).body)
    pcid = r.i32()
    conn = libvirt.open(qemud.uri)
    try:
        conn.networkLookupByName('default').destroy()
        r = expect_event(lis, PROC_NETWORK_LIFECYCLE_MSG)
        assert r.i32() == ncid
        assert read_net(r) == ('default', DEFAULT_NET_UUID)
        assert (r.i32(), r.i32()) == (N_STOPPED, 0)
        done(r)

        pool = conn.storagePoolLookupByName('default-pool')
        pool.refresh(0)
        r = expect_event(lis, PROC_POOL_REFRESH_MSG)
        assert r.i32() == pcid
        assert read_net(r) == ('default-pool', pool.UUIDString())
        done(r)
        lis.call_ok(PROC_NETWORK_DEREGISTER, rc.i32(ncid))
        conn.networkLookupByName('default').create()
        lis.expect_silence(0.5)
        e = lis.call_err(PROC_NETWORK_DEREGISTER, rc.i32(ncid))
        assert e['message'] == 'internal error: network event callback %d not registered' % ncid
    finally:
        conn.close()
    lis.close()


# ------------------------------------------------------------------ 7. virsh
def _spawn(env, uri, cmd):
    return subprocess.Popen(['virsh', '-c', uri, cmd], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, text=True, env=env)


def test_virsh_event_loops(qemud, virsh, xmldir, client_home):
    """virsh event / net-event / pool-event listening while another virsh defines,
    starts, suspends, resumes and destroys a domain (the listeners register first,
    so with libvirtd as well their connections keep test:///default's state)."""
    env = client_env(client_home)
    cmds = {
        'all': 'event --all --loop --timeout 5',
        'test': 'event --domain test --event lifecycle --loop --timeout 5',
        'net': 'net-event --event lifecycle --loop --timeout 5',
        'pool': 'pool-event --event lifecycle --loop --timeout 5',
        'refresh': 'pool-event --event refresh --loop --timeout 5',
    }
    procs = {k: _spawn(env, qemud.uri, c) for k, c in cmds.items()}
    try:
        time.sleep(1.5)                     # let them connect and register
        r = virsh(qemud.uri, 'define %s/tdom.xml' % xmldir)
        assert r.rc == 0, r.err
        r = virsh(qemud.uri, 'start tdom; suspend tdom; resume tdom; destroy tdom; '
                             'net-destroy default; net-start default; '
                             'pool-destroy default-pool; pool-start default-pool; '
                             'pool-refresh default-pool; suspend test; resume test')
        assert (r.rc, r.err) == (0, '')
        outs = {}
        for k, p in procs.items():
            out, err = p.communicate(timeout=15)
            outs[k] = (p.returncode, out, err)
    finally:
        for p in procs.values():
            if p.poll() is None:
                p.kill()
                p.wait()
    qemud.assert_alive()

    def lines(*ls):
        return ''.join(x + '\n' for x in ls) + 'event loop timed out\nevents received: %d\n\n' % len(ls)

    test_lines = ("event 'lifecycle' for domain 'test': Suspended Paused",
                  "event 'lifecycle' for domain 'test': Resumed Unpaused")
    # the tdom lines are those of the libvirtd trace shared/protocol/traces/event-loop.out
    assert outs['all'] == (0, lines("event 'lifecycle' for domain 'tdom': Defined Added",
                                    "event 'lifecycle' for domain 'tdom': Started Booted",
                                    "event 'lifecycle' for domain 'tdom': Suspended Paused",
                                    "event 'lifecycle' for domain 'tdom': Resumed Unpaused",
                                    "event 'lifecycle' for domain 'tdom': Stopped Destroyed",
                                    *test_lines), '')
    assert outs['test'] == (0, lines(*test_lines), '')
    assert outs['net'] == (0, lines("event 'lifecycle' for network default: Stopped",
                                    "event 'lifecycle' for network default: Started"), '')
    assert outs['pool'] == (0, lines("event 'lifecycle' for storage pool default-pool: Stopped",
                                     "event 'lifecycle' for storage pool default-pool: Started"), '')
    assert outs['refresh'] == (0, lines("event 'refresh' for storage pool default-pool"), '')
