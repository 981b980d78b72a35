/* Charts for lecture notes: one drawing routine (cairo) renders SVG, PDF or
 * PNG, chosen by the output file's extension, and the numbers behind every
 * chart are written beside it as CSV. The chart is described by plain data
 * (struct vs_chart), built from results by the chart kinds in chart.c. */
#ifndef VIRTSIM_CHART_H
#define VIRTSIM_CHART_H

#include <stdbool.h>
#include <stdio.h>
#include "virtsim/core/error.h"
#include "virtsim/out/output.h"
#include "virtsim/out/palette.h"
#include "virtsim/out/results.h"
#include "virtsim/spec/scenario.h"

#define VS_CHART_MAX_SERIES 24
#define VS_CHART_MAX_POINTS 256
#define VS_CHART_MAX_MARKS 32

enum vs_chart_style {
    VS_CHART_GROUPED_BARS, /* categories on x, one bar per series in each */
    VS_CHART_STACKED_BARS, /* categories on x, series stacked */
    VS_CHART_LINES         /* numeric x, one line (with markers) per series */
};

struct vs_chart_series {
    char name[64];
    double y[VS_CHART_MAX_POINTS];
    uint32_t n;          /* lines: points this series has (0: all n_points) */
    double x[VS_CHART_MAX_POINTS]; /* lines with own_x: this series' x values */
    /* Grouped bars with has_interval: each bar's 95 % interval, drawn as a
     * whisker (NaN: none). */
    double lo[VS_CHART_MAX_POINTS], hi[VS_CHART_MAX_POINTS];
    /* Its look, fixed by what it is (vs_chart_style_engine,
     * vs_chart_style_category) so it is the same in every chart whichever
     * subset is drawn; unstyled series take a colour by their position. */
    bool styled;
    struct vs_rgb color;
    int pattern;         /* hatch (bars) or marker (lines): 0, 1, ... */
    char note[48];       /* with value labels: after each value (e.g. the limiting resource) */
    char end_label[96];  /* lines: said at the line's last point (why it ends there) */
    uint32_t panel;      /* lines with n_panels > 1: the panel it is drawn in */
    bool missing[VS_CHART_MAX_POINTS]; /* bars: no value (e.g. a batch that never finished): "n/a" */
    /* Lines: nothing was measured between point i - 1 and point i, so
     * they are joined by a faint dotted line (see vs_chart.gap_label), not
     * the series' solid one. */
    bool gap[VS_CHART_MAX_POINTS];
};

#define VS_CHART_MAX_PANELS 12

struct vs_chart {
    char title[160];
    char subtitle[200];                      /* a second line under the title ("" = none) */
    char x_label[96];
    char y_label[96];
    enum vs_chart_style style;
    bool own_x;                              /* lines: each series has its own x (series[].x, .n) */
    bool has_interval;                       /* grouped bars: series[].lo/.hi are whiskers */
    bool value_labels;                       /* bars: each value written above its bar */
    char value_format[16];                   /* printf format of a value label ("" = "%g") */
    char missing_label[16];                  /* said over a bar with no value ("" = "n/a") */
    double y_max;                            /* > 0: the y axis ends there (lines beyond are clipped) */
    bool log_x, log_y;                       /* lines: logarithmic axes (values <= 0 left out) */
    bool every_marker;                       /* lines: a marker at every point (each one measured) */
    char gap_label[64];                      /* lines: the legend's words for a faint dotted join
                                                (series[].gap; "" = no entry) */
    uint32_t n_points;                       /* categories (bars) or x values (lines) */
    char categories[VS_CHART_MAX_POINTS][48];
    char category_name[32];                  /* the CSV's first column ("" = "category") */
    /* Bars: a second level under the categories, e.g. the engine under
     * each host; runs of equal names are labelled once. "" = none. */
    char groups[VS_CHART_MAX_POINTS][48];
    char group_name[32];                     /* the CSV column before the category, if groups */
    double x[VS_CHART_MAX_POINTS];
    struct vs_chart_series series[VS_CHART_MAX_SERIES];
    uint32_t n_series;
    bool has_hline;                          /* a reference line (SLA, 1.00 = native) */
    double hline;
    char hline_label[64];
    uint32_t n_marks;                        /* vertical event markers (timeline) */
    double mark_x[VS_CHART_MAX_MARKS];
    char mark_label[VS_CHART_MAX_MARKS][96];
    uint32_t mark_panel[VS_CHART_MAX_MARKS];  /* with panels: the panel a mark is in */
    /* Small multiples. Lines: n_panels > 1 stacks panels top to bottom,
     * series[].panel says which holds a series, each panel has its own x
     * range (its own run) and all share the y range. Bars: bar_panels puts
     * each run of equal groups[] in its own panel side by side, each with
     * its own y axis (figures of unlike workloads never share one). */
    uint32_t n_panels;
    char panel_title[VS_CHART_MAX_PANELS][96];
    char panel_name[VS_CHART_MAX_PANELS][48]; /* lines: the CSV's first column (named by group_name) */
    bool bar_panels;
};

/* A series' look by its engine (a preset's approach gives the colour, its
 * place among the approach's presets the hatch or marker) or by its CPU
 * category (vs_palette_category; the name in words). */
void vs_chart_style_engine(struct vs_chart_series *s, const char *engine);
void vs_chart_style_category(struct vs_chart_series *s, enum vs_cpu_cat cat);

/* Renders to path (.svg, .pdf or .png) at width x height in pixels: a PNG
 * has that many, an SVG says its size in px (text kept as <text>
 * elements, editable and searchable), a PDF page is that size at 96 px per
 * inch (1280 x 720: 13.33 x 7.5 in, a 16:9 slide), through a temporary
 * file and a rename. */
int vs_chart_render(const struct vs_chart *c, const char *path, double width, double height,
                    struct vs_error *err);
/* The same into an output already open (the type from out->path), without
 * committing it: the caller commits it together with the chart's CSV. */
int vs_chart_render_to(const struct vs_chart *c, struct vs_output *out, double width, double height,
                       struct vs_error *err);
/* Draws the chart into a cairo context (cairo_t is struct _cairo) in a
 * width x height box at the origin of its user space: for documents that
 * place charts among other things (a lab handout's PDF pages). */
struct _cairo;
void vs_chart_draw(const struct vs_chart *c, struct _cairo *cr, double width, double height);
/* The numbers plotted, one row per point, one column per series. */
void vs_chart_write_csv(const struct vs_chart *c, FILE *f);

/* Kinds built from results. */
enum vs_chart_kind {
    VS_CHART_RELATIVE, VS_CHART_BREAKDOWN, VS_CHART_SWEEP, VS_CHART_TIMELINE, VS_CHART_DENSITY,
    VS_CHART_DENSITY_CURVE, VS_CHART_HOSTS, VS_CHART_MIGRATION, VS_CHART_TRADEOFF
};
/* What a sweep chart plots on y. */
enum vs_chart_metric {
    VS_METRIC_THROUGHPUT, VS_METRIC_P50, VS_METRIC_P99, VS_METRIC_CPU,
    /* breakdown: host CPU per request in microseconds (the default) or in
     * cycles, stacked by category, or each category's share (100 %) */
    VS_METRIC_US, VS_METRIC_CYCLES, VS_METRIC_SHARE
};
int vs_chart_parse_metric(const char *name, enum vs_chart_metric *out);
int vs_chart_parse_kind(const char *name, enum vs_chart_kind *out);

/* relative: each group's headline score under each engine against the
 * baseline (the figure that fits its load: CPU per request for an open
 * load the engines carry, throughput for a closed loop, speed for a batch;
 * higher is better), with its interval when there were replications. */
void vs_chart_relative(const struct vs_results *r, struct vs_chart *c);
/* breakdown: where each engine's guest CPU time went, stacked by category:
 * per request of each group (metric VS_METRIC_US or VS_METRIC_CYCLES; a
 * group per engine and guest group) or as a share of the engine's total
 * (VS_METRIC_SHARE). */
void vs_chart_breakdown(const struct vs_results *r, enum vs_chart_metric metric, struct vs_chart *c);
/* sweep: the swept parameter against the first group's throughput, per engine. */
void vs_chart_sweep(const struct vs_scenario *sc, const struct vs_results *points, uint32_t n,
                    enum vs_chart_metric metric, struct vs_chart *c);
/* The swept parameter in words with its unit, for an axis ("clients per
 * guest", "arrival rate per guest (requests/s)"); the path itself when it
 * has no words. */
void vs_chart_param_words(const char *param, char *buf, size_t len);
/* density-curve: p99 latency against the guest count per approach, from the
 * density search's probes, with the p99 SLA (if any, in ns; 0: none) as a
 * line. Only probes simulated in full are plotted, each as a marker (one
 * stopped early or decided by memory has no figures); neighbours at most
 * vs_chart_curve_join(largest count plotted) guests apart are joined by
 * the series' line, those further apart by a faint dotted one ("not
 * simulated between probes"). */
uint32_t vs_chart_curve_join(uint32_t largest_guests);
/* density: guests per host per approach (from vs_density_run). */
struct vs_density_result;
/* `sla` says the SLA in words ("p99<20ms"; NULL or "": none, so the
 * chart counts the guests that start). */
void vs_chart_density(const struct vs_scenario *sc, const struct vs_density_result *r, uint32_t n,
                      const char *sla, struct vs_chart *c);
void vs_chart_density_curve(const struct vs_scenario *sc, const struct vs_density_result *r, uint32_t n,
                            double p99_sla_ns, struct vs_chart *c);
/* tradeoff: the overhead-vs-density trade-off, one point per approach: x
 * its host CPU per operation of one guest alone over native's (logarithmic;
 * absolute, in microseconds, when native is not among r), y the guests per
 * host that meet the SLA (density), each point labelled with its engine,
 * density and limit. Needs r[k].cost_ops (run/tradeoff.h); approaches
 * without it are left out. */
void vs_chart_tradeoff(const struct vs_scenario *sc, const struct vs_density_result *r, uint32_t n, const char *sla,
                       struct vs_chart *c);
/* hosts: per host, how much of each resource was used (CPU, memory, disk,
 * NIC receive and transmit, in % of capacity), grouped bars; one host:
 * per engine; several hosts: per host and engine, the engines as a second
 * level (or the first engine alone when there would be more than
 * VS_CHART_HOSTS_MAX_BARS groups, at most VS_CHART_HOSTS_MAX_BARS hosts).
 * Reads runs[k].hosts[] (or runs[k].host when a results file has no hosts). */
#define VS_CHART_HOSTS_MAX_BARS 12
void vs_chart_hosts(const struct vs_results *r, struct vs_chart *c);
/* timeline: total throughput per engine over simulated time (one line per
 * engine, each with its own x), what changed marked (from vs_stepper_timeline). */
void vs_chart_timeline(const struct vs_timeline *tl, struct vs_chart *c);
/* migration: the migrating guest's p99 latency (metric p99, the default) or
 * throughput over time per engine, with the migration's start, switch-over
 * and end marked per engine (from vs_stepper_migration). */
void vs_chart_migration(const struct vs_migration_view *v, enum vs_chart_metric metric, struct vs_chart *c);

#endif
