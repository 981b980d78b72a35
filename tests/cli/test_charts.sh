#!/bin/sh
# `virtsim chart` as a lecturer uses it (issue 14, Charts). Invariants:
#  - a workload (built-in or a YAML file) charts the one-workload comparison
#    scenario `virtsim compare` runs: native first, then the presets; an
#    unknown name is still refused with the built-in scenarios listed;
#  - an SVG keeps its words as <text> (the title, the legend) with no glyph
#    outlines, and says its size in px; a PDF page is 13.33 x 7.5 in;
#  - the breakdown is per request by default (us), or cycles, or share;
#    a --metric of another kind, or --log on bars, is refused;
#  - density without --sla says "no SLA: guests that start"; with it, the
#    SLA is in the title and each bar's count is written on the chart;
#  - --log y turns the y axis logarithmic (ticks at decades);
#  - tradeoff (issue 17): each approach's point labelled with its density and
#    its CPU per op over native's, from `chart` or `density --chart`; a
#    density JSON without the cost is refused for it, naming the key.
. "$(dirname "$0")/lib.sh"

cat >"$TMP/small.yaml" <<'YAML'
name: small
host: {profile: current, cpu: {cores: 2}}
duration: 1s
warmup: 200ms
compare: [native, kvm]
guests:
  - {name: web, workload: web-server, load: {rate: 200/s}}
YAML

run chart cpu-bound --kind breakdown --output "$TMP/wl.svg"
expect_status "chart WORKLOAD exits 0" 0
if sed -n 2p "$TMP/wl.csv" | grep -q '^native,' && grep -q '^qemu,' "$TMP/wl.csv" && grep -q '^kvm,' "$TMP/wl.csv"; then
    ok "chart WORKLOAD compares native and the presets"
else fail "chart WORKLOAD compares native and the presets" "$(head -4 "$TMP/wl.csv")"; fi
grep -q '<text[^>]*>Host CPU per request, by where it went: compare-cpu-bound</text>' "$TMP/wl.svg" &&
    ok "the workload's chart is titled by the comparison scenario" || fail "the workload's chart is titled by the comparison scenario"
"$VIRTSIM" show workload cpu-bound >"$TMP/wl.yaml" 2>/dev/null
if [ -s "$TMP/wl.yaml" ]; then
    run chart "$TMP/wl.yaml" --kind breakdown --output "$TMP/wlf.svg"
    expect_status "chart WORKLOAD.yaml exits 0" 0
    cmp -s "$TMP/wl.csv" "$TMP/wlf.csv" && ok "a workload file charts as the built-in one does" ||
        fail "a workload file charts as the built-in one does" "$(head -3 "$TMP/wlf.csv")"
fi
run chart no-such-thing --kind relative --output "$TMP/x.svg"
expect_status "an unknown scenario or workload exits 2" 2
expect_err "the message lists the built-in scenarios" "no built-in scenario"

# Text as text, sizes for slides.
run chart "$TMP/small.yaml" --kind relative --reps 1 --output "$TMP/rel.svg"
expect_status "chart relative exits 0" 0
grep -q '<text[^>]*>Against native: small</text>' "$TMP/rel.svg" && grep -q '<text[^>]*>kvm</text>' "$TMP/rel.svg" &&
    ok "the SVG's title and legend are <text>" || fail "the SVG's title and legend are <text>"
grep -q 'glyph' "$TMP/rel.svg" && fail "the SVG has no glyph outlines" || ok "the SVG has no glyph outlines"
grep -q 'width="1280px" height="720px"' "$TMP/rel.svg" && ok "the SVG says its size in px" || fail "the SVG says its size in px"
run chart "$TMP/small.yaml" --kind relative --reps 1 --output "$TMP/rel.pdf"
grep -aq '/MediaBox \[ 0 0 960 540 \]' "$TMP/rel.pdf" && ok "the PDF page is a 16:9 slide (13.33 x 7.5 in)" ||
    fail "the PDF page is a 16:9 slide (13.33 x 7.5 in)"

# Breakdown metrics.
run chart "$TMP/small.yaml" --kind breakdown --output "$TMP/bd.svg"
expect_status "chart breakdown exits 0" 0
grep -q '(µs)' "$TMP/bd.svg" && ok "the breakdown is per request in microseconds by default" || fail "the breakdown is per request in microseconds by default"
run chart "$TMP/small.yaml" --kind breakdown --metric cycles --output "$TMP/bc.svg"
expect_status "chart breakdown --metric cycles exits 0" 0
us=$(sed -n 2p "$TMP/bd.csv" | cut -d, -f3) cy=$(sed -n 2p "$TMP/bc.csv" | cut -d, -f3)
awk -v u="$us" -v c="$cy" 'BEGIN { exit !(u > 0 && c / u > 100 && c / u < 100000) }' &&
    ok "cycles per request are microseconds times the clock" || fail "cycles per request are microseconds times the clock" "$us us, $cy cycles"
run chart "$TMP/small.yaml" --kind breakdown --metric share --output "$TMP/bs.svg"
expect_status "chart breakdown --metric share exits 0" 0
awk -F, 'NR > 1 { s = 0; for (i = 2; i <= NF; i++) s += $i; if (s < 99.999 || s > 100.001) bad = 1 } END { exit bad }' "$TMP/bs.csv" &&
    ok "the share view sums to 100 %" || fail "the share view sums to 100 %" "$(cat "$TMP/bs.csv")"
run chart "$TMP/small.yaml" --kind breakdown --metric p99 --output "$TMP/x.svg"
expect_status "a sweep metric on a breakdown exits 2" 2
run chart "$TMP/small.yaml" --kind relative --log y --output "$TMP/x.svg"
expect_status "--log on a bar chart exits 2" 2
run chart "$TMP/small.yaml" --kind timeline --log z --output "$TMP/x.svg"
expect_status "--log z exits 2" 2

# Density: the SLA said, or that there is none; the counts written on the bars.
run chart "$TMP/small.yaml" --kind density --max 4 --output "$TMP/dn.svg"
expect_status "chart density without --sla exits 0" 0
grep -q 'no SLA: guests that start' "$TMP/dn.svg" && ok "without --sla the title says no SLA: guests that start" ||
    fail "without --sla the title says no SLA: guests that start"
run chart "$TMP/small.yaml" --kind density --max 4 --sla "p99<50ms" --output "$TMP/ds.svg"
grep -q '<text[^>]*>Guests per host with p99&lt;50ms' "$TMP/ds.svg" && ok "the density title states the SLA" || fail "the density title states the SLA"
n=$(sed -n 2p "$TMP/ds.csv" | cut -d, -f2)
grep -q "<text[^>]*>$n\\( (\\|<\\)" "$TMP/ds.svg" && ok "each density bar's count is written on the chart" ||
    fail "each density bar's count is written on the chart" "native: $n"

# Tradeoff: guests against CPU per op, one labelled point per approach.
run chart "$TMP/small.yaml" --kind tradeoff --max 4 --sla "p99<50ms" --output "$TMP/to.svg"
expect_status "chart tradeoff exits 0" 0
d=$(grep '^kvm,' "$TMP/to.csv" | cut -d, -f3)
x=$(grep '^kvm,' "$TMP/to.csv" | cut -d, -f2)
if grep -q "<text[^>]*>kvm: \\(&gt;=\\)\\?$d guests (" "$TMP/to.svg" && grep -q '^native,1,' "$TMP/to.csv" && awk "BEGIN{exit !($x > 1)}"; then
    ok "tradeoff: kvm's point says its guests; native is at 1x, kvm beyond ($x)"
else fail "tradeoff: kvm's point says its guests; native is at 1x, kvm beyond" "$(cat "$TMP/to.csv")"; fi
run density "$TMP/small.yaml" --max 4 --sla "p99<50ms" --chart "$TMP/dt.png" --kind tradeoff
expect_status "density --chart --kind tradeoff exits 0" 0
expect_out "density --chart still writes the report" "mem/guest"
expect_err "density --chart says where the chart went" "wrote $TMP/dt.png and $TMP/dt.csv"
if cmp -s "$TMP/dt.csv" "$TMP/to.csv"; then ok "density --chart and chart --kind tradeoff plot the same numbers"
else fail "density --chart and chart --kind tradeoff plot the same numbers" "$(cat "$TMP/dt.csv")"; fi
run density "$TMP/small.yaml" --max 4 --sla "p99<50ms" --overcommit sharing --chart "$TMP/do.svg" --kind tradeoff
expect_status "density --overcommit --chart --kind tradeoff exits 0" 0
grep -q '<text[^>]*>Overhead against density: [^<]*SLA p99&lt;50ms, overcommit sharing<' "$TMP/do.svg" &&
    ok "with --overcommit the chart's title says so (its counts are not the counts without)" ||
    fail "with --overcommit the chart's title says so" "$(grep -o '<text[^>]*>Overhead[^<]*' "$TMP/do.svg")"
run density "$TMP/small.yaml" --max 4 --chart "$TMP/dt.txt"
expect_status "density --chart FILE.txt exits 2" 2
run density "$TMP/small.yaml" --max 4 --chart "$TMP/dt.svg" --kind hosts
expect_status "density --kind hosts exits 2" 2
run density "$TMP/small.yaml" --max 4 --format json --output "$TMP/d.json"
run chart "$TMP/d.json" --kind tradeoff --output "$TMP/tj.svg"
expect_status "chart tradeoff from a density JSON without the cost exits 2" 2
expect_err "... and names the missing key" "no cpu_per_op_ns"

# Timeline: a panel per engine, and --log.
run chart "$TMP/small.yaml" --kind timeline --log y --output "$TMP/tl.svg"
expect_status "chart timeline --log y exits 0" 0
grep -q '<text[^>]*>native (its run' "$TMP/tl.svg" && grep -q '<text[^>]*>kvm (its run' "$TMP/tl.svg" &&
    ok "the timeline has a panel per engine" || fail "the timeline has a panel per engine"
grep -q '<text[^>]*>10</text>' "$TMP/tl.svg" && grep -q '<text[^>]*>100</text>' "$TMP/tl.svg" &&
    ok "a log axis has its ticks at decades" || fail "a log axis has its ticks at decades"
