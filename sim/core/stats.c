/* Statistics (see stats.h): time-weighted averages and HDR-style latency
 * histograms.
 *
 * Histogram buckets: values below 128 ns each have their own bucket; above,
 * every power of two [2^e, 2^(e+1)) is cut into 64 equal sub-buckets of width
 * 2^(e-6). A bucket is then at most 1/64 of its lowest value wide, so its
 * midpoint is within 1/128 (0.78 %) of anything in it. The bucket is found
 * with integer shifts only, so every machine files a value in the same bucket.
 * The exact sum is kept in 128 bits, so the mean is exact and a merge gives
 * the same result in any order. */
#include "virtsim/core/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define EXACT_LIMIT 128 /* = 2^FIRST_EXP */
#define FIRST_EXP 7
#define SUB_BITS 6
#define SUB_COUNT (1 << SUB_BITS)
#define MAX_EXP 50
#define MAX_VALUE (INT64_C(1) << MAX_EXP)
#define BUCKET_COUNT (EXACT_LIMIT + (MAX_EXP - FIRST_EXP + 1) * SUB_COUNT)

/* ---- time-weighted averages ---- */

/* Closes the interval [last_ns, now] at the current value. */
static void twa_advance(struct vs_twa *t, vs_time_ns now)
{
    if (now > t->last_ns) {
        t->area += t->value * (double)(now - t->last_ns);
        t->last_ns = now;
    }
}

void vs_twa_init(struct vs_twa *t, vs_time_ns now, double value)
{
    t->start_ns = now;
    t->last_ns = now;
    t->value = value;
    t->area = 0;
    t->max = value;
}

void vs_twa_set(struct vs_twa *t, vs_time_ns now, double value)
{
    twa_advance(t, now);
    t->value = value;
    if (value > t->max) t->max = value;
}

void vs_twa_add(struct vs_twa *t, vs_time_ns now, double delta)
{
    vs_twa_set(t, now, t->value + delta);
}

void vs_twa_reset(struct vs_twa *t, vs_time_ns now)
{
    vs_twa_init(t, now, t->value);
}

double vs_twa_mean(const struct vs_twa *t, vs_time_ns now)
{
    if (now <= t->start_ns) return t->value;
    double area = t->area;
    if (now > t->last_ns) area += t->value * (double)(now - t->last_ns);
    return area / (double)(now - t->start_ns);
}

/* ---- histograms ---- */

/* The buckets come in pages of SUB_COUNT (one power of two each, beyond the
 * exact range), allocated when a value first lands in them: a latency
 * distribution spans a handful of powers of two, so a histogram holds a few
 * KiB instead of all BUCKET_COUNT counters, which is what lets thousands of
 * guests each keep one (memory and cache). Bucket i lives in page
 * i / SUB_COUNT at i % SUB_COUNT; the bucketing itself is unchanged. */
#define PAGE_COUNT ((BUCKET_COUNT + SUB_COUNT - 1) / SUB_COUNT)

struct vs_hist {
    uint64_t count;
    uint64_t sum_lo; /* the exact sum of all values, as 128 bits */
    uint64_t sum_hi;
    int64_t min;
    int64_t max;
    uint64_t lost;   /* values whose page could not be allocated: in count, sum, min, max only */
    uint64_t *pages[PAGE_COUNT];
};

static inline uint64_t bucket_count(const struct vs_hist *h, size_t i)
{
    const uint64_t *page = h->pages[i / SUB_COUNT];
    return page ? page[i % SUB_COUNT] : 0;
}

/* The counter of bucket i, its page allocated if need be; NULL when memory
 * runs out. */
static inline uint64_t *bucket_slot(struct vs_hist *h, size_t i)
{
    uint64_t **page = &h->pages[i / SUB_COUNT];
    if (!*page) *page = calloc(SUB_COUNT, sizeof **page);
    return *page ? &(*page)[i % SUB_COUNT] : NULL;
}

/* Index of the highest set bit; v > 0. */
static inline int high_bit(uint64_t v)
{
#ifdef __GNUC__
    return 63 - __builtin_clzll(v);
#else
    int e = 0;
    while (v >>= 1) e++;
    return e;
#endif
}

static inline size_t bucket_of(uint64_t v)
{
    if (v < EXACT_LIMIT) return (size_t)v;
    int e = high_bit(v);
    size_t sub = (size_t)((v >> (e - SUB_BITS)) & (SUB_COUNT - 1));
    return EXACT_LIMIT + (size_t)(e - FIRST_EXP) * SUB_COUNT + sub;
}

static void bucket_bounds(size_t i, int64_t *low, int64_t *high)
{
    if (i < EXACT_LIMIT) {
        *low = (int64_t)i;
        *high = (int64_t)i + 1;
        return;
    }
    size_t j = i - EXACT_LIMIT;
    int e = FIRST_EXP + (int)(j / SUB_COUNT);
    int64_t width = INT64_C(1) << (e - SUB_BITS);
    *low = (INT64_C(1) << e) + (int64_t)(j % SUB_COUNT) * width;
    *high = *low + width;
}

struct vs_hist *vs_hist_create(void)
{
    return calloc(1, sizeof(struct vs_hist));
}

void vs_hist_destroy(struct vs_hist *h)
{
    if (!h) return;
    for (size_t p = 0; p < PAGE_COUNT; p++) free(h->pages[p]);
    free(h);
}

static inline void add_sum(struct vs_hist *h, uint64_t lo, uint64_t hi)
{
    uint64_t old = h->sum_lo;
    h->sum_lo += lo;
    h->sum_hi += hi + (h->sum_lo < old);
}

void vs_hist_record(struct vs_hist *h, int64_t value)
{
    if (value < 0) value = 0;
    if (value > MAX_VALUE) value = MAX_VALUE;
    uint64_t *slot = bucket_slot(h, bucket_of((uint64_t)value));
    if (slot)
        (*slot)++;
    else
        h->lost++;
    if (h->count == 0 || value < h->min) h->min = value;
    if (h->count == 0 || value > h->max) h->max = value;
    h->count++;
    add_sum(h, (uint64_t)value, 0);
}

void vs_hist_reset(struct vs_hist *h)
{
    /* Pages stay: the next window will most likely fill the same ones. */
    for (size_t p = 0; p < PAGE_COUNT; p++)
        if (h->pages[p]) memset(h->pages[p], 0, SUB_COUNT * sizeof *h->pages[p]);
    h->count = h->sum_lo = h->sum_hi = h->lost = 0;
    h->min = h->max = 0;
}

void vs_hist_merge(struct vs_hist *dst, const struct vs_hist *src)
{
    if (src->count == 0) return;
    for (size_t p = 0; p < PAGE_COUNT; p++) {
        if (!src->pages[p]) continue;
        for (size_t k = 0; k < SUB_COUNT; k++) {
            uint64_t n = src->pages[p][k];
            if (!n) continue;
            uint64_t *slot = bucket_slot(dst, p * SUB_COUNT + k);
            if (slot)
                *slot += n;
            else
                dst->lost += n;
        }
    }
    dst->lost += src->lost;
    if (dst->count == 0 || src->min < dst->min) dst->min = src->min;
    if (dst->count == 0 || src->max > dst->max) dst->max = src->max;
    dst->count += src->count;
    add_sum(dst, src->sum_lo, src->sum_hi);
}

uint64_t vs_hist_count(const struct vs_hist *h)
{
    return h->count;
}

double vs_hist_mean(const struct vs_hist *h)
{
    if (h->count == 0) return 0;
    return ((double)h->sum_hi * 0x1.0p64 + (double)h->sum_lo) / (double)h->count;
}

int64_t vs_hist_min(const struct vs_hist *h)
{
    return h->count ? h->min : 0;
}

int64_t vs_hist_max(const struct vs_hist *h)
{
    return h->count ? h->max : 0;
}

uint64_t vs_hist_count_from(const struct vs_hist *h, int64_t value)
{
    if (value < 0) value = 0;
    if (value > MAX_VALUE) value = MAX_VALUE;
    uint64_t n = 0;
    for (size_t i = bucket_of((uint64_t)value); i < BUCKET_COUNT; i++) {
        if (!h->pages[i / SUB_COUNT]) {
            i += SUB_COUNT - 1 - i % SUB_COUNT; /* an empty page: skip it */
            continue;
        }
        n += bucket_count(h, i);
    }
    return n;
}

int64_t vs_hist_percentile(const struct vs_hist *h, double p)
{
    if (h->count == 0) return 0;
    if (!(p > 0)) p = 0; /* also NaN */
    if (p > 100) p = 100;
    /* Ranks among the values the buckets hold (all of them, unless memory
     * ran out). */
    uint64_t held = h->count - h->lost;
    if (held == 0) return h->max;
    /* p * count / 100 in binary floating point can land a hair above an
     * integer (99.9 % of 1000 is 999.0000000000001); shave a relative 1e-12
     * so such a rank is not pushed to the next one. */
    double x = p * (double)held / 100.0;
    double r = ceil(x - x * 1e-12);
    uint64_t rank = r < 1 ? 1 : (r >= (double)held ? held : (uint64_t)r);

    uint64_t seen = 0;
    for (size_t i = 0; i < BUCKET_COUNT; i++) {
        if (!h->pages[i / SUB_COUNT]) {
            i += SUB_COUNT - 1 - i % SUB_COUNT; /* an empty page: skip it */
            continue;
        }
        seen += bucket_count(h, i);
        if (seen >= rank) {
            int64_t low, high;
            bucket_bounds(i, &low, &high);
            int64_t mid = low + (high - low) / 2;
            if (mid < h->min) return h->min;
            if (mid > h->max) return h->max;
            return mid;
        }
    }
    return h->max; /* not reached: the buckets hold count values */
}

void vs_hist_foreach(const struct vs_hist *h,
                     void (*fn)(void *ctx, int64_t low, int64_t high, uint64_t count), void *ctx)
{
    for (size_t i = 0; i < BUCKET_COUNT; i++) {
        uint64_t n = bucket_count(h, i);
        if (!n) continue;
        int64_t low, high;
        bucket_bounds(i, &low, &high);
        fn(ctx, low, high, n);
    }
}
