/* The command line: the table of commands, and what every command needs
 * written once against its entry (cmd.h): lookup, getopt_long parsing, the
 * shared flags, help generated from the entries and usage errors. The
 * commands themselves are in cmd_*.c. Every failure comes back here as a
 * status; main() turns it into the exit code. */
#include "virtsim/ui/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "virtsim/core/inputs.h"
#include "virtsim/load/builtin.h"
#include "virtsim/load/config.h"
#include "virtsim/out/output.h"
#include "virtsim/run/compare.h"
#include "virtsim/run/density.h"

#ifndef VS_VERSION
#define VS_VERSION "dev"
#endif

#define MAX_OPTS 32 /* options of one command, --help included */

/* The control of the command that runs (budget, stop request, progress):
 * one at a time per process, initialised afresh for each command. */
static struct vs_control cli_control;

static int cmd_help(const struct vs_cli *c, const struct vs_cmd *cmd, const struct vs_cmd_args *a);

static const struct vs_cmd help_cmd = {
    .name = "help",
    .args = "[COMMAND | TOPIC]",
    .min_args = 0,
    .max_args = 1,
    .summary = "explain a command, or a concept (virtsim help topics)",
    .help = "Prints what a command does and its options (the same as virtsim COMMAND --help),\n"
            "or a screen on a concept with the lab that explores it (virtsim help topics lists\n"
            "them), or, with nothing, the list of commands.\n",
    .opts = (const struct vs_cmd_opt[]){{0}},
    .run = cmd_help,
};

/* In the order `virtsim help` lists them. */
static const struct vs_cmd *const commands[] = {
    &vs_cmd_run,   &vs_cmd_compare, &vs_cmd_microbench, &vs_cmd_trace,    &vs_cmd_tui,  &vs_cmd_density,
    &vs_cmd_isolation,
    &vs_cmd_merge, &vs_cmd_chart,   &vs_cmd_list,       &vs_cmd_show,     &vs_cmd_validate, &vs_cmd_lab,
    &help_cmd,
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static const struct vs_cmd *find_command(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i]->name, name) == 0) return commands[i];
    return NULL;
}

/* ---- messages ---- */

int vs_cli_error(const struct vs_cli *c, const struct vs_error *e, int status)
{
    char buf[1200];
    vs_error_format(e, buf, sizeof buf);
    fprintf(c->err, "virtsim: %s\n", buf);
    return status;
}

int vs_cli_usage(const struct vs_cli *c, const struct vs_cmd *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(c->err, "virtsim%s%s: ", cmd ? " " : "", cmd ? cmd->name : "");
    vfprintf(c->err, fmt, ap);
    va_end(ap);
    fprintf(c->err, "\nTry 'virtsim %s%s--help'.\n", cmd ? cmd->name : "", cmd ? " " : "");
    return VS_ERR_INPUT;
}

/* ---- help, generated from the entries ---- */

static void print_main_help(FILE *f)
{
    fputs("virtsim " VS_VERSION " - a discrete-event simulator that teaches virtualization\n"
          "\n"
          "usage: virtsim [COMMAND] [ARGS...]\n"
          "\n"
          "With no command, virtsim opens the terminal UI on the built-in default scenario, or\n"
          "prints its report when standard output is not a terminal.\n"
          "\n"
          "commands:\n",
          f);
    int width = 0;
    for (size_t i = 0; i < N_COMMANDS; i++) {
        int w = (int)(strlen(commands[i]->name) + 1 + strlen(commands[i]->args));
        if (w > width) width = w;
    }
    for (size_t i = 0; i < N_COMMANDS; i++) {
        char head[128];
        snprintf(head, sizeof head, "%s %s", commands[i]->name, commands[i]->args);
        fprintf(f, "  %-*s  %s\n", width, head, commands[i]->summary);
    }
    fputs("\n"
          "options:\n"
          "  -h, --help   this text (or a command's, after the command)\n"
          "  --version    print the version\n"
          "\n"
          "Run 'virtsim help COMMAND' or 'virtsim COMMAND --help' for a command's options.\n"
          "exit codes: 0 success, 1 the run failed (a limit such as the memory budget, a write),\n"
          "2 bad usage or bad input, 130 stopped by Ctrl-C (the report, if any, is marked partial)\n",
          f);
}

/* "-o, --output FILE" or "--seed N", as the option's help lists it. */
static void option_head(const struct vs_cmd_opt *o, char *buf, size_t len)
{
    char alias[8] = "";
    if (o->short_name) snprintf(alias, sizeof alias, "-%c, ", o->short_name);
    snprintf(buf, len, "%s--%s%s%s", alias, o->name, o->arg ? " " : "", o->arg ? o->arg : "");
}

static void print_command_help(FILE *f, const struct vs_cmd *cmd)
{
    /* The usage line: every option in brackets, wrapped under the first. */
    char lead[64];
    int indent = snprintf(lead, sizeof lead, "usage: virtsim %s ", cmd->name), col = indent;
    fprintf(f, "%s%s", lead, cmd->args);
    col += (int)strlen(cmd->args);
    for (const struct vs_cmd_opt *o = cmd->opts; o->id; o++) {
        char item[96];
        int n = snprintf(item, sizeof item, "[--%s%s%s]", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
        if (col + 1 + n > 100) {
            fprintf(f, "\n%*s%s", indent, "", item);
            col = indent + n;
        } else {
            fprintf(f, " %s", item);
            col += 1 + n;
        }
    }
    fprintf(f, "\n\n%s\noptions:\n", cmd->help);

    static const struct vs_cmd_opt help = {1, "help", 'h', NULL, "this text"};
    int width = 0;
    char head[96];
    for (const struct vs_cmd_opt *o = cmd->opts; o->id; o++) {
        option_head(o, head, sizeof head);
        if ((int)strlen(head) > width) width = (int)strlen(head);
    }
    for (const struct vs_cmd_opt *o = cmd->opts;; o++) {
        const struct vs_cmd_opt *x = o->id ? o : &help;
        option_head(x, head, sizeof head);
        fprintf(f, "  %-*s  ", width, head);
        /* Continuation lines of the help line up under its first. */
        for (const char *p = x->help; *p; p++) {
            fputc(*p, f);
            if (*p == '\n' && p[1]) fprintf(f, "  %-*s  ", width, "");
        }
        fputc('\n', f);
        if (!o->id) break;
    }
    /* A command named like a concept (density): the concept follows, in
     * both `help CMD` and `CMD --help`. */
    if (vs_cli_help_topic(NULL, cmd->name)) {
        fputs("\n--- the concept (virtsim help topics) ---\n", f);
        vs_cli_help_topic(f, cmd->name);
    }
}

static int cmd_help(const struct vs_cli *c, const struct vs_cmd *cmd, const struct vs_cmd_args *a)
{
    if (a->n_pos == 0) {
        print_main_help(c->out);
        return VS_OK;
    }
    const struct vs_cmd *which = find_command(a->pos[0]);
    if (!which && vs_cli_help_topic(c->out, a->pos[0])) return VS_OK;
    if (!which) return vs_cli_usage(c, cmd, "no command '%s', nor a topic (virtsim help topics lists them)", a->pos[0]);
    print_command_help(c->out, which);
    return VS_OK;
}

/* ---- option parsing ---- */

bool vs_cli_parse_u64(const char *text, uint64_t *out)
{
    if (!text[0] || text[0] < '0' || text[0] > '9') return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || *end) return false;
    *out = v;
    return true;
}

static void flag_name(const struct vs_cmd_value *v, char *buf, size_t len)
{
    snprintf(buf, len, "--%s", v->opt->name);
}

int vs_cli_uint(const struct vs_cli *c, const struct vs_cmd *cmd, const struct vs_cmd_value *v, uint64_t min,
                uint64_t max, uint32_t *out)
{
    uint64_t n;
    char flag[64];
    flag_name(v, flag, sizeof flag);
    if (!vs_cli_parse_u64(v->value, &n) || n < min || n > max)
        return vs_cli_usage(c, cmd, "%s needs a whole number from %llu to %llu, not '%s'", flag,
                            (unsigned long long)min, (unsigned long long)max, v->value);
    *out = (uint32_t)n;
    return VS_OK;
}

int vs_cli_duration(const struct vs_cli *c, const struct vs_cmd *cmd, const struct vs_cmd_value *v,
                    vs_time_ns *out)
{
    double ns;
    char why[200], flag[64];
    flag_name(v, flag, sizeof flag);
    if (vs_units_parse(v->value, VS_UNIT_TIME, &ns, why, sizeof why) != 0 || ns < 1e6 ||
        ns > (double)VS_MAX_DURATION_NS)
        return vs_cli_usage(c, cmd, "%s needs a time from 1ms to 1 day, such as 5s, not '%s'", flag, v->value);
    *out = (vs_time_ns)ns;
    return VS_OK;
}

int vs_cli_sla(const struct vs_cli *c, const struct vs_cmd *cmd, const struct vs_cmd_value *v,
               struct vs_density_opts *o)
{
    if (o->n_slas == sizeof o->slas / sizeof o->slas[0])
        return vs_cli_usage(c, cmd, "at most %zu SLAs (%s is one too many)", sizeof o->slas / sizeof o->slas[0],
                            v->value);
    struct vs_error e;
    if (vs_sla_parse(v->value, &o->slas[o->n_slas], &e) != VS_OK) return vs_cli_error(c, &e, VS_ERR_INPUT);
    /* Completions never exceed arrivals, nor a guest its throughput alone
     * (beyond noise): a throughput SLA above 100 % could never be met. */
    if (o->slas[o->n_slas].kind == VS_SLA_THROUGHPUT && o->slas[o->n_slas].limit > 1.0)
        return vs_cli_usage(c, cmd, "--sla '%s': a throughput SLA is a share of what is offered, from above 0%% to 100%%",
                            v->value);
    if (o->slas[o->n_slas].kind != VS_SLA_THROUGHPUT && o->slas[o->n_slas].limit > (double)VS_MAX_DURATION_NS)
        return vs_cli_usage(c, cmd, "--sla '%s': a latency SLA is at most 1 day", v->value);
    o->n_slas++;
    return VS_OK;
}

/* The shared flags, checked the same way for every command. */
static int shared_flag(const struct vs_cli *c, const struct vs_cmd *cmd, int id, const char *v,
                       struct vs_cmd_args *a)
{
    switch (id) {
    case VS_OPT_SEED:
        if (!vs_cli_parse_u64(v, &a->seed)) return vs_cli_usage(c, cmd, "--seed needs a whole number >= 0, not '%s'", v);
        a->have_seed = true;
        return VS_OK;
    case VS_OPT_FORMAT:
        if (vs_report_parse_format(v, &a->format) != VS_OK)
            return vs_cli_usage(c, cmd, "--format must be table, csv or json, not '%s'", v);
        return VS_OK;
    case VS_OPT_OUTPUT:
        if (!v[0]) return vs_cli_usage(c, cmd, "--output needs a file name");
        a->output = v;
        return VS_OK;
    case VS_OPT_HOST:
        if (!v[0]) return vs_cli_usage(c, cmd, "--host needs a host profile (see virtsim list hosts)");
        a->host = v;
        return VS_OK;
    case VS_OPT_APPROACHES:
        if (!v[0]) return vs_cli_usage(c, cmd, "--approaches needs a list (see virtsim list approaches)");
        /* An empty name (",", "kvm,,lxc", "kvm,") is a slip, not "all". */
        for (const char *p = v;;) {
            size_t n = strcspn(p, ","), lead = strspn(p, " ");
            if (lead >= n)
                return vs_cli_usage(c, cmd, "--approaches '%s' has an empty name; give presets separated by commas, "
                                            "such as kvm,lxc (see virtsim list approaches)", v);
            if (!p[n]) break;
            p += n + 1;
        }
        a->approaches = v;
        return VS_OK;
    case VS_OPT_MEMORY_BUDGET: {
        double bytes;
        char why[200];
        if (vs_units_parse(v, VS_UNIT_BYTES, &bytes, why, sizeof why) != 0 ||
            bytes < (double)VS_BUDGET_MIN_BYTES || bytes > 1e18)
            return vs_cli_usage(c, cmd, "--memory-budget needs a size of at least 1MiB, such as 512MiB or 4GiB, "
                                        "not '%s'", v);
        a->memory_budget = (uint64_t)bytes;
        return VS_OK;
    }
    }
    return VS_OK;
}

/* "--a, --b and --c" (last: " and "): the options of cmd whose names start
 * with the first n characters of prefix (all for n 0), --help last if asked. */
static void option_list(const struct vs_cmd *cmd, const char *prefix, size_t n, bool with_help, const char *last,
                        char *buf, size_t len)
{
    const char *names[MAX_OPTS + 1];
    size_t k = 0, used = 0;
    for (const struct vs_cmd_opt *o = cmd->opts; o->id && k < MAX_OPTS; o++)
        if (strncmp(o->name, prefix, n) == 0) names[k++] = o->name;
    if (with_help) names[k++] = "help";
    buf[0] = '\0';
    for (size_t i = 0; i < k && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s--%s", i == 0 ? "" : i + 1 == k ? last : ", ",
                                 names[i]);
}

/* Why getopt_long refused arg: a known option given a value it does not
 * take, an abbreviation that fits several, or no such option. */
static int bad_option(const struct vs_cli *c, const struct vs_cmd *cmd, const char *arg)
{
    char list[600];
    if (strncmp(arg, "--", 2) == 0) {
        size_t n = strcspn(arg + 2, "=");
        int matches = 0;
        bool exact = false;
        for (const struct vs_cmd_opt *o = cmd->opts; o->id; o++)
            if (strncmp(o->name, arg + 2, n) == 0) {
                matches++;
                exact = exact || strlen(o->name) == n;
            }
        if (arg[2 + n] == '=' && (exact || matches == 1))
            return vs_cli_usage(c, cmd, "--%.*s takes no value ('%s')", (int)n, arg + 2, arg);
        if (matches > 1) {
            option_list(cmd, arg + 2, n, false, " or ", list, sizeof list);
            return vs_cli_usage(c, cmd, "'%.*s' is ambiguous: it could be %s", (int)(n + 2), arg, list);
        }
        option_list(cmd, "", 0, true, " and ", list, sizeof list);
        return vs_cli_usage(c, cmd, "unknown option '%.*s'; %s takes %s", (int)(n + 2), arg, cmd->name, list);
    }
    option_list(cmd, "", 0, true, " and ", list, sizeof list);
    return vs_cli_usage(c, cmd, "unknown option '%s'; %s takes %s", arg, cmd->name, list);
}

enum parse_result { PARSED, HELP, FAILED };

/* Parses argv (argv[0] is the command's name) against cmd's options.
 * Options and arguments may come in any order; "--" ends the options. The
 * arrays in *a point into argv and into values[] / pos[], which the caller
 * provides with argc entries each. */
static enum parse_result parse(const struct vs_cli *c, const struct vs_cmd *cmd, int argc, char **argv,
                               struct vs_cmd_args *a, struct vs_cmd_value *values, char **pos)
{
    struct option longs[MAX_OPTS + 1];
    char shorts[2 * MAX_OPTS + 4] = "-:";
    size_t n = 0, ns = 2;
    for (const struct vs_cmd_opt *o = cmd->opts; o->id && n < MAX_OPTS - 1; o++, n++) {
        longs[n] = (struct option){o->name, o->arg ? required_argument : no_argument, NULL, o->id};
        if (o->short_name) {
            shorts[ns++] = o->short_name;
            if (o->arg) shorts[ns++] = ':';
        }
    }
    longs[n++] = (struct option){"help", no_argument, NULL, 'h'};
    longs[n] = (struct option){0};
    shorts[ns++] = 'h';
    shorts[ns] = '\0';

    memset(a, 0, sizeof *a);
    a->format = VS_REPORT_TABLE;
    a->opts = values;
    a->pos = pos;
    int n_opts = 0, n_pos = 0;
    /* "-" first in the option string: arguments come back in order as 1,
     * whatever POSIXLY_CORRECT says; ":" next: a missing value comes back
     * as ':' and getopt prints nothing (the messages are ours). optind 0
     * makes glibc start afresh for this argv. */
    optind = 0;
    opterr = 0;
    for (;;) {
        int id = getopt_long(argc, argv, shorts, longs, NULL);
        if (id == -1) break;
        if (id == 1) {
            pos[n_pos++] = optarg;
            continue;
        }
        if (id == 'h') {
            print_command_help(c->out, cmd);
            return HELP;
        }
        if (id == '?') {
            /* optopt: the letter of a bad short option; 0 for an unknown or
             * ambiguous long one, its id for one given a value it does not
             * take (then argv[optind - 1] is what was written). */
            char flag[3] = {'-', (char)optopt, 0};
            bad_option(c, cmd, optopt > 0 && optopt < 256 ? flag : argv[optind - 1]);
            return FAILED;
        }
        if (id == ':') {
            for (const struct vs_cmd_opt *o = cmd->opts; o->id; o++)
                if (o->id == optopt || (optopt < 256 && o->short_name == optopt)) {
                    vs_cli_usage(c, cmd, "--%s needs a value (--%s %s)", o->name, o->name, o->arg);
                    return FAILED;
                }
            vs_cli_usage(c, cmd, "'%s' needs a value", argv[optind - 1]);
            return FAILED;
        }
        /* A short alias comes back as its letter: map it to the option. */
        const struct vs_cmd_opt *opt = NULL;
        for (const struct vs_cmd_opt *o = cmd->opts; o->id && !opt; o++)
            if (o->id == id || (id < 256 && o->short_name == id)) opt = o;
        if (!opt) continue;
        if (opt->id < VS_OPT_SHARED_END) {
            if (shared_flag(c, cmd, opt->id, optarg, a) != VS_OK) return FAILED;
        } else {
            values[n_opts++] = (struct vs_cmd_value){opt, optarg};
        }
    }
    /* After "--", everything is an argument. */
    while (optind < argc) pos[n_pos++] = argv[optind++];
    a->n_opts = n_opts;
    a->n_pos = n_pos;
    return PARSED;
}

static int run_command(const struct vs_cli *c, const struct vs_cmd *cmd, int argc, char **argv)
{
    struct vs_cmd_value *values = calloc((size_t)argc, sizeof *values);
    char **pos = calloc((size_t)argc, sizeof *pos);
    struct vs_cmd_args a;
    int rc;
    if (!values || !pos) {
        fprintf(c->err, "virtsim: out of memory\n");
        rc = VS_ERR_RUNTIME;
    } else {
        switch (parse(c, cmd, argc, argv, &a, values, pos)) {
        case HELP: rc = VS_OK; break;
        case FAILED: rc = VS_ERR_INPUT; break;
        default:
            if (a.n_pos < cmd->min_args)
                rc = vs_cli_usage(c, cmd, "%s", cmd->missing);
            else if (cmd->max_args >= 0 && a.n_pos > cmd->max_args)
                rc = vs_cli_usage(c, cmd, "'%s' is one argument too many (usage: virtsim %s %s)",
                                  a.pos[cmd->max_args], cmd->name, cmd->args);
            else {
                /* Every file named as an argument is an input: no output
                 * of the command may replace it (out/output.h). */
                for (int i = 0; i < a.n_pos; i++) vs_inputs_note_path(a.pos[i]);
                vs_control_init(&cli_control, a.memory_budget ? a.memory_budget : vs_budget_default_bytes());
                rc = cmd->run(c, cmd, &a);
            }
        }
    }
    free(values);
    free(pos);
    return rc;
}

/* ---- shared helpers ---- */

bool vs_cli_file_exists(const char *path)
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

int vs_cli_load_scenario(const char *name, struct vs_scenario *sc, struct vs_error *e)
{
    if (vs_cli_file_exists(name)) {
        int rc = vs_config_load_scenario_file(name, sc, e);
        sc->control = &cli_control;
        return rc;
    }
    const struct vs_builtin *b = vs_builtin_find(VS_BUILTIN_SCENARIO, name);
    if (b) {
        char origin[300];
        snprintf(origin, sizeof origin, "builtin:%s", b->path);
        int rc = vs_config_load_scenario(b->data, b->len, origin, NULL, sc, e);
        sc->control = &cli_control;
        return rc;
    }
    char names[512];
    list_names(VS_BUILTIN_SCENARIO, names, sizeof names);
    return vs_error_set(e, VS_ERR_INPUT, NULL, 0, 0,
                        "%s: no such file, and no built-in scenario of that name (built-in: %s)", name, names);
}

int vs_cli_load_scenario_or_workload(const char *name, struct vs_compare_opts *o, struct vs_scenario *sc,
                                     char *skipped, size_t skipped_len, struct vs_error *e)
{
    skipped[0] = '\0';
    bool workload = false;
    if (vs_cli_file_exists(name)) {
        enum vs_config_kind kind = VS_CONFIG_UNKNOWN;
        struct vs_error probe;
        vs_config_validate_file(name, &kind, &probe);
        workload = kind == VS_CONFIG_WORKLOAD;
    } else {
        workload = !vs_builtin_find(VS_BUILTIN_SCENARIO, name) && vs_builtin_find(VS_BUILTIN_WORKLOAD, name);
    }
    if (!workload) {
        int rc = vs_cli_load_scenario(name, sc, e);
        if (rc != VS_OK && !vs_cli_file_exists(name)) {
            char why[sizeof e->message];
            snprintf(why, sizeof why, "%s", e->message);
            return vs_error_set(e, rc, NULL, 0, 0, "%.600s; nor a built-in workload (virtsim list workloads)", why);
        }
        return rc;
    }
    o->workload = name;
    return vs_compare_scenario(o, sc, skipped, skipped_len, e);
}

int vs_cli_write_to(const struct vs_cli *c, const char *path, vs_cli_writer fn, const void *ctx, struct vs_error *e)
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

void vs_cli_warn_failed_starts(const struct vs_cli *c, const struct vs_results *r)
{
    for (uint32_t k = 0; k < r->n_runs; k++) {
        const struct vs_run_result *run = &r->runs[k];
        uint64_t failed = 0, total = 0;
        for (uint32_t g = 0; g < run->n_groups; g++) {
            failed += run->groups[g].failed_instances;
            total += run->groups[g].instances;
        }
        if (failed)
            fprintf(c->err,
                    "virtsim: warning: under %s, %llu of %llu guest instances could not start (not enough memory "
                    "on their host); their figures are missing from the report\n",
                    run->engine, (unsigned long long)failed, (unsigned long long)total);
    }
}

int vs_cli_write_report(FILE *f, const void *ctx, struct vs_error *e)
{
    const struct vs_cli_report *j = ctx;
    if (j->fmt == VS_REPORT_TABLE && j->skipped) {
        vs_compare_write_table(f, j->res, j->skipped);
        return ferror(f) ? vs_error_set(e, VS_ERR_RUNTIME, NULL, 0, 0, "writing the output failed") : VS_OK;
    }
    return vs_report_write(f, j->res, j->fmt, e);
}

int vs_cli_write_partial(const struct vs_cli *c, const char *path, const struct vs_results *res,
                         enum vs_report_format fmt, int rc, struct vs_error *e)
{
    if (rc != VS_OK && rc != VS_ERR_INTERRUPTED) return rc;
    struct vs_cli_report job = {res, fmt, NULL};
    struct vs_error we;
    int wrc = vs_cli_write_to(c, path, vs_cli_write_report, &job, &we);
    if (wrc != VS_OK) {
        *e = we;
        return wrc;
    }
    if (rc == VS_ERR_INTERRUPTED)
        vs_error_set(e, VS_ERR_INTERRUPTED, NULL, 0, 0, "interrupted: the report%s%s holds partial results",
                     path && strcmp(path, "-") != 0 ? " in " : "", path && strcmp(path, "-") != 0 ? path : "");
    return rc;
}

/* ---- the entry point ---- */

int vs_cli_main(int argc, char **argv, FILE *out, FILE *err)
{
    struct vs_cli c = {out, err, &cli_control};
    if (argc < 2) {
        vs_control_init(&cli_control, vs_budget_default_bytes());
        /* The main job: the UI on a terminal, the report anywhere else (a
         * pipe, CI), so `make run` never hangs waiting for keys. */
        if (out == stdout && isatty(STDOUT_FILENO) && isatty(STDIN_FILENO))
            return vs_cli_open_tui(&c, VS_DEFAULT_SCENARIO, false, 0);
        struct vs_cmd_args a = {.format = VS_REPORT_TABLE};
        return vs_cli_run_scenario(&c, VS_DEFAULT_SCENARIO, &a);
    }
    const char *name = argv[1];
    if (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0) {
        print_main_help(out);
        return VS_OK;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
        fprintf(out, "virtsim %s\n", VS_VERSION);
        return VS_OK;
    }
    const struct vs_cmd *cmd = find_command(name);
    if (!cmd) {
        char names[300];
        size_t used = 0;
        for (size_t i = 0; i < N_COMMANDS; i++)
            used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "", commands[i]->name);
        return vs_cli_usage(&c, NULL, "unknown command '%s'; the commands are %s", name, names);
    }
    return run_command(&c, cmd, argc - 1, argv + 1);
}
