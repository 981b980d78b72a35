/* Fork and exec as separate operations (approaches/expand.c,
 * docs/cost-rules.md). Invariants checked here, on operations priced
 * through vs_engine_price:
 * - a fork copies the parent's page tables: natively, a parent with 4x the
 *   footprint forks at a higher cost, and the part that grows (the per-page
 *   copy) grows 4x;
 * - an exec builds a new address space from the new image: its cost does not
 *   depend on the parent's footprint, and grows with the image's code;
 * - under shadow paging every copied PTE write is trapped, so a parent with
 *   16x the footprint forks with many times the VM exits;
 * - the fork + exec composite (`forks`) is unchanged by the parent's size;
 * - a CR3 load refills the TLB with the switched-in working set: with 1 GiB
 *   it costs more than with 1 MiB (natively and more so under nested paging),
 *   with no working set it is the bare load, and a workload that states its
 *   own TLB misses has the refill among them; a thread switch (no CR3 load)
 *   does not depend on the working set. */
#include "testutil.h"

#include "virtsim/model/engine.h"

#define MIB (1024.0 * 1024.0)

static struct vs_host_spec host;
static struct vs_workload wl;

static int setup(void **state)
{
    (void)state;
    vs_host_spec_defaults(&host);
    memset(&wl, 0, sizeof wl);
    wl.request.cpi = 1.0;
    wl.request.mem_refs_per_instruction = 0.3;
    return 0;
}

static struct vs_work price(const char *preset, enum vs_op_kind op, double footprint_bytes)
{
    struct vs_engine e;
    struct vs_error err;
    wl.memory.footprint_bytes = footprint_bytes;
    int rc = vs_engine_open(preset, &host, &e, &err);
    if (rc != VS_OK) print_error("%s: %s\n", preset, err.message);
    assert_int_equal(rc, VS_OK);
    struct vs_work w;
    vs_work_clear(&w);
    vs_engine_price(&e, &host, &wl, op, 1, 0, &w);
    vs_engine_close(&e);
    return w;
}

static double cycles(const char *preset, enum vs_op_kind op, double footprint_bytes)
{
    struct vs_work w = price(preset, op, footprint_bytes);
    return vs_work_total_cycles(&w);
}

static void test_fork_grows_with_parent(void **state)
{
    (void)state;
    double none = cycles("native", VS_OP_FORK, 0);
    double small = cycles("native", VS_OP_FORK, 64 * MIB);
    double big = cycles("native", VS_OP_FORK, 256 * MIB);
    assert_true(none > 0);
    assert_true(big > small);
    assert_true(small > none);
    /* the page-table copy, what grows: 4x the pages, 4x the work */
    double ratio = (big - none) / (small - none);
    if (ratio < 3.9 || ratio > 4.1) fail_msg("per-page part grew %.3fx for a 4x parent", ratio);
    /* and it is counted as PTE writes: two per mapped page */
    struct vs_work w = price("native", VS_OP_FORK, 256 * MIB);
    assert_true(w.events[VS_EVT_PT_UPDATE] >= 256 * MIB / 4096);
    assert_true(w.events[VS_EVT_FORK] == 1);
}

static void test_exec_independent_of_parent(void **state)
{
    (void)state;
    const char *presets[] = {"native", "hvm-shadow", "kvm"};
    for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++) {
        double small = cycles(presets[i], VS_OP_EXEC, 64 * MIB);
        double big = cycles(presets[i], VS_OP_EXEC, 4096 * MIB);
        assert_true(small > 0);
        if (small != big) fail_msg("%s: exec of a 4 GiB parent costs %g, of 64 MiB %g", presets[i], big, small);
    }
    /* a larger image faults more pages in */
    wl.memory.code_bytes = 1 * MIB;
    double code1 = cycles("native", VS_OP_EXEC, 64 * MIB);
    wl.memory.code_bytes = 8 * MIB;
    double code8 = cycles("native", VS_OP_EXEC, 64 * MIB);
    assert_true(code8 > code1);
}

static void test_shadow_fork_exits_grow(void **state)
{
    (void)state;
    struct vs_work small = price("hvm-shadow", VS_OP_FORK, 16 * MIB);
    struct vs_work big = price("hvm-shadow", VS_OP_FORK, 256 * MIB);
    double s = small.events[VS_EVT_VMEXIT], b = big.events[VS_EVT_VMEXIT];
    assert_true(s > 0);
    if (!(b > 8 * s)) fail_msg("hvm-shadow fork exits: %g for 256 MiB, %g for 16 MiB", b, s);
    /* and the trapped writes make it far dearer than native's copy */
    assert_true(vs_work_total_cycles(&big) > 2 * cycles("native", VS_OP_FORK, 256 * MIB));
}

static void test_fork_exec_composite_unchanged(void **state)
{
    (void)state;
    double small = cycles("native", VS_OP_PROCESS_CREATE, 64 * MIB);
    double big = cycles("native", VS_OP_PROCESS_CREATE, 4096 * MIB);
    assert_true(small > 0);
    assert_true(small == big);
}

static double cr3_cycles(const char *preset, enum vs_op_kind op, double working_set_bytes)
{
    wl.memory.working_set_bytes = working_set_bytes;
    return cycles(preset, op, 2 * working_set_bytes);
}

static void test_cr3_load_refills_working_set(void **state)
{
    (void)state;
    const char *presets[] = {"native", "hvm-ept", "hvm-shadow", "xen-pv", "vmware"};
    for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++) {
        double none = cr3_cycles(presets[i], VS_OP_CR3_LOAD, 0);
        double small = cr3_cycles(presets[i], VS_OP_CR3_LOAD, 1 * MIB);
        double big = cr3_cycles(presets[i], VS_OP_CR3_LOAD, 1024 * MIB);
        if (!(none > 0 && small > none && big > small))
            fail_msg("%s: CR3 load %g / %g / %g cycles with no / 1 MiB / 1 GiB working set", presets[i],
                     none, small, big);
        /* a thread switch keeps its address space: nothing to refill */
        double t_small = cr3_cycles(presets[i], VS_OP_CONTEXT_SWITCH, 1 * MIB);
        double t_big = cr3_cycles(presets[i], VS_OP_CONTEXT_SWITCH, 1024 * MIB);
        if (t_small != t_big) fail_msg("%s: thread switch depends on the working set", presets[i]);
    }
    /* a workload that states its TLB misses has counted the refill among them */
    wl.request.count[VS_OP_TLB_MISS] = 200;
    assert_true(cr3_cycles("native", VS_OP_CR3_LOAD, 1024 * MIB) == cr3_cycles("native", VS_OP_CR3_LOAD, 1 * MIB));
    wl.request.count[VS_OP_TLB_MISS] = 0;
    /* the refill is walks: two-dimensional ones cost more */
    double native = cr3_cycles("native", VS_OP_CR3_LOAD, 1024 * MIB) - cr3_cycles("native", VS_OP_CR3_LOAD, 0);
    double ept = cr3_cycles("hvm-ept", VS_OP_CR3_LOAD, 1024 * MIB) - cr3_cycles("hvm-ept", VS_OP_CR3_LOAD, 0);
    assert_true(ept > native);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_fork_grows_with_parent, setup),
        cmocka_unit_test_setup(test_exec_independent_of_parent, setup),
        cmocka_unit_test_setup(test_shadow_fork_exits_grow, setup),
        cmocka_unit_test_setup(test_fork_exec_composite_unchanged, setup),
        cmocka_unit_test_setup(test_cr3_load_refills_working_set, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
