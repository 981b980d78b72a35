/* `virtsim merge`: the CSVs of a sweep's points, run as separate jobs, put
 * back together in point order, checked strictly (out/merge.c). */
#include "cmd.h"
#include "virtsim/out/merge.h"

static const struct vs_cmd_opt options[] = {
    VS_CMD_OPT_OUTPUT("write the merged CSV to FILE (written whole, then renamed into place)"),
    {0},
};

struct merge_job {
    char *const *files;
    int n;
};

static int write_merge(FILE *f, const void *ctx, struct vs_error *e)
{
    const struct merge_job *j = ctx;
    return vs_merge_sweep_csv(f, j->files, j->n, e);
}

static int run(const struct vs_cli *c, const struct vs_cmd *cmd, const struct vs_cmd_args *a)
{
    (void)cmd;
    struct vs_error e;
    vs_error_clear(&e);
    struct merge_job job = {a->pos, a->n_pos};
    int rc = vs_cli_write_to(c, a->output, write_merge, &job, &e);
    return rc == VS_OK ? VS_OK : vs_cli_error(c, &e, rc);
}

const struct vs_cmd vs_cmd_merge = {
    .name = "merge",
    .args = "FILE.csv...",
    .min_args = 1,
    .max_args = -1,
    .missing = "merge needs the CSV files of a sweep's points",
    .summary = "merge the CSVs of a sweep's points run as separate jobs",
    .help = "Merges the CSV outputs of a sweep's points (virtsim run --sweep-point K --format csv)\n"
            "into the CSV of the whole sweep, ordered by point; the headers must agree.\n",
    .opts = options,
    .run = run,
};
