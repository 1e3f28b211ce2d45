#!/bin/bash
# Build qemud under AddressSanitizer + UndefinedBehaviorSanitizer and run
# every test: the cmocka unit tests, then the pytest integration tests
# (real virsh and python3-libvirt against qemud and libvirt's own
# test:///default), then the fuzzers (scripts/fuzz.sh, FUZZ_SECONDS per
# harness, default 30). Root: it installs packages. Last line:
# "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/deps.sh --test || exit 1

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:halt_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$(pwd)/tests/lsan.supp"

dir=build-san
if [ ! -f $dir/build.ninja ]; then
    meson setup $dir -Db_sanitize=address,undefined -Dbuildtype=debug \
        -Db_lundef=false >/dev/null || { echo "0 passed, 1 failed"; exit 1; }
fi
if ! ninja -C $dir; then
    echo "build failed"
    echo "0 passed, 1 failed"
    exit 1
fi

passed=0
failed=0

# Unit tests: one cmocka binary per module.
log=$(mktemp)
meson test -C $dir --print-errorlogs 2>&1 | tee "$log"
ok=$(sed -n 's/^Ok: *\([0-9]*\).*/\1/p' "$log" | tail -1)
bad=$(sed -n 's/^Fail: *\([0-9]*\).*/\1/p' "$log" | tail -1)
to=$(sed -n 's/^Timeout: *\([0-9]*\).*/\1/p' "$log" | tail -1)
passed=$((passed + ${ok:-0}))
failed=$((failed + ${bad:-0} + ${to:-0}))
[ -z "$ok" ] && failed=$((failed + 1))

# Integration tests.
QEMUD_BIN="$(pwd)/$dir/qemud" /usr/bin/python3 -m pytest -q -p no:cacheprovider \
    tests/integration 2>&1 | tee "$log"
summary=$(grep -E '^(=+ )?[0-9]+ (passed|failed)|^(=+ )?[0-9]+ (error|errors)|no tests ran' "$log" | tail -1)
p=$(echo "$summary" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+')
f=$(echo "$summary" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+')
e=$(echo "$summary" | grep -oE '[0-9]+ errors?' | grep -oE '[0-9]+')
passed=$((passed + ${p:-0}))
failed=$((failed + ${f:-0} + ${e:-0}))
[ -z "$p$f$e" ] && failed=$((failed + 1))

# Fuzzing: the libFuzzer harnesses (clang) replay their regressions and
# corpora, then run 30 s each; one result per harness.
FUZZ_SECONDS=${FUZZ_SECONDS:-30}
bash scripts/fuzz.sh "$FUZZ_SECONDS" 2>&1 | tee "$log"
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -1)
p=$(echo "$summary" | grep -oE '^[0-9]+')
f=$(echo "$summary" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+')
passed=$((passed + ${p:-0}))
failed=$((failed + ${f:-0}))
[ -z "$summary" ] && failed=$((failed + 1))
rm -f "$log"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
