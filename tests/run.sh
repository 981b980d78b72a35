#!/bin/sh
# Runs every test: the command-line tests (tests/cli/*.sh) and then the cmocka
# unit tests, and ends with one line "N passed, N failed".
# Usage: tests/run.sh BUILD_DIR
set -u
build=${1:-build}
VIRTSIM=$(cd "$build" && pwd)/virtsim
export VIRTSIM
# Under `make check`: third-party caches that live until exit are not leaks.
LSAN_OPTIONS="suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS
passed=0 failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for t in tests/cli/test_*.sh; do
    [ -f "$t" ] || continue
    sh "$t" >"$log" 2>&1
    status=$?
    cat "$log"
    p=$(grep -c '^ok ' "$log")
    f=$(grep -c '^not ok ' "$log")
    if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "not ok - $t exited with $status"
        f=1
    fi
    passed=$((passed + p)) failed=$((failed + f))
done

for t in "$build"/tests/test_*; do
    [ -x "$t" ] || continue
    "$t" >"$log" 2>&1
    status=$?
    cat "$log"
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
    if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "$t exited with status $status"
        f=1
    fi
    passed=$((passed + p)) failed=$((failed + f))
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
