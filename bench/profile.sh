#!/bin/bash
# Where a daemon's time goes per call: syscalls, context switches and CPU per
# call (perf stat on the daemon while wirebench runs), then optionally a
# perf profile and a syscall mix (strace -c). Root; run bench/run.sh once
# first (it builds everything and creates user lvref).
#
#   bench/profile.sh [--qemud PATH] [--libvirtd] [--perf] [--strace]
#                    [--workers MIN:MAX:PRIO] [--seconds S]
#
# Output: one line per (daemon, op, connections x depth), and with --perf /
# --strace the reports under the kept run directory.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
QEMUD=$here/build/qemud/qemud LIBVIRTD=0 PERF=0 STRACE=0 SECS=2
# read by lib/daemons.sh
export MIN_WORKERS=8 MAX_WORKERS=32 PRIO_WORKERS=8 MAX_REQUESTS=64
export MAX_QUEUED=4096 MAX_CLIENTS=5000 NOFILE
NOFILE=$(ulimit -Hn)
while [ $# -gt 0 ]; do
    case $1 in
    --qemud) QEMUD=$(readlink -f "$2"); shift ;;
    --libvirtd) LIBVIRTD=1 ;;
    --perf) PERF=1 ;;
    --strace) STRACE=1 ;;
    --workers) IFS=: read -r MIN_WORKERS MAX_WORKERS PRIO_WORKERS <<< "$2"; shift ;;
    --seconds) SECS=$2; shift ;;
    *) sed -n '2,12p' "$0" >&2; exit 2 ;;
    esac
    shift
done
log() { printf '[profile %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root"
command -v perf >/dev/null || die "perf is missing (apt-get install linux-perf)"
[ -x "$here/build/wirebench" ] || die "run bench/run.sh (or make -C bench) first"

RUN=$(mktemp -d /tmp/qemud-profile.XXXXXX)
chmod 755 "$RUN"
: > "$RUN/pids"
LV_PID="" QD_PID=""
# shellcheck source=lib/daemons.sh
. "$here/lib/daemons.sh"
cleanup() {
    trap - EXIT INT TERM
    stop_libvirtd || true
    stop_qemud || true
    log "reports kept in $RUN"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# measure LABEL PID SOCK OP CONNS DEPTH
measure() {
    local label=$1 pid=$2 sock=$3 op=$4 c=$5 d=$6 tag=$1-$4-$5x$6
    "$here/build/wirebench" -s "$sock" -p "$pid" -l "$label" -o "$op" \
        -c "$c" -d "$d" -S "$(awk -v s="$SECS" 'BEGIN { print s + 2 }')" \
        -w 0.5 > "$RUN/$tag.json" &
    local wb=$!
    sleep 1
    perf stat -x, -e raw_syscalls:sys_enter,context-switches,task-clock \
        -p "$pid" -o "$RUN/$tag.stat" -- sleep "$SECS"
    if [ "$PERF" = 1 ] && [ "$c" = 8 ]; then
        perf record -q -e cpu-clock -F 2999 --call-graph dwarf,16384 -p "$pid" \
            -o "$RUN/$tag.perf" -- sleep 0.5 2>/dev/null || true
    fi
    wait "$wb"
    if [ "$STRACE" = 1 ] && [ "$c" = 1 ]; then
        "$here/build/wirebench" -s "$sock" -l "$label" -o "$op" -c 1 -d 1 \
            -S 3 -w 0.2 > /dev/null &
        wb=$!
        sleep 1
        timeout -s INT 1 strace -c -f -p "$pid" -o "$RUN/$tag.strace" \
            2>/dev/null || true
        wait "$wb"
    fi
    python3 - "$RUN/$tag.json" "$RUN/$tag.stat" "$SECS" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
st = {}
for line in open(sys.argv[2]):
    p = line.strip().split(",")
    if len(p) > 3 and p[0][:1].isdigit():
        st[p[2]] = float(p[0])
n = r["ops_per_s"] * float(sys.argv[3])
print("%-8s %-11s %2dx%-2d %8.0f calls/s  CPU %6.1f us/call  syscalls %5.2f/call"
      "  context switches %5.2f/call" % (
          r["daemon"], r["op"], r["conns"], r["depth"], r["ops_per_s"],
          st["task-clock"] * 1000 / n, st["raw_syscalls:sys_enter"] / n,
          st["context-switches"] / n))
PY
}

start_qemud
targets=("qemud $QD_PID $QD_SOCK")
if [ "$LIBVIRTD" = 1 ]; then
    id lvref >/dev/null 2>&1 || die "user lvref missing: run bench/run.sh once"
    start_libvirtd
    targets+=("libvirtd $LV_PID $LV_SOCK")
fi
log "qemud $QEMUD, workers $MIN_WORKERS..$MAX_WORKERS prio $PRIO_WORKERS"
for cfg in "1 1" "8 8" "64 16"; do
    for op in get-version list-all; do
        for t in "${targets[@]}"; do
            # shellcheck disable=SC2086
            measure $t "$op" $cfg
        done
    done
done
if [ "$PERF" = 1 ]; then
    for f in "$RUN"/*.perf; do
        { perf report -i "$f" --no-children --sort sym --stdio -g none \
              2>/dev/null | grep '%' | head -25 > "${f%.perf}.top"; } || true
        { perf report -i "$f" --children --sort sym --stdio -g none \
              2>/dev/null | grep '%' | grep -v '\[k\]' | head -40 \
              > "${f%.perf}.children"; } || true
    done
fi
