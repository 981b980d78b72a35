/* Per-guest token-bucket throttles (host/throttle.h). Invariants:
 * - a guest without limits never waits, whatever it offers;
 * - a full bucket lets `burst` items through at once, then one every
 *   1/rate, at exactly the instant its tokens are there;
 * - a guest's items go in the order it offered them, and one guest's
 *   waiting never delays another's;
 * - an item larger than the burst is not stuck: it goes when the bucket is
 *   full and the debt it leaves delays the next by cost / rate;
 * - over a long run the released amount is rate x time + burst, for any
 *   mix of item sizes (nothing gained or lost to rounding). */
#include "testutil.h"

#include <math.h>

#include "virtsim/core/event.h"
#include "virtsim/host/throttle.h"

struct item {
    uint32_t seq;
};

struct log {
    vs_time_ns at[4096];
    uint32_t seq[4096];
    uint32_t guest[4096];
    uint32_t n;
    struct vs_event_queue *q;
};

static void released(void *ctx, uint32_t guest, const void *p)
{
    struct log *l = ctx;
    const struct item *it = p;
    if (l->n >= 4096) return;
    l->at[l->n] = vs_event_now(l->q);
    l->seq[l->n] = it->seq;
    l->guest[l->n] = guest;
    l->n++;
}

static struct vs_throttle *make(struct log *l, uint32_t guests)
{
    memset(l, 0, sizeof *l);
    l->q = vs_event_queue_create(64);
    assert_non_null(l->q);
    struct vs_throttle *t = vs_throttle_create(l->q, guests, sizeof(struct item), released, l);
    assert_non_null(t);
    return t;
}

/* Offers an item; records it as released at once when it may go now. */
static void offer(struct vs_throttle *t, struct log *l, uint32_t guest, double c0, double c1, uint32_t seq)
{
    double cost[VS_THROTTLE_BUCKETS] = {c0, c1};
    struct item it = {seq};
    bool now = false;
    assert_int_equal(vs_throttle_offer(t, guest, cost, &it, &now), VS_OK);
    if (now) released(l, guest, &it);
}

static void test_unlimited_never_waits(void **state)
{
    (void)state;
    struct log l;
    struct vs_throttle *t = make(&l, 2);
    assert_int_equal(vs_throttle_set(t, 1, 0, 10, 1), VS_OK); /* guest 1 limited, guest 0 not */
    assert_false(vs_throttle_limited(t, 0));
    for (uint32_t k = 0; k < 100; k++) offer(t, &l, 0, 1, 1e9, k);
    assert_int_equal(l.n, 100);
    assert_int_equal(vs_event_pending(l.q), 0);
    vs_throttle_destroy(t);
    vs_event_queue_destroy(l.q);
}

static void test_burst_then_rate(void **state)
{
    (void)state;
    struct log l;
    struct vs_throttle *t = make(&l, 2);
    /* 1000 items/s, a burst of 5; guest 1: 10 items/s, burst 1 */
    assert_int_equal(vs_throttle_set(t, 0, 0, 1000, 5), VS_OK);
    assert_int_equal(vs_throttle_set(t, 1, 0, 10, 1), VS_OK);
    for (uint32_t k = 0; k < 20; k++) offer(t, &l, 0, 1, 0, k);
    for (uint32_t k = 0; k < 3; k++) offer(t, &l, 1, 1, 0, 100 + k);
    vs_event_run_until(l.q, 10 * VS_NS_PER_S);
    assert_int_equal(l.n, 23);
    uint32_t k0 = 0, k1 = 0;
    for (uint32_t i = 0; i < l.n; i++) {
        if (l.guest[i] == 0) {
            assert_int_equal(l.seq[i], k0); /* in order */
            vs_time_ns want = k0 < 5 ? 0 : (vs_time_ns)(k0 - 4) * VS_NS_PER_MS;
            assert_int_equal(l.at[i], want);
            k0++;
        } else {
            assert_int_equal(l.seq[i], 100 + k1);
            assert_int_equal(l.at[i], (vs_time_ns)k1 * 100 * VS_NS_PER_MS);
            k1++;
        }
    }
    struct vs_throttle_stats st;
    vs_throttle_get_stats(t, 0, &st);
    assert_int_equal(st.delayed, 15);
    assert_int_equal(st.waiting_now, 0);
    vs_throttle_destroy(t);
    vs_event_queue_destroy(l.q);
}

static void test_large_item_debt(void **state)
{
    (void)state;
    struct log l;
    struct vs_throttle *t = make(&l, 1);
    /* bytes: 1 MB/s, a 100 kB bucket; a 500 kB item, then a 1 kB one */
    assert_int_equal(vs_throttle_set(t, 0, 1, 1e6, 1e5), VS_OK);
    offer(t, &l, 0, 0, 5e5, 1);
    offer(t, &l, 0, 0, 1e3, 2);
    vs_event_run_until(l.q, 10 * VS_NS_PER_S);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.at[0], 0);
    /* the bucket went to -400 kB: 0.401 s until 1 kB is there */
    assert_int_equal(l.at[1], 401 * VS_NS_PER_MS);
    vs_throttle_destroy(t);
    vs_event_queue_destroy(l.q);
}

static void test_long_run_rate(void **state)
{
    (void)state;
    struct log l;
    struct vs_throttle *t = make(&l, 1);
    const double rate = 3.3e6, burst = 64e3; /* bytes/s and bytes */
    assert_int_equal(vs_throttle_set(t, 0, 1, rate, burst), VS_OK);
    double total = 0;
    for (uint32_t k = 0; k < 4000; k++) {
        double size = 1000 + (k * 7919 % 9000); /* 1 to 10 kB, no pattern the bucket could match */
        offer(t, &l, 0, 0, size, k);
        total += size;
    }
    vs_event_run_until(l.q, 100 * VS_NS_PER_S);
    assert_int_equal(l.n, 4000);
    /* the last item went when rate x time + burst covered everything before it and it */
    double last = (double)l.at[l.n - 1] / 1e9;
    print_message("%.0f bytes in %.6f s: %.1f bytes/s beyond the burst (rate %.0f)\n", total, last,
                  (total - burst) / last, rate);
    assert_true(fabs((total - burst) / last - rate) < rate * 1e-3);
    vs_throttle_destroy(t);
    vs_event_queue_destroy(l.q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unlimited_never_waits),
        cmocka_unit_test(test_burst_then_rate),
        cmocka_unit_test(test_large_item_debt),
        cmocka_unit_test(test_long_run_rate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
