/* Unit tests for sim/core/rng.c: the generator against published reference values,
 * named streams, vs_rng_count, and the distributions' moments over 10^6 draws.
 * Seeds are fixed, so every run draws the same numbers; the tolerances are
 * still about 5 standard errors, so a correct generator would pass with any
 * seed and a biased one fails. */
#include "testutil.h"

#include "virtsim/core/rng.h"

#include <stdlib.h>

#define DRAWS 1000000

struct moments {
    double mean;
    double sd;
    double min;
};

static struct moments sample_moments(const struct vs_dist *d, uint64_t seed)
{
    struct vs_rng r;
    vs_rng_seed(&r, seed);
    double sum = 0, sum_sq = 0, min = INFINITY;
    for (int i = 0; i < DRAWS; i++) {
        double x = vs_dist_sample(d, &r);
        sum += x;
        sum_sq += x * x;
        if (x < min) min = x;
    }
    double mean = sum / DRAWS;
    double var = sum_sq / DRAWS - mean * mean;
    return (struct moments){mean, sqrt(var > 0 ? var : 0), min};
}

/* splitmix64 from seed 1234567 (the values on Vigna's reference page), and
 * xoshiro256** from state {1, 2, 3, 4} (the reference implementation). */
static void test_reference_values(void **state)
{
    (void)state;
    struct vs_rng r;
    vs_rng_seed(&r, 1234567);
    assert_true(r.s[0] == UINT64_C(6457827717110365317));
    assert_true(r.s[1] == UINT64_C(3203168211198807973));
    assert_true(r.s[2] == UINT64_C(9817491932198370423));
    assert_true(r.s[3] == UINT64_C(4593380528125082431));

    struct vs_rng x = {{1, 2, 3, 4}};
    static const uint64_t expect[] = {11520, 0, 1509978240, UINT64_C(1215971899390074240),
                                      UINT64_C(1216172134540287360),
                                      UINT64_C(607988272756665600)};
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++)
        assert_true(vs_rng_next(&x) == expect[i]);

    vs_rng_seed(&r, 7);
    assert_true(vs_rng_next(&r) == UINT64_C(12923355070828475994));
    assert_true(vs_rng_next(&r) == UINT64_C(5142052590334782674));
}

/* The stream for (42, "web-1") is splitmix64-expanded mix64(42) ^ FNV-1a("web-1");
 * pinned so a change to the derivation (which would change every scenario's
 * results) is noticed. */
static void test_stream_reference(void **state)
{
    (void)state;
    struct vs_rng r;
    vs_rng_seed_stream(&r, 42, "web-1");
    assert_true(vs_rng_next(&r) == UINT64_C(14001111028186791986));
    assert_true(vs_rng_next(&r) == UINT64_C(11891695746818867017));
    assert_true(vs_rng_next(&r) == UINT64_C(11633524490693742689));
}

static int same_draws(struct vs_rng a, struct vs_rng b, int n)
{
    for (int i = 0; i < n; i++)
        if (vs_rng_next(&a) != vs_rng_next(&b)) return 0;
    return 1;
}

static void test_streams(void **state)
{
    (void)state;
    struct vs_rng a, b;
    vs_rng_seed_stream(&a, 1, "db");
    vs_rng_seed_stream(&b, 1, "db");
    assert_true(same_draws(a, b, 1000));

    vs_rng_seed_stream(&b, 1, "web");
    assert_false(same_draws(a, b, 1));
    vs_rng_seed_stream(&b, 2, "db");
    assert_false(same_draws(a, b, 1));
    vs_rng_seed_stream(&b, 1, "db ");
    assert_false(same_draws(a, b, 1));
    vs_rng_seed(&b, 1);
    assert_false(same_draws(a, b, 1));

    /* A NULL name is the empty name. */
    vs_rng_seed_stream(&a, 9, NULL);
    vs_rng_seed_stream(&b, 9, "");
    assert_true(same_draws(a, b, 100));

    /* Adding a guest never changes another's draws: a stream's values do not
     * depend on which other streams were seeded or drawn from before it. */
    struct vs_rng alone, g1, g2, g3;
    vs_rng_seed_stream(&alone, 5, "guest-2");
    uint64_t expect[64];
    for (int i = 0; i < 64; i++) expect[i] = vs_rng_next(&alone);
    vs_rng_seed_stream(&g1, 5, "guest-1");
    for (int i = 0; i < 1000; i++) vs_rng_next(&g1);
    vs_rng_seed_stream(&g2, 5, "guest-2");
    vs_rng_seed_stream(&g3, 5, "guest-3");
    for (int i = 0; i < 64; i++) {
        vs_rng_next(&g1);
        vs_rng_next(&g3);
        assert_true(vs_rng_next(&g2) == expect[i]);
    }

    /* Distinct names give streams that are not shifted copies of each other. */
    struct vs_rng s1, s2;
    vs_rng_seed_stream(&s1, 3, "a");
    vs_rng_seed_stream(&s2, 3, "b");
    uint64_t first[256];
    for (int i = 0; i < 256; i++) first[i] = vs_rng_next(&s1);
    for (int i = 0; i < 256; i++) {
        uint64_t v = vs_rng_next(&s2);
        for (int j = 0; j < 256; j++) assert_true(v != first[j]);
    }
}

static void test_uniform01(void **state)
{
    (void)state;
    struct vs_rng r;
    vs_rng_seed(&r, 11);
    double sum = 0, sum_sq = 0;
    int below_tenth = 0;
    for (int i = 0; i < DRAWS; i++) {
        double u = vs_rng_uniform01(&r);
        assert_true(u >= 0.0 && u < 1.0);
        /* 53 bits: u * 2^53 is an integer. */
        assert_true(u * 0x1.0p53 == floor(u * 0x1.0p53));
        sum += u;
        sum_sq += u * u;
        below_tenth += u < 0.1;
    }
    double mean = sum / DRAWS;
    assert_true(fabs(mean - 0.5) < 5 * sqrt(1.0 / 12 / DRAWS));
    assert_within_rel(sum_sq / DRAWS - mean * mean, 1.0 / 12, 0.005);
    assert_true(fabs(below_tenth - 0.1 * DRAWS) < 5 * sqrt(DRAWS * 0.1 * 0.9));
}

static void test_count(void **state)
{
    (void)state;
    struct vs_rng r;
    vs_rng_seed(&r, 12);
    static const double means[] = {0.3, 2.25, 17.9, 1000.5};
    for (size_t m = 0; m < sizeof means / sizeof means[0]; m++) {
        double mean = means[m];
        uint64_t lo = (uint64_t)floor(mean);
        uint64_t total = 0;
        for (int i = 0; i < DRAWS; i++) {
            uint64_t n = vs_rng_count(&r, mean);
            /* Least variance: only the two integers either side of the mean. */
            assert_true(n == lo || n == lo + 1);
            total += n;
        }
        double frac = mean - floor(mean);
        double sd_of_mean = sqrt(frac * (1 - frac) / DRAWS);
        assert_true(fabs((double)total / DRAWS - mean) < 5 * sd_of_mean);
    }
    /* Whole means need no draw and are exact; nonsense means give 0. */
    for (int i = 0; i < 1000; i++) assert_true(vs_rng_count(&r, 5.0) == 5);
    assert_true(vs_rng_count(&r, 0.0) == 0);
    assert_true(vs_rng_count(&r, -3.5) == 0);
    assert_true(vs_rng_count(&r, NAN) == 0);
    assert_true(vs_rng_count(&r, 1e30) == UINT64_MAX);
}

static void test_constant_uniform_exponential(void **state)
{
    (void)state;
    struct vs_dist c = {VS_DIST_CONSTANT, 250, 0};
    struct vs_rng r;
    vs_rng_seed(&r, 1);
    for (int i = 0; i < 100; i++) assert_true(vs_dist_sample(&c, &r) == 250);
    assert_true(vs_dist_mean(&c) == 250);

    struct vs_dist u = {VS_DIST_UNIFORM, 100, 300};
    struct moments m = sample_moments(&u, 2);
    double sd = 200 / sqrt(12);
    assert_true(fabs(m.mean - 200) < 5 * sd / sqrt(DRAWS));
    assert_within_rel(m.sd, sd, 0.005);
    assert_true(m.min >= 100);
    assert_true(vs_dist_mean(&u) == 200);

    struct vs_dist e = {VS_DIST_EXPONENTIAL, 5000, 0};
    m = sample_moments(&e, 3);
    assert_true(fabs(m.mean - 5000) < 5 * 5000 / sqrt(DRAWS));
    assert_within_rel(m.sd, 5000, 0.01);
    assert_true(m.min >= 0);
    assert_true(vs_dist_mean(&e) == 5000);

    /* Memorylessness, P(X > mean) = 1/e. */
    int above = 0;
    vs_rng_seed(&r, 4);
    for (int i = 0; i < DRAWS; i++) above += vs_dist_sample(&e, &r) > 5000;
    double p = exp(-1);
    assert_true(fabs(above - p * DRAWS) < 5 * sqrt(DRAWS * p * (1 - p)));
}

static void test_normal(void **state)
{
    (void)state;
    /* Far from 0 the truncation does not matter: plain normal moments. */
    struct vs_dist n = {VS_DIST_NORMAL, 1000, 100};
    struct moments m = sample_moments(&n, 5);
    assert_true(fabs(m.mean - 1000) < 5 * 100 / sqrt(DRAWS));
    assert_within_rel(m.sd, 100, 0.01);
    assert_within_rel(vs_dist_mean(&n), 1000, 1e-12);

    /* Pinned first variate: the polar method from seed 7. */
    struct vs_dist std = {VS_DIST_NORMAL, 1000, 1};
    struct vs_rng r;
    vs_rng_seed(&r, 7);
    assert_within_rel(vs_dist_sample(&std, &r) - 1000, 0.96436185272551844, 1e-9);

    /* A symmetric check of the shape: 68.27 % within one sd. */
    vs_rng_seed(&r, 6);
    int within = 0;
    for (int i = 0; i < DRAWS; i++) within += fabs(vs_dist_sample(&n, &r) - 1000) < 100;
    double p = 0.6826894921370859;
    assert_true(fabs(within - p * DRAWS) < 5 * sqrt(DRAWS * p * (1 - p)));

    /* Truncated at 0: never negative, with the mean of the truncated normal
     * (values from the closed form a + b * phi(alpha) / Q(alpha)). */
    static const struct {
        double a, b, mean;
    } cases[] = {
        {0, 1, 0.7978845608028654},   /* half-normal: sqrt(2 / pi) */
        {-1, 1, 0.5251352761609811},  /* plain rejection would accept 16 % */
        {-3, 1, 0.2830986549304342},  /* Robert's exponential proposal */
        {-40, 1, 0.024968847207262},  /* far tail: erfc underflows here */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct vs_dist t = {VS_DIST_NORMAL, cases[i].a, cases[i].b};
        assert_within_rel(vs_dist_mean(&t), cases[i].mean, 1e-9);
        m = sample_moments(&t, 100 + i);
        assert_true(m.min >= 0);
        /* The sd of a truncated normal is below b, so b bounds the error. */
        assert_true(fabs(m.mean - cases[i].mean) < 5 * cases[i].b / sqrt(DRAWS));
    }

    struct vs_dist zero_sd = {VS_DIST_NORMAL, 42, 0};
    assert_true(vs_dist_sample(&zero_sd, &r) == 42);
    struct vs_dist negative = {VS_DIST_NORMAL, -5, 0};
    assert_true(vs_dist_sample(&negative, &r) == 0);
}

static void test_lognormal(void **state)
{
    (void)state;
    /* a and b are the mean and sd of the variable itself, not of its log. */
    static const struct {
        double mean, sd;
    } cases[] = {{1000, 250}, {50000, 50000}, {3, 0.1}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct vs_dist d = {VS_DIST_LOGNORMAL, cases[i].mean, cases[i].sd};
        struct moments m = sample_moments(&d, 200 + i);
        assert_true(m.min > 0);
        assert_true(fabs(m.mean - cases[i].mean) < 5 * cases[i].sd / sqrt(DRAWS));
        /* Heavy tails make the sample sd noisy (kurtosis 41 at cv = 1). */
        assert_within_rel(m.sd, cases[i].sd, 0.03);
        assert_within_rel(vs_dist_mean(&d), cases[i].mean, 1e-12);
    }

    /* The median of a lognormal is exp(mu) = mean / sqrt(1 + cv^2). */
    struct vs_dist d = {VS_DIST_LOGNORMAL, 50000, 50000};
    struct vs_rng r;
    vs_rng_seed(&r, 300);
    double median = 50000 / sqrt(2);
    int below = 0;
    for (int i = 0; i < DRAWS; i++) below += vs_dist_sample(&d, &r) < median;
    assert_true(fabs(below - 0.5 * DRAWS) < 5 * sqrt(DRAWS * 0.25));

    struct vs_dist zero_sd = {VS_DIST_LOGNORMAL, 7, 0};
    assert_true(vs_dist_sample(&zero_sd, &r) == 7);
    struct vs_dist zero_mean = {VS_DIST_LOGNORMAL, 0, 3};
    assert_true(vs_dist_sample(&zero_mean, &r) == 0);
}

static void test_never_negative(void **state)
{
    (void)state;
    struct vs_rng r;
    vs_rng_seed(&r, 8);
    const struct vs_dist bad[] = {
        {VS_DIST_CONSTANT, -1, 0},   {VS_DIST_UNIFORM, -10, 10},
        {VS_DIST_EXPONENTIAL, -5, 0}, {VS_DIST_NORMAL, -2, 1},
        {VS_DIST_NORMAL, NAN, 1},     {VS_DIST_LOGNORMAL, -1, 1},
        {VS_DIST_UNIFORM, NAN, 1},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        for (int k = 0; k < 10000; k++) assert_true(vs_dist_sample(&bad[i], &r) >= 0);
        assert_true(vs_dist_mean(&bad[i]) >= 0);
    }
    /* Uniform on [-10, 10) raised to 0: mean of max(U, 0) is 10 * 10 / 2 / 20. */
    struct vs_dist u = {VS_DIST_UNIFORM, -10, 10};
    assert_within_rel(vs_dist_mean(&u), 2.5, 1e-12);
    struct moments m = sample_moments(&u, 9);
    assert_true(fabs(m.mean - 2.5) < 5 * 10 / sqrt(DRAWS));
}

static void test_names(void **state)
{
    (void)state;
    static const char *const names[] = {"constant", "uniform", "exponential", "normal",
                                        "lognormal"};
    static const enum vs_dist_kind kinds[] = {VS_DIST_CONSTANT, VS_DIST_UNIFORM,
                                              VS_DIST_EXPONENTIAL, VS_DIST_NORMAL,
                                              VS_DIST_LOGNORMAL};
    for (size_t i = 0; i < 5; i++) {
        enum vs_dist_kind k = VS_DIST_CONSTANT;
        assert_int_equal(vs_dist_parse_kind(names[i], &k), 0);
        assert_int_equal(k, kinds[i]);
        assert_string_equal(vs_dist_name(kinds[i]), names[i]);
    }
    enum vs_dist_kind k = VS_DIST_NORMAL;
    /* "poisson" is an arrival process the config layer maps to exponential. */
    assert_int_equal(vs_dist_parse_kind("poisson", &k), -1);
    assert_int_equal(vs_dist_parse_kind("", &k), -1);
    assert_int_equal(vs_dist_parse_kind("Normal", &k), -1);
    assert_int_equal(vs_dist_parse_kind("normal ", &k), -1);
    assert_int_equal(vs_dist_parse_kind(NULL, &k), -1);
    assert_int_equal(k, VS_DIST_NORMAL);
    assert_null(vs_dist_name((enum vs_dist_kind)99));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_values),
        cmocka_unit_test(test_stream_reference),
        cmocka_unit_test(test_streams),
        cmocka_unit_test(test_uniform01),
        cmocka_unit_test(test_count),
        cmocka_unit_test(test_constant_uniform_exponential),
        cmocka_unit_test(test_normal),
        cmocka_unit_test(test_lognormal),
        cmocka_unit_test(test_never_negative),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
