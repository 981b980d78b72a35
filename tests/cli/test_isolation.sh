#!/bin/sh
# virtsim isolation (performance isolation) and virtsim list security.
# Checks: bad victim: and llc_refs_per_instruction values are positioned
# errors (exit 2); an unknown --victim, a scenario without a victim and one
# without neighbours exit 2 with what is allowed; the report has a row per
# neighbour set, engine and victim in every format, the same for any
# thread count; a container victim beside a file-scanning neighbour is
# slower than a KVM victim (the table's p99 column); the security table
# names each approach's interface with sources, and docs/approaches.md prints its escapes.
. "$(dirname "$0")/lib.sh"

scenario() { # scenario FILE VICTIM_KEY NEIGHBOUR_CLIENTS
    cat >"$1" <<EOF2
name: nn
host: current
duration: 2s
warmup: 500ms
seed: 5
compare: [kvm, lxc]
guests:
  - name: web
    $2
    vcpus: 2
    memory: 2GiB
    workload:
      name: web-app
      load: {kind: open, rate: 2000/s}
      request:
        instructions: 150k
        llc_refs_per_instruction: 0.005
        syscalls: 12
        disk: {reads: 2, read_size: 16KiB}
        net: {rx_packets: 5, rx_bytes: 1KiB, tx_packets: 9, tx_bytes: 12KiB}
      memory: {footprint: 256MiB, working_set: 64MiB, file_set: 128MiB}
  - name: scan
    vcpus: 4
    memory: 2GiB
    workload:
      name: scan
      load: {kind: closed, clients: $3, think_time: 500us}
      request: {instructions: 40k, syscalls: 6, page_faults: 2, disk: {reads: 4, read_size: 64KiB}}
      memory: {footprint: 64MiB, working_set: 16MiB, file_set: 96GiB}
  - name: idle
    workload: {name: idle, load: {kind: open, rate: 5/s}, request: {instructions: 10k}, memory: {footprint: 8MiB}}
EOF2
}

# ---- bad input ----
scenario "$TMP/bad-victim.yaml" "victim: maybe" 8
run isolation "$TMP/bad-victim.yaml"
expect_status "victim: maybe exits 2" 2
expect_err "victim: is placed and says what is allowed" "bad-victim.yaml:9:13: guests[0].victim: 'maybe'"
expect_err "victim: names true or false" "true or false"

scenario "$TMP/bad-llc.yaml" "victim: true" 8
sed 's/llc_refs_per_instruction: 0.005/llc_refs_per_instruction: 12ms/' "$TMP/bad-llc.yaml" >"$TMP/bad-llc2.yaml"
run validate "$TMP/bad-llc2.yaml"
expect_status "llc_refs_per_instruction: 12ms exits 2" 2
expect_err "llc_refs_per_instruction is placed" "bad-llc2.yaml:17:35: guests[0].workload.request.llc_refs_per_instruction: '12ms' is a time"
sed 's/llc_refs_per_instruction: 0.005/llc_refs_per_instruction: 200/' "$TMP/bad-llc.yaml" >"$TMP/bad-llc3.yaml"
run validate "$TMP/bad-llc3.yaml"
expect_status "llc_refs_per_instruction: 200 exits 2" 2
expect_err "llc_refs_per_instruction above 100 says the range" "llc_refs_per_instruction: '200'"

scenario "$TMP/nn.yaml" "victim: true" 8
run isolation "$TMP/nn.yaml" --victim nosuch
expect_status "an unknown --victim exits 2" 2
expect_err "it names the groups there are" "--victim: no guest group is called 'nosuch' in nn; its groups: web, scan, idle"

scenario "$TMP/novictim.yaml" "weight: 256" 8
run isolation "$TMP/novictim.yaml" --reps 1
expect_status "a scenario without a victim exits 2" 2
expect_err "it says how to name one" "novictim.yaml: no victim: mark a guest group with victim: true or name one with --victim"

run isolation "$TMP/nn.yaml" --victim web,scan,idle --reps 1
expect_status "a scenario without neighbours exits 2" 2
expect_err "it says a neighbour is needed" "no neighbours"

# ---- the report ----
run isolation "$TMP/nn.yaml" --reps 2 --format csv
expect_status "isolation runs" 0
cp "$TMP/out" "$TMP/a.csv"
rows=$(($(wc -l <"$TMP/a.csv") - 1))
# neighbour sets: scan, idle, and both; times 2 engines, 1 victim
if [ "$rows" -eq 6 ]; then ok "a CSV row per neighbour set and engine"; else fail "a CSV row per neighbour set and engine" "rows: $rows"; fi
cols=$(head -1 "$TMP/a.csv" | awk -F, '{print NF}')
bad=$(awk -F, -v n="$cols" 'NF != n' "$TMP/a.csv" | wc -l)
if [ "$cols" -eq 26 ] && [ "$bad" -eq 0 ]; then ok "26 columns on every CSV line"; else fail "26 columns on every CSV line" "header: $cols, other lines: $bad"; fi
run isolation "$TMP/nn.yaml" --reps 2 --format csv --threads 1
if cmp -s "$TMP/out" "$TMP/a.csv"; then ok "the same report on one thread"; else fail "the same report on one thread"; fi

# p99 ratio (column 11) of the victim beside scan: lxc above kvm
kvm=$(awk -F, '$4 == "scan" && $5 == "kvm" {print $11}' "$TMP/a.csv")
lxc=$(awk -F, '$4 == "scan" && $5 == "lxc" {print $11}' "$TMP/a.csv")
if awk -v a="$lxc" -v b="$kvm" 'BEGIN {exit !(a > b && b < 1.1)}'; then ok "file scan: the lxc victim slower than the kvm one"; else
    fail "file scan: the lxc victim slower than the kvm one" "lxc $lxc kvm $kvm"; fi
locks=$(awk -F, '$4 == "scan" && $5 == "lxc" {print $21}' "$TMP/a.csv")
if awk -v a="$locks" 'BEGIN {exit !(a > 0)}'; then ok "the lxc victim pays shared kernel locks"; else fail "the lxc victim pays shared kernel locks" "$locks"; fi

run isolation "$TMP/nn.yaml" --reps 2 --format json
expect_status "json" 0
expect_out "json rows carry the neighbour set" '"neighbours": "scan"'
expect_out "json rows carry the contention" '"contention_ns_per_request"'
run isolation "$TMP/nn.yaml" --reps 2
expect_out "the table groups rows by neighbour" "beside scan:"
expect_out "the table gives intervals" "[95 % interval]"

run isolation "$TMP/nn.yaml" --reps 2 --chart "$TMP/iso.svg"
expect_status "isolation --chart" 0
if [ -s "$TMP/iso.svg" ] && [ "$(wc -l <"$TMP/iso.csv")" -eq 4 ]; then ok "the chart and its CSV, a row per neighbour set"; else
    fail "the chart and its CSV, a row per neighbour set" "$(cat "$TMP/iso.csv" 2>&1)"; fi
if grep -q "^all together," "$TMP/iso.csv"; then ok "the set of all neighbours is 'all together'"; else fail "the set of all neighbours is 'all together'"; fi

# ---- the built-in lecture scenario and the security table ----
"$VIRTSIM" show noisy-neighbour >"$TMP/noisy.yaml"
run validate "$TMP/noisy.yaml"
expect_status "noisy-neighbour is a valid built-in" 0
run list security
expect_status "list security" 0
expect_out "a VM guest reaches hypercalls" "hypercall"
expect_out "a container reaches the shared kernel's system calls" "about 365 system calls"
expect_out "escapes are named with a source" "runc (CVE-2019-5736)"
expect_out "and VENOM" "VENOM (CVE-2015-3456)"
# docs/approaches.md prints the same table: every escape the binary names is there
missing=""
for name in $(sed -n 's/^  escape: \([^:]*\): .*/\1/p' "$TMP/out" | tr ' ' '_'); do
    grep -qF -- "$(echo "$name" | tr '_' ' ')" "$HERE/../../docs/approaches.md" || missing="$missing $name"
done
if [ -z "$missing" ]; then ok "docs/approaches.md lists every escape of the table"; else fail "docs/approaches.md lists every escape of the table" "missing:$missing"; fi
