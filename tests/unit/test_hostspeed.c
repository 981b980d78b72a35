/* Host speed: one core of each built-in host profile runs the same workload
 * as fast as its clock times its instructions per cycle allow.
 *
 * Invariants checked:
 * - a workload's CPI is the reference core's; a host runs it at cpi / ipc
 *   cycles per instruction, in every engine that runs instructions directly
 *   (user and kernel), and an emulator's own code runs at that IPC too;
 * - on cpu-bound, per-core throughput is current > ept-2009 > vtx-2006, under
 *   native and under kvm (shadow paging on vtx-2006), by the ratios that
 *   published per-core benchmark results give (docs/cost-model.md, "Host
 *   speed"), computed here from those results, not from the profiles. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>

#include "virtsim/load/config.h"
#include "virtsim/model/engine.h"
#include "virtsim/run/compare.h"
#include "virtsim/run/sim.h"

/* ---- the published per-clock ratios (docs/cost-model.md, "Host speed") ---- */

/* NetBurst -> Core: SPECint2000, Xeon 5160 (Woodcrest, 3.0 GHz) 3057 against
 * the NetBurst Xeon at 3.733 GHz 1813 (AnandTech, 2006): per clock. */
#define NETBURST_TO_CORE ((3057.0 / 3.0) / (1813.0 / 3.733))
/* Core (Penryn) -> Nehalem: the Xeon X5570 runs single-copy SPECint_rate_base2006
 * 55 % faster than the Xeon X5470, both at 3.33 GHz in that test (tecChannel, 2009). */
#define CORE_TO_NEHALEM 1.55
/* Nehalem -> Sandy Bridge (+17 %), Sandy Bridge -> Skylake (+21 % single-
 * threaded at 3.5 GHz, PC Perspective 2015), Skylake -> Golden Cove (+28 %,
 * Intel 2021): per clock. */
#define NEHALEM_TO_CURRENT (1.17 * 1.21 * 1.28)

/* The profiles' clocks (their cpu.frequency). */
#define GHZ_CURRENT 3.0
#define GHZ_EPT2009 2.93
#define GHZ_VTX2006 3.73

/* The published figures are single-thread scores of whole suites, and three
 * of the five steps are single-source; the profiles round the chain to two
 * figures. 10 % is what the test allows. */
#define TOLERANCE 0.10

static double per_core(const char *host, const char *preset)
{
    struct vs_compare_opts o = {.workload = "cpu-bound", .host = host, .approaches = preset,
                                .duration_ns = 3 * VS_NS_PER_S, .seed = 5};
    struct vs_scenario *sc = malloc(sizeof *sc);
    assert_non_null(sc);
    char skipped[256];
    struct vs_error err;
    struct vs_results r;
    int rc = vs_compare_scenario(&o, sc, skipped, sizeof skipped, &err);
    if (rc == VS_OK) rc = vs_sim_run_scenario(sc, 5, &r, &err);
    if (rc != VS_OK) print_error("%s on %s: %s\n", preset, host, err.message);
    assert_int_equal(rc, VS_OK);
    double tput = -1;
    for (uint32_t k = 0; k < r.n_runs; k++)
        if (strcmp(r.runs[k].engine, preset) == 0) tput = r.runs[k].groups[0].throughput_per_s;
    assert_true(tput > 0);
    /* Each vCPU has a core of its own on every profile (4 cores or more). */
    double vcpus = sc->guests[0].vcpus;
    vs_results_free(&r);
    free(sc);
    return tput / vcpus;
}

static void check_order(const char *preset)
{
    double cur = per_core("current", preset);
    double ept = per_core("ept-2009", preset);
    double vtx = per_core("vtx-2006", preset);
    double nehalem = 1.0 / NEHALEM_TO_CURRENT;
    double netburst = nehalem / (NETBURST_TO_CORE * CORE_TO_NEHALEM);
    double want_cur_ept = GHZ_CURRENT / (GHZ_EPT2009 * nehalem);
    double want_ept_vtx = (GHZ_EPT2009 * nehalem) / (GHZ_VTX2006 * netburst);
    print_message("%s per core: current %.1f/s, ept-2009 %.1f/s, vtx-2006 %.1f/s; "
                  "ratios %.2f (published %.2f), %.2f (published %.2f)\n",
                  preset, cur, ept, vtx, cur / ept, want_cur_ept, ept / vtx, want_ept_vtx);
    assert_true(cur > ept && ept > vtx);
    assert_within_rel(cur / ept, want_cur_ept, TOLERANCE);
    assert_within_rel(ept / vtx, want_ept_vtx, TOLERANCE);
}

static void test_cpu_bound_native(void **state)
{
    (void)state;
    check_order("native");
}

static void test_cpu_bound_kvm(void **state)
{
    (void)state;
    check_order("kvm"); /* EPT on current and ept-2009, shadow paging on vtx-2006 */
}

/* Every engine that runs instructions scales them by the host's IPC: half the
 * IPC, twice the cycles, for user and kernel instructions alike. */
static void test_every_engine_uses_ipc(void **state)
{
    (void)state;
    struct vs_host_spec fast, slow;
    vs_host_spec_defaults(&fast);
    slow = fast;
    slow.cpu.ipc = 0.5;
    struct vs_workload wl;
    memset(&wl, 0, sizeof wl);
    wl.request.cpi = 0.8;
    wl.request.mem_refs_per_instruction = 0.3;
    wl.memory.footprint_bytes = wl.memory.working_set_bytes = 64.0 * 1048576;
    static const char *const presets[] = {"native", "kvm", "hvm-shadow", "xen-pv", "uml",
                                          "lxc",    "vmware", "qemu", "bochs"};
    static const enum vs_op_kind ops[] = {VS_OP_INSTRUCTION, VS_OP_KERNEL_INSTRUCTION};
    for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++)
        for (size_t k = 0; k < 2; k++) {
            double cycles[2];
            const struct vs_host_spec *hosts[2] = {&fast, &slow};
            for (int h = 0; h < 2; h++) {
                struct vs_engine e;
                struct vs_error err;
                assert_int_equal(vs_engine_open(presets[i], hosts[h], &e, &err), VS_OK);
                struct vs_work w;
                vs_work_clear(&w);
                vs_engine_price(&e, hosts[h], &wl, ops[k], 1000, 0, &w);
                vs_engine_close(&e);
                cycles[h] = vs_work_total_cycles(&w);
            }
            if (fabs(cycles[1] - 2 * cycles[0]) > 1e-9 * cycles[1])
                print_error("%s: %.1f cycles at ipc 1, %.1f at ipc 0.5\n", presets[i], cycles[0],
                            cycles[1]);
            assert_within_rel(cycles[1], 2 * cycles[0], 1e-9);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_engine_uses_ipc),
        cmocka_unit_test(test_cpu_bound_native),
        cmocka_unit_test(test_cpu_bound_kvm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
