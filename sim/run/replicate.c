/* Replications (see replicate.h): independent runs, in parallel, and the
 * scores over them. With VS_REPS_AUTO the run goes on, five replications at
 * a time, until the scores are as precise as a lecturer needs to say that
 * two approaches differ. */
#include "virtsim/run/replicate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "virtsim/core/parallel.h"
#include "virtsim/out/scores.h"
#include "virtsim/run/sim.h"

uint64_t vs_rep_seed(uint64_t seed, uint32_t r)
{
    if (r == 0) return seed;
    /* splitmix64 of (seed, r): neighbouring replications are unrelated. */
    uint64_t z = seed + (uint64_t)r * 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

struct job {
    const struct vs_scenario *sc;
    uint64_t seed;
    struct vs_results *out;
    struct vs_error err;
    int rc;
};

static void run_one(void *ctx, uint32_t i)
{
    struct job *j = &((struct job *)ctx)[i];
    j->rc = vs_sim_run_scenario(j->sc, j->seed, j->out, &j->err);
}

/* Runs replications [from, to) into reps[]. On a stop request the
 * replications that finished are complete, the others partial or empty
 * (VS_ERR_INTERRUPTED); *complete counts the replications from the first
 * that finished with none missing in between. */
static int run_range(const struct vs_scenario *sc, uint64_t seed, uint32_t from, uint32_t to, uint32_t threads,
                     struct vs_results *reps, uint32_t *complete, struct vs_error *err)
{
    struct job *jobs = calloc(to - from, sizeof *jobs);
    if (!jobs) return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    for (uint32_t r = from; r < to; r++)
        jobs[r - from] = (struct job){.sc = sc, .seed = vs_rep_seed(seed, r), .out = &reps[r]};
    vs_parallel_for(to - from, threads, run_one, jobs);
    int rc = VS_OK;
    /* A failure speaks before a stop request: it is why the run ended. */
    for (uint32_t r = from; r < to; r++)
        if (jobs[r - from].rc != VS_OK && (rc == VS_OK || rc == VS_ERR_INTERRUPTED)) {
            rc = jobs[r - from].rc;
            *err = jobs[r - from].err;
        }
    *complete = from;
    while (*complete < to && jobs[*complete - from].rc == VS_OK) (*complete)++;
    free(jobs);
    return rc;
}

/* True when every headline score but the baseline's own is within the target. */
static bool precise_enough(const struct vs_scores *s)
{
    for (uint32_t k = 0; k < s->n_engines; k++) {
        if (k == s->baseline) continue;
        for (uint32_t g = 0; g < s->n_groups; g++) {
            double h = vs_estimate_rel_halfwidth(&vs_scores_at(s, k, g)->score);
            if (isnan(h) || h > VS_REPS_AUTO_TARGET) return false;
        }
    }
    return true;
}

int vs_sim_run_replicated(const struct vs_scenario *sc, uint64_t seed, uint32_t reps, uint32_t threads,
                          struct vs_results *out, struct vs_error *err)
{
    memset(out, 0, sizeof *out);
    bool autom = reps == VS_REPS_AUTO;
    uint32_t cap = autom ? VS_REPS_AUTO_MAX : reps;
    if (cap > VS_REPS_MAX)
        return vs_error_set(err, VS_ERR_INPUT, NULL, 0, 0, "%u replications; at most %d", cap, VS_REPS_MAX);
    struct vs_results *all = calloc(cap, sizeof *all);
    if (!all) return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    uint32_t done = 0;
    int rc = VS_OK;
    struct vs_scores scores = {0};
    while (rc == VS_OK && done < cap) {
        uint32_t next = autom ? done + 5 : cap;
        if (next > cap) next = cap;
        uint32_t complete = done;
        /* For the progress display: the simulations this batch adds. */
        vs_control_plan(sc->control, (next - done) * sc->n_engines);
        rc = run_range(sc, seed, done, next, threads, all, &complete, err);
        if (rc == VS_ERR_INTERRUPTED) {
            /* Stopped: the first replication as far as it got, scored over
             * the replications that finished (or over its own part). */
            free(scores.groups);
            uint32_t n = complete ? complete : 1;
            if (vs_scores_compute(all, n, &scores, err) != VS_OK) memset(&scores, 0, sizeof scores);
            all[0].partial = true;
            vs_error_set(err, VS_ERR_INTERRUPTED, NULL, 0, 0, "interrupted: the results are partial");
            break;
        }
        if (rc != VS_OK) break;
        done = next;
        free(scores.groups);
        rc = vs_scores_compute(all, done, &scores, err);
        if (rc == VS_OK && autom && precise_enough(&scores)) break;
    }
    if (rc == VS_OK || rc == VS_ERR_INTERRUPTED) {
        *out = all[0];
        free(out->scores.groups); /* the first replication's own, superseded */
        out->scores = scores;
        memset(&all[0], 0, sizeof all[0]);
    } else {
        free(scores.groups);
    }
    for (uint32_t r = 0; r < cap; r++) vs_results_free(&all[r]);
    free(all);
    return rc;
}
