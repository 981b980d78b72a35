/* Memory management and overcommit (issue 11, memory part). Invariants,
 * from simulated runs of scenarios built here:
 * - page sharing: nothing merges during KSM's first pass (a page must keep
 *   its checksum over two scans); then shared memory grows at the scan rate
 *   times the guest's identical fraction, and once every copy has been
 *   scanned it equals the identical-page arithmetic: (n - 1) copies of the
 *   kernel's code for n VMs, and of the image's code and cached files for
 *   VMs of the same workload (different workloads share only the kernel);
 * - the balloon reaches its target at one balloon_page per page, takes the
 *   guest's untouched memory before its page cache (only the cache gives
 *   the host RAM), and a `set: memory` beyond the VM's boot-time memory or
 *   below its kernel and anonymous memory is refused;
 * - host swapping: what does not fit is swapped out (the sum over guests is
 *   the excess), and once the working set is swapped the guest's requests
 *   fault, each fault a read on the host's disk: its disk operations grow by
 *   at least its swap-ins, and its latency grows;
 * - a container is OOM-killed exactly when its limit falls below its
 *   anonymous memory and kernel objects, not when it equals them;
 * - the overcommit ratio is the guests' allocated memory over the host's;
 * - density with settled sharing: the identical pages are held once, so
 *   n guests need I + n (M - I) where one alone needs M; with ballooning
 *   each guest's page cache is in its balloon; Xen PV has no page sharing;
 * - bad keys under resources: are refused with their position. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>

#include "virtsim/host/costs.h"
#include "virtsim/load/config.h"
#include "virtsim/run/density.h"
#include "virtsim/run/sim.h"

#define MIB (1024.0 * 1024.0)
#define PAGE 4096.0

static struct vs_scenario *load(const char *yaml)
{
    struct vs_scenario *sc = malloc(sizeof *sc);
    struct vs_error err = {0};
    int rc = vs_config_load_scenario(yaml, strlen(yaml), "mm.yaml", NULL, sc, &err);
    if (rc != VS_OK) print_error("%d:%d: %s\n", err.line, err.column, err.message);
    assert_int_equal(rc, VS_OK);
    return sc;
}

static void run_yaml(const char *yaml, struct vs_results *out)
{
    struct vs_scenario *sc = load(yaml);
    struct vs_error err = {0};
    int rc = vs_sim_run_scenario(sc, 1, out, &err);
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

/* A small inline workload: 64 MiB resident, 8 MiB of code, 32 MiB of files. */
#define SMALL_WL                                                                                                   \
    "{name: small, load: {kind: open, rate: 20/s}, request: {instructions: 100k, tlb_misses: 40, "               \
    "disk: {reads: 0.2, read_size: 16KiB}}, memory: {footprint: 64MiB, working_set: 16MiB, code: 8MiB, "         \
    "file_set: 32MiB}}"
#define OTHER_WL                                                                                                   \
    "{name: other, load: {kind: open, rate: 20/s}, request: {instructions: 100k}, memory: {footprint: 64MiB, "   \
    "code: 8MiB, file_set: 32MiB}}"

static const char *ksm_yaml(const char *second_workload, char *buf, size_t len)
{
    snprintf(buf, len,
             "name: ksm\n"
             "host: {profile: current, costs: {ksm_pages_to_scan: 2000}}\n"
             "duration: 20s\n"
             "compare: [kvm]\n"
             "guests:\n"
             "  - {name: a, count: 2, workload: " SMALL_WL ", resources: {memory: {limit: 512MiB, sharing: on}}}\n"
             "  - {name: b, workload: %s, resources: {memory: {limit: 512MiB, sharing: on}}}\n",
             second_workload);
    return buf;
}

static double total_shared(const struct vs_run_result *r)
{
    double s = 0;
    for (uint32_t i = 0; i < r->n_instances; i++) s += r->instances[i].mm.shared_bytes;
    return s;
}

/* The shared memory at absolute simulated times t[k]. */
static void shared_at(const char *yaml, const vs_time_ns *t, int n, double *shared, double *resident_each)
{
    struct vs_scenario *sc = load(yaml);
    struct vs_sim *s = NULL;
    struct vs_error err = {0};
    assert_int_equal(vs_sim_create(sc, "kvm", 1, &s, &err), VS_OK);
    for (int k = 0; k < n; k++) {
        assert_int_equal(vs_sim_advance(s, t[k], &err), VS_OK);
        struct vs_run_result r;
        assert_int_equal(vs_sim_snapshot(s, &r, &err), VS_OK);
        shared[k] = total_shared(&r);
        if (k == 0) *resident_each = r.instances[0].mm.resident_bytes;
        vs_run_result_free(&r);
    }
    vs_sim_destroy(s);
    free(sc);
}

static void test_ksm_same_image(void **state)
{
    (void)state;
    char yaml[2048];
    ksm_yaml(SMALL_WL, yaml, sizeof yaml);
    struct vs_costs c;
    vs_costs_set_defaults(&c);
    double pages = 2000, hz = 3e9; /* the current profile's clock */
    double rate = pages * PAGE / ((vs_cost(&c, VS_COST_KSM_SLEEP_NS) + pages * vs_cost(&c, VS_COST_KSM_PAGE_CYCLES) / hz * 1e9) / 1e9);
    /* Identical in each VM: the kernel's code, the image's code and the files in its cache. */
    double ident = vs_cost(&c, VS_COST_GUEST_KERNEL_TEXT_BYTES) + 8 * MIB + 32 * MIB;
    double r_each = 0, shared[5];
    /* Three VMs of R bytes: pass one ends at 3R/rate; in pass two the first
     * seeds the tree (to 4R/rate) and the others merge (to 6R/rate). */
    vs_time_ns probe[1] = {1};
    shared_at(yaml, probe, 1, shared, &r_each);
    assert_true(r_each > 100 * MIB);
    double unit = r_each / rate * 1e9;
    vs_time_ns t[5] = {(vs_time_ns)(3.8 * unit), (vs_time_ns)(4.3 * unit), (vs_time_ns)(4.8 * unit),
                       (vs_time_ns)(5.5 * unit), (vs_time_ns)(6.5 * unit)};
    shared_at(yaml, t, 5, shared, &r_each);
    assert_true(shared[0] == 0); /* nothing before the second pass reaches the second guest */
    /* Growing at the scan rate times the identical fraction. */
    double growth = (shared[2] - shared[1]) / ((double)(t[2] - t[1]) / 1e9);
    assert_within_rel(growth, rate * ident / r_each, 0.05);
    assert_true(shared[3] > shared[2] && shared[3] < 2 * ident);
    /* After every copy was scanned: (3 - 1) copies of the identical pages. */
    assert_within_rel(shared[4], 2 * ident, 1e-9);
}

static void test_ksm_different_images(void **state)
{
    (void)state;
    char yaml[2048];
    ksm_yaml(OTHER_WL, yaml, sizeof yaml);
    struct vs_results res;
    run_yaml(yaml, &res);
    struct vs_costs c;
    vs_costs_set_defaults(&c);
    double kernel = vs_cost(&c, VS_COST_GUEST_KERNEL_TEXT_BYTES), image = 8 * MIB + 32 * MIB;
    const struct vs_run_result *r = &res.runs[0];
    /* a-1 and a-2 share their kernel and image, b only its kernel: 2 kernels + 1 image. */
    assert_within_rel(total_shared(r), 2 * kernel + image, 1e-9);
    assert_true(instance(r, "b")->mm.shared_bytes <= kernel);
    /* ksmd's work is host kernel time. */
    assert_true(r->host.mm.ksm_cpu_ns > 0);
    vs_results_free(&res);
}

static void test_balloon_rate_and_limits(void **state)
{
    (void)state;
    const char *yaml =
        "name: balloon\n"
        "host: {profile: current}\n"
        "duration: 5s\n"
        "compare: [kvm]\n"
        "guests:\n"
        "  - {name: vm, workload: " SMALL_WL ", resources: {memory: {limit: 1GiB, balloon: on}}}\n"
        "events:\n"
        "  - {at: 1s, set: {guest: vm, memory: 300MiB}}\n"
        "  - {at: 2s, set: {guest: vm, memory: 2GiB}}\n"
        "  - {at: 3s, set: {guest: vm, memory: 100MiB}}\n";
    struct vs_results res;
    run_yaml(yaml, &res);
    const struct vs_run_result *r = &res.runs[0];
    const struct vs_guest_result *g = instance(r, "vm");
    struct vs_costs c;
    vs_costs_set_defaults(&c);
    double target = 1024 * MIB - 300 * MIB;
    assert_within_rel(g->mm.ballooned_bytes, target, 1e-9);
    /* One balloon_page per page. */
    assert_within_rel(g->mm.change_done_ns - g->mm.change_at_ns, target / PAGE * vs_cost(&c, VS_COST_BALLOON_PAGE_NS),
                      1e-6);
    /* Untouched memory first: only what the balloon took beyond it was resident (page cache). */
    double used = 64 * MIB + vs_cost(&c, VS_COST_GUEST_KERNEL_BYTES) + vs_cost(&c, VS_COST_GUEST_PAGE_CACHE_BYTES);
    double cache_given = target - (1024 * MIB - used);
    assert_within_rel(vs_mem_parts_total(&g->memory) - g->mm.resident_bytes, cache_given, 1e-9);
    assert_within_rel(g->mm.limit_bytes, 300 * MIB, 1e-9);
    /* Growing past its boot-time memory and shrinking below its kernel and
     * anonymous memory are refused. */
    int refused = 0;
    for (uint32_t k = 0; k < r->n_applied; k++)
        if (!r->applied[k].ok) {
            refused++;
            assert_true(strstr(r->applied[k].text, "cannot grow beyond") || strstr(r->applied[k].text, "cannot take it below its kernel"));
        }
    assert_int_equal(refused, 2);
    vs_results_free(&res);
}

static void swap_run(const char *capacity, struct vs_results *out)
{
    char yaml[2048];
    snprintf(yaml, sizeof yaml,
             "name: swap\n"
             "host: {profile: current, memory: {capacity: %s, reserved: 512MiB}}\n"
             "duration: 20s\n"
             "warmup: 1s\n"
             "compare: [kvm]\n"
             "guests:\n"
             "  - {name: vm, count: 2, workload: {name: big, load: {kind: open, rate: 20/s}, request: "
             "{instructions: 100k, tlb_misses: 40}, memory: {footprint: 1GiB, working_set: 1GiB}}, "
             "resources: {memory: {limit: 2GiB, swap: on}}}\n",
             capacity);
    run_yaml(yaml, out);
}

static void test_swap_faults_read_the_disk(void **state)
{
    (void)state;
    struct vs_results roomy, tight;
    swap_run("16GiB", &roomy);
    swap_run("2GiB", &tight);
    const struct vs_run_result *a = &roomy.runs[0], *b = &tight.runs[0];
    const struct vs_guest_result *ga = &a->groups[0], *gb = &b->groups[0];
    assert_true(ga->mm.swapped_bytes == 0 && ga->mm.swap_ins == 0);
    /* What does not fit is swapped: the guests' demand less what the host has for them. */
    double demand = 0;
    for (uint32_t i = 0; i < b->n_instances; i++) demand += vs_mem_parts_total(&b->instances[i].memory);
    assert_within_rel(gb->mm.swapped_bytes, demand - (2048 * MIB - 512 * MIB), 1e-6);
    assert_within_rel(gb->mm.resident_bytes, 2048 * MIB - 512 * MIB, 1e-6);
    /* Its working set is swapped: its requests fault, each a disk read. */
    assert_true(gb->mm.swap_ins > 0);
    assert_true(gb->disk_ops >= ga->disk_ops + gb->mm.swap_ins);
    assert_true(gb->latency.mean_ns > ga->latency.mean_ns + 10e3);
    assert_true(b->host.mm.overcommit_ratio > 1.9); /* 2 x 2 GiB on 2 GiB */
    vs_results_free(&roomy);
    vs_results_free(&tight);
}

static void test_container_oom_exactly_at_limit(void **state)
{
    (void)state;
    struct vs_costs c;
    vs_costs_set_defaults(&c);
    double pinned = 64 * MIB + vs_cost(&c, VS_COST_CONTAINER_OVERHEAD_BYTES);
    char yaml[2048];
    snprintf(yaml, sizeof yaml,
             "name: oom\n"
             "host: {profile: current}\n"
             "duration: 6s\n"
             "compare: [lxc]\n"
             "guests:\n"
             "  - {name: ct, workload: " SMALL_WL ", resources: {memory: {limit: 512MiB}}}\n"
             "events:\n"
             "  - {at: 1s, set: {guest: ct, memory: %.0fB}}\n"
             "  - {at: 3s, set: {guest: ct, memory: %.0fB}}\n",
             pinned, pinned - PAGE);
    struct vs_results res;
    run_yaml(yaml, &res);
    const struct vs_guest_result *g = instance(&res.runs[0], "ct");
    /* At its limit: no kill; one page below: killed at that moment. */
    assert_true(g->mm.oom_kills >= 1);
    assert_true(g->mm.oom_first_ns == 3e9);
    assert_true(g->outages >= 1);
    vs_results_free(&res);
}

static void test_container_cache_reclaimed_first(void **state)
{
    (void)state;
    /* A limit that leaves little page cache: reads miss more, nobody is killed. */
    const char *base = "name: cache\nhost: {profile: current}\nduration: 10s\nwarmup: 1s\ncompare: [lxc]\nguests:\n"
                       "  - {name: ct, workload: " SMALL_WL "%s}\n";
    char y1[1024], y2[1024];
    snprintf(y1, sizeof y1, base, "");
    snprintf(y2, sizeof y2, base, ", resources: {memory: {limit: 74MiB}}");
    struct vs_results free_run, tight;
    run_yaml(y1, &free_run);
    run_yaml(y2, &tight);
    const struct vs_guest_result *a = &free_run.runs[0].groups[0], *b = &tight.runs[0].groups[0];
    assert_true(b->mm.oom_kills == 0);
    assert_true(b->disk_ops > a->disk_ops);
    vs_results_free(&free_run);
    vs_results_free(&tight);
}

static void test_overcommit_ratio(void **state)
{
    (void)state;
    const char *yaml = "name: ratio\nhost: {profile: current, memory: {capacity: 4GiB, reserved: 1GiB}}\nduration: 2s\n"
                       "compare: [kvm]\nguests:\n"
                       "  - {name: vm, count: 3, workload: " SMALL_WL ", resources: {memory: {limit: 2GiB, swap: on}}}\n";
    struct vs_results res;
    run_yaml(yaml, &res);
    assert_within_rel(res.runs[0].host.mm.overcommit_ratio, 6.0 / 4.0, 1e-12);
    assert_within_rel(res.runs[0].host.mm.allocated_bytes, 6 * 1024 * MIB, 1e-12);
    vs_results_free(&res);
}

static uint32_t density_of(const char *engine, bool sharing, bool balloon, struct vs_density_result *out)
{
    char yaml[1024];
    snprintf(yaml, sizeof yaml,
             "name: d\nhost: {profile: current, memory: {capacity: 16GiB, reserved: 1GiB}}\nduration: 300ms\n"
             "warmup: 100ms\ncompare: [%s]\nguests:\n  - {name: web, workload: " SMALL_WL "}\n",
             engine);
    struct vs_scenario *sc = load(yaml);
    struct vs_density_opts o = {.max_guests = 256, .threads = 1, .overcommit_sharing = sharing,
                                .overcommit_balloon = balloon};
    struct vs_error err = {0};
    assert_int_equal(vs_density_run(sc, &o, out, &err), VS_OK);
    free(sc);
    return out->density;
}

static void test_density_with_overcommit(void **state)
{
    (void)state;
    struct vs_costs c;
    vs_costs_set_defaults(&c);
    double usable = 15 * 1024 * MIB;
    struct vs_density_result plain, shared, both, xen;
    uint32_t n0 = density_of("kvm", false, false, &plain);
    double m = vs_mem_parts_total(&plain.memory_per_guest);
    assert_int_equal(n0, (uint32_t)floor(usable / m));
    uint32_t n1 = density_of("kvm", true, false, &shared);
    double ident = vs_cost(&c, VS_COST_GUEST_KERNEL_TEXT_BYTES) + 8 * MIB + 32 * MIB;
    assert_within_rel(shared.saved_sharing_bytes, ident, 1e-12);
    assert_int_equal(n1, (uint32_t)floor((usable - ident) / (m - ident)));
    assert_true(n1 > n0);
    uint32_t n2 = density_of("kvm", true, true, &both);
    double cache = vs_cost(&c, VS_COST_GUEST_PAGE_CACHE_BYTES), ident_b = ident - 32 * MIB;
    assert_within_rel(both.saved_balloon_bytes, cache, 1e-12);
    assert_int_equal(n2, (uint32_t)floor((usable - ident_b) / (m - cache - ident_b)));
    density_of("xen-pv", true, false, &xen);
    assert_true(xen.saved_sharing_bytes == 0);
}

static void expect_error(const char *yaml, int line, int col, const char *words)
{
    struct vs_scenario *sc = malloc(sizeof *sc);
    struct vs_error err = {0};
    int rc = vs_config_load_scenario(yaml, strlen(yaml), "bad.yaml", NULL, sc, &err);
    free(sc);
    if (rc != VS_ERR_INPUT || err.line != line || err.column != col || !strstr(err.message, words))
        print_error("rc %d at %d:%d: %s\n", rc, err.line, err.column, err.message);
    assert_int_equal(rc, VS_ERR_INPUT);
    assert_int_equal(err.line, line);
    assert_int_equal(err.column, col);
    assert_non_null(strstr(err.message, words));
}

static void test_bad_keys(void **state)
{
    (void)state;
    expect_error("name: x\nguests:\n  - name: a\n    workload: web-server\n    resources: {cpu: 2}\n", 5, 17,
                 "allowed: memory");
    expect_error("name: x\nguests:\n  - name: a\n    workload: web-server\n    resources: {memory: {limt: 1GiB}}\n",
                 5, 26, "allowed: limit, balloon, sharing, swap");
    expect_error("name: x\nguests:\n  - name: a\n    workload: web-server\n    resources: {memory: {balloon: maybe}}\n",
                 5, 35, "true or false");
    expect_error("name: x\nguests:\n  - name: a\n    workload: web-server\n    resources: {memory: 12}\n", 5, 25,
                 "resources.memory");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ksm_same_image),
        cmocka_unit_test(test_ksm_different_images),
        cmocka_unit_test(test_balloon_rate_and_limits),
        cmocka_unit_test(test_swap_faults_read_the_disk),
        cmocka_unit_test(test_container_oom_exactly_at_limit),
        cmocka_unit_test(test_container_cache_reclaimed_first),
        cmocka_unit_test(test_overcommit_ratio),
        cmocka_unit_test(test_density_with_overcommit),
        cmocka_unit_test(test_bad_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
