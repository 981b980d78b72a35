#!/bin/sh
# Guided labs (virtsim lab). Invariants:
# - every shipped lab loads, every step's scenario runs, its computed key has
#   an answer for every checked question, the checker gives it full marks and
#   none to every answer moved off it (nothing here depends on what a shipped
#   lab asks);
# - the grading logic, on a lab written here: the key is the simulation's own
#   figure (the same number the step's JSON report holds), the checker accepts
#   it, rejects it perturbed beyond the tolerance and a wrong choice, and its
#   exit code says so (0 all right, 3 not);
# - handouts render: Markdown names every step and its charts are PNG files
#   beside it, the PDF starts with %PDF, HTML links SVG charts;
# - a bad lab is refused with FILE:LINE:COL and exit 2;
# - the TUI in lab mode (through tmux): a right and a wrong answer are told
#   apart, and after quitting, the lab resumes at the step it was left on.
. "$(dirname "$0")/lib.sh"

# ---- every shipped lab ----
run lab list
expect_status "lab list exits 0" 0
labs=$(awk '{print $2}' "$TMP/out")
if [ -n "$labs" ]; then ok "lab list names the shipped labs"; else fail "lab list names the shipped labs"; fi
run list labs
if cmp -s "$TMP/out" "$TMP/out" && [ -s "$TMP/out" ]; then ok "list labs lists them too"; else fail "list labs lists them too"; fi
for lab in $labs; do
    run lab show "$lab"
    expect_status "$lab: loads (lab show)" 0
    run lab key "$lab" --output "$TMP/$lab.key.yaml"
    expect_status "$lab: every step's scenario runs (lab key)" 0
    if grep -q "no key" "$TMP/$lab.key.yaml"; then fail "$lab: every checked question has a key" "$(grep 'no key' "$TMP/$lab.key.yaml")"
    else ok "$lab: every checked question has a key"; fi
    run lab check "$lab" --answers "$TMP/$lab.key.yaml"
    expect_status "$lab: the checker gives the computed key full marks" 0
    # Every answer of the key moved off it (a number to 3x+10, a letter to
    # the next): none may be right.
    awk '/^  "[0-9]+\.[0-9]+": / { v = $2
            if (v ~ /^[a-h]$/) { $2 = substr("bcdefghi", index("abcdefgh", v), 1) }
            else { $2 = v * 3 + 10 }
            print "  " $1 " " $2; next } { print }' "$TMP/$lab.key.yaml" >"$TMP/$lab.wrong.yaml"
    run lab check "$lab" --answers "$TMP/$lab.wrong.yaml"
    if [ "$STATUS" -eq 3 ] && grep -q '^score: 0/' "$TMP/out"; then ok "$lab: the checker rejects answers off the key"
    else fail "$lab: the checker rejects answers off the key" "status $STATUS" "$(grep -E 'right|score' "$TMP/out" | head -5)"; fi
    run lab handout "$lab" --output "$TMP/$lab.md"
    expect_status "$lab: Markdown handout" 0
    steps=$(grep -c '^Step [0-9]*:' "$TMP/out" 2>/dev/null)
    run lab show "$lab"
    missing=""
    grep '^Step [0-9]*: ' "$TMP/out" | sed 's/^Step \([0-9]*\): \(.*\)/## Step \1: \2/' >"$TMP/steps"
    while IFS= read -r line; do grep -qxF -- "$line" "$TMP/$lab.md" || missing="$missing [$line]"; done <"$TMP/steps"
    if [ -s "$TMP/steps" ] && [ -z "$missing" ]; then ok "$lab: the Markdown handout names every step"
    else fail "$lab: the Markdown handout names every step" "missing:$missing"; fi
    run lab handout "$lab" --output "$TMP/$lab.pdf"
    if [ "$STATUS" -eq 0 ] && [ "$(head -c 4 "$TMP/$lab.pdf")" = "%PDF" ]; then ok "$lab: PDF handout"
    else fail "$lab: PDF handout" "status $STATUS" "$(head -c 300 "$TMP/err")"; fi
    : "$steps"
done

# ---- the grading logic, on a lab of its own ----
cat >"$TMP/my-lab.yaml" <<'EOF'
title: A test lab
level: intermediate
duration: 30min
objectives: [Check the checker]
background: Two systems run the same CPU work.
instructor_notes: none
steps:
  - title: Native and a container
    text: The same batch under two engines.
    scenario:
      name: t
      duration: 2s
      warmup: 200ms
      seed: 3
      compare: [native, qemu]
      guests:
        - name: work
          vcpus: 1
          workload:
            name: w
            load: {kind: closed, clients: 2}
            request: {instructions: 2M, cpi: 1.0}
            memory: {footprint: 64MiB}
    questions:
      - kind: number
        prompt: Native's throughput
        unit: /s
        answer: {metric: "native.work.throughput_per_s", tolerance: 2%}
      - kind: choice
        prompt: Which is slower?
        choices:
          - {text: native, value: "native.work.throughput_per_s"}
          - {text: qemu, value: "qemu.work.throughput_per_s"}
        answer: lowest
      - kind: choice
        prompt: A fixed choice
        choices: [one, two, three]
        answer: c
      - kind: text
        prompt: Say something
  - title: A second step
    text: Again, qemu over native.
    scenario:
      name: t2
      duration: 1s
      seed: 4
      compare: [native, qemu]
      guests:
        - {name: work, vcpus: 1, workload: {name: w, load: {kind: closed, clients: 1}, request: {instructions: 1M}, memory: {footprint: 64MiB}}}
    question:
      kind: number
      prompt: qemu's CPU per request over native's
      answer: {ratio: ["qemu.work.cpu_per_req_us", "native.work.cpu_per_req_us"], tolerance: 10%}
EOF
run validate "$TMP/my-lab.yaml"
expect_status "validate accepts a lab file" 0
expect_out "validate says it is a lab" "ok (lab: 2 steps, 4 checked questions)"
run lab key "$TMP/my-lab.yaml"
expect_status "lab key on a lab file" 0
cp "$TMP/out" "$TMP/key.yaml"
key=$(sed -n 's/^  "1.1": \([0-9.]*\).*/\1/p' "$TMP/key.yaml")
run lab run "$TMP/my-lab.yaml" 1 --format json
expect_status "lab run STEP --format json" 0
json=$(grep -m1 '"throughput_per_s"' "$TMP/out" | sed 's/.*: \([0-9.]*\).*/\1/')
if [ -n "$key" ] && awk -v k="$key" -v j="$json" 'BEGIN { d = k - j; if (d < 0) d = -d; exit !(j > 0 && d <= 0.01 * j) }'; then
    ok "the numeric key is the simulation's figure ($key vs the report's $json)"
else fail "the numeric key is the simulation's figure" "key '$key', report '$json'"; fi
if grep -q '"1.2": b' "$TMP/key.yaml" && grep -q '"1.3": c' "$TMP/key.yaml"; then ok "derived and fixed choices in the key"
else fail "derived and fixed choices in the key" "$(cat "$TMP/key.yaml")"; fi
run lab check "$TMP/my-lab.yaml" --answers "$TMP/key.yaml"
expect_status "the computed key gets full marks: exit 0" 0
expect_out "score 4 of 4" "score: 4/4 checked questions right (100 %)"
bad=$(awk -v k="$key" 'BEGIN { printf "%.1f", k * 1.1 }')
sed "s/\"1.1\": [0-9.]*/\"1.1\": $bad/; s/\"1.2\": b/\"1.2\": a/" "$TMP/key.yaml" >"$TMP/wrong.yaml"
run lab check "$TMP/my-lab.yaml" --answers "$TMP/wrong.yaml"
expect_status "a wrong answer: exit 3" 3
if grep -q '^1.1 *wrong' "$TMP/out" && grep -q '^1.2 *wrong' "$TMP/out" && grep -q '^1.3 *right' "$TMP/out"; then
    ok "10 % off and the other choice are wrong, the rest right"
else fail "10 % off and the other choice are wrong, the rest right" "$(cat "$TMP/out")"; fi
expect_out "score 2 of 4" "score: 2/4"
near=$(awk -v k="$key" 'BEGIN { printf "%.4f", k * 1.015 }')
sed "s/\"1.1\": [0-9.]*/\"1.1\": $near/" "$TMP/key.yaml" >"$TMP/near.yaml"
run lab check "$TMP/my-lab.yaml" --answers "$TMP/near.yaml"
expect_status "within the tolerance (1.5 % of 2 %) is right" 0
printf 'answers:\n  "1.1": 5\n  "9.1": a\n' >"$TMP/unknown.yaml"
run lab check "$TMP/my-lab.yaml" --answers "$TMP/unknown.yaml"
expect_status "an unknown question id: exit 2" 2
expect_err "an unknown id is positioned" "unknown.yaml:3:3: answers: '9.1' is not a question"
printf 'answers:\n  "1.3": c\n' >"$TMP/partial.yaml"
run lab check "$TMP/my-lab.yaml" --answers "$TMP/partial.yaml"
expect_status "unanswered questions: exit 3" 3
if grep -q '^1.1 *missing' "$TMP/out"; then ok "an unanswered question is missing"; else fail "an unanswered question is missing" "$(cat "$TMP/out")"; fi
run lab check "$TMP/my-lab.yaml" --answers "$TMP/key.yaml" --format csv
if head -1 "$TMP/out" | grep -qx 'question,verdict,given,expected'; then ok "check --format csv"; else fail "check --format csv" "$(head -2 "$TMP/out")"; fi

# ---- handouts of the test lab ----
run lab handout "$TMP/my-lab.yaml" --output "$TMP/h/handout.md"
expect_status "a handout into a folder that does not exist fails" 1
mkdir -p "$TMP/h"
run lab handout "$TMP/my-lab.yaml" --output "$TMP/h/handout.md"
expect_status "Markdown handout of a lab file" 0
if grep -qx '## Step 1: Native and a container' "$TMP/h/handout.md" && grep -qx '## Step 2: A second step' "$TMP/h/handout.md"; then
    ok "the Markdown names every step"; else fail "the Markdown names every step"; fi
if grep -q '(handout-step1.png)' "$TMP/h/handout.md" && [ "$(od -An -c -N4 "$TMP/h/handout-step1.png" | tr -d ' ')" = "211PNG" ]; then
    ok "charts are PNG files beside the Markdown"; else fail "charts are PNG files beside the Markdown" "$(ls "$TMP/h")"; fi
if ! grep -q 'Key:' "$TMP/h/handout.md"; then ok "a student's handout has no key"; else fail "a student's handout has no key"; fi
run lab handout "$TMP/my-lab.yaml" --output "$TMP/h/key.md" --key
if grep -q "Key:\*\* $key /s" "$TMP/h/key.md" || grep -q "Key:\*\* $key" "$TMP/h/key.md"; then ok "--key writes the computed answer"
else fail "--key writes the computed answer" "$(grep Key "$TMP/h/key.md" | head -3)"; fi
run lab handout "$TMP/my-lab.yaml" --output "$TMP/h/handout.pdf"
if [ "$STATUS" -eq 0 ] && [ "$(head -c 5 "$TMP/h/handout.pdf")" = "%PDF-" ]; then ok "PDF handout"; else fail "PDF handout" "$STATUS"; fi
run lab handout "$TMP/my-lab.yaml" --output "$TMP/h/handout.html"
if [ "$STATUS" -eq 0 ] && grep -q 'src="handout-step1.svg"' "$TMP/h/handout.html" && grep -q '<svg' "$TMP/h/handout-step1.svg"; then
    ok "HTML handout with SVG charts"; else fail "HTML handout with SVG charts" "$STATUS"; fi
run lab handout "$TMP/my-lab.yaml" --output "$TMP/h/handout.txt"
expect_status "an unknown handout format: exit 2" 2

# ---- bad labs: FILE:LINE:COL, exit 2 ----
bad_lab() { # bad_lab NAME EXPECTED-MESSAGE (the YAML on stdin)
    cat >"$TMP/bad.yaml"
    run validate "$TMP/bad.yaml"
    if [ "$STATUS" -eq 2 ] && grep -qF -- "$2" "$TMP/err"; then ok "bad lab: $1"
    else fail "bad lab: $1" "status $STATUS, expected 2 and: $2" "stderr: $(head -c 400 "$TMP/err")"; fi
}
head -7 "$TMP/my-lab.yaml" | sed 's/^title: A test lab$/titel: A test lab/' | bad_lab "an unknown key" "bad.yaml:1:1: unknown key 'titel' in a lab"
sed 's/^level: intermediate$/level: hard/' "$TMP/my-lab.yaml" | bad_lab "a bad level" "bad.yaml:2:8: level:"
sed 's/native.work.throughput_per_s", tol/native.work.thruput", tol/' "$TMP/my-lab.yaml" |
    bad_lab "an unknown field" "bad.yaml:28:27: answer expression 'native.work.thruput': 'thruput' is not a field of a guest group"
sed 's/native.work.throughput_per_s", tol/kvm.work.throughput_per_s", tol/' "$TMP/my-lab.yaml" |
    bad_lab "an engine the step does not run" "bad.yaml:28:27: answer expression 'kvm.work.throughput_per_s': the step does not run engine 'kvm'"
sed 's/native.work.throughput_per_s", tol/native.db.throughput_per_s", tol/' "$TMP/my-lab.yaml" |
    bad_lab "a group the scenario does not have" "bad.yaml:28:27: answer expression 'native.db.throughput_per_s': the step's scenario has no guest group 'db'"
sed 's/answer: {metric: "native.work.throughput_per_s", tolerance: 2%}/answer: 1234/' "$TMP/my-lab.yaml" |
    bad_lab "a numeric answer typed in" "bad.yaml:28:17: steps[0].questions[0].answer: expected a mapping {metric: EXPR, tolerance: 10%} (the answer is computed"
sed 's/tolerance: 2%/tolerance: lots/' "$TMP/my-lab.yaml" | bad_lab "a bad tolerance" "bad.yaml:28:69: steps[0].questions[0].answer.tolerance: 'lots' is not allowed"
sed 's/        answer: c/        answer: e/' "$TMP/my-lab.yaml" | bad_lab "a choice that is not there" "bad.yaml:38:17: steps[0].questions[2].answer: 'e' is not allowed; expected a letter from a to c"
sed 's/      compare: \[native, qemu\]/      compare: [native, qemoo]/' "$TMP/my-lab.yaml" | bad_lab "an inline scenario's own error" "bad.yaml:15:25: compare: unknown engine 'qemoo'"
printf 'title: x\nlevel: advanced\nduration: 30min\nobjectives: [a]\nbackground: b\ninstructor_notes: c\nsteps:\n  - title: s\n    text: t\n    scenario: no-such-thing\n    question: {kind: text, prompt: p}\n' |
    bad_lab "an unknown built-in" "bad.yaml:10:15: steps[0].scenario: 'no-such-thing' is neither a built-in scenario"
printf 'title: x\nlevel: advanced\nduration: 30min\nobjectives: [a]\nbackground: b\ninstructor_notes: c\nsteps:\n  - title: s\n    text: t\n    scenario: default\n    question: {kind: number, prompt: p, answer: {metric: "native.web.p99_ms - ", tolerance: 1}}\n' |
    bad_lab "an expression that ends early" "bad.yaml:11:79: answer expression 'native.web.p99_ms - ': ends where a number or a name was expected"
printf 'title: x\nlevel: advanced\nduration: 30min\nobjectives: [a]\nbackground: b\ninstructor_notes: c\nsteps:\n  - title: s\n    text: t\n    scenario: noisy-neighbour\n    isolation: {victim: wbe}\n    question: {kind: number, prompt: p, answer: {metric: "kvm.isolation.all.p99_ratio", tolerance: 1}}\n' |
    bad_lab "an isolation victim the scenario does not have" "bad.yaml:11:25: isolation.victim: the step's scenario has no guest group 'wbe'"
printf 'title: x\nlevel: advanced\nduration: 30min\nobjectives: [a]\nbackground: b\ninstructor_notes: c\nsteps:\n  - title: s\n    text: t\n    scenario: noisy-neighbour\n    question: {kind: number, prompt: p, answer: {metric: "kvm.isolation.all.p99_ratio", tolerance: 1}}\n' |
    bad_lab "isolation figures outside an isolation step" "bad.yaml:11:59: answer expression 'kvm.isolation.all.p99_ratio': isolation figures need an isolation: step"
printf 'title: x\nlevel: advanced\nduration: 30min\nobjectives: [a]\nbackground: b\ninstructor_notes: c\nsteps:\n  - title: s\n    text: t\n    scenario: density-web\n    density: {sla: "p99<20ms", overcommit: [sharing, swap]}\n    question: {kind: number, prompt: p, answer: {metric: "kvm.density.guests", tolerance: 1}}\n' |
    bad_lab "a density overcommit mechanism that does not exist" "bad.yaml:11:54: steps[0].density.overcommit: 'swap' is not allowed; expected sharing, balloon"
run lab show no-such-lab
expect_status "an unknown lab: exit 2" 2
expect_err "an unknown lab names the built-in ones" "no built-in lab of that number or name"

# ---- help topics, the manual page, make install ----
run help topics
expect_status "help topics" 0
for topic in emulation paravirt hvm oslevel pv-on-hvm exits shadow ept density overcommit isolation migration checkpoint; do
    run help "$topic"
    if [ "$STATUS" -eq 0 ] && grep -q 'Lab [0-9]' "$TMP/out"; then ok "help $topic points at a lab"
    else fail "help $topic points at a lab" "status $STATUS" "$(head -3 "$TMP/out")"; fi
done
run help no-such-topic
expect_status "help: an unknown topic exits 2" 2
ROOT=$(cd "$HERE/../.." && pwd)
if command -v make >/dev/null 2>&1 && [ -f "$ROOT/Makefile" ]; then
    make -s -C "$ROOT" install BUILD="$(dirname "$VIRTSIM")" DESTDIR="$TMP/stage" PREFIX=/opt/vs >"$TMP/out" 2>&1
    if [ -x "$TMP/stage/opt/vs/bin/virtsim" ] && grep -q '^.TH VIRTSIM 1' "$TMP/stage/opt/vs/share/man/man1/virtsim.1"; then
        ok "make install puts the binary and virtsim.1 under DESTDIR/PREFIX"
    else fail "make install puts the binary and virtsim.1 under DESTDIR/PREFIX" "$(cat "$TMP/out")"; fi
fi

# ---- the TUI in lab mode ----
if ! command -v tmux >/dev/null 2>&1; then
    fail "tmux is installed (make deps installs it)"
    exit 0
fi
SOCK="virtsim-lab-test-$$"
T() { tmux -L "$SOCK" "$@"; }
trap 'tmux -L "$SOCK" kill-server 2>/dev/null; rm -rf "$TMP"' EXIT
S=lab1
screen() { T capture-pane -t "$S" -p 2>/dev/null; }
wait_for() {
    i=0
    while [ $i -lt $((${2:-10} * 10)) ]; do
        screen | grep -qF -- "$1" && return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}
check() { if wait_for "$2" "${3:-10}"; then ok "$1"; else fail "$1" "pane lacks: $2" "$(screen | tail -15)"; fi; }
mkdir -p "$TMP/xdg"
start() {
    S=$1
    T new-session -d -s "$S" -x 160 -y 45 \
        "env XDG_DATA_HOME=$TMP/xdg LANG=C.UTF-8 TERM=xterm-256color $VIRTSIM lab start $TMP/my-lab.yaml; echo EXIT=\$?; sleep 60"
}
start lab1
check "lab mode starts at step 1" "Step 1 of 2: Native and a container"
check "the simulation runs beside it" "native"
T send-keys -t "$S" i
T send-keys -t "$S" -l "$key"
T send-keys -t "$S" Enter
check "the computed answer is right" "RIGHT" 20
T send-keys -t "$S" i
T send-keys -t "$S" -l "a"
T send-keys -t "$S" Enter
check "the other choice is wrong" "WRONG" 20
T send-keys -t "$S" .
T send-keys -t "$S" i
T send-keys -t "$S" -l "c"
T send-keys -t "$S" Enter
check "the next question answered right" "1.1+ 1.2x 1.3+" 20
T send-keys -t "$S" ,
T send-keys -t "$S" i
T send-keys -t "$S" -l "a"
T send-keys -t "$S" Enter
check "a new answer replaces the old one (a, not ca: wrong, not unreadable)" "1.1+ 1.2x 1.3x" 20
T send-keys -t "$S" n
check "n goes to step 2" "Step 2 of 2: A second step"
T send-keys -t "$S" q
check "q quits with status 0" "EXIT=0"
prog="$TMP/xdg/virtsim/labs/my-lab.progress"
if [ -f "$prog" ] && grep -qx 'step 2' "$prog" && grep -q '^answer 1.1 right' "$prog" && grep -q '^answer 1.2 wrong a' "$prog" && grep -q '^answer 1.3 wrong a$' "$prog"; then
    ok "progress is kept under XDG_DATA_HOME (step and verdicts)"
else fail "progress is kept under XDG_DATA_HOME" "$(cat "$prog" 2>&1)"; fi
start lab2
T kill-session -t lab1
check "a restart resumes at the step left" "Step 2 of 2: A second step"
T send-keys -t "$S" b
check "b goes back to step 1, its answers kept" "1.1+ 1.2x 1.3x"
T send-keys -t "$S" q
check "q quits again" "EXIT=0"
