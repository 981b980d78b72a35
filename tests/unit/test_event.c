/* Unit tests for the discrete-event core (sim/core/event.c): ordering, FIFO ties,
 * cancellation, run_until/stop semantics, the pending limit, and a randomized
 * stress against a sorted-array reference.
 *
 * This file includes sim/core/event.c itself rather than only its header, so the
 * tests can reach two internals that no public call can within a unit test's
 * time: the seq space (2^32 insertions before a renumbering) and a slot's
 * generation counter (2^32 reuses before retirement). Build it on its own:
 * `gcc ... tests/unit/test_event.c sim/core/error.c` (not with sim/core/event.c too);
 * linked against libvirtsim.a, the library's copy is simply not pulled in. */
#include "testutil.h"

#include "../../sim/core/event.c"

#include <stdlib.h>

/* ---- callbacks the tests schedule ---- */

#define LOG_CAP 4096

struct log {
    struct vs_event_queue *q;
    size_t n;
    uint64_t arg[LOG_CAP];
    vs_time_ns at[LOG_CAP];
};

static void record(void *ctx, uint64_t arg)
{
    struct log *l = ctx;
    assert_true(l->n < LOG_CAP);
    l->arg[l->n] = arg;
    l->at[l->n] = vs_event_now(l->q);
    l->n++;
}

static struct log *new_log(struct vs_event_queue *q)
{
    struct log *l = calloc(1, sizeof *l);
    assert_non_null(l);
    l->q = q;
    return l;
}

/* splitmix64: a local generator, so these tests do not rest on rng.c. */
struct test_rng {
    uint64_t x;
};

static uint64_t rng_next(struct test_rng *r)
{
    uint64_t z = (r->x += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* ---- basics ---- */

static void test_empty_queue(void **state)
{
    (void)state;
    struct vs_event_queue *q = vs_event_queue_create(0);
    assert_non_null(q);
    assert_true(vs_event_now(q) == 0);
    assert_true(vs_event_next_time(q) == VS_TIME_NEVER);
    assert_false(vs_event_step(q));
    assert_int_equal(vs_event_pending(q), 0);
    assert_true(vs_event_executed(q) == 0);
    /* Nothing to run, but the clock still moves to end. */
    assert_true(vs_event_run_until(q, 5 * VS_NS_PER_MS) == 0);
    assert_true(vs_event_now(q) == 5 * VS_NS_PER_MS);
    vs_event_queue_destroy(q);
    vs_event_queue_destroy(NULL);
}

static void test_time_order(void **state)
{
    (void)state;
    struct vs_event_queue *q = vs_event_queue_create(16);
    assert_non_null(q);
    struct log *l = new_log(q);
    static const vs_time_ns times[] = {50, 10, 40, 10, 30, 0, 20, 50, 0};
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++)
        assert_int_equal(vs_event_schedule(q, times[i], record, l, i, NULL), VS_OK);
    assert_true(vs_event_next_time(q) == 0);
    assert_int_equal(vs_event_pending(q), 9);
    /* Sorted by time; ties in the order they were scheduled. */
    static const uint64_t expect[] = {5, 8, 1, 3, 6, 4, 2, 0, 7};
    for (size_t i = 0; i < 9; i++) {
        assert_true(vs_event_step(q));
        assert_true(l->arg[i] == expect[i]);
        assert_true(l->at[i] == times[expect[i]]);
    }
    assert_false(vs_event_step(q));
    assert_true(vs_event_executed(q) == 9);
    assert_true(vs_event_now(q) == 50);
    free(l);
    vs_event_queue_destroy(q);
}

static void test_fifo_equal_times(void **state)
{
    (void)state;
    struct vs_event_queue *q = vs_event_queue_create(0);
    assert_non_null(q);
    struct log *l = new_log(q);
    /* 3000 events over three timestamps, interleaved, so the heap has to move
     * tied entries past each other many times. */
    for (uint64_t i = 0; i < 3000; i++)
        assert_int_equal(vs_event_schedule(q, (vs_time_ns)(2 - i % 3) * 100, record, l, i, NULL),
                         VS_OK);
    assert_true(vs_event_run_until(q, VS_TIME_NEVER) == 3000);
    size_t k = 0;
    for (uint64_t t = 0; t < 3; t++)
        for (uint64_t i = 2 - t; i < 3000; i += 3) {
            assert_true(l->arg[k] == i);
            k++;
        }
    free(l);
    vs_event_queue_destroy(q);
}

static void test_schedule_errors(void **state)
{
    (void)state;
    struct vs_event_queue *q = vs_event_queue_create(0);
    assert_non_null(q);
    struct log *l = new_log(q);
    assert_int_equal(vs_event_schedule(q, 100, record, l, 1, NULL), VS_OK);
    assert_true(vs_event_step(q));
    vs_event_id id = 12345;
    /* Before now: refused, and *id untouched. */
    assert_int_equal(vs_event_schedule(q, 99, record, l, 2, &id), VS_ERR_RUNTIME);
    assert_true(id == 12345);
    assert_int_equal(vs_event_schedule(q, 100, NULL, l, 3, &id), VS_ERR_RUNTIME);
    assert_int_equal(vs_event_schedule(NULL, 100, record, l, 3, &id), VS_ERR_RUNTIME);
    /* Exactly now is fine. */
    assert_int_equal(vs_event_schedule(q, 100, record, l, 4, &id), VS_OK);
    assert_true(id != 0);
    assert_true(vs_event_step(q));
    assert_true(l->arg[1] == 4);
    free(l);
    vs_event_queue_destroy(q);
}

/* ---- cancellation ---- */

static void test_cancel(void **state)
{
    (void)state;
    struct vs_event_queue *q = vs_event_queue_create(0);
    assert_non_null(q);
    struct log *l = new_log(q);
    vs_event_id id[10];
    for (uint64_t i = 0; i < 10; i++)
        assert_int_equal(vs_event_schedule(q, (vs_time_ns)i * 10, record, l, i, &id[i]), VS_OK);
    for (int i = 0; i < 10; i++)
        for (int j = 0; j < i; j++) assert_true(id[i] != id[j]);

    assert_true(vs_event_cancel(q, id[0])); /* the earliest: at the top */
    assert_true(vs_event_cancel(q, id[4]));
    assert_true(vs_event_cancel(q, id[9])); /* the latest */
    assert_false(vs_event_cancel(q, id[4])); /* twice */
    assert_int_equal(vs_event_pending(q), 7);
    assert_true(vs_event_next_time(q) == 10); /* skips the cancelled top */

    assert_true(vs_event_step(q)); /* runs 1 */
    assert_false(vs_event_cancel(q, id[1])); /* already run */
    assert_false(vs_event_cancel(q, 0));
    assert_false(vs_event_cancel(q, UINT64_C(0xffffffff00000003)));
    assert_false(vs_event_cancel(q, 77)); /* a slot never handed out */
    assert_false(vs_event_cancel(NULL, id[2]));

    assert_true(vs_event_run_until(q, 95) == 6);
    static const uint64_t expect[] = {1, 2, 3, 5, 6, 7, 8};
    assert_int_equal(l->n, 7);
    for (size_t i = 0; i < 7; i++) assert_true(l->arg[i] == expect[i]);
    assert_true(vs_event_executed(q) == 7);
    assert_int_equal(vs_event_pending(q), 0);
    assert_true(vs_event_next_time(q) == VS_TIME_NEVER);
    free(l);
    vs_event_queue_destroy(q);
}

/* A handle stays unique after its slot is reused: the stale handle neither
 * cancels the new event nor reports success. */
static void test_stale_handle(void **state)
{
    (void)state;
    struct vs_event_queue *q = vs_event_queue_create(0);
    assert_non_null(q);
    struct log *l = new_log(q);
    vs_event_id old, cancelled, fresh;
    assert_int_equal(vs_event_schedule(q, 1, record, l, 1, &old), VS_OK);
    assert_true(vs_event_step(q));
    assert_int_equal(vs_event_schedule(q, 2, record, l, 2, &cancelled), VS_OK);
    assert_true(vs_event_cancel(q, cancelled));
    assert_false(vs_event_step(q)); /* drops the cancelled entry, frees its slot */
    assert_int_equal(vs_event_schedule(q, 3, record, l, 3, &fresh), VS_OK);
    assert_true((fresh & 0xffffffff) == (old & 0xffffffff)); /* same slot... */
    assert_true(fresh != old && fresh != cancelled);        /* ...new handle */
    assert_false(vs_event_cancel(q, old));
    assert_false(vs_event_cancel(q, cancelled));
    assert_int_equal(vs_event_pending(q), 1);
    assert_true(vs_event_step(q));
    assert_true(l->n == 2 && l->arg[1] == 3);
    free(l);
    vs_event_queue_destroy(q);
}

struct canceller {
    struct vs_event_queue *q;
    struct log *log;
    vs_event_id target;
    bool result;
};

static void cancel_target(void *ctx, uint64_t arg)
{
    struct canceller *c = ctx;
    record(c->log, arg);
    c->result = vs_event_cancel(c->q, c->target);
}

static void test_cancel_from_callback(void **state)
{
    (void)state;
    struct vs_event_queue *q = vs_event_queue_create(0);
    assert_non_null(q);
    struct log *l = new_log(q);
    struct canceller c = {q, l, 0, false};
    /* Three events at the same time: the first cancels the second, which is
     * already "due" but must still never run. */
    assert_int_equal(vs_event_schedule(q, 500, cancel_target, &c, 1, NULL), VS_OK);
    assert_int_equal(vs_event_schedule(q, 500, record, l, 2, &c.target), VS_OK);
    assert_int_equal(vs_event_schedule(q, 500, record, l, 3, NULL), VS_OK);
    assert_true(vs_event_run_until(q, 500) == 2);
    assert_true(c.result);
    assert_int_equal(l->n, 2);
    assert_true(l->arg[0] == 1 && l->arg[1] == 3);

    /* An event cancelling itself from its own callback: it has already run,
     * so the cancel reports false and nothing breaks. */
    struct canceller self = {q, l, 0, true};
    assert_int_equal(vs_event_schedule(q, 600, cancel_target, &self, 4, &self.target), VS_OK);
    assert_true(vs_event_step(q));
    assert_false(self.result);
    assert_int_equal(vs_event_pending(q), 0);
    free(l);
    vs_event_queue_destroy(q);
}

/* Cancelling most of a large queue compacts it; the survivors still run in
 * order and the memory of the cancelled ones is reused. */
static void test_mass_cancel(void **state)
{
    (void)state;
    struct vs_event_queue *q = vs_event_queue_create(0);
    assert_non_null(q);
    struct log *l = new_log(q);
    enum { N = 20000 };
    vs_event_id *id = malloc(N * sizeof *id);
    assert_non_null(id);
    for (uint64_t i = 0; i < N; i++)
        assert_int_equal(vs_event_schedule(q, (vs_time_ns)((i * 7919) % N), record, l, i, &id[i]),
                         VS_OK);
    for (uint64_t i = 0; i < N; i++)
        if (i % 10 != 0) assert_true(vs_event_cancel(q, id[i]));
    assert_int_equal(vs_event_pending(q), N / 10);
    /* Compaction has run: the heap holds few cancelled entries. */
    assert_true(q->heap_len <= 2 * (N / 10) + 1);
    size_t slots_before = q->slot_count;
    for (uint64_t i = 0; i < N / 2; i++)
        assert_int_equal(vs_event_schedule(q, N + (vs_time_ns)i, record, l, N + i, NULL), VS_OK);
    assert_true(q->slot_count == slots_before); /* cancelled slots were recycled */
    assert_true(vs_event_run_until(q, N - 1) == N / 10);
    for (size_t k = 0; k < l->n; k++) {
        assert_true(l->arg[k] % 10 == 0);
        if (k) assert_true(l->at[k - 1] <= l->at[k]);
    }
    free(id);
    free(l);
    vs_event_queue_destroy(q);
}

/* A large queue in the hold model (pop one, schedule one): big enough for the
 * prefetching paths; every pop must come out in (time, insertion) order. */
struct hold {
    struct vs_event_queue *q;
    struct test_rng *rng;
    uint64_t next_arg;
    vs_time_ns last_ns;
    uint64_t last_arg;
    uint64_t ran;
    bool in_order;
};

static void hold_fire(void *ctx, uint64_t arg)
{
    struct hold *h = ctx;
    vs_time_ns now = vs_event_now(h->q);
    if (h->ran && (now < h->last_ns || (now == h->last_ns && arg < h->last_arg)))
        h->in_order = false;
    h->last_ns = now;
    h->last_arg = arg;
    h->ran++;
    vs_time_ns delay = (vs_time_ns)(rng_next(h->rng) % 5000);
    assert_int_equal(vs_event_schedule(h->q, now + delay, hold_fire, h, h->next_arg++, NULL), VS_OK);
}

static void test_large_hold(void **state)
{
    (void)state;
    enum { PENDING = 50000, EVENTS = 300000 };
    struct test_rng r = {99};
    struct hold h = {vs_event_queue_create(0), &r, 0, 0, 0, 0, true};
    assert_non_null(h.q);
    for (int i = 0; i < PENDING; i++)
        assert_int_equal(vs_event_schedule(h.q, (vs_time_ns)(rng_next(&r) % 5000), hold_fire, &h,
                                           h.next_arg++, NULL),
                         VS_OK);
    while (h.ran < EVENTS) assert_true(vs_event_step(h.q));
    assert_true(h.in_order);
    assert_int_equal(vs_event_pending(h.q), PENDING);
    vs_event_queue_destroy(h.q);
}

/* ---- run_until and stop ---- */

struct chain {
    struct vs_event_queue *q;
    struct log *log;
    vs_time_ns step_ns;
    int left;
    uint64_t stop_at_arg;
};

/* Records, then schedules itself again step_ns later while left > 0. */
static void chain_fire(void *ctx, uint64_t arg)
{
    struct chain *c = ctx;
    record(c->log, arg);
    if (arg == c->stop_at_arg) vs_event_stop(c->q);
    if (c->left-- > 0)
        assert_int_equal(vs_event_schedule(c->q, vs_event_now(c->q) + c->step_ns, chain_fire, c,
                                           arg + 1, NULL),
                         VS_OK);
}

static void test_run_until(void **state)
{
    (void)state;
    struct vs_event_queue *q = vs_event_queue_create(0);
    assert_non_null(q);
    struct log *l = new_log(q);
    struct chain c = {q, l, 10, 100, UINT64_MAX};
    /* A chain at 0, 10, 20, ...: events the callbacks schedule inside the
     * window run in the same call; the one at exactly end runs too. */
    assert_int_equal(vs_event_schedule(q, 0, chain_fire, &c, 0, NULL), VS_OK);
    assert_true(vs_event_run_until(q, 50) == 6);
    assert_true(l->at[5] == 50);
    assert_true(vs_event_now(q) == 50);
    assert_true(vs_event_next_time(q) == 60);

    /* The clock is set to end even when the last event ran earlier. */
    assert_true(vs_event_run_until(q, 65) == 1);
    assert_true(l->at[6] == 60);
    assert_true(vs_event_now(q) == 65);
    /* An end in the past runs nothing and never moves the clock back. */
    assert_true(vs_event_run_until(q, 30) == 0);
    assert_true(vs_event_now(q) == 65);
    /* Scheduling between now (65) and the next event is still possible. */
    assert_int_equal(vs_event_schedule(q, 65, record, l, 1000, NULL), VS_OK);
    assert_true(vs_event_run_until(q, 65) == 1);
    assert_true(l->arg[l->n - 1] == 1000);
    assert_true(vs_event_executed(q) == 8);
    free(l);
    vs_event_queue_destroy(q);
}

static void test_stop(void **state)
{
    (void)state;
    struct vs_event_queue *q = vs_event_queue_create(0);
    assert_non_null(q);
    struct log *l = new_log(q);
    struct chain c = {q, l, 100, 50, 3};
    assert_int_equal(vs_event_schedule(q, 0, chain_fire, &c, 0, NULL), VS_OK);
    assert_true(vs_event_run_until(q, 250) == 3); /* 0, 100, 200; arg 3 is due at 300 */
    assert_int_equal(vs_event_schedule(q, 300, record, l, 999, NULL), VS_OK); /* its tie */
    /* Stops after the callback that asked (at 300), before the tie. */
    assert_true(vs_event_run_until(q, 10000) == 1);
    assert_true(vs_event_now(q) == 300); /* not 10000 */
    assert_true(l->arg[3] == 3);
    assert_int_equal(vs_event_pending(q), 2);
    /* The next call carries on where it stopped: the tie first. */
    assert_true(vs_event_run_until(q, 450) == 2);
    assert_true(l->arg[4] == 999 && l->arg[5] == 4);
    assert_true(vs_event_now(q) == 450);
    /* A stop asked outside run_until does not cut the next one short. */
    vs_event_stop(q);
    assert_true(vs_event_run_until(q, 700) == 3);
    assert_true(vs_event_now(q) == 700);
    free(l);
    vs_event_queue_destroy(q);
}

/* ---- the pending limit ---- */

static void test_limit(void **state)
{
    (void)state;
    struct vs_event_queue *q = vs_event_queue_create(0);
    assert_non_null(q);
    struct log *l = new_log(q);
    vs_event_set_limit(q, 10);
    vs_event_id id[10];
    for (uint64_t i = 0; i < 10; i++)
        assert_int_equal(vs_event_schedule(q, 100 + (vs_time_ns)i, record, l, i, &id[i]), VS_OK);
    vs_event_id none = 42;
    assert_int_equal(vs_event_schedule(q, 5, record, l, 10, &none), VS_ERR_RUNTIME);
    assert_true(none == 42);
    assert_int_equal(vs_event_pending(q), 10);
    /* Cancelled events no longer count. */
    assert_true(vs_event_cancel(q, id[3]));
    assert_int_equal(vs_event_schedule(q, 5, record, l, 11, NULL), VS_OK);
    assert_int_equal(vs_event_schedule(q, 5, record, l, 12, NULL), VS_ERR_RUNTIME);
    /* Nor do events that ran. */
    assert_true(vs_event_step(q));
    assert_true(l->arg[0] == 11);
    assert_int_equal(vs_event_schedule(q, 5, record, l, 13, NULL), VS_OK);
    /* The failures left the queue intact. */
    assert_true(vs_event_run_until(q, VS_TIME_NEVER) == 10);
    assert_true(l->arg[1] == 13);
    for (size_t k = 2; k < l->n; k++) assert_true(l->arg[k] == (k - 2 < 3 ? k - 2 : k - 1));

    vs_event_set_limit(q, 0);
    assert_int_equal(vs_event_schedule(q, VS_TIME_NEVER, record, l, 0, NULL), VS_ERR_RUNTIME);
    /* The default is 50 million; a huge limit is capped, not trusted. */
    struct vs_event_queue *d = vs_event_queue_create(0);
    assert_non_null(d);
    assert_true(d->max_pending == 50000000);
    vs_event_set_limit(d, SIZE_MAX);
    assert_true(d->max_pending == MAX_PENDING_CEILING);
    vs_event_queue_destroy(d);
    free(l);
    vs_event_queue_destroy(q);
}

/* ---- internals no public call reaches quickly ---- */

/* When the 32-bit seq space runs out, pending entries are renumbered in
 * order; FIFO among ties must survive it. */
static void test_renumber_keeps_fifo(void **state)
{
    (void)state;
    struct vs_event_queue *q = vs_event_queue_create(0);
    assert_non_null(q);
    struct log *l = new_log(q);
    q->seq_limit = 128; /* a renumbering every few dozen schedules */
    vs_event_id id[1000];
    uint64_t renumbered = 0;
    size_t cancelled = 0;
    for (uint64_t i = 0; i < 1000; i++) {
        uint64_t before = q->next_seq;
        assert_int_equal(vs_event_schedule(q, vs_event_now(q) + (vs_time_ns)(i % 4), record, l, i,
                                           &id[i]),
                         VS_OK);
        renumbered += q->next_seq <= before;
        if (i % 5 == 4) cancelled += vs_event_cancel(q, id[i - 2]);
        if (i % 3 == 2) assert_true(vs_event_step(q));
    }
    assert_true(renumbered > 10);
    assert_true(cancelled > 100);
    vs_event_run_until(q, VS_TIME_NEVER);
    /* Everything not cancelled ran exactly once, ties in scheduling order. */
    assert_int_equal(l->n, 1000 - cancelled);
    for (size_t k = 1; k < l->n; k++) {
        assert_true(l->at[k - 1] <= l->at[k]);
        if (l->at[k - 1] == l->at[k]) assert_true(l->arg[k - 1] < l->arg[k]);
    }
    free(l);
    vs_event_queue_destroy(q);
}

/* A slot whose generation would wrap is retired, so no handle is ever reused. */
static void test_generation_retirement(void **state)
{
    (void)state;
    struct vs_event_queue *q = vs_event_queue_create(0);
    assert_non_null(q);
    struct log *l = new_log(q);
    vs_event_id a, b, c, d;
    assert_int_equal(vs_event_schedule(q, 1, record, l, 1, &a), VS_OK);
    assert_true(vs_event_step(q));
    q->slots[0].gen = UINT32_MAX - 1; /* as if reused 2^32 - 3 more times */
    assert_int_equal(vs_event_schedule(q, 2, record, l, 2, &b), VS_OK);
    assert_true(vs_event_step(q));
    assert_int_equal(vs_event_schedule(q, 3, record, l, 3, &c), VS_OK);
    assert_true((c >> 32) == UINT32_MAX && (c & 0xffffffff) == 1);
    assert_true(vs_event_step(q));
    assert_int_equal(vs_event_schedule(q, 4, record, l, 4, &d), VS_OK);
    assert_true((d & 0xffffffff) == 2); /* a new slot, not the retired one */
    assert_true(a != b && b != c && c != d && a != d);
    assert_false(vs_event_cancel(q, c));
    assert_true(vs_event_cancel(q, d));
    free(l);
    vs_event_queue_destroy(q);
}

/* ---- randomized stress against a sorted-array reference ---- */

struct ref_entry {
    vs_time_ns time_ns;
    uint64_t seq;
};

enum { REF_PENDING, REF_CANCELLED, REF_RAN };


struct stress {
    struct vs_event_queue *q;
    /* The reference: pending entries sorted by (time, seq) descending, so the
     * next to run is at the end. */
    struct ref_entry *ref;
    size_t ref_len;
    size_t ref_live;
    unsigned char *ref_state; /* by seq */
    vs_event_id *handle;      /* by seq */
    uint64_t seqs;
    uint64_t ran[4096];
    size_t ran_n;
};

static void stress_fire(void *ctx, uint64_t arg)
{
    struct stress *s = ctx;
    assert_true(s->ran_n < 4096);
    s->ran[s->ran_n++] = arg;
}

static bool ref_before(struct ref_entry a, struct ref_entry b)
{
    return a.time_ns < b.time_ns || (a.time_ns == b.time_ns && a.seq < b.seq);
}

static void ref_insert(struct stress *s, struct ref_entry e)
{
    size_t lo = 0, hi = s->ref_len; /* first index whose entry runs before e */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ref_before(s->ref[mid], e)) hi = mid;
        else lo = mid + 1;
    }
    memmove(&s->ref[lo + 1], &s->ref[lo], (s->ref_len - lo) * sizeof e);
    s->ref[lo] = e;
    s->ref_len++;
    s->ref_live++;
}

/* Drops cancelled entries from the end; returns the next pending or NULL. */
static struct ref_entry *ref_top(struct stress *s)
{
    while (s->ref_len && s->ref_state[s->ref[s->ref_len - 1].seq] == REF_CANCELLED) s->ref_len--;
    return s->ref_len ? &s->ref[s->ref_len - 1] : NULL;
}

static uint64_t ref_pop(struct stress *s)
{
    struct ref_entry *e = ref_top(s);
    assert_non_null(e);
    s->ref_len--;
    s->ref_live--;
    s->ref_state[e->seq] = REF_RAN;
    return e->seq;
}

static void run_stress(uint64_t seq_limit, uint64_t seed)
{
    enum { OPS = 100000, LIMIT = 500 };
    struct stress s = {0};
    s.q = vs_event_queue_create(0);
    assert_non_null(s.q);
    if (seq_limit) s.q->seq_limit = seq_limit;
    vs_event_set_limit(s.q, LIMIT);
    s.ref = malloc(OPS * sizeof *s.ref);
    s.ref_state = malloc(OPS);
    s.handle = malloc(OPS * sizeof *s.handle);
    assert_true(s.ref && s.ref_state && s.handle);

    struct test_rng r = {seed};
    int refused = 0, cancels_true = 0;
    size_t max_live = 0;
    int compactions = 0, renumberings = 0;
    for (int op = 0; op < OPS; op++) {
        /* Phases shift the mix so the queue fills to the limit, is mostly
         * cancelled (compaction), and drains. */
        int phase = (op / 5000) % 3;
        static const int sched_pct[] = {70, 25, 30}, cancel_pct[] = {10, 65, 10};
        int pick = (int)(rng_next(&r) % 100);
        vs_time_ns now = vs_event_now(s.q);
        uint64_t seq_before = s.q->next_seq;
        if (pick < sched_pct[phase]) {
            vs_time_ns at = now + (vs_time_ns)(rng_next(&r) % 4 == 0 ? rng_next(&r) % 100000
                                                                        : rng_next(&r) % 40);
            vs_event_id id = 0;
            int rc = vs_event_schedule(s.q, at, stress_fire, &s, s.seqs, &id);
            if (s.ref_live >= LIMIT) {
                assert_int_equal(rc, VS_ERR_RUNTIME);
                refused++;
            } else {
                assert_int_equal(rc, VS_OK);
                s.handle[s.seqs] = id;
                s.ref_state[s.seqs] = REF_PENDING;
                ref_insert(&s, (struct ref_entry){at, s.seqs});
                s.seqs++;
            }
        } else if (pick < sched_pct[phase] + cancel_pct[phase]) {
            if (!s.seqs) continue;
            /* Any event ever scheduled (mostly run already), or, in the
             * cancelling phase, mostly one the reference still holds. */
            uint64_t victim = rng_next(&r) % s.seqs;
            if (phase == 1 && rng_next(&r) % 4 && s.ref_len)
                victim = s.ref[rng_next(&r) % s.ref_len].seq;
            bool expect = s.ref_state[victim] == REF_PENDING;
            assert_int_equal(vs_event_cancel(s.q, s.handle[victim]), expect);
            if (expect) {
                s.ref_state[victim] = REF_CANCELLED;
                s.ref_live--;
                cancels_true++;
                compactions += s.q->cancelled == 0; /* this cancel compacted the heap */
            }
        } else if (pick < 97) {
            s.ran_n = 0;
            bool any = ref_top(&s) != NULL;
            vs_time_ns expect_now = any ? ref_top(&s)->time_ns : now;
            assert_int_equal(vs_event_step(s.q), any);
            if (any) {
                assert_int_equal(s.ran_n, 1);
                assert_true(s.ran[0] == ref_pop(&s));
            }
            assert_true(vs_event_now(s.q) == expect_now);
        } else {
            vs_time_ns end = now + (vs_time_ns)(rng_next(&r) % 20);
            s.ran_n = 0;
            uint64_t n = vs_event_run_until(s.q, end);
            assert_true(n == s.ran_n);
            for (size_t k = 0; k < s.ran_n; k++) {
                struct ref_entry *e = ref_top(&s);
                assert_non_null(e);
                assert_true(e->time_ns <= end);
                assert_true(s.ran[k] == ref_pop(&s));
            }
            struct ref_entry *e = ref_top(&s);
            assert_true(e == NULL || e->time_ns > end);
            assert_true(vs_event_now(s.q) == end);
        }
        assert_int_equal(vs_event_pending(s.q), s.ref_live);
        if (s.ref_live > max_live) max_live = s.ref_live;
        renumberings += s.q->next_seq < seq_before;
        if (op % 16 == 0) {
            struct ref_entry *e = ref_top(&s);
            assert_true(vs_event_next_time(s.q) == (e ? e->time_ns : VS_TIME_NEVER));
        }
    }
    /* The mix did what it was meant to: hit the limit and cancel a lot. */
    assert_true(max_live == LIMIT);
    assert_true(refused > 100);
    assert_true(compactions > 10);
    if (seq_limit) assert_true(renumberings > 10);
    assert_true(cancels_true > 3000);
    /* Drain both and compare to the end. */
    while (ref_top(&s)) {
        s.ran_n = 0;
        assert_true(vs_event_step(s.q));
        assert_true(s.ran[0] == ref_pop(&s));
    }
    assert_false(vs_event_step(s.q));
    free(s.ref);
    free(s.ref_state);
    free(s.handle);
    vs_event_queue_destroy(s.q);
}

static void test_stress_vs_reference(void **state)
{
    (void)state;
    run_stress(0, 1);
}

/* The same with a tiny seq space, so renumbering happens often mid-stress. */
static void test_stress_with_renumbering(void **state)
{
    (void)state;
    run_stress(1500, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_queue),
        cmocka_unit_test(test_time_order),
        cmocka_unit_test(test_fifo_equal_times),
        cmocka_unit_test(test_schedule_errors),
        cmocka_unit_test(test_cancel),
        cmocka_unit_test(test_stale_handle),
        cmocka_unit_test(test_cancel_from_callback),
        cmocka_unit_test(test_mass_cancel),
        cmocka_unit_test(test_large_hold),
        cmocka_unit_test(test_run_until),
        cmocka_unit_test(test_stop),
        cmocka_unit_test(test_limit),
        cmocka_unit_test(test_renumber_keeps_fifo),
        cmocka_unit_test(test_generation_retirement),
        cmocka_unit_test(test_stress_vs_reference),
        cmocka_unit_test(test_stress_with_renumbering),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
