/* Address-space mechanisms of the engines, each priced as its real sequence
 * of steps (docs/cost-rules.md). Invariants checked here:
 * - shadow paging (hvm-shadow, binary translation): a process switch costs
 *   hidden faults (exits under VT-x, monitor traps under BT) when the guest's
 *   working set exceeds the VMM's shadow cache, and none when it fits; a new
 *   address space (exec) has no shadow, so a fork + exec takes hidden faults
 *   whatever the cache; nested paging takes none;
 * - BT's process switch with a working set beyond the shadow cache costs
 *   several times native's;
 * - UML: a guest system call costs at least two host context switches more
 *   than a native one (ptrace stops), a guest page fault a host signal and
 *   host calls on top of the fault, and a guest process switch a host
 *   process switch plus host remapping calls; the cheapest of these, the
 *   null system call, is still more than 5x native;
 * - Xen PV: a guest page fault is several guest-Xen transitions (the trap
 *   and bounce, the PTE's mmu_update, the return through Xen), not one;
 * - page faults by kind: natively a copy-on-write fault costs a page copy
 *   more than a file-backed one and a zero-fill fault the zeroing more; every
 *   VMM takes each kind through the same steps, so its overhead does not
 *   depend on the kind (a container's memory cgroup charges only new pages).
 * Each follows from the mechanism: it is checked on priced operations, and
 * the first in a whole simulation (a file server on the 2006 host, whose
 * working set is made to fit its shadow cache or not), not by restating a
 * constant. */
#include "testutil.h"

#include <stdlib.h>

#include "virtsim/model/engine.h"
#include "virtsim/run/compare.h"
#include "virtsim/load/config.h"
#include "virtsim/run/sim.h"

static struct vs_host_spec host;
static struct vs_workload wl;

static int setup(void **state)
{
    (void)state;
    vs_host_spec_defaults(&host);
    memset(&wl, 0, sizeof wl);
    wl.request.cpi = 1.0;
    wl.request.mem_refs_per_instruction = 0.3;
    wl.memory.footprint_bytes = 8.0 * 1024 * 1048576;
    /* a request: one switch between two existing address spaces, and the
     * pages it touches before the next one (each a TLB miss after the flush) */
    wl.request.count[VS_OP_CONTEXT_SWITCH] = 1;
    wl.request.count[VS_OP_CR3_LOAD] = 1;
    wl.request.count[VS_OP_TLB_MISS] = 2000;
    return 0;
}

static double c(enum vs_cost_id id) { return vs_cost(&host.costs, id); }

static struct vs_work price(const char *preset, enum vs_op_kind op, double n)
{
    struct vs_engine e;
    struct vs_error err;
    int rc = vs_engine_open(preset, &host, &e, &err);
    if (rc != VS_OK) print_error("%s: %s\n", preset, err.message);
    assert_int_equal(rc, VS_OK);
    struct vs_work w;
    vs_work_clear(&w);
    vs_engine_price(&e, &host, &wl, op, n, 0, &w);
    vs_engine_close(&e);
    return w;
}

/* A switch between processes: the scheduler's switch and the CR3 load. */
static struct vs_work process_switch(const char *preset)
{
    struct vs_work w = price(preset, VS_OP_CONTEXT_SWITCH, 1);
    struct vs_work cr3 = price(preset, VS_OP_CR3_LOAD, 1);
    vs_work_add(&w, &cr3, 1.0);
    return w;
}

static void test_hvm_shadow_switch_exits_only_beyond_the_shadow_cache(void **state)
{
    (void)state;
    double cache = c(VS_COST_SHADOW_CACHE_BYTES);
    wl.memory.working_set_bytes = cache / 2;
    struct vs_work fits = process_switch("hvm-shadow");
    wl.memory.working_set_bytes = cache * 2;
    struct vs_work beyond = process_switch("hvm-shadow");
    /* Fits: the CR3-load exit that switches to the cached shadow, nothing else. */
    assert_true(fits.events[VS_EVT_VMEXIT] == 1);
    /* Beyond: the evicted half of the shadow entries the switched-in space
     * touches fault back in, each a hidden page-fault exit. */
    assert_true(beyond.events[VS_EVT_VMEXIT] > 100);
    assert_true(beyond.cycles[VS_CAT_VMEXIT] > 100 * fits.cycles[VS_CAT_VMEXIT]);
    /* Hidden faults are never the guest's: its fault count does not move. */
    assert_true(beyond.events[VS_EVT_PAGE_FAULT] == 0);
    /* Nested paging has no shadow to refill, whatever the working set. */
    if (host.cpu.nested_paging) {
        struct vs_work ept = process_switch("hvm-ept");
        assert_true(ept.events[VS_EVT_VMEXIT] == 0);
    }
}

static void test_bt_switch_takes_hidden_faults_beyond_the_cache(void **state)
{
    (void)state;
    double cache = c(VS_COST_SHADOW_CACHE_BYTES);
    wl.memory.working_set_bytes = cache / 2;
    struct vs_work fits = process_switch("vmware");
    wl.memory.working_set_bytes = cache * 2;
    struct vs_work beyond = process_switch("vmware");
    assert_true(fits.events[VS_EVT_TRAP] == 0);
    assert_true(beyond.events[VS_EVT_TRAP] > 100);
    struct vs_work native = process_switch("native");
    /* With its shadows evicted, BT's process switch costs several times a
     * native one (the monitor's switch, then the refill). */
    assert_true(vs_work_total_cycles(&beyond) > 3 * vs_work_total_cycles(&native));
    /* With them cached, it costs more than native but within a factor 2. */
    assert_true(vs_work_total_cycles(&fits) > vs_work_total_cycles(&native));
    assert_true(vs_work_total_cycles(&fits) < 2 * vs_work_total_cycles(&native));
}

/* exec gives the child a new address space: no shadow exists for it, so
 * the pages it touches with present guest PTEs fault into the VMM even
 * though the working set fits the cache. */
static void test_fork_exec_fills_a_new_shadow(void **state)
{
    (void)state;
    wl.memory.working_set_bytes = c(VS_COST_SHADOW_CACHE_BYTES) / 16;
    wl.request.count[VS_OP_PROCESS_CREATE] = 1;
    struct vs_work bt = price("vmware", VS_OP_PROCESS_CREATE, 1);
    double visible = c(VS_COST_FORK_SYSCALLS) + c(VS_COST_FORK_PT_UPDATES) + c(VS_COST_FORK_PAGE_FAULTS);
    /* the monitor's traps: the guest's calls, PTE writes and faults, plus hidden faults */
    assert_true(bt.events[VS_EVT_TRAP] > visible + 1);
    struct vs_work hvm = price("hvm-shadow", VS_OP_PROCESS_CREATE, 1);
    /* exits: PTE writes, faults, the CR3 load, plus hidden faults */
    assert_true(hvm.events[VS_EVT_VMEXIT] > c(VS_COST_FORK_PT_UPDATES) + c(VS_COST_FORK_PAGE_FAULTS) + 1 + 1);
}

static double total(const char *preset, enum vs_op_kind op)
{
    struct vs_work w = price(preset, op, 1);
    return vs_work_total_cycles(&w);
}

static void test_uml_syscall_is_ptrace_round_trips(void **state)
{
    (void)state;
    double native = total("native", VS_OP_SYSCALL), uml = total("uml", VS_OP_SYSCALL);
    assert_true(uml - native >= 2 * c(VS_COST_CONTEXT_SWITCH_CYCLES));
    assert_true(uml > 5 * native);
    /* with a dearer host switch, the difference follows it */
    host.costs.value[VS_COST_CONTEXT_SWITCH_CYCLES] *= 2;
    double uml2 = total("uml", VS_OP_SYSCALL);
    assert_true(uml2 - uml >= 2 * c(VS_COST_CONTEXT_SWITCH_CYCLES) / 2);
}

static void test_uml_fault_and_switch_go_through_the_host(void **state)
{
    (void)state;
    struct vs_work nf = price("native", VS_OP_PAGE_FAULT, 1), uf = price("uml", VS_OP_PAGE_FAULT, 1);
    /* the guest's handler is native work; the host adds a signal delivery,
     * a ptrace round trip and a fault of its own */
    assert_true(uf.cycles[VS_CAT_GUEST_KERNEL] == nf.cycles[VS_CAT_GUEST_KERNEL]);
    assert_true(uf.cycles[VS_CAT_HOST_KERNEL] >
                c(VS_COST_SIGNAL_DELIVERY_CYCLES) + 2 * c(VS_COST_CONTEXT_SWITCH_CYCLES));
    /* it is a sequence of host steps: a dearer host switch (the ptrace
     * round trip) makes it dearer by two of them */
    double before = total("uml", VS_OP_PAGE_FAULT);
    host.costs.value[VS_COST_CONTEXT_SWITCH_CYCLES] += 1000;
    assert_within_rel(total("uml", VS_OP_PAGE_FAULT) - before, 2 * 1000, 1e-9);
    host.costs.value[VS_COST_CONTEXT_SWITCH_CYCLES] -= 1000;
    struct vs_work ns = process_switch("native"), us = process_switch("uml");
    /* a host process switch and host remapping calls on top of the guest's */
    assert_true(vs_work_total_cycles(&us) - vs_work_total_cycles(&ns) >
                c(VS_COST_CONTEXT_SWITCH_CYCLES) + c(VS_COST_SYSCALL_CYCLES));
}

static void test_xen_pv_fault_is_several_transitions(void **state)
{
    (void)state;
    struct vs_work w = price("xen-pv", VS_OP_PAGE_FAULT, 1);
    double transitions = w.events[VS_EVT_TRAP] + w.events[VS_EVT_HYPERCALL];
    assert_true(transitions > 1);
    assert_true(w.events[VS_EVT_HYPERCALL] >= 1); /* the PTE goes in through Xen */
    /* the guest still sees exactly one fault, handled by its own kernel */
    assert_true(w.events[VS_EVT_PAGE_FAULT] == 1);
    struct vs_work nf = price("native", VS_OP_PAGE_FAULT, 1);
    assert_true(w.cycles[VS_CAT_GUEST_KERNEL] == nf.cycles[VS_CAT_GUEST_KERNEL]);
    /* more than one guest-Xen round trip of overhead */
    assert_true(w.cycles[VS_CAT_HYPERCALL] > c(VS_COST_PV_FAULT_EXTRA_CYCLES) + c(VS_COST_HYPERCALL_CYCLES));
}

/* A whole run on vtx-2006 (shadow paging only): file-server switches address
 * space once per request. The same guests with the working set made 4x the
 * shadow cache take hidden faults: more exits (hvm-shadow) and monitor traps
 * (vmware) per request, and more of the VMM's CPU time per request (the
 * hard disk bounds the throughput); at half the cache, none. */
static void test_fault_kinds(void **state)
{
    (void)state;
    double zero = total("native", VS_OP_PAGE_FAULT), cow = total("native", VS_OP_COW_FAULT),
           file = total("native", VS_OP_FILE_FAULT);
    assert_within_rel(cow - file, 4 * c(VS_COST_COPY_CYCLES_PER_KIB), 1e-9);
    assert_within_rel(zero - file, c(VS_COST_PAGE_ZERO_CYCLES), 1e-9);
    static const char *const vmms[] = {"vmware", "hvm-shadow", "uml", "xen-pv", "kvm"};
    static const enum vs_op_kind kinds[] = {VS_OP_PAGE_FAULT, VS_OP_COW_FAULT, VS_OP_FILE_FAULT};
    for (size_t i = 0; i < sizeof vmms / sizeof vmms[0]; i++) {
        double overhead0 = total(vmms[i], kinds[0]) - total("native", kinds[0]);
        for (size_t k = 1; k < 3; k++) {
            struct vs_work w = price(vmms[i], kinds[k], 1);
            assert_true(w.events[VS_EVT_PAGE_FAULT] == 1);
            assert_within_rel(total(vmms[i], kinds[k]) - total("native", kinds[k]), overhead0, 1e-9);
        }
    }
    /* a container: the page cache's page was charged when it was read */
    assert_true(total("lxc", VS_OP_FILE_FAULT) - file < total("lxc", VS_OP_PAGE_FAULT) - zero);
    assert_true(total("lxc", VS_OP_COW_FAULT) - cow == total("lxc", VS_OP_PAGE_FAULT) - zero);
}

static void run_file_server(double working_set, struct vs_results *r)
{
    struct vs_compare_opts o = {.workload = "file-server", .host = "vtx-2006",
                                .approaches = "vmware,hvm-shadow", .duration_ns = VS_NS_PER_S, .seed = 3};
    struct vs_scenario *sc = malloc(sizeof *sc);
    assert_non_null(sc);
    char skipped[1024];
    struct vs_error err;
    assert_int_equal(vs_compare_scenario(&o, sc, skipped, sizeof skipped, &err), VS_OK);
    for (uint32_t g = 0; g < sc->n_guests; g++) sc->guests[g].workload.memory.working_set_bytes = working_set;
    int rc = vs_sim_run_scenario(sc, 3, r, &err);
    if (rc != VS_OK) print_error("%s\n", err.message);
    assert_int_equal(rc, VS_OK);
    free(sc);
}

static double per_request(const struct vs_results *r, const char *engine, enum vs_evt_kind e)
{
    const struct vs_guest_result *g = run_of(r, engine);
    return g->events[e] / (double)g->completed;
}

static double cpu_per_request(const struct vs_results *r, const char *engine, enum vs_cpu_cat cat)
{
    const struct vs_guest_result *g = run_of(r, engine);
    return g->cpu_ns[cat] / (double)g->completed;
}

static void test_simulated_switches_beyond_the_shadow_cache(void **state)
{
    (void)state;
    struct vs_host_spec h;
    struct vs_error err;
    assert_int_equal(vs_config_resolve_host("vtx-2006", NULL, &h, &err), VS_OK);
    double cache = vs_cost(&h.costs, VS_COST_SHADOW_CACHE_BYTES);
    struct vs_results fits, beyond;
    run_file_server(cache / 2, &fits);
    run_file_server(cache * 4, &beyond);
    /* 400 TLB misses per switch, 3/4 of their shadow entries evicted: ~300
     * hidden faults per request, none when the working set fits */
    double dx = per_request(&beyond, "hvm-shadow", VS_EVT_VMEXIT) - per_request(&fits, "hvm-shadow", VS_EVT_VMEXIT);
    double dt = per_request(&beyond, "vmware", VS_EVT_TRAP) - per_request(&fits, "vmware", VS_EVT_TRAP);
    if (dx < 200 || dt < 200) print_error("extra exits %.1f, traps %.1f per request\n", dx, dt);
    assert_true(dx > 200 && dx < 400);
    assert_true(dt > 200 && dt < 400);
    /* the refill is CPU time of the VMM, per request: exits, monitor code */
    assert_true(cpu_per_request(&beyond, "hvm-shadow", VS_CAT_VMEXIT) >
                2 * cpu_per_request(&fits, "hvm-shadow", VS_CAT_VMEXIT));
    assert_true(cpu_per_request(&beyond, "vmware", VS_CAT_TRANSLATION) >
                cpu_per_request(&fits, "vmware", VS_CAT_TRANSLATION));
    vs_results_free(&fits);
    vs_results_free(&beyond);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_hvm_shadow_switch_exits_only_beyond_the_shadow_cache, setup),
        cmocka_unit_test_setup(test_bt_switch_takes_hidden_faults_beyond_the_cache, setup),
        cmocka_unit_test_setup(test_fork_exec_fills_a_new_shadow, setup),
        cmocka_unit_test_setup(test_uml_syscall_is_ptrace_round_trips, setup),
        cmocka_unit_test_setup(test_uml_fault_and_switch_go_through_the_host, setup),
        cmocka_unit_test_setup(test_xen_pv_fault_is_several_transitions, setup),
        cmocka_unit_test_setup(test_fault_kinds, setup),
        cmocka_unit_test(test_simulated_switches_beyond_the_shadow_cache),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
