/* The command line: parses subcommands and flags, loads what they name,
 * runs the model and hands the results to the report writers. Every failure
 * comes back here as a status; main() turns it into the exit code. */
#include "virtsim/ui/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "virtsim/load/builtin.h"
#include "virtsim/out/chart.h"
#include "virtsim/load/yamltree.h"
#include "virtsim/run/compare.h"
#include "virtsim/run/density.h"
#include "virtsim/load/config.h"
#include "virtsim/model/engine.h"
#include "virtsim/out/output.h"
#include "virtsim/out/report.h"
#include "virtsim/run/sim.h"
#include "virtsim/run/stepper.h"
#include "virtsim/run/sweep.h"
#include "virtsim/ui/tui.h"
#include "virtsim/core/units.h"

#ifndef VS_VERSION
#define VS_VERSION "dev"
#endif

struct cli {
    FILE *out, *err;
};

static int report_error(const struct cli *c, const struct vs_error *e, int status)
{
    char buf[1200];
    vs_error_format(e, buf, sizeof buf);
    fprintf(c->err, "virtsim: %s\n", buf);
    return status;
}

static int usage_error(const struct cli *c, const char *cmd, const char *fmt, const char *arg)
{
    fprintf(c->err, "virtsim: ");
    fprintf(c->err, fmt, arg);
    fprintf(c->err, "\nTry 'virtsim %s%s--help'.\n", cmd ? cmd : "", cmd ? " " : "");
    return VS_ERR_INPUT;
}

/* ---- help texts ---- */

static const char main_help[] =
    "virtsim " VS_VERSION " - a discrete-event simulator that teaches virtualization\n"
    "\n"
    "usage: virtsim [COMMAND] [ARGS...]\n"
    "\n"
    "With no command, virtsim opens the terminal UI on the built-in default scenario, or\n"
    "prints its report when standard output is not a terminal.\n"
    "\n"
    "commands:\n"
    "  run SCENARIO        run a scenario (a YAML file or a built-in name) and report\n"
    "  compare WORKLOAD    one workload under every approach, scored against native\n"
    "  tui [SCENARIO]      the terminal UI: watch the engines side by side, change guests live\n"
    "  density WHAT        how many identical guests fit per approach while SLAs hold\n"
    "  merge FILE.csv...   merge the CSVs of a sweep's points run as separate jobs\n"
    "  chart WHAT --kind K --output FILE.svg|pdf|png   a chart for slides or handouts\n"
    "  list KIND           list built-in workloads, scenarios, hosts or approaches\n"
    "  show [KIND] NAME    print a built-in workload, scenario or host as YAML to copy and edit\n"
    "  validate FILE...    check YAML files (scenario, workload or host profile)\n"
    "  help [COMMAND]      explain a command\n"
    "\n"
    "options:\n"
    "  -h, --help          this text (or a command's, after the command)\n"
    "  --version           print the version\n"
    "\n"
    "exit codes: 0 success, 1 the run failed, 2 bad usage or bad input\n";

static const char run_help[] =
    "usage: virtsim run SCENARIO [--seed N] [--format table|csv|json] [--output FILE]\n"
    "                   [--threads N] [--sweep-point K] [--emit-jobs]\n"
    "\n"
    "Runs every engine listed in the scenario's compare: on the same guests and prints,\n"
    "per guest and engine, throughput (or completion time for batch work), latency\n"
    "mean/p50/p99, CPU time by category, memory, disk and network use, and host\n"
    "utilisation.\n"
    "\n"
    "  SCENARIO            a YAML file, or the name of a built-in scenario (virtsim list scenarios)\n"
    "  --seed N            random seed (default: the scenario's seed:)\n"
    "  --format F          table (default), csv or json; all carry the same figures\n"
    "  -o, --output FILE   write the report to FILE (written whole, then renamed into place)\n"
    "\n"
    "A scenario with sweep: runs once per value of its parameter (one report row per point):\n"
    "  --threads N         points run in parallel (default: the CPUs; the output is the same)\n"
    "  --sweep-point K     run only point K (0-based), e.g. as one job of a cluster array\n"
    "  --emit-jobs         print one independent command line per point instead of running;\n"
    "                      feed them to GNU parallel or a job array, then virtsim merge the CSVs\n";

static const char chart_help[] =
    "usage: virtsim chart SCENARIO.yaml|RESULTS.json --kind KIND --output FILE.{svg,pdf,png}\n"
    "                     [--title TEXT] [--size slide|column] [--width N]\n"
    "\n"
    "Draws a chart (SVG, PDF or PNG by the file's extension) and writes the numbers it\n"
    "plots beside it as FILE.csv. Kinds:\n"
    "  relative    throughput of each guest group per engine, relative to the first (native)\n"
    "  breakdown   where the guests' CPU time went per engine (stacked)\n"
    "  sweep       the scenario's swept parameter against throughput, per engine\n"
    "  timeline    throughput over simulated time per engine, events marked\n"
    "  density     guests per host per approach (with --sla like virtsim density)\n"
    "  density-curve  p99 latency against the guest count per approach, the p99 SLA as a line\n"
    "--metric throughput|p50|p99|cpu chooses what a sweep chart plots (default throughput).\n"
    "A RESULTS.json written by `virtsim run` or `compare --format json` remakes relative and\n"
    "breakdown charts, one by `virtsim density --format json` density charts (give --sla\n"
    "again for the SLA line), without simulating again. --size slide is 16:9 (default 1280x720), column is\n"
    "a page column (640x400); --width scales either.\n";

static const char merge_help[] =
    "usage: virtsim merge FILE.csv... [--output FILE]\n"
    "\n"
    "Merges the CSV outputs of a sweep's points (virtsim run --sweep-point K --format csv)\n"
    "into the CSV of the whole sweep, ordered by point; the headers must agree.\n";

static const char compare_help[] =
    "usage: virtsim compare WORKLOAD [--approaches LIST] [--host PROFILE] [--vcpus N]\n"
    "                       [--duration TIME] [--seed N] [--format table|csv|json] [--output FILE]\n"
    "\n"
    "Runs one workload alone on the host under each approach (native first, as the\n"
    "baseline) and prints its score relative to native (1.00 = native), where its CPU\n"
    "time went, and the events per second (VM exits, hypercalls, traps, translations,\n"
    "interrupts). The workload runs saturated - a closed loop with no think time - so\n"
    "throughput is the guest's capacity under each approach.\n"
    "\n"
    "  WORKLOAD            a built-in workload (virtsim list workloads) or a YAML file\n"
    "  --approaches LIST   comma-separated approaches or presets (default: all;\n"
    "                      see virtsim list approaches); presets the host cannot run\n"
    "                      (e.g. hvm on a CPU without VT-x) are left out and named\n"
    "  --host PROFILE      host profile (default: current; see virtsim list hosts)\n"
    "  --vcpus N           virtual CPUs of the guest (default: 2)\n"
    "  --duration TIME     simulated time per approach (default: 10s)\n"
    "  --seed N            random seed (default: 1)\n"
    "  --format F          table (default), csv or json (the full report of every run)\n"
    "  -o, --output FILE   write to FILE (written whole, then renamed into place)\n";

static const char tui_help[] =
    "usage: virtsim tui [SCENARIO] [--seed N]\n"
    "\n"
    "Opens the terminal UI on a scenario (default: the built-in default scenario): every\n"
    "engine of its compare: list runs the same guests side by side; press ? for the keys.\n";

static const char density_help[] =
    "usage: virtsim density SCENARIO|WORKLOAD [--sla SLA]... [--approaches LIST] [--max N]\n"
    "                       [--host PROFILE] [--vcpus N] [--duration TIME] [--threads N]\n"
    "                       [--format table|csv|json] [--output FILE]\n"
    "\n"
    "For each approach, the largest number of identical guests on the host that still\n"
    "meets every SLA, found by doubling then bisection over the guest count; each point\n"
    "is a full simulation. Reports the limiting resource (cpu, memory, disk, nic), the\n"
    "memory per guest by part, and throughput and p99 against the guest count.\n"
    "\n"
    "  SCENARIO|WORKLOAD   a scenario (its first guest group is replicated, its compare:\n"
    "                      list gives the approaches) or a workload (built-in or file)\n"
    "  --sla SLA           p99<TIME, p50<TIME or throughput>=PERCENT (open load: completed\n"
    "                      vs arrived; closed load: per guest vs one guest alone); repeat\n"
    "                      for several; every guest must also start (memory)\n"
    "  --approaches LIST   comma-separated presets (default for a workload: native, qemu,\n"
    "                      xen-pv, kvm, lxc)\n"
    "  --max N             upper bound of the search (default 256)\n"
    "  --host PROFILE      host profile for a workload (default: current)\n"
    "  --vcpus N           vCPUs per guest for a workload (default: 1)\n"
    "  --duration TIME     simulated time per point (default: 5s for a workload)\n"
    "  --threads N         approaches searched in parallel (default: the CPUs; same result)\n";

static const char list_help[] =
    "usage: virtsim list workloads|scenarios|hosts|approaches\n"
    "\n"
    "Lists the built-in library (embedded in the binary) or the engines, one per line\n"
    "with a short description.\n";

static const char show_help[] =
    "usage: virtsim show [workload|scenario|host] NAME\n"
    "\n"
    "Prints a built-in file's YAML. Save it, edit it, and run it:\n"
    "  virtsim show web-server > my-server.yaml\n";

static const char validate_help[] =
    "usage: virtsim validate FILE...\n"
    "\n"
    "Checks each YAML file (a scenario, a workload or a host profile, told apart by its\n"
    "keys) and prints 'FILE: ok (KIND)' or the first error as FILE:LINE:COL: message.\n"
    "Exits with 2 if any file has an error.\n";

static bool is_help(const char *a) { return strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0; }

/* ---- loading ---- */

static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static void list_names(enum vs_builtin_kind kind, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < vs_builtin_count() && used < len; i++) {
        const struct vs_builtin *b = vs_builtin_at(i);
        if (b->kind != kind) continue;
        used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "", b->name);
    }
}

/* A scenario named on the command line: a file if one exists, else a built-in. */
static int load_scenario(const char *name, struct vs_scenario *sc, struct vs_error *e)
{
    if (file_exists(name)) return vs_config_load_scenario_file(name, sc, e);
    const struct vs_builtin *b = vs_builtin_find(VS_BUILTIN_SCENARIO, name);
    if (b) {
        char origin[300];
        snprintf(origin, sizeof origin, "builtin:%s", b->path);
        return vs_config_load_scenario(b->data, b->len, origin, NULL, sc, e);
    }
    char names[512];
    list_names(VS_BUILTIN_SCENARIO, names, sizeof names);
    return vs_error_set(e, VS_ERR_INPUT, NULL, 0, 0,
                        "%s: no such file, and no built-in scenario of that name (built-in: %s)",
                        name, names);
}

static int parse_seed(const char *text, uint64_t *seed)
{
    if (!text[0] || text[0] == '-') return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || *end) return -1;
    *seed = v;
    return 0;
}

/* Flag values shared by several commands. Each returns VS_OK and sets *out,
 * or prints the usage error and returns VS_ERR_INPUT. */
static int flag_uint(const struct cli *c, const char *cmd, const char *flag, const char *v, uint64_t min,
                     uint64_t max, uint32_t *out)
{
    uint64_t n;
    if (parse_seed(v, &n) != 0 || n < min || n > max) {
        fprintf(c->err, "virtsim: %s needs a whole number from %llu to %llu, not '%s'\nTry 'virtsim %s --help'.\n",
                flag, (unsigned long long)min, (unsigned long long)max, v, cmd);
        return VS_ERR_INPUT;
    }
    *out = (uint32_t)n;
    return VS_OK;
}

static int flag_duration(const struct cli *c, const char *cmd, const char *v, vs_time_ns *out)
{
    double ns;
    char why[200];
    if (vs_units_parse(v, VS_UNIT_TIME, &ns, why, sizeof why) != 0 || ns < 1e6 || ns > (double)VS_MAX_DURATION_NS) {
        fprintf(c->err, "virtsim: --duration needs a time from 1ms to 1 day, such as 5s, not '%s'\nTry 'virtsim %s --help'.\n",
                v, cmd);
        return VS_ERR_INPUT;
    }
    *out = (vs_time_ns)ns;
    return VS_OK;
}

/* Accepts "--flag value" and "--flag=value". Returns the value or NULL. */
static const char *flag_value(int argc, char **argv, int *i, const char *flag, const char *alias)
{
    const char *a = argv[*i];
    size_t n = strlen(flag);
    if (strncmp(a, flag, n) == 0 && a[n] == '=') return a + n + 1;
    if (strcmp(a, flag) == 0 || (alias && strcmp(a, alias) == 0)) {
        if (*i + 1 >= argc) return "";
        return argv[++*i];
    }
    return NULL;
}

/* ---- run ---- */

/* Every command's output goes through here: to stdout (no path, or "-"), or
 * to a file through a temporary file and a rename, so a failure never
 * leaves a partial file or destroys the old one. */
typedef int (*writer_fn)(FILE *f, const void *ctx, struct vs_error *e);

static int write_to(const struct cli *c, const char *path, writer_fn fn, const void *ctx, struct vs_error *e)
{
    if (!path || strcmp(path, "-") == 0) {
        int rc = fn(c->out, ctx, e);
        if (rc == VS_OK && fflush(c->out) != 0)
            rc = vs_error_set(e, VS_ERR_RUNTIME, NULL, 0, 0, "writing the output: %s", strerror(errno));
        return rc;
    }
    struct vs_output out;
    int rc = vs_output_open(path, &out, e);
    if (rc != VS_OK) return rc;
    rc = fn(out.file, ctx, e);
    if (rc != VS_OK) {
        vs_output_abort(&out);
        return rc;
    }
    return vs_output_commit(&out, e);
}

struct report_job {
    const struct vs_results *res;
    enum vs_report_format fmt;
    const char *skipped; /* compare's table: presets the host could not run; NULL otherwise */
};

static int write_report(FILE *f, const void *ctx, struct vs_error *e)
{
    const struct report_job *j = ctx;
    if (j->fmt == VS_REPORT_TABLE && j->skipped) {
        vs_compare_write_table(f, j->res, j->skipped);
        return VS_OK;
    }
    return vs_report_write(f, j->res, j->fmt, e);
}

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
    const char *scenario;
    const char *output;
    enum vs_report_format format;
    bool have_seed;
    uint64_t seed;
    uint32_t threads;
    int64_t sweep_point;    /* -1: all */
    bool emit_jobs;
};

static int run_sweep(const struct cli *c, const struct run_opts *o, const struct vs_scenario *sc,
                     struct vs_error *e)
{
    if (o->emit_jobs) {
        for (uint32_t k = 0; k < sc->sweep.n; k++)
            fprintf(c->out, "virtsim run '%s' --sweep-point %u --seed %llu --format csv --output 'point-%03u.csv'\n",
                    o->scenario, k, (unsigned long long)(o->have_seed ? o->seed : sc->seed), k);
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
    int rc = vs_sweep_run(sc, o->have_seed ? o->seed : sc->seed, first, n, o->threads, pts, e);
    if (rc == VS_OK) {
        struct sweep_job job = {sc, first, n, pts, (int)o->format};
        rc = write_to(c, o->output, write_sweep, &job, e);
        for (uint32_t i = 0; i < n; i++) vs_results_free(&pts[i]);
    }
    free(pts);
    return rc;
}

static int run_and_report(const struct cli *c, const struct run_opts *o)
{
    struct vs_error e;
    vs_error_clear(&e);
    struct vs_scenario *sc = malloc(sizeof *sc);
    if (!sc) {
        fprintf(c->err, "virtsim: out of memory\n");
        return VS_ERR_RUNTIME;
    }
    int rc = load_scenario(o->scenario, sc, &e);
    if (rc != VS_OK) {
        free(sc);
        return report_error(c, &e, rc);
    }
    if (sc->sweep.n > 0) {
        rc = run_sweep(c, o, sc, &e);
        free(sc);
        return rc == VS_OK ? VS_OK : report_error(c, &e, rc);
    }
    if (o->sweep_point >= 0 || o->emit_jobs) {
        free(sc);
        fprintf(c->err, "virtsim: %s has no sweep: section; --sweep-point and --emit-jobs need one\n", o->scenario);
        return VS_ERR_INPUT;
    }
    struct vs_results res;
    rc = vs_sim_run_scenario(sc, o->have_seed ? o->seed : sc->seed, &res, &e);
    free(sc);
    if (rc != VS_OK) return report_error(c, &e, rc);

    struct report_job job = {&res, o->format, NULL};
    rc = write_to(c, o->output, write_report, &job, &e);
    vs_results_free(&res);
    return rc == VS_OK ? VS_OK : report_error(c, &e, rc);
}

static int cmd_run(const struct cli *c, int argc, char **argv)
{
    struct run_opts o = {.format = VS_REPORT_TABLE, .sweep_point = -1};
    for (int i = 1; i < argc; i++) {
        const char *v;
        uint64_t n;
        if (is_help(argv[i])) {
            fputs(run_help, c->out);
            return VS_OK;
        } else if (strcmp(argv[i], "--emit-jobs") == 0) {
            o.emit_jobs = true;
        } else if ((v = flag_value(argc, argv, &i, "--sweep-point", NULL))) {
            if (parse_seed(v, &n) != 0 || n >= VS_MAX_SWEEP_POINTS)
                return usage_error(c, "run", "--sweep-point needs a point number from 0 to 255, not '%s'", v);
            o.sweep_point = (int64_t)n;
        } else if ((v = flag_value(argc, argv, &i, "--threads", NULL))) {
            if (flag_uint(c, "run", "--threads", v, 1, 64, &o.threads) != VS_OK) return VS_ERR_INPUT;
        } else if ((v = flag_value(argc, argv, &i, "--seed", NULL))) {
            if (parse_seed(v, &o.seed) != 0)
                return usage_error(c, "run", "--seed needs a whole number >= 0, not '%s'", v);
            o.have_seed = true;
        } else if ((v = flag_value(argc, argv, &i, "--format", "-f"))) {
            if (vs_report_parse_format(v, &o.format) != VS_OK)
                return usage_error(c, "run", "--format must be table, csv or json, not '%s'", v);
        } else if ((v = flag_value(argc, argv, &i, "--output", "-o"))) {
            if (!v[0]) return usage_error(c, "run", "%s needs a file name", "--output");
            o.output = v;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return usage_error(c, "run", "unknown option '%s'", argv[i]);
        } else if (o.scenario) {
            return usage_error(c, "run", "one scenario at a time ('%s' is one too many)", argv[i]);
        } else {
            o.scenario = argv[i];
        }
    }
    if (!o.scenario) return usage_error(c, "run", "%s", "run needs a scenario (a file or a built-in name)");
    return run_and_report(c, &o);
}

/* ---- compare ---- */

static int cmd_compare(const struct cli *c, int argc, char **argv)
{
    struct vs_compare_opts o = {.seed = 1};
    enum vs_report_format fmt = VS_REPORT_TABLE;
    const char *output = NULL;
    for (int i = 1; i < argc; i++) {
        const char *v;
        if (is_help(argv[i])) {
            fputs(compare_help, c->out);
            return VS_OK;
        } else if ((v = flag_value(argc, argv, &i, "--approaches", "-a"))) {
            if (!v[0]) return usage_error(c, "compare", "%s needs a list", "--approaches");
            o.approaches = v;
        } else if ((v = flag_value(argc, argv, &i, "--host", NULL))) {
            if (!v[0]) return usage_error(c, "compare", "%s needs a host profile", "--host");
            o.host = v;
        } else if ((v = flag_value(argc, argv, &i, "--vcpus", NULL))) {
            if (flag_uint(c, "compare", "--vcpus", v, 1, VS_MAX_VCPUS, &o.vcpus) != VS_OK) return VS_ERR_INPUT;
        } else if ((v = flag_value(argc, argv, &i, "--duration", NULL))) {
            if (flag_duration(c, "compare", v, &o.duration_ns) != VS_OK) return VS_ERR_INPUT;
        } else if ((v = flag_value(argc, argv, &i, "--seed", NULL))) {
            if (parse_seed(v, &o.seed) != 0)
                return usage_error(c, "compare", "--seed needs a whole number >= 0, not '%s'", v);
        } else if ((v = flag_value(argc, argv, &i, "--format", "-f"))) {
            if (vs_report_parse_format(v, &fmt) != VS_OK)
                return usage_error(c, "compare", "--format must be table, csv or json, not '%s'", v);
        } else if ((v = flag_value(argc, argv, &i, "--output", "-o"))) {
            if (!v[0]) return usage_error(c, "compare", "%s needs a file name", "--output");
            output = v;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return usage_error(c, "compare", "unknown option '%s'", argv[i]);
        } else if (o.workload) {
            return usage_error(c, "compare", "one workload at a time ('%s' is one too many)", argv[i]);
        } else {
            o.workload = argv[i];
        }
    }
    if (!o.workload) return usage_error(c, "compare", "%s", "compare needs a workload (see virtsim list workloads)");
    struct vs_error e;
    vs_error_clear(&e);
    struct vs_scenario *sc = malloc(sizeof *sc);
    if (!sc) return report_error(c, &e, vs_error_set(&e, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory"));
    char skipped[2048];
    int rc = vs_compare_scenario(&o, sc, skipped, sizeof skipped, &e);
    struct vs_results res = {0};
    if (rc == VS_OK) rc = vs_sim_run_scenario(sc, o.seed, &res, &e);
    free(sc);
    struct report_job job = {&res, fmt, skipped};
    if (rc == VS_OK) rc = write_to(c, output, write_report, &job, &e);
    vs_results_free(&res);
    return rc == VS_OK ? VS_OK : report_error(c, &e, rc);
}

/* ---- tui ---- */

static int open_tui(const struct cli *c, const char *scenario, bool have_seed, uint64_t seed)
{
    struct vs_error e;
    vs_error_clear(&e);
    struct vs_scenario *sc = malloc(sizeof *sc);
    if (!sc) return report_error(c, &e, vs_error_set(&e, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory"));
    int rc = load_scenario(scenario, sc, &e);
    if (rc == VS_OK) rc = vs_tui_main(sc, have_seed ? seed : sc->seed, &e);
    free(sc);
    return rc == VS_OK ? VS_OK : report_error(c, &e, rc);
}

static int cmd_tui(const struct cli *c, int argc, char **argv)
{
    const char *scenario = NULL;
    bool have_seed = false;
    uint64_t seed = 0;
    for (int i = 1; i < argc; i++) {
        const char *v;
        if (is_help(argv[i])) {
            fputs(tui_help, c->out);
            return VS_OK;
        } else if ((v = flag_value(argc, argv, &i, "--seed", NULL))) {
            if (parse_seed(v, &seed) != 0)
                return usage_error(c, "tui", "--seed needs a whole number >= 0, not '%s'", v);
            have_seed = true;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return usage_error(c, "tui", "unknown option '%s'", argv[i]);
        } else if (scenario) {
            return usage_error(c, "tui", "one scenario at a time ('%s' is one too many)", argv[i]);
        } else {
            scenario = argv[i];
        }
    }
    if (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO)) {
        fprintf(c->err, "virtsim: the terminal UI needs a terminal; use 'virtsim run' for a report\n");
        return VS_ERR_INPUT;
    }
    return open_tui(c, scenario ? scenario : VS_DEFAULT_SCENARIO, have_seed, seed);
}

/* ---- density ---- */

struct density_job {
    const struct vs_scenario *sc;
    const struct vs_density_opts *o;
    const struct vs_density_result *res;
    enum vs_report_format fmt;
};

static int write_density(FILE *f, const void *ctx, struct vs_error *e)
{
    const struct density_job *j = ctx;
    if (j->fmt == VS_REPORT_CSV) vs_density_write_csv(f, j->res, j->sc->n_engines);
    else if (j->fmt == VS_REPORT_JSON) vs_density_write_json(f, j->sc, j->o, j->res, j->sc->n_engines);
    else vs_density_write_table(f, j->sc, j->o, j->res, j->sc->n_engines);
    return ferror(f) ? vs_error_set(e, VS_ERR_RUNTIME, NULL, 0, 0, "writing the output failed") : VS_OK;
}

static int cmd_density(const struct cli *c, int argc, char **argv)
{
    struct vs_density_opts o = {.max_guests = 256};
    const char *what = NULL, *approaches = NULL, *host = NULL, *output = NULL;
    uint32_t vcpus = 1;
    vs_time_ns duration = 0;
    enum vs_report_format fmt = VS_REPORT_TABLE;
    struct vs_error e;
    vs_error_clear(&e);
    for (int i = 1; i < argc; i++) {
        const char *v;
        if (is_help(argv[i])) {
            fputs(density_help, c->out);
            return VS_OK;
        } else if ((v = flag_value(argc, argv, &i, "--sla", NULL))) {
            if (o.n_slas == sizeof o.slas / sizeof o.slas[0])
                return usage_error(c, "density", "at most 8 SLAs (%s is one too many)", v);
            if (vs_sla_parse(v, &o.slas[o.n_slas], &e) != VS_OK) return report_error(c, &e, VS_ERR_INPUT);
            o.n_slas++;
        } else if ((v = flag_value(argc, argv, &i, "--approaches", "-a"))) {
            approaches = v;
        } else if ((v = flag_value(argc, argv, &i, "--max", NULL))) {
            if (flag_uint(c, "density", "--max", v, 1, VS_MAX_GUESTS, &o.max_guests) != VS_OK) return VS_ERR_INPUT;
        } else if ((v = flag_value(argc, argv, &i, "--threads", NULL))) {
            if (flag_uint(c, "density", "--threads", v, 1, 64, &o.threads) != VS_OK) return VS_ERR_INPUT;
        } else if ((v = flag_value(argc, argv, &i, "--host", NULL))) {
            host = v;
        } else if ((v = flag_value(argc, argv, &i, "--vcpus", NULL))) {
            if (flag_uint(c, "density", "--vcpus", v, 1, VS_MAX_VCPUS, &vcpus) != VS_OK) return VS_ERR_INPUT;
        } else if ((v = flag_value(argc, argv, &i, "--duration", NULL))) {
            if (flag_duration(c, "density", v, &duration) != VS_OK) return VS_ERR_INPUT;
        } else if ((v = flag_value(argc, argv, &i, "--format", "-f"))) {
            if (vs_report_parse_format(v, &fmt) != VS_OK)
                return usage_error(c, "density", "--format must be table, csv or json, not '%s'", v);
        } else if ((v = flag_value(argc, argv, &i, "--output", "-o"))) {
            output = v;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return usage_error(c, "density", "unknown option '%s'", argv[i]);
        } else if (what) {
            return usage_error(c, "density", "one scenario or workload at a time ('%s' is one too many)", argv[i]);
        } else {
            what = argv[i];
        }
    }
    if (!what) return usage_error(c, "density", "%s", "density needs a scenario or a workload");
    struct vs_scenario *sc = malloc(sizeof *sc);
    struct vs_density_result *res = NULL;
    if (!sc) return report_error(c, &e, vs_error_set(&e, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory"));
    /* A scenario names its guests and approaches; a workload gets a
     * one-group scenario on the chosen host, like `compare`. */
    int rc;
    bool is_scenario = vs_builtin_find(VS_BUILTIN_SCENARIO, what) != NULL;
    if (!is_scenario && file_exists(what)) {
        enum vs_config_kind kind = VS_CONFIG_UNKNOWN;
        struct vs_error probe;
        if (vs_config_validate_file(what, &kind, &probe) == VS_OK && kind == VS_CONFIG_SCENARIO) is_scenario = true;
    }
    if (is_scenario) {
        rc = load_scenario(what, sc, &e);
        if (rc == VS_OK && duration) sc->duration_ns = duration, sc->warmup_ns = duration / 10;
    } else {
        struct vs_compare_opts co = {.workload = what, .host = host, .vcpus = vcpus,
                                     .approaches = approaches ? approaches : "qemu,xen-pv,kvm,lxc",
                                     .duration_ns = duration ? duration : 5 * VS_NS_PER_S, .seed = 1};
        char skipped[1024];
        rc = vs_compare_scenario(&co, sc, skipped, sizeof skipped, &e);
        if (rc == VS_OK) {
            /* Density keeps the workload's own load (compare saturates it). */
            struct vs_error we;
            rc = vs_config_resolve_workload(what, NULL, &sc->guests[0].workload, &we);
            if (rc != VS_OK) e = we;
        }
    }
    if (rc == VS_OK && is_scenario && approaches) {
        sc->n_engines = 0;
        char list[1024];
        snprintf(list, sizeof list, "%s", approaches);
        for (char *save = NULL, *t = strtok_r(list, ",", &save); t && rc == VS_OK; t = strtok_r(NULL, ",", &save)) {
            if (!vs_preset_find(t, NULL))
                rc = vs_error_set(&e, VS_ERR_INPUT, NULL, 0, 0, "--approaches: unknown approach '%s'; known: %s", t,
                                  vs_engine_names());
            else if (sc->n_engines < VS_MAX_ENGINES)
                snprintf(sc->engines[sc->n_engines++], VS_NAME_MAX, "%s", t);
        }
    }
    if (rc == VS_OK) {
        res = calloc(sc->n_engines ? sc->n_engines : 1, sizeof *res);
        if (!res) rc = vs_error_set(&e, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    }
    if (rc == VS_OK) rc = vs_density_run(sc, &o, res, &e);
    struct density_job job = {sc, &o, res, fmt};
    if (rc == VS_OK) rc = write_to(c, output, write_density, &job, &e);
    free(res);
    free(sc);
    return rc == VS_OK ? VS_OK : report_error(c, &e, rc);
}

struct merge_job {
    char *const *files;
    int n;
};

static int write_merge(FILE *f, const void *ctx, struct vs_error *e)
{
    const struct merge_job *j = ctx;
    return vs_sweep_merge_csv(f, j->files, j->n, e);
}

static int cmd_merge(const struct cli *c, int argc, char **argv)
{
    const char *output = NULL;
    char **files = calloc((size_t)argc, sizeof *files);
    int n = 0;
    if (!files) return VS_ERR_RUNTIME;
    for (int i = 1; i < argc; i++) {
        const char *v;
        if (is_help(argv[i])) {
            fputs(merge_help, c->out);
            free(files);
            return VS_OK;
        } else if ((v = flag_value(argc, argv, &i, "--output", "-o"))) {
            output = v;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            free(files);
            return usage_error(c, "merge", "unknown option '%s'", argv[i]);
        } else {
            files[n++] = argv[i];
        }
    }
    if (n == 0) {
        free(files);
        return usage_error(c, "merge", "%s", "merge needs the CSV files of a sweep's points");
    }
    struct vs_error e;
    vs_error_clear(&e);
    struct merge_job job = {files, n};
    int rc = write_to(c, output, write_merge, &job, &e);
    free(files);
    return rc == VS_OK ? VS_OK : report_error(c, &e, rc);
}

/* ---- chart ---- */

/* A whole file into memory (caller frees *text), for the JSON readers. */
static int read_whole_file(const char *path, char **text, size_t *len, struct vs_error *e)
{
    *text = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return vs_error_set(e, VS_ERR_INPUT, path, 0, 0, "cannot open: %s", strerror(errno));
    FILE *m = open_memstream(text, len);
    char chunk[65536];
    size_t got;
    while (m && (got = fread(chunk, 1, sizeof chunk, f)) > 0) fwrite(chunk, 1, got, m);
    int bad = ferror(f);
    fclose(f);
    if (!m || fclose(m) != 0 || bad) {
        free(*text);
        *text = NULL;
        return vs_error_set(e, VS_ERR_RUNTIME, path, 0, 0, "reading failed");
    }
    return VS_OK;
}

/* Reads back the figures charts need from a `virtsim run --format json` file
 * (JSON is YAML, so the YAML reader serves). */
static int load_results_json(const char *path, struct vs_results *r, struct vs_error *e)
{
    memset(r, 0, sizeof *r);
    char *text;
    size_t len;
    int rd = read_whole_file(path, &text, &len, e);
    if (rd != VS_OK) return rd;
    struct vs_ydoc *doc = NULL;
    int rc = vs_ydoc_load(text, len, path, &doc, e);
    free(text);
    if (rc != VS_OK) return rc;
    const struct vs_ynode *root = doc->root, *runs = root ? vs_ynode_get(root, "runs") : NULL;
    if (!runs || runs->kind != VS_YNODE_SEQUENCE || !vs_ynode_get(root, "scenario")) {
        vs_ydoc_free(doc);
        return vs_error_set(e, VS_ERR_INPUT, path, 1, 1,
                            "not a results file of virtsim run --format json (no scenario and runs)");
    }
    snprintf(r->scenario, sizeof r->scenario, "%s", vs_ynode_get(root, "scenario")->text);
    r->runs = calloc(runs->count ? runs->count : 1, sizeof *r->runs);
    if (!r->runs) rc = vs_error_set(e, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    for (size_t k = 0; k < runs->count && rc == VS_OK; k++) {
        const struct vs_ynode *run = runs->items[k], *groups = vs_ynode_get(run, "groups");
        const struct vs_ynode *eng = vs_ynode_get(run, "engine");
        struct vs_run_result *rr = &r->runs[k];
        r->n_runs++;
        if (!eng || !groups || groups->kind != VS_YNODE_SEQUENCE) {
            rc = vs_error_set(e, VS_ERR_INPUT, path, run->line, run->column, "runs[%zu]: no engine or groups", k);
            break;
        }
        snprintf(rr->engine, sizeof rr->engine, "%s", eng->text);
        rr->groups = calloc(groups->count ? groups->count : 1, sizeof *rr->groups);
        if (!rr->groups) {
            rc = vs_error_set(e, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
            break;
        }
        rr->n_groups = (uint32_t)groups->count;
        for (size_t g = 0; g < groups->count; g++) {
            const struct vs_ynode *gn = groups->items[g], *v;
            struct vs_guest_result *gr = &rr->groups[g];
            if ((v = vs_ynode_get(gn, "name")) && v->text) snprintf(gr->name, sizeof gr->name, "%s", v->text);
            if ((v = vs_ynode_get(gn, "throughput_per_s")) && v->text) gr->throughput_per_s = strtod(v->text, NULL);
            if ((v = vs_ynode_get(gn, "batch")) && v->text) gr->batch = strcmp(v->text, "true") == 0;
            gr->completion_ns = -1;
            if ((v = vs_ynode_get(gn, "completion_ns")) && v->text && !vs_ynode_is_null(v) && strcmp(v->text, "null"))
                gr->completion_ns = strtod(v->text, NULL);
            const struct vs_ynode *cpu = vs_ynode_get(gn, "cpu_ns");
            for (int c2 = 0; c2 < VS_CAT_COUNT && cpu; c2++)
                if ((v = vs_ynode_get(cpu, vs_cat_name((enum vs_cpu_cat)c2))) && v->text)
                    gr->cpu_ns[c2] = strtod(v->text, NULL);
        }
    }
    vs_ydoc_free(doc);
    if (rc != VS_OK) vs_results_free(r);
    return rc;
}

/* Reads back a `virtsim density --format json` file: per engine its density
 * and the probes of its search, for the density charts. */
static int load_density_json(const char *path, struct vs_scenario *sc, struct vs_density_result **out,
                             struct vs_error *e)
{
    *out = NULL;
    char *text;
    size_t len;
    int rd = read_whole_file(path, &text, &len, e);
    if (rd != VS_OK) return rd;
    struct vs_ydoc *doc = NULL;
    int rc = vs_ydoc_load(text, len, path, &doc, e);
    free(text);
    if (rc != VS_OK) return rc;
    const struct vs_ynode *root = doc->root, *res = root ? vs_ynode_get(root, "results") : NULL, *v;
    if (!res || res->kind != VS_YNODE_SEQUENCE || res->count == 0 || res->count > VS_MAX_ENGINES) {
        vs_ydoc_free(doc);
        return vs_error_set(e, VS_ERR_INPUT, path, 1, 1, "not a density results file (no results)");
    }
    memset(sc, 0, sizeof *sc);
    if ((v = vs_ynode_get(root, "workload")) && v->text) snprintf(sc->guests[0].workload.name, VS_NAME_MAX, "%s", v->text);
    if ((v = vs_ynode_get(root, "host")) && v->text) snprintf(sc->hosts[0].spec.name, VS_NAME_MAX, "%s", v->text);
    sc->n_guests = 1;
    sc->n_engines = (uint32_t)res->count;
    struct vs_density_result *r = calloc(res->count, sizeof *r);
    if (!r) rc = vs_error_set(e, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    for (size_t k = 0; k < res->count && rc == VS_OK; k++) {
        const struct vs_ynode *x = res->items[k], *curve = vs_ynode_get(x, "curve");
        if ((v = vs_ynode_get(x, "engine")) && v->text) {
            snprintf(r[k].engine, sizeof r[k].engine, "%s", v->text);
            snprintf(sc->engines[k], VS_NAME_MAX, "%s", v->text);
        }
        if ((v = vs_ynode_get(x, "density")) && v->text) r[k].density = (uint32_t)strtoul(v->text, NULL, 10);
        for (size_t i = 0; curve && i < curve->count && i < VS_DENSITY_MAX_POINTS; i++) {
            struct vs_density_point *p = &r[k].points[r[k].n_points++];
            const struct vs_ynode *pt = curve->items[i];
            if ((v = vs_ynode_get(pt, "guests")) && v->text) p->guests = (uint32_t)strtoul(v->text, NULL, 10);
            if ((v = vs_ynode_get(pt, "p99_ns")) && v->text) p->p99_ns = strtoll(v->text, NULL, 10);
            if ((v = vs_ynode_get(pt, "failed")) && v->text) p->failed = (uint32_t)strtoul(v->text, NULL, 10);
        }
    }
    vs_ydoc_free(doc);
    if (rc != VS_OK) free(r);
    else *out = r;
    return rc;
}

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

static int cmd_chart(const struct cli *c, int argc, char **argv)
{
    const char *what = NULL, *output = NULL, *title = NULL, *kind_name = NULL, *size = "slide";
    enum vs_chart_metric metric = VS_METRIC_THROUGHPUT;
    double width = 0;
    struct vs_density_opts dop = {.max_guests = 256};
    struct vs_error e;
    vs_error_clear(&e);
    for (int i = 1; i < argc; i++) {
        const char *v;
        if (is_help(argv[i])) {
            fputs(chart_help, c->out);
            return VS_OK;
        } else if ((v = flag_value(argc, argv, &i, "--kind", "-k"))) {
            kind_name = v;
        } else if ((v = flag_value(argc, argv, &i, "--output", "-o"))) {
            output = v;
        } else if ((v = flag_value(argc, argv, &i, "--title", NULL))) {
            title = v;
        } else if ((v = flag_value(argc, argv, &i, "--metric", NULL))) {
            if (vs_chart_parse_metric(v, &metric) != VS_OK)
                return usage_error(c, "chart", "--metric must be throughput, p50, p99 or cpu, not '%s'", v);
        } else if ((v = flag_value(argc, argv, &i, "--size", NULL))) {
            if (strcmp(v, "slide") != 0 && strcmp(v, "column") != 0)
                return usage_error(c, "chart", "--size must be slide or column, not '%s'", v);
            size = v;
        } else if ((v = flag_value(argc, argv, &i, "--width", NULL))) {
            char *end;
            width = strtod(v, &end);
            if (*end || !(width >= 200 && width <= 10000))
                return usage_error(c, "chart", "--width needs a number from 200 to 10000, not '%s'", v);
        } else if ((v = flag_value(argc, argv, &i, "--sla", NULL))) {
            if (dop.n_slas == 8) return usage_error(c, "chart", "at most 8 SLAs (%s is one too many)", v);
            if (vs_sla_parse(v, &dop.slas[dop.n_slas], &e) != VS_OK) return report_error(c, &e, VS_ERR_INPUT);
            dop.n_slas++;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return usage_error(c, "chart", "unknown option '%s'", argv[i]);
        } else if (what) {
            return usage_error(c, "chart", "one input at a time ('%s' is one too many)", argv[i]);
        } else {
            what = argv[i];
        }
    }
    enum vs_chart_kind kind;
    if (!what) return usage_error(c, "chart", "%s", "chart needs a scenario or a results JSON file");
    if (!kind_name || vs_chart_parse_kind(kind_name, &kind) != VS_OK)
        return usage_error(c, "chart", "--kind must be relative, breakdown, sweep, timeline, density or density-curve, not '%s'",
                           kind_name ? kind_name : "(none)");
    if (!output || !(ends_with(output, ".svg") || ends_with(output, ".pdf") || ends_with(output, ".png")))
        return usage_error(c, "chart", "%s", "--output must name a .svg, .pdf or .png file");
    if (!width) width = strcmp(size, "slide") == 0 ? 1280 : 640;
    double height = strcmp(size, "slide") == 0 ? width * 9 / 16 : width * 0.625;

    struct vs_chart *ch = calloc(1, sizeof *ch);
    struct vs_scenario *sc = malloc(sizeof *sc);
    struct vs_results res = {0};
    int rc = ch && sc ? VS_OK : vs_error_set(&e, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    bool json = ends_with(what, ".json");
    if (rc == VS_OK && json && (kind == VS_CHART_DENSITY || kind == VS_CHART_DENSITY_CURVE)) {
        struct vs_density_result *dr = NULL;
        rc = load_density_json(what, sc, &dr, &e);
        double p99 = 0;
        for (uint32_t q = 0; q < dop.n_slas; q++)
            if (dop.slas[q].kind == VS_SLA_P99) p99 = dop.slas[q].limit;
        if (rc == VS_OK && kind == VS_CHART_DENSITY) vs_chart_density(sc, dr, sc->n_engines, ch);
        else if (rc == VS_OK) vs_chart_density_curve(sc, dr, sc->n_engines, p99, ch);
        free(dr);
    } else if (rc == VS_OK && json) {
        if (kind != VS_CHART_RELATIVE && kind != VS_CHART_BREAKDOWN)
            rc = vs_error_set(&e, VS_ERR_INPUT, what, 0, 0,
                              "a run or compare results file remakes relative and breakdown charts; for %s, give the scenario",
                              kind_name);
        else if ((rc = load_results_json(what, &res, &e)) == VS_OK)
            kind == VS_CHART_RELATIVE ? vs_chart_relative(&res, ch) : vs_chart_breakdown(&res, ch);
    } else if (rc == VS_OK) {
        rc = load_scenario(what, sc, &e);
        if (rc == VS_OK) switch (kind) {
        case VS_CHART_RELATIVE:
        case VS_CHART_BREAKDOWN:
            if (sc->sweep.n) sc->sweep.n = 0; /* the scenario as written */
            rc = vs_sim_run_scenario(sc, sc->seed, &res, &e);
            if (rc == VS_OK) kind == VS_CHART_RELATIVE ? vs_chart_relative(&res, ch) : vs_chart_breakdown(&res, ch);
            break;
        case VS_CHART_HOSTS:
            sc->sweep.n = 0; /* the scenario as written */
            rc = vs_sim_run_scenario(sc, sc->seed, &res, &e);
            if (rc == VS_OK) vs_chart_hosts(&res, ch);
            break;
        case VS_CHART_SWEEP: {
            if (!sc->sweep.n) {
                rc = vs_error_set(&e, VS_ERR_INPUT, what, 0, 0, "a sweep chart needs a scenario with a sweep: section");
                break;
            }
            struct vs_results *pts = calloc(sc->sweep.n, sizeof *pts);
            rc = pts ? vs_sweep_run(sc, sc->seed, 0, sc->sweep.n, 0, pts, &e)
                     : vs_error_set(&e, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
            if (rc == VS_OK) {
                vs_chart_sweep(sc, pts, sc->sweep.n, metric, ch);
                for (uint32_t i = 0; i < sc->sweep.n; i++) vs_results_free(&pts[i]);
            }
            free(pts);
            break;
        }
        case VS_CHART_TIMELINE:
        {
            struct vs_timeline *tl = malloc(sizeof *tl);
            vs_time_ns step = sc->duration_ns / 50 > VS_NS_PER_MS ? sc->duration_ns / 50 : VS_NS_PER_MS;
            rc = tl ? vs_stepper_timeline(sc, sc->seed, step, tl, &e)
                    : vs_error_set(&e, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
            if (rc == VS_OK) vs_chart_timeline(tl, ch);
            free(tl);
            break;
        }
        case VS_CHART_DENSITY:
        case VS_CHART_DENSITY_CURVE: {
            struct vs_density_result *dr = calloc(sc->n_engines, sizeof *dr);
            rc = dr ? vs_density_run(sc, &dop, dr, &e) : vs_error_set(&e, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
            double p99 = 0;
            for (uint32_t q = 0; q < dop.n_slas; q++)
                if (dop.slas[q].kind == VS_SLA_P99) p99 = dop.slas[q].limit;
            if (rc == VS_OK && kind == VS_CHART_DENSITY) vs_chart_density(sc, dr, sc->n_engines, ch);
            else if (rc == VS_OK) vs_chart_density_curve(sc, dr, sc->n_engines, p99, ch);
            free(dr);
            break;
        }
        }
    }
    if (rc == VS_OK && title) snprintf(ch->title, sizeof ch->title, "%s", title);
    if (rc == VS_OK) rc = vs_chart_render(ch, output, width, height, &e);
    if (rc == VS_OK) {
        /* The numbers beside the chart: FILE.svg -> FILE.csv. */
        char csv[1100];
        snprintf(csv, sizeof csv, "%.*s.csv", (int)(strlen(output) - 4), output);
        rc = write_to(c, csv, write_chart_csv, ch, &e);
        if (rc == VS_OK) fprintf(c->out, "wrote %s and %s\n", output, csv);
    }
    vs_results_free(&res);
    free(ch);
    free(sc);
    return rc == VS_OK ? VS_OK : report_error(c, &e, rc);
}

/* ---- list, show, validate ---- */

static int cmd_list(const struct cli *c, int argc, char **argv)
{
    if (argc >= 2 && is_help(argv[1])) {
        fputs(list_help, c->out);
        return VS_OK;
    }
    if (argc != 2) return usage_error(c, "list", "%s", "list needs one of: workloads, scenarios, hosts, approaches");
    const char *what = argv[1];
    if (strcmp(what, "approaches") == 0 || strcmp(what, "engines") == 0) {
        /* Each approach, then its presets: the systems it stands for. */
        for (size_t i = 0; i < vs_engine_count(); i++) {
            const struct vs_engine_ops *e = vs_engine_at(i);
            fprintf(c->out, "%s%s: %s\n", i ? "\n" : "", e->approach, e->summary);
            for (size_t p = 0; p < e->n_presets; p++)
                fprintf(c->out, "  %-12s %s. %s\n", e->presets[p].name, e->presets[p].system,
                        e->presets[p].summary);
        }
        return VS_OK;
    }
    enum vs_builtin_kind kind;
    if (strcmp(what, "workloads") == 0)
        kind = VS_BUILTIN_WORKLOAD;
    else if (strcmp(what, "scenarios") == 0)
        kind = VS_BUILTIN_SCENARIO;
    else if (strcmp(what, "hosts") == 0)
        kind = VS_BUILTIN_HOST;
    else if (strcmp(what, "labs") == 0)
        kind = VS_BUILTIN_LAB;
    else
        return usage_error(c, "list", "cannot list '%s'; choose workloads, scenarios, hosts or approaches", what);
    for (size_t i = 0; i < vs_builtin_count(); i++) {
        const struct vs_builtin *b = vs_builtin_at(i);
        if (b->kind != kind) continue;
        /* The description: key of the YAML, so the list explains itself. */
        char desc[200] = "";
        const char *d = strstr(b->data, "\ndescription:");
        if (d) {
            d += strlen("\ndescription:");
            while (*d == ' ') d++;
            size_t n = strcspn(d, "\n");
            if (n >= sizeof desc) n = sizeof desc - 1;
            memcpy(desc, d, n);
            desc[n] = '\0';
        }
        fprintf(c->out, "%-16s %s\n", b->name, desc);
    }
    return VS_OK;
}

static int parse_kind(const char *word, enum vs_builtin_kind *kind)
{
    static const struct {
        const char *word;
        enum vs_builtin_kind kind;
    } words[] = {{"workload", VS_BUILTIN_WORKLOAD}, {"scenario", VS_BUILTIN_SCENARIO},
                 {"host", VS_BUILTIN_HOST},         {"lab", VS_BUILTIN_LAB}};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(word, words[i].word) == 0) {
            *kind = words[i].kind;
            return 0;
        }
    return -1;
}

static int cmd_show(const struct cli *c, int argc, char **argv)
{
    if (argc >= 2 && is_help(argv[1])) {
        fputs(show_help, c->out);
        return VS_OK;
    }
    const struct vs_builtin *b = NULL;
    if (argc == 3) {
        enum vs_builtin_kind kind;
        if (parse_kind(argv[1], &kind) != 0)
            return usage_error(c, "show", "'%s' is not a kind; use workload, scenario or host", argv[1]);
        b = vs_builtin_find(kind, argv[2]);
    } else if (argc == 2) {
        for (size_t i = 0; i < vs_builtin_count() && !b; i++)
            if (strcmp(vs_builtin_at(i)->name, argv[1]) == 0) b = vs_builtin_at(i);
    } else {
        return usage_error(c, "show", "%s", "show needs a name (see virtsim list workloads)");
    }
    if (!b) {
        fprintf(c->err, "virtsim: no built-in named '%s'; see virtsim list workloads|scenarios|hosts\n",
                argv[argc - 1]);
        return VS_ERR_INPUT;
    }
    fwrite(b->data, 1, b->len, c->out);
    return VS_OK;
}

static int cmd_validate(const struct cli *c, int argc, char **argv)
{
    if (argc >= 2 && is_help(argv[1])) {
        fputs(validate_help, c->out);
        return VS_OK;
    }
    if (argc < 2) return usage_error(c, "validate", "%s", "validate needs at least one file");
    static const char *const kinds[] = {"unknown", "workload", "host profile", "scenario"};
    int worst = VS_OK;
    for (int i = 1; i < argc; i++) {
        struct vs_error e;
        vs_error_clear(&e);
        enum vs_config_kind kind = VS_CONFIG_UNKNOWN;
        int rc = vs_config_validate_file(argv[i], &kind, &e);
        if (rc == VS_OK)
            fprintf(c->out, "%s: ok (%s)\n", argv[i], kinds[kind]);
        else
            worst = report_error(c, &e, rc);
    }
    return worst;
}

int vs_cli_main(int argc, char **argv, FILE *out, FILE *err)
{
    struct cli c = {out, err};
    if (argc < 2) {
        /* The main job: the UI on a terminal, the report anywhere else (a
         * pipe, CI), so `make run` never hangs waiting for keys. */
        if (out == stdout && isatty(STDOUT_FILENO) && isatty(STDIN_FILENO))
            return open_tui(&c, VS_DEFAULT_SCENARIO, false, 0);
        struct run_opts o = {.scenario = VS_DEFAULT_SCENARIO, .format = VS_REPORT_TABLE, .sweep_point = -1};
        return run_and_report(&c, &o);
    }
    const char *cmd = argv[1];
    if (is_help(cmd)) {
        fputs(main_help, out);
        return VS_OK;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        fprintf(out, "virtsim %s\n", VS_VERSION);
        return VS_OK;
    }
    static const struct {
        const char *name;
        int (*fn)(const struct cli *, int, char **);
        const char *help;
    } cmds[] = {{"run", cmd_run, run_help},
                {"compare", cmd_compare, compare_help},
                {"tui", cmd_tui, tui_help},
                {"density", cmd_density, density_help},
                {"merge", cmd_merge, merge_help},
                {"chart", cmd_chart, chart_help},
                {"list", cmd_list, list_help},
                {"show", cmd_show, show_help},
                {"validate", cmd_validate, validate_help}};
    size_t n = sizeof cmds / sizeof cmds[0];
    if (strcmp(cmd, "help") == 0) {
        if (argc < 3) {
            fputs(main_help, out);
            return VS_OK;
        }
        for (size_t i = 0; i < n; i++)
            if (strcmp(argv[2], cmds[i].name) == 0) {
                fputs(cmds[i].help, out);
                return VS_OK;
            }
        return usage_error(&c, NULL, "no command '%s'", argv[2]);
    }
    for (size_t i = 0; i < n; i++)
        if (strcmp(cmd, cmds[i].name) == 0) return cmds[i].fn(&c, argc - 1, argv + 1);
    return usage_error(&c, NULL, "unknown command '%s'", cmd);
}
