#!/bin/sh
# `virtsim trace`. Invariants:
#  - an operation's table names each approach, its steps' places and the
#    constants they are priced from; a 64-bit Xen PV system call shows the
#    bounce through Xen, kvm's does not;
#  - the JSON parses and its runs' step cycles add up to each run's total;
#    the CSV has one line per step;
#  - --chart writes a PNG (and the steps beside it as CSV), an SVG whose
#    text names the steps; --request traces a workload's request;
#  - bad input exits 2 with a message: an unknown operation (naming the
#    known ones), no operation, both an operation and --request, --chart
#    with --request, an unknown approach.
. "$(dirname "$0")/lib.sh"

run trace syscall --approaches xen-pv,kvm
expect_status "trace syscall exits 0" 0
expect_out "trace syscall: xen-pv's bounce through Xen" "syscall lands in Xen"
expect_out "trace syscall: the constant" "[pv_syscall_extra]"
expect_out "trace syscall: kvm listed" "kvm (hvm)"
if awk '/^kvm/{k=1} k && /hypervisor/{bad=1} END{exit bad}' "$TMP/out"; then
    ok "trace syscall: no hypervisor step under kvm"
else fail "trace syscall: no hypervisor step under kvm" "$(cat "$TMP/out")"; fi

run trace page-fault --approaches hvm-shadow,hvm-ept --format json
expect_status "trace --format json exits 0" 0
if python3 - "$TMP/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["command"] == "trace"
runs = {r["preset"]: r for r in d["runs"]}
for r in runs.values():
    op = r["operations"][0]
    assert abs(sum(s["cycles"] for s in op["steps"]) - op["cycles"]) <= 1e-6 * op["cycles"]
assert any(s["category"] == "vmexit" for s in runs["hvm-shadow"]["operations"][0]["steps"])
assert not any(s["category"] == "vmexit" for s in runs["hvm-ept"]["operations"][0]["steps"])
PY
then ok "trace json: steps add up; shadow exits, EPT does not"; else fail "trace json: steps add up; shadow exits, EPT does not" "$(head -c 600 "$TMP/out")"; fi

run trace fork --approaches native --format csv
steps=$(grep -c '^current,native,' "$TMP/out")
if [ "$steps" -ge 4 ]; then ok "trace csv: one line per step ($steps)"; else fail "trace csv: one line per step" "$(cat "$TMP/out")"; fi

run trace net-receive --approaches kvm,xen-pv --chart "$TMP/net.png"
expect_status "trace --chart png exits 0" 0
if [ "$(head -c 8 "$TMP/net.png" | od -An -c | tr -d ' ')" = '211PNG\r\n032\n' ]; then ok "trace --chart writes a PNG"; else
    fail "trace --chart writes a PNG" "$(head -c 16 "$TMP/net.png" | od -c | head -2)"; fi
if [ "$(wc -l <"$TMP/net.csv")" -ge 10 ]; then ok "trace --chart writes the steps beside it"; else fail "trace --chart writes the steps beside it" "$(cat "$TMP/net.csv")"; fi
run trace syscall --approaches xen-pv --chart "$TMP/s.svg"
if grep -qF "syscall lands in Xen" "$TMP/s.svg"; then ok "trace --chart svg keeps the steps as text"; else fail "trace --chart svg keeps the steps as text"; fi

run trace --request web-server --approaches kvm,qemu,lxc
expect_status "trace --request exits 0" 0
expect_out "trace --request: operations grouped" "syscalls x"
expect_out "trace --request: CPU by place" "CPU by place:"

run trace nosuch
expect_status "trace unknown operation exits 2" 2
expect_err "trace unknown operation: names the known ones" "known: syscall, page-fault"
run trace
expect_status "trace without an operation exits 2" 2
run trace syscall --request web-server
expect_status "trace with both exits 2" 2
run trace --request web-server --chart "$TMP/x.png"
expect_status "trace --request --chart exits 2" 2
run trace syscall --approaches nosuch
expect_status "trace unknown approach exits 2" 2
expect_err "trace unknown approach: named" "unknown approach 'nosuch'"
