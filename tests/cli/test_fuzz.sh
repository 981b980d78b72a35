#!/bin/sh
# The committed fuzz corpus (tests/fuzz/corpus/NAME/) as regression tests:
#  - every file, and the built-in library and test data for the YAML
#    readers, replayed through its harness built without libFuzzer
#    (BUILD/fuzz-replay/fuzz_NAME, tests/fuzz/replay.c), runs to the end:
#    no crash, and no refusal without a message (under `make check`, no
#    ASan or UBSan report either);
#  - every input that once crashed a harness, given to the normal binary
#    as a user would (validate, chart --kind each, merge), is refused
#    cleanly: exit 2 and a `virtsim: ...` message (regress-*), or, if it
#    is valid input, runs (valid-*: exit 0); never a signal or a
#    sanitizer report.
. "$(dirname "$0")/lib.sh"
FUZZ=$(dirname "$VIRTSIM")/fuzz-replay
ROOT=$(cd "$HERE/../.." && pwd)
CORPUS=$ROOT/tests/fuzz/corpus

# The files each harness replays: its corpus, and for the YAML readers the
# library they read every day.
inputs() {
    case $1 in
    workload) echo "$ROOT"/workloads/*.yaml ;;
    host) echo "$ROOT"/scenarios/hosts/*.yaml ;;
    scenario) echo "$ROOT"/scenarios/*.yaml "$ROOT"/tests/cli/data/*.yaml ;;
    lab) echo "$ROOT"/labs/*.yaml ;;
    esac
    echo "$CORPUS/$1"/*
}

for name in workload host scenario lab chart_json merge_csv; do
    bin=$FUZZ/fuzz_$name
    if [ ! -x "$bin" ]; then
        fail "the replay harness fuzz_$name is built" "missing: $bin (make fuzz-replay)"
        continue
    fi
    n=0
    for f in $(inputs "$name"); do
        [ -f "$f" ] || continue
        n=$((n + 1))
        # From the repository root, as make fuzz runs: references resolve.
        (cd "$ROOT" && "$bin" "$f") >"$TMP/out" 2>"$TMP/err"
        status=$?
        if [ "$status" -eq 0 ]; then ok "fuzz_$name replays $(basename "$f")"; else
            fail "fuzz_$name replays $(basename "$f")" "exit $status" "$(head -c 600 "$TMP/err")"
        fi
    done
    if [ "$n" -gt 0 ]; then ok "fuzz_$name has inputs to replay ($n)"; else fail "fuzz_$name has inputs to replay"; fi
done

# handled NAME FILE: the last run refused FILE cleanly (exit 2 and a
# `virtsim: ` message), or, for an input that is valid (valid-*), ran it
# (exit 0); never a signal or a sanitizer report.
handled() {
    case $(basename "$2") in valid-*) want=0 ;; *) want=2 ;; esac
    if grep -qE 'Sanitizer|runtime error' "$TMP/err"; then
        fail "$1" "sanitizer report: $(head -c 400 "$TMP/err")"
    elif [ "$STATUS" -ne "$want" ]; then
        fail "$1" "exit $STATUS, expected $want" "stderr: $(head -c 400 "$TMP/err")"
    elif [ "$want" -eq 2 ] && ! grep -q '^virtsim: ' "$TMP/err"; then
        fail "$1" "no virtsim: message" "stderr: $(head -c 400 "$TMP/err")"
    else ok "$1"; fi
}

for f in "$CORPUS"/workload/regress-* "$CORPUS"/host/regress-* "$CORPUS"/scenario/regress-* \
    "$CORPUS"/workload/valid-* "$CORPUS"/host/valid-* "$CORPUS"/scenario/valid-*; do
    [ -f "$f" ] || continue
    run validate "$f"
    handled "validate handles $(basename "$f")" "$f"
done
for f in "$CORPUS"/chart_json/regress-* "$CORPUS"/chart_json/valid-*; do
    [ -f "$f" ] || continue
    cp "$f" "$TMP/in.json"
    for k in relative breakdown density density-curve; do
        run chart "$TMP/in.json" --kind $k --output "$TMP/c.svg"
        handled "chart --kind $k handles $(basename "$f")" "$f"
    done
done
for f in "$CORPUS"/merge_csv/regress-* "$CORPUS"/merge_csv/valid-*; do
    [ -f "$f" ] || continue
    # The harness cuts its input into files where a line starts with \036.
    rm -f "$TMP"/part*
    awk -v out="$TMP/part" 'BEGIN { f = out 0 } substr($0, 1, 1) == "\036" { n++; f = out n; $0 = substr($0, 2) }
        { print > f }' "$f"
    # shellcheck disable=SC2046
    run merge $(ls "$TMP"/part*)
    handled "merge handles $(basename "$f")" "$f"
done
