/* `virtsim density`: how many identical guests fit per approach while every
 * SLA holds (run/density.c searches). */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "virtsim/load/builtin.h"
#include "virtsim/load/config.h"
#include "virtsim/model/engine.h"
#include "virtsim/run/compare.h"
#include "virtsim/run/density.h"
#include "virtsim/run/tradeoff.h"
#include "virtsim/out/chart.h"

static const struct vs_cmd_opt options[] = {
    {VS_OPT_SLA, "sla", 0, "SLA",
     "p99<TIME, p50<TIME or throughput>=PERCENT (open load: completed vs\n"
     "arrived; closed load: per guest vs one guest alone); repeat for several;\n"
     "every guest must also start (memory)"},
    VS_CMD_OPT_APPROACHES("comma-separated presets (default for a workload: native, qemu, xen-pv,\n"
                          "kvm, lxc)"),
    {VS_OPT_MAX, "max", 0, "N", "upper bound of the search (default 256)"},
    VS_CMD_OPT_HOST("host profile for a workload (default: current)"),
    {VS_OPT_VCPUS, "vcpus", 0, "N", "vCPUs per guest for a workload (default: 1)"},
    {VS_OPT_DURATION, "duration", 0, "TIME", "simulated time per point (default: 5s for a workload)"},
    {VS_OPT_THREADS, "threads", 0, "N",
     "approaches searched in parallel, and an approach's next probe beside its\n"
     "current one when a thread is free (default: the CPUs; same result)"},
    {VS_OPT_EXHAUSTIVE, "exhaustive", 0, NULL,
     "the reference search: doubling then bisection, every probe simulated in\n"
     "full (slow; the same density and limit: what the default search is\n"
     "checked against)"},
    {VS_OPT_OVERCOMMIT, "overcommit", 0, "LIST",
     "count guests with memory overcommit settled: sharing (KSM, TPS), balloon,\n"
     "where the system has them; says what each saved. vcpus: also the count\n"
     "without vCPU overcommit (a core per vCPU) and the steal time at the density;\n"
     "several comma-separated (sharing,balloon,vcpus)"},
    {VS_OPT_CURVE, "curve", 0, NULL,
     "once the density is found, also simulate in full every sixteenth of it\n"
     "up to the density and one guest more: a curve measured all along (for\n"
     "slides); the density, limit and figures of the search stay the same"},
    {VS_OPT_STEP, "step", 0, "N",
     "as --curve, every N guests (widened when the points would pass 64)"},
    {VS_OPT_CHART, "chart", 0, "FILE", "also draw a chart, FILE.svg, .pdf or .png (its numbers in FILE.csv)"},
    {VS_OPT_KIND, "kind", 0, "KIND",
     "the chart: density (default), density-curve or tradeoff (guests per host\n"
     "against CPU per operation over native's, one guest alone: run/tradeoff.h)"},
    VS_CMD_OPT_FORMAT("table (default), csv or json"),
    VS_CMD_OPT_OUTPUT("write to FILE (written whole, then renamed into place)"),
    VS_CMD_OPT_MEMORY_BUDGET,
    {0},
};

struct density_job {
    const struct vs_scenario *sc;
    const struct vs_density_opts *o;
    const struct vs_density_result *res;
    enum vs_report_format fmt;
};

static int write_density(FILE *f, const void *ctx, struct vs_error *e)
{
    const struct density_job *j = ctx;
    if (j->fmt == VS_REPORT_JSON) return vs_density_write_json(f, j->sc, j->o, j->res, j->sc->n_engines, e);
    if (j->fmt == VS_REPORT_CSV) vs_density_write_csv(f, j->res, j->sc->n_engines);
    else vs_density_write_table(f, j->sc, j->o, j->res, j->sc->n_engines);
    return ferror(f) ? vs_error_set(e, VS_ERR_RUNTIME, NULL, 0, 0, "writing the output failed") : VS_OK;
}

/* A scenario names its guests and approaches; a workload gets a one-group
 * scenario on the chosen host, like `compare`, with its own load. */
static int build_scenario(const char *what, const struct vs_cmd_args *a, uint32_t vcpus, vs_time_ns duration,
                          struct vs_scenario *sc, struct vs_error *e)
{
    int rc;
    bool is_scenario = vs_builtin_find(VS_BUILTIN_SCENARIO, what) != NULL;
    if (!is_scenario && vs_cli_file_exists(what)) {
        enum vs_config_kind kind = VS_CONFIG_UNKNOWN;
        struct vs_error probe;
        /* A scenario with an error is still a scenario: its own error, not
         * a workload's complaint about its keys. */
        vs_config_validate_file(what, &kind, &probe);
        if (kind == VS_CONFIG_SCENARIO) is_scenario = true;
    }
    if (is_scenario) {
        rc = vs_cli_load_scenario(what, sc, e);
        if (rc == VS_OK && duration) sc->duration_ns = duration, sc->warmup_ns = duration / 10;
    } else {
        /* The same scenario the TUI's Density panel searches (run/tradeoff.h). */
        struct vs_density_setup ds = {.workload = what, .host = a->host, .approaches = a->approaches,
                                      .vcpus = vcpus, .duration_ns = duration};
        char skipped[1024];
        rc = vs_density_workload_scenario(&ds, sc, skipped, sizeof skipped, e);
    }
    if (rc == VS_OK && is_scenario && a->approaches) {
        sc->n_engines = 0;
        char list[1024];
        snprintf(list, sizeof list, "%s", a->approaches);
        for (char *save = NULL, *t = strtok_r(list, ",", &save); t && rc == VS_OK; t = strtok_r(NULL, ",", &save)) {
            if (!vs_preset_find(t, NULL))
                rc = vs_error_set(e, VS_ERR_INPUT, NULL, 0, 0, "--approaches: unknown approach '%s'; known: %s", t,
                                  vs_engine_names());
            else if (sc->n_engines < VS_MAX_ENGINES)
                snprintf(sc->engines[sc->n_engines++], VS_NAME_MAX, "%s", t);
        }
    }
    return rc;
}

static int run(const struct vs_cli *c, const struct vs_cmd *cmd, const struct vs_cmd_args *a)
{
    struct vs_density_opts o = {.max_guests = 256};
    const char *chart = NULL, *kind_name = "density";
    char sla_words[256] = "";
    uint32_t vcpus = 1;
    vs_time_ns duration = 0;
    struct vs_error e;
    vs_error_clear(&e);
    for (int i = 0; i < a->n_opts; i++) {
        const struct vs_cmd_value *v = &a->opts[i];
        int rc = VS_OK;
        switch (v->opt->id) {
        case VS_OPT_SLA:
            rc = vs_cli_sla(c, cmd, v, &o);
            if (rc == VS_OK) {
                size_t used = strlen(sla_words);
                snprintf(sla_words + used, sizeof sla_words - used, "%s%s", used ? " and " : "", v->value);
            }
            break;
        case VS_OPT_CHART: chart = v->value; break;
        case VS_OPT_KIND: kind_name = v->value; break;
        case VS_OPT_MAX: rc = vs_cli_uint(c, cmd, v, 1, VS_MAX_GUESTS, &o.max_guests); break;
        case VS_OPT_THREADS: rc = vs_cli_uint(c, cmd, v, 1, 64, &o.threads); break;
        case VS_OPT_VCPUS: rc = vs_cli_uint(c, cmd, v, 1, VS_MAX_VCPUS, &vcpus); break;
        case VS_OPT_DURATION: rc = vs_cli_duration(c, cmd, v, &duration); break;
        case VS_OPT_EXHAUSTIVE: o.exhaustive = true; break;
        case VS_OPT_CURVE: o.curve = true; break;
        case VS_OPT_STEP: rc = vs_cli_uint(c, cmd, v, 1, VS_MAX_GUESTS, &o.curve_step); break;
        case VS_OPT_OVERCOMMIT:
            rc = vs_density_parse_overcommit(v->value, &o, &e);
            if (rc != VS_OK) return vs_cli_error(c, &e, rc);
            break;
        }
        if (rc != VS_OK) return rc;
    }
    enum vs_chart_kind kind = VS_CHART_DENSITY;
    if (vs_chart_parse_kind(kind_name, &kind) != VS_OK ||
        (kind != VS_CHART_DENSITY && kind != VS_CHART_DENSITY_CURVE && kind != VS_CHART_TRADEOFF))
        return vs_cli_usage(c, cmd, "--kind must be density, density-curve or tradeoff, not '%s'", kind_name);
    size_t clen = chart ? strlen(chart) : 0;
    if (chart && !(clen > 4 && (strcmp(chart + clen - 4, ".svg") == 0 || strcmp(chart + clen - 4, ".pdf") == 0 ||
                                strcmp(chart + clen - 4, ".png") == 0)))
        return vs_cli_usage(c, cmd, "--chart must name a .svg, .pdf or .png file");
    struct vs_scenario *sc = malloc(sizeof *sc);
    struct vs_density_result *res = NULL;
    if (!sc) return vs_cli_error(c, &e, vs_error_set(&e, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory"));
    int rc = build_scenario(a->pos[0], a, vcpus, duration, sc, &e);
    if (rc == VS_OK) {
        res = calloc(sc->n_engines ? sc->n_engines : 1, sizeof *res);
        if (!res) rc = vs_error_set(&e, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    }
    if (rc == VS_OK) {
        sc->control = c->control;
        struct vs_cli_watch watch;
        vs_cli_watch_begin(&watch, c->err, c->control);
        rc = chart && kind == VS_CHART_TRADEOFF ? vs_tradeoff_run(sc, &o, res, &e) : vs_density_run(sc, &o, res, &e);
        vs_cli_watch_end(&watch);
        /* A search cut short has no answer: nothing is written. */
        if (rc == VS_ERR_INTERRUPTED)
            vs_error_set(&e, VS_ERR_INTERRUPTED, NULL, 0, 0, "interrupted: the search did not finish; nothing was written");
    }
    struct density_job job = {sc, &o, res, a->format};
    if (rc == VS_OK) rc = vs_cli_write_to(c, a->output, write_density, &job, &e);
    if (rc == VS_OK && chart) {
        struct vs_chart *ch = calloc(1, sizeof *ch);
        if (!ch) rc = vs_error_set(&e, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
        double p99 = 0;
        for (uint32_t q = 0; q < o.n_slas; q++)
            if (o.slas[q].kind == VS_SLA_P99) p99 = o.slas[q].limit;
        if (rc == VS_OK && kind == VS_CHART_TRADEOFF) vs_chart_tradeoff(sc, res, sc->n_engines, sla_words, ch);
        else if (rc == VS_OK && kind == VS_CHART_DENSITY) vs_chart_density(sc, res, sc->n_engines, sla_words, ch);
        else if (rc == VS_OK) vs_chart_density_curve(sc, res, sc->n_engines, p99, ch);
        /* Counts with overcommit are not the counts without: the title says which. */
        if (rc == VS_OK && (o.overcommit_sharing || o.overcommit_balloon)) {
            size_t tl = strlen(ch->title);
            snprintf(ch->title + tl, sizeof ch->title - tl, ", overcommit %s%s%s", o.overcommit_sharing ? "sharing" : "",
                     o.overcommit_sharing && o.overcommit_balloon ? "," : "", o.overcommit_balloon ? "balloon" : "");
        }
        /* The chart goes beside the report: its "wrote" line on stderr when the report is on stdout. */
        struct vs_cli quiet = *c;
        if (!a->output || strcmp(a->output, "-") == 0) quiet.out = c->err;
        if (rc == VS_OK) rc = vs_cli_write_chart(&quiet, ch, chart, 1280, 720, &e);
        free(ch);
    }
    free(res);
    free(sc);
    return rc == VS_OK ? VS_OK : vs_cli_error(c, &e, rc);
}

const struct vs_cmd vs_cmd_density = {
    .name = "density",
    .args = "SCENARIO|WORKLOAD",
    .min_args = 1,
    .max_args = 1,
    .missing = "density needs a scenario or a workload",
    .summary = "how many identical guests fit per approach while SLAs hold",
    .help = "For each approach, the largest number of identical guests on the host that still\n"
            "meets every SLA. Each point is a simulation; the search aims at the boundary from\n"
            "what its first points measured (the busiest resource's demand per guest, memory)\n"
            "and proves it with full runs: the density passes, one guest more fails. Counts\n"
            "beyond what fits in memory are decided without a simulation, and points far from\n"
            "the boundary stop early (--exhaustive: doubling then bisection, all in full; the\n"
            "same density and limit). Reports the limiting resource (cpu, memory, disk, nic),\n"
            "the memory per guest by part, and throughput and p99 against the guest count.\n"
            "\n"
            "  SCENARIO|WORKLOAD   a scenario (its first guest group is replicated, its compare:\n"
            "                      list gives the approaches) or a workload (built-in or file)\n",
    .opts = options,
    .run = run,
};
