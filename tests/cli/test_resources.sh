#!/bin/sh
# Resource management from the command line (issue 11): a guest group's
# resources: mapping is read and its limits hold in the run's output;
# steal time shows in the table, CSV and JSON of an overcommitted host;
# a timeline `set: cpus` says when it took full effect, and one beyond a
# VM's boot-time maximum is refused; bad keys exit 2 with their position;
# density --overcommit vcpus gives the count without vCPU overcommit.
. "$(dirname "$0")/lib.sh"

HOG='{name: hog, load: {kind: batch, total: 1000000, clients: 1}, request: {instructions: 3M, cpi: 1}, memory: {footprint: 64MiB}}'

# Four single-vCPU hogs on two cores: each waits half the time.
cat >"$TMP/steal.yaml" <<EOF
name: steal
host: {profile: current, cpu: {cores: 2}}
duration: 10s
warmup: 1s
compare: [kvm]
guests:
  - {name: hog, count: 4, workload: $HOG}
EOF
run run "$TMP/steal.yaml"
expect_status "an overcommitted host runs" 0
expect_out "the table shows steal" "steal%"
if awk '$1 == "hog" { if ($NF + 0 >= 49.5 && $NF + 0 <= 50.5) found = 1 } END { exit !found }' "$TMP/out"; then
    ok "four hogs on two cores: steal 50 %"
else
    fail "four hogs on two cores: steal 50 %" "$(grep -A2 '^guest' "$TMP/out" | head -3)"
fi
run run "$TMP/steal.yaml" --format csv
col=$(head -1 "$TMP/out" | tr ',' '\n' | grep -n '^cpu_steal_fraction$' | cut -d: -f1)
if [ -n "$col" ] && awk -F, -v c="$col" '$5 == "instance" { n++; if ($c < 0.495 || $c > 0.505) bad = 1 } END { exit !(n == 4 && !bad) }' "$TMP/out"; then
    ok "CSV: cpu_steal_fraction 0.5 for each hog"
else
    fail "CSV: cpu_steal_fraction 0.5 for each hog" "column $col" "$(head -3 "$TMP/out" | cut -c1-200)"
fi
run run "$TMP/steal.yaml" --format json
expect_out "JSON has cpu_steal_fraction" '"cpu_steal_fraction": 0.5'

# An IOPS limit holds a disk-heavy guest at its limit.
cat >"$TMP/iops.yaml" <<EOF
name: iops
duration: 5s
warmup: 1s
compare: [lxc]
guests:
  - name: db
    workload: {name: rd, load: {kind: closed, clients: 16, think_time: 0ms}, request: {instructions: 20k, cpi: 1, disk: {reads: 1, read_size: 4KiB}}, memory: {footprint: 64MiB}}
    resources:
      disk: {iops: 800/s}
EOF
run run "$TMP/iops.yaml"
expect_status "a guest with an IOPS limit runs" 0
# the I/O table: memory, start, then disk/s
if awk '$1 == "db" && $3 == "MiB" && $6 == "800.0" { found = 1 } END { exit !found }' "$TMP/out"; then
    ok "its disk requests per second are the limit"
else
    fail "its disk requests per second are the limit" "$(grep '^db' "$TMP/out")"
fi

# set: cpus. A VM hot-plugs one vCPU at a time; beyond its maximum it refuses.
cat >"$TMP/dyn.yaml" <<EOF
name: dyn
host: {profile: current, cpu: {cores: 8}}
duration: 3s
warmup: 0s
compare: [kvm, lxc]
guests:
  - {name: web, vcpus: 2, workload: $HOG, resources: {cpu: {max_vcpus: 4}}}
events:
  - {at: 1s, set: {guest: web, cpus: 4}}
  - {at: 2s, set: {guest: web, cpus: 8}}
EOF
run run "$TMP/dyn.yaml"
expect_status "a run with set: cpus" 0
expect_out "kvm: two vCPUs hot-plugged by 1.1 s" "set web cpus=4 (full effect at 1.1 s)"
expect_out "kvm: beyond max_vcpus refused" "REFUSED set web cpus=8: web cannot have 8 vCPUs: hot-plug stops at its boot-time maximum, 4"
expect_out "lxc: the cpuset grows at once" "set web cpus=8 (full effect at 2 s)"
run run "$TMP/dyn.yaml" --format json
expect_out "JSON: when the change took full effect" '"effective_ns": 1100000000'

# Bad keys: positioned, naming what is allowed, exit 2.
cat >"$TMP/bad.yaml" <<EOF
name: bad
compare: [kvm]
guests:
  - name: a
    workload: $HOG
    resources:
      disk: {iops: 100/s}
      network: {rate: 1Gbit/s}
EOF
run validate "$TMP/bad.yaml"
expect_status "an unknown resources key exits 2" 2
expect_err "with its position and the keys allowed" "bad.yaml:8:7: unknown key 'network' in guests[0].resources"
expect_err "naming what is allowed" "cpu, memory, disk, net"
sed 's/network: {rate: 1Gbit\/s}/net: {rate: fast}/' "$TMP/bad.yaml" >"$TMP/bad2.yaml"
run validate "$TMP/bad2.yaml"
expect_status "a bad rate exits 2" 2
expect_err "at the value" "bad2.yaml:8:19: guests[0].resources.net.rate"

# density --overcommit vcpus: the count without vCPU overcommit beside the density.
cat >"$TMP/dens.yaml" <<'EOF2'
name: dens
host: {profile: current, cpu: {cores: 4}}
duration: 2s
warmup: 500ms
seed: 1
compare: [lxc]
guests:
  - name: g
    vcpus: 2
    workload:
      name: light
      load: {kind: open, rate: 200/s}
      request: {instructions: 1M}
      memory: {footprint: 64MiB}
EOF2
run density "$TMP/dens.yaml" --sla "p99<20ms" --max 16 --overcommit vcpus
expect_status "density --overcommit vcpus" 0
expect_out "it says what vCPU overcommit made room for" "lxc         2 -> >=16"
expect_out "and the cores it compares with" "each vCPU a core of its own: 4 cores, 2 vCPUs per guest"
run density "$TMP/dens.yaml" --sla "p99<20ms" --max 16 --overcommit vcpus --format json
expect_out "JSON: the density without vCPU overcommit" '"density_without_vcpu_overcommit": 2'
expect_out "JSON: steal time per point" '"steal_fraction": '
run density "$TMP/dens.yaml" --overcommit cpus
expect_status "density --overcommit cpus exits 2" 2
expect_err "it names the mechanisms" "expected sharing, balloon, vcpus"

# The built-in dynamic-resources scenario runs from the binary; its set: of
# a cap and memory together reports one time of full effect.
run run dynamic-resources --reps 1
expect_status "run dynamic-resources" 0
expect_out "a set of cap and memory says when it took full effect" "set batch cap=200% memory=3GiB (full effect at"
