/* `virtsim tui`: the terminal UI (tui/) on a scenario, or on one workload
 * under one engine of each approach (the comparison `virtsim compare` runs). */
#include <stdlib.h>
#include <string.h>
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
    {VS_OPT_SLA, "sla", 0, "SLA",
     "the Density panel's SLA, like virtsim density --sla (repeat for several;\n"
     "default: none, every guest must start)"},
    {VS_OPT_MAX, "max", 0, "N", "the Density panel's search bound (default 256)"},
    {VS_OPT_DURATION, "duration", 0, "TIME", "the Density panel's simulated time per point (default 5s)"},
    {0},
};

int vs_cli_open_tui(const struct vs_cli *c, const char *scenario, bool have_seed, uint64_t seed)
{
    return vs_cli_open_tui_with(c, scenario, have_seed, seed, NULL, NULL);
}

static int open_tui(const struct vs_cli *c, const char *scenario, bool have_seed, uint64_t seed,
                    const char *approaches, const char *host, const struct vs_tui_density_start *ds);

int vs_cli_open_tui_with(const struct vs_cli *c, const char *scenario, bool have_seed, uint64_t seed,
                         const char *approaches, const char *host)
{
    return open_tui(c, scenario, have_seed, seed, approaches, host, NULL);
}

static int open_tui(const struct vs_cli *c, const char *scenario, bool have_seed, uint64_t seed,
                    const char *approaches, const char *host, const struct vs_tui_density_start *ds)
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
    if (rc == VS_OK) rc = vs_tui_main_with(sc, have_seed ? seed : sc->seed, ds, &e);
    free(sc);
    return rc == VS_OK ? VS_OK : vs_cli_error(c, &e, rc);
}

static int run(const struct vs_cli *c, const struct vs_cmd *cmd, const struct vs_cmd_args *a)
{
    struct vs_tui_density_start ds = {0};
    struct vs_density_opts check = {0};
    char slas[256] = "";
    for (int i = 0; i < a->n_opts; i++) {
        const struct vs_cmd_value *v = &a->opts[i];
        int rc = VS_OK;
        switch (v->opt->id) {
        case VS_OPT_SLA:
            /* Checked here, so a bad SLA is a usage error before the screen opens. */
            rc = vs_cli_sla(c, cmd, v, &check);
            if (rc == VS_OK) {
                size_t used = strlen(slas);
                snprintf(slas + used, sizeof slas - used, "%s%s", used ? " " : "", v->value);
            }
            break;
        case VS_OPT_MAX: rc = vs_cli_uint(c, cmd, v, 1, VS_MAX_GUESTS, &ds.max_guests); break;
        case VS_OPT_DURATION: rc = vs_cli_duration(c, cmd, v, &ds.duration_ns); break;
        }
        if (rc != VS_OK) return rc;
    }
    if (slas[0]) ds.sla = slas;
    if (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO)) {
        fprintf(c->err, "virtsim: the terminal UI needs a terminal; use 'virtsim run' for a report\n");
        return VS_ERR_INPUT;
    }
    return open_tui(c, a->n_pos ? a->pos[0] : VS_DEFAULT_SCENARIO, a->have_seed, a->seed, a->approaches, a->host,
                    &ds);
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
