#!/bin/sh
# Memory management from the command line: a scenario without resources:
# has no memory-management output (its report, CSV and JSON are those of
# before); one with resources.memory shows the table, the CSV columns and
# the JSON objects; a set: memory beyond a VM's boot-time memory is refused
# in the report; bad keys and values under resources: are positioned errors
# with exit 2; density --overcommit says what made room.
. "$(dirname "$0")/lib.sh"

cat >"$TMP/plain.yaml" <<'YAML'
name: plain
duration: 2s
compare: [kvm]
guests:
  - {name: web, workload: web-server, load: {rate: 100/s}}
YAML
run run "$TMP/plain.yaml" --format csv
expect_status "plain run" 0
expect_no_out "no mem_ columns without resources" "mem_allocated_bytes"
run run "$TMP/plain.yaml" --format json
expect_no_out "no memory_management without resources" "memory_management"
run run "$TMP/plain.yaml"
expect_no_out "no memory-management table without resources" "memory management"

cat >"$TMP/mm.yaml" <<'YAML'
name: mm
host: {profile: current, memory: {capacity: 3GiB, reserved: 1GiB}}
duration: 4s
compare: [kvm, lxc]
guests:
  - name: web
    count: 3
    workload: web-server
    load: {rate: 100/s}
    resources: {memory: {limit: 1GiB, balloon: on, sharing: on, swap: on}}
events:
  - {at: 1s, set: {guest: web, memory: 2GiB}}
YAML
run run "$TMP/mm.yaml"
expect_status "overcommitted run" 0
expect_out "memory-management table" "memory management (now"
expect_out "overcommit ratio" "(overcommit 1.00x)"
expect_out "growing a VM past its boot memory is refused" "cannot grow beyond the 1 GiB it booted with"
expect_out "containers have no balloon or sharing" "asked for but not available: sharing balloon (not in lxc)"
run run "$TMP/mm.yaml" --format csv
expect_out "CSV memory columns" "mem_allocated_bytes,mem_now_bytes,mem_resident_bytes,mem_shared_bytes"
cols=$(awk -F, '{print NF}' "$TMP/out" | sort -u | wc -l)
if [ "$cols" -eq 1 ]; then ok "every CSV row has the same columns"; else fail "every CSV row has the same columns" "$(awk -F, '{print NF}' "$TMP/out" | sort | uniq -c)"; fi
run run "$TMP/mm.yaml" --format json
expect_out "JSON memory_management" '"memory_management": {"allocated_bytes": 1073741824'

bad() { # NAME YAML-LINE EXPECTED-MESSAGE
    printf 'name: bad\nguests:\n  - name: web\n    workload: web-server\n    %s\n' "$2" >"$TMP/bad.yaml"
    run validate "$TMP/bad.yaml"
    expect_status "$1: exit 2" 2
    expect_err "$1: message" "$3"
}
bad "unknown resource" "resources: {disks: 2}" "bad.yaml:5:17: unknown key 'disks' in guests[0].resources"
bad "unknown memory key" "resources: {memory: {ballon: on}}" "bad.yaml:5:26: unknown key 'ballon' in guests[0].resources.memory (did you mean 'balloon'?); allowed: limit, balloon, sharing, swap"
bad "limit without unit" "resources: {memory: {limit: 12}}" "bad.yaml:5:33: guests[0].resources.memory.limit"
bad "limit and memory differ" "memory: 1GiB
    resources: {memory: {limit: 2GiB}}" "differs from guests[0].resources.memory.limit"

run run overcommit --format csv
expect_status "built-in overcommit runs" 0
run density "$TMP/plain.yaml" --max 4 --approaches kvm --overcommit sharing,balloon
expect_status "density --overcommit" 0
expect_out "density says what made room" "what made room, per guest"
run density "$TMP/plain.yaml" --overcommit swapping
expect_status "density --overcommit bad word: exit 2" 2
expect_err "density --overcommit bad word" "--overcommit: 'swapping' is not a mechanism"
