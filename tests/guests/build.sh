#!/bin/bash
# Build the QEMU driver's test guests into OUTDIR (never committed):
#   boot.img           512-byte boot sector: marker + COM1 echo (bootsector.S)
#   vmlinuz            copy of the installed Debian kernel
#   initramfs.cpio.gz  busybox-static + ACPI power button (mkinitramfs.sh)
#   kernel-version     the version both come from
# Installs the Debian packages it needs when missing (root only).
# Idempotent; does nothing but a few checks when OUTDIR is up to date.
set -eu

out=${1:?usage: build.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"

need=
for p in binutils busybox-static linux-image-amd64 qemu-system-x86 cpio; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
        grep -q 'install ok installed' || need="$need $p"
done
if [ -n "$need" ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "build.sh: missing Debian packages:$need" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    # shellcheck disable=SC2086
    apt-get install -y --no-install-recommends $need ||
        { apt-get update && apt-get install -y --no-install-recommends $need; }
fi

# boot sector
if [ ! -f "$out/boot.img" ] ||
   [ "$here/bootsector.S" -nt "$out/boot.img" ]; then
    as --32 -o "$out/bootsector.o" "$here/bootsector.S"
    ld -m elf_i386 -Ttext 0x7c00 --oformat binary -o "$out/boot.img.tmp" \
        "$out/bootsector.o"
    rm -f "$out/bootsector.o"
    if [ "$(wc -c < "$out/boot.img.tmp")" -ne 512 ] ||
       [ "$(od -An -tx1 -j510 -N2 "$out/boot.img.tmp" | tr -d ' ')" != 55aa ]
    then
        echo "build.sh: boot.img is not a 512-byte boot sector" >&2
        exit 1
    fi
    chmod 644 "$out/boot.img.tmp"
    mv "$out/boot.img.tmp" "$out/boot.img"
fi

# kernel: the newest one installed with its modules
kver=
for v in $(find /lib/modules -mindepth 1 -maxdepth 1 -printf "%f\n" |
          sort -V); do
    [ -f "/boot/vmlinuz-$v" ] && kver=$v
done
if [ -z "$kver" ]; then
    echo "build.sh: no /boot/vmlinuz-* with modules" >&2
    exit 1
fi
if ! cmp -s "/boot/vmlinuz-$kver" "$out/vmlinuz"; then
    cp "/boot/vmlinuz-$kver" "$out/vmlinuz.tmp"
    chmod 644 "$out/vmlinuz.tmp"
    mv "$out/vmlinuz.tmp" "$out/vmlinuz"
fi
if [ "$(cat "$out/kernel-version" 2>/dev/null)" != "$kver" ]; then
    echo "$kver" > "$out/kernel-version"
    rm -f "$out/initramfs.cpio.gz"
fi

"$here/mkinitramfs.sh" "$out/initramfs.cpio.gz" "$kver"
