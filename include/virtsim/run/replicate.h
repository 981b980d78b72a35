/* Replications: a scenario run several times with independent seeds (the
 * scenario's seed first, then seeds derived from it), every engine under
 * the same seeds, and the scores estimated over all of them with their
 * confidence intervals (out/scores.h). */
#ifndef VIRTSIM_RUN_REPLICATE_H
#define VIRTSIM_RUN_REPLICATE_H

#include <stdint.h>
#include "virtsim/core/error.h"
#include "virtsim/out/results.h"
#include "virtsim/spec/scenario.h"

#define VS_REPS_MAX 100
/* reps = VS_REPS_AUTO: replications are added, five at a time, until every
 * headline score's 95 % interval is within +-VS_REPS_AUTO_TARGET of its mean
 * (or VS_REPS_AUTO_MAX are done). */
#define VS_REPS_AUTO 0
#define VS_REPS_AUTO_TARGET 0.01
#define VS_REPS_AUTO_MAX 100

/* The seed of replication r (r = 0: `seed` itself, so one replication is an
 * ordinary run). */
uint64_t vs_rep_seed(uint64_t seed, uint32_t r);

/* Runs every engine of sc in `reps` replications, `threads` at a time (0: the
 * CPUs). out->runs are the first replication's runs in full; out->scores are
 * over all of them. Same output whatever the thread count. Caller frees out
 * with vs_results_free. On VS_ERR_INTERRUPTED (the scenario's control asked
 * to stop) out is the first replication as far as it ran, marked partial,
 * scored over the replications that had finished. */
int vs_sim_run_replicated(const struct vs_scenario *sc, uint64_t seed, uint32_t reps, uint32_t threads,
                          struct vs_results *out, struct vs_error *err);

#endif
