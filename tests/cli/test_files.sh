#!/bin/sh
# Output files and the files merge reads (issue 15, items 6 to 8):
# - --output follows a symbolic link (the link stays, its file is replaced),
#   writes a FIFO or a device in place (it stays what it was), refuses a
#   read-only file and any file the command reads as input, and leaves no
#   temporary file behind;
# - a chart and its CSV are replaced together or not at all, and replacing
#   the CSV is said;
# - merge refuses, with FILE:LINE:COL and exit 2, a NUL byte, the same file
#   twice, point numbers out of range, a directory, an empty file, a point in
#   two files and a short row; it accepts CR LF line ends.
. "$(dirname "$0")/lib.sh"
D="$HERE/data"
W="$TMP/w"
mkdir "$W"
cp "$D/small.yaml" "$W/s.yaml"

# no_temporaries NAME: nothing named *.XXXXXX was left in $W.
no_temporaries() {
    left=$(find "$W" -name '*.??????' | grep -E '\.[A-Za-z0-9]{6}$')
    if [ -z "$left" ]; then ok "$1"; else fail "$1" "left: $left"; fi
}

# ---- item 6: what --output writes to ----
run run "$W/s.yaml" --output "$W/s.yaml"
expect_status "run s.yaml --output s.yaml exits 2" 2
expect_err "it says the output is an input" "is a file this command reads as input"
if cmp -s "$W/s.yaml" "$D/small.yaml"; then ok "the scenario is untouched"; else fail "the scenario is untouched"; fi

ln -s s.yaml "$W/alias.yaml"
run run "$W/alias.yaml" --output "$W/s.yaml"
expect_status "an output that is the input reached through a link exits 2" 2
run run "$W/s.yaml" --output "$W/alias.yaml"
expect_status "an output that is a link to the input exits 2" 2
if cmp -s "$W/s.yaml" "$D/small.yaml" && [ -L "$W/alias.yaml" ]; then ok "input and link untouched"; else fail "input and link untouched"; fi

echo old >"$W/real.csv"
ln -s real.csv "$W/link.csv"
run run "$W/s.yaml" --format csv --output "$W/link.csv"
expect_status "writing through a symbolic link exits 0" 0
if [ -L "$W/link.csv" ] && grep -q '^scenario,' "$W/real.csv"; then ok "the link stays and its file gets the report"; else fail "the link stays and its file gets the report" "$(ls -l "$W")"; fi
ln -s sub/new.csv "$W/dangling.csv"
mkdir "$W/sub"
run run "$W/s.yaml" --format csv --output "$W/dangling.csv"
if [ "$STATUS" -eq 0 ] && [ -L "$W/dangling.csv" ] && [ -s "$W/sub/new.csv" ]; then ok "a dangling link gets its file created"; else fail "a dangling link gets its file created" "status $STATUS"; fi

echo keep >"$W/ro.csv"
chmod 444 "$W/ro.csv"
run run "$W/s.yaml" --output "$W/ro.csv"
expect_status "a read-only output file exits 2" 2
expect_err "it says the file is read-only" "read-only"
if [ "$(cat "$W/ro.csv")" = keep ]; then ok "the read-only file is untouched"; else fail "the read-only file is untouched"; fi

mkfifo "$W/fifo"
timeout 20 cat "$W/fifo" >"$TMP/from-fifo" &
reader=$!
run run "$W/s.yaml" --format csv --output "$W/fifo"
wait "$reader"
expect_status "writing to a FIFO exits 0" 0
if [ -p "$W/fifo" ] && grep -q '^scenario,' "$TMP/from-fifo"; then ok "the FIFO stays a FIFO and carries the report"; else fail "the FIFO stays a FIFO and carries the report"; fi

run run "$W/s.yaml" --output /dev/null
expect_status "writing to /dev/null exits 0" 0
if [ -c /dev/null ]; then ok "/dev/null stays a device"; else fail "/dev/null stays a device"; fi
if [ -c /dev/full ]; then
    run run "$W/s.yaml" --output /dev/full
    expect_status "writing to /dev/full exits 1" 1
    expect_err "it says the device is full" "No space left on device"
    if [ -c /dev/full ]; then ok "/dev/full stays a device"; else fail "/dev/full stays a device"; fi
else
    ok "/dev/full (none here: skipped)"
fi
run run "$W/s.yaml" --output "$W/sub"
expect_status "an output that is a directory exits 2" 2
no_temporaries "no temporary file is left by --output"

# ---- item 7: a chart and its CSV, together ----
cp "$D/small.yaml" "$W/c.yaml"
echo "old svg" >"$W/r.svg"
mkdir "$W/r.csv"
run chart "$W/c.yaml" --kind breakdown --output "$W/r.svg"
expect_status "a chart whose CSV cannot be written fails" 2
if [ "$(cat "$W/r.svg")" = "old svg" ]; then ok "and the old chart is still there"; else fail "and the old chart is still there"; fi
rmdir "$W/r.csv"
echo "old csv" >"$W/r.csv"
chmod 444 "$W/r.csv"
run chart "$W/c.yaml" --kind breakdown --output "$W/r.svg"
expect_status "a chart whose CSV is read-only exits 2" 2
if [ "$(cat "$W/r.svg")" = "old svg" ] && [ "$(cat "$W/r.csv")" = "old csv" ]; then ok "both old files are kept"; else fail "both old files are kept"; fi
chmod 644 "$W/r.csv"
run chart "$W/c.yaml" --kind breakdown --output "$W/r.svg"
expect_status "then the chart is written" 0
expect_out "replacing the CSV is said" "(replacing the old one)"
if grep -q '<svg' "$W/r.svg" && ! grep -q "old csv" "$W/r.csv"; then ok "both files are new"; else fail "both files are new"; fi
no_temporaries "no temporary file is left by chart"

# ---- item 8: merge reads strictly ----
"$VIRTSIM" run "$D/sweep.yaml" --sweep-point 0 --format csv --output "$W/p0.csv"
"$VIRTSIM" run "$D/sweep.yaml" --sweep-point 1 --format csv --output "$W/p1.csv"
run merge "$W/p0.csv" "$W/p1.csv"
expect_status "two points merge" 0
cp "$TMP/out" "$TMP/merged-lf.csv"

sed 's/$/\r/' "$W/p1.csv" >"$W/p1-crlf.csv"
run merge "$W/p0.csv" "$W/p1-crlf.csv"
expect_status "a CR LF file merges" 0
if cmp -s "$TMP/out" "$TMP/merged-lf.csv"; then ok "and gives the same merge as LF"; else fail "and gives the same merge as LF"; fi

run merge "$W/p0.csv" "$W/p0.csv"
expect_status "the same file twice exits 2" 2
expect_err "it says the file was given twice" "given twice"
ln "$W/p0.csv" "$W/p0-again.csv"
run merge "$W/p0.csv" "$W/p0-again.csv"
expect_status "the same file under two names exits 2" 2
cp "$W/p0.csv" "$W/p0-copy.csv"
run merge "$W/p0.csv" "$W/p0-copy.csv"
expect_status "a copy of a point's file exits 2" 2
expect_err "it says the point is in both" "sweep point 0 is also in"

printf 'x' | head -c 0 >"$W/empty.csv"
run merge "$W/empty.csv"
expect_status "an empty file exits 2" 2
expect_err "it is placed and said" "empty.csv:1:1: the file is empty"
run merge "$W/sub"
expect_status "a directory exits 2" 2
expect_err "it says it is a directory" "is a directory"

head -1 "$W/p1.csv" >"$W/neg.csv"
sed -n '2p' "$W/p1.csv" | sed 's/^1,/-1,/' >>"$W/neg.csv"
run merge "$W/neg.csv"
expect_status "point -1 exits 2" 2
expect_err "it is placed with what is allowed" "neg.csv:2:1: sweep_point '-1' is not a point number; expected a whole number from 0 to"
head -1 "$W/p1.csv" >"$W/big.csv"
sed -n '2p' "$W/p1.csv" | sed 's/^1,/100000000000000000000000,/' >>"$W/big.csv"
run merge "$W/big.csv"
expect_status "point 10^23 exits 2" 2
expect_err "it is placed" "big.csv:2:1: sweep_point"

{ head -1 "$W/p1.csv"; sed -n '2p' "$W/p1.csv" | sed 's/,native,/,nat\x00ive,/'; } >"$W/nul.csv"
run merge "$W/nul.csv"
expect_status "a NUL byte in a row exits 2" 2
expect_err "it is placed and said" "nul.csv:2:"
expect_err "it names the NUL byte" "a NUL byte"

{ head -1 "$W/p1.csv"; sed -n '2p' "$W/p1.csv" | sed 's/,[^,]*$//'; } >"$W/short.csv"
run merge "$W/short.csv"
expect_status "a row with a field missing exits 2" 2
expect_err "it is placed and counted" "short.csv:2:1: this row has"

run merge "$W/p0.csv" --output "$W/p0.csv"
expect_status "merge --output onto one of its inputs exits 2" 2
expect_err "it says the output is an input" "reads as input"
no_temporaries "no temporary file is left by merge"
