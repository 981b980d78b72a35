/* Unit tests for sim/core/stats.c: time-weighted averages of known signals, and
 * histogram percentiles against exact sorted-array values. */
#include "testutil.h"

#include "virtsim/core/rng.h"
#include "virtsim/core/stats.h"

#include <stdlib.h>

/* ---- time-weighted averages ---- */

static void test_twa_piecewise(void **state)
{
    (void)state;
    struct vs_twa t;
    /* 0 on [0,10), 2 on [10,30), 5 on [30,40), 4 on [40,50]: area 130 over 50. */
    vs_twa_init(&t, 0, 0);
    vs_twa_set(&t, 10, 2);
    vs_twa_set(&t, 30, 5);
    vs_twa_add(&t, 40, -1);
    assert_within_rel(vs_twa_mean(&t, 50), 130.0 / 50, 1e-12);
    assert_true(t.max == 5);
    assert_true(t.value == 4);
    /* Asking does not change anything: the same answer twice, and later
     * times extend the last value. */
    assert_within_rel(vs_twa_mean(&t, 50), 2.6, 1e-12);
    assert_within_rel(vs_twa_mean(&t, 100), (130.0 + 4 * 50) / 100, 1e-12);

    /* Several changes at one instant: only the last value lasts. */
    vs_twa_init(&t, 1000, 1);
    vs_twa_set(&t, 2000, 100);
    vs_twa_set(&t, 2000, 3);
    vs_twa_add(&t, 2000, 1);
    assert_within_rel(vs_twa_mean(&t, 3000), (1.0 * 1000 + 4.0 * 1000) / 2000, 1e-12);
    assert_true(t.max == 100);

    /* An empty window reports the current value. */
    vs_twa_init(&t, 500, 7);
    assert_true(vs_twa_mean(&t, 500) == 7);
}

static void test_twa_reset_at_warmup(void **state)
{
    (void)state;
    struct vs_twa t;
    vs_twa_init(&t, 0, 10); /* a busy warm-up */
    vs_twa_set(&t, 100, 50);
    vs_twa_set(&t, 200, 4);
    vs_twa_reset(&t, 250); /* end of warm-up: the value 4 carries on */
    assert_true(t.start_ns == 250);
    assert_true(t.value == 4);
    assert_true(t.max == 4);
    assert_true(vs_twa_mean(&t, 250) == 4);
    vs_twa_set(&t, 300, 1);
    /* 4 on [250,300), 1 on [300,350]: (200 + 50) / 100. */
    assert_within_rel(vs_twa_mean(&t, 350), 2.5, 1e-12);
    assert_true(t.max == 4);

    /* A utilisation signal over a long run: busy 1 for 3/4 of each period. */
    vs_twa_init(&t, 0, 0);
    vs_time_ns now = 0;
    for (int i = 0; i < 100000; i++) {
        vs_twa_set(&t, now, 1);
        now += 750 * VS_NS_PER_US;
        vs_twa_set(&t, now, 0);
        now += 250 * VS_NS_PER_US;
    }
    assert_within_rel(vs_twa_mean(&t, now), 0.75, 1e-9);
}

/* ---- histograms ---- */

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The rank the header defines, ceil(p/100 * n), computed with exact integer
 * arithmetic for p given in thousandths of a percent. */
static size_t rank_of(int64_t p_milli, size_t n)
{
    uint64_t num = (uint64_t)p_milli * n;
    uint64_t r = (num + 100000 - 1) / 100000;
    return r < 1 ? 1 : r;
}

/* Checks p0..p100 (and the usual report points) against the sorted values. */
static void check_percentiles(const struct vs_hist *h, int64_t *values, size_t n)
{
    qsort(values, n, sizeof *values, cmp_i64);
    static const int64_t points_milli[] = {0,     1000,  10000, 25000, 50000,  75000,
                                           90000, 95000, 99000, 99900, 99990, 100000};
    for (size_t i = 0; i < sizeof points_milli / sizeof points_milli[0]; i++) {
        int64_t exact = values[rank_of(points_milli[i], n) - 1];
        int64_t got = vs_hist_percentile(h, (double)points_milli[i] / 1000.0);
        if (exact < 128) {
            assert_true(got == exact);
        } else {
            assert_within_rel(got, exact, 0.01);
        }
    }
    /* p0 and p100 are bucket midpoints too (within 1 % of min and max),
     * but never outside [min, max]. */
    assert_true(vs_hist_percentile(h, 0) >= values[0]);
    assert_true(vs_hist_percentile(h, 100) <= values[n - 1]);
}

static void test_hist_lognormal_percentiles(void **state)
{
    (void)state;
    /* Log-normal latencies with median 1 ms whose +-4.5 sd span 100 ns..10 s,
     * drawn here with Box-Muller so the test does not rest on rng.c's normal. */
    const size_t n = 1000000;
    int64_t *values = malloc(n * sizeof *values);
    assert_non_null(values);
    struct vs_hist *h = vs_hist_create();
    assert_non_null(h);
    struct vs_rng r;
    vs_rng_seed(&r, 2024);
    const double mu = log(1e6), sigma = log(1e4) / 4.5;
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        double u1 = 1.0 - vs_rng_uniform01(&r), u2 = vs_rng_uniform01(&r);
        double z = sqrt(-2 * log(u1)) * cos(6.283185307179586 * u2);
        double v = exp(mu + sigma * z);
        if (v < 100) v = 100;
        if (v > 1e10) v = 1e10;
        values[i] = (int64_t)v;
        sum += (double)values[i];
        vs_hist_record(h, values[i]);
    }
    assert_true(vs_hist_count(h) == n);
    assert_within_rel(vs_hist_mean(h), sum / (double)n, 1e-12);
    check_percentiles(h, values, n);
    assert_true(vs_hist_min(h) == values[0]);
    assert_true(vs_hist_max(h) == values[n - 1]);
    assert_true(values[0] < 1000 && values[n - 1] > 1000000000); /* it did span the range */
    vs_hist_destroy(h);
    free(values);
}

static void test_hist_uniform_percentiles(void **state)
{
    (void)state;
    const size_t n = 500000;
    int64_t *values = malloc(n * sizeof *values);
    assert_non_null(values);
    struct vs_hist *h = vs_hist_create();
    assert_non_null(h);
    struct vs_rng r;
    vs_rng_seed(&r, 77);
    uint64_t sum = 0;
    for (size_t i = 0; i < n; i++) {
        values[i] = (int64_t)(vs_rng_next(&r) % 10000000);
        sum += (uint64_t)values[i];
        vs_hist_record(h, values[i]);
    }
    /* The mean is exact: the sum is kept in integers. */
    assert_true(vs_hist_mean(h) == (double)sum / (double)n);
    check_percentiles(h, values, n);
    vs_hist_destroy(h);
    free(values);
}

/* Small samples, every percentile in 0.5 steps: the rank rule and the clamp
 * to [min, max] matter most here. */
static void test_hist_small_samples(void **state)
{
    (void)state;
    struct vs_hist *h = vs_hist_create();
    assert_non_null(h);
    struct vs_rng r;
    vs_rng_seed(&r, 5);
    int64_t values[64];
    for (int round = 0; round < 400; round++) {
        size_t n = 1 + (size_t)(vs_rng_next(&r) % 64);
        int shift = (int)(vs_rng_next(&r) % 40);
        vs_hist_reset(h);
        for (size_t i = 0; i < n; i++) {
            values[i] = (int64_t)(vs_rng_next(&r) % 1000) << shift;
            vs_hist_record(h, values[i]);
        }
        qsort(values, n, sizeof values[0], cmp_i64);
        for (int64_t p_milli = 0; p_milli <= 100000; p_milli += 500) {
            int64_t exact = values[rank_of(p_milli, n) - 1];
            int64_t got = vs_hist_percentile(h, (double)p_milli / 1000.0);
            assert_true(got >= values[0] && got <= values[n - 1]);
            if (exact < 128)
                assert_true(got == exact);
            else
                assert_within_rel(got, exact, 0.01);
        }
    }
    /* 99.9 % of 1000 values is rank 999 even though 99.9 is inexact in binary. */
    vs_hist_reset(h);
    for (int i = 1; i <= 1000; i++) vs_hist_record(h, i);
    assert_within_rel(vs_hist_percentile(h, 99.9), 999, 0.01);
    assert_true(vs_hist_percentile(h, 50) == vs_hist_percentile(h, 50.0));
    vs_hist_destroy(h);
}

struct bucket_list {
    int n;
    int64_t low[4096];
    int64_t high[4096];
    uint64_t count[4096];
};

static void collect(void *ctx, int64_t low, int64_t high, uint64_t count)
{
    struct bucket_list *b = ctx;
    assert_true(b->n < 4096);
    b->low[b->n] = low;
    b->high[b->n] = high;
    b->count[b->n] = count;
    b->n++;
}

/* Every value lands in a bucket that contains it and is narrow enough: exact
 * below 128, at most 1/64 of its low bound above. */
static void test_hist_buckets(void **state)
{
    (void)state;
    struct vs_hist *h = vs_hist_create();
    assert_non_null(h);
    static struct bucket_list b;
    struct vs_rng r;
    vs_rng_seed(&r, 9);
    for (int i = 0; i < 20000; i++) {
        int64_t v;
        if (i < 5000) v = i;
        else if (i < 5000 + 3 * 51) v = (INT64_C(1) << ((i - 5000) / 3)) + (i % 3) - 1;
        else v = (int64_t)(vs_rng_next(&r) >> (14 + vs_rng_next(&r) % 50));
        if (v < 0) v = 0;
        if (v > (INT64_C(1) << 50)) continue;
        vs_hist_reset(h);
        vs_hist_record(h, v);
        b.n = 0;
        vs_hist_foreach(h, collect, &b);
        assert_int_equal(b.n, 1);
        assert_true(b.low[0] <= v && v < b.high[0]);
        assert_true(b.count[0] == 1);
        if (v < 128)
            assert_true(b.high[0] - b.low[0] == 1);
        else
            assert_true((b.high[0] - b.low[0]) * 64 <= b.low[0]);
        assert_true(vs_hist_percentile(h, 50) == v); /* clamped to [min, max] */
    }

    /* A whole histogram: buckets in increasing order, disjoint, counts add up. */
    vs_hist_reset(h);
    for (int i = 0; i < 100000; i++) vs_hist_record(h, (int64_t)(vs_rng_next(&r) >> (vs_rng_next(&r) % 64)));
    b.n = 0;
    vs_hist_foreach(h, collect, &b);
    assert_true(b.n > 100);
    uint64_t total = 0;
    for (int i = 0; i < b.n; i++) {
        assert_true(b.low[i] < b.high[i]);
        if (i) assert_true(b.high[i - 1] <= b.low[i]);
        total += b.count[i];
    }
    assert_true(total == vs_hist_count(h));
    vs_hist_destroy(h);
}

static void test_hist_clamp_and_exact_sum(void **state)
{
    (void)state;
    struct vs_hist *h = vs_hist_create();
    assert_non_null(h);
    const int64_t top = INT64_C(1) << 50;
    /* 2^15 values of 2^50 sum to 2^65: past 64 bits, still an exact mean. */
    for (int i = 0; i < 1 << 15; i++) vs_hist_record(h, top);
    assert_true(vs_hist_mean(h) == (double)top);
    vs_hist_record(h, INT64_MAX); /* clamped to 2^50 */
    assert_true(vs_hist_max(h) == top);
    assert_true(vs_hist_mean(h) == (double)top);
    assert_true(vs_hist_percentile(h, 100) == top);
    vs_hist_record(h, -5); /* negative: 0 */
    assert_true(vs_hist_min(h) == 0);
    assert_true(vs_hist_percentile(h, 0) == 0);
    assert_true(vs_hist_count(h) == (1 << 15) + 2);
    /* Out-of-range percentiles are clamped to [0, 100]. */
    assert_true(vs_hist_percentile(h, -10) == 0);
    assert_true(vs_hist_percentile(h, 1000) == top);
    assert_true(vs_hist_percentile(h, NAN) == 0);
    vs_hist_destroy(h);
}

static void same_hist(const struct vs_hist *a, const struct vs_hist *b)
{
    assert_true(vs_hist_count(a) == vs_hist_count(b));
    assert_true(vs_hist_mean(a) == vs_hist_mean(b));
    assert_true(vs_hist_min(a) == vs_hist_min(b));
    assert_true(vs_hist_max(a) == vs_hist_max(b));
    for (int p = 0; p <= 1000; p++)
        assert_true(vs_hist_percentile(a, p / 10.0) == vs_hist_percentile(b, p / 10.0));
    static struct bucket_list la, lb;
    la.n = lb.n = 0;
    vs_hist_foreach(a, collect, &la);
    vs_hist_foreach(b, collect, &lb);
    assert_int_equal(la.n, lb.n);
    for (int i = 0; i < la.n; i++) {
        assert_true(la.low[i] == lb.low[i]);
        assert_true(la.count[i] == lb.count[i]);
    }
}

static void test_hist_merge_and_reset(void **state)
{
    (void)state;
    struct vs_hist *a = vs_hist_create(), *b = vs_hist_create(), *both = vs_hist_create();
    struct vs_hist *empty = vs_hist_create();
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(both);
    assert_non_null(empty);
    struct vs_rng r;
    vs_rng_seed(&r, 31);
    for (int i = 0; i < 50000; i++) {
        int64_t v = (int64_t)(vs_rng_next(&r) % 100000) + 5000; /* a: 5 us .. 105 us */
        vs_hist_record(a, v);
        vs_hist_record(both, v);
    }
    for (int i = 0; i < 30000; i++) {
        int64_t v = (int64_t)(vs_rng_next(&r) % 1000); /* b: below 1 us, a lower min */
        vs_hist_record(b, v);
        vs_hist_record(both, v);
    }
    vs_hist_merge(a, b);
    same_hist(a, both);

    /* Merging an empty histogram changes nothing; merging into one copies. */
    vs_hist_merge(a, empty);
    same_hist(a, both);
    vs_hist_merge(empty, both);
    same_hist(empty, both);

    vs_hist_reset(a);
    assert_true(vs_hist_count(a) == 0);
    assert_true(vs_hist_mean(a) == 0);
    assert_true(vs_hist_min(a) == 0);
    assert_true(vs_hist_max(a) == 0);
    assert_true(vs_hist_percentile(a, 50) == 0);
    static struct bucket_list l;
    l.n = 0;
    vs_hist_foreach(a, collect, &l);
    assert_int_equal(l.n, 0);
    /* After a reset the old extremes are gone: min is not stuck at 0. */
    vs_hist_record(a, 700);
    vs_hist_record(a, 900);
    assert_true(vs_hist_min(a) == 700);
    assert_true(vs_hist_max(a) == 900);
    assert_true(vs_hist_mean(a) == 800);

    vs_hist_destroy(a);
    vs_hist_destroy(b);
    vs_hist_destroy(both);
    vs_hist_destroy(empty);
    vs_hist_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_twa_piecewise),
        cmocka_unit_test(test_twa_reset_at_warmup),
        cmocka_unit_test(test_hist_lognormal_percentiles),
        cmocka_unit_test(test_hist_uniform_percentiles),
        cmocka_unit_test(test_hist_small_samples),
        cmocka_unit_test(test_hist_buckets),
        cmocka_unit_test(test_hist_clamp_and_exact_sum),
        cmocka_unit_test(test_hist_merge_and_reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
