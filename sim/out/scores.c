/* Scores over replications (see scores.h). Every figure is estimated the
 * same way: its value in each replication, then the mean and a Student's t
 * interval. Ratios to the baseline are taken per replication before
 * averaging (paired), which is what common random numbers make tight: a
 * replication runs the same requests under every engine, so the noise the
 * engines share cancels in their ratio. */
#include "virtsim/out/scores.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* t(0.975, df) for df = 1..30; beyond, the normal's 1.96 is within 2 %. */
static const double t975[] = {0,      12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                              2.201,  2.179,  2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080,
                              2.074,  2.069,  2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};

struct vs_estimate vs_estimate_of(const double *x, uint32_t n)
{
    struct vs_estimate e = {NAN, NAN, NAN};
    if (n == 0) return e;
    double sum = 0;
    for (uint32_t i = 0; i < n; i++) sum += x[i];
    e.mean = sum / n;
    if (n < 2 || !isfinite(e.mean)) return e;
    double ss = 0;
    for (uint32_t i = 0; i < n; i++) ss += (x[i] - e.mean) * (x[i] - e.mean);
    double sd = sqrt(ss / (n - 1));
    double t = n - 1 < sizeof t975 / sizeof t975[0] ? t975[n - 1] : 1.96;
    double half = t * sd / sqrt((double)n);
    e.low = e.mean - half;
    e.high = e.mean + half;
    return e;
}

bool vs_estimate_holds(const struct vs_estimate *e, double v)
{
    if (isnan(e->low)) return e->mean == v;
    return e->low <= v && v <= e->high;
}

double vs_estimate_rel_halfwidth(const struct vs_estimate *e)
{
    if (isnan(e->low) || !(fabs(e->mean) > 0)) return NAN;
    return (e->high - e->low) / 2 / fabs(e->mean);
}

const struct vs_group_score *vs_scores_at(const struct vs_scores *s, uint32_t engine, uint32_t group)
{
    if (!s->groups || engine >= s->n_engines || group >= s->n_groups) return NULL;
    return &s->groups[engine * s->n_groups + group];
}

/* An open load this run did not carry. */
static bool saturated(const struct vs_guest_result *g)
{
    return g->dropped > 0 || (double)g->completed < VS_CARRIED_FRACTION * (double)g->arrived;
}

enum figure { F_COST, F_TPUT, F_P50, F_P99, F_COMPLETION, F_COUNT };

static double figure(const struct vs_guest_result *g, enum figure f)
{
    switch (f) {
    case F_COST: return g->completed ? vs_guest_cpu_ns(g) / (double)g->completed : NAN;
    case F_TPUT: return g->throughput_per_s;
    case F_P50: return g->latency.count ? (double)g->latency.p50_ns : NAN;
    case F_P99: return g->latency.count ? (double)g->latency.p99_ns : NAN;
    case F_COMPLETION: return g->completion_ns >= 0 ? g->completion_ns : NAN;
    default: return NAN;
    }
}

/* A throughput is a count of completions in a window: runs held to the
 * same pace by one saturated device differ by which of them fits one more
 * completion into the window, a matter of phase that common random numbers
 * repeat in every replication, so the replications cannot see it. The
 * interval of a throughput ratio is widened by that resolution (one
 * completion on each side), so a tie of counts is never read as a win. */
static void widen_by_count(const struct vs_results *reps, uint32_t n, uint32_t k, uint32_t b, uint32_t g,
                           struct vs_estimate *e)
{
    if (isnan(e->low) || k == b) return;
    double res = 0;
    for (uint32_t r = 0; r < n; r++) {
        double ck = (double)reps[r].runs[k].groups[g].completed, cb = (double)reps[r].runs[b].groups[g].completed;
        if (ck > 0 && cb > 0) res += (ck / cb) * (1.0 / ck + 1.0 / cb);
    }
    res /= n;
    e->low -= res;
    e->high += res;
}

/* The baseline's figure over engine k's, per replication (for figures where
 * lower is better: completion time, cost), so that higher is better. */
static struct vs_estimate inverse_ratio(const struct vs_results *reps, uint32_t n, uint32_t k, uint32_t b,
                                        uint32_t g, enum figure f, double *ratio)
{
    for (uint32_t r = 0; r < n; r++) {
        double mine = figure(&reps[r].runs[k].groups[g], f);
        double base = figure(&reps[r].runs[b].groups[g], f);
        ratio[r] = mine > 0 ? base / mine : NAN;
    }
    return vs_estimate_of(ratio, n);
}

int vs_scores_compute(const struct vs_results *reps, uint32_t n, struct vs_scores *out, struct vs_error *err)
{
    memset(out, 0, sizeof *out);
    if (n == 0 || reps[0].n_runs == 0) return VS_OK;
    uint32_t engines = reps[0].n_runs, groups = reps[0].runs[0].n_groups;
    for (uint32_t r = 1; r < n; r++)
        if (reps[r].n_runs != engines)
            return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "internal error: replications differ");
    out->groups = calloc((size_t)engines * (groups ? groups : 1), sizeof *out->groups);
    double *x = calloc(n, sizeof *x), *ratio = calloc(n, sizeof *ratio);
    if (!out->groups || !x || !ratio) {
        free(out->groups);
        out->groups = NULL;
        free(x);
        free(ratio);
        return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    }
    out->reps = n;
    out->n_engines = engines;
    out->n_groups = groups;
    for (uint32_t k = 0; k < engines; k++)
        if (strcmp(reps[0].runs[k].engine, "native") == 0) {
            out->baseline = k;
            break;
        }
    const uint32_t b = out->baseline;
    for (uint32_t k = 0; k < engines; k++)
        for (uint32_t g = 0; g < groups; g++) {
            struct vs_group_score *sc = &out->groups[k * groups + g];
            const struct vs_guest_result *g0 = &reps[0].runs[k].groups[g];
            bool open_load = g0->load == VS_LOAD_OPEN;
            bool sat = false;
            for (uint32_t r = 0; r < n && open_load; r++) sat |= saturated(&reps[r].runs[k].groups[g]);
            sc->saturated = sat;
            struct vs_estimate *dest[F_COUNT] = {&sc->cost_ns, &sc->throughput_per_s, &sc->p50_ns, &sc->p99_ns,
                                                 &sc->completion_ns};
            struct vs_estimate *ratios[F_COUNT] = {&sc->cost_ratio, &sc->throughput_ratio, NULL, &sc->p99_ratio,
                                                   NULL};
            for (int f = 0; f < F_COUNT; f++) {
                for (uint32_t r = 0; r < n; r++) {
                    x[r] = figure(&reps[r].runs[k].groups[g], (enum figure)f);
                    double base = figure(&reps[r].runs[b].groups[g], (enum figure)f);
                    ratio[r] = base > 0 ? x[r] / base : NAN;
                }
                *dest[f] = vs_estimate_of(x, n);
                if (ratios[f]) *ratios[f] = vs_estimate_of(ratio, n);
            }
            widen_by_count(reps, n, k, b, g, &sc->throughput_ratio);
            /* The headline, higher is better. */
            if (g0->batch) {
                sc->kind = VS_SCORE_SPEED;
                sc->score = inverse_ratio(reps, n, k, b, g, F_COMPLETION, ratio);
            } else if (sat || !open_load) {
                sc->kind = VS_SCORE_THROUGHPUT;
                sc->score = sc->throughput_ratio;
            } else {
                sc->kind = VS_SCORE_COST;
                sc->score = inverse_ratio(reps, n, k, b, g, F_COST, ratio);
            }
        }
    /* A group's kind is one for all engines, so a row compares like with
     * like: if any engine could not carry an open load, the row is about
     * throughput (and the cost ratio stays beside it). */
    for (uint32_t g = 0; g < groups; g++) {
        bool any_sat = false;
        for (uint32_t k = 0; k < engines; k++) any_sat |= out->groups[k * groups + g].kind == VS_SCORE_THROUGHPUT;
        if (!any_sat) continue;
        for (uint32_t k = 0; k < engines; k++) {
            struct vs_group_score *sc = &out->groups[k * groups + g];
            if (sc->kind != VS_SCORE_COST) continue;
            sc->kind = VS_SCORE_THROUGHPUT;
            sc->score = sc->throughput_ratio;
        }
    }
    free(x);
    free(ratio);
    return VS_OK;
}
