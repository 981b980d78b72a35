#!/bin/sh
# virtsim density: the default search (aimed at the boundary, memory bound,
# early stops) and the exhaustive one (--exhaustive) agree on the density and
# the limit, and on the verdict of every guest count both probed; the output
# is the same bytes whatever --threads says.
. "$(dirname "$0")/lib.sh"

# A small web service: kvm runs out of memory at 91 guests (704 MiB each).
cat >"$TMP/dens.yaml" <<'YAML'
name: dens
host: current
duration: 600ms
warmup: 100ms
seed: 3
compare: [native, kvm, lxc]
guests:
  - name: web
    workload: web-server
    vcpus: 1
    load: {rate: 200/s}
YAML

# Columns of the CSV that must agree: engine, density, capped, limit (one line
# per engine); then ok and failed of each count both searches probed.
results() { cut -d, -f1,3,4,5 "$1" | uniq; }
# Prints the counts whose verdicts differ, and "none in common" when no count
# of FILE1 is in FILE2.
differing() {
    awk -F, 'NR == FNR { v[$1 "," $7] = $8 "," $17; next }
             FNR > 1 && ($1 "," $7) in v { both++; if (v[$1 "," $7] != $8 "," $17) print $1, $7 }
             END { if (!both) print "none in common" }' "$2" "$1"
}

for sla in "" "p99<5ms"; do
    what=${sla:-"no SLA"}
    set -- density "$TMP/dens.yaml" --max 128 --format csv
    [ -n "$sla" ] && set -- "$@" --sla "$sla"
    "$VIRTSIM" "$@" --threads 1 >"$TMP/one.csv" 2>"$TMP/err"
    s1=$?
    "$VIRTSIM" "$@" --threads 2 >"$TMP/two.csv" 2>>"$TMP/err"
    s2=$?
    "$VIRTSIM" "$@" --exhaustive >"$TMP/full.csv" 2>>"$TMP/err"
    s3=$?
    if [ $s1 -eq 0 ] && [ $s2 -eq 0 ] && [ $s3 -eq 0 ]; then ok "density runs ($what)"; else
        fail "density runs ($what)" "exit $s1 $s2 $s3" "$(head -c 400 "$TMP/err")"
    fi
    if cmp -s "$TMP/one.csv" "$TMP/two.csv"; then ok "density: 1 and 2 threads, the same bytes ($what)"; else
        fail "density: 1 and 2 threads, the same bytes ($what)" "$(diff "$TMP/one.csv" "$TMP/two.csv" | head -5)"
    fi
    results "$TMP/one.csv" >"$TMP/v1"
    results "$TMP/full.csv" >"$TMP/v2"
    if [ "$(wc -l <"$TMP/v1")" -eq 4 ] && cmp -s "$TMP/v1" "$TMP/v2"; then
        ok "density: the same density and limit as --exhaustive ($what)"
    else
        fail "density: the same density and limit as --exhaustive ($what)" "$(diff "$TMP/v1" "$TMP/v2" | head -5)"
    fi
    d=$(differing "$TMP/one.csv" "$TMP/full.csv")
    if [ -z "$d" ]; then ok "density: the same verdicts as --exhaustive where both probed ($what)"; else
        fail "density: the same verdicts as --exhaustive where both probed ($what)" "$d"
    fi
done

# The shortcuts are taken, and said: beyond the memory bound no probe is
# simulated; without an SLA a probe stops at its first completion.
run density "$TMP/dens.yaml" --max 128 --format csv
if grep -q ',memory,0$' "$TMP/out" && grep -q ',early,[1-9]' "$TMP/out"; then
    ok "density: probes decided by memory and stopped early are marked"
else
    fail "density: probes decided by memory and stopped early are marked" "$(head -c 400 "$TMP/out")"
fi
if grep -q ',memory,[0-9]*$\|,early,[0-9]*$' "$TMP/full.csv" || ! grep -q ',full,[0-9]*$' "$TMP/full.csv"; then
    fail "density --exhaustive simulates every probe in full" "$(head -c 400 "$TMP/full.csv")"
else ok "density --exhaustive simulates every probe in full"; fi
run density "$TMP/dens.yaml" --max 128
expect_out "the table says a probe was decided by memory" ":memory"
expect_out "the table says a probe stopped early" ":early("
run density "$TMP/dens.yaml" --max 128 --format json
expect_out "the JSON curve says how each probe was decided" '"basis": "memory"'

# --step: more probes, simulated in full, the same density and limit.
run density "$TMP/dens.yaml" --max 128 --format csv --output "$TMP/plain.csv"
run density "$TMP/dens.yaml" --max 128 --format csv --step 20 --output "$TMP/step.csv"
expect_status "density --step exits 0" 0
if [ "$(results "$TMP/plain.csv")" != "$(results "$TMP/step.csv")" ]; then
    fail "density --step keeps the density and limit" "$(results "$TMP/plain.csv") / $(results "$TMP/step.csv")"
else ok "density --step keeps the density and limit"; fi
if ! grep -q '^kvm,hvm,90,0,memory,[0-9.e+]*,60,1,.*,full,' "$TMP/step.csv"; then
    fail "density --step probes every N guests in full" "$(grep '^kvm' "$TMP/step.csv" | cut -c1-80)"
else ok "density --step probes every N guests in full"; fi
run density "$TMP/dens.yaml" --step 0
expect_status "density --step 0 is refused" 2
