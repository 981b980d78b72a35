/* Random numbers: xoshiro256** (Blackman & Vigna) seeded through splitmix64.
 * Each guest draws from its own stream, derived from the scenario seed and the
 * guest's name, so adding a guest never changes another guest's draws. */
#ifndef VIRTSIM_RNG_H
#define VIRTSIM_RNG_H

#include <stdint.h>

struct vs_rng {
    uint64_t s[4];
};

void vs_rng_seed(struct vs_rng *r, uint64_t seed);
/* Independent stream for (seed, name): the name is hashed (FNV-1a 64) and
 * mixed with the seed before splitmix64 expands it. */
void vs_rng_seed_stream(struct vs_rng *r, uint64_t seed, const char *name);

uint64_t vs_rng_next(struct vs_rng *r);
double vs_rng_uniform01(struct vs_rng *r); /* [0, 1), 53 bits */
/* An integer count whose mean is `mean` (>= 0): floor(mean) plus one with
 * probability frac(mean). Keeps mean counts exact with the least variance. */
uint64_t vs_rng_count(struct vs_rng *r, double mean);

enum vs_dist_kind {
    VS_DIST_CONSTANT,    /* a */
    VS_DIST_UNIFORM,     /* in [a, b) */
    VS_DIST_EXPONENTIAL, /* mean a */
    VS_DIST_NORMAL,      /* mean a, standard deviation b, truncated at 0 */
    VS_DIST_LOGNORMAL    /* mean a, standard deviation b of the variable itself */
};

struct vs_dist {
    enum vs_dist_kind kind;
    double a;
    double b;
};

/* Never negative: the quantities drawn are times and sizes. */
double vs_dist_sample(const struct vs_dist *d, struct vs_rng *r);
double vs_dist_mean(const struct vs_dist *d);
/* "constant", "uniform", ...; NULL for an unknown kind. */
const char *vs_dist_name(enum vs_dist_kind kind);
/* Returns 0 and sets *kind, or -1 for an unknown name. */
int vs_dist_parse_kind(const char *name, enum vs_dist_kind *kind);

#endif
