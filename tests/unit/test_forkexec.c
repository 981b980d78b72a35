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
 * - in a whole simulation (fork-exec's request forking without exec), a
 *   4x larger parent costs more CPU per request natively, and under
 *   hvm-shadow takes many more exits per request; the YAML keys
 *   `forks_without_exec` and `execs` reach the request;
 * - a CR3 load refills the TLB with the switched-in working set: with 1 GiB
 *   it costs more than with 1 MiB (natively and more so under nested paging),
 *   with no working set it is the bare load, and a workload that states its
 *   own TLB misses has the refill among them; a thread switch (no CR3 load)
 *   does not depend on the working set. */
#include "testutil.h"

#include <stdlib.h>

#include "virtsim/load/config.h"
#include "virtsim/model/engine.h"
#include "virtsim/run/compare.h"
#include "virtsim/run/sim.h"

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

static void test_yaml_keys(void **state)
{
    (void)state;
    const char *y = "name: f\nload: {kind: closed, clients: 1}\n"
                    "request: {instructions: 1000, forks_without_exec: 2, execs: 0.5}\n"
                    "memory: {footprint: 64MiB}\n";
    struct vs_workload w;
    struct vs_error e;
    int rc = vs_config_load_workload(y, strlen(y), "t.yaml", &w, &e);
    if (rc != VS_OK) print_error("%s\n", e.message);
    assert_int_equal(rc, VS_OK);
    assert_true(w.request.count[VS_OP_FORK] == 2);
    assert_true(w.request.count[VS_OP_EXEC] == 0.5);
    assert_true(w.request.count[VS_OP_PROCESS_CREATE] == 0);
    const char *bad = "name: f\nload: {kind: closed, clients: 1}\n"
                      "request: {instructions: 1000, execs: -1}\n";
    assert_int_equal(vs_config_load_workload(bad, strlen(bad), "t.yaml", &w, &e), VS_ERR_INPUT);
}

/* fork-exec's workload with its fork + exec replaced by a fork alone, of a
 * parent of the given footprint, under native and hvm-shadow. */
static void run_forks(double footprint_bytes, struct vs_results *r)
{
    struct vs_compare_opts o = {.workload = "fork-exec", .host = "current",
                                .approaches = "native,hvm-shadow", .duration_ns = VS_NS_PER_S, .seed = 3};
    struct vs_scenario *sc = malloc(sizeof *sc);
    assert_non_null(sc);
    char skipped[1024];
    struct vs_error err;
    assert_int_equal(vs_compare_scenario(&o, sc, skipped, sizeof skipped, &err), VS_OK);
    for (uint32_t g = 0; g < sc->n_guests; g++) {
        struct vs_workload *w = &sc->guests[g].workload;
        w->request.count[VS_OP_PROCESS_CREATE] = 0;
        w->request.count[VS_OP_FORK] = 1;
        w->memory.footprint_bytes = footprint_bytes;
    }
    int rc = vs_sim_run_scenario(sc, 3, r, &err);
    if (rc != VS_OK) print_error("%s\n", err.message);
    assert_int_equal(rc, VS_OK);
    free(sc);
}

static double cpu_ns_per_request(const struct vs_results *r, const char *engine)
{
    const struct vs_guest_result *g = run_of(r, engine);
    double sum = 0;
    for (int c = 0; c < VS_CAT_COUNT; c++)
        if (c != VS_CAT_IDLE) sum += g->cpu_ns[c];
    assert_true(g->completed > 0);
    return sum / (double)g->completed;
}

static void test_simulated_fork_of_a_larger_parent(void **state)
{
    (void)state;
    struct vs_results small, big;
    run_forks(64 * MIB, &small);
    run_forks(256 * MIB, &big);
    /* 64 MiB: ~0.9 ms of CPU per request natively, 256 MiB: ~2.8 ms */
    double ns = cpu_ns_per_request(&small, "native"), nb = cpu_ns_per_request(&big, "native");
    if (!(nb > ns * 2)) print_error("native CPU per request: %g ns (64 MiB), %g ns (256 MiB)\n", ns, nb);
    assert_true(nb > ns * 2);
    /* every copied PTE write exits: ~33k exits per request, ~131k */
    const struct vs_guest_result *hs = run_of(&small, "hvm-shadow"), *hb = run_of(&big, "hvm-shadow");
    double xs = hs->events[VS_EVT_VMEXIT] / (double)hs->completed;
    double xb = hb->events[VS_EVT_VMEXIT] / (double)hb->completed;
    if (!(xb > 3 * xs)) print_error("hvm-shadow exits per request: %g (64 MiB), %g (256 MiB)\n", xs, xb);
    assert_true(xb > 3 * xs);
    assert_true(run_of(&big, "native")->events[VS_EVT_FORK] > 0);
    vs_results_free(&small);
    vs_results_free(&big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_fork_grows_with_parent, setup),
        cmocka_unit_test_setup(test_exec_independent_of_parent, setup),
        cmocka_unit_test_setup(test_shadow_fork_exits_grow, setup),
        cmocka_unit_test_setup(test_fork_exec_composite_unchanged, setup),
        cmocka_unit_test_setup(test_cr3_load_refills_working_set, setup),
        cmocka_unit_test(test_yaml_keys),
        cmocka_unit_test(test_simulated_fork_of_a_larger_parent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
