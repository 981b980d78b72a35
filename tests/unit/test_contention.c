/* Performance isolation (host/contention.h, run/isolation.h). Invariants:
 * - a lock costs nothing without neighbours, and its cost per acquisition
 *   grows with the neighbours' rate, faster than linearly near saturation
 *   (queueing), and is at least the line transfer when the neighbours take
 *   it almost every time;
 * - one group alone has no contention state at all (one-group scenarios
 *   run exactly as before);
 * - VMs do not pay kernel locks, only their shared I/O back end; a shared
 *   kernel does not pay the VM back end;
 * - the LLC costs nothing while the working sets fit together, and costs
 *   more the faster a big neighbour sweeps it;
 * - whole runs (inline scenarios): a file-scanning neighbour slows a
 *   container victim and not a KVM victim; a cache hog raises the CPU per
 *   request under every approach; a neighbour that shares nothing leaves
 *   the victim at 1.00 within the interval; the victim's CPU on locks grows
 *   with the neighbour's rate. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>

#include "virtsim/host/contention.h"
#include "virtsim/load/config.h"
#include "virtsim/run/isolation.h"

static struct vs_host_spec host(void)
{
    struct vs_host_spec h;
    vs_host_spec_defaults(&h);
    return h;
}

static void test_lock_cost_shape(void **state)
{
    (void)state;
    struct vs_host_spec h = host();
    double f = h.cpu.frequency_hz, hold = 400, xfer = 150;
    assert_true(vs_contention_lock_cycles(hold, xfer, f, 0, 1e5) == 0);
    double prev = 0, prev_step = 0;
    /* rates up to where the lock is held ~90 % of the time by neighbours */
    for (double rate = 1e5; rate <= 6.4e6; rate *= 2) {
        double c = vs_contention_lock_cycles(hold, xfer, f, rate, 1e5);
        assert_true(c > prev);
        if (rate > 1e6) assert_true(c - prev > prev_step); /* convex: queueing */
        prev_step = c - prev;
        prev = c;
    }
    /* the neighbours take the lock almost always: at least one transfer */
    assert_true(vs_contention_lock_cycles(hold, xfer, f, 1e6, 1) >= xfer);
    /* the victim itself takes it almost always: the line stays local */
    assert_true(vs_contention_lock_cycles(hold, xfer, f, 1, 1e7) < 1);
}

static struct vs_contention *make(bool shared_kernel, uint32_t groups)
{
    struct vs_host_spec h = host();
    struct vs_contention_config cfg = {.n_groups = groups, .shared_kernel = shared_kernel,
                                       .shared_backend = !shared_kernel};
    struct vs_contention *c = NULL;
    assert_int_equal(vs_contention_create(&h, &cfg, &c), VS_OK);
    return c;
}

/* The cycles group 0 pays for `ops` after group 1 did `neighbour` every
 * 10 us for 200 ms. */
static double pay(struct vs_contention *c, const struct vs_cont_ops *ops, const struct vs_cont_ops *neighbour,
                  double kinds[VS_CONT_KINDS])
{
    vs_time_ns t = 0;
    for (int i = 0; i < 20000; i++, t += 10000) {
        vs_contention_record(c, 1, t, neighbour);
        if (i % 10 == 0) vs_contention_record(c, 0, t, ops);
    }
    struct vs_work w;
    vs_work_clear(&w);
    vs_contention_charge(c, 0, t, ops, &w, kinds);
    return vs_work_total_cycles(&w);
}

static void test_one_group_has_no_state(void **state)
{
    (void)state;
    assert_null(make(true, 1));
    assert_null(make(false, 0));
}

static void test_kernel_vs_backend(void **state)
{
    (void)state;
    struct vs_cont_ops ops = {.n = {[VS_KC_MM] = 2, [VS_KC_FS] = 2, [VS_KC_NET] = 10, [VS_KC_BACKEND] = 12}};
    struct vs_cont_ops heavy = {.n = {[VS_KC_MM] = 50, [VS_KC_FS] = 20, [VS_KC_NET] = 40, [VS_KC_BACKEND] = 60}};
    double k_shared[VS_CONT_KINDS] = {0}, k_vm[VS_CONT_KINDS] = {0};
    struct vs_contention *shared = make(true, 2), *vm = make(false, 2);
    double a = pay(shared, &ops, &heavy, k_shared), b = pay(vm, &ops, &heavy, k_vm);
    assert_true(k_shared[VS_CONT_KERNEL] > 0 && k_shared[VS_CONT_BACKEND] == 0);
    assert_true(k_vm[VS_CONT_KERNEL] == 0 && k_vm[VS_CONT_BACKEND] > 0);
    assert_true(a > b); /* one kernel: every class; VMs: only the back end */
    vs_contention_destroy(shared);
    vs_contention_destroy(vm);
    /* nothing from neighbours who did nothing */
    struct vs_contention *quiet = make(true, 2);
    struct vs_cont_ops none = {0};
    double k[VS_CONT_KINDS] = {0};
    assert_true(pay(quiet, &ops, &none, k) == 0);
    vs_contention_destroy(quiet);
}

static void test_llc(void **state)
{
    (void)state;
    struct vs_host_spec h = host();
    double llc = vs_cost(&h.costs, VS_COST_LLC_BYTES);
    struct vs_cont_ops victim = {.llc_refs = 1000};
    /* both fit together: nothing to pay */
    struct vs_contention *c = make(false, 2);
    vs_contention_add_footprint(c, 0, llc / 4);
    vs_contention_add_footprint(c, 1, llc / 4);
    struct vs_cont_ops hog = {.llc_refs = 1e6};
    double k[VS_CONT_KINDS] = {0};
    assert_true(pay(c, &victim, &hog, k) == 0);
    vs_contention_destroy(c);
    /* a big neighbour: the faster it sweeps, the more the victim pays */
    double prev = 0;
    for (double refs = 1e3; refs <= 1e6; refs *= 10) {
        c = make(true, 2);
        vs_contention_add_footprint(c, 0, llc);
        vs_contention_add_footprint(c, 1, 16 * llc);
        struct vs_cont_ops h2 = {.llc_refs = refs};
        double kk[VS_CONT_KINDS] = {0};
        double paid = pay(c, &victim, &h2, kk);
        assert_true(paid > prev);
        assert_true(kk[VS_CONT_LLC] == paid && kk[VS_CONT_KERNEL] == 0);
        prev = paid;
        vs_contention_destroy(c);
    }
    /* at most every reference misses, at the memory latency over the
     * parallelism, times the bus's queueing factor (held below 1/0.05) */
    double per_miss = vs_host_memory_cycles(&h) / vs_cost(&h.costs, VS_COST_MEMORY_PARALLELISM);
    assert_true(prev <= victim.llc_refs * per_miss / (1 - VS_CONTENTION_MAX_UTIL));
}

/* ---- whole runs ---- */

static const char *victim_yaml =
    "name: nn\n"
    "host: current\n"
    "duration: 3s\n"
    "warmup: 500ms\n"
    "seed: 3\n"
    "compare: [%s]\n"
    "guests:\n"
    "  - name: web\n"
    "    victim: true\n"
    "    vcpus: 2\n"
    "    memory: 2GiB\n"
    "    workload:\n"
    "      name: web-app\n"
    "      load: {kind: open, rate: 3000/s}\n"
    "      request:\n"
    "        instructions: 150k\n"
    "        llc_refs_per_instruction: 0.005\n"
    "        syscalls: 12\n"
    "        page_faults: 1\n"
    "        kernel_instructions: 30k\n"
    "        disk: {reads: 2, read_size: 16KiB}\n"
    "        net: {rx_packets: 5, rx_bytes: 1KiB, tx_packets: 9, tx_bytes: 12KiB}\n"
    "      memory: {footprint: 256MiB, working_set: 64MiB, file_set: 128MiB}\n"
    "  - name: hog\n"
    "    vcpus: 4\n"
    "    memory: 2GiB\n"
    "    workload:\n"
    "      name: hog\n"
    "%s";

static const char *file_scan =
    "      load: {kind: closed, clients: %d, think_time: 500us}\n"
    "      request:\n"
    "        instructions: 40k\n"
    "        syscalls: 6\n"
    "        page_faults: 2\n"
    "        disk: {reads: 4, read_size: 64KiB}\n"
    "      memory: {footprint: 64MiB, working_set: 16MiB, file_set: 96GiB}\n";

static const char *cache_hog =
    "      load: {kind: closed, clients: 4, think_time: 0}\n"
    "      request:\n"
    "        instructions: 10M\n"
    "        cpi: 2.5\n"
    "        llc_refs_per_instruction: 0.03\n"
    "      memory: {footprint: 1100MiB, working_set: 1GiB}\n";

static const char *idle =
    "      load: {kind: open, rate: 5/s}\n"
    "      request: {instructions: 100k}\n"
    "      memory: {footprint: 16MiB}\n";

static void isolate(const char *engines, const char *hog, uint32_t reps, struct vs_isolation *out)
{
    char yaml[4096];
    snprintf(yaml, sizeof yaml, victim_yaml, engines, hog);
    struct vs_scenario *sc = malloc(sizeof *sc);
    struct vs_error err;
    int rc = vs_config_load_scenario(yaml, strlen(yaml), "nn.yaml", NULL, sc, &err);
    if (rc != VS_OK) print_error("%s:%d:%d: %s\n", err.file, err.line, err.column, err.message);
    assert_int_equal(rc, VS_OK);
    struct vs_isolation_opts o = {.reps = reps, .seed = sc->seed};
    rc = vs_isolation_run(sc, &o, out, &err);
    if (rc != VS_OK) print_error("%s\n", err.message);
    assert_int_equal(rc, VS_OK);
    free(sc);
}

static const struct vs_isolation_row *row(const struct vs_isolation *r, const char *engine)
{
    for (uint32_t i = 0; i < r->n_rows; i++)
        if (strcmp(r->rows[i].engine, engine) == 0) return &r->rows[i];
    fail_msg("no row for %s", engine);
    return NULL;
}

static void test_kernel_heavy_neighbour_order(void **state)
{
    (void)state;
    char hog[1024];
    snprintf(hog, sizeof hog, file_scan, 8);
    struct vs_isolation r;
    isolate("native, kvm, xen-pv, lxc", hog, 2, &r);
    assert_int_equal(r.n_rows, 4);
    const struct vs_isolation_row *lxc = row(&r, "lxc"), *native = row(&r, "native");
    const struct vs_isolation_row *kvm = row(&r, "kvm"), *xen = row(&r, "xen-pv");
    /* one kernel: the victim is slower than under either hypervisor */
    assert_true(lxc->p99_ratio.mean > kvm->p99_ratio.mean && lxc->p99_ratio.mean > xen->p99_ratio.mean);
    assert_true(native->p99_ratio.mean > kvm->p99_ratio.mean && native->p99_ratio.mean > xen->p99_ratio.mean);
    assert_true(lxc->cpu_per_request_ratio.mean > kvm->cpu_per_request_ratio.mean);
    assert_true(lxc->contention_ns_per_request[VS_CONT_KERNEL] > 0);
    assert_true(kvm->contention_ns_per_request[VS_CONT_KERNEL] == 0);
    vs_isolation_free(&r);
}

static void test_cache_hog_slows_everyone(void **state)
{
    (void)state;
    struct vs_isolation r;
    isolate("native, kvm, xen-pv, lxc", cache_hog, 2, &r);
    for (uint32_t i = 0; i < r.n_rows; i++) {
        assert_true(r.rows[i].cpu_per_request_ratio.low > 1.05);
        assert_true(r.rows[i].contention_ns_per_request[VS_CONT_LLC] > 0);
    }
    vs_isolation_free(&r);
}

static void test_quiet_neighbour_is_one(void **state)
{
    (void)state;
    struct vs_isolation r;
    isolate("kvm, lxc", idle, 3, &r);
    for (uint32_t i = 0; i < r.n_rows; i++) {
        assert_within_rel(r.rows[i].cpu_per_request_ratio.mean, 1.0, 0.01);
        assert_within_rel(r.rows[i].throughput_ratio.mean, 1.0, 0.01);
        assert_within_rel(r.rows[i].p99_ratio.mean, 1.0, 0.05);
    }
    vs_isolation_free(&r);
}

static void test_contention_grows_with_rate(void **state)
{
    (void)state;
    double prev = 0;
    for (int clients = 1; clients <= 16; clients *= 4) {
        char hog[1024];
        snprintf(hog, sizeof hog, file_scan, clients);
        struct vs_isolation r;
        isolate("lxc", hog, 1, &r);
        double locks = row(&r, "lxc")->contention_ns_per_request[VS_CONT_KERNEL];
        assert_true(locks > prev);
        prev = locks;
        vs_isolation_free(&r);
    }
}

static void test_alone_scenario(void **state)
{
    (void)state;
    char yaml[4096];
    snprintf(yaml, sizeof yaml, victim_yaml, "lxc", idle);
    strcat(yaml, "events:\n  - {at: 1s, pause: hog}\n  - {at: 2s, pause: web}\n");
    struct vs_scenario *sc = malloc(sizeof *sc), *alone = malloc(sizeof *alone);
    struct vs_error err;
    assert_int_equal(vs_config_load_scenario(yaml, strlen(yaml), "nn.yaml", NULL, sc, &err), VS_OK);
    bool keep[VS_MAX_GUEST_GROUPS] = {true, false};
    vs_isolation_subset(sc, keep, alone);
    assert_int_equal(alone->n_guests, 1);
    assert_string_equal(alone->guests[0].name, "web");
    assert_int_equal(alone->n_events, 1); /* the hog's pause went with it */
    assert_string_equal(alone->events[0].target, "web");
    free(sc);
    free(alone);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lock_cost_shape),
        cmocka_unit_test(test_one_group_has_no_state),
        cmocka_unit_test(test_kernel_vs_backend),
        cmocka_unit_test(test_llc),
        cmocka_unit_test(test_alone_scenario),
        cmocka_unit_test(test_kernel_heavy_neighbour_order),
        cmocka_unit_test(test_cache_hog_slows_everyone),
        cmocka_unit_test(test_quiet_neighbour_is_one),
        cmocka_unit_test(test_contention_grows_with_rate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
