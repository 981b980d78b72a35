/* `virtsim chart`: a chart of a scenario (simulated here) or of a results
 * JSON written earlier (read back by out/json_read.c), drawn by out/chart.c
 * as SVG, PDF or PNG, with the numbers it plots beside it as CSV. */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "virtsim/out/output.h"
#include "virtsim/run/replicate.h"
#include "virtsim/core/units.h"
#include "virtsim/out/chart.h"
#include "virtsim/out/json_read.h"
#include "virtsim/load/builtin.h"
#include "virtsim/run/compare.h"
#include "virtsim/run/density.h"
#include "virtsim/run/tradeoff.h"
#include "virtsim/run/sim.h"
#include "virtsim/run/stepper.h"
#include "virtsim/run/sweep.h"

static const struct vs_cmd_opt options[] = {
    {VS_OPT_KIND, "kind", 'k', "KIND", "relative, breakdown, hosts, sweep, timeline, density, density-curve, migration\n"
                                                  "or tradeoff (below)"},
    VS_CMD_OPT_OUTPUT("FILE.svg, FILE.pdf or FILE.png (the numbers go to FILE.csv)"),
    VS_CMD_OPT_MEMORY_BUDGET,
    {VS_OPT_TITLE, "title", 0, "TEXT", "the chart's title (default: one that says what it shows)"},
    {VS_OPT_METRIC, "metric", 0, "M", "what a sweep chart plots: throughput (default), p50, p99 or cpu;\n"
                                      "a migration chart: p99 (default) or throughput; a breakdown: us\n"
                                      "(default) or cycles per request, or share (100 %)"},
    {VS_OPT_LOG, "log", 0, "AXES", "logarithmic axes for line charts: y, x or xy (sweep, density-curve,\n"
                                   "timeline, migration)"},
    {VS_OPT_SIZE, "size", 0, "S", "slide (16:9, 1280x720, the default) or column (a page column, 640x400)"},
    {VS_OPT_WIDTH, "width", 0, "N", "width from 200 to 10000 (pixels for PNG, points for SVG and PDF; the shape stays)"},
    {VS_OPT_SLA, "sla", 0, "SLA", "a density chart's SLA, like virtsim density --sla (repeat for several)"},
    {VS_OPT_MAX, "max", 0, "N", "upper bound of a density chart's search (default 256)"},
    {VS_OPT_REPS, "reps", 0, "N", "replications behind a relative chart's scores, drawn with 95 % intervals\n(default: 5 when the scenario compares several engines, as run does)"},
    {0},
};

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int write_chart_csv(FILE *f, const void *ctx, struct vs_error *e)
{
    vs_chart_write_csv(ctx, f);
    return ferror(f) ? vs_error_set(e, VS_ERR_RUNTIME, NULL, 0, 0, "writing the chart's numbers failed") : VS_OK;
}

/* The chart and the numbers beside it (FILE.svg -> FILE.csv), committed
 * together: both are written whole to temporary files first, so a failure
 * leaves both old files, or none, in place. */
int vs_cli_write_chart(const struct vs_cli *c, const struct vs_chart *ch, const char *output, double width,
                       double height, struct vs_error *e)
{
    char csv[1100];
    snprintf(csv, sizeof csv, "%.*s.csv", (int)(strlen(output) - 4), output);
    struct vs_output chart_out, csv_out;
    int rc = vs_output_open(output, &chart_out, e);
    if (rc != VS_OK) return rc;
    rc = vs_output_open(csv, &csv_out, e);
    if (rc != VS_OK) {
        vs_output_abort(&chart_out);
        return rc;
    }
    bool replaced_csv = csv_out.replaces;
    rc = vs_chart_render_to(ch, &chart_out, width, height, e);
    if (rc == VS_OK) rc = write_chart_csv(csv_out.file, ch, e);
    if (rc != VS_OK) {
        vs_output_abort(&chart_out);
        vs_output_abort(&csv_out);
        return rc;
    }
    struct vs_output *const pair[] = {&chart_out, &csv_out};
    rc = vs_output_commit_all(pair, 2, e);
    /* FILE.csv is written without being named: say so when it replaced one. */
    if (rc == VS_OK)
        fprintf(c->out, "wrote %s and %s%s\n", output, csv, replaced_csv ? " (replacing the old one)" : "");
    return rc;
}

static double p99_sla(const struct vs_density_opts *o)
{
    double p99 = 0;
    for (uint32_t q = 0; q < o->n_slas; q++)
        if (o->slas[q].kind == VS_SLA_P99) p99 = o->slas[q].limit;
    return p99;
}

/* A scenario by name or file, or a workload (built-in or a file) as the
 * one-workload comparison scenario `virtsim compare` runs. */
static int load_scenario_or_workload(const char *what, struct vs_scenario *sc, struct vs_error *e)
{
    bool builtin_workload = vs_builtin_find(VS_BUILTIN_WORKLOAD, what) && !vs_builtin_find(VS_BUILTIN_SCENARIO, what);
    if (builtin_workload && !vs_cli_file_exists(what)) return vs_compare_scenario_for_workload(what, NULL, 1, sc, e);
    int rc = vs_cli_load_scenario(what, sc, e);
    if (rc != VS_OK && vs_cli_file_exists(what)) {
        /* Not a scenario: a workload file makes the comparison scenario. */
        struct vs_error probe;
        vs_error_clear(&probe);
        if (vs_compare_scenario_for_workload(what, NULL, 1, sc, &probe) == VS_OK) return VS_OK;
    }
    return rc;
}

/* A chart of a scenario: simulates what the kind needs. */
static int chart_scenario(const char *what, enum vs_chart_kind kind, enum vs_chart_metric metric,
                          const struct vs_density_opts *dop, const char *sla_words, uint32_t reps, struct vs_scenario *sc,
                          struct vs_chart *ch, struct vs_error *e)
{
    int rc = load_scenario_or_workload(what, sc, e);
    if (rc != VS_OK) return rc;
    switch (kind) {
    case VS_CHART_RELATIVE:
    case VS_CHART_BREAKDOWN: {
        struct vs_results res = {0};
        sc->sweep.n = 0; /* the scenario as written */
        rc = vs_sim_run_replicated(sc, sc->seed, reps ? reps : sc->n_engines > 1 ? 5 : 1, 0, &res, e);
        if (rc == VS_OK) kind == VS_CHART_RELATIVE ? vs_chart_relative(&res, ch) : vs_chart_breakdown(&res, metric, ch);
        vs_results_free(&res);
        return rc;
    }
    case VS_CHART_HOSTS: {
        struct vs_results res = {0};
        sc->sweep.n = 0; /* the scenario as written */
        rc = vs_sim_run_scenario(sc, sc->seed, &res, e);
        if (rc == VS_OK) vs_chart_hosts(&res, ch);
        vs_results_free(&res);
        return rc;
    }
    case VS_CHART_SWEEP: {
        if (!sc->sweep.n)
            return vs_error_set(e, VS_ERR_INPUT, what, 0, 0, "a sweep chart needs a scenario with a sweep: section");
        struct vs_results *pts = calloc(sc->sweep.n, sizeof *pts);
        rc = pts ? vs_sweep_run(sc, sc->seed, 0, sc->sweep.n, 0, pts, e)
                 : vs_error_set(e, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
        if (rc == VS_OK) {
            vs_chart_sweep(sc, pts, sc->sweep.n, metric, ch);
            for (uint32_t i = 0; i < sc->sweep.n; i++) vs_results_free(&pts[i]);
        }
        free(pts);
        return rc;
    }
    case VS_CHART_TIMELINE: {
        struct vs_timeline *tl = malloc(sizeof *tl);
        vs_time_ns step = sc->duration_ns / 50 > VS_NS_PER_MS ? sc->duration_ns / 50 : VS_NS_PER_MS;
        rc = tl ? vs_stepper_timeline(sc, sc->seed, step, tl, e)
                : vs_error_set(e, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
        if (rc == VS_OK) vs_chart_timeline(tl, ch);
        free(tl);
        return rc;
    }
    case VS_CHART_MIGRATION: {
        struct vs_migration_view *mv = malloc(sizeof *mv);
        vs_time_ns step = 100 * VS_NS_PER_MS;
        if (sc->duration_ns / step > VS_TIMELINE_MAX_SAMPLES - 8) step = sc->duration_ns / (VS_TIMELINE_MAX_SAMPLES - 8);
        rc = mv ? vs_stepper_migration(sc, sc->seed, step, mv, e)
                : vs_error_set(e, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
        if (rc == VS_OK) vs_chart_migration(mv, metric, ch);
        free(mv);
        return rc;
    }
    case VS_CHART_DENSITY:
    case VS_CHART_DENSITY_CURVE:
    case VS_CHART_TRADEOFF: {
        struct vs_density_result *dr = calloc(sc->n_engines ? sc->n_engines : 1, sizeof *dr);
        /* The trade-off adds each engine's CPU per operation to the search (run/tradeoff.h). */
        rc = !dr ? vs_error_set(e, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory")
             : kind == VS_CHART_TRADEOFF ? vs_tradeoff_run(sc, dop, dr, e)
                                         : vs_density_run(sc, dop, dr, e);
        if (rc == VS_OK && kind == VS_CHART_TRADEOFF) vs_chart_tradeoff(sc, dr, sc->n_engines, dop->n_slas ? sla_words : NULL, ch);
        else if (rc == VS_OK && kind == VS_CHART_DENSITY) vs_chart_density(sc, dr, sc->n_engines, dop->n_slas ? sla_words : NULL, ch);
        else if (rc == VS_OK) vs_chart_density_curve(sc, dr, sc->n_engines, p99_sla(dop), ch);
        free(dr);
        return rc;
    }
    }
    return rc;
}

/* A chart remade from a results JSON, without simulating. */
static int chart_json(const char *what, enum vs_chart_kind kind, const char *kind_name, enum vs_chart_metric metric,
                      const struct vs_density_opts *dop, const char *sla_words, struct vs_scenario *sc, struct vs_chart *ch,
                      struct vs_error *e)
{
    int rc;
    if (kind == VS_CHART_DENSITY || kind == VS_CHART_DENSITY_CURVE || kind == VS_CHART_TRADEOFF) {
        struct vs_density_result *dr = NULL;
        rc = vs_json_load_density(what, sc, &dr, e);
        bool costs = false;
        for (uint32_t k = 0; rc == VS_OK && k < sc->n_engines; k++) costs |= dr[k].cost_ops > 0;
        if (rc == VS_OK && kind == VS_CHART_TRADEOFF && !costs)
            rc = vs_error_set(e, VS_ERR_INPUT, what, 0, 0,
                              "no cpu_per_op_ns in this density file: a tradeoff chart needs the CPU per operation "
                              "(the TUI's Density panel exports it; or give the scenario or workload)");
        if (rc == VS_OK && kind == VS_CHART_TRADEOFF)
            vs_chart_tradeoff(sc, dr, sc->n_engines, dop->n_slas ? sla_words : NULL, ch);
        else if (rc == VS_OK && kind == VS_CHART_DENSITY) vs_chart_density(sc, dr, sc->n_engines, dop->n_slas ? sla_words : NULL, ch);
        else if (rc == VS_OK) vs_chart_density_curve(sc, dr, sc->n_engines, p99_sla(dop), ch);
        free(dr);
        return rc;
    }
    if (kind != VS_CHART_RELATIVE && kind != VS_CHART_BREAKDOWN)
        return vs_error_set(e, VS_ERR_INPUT, what, 0, 0,
                            "a run or compare results file remakes relative and breakdown charts; for %s, give the scenario",
                            kind_name);
    struct vs_results res;
    rc = vs_json_load_results(what, &res, e);
    if (rc == VS_OK) kind == VS_CHART_RELATIVE ? vs_chart_relative(&res, ch) : vs_chart_breakdown(&res, metric, ch);
    vs_results_free(&res);
    return rc;
}

static int run(const struct vs_cli *c, const struct vs_cmd *cmd, const struct vs_cmd_args *a)
{
    const char *what = a->pos[0], *output = a->output, *title = NULL, *kind_name = NULL, *size = "slide";
    enum vs_chart_metric metric = VS_METRIC_THROUGHPUT;
    bool metric_given = false;
    double width = 0;
    struct vs_density_opts dop = {.max_guests = 256};
    uint32_t reps = 0; /* 0: as `run` does, 5 when the scenario compares engines */
    char sla_words[256] = "";
    bool log_x = false, log_y = false;
    for (int i = 0; i < a->n_opts; i++) {
        const struct vs_cmd_value *v = &a->opts[i];
        int rc = VS_OK;
        char *end;
        switch (v->opt->id) {
        case VS_OPT_KIND: kind_name = v->value; break;
        case VS_OPT_TITLE: title = v->value; break;
        case VS_OPT_LOG:
            if (strcmp(v->value, "y") == 0) log_y = true;
            else if (strcmp(v->value, "x") == 0) log_x = true;
            else if (strcmp(v->value, "xy") == 0 || strcmp(v->value, "yx") == 0) log_x = log_y = true;
            else return vs_cli_usage(c, cmd, "--log must be y, x or xy, not '%s'", v->value);
            break;
        case VS_OPT_METRIC:
            metric_given = true;
            if (vs_chart_parse_metric(v->value, &metric) != VS_OK)
                return vs_cli_usage(c, cmd, "--metric must be throughput, p50, p99 or cpu (sweep, migration), "
                                            "or us, cycles or share (breakdown), not '%s'", v->value);
            break;
        case VS_OPT_SIZE:
            if (strcmp(v->value, "slide") != 0 && strcmp(v->value, "column") != 0)
                return vs_cli_usage(c, cmd, "--size must be slide or column, not '%s'", v->value);
            size = v->value;
            break;
        case VS_OPT_WIDTH:
            width = strtod(v->value, &end);
            if (!v->value[0] || *end || !(width >= 200 && width <= 10000))
                return vs_cli_usage(c, cmd, "--width needs a number from 200 to 10000, not '%s'", v->value);
            break;
        case VS_OPT_SLA:
            rc = vs_cli_sla(c, cmd, v, &dop);
            if (rc == VS_OK) {
                size_t used = strlen(sla_words);
                snprintf(sla_words + used, sizeof sla_words - used, "%s%s", used ? " and " : "", v->value);
            }
            break;
        case VS_OPT_MAX: rc = vs_cli_uint(c, cmd, v, 1, VS_MAX_GUESTS, &dop.max_guests); break;
        case VS_OPT_REPS: rc = vs_cli_uint(c, cmd, v, 1, VS_REPS_MAX, &reps); break;
        }
        if (rc != VS_OK) return rc;
    }
    enum vs_chart_kind kind;
    if (!kind_name || vs_chart_parse_kind(kind_name, &kind) != VS_OK)
        return vs_cli_usage(c, cmd, "--kind must be relative, breakdown, hosts, sweep, timeline, density, density-curve, migration "
                                    "or tradeoff, not '%s'",
                            kind_name ? kind_name : "(none)");
    bool breakdown_metric = metric == VS_METRIC_US || metric == VS_METRIC_CYCLES || metric == VS_METRIC_SHARE;
    if (metric_given && kind == VS_CHART_BREAKDOWN && !breakdown_metric)
        return vs_cli_usage(c, cmd, "a breakdown's --metric is us, cycles or share");
    if (metric_given && kind != VS_CHART_BREAKDOWN && breakdown_metric)
        return vs_cli_usage(c, cmd, "--metric %s is for the breakdown chart", metric == VS_METRIC_US ? "us"
                                                                          : metric == VS_METRIC_CYCLES ? "cycles" : "share");
    if (kind == VS_CHART_BREAKDOWN && !metric_given) metric = VS_METRIC_US;
    if (!output || !(ends_with(output, ".svg") || ends_with(output, ".pdf") || ends_with(output, ".png")))
        return vs_cli_usage(c, cmd, "--output must name a .svg, .pdf or .png file");
    if (!width) width = strcmp(size, "slide") == 0 ? 1280 : 640;
    double height = strcmp(size, "slide") == 0 ? width * 9 / 16 : width * 0.625;

    struct vs_error e;
    vs_error_clear(&e);
    struct vs_chart *ch = calloc(1, sizeof *ch);
    struct vs_scenario *sc = malloc(sizeof *sc);
    int rc = ch && sc ? VS_OK : vs_error_set(&e, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    if (rc == VS_OK && ends_with(what, ".json")) {
        rc = chart_json(what, kind, kind_name, metric, &dop, sla_words, sc, ch, &e);
    } else if (rc == VS_OK) {
        /* Simulating: progress on a terminal, Ctrl-C stops (and no chart is made). */
        struct vs_cli_watch watch;
        vs_cli_watch_begin(&watch, c->err, c->control);
        rc = chart_scenario(what, kind, kind == VS_CHART_MIGRATION && !metric_given ? VS_METRIC_P99 : metric, &dop,
                            sla_words, reps, sc, ch, &e);
        vs_cli_watch_end(&watch);
        if (rc == VS_ERR_INTERRUPTED)
            vs_error_set(&e, VS_ERR_INTERRUPTED, NULL, 0, 0, "interrupted: no chart was written");
    }
    if (rc == VS_OK && title) snprintf(ch->title, sizeof ch->title, "%s", title);
    if (rc == VS_OK && (log_x || log_y) && ch->style != VS_CHART_LINES)
        rc = vs_error_set(&e, VS_ERR_INPUT, NULL, 0, 0, "--log is for line charts (sweep, density-curve, timeline, migration)");
    if (rc == VS_OK) {
        ch->log_x = ch->log_x || log_x; /* a kind may draw a log axis of its own (tradeoff) */
        ch->log_y = ch->log_y || log_y;
        if (log_y) {
            size_t n = strlen(ch->y_label);
            snprintf(ch->y_label + n, sizeof ch->y_label - n, ", log scale");
        }
        if (log_x) {
            size_t n = strlen(ch->x_label);
            snprintf(ch->x_label + n, sizeof ch->x_label - n, ", log scale");
        }
    }
    if (rc == VS_OK) rc = vs_cli_write_chart(c, ch, output, width, height, &e);
    free(ch);
    free(sc);
    return rc == VS_OK ? VS_OK : vs_cli_error(c, &e, rc);
}

const struct vs_cmd vs_cmd_chart = {
    .name = "chart",
    .args = "SCENARIO|WORKLOAD|RESULTS.json",
    .min_args = 1,
    .max_args = 1,
    .missing = "chart needs a scenario, a workload or a results JSON file",
    .summary = "a chart for slides or handouts (--kind K --output FILE.svg|pdf|png)",
    .help = "Draws a chart (SVG, PDF or PNG by the file's extension) and writes the numbers it\n"
            "plots beside it as FILE.csv. --kind and --output are required. Kinds:\n"
            "  relative       each guest group's score per engine against native, the figure that\n"
            "                 fits its load (cpu per request, throughput or completion time);\n"
            "                 --reps N > 1 adds 95 % intervals\n"
            "  breakdown      host CPU per request by category, per engine and guest group (stacked;\n"
            "                 --metric cycles, or share for each engine's 100 %)\n"
            "  hosts          per host: CPU, memory, disk and NIC utilisation (several hosts)\n"
            "  sweep          the scenario's swept parameter against --metric, per engine\n"
            "  timeline       each guest group's throughput over time, a panel per engine on its\n"
            "                 own run's clock, boots and events marked\n"
            "  density        guests per host per approach, each with its limiting resource (with\n"
            "                 --sla and --max like virtsim density; without --sla: guests that start)\n"
            "  density-curve  p99 latency against the guest count per approach, the p99 SLA as a line,\n"
            "                 each curve's end explained\n"
            "  migration      the migrating guest's p99 latency (or --metric throughput) through its\n"
            "                 migration, per engine, its start and end marked (e.g. migrate-web)\n"
            "  tradeoff       per approach, guests per host (the density search, --sla and --max as\n"
            "                 for density) against its host CPU per operation over native's, one\n"
            "                 guest alone: overhead against density\n"
            "\n"
            "A WORKLOAD (built-in or a file) is run as `virtsim compare` runs it: alone on the\n"
            "host, saturated, under every approach, native first.\n"
            "A RESULTS.json written by `virtsim run` or `compare --format json` remakes relative and\n"
            "breakdown charts, one by `virtsim density --format json` density charts (give --sla\n"
            "again for the SLA line), without simulating again; the JSON the TUI's Density panel\n"
            "exports remakes those and tradeoff charts.\n",
    .opts = options,
    .run = run,
};
