/* Tests of the disk: an SSD with exponential latency fed Poisson arrivals is
 * an M/M/1 queue, whose mean response time 1/(mu - lambda) is known exactly;
 * an HDD's mean service is seek + half a turn + transfer; flash parallelism
 * serves requests side by side. */
#include "testutil.h"

#include <stdlib.h>

#include "virtsim/host/disk.h"
#include "virtsim/core/error.h"
#include "virtsim/core/event.h"
#include "virtsim/core/rng.h"

#ifndef MM1_SEED
#define MM1_SEED 20240601u
#endif

struct mm1 {
    struct vs_event_queue *q;
    struct vs_disk *disk;
    struct vs_rng arrivals;
    double mean_interarrival_ns;
    uint64_t to_issue;
    uint64_t done;
    double response_sum_ns;
};

static void on_io_done(void *ctx, uint64_t arg, vs_time_ns response_ns)
{
    (void)arg;
    struct mm1 *m = ctx;
    m->done++;
    m->response_sum_ns += (double)response_ns;
}

static void on_arrival(void *ctx, uint64_t arg)
{
    (void)arg;
    struct mm1 *m = ctx;
    assert_int_equal(vs_disk_submit(m->disk, 0, false, 4096, on_io_done, m, 0), VS_OK);
    if (--m->to_issue == 0) return;
    struct vs_dist gap = {VS_DIST_EXPONENTIAL, m->mean_interarrival_ns, 0};
    vs_time_ns next = vs_event_now(m->q) + (vs_time_ns)floor(vs_dist_sample(&gap, &m->arrivals) + 0.5);
    assert_int_equal(vs_event_schedule(m->q, next, on_arrival, m, 0, NULL), VS_OK);
}

/* Runs n customers through an M/M/1 disk at utilisation rho; returns the
 * mean response time measured by the callbacks and fills the station's view. */
static double run_mm1(double rho, uint64_t n, uint64_t seed, struct vs_station_stats *st)
{
    const double service_ns = 1e6; /* 1/mu = 1 ms */
    struct vs_disk_spec spec = {
        .device_class = VS_DISK_SSD,
        .read_latency_ns = (vs_time_ns)service_ns,
        .write_latency_ns = (vs_time_ns)service_ns,
        .latency_dist = VS_DIST_EXPONENTIAL,
        .parallelism = 1,
        .bandwidth_bytes_per_s = 0,
    };
    struct mm1 m = {0};
    m.q = vs_event_queue_create(64);
    assert_non_null(m.q);
    m.disk = vs_disk_create(&spec, m.q, seed, 1);
    assert_non_null(m.disk);
    vs_rng_seed_stream(&m.arrivals, seed, "arrivals");
    m.mean_interarrival_ns = service_ns / rho;
    m.to_issue = n;
    assert_int_equal(vs_event_schedule(m.q, 0, on_arrival, &m, 0, NULL), VS_OK);
    while (vs_event_step(m.q)) {
    }
    assert_int_equal(m.done, n);
    vs_station_get_stats(vs_disk_station_const(m.disk), st);
    vs_disk_destroy(m.disk);
    vs_event_queue_destroy(m.q);
    return m.response_sum_ns / (double)n;
}

static void check_mm1(double rho, uint64_t n)
{
    struct vs_station_stats st;
    double mean = run_mm1(rho, n, MM1_SEED, &st);
    double expected = 1e6 / (1.0 - rho); /* 1/(mu - lambda) */
    print_message("M/M/1 rho=%.2f: mean response %.1f us, expected %.1f us (%+.2f %%), "
                  "utilisation %.4f\n",
                  rho, mean / 1e3, expected / 1e3, 100.0 * (mean - expected) / expected,
                  st.utilisation);
    assert_within_rel(mean, expected, 0.03);
    assert_within_rel(st.mean_response_ns, mean, 1e-9);
    assert_int_equal(st.completed, n);
    assert_within_rel(st.utilisation, rho, 0.01);
    /* Little's law for the waiting line: Lq = lambda * Wq = rho^2 / (1 - rho). */
    assert_within_rel(st.queue_mean, rho * rho / (1.0 - rho), 0.05);
}

static void test_mm1_half_load(void **state)
{
    (void)state;
    check_mm1(0.5, 1000000);
}

static void test_mm1_heavy_load(void **state)
{
    (void)state;
    check_mm1(0.8, 4000000);
}

/* Same seed, same figures, bit for bit. */
static void test_mm1_deterministic(void **state)
{
    (void)state;
    struct vs_station_stats a, b;
    double ma = run_mm1(0.7, 20000, 7, &a);
    double mb = run_mm1(0.7, 20000, 7, &b);
    assert_true(ma == mb);
    assert_true(a.utilisation == b.utilisation && a.queue_mean == b.queue_mean);
    double mc = run_mm1(0.7, 20000, 8, &b);
    assert_true(ma != mc);
}

struct serial {
    struct vs_event_queue *q;
    struct vs_disk *disk;
    bool write;
    uint64_t bytes;
    uint64_t left;
};

static void on_serial_done(void *ctx, uint64_t arg, vs_time_ns response_ns)
{
    (void)arg;
    (void)response_ns;
    struct serial *s = ctx;
    if (--s->left > 0)
        assert_int_equal(vs_disk_submit(s->disk, 0, s->write, s->bytes, on_serial_done, s, 0), VS_OK);
}

/* Mean service time of one request at a time, n requests back to back. */
static double mean_service_ns(const struct vs_disk_spec *spec, bool write, uint64_t bytes, uint64_t n,
                              uint32_t servers)
{
    struct serial s = {.write = write, .bytes = bytes, .left = n};
    s.q = vs_event_queue_create(16);
    s.disk = vs_disk_create(spec, s.q, 99, 1);
    assert_non_null(s.disk);
    assert_int_equal(vs_disk_submit(s.disk, 0, write, bytes, on_serial_done, &s, 0), VS_OK);
    while (vs_event_step(s.q)) {
    }
    double mean = (double)vs_event_now(s.q) / (double)n;
    struct vs_station_stats st;
    vs_station_get_stats(vs_disk_station_const(s.disk), &st);
    assert_int_equal(st.completed, n);
    /* One request at a time keeps one server always busy. */
    assert_within_rel(st.utilisation, 1.0 / servers, 1e-12);
    vs_disk_destroy(s.disk);
    vs_event_queue_destroy(s.q);
    return mean;
}

static void test_hdd_service_mean(void **state)
{
    (void)state;
    struct vs_disk_spec spec = {
        .device_class = VS_DISK_HDD,
        .seek_ns = 4 * VS_NS_PER_MS,
        .rpm = 7200,
        .latency_dist = VS_DIST_EXPONENTIAL,
        .parallelism = 8, /* ignored: one head */
        .bandwidth_bytes_per_s = 150e6,
    };
    const uint64_t bytes = 65536;
    double half_turn_ns = 0.5 * 60e9 / 7200; /* 4.1667 ms */
    double transfer_ns = (double)bytes * 1e9 / 150e6;
    double expected = 4e6 + half_turn_ns + transfer_ns;
    double mean = mean_service_ns(&spec, false, bytes, 200000, 1);
    print_message("HDD mean service %.1f us, expected %.1f us\n", mean / 1e3, expected / 1e3);
    assert_within_rel(mean, expected, 0.01);

    /* With a constant seek and no transfer, only the rotation varies. */
    spec.latency_dist = VS_DIST_CONSTANT;
    spec.bandwidth_bytes_per_s = 0;
    mean = mean_service_ns(&spec, true, bytes, 100000, 1);
    assert_within_rel(mean, 4e6 + half_turn_ns, 0.005);

    /* Every other distribution shape keeps the mean. */
    const enum vs_dist_kind kinds[] = {VS_DIST_UNIFORM, VS_DIST_NORMAL, VS_DIST_LOGNORMAL};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        spec.latency_dist = kinds[k];
        spec.rpm = 0;
        mean = mean_service_ns(&spec, false, bytes, 100000, 1);
        assert_within_rel(mean, 4e6, 0.01);
    }
}

/* Flash: read and write latencies differ; transfer runs at bandwidth /
 * parallelism; `parallelism` simultaneous requests finish together and one
 * more waits. */
static void test_ssd_parallelism(void **state)
{
    (void)state;
    struct vs_disk_spec spec = {
        .device_class = VS_DISK_NVME,
        .read_latency_ns = 80000,
        .write_latency_ns = 20000,
        .latency_dist = VS_DIST_CONSTANT,
        .parallelism = 4,
        .bandwidth_bytes_per_s = 4e9,
    };
    /* 1 MB at 1 GB/s per slot = 1 ms. */
    const uint64_t bytes = 1000000;
    assert_within_rel(mean_service_ns(&spec, false, bytes, 10, 4), 80000 + 1e6, 0);
    assert_within_rel(mean_service_ns(&spec, true, bytes, 10, 4), 20000 + 1e6, 0);

    struct vs_event_queue *q = vs_event_queue_create(16);
    struct vs_disk *d = vs_disk_create(&spec, q, 1, 2);
    for (int i = 0; i < 5; i++)
        assert_int_equal(vs_disk_submit(d, (uint32_t)(i % 2), false, bytes, NULL, NULL, 0), VS_OK);
    vs_event_run_until(q, 1080000);
    struct vs_station_stats st;
    vs_station_get_stats(vs_disk_station_const(d), &st);
    assert_int_equal(st.completed, 4);
    while (vs_event_step(q)) {
    }
    assert_int_equal(vs_event_now(q), 2 * 1080000);
    struct vs_station_guest_stats g0, g1;
    vs_station_get_guest_stats(vs_disk_station_const(d), 0, &g0);
    vs_station_get_guest_stats(vs_disk_station_const(d), 1, &g1);
    assert_int_equal(g0.completed, 3);
    assert_int_equal(g1.completed, 2);
    assert_int_equal(g0.bytes, 3 * bytes);
    assert_within_rel(g1.busy_ns, 2 * 1080000.0, 0);
    vs_disk_destroy(d);
    vs_event_queue_destroy(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mm1_half_load),
        cmocka_unit_test(test_mm1_heavy_load),
        cmocka_unit_test(test_mm1_deterministic),
        cmocka_unit_test(test_hdd_service_mean),
        cmocka_unit_test(test_ssd_parallelism),
    };
    return cmocka_run_group_tests_name("disk", tests, NULL, NULL);
}
