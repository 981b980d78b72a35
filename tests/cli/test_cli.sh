#!/bin/sh
# Command-line tests: subcommands, help, exit codes, error messages with
# positions, output formats, files and determinism.
. "$(dirname "$0")/lib.sh"
D="$HERE/data"

run --version
expect_status "--version exits 0" 0
expect_out "--version prints the version" "virtsim 0."

run --help
expect_status "--help exits 0" 0
expect_out "--help lists run" "run SCENARIO"
expect_out "--help lists validate" "validate FILE"

for cmd in run list show validate; do
    run "$cmd" --help
    expect_status "$cmd --help exits 0" 0
    expect_out "$cmd --help shows usage" "usage: virtsim $cmd"
done

run frobnicate
expect_status "unknown command exits 2" 2
expect_err "unknown command is named" "unknown command 'frobnicate'"

run list workloads
expect_status "list workloads exits 0" 0
for w in cpu-bound syscall-heavy web-server database-oltp file-server kernel-build; do
    expect_out "list workloads has $w" "$w"
done
run list scenarios
expect_out "list scenarios has default" "default"
run list hosts
expect_out "list hosts has current" "current"
run list approaches
expect_out "list approaches has native" "native"
run list gizmos
expect_status "list of an unknown kind exits 2" 2

run show web-server
expect_status "show web-server exits 0" 0
expect_out "show prints the workload's YAML" "name: web-server"
cp "$TMP/out" "$TMP/copy.yaml"
run validate "$TMP/copy.yaml"
expect_status "a shown workload validates" 0
expect_out "validate says ok and the kind" "ok (workload)"
run show scenario default
expect_out "show scenario default" "guests:"
run show nothing-like-this
expect_status "show of an unknown name exits 2" 2

run validate "$D/small.yaml"
expect_status "validate a good scenario" 0
expect_out "validate names the scenario kind" "ok (scenario)"

run validate "$D/bad-unknown-key.yaml"
expect_status "unknown key exits 2" 2
expect_err "unknown key: file, line and column" "bad-unknown-key.yaml:9:5:"
expect_err "unknown key is named" "vcpu"

# `privileged` was split into four kinds; old files get a pointer to the new keys.
cat >"$TMP/old-privileged.yaml" <<'EOF2'
name: old
load: {kind: open, rate: 10/s}
request:
  instructions: 1k
  privileged: 4
memory: {footprint: 1MiB}
EOF2
run validate "$TMP/old-privileged.yaml"
expect_status "request.privileged exits 2" 2
expect_err "request.privileged: position" "old-privileged.yaml:5:3:"
expect_err "request.privileged points to the new keys" "irq_flag_changes"
expect_err "request.privileged names cr3_loads" "cr3_loads"
cat >"$TMP/old-host.yaml" <<'EOF2'
name: oldhost
cpu: {cores: 4, frequency: 3GHz}
costs:
  privileged: 50
EOF2
run validate "$TMP/old-host.yaml"
expect_status "costs.privileged exits 2" 2
expect_err "costs.privileged points to the new keys" "port_io"
# UML's lump sums became host steps; old profiles get a pointer to the new keys.
cat >"$TMP/old-uml-host.yaml" <<'EOF2'
name: oldumlhost
cpu: {cores: 4, frequency: 3GHz}
costs:
  uml_fault: 30000
EOF2
run validate "$TMP/old-uml-host.yaml"
expect_status "costs.uml_fault exits 2" 2
expect_err "costs.uml_fault: position" "old-uml-host.yaml:4:3:"
expect_err "costs.uml_fault points to the new keys" "signal_delivery"
cat >"$TMP/new-kinds.yaml" <<'EOF2'
name: kinds
load: {kind: closed, clients: 1}
request:
  instructions: 10k
  syscalls: 5
  irq_flag_changes: 5
  cr3_loads: 1
  port_io: 1
  exiting_instructions: 1
memory: {footprint: 1MiB}
EOF2
run validate "$TMP/new-kinds.yaml"
expect_status "the four kinds of privileged instruction are request keys" 0
cat >"$TMP/fault-kinds.yaml" <<'EOF2'
name: faultkinds
load: {kind: closed, clients: 1}
request:
  instructions: 10k
  page_faults: 2
  cow_faults: 3
  file_faults: 4
memory: {footprint: 1MiB}
EOF2
run validate "$TMP/fault-kinds.yaml"
expect_status "page faults by kind are request keys" 0
run compare "$TMP/fault-kinds.yaml" --approaches xen-pv --duration 100ms --reps 1 --format csv
expect_status "a workload with faults by kind runs" 0

run validate "$D/bad-unit.yaml"
expect_status "wrong unit exits 2" 2
expect_err "wrong unit: line and column" "bad-unit.yaml:5:17:"

run run "$D/bad-engine.yaml"
expect_status "unknown engine exits 2" 2
expect_err "unknown engine: position" "bad-engine.yaml:4:19:"
expect_err "unknown engine lists what is allowed" "native"

run validate "$D/bad-syntax.yaml"
expect_status "YAML syntax error exits 2" 2
expect_err "syntax error has a position" "bad-syntax.yaml:"

run run "$TMP/no-such-file.yaml"
expect_status "missing scenario file exits 2" 2

run run "$D/small.yaml" --seed banana
expect_status "a bad seed exits 2" 2
run run "$D/small.yaml" --format xml
expect_status "a bad format exits 2" 2
run run "$D/small.yaml" --colour
expect_status "an unknown option exits 2" 2

# The report.
run run "$D/small.yaml"
expect_status "run a scenario" 0
expect_out "the table names the guest group" "web"
expect_out "the table names the engine" "native"

run run "$D/small.yaml" --format csv
expect_status "csv run" 0
# Offered 500/s to each of two instances of a lightly loaded host: the group
# must complete 1000/s (within 5 %, Poisson noise over 9.5 s is ~1 %).
tp=$(awk -F, 'NR==1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
              $col["level"] == "group" && $col["guest"] == "web" { print $col["throughput_per_s"] }' "$TMP/out")
if [ -n "$tp" ] && awk -v t="$tp" 'BEGIN { exit !(t > 950 && t < 1050) }'; then
    ok "throughput equals the offered load ($tp/s)"
else
    fail "throughput equals the offered load" "got '$tp'"
fi

# Determinism: same seed, same bytes; another seed, other bytes.
"$VIRTSIM" run "$D/small.yaml" --format json >"$TMP/a.json" 2>&1
"$VIRTSIM" run "$D/small.yaml" --format json >"$TMP/b.json" 2>&1
"$VIRTSIM" run "$D/small.yaml" --format json --seed 8 >"$TMP/c.json" 2>&1
if cmp -s "$TMP/a.json" "$TMP/b.json"; then ok "same seed gives identical JSON"; else fail "same seed gives identical JSON"; fi
if cmp -s "$TMP/a.json" "$TMP/c.json"; then fail "another seed changes the JSON"; else ok "another seed changes the JSON"; fi

# Output files are written whole and renamed; a failed write keeps the old file.
run run "$D/small.yaml" --format json --output "$TMP/report.json"
expect_status "--output exits 0" 0
if cmp -s "$TMP/report.json" "$TMP/a.json"; then ok "--output writes the same report"; else fail "--output writes the same report"; fi
echo "precious" >"$TMP/keep.json"
run run "$D/bad-engine.yaml" --output "$TMP/keep.json"
if [ "$(cat "$TMP/keep.json")" = "precious" ]; then ok "a failed run leaves the old output file"; else fail "a failed run leaves the old output file"; fi
run run "$D/small.yaml" --output "$TMP/no/such/dir/r.txt"
expect_status "an unwritable output path exits 1" 1
if ls "$TMP"/no 2>/dev/null | grep -q .; then fail "no partial file is left"; else ok "no partial file is left"; fi

# No command: the default scenario's report (stdout is not a terminal here).
run
expect_status "no command runs the default scenario" 0
expect_out "the default report is printed" "default"

# compare: one workload under each approach, scored against native.
run compare --help
expect_status "compare --help exits 0" 0
expect_out "compare --help shows usage" "usage: virtsim compare"
run compare cpu-bound --approaches native --duration 2s
expect_status "compare runs" 0
expect_out "compare scores native as 1.00" "1.00"
expect_out "compare prints the event counts" "events per second"
run compare cpu-bound --approaches nosuchthing
expect_status "compare with an unknown approach exits 2" 2
expect_err "compare names the unknown approach" "nosuchthing"
run compare no-such-workload
expect_status "compare with an unknown workload exits 2" 2
run compare cpu-bound --approaches native --duration 2s --format csv
expect_out "compare --format csv gives the CSV report" "throughput_per_s"

# Approaches and host profiles.
run list approaches
for p in qemu bochs vmware parallels xen-pv uml kvm xen-hvm xen-pvhvm openvz virtuozzo vserver jail zones lxc; do
    expect_out "list approaches has $p" "  $p "
done
# The course's grouping and the textbooks' name, side by side: vmware and
# parallels are listed under emulation and called full virtualization by
# binary translation.
for p in vmware parallels; do
    if grep -E "^  $p " "$TMP/out" | grep -qF "full virtualization by binary translation"; then
        ok "list approaches names $p's mechanism as textbooks do"
    else
        fail "list approaches names $p's mechanism as textbooks do" "$(grep -E "^  $p " "$TMP/out")"
    fi
done
if awk '/^emulation:/ { e = 1; next } /^[a-z]/ { e = 0 } e && /^  vmware / { f = 1 } END { exit !f }' "$TMP/out"; then
    ok "vmware stays in the course's emulation group"
else
    fail "vmware stays in the course's emulation group"
fi
run list hosts
expect_out "list hosts has vtx-2006" "vtx-2006"
expect_out "list hosts has ept-2009" "ept-2009"
run show host vtx-2006
expect_out "show host vtx-2006 says it has no nested paging" "nested_paging: false"
run compare fork-exec --host vtx-2006 --approaches vmware,hvm-ept --duration 1s
expect_status "compare on an old host runs" 0
expect_out "a preset the host cannot run is named" "not run on this host: hvm-ept"
run compare fork-exec --host p4-2003 --approaches xen-pv32,kvm --duration 1s
expect_status "compare on the pre-VT host runs" 0
expect_out "hvm on the pre-VT host is refused with the reason" "kvm needs hardware virtualization (VT-x/AMD-V), and host 'p4-2003' has none"

# density: the largest number of guests meeting the SLAs, per approach.
run density --help
expect_status "density --help exits 0" 0
expect_out "density --help shows usage" "usage: virtsim density"
run density cpu-bound --approaches kvm,lxc --max 8 --duration 1s --sla "p99<1s"
expect_status "density runs" 0
expect_out "density names the approaches" "lxc"
expect_out "density reports memory per guest" "mem/guest"
run density cpu-bound --sla "latency<3ms"
expect_status "a bad SLA exits 2" 2
expect_err "a bad SLA says what is allowed" "p99<TIME"
run density cpu-bound --approaches kvm --max 4 --duration 1s --format json
expect_out "density --format json" '"kind": "density"'

# Sweeps: one run per value, in parallel or as separate jobs merged back.
run validate "$D/sweep.yaml"
expect_status "a sweep scenario validates" 0
run validate "$D/bad-sweep.yaml"
expect_status "a sweep of an unknown guest exits 2" 2
expect_err "the bad sweep parameter is placed" "bad-sweep.yaml:7:16:"
run validate "$D/bad-sweep-unit.yaml"
expect_status "a sweep value with the wrong unit exits 2" 2
expect_err "the bad sweep value is placed" "bad-sweep-unit.yaml:9:19:"
"$VIRTSIM" run "$D/sweep.yaml" --format csv >"$TMP/all.csv" 2>"$TMP/err"
# 4 points x 2 engines x (1 group + 2 instances + 1 host) rows, plus the header.
rows=$(wc -l <"$TMP/all.csv")
if [ "$rows" -eq 33 ]; then ok "a sweep gives one set of rows per point (33 lines)"; else fail "a sweep gives one set of rows per point" "$rows lines"; fi
"$VIRTSIM" run "$D/sweep.yaml" --format csv --threads 1 >"$TMP/serial.csv" 2>&1
if cmp -s "$TMP/all.csv" "$TMP/serial.csv"; then ok "a parallel sweep equals a serial one byte for byte"; else fail "a parallel sweep equals a serial one byte for byte"; fi
run run "$D/sweep.yaml" --emit-jobs
jobs=$(grep -c -- '--sweep-point' "$TMP/out")
if [ "$jobs" -eq 4 ]; then ok "--emit-jobs prints one command per point"; else fail "--emit-jobs prints one command per point" "$jobs"; fi
for k in 2 0 3 1; do "$VIRTSIM" run "$D/sweep.yaml" --sweep-point $k --format csv --output "$TMP/p$k.csv"; done
"$VIRTSIM" merge "$TMP/p3.csv" "$TMP/p1.csv" "$TMP/p0.csv" "$TMP/p2.csv" >"$TMP/merged.csv"
if cmp -s "$TMP/all.csv" "$TMP/merged.csv"; then ok "merging the points' CSVs gives the whole sweep's CSV"; else fail "merging the points' CSVs gives the whole sweep's CSV"; fi
run merge "$TMP/all.csv" "$D/small.yaml"
expect_status "merging a file that is not a sweep CSV exits 2" 2
run run "$D/sweep.yaml" --sweep-point 9
expect_status "a sweep point out of range exits 2" 2
run run "$D/small.yaml" --emit-jobs
expect_status "--emit-jobs without a sweep exits 2" 2

# Charts: each kind from a scenario, and remade from a results JSON without simulating.
for k in relative breakdown timeline; do
    run chart "$D/small.yaml" --kind $k --output "$TMP/$k.svg"
    expect_status "chart --kind $k exits 0" 0
    if [ -s "$TMP/$k.svg" ] && [ -s "$TMP/$k.csv" ]; then ok "chart $k writes the SVG and the CSV beside it"; else fail "chart $k writes the SVG and the CSV beside it"; fi
done
run chart "$D/sweep.yaml" --kind sweep --output "$TMP/sweep.png" --size column
expect_status "chart --kind sweep exits 0" 0
if head -c 8 "$TMP/sweep.png" | od -c | grep -q 'P   N   G'; then ok "the sweep chart is a PNG"; else fail "the sweep chart is a PNG"; fi
run chart "$D/small.yaml" --kind density --output "$TMP/density.pdf"
if head -c 5 "$TMP/density.pdf" | grep -q '%PDF-'; then ok "the density chart is a PDF"; else fail "the density chart is a PDF"; fi
"$VIRTSIM" run "$D/small.yaml" --format json --output "$TMP/results.json"
run chart "$TMP/results.json" --kind relative --output "$TMP/again.svg"
expect_status "a chart is remade from a results JSON" 0
if cmp -s "$TMP/relative.csv" "$TMP/again.csv"; then ok "the remade chart plots the same numbers"; else fail "the remade chart plots the same numbers" "$(head -3 "$TMP/again.csv")"; fi
run chart "$D/small.yaml" --kind relative --output "$TMP/chart.gif"
expect_status "a chart file of an unknown type exits 2" 2
run chart "$D/small.yaml" --kind pie --output "$TMP/c.svg"
expect_status "an unknown chart kind exits 2" 2
run chart "$D/small.yaml" --kind density-curve --sla "p99<50ms" --output "$TMP/curve.svg"
expect_status "chart --kind density-curve exits 0" 0
if grep -q "SLA\|p99 latency" "$TMP/curve.svg" && head -1 "$TMP/curve.csv" | grep -q '^series,'; then ok "the density curve has its labels and a long-format CSV"; else fail "the density curve has its labels and a long-format CSV"; fi
run chart "$D/sweep.yaml" --kind sweep --metric p99 --output "$TMP/p99.svg"
expect_status "chart --metric p99 exits 0" 0
if grep -q "p99 latency of web" "$TMP/p99.svg"; then ok "the sweep chart plots the chosen metric"; else fail "the sweep chart plots the chosen metric"; fi
run chart "$D/sweep.yaml" --kind sweep --metric bandwidth --output "$TMP/x.svg"
expect_status "an unknown metric exits 2" 2
"$VIRTSIM" density "$D/small.yaml" --sla "p99<50ms" --max 8 --duration 1s --format json --output "$TMP/d.json"
run chart "$TMP/d.json" --kind density --output "$TMP/d2.svg"
expect_status "a density chart is remade from density JSON" 0
grep -q '^web-server,' "$TMP/d2.csv" && ok "the remade density chart has its numbers" || fail "the remade density chart has its numbers" "$(cat "$TMP/d2.csv")"

# The hosts chart: per host (and engine), CPU, memory, disk and NIC use.
cat >"$TMP/two-hosts.yaml" <<'EOF'
name: two-racks
hosts:
  - {name: web-host, profile: current}
  - {name: client-host, profile: current}
links:
  - {hosts: [web-host, client-host], bandwidth: 1Gbit, latency: 50us}
duration: 1s
warmup: 200ms
compare: [native, lxc]
guests:
  - {name: web, host: web-host, count: 2, clients_from: loadgen, workload: web-server}
  - {name: loadgen, host: client-host, workload: cpu-bound, load: {kind: open, rate: 10/s}}
EOF
run chart "$TMP/two-hosts.yaml" --kind hosts --output "$TMP/hosts.svg"
expect_status "chart --kind hosts exits 0" 0
if head -1 "$TMP/hosts.csv" | grep -qx 'engine,host,CPU,memory,disk,NIC receive,NIC transmit' &&
    grep -q '^native,web-host,' "$TMP/hosts.csv" && grep -q '^lxc,client-host,' "$TMP/hosts.csv" &&
    [ "$(wc -l <"$TMP/hosts.csv")" -eq 5 ]; then ok "the hosts chart has a row per host and engine"
else fail "the hosts chart has a row per host and engine" "$(cat "$TMP/hosts.csv")"; fi
grep -q 'categories: native/web-host, native/client-host' "$TMP/hosts.svg" && ok "the hosts chart names the hosts" ||
    fail "the hosts chart names the hosts" "$(grep -o '<desc>.*</desc>' "$TMP/hosts.svg")"
