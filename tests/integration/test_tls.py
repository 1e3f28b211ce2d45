"""TLS listeners with x509 client certificates, driven by the real virsh,
python3-libvirt and virt-admin (plus Python's ssl module where libvirt's
client refuses to present a bad certificate itself).

The certificates are made with certtool for each run (pki.py): a CA, a
server certificate for 127.0.0.1 / ::1, a CRL, and one client per case.
"""
import os
import shutil
import socket
import ssl
import subprocess
import time

import libvirt
import pytest

import pki as pkimod
import rawclient
from conftest import admin_clients, admin_kv, admin_run, client_env, free_port

BAD = ['otherca', 'expired', 'notyet', 'revoked', 'baddn', 'nocert']


@pytest.fixture(scope='module')
def pki(tmp_path_factory):
    p = pkimod.make_pki(str(tmp_path_factory.mktemp('pki')))
    # libvirt's client checks its own certificate against its pkipath's
    # cacert.pem: give "otherca" both CAs there, so it does connect and it
    # is the server that refuses it
    oc = p.clients['otherca']
    with open(oc.cacert, 'w') as f:
        f.write(open(p.ca_file).read() + open(p.other_ca_file).read())
    return p


def allowed(p):
    # the good client, plus the DNs of the cases that must fail for another
    # reason (so it is that reason that refuses them), never "baddn"
    return [p.good_dn] + ['*CN=client.%s' % n for n in ('otherca', 'expired', 'notyet', 'revoked')]


@pytest.fixture
def daemon(qemud_factory, pki):
    port = free_port()
    conf = dict(pki.server_conf(), listen_tls=True, tls_port=str(port),
                tls_allowed_dn_list=allowed(pki))
    d = qemud_factory(**conf)
    d.tls_port = port
    d.ensure()
    return d


def tls_uri(d, client, host='127.0.0.1', driver='qemu', path='system'):
    h = '[%s]' % host if ':' in host else host
    return '%s+tls://%s:%d/%s?pkipath=%s' % (driver, h, d.tls_port, path, client.pkipath)


def run_virsh(uri, cmd, timeout=120):
    return subprocess.run(['virsh', '-c', uri, cmd], capture_output=True, text=True,
                          env=client_env('/tmp'), timeout=timeout, stdin=subprocess.DEVNULL)


def raw_tls(d, pki, client, host='127.0.0.1', timeout=10):
    """Handshake with Python's ssl presenting @client's certificate; returns
    the first byte the server sends (b'\\x01' = accepted) or b'' if it
    closed the connection."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(pki.ca_file)
    if client.cert:
        ctx.load_cert_chain(client.cert, client.key)
    s = socket.create_connection((host, d.tls_port), timeout=timeout)
    try:
        ss = ctx.wrap_socket(s, server_hostname=host)
        try:
            return ss.recv(1)
        except (ssl.SSLError, ConnectionResetError, BrokenPipeError):
            return b''
        finally:
            ss.close()
    except (ssl.SSLError, ConnectionResetError):
        return b''
    finally:
        s.close()


@pytest.mark.parametrize('host', ['127.0.0.1', '::1'])
def test_good_certificate(daemon, pki, host):
    r = run_virsh(tls_uri(daemon, pki.clients['good'], host), 'hostname; version; list --all')
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == socket.gethostname()
    assert 'Running hypervisor: QEMU ' in r.stdout, r.stdout


def test_good_certificate_python_and_admin_info(daemon, pki):
    conn = libvirt.open(tls_uri(daemon, pki.clients['good'], driver='test', path='default'))
    try:
        assert [d.name() for d in conn.listAllDomains()] == ['test']
        tls = [i for i in admin_clients(daemon).values() if i['transport'] == 'tls']
        assert len(tls) == 1, tls
        fields = tls[0]
        assert fields['tls_x509_dname'] == pki.good_dn
        assert fields['sock_addr'].startswith('127.0.0.1:')
        assert fields['readonly'] == 'no'
    finally:
        conn.close()


@pytest.mark.parametrize('case', BAD)
def test_bad_certificate_refused(daemon, pki, case):
    client = pki.clients[case]
    ro = libvirt.openReadOnly('test+unix:///default?socket=' + daemon.ro_sock)
    r = run_virsh(tls_uri(daemon, client), 'uri')
    assert r.returncode == 1 and r.stdout == '', r
    if case in ('expired', 'notyet'):
        # libvirt's client will not even present these: show the server's
        # side with a client that does
        assert 'certificate' in r.stderr, r.stderr
    else:
        assert 'Unable to read TLS confirmation' in r.stderr, r.stderr
    assert raw_tls(daemon, pki, client) == b''
    assert raw_tls(daemon, pki, pki.clients['good']) == b'\x01'
    assert ro.getVersion() > 0
    ro.close()
    daemon.assert_alive()
    # libvirt-compat: GnuTLS marks an expired or not yet valid certificate
    # "invalid" as well, and libvirtd words that as not trusted
    reason = {'otherca': 'Certificate failed validation', 'expired': 'not trusted',
              'notyet': 'not trusted', 'revoked': 'revoked',
              'baddn': 'not on the list of allowed clients', 'nocert': 'No certificate'}[case]
    assert reason in daemon.log(), daemon.log_tail()


def test_no_verify_accepts_any_client(qemud_factory, pki):
    port = free_port()
    d = qemud_factory(**dict(pki.server_conf(), listen_tls=True, tls_port=str(port),
                             tls_no_verify_certificate=True))
    d.tls_port = port
    d.ensure()
    for case in ('nocert', 'baddn', 'otherca'):
        assert raw_tls(d, pki, pki.clients[case]) == b'\x01', case


def test_stalled_handshake_delays_nobody(qemud_factory, pki):
    port = free_port()
    d = qemud_factory(**dict(pki.server_conf(), listen_tls=True, tls_port=str(port),
                             tls_allowed_dn_list=allowed(pki), anonymous_client_timeout=3))
    d.tls_port = port
    d.ensure()
    stalled = []
    for i in range(10):
        s = socket.create_connection(('127.0.0.1', port), timeout=10)
        if i % 2:
            s.sendall(b'\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03')   # half a ClientHello
        stalled.append(s)
    t0 = time.monotonic()
    # while they hang: a UNIX client and a complete TLS client are served
    conn = libvirt.open('test+unix:///default?socket=' + d.sock)
    assert conn.getVersion() > 0
    r = run_virsh(tls_uri(d, pki.clients['good'], driver='test', path='default'), 'list --name')
    assert (r.returncode, r.stdout.strip()) == (0, 'test'), r.stderr
    served_within = time.monotonic() - t0
    # ...and the stalled ones are still connected (nobody waited for them)
    for s in stalled:
        s.setblocking(False)
        try:
            assert s.recv(1) != b'', 'stalled connection closed too early'
        except BlockingIOError:
            pass
    assert served_within < 3, 'the stalled clients were still held'
    # the anonymous-client timeout then ends them
    for s in stalled:
        s.settimeout(15)
        try:
            assert s.recv(100) == b''
        except ConnectionResetError:
            pass
        s.close()
    assert conn.getVersion() > 0
    conn.close()


def test_flood_of_unauthenticated_connections(qemud_factory, pki):
    port = free_port()
    d = qemud_factory(**dict(pki.server_conf(), listen_tls=True, tls_port=str(port),
                             tls_allowed_dn_list=allowed(pki), max_anonymous_clients=20,
                             anonymous_client_timeout=60))
    d.tls_port = port
    d.ensure()
    authed = libvirt.open(tls_uri(d, pki.clients['good'], driver='test', path='default'))
    flood = [socket.create_connection(('127.0.0.1', port), timeout=10) for _ in range(200)]
    try:
        # the UNIX sockets still accept and answer, and so does the
        # client that authenticated before the flood
        for _ in range(5):
            c = libvirt.open('test+unix:///default?socket=' + d.sock)
            assert [x.name() for x in c.listAllDomains()] == ['test']
            c.close()
        assert [x.name() for x in authed.listAllDomains()] == ['test']
        fields = admin_kv(admin_run(d, 'srv-clients-info', 'libvirtd'))
        assert fields['nclients_unauth_max'] == '20'
        assert fields['nclients_unauth'] == '20'
    finally:
        for s in flood:
            s.close()
    # once the flood is gone, new TLS clients get in again
    deadline = time.monotonic() + 15
    while raw_tls(d, pki, pki.clients['good']) != b'\x01':
        assert time.monotonic() < deadline
        time.sleep(0.1)
    authed.close()


def test_credentials_reload(qemud_factory, pki, tmp_path):
    """virt-admin server-update-tls re-reads the files: after the CA file
    gains the second CA, the "otherca" client is accepted; a broken file
    is refused and the old credentials stay."""
    ca = tmp_path / 'ca.pem'
    shutil.copy(pki.ca_file, ca)
    port = free_port()
    conf = dict(pki.server_conf(), ca_file=str(ca), listen_tls=True, tls_port=str(port),
                tls_allowed_dn_list=allowed(pki))
    d = qemud_factory(**conf)
    d.tls_port = port
    d.ensure()
    aurl = 'virtd:///system?socket=' + d.admin_sock
    env = client_env('/tmp')

    def update():
        return subprocess.run(['virt-admin', '-c', aurl, 'server-update-tls', 'libvirtd'],
                              capture_output=True, text=True, env=env, timeout=30)

    assert raw_tls(d, pki, pki.clients['otherca']) == b''
    ca.write_text('not a certificate\n')
    r = update()
    assert r.returncode == 1 and 'error' in r.stderr, r
    assert raw_tls(d, pki, pki.clients['good']) == b'\x01'       # old credentials kept
    ca.write_text(open(pki.ca_file).read() + open(pki.other_ca_file).read())
    r = update()
    assert r.returncode == 0, r.stderr
    assert raw_tls(d, pki, pki.clients['otherca']) == b'\x01'
    assert raw_tls(d, pki, pki.clients['good']) == b'\x01'


def test_update_tls_without_tls_listener(qemud):
    r = subprocess.run(['virt-admin', '-c', 'virtd:///system?socket=' + qemud.admin_sock,
                        'server-update-tls', 'libvirtd'], capture_output=True, text=True,
                       env=client_env('/tmp'), timeout=30)
    assert r.returncode == 1
    assert 'no tls service found, unable to update tls files' in r.stderr


def test_sasl_over_tls(qemud_factory, pki, tmp_path):
    """auth_tls = "sasl": certificate first, then SCRAM (TLS's strength
    stands in for a SASL layer, as libvirtd tells cyrus-sasl); the admin
    view shows both identities."""
    import sasl_fixture
    from test_sasl import open_auth
    conf_dir = sasl_fixture.make_sasl(str(tmp_path / 'sasl'), {'alice': 'pw-a'},
                                      mechs='scram-sha-256')
    port = free_port()
    d = qemud_factory(env={'SASL_CONF_PATH': conf_dir},
                      **dict(pki.server_conf(), listen_tls=True, tls_port=str(port),
                             tls_allowed_dn_list=allowed(pki), auth_tls='sasl'))
    d.tls_port = port
    d.ensure()
    uri = tls_uri(d, pki.clients['good'], driver='test', path='default')
    with pytest.raises(libvirt.libvirtError) as ex:
        open_auth(uri, 'alice', 'wrong')
    assert ex.value.get_error_code() == libvirt.VIR_ERR_AUTH_FAILED
    conn = open_auth(uri, 'alice', 'pw-a')
    try:
        assert [x.name() for x in conn.listAllDomains()] == ['test']
        fields = [i for i in admin_clients(d).values() if i['transport'] == 'tls'][-1]
        assert fields['sasl_user_name'] == 'alice'
        assert fields['tls_x509_dname'] == pki.good_dn
    finally:
        conn.close()
