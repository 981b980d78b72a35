#!/bin/sh
# The command table (sim/cli/): every command's help comes from its entry
# and works both ways (CMD --help, help CMD); every command refuses an
# unknown option with exit 2 and a message naming it and what is allowed;
# options may come before or after arguments, as --opt VALUE or --opt=VALUE,
# and "--" ends them; the shared flags behave the same in every command.
. "$(dirname "$0")/lib.sh"
D="$HERE/data"
CMDS="run compare tui density merge chart list show validate help"

run --help
for c in $CMDS; do expect_out "virtsim --help lists $c" "  $c "; done

for c in $CMDS; do
    run "$c" --help
    expect_status "$c --help exits 0" 0
    expect_out "$c --help starts with its usage" "usage: virtsim $c"
    expect_out "$c --help lists --help" "-h, --help"
    cp "$TMP/out" "$TMP/help-long"
    run "$c" -h
    if cmp -s "$TMP/out" "$TMP/help-long"; then ok "$c -h equals $c --help"; else fail "$c -h equals $c --help"; fi
    run help "$c"
    expect_status "help $c exits 0" 0
    if cmp -s "$TMP/out" "$TMP/help-long"; then ok "help $c equals $c --help"; else fail "help $c equals $c --help"; fi

    run "$c" --no-such-flag
    expect_status "$c with an unknown option exits 2" 2
    expect_err "$c names the unknown option" "virtsim $c: unknown option '--no-such-flag'"
    expect_err "$c says what it takes" "--help"
    if [ -s "$TMP/out" ]; then fail "$c prints nothing on stdout for an unknown option"; else ok "$c prints nothing on stdout for an unknown option"; fi
done

# The options each command's help lists are the ones it accepts.
run density --help
for o in --sla --approaches --max --host --vcpus --duration --threads --format --output; do
    expect_out "density --help lists $o" "$o"
done
run density cpu-bound --colour
expect_err "density's unknown-option message lists its options" "--sla, --approaches, --max"

run help no-such-command
expect_status "help of an unknown command exits 2" 2
expect_err "help names the unknown command" "no command 'no-such-command'"

# Option forms and positions.
run run "$D/sweep.yaml" --seed=9 --emit-jobs
expect_status "--opt=value after the argument" 0
expect_out "--seed=9 is taken" "--seed 9 "
cp "$TMP/out" "$TMP/jobs-a"
run run --emit-jobs --seed 9 "$D/sweep.yaml"
if cmp -s "$TMP/out" "$TMP/jobs-a"; then ok "options before the argument work the same"; else fail "options before the argument work the same"; fi
POSIXLY_CORRECT=1 "$VIRTSIM" run "$D/sweep.yaml" --seed 9 --emit-jobs >"$TMP/out" 2>"$TMP/err"
if cmp -s "$TMP/out" "$TMP/jobs-a"; then ok "options after arguments work under POSIXLY_CORRECT"; else fail "options after arguments work under POSIXLY_CORRECT" "$(cat "$TMP/err")"; fi
run validate -- "$D/small.yaml"
expect_status "-- ends the options" 0
expect_out "the argument after -- is read" "ok (scenario)"
run run "$D/sweep.yaml" --emit-jobs=yes
expect_status "a value for an option that takes none exits 2" 2
expect_err "it says the option takes no value" "--emit-jobs takes no value"
run run "$D/sweep.yaml" --seed
expect_status "an option without its value exits 2" 2
expect_err "it says the value is missing" "--seed needs a value"
run run "$D/sweep.yaml" --s 4
expect_status "an ambiguous abbreviation exits 2" 2
expect_err "it names the candidates" "could be --seed or --sweep-point"
run run "$D/sweep.yaml" --emit --sweep 1
expect_status "an unambiguous abbreviation is taken" 0
run run "$D/small.yaml" "$D/small.yaml"
expect_status "one argument too many exits 2" 2
expect_err "the extra argument is named" "one argument too many"

# The shared flags: one parser, one message, in every command.
for c in run compare density; do
    run "$c" cpu-bound --format xml
    expect_status "$c --format xml exits 2" 2
    expect_err "$c --format says what is allowed" "virtsim $c: --format must be table, csv or json, not 'xml'"
    run "$c" cpu-bound --output ""
    expect_status "$c with an empty --output exits 2" 2
    expect_err "$c --output needs a file name" "--output needs a file name"
done
for c in run compare tui; do
    run "$c" default --seed -3
    expect_status "$c --seed -3 exits 2" 2
    expect_err "$c --seed says what is allowed" "virtsim $c: --seed needs a whole number >= 0, not '-3'"
done
for c in compare density; do
    run "$c" cpu-bound --host ""
    expect_status "$c with an empty --host exits 2" 2
    run "$c" cpu-bound -a ""
    expect_status "$c with an empty -a exits 2" 2
    expect_err "$c -a is --approaches" "--approaches needs a list"
done
run merge --output
expect_status "merge --output without a file exits 2" 2
