#!/bin/bash
# Stand-in for qemud built from the real libvirtd, to check the suite's own
# expectations against libvirt:
#
#   sudo QEMUD_BIN=$PWD/tests/integration/libvirtd_as_qemud.sh /usr/bin/python3 -m pytest tests/integration
#
# Needs root (system-mode libvirtd, which has the read-only socket) and
# unshare(1): /run, /var/lib, /var/cache, /var/log, /etc/libvirt, /etc/passwd and
# /etc/group are private tmpfs/bind mounts, so the host is not touched.
# Expected failures with libvirtd 9.0 (deliberate qemud differences):
# test_second_open_keeps_first and test_nodedev_list.
set -eu
conf=""; pid=""
while [ $# -gt 0 ]; do
    case "$1" in -f) conf=$2; shift 2;; -p) pid=$2; shift 2;; *) shift;; esac
done
d=$(dirname "$conf")
{ grep -v '^root_dir' "$conf"
  echo 'auth_unix_rw = "none"'; echo 'auth_unix_ro = "none"'; echo 'unix_sock_ro_perms = "0777"'; } > "$d/libvirtd.conf"
mkdir -p "$d/etc"
printf 'user = "root"\ngroup = "root"\n' > "$d/etc/qemu.conf"
# the qemu driver refuses to start without its Debian user
{ cat /etc/passwd; echo 'libvirt-qemu:x:64055:64055::/nonexistent:/usr/sbin/nologin'; } > "$d/passwd"
{ cat /etc/group; echo 'libvirt-qemu:x:64055:'; echo 'kvm:x:64056:'; } > "$d/group"
exec unshare -m --propagation private sh -c "
for m in /run /var/lib /var/cache /var/log; do mount -t tmpfs none \$m; done
mount --bind '$d/etc' /etc/libvirt
mount --bind '$d/passwd' /etc/passwd
mount --bind '$d/group' /etc/group
exec libvirtd -f '$d/libvirtd.conf' -p '$pid'"
