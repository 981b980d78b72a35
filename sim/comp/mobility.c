/* The mobility component: checkpoint/restore and live migration, the two
 * kernel components that move a guest's state (docs/approaches.md,
 * "Checkpointing and live migration").
 *
 * What moves: a VM's memory image (its RAM: the workload, the guest kernel,
 * its page cache) and its device state; a container's (or a native
 * process's) application memory only, through the kernel's checkpoint
 * facility (CRIU, OpenVZ's own), so its image is smaller. How memory keeps
 * changing: the workload's hot set (memory.working_set) is rewritten at
 * memory.dirty_rate while the guest runs, so the pages dirtied in an
 * interval t are min(working set, dirty rate x t): the writable working set.
 *
 * No per-page event: a transfer is a flow on the network path (it takes its
 * bandwidth from the guests' packets there, run/sim.c) whose duration is
 * bytes / bandwidth, one event per pre-copy round; a checkpoint image goes
 * to the disk in at most CHUNKS requests, in the disk's queue with the
 * guests' I/O. Dirty tracking costs the guest what its approach's
 * mechanism costs per first write to a page (engine ops:
 * dirty_page_cycles), as a throttle on its vCPUs while writes are logged.
 *
 * Algorithms: pre-copy (Clark et al., "Live Migration of Virtual Machines",
 * NSDI 2005): round 0 sends all memory, each later round what the previous
 * one dirtied, until the rest fits the downtime target (then stop and copy)
 * or a stop condition fires: Xen's (at most 30 rounds, at most 3x the
 * memory sent in all). Auto-converge (QEMU's migration parameters
 * cpu-throttle-initial 20 %, cpu-throttle-increment 10 %, applied when a
 * round dirties more than half of what it sent). Post-copy (Hines &
 * Gopalan, VEE 2009): device state first, the guest resumes on the
 * destination at once, its pages pulled on demand (a network round trip
 * each) while a background push sends the rest. Stop-and-copy: pause,
 * send everything, resume. */
#include "virtsim/model/component.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_BYTES 4096.0
/* A VM's device state (vCPU registers, device models' state) and a
 * container's kernel objects (files, sockets, namespaces): estimates of
 * their order of magnitude; both are sent while the guest is stopped. */
#define VM_DEVICE_STATE_BYTES (1.0 * 1048576)
#define CONTAINER_STATE_BYTES (256.0 * 1024)
/* Defaults of the knobs (docs/yaml-reference.md, migrate). */
#define DEFAULT_DOWNTIME_NS 300000000     /* QEMU's downtime-limit: 300 ms */
#define DEFAULT_MAX_ROUNDS 30             /* Xen: at most 30 pre-copy iterations */
#define MAX_DATA_FACTOR 3.0               /* Xen: at most 3x the memory sent in all */
#define THROTTLE_INITIAL 0.20             /* QEMU cpu-throttle-initial */
#define THROTTLE_INCREMENT 0.10           /* QEMU cpu-throttle-increment */
#define THROTTLE_TRIGGER 0.50             /* QEMU throttle-trigger-threshold: dirtied > 50 % of sent */
#define POSTCOPY_STEPS 8                  /* how often post-copy's fault rate is recomputed */
#define CHUNKS 256                        /* at most this many disk requests per image */
#define CHUNK_MIN_BYTES (4.0 * 1048576)
#define IN_FLIGHT 32                      /* image chunks queued at once */

enum method { PRECOPY, POSTCOPY, STOPCOPY };
static const char *const methods[] = {"precopy", "postcopy", "stopcopy", NULL};
static const char *const on_off[] = {"off", "on", NULL};
static const char *const disk_word[] = {"disk", NULL};

enum phase { IDLE, ROUNDS, STOP_AND_COPY, PUSH, DONE };

struct migration {
    uint32_t guest, twin, from, to;
    enum method method;
    enum phase phase;
    double bandwidth_cap_bps;    /* 0: the path's */
    vs_time_ns downtime_target_ns;
    uint32_t max_rounds;
    bool auto_converge;
    double bps;                  /* the flow's rate */
    double memory_bytes, state_bytes, hot_bytes, dirty_rate;
    double round_bytes;          /* what the round in progress sends */
    vs_time_ns round_start_ns, paused_ns;
    double throttle;             /* auto-converge's share left to the guest */
    double tracking_share;       /* dirty tracking's cost, as a share of its vCPUs */
    uint32_t step;               /* post-copy: push steps done */
    uint32_t record;
};

struct checkpoint {
    uint32_t guest, record;
    bool restore, to_disk;
    uint32_t other_host;         /* to/from a host */
    double bytes_left, chunk;
    double flow_bps;             /* the image's stream to or from a host, while it lasts */
    uint64_t nb_completed;       /* the neighbours' disk requests when it began */
    double nb_response_ns;
    uint32_t in_flight;          /* disk requests queued */
    vs_time_ns started_ns;
    bool resume_after;           /* it was running: resume it when done */
};

struct mobility {
    struct vs_world *w;
    struct migration mig[VS_MAX_MIGRATIONS];
    uint32_t n_mig;
    struct vs_migration_record mrec[VS_MAX_MIGRATIONS];
    struct checkpoint cps[VS_MAX_CHECKPOINTS];
    uint32_t n_cps;
    struct vs_checkpoint_record crec[VS_MAX_CHECKPOINTS];
    vs_time_ns *last_checkpoint_ns; /* per instance: the last checkpoint's time, or -1 */
};

static int mob_build(struct vs_world *w, void **state, struct vs_error *err)
{
    struct mobility *m = calloc(1, sizeof *m);
    uint32_t n = vs_world_guest_count(w);
    if (m) m->last_checkpoint_ns = malloc((n ? n : 1) * sizeof *m->last_checkpoint_ns);
    if (!m || !m->last_checkpoint_ns) {
        if (m) free(m);
        return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    }
    for (uint32_t i = 0; i < n; i++) m->last_checkpoint_ns[i] = -1;
    m->w = w;
    *state = m;
    return VS_OK;
}

static void mob_destroy(void *state)
{
    struct mobility *m = state;
    if (m) free(m->last_checkpoint_ns);
    free(m);
}

/* ---- what moves ---- */

static bool is_container(const struct vs_world *w, uint32_t guest)
{
    const char *a = vs_world_approach(w, guest);
    return strcmp(a, "oslevel") == 0 || strcmp(a, "native") == 0;
}

/* The memory image: a VM's RAM (what it was given, else what it uses), a
 * container's application memory. */
static double image_bytes(const struct vs_world *w, uint32_t guest)
{
    struct vs_mem_parts parts;
    vs_world_guest_memory(w, guest, &parts);
    if (is_container(w, guest)) return parts.bytes[VS_MEM_APPLICATION];
    const struct vs_guest_spec *gs = vs_world_guest_spec(w, guest);
    if (gs->memory_bytes > 0) return gs->memory_bytes;
    return parts.bytes[VS_MEM_APPLICATION] + parts.bytes[VS_MEM_GUEST_KERNEL] + parts.bytes[VS_MEM_PAGE_CACHE];
}

static double state_bytes(const struct vs_world *w, uint32_t guest)
{
    return is_container(w, guest) ? CONTAINER_STATE_BYTES : VM_DEVICE_STATE_BYTES;
}

/* Bytes the guest dirties in t ns: its hot set, rewritten at its dirty
 * rate, at most once per page in the interval. */
static double dirtied(double hot, double rate, double share, vs_time_ns t_ns)
{
    double d = rate * share * (double)t_ns / 1e9;
    return d < hot ? d : hot;
}

static double opt(const struct vs_timeline_event *ev, const char *key, double dflt, const char **text)
{
    for (uint32_t o = 0; o < ev->n_opts; o++)
        if (strcmp(ev->opts[o].key, key) == 0) {
            if (text) *text = ev->opts[o].text;
            return ev->opts[o].value;
        }
    if (text) *text = NULL;
    return dflt;
}

static vs_time_ns transfer_ns(double bytes, double bps) { return (vs_time_ns)(bytes * 8.0 * 1e9 / bps + 0.5); }

/* ---- live migration ---- */

static void on_round_end(void *ctx, uint64_t arg);
static void on_copied(void *ctx, uint64_t arg);
static void on_push_step(void *ctx, uint64_t arg);

static struct vs_migration_record *rec_of(struct mobility *m, const struct migration *g) { return &m->mrec[g->record]; }

/* Dirty tracking takes its share of the guest's vCPUs; auto-converge and
 * post-copy's stalls take theirs; the guest gets what is left. */
static void set_share(struct mobility *m, struct migration *g, uint32_t guest, double stall)
{
    double share = g->throttle * (1 - g->tracking_share) * (1 - stall);
    vs_world_throttle(m->w, guest, share);
    if (share < rec_of(m, g)->throttle_min) rec_of(m, g)->throttle_min = share;
}

/* What logging the round's writes costs the guest: each page it dirties
 * takes one tracked first write (pages per second x cycles each, as a
 * share of its vCPUs' cycles). */
static void track_dirty(struct mobility *m, struct migration *g, vs_time_ns round_ns)
{
    double pages = dirtied(g->hot_bytes, g->dirty_rate, g->throttle, round_ns) / PAGE_BYTES;
    double cycles = pages * vs_world_dirty_page_cycles(m->w, g->guest);
    const struct vs_guest_spec *gs = vs_world_guest_spec(m->w, g->guest);
    double capacity = vs_world_host_frequency(m->w, g->from) * (double)round_ns / 1e9 * gs->vcpus;
    g->tracking_share = capacity > 0 ? cycles / capacity : 0;
    if (g->tracking_share > 0.9) g->tracking_share = 0.9;
    rec_of(m, g)->dirty_tracking_cycles += cycles;
}

/* What the TUI shows of a migration in progress. */
static void progress(struct mobility *m, struct migration *g, const char *phase)
{
    struct vs_migration_record *r = rec_of(m, g);
    snprintf(r->phase, sizeof r->phase, "%s", phase);
    r->round_bytes = g->round_bytes;
    r->dirty_bytes_per_s = g->dirty_rate * g->throttle;
    r->stream_bits_per_s = g->bps;
}

static void send_round(struct mobility *m, struct migration *g, uint32_t idx, double bytes)
{
    g->round_bytes = bytes;
    progress(m, g, "pre-copy round");
    g->round_start_ns = vs_world_now(m->w);
    vs_time_ns t = transfer_ns(bytes, g->bps);
    track_dirty(m, g, t);
    set_share(m, g, g->guest, 0);
    vs_world_schedule(m->w, g->round_start_ns + t, on_round_end, m, idx);
}

/* Pause, send what is left and the device state, switch. */
static void stop_and_copy(struct mobility *m, struct migration *g, uint32_t idx, double left, const char *reason)
{
    char why[160];
    struct vs_migration_record *r = rec_of(m, g);
    snprintf(r->stop_reason, sizeof r->stop_reason, "%s", reason);
    g->phase = STOP_AND_COPY;
    g->paused_ns = vs_world_now(m->w);
    vs_world_pause(m->w, g->guest, why, sizeof why);
    g->round_bytes = left + g->state_bytes;
    progress(m, g, g->method == POSTCOPY ? "device state" : "stop-and-copy");
    vs_time_ns t = transfer_ns(g->round_bytes, g->bps) + vs_world_path_rtt(m->w, g->from, g->to);
    vs_world_schedule(m->w, g->paused_ns + t, on_copied, m, idx);
}

static void finish(struct mobility *m, struct migration *g)
{
    struct vs_migration_record *r = rec_of(m, g);
    vs_world_path_flow(m->w, g->from, g->to, -g->bps);
    vs_world_throttle(m->w, g->twin, 1);
    g->phase = DONE;
    g->round_bytes = 0;
    progress(m, g, "done");
    r->end_ns = vs_world_now(m->w) - vs_world_boot_end(m->w);
    r->done = true;
}

static void on_round_end(void *ctx, uint64_t arg)
{
    struct mobility *m = ctx;
    struct migration *g = &m->mig[arg];
    struct vs_migration_record *r = rec_of(m, g);
    if (g->phase != ROUNDS) return;
    vs_time_ns t = vs_world_now(m->w) - g->round_start_ns;
    double sent = g->round_bytes;
    r->bytes_sent += sent;
    r->rounds++;
    double d = dirtied(g->hot_bytes, g->dirty_rate, g->throttle, t);
    /* Auto-converge: a round that dirtied more than half of what it sent
     * throttles the guest's vCPUs further. */
    if (g->auto_converge && d > THROTTLE_TRIGGER * sent) {
        double taken = g->throttle >= 1 ? THROTTLE_INITIAL : 1 - g->throttle + THROTTLE_INCREMENT;
        g->throttle = 1 - (taken < 0.99 ? taken : 0.99);
    }
    if (transfer_ns(d, g->bps) <= g->downtime_target_ns) {
        r->converged = true;
        stop_and_copy(m, g, (uint32_t)arg, d, "the rest fits the downtime target");
    } else if (r->rounds >= g->max_rounds) {
        stop_and_copy(m, g, (uint32_t)arg, d, "round limit");
    } else if (!g->auto_converge && r->bytes_sent + d > MAX_DATA_FACTOR * g->memory_bytes) {
        /* Xen's cap on the data sent; with auto-converge (QEMU's way) the
         * rounds go on while the throttle tightens. */
        stop_and_copy(m, g, (uint32_t)arg, d, "data limit (3x the memory)");
    } else {
        send_round(m, g, (uint32_t)arg, d);
    }
}

static void on_copied(void *ctx, uint64_t arg)
{
    struct mobility *m = ctx;
    struct migration *g = &m->mig[arg];
    struct vs_migration_record *r = rec_of(m, g);
    char why[200];
    r->bytes_sent += g->round_bytes;
    r->downtime_ns = vs_world_now(m->w) - g->paused_ns;
    if (vs_world_switch(m->w, g->guest, g->twin, why, sizeof why) != VS_OK) snprintf(r->stop_reason, sizeof r->stop_reason, "%.63s", why);
    if (g->method != POSTCOPY) {
        finish(m, g);
        return;
    }
    /* Post-copy: the guest runs on the destination; the memory follows. */
    g->phase = PUSH;
    g->step = 0;
    g->round_start_ns = vs_world_now(m->w);
    on_push_step(m, arg);
}

/* One step of post-copy's background push: the pages still missing are
 * faulted in on demand as the guest touches them (a round trip each,
 * stalling a vCPU), at a rate that falls as the push proceeds. */
static void on_push_step(void *ctx, uint64_t arg)
{
    struct mobility *m = ctx;
    struct migration *g = &m->mig[arg];
    struct vs_migration_record *r = rec_of(m, g);
    if (g->phase != PUSH) return;
    vs_time_ns total = transfer_ns(g->memory_bytes, g->bps), step = total / POSTCOPY_STEPS;
    if (g->step == POSTCOPY_STEPS || step <= 0) {
        r->bytes_sent += g->memory_bytes;
        finish(m, g);
        return;
    }
    /* Missing share of memory over this step (its middle), the pages the
     * guest touches meanwhile (its hot set's rewrite rate, at least), and
     * the stall they cause. */
    double missing = 1 - (g->step + 0.5) / POSTCOPY_STEPS;
    double pages_per_s = g->dirty_rate / PAGE_BYTES;
    double faults = pages_per_s * missing * (double)step / 1e9;
    double hot_pages = g->hot_bytes / PAGE_BYTES;
    if (faults > hot_pages * missing) faults = hot_pages * missing;
    r->remote_faults += faults;
    const struct vs_guest_spec *gs = vs_world_guest_spec(m->w, g->twin);
    double stall = faults * (double)vs_world_path_rtt(m->w, g->from, g->to) / ((double)step * gs->vcpus);
    if (stall > 0.95) stall = 0.95;
    g->tracking_share = 0;
    set_share(m, g, g->twin, stall);
    g->round_bytes = g->memory_bytes * missing;
    progress(m, g, "post-copy push");
    g->step++;
    vs_world_schedule(m->w, vs_world_now(m->w) + step, on_push_step, m, arg);
}

static int start_migration(struct mobility *m, uint32_t guest, const struct vs_timeline_event *ev, char *why,
                           size_t n)
{
    struct vs_world *w = m->w;
    const char *to_name = NULL, *method_name = NULL;
    opt(ev, "to", 0, &to_name);
    enum method method = (enum method)opt(ev, "method", PRECOPY, &method_name);
    uint32_t from = vs_world_guest_host(w, guest), to = to_name ? vs_world_host_find(w, to_name) : UINT32_MAX;
    enum vs_guest_state st = vs_world_guest_state(w, guest);
    if (st != VS_GUEST_RUNNING && st != VS_GUEST_FINISHED && st != VS_GUEST_PAUSED) {
        snprintf(why, n, "%s is %s", vs_world_guest_name(w, guest), st == VS_GUEST_BOOTING ? "booting" : "not running");
        return VS_ERR_INPUT;
    }
    if (to == from) {
        snprintf(why, n, "%s is already on %s", vs_world_guest_name(w, guest), to_name);
        return VS_ERR_INPUT;
    }
    double bw = vs_world_path_bandwidth(w, from, to);
    if (!(bw > 0)) {
        snprintf(why, n, "no link joins %s and %s", vs_world_host_name(w, from), to_name);
        return VS_ERR_INPUT;
    }
    if (m->n_mig == VS_MAX_MIGRATIONS) {
        snprintf(why, n, "at most %d migrations per run", VS_MAX_MIGRATIONS);
        return VS_ERR_INPUT;
    }
    uint32_t twin = vs_world_twin(w, guest, to);
    if (twin == UINT32_MAX) {
        snprintf(why, n, "no instance was reserved on %s for %s", to_name, vs_world_guest_name(w, guest));
        return VS_ERR_INPUT;
    }
    int rc = vs_world_receive(w, twin, why, n);
    if (rc != VS_OK) return rc;
    uint32_t idx = m->n_mig++;
    struct migration *g = &m->mig[idx];
    const struct vs_guest_spec *gs = vs_world_guest_spec(w, guest);
    *g = (struct migration){.guest = guest, .twin = twin, .from = from, .to = to, .method = method,
                            .bandwidth_cap_bps = opt(ev, "bandwidth", 0, NULL),
                            .downtime_target_ns = (vs_time_ns)opt(ev, "downtime", DEFAULT_DOWNTIME_NS, NULL),
                            .max_rounds = (uint32_t)opt(ev, "max_rounds", DEFAULT_MAX_ROUNDS, NULL),
                            .auto_converge = opt(ev, "auto_converge", 0, NULL) > 0.5,
                            .memory_bytes = image_bytes(w, guest), .state_bytes = state_bytes(w, guest),
                            .hot_bytes = gs->workload.memory.working_set_bytes,
                            .dirty_rate = gs->workload.memory.dirty_rate_bytes_per_s, .throttle = 1,
                            .record = idx};
    if (!(g->hot_bytes > 0) || g->hot_bytes > g->memory_bytes) g->hot_bytes = g->memory_bytes;
    /* The stream takes what the guests and other streams leave of the
     * path, at most its cap. */
    double free_bw = bw * (1 - vs_world_path_utilisation(w, from, to)) - vs_world_path_flows(w, from, to);
    if (free_bw < bw / 20) free_bw = bw / 20;
    g->bps = g->bandwidth_cap_bps > 0 && g->bandwidth_cap_bps < free_bw ? g->bandwidth_cap_bps : free_bw;
    vs_world_path_flow(w, from, to, g->bps);
    struct vs_migration_record *r = &m->mrec[idx];
    memset(r, 0, sizeof *r);
    snprintf(r->guest, sizeof r->guest, "%s", vs_world_guest_name(w, guest));
    snprintf(r->from, sizeof r->from, "%s", vs_world_host_name(w, from));
    snprintf(r->to, sizeof r->to, "%s", vs_world_host_name(w, to));
    snprintf(r->method, sizeof r->method, "%s", methods[method]);
    r->start_ns = vs_world_now(w) - vs_world_boot_end(w);
    r->end_ns = -1;
    r->throttle_min = 1;
    switch (method) {
    case PRECOPY:
        g->phase = ROUNDS;
        send_round(m, g, idx, g->memory_bytes);
        break;
    case STOPCOPY:
        stop_and_copy(m, g, idx, g->memory_bytes, "stop-and-copy");
        break;
    case POSTCOPY:
        stop_and_copy(m, g, idx, 0, "post-copy: device state first");
        break;
    }
    return VS_OK;
}

/* ---- checkpoint and restore ---- */

static void on_chunk(void *ctx, uint64_t arg);

static void cp_finish(struct mobility *m, struct checkpoint *c)
{
    struct vs_checkpoint_record *r = &m->crec[c->record];
    char why[160];
    r->total_ns = vs_world_now(m->w) - c->started_ns;
    r->freeze_ns = r->total_ns;
    r->done = true;
    uint64_t n;
    double sum;
    vs_world_neighbours_disk(m->w, c->guest, &n, &sum);
    r->neighbours_disk_during_ns = n > c->nb_completed ? (sum - c->nb_response_ns) / (double)(n - c->nb_completed) : -1;
    if (c->resume_after) vs_world_resume(m->w, c->guest, why, sizeof why);
    if (c->flow_bps > 0) vs_world_path_flow(m->w, vs_world_guest_host(m->w, c->guest), c->other_host, -c->flow_bps);
}

/* The next chunk of the image to (or from) the disk, or the whole image
 * over the network. */
static void next_chunk(struct mobility *m, uint32_t idx)
{
    struct checkpoint *c = &m->cps[idx];
    if (!(c->bytes_left > 0)) {
        cp_finish(m, c);
        return;
    }
    if (!c->to_disk) {
        uint32_t host = vs_world_guest_host(m->w, c->guest);
        double bw = vs_world_path_bandwidth(m->w, host, c->other_host);
        double bps = bw - vs_world_path_flows(m->w, host, c->other_host);
        if (bps < bw / 20) bps = bw / 20;
        c->flow_bps = bps;
        vs_world_path_flow(m->w, host, c->other_host, bps);
        vs_time_ns t = transfer_ns(c->bytes_left, bps) + vs_world_path_rtt(m->w, host, c->other_host);
        c->bytes_left = 0;
        vs_world_schedule(m->w, vs_world_now(m->w) + t, on_chunk, m, idx);
        return;
    }
    /* Up to IN_FLIGHT chunks queued at once, as a streaming writer keeps
     * the device's queue full (an SSD serves several in parallel). */
    while (c->bytes_left > 0 && c->in_flight < IN_FLIGHT) {
        double bytes = c->bytes_left < c->chunk ? c->bytes_left : c->chunk;
        c->bytes_left -= bytes;
        c->in_flight++;
        if (vs_world_disk_io(m->w, c->guest, !c->restore, bytes, on_chunk, m, idx) != VS_OK) {
            cp_finish(m, c);
            return;
        }
    }
}

static void on_chunk(void *ctx, uint64_t arg)
{
    struct mobility *m = ctx;
    struct checkpoint *c = &m->cps[arg];
    if (c->to_disk && c->in_flight > 0) c->in_flight--;
    if (c->to_disk && !(c->bytes_left > 0)) {
        if (c->in_flight == 0) cp_finish(m, c);
        return;
    }
    next_chunk(m, (uint32_t)arg);
}

static int start_checkpoint(struct mobility *m, uint32_t guest, const struct vs_timeline_event *ev, bool restore,
                            char *why, size_t n)
{
    struct vs_world *w = m->w;
    enum vs_guest_state st = vs_world_guest_state(w, guest);
    if (st != VS_GUEST_RUNNING && st != VS_GUEST_FINISHED && st != VS_GUEST_PAUSED) {
        snprintf(why, n, "%s is not running", vs_world_guest_name(w, guest));
        return VS_ERR_INPUT;
    }
    if (m->n_cps == VS_MAX_CHECKPOINTS) {
        snprintf(why, n, "at most %d checkpoints and restores per run", VS_MAX_CHECKPOINTS);
        return VS_ERR_INPUT;
    }
    const char *where = NULL;
    double where_v = opt(ev, restore ? "from" : "to", 0, &where);
    bool to_disk = !where || (where_v == 0 && strcmp(where, "disk") == 0);
    uint32_t host = vs_world_guest_host(w, guest), other = to_disk ? host : vs_world_host_find(w, where);
    if (!to_disk && (other == host || !(vs_world_path_bandwidth(w, host, other) > 0))) {
        snprintf(why, n, "%s cannot reach host %s", vs_world_guest_name(w, guest), where);
        return VS_ERR_INPUT;
    }
    bool incremental = !restore && opt(ev, "incremental", 0, NULL) > 0.5;
    double image = image_bytes(w, guest);
    if (incremental && m->last_checkpoint_ns[guest] >= 0) {
        /* Only the pages dirtied since the last checkpoint. */
        const struct vs_guest_spec *gs = vs_world_guest_spec(w, guest);
        double hot = gs->workload.memory.working_set_bytes > 0 && gs->workload.memory.working_set_bytes < image
                         ? gs->workload.memory.working_set_bytes
                         : image;
        image = dirtied(hot, gs->workload.memory.dirty_rate_bytes_per_s, 1, vs_world_now(w) - m->last_checkpoint_ns[guest]);
    }
    image += state_bytes(w, guest);
    uint32_t idx = m->n_cps++;
    struct checkpoint *c = &m->cps[idx];
    *c = (struct checkpoint){.guest = guest, .record = idx, .restore = restore, .to_disk = to_disk,
                             .other_host = other, .bytes_left = image, .started_ns = vs_world_now(w)};
    c->chunk = image / CHUNKS > CHUNK_MIN_BYTES ? image / CHUNKS : CHUNK_MIN_BYTES;
    struct vs_checkpoint_record *r = &m->crec[idx];
    memset(r, 0, sizeof *r);
    snprintf(r->guest, sizeof r->guest, "%s", vs_world_guest_name(w, guest));
    snprintf(r->kind, sizeof r->kind, "%s", restore ? "restore" : "checkpoint");
    snprintf(r->where, sizeof r->where, "%s", to_disk ? "disk" : where);
    r->incremental = incremental && m->last_checkpoint_ns[guest] >= 0;
    r->start_ns = c->started_ns - vs_world_boot_end(w);
    r->total_ns = r->freeze_ns = -1;
    r->image_bytes = image;
    if (!restore) m->last_checkpoint_ns[guest] = c->started_ns;
    vs_world_neighbours_disk(w, guest, &c->nb_completed, &c->nb_response_ns);
    r->neighbours_disk_before_ns = c->nb_completed ? c->nb_response_ns / (double)c->nb_completed : -1;
    r->neighbours_disk_during_ns = -1;
    /* The guest is frozen while its image is written (a VM's save, CRIU's
     * dump) or read back. */
    if (st != VS_GUEST_PAUSED) {
        c->resume_after = true;
        vs_world_pause(w, guest, why, n);
    }
    next_chunk(m, idx);
    return VS_OK;
}

/* ---- actions ---- */

/* The actions on one guest (vs_component_each_guest), with the event. */
struct call {
    struct mobility *m;
    const struct vs_timeline_event *ev;
};

static int do_migrate(void *ctx, struct vs_world *w, uint32_t guest, char *why, size_t n)
{
    (void)w;
    const struct call *c = ctx;
    return start_migration(c->m, guest, c->ev, why, n);
}

static int do_checkpoint(void *ctx, struct vs_world *w, uint32_t guest, char *why, size_t n)
{
    (void)w;
    const struct call *c = ctx;
    return start_checkpoint(c->m, guest, c->ev, false, why, n);
}

static int do_restore(void *ctx, struct vs_world *w, uint32_t guest, char *why, size_t n)
{
    (void)w;
    const struct call *c = ctx;
    return start_checkpoint(c->m, guest, c->ev, true, why, n);
}

static int act_migrate(void *state, struct vs_world *w, const struct vs_timeline_event *ev, char *why, size_t n)
{
    struct call c = {state, ev};
    return vs_component_each_guest(w, ev->target, do_migrate, &c, why, n);
}

static int act_checkpoint(void *state, struct vs_world *w, const struct vs_timeline_event *ev, char *why, size_t n)
{
    struct call c = {state, ev};
    return vs_component_each_guest(w, ev->target, do_checkpoint, &c, why, n);
}

static int act_restore(void *state, struct vs_world *w, const struct vs_timeline_event *ev, char *why, size_t n)
{
    struct call c = {state, ev};
    return vs_component_each_guest(w, ev->target, do_restore, &c, why, n);
}

static void mob_records(const void *state, struct vs_migration_record *mig, uint32_t *n_mig,
                        struct vs_checkpoint_record *cp, uint32_t *n_cp)
{
    const struct mobility *m = state;
    for (uint32_t k = 0; k < m->n_mig && *n_mig < VS_MAX_MIGRATIONS; k++) mig[(*n_mig)++] = m->mrec[k];
    for (uint32_t k = 0; k < m->n_cps && *n_cp < VS_MAX_CHECKPOINTS; k++) cp[(*n_cp)++] = m->crec[k];
}

static void mob_snapshot(const void *state, const struct vs_world *w, struct vs_component_figure *out, uint32_t *n)
{
    (void)w;
    const struct mobility *m = state;
    uint32_t going = 0, done = 0;
    double left = 0;
    for (uint32_t k = 0; k < m->n_mig; k++) {
        if (m->mrec[k].done) {
            done++;
            continue;
        }
        going++;
        left += m->mig[k].round_bytes;
    }
    vs_component_figure(out, n, "migrations_done", done);
    vs_component_figure(out, n, "migrations_in_progress", going);
    vs_component_figure(out, n, "migration_round_bytes", left);
    vs_component_figure(out, n, "checkpoints", m->n_cps);
}

static const struct vs_action_key migrate_keys[] = {
    {"to", VS_UNIT_COUNT, "the destination host", true, NULL, true},
    {"method", VS_UNIT_COUNT, "precopy (default), postcopy or stopcopy", false, methods, false},
    {"bandwidth", VS_UNIT_BITRATE, "a cap on the migration stream, e.g. 1Gbit (default: what the path leaves)", false,
     NULL, false},
    {"downtime", VS_UNIT_TIME, "pre-copy's downtime target (default 300ms, QEMU's)", false, NULL, false},
    {"max_rounds", VS_UNIT_COUNT, "pre-copy rounds before stop-and-copy at the latest (default 30, Xen's)", false, NULL,
     false},
    {"auto_converge", VS_UNIT_COUNT, "on: throttle the guest's vCPUs when a round does not converge (default off)",
     false, on_off, false},
};

static const struct vs_action_key checkpoint_keys[] = {
    {"to", VS_UNIT_COUNT, "disk (default: the host's disk) or a host to send the image to", false, disk_word, true},
    {"incremental", VS_UNIT_COUNT, "on: only the pages dirtied since the last checkpoint (default off)", false, on_off,
     false},
};

static const struct vs_action_key restore_keys[] = {
    {"from", VS_UNIT_COUNT, "disk (default) or the host that holds the image", false, disk_word, true},
};

static const struct vs_action_def actions[] = {
    {"migrate", "moves a running guest to another host (to: HOST, method: precopy|postcopy|stopcopy)",
     VS_TARGET_GUESTS, "guest", migrate_keys, sizeof migrate_keys / sizeof migrate_keys[0], false, act_migrate},
    {"checkpoint", "saves a guest's state to the disk or another host (to:, incremental: on)", VS_TARGET_GUESTS,
     "guest", checkpoint_keys, sizeof checkpoint_keys / sizeof checkpoint_keys[0], false, act_checkpoint},
    {"restore", "reads a guest's saved state back (from: disk or a host)", VS_TARGET_GUESTS, "guest", restore_keys,
     sizeof restore_keys / sizeof restore_keys[0], false, act_restore},
};

const struct vs_component_ops vs_component_mobility = {
    .name = "mobility",
    .summary = "checkpoint/restore and live migration (pre-copy, post-copy, stop-and-copy)",
    .actions = actions,
    .n_actions = sizeof actions / sizeof actions[0],
    .build = mob_build,
    .destroy = mob_destroy,
    .snapshot = mob_snapshot,
    .records = mob_records,
};
