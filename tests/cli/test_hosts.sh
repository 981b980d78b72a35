#!/bin/sh
# Several hosts, links and a timeline through the binary: the table, CSV and
# JSON show each host, each link and each applied event; bad timelines and
# host references are refused with FILE:LINE:COL and exit 2.
. "$(dirname "$0")/lib.sh"

cat >"$TMP/two.yaml" <<'YAML'
name: two
hosts:
  - {name: front, profile: current}
  - {name: back, profile: current, count: 2}
links:
  - {hosts: [front, back], bandwidth: 1Gbit, latency: 50us}
duration: 2s
warmup: 200ms
compare: [native, kvm]
guests:
  - {name: web, host: front, count: 2, clients_from: users, workload: web-server}
  - {name: users, host: back, count: 2, workload: cpu-bound, load: {kind: open, rate: 5/s}}
events:
  - {at: 500ms, pause: web-2}
  - {at: 1s, resume: web-2}
  - {at: 1500ms, stop: web-2}
  - {at: 1600ms, stop: web-2}
YAML

run validate "$TMP/two.yaml"
expect_status "a two-host scenario validates" 0

run run "$TMP/two.yaml"
expect_status "a two-host scenario runs" 0
expect_out "the table lists each host" "back-2"
expect_out "the table lists the link (three hosts: a switch)" "switch: front, back"
expect_out "the table lists the timeline" "pause web-2"
expect_out "a refused event says so" "REFUSED stop web-2: web-2 is not running"

run run "$TMP/two.yaml" --format csv
expect_status "CSV exits 0" 0
rows=$(awk -F, '$5 == "host"' "$TMP/out" | wc -l)
if [ "$rows" -eq 6 ]; then ok "CSV has a host row per host and engine (3 x 2)"; else
    fail "CSV has a host row per host and engine (3 x 2)" "found $rows"; fi
expect_out "CSV has an all-hosts row" ",all_hosts,"

run run "$TMP/two.yaml" --format json
expect_status "JSON exits 0" 0
if python3 - "$TMP/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for run in d["runs"]:
    names = [h["name"] for h in run["hosts"]]
    assert names == ["front", "back-1", "back-2"], names
    assert all("cpu_utilisation" in h and "guests" in h for h in run["hosts"])
    assert sum(h["guests"] for h in run["hosts"]) == 4
    assert run["links"][0]["name"] == "switch: front, back" and run["links"][0]["shared"]
    assert [e["ok"] for e in run["timeline"]] == [True, True, True, False]
    assert run["timeline"][0]["at_ns"] == 500000000
    web = [g for g in run["instances"] if g["group"] == "web"]
    assert all(g["host"] == "front" for g in web)
PY
then ok "JSON has hosts, links and the timeline"; else fail "JSON has hosts, links and the timeline" "$(head -c 300 "$TMP/out")"; fi

# Bad input: positions and exit 2.
printf 'name: e\nduration: 5s\nguests:\n  - {name: web, workload: web-server}\nevents:\n  - {at: 1s, paws: web}\n' >"$TMP/bad1.yaml"
run validate "$TMP/bad1.yaml"
expect_status "an unknown action exits 2" 2
expect_err "an unknown action is named with its position" "bad1.yaml:6:14: events[0]: unknown action 'paws' (did you mean 'pause'?)"
printf 'name: e\nduration: 5s\nguests:\n  - {name: web, workload: web-server}\nevents:\n  - {at: 9s, stop: web}\n' >"$TMP/bad2.yaml"
run run "$TMP/bad2.yaml"
expect_status "an event past the end exits 2" 2
expect_err "an event past the end is placed" "bad2.yaml:6:10: events[0].at: 9 s is past the end of the run"
printf 'name: e\nduration: 5s\nguests:\n  - {name: web, workload: web-server}\nevents:\n  - {at: 1s, resume: db-1}\n' >"$TMP/bad3.yaml"
run validate "$TMP/bad3.yaml"
expect_status "a guest that does not exist exits 2" 2
expect_err "a guest that does not exist is placed" "bad3.yaml:6:22: events[0].resume: no guest or group is called 'db-1'"
printf 'name: e\nhosts: [{name: a}, {name: b}]\nguests:\n  - {name: web, workload: web-server, host: a, clients_from: u}\n  - {name: u, workload: cpu-bound, host: b}\n' >"$TMP/bad4.yaml"
run run "$TMP/bad4.yaml"
expect_status "clients on an unlinked host exit 2" 2
expect_err "clients on an unlinked host: what to add" "no link joins the two hosts: add one under links:"
