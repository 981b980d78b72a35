/* Validation against published per-operation measurements (issue 10): every
 * figure below is a published measurement of a real system, and every
 * simulated figure comes out of a simulation (the microbench method: a
 * one-guest closed loop whose requests perform the operation N times, less
 * a baseline request, sim/run/microbench.c), not out of the cost table.
 *
 * Each figure has a role:
 * - FITTED: a constant of the host profile was solved from it (the test
 *   then checks that the composition through the simulation reproduces it);
 * - PREDICTED: no constant was set from it; the model must land within
 *   +-25 % of it;
 * - MISSED: compared, not reproduced; docs/validation.md says why. The test
 *   checks only the direction (the approach costs more than native) so that
 *   the row cannot silently become a match or a regression unnoticed: it
 *   also fails if the figure comes within 25 %, so that the docs are then
 *   updated to say it is reproduced.
 *
 * Sources: Adams & Agesen, "A Comparison of Software and Hardware
 * Techniques for x86 Virtualization", ASPLOS 2006 (nanobenchmarks, cycles
 * on a Pentium 4 672: host profile vtx-2006); Barham et al., "Xen and the
 * Art of Virtualization", SOSP 2003, lmbench tables (microseconds on a
 * 2.4 GHz Xeon, Linux 2.4.21 uniprocessor, XenoLinux, VMware Workstation
 * 3.2, UML with the skas3 patch: host profile p4-2003; figures as recalled
 * from the paper, see docs/validation.md). */
#include "testutil.h"

#include <stdio.h>

#include "virtsim/load/config.h"
#include "virtsim/run/microbench.h"

#define TOLERANCE 0.25

/* The shape of a request, after an lmbench program or a nanobenchmark. */
enum shape {
    NULL_CALL,   /* lat_syscall null; the syscall nanobenchmark */
    CTX_2P_0K,   /* lat_ctx -s 0 2: a switch between two processes, with its CR3 load, no working set */
    FORK_PROC,   /* lat_proc fork: fork, the child's exit, the parent's wait */
    EXEC_PROC,   /* lat_proc exec: the same with an execve of a small program */
    PAGE_FAULT,  /* lat_pagefault: faults on a mapped, cached file */
    ZERO_FAULT,  /* the pgfault nanobenchmark: a true fault delivered to the guest */
    PORT_IN,     /* the in nanobenchmark */
    CR8_WRITE,   /* cr8wr: no exit under VT-x (interrupt-flag class) */
    PTE_WRITE    /* ptemod */
};

enum role { FITTED, PREDICTED, MISSED };

/* What is compared: the operation's latency, what the approach adds to
 * native's (where the source's native is not a Linux guest's: Adams &
 * Agesen's native column is FrobOS, a bare test kernel, so only the VMMs'
 * additions carry over), or its ratio to native's (a text that says "native
 * speed"). */
enum measure { ABSOLUTE, OVER_NATIVE, RATIO_TO_NATIVE };

struct published {
    const char *source;
    const char *host;
    const char *preset;
    enum shape shape;
    double value;   /* microseconds, or cycles when `cycles` */
    bool cycles;
    enum role role;
    enum measure measure;
};

static const struct published figures[] = {
    /* Barham et al. 2003, lmbench, L-UP (native Linux 2.4.21 uniprocessor) */
    {"barham2003", "p4-2003", "native", NULL_CALL, 0.45, false, FITTED, ABSOLUTE},
    {"barham2003", "p4-2003", "native", CTX_2P_0K, 0.77, false, FITTED, ABSOLUTE},
    {"barham2003", "p4-2003", "native", FORK_PROC, 110, false, FITTED, ABSOLUTE},
    {"barham2003", "p4-2003", "native", EXEC_PROC, 530, false, FITTED, ABSOLUTE},
    {"barham2003", "p4-2003", "native", PAGE_FAULT, 1.42, false, PREDICTED, ABSOLUTE},
    /* XenoLinux (32-bit Xen, ring-1 guest kernel) */
    {"barham2003", "p4-2003", "xen-pv32", NULL_CALL, 0.46, false, PREDICTED, ABSOLUTE},
    {"barham2003", "p4-2003", "xen-pv32", CTX_2P_0K, 1.97, false, PREDICTED, ABSOLUTE},
    {"barham2003", "p4-2003", "xen-pv32", FORK_PROC, 198, false, FITTED, ABSOLUTE},
    {"barham2003", "p4-2003", "xen-pv32", EXEC_PROC, 768, false, PREDICTED, ABSOLUTE},
    {"barham2003", "p4-2003", "xen-pv32", PAGE_FAULT, 2.73, false, PREDICTED, ABSOLUTE},
    /* UML, skas3 */
    {"barham2003", "p4-2003", "uml-skas3", NULL_CALL, 24.7, false, FITTED, ABSOLUTE},
    {"barham2003", "p4-2003", "uml-skas3", CTX_2P_0K, 15.5, false, MISSED, ABSOLUTE},
    {"barham2003", "p4-2003", "uml-skas3", FORK_PROC, 21000, false, MISSED, ABSOLUTE},
    {"barham2003", "p4-2003", "uml-skas3", EXEC_PROC, 33000, false, MISSED, ABSOLUTE},
    {"barham2003", "p4-2003", "uml-skas3", PAGE_FAULT, 26.3, false, MISSED, ABSOLUTE},
    /* VMware Workstation 3.2 (hosted; `vmware` carries the constants of the
     * 2006 VMM of Adams & Agesen) */
    {"barham2003", "p4-2003", "vmware", NULL_CALL, 0.73, false, MISSED, ABSOLUTE},
    {"barham2003", "p4-2003", "vmware", CTX_2P_0K, 18.1, false, MISSED, ABSOLUTE},
    {"barham2003", "p4-2003", "vmware", FORK_PROC, 874, false, MISSED, ABSOLUTE},
    {"barham2003", "p4-2003", "vmware", EXEC_PROC, 2300, false, MISSED, ABSOLUTE},
    {"barham2003", "p4-2003", "vmware", PAGE_FAULT, 12.4, false, MISSED, ABSOLUTE},
    /* Adams & Agesen 2006, cycles on the P4 672 */
    {"adams2006", "vtx-2006", "native", PORT_IN, 3209, true, FITTED, ABSOLUTE},
    {"adams2006", "vtx-2006", "native", CR8_WRITE, 140, true, FITTED, ABSOLUTE},
    {"adams2006", "vtx-2006", "vmware", PORT_IN, 214, true, FITTED, ABSOLUTE},
    {"adams2006", "vtx-2006", "vmware", CR8_WRITE, 35, true, FITTED, ABSOLUTE},
    {"adams2006", "vtx-2006", "vmware", NULL_CALL, 2000, true, FITTED, OVER_NATIVE}, /* "approximately 2000 more" */
    {"adams2006", "vtx-2006", "vmware", ZERO_FAULT, 3927 - 1093, true, FITTED, OVER_NATIVE},
    {"adams2006", "vtx-2006", "vmware", PTE_WRITE, 391, true, FITTED, ABSOLUTE},
    {"adams2006", "vtx-2006", "hvm", NULL_CALL, 1.0, false, PREDICTED, RATIO_TO_NATIVE}, /* "native speed" */
    {"adams2006", "vtx-2006", "hvm", PORT_IN, 15826, true, FITTED, ABSOLUTE},
    {"adams2006", "vtx-2006", "hvm", CR8_WRITE, 140, true, PREDICTED, ABSOLUTE}, /* "similar to native" */
    {"adams2006", "vtx-2006", "hvm", ZERO_FAULT, 11242 - 1093, true, FITTED, OVER_NATIVE},
    {"adams2006", "vtx-2006", "hvm", PTE_WRITE, 12733, true, FITTED, ABSOLUTE},
};

/* A guest process of lmbench's kind: small (1 MiB mapped, an estimate for
 * a small dynamically linked program of 2003), an 8 KiB program to exec,
 * no working set to refill after a switch. */
static void lmbench_process(struct vs_workload *wl)
{
    vs_microbench_workload(VS_MB_SYSCALL, true, wl);
    wl->memory.footprint_bytes = 1048576;
    wl->memory.working_set_bytes = 0;
    wl->memory.code_bytes = 8192;
}

/* Fills the operation's workload and its baseline; returns N. */
static double shape_workloads(enum shape s, struct vs_workload *wl, struct vs_workload *wb)
{
    lmbench_process(wl);
    lmbench_process(wb);
    double *count = wl->request.count;
    switch (s) {
    case NULL_CALL: count[VS_OP_SYSCALL] = 100; return 100;
    case CTX_2P_0K: count[VS_OP_CONTEXT_SWITCH] = 100; count[VS_OP_CR3_LOAD] = 100; return 100;
    case FORK_PROC: count[VS_OP_FORK] = 10; return 10;
    case EXEC_PROC: count[VS_OP_FORK] = 10; count[VS_OP_EXEC] = 10; return 10;
    case PAGE_FAULT: count[VS_OP_FILE_FAULT] = 100; return 100;
    case ZERO_FAULT: count[VS_OP_PAGE_FAULT] = 100; return 100;
    case PORT_IN: count[VS_OP_PORT_IO] = 100; return 100;
    case CR8_WRITE: count[VS_OP_IRQ_FLAG] = 100; return 100;
    case PTE_WRITE: count[VS_OP_PT_UPDATE] = 100; return 100;
    }
    return 1;
}

static const char *shape_name[] = {"null call", "ctx 2p/0K", "fork proc", "exec proc", "page fault",
                                   "pgfault", "in", "cr8wr", "ptemod"};

static double simulate_one(const struct published *p)
{
    struct vs_host_spec h;
    struct vs_error err = {0};
    int rc = vs_config_resolve_host(p->host, NULL, &h, &err);
    if (rc != VS_OK) print_error("%s: %s\n", p->host, err.message);
    assert_int_equal(rc, VS_OK);
    struct vs_workload wl, wb;
    double n = shape_workloads(p->shape, &wl, &wb);
    struct vs_mb_cell cell;
    rc = vs_microbench_measure_workload(&h, p->preset, &wl, &wb, n, 1, &cell, &err);
    if (rc != VS_OK) print_error("%s: %s\n", p->preset, err.message);
    assert_int_equal(rc, VS_OK);
    return p->cycles ? cell.latency_us * h.cpu.frequency_hz / 1e6 : cell.latency_us;
}

/* The simulated counterpart of p's figure. */
static double simulate_us(const struct published *p)
{
    double sim = simulate_one(p);
    if (p->measure == ABSOLUTE) return sim;
    struct published nat = *p;
    nat.preset = "native";
    double native = simulate_one(&nat);
    return p->measure == OVER_NATIVE ? sim - native : sim / native;
}

static void test_published_figures(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t k = 0; k < sizeof figures / sizeof figures[0]; k++) {
        const struct published *p = &figures[k];
        double sim = simulate_us(p);
        double err = (sim - p->value) / p->value;
        bool within = fabs(err) <= TOLERANCE;
        static const char *const how[] = {"", " over native", " x native"};
        print_message("%-10s %-9s %-10s %-10s published %9.2f simulated %9.2f %s%s (%+.0f %%)\n", p->source,
                      p->host, p->preset, shape_name[p->shape], p->value, sim,
                      p->measure == RATIO_TO_NATIVE ? "" : p->cycles ? "cycles" : "us", how[p->measure], 100 * err);
        if (p->role != MISSED && !within) {
            print_error("  outside +-25 %% of a %s figure\n", p->role == FITTED ? "fitted" : "predicted");
            failures++;
        }
        if (p->role == MISSED && within) {
            print_error("  now within +-25 %%: mark it predicted and update docs/validation.md\n");
            failures++;
        }
    }
    assert_int_equal(failures, 0);
}

/* The directions the missed figures still show, and that must hold: UML
 * and VMware Workstation cost more than native on every lmbench row, and
 * UML's system call and page fault cost more than Xen's. */
static void test_missed_directions(void **state)
{
    (void)state;
    enum shape rows[] = {NULL_CALL, CTX_2P_0K, FORK_PROC, EXEC_PROC, PAGE_FAULT};
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        struct published nat = {"", "p4-2003", "native", rows[r], 0, false, PREDICTED, ABSOLUTE};
        struct published uml = nat, vmw = nat, xen = nat;
        uml.preset = "uml-skas3";
        vmw.preset = "vmware";
        xen.preset = "xen-pv32";
        double n = simulate_us(&nat), u = simulate_us(&uml), v = simulate_us(&vmw), x = simulate_us(&xen);
        assert_true(u > n);
        assert_true(v > n);
        if (rows[r] == NULL_CALL || rows[r] == PAGE_FAULT) assert_true(u > 3 * x);
    }
}

/* tt mode, UML's older mechanism, adds a signal round trip to each system
 * call of skas3's sequence: it cannot be the faster of the two. */
static void test_uml_modes(void **state)
{
    (void)state;
    struct published tt = {"", "p4-2003", "uml", NULL_CALL, 0, false, PREDICTED, ABSOLUTE};
    struct published skas = tt;
    skas.preset = "uml-skas3";
    assert_true(simulate_us(&tt) > simulate_us(&skas));
    tt.shape = skas.shape = CTX_2P_0K;
    assert_true(simulate_us(&tt) > simulate_us(&skas));
}

/* The ctx 2p/0K row under a host whose context switch costs `scale` times
 * p4-2003's, less native's on the same host: what the approach adds. */
static double ctx_over_native(const char *preset, double scale)
{
    struct vs_host_spec h;
    struct vs_error err = {0};
    assert_int_equal(vs_config_resolve_host("p4-2003", NULL, &h, &err), VS_OK);
    h.costs.value[VS_COST_CONTEXT_SWITCH_CYCLES] *= scale;
    double us[2];
    const char *presets[2] = {preset, "native"};
    for (int k = 0; k < 2; k++) {
        struct vs_workload wl, wb;
        double n = shape_workloads(CTX_2P_0K, &wl, &wb);
        struct vs_mb_cell cell;
        int rc = vs_microbench_measure_workload(&h, presets[k], &wl, &wb, n, 1, &cell, &err);
        if (rc != VS_OK) print_error("%s: %s\n", presets[k], err.message);
        assert_int_equal(rc, VS_OK);
        us[k] = cell.latency_us;
    }
    return us[0] - us[1];
}

/* skas3's process switch stays inside the UML kernel's host process (its
 * threads switch by sigsetjmp/siglongjmp) and moves the traced process to
 * another /proc/mm address space: no host process switch, so what it adds
 * to native's switch does not move with the host's switch cost. tt mode
 * switches host processes (pipe write and read): its addition grows. */
static void test_uml_switch_steps(void **state)
{
    (void)state;
    double skas_1 = ctx_over_native("uml-skas3", 1), skas_3 = ctx_over_native("uml-skas3", 3);
    double tt_1 = ctx_over_native("uml", 1), tt_3 = ctx_over_native("uml", 3);
    assert_true(skas_1 > 0);
    assert_within_rel(skas_3, skas_1, 1e-6);
    assert_true(tt_3 > tt_1 + 0.5); /* a 1,850-cycle switch tripled: +1.5 us per host switch */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_published_figures),
        cmocka_unit_test(test_missed_directions),
        cmocka_unit_test(test_uml_modes),
        cmocka_unit_test(test_uml_switch_steps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
