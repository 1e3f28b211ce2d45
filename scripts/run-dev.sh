#!/bin/bash
# Build qemud and run it in the foreground on the test driver, with its
# sockets under ./run (Ctrl-C stops it). Root: it installs packages.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)

bash scripts/deps.sh
[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build qemud

mkdir -p run
cat > run/qemud.conf <<CONF
# qemud development configuration (libvirtd.conf syntax)
unix_sock_dir = "$top/run"
root_dir = "$top/run/root"
log_level = 3
CONF

echo
echo "qemud is starting; in another terminal:"
echo "  virsh -c 'test+unix:///default?socket=$top/run/libvirt-sock' list --all"
echo "real guests (QEMU driver):"
echo "  virsh -c 'qemu+unix:///system?socket=$top/run/libvirt-sock' list --all"
echo
exec build/qemud -f run/qemud.conf
