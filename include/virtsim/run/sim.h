/* One simulation: a scenario's guests on its host under one engine. It runs
 * in steps under the caller's control (the CLI runs it to the end; the TUI
 * advances it a little at a time) and produces snapshots of results. */
#ifndef VIRTSIM_SIM_H
#define VIRTSIM_SIM_H

#include "virtsim/core/error.h"
#include "virtsim/out/results.h"
#include "virtsim/spec/scenario.h"

struct vs_sim; /* opaque */

/* Builds the world for scenario sc under the named engine, with `seed`.
 * The scenario is copied. Caller owns *out: free with vs_sim_destroy. */
int vs_sim_create(const struct vs_scenario *sc, const char *engine, uint64_t seed,
                  struct vs_sim **out, struct vs_error *err);
void vs_sim_destroy(struct vs_sim *s);

/* Runs until simulated time `until`, capped at the end of the run: the
 * scenario's duration counted from the moment the last guest has booted
 * (warm-up likewise), so slow-booting engines are measured over the same
 * steady state.
 * VS_ERR_RUNTIME when a limit is hit (events, the memory budget of the
 * scenario's control, the machine's memory). VS_ERR_INTERRUPTED when the
 * control asked to stop: the simulation is left between two events, and a
 * snapshot then gives the figures so far. */
int vs_sim_advance(struct vs_sim *s, vs_time_ns until, struct vs_error *err);
vs_time_ns vs_sim_now(const struct vs_sim *s);
/* When the last guest finished booting: warm-up, duration and the
 * timeline's `at` count from here. */
vs_time_ns vs_sim_booted(const struct vs_sim *s);
bool vs_sim_done(const struct vs_sim *s);

/* A guest group's counters so far, read without a snapshot (the density
 * search watches a probe with it): whether the warm-up is over, the
 * requests that arrived and completed in the measurement window, and the
 * instances that could not start. */
struct vs_sim_progress {
    bool warm;
    uint64_t arrived, completed;
    uint32_t failed;
};
void vs_sim_group_progress(const struct vs_sim *s, uint32_t group, struct vs_sim_progress *out);
/* How many of the group's requests completed in the window so far took at
 * least latency_ns (within the histogram's 1 %: vs_hist_count_from). */
uint64_t vs_sim_group_slow(const struct vs_sim *s, uint32_t group, int64_t latency_ns);

/* Fills out with the figures so far. Caller owns what out points to:
 * release with vs_run_result_free. */
int vs_sim_snapshot(const struct vs_sim *s, struct vs_run_result *out, struct vs_error *err);

/* Bytes one request in flight takes in a simulation's own records (for
 * estimates, run/estimate.h). */
size_t vs_sim_request_bytes(void);

/* Runs every engine of the scenario to the end. seed overrides the
 * scenario's. Caller owns out: release with vs_results_free. On
 * VS_ERR_INTERRUPTED (a stop request) out holds what ran, marked partial:
 * the engines done, the one that was stopped, none of the rest. */
int vs_sim_run_scenario(const struct vs_scenario *sc, uint64_t seed, struct vs_results *out,
                        struct vs_error *err);

#endif
