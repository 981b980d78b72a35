/* Calibration: with the built-in host profile vtx-2006 (first-generation VT-x,
 * no nested paging, a NetBurst CPU like the Pentium 4 672 of the paper), the
 * per-operation costs that the engines compose from the profile's constants
 * must reproduce the nanobenchmarks of Adams & Agesen, "A Comparison of
 * Software and Hardware Techniques for x86 Virtualization", ASPLOS 2006
 * (section on nanobenchmarks, cycles on a P4 672) within 25 %, for native
 * execution, binary translation (preset `vmware`) and VT-x (preset `hvm`,
 * which on this host uses shadow paging and emulated devices). The mapping of
 * each nanobenchmark to virtsim's operations is explained in
 * docs/validation.md. Also: every built-in host profile loads and has the
 * hardware features its documentation gives it. */
#include "testutil.h"

#include "virtsim/load/builtin.h"
#include "virtsim/load/config.h"
#include "virtsim/model/engine.h"

#define PAPER_TOLERANCE 0.25

static struct vs_host_spec vtx2006;

static int load_vtx2006(void **state)
{
    (void)state;
    struct vs_error err = {0};
    int rc = vs_config_resolve_host("vtx-2006", NULL, &vtx2006, &err);
    if (rc != VS_OK) print_error("vtx-2006: %s\n", err.message);
    return rc == VS_OK ? 0 : -1;
}

/* Host cycles of `count` operations `op` under a preset on vtx-2006, for a
 * minimal workload whose only property is its CPI. */
static double cycles_of(const char *preset, enum vs_op_kind op, double count, double cpi)
{
    struct vs_engine e;
    struct vs_error err = {0};
    int rc = vs_engine_open(preset, &vtx2006, &e, &err);
    if (rc != VS_OK) print_error("%s on vtx-2006: %s\n", preset, err.message);
    assert_int_equal(rc, VS_OK);
    struct vs_workload wl;
    memset(&wl, 0, sizeof wl);
    wl.request.cpi = cpi;
    struct vs_work w;
    vs_work_clear(&w);
    vs_engine_price(&e, &vtx2006, &wl, op, count, 0, &w);
    vs_engine_close(&e);
    return vs_work_total_cycles(&w);
}

static double cost(enum vs_cost_id id) { return vs_cost(&vtx2006.costs, id); }

/* The three systems the paper compares, as virtsim presets. */
static const char *const NATIVE = "native", *const BT = "vmware", *const VTX = "hvm";

/* The paper's figures, in cycles on the Pentium 4 672. Where its text gives a
 * ratio rather than a number, the figure is derived and marked so. */
enum { PAPER_IN_NATIVE = 3209, PAPER_IN_VTX = 15826 };
#define PAPER_IN_BT (3209.0 / 15.0) /* "fifteen times faster than native" */
enum { PAPER_PGFAULT_NATIVE = 1093, PAPER_PGFAULT_BT = 3927, PAPER_PGFAULT_VTX = 11242 };
enum { PAPER_PTEMOD_NATIVE = 1 /* "the native single cycle store" */, PAPER_PTEMOD_BT = 391,
       PAPER_PTEMOD_VTX = 12733 };
enum { PAPER_CALLRET_NATIVE = 11, PAPER_CALLRET_BT = 51, PAPER_CALLRET_VTX = 11 };
enum { PAPER_SYSCALL_BT_EXTRA = 2000 }; /* "approximately 2000 more cycles than a native system call" */
enum { PAPER_CR8WR_BT = 35, PAPER_CR8WR_NATIVE = 4 * 35 }; /* native: "about four times" BT's */

/* syscall -> VS_OP_SYSCALL. The paper gives no native number in its text:
 * the software VMM costs about 2000 cycles more, the hardware VMM runs it at
 * native speed (no exit). */
static void test_syscall(void **state)
{
    (void)state;
    double native = cycles_of(NATIVE, VS_OP_SYSCALL, 1, 1.0);
    double bt = cycles_of(BT, VS_OP_SYSCALL, 1, 1.0);
    double vtx = cycles_of(VTX, VS_OP_SYSCALL, 1, 1.0);
    assert_within_rel(native, cost(VS_COST_SYSCALL_CYCLES), 1e-12);
    assert_within_rel(bt - native, PAPER_SYSCALL_BT_EXTRA, PAPER_TOLERANCE);
    assert_within_rel(vtx, native, PAPER_TOLERANCE);
}

/* in (from port 0x80) -> VS_OP_PORT_IO: a sensitive instruction that
 * natively reaches an off-CPU chipset register, that BT turns into a short
 * call into its virtual chipset, and that VT-x must exit on. */
static void test_in(void **state)
{
    (void)state;
    assert_within_rel(cycles_of(NATIVE, VS_OP_PORT_IO, 1, 1.0), PAPER_IN_NATIVE, PAPER_TOLERANCE);
    assert_within_rel(cycles_of(BT, VS_OP_PORT_IO, 1, 1.0), PAPER_IN_BT, PAPER_TOLERANCE);
    assert_within_rel(cycles_of(VTX, VS_OP_PORT_IO, 1, 1.0), PAPER_IN_VTX, PAPER_TOLERANCE);
}

/* cr8wr (a write of the task-priority register, which masks interrupt
 * classes) -> VS_OP_IRQ_FLAG: the interrupt-masking instruction the paper
 * measured. BT emulates it inline in 35 cycles, "about four times faster
 * than native"; VT-x runs it "similar to native" without an exit (its TPR
 * shadow), as it runs cli and sti. */
static void test_cr8wr(void **state)
{
    (void)state;
    assert_within_rel(cycles_of(NATIVE, VS_OP_IRQ_FLAG, 1, 1.0), PAPER_CR8WR_NATIVE, PAPER_TOLERANCE);
    assert_within_rel(cycles_of(BT, VS_OP_IRQ_FLAG, 1, 1.0), PAPER_CR8WR_BT, PAPER_TOLERANCE);
    assert_within_rel(cycles_of(VTX, VS_OP_IRQ_FLAG, 1, 1.0), PAPER_CR8WR_NATIVE, PAPER_TOLERANCE);
    struct vs_engine e;
    struct vs_error err = {0};
    assert_int_equal(vs_engine_open(VTX, &vtx2006, &e, &err), VS_OK);
    struct vs_workload wl;
    memset(&wl, 0, sizeof wl);
    wl.request.cpi = 1.0;
    struct vs_work w;
    vs_work_clear(&w);
    vs_engine_price(&e, &vtx2006, &wl, VS_OP_IRQ_FLAG, 1, 0, &w);
    vs_engine_close(&e);
    assert_true(w.events[VS_EVT_VMEXIT] == 0);
}

/* pgfault (a true guest page fault) -> VS_OP_PAGE_FAULT. The paper's native
 * column is its bare test kernel's fault (FrobOS: 1,093 cycles), not a
 * Linux guest's, which vtx-2006 prices (page_fault, as p4-2003's lmbench
 * fault on the same microarchitecture); what each VMM adds to the guest's
 * own fault handling is the paper's difference, compared here. */
static void test_pgfault(void **state)
{
    (void)state;
    double native = cycles_of(NATIVE, VS_OP_PAGE_FAULT, 1, 1.0);
    assert_true(native > PAPER_PGFAULT_NATIVE); /* a Linux fault does more than FrobOS's */
    assert_within_rel(cycles_of(BT, VS_OP_PAGE_FAULT, 1, 1.0) - native, PAPER_PGFAULT_BT - PAPER_PGFAULT_NATIVE,
                      PAPER_TOLERANCE);
    assert_within_rel(cycles_of(VTX, VS_OP_PAGE_FAULT, 1, 1.0) - native, PAPER_PGFAULT_VTX - PAPER_PGFAULT_NATIVE,
                      PAPER_TOLERANCE);
}

/* ptemod (a guest page-table entry write, traced by both VMMs) -> VS_OP_PT_UPDATE. */
static void test_ptemod(void **state)
{
    (void)state;
    assert_within_rel(cycles_of(NATIVE, VS_OP_PT_UPDATE, 1, 1.0), PAPER_PTEMOD_NATIVE, PAPER_TOLERANCE);
    assert_within_rel(cycles_of(BT, VS_OP_PT_UPDATE, 1, 1.0), PAPER_PTEMOD_BT, PAPER_TOLERANCE);
    assert_within_rel(cycles_of(VTX, VS_OP_PT_UPDATE, 1, 1.0), PAPER_PTEMOD_VTX, PAPER_TOLERANCE);
    /* "approximately thirty times worse than the software VMM" */
    double ratio = cycles_of(VTX, VS_OP_PT_UPDATE, 1, 1.0) / cycles_of(BT, VS_OP_PT_UPDATE, 1, 1.0);
    assert_true(ratio > 20 && ratio < 45);
}

/* call/ret (a call and a return in the guest kernel: FrobOS runs the test at
 * supervisor level) -> two VS_OP_KERNEL_INSTRUCTION at the loop's CPI, 11
 * cycles per pair on the P4. Native and VT-x run it unmodified. Under BT,
 * virtsim charges translated kernel code a mean factor (bt_kernel_factor),
 * not the 4.6x of this worst case (indirect control flow), so BT is only
 * checked to be slower, by exactly that factor. */
static void test_callret(void **state)
{
    (void)state;
    /* Workloads give their CPI on the reference core; the P4 runs the loop
     * at 5.5 cycles per instruction, so on the reference core it is 5.5 x
     * the P4's relative IPC (cpu.ipc). */
    const double cpi = PAPER_CALLRET_NATIVE / 2.0 * vtx2006.cpu.ipc;
    double native = cycles_of(NATIVE, VS_OP_KERNEL_INSTRUCTION, 2, cpi);
    double bt = cycles_of(BT, VS_OP_KERNEL_INSTRUCTION, 2, cpi);
    double vtx = cycles_of(VTX, VS_OP_KERNEL_INSTRUCTION, 2, cpi);
    assert_within_rel(native, PAPER_CALLRET_NATIVE, PAPER_TOLERANCE);
    assert_within_rel(vtx, PAPER_CALLRET_VTX, PAPER_TOLERANCE);
    assert_within_rel(bt, native * cost(VS_COST_BT_KERNEL_FACTOR), 1e-12);
    assert_true(bt > native); /* the paper: 51 cycles, the translator's worst case */
}

/* The paper's orderings, which the calibration must keep. */
static void test_orderings(void **state)
{
    (void)state;
    /* VT-x wins on system calls, ... */
    assert_true(cycles_of(VTX, VS_OP_SYSCALL, 1, 1.0) < cycles_of(BT, VS_OP_SYSCALL, 1, 1.0));
    /* ... BT on everything that exits: I/O instructions, faults, PTE writes, */
    for (enum vs_op_kind op = VS_OP_SYSCALL; op < VS_OP_COUNT; op++) {
        if (op != VS_OP_PORT_IO && op != VS_OP_PAGE_FAULT && op != VS_OP_PT_UPDATE) continue;
        assert_true(cycles_of(BT, op, 1, 1.0) < cycles_of(VTX, op, 1, 1.0));
    }
    /* and a translated `in` is even faster than the native one. */
    assert_true(cycles_of(BT, VS_OP_PORT_IO, 1, 1.0) < cycles_of(NATIVE, VS_OP_PORT_IO, 1, 1.0));
    /* "page faults ... are faster than a vmrun/exit round-trip": of FrobOS's
     * bare fault; a Linux guest's handler does more (vtx-2006's page_fault),
     * so what holds here is that the exit and the shadow work VT-x adds to a
     * fault cost more than the whole Linux fault. */
    assert_true(cycles_of(VTX, VS_OP_PAGE_FAULT, 1, 1.0) > 2 * cycles_of(NATIVE, VS_OP_PAGE_FAULT, 1, 1.0));
}

/* On this host `hvm` means shadow paging: faults and PTE writes exit, and an
 * EPT preset cannot run. */
static void test_vtx2006_is_shadow_paging(void **state)
{
    (void)state;
    assert_true(vtx2006.cpu.hw_virt);
    assert_false(vtx2006.cpu.nested_paging);
    struct vs_engine e;
    struct vs_error err = {0};
    assert_int_equal(vs_engine_open(VTX, &vtx2006, &e, &err), VS_OK);
    struct vs_workload wl;
    memset(&wl, 0, sizeof wl);
    wl.request.cpi = 1.0;
    struct vs_work w;
    vs_work_clear(&w);
    vs_engine_price(&e, &vtx2006, &wl, VS_OP_PT_UPDATE, 1, 0, &w);
    assert_true(w.events[VS_EVT_VMEXIT] == 1);
    vs_engine_close(&e);
    assert_int_equal(vs_engine_open("hvm-ept", &vtx2006, &e, &err), VS_ERR_INPUT);
}

/* Every built-in host profile loads, and its hardware features are the ones
 * docs/cost-model.md describes. A new built-in profile must be added here. */
static void test_builtin_hosts(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        bool hw_virt, nested_paging;
    } documented[] = {
        {"current", true, true},
        {"ept-2009", true, true},
        {"vtx-2006", true, false},
        {"p4-2003", false, false},
    };
    const size_t n_documented = sizeof documented / sizeof documented[0];
    size_t seen = 0;
    for (size_t i = 0; i < vs_builtin_count(); i++) {
        const struct vs_builtin *b = vs_builtin_at(i);
        if (b->kind != VS_BUILTIN_HOST) continue;
        seen++;
        struct vs_host_spec h;
        struct vs_error err = {0};
        int rc = vs_config_resolve_host(b->name, NULL, &h, &err);
        if (rc != VS_OK) print_error("%s: %s\n", b->name, err.message);
        assert_int_equal(rc, VS_OK);
        assert_string_equal(h.name, b->name);
        size_t d = 0;
        while (d < n_documented && strcmp(documented[d].name, b->name) != 0) d++;
        if (d == n_documented) print_error("built-in host '%s' is not documented here\n", b->name);
        assert_true(d < n_documented);
        assert_true(h.cpu.hw_virt == documented[d].hw_virt);
        assert_true(h.cpu.nested_paging == documented[d].nested_paging);
        assert_true(h.cpu.cores > 0 && h.cpu.frequency_hz > 0 && h.memory_bytes > h.host_reserved_bytes);
        for (int c = 0; c < VS_COST_COUNT; c++) assert_true(h.costs.value[c] >= 0);
    }
    assert_int_equal(seen, n_documented);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtin_hosts),
        cmocka_unit_test(test_vtx2006_is_shadow_paging),
        cmocka_unit_test(test_syscall),
        cmocka_unit_test(test_in),
        cmocka_unit_test(test_cr8wr),
        cmocka_unit_test(test_pgfault),
        cmocka_unit_test(test_ptemod),
        cmocka_unit_test(test_callret),
        cmocka_unit_test(test_orderings),
    };
    return cmocka_run_group_tests(tests, load_vtx2006, NULL);
}
