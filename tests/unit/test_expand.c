/* Composite operations (approaches/expand.c): the expansion table is what
 * docs/cost-rules.md says; under every preset of every engine, on every
 * built-in host, pricing a composite through vs_engine_price is exactly its
 * primitives priced one by one by the engine's cost() plus its own event; and
 * no engine's cost() prices a composite itself (that is not its job). */
#include "testutil.h"

#include <stdio.h>

#include "virtsim/load/builtin.h"
#include "virtsim/load/config.h"
#include "virtsim/model/engine.h"

static struct vs_workload wl;

static int setup(void **state)
{
    (void)state;
    memset(&wl, 0, sizeof wl);
    /* A CPI and memory references other than 1 and 0, so that engines that
     * scale with them (emulation) do. */
    wl.request.cpi = 1.2;
    wl.request.mem_refs_per_instruction = 0.35;
    wl.memory.footprint_bytes = 64.0 * 1048576;
    wl.memory.code_bytes = 4.0 * 1048576;
    return 0;
}

#define MAX_HOSTS 16

/* The default host and every built-in host profile; returns how many. */
static size_t hosts(struct vs_host_spec *out)
{
    size_t n = 0;
    vs_host_spec_defaults(&out[n++]);
    for (size_t i = 0; i < vs_builtin_count(); i++) {
        const struct vs_builtin *b = vs_builtin_at(i);
        if (b->kind != VS_BUILTIN_HOST) continue;
        assert_true(n < MAX_HOSTS);
        struct vs_error err = {0};
        int rc = vs_config_resolve_host(b->name, NULL, &out[n], &err);
        if (rc != VS_OK) print_error("%s: %s\n", b->name, err.message);
        assert_int_equal(rc, VS_OK);
        n++;
    }
    assert_true(n >= 2);
    return n;
}

static bool work_equal(const struct vs_work *a, const struct vs_work *b)
{
    for (int k = 0; k < VS_CAT_COUNT; k++)
        if (a->cycles[k] != b->cycles[k]) return false;
    for (int k = 0; k < VS_EVT_COUNT; k++)
        if (a->events[k] != b->events[k]) return false;
    return true;
}

static size_t n_steps(const struct vs_op_expansion *x)
{
    size_t n = 0;
    while (n < VS_OP_MAX_STEPS && x->steps[n].count_from != VS_STEP_END) n++;
    return n;
}

/* fork + exec is the one composite today, and it expands into the four
 * fork_* constants of the host profile, in this order (the order fixes how
 * the cycles add up, so the figures stay what they were). */
static void test_fork_exec_table(void **state)
{
    (void)state;
    for (int op = 0; op < VS_OP_COUNT; op++)
        if (op != VS_OP_PROCESS_CREATE && op != VS_OP_PAGE_CACHE_READ && op != VS_OP_FORK &&
            op != VS_OP_EXEC)
            assert_null(vs_op_expansion((enum vs_op_kind)op));
    assert_null(vs_op_expansion(VS_OP_COUNT));
    const struct vs_op_expansion *x = vs_op_expansion(VS_OP_PROCESS_CREATE);
    assert_non_null(x);
    assert_int_equal(x->event, VS_EVT_PROCESS_CREATE);
    /* exec's load of the new address space is one CR3 load whatever the
     * host; the other counts are the host profile's fork_* constants. */
    static const struct {
        enum vs_op_kind op;
        enum vs_cost_id cost;
        double fixed; /* > 0: a fixed count instead of a host constant */
    } want[] = {
        {VS_OP_SYSCALL, VS_COST_FORK_SYSCALLS, 0},
        {VS_OP_KERNEL_INSTRUCTION, VS_COST_FORK_KERNEL_INSTRUCTIONS, 0},
        {VS_OP_PT_UPDATE, VS_COST_FORK_PT_UPDATES, 0},
        {VS_OP_CR3_LOAD, 0, 1},
        {VS_OP_PAGE_FAULT, VS_COST_FORK_PAGE_FAULTS, 0},
    };
    assert_int_equal(n_steps(x), sizeof want / sizeof want[0]);
    struct vs_host_spec h;
    vs_host_spec_defaults(&h);
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
        assert_int_equal(x->steps[k].op, want[k].op);
        assert_true(x->steps[k].bytes == 0);
        if (want[k].fixed > 0) {
            assert_int_equal(x->steps[k].count_from, VS_STEP_FIXED);
            assert_true(vs_op_step_count(&x->steps[k], &h.costs, NULL) == want[k].fixed);
            continue;
        }
        assert_int_equal(x->steps[k].count_from, VS_STEP_HOST_COST);
        assert_int_equal(x->steps[k].cost, want[k].cost);
        assert_true(vs_op_step_count(&x->steps[k], &h.costs, NULL) == vs_cost(&h.costs, want[k].cost));
    }
}

/* Every composite in the table is made of primitives only (one level of
 * expansion is all vs_engine_price does), has at least one step, and counts
 * its own event. */
static void test_table_well_formed(void **state)
{
    (void)state;
    struct vs_host_spec hs[MAX_HOSTS];
    size_t nh = hosts(hs);
    size_t composites = 0;
    for (int op = 0; op < VS_OP_COUNT; op++) {
        const struct vs_op_expansion *x = vs_op_expansion((enum vs_op_kind)op);
        if (!x) continue;
        composites++;
        assert_true((int)x->event >= 0 && x->event < VS_EVT_COUNT);
        size_t n = n_steps(x);
        assert_true(n >= 1);
        for (size_t k = 0; k < n; k++) {
            const struct vs_op_step *s = &x->steps[k];
            assert_true((int)s->op >= 0 && s->op < VS_OP_COUNT);
            if (vs_op_expansion(s->op))
                fail_msg("%s: step %zu (%s) is itself composite", vs_op_name((enum vs_op_kind)op),
                         k, vs_op_name(s->op));
            assert_true(s->count_from != VS_STEP_END);
            if (s->count_from == VS_STEP_HOST_COST) assert_true(s->cost < VS_COST_COUNT);
            for (size_t i = 0; i < nh; i++) assert_true(vs_op_step_count(s, &hs[i].costs, NULL) >= 0);
        }
    }
    assert_true(composites >= 1);
}

/* Under every preset on every host: a composite priced through
 * vs_engine_price equals its steps priced one by one by the engine's own
 * cost(), in the table's order, plus count of its event; exactly, as both
 * are deterministic. A primitive goes straight to cost(). */
static void test_composite_is_sum_of_primitives(void **state)
{
    (void)state;
    struct vs_host_spec hs[MAX_HOSTS];
    size_t nh = hosts(hs);
    static const double counts[] = {1, 3, 0.25};
    for (size_t i = 0; i < vs_engine_count(); i++) {
        const struct vs_engine_ops *ops = vs_engine_at(i);
        for (size_t p = 0; p < ops->n_presets; p++) {
            size_t opened = 0;
            for (size_t hi = 0; hi < nh; hi++) {
                const struct vs_host_spec *h = &hs[hi];
                struct vs_engine e;
                struct vs_error err = {0};
                int rc = vs_engine_open(ops->presets[p].name, h, &e, &err);
                if (rc == VS_ERR_INPUT) continue; /* this host lacks what the preset needs */
                assert_int_equal(rc, VS_OK);
                opened++;
                assert_ptr_equal(e.ops, ops);
                for (int op = 0; op < VS_OP_COUNT; op++) {
                    const struct vs_op_expansion *x = vs_op_expansion((enum vs_op_kind)op);
                    for (size_t ci = 0; ci < sizeof counts / sizeof counts[0]; ci++) {
                        double n = counts[ci], bytes = 1500;
                        struct vs_work got, want;
                        vs_work_clear(&got);
                        vs_work_clear(&want);
                        vs_engine_price(&e, h, &wl, (enum vs_op_kind)op, n, bytes, &got);
                        if (!x) {
                            e.ops->cost(e.state, &wl, (enum vs_op_kind)op, n, bytes, &want);
                            if (op == VS_OP_CR3_LOAD)
                                e.ops->cost(e.state, &wl, VS_OP_TLB_MISS,
                                            n * vs_cr3_refill_walks(h, &wl), 0, &want);
                        } else {
                            for (size_t k = 0; k < n_steps(x); k++)
                                e.ops->cost(e.state, &wl, x->steps[k].op,
                                            n * vs_op_step_count(&x->steps[k], &h->costs, &wl),
                                            x->steps[k].bytes, &want);
                            want.events[x->event] += n;
                            /* A composite does real work under every approach. */
                            assert_true(vs_work_total_cycles(&got) > 0);
                            assert_true(got.events[x->event] == n);
                        }
                        if (!work_equal(&got, &want))
                            fail_msg("%s on host %s: %s x %g priced through vs_engine_price "
                                     "differs from its primitives priced one by one",
                                     ops->presets[p].name, h->name,
                                     vs_op_name((enum vs_op_kind)op), n);
                    }
                }
                vs_engine_close(&e);
            }
            if (opened == 0) fail_msg("%s opens on no host", ops->presets[p].name);
        }
    }
}

/* Composites are not an engine's job: called with one directly, every
 * engine's cost() adds nothing at all (no cycles, no events), so a caller
 * that bypassed vs_engine_price would see a free fork, never a half-priced
 * one, and this test shows no engine still special-cases it. */
static void test_cost_ignores_composites(void **state)
{
    (void)state;
    struct vs_host_spec hs[MAX_HOSTS];
    size_t nh = hosts(hs);
    for (size_t i = 0; i < vs_engine_count(); i++) {
        const struct vs_engine_ops *ops = vs_engine_at(i);
        for (size_t p = 0; p < ops->n_presets; p++)
            for (size_t hi = 0; hi < nh; hi++) {
                struct vs_engine e;
                struct vs_error err = {0};
                int rc = vs_engine_open(ops->presets[p].name, &hs[hi], &e, &err);
                if (rc == VS_ERR_INPUT) continue;
                assert_int_equal(rc, VS_OK);
                for (int op = 0; op < VS_OP_COUNT; op++) {
                    if (!vs_op_expansion((enum vs_op_kind)op)) continue;
                    struct vs_work w, zero;
                    vs_work_clear(&w);
                    vs_work_clear(&zero);
                    e.ops->cost(e.state, &wl, (enum vs_op_kind)op, 3, 0, &w);
                    if (!work_equal(&w, &zero))
                        fail_msg("%s: cost() priced the composite %s itself",
                                 ops->presets[p].name, vs_op_name((enum vs_op_kind)op));
                }
                vs_engine_close(&e);
            }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_fork_exec_table, setup),
        cmocka_unit_test_setup(test_table_well_formed, setup),
        cmocka_unit_test_setup(test_composite_is_sum_of_primitives, setup),
        cmocka_unit_test_setup(test_cost_ignores_composites, setup),
    };
    return cmocka_run_group_tests_name("expand", tests, NULL, NULL);
}
