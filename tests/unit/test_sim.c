/* Whole-run tests of the simulator with the native engine: figures that
 * follow from queueing laws and from the workload's definition, not from
 * tuned constants. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>

#include "virtsim/model/engine.h"
#include "virtsim/run/sim.h"

#define GHZ 1e9

/* A host where nothing but the CPU costs time, and costs are round numbers. */
static void plain_host(struct vs_host_spec *h, uint32_t cores)
{
    vs_host_spec_defaults(h);
    h->cpu.cores = cores;
    h->cpu.frequency_hz = 1 * GHZ;  /* 1 cycle = 1 ns */
    h->cpu.time_slice_ns = 3 * VS_NS_PER_MS;
    h->memory_bytes = 64.0 * (1 << 30);
    h->host_reserved_bytes = 0;
    h->costs.value[VS_COST_SYSCALL_CYCLES] = 100;
    h->costs.value[VS_COST_PAGE_FAULT_CYCLES] = 1000;
    h->costs.value[VS_COST_TLB_WALK_REFS] = 4;
    h->costs.value[VS_COST_WALK_REF_CYCLES] = 10;
    /* No paging-structure cache, no DRAM reference: every walk is exactly
     * 4 references of 10 cycles (the walk model is tested in test_walks.c). */
    h->costs.value[VS_COST_PSC_HIT] = 0;
    h->costs.value[VS_COST_WALK_DRAM] = 0;
    h->costs.value[VS_COST_CONTEXT_SWITCH_CYCLES] = 0;
    h->costs.value[VS_COST_TIMER_HZ] = 0; /* no timer ticks: service times stay exact */
}

static void cpu_workload(struct vs_workload *w, const char *name, double instructions)
{
    memset(w, 0, sizeof *w);
    snprintf(w->name, sizeof w->name, "%s", name);
    w->request.instructions = (struct vs_dist){VS_DIST_CONSTANT, instructions, 0};
    w->request.cpi = 1.0;
    w->memory.footprint_bytes = 64.0 * (1 << 20);
}

static struct vs_scenario *scenario(uint32_t cores, vs_time_ns duration, vs_time_ns warmup)
{
    struct vs_scenario *sc = calloc(1, sizeof *sc);
    assert_non_null(sc);
    snprintf(sc->name, sizeof sc->name, "test");
    plain_host(&sc->hosts[0].spec, cores);
    sc->duration_ns = duration;
    sc->warmup_ns = warmup;
    sc->seed = 1;
    sc->n_engines = 1;
    snprintf(sc->engines[0], sizeof sc->engines[0], "native");
    sc->max_events = 100000000;
    return sc;
}

static struct vs_guest_spec *add_guest(struct vs_scenario *sc, const char *name, uint32_t count,
                                       uint32_t vcpus)
{
    struct vs_guest_spec *g = &sc->guests[sc->n_guests++];
    memset(g, 0, sizeof *g);
    snprintf(g->name, sizeof g->name, "%s", name);
    g->count = count;
    g->vcpus = vcpus;
    g->weight = 256;
    g->queue_limit = VS_DEFAULT_QUEUE_LIMIT;
    return g;
}

static void run_one(const struct vs_scenario *sc, struct vs_run_result *out)
{
    struct vs_sim *s = NULL;
    struct vs_error e;
    vs_error_clear(&e);
    int rc = vs_sim_create(sc, "native", sc->seed, &s, &e);
    if (rc != VS_OK) print_error("%s\n", e.message);
    assert_int_equal(rc, VS_OK);
    rc = vs_sim_advance(s, sc->duration_ns, &e);
    if (rc != VS_OK) print_error("%s\n", e.message);
    assert_int_equal(rc, VS_OK);
    assert_true(vs_sim_done(s));
    assert_int_equal(vs_sim_snapshot(s, out, &e), VS_OK);
    vs_sim_destroy(s);
}

/* A batch of 1000 CPU-only requests of 1 ms each on 2 vCPUs (plenty of
 * cores) completes in 1000 / 2 * 1 ms = 500 ms. */
static void test_batch_completion_time(void **state)
{
    (void)state;
    struct vs_scenario *sc = scenario(16, 2 * VS_NS_PER_S, 0);
    struct vs_guest_spec *g = add_guest(sc, "build", 1, 2);
    cpu_workload(&g->workload, "batch", 1e6);
    g->workload.load.kind = VS_LOAD_BATCH;
    g->workload.load.total = 1000;
    struct vs_run_result r;
    run_one(sc, &r);
    assert_int_equal(r.groups[0].batch_done, 1000);
    assert_int_equal(r.groups[0].state, VS_GUEST_FINISHED);
    assert_within_rel(r.groups[0].completion_ns, 500e6, 0.01);
    /* Every cycle is user time: 1000 requests x 1e6 cycles at 1 GHz. */
    assert_within_rel(r.groups[0].cpu_ns[VS_CAT_GUEST_USER], 1e9, 0.01);
    vs_run_result_free(&r);
    free(sc);
}

/* Open load far below capacity: throughput equals the offered rate and the
 * median latency is the service time. */
static void test_open_load_throughput(void **state)
{
    (void)state;
    struct vs_scenario *sc = scenario(4, 21 * VS_NS_PER_S, VS_NS_PER_S);
    struct vs_guest_spec *g = add_guest(sc, "web", 1, 1);
    cpu_workload(&g->workload, "light", 100e3); /* 100 us */
    g->workload.load.kind = VS_LOAD_OPEN;
    g->workload.load.rate_per_s = 500;           /* utilisation 5 % */
    g->workload.load.arrivals = VS_DIST_EXPONENTIAL;
    struct vs_run_result r;
    run_one(sc, &r);
    assert_within_rel(r.groups[0].throughput_per_s, 500, 0.02);
    assert_within_rel(r.groups[0].latency.p50_ns, 100e3, 0.01);
    assert_int_equal(r.window_ns, 20 * VS_NS_PER_S);
    /* The display histogram holds every request; 100 us is in [64, 128) us. */
    uint64_t in_buckets = 0;
    for (int b = 0; b < VS_LAT_BUCKETS; b++) in_buckets += r.groups[0].latency.buckets[b];
    assert_int_equal(in_buckets, r.groups[0].latency.count);
    assert_true(r.groups[0].latency.buckets[6] * 2 > r.groups[0].latency.count);
    vs_run_result_free(&r);
    free(sc);
}

/* M/D/1 on one vCPU (one core): mean wait = rho * S / (2 (1 - rho)), so at
 * rho = 0.5 the mean response time is 1.5 S. */
static void test_open_load_queueing(void **state)
{
    (void)state;
    struct vs_scenario *sc = scenario(1, 61 * VS_NS_PER_S, VS_NS_PER_S);
    struct vs_guest_spec *g = add_guest(sc, "web", 1, 1);
    cpu_workload(&g->workload, "md1", 1e6); /* S = 1 ms */
    g->workload.load.kind = VS_LOAD_OPEN;
    g->workload.load.rate_per_s = 500;      /* rho = 0.5 */
    g->workload.load.arrivals = VS_DIST_EXPONENTIAL;
    struct vs_run_result r;
    run_one(sc, &r);
    assert_within_rel(r.groups[0].latency.mean_ns, 1.5e6, 0.03);
    assert_within_rel(r.host.cpu_utilisation, 0.5, 0.03);
    vs_run_result_free(&r);
    free(sc);
}

/* Closed loop: Little's law over the whole cycle, N = X (R + Z). */
static void test_closed_loop_littles_law(void **state)
{
    (void)state;
    struct vs_scenario *sc = scenario(1, 31 * VS_NS_PER_S, VS_NS_PER_S);
    struct vs_guest_spec *g = add_guest(sc, "db", 1, 1);
    cpu_workload(&g->workload, "closed", 2e6); /* 2 ms */
    g->workload.load.kind = VS_LOAD_CLOSED;
    g->workload.load.clients = 8;
    g->workload.load.think_ns = (struct vs_dist){VS_DIST_EXPONENTIAL, 10e6, 0};
    struct vs_run_result r;
    run_one(sc, &r);
    double x = r.groups[0].throughput_per_s;
    double rt = r.groups[0].latency.mean_ns / 1e9;
    assert_within_rel(x * (rt + 0.010), 8.0, 0.02);
    /* With 8 clients on one 2 ms server, demand (8 / 12 ms) exceeds capacity
     * (500/s): the server saturates near 500/s. */
    assert_within_rel(x, 500, 0.03);
    vs_run_result_free(&r);
    free(sc);
}

/* Each operation lands in its category with the right count. */
static void test_native_categories(void **state)
{
    (void)state;
    struct vs_scenario *sc = scenario(8, 11 * VS_NS_PER_S, VS_NS_PER_S);
    struct vs_guest_spec *g = add_guest(sc, "sys", 1, 2);
    cpu_workload(&g->workload, "mixed", 10e3);
    g->workload.request.count[VS_OP_SYSCALL] = 10;
    g->workload.request.count[VS_OP_PAGE_FAULT] = 2;
    g->workload.request.count[VS_OP_TLB_MISS] = 50;
    g->workload.load.kind = VS_LOAD_OPEN;
    g->workload.load.rate_per_s = 1000;
    g->workload.load.arrivals = VS_DIST_CONSTANT;
    struct vs_run_result r;
    run_one(sc, &r);
    const struct vs_guest_result *gr = &r.groups[0];
    double n = (double)gr->completed;
    assert_within_rel(n, 10000, 0.001);
    assert_within_rel(gr->events[VS_EVT_SYSCALL], 10 * n, 0.001);
    assert_within_rel(gr->events[VS_EVT_PAGE_FAULT], 2 * n, 0.001);
    assert_within_rel(gr->events[VS_EVT_TLB_MISS], 50 * n, 0.001);
    assert_within_rel(gr->cpu_ns[VS_CAT_GUEST_USER], 10e3 * n, 0.001);
    assert_within_rel(gr->cpu_ns[VS_CAT_GUEST_KERNEL], (10 * 100 + 2 * 1000) * n, 0.001);
    assert_within_rel(gr->cpu_ns[VS_CAT_PAGE_WALK], 50 * 4 * 10 * n, 0.001);
    assert_true(gr->cpu_ns[VS_CAT_VMEXIT] == 0 && gr->cpu_ns[VS_CAT_TRANSLATION] == 0);
    /* The per-core meters add up to the host's figures, and each core's
     * busy + idle is the window. */
    for (int c = 0; c < VS_CAT_COUNT; c++) {
        double sum = 0;
        for (uint32_t k = 0; k < r.host.spec.cpu.cores; k++) sum += r.host.core_ns_by_cat[k][c];
        assert_within_rel(sum, r.host.cpu_ns_by_cat[c], 1e-9);
    }
    for (uint32_t k = 0; k < r.host.spec.cpu.cores; k++) {
        double all = 0;
        for (int c = 0; c < VS_CAT_COUNT; c++) all += r.host.core_ns_by_cat[k][c];
        assert_within_rel(all, (double)r.window_ns, 1e-9);
    }
    vs_run_result_free(&r);
    free(sc);
}

/* Guests that do not fit in memory fail to start; the others run. */
static void test_memory_admission(void **state)
{
    (void)state;
    struct vs_scenario *sc = scenario(4, VS_NS_PER_S, 0);
    sc->hosts[0].spec.memory_bytes = 4.0 * (1 << 30);
    sc->hosts[0].spec.host_reserved_bytes = 1.0 * (1 << 30);
    struct vs_guest_spec *g = add_guest(sc, "big", 4, 1);
    cpu_workload(&g->workload, "big", 1e5);
    g->workload.memory.footprint_bytes = 1.0 * (1 << 30);
    g->workload.load.kind = VS_LOAD_OPEN;
    g->workload.load.rate_per_s = 100;
    g->workload.load.arrivals = VS_DIST_EXPONENTIAL;
    struct vs_run_result r;
    run_one(sc, &r);
    assert_int_equal(r.groups[0].instances, 4);
    assert_int_equal(r.groups[0].failed_instances, 1);
    assert_int_equal(r.instances[3].state, VS_GUEST_FAILED);
    assert_int_equal(r.instances[3].completed, 0);
    assert_true(r.instances[0].completed > 50);
    assert_within_rel(r.host.mem_used_bytes, 4.0 * (1 << 30), 1e-9);
    assert_within_rel(r.host.mem_free_bytes, 0, 1e-9);
    vs_run_result_free(&r);
    free(sc);
}

/* Disk reads are on the request's path: latency includes the device time. */
static void test_disk_on_request_path(void **state)
{
    (void)state;
    struct vs_scenario *sc = scenario(4, 11 * VS_NS_PER_S, VS_NS_PER_S);
    sc->hosts[0].spec.disk.device_class = VS_DISK_SSD;
    sc->hosts[0].spec.disk.read_latency_ns = 100 * VS_NS_PER_US;
    sc->hosts[0].spec.disk.write_latency_ns = 100 * VS_NS_PER_US;
    sc->hosts[0].spec.disk.latency_dist = VS_DIST_CONSTANT;
    sc->hosts[0].spec.disk.parallelism = 4;
    sc->hosts[0].spec.disk.bandwidth_bytes_per_s = 0;
    sc->hosts[0].spec.costs.value[VS_COST_DISK_REQUEST_CYCLES] = 0;
    sc->hosts[0].spec.costs.value[VS_COST_COPY_CYCLES_PER_KIB] = 0;
    struct vs_guest_spec *g = add_guest(sc, "fs", 1, 1);
    cpu_workload(&g->workload, "reader", 10e3);
    g->workload.request.count[VS_OP_DISK_READ] = 2;
    g->workload.request.disk_read_bytes = 4096;
    g->workload.load.kind = VS_LOAD_OPEN;
    g->workload.load.rate_per_s = 100;
    g->workload.load.arrivals = VS_DIST_CONSTANT;
    struct vs_run_result r;
    run_one(sc, &r);
    /* 10 us of CPU, then two dependent 100 us reads. */
    assert_within_rel(r.groups[0].latency.p50_ns, 210e3, 0.01);
    assert_within_rel((double)r.groups[0].disk_ops, 2 * 1000, 0.01);
    assert_within_rel(r.host.disk_utilisation, 100 * 2 * 100e-6 / 4, 0.02);
    vs_run_result_free(&r);
    free(sc);
}

/* Arrivals beyond the queue limit are dropped, so an overload cannot grow
 * memory without bound. */
static void test_overload_drops(void **state)
{
    (void)state;
    struct vs_scenario *sc = scenario(1, 2 * VS_NS_PER_S, 0);
    struct vs_guest_spec *g = add_guest(sc, "hot", 1, 1);
    cpu_workload(&g->workload, "heavy", 1e6); /* capacity 1000/s */
    g->workload.load.kind = VS_LOAD_OPEN;
    g->workload.load.rate_per_s = 4000;
    g->workload.load.arrivals = VS_DIST_EXPONENTIAL;
    g->queue_limit = 50;
    struct vs_run_result r;
    run_one(sc, &r);
    assert_within_rel(r.groups[0].throughput_per_s, 1000, 0.02);
    assert_true(r.groups[0].dropped > 5000);
    vs_run_result_free(&r);
    free(sc);
}

/* The event limit stops a run with an error instead of running forever. */
static void test_event_limit(void **state)
{
    (void)state;
    struct vs_scenario *sc = scenario(1, 10 * VS_NS_PER_S, 0);
    sc->max_events = 1000;
    struct vs_guest_spec *g = add_guest(sc, "w", 1, 1);
    cpu_workload(&g->workload, "w", 1e3);
    g->workload.load.kind = VS_LOAD_OPEN;
    g->workload.load.rate_per_s = 10000;
    g->workload.load.arrivals = VS_DIST_EXPONENTIAL;
    struct vs_sim *s;
    struct vs_error e;
    assert_int_equal(vs_sim_create(sc, "native", 1, &s, &e), VS_OK);
    assert_int_equal(vs_sim_advance(s, sc->duration_ns, &e), VS_ERR_RUNTIME);
    assert_non_null(strstr(e.message, "max_events"));
    vs_sim_destroy(s);
    free(sc);
}

/* Same seed, same figures; a guest added later does not change another's draws. */
static void test_determinism_and_streams(void **state)
{
    (void)state;
    struct vs_scenario *sc = scenario(8, 3 * VS_NS_PER_S, 0);
    struct vs_guest_spec *g = add_guest(sc, "a", 1, 1);
    cpu_workload(&g->workload, "a", 50e3);
    g->workload.load.kind = VS_LOAD_OPEN;
    g->workload.load.rate_per_s = 300;
    g->workload.load.arrivals = VS_DIST_EXPONENTIAL;
    struct vs_run_result r1, r2, r3;
    run_one(sc, &r1);
    run_one(sc, &r2);
    assert_int_equal(r1.groups[0].completed, r2.groups[0].completed);
    assert_true(r1.groups[0].latency.mean_ns == r2.groups[0].latency.mean_ns);
    /* Add a second guest on an otherwise idle host with spare cores: guest a
     * draws the same arrivals, so it completes exactly as many requests. */
    struct vs_guest_spec *b = add_guest(sc, "b", 1, 1);
    cpu_workload(&b->workload, "b", 50e3);
    b->workload.load = g->workload.load;
    run_one(sc, &r3);
    assert_int_equal(r1.groups[0].completed, r3.groups[0].completed);
    vs_run_result_free(&r1);
    vs_run_result_free(&r2);
    vs_run_result_free(&r3);
    free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_batch_completion_time),
        cmocka_unit_test(test_open_load_throughput),
        cmocka_unit_test(test_open_load_queueing),
        cmocka_unit_test(test_closed_loop_littles_law),
        cmocka_unit_test(test_native_categories),
        cmocka_unit_test(test_memory_admission),
        cmocka_unit_test(test_disk_on_request_path),
        cmocka_unit_test(test_overload_drops),
        cmocka_unit_test(test_event_limit),
        cmocka_unit_test(test_determinism_and_streams),
    };
    return cmocka_run_group_tests_name("sim", tests, NULL, NULL);
}
