#!/bin/sh
# Limits that hold on any input: a file over 8 MiB is refused before it is
# read whole (one byte over is enough), a file of exactly 8 MiB is read, and
# a report that could not be written to standard output fails the command;
# every input (YAML, results JSON) is read within 8 times its size and a
# base of memory, refused past a limit at the first value past it.
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

# ---- memory stays a small multiple of the file (issue 15, item 4) ----
# Each input is read under a virtual-memory limit of 8 times its size and a
# base (the binary, its libraries): it is refused with a positioned message,
# not an out-of-memory failure. libyaml's document loader took 100 bytes and
# more per value (an 8 MB flow sequence: 1 GB). A sanitizer build reserves
# terabytes of address space, so where a small file cannot be read under the
# base the checks are skipped.
BASE_KB=65536
printf 'name: x\nguests:\n  - {name: w, workload: web-server}\n' >"$TMP/tiny.yaml"
if (ulimit -v $BASE_KB && "$VIRTSIM" validate "$TMP/tiny.yaml" >/dev/null 2>&1); then
    # under_limit NAME FILE ARGS...: runs virtsim ARGS under the limit for FILE.
    under_limit() {
        size_kb=$(($(wc -c <"$2") / 1024))
        name=$1 file=$2
        shift 2
        (ulimit -v $((size_kb * 8 + BASE_KB)) && "$VIRTSIM" "$@" >"$TMP/out" 2>"$TMP/err")
        STATUS=$?
    }
    { printf 'guests: ['; yes '1,' | head -n 4000000 | tr -d '\n'; printf '1]\n'; } >"$TMP/flow.yaml"
    under_limit flow "$TMP/flow.yaml" validate "$TMP/flow.yaml"
    expect_status "an 8 MB flow sequence is refused within 8x its size" 2
    expect_err "at the first item past the limit" "flow.yaml:1:131082: more than 65536 items in one sequence"

    yes 'a: 1' | head -n 1260000 >"$TMP/dup.yaml"
    under_limit dup "$TMP/dup.yaml" validate "$TMP/dup.yaml"
    expect_status "6.3 MB of repeated keys are refused within 8x their size" 2
    expect_err "at the first repeat" "dup.yaml:2:1: duplicate key 'a' (first given at line 1)"

    # Dense: 3900 sequences of 1000 numbers, each collection within the
    # item limit, the whole beyond the memory budget.
    row="[$(yes 1 | head -n 1000 | paste -sd, -)]"
    { printf 'x: ['; yes "$row," | head -n 3899 | tr -d '\n'; printf '%s]\n' "$row"; } >"$TMP/dense.yaml"
    under_limit dense "$TMP/dense.yaml" validate "$TMP/dense.yaml"
    expect_status "7.8 MB of small sequences are refused within 8x their size" 2
    expect_err "as too dense, with the budget" "the file holds too many values: reading it would take more than"

    { printf '{"scenario":"x","runs":['; yes '{"engine":"a","groups":[]},' | head -n 199999 | tr -d '\n'
      printf '{"engine":"a","groups":[]}]}'; } >"$TMP/big.json"
    under_limit json "$TMP/big.json" chart "$TMP/big.json" --kind relative -o "$TMP/big.svg"
    expect_status "a 5.4 MB results JSON is refused within 8x its size" 2
    expect_err "at the first run past the limit" "big.json:1:1769497: more than 65536 items in one sequence"

    { printf '{"runs":['; head -c 8388600 /dev/zero | tr '\0' ' '; printf ']}'; } >"$TMP/over.json"
    run chart "$TMP/over.json" --kind relative -o "$TMP/over.svg"
    expect_status "a results JSON over 8 MiB exits 2" 2
    expect_err "it is refused for its size, as YAML" "the file is larger than 8 MiB; that is not a virtsim results JSON file"
else
    ok "inputs are read within 8x their size (address space reserved, e.g. a sanitizer build: skipped)"
fi
