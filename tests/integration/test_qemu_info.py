"""The QEMU driver's information calls with real guests under TCG: domstats,
vcpuinfo/vcpupin/emulatorpin, dommemstat, domblkstat, domifstat, and the
XML-built domblklist/domiflist.

The expected shapes (field names, their order, which fields appear for a
running or a stopped domain, error texts) are those libvirtd 9.0's QEMU
driver gives for the same domains (checked by hand against it, see
/work/shared/REFERENCE-LIBVIRTD.md); the values are checked for what the
guest did: the boot-sector guest's BIOS reads its IDE disk, then the
guest mostly halts (waiting for COM1), so its CPU time grows slowly.
"""
import os
import re
import signal
import time

import libvirt
import pytest

from test_qemu_driver import boot_img, qemu_pid

# virDomainState, virDomainMemoryStatTags
RUNNING, PAUSED, SHUTOFF = 1, 3, 5
MEM_ACTUAL, MEM_RSS, MEM_LAST_UPDATE = 6, 7, 9


def info_xml(guests, tmp_path, name, vcpus=2, balloon=True, extra=''):
    """The boot-sector guest with two vCPUs, its boot disk on IDE (hda), an
    empty 8 MiB virtio disk (vdb), a user-mode virtio NIC and, unless
    @balloon is false, a virtio balloon."""
    data = tmp_path / ('data-%s.img' % name)
    with open(data, 'wb') as f:
        f.truncate(8 << 20)
    return """<domain type='qemu'>
  <name>%s</name>
  <memory unit='MiB'>32</memory>
  <vcpu>%d</vcpu>
  %s
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <boot dev='hd'/>
  </os>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='%s'/>
      <target dev='hda' bus='ide'/>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='%s'/>
      <target dev='vdb' bus='virtio'/>
    </disk>
    <interface type='user'>
      <mac address='52:54:00:12:34:56'/>
      <model type='virtio'/>
    </interface>
    <serial type='pty'/>
    <console type='pty'/>
    <memballoon model='%s'/>
  </devices>
</domain>
""" % (name, vcpus, extra, boot_img(guests, name), data, 'virtio' if balloon else 'none')


@pytest.fixture
def qd(qemud_factory):
    """A private daemon whose guests are destroyed before it stops (qemud
    leaves guests running when it exits)."""
    d = qemud_factory()
    yield d
    if d.proc is not None and d.proc.poll() is None:
        conn = libvirt.open(d.qemu_uri)
        for dom in conn.listAllDomains(libvirt.VIR_CONNECT_LIST_DOMAINS_ACTIVE):
            try:
                dom.destroy()
            except libvirt.libvirtError:
                pass
        conn.close()


def parse_stats(out):
    """virsh domstats output -> {name: [(field, value), ...]} in order."""
    recs, cur = {}, None
    for line in out.splitlines():
        m = re.match(r"^Domain: '(.*)'$", line)
        if m:
            cur = recs.setdefault(m.group(1), [])
            continue
        m = re.match(r'^  ([^=]+)=(.*)$', line)
        if m and cur is not None:
            cur.append((m.group(1), m.group(2)))
    return recs


def stats(virsh, qd, args):
    r = virsh(qd.qemu_uri, 'domstats ' + args)
    assert r.rc == 0, r
    return parse_stats(r.out)


def wait_disk_read(virsh, qd, name, timeout=30):
    """The BIOS reads the boot sector: wait until QEMU counted it."""
    deadline = time.monotonic() + timeout
    while True:
        d = dict(stats(virsh, qd, '--block ' + name)[name])
        if int(d.get('block.0.rd.reqs', 0)) > 0:
            return d
        assert time.monotonic() < deadline, d
        time.sleep(0.2)


RUNNING_BLOCK_FIELDS = ['name', 'path', 'backingIndex', 'rd.reqs', 'rd.bytes', 'rd.times',
                        'wr.reqs', 'wr.bytes', 'wr.times', 'fl.reqs', 'fl.times',
                        'allocation', 'capacity', 'physical']


def running_fields(vcpus=2, balloon=True):
    f = ['state.state', 'state.reason',
         'cpu.time', 'cpu.user', 'cpu.system', 'cpu.cache.monitor.count',
         'cpu.haltpoll.success.time', 'cpu.haltpoll.fail.time',
         'balloon.current', 'balloon.maximum']
    f += ['balloon.last-update', 'balloon.rss'] if balloon else ['balloon.rss']
    f += ['vcpu.current', 'vcpu.maximum']
    for i in range(vcpus):
        f += ['vcpu.%d.%s' % (i, k) for k in ('state', 'time', 'wait', 'delay')]
    f += ['net.count', 'block.count']
    for i in range(2):
        f += ['block.%d.%s' % (i, k) for k in RUNNING_BLOCK_FIELDS]
    f += ['dirtyrate.calc_status', 'dirtyrate.calc_start_time', 'dirtyrate.calc_period',
          'dirtyrate.calc_mode']
    return f


# ------------------------------------------------------------------ domstats

def test_domstats_running(qd, guests, virsh, tmp_path):
    xml = tmp_path / 'st.xml'
    xml.write_text(info_xml(guests, tmp_path, 'st'))
    assert virsh(qd.qemu_uri, 'define %s; start st' % xml).rc == 0
    wait_disk_read(virsh, qd, 'st')
    rec = stats(virsh, qd, 'st')['st']
    assert [k for k, _ in rec] == running_fields(), rec
    d = dict(rec)
    assert d['state.state'] == '1' and d['state.reason'] == '1'     # running (booted)
    cpu, user, system = int(d['cpu.time']), int(d['cpu.user']), int(d['cpu.system'])
    assert cpu > 0 and cpu == user + system
    assert d['cpu.cache.monitor.count'] == '0'
    # TCG: no KVM halt polling
    assert d['cpu.haltpoll.success.time'] == '0' and d['cpu.haltpoll.fail.time'] == '0'
    assert d['balloon.current'] == d['balloon.maximum'] == '32768'
    assert d['balloon.last-update'] == '0'          # no balloon driver in the guest
    assert int(d['balloon.rss']) > 1024
    assert d['vcpu.current'] == d['vcpu.maximum'] == '2'
    assert d['vcpu.0.state'] == d['vcpu.1.state'] == '1'
    assert int(d['vcpu.0.time']) > 0                # the BSP runs the guest
    assert int(d['vcpu.0.time']) <= cpu
    assert d['net.count'] == '1'                    # user mode: no host-side name
    assert d['block.count'] == '2'
    img = boot_img(guests, 'st')
    assert (d['block.0.name'], d['block.0.path'], d['block.0.backingIndex']) == ('hda', img, '2')
    assert int(d['block.0.rd.reqs']) >= 1 and int(d['block.0.rd.bytes']) >= 512
    assert int(d['block.0.rd.times']) > 0
    assert d['block.0.capacity'] == '512'           # the boot sector image
    assert (d['block.1.name'], d['block.1.path'], d['block.1.backingIndex']) == \
        ('vdb', str(tmp_path / 'data-st.img'), '1')
    assert d['block.1.capacity'] == str(8 << 20)
    assert d['block.1.wr.reqs'] == '0' and d['block.1.wr.bytes'] == '0'
    assert d['dirtyrate.calc_status'] == '0' and d['dirtyrate.calc_mode'] == 'page-sampling'

    # the figures are read afresh: QEMU's own CPU time keeps growing (its
    # timers run even while the guest halts: a 10 ms tick every second or
    # two), a vCPU's never goes back
    deadline = time.monotonic() + 20
    while True:
        time.sleep(0.5)
        d2 = dict(stats(virsh, qd, '--cpu-total --vcpu st')['st'])
        if int(d2['cpu.time']) > cpu or time.monotonic() > deadline:
            break
    assert int(d2['cpu.time']) > cpu
    assert int(d2['vcpu.0.time']) >= int(d['vcpu.0.time'])

    # groups one by one, and the same numbers through python
    assert [k for k, _ in stats(virsh, qd, '--state st')['st']] == ['state.state', 'state.reason']
    assert [k for k, _ in stats(virsh, qd, '--interface st')['st']] == ['net.count']
    assert [k for k, _ in stats(virsh, qd, '--balloon st')['st']] == \
        ['balloon.current', 'balloon.maximum', 'balloon.last-update', 'balloon.rss']
    # no backing chains: --backing changes nothing
    assert [k for k, _ in stats(virsh, qd, '--block --backing st')['st']] == \
        ['block.count'] + ['block.%d.%s' % (i, k) for i in range(2) for k in RUNNING_BLOCK_FIELDS]
    conn = libvirt.open(qd.qemu_uri)
    dom = conn.lookupByName('st')
    [(rdom, params)] = conn.domainListGetStats([dom], libvirt.VIR_DOMAIN_STATS_BLOCK)
    assert rdom.name() == 'st' and params['block.0.name'] == 'hda'
    assert params['block.0.rd.reqs'] >= 1 and params['block.count'] == 2
    [(rdom, params)] = conn.getAllDomainStats(libvirt.VIR_DOMAIN_STATS_STATE)
    assert params == {'state.state': RUNNING, 'state.reason': 1}
    conn.close()
    qd.assert_alive()


def test_domstats_stopped_paused_and_filters(qd, guests, virsh, tmp_path):
    u = qd.qemu_uri
    for name in ('off', 'on'):
        xml = tmp_path / (name + '.xml')
        xml.write_text(info_xml(guests, tmp_path, name))
        assert virsh(u, 'define %s' % xml).rc == 0
    assert virsh(u, 'start on; suspend on').rc == 0

    # a stopped domain: what the definition and the image files tell
    rec = stats(virsh, qd, 'off')['off']
    assert [k for k, _ in rec] == [
        'state.state', 'state.reason', 'cpu.time', 'cpu.user', 'cpu.system',
        'balloon.current', 'balloon.maximum', 'vcpu.current', 'vcpu.maximum',
        'block.count',
        'block.0.name', 'block.0.path', 'block.0.allocation', 'block.0.capacity',
        'block.0.physical',
        'block.1.name', 'block.1.path', 'block.1.capacity', 'block.1.physical'], rec
    d = dict(rec)
    assert (d['state.state'], d['state.reason']) == ('5', '0')
    assert d['balloon.current'] == d['balloon.maximum'] == '32768'
    assert d['block.0.capacity'] == d['block.0.physical'] == '512'
    assert int(d['block.0.allocation']) > 0
    assert d['block.1.capacity'] == d['block.1.physical'] == str(8 << 20)   # sparse: no allocation

    # paused: the state, and the vCPUs are still there
    d = dict(stats(virsh, qd, '--state --vcpu on')['on'])
    assert (d['state.state'], d['state.reason']) == ('3', '1')
    assert d['vcpu.0.state'] == '1' and 'vcpu.1.time' in d

    # the list filters
    names = lambda args: sorted(stats(virsh, qd, '--state ' + args))  # noqa: E731
    assert names('') == ['off', 'on']
    assert names('--list-active') == ['on']
    assert names('--list-inactive') == ['off']
    assert names('--list-paused') == ['on']
    assert names('--list-running') == []
    assert names('--list-shutoff') == ['off']
    assert names('--list-persistent') == ['off', 'on']
    assert names('--list-transient') == []
    # domains named: skipped when they do not match the filter
    assert sorted(stats(virsh, qd, '--state --list-active off on')) == ['on']

    conn = libvirt.open(u)
    # unknown groups: dropped, or refused with ENFORCE (only when a domain
    # is there to be checked, as libvirt checks per domain)
    recs = conn.getAllDomainStats(1 << 20)
    assert sorted(d.name() for d, _ in recs) == ['off', 'on'] and all(p == {} for _, p in recs)
    with pytest.raises(libvirt.libvirtError) as ei:
        conn.getAllDomainStats(libvirt.VIR_DOMAIN_STATS_STATE | (1 << 20),
                               libvirt.VIR_CONNECT_GET_ALL_DOMAINS_STATS_ENFORCE_STATS)
    assert ei.value.get_error_code() == libvirt.VIR_ERR_ARGUMENT_UNSUPPORTED
    assert 'Stats types bits 0x100000 are not supported by this daemon or QEMU' in str(ei.value)
    assert conn.getAllDomainStats(1 << 20, libvirt.VIR_CONNECT_GET_ALL_DOMAINS_STATS_ENFORCE_STATS |
                                  libvirt.VIR_CONNECT_GET_ALL_DOMAINS_STATS_TRANSIENT) == []
    # every libvirt 9.0 group is accepted, NOWAIT too
    recs = conn.getAllDomainStats(0x7ff, libvirt.VIR_CONNECT_GET_ALL_DOMAINS_STATS_ENFORCE_STATS |
                                  libvirt.VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT)
    assert len(recs) == 2
    with pytest.raises(libvirt.libvirtError) as ei:
        conn.getAllDomainStats(0, 1 << 12)
    assert 'unsupported flags (0x1000) in function qemuConnectGetAllDomainStats' in str(ei.value)
    conn.close()
    qd.assert_alive()


# ------------------------------------------------------------------ vCPUs

def test_vcpuinfo_vcpupin_emulatorpin(qd, guests, virsh, tmp_path):
    u = qd.qemu_uri
    ncpu = os.cpu_count()
    allcpus = '0' if ncpu == 1 else '0-%d' % (ncpu - 1)
    xml = tmp_path / 'vc.xml'
    xml.write_text(info_xml(guests, tmp_path, 'vc', extra="<cputune><vcpupin vcpu='1' cpuset='0'/></cputune>"))
    assert virsh(u, 'define %s' % xml).rc == 0

    # stopped: virsh falls back to the pinning of the config
    r = virsh(u, 'vcpuinfo vc')
    assert r.rc == 0, r
    assert r.out == ('VCPU:           0\nCPU:            N/A\nState:          N/A\n'
                     'CPU time        N/A\nCPU Affinity:   %s\n\n'
                     'VCPU:           1\nCPU:            N/A\nState:          N/A\n'
                     'CPU time        N/A\nCPU Affinity:   %s\n\n') % ('y' * ncpu, 'y' + '-' * (ncpu - 1))
    r = virsh(u, 'vcpupin vc; emulatorpin vc')
    assert r.rc == 0, r
    assert re.search(r'^ 0 +%s$' % allcpus, r.out, re.M) and re.search(r'^ 1 +0$', r.out, re.M), r.out
    assert re.search(r'^ +\*: %s$' % allcpus, r.out, re.M), r.out

    conn = libvirt.open(u)
    dom = conn.lookupByName('vc')
    with pytest.raises(libvirt.libvirtError) as ei:
        dom.vcpuPinInfo(libvirt.VIR_DOMAIN_AFFECT_LIVE)
    assert 'Requested operation is not valid: domain is not running' in str(ei.value)
    with pytest.raises(libvirt.libvirtError) as ei:
        dom.vcpus()
    assert ei.value.get_error_code() == libvirt.VIR_ERR_OPERATION_INVALID
    assert 'cannot retrieve vcpu information for inactive domain' in str(ei.value)

    # running: one entry per vCPU thread, with its time and affinity
    dom.create()
    r = virsh(u, 'vcpuinfo vc')
    assert r.rc == 0, r
    blocks = r.out.strip().split('\n\n')
    assert len(blocks) == 2, r.out
    for i, b in enumerate(blocks):
        assert re.match(r'VCPU: +%d\nCPU: +\d+\nState: +running\n(CPU time: +[\d.]+s\n)?'
                        r'CPU Affinity: +[y-]{%d}$' % (i, ncpu), b), b
    assert 'CPU time:' in blocks[0]
    r = virsh(u, 'vcpuinfo --pretty vc')
    assert r.rc == 0 and 'CPU Affinity:   %s (out of %d)' % (allcpus, ncpu) in r.out, r
    info, maps = dom.vcpus()
    assert [v[0] for v in info] == [0, 1] and all(v[1] == 1 for v in info)
    assert info[0][2] > 0 and all(0 <= v[3] < ncpu for v in info)
    assert len(maps) == 2 and all(len(m) == ncpu for m in maps)
    # pin queries answer from the definition, live or config, as libvirt's
    assert dom.vcpuPinInfo(libvirt.VIR_DOMAIN_AFFECT_LIVE)[0] == tuple([True] * ncpu)
    assert dom.vcpuPinInfo(libvirt.VIR_DOMAIN_AFFECT_CONFIG)[1] == tuple([True] + [False] * (ncpu - 1))
    assert dom.emulatorPinInfo() == tuple([True] * ncpu)
    # dominfo's CPU time covers the vCPU threads
    assert dom.info()[4] >= info[0][2]
    dom.destroy()
    conn.close()
    qd.assert_alive()


# ------------------------------------------------------------------ memory

def test_dommemstat(qd, guests, virsh, tmp_path):
    u = qd.qemu_uri
    for name, balloon in (('mb', True), ('nb', False)):
        xml = tmp_path / (name + '.xml')
        xml.write_text(info_xml(guests, tmp_path, name, balloon=balloon))
        assert virsh(u, 'define %s' % xml).rc == 0
    r = virsh(u, 'dommemstat mb')
    assert r.rc == 1, r
    assert r.err == ('error: Failed to get memory statistics for domain mb\n'
                     'error: Requested operation is not valid: domain is not running\n'), r.err
    assert virsh(u, 'start mb; start nb').rc == 0
    # with a balloon: its size, what the guest reported (nothing, it has no
    # balloon driver), QEMU's RSS
    r = virsh(u, 'dommemstat mb')
    assert r.rc == 0, r
    assert re.fullmatch(r'actual 32768\nlast_update 0\nrss \d+\n\n', r.out), r.out
    # without one: the RSS only
    r = virsh(u, 'dommemstat nb')
    assert r.rc == 0 and re.fullmatch(r'rss \d+\n\n', r.out), r
    conn = libvirt.open(u)
    st = conn.lookupByName('mb').memoryStats()
    assert st['actual'] == 32768 and st['last_update'] == 0
    assert 1024 < st['rss'] < 1024 * 1024
    assert list(conn.lookupByName('nb').memoryStats()) == ['rss']
    conn.close()
    qd.assert_alive()


# ------------------------------------------------------------------ block

BLK_NAMES = ['rd_req', 'rd_bytes', 'wr_req', 'wr_bytes', 'flush_operations',
             'rd_total_times', 'wr_total_times', 'flush_total_times']


def blkstat(out, prefix):
    rows = [line.split() for line in out.splitlines() if line.strip()]
    if prefix:
        assert all(r[0] == prefix for r in rows), out
        rows = [r[1:] for r in rows]
    assert [r[0] for r in rows] == BLK_NAMES, out
    return {r[0]: int(r[1]) for r in rows}


def test_domblkstat(qd, guests, virsh, tmp_path):
    u = qd.qemu_uri
    xml = tmp_path / 'bk.xml'
    xml.write_text(info_xml(guests, tmp_path, 'bk'))
    assert virsh(u, 'define %s' % xml).rc == 0
    r = virsh(u, 'domblkstat bk hda')
    assert r.rc == 1 and r.err == 'error: Requested operation is not valid: domain is not running\n', r
    assert virsh(u, 'start bk').rc == 0
    wait_disk_read(virsh, qd, 'bk')
    img = boot_img(guests, 'bk')
    r = virsh(u, 'domblkstat bk hda; domblkstat bk %s; domblkstat bk vdb; domblkstat bk' % img)
    assert r.rc == 0, r
    outs = r.out.split('\n\n')
    hda = blkstat(outs[0], 'hda')
    assert hda['rd_req'] >= 1 and hda['rd_bytes'] >= 512 and hda['rd_total_times'] > 0
    assert blkstat(outs[1], img)['rd_req'] >= hda['rd_req']             # by source path
    vdb = blkstat(outs[2], 'vdb')
    assert vdb['wr_req'] == 0 and vdb['wr_bytes'] == 0
    total = blkstat(outs[3], None)                                     # all disks
    assert total['rd_req'] >= hda['rd_req'] + vdb['rd_req']
    r = virsh(u, 'domblkstat bk vdb --human')
    assert r.rc == 0 and r.out.startswith('Device: vdb\n number of read operations:      0\n'), r
    r = virsh(u, 'domblkstat bk sdz')
    assert r.rc == 1 and r.err == 'error: invalid argument: invalid path: sdz\n', r

    conn = libvirt.open(u)
    dom = conn.lookupByName('bk')
    rd_req, rd_bytes, wr_req, wr_bytes, errs = dom.blockStats('hda')
    assert rd_req >= 1 and rd_bytes >= 512 and wr_req == 0 and errs == -1
    flags = dom.blockStatsFlags('hda')
    assert sorted(flags) == sorted(['wr_bytes', 'wr_operations', 'rd_bytes', 'rd_operations',
                                    'flush_operations', 'wr_total_times', 'rd_total_times',
                                    'flush_total_times'])
    assert flags['rd_operations'] == rd_req
    with pytest.raises(libvirt.libvirtError) as ei:
        dom.blockStatsFlags('hda', 1)
    assert 'unsupported flags (0x1) in function qemuDomainBlockStatsFlags' in str(ei.value)
    dom.destroy()
    conn.close()
    qd.assert_alive()


# ------------------------------------------------------------------ interfaces and the XML lists

def test_domifstat_domiflist_domblklist(qd, guests, virsh, tmp_path):
    u = qd.qemu_uri
    xml = tmp_path / 'nt.xml'
    xml.write_text(info_xml(guests, tmp_path, 'nt'))
    assert virsh(u, 'define %s' % xml).rc == 0
    r = virsh(u, 'domifstat nt 52:54:00:12:34:56')
    assert r.rc == 1 and r.err == ('error: Failed to get interface stats nt 52:54:00:12:34:56\n'
                                   'error: Requested operation is not valid: domain is not running\n'), r
    assert virsh(u, 'start nt').rc == 0
    # user-mode networking has no host-side device to count on, as in libvirt
    r = virsh(u, 'domifstat nt 52:54:00:12:34:56')
    assert r.rc == 1 and r.err == ('error: Failed to get interface stats nt 52:54:00:12:34:56\n'
                                   'error: internal error: Interface name not provided\n'), r
    for dev in ('vnet0', '52:54:00:00:00:01'):
        r = virsh(u, 'domifstat nt %s' % dev)
        assert r.rc == 1 and r.err == ('error: Failed to get interface stats nt %s\n'
                                       "error: invalid argument: '%s' is not a known interface\n"
                                       % (dev, dev)), r
    r = virsh(u, 'domiflist nt')
    assert r.rc == 0, r
    assert r.out.splitlines()[2].split() == ['-', 'user', '-', 'virtio', '52:54:00:12:34:56'], r.out
    r = virsh(u, 'domblklist nt --details')
    assert r.rc == 0, r
    rows = [line.split() for line in r.out.splitlines()[2:] if line.strip()]
    assert rows == [['file', 'disk', 'hda', boot_img(guests, 'nt')],
                    ['file', 'disk', 'vdb', str(tmp_path / 'data-nt.img')]], r.out
    conn = libvirt.open(u)
    with pytest.raises(libvirt.libvirtError) as ei:
        conn.lookupByName('nt').interfaceStats('52:54:00:12:34:56')
    assert ei.value.get_error_code() == libvirt.VIR_ERR_INTERNAL_ERROR
    conn.close()
    qd.assert_alive()


# ------------------------------------------------------------------ a QEMU that does not answer

def test_stats_of_a_stuck_qemu(qd, guests, virsh, tmp_path):
    """What /proc knows comes at once; what needs QMP gives up after a
    bounded wait (domstats then leaves it out); the daemon stays usable."""
    u = qd.qemu_uri
    xml = tmp_path / 'sk.xml'
    xml.write_text(info_xml(guests, tmp_path, 'sk'))
    assert virsh(u, 'define %s; start sk' % xml).rc == 0
    wait_disk_read(virsh, qd, 'sk')
    pid = qemu_pid(qd, 'sk')
    os.kill(pid, signal.SIGSTOP)
    try:
        t = time.monotonic()
        r = virsh(u, 'dominfo sk; vcpuinfo sk; domstats --state --cpu-total --vcpu sk')
        assert r.rc == 0 and 'State:          running' in r.out, r
        assert time.monotonic() - t < 5, 'the /proc-only calls waited for QEMU'
        t = time.monotonic()
        d = dict(stats(virsh, qd, 'sk')['sk'])
        took = time.monotonic() - t
        assert took < 15, took
        assert d['state.state'] == '1' and int(d['cpu.time']) > 0 and d['block.0.name'] == 'hda'
        assert 'block.0.rd.reqs' not in d and 'dirtyrate.calc_status' not in d, d
        r = virsh(u, 'domblkstat sk hda')
        assert r.rc == 1 and 'Timed out during operation' in r.err, r
    finally:
        os.kill(pid, signal.SIGCONT)
    r = virsh(u, 'domblkstat sk hda')
    assert r.rc == 0 and 'hda rd_req' in r.out, r
    d = dict(stats(virsh, qd, '--block sk')['sk'])
    assert int(d['block.0.rd.reqs']) >= 1
    qd.assert_alive()
