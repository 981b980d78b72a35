/* Fault isolation (issue 11). Invariants, from simulated runs of a two-host
 * scenario (two web guests and a database on host a, a web guest on b):
 * - a guest kernel panic takes down that VM only, for its boot time, and
 *   every guest of the host under OS-level virtualization (one kernel), for
 *   the host's reboot and their start; never a guest on the other host;
 * - a host kernel panic takes down every guest on that host under every
 *   approach, and none on the other host;
 * - a process crash restarts the service after process_restart, keeping its
 *   memory;
 * - a device-model crash reboots an HVM guest and is refused where there is
 *   no device-model process (Xen PV, containers); a hypervisor crash takes
 *   the host's guests under Xen and KVM and is refused without a hypervisor
 *   (containers, a pure emulator);
 * - an open load's requests that arrive while a guest is down are lost
 *   (about rate x time down), and its availability is the share of the
 *   window it served;
 * - a crash while the guest migrates counts what was in flight once, and
 *   the guest serves again on its new host after the restart. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>

#include "virtsim/host/costs.h"
#include "virtsim/load/config.h"
#include "virtsim/run/sim.h"

static void run(const char *engine, const char *events, struct vs_results *out)
{
    char yaml[2048];
    snprintf(yaml, sizeof yaml,
             "name: faults\n"
             "hosts:\n"
             "  - {name: a, profile: current}\n"
             "  - {name: b, profile: current}\n"
             "links:\n"
             "  - {hosts: [a, b], bandwidth: 10Gbit}\n"
             "duration: 200s\n"
             "warmup: 1s\n"
             "compare: [%s]\n"
             "guests:\n"
             "  - {name: web, host: a, count: 2, workload: web-server, load: {rate: 100/s}}\n"
             "  - {name: db, host: a, workload: database-oltp}\n"
             "  - {name: other, host: b, workload: web-server, load: {rate: 100/s}}\n"
             "events:\n%s",
             engine, events);
    struct vs_scenario *sc = malloc(sizeof *sc);
    struct vs_error err = {0};
    int rc = vs_config_load_scenario(yaml, strlen(yaml), "faults.yaml", NULL, sc, &err);
    if (rc != VS_OK) print_error("%d:%d: %s\n", err.line, err.column, err.message);
    assert_int_equal(rc, VS_OK);
    rc = vs_sim_run_scenario(sc, 1, out, &err);
    if (rc != VS_OK) print_error("%s\n", err.message);
    assert_int_equal(rc, VS_OK);
    free(sc);
}

static const struct vs_guest_result *instance(const struct vs_run_result *r, const char *name)
{
    for (uint32_t i = 0; i < r->n_instances; i++)
        if (strcmp(r->instances[i].name, name) == 0) return &r->instances[i];
    fail_msg("no instance %s", name);
    return NULL;
}

static uint32_t outages_of(const struct vs_run_result *r, const char *guest)
{
    uint32_t n = 0;
    for (uint32_t k = 0; k < r->n_outages; k++) n += strcmp(r->outages[k].guest, guest) == 0;
    return n;
}

static const struct vs_outage_record *outage(const struct vs_run_result *r, const char *guest)
{
    for (uint32_t k = 0; k < r->n_outages; k++)
        if (strcmp(r->outages[k].guest, guest) == 0) return &r->outages[k];
    fail_msg("no outage of %s", guest);
    return NULL;
}

static double cost(const char *key)
{
    struct vs_host_spec h;
    struct vs_error err = {0};
    assert_int_equal(vs_config_resolve_host("current", NULL, &h, &err), VS_OK);
    return vs_cost(&h.costs, (enum vs_cost_id)vs_cost_find(key));
}

static void test_guest_panic_blast_radius(void **state)
{
    (void)state;
    struct vs_results r;
    run("kvm", "  - {at: 5s, panic: web-1}\n", &r);
    const struct vs_run_result *k = &r.runs[0];
    assert_int_equal(k->n_outages, 1);
    const struct vs_outage_record *o = outage(k, "web-1");
    assert_string_equal(o->cause, "kernel panic");
    /* the VM reboots: down for its boot time */
    assert_within_rel((double)(o->recovered_ns - o->start_ns), cost("vm_boot"), 0.01);
    assert_int_equal(outages_of(k, "web-2") + outages_of(k, "db") + outages_of(k, "other"), 0);
    vs_results_free(&r);

    run("lxc", "  - {at: 5s, panic: web-1}\n", &r);
    k = &r.runs[0];
    /* one kernel: every guest of host a, none of host b */
    assert_int_equal(outages_of(k, "web-1") + outages_of(k, "web-2") + outages_of(k, "db"), 3);
    assert_int_equal(outages_of(k, "other"), 0);
    o = outage(k, "db");
    assert_string_equal(o->cause, "host panic");
    assert_within_rel((double)(o->recovered_ns - o->start_ns), cost("host_reboot") + cost("container_start"), 0.01);
    vs_results_free(&r);
}

static void test_host_panic(void **state)
{
    (void)state;
    const char *engines[] = {"kvm", "xen-pv", "lxc", "qemu"};
    for (size_t e = 0; e < sizeof engines / sizeof engines[0]; e++) {
        struct vs_results r;
        run(engines[e], "  - {at: 5s, host_panic: a}\n", &r);
        const struct vs_run_result *k = &r.runs[0];
        assert_int_equal(outages_of(k, "web-1") + outages_of(k, "web-2") + outages_of(k, "db"), 3);
        assert_int_equal(outages_of(k, "other"), 0);
        /* the guest on the other host served all along */
        assert_true(instance(k, "other")->down_ns == 0);
        vs_results_free(&r);
    }
}

static void test_process_crash_and_lost_requests(void **state)
{
    (void)state;
    struct vs_results r;
    run("kvm", "  - {at: 5s, crash: web-1}\n", &r);
    const struct vs_run_result *k = &r.runs[0];
    const struct vs_outage_record *o = outage(k, "web-1");
    assert_within_rel((double)(o->recovered_ns - o->start_ns), cost("process_restart"), 0.01);
    /* its memory stays: a process died, not the VM */
    assert_true(instance(k, "web-1")->memory.bytes[VS_MEM_GUEST_KERNEL] > 0);
    vs_results_free(&r);

    run("kvm", "  - {at: 5s, panic: web-1}\n", &r);
    k = &r.runs[0];
    const struct vs_guest_result *g = instance(k, "web-1");
    o = outage(k, "web-1");
    double down_s = (double)(o->recovered_ns - o->start_ns) / 1e9;
    /* open load at 100/s: about 100 x the time down are lost */
    assert_within_rel((double)g->lost, 100 * down_s, 0.15);
    assert_within_rel(g->down_ns, (double)(o->recovered_ns - o->start_ns), 0.001);
    assert_true(instance(k, "web-2")->lost == 0);
    vs_results_free(&r);
}

static void test_refusals(void **state)
{
    (void)state;
    struct {
        const char *engine, *event;
        bool applies;
    } cases[] = {
        {"kvm", "  - {at: 5s, device_crash: web-1}\n", true},
        {"qemu", "  - {at: 5s, device_crash: web-1}\n", true},
        {"xen-pv", "  - {at: 5s, device_crash: web-1}\n", false},
        {"lxc", "  - {at: 5s, device_crash: web-1}\n", false},
        {"xen-pv", "  - {at: 5s, hypervisor_crash: a}\n", true},
        {"kvm", "  - {at: 5s, hypervisor_crash: a}\n", true},
        {"vmware", "  - {at: 5s, hypervisor_crash: a}\n", true},
        {"qemu", "  - {at: 5s, hypervisor_crash: a}\n", false},
        {"lxc", "  - {at: 5s, hypervisor_crash: a}\n", false},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        struct vs_results r;
        run(cases[c].engine, cases[c].event, &r);
        const struct vs_run_result *k = &r.runs[0];
        assert_int_equal(k->n_applied, 1);
        if (k->applied[0].ok != cases[c].applies)
            fail_msg("%s %s: applied %d", cases[c].engine, cases[c].event, k->applied[0].ok);
        assert_true((k->n_outages > 0) == cases[c].applies);
        if (cases[c].applies && strstr(cases[c].event, "hypervisor")) assert_int_equal(k->n_outages, 3);
        vs_results_free(&r);
    }
}

static void test_bad_host_target(void **state)
{
    (void)state;
    const char *yaml = "name: x\nhosts:\n  - {name: a, profile: current}\nguests:\n  - {name: w, workload: web-server}\n"
                       "events:\n  - {at: 1s, host_panic: nowhere}\n";
    struct vs_scenario *sc = malloc(sizeof *sc);
    struct vs_error err = {0};
    assert_int_equal(vs_config_load_scenario(yaml, strlen(yaml), "x.yaml", NULL, sc, &err), VS_ERR_INPUT);
    assert_int_equal(err.line, 7);
    assert_non_null(strstr(err.message, "no host is called 'nowhere'"));
    free(sc);
}

/* A crash while the guest migrates: what it had in flight died with it and
 * is counted once (abandoned), not carried to its new host as well; it is
 * down on its new host until the restart, then serves again. Checked at
 * every step, as the property test does. */
static void test_crash_during_migration(void **state)
{
    (void)state;
    const char *yaml = "name: mig-crash\nduration: 300ms\nwarmup: 0ms\nseed: 7\n"
                       "hosts:\n  - {name: h, count: 2, profile: current, cpu: {cores: 4}, nic: {bandwidth: 80000Mbit}}\n"
                       "links:\n  - {hosts: [h], bandwidth: 80000Mbit, latency: 10us}\n"
                       "compare: [kvm]\n"
                       "guests:\n  - {name: g0, workload: web-server, host: h-1, memory: 256MiB, "
                       "load: {kind: open, rate: 3000/s}}\n"
                       "events:\n  - {at: 20ms, migrate: g0, to: h-2}\n  - {at: 25ms, crash: g0}\n";
    struct vs_scenario *sc = malloc(sizeof *sc);
    struct vs_error err = {0};
    assert_int_equal(vs_config_load_scenario(yaml, strlen(yaml), "x.yaml", NULL, sc, &err), VS_OK);
    struct vs_sim *s = NULL;
    assert_int_equal(vs_sim_create(sc, "kvm", sc->seed, &s, &err), VS_OK);
    uint64_t abandoned = 0;
    struct vs_run_result snap;
    while (!vs_sim_done(s)) {
        assert_int_equal(vs_sim_advance(s, vs_sim_now(s) + 200000, &err), VS_OK);
        assert_int_equal(vs_sim_snapshot(s, &snap, &err), VS_OK);
        const struct vs_guest_result *g = &snap.groups[0];
        assert_int_equal(g->arrived_since_start, g->completed_since_start + g->dropped_since_start +
                                                     g->abandoned_since_start + g->queued + g->in_service);
        abandoned = g->abandoned_since_start;
        if (!vs_sim_done(s)) vs_run_result_free(&snap);
    }
    assert_true(abandoned > 0); /* the crash did take requests in flight */
    /* The source's outage ended on the new host, after process_restart. */
    const struct vs_outage_record *o = outage(&snap, "g0");
    assert_true(o->recovered_ns >= o->start_ns + (vs_time_ns)cost("process_restart"));
    vs_run_result_free(&snap);
    vs_sim_destroy(s);
    free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_guest_panic_blast_radius),
        cmocka_unit_test(test_host_panic),
        cmocka_unit_test(test_process_crash_and_lost_requests),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_bad_host_target),
        cmocka_unit_test(test_crash_during_migration),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
