/* Live migration and checkpoints (issue 12). Invariants, each from a
 * simulated run of a two-host scenario whose guest has no network traffic
 * of its own (so the migration stream has the whole path):
 * - pre-copy follows its algorithm's geometric series: round 0 sends the
 *   memory image M, each next round what the previous round's duration
 *   dirtied (dirty rate D, at most the hot set H), until the rest can be
 *   sent within the downtime target; total time, rounds and downtime match
 *   the series within 2 % for D/B from 0 to 0.9;
 * - stop-and-copy's downtime is M / B (with the device state and a round
 *   trip); post-copy's downtime is small and the same for M and 4M;
 * - with D above B, pre-copy does not converge and says why it stopped;
 *   auto-converge throttles the guest and then converges;
 * - a container moves less than a VM running the same application;
 * - checkpoint images: a VM's is its memory, a container's its application
 *   memory; an incremental one, what was dirtied since the last;
 * - after the switch the guest runs on the destination, and its clients'
 *   requests go on there (none lost);
 * - a checkpoint still writing when the run ends is reported unfinished,
 *   and its disk requests in flight are freed with the run (the sanitizer
 *   build, make check, finds a leak otherwise). */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>

#include "virtsim/load/config.h"
#include "virtsim/run/sim.h"

#define GIB (1024.0 * 1048576)
#define MIB 1048576.0
#define BANDWIDTH_BITS 8e9 /* the link: 8 Gbit/s = 1e9 bytes/s; the NICs are faster */
#define RTT_NS 2 * (1000 + 1000 + 1000)
#define VM_STATE (1.0 * MIB)
#define CONTAINER_STATE (256.0 * 1024)

/* Runs a scenario with a guest of memory `memory` (a VM's RAM) whose
 * application has footprint `app`, hot set `hot` and dirty rate `rate`,
 * and the given events; fills *out. */
static void run(const char *engine, const char *memory, const char *app, const char *hot, const char *rate,
                const char *events, struct vs_results *out)
{
    char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "name: mig\n"
             "hosts:\n"
             "  - {name: a, profile: current, nic: {bandwidth: 25Gbit, latency: 1us}}\n"
             "  - {name: b, profile: current, nic: {bandwidth: 25Gbit, latency: 1us}}\n"
             "links:\n"
             "  - {hosts: [a, b], bandwidth: 8Gbit, latency: 1us}\n"
             "duration: 60s\n"
             "warmup: 100ms\n"
             "compare: [%s]\n"
             "guests:\n"
             "  - name: app\n"
             "    host: a\n"
             "%s"
             "    workload:\n"
             "      name: app\n"
             "      load: {kind: closed, clients: 1, think_time: 1ms}\n"
             "      request: {instructions: 1M}\n"
             "      memory: {footprint: %s, working_set: %s, dirty_rate: %s}\n"
             "events:\n%s",
             engine, memory ? memory : "", app, hot, rate, events);
    struct vs_scenario *sc = malloc(sizeof *sc);
    struct vs_error err = {0};
    int rc = vs_config_load_scenario(yaml, strlen(yaml), "mig.yaml", NULL, sc, &err);
    if (rc != VS_OK) print_error("%s:%d:%d: %s\n%s", err.file, err.line, err.column, err.message, yaml);
    assert_int_equal(rc, VS_OK);
    rc = vs_sim_run_scenario(sc, 1, out, &err);
    if (rc != VS_OK) print_error("%s\n", err.message);
    assert_int_equal(rc, VS_OK);
    free(sc);
}

static const struct vs_migration_record *migration(const struct vs_results *r)
{
    assert_int_equal(r->runs[0].n_migrations, 1);
    const struct vs_migration_record *m = &r->runs[0].migrations[0];
    assert_true(m->done);
    return m;
}

/* The pre-copy series with Xen's stop conditions (a round cap, at most 3M
 * sent in all): rounds, total ns, downtime ns, and whether it converged. */
static bool series(double M, double H, double D, double B, double target_ns, double state, uint32_t max_rounds,
                   uint32_t *rounds, double *total_ns, double *downtime_ns)
{
    double send = M, t_total = 0, sent = 0;
    *rounds = 0;
    for (;;) {
        double t = send / B * 1e9;
        t_total += t;
        sent += send;
        (*rounds)++;
        double d = D * t / 1e9;
        if (d > H) d = H;
        bool converged = d / B * 1e9 <= target_ns;
        if (converged || *rounds >= max_rounds || sent + d > 3 * M) {
            *downtime_ns = (d + state) / B * 1e9 + RTT_NS;
            *total_ns = t_total + *downtime_ns;
            return converged;
        }
        send = d;
    }
}

static void test_precopy_series(void **state)
{
    (void)state;
    const double B = BANDWIDTH_BITS / 8, M = 2 * GIB, H = 1 * GIB;
    const double ratios[] = {0, 0.1, 0.3, 0.5, 0.7, 0.9};
    for (size_t k = 0; k < sizeof ratios / sizeof ratios[0]; k++) {
        double D = ratios[k] * B;
        char rate[32];
        snprintf(rate, sizeof rate, "%.0fB/s", D);
        struct vs_results r;
        run("kvm", "    memory: 2GiB\n", "1GiB", "1GiB", D > 0 ? rate : "0B/s",
            "  - {at: 1s, migrate: app, to: b, downtime: 50ms, max_rounds: 100}\n", &r);
        const struct vs_migration_record *m = migration(&r);
        uint32_t rounds;
        double total, down;
        bool converged = series(M, H, D, B, 50e6, VM_STATE, 100, &rounds, &total, &down);
        print_message("D/B %.1f: rounds %u (series %u), total %.3f s (%.3f), downtime %.2f ms (%.2f)\n", ratios[k],
                      m->rounds, rounds, (double)(m->end_ns - m->start_ns) / 1e9, total / 1e9,
                      (double)m->downtime_ns / 1e6, down / 1e6);
        assert_int_equal(m->rounds, rounds);
        assert_within_rel((double)(m->end_ns - m->start_ns), total, 0.02);
        assert_within_rel((double)m->downtime_ns, down, 0.02);
        assert_true(m->converged == converged);
        assert_string_equal(m->from, "a");
        assert_string_equal(m->to, "b");
        vs_results_free(&r);
    }
}

static void test_stopcopy_and_postcopy(void **state)
{
    (void)state;
    const double B = BANDWIDTH_BITS / 8;
    struct vs_results r;
    run("kvm", "    memory: 2GiB\n", "512MiB", "256MiB", "100MiB/s",
        "  - {at: 1s, migrate: app, to: b, method: stopcopy}\n", &r);
    const struct vs_migration_record *m = migration(&r);
    assert_within_rel((double)m->downtime_ns, (2 * GIB + VM_STATE) / B * 1e9 + RTT_NS, 0.02);
    assert_within_rel((double)(m->end_ns - m->start_ns), (double)m->downtime_ns, 0.001);
    vs_results_free(&r);

    double down[2];
    const char *mem[2] = {"    memory: 1GiB\n", "    memory: 4GiB\n"};
    for (int k = 0; k < 2; k++) {
        run("kvm", mem[k], "512MiB", "256MiB", "100MiB/s", "  - {at: 1s, migrate: app, to: b, method: postcopy}\n",
            &r);
        m = migration(&r);
        down[k] = (double)m->downtime_ns;
        assert_true(m->remote_faults > 0);
        /* the memory follows after the switch */
        assert_true(m->end_ns - m->start_ns > (k ? 4 : 1) * GIB / B * 1e9);
        vs_results_free(&r);
    }
    assert_true(down[0] < 10e6);
    assert_within_rel(down[1], down[0], 0.001);
}

static void test_nonconverging(void **state)
{
    (void)state;
    struct vs_results r;
    /* 1.5 GB/s of dirtying over a 1 GB/s path */
    run("kvm", "    memory: 2GiB\n", "1GiB", "1GiB", "1500MB/s", "  - {at: 1s, migrate: app, to: b}\n", &r);
    const struct vs_migration_record *m = migration(&r);
    assert_false(m->converged);
    assert_true(strlen(m->stop_reason) > 0);
    assert_true(m->rounds >= 2);
    assert_true(m->throttle_min > 0.9); /* nothing throttled it beyond dirty tracking */
    double long_downtime = (double)m->downtime_ns;
    vs_results_free(&r);
    /* auto-converge throttles the vCPUs until a round converges */
    run("kvm", "    memory: 2GiB\n", "1GiB", "1GiB", "1500MB/s",
        "  - {at: 1s, migrate: app, to: b, auto_converge: on}\n", &r);
    m = migration(&r);
    assert_true(m->converged);
    assert_true(m->throttle_min < 0.8);
    assert_true((double)m->downtime_ns < long_downtime);
    vs_results_free(&r);
}

static void test_container_moves_less(void **state)
{
    (void)state;
    struct vs_results vm, ct;
    run("kvm", "", "512MiB", "64MiB", "10MiB/s", "  - {at: 1s, migrate: app, to: b}\n", &vm);
    run("lxc", "", "512MiB", "64MiB", "10MiB/s", "  - {at: 1s, migrate: app, to: b}\n", &ct);
    const struct vs_migration_record *a = migration(&vm), *b = migration(&ct);
    assert_true(b->bytes_sent < a->bytes_sent);
    /* the container's image is its application: 512 MiB in round 0 */
    assert_true(b->bytes_sent >= 512 * MIB && b->bytes_sent < 600 * MIB);
    /* after the switch the guest runs on b, and requests went on */
    const struct vs_run_result *run0 = &ct.runs[0];
    uint32_t on_b = 0, migrated = 0;
    for (uint32_t i = 0; i < run0->n_instances; i++) {
        if (strcmp(run0->instances[i].host, "b") == 0 && run0->instances[i].state == VS_GUEST_RUNNING) on_b++;
        if (run0->instances[i].state == VS_GUEST_MIGRATED) migrated++;
    }
    assert_int_equal(on_b, 1);
    assert_int_equal(migrated, 1);
    assert_true(run0->groups[0].completed > 0);
    vs_results_free(&vm);
    vs_results_free(&ct);
}

static void test_checkpoint_images(void **state)
{
    (void)state;
    struct vs_results r;
    run("kvm", "    memory: 2GiB\n", "512MiB", "64MiB", "10MiB/s",
        "  - {at: 1s, checkpoint: app}\n  - {at: 10s, checkpoint: app, incremental: on}\n"
        "  - {at: 20s, restore: app}\n",
        &r);
    const struct vs_run_result *run0 = &r.runs[0];
    assert_int_equal(run0->n_checkpoints, 3);
    const struct vs_checkpoint_record *full = &run0->checkpoints[0], *inc = &run0->checkpoints[1];
    assert_within_rel(full->image_bytes, 2 * GIB + VM_STATE, 1e-9);
    assert_true(inc->incremental);
    /* dirtied in the 9 s since the first one started, at most the hot set */
    assert_within_rel(inc->image_bytes, 64 * MIB + VM_STATE, 1e-9);
    assert_true(full->done && inc->done && run0->checkpoints[2].done);
    assert_true(full->freeze_ns > 0 && inc->freeze_ns < full->freeze_ns);
    assert_string_equal(run0->checkpoints[2].kind, "restore");
    vs_results_free(&r);

    run("lxc", "", "512MiB", "64MiB", "10MiB/s", "  - {at: 1s, checkpoint: app}\n", &r);
    assert_within_rel(r.runs[0].checkpoints[0].image_bytes, 512 * MIB + CONTAINER_STATE, 1e-9);
    vs_results_free(&r);
}

/* A checkpoint's image goes through the host's disk queue: the
 * neighbours' disk requests wait longer while it is written. */
static void test_checkpoint_slows_neighbours(void **state)
{
    (void)state;
    const char *yaml = "name: cp\nhost: current\nduration: 20s\nwarmup: 1s\ncompare: [kvm]\nguests:\n"
                       "  - {name: db, workload: cpu-bound, memory: 8GiB}\n"
                       "  - {name: io, workload: disk-random}\n"
                       "events:\n  - {at: 5s, checkpoint: db}\n";
    struct vs_scenario *sc = malloc(sizeof *sc);
    struct vs_error err = {0};
    assert_int_equal(vs_config_load_scenario(yaml, strlen(yaml), "cp.yaml", NULL, sc, &err), VS_OK);
    struct vs_results r;
    assert_int_equal(vs_sim_run_scenario(sc, 1, &r, &err), VS_OK);
    free(sc);
    const struct vs_checkpoint_record *c = &r.runs[0].checkpoints[0];
    assert_true(c->done);
    assert_true(c->neighbours_disk_before_ns > 0);
    assert_true(c->neighbours_disk_during_ns > 2 * c->neighbours_disk_before_ns);
    vs_results_free(&r);
}

static void test_checkpoint_cut_by_the_end(void **state)
{
    (void)state;
    struct vs_results r;
    /* 2 GiB to write from 59.9 s: far from done at 60 s. */
    run("kvm", "    memory: 2GiB\n", "512MiB", "64MiB", "10MiB/s", "  - {at: 59.9s, checkpoint: app}\n", &r);
    assert_int_equal(r.runs[0].n_checkpoints, 1);
    assert_false(r.runs[0].checkpoints[0].done);
    vs_results_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_precopy_series),
        cmocka_unit_test(test_stopcopy_and_postcopy),
        cmocka_unit_test(test_nonconverging),
        cmocka_unit_test(test_container_moves_less),
        cmocka_unit_test(test_checkpoint_images),
        cmocka_unit_test(test_checkpoint_slows_neighbours),
        cmocka_unit_test(test_checkpoint_cut_by_the_end),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
