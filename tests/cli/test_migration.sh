#!/bin/sh
# Live migration and checkpoints from the command line. Invariants:
#  - the built-in scenarios run; their JSON has "migrations" and
#    "checkpoints" with the documented keys, the container moving less than
#    the VM; the CSV has one row per migration with the same fields as the
#    others;
#  - wrong words and hosts in the events are refused with FILE:LINE:COL
#    and exit 2;
#  - the migration chart is drawn for a scenario that migrates, refused for
#    one that does not.
. "$(dirname "$0")/lib.sh"

run run migrate-web --format json
expect_status "run migrate-web exits 0" 0
if python3 - "$TMP/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
runs = {r["engine"]: r for r in d["runs"]}
keys = {"guest", "from", "to", "method", "start_s", "total_s", "downtime_s", "bytes_sent", "rounds", "converged"}
for r in runs.values():
    m = r["migrations"]
    assert len(m) == 1 and keys <= set(m[0]), m
    assert m[0]["done"] and m[0]["from"] == "rack-a" and m[0]["to"] == "rack-b"
    assert 0 < m[0]["downtime_s"] < m[0]["total_s"]
assert runs["lxc"]["migrations"][0]["bytes_sent"] < runs["kvm"]["migrations"][0]["bytes_sent"]
PY
then ok "migrate-web json: one migration per engine, the container moves less"; else fail "migrate-web json" "$(head -c 400 "$TMP/out")"; fi

run run migrate-web --format csv
if awk -F, 'NR == 1 {n = NF} NF != n {bad = 1} $5 == "migration" {m++} END {exit bad || m != 3}' "$TMP/out"; then
    ok "migrate-web csv: three migration rows, every row the same width"; else fail "migrate-web csv" "$(grep migration "$TMP/out" | head -3)"; fi

run run checkpoint-db --format json
if python3 - "$TMP/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for r in d["runs"]:
    c = r["checkpoints"]
    assert [x["kind"] for x in c] == ["checkpoint", "checkpoint", "restore"], c
    assert c[1]["incremental"] and c[1]["image_bytes"] < c[0]["image_bytes"]
PY
then ok "checkpoint-db json: full, incremental (smaller), restore"; else fail "checkpoint-db json" "$(head -c 400 "$TMP/out")"; fi

cat >"$TMP/bad.yaml" <<'YAML'
name: bad
hosts:
  - {name: a, profile: current}
  - {name: b, profile: current}
links:
  - {hosts: [a, b], bandwidth: 10Gbit}
guests:
  - {name: web, host: a, workload: web-server}
events:
  - {at: 1s, migrate: web, to: c}
YAML
run validate "$TMP/bad.yaml"
expect_status "migrate to an unknown host exits 2" 2
expect_err "migrate to an unknown host: position and hosts" "bad.yaml:10:32: events[0].to: 'c' is not allowed; expected a or b"
sed 's/to: c}/to: b, method: sideways}/' "$TMP/bad.yaml" >"$TMP/bad2.yaml"
run validate "$TMP/bad2.yaml"
expect_status "an unknown method exits 2" 2
expect_err "an unknown method: the allowed ones" "expected precopy, postcopy or stopcopy"

run chart migrate-web --kind migration --output "$TMP/m.png"
expect_status "chart --kind migration exits 0" 0
if [ "$(head -c 4 "$TMP/m.png" | od -An -c | tr -d ' ')" = '211PNG' ]; then ok "the migration chart is a PNG"; else fail "the migration chart is a PNG"; fi
run chart default --kind migration --output "$TMP/d.png"
expect_status "a migration chart of a scenario without migrations exits 2" 2
expect_err "a migration chart of a scenario without migrations: says why" "needs a scenario whose events: migrate"
