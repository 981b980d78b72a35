#!/bin/sh
# Limits that hold on any input: a file over 8 MiB is refused before it is
# read whole (one byte over is enough), a file of exactly 8 MiB is read, and
# a report that could not be written to standard output fails the command.
. "$(dirname "$0")/lib.sh"

head -c 8388609 /dev/zero | tr '\0' '#' >"$TMP/over.yaml"
run validate "$TMP/over.yaml"
expect_status "a file one byte over 8 MiB exits 2" 2
expect_err "it is refused for its size" "the file is larger than 8 MiB"

head -c 8388608 /dev/zero | tr '\0' ' ' >"$TMP/edge.yaml"
run validate "$TMP/edge.yaml"
expect_status "a file of exactly 8 MiB is read (then refused as empty)" 2
expect_err "it is read and judged on its content" "the file is empty"

if [ -w /dev/full ]; then
    "$VIRTSIM" list workloads >/dev/full 2>"$TMP/err"
    STATUS=$?
    expect_status "a report to a full device exits 1" 1
    expect_err "and says writing failed" "writing to standard output failed"
else
    ok "a report to a full device exits 1 (no /dev/full here: skipped)"
fi
