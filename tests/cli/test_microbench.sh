#!/bin/sh
# `virtsim microbench`. Invariants:
#  - it works on every built-in host profile (virtsim list hosts): a table
#    with every row, and presets the host cannot run named, not run;
#  - the JSON parses (python3 -m json.tool) and has exactly one entry per
#    preset and operation, native first; the CSV one line per pair;
#  - --output writes the same bytes as stdout; the same seed gives the same
#    output;
#  - bad options (format, host, approach, an argument) exit 2 with a message.
. "$(dirname "$0")/lib.sh"

ROWS=17

# Every host profile, two presets that stress different mechanisms.
"$VIRTSIM" list hosts | awk '{print $1}' >"$TMP/hosts"
n_hosts=$(wc -l <"$TMP/hosts")
if [ "$n_hosts" -ge 3 ]; then ok "microbench: list hosts names the host profiles"; else
    fail "microbench: list hosts names the host profiles" "got $n_hosts"
fi
while read -r host; do
    run microbench --host "$host" --approaches uml,hvm-ept
    expect_status "microbench --host $host exits 0" 0
    expect_out "microbench --host $host: names the host" "microbench on host $host"
    for label in "null system call" "context switch" "fork + exec" "page fault" "TLB miss" "PTE update" \
        "interrupt-flag change" "CR3 load" "port I/O" "exiting instruction" "timer interrupt" \
        "4 KiB disk read" "network round trip" "code translation"; do
        if ! grep -qF -- "$label" "$TMP/out"; then
            fail "microbench --host $host: row '$label'" "$(head -c 600 "$TMP/out")"
            continue 2
        fi
    done
    ok "microbench --host $host: every row"
done <"$TMP/hosts"

# vtx-2006 has VT-x without EPT: hvm-ept is left out and named.
run microbench --host vtx-2006 --approaches hvm-ept,uml
expect_out "microbench: a preset the host cannot run is named" "not run on this host: hvm-ept"
if head -n 5 "$TMP/out" | grep -q "hvm-ept"; then
    fail "microbench: a preset the host cannot run has no column" "$(head -n 5 "$TMP/out")"
else ok "microbench: a preset the host cannot run has no column"; fi

# JSON: parses, one entry per preset and operation.
run microbench --approaches kvm,xen-pv --format json
expect_status "microbench --format json exits 0" 0
if python3 -m json.tool "$TMP/out" >/dev/null 2>"$TMP/jerr"; then ok "microbench JSON parses"; else
    fail "microbench JSON parses" "$(head -c 400 "$TMP/jerr")"
fi
if python3 - "$TMP/out" "$ROWS" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
rows = int(sys.argv[2])
presets = ["native", "kvm", "xen-pv"]
ops = [o["operation"] for o in d["operations"]]
assert len(ops) == rows == len(set(ops)), ops
pairs = [(e["preset"], e["operation"]) for e in d["entries"]]
assert len(pairs) == len(set(pairs)) == rows * len(presets), len(pairs)
assert set(pairs) == {(p, o) for p in presets for o in ops}
assert pairs[0][0] == "native"
for e in d["entries"]:
    v = e["latency_us"]
    assert v is None or v > 0, e
PY
then ok "microbench JSON: one entry per preset and operation"; else
    fail "microbench JSON: one entry per preset and operation"
fi

# CSV: a header and one line per preset and operation.
run microbench --approaches kvm --format csv
lines=$(wc -l <"$TMP/out")
if [ "$lines" -eq $((1 + 2 * ROWS)) ]; then ok "microbench CSV: one line per preset and operation"; else
    fail "microbench CSV: one line per preset and operation" "$lines lines"
fi
expect_out "microbench CSV header" "host,preset,approach,operation,per_request,latency_us"

# --output and determinism.
run microbench --approaches lxc --seed 7
cp "$TMP/out" "$TMP/first"
run microbench --approaches lxc --seed 7 --output "$TMP/mb.txt"
expect_status "microbench --output exits 0" 0
if cmp -s "$TMP/first" "$TMP/mb.txt"; then ok "microbench --output writes what stdout shows, same seed same bytes"; else
    fail "microbench --output writes what stdout shows, same seed same bytes"
fi

# Bad options.
run microbench --format xml
expect_status "microbench --format xml exits 2" 2
expect_err "microbench --format xml says why" "--format must be table, csv or json"
run microbench --host no-such-host
expect_status "microbench --host no-such-host exits 2" 2
expect_err "microbench --host no-such-host names it" "no-such-host"
run microbench --approaches kvm,nosuch
expect_status "microbench --approaches nosuch exits 2" 2
expect_err "microbench --approaches nosuch names it" "unknown approach 'nosuch'"
run microbench extra
expect_status "microbench with an argument exits 2" 2
expect_err "microbench with an argument says so" "one argument too many"
run microbench --reps 3
expect_status "microbench --reps (not its option) exits 2" 2
expect_err "microbench --reps says what it takes" "unknown option '--reps'"
run microbench --help
expect_status "microbench --help exits 0" 0
expect_out "microbench --help names the method" "(request latency - baseline request latency) / N"
run help
expect_out "virtsim help lists microbench" "microbench"
