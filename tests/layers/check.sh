#!/bin/sh
# The layer rule: a file may include headers of its own layer and of layers
# below it, never of a layer above. Layers, lowest first (docs/architecture.md):
#
#   core  sim/core/      events, random numbers, statistics, units, errors, threads
#   host  sim/host/      host profile, cost table, cpu, stations, disk, nic, memory, links
#   spec  (headers only) workloads and scenarios: what runs
#   model approaches/, sim/comp/   engines and kernel components
#   load  sim/load/      YAML to specs, the built-in library, parameter paths
#   out   sim/out/       the results structure and everything that writes it
#   run   sim/run/       simulations and the runners built on them
#   lab   sim/lab/       guided labs: steps run, answers computed and graded, handouts
#   ui    sim/cli/, tui/ the command line and the terminal UI
#
# A header's layer is its folder under include/virtsim/. Prints every
# violation as FILE:LINE: message and exits 1 if there is one.
# Usage: check.sh [ROOT]   (default: this checkout)
cd "${1:-$(dirname "$0")/../..}" || exit 2
rank() {
    case "$1" in
    core) echo 0 ;; host) echo 1 ;; spec) echo 2 ;; model) echo 3 ;; load) echo 4 ;;
    out) echo 5 ;; run) echo 6 ;; lab) echo 7 ;; ui) echo 8 ;; *) echo -1 ;;
    esac
}
layer_of_file() {
    case "$1" in
    include/virtsim/*/*) f=${1#include/virtsim/}; echo "${f%%/*}" ;;
    sim/cli/*|tui/*) echo ui ;;
    sim/comp/*|approaches/*) echo model ;;
    sim/tools/*) echo tool ;;
    sim/*/*) f=${1#sim/}; echo "${f%%/*}" ;;
    *) echo unknown ;;
    esac
}
bad=0
files=$(find include/virtsim sim approaches tui -name '*.[ch]' | sort)
for f in $files; do
    own=$(layer_of_file "$f")
    [ "$own" = tool ] && continue
    own_rank=$(rank "$own")
    if [ "$own_rank" -lt 0 ]; then
        echo "$f:1: not in any layer (put it in one of the folders above)"
        bad=1
        continue
    fi
    # Every #include "virtsim/LAYER/NAME.h" with its line number.
    grep -n '#include "virtsim/' "$f" | while IFS=: read -r line text; do
        inc=${text#*\"virtsim/}
        inc=${inc%%\"*}
        case "$inc" in
        */*) ;;
        *) echo "$f:$line: includes virtsim/$inc, which is in no layer folder"; echo x >&3; continue ;;
        esac
        l=${inc%%/*}
        r=$(rank "$l")
        if [ "$r" -lt 0 ]; then
            echo "$f:$line: includes virtsim/$inc: no layer is called '$l'"; echo x >&3
        elif [ "$r" -gt "$own_rank" ]; then
            echo "$f:$line: layer '$own' includes virtsim/$inc of the higher layer '$l'"; echo x >&3
        fi
    done 3>>"${TMPDIR:-/tmp}/vs-layers.$$"
done
if [ -s "${TMPDIR:-/tmp}/vs-layers.$$" ]; then bad=1; fi
rm -f "${TMPDIR:-/tmp}/vs-layers.$$"
[ "$bad" = 0 ] && echo "layers: every include goes to the same layer or a lower one"
exit $bad
