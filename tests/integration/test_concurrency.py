"""Many threads over a few shared connections, and many raw clients at once."""
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import libvirt

from conftest import ORACLE_URI, domain_xml
from rawclient import (CALL, OK, PROC_CONNECT_GET_HOSTNAME, PROC_CONNECT_GET_TYPE, PROC_CONNECT_GET_VERSION,
                       PROC_DOMAIN_GET_XML_DESC, REMOTE, RawClient, Reader, msg, u32)

THREADS, CALLS, CONNS = 16, 200, 4


def _uuid(i):
    return '00000000-0000-4000-8000-%012d' % i


def _worker(conn, i):
    """CALLS calls: lookups, getinfo, XML, define/undefine, start/suspend/resume/destroy
    of this thread's own domain; reads of the shared "test" domain.  Even threads
    leave their domain defined at the end, odd ones undefined."""
    name, uuid = 'cc%d' % i, _uuid(i)
    xml = domain_xml(name, uuid)
    rnd = random.Random(i)
    dom = None
    calls = 0
    cycle = 0
    while calls < CALLS:
        cycle += 1
        dom = conn.defineXML(xml)
        defined = True
        assert dom.name() == name and dom.UUIDString() == uuid
        calls += 1
        steps = ['info', 'lookup', 'xml', 'list', 'start', 'suspend', 'resume', 'state', 'destroy']
        for step in steps:
            if step == 'info':
                info = conn.lookupByName('test').info()
                assert info[0] == libvirt.VIR_DOMAIN_RUNNING and info[1:4] == [8388608, 2097152, 2]
            elif step == 'lookup':
                assert conn.lookupByUUIDString(uuid).name() == name
                assert conn.lookupByID(1).name() == 'test'
            elif step == 'xml':
                assert '<name>%s</name>' % name in dom.XMLDesc(0)
                assert '<name>test</name>' in conn.lookupByName('test').XMLDesc(0)
            elif step == 'list':
                names = {d.name() for d in conn.listAllDomains()}
                assert 'test' in names and name in names
            elif step == 'start':
                dom.create()
                assert dom.isActive() == 1
            elif step == 'suspend':
                dom.suspend()
                assert dom.state()[0] == libvirt.VIR_DOMAIN_PAUSED
            elif step == 'resume':
                dom.resume()
                assert dom.info()[0] == libvirt.VIR_DOMAIN_RUNNING
            elif step == 'state':
                assert dom.isPersistent() == 1
                if rnd.random() < 0.5:
                    conn.getVersion()
            elif step == 'destroy':
                dom.destroy()
                assert dom.isActive() == 0
            calls += 2
        if cycle % 2:
            continue
        dom.undefine()                       # every other cycle ends undefined
        defined = False
        try:
            conn.lookupByName(name)
            raise AssertionError('%s still there after undefine' % name)
        except libvirt.libvirtError as ex:
            assert ex.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN
        calls += 2
    # settle the final state: even threads keep their domain, odd ones drop it
    if defined and i % 2:
        dom.undefine()
    elif not defined and not i % 2:
        conn.defineXML(xml)
    return calls


def _run_workload(uri):
    conns = [libvirt.open(uri) for _ in range(CONNS)]
    try:
        with ThreadPoolExecutor(THREADS) as ex:
            futs = [ex.submit(_worker, conns[i % CONNS], i) for i in range(THREADS)]
            done = [f.result(timeout=120) for f in futs]   # re-raises a thread's failure
        assert all(n >= CALLS for n in done)
        c = libvirt.open(uri)       # a fresh connection sees the same final state
        try:
            doms = {d.name(): d for d in c.listAllDomains()}
            assert sorted(doms) == sorted(['test'] + ['cc%d' % i for i in range(0, THREADS, 2)])
            for name, d in doms.items():
                if name == 'test':
                    assert d.state()[0] == libvirt.VIR_DOMAIN_RUNNING and d.ID() == 1
                else:
                    assert d.isActive() == 0 and d.isPersistent() == 1
                    assert d.UUIDString() == _uuid(int(name[2:]))
        finally:
            c.close()
    finally:
        for c in conns:
            c.close()


def test_threads_over_shared_connections(qemud):
    _run_workload(ORACLE_URI)       # the workload itself is sound
    t0 = time.monotonic()
    _run_workload(qemud.uri)
    assert time.monotonic() - t0 < 60


def test_many_raw_clients_pipelining(qemud):
    """32 clients, each pipelining 100 mixed calls: every reply reaches the right
    client with the right serial and the right content."""
    errors = []
    start = threading.Barrier(32, timeout=30)
    sock = qemud.sock                       # start the daemon before the threads

    def client(k):
        try:
            with RawClient(sock, timeout=30) as c:
                c.open()
                dom = c.lookup_domain('test')
                start.wait()
                base = 1000 * (k + 1)
                procs = [PROC_CONNECT_GET_TYPE, PROC_CONNECT_GET_VERSION, PROC_CONNECT_GET_HOSTNAME,
                         PROC_DOMAIN_GET_XML_DESC]
                sent = {}
                data = b''
                for j in range(100):
                    p = procs[(j + k) % len(procs)]
                    body = dom + u32(0) if p == PROC_DOMAIN_GET_XML_DESC else b''
                    sent[base + j] = p
                    data += msg(REMOTE, 1, p, CALL, base + j, OK, body)
                c.send(data)
                for _ in range(100):
                    r = c.recv_reply()
                    assert r.status == OK, r
                    assert sent.pop(r.serial) == r.proc, r
                    if r.proc == PROC_CONNECT_GET_TYPE:
                        assert Reader(r.body).string() == 'TEST'
                    elif r.proc == PROC_DOMAIN_GET_XML_DESC:
                        assert '<name>test</name>' in Reader(r.body).string()
                assert not sent
        except BaseException as ex:  # noqa: BLE001 - collected and re-raised below
            start.abort()
            errors.append((k, ex))

    threads = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    qemud.assert_alive()
