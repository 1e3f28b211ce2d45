"""Differential tests: the same virsh script against qemud and against libvirt's
in-process test:///default must give the same exit code, stdout and stderr
(after normalise(): transport part of the URI, daemon version, CPU times and the
IDs of newly started domains).

Each script runs in ONE virsh process, because the oracle's state lives only as
long as that process.  The keyword arguments of differential() (rc=, out=, err=)
describe what the script does against the oracle; they are checked first, so a
broken script is caught even before qemud exists (QEMUD_ORACLE_ONLY=1).
"""
import pytest

from conftest import TDOM_UUID

TEST_UUID = '6695eb01-f6a4-8304-79aa-97f2502e193f'

# ---------------------------------------------------------------- read-only
# One case per traced test-driver command (traces/INDEX.md) plus close
# relatives.  They do not change state, so they share one daemon per module.
READ_ONLY = [
    ('list', 'list', dict(rc=0, out=' 1    test   running', no_err=True)),
    ('list-all', 'list --all', dict(rc=0, out=' 1    test   running', no_err=True)),
    ('dominfo', 'dominfo test', dict(rc=0, out=['UUID:           ' + TEST_UUID,
                                                'Security label: libvirt-test (enforcing)'], no_err=True)),
    ('domstate', 'domstate test', dict(rc=0, out='running\n', no_err=True)),
    ('domstate-reason', 'domstate test --reason', dict(rc=0, out='running (unknown)', no_err=True)),
    ('domid', 'domid test', dict(rc=0, out='1\n', no_err=True)),
    ('domname', 'domname 1', dict(rc=0, out='test\n', no_err=True)),
    ('domname-uuid', 'domname ' + TEST_UUID, dict(rc=0, out='test\n', no_err=True)),
    ('domuuid', 'domuuid test', dict(rc=0, out=TEST_UUID, no_err=True)),
    ('dumpxml', 'dumpxml test', dict(rc=0, out="<domain type='test' id='1'>", no_err=True)),
    ('dumpxml-inactive', 'dumpxml test --inactive', dict(rc=0, out="<domain type='test'>", no_err=True)),
    ('capabilities', 'capabilities', dict(rc=0, out='<capabilities>', no_err=True)),
    ('sysinfo', 'sysinfo', dict(rc=0, out="<sysinfo type='smbios'>", no_err=True)),
    ('nodeinfo', 'nodeinfo', dict(rc=0, out=['CPU model:           i686', 'Memory size:         3145728 KiB'],
                                  no_err=True)),
    ('hostname', 'hostname', dict(rc=0, no_err=True)),
    ('version', 'version', dict(rc=0, out='Running hypervisor: TEST 0.0.2', no_err=True)),
    ('version-daemon', 'version --daemon', dict(rc=0, out='Running against daemon: ', no_err=True)),
    ('uri', 'uri', dict(rc=0, out='test:///default\n', no_err=True)),
    ('net-list', 'net-list --all', dict(rc=0, out=' default   active   no          yes', no_err=True)),
    ('net-dumpxml', 'net-dumpxml default', dict(rc=0, out='<name>default</name>', no_err=True)),
    ('net-info', 'net-info default', dict(rc=0, out='Active:         yes', no_err=True)),
    ('pool-list', 'pool-list --all', dict(rc=0, out=' default-pool   active   no', no_err=True)),
    ('pool-dumpxml', 'pool-dumpxml default-pool', dict(rc=0, out='<name>default-pool</name>', no_err=True)),
    ('vol-list', 'vol-list default-pool', dict(rc=0, out=' Name   Path', no_err=True)),
    ('iface-list', 'iface-list --all', dict(rc=0, out=' eth1   active   aa:bb:cc:dd:ee:ff', no_err=True)),
    ('secret-list', 'secret-list',
     dict(rc=1, err='this function is not supported by the connection driver: virConnectNumOfSecrets')),
    ('domstats', 'domstats', dict(rc=0, out="Domain: 'test'\n  state.state=1\n  state.reason=0", no_err=True)),
    ('domstats-groups', 'domstats --raw --state --cpu-total --balloon --vcpu --interface --block test',
     dict(rc=0, out='state.state=1', no_err=True)),
    ('err-nodomain', 'dominfo nosuchdomain', dict(rc=1, err="error: failed to get domain 'nosuchdomain'")),
    # several read-only commands in one connection
    ('combined', 'uri; list --all; dominfo test; domstate test; net-list --all; pool-list --all; hostname',
     dict(rc=0, no_err=True)),
]


@pytest.mark.parametrize('script,expect', [c[1:] for c in READ_ONLY], ids=[c[0] for c in READ_ONLY])
def test_readonly_command(qemud_shared, differential, script, expect):
    differential(qemud_shared, script, **expect)


def test_nodedev_list(qemud_shared, virsh):
    # virsh 9.0 passes a flag (0x80000000) that libvirt's own test driver rejects;
    # qemud lists the devices instead, so no comparison here.
    theirs = virsh('test:///default', 'nodedev-list')
    assert theirs.rc == 1 and 'unsupported flags (0x80000000)' in theirs.err
    ours = virsh(qemud_shared.uri, 'nodedev-list')
    assert ours.rc == 0, ours.err
    assert ours.err == ''
    names = ours.out.split()
    for dev in ('computer', 'scsi_host1', 'scsi_host11', 'scsi_host2'):
        assert dev in names, ours.out


# ---------------------------------------------------------------- domain life cycle
def test_define_and_inspect(qemud, differential, xmldir):
    differential(qemud, f'define {xmldir}/tdom.xml; list --all; list --inactive; dominfo tdom; '
                        'domstate tdom --reason; domuuid tdom; domid tdom; dumpxml tdom; '
                        f'domname {TDOM_UUID}; dominfo {TDOM_UUID}',
                 rc=0, no_err=True, out=[f"Domain 'tdom' defined from {xmldir}/tdom.xml",
                                         ' -    tdom   shut off', 'shut off (unknown)', f'<uuid>{TDOM_UUID}</uuid>'])


def test_start_suspend_resume_reboot_shutdown(qemud, differential, xmldir):
    differential(qemud, f'define {xmldir}/tdom.xml; start tdom; list; domstate tdom --reason; dominfo tdom; '
                        'dumpxml tdom; suspend tdom; domstate tdom --reason; list --all; '
                        'resume tdom; domstate tdom --reason; reboot tdom; domstate tdom --reason; '
                        'shutdown tdom; domstate tdom --reason; list --all; '
                        'start tdom; domstate tdom --reason; destroy tdom; domstate tdom --reason; list --all',
                 ids=True, rc=0, no_err=True,
                 out=["Domain 'tdom' started", 'running (booted)', "Domain 'tdom' suspended", 'paused (user)',
                      "Domain 'tdom' resumed", 'running (unpaused)', "Domain 'tdom' is being rebooted",
                      "Domain 'tdom' is being shutdown", 'shut off (shutdown)', "Domain 'tdom' destroyed",
                      'shut off (destroyed)'])


def test_builtin_domain_lifecycle(qemud, differential):
    # the built-in "test" domain: stop and restart gives it a new ID
    differential(qemud, 'suspend test; domstate test --reason; resume test; destroy test; list --all; '
                        'domid test; start test; list; domstate test --reason',
                 ids=True, rc=0, no_err=True, out=["Domain 'test' destroyed", "Domain 'test' started"])


def test_autostart(qemud, differential, xmldir):
    differential(qemud, f'define {xmldir}/tdom.xml; autostart tdom; dominfo tdom; list --all --autostart; '
                        'list --all --no-autostart; autostart --disable tdom; dominfo tdom; '
                        'list --all --autostart; autostart test; list --autostart',
                 rc=0, no_err=True, out=["Domain 'tdom' marked as autostarted", 'Autostart:      enable',
                                         "Domain 'tdom' unmarked as autostarted"])


def test_memory_and_vcpus(qemud, differential, xmldir):
    differential(qemud, f'define {xmldir}/tdom.xml; setmem tdom 262144 --config; setmaxmem tdom 1048576 --config; '
                        'setvcpus tdom 2 --config; dumpxml tdom; start tdom; setmem tdom 393216 --live; '
                        'setvcpus tdom 1 --live; setvcpus tdom 2 --live; dominfo tdom; vcpucount tdom; '
                        'dumpxml tdom; dumpxml tdom --inactive; setmem tdom 131072; dominfo tdom',
                 ids=True, rc=0, no_err=True,
                 out=["<currentMemory unit='KiB'>393216</currentMemory>", 'Max memory:     1048576 KiB',
                      'Used memory:    131072 KiB', 'current      live           2'])


def test_memory_and_vcpus_errors(qemud, differential, xmldir):
    differential(qemud, f'define {xmldir}/tdom.xml; start tdom; setmem tdom 2097152 --live; '
                        'setvcpus tdom 4 --live; setmaxmem tdom 2097152 --live; dominfo tdom',
                 ids=True, rc=0,
                 err=['error: invalid argument: cannot set memory higher than max memory',
                      'error: invalid argument: requested cpu amount exceeds maximum (4 > 2)',
                      'error: Requested operation is not valid: cannot resize the maximum memory on an active domain'])


def test_undefine_and_define_again(qemud, differential, xmldir):
    differential(qemud, f'define {xmldir}/tdom.xml; undefine tdom; list --all; dominfo tdom; '
                        f'define {xmldir}/tdom.xml; define {xmldir}/tdom.xml; list --all; dumpxml tdom',
                 rc=0, out=["Domain 'tdom' has been undefined", f'<uuid>{TDOM_UUID}</uuid>'],
                 err="error: failed to get domain 'tdom'")


def test_undefine_running_makes_transient(qemud, differential, xmldir):
    differential(qemud, f'define {xmldir}/tdom.xml; start tdom; undefine tdom; list --all --transient; '
                        'dominfo tdom; destroy tdom; list --all; dominfo tdom',
                 ids=True, rc=1, out=['Persistent:     no'], err="error: failed to get domain 'tdom'")


def test_start_again_errors(qemud, differential, xmldir):
    differential(qemud, f'define {xmldir}/tdom.xml; start tdom; start tdom; start test; domstate tdom',
                 ids=True, rc=0, err=['error: Domain is already active'])


def test_create_transient(qemud, differential, xmldir):
    differential(qemud, f'create {xmldir}/tran.xml; list --all; list --transient; dominfo tran; dumpxml tran; '
                        'suspend tran; domstate tran --reason; resume tran; destroy tran; list --all; dominfo tran',
                 ids=True, rc=1, out=[f"Domain 'tran' created from {xmldir}/tran.xml", 'Persistent:     no'],
                 err="error: failed to get domain 'tran'")


def test_list_flags(qemud, differential, xmldir):
    differential(qemud, f'define {xmldir}/tdom.xml; define {xmldir}/tdom2.xml; start tdom2; suspend tdom2; '
                        f'create {xmldir}/tran.xml; autostart tdom; '
                        'list; list --inactive; list --all; list --persistent; list --transient; '
                        'list --all --autostart; list --all --no-autostart; list --state-running; '
                        'list --state-paused; list --state-shutoff; list --all --state-shutoff; '
                        'list --all --name; list --all --uuid; list --all --table; '
                        'list --all --persistent --state-running; list --all --title; '
                        'list --all --with-snapshot; list --all --without-snapshot',
                 ids=True, rc=0, no_err=True, out=[' -    tdom   shut off', TDOM_UUID])


def test_desc_and_metadata(qemud, differential):
    differential(qemud, "desc test; desc test --title; desc test --live 'hello world'; "
                        "desc test --title 'My title'; desc test; desc test --title; list --title; "
                        "metadata test --uri http://example.org/ns --key ex --set '<foo bar=\"1\"/>'; "
                        'metadata test --uri http://example.org/ns; dumpxml test; '
                        'metadata test --uri http://example.org/other; '
                        'metadata test --uri http://example.org/ns --remove; '
                        'metadata test --uri http://example.org/ns; dumpxml test',
                 rc=0, out=['No description for domain: test', 'hello world', 'My title',
                            '<foo bar="1"/>', '<ex:foo xmlns:ex="http://example.org/ns" bar="1"/>',
                            'Metadata removed'],
                 err='error: metadata not found: Requested metadata element is not present')


def test_desc_config_on_inactive(qemud, differential, xmldir):
    differential(qemud, f"define {xmldir}/tdom.xml; desc tdom --config 'inactive desc'; desc tdom; "
                        "metadata tdom --config --uri http://example.org/ns --key ex --set '<a>x</a>'; "
                        'metadata tdom --uri http://example.org/ns; dumpxml tdom',
                 rc=0, no_err=True, out=['inactive desc', '<ex:a xmlns:ex="http://example.org/ns">x</ex:a>'])


# ---------------------------------------------------------------- networks, pools, volumes
def test_network_lifecycle(qemud, differential, xmldir):
    differential(qemud, f'net-define {xmldir}/net.xml; net-list --all; net-info tnet; net-start tnet; net-list; '
                        'net-autostart tnet; net-list --all --autostart; net-autostart tnet --disable; '
                        'net-dumpxml tnet; net-uuid tnet; net-name 8a1b2c3d-4e5f-4061-9273-8495a6b7c8d9; '
                        'net-destroy tnet; net-list --all --inactive; net-undefine tnet; net-list --all; '
                        'net-info tnet',
                 rc=1, out=['Network tnet defined from', 'Network tnet started', 'Network tnet destroyed',
                            'Network tnet has been undefined'],
                 err="error: Network not found: no network with matching name 'tnet'")


def test_pool_and_volume_lifecycle(qemud, differential, xmldir):
    t = f'{xmldir}/tpool'
    differential(qemud, f'pool-define-as tpool dir --target {t}; pool-list --all; pool-start tpool; '
                        'pool-list --all --details; pool-autostart tpool; pool-list --autostart; '
                        'pool-autostart tpool --disable; '
                        'vol-create-as tpool v1.img 10M; vol-create-as tpool v2.img 1G --format qcow2; '
                        'vol-list tpool; vol-list tpool --details; vol-info v1.img --pool tpool; '
                        'vol-path v1.img --pool tpool; vol-dumpxml v1.img --pool tpool; '
                        'vol-delete v1.img --pool tpool; vol-list tpool; vol-delete v9.img --pool tpool; '
                        'pool-destroy tpool; pool-list --all; pool-undefine tpool; pool-list --all; pool-info tpool',
                 rc=1, out=['Pool tpool defined', 'Pool tpool started', 'Vol v1.img created', f'{t}/v2.img',
                            'Vol v1.img deleted', 'Pool tpool destroyed', 'Pool tpool has been undefined'],
                 err=["error: Storage volume not found: no storage vol with matching path 'v9.img'",
                      "error: Storage pool not found: no storage pool with matching name 'tpool'"])


def test_pool_define_from_xml(qemud, differential, xmldir):
    differential(qemud, f'pool-define {xmldir}/pool.xml; pool-info xpool; pool-uuid xpool; pool-dumpxml xpool; '
                        'pool-start xpool; pool-info xpool; pool-destroy xpool; pool-undefine xpool',
                 rc=0, no_err=True, out=['9b2c3d4e-5f60-4172-8384-95a6b7c8d9e0', 'Pool xpool has been undefined'])


# ---------------------------------------------------------------- errors
def test_unknown_objects(qemud_shared, differential):
    differential(qemud_shared,
                 'dominfo nosuchdomain; domstate nosuch; dumpxml 00000000-0000-0000-0000-000000000000; '
                 'dominfo 6695eb01-f6a4-8304-79aa-97f2502e19ff; domname 99; undefine nosuchdomain; '
                 'start nosuch; destroy nosuch; suspend nosuch; '
                 'net-dumpxml nosuchnet; net-info 00000000-0000-0000-0000-000000000001; net-start nosuchnet; '
                 'net-destroy nosuchnet; net-undefine nosuchnet; '
                 'pool-info nosuchpool; pool-info 00000000-0000-0000-0000-000000000002; pool-start nosuchpool; '
                 'pool-destroy nosuchpool; pool-undefine nosuchpool; vol-list nosuchpool; '
                 'vol-info nosuchvol --pool default-pool; vol-delete nosuchvol --pool default-pool; '
                 'iface-dumpxml nosuchif; list --all',
                 rc=0, out=' 1    test   running',
                 err=["error: failed to get domain 'nosuchdomain'",
                      "error: failed to get domain '00000000-0000-0000-0000-000000000000'",
                      "error: Network not found: no network with matching name 'nosuchnet'",
                      "error: Storage pool not found: no storage pool with matching name 'nosuchpool'",
                      "error: Storage volume not found: no storage vol with matching path 'nosuchvol'"])


def test_duplicate_define(qemud, differential, xmldir):
    differential(qemud, f'define {xmldir}/test-otheruuid.xml; define {xmldir}/tdom.xml; start tdom; '
                        f'define {xmldir}/tdom-otheruuid.xml; list --all; dumpxml tdom',
                 ids=True, rc=0,
                 err=["error: operation failed: domain 'test' already exists with uuid " + TEST_UUID,
                      "error: operation failed: domain 'tdom' already exists with uuid " + TDOM_UUID])


def test_state_errors(qemud, differential, xmldir):
    differential(qemud, f'define {xmldir}/tdom.xml; suspend tdom; resume tdom; destroy tdom; shutdown tdom; '
                        'reboot tdom; start tdom; resume tdom; start tdom; net-start default; '
                        'pool-start default-pool; domstate tdom',
                 ids=True, rc=0,
                 err=["error: internal error: domain 'tdom' not running",
                      "error: internal error: domain 'tdom' not paused",
                      'error: Requested operation is not valid: domain is not running',
                      'error: Domain is already active',
                      "error: Requested operation is not valid: Network 'default' is already running",
                      "error: Requested operation is not valid: storage pool 'default-pool' is active"])


def test_malformed_xml(qemud, differential, xmldir):
    differential(qemud, f'define {xmldir}/bad.xml; define {xmldir}/junk.xml; create {xmldir}/bad.xml; '
                        f'net-define {xmldir}/junk.xml; pool-define {xmldir}/junk.xml; list --all',
                 rc=0, err=[f'error: Failed to define domain from {xmldir}/bad.xml',
                            f'error: Failed to define domain from {xmldir}/junk.xml',
                            f'error: Failed to create domain from {xmldir}/bad.xml'])
