/* `virtsim tui`: the terminal UI (tui/) on a scenario. */
#include <stdlib.h>
#include <unistd.h>

#include "cmd.h"
#include "virtsim/load/builtin.h"
#include "virtsim/ui/tui.h"

static const struct vs_cmd_opt options[] = {
    VS_CMD_OPT_SEED("random seed (default: the scenario's seed:)"),
    {0},
};

int vs_cli_open_tui(const struct vs_cli *c, const char *scenario, bool have_seed, uint64_t seed)
{
    struct vs_error e;
    vs_error_clear(&e);
    struct vs_scenario *sc = malloc(sizeof *sc);
    if (!sc) return vs_cli_error(c, &e, vs_error_set(&e, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory"));
    int rc = vs_cli_load_scenario(scenario, sc, &e);
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
    return vs_cli_open_tui(c, a->n_pos ? a->pos[0] : VS_DEFAULT_SCENARIO, a->have_seed, a->seed);
}

const struct vs_cmd vs_cmd_tui = {
    .name = "tui",
    .args = "[SCENARIO]",
    .min_args = 0,
    .max_args = 1,
    .missing = "",
    .summary = "the terminal UI: watch the engines side by side, change guests live",
    .help = "Opens the terminal UI on a scenario (default: the built-in default scenario): every\n"
            "engine of its compare: list runs the same guests side by side; press ? for the keys.\n",
    .opts = options,
    .run = run,
};
