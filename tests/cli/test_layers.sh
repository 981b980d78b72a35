#!/bin/sh
# The layer rule (tests/layers/check.sh): this checkout keeps it, and the
# checker does catch an include that goes up a layer.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$HERE/../.." && pwd)
CHECK="$ROOT/tests/layers/check.sh"

if sh "$CHECK" "$ROOT" >"$TMP/out" 2>&1; then ok "every include goes to the same layer or a lower one"; else
    fail "every include goes to the same layer or a lower one" "$(head -c 600 "$TMP/out")"
fi

# A small tree with one violation (host including run) and one legal include.
mkdir -p "$TMP/t/include/virtsim/run" "$TMP/t/include/virtsim/core" "$TMP/t/sim/host" "$TMP/t/sim/run"
printf '#include "virtsim/core/event.h"\n' >"$TMP/t/include/virtsim/run/sim.h"
: >"$TMP/t/include/virtsim/core/event.h"
printf '/* fine */\n#include "virtsim/core/event.h"\n' >"$TMP/t/sim/run/sim.c"
printf '/* up a layer */\n#include "virtsim/core/event.h"\n#include "virtsim/run/sim.h"\n' >"$TMP/t/sim/host/cpu.c"
mkdir -p "$TMP/t/approaches" "$TMP/t/tui"
sh "$CHECK" "$TMP/t" >"$TMP/out" 2>&1
STATUS=$?
expect_status "a host file including a run header fails the check" 1
expect_out "the violation is named with its file and line" "sim/host/cpu.c:3: layer 'host' includes virtsim/run/sim.h"
expect_no_out "the legal include is not reported" "sim/run/sim.c"
