/* Statistics the reports are made of: time-weighted averages (utilisation,
 * queue length) and latency histograms. Every recorder can be reset, which
 * the simulation does at the end of the warm-up so warm-up never counts. */
#ifndef VIRTSIM_STATS_H
#define VIRTSIM_STATS_H

#include <stdint.h>
#include "virtsim/core/event.h"

/* Time-weighted average of a piecewise-constant signal. */
struct vs_twa {
    vs_time_ns start_ns; /* start of the window */
    vs_time_ns last_ns;  /* time of the last change */
    double value;        /* current value */
    double area;         /* integral of value over [start_ns, last_ns] */
    double max;          /* largest value seen in the window */
};

void vs_twa_init(struct vs_twa *t, vs_time_ns now, double value);
void vs_twa_set(struct vs_twa *t, vs_time_ns now, double value);
void vs_twa_add(struct vs_twa *t, vs_time_ns now, double delta);
/* Starts a new window at now, keeping the current value. */
void vs_twa_reset(struct vs_twa *t, vs_time_ns now);
/* Mean over [start_ns, now]; the current value when the window is empty. */
double vs_twa_mean(const struct vs_twa *t, vs_time_ns now);

/* Latency histogram with log-spaced buckets (HDR style: 64 linear sub-buckets
 * per power of two above 128 ns, exact below), so any reported percentile is
 * within 1 % of the true value. Values are integers (nanoseconds) >= 0;
 * larger than 2^50 are clamped. Integer bucketing keeps it deterministic. */
struct vs_hist; /* opaque */

/* Caller owns the result; free with vs_hist_destroy. NULL when out of memory. */
struct vs_hist *vs_hist_create(void);
void vs_hist_destroy(struct vs_hist *h);
void vs_hist_record(struct vs_hist *h, int64_t value);
void vs_hist_reset(struct vs_hist *h);
/* dst += src. */
void vs_hist_merge(struct vs_hist *dst, const struct vs_hist *src);

uint64_t vs_hist_count(const struct vs_hist *h);
double vs_hist_mean(const struct vs_hist *h);   /* exact; 0 when empty */
int64_t vs_hist_min(const struct vs_hist *h);   /* exact; 0 when empty */
int64_t vs_hist_max(const struct vs_hist *h);   /* exact; 0 when empty */
/* The value at rank ceil(p/100 * count), p in [0, 100]: the midpoint of its
 * bucket, clamped to [min, max]. 0 when empty. */
int64_t vs_hist_percentile(const struct vs_hist *h, double p);

/* Values recorded in the buckets from value's own upwards (those at least
 * value, and those in value's bucket below it: within 1 %). */
uint64_t vs_hist_count_from(const struct vs_hist *h, int64_t value);

/* For charts and the TUI: calls fn for each non-empty bucket in increasing
 * order with the bucket's [low, high) bounds and count. */
void vs_hist_foreach(const struct vs_hist *h,
                     void (*fn)(void *ctx, int64_t low, int64_t high, uint64_t count),
                     void *ctx);

#endif
