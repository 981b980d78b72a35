/* One simulation run: the scenario's guests on its hosts under one engine.
 *
 * Each guest instance generates requests (open, closed or batch load). A
 * request goes through the hosts the way a server request does:
 *
 *   arrival -> the request's packets reach the guest -> a free vCPU runs
 *   the request's CPU work, priced by the engine -> disk reads, then sync
 *   writes (one after another, as dependent I/O is) -> the response's
 *   packets go back -> done
 *
 * Packets of a guest whose clients are outside cross its host's NIC. A
 * guest whose clients are another group's instances (`clients_from:`)
 * exchanges its packets with one of them, round robin: on the same host
 * they cross the host's software bridge (no NIC); on different hosts they
 * leave one host's NIC, cross the link or switch that joins the two hosts,
 * and enter the other host's NIC, each a queue with its own bandwidth and
 * latency.
 *
 * Every host has its own cores, memory, disk, NIC and engine state (the
 * engine prices operations with that host's cost constants). The engine
 * only turns operations into host cycles per category; queueing for cores,
 * disk, NIC and links, and the scheduler's sharing, come from the event
 * core. The vCPU is released as soon as the CPU work is done, so a guest
 * can overlap one request's I/O with another's computation.
 *
 * The timeline (`events:`) is applied by the kernel components
 * (model/component.h), which act on guests through the `vs_world_*`
 * functions at the end of this file: start, stop, pause, resume, set. */
#include "virtsim/run/sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "virtsim/host/contention.h"
#include "virtsim/host/cpu.h"
#include "virtsim/host/disk.h"
#include "virtsim/host/memory.h"
#include "virtsim/host/nic.h"
#include "virtsim/core/rng.h"
#include "virtsim/core/stats.h"
#include "virtsim/load/params.h"
#include "virtsim/model/component.h"
#include "virtsim/model/engine.h"
#include "virtsim/out/scores.h"

#define NONE UINT32_MAX
#define REQ_NONE UINT32_MAX
/* Requests in flight over the whole run: bounded by the guests' queue
 * limits, and checked so a scenario cannot exhaust memory. */
#define MAX_REQUESTS (1u << 24)

/* Which way a request's packets travel. */
enum { PKT_IN, PKT_OUT };

struct request {
    uint64_t seq;           /* the instance's request number: names its random draws */
    struct vs_rng io_rng;   /* its disk service times (part 2 of its stream) */
    uint32_t instance;
    uint32_t client;        /* closed and batch loads: who sent it */
    uint32_t peer;          /* the client instance (clients_from), or NONE: outside */
    vs_time_ns arrival_ns;
    uint32_t pending_packets;
    uint32_t rx_packets;    /* received before the CPU work; priced with it */
    uint32_t disk_reads_left;
    uint32_t disk_sync_writes_left;
    uint32_t swap_reads_left; /* host swap-in faults, each a disk read (memory component) */
    uint32_t tx_packets;
    vs_time_ns io_delay_ns; /* the I/O latency chain still to wait (vs_work.delay_ns) */
    uint32_t next;          /* free list, or the instance's wait queue */
    bool live;              /* allocated (not on the free list) */
    uint32_t epoch;         /* its instance's epoch when it arrived: older ones died in a crash */
};

/* What one instance has counted since the last statistics reset. */
struct instance_stats {
    struct vs_hist *latency;
    uint64_t arrived, completed, dropped;
    double events[VS_EVT_COUNT];
    uint64_t net_rx_packets, net_tx_packets, net_rx_bytes, net_tx_bytes;
    uint64_t swap_ins;
    double contention_cycles[VS_CONT_KINDS]; /* paid to neighbours (host/contention.h) */
};

struct instance {
    char name[VS_NAME_MAX];
    uint32_t group;
    uint32_t host, local;    /* its host, and its id among that host's guests */
    uint32_t peer_group;     /* clients_from, or NONE */
    uint32_t peer_next;      /* round robin over the peer group's instances */
    uint32_t moved_to;       /* migrated: the twin that took over, else NONE */
    double throttle;         /* share of its CPU it may use (auto-converge, remote faults); 1: all */
    /* Faults: a crash starts a new epoch (what was in flight is dead), and
     * the guest is down until it serves again. */
    uint32_t epoch;
    vs_time_ns down_since;   /* -1 when up */
    vs_time_ns last_recovered_ns; /* when it last served again after an outage (-1: never) */
    double down_ns;          /* in the window */
    uint64_t lost;           /* in the window */
    uint32_t outages;        /* in the window */
    const struct vs_guest_spec *spec;
    enum vs_guest_state state;
    enum vs_guest_state resume_state; /* what a paused guest goes back to */
    bool arrival_pending;    /* open load: the next arrival is scheduled */
    struct vs_rng rng;       /* arrivals and think times */
    uint64_t content_key;    /* with a request's number, seeds what the request does */
    uint64_t next_seq;
    struct vs_mem_parts memory;
    /* Memory management (sim/comp/memmgmt.c): the most page cache its reads
     * may hit (< 0: no limit), and the probability that a page its requests
     * touch is swapped out on the host. */
    double cache_limit_bytes;
    double swap_fault_p;
    bool overcommit;         /* admitted past the host's free memory (it may be swapped) */
    bool own_cache;          /* a VM whose balloon holds all its page cache still reads through its own */
    vs_time_ns start_ns;     /* when it was created (or started by the timeline) */
    vs_time_ns ready_ns;     /* when its boot ends (its load starts then, or after translation) */
    uint32_t cpu_guest;      /* its id in its host's scheduler */
    uint32_t first_vcpu, n_vcpus;
    uint32_t *idle_vcpus;    /* stack of idle vCPU ids */
    uint32_t n_idle;
    uint32_t wait_head, wait_tail; /* requests waiting for a vCPU */
    uint32_t in_flight;
    uint64_t batch_issued, batch_done;
    uint64_t completed_since_start; /* never reset: for rates over time (charts, UI) */
    uint64_t arrived_since_start, dropped_since_start, abandoned_since_start; /* never reset */
    vs_time_ns batch_finished_ns; /* -1 until the batch is complete */
    /* Per-request constants, fixed for the run. */
    double rx_bytes_per_packet, tx_bytes_per_packet;
    /* Its vCPU time in the window (steal's denominator): vCPUs x time, up
     * to vcpu_since_ns, and n_vcpus since then. */
    double vcpu_ns_acc;
    vs_time_ns vcpu_since_ns;
    struct instance_stats stats;
};

struct host_rt {
    char name[VS_NAME_MAX];
    const struct vs_host_spec *spec;
    struct vs_engine engine;    /* priced with this host's cost constants */
    struct vs_cpu *cpu;
    struct vs_disk *disk;
    struct vs_nic *nic;
    struct vs_memory *mem;
    uint32_t n_local;           /* guests placed here */
    double planned_bytes;       /* placement: memory the guests placed here will need */
    /* The host's page cache (natively and for containers: what guests do
     * not use of the host's memory) is shared by the running guests that
     * have no cache of their own: the sum of their file sets. */
    double shared_file_set_bytes;
    /* Write-back (disk.writeback_merge > 0): each local guest's dirty
     * bytes not yet sent, and whether a flush is scheduled. */
    double *wb_bytes;
    bool wb_flush_pending;
    /* Host kernel threads' work (ksmd): one vCPU of its own, made on first use. */
    uint32_t kthread_vcpu;
    bool has_kthread;
    /* What guests of different groups cost each other through shared
     * kernel locks, the host's I/O back end and the LLC (NULL: one group). */
    struct vs_contention *cont;
};

struct link_rt {
    const struct vs_link_spec *spec;
    struct vs_nic *net;         /* point-to-point: TX = from first_host, RX = towards it;
                                   a switch: TX only, the one shared medium */
    uint32_t first_host;
    bool *joins;                /* per host: on this link */
    uint64_t packets, bytes;
};

struct component_rt {
    const struct vs_component_ops *ops;
    void *state;
};

struct vs_world {
    struct vs_sim *sim;
};

/* A disk request of a component: done runs as an event callback. Kept
 * on a list until then, so that one still in flight when the run ends
 * (a checkpoint writing at the end of the window) is freed with the run. */
struct disk_done {
    vs_event_fn fn;
    void *ctx;
    uint64_t arg;
    struct disk_done *prev, *next;
};

struct vs_sim {
    struct vs_scenario sc;
    uint64_t seed;
    struct disk_done *disk_pending; /* components' disk requests in flight: freed by vs_sim_destroy when
                                       the run ends before they complete */
    struct vs_world world;
    struct vs_event_queue *q;
    struct host_rt *hosts;
    uint32_t n_hosts;
    struct link_rt *links;
    uint32_t n_links;
    struct component_rt comps[8];
    uint32_t n_comps;
    const struct vs_preset *preset;
    const struct vs_engine_ops *ops;
    struct instance *inst;
    uint32_t n_inst;
    uint32_t *group_first;   /* per group: its first instance */
    uint32_t *group_active;  /* per group: instances that exist (created or started) */
    struct request *req;
    uint32_t n_req, cap_req, free_req;
    struct vs_applied_event *applied;
    uint32_t n_applied, cap_applied;
    bool failed;             /* a callback hit a limit; the run stops */
    struct vs_error fail_err;
    struct vs_control *ctl;  /* the scenario's: budget, stop request, progress; or NULL */
    /* What grows with the load (the event queue, the device and network
     * queues, requests in flight) is charged here, against ctl's budget. */
    struct vs_mem_account mem;
    bool warm;               /* warm-up is over */
    /* Warm-up, duration and the timeline count from the moment the last
     * guest has booted, so engines with slow boots are measured over the
     * same steady state; boot times are reported on their own. */
    vs_time_ns booted_ns, warm_ns, end_ns;
    /* The timeline event being applied: when its resource change takes
     * full effect (absolute; -1: it changes no resource). */
    vs_time_ns effect_ns;
};

static void start_request(struct vs_sim *s, struct instance *in, uint32_t client, bool count_drop);
static void run_cpu(struct vs_sim *s, uint32_t r, uint32_t vcpu);
static void drop_request(struct vs_sim *s, uint32_t r);

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

/* A structure that could not grow: past the memory budget (the account
 * says which and by how much), or the machine's memory ran out (msg). */
static void fail_msg(struct vs_sim *s, const char *msg)
{
    struct vs_error e;
    if (s->mem.refused)
        vs_mem_refusal_error(&s->mem, &e);
    else
        vs_error_set(&e, VS_ERR_RUNTIME, NULL, 0, 0, "%s", msg);
    fail_run(s, &e);
}

static void schedule(struct vs_sim *s, vs_time_ns at, vs_event_fn fn, uint64_t arg)
{
    if (vs_event_schedule(s->q, at, fn, s, arg, NULL) != VS_OK)
        fail_msg(s, "the event queue is full: the scenario schedules more pending events than "
                    "the simulator allows (reduce guests, rates or duration)");
}

static struct host_rt *host_of(struct vs_sim *s, const struct instance *in) { return &s->hosts[in->host]; }

/* The memory an instance reuses, for the LLC it competes for: its working
 * set (its footprint when it gives none). sign: +1 when it takes its
 * memory on host h, -1 when it leaves it. */
static void contention_footprint(struct host_rt *h, const struct instance *in, double sign)
{
    const struct vs_memory_spec *m = &in->spec->workload.memory;
    double ws = m->working_set_bytes > 0 ? m->working_set_bytes : m->footprint_bytes;
    vs_contention_add_footprint(h->cont, in->group, sign * ws);
}

/* Its weight and cap in its host's scheduler: its group's, with a throttle
 * (migration) as a cap on what its vCPUs may use. */
static int apply_share(struct vs_sim *s, const struct instance *in)
{
    const struct vs_guest_spec *gs = in->spec;
    double cap = gs->cap_fraction;
    if (in->throttle < 1) {
        double all = cap > 0 && cap < gs->vcpus ? cap : (double)gs->vcpus;
        cap = all * (in->throttle > 0.01 ? in->throttle : 0.01);
    }
    return vs_cpu_set_share(s->hosts[in->host].cpu, in->cpu_guest, gs->weight, cap);
}

/* vCPUs made for each instance of group g: its count, the maximum it may
 * be hot-plugged up to (resources.cpu.max_vcpus) and any count a timeline
 * `set: cpus` asks for (a container's cpuset may grow beyond its start). */
static uint32_t vcpu_slots(const struct vs_scenario *sc, uint32_t g)
{
    const struct vs_guest_spec *gs = &sc->guests[g];
    uint32_t n = gs->vcpus > gs->resources.max_vcpus ? gs->vcpus : gs->resources.max_vcpus;
    for (uint32_t e = 0; e < sc->n_events; e++) {
        const struct vs_timeline_event *ev = &sc->events[e];
        if (strcmp(ev->action, "set") != 0 || strcmp(ev->target, gs->name) != 0) continue;
        for (uint32_t o = 0; o < ev->n_opts; o++)
            if (strcmp(ev->opts[o].key, "cpus") == 0 && ev->opts[o].value > n && ev->opts[o].value <= VS_MAX_VCPUS)
                n = (uint32_t)ev->opts[o].value;
    }
    return n;
}

/* Its group's disk and network limits (resources.disk, resources.net) on
 * its host's disk and NIC. */
static int apply_io_limits(struct vs_sim *s, const struct instance *in, struct vs_error *err)
{
    const struct vs_resources *r = &in->spec->resources;
    struct host_rt *h = &s->hosts[in->host];
    if (vs_disk_set_limits(h->disk, in->local, r->disk.iops, r->disk.bytes_per_s, r->disk.burst_s > 0 ? r->disk.burst_s : 0.1) != VS_OK ||
        vs_nic_set_limit(h->nic, in->local, r->net.bits_per_s, r->net.burst_bytes) != VS_OK ||
        vs_disk_set_weight(h->disk, in->local, r->disk.weight) != VS_OK)
        return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory for the I/O limits of guest %s", in->name);
    return VS_OK;
}

/* A group's instance slots: its own, those the timeline starts, and the
 * twins its migrations take over with (in that order). */
static uint32_t group_slots(const struct vs_guest_spec *gs) { return gs->count + gs->started_later + gs->n_twins; }

/* A guest that takes no more work: its callbacks drop what is in flight. */
static bool gone(const struct instance *in)
{
    return in->state == VS_GUEST_STOPPED || in->state == VS_GUEST_FAILED || in->state == VS_GUEST_MIGRATED;
}

/* A request whose guest went away or crashed since it arrived: its callbacks
 * free it and nothing more. */
static bool stale(const struct vs_sim *s, uint32_t r)
{
    const struct request *req = &s->req[r];
    const struct instance *in = &s->inst[req->instance];
    return gone(in) || in->state == VS_GUEST_DOWN || req->epoch != in->epoch;
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
        /* realloc may copy: the new table is charged while the old one exists. */
        uint64_t bytes = (uint64_t)cap * sizeof(struct request), old = (uint64_t)s->cap_req * sizeof(struct request);
        if (!vs_mem_take(&s->mem, bytes, "the requests in flight", old)) {
            fail_msg(s, "out of memory for requests in flight");
            return REQ_NONE;
        }
        struct request *grown = realloc(s->req, (size_t)cap * sizeof *grown);
        if (!grown) {
            vs_mem_give(&s->mem, bytes);
            fail_msg(s, "out of memory for requests in flight");
            return REQ_NONE;
        }
        vs_mem_give(&s->mem, old);
        s->req = grown;
        s->cap_req = cap;
    }
    return s->n_req++;
}

static void free_request(struct vs_sim *s, uint32_t r)
{
    s->req[r].live = false;
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
    in->arrival_pending = false;
    if (load->rate_per_s <= 0 || gone(in)) return;
    struct vs_dist gap = {load->arrivals, 1e9 / load->rate_per_s, 0};
    in->arrival_pending = true;
    schedule(s, vs_event_now(s->q) + draw_ns(&in->rng, &gap), on_open_arrival, i);
}

static void on_open_arrival(void *ctx, uint64_t arg)
{
    struct vs_sim *s = ctx;
    struct instance *in = &s->inst[arg];
    in->arrival_pending = false;
    if (gone(in)) return;
    if (in->state == VS_GUEST_DOWN || in->down_since >= 0) {
        /* Its clients keep coming while it is down or rebooting: each
         * request is lost. */
        if (s->warm) in->lost++;
    } else {
        start_request(s, in, 0, true);
    }
    schedule_open_arrival(s, (uint32_t)arg);
}

/* What request number `seq` of an instance does (its operation counts, its
 * packets) is drawn from a stream of its own, seeded by (instance, seq):
 * the same requests arrive with the same content under every engine, in
 * whatever order they reach a vCPU. These are common random numbers, so a
 * difference between engines is the engines', not the draws'. part 0 is
 * drawn at arrival, part 1 when the request runs, part 2 by its disk I/O. */
static void content_stream(const struct instance *in, uint64_t seq, int part, struct vs_rng *out)
{
    vs_rng_seed(out, in->content_key ^ ((seq * 4 + (uint64_t)part + 1) * 0x9E3779B97F4A7C15ull));
}

/* arg packs (instance, client) for closed-loop think timers. */
static uint64_t pack2(uint32_t a, uint32_t b) { return ((uint64_t)a << 32) | b; }

/* A think timer's arg: the instance, the client (< 2^20) and the epoch it
 * belongs to (mod 2^12): a client of a guest that crashed since is gone. */
#define CLIENT_BITS 20
static uint64_t think_arg(const struct vs_sim *s, uint32_t i, uint32_t client)
{
    return pack2(i, client | (s->inst[i].epoch & 0xFFFu) << CLIENT_BITS);
}

/* Where a guest's clients now send: the twin a migration moved it to. */
static struct instance *current_home(struct vs_sim *s, struct instance *in)
{
    while (in->moved_to != NONE) in = &s->inst[in->moved_to];
    return in;
}

static void on_think_done(void *ctx, uint64_t arg)
{
    struct vs_sim *s = ctx;
    struct instance *in = &s->inst[arg >> 32];
    uint32_t client = (uint32_t)arg & ((1u << CLIENT_BITS) - 1), epoch = (uint32_t)arg >> CLIENT_BITS;
    if (epoch != (in->epoch & 0xFFFu)) return; /* its guest crashed and restarted with new clients */
    in = current_home(s, in);
    if (gone(in) || in->state == VS_GUEST_DOWN) return;
    start_request(s, in, client, true);
}

static void start_load(void *ctx, uint64_t arg);

/* Whether a vCPU of the instance is online (a `set: cpus` may have taken
 * it away while it ran a request: it goes offline when that is done). */
static bool vcpu_online(const struct instance *in, uint32_t vcpu) { return vcpu - in->first_vcpu < in->n_vcpus; }


static void call_guest_start(struct vs_sim *s, uint32_t i)
{
    for (uint32_t c = 0; c < s->n_comps; c++)
        if (s->comps[c].ops->guest_start) s->comps[c].ops->guest_start(s->comps[c].state, &s->world, i);
}

/* A guest has booted. Before its first request, the engine may have one-time
 * work on the guest's code (a translator filling its cache): it runs on the
 * guest's first vCPU, and the load starts when it is done. */
static void on_guest_started(void *ctx, uint64_t arg)
{
    struct vs_sim *s = ctx;
    struct instance *in = &s->inst[arg];
    if (in->state != VS_GUEST_BOOTING) return; /* stopped or paused while booting */
    const struct vs_workload *wl = &in->spec->workload;
    struct host_rt *h = host_of(s, in);
    struct vs_work w;
    vs_work_clear(&w);
    vs_engine_price(&h->engine, h->spec, wl, VS_OP_CODE_LOAD, 1, wl->memory.code_bytes, &w);
    if (vs_work_total_cycles(&w) <= 0) {
        start_load(s, arg);
        return;
    }
    for (int e = 0; e < VS_EVT_COUNT; e++) in->stats.events[e] += w.events[e];
    uint32_t vcpu = in->idle_vcpus[--in->n_idle];
    if (vs_cpu_submit(h->cpu, vcpu, w.cycles, start_load, s, pack2((uint32_t)arg + 1, vcpu)) != VS_OK)
        fail_msg(s, vs_cpu_submit_error(h->cpu, vcpu, w.cycles));
}

/* arg: the instance; or, after a code-load burst, (instance + 1) in the
 * high half and the vCPU to give back in the low half. */
static void start_load(void *ctx, uint64_t arg)
{
    struct vs_sim *s = ctx;
    if (arg >> 32) {
        uint64_t i = (arg >> 32) - 1;
        if (vcpu_online(&s->inst[i], (uint32_t)arg)) s->inst[i].idle_vcpus[s->inst[i].n_idle++] = (uint32_t)arg;
        arg = i;
    }
    struct instance *in = &s->inst[arg];
    if (in->state != VS_GUEST_BOOTING) return;
    const struct vs_load_spec *load = &in->spec->workload.load;
    in->state = VS_GUEST_RUNNING;
    if (in->down_since >= 0) {
        /* Back from an outage: it serves again now. */
        vs_time_ns now = vs_event_now(s->q), from = in->down_since > s->warm_ns ? in->down_since : s->warm_ns;
        if (s->warm && now > from) in->down_ns += (double)(now - from);
        in->down_since = -1;
        in->last_recovered_ns = now;
    }
    switch (load->kind) {
    case VS_LOAD_OPEN:
        /* (an open load whose arrivals went on while it was down has one pending) */
        if (in->arrival_pending) break;
        schedule_open_arrival(s, (uint32_t)arg);
        break;
    case VS_LOAD_CLOSED:
        /* Clients start after one think time each, so they do not all
         * arrive at the same instant. */
        for (uint32_t c = 0; c < load->clients; c++)
            schedule(s, vs_event_now(s->q) + draw_ns(&in->rng, &load->think_ns), on_think_done,
                     think_arg(s, (uint32_t)arg, c));
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

/* ---- packets ---- */

/* The link that joins two hosts, or NONE. */
static uint32_t route(const struct vs_sim *s, uint32_t a, uint32_t b)
{
    for (uint32_t l = 0; l < s->n_links; l++)
        if (s->links[l].joins[a] && s->links[l].joins[b]) return l;
    return NONE;
}

/* A packet's path is up to three legs: the sending host's NIC, the link,
 * the receiving host's NIC. arg packs the request, the direction and the
 * leg just finished. */
static uint64_t pkt_arg(uint32_t r, int dir, int leg) { return ((uint64_t)r << 8) | (uint64_t)(dir << 4) | (uint64_t)leg; }

static void on_packet_leg(void *ctx, uint64_t arg, vs_time_ns response_ns);
static void enqueue_for_cpu(struct vs_sim *s, uint32_t r);
static void complete_request(struct vs_sim *s, uint32_t r);

/* Submits leg `leg` of a packet of request r travelling in `dir`. Returns
 * false when the packet has no such leg (it has arrived). */
static bool submit_leg(struct vs_sim *s, uint32_t r, int dir, int leg, uint64_t bytes)
{
    struct request *req = &s->req[r];
    struct instance *in = &s->inst[req->instance];
    int rc = VS_OK;
    if (req->peer == NONE) {
        /* Clients outside: the guest's host NIC only. */
        if (leg > 0) return false;
        rc = vs_nic_submit(host_of(s, in)->nic, dir == PKT_IN ? VS_NIC_RX : VS_NIC_TX, in->local, bytes,
                           on_packet_leg, s, pkt_arg(r, dir, 0));
    } else {
        struct instance *p = &s->inst[req->peer];
        if (p->host == in->host) return false; /* the host's bridge: no NIC */
        const struct instance *from = dir == PKT_IN ? p : in, *to = dir == PKT_IN ? in : p;
        if (leg == 0) {
            rc = vs_nic_submit(s->hosts[from->host].nic, VS_NIC_TX, from->local, bytes, on_packet_leg, s,
                               pkt_arg(r, dir, 0));
        } else if (leg == 1) {
            struct link_rt *l = &s->links[route(s, from->host, to->host)];
            l->packets++;
            l->bytes += bytes;
            enum vs_nic_dir d = l->spec->shared || from->host == l->first_host ? VS_NIC_TX : VS_NIC_RX;
            rc = vs_nic_submit(l->net, d, req->instance, bytes, on_packet_leg, s, pkt_arg(r, dir, 1));
        } else if (leg == 2) {
            rc = vs_nic_submit(s->hosts[to->host].nic, VS_NIC_RX, to->local, bytes, on_packet_leg, s,
                               pkt_arg(r, dir, 2));
        } else {
            return false;
        }
    }
    if (rc != VS_OK) fail_msg(s, "out of memory in a network queue");
    return true;
}

static void packet_arrived(struct vs_sim *s, uint32_t r, int dir)
{
    if (--s->req[r].pending_packets > 0) return;
    if (stale(s, r)) {
        drop_request(s, r);
        return;
    }
    if (dir == PKT_IN)
        enqueue_for_cpu(s, r);
    else
        complete_request(s, r);
}

static void on_packet_leg(void *ctx, uint64_t arg, vs_time_ns response_ns)
{
    (void)response_ns;
    struct vs_sim *s = ctx;
    uint32_t r = (uint32_t)(arg >> 8);
    int dir = (int)((arg >> 4) & 1), leg = (int)(arg & 15);
    struct instance *in = &s->inst[s->req[r].instance];
    uint64_t bytes = (uint64_t)((dir == PKT_IN ? in->rx_bytes_per_packet : in->tx_bytes_per_packet) + 0.5);
    if (!submit_leg(s, r, dir, leg + 1, bytes)) packet_arrived(s, r, dir);
}

/* Sends n packets of request r in `dir`; when the last has arrived the
 * request goes on (to the CPU, or to completion). */
static void send_packets(struct vs_sim *s, uint32_t r, int dir, uint32_t n)
{
    struct request *req = &s->req[r];
    struct instance *in = &s->inst[req->instance];
    uint64_t bytes = (uint64_t)((dir == PKT_IN ? in->rx_bytes_per_packet : in->tx_bytes_per_packet) + 0.5);
    if (dir == PKT_IN) {
        in->stats.net_rx_packets += n;
        in->stats.net_rx_bytes += n * bytes;
    } else {
        in->stats.net_tx_packets += n;
        in->stats.net_tx_bytes += n * bytes;
    }
    if (req->peer == NONE) {
        /* One NIC, one leg: the request's packets go to the ring together and
         * leave back to back, so one burst finishes when the last packet
         * would (nic.h). */
        req->pending_packets = 1;
        int rc = vs_nic_submit_burst(host_of(s, in)->nic, dir == PKT_IN ? VS_NIC_RX : VS_NIC_TX, in->local, n,
                                     bytes, on_packet_leg, s, pkt_arg(r, dir, 0));
        if (rc != VS_OK) fail_msg(s, "out of memory in a network queue");
        return;
    }
    /* Across hosts each packet moves on to the link as soon as it has left
     * the NIC (store and forward per packet), so packets go one by one. */
    req->pending_packets = n;
    bool any = false;
    for (uint32_t p = 0; p < n && !s->failed; p++)
        if (submit_leg(s, r, dir, 0, bytes)) any = true;
    if (!any && !s->failed) {
        /* Over the host's bridge: delivered at once. */
        req->pending_packets = 1;
        packet_arrived(s, r, dir);
    }
}

/* ---- the request's path ---- */

static void start_request(struct vs_sim *s, struct instance *in, uint32_t client, bool count_drop)
{
    uint32_t i = (uint32_t)(in - s->inst);
    const struct vs_request_spec *rq = &in->spec->workload.request;
    in->stats.arrived++;
    in->arrived_since_start++;
    if (count_drop && in->in_flight >= in->spec->queue_limit) {
        in->stats.dropped++;
        in->dropped_since_start++;
        /* A closed-loop client whose request is refused tries again after thinking. */
        if (in->spec->workload.load.kind == VS_LOAD_CLOSED)
            schedule(s, vs_event_now(s->q) + draw_ns(&in->rng, &in->spec->workload.load.think_ns),
                     on_think_done, think_arg(s, i, client));
        return;
    }
    uint32_t r = alloc_request(s);
    if (r == REQ_NONE) return;
    struct request *req = &s->req[r];
    *req = (struct request){.seq = in->next_seq++, .instance = i, .client = client, .peer = NONE,
                            .arrival_ns = vs_event_now(s->q), .next = REQ_NONE, .live = true,
                            .epoch = in->epoch};
    if (in->peer_group != NONE) {
        /* The clients are the peer group's instances that exist, in turn. */
        uint32_t n = s->group_active[in->peer_group];
        if (n > 0) req->peer = s->group_first[in->peer_group] + in->peer_next++ % n;
    }
    in->in_flight++;
    struct vs_rng content;
    content_stream(in, req->seq, 0, &content);
    uint64_t rx = vs_rng_count(&content, rq->count[VS_OP_NET_RX]);
    if (rx == 0) {
        enqueue_for_cpu(s, r);
        return;
    }
    req->rx_packets = (uint32_t)rx;
    send_packets(s, r, PKT_IN, (uint32_t)rx);
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
static double read_hit_probability(const struct host_rt *h, const struct instance *in);
static int write_back(struct vs_sim *s, struct host_rt *h, const struct instance *in, uint64_t writes,
                      double bytes_each, struct vs_rng *rng);

/* Performance isolation (host/contention.h): what this request's
 * operations pay the other groups on the host for the structures they
 * share (charged from the rates before it), then its own operations join
 * the rates. Which operations take which shared lock: page faults, forks
 * and execs the page allocator's; file reads (page-cache hits and misses)
 * and writes the page cache's and journal's; packets the network stack's;
 * under VMs, disk requests and packets the host back end's. */
static void charge_neighbours(struct vs_sim *s, struct host_rt *h, struct instance *in, double insns,
                              uint64_t hits, uint64_t reads, uint64_t writes, uint64_t packets, struct vs_work *w)
{
    struct vs_cont_ops ops = {0};
    ops.n[VS_KC_MM] = w->events[VS_EVT_PAGE_FAULT] + w->events[VS_EVT_FORK] + w->events[VS_EVT_EXEC] +
                      w->events[VS_EVT_PROCESS_CREATE];
    ops.n[VS_KC_FS] = (double)(hits + reads + writes);
    ops.n[VS_KC_NET] = (double)packets;
    ops.n[VS_KC_BACKEND] = (double)(reads + writes + packets);
    ops.llc_refs = insns * in->spec->workload.request.llc_refs_per_instruction;
    vs_time_ns now = vs_event_now(s->q);
    vs_contention_charge(h->cont, in->group, now, &ops, w, in->stats.contention_cycles);
    vs_contention_record(h->cont, in->group, now, &ops);
}

/* Draws this request's operations and asks the engine what they cost. */
static void run_cpu(struct vs_sim *s, uint32_t r, uint32_t vcpu)
{
    struct request *req = &s->req[r];
    struct instance *in = &s->inst[req->instance];
    struct host_rt *h = host_of(s, in);
    const struct vs_workload *wl = &in->spec->workload;
    const struct vs_request_spec *rq = &wl->request;
    const struct vs_engine *eng = &h->engine;
    const struct vs_host_spec *host = h->spec;
    struct vs_work w;
    vs_work_clear(&w);
    w.in_flight = in->in_flight; /* notifications batch only among these */
    struct vs_rng rng;
    content_stream(in, req->seq, 1, &rng);

    double insns = vs_dist_sample(&rq->instructions, &rng);
    vs_engine_price(eng, host, wl, VS_OP_INSTRUCTION, insns, 0, &w);
    static const enum vs_op_kind simple[] = {
        VS_OP_SYSCALL,   VS_OP_PAGE_FAULT,     VS_OP_TLB_MISS,       VS_OP_CONTEXT_SWITCH,
        VS_OP_KERNEL_INSTRUCTION, VS_OP_IRQ_FLAG, VS_OP_CR3_LOAD, VS_OP_PORT_IO,
        VS_OP_EXITING_INSN, VS_OP_PT_UPDATE, VS_OP_PROCESS_CREATE, VS_OP_FORK, VS_OP_EXEC, VS_OP_IPI,
        VS_OP_COW_FAULT, VS_OP_FILE_FAULT};
    for (size_t k = 0; k < sizeof simple / sizeof simple[0]; k++) {
        uint64_t n = vs_rng_count(&rng, rq->count[simple[k]]);
        if (n) vs_engine_price(eng, host, wl, simple[k], (double)n, 0, &w);
    }
    uint64_t reads = vs_rng_count(&rng, rq->count[VS_OP_DISK_READ]);
    uint64_t writes = vs_rng_count(&rng, rq->count[VS_OP_DISK_WRITE]);
    uint64_t tx = vs_rng_count(&rng, rq->count[VS_OP_NET_TX]);
    /* Received packets crossed the NIC before the request got here; their
     * CPU cost (driver, stack, copy) is paid here, by the request. */
    uint64_t rx = req->rx_packets;
    /* Which reads hit a page cache is part of the request's I/O: drawn from
     * its own I/O stream (no draw at all when nothing can hit, so a
     * workload without a file set meets the same device times as before). */
    content_stream(in, req->seq, 2, &req->io_rng);
    uint64_t hits = 0;
    double p_hit = reads ? read_hit_probability(h, in) : 0;
    if (p_hit >= 1)
        hits = reads;
    else if (p_hit > 0)
        for (uint64_t k = 0; k < reads; k++) hits += vs_rng_uniform01(&req->io_rng) < p_hit;
    reads -= hits;
    /* Host swapping (memory component): a touched page that the host
     * swapped out is a fault served from the host's disk. */
    uint64_t swap_faults = 0;
    if (in->swap_fault_p > 0) {
        swap_faults = vs_rng_count(&req->io_rng, rq->count[VS_OP_TLB_MISS] * in->swap_fault_p);
        if (swap_faults) vs_engine_price(eng, host, wl, VS_OP_PAGE_FAULT, (double)swap_faults, 0, &w);
        in->stats.swap_ins += swap_faults;
    }
    if (hits) vs_engine_price(eng, host, wl, VS_OP_PAGE_CACHE_READ, (double)hits, rq->disk_read_bytes, &w);
    if (reads) vs_engine_price(eng, host, wl, VS_OP_DISK_READ, (double)reads, rq->disk_read_bytes, &w);
    if (writes) vs_engine_price(eng, host, wl, VS_OP_DISK_WRITE, (double)writes, rq->disk_write_bytes, &w);
    if (rx) vs_engine_price(eng, host, wl, VS_OP_NET_RX, (double)rx, in->rx_bytes_per_packet, &w);
    if (tx) vs_engine_price(eng, host, wl, VS_OP_NET_TX, (double)tx, in->tx_bytes_per_packet, &w);
    if (h->cont) charge_neighbours(s, h, in, insns, hits, reads, writes, rx + tx, &w);

    /* The periodic timer interrupts the guest while it computes: their
     * number follows from the CPU time the request takes (before the
     * interrupts themselves, a first-order estimate). */
    double timer_hz = vs_cost(&host->costs, VS_COST_TIMER_HZ);
    if (timer_hz > 0) {
        double busy_ns = vs_cycles_to_ns(&host->cpu, vs_work_total_cycles(&w));
        uint64_t ticks = vs_rng_count(&rng, busy_ns * timer_hz / 1e9);
        if (ticks) vs_engine_price(eng, host, wl, VS_OP_TIMER_IRQ, (double)ticks, 0, &w);
    }

    req->disk_reads_left = (uint32_t)reads;
    req->swap_reads_left = (uint32_t)swap_faults;
    req->disk_sync_writes_left = rq->disk_sync ? (uint32_t)writes : 0;
    req->tx_packets = (uint32_t)tx;
    req->io_delay_ns = (vs_time_ns)(w.delay_ns + 0.5);
    /* Write-back: the data reaches the disk later, off the request's path,
     * but it still occupies the device. */
    if (!rq->disk_sync && writes && write_back(s, h, in, writes, rq->disk_write_bytes, &req->io_rng) != VS_OK) {
        fail_msg(s, "out of memory in the disk queue");
        return;
    }
    for (int e = 0; e < VS_EVT_COUNT; e++) in->stats.events[e] += w.events[e];

    if (vs_cpu_submit(h->cpu, vcpu, w.cycles, on_cpu_done, s, pack2(r, vcpu)) != VS_OK)
        fail_msg(s, vs_cpu_submit_error(h->cpu, vcpu, w.cycles));
}

static void next_io(struct vs_sim *s, uint32_t r);

/* Whether a guest reads from a page cache of its own (a VM: the part its
 * engine charges) or from the host's (native, containers). */
static bool own_page_cache(const struct instance *in)
{
    return in->memory.bytes[VS_MEM_PAGE_CACHE] > 0 || in->own_cache;
}

/* The probability that one of this guest's disk reads hits a page cache:
 * reads spread uniformly over its file set, of which the cache holds what
 * fits (docs/cost-rules.md, Page cache). A VM's cache is its own; the
 * host's is its free memory, shared by the file sets of the guests that
 * read through it. */
static double read_hit_probability(const struct host_rt *h, const struct instance *in)
{
    double file_set = in->spec->workload.memory.file_set_bytes;
    if (!(file_set > 0)) return 0;
    double cache = in->memory.bytes[VS_MEM_PAGE_CACHE], set = file_set;
    if (!own_page_cache(in)) {
        cache = vs_memory_free(h->mem);
        if (h->shared_file_set_bytes > set) set = h->shared_file_set_bytes;
    }
    /* Its balloon or its cgroup limit leaves it less (memory component):
     * then its own file set is what competes for it. */
    if (in->cache_limit_bytes >= 0 && cache > in->cache_limit_bytes) {
        cache = in->cache_limit_bytes;
        set = file_set;
    }
    if (!(cache > 0)) return 0;
    return cache >= set ? 1.0 : cache / set;
}

/* Sends every guest's remaining dirty bytes of this host as one request
 * each: the flusher's periodic pass. Not part of any request: the device
 * time is drawn from the disk's own stream. */
static void on_writeback_flush(void *ctx, uint64_t arg)
{
    struct vs_sim *s = ctx;
    struct host_rt *h = &s->hosts[arg];
    h->wb_flush_pending = false;
    uint32_t guests = h->n_local ? h->n_local : 1;
    for (uint32_t g = 0; g < guests; g++) {
        if (!(h->wb_bytes[g] > 0)) continue;
        uint64_t bytes = (uint64_t)(h->wb_bytes[g] + 0.5);
        h->wb_bytes[g] = 0;
        if (bytes && vs_disk_submit(h->disk, g, true, bytes, NULL, NULL, 0) != VS_OK) {
            fail_msg(s, "out of memory in the disk queue");
            return;
        }
    }
}

/* Write-back of a request's non-sync writes. Without merging each write
 * goes to the device on its own, at once. With merging the guest's dirty
 * data is gathered and sent in requests of up to the merge size (the
 * elevator sorts a flush by offset, and a guest's written-back data is
 * taken as contiguous: an upper bound on merging for scattered writes);
 * what is left goes at the next flush, one interval after it was written. */
static int write_back(struct vs_sim *s, struct host_rt *h, const struct instance *in, uint64_t writes,
                      double bytes_each, struct vs_rng *rng)
{
    const struct vs_disk_spec *dk = &h->spec->disk;
    if (!(dk->writeback_merge_bytes > 0)) {
        for (uint64_t k = 0; k < writes; k++)
            if (vs_disk_submit_drawn(h->disk, in->local, true, (uint64_t)bytes_each, rng, NULL, NULL, 0) != VS_OK)
                return VS_ERR_RUNTIME;
        return VS_OK;
    }
    double *acc = &h->wb_bytes[in->local];
    *acc += (double)writes * bytes_each;
    while (*acc >= dk->writeback_merge_bytes) {
        *acc -= dk->writeback_merge_bytes;
        if (vs_disk_submit_drawn(h->disk, in->local, true, (uint64_t)dk->writeback_merge_bytes, rng, NULL, NULL,
                                 0) != VS_OK)
            return VS_ERR_RUNTIME;
    }
    if (*acc > 0 && !h->wb_flush_pending) {
        h->wb_flush_pending = true;
        schedule(s, vs_event_now(s->q) + dk->writeback_interval_ns, on_writeback_flush, in->host);
    }
    return VS_OK;
}

static void on_cpu_done(void *ctx, uint64_t arg)
{
    struct vs_sim *s = ctx;
    uint32_t r = (uint32_t)(arg >> 32), vcpu = (uint32_t)arg;
    struct instance *in = &s->inst[s->req[r].instance];
    bool dead = stale(s, r);
    /* The vCPU goes straight to the next waiting request, if any. */
    if (!vcpu_online(in, vcpu)) {
        /* offline now: it takes nothing more */
    } else if (in->wait_head != REQ_NONE && !gone(in) && in->state != VS_GUEST_DOWN) {
        uint32_t next = in->wait_head;
        in->wait_head = s->req[next].next;
        if (in->wait_head == REQ_NONE) in->wait_tail = REQ_NONE;
        run_cpu(s, next, vcpu);
    } else {
        in->idle_vcpus[in->n_idle++] = vcpu;
    }
    if (dead)
        drop_request(s, r);
    else
        next_io(s, r);
}

static void on_io_done(void *ctx, uint64_t r, vs_time_ns response_ns)
{
    (void)response_ns;
    struct vs_sim *s = ctx;
    if (stale(s, (uint32_t)r))
        drop_request(s, (uint32_t)r);
    else
        next_io(s, (uint32_t)r);
}

static void on_io_delay_done(void *ctx, uint64_t r) { on_io_done(ctx, r, 0); }

static void next_io(struct vs_sim *s, uint32_t r)
{
    struct request *req = &s->req[r];
    struct instance *in = &s->inst[req->instance];
    const struct vs_request_spec *rq = &in->spec->workload.request;
    int rc = VS_OK;
    if (req->io_delay_ns > 0) {
        /* The I/O latency chain: the request waits, holding no CPU. */
        schedule(s, vs_event_now(s->q) + req->io_delay_ns, on_io_delay_done, r);
        req->io_delay_ns = 0;
    } else if (req->swap_reads_left > 0) {
        req->swap_reads_left--;
        rc = vs_disk_submit_drawn(host_of(s, in)->disk, in->local, false,
                                  (uint64_t)vs_cost(&host_of(s, in)->spec->costs, VS_COST_SWAP_CLUSTER_BYTES),
                                  &req->io_rng, on_io_done, s, r);
    } else if (req->disk_reads_left > 0) {
        req->disk_reads_left--;
        rc = vs_disk_submit_drawn(host_of(s, in)->disk, in->local, false, (uint64_t)rq->disk_read_bytes,
                                  &req->io_rng, on_io_done, s, r);
    } else if (req->disk_sync_writes_left > 0) {
        req->disk_sync_writes_left--;
        rc = vs_disk_submit_drawn(host_of(s, in)->disk, in->local, true, (uint64_t)rq->disk_write_bytes,
                                  &req->io_rng, on_io_done, s, r);
    } else if (req->tx_packets > 0) {
        uint32_t n = req->tx_packets;
        req->tx_packets = 0;
        send_packets(s, r, PKT_OUT, n);
    } else {
        complete_request(s, r);
    }
    if (rc != VS_OK) fail_msg(s, "out of memory in a device queue");
}

/* A request of a guest that stopped: it leaves without being counted. */
static void drop_request(struct vs_sim *s, uint32_t r)
{
    struct instance *in = &s->inst[s->req[r].instance];
    /* A crash already took what it had in flight off its counts. */
    if (s->req[r].epoch == in->epoch) {
        in->in_flight--;
        in->abandoned_since_start++;
    }
    free_request(s, r);
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
        schedule(s, now + draw_ns(&in->rng, &load->think_ns), on_think_done, think_arg(s, i, client));
    } else if (load->kind == VS_LOAD_BATCH) {
        in->batch_done++;
        if (in->batch_issued < load->total) {
            in->batch_issued++;
            start_request(s, in, client, false);
        } else if (in->batch_done == load->total) {
            in->state = in->state == VS_GUEST_PAUSED ? VS_GUEST_PAUSED : VS_GUEST_FINISHED;
            in->resume_state = VS_GUEST_FINISHED;
            in->batch_finished_ns = now;
        }
    }
}

/* ---- statistics window ---- */

/* Its vCPU time since the window began (or since it started). */
static double instance_vcpu_ns(const struct vs_sim *s, const struct instance *in)
{
    vs_time_ns now = vs_event_now(s->q), from = in->vcpu_since_ns > in->start_ns ? in->vcpu_since_ns : in->start_ns;
    if (now <= from) return in->vcpu_ns_acc;
    return in->vcpu_ns_acc + (double)in->n_vcpus * (double)(now - from);
}

/* Before its vCPU count changes: the time so far at the old count. */
static void note_vcpu_time(struct vs_sim *s, struct instance *in)
{
    in->vcpu_ns_acc = instance_vcpu_ns(s, in);
    in->vcpu_since_ns = vs_event_now(s->q);
}

static void reset_instance_stats(struct instance *in)
{
    struct vs_hist *h = in->stats.latency;
    vs_hist_reset(h);
    in->stats = (struct instance_stats){.latency = h};
    in->down_ns = 0;
    in->lost = 0;
    in->outages = 0;
}

static void on_warmup_end(void *ctx, uint64_t arg)
{
    (void)arg;
    struct vs_sim *s = ctx;
    for (uint32_t h = 0; h < s->n_hosts; h++) {
        struct host_rt *hr = &s->hosts[h];
        vs_cpu_reset_stats(hr->cpu);
        vs_disk_reset_stats(hr->disk);
        vs_nic_reset_stats(hr->nic);
    }
    for (uint32_t l = 0; l < s->n_links; l++) {
        vs_station_reset_stats(vs_nic_station(s->links[l].net, VS_NIC_RX));
        vs_station_reset_stats(vs_nic_station(s->links[l].net, VS_NIC_TX));
        s->links[l].packets = s->links[l].bytes = 0;
    }
    for (uint32_t i = 0; i < s->n_inst; i++) {
        reset_instance_stats(&s->inst[i]);
        s->inst[i].vcpu_ns_acc = 0;
        s->inst[i].vcpu_since_ns = vs_event_now(s->q);
    }
    for (uint32_t c = 0; c < s->n_comps; c++)
        if (s->comps[c].ops->warmup_reset) s->comps[c].ops->warmup_reset(s->comps[c].state, &s->world);
    s->warm = true;
}

/* ---- the timeline ---- */

static void record_applied(struct vs_sim *s, const struct vs_timeline_event *ev, bool ok, const char *why)
{
    if (s->n_applied == s->cap_applied) {
        uint32_t cap = s->cap_applied ? s->cap_applied * 2 : 16;
        struct vs_applied_event *grown = realloc(s->applied, cap * sizeof *grown);
        if (!grown) {
            fail_msg(s, "out of memory for the timeline");
            return;
        }
        s->applied = grown;
        s->cap_applied = cap;
    }
    struct vs_applied_event *a = &s->applied[s->n_applied++];
    a->at_ns = vs_event_now(s->q) - s->booted_ns;
    a->ok = ok;
    a->effective_ns = ok && s->effect_ns >= 0 ? s->effect_ns - s->booted_ns : -1;
    a->event = (uint32_t)(ev - s->sc.events);
    int used = snprintf(a->text, sizeof a->text, "%s %.60s", ev->action, ev->target);
    for (uint32_t o = 0; o < ev->n_opts && used > 0 && (size_t)used < sizeof a->text; o++)
        used += snprintf(a->text + used, sizeof a->text - (size_t)used, " %s=%s", ev->opts[o].key, ev->opts[o].text);
    if (!ok && used > 0 && (size_t)used < sizeof a->text)
        snprintf(a->text + used, sizeof a->text - (size_t)used, ": %s", why);
}

static void on_timeline_event(void *ctx, uint64_t arg)
{
    struct vs_sim *s = ctx;
    const struct vs_timeline_event *ev = &s->sc.events[arg];
    const struct vs_component_ops *owner = NULL;
    const struct vs_action_def *def = vs_action_find(ev->action, &owner);
    char why[200] = "";
    int rc = VS_ERR_INPUT;
    if (def) {
        void *state = NULL;
        for (uint32_t c = 0; c < s->n_comps; c++)
            if (s->comps[c].ops == owner) state = s->comps[c].state;
        s->effect_ns = -1;
        rc = def->apply(state, &s->world, ev, why, sizeof why);
    } else {
        snprintf(why, sizeof why, "no component has the action %s", ev->action);
    }
    record_applied(s, ev, rc == VS_OK, why);
}

/* ---- building the world ---- */

/* How much memory one instance of g will take on host h (for placement). */
static double planned_memory(const struct host_rt *h, const struct vs_guest_spec *g)
{
    struct vs_mem_parts parts;
    h->engine.ops->memory(h->engine.state, g, &parts);
    return vs_mem_parts_total(&parts);
}

/* Host index of a host instance name, or NONE. */
static uint32_t host_index(const struct vs_sim *s, const char *name)
{
    for (uint32_t h = 0; h < s->n_hosts; h++)
        if (strcmp(s->hosts[h].name, name) == 0) return h;
    return NONE;
}

/* Picks the host of one instance of g, following its placement. */
static uint32_t place(struct vs_sim *s, const struct vs_guest_spec *g)
{
    uint32_t lo = 0, hi = s->n_hosts;
    if (g->placement == VS_PLACE_NAMED) {
        uint32_t h = host_index(s, g->host);
        if (h != NONE) return h;
        /* A hosts: entry: spread over its instances. */
        uint32_t first = 0;
        for (uint32_t d = 0; d < s->sc.n_hosts; d++) {
            if (strcmp(s->sc.hosts[d].name, g->host) == 0) {
                lo = first;
                hi = first + s->sc.hosts[d].count;
                break;
            }
            first += s->sc.hosts[d].count;
        }
    }
    uint32_t best = lo;
    for (uint32_t h = lo; h < hi; h++) {
        if (g->placement == VS_PLACE_PACK) {
            /* The first host it still fits on; if none, the last. */
            best = h;
            if (s->hosts[h].planned_bytes + planned_memory(&s->hosts[h], g) <=
                s->hosts[h].spec->memory_bytes - s->hosts[h].spec->host_reserved_bytes)
                break;
        } else if (s->hosts[h].n_local < s->hosts[best].n_local) {
            best = h;
        }
    }
    return best;
}

static int build_hosts(struct vs_sim *s, const char *engine, struct vs_error *err)
{
    uint32_t n = vs_scenario_host_count(&s->sc);
    if (n == 0 || n > VS_MAX_HOSTS)
        return vs_error_set(err, VS_ERR_INPUT, s->sc.file, 0, 0, "%u hosts; between 1 and %d are allowed", n,
                            VS_MAX_HOSTS);
    s->hosts = calloc(n, sizeof *s->hosts);
    if (!s->hosts) return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    uint32_t h = 0;
    for (uint32_t d = 0; d < s->sc.n_hosts; d++)
        for (uint32_t k = 0; k < s->sc.hosts[d].count; k++, h++) {
            struct host_rt *hr = &s->hosts[h];
            const struct vs_host_decl *decl = &s->sc.hosts[d];
            if (decl->count == 1)
                snprintf(hr->name, sizeof hr->name, "%s", decl->name);
            else
                snprintf(hr->name, sizeof hr->name, "%.50s-%u", decl->name, k + 1);
            hr->spec = &decl->spec;
            s->n_hosts = h + 1;
            int rc = vs_engine_open(engine, hr->spec, &hr->engine, err);
            if (rc != VS_OK) return rc;
        }
    s->preset = s->hosts[0].engine.preset;
    s->ops = s->hosts[0].engine.ops;
    return VS_OK;
}

static int build_links(struct vs_sim *s, struct vs_error *err)
{
    s->links = calloc(s->sc.n_links ? s->sc.n_links : 1, sizeof *s->links);
    if (!s->links) return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    for (uint32_t l = 0; l < s->sc.n_links; l++) {
        struct link_rt *lr = &s->links[l];
        lr->spec = &s->sc.links[l];
        s->n_links = l + 1;
        lr->joins = calloc(s->n_hosts, sizeof *lr->joins);
        lr->net = vs_nic_create(&lr->spec->net, s->q, s->n_inst ? s->n_inst : 1);
        if (!lr->joins || !lr->net) return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
        /* Named as the report names it: "the link a <-> b", "the switch a, b". */
        char what[72];
        size_t used = (size_t)snprintf(what, sizeof what, "the %s ", lr->spec->shared || lr->spec->n_ends > 2 ? "switch" : "link");
        for (uint32_t e = 0; e < lr->spec->n_ends && used < sizeof what; e++)
            used += (size_t)snprintf(what + used, sizeof what - used, "%s%.20s",
                                     e ? (lr->spec->shared || lr->spec->n_ends > 2 ? ", " : " <-> ") : "",
                                     lr->spec->ends[e]);
        vs_nic_set_what(lr->net, what);
        lr->first_host = NONE;
        for (uint32_t e = 0; e < lr->spec->n_ends; e++) {
            const char *end = lr->spec->ends[e];
            uint32_t h = host_index(s, end);
            if (h != NONE) {
                lr->joins[h] = true;
                if (lr->first_host == NONE) lr->first_host = h;
                continue;
            }
            uint32_t first = 0;
            for (uint32_t d = 0; d < s->sc.n_hosts; d++) {
                if (strcmp(s->sc.hosts[d].name, end) == 0)
                    for (uint32_t k = 0; k < s->sc.hosts[d].count; k++) {
                        lr->joins[first + k] = true;
                        if (lr->first_host == NONE) lr->first_host = first + k;
                    }
                first += s->sc.hosts[d].count;
            }
        }
    }
    return VS_OK;
}

/* Starts instance i now: charges its memory, boots it. */
static int start_instance(struct vs_sim *s, uint32_t i, char *why, size_t why_len)
{
    struct instance *in = &s->inst[i];
    struct host_rt *h = host_of(s, in);
    h->engine.ops->memory(h->engine.state, in->spec, &in->memory);
    for (uint32_t c = 0; c < s->n_comps; c++)
        if (s->comps[c].ops->admit) s->comps[c].ops->admit(s->comps[c].state, &s->world, i, &in->memory, &in->own_cache);
    /* A guest the host may swap is admitted past the free memory: the
     * memory component sets what it holds in RAM once it starts. */
    if (in->overcommit) vs_memory_charge_over(h->mem, in->local, &in->memory);
    if (in->overcommit || vs_memory_charge(h->mem, in->local, &in->memory)) {
        if (!own_page_cache(in)) h->shared_file_set_bytes += in->spec->workload.memory.file_set_bytes;
        contention_footprint(h, in, +1);
    } else {
        /* It does not fit: reported as failed, as a real host would refuse
         * to start it; the others run. */
        in->state = VS_GUEST_FAILED;
        memset(&in->memory, 0, sizeof in->memory);
        snprintf(why, why_len, "%s does not fit in the memory left on host %s", in->name, h->name);
        return VS_ERR_INPUT;
    }
    in->state = VS_GUEST_BOOTING;
    in->start_ns = vs_event_now(s->q);
    vs_time_ns boot = h->engine.ops->start_time(h->engine.state, in->spec);
    in->ready_ns = in->start_ns + boot;
    if (vs_event_schedule(s->q, in->ready_ns, on_guest_started, s, i, NULL) != VS_OK) {
        snprintf(why, why_len, "the event queue is full");
        return VS_ERR_RUNTIME;
    }
    call_guest_start(s, i);
    return VS_OK;
}

static int build_instances(struct vs_sim *s, struct vs_error *err)
{
    uint64_t total = 0;
    for (uint32_t g = 0; g < s->sc.n_guests; g++) total += group_slots(&s->sc.guests[g]);
    if (total > VS_MAX_GUESTS)
        return vs_error_set(err, VS_ERR_INPUT, s->sc.file, 0, 0,
                            "%llu guest instances; at most %d are allowed", (unsigned long long)total,
                            VS_MAX_GUESTS);
    s->inst = calloc(total ? total : 1, sizeof *s->inst);
    s->group_first = calloc(s->sc.n_guests ? s->sc.n_guests : 1, sizeof *s->group_first);
    s->group_active = calloc(s->sc.n_guests ? s->sc.n_guests : 1, sizeof *s->group_active);
    if (!s->inst || !s->group_first || !s->group_active)
        return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    s->n_inst = (uint32_t)total;

    /* Placement first: every host's resources are sized by the guests it
     * will hold (instances the timeline starts later included). */
    uint32_t i = 0;
    for (uint32_t g = 0; g < s->sc.n_guests; g++) {
        const struct vs_guest_spec *gs = &s->sc.guests[g];
        s->group_first[g] = i;
        s->group_active[g] = gs->count;
        for (uint32_t k = 0; k < group_slots(gs); k++, i++) {
            struct instance *in = &s->inst[i];
            in->group = g;
            in->spec = gs;
            uint32_t twin = k - (gs->count + gs->started_later);
            in->host = k < gs->count + gs->started_later ? place(s, gs) : host_index(s, gs->twins[twin].host);
            if (in->host == NONE)
                return vs_error_set(err, VS_ERR_INPUT, s->sc.file, 0, 0, "a migration of %s goes to host %s, which "
                                    "the scenario does not have", gs->twins[twin].of, gs->twins[twin].host);
            struct host_rt *h = &s->hosts[in->host];
            in->local = h->n_local++;
            h->planned_bytes += planned_memory(h, gs);
        }
    }
    for (uint32_t h = 0; h < s->n_hosts; h++) {
        struct host_rt *hr = &s->hosts[h];
        const struct vs_host_spec *sp = hr->spec;
        uint32_t guests = hr->n_local ? hr->n_local : 1;
        /* Host 0's disk draws from the run's seed, as a one-host run always
         * has; the others from their own streams. */
        uint64_t disk_seed = h == 0 ? s->seed : s->seed ^ (0x9E3779B97F4A7C15ull * (h + 1));
        hr->cpu = vs_cpu_create(&sp->cpu, vs_cost(&sp->costs, VS_COST_CONTEXT_SWITCH_CYCLES), s->q);
        /* The system's own scheduler (Xen's credit scheduler, a container's two levels). */
        if (hr->cpu && hr->engine.preset->sched != VS_SCHED_CFS)
            vs_cpu_set_scheduler(hr->cpu, hr->engine.preset->sched, !sp->cpu.no_boost);
        hr->disk = vs_disk_create(&sp->disk, s->q, disk_seed, guests);
        hr->nic = vs_nic_create(&sp->nic, s->q, guests);
        hr->mem = vs_memory_create(sp->memory_bytes, sp->host_reserved_bytes, guests);
        hr->wb_bytes = calloc(guests, sizeof *hr->wb_bytes);
        if (!hr->cpu || !hr->disk || !hr->nic || !hr->mem || !hr->wb_bytes)
            return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
        char what[96];
        snprintf(what, sizeof what, "host %.60s's NIC", hr->name);
        vs_nic_set_what(hr->nic, what);
        snprintf(what, sizeof what, "the disk queue of host %.60s", hr->name);
        vs_station_set_what(vs_disk_station(hr->disk), what);
        /* Guests of different groups contend on what they share; which
         * structures those are depends on the engine (a shared kernel or
         * not). */
        struct vs_contention_config cc = {.n_groups = s->sc.n_guests,
                                          .shared_kernel = hr->engine.ops->shares_host_kernel,
                                          .shared_backend = !hr->engine.ops->shares_host_kernel};
        if (vs_contention_create(sp, &cc, &hr->cont) != VS_OK)
            return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    }

    i = 0;
    for (uint32_t g = 0; g < s->sc.n_guests; g++) {
        const struct vs_guest_spec *gs = &s->sc.guests[g];
        uint32_t peer = NONE;
        for (uint32_t p = 0; p < s->sc.n_guests && gs->peer[0]; p++)
            if (strcmp(s->sc.guests[p].name, gs->peer) == 0) peer = p;
        for (uint32_t k = 0; k < group_slots(gs); k++, i++) {
            struct instance *in = &s->inst[i];
            struct host_rt *h = host_of(s, in);
            in->peer_group = peer;
            in->moved_to = NONE;
            in->throttle = 1;
            in->cache_limit_bytes = -1;
            in->down_since = in->last_recovered_ns = -1;
            in->wait_head = in->wait_tail = REQ_NONE;
            in->batch_finished_ns = -1;
            in->state = VS_GUEST_STOPPED;
            if (gs->count == 1 && gs->started_later == 0)
                snprintf(in->name, sizeof in->name, "%s", gs->name);
            else if (gs->count == 1 && k == 0)
                snprintf(in->name, sizeof in->name, "%s", gs->name);
            else
                snprintf(in->name, sizeof in->name, "%.50s-%u", gs->name, k + 1);
            /* A twin has the name of the guest it takes over from. */
            if (k >= gs->count + gs->started_later)
                snprintf(in->name, sizeof in->name, "%s", gs->twins[k - gs->count - gs->started_later].of);
            vs_rng_seed_stream(&in->rng, s->seed, in->name);
            in->content_key = vs_rng_next(&in->rng);
            const struct vs_request_spec *rq = &gs->workload.request;
            in->rx_bytes_per_packet =
                rq->count[VS_OP_NET_RX] > 0 ? rq->net_rx_bytes / rq->count[VS_OP_NET_RX] : 0;
            in->tx_bytes_per_packet =
                rq->count[VS_OP_NET_TX] > 0 ? rq->net_tx_bytes / rq->count[VS_OP_NET_TX] : 0;
            in->stats.latency = vs_hist_create();
            uint32_t slots = vcpu_slots(&s->sc, g);
            in->idle_vcpus = calloc(slots, sizeof *in->idle_vcpus);
            if (!in->stats.latency || !in->idle_vcpus)
                return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
            if (vs_cpu_add_guest(h->cpu, gs->weight, gs->cap_fraction, &in->cpu_guest) != VS_OK)
                return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "could not add guest %s", in->name);
            if (gs->pin_cores && vs_cpu_pin_guest(h->cpu, in->cpu_guest, gs->pin_first, gs->pin_cores) != VS_OK)
                return vs_error_set(err, VS_ERR_INPUT, s->sc.file, gs->line, 0,
                                    "guest %s is pinned to cores %u-%u, but host %s has %u cores (0-%u)", gs->name,
                                    gs->pin_first, gs->pin_first + gs->pin_cores - 1, h->name, h->spec->cpu.cores,
                                    h->spec->cpu.cores - 1);
            for (uint32_t v = 0; v < slots; v++) {
                uint32_t id;
                if (vs_cpu_add_vcpu(h->cpu, in->cpu_guest, &id) != VS_OK)
                    return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "could not add a vCPU");
                if (v == 0) in->first_vcpu = id;
                /* Pushed in reverse so vCPU 0 is taken first. */
                if (v < gs->vcpus) in->idle_vcpus[gs->vcpus - 1 - v] = id;
            }
            /* vCPUs beyond its count wait, offline, for a `set: cpus`. */
            if (slots > gs->vcpus && vs_cpu_set_guest_vcpus(h->cpu, in->cpu_guest, gs->vcpus) != VS_OK)
                return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "could not add a vCPU");
            in->n_vcpus = in->n_idle = gs->vcpus;
            int lim = apply_io_limits(s, in, err);
            if (lim != VS_OK) return lim;
        }
    }
    return VS_OK;
}

/* Clients on another host need a link to it. */
static int check_routes(struct vs_sim *s, struct vs_error *err)
{
    uint32_t i;
    for (i = 0; i < s->n_inst; i++) {
        const struct instance *in = &s->inst[i];
        if (in->peer_group == NONE) continue;
        for (uint32_t k = 0; k < s->sc.guests[in->peer_group].count; k++) {
            const struct instance *p = &s->inst[s->group_first[in->peer_group] + k];
            if (p->host != in->host && route(s, in->host, p->host) == NONE)
                return vs_error_set(err, VS_ERR_INPUT, s->sc.file, in->spec->line, 0,
                                    "guest %s on host %s has its clients (%s) on host %s, and no link joins "
                                    "the two hosts: add one under links:",
                                    in->name, s->hosts[in->host].name, p->name, s->hosts[p->host].name);
        }
    }
    return VS_OK;
}

static int build_components(struct vs_sim *s, struct vs_error *err)
{
    for (size_t c = 0; c < vs_component_count() && c < sizeof s->comps / sizeof s->comps[0]; c++) {
        struct component_rt *cr = &s->comps[s->n_comps];
        cr->ops = vs_component_at(c);
        cr->state = NULL;
        if (cr->ops->build) {
            int rc = cr->ops->build(&s->world, &cr->state, err);
            if (rc != VS_OK) return rc;
        }
        s->n_comps++;
    }
    return VS_OK;
}

/* A scenario built in code may leave hosts: empty: hosts[0] is its host. */
static void normalise_hosts(struct vs_scenario *sc)
{
    if (sc->n_hosts == 0) sc->n_hosts = 1;
    for (uint32_t d = 0; d < sc->n_hosts; d++) {
        if (sc->hosts[d].count == 0) sc->hosts[d].count = 1;
        if (!sc->hosts[d].name[0])
            snprintf(sc->hosts[d].name, sizeof sc->hosts[d].name, "%s",
                     sc->hosts[d].spec.name[0] ? sc->hosts[d].spec.name : "host");
    }
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
    normalise_hosts(&s->sc);
    s->seed = seed;
    s->world.sim = s;
    s->free_req = REQ_NONE;
    s->ctl = sc->control;
    vs_mem_account_init(&s->mem, s->ctl ? &s->ctl->budget : NULL);
    s->q = vs_event_queue_create(1024);
    int rc = s->q ? VS_OK : vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    if (rc == VS_OK && !vs_event_set_account(s->q, &s->mem)) rc = vs_mem_refusal_error(&s->mem, err);
    if (rc == VS_OK && s->ctl) vs_event_set_interrupt(s->q, &s->ctl->stop);
    if (rc == VS_OK) rc = build_hosts(s, engine, err);
    if (rc == VS_OK) rc = build_instances(s, err);
    if (rc == VS_OK) rc = build_links(s, err);
    if (rc == VS_OK) rc = check_routes(s, err);
    if (rc == VS_OK) rc = build_components(s, err);
    if (rc == VS_OK) {
        uint32_t i = 0;
        for (uint32_t g = 0; g < s->sc.n_guests && rc == VS_OK; g++) {
            const struct vs_guest_spec *gs = &s->sc.guests[g];
            for (uint32_t k = 0; k < group_slots(gs); k++, i++) {
                if (k >= gs->count) continue; /* the timeline starts it, or a migration */
                char why[200];
                int r = start_instance(s, i, why, sizeof why);
                if (r == VS_ERR_RUNTIME) rc = vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "%s", why);
            }
        }
        for (i = 0; i < s->n_inst; i++)
            if (s->inst[i].state == VS_GUEST_BOOTING && s->inst[i].ready_ns > s->booted_ns)
                s->booted_ns = s->inst[i].ready_ns;
        if (s->booted_ns > VS_MAX_DURATION_NS)
            rc = vs_error_set(err, VS_ERR_INPUT, sc->file, 0, 0, "guests take more than a day to boot");
        s->warm_ns = s->booted_ns + s->sc.warmup_ns;
        s->end_ns = s->booted_ns + s->sc.duration_ns;
    }
    if (rc == VS_OK && vs_event_schedule(s->q, s->warm_ns, on_warmup_end, s, 0, NULL) != VS_OK)
        rc = vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "event queue full");
    for (uint32_t e = 0; e < s->sc.n_events && rc == VS_OK; e++)
        if (vs_event_schedule(s->q, s->booted_ns + s->sc.events[e].at_ns, on_timeline_event, s, e, NULL) != VS_OK)
            rc = vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "event queue full");
    if (rc == VS_OK && s->mem.refused) rc = vs_mem_refusal_error(&s->mem, err);
    if (rc != VS_OK) {
        vs_sim_destroy(s);
        return rc;
    }
    if (s->ctl) {
        atomic_fetch_add(&s->ctl->runs_started, 1);
        atomic_fetch_add(&s->ctl->started_ns, s->end_ns);
    }
    *out = s;
    return VS_OK;
}

void vs_sim_destroy(struct vs_sim *s)
{
    if (!s) return;
    for (uint32_t c = 0; c < s->n_comps; c++)
        if (s->comps[c].ops->destroy) s->comps[c].ops->destroy(s->comps[c].state);
    for (uint32_t i = 0; i < s->n_inst; i++) {
        vs_hist_destroy(s->inst[i].stats.latency);
        free(s->inst[i].idle_vcpus);
    }
    free(s->inst);
    free(s->group_first);
    free(s->group_active);
    vs_mem_give(&s->mem, (uint64_t)s->cap_req * sizeof(struct request));
    free(s->req);
    free(s->applied);
    for (uint32_t h = 0; h < s->n_hosts; h++) {
        struct host_rt *hr = &s->hosts[h];
        vs_cpu_destroy(hr->cpu);
        vs_disk_destroy(hr->disk);
        vs_nic_destroy(hr->nic);
        vs_memory_destroy(hr->mem);
        free(hr->wb_bytes);
        vs_contention_destroy(hr->cont);
        vs_engine_close(&hr->engine);
    }
    free(s->hosts);
    for (uint32_t l = 0; l < s->n_links; l++) {
        vs_nic_destroy(s->links[l].net);
        free(s->links[l].joins);
    }
    free(s->links);
    while (s->disk_pending) {
        struct disk_done *d = s->disk_pending;
        s->disk_pending = d->next;
        free(d);
    }
    vs_event_queue_destroy(s->q);
    vs_mem_account_close(&s->mem);
    free(s);
}

/* Why the run stopped: the first failure, a refusal of the memory budget
 * that no callback reported, or the user's stop request. */
static int stop_status(struct vs_sim *s, struct vs_error *err)
{
    if (!s->failed && s->mem.refused) fail_msg(s, "");
    if (s->failed) {
        *err = s->fail_err;
        return VS_ERR_RUNTIME;
    }
    if (vs_control_stopped(s->ctl))
        return vs_error_set(err, VS_ERR_INTERRUPTED, NULL, 0, 0, "interrupted at simulated time %.3f s",
                            (double)vs_event_now(s->q) / 1e9);
    return VS_OK;
}

int vs_sim_advance(struct vs_sim *s, vs_time_ns until, struct vs_error *err)
{
    int rc = stop_status(s, err);
    if (rc != VS_OK) return rc;
    if (until > s->end_ns) until = s->end_ns;
    /* Run in slices so the event limit, the budget and the stop request are
     * checked without a test per event (the event loop itself stops at once
     * on a stop request), and the progress counters move. */
    while (vs_event_now(s->q) < until) {
        vs_time_ns step = vs_event_now(s->q) + 10 * VS_NS_PER_MS, was = vs_event_now(s->q);
        uint64_t ran = vs_event_run_until(s->q, step < until ? step : until);
        if (s->ctl) {
            atomic_fetch_add_explicit(&s->ctl->events, ran, memory_order_relaxed);
            atomic_fetch_add_explicit(&s->ctl->done_ns, vs_event_now(s->q) - was, memory_order_relaxed);
        }
        rc = stop_status(s, err);
        if (rc != VS_OK) return rc;
        if (vs_event_executed(s->q) > s->sc.max_events)
            return vs_error_set(err, VS_ERR_RUNTIME, s->sc.file, 0, 0,
                                "more than %llu events by simulated time %.3f s: raise max_events "
                                "or shorten the run",
                                (unsigned long long)s->sc.max_events,
                                (double)vs_event_now(s->q) / 1e9);
    }
    return VS_OK;
}

size_t vs_sim_request_bytes(void) { return sizeof(struct request); }

vs_time_ns vs_sim_now(const struct vs_sim *s) { return vs_event_now(s->q); }

vs_time_ns vs_sim_booted(const struct vs_sim *s) { return s->booted_ns; }

bool vs_sim_done(const struct vs_sim *s) { return vs_event_now(s->q) >= s->end_ns; }

void vs_sim_group_progress(const struct vs_sim *s, uint32_t group, struct vs_sim_progress *out)
{
    memset(out, 0, sizeof *out);
    out->warm = s->warm;
    if (group >= s->sc.n_guests) return;
    uint32_t first = s->group_first[group], n = group_slots(&s->sc.guests[group]);
    for (uint32_t i = first; i < first + n; i++) {
        out->arrived += s->inst[i].stats.arrived;
        out->completed += s->inst[i].stats.completed;
        out->failed += s->inst[i].state == VS_GUEST_FAILED;
    }
}

uint64_t vs_sim_group_slow(const struct vs_sim *s, uint32_t group, int64_t latency_ns)
{
    if (group >= s->sc.n_guests) return 0;
    uint64_t n = 0;
    uint32_t first = s->group_first[group], count = group_slots(&s->sc.guests[group]);
    for (uint32_t i = first; i < first + count; i++)
        if (s->inst[i].stats.latency) n += vs_hist_count_from(s->inst[i].stats.latency, latency_ns);
    return n;
}

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
    const struct host_rt *h = &s->hosts[in->host];
    const struct vs_guest_spec *gs = in->spec;
    memset(g, 0, sizeof *g);
    snprintf(g->name, sizeof g->name, "%s", in->name);
    snprintf(g->group, sizeof g->group, "%s", gs->name);
    snprintf(g->workload, sizeof g->workload, "%s", gs->workload.name);
    snprintf(g->engine, sizeof g->engine, "%s", s->preset->name);
    snprintf(g->host, sizeof g->host, "%s", h->name);
    g->state = in->state;
    g->instances = 1;
    g->failed_instances = in->state == VS_GUEST_FAILED;
    g->vcpus = in->n_vcpus; /* its vCPUs now (a timeline `set: cpus` changes them) */
    g->batch = gs->workload.load.kind == VS_LOAD_BATCH;
    g->load = gs->workload.load.kind;
    g->arrived = in->stats.arrived;
    g->completed_since_start = in->completed_since_start;
    g->completed = in->stats.completed;
    g->dropped = in->stats.dropped;
    g->arrived_since_start = in->arrived_since_start;
    g->dropped_since_start = in->dropped_since_start;
    g->abandoned_since_start = in->abandoned_since_start;
    for (uint32_t r = in->wait_head; r != REQ_NONE; r = s->req[r].next) g->queued++;
    g->in_service = in->in_flight - g->queued;
    g->throughput_per_s = window_ns > 0 ? (double)in->stats.completed * 1e9 / window_ns : 0;
    g->completion_ns = in->batch_finished_ns >= 0 ? (double)(in->batch_finished_ns - in->ready_ns) : -1;
    g->batch_done = in->batch_done;
    g->batch_total = g->batch ? gs->workload.load.total : 0;
    latency_summary(in->stats.latency, &g->latency);
    struct vs_cpu_guest_stats cg;
    vs_cpu_get_guest_stats(h->cpu, in->cpu_guest, &cg);
    memcpy(g->cpu_ns, cg.ns_by_cat, sizeof g->cpu_ns);
    g->cpu_wait_ns = cg.wait_ns;
    g->vcpu_ns = instance_vcpu_ns(s, in);
    uint64_t delayed;
    vs_disk_guest_throttle(h->disk, in->local, &delayed, &g->disk_throttle_wait_ns);
    vs_nic_guest_throttle(h->nic, in->local, &delayed, &g->net_throttle_wait_ns);
    memcpy(g->events, in->stats.events, sizeof g->events);
    g->events[VS_EVT_CONTEXT_SWITCH] += (double)cg.context_switches;
    if (!gone(in)) g->memory = in->memory;
    struct vs_station_guest_stats ds;
    vs_station_get_guest_stats(vs_disk_station_const(h->disk), in->local, &ds);
    g->disk_ops = ds.completed;
    g->disk_bytes = ds.bytes;
    g->disk_busy_ns = ds.busy_ns;
    g->net_rx_packets = in->stats.net_rx_packets;
    g->net_tx_packets = in->stats.net_tx_packets;
    g->net_rx_bytes = in->stats.net_rx_bytes;
    g->net_tx_bytes = in->stats.net_tx_bytes;
    g->start_ns = in->ready_ns - in->start_ns;
    g->down_ns = in->down_ns;
    if (in->down_since >= 0 && s->warm) {
        /* an outage still going: down until now */
        vs_time_ns now = vs_event_now(s->q), from = in->down_since > s->warm_ns ? in->down_since : s->warm_ns;
        if (now > from) g->down_ns += (double)(now - from);
    }
    g->lost = in->lost;
    g->outages = in->outages;
    for (uint32_t c = 0; c < s->n_comps; c++)
        if (s->comps[c].ops->guest_memory) s->comps[c].ops->guest_memory(s->comps[c].state, &s->world, i, &g->mm);
    for (int k = 0; k < VS_CONT_KINDS; k++)
        g->contention_ns[k] = vs_cycles_to_ns(&h->spec->cpu, in->stats.contention_cycles[k]);
}

/* Sums memory-management figures (a group's instances, a run's hosts). */
static void mm_add(struct vs_mem_mgmt *a, const struct vs_mem_mgmt *b)
{
    if (!b->managed) return;
    if (!a->managed) {
        *a = *b;
        return;
    }
    a->allocated_bytes += b->allocated_bytes;
    a->resident_bytes += b->resident_bytes;
    a->shared_bytes += b->shared_bytes;
    a->ballooned_bytes += b->ballooned_bytes;
    a->swapped_bytes += b->swapped_bytes;
    a->limit_bytes += b->limit_bytes;
    a->swap_ins += b->swap_ins;
    a->oom_kills += b->oom_kills;
    a->ksm_cpu_ns += b->ksm_cpu_ns;
    a->balloon_cpu_ns += b->balloon_cpu_ns;
    if (b->oom_first_ns >= 0 && (a->oom_first_ns < 0 || b->oom_first_ns < a->oom_first_ns))
        a->oom_first_ns = b->oom_first_ns;
    /* A change takes full effect when its slowest instance has it (-1: one has not yet). */
    if (b->change_at_ns >= 0) {
        if (a->change_at_ns < 0) {
            a->change_done_ns = b->change_done_ns;
        } else if (a->change_done_ns >= 0 && (b->change_done_ns < 0 || b->change_done_ns > a->change_done_ns)) {
            a->change_done_ns = b->change_done_ns;
        }
        if (b->change_at_ns > a->change_at_ns) a->change_at_ns = b->change_at_ns;
    }
}

/* Adds an instance's figures into its group's. */
static void add_to_group(struct vs_guest_result *grp, const struct vs_guest_result *g, bool first)
{
    /* A guest a migration moved away: its twin carries on its counts since
     * the start, so the group counts them once (the stepper's rates are
     * differences of completed_since_start: counted twice, they jumped by
     * the guest's whole history at the switch). */
    struct vs_guest_result moved;
    if (g->state == VS_GUEST_MIGRATED) {
        moved = *g;
        moved.completed_since_start = moved.arrived_since_start = 0;
        moved.dropped_since_start = moved.abandoned_since_start = 0;
        moved.queued = moved.in_service = 0;
        g = &moved;
    }
    if (first) {
        *grp = *g;
        snprintf(grp->name, sizeof grp->name, "%s", g->group);
        return;
    }
    grp->instances++;
    grp->failed_instances += g->failed_instances;
    /* The least advanced live state speaks for the group; a group whose
     * instances all failed or stopped says so. */
    bool g_live = g->state != VS_GUEST_FAILED && g->state != VS_GUEST_STOPPED && g->state != VS_GUEST_MIGRATED;
    bool grp_live = grp->state != VS_GUEST_FAILED && grp->state != VS_GUEST_STOPPED && grp->state != VS_GUEST_MIGRATED;
    if ((!grp_live && g_live) || (g_live && grp_live && g->state < grp->state)) grp->state = g->state;
    grp->arrived += g->arrived;
    grp->completed_since_start += g->completed_since_start;
    grp->completed += g->completed;
    grp->dropped += g->dropped;
    grp->arrived_since_start += g->arrived_since_start;
    grp->dropped_since_start += g->dropped_since_start;
    grp->abandoned_since_start += g->abandoned_since_start;
    grp->queued += g->queued;
    grp->in_service += g->in_service;
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
    grp->vcpu_ns += g->vcpu_ns;
    grp->disk_throttle_wait_ns += g->disk_throttle_wait_ns;
    grp->net_throttle_wait_ns += g->net_throttle_wait_ns;
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
    grp->down_ns += g->down_ns;
    grp->lost += g->lost;
    grp->outages += g->outages;
    mm_add(&grp->mm, &g->mm);
    for (int k = 0; k < VS_CONT_KINDS; k++) grp->contention_ns[k] += g->contention_ns[k];
}

static int fill_host(const struct vs_sim *s, uint32_t hi, struct vs_host_result *h)
{
    const struct host_rt *hr = &s->hosts[hi];
    memset(h, 0, sizeof *h);
    snprintf(h->name, sizeof h->name, "%s", hr->name);
    h->guests = hr->n_local;
    h->spec = *hr->spec;
    struct vs_cpu_stats cs;
    vs_cpu_get_stats(hr->cpu, &cs);
    h->cpu_utilisation = cs.utilisation;
    memcpy(h->cpu_ns_by_cat, cs.busy_ns_by_cat, sizeof h->cpu_ns_by_cat);
    double busy = 0;
    for (int c = 0; c < VS_CAT_COUNT; c++)
        if (c != VS_CAT_IDLE) busy += cs.busy_ns_by_cat[c];
    double idle = (double)cs.cores * cs.window_ns - busy;
    h->cpu_ns_by_cat[VS_CAT_IDLE] = idle > 0 ? idle : 0;
    h->core_ns_by_cat = calloc(cs.cores ? cs.cores : 1, sizeof *h->core_ns_by_cat);
    if (!h->core_ns_by_cat) return VS_ERR_RUNTIME;
    for (uint32_t c = 0; c < cs.cores; c++) vs_cpu_get_core_stats(hr->cpu, c, h->core_ns_by_cat[c]);
    h->runqueue_mean = cs.runqueue_mean;
    h->context_switches = cs.context_switches;
    h->mem_capacity_bytes = vs_memory_capacity(hr->mem);
    h->mem_used_bytes = vs_memory_used(hr->mem);
    h->mem_free_bytes = vs_memory_free(hr->mem);
    for (uint32_t c = 0; c < s->n_comps; c++)
        if (s->comps[c].ops->host_memory) s->comps[c].ops->host_memory(s->comps[c].state, &s->world, hi, &h->mm);
    struct vs_station_stats ds, rx, tx;
    vs_station_get_stats(vs_disk_station_const(hr->disk), &ds);
    vs_station_get_stats(vs_nic_station_const(hr->nic, VS_NIC_RX), &rx);
    vs_station_get_stats(vs_nic_station_const(hr->nic, VS_NIC_TX), &tx);
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

/* All hosts as one: sums, and utilisations weighted by what they measure
 * (cores for CPU; each host counts once for disk and NIC). */
static int fill_total(const struct vs_run_result *out, struct vs_host_result *t)
{
    memset(t, 0, sizeof *t);
    const struct vs_host_result *h0 = &out->hosts[0];
    *t = *h0;
    t->core_ns_by_cat = NULL;
    if (out->n_hosts > 1) {
        snprintf(t->name, sizeof t->name, "all %u hosts", out->n_hosts);
        snprintf(t->spec.name, sizeof t->spec.name, "%u hosts", out->n_hosts);
    }
    uint32_t cores = 0;
    for (uint32_t k = 0; k < out->n_hosts; k++) cores += out->hosts[k].spec.cpu.cores;
    t->core_ns_by_cat = calloc(cores ? cores : 1, sizeof *t->core_ns_by_cat);
    if (!t->core_ns_by_cat) return VS_ERR_RUNTIME;
    if (out->n_hosts == 1) {
        memcpy(t->core_ns_by_cat, h0->core_ns_by_cat, cores * sizeof *t->core_ns_by_cat);
        return VS_OK;
    }
    t->spec.cpu.cores = cores;
    t->guests = 0;
    memset(t->cpu_ns_by_cat, 0, sizeof t->cpu_ns_by_cat);
    t->spec.memory_bytes = t->spec.host_reserved_bytes = 0;
    t->mem_capacity_bytes = t->mem_used_bytes = t->mem_free_bytes = 0;
    t->runqueue_mean = t->disk_utilisation = t->disk_queue_mean = t->disk_queue_max = 0;
    t->disk_response_mean_ns = t->nic_rx_utilisation = t->nic_tx_utilisation = t->nic_queue_mean = 0;
    t->context_switches = t->disk_ops = 0;
    double busy = 0, capacity = 0, resp = 0;
    uint32_t row = 0;
    for (uint32_t k = 0; k < out->n_hosts; k++) {
        const struct vs_host_result *h = &out->hosts[k];
        t->guests += h->guests;
        for (int c = 0; c < VS_CAT_COUNT; c++) t->cpu_ns_by_cat[c] += h->cpu_ns_by_cat[c];
        busy += h->cpu_utilisation * h->spec.cpu.cores;
        capacity += h->spec.cpu.cores;
        for (uint32_t c = 0; c < h->spec.cpu.cores; c++) memcpy(t->core_ns_by_cat[row++], h->core_ns_by_cat[c],
                                                                 sizeof t->core_ns_by_cat[0]);
        t->spec.memory_bytes += h->spec.memory_bytes;
        t->spec.host_reserved_bytes += h->spec.host_reserved_bytes;
        t->mem_capacity_bytes += h->mem_capacity_bytes;
        t->mem_used_bytes += h->mem_used_bytes;
        t->mem_free_bytes += h->mem_free_bytes;
        t->runqueue_mean += h->runqueue_mean;
        t->context_switches += h->context_switches;
        t->disk_utilisation += h->disk_utilisation / out->n_hosts;
        t->disk_queue_mean += h->disk_queue_mean;
        if (h->disk_queue_max > t->disk_queue_max) t->disk_queue_max = h->disk_queue_max;
        resp += h->disk_response_mean_ns * (double)h->disk_ops;
        t->disk_ops += h->disk_ops;
        t->nic_rx_utilisation += h->nic_rx_utilisation / out->n_hosts;
        t->nic_tx_utilisation += h->nic_tx_utilisation / out->n_hosts;
        t->nic_queue_mean += h->nic_queue_mean;
    }
    memset(&t->mm, 0, sizeof t->mm);
    for (uint32_t k = 0; k < out->n_hosts; k++) mm_add(&t->mm, &out->hosts[k].mm);
    if (t->mm.managed) t->mm.overcommit_ratio = t->mm.allocated_bytes / (t->spec.memory_bytes > 0 ? t->spec.memory_bytes : 1);
    t->cpu_utilisation = capacity > 0 ? busy / capacity : 0;
    t->disk_response_mean_ns = t->disk_ops ? resp / (double)t->disk_ops : 0;
    return VS_OK;
}

static void fill_link(const struct vs_sim *s, uint32_t l, struct vs_link_result *out)
{
    const struct link_rt *lr = &s->links[l];
    memset(out, 0, sizeof *out);
    size_t used = 0;
    if (lr->spec->shared) used += (size_t)snprintf(out->name, sizeof out->name, "switch: ");
    for (uint32_t e = 0; e < lr->spec->n_ends && used < sizeof out->name; e++)
        used += (size_t)snprintf(out->name + used, sizeof out->name - used, "%s%s",
                                 e ? (lr->spec->shared ? ", " : " <-> ") : "", lr->spec->ends[e]);
    out->shared = lr->spec->shared;
    out->bandwidth_bits_per_s = lr->spec->net.bandwidth_bits_per_s;
    struct vs_station_stats tx, rx;
    vs_station_get_stats(vs_nic_station_const(lr->net, VS_NIC_TX), &tx);
    vs_station_get_stats(vs_nic_station_const(lr->net, VS_NIC_RX), &rx);
    out->utilisation[0] = tx.utilisation;
    out->utilisation[1] = lr->spec->shared ? 0 : rx.utilisation;
    out->queue_mean = tx.queue_mean + rx.queue_mean;
    out->packets = lr->packets;
    out->bytes = lr->bytes;
}

int vs_sim_snapshot(const struct vs_sim *s, struct vs_run_result *out, struct vs_error *err)
{
    memset(out, 0, sizeof *out);
    vs_time_ns now = vs_event_now(s->q);
    snprintf(out->engine, sizeof out->engine, "%s", s->preset->name);
    snprintf(out->approach, sizeof out->approach, "%s", s->ops->approach);
    out->now_ns = now;
    out->window_ns = s->warm ? now - s->warm_ns : 0;
    out->events = vs_event_executed(s->q);
    double window = (double)out->window_ns;

    out->instances = calloc(s->n_inst ? s->n_inst : 1, sizeof *out->instances);
    out->groups = calloc(s->sc.n_guests ? s->sc.n_guests : 1, sizeof *out->groups);
    out->hosts = calloc(s->n_hosts, sizeof *out->hosts);
    out->links = calloc(s->n_links ? s->n_links : 1, sizeof *out->links);
    out->applied = calloc(s->n_applied ? s->n_applied : 1, sizeof *out->applied);
    struct vs_hist *merged = vs_hist_create();
    uint32_t *stamp = calloc(s->n_hosts, sizeof *stamp); /* group + 1 that last counted each host */
    if (!out->instances || !out->groups || !out->hosts || !out->links || !out->applied || !merged || !stamp) {
        vs_hist_destroy(merged);
        free(stamp);
        vs_run_result_free(out);
        return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    }
    out->n_instances = s->n_inst;
    out->n_groups = s->sc.n_guests;
    uint32_t i = 0;
    for (uint32_t g = 0; g < s->sc.n_guests; g++) {
        vs_hist_reset(merged);
        uint32_t n = group_slots(&s->sc.guests[g]), hosts_seen = 0;
        for (uint32_t k = 0; k < n; k++, i++) {
            fill_instance(s, i, window, &out->instances[i]);
            add_to_group(&out->groups[g], &out->instances[i], k == 0);
            vs_hist_merge(merged, s->inst[i].stats.latency);
            if (stamp[s->inst[i].host] != g + 1) {
                stamp[s->inst[i].host] = g + 1;
                hosts_seen++;
            }
        }
        /* A group on several hosts: the report says how many. */
        if (hosts_seen > 1) snprintf(out->groups[g].host, sizeof out->groups[g].host, "%u hosts", hosts_seen);
        latency_summary(merged, &out->groups[g].latency);
    }
    vs_hist_destroy(merged);
    free(stamp);

    int rc = VS_OK;
    for (uint32_t h = 0; h < s->n_hosts && rc == VS_OK; h++) {
        rc = fill_host(s, h, &out->hosts[h]);
        if (rc == VS_OK) out->n_hosts = h + 1;
    }
    if (rc == VS_OK) rc = fill_total(out, &out->host);
    if (rc != VS_OK) {
        vs_run_result_free(out);
        return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    }
    for (uint32_t l = 0; l < s->n_links; l++) fill_link(s, l, &out->links[l]);
    out->n_links = s->n_links;
    if (s->n_applied) memcpy(out->applied, s->applied, s->n_applied * sizeof *out->applied);
    out->n_applied = s->n_applied;
    /* The components' own figures. */
    out->figures = calloc((size_t)s->n_comps * VS_COMPONENT_MAX_FIGURES + 1, sizeof *out->figures);
    if (!out->figures) {
        vs_run_result_free(out);
        return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    }
    for (uint32_t c = 0; c < s->n_comps; c++) {
        if (!s->comps[c].ops->snapshot) continue;
        struct vs_component_figure figs[VS_COMPONENT_MAX_FIGURES];
        uint32_t n = 0;
        s->comps[c].ops->snapshot(s->comps[c].state, &s->world, figs, &n);
        for (uint32_t k = 0; k < n && k < VS_COMPONENT_MAX_FIGURES; k++) {
            struct vs_result_figure *f = &out->figures[out->n_figures++];
            snprintf(f->component, sizeof f->component, "%.31s", s->comps[c].ops->name);
            snprintf(f->name, sizeof f->name, "%.47s", figs[k].name);
            f->value = figs[k].value;
        }
    }
    /* Their outages. */
    for (uint32_t c = 0; c < s->n_comps; c++) {
        if (!s->comps[c].ops->outages) continue;
        struct vs_outage_record *o = calloc(VS_MAX_OUTAGES, sizeof *o);
        if (!o) {
            vs_run_result_free(out);
            return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
        }
        uint32_t n = 0;
        s->comps[c].ops->outages(s->comps[c].state, &s->world, o, &n);
        if (n && !out->outages) {
            out->outages = o;
            out->n_outages = n;
        } else {
            free(o);
        }
    }
    /* Their migrations and checkpoints. */
    for (uint32_t c = 0; c < s->n_comps; c++) {
        if (!s->comps[c].ops->records) continue;
        struct vs_migration_record *mig = calloc(VS_MAX_MIGRATIONS, sizeof *mig);
        struct vs_checkpoint_record *cp = calloc(VS_MAX_CHECKPOINTS, sizeof *cp);
        uint32_t nm = 0, nc = 0;
        if (mig && cp) s->comps[c].ops->records(s->comps[c].state, mig, &nm, cp, &nc);
        if (!mig || !cp || out->migrations || out->checkpoints) {
            free(mig);
            free(cp);
            if (mig && cp) continue; /* one component reports them */
            vs_run_result_free(out);
            return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
        }
        if (nm) out->migrations = mig;
        else free(mig);
        if (nc) out->checkpoints = cp;
        else free(cp);
        out->n_migrations = nm;
        out->n_checkpoints = nc;
    }
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
    int rc = VS_OK;
    for (uint32_t e = 0; e < sc->n_engines && rc == VS_OK; e++) {
        if (vs_control_stopped(sc->control)) {
            rc = vs_error_set(err, VS_ERR_INTERRUPTED, NULL, 0, 0, "interrupted before %s ran", sc->engines[e]);
            break;
        }
        struct vs_sim *s;
        rc = vs_sim_create(sc, sc->engines[e], seed, &s, err);
        if (rc == VS_OK) rc = vs_sim_advance(s, VS_TIME_NEVER, err);
        /* Stopped by the user: what ran so far is kept, marked partial. */
        if (rc == VS_ERR_INTERRUPTED) {
            struct vs_error snap_err;
            if (vs_sim_snapshot(s, &out->runs[e], &snap_err) == VS_OK) out->n_runs++;
        } else if (rc == VS_OK) {
            rc = vs_sim_snapshot(s, &out->runs[e], err);
            if (rc == VS_OK) out->n_runs++;
        }
        vs_sim_destroy(s);
    }
    if (rc == VS_ERR_INTERRUPTED) {
        out->partial = true;
        if (vs_scores_compute(out, 1, &out->scores, err) != VS_OK) memset(&out->scores, 0, sizeof out->scores);
        return vs_error_set(err, VS_ERR_INTERRUPTED, NULL, 0, 0, "interrupted: the results are partial");
    }
    if (rc != VS_OK) {
        vs_results_free(out);
        return rc;
    }
    /* One replication's scores (no intervals): replicate.h gives more. */
    rc = vs_scores_compute(out, 1, &out->scores, err);
    if (rc != VS_OK) vs_results_free(out);
    return rc;
}

/* ---- the world, for the kernel components (model/component.h) ---- */

vs_time_ns vs_world_now(const struct vs_world *w) { return vs_event_now(w->sim->q); }

uint32_t vs_world_guest_count(const struct vs_world *w) { return w->sim->n_inst; }

const char *vs_world_guest_name(const struct vs_world *w, uint32_t guest)
{
    return guest < w->sim->n_inst ? w->sim->inst[guest].name : "";
}

uint32_t vs_world_guest_group(const struct vs_world *w, uint32_t guest)
{
    return guest < w->sim->n_inst ? w->sim->inst[guest].group : NONE;
}

enum vs_guest_state vs_world_guest_state(const struct vs_world *w, uint32_t guest)
{
    return guest < w->sim->n_inst ? w->sim->inst[guest].state : VS_GUEST_STOPPED;
}

uint32_t vs_world_group_find(const struct vs_world *w, const char *name)
{
    for (uint32_t g = 0; g < w->sim->sc.n_guests; g++)
        if (strcmp(w->sim->sc.guests[g].name, name) == 0) return g;
    return NONE;
}

/* An instance an event can act on: one of its group's that exist and has
 * not moved away, or a twin a migration has brought in. */
static bool addressable(const struct vs_sim *s, uint32_t i)
{
    const struct instance *in = &s->inst[i];
    if (in->state == VS_GUEST_MIGRATED) return false;
    uint32_t k = i - s->group_first[in->group];
    if (k < s->group_active[in->group]) return true;
    return k >= in->spec->count + in->spec->started_later && in->state != VS_GUEST_STOPPED;
}

uint32_t vs_world_find_guests(const struct vs_world *w, const char *target, uint32_t *idx, uint32_t max)
{
    const struct vs_sim *s = w->sim;
    uint32_t g = vs_world_group_find(w, target), n = 0;
    if (g != NONE) {
        for (uint32_t k = 0; k < group_slots(&s->sc.guests[g]) && n < max; k++)
            if (addressable(s, s->group_first[g] + k)) idx[n++] = s->group_first[g] + k;
        return n;
    }
    for (uint32_t i = 0; i < s->n_inst && n < max; i++)
        if (strcmp(s->inst[i].name, target) == 0 && addressable(s, i)) idx[n++] = i;
    return n;
}

int vs_world_pause(struct vs_world *w, uint32_t guest, char *why, size_t why_len)
{
    struct vs_sim *s = w->sim;
    struct instance *in = &s->inst[guest];
    if (in->state == VS_GUEST_PAUSED) {
        snprintf(why, why_len, "%s is already paused", in->name);
        return VS_ERR_INPUT;
    }
    if (in->state != VS_GUEST_RUNNING && in->state != VS_GUEST_FINISHED && in->state != VS_GUEST_BOOTING) {
        snprintf(why, why_len, "%s is %s", in->name, vs_guest_state_name(in->state));
        return VS_ERR_INPUT;
    }
    in->resume_state = in->state;
    in->state = VS_GUEST_PAUSED;
    return vs_cpu_pause_guest(host_of(s, in)->cpu, in->cpu_guest);
}

int vs_world_resume(struct vs_world *w, uint32_t guest, char *why, size_t why_len)
{
    struct vs_sim *s = w->sim;
    struct instance *in = &s->inst[guest];
    if (in->state != VS_GUEST_PAUSED) {
        snprintf(why, why_len, "%s is not paused", in->name);
        return VS_ERR_INPUT;
    }
    in->state = in->resume_state;
    /* A guest paused while booting finishes its boot now, late by the pause. */
    if (in->state == VS_GUEST_BOOTING && in->ready_ns <= vs_event_now(s->q))
        schedule(s, vs_event_now(s->q), on_guest_started, guest);
    /* Requests that waited for a vCPU run now; the vCPUs' own bursts resume
     * in the scheduler. */
    while (in->n_idle > 0 && in->wait_head != REQ_NONE) {
        uint32_t r = in->wait_head;
        in->wait_head = s->req[r].next;
        if (in->wait_head == REQ_NONE) in->wait_tail = REQ_NONE;
        run_cpu(s, r, in->idle_vcpus[--in->n_idle]);
    }
    return vs_cpu_resume_guest(host_of(s, in)->cpu, in->cpu_guest);
}

int vs_world_stop(struct vs_world *w, uint32_t guest, char *why, size_t why_len)
{
    struct vs_sim *s = w->sim;
    struct instance *in = &s->inst[guest];
    if (gone(in)) {
        snprintf(why, why_len, "%s is not running", in->name);
        return VS_ERR_INPUT;
    }
    struct host_rt *h = host_of(s, in);
    in->state = VS_GUEST_STOPPED;
    /* Its vCPUs run nothing more; its memory goes back to the host. */
    int rc = vs_cpu_pause_guest(h->cpu, in->cpu_guest);
    vs_memory_release(h->mem, in->local);
    if (!own_page_cache(in)) h->shared_file_set_bytes -= in->spec->workload.memory.file_set_bytes;
    contention_footprint(h, in, -1);
    memset(&in->memory, 0, sizeof in->memory);
    while (in->wait_head != REQ_NONE) {
        uint32_t r = in->wait_head;
        in->wait_head = s->req[r].next;
        drop_request(s, r);
    }
    in->wait_tail = REQ_NONE;
    for (uint32_t c = 0; c < s->n_comps; c++)
        if (s->comps[c].ops->guest_stop) s->comps[c].ops->guest_stop(s->comps[c].state, w, guest);
    return rc;
}

int vs_world_start(struct vs_world *w, uint32_t group, uint32_t count, char *why, size_t why_len)
{
    struct vs_sim *s = w->sim;
    const struct vs_guest_spec *gs = &s->sc.guests[group];
    uint32_t reserved = gs->count + gs->started_later;
    if (s->group_active[group] + count > reserved) {
        snprintf(why, why_len, "%s has %u instances reserved and %u exist", gs->name, reserved,
                 s->group_active[group]);
        return VS_ERR_INPUT;
    }
    int rc = VS_OK;
    for (uint32_t k = 0; k < count; k++) {
        uint32_t i = s->group_first[group] + s->group_active[group]++;
        char one[200];
        int r = start_instance(s, i, one, sizeof one);
        if (r != VS_OK && rc == VS_OK) {
            rc = r;
            snprintf(why, why_len, "%s", one);
        }
    }
    return rc;
}

/* ---- dynamic resources (issue 11) ---- */

/* The event being applied takes full effect at `at` at the earliest. */
static void note_effect(struct vs_sim *s, vs_time_ns at)
{
    if (at > s->effect_ns) s->effect_ns = at;
}

/* A new weight or cap: a cgroup's (CFS, containers) applies at the next
 * scheduling decision, at once; Xen's credit scheduler hands out credits
 * by the new weight at its next accounting (every 30 ms). */
static vs_time_ns share_effect_ns(const struct vs_sim *s, const struct instance *in)
{
    vs_time_ns now = vs_event_now(s->q);
    if (vs_cpu_scheduler(s->hosts[in->host].cpu) != VS_SCHED_CREDIT) return now;
    const vs_time_ns period = 30 * VS_NS_PER_MS;
    return (now / period + 1) * period;
}

/* Whether the instance is a VM (its vCPU count changes by hot-plug) rather
 * than processes of the host (a container's cpuset, native). */
static bool is_vm(const struct vs_sim *s, const struct instance *in)
{
    const char *a = s->hosts[in->host].engine.ops->approach;
    return strcmp(a, "oslevel") != 0 && strcmp(a, "native") != 0;
}

/* The instance's vCPUs become n (online ones first): new ones take waiting
 * requests at once; removed ones that are busy go when their request's
 * CPU work is done. arg: instance << 16 | n. */
static void on_vcpus_changed(void *ctx, uint64_t arg)
{
    struct vs_sim *s = ctx;
    struct instance *in = &s->inst[arg >> 16];
    uint32_t n = (uint32_t)(arg & 0xFFFF);
    if (gone(in)) return;
    struct host_rt *h = host_of(s, in);
    note_vcpu_time(s, in);
    uint32_t old = in->n_vcpus;
    in->n_vcpus = n;
    if (vs_cpu_set_guest_vcpus(h->cpu, in->cpu_guest, n) != VS_OK) {
        fail_msg(s, "could not change a guest's vCPUs");
        return;
    }
    if (n < old) {
        /* Idle vCPUs beyond the count go offline now. */
        uint32_t k = 0;
        for (uint32_t j = 0; j < in->n_idle; j++)
            if (vcpu_online(in, in->idle_vcpus[j])) in->idle_vcpus[k++] = in->idle_vcpus[j];
        in->n_idle = k;
        return;
    }
    for (uint32_t v = old; v < n; v++) {
        uint32_t id = in->first_vcpu + v;
        if (vs_cpu_vcpu_busy(h->cpu, id)) continue; /* still finishing its last request */
        in->idle_vcpus[in->n_idle++] = id;
    }
    if (in->state != VS_GUEST_RUNNING) return;
    while (in->n_idle > 0 && in->wait_head != REQ_NONE && !s->failed) {
        uint32_t r = in->wait_head;
        in->wait_head = s->req[r].next;
        if (in->wait_head == REQ_NONE) in->wait_tail = REQ_NONE;
        run_cpu(s, r, in->idle_vcpus[--in->n_idle]);
    }
}

/* set: cpus: N for every instance of a group. A container's cpuset changes
 * at once; a VM hot-plugs (or unplugs) its vCPUs one after another, each
 * taking the host's vcpu_hotplug time, and cannot grow beyond the maximum
 * it was booted with (resources.cpu.max_vcpus, by default its vcpus). */
static int set_cpus(struct vs_sim *s, uint32_t group, double value, char *why, size_t why_len)
{
    const struct vs_guest_spec *gs = &s->sc.guests[group];
    uint32_t n = (uint32_t)value, slots = vcpu_slots(&s->sc, group);
    vs_time_ns now = vs_event_now(s->q);
    int rc = VS_OK;
    for (uint32_t k = 0; k < s->group_active[group]; k++) {
        uint32_t i = s->group_first[group] + k;
        struct instance *in = &s->inst[i];
        if (gone(in)) continue;
        const struct host_rt *h = host_of(s, in);
        uint32_t max_vm = gs->resources.max_vcpus ? gs->resources.max_vcpus : gs->vcpus;
        if (is_vm(s, in) && n > max_vm) {
            snprintf(why, why_len, "%s cannot have %u vCPUs: hot-plug stops at its boot-time maximum, %u (max_vcpus)",
                     in->name, n, max_vm);
            rc = VS_ERR_INPUT;
            continue;
        }
        if (!is_vm(s, in) && n > h->spec->cpu.cores) {
            snprintf(why, why_len, "%s cannot have %u CPUs: host %s has %u cores", in->name, n, h->name,
                     h->spec->cpu.cores);
            rc = VS_ERR_INPUT;
            continue;
        }
        if (n == 0 || n > slots) {
            snprintf(why, why_len, "%s cannot have %u vCPUs (1 to %u)", in->name, n, slots);
            rc = VS_ERR_INPUT;
            continue;
        }
        if (!is_vm(s, in)) {
            note_effect(s, now);
            on_vcpus_changed(s, (uint64_t)i << 16 | n);
            continue;
        }
        /* One vCPU at a time (libvirt and QEMU plug them one by one), each
         * usable once the guest has onlined it. */
        uint32_t from = in->n_vcpus;
        double each_ns = vs_cost(&h->spec->costs, VS_COST_VCPU_HOTPLUG_NS);
        for (uint32_t k = 1; from != n; k++) {
            from = n > from ? from + 1 : from - 1;
            vs_time_ns at = now + (vs_time_ns)(k * each_ns + 0.5);
            note_effect(s, at);
            schedule(s, at, on_vcpus_changed, (uint64_t)i << 16 | from);
        }
    }
    return rc;
}

void vs_world_note_effect(struct vs_world *w, vs_time_ns at) { note_effect(w->sim, at); }

int vs_world_set(struct vs_world *w, uint32_t group, const char *param, double value, char *why, size_t why_len)
{
    struct vs_sim *s = w->sim;
    struct vs_guest_spec *gs = &s->sc.guests[group];
    if (strcmp(param, "cpus") == 0) return set_cpus(s, group, value, why, why_len);
    for (uint32_t c = 0; c < s->n_comps; c++) {
        int crc = VS_OK;
        if (s->comps[c].ops->set_param &&
            s->comps[c].ops->set_param(s->comps[c].state, w, group, param, value, &crc, why, why_len))
            return crc;
    }
    /* What a running guest can change: its load and requests, its share
     * of the CPU, its queue. Its size (count, vCPUs, memory) cannot. */
    static const char *const live[] = {"load.", "request.", "weight", "cap", "queue_limit"};
    bool ok = false;
    for (size_t k = 0; k < sizeof live / sizeof live[0]; k++) ok |= strncmp(param, live[k], strlen(live[k])) == 0;
    if (!ok) {
        snprintf(why, why_len, "%s cannot change while the guest runs (use start and stop for instances)", param);
        return VS_ERR_INPUT;
    }
    char path[160];
    snprintf(path, sizeof path, "guests.%s.%s", gs->name, param);
    if (vs_param_set(&s->sc, path, value, why, why_len) != 0) return VS_ERR_INPUT;
    int rc = VS_OK;
    for (uint32_t k = 0; k < s->group_active[group]; k++) {
        uint32_t i = s->group_first[group] + k;
        struct instance *in = &s->inst[i];
        if (gone(in)) continue;
        if (strcmp(param, "weight") == 0 || strcmp(param, "cap") == 0) {
            rc = apply_share(s, in);
            note_effect(s, share_effect_ns(s, in));
        }
        /* An open load that had no rate has no arrival pending: start one. */
        if (gs->workload.load.kind == VS_LOAD_OPEN && !in->arrival_pending &&
            (in->state == VS_GUEST_RUNNING || in->state == VS_GUEST_PAUSED))
            schedule_open_arrival(s, i);
        if (strncmp(param, "request.", 8) == 0 || strncmp(param, "load.", 5) == 0) {
            const struct vs_request_spec *rq = &gs->workload.request;
            in->rx_bytes_per_packet = rq->count[VS_OP_NET_RX] > 0 ? rq->net_rx_bytes / rq->count[VS_OP_NET_RX] : 0;
            in->tx_bytes_per_packet = rq->count[VS_OP_NET_TX] > 0 ? rq->net_tx_bytes / rq->count[VS_OP_NET_TX] : 0;
        }
    }
    return rc;
}

/* ---- checkpointing and migration (sim/comp/mobility.c) ---- */

vs_time_ns vs_world_boot_end(const struct vs_world *w) { return w->sim->booted_ns; }

void vs_world_schedule(struct vs_world *w, vs_time_ns at, vs_event_fn fn, void *ctx, uint64_t arg)
{
    struct vs_sim *s = w->sim;
    if (at < vs_event_now(s->q)) at = vs_event_now(s->q);
    if (vs_event_schedule(s->q, at, fn, ctx, arg, NULL) != VS_OK)
        fail_msg(s, "the event queue is full: the scenario schedules more pending events than "
                    "the simulator allows (reduce guests, rates or duration)");
}

const struct vs_guest_spec *vs_world_guest_spec(const struct vs_world *w, uint32_t guest)
{
    return w->sim->inst[guest].spec;
}

void vs_world_guest_memory(const struct vs_world *w, uint32_t guest, struct vs_mem_parts *out)
{
    *out = w->sim->inst[guest].memory;
}

uint32_t vs_world_guest_host(const struct vs_world *w, uint32_t guest) { return w->sim->inst[guest].host; }

const char *vs_world_host_name(const struct vs_world *w, uint32_t host)
{
    return host < w->sim->n_hosts ? w->sim->hosts[host].name : "";
}

uint32_t vs_world_host_find(const struct vs_world *w, const char *name) { return host_index(w->sim, name); }

const char *vs_world_approach(const struct vs_world *w, uint32_t guest)
{
    return w->sim->hosts[w->sim->inst[guest].host].engine.ops->approach;
}

double vs_world_dirty_page_cycles(const struct vs_world *w, uint32_t guest)
{
    const struct vs_engine *e = &w->sim->hosts[w->sim->inst[guest].host].engine;
    return e->ops->dirty_page_cycles ? e->ops->dirty_page_cycles(e->state) : 0;
}

double vs_world_host_frequency(const struct vs_world *w, uint32_t host)
{
    return w->sim->hosts[host].spec->cpu.frequency_hz;
}

double vs_world_path_bandwidth(const struct vs_world *w, uint32_t from, uint32_t to)
{
    const struct vs_sim *s = w->sim;
    if (from == to) return 0;
    uint32_t l = route(s, from, to);
    if (l == NONE) return 0;
    double bw = s->hosts[from].spec->nic.bandwidth_bits_per_s;
    double rx = s->hosts[to].spec->nic.bandwidth_bits_per_s, link = s->links[l].spec->net.bandwidth_bits_per_s;
    if (rx < bw) bw = rx;
    if (link > 0 && link < bw) bw = link;
    return bw;
}

vs_time_ns vs_world_path_rtt(const struct vs_world *w, uint32_t from, uint32_t to)
{
    const struct vs_sim *s = w->sim;
    uint32_t l = route(s, from, to);
    vs_time_ns one = s->hosts[from].spec->nic.latency_ns + s->hosts[to].spec->nic.latency_ns +
                     (l != NONE ? s->links[l].spec->net.latency_ns : 0);
    return 2 * one;
}

static double station_busy(const struct vs_station *st)
{
    struct vs_station_stats stats;
    vs_station_get_stats(st, &stats);
    return stats.window_ns > 0 ? stats.utilisation : 0;
}

double vs_world_path_utilisation(const struct vs_world *w, uint32_t from, uint32_t to)
{
    const struct vs_sim *s = w->sim;
    double u = station_busy(vs_nic_station_const(s->hosts[from].nic, VS_NIC_TX));
    double rx = station_busy(vs_nic_station_const(s->hosts[to].nic, VS_NIC_RX));
    if (rx > u) u = rx;
    uint32_t l = route(s, from, to);
    if (l != NONE) {
        const struct link_rt *lr = &s->links[l];
        enum vs_nic_dir d = lr->spec->shared || from == lr->first_host ? VS_NIC_TX : VS_NIC_RX;
        double lu = station_busy(vs_nic_station_const(lr->net, d));
        if (lu > u) u = lu;
    }
    return u;
}

static void add_flow(struct vs_nic *nic, enum vs_nic_dir dir, double delta)
{
    double f = vs_nic_flow(nic, dir) + delta;
    vs_nic_set_flow(nic, dir, f > 1 ? f : 0); /* sums of doubles: below a bit/s is none */
}

void vs_world_path_flow(struct vs_world *w, uint32_t from, uint32_t to, double delta_bits_per_s)
{
    struct vs_sim *s = w->sim;
    add_flow(s->hosts[from].nic, VS_NIC_TX, delta_bits_per_s);
    add_flow(s->hosts[to].nic, VS_NIC_RX, delta_bits_per_s);
    uint32_t l = route(s, from, to);
    if (l != NONE) {
        struct link_rt *lr = &s->links[l];
        add_flow(lr->net, lr->spec->shared || from == lr->first_host ? VS_NIC_TX : VS_NIC_RX, delta_bits_per_s);
    }
}

double vs_world_path_flows(const struct vs_world *w, uint32_t from, uint32_t to)
{
    const struct vs_sim *s = w->sim;
    double f = vs_nic_flow(s->hosts[from].nic, VS_NIC_TX), rx = vs_nic_flow(s->hosts[to].nic, VS_NIC_RX);
    if (rx > f) f = rx;
    uint32_t l = route(s, from, to);
    if (l != NONE) {
        const struct link_rt *lr = &s->links[l];
        double lf = vs_nic_flow(lr->net, lr->spec->shared || from == lr->first_host ? VS_NIC_TX : VS_NIC_RX);
        if (lf > f) f = lf;
    }
    return f;
}

static void on_world_disk_done(void *ctx, uint64_t arg, vs_time_ns response_ns)
{
    (void)response_ns;
    struct disk_done *d = (struct disk_done *)(uintptr_t)arg;
    struct vs_sim *s = ctx;
    if (d->prev) d->prev->next = d->next;
    else s->disk_pending = d->next;
    if (d->next) d->next->prev = d->prev;
    struct disk_done copy = *d;
    free(d);
    if (copy.fn) copy.fn(copy.ctx, copy.arg);
}

int vs_world_disk_io(struct vs_world *w, uint32_t guest, bool write, double bytes, vs_event_fn done, void *ctx,
                     uint64_t arg)
{
    struct vs_sim *s = w->sim;
    const struct instance *in = &s->inst[guest];
    struct disk_done *d = malloc(sizeof *d);
    if (!d) return VS_ERR_RUNTIME;
    *d = (struct disk_done){done, ctx, arg, NULL, s->disk_pending};
    int rc = vs_disk_submit(s->hosts[in->host].disk, in->local, write, (uint64_t)(bytes + 0.5), on_world_disk_done, s,
                            (uint64_t)(uintptr_t)d);
    if (rc != VS_OK) {
        free(d);
        return rc;
    }
    if (s->disk_pending) s->disk_pending->prev = d;
    s->disk_pending = d;
    return rc;
}

int vs_world_throttle(struct vs_world *w, uint32_t guest, double share)
{
    struct instance *in = &w->sim->inst[guest];
    in->throttle = share < 1 ? share : 1;
    return apply_share(w->sim, in);
}

uint32_t vs_world_twin(const struct vs_world *w, uint32_t guest, uint32_t host)
{
    const struct vs_sim *s = w->sim;
    const struct instance *in = &s->inst[guest];
    const struct vs_guest_spec *gs = in->spec;
    uint32_t first = s->group_first[in->group] + gs->count + gs->started_later;
    for (uint32_t k = 0; k < gs->n_twins; k++) {
        const struct instance *t = &s->inst[first + k];
        if (t->host == host && t->state == VS_GUEST_STOPPED && t->moved_to == NONE && strcmp(t->name, in->name) == 0 &&
            first + k != guest)
            return first + k;
    }
    return NONE;
}

int vs_world_receive(struct vs_world *w, uint32_t twin, char *why, size_t why_len)
{
    struct vs_sim *s = w->sim;
    struct instance *in = &s->inst[twin];
    struct host_rt *h = host_of(s, in);
    h->engine.ops->memory(h->engine.state, in->spec, &in->memory);
    if (!vs_memory_charge(h->mem, in->local, &in->memory)) {
        memset(&in->memory, 0, sizeof in->memory);
        snprintf(why, why_len, "%s does not fit in the memory left on host %s", in->name, h->name);
        return VS_ERR_INPUT;
    }
    if (!own_page_cache(in)) h->shared_file_set_bytes += in->spec->workload.memory.file_set_bytes;
    contention_footprint(h, in, +1);
    in->state = VS_GUEST_INCOMING;
    in->start_ns = in->ready_ns = vs_event_now(s->q);
    /* Nothing runs on it until the switch. */
    return vs_cpu_pause_guest(h->cpu, in->cpu_guest);
}

int vs_world_switch(struct vs_world *w, uint32_t guest, uint32_t twin, char *why, size_t why_len)
{
    struct vs_sim *s = w->sim;
    struct instance *from = &s->inst[guest], *to = &s->inst[twin];
    if (to->state != VS_GUEST_INCOMING) {
        snprintf(why, why_len, "%s has not received %s", s->hosts[to->host].name, from->name);
        return VS_ERR_INPUT;
    }
    enum vs_guest_state was = from->state == VS_GUEST_PAUSED ? from->resume_state : from->state;
    /* The twin carries on: the same request numbers, the same batch. */
    to->next_seq = from->next_seq;
    to->batch_issued = from->batch_issued;
    to->batch_done = from->batch_done;
    to->batch_finished_ns = from->batch_finished_ns;
    to->completed_since_start = from->completed_since_start;
    /* And its request counts, so that none is lost: the requests in flight
     * here become the twin's (and this guest's abandoned ones). */
    to->arrived_since_start = from->arrived_since_start;
    to->dropped_since_start = from->dropped_since_start;
    to->abandoned_since_start = from->abandoned_since_start;
    to->state = was == VS_GUEST_BOOTING ? VS_GUEST_RUNNING : was;
    /* A guest that is down (a crash during the migration) is down on its
     * new host too, until the restart the crash scheduled (on_recover
     * follows it there). */
    to->down_since = from->down_since;
    to->resume_state = to->state;
    int rc = vs_cpu_resume_guest(host_of(s, to)->cpu, to->cpu_guest);
    to->throttle = 1;
    if (rc == VS_OK) rc = apply_share(s, to);
    /* The guest leaves its host. Its requests in flight went with its
     * memory: they go on at the twin, from its CPU (what was on the wire
     * or the disk had arrived or is redone there). */
    struct host_rt *h = host_of(s, from);
    from->state = VS_GUEST_MIGRATED;
    from->moved_to = twin;
    vs_cpu_pause_guest(h->cpu, from->cpu_guest);
    vs_memory_release(h->mem, from->local);
    if (!own_page_cache(from)) h->shared_file_set_bytes -= from->spec->workload.memory.file_set_bytes;
    contention_footprint(h, from, -1);
    memset(&from->memory, 0, sizeof from->memory);
    for (uint32_t r = 0; r < s->n_req; r++) {
        struct request *req = &s->req[r];
        /* Those of an earlier epoch died in a crash and were counted then
         * (abandoned): only the live epoch's go on at the twin. */
        if (!req->live || req->instance != guest || req->epoch != from->epoch) continue;
        uint32_t n = alloc_request(s);
        if (n == REQ_NONE) break;
        req = &s->req[r]; /* the pool may have moved */
        s->req[n] = (struct request){.seq = req->seq, .instance = twin, .client = req->client, .peer = NONE,
                                     .arrival_ns = req->arrival_ns, .next = REQ_NONE, .live = true,
                                     .epoch = to->epoch};
        to->in_flight++;
        /* The old one is abandoned: whatever callback still holds it finds
         * its guest gone and frees it; those waiting for a vCPU are freed
         * below. */
        enqueue_for_cpu(s, n);
    }
    while (from->wait_head != REQ_NONE) {
        uint32_t r = from->wait_head;
        from->wait_head = s->req[r].next;
        drop_request(s, r);
    }
    from->wait_tail = REQ_NONE;
    /* An open load's arrivals now come to the twin. */
    if (to->spec->workload.load.kind == VS_LOAD_OPEN && to->state == VS_GUEST_RUNNING)
        schedule_open_arrival(s, twin);
    for (uint32_t c = 0; c < s->n_comps; c++)
        if (s->comps[c].ops->guest_stop) s->comps[c].ops->guest_stop(s->comps[c].state, w, guest);
    (void)why;
    (void)why_len;
    return rc;
}

/* ---- faults (sim/comp/faults.c) ---- */

uint32_t vs_world_host_guests(const struct vs_world *w, uint32_t host, uint32_t *idx, uint32_t max)
{
    const struct vs_sim *s = w->sim;
    uint32_t n = 0;
    for (uint32_t i = 0; i < s->n_inst && n < max; i++) {
        const struct instance *in = &s->inst[i];
        if (in->host == host && !gone(in) && in->state != VS_GUEST_INCOMING) idx[n++] = i;
    }
    return n;
}

vs_time_ns vs_world_guest_recovered(const struct vs_world *w, uint32_t guest)
{
    /* A guest that migrated while down served again where it went. */
    const struct instance *in = &w->sim->inst[guest];
    while (in->moved_to != NONE) in = &w->sim->inst[in->moved_to];
    return in->last_recovered_ns;
}

vs_time_ns vs_world_boot_time(const struct vs_world *w, uint32_t guest)
{
    const struct instance *in = &w->sim->inst[guest];
    const struct host_rt *h = &w->sim->hosts[in->host];
    return h->engine.ops->start_time(h->engine.state, in->spec);
}

double vs_world_host_cost(const struct vs_world *w, uint32_t host, enum vs_cost_id id)
{
    return vs_cost(&w->sim->hosts[host].spec->costs, id);
}

static void on_recover(void *ctx, uint64_t arg);

int vs_world_crash(struct vs_world *w, uint32_t guest, vs_time_ns restart_after_ns, bool reboot, uint64_t *lost,
                   char *why, size_t why_len)
{
    struct vs_sim *s = w->sim;
    struct instance *in = &s->inst[guest];
    if (gone(in) || in->state == VS_GUEST_INCOMING || in->state == VS_GUEST_DOWN) {
        snprintf(why, why_len, "%s is %s", in->name, vs_guest_state_name(in->state));
        return VS_ERR_INPUT;
    }
    struct host_rt *h = host_of(s, in);
    /* What it had in flight dies with it: those requests are lost. */
    uint64_t dead = in->in_flight;
    in->in_flight = 0;
    in->abandoned_since_start += dead;
    while (in->wait_head != REQ_NONE) {
        uint32_t r = in->wait_head;
        in->wait_head = s->req[r].next;
        free_request(s, r);
    }
    in->wait_tail = REQ_NONE;
    in->epoch++;
    if (s->warm) {
        in->lost += dead;
        in->outages++;
    }
    if (lost) *lost = dead;
    in->state = VS_GUEST_DOWN;
    in->down_since = vs_event_now(s->q);
    int rc = vs_cpu_pause_guest(h->cpu, in->cpu_guest);
    if (reboot) {
        /* Its memory goes back to the host; the restart takes it again. */
        vs_memory_release(h->mem, in->local);
        if (!own_page_cache(in)) h->shared_file_set_bytes -= in->spec->workload.memory.file_set_bytes;
        contention_footprint(h, in, -1);
        memset(&in->memory, 0, sizeof in->memory);
    }
    schedule(s, vs_event_now(s->q) + restart_after_ns, on_recover, pack2(guest, reboot));
    return rc;
}

/* The restart: a reboot takes the guest's memory and boots it (its
 * engine's boot or start time); a process restart serves again at once.
 * Either way the load starts afresh (start_load). */
static void on_recover(void *ctx, uint64_t arg)
{
    struct vs_sim *s = ctx;
    uint32_t guest = (uint32_t)(arg >> 32);
    bool reboot = (uint32_t)arg;
    struct instance *in = &s->inst[guest];
    /* Migrated while it was down: the restart happens where it went. */
    while (in->moved_to != NONE) {
        guest = in->moved_to;
        in = &s->inst[guest];
    }
    if (in->state != VS_GUEST_DOWN) return;
    struct host_rt *h = host_of(s, in);
    vs_cpu_resume_guest(h->cpu, in->cpu_guest);
    if (reboot && vs_mem_parts_total(&in->memory) > 0) {
        /* The twin received the image of a guest that was rebooting: the
         * reboot takes its memory again, as the crash released it. */
        vs_memory_release(h->mem, in->local);
        if (!own_page_cache(in)) h->shared_file_set_bytes -= in->spec->workload.memory.file_set_bytes;
        memset(&in->memory, 0, sizeof in->memory);
    }
    if (reboot) {
        char why[200];
        in->state = VS_GUEST_STOPPED;
        if (start_instance(s, guest, why, sizeof why) != VS_OK) {
            in->state = VS_GUEST_FAILED;
            return;
        }
        /* start_instance scheduled the boot; down until it serves */
        in->state = VS_GUEST_BOOTING;
        return;
    }
    in->state = VS_GUEST_BOOTING;
    start_load(s, guest);
}

const struct vs_preset *vs_world_preset(const struct vs_world *w, uint32_t guest)
{
    return w->sim->hosts[w->sim->inst[guest].host].engine.preset;
}

void vs_world_neighbours_disk(const struct vs_world *w, uint32_t guest, uint64_t *completed, double *response_sum_ns)
{
    const struct vs_sim *s = w->sim;
    const struct instance *in = &s->inst[guest];
    const struct host_rt *h = &s->hosts[in->host];
    *completed = 0;
    *response_sum_ns = 0;
    for (uint32_t g = 0; g < h->n_local; g++) {
        if (g == in->local) continue;
        struct vs_station_guest_stats st;
        vs_station_get_guest_stats(vs_disk_station_const(h->disk), g, &st);
        *completed += st.completed;
        *response_sum_ns += st.response_sum_ns;
    }
}

/* ---- memory management (sim/comp/memmgmt.c) ---- */

void vs_world_host_memory(const struct vs_world *w, uint32_t host, double *capacity_bytes, double *fixed_bytes)
{
    const struct vs_memory *m = w->sim->hosts[host].mem;
    *capacity_bytes = vs_memory_capacity(m);
    *fixed_bytes = vs_memory_reserved(m) + vs_memory_shared(m);
}

void vs_world_allow_overcommit(struct vs_world *w, uint32_t guest, bool allow)
{
    w->sim->inst[guest].overcommit = allow;
}

void vs_world_set_resident(struct vs_world *w, uint32_t guest, double bytes)
{
    const struct instance *in = &w->sim->inst[guest];
    vs_memory_set_guest_bytes(w->sim->hosts[in->host].mem, in->local, bytes);
}

void vs_world_set_cache_limit(struct vs_world *w, uint32_t guest, double bytes)
{
    w->sim->inst[guest].cache_limit_bytes = bytes;
}

void vs_world_set_swap_faults(struct vs_world *w, uint32_t guest, double probability)
{
    w->sim->inst[guest].swap_fault_p = probability > 0 ? (probability < 1 ? probability : 1) : 0;
}

uint64_t vs_world_swap_ins(const struct vs_world *w, uint32_t guest) { return w->sim->inst[guest].stats.swap_ins; }

int vs_world_host_kthread(struct vs_world *w, uint32_t host, double cycles, double weight, vs_event_fn done,
                          void *ctx, uint64_t arg)
{
    struct host_rt *h = &w->sim->hosts[host];
    if (!h->has_kthread) {
        uint32_t g;
        if (vs_cpu_add_guest(h->cpu, weight, 0, &g) != VS_OK || vs_cpu_add_vcpu(h->cpu, g, &h->kthread_vcpu) != VS_OK)
            return VS_ERR_RUNTIME;
        h->has_kthread = true;
    }
    if (vs_cpu_vcpu_busy(h->cpu, h->kthread_vcpu)) return VS_ERR_RUNTIME;
    double c[VS_CAT_COUNT] = {0};
    c[VS_CAT_HOST_KERNEL] = cycles;
    return vs_cpu_submit(h->cpu, h->kthread_vcpu, c, done, ctx, arg);
}

uint32_t vs_world_group_count(const struct vs_world *w) { return w->sim->sc.n_guests; }

const struct vs_guest_spec *vs_world_group_spec(const struct vs_world *w, uint32_t group)
{
    return &w->sim->sc.guests[group];
}

bool vs_world_sets_param(const struct vs_world *w, const char *param)
{
    const struct vs_scenario *sc = &w->sim->sc;
    for (uint32_t e = 0; e < sc->n_events; e++)
        if (strcmp(sc->events[e].action, "set") == 0)
            for (uint32_t o = 0; o < sc->events[e].n_opts; o++)
                if (strcmp(sc->events[e].opts[o].key, param) == 0) return true;
    return false;
}

uint32_t vs_world_host_count(const struct vs_world *w) { return w->sim->n_hosts; }
