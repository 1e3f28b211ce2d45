"""The QEMU driver's host queries through virsh: capabilities, domain
capabilities (CONNECT_GET_DOMAIN_CAPABILITIES, procedure 342) and its
errors, version, node info. Expected texts are libvirtd 9.0's on the same
host (qemu:///system, TCG only, checked by hand against the reference
daemon of REFERENCE-LIBVIRTD.md)."""
import os
import re
import subprocess
import xml.etree.ElementTree as ET

import pytest

EMULATOR = '/usr/bin/qemu-system-x86_64'

pytestmark = pytest.mark.skipif(not os.access(EMULATOR, os.X_OK),
                                reason='%s is not installed' % EMULATOR)


def qemu_ro_uri(qemud):
    return 'qemu+unix:///system?socket=' + qemud.ro_sock


def test_capabilities(qemud_shared, virsh):
    r = virsh(qemud_shared.qemu_uri, 'capabilities')
    assert r.rc == 0, r.err
    caps = ET.fromstring(r.out)
    assert caps.find('host/cpu/arch').text == 'x86_64'
    assert caps.find('host/uuid') is not None
    assert len(caps.findall('host/topology/cells/cell')) >= 1
    guest = [g for g in caps.findall('guest') if g.find('arch').get('name') == 'x86_64'][0]
    assert guest.find('arch/emulator').text == EMULATOR
    machines = guest.findall('arch/machine')
    default = machines[0].text
    assert default.startswith('pc-i440fx-')
    assert machines[1].text == 'pc' and machines[1].get('canonical') == default
    assert [m for m in machines if m.text == 'q35'][0].get('canonical').startswith('pc-q35-')
    types = [d.get('type') for d in guest.findall('arch/domain')]
    assert 'qemu' in types
    if not os.path.exists('/dev/kvm'):
        assert 'kvm' not in types


def test_domain_capabilities(qemud_shared, virsh):
    r = virsh(qemud_shared.qemu_uri, 'domcapabilities --machine q35')
    assert r.rc == 0, r.err
    dc = ET.fromstring(r.out)
    assert dc.find('path').text == EMULATOR
    assert dc.find('machine').text.startswith('pc-q35-')
    assert dc.find('vcpu').get('max') == '288'
    assert dc.find('arch').text == 'x86_64'
    # virsh maxvcpus answers from the domain capabilities (pc: 255)
    r = virsh(qemud_shared.qemu_uri, 'maxvcpus')
    assert (r.rc, r.out.strip()) == (0, '255')


@pytest.mark.parametrize('args,message', [
    ('--machine foo', "error: invalid argument: the machine 'foo' is not supported "
                      "by emulator '%s'" % EMULATOR),
    ('--arch foo', 'error: invalid argument: unknown architecture: foo'),
    ('--virttype foo', 'error: invalid argument: unknown virttype: foo'),
    ('--arch aarch64', "error: unsupported configuration: unable to find any emulator "
                       "to serve 'aarch64' architecture"),
    ('--emulatorbin /nonexistent', 'error: Cannot check QEMU binary /nonexistent: '
                                   'No such file or directory'),
])
def test_domain_capabilities_errors(qemud_shared, virsh, args, message):
    r = virsh(qemud_shared.qemu_uri, 'domcapabilities ' + args)
    assert r.rc == 1
    assert r.err.splitlines() == ['error: failed to get emulator capabilities', message]


def test_domain_capabilities_kvm_refused(qemud_shared, virsh):
    if os.path.exists('/dev/kvm'):
        pytest.skip('/dev/kvm exists: the answer depends on the self-test')
    r = virsh(qemud_shared.qemu_uri, 'domcapabilities --virttype kvm')
    assert r.rc == 1
    assert r.err.splitlines()[1] == ("error: invalid argument: the accel 'kvm' is not "
                                     "supported by '%s' on this host" % EMULATOR)


def test_domain_capabilities_read_only(qemud_shared, virsh):
    r = virsh(qemu_ro_uri(qemud_shared), 'domcapabilities', readonly=True)
    assert r.rc == 1
    assert ('error: operation forbidden: read only access prevents '
            'virConnectGetDomainCapabilities') in r.err
    # the plain capabilities are allowed read-only
    r = virsh(qemu_ro_uri(qemud_shared), 'capabilities', readonly=True)
    assert r.rc == 0, r.err


def test_version_and_nodeinfo(qemud_shared, virsh):
    qemu = subprocess.run([EMULATOR, '--version'], capture_output=True, text=True).stdout
    want = re.search(r'version (\d+\.\d+\.\d+)', qemu).group(1)
    r = virsh(qemud_shared.qemu_uri, 'version')
    assert r.rc == 0, r.err
    assert 'Running hypervisor: QEMU %s' % want in r.out
    r = virsh(qemud_shared.qemu_uri, 'nodeinfo')
    assert r.rc == 0, r.err
    assert re.search(r'^CPU model: +x86_64$', r.out, re.M)
    assert re.search(r'^Memory size: +\d+ KiB$', r.out, re.M)
