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
#include "virtsim/run/density.h"
#include "virtsim/run/sim.h"
#include "virtsim/run/stepper.h"
#include "virtsim/run/sweep.h"

static const struct vs_cmd_opt options[] = {
    {VS_OPT_KIND, "kind", 'k', "KIND", "relative, breakdown, hosts, sweep, timeline, density, density-curve or migration (below)"},
    VS_CMD_OPT_OUTPUT("FILE.svg, FILE.pdf or FILE.png (the numbers go to FILE.csv)"),
    VS_CMD_OPT_MEMORY_BUDGET,
    {VS_OPT_TITLE, "title", 0, "TEXT", "the chart's title (default: one that says what it shows)"},
    {VS_OPT_METRIC, "metric", 0, "M", "what a sweep chart plots: throughput (default), p50, p99 or cpu;\n"
                                      "a migration chart: p99 (default) or throughput"},
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
static int write_pair(const struct vs_cli *c, const struct vs_chart *ch, const char *output, double width,
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

/* A chart of a scenario: simulates what the kind needs. */
static int chart_scenario(const char *what, enum vs_chart_kind kind, enum vs_chart_metric metric,
                          const struct vs_density_opts *dop, uint32_t reps, struct vs_scenario *sc,
                          struct vs_chart *ch, struct vs_error *e)
{
    int rc = vs_cli_load_scenario(what, sc, e);
    if (rc != VS_OK) return rc;
    switch (kind) {
    case VS_CHART_RELATIVE:
    case VS_CHART_BREAKDOWN: {
        struct vs_results res = {0};
        sc->sweep.n = 0; /* the scenario as written */
        rc = vs_sim_run_replicated(sc, sc->seed, reps ? reps : sc->n_engines > 1 ? 5 : 1, 0, &res, e);
        if (rc == VS_OK) kind == VS_CHART_RELATIVE ? vs_chart_relative(&res, ch) : vs_chart_breakdown(&res, ch);
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
    case VS_CHART_DENSITY_CURVE: {
        struct vs_density_result *dr = calloc(sc->n_engines ? sc->n_engines : 1, sizeof *dr);
        rc = dr ? vs_density_run(sc, dop, dr, e) : vs_error_set(e, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
        if (rc == VS_OK && kind == VS_CHART_DENSITY) vs_chart_density(sc, dr, sc->n_engines, ch);
        else if (rc == VS_OK) vs_chart_density_curve(sc, dr, sc->n_engines, p99_sla(dop), ch);
        free(dr);
        return rc;
    }
    }
    return rc;
}

/* A chart remade from a results JSON, without simulating. */
static int chart_json(const char *what, enum vs_chart_kind kind, const char *kind_name,
                      const struct vs_density_opts *dop, struct vs_scenario *sc, struct vs_chart *ch,
                      struct vs_error *e)
{
    int rc;
    if (kind == VS_CHART_DENSITY || kind == VS_CHART_DENSITY_CURVE) {
        struct vs_density_result *dr = NULL;
        rc = vs_json_load_density(what, sc, &dr, e);
        if (rc == VS_OK && kind == VS_CHART_DENSITY) vs_chart_density(sc, dr, sc->n_engines, ch);
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
    if (rc == VS_OK) kind == VS_CHART_RELATIVE ? vs_chart_relative(&res, ch) : vs_chart_breakdown(&res, ch);
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
    for (int i = 0; i < a->n_opts; i++) {
        const struct vs_cmd_value *v = &a->opts[i];
        int rc = VS_OK;
        char *end;
        switch (v->opt->id) {
        case VS_OPT_KIND: kind_name = v->value; break;
        case VS_OPT_TITLE: title = v->value; break;
        case VS_OPT_METRIC:
            metric_given = true;
            if (vs_chart_parse_metric(v->value, &metric) != VS_OK)
                return vs_cli_usage(c, cmd, "--metric must be throughput, p50, p99 or cpu, not '%s'", v->value);
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
        case VS_OPT_SLA: rc = vs_cli_sla(c, cmd, v, &dop); break;
        case VS_OPT_MAX: rc = vs_cli_uint(c, cmd, v, 1, VS_MAX_GUESTS, &dop.max_guests); break;
        case VS_OPT_REPS: rc = vs_cli_uint(c, cmd, v, 1, VS_REPS_MAX, &reps); break;
        }
        if (rc != VS_OK) return rc;
    }
    enum vs_chart_kind kind;
    if (!kind_name || vs_chart_parse_kind(kind_name, &kind) != VS_OK)
        return vs_cli_usage(c, cmd, "--kind must be relative, breakdown, hosts, sweep, timeline, density, density-curve or migration, not '%s'",
                            kind_name ? kind_name : "(none)");
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
        rc = chart_json(what, kind, kind_name, &dop, sc, ch, &e);
    } else if (rc == VS_OK) {
        /* Simulating: progress on a terminal, Ctrl-C stops (and no chart is made). */
        struct vs_cli_watch watch;
        vs_cli_watch_begin(&watch, c->err, c->control);
        rc = chart_scenario(what, kind, kind == VS_CHART_MIGRATION && !metric_given ? VS_METRIC_P99 : metric, &dop,
                            reps, sc, ch, &e);
        vs_cli_watch_end(&watch);
        if (rc == VS_ERR_INTERRUPTED)
            vs_error_set(&e, VS_ERR_INTERRUPTED, NULL, 0, 0, "interrupted: no chart was written");
    }
    if (rc == VS_OK && title) snprintf(ch->title, sizeof ch->title, "%s", title);
    if (rc == VS_OK) rc = write_pair(c, ch, output, width, height, &e);
    free(ch);
    free(sc);
    return rc == VS_OK ? VS_OK : vs_cli_error(c, &e, rc);
}

const struct vs_cmd vs_cmd_chart = {
    .name = "chart",
    .args = "SCENARIO|RESULTS.json",
    .min_args = 1,
    .max_args = 1,
    .missing = "chart needs a scenario or a results JSON file",
    .summary = "a chart for slides or handouts (--kind K --output FILE.svg|pdf|png)",
    .help = "Draws a chart (SVG, PDF or PNG by the file's extension) and writes the numbers it\n"
            "plots beside it as FILE.csv. --kind and --output are required. Kinds:\n"
            "  relative       each guest group's score per engine against native, the figure that\n"
            "                 fits its load (cpu per request, throughput or speed); --reps N > 1 adds\n"
            "                 95 % intervals\n"
            "  breakdown      where the guests' CPU time went per engine (stacked)\n"
            "  hosts          per host: CPU, memory, disk and NIC utilisation (several hosts)\n"
            "  sweep          the scenario's swept parameter against --metric, per engine\n"
            "  timeline       throughput over simulated time per engine, events marked\n"
            "  density        guests per host per approach (with --sla and --max like virtsim density)\n"
            "  density-curve  p99 latency against the guest count per approach, the p99 SLA as a line\n"
            "  migration      the migrating guest's p99 latency (or --metric throughput) through its\n"
            "                 migration, per engine, its start and end marked (e.g. migrate-web)\n"
            "\n"
            "A RESULTS.json written by `virtsim run` or `compare --format json` remakes relative and\n"
            "breakdown charts, one by `virtsim density --format json` density charts (give --sla\n"
            "again for the SLA line), without simulating again.\n",
    .opts = options,
    .run = run,
};
