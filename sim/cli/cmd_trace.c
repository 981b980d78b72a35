/* `virtsim trace OPERATION` / `virtsim trace --request WORKLOAD`: the steps
 * an operation takes under each approach (run/trace.c prices them with a
 * recorder attached; out/trace.c writes them, chart.c draws them). */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "virtsim/run/trace.h"

static const struct vs_cmd_opt options[] = {
    VS_CMD_OPT_HOST("host profile (default: current; see virtsim list hosts)"),
    VS_CMD_OPT_APPROACHES("comma-separated approaches or presets (default: " VS_TRACE_DEFAULT_APPROACHES ")"),
    {VS_OPT_REQUEST, "request", 'r', "WORKLOAD", "trace one mean request of a workload instead of one operation:\n"
                                                 "its operations grouped, with the CPU by place"},
    {VS_OPT_CHART, "chart", 0, "FILE", "also draw the steps as a swim-lane chart, FILE.svg, .pdf or .png\n"
                                       "(1280x720, one panel per approach; the steps go to FILE.csv)"},
    VS_CMD_OPT_FORMAT("table (default), csv (one line per step) or json"),
    VS_CMD_OPT_OUTPUT("write to FILE (written whole, then renamed into place)"),
    {0},
};

struct job {
    const struct vs_trace_report *res;
    enum vs_report_format fmt;
};

static int write_job(FILE *f, const void *ctx, struct vs_error *e)
{
    const struct job *j = ctx;
    return vs_trace_write(f, j->res, j->fmt, e);
}


static int run(const struct vs_cli *c, const struct vs_cmd *cmd, const struct vs_cmd_args *a)
{
    struct vs_trace_opts o = {.host = a->host, .approaches = a->approaches};
    const char *chart = NULL;
    for (int k = 0; k < a->n_opts; k++) {
        const struct vs_cmd_value *v = &a->opts[k];
        if (v->opt->id == VS_OPT_REQUEST) o.workload = v->value;
        if (v->opt->id == VS_OPT_CHART) chart = v->value;
    }
    if (a->n_pos == 1) o.operation = a->pos[0];
    if (!o.operation == !o.workload)
        return vs_cli_usage(c, cmd, "give either an OPERATION or --request WORKLOAD (one of the two)");
    if (chart && o.workload)
        return vs_cli_usage(c, cmd, "--chart draws one operation, not a --request");
    struct vs_error e;
    vs_error_clear(&e);
    struct vs_trace_report *res = malloc(sizeof *res);
    if (!res) return vs_cli_error(c, &e, vs_error_set(&e, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory"));
    int rc = vs_trace_run(&o, res, &e);
    struct job job = {res, a->format};
    if (rc == VS_OK) rc = vs_cli_write_to(c, a->output, write_job, &job, &e);
    if (rc == VS_OK && chart) {
        rc = vs_trace_chart(res, chart, 1280, 720, &e);
        size_t len = strlen(chart);
        char csv[1100];
        snprintf(csv, sizeof csv, "%.*s.csv", (int)(len > 4 ? len - 4 : len), chart);
        struct job steps = {res, VS_REPORT_CSV};
        if (rc == VS_OK) rc = vs_cli_write_to(c, csv, write_job, &steps, &e);
        if (rc == VS_OK) fprintf(c->err, "wrote %s and %s\n", chart, csv);
    }
    free(res);
    return rc == VS_OK ? VS_OK : vs_cli_error(c, &e, rc);
}

const struct vs_cmd vs_cmd_trace = {
    .name = "trace",
    .args = "[OPERATION]",
    .min_args = 0,
    .max_args = 1,
    .summary = "step through one operation's path under each approach",
    .help = "Lists, for each approach, the steps one guest operation takes, in order: where each\n"
            "runs (guest kernel, hypervisor, host kernel, device model, hardware), its cycles and\n"
            "time on the host, and the host-profile constant it is priced from. The steps are the\n"
            "ones the engine charges in a simulation (recorded while pricing, not written twice).\n"
            "OPERATION: syscall, page-fault, cow-fault, file-fault, context-switch, cr3-load,\n"
            "tlb-miss, pt-update, irq-flag, port-io, exiting-instruction, fork, exec, fork-exec,\n"
            "disk-read, disk-write, net-receive, net-send, timer, ipi, page-cache-read,\n"
            "kernel-instruction, instruction (or a workload key such as page_faults).\n"
            "Examples: virtsim trace syscall --approaches native,xen-pv,kvm\n"
            "          virtsim trace page-fault --approaches hvm-shadow,hvm-ept --chart pf.png\n"
            "          virtsim trace --request web-server --approaches kvm,qemu,lxc\n"
            "See docs/trace.md.\n",
    .opts = options,
    .run = run,
};
