/* Density search: with memory as the only limit the density is the memory
 * arithmetic; with CPU as the limit it is the analytic capacity; a parallel
 * search gives the same bytes as a serial one; and the default search (memory
 * bound, early stops) finds what the exhaustive one (every probe simulated in
 * full) finds: the same density, limit, probes and verdicts, and the same
 * figures for every probe it simulated in full; --overcommit vcpus gives
 * the count without vCPU overcommit (a core per vCPU) beside the density:
 * lower for a light workload whose vCPUs mostly idle (with steal time
 * measured at the density), the same for a CPU-bound one, and the density
 * itself is the one the search finds without the flag; --curve and --step
 * add probes simulated in full along the curve (every step up to the
 * density, the density and one guest more) and change nothing the search
 * found: density, limit, memory per guest, and every probe it ran in full. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>

#include "virtsim/load/builtin.h"
#include "virtsim/load/config.h"
#include "virtsim/model/engine.h"
#include "virtsim/run/compare.h"
#include "virtsim/run/density.h"

#define MiB (1024.0 * 1024.0)
#define GiB (1024.0 * MiB)

static struct vs_scenario *base_scenario(void)
{
    struct vs_scenario *sc = calloc(1, sizeof *sc);
    assert_non_null(sc);
    snprintf(sc->name, sizeof sc->name, "density-test");
    vs_host_spec_defaults(&sc->hosts[0].spec);
    sc->duration_ns = 2 * VS_NS_PER_S;
    sc->warmup_ns = 200 * VS_NS_PER_MS;
    sc->seed = 5;
    sc->max_events = 100000000;
    sc->n_guests = 1;
    struct vs_guest_spec *g = &sc->guests[0];
    snprintf(g->name, sizeof g->name, "g");
    snprintf(g->workload.name, sizeof g->workload.name, "w");
    g->count = 1;
    g->vcpus = 1;
    g->weight = 256;
    g->queue_limit = VS_DEFAULT_QUEUE_LIMIT;
    g->workload.request.cpi = 1;
    g->workload.load.kind = VS_LOAD_OPEN;
    g->workload.load.arrivals = VS_DIST_EXPONENTIAL;
    return sc;
}

static void engines(struct vs_scenario *sc, const char *const *names, uint32_t n)
{
    sc->n_engines = n;
    for (uint32_t i = 0; i < n; i++) snprintf(sc->engines[i], VS_NAME_MAX, "%s", names[i]);
}

static void test_sla_parse(void **state)
{
    (void)state;
    struct vs_sla s;
    struct vs_error err;
    assert_int_equal(vs_sla_parse("p99<20ms", &s, &err), VS_OK);
    assert_int_equal(s.kind, VS_SLA_P99);
    assert_true(s.limit == 20e6);
    assert_int_equal(vs_sla_parse("throughput>=95%", &s, &err), VS_OK);
    assert_int_equal(s.kind, VS_SLA_THROUGHPUT);
    assert_true(fabs(s.limit - 0.95) < 1e-12);
    assert_int_equal(vs_sla_parse("p50<1ms", &s, &err), VS_OK);
    assert_int_equal(vs_sla_parse("p99<20", &s, &err), VS_ERR_INPUT);
    assert_int_equal(vs_sla_parse("latency<3ms", &s, &err), VS_ERR_INPUT);
    assert_non_null(strstr(err.message, "expected p99<TIME"));
    assert_int_equal(vs_sla_parse("throughput>=0%", &s, &err), VS_ERR_INPUT);
}

/* Plenty of CPU, 16 GiB and guests of 1 GiB: density = floor(usable / per guest). */
static void test_memory_limit(void **state)
{
    (void)state;
    struct vs_scenario *sc = base_scenario();
    sc->hosts[0].spec.cpu.cores = 64;
    sc->hosts[0].spec.memory_bytes = 16 * GiB;
    sc->hosts[0].spec.host_reserved_bytes = 0;
    struct vs_guest_spec *g = &sc->guests[0];
    g->workload.request.instructions = (struct vs_dist){VS_DIST_CONSTANT, 1e5, 0};
    g->workload.load.rate_per_s = 10;
    g->workload.memory.footprint_bytes = 1 * GiB;
    static const char *const names[] = {"native", "kvm", "xen-pv", "lxc"};
    engines(sc, names, 4);
    struct vs_density_opts o = {.max_guests = 64};
    struct vs_density_result r[4];
    struct vs_error err;
    assert_int_equal(vs_density_run(sc, &o, r, &err), VS_OK);
    const struct vs_costs *c = &sc->hosts[0].spec.costs;
    double vm = 1 * GiB + vs_cost(c, VS_COST_GUEST_KERNEL_BYTES) + vs_cost(c, VS_COST_GUEST_PAGE_CACHE_BYTES) +
                vs_cost(c, VS_COST_VM_OVERHEAD_BYTES);
    double expect[4] = {
        16 * GiB / (1 * GiB),
        16 * GiB / (vm + vs_cost(c, VS_COST_DEVICE_MODEL_BYTES)), /* kvm: QEMU process */
        16 * GiB / vm,                                           /* xen-pv: no device model */
        16 * GiB / (1 * GiB + vs_cost(c, VS_COST_CONTAINER_OVERHEAD_BYTES)),
    };
    for (int k = 0; k < 4; k++) {
        if (r[k].density != (uint32_t)floor(expect[k]))
            print_error("%s: density %u, expected %u\n", names[k], r[k].density, (uint32_t)floor(expect[k]));
        assert_int_equal(r[k].density, (uint32_t)floor(expect[k]));
        assert_int_equal(r[k].limit, VS_RES_MEMORY);
        assert_false(r[k].capped);
    }
    /* OS-level packs more guests than any VM. */
    assert_true(r[3].density > r[1].density && r[3].density > r[2].density);
    free(sc);
}

/* Two cores, each guest needs a quarter of one (250 requests/s of 1 ms):
 * the analytic capacity is 8 guests. */
static void test_cpu_limit(void **state)
{
    (void)state;
    struct vs_scenario *sc = base_scenario();
    sc->hosts[0].spec.cpu.cores = 2;
    sc->hosts[0].spec.cpu.frequency_hz = 1e9;
    struct vs_guest_spec *g = &sc->guests[0];
    g->workload.request.instructions = (struct vs_dist){VS_DIST_CONSTANT, 1e6, 0};
    g->workload.load.rate_per_s = 250;
    g->workload.memory.footprint_bytes = 64 * MiB;
    static const char *const names[] = {"native"};
    engines(sc, names, 1);
    struct vs_density_opts o = {.max_guests = 64, .n_slas = 1};
    struct vs_error err;
    assert_int_equal(vs_sla_parse("throughput>=95%", &o.slas[0], &err), VS_OK);
    struct vs_density_result r;
    assert_int_equal(vs_density_run(sc, &o, &r, &err), VS_OK);
    if (r.density < 7 || r.density > 9) print_error("density %u, expected 8 +- 1\n", r.density);
    assert_true(r.density >= 7 && r.density <= 9);
    assert_int_equal(r.limit, VS_RES_CPU);
    /* The curve holds every probe, sorted, and the boundary is between two of them. */
    for (uint32_t i = 1; i < r.n_points; i++) assert_true(r.points[i - 1].guests < r.points[i].guests);
    free(sc);
}

static char *render(const struct vs_density_result *r, uint32_t n)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    vs_density_write_csv(f, r, n);
    fclose(f);
    return buf;
}

static void test_parallel_equals_serial(void **state)
{
    (void)state;
    struct vs_scenario *sc = base_scenario();
    sc->hosts[0].spec.cpu.cores = 4;
    struct vs_guest_spec *g = &sc->guests[0];
    g->workload.request.instructions = (struct vs_dist){VS_DIST_EXPONENTIAL, 3e6, 0};
    g->workload.request.count[VS_OP_SYSCALL] = 20;
    g->workload.load.rate_per_s = 200;
    g->workload.memory.footprint_bytes = 128 * MiB;
    static const char *const names[] = {"native", "qemu", "xen-pv", "kvm", "lxc"};
    engines(sc, names, 5);
    struct vs_density_opts o = {.max_guests = 32, .n_slas = 1, .threads = 1};
    struct vs_error err;
    assert_int_equal(vs_sla_parse("p99<50ms", &o.slas[0], &err), VS_OK);
    struct vs_density_result serial[5], parallel[5];
    assert_int_equal(vs_density_run(sc, &o, serial, &err), VS_OK);
    o.threads = 3;
    assert_int_equal(vs_density_run(sc, &o, parallel, &err), VS_OK);
    char *a = render(serial, 5), *b = render(parallel, 5);
    assert_string_equal(a, b);
    free(a);
    free(b);
    free(sc);
}

/* ---- the default search against the exhaustive one ---- */

struct shortcuts {
    uint32_t memory, early;         /* probes decided by the memory bound, stopped early */
    uint32_t hints;                 /* of those stopped early, on a hint (with an SLA) */
    uint64_t guests_fast, guests_full; /* guests simulated over every probe, by each search */
};

static const struct vs_density_point *point_at(const struct vs_density_result *r, uint32_t guests)
{
    for (uint32_t i = 0; i < r->n_points; i++)
        if (r->points[i].guests == guests) return &r->points[i];
    return NULL;
}

/* Runs both searches on sc and checks that they agree: per engine the same
 * density, capped flag, limit and memory per guest. The default search
 * proves its own boundary (a pass at the density, a failure one guest
 * beyond, unless capped); where both probed the same count they reached
 * the same verdict and failed guests, with the exhaustive figures to the
 * bit when the default search simulated it in full; a count only the
 * default search probed has the verdict the density implies (monotonic).
 * So every hint (a verdict from part of a window) is checked too: against
 * the full run where there is one, else against the density.
 * Counts the shortcuts taken and the guests each search simulated. */
static struct shortcuts same_as_exhaustive(const struct vs_scenario *sc, struct vs_density_opts o)
{
    struct vs_density_result *fast = calloc(sc->n_engines, sizeof *fast);
    struct vs_density_result *full = calloc(sc->n_engines, sizeof *full);
    assert_non_null(fast);
    assert_non_null(full);
    struct vs_error err;
    o.exhaustive = false;
    assert_int_equal(vs_density_run(sc, &o, fast, &err), VS_OK);
    o.exhaustive = true;
    assert_int_equal(vs_density_run(sc, &o, full, &err), VS_OK);
    struct shortcuts n = {0, 0, 0, 0, 0};
    for (uint32_t k = 0; k < sc->n_engines; k++) {
        const struct vs_density_result *a = &fast[k], *b = &full[k];
        if (a->density != b->density || a->limit != b->limit)
            print_error("%s (seed %llu, %s): density %u limit %s, exhaustive %u limit %s\n", a->engine,
                        (unsigned long long)sc->seed, o.n_slas ? o.slas[0].text : "no SLA", a->density,
                        vs_resource_name(a->limit), b->density, vs_resource_name(b->limit));
        assert_int_equal(a->density, b->density);
        assert_int_equal(a->capped, b->capped);
        assert_int_equal(a->limit, b->limit);
        assert_string_equal(a->approach, b->approach);
        assert_memory_equal(&a->memory_per_guest, &b->memory_per_guest, sizeof a->memory_per_guest);
        assert_true(a->usable_memory_bytes == b->usable_memory_bytes);
        /* The boundary is proven by the default search's own probes. */
        if (a->density > 0) {
            assert_non_null(point_at(a, a->density));
            assert_true(point_at(a, a->density)->ok);
        }
        if (!a->capped) {
            assert_non_null(point_at(a, a->density + 1));
            assert_false(point_at(a, a->density + 1)->ok);
            /* Its limit is read from its figures: the whole run's, unless a
             * guest did not start (then memory, whatever the figures). */
            assert_true(point_at(a, a->density + 1)->basis != VS_PROBE_EARLY || point_at(a, a->density + 1)->failed > 0);
        }
        int64_t window_ns = b->points[0].measured_ns;
        for (uint32_t i = 0; i < a->n_points; i++) {
            const struct vs_density_point *p = &a->points[i], *q = point_at(b, p->guests);
            if (i > 0) assert_true(a->points[i - 1].guests < p->guests);
            if (p->basis == VS_PROBE_MEMORY) n.memory++;
            else n.guests_fast += p->guests;
            if (p->basis == VS_PROBE_EARLY) {
                n.early++;
                n.hints += o.n_slas > 0;
                assert_true(p->measured_ns > 0 && p->measured_ns < window_ns);
            }
            if (!q) {
                if (p->ok != (p->guests <= a->density))
                    print_error("%s at %u guests: verdict %d, density %u\n", a->engine, p->guests, p->ok, a->density);
                assert_int_equal(p->ok, p->guests <= a->density);
                continue;
            }
            assert_int_equal(q->basis, VS_PROBE_FULL);
            if (p->ok != q->ok)
                print_error("%s at %u guests: verdict %d, exhaustive %d\n", a->engine, p->guests, p->ok, q->ok);
            assert_int_equal(p->ok, q->ok);
            assert_int_equal(p->failed, q->failed);
            if (p->basis != VS_PROBE_FULL) continue;
            assert_true(p->measured_ns == q->measured_ns);
            assert_true(p->throughput_per_guest == q->throughput_per_guest);
            assert_true(p->served_fraction == q->served_fraction);
            assert_true(p->p50_ns == q->p50_ns && p->p99_ns == q->p99_ns);
            assert_true(p->cpu_util == q->cpu_util && p->nic_util == q->nic_util && p->disk_util == q->disk_util);
        }
        for (uint32_t i = 0; i < b->n_points; i++) n.guests_full += b->points[i].guests;
    }
    free(fast);
    free(full);
    return n;
}

/* A small web-like guest on a 4-core host with 8 GiB: memory or CPU runs
 * out depending on the engine and the SLA. */
static struct vs_scenario *small_scenario(void)
{
    struct vs_scenario *sc = base_scenario();
    sc->duration_ns = 1 * VS_NS_PER_S;
    sc->warmup_ns = 100 * VS_NS_PER_MS;
    sc->hosts[0].spec.cpu.cores = 4;
    sc->hosts[0].spec.memory_bytes = 8 * GiB;
    struct vs_guest_spec *g = &sc->guests[0];
    g->workload.request.instructions = (struct vs_dist){VS_DIST_EXPONENTIAL, 2e6, 0};
    g->workload.request.count[VS_OP_SYSCALL] = 10;
    g->workload.load.rate_per_s = 300;
    g->workload.memory.footprint_bytes = 192 * MiB;
    static const char *const names[] = {"native", "qemu", "xen-pv", "kvm", "lxc"};
    engines(sc, names, 5);
    return sc;
}

/* No SLA: every guest must start, so memory limits the VMs and the
 * containers; each probe below the bound stops at its first completion. */
static void test_exhaustive_memory_only(void **state)
{
    (void)state;
    struct vs_scenario *sc = small_scenario();
    struct vs_density_opts o = {.max_guests = 64};
    struct shortcuts n = same_as_exhaustive(sc, o);
    assert_true(n.memory > 0);
    assert_true(n.early > 0);
    free(sc);
}

/* A p99 SLA: CPU is the limit for some engines and memory for others. */
static void test_exhaustive_p99(void **state)
{
    (void)state;
    struct vs_scenario *sc = small_scenario();
    struct vs_density_opts o = {.max_guests = 64, .n_slas = 1};
    struct vs_error err;
    assert_int_equal(vs_sla_parse("p99<30ms", &o.slas[0], &err), VS_OK);
    struct shortcuts n = same_as_exhaustive(sc, o);
    assert_true(n.memory > 0);
    free(sc);
}

/* Throughput SLAs: an open load (completed / arrived) and a closed one
 * (per guest against one guest alone, which the first probe measures). */
static void test_exhaustive_throughput(void **state)
{
    (void)state;
    struct vs_scenario *sc = small_scenario();
    struct vs_density_opts o = {.max_guests = 64, .n_slas = 2};
    struct vs_error err;
    assert_int_equal(vs_sla_parse("throughput>=95%", &o.slas[0], &err), VS_OK);
    assert_int_equal(vs_sla_parse("p50<10ms", &o.slas[1], &err), VS_OK);
    struct shortcuts n = same_as_exhaustive(sc, o);
    assert_true(n.memory > 0);
    struct vs_guest_spec *g = &sc->guests[0];
    g->workload.load = (struct vs_load_spec){.kind = VS_LOAD_CLOSED, .clients = 2,
                                             .think_ns = {VS_DIST_EXPONENTIAL, 5e6, 0}};
    o.n_slas = 1;
    assert_int_equal(vs_sla_parse("throughput>=80%", &o.slas[0], &err), VS_OK);
    same_as_exhaustive(sc, o);
    free(sc);
}

/* The shipped lecture example and the web server workload as `virtsim
 * density` builds them (shortened runs: the same search, less time). */
static void test_exhaustive_builtins(void **state)
{
    (void)state;
    struct vs_scenario *sc = calloc(1, sizeof *sc);
    assert_non_null(sc);
    struct vs_error err;
    const struct vs_builtin *b = vs_builtin_find(VS_BUILTIN_SCENARIO, "density-web");
    assert_non_null(b);
    assert_int_equal(vs_config_load_scenario(b->data, b->len, "builtin:density-web", NULL, sc, &err), VS_OK);
    sc->duration_ns = 1 * VS_NS_PER_S;
    sc->warmup_ns = 100 * VS_NS_PER_MS;
    struct vs_density_opts o = {.max_guests = 256, .n_slas = 1};
    assert_int_equal(vs_sla_parse("p99<20ms", &o.slas[0], &err), VS_OK);
    struct shortcuts n = same_as_exhaustive(sc, o);
    assert_true(n.memory > 0);

    struct vs_compare_opts co = {.workload = "web-server", .approaches = "qemu,xen-pv,kvm,lxc", .vcpus = 1,
                                 .duration_ns = 500 * VS_NS_PER_MS, .seed = 1};
    char skipped[1024];
    assert_int_equal(vs_compare_scenario(&co, sc, skipped, sizeof skipped, &err), VS_OK);
    assert_int_equal(vs_config_resolve_workload("web-server", NULL, &sc->guests[0].workload, &err), VS_OK);
    o.n_slas = 0;
    n = same_as_exhaustive(sc, o);
    assert_true(n.memory > 0 && n.early > 0);
    free(sc);
}

/* The aimed search over several seeds and SLAs, loose and tight (the
 * boundary near the CPU's saturation, or well below it, where the aim
 * overshoots and the search gallops down), and over the search bound
 * (capped). Over all of them it simulates fewer guests than the
 * exhaustive search. */
static void test_exhaustive_seeds_and_slas(void **state)
{
    (void)state;
    struct vs_scenario *sc = small_scenario();
    static const char *const names[] = {"native", "qemu", "kvm"};
    engines(sc, names, 3);
    static const char *const slas[] = {"p99<3ms", "p99<30ms", "p50<2ms", "throughput>=99%"};
    struct vs_error err;
    uint64_t fast = 0, full = 0;
    uint32_t hints = 0;
    for (uint64_t seed = 1; seed <= 3; seed++)
        for (uint32_t i = 0; i < sizeof slas / sizeof *slas; i++) {
            sc->seed = seed;
            struct vs_density_opts o = {.max_guests = 48, .n_slas = 1};
            assert_int_equal(vs_sla_parse(slas[i], &o.slas[0], &err), VS_OK);
            struct shortcuts n = same_as_exhaustive(sc, o);
            fast += n.guests_fast;
            full += n.guests_full;
            hints += n.hints;
        }
    /* Probes far from the boundary stopped on a hint, and each hint agreed
     * with the full runs (checked in same_as_exhaustive). */
    assert_true(hints > 0);
    /* Capped: every count up to --max meets the SLA. */
    struct vs_density_opts o = {.max_guests = 6, .n_slas = 1};
    assert_int_equal(vs_sla_parse("p99<30ms", &o.slas[0], &err), VS_OK);
    same_as_exhaustive(sc, o);
    if (!(fast < full)) print_error("guests simulated: %llu aimed, %llu exhaustive\n", (unsigned long long)fast,
                                    (unsigned long long)full);
    assert_true(fast < full);
    free(sc);
}

/* Two hosts: placement depends on the count, so there is no memory bound
 * and the aim comes from the per-guest demand alone (with an SLA) or is
 * the search bound (without one). */
static void test_exhaustive_without_memory_bound(void **state)
{
    (void)state;
    struct vs_scenario *sc = small_scenario();
    sc->hosts[0].count = 2;
    static const char *const names[] = {"native", "kvm"};
    engines(sc, names, 2);
    struct vs_density_opts o = {.max_guests = 64, .n_slas = 1};
    struct vs_error err;
    assert_int_equal(vs_sla_parse("p99<20ms", &o.slas[0], &err), VS_OK);
    struct shortcuts n = same_as_exhaustive(sc, o);
    assert_int_equal(n.memory, 0);
    o.n_slas = 0;
    o.max_guests = 96;
    same_as_exhaustive(sc, o);
    free(sc);
}

/* The same scenario and seed give the same bytes, run after run. */
static void test_deterministic(void **state)
{
    (void)state;
    struct vs_scenario *sc = small_scenario();
    struct vs_density_opts o = {.max_guests = 64, .n_slas = 1, .threads = 2};
    struct vs_error err;
    assert_int_equal(vs_sla_parse("p99<10ms", &o.slas[0], &err), VS_OK);
    struct vs_density_result a[5], b[5];
    assert_int_equal(vs_density_run(sc, &o, a, &err), VS_OK);
    assert_int_equal(vs_density_run(sc, &o, b, &err), VS_OK);
    char *x = render(a, 5), *y = render(b, 5);
    assert_string_equal(x, y);
    free(x);
    free(y);
    free(sc);
}

/* The default search on several threads writes the same bytes as on one,
 * shortcuts included (no SLA: early stops and the memory bound), and so
 * does one engine whose probes run two at a time. */
static void test_fast_parallel_equals_serial(void **state)
{
    (void)state;
    struct vs_scenario *sc = small_scenario();
    struct vs_density_opts o = {.max_guests = 64, .threads = 1};
    struct vs_density_result serial[5], parallel[5];
    struct vs_error err;
    assert_int_equal(vs_density_run(sc, &o, serial, &err), VS_OK);
    o.threads = 2;
    assert_int_equal(vs_density_run(sc, &o, parallel, &err), VS_OK);
    char *a = render(serial, 5), *b = render(parallel, 5);
    assert_string_equal(a, b);
    assert_non_null(strstr(a, ",memory,"));
    assert_non_null(strstr(a, ",early,"));
    free(a);
    free(b);
    /* One engine on two threads: the search runs its next probe beside the
     * current one (doubling, then the upper half of the bisection). */
    static const char *const one[] = {"native"};
    engines(sc, one, 1);
    o.n_slas = 1;
    struct vs_error err2;
    assert_int_equal(vs_sla_parse("p99<30ms", &o.slas[0], &err2), VS_OK);
    o.threads = 1;
    assert_int_equal(vs_density_run(sc, &o, serial, &err), VS_OK);
    o.threads = 2;
    assert_int_equal(vs_density_run(sc, &o, parallel, &err), VS_OK);
    a = render(serial, 1);
    b = render(parallel, 1);
    assert_string_equal(a, b);
    assert_true(serial[0].density > 1 && !serial[0].capped);
    free(a);
    free(b);
    free(sc);
}

/* Guests of 2 vCPUs on 4 cores: a light open load (200 requests/s of 1M
 * instructions, a fifteenth of a core) or a CPU-bound closed loop. */
static void vcpu_overcommit(const char *load, const char *sla, uint32_t *without, uint32_t *with, double *steal)
{
    char yaml[1024];
    snprintf(yaml, sizeof yaml,
             "name: dens\nhost: {profile: current, cpu: {cores: 4}}\nduration: 2s\nwarmup: 500ms\nseed: 1\n"
             "compare: [kvm, lxc]\nguests:\n  - name: g\n    vcpus: 2\n    workload:\n      name: w\n"
             "      load: %s\n      request: {instructions: 1M}\n      memory: {footprint: 64MiB}\n", load);
    struct vs_scenario *sc = malloc(sizeof *sc);
    struct vs_error err;
    assert_int_equal(vs_config_load_scenario(yaml, strlen(yaml), "dens.yaml", NULL, sc, &err), VS_OK);
    struct vs_density_opts o = {.max_guests = 64, .threads = 1};
    assert_int_equal(vs_sla_parse(sla, &o.slas[0], &err), VS_OK);
    o.n_slas = 1;
    struct vs_density_result plain[2], oc[2];
    assert_int_equal(vs_density_run(sc, &o, plain, &err), VS_OK);
    assert_int_equal(vs_density_parse_overcommit("vcpus", &o, &err), VS_OK);
    assert_true(o.overcommit_vcpus && !o.overcommit_sharing && !o.overcommit_balloon);
    assert_int_equal(vs_density_run(sc, &o, oc, &err), VS_OK);
    for (int k = 0; k < 2; k++) {
        /* the flag reports; the count is the search's own */
        assert_int_equal(oc[k].density, plain[k].density);
        assert_int_equal(oc[k].vcpu_fit, 2);
        without[k] = oc[k].density_without_vcpu_overcommit;
        with[k] = oc[k].density;
        steal[k] = oc[k].steal_at_density;
        print_message("%s %s: %u without vCPU overcommit, %u with, steal %.3f\n", oc[k].engine, load, without[k],
                      with[k], steal[k]);
    }
    free(sc);
}

static void test_vcpu_overcommit(void **state)
{
    (void)state;
    uint32_t without[2], with[2];
    double steal[2];
    vcpu_overcommit("{kind: open, rate: 200/s}", "p99<20ms", without, with, steal);
    for (int k = 0; k < 2; k++) {
        /* each vCPU busy a thirtieth of the time: many more guests than
         * cores hold the SLA, their vCPUs waiting for a core now and then */
        assert_int_equal(without[k], 2);
        assert_true(with[k] > 8 * without[k]);
        assert_true(steal[k] > 0.01);
    }
    vcpu_overcommit("{kind: closed, clients: 2, think_time: 0}", "throughput>=90%", without, with, steal);
    for (int k = 0; k < 2; k++) {
        /* CPU-bound: a third guest's vCPUs take cores the first two use */
        assert_int_equal(without[k], 2);
        assert_int_equal(with[k], 2);
    }
    struct vs_density_opts o = {0};
    struct vs_error err;
    assert_int_equal(vs_density_parse_overcommit("vcpus,memory", &o, &err), VS_ERR_INPUT);
    assert_non_null(strstr(err.message, "sharing, balloon, vcpus"));
}

/* The curve's probes: at every multiple of the step below the density, at
 * the density and one guest more, each simulated in full, and the search's
 * own answer untouched. */
static void check_curve(const struct vs_scenario *sc, struct vs_density_opts o, uint32_t step)
{
    struct vs_density_result *plain = calloc(sc->n_engines, sizeof *plain);
    struct vs_density_result *curve = calloc(sc->n_engines, sizeof *curve);
    struct vs_error err;
    assert_int_equal(vs_density_run(sc, &o, plain, &err), VS_OK);
    if (step) o.curve_step = step;
    else o.curve = true;
    assert_int_equal(vs_density_run(sc, &o, curve, &err), VS_OK);
    for (uint32_t k = 0; k < sc->n_engines; k++) {
        const struct vs_density_result *a = &plain[k], *b = &curve[k];
        assert_int_equal(b->density, a->density);
        assert_int_equal(b->limit, a->limit);
        assert_int_equal(b->capped, a->capped);
        assert_memory_equal(&b->memory_per_guest, &a->memory_per_guest, sizeof a->memory_per_guest);
        assert_true(a->density >= 2);
        uint32_t want = step ? step : (a->density + 15) / 16;
        uint32_t counts[VS_DENSITY_MAX_POINTS], n_counts = 0;
        for (uint32_t n = want; n < a->density && n_counts < VS_DENSITY_MAX_POINTS - 2; n += want)
            counts[n_counts++] = n;
        counts[n_counts++] = a->density;
        counts[n_counts++] = a->density + 1;
        for (uint32_t c = 0; c < n_counts; c++) {
            uint32_t n = counts[c];
            bool found = false;
            for (uint32_t i = 0; i < b->n_points; i++)
                if (b->points[i].guests == n) {
                    found = true;
                    /* measured all along: a full run, or beyond memory */
                    assert_true(b->points[i].basis == VS_PROBE_FULL || b->points[i].basis == VS_PROBE_MEMORY);
                }
            assert_true(found);
        }
        /* every probe the search ran in full is still there, the same */
        for (uint32_t i = 0; i < a->n_points; i++) {
            if (a->points[i].basis != VS_PROBE_FULL) continue;
            bool same = false;
            for (uint32_t j = 0; j < b->n_points; j++)
                same |= b->points[j].guests == a->points[i].guests &&
                        memcmp(&b->points[j], &a->points[i], sizeof a->points[i]) == 0;
            assert_true(same);
        }
        assert_true(b->n_points > a->n_points);
    }
    free(plain);
    free(curve);
}

static void test_curve_probes(void **state)
{
    (void)state;
    struct vs_scenario *sc = small_scenario();
    static const char *const names[] = {"native", "kvm"};
    engines(sc, names, 2);
    struct vs_density_opts o = {.max_guests = 64, .n_slas = 1};
    struct vs_error err;
    assert_int_equal(vs_sla_parse("p99<30ms", &o.slas[0], &err), VS_OK);
    check_curve(sc, o, 5);
    check_curve(sc, o, 0);
    /* without an SLA the search's probes stop early: the curve's do not */
    o.n_slas = 0;
    check_curve(sc, o, 7);
    free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sla_parse),
        cmocka_unit_test(test_memory_limit),
        cmocka_unit_test(test_cpu_limit),
        cmocka_unit_test(test_parallel_equals_serial),
        cmocka_unit_test(test_exhaustive_memory_only),
        cmocka_unit_test(test_exhaustive_p99),
        cmocka_unit_test(test_exhaustive_throughput),
        cmocka_unit_test(test_exhaustive_builtins),
        cmocka_unit_test(test_exhaustive_seeds_and_slas),
        cmocka_unit_test(test_exhaustive_without_memory_bound),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_fast_parallel_equals_serial),
        cmocka_unit_test(test_vcpu_overcommit),
        cmocka_unit_test(test_curve_probes),
    };
    return cmocka_run_group_tests_name("density", tests, NULL, NULL);
}
