/* `make bench`: speed of the event core in the classic hold model (pop the
 * earliest event, schedule a new one at now + an exponential delay, so the
 * pending set keeps its size), beside a bare binary heap of {time, seq} doing
 * the same work with the same delays, so the figures say how much the
 * callbacks, handles and cancellation support cost on this machine.
 *
 * Both loops draw delays from one precomputed table in the same order and
 * break ties by insertion order, so they pop the same events in the same order
 * and must end at the same clock; the bench checks that too.
 *
 * Usage: bench_event [REPEATS]  (default 3; the best run of each is reported) */
#include "virtsim/core/event.h"
#include "virtsim/core/rng.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define DELAY_COUNT (1u << 14)
#define DELAY_MASK (DELAY_COUNT - 1)
#define MEAN_DELAY_NS 1000000.0

static vs_time_ns delays_ns[DELAY_COUNT];

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- the bare heap: the least a binary heap can do ---- */

struct bare_entry {
    int64_t time_ns;
    uint64_t seq;
};

struct bare_heap {
    struct bare_entry *h; /* 1-based: h[1] is the root */
    size_t len;
    uint64_t next_seq;
};

static inline int bare_less(const struct bare_entry *a, const struct bare_entry *b)
{
    return a->time_ns < b->time_ns || (a->time_ns == b->time_ns && a->seq < b->seq);
}

static inline void bare_push(struct bare_heap *b, int64_t time_ns)
{
    struct bare_entry x = {time_ns, b->next_seq++};
    size_t p = ++b->len;
    while (p > 1 && bare_less(&x, &b->h[p / 2])) {
        b->h[p] = b->h[p / 2];
        p /= 2;
    }
    b->h[p] = x;
}

static inline struct bare_entry bare_pop(struct bare_heap *b)
{
    struct bare_entry top = b->h[1];
    struct bare_entry x = b->h[b->len--];
    size_t p = 1;
    for (;;) {
        size_t c = 2 * p;
        if (c > b->len) break;
        if (c < b->len && bare_less(&b->h[c + 1], &b->h[c])) c++;
        if (!bare_less(&b->h[c], &x)) break;
        b->h[p] = b->h[c];
        p = c;
    }
    b->h[p] = x;
    return top;
}

/* Runs `events` hold steps after a warm-up; returns events/s, sets *final_ns. */
static double bench_bare(size_t pending, uint64_t warmup, uint64_t events, int64_t *final_ns)
{
    struct bare_heap b = {malloc((pending + 2) * sizeof(struct bare_entry)), 0, 0};
    if (!b.h) {
        fprintf(stderr, "bench_event: out of memory\n");
        exit(1);
    }
    uint32_t d = 0;
    for (size_t i = 0; i < pending; i++) bare_push(&b, delays_ns[d++ & DELAY_MASK]);
    int64_t now_ns = 0;
    for (uint64_t i = 0; i < warmup; i++) {
        now_ns = bare_pop(&b).time_ns;
        bare_push(&b, now_ns + delays_ns[d++ & DELAY_MASK]);
    }
    double t0 = seconds_now();
    for (uint64_t i = 0; i < events; i++) {
        now_ns = bare_pop(&b).time_ns;
        bare_push(&b, now_ns + delays_ns[d++ & DELAY_MASK]);
    }
    double t1 = seconds_now();
    *final_ns = now_ns;
    free(b.h);
    return (double)events / (t1 - t0);
}

/* ---- the same work through vs_event ---- */

struct hold {
    struct vs_event_queue *q;
    uint32_t d;
    uint64_t remaining;
};

static void hold_fire(void *ctx, uint64_t arg)
{
    (void)arg;
    struct hold *h = ctx;
    vs_time_ns at = vs_event_now(h->q) + delays_ns[h->d++ & DELAY_MASK];
    if (vs_event_schedule(h->q, at, hold_fire, h, 0, NULL) != 0) {
        fprintf(stderr, "bench_event: vs_event_schedule failed\n");
        exit(1);
    }
    if (--h->remaining == 0) vs_event_stop(h->q);
}

static double bench_queue(size_t pending, uint64_t warmup, uint64_t events, int64_t *final_ns)
{
    struct hold h = {vs_event_queue_create(pending), 0, 0};
    if (!h.q) {
        fprintf(stderr, "bench_event: out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < pending; i++) {
        if (vs_event_schedule(h.q, delays_ns[h.d++ & DELAY_MASK], hold_fire, &h, 0, NULL) != 0) {
            fprintf(stderr, "bench_event: vs_event_schedule failed\n");
            exit(1);
        }
    }
    h.remaining = warmup;
    if (warmup) vs_event_run_until(h.q, VS_TIME_NEVER);
    h.remaining = events;
    double t0 = seconds_now();
    uint64_t ran = vs_event_run_until(h.q, VS_TIME_NEVER);
    double t1 = seconds_now();
    if (ran != events || vs_event_pending(h.q) != pending) {
        fprintf(stderr, "bench_event: ran %llu events, expected %llu\n",
                (unsigned long long)ran, (unsigned long long)events);
        exit(1);
    }
    *final_ns = vs_event_now(h.q);
    vs_event_queue_destroy(h.q);
    return (double)events / (t1 - t0);
}

int main(int argc, char **argv)
{
    int repeats = argc > 1 ? atoi(argv[1]) : 3;
    if (repeats < 1) repeats = 1;

    struct vs_rng rng;
    vs_rng_seed(&rng, 42);
    struct vs_dist exp_delay = {VS_DIST_EXPONENTIAL, MEAN_DELAY_NS, 0};
    for (size_t i = 0; i < DELAY_COUNT; i++)
        delays_ns[i] = (vs_time_ns)llround(vs_dist_sample(&exp_delay, &rng));

    static const struct {
        size_t pending;
        uint64_t events;
    } runs[] = {{1000, 20000000}, {100000, 8000000}, {1000000, 4000000}};

    printf("hold model, exponential delays (mean %.0f ns), best of %d\n", MEAN_DELAY_NS, repeats);
    printf("%10s %12s %16s %16s %8s\n", "pending", "events", "vs_event ev/s", "bare heap ev/s",
           "ratio");
    double ratio_1e3 = 0, rate_1e3 = 0, worst_ratio = 1e9;
    int mismatch = 0;
    for (size_t r = 0; r < sizeof runs / sizeof runs[0]; r++) {
        size_t n = runs[r].pending;
        uint64_t warmup = n < 1000000 ? n : 1000000;
        double best_q = 0, best_b = 0;
        for (int k = 0; k < repeats; k++) {
            int64_t end_q, end_b;
            double rq = bench_queue(n, warmup, runs[r].events, &end_q);
            double rb = bench_bare(n, warmup, runs[r].events, &end_b);
            if (end_q != end_b) mismatch = 1;
            if (rq > best_q) best_q = rq;
            if (rb > best_b) best_b = rb;
        }
        double ratio = best_q / best_b;
        printf("%10zu %12llu %16.0f %16.0f %8.2f\n", n, (unsigned long long)runs[r].events,
               best_q, best_b, ratio);
        if (r == 0) {
            ratio_1e3 = ratio;
            rate_1e3 = best_q;
        }
        if (ratio < worst_ratio) worst_ratio = ratio;
    }
    printf("ratio = vs_event events/s divided by bare heap events/s (1.00 = as fast)\n");
    printf("goal at 1e3 pending: >= 10M events/s (%s) and within 1.5x of bare (%s)\n",
           rate_1e3 >= 1e7 ? "met" : "NOT met", ratio_1e3 >= 1 / 1.5 ? "met" : "NOT met");
    printf("slowest ratio over all sizes: %.2f (%s 1.5x)\n", worst_ratio,
           worst_ratio >= 1 / 1.5 ? "within" : "NOT within");
    if (mismatch) {
        printf("ERROR: vs_event and the bare heap ended at different clocks\n");
        return 1;
    }
    printf("vs_event and the bare heap popped the same events (same final clock)\n");
    return 0;
}
