/* Scores over replications: from the results of N independent replications
 * of one scenario (the same engines, seeds derived from the scenario's),
 * each group's headline figure under each engine, chosen for its kind of
 * load, with 95 % confidence intervals, and its ratios to a baseline engine
 * (see struct vs_group_score in results.h). */
#ifndef VIRTSIM_OUT_SCORES_H
#define VIRTSIM_OUT_SCORES_H

#include <stdbool.h>
#include "virtsim/core/error.h"
#include "virtsim/out/results.h"

/* An open load counts as carried when at least this share of what arrived
 * in the window completed and nothing was dropped. */
#define VS_CARRIED_FRACTION 0.97

/* Computes out->scores from reps[0..n) (n >= 1, same engines and groups in
 * each). The baseline is the engine named `native` if one ran, else the
 * first. Allocates out->scores.groups (freed by vs_results_free). */
int vs_scores_compute(const struct vs_results *reps, uint32_t n, struct vs_scores *out, struct vs_error *err);

/* The estimate of values x[0..n): mean and 95 % t interval (NaN bounds for n < 2). */
struct vs_estimate vs_estimate_of(const double *x, uint32_t n);

/* True when the interval holds v (with no interval: when the mean is v). */
bool vs_estimate_holds(const struct vs_estimate *e, double v);

/* Half the interval's width over the mean (NaN without an interval). */
double vs_estimate_rel_halfwidth(const struct vs_estimate *e);

/* The score of group g under engine k. */
const struct vs_group_score *vs_scores_at(const struct vs_scores *s, uint32_t engine, uint32_t group);

#endif
