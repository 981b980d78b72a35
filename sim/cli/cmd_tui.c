/* `virtsim tui`: the terminal UI (tui/) on a scenario, or on one workload
 * under one engine of each approach (the comparison `virtsim compare` runs). */
#include <stdlib.h>
#include <unistd.h>

#include "cmd.h"
#include "virtsim/load/builtin.h"
#include "virtsim/run/compare.h"
#include "virtsim/ui/tui.h"

/* A workload alone is compared under one preset of each approach, as the
 * default scenario does: every preset at once would not fit a screen. */
#define TUI_APPROACHES "qemu,xen-pv,kvm,lxc"

static const struct vs_cmd_opt options[] = {
    VS_CMD_OPT_SEED("random seed (default: the scenario's seed:, 1 for a workload)"),
    VS_CMD_OPT_APPROACHES("with a WORKLOAD: comma-separated approaches or presets beside native\n"
                          "(default: " TUI_APPROACHES ")"),
    VS_CMD_OPT_HOST("with a WORKLOAD: host profile (default: current)"),
    {0},
};

int vs_cli_open_tui(const struct vs_cli *c, const char *scenario, bool have_seed, uint64_t seed)
{
    return vs_cli_open_tui_with(c, scenario, have_seed, seed, NULL, NULL);
}

int vs_cli_open_tui_with(const struct vs_cli *c, const char *scenario, bool have_seed, uint64_t seed,
                         const char *approaches, const char *host)
{
    struct vs_error e;
    vs_error_clear(&e);
    struct vs_scenario *sc = malloc(sizeof *sc);
    if (!sc) return vs_cli_error(c, &e, vs_error_set(&e, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory"));
    struct vs_compare_opts o = {.host = host, .approaches = approaches ? approaches : TUI_APPROACHES,
                                .seed = have_seed ? seed : 1};
    char skipped[2048];
    int rc = vs_cli_load_scenario_or_workload(scenario, &o, sc, skipped, sizeof skipped, &e);
    if (rc == VS_OK && skipped[0]) fprintf(c->err, "virtsim: left out (the host cannot run them): %s\n", skipped);
    if (rc == VS_OK) rc = vs_tui_main(sc, have_seed ? seed : sc->seed, &e);
    free(sc);
    return rc == VS_OK ? VS_OK : vs_cli_error(c, &e, rc);
}

static int run(const struct vs_cli *c, const struct vs_cmd *cmd, const struct vs_cmd_args *a)
{
    (void)cmd;
    if (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO)) {
        fprintf(c->err, "virtsim: the terminal UI needs a terminal; use 'virtsim run' for a report\n");
        return VS_ERR_INPUT;
    }
    return vs_cli_open_tui_with(c, a->n_pos ? a->pos[0] : VS_DEFAULT_SCENARIO, a->have_seed, a->seed,
                                a->approaches, a->host);
}

const struct vs_cmd vs_cmd_tui = {
    .name = "tui",
    .args = "[SCENARIO | WORKLOAD]",
    .min_args = 0,
    .max_args = 1,
    .missing = "",
    .summary = "the terminal UI: watch the engines side by side, change guests live",
    .help = "Opens the terminal UI on a scenario (default: the built-in default scenario): every\n"
            "engine of its compare: list runs the same guests side by side; press ? for the keys.\n"
            "\n"
            "  SCENARIO   a built-in scenario (virtsim list scenarios) or a YAML file\n"
            "  WORKLOAD   a built-in workload or a workload file: the workload alone on the host,\n"
            "             saturated, under native and one engine of each approach, as\n"
            "             virtsim compare builds it\n",
    .opts = options,
    .run = run,
};
