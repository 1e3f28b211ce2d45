#!/bin/bash
# QEMU-driver figures of issue 5: qemud against libvirtd 9.0's QEMU driver
# and against raw QEMU, in one run. One command, as root on Debian 12:
# installs what it needs, builds qemud (bench/build/qemud) and the test
# guests (bench/build/guests), starts a private qemud and a private
# libvirtd (qemu:///system in its own mount and network namespaces), runs
# qemu_bench.py, prints the table and writes results/qemu-latest.{json,md}.
# Everything it started is stopped, killed or unmounted on exit, Ctrl-C
# included. See bench/README.md, "QEMU driver".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")

REPS=20 WARMUP=1 GUESTS=10 RESTART_ROUNDS=3 ONLY="start,restart"
QEMUD="" KEEP=0 NO_LIBVIRTD=0
OUT=$here/results

usage() {
    cat <<USAGE
usage: bench/qemu.sh [options]
  --quick              5 repetitions, 1 restart round (about 3 minutes)
  --reps N             start/destroy repetitions per daemon and mode (default $REPS)
  --warmup N           uncounted repetitions first (default $WARMUP)
  --guests N           guests running across the restart (default $GUESTS)
  --restart-rounds R   restarts per daemon (default $RESTART_ROUNDS)
  --only LIST          start,restart (default both)
  --no-libvirtd        qemud and the raw floor only
  --qemud PATH         use this qemud binary instead of building one
  --out DIR            where qemu-latest.json/.md go (default bench/results)
  --keep               keep the run directory (logs, configs) in /tmp
USAGE
}

while [ $# -gt 0 ]; do
    case $1 in
    --quick) REPS=5; RESTART_ROUNDS=1 ;;
    --reps) REPS=$2; shift ;;
    --warmup) WARMUP=$2; shift ;;
    --guests) GUESTS=$2; shift ;;
    --restart-rounds) RESTART_ROUNDS=$2; shift ;;
    --only) ONLY=$2; shift ;;
    --no-libvirtd) NO_LIBVIRTD=1 ;;
    --qemud) QEMUD=$(readlink -f "$2"); shift ;;
    --out) OUT=$(readlink -f "$2"); shift ;;
    --keep) KEEP=1 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
    esac
    shift
done

log() { printf '[qemu-bench %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (qemu:///system, namespaces, packages)"

# ---- packages --------------------------------------------------------------
# qemud's build, the client library, both daemons' QEMU, the guests'
# tools (tests/guests/build.sh), the namespace tools
PKGS="gcc make pkg-config meson ninja-build libxml2-dev libjson-c-dev
libgnutls28-dev libsasl2-dev python3 python3-libvirt libvirt-clients
libvirt-daemon libvirt-daemon-driver-qemu qemu-system-x86 binutils
busybox-static linux-image-amd64 cpio util-linux iproute2 procps"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
        missing="$missing $p"
done
if [ -n "$missing" ]; then
    log "installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >&2
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $missing >&2
fi

# ---- builds ----------------------------------------------------------------
if [ -z "$QEMUD" ]; then
    qb=$here/build/qemud
    mkdir -p "$here/build"
    if [ ! -f "$qb/build.ninja" ]; then
        log "configuring qemud in $qb"
        meson setup "$qb" "$top" >/dev/null
    fi
    log "building qemud"
    if ! ninja -C "$qb" qemud >"$here/build/qemud-build.log" 2>&1; then
        [ -x "$qb/qemud" ] || die "qemud does not build: $here/build/qemud-build.log"
        log "warning: qemud rebuild failed (see $here/build/qemud-build.log); using the previous binary"
    fi
    QEMUD=$qb/qemud
fi
[ -x "$QEMUD" ] || die "no qemud binary at $QEMUD"
log "building the test guests in $here/build/guests"
bash "$top/tests/guests/build.sh" "$here/build/guests" >"$here/build/guests.log" 2>&1 ||
    die "tests/guests/build.sh failed: $here/build/guests.log"

# ---- run --------------------------------------------------------------------
RUN=$(mktemp -d /tmp/qemud-qbench.XXXXXX)
chmod 755 "$RUN"
PY=/usr/bin/python3    # the interpreter python3-libvirt serves
cleanup() {
    local rc=$?
    trap - EXIT INT TERM HUP
    # qemu_bench.py cleans up itself; this catches what an abort left
    if [ -d "$RUN" ]; then
        if [ "$KEEP" = 1 ]; then
            "$PY" "$here/qemu_bench.py" --cleanup "$RUN" --keep || true
        else
            "$PY" "$here/qemu_bench.py" --cleanup "$RUN" || true
        fi
    fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

git_rev="$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)"
git -C "$top" diff --quiet 2>/dev/null || git_rev="$git_rev+dirty"
args=(--run "$RUN" --qemud "$QEMUD" --guests-dir "$here/build/guests"
      --reps "$REPS" --warmup "$WARMUP" --guests "$GUESTS"
      --restart-rounds "$RESTART_ROUNDS" --only "$ONLY" --out "$OUT"
      --meta "{\"qemud_git\":\"$git_rev\",\"qemud_binary\":\"$QEMUD\"}")
[ "$NO_LIBVIRTD" = 1 ] && args+=(--no-libvirtd)
[ "$KEEP" = 1 ] && args+=(--keep)
log "qemud: $QEMUD ($git_rev); libvirtd: $(libvirtd --version | awk '{print $NF}'); load: $(cut -d' ' -f1-3 /proc/loadavg)"
"$PY" "$here/qemu_bench.py" "${args[@]}"
