/* `virtsim compare`: one workload alone on a host under each approach,
 * saturated, scored against native (run/compare.c builds the scenario). */
#include <stdlib.h>

#include "cmd.h"
#include "virtsim/run/compare.h"
#include "virtsim/run/replicate.h"
#include "virtsim/run/sim.h"

/* Without --duration, compare runs long enough for this many completions
 * under every approach (a count's resolution is 1/count), up to a limit. */
#define MIN_COMPLETIONS 400
#define MAX_AUTO_DURATION_NS (600 * VS_NS_PER_S)

static const struct vs_cmd_opt options[] = {
    VS_CMD_OPT_APPROACHES("comma-separated approaches or presets (default: all; see virtsim list\n"
                          "approaches); presets the host cannot run (e.g. hvm on a CPU without\n"
                          "VT-x) are left out and named"),
    VS_CMD_OPT_HOST("host profile (default: current; see virtsim list hosts)"),
    {VS_OPT_VCPUS, "vcpus", 0, "N", "virtual CPUs of the guest (default: 2)"},
    {VS_OPT_DURATION, "duration", 0, "TIME",
     "simulated time per approach (default: 10 s, longer for a workload with few\n"
     "completions: enough for 400 under native, up to 600 s)"},
    VS_CMD_OPT_SEED("random seed (default: 1)"),
    {VS_OPT_REPS, "reps", 0, "N",
     "replications (default: as many as it takes, five at a time up to 100, for every\n"
     "score's 95 % interval to be within +-1 %)"},
    {VS_OPT_THREADS, "threads", 0, "N", "replications run in parallel (default: the CPUs; the output is the same)"},
    VS_CMD_OPT_FORMAT("table (default), csv or json (the full report of every run)"),
    VS_CMD_OPT_OUTPUT("write to FILE (written whole, then renamed into place)"),
    VS_CMD_OPT_MEMORY_BUDGET,
    {0},
};

static int run(const struct vs_cli *c, const struct vs_cmd *cmd, const struct vs_cmd_args *a)
{
    struct vs_compare_opts o = {.workload = a->pos[0], .host = a->host, .approaches = a->approaches,
                                .seed = a->have_seed ? a->seed : 1};
    uint32_t reps = VS_REPS_AUTO, threads = 0;
    for (int i = 0; i < a->n_opts; i++) {
        const struct vs_cmd_value *v = &a->opts[i];
        int rc = VS_OK;
        if (v->opt->id == VS_OPT_VCPUS) rc = vs_cli_uint(c, cmd, v, 1, VS_MAX_VCPUS, &o.vcpus);
        else if (v->opt->id == VS_OPT_REPS) rc = vs_cli_uint(c, cmd, v, 1, VS_REPS_MAX, &reps);
        else if (v->opt->id == VS_OPT_THREADS) rc = vs_cli_uint(c, cmd, v, 1, 64, &threads);
        else if (v->opt->id == VS_OPT_DURATION) rc = vs_cli_duration(c, cmd, v, &o.duration_ns);
        if (rc != VS_OK) return rc;
    }
    struct vs_error e;
    vs_error_clear(&e);
    struct vs_scenario *sc = malloc(sizeof *sc);
    if (!sc) return vs_cli_error(c, &e, vs_error_set(&e, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory"));
    char skipped[2048];
    int rc = vs_compare_scenario(&o, sc, skipped, sizeof skipped, &e);
    struct vs_results res = {0};
    struct vs_cli_watch watch;
    sc->control = c->control;
    vs_cli_watch_begin(&watch, c->err, c->control);
    if (rc == VS_OK) rc = vs_sim_run_replicated(sc, o.seed, reps, threads, &res, &e);
    /* A throughput counted over few completions cannot resolve +-1 %
     * however many replications run (each count is +-1): unless the user
     * chose a duration, run long enough for MIN_COMPLETIONS under native,
     * the count every score is divided by (an approach far slower than
     * native is far from 1.00 anyway; its interval says how far). */
    if (rc == VS_OK && o.duration_ns == 0 && res.n_runs > 0 && res.runs[res.scores.baseline].n_groups) {
        uint64_t fewest = res.runs[res.scores.baseline].groups[0].completed;
        if (fewest > 0 && fewest < MIN_COMPLETIONS) {
            double scale = (double)MIN_COMPLETIONS / (double)fewest;
            double longer = (double)sc->duration_ns * scale;
            if (longer > (double)MAX_AUTO_DURATION_NS) longer = (double)MAX_AUTO_DURATION_NS;
            if (longer > (double)sc->duration_ns * 1.5) {
                sc->duration_ns = (vs_time_ns)longer;
                sc->warmup_ns = sc->duration_ns / 10;
                vs_results_free(&res);
                rc = vs_sim_run_replicated(sc, o.seed, reps, threads, &res, &e);
            }
        }
    }
    vs_cli_watch_end(&watch);
    free(sc);
    struct vs_cli_report job = {&res, a->format, skipped};
    if (rc == VS_OK || rc == VS_ERR_INTERRUPTED) {
        struct vs_error we;
        int wrc = vs_cli_write_to(c, a->output, vs_cli_write_report, &job, &we);
        if (wrc != VS_OK) {
            rc = wrc;
            e = we;
        } else if (rc == VS_ERR_INTERRUPTED) {
            vs_error_set(&e, VS_ERR_INTERRUPTED, NULL, 0, 0, "interrupted: the report holds partial results");
        }
    }
    if (rc == VS_OK) vs_cli_warn_failed_starts(c, &res);
    vs_results_free(&res);
    return rc == VS_OK ? VS_OK : vs_cli_error(c, &e, rc);
}

const struct vs_cmd vs_cmd_compare = {
    .name = "compare",
    .args = "WORKLOAD",
    .min_args = 1,
    .max_args = 1,
    .missing = "compare needs a workload (see virtsim list workloads)",
    .summary = "one workload under every approach, scored against native",
    .help = "Runs one workload alone on the host under each approach (native first, as the\n"
            "baseline) and prints its score relative to native (1.00 = native), where its CPU\n"
            "time went, and the events per second (VM exits, hypercalls, traps, translations,\n"
            "interrupts). The workload runs saturated - a closed loop with no think time - so\n"
            "throughput is the guest's capacity under each approach.\n"
            "\n"
            "  WORKLOAD   a built-in workload (virtsim list workloads) or a YAML file\n"
            "\n"
            "On a terminal a progress line shows on standard error after a second. Ctrl-C stops\n"
            "at the next event and prints the results so far, marked partial (exit 130).\n",
    .opts = options,
    .run = run,
};
