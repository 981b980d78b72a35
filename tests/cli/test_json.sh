#!/bin/sh
# JSON end to end. Invariants:
#  - every command with --format json (run, run of a sweep, compare,
#    density) and the TUI's export write JSON that a strict parser
#    (python3 -m json.tool) accepts, with the top-level keys that
#    docs/output-formats.md promises, strings escaped (quotes, backslash,
#    tab, UTF-8) so they read back as written;
#  - charts remade from that JSON plot the same numbers as charts made by
#    simulating (run, compare and density JSON);
#  - JSON that parses but is not what virtsim wrote (a mapping where an
#    array belongs, runs whose groups disagree) is rejected with
#    FILE:LINE:COL and exit 2, never a crash.
# The fixtures are written here and kept short (1 s runs, --max 4).
. "$(dirname "$0")/lib.sh"

if ! command -v python3 >/dev/null 2>&1; then
    fail "python3 is installed (the JSON checks parse with python3 -m json.tool)"
    exit 0
fi

cat >"$TMP/s.yaml" <<'EOF'
name: json-check
description: "quotes \" a backslash \\ a tab \t and UTF-8 \u00e9"
host: current
duration: 1s
warmup: 200ms
seed: 3
compare: [native, kvm]
guests:
  - name: web
    workload: web-server
    count: 2
    load: { rate: 300/s }
  - name: calc
    workload: cpu-bound
EOF
{
    sed '/^seed:/d' "$TMP/s.yaml"
    echo "seed: 3"
    echo "sweep: {param: guests.web.load.rate, from: 200/s, to: 400/s, step: 200/s}"
} >"$TMP/sweep.yaml"

# parses NAME FILE: python3's strict parser accepts FILE.
parses() {
    if python3 -m json.tool "$2" >/dev/null 2>"$TMP/py.err"; then ok "$1"; else
        fail "$1" "$(head -c 300 "$TMP/py.err")" "$(head -c 300 "$2")"
    fi
}

# has NAME FILE PYTHON-EXPRESSION: the expression over the parsed document d is true.
has() {
    if python3 -c "import json, sys; d = json.load(open(sys.argv[1], encoding='utf-8')); sys.exit(0 if ($3) else 1)" "$2" \
        2>"$TMP/py.err"; then ok "$1"; else fail "$1" "$3" "$(head -c 300 "$TMP/py.err")"; fi
}

# run
run run "$TMP/s.yaml" --format json --output "$TMP/run.json"
expect_status "run --format json exits 0" 0
parses "run --format json parses" "$TMP/run.json"
has "run JSON has its keys and both engines" "$TMP/run.json" \
    "[r['engine'] for r in d['runs']] == ['native', 'kvm'] and d['seed'] == 3 and len(d['runs'][0]['groups']) == 2"
has "run JSON strings read back as written" "$TMP/run.json" \
    "d['description'] == 'quotes \" a backslash \\\\ a tab \\t and UTF-8 \\u00e9'"
has "the batch-less guests have null completion" "$TMP/run.json" \
    "all(g['completion_ns'] is None for r in d['runs'] for g in r['groups'])"

# run of a sweep: each point nests a whole report.
run run "$TMP/sweep.yaml" --format json --output "$TMP/sweep.json"
expect_status "run of a sweep --format json exits 0" 0
parses "sweep --format json parses" "$TMP/sweep.json"
has "sweep JSON has its points with their reports" "$TMP/sweep.json" \
    "d['sweep'] == {'param': 'guests.web.load.rate', 'points': 2} and [p['value'] for p in d['points']] == [200, 400] and all(len(p['report']['runs']) == 2 for p in d['points'])"
run run "$TMP/sweep.yaml" --format json --sweep-point 1 --output "$TMP/point.json"
parses "one sweep point --format json parses" "$TMP/point.json"
has "one sweep point is point 1" "$TMP/point.json" "[p['point'] for p in d['points']] == [1]"

# compare
run compare cpu-bound --approaches native,kvm --duration 1s --format json --output "$TMP/compare.json"
expect_status "compare --format json exits 0" 0
parses "compare --format json parses" "$TMP/compare.json"
has "compare JSON has a run per approach" "$TMP/compare.json" "len(d['runs']) == 2"

# density
run density "$TMP/s.yaml" --max 4 --sla "p99<50ms" --format json --output "$TMP/density.json"
expect_status "density --format json exits 0" 0
parses "density --format json parses" "$TMP/density.json"
has "density JSON has a result per engine with its curve" "$TMP/density.json" \
    "d['kind'] == 'density' and d['slas'] == ['p99<50ms'] and [r['engine'] for r in d['results']] == ['native', 'kvm'] and all(r['curve'] for r in d['results'])"

# Charts remade from the JSON plot what charts made by simulating plot.
for k in relative breakdown; do
    run chart "$TMP/s.yaml" --kind $k --output "$TMP/sim-$k.svg"
    expect_status "chart $k from the scenario" 0
    run chart "$TMP/run.json" --kind $k --output "$TMP/json-$k.svg"
    expect_status "chart $k from the run JSON" 0
    if cmp -s "$TMP/sim-$k.csv" "$TMP/json-$k.csv"; then ok "the $k chart from JSON plots the same numbers"; else
        fail "the $k chart from JSON plots the same numbers" "$(head -3 "$TMP/json-$k.csv")"
    fi
done
run chart "$TMP/compare.json" --kind relative --output "$TMP/cmp.svg"
expect_status "chart relative from the compare JSON" 0
for k in density density-curve; do
    run chart "$TMP/s.yaml" --kind $k --max 4 --sla "p99<50ms" --output "$TMP/sim-$k.svg"
    expect_status "chart $k from the scenario" 0
    run chart "$TMP/density.json" --kind $k --sla "p99<50ms" --output "$TMP/json-$k.svg"
    expect_status "chart $k from the density JSON" 0
    if cmp -s "$TMP/sim-$k.csv" "$TMP/json-$k.csv"; then ok "the $k chart from JSON plots the same numbers"; else
        fail "the $k chart from JSON plots the same numbers" "$(head -3 "$TMP/json-$k.csv")"
    fi
done

# Inputs that parse but are not virtsim's: errors with positions, exit 2.
printf '{"results":[{"curve":{"a":1}}]}\n' >"$TMP/curve-map.json"
run chart "$TMP/curve-map.json" --kind density --output "$TMP/x.svg"
expect_status "a density file with a mapping for the curve exits 2" 2
expect_err "the curve mapping is placed and named" "curve-map.json:1:22: results[0].curve: expected an array"
printf '{"scenario":"x","runs":[{"engine":"a","groups":[{},{"throughput_per_s":1}]},{"engine":"b","groups":[]}]}\n' \
    >"$TMP/uneven.json"
run chart "$TMP/uneven.json" --kind relative --output "$TMP/x.svg"
expect_status "runs with different group counts exit 2" 2
expect_err "the uneven groups are placed and named" "uneven.json:1:100: runs[1].groups: 0 groups, but runs[0] has 2"
printf '{"scenario":"x","runs":[{"engine":"a","groups":[{"throughput_per_s":"fast"}]}]}\n' >"$TMP/word.json"
run chart "$TMP/word.json" --kind breakdown --output "$TMP/x.svg"
expect_status "a string where a number belongs exits 2" 2
expect_err "the string is placed and named" "word.json:1:69: runs[0].groups[0].throughput_per_s: expected a number"
printf '{"scenario": "x", "runs": [' >"$TMP/cut.json"
run chart "$TMP/cut.json" --kind relative --output "$TMP/x.svg"
expect_status "a cut-off JSON file exits 2" 2
expect_err "the cut-off file is placed" "cut.json:"
if [ -e "$TMP/x.svg" ]; then fail "no chart is written from bad input"; else ok "no chart is written from bad input"; fi

# The TUI's export (e in the UI) writes the report JSON too.
if command -v tmux >/dev/null 2>&1; then
    SOCK="virtsim-json-$$"
    trap 'tmux -L "$SOCK" kill-server 2>/dev/null; rm -rf "$TMP"' EXIT
    tmux -L "$SOCK" new-session -d -s j -x 120 -y 40 \
        "cd '$TMP' && env LANG=C.UTF-8 TERM=xterm-256color '$VIRTSIM' tui s.yaml; sleep 30"
    i=0
    until tmux -L "$SOCK" capture-pane -t j -p 2>/dev/null | grep -q RUNNING || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
    tmux -L "$SOCK" send-keys -t j e
    sleep 0.3
    tmux -L "$SOCK" send-keys -t j Enter
    i=0
    until [ -s "$TMP/virtsim-json-check.json" ] || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
    tmux -L "$SOCK" send-keys -t j q
    if [ -s "$TMP/virtsim-json-check.json" ]; then
        parses "the TUI's JSON export parses" "$TMP/virtsim-json-check.json"
        has "the TUI's export is the report" "$TMP/virtsim-json-check.json" "d['scenario'] == 'json-check' and len(d['runs']) == 2"
    else
        fail "the TUI's JSON export is written" "$(tmux -L "$SOCK" capture-pane -t j -p | tail -3)"
    fi
    tmux -L "$SOCK" kill-server 2>/dev/null
else
    fail "tmux is installed (make deps installs it; the TUI export check needs it)"
fi
