"""SASL authentication (cyrus-sasl, service "libvirt") with real clients.

A user database made with saslpasswd2 -a libvirt; the daemon asks for SASL
on its read-write UNIX socket (SCRAM, no security layer needed) and on a
plain TCP listener (DIGEST-MD5 with its security layer, as libvirt's client
demands on TCP). The read-only socket stays auth "none" and is used to show
the daemon keeps serving others throughout.
"""
import os
import socket
import subprocess
import threading

import libvirt
import pytest

import rawclient
import sasl_fixture
from conftest import admin_clients, client_env, free_port

USERS = {'alice': 'secret-a', 'bob2': 'secret-b', 'carol': 'secret-c'}
ALLOWED = ['alice', 'bob*']          # carol authenticates but is not allowed
BIG = 300 * 1024                     # > 64 KiB: many SASL packets per message


@pytest.fixture(scope='module')
def sasl_env(tmp_path_factory):
    d = tmp_path_factory.mktemp('sasl')
    conf_dir = sasl_fixture.make_sasl(str(d), USERS, mechs='scram-sha-256 digest-md5')
    return conf_dir


@pytest.fixture
def daemon(qemud_factory, sasl_env):
    port = free_port()
    d = qemud_factory(env={'SASL_CONF_PATH': sasl_env},
                      auth_unix_rw='sasl', listen_tcp=True, tcp_port=str(port),
                      auth_tcp='sasl', sasl_allowed_username_list=ALLOWED)
    d.tcp_port = port
    d.ensure()
    return d


def open_auth(uri, user, password):
    def cb(creds, _):
        for c in creds:
            if c[0] == libvirt.VIR_CRED_AUTHNAME:
                c[4] = user
            elif c[0] == libvirt.VIR_CRED_PASSPHRASE:
                c[4] = password
            else:
                return -1
        return 0
    return libvirt.openAuth(uri, [[libvirt.VIR_CRED_AUTHNAME, libvirt.VIR_CRED_PASSPHRASE], cb, None], 0)


def uris(d):
    return {'unix': 'test+unix:///default?socket=' + d.sock,
            'tcp4': 'test+tcp://127.0.0.1:%d/default' % d.tcp_port,
            'tcp6': 'test+tcp://[::1]:%d/default' % d.tcp_port}


@pytest.mark.parametrize('where', ['unix', 'tcp4', 'tcp6'])
def test_right_password(daemon, where):
    conn = open_auth(uris(daemon)[where], 'alice', USERS['alice'])
    try:
        assert [d.name() for d in conn.listAllDomains()] == ['test']
        # a message far larger than one SASL packet, both ways
        desc = 'x' * BIG
        xml = ("<domain type='test'><name>big</name><description>%s</description>"
               "<memory>8192</memory><os><type>hvm</type></os></domain>" % desc)
        dom = conn.defineXML(xml)
        assert desc in dom.XMLDesc(0)
        dom.undefine()
        info = [i for i in admin_clients(daemon).values() if i.get('sasl_user_name') == 'alice']
        assert len(info) == 1, admin_clients(daemon)
        if where != 'unix':
            assert info[0]['sock_addr'].startswith('127.0.0.1:' if where == 'tcp4' else '[::1]:')
    finally:
        conn.close()


def test_glob_in_allowed_list(daemon):
    conn = open_auth(uris(daemon)['tcp4'], 'bob2', USERS['bob2'])
    assert conn.getVersion() > 0
    conn.close()


@pytest.mark.parametrize('where', ['unix', 'tcp4'])
@pytest.mark.parametrize('user,password', [('alice', 'wrong'), ('nobody', 'secret-a'),
                                           ('carol', USERS['carol'])],
                         ids=['wrong-password', 'unknown-user', 'not-allowed'])
def test_refused(daemon, where, user, password):
    ro = libvirt.openReadOnly('test+unix:///default?socket=' + daemon.ro_sock)
    with pytest.raises(libvirt.libvirtError) as ex:
        open_auth(uris(daemon)[where], user, password)
    # the same answer whatever was wrong
    assert ex.value.get_error_code() == libvirt.VIR_ERR_AUTH_FAILED
    assert ex.value.get_error_message() == 'authentication failed: authentication failed'
    assert ro.getVersion() > 0            # others are still served
    ro.close()
    daemon.assert_alive()


def test_virsh_with_auth_file(daemon, tmp_path, virsh):
    good = tmp_path / 'auth.conf'
    sasl_fixture.write_auth_file(str(good), 'alice', USERS['alice'])
    bad = tmp_path / 'bad.conf'
    sasl_fixture.write_auth_file(str(bad), 'alice', 'nope')
    env = client_env('/tmp')
    for uri in (uris(daemon)['unix'], uris(daemon)['tcp4']):
        r = subprocess.run(['virsh', '-c', uri, 'list --name'], capture_output=True, text=True,
                           env=dict(env, LIBVIRT_AUTH_FILE=str(good)), timeout=60,
                           stdin=subprocess.DEVNULL)
        assert (r.returncode, r.stdout.strip()) == (0, 'test'), r.stderr
        r = subprocess.run(['virsh', '-c', uri, 'list --name'], capture_output=True, text=True,
                           env=dict(env, LIBVIRT_AUTH_FILE=str(bad)), timeout=60,
                           stdin=subprocess.DEVNULL)
        assert r.returncode == 1
        assert 'authentication failed: authentication failed' in r.stderr


def test_unauthenticated_client_may_only_authenticate(daemon):
    with rawclient.RawClient(daemon.sock) as c:
        assert c.auth_list() == [1]                     # SASL
        r = c.connect_open('test:///default')
        e = r.error()
        assert (e['code'], e['domain'], e['message']) == (39, 7, 'authentication required')
        e = c.call(rawclient.PROC_CONNECT_GET_VERSION).error()
        assert e['message'] == 'authentication required'
    # the read-only socket (auth none) is unaffected
    with rawclient.RawClient(daemon.ro_sock) as c:
        assert c.auth_list() == [0]
        assert c.connect_open('test:///default').status == rawclient.OK


def test_plain_tcp_without_layer_is_refused(daemon):
    """On TCP only mechanisms with a security layer are offered: SCRAM (no
    layer) is not in the list, so a client asking for it fails."""
    s = socket.create_connection(('127.0.0.1', daemon.tcp_port), timeout=5)
    with rawclient.RawClient(None, sock=s) as c:
        assert c.auth_list() == [1]
        r = c.call(67)                                  # AUTH_SASL_INIT
        assert r.status == rawclient.OK
        mechs = rawclient.Reader(r.body).string().split(',')
        assert 'DIGEST-MD5' in mechs and not any(m.startswith('SCRAM') for m in mechs), mechs
        # START with SCRAM-SHA-256 and no data: refused
        body = rawclient.xstr('SCRAM-SHA-256') + rawclient.u32(1) + rawclient.u32(0)
        e = c.call(68, body).error()
        assert (e['code'], e['message']) == (45, 'authentication failed: authentication failed')


def test_unauthenticated_clients_time_out(qemud_factory, sasl_env):
    d = qemud_factory(env={'SASL_CONF_PATH': sasl_env}, auth_unix_rw='sasl',
                      anonymous_client_timeout=1)
    with rawclient.RawClient(d.sock, timeout=15) as c:
        assert c.auth_list() == [1]
        with pytest.raises(rawclient.Closed):
            c.recv()                                    # closed after ~1 s
    conn = open_auth('test+unix:///default?socket=' + d.sock, 'alice', USERS['alice'])
    assert conn.getVersion() > 0
    conn.close()


def test_concurrent_logins(daemon):
    errors = []

    def worker(user, pw, where):
        try:
            for _ in range(5):
                c = open_auth(uris(daemon)[where], user, pw)
                assert c.getVersion() > 0
                c.close()
        except Exception as ex:  # noqa: BLE001
            errors.append(repr(ex))

    ts = [threading.Thread(target=worker, args=(u, USERS[u], w))
          for u in ('alice', 'bob2') for w in ('unix', 'tcp4', 'tcp6')]
    for t in ts:
        t.start()
    for t in ts:
        t.join(120)
    assert not errors


def test_plain_tcp_defaults_to_sasl(qemud_factory):
    """listen_tcp without auth_tcp: SASL is required, as in libvirtd; with no
    user database nobody gets in, and nothing but authentication is served."""
    port = free_port()
    d = qemud_factory(listen_tcp=True, tcp_port=str(port))
    d.ensure()
    for host in ('127.0.0.1', '::1'):
        s = socket.create_connection((host, port), timeout=5)
        with rawclient.RawClient(None, sock=s) as c:
            assert c.auth_list() == [1]
            e = c.connect_open('test:///default').error()
            assert e['message'] == 'authentication required'
    with pytest.raises(libvirt.libvirtError):
        open_auth('test+tcp://127.0.0.1:%d/default' % port, 'alice', 'x')


def _sasl_body_start(mech, data):
    return rawclient.xstr(mech) + _sasl_data(data)


def _sasl_data(data):
    """{int nil; char data<>}: each byte one XDR word (rpcgen's char)."""
    if data is None:
        return rawclient.u32(1) + rawclient.u32(0)
    return rawclient.u32(0) + rawclient.u32(len(data)) + b''.join(rawclient.u32(b) for b in data)


def _sasl_reply(msg):
    r = rawclient.Reader(msg.body)
    complete, nil, n = r.i32(), r.i32(), r.u32()
    return complete, None if nil else bytes(r.u32() & 0xff for _ in range(n))


def _scram_final(user, password, server_first, client_first_bare):
    import base64
    import hashlib
    import hmac
    attrs = dict(kv.split('=', 1) for kv in server_first.decode().split(','))
    salted = hashlib.pbkdf2_hmac('sha256', password.encode(), base64.b64decode(attrs['s']),
                                 int(attrs['i']))
    ckey = hmac.new(salted, b'Client Key', 'sha256').digest()
    without_proof = 'c=biws,r=' + attrs['r']
    auth = ','.join([client_first_bare, server_first.decode(), without_proof]).encode()
    sig = hmac.new(hashlib.sha256(ckey).digest(), auth, 'sha256').digest()
    proof = bytes(a ^ b for a, b in zip(ckey, sig))
    return (without_proof + ',p=' + base64.b64encode(proof).decode()).encode()


def test_call_sent_with_the_last_step_stays_unauthenticated(daemon):
    """A call pipelined behind the step that completes authentication was
    sent before the client was in: it is refused (what it may do is
    decided when it arrives), and the connection is usable afterwards."""
    with rawclient.RawClient(daemon.sock) as c:
        assert c.auth_list() == [1]
        assert c.call(67).status == rawclient.OK                  # SASL_INIT
        cfb = 'n=alice,r=qemudtestnonce0123456789'
        complete, server_first = _sasl_reply(c.call(68, _sasl_body_start('SCRAM-SHA-256',
                                                                         ('n,,' + cfb).encode())))
        assert complete == 0, server_first
        final = _scram_final('alice', USERS['alice'], server_first, cfb)
        step = rawclient.msg(rawclient.REMOTE, 1, 69, rawclient.CALL, 100, body=_sasl_data(final))
        op = rawclient.msg(rawclient.REMOTE, 1, rawclient.PROC_CONNECT_OPEN, rawclient.CALL, 101,
                           body=rawclient.xoptstr('test:///default') + rawclient.u32(0))
        c.send(step + op)
        replies = {m.serial: m for m in (c.recv_reply(), c.recv_reply())}
        assert replies[100].status == rawclient.OK, replies[100]
        assert _sasl_reply(replies[100])[0] == 1                  # complete
        assert replies[101].error()['message'] == 'authentication required'
        # sent after the reply: in
        assert c.auth_list() == [0]                               # libvirt: "none" now
        assert c.connect_open('test:///default').status == rawclient.OK


def test_init_never_overlaps_a_step(daemon):
    """AUTH_SASL_INIT pipelined behind a START always fails: it must not
    replace (and leak) the session the step is using."""
    for i in range(200):
        with rawclient.RawClient(daemon.sock) as c:
            assert c.call(67).status == rawclient.OK
            start = rawclient.msg(rawclient.REMOTE, 1, 68, rawclient.CALL, 10,
                                  body=_sasl_body_start('DIGEST-MD5', None))
            init = rawclient.msg(rawclient.REMOTE, 1, 67, rawclient.CALL, 11)
            c.send(start + init)
            replies = {m.serial: m for m in (c.recv_reply(), c.recv_reply())}
            assert replies[10].status == rawclient.OK, replies[10]
            assert replies[11].status == rawclient.ERROR, (i, replies[11])
    daemon.assert_alive()
