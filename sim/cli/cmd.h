/* The command line's inside, shared by the files of sim/cli/ (not a public header).
 * Each command is one `const struct vs_cmd` in its own file (cmd_run.c,
 * cmd_chart.c, ...): its name, arguments, summary, help text, long options
 * and the function that runs it. cli.c holds the table of them and does,
 * once for all, what every command needs: lookup, option parsing with
 * getopt_long, the shared flags (--seed, --format, --output, --host,
 * --approaches), help generated from the entries, and usage errors. */
#ifndef VIRTSIM_CLI_CMD_H
#define VIRTSIM_CLI_CMD_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "virtsim/core/control.h"
#include "virtsim/core/error.h"
#include "virtsim/core/units.h"
#include "virtsim/out/report.h"
#include "virtsim/spec/scenario.h"

struct vs_cli {
    FILE *out, *err;
    /* The run's memory budget, stop request and progress: every scenario
     * vs_cli_load_scenario loads points to it. */
    struct vs_control *control;
};

/* Option ids. The first group are the shared flags: cli.c checks their
 * values and stores them in struct vs_cmd_args. The others reach the
 * command as they were given, in struct vs_cmd_args.opts. */
enum vs_opt_id {
    VS_OPT_SEED = 256,
    VS_OPT_FORMAT,
    VS_OPT_OUTPUT,
    VS_OPT_HOST,
    VS_OPT_APPROACHES,
    VS_OPT_MEMORY_BUDGET,
    VS_OPT_SHARED_END, /* not an option: the end of the shared ones */
    VS_OPT_THREADS,
    VS_OPT_SWEEP_POINT,
    VS_OPT_EMIT_JOBS,
    VS_OPT_SLA,
    VS_OPT_MAX,
    VS_OPT_VCPUS,
    VS_OPT_DURATION,
    VS_OPT_KIND,
    VS_OPT_METRIC,
    VS_OPT_TITLE,
    VS_OPT_SIZE,
    VS_OPT_WIDTH,
    VS_OPT_REPS,
    VS_OPT_REQUEST,
    VS_OPT_CHART,
    VS_OPT_LOG,
    VS_OPT_EXHAUSTIVE,
    VS_OPT_ANSWERS,
    VS_OPT_KEY,
    VS_OPT_OVERCOMMIT,
    VS_OPT_VICTIM,
    VS_OPT_POLICIES,
    VS_OPT_CURVE,
    VS_OPT_STEP,
};

/* One option of a command. */
struct vs_cmd_opt {
    int id;            /* enum vs_opt_id; 0 ends a list */
    const char *name;  /* the long name, without "--" */
    char short_name;   /* its one-letter alias, or 0 */
    const char *arg;   /* the value's placeholder in help ("N", "FILE"); NULL: takes no value */
    const char *help;  /* for CMD --help; '\n' starts a continuation line */
};

/* The shared flags: the same name, alias and value everywhere, with the
 * help that fits the command. */
#define VS_CMD_OPT_SEED(help) {VS_OPT_SEED, "seed", 0, "N", help}
#define VS_CMD_OPT_FORMAT(help) {VS_OPT_FORMAT, "format", 'f', "F", help}
#define VS_CMD_OPT_OUTPUT(help) {VS_OPT_OUTPUT, "output", 'o', "FILE", help}
#define VS_CMD_OPT_HOST(help) {VS_OPT_HOST, "host", 0, "PROFILE", help}
#define VS_CMD_OPT_APPROACHES(help) {VS_OPT_APPROACHES, "approaches", 'a', "LIST", help}
#define VS_CMD_OPT_MEMORY_BUDGET                                                                             \
    {VS_OPT_MEMORY_BUDGET, "memory-budget", 0, "SIZE",                                                       \
     "memory the run's queues may hold in all, such as 512MiB or 4GiB (default: a\n"                        \
     "quarter of this machine's memory); past it the run stops with an error"}

/* A command-specific option as given on the command line. */
struct vs_cmd_value {
    const struct vs_cmd_opt *opt;
    const char *value; /* NULL for an option without a value */
};

/* A parsed command line: the shared flags checked, the command's own
 * options in the order given, and the positional arguments. */
struct vs_cmd_args {
    bool have_seed;
    uint64_t seed;
    enum vs_report_format format; /* VS_REPORT_TABLE unless --format */
    const char *output;           /* NULL unless --output */
    const char *host;             /* NULL unless --host */
    const char *approaches;       /* NULL unless --approaches */
    uint64_t memory_budget;       /* bytes; 0 unless --memory-budget */
    const struct vs_cmd_value *opts;
    int n_opts;
    char *const *pos;
    int n_pos;
};

struct vs_cmd {
    const char *name;
    const char *args;         /* the positional arguments in the usage line */
    int min_args, max_args;   /* how many positional arguments; max -1: no limit */
    const char *missing;      /* the message when there are fewer than min_args */
    const char *summary;      /* one line for `virtsim help` */
    const char *help;         /* CMD --help between the usage line and the options */
    const struct vs_cmd_opt *opts; /* ended by an entry with id 0; --help is implied */
    int (*run)(const struct vs_cli *c, const struct vs_cmd *cmd, const struct vs_cmd_args *a);
};

extern const struct vs_cmd vs_cmd_run, vs_cmd_compare, vs_cmd_tui, vs_cmd_density, vs_cmd_merge,
    vs_cmd_chart, vs_cmd_list, vs_cmd_show, vs_cmd_validate, vs_cmd_microbench, vs_cmd_trace, vs_cmd_lab,
    vs_cmd_isolation;

/* `virtsim help TOPIC` (topics.c): prints the topic's screen and returns
 * true, or false when there is no such topic; "topics" lists them. f NULL:
 * only whether it exists. */
bool vs_cli_help_topic(FILE *f, const char *name);

/* Labs (cmd_lab.c): `list labs`, and `validate` on a lab file. */
int vs_cli_list_labs(const struct vs_cli *c);
bool vs_cli_is_lab_file(const char *path);
int vs_cli_validate_lab(const struct vs_cli *c, const char *path);

/* ---- helpers every command uses (cli.c) ---- */

/* Prints "virtsim: FILE:LINE:COL: message" and returns status. */
int vs_cli_error(const struct vs_cli *c, const struct vs_error *e, int status);

/* Prints "virtsim CMD: message" and a pointer to CMD --help; returns VS_ERR_INPUT. */
int vs_cli_usage(const struct vs_cli *c, const struct vs_cmd *cmd, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Values of options: VS_OK and *out set, or the usage error printed and
 * VS_ERR_INPUT. The message names the option as it was written. */
bool vs_cli_parse_u64(const char *text, uint64_t *out);
int vs_cli_uint(const struct vs_cli *c, const struct vs_cmd *cmd, const struct vs_cmd_value *v, uint64_t min,
                uint64_t max, uint32_t *out);
int vs_cli_duration(const struct vs_cli *c, const struct vs_cmd *cmd, const struct vs_cmd_value *v,
                    vs_time_ns *out);

/* --sla: one more SLA for a density search (density, chart). */
struct vs_density_opts;
int vs_cli_sla(const struct vs_cli *c, const struct vs_cmd *cmd, const struct vs_cmd_value *v,
               struct vs_density_opts *o);

bool vs_cli_file_exists(const char *path);

/* A scenario named on the command line: a file if one exists, else a built-in. */
int vs_cli_load_scenario(const char *name, struct vs_scenario *sc, struct vs_error *e);

/* A scenario, or a workload (a built-in or a workload file) made into the
 * one-workload comparison scenario `virtsim compare` runs
 * (run/compare.h, vs_compare_scenario) with the options in *o (its
 * workload is set here); engines the host cannot run are named in
 * `skipped`. For the commands that accept either (tui). */
struct vs_compare_opts;
int vs_cli_load_scenario_or_workload(const char *name, struct vs_compare_opts *o, struct vs_scenario *sc,
                                     char *skipped, size_t skipped_len, struct vs_error *e);

/* Every command's output goes through here: to stdout (no path, or "-"), or
 * to a file through a temporary file and a rename, so a failure never
 * leaves a partial file or destroys the old one. */
typedef int (*vs_cli_writer)(FILE *f, const void *ctx, struct vs_error *e);
int vs_cli_write_to(const struct vs_cli *c, const char *path, vs_cli_writer fn, const void *ctx,
                    struct vs_error *e);

/* A report (run, compare) in a format of report.h's; compare's table also
 * names the presets the host could not run (skipped; NULL otherwise). */
struct vs_cli_report {
    const struct vs_results *res;
    enum vs_report_format fmt;
    const char *skipped;
};
int vs_cli_write_report(FILE *f, const void *ctx, struct vs_error *e);

/* A warning on stderr for each engine under which guest instances could not
 * start: the run succeeded, but a reader of the report alone could miss it. */
struct vs_results;
void vs_cli_warn_failed_starts(const struct vs_cli *c, const struct vs_results *r);

/* After a run that returned rc: writes the report when the run finished or
 * was stopped (then the report says it is partial), and returns what the
 * command returns: rc, or the write's failure. On VS_ERR_INTERRUPTED, *e
 * says the results are partial. */
int vs_cli_write_partial(const struct vs_cli *c, const char *path, const struct vs_results *res,
                         enum vs_report_format fmt, int rc, struct vs_error *e);

/* ---- watching a long run (watch.c) ---- */

/* From begin to end: Ctrl-C asks the run to stop at its next event (a
 * second one kills), and when err is a terminal a progress line is drawn on
 * it after the first second and erased at the end. */
struct vs_cli_watch {
    FILE *err;
    struct vs_control *control;
    struct timespec started;
    pthread_t thread;
    bool drawing, drawn, have_old;
    atomic_bool quit;
    struct sigaction old_sigint;
};
void vs_cli_watch_begin(struct vs_cli_watch *w, FILE *err, struct vs_control *control);
/* Returns true when the run was asked to stop (Ctrl-C). */
bool vs_cli_watch_end(struct vs_cli_watch *w);

/* A chart and the numbers beside it (FILE.svg -> FILE.csv), committed
 * together; says "wrote ..." on c->out (cmd_chart.c). */
struct vs_chart;
int vs_cli_write_chart(const struct vs_cli *c, const struct vs_chart *ch, const char *output, double width,
                       double height, struct vs_error *e);

/* ---- what `virtsim` with no command does (cmd_run.c, cmd_tui.c) ---- */

/* Runs a scenario (all of a sweep's points) and writes its report. */
int vs_cli_run_scenario(const struct vs_cli *c, const char *scenario, const struct vs_cmd_args *a);
int vs_cli_open_tui(const struct vs_cli *c, const char *scenario, bool have_seed, uint64_t seed);
/* The same, for a scenario or a workload (its comparison under `approaches`
 * beside native, on `host`; NULL: the defaults). */
int vs_cli_open_tui_with(const struct vs_cli *c, const char *scenario, bool have_seed, uint64_t seed,
                         const char *approaches, const char *host);

#endif
