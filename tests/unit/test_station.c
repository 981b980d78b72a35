/* Tests of the service station (FIFO, k servers, statistics) and of the NIC
 * built on it: completion times that follow exactly from the service times. */
#include "testutil.h"

#include <stdlib.h>

#include "virtsim/core/error.h"
#include "virtsim/core/event.h"
#include "virtsim/host/nic.h"
#include "virtsim/host/station.h"

#define MAX_DONE 64

struct record {
    int n;
    vs_time_ns at[MAX_DONE];
    vs_time_ns response[MAX_DONE];
    uint64_t arg[MAX_DONE];
    struct vs_event_queue *q;
};

static void on_done(void *ctx, uint64_t arg, vs_time_ns response_ns)
{
    struct record *r = ctx;
    assert_true(r->n < MAX_DONE);
    r->at[r->n] = vs_event_now(r->q);
    r->response[r->n] = response_ns;
    r->arg[r->n] = arg;
    r->n++;
}

static void run_all(struct vs_event_queue *q)
{
    while (vs_event_step(q)) {
    }
}

/* k simultaneous requests on k servers all finish together; the (k+1)th
 * waits for a whole service time, and the queue statistics see it. */
static void test_k_servers(void **state)
{
    (void)state;
    const uint32_t k = 4;
    const vs_time_ns service = 1000;
    struct vs_event_queue *q = vs_event_queue_create(16);
    struct vs_station *s = vs_station_create(q, k, 2);
    assert_non_null(s);
    struct record rec = {.q = q};
    for (uint32_t i = 0; i < k; i++)
        assert_int_equal(vs_station_submit(s, 0, service, 100, on_done, &rec, i), VS_OK);
    run_all(q);
    assert_int_equal(rec.n, (int)k);
    for (uint32_t i = 0; i < k; i++) {
        assert_int_equal(rec.at[i], service);
        assert_int_equal(rec.response[i], service);
    }

    /* Now k+1 at once (time 1000): one waits. */
    rec.n = 0;
    for (uint32_t i = 0; i <= k; i++)
        assert_int_equal(vs_station_submit(s, i == k ? 1 : 0, service, 10, on_done, &rec, i), VS_OK);
    run_all(q);
    assert_int_equal(rec.n, (int)k + 1);
    for (uint32_t i = 0; i < k; i++) assert_int_equal(rec.at[i], 2 * service);
    assert_int_equal(rec.at[k], 3 * service);
    assert_int_equal(rec.response[k], 2 * service);
    assert_int_equal(rec.arg[k], k); /* FIFO: the last submitted is the one that waited */

    struct vs_station_stats st;
    vs_station_get_stats(s, &st);
    assert_int_equal(st.completed, 2 * k + 1);
    assert_int_equal(st.window_ns, 3 * service);
    /* Busy server-time: k*1000 + k*1000 + 1000 over 3000 ns of 4 servers. */
    assert_within_rel(st.utilisation, (double)(2 * k + 1) * service / (3.0 * service * k), 1e-12);
    /* One request waited 1000 ns out of 3000. */
    assert_within_rel(st.queue_mean, 1.0 / 3.0, 1e-12);
    assert_within_rel(st.queue_max, 1.0, 0);
    assert_within_rel(st.mean_response_ns, (2.0 * k * service + 2.0 * service) / (2 * k + 1), 1e-12);

    struct vs_station_guest_stats g0, g1;
    vs_station_get_guest_stats(s, 0, &g0);
    vs_station_get_guest_stats(s, 1, &g1);
    assert_int_equal(g0.completed, 2 * k);
    assert_int_equal(g0.bytes, k * 100 + k * 10);
    assert_within_rel(g0.busy_ns, 2.0 * k * service, 0);
    assert_int_equal(g1.completed, 1);
    assert_within_rel(g1.busy_ns, (double)service, 0);

    /* Bad input is refused, not crashed on. */
    assert_int_equal(vs_station_submit(s, 2, service, 0, NULL, NULL, 0), VS_ERR_INPUT);
    assert_int_equal(vs_station_submit(s, 0, -1, 0, NULL, NULL, 0), VS_ERR_INPUT);
    vs_station_destroy(s);
    vs_event_queue_destroy(q);
}

/* A long queue grows the ring buffer and stays FIFO; a reset in the middle of
 * a service splits its busy time at the reset instant. */
static void test_fifo_growth_and_reset(void **state)
{
    (void)state;
    struct vs_event_queue *q = vs_event_queue_create(16);
    struct vs_station *s = vs_station_create(q, 1, 1);
    assert_non_null(s);
    struct record rec = {.q = q};
    const int n = 50;
    for (int i = 0; i < n; i++)
        assert_int_equal(vs_station_submit(s, 0, 100, 1, on_done, &rec, (uint64_t)i), VS_OK);
    struct vs_station_stats st;
    vs_station_get_stats(s, &st);
    assert_within_rel(st.queue_max, n - 1, 0);

    vs_event_run_until(q, 250); /* two done, the third half served */
    vs_station_reset_stats(s);
    run_all(q);
    assert_int_equal(rec.n, n);
    for (int i = 0; i < n; i++) {
        assert_int_equal(rec.arg[i], (uint64_t)i);
        assert_int_equal(rec.at[i], 100 * (i + 1));
    }
    vs_station_get_stats(s, &st);
    assert_int_equal(st.completed, n - 2);
    assert_within_rel(st.window_ns, 100.0 * n - 250, 0);
    assert_within_rel(st.utilisation, 1.0, 1e-12);
    struct vs_station_guest_stats g;
    vs_station_get_guest_stats(s, 0, &g);
    assert_within_rel(g.busy_ns, 100.0 * n - 250, 0);
    /* The waiting count at reset (47) is the new window's maximum. */
    assert_within_rel(st.queue_max, n - 3, 0);
    vs_station_destroy(s);
    vs_event_queue_destroy(q);
}

/* Busy time of a request still in service is counted up to now. */
static void test_partial_service(void **state)
{
    (void)state;
    struct vs_event_queue *q = vs_event_queue_create(16);
    struct vs_station *s = vs_station_create(q, 2, 1);
    assert_int_equal(vs_station_submit(s, 0, 1000, 0, NULL, NULL, 0), VS_OK);
    vs_event_run_until(q, 400);
    struct vs_station_guest_stats g;
    vs_station_get_guest_stats(s, 0, &g);
    assert_within_rel(g.busy_ns, 400, 0);
    struct vs_station_stats st;
    vs_station_get_stats(s, &st);
    assert_within_rel(st.utilisation, 0.5, 1e-12);
    assert_int_equal(st.completed, 0);
    vs_station_destroy(s);
    vs_event_queue_destroy(q);
}

/* A packet arrives after its transmission time plus the latency, exactly;
 * the latency does not occupy the link, so back-to-back packets are spaced by
 * the transmission time only. The two directions do not contend. */
static void test_nic_timing(void **state)
{
    (void)state;
    struct vs_event_queue *q = vs_event_queue_create(16);
    struct vs_nic_spec spec = {.bandwidth_bits_per_s = 1e9, .latency_ns = 50000, .overhead_bytes = 24};
    struct vs_nic *n = vs_nic_create(&spec, q, 2);
    assert_non_null(n);
    struct record rec = {.q = q};
    /* (1000 + 24) bytes * 8 bits at 1 Gbit/s = 8192 ns. */
    const vs_time_ns tx = 8192, lat = 50000;
    assert_int_equal(vs_nic_submit(n, VS_NIC_TX, 0, 1000, on_done, &rec, 1), VS_OK);
    assert_int_equal(vs_nic_submit(n, VS_NIC_TX, 1, 1000, on_done, &rec, 2), VS_OK);
    assert_int_equal(vs_nic_submit(n, VS_NIC_RX, 0, 1000, on_done, &rec, 3), VS_OK);
    run_all(q);
    assert_int_equal(rec.n, 3);
    /* RX and TX's first packet finish together; RX was submitted last but
     * its event comes in FIFO order of scheduling. */
    for (int i = 0; i < 3; i++) {
        if (rec.arg[i] == 2) {
            assert_int_equal(rec.at[i], 2 * tx + lat);
            assert_int_equal(rec.response[i], 2 * tx + lat);
        } else {
            assert_int_equal(rec.at[i], tx + lat);
            assert_int_equal(rec.response[i], tx + lat);
        }
    }
    struct vs_station_stats st;
    vs_station_get_stats(vs_nic_station_const(n, VS_NIC_TX), &st);
    assert_int_equal(st.completed, 2);
    assert_within_rel(st.utilisation, 2.0 * tx / (2.0 * tx + lat), 1e-12);
    struct vs_station_guest_stats g;
    vs_station_get_guest_stats(vs_nic_station_const(n, VS_NIC_RX), 0, &g);
    assert_int_equal(g.completed, 1);
    assert_int_equal(g.bytes, 1000);

    /* Many packets in flight at once grow the pool; all arrive. */
    rec.n = 0;
    vs_time_ns t0 = vs_event_now(q);
    for (int i = 0; i < MAX_DONE; i++)
        assert_int_equal(vs_nic_submit(n, VS_NIC_RX, 1, 1000, on_done, &rec, (uint64_t)i), VS_OK);
    assert_int_equal(vs_nic_submit(n, VS_NIC_RX, 1, 1000, NULL, NULL, 0), VS_OK);
    run_all(q);
    assert_int_equal(rec.n, MAX_DONE);
    for (int i = 0; i < MAX_DONE; i++) assert_int_equal(rec.at[i], t0 + (i + 1) * tx + lat);
    vs_nic_destroy(n);
    vs_event_queue_destroy(q);
}

/* Destroying a station or NIC with work in flight cancels its events. */
/* A burst of n packets finishes exactly when the last of n separate packets
 * does, queued behind earlier traffic and ahead of later traffic, and the
 * link is as busy either way. */
static void test_nic_burst_equals_packets(void **state)
{
    (void)state;
    struct vs_nic_spec spec = {.bandwidth_bits_per_s = 1e9, .latency_ns = 30000, .overhead_bytes = 38};
    vs_time_ns last[2], other[2];
    double busy[2];
    for (int burst = 0; burst < 2; burst++) {
        struct vs_event_queue *q = vs_event_queue_create(64);
        struct vs_nic *n = vs_nic_create(&spec, q, 3);
        struct record rec = {.q = q};
        /* Earlier traffic from guest 2, then guest 0's seven packets of
         * 1461 bytes (1499 with framing: 11992 ns each), then guest 1's. */
        assert_int_equal(vs_nic_submit(n, VS_NIC_TX, 2, 9000, on_done, &rec, 100), VS_OK);
        if (burst) {
            assert_int_equal(vs_nic_submit_burst(n, VS_NIC_TX, 0, 7, 1461, on_done, &rec, 7), VS_OK);
        } else {
            for (uint64_t k = 1; k <= 7; k++)
                assert_int_equal(vs_nic_submit(n, VS_NIC_TX, 0, 1461, on_done, &rec, k), VS_OK);
        }
        assert_int_equal(vs_nic_submit(n, VS_NIC_TX, 1, 500, on_done, &rec, 200), VS_OK);
        vs_event_run_until(q, VS_NS_PER_S);
        for (int i = 0; i < rec.n; i++) {
            if (rec.arg[i] == 7) last[burst] = rec.at[i];
            if (rec.arg[i] == 200) other[burst] = rec.at[i];
        }
        assert_int_equal(rec.n, burst ? 3 : 9);
        struct vs_station_guest_stats g;
        vs_station_get_guest_stats(vs_nic_station_const(n, VS_NIC_TX), 0, &g);
        busy[burst] = g.busy_ns;
        assert_int_equal(g.bytes, 7 * 1461);
        vs_nic_destroy(n);
        vs_event_queue_destroy(q);
    }
    /* 9038 B at 1 Gbit/s = 72304 ns, then 7 x 11992 ns, then 30 us of latency. */
    assert_true(last[0] == 72304 + 7 * 11992 + 30000);
    assert_true(last[1] == last[0]);
    assert_true(other[1] == other[0]);
    assert_true(busy[1] == busy[0]);
}

static void test_destroy_in_flight(void **state)
{
    (void)state;
    struct vs_event_queue *q = vs_event_queue_create(16);
    struct vs_station *s = vs_station_create(q, 1, 1);
    struct vs_nic_spec spec = {.bandwidth_bits_per_s = 1e6, .latency_ns = 10, .overhead_bytes = 0};
    struct vs_nic *n = vs_nic_create(&spec, q, 1);
    struct record rec = {.q = q};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(vs_station_submit(s, 0, 100, 0, on_done, &rec, 0), VS_OK);
        assert_int_equal(vs_nic_submit(n, VS_NIC_TX, 0, 1, on_done, &rec, 0), VS_OK);
    }
    vs_event_run_until(q, 8005); /* the first packet has left the link and is in its latency */
    vs_station_destroy(s);
    vs_nic_destroy(n);
    int before = rec.n;
    run_all(q);
    assert_int_equal(rec.n, before);
    assert_int_equal(vs_event_pending(q), 0);
    vs_event_queue_destroy(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_k_servers),
        cmocka_unit_test(test_fifo_growth_and_reset),
        cmocka_unit_test(test_partial_service),
        cmocka_unit_test(test_nic_timing),
        cmocka_unit_test(test_nic_burst_equals_packets),
        cmocka_unit_test(test_destroy_in_flight),
    };
    return cmocka_run_group_tests_name("station", tests, NULL, NULL);
}
