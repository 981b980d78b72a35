/* virtsim trace (issue 16). Invariants:
 * - for every host profile, every preset it can run and every operation a
 *   trace knows, the steps recorded add up to exactly what the engine
 *   charges (cycles and waits), none is dropped, each says what it is, and
 *   each names a constant that exists: the trace is the pricing, not a copy;
 * - the trace's total is what a simulation measures for the operation
 *   (the microbench method), for the CPU-only operations;
 * - the order is the mechanism's: under shadow paging a fault exits before
 *   the guest's handler runs, and with EPT it does not exit at all; a 64-bit
 *   Xen PV system call enters Xen first, a 32-bit one never; a received
 *   packet under kvm waits for the back end and goes through the host before
 *   the guest sees it;
 * - a request trace covers every operation of the workload's mean request. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>

#include "virtsim/host/costs.h"
#include "virtsim/load/builtin.h"
#include "virtsim/load/config.h"
#include "virtsim/model/engine.h"
#include "virtsim/run/microbench.h"
#include "virtsim/run/trace.h"

static struct vs_trace_report *trace(const char *host, const char *approaches, const char *op, const char *workload)
{
    struct vs_trace_report *r = malloc(sizeof *r);
    assert_non_null(r);
    struct vs_trace_opts o = {.host = host, .approaches = approaches, .operation = op, .workload = workload};
    struct vs_error err = {0};
    int rc = vs_trace_run(&o, r, &err);
    if (rc != VS_OK) print_error("%s: %s\n", op ? op : workload, err.message);
    assert_int_equal(rc, VS_OK);
    return r;
}

/* Every preset of every engine, comma-separated. */
static void all_presets(char *buf, size_t len)
{
    size_t used = 0;
    for (size_t k = 0; k < vs_engine_count(); k++) {
        const struct vs_engine_ops *ops = vs_engine_at(k);
        for (size_t p = 0; p < ops->n_presets; p++)
            used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? "," : "", ops->presets[p].name);
    }
}

static bool known_constant(const char *list)
{
    char copy[128];
    snprintf(copy, sizeof copy, "%s", list);
    for (char *save = NULL, *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save))
        if (vs_cost_find(t) < 0 && strcmp(t, "cpu.ipc") != 0) return false;
    return true;
}

static void check_op(const struct vs_trace_report *r, const struct vs_trace_run *run, const struct vs_trace_op *op)
{
    double cycles = 0, wait = 0;
    assert_int_equal(op->steps.dropped, 0);
    for (uint32_t i = 0; i < op->steps.n_steps; i++) {
        const struct vs_step *st = &op->steps.steps[i];
        assert_non_null(st->what);
        assert_true(strlen(st->what) > 3);
        if (st->constant && !known_constant(st->constant)) {
            print_error("%s %s step %u: unknown constant '%s'\n", run->engine, vs_op_name(op->op), i + 1, st->constant);
            fail();
        }
        cycles += st->cycles;
        wait += st->delay_ns;
    }
    if (fabs(cycles - op->cycles) > 1e-9 * (op->cycles + 1) || fabs(wait - op->delay_ns) > 1e-9 * (wait + 1)) {
        print_error("%s on %s, %s: steps %.17g cycles %.17g ns, charged %.17g cycles %.17g ns\n", run->engine,
                    r->host.name, vs_op_name(op->op), cycles, wait, op->cycles, op->delay_ns);
        fail();
    }
    if (op->cycles > 0 || op->delay_ns > 0) assert_true(op->steps.n_steps > 0);
}

static void test_steps_add_up_everywhere(void **state)
{
    (void)state;
    char presets[2048];
    all_presets(presets, sizeof presets);
    const char *hosts[] = {"current", "ept-2009", "vtx-2006", "p4-2003"};
    size_t checked = 0;
    for (size_t h = 0; h < sizeof hosts / sizeof hosts[0]; h++)
        for (size_t k = 0; k < vs_trace_op_count(); k++) {
            struct vs_trace_report *r = trace(hosts[h], presets, vs_trace_op_at(k)->name, NULL);
            assert_true(r->n_runs >= 10);
            for (uint32_t e = 0; e < r->n_runs; e++) {
                assert_int_equal(r->runs[e].n_ops, 1);
                check_op(r, &r->runs[e], &r->runs[e].ops[0]);
                checked++;
            }
            free(r);
        }
    assert_true(checked > 1000);
}

/* The trace's total for one operation is what the simulation measures. */
static void test_trace_is_what_a_simulation_charges(void **state)
{
    (void)state;
    const struct {
        const char *name;
        enum vs_mb_row row;
    } ops[] = {{"syscall", VS_MB_SYSCALL}, {"page-fault", VS_MB_PAGE_FAULT}, {"pt-update", VS_MB_PT_UPDATE},
               {"port-io", VS_MB_PORT_IO}, {"exiting-instruction", VS_MB_EXITING_INSN}};
    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++) {
        struct vs_trace_report *r = trace("current", "native,qemu,vmware,xen-pv,uml,kvm,hvm-shadow,lxc", ops[k].name, NULL);
        for (uint32_t e = 0; e < r->n_runs; e++) {
            struct vs_mb_cell cell;
            struct vs_error err = {0};
            assert_int_equal(vs_microbench_measure(&r->host, r->runs[e].engine, ops[k].row, 1, &cell, NULL, &err), VS_OK);
            double traced_us = vs_cycles_to_ns(&r->host.cpu, r->runs[e].cycles) / 1e3;
            assert_within_rel(traced_us, cell.latency_us, 0.01);
        }
        free(r);
    }
}

/* Index of the first step in place cat, or -1. */
static int first_in(const struct vs_trace_op *op, enum vs_cpu_cat cat, bool wait)
{
    for (uint32_t i = 0; i < op->steps.n_steps; i++) {
        const struct vs_step *st = &op->steps.steps[i];
        if (wait ? st->delay_ns > 0 : (st->cat == cat && st->delay_ns == 0 && st->cycles > 0)) return (int)i;
    }
    return -1;
}

static void test_order_is_the_mechanisms(void **state)
{
    (void)state;
    struct vs_trace_report *r = trace("current", "hvm-shadow,hvm-ept", "page-fault", NULL);
    const struct vs_trace_op *shadow = &r->runs[0].ops[0], *ept = &r->runs[1].ops[0];
    assert_int_equal(first_in(shadow, VS_CAT_VMEXIT, false), 0);
    assert_true(first_in(shadow, VS_CAT_GUEST_KERNEL, false) > first_in(shadow, VS_CAT_VMEXIT, false));
    assert_int_equal(first_in(ept, VS_CAT_VMEXIT, false), -1);
    free(r);

    r = trace("current", "xen-pv,xen-pv32,kvm", "syscall", NULL);
    assert_int_equal(first_in(&r->runs[0].ops[0], VS_CAT_HYPERCALL, false), 0);
    assert_true(first_in(&r->runs[0].ops[0], VS_CAT_GUEST_KERNEL, false) > 0);
    assert_int_equal(first_in(&r->runs[1].ops[0], VS_CAT_HYPERCALL, false), -1);
    assert_int_equal(first_in(&r->runs[2].ops[0], VS_CAT_VMEXIT, false), -1);
    free(r);

    r = trace("current", "kvm,xen-pv,lxc", "net-receive", NULL);
    for (uint32_t e = 0; e < 2; e++) {
        const struct vs_trace_op *op = &r->runs[e].ops[0];
        int waited = first_in(op, VS_CAT_IDLE, true), host = first_in(op, VS_CAT_HOST_KERNEL, false),
            guest = first_in(op, VS_CAT_GUEST_KERNEL, false);
        assert_int_equal(waited, 0);
        assert_true(host > waited && guest > host);
    }
    const struct vs_trace_op *lxc = &r->runs[2].ops[0];
    assert_true(first_in(lxc, VS_CAT_HOST_KERNEL, false) < first_in(lxc, VS_CAT_GUEST_KERNEL, false));
    free(r);

    /* a sent packet starts in the guest */
    r = trace("current", "kvm", "net-send", NULL);
    assert_int_equal(first_in(&r->runs[0].ops[0], VS_CAT_GUEST_KERNEL, false), 0);
    free(r);
}

static void test_request_covers_the_workload(void **state)
{
    (void)state;
    struct vs_workload wl;
    struct vs_error err = {0};
    assert_int_equal(vs_config_resolve_workload("web-server", NULL, &wl, &err), VS_OK);
    struct vs_trace_report *r = trace("current", "kvm,qemu,lxc", NULL, "web-server");
    assert_true(r->request);
    uint32_t expected = 0;
    for (int k = 0; k < VS_OP_COUNT; k++)
        expected += (k == VS_OP_INSTRUCTION ? vs_dist_mean(&wl.request.instructions) : wl.request.count[k]) > 0;
    for (uint32_t e = 0; e < r->n_runs; e++) {
        const struct vs_trace_run *run = &r->runs[e];
        assert_int_equal(run->n_ops, expected);
        double sum = 0, by_cat = 0;
        for (uint32_t o = 0; o < run->n_ops; o++) {
            check_op(r, run, &run->ops[o]);
            sum += run->ops[o].cycles;
            double want = run->ops[o].op == VS_OP_INSTRUCTION ? vs_dist_mean(&wl.request.instructions)
                                                              : wl.request.count[run->ops[o].op];
            assert_true(run->ops[o].count == want);
        }
        for (int c = 0; c < VS_CAT_COUNT; c++) by_cat += run->cat_cycles[c];
        assert_within_rel(run->cycles, sum, 1e-12);
        assert_within_rel(by_cat, sum, 1e-12);
    }
    /* emulation's translation shows in qemu's request, not in kvm's or lxc's */
    assert_true(r->runs[1].cat_cycles[VS_CAT_TRANSLATION] > 0);
    assert_true(r->runs[0].cat_cycles[VS_CAT_TRANSLATION] == 0);
    assert_true(r->runs[2].cat_cycles[VS_CAT_TRANSLATION] == 0);
    free(r);
}

static void test_bad_input(void **state)
{
    (void)state;
    struct vs_trace_report *r = malloc(sizeof *r);
    struct vs_error err = {0};
    struct vs_trace_opts o = {.operation = "no-such-op"};
    assert_int_equal(vs_trace_run(&o, r, &err), VS_ERR_INPUT);
    assert_non_null(strstr(err.message, "unknown operation 'no-such-op'"));
    assert_non_null(strstr(err.message, "page-fault"));
    o = (struct vs_trace_opts){.operation = "syscall", .approaches = "nope"};
    assert_int_equal(vs_trace_run(&o, r, &err), VS_ERR_INPUT);
    /* hvm cannot run on the 2003 host: left out and named */
    o = (struct vs_trace_opts){.operation = "syscall", .approaches = "native,kvm", .host = "p4-2003"};
    assert_int_equal(vs_trace_run(&o, r, &err), VS_OK);
    assert_int_equal(r->n_runs, 1);
    assert_non_null(strstr(r->skipped, "kvm"));
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_steps_add_up_everywhere),
        cmocka_unit_test(test_trace_is_what_a_simulation_charges),
        cmocka_unit_test(test_order_is_the_mechanisms),
        cmocka_unit_test(test_request_covers_the_workload),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
