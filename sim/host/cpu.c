/* The host CPU (see cpu.h): cores and a proportional-share scheduler of vCPUs.
 *
 * The model follows CFS and Xen's credit scheduler closely enough to show the
 * effects that matter for virtualization: weights decide shares, caps throttle
 * a guest even when cores are idle, a short time slice costs context switches,
 * and a vCPU that waits for a core adds to its guest's latency (steal time).
 *
 * Time is integer nanoseconds throughout. A burst's cycles are turned into
 * nanoseconds once, when it is submitted, each category rounded to the
 * nearest nanosecond; the fraction left over is carried to the vCPU's next
 * burst, so nothing is lost or gained over a run.
 *
 * A core is given a segment: an optional context switch followed by up to one
 * slice of the burst. Accounting is "settled" lazily: what a core did since
 * the last settlement is split into categories only when someone needs it (end
 * of segment, statistics reset, preemption). A reset therefore splits a
 * segment exactly at the reset instant and never changes the schedule. For
 * the same reason the vruntime charge is folded in only when a segment ends
 * or is preempted, never at a reset.
 *
 * Virtual runtime is a wrapping 64-bit integer compared CFS-style, through
 * the sign of the difference, so extreme weights cannot break the ordering.
 * The minimum used to place waking vCPUs is monotonic and covers queued and
 * running vCPUs, like CFS's min_vruntime.
 *
 * Choices the header leaves open: a core's first vCPU counts as a switch (its
 * state has to be loaded); time a vCPU spends throttled by its cap counts as
 * wait time, as Xen reports capped time as steal; and the switch cost counts
 * as the incoming guest's CPU use for its vruntime and its cap. */
#include "virtsim/host/cpu.h"
#include "virtsim/core/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX
#define VRUNTIME_SCALE 1048576.0 /* 2^20: runtime units per ns at weight 1 */
#define DEFAULT_CAP_PERIOD_NS (100 * VS_NS_PER_MS)
/* Only a hand-built spec has no slice; 10 ms is between CFS's and Xen's. */
#define DEFAULT_SLICE_NS (10 * VS_NS_PER_MS)
/* A burst or switch longer than this (~127 years) is refused, which keeps
 * every sum of nanoseconds far from int64 overflow. */
#define MAX_BURST_NS VS_CPU_MAX_BURST_NS
/* A single vruntime step larger than this would break the wrap-around
 * comparison; it needs weights below ~1e-9, so clamping changes nothing real. */
#define MAX_VRUNTIME_STEP 4.0e18

enum vcpu_state {
    VCPU_IDLE,      /* no burst */
    VCPU_QUEUED,    /* runnable, in the run queue */
    VCPU_RUNNING,   /* on a core */
    VCPU_THROTTLED, /* runnable, but its guest used up its cap for this period */
    VCPU_ZERO,      /* an empty burst whose completion event is pending */
    VCPU_PAUSED     /* has a burst, but its guest is paused: never runnable */
};

struct vcpu {
    uint32_t guest;
    uint32_t next_in_guest;
    enum vcpu_state state;
    uint32_t heap_pos;
    uint64_t vruntime;
    int64_t vr_unfolded_ns; /* run time not yet folded into vruntime */
    int64_t rem_ns[VS_CAT_COUNT];
    int64_t rem_total_ns;
    int cat;                /* first category with time left */
    double carry_ns[VS_CAT_COUNT]; /* rounding remainders, in [-0.5, 0.5] */
    vs_time_ns idle_since_ns;
    vs_time_ns wait_since_ns;
    bool waiting;           /* queued or throttled: counts as wait time */
    vs_burst_done_fn done;
    void *ctx;
    uint64_t arg;
    vs_event_id zero_event;
};

struct guest {
    double weight;
    double cap_fraction;
    double vcpu_weight;
    uint32_t n_vcpus;
    uint32_t first_vcpu, last_vcpu;
    /* cap accounting */
    int64_t period_idx;
    int64_t used_ns;     /* settled CPU time in period period_idx */
    int64_t reserved_ns; /* planned but not yet settled time of running segments */
    bool throttled;
    bool paused;         /* its vCPUs keep their bursts but do not run */
    uint32_t pin_first, pin_n; /* its vCPUs run only on cores pin_first .. +pin_n-1 (pin_n 0: any) */
    /* statistics window */
    int64_t ns_by_cat[VS_CAT_COUNT];
    uint64_t switches;
    uint64_t throttles;
    int64_t wait_ns;         /* closed waits */
    uint32_t n_waiting;      /* open waits ... */
    int64_t wait_since_sum;  /* ... and the sum of their start times */
};

struct core {
    uint32_t vcpu;      /* NONE when idle */
    uint32_t last_vcpu; /* NONE before the first dispatch */
    vs_time_ns switch_end_ns;
    vs_time_ns end_ns;
    vs_time_ns acct_ns; /* settled up to here */
    vs_event_id event;
    int64_t busy_ns[VS_CAT_COUNT]; /* this core's share of cpu->busy_ns (per-core meters) */
};

struct vs_cpu {
    struct vs_event_queue *q;
    uint32_t n_cores;
    double frequency_hz;
    vs_time_ns slice_ns;
    vs_time_ns cap_period_ns;
    double switch_cycles;
    double switch_carry_ns;
    struct core *cores;
    struct guest *guests;
    uint32_t n_guests, cap_guests;
    struct vcpu *vcpus;
    uint32_t n_vcpus, cap_vcpus;
    uint32_t *heap; /* run queue: vCPU ids, min-heap on (vruntime, id) */
    uint32_t heap_n;
    uint64_t min_vruntime;
    /* The core whose burst-done callback is running: it is neither idle nor
     * busy until the callback returns and the core picks its next vCPU. */
    uint32_t callback_core;
    vs_event_id unthrottle_event;
    vs_time_ns unthrottle_at_ns;
    bool failed; /* an event could not be scheduled; later submits fail */
    bool any_pinned; /* some guest is pinned: picking a vCPU looks at where it may run */
    /* statistics window */
    vs_time_ns window_start_ns;
    int64_t busy_ns[VS_CAT_COUNT];
    uint64_t switches;
    struct vs_twa runqueue;
};

static void on_core_event(void *ctx, uint64_t arg);
static void on_unthrottle(void *ctx, uint64_t arg);
static void on_zero_done(void *ctx, uint64_t arg);

static int64_t round_ns(double x)
{
    return (int64_t)floor(x + 0.5);
}

static int64_t min64(int64_t a, int64_t b)
{
    return a < b ? a : b;
}

static bool vr_before(uint64_t a, uint64_t b)
{
    return (int64_t)(a - b) < 0;
}

/* ---- run queue ---- */

static bool vcpu_before(const struct vs_cpu *cpu, uint32_t a, uint32_t b)
{
    uint64_t va = cpu->vcpus[a].vruntime, vb = cpu->vcpus[b].vruntime;
    if (va != vb) return vr_before(va, vb);
    return a < b;
}

static void heap_place(struct vs_cpu *cpu, uint32_t pos, uint32_t id)
{
    cpu->heap[pos] = id;
    cpu->vcpus[id].heap_pos = pos;
}

static void heap_sift_up(struct vs_cpu *cpu, uint32_t pos)
{
    uint32_t id = cpu->heap[pos];
    while (pos > 0) {
        uint32_t parent = (pos - 1) / 2;
        if (!vcpu_before(cpu, id, cpu->heap[parent])) break;
        heap_place(cpu, pos, cpu->heap[parent]);
        pos = parent;
    }
    heap_place(cpu, pos, id);
}

static void heap_sift_down(struct vs_cpu *cpu, uint32_t pos)
{
    uint32_t id = cpu->heap[pos], n = cpu->heap_n;
    for (;;) {
        uint32_t child = 2 * pos + 1;
        if (child >= n) break;
        if (child + 1 < n && vcpu_before(cpu, cpu->heap[child + 1], cpu->heap[child])) child++;
        if (!vcpu_before(cpu, cpu->heap[child], id)) break;
        heap_place(cpu, pos, cpu->heap[child]);
        pos = child;
    }
    heap_place(cpu, pos, id);
}

static void heap_push(struct vs_cpu *cpu, uint32_t id)
{
    cpu->heap[cpu->heap_n] = id;
    cpu->heap_n++;
    heap_sift_up(cpu, cpu->heap_n - 1);
}

static void heap_remove_at(struct vs_cpu *cpu, uint32_t pos)
{
    uint32_t last = cpu->heap[--cpu->heap_n];
    if (pos < cpu->heap_n) {
        heap_place(cpu, pos, last);
        heap_sift_up(cpu, pos);
        heap_sift_down(cpu, cpu->vcpus[last].heap_pos);
    }
}

static uint32_t heap_pop(struct vs_cpu *cpu)
{
    uint32_t top = cpu->heap[0];
    heap_remove_at(cpu, 0);
    return top;
}

/* Records the run-queue length, except while a burst-done callback runs: the
 * callback may queue a vCPU that its core takes back at the same instant, and
 * that momentary length must not show up as the maximum. */
static void note_runqueue(struct vs_cpu *cpu)
{
    if (cpu->callback_core == NONE)
        vs_twa_set(&cpu->runqueue, vs_event_now(cpu->q), (double)cpu->heap_n);
}

/* ---- waiting ---- */

static void wait_begin(struct vs_cpu *cpu, struct vcpu *v, vs_time_ns now)
{
    if (v->waiting) return;
    struct guest *g = &cpu->guests[v->guest];
    v->waiting = true;
    v->wait_since_ns = now;
    g->n_waiting++;
    g->wait_since_sum += now;
}

static void wait_end(struct vs_cpu *cpu, struct vcpu *v, vs_time_ns now)
{
    if (!v->waiting) return;
    struct guest *g = &cpu->guests[v->guest];
    v->waiting = false;
    g->wait_ns += now - v->wait_since_ns;
    g->n_waiting--;
    g->wait_since_sum -= v->wait_since_ns;
}

/* ---- accounting ---- */

/* What core c did in [acct_ns, now), by category, without changing anything:
 * first the rest of the context switch, then the burst in category order. */
static void core_pending(const struct vs_cpu *cpu, const struct core *c, vs_time_ns now,
                         int64_t out[VS_CAT_COUNT])
{
    memset(out, 0, sizeof(int64_t) * VS_CAT_COUNT);
    if (c->vcpu == NONE || now <= c->acct_ns) return;
    vs_time_ns from = c->acct_ns;
    if (from < c->switch_end_ns) {
        out[VS_CAT_HOST_KERNEL] += min64(now, c->switch_end_ns) - from;
        from = c->switch_end_ns;
    }
    int64_t run_ns = now - from;
    const struct vcpu *v = &cpu->vcpus[c->vcpu];
    for (int cat = v->cat; run_ns > 0 && cat < VS_CAT_COUNT; cat++) {
        int64_t take = min64(run_ns, v->rem_ns[cat]);
        out[cat] += take;
        run_ns -= take;
    }
}

static int64_t period_index(const struct vs_cpu *cpu, vs_time_ns t)
{
    return t / cpu->cap_period_ns;
}

/* Starts the guest's usage afresh when a new cap period has begun. */
static void roll_period(struct vs_cpu *cpu, struct guest *g, vs_time_ns now)
{
    int64_t idx = period_index(cpu, now);
    if (idx != g->period_idx) {
        g->period_idx = idx;
        g->used_ns = 0;
    }
}

/* Books core c's work up to now: statistics, the burst's progress, the
 * guest's cap usage (split at a period boundary) and the vruntime still to be
 * folded in. */
static void settle(struct vs_cpu *cpu, struct core *c, vs_time_ns now)
{
    if (c->vcpu == NONE || now <= c->acct_ns) return;
    int64_t by_cat[VS_CAT_COUNT];
    core_pending(cpu, c, now, by_cat);
    struct vcpu *v = &cpu->vcpus[c->vcpu];
    struct guest *g = &cpu->guests[v->guest];
    vs_time_ns from = c->acct_ns;
    int64_t total = now - from;

    for (int cat = 0; cat < VS_CAT_COUNT; cat++) {
        cpu->busy_ns[cat] += by_cat[cat];
        c->busy_ns[cat] += by_cat[cat];
        g->ns_by_cat[cat] += by_cat[cat];
    }
    int64_t switch_part = from < c->switch_end_ns ? min64(now, c->switch_end_ns) - from : 0;
    int64_t run_ns = total - switch_part;
    v->rem_total_ns -= run_ns;
    while (run_ns > 0 && v->cat < VS_CAT_COUNT) {
        int64_t take = min64(run_ns, v->rem_ns[v->cat]);
        v->rem_ns[v->cat] -= take;
        run_ns -= take;
        if (v->rem_ns[v->cat] == 0) v->cat++;
    }
    while (v->cat < VS_CAT_COUNT && v->rem_ns[v->cat] == 0) v->cat++;

    int64_t idx = period_index(cpu, now);
    if (idx != g->period_idx) {
        vs_time_ns period_start = idx * cpu->cap_period_ns;
        g->period_idx = idx;
        g->used_ns = now - (from > period_start ? from : period_start);
    } else {
        g->used_ns += total;
    }
    g->reserved_ns -= total;
    v->vr_unfolded_ns += total;
    c->acct_ns = now;
}

static void fold_vruntime(struct vs_cpu *cpu, struct vcpu *v)
{
    if (v->vr_unfolded_ns <= 0) return;
    double step = (double)v->vr_unfolded_ns * VRUNTIME_SCALE / cpu->guests[v->guest].vcpu_weight;
    if (!(step < MAX_VRUNTIME_STEP)) step = MAX_VRUNTIME_STEP;
    v->vruntime += (uint64_t)step;
    v->vr_unfolded_ns = 0;
}

/* Moves the monotonic minimum up to the smallest vruntime of any queued or
 * running vCPU. */
static void update_min_vruntime(struct vs_cpu *cpu)
{
    bool any = false;
    uint64_t m = 0;
    if (cpu->heap_n > 0) {
        m = cpu->vcpus[cpu->heap[0]].vruntime;
        any = true;
    }
    for (uint32_t i = 0; i < cpu->n_cores; i++) {
        uint32_t id = cpu->cores[i].vcpu;
        if (id == NONE) continue;
        uint64_t vr = cpu->vcpus[id].vruntime;
        if (!any || vr_before(vr, m)) m = vr;
        any = true;
    }
    if (any && vr_before(cpu->min_vruntime, m)) cpu->min_vruntime = m;
}

/* A vCPU that slept must not come back with credit it earned while others
 * were working: it starts at least at the minimum. */
static void place_after_sleep(struct vs_cpu *cpu, struct vcpu *v)
{
    update_min_vruntime(cpu);
    if (vr_before(v->vruntime, cpu->min_vruntime)) v->vruntime = cpu->min_vruntime;
}

static int64_t switch_ns_peek(const struct vs_cpu *cpu, double *carry_out)
{
    double exact = cpu->switch_carry_ns + cpu->switch_cycles * 1e9 / cpu->frequency_hz;
    int64_t ns = round_ns(exact);
    if (carry_out) *carry_out = exact - (double)ns;
    return ns;
}

/* ---- caps ---- */

static int64_t cap_budget_ns(const struct vs_cpu *cpu, const struct guest *g)
{
    return round_ns(g->cap_fraction * (double)cpu->cap_period_ns);
}

static void schedule_unthrottle(struct vs_cpu *cpu, vs_time_ns now)
{
    vs_time_ns at = (period_index(cpu, now) + 1) * cpu->cap_period_ns;
    if (cpu->unthrottle_event && cpu->unthrottle_at_ns <= at) return;
    if (cpu->unthrottle_event) vs_event_cancel(cpu->q, cpu->unthrottle_event);
    cpu->unthrottle_event = 0;
    if (vs_event_schedule(cpu->q, at, on_unthrottle, cpu, 0, &cpu->unthrottle_event) != VS_OK) {
        cpu->failed = true;
        return;
    }
    cpu->unthrottle_at_ns = at;
}

static void throttle_vcpu(struct vs_cpu *cpu, uint32_t id, vs_time_ns now)
{
    struct vcpu *v = &cpu->vcpus[id];
    v->state = VCPU_THROTTLED;
    wait_begin(cpu, v, now);
}

/* A paused guest's vCPU: it keeps its burst but waits for nothing, so the
 * pause is not counted as time waiting for a core. */
static void park_vcpu(struct vs_cpu *cpu, uint32_t id, vs_time_ns now)
{
    struct vcpu *v = &cpu->vcpus[id];
    wait_end(cpu, v, now);
    v->state = VCPU_PAUSED;
}

/* The guest has used its budget: its queued vCPUs leave the run queue until
 * the period ends; running ones stop when their (budgeted) segments end. */
static void throttle_guest(struct vs_cpu *cpu, uint32_t gid, vs_time_ns now)
{
    struct guest *g = &cpu->guests[gid];
    if (g->throttled) return;
    g->throttled = true;
    g->throttles++;
    for (uint32_t id = g->first_vcpu; id != NONE; id = cpu->vcpus[id].next_in_guest) {
        if (cpu->vcpus[id].state != VCPU_QUEUED) continue;
        heap_remove_at(cpu, cpu->vcpus[id].heap_pos);
        throttle_vcpu(cpu, id, now);
    }
    schedule_unthrottle(cpu, now);
}

static void unthrottle_guest(struct vs_cpu *cpu, uint32_t gid)
{
    struct guest *g = &cpu->guests[gid];
    g->throttled = false;
    for (uint32_t id = g->first_vcpu; id != NONE; id = cpu->vcpus[id].next_in_guest) {
        struct vcpu *v = &cpu->vcpus[id];
        if (v->state != VCPU_THROTTLED) continue;
        /* It did not run while throttled; without this it would come back
         * with a backlog of credit and shut out everyone else. */
        place_after_sleep(cpu, v);
        v->state = VCPU_QUEUED;
        heap_push(cpu, id);
    }
}

/* A throttled guest is released once its period is over (possibly before
 * the unthrottle event runs, when another event at the same instant comes
 * first) or when its cap no longer binds. */
static void maybe_unthrottle(struct vs_cpu *cpu, uint32_t gid, vs_time_ns now)
{
    struct guest *g = &cpu->guests[gid];
    if (!g->throttled) return;
    if (g->cap_fraction <= 0 || period_index(cpu, now) != g->period_idx) {
        roll_period(cpu, g, now);
        unthrottle_guest(cpu, gid);
    }
}

/* ---- dispatch ---- */

/* Puts vCPU id on core ci for one segment. Returns false, changing nothing,
 * when the guest's cap leaves no room for it in this period. */
static bool start_segment(struct vs_cpu *cpu, uint32_t ci, uint32_t id, vs_time_ns now)
{
    struct core *c = &cpu->cores[ci];
    struct vcpu *v = &cpu->vcpus[id];
    struct guest *g = &cpu->guests[v->guest];
    bool switching = c->last_vcpu != id;
    double carry = cpu->switch_carry_ns;
    int64_t switch_ns = switching ? switch_ns_peek(cpu, &carry) : 0;
    int64_t run_ns = min64(cpu->slice_ns, v->rem_total_ns);
    if (g->cap_fraction > 0) {
        roll_period(cpu, g, now);
        int64_t allowed = cap_budget_ns(cpu, g) - g->used_ns - g->reserved_ns;
        if (allowed <= switch_ns) return false;
        run_ns = min64(run_ns, allowed - switch_ns);
        /* Segments of a capped guest end at the period boundary so each
         * period's use is checked against that period's budget. */
        int64_t to_period_end = (g->period_idx + 1) * cpu->cap_period_ns - now - switch_ns;
        run_ns = min64(run_ns, to_period_end > 0 ? to_period_end : 0);
    }
    if (vs_event_schedule(cpu->q, now + switch_ns + run_ns, on_core_event, cpu, ci, &c->event) !=
        VS_OK) {
        /* Nothing sensible can continue; keep the state consistent (the vCPU
         * stays runnable) and make the next submit report the failure. */
        cpu->failed = true;
        return false;
    }
    if (switching) {
        cpu->switch_carry_ns = carry;
        cpu->switches++;
        g->switches++;
    }
    wait_end(cpu, v, now);
    v->state = VCPU_RUNNING;
    c->vcpu = id;
    c->last_vcpu = id;
    c->switch_end_ns = now + switch_ns;
    c->end_ns = now + switch_ns + run_ns;
    c->acct_ns = now;
    g->reserved_ns += switch_ns + run_ns;
    return true;
}

/* Whether vCPU id may run on core ci (its guest's pinning). */
static bool allowed(const struct vs_cpu *cpu, uint32_t id, uint32_t ci)
{
    const struct guest *g = &cpu->guests[cpu->vcpus[id].guest];
    return g->pin_n == 0 || (ci >= g->pin_first && ci - g->pin_first < g->pin_n);
}

/* The most deserving queued vCPU that may run on core ci: the heap's top
 * when nothing is pinned, else the best of those allowed (a scan, as a
 * per-core run queue would find it). Removed from the queue; NONE if none. */
static uint32_t take_for_core(struct vs_cpu *cpu, uint32_t ci)
{
    if (cpu->heap_n == 0) return NONE;
    if (!cpu->any_pinned) return heap_pop(cpu);
    uint32_t best = NONE, pos = 0;
    for (uint32_t p = 0; p < cpu->heap_n; p++) {
        uint32_t id = cpu->heap[p];
        if (!allowed(cpu, id, ci)) continue;
        if (best == NONE || vcpu_before(cpu, id, best)) {
            best = id;
            pos = p;
        }
    }
    if (best != NONE) heap_remove_at(cpu, pos);
    return best;
}

/* Gives an idle core the most deserving runnable vCPU, if any. */
static void dispatch(struct vs_cpu *cpu, uint32_t ci, vs_time_ns now)
{
    while (cpu->heap_n > 0 && !cpu->failed) {
        uint32_t id = take_for_core(cpu, ci);
        if (id == NONE) return;
        if (start_segment(cpu, ci, id, now)) return;
        if (cpu->failed) {
            heap_push(cpu, id);
            return;
        }
        /* Out of the queue first, so throttling the guest does not look for
         * it there. */
        throttle_vcpu(cpu, id, now);
        throttle_guest(cpu, cpu->vcpus[id].guest, now);
    }
}

static void dispatch_idle_cores(struct vs_cpu *cpu, vs_time_ns now)
{
    for (uint32_t ci = 0; ci < cpu->n_cores && cpu->heap_n > 0; ci++)
        if (cpu->cores[ci].vcpu == NONE && ci != cpu->callback_core) dispatch(cpu, ci, now);
}

/* Makes a vCPU with a fresh burst (or a released one) runnable. */
static void make_runnable(struct vs_cpu *cpu, uint32_t id, vs_time_ns now)
{
    struct vcpu *v = &cpu->vcpus[id];
    uint32_t gid = v->guest;
    if (cpu->guests[gid].paused) {
        park_vcpu(cpu, id, now);
        return;
    }
    maybe_unthrottle(cpu, gid, now);
    if (cpu->guests[gid].throttled) {
        throttle_vcpu(cpu, id, now);
        return;
    }
    /* The core whose callback is running takes this vCPU back without a
     * switch when it is still the most deserving, so it waits in the queue
     * for that decision instead of taking another idle core. */
    uint32_t target = NONE;
    if (cpu->callback_core == NONE || cpu->cores[cpu->callback_core].last_vcpu != id) {
        for (uint32_t ci = 0; ci < cpu->n_cores; ci++)
            if (cpu->cores[ci].vcpu == NONE && ci != cpu->callback_core && allowed(cpu, id, ci)) {
                target = ci;
                break;
            }
    }
    if (target != NONE) {
        if (start_segment(cpu, target, id, now)) return;
        if (!cpu->failed) {
            throttle_guest(cpu, gid, now);
            throttle_vcpu(cpu, id, now);
            return;
        }
    }
    v->state = VCPU_QUEUED;
    wait_begin(cpu, v, now);
    heap_push(cpu, id);
}

static void on_core_event(void *ctx, uint64_t arg)
{
    struct vs_cpu *cpu = ctx;
    uint32_t ci = (uint32_t)arg;
    struct core *c = &cpu->cores[ci];
    vs_time_ns now = vs_event_now(cpu->q);
    c->event = 0;
    uint32_t id = c->vcpu;
    settle(cpu, c, now);
    struct vcpu *v = &cpu->vcpus[id];
    fold_vruntime(cpu, v);
    c->vcpu = NONE;
    uint32_t gid = v->guest;

    if (v->rem_total_ns == 0) {
        vs_burst_done_fn done = v->done;
        void *done_ctx = v->ctx;
        uint64_t done_arg = v->arg;
        v->state = VCPU_IDLE;
        v->idle_since_ns = now;
        v->done = NULL;
        cpu->callback_core = ci;
        if (done) done(done_ctx, done_arg);
        cpu->callback_core = NONE;
        /* The callback may have added vCPUs or guests: no pointer survives. */
        if (cpu->cores[ci].vcpu == NONE) dispatch(cpu, ci, now);
        dispatch_idle_cores(cpu, now);
        note_runqueue(cpu);
        return;
    }

    maybe_unthrottle(cpu, gid, now);
    if (cpu->guests[gid].paused) {
        park_vcpu(cpu, id, now);
        dispatch(cpu, ci, now);
    } else if (cpu->guests[gid].throttled) {
        throttle_vcpu(cpu, id, now);
        dispatch(cpu, ci, now);
    } else if (cpu->heap_n == 0 || vcpu_before(cpu, id, cpu->heap[0])) {
        /* Still the most deserving: it carries on without a switch. */
        if (!start_segment(cpu, ci, id, now)) {
            if (cpu->failed) {
                v->state = VCPU_QUEUED;
                wait_begin(cpu, v, now);
                heap_push(cpu, id);
            } else {
                throttle_guest(cpu, gid, now);
                throttle_vcpu(cpu, id, now);
                dispatch(cpu, ci, now);
            }
        }
    } else {
        v->state = VCPU_QUEUED;
        wait_begin(cpu, v, now);
        heap_push(cpu, id);
        dispatch(cpu, ci, now);
    }
    note_runqueue(cpu);
}

static void on_unthrottle(void *ctx, uint64_t arg)
{
    (void)arg;
    struct vs_cpu *cpu = ctx;
    vs_time_ns now = vs_event_now(cpu->q);
    cpu->unthrottle_event = 0;
    bool still_throttled = false;
    for (uint32_t gid = 0; gid < cpu->n_guests; gid++) {
        maybe_unthrottle(cpu, gid, now);
        if (cpu->guests[gid].throttled) still_throttled = true;
    }
    if (still_throttled) schedule_unthrottle(cpu, now);
    dispatch_idle_cores(cpu, now);
    note_runqueue(cpu);
}

static void on_zero_done(void *ctx, uint64_t arg)
{
    struct vs_cpu *cpu = ctx;
    struct vcpu *v = &cpu->vcpus[arg];
    vs_burst_done_fn done = v->done;
    void *done_ctx = v->ctx;
    uint64_t done_arg = v->arg;
    v->zero_event = 0;
    v->state = VCPU_IDLE;
    v->idle_since_ns = vs_event_now(cpu->q);
    v->done = NULL;
    if (done) done(done_ctx, done_arg);
}

/* ---- public interface ---- */

struct vs_cpu *vs_cpu_create(const struct vs_cpu_spec *spec, double context_switch_cycles,
                             struct vs_event_queue *q)
{
    if (!spec || !q || spec->cores == 0 || !(spec->frequency_hz > 0) ||
        !isfinite(spec->frequency_hz))
        return NULL;
    struct vs_cpu *cpu = calloc(1, sizeof *cpu);
    if (!cpu) return NULL;
    cpu->cores = calloc(spec->cores, sizeof *cpu->cores);
    if (!cpu->cores) {
        free(cpu);
        return NULL;
    }
    cpu->q = q;
    cpu->n_cores = spec->cores;
    cpu->frequency_hz = spec->frequency_hz;
    cpu->slice_ns = spec->time_slice_ns > 0 ? spec->time_slice_ns : DEFAULT_SLICE_NS;
    cpu->cap_period_ns = spec->cap_period_ns > 0 ? spec->cap_period_ns : DEFAULT_CAP_PERIOD_NS;
    cpu->switch_cycles = context_switch_cycles > 0 && isfinite(context_switch_cycles) &&
                                 context_switch_cycles * 1e9 / spec->frequency_hz < MAX_BURST_NS
                             ? context_switch_cycles
                             : 0;
    for (uint32_t i = 0; i < cpu->n_cores; i++) {
        cpu->cores[i].vcpu = NONE;
        cpu->cores[i].last_vcpu = NONE;
    }
    cpu->callback_core = NONE;
    vs_time_ns now = vs_event_now(q);
    cpu->window_start_ns = now;
    vs_twa_init(&cpu->runqueue, now, 0);
    return cpu;
}

void vs_cpu_destroy(struct vs_cpu *cpu)
{
    if (!cpu) return;
    for (uint32_t i = 0; i < cpu->n_cores; i++)
        if (cpu->cores[i].event) vs_event_cancel(cpu->q, cpu->cores[i].event);
    for (uint32_t i = 0; i < cpu->n_vcpus; i++)
        if (cpu->vcpus[i].zero_event) vs_event_cancel(cpu->q, cpu->vcpus[i].zero_event);
    if (cpu->unthrottle_event) vs_event_cancel(cpu->q, cpu->unthrottle_event);
    free(cpu->cores);
    free(cpu->guests);
    free(cpu->vcpus);
    free(cpu->heap);
    free(cpu);
}

static bool valid_share(double weight, double cap_fraction)
{
    return weight > 0 && isfinite(weight) && cap_fraction >= 0 && isfinite(cap_fraction);
}

int vs_cpu_add_guest(struct vs_cpu *cpu, double weight, double cap_fraction, uint32_t *guest_id)
{
    if (!valid_share(weight, cap_fraction)) return VS_ERR_INPUT;
    if (cpu->n_guests == NONE - 1) return VS_ERR_RUNTIME;
    if (cpu->n_guests == cpu->cap_guests) {
        uint32_t cap = cpu->cap_guests ? cpu->cap_guests * 2 : 8;
        if (cap < cpu->cap_guests) cap = NONE - 1;
        struct guest *g = realloc(cpu->guests, (size_t)cap * sizeof *g);
        if (!g) return VS_ERR_RUNTIME;
        cpu->guests = g;
        cpu->cap_guests = cap;
    }
    struct guest *g = &cpu->guests[cpu->n_guests];
    memset(g, 0, sizeof *g);
    g->weight = weight;
    g->cap_fraction = cap_fraction;
    g->vcpu_weight = weight;
    g->first_vcpu = g->last_vcpu = NONE;
    g->period_idx = period_index(cpu, vs_event_now(cpu->q));
    if (guest_id) *guest_id = cpu->n_guests;
    cpu->n_guests++;
    return VS_OK;
}

int vs_cpu_add_vcpu(struct vs_cpu *cpu, uint32_t guest_id, uint32_t *vcpu_id)
{
    if (guest_id >= cpu->n_guests) return VS_ERR_INPUT;
    if (cpu->n_vcpus == NONE - 1) return VS_ERR_RUNTIME;
    if (cpu->n_vcpus == cpu->cap_vcpus) {
        uint32_t cap = cpu->cap_vcpus ? cpu->cap_vcpus * 2 : 16;
        if (cap < cpu->cap_vcpus) cap = NONE - 1;
        struct vcpu *v = realloc(cpu->vcpus, (size_t)cap * sizeof *v);
        if (!v) return VS_ERR_RUNTIME;
        cpu->vcpus = v;
        uint32_t *h = realloc(cpu->heap, (size_t)cap * sizeof *h);
        if (!h) return VS_ERR_RUNTIME;
        cpu->heap = h;
        cpu->cap_vcpus = cap;
    }
    uint32_t id = cpu->n_vcpus++;
    struct vcpu *v = &cpu->vcpus[id];
    struct guest *g = &cpu->guests[guest_id];
    memset(v, 0, sizeof *v);
    v->guest = guest_id;
    v->next_in_guest = NONE;
    v->state = VCPU_IDLE;
    v->heap_pos = NONE;
    v->cat = VS_CAT_COUNT;
    /* A newcomer starts level with the others rather than far behind them. */
    update_min_vruntime(cpu);
    v->vruntime = cpu->min_vruntime;
    v->idle_since_ns = vs_event_now(cpu->q);
    if (g->last_vcpu == NONE)
        g->first_vcpu = id;
    else
        cpu->vcpus[g->last_vcpu].next_in_guest = id;
    g->last_vcpu = id;
    /* The running vCPUs were charged at the old split until now. */
    vs_time_ns now = vs_event_now(cpu->q);
    for (uint32_t ci = 0; ci < cpu->n_cores; ci++) {
        struct core *c = &cpu->cores[ci];
        if (c->vcpu != NONE && cpu->vcpus[c->vcpu].guest == guest_id) {
            settle(cpu, c, now);
            fold_vruntime(cpu, &cpu->vcpus[c->vcpu]);
        }
    }
    g->n_vcpus++;
    g->vcpu_weight = g->weight / g->n_vcpus;
    if (vcpu_id) *vcpu_id = id;
    return VS_OK;
}

/* Turns cycles into whole nanoseconds per category. Each category rounds to
 * the nearest nanosecond and carries its remainder to the vCPU's next burst,
 * so a category's total over many bursts never drifts from the exact value
 * (333.3 ns a burst for 3000 bursts is 1 ms, not 999 us). */
static int load_burst(const struct vs_cpu *cpu, struct vcpu *v, const double cycles[VS_CAT_COUNT])
{
    int64_t rem[VS_CAT_COUNT];
    double carry[VS_CAT_COUNT];
    int64_t total = 0;
    for (int cat = 0; cat < VS_CAT_COUNT; cat++) {
        double cyc = cycles[cat];
        if (!(cyc >= 0) || !isfinite(cyc)) return VS_ERR_INPUT;
        /* Idle is what cores do without bursts; a burst cannot contain it. */
        if (cat == VS_CAT_IDLE && cyc != 0) return VS_ERR_INPUT;
        double exact = v->carry_ns[cat] + cyc * 1e9 / cpu->frequency_hz;
        if (!(exact < MAX_BURST_NS)) return VS_ERR_INPUT;
        rem[cat] = exact > 0 ? round_ns(exact) : 0;
        carry[cat] = exact - (double)rem[cat];
        total += rem[cat];
        if (!((double)total < MAX_BURST_NS)) return VS_ERR_INPUT;
    }
    memcpy(v->rem_ns, rem, sizeof rem);
    memcpy(v->carry_ns, carry, sizeof carry);
    v->rem_total_ns = total;
    v->cat = 0;
    while (v->cat < VS_CAT_COUNT && v->rem_ns[v->cat] == 0) v->cat++;
    return VS_OK;
}

const char *vs_cpu_submit_error(const struct vs_cpu *cpu, uint32_t vcpu_id, const double cycles[VS_CAT_COUNT])
{
    if (cpu->failed)
        return "the event queue is full: the CPU scheduler could not schedule its next event (lower the "
               "load, the guests or the duration)";
    if (vcpu_id < cpu->n_vcpus && cpu->vcpus[vcpu_id].state != VCPU_IDLE)
        return "internal error: a busy vCPU was given a second request";
    double total = 0;
    for (int cat = 0; cycles && cat < VS_CAT_COUNT; cat++) {
        if (!(cycles[cat] >= 0) || !isfinite(cycles[cat]))
            return "a request was priced at a negative or non-finite number of cycles: a cost constant or "
                   "count of the workload is out of range";
        total += cycles[cat];
    }
    if (!(total * 1e9 / cpu->frequency_hz < MAX_BURST_NS))
        return "a request needs more CPU time than one burst can hold (the model's limit: 4e18 ns, about 126 "
               "years, at this host's frequency): lower the workload's instructions, cpi or counts per "
               "request, or raise the host's cpu.frequency";
    return "the CPU refused a request";
}

int vs_cpu_submit(struct vs_cpu *cpu, uint32_t vcpu_id, const double cycles[VS_CAT_COUNT],
                  vs_burst_done_fn done, void *ctx, uint64_t arg)
{
    if (vcpu_id >= cpu->n_vcpus || !cycles) return VS_ERR_INPUT;
    if (cpu->failed) return VS_ERR_RUNTIME;
    struct vcpu *v = &cpu->vcpus[vcpu_id];
    if (v->state != VCPU_IDLE) return VS_ERR_RUNTIME;
    int rc = load_burst(cpu, v, cycles);
    if (rc != VS_OK) return rc;
    v->done = done;
    v->ctx = ctx;
    v->arg = arg;
    vs_time_ns now = vs_event_now(cpu->q);
    if (v->rem_total_ns == 0) {
        if (vs_event_schedule(cpu->q, now, on_zero_done, cpu, vcpu_id, &v->zero_event) != VS_OK)
            return VS_ERR_RUNTIME;
        v->state = VCPU_ZERO;
        return VS_OK;
    }
    /* A vCPU given work at the instant its last burst ended never slept and
     * keeps its place; only a real sleep is corrected. */
    if (now > v->idle_since_ns) place_after_sleep(cpu, v);
    make_runnable(cpu, vcpu_id, now);
    note_runqueue(cpu);
    return cpu->failed ? VS_ERR_RUNTIME : VS_OK;
}

bool vs_cpu_vcpu_busy(const struct vs_cpu *cpu, uint32_t vcpu_id)
{
    return vcpu_id < cpu->n_vcpus && cpu->vcpus[vcpu_id].state != VCPU_IDLE;
}

/* Stops the segment core ci is running for guest gid now, settled and
 * unreserved, and returns its vCPU for the caller to place; NONE if the
 * core runs another guest, nothing, or a segment ending at this very
 * instant (its own event finishes it). */
static uint32_t stop_segment(struct vs_cpu *cpu, uint32_t ci, uint32_t gid, vs_time_ns now)
{
    struct core *c = &cpu->cores[ci];
    if (c->vcpu == NONE || cpu->vcpus[c->vcpu].guest != gid || c->end_ns <= now) return NONE;
    uint32_t id = c->vcpu;
    settle(cpu, c, now);
    vs_event_cancel(cpu->q, c->event);
    c->event = 0;
    cpu->guests[gid].reserved_ns -= c->end_ns - now;
    c->vcpu = NONE;
    fold_vruntime(cpu, &cpu->vcpus[id]);
    return id;
}

int vs_cpu_set_share(struct vs_cpu *cpu, uint32_t guest_id, double weight, double cap_fraction)
{
    if (guest_id >= cpu->n_guests || !valid_share(weight, cap_fraction)) return VS_ERR_INPUT;
    vs_time_ns now = vs_event_now(cpu->q);
    /* The guest's running segments were planned under the old share: they
     * stop now (charged at the old weight) and are planned again. A segment
     * ending at this very instant is left to finish by its own event. */
    for (uint32_t ci = 0; ci < cpu->n_cores; ci++) {
        uint32_t id = stop_segment(cpu, ci, guest_id, now);
        if (id == NONE) continue;
        struct vcpu *v = &cpu->vcpus[id];
        if (cpu->guests[guest_id].throttled) {
            throttle_vcpu(cpu, id, now);
        } else {
            v->state = VCPU_QUEUED;
            wait_begin(cpu, v, now);
            heap_push(cpu, id);
        }
    }
    for (uint32_t ci = 0; ci < cpu->n_cores; ci++) {
        struct core *c = &cpu->cores[ci];
        if (c->vcpu != NONE && cpu->vcpus[c->vcpu].guest == guest_id) {
            settle(cpu, c, now);
            fold_vruntime(cpu, &cpu->vcpus[c->vcpu]);
        }
    }
    struct guest *g = &cpu->guests[guest_id];
    g->weight = weight;
    g->cap_fraction = cap_fraction;
    g->vcpu_weight = g->n_vcpus ? weight / g->n_vcpus : weight;
    if (g->throttled) {
        roll_period(cpu, g, now);
        if (cap_fraction <= 0 || period_index(cpu, now) != g->period_idx ||
            cap_budget_ns(cpu, g) - g->used_ns - g->reserved_ns > 0)
            unthrottle_guest(cpu, guest_id);
    }
    dispatch_idle_cores(cpu, now);
    note_runqueue(cpu);
    return cpu->failed ? VS_ERR_RUNTIME : VS_OK;
}

int vs_cpu_pause_guest(struct vs_cpu *cpu, uint32_t guest_id)
{
    if (guest_id >= cpu->n_guests) return VS_ERR_INPUT;
    struct guest *g = &cpu->guests[guest_id];
    if (g->paused) return VS_OK;
    vs_time_ns now = vs_event_now(cpu->q);
    g->paused = true;
    /* Running segments stop now (a pause interrupts the vCPUs at once); one
     * ending at this very instant finishes by its own event, which then
     * finds the guest paused. */
    for (uint32_t ci = 0; ci < cpu->n_cores; ci++) {
        uint32_t id = stop_segment(cpu, ci, guest_id, now);
        if (id != NONE) park_vcpu(cpu, id, now);
    }
    for (uint32_t id = g->first_vcpu; id != NONE; id = cpu->vcpus[id].next_in_guest) {
        struct vcpu *v = &cpu->vcpus[id];
        if (v->state == VCPU_QUEUED) {
            heap_remove_at(cpu, v->heap_pos);
            park_vcpu(cpu, id, now);
        } else if (v->state == VCPU_THROTTLED) {
            park_vcpu(cpu, id, now);
        }
    }
    dispatch_idle_cores(cpu, now);
    note_runqueue(cpu);
    return cpu->failed ? VS_ERR_RUNTIME : VS_OK;
}

int vs_cpu_resume_guest(struct vs_cpu *cpu, uint32_t guest_id)
{
    if (guest_id >= cpu->n_guests) return VS_ERR_INPUT;
    struct guest *g = &cpu->guests[guest_id];
    if (!g->paused) return VS_OK;
    vs_time_ns now = vs_event_now(cpu->q);
    g->paused = false;
    for (uint32_t id = g->first_vcpu; id != NONE; id = cpu->vcpus[id].next_in_guest) {
        struct vcpu *v = &cpu->vcpus[id];
        if (v->state != VCPU_PAUSED) continue;
        /* Like a vCPU back from sleep: no credit for the time it was paused. */
        place_after_sleep(cpu, v);
        make_runnable(cpu, id, now);
    }
    dispatch_idle_cores(cpu, now);
    note_runqueue(cpu);
    return cpu->failed ? VS_ERR_RUNTIME : VS_OK;
}

bool vs_cpu_guest_paused(const struct vs_cpu *cpu, uint32_t guest_id)
{
    return guest_id < cpu->n_guests && cpu->guests[guest_id].paused;
}

void vs_cpu_reset_stats(struct vs_cpu *cpu)
{
    vs_time_ns now = vs_event_now(cpu->q);
    /* What ran before now belongs to the old window. */
    for (uint32_t ci = 0; ci < cpu->n_cores; ci++) settle(cpu, &cpu->cores[ci], now);
    memset(cpu->busy_ns, 0, sizeof cpu->busy_ns);
    for (uint32_t ci = 0; ci < cpu->n_cores; ci++)
        memset(cpu->cores[ci].busy_ns, 0, sizeof cpu->cores[ci].busy_ns);
    cpu->switches = 0;
    cpu->window_start_ns = now;
    vs_twa_reset(&cpu->runqueue, now);
    for (uint32_t gid = 0; gid < cpu->n_guests; gid++) {
        struct guest *g = &cpu->guests[gid];
        memset(g->ns_by_cat, 0, sizeof g->ns_by_cat);
        g->switches = 0;
        g->throttles = 0;
        g->wait_ns = 0;
        g->wait_since_sum = (int64_t)g->n_waiting * now;
    }
    for (uint32_t id = 0; id < cpu->n_vcpus; id++)
        if (cpu->vcpus[id].waiting) cpu->vcpus[id].wait_since_ns = now;
}

void vs_cpu_get_stats(const struct vs_cpu *cpu, struct vs_cpu_stats *out)
{
    memset(out, 0, sizeof *out);
    vs_time_ns now = vs_event_now(cpu->q);
    int64_t busy[VS_CAT_COUNT];
    memcpy(busy, cpu->busy_ns, sizeof busy);
    for (uint32_t ci = 0; ci < cpu->n_cores; ci++) {
        int64_t part[VS_CAT_COUNT];
        core_pending(cpu, &cpu->cores[ci], now, part);
        for (int cat = 0; cat < VS_CAT_COUNT; cat++) busy[cat] += part[cat];
    }
    int64_t window = now - cpu->window_start_ns;
    int64_t total = 0;
    for (int cat = 0; cat < VS_CAT_COUNT; cat++) {
        if (cat == VS_CAT_IDLE) continue;
        out->busy_ns_by_cat[cat] = (double)busy[cat];
        total += busy[cat];
    }
    int64_t capacity = (int64_t)cpu->n_cores * window;
    out->busy_ns_by_cat[VS_CAT_IDLE] = capacity > total ? (double)(capacity - total) : 0;
    out->cores = cpu->n_cores;
    out->window_ns = (double)window;
    out->utilisation = capacity > 0 ? (double)total / (double)capacity : 0;
    out->runqueue_mean = vs_twa_mean(&cpu->runqueue, now);
    out->runqueue_max = cpu->runqueue.max;
    out->context_switches = cpu->switches;
}

void vs_cpu_get_core_stats(const struct vs_cpu *cpu, uint32_t core, double busy_ns_by_cat[VS_CAT_COUNT])
{
    memset(busy_ns_by_cat, 0, sizeof(double) * VS_CAT_COUNT);
    if (core >= cpu->n_cores) return;
    const struct core *c = &cpu->cores[core];
    vs_time_ns now = vs_event_now(cpu->q);
    int64_t part[VS_CAT_COUNT];
    core_pending(cpu, c, now, part);
    int64_t total = 0;
    for (int cat = 0; cat < VS_CAT_COUNT; cat++) {
        if (cat == VS_CAT_IDLE) continue;
        busy_ns_by_cat[cat] = (double)(c->busy_ns[cat] + part[cat]);
        total += c->busy_ns[cat] + part[cat];
    }
    int64_t window = now - cpu->window_start_ns;
    busy_ns_by_cat[VS_CAT_IDLE] = window > total ? (double)(window - total) : 0;
}

void vs_cpu_get_guest_stats(const struct vs_cpu *cpu, uint32_t guest_id, struct vs_cpu_guest_stats *out)
{
    memset(out, 0, sizeof *out);
    if (guest_id >= cpu->n_guests) return;
    const struct guest *g = &cpu->guests[guest_id];
    vs_time_ns now = vs_event_now(cpu->q);
    int64_t ns[VS_CAT_COUNT];
    memcpy(ns, g->ns_by_cat, sizeof ns);
    for (uint32_t ci = 0; ci < cpu->n_cores; ci++) {
        const struct core *c = &cpu->cores[ci];
        if (c->vcpu == NONE || cpu->vcpus[c->vcpu].guest != guest_id) continue;
        int64_t part[VS_CAT_COUNT];
        core_pending(cpu, c, now, part);
        for (int cat = 0; cat < VS_CAT_COUNT; cat++) ns[cat] += part[cat];
    }
    for (int cat = 0; cat < VS_CAT_COUNT; cat++) out->ns_by_cat[cat] = (double)ns[cat];
    out->wait_ns = (double)(g->wait_ns + (int64_t)g->n_waiting * now - g->wait_since_sum);
    out->context_switches = g->switches;
    out->throttled = g->throttles;
}

int vs_cpu_pin_guest(struct vs_cpu *cpu, uint32_t guest_id, uint32_t first_core, uint32_t n_cores)
{
    if (guest_id >= cpu->n_guests || (n_cores > 0 && (first_core >= cpu->n_cores || n_cores > cpu->n_cores - first_core)))
        return VS_ERR_INPUT;
    cpu->guests[guest_id].pin_first = first_core;
    cpu->guests[guest_id].pin_n = n_cores;
    if (n_cores > 0) cpu->any_pinned = true;
    return VS_OK;
}
