#!/bin/bash
# Build the libFuzzer harnesses in fuzz/ (clang, ASan + UBSan) in
# build-fuzz, replay fuzz/regressions/ and fuzz/corpus/, then fuzz each
# harness for SECONDS_PER_HARNESS (default 60) on a scratch copy of its
# corpus. Inputs that crash, leak or hang are saved under
# fuzz/regressions/<harness>/. One line per harness:
# "fuzz <name>: <N> execs, <cov> cov, OK|CRASH"; last line:
# "N passed, N failed". Root only if packages are missing.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

secs=${1:-60}
case "$secs" in
    ''|*[!0-9]*) echo "usage: $0 [SECONDS_PER_HARNESS]" >&2; exit 2 ;;
esac
harnesses="wire domain_xml config qmp"
nharness=$(echo "$harnesses" | wc -w)

bash scripts/deps.sh || exit 1
# clang and its runtimes (libFuzzer, ASan, UBSan), as scripts/deps.sh does
FUZZ_PKGS="clang libclang-rt-14-dev"
missing=""
for p in $FUZZ_PKGS; do
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

# -Dwerror=false: the -Werror set is tuned for gcc, and clang warns about
# other things (e.g. unused _cleanup_ variables); the gcc builds keep it.
dir=build-fuzz
if [ ! -f $dir/build.ninja ]; then
    CC=clang meson setup $dir -Dfuzzing=true -Db_sanitize=address,undefined \
        -Db_lundef=false -Dwerror=false >/dev/null ||
        { echo "meson setup failed"; echo "0 passed, $nharness failed"; exit 1; }
fi
if ! ninja -C $dir fuzz; then
    echo "build failed"
    echo "0 passed, $nharness failed"
    exit 1
fi

# LeakSanitizer is on (libFuzzer's -detect_leaks=1 default); no
# suppressions, so a leak of a libxml2 object qemud forgot shows too.
export ASAN_OPTIONS="detect_leaks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

# "N execs" and "cov" from libFuzzer's -print_final_stats=1 output.
stats() {
    local log=$1 execs cov
    execs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -1)
    cov=$(grep -E '^#[0-9]+.*cov: [0-9]+' "$log" | tail -1 |
          sed 's/.*cov: \([0-9]*\).*/\1/')
    echo "${execs:-0} execs, ${cov:-0} cov"
}

# Keep every artifact of @1 (work dir) as a regression of harness @2.
keep_artifacts() {
    local art=$1/artifacts name=$2 f kept=0
    for f in "$art"/crash-* "$art"/leak-* "$art"/timeout-* "$art"/oom-*; do
        [ -f "$f" ] || continue
        mkdir -p "fuzz/regressions/$name"
        cp "$f" "fuzz/regressions/$name/"
        echo "  saved fuzz/regressions/$name/$(basename "$f")"
        kept=1
    done
    return $kept
}

passed=0
failed=0
for name in $harnesses; do
    bin=$(pwd)/$dir/fuzz/fuzz_$name
    work=$(pwd)/$dir/work/$name
    rm -rf "$work"
    mkdir -p "$work/corpus" "$work/artifacts"
    log=$work/fuzz.log
    ok=1

    # 1. Replay: every regression and every seed, once each.
    inputs=$(find "fuzz/regressions/$name" "fuzz/corpus/$name" -type f \
             ! -name '.*' 2>/dev/null | sort)
    if [ -n "$inputs" ]; then
        # shellcheck disable=SC2086
        if ! "$bin" -artifact_prefix="$work/artifacts/" -timeout=25 \
                $inputs >"$work/replay.log" 2>&1; then
            echo "fuzz $name: replay failed:"
            { grep 'Running:' "$work/replay.log" | tail -1
              grep -E 'ERROR|invariant broken|runtime error' \
                  "$work/replay.log" | head -3; } | sed 's/^/  /'
            ok=0
        fi
    fi

    # 2. Fuzz a scratch copy of the corpus (the checked-in one never grows).
    if [ $ok = 1 ]; then
        cp -r "fuzz/corpus/$name/." "$work/corpus/"
        if ! (cd "$work" && "$bin" -max_total_time="$secs" \
                -print_final_stats=1 -timeout=25 -rss_limit_mb=2048 \
                -artifact_prefix="$work/artifacts/" "$work/corpus" \
                >"$log" 2>&1); then
            echo "fuzz $name: crash:"
            grep -E '^==[0-9]+==ERROR|^SUMMARY|invariant broken|runtime error' \
                "$log" | head -5 | sed 's/^/  /'
            ok=0
        fi
        keep_artifacts "$work" "$name" || ok=0
    fi

    if [ $ok = 1 ]; then
        line="fuzz $name: $(stats "$log"), OK"
        passed=$((passed + 1))
    else
        line="fuzz $name: $(stats "$log" 2>/dev/null), CRASH"
        failed=$((failed + 1))
    fi
    echo "$line"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
