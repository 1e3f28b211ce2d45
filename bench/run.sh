#!/bin/bash
# qemud vs libvirtd 9.0, interleaved, on the test driver. One command, as
# root on Debian 12: installs what it needs, builds qemud and the load
# generators, starts a private libvirtd (user lvref, session mode) and a
# private qemud with the same limits, measures both, prints the table and
# writes results/latest.json. See bench/README.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")

SECONDS_PER=4 WARMUP=0.5 ROUNDS=1
CONFIGS="8x8,64x16"
OPS="get-version,lookup-info,list-all,get-xml,define-undefine,open-close"
WIRE_OPS="get-version,list-all"
LISTENERS="8,64"
IDLE="1000,10000,50000"
ONLY="lib,wire,events,idle"
WIRE_THREADS=1
MIN_WORKERS=8 MAX_WORKERS=32 PRIO_WORKERS=8 MAX_REQUESTS=64 MAX_QUEUED=4096
QEMUD="" KEEP=0 QUICK=0 OWN_SESSION=0
OUT=$here/results

usage() {
    cat <<USAGE
usage: bench/run.sh [options]
  --quick              ~2 minutes: 1 s windows, idle 1,000 and 10,000 only
  --seconds S          measured window per figure (default $SECONDS_PER)
  --warmup S           warm-up before each window (default $WARMUP)
  --rounds R           repeat every figure R times, report the median (default $ROUNDS)
  --only LIST          groups to run: lib,wire,events,idle (default all)
  --configs LIST       CONNSxTHREADS (raw wire: CONNSxDEPTH) (default $CONFIGS)
  --ops LIST           library ops (default $OPS)
  --listeners LIST     event fan-out listener counts (default $LISTENERS)
  --idle LIST          idle connection counts (default $IDLE)
  --wire-threads N     client epoll threads for raw wire (default $WIRE_THREADS)
  --workers N          min_workers and max_workers for both daemons (default $MIN_WORKERS/$MAX_WORKERS)
  --prio-workers N     prio_workers for both (default $PRIO_WORKERS)
  --max-requests N     max_client_requests for both (default $MAX_REQUESTS)
  --qemud PATH         use this qemud binary instead of building one
  --out DIR            where latest.json/latest.md go (default bench/results)
  --keep               keep the run directory (daemon logs) in /tmp
  --own-session        daemons detach into sessions of their own (see
                       docs/performance.md, "Scheduling"); default: both run
                       in the bench's session, as peers of the client
USAGE
}

while [ $# -gt 0 ]; do
    case $1 in
    --quick) QUICK=1 ;;
    --seconds) SECONDS_PER=$2; shift ;;
    --warmup) WARMUP=$2; shift ;;
    --rounds) ROUNDS=$2; shift ;;
    --only) ONLY=$2; shift ;;
    --configs) CONFIGS=$2; shift ;;
    --ops) OPS=$2; shift ;;
    --listeners) LISTENERS=$2; shift ;;
    --idle) IDLE=$2; shift ;;
    --wire-threads) WIRE_THREADS=$2; shift ;;
    --workers) MIN_WORKERS=$2; MAX_WORKERS=$2; shift ;;
    --prio-workers) PRIO_WORKERS=$2; shift ;;
    --max-requests) MAX_REQUESTS=$2; shift ;;
    --qemud) QEMUD=$(readlink -f "$2"); shift ;;
    --out) OUT=$2; shift ;;
    --keep) KEEP=1 ;;
    --own-session) OWN_SESSION=1 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
    esac
    shift
done
if [ "$QUICK" = 1 ]; then
    SECONDS_PER=1 WARMUP=0.3
    [ "$IDLE" = "1000,10000,50000" ] && IDLE="1000,10000"
fi

log() { printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (installs packages, starts libvirtd as user lvref)"

# ---- packages --------------------------------------------------------------
PKGS="gcc make pkg-config libvirt-dev libvirt-daemon libvirt-clients meson
ninja-build libxml2-dev libjson-c-dev libgnutls28-dev libsasl2-dev python3
util-linux procps coreutils"
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
log "building the load generators"
make -s -C "$here" >&2
if [ -z "$QEMUD" ]; then
    qb=$here/build/qemud
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

# ---- user, limits, run directory ---------------------------------------------
id lvref >/dev/null 2>&1 ||
    useradd -r -m -d /var/lib/lvref -s /usr/sbin/nologin lvref

max_idle=0
IFS=, read -ra idle_list <<< "$IDLE"
for n in "${idle_list[@]}"; do [ "$n" -gt "$max_idle" ] && max_idle=$n; done
MAX_CLIENTS=$((max_idle > 4000 ? max_idle + 1000 : 5000))
want_fd=$((max_idle + 2048))
OLD_NR_OPEN=$(cat /proc/sys/fs/nr_open)
if [ "$OLD_NR_OPEN" -lt "$want_fd" ]; then
    log "raising fs.nr_open to $want_fd"
    sysctl -q -w fs.nr_open="$want_fd" || true
fi
if prlimit --nofile="$want_fd:$want_fd" true 2>/dev/null; then
    NOFILE=$want_fd
else
    NOFILE=$(ulimit -Hn)
    [ "$NOFILE" -lt "$want_fd" ] &&
        log "note: cannot raise the fd limit above $NOFILE here (no CAP_SYS_RESOURCE); idle counts above ~$((NOFILE - 100)) cannot be held by either daemon"
fi

RUN=$(mktemp -d /tmp/qemud-bench.XXXXXX)
chmod 755 "$RUN"
: > "$RUN/pids"
LV_PID="" QD_PID=""
# shellcheck source=lib/daemons.sh
. "$here/lib/daemons.sh"

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    stop_libvirtd || true
    stop_qemud || true
    if [ "$(cat /proc/sys/fs/nr_open)" != "$OLD_NR_OPEN" ]; then
        sysctl -q -w fs.nr_open="$OLD_NR_OPEN" || true
    fi
    if [ "$KEEP" = 1 ]; then
        log "run directory kept: $RUN"
    else
        rm -rf "$RUN"
    fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

RESULTS=$RUN/results.jsonl
B=$here/build

# ---- running one figure ------------------------------------------------------
npair=0
round=1

# run_one DAEMON KEYJSON TIMEOUT CMD...: one tool run; its JSON line (or a
# failure line) is appended to $RESULTS with the case key and the round.
run_one() {
    local daemon=$1 key=$2 limit=$3 out rc=0
    shift 3
    out=$RUN/out.$$
    timeout -k 5 "$limit" "$@" > "$out" || rc=$?
    if grep -q '^{' "$out"; then
        grep '^{' "$out" | tail -1 |
            sed "s|^{|{$key,\"round\":$round,\"load1\":$(cut -d' ' -f1 /proc/loadavg),|" >> "$RESULTS"
    else
        local why="exit status $rc"
        [ "$rc" = 124 ] && why="timed out after ${limit}s"
        echo "{$key,\"round\":$round,\"daemon\":\"$daemon\",\"status\":\"failed\",\"error_text\":\"$why\"}" >> "$RESULTS"
        log "$daemon: $why"
    fi
    rm -f "$out"
}

# pair KEYJSON TIMEOUT CMD... (with @PID@, @SOCK@, @URI@, @LABEL@ filled in
# per daemon): both daemons, alternating which goes first.
pair() {
    local key=$1 limit=$2 d args a
    shift 2
    local order="libvirtd qemud"
    [ $((npair % 2)) = 1 ] && order="qemud libvirtd"
    npair=$((npair + 1))
    # a daemon that died (crash, OOM) is noted and replaced by a fresh one
    if [ -n "$QD_PID" ] && ! kill -0 "$QD_PID" 2>/dev/null; then
        log "qemud (pid $QD_PID) is gone; starting a new one"
        echo "{$key,\"round\":$round,\"daemon\":\"qemud\",\"event\":\"daemon died before this figure\"}" >> "$RUN/incidents.jsonl"
        stop_qemud; start_qemud
    fi
    if [ -n "$LV_PID" ] && ! kill -0 "$LV_PID" 2>/dev/null; then
        log "libvirtd (pid $LV_PID) is gone; starting a new one"
        echo "{$key,\"round\":$round,\"daemon\":\"libvirtd\",\"event\":\"daemon died before this figure\"}" >> "$RUN/incidents.jsonl"
        stop_libvirtd; start_libvirtd
    fi
    for d in $order; do
        args=()
        for a in "$@"; do
            if [ "$d" = qemud ]; then
                a=${a//@PID@/$QD_PID}; a=${a//@SOCK@/$QD_SOCK}; a=${a//@URI@/$QD_URI}
            else
                a=${a//@PID@/$LV_PID}; a=${a//@SOCK@/$LV_SOCK}; a=${a//@URI@/$LV_URI}
            fi
            args+=("${a//@LABEL@/$d}")
        done
        run_one "$d" "$key" "$limit" "${args[@]}"
    done
}

has() { [[ ",$ONLY," == *",$1,"* ]]; }

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
LOAD_START=$(loadavg)
WIN=$(awk -v s="$SECONDS_PER" -v w="$WARMUP" 'BEGIN { print int(s + w + 60) }')
log "qemud: $QEMUD; libvirtd: $(libvirtd --version | awk '{print $NF}'); load: $LOAD_START"
log "limits for both: max_clients=$MAX_CLIENTS workers=$MIN_WORKERS..$MAX_WORKERS prio=$PRIO_WORKERS max_client_requests=$MAX_REQUESTS nofile=$NOFILE"

IFS=, read -ra cfg_list <<< "$CONFIGS"
IFS=, read -ra op_list <<< "$OPS"
IFS=, read -ra wop_list <<< "$WIRE_OPS"
IFS=, read -ra lst_list <<< "$LISTENERS"

# rounds R: each figure R times in a row, the order of the daemons
# alternating (libvirtd-qemud, qemud-libvirtd, ...)
rounds() {
    local label=$1
    shift
    for round in $(seq "$ROUNDS"); do
        if [ "$ROUNDS" -gt 1 ]; then
            log "$label (round $round/$ROUNDS)"
        else
            log "$label"
        fi
        pair "$@"
    done
}

if has lib || has wire || has events; then
    start_libvirtd
    start_qemud
    if has lib; then
        for cfg in "${cfg_list[@]}"; do
            c=${cfg%x*} t=${cfg#*x}
            for op in "${op_list[@]}"; do
                rounds "lib $op ${c}x$t" "\"case\":\"lib/$op/${c}x$t\"" "$WIN" \
                    "$B/lvbench" -u @URI@ -p @PID@ -l @LABEL@ -o "$op" \
                    -c "$c" -t "$t" -S "$SECONDS_PER" -w "$WARMUP"
            done
        done
    fi
    if has wire; then
        for cfg in "${cfg_list[@]}"; do
            c=${cfg%x*} t=${cfg#*x}
            for op in "${wop_list[@]}"; do
                rounds "wire $op ${c}x$t" "\"case\":\"wire/$op/${c}x$t\"" "$WIN" \
                    "$B/wirebench" -s @SOCK@ -p @PID@ -l @LABEL@ -o "$op" \
                    -c "$c" -d "$t" -t "$WIRE_THREADS" \
                    -S "$SECONDS_PER" -w "$WARMUP"
            done
        done
    fi
    if has events; then
        for n in "${lst_list[@]}"; do
            rounds "events fan-out to $n listeners" "\"case\":\"events/lifecycle/$n\"" \
                "$WIN" "$B/lvbench" -u @URI@ -p @PID@ -l @LABEL@ -o events \
                -n "$n" -S "$SECONDS_PER" -w "$WARMUP"
        done
    fi
    stop_libvirtd
    stop_qemud
fi

if has idle; then
    round=1
    for n in "${idle_list[@]}"; do
        # bounded: handshake phase, stall detection, latency phases
        if [ "$QUICK" = 1 ]; then
            hs_t=$((5 + n / 1000))
        else
            hs_t=$((10 + n / 500))
        fi
        [ "$hs_t" -gt 60 ] && hs_t=60
        limit=$((hs_t + 60))
        order="libvirtd qemud"
        [ $((npair % 2)) = 1 ] && order="qemud libvirtd"
        npair=$((npair + 1))
        for d in $order; do
            log "idle $n connections: $d (fresh daemon)"
            if [ "$d" = qemud ]; then
                start_qemud; pid=$QD_PID sock=$QD_SOCK
            else
                start_libvirtd; pid=$LV_PID sock=$LV_SOCK
            fi
            run_one "$d" "\"case\":\"idle/$n\"" "$limit" \
                "$B/idlebench" -s "$sock" -p "$pid" -l "$d" -n "$n" \
                -T "$hs_t" -X 5 -P 10
            if [ "$d" = qemud ]; then stop_qemud; else stop_libvirtd; fi
        done
    done
fi

LOAD_END=$(loadavg)
mkdir -p "$OUT"
cat > "$RUN/meta.json" <<META
{"date":"$(date -Iseconds)","host_cpus":$(nproc),"kernel":"$(uname -r)",
 "libvirtd":"$(libvirtd --version | awk '{print $NF}')",
 "qemud_binary":"$QEMUD","qemud_git":"$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$top" diff --quiet 2>/dev/null || echo +dirty)",
 "loadavg_start":"$LOAD_START","loadavg_end":"$LOAD_END",
 "seconds":$SECONDS_PER,"warmup":$WARMUP,"rounds":$ROUNDS,"quick":$QUICK,
 "own_session":$OWN_SESSION,
 "wire_client_threads":$WIRE_THREADS,"nofile":$NOFILE,
 "limits":{"max_clients":$MAX_CLIENTS,"min_workers":$MIN_WORKERS,"max_workers":$MAX_WORKERS,
           "prio_workers":$PRIO_WORKERS,"max_client_requests":$MAX_REQUESTS,
           "max_queued_clients":$MAX_QUEUED}}
META
[ -f "$RUN/incidents.jsonl" ] && cat "$RUN/incidents.jsonl" >> "$RESULTS"
python3 "$here/report.py" "$RUN/meta.json" "$RESULTS" \
    --json "$OUT/latest.json" --md "$OUT/latest.md"
log "saved $OUT/latest.json and $OUT/latest.md"
