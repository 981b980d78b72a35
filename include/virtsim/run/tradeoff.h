/* The overhead-vs-density trade-off (issue 17): for each approach, what one
 * operation costs the host (overhead) beside how many guests the host holds
 * (density). The density side is the density search (run/density.h),
 * called as it is; this module adds the cost side, measured by its own
 * simulation of one guest alone, and builds the scenario `virtsim density
 * WORKLOAD` searches so that the TUI's Density panel and the charts search
 * exactly what the command does. */
#ifndef VIRTSIM_TRADEOFF_H
#define VIRTSIM_TRADEOFF_H

#include <stddef.h>
#include "virtsim/core/error.h"
#include "virtsim/out/results.h"
#include "virtsim/run/density.h"
#include "virtsim/spec/scenario.h"

/* What `virtsim density WORKLOAD` is given besides the SLAs. */
struct vs_density_setup {
    const char *workload;     /* built-in name or file */
    const char *host;         /* built-in name or file; NULL: "current" */
    const char *approaches;   /* comma-separated presets beside native; NULL: qemu,xen-pv,kvm,lxc */
    uint32_t vcpus;           /* 0: 1 */
    vs_time_ns duration_ns;   /* simulated time per point; 0: 5 s */
};

/* The scenario `virtsim density WORKLOAD` searches: the comparison scenario
 * (run/compare.h: native first, presets the host cannot run left out and
 * named in `skipped`) with the workload's own load instead of compare's
 * saturating one. Fills the caller's *sc. */
int vs_density_workload_scenario(const struct vs_density_setup *s, struct vs_scenario *sc, char *skipped,
                                 size_t skipped_len, struct vs_error *err);

/* The cost side for engine k of sc: one guest of the first group alone on
 * the host, simulated to the end with the scenario's seed (the density
 * search's one-guest probe), its host CPU per completed operation by
 * category into r->cpu_per_op_ns and the operations behind it into
 * r->cost_ops (0: nothing completed, no figure). Touches nothing else of r. */
int vs_tradeoff_cost(const struct vs_scenario *sc, uint32_t k, struct vs_density_result *r, struct vs_error *err);

/* The density search of every engine (vs_density_run, unchanged) and then
 * each engine's cost. out has sc->n_engines entries. */
int vs_tradeoff_run(const struct vs_scenario *sc, const struct vs_density_opts *o, struct vs_density_result *out,
                    struct vs_error *err);

/* Host CPU per operation of r over the baseline's (e.g. native's), and the
 * counting noise of that ratio: a relative standard error of 1/sqrt(ops) on
 * each side, so twice sqrt(1/a + 1/b) is the difference that noise alone
 * can make. NaN when either has no figure. */
double vs_tradeoff_cost_ratio(const struct vs_density_result *r, const struct vs_density_result *base, double *noise);
double vs_tradeoff_cost_total_ns(const struct vs_density_result *r);

#endif
