#!/bin/sh
# Bounds and messages (issue 15, items 10 and 11): every host quantity is
# bounded at load time with FILE:LINE:COL and the allowed range; a model limit
# reached at run time is named as that limit, never as an internal error; a
# size needs its unit like a time or a rate; a negative value where 0 is also
# refused says so; descriptions carry no control characters; impossible SLAs,
# guests larger than their host and empty approach names are refused; a
# broken scenario reports its own error under density; a run where guests
# could not start says so on stderr.
. "$(dirname "$0")/lib.sh"

# ---- item 10: bounds at load time, limits at run time ----
cat >"$TMP/slow-host.yaml" <<'EOF2'
name: slow
cpu: {frequency: 1Hz}
EOF2
run validate "$TMP/slow-host.yaml"
expect_status "a 1 Hz CPU exits 2" 2
expect_err "it is placed and the range given" "slow-host.yaml:2:18: cpu.frequency: '1Hz' is out of range; allowed: 1MHz to 100GHz"
cat >"$TMP/slow-scenario.yaml" <<'EOF2'
name: s
host: {profile: current, cpu: {frequency: 1Hz}}
guests: [{name: g, workload: cpu-bound}]
EOF2
run run "$TMP/slow-scenario.yaml"
expect_status "a scenario on a 1 Hz host exits 2 before running" 2
expect_err "at the frequency's place" "slow-scenario.yaml:2:43:"
for bad in "memory: {capacity: 1KiB}" "nic: {bandwidth: 1bit}" "disk: {class: hdd, rpm: 1rpm}" \
    "disk: {bandwidth: 1B/s}" "cpu: {time_slice: 1ns}" "cpu: {frequency: 200GHz}"; do
    case "$bad" in cpu:*) head="" ;; *) head="cpu: {cores: 2}" ;; esac
    printf 'name: h\n%s\n%s\n' "$head" "$bad" >"$TMP/b.yaml"
    run validate "$TMP/b.yaml"
    expect_status "$bad exits 2" 2
    expect_err "$bad is out of range, with the range" "is out of range; allowed:"
done
printf 'name: h\ncpu: {cores: 2}\ndisk: {bandwidth: 0}\n' >"$TMP/nolimit.yaml"
run validate "$TMP/nolimit.yaml"
expect_status "a disk bandwidth of 0 (no limit) is still accepted" 0

# The largest request at the slowest host: more CPU than one burst can hold.
cat >"$TMP/huge.yaml" <<'EOF2'
name: huge
load: {kind: closed, clients: 1}
request: {instructions: 10T, cpi: 1000}
memory: {footprint: 1MiB}
EOF2
cat >"$TMP/limit.yaml" <<'EOF2'
name: limit
host: {profile: current, cpu: {frequency: 1MHz}}
duration: 1s
compare: [native]
guests: [{name: g, workload: huge.yaml}]
EOF2
run run "$TMP/limit.yaml"
expect_status "a request past the burst limit is refused at load time (exit 2)" 2
expect_err "the limit is named" "the model's limit"
if grep -q "internal error" "$TMP/err"; then fail "it is not called an internal error" "$(cat "$TMP/err")"; else ok "it is not called an internal error"; fi

# ---- item 11: one rule for units ----
cat >"$TMP/bare.yaml" <<'EOF2'
name: bare
guests: [{name: g, workload: cpu-bound, memory: 512}]
EOF2
run validate "$TMP/bare.yaml"
expect_status "memory: 512 without a unit exits 2" 2
expect_err "it is placed and units are suggested" "bare.yaml:2:49: guests[0].memory: '512' has no unit; expected a size such as 16KiB (write 512MiB, 512KiB or 512B"
sed 's/memory: 512}/memory: 512MiB}/' "$TMP/bare.yaml" >"$TMP/unit.yaml"
run validate "$TMP/unit.yaml"
expect_status "memory: 512MiB is accepted" 0
printf 'name: h\ncpu: {cores: 2}\ndisk: {class: hdd, rpm: 7200}\n' >"$TMP/rpm.yaml"
run validate "$TMP/rpm.yaml"
expect_status "rpm: 7200 without a unit exits 2" 2
expect_err "the rotation speed wants its unit" "'7200' has no unit; expected a rotation speed such as 7200rpm"

# ---- item 11: negative values where 0 is refused too ----
printf 'name: h\ncpu: {cores: -1}\n' >"$TMP/neg.yaml"
run validate "$TMP/neg.yaml"
expect_status "cores: -1 exits 2" 2
expect_err "it says the real lower bound" "expected a whole number >= 1"
if grep -q ">= 0" "$TMP/err"; then fail "it does not say >= 0" "$(cat "$TMP/err")"; else ok "it does not say >= 0"; fi
cat >"$TMP/negw.yaml" <<'EOF2'
name: w
guests: [{name: g, workload: cpu-bound, weight: -3}]
EOF2
run validate "$TMP/negw.yaml"
expect_status "weight: -3 exits 2" 2
expect_err "it says greater than 0" "must be greater than 0"

# ---- item 11: control characters ----
printf 'name: c\ndescription: "red \\e[31m text"\nguests: [{name: g, workload: cpu-bound}]\n' >"$TMP/ctl.yaml"
run validate "$TMP/ctl.yaml"
expect_status "an escape in a description exits 2" 2
expect_err "it names the character and place" "ctl.yaml:2:14: description: contains the control character U+001B"
printf 'name: c\ndescription: "a\\x85b"\nguests: [{name: g, workload: cpu-bound}]\n' >"$TMP/c1.yaml"
run validate "$TMP/c1.yaml"
expect_status "a C1 control in a description exits 2" 2

# ---- item 11: SLAs, guests larger than their host, empty approach names ----
run density cpu-bound --sla 'throughput>=1000%'
expect_status "throughput>=1000% exits 2" 2
expect_err "it says the range" "from above 0% to 100%"
run density cpu-bound --sla 'p99<0'
expect_status "p99<0 exits 2" 2
expect_err "it says the limit must be above zero" "the limit must be above zero"
cat >"$TMP/bigmem.yaml" <<'EOF2'
name: big
host: {profile: current, memory: {capacity: 4GiB, reserved: 1GiB}}
guests: [{name: g, workload: cpu-bound, memory: 8GiB}]
EOF2
run validate "$TMP/bigmem.yaml"
expect_status "a guest larger than its host exits 2" 2
expect_err "it is placed and the host's figures given" "bigmem.yaml:3:49: guests[0].memory: 8 GiB is more than host"
for list in , "kvm," ",kvm" "kvm,,lxc"; do
    run compare cpu-bound --approaches "$list"
    expect_status "--approaches '$list' exits 2" 2
    expect_err "--approaches '$list' names the empty name" "has an empty name"
done
printf 'name: e\ncompare: []\nguests: [{name: g, workload: cpu-bound}]\n' >"$TMP/none.yaml"
run run "$TMP/none.yaml"
expect_status "compare: [] exits 2" 2

# ---- item 11: density of a broken scenario reports the scenario's error ----
cat >"$TMP/rate.yaml" <<'EOF2'
name: r
host: current
guests: [{name: g, workload: web-server, load: {rate: fast}}]
EOF2
run density "$TMP/rate.yaml" --max 2
expect_status "density of a scenario with a bad rate exits 2" 2
expect_err "with the rate's error" "rate.yaml:3:55: guests[0].load.rate"
if grep -q "in a workload" "$TMP/err"; then fail "not a workload's complaint" "$(cat "$TMP/err")"; else ok "not a workload's complaint"; fi

# ---- item 11: results JSON read back ----
mkdir "$TMP/dir.json"
run chart "$TMP/dir.json" --kind relative --output "$TMP/d.svg"
expect_status "chart of a directory exits 2" 2
expect_err "it says why" "is a directory"
echo '{"scenario":"x","runs":[{"engine":{"a":1},"groups":[]}]}' >"$TMP/label.json"
run chart "$TMP/label.json" --kind relative --output "$TMP/l.svg"
expect_status "a label that is an object exits 2" 2
expect_err "it is placed and said" "label.json:1:35: runs[0].engine: expected a string or number, found an object"

# ---- item 11: guests that could not start ----
cat >"$TMP/crowded.yaml" <<'EOF2'
name: crowded
host: {profile: current, memory: {capacity: 4GiB, reserved: 1GiB}}
duration: 1s
compare: [native]
guests: [{name: g, workload: cpu-bound, count: 10, memory: 1GiB}]
EOF2
run run "$TMP/crowded.yaml"
expect_status "a run where some guests could not start still exits 0" 0
expect_err "and warns on stderr" "virtsim: warning: under native, 4 of 10 guest instances could not start"

# ---- item 10: combinations of valid values that would reach a model limit ----
# Each value is in its range, but 10^13 instructions at CPI 1000 on a 1 MHz
# host is 10^10 s of CPU in one request: refused at load time at the
# guest's workload, naming the keys, not reported at run time as a limit.
cat >"$TMP/burst.yaml" <<'EOF2'
name: burst
host: {profile: current, cpu: {frequency: 1MHz}}
compare: [native, kvm]
guests:
  - name: w
    workload: {name: heavy, load: {kind: closed, clients: 1}, request: {instructions: 1e13, cpi: 1000}, memory: {footprint: 64MiB}}
EOF2
run validate "$TMP/burst.yaml"
expect_status "instructions x cpi / frequency past a CPU burst exits 2" 2
expect_err "at the guest's workload, naming the keys" "burst.yaml:6:15: guests[0]: one request of 'heavy' can take 1e+10 s of CPU on host 'current'"
expect_err "and what to change" "lower request.instructions or request.cpi, or raise the host's cpu.frequency"
# Emulation multiplies each instruction (an interpreter's dispatch and a
# soft-MMU lookup per memory reference): 10^13 instructions of 30 memory
# references each fit natively at 1 MHz, not under bochs.
sed -e 's/compare: \[native, kvm\]/compare: [native]/' \
    -e 's/instructions: 1e13, cpi: 1000/instructions: 1e13, cpi: 1, mem_refs_per_instruction: 30/' \
    "$TMP/burst.yaml" >"$TMP/fits.yaml"
run validate "$TMP/fits.yaml"
expect_status "a request that fits a burst natively validates" 0
sed -e 's/compare: \[native\]/compare: [native, bochs]/' "$TMP/fits.yaml" >"$TMP/emulated.yaml"
run validate "$TMP/emulated.yaml"
expect_status "and is refused when an interpreter runs it" 2
expect_err "which the message says" "at 350 cycles each with request.cpi 1 under emulation"
