#!/bin/bash
# Build the Linux test guest's initramfs from Debian's busybox-static and
# the ACPI power-button module of an installed Debian kernel.
#
# usage: mkinitramfs.sh OUT.cpio.gz [KERNEL-VERSION]
#
# The guest's /init mounts proc, sys and dev, loads button.ko (plus its
# dependencies, and evdev.ko so the button has an event device), starts
# busybox acpid with a power-button handler that runs 'poweroff -f',
# prints QEMUD-LINUX-READY on the console (boot with console=ttyS0) and
# keeps a shell on it. Nothing is rebuilt when OUT is newer than its
# inputs (this script, /bin/busybox, the kernel's modules.dep).
set -eu

out=${1:?usage: mkinitramfs.sh OUT.cpio.gz [KERNEL-VERSION]}
kver=${2:-$(find /lib/modules -mindepth 1 -maxdepth 1 -printf "%f\n" |
            sort -V | tail -n 1)}
moddir=/lib/modules/$kver
busybox=/bin/busybox

if [ ! -f "$moddir/modules.dep" ]; then
    echo "mkinitramfs.sh: no modules for kernel '$kver'" >&2
    exit 1
fi
file "$busybox" 2>/dev/null | grep -q 'statically linked' ||
    ldd "$busybox" 2>&1 | grep -q 'not a dynamic' ||
    { echo "$busybox is not busybox-static" >&2; exit 1; }

if [ -f "$out" ] && [ "$out" -nt "$0" ] && [ "$out" -nt "$busybox" ] &&
   [ "$out" -nt "$moddir/modules.dep" ]; then
    exit 0
fi

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/etc/acpi/PWRF" "$stage/lib/modules" \
         "$stage/dev" "$stage/proc" "$stage/sys" "$stage/tmp"
cp "$busybox" "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"

# Copy @1 (a path relative to $moddir) after its dependencies, once;
# append it to the load order. Compressed modules are unpacked, since
# busybox insmod takes plain .ko files.
add_module() {
    name=$(basename "$1")
    name=${name%.xz}; name=${name%.zst}; name=${name%.gz}
    grep -qx "$name" "$stage/etc/modules.order" 2>/dev/null && return 0
    deps=$(grep "^$1:" "$moddir/modules.dep" | cut -d: -f2)
    for d in $deps; do
        add_module "$d"
    done
    case "$1" in
        *.xz)  xz -dc "$moddir/$1" > "$stage/lib/modules/$name" ;;
        *.zst) zstd -qdc "$moddir/$1" > "$stage/lib/modules/$name" ;;
        *.gz)  gzip -dc "$moddir/$1" > "$stage/lib/modules/$name" ;;
        *)     cp "$moddir/$1" "$stage/lib/modules/$name" ;;
    esac
    echo "$name" >> "$stage/etc/modules.order"
}

: > "$stage/etc/modules.order"
for m in button evdev; do
    path=$(grep -o "^kernel/[^:]*/$m\.ko[.a-z]*:" "$moddir/modules.dep" |
           head -n 1 | tr -d :)
    if [ -z "$path" ]; then
        # built into this kernel: nothing to load
        grep -q "/$m\.ko" "$moddir/modules.builtin" ||
            { echo "module $m not found for $kver" >&2; exit 1; }
        continue
    fi
    add_module "$path"
done

cat > "$stage/etc/acpi/PWRF/00000080" <<'EOF'
#!/bin/sh
# busybox acpid runs this on an ACPI power-button press
exec /bin/busybox poweroff -f
EOF
chmod 755 "$stage/etc/acpi/PWRF/00000080"

cat > "$stage/init" <<'EOF'
#!/bin/sh
# /init of the qemud Linux test guest (tests/guests/mkinitramfs.sh)
export PATH=/sbin:/usr/sbin:/bin:/usr/bin
/bin/busybox mkdir -p /sbin /usr/bin /usr/sbin /var/log /root
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in $(cat /etc/modules.order); do
    insmod "/lib/modules/$m" || echo "insmod $m failed"
done
acpid -f -c /etc/acpi -l /var/log/acpid.log &
acpid=$!
# announce readiness only once acpid watches the event devices
n=0
while [ $n -lt 100 ] &&
      ! ls -l /proc/$acpid/fd 2>/dev/null | grep -q /dev/input/event; do
    sleep 0.1
    n=$((n + 1))
done
echo QEMUD-LINUX-READY
while :; do
    setsid cttyhack sh
done
EOF
chmod 755 "$stage/init"

# reproducible archive: fixed owner and times, sorted names
find "$stage" -exec touch -h -d @0 {} +
(cd "$stage" && find . | LC_ALL=C sort |
    cpio --quiet -o -H newc -R 0:0 --reproducible) | gzip -9 -n > "$out.tmp"
mv "$out.tmp" "$out"
