/* `virtsim microbench`: per-operation latency under each approach, every
 * figure from a simulation (run/microbench.c measures; this file only reads
 * the options and writes the result). */
#include <stdlib.h>

#include "cmd.h"
#include "virtsim/run/microbench.h"

static const struct vs_cmd_opt options[] = {
    VS_CMD_OPT_HOST("host profile (default: current; see virtsim list hosts)"),
    VS_CMD_OPT_APPROACHES("comma-separated approaches or presets (default: " VS_MB_DEFAULT_APPROACHES ");\n"
                          "native always comes first; presets the host cannot run (e.g. hvm on a CPU\n"
                          "without VT-x) are left out and named"),
    VS_CMD_OPT_SEED("random seed (default: 1; only the disk and network rows draw)"),
    VS_CMD_OPT_FORMAT("table (default), csv or json (one entry per approach and operation)"),
    VS_CMD_OPT_OUTPUT("write to FILE (written whole, then renamed into place)"),
    {0},
};

struct job {
    const struct vs_mb_results *res;
    enum vs_report_format fmt;
};

static int write_job(FILE *f, const void *ctx, struct vs_error *e)
{
    const struct job *j = ctx;
    return vs_microbench_write(f, j->res, j->fmt, e);
}

static int run(const struct vs_cli *c, const struct vs_cmd *cmd, const struct vs_cmd_args *a)
{
    (void)cmd;
    struct vs_microbench_opts o = {.host = a->host, .approaches = a->approaches, .seed = a->have_seed ? a->seed : 1};
    struct vs_error e;
    vs_error_clear(&e);
    struct vs_mb_results *res = malloc(sizeof *res);
    if (!res) return vs_cli_error(c, &e, vs_error_set(&e, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory"));
    int rc = vs_microbench_run(&o, res, &e);
    struct job job = {res, a->format};
    if (rc == VS_OK) rc = vs_cli_write_to(c, a->output, write_job, &job, &e);
    free(res);
    return rc == VS_OK ? VS_OK : vs_cli_error(c, &e, rc);
}

const struct vs_cmd vs_cmd_microbench = {
    .name = "microbench",
    .args = "",
    .min_args = 0,
    .max_args = 0,
    .summary = "lmbench-style latency of single operations under each approach",
    .help = "Prints what one guest operation costs under each approach, in microseconds: a null\n"
            "system call, a context switch, fork + exec, a page fault, a TLB miss, a PTE update,\n"
            "an interrupt-flag change, a CR3 load, port I/O, an exiting instruction (cpuid), a\n"
            "timer interrupt, a 4 KiB disk read, a network round trip and the one-time code\n"
            "translation. Each figure is measured by simulation, as lmbench measures a real\n"
            "system: one guest performs the operation N times per request in a closed loop,\n"
            "and the operation's latency is (request latency - baseline request latency) / N.\n"
            "A teaching tool: see docs/microbench.md for what each row does and leaves out.\n",
    .opts = options,
    .run = run,
};
