#!/bin/sh
# Builds the seed corpora of `make fuzz` under OUT/NAME, one folder per
# harness: the built-in library and the test data as they are, and files
# the normal binary writes (results JSON of run, compare and density; the
# CSV of sweep points, alone and in pairs for merge). Generated, not
# committed: they follow the formats as they change. The small hand-made
# seeds and every input that once crashed are in tests/fuzz/corpus/NAME.
# Usage: tests/fuzz/seeds.sh VIRTSIM OUT
set -eu
virtsim=$1 out=$2
rm -rf "$out"
for d in workload host scenario lab chart_json merge_csv; do mkdir -p "$out/$d"; done
cp labs/*.yaml "$out/lab/"
cp workloads/*.yaml "$out/workload/"
cp scenarios/hosts/*.yaml "$out/host/"
cp scenarios/*.yaml "$out/scenario/"
for f in tests/cli/data/*.yaml; do cp "$f" "$out/scenario/data-$(basename "$f")"; done

j=$out/chart_json
"$virtsim" run tests/cli/data/small.yaml --format json --output "$j/run.json"
"$virtsim" run tests/cli/data/small.yaml --format json --reps 3 --output "$j/run-reps.json"
"$virtsim" compare cpu-bound --approaches native,kvm --duration 1s --format json --output "$j/compare.json"
"$virtsim" compare web-server --approaches native,kvm,qemu --duration 1s --format json --output "$j/compare3.json"
"$virtsim" density tests/cli/data/small.yaml --max 4 --sla "p99<50ms" --format json --output "$j/density.json"

m=$out/merge_csv
for k in 0 1 2 3; do
    "$virtsim" run tests/cli/data/sweep.yaml --sweep-point $k --format csv --output "$m/point$k.csv"
done
# Two files in one input, cut where a line starts with \036 (the harness's rule).
{ cat "$m/point2.csv"; printf '\036'; cat "$m/point0.csv"; } >"$m/pair.csv"

# Every YAML example of the documentation, for each YAML reader.
for d in scenario workload host; do
    awk -v out="$out/$d/doc" '/^```yaml/ { inb = 1; n++; next } /^```/ { inb = 0; next }
        inb { print > (out "-" n ".yaml") }' docs/*.md
done

# Dictionaries: the keys of every YAML table in the reference, and the keys
# of the JSON virtsim writes, so the fuzzers try real keys early.
grep -o '^| `[a-z_.]*`' docs/yaml-reference.md | sed 's/^| `//; s/`$//; s/.*\.//' | sort -u |
    sed 's/.*/"&: "/' >"$out/yaml.dict"
cat "$j"/*.json | grep -o '"[a-z_0-9]*":' | sort -u | sed 's/"/\\"/g; s/.*/"&"/' >"$out/json.dict"
