/* `virtsim list`, `show` and `validate`: the built-in library (embedded
 * YAML) and the engines, listed, printed to copy, and YAML files checked. */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "virtsim/load/builtin.h"
#include "virtsim/load/config.h"
#include "virtsim/model/engine.h"
#include "virtsim/model/security.h"
#include "virtsim/run/estimate.h"

static const struct vs_cmd_opt no_options[] = {{0}};

/* ---- list ---- */

static int list_engines(const struct vs_cli *c)
{
    /* Each approach, then its presets: the systems it stands for. */
    for (size_t i = 0; i < vs_engine_count(); i++) {
        const struct vs_engine_ops *e = vs_engine_at(i);
        fprintf(c->out, "%s%s: %s\n", i ? "\n" : "", e->approach, e->summary);
        for (size_t p = 0; p < e->n_presets; p++)
            fprintf(c->out, "  %-12s %s. %s\n", e->presets[p].name, e->presets[p].system, e->presets[p].summary);
    }
    return VS_OK;
}

/* Security isolation per approach (model/security.h), with its sources. */
static int list_security(const struct vs_cli *c)
{
    for (size_t i = 0; i < vs_security_count(); i++) {
        const struct vs_security_row *r = vs_security_at(i);
        fprintf(c->out, "%s%s: %s\n", i ? "\n" : "", r->approach, r->systems);
        fprintf(c->out, "  reachable from a guest: %s\n", r->interface);
        fprintf(c->out, "    size: %s  [%s]\n", r->interface_size, r->interface_source);
        fprintf(c->out, "  trusted code: %s\n", r->tcb);
        fprintf(c->out, "    size: %s  [%s]\n", r->tcb_size, r->tcb_source);
        for (size_t e = 0; e < r->n_escapes; e++)
            fprintf(c->out, "  escape: %s: %s  [%s]\n", r->escapes[e].name, r->escapes[e].what, r->escapes[e].source);
    }
    return VS_OK;
}

static int run_list(const struct vs_cli *c, const struct vs_cmd *cmd, const struct vs_cmd_args *a)
{
    const char *what = a->pos[0];
    if (strcmp(what, "approaches") == 0 || strcmp(what, "engines") == 0) return list_engines(c);
    if (strcmp(what, "security") == 0) return list_security(c);
    enum vs_builtin_kind kind;
    if (strcmp(what, "workloads") == 0) kind = VS_BUILTIN_WORKLOAD;
    else if (strcmp(what, "scenarios") == 0) kind = VS_BUILTIN_SCENARIO;
    else if (strcmp(what, "hosts") == 0) kind = VS_BUILTIN_HOST;
    else if (strcmp(what, "labs") == 0) return vs_cli_list_labs(c);
    else return vs_cli_usage(c, cmd, "cannot list '%s'; choose workloads, scenarios, hosts, approaches, labs or security", what);
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

const struct vs_cmd vs_cmd_list = {
    .name = "list",
    .args = "KIND",
    .min_args = 1,
    .max_args = 1,
    .missing = "list needs one of: workloads, scenarios, hosts, approaches, labs, security",
    .summary = "list built-in workloads, scenarios, hosts, approaches, labs or security",
    .help = "Lists the built-in library (embedded in the binary) or the engines, one per line\n"
            "with a short description.\n"
            "\n"
            "  KIND   workloads, scenarios, hosts, approaches, labs, or security (per approach:\n"
            "         what a guest can reach, the trusted code, real escapes, with sources)\n",
    .opts = no_options,
    .run = run_list,
};

/* ---- show ---- */

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

static int run_show(const struct vs_cli *c, const struct vs_cmd *cmd, const struct vs_cmd_args *a)
{
    const struct vs_builtin *b = NULL;
    const char *name = a->pos[a->n_pos - 1];
    if (a->n_pos == 2) {
        enum vs_builtin_kind kind;
        if (parse_kind(a->pos[0], &kind) != 0)
            return vs_cli_usage(c, cmd, "'%s' is not a kind; use workload, scenario or host", a->pos[0]);
        b = vs_builtin_find(kind, name);
    } else {
        for (size_t i = 0; i < vs_builtin_count() && !b; i++)
            if (strcmp(vs_builtin_at(i)->name, name) == 0) b = vs_builtin_at(i);
    }
    if (!b) {
        fprintf(c->err, "virtsim: no built-in named '%s'; see virtsim list workloads|scenarios|hosts\n", name);
        return VS_ERR_INPUT;
    }
    fwrite(b->data, 1, b->len, c->out);
    return VS_OK;
}

const struct vs_cmd vs_cmd_show = {
    .name = "show",
    .args = "[KIND] NAME",
    .min_args = 1,
    .max_args = 2,
    .missing = "show needs a name (see virtsim list workloads)",
    .summary = "print a built-in workload, scenario or host as YAML to copy and edit",
    .help = "Prints a built-in file's YAML. Save it, edit it, and run it:\n"
            "  virtsim show web-server > my-server.yaml\n"
            "\n"
            "  KIND   workload, scenario or host, when a name is used by more than one\n",
    .opts = no_options,
    .run = run_show,
};

/* ---- validate ---- */

static const struct vs_cmd_opt validate_options[] = {
    VS_CMD_OPT_MEMORY_BUDGET,
    {0},
};

/* A valid scenario whose queues are expected to outgrow the memory budget
 * would stop with that error when it runs: say so now (VS_ERR_RUNTIME, as
 * the run would), or note a worst case past it (VS_OK). */
static int check_budget(const struct vs_cli *c, const char *path, uint64_t budget)
{
    struct vs_scenario *sc = malloc(sizeof *sc);
    struct vs_error e;
    if (!sc) return VS_OK;
    if (vs_config_load_scenario_file(path, sc, &e) != VS_OK) {
        free(sc);
        return VS_OK;
    }
    struct vs_queue_estimate q;
    vs_estimate_queues(sc, &q);
    free(sc);
    char b[32], need[32], worst[32], offered[32], cap[32];
    vs_units_format_bytes((double)budget, b, sizeof b);
    vs_units_format_bytes(q.group_bytes, need, sizeof need);
    vs_units_format_bytes(q.worst_bytes, worst, sizeof worst);
    if (q.saturated && q.expected_bytes > (double)budget) {
        vs_units_format_rate(q.offered_per_s, offered, sizeof offered);
        vs_units_format_rate(q.capacity_per_s, cap, sizeof cap);
        fprintf(c->err,
                "virtsim: %s: guest %s offers %s per instance, more than %s carries (about %s): its queue of "
                "%u requests will fill, %.0f packet%s each, about %s of queues, past the memory budget of %s; "
                "lower the load, the packets or queue_limit, or raise --memory-budget\n",
                path, q.group, offered, q.bottleneck, cap, q.queue_limit, q.packets_per_request,
                q.packets_per_request == 1 ? "" : "s", need, b);
        return VS_ERR_RUNTIME;
    }
    if (q.worst_bytes > (double)budget)
        fprintf(c->err,
                "virtsim: %s: note: if every guest's queue filled (guest %s most: %s), the queues would take "
                "about %s, past the memory budget of %s; the run then stops with an error\n",
                path, q.group, need, worst, b);
    return VS_OK;
}

static int run_validate(const struct vs_cli *c, const struct vs_cmd *cmd, const struct vs_cmd_args *a)
{
    (void)cmd;
    static const char *const kinds[] = {"unknown", "workload", "host profile", "scenario"};
    int worst = VS_OK;
    for (int i = 0; i < a->n_pos; i++) {
        struct vs_error e;
        vs_error_clear(&e);
        enum vs_config_kind kind = VS_CONFIG_UNKNOWN;
        if (vs_cli_is_lab_file(a->pos[i])) {
            int lrc = vs_cli_validate_lab(c, a->pos[i]);
            if (lrc != VS_OK && worst != VS_ERR_INPUT) worst = lrc;
            continue;
        }
        int rc = vs_config_validate_file(a->pos[i], &kind, &e);
        if (rc == VS_OK && kind == VS_CONFIG_SCENARIO)
            rc = check_budget(c, a->pos[i], a->memory_budget ? a->memory_budget : vs_budget_default_bytes());
        if (rc == VS_OK) fprintf(c->out, "%s: ok (%s)\n", a->pos[i], kinds[kind]);
        else if (e.message[0]) worst = vs_cli_error(c, &e, rc);
        else if (worst != VS_ERR_INPUT) worst = rc;
    }
    return worst;
}

const struct vs_cmd vs_cmd_validate = {
    .name = "validate",
    .args = "FILE...",
    .min_args = 1,
    .max_args = -1,
    .missing = "validate needs at least one file",
    .summary = "check YAML files (scenario, workload, host profile or lab)",
    .help = "Checks each YAML file (a scenario, a workload, a host profile or a lab, told apart by\n"
            "its keys) and prints 'FILE: ok (KIND)' or the first error as FILE:LINE:COL: message.\n"
            "Exits with 2 if any file has an error. For a scenario it also estimates the memory\n"
            "its queues will take: a guest whose open load exceeds what its vCPUs or its NIC\n"
            "carry fills its queue (queue_limit requests, each with its packets); if that passes\n"
            "the memory budget the run would stop, so validate says so and exits with 1.\n",
    .opts = validate_options,
    .run = run_validate,
};
