/* The page cache, write-back and the device write cache, checked by what a
 * simulation does with them:
 * - reads of a workload with a file set hit a page cache with probability
 *   min(1, cache / file set): the disk sees the misses only;
 * - a VM reads from its own (small) cache, a container from the host's free
 *   memory: the VM misses more, so it does more disk I/O per request;
 * - merged write-back sends fewer, larger device requests than writes, and
 *   the same bytes;
 * - a sync write acknowledged by a device write cache completes faster than
 *   one that waits for the media, and a full cache falls back to the media;
 * - without a file set every read goes to the disk, as before;
 * - measured alone (microbench), a hit takes no VM exit and is far faster
 *   than a miss under a VMM whose misses exit. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>

#include "virtsim/model/engine.h"
#include "virtsim/load/config.h"
#include "virtsim/run/microbench.h"
#include "virtsim/run/sim.h"

#define MIB (1024.0 * 1024.0)
#define FOOTPRINT (64 * MIB)

static struct vs_scenario *scenario(vs_time_ns duration)
{
    struct vs_scenario *sc = calloc(1, sizeof *sc);
    assert_non_null(sc);
    snprintf(sc->name, sizeof sc->name, "pagecache");
    struct vs_host_spec *h = &sc->hosts[0].spec;
    vs_host_spec_defaults(h);
    h->cpu.cores = 4;
    h->memory_bytes = 8192 * MIB;
    h->host_reserved_bytes = 0;
    sc->duration_ns = duration;
    sc->warmup_ns = 0;
    sc->seed = 7;
    sc->n_engines = 1;
    snprintf(sc->engines[0], sizeof sc->engines[0], "native");
    sc->max_events = 100000000;
    return sc;
}

/* One guest whose requests are a little CPU and `reads` 4 KiB disk reads. */
static struct vs_guest_spec *reader(struct vs_scenario *sc, double reads, double file_set_bytes)
{
    struct vs_guest_spec *g = &sc->guests[sc->n_guests++];
    memset(g, 0, sizeof *g);
    snprintf(g->name, sizeof g->name, "db");
    g->count = 1;
    g->vcpus = 1;
    g->weight = 256;
    g->queue_limit = VS_DEFAULT_QUEUE_LIMIT;
    struct vs_workload *w = &g->workload;
    snprintf(w->name, sizeof w->name, "reader");
    w->request.instructions = (struct vs_dist){VS_DIST_CONSTANT, 10000, 0};
    w->request.cpi = 1.0;
    w->request.count[VS_OP_DISK_READ] = reads;
    w->request.disk_read_bytes = 4096;
    w->request.disk_write_bytes = 4096;
    w->memory.footprint_bytes = FOOTPRINT;
    w->memory.working_set_bytes = FOOTPRINT;
    w->memory.file_set_bytes = file_set_bytes;
    w->load.kind = VS_LOAD_BATCH;
    w->load.total = 4000;
    return g;
}

static void run_one(const struct vs_scenario *sc, const char *engine, struct vs_run_result *out)
{
    struct vs_sim *s = NULL;
    struct vs_error e;
    vs_error_clear(&e);
    int rc = vs_sim_create(sc, engine, sc->seed, &s, &e);
    if (rc != VS_OK) print_error("%s\n", e.message);
    assert_int_equal(rc, VS_OK);
    rc = vs_sim_advance(s, sc->duration_ns, &e);
    if (rc != VS_OK) print_error("%s\n", e.message);
    assert_int_equal(rc, VS_OK);
    assert_int_equal(vs_sim_snapshot(s, out, &e), VS_OK);
    vs_sim_destroy(s);
}

static double disk_ops_per_request(const struct vs_run_result *r)
{
    assert_true(r->groups[0].completed > 0);
    return (double)r->groups[0].disk_ops / (double)r->groups[0].completed;
}

/* Natively the cache is the host's free memory: 256 MiB left after the
 * application's footprint, for a 1 GiB file set, so a quarter of the reads
 * hit. 16,000 reads: the hit fraction's standard error is 0.34 % of reads. */
static void test_hit_rate_follows_cache_over_file_set(void **state)
{
    (void)state;
    struct vs_scenario *sc = scenario(60 * VS_NS_PER_S);
    sc->hosts[0].spec.memory_bytes = FOOTPRINT + 256 * MIB;
    reader(sc, 4, 1024 * MIB);
    struct vs_run_result r;
    run_one(sc, "native", &r);
    assert_int_equal(r.groups[0].completed, 4000);
    double reads = 4.0 * (double)r.groups[0].completed;
    assert_within_rel(r.groups[0].events[VS_EVT_PAGE_CACHE_HIT] / reads, 0.25, 0.05);
    assert_within_rel(disk_ops_per_request(&r), 4 * 0.75, 0.03);
    /* Every read is either a hit or a device request (the statistics
     * window opens while the first request is in flight: a read or two). */
    assert_within_rel(r.groups[0].events[VS_EVT_PAGE_CACHE_HIT] + (double)r.groups[0].disk_ops, reads, 1e-3);
    vs_run_result_free(&r);
    free(sc);
}

/* A 512 MiB file set: the container's host cache (GiBs free) holds all of
 * it; the VM's own cache holds 64 MiB of it (an eighth), so the VM sends
 * 7/8 of its reads to the disk and the container none. */
static void test_vm_cache_smaller_than_host_cache(void **state)
{
    (void)state;
    struct vs_scenario *sc = scenario(120 * VS_NS_PER_S);
    sc->hosts[0].spec.costs.value[VS_COST_GUEST_PAGE_CACHE_BYTES] = 64 * MIB;
    reader(sc, 4, 512 * MIB);
    struct vs_run_result ct, vm;
    run_one(sc, "lxc", &ct);
    run_one(sc, "kvm", &vm);
    assert_int_equal(ct.groups[0].completed, 4000);
    assert_int_equal(vm.groups[0].completed, 4000);
    double ct_ops = disk_ops_per_request(&ct), vm_ops = disk_ops_per_request(&vm);
    assert_true(ct_ops < vm_ops);
    assert_within_rel(ct_ops + 1.0, 1.0, 1e-9); /* every read hits */
    assert_within_rel(vm_ops, 4 * 0.875, 0.03);
    /* The hits cost the VM no exits: its exits per request are those of its
     * misses, the same per disk request as with no cache at all. */
    struct vs_scenario *nc = scenario(120 * VS_NS_PER_S);
    nc->hosts[0].spec.costs.value[VS_COST_GUEST_PAGE_CACHE_BYTES] = 64 * MIB;
    reader(nc, 4, 0);
    struct vs_run_result cold;
    run_one(nc, "kvm", &cold);
    double exits_per_io_cached = vm.groups[0].events[VS_EVT_VMEXIT] / (double)vm.groups[0].disk_ops;
    double exits_per_io_cold = cold.groups[0].events[VS_EVT_VMEXIT] / (double)cold.groups[0].disk_ops;
    assert_within_rel(exits_per_io_cached, exits_per_io_cold, 0.05);
    vs_run_result_free(&ct);
    vs_run_result_free(&vm);
    vs_run_result_free(&cold);
    free(sc);
    free(nc);
}

/* Four 4 KiB write-back writes per request, 200 requests a second for 20 s:
 * unmerged, 16,000 device writes; merged into 256 KiB requests, 16,000 x
 * 4 KiB / 256 KiB = 250 plus the last partial flush, carrying the same bytes. */
static void test_merged_write_back(void **state)
{
    (void)state;
    uint64_t ops[2], bytes[2];
    for (int merged = 0; merged < 2; merged++) {
        struct vs_scenario *sc = scenario(21 * VS_NS_PER_S);
        if (merged) {
            sc->hosts[0].spec.disk.writeback_merge_bytes = 256 * 1024;
            sc->hosts[0].spec.disk.writeback_interval_ns = VS_NS_PER_S;
        }
        struct vs_guest_spec *g = reader(sc, 0, 0);
        g->workload.request.count[VS_OP_DISK_WRITE] = 4;
        g->workload.request.disk_sync = false;
        g->workload.load.kind = VS_LOAD_OPEN;
        g->workload.load.rate_per_s = 200;
        g->workload.load.arrivals = VS_DIST_CONSTANT;
        struct vs_run_result r;
        run_one(sc, "native", &r);
        ops[merged] = r.groups[0].disk_ops;
        bytes[merged] = r.groups[0].disk_bytes;
        vs_run_result_free(&r);
        free(sc);
    }
    assert_true(ops[0] >= 16000);
    assert_true(ops[1] * 40 < ops[0]);
    assert_true(ops[1] >= 250);
    /* At most one flush interval of data (200 x 4 x 4 KiB) is still dirty. */
    assert_true(bytes[1] <= bytes[0]);
    assert_true((double)bytes[1] >= (double)bytes[0] - 200.0 * 4 * 4096 - 256 * 1024);
}

/* One sync 4 KiB write per request on a hard disk (one request at a time,
 * ~4 ms seek + ~4 ms rotation): with a 16 MiB write cache each write is
 * acknowledged after the cache's latency; with a cache of one write the
 * cache is full while the media writes, so every other write waits for the
 * media (behind the cached one): on average no faster than no cache. */
static double sync_write_mean_ns(double cache_bytes)
{
    struct vs_scenario *sc = scenario(60 * VS_NS_PER_S);
    struct vs_disk_spec *d = &sc->hosts[0].spec.disk;
    d->device_class = VS_DISK_HDD;
    d->bandwidth_bytes_per_s = 100 * MIB;
    d->write_cache_bytes = cache_bytes;
    d->write_cache_latency_ns = 50 * VS_NS_PER_US;
    struct vs_guest_spec *g = reader(sc, 0, 0);
    g->workload.request.count[VS_OP_DISK_WRITE] = 1;
    g->workload.request.disk_sync = true;
    g->workload.load.total = 1000;
    struct vs_run_result r;
    run_one(sc, "native", &r);
    assert_int_equal(r.groups[0].completed, 1000);
    /* The media writes every request in all three cases. */
    assert_int_equal(r.groups[0].disk_ops, 1000);
    double mean = r.groups[0].latency.mean_ns;
    vs_run_result_free(&r);
    free(sc);
    return mean;
}

static void test_write_cache_sync_write(void **state)
{
    (void)state;
    double none = sync_write_mean_ns(0), cached = sync_write_mean_ns(16 * MIB),
           full = sync_write_mean_ns(4096);
    assert_true(none > 4 * VS_NS_PER_MS);
    assert_true(cached < 200 * VS_NS_PER_US);
    assert_true(cached * 10 < none);
    assert_true(full > 0.75 * none);
}

/* Without a file set nothing hits, however much cache there is: every read
 * is a device request and the runs of an engine with and without a host
 * cache are the same. */
static void test_no_file_set_every_read_misses(void **state)
{
    (void)state;
    struct vs_scenario *sc = scenario(60 * VS_NS_PER_S);
    reader(sc, 4, 0);
    struct vs_run_result r;
    run_one(sc, "lxc", &r);
    assert_int_equal(r.groups[0].completed, 4000);
    assert_int_equal(r.groups[0].disk_ops, 4 * r.groups[0].completed);
    assert_true(r.groups[0].events[VS_EVT_PAGE_CACHE_HIT] == 0);
    vs_run_result_free(&r);
    free(sc);
}

/* The new keys load with their units, default to "off", and bad values are
 * refused with the key named. */
static void test_keys_load(void **state)
{
    (void)state;
    struct vs_error e;
    struct vs_workload w;
    const char *wy = "name: w\nload: {kind: closed, clients: 1}\nrequest: {instructions: 1k}\n"
                     "memory: {footprint: 64MiB, file_set: 2GiB}\n";
    assert_int_equal(vs_config_load_workload(wy, strlen(wy), "w.yaml", &w, &e), VS_OK);
    assert_true(w.memory.file_set_bytes == 2048 * MIB);
    const char *w0 = "name: w\nload: {kind: closed, clients: 1}\nrequest: {instructions: 1k}\n"
                     "memory: {footprint: 64MiB}\n";
    assert_int_equal(vs_config_load_workload(w0, strlen(w0), "w.yaml", &w, &e), VS_OK);
    assert_true(w.memory.file_set_bytes == 0);
    struct vs_host_spec h;
    const char *hy = "name: h\ndisk: {class: hdd, write_cache: 8MiB, write_cache_latency: 40us,\n"
                     "  writeback_merge: 512KiB, writeback_interval: 1s}\n";
    assert_int_equal(vs_config_load_host(hy, strlen(hy), "h.yaml", &h, &e), VS_OK);
    assert_true(h.disk.write_cache_bytes == 8 * MIB);
    assert_int_equal(h.disk.write_cache_latency_ns, 40 * VS_NS_PER_US);
    assert_true(h.disk.writeback_merge_bytes == 512 * 1024);
    assert_int_equal(h.disk.writeback_interval_ns, VS_NS_PER_S);
    const char *h0 = "name: h\n";
    assert_int_equal(vs_config_load_host(h0, strlen(h0), "h.yaml", &h, &e), VS_OK);
    assert_true(h.disk.write_cache_bytes == 0 && h.disk.writeback_merge_bytes == 0);
    const char *bad = "name: h\ndisk: {write_cache: 5ms}\n";
    assert_int_equal(vs_config_load_host(bad, strlen(bad), "h.yaml", &h, &e), VS_ERR_INPUT);
    assert_non_null(strstr(e.message, "write_cache"));
}

static void test_microbench_hit_has_no_io_path(void **state)
{
    (void)state;
    struct vs_host_spec h;
    struct vs_error err = {0};
    assert_int_equal(vs_config_resolve_host("vtx-2006", NULL, &h, &err), VS_OK);
    struct vs_mb_cell hit, miss;
    assert_int_equal(vs_microbench_measure(&h, "hvm-shadow", VS_MB_DISK_READ_HIT, 1, &hit, NULL, &err), VS_OK);
    assert_int_equal(vs_microbench_measure(&h, "hvm-shadow", VS_MB_DISK_READ, 1, &miss, NULL, &err), VS_OK);
    assert_true(miss.vmexits > 1);
    assert_true(fabs(hit.vmexits) < 1e-9);
    assert_true(hit.latency_us > 0);
    assert_true(hit.latency_us * 100 < miss.latency_us);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hit_rate_follows_cache_over_file_set),
        cmocka_unit_test(test_vm_cache_smaller_than_host_cache),
        cmocka_unit_test(test_merged_write_back),
        cmocka_unit_test(test_write_cache_sync_write),
        cmocka_unit_test(test_no_file_set_every_read_misses),
        cmocka_unit_test(test_microbench_hit_has_no_io_path),
        cmocka_unit_test(test_keys_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
