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
};

struct vs_chart {
    char title[160];
    char x_label[96];
    char y_label[96];
    enum vs_chart_style style;
    bool own_x;                              /* lines: each series has its own x (series[].x, .n) */
    bool has_interval;                       /* grouped bars: series[].lo/.hi are whiskers */
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
    char mark_label[VS_CHART_MAX_MARKS][48];
};

/* Renders to path (.svg, .pdf or .png) at width x height (pixels for PNG,
 * points for SVG/PDF), through a temporary file and a rename. */
int vs_chart_render(const struct vs_chart *c, const char *path, double width, double height,
                    struct vs_error *err);
/* The same into an output already open (the type from out->path), without
 * committing it: the caller commits it together with the chart's CSV. */
int vs_chart_render_to(const struct vs_chart *c, struct vs_output *out, double width, double height,
                       struct vs_error *err);
/* The numbers plotted, one row per point, one column per series. */
void vs_chart_write_csv(const struct vs_chart *c, FILE *f);

/* Kinds built from results. */
enum vs_chart_kind {
    VS_CHART_RELATIVE, VS_CHART_BREAKDOWN, VS_CHART_SWEEP, VS_CHART_TIMELINE, VS_CHART_DENSITY,
    VS_CHART_DENSITY_CURVE, VS_CHART_HOSTS, VS_CHART_MIGRATION
};
/* What a sweep chart plots on y. */
enum vs_chart_metric { VS_METRIC_THROUGHPUT, VS_METRIC_P50, VS_METRIC_P99, VS_METRIC_CPU };
int vs_chart_parse_metric(const char *name, enum vs_chart_metric *out);
int vs_chart_parse_kind(const char *name, enum vs_chart_kind *out);

/* relative: each group's headline score under each engine against the
 * baseline (the figure that fits its load: CPU per request for an open
 * load the engines carry, throughput for a closed loop, speed for a batch;
 * higher is better), with its interval when there were replications. */
void vs_chart_relative(const struct vs_results *r, struct vs_chart *c);
/* breakdown: where each engine's guest CPU time went, stacked, % of its total. */
void vs_chart_breakdown(const struct vs_results *r, struct vs_chart *c);
/* sweep: the swept parameter against the first group's throughput, per engine. */
void vs_chart_sweep(const struct vs_scenario *sc, const struct vs_results *points, uint32_t n,
                    enum vs_chart_metric metric, struct vs_chart *c);
/* density-curve: p99 latency against the guest count per approach, from the
 * density search's probes, with the p99 SLA (if any, in ns; 0: none) as a line. */
/* density: guests per host per approach (from vs_density_run). */
struct vs_density_result;
void vs_chart_density(const struct vs_scenario *sc, const struct vs_density_result *r, uint32_t n,
                      struct vs_chart *c);
void vs_chart_density_curve(const struct vs_scenario *sc, const struct vs_density_result *r, uint32_t n,
                            double p99_sla_ns, struct vs_chart *c);
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
