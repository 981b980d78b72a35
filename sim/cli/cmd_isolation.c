/* `virtsim isolation`: a victim's slowdown by its neighbours, per approach
 * (run/isolation.h runs the scenario with and without them). */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "virtsim/run/isolation.h"

static const struct vs_cmd_opt options[] = {
    {VS_OPT_VICTIM, "victim", 0, "GROUP",
     "the guest group whose slowdown is measured (comma-separated for several;\n"
     "default: the groups marked victim: true in the scenario)"},
    VS_CMD_OPT_SEED("random seed (default: the scenario's seed:)"),
    {VS_OPT_REPS, "reps", 0, "N", "replications, each alone and beside each neighbour set (default: 5)"},
    {VS_OPT_THREADS, "threads", 0, "N", "runs in parallel (default: the CPUs; the output is the same)"},
    VS_CMD_OPT_FORMAT("table (default), csv or json"),
    VS_CMD_OPT_OUTPUT("write to FILE (written whole, then renamed into place)"),
    {VS_OPT_CHART, "chart", 0, "FILE",
     "also draw the victim's p99 slowdown per neighbour and approach, FILE.svg, .pdf\n"
     "or .png, with the numbers in FILE.csv"},
    VS_CMD_OPT_MEMORY_BUDGET,
    {0},
};

struct job {
    const struct vs_isolation *res;
    enum vs_report_format fmt;
};

static int write_job(FILE *f, const void *ctx, struct vs_error *e)
{
    const struct job *j = ctx;
    return vs_isolation_write(f, j->res, j->fmt, e);
}

static int write_chart_csv(FILE *f, const void *ctx, struct vs_error *e)
{
    (void)e;
    vs_chart_write_csv(ctx, f);
    return ferror(f) ? VS_ERR_RUNTIME : VS_OK;
}

static int run(const struct vs_cli *c, const struct vs_cmd *cmd, const struct vs_cmd_args *a)
{
    struct vs_isolation_opts o = {.reps = VS_ISOLATION_DEFAULT_REPS};
    const char *chart = NULL;
    for (int i = 0; i < a->n_opts; i++) {
        const struct vs_cmd_value *v = &a->opts[i];
        int rc = VS_OK;
        if (v->opt->id == VS_OPT_VICTIM) o.victims = v->value;
        else if (v->opt->id == VS_OPT_CHART) chart = v->value;
        else if (v->opt->id == VS_OPT_REPS) rc = vs_cli_uint(c, cmd, v, 1, 100, &o.reps);
        else if (v->opt->id == VS_OPT_THREADS) rc = vs_cli_uint(c, cmd, v, 1, 64, &o.threads);
        if (rc != VS_OK) return rc;
    }
    struct vs_error e;
    vs_error_clear(&e);
    struct vs_scenario *sc = malloc(sizeof *sc);
    if (!sc) return vs_cli_error(c, &e, vs_error_set(&e, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory"));
    int rc = vs_cli_load_scenario(a->pos[0], sc, &e);
    struct vs_isolation res = {0};
    if (rc == VS_OK) {
        o.seed = a->have_seed ? a->seed : sc->seed;
        struct vs_cli_watch watch;
        vs_cli_watch_begin(&watch, c->err, sc->control);
        rc = vs_isolation_run(sc, &o, &res, &e);
        vs_cli_watch_end(&watch);
    }
    free(sc);
    if (rc == VS_OK) {
        struct job j = {&res, a->format};
        rc = vs_cli_write_to(c, a->output, write_job, &j, &e);
    }
    if (rc == VS_OK && chart) {
        struct vs_chart *ch = malloc(sizeof *ch);
        if (!ch) rc = vs_error_set(&e, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
        if (rc == VS_OK) {
            vs_isolation_chart(&res, ch);
            rc = vs_chart_render(ch, chart, 1280, 720, &e);
        }
        char csv[1100];
        size_t len = strlen(chart);
        snprintf(csv, sizeof csv, "%.*s.csv", (int)(len > 4 ? len - 4 : len), chart);
        if (rc == VS_OK) rc = vs_cli_write_to(c, csv, write_chart_csv, ch, &e);
        if (rc == VS_OK) fprintf(c->err, "wrote %s and %s\n", chart, csv);
        free(ch);
    }
    vs_isolation_free(&res);
    return rc == VS_OK ? VS_OK : vs_cli_error(c, &e, rc);
}

const struct vs_cmd vs_cmd_isolation = {
    .name = "isolation",
    .args = "SCENARIO",
    .min_args = 1,
    .max_args = 1,
    .missing = "isolation needs a scenario with a victim group (e.g. virtsim isolation noisy-neighbour)",
    .summary = "a victim's slowdown by its neighbours under each approach (performance isolation)",
    .help = "Runs the scenario under each engine of its compare with the victim group alone\n"
            "(its neighbours, the other groups, removed), beside each neighbour group on its\n"
            "own, and beside all of them, with the same seed, so the victim serves the same\n"
            "requests in every run. Prints per neighbour set and approach the victim's\n"
            "throughput, p99 latency and CPU per request relative to alone, with 95 %\n"
            "intervals over the replications, and where its extra time went: CPU spent on\n"
            "shared kernel locks (one kernel: native processes, containers), on the host's\n"
            "shared I/O back end (VMs), on LLC evictions and memory-bus queueing (every\n"
            "approach), and time it waited for a core.\n"
            "\n"
            "  SCENARIO   a YAML file or a built-in name (virtsim isolation noisy-neighbour)\n"
            "\n"
            "The victim is the group marked victim: true, or --victim GROUP. --chart draws\n"
            "the first victim's p99 slowdown as bars per neighbour and approach.\n",
    .opts = options,
    .run = run,
};
