#!/bin/sh
# `make fuzz`: runs each libFuzzer harness for SECONDS, from its working
# corpus (FUZZ_BUILD/corpus/NAME, where new inputs are kept between runs),
# the generated seeds (FUZZ_BUILD/seeds/NAME) and the committed corpus
# (tests/fuzz/corpus/NAME). A crash, leak, sanitizer report, timeout or
# out-of-memory stops that harness and leaves the input in
# FUZZ_BUILD/crashes/; this script goes on with the others and fails at the
# end. Standard input is /dev/null: a scenario that names /dev/stdin as a
# file reads nothing instead of waiting.
# Usage: tests/fuzz/run.sh FUZZ_BUILD SECONDS NAME...
set -u
b=$1 secs=$2
shift 2
case $secs in '' | *[!0-9]*) echo "virtsim: FUZZ_SECONDS must be a whole number of seconds, not '$secs'" >&2; exit 2 ;; esac
mkdir -p "$b/crashes" "$b/logs"
failed=''
for name in "$@"; do
    mkdir -p "$b/corpus/$name" "$b/seeds/$name" "tests/fuzz/corpus/$name"
    log=$b/logs/$name.log
    dict=''
    case $name in
    workload | host | scenario) dict=$b/seeds/yaml.dict ;;
    chart_json) dict=$b/seeds/json.dict ;;
    esac
    [ -n "$dict" ] && [ -s "$dict" ] && dict="-dict=$dict" || dict=''
    # -timeout: one input taking 10 s is a finding (a loader must be fast);
    # -rss_limit_mb: memory must stay a small multiple of the input.
    "$b/fuzz_$name" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$b/crashes/$name-" $dict \
        "$b/corpus/$name" "$b/seeds/$name" "tests/fuzz/corpus/$name" </dev/null >"$log" 2>&1
    status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
    corp=$(find "$b/corpus/$name" -type f | wc -l)
    if [ "$status" -eq 0 ]; then
        echo "fuzz_$name: ${runs:-?} inputs in ${secs}s, ${cov:-cov: ?}, corpus $corp: nothing found"
    else
        echo "fuzz_$name: FOUND something (exit $status); log $log:"
        grep -E 'ERROR|SUMMARY|runtime error|fuzz:|Test unit written' "$log" | head -8 | sed 's/^/    /'
        failed="$failed $name"
    fi
done
if [ -n "$failed" ]; then
    echo "make fuzz: findings in:$failed (inputs in $b/crashes/; docs/fuzzing.md says what to do)" >&2
    exit 1
fi
