/* Random numbers (see rng.h): xoshiro256** seeded through splitmix64, named
 * streams, and the distributions workloads and devices draw from.
 *
 * Normal variates come from the polar method (uniform draws, log and sqrt
 * only, no trigonometry), so the bits depend on as little of libm as possible.
 * The second variate of each polar pair is dropped: struct vs_rng has nowhere
 * to keep it, and a stream's draws must not depend on what was drawn before. */
#include "virtsim/core/rng.h"

#include <math.h>
#include <string.h>

#define FNV64_OFFSET UINT64_C(0xcbf29ce484222325)
#define FNV64_PRIME UINT64_C(0x100000001b3)
/* M_PI and M_SQRT2 are not in C11. */
#define SQRT_2PI 2.5066282746310002
#define SQRT_2 1.4142135623730951

/* The splitmix64 output function: a bijection that spreads every input bit. */
static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static uint64_t splitmix64_next(uint64_t *x)
{
    *x += UINT64_C(0x9e3779b97f4a7c15);
    return mix64(*x);
}

void vs_rng_seed(struct vs_rng *r, uint64_t seed)
{
    /* Four consecutive splitmix64 outputs are distinct, so the state is never
     * all zero (the one state xoshiro cannot leave). */
    uint64_t x = seed;
    for (int i = 0; i < 4; i++) r->s[i] = splitmix64_next(&x);
}

void vs_rng_seed_stream(struct vs_rng *r, uint64_t seed, const char *name)
{
    uint64_t h = FNV64_OFFSET;
    for (const unsigned char *p = (const unsigned char *)(name ? name : ""); *p; p++) {
        h ^= *p;
        h *= FNV64_PRIME;
    }
    /* mix64 first, so seeds and names that differ in related bits (seed 1 with
     * one name, seed 2 with another) do not cancel out in the xor. */
    vs_rng_seed(r, mix64(seed) ^ h);
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t vs_rng_next(struct vs_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double vs_rng_uniform01(struct vs_rng *r)
{
    return (double)(vs_rng_next(r) >> 11) * 0x1.0p-53;
}

uint64_t vs_rng_count(struct vs_rng *r, double mean)
{
    if (!(mean > 0)) return 0; /* also NaN */
    if (mean >= 0x1.0p64) return UINT64_MAX;
    double whole = floor(mean);
    double frac = mean - whole;
    uint64_t n = (uint64_t)whole;
    if (frac > 0 && vs_rng_uniform01(r) < frac) n++;
    return n;
}

/* (0, 1]: safe to take the log of. */
static inline double uniform_open0(struct vs_rng *r)
{
    return 1.0 - vs_rng_uniform01(r);
}

/* A standard normal variate by Marsaglia's polar method. */
static double standard_normal(struct vs_rng *r)
{
    double u, v, s;
    do {
        u = 2.0 * vs_rng_uniform01(r) - 1.0;
        v = 2.0 * vs_rng_uniform01(r) - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    return u * sqrt(-2.0 * log(s) / s);
}

/* A standard normal variate conditioned on being >= alpha. Below 0.5 plain
 * rejection accepts at least 30 % of draws; above it, Robert's (1995)
 * exponential proposal accepts at least 70 %, however far out alpha is. */
static double standard_normal_above(struct vs_rng *r, double alpha)
{
    if (alpha < 0.5) {
        for (;;) {
            double z = standard_normal(r);
            if (z >= alpha) return z;
        }
    }
    double rate = 0.5 * (alpha + sqrt(alpha * alpha + 4.0));
    for (;;) {
        double z = alpha - log(uniform_open0(r)) / rate;
        double d = z - rate;
        /* Accept with probability exp(-d^2 / 2), written with log only. */
        if (-2.0 * log(uniform_open0(r)) >= d * d) return z;
    }
}

static inline double non_negative(double x)
{
    return x > 0 ? x : 0; /* also maps NaN to 0 */
}

double vs_dist_sample(const struct vs_dist *d, struct vs_rng *r)
{
    double a = d->a, b = d->b;
    switch (d->kind) {
    case VS_DIST_CONSTANT:
        return non_negative(a);
    case VS_DIST_UNIFORM:
        return non_negative(a + (b - a) * vs_rng_uniform01(r));
    case VS_DIST_EXPONENTIAL:
        if (!(a > 0)) return 0;
        return -a * log(uniform_open0(r));
    case VS_DIST_NORMAL:
        if (!isfinite(a) || !isfinite(b)) return 0;
        if (b <= 0) return non_negative(a);
        return non_negative(a + b * standard_normal_above(r, -a / b));
    case VS_DIST_LOGNORMAL: {
        if (!(a > 0) || !isfinite(a) || !isfinite(b)) return 0;
        if (b <= 0) return a;
        double cv = b / a;
        double sigma2 = log1p(cv * cv);
        double mu = log(a) - 0.5 * sigma2;
        return exp(mu + sqrt(sigma2) * standard_normal(r));
    }
    }
    return 0;
}

/* phi(x) / Q(x) for the standard normal: the mean of Z given Z >= x. */
static double inverse_mills(double x)
{
    if (x < 5.0) {
        double phi = exp(-0.5 * x * x) / SQRT_2PI;
        return phi / (0.5 * erfc(x / SQRT_2));
    }
    /* Far out, erfc underflows; the continued fraction
     * x + 1/(x + 2/(x + 3/(x + ...))) converges fast there. */
    double t = x;
    for (int k = 60; k >= 1; k--) t = x + k / t;
    return t;
}

double vs_dist_mean(const struct vs_dist *d)
{
    double a = d->a, b = d->b;
    switch (d->kind) {
    case VS_DIST_CONSTANT:
        return non_negative(a);
    case VS_DIST_UNIFORM:
        /* Of the sampled value: negative draws are raised to 0. */
        if (!isfinite(a) || !isfinite(b)) return 0;
        if (a >= 0 && b >= 0) return 0.5 * (a + b);
        if (a <= 0 && b <= 0) return 0;
        {
            double lo = a < b ? a : b, hi = a < b ? b : a;
            return 0.5 * hi * hi / (hi - lo);
        }
    case VS_DIST_EXPONENTIAL:
        return non_negative(a);
    case VS_DIST_NORMAL:
        if (!isfinite(a) || !isfinite(b)) return 0;
        if (b <= 0) return non_negative(a);
        return non_negative(a + b * inverse_mills(-a / b));
    case VS_DIST_LOGNORMAL:
        if (!(a > 0) || !isfinite(a) || !isfinite(b)) return 0;
        return a;
    }
    return 0;
}

static const char *const dist_names[] = {
    [VS_DIST_CONSTANT] = "constant",       [VS_DIST_UNIFORM] = "uniform",
    [VS_DIST_EXPONENTIAL] = "exponential", [VS_DIST_NORMAL] = "normal",
    [VS_DIST_LOGNORMAL] = "lognormal",
};

const char *vs_dist_name(enum vs_dist_kind kind)
{
    if ((unsigned)kind >= sizeof dist_names / sizeof dist_names[0]) return NULL;
    return dist_names[kind];
}

int vs_dist_parse_kind(const char *name, enum vs_dist_kind *kind)
{
    if (!name) return -1;
    for (size_t i = 0; i < sizeof dist_names / sizeof dist_names[0]; i++) {
        if (strcmp(name, dist_names[i]) == 0) {
            *kind = (enum vs_dist_kind)i;
            return 0;
        }
    }
    return -1;
}
