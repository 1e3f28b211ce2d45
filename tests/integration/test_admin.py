"""The ADMIN program on libvirt-admin-sock (README §13, traces/adm-*), driven by
the real virt-admin 9.0 and, for input virt-admin never sends, by raw frames.

Expectations are libvirtd 9.0's: the output layout of traces/adm-*.out, its
servers "libvirtd" and "admin", its defaults, its error codes, domains and
texts.  Run the file with QEMUD_BIN=tests/integration/libvirtd_as_qemud.sh to
check them against libvirtd itself; the few checks of deliberate qemud
behaviour are skipped then.
"""
import grp
import os
import pwd
import re
import subprocess
import threading
import time

import libvirt
import pytest

from conftest import QEMUD_BIN, Result, admin_kv as kv, client_env
from rawclient import (ADMIN, CALL, ERROR, OK, REMOTE, REPLY, Closed, RawClient, Reader, i32, msg, u32, xoptstr,
                       xstr)

AGAINST_LIBVIRTD = 'libvirtd' in QEMUD_BIN.name

# ADMIN procedures (admin_protocol.x)
A_OPEN, A_CLOSE, A_LIB_VERSION, A_LIST_SERVERS, A_LOOKUP_SERVER = 1, 2, 3, 4, 5
A_GET_THREADPOOL, A_SET_THREADPOOL, A_LIST_CLIENTS, A_LOOKUP_CLIENT = 6, 7, 8, 9
A_CLIENT_INFO, A_CLIENT_CLOSE, A_GET_LIMITS, A_SET_LIMITS = 10, 11, 12, 13
A_GET_OUTPUTS, A_GET_FILTERS, A_SET_OUTPUTS, A_SET_FILTERS = 14, 15, 16, 17
A_UPDATE_TLS, A_SET_TIMEOUT = 18, 19

# typed parameter types
TP_INT, TP_UINT, TP_LLONG, TP_ULLONG, TP_DOUBLE, TP_BOOLEAN, TP_STRING = range(1, 8)

FROM_NONE, FROM_RPC, FROM_ADMIN = 0, 7, 62
ERR_INTERNAL, ERR_INVALID_ARG, ERR_RPC, ERR_ARG_UNSUPPORTED, ERR_NO_SERVER, ERR_NO_CLIENT = 1, 8, 39, 74, 95, 96

TIME_RE = r'\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[+-]\d{4}'


@pytest.fixture(scope='session')
def vadm(client_home):
    """vadm(qemud, *args) -> Result(rc, out, err): one virt-admin process."""
    env = client_env(client_home)

    def run(qemud, *args, timeout=60):
        uri = 'libvirtd+unix:///system?socket=' + qemud.admin_sock
        p = subprocess.run(['virt-admin', '-c', uri] + list(args), capture_output=True, text=True,
                           timeout=timeout, env=env, stdin=subprocess.DEVNULL)
        return Result(p.returncode, p.stdout, p.stderr)

    return run


def ok(r):
    assert r.rc == 0 and r.err == '', r
    return r.out


def fails(r, *errors):
    """virt-admin failed and printed exactly these error lines."""
    assert r.rc == 1, r
    assert [line.rstrip() for line in r.err.strip().splitlines()] == \
        [('error: ' + e).rstrip() for e in errors], r
    return r


def threadpool(vadm, qemud, srv='libvirtd'):
    return {k: int(v) for k, v in kv(ok(vadm(qemud, 'srv-threadpool-info', srv))).items()}


def limits(vadm, qemud, srv='libvirtd'):
    return {k: int(v) for k, v in kv(ok(vadm(qemud, 'srv-clients-info', srv))).items()}


def client_rows(vadm, qemud, srv='libvirtd'):
    """srv-clients-list -> [(id, transport, since)]."""
    lines = ok(vadm(qemud, 'srv-clients-list', srv)).splitlines()
    assert lines[0].split() == ['Id', 'Transport', 'Connected', 'since'], lines
    assert set(lines[1]) == {'-'}, lines
    rows = []
    for line in lines[2:]:
        if line.strip():
            m = re.match(r'^ (\d+) +(\w+) +(%s)$' % TIME_RE, line)
            assert m, line
            rows.append((int(m.group(1)), m.group(2), m.group(3)))
    return rows


def wait_for(cond, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.05)
    return cond()


def main_conn(qemud, readonly=False):
    return libvirt.openReadOnly(qemud.ro_uri) if readonly else libvirt.open(qemud.uri)


def my_client_id(vadm, qemud, before):
    """The id of the one libvirtd client that appeared since @before."""
    new = [r for r in client_rows(vadm, qemud) if r[0] not in before]
    assert len(new) == 1, new
    return new[0][0]


def ids(vadm, qemud):
    return {r[0] for r in client_rows(vadm, qemud)}


# ------------------------------------------------------------------ raw ADMIN frames
def tparam(field, ptype, value):
    b = xstr(field) + u32(ptype)
    if ptype in (TP_INT, TP_BOOLEAN):
        return b + i32(value)
    if ptype == TP_UINT:
        return b + u32(value)
    if ptype in (TP_LLONG, TP_ULLONG):
        return b + value.to_bytes(8, 'big', signed=ptype == TP_LLONG)
    if ptype == TP_STRING:
        return b + xstr(value)
    raise ValueError(ptype)


def tparams(*params):
    return u32(len(params)) + b''.join(tparam(*p) for p in params)


def read_tparams(r):
    out = []
    for _ in range(r.u32()):
        field, ptype = r.string(), r.u32()
        if ptype in (TP_INT, TP_BOOLEAN):
            v = r.i32()
        elif ptype == TP_UINT:
            v = r.u32()
        elif ptype == TP_STRING:
            v = r.string()
        else:
            raise AssertionError('unexpected type %d' % ptype)
        out.append((field, ptype, v))
    return out


def xclient(srv, cid, ts=0, transport=0):
    return xstr(srv) + cid.to_bytes(8, 'big') + ts.to_bytes(8, 'big', signed=True) + u32(transport)


def acall(c, proc, body=b''):
    return c.call(proc, body, prog=ADMIN)


def aok(c, proc, body=b''):
    r = acall(c, proc, body)
    assert r.status == OK, r
    return Reader(r.body)


def aerr(c, proc, body=b''):
    r = acall(c, proc, body)
    assert r.status == ERROR, r
    e = r.error()
    return e['code'], e['domain'], e['message']


def admin_client(qemud):
    c = RawClient(qemud.admin_sock)
    aok(c, A_OPEN, u32(0))
    return c


# ------------------------------------------------------------------ virt-admin, as in traces/adm-*
def test_version(qemud, vadm):
    assert ok(vadm(qemud, 'version')) == ('Compiled against library: libvirt 9.0.0\n'
                                          'Using library: libvirt 9.0.0\n'
                                          'Running against daemon: 9.0.0\n\n')


def test_srv_list(qemud, vadm):
    # the exact output of traces/adm-srv-list.out (libvirtd's order varies
    # from run to run: it lists a hash table)
    out = ok(vadm(qemud, 'srv-list'))
    assert out == ' Id   Name\n----------------\n 0    libvirtd\n 1    admin\n\n' or \
        AGAINST_LIBVIRTD and out == ' Id   Name\n----------------\n 0    admin\n 1    libvirtd\n\n', out


def test_threadpool_info(qemud, vadm):
    # the fixture's probe client is released by a worker: let that finish
    assert wait_for(lambda: threadpool(vadm, qemud)['freeWorkers'] == 5)
    out = ok(vadm(qemud, 'srv-threadpool-info', 'libvirtd'))
    # traces/adm-srv-threadpool-info.out: libvirtd.conf's defaults, all idle
    assert out == ('minWorkers     : 5\nmaxWorkers     : 20\nnWorkers       : 5\nfreeWorkers    : 5\n'
                   'prioWorkers    : 5\njobQueueDepth  : 0\n\n')
    # the admin server: libvirtd's built-in admin_* defaults, no priority lane;
    # its own worker runs this very call
    adm = threadpool(vadm, qemud, 'admin')
    assert list(adm) == ['minWorkers', 'maxWorkers', 'nWorkers', 'freeWorkers', 'prioWorkers', 'jobQueueDepth']
    assert (adm['minWorkers'], adm['maxWorkers'], adm['prioWorkers']) == (5, 20, 0)
    assert adm['nWorkers'] >= 5 and adm['freeWorkers'] == adm['nWorkers'] - 1


def test_threadpool_set(qemud, vadm):
    assert ok(vadm(qemud, 'srv-threadpool-set', 'libvirtd', '--max-workers', '20')) == '\n'
    ok(vadm(qemud, 'srv-threadpool-set', 'libvirtd', '--min-workers', '8', '--max-workers', '12',
            '--priority-workers', '2'))
    tp = threadpool(vadm, qemud)
    # raised minimum: the workers are there at once; fewer priority workers:
    # the idle ones leave
    assert (tp['minWorkers'], tp['maxWorkers'], tp['nWorkers']) == (8, 12, 8), tp
    assert wait_for(lambda: threadpool(vadm, qemud)['prioWorkers'] == 2)
    ok(vadm(qemud, 'srv-threadpool-set', 'libvirtd', '--min-workers', '1', '--max-workers', '3'))
    assert wait_for(lambda: threadpool(vadm, qemud)['nWorkers'] == 3)
    tp = threadpool(vadm, qemud)
    assert (tp['minWorkers'], tp['maxWorkers'], tp['freeWorkers'], tp['prioWorkers']) == (1, 3, 3, 2), tp
    ok(vadm(qemud, 'srv-threadpool-set', 'libvirtd', '--priority-workers', '6'))
    assert threadpool(vadm, qemud)['prioWorkers'] == 6
    # the admin server's pool is separate
    ok(vadm(qemud, 'srv-threadpool-set', 'admin', '--min-workers', '2', '--max-workers', '4'))
    adm = threadpool(vadm, qemud, 'admin')
    assert (adm['minWorkers'], adm['maxWorkers'], adm['prioWorkers']) == (2, 4, 0), adm
    assert threadpool(vadm, qemud)['maxWorkers'] == 3


def test_threadpool_set_errors(qemud, vadm):
    before = threadpool(vadm, qemud)
    bad = 'Unable to change server workerpool parameters'
    fails(vadm(qemud, 'srv-threadpool-set', 'libvirtd', '--max-workers', '4'),
          bad, 'invalid argument: minWorkers cannot be larger than maxWorkers')
    fails(vadm(qemud, 'srv-threadpool-set', 'libvirtd', '--min-workers', '21'),
          bad, 'invalid argument: minWorkers cannot be larger than maxWorkers')
    fails(vadm(qemud, 'srv-threadpool-set', 'libvirtd', '--min-workers', '0', '--max-workers', '0'),
          bad, 'invalid argument: maxWorkers must not be switched from zero to non-zero and vice versa')
    # virt-admin's own checks: nothing reaches the daemon
    fails(vadm(qemud, 'srv-threadpool-set', 'libvirtd', '--min-workers', '3', '--max-workers', '2'),
          '--min-workers must be less than or equal to --max-workers')
    fails(vadm(qemud, 'srv-threadpool-set', 'libvirtd'),
          'At least one of options --min-workers, --max-workers, --priority-workers is mandatory ')
    fails(vadm(qemud, 'srv-threadpool-set', 'nosuch', '--max-workers', '4'),
          "Server not found: No server named 'nosuch'")
    fails(vadm(qemud, 'srv-threadpool-info', 'nosuch'), "Server not found: No server named 'nosuch'")
    assert threadpool(vadm, qemud) == before


def _hammer(uri, stop, results, i):
    """Calls on the main socket until @stop: normal-lane ones (capabilities,
    domain info) and priority ones (lookups)."""
    calls = 0
    try:
        conn = libvirt.open(uri)
        try:
            while not stop.is_set():
                assert '<capabilities>' in conn.getCapabilities()
                dom = conn.lookupByName('test')
                assert dom.info()[0] == libvirt.VIR_DOMAIN_RUNNING
                assert 'test' in conn.listDefinedDomains() + [d.name() for d in conn.listAllDomains()]
                calls += 4
        finally:
            conn.close()
        results[i] = calls
    except Exception as ex:  # noqa: BLE001 - reported by the test
        results[i] = ex


def test_threadpool_shrink_and_grow_under_load(qemud, vadm):
    nthreads = 8
    uri = qemud.uri
    stop = threading.Event()
    results = [None] * nthreads
    threads = [threading.Thread(target=_hammer, args=(uri, stop, results, i), daemon=True)
               for i in range(nthreads)]
    for t in threads:
        t.start()
    steps = [('--max-workers', '1', '--min-workers', '0', '--priority-workers', '0'),
             ('--max-workers', '20', '--min-workers', '5', '--priority-workers', '5'),
             ('--min-workers', '1', '--max-workers', '2', '--priority-workers', '1'),
             ('--max-workers', '6',),
             ('--max-workers', '1', '--min-workers', '1', '--priority-workers', '0'),
             ('--max-workers', '3', '--min-workers', '3', '--priority-workers', '3')]
    try:
        for rnd in range(2):
            for step in steps:
                time.sleep(0.15)
                ok(vadm(qemud, 'srv-threadpool-set', 'libvirtd', *step))
                assert threadpool(vadm, qemud)['maxWorkers'] == int(step[step.index('--max-workers') + 1])
        time.sleep(0.3)
    finally:
        stop.set()
        for t in threads:
            t.join(30)
    assert not any(t.is_alive() for t in threads), 'a call never returned (a job was lost?)'
    errors = [r for r in results if not isinstance(r, int)]
    assert not errors, errors
    assert all(r > 0 for r in results), results
    # at rest the pool has exactly what the last step asked for
    assert wait_for(lambda: threadpool(vadm, qemud) == {
        'minWorkers': 3, 'maxWorkers': 3, 'nWorkers': 3, 'freeWorkers': 3, 'prioWorkers': 3,
        'jobQueueDepth': 0}), threadpool(vadm, qemud)
    qemud.assert_alive()


def test_clients_list_and_info(qemud, vadm):
    before = ids(vadm, qemud)
    conn = main_conn(qemud)
    try:
        cid = my_client_id(vadm, qemud, before)
        rows = client_rows(vadm, qemud)
        assert [r[1] for r in rows if r[0] == cid] == ['unix']
        out = ok(vadm(qemud, 'client-info', 'libvirtd', str(cid)))
        # the layout of traces/adm-client-info.out
        keys = [line.split(':', 1)[0] for line in out.splitlines() if line]
        assert keys == ['id             ', 'connection_time', 'transport      ', 'readonly       ',
                        'unix_user_id   ', 'unix_user_name ', 'unix_group_id  ', 'unix_group_name',
                        'unix_process_id'], out
        info = kv(out)
        assert info['id'] == str(cid)
        assert re.fullmatch(TIME_RE, info['connection_time'])
        assert info['transport'] == 'unix' and info['readonly'] == 'no'
        assert info['unix_user_id'] == str(os.getuid())
        assert info['unix_user_name'] == pwd.getpwuid(os.getuid()).pw_name
        assert info['unix_group_id'] == str(os.getgid())
        assert info['unix_group_name'] == grp.getgrgid(os.getgid()).gr_name
        assert info['unix_process_id'] == str(os.getpid())
        # the connection time is the connect time, in seconds
        then = time.mktime(time.strptime(info['connection_time'][:19], '%Y-%m-%d %H:%M:%S'))
        assert abs(time.time() - then) < 120
        # a read-only client, from the read-only socket
        before = ids(vadm, qemud)
        ro = main_conn(qemud, readonly=True)
        try:
            rid = my_client_id(vadm, qemud, before)
            assert kv(ok(vadm(qemud, 'client-info', 'libvirtd', str(rid))))['readonly'] == 'yes'
        finally:
            ro.close()
        assert wait_for(lambda: rid not in ids(vadm, qemud))
    finally:
        conn.close()
    assert wait_for(lambda: cid not in ids(vadm, qemud))


def test_client_ids_count_per_server(qemud, vadm):
    # each server numbers its own clients from 1: this is the first admin
    # client, the main server has seen the fixture's probe already
    conn = main_conn(qemud)
    try:
        assert [r[:2] for r in client_rows(vadm, qemud, 'admin')] == [(1, 'unix')]
        assert [r[:2] for r in client_rows(vadm, qemud, 'admin')] == [(2, 'unix')]
        assert [r[0] for r in client_rows(vadm, qemud)] == [2]
    finally:
        conn.close()


def test_client_disconnect(qemud, vadm):
    before = ids(vadm, qemud)
    conn = main_conn(qemud)
    cid = my_client_id(vadm, qemud, before)
    n = limits(vadm, qemud)['nclients']
    assert ok(vadm(qemud, 'client-disconnect', 'libvirtd', str(cid))) == "Client '%d' disconnected\n" % cid
    # the slot is free at once, and the client's next call fails
    assert limits(vadm, qemud)['nclients'] == n - 1
    assert cid not in ids(vadm, qemud)
    with pytest.raises(libvirt.libvirtError):
        conn.lookupByName('test')
    fails(vadm(qemud, 'client-disconnect', 'libvirtd', str(cid)),
          "Client not found: No client with matching ID '%d'" % cid)
    fails(vadm(qemud, 'client-info', 'libvirtd', str(cid)),
          "Client not found: No client with matching ID '%d'" % cid)
    fails(vadm(qemud, 'client-disconnect', 'nosuch', '1'), "Server not found: No server named 'nosuch'")
    qemud.assert_alive()


def test_disconnect_frees_a_slot_at_max_clients(qemud, vadm):
    with RawClient(qemud.sock) as a:
        a.open()
        base = limits(vadm, qemud)['nclients']
        ok(vadm(qemud, 'srv-clients-set', 'libvirtd', '--max-clients', str(base), '--max-unauth-clients', '0'))
        assert limits(vadm, qemud)['nclients_max'] == base
        if not AGAINST_LIBVIRTD:
            # qemud answers an over-the-limit client, then closes it (libvirtd
            # leaves it waiting in the listen backlog instead)
            with RawClient(qemud.sock) as b:
                e = b.call_err(66)
                assert e['message'] == 'Too many active clients (%d), dropping connection' % base, e
                b.expect_closed()
        aid = max(ids(vadm, qemud))
        ok(vadm(qemud, 'client-disconnect', 'libvirtd', str(aid)))
        with pytest.raises((Closed, OSError)):
            a.call(66)
            a.call(66)
        # the freed slot admits a new client
        with RawClient(qemud.sock) as c:
            c.open()
            assert c.get_type() == 'TEST'
            assert limits(vadm, qemud)['nclients'] == base


def test_admin_client_disconnects_itself(qemud):
    with admin_client(qemud) as c:
        rd = aok(c, A_LIST_CLIENTS, xstr('admin') + u32(1) + u32(0))
        assert rd.u32() == 1
        srv, cid = rd.string(), int.from_bytes(rd.opaque(8), 'big')
        assert srv == 'admin'
        # the close lands before the reply could go out: the socket just closes
        c.send_call(A_CLIENT_CLOSE, xclient('admin', cid) + u32(0), prog=ADMIN)
        c.expect_closed()
    qemud.assert_alive()


def test_clients_info(qemud, vadm):
    assert wait_for(lambda: limits(vadm, qemud)['nclients'] == 0)
    out = ok(vadm(qemud, 'srv-clients-info', 'libvirtd'))
    # traces/adm-srv-clients-info.out; the fixture's probe client is gone
    assert out == ('nclients_max        : 5000\nnclients            : 0\n'
                   'nclients_unauth_max : 20\nnclients_unauth     : 0\n\n')
    conn = main_conn(qemud)
    try:
        assert limits(vadm, qemud)['nclients'] == 1
    finally:
        conn.close()
    assert wait_for(lambda: limits(vadm, qemud)['nclients'] == 0)
    # the admin server counts its own clients: this virt-admin
    assert limits(vadm, qemud, 'admin') == {'nclients_max': 5000, 'nclients': 1,
                                            'nclients_unauth_max': 0, 'nclients_unauth': 0}


def test_clients_set(qemud, vadm):
    assert wait_for(lambda: limits(vadm, qemud)['nclients'] == 0)
    assert ok(vadm(qemud, 'srv-clients-set', 'libvirtd', '--max-clients', '5000')) == '\n'
    ok(vadm(qemud, 'srv-clients-set', 'libvirtd', '--max-clients', '30', '--max-unauth-clients', '10'))
    assert limits(vadm, qemud) == {'nclients_max': 30, 'nclients': 0, 'nclients_unauth_max': 10,
                                   'nclients_unauth': 0}
    bad = "Unable to change server's client-related configuration limits"
    fails(vadm(qemud, 'srv-clients-set', 'libvirtd', '--max-clients', '9'), bad,
          'invalid argument: The overall maximum number of clients waiting for authentication must not be '
          'less than the overall maximum number of clients')
    fails(vadm(qemud, 'srv-clients-set', 'libvirtd', '--max-unauth-clients', '31'), bad,
          'invalid argument: The overall maximum number of clients waiting for authentication must not be '
          'less than the overall maximum number of clients')
    fails(vadm(qemud, 'srv-clients-set', 'libvirtd', '--max-clients', '1', '--max-unauth-clients', '2'),
          '--max-unauth-clients must be less than or equal to --max-clients')
    fails(vadm(qemud, 'srv-clients-set', 'libvirtd'),
          'At least one of options --max-clients, --max-unauth-clients is mandatory')
    fails(vadm(qemud, 'srv-clients-set', 'nosuch', '--max-clients', '3'),
          "Server not found: No server named 'nosuch'")
    fails(vadm(qemud, 'srv-clients-info', 'nosuch'), "Server not found: No server named 'nosuch'")
    assert limits(vadm, qemud)['nclients_max'] == 30
    # a limit under the current count is accepted (as by libvirtd): the
    # connected clients stay
    a, b = main_conn(qemud), main_conn(qemud)
    try:
        ok(vadm(qemud, 'srv-clients-set', 'libvirtd', '--max-clients', '1', '--max-unauth-clients', '0'))
        assert limits(vadm, qemud) == {'nclients_max': 1, 'nclients': 2, 'nclients_unauth_max': 0,
                                       'nclients_unauth': 0}
        assert a.lookupByName('test').name() == b.lookupByName('test').name() == 'test'
    finally:
        a.close()
        b.close()
    # per server
    ok(vadm(qemud, 'srv-clients-set', 'admin', '--max-clients', '7'))
    assert limits(vadm, qemud, 'admin')['nclients_max'] == 7
    assert limits(vadm, qemud)['nclients_max'] == 1


def test_log_filters(qemud, vadm):
    assert ok(vadm(qemud, 'daemon-log-filters')) == ' Logging filters: \n\n'
    assert ok(vadm(qemud, 'daemon-log-filters', '1:rpc 3:util')) == '\n'
    # libvirt keeps a filter as a glob, "*match*"; virLogGetFilters ends each
    # with a space
    assert ok(vadm(qemud, 'daemon-log-filters')) == ' Logging filters: 1:*rpc* 3:*util* \n\n'
    ok(vadm(qemud, 'daemon-log-filters', '  2:+daemon   4:conf '))
    assert ok(vadm(qemud, 'daemon-log-filters')) == ' Logging filters: 2:*daemon* 4:*conf* \n\n'
    bad = 'Unable to change daemon logging settings'
    for arg, why in [('x', "Malformed format for filter 'x'"),
                     ('5:rpc', "Invalid priority '5' for filter '5:rpc'"),
                     ('1:rpc 0:util', "Invalid priority '0' for filter '0:util'"),
                     ('1:+', "Invalid match string '+'"),
                     ('1:', "Invalid match string ''")]:
        fails(vadm(qemud, 'daemon-log-filters', arg), bad, 'invalid argument: ' + why)
    assert ok(vadm(qemud, 'daemon-log-filters')) == ' Logging filters: 2:*daemon* 4:*conf* \n\n'
    ok(vadm(qemud, 'daemon-log-filters', ''))
    assert ok(vadm(qemud, 'daemon-log-filters')) == ' Logging filters: \n\n'


def test_log_outputs(qemud, vadm, tmp_path):
    # libvirtd in the foreground without a journal: "<log_level>:stderr"
    assert ok(vadm(qemud, 'daemon-log-outputs')) == ' Logging outputs: 3:stderr\n\n'
    log = tmp_path / 'admin.log'
    ok(vadm(qemud, 'daemon-log-outputs', '1:file:%s 3:stderr' % log))
    assert ok(vadm(qemud, 'daemon-log-outputs')) == ' Logging outputs: 1:file:%s 3:stderr\n\n' % log
    # debug messages reach the file once a filter lets them through
    ok(vadm(qemud, 'daemon-log-filters', '1:rpc'))
    with RawClient(qemud.sock) as c:
        c.open()
    assert wait_for(lambda: log.exists() and 'debug' in log.read_text(errors='replace'))
    ok(vadm(qemud, 'daemon-log-filters', ''))
    # a repeated destination replaces the earlier one
    ok(vadm(qemud, 'daemon-log-outputs', '1:stderr 2:file:%s 4:stderr' % log))
    assert ok(vadm(qemud, 'daemon-log-outputs')) == ' Logging outputs: 2:file:%s 4:stderr\n\n' % log
    bad = 'Unable to change daemon logging settings'
    for arg, why in [('bad', "invalid argument: Malformed format for log output 'bad'"),
                     ('5:stderr', "invalid argument: Invalid log priority '5' for log output '5:stderr'"),
                     ('1:foo', "invalid argument: Invalid log destination 'foo' for log output '1:foo'"),
                     ('1:stderr:x', "invalid argument: Log output '1:stderr:x' does not meet the format "
                                    "requirements for destination type 'stderr'"),
                     ('1:file', "invalid argument: Log output '1:file' does not meet the format "
                                "requirements for destination type 'file'"),
                     ('1:file:/nonexistent-dir/x.log',
                      'failed to open /nonexistent-dir/x.log: No such file or directory')]:
        fails(vadm(qemud, 'daemon-log-outputs', arg), bad, why)
    assert ok(vadm(qemud, 'daemon-log-outputs')) == ' Logging outputs: 2:file:%s 4:stderr\n\n' % log
    # empty: back to the default output
    ok(vadm(qemud, 'daemon-log-outputs', ''))
    assert ok(vadm(qemud, 'daemon-log-outputs')) == ' Logging outputs: 3:stderr\n\n'


def test_update_tls_without_tls_listener(qemud, vadm):
    for srv in ('libvirtd', 'admin'):
        fails(vadm(qemud, 'server-update-tls', srv), "Unable to update server's tls related files.",
              'internal error: no tls service found, unable to update tls files')
    fails(vadm(qemud, 'server-update-tls', 'nosuch'), "Server not found: No server named 'nosuch'")


def test_daemon_timeout(qemud, vadm):
    assert ok(vadm(qemud, 'daemon-timeout', '--timeout', '0')) == '\n'
    time.sleep(1.5)
    qemud.assert_alive()
    # set while a client is connected: the clock starts when the last goes
    conn = main_conn(qemud)
    ok(vadm(qemud, 'daemon-timeout', '--timeout', '1'))
    time.sleep(2)
    qemud.assert_alive()
    t0 = time.monotonic()
    conn.close()
    assert wait_for(lambda: qemud.proc.poll() is not None, timeout=15), 'daemon did not shut down'
    assert time.monotonic() - t0 >= 0.9
    assert qemud.proc.returncode == 0


def test_daemon_timeout_zero_turns_it_off(qemud, vadm):
    ok(vadm(qemud, 'daemon-timeout', '--timeout', '1'))
    ok(vadm(qemud, 'daemon-timeout', '--timeout', '0'))
    time.sleep(2.5)
    qemud.assert_alive()


# ------------------------------------------------------------------ raw frames: what virt-admin never sends
def test_programs_are_kept_apart(qemud):
    with RawClient(qemud.admin_sock) as c:
        e = c.call_err(66)
        assert (e['code'], e['domain'], e['message']) == (ERR_RPC, FROM_RPC,
                                                          'Cannot find program 536903814 version 1')
        assert aerr(c, 20) == (ERR_RPC, FROM_RPC, 'unknown procedure: 20')
        assert aerr(c, 0) == (ERR_RPC, FROM_RPC, 'unknown procedure: 0')
        e = c.call_err(A_OPEN, u32(0), prog=ADMIN, vers=2)
        assert e['message'] == 'Cannot find program 110102160 version 2'
    with RawClient(qemud.sock) as c:
        c.open()
        e = c.call_err(A_LIB_VERSION, prog=ADMIN)
        assert (e['code'], e['domain'], e['message']) == (ERR_RPC, FROM_RPC,
                                                          'Cannot find program 110102160 version 1')


def test_calls_before_open_and_close(qemud):
    with RawClient(qemud.admin_sock) as c:
        # libvirtd binds an admin client to the daemon when it connects
        assert aok(c, A_LIB_VERSION).data == (9000000).to_bytes(8, 'big')
        assert aerr(c, A_OPEN, u32(1)) == (
            ERR_INVALID_ARG, FROM_ADMIN,
            'unsupported flags (0x1) in function adminDispatchConnectOpen')
        aok(c, A_OPEN, u32(0))
        r = aok(c, A_LIST_SERVERS, u32(1) + u32(0))
        names = [r.string() for _ in range(r.u32())]
        assert r.u32() == 2
        # libvirtd lists its hash table, in a random order per run; qemud
        # always lists them as traces/adm-srv-list.out shows them
        assert names == ['libvirtd', 'admin'] or AGAINST_LIBVIRTD and names == ['admin', 'libvirtd']
        r = aok(c, A_LIST_SERVERS, u32(0) + u32(0))
        assert (r.u32(), r.u32()) == (0, 2)
        assert aok(c, A_LOOKUP_SERVER, xstr('admin') + u32(0)).string() == 'admin'
        # libvirt-compat: adminConnectLookupServer takes any flags
        assert aok(c, A_LOOKUP_SERVER, xstr('libvirtd') + u32(7)).string() == 'libvirtd'
        r = acall(c, A_CLOSE)
        assert (r.type, r.status, r.body) == (REPLY, OK, b'')
        c.expect_closed()


def test_flags_errors(qemud):
    def flags_err(func):
        return (ERR_INVALID_ARG, FROM_ADMIN, 'unsupported flags (0x4) in function ' + func)

    cl = xclient('libvirtd', 999999)
    with admin_client(qemud) as c:
        assert aerr(c, A_LIST_SERVERS, u32(1) + u32(4)) == flags_err('adminConnectListServers')
        assert aerr(c, A_GET_THREADPOOL, xstr('admin') + u32(4)) == flags_err('adminServerGetThreadPoolParameters')
        assert aerr(c, A_SET_THREADPOOL, xstr('admin') + tparams() + u32(4)) == \
            flags_err('adminServerSetThreadPoolParameters')
        assert aerr(c, A_LIST_CLIENTS, xstr('admin') + u32(1) + u32(4)) == flags_err('adminServerListClients')
        assert aerr(c, A_LOOKUP_CLIENT, xstr('admin') + (999).to_bytes(8, 'big') + u32(4)) == \
            flags_err('adminServerLookupClient')
        assert aerr(c, A_GET_LIMITS, xstr('admin') + u32(4)) == flags_err('adminServerGetClientLimits')
        assert aerr(c, A_SET_LIMITS, xstr('admin') + tparams() + u32(4)) == flags_err('adminServerSetClientLimits')
        assert aerr(c, A_GET_OUTPUTS, u32(4)) == flags_err('adminConnectGetLoggingOutputs')
        assert aerr(c, A_GET_FILTERS, u32(4)) == flags_err('adminConnectGetLoggingFilters')
        assert aerr(c, A_SET_OUTPUTS, xoptstr('1:stderr') + u32(4)) == flags_err('adminConnectSetLoggingOutputs')
        assert aerr(c, A_SET_FILTERS, xoptstr(None) + u32(4)) == flags_err('adminConnectSetLoggingFilters')
        assert aerr(c, A_UPDATE_TLS, xstr('admin') + u32(4)) == flags_err('adminServerUpdateTlsFiles')
        assert aerr(c, A_SET_TIMEOUT, u32(5) + u32(4)) == flags_err('adminConnectSetDaemonTimeout')
        # the client lookups come first where libvirt does them first
        assert aerr(c, A_CLIENT_CLOSE, cl + u32(4)) == (ERR_NO_CLIENT, FROM_RPC,
                                                        "Client not found: No client with matching ID '999999'")
        assert aerr(c, A_CLIENT_INFO, cl + u32(4)) == (ERR_NO_CLIENT, FROM_ADMIN,
                                                       "Client not found: no client with matching id '999999' "
                                                       "found")
        own = Reader(acall(c, A_LIST_CLIENTS, xstr('admin') + u32(1) + u32(0)).body)
        assert own.u32() == 1
        own.string()
        oid = int.from_bytes(own.opaque(8), 'big')
        assert aerr(c, A_CLIENT_INFO, xclient('admin', oid) + u32(4)) == flags_err('adminClientGetInfo')
        assert aerr(c, A_CLIENT_CLOSE, xclient('admin', oid) + u32(4)) == flags_err('adminClientClose')
    qemud.assert_alive()


def test_unknown_server_errors(qemud):
    # the generated handlers report virNetDaemonGetServer's error (domain RPC);
    # the hand-written ones report again, in the admin domain
    rpc = (ERR_NO_SERVER, FROM_RPC, "Server not found: No server named 'x'")
    adm = (ERR_NO_SERVER, FROM_ADMIN, "Server not found: no server with matching name 'x' found")
    with admin_client(qemud) as c:
        assert aerr(c, A_LOOKUP_SERVER, xstr('x') + u32(0)) == rpc
        assert aerr(c, A_GET_THREADPOOL, xstr('x') + u32(0)) == rpc
        assert aerr(c, A_SET_THREADPOOL, xstr('x') + tparams(('maxWorkers', TP_UINT, 3)) + u32(0)) == adm
        assert aerr(c, A_LIST_CLIENTS, xstr('x') + u32(1) + u32(0)) == rpc
        assert aerr(c, A_LOOKUP_CLIENT, xstr('x') + (1).to_bytes(8, 'big') + u32(0)) == rpc
        assert aerr(c, A_CLIENT_INFO, xclient('x', 1) + u32(0)) == adm
        assert aerr(c, A_CLIENT_CLOSE, xclient('x', 1) + u32(0)) == rpc
        assert aerr(c, A_GET_LIMITS, xstr('x') + u32(0)) == rpc
        assert aerr(c, A_SET_LIMITS, xstr('x') + tparams(('nclients_max', TP_UINT, 3)) + u32(0)) == adm
        assert aerr(c, A_UPDATE_TLS, xstr('x') + u32(0)) == rpc
        # names are exact
        assert aerr(c, A_LOOKUP_SERVER, xstr('Libvirtd') + u32(0))[0] == ERR_NO_SERVER
        assert aerr(c, A_LOOKUP_SERVER, xstr('') + u32(0))[0] == ERR_NO_SERVER


@pytest.mark.parametrize('proc,srv,params,expect', [
    # virTypedParamsValidate: the first problem in name order
    (A_SET_THREADPOOL, 'libvirtd', [('maxWorkers', TP_INT, 3)],
     (ERR_INVALID_ARG, FROM_NONE, "invalid argument: invalid type 'int' for parameter 'maxWorkers', "
                                  "expected 'uint'")),
    (A_SET_THREADPOOL, 'libvirtd', [('minWorkers', TP_STRING, '3')],
     (ERR_INVALID_ARG, FROM_NONE, "invalid argument: invalid type 'string' for parameter 'minWorkers', "
                                  "expected 'uint'")),
    (A_SET_THREADPOOL, 'admin', [('prioWorkers', TP_ULLONG, 3)],
     (ERR_INVALID_ARG, FROM_NONE, "invalid argument: invalid type 'ullong' for parameter 'prioWorkers', "
                                  "expected 'uint'")),
    (A_SET_THREADPOOL, 'libvirtd', [('maxWorkers', TP_UINT, 30), ('nWorkers', TP_UINT, 3)],
     (ERR_ARG_UNSUPPORTED, FROM_NONE, "argument unsupported: parameter 'nWorkers' not supported")),
    (A_SET_THREADPOOL, 'libvirtd', [('zzz', TP_INT, 3), ('maxWorkers', TP_INT, 30)],
     (ERR_INVALID_ARG, FROM_NONE, "invalid argument: invalid type 'int' for parameter 'maxWorkers', "
                                  "expected 'uint'")),
    (A_SET_THREADPOOL, 'libvirtd', [('maxWorkers', TP_UINT, 30), ('maxWorkers', TP_UINT, 31)],
     (ERR_INVALID_ARG, FROM_NONE, "invalid argument: parameter 'maxWorkers' occurs multiple times")),
    (A_SET_THREADPOOL, 'libvirtd', [('m' * 80, TP_UINT, 3)],
     (ERR_INTERNAL, FROM_NONE, 'internal error: parameter %s too big for destination' % ('m' * 80))),
    (A_SET_LIMITS, 'libvirtd', [('nclients_max', TP_INT, 30)],
     (ERR_INVALID_ARG, FROM_NONE, "invalid argument: invalid type 'int' for parameter 'nclients_max', "
                                  "expected 'uint'")),
    (A_SET_LIMITS, 'libvirtd', [('nclients', TP_UINT, 30)],
     (ERR_ARG_UNSUPPORTED, FROM_NONE, "argument unsupported: parameter 'nclients' not supported")),
    (A_SET_LIMITS, 'admin', [('nclients_unauth_max', TP_BOOLEAN, 1)],
     (ERR_INVALID_ARG, FROM_NONE, "invalid argument: invalid type 'boolean' for parameter "
                                  "'nclients_unauth_max', expected 'uint'")),
    (A_SET_LIMITS, 'libvirtd', [('nclients_max', TP_UINT, 3), ('nclients_max', TP_UINT, 4)],
     (ERR_INVALID_ARG, FROM_NONE, "invalid argument: parameter 'nclients_max' occurs multiple times")),
    (A_SET_LIMITS, 'libvirtd', [('nclients_max', TP_UINT, 100), ('aaa', TP_UINT, 1)],
     (ERR_ARG_UNSUPPORTED, FROM_NONE, "argument unsupported: parameter 'aaa' not supported")),
], ids=lambda v: str(v)[:40] if not isinstance(v, list) else None)
def test_typed_param_errors_change_nothing(qemud, proc, srv, params, expect):
    get = A_GET_THREADPOOL if proc == A_SET_THREADPOOL else A_GET_LIMITS
    with admin_client(qemud) as c:
        before = read_tparams(aok(c, get, xstr(srv) + u32(0)))
        assert aerr(c, proc, xstr(srv) + tparams(*params) + u32(0)) == expect
        after = read_tparams(aok(c, get, xstr(srv) + u32(0)))
        if get == A_GET_THREADPOOL:
            # freeWorkers moves with this very call, jobQueueDepth with any
            # job in flight (a closing client's release is one): not settings
            moving = ('freeWorkers', 'jobQueueDepth')
            before = [p for p in before if p[0] not in moving]
            after = [p for p in after if p[0] not in moving]
        assert after == before


def test_raw_getters(qemud):
    conn = main_conn(qemud)
    try:
        with admin_client(qemud) as c:
            tp = read_tparams(aok(c, A_GET_THREADPOOL, xstr('libvirtd') + u32(0)))
            assert [(f, t) for f, t, _ in tp] == [(f, TP_UINT) for f in (
                'minWorkers', 'maxWorkers', 'nWorkers', 'freeWorkers', 'prioWorkers', 'jobQueueDepth')]
            assert wait_for(lambda: read_tparams(aok(c, A_GET_LIMITS, xstr('libvirtd') + u32(0)))[1][2] == 1)
            lim = read_tparams(aok(c, A_GET_LIMITS, xstr('libvirtd') + u32(0)))
            assert lim == [('nclients_max', TP_UINT, 5000), ('nclients', TP_UINT, 1),
                           ('nclients_unauth_max', TP_UINT, 20), ('nclients_unauth', TP_UINT, 0)]
            r = aok(c, A_LIST_CLIENTS, xstr('libvirtd') + u32(1) + u32(0))
            assert r.u32() == 1
            srv, cid = r.string(), int.from_bytes(r.opaque(8), 'big')
            ts, transport = int.from_bytes(r.opaque(8), 'big', signed=True), r.u32()
            assert (srv, transport, r.u32()) == ('libvirtd', 0, 1)
            assert abs(ts - time.time()) < 120
            r = aok(c, A_LOOKUP_CLIENT, xstr('libvirtd') + cid.to_bytes(8, 'big') + u32(0))
            assert (r.string(), int.from_bytes(r.opaque(8), 'big'),
                    int.from_bytes(r.opaque(8), 'big', signed=True), r.u32()) == ('libvirtd', cid, ts, 0)
            info = read_tparams(aok(c, A_CLIENT_INFO, xclient('libvirtd', cid) + u32(0)))
            assert info == [('readonly', TP_BOOLEAN, 0),
                            ('unix_user_id', TP_INT, os.getuid()),
                            ('unix_user_name', TP_STRING, pwd.getpwuid(os.getuid()).pw_name),
                            ('unix_group_id', TP_INT, os.getgid()),
                            ('unix_group_name', TP_STRING, grp.getgrgid(os.getgid()).gr_name),
                            ('unix_process_id', TP_INT, os.getpid())]
            # no filters travel as an absent string
            r = aok(c, A_GET_FILTERS, u32(0))
            assert (r.optstring(), r.u32()) == (None, 0)
            r = aok(c, A_GET_OUTPUTS, u32(0))
            assert (r.string(), r.u32()) == ('3:stderr', 1)
            aok(c, A_SET_FILTERS, xoptstr('1:rpc.x 2:util') + u32(0))
            r = aok(c, A_GET_FILTERS, u32(0))
            assert (r.optstring(), r.u32()) == ('1:*rpc.x* 2:*util* ', 2)
            aok(c, A_SET_FILTERS, xoptstr(None) + u32(0))
            r = aok(c, A_GET_FILTERS, u32(0))
            assert (r.optstring(), r.u32()) == (None, 0)
            aok(c, A_SET_OUTPUTS, xoptstr(None) + u32(0))
            r = aok(c, A_GET_OUTPUTS, u32(0))
            assert (r.string(), r.u32()) == ('3:stderr', 1)
    finally:
        conn.close()
