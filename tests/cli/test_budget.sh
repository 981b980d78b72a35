#!/bin/sh
# The memory budget and Ctrl-C, from the command line. A run whose queue
# outgrows --memory-budget stops with exit 1 and a message naming the queue,
# the budget and the option, within bounded memory (a virtual-memory limit
# far below what the queue would take without the budget); validate says so
# beforehand; a bad budget is a usage error. SIGINT during a long run stops
# it: exit 130, the report printed and marked partial (JSON, CSV, table),
# --output written whole and no temporary file left beside it. Progress
# lines go to a terminal only: piped, stderr stays empty.
. "$(dirname "$0")/lib.sh"

cat >"$TMP/flood.yaml" <<'YAML'
name: flood
hosts:
  - {name: a, profile: current}
  - {name: b, profile: current}
links:
  - {hosts: [a, b], bandwidth: 10Gbit}
duration: 60s
seed: 1
compare: [native]
guests:
  - name: flood
    host: a
    clients_from: users
    workload:
      load: {kind: open, rate: 1000/s}
      request: {instructions: 1k, net: {rx_packets: 100000}}
      memory: {footprint: 64MiB}
  - {name: users, host: b, workload: cpu-bound}
YAML

# Without the budget this run takes gigabytes within seconds; with 32 MiB it
# must stop cleanly under a 512 MiB address-space limit. (A sanitizer build
# cannot start under such a limit: there test_budget's peak count stands in.)
LIMIT_KB=524288
sh -c 'ulimit -v "$1" 2>/dev/null && exec "$2" --version' sh $LIMIT_KB "$VIRTSIM" >/dev/null 2>&1 || LIMIT_KB=unlimited
( ulimit -v $LIMIT_KB 2>/dev/null; exec "$VIRTSIM" run "$TMP/flood.yaml" --memory-budget 32MiB ) \
    >"$TMP/out" 2>"$TMP/err"
STATUS=$?
expect_status "a run past --memory-budget exits 1" 1
expect_err "it says the budget was exceeded" "memory budget exceeded"
expect_err "it names the queue" "host b's NIC"
expect_err "it names the budget" "32 MiB budget"
expect_err "it names the option" "--memory-budget SIZE"
if [ -s "$TMP/out" ]; then fail "no report is printed" "stdout: $(head -c 200 "$TMP/out")"; else ok "no report is printed"; fi

run run "$TMP/flood.yaml" --memory-budget lots
expect_status "a budget that is not a size is a usage error" 2
expect_err "which says what is expected" "--memory-budget needs a size of at least 1MiB"
run run "$TMP/flood.yaml" --memory-budget 1KiB
expect_status "a budget under 1 MiB is refused" 2
run run --help
expect_out "run --help lists the option" "--memory-budget SIZE"

run validate "$TMP/flood.yaml"
expect_status "validate refuses a scenario whose queues will outgrow the budget" 1
expect_err "and says which guest, why and how much" "guest flood offers 1.00k/s per instance, more than the NIC of its host"
expect_err "and how to raise it" "--memory-budget"
run validate "$TMP/flood.yaml" --memory-budget 1TiB
expect_status "validate accepts it under a budget that holds it" 0
run validate "$HERE/data/small.yaml"
expect_status "validate accepts a light scenario" 0

# ---- Ctrl-C ----
sed 's/duration: 10s/duration: 86400s/' "$HERE/data/small.yaml" >"$TMP/long.yaml"

# interrupt FORMAT OUTFILE [ARGS...]: starts a long run, sends SIGINT after a
# moment, waits; stdout to OUTFILE, stderr to $TMP/err, STATUS its exit code.
interrupt() {
    fmt=$1 outfile=$2
    shift 2
    "$VIRTSIM" run "$TMP/long.yaml" --format "$fmt" "$@" >"$outfile" 2>"$TMP/err" &
    pid=$!
    sleep 1
    kill -INT "$pid"
    wait "$pid"
    STATUS=$?
}

interrupt json "$TMP/out"
expect_status "Ctrl-C stops a run with exit 130" 130
expect_out "the JSON report is printed, marked partial" '"partial": true'
expect_out "and it is whole" '"runs": ['
expect_err "stderr says the results are partial" "interrupted: the report holds partial results"
if python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$TMP/out" 2>/dev/null || ! command -v python3 >/dev/null; then
    ok "the partial JSON parses"
else
    fail "the partial JSON parses" "$(tail -c 200 "$TMP/out")"
fi

interrupt csv "$TMP/out"
expect_status "Ctrl-C during a CSV run exits 130" 130
expect_out "the CSV ends with a partial row" "small,7,,,partial,"

interrupt table "$TMP/out"
expect_status "Ctrl-C during a table run exits 130" 130
expect_out "the table says PARTIAL" "PARTIAL RESULTS: stopped (Ctrl-C)"

mkdir "$TMP/dir"
interrupt json "$TMP/stdout" --output "$TMP/dir/report.json"
expect_status "Ctrl-C with --output exits 130" 130
if grep -qF '"partial": true' "$TMP/dir/report.json" 2>/dev/null; then ok "the output file holds the partial report"; else
    fail "the output file holds the partial report" "$(ls -la "$TMP/dir")"
fi
left=$(ls -A "$TMP/dir" | grep -v '^report.json$')
if [ -z "$left" ]; then ok "no temporary file is left"; else fail "no temporary file is left" "$left"; fi

# A density search cut short has no answer: exit 130, nothing written.
"$VIRTSIM" density web-server --duration 600s >"$TMP/out" 2>"$TMP/err" &
pid=$!
sleep 1
kill -INT "$pid"
wait "$pid"
STATUS=$?
expect_status "Ctrl-C stops density with exit 130" 130
expect_err "and says nothing was written" "interrupted: the search did not finish; nothing was written"
if [ -s "$TMP/out" ]; then fail "density writes no partial report" "$(head -c 200 "$TMP/out")"; else ok "density writes no partial report"; fi

# A finished run says nothing on a non-terminal stderr: no progress, no mark.
run run "$HERE/data/small.yaml" --format json
expect_status "a finished run exits 0" 0
if [ -s "$TMP/err" ]; then fail "its stderr is empty when not a terminal" "$(head -c 200 "$TMP/err")"; else
    ok "its stderr is empty when not a terminal"
fi
expect_no_out "and its report is not partial" '"partial"'

# ---- on a terminal: the progress line, and a real Ctrl-C ----
if ! command -v tmux >/dev/null 2>&1; then
    ok "progress on a terminal (no tmux here: skipped)"
    exit 0
fi
SOCK="virtsim-budget-$$"
T() { tmux -L "$SOCK" "$@"; }
trap 'tmux -L "$SOCK" kill-server 2>/dev/null; rm -rf "$TMP"' EXIT
# The report goes to a file; the pane shows only standard error.
T new-session -d -s p -x 100 -y 10 \
    "$VIRTSIM run $TMP/long.yaml --format json >$TMP/tty.json; echo EXIT=\$?; sleep 30"
# wait_for TEXT SECONDS: polls the pane until TEXT shows.
wait_for() {
    i=0
    while [ $i -lt $(($2 * 10)) ]; do
        T capture-pane -t p -p | grep -qF -- "$1" && return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}
if wait_for "events/s" 10; then ok "a long run shows a progress line on a terminal"; else
    fail "a long run shows a progress line on a terminal" "$(T capture-pane -t p -p)"
fi
line=$(T capture-pane -t p -p | grep -F "events/s" | head -1)
case "$line" in
*"simulated "*" of 86400 s"*"% "*|*"%  simulated "*" of 86400 s"*) ok "it gives the share and the simulated time of the total" ;;
*) fail "it gives the share and the simulated time of the total" "$line" ;;
esac
case "$line" in *" left"*) ok "and the time left" ;; *) fail "and the time left" "$line" ;; esac
T send-keys -t p C-c
if wait_for "EXIT=130" 10; then ok "Ctrl-C on the terminal stops the run with 130"; else
    fail "Ctrl-C on the terminal stops the run with 130" "$(T capture-pane -t p -p)"
fi
if T capture-pane -t p -p | grep -qF "events/s"; then fail "the progress line is erased at the end" "$(T capture-pane -t p -p)"; else
    ok "the progress line is erased at the end"
fi
expect_file_partial() {
    if grep -qF '"partial": true' "$TMP/tty.json"; then ok "$1"; else fail "$1" "$(head -c 300 "$TMP/tty.json")"; fi
}
expect_file_partial "the report it printed is marked partial"
