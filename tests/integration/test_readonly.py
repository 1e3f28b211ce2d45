"""The read-only socket (libvirt-sock-ro): reads work, writes are refused by the
daemon itself (not only by the client library), and the daemon keeps serving."""
import libvirt
import pytest

import rawclient
from conftest import ORACLE_URI, normalise
from rawclient import PROC_DOMAIN_DESTROY, PROC_DOMAIN_GET_XML_DESC, RawClient, u32

# every write here is refused by a read-only check inside the public API
WRITES = ('destroy test; suspend test; define {xmldir}/tdom.xml; undefine test; net-destroy default; '
          'pool-destroy default-pool; setmem test 1024; dumpxml test --security-info; list --all')
WRITE_ERRORS = ['operation forbidden: read only access prevents virDomainDestroy',
                'operation forbidden: read only access prevents virDomainSuspend',
                'operation forbidden: read only access prevents virDomainDefineXML',
                'operation forbidden: read only access prevents virNetworkDestroy',
                'operation forbidden: read only access prevents virStoragePoolDestroy',
                'operation forbidden: virDomainGetXMLDesc with secure flag']


@pytest.mark.parametrize('script', ['list --all', 'dominfo test', 'dumpxml test',
                                    'list --all; dominfo test; dumpxml test; net-list --all; pool-list --all; '
                                    'domstate test; capabilities'])
def test_virsh_ro_reads(qemud_shared, differential, script):
    differential(qemud_shared, script, readonly=True, rc=0, no_err=True)


def test_virsh_ro_writes_refused_client_side(qemud_shared, differential, xmldir):
    # virsh -r: libvirt's client library refuses before anything reaches the daemon
    differential(qemud_shared, WRITES.format(xmldir=xmldir), readonly=True, rc=0, err=WRITE_ERRORS,
                 out=' 1    test   running')


def test_virsh_writes_refused_by_daemon(qemud_shared, virsh, xmldir):
    # without -r the client library lets the calls through: the daemon must refuse
    # them because they came in on the read-only socket, with libvirt's texts
    script = WRITES.format(xmldir=xmldir)
    theirs = virsh(ORACLE_URI, script, readonly=True)
    for e in WRITE_ERRORS:
        assert e in theirs.err
    ours = virsh(qemud_shared.ro_uri, script)
    qemud_shared.assert_alive()
    assert normalise(ours.out, qemud_shared) == theirs.out
    assert ours.err == theirs.err
    assert ours.rc == theirs.rc
    # nothing changed
    after = virsh(qemud_shared.uri, 'list --all; net-list --all; pool-list --all')
    assert after.rc == 0 and ' 1    test   running' in after.out and 'tdom' not in after.out
    assert ' default   active' in after.out and ' default-pool   active' in after.out


def _err(ex):
    return ex.get_error_code(), ex.get_error_domain(), ex.get_error_message()


def test_python_open_readonly(qemud_shared):
    oracle = libvirt.openReadOnly(ORACLE_URI)
    conn = libvirt.openReadOnly(qemud_shared.ro_uri)
    try:
        assert [d.name() for d in conn.listAllDomains()] == ['test']
        dom = conn.lookupByName('test')
        assert dom.info()[:4] == oracle.lookupByName('test').info()[:4]
        assert dom.XMLDesc(0) == oracle.lookupByName('test').XMLDesc(0)
        with pytest.raises(libvirt.libvirtError) as ex:
            dom.destroy()
        assert _err(ex.value) == (libvirt.VIR_ERR_OPERATION_DENIED, libvirt.VIR_FROM_DOMAIN,
                                  'operation forbidden: read only access prevents virDomainDestroy')
        assert dom.isActive() == 1
    finally:
        conn.close()
        oracle.close()


def test_python_rw_open_on_ro_socket(qemud_shared, xmldir):
    # a read-write open on the RO socket is forced read-only by the daemon
    conn = libvirt.open(qemud_shared.ro_uri)
    try:
        dom = conn.lookupByName('test')
        assert dom.info()[0] == libvirt.VIR_DOMAIN_RUNNING
        checks = [
            (dom.destroy, 'operation forbidden: read only access prevents virDomainDestroy'),
            (dom.suspend, 'operation forbidden: read only access prevents virDomainSuspend'),
            (lambda: conn.defineXML(open(xmldir + '/tdom.xml').read()),
             'operation forbidden: read only access prevents virDomainDefineXML'),
            (lambda: dom.XMLDesc(libvirt.VIR_DOMAIN_XML_SECURE),
             'operation forbidden: virDomainGetXMLDesc with secure flag'),
        ]
        for fn, text in checks:
            with pytest.raises(libvirt.libvirtError) as ex:
                fn()
            assert _err(ex.value) == (libvirt.VIR_ERR_OPERATION_DENIED, libvirt.VIR_FROM_DOMAIN, text)
        with pytest.raises(libvirt.libvirtError) as ex:
            conn.networkLookupByName('default').destroy()
        assert ex.value.get_error_code() == libvirt.VIR_ERR_OPERATION_DENIED
        # still answering, nothing changed
        assert dom.isActive() == 1 and dom.state()[0] == libvirt.VIR_DOMAIN_RUNNING
        assert [d.name() for d in conn.listAllDomains()] == ['test']
    finally:
        conn.close()


def test_raw_destroy_on_ro_socket(qemud_shared):
    with RawClient(qemud_shared.ro_sock) as c:
        c.open('test:///default', flags=0)        # flags 0: the socket alone makes it read-only
        dom = c.lookup_domain('test')
        e = c.call_err(PROC_DOMAIN_DESTROY, dom)
        assert (e['code'], e['domain'], e['level'], e['message']) == (
            29, 20, 2, 'operation forbidden: read only access prevents virDomainDestroy')
        e = c.call_err(PROC_DOMAIN_GET_XML_DESC, dom + u32(1))
        assert (e['code'], e['domain'], e['message']) == (
            29, 20, 'operation forbidden: virDomainGetXMLDesc with secure flag')
        # the connection keeps working
        assert c.get_type() == 'TEST'
        r = c.call_ok(PROC_DOMAIN_GET_XML_DESC, dom + u32(0))
        assert b"<name>test</name>" in r.body
    with RawClient(qemud_shared.sock) as c:
        c.open()
        assert c.get_type() == 'TEST'
        dom = c.lookup_domain('test')
        assert dom[-4:] == rawclient.i32(1)       # still running with id 1
