#!/bin/sh
# End-to-end tests of the terminal UI, driven through tmux as a person would:
# start virtsim in a pane, send keys, capture the pane, assert on what shows.
. "$(dirname "$0")/lib.sh"

if ! command -v tmux >/dev/null 2>&1; then
    fail "tmux is installed (make deps installs it)"
    exit 0
fi
SOCK="virtsim-test-$$"
T() { tmux -L "$SOCK" "$@"; }
trap 'tmux -L "$SOCK" kill-server 2>/dev/null; rm -rf "$TMP"' EXIT

S=ui1
screen() { T capture-pane -t "$S" -p; }
# wait_for TEXT [SECONDS]: polls the pane until TEXT shows.
wait_for() {
    i=0
    while [ $i -lt $((${2:-10} * 10)) ]; do
        screen | grep -qF -- "$1" && return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}
check() { # check NAME TEXT: the pane shows TEXT (waiting up to 5 s)
    if wait_for "$2" 5; then ok "$1"; else fail "$1" "pane lacks: $2" "$(screen | head -12)"; fi
}
# poll COMMAND: runs it until it succeeds, up to 5 s (the pane redraws after
# the keys that change it; slower under the sanitizers).
poll() {
    i=0
    while [ $i -lt 50 ]; do
        eval "$1" && return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}
clock() { screen | sed -n 's/.* t = \([^o]*\) of .*/\1/p' | head -1; }

start() { # start SESSION COLS ROWS [ARGS...]: virtsim ARGS (none: the default UI)
    S=$1
    cols=$2 rows=$3
    shift 3
    T new-session -d -s "$S" -x "$cols" -y "$rows" \
        "env LANG=C.UTF-8 TERM=xterm-256color $VIRTSIM $*; echo EXIT=\$?; stty -a | tr ';' '\n' | grep -E '^ *-?(icanon|echo) *$|[ ]-?icanon[ ]|[ ]-?echo[ ]' >/dev/null; stty -a; sleep 60"
}

# 120x40: the four approaches and native, with figures.
start ui1 120 40
check "the UI starts (120x40)" "RUNNING"
for e in native qemu xen-pv kvm lxc; do check "engine $e is listed" " $e "; done
check "figures are shown (relative score)" "1.00"
check "approaches are named" "paravirt"

# One host: no host selector, no host column.
if screen | grep -qE 'm: (one|next) host|all [0-9]+ hosts'; then fail "one host: no host selector" "$(screen | sed -n 9,12p)"
else ok "one host: no host selector"; fi

# Pause stops the clock.
T send-keys -t "$S" ' '
check "space pauses" "PAUSED"
c1=$(clock); sleep 1.2; c2=$(clock)
if [ -n "$c1" ] && [ "$c1" = "$c2" ]; then ok "the clock stops while paused ($c1)"; else fail "the clock stops while paused" "$c1 then $c2"; fi
T send-keys -t "$S" ' '
check "space runs again" "RUNNING"
sleep 1.2
c3=$(clock)
if [ "$c3" != "$c2" ]; then ok "the clock moves when running ($c2 -> $c3)"; else fail "the clock moves when running" "$c3"; fi

# Adding a guest adds a row (the selected row is the first: build).
T send-keys -t "$S" Tab
check "Tab opens the guest table" "exits+hc/s"
if screen | grep -qE '^guest.* host'; then fail "one host: the guest table has no host column" "$(screen | sed -n 4p)"
else ok "one host: the guest table has no host column"; fi
rows1=$(screen | grep -c '^build')
T send-keys -t "$S" a
check "adding a guest says so" "added a guest to build"
rows2=$(screen | grep -c '^build')
if [ "$rows1" = 1 ] && [ "$rows2" = 2 ]; then ok "adding a guest adds a row"; else fail "adding a guest adds a row" "$rows1 then $rows2"; fi

# Help opens and closes.
T send-keys -t "$S" '?'
check "? opens the help" "virtsim - keys"
T send-keys -t "$S" x
sleep 0.5
if screen | grep -qF "virtsim - keys"; then fail "any key closes the help"; else ok "any key closes the help"; fi

# Too small, then back.
T resize-window -t "$S" -x 60 -y 15
check "a 60x15 terminal gets a one-line message" "terminal too small"
T resize-window -t "$S" -x 120 -y 40
check "back to 120x40 the UI returns" "RUNNING"

# q quits with status 0 and leaves the terminal sane (echo and canonical mode back).
T send-keys -t "$S" q
check "q exits with status 0" "EXIT=0"
if screen | grep -qE '(^|[ ;])-icanon|(^|[ ;])-echo([ ;]|$)'; then
    fail "the terminal is left sane" "$(screen | grep -E 'icanon|echo' | head -3)"
else ok "the terminal is left sane (icanon, echo)"; fi

# 80x24 works too.
start ui2 80 24
check "the UI starts (80x24)" "RUNNING"
for e in native qemu xen-pv kvm lxc; do check "80x24: engine $e is listed" "$e "; done
T send-keys -t "$S" q
check "80x24: q exits with status 0" "EXIT=0"

# Several hosts: the meters start on all hosts (a row per host), m shows
# one host at a time by name, the link is listed, the guests have a host.
cat >"$TMP/two-hosts.yaml" <<'EOF'
name: two-racks
hosts:
  - {name: web-host, profile: current}
  - {name: client-host, profile: ept-2009}
links:
  - {hosts: [web-host, client-host], bandwidth: 1Gbit, latency: 50us}
duration: 4s
warmup: 500ms
compare: [native, lxc]
guests:
  - {name: web, host: web-host, count: 2, clients_from: loadgen, workload: web-server}
  - {name: loadgen, host: client-host, workload: cpu-bound, load: {kind: open, rate: 10/s}}
events:
  - {at: 1s, pause: web-2}
EOF
for size in "120 40" "80 24"; do
    set -- $size
    start "hosts$1" "$1" "$2" tui "$TMP/two-hosts.yaml"
    check "$1x$2: a two-host scenario starts" "two-racks"
    check "$1x$2: the meters start on all hosts" "all 2 hosts under native: 24 cores, 3 guests"
    check "$1x$2: a row per host" " client-host "
    check "$1x$2: the link is listed" "link web-host <-> client-host"
    T send-keys -t "$S" m
    check "$1x$2: m shows the first host by name" "host 1/2 web-host under native: 16 cores"
    T send-keys -t "$S" m
    check "$1x$2: m again shows the second host" "host 2/2 client-host under native: 8 cores"
    T send-keys -t "$S" m
    check "$1x$2: m again: all hosts" "all 2 hosts under native"
    T send-keys -t "$S" Tab
    check "$1x$2: the guest table has a host column" "guest^   host"
    check "$1x$2: a guest's host is shown" "loadgen  client-host"
    T send-keys -t "$S" q
    check "$1x$2: q exits with status 0" "EXIT=0"
done

# Issue 14. 80x24: a booting engine shows its progress and time left and
# no figures ("-", not "0 ns"); the help box fits with every key; the Group
# and Timeline panels; at the end every engine says finished and the
# header keeps its state; r takes the next seed.
start ui3 80 24
check "80x24: the UI starts" "RUNNING"
if wait_for "qemu        boot " 5 && screen | grep -qE '^ qemu +boot [0-9]+% [0-9.]+[smh] +- +- +-( |$)'; then
    ok "80x24: booting qemu shows progress, time left and no figures"
else fail "80x24: booting qemu shows progress, time left and no figures" "$(screen | grep qemu)"; fi
if screen | sed 1d | grep -q ' 0 ns'; then fail "80x24: no 0 ns for what has not been measured" "$(screen | grep '0 ns')"
else ok "80x24: no 0 ns for what has not been measured"; fi
check "80x24: the bar is CPU per operation" "CPU per op"
check "80x24: the legend names each category's letter" "x exits"
T send-keys -t "$S" '?'
check "80x24: ? opens the help" "virtsim - keys"
if screen | grep -qF "this help; quit" && screen | grep -qE '^(mq|└─)'; then ok "80x24: the help box shows every key and its bottom edge"
else fail "80x24: the help box shows every key and its bottom edge" "$(screen | tail -4)"; fi
T send-keys -t "$S" x
T send-keys -t "$S" Tab Tab
check "80x24: the Group panel shows one group under every engine" "under every engine"
check "80x24: the Group panel has exits per operation" "exit/op"
check "80x24: the Group panel's bars share one scale" "CPU per web op, by category"
T send-keys -t "$S" Tab
check "80x24: the Timeline has per-engine sparklines" "ops/s per step"
T send-keys -t "$S" + + +
if wait_for "FINISHED" 90; then ok "80x24: the run finishes (boots skipped through)"; else fail "80x24: the run finishes" "$(screen | head -3)"; fi
if screen | head -1 | grep -qE 'seed 42 +t = [0-9.]+ s of [0-9.]+ s +speed max +FINISHED'; then ok "80x24: the header is whole"
else fail "80x24: the header is whole" "$(screen | head -1)"; fi
check "80x24: the Timeline says when an engine finished" "qemu: finished its run"
if screen | grep -qF '^'; then ok "80x24: events are marked under the sparklines"; else fail "80x24: events are marked under the sparklines"; fi
T send-keys -t "$S" Tab Tab # past the Density panel (issue 17) to Compare
if poll '[ "$(screen | grep -cE "^[ >](native|qemu|xen-pv|kvm|lxc) +finished ")" = 5 ]'; then ok "80x24: every engine says finished"; else fail "80x24: every engine says finished" "$(screen | sed -n 4,9p)"; fi
T send-keys -t "$S" Tab
check "80x24: the guests of a finished run" "guest^"
if screen | grep -q ' running '; then fail "80x24: no guest says running after its engine finished" "$(screen | grep ' running ' | head -2)"
else ok "80x24: no guest says running after its engine finished"; fi
T send-keys -t "$S" r
check "80x24: r restarts with the next seed" "seed 43 "
T send-keys -t "$S" q
check "80x24: q exits" "EXIT=0"

# 120x40: the help box whole, with its notes.
start ui4 120 40
check "120x40: the UI starts" "RUNNING"
T send-keys -t "$S" '?'
if wait_for "one scale for all engines" 5 && screen | grep -qE '^ +(mq|└─)'; then ok "120x40: the help box is whole"
else fail "120x40: the help box is whole" "$(screen | tail -12)"; fi
T send-keys -t "$S" x
# H: the host meters name the new host profile.
T send-keys -t "$S" H
check "120x40: H restarts on the next host profile" "host profile"
if poll "screen | grep -E '^ host [a-z0-9-]+ under native' | grep -qv 'host current'"; then ok "120x40: the meters name the host profile"
else fail "120x40: the meters name the host profile" "$(screen | grep -E '^ host')"; fi
# Export with a filter set: the typed name replaces the suggestion and the
# message shows beside the filter; a failed write says why.
T send-keys -t "$S" / w Enter
T send-keys -t "$S" e
T send-keys -t "$S" -l "$TMP/out.csv"
T send-keys -t "$S" Enter
check "120x40: export writes the typed name (a filter set)" "wrote $TMP/out.csv"
check "120x40: the filter still shows" "filter: w"
if [ -s "$TMP/out.csv" ]; then ok "120x40: the export file exists"; else fail "120x40: the export file exists"; fi
T send-keys -t "$S" e
T send-keys -t "$S" -l "/nonexistent-dir/x.json"
T send-keys -t "$S" Enter
check "120x40: a failed export says so" "could not write /nonexistent-dir/x.json"
T send-keys -t "$S" q
check "120x40: q exits" "EXIT=0"

# NO_COLOR: each category is its letter; memory is no category.
S=nc
T new-session -d -s nc -x 120 -y 40 "env NO_COLOR=1 LANG=C TERM=xterm-256color $VIRTSIM; sleep 60"
check "NO_COLOR: the UI starts" "RUNNING"
mem=$(screen | grep '^ Mem' | cut -c14-43)
if echo "$mem" | grep -q '#' && ! echo "$mem" | grep -q '[a-z]'; then ok "NO_COLOR: the memory bar is not drawn with a category letter"
else fail "NO_COLOR: the memory bar is not drawn with a category letter" "$mem"; fi
i=0
while [ $i -lt 100 ] && ! screen | grep '^ CPU' | grep -q 'u'; do sleep 0.1; i=$((i + 1)); done
if screen | grep '^ CPU' | grep -q 'u'; then ok "NO_COLOR: CPU bars use the category letters"; else fail "NO_COLOR: CPU bars use the category letters"; fi
T kill-session -t nc

# A workload instead of a scenario: the one-workload comparison.
start wl 120 40 tui web-server
check "tui WORKLOAD: builds the comparison scenario" "compare-web-server"
for e in native qemu xen-pv kvm lxc; do check "tui WORKLOAD: engine $e" " $e "; done
check "tui WORKLOAD: saturated, scored by throughput" "thru x"
T send-keys -t "$S" q
check "tui WORKLOAD: q exits" "EXIT=0"
start nowl 120 40 tui no-such-thing
check "tui: an unknown name says scenarios and workloads were tried" "built-in workload (virtsim list workloads)"
check "tui: an unknown name says no built-in scenario has it" "no built-in scenario of that name"
check "tui: an unknown name exits 2" "EXIT=2"

# Issue 17: the Density panel, at 120x40 and 80x24. Opened on a workload
# with a short search (300 ms per point, up to 128 guests, p99<1ms): each
# approach's guests and limiting resource show; a stricter SLA ([) searches
# again while the other panels stay usable and changes the numbers; the SLA
# typed back (S) shows the first numbers at once, from the cache.
density_row() { screen | grep -E "^[ >]$1 $2 " | head -1; }
density_n() { density_row "$1" "$2" | sed -E "s/^[ >]$1 $2 +[a-z]+ +(>=)?([0-9]+) .*/\\2/"; }
for size in "120 40" "80 24"; do
    set -- $size
    start "dens$1" "$1" "$2" tui web-server --duration 300ms --max 128 --sla "'p99<1ms'"
    check "$1x$2: tui WORKLOAD with density options starts" "compare-web-server"
    T send-keys -t "$S" BTab
    check "$1x$2: the Density panel opens" "density of web-server on current"
    check "$1x$2: the Density panel states the SLA" "SLA: p99<1ms"
    if wait_for "5 of 5 approaches done" 150; then ok "$1x$2: every approach's search finishes"
    else fail "$1x$2: every approach's search finishes" "$(screen | sed -n 4,12p)"; fi
    if [ "$1" = 120 ]; then
        row=$(density_row 4 kvm)
        if echo "$row" | grep -qE '^[ >]4 kvm +hvm +[0-9]+ (cpu|memory|disk|nic) '; then ok "$1x$2: kvm's guests and limiting resource"
        else fail "$1x$2: kvm's guests and limiting resource" "$row"; fi
        check "$1x$2: the command that gives the same numbers" "= virtsim density web-server --vcpus 2 --duration 300ms"
        check "$1x$2: the trade-off scatter" "trade-off: guests per host"
    else
        row=$(screen | grep -E '^[ >]4 kvm ' | head -1)
        if echo "$row" | grep -qE '^[ >]4 kvm +[0-9]+ (cpu|memory|disk|nic) '; then ok "$1x$2: kvm's guests and limiting resource"
        else fail "$1x$2: kvm's guests and limiting resource" "$row"; fi
    fi
    check "$1x$2: memory per guest by part" " = app 256 MiB + kernel "
    check "$1x$2: the curve with its SLA line" "SLA1ms |-----"
    n1=$(screen | grep -E '^[ >]4 kvm ' | head -1 | awk '{print ($3 ~ /^[0-9>]/) ? $3 : $4}')
    T send-keys -t "$S" '['
    check "$1x$2: [ lowers the p99 bound" "SLA: p99<500us"
    # The screen answers while the search runs: the Compare panel and back.
    T send-keys -t "$S" Tab
    check "$1x$2: other panels work during a search" "CPU per op"
    T send-keys -t "$S" BTab
    check "$1x$2: back to the Density panel" "SLA: p99<500us"
    if wait_for "5 of 5 approaches done" 150; then ok "$1x$2: the stricter search finishes"
    else fail "$1x$2: the stricter search finishes" "$(screen | sed -n 4,12p)"; fi
    n2=$(screen | grep -E '^[ >]4 kvm ' | head -1 | awk '{print ($3 ~ /^[0-9>]/) ? $3 : $4}')
    if [ -n "$n1" ] && [ -n "$n2" ] && [ "$n2" -lt "$n1" ]; then ok "$1x$2: a stricter SLA fits fewer kvm guests ($n1 -> $n2)"
    else fail "$1x$2: a stricter SLA fits fewer kvm guests" "$n1 then $n2"; fi
    T send-keys -t "$S" S
    check "$1x$2: S prompts for the SLA" "SLA (e.g. p99<20ms"
    T send-keys -t "$S" C-u
    for i in 1 2 3 4 5 6 7 8 9 10; do T send-keys -t "$S" BSpace; done
    T send-keys -t "$S" -l "p99<1ms"
    T send-keys -t "$S" Enter
    check "$1x$2: the typed SLA is set" "SLA: p99<1ms"
    n3=$(screen | grep -E '^[ >]4 kvm ' | head -1 | awk '{print ($3 ~ /^[0-9>]/) ? $3 : $4}')
    if [ "$n3" = "$n1" ] && screen | grep -qF "5 of 5 approaches done"; then ok "$1x$2: settings seen before show at once ($n3)"
    else fail "$1x$2: settings seen before show at once" "$n1, now $n3"; fi
    if [ "$1" = 120 ]; then
        T send-keys -t "$S" e
        T send-keys -t "$S" -l "$TMP/dens.json"
        T send-keys -t "$S" Enter
        check "$1x$2: the panel exports" "wrote $TMP/dens.json"
        if grep -q '"cpu_per_op_ns"' "$TMP/dens.json" && grep -q '"engine": "kvm"' "$TMP/dens.json"; then ok "$1x$2: the export holds each approach's result and cost"
        else fail "$1x$2: the export holds each approach's result and cost" "$(head -c 300 "$TMP/dens.json")"; fi
    fi
    T send-keys -t "$S" q
    check "$1x$2: q exits from the Density panel" "EXIT=0"
done
# Memory overcommit in the Density panel, at both sizes: without an SLA
# (the title says so) memory limits kvm; P (page sharing) fits more kvm
# guests, the bar and the words say how many more than without it and what
# sharing saved per guest; Xen PV (no page sharing) keeps its count; P
# again shows the first numbers at once.
guests_of() { density_row "$1" "$2" | awk '{print ($3 ~ /^[0-9>]/) ? $3 : $4}' | sed 's/^>=//'; }
for size in "120 40" "80 24"; do
    set -- $size
    start "over$1" "$1" "$2" tui web-server --duration 300ms --max 128
    check "$1x$2 overcommit: tui starts" "compare-web-server"
    T send-keys -t "$S" BTab
    check "$1x$2 overcommit: no SLA is said as such" "no SLA: guests that start"
    if wait_for "5 of 5 approaches done" 150; then ok "$1x$2 overcommit: every search finishes"
    else fail "$1x$2 overcommit: every search finishes" "$(screen | sed -n 4,12p)"; fi
    T send-keys -t "$S" j j j
    check "$1x$2 overcommit: kvm selected" ">4 kvm "
    k0=$(guests_of 4 kvm); x0=$(guests_of 3 xen-pv)
    if screen | grep -qE '^>4 kvm .* memory '; then ok "$1x$2 overcommit: memory limits kvm without an SLA"
    else fail "$1x$2 overcommit: memory limits kvm without an SLA" "$(density_row 4 kvm)"; fi
    T send-keys -t "$S" P
    check "$1x$2 overcommit: P turns page sharing on" "memory overcommit: sharing"
    if wait_for "without); per guest saved: sharing" 150 && wait_for "5 of 5 approaches done" 150; then
        ok "$1x$2 overcommit: the searches with sharing finish"
    else fail "$1x$2 overcommit: the searches with sharing finish" "$(screen | sed -n 4,16p)"; fi
    k1=$(guests_of 4 kvm); x1=$(guests_of 3 xen-pv)
    if [ -n "$k0" ] && [ -n "$k1" ] && [ "$k1" -gt "$k0" ]; then ok "$1x$2 overcommit: sharing fits more kvm guests ($k0 -> $k1)"
    else fail "$1x$2 overcommit: sharing fits more kvm guests" "$k0 then $k1"; fi
    check "$1x$2 overcommit: the words say the gain against the count without" "+$((k1 - k0)) guests ($k0 without); per guest saved: sharing "
    if [ -n "$x0" ] && [ "$x1" = "$x0" ]; then ok "$1x$2 overcommit: Xen PV has no page sharing ($x0 -> $x1)"
    else fail "$1x$2 overcommit: Xen PV has no page sharing" "$x0 then $x1"; fi
    if density_row 4 kvm | grep -q '▓'; then ok "$1x$2 overcommit: the bar shows the room sharing made"
    else fail "$1x$2 overcommit: the bar shows the room sharing made" "$(density_row 4 kvm)"; fi
    T send-keys -t "$S" P
    check "$1x$2 overcommit: P again turns it off" "memory overcommit: off"
    k2=$(guests_of 4 kvm)
    if [ "$k2" = "$k0" ] && screen | grep -qF "5 of 5 approaches done"; then ok "$1x$2 overcommit: off again shows the first numbers at once ($k2)"
    else fail "$1x$2 overcommit: off again shows the first numbers at once" "$k0, now $k2"; fi
    T send-keys -t "$S" q
    check "$1x$2 overcommit: q exits" "EXIT=0"
done
# vCPU overcommit in the Density panel (V), at both sizes: the search is the
# same (kvm keeps its count), and the words say how many guests sharing the
# cores made room for against a core per vCPU (16 cores, 2 vCPUs per guest:
# 8), with the steal time at the density; the bar shows that room; the
# command line says --overcommit vcpus; V again shows the first numbers.
for size in "120 40" "80 24"; do
    set -- $size
    start "vcpu$1" "$1" "$2" tui web-server --duration 300ms --max 128
    check "$1x$2 vcpus: tui starts" "compare-web-server"
    T send-keys -t "$S" BTab
    if wait_for "5 of 5 approaches done" 150; then ok "$1x$2 vcpus: every search finishes"
    else fail "$1x$2 vcpus: every search finishes" "$(screen | sed -n 4,12p)"; fi
    T send-keys -t "$S" j j j
    check "$1x$2 vcpus: kvm selected" ">4 kvm "
    k0=$(guests_of 4 kvm)
    T send-keys -t "$S" V
    if [ "$1" = 120 ]; then
        check "$1x$2 vcpus: V turns vCPU overcommit on: the command says --overcommit vcpus" "--max 128 --overcommit vcpus"
    else
        check "$1x$2 vcpus: V turns vCPU overcommit on" "memory overcommit: off; vCPUs shared"
    fi
    if wait_for "with a core per vCPU), steal" 150 && wait_for "5 of 5 approaches done" 150; then
        ok "$1x$2 vcpus: the searches with vCPU overcommit finish"
    else fail "$1x$2 vcpus: the searches with vCPU overcommit finish" "$(screen | sed -n 4,16p)"; fi
    k1=$(guests_of 4 kvm)
    if [ -n "$k0" ] && [ "$k1" = "$k0" ]; then ok "$1x$2 vcpus: the density is the same search's ($k0)"
    else fail "$1x$2 vcpus: the density is the same search's" "$k0 then $k1"; fi
    label="vCPU overcommit: "
    [ "$1" = 80 ] && label="vCPUs: "
    check "$1x$2 vcpus: the words say the room made against a core per vCPU" "$label+$((k1 - 8)) guests (8 with a core per vCPU), steal "
    if density_row 4 kvm | grep -q '▓'; then ok "$1x$2 vcpus: the bar shows the room vCPU overcommit made"
    else fail "$1x$2 vcpus: the bar shows the room vCPU overcommit made" "$(density_row 4 kvm)"; fi
    T send-keys -t "$S" V
    if [ "$1" = 120 ]; then
        if poll '! screen | grep -qF -- "--overcommit vcpus"'; then ok "$1x$2 vcpus: V again turns it off"
        else fail "$1x$2 vcpus: V again turns it off" "$(screen | sed -n 1,3p)"; fi
    else
        if poll '! screen | grep -qF "vCPUs shared"'; then ok "$1x$2 vcpus: V again turns it off"
        else fail "$1x$2 vcpus: V again turns it off" "$(screen | sed -n 1,3p)"; fi
    fi
    k2=$(guests_of 4 kvm)
    if [ "$k2" = "$k0" ] && screen | grep -qF "5 of 5 approaches done"; then ok "$1x$2 vcpus: off again shows the first numbers at once ($k2)"
    else fail "$1x$2 vcpus: off again shows the first numbers at once" "$k0, now $k2"; fi
    T send-keys -t "$S" q
    check "$1x$2 vcpus: q exits" "EXIT=0"
done
"$VIRTSIM" tui web-server --sla 'p99<fast' >"$TMP/out" 2>"$TMP/err"
st=$?
if [ "$st" = 2 ] && grep -q "p99<fast" "$TMP/err"; then ok "tui --sla with a bad SLA: exit 2 naming it"
else fail "tui --sla with a bad SLA: exit 2 naming it" "status $st: $(cat "$TMP/err")"; fi
