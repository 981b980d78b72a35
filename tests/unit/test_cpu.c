/* Tests of the CPU scheduler: shares follow weights, caps hold even on an
 * idle host, switch costs land in host_kernel and are counted, categories are
 * attributed exactly, a statistics reset neither loses nor moves time, and
 * pinning keeps a guest on its cores under every scheduler. */
#include "testutil.h"

#include <stdlib.h>

#include "virtsim/host/cpu.h"
#include "virtsim/core/error.h"
#include "virtsim/core/event.h"
#include "virtsim/core/rng.h"

#define GHZ 1e9
#define MS VS_NS_PER_MS
#define SEC VS_NS_PER_S

struct fx {
    struct vs_event_queue *q;
    struct vs_cpu *cpu;
};

static void fx_init(struct fx *f, uint32_t cores, double hz, vs_time_ns slice_ns,
                    vs_time_ns cap_period_ns, double switch_cycles)
{
    struct vs_cpu_spec spec = {
        .cores = cores, .frequency_hz = hz, .time_slice_ns = slice_ns, .cap_period_ns = cap_period_ns};
    f->q = vs_event_queue_create(64);
    assert_non_null(f->q);
    f->cpu = vs_cpu_create(&spec, switch_cycles, f->q);
    assert_non_null(f->cpu);
}

static void fx_free(struct fx *f)
{
    vs_cpu_destroy(f->cpu);
    vs_event_queue_destroy(f->q);
}

static uint32_t add_guest(struct fx *f, double weight, double cap, uint32_t vcpus, uint32_t *first_vcpu)
{
    uint32_t g, v;
    assert_int_equal(vs_cpu_add_guest(f->cpu, weight, cap, &g), VS_OK);
    for (uint32_t k = 0; k < vcpus; k++) {
        assert_int_equal(vs_cpu_add_vcpu(f->cpu, g, &v), VS_OK);
        if (k == 0 && first_vcpu) *first_vcpu = v;
    }
    return g;
}

/* A vCPU that always has work: each burst is followed at once by the next,
 * submitted from the done callback, until stop_ns. */
struct loop {
    struct fx *f;
    uint32_t vcpu;
    double cycles[VS_CAT_COUNT];
    vs_time_ns stop_ns;
    uint64_t bursts;
    uint64_t trace; /* hash of the completion times */
};

static void loop_done(void *ctx, uint64_t arg)
{
    struct loop *l = ctx;
    assert_int_equal(arg, l->vcpu);
    vs_time_ns now = vs_event_now(l->f->q);
    l->bursts++;
    l->trace = l->trace * 1000003u + (uint64_t)now;
    assert_false(vs_cpu_vcpu_busy(l->f->cpu, l->vcpu));
    if (now < l->stop_ns)
        assert_int_equal(vs_cpu_submit(l->f->cpu, l->vcpu, l->cycles, loop_done, l, l->vcpu), VS_OK);
}

static void loop_init(struct loop *l, struct fx *f, uint32_t vcpu, double user_cycles)
{
    memset(l, 0, sizeof *l);
    l->f = f;
    l->vcpu = vcpu;
    l->cycles[VS_CAT_GUEST_USER] = user_cycles;
    l->stop_ns = VS_TIME_NEVER;
}

static void loop_submit(struct loop *l)
{
    assert_int_equal(vs_cpu_submit(l->f->cpu, l->vcpu, l->cycles, loop_done, l, l->vcpu), VS_OK);
    assert_true(vs_cpu_vcpu_busy(l->f->cpu, l->vcpu));
}

static void loop_start(struct loop *l, struct fx *f, uint32_t vcpu, double user_cycles)
{
    loop_init(l, f, vcpu, user_cycles);
    loop_submit(l);
}

static double guest_cpu_ns(const struct fx *f, uint32_t g)
{
    struct vs_cpu_guest_stats gs;
    vs_cpu_get_guest_stats(f->cpu, g, &gs);
    double total = 0;
    for (int c = 0; c < VS_CAT_COUNT; c++) total += gs.ns_by_cat[c];
    return total;
}

/* Two always-runnable guests on one core with the given weights and burst
 * length; returns guest 0's share of the core. */
static double two_guest_share(double w0, double w1, double burst_cycles, double *share1)
{
    struct fx f;
    fx_init(&f, 1, 1 * GHZ, 1 * MS, 100 * MS, 0);
    uint32_t v0, v1;
    uint32_t g0 = add_guest(&f, w0, 0, 1, &v0);
    uint32_t g1 = add_guest(&f, w1, 0, 1, &v1);
    struct loop l0, l1;
    loop_start(&l0, &f, v0, burst_cycles);
    loop_start(&l1, &f, v1, burst_cycles);
    vs_event_run_until(f.q, 10 * SEC);
    struct vs_cpu_stats st;
    vs_cpu_get_stats(f.cpu, &st);
    assert_within_rel(st.utilisation, 1.0, 1e-12);
    assert_within_rel(st.window_ns, 10.0 * SEC, 0);
    double s0 = guest_cpu_ns(&f, g0) / st.window_ns;
    *share1 = guest_cpu_ns(&f, g1) / st.window_ns;
    fx_free(&f);
    return s0;
}

static void test_equal_weights(void **state)
{
    (void)state;
    /* Bursts longer than a slice (preemption) and shorter (blocking). */
    const double bursts[] = {3.7e6, 0.3e6};
    for (size_t k = 0; k < 2; k++) {
        double s1, s0 = two_guest_share(1, 1, bursts[k], &s1);
        print_message("1:1, burst %.1f ms: %.4f / %.4f\n", bursts[k] / 1e6, s0, s1);
        assert_within_rel(s0, 0.5, 0.01);
        assert_within_rel(s1, 0.5, 0.01);
    }
}

static void test_weighted_shares(void **state)
{
    (void)state;
    const double bursts[] = {3.7e6, 0.3e6};
    for (size_t k = 0; k < 2; k++) {
        double s1, s0 = two_guest_share(2, 1, bursts[k], &s1);
        print_message("2:1, burst %.1f ms: %.4f / %.4f\n", bursts[k] / 1e6, s0, s1);
        assert_within_rel(s0, 2.0 / 3.0, 0.01);
        assert_within_rel(s1, 1.0 / 3.0, 0.01);
    }
    /* Weights are per guest: a 2-vCPU guest of weight 1 against a 1-vCPU
     * guest of weight 1 on one core still splits 50/50. */
    struct fx f;
    fx_init(&f, 1, 1 * GHZ, 1 * MS, 0, 0);
    uint32_t va, vb;
    uint32_t ga = add_guest(&f, 1, 0, 2, &va);
    uint32_t gb = add_guest(&f, 1, 0, 1, &vb);
    struct loop la0, la1, lb;
    loop_start(&la0, &f, va, 2.5e6);
    loop_start(&la1, &f, va + 1, 2.5e6);
    loop_start(&lb, &f, vb, 2.5e6);
    vs_event_run_until(f.q, 10 * SEC);
    assert_within_rel(guest_cpu_ns(&f, ga) / (10.0 * SEC), 0.5, 0.01);
    assert_within_rel(guest_cpu_ns(&f, gb) / (10.0 * SEC), 0.5, 0.01);
    fx_free(&f);
}

static void test_caps(void **state)
{
    (void)state;
    /* Alone on an idle core, a 25 % cap still holds. */
    struct fx f;
    fx_init(&f, 1, 1 * GHZ, 3 * MS, 0 /* default 100 ms */, 0);
    uint32_t v;
    uint32_t g = add_guest(&f, 1, 0.25, 1, &v);
    struct loop l;
    loop_start(&l, &f, v, 7e6);
    vs_event_run_until(f.q, 10 * SEC);
    struct vs_cpu_guest_stats gs;
    vs_cpu_get_guest_stats(f.cpu, g, &gs);
    double share = guest_cpu_ns(&f, g) / (10.0 * SEC);
    print_message("capped at 25%% alone: %.4f, throttled %llu times\n", share,
                  (unsigned long long)gs.throttled);
    assert_within_rel(share, 0.25, 0.01);
    assert_int_equal(gs.throttled, 100); /* once per 100 ms period */
    /* Throttled time is time it wanted the CPU and did not get it. */
    assert_within_rel(gs.wait_ns, 7.5 * SEC, 0.01);
    fx_free(&f);

    /* Against an uncapped guest with a quarter of its weight, the cap still
     * binds and the other guest takes the rest. */
    fx_init(&f, 1, 1 * GHZ, 1 * MS, 50 * MS, 0);
    uint32_t vc, vu;
    uint32_t gc = add_guest(&f, 4, 0.25, 1, &vc);
    uint32_t gu = add_guest(&f, 1, 0, 1, &vu);
    struct loop lc, lu;
    loop_start(&lc, &f, vc, 1.3e6);
    loop_start(&lu, &f, vu, 1.3e6);
    vs_event_run_until(f.q, 10 * SEC);
    assert_within_rel(guest_cpu_ns(&f, gc) / (10.0 * SEC), 0.25, 0.01);
    assert_within_rel(guest_cpu_ns(&f, gu) / (10.0 * SEC), 0.75, 0.01);
    fx_free(&f);

    /* A cap is on the guest as a whole: two vCPUs on two cores, capped at
     * half a core, get a quarter of a core each. */
    fx_init(&f, 2, 1 * GHZ, 2 * MS, 0, 0);
    uint32_t vm;
    uint32_t gm = add_guest(&f, 1, 0.5, 2, &vm);
    struct loop lm0, lm1;
    loop_start(&lm0, &f, vm, 5e6);
    loop_start(&lm1, &f, vm + 1, 5e6);
    vs_event_run_until(f.q, 10 * SEC);
    assert_within_rel(guest_cpu_ns(&f, gm) / (10.0 * SEC), 0.5, 0.01);
    struct vs_cpu_stats st;
    vs_cpu_get_stats(f.cpu, &st);
    assert_within_rel(st.utilisation, 0.25, 0.01);
    assert_within_rel((double)lm0.bursts, (double)lm1.bursts, 0.05);
    fx_free(&f);
}

static void test_context_switch_cost(void **state)
{
    (void)state;
    const double switch_cycles = 5000; /* 5 us at 1 GHz */
    struct fx f;
    fx_init(&f, 1, 1 * GHZ, 1 * MS, 0, switch_cycles);
    uint32_t v0, v1;
    uint32_t g0 = add_guest(&f, 1, 0, 1, &v0);
    uint32_t g1 = add_guest(&f, 1, 0, 1, &v1);
    struct loop l0, l1;
    loop_start(&l0, &f, v0, 10e6);
    loop_start(&l1, &f, v1, 10e6);
    vs_event_run_until(f.q, 1 * SEC);
    struct vs_cpu_stats st;
    struct vs_cpu_guest_stats s0, s1;
    vs_cpu_get_stats(f.cpu, &st);
    vs_cpu_get_guest_stats(f.cpu, g0, &s0);
    vs_cpu_get_guest_stats(f.cpu, g1, &s1);
    print_message("switches %llu, host_kernel %.0f ns\n", (unsigned long long)st.context_switches,
                  st.busy_ns_by_cat[VS_CAT_HOST_KERNEL]);
    /* Every slice ends in a switch to the other guest: ~1 per 1.005 ms. */
    assert_true(st.context_switches >= 990 && st.context_switches <= 1000);
    assert_int_equal(st.context_switches, s0.context_switches + s1.context_switches);
    /* The last switch may be in progress at the end: at most one is partial. */
    double full = (double)st.context_switches * 5000;
    assert_true(st.busy_ns_by_cat[VS_CAT_HOST_KERNEL] <= full);
    assert_true(st.busy_ns_by_cat[VS_CAT_HOST_KERNEL] > full - 5000);
    assert_true(s0.ns_by_cat[VS_CAT_HOST_KERNEL] <= (double)s0.context_switches * 5000);
    assert_true(s0.ns_by_cat[VS_CAT_HOST_KERNEL] > (double)s0.context_switches * 5000 - 5000);
    assert_within_rel(s0.ns_by_cat[VS_CAT_HOST_KERNEL] + s1.ns_by_cat[VS_CAT_HOST_KERNEL],
                      st.busy_ns_by_cat[VS_CAT_HOST_KERNEL], 0);
    assert_within_rel(s0.ns_by_cat[VS_CAT_GUEST_USER] + s0.ns_by_cat[VS_CAT_HOST_KERNEL],
                      s1.ns_by_cat[VS_CAT_GUEST_USER] + s1.ns_by_cat[VS_CAT_HOST_KERNEL], 0.01);
    assert_within_rel(st.utilisation, 1.0, 1e-12);
    fx_free(&f);

    /* Alone, a vCPU is loaded once and never switched out. */
    fx_init(&f, 1, 1 * GHZ, 1 * MS, 0, switch_cycles);
    uint32_t v;
    uint32_t g = add_guest(&f, 1, 0, 1, &v);
    struct loop l;
    loop_start(&l, &f, v, 0.4e6);
    vs_event_run_until(f.q, 1 * SEC);
    vs_cpu_get_stats(f.cpu, &st);
    vs_cpu_get_guest_stats(f.cpu, g, &s0);
    assert_int_equal(st.context_switches, 1);
    assert_within_rel(s0.ns_by_cat[VS_CAT_HOST_KERNEL], 5000, 0);
    fx_free(&f);

    /* A fractional switch cost (1000 cycles at 3 GHz = 333.3 ns) adds up
     * without drift. */
    fx_init(&f, 1, 3 * GHZ, 1 * MS, 0, 1000);
    g0 = add_guest(&f, 1, 0, 1, &v0);
    g1 = add_guest(&f, 1, 0, 1, &v1);
    loop_start(&l0, &f, v0, 9e6);
    loop_start(&l1, &f, v1, 9e6);
    vs_event_run_until(f.q, 1 * SEC);
    vs_cpu_get_stats(f.cpu, &st);
    /* Off by the rounding carry (< 1 ns) plus, if a switch is in progress at
     * the end, the part of it not yet done. */
    double exact = (double)st.context_switches * 1000.0 / 3.0;
    assert_true(st.busy_ns_by_cat[VS_CAT_HOST_KERNEL] <= exact + 1);
    assert_true(st.busy_ns_by_cat[VS_CAT_HOST_KERNEL] >= exact - 335);
    fx_free(&f);
}

/* Cycles are consumed in category order; every nanosecond lands in its own
 * category, on the host and on the guest, across slices, preemptions and a
 * reset in the middle of a slice. */
static void test_category_attribution(void **state)
{
    (void)state;
    struct fx f;
    fx_init(&f, 1, 2 * GHZ, 1 * MS, 0, 0);
    uint32_t va, vb;
    uint32_t ga = add_guest(&f, 1, 0, 1, &va);
    uint32_t gb = add_guest(&f, 1, 0, 1, &vb);
    struct loop la, lb;
    loop_init(&la, &f, va, 3.0e6);          /* user 1.5 ms */
    la.cycles[VS_CAT_GUEST_KERNEL] = 1.4e6; /* 0.7 ms */
    la.cycles[VS_CAT_VMEXIT] = 0.6e6;       /* 0.3 ms */
    la.cycles[VS_CAT_PAGE_WALK] = 24690;    /* 12345 ns */
    loop_init(&lb, &f, vb, 0);
    lb.cycles[VS_CAT_TRANSLATION] = 1.0e6;  /* 0.5 ms */
    lb.cycles[VS_CAT_DEVICE_MODEL] = 2.2e6; /* 1.1 ms */
    loop_submit(&la);
    loop_submit(&lb);
    vs_event_run_until(f.q, 333333);
    vs_cpu_reset_stats(f.cpu); /* in the middle of a slice */
    /* Stop resubmitting at 2 s and let the last bursts finish. */
    vs_event_run_until(f.q, 2 * SEC);
    uint64_t a0 = la.bursts, b0 = lb.bursts;
    la.stop_ns = lb.stop_ns = 0;
    while (vs_event_step(f.q)) {
    }
    assert_int_equal(la.bursts, a0 + 1);
    assert_int_equal(lb.bursts, b0 + 1);
    struct vs_cpu_guest_stats sa, sb;
    struct vs_cpu_stats st;
    vs_cpu_get_guest_stats(f.cpu, ga, &sa);
    vs_cpu_get_guest_stats(f.cpu, gb, &sb);
    vs_cpu_get_stats(f.cpu, &st);
    /* Every burst of a ran entirely after the reset except the first, which
     * had run for part of [0, 333333). Count what a ran before the reset
     * from the completed totals. */
    double na = (double)la.bursts;
    assert_within_rel(sa.ns_by_cat[VS_CAT_GUEST_KERNEL], na * 700000, 0);
    assert_within_rel(sa.ns_by_cat[VS_CAT_VMEXIT], na * 300000, 0);
    assert_within_rel(sa.ns_by_cat[VS_CAT_PAGE_WALK], na * 12345, 0);
    assert_within_rel(sb.ns_by_cat[VS_CAT_DEVICE_MODEL], (double)lb.bursts * 1100000, 0);
    /* Before the reset, a ran its first 333333 ns of user time (it went first). */
    assert_within_rel(sa.ns_by_cat[VS_CAT_GUEST_USER], na * 1500000 - 333333, 0);
    assert_within_rel(sb.ns_by_cat[VS_CAT_TRANSLATION], (double)lb.bursts * 500000, 0);
    assert_within_rel(sa.ns_by_cat[VS_CAT_TRANSLATION] + sa.ns_by_cat[VS_CAT_DEVICE_MODEL] +
                          sa.ns_by_cat[VS_CAT_HOST_KERNEL] + sb.ns_by_cat[VS_CAT_GUEST_USER] +
                          sb.ns_by_cat[VS_CAT_GUEST_KERNEL],
                      0, 0);
    for (int c = 0; c < VS_CAT_COUNT; c++)
        if (c != VS_CAT_IDLE) assert_within_rel(st.busy_ns_by_cat[c], sa.ns_by_cat[c] + sb.ns_by_cat[c], 0);
    /* Busy the whole window: no idle time. */
    assert_within_rel(st.busy_ns_by_cat[VS_CAT_IDLE], 0, 0);
    fx_free(&f);

    /* Non-integer nanoseconds: 1000 + 500 cycles at 3 GHz is 333.3 + 166.7
     * ns; 3000 bursts come to 1 ms and 0.5 ms, within a nanosecond. */
    fx_init(&f, 1, 3 * GHZ, 1 * MS, 0, 0);
    uint32_t v;
    uint32_t g = add_guest(&f, 1, 0, 1, &v);
    struct loop l;
    loop_init(&l, &f, v, 1000);
    l.cycles[VS_CAT_HYPERCALL] = 500;
    l.stop_ns = 0;
    for (int k = 0; k < 3000; k++) {
        assert_int_equal(vs_cpu_submit(f.cpu, v, l.cycles, loop_done, &l, v), VS_OK);
        while (vs_event_step(f.q)) {
        }
    }
    assert_int_equal(l.bursts, 3000);
    vs_cpu_get_guest_stats(f.cpu, g, &sa);
    assert_true(fabs(sa.ns_by_cat[VS_CAT_GUEST_USER] - 1e6) <= 1);
    assert_true(fabs(sa.ns_by_cat[VS_CAT_HYPERCALL] - 0.5e6) <= 1);
    assert_true(fabs(sa.ns_by_cat[VS_CAT_GUEST_USER] + sa.ns_by_cat[VS_CAT_HYPERCALL] - 1.5e6) <= 1);
    fx_free(&f);
}

static void test_multicore_even(void **state)
{
    (void)state;
    /* Four vCPUs on two cores, then three: each gets its fair part. */
    for (uint32_t n = 4; n >= 3; n--) {
        struct fx f;
        fx_init(&f, 2, 1 * GHZ, 1 * MS, 0, 2000);
        uint32_t g[4], v[4];
        struct loop l[4];
        for (uint32_t k = 0; k < n; k++) g[k] = add_guest(&f, 1, 0, 1, &v[k]);
        for (uint32_t k = 0; k < n; k++) loop_start(&l[k], &f, v[k], 1.7e6 + 0.4e6 * k);
        vs_event_run_until(f.q, 10 * SEC);
        for (uint32_t k = 0; k < n; k++) {
            double share = guest_cpu_ns(&f, g[k]) / (10.0 * SEC);
            print_message("%u vCPUs on 2 cores: vCPU %u gets %.4f of a core\n", n, k, share);
            assert_within_rel(share, 2.0 / n, 0.01);
        }
        struct vs_cpu_stats st;
        vs_cpu_get_stats(f.cpu, &st);
        assert_within_rel(st.utilisation, 1.0, 1e-12);
        assert_within_rel(st.runqueue_mean, n - 2.0, 0.01);
        fx_free(&f);
    }
}

/* Pinning keeps a guest on its cores, under every scheduler: a guest of
 * four busy vCPUs pinned to cores 2-3 of four leaves cores 0 and 1 idle and
 * keeps 2 and 3 busy; a second guest pinned to core 0 runs there alone,
 * never waiting, and core 1 stays idle. */
static void test_pinning_keeps_cores(void **state)
{
    (void)state;
    const enum vs_cpu_sched kinds[] = {VS_SCHED_CFS, VS_SCHED_GROUP, VS_SCHED_CREDIT};
    for (size_t s = 0; s < sizeof kinds / sizeof kinds[0]; s++) {
        struct fx f;
        fx_init(&f, 4, 1 * GHZ, 1 * MS, 0, 2000);
        assert_int_equal(vs_cpu_set_scheduler(f.cpu, kinds[s], true), VS_OK);
        uint32_t va = 0, vb = 0;
        uint32_t a = add_guest(&f, 256, 0, 4, &va);
        uint32_t b = add_guest(&f, 256, 0, 1, &vb);
        assert_int_equal(vs_cpu_pin_guest(f.cpu, a, 2, 2), VS_OK);
        assert_int_equal(vs_cpu_pin_guest(f.cpu, b, 0, 1), VS_OK);
        struct loop l[5];
        for (uint32_t k = 0; k < 4; k++) loop_start(&l[k], &f, va + k, 1.3e6 + 0.2e6 * k);
        loop_start(&l[4], &f, vb, 0.9e6);
        vs_event_run_until(f.q, 5 * SEC);
        double busy[4];
        for (uint32_t c = 0; c < 4; c++) {
            double by_cat[VS_CAT_COUNT];
            vs_cpu_get_core_stats(f.cpu, c, by_cat);
            busy[c] = 0;
            for (int k = 0; k < VS_CAT_COUNT; k++)
                if (k != VS_CAT_IDLE) busy[c] += by_cat[k];
        }
        print_message("%s: cores busy %.3f %.3f %.3f %.3f s\n", vs_cpu_sched_name(kinds[s]), busy[0] / SEC,
                      busy[1] / SEC, busy[2] / SEC, busy[3] / SEC);
        assert_true(busy[1] == 0);
        assert_within_rel(busy[0], 5.0 * SEC, 1e-9);
        assert_within_rel(busy[2], 5.0 * SEC, 1e-9);
        assert_within_rel(busy[3], 5.0 * SEC, 1e-9);
        assert_within_rel(guest_cpu_ns(&f, a), 10.0 * SEC, 1e-9);
        struct vs_cpu_guest_stats gb;
        vs_cpu_get_guest_stats(f.cpu, b, &gb);
        assert_true(gb.wait_ns == 0);
        fx_free(&f);
    }
}

/* Xen's credit scheduler: a vCPU that goes straight on to its next burst
 * (its guest never blocked) keeps its core for the rest of its 30 ms slice
 * instead of queueing behind every waiting vCPU of its priority after
 * each burst. Two equal guests on one core, one with 1 ms bursts back to
 * back, one with long bursts: they switch about once a slice, and share
 * the core evenly. */
static void test_credit_keeps_slice(void **state)
{
    (void)state;
    struct fx f;
    fx_init(&f, 1, 1 * GHZ, 1 * MS, 0, 2000);
    assert_int_equal(vs_cpu_set_scheduler(f.cpu, VS_SCHED_CREDIT, true), VS_OK);
    uint32_t va = 0, vb = 0;
    uint32_t a = add_guest(&f, 256, 0, 1, &va);
    uint32_t b = add_guest(&f, 256, 0, 1, &vb);
    struct loop la, lb;
    loop_start(&la, &f, va, 1e6);
    loop_start(&lb, &f, vb, 500e6);
    vs_event_run_until(f.q, 3 * SEC);
    struct vs_cpu_stats st;
    vs_cpu_get_stats(f.cpu, &st);
    double sa = guest_cpu_ns(&f, a) / (3.0 * SEC), sb = guest_cpu_ns(&f, b) / (3.0 * SEC);
    print_message("credit: shares %.3f / %.3f, %llu switches in 3 s\n", sa, sb, (unsigned long long)st.context_switches);
    assert_true(st.context_switches <= 3 * SEC / (30 * MS) + 4);
    assert_within_rel(sa, 0.5, 0.02);
    assert_within_rel(sb, 0.5, 0.02);
    fx_free(&f);
}

/* Thousands of vCPUs on a few cores: shares stay fair and the run is fast. */
static void test_many_vcpus(void **state)
{
    (void)state;
    enum { N = 2000 };
    struct fx f;
    fx_init(&f, 8, 1 * GHZ, 1 * MS, 0, 0);
    struct loop *l = calloc(N, sizeof *l);
    uint32_t *g = calloc(N, sizeof *g);
    assert_non_null(l);
    assert_non_null(g);
    for (uint32_t k = 0; k < N; k++) {
        uint32_t v;
        g[k] = add_guest(&f, 1, 0, 1, &v);
        loop_start(&l[k], &f, v, 2.3e6);
    }
    vs_event_run_until(f.q, 20 * SEC);
    double lo = 1e300, hi = 0;
    for (uint32_t k = 0; k < N; k++) {
        double ns = guest_cpu_ns(&f, g[k]);
        if (ns < lo) lo = ns;
        if (ns > hi) hi = ns;
    }
    double fair = 8.0 * 20 * SEC / N; /* 80 ms */
    print_message("%d vCPUs on 8 cores: %.2f..%.2f ms, fair %.2f ms\n", N, lo / 1e6, hi / 1e6, fair / 1e6);
    /* Within about one slice of the fair share. */
    assert_true(lo >= fair - 1.5e6 && hi <= fair + 1.5e6);
    struct vs_cpu_stats st;
    vs_cpu_get_stats(f.cpu, &st);
    assert_within_rel(st.runqueue_mean, N - 8, 0.001);
    assert_within_rel(st.runqueue_max, N - 8, 0);
    free(l);
    free(g);
    fx_free(&f);
}

/* A vCPU that slept while another worked gets no backlog of credit: it
 * shares the core from the moment it wakes instead of monopolising it. */
static void test_sleeper_no_hoarding(void **state)
{
    (void)state;
    struct fx f;
    fx_init(&f, 1, 1 * GHZ, 1 * MS, 0, 0);
    uint32_t va, vb;
    add_guest(&f, 1, 0, 1, &va);
    uint32_t gb = add_guest(&f, 1, 0, 1, &vb);
    struct loop la, lb;
    loop_start(&la, &f, va, 1.1e6);
    /* b runs one short burst and sleeps for a second. */
    loop_start(&lb, &f, vb, 1e5);
    lb.stop_ns = 0;
    vs_event_run_until(f.q, 1 * SEC);
    vs_cpu_reset_stats(f.cpu);
    lb.stop_ns = VS_TIME_NEVER;
    assert_int_equal(vs_cpu_submit(f.cpu, vb, lb.cycles, loop_done, &lb, vb), VS_OK);
    vs_event_run_until(f.q, 1 * SEC + 100 * MS);
    double share = guest_cpu_ns(&f, gb) / (100.0 * MS);
    print_message("woken sleeper's share of the next 100 ms: %.3f\n", share);
    assert_within_rel(share, 0.5, 0.03);
    fx_free(&f);
}

/* Run-queue length and wait time: two always-runnable vCPUs on one core
 * wait half the time each; one alone never waits. */
static void test_wait_and_runqueue(void **state)
{
    (void)state;
    struct fx f;
    fx_init(&f, 1, 1 * GHZ, 2 * MS, 0, 0);
    uint32_t v0, v1;
    uint32_t g0 = add_guest(&f, 1, 0, 1, &v0);
    uint32_t g1 = add_guest(&f, 1, 0, 1, &v1);
    struct loop l0, l1;
    loop_start(&l0, &f, v0, 0.9e6);
    loop_start(&l1, &f, v1, 5.1e6);
    vs_event_run_until(f.q, 5 * SEC);
    struct vs_cpu_stats st;
    struct vs_cpu_guest_stats s0, s1;
    vs_cpu_get_stats(f.cpu, &st);
    vs_cpu_get_guest_stats(f.cpu, g0, &s0);
    vs_cpu_get_guest_stats(f.cpu, g1, &s1);
    assert_within_rel(st.runqueue_mean, 1.0, 0.001);
    assert_within_rel(st.runqueue_max, 1.0, 0);
    /* Wait + run = the whole window, for each. */
    assert_within_rel(s0.wait_ns + guest_cpu_ns(&f, g0), 5.0 * SEC, 1e-9);
    assert_within_rel(s1.wait_ns + guest_cpu_ns(&f, g1), 5.0 * SEC, 1e-9);
    assert_within_rel(s0.wait_ns, 2.5 * SEC, 0.01);
    fx_free(&f);

    fx_init(&f, 1, 1 * GHZ, 2 * MS, 0, 0);
    g0 = add_guest(&f, 1, 0, 1, &v0);
    loop_start(&l0, &f, v0, 0.9e6);
    vs_event_run_until(f.q, 5 * SEC);
    vs_cpu_get_stats(f.cpu, &st);
    vs_cpu_get_guest_stats(f.cpu, g0, &s0);
    assert_within_rel(st.runqueue_mean, 0, 0);
    assert_within_rel(st.runqueue_max, 0, 0);
    assert_within_rel(s0.wait_ns, 0, 0);
    fx_free(&f);
}

/* Runs two guests 1:1 on one core with bursts of odd lengths for 3 s; a
 * statistics reset at reset_ns (if >= 0) must not change any completion. */
static void reset_run(vs_time_ns reset_ns, uint64_t *trace, struct vs_cpu_stats *st)
{
    struct fx f;
    fx_init(&f, 1, 1 * GHZ, 1 * MS, 30 * MS, 3000);
    uint32_t v0, v1;
    add_guest(&f, 1, 0.6, 1, &v0);
    add_guest(&f, 2, 0, 1, &v1);
    struct loop l0, l1;
    loop_start(&l0, &f, v0, 1.23457e6);
    loop_start(&l1, &f, v1, 0.71113e6);
    if (reset_ns >= 0) {
        vs_event_run_until(f.q, reset_ns);
        vs_cpu_reset_stats(f.cpu);
    }
    vs_event_run_until(f.q, 3 * SEC);
    *trace = l0.trace ^ (l1.trace * 7);
    vs_cpu_get_stats(f.cpu, st);
    fx_free(&f);
}

static void test_reset_excludes_warmup(void **state)
{
    (void)state;
    /* One guest busy from 0 until its last burst ends at 1.5 s, then idle. */
    struct fx f;
    fx_init(&f, 2, 1 * GHZ, 1 * MS, 0, 4000);
    uint32_t v;
    uint32_t g = add_guest(&f, 1, 0, 1, &v);
    struct loop l;
    loop_start(&l, &f, v, 0.75e6);
    l.stop_ns = 1500 * MS;
    vs_event_run_until(f.q, 1000 * MS + 123457); /* inside a burst, inside a slice */
    vs_cpu_reset_stats(f.cpu);
    vs_event_run_until(f.q, 2 * SEC);
    struct vs_cpu_stats st;
    struct vs_cpu_guest_stats gs;
    vs_cpu_get_stats(f.cpu, &st);
    vs_cpu_get_guest_stats(f.cpu, g, &gs);
    /* Burst k ends at 4 us (first switch) + k * 0.75 ms; the last is the
     * first to end at or after 1.5 s: k = 2000, at 1500.004 ms. */
    double busy = (1500 * MS + 4000) - (1000 * MS + 123457);
    assert_within_rel(st.window_ns, 2.0 * SEC - (1000 * MS + 123457), 0);
    assert_within_rel(st.busy_ns_by_cat[VS_CAT_GUEST_USER], busy, 0);
    assert_within_rel(gs.ns_by_cat[VS_CAT_GUEST_USER], busy, 0);
    assert_within_rel(st.busy_ns_by_cat[VS_CAT_HOST_KERNEL], 0, 0);
    assert_int_equal(st.context_switches, 0);
    assert_within_rel(st.utilisation, busy / (2.0 * st.window_ns), 1e-12);
    assert_within_rel(st.busy_ns_by_cat[VS_CAT_IDLE], 2.0 * st.window_ns - busy, 0);
    assert_int_equal(l.bursts, 2000);
    fx_free(&f);

    /* A reset changes only the window, never the schedule. */
    uint64_t t_plain, t_reset;
    struct vs_cpu_stats a, b;
    reset_run(-1, &t_plain, &a);
    reset_run(1234567, &t_reset, &b);
    assert_true(t_plain == t_reset);
    assert_true(b.window_ns < a.window_ns);
    assert_true(b.context_switches < a.context_switches);
}

static void test_set_share(void **state)
{
    (void)state;
    struct fx f;
    fx_init(&f, 1, 1 * GHZ, 1 * MS, 0, 0);
    uint32_t v0, v1;
    uint32_t g0 = add_guest(&f, 1, 0, 1, &v0);
    uint32_t g1 = add_guest(&f, 1, 0, 1, &v1);
    struct loop l0, l1;
    loop_start(&l0, &f, v0, 2.9e6);
    loop_start(&l1, &f, v1, 2.9e6);
    vs_event_run_until(f.q, 2 * SEC + 12345);
    /* Weight 3:1 from now on. */
    assert_int_equal(vs_cpu_set_share(f.cpu, g0, 3, 0), VS_OK);
    vs_cpu_reset_stats(f.cpu);
    vs_event_run_until(f.q, 7 * SEC + 12345);
    assert_within_rel(guest_cpu_ns(&f, g0) / (5.0 * SEC), 0.75, 0.01);
    /* Cap guest 0 at 10 %: it drops to 10 %, the other takes the rest. */
    assert_int_equal(vs_cpu_set_share(f.cpu, g0, 3, 0.1), VS_OK);
    vs_cpu_reset_stats(f.cpu);
    vs_event_run_until(f.q, 12 * SEC + 12345);
    assert_within_rel(guest_cpu_ns(&f, g0) / (5.0 * SEC), 0.10, 0.01);
    assert_within_rel(guest_cpu_ns(&f, g1) / (5.0 * SEC), 0.90, 0.01);
    /* Lift the cap while it is throttled: back to 3:1 at once. */
    struct vs_cpu_guest_stats gs;
    vs_cpu_get_guest_stats(f.cpu, g0, &gs);
    assert_true(gs.throttled > 0);
    vs_event_run_until(f.q, 12 * SEC + 50 * MS);
    assert_int_equal(vs_cpu_set_share(f.cpu, g0, 3, 0), VS_OK);
    vs_cpu_reset_stats(f.cpu);
    vs_event_run_until(f.q, 17 * SEC + 50 * MS);
    assert_within_rel(guest_cpu_ns(&f, g0) / (5.0 * SEC), 0.75, 0.01);
    fx_free(&f);
}

static void test_errors_and_empty_bursts(void **state)
{
    (void)state;
    struct fx f;
    fx_init(&f, 1, 1 * GHZ, 1 * MS, 0, 0);
    uint32_t g, v;
    assert_int_equal(vs_cpu_add_guest(f.cpu, 0, 0, &g), VS_ERR_INPUT);
    assert_int_equal(vs_cpu_add_guest(f.cpu, 1, -0.5, &g), VS_ERR_INPUT);
    assert_int_equal(vs_cpu_add_guest(f.cpu, 1, 0, &g), VS_OK);
    assert_int_equal(vs_cpu_add_vcpu(f.cpu, g + 1, &v), VS_ERR_INPUT);
    assert_int_equal(vs_cpu_add_vcpu(f.cpu, g, &v), VS_OK);
    double cycles[VS_CAT_COUNT] = {0};
    cycles[VS_CAT_GUEST_USER] = -1;
    assert_int_equal(vs_cpu_submit(f.cpu, v, cycles, NULL, NULL, 0), VS_ERR_INPUT);
    cycles[VS_CAT_GUEST_USER] = NAN;
    assert_int_equal(vs_cpu_submit(f.cpu, v, cycles, NULL, NULL, 0), VS_ERR_INPUT);
    assert_int_equal(vs_cpu_submit(f.cpu, v + 1, cycles, NULL, NULL, 0), VS_ERR_INPUT);
    assert_false(vs_cpu_vcpu_busy(f.cpu, v));
    /* An empty burst still completes from an event, at the same instant. */
    struct loop l;
    loop_init(&l, &f, v, 0);
    l.stop_ns = 0;
    loop_submit(&l);
    assert_int_equal(l.bursts, 0);
    assert_int_equal(vs_cpu_submit(f.cpu, v, l.cycles, NULL, NULL, 0), VS_ERR_RUNTIME);
    vs_event_run_until(f.q, 0);
    assert_int_equal(l.bursts, 1);
    assert_false(vs_cpu_vcpu_busy(f.cpu, v));
    /* A busy vCPU refuses a second burst; done may be NULL. */
    cycles[VS_CAT_GUEST_USER] = 1000;
    assert_int_equal(vs_cpu_submit(f.cpu, v, cycles, NULL, NULL, 0), VS_OK);
    assert_int_equal(vs_cpu_submit(f.cpu, v, cycles, NULL, NULL, 0), VS_ERR_RUNTIME);
    vs_event_run_until(f.q, 1000);
    assert_false(vs_cpu_vcpu_busy(f.cpu, v));
    assert_int_equal(vs_cpu_set_share(f.cpu, g + 1, 1, 0), VS_ERR_INPUT);
    struct vs_cpu_guest_stats gs;
    vs_cpu_get_guest_stats(f.cpu, g + 7, &gs); /* unknown guest: zeros */
    assert_within_rel(gs.wait_ns, 0, 0);
    /* Destroying with work in flight leaves no event behind. */
    assert_int_equal(vs_cpu_submit(f.cpu, v, cycles, NULL, NULL, 0), VS_OK);
    vs_cpu_destroy(f.cpu);
    assert_int_equal(vs_event_pending(f.q), 0);
    vs_event_queue_destroy(f.q);
}

/* A random mix: vCPUs that sleep between bursts of several categories,
 * guests with caps and several vCPUs, shares changed and statistics reset
 * while running. Whatever happens, the host's time is the sum of the guests'
 * time, no core is more than busy, caps hold, and the run is reproducible. */
struct mix {
    struct fx *f;
    struct vs_rng rng;
    uint32_t vcpu;
    double cycles[VS_CAT_COUNT];
    uint64_t trace;
    uint64_t bursts;
};

static void mix_wake(void *ctx, uint64_t arg);

static void mix_done(void *ctx, uint64_t arg)
{
    (void)arg;
    struct mix *m = ctx;
    vs_time_ns now = vs_event_now(m->f->q);
    m->bursts++;
    m->trace = m->trace * 1000003u + (uint64_t)now;
    /* Half the time straight on, otherwise after a sleep. */
    vs_time_ns sleep_ns = vs_rng_uniform01(&m->rng) < 0.5 ? 0 : (vs_time_ns)(vs_rng_uniform01(&m->rng) * 4e6);
    if (sleep_ns == 0)
        mix_wake(m, 0);
    else
        assert_int_equal(vs_event_schedule(m->f->q, now + sleep_ns, mix_wake, m, 0, NULL), VS_OK);
}

static void mix_wake(void *ctx, uint64_t arg)
{
    (void)arg;
    struct mix *m = ctx;
    memset(m->cycles, 0, sizeof m->cycles);
    for (int c = 0; c <= VS_CAT_HOST_KERNEL; c++)
        if (vs_rng_uniform01(&m->rng) < 0.4) m->cycles[c] = floor(vs_rng_uniform01(&m->rng) * 3e6);
    assert_int_equal(vs_cpu_submit(m->f->cpu, m->vcpu, m->cycles, mix_done, m, 0), VS_OK);
}

static uint64_t run_mix(uint64_t seed)
{
    enum { GUESTS = 7, MAX_VCPUS = 3, CORES = 3 };
    struct fx f;
    fx_init(&f, CORES, 2.5 * GHZ, 2 * MS, 20 * MS, 7777);
    struct vs_rng rng;
    vs_rng_seed(&rng, seed);
    struct mix mixes[GUESTS * MAX_VCPUS];
    uint32_t n_mix = 0;
    double cap[GUESTS];
    for (uint32_t g = 0; g < GUESTS; g++) {
        uint32_t n = 1 + (uint32_t)(vs_rng_uniform01(&rng) * MAX_VCPUS), v;
        cap[g] = g % 3 == 0 ? 0.2 + 0.3 * g / GUESTS : 0;
        add_guest(&f, 1 + g, cap[g], n, &v);
        for (uint32_t k = 0; k < n; k++) {
            struct mix *m = &mixes[n_mix++];
            memset(m, 0, sizeof *m);
            m->f = &f;
            m->vcpu = v + k;
            vs_rng_seed_stream(&m->rng, seed, "mix");
            for (uint32_t j = 0; j <= n_mix; j++) vs_rng_next(&m->rng);
            mix_wake(m, 0);
        }
    }
    uint64_t trace = 0;
    for (int step = 1; step <= 40; step++) {
        vs_time_ns t = step * 50 * MS + (vs_time_ns)(vs_rng_uniform01(&rng) * 1e6);
        vs_event_run_until(f.q, t);
        if (step % 5 == 0) {
            uint32_t g = (uint32_t)(vs_rng_uniform01(&rng) * GUESTS);
            cap[g] = vs_rng_uniform01(&rng) < 0.5 ? 0 : 0.1 + vs_rng_uniform01(&rng);
            assert_int_equal(vs_cpu_set_share(f.cpu, g, 0.5 + vs_rng_uniform01(&rng) * 4, cap[g]), VS_OK);
        }
        if (step % 7 == 0) vs_cpu_reset_stats(f.cpu);
        struct vs_cpu_stats st;
        vs_cpu_get_stats(f.cpu, &st);
        double busy = 0, guests_total[VS_CAT_COUNT] = {0};
        for (uint32_t g = 0; g < GUESTS; g++) {
            struct vs_cpu_guest_stats gs;
            vs_cpu_get_guest_stats(f.cpu, g, &gs);
            for (int c = 0; c < VS_CAT_COUNT; c++) guests_total[c] += gs.ns_by_cat[c];
            assert_true(gs.wait_ns >= 0);
        }
        for (int c = 0; c < VS_CAT_COUNT; c++) {
            if (c == VS_CAT_IDLE) continue;
            assert_within_rel(st.busy_ns_by_cat[c], guests_total[c], 0);
            busy += st.busy_ns_by_cat[c];
        }
        assert_true(busy <= CORES * st.window_ns);
        assert_within_rel(busy + st.busy_ns_by_cat[VS_CAT_IDLE], CORES * st.window_ns, 1e-12);
        assert_true(st.utilisation >= 0 && st.utilisation <= 1);
        assert_true(st.runqueue_max <= GUESTS * MAX_VCPUS);
        trace = trace * 31 + (uint64_t)busy + st.context_switches;
    }
    /* A cap holds over a window of whole periods: run one with fixed caps,
     * tight enough to bind. */
    vs_time_ns start = (vs_event_now(f.q) / (20 * MS) + 1) * 20 * MS;
    vs_event_run_until(f.q, start);
    for (uint32_t g = 0; g < GUESTS; g += 2) {
        cap[g] = 0.05 + 0.02 * g;
        assert_int_equal(vs_cpu_set_share(f.cpu, g, 1 + g, cap[g]), VS_OK);
    }
    vs_cpu_reset_stats(f.cpu);
    vs_event_run_until(f.q, start + 500 * MS);
    uint64_t throttles = 0;
    for (uint32_t g = 0; g < GUESTS; g++) {
        if (cap[g] <= 0) continue;
        struct vs_cpu_guest_stats gs;
        vs_cpu_get_guest_stats(f.cpu, g, &gs);
        throttles += gs.throttled;
        double used = 0;
        for (int c = 0; c < VS_CAT_COUNT; c++) used += gs.ns_by_cat[c];
        assert_true(used <= cap[g] * 500 * MS + 1);
    }
    assert_true(throttles > 0); /* the caps did bind */
    for (uint32_t k = 0; k < n_mix; k++) {
        assert_true(mixes[k].bursts > 0);
        trace = trace * 1000003u + mixes[k].trace;
    }
    fx_free(&f);
    return trace;
}

static void test_random_mix(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 5; seed++) {
        uint64_t a = run_mix(seed), b = run_mix(seed);
        assert_true(a == b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_equal_weights),
        cmocka_unit_test(test_weighted_shares),
        cmocka_unit_test(test_caps),
        cmocka_unit_test(test_context_switch_cost),
        cmocka_unit_test(test_category_attribution),
        cmocka_unit_test(test_multicore_even),
        cmocka_unit_test(test_many_vcpus),
        cmocka_unit_test(test_pinning_keeps_cores),
        cmocka_unit_test(test_credit_keeps_slice),
        cmocka_unit_test(test_sleeper_no_hoarding),
        cmocka_unit_test(test_wait_and_runqueue),
        cmocka_unit_test(test_reset_excludes_warmup),
        cmocka_unit_test(test_set_share),
        cmocka_unit_test(test_errors_and_empty_bursts),
        cmocka_unit_test(test_random_mix),
    };
    return cmocka_run_group_tests_name("cpu", tests, NULL, NULL);
}
