"""python3-libvirt against qemud, compared with the in-process test:///default."""
import threading
import time

import libvirt
import pytest

from conftest import ORACLE_URI, TDOM_UUID, domain_xml

TEST_UUID = '6695eb01-f6a4-8304-79aa-97f2502e193f'


class Pair:
    """A connection to qemud (opened on first use, inside the test) and one to the oracle."""

    def __init__(self, qemud):
        self.qemud = qemud
        self.theirs = libvirt.open(ORACLE_URI)
        self._ours = None

    @property
    def ours(self):
        if self._ours is None:
            self._ours = libvirt.open(self.qemud.uri)
        return self._ours

    def close(self):
        if self._ours is not None:
            self._ours.close()
        self.theirs.close()


@pytest.fixture
def conns(qemud):
    p = Pair(qemud)
    yield p
    p.close()


def both(conns, fn):
    """fn(conn) on the oracle, then on qemud; the results must agree."""
    theirs = fn(conns.theirs)
    ours = fn(conns.ours)
    assert ours == theirs, '(left: qemud, right: libvirt)'
    return ours


def err_of(fn):
    try:
        fn()
    except libvirt.libvirtError as ex:
        return ex.get_error_code(), ex.get_error_domain(), ex.get_error_level(), ex.get_error_message()
    raise AssertionError('call did not fail')


def test_connection_info(conns, qemud):
    assert both(conns, lambda c: c.getType()) == 'TEST'
    assert both(conns, lambda c: c.getVersion()) == 2
    both(conns, lambda c: c.getHostname())
    both(conns, lambda c: c.getInfo())
    both(conns, lambda c: c.getCapabilities())
    both(conns, lambda c: c.getSysinfo(0))
    both(conns, lambda c: c.getMaxVcpus(None))
    both(conns, lambda c: c.getFreeMemory())
    assert conns.ours.getLibVersion() > 0
    assert conns.ours.getURI() == qemud.uri
    assert conns.ours.isAlive() == 1


def test_domain_getters(conns):
    dom = lambda c: c.lookupByName('test')          # noqa: E731
    assert both(conns, lambda c: dom(c).info()[:4]) == [1, 8388608, 2097152, 2]   # cpuTime differs
    assert both(conns, lambda c: (dom(c).name(), dom(c).UUIDString(), dom(c).ID())) == ('test', TEST_UUID, 1)
    both(conns, lambda c: dom(c).XMLDesc(0))
    both(conns, lambda c: dom(c).XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE))
    both(conns, lambda c: (dom(c).state(), dom(c).isActive(), dom(c).isPersistent(), dom(c).autostart()))
    both(conns, lambda c: (dom(c).OSType(), dom(c).maxMemory(), dom(c).hasManagedSaveImage(0)))
    both(conns, lambda c: dom(c).vcpusFlags(0))
    both(conns, lambda c: dom(c).securityLabel())
    both(conns, lambda c: c.lookupByID(1).name())
    both(conns, lambda c: c.lookupByUUIDString(TEST_UUID).name())
    both(conns, lambda c: [(d.name(), d.UUIDString(), d.ID()) for d in c.listAllDomains()])
    both(conns, lambda c: c.listDomainsID())
    both(conns, lambda c: (c.numOfDomains(), c.numOfDefinedDomains(), c.listDefinedDomains()))


def test_other_objects(conns):
    both(conns, lambda c: [(n.name(), n.UUIDString(), n.isActive()) for n in c.listAllNetworks()])
    both(conns, lambda c: c.networkLookupByName('default').XMLDesc(0))
    both(conns, lambda c: [(p.name(), p.info()) for p in c.listAllStoragePools()])
    both(conns, lambda c: c.storagePoolLookupByName('default-pool').XMLDesc(0))
    both(conns, lambda c: c.storagePoolLookupByName('default-pool').listVolumes())
    both(conns, lambda c: [(i.name(), i.MACString()) for i in c.listAllInterfaces()])


def test_define_undefine(conns):
    xml = domain_xml('pydom', TDOM_UUID)

    def run(c):
        d = c.defineXML(xml)
        out = [d.name(), d.UUIDString(), d.ID(), d.isActive(), d.isPersistent(), d.info()[:4],
               sorted(x.name() for x in c.listAllDomains())]
        out.append(c.lookupByUUIDString(TDOM_UUID).XMLDesc(0))
        d.create()
        out += [d.isActive(), d.state()]
        d.destroy()
        d.undefine()
        out.append(err_of(lambda: c.lookupByName('pydom')))
        out.append(sorted(x.name() for x in c.listAllDomains()))
        return out

    out = both(conns, run)
    assert out[0:2] == ['pydom', TDOM_UUID] and out[-1] == ['test']


def test_errors_match(conns):
    failing = [
        lambda c: c.lookupByName('nosuch'),
        lambda c: c.lookupByUUIDString('00000000-0000-0000-0000-000000000000'),
        lambda c: c.lookupByID(99),
        lambda c: c.networkLookupByName('nosuch'),
        lambda c: c.storagePoolLookupByName('nosuch'),
        lambda c: c.storagePoolLookupByName('default-pool').storageVolLookupByName('nosuch'),
        lambda c: c.lookupByName('test').resume(),
        lambda c: c.lookupByName('test').create(),
        lambda c: c.defineXML('<domain'),
        lambda c: c.defineXML("<domain type='test'><name>x</name></domain>"),
        lambda c: c.lookupByName('test').setMemory(1 << 40),
    ]
    for fn in failing:
        both(conns, lambda c: err_of(lambda: fn(c)))
    # the wire error of a failed lookup (README §4)
    assert err_of(lambda: conns.ours.lookupByName('nosuch')) == (42, 12, 2, 'Domain not found')
