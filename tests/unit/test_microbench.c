/* `virtsim microbench` (run/microbench.c). Invariants:
 * - the simulation path: for every CPU-only operation, under every preset
 *   each built-in host can run, the latency the simulation measures equals
 *   the engine's price for the operation (vs_engine_price, computed here)
 *   over the host's frequency within 1 %; the timer row likewise per tick
 *   within 2 % (its ticks are whole numbers drawn per request);
 * - orderings any sane model has: a null system call under uml costs more
 *   than natively; a page fault under hvm-shadow more than under hvm-ept; a
 *   CR3 load exits under hvm-shadow and under no other preset (current host);
 * - I/O rows include the device: a disk read takes at least the device's
 *   read latency, a round trip at least two wire latencies, on top of the CPU;
 * - only a translator has a code-translation figure;
 * - presets a host cannot run are left out and named; an unknown one is an
 *   input error. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>

#include "virtsim/load/builtin.h"
#include "virtsim/load/config.h"
#include "virtsim/model/engine.h"
#include "virtsim/run/microbench.h"

static const enum vs_mb_row cpu_rows[] = {
    VS_MB_SYSCALL, VS_MB_CONTEXT_SWITCH, VS_MB_FORK_EXEC, VS_MB_PAGE_FAULT,   VS_MB_TLB_MISS,
    VS_MB_PT_UPDATE, VS_MB_IRQ_FLAG,     VS_MB_CR3_LOAD,  VS_MB_PORT_IO,     VS_MB_EXITING_INSN,
};
#define N_CPU_ROWS (sizeof cpu_rows / sizeof cpu_rows[0])

static const char *const presets[] = {"native", "qemu",       "vmware",  "xen-pv", "uml",
                                      "kvm",    "hvm-shadow", "hvm-ept", "lxc",    "openvz"};
#define N_PRESETS (sizeof presets / sizeof presets[0])

static void load_host(const char *name, struct vs_host_spec *h)
{
    struct vs_error err = {0};
    int rc = vs_config_resolve_host(name, NULL, h, &err);
    if (rc != VS_OK) print_error("%s: %s\n", name, err.message);
    assert_int_equal(rc, VS_OK);
}

static double measure(const struct vs_host_spec *h, const char *preset, enum vs_mb_row row, struct vs_mb_cell *cell)
{
    struct vs_error err = {0};
    int rc = vs_microbench_measure(h, preset, row, 1, cell, NULL, &err);
    if (rc != VS_OK) print_error("%s %s: %s\n", preset, vs_mb_row_info(row)->name, err.message);
    assert_int_equal(rc, VS_OK);
    return cell->latency_us;
}

/* The engine's price of one operation of the row, in microseconds on host h
 * (the quiet host: no timer ticks, as the measurement runs). */
static double priced_us(const struct vs_host_spec *h, const struct vs_engine *e, enum vs_mb_row row, enum vs_op_kind op,
                        double count)
{
    struct vs_workload wl;
    vs_microbench_workload(row, false, &wl);
    struct vs_work w;
    vs_work_clear(&w);
    vs_engine_price(e, h, &wl, op, count, 0, &w);
    return vs_work_total_cycles(&w) / count / h->cpu.frequency_hz * 1e6;
}

static void test_cpu_rows_match_prices(void **state)
{
    (void)state;
    size_t hosts = 0, checked = 0;
    for (size_t b = 0; b < vs_builtin_count(); b++) {
        if (vs_builtin_at(b)->kind != VS_BUILTIN_HOST) continue;
        struct vs_host_spec h;
        load_host(vs_builtin_at(b)->name, &h);
        hosts++;
        for (size_t p = 0; p < N_PRESETS; p++) {
            struct vs_engine e;
            struct vs_error err = {0};
            if (vs_engine_open(presets[p], &h, &e, &err) != VS_OK) continue; /* e.g. hvm-ept on vtx-2006 */
            for (size_t r = 0; r < N_CPU_ROWS; r++) {
                const struct vs_mb_row_info *ri = vs_mb_row_info(cpu_rows[r]);
                struct vs_mb_cell cell;
                double got = measure(&h, presets[p], cpu_rows[r], &cell);
                double want = priced_us(&h, &e, cpu_rows[r], ri->op, ri->per_request);
                if (!(fabs(got - want) <= 0.01 * want))
                    print_error("%s, %s, %s: simulated %.6g us, priced %.6g us\n", h.name, presets[p], ri->name, got,
                                want);
                assert_true(want > 0);
                assert_within_rel(got, want, 0.01);
                assert_true(cell.requests >= 100);
                checked++;
            }
            vs_engine_close(&e);
        }
    }
    assert_int_equal(hosts, 4); /* current, ept-2009, vtx-2006, p4-2003 */
    assert_true(checked >= 2 * N_CPU_ROWS * 8);
}

static void test_timer_row_per_tick(void **state)
{
    (void)state;
    struct vs_host_spec h;
    load_host("current", &h);
    assert_true(vs_cost(&h.costs, VS_COST_TIMER_HZ) > 0);
    static const char *const which[] = {"native", "kvm", "hvm-shadow", "xen-pv", "uml"};
    for (size_t p = 0; p < sizeof which / sizeof which[0]; p++) {
        struct vs_engine e;
        struct vs_error err = {0};
        assert_int_equal(vs_engine_open(which[p], &h, &e, &err), VS_OK);
        struct vs_mb_cell cell;
        double got = measure(&h, which[p], VS_MB_TIMER_IRQ, &cell);
        assert_within_rel(got, priced_us(&h, &e, VS_MB_TIMER_IRQ, VS_OP_TIMER_IRQ, 1), 0.02);
        vs_engine_close(&e);
    }
    /* A host without a periodic tick has nothing to measure. */
    h.costs.value[VS_COST_TIMER_HZ] = 0;
    struct vs_mb_cell cell;
    assert_true(isnan(measure(&h, "native", VS_MB_TIMER_IRQ, &cell)));
}

static void test_orderings(void **state)
{
    (void)state;
    struct vs_host_spec h;
    load_host("current", &h);
    struct vs_mb_cell a, b;
    assert_true(measure(&h, "uml", VS_MB_SYSCALL, &a) > measure(&h, "native", VS_MB_SYSCALL, &b));
    assert_true(measure(&h, "hvm-shadow", VS_MB_PAGE_FAULT, &a) > measure(&h, "hvm-ept", VS_MB_PAGE_FAULT, &b));
    for (size_t p = 0; p < N_PRESETS; p++) {
        struct vs_mb_cell c;
        measure(&h, presets[p], VS_MB_CR3_LOAD, &c);
        if (strcmp(presets[p], "hvm-shadow") == 0) {
            assert_within_rel(c.vmexits, 1.0, 1e-9); /* one exit per CR3 load */
        } else {
            if (c.vmexits != 0) print_error("%s: %g exits per CR3 load\n", presets[p], c.vmexits);
            assert_true(c.vmexits == 0);
        }
    }
}

static void test_io_rows_include_devices(void **state)
{
    (void)state;
    static const char *const hosts[] = {"current", "vtx-2006"};
    for (size_t k = 0; k < 2; k++) {
        struct vs_host_spec h;
        load_host(hosts[k], &h);
        struct vs_engine e;
        struct vs_error err = {0};
        assert_int_equal(vs_engine_open("xen-pv", &h, &e, &err), VS_OK);
        struct vs_mb_cell c;
        double disk = measure(&h, "xen-pv", VS_MB_DISK_READ, &c);
        double cpu = priced_us(&h, &e, VS_MB_DISK_READ, VS_OP_DISK_READ, 1);
        assert_true(c.requests >= 1000);
        /* The device's mean access time: a seek and half a turn, or the flash latency. */
        double device_us = h.disk.device_class == VS_DISK_HDD ? ((double)h.disk.seek_ns + 30e9 / h.disk.rpm) / 1e3
                                                              : (double)h.disk.read_latency_ns / 1e3;
        assert_true(device_us > 0);
        assert_true(disk > cpu + 0.9 * device_us);
        double rtt = measure(&h, "xen-pv", VS_MB_NET_RTT, &c);
        assert_true(rtt > 2 * (double)h.nic.latency_ns / 1e3);
        vs_engine_close(&e);
    }
}

static void test_code_translation_only_for_translators(void **state)
{
    (void)state;
    struct vs_host_spec h;
    load_host("current", &h);
    struct vs_mb_cell c;
    assert_true(measure(&h, "qemu", VS_MB_CODE_LOAD, &c) > 0);
    assert_true(measure(&h, "vmware", VS_MB_CODE_LOAD, &c) > 0);
    static const char *const none[] = {"native", "kvm", "xen-pv", "lxc"};
    for (size_t p = 0; p < 4; p++) assert_true(isnan(measure(&h, none[p], VS_MB_CODE_LOAD, &c)));
}

static void test_skipped_and_unknown(void **state)
{
    (void)state;
    struct vs_mb_results *r = malloc(sizeof *r);
    assert_non_null(r);
    struct vs_error err = {0};
    struct vs_microbench_opts o = {.host = "vtx-2006", .approaches = "hvm-ept, native", .seed = 1};
    assert_int_equal(vs_microbench_run(&o, r, &err), VS_OK);
    assert_int_equal(r->n_engines, 1);
    assert_string_equal(r->engines[0], "native");
    assert_non_null(strstr(r->skipped, "hvm-ept"));
    for (int row = 0; row < VS_MB_ROWS; row++)
        if (row != VS_MB_CODE_LOAD) assert_false(isnan(r->cells[0][row].latency_us));
    o.approaches = "kvm,nosuch";
    assert_int_equal(vs_microbench_run(&o, r, &err), VS_ERR_INPUT);
    assert_non_null(strstr(err.message, "nosuch"));
    o.approaches = NULL;
    o.host = "no-such-host";
    assert_int_equal(vs_microbench_run(&o, r, &err), VS_ERR_INPUT);
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cpu_rows_match_prices),
        cmocka_unit_test(test_timer_row_per_tick),
        cmocka_unit_test(test_orderings),
        cmocka_unit_test(test_io_rows_include_devices),
        cmocka_unit_test(test_code_translation_only_for_translators),
        cmocka_unit_test(test_skipped_and_unknown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
