# Helpers for command-line tests: each check prints "ok - NAME" or
# "not ok - NAME" with what was seen; tests/run.sh counts them.
# VIRTSIM is the binary under test; TMP a scratch folder removed at exit.
: "${VIRTSIM:?VIRTSIM must name the virtsim binary}"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
HERE=$(cd "$(dirname "$0")" && pwd)

ok() { echo "ok - $1"; }
fail() { echo "not ok - $1"; shift; for l in "$@"; do echo "#   $l"; done; }

# run ARGS...: runs virtsim, capturing stdout, stderr and the exit code.
run() {
    "$VIRTSIM" "$@" >"$TMP/out" 2>"$TMP/err"
    STATUS=$?
}

# expect_status NAME CODE
expect_status() {
    if [ "$STATUS" -eq "$2" ]; then ok "$1"; else
        fail "$1" "exit status $STATUS, expected $2" "stderr: $(head -c 400 "$TMP/err")"
    fi
}

# expect_out NAME TEXT / expect_err NAME TEXT: fixed-string match.
expect_out() {
    if grep -qF -- "$2" "$TMP/out"; then ok "$1"; else
        fail "$1" "stdout lacks: $2" "stdout: $(head -c 400 "$TMP/out")"
    fi
}
expect_err() {
    if grep -qF -- "$2" "$TMP/err"; then ok "$1"; else
        fail "$1" "stderr lacks: $2" "stderr: $(head -c 400 "$TMP/err")"
    fi
}
expect_no_out() {
    if grep -qF -- "$2" "$TMP/out"; then
        fail "$1" "stdout has: $2"
    else ok "$1"; fi
}
