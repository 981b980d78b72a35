/* One simulation run: the scenario's guests on its host under one engine.
 *
 * Each guest instance generates requests (open, closed or batch load). A
 * request goes through the host the way a server request does:
 *
 *   arrival -> NIC rx (its packets) -> a free vCPU runs the request's CPU
 *   work, priced by the engine -> disk reads, then sync writes (one after
 *   another, as dependent I/O is) -> NIC tx (its packets) -> done
 *
 * The engine only turns operations into host cycles per category; queueing
 * for cores, disk and NIC, and the scheduler's sharing, come from the event
 * core. The vCPU is released as soon as the CPU work is done, so a guest can
 * overlap one request's I/O with another's computation. */
#include "virtsim/run/sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "virtsim/host/cpu.h"
#include "virtsim/host/disk.h"
#include "virtsim/model/engine.h"
#include "virtsim/host/memory.h"
#include "virtsim/host/nic.h"
#include "virtsim/core/rng.h"
#include "virtsim/core/stats.h"

#define REQ_NONE UINT32_MAX
/* Requests in flight over the whole host: bounded by the guests' queue
 * limits, and checked so a scenario cannot exhaust memory. */
#define MAX_REQUESTS (1u << 24)

struct request {
    uint32_t instance;
    uint32_t client;        /* closed and batch loads: who sent it */
    vs_time_ns arrival_ns;
    uint32_t pending_packets;
    uint32_t rx_packets;    /* received before the CPU work; priced with it */
    uint32_t disk_reads_left;
    uint32_t disk_sync_writes_left;
    uint32_t tx_packets;
    uint32_t next;          /* free list, or the instance's wait queue */
};

/* What one instance has counted since the last statistics reset. */
struct instance_stats {
    struct vs_hist *latency;
    uint64_t arrived, completed, dropped;
    double events[VS_EVT_COUNT];
    uint64_t net_rx_packets, net_tx_packets, net_rx_bytes, net_tx_bytes;
};

struct instance {
    char name[VS_NAME_MAX];
    uint32_t group;
    const struct vs_guest_spec *spec;
    enum vs_guest_state state;
    struct vs_rng rng;
    struct vs_mem_parts memory;
    vs_time_ns start_ns;
    uint32_t first_vcpu, n_vcpus;
    uint32_t *idle_vcpus;    /* stack of idle vCPU ids */
    uint32_t n_idle;
    uint32_t wait_head, wait_tail; /* requests waiting for a vCPU */
    uint32_t in_flight;
    uint64_t batch_issued, batch_done;
    uint64_t completed_since_start; /* never reset: for rates over time (charts, UI) */
    vs_time_ns batch_finished_ns; /* -1 until the batch is complete */
    /* Per-request constants, fixed for the run. */
    double rx_bytes_per_packet, tx_bytes_per_packet;
    struct instance_stats stats;
};

struct vs_sim {
    struct vs_scenario sc;
    uint64_t seed;
    struct vs_engine engine;
    struct vs_event_queue *q;
    struct vs_cpu *cpu;
    struct vs_disk *disk;
    struct vs_nic *nic;
    struct vs_memory *mem;
    struct instance *inst;
    uint32_t n_inst;
    struct request *req;
    uint32_t n_req, cap_req, free_req;
    bool failed;             /* a callback hit a limit; the run stops */
    struct vs_error fail_err;
    bool warm;               /* warm-up is over */
    /* Warm-up and duration count from the moment the last guest has booted,
     * so engines with slow boots are measured over the same steady state;
     * boot times are reported on their own. */
    vs_time_ns booted_ns, warm_ns, end_ns;
};

static void start_request(struct vs_sim *s, struct instance *in, uint32_t client, bool count_drop);
static void run_cpu(struct vs_sim *s, uint32_t r, uint32_t vcpu);

/* A callback cannot return an error, so it records the first one and stops
 * the event loop; vs_sim_advance reports it. */
static void fail_run(struct vs_sim *s, const struct vs_error *err)
{
    if (!s->failed) {
        s->failed = true;
        s->fail_err = *err;
    }
    vs_event_stop(s->q);
}

static void fail_msg(struct vs_sim *s, const char *msg)
{
    struct vs_error e;
    vs_error_set(&e, VS_ERR_RUNTIME, NULL, 0, 0, "%s", msg);
    fail_run(s, &e);
}

static void schedule(struct vs_sim *s, vs_time_ns at, vs_event_fn fn, uint64_t arg)
{
    if (vs_event_schedule(s->q, at, fn, s, arg, NULL) != VS_OK)
        fail_msg(s, "the event queue is full: the scenario schedules more pending events than "
                    "the simulator allows (reduce guests, rates or duration)");
}

/* ---- request pool ---- */

static uint32_t alloc_request(struct vs_sim *s)
{
    if (s->free_req != REQ_NONE) {
        uint32_t r = s->free_req;
        s->free_req = s->req[r].next;
        return r;
    }
    if (s->n_req == s->cap_req) {
        if (s->cap_req >= MAX_REQUESTS) {
            fail_msg(s, "more than 16 million requests in flight: lower the load or the guests' "
                        "queue_limit");
            return REQ_NONE;
        }
        uint32_t cap = s->cap_req ? s->cap_req * 2 : 1024;
        struct request *grown = realloc(s->req, (size_t)cap * sizeof *grown);
        if (!grown) {
            fail_msg(s, "out of memory for requests in flight");
            return REQ_NONE;
        }
        s->req = grown;
        s->cap_req = cap;
    }
    return s->n_req++;
}

static void free_request(struct vs_sim *s, uint32_t r)
{
    s->req[r].next = s->free_req;
    s->free_req = r;
}

/* ---- load generation ---- */

static void on_open_arrival(void *ctx, uint64_t arg);
static void on_think_done(void *ctx, uint64_t arg);

static vs_time_ns draw_ns(struct vs_rng *rng, const struct vs_dist *d)
{
    double ns = vs_dist_sample(d, rng);
    return ns < 1.0 ? 1 : (vs_time_ns)(ns + 0.5);
}

static void schedule_open_arrival(struct vs_sim *s, uint32_t i)
{
    struct instance *in = &s->inst[i];
    const struct vs_load_spec *load = &in->spec->workload.load;
    if (load->rate_per_s <= 0) return;
    struct vs_dist gap = {load->arrivals, 1e9 / load->rate_per_s, 0};
    schedule(s, vs_event_now(s->q) + draw_ns(&in->rng, &gap), on_open_arrival, i);
}

static void on_open_arrival(void *ctx, uint64_t arg)
{
    struct vs_sim *s = ctx;
    struct instance *in = &s->inst[arg];
    start_request(s, in, 0, true);
    schedule_open_arrival(s, (uint32_t)arg);
}

/* arg packs (instance, client) for closed-loop think timers. */
static uint64_t pack2(uint32_t a, uint32_t b) { return ((uint64_t)a << 32) | b; }

static void on_think_done(void *ctx, uint64_t arg)
{
    struct vs_sim *s = ctx;
    start_request(s, &s->inst[arg >> 32], (uint32_t)arg, true);
}

static void start_load(void *ctx, uint64_t arg);

/* A guest has booted. Before its first request, the engine may have one-time
 * work on the guest's code (a translator filling its cache): it runs on the
 * guest's first vCPU, and the load starts when it is done. */
static void on_guest_started(void *ctx, uint64_t arg)
{
    struct vs_sim *s = ctx;
    struct instance *in = &s->inst[arg];
    const struct vs_workload *wl = &in->spec->workload;
    struct vs_work w;
    vs_work_clear(&w);
    vs_engine_price(&s->engine, &s->sc.host, wl, VS_OP_CODE_LOAD, 1, wl->memory.code_bytes, &w);
    if (vs_work_total_cycles(&w) <= 0) {
        start_load(s, arg);
        return;
    }
    for (int e = 0; e < VS_EVT_COUNT; e++) in->stats.events[e] += w.events[e];
    uint32_t vcpu = in->idle_vcpus[--in->n_idle];
    if (vs_cpu_submit(s->cpu, vcpu, w.cycles, start_load, s, pack2((uint32_t)arg + 1, vcpu)) !=
        VS_OK)
        fail_msg(s, "internal error: a booting guest's vCPU was busy");
}

/* arg: the instance; or, after a code-load burst, (instance + 1) in the
 * high half and the vCPU to give back in the low half. */
static void start_load(void *ctx, uint64_t arg)
{
    struct vs_sim *s = ctx;
    if (arg >> 32) {
        uint64_t i = (arg >> 32) - 1;
        s->inst[i].idle_vcpus[s->inst[i].n_idle++] = (uint32_t)arg;
        arg = i;
    }
    struct instance *in = &s->inst[arg];
    const struct vs_load_spec *load = &in->spec->workload.load;
    in->state = VS_GUEST_RUNNING;
    switch (load->kind) {
    case VS_LOAD_OPEN:
        schedule_open_arrival(s, (uint32_t)arg);
        break;
    case VS_LOAD_CLOSED:
        /* Clients start after one think time each, so they do not all
         * arrive at the same instant. */
        for (uint32_t c = 0; c < load->clients; c++)
            schedule(s, vs_event_now(s->q) + draw_ns(&in->rng, &load->think_ns), on_think_done,
                     pack2((uint32_t)arg, c));
        break;
    case VS_LOAD_BATCH: {
        uint32_t clients = load->clients ? load->clients : in->n_vcpus;
        for (uint32_t c = 0; c < clients && in->batch_issued < load->total; c++) {
            in->batch_issued++;
            start_request(s, in, c, false);
        }
        if (load->total == 0) {
            in->state = VS_GUEST_FINISHED;
            in->batch_finished_ns = vs_event_now(s->q);
        }
        break;
    }
    }
}

/* ---- the request's path ---- */

static void on_rx_packet(void *ctx, uint64_t r, vs_time_ns response_ns);
static void enqueue_for_cpu(struct vs_sim *s, uint32_t r);

static void start_request(struct vs_sim *s, struct instance *in, uint32_t client, bool count_drop)
{
    uint32_t i = (uint32_t)(in - s->inst);
    const struct vs_request_spec *rq = &in->spec->workload.request;
    in->stats.arrived++;
    if (count_drop && in->in_flight >= in->spec->queue_limit) {
        in->stats.dropped++;
        /* A closed-loop client whose request is refused tries again after thinking. */
        if (in->spec->workload.load.kind == VS_LOAD_CLOSED)
            schedule(s, vs_event_now(s->q) + draw_ns(&in->rng, &in->spec->workload.load.think_ns),
                     on_think_done, pack2(i, client));
        return;
    }
    uint32_t r = alloc_request(s);
    if (r == REQ_NONE) return;
    struct request *req = &s->req[r];
    *req = (struct request){.instance = i, .client = client, .arrival_ns = vs_event_now(s->q),
                            .next = REQ_NONE};
    in->in_flight++;
    uint64_t rx = vs_rng_count(&in->rng, rq->count[VS_OP_NET_RX]);
    if (rx == 0) {
        enqueue_for_cpu(s, r);
        return;
    }
    req->pending_packets = req->rx_packets = (uint32_t)rx;
    uint64_t bytes = (uint64_t)(in->rx_bytes_per_packet + 0.5);
    for (uint64_t p = 0; p < rx; p++) {
        in->stats.net_rx_packets++;
        in->stats.net_rx_bytes += bytes;
        if (vs_nic_submit(s->nic, VS_NIC_RX, i, bytes, on_rx_packet, s, r) != VS_OK) {
            fail_msg(s, "out of memory in the NIC queue");
            return;
        }
    }
}

static void on_rx_packet(void *ctx, uint64_t r, vs_time_ns response_ns)
{
    (void)response_ns;
    struct vs_sim *s = ctx;
    if (--s->req[r].pending_packets == 0) enqueue_for_cpu(s, (uint32_t)r);
}

static void enqueue_for_cpu(struct vs_sim *s, uint32_t r)
{
    struct instance *in = &s->inst[s->req[r].instance];
    if (in->n_idle > 0) {
        run_cpu(s, r, in->idle_vcpus[--in->n_idle]);
        return;
    }
    s->req[r].next = REQ_NONE;
    if (in->wait_tail == REQ_NONE)
        in->wait_head = r;
    else
        s->req[in->wait_tail].next = r;
    in->wait_tail = r;
}

static void on_cpu_done(void *ctx, uint64_t arg);

/* Draws this request's operations and asks the engine what they cost. */
static void run_cpu(struct vs_sim *s, uint32_t r, uint32_t vcpu)
{
    struct request *req = &s->req[r];
    struct instance *in = &s->inst[req->instance];
    const struct vs_workload *wl = &in->spec->workload;
    const struct vs_request_spec *rq = &wl->request;
    const struct vs_engine *eng = &s->engine;
    const struct vs_host_spec *host = &s->sc.host;
    struct vs_work w;
    vs_work_clear(&w);

    vs_engine_price(eng, host, wl, VS_OP_INSTRUCTION, vs_dist_sample(&rq->instructions, &in->rng), 0, &w);
    static const enum vs_op_kind simple[] = {
        VS_OP_SYSCALL,   VS_OP_PAGE_FAULT,     VS_OP_TLB_MISS,       VS_OP_CONTEXT_SWITCH,
        VS_OP_KERNEL_INSTRUCTION, VS_OP_PRIVILEGED, VS_OP_PT_UPDATE, VS_OP_PROCESS_CREATE,
        VS_OP_IPI};
    for (size_t k = 0; k < sizeof simple / sizeof simple[0]; k++) {
        uint64_t n = vs_rng_count(&in->rng, rq->count[simple[k]]);
        if (n) vs_engine_price(eng, host, wl, simple[k], (double)n, 0, &w);
    }
    uint64_t reads = vs_rng_count(&in->rng, rq->count[VS_OP_DISK_READ]);
    uint64_t writes = vs_rng_count(&in->rng, rq->count[VS_OP_DISK_WRITE]);
    uint64_t tx = vs_rng_count(&in->rng, rq->count[VS_OP_NET_TX]);
    /* Received packets crossed the NIC before the request got here; their
     * CPU cost (driver, stack, copy) is paid here, by the request. */
    uint64_t rx = req->rx_packets;
    if (reads) vs_engine_price(eng, host, wl, VS_OP_DISK_READ, (double)reads, rq->disk_read_bytes, &w);
    if (writes) vs_engine_price(eng, host, wl, VS_OP_DISK_WRITE, (double)writes, rq->disk_write_bytes, &w);
    if (rx) vs_engine_price(eng, host, wl, VS_OP_NET_RX, (double)rx, in->rx_bytes_per_packet, &w);
    if (tx) vs_engine_price(eng, host, wl, VS_OP_NET_TX, (double)tx, in->tx_bytes_per_packet, &w);

    /* The periodic timer interrupts the guest while it computes: their
     * number follows from the CPU time the request takes (before the
     * interrupts themselves, a first-order estimate). */
    double timer_hz = vs_cost(&s->sc.host.costs, VS_COST_TIMER_HZ);
    if (timer_hz > 0) {
        double busy_ns = vs_cycles_to_ns(&s->sc.host.cpu, vs_work_total_cycles(&w));
        uint64_t ticks = vs_rng_count(&in->rng, busy_ns * timer_hz / 1e9);
        if (ticks) vs_engine_price(eng, host, wl, VS_OP_TIMER_IRQ, (double)ticks, 0, &w);
    }

    req->disk_reads_left = (uint32_t)reads;
    req->disk_sync_writes_left = rq->disk_sync ? (uint32_t)writes : 0;
    req->tx_packets = (uint32_t)tx;
    /* Write-back: the data reaches the disk later, off the request's path,
     * but it still occupies the device. */
    if (!rq->disk_sync) {
        for (uint64_t k = 0; k < writes; k++)
            if (vs_disk_submit(s->disk, req->instance, true, (uint64_t)rq->disk_write_bytes, NULL,
                               NULL, 0) != VS_OK) {
                fail_msg(s, "out of memory in the disk queue");
                return;
            }
    }
    for (int e = 0; e < VS_EVT_COUNT; e++) in->stats.events[e] += w.events[e];

    if (vs_cpu_submit(s->cpu, vcpu, w.cycles, on_cpu_done, s, pack2(r, vcpu)) != VS_OK)
        fail_msg(s, "internal error: a busy vCPU was given a second request");
}

static void next_io(struct vs_sim *s, uint32_t r);

static void on_cpu_done(void *ctx, uint64_t arg)
{
    struct vs_sim *s = ctx;
    uint32_t r = (uint32_t)(arg >> 32), vcpu = (uint32_t)arg;
    struct instance *in = &s->inst[s->req[r].instance];
    /* The vCPU goes straight to the next waiting request, if any. */
    if (in->wait_head != REQ_NONE) {
        uint32_t next = in->wait_head;
        in->wait_head = s->req[next].next;
        if (in->wait_head == REQ_NONE) in->wait_tail = REQ_NONE;
        run_cpu(s, next, vcpu);
    } else {
        in->idle_vcpus[in->n_idle++] = vcpu;
    }
    next_io(s, r);
}

static void on_io_done(void *ctx, uint64_t r, vs_time_ns response_ns)
{
    (void)response_ns;
    next_io(ctx, (uint32_t)r);
}

static void on_tx_packet(void *ctx, uint64_t r, vs_time_ns response_ns);
static void complete_request(struct vs_sim *s, uint32_t r);

static void next_io(struct vs_sim *s, uint32_t r)
{
    struct request *req = &s->req[r];
    struct instance *in = &s->inst[req->instance];
    const struct vs_request_spec *rq = &in->spec->workload.request;
    int rc = VS_OK;
    if (req->disk_reads_left > 0) {
        req->disk_reads_left--;
        rc = vs_disk_submit(s->disk, req->instance, false, (uint64_t)rq->disk_read_bytes,
                            on_io_done, s, r);
    } else if (req->disk_sync_writes_left > 0) {
        req->disk_sync_writes_left--;
        rc = vs_disk_submit(s->disk, req->instance, true, (uint64_t)rq->disk_write_bytes,
                            on_io_done, s, r);
    } else if (req->tx_packets > 0) {
        uint32_t n = req->tx_packets;
        uint64_t bytes = (uint64_t)(in->tx_bytes_per_packet + 0.5);
        req->tx_packets = 0;
        req->pending_packets = n;
        for (uint32_t p = 0; p < n && rc == VS_OK; p++) {
            in->stats.net_tx_packets++;
            in->stats.net_tx_bytes += bytes;
            rc = vs_nic_submit(s->nic, VS_NIC_TX, req->instance, bytes, on_tx_packet, s, r);
        }
    } else {
        complete_request(s, r);
    }
    if (rc != VS_OK) fail_msg(s, "out of memory in a device queue");
}

static void on_tx_packet(void *ctx, uint64_t r, vs_time_ns response_ns)
{
    (void)response_ns;
    struct vs_sim *s = ctx;
    if (--s->req[r].pending_packets == 0) complete_request(s, (uint32_t)r);
}

static void complete_request(struct vs_sim *s, uint32_t r)
{
    struct request *req = &s->req[r];
    struct instance *in = &s->inst[req->instance];
    const struct vs_load_spec *load = &in->spec->workload.load;
    vs_time_ns now = vs_event_now(s->q);
    uint32_t i = req->instance, client = req->client;
    vs_hist_record(in->stats.latency, now - req->arrival_ns);
    in->stats.completed++;
    in->completed_since_start++;
    in->in_flight--;
    free_request(s, r);

    if (load->kind == VS_LOAD_CLOSED) {
        schedule(s, now + draw_ns(&in->rng, &load->think_ns), on_think_done, pack2(i, client));
    } else if (load->kind == VS_LOAD_BATCH) {
        in->batch_done++;
        if (in->batch_issued < load->total) {
            in->batch_issued++;
            start_request(s, in, client, false);
        } else if (in->batch_done == load->total) {
            in->state = VS_GUEST_FINISHED;
            in->batch_finished_ns = now;
        }
    }
}

/* ---- statistics window ---- */

static void reset_instance_stats(struct instance *in)
{
    struct vs_hist *h = in->stats.latency;
    vs_hist_reset(h);
    in->stats = (struct instance_stats){.latency = h};
}

static void on_warmup_end(void *ctx, uint64_t arg)
{
    (void)arg;
    struct vs_sim *s = ctx;
    vs_cpu_reset_stats(s->cpu);
    vs_station_reset_stats(vs_disk_station(s->disk));
    vs_station_reset_stats(vs_nic_station(s->nic, VS_NIC_RX));
    vs_station_reset_stats(vs_nic_station(s->nic, VS_NIC_TX));
    for (uint32_t i = 0; i < s->n_inst; i++) reset_instance_stats(&s->inst[i]);
    s->warm = true;
}

/* ---- building the world ---- */

static int build_instances(struct vs_sim *s, struct vs_error *err)
{
    uint32_t total = 0;
    for (uint32_t g = 0; g < s->sc.n_guests; g++) total += s->sc.guests[g].count;
    if (total > VS_MAX_GUESTS)
        return vs_error_set(err, VS_ERR_INPUT, s->sc.file, 0, 0,
                            "%u guest instances; at most %d are allowed", total, VS_MAX_GUESTS);
    s->inst = calloc(total ? total : 1, sizeof *s->inst);
    if (!s->inst) return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    s->n_inst = total;

    uint32_t i = 0;
    for (uint32_t g = 0; g < s->sc.n_guests; g++) {
        const struct vs_guest_spec *gs = &s->sc.guests[g];
        for (uint32_t k = 0; k < gs->count; k++, i++) {
            struct instance *in = &s->inst[i];
            in->group = g;
            in->spec = gs;
            in->wait_head = in->wait_tail = REQ_NONE;
            in->batch_finished_ns = -1;
            if (gs->count == 1)
                snprintf(in->name, sizeof in->name, "%s", gs->name);
            else
                snprintf(in->name, sizeof in->name, "%.50s-%u", gs->name, k + 1);
            vs_rng_seed_stream(&in->rng, s->seed, in->name);
            const struct vs_request_spec *rq = &gs->workload.request;
            in->rx_bytes_per_packet =
                rq->count[VS_OP_NET_RX] > 0 ? rq->net_rx_bytes / rq->count[VS_OP_NET_RX] : 0;
            in->tx_bytes_per_packet =
                rq->count[VS_OP_NET_TX] > 0 ? rq->net_tx_bytes / rq->count[VS_OP_NET_TX] : 0;
            in->stats.latency = vs_hist_create();
            if (!in->stats.latency)
                return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");

            uint32_t cpu_guest;
            if (vs_cpu_add_guest(s->cpu, gs->weight, gs->cap_fraction, &cpu_guest) != VS_OK ||
                cpu_guest != i)
                return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "could not add guest %s",
                                    in->name);
            s->engine.ops->memory(s->engine.state, gs, &in->memory);
            if (!vs_memory_charge(s->mem, i, &in->memory)) {
                /* It does not fit: reported as failed, as a real host would
                 * refuse to start it; the others run. */
                in->state = VS_GUEST_FAILED;
                continue;
            }
            in->idle_vcpus = calloc(gs->vcpus, sizeof *in->idle_vcpus);
            if (!in->idle_vcpus) return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
            for (uint32_t v = 0; v < gs->vcpus; v++) {
                uint32_t id;
                if (vs_cpu_add_vcpu(s->cpu, i, &id) != VS_OK)
                    return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "could not add a vCPU");
                if (v == 0) in->first_vcpu = id;
                /* Pushed in reverse so vCPU 0 is taken first. */
                in->idle_vcpus[gs->vcpus - 1 - v] = id;
            }
            in->n_vcpus = in->n_idle = gs->vcpus;
            in->state = VS_GUEST_BOOTING;
            in->start_ns = s->engine.ops->start_time(s->engine.state, gs);
            if (vs_event_schedule(s->q, in->start_ns, on_guest_started, s, i, NULL) != VS_OK)
                return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "event queue full");
        }
    }
    return VS_OK;
}

int vs_sim_create(const struct vs_scenario *sc, const char *engine, uint64_t seed,
                  struct vs_sim **out, struct vs_error *err)
{
    *out = NULL;
    if (sc->duration_ns <= 0 || sc->duration_ns > VS_MAX_DURATION_NS)
        return vs_error_set(err, VS_ERR_INPUT, sc->file, 0, 0,
                            "duration must be between 1 ns and one day");
    if (sc->warmup_ns < 0 || sc->warmup_ns >= sc->duration_ns)
        return vs_error_set(err, VS_ERR_INPUT, sc->file, 0, 0, "warm-up must be shorter than the duration");
    struct vs_sim *s = calloc(1, sizeof *s);
    if (!s) return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    s->sc = *sc;
    s->seed = seed;
    s->free_req = REQ_NONE;
    int rc = vs_engine_open(engine, &s->sc.host, &s->engine, err);
    if (rc != VS_OK) {
        free(s);
        return rc;
    }
    const struct vs_host_spec *h = &s->sc.host;
    uint32_t guests = 0;
    for (uint32_t g = 0; g < sc->n_guests; g++) guests += sc->guests[g].count;
    s->q = vs_event_queue_create(1024);
    if (s->q) {
        s->cpu = vs_cpu_create(&h->cpu, vs_cost(&h->costs, VS_COST_CONTEXT_SWITCH_CYCLES), s->q);
        s->disk = vs_disk_create(&h->disk, s->q, seed, guests ? guests : 1);
        s->nic = vs_nic_create(&h->nic, s->q, guests ? guests : 1);
        s->mem = vs_memory_create(h->memory_bytes, h->host_reserved_bytes, guests ? guests : 1);
    }
    if (!s->q || !s->cpu || !s->disk || !s->nic || !s->mem) {
        vs_sim_destroy(s);
        return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    }
    rc = build_instances(s, err);
    if (rc == VS_OK) {
        for (uint32_t i = 0; i < s->n_inst; i++)
            if (s->inst[i].state != VS_GUEST_FAILED && s->inst[i].start_ns > s->booted_ns)
                s->booted_ns = s->inst[i].start_ns;
        if (s->booted_ns > VS_MAX_DURATION_NS)
            rc = vs_error_set(err, VS_ERR_INPUT, sc->file, 0, 0, "guests take more than a day to boot");
        s->warm_ns = s->booted_ns + sc->warmup_ns;
        s->end_ns = s->booted_ns + sc->duration_ns;
    }
    if (rc == VS_OK && vs_event_schedule(s->q, s->warm_ns, on_warmup_end, s, 0, NULL) != VS_OK)
        rc = vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "event queue full");
    if (rc != VS_OK) {
        vs_sim_destroy(s);
        return rc;
    }
    *out = s;
    return VS_OK;
}

void vs_sim_destroy(struct vs_sim *s)
{
    if (!s) return;
    for (uint32_t i = 0; i < s->n_inst; i++) {
        vs_hist_destroy(s->inst[i].stats.latency);
        free(s->inst[i].idle_vcpus);
    }
    free(s->inst);
    free(s->req);
    vs_cpu_destroy(s->cpu);
    vs_disk_destroy(s->disk);
    vs_nic_destroy(s->nic);
    vs_memory_destroy(s->mem);
    vs_event_queue_destroy(s->q);
    vs_engine_close(&s->engine);
    free(s);
}

int vs_sim_advance(struct vs_sim *s, vs_time_ns until, struct vs_error *err)
{
    if (s->failed) {
        *err = s->fail_err;
        return VS_ERR_RUNTIME;
    }
    if (until > s->end_ns) until = s->end_ns;
    /* Run in slices so the event limit is checked without a test per event. */
    while (vs_event_now(s->q) < until && !s->failed) {
        vs_time_ns step = vs_event_now(s->q) + 10 * VS_NS_PER_MS;
        vs_event_run_until(s->q, step < until ? step : until);
        if (vs_event_executed(s->q) > s->sc.max_events)
            return vs_error_set(err, VS_ERR_RUNTIME, s->sc.file, 0, 0,
                                "more than %llu events by simulated time %.3f s: raise max_events "
                                "or shorten the run",
                                (unsigned long long)s->sc.max_events,
                                (double)vs_event_now(s->q) / 1e9);
    }
    if (s->failed) {
        *err = s->fail_err;
        return VS_ERR_RUNTIME;
    }
    return VS_OK;
}

vs_time_ns vs_sim_now(const struct vs_sim *s) { return vs_event_now(s->q); }

bool vs_sim_done(const struct vs_sim *s) { return vs_event_now(s->q) >= s->end_ns; }

/* ---- results ---- */

static void add_to_buckets(void *ctx, int64_t low, int64_t high, uint64_t count)
{
    (void)high;
    uint64_t *buckets = ctx;
    int64_t us = low / 1000;
    int b = 0;
    while (b < VS_LAT_BUCKETS - 1 && us >= (INT64_C(2) << b)) b++;
    buckets[b] += count;
}

static void latency_summary(const struct vs_hist *h, struct vs_latency *out)
{
    memset(out->buckets, 0, sizeof out->buckets);
    vs_hist_foreach(h, add_to_buckets, out->buckets);
    out->count = vs_hist_count(h);
    out->mean_ns = vs_hist_mean(h);
    out->p50_ns = vs_hist_percentile(h, 50);
    out->p90_ns = vs_hist_percentile(h, 90);
    out->p99_ns = vs_hist_percentile(h, 99);
    out->p999_ns = vs_hist_percentile(h, 99.9);
    out->max_ns = vs_hist_max(h);
}

static void fill_instance(const struct vs_sim *s, uint32_t i, double window_ns,
                          struct vs_guest_result *g)
{
    const struct instance *in = &s->inst[i];
    const struct vs_guest_spec *gs = in->spec;
    memset(g, 0, sizeof *g);
    snprintf(g->name, sizeof g->name, "%s", in->name);
    snprintf(g->group, sizeof g->group, "%s", gs->name);
    snprintf(g->workload, sizeof g->workload, "%s", gs->workload.name);
    snprintf(g->engine, sizeof g->engine, "%s", s->engine.preset->name);
    g->state = in->state;
    g->instances = 1;
    g->failed_instances = in->state == VS_GUEST_FAILED;
    g->vcpus = gs->vcpus;
    g->batch = gs->workload.load.kind == VS_LOAD_BATCH;
    g->arrived = in->stats.arrived;
    g->completed_since_start = in->completed_since_start;
    g->completed = in->stats.completed;
    g->dropped = in->stats.dropped;
    g->throughput_per_s = window_ns > 0 ? (double)in->stats.completed * 1e9 / window_ns : 0;
    g->completion_ns = in->batch_finished_ns >= 0 ? (double)(in->batch_finished_ns - in->start_ns) : -1;
    g->batch_done = in->batch_done;
    g->batch_total = g->batch ? gs->workload.load.total : 0;
    latency_summary(in->stats.latency, &g->latency);
    struct vs_cpu_guest_stats cg;
    vs_cpu_get_guest_stats(s->cpu, i, &cg);
    memcpy(g->cpu_ns, cg.ns_by_cat, sizeof g->cpu_ns);
    g->cpu_wait_ns = cg.wait_ns;
    memcpy(g->events, in->stats.events, sizeof g->events);
    g->events[VS_EVT_CONTEXT_SWITCH] += (double)cg.context_switches;
    if (in->state != VS_GUEST_FAILED) g->memory = in->memory;
    struct vs_station_guest_stats ds;
    vs_station_get_guest_stats(vs_disk_station_const(s->disk), i, &ds);
    g->disk_ops = ds.completed;
    g->disk_bytes = ds.bytes;
    g->disk_busy_ns = ds.busy_ns;
    g->net_rx_packets = in->stats.net_rx_packets;
    g->net_tx_packets = in->stats.net_tx_packets;
    g->net_rx_bytes = in->stats.net_rx_bytes;
    g->net_tx_bytes = in->stats.net_tx_bytes;
    g->start_ns = in->start_ns;
}

/* Adds an instance's figures into its group's. */
static void add_to_group(struct vs_guest_result *grp, const struct vs_guest_result *g, bool first)
{
    if (first) {
        *grp = *g;
        snprintf(grp->name, sizeof grp->name, "%s", g->group);
        return;
    }
    grp->instances++;
    grp->failed_instances += g->failed_instances;
    if (grp->state == VS_GUEST_FAILED || (g->state != VS_GUEST_FAILED && g->state < grp->state))
        grp->state = g->state; /* the least advanced running state speaks for the group */
    grp->arrived += g->arrived;
    grp->completed_since_start += g->completed_since_start;
    grp->completed += g->completed;
    grp->dropped += g->dropped;
    grp->throughput_per_s += g->throughput_per_s;
    grp->batch_done += g->batch_done;
    grp->batch_total += g->batch_total;
    /* A group's batch is complete when its slowest instance is. */
    if (grp->completion_ns < 0 || g->completion_ns < 0)
        grp->completion_ns = -1;
    else if (g->completion_ns > grp->completion_ns)
        grp->completion_ns = g->completion_ns;
    for (int c = 0; c < VS_CAT_COUNT; c++) grp->cpu_ns[c] += g->cpu_ns[c];
    grp->cpu_wait_ns += g->cpu_wait_ns;
    for (int e = 0; e < VS_EVT_COUNT; e++) grp->events[e] += g->events[e];
    for (int p = 0; p < VS_MEM_PART_COUNT; p++)
        grp->memory.bytes[p] = p == VS_MEM_SHARED ? (grp->memory.bytes[p] > g->memory.bytes[p]
                                                         ? grp->memory.bytes[p]
                                                         : g->memory.bytes[p])
                                                  : grp->memory.bytes[p] + g->memory.bytes[p];
    grp->disk_ops += g->disk_ops;
    grp->disk_bytes += g->disk_bytes;
    grp->disk_busy_ns += g->disk_busy_ns;
    grp->net_rx_packets += g->net_rx_packets;
    grp->net_tx_packets += g->net_tx_packets;
    grp->net_rx_bytes += g->net_rx_bytes;
    grp->net_tx_bytes += g->net_tx_bytes;
    if (g->start_ns > grp->start_ns) grp->start_ns = g->start_ns;
}

int vs_sim_snapshot(const struct vs_sim *s, struct vs_run_result *out, struct vs_error *err)
{
    memset(out, 0, sizeof *out);
    vs_time_ns now = vs_event_now(s->q);
    snprintf(out->engine, sizeof out->engine, "%s", s->engine.preset->name);
    snprintf(out->approach, sizeof out->approach, "%s", s->engine.ops->approach);
    out->now_ns = now;
    out->window_ns = s->warm ? now - s->warm_ns : 0;
    out->events = vs_event_executed(s->q);
    double window = (double)out->window_ns;

    out->instances = calloc(s->n_inst ? s->n_inst : 1, sizeof *out->instances);
    out->groups = calloc(s->sc.n_guests ? s->sc.n_guests : 1, sizeof *out->groups);
    struct vs_hist *merged = vs_hist_create();
    if (!out->instances || !out->groups || !merged) {
        vs_hist_destroy(merged);
        vs_run_result_free(out);
        return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    }
    out->n_instances = s->n_inst;
    out->n_groups = s->sc.n_guests;
    uint32_t i = 0;
    for (uint32_t g = 0; g < s->sc.n_guests; g++) {
        vs_hist_reset(merged);
        for (uint32_t k = 0; k < s->sc.guests[g].count; k++, i++) {
            fill_instance(s, i, window, &out->instances[i]);
            add_to_group(&out->groups[g], &out->instances[i], k == 0);
            vs_hist_merge(merged, s->inst[i].stats.latency);
        }
        latency_summary(merged, &out->groups[g].latency);
    }
    vs_hist_destroy(merged);

    struct vs_host_result *h = &out->host;
    h->spec = s->sc.host;
    struct vs_cpu_stats cs;
    vs_cpu_get_stats(s->cpu, &cs);
    h->cpu_utilisation = cs.utilisation;
    memcpy(h->cpu_ns_by_cat, cs.busy_ns_by_cat, sizeof h->cpu_ns_by_cat);
    double busy = 0;
    for (int c = 0; c < VS_CAT_COUNT; c++)
        if (c != VS_CAT_IDLE) busy += cs.busy_ns_by_cat[c];
    double idle = (double)cs.cores * cs.window_ns - busy;
    h->cpu_ns_by_cat[VS_CAT_IDLE] = idle > 0 ? idle : 0;
    h->core_ns_by_cat = calloc(cs.cores ? cs.cores : 1, sizeof *h->core_ns_by_cat);
    if (!h->core_ns_by_cat) {
        vs_run_result_free(out);
        return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    }
    for (uint32_t c = 0; c < cs.cores; c++) vs_cpu_get_core_stats(s->cpu, c, h->core_ns_by_cat[c]);
    h->runqueue_mean = cs.runqueue_mean;
    h->context_switches = cs.context_switches;
    h->mem_capacity_bytes = vs_memory_capacity(s->mem);
    h->mem_used_bytes = vs_memory_used(s->mem);
    h->mem_free_bytes = vs_memory_free(s->mem);
    struct vs_station_stats ds, rx, tx;
    vs_station_get_stats(vs_disk_station_const(s->disk), &ds);
    vs_station_get_stats(vs_nic_station_const(s->nic, VS_NIC_RX), &rx);
    vs_station_get_stats(vs_nic_station_const(s->nic, VS_NIC_TX), &tx);
    h->disk_utilisation = ds.utilisation;
    h->disk_queue_mean = ds.queue_mean;
    h->disk_queue_max = ds.queue_max;
    h->disk_response_mean_ns = ds.mean_response_ns;
    h->disk_ops = ds.completed;
    h->nic_rx_utilisation = rx.utilisation;
    h->nic_tx_utilisation = tx.utilisation;
    h->nic_queue_mean = rx.queue_mean + tx.queue_mean;
    return VS_OK;
}

int vs_sim_run_scenario(const struct vs_scenario *sc, uint64_t seed, struct vs_results *out,
                        struct vs_error *err)
{
    memset(out, 0, sizeof *out);
    snprintf(out->scenario, sizeof out->scenario, "%s", sc->name);
    snprintf(out->description, sizeof out->description, "%s", sc->description);
    out->seed = seed;
    out->duration_ns = sc->duration_ns;
    out->warmup_ns = sc->warmup_ns;
    if (sc->n_engines == 0)
        return vs_error_set(err, VS_ERR_INPUT, sc->file, 0, 0, "the scenario names no engine in compare:");
    out->runs = calloc(sc->n_engines, sizeof *out->runs);
    if (!out->runs) return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    for (uint32_t e = 0; e < sc->n_engines; e++) {
        struct vs_sim *s;
        int rc = vs_sim_create(sc, sc->engines[e], seed, &s, err);
        if (rc == VS_OK) rc = vs_sim_advance(s, VS_TIME_NEVER, err);
        if (rc == VS_OK) rc = vs_sim_snapshot(s, &out->runs[e], err);
        if (rc == VS_OK) out->n_runs++;
        vs_sim_destroy(s);
        if (rc != VS_OK) {
            vs_results_free(out);
            return rc;
        }
    }
    return VS_OK;
}
