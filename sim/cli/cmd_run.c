/* `virtsim run`: a scenario (a file or a built-in) under every engine of its
 * compare: list, reported as a table, CSV or JSON; a scenario with sweep:
 * runs once per value, in parallel threads or as separate jobs. */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "virtsim/run/replicate.h"
#include "virtsim/run/sim.h"
#include "virtsim/run/sweep.h"

/* Replications of a scenario that compares several engines, unless --reps
 * says otherwise: enough for an interval on every score. */
#define DEFAULT_COMPARE_REPS 5

static const struct vs_cmd_opt options[] = {
    VS_CMD_OPT_SEED("random seed (default: the scenario's seed:)"),
    VS_CMD_OPT_FORMAT("table (default), csv or json; all carry the same figures"),
    VS_CMD_OPT_OUTPUT("write the report to FILE (written whole, then renamed into place)"),
    VS_CMD_OPT_MEMORY_BUDGET,
    {VS_OPT_REPS, "reps", 0, "N",
     "independent replications (seeds derived from the scenario's); scores get 95 %\n"
     "intervals (default: 5 when the scenario compares several engines, else 1)"},
    {VS_OPT_THREADS, "threads", 0, "N", "sweep points or replications run in parallel (default: the CPUs;\n"
                                        "the output is the same)"},
    {VS_OPT_SWEEP_POINT, "sweep-point", 0, "K", "run only point K (0-based) of the sweep, e.g. as one job of a cluster array"},
    {VS_OPT_EMIT_JOBS, "emit-jobs", 0, NULL,
     "print one independent command line per sweep point instead of running;\n"
     "feed them to GNU parallel or a job array, then virtsim merge the CSVs"},
    {0},
};

struct sweep_job {
    const struct vs_scenario *sc;
    uint32_t first, n;
    const struct vs_results *pts;
    int fmt;
};

static int write_sweep(FILE *f, const void *ctx, struct vs_error *e)
{
    const struct sweep_job *j = ctx;
    return vs_sweep_write(f, j->sc, j->first, j->pts, j->n, j->fmt, e);
}

struct run_opts {
    uint32_t reps;        /* replications, >= 1 */
    uint32_t threads;     /* 0: the CPUs */
    int64_t sweep_point;  /* -1: all */
    bool emit_jobs;
};

static int run_sweep(const struct vs_cli *c, const char *scenario, const struct vs_cmd_args *a,
                     const struct run_opts *o, const struct vs_scenario *sc, struct vs_error *e)
{
    uint64_t seed = a->have_seed ? a->seed : sc->seed;
    if (o->emit_jobs) {
        for (uint32_t k = 0; k < sc->sweep.n; k++)
            fprintf(c->out, "virtsim run '%s' --sweep-point %u --seed %llu --format csv --output 'point-%03u.csv'\n",
                    scenario, k, (unsigned long long)seed, k);
        return VS_OK;
    }
    uint32_t first = 0, n = sc->sweep.n;
    if (o->sweep_point >= 0) {
        if ((uint64_t)o->sweep_point >= sc->sweep.n)
            return vs_error_set(e, VS_ERR_INPUT, NULL, 0, 0, "--sweep-point %lld: the sweep has points 0 to %u",
                                (long long)o->sweep_point, sc->sweep.n - 1);
        first = (uint32_t)o->sweep_point;
        n = 1;
    }
    struct vs_results *pts = calloc(n, sizeof *pts);
    if (!pts) return vs_error_set(e, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    struct vs_cli_watch watch;
    vs_cli_watch_begin(&watch, c->err, sc->control);
    int rc = vs_sweep_run(sc, seed, first, n, o->threads, pts, e);
    vs_cli_watch_end(&watch);
    if (rc == VS_OK || rc == VS_ERR_INTERRUPTED) {
        struct vs_error we;
        struct sweep_job job = {sc, first, n, pts, (int)a->format};
        int wrc = vs_cli_write_to(c, a->output, write_sweep, &job, &we);
        if (wrc != VS_OK) {
            rc = wrc;
            *e = we;
        }
        for (uint32_t i = 0; i < n; i++) {
            if (rc == VS_OK) vs_cli_warn_failed_starts(c, &pts[i]);
            vs_results_free(&pts[i]);
        }
    }
    free(pts);
    return rc;
}

int vs_cli_run_scenario(const struct vs_cli *c, const char *scenario, const struct vs_cmd_args *a)
{
    const struct vs_cmd *cmd = &vs_cmd_run;
    /* reps 0: not given; a scenario that compares engines then gets
     * DEFAULT_COMPARE_REPS replications, so its scores carry intervals. */
    struct run_opts o = {.sweep_point = -1, .reps = 0};
    for (int i = 0; i < a->n_opts; i++) {
        const struct vs_cmd_value *v = &a->opts[i];
        uint64_t n;
        switch (v->opt->id) {
        case VS_OPT_THREADS:
            if (vs_cli_uint(c, cmd, v, 1, 64, &o.threads) != VS_OK) return VS_ERR_INPUT;
            break;
        case VS_OPT_SWEEP_POINT:
            if (!vs_cli_parse_u64(v->value, &n) || n >= VS_MAX_SWEEP_POINTS)
                return vs_cli_usage(c, cmd, "--sweep-point needs a point number from 0 to %d, not '%s'",
                                    VS_MAX_SWEEP_POINTS - 1, v->value);
            o.sweep_point = (int64_t)n;
            break;
        case VS_OPT_EMIT_JOBS: o.emit_jobs = true; break;
        case VS_OPT_REPS:
            if (vs_cli_uint(c, cmd, v, 1, VS_REPS_MAX, &o.reps) != VS_OK) return VS_ERR_INPUT;
            break;
        }
    }

    struct vs_error e;
    vs_error_clear(&e);
    struct vs_scenario *sc = malloc(sizeof *sc);
    if (!sc) return vs_cli_error(c, &e, vs_error_set(&e, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory"));
    int rc = vs_cli_load_scenario(scenario, sc, &e);
    if (rc == VS_OK && sc->sweep.n > 0) {
        rc = run_sweep(c, scenario, a, &o, sc, &e);
        free(sc);
        return rc == VS_OK ? VS_OK : vs_cli_error(c, &e, rc);
    }
    if (rc == VS_OK && (o.sweep_point >= 0 || o.emit_jobs)) {
        free(sc);
        fprintf(c->err, "virtsim: %s has no sweep: section; --sweep-point and --emit-jobs need one\n", scenario);
        return VS_ERR_INPUT;
    }
    struct vs_results res = {0};
    uint32_t reps = o.reps ? o.reps : sc->n_engines > 1 ? DEFAULT_COMPARE_REPS : 1;
    if (rc == VS_OK) {
        struct vs_cli_watch watch;
        vs_cli_watch_begin(&watch, c->err, sc->control);
        rc = vs_sim_run_replicated(sc, a->have_seed ? a->seed : sc->seed, reps, o.threads, &res, &e);
        vs_cli_watch_end(&watch);
    }
    free(sc);
    rc = vs_cli_write_partial(c, a->output, &res, a->format, rc, &e);
    if (rc == VS_OK) vs_cli_warn_failed_starts(c, &res);
    vs_results_free(&res);
    return rc == VS_OK ? VS_OK : vs_cli_error(c, &e, rc);
}

static int run(const struct vs_cli *c, const struct vs_cmd *cmd, const struct vs_cmd_args *a)
{
    (void)cmd;
    return vs_cli_run_scenario(c, a->pos[0], a);
}

const struct vs_cmd vs_cmd_run = {
    .name = "run",
    .args = "SCENARIO",
    .min_args = 1,
    .max_args = 1,
    .missing = "run needs a scenario (a file or a built-in name)",
    .summary = "run a scenario (a YAML file or a built-in name) and report",
    .help = "Runs every engine listed in the scenario's compare: on the same guests and prints,\n"
            "per guest and engine, throughput (or completion time for batch work), latency\n"
            "mean/p50/p99, CPU time by category, memory, disk and network use, and host\n"
            "utilisation.\n"
            "\n"
            "  SCENARIO   a YAML file, or the name of a built-in scenario (virtsim list scenarios)\n"
            "\n"
            "With several engines, a block of scores against native gives for each guest group\n"
            "the figure that fits its load: for an open load the host CPU each request costs\n"
            "and its p99 latency (below capacity, every engine completes the same requests);\n"
            "for a closed loop the throughput; for a batch its speed. The scenario runs 5\n"
            "replications (--reps N for another number) and each score gets a 95 % interval;\n"
            "a score whose interval holds 1.00 prints as 1.00. The other figures are the first\n"
            "replication's.\n"
            "\n"
            "A scenario with sweep: runs once per value of its parameter (one report row per\n"
            "point); --threads, --sweep-point and --emit-jobs apply to it.\n"
            "\n"
            "The run's queues may hold at most --memory-budget in all (default: a quarter of the\n"
            "machine's memory); past it the run stops with an error naming the queue (exit 1).\n"
            "On a terminal a progress line shows on standard error after a second. Ctrl-C stops\n"
            "the run at its next event and prints the report so far, marked partial (exit 130).\n",
    .opts = options,
    .run = run,
};
