/* CPU, disk and network resource management (issue 11). Invariants, each
 * on a scenario built here:
 * - shares: two CPU hogs with weights 1:3 on one core get 25 % and 75 % of
 *   it (within 1 %) under every scheduler (the host's CFS for KVM, the
 *   two-level group scheduler for containers, Xen's credit scheduler);
 * - caps: a hog capped at 50 % uses 50 % of a core (within 1 %);
 * - steal: four single-vCPU hogs on two cores each run half the time and
 *   wait the other half: steal is 50 %, and CPU time + steal time is all
 *   of a hog's vCPU time (nothing lost, nothing counted twice);
 * - two levels: a guest with one busy vCPU out of four gets its full share
 *   beside a one-vCPU guest under the group scheduler, and only a quarter
 *   of it under CFS (its weight split over all four vCPU threads);
 * - Xen's BOOST: an I/O-bound guest beside a CPU hog has a lower p99 with
 *   boost than with boost off (`cpu.boost: false`);
 * - disk weights: guests that keep one disk busy share its time in
 *   proportion to their io weights (within 2 %);
 * - limits: a disk-heavy guest's IOPS limit and bandwidth limit, and a
 *   network rate limit, hold its rate at the limit (within 1 %) while
 *   without them it goes far beyond;
 * - dynamic: `set: cpus` beyond a VM's boot-time maximum is refused (a
 *   container's cpuset may grow), and hot-plug takes effect after
 *   vcpu_hotplug per vCPU while a container's change is immediate;
 * - a `set:` of weight or cap reports when it took full effect: at once
 *   under CFS and cgroups, at the next 30 ms accounting under Xen's credit
 *   scheduler; the new cap then holds within 1 %;
 * - bad `resources:` keys are refused with their position and what is allowed. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "virtsim/load/config.h"
#include "virtsim/run/sim.h"

/* A CPU hog: one request after another on each of its vCPUs, no I/O. */
#define HOG_WL "{name: hog, load: {kind: batch, total: 1000000, clients: %u}, request: {instructions: 3M, cpi: 1}, " \
               "memory: {footprint: 64MiB}}"

static int run(const char *body, struct vs_results *out, struct vs_error *err)
{
    struct vs_scenario *sc = malloc(sizeof *sc);
    int rc = vs_config_load_scenario(body, strlen(body), "res.yaml", NULL, sc, err);
    if (rc == VS_OK) rc = vs_sim_run_scenario(sc, 1, out, err);
    free(sc);
    return rc;
}

static const struct vs_guest_result *group(const struct vs_run_result *run, const char *name)
{
    for (uint32_t g = 0; g < run->n_groups; g++)
        if (strcmp(run->groups[g].name, name) == 0) return &run->groups[g];
    fail_msg("no group %s", name);
    return NULL;
}

static const struct vs_guest_result *instance(const struct vs_run_result *run, const char *name)
{
    for (uint32_t g = 0; g < run->n_instances; g++)
        if (strcmp(run->instances[g].name, name) == 0) return &run->instances[g];
    fail_msg("no instance %s", name);
    return NULL;
}

static bool within(double got, double want, double rel)
{
    return fabs(got - want) <= rel * want;
}

static void test_weights_and_caps(void **state)
{
    (void)state;
    char yaml[2048], hog[256];
    snprintf(hog, sizeof hog, HOG_WL, 1u);
    snprintf(yaml, sizeof yaml,
             "name: shares\nhost: {profile: current, cpu: {cores: 1}}\nduration: 20s\nwarmup: 1s\n"
             "compare: [kvm, lxc, xen-pv]\nguests:\n"
             "  - {name: a, workload: %s, weight: 256}\n"
             "  - {name: b, workload: %s, resources: {cpu: {weight: 768}}}\n",
             hog, hog);
    struct vs_results r;
    struct vs_error err = {0};
    assert_int_equal(run(yaml, &r, &err), VS_OK);
    for (uint32_t k = 0; k < r.n_runs; k++) {
        double a = vs_guest_cpu_ns(group(&r.runs[k], "a")), b = vs_guest_cpu_ns(group(&r.runs[k], "b"));
        print_message("%s: a %.4f b %.4f of the core\n", r.runs[k].engine, a / (a + b), b / (a + b));
        assert_true(within(a / (a + b), 0.25, 0.01));
        assert_true(within(b / (a + b), 0.75, 0.01));
        /* the core is never idle while both want it */
        assert_true(within(a + b, (double)r.runs[k].window_ns, 0.01));
    }
    vs_results_free(&r);

    snprintf(yaml, sizeof yaml,
             "name: cap\nhost: {profile: current, cpu: {cores: 2}}\nduration: 20s\nwarmup: 1s\n"
             "compare: [kvm, lxc, xen-pv]\nguests:\n"
             "  - {name: a, workload: %s, resources: {cpu: {cap: 50%%}}}\n",
             hog);
    assert_int_equal(run(yaml, &r, &err), VS_OK);
    for (uint32_t k = 0; k < r.n_runs; k++) {
        const struct vs_guest_result *g = group(&r.runs[k], "a");
        double used = vs_guest_cpu_ns(g) / (double)r.runs[k].window_ns;
        print_message("%s: capped at 50%%, uses %.4f, p99 %.1f ms\n", r.runs[k].engine, used,
                      (double)g->latency.p99_ns / 1e6);
        assert_true(within(used, 0.5, 0.01));
        /* idle cores do not help it: the cap holds it back, and that is steal */
        assert_true(within(vs_guest_steal_fraction(g), 0.5, 0.02));
    }
    vs_results_free(&r);
}

static void test_steal_overcommit(void **state)
{
    (void)state;
    char yaml[2048], hog[256];
    snprintf(hog, sizeof hog, HOG_WL, 1u);
    snprintf(yaml, sizeof yaml,
             "name: steal\nhost: {profile: current, cpu: {cores: 2}}\nduration: 20s\nwarmup: 1s\n"
             "compare: [kvm, lxc, xen-pv]\nguests:\n  - {name: hog, count: 4, workload: %s}\n",
             hog);
    struct vs_results r;
    struct vs_error err = {0};
    assert_int_equal(run(yaml, &r, &err), VS_OK);
    for (uint32_t k = 0; k < r.n_runs; k++) {
        for (int i = 1; i <= 4; i++) {
            char name[16];
            snprintf(name, sizeof name, "hog-%d", i);
            const struct vs_guest_result *g = instance(&r.runs[k], name);
            double window = (double)r.runs[k].window_ns;
            assert_true(within(g->vcpu_ns, window, 1e-9));
            assert_true(within(vs_guest_steal_fraction(g), 0.5, 0.01));
            /* always runnable: it runs or it waits, and nothing else */
            assert_true(within(vs_guest_cpu_ns(g) + g->cpu_wait_ns, g->vcpu_ns, 0.005));
        }
        print_message("%s: hog-1 steal %.4f\n", r.runs[k].engine, vs_guest_steal_fraction(instance(&r.runs[k], "hog-1")));
    }
    vs_results_free(&r);
}

static void test_two_levels(void **state)
{
    (void)state;
    char yaml[2048], one[256];
    snprintf(one, sizeof one, HOG_WL, 1u);
    /* a has four vCPUs and one busy; b one vCPU, busy; equal weights */
    snprintf(yaml, sizeof yaml,
             "name: levels\nhost: {profile: current, cpu: {cores: 1}}\nduration: 10s\nwarmup: 1s\n"
             "compare: [kvm, lxc]\nguests:\n"
             "  - {name: a, vcpus: 4, workload: %s}\n  - {name: b, workload: %s}\n",
             one, one);
    struct vs_results r;
    struct vs_error err = {0};
    assert_int_equal(run(yaml, &r, &err), VS_OK);
    double share[2];
    for (uint32_t k = 0; k < 2; k++) {
        double a = vs_guest_cpu_ns(group(&r.runs[k], "a")), b = vs_guest_cpu_ns(group(&r.runs[k], "b"));
        share[k] = a / (a + b);
    }
    print_message("a's share: kvm (vCPU threads) %.3f, lxc (two levels) %.3f\n", share[0], share[1]);
    assert_true(within(share[0], 0.2, 0.02)); /* 64 : 256, its weight split four ways */
    assert_true(within(share[1], 0.5, 0.02)); /* its whole weight on its one busy thread */
    vs_results_free(&r);
}

static void test_xen_boost(void **state)
{
    (void)state;
    char yaml[2048], hog[256];
    snprintf(hog, sizeof hog, HOG_WL, 1u);
    /* An I/O-bound guest: short CPU work, then a disk read; it sleeps on
     * the disk and wakes for each request. */
    const char *io = "{name: io, load: {kind: open, rate: 200/s}, request: {instructions: 50k, cpi: 1, "
                     "disk: {reads: 2, read_size: 4KiB}}, memory: {footprint: 64MiB}}";
    double p99[2], hog_share[2];
    for (int boost = 1; boost >= 0; boost--) {
        snprintf(yaml, sizeof yaml,
                 "name: boost\nhost: {profile: current, cpu: {cores: 1, boost: %s}}\nduration: 20s\nwarmup: 1s\n"
                 "compare: [xen-pv]\nguests:\n  - {name: hog, workload: %s}\n  - {name: io, workload: %s}\n",
                 boost ? "true" : "false", hog, io);
        struct vs_results r;
        struct vs_error err = {0};
        assert_int_equal(run(yaml, &r, &err), VS_OK);
        p99[boost] = (double)group(&r.runs[0], "io")->latency.p99_ns;
        hog_share[boost] = vs_guest_cpu_ns(group(&r.runs[0], "hog")) / (double)r.runs[0].window_ns;
        vs_results_free(&r);
    }
    print_message("io p99: boost %.2f ms, no boost %.2f ms; hog %.3f / %.3f of the core\n", p99[1] / 1e6,
                  p99[0] / 1e6, hog_share[1], hog_share[0]);
    assert_true(p99[1] < 0.75 * p99[0]);
    /* boost buys latency, not a bigger share: the hog keeps nearly all of the core */
    assert_true(hog_share[1] > 0.9);
}

/* A guest that reads 64 KiB blocks as fast as its disk lets it. */
#define READER "{name: reader, load: {kind: closed, clients: 16, think_time: 0ms}, request: {instructions: 20k, " \
               "cpi: 1, disk: {reads: 1, read_size: 64KiB}}, memory: {footprint: 64MiB}}"

static void test_disk_limits(void **state)
{
    (void)state;
    char yaml[2048];
    snprintf(yaml, sizeof yaml,
             "name: disk\nduration: 10s\nwarmup: 1s\ncompare: [kvm, lxc]\nguests:\n"
             "  - {name: free, workload: %s}\n"
             "  - {name: iops, workload: %s, resources: {disk: {iops: 500/s}}}\n"
             "  - {name: bw, workload: %s, resources: {disk: {bandwidth: 10MB/s}}}\n",
             READER, READER, READER);
    struct vs_results r;
    struct vs_error err = {0};
    assert_int_equal(run(yaml, &r, &err), VS_OK);
    for (uint32_t k = 0; k < r.n_runs; k++) {
        double s = (double)r.runs[k].window_ns / 1e9;
        const struct vs_guest_result *f = group(&r.runs[k], "free"), *i = group(&r.runs[k], "iops"),
                                     *b = group(&r.runs[k], "bw");
        print_message("%s: free %.0f IOPS, iops-limited %.1f IOPS, bw-limited %.3f MB/s (waits %.2f s)\n",
                      r.runs[k].engine, (double)f->disk_ops / s, (double)i->disk_ops / s, (double)b->disk_bytes / s / 1e6,
                      i->disk_throttle_wait_ns / 1e9);
        assert_true(within((double)i->disk_ops / s, 500, 0.01));
        assert_true(within((double)b->disk_bytes / s, 10e6, 0.01));
        assert_true((double)f->disk_ops / s > 10 * 500);
        assert_true(i->disk_throttle_wait_ns > 0 && f->disk_throttle_wait_ns == 0);
    }
    vs_results_free(&r);
}

static void test_disk_weights(void **state)
{
    (void)state;
    char yaml[2048];
    /* one spinning disk, three guests that always have requests waiting */
    snprintf(yaml, sizeof yaml,
             "name: dw\nhost: {profile: current, disk: {class: hdd}}\nduration: 20s\nwarmup: 1s\ncompare: [kvm]\n"
             "guests:\n  - {name: a, workload: %s, resources: {disk: {weight: 100}}}\n"
             "  - {name: b, workload: %s, resources: {disk: {weight: 300}}}\n  - {name: c, workload: %s}\n",
             READER, READER, READER);
    struct vs_results r;
    struct vs_error err = {0};
    assert_int_equal(run(yaml, &r, &err), VS_OK);
    const struct vs_run_result *run0 = &r.runs[0];
    double a = group(run0, "a")->disk_busy_ns, b = group(run0, "b")->disk_busy_ns, c = group(run0, "c")->disk_busy_ns;
    double all = a + b + c;
    print_message("disk time: a %.3f (weight 100) b %.3f (300) c %.3f (default 100)\n", a / all, b / all, c / all);
    assert_true(within(all, (double)run0->window_ns, 0.01)); /* the disk is never idle */
    assert_true(within(a / all, 0.2, 0.02));
    assert_true(within(b / all, 0.6, 0.02));
    assert_true(within(c / all, 0.2, 0.02));
    vs_results_free(&r);
}

static void test_net_limit(void **state)
{
    (void)state;
    const char *stream = "{name: stream, load: {kind: closed, clients: 8, think_time: 0ms}, request: "
                         "{instructions: 100k, cpi: 1, net: {rx_packets: 1, rx_bytes: 200B, tx_packets: 100, "
                         "tx_bytes: 140KiB}}, memory: {footprint: 64MiB}}";
    char yaml[2048];
    snprintf(yaml, sizeof yaml,
             "name: net\nduration: 10s\nwarmup: 1s\ncompare: [kvm, lxc]\nguests:\n"
             "  - {name: free, workload: %s}\n"
             "  - {name: shaped, workload: %s, resources: {net: {rate: 100Mbit/s}}}\n",
             stream, stream);
    struct vs_results r;
    struct vs_error err = {0};
    assert_int_equal(run(yaml, &r, &err), VS_OK);
    for (uint32_t k = 0; k < r.n_runs; k++) {
        double s = (double)r.runs[k].window_ns / 1e9, overhead = r.runs[k].host.spec.nic.overhead_bytes;
        const struct vs_guest_result *f = group(&r.runs[k], "free"), *sh = group(&r.runs[k], "shaped");
        /* the shaper counts what goes on the wire: payload and framing */
        double wire = ((double)sh->net_tx_bytes + overhead * (double)sh->net_tx_packets) * 8 / s;
        double free_bps = (double)f->net_tx_bytes * 8 / s;
        print_message("%s: shaped %.2f Mbit/s on the wire, unshaped %.0f Mbit/s\n", r.runs[k].engine, wire / 1e6,
                      free_bps / 1e6);
        assert_true(within(wire, 100e6, 0.01));
        assert_true(free_bps > 5 * 100e6);
    }
    vs_results_free(&r);
}

static void test_set_cpus(void **state)
{
    (void)state;
    char yaml[2048], hog[256];
    snprintf(hog, sizeof hog, HOG_WL, 8u);
    snprintf(yaml, sizeof yaml,
             "name: dyn\nhost: {profile: current, cpu: {cores: 8}}\nduration: 4s\nwarmup: 0s\n"
             "compare: [kvm, lxc]\nguests:\n"
             "  - {name: web, vcpus: 2, workload: %s, resources: {cpu: {max_vcpus: 4}}}\n"
             "events:\n  - {at: 1s, set: {guest: web, cpus: 4}}\n  - {at: 2s, set: {guest: web, cpus: 6}}\n",
             hog);
    struct vs_results r;
    struct vs_error err = {0};
    assert_int_equal(run(yaml, &r, &err), VS_OK);
    const struct vs_run_result *kvm = &r.runs[0], *lxc = &r.runs[1];
    assert_int_equal(kvm->n_applied, 2);
    /* a VM: two vCPUs hot-plugged one after the other */
    assert_true(kvm->applied[0].ok);
    assert_int_equal(kvm->applied[0].effective_ns, kvm->applied[0].at_ns + 2 * (vs_time_ns)50e6);
    /* beyond its boot-time maximum: refused, saying why */
    assert_false(kvm->applied[1].ok);
    assert_non_null(strstr(kvm->applied[1].text, "boot-time maximum, 4"));
    /* a container: its cpuset changes at once, and it may grow */
    assert_true(lxc->applied[0].ok && lxc->applied[1].ok);
    assert_int_equal(lxc->applied[1].effective_ns, lxc->applied[1].at_ns);
    /* the container used 2, then 4, then 6 cores' worth: 12 core-seconds of 4 s */
    double lxc_cores = vs_guest_cpu_ns(group(lxc, "web")) / 1e9;
    double kvm_cores = vs_guest_cpu_ns(group(kvm, "web")) / 1e9;
    print_message("core-seconds in 4 s: kvm %.3f, lxc %.3f\n", kvm_cores, lxc_cores);
    assert_true(within(lxc_cores, 2 + 4 + 6 * 2, 0.01));
    /* the VM: 2 vCPUs until 1.05 s, 3 until 1.1 s, then 4 */
    assert_true(within(kvm_cores, 2 * 1.05 + 3 * 0.05 + 4 * 2.9, 0.01));
    vs_results_free(&r);
}

static void test_set_share_effect(void **state)
{
    (void)state;
    char yaml[2048], hog[256];
    snprintf(hog, sizeof hog, HOG_WL, 1u);
    snprintf(yaml, sizeof yaml,
             "name: dyn\nhost: {profile: current, cpu: {cores: 1}}\nduration: 4s\nwarmup: 0s\n"
             "compare: [kvm, lxc, xen-pv]\nguests:\n"
             "  - {name: a, workload: %s}\n  - {name: b, workload: %s}\n"
             "events:\n  - {at: 1010ms, set: {guest: b, cap: 25%%}}\n  - {at: 2005ms, set: {guest: a, weight: 768}}\n",
             hog, hog);
    struct vs_results r;
    struct vs_error err = {0};
    assert_int_equal(run(yaml, &r, &err), VS_OK);
    for (uint32_t k = 0; k < r.n_runs; k++) {
        const struct vs_run_result *run = &r.runs[k];
        bool credit = strcmp(run->engine, "xen-pv") == 0;
        assert_int_equal(run->n_applied, 2);
        assert_true(run->applied[0].ok && run->applied[1].ok);
        print_message("%s: cap at %.3f s took effect at %.3f s, weight at %.3f s at %.3f s\n", run->engine,
                      run->applied[0].at_ns / 1e9, run->applied[0].effective_ns / 1e9, run->applied[1].at_ns / 1e9,
                      run->applied[1].effective_ns / 1e9);
        for (int e = 0; e < 2; e++) {
            vs_time_ns late = run->applied[e].effective_ns - run->applied[e].at_ns;
            /* credit: at the next accounting, on the host's 30 ms grid */
            if (credit) assert_true(late > 0 && late <= 30 * VS_NS_PER_MS);
            else assert_true(late == 0);
        }
        /* b: half the core until the cap, then a quarter; within 1 %, or
         * under Xen within one 30 ms slice (the two hogs take the core a
         * slice at a time, so the split at the change is a slice's worth) */
        double b = vs_guest_cpu_ns(group(run, "b")) / 1e9;
        double from = run->applied[0].effective_ns / 1e9, want = 0.5 * from + 0.25 * (4 - from);
        print_message("%s: b used %.4f s, expected %.4f\n", run->engine, b, want);
        assert_true(credit ? fabs(b - want) <= 0.030 : within(b, want, 0.01));
    }
    vs_results_free(&r);
}

static void bad(const char *resources, const char *want, int line, int column)
{
    char yaml[1024];
    snprintf(yaml, sizeof yaml, "name: bad\ncompare: [kvm]\nguests:\n  - name: a\n    workload: cpu-bound\n%s",
             resources);
    struct vs_results r;
    struct vs_error err = {0};
    assert_int_equal(run(yaml, &r, &err), VS_ERR_INPUT);
    print_message("%d:%d: %s\n", err.line, err.column, err.message);
    assert_non_null(strstr(err.message, want));
    assert_int_equal(err.line, line);
    assert_int_equal(err.column, column);
}

static void test_bad_keys(void **state)
{
    (void)state;
    bad("    resources: {gpu: {count: 1}}\n", "unknown key 'gpu' in guests[0].resources", 6, 17);
    bad("    resources: {cpus: 2}\n", "allowed: cpu, memory, disk, net", 6, 17);
    bad("    resources:\n      disk: {iops: 100/s, limit: 5}\n", "allowed: weight, iops, bandwidth, burst", 7, 27);
    bad("    weight: 512\n    resources: {cpu: {weight: 256}}\n", "given on the guest group itself", 7, 23);
    bad("    resources: {net: {burst: 64KiB}}\n", "rate", 6, 22);
    bad("    vcpus: 4\n    resources: {cpu: {max_vcpus: 2}}\n", "below the 4 vCPUs", 7, 34);
    bad("    resources: {disk: {bandwidth: -5MB/s}}\n", "guests[0].resources.disk.bandwidth", 6, 35);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_weights_and_caps),
        cmocka_unit_test(test_steal_overcommit),
        cmocka_unit_test(test_two_levels),
        cmocka_unit_test(test_xen_boost),
        cmocka_unit_test(test_disk_limits),
        cmocka_unit_test(test_disk_weights),
        cmocka_unit_test(test_net_limit),
        cmocka_unit_test(test_set_cpus),
        cmocka_unit_test(test_set_share_effect),
        cmocka_unit_test(test_bad_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
