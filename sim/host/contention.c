/* Performance isolation through shared structures (see contention.h).
 *
 * Rates. Each group's operations are counts that decay with time constant
 * tau: after a record at t the count is c·exp(-(now - t)/tau) + n, and
 * count/tau is the rate over the last ~tau. All groups decay together (one
 * timestamp per host), so a charge reads every rate at the same instant.
 *
 * Locks. A class's shared lock is held hold cycles per acquisition. The
 * neighbours acquire it at λn per second, so it is busy ρ = λn·hold/f of
 * the time; an acquisition by the victim waits, on average, the M/D/1
 * queue's ρ·hold / (2(1 - ρ)), and its line was last written by another
 * core with probability λn/(λn + λv), when the acquisition fetches it
 * (lock_transfer). Spinning waiters each fetch the line again when it is
 * released (a ticket spinlock is not scalable: Boyd-Wickizer et al., Linux
 * Symposium 2012), so a fetch costs (1 + Lq) transfers, Lq = ρ²/(2(1 - ρ))
 * waiters on average. Everything is CPU time of the victim (it spins).
 *
 * Cache. The groups with LLC traffic share the cache in proportion to
 * their access rates, none keeping more than its footprint (water filling:
 * what a small group cannot use goes to the others). A group's misses are
 * the share of its footprint not in the cache (reuse spread evenly over the
 * working set); alone it would keep min(footprint, llc). A miss stalls the
 * core memory latency / memory parallelism, times 1/(1 - U) for the bus's
 * use U by everyone's misses (alone: by its own). The victim pays the
 * difference between the two. */
#include "virtsim/host/contention.h"

#include <math.h>
#include <stdlib.h>

struct group_state {
    double count[VS_KC_COUNT]; /* decayed acquisitions */
    double llc_refs;           /* decayed LLC references */
    double footprint_bytes;
};

struct vs_contention {
    struct vs_contention_config cfg;
    double freq_hz;
    double hold_cycles[VS_KC_COUNT];
    double transfer_cycles;
    double llc_bytes, bandwidth, miss_cycles; /* miss_cycles: memory latency / parallelism */
    vs_time_ns last_ns;
    struct group_state *g;
};

static const char *const kind_names[VS_CONT_KINDS] = {"kernel_locks", "io_backend", "llc_memory"};
static const char *const class_names[VS_KC_COUNT] = {"mm", "fs", "net", "backend"};

const char *vs_cont_kind_name(enum vs_cont_kind k) { return (unsigned)k < VS_CONT_KINDS ? kind_names[k] : "?"; }
const char *vs_kclass_name(enum vs_kclass k) { return (unsigned)k < VS_KC_COUNT ? class_names[k] : "?"; }

int vs_contention_create(const struct vs_host_spec *host, const struct vs_contention_config *cfg,
                         struct vs_contention **out)
{
    *out = NULL;
    if (cfg->n_groups < 2) return VS_OK;
    if (cfg->n_groups > VS_CONTENTION_MAX_GROUPS) return VS_ERR_INPUT;
    struct vs_contention *c = calloc(1, sizeof *c);
    if (!c) return VS_ERR_RUNTIME;
    c->g = calloc(cfg->n_groups, sizeof *c->g);
    if (!c->g) {
        free(c);
        return VS_ERR_RUNTIME;
    }
    c->cfg = *cfg;
    const struct vs_costs *k = &host->costs;
    c->freq_hz = host->cpu.frequency_hz;
    if (cfg->shared_kernel) {
        c->hold_cycles[VS_KC_MM] = vs_cost(k, VS_COST_KLOCK_MM_CYCLES);
        c->hold_cycles[VS_KC_FS] = vs_cost(k, VS_COST_KLOCK_FS_CYCLES);
        c->hold_cycles[VS_KC_NET] = vs_cost(k, VS_COST_KLOCK_NET_CYCLES);
    }
    if (cfg->shared_backend) c->hold_cycles[VS_KC_BACKEND] = vs_cost(k, VS_COST_BACKEND_LOCK_CYCLES);
    c->transfer_cycles = vs_cost(k, VS_COST_LOCK_TRANSFER_CYCLES);
    c->llc_bytes = vs_cost(k, VS_COST_LLC_BYTES);
    c->bandwidth = vs_cost(k, VS_COST_MEMORY_BANDWIDTH);
    double mlp = vs_cost(k, VS_COST_MEMORY_PARALLELISM);
    c->miss_cycles = vs_host_memory_cycles(host) / (mlp > 0 ? mlp : 1);
    *out = c;
    return VS_OK;
}

void vs_contention_destroy(struct vs_contention *c)
{
    if (!c) return;
    free(c->g);
    free(c);
}

void vs_contention_add_footprint(struct vs_contention *c, uint32_t group, double bytes)
{
    if (!c || group >= c->cfg.n_groups) return;
    c->g[group].footprint_bytes += bytes;
    if (c->g[group].footprint_bytes < 0) c->g[group].footprint_bytes = 0;
}

/* exp(-(now - last)/tau): how much of a count recorded at `last` is left. */
static double decay(const struct vs_contention *c, vs_time_ns now_ns)
{
    if (now_ns <= c->last_ns) return 1.0;
    return exp(-(double)(now_ns - c->last_ns) / VS_CONTENTION_TAU_NS);
}

void vs_contention_record(struct vs_contention *c, uint32_t group, vs_time_ns now_ns, const struct vs_cont_ops *ops)
{
    if (!c || group >= c->cfg.n_groups) return;
    double f = decay(c, now_ns);
    if (f != 1.0) {
        for (uint32_t i = 0; i < c->cfg.n_groups; i++) {
            for (int k = 0; k < VS_KC_COUNT; k++) c->g[i].count[k] *= f;
            c->g[i].llc_refs *= f;
        }
        c->last_ns = now_ns;
    }
    for (int k = 0; k < VS_KC_COUNT; k++) c->g[group].count[k] += ops->n[k];
    c->g[group].llc_refs += ops->llc_refs;
}

double vs_contention_lock_cycles(double hold_cycles, double transfer_cycles, double freq_hz,
                                 double neighbour_per_s, double own_per_s)
{
    if (!(neighbour_per_s > 0) || !(hold_cycles > 0) || !(freq_hz > 0)) return 0;
    double rho = neighbour_per_s * hold_cycles / freq_hz;
    if (rho > VS_CONTENTION_MAX_UTIL) rho = VS_CONTENTION_MAX_UTIL;
    double wait = rho * hold_cycles / (2 * (1 - rho));
    double waiters = rho * rho / (2 * (1 - rho));
    double remote = neighbour_per_s / (neighbour_per_s + (own_per_s > 0 ? own_per_s : 0));
    return wait + remote * transfer_cycles * (1 + waiters);
}

/* Water filling: each group with traffic gets llc in proportion to its
 * rate, capped at its footprint; what the capped ones leave is shared
 * again among the others. occ[] is filled for every group. */
static void llc_occupancy(const struct vs_contention *c, const double *rate, double *occ)
{
    uint32_t n = c->cfg.n_groups;
    double left = c->llc_bytes;
    for (uint32_t i = 0; i < n; i++) occ[i] = -1; /* -1: not yet placed */
    for (uint32_t i = 0; i < n; i++)
        if (!(rate[i] > 0) || !(c->g[i].footprint_bytes > 0)) occ[i] = 0;
    for (uint32_t round = 0; round < n && left > 0; round++) {
        double total = 0;
        for (uint32_t i = 0; i < n; i++)
            if (occ[i] < 0) total += rate[i];
        if (!(total > 0)) break;
        bool capped = false;
        for (uint32_t i = 0; i < n; i++)
            if (occ[i] < 0 && left * rate[i] / total >= c->g[i].footprint_bytes) {
                occ[i] = c->g[i].footprint_bytes;
                capped = true;
            }
        double used = 0;
        for (uint32_t i = 0; i < n; i++)
            if (occ[i] > 0) used += occ[i];
        if (!capped) {
            for (uint32_t i = 0; i < n; i++)
                if (occ[i] < 0) occ[i] = left * rate[i] / total;
            return;
        }
        left = c->llc_bytes - used;
    }
    for (uint32_t i = 0; i < n; i++)
        if (occ[i] < 0) occ[i] = 0;
}

static double miss_share(double occupied, double footprint)
{
    if (!(footprint > 0)) return 0;
    double m = 1 - occupied / footprint;
    return m > 0 ? m : 0;
}

/* Cycles one LLC reference of `group` pays beyond what it pays alone. */
static double llc_extra_cycles(const struct vs_contention *c, uint32_t group, double f)
{
    uint32_t n = c->cfg.n_groups;
    double fp = c->g[group].footprint_bytes;
    if (!(fp > 0) || !(c->llc_bytes > 0)) return 0;
    double rate[VS_CONTENTION_MAX_GROUPS], occ[VS_CONTENTION_MAX_GROUPS];
    bool neighbours = false;
    for (uint32_t i = 0; i < n; i++) {
        rate[i] = c->g[i].llc_refs * f / (VS_CONTENTION_TAU_NS / 1e9);
        if (i != group && rate[i] > 0 && c->g[i].footprint_bytes > 0) neighbours = true;
    }
    if (!neighbours) return 0;
    llc_occupancy(c, rate, occ);
    double alone_occ = fp < c->llc_bytes ? fp : c->llc_bytes;
    double miss_now = miss_share(occ[group], fp), miss_alone = miss_share(alone_occ, fp);
    double traffic = 0;
    for (uint32_t i = 0; i < n; i++) traffic += rate[i] * miss_share(occ[i], c->g[i].footprint_bytes);
    double u = 0, u_alone = 0;
    if (c->bandwidth > 0) {
        u = traffic * VS_CACHE_LINE_BYTES / c->bandwidth;
        u_alone = rate[group] * miss_alone * VS_CACHE_LINE_BYTES / c->bandwidth;
    }
    if (u > VS_CONTENTION_MAX_UTIL) u = VS_CONTENTION_MAX_UTIL;
    if (u_alone > VS_CONTENTION_MAX_UTIL) u_alone = VS_CONTENTION_MAX_UTIL;
    double extra = c->miss_cycles * (miss_now / (1 - u) - miss_alone / (1 - u_alone));
    return extra > 0 ? extra : 0;
}

void vs_contention_charge(const struct vs_contention *c, uint32_t group, vs_time_ns now_ns,
                          const struct vs_cont_ops *ops, struct vs_work *w, double cycles_out[VS_CONT_KINDS])
{
    if (!c || group >= c->cfg.n_groups) return;
    double f = decay(c, now_ns), per_s = 1e9 / VS_CONTENTION_TAU_NS;
    static const char *const what[VS_KC_COUNT] = {
        "neighbours on the shared page allocator and LRU locks",
        "neighbours on the shared page-cache and journal locks",
        "neighbours on the shared network stack's locks",
        "neighbours on the host's shared I/O back end",
    };
    static const char *const constant[VS_KC_COUNT] = {"klock_mm", "klock_fs", "klock_net", "backend_lock"};
    for (int k = 0; k < VS_KC_COUNT; k++) {
        if (!(ops->n[k] > 0) || !(c->hold_cycles[k] > 0)) continue;
        double others = 0;
        for (uint32_t i = 0; i < c->cfg.n_groups; i++)
            if (i != group) others += c->g[i].count[k];
        if (!(others > 0)) continue;
        double each = vs_contention_lock_cycles(c->hold_cycles[k], c->transfer_cycles, c->freq_hz,
                                                others * f * per_s, c->g[group].count[k] * f * per_s);
        double cycles = ops->n[k] * each;
        if (!(cycles > 0)) continue;
        vs_work_step(w, VS_CAT_GUEST_KERNEL, cycles, what[k], constant[k]);
        cycles_out[k == VS_KC_BACKEND ? VS_CONT_BACKEND : VS_CONT_KERNEL] += cycles;
    }
    if (ops->llc_refs > 0) {
        double cycles = ops->llc_refs * llc_extra_cycles(c, group, f);
        if (cycles > 0) {
            vs_work_step(w, VS_CAT_GUEST_USER, cycles, "neighbours' LLC evictions and memory-bus queueing", "llc");
            cycles_out[VS_CONT_LLC] += cycles;
        }
    }
}
