#!/bin/bash
# Install what qemud needs to build and test (Debian 12, as root).
# Skips apt entirely when everything is already installed.
set -euo pipefail

BUILD_PKGS="gcc meson ninja-build pkg-config libxml2-dev libjson-c-dev
libgnutls28-dev libsasl2-dev"
# libvirt0 (libvirt-clients pulls it in too) ships the
# /usr/share/libvirt/test-screenshot.png the test driver's screenshot streams
# gnutls-bin: certtool for the test PKI; sasl2-bin: saslpasswd2;
# libsasl2-modules(-db): the SCRAM/DIGEST-MD5 mechanisms and the sasldb
# (a dependency only recommends them)
TEST_PKGS="libcmocka-dev python3-pytest python3-libvirt libvirt-clients libvirt0
qemu-system-x86 qemu-utils binutils busybox-static linux-image-amd64 cpio
virtinst gnutls-bin sasl2-bin libsasl2-modules libsasl2-modules-db"

want="$BUILD_PKGS"
[ "${1:-}" = "--test" ] && want="$BUILD_PKGS $TEST_PKGS"

missing=""
for p in $want; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
        missing="$missing $p"
done
if [ -n "$missing" ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "qemud: missing packages:$missing (run as root to install)" >&2
        exit 1
    fi
    echo "qemud: installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $missing
fi
