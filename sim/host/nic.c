/* The host's network interface (see nic.h).
 *
 * A link is full duplex, so receiving and sending do not contend: each
 * direction is its own one-server station whose service time is the time to
 * put the packet's bits on the wire. The per-packet latency (propagation,
 * switches) is pure delay that does not occupy the link, so it is an event
 * after the station, not part of the service time; otherwise a long latency
 * would wrongly cap the packet rate.
 *
 * Packets in their latency phase are kept in a free-listed pool addressed by
 * index, so growing the pool never invalidates a pending event's argument. */
#include "virtsim/host/nic.h"
#include "virtsim/core/budget.h"
#include "virtsim/core/error.h"
#include "virtsim/host/throttle.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#define NO_PACKET UINT32_MAX
#define MAX_TRANSMIT_NS 4.6e18

struct packet {
    vs_io_done_fn done;
    void *ctx;
    uint64_t arg;
    vs_time_ns link_response_ns;
    vs_event_id event; /* the latency event, 0 while on the link */
    uint32_t next_free;
    bool in_use;
};

struct vs_nic {
    struct vs_nic_spec spec;
    struct vs_event_queue *q;
    struct vs_station *station[2];
    struct packet *pool;
    uint32_t pool_cap;
    uint32_t free_head;
    bool failed; /* a latency event could not be scheduled; later submits fail */
    double flow_bps[2]; /* bulk flows (a migration) taking part of each direction's bandwidth */
    struct vs_mem_account *account; /* the pool is charged here (the event queue's) */
    char what[96];                  /* the pool's name in a budget error */
    /* Per-guest rate limits, one shaper per direction (NULL until a guest
     * has one): a guest's packets wait there before they reach the link. */
    struct vs_throttle *shaper[2];
    uint32_t guests;
};

/* Packets held back by their guest's rate limit. */
struct held {
    uint32_t packets;
    uint64_t bytes;
    vs_io_done_fn done;
    void *ctx;
    uint64_t arg;
};

struct vs_nic *vs_nic_create(const struct vs_nic_spec *spec, struct vs_event_queue *q, uint32_t guests)
{
    if (!spec || !q || spec->latency_ns < 0) return NULL;
    struct vs_nic *n = calloc(1, sizeof *n);
    if (!n) return NULL;
    n->spec = *spec;
    n->q = q;
    n->guests = guests;
    n->account = vs_event_account(q);
    snprintf(n->what, sizeof n->what, "the packets in flight on a NIC");
    n->free_head = NO_PACKET;
    n->station[VS_NIC_RX] = vs_station_create(q, 1, guests);
    n->station[VS_NIC_TX] = vs_station_create(q, 1, guests);
    if (!n->station[VS_NIC_RX] || !n->station[VS_NIC_TX]) {
        vs_nic_destroy(n);
        return NULL;
    }
    return n;
}

void vs_nic_destroy(struct vs_nic *n)
{
    if (!n) return;
    for (uint32_t i = 0; i < n->pool_cap; i++)
        if (n->pool[i].in_use && n->pool[i].event) vs_event_cancel(n->q, n->pool[i].event);
    vs_station_destroy(n->station[VS_NIC_RX]);
    vs_station_destroy(n->station[VS_NIC_TX]);
    vs_throttle_destroy(n->shaper[VS_NIC_RX]);
    vs_throttle_destroy(n->shaper[VS_NIC_TX]);
    vs_mem_give(n->account, (uint64_t)n->pool_cap * sizeof *n->pool);
    free(n->pool);
    free(n);
}

static bool alloc_packet(struct vs_nic *n, uint32_t *index)
{
    if (n->free_head == NO_PACKET) {
        uint32_t cap = n->pool_cap ? n->pool_cap * 2 : 64;
        if (cap <= n->pool_cap || cap == NO_PACKET) return false;
        /* realloc may copy: the new pool is charged while the old one exists. */
        uint64_t bytes = (uint64_t)cap * sizeof(struct packet), old = (uint64_t)n->pool_cap * sizeof(struct packet);
        if (!vs_mem_take(n->account, bytes, n->what, old)) return false;
        struct packet *pool = realloc(n->pool, (size_t)cap * sizeof *pool);
        if (!pool) {
            vs_mem_give(n->account, bytes);
            return false;
        }
        vs_mem_give(n->account, old);
        for (uint32_t i = n->pool_cap; i < cap; i++) {
            pool[i] = (struct packet){0};
            pool[i].next_free = i + 1 < cap ? i + 1 : NO_PACKET;
        }
        n->pool = pool;
        n->free_head = n->pool_cap;
        n->pool_cap = cap;
    }
    uint32_t i = n->free_head;
    n->free_head = n->pool[i].next_free;
    n->pool[i].in_use = true;
    n->pool[i].event = 0;
    *index = i;
    return true;
}

static void free_packet(struct vs_nic *n, uint32_t i)
{
    n->pool[i].in_use = false;
    n->pool[i].event = 0;
    n->pool[i].next_free = n->free_head;
    n->free_head = i;
}

static void finish(struct vs_nic *n, uint32_t i, vs_time_ns response_ns)
{
    struct packet p = n->pool[i];
    free_packet(n, i);
    if (p.done) p.done(p.ctx, p.arg, response_ns);
}

static void on_latency_done(void *ctx, uint64_t arg)
{
    struct vs_nic *n = ctx;
    uint32_t i = (uint32_t)arg;
    finish(n, i, n->pool[i].link_response_ns + n->spec.latency_ns);
}

static void on_link_done(void *ctx, uint64_t arg, vs_time_ns response_ns)
{
    struct vs_nic *n = ctx;
    uint32_t i = (uint32_t)arg;
    if (n->spec.latency_ns > 0) {
        vs_time_ns at = vs_event_now(n->q) + n->spec.latency_ns;
        n->pool[i].link_response_ns = response_ns;
        if (vs_event_schedule(n->q, at, on_latency_done, n, i, &n->pool[i].event) == VS_OK) return;
        /* Deliver now rather than never, and report the failure from the
         * next submit. */
        n->failed = true;
    }
    finish(n, i, response_ns);
}

/* The bandwidth packets get: what a bulk flow leaves them, and at least a
 * twentieth of the link (a flow's congestion control yields that much). */
static double packet_bandwidth(const struct vs_nic *n, enum vs_nic_dir dir)
{
    double bw = n->spec.bandwidth_bits_per_s, left = bw - n->flow_bps[dir];
    return left > bw / 20 ? left : bw / 20;
}

static vs_time_ns transmit_ns(const struct vs_nic *n, enum vs_nic_dir dir, uint64_t bytes)
{
    if (!(n->spec.bandwidth_bits_per_s > 0)) return 0;
    double bits = ((double)bytes + (double)n->spec.overhead_bytes) * 8.0;
    double ns = bits * 1e9 / packet_bandwidth(n, dir);
    if (!(ns < MAX_TRANSMIT_NS)) ns = MAX_TRANSMIT_NS;
    return (vs_time_ns)floor(ns + 0.5);
}

int vs_nic_submit(struct vs_nic *n, enum vs_nic_dir dir, uint32_t guest, uint64_t bytes,
                  vs_io_done_fn done, void *ctx, uint64_t arg)
{
    return vs_nic_submit_burst(n, dir, guest, 1, bytes, done, ctx, arg);
}

/* The packets reach the link. */
static int to_link(struct vs_nic *n, enum vs_nic_dir dir, uint32_t guest, uint32_t packets, uint64_t bytes,
                   vs_io_done_fn done, void *ctx, uint64_t arg)
{
    struct vs_station *st = n->station[dir];
    /* Each packet rounded as on its own, so a burst ends exactly when its
     * last packet would have. */
    double per = (double)transmit_ns(n, dir, bytes);
    double total = per * packets;
    vs_time_ns service = total < MAX_TRANSMIT_NS ? (vs_time_ns)total : (vs_time_ns)MAX_TRANSMIT_NS;
    bytes *= packets;
    /* Nobody waits for it: only the link's occupancy matters. */
    if (!done) return vs_station_submit(st, guest, service, bytes, NULL, NULL, 0);
    uint32_t i;
    if (!alloc_packet(n, &i)) return VS_ERR_RUNTIME;
    n->pool[i].done = done;
    n->pool[i].ctx = ctx;
    n->pool[i].arg = arg;
    int rc = vs_station_submit(st, guest, service, bytes, on_link_done, n, i);
    if (rc != VS_OK) free_packet(n, i);
    return rc;
}

static void on_released(struct vs_nic *n, enum vs_nic_dir dir, uint32_t guest, const struct held *h)
{
    if (to_link(n, dir, guest, h->packets, h->bytes, h->done, h->ctx, h->arg) != VS_OK) n->failed = true;
}

static void on_released_rx(void *ctx, uint32_t guest, const void *item) { on_released(ctx, VS_NIC_RX, guest, item); }
static void on_released_tx(void *ctx, uint32_t guest, const void *item) { on_released(ctx, VS_NIC_TX, guest, item); }

int vs_nic_submit_burst(struct vs_nic *n, enum vs_nic_dir dir, uint32_t guest, uint32_t packets,
                        uint64_t bytes, vs_io_done_fn done, void *ctx, uint64_t arg)
{
    if (dir != VS_NIC_RX && dir != VS_NIC_TX) return VS_ERR_INPUT;
    if (n->failed) return VS_ERR_RUNTIME;
    if (packets == 0) return VS_ERR_INPUT;
    if (n->shaper[dir] && vs_throttle_limited(n->shaper[dir], guest)) {
        /* The shaper counts what goes on the wire: payload and framing. */
        double cost[VS_THROTTLE_BUCKETS] = {((double)bytes + (double)n->spec.overhead_bytes) * packets, 0};
        struct held h = {packets, bytes, done, ctx, arg};
        bool now;
        int rc = vs_throttle_offer(n->shaper[dir], guest, cost, &h, &now);
        if (rc != VS_OK || !now) return rc;
    }
    return to_link(n, dir, guest, packets, bytes, done, ctx, arg);
}

int vs_nic_set_limit(struct vs_nic *n, uint32_t guest, double bits_per_s, double burst_bytes)
{
    if (guest >= n->guests || !(bits_per_s >= 0) || !(burst_bytes >= 0)) return VS_ERR_INPUT;
    if (!(bits_per_s > 0)) return VS_OK;
    for (int dir = 0; dir < 2; dir++) {
        if (!n->shaper[dir]) {
            n->shaper[dir] = vs_throttle_create(n->q, n->guests, sizeof(struct held),
                                                dir == VS_NIC_RX ? on_released_rx : on_released_tx, n);
            if (!n->shaper[dir]) return VS_ERR_RUNTIME;
            vs_throttle_set_what(n->shaper[dir], "the packets held back by their guests' rate limits");
        }
        int rc = vs_throttle_set(n->shaper[dir], guest, 0, bits_per_s / 8, burst_bytes);
        if (rc != VS_OK) return rc;
    }
    return VS_OK;
}

void vs_nic_guest_throttle(const struct vs_nic *n, uint32_t guest, uint64_t *delayed, double *wait_ns)
{
    *delayed = 0;
    *wait_ns = 0;
    for (int dir = 0; dir < 2; dir++) {
        struct vs_throttle_stats st = {0};
        if (n->shaper[dir]) vs_throttle_get_stats(n->shaper[dir], guest, &st);
        *delayed += st.delayed;
        *wait_ns += st.wait_ns;
    }
}

void vs_nic_reset_stats(struct vs_nic *n)
{
    vs_station_reset_stats(n->station[VS_NIC_RX]);
    vs_station_reset_stats(n->station[VS_NIC_TX]);
    for (int dir = 0; dir < 2; dir++)
        if (n->shaper[dir]) vs_throttle_reset_stats(n->shaper[dir]);
}

size_t vs_nic_packet_bytes(void) { return sizeof(struct packet); }

void vs_nic_set_what(struct vs_nic *n, const char *what)
{
    char buf[96];
    snprintf(buf, sizeof buf, "the receive queue of %.70s", what);
    vs_station_set_what(n->station[VS_NIC_RX], buf);
    snprintf(buf, sizeof buf, "the transmit queue of %.70s", what);
    vs_station_set_what(n->station[VS_NIC_TX], buf);
    snprintf(n->what, sizeof n->what, "the packets in flight on %.70s", what);
}

struct vs_station *vs_nic_station(struct vs_nic *n, enum vs_nic_dir dir)
{
    return n->station[dir == VS_NIC_TX ? VS_NIC_TX : VS_NIC_RX];
}

const struct vs_station *vs_nic_station_const(const struct vs_nic *n, enum vs_nic_dir dir)
{
    return n->station[dir == VS_NIC_TX ? VS_NIC_TX : VS_NIC_RX];
}

void vs_nic_set_flow(struct vs_nic *n, enum vs_nic_dir dir, double bits_per_s)
{
    if (dir == VS_NIC_RX || dir == VS_NIC_TX) n->flow_bps[dir] = bits_per_s > 0 ? bits_per_s : 0;
}

double vs_nic_flow(const struct vs_nic *n, enum vs_nic_dir dir)
{
    return dir == VS_NIC_RX || dir == VS_NIC_TX ? n->flow_bps[dir] : 0;
}
