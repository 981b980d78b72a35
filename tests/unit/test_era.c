/* Era-faithful choices (issue 10). Invariants:
 * - the pre-VT host profile p4-2003 loads; every preset of every engine
 *   that does not need hardware virtualization opens on it and runs a
 *   simulated null system call; every hvm preset is refused with a message
 *   that says the host has no hardware virtualization;
 * - 32-bit Xen PV (xen-pv32) takes a guest system call through a trap gate
 *   straight to the guest kernel: its simulated null system call costs what
 *   native's does, while the 64-bit xen-pv's costs more (the bounce through
 *   Xen), on the 2003 host and on today's. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>

#include "virtsim/load/config.h"
#include "virtsim/model/engine.h"
#include "virtsim/run/microbench.h"

static void load_host(const char *name, struct vs_host_spec *h)
{
    struct vs_error err = {0};
    int rc = vs_config_resolve_host(name, NULL, h, &err);
    if (rc != VS_OK) print_error("%s: %s\n", name, err.message);
    assert_int_equal(rc, VS_OK);
}

static double syscall_us(const struct vs_host_spec *h, const char *preset)
{
    struct vs_mb_cell cell;
    struct vs_error err = {0};
    int rc = vs_microbench_measure(h, preset, VS_MB_SYSCALL, 1, &cell, NULL, &err);
    if (rc != VS_OK) print_error("%s: %s\n", preset, err.message);
    assert_int_equal(rc, VS_OK);
    return cell.latency_us;
}

static void test_pre_vt_host(void **state)
{
    (void)state;
    struct vs_host_spec h;
    load_host("p4-2003", &h);
    assert_false(h.cpu.hw_virt);
    size_t ran = 0, refused = 0;
    for (size_t k = 0; k < vs_engine_count(); k++) {
        const struct vs_engine_ops *ops = vs_engine_at(k);
        for (size_t p = 0; p < ops->n_presets; p++) {
            const char *name = ops->presets[p].name;
            struct vs_engine e;
            struct vs_error err = {0};
            int rc = vs_engine_open(name, &h, &e, &err);
            if (strcmp(ops->approach, "hvm") == 0) {
                assert_int_equal(rc, VS_ERR_INPUT);
                assert_non_null(strstr(err.message, "hardware virtualization"));
                assert_non_null(strstr(err.message, "p4-2003"));
                refused++;
                continue;
            }
            if (rc != VS_OK) print_error("%s: %s\n", name, err.message);
            assert_int_equal(rc, VS_OK);
            vs_engine_close(&e);
            assert_true(syscall_us(&h, name) > 0);
            ran++;
        }
    }
    print_message("p4-2003: %zu presets ran, %zu hvm presets refused\n", ran, refused);
    assert_true(refused >= 1);
    assert_true(ran >= 8);
}

static void test_xen_pv32_syscall(void **state)
{
    (void)state;
    static const char *const hosts[] = {"p4-2003", "current"};
    for (size_t k = 0; k < 2; k++) {
        struct vs_host_spec h;
        load_host(hosts[k], &h);
        double native = syscall_us(&h, "native"), pv32 = syscall_us(&h, "xen-pv32"), pv64 = syscall_us(&h, "xen-pv");
        print_message("%s null system call: native %.3f us, xen-pv32 %.3f us, xen-pv %.3f us\n", hosts[k], native,
                      pv32, pv64);
        assert_within_rel(pv32, native, 0.01);
        /* The 64-bit bounce through Xen: at least 90 % of pv_syscall_extra more. */
        double extra_us = vs_cost(&h.costs, VS_COST_PV_SYSCALL_EXTRA_CYCLES) / h.cpu.frequency_hz * 1e6;
        assert_true(pv64 > native + 0.9 * extra_us);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pre_vt_host),
        cmocka_unit_test(test_xen_pv32_syscall),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
