/* The memory component: per-guest memory limits and the mechanisms that let
 * a host give its guests more memory than it has (overcommit), each the way
 * the real system does it (docs/approaches.md, "Memory management"; the
 * constants in docs/cost-model.md, "Memory management"):
 *
 * - page sharing (KSM; VMware's TPS works alike): a host kernel thread,
 *   ksmd, wakes every ksm_sleep, scans ksm_pages_to_scan pages of the
 *   guests that allow sharing (ksm_page cycles each, on the host's cores)
 *   and merges identical ones. A page goes into the tree of candidates only
 *   once its checksum was the same on two scans, so nothing merges during
 *   the first pass; in the second the first guest's pages seed the tree and
 *   every later copy merges as the scanner reaches it. What is identical
 *   follows from what guests have in common: the guest kernel's code for
 *   every VM (guest_kernel_text), and for VMs of the same workload (image)
 *   its code and the file data in their page caches. Once every copy has
 *   been scanned, a class of n copies of X bytes saves (n - 1) X.
 * - ballooning (VMs with a balloon driver): the guest's driver takes pages
 *   from its own kernel and hands them to the host, one balloon_page of time
 *   each, balloon_guest_share of it on the guest's vCPU. It takes memory
 *   the guest does not use first (never touched, so it gives the host no
 *   RAM), then its page cache (its reads then miss more), never its
 *   anonymous memory or kernel. The host inflates balloons when its guests
 *   need more than it has; `set: {memory: SIZE}` sets one's target.
 * - host swapping (guests with swap): what still does not fit goes to the
 *   host's swap, coldest pages first (the host's LRU): only once the
 *   swapped part exceeds what the guest does not touch do its requests
 *   fault, each touch of a swapped page a read of swap_cluster bytes from
 *   the host's disk queue, which its neighbours share.
 * - containers: the cgroup's memory.max (OpenVZ: the beancounter limit)
 *   holds its anonymous memory and kernel objects and the page cache it
 *   charges: the cache is reclaimed first (its reads miss more), and when
 *   the anonymous memory alone exceeds the limit the OOM killer kills the
 *   service, which its supervisor restarts (process_restart), unless it
 *   may swap.
 *
 * The component does nothing, and schedules nothing, unless a guest group
 * has `resources: {memory: ...}` or the timeline sets a guest's memory. */
#include "virtsim/model/component.h"
#include "virtsim/model/engine.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_BYTES 4096.0
/* How often the host's memory policy runs (balloon targets, swap, limits):
 * balloon completions are computed exactly within a tick. */
#define TICK_NS (10 * VS_NS_PER_MS)
/* ksmd runs at nice 5: CFS weight 335 against 1024 for a nice-0 thread
 * (kernel/sched/core.c, sched_prio_to_weight); a one-vCPU guest of the
 * default weight 256 is one nice-0 thread. */
#define KSMD_WEIGHT (256.0 * 335.0 / 1024.0)
#define N_CLASSES_MAX (VS_MAX_GUEST_GROUPS + 1) /* the kernel, and one image per workload */

struct mguest {
    bool managed, up, vm, container;
    bool balloon_on, sharing, swap;
    double allocated;        /* a VM's boot-time memory, a container's limit (or its demand) */
    double limit;            /* a container's memory.max now (0: none) */
    double app, kernel, cache, overhead; /* its parts as its engine charged them */
    double cache_cap;        /* a VM's page cache within its memory */
    double working_set;
    double balloon, balloon_target, manual_balloon;
    double swapped;
    /* page sharing */
    uint32_t cls[2];         /* its classes: the kernel, its image */
    double class_bytes[2], merged[2];
    double scan_pos;
    uint32_t passes;
    bool throttled, settled;
    double settled_shared, settled_ballooned; /* density --overcommit: what each mechanism saves */
    vs_time_ns balloon_clock;  /* how far its balloon has been moved */
    double balloon_cpu_ns;
    uint64_t oom_kills, oom_epoch_killed;
    double oom_first_ns;
    double change_at_ns, change_done_ns;
    bool change_pending;
};

struct kclass {
    int64_t owner;           /* the guest whose pages seeded the tree (-1: none) */
    bool stable;             /* merged at least once: a KSM page exists */
};

struct mhost {
    bool ksm_running;
    uint32_t cursor;         /* the guest being scanned */
    double ksm_cpu_ns;
    double burst_cycles;
    struct kclass cls[N_CLASSES_MAX];
};

struct memmgmt {
    bool active;
    struct vs_world *w;
    uint32_t n_guests, n_hosts;
    struct mguest *g;
    struct mhost *h;
    uint32_t group_class[VS_MAX_GUEST_GROUPS];
    uint64_t ticks;
};

static double clampd(double v, double lo, double hi) { return v < lo ? lo : v > hi ? hi : v; }

static double cost(const struct memmgmt *m, uint32_t guest, enum vs_cost_id id)
{
    return vs_world_host_cost(m->w, vs_world_guest_host(m->w, guest), id);
}

/* ---- what a guest holds ---- */

/* A VM's memory it never touched: the balloon takes it first, and it gives
 * the host nothing. */
static double vm_untouched(const struct mguest *g)
{
    double used = g->app + g->kernel + g->cache_cap;
    return g->allocated > used ? g->allocated - used : 0;
}

/* The part of its balloon that was resident (page cache it gave up). */
static double balloon_resident(const struct mguest *g)
{
    if (!g->vm) return 0;
    return clampd(g->balloon - vm_untouched(g), 0, g->cache_cap);
}

/* The most a VM's balloon can hold: everything but its anonymous memory and kernel. */
static double balloon_max(const struct mguest *g)
{
    double floor = g->app + g->kernel;
    return g->allocated > floor ? g->allocated - floor : 0;
}

/* Page cache its reads can hit. */
static double visible_cache(const struct mguest *g) { return g->cache_cap - balloon_resident(g); }

/* What it would hold in RAM before swapping: its parts, less what its
 * balloon gave back and what sharing merged. */
static double demand(const struct mguest *g)
{
    double own = g->app + g->kernel + g->cache_cap + g->overhead - balloon_resident(g);
    return own - (g->merged[0] + g->merged[1]);
}

/* Pages KSM finds mapped (merged ones included; balloon and swap are not). */
static double scannable(const struct mguest *g)
{
    return g->app + g->kernel + g->cache_cap + g->overhead - balloon_resident(g) - g->swapped;
}

static double resident(const struct mguest *g)
{
    double r = demand(g) - g->swapped;
    return r > 0 ? r : 0;
}

/* ---- page sharing (ksmd) ---- */

static void refresh_classes(struct memmgmt *m, uint32_t i)
{
    struct mguest *g = &m->g[i];
    g->class_bytes[0] = g->class_bytes[1] = 0;
    if (!g->sharing || !g->vm) return;
    const struct vs_guest_spec *gs = vs_world_guest_spec(m->w, i);
    double text = cost(m, i, VS_COST_GUEST_KERNEL_TEXT_BYTES);
    g->class_bytes[0] = text < g->kernel ? text : g->kernel;
    double code = gs->workload.memory.code_bytes;
    if (code > g->app) code = g->app;
    double file = gs->workload.memory.file_set_bytes, cached = visible_cache(g);
    g->class_bytes[1] = code + (file < cached ? file : cached);
    for (int c = 0; c < 2; c++)
        if (g->merged[c] > g->class_bytes[c]) g->merged[c] = g->class_bytes[c];
}

/* Scans `bytes` of guest i: its identical pages, spread evenly over its
 * memory, are checked against the trees (mm/ksm.c, cmp_and_merge_page:
 * the stable tree first; the unstable tree only for a page whose checksum
 * did not change since the last scan). */
static void scan_guest(struct memmgmt *m, struct mhost *h, uint32_t i, double bytes, double total)
{
    struct mguest *g = &m->g[i];
    for (int c = 0; c < 2; c++) {
        if (!(g->class_bytes[c] > 0) || !(total > 0)) continue;
        struct kclass *k = &h->cls[g->cls[c]];
        double x = bytes * g->class_bytes[c] / total;
        if (k->owner == (int64_t)i) continue;
        if (k->stable || (k->owner >= 0 && g->passes >= 1)) {
            g->merged[c] = g->merged[c] + x < g->class_bytes[c] ? g->merged[c] + x : g->class_bytes[c];
            k->stable = true;
        } else if (k->owner < 0 && g->passes >= 1) {
            k->owner = i;
        }
    }
}

static bool shares_on(const struct memmgmt *m, uint32_t host, uint32_t i)
{
    const struct mguest *g = &m->g[i];
    return g->up && g->sharing && g->vm && vs_world_guest_host(m->w, i) == host;
}

/* The next guest of the host to scan after `from` (wrapping), or UINT32_MAX. */
static uint32_t next_scanned(const struct memmgmt *m, uint32_t host, uint32_t from)
{
    for (uint32_t k = 1; k <= m->n_guests; k++) {
        uint32_t i = (from + k) % m->n_guests;
        if (shares_on(m, host, i)) return i;
    }
    return UINT32_MAX;
}

static void update_host(struct memmgmt *m, uint32_t host);
static void on_ksm_wake(void *ctx, uint64_t host);

static void on_ksm_done(void *ctx, uint64_t host)
{
    struct memmgmt *m = ctx;
    struct mhost *h = &m->h[host];
    h->ksm_cpu_ns += h->burst_cycles * 1e9 / vs_world_host_frequency(m->w, (uint32_t)host);
    uint32_t any = UINT32_MAX;
    for (uint32_t i = 0; i < m->n_guests && any == UINT32_MAX; i++)
        if (shares_on(m, (uint32_t)host, i)) any = i;
    double budget = vs_world_host_cost(m->w, (uint32_t)host, VS_COST_KSM_PAGES_TO_SCAN) * PAGE_BYTES;
    if (any != UINT32_MAX && !shares_on(m, (uint32_t)host, h->cursor)) h->cursor = next_scanned(m, (uint32_t)host, h->cursor);
    for (int guard = 0; any != UINT32_MAX && budget > 0 && guard < 2 * VS_MAX_GUESTS; guard++) {
        uint32_t i = h->cursor;
        struct mguest *g = &m->g[i];
        double total = scannable(g), left = total - g->scan_pos;
        double take = left < budget ? left : budget;
        if (take > 0) scan_guest(m, h, i, take, total);
        g->scan_pos += take > 0 ? take : 0;
        budget -= take > 0 ? take : 0;
        if (g->scan_pos >= total) {
            g->scan_pos = 0;
            g->passes++;
            h->cursor = next_scanned(m, (uint32_t)host, i);
        }
    }
    update_host(m, (uint32_t)host);
    vs_world_schedule(m->w, vs_world_now(m->w) + (vs_time_ns)vs_world_host_cost(m->w, (uint32_t)host, VS_COST_KSM_SLEEP_NS),
                      on_ksm_wake, m, host);
}

static void on_ksm_wake(void *ctx, uint64_t host)
{
    struct memmgmt *m = ctx;
    struct mhost *h = &m->h[host];
    bool any = false;
    for (uint32_t i = 0; i < m->n_guests && !any; i++) any = shares_on(m, (uint32_t)host, i);
    if (!any) {
        h->ksm_running = false;
        return;
    }
    h->burst_cycles = vs_world_host_cost(m->w, (uint32_t)host, VS_COST_KSM_PAGES_TO_SCAN) *
                      vs_world_host_cost(m->w, (uint32_t)host, VS_COST_KSM_PAGE_CYCLES);
    if (vs_world_host_kthread(m->w, (uint32_t)host, h->burst_cycles, KSMD_WEIGHT, on_ksm_done, m, host) != VS_OK)
        h->ksm_running = false;
}

/* A class whose seed left: the tree keeps a KSM page while another guest
 * maps it, so one of them holds it from now on. */
static void drop_owner(struct memmgmt *m, uint32_t i)
{
    uint32_t host = vs_world_guest_host(m->w, i);
    struct mhost *h = &m->h[host];
    for (int c = 0; c < 2; c++) {
        struct kclass *k = &h->cls[m->g[i].cls[c]];
        if (k->owner != (int64_t)i) continue;
        k->owner = -1;
        k->stable = false;
        for (uint32_t j = 0; j < m->n_guests; j++)
            if (j != i && shares_on(m, host, j) && m->g[j].merged[c] > 0 && m->g[j].cls[c] == m->g[i].cls[c]) {
                k->owner = j;
                k->stable = true;
                m->g[j].merged[c] = 0;
                break;
            }
    }
}

/* ---- the host's policy: balloon targets, swap, container limits ---- */

static void oom_kill(struct memmgmt *m, uint32_t i)
{
    struct mguest *g = &m->g[i];
    char why[200];
    vs_time_ns restart = (vs_time_ns)cost(m, i, VS_COST_PROCESS_RESTART_NS);
    if (vs_world_crash(m->w, i, restart, false, NULL, why, sizeof why) != VS_OK) return;
    g->oom_kills++;
    if (g->oom_first_ns < 0) g->oom_first_ns = (double)(vs_world_now(m->w) - vs_world_boot_end(m->w));
}

/* A container: its cgroup limit against its anonymous memory and kernel
 * objects (which reclaim cannot free); the page cache gets what is left. */
static void apply_limit(struct memmgmt *m, uint32_t i)
{
    struct mguest *g = &m->g[i];
    if (!g->container || !(g->limit > 0)) return;
    double pinned = g->app + g->overhead;
    vs_world_set_cache_limit(m->w, i, pinned < g->limit ? g->limit - pinned : 0);
    if (pinned <= g->limit) return;
    if (g->swap) return; /* the excess goes to swap (update_host) */
    enum vs_guest_state st = vs_world_guest_state(m->w, i);
    /* Its service holds its memory while it runs: a restarted one is
     * killed again once it serves. */
    if (st == VS_GUEST_RUNNING || st == VS_GUEST_FINISHED) oom_kill(m, i);
}

/* Swap-out writes, attributed to the guest, on the host's disk queue. */
static void swap_out(struct memmgmt *m, uint32_t i, double bytes)
{
    double chunk = cost(m, i, VS_COST_SWAP_WRITE_BYTES);
    if (!(chunk > 0)) return;
    for (; bytes > 0.5; bytes -= chunk)
        vs_world_disk_io(m->w, i, true, bytes < chunk ? bytes : chunk, NULL, NULL, 0);
}

static void update_host(struct memmgmt *m, uint32_t host)
{
    double capacity, fixed;
    vs_world_host_memory(m->w, host, &capacity, &fixed);
    /* Guests the memory component does not manage hold what their engine charged. */
    double others = 0, need = fixed - capacity, balloonable = 0;
    for (uint32_t i = 0; i < m->n_guests; i++) {
        if (vs_world_guest_host(m->w, i) != host) continue;
        struct mguest *g = &m->g[i];
        struct vs_mem_parts p;
        vs_world_guest_memory(m->w, i, &p);
        bool holds = vs_mem_parts_total(&p) > 0;
        if (!holds && g->up) {
            drop_owner(m, i);
            g->up = false;
        }
        if (!holds) continue;
        if (!g->managed || g->settled) {
            others += vs_mem_parts_total(&p) - p.bytes[VS_MEM_SHARED];
            continue;
        }
        need += demand(g) + balloon_resident(g);
        if (g->balloon_on && g->vm) balloonable += g->cache_cap;
    }
    need += others;
    /* The balloons: pressure the host cannot meet otherwise, shared in
     * proportion to the page cache each guest could give up. */
    for (uint32_t i = 0; i < m->n_guests; i++) {
        struct mguest *g = &m->g[i];
        if (!g->up || !g->managed || !g->balloon_on || !g->vm || vs_world_guest_host(m->w, i) != host) continue;
        double auto_target = 0;
        if (need > 0 && balloonable > 0) {
            double give = need * g->cache_cap / balloonable;
            if (give > g->cache_cap) give = g->cache_cap;
            auto_target = vm_untouched(g) + give;
        }
        double t = auto_target > g->manual_balloon ? auto_target : g->manual_balloon;
        g->balloon_target = clampd(t, 0, balloon_max(g));
    }
    /* Swap: what still does not fit, coldest pages first, from the guests
     * that may swap, in proportion to what they hold. */
    double held = fixed + others, swappable = 0;
    for (uint32_t i = 0; i < m->n_guests; i++) {
        struct mguest *g = &m->g[i];
        if (!g->up || !g->managed || vs_world_guest_host(m->w, i) != host) continue;
        held += demand(g);
        if (g->swap) swappable += demand(g);
    }
    double excess = held - capacity;
    for (uint32_t i = 0; i < m->n_guests; i++) {
        struct mguest *g = &m->g[i];
        if (!g->up || !g->managed || vs_world_guest_host(m->w, i) != host) continue;
        double d = demand(g), sw = 0;
        if (g->swap && excess > 0 && swappable > 0) sw = clampd(excess * d / swappable, 0, d);
        sw = ceil(sw / PAGE_BYTES - 1e-6) * PAGE_BYTES; /* whole pages (and no rounding dust) */
        if (sw > d) sw = d;
        /* A container over its limit that may swap keeps the excess in swap. */
        if (g->container && g->swap && g->limit > 0 && g->app + g->overhead > g->limit) {
            double over = g->app + g->overhead - g->limit;
            if (over > sw) sw = over;
        }
        if (sw > g->swapped) swap_out(m, i, sw - g->swapped);
        g->swapped = sw;
        /* Faults: touches of the working set once the swapped part exceeds
         * what the guest does not touch. */
        double cold = d - g->working_set, hot = sw - (cold > 0 ? cold : 0);
        vs_world_set_swap_faults(m->w, i, hot > 0 && g->working_set > 0 ? hot / g->working_set : 0);
        vs_world_set_resident(m->w, i, resident(g));
        if (g->vm) vs_world_set_cache_limit(m->w, i, visible_cache(g));
    }
}

/* Moves a balloon towards its target up to `to`, one balloon_page per page. */
static void step_balloon(struct memmgmt *m, uint32_t i, vs_time_ns to)
{
    struct mguest *g = &m->g[i];
    vs_time_ns from = g->balloon_clock;
    g->balloon_clock = to;
    if (!g->up || !g->balloon_on || !g->vm || to <= from) return;
    {
        double page_ns = cost(m, i, VS_COST_BALLOON_PAGE_NS), share = cost(m, i, VS_COST_BALLOON_GUEST_SHARE);
        double diff = g->balloon_target - g->balloon, can = (double)(to - from) / page_ns * PAGE_BYTES;
        bool moving = fabs(diff) > 0.5;
        if (moving) {
            double step = fabs(diff) < can ? fabs(diff) : can;
            g->balloon += diff > 0 ? step : -step;
            g->balloon_cpu_ns += step / PAGE_BYTES * page_ns * share;
            if (fabs(diff) <= can && g->change_pending) {
                g->change_pending = false;
                g->change_done_ns = (double)(from - vs_world_boot_end(m->w)) + fabs(diff) / PAGE_BYTES * page_ns;
            }
            refresh_classes(m, i);
        } else if (g->change_pending && fabs(g->manual_balloon - g->balloon) <= 0.5) {
            g->change_pending = false;
            g->change_done_ns = (double)(from - vs_world_boot_end(m->w));
        }
        /* The driver's work takes a share of one of its vCPUs while it runs. */
        bool busy = moving && fabs(g->balloon_target - g->balloon) > 0.5;
        if (busy != g->throttled) {
            uint32_t vcpus = vs_world_guest_spec(m->w, i)->vcpus;
            vs_world_throttle(m->w, i, busy ? 1.0 - share / (double)(vcpus ? vcpus : 1) : 1.0);
            g->throttled = busy;
        }
    }
}

static void step_balloons(struct memmgmt *m, vs_time_ns to)
{
    for (uint32_t i = 0; i < m->n_guests; i++) step_balloon(m, i, to);
}

static void on_tick(void *ctx, uint64_t arg)
{
    (void)arg;
    struct memmgmt *m = ctx;
    vs_time_ns now = vs_world_now(m->w);
    step_balloons(m, now);
    for (uint32_t i = 0; i < m->n_guests; i++)
        if (m->g[i].up && m->g[i].managed) apply_limit(m, i);
    for (uint32_t h = 0; h < m->n_hosts; h++) update_host(m, h);
    m->ticks++;
    vs_world_schedule(m->w, now + TICK_NS, on_tick, m, 0);
}

/* ---- what each system has ---- */

/* Which mechanisms the guest's system has (docs/approaches.md, "Memory
 * management"): KSM is Linux's (KVM and QEMU guests are processes whose
 * memory QEMU marks mergeable), VMware has TPS; Xen has neither in
 * production use and does not swap guest memory, but invented the balloon
 * driver; a VM whose memory is a host process's (KVM, QEMU, VMware, UML,
 * Bochs) can be swapped by the host; a container's memory can swap within
 * its cgroup, and it needs neither balloon nor sharing (one kernel's page
 * cache and libraries already serve all). */
static void capabilities(const struct vs_world *w, uint32_t i, bool *ksm, bool *balloon, bool *swap)
{
    const char *a = vs_world_approach(w, i), *p = vs_world_preset(w, i)->name;
    bool xen = strncmp(p, "xen", 3) == 0 || strcmp(p, "paravirt") == 0;
    bool uml = strncmp(p, "uml", 3) == 0;
    if (strcmp(a, "native") == 0) {
        *ksm = *balloon = *swap = false;
    } else if (strcmp(a, "oslevel") == 0) {
        *ksm = *balloon = false;
        *swap = true;
    } else {
        *ksm = !xen && !uml && strcmp(p, "bochs") != 0 && strcmp(p, "parallels") != 0;
        *balloon = !uml && strcmp(p, "bochs") != 0;
        *swap = !xen;
    }
}

/* ---- hooks ---- */

static bool group_managed(const struct vs_world *w, uint32_t group)
{
    return vs_world_group_spec(w, group)->resources.memory.set;
}

static int mm_build(struct vs_world *w, void **state, struct vs_error *err)
{
    *state = NULL;
    bool any = vs_world_sets_param(w, "memory");
    for (uint32_t gr = 0; gr < vs_world_group_count(w); gr++) any |= group_managed(w, gr);
    if (!any) return VS_OK; /* nothing to manage: no state, no events */
    struct memmgmt *m = calloc(1, sizeof *m);
    if (m) {
        m->n_guests = vs_world_guest_count(w);
        m->n_hosts = vs_world_host_count(w);
        m->g = calloc(m->n_guests ? m->n_guests : 1, sizeof *m->g);
        m->h = calloc(m->n_hosts ? m->n_hosts : 1, sizeof *m->h);
    }
    if (!m || !m->g || !m->h) {
        if (m) {
            free(m->g);
            free(m->h);
        }
        free(m);
        return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    }
    m->active = true;
    m->w = w;
    /* One image class per workload: groups of the same workload share it. */
    for (uint32_t gr = 0; gr < vs_world_group_count(w); gr++) {
        m->group_class[gr] = gr + 1;
        for (uint32_t o = 0; o < gr; o++)
            if (strcmp(vs_world_group_spec(w, o)->workload.name, vs_world_group_spec(w, gr)->workload.name) == 0) {
                m->group_class[gr] = m->group_class[o];
                break;
            }
    }
    for (uint32_t h = 0; h < m->n_hosts; h++)
        for (uint32_t c = 0; c < N_CLASSES_MAX; c++) m->h[h].cls[c].owner = -1;
    for (uint32_t i = 0; i < m->n_guests; i++) {
        m->g[i].oom_first_ns = m->g[i].change_at_ns = m->g[i].change_done_ns = -1;
        const struct vs_memory_resources *r = &vs_world_guest_spec(w, i)->resources.memory;
        bool ksm, balloon, swap;
        capabilities(w, i, &ksm, &balloon, &swap);
        m->g[i].managed = r->set;
        m->g[i].balloon_on = r->balloon && balloon;
        m->g[i].sharing = r->sharing && ksm;
        m->g[i].swap = r->swap && swap;
        vs_world_allow_overcommit(w, i, m->g[i].swap);
    }
    *state = m;
    vs_world_schedule(w, vs_world_now(w) + TICK_NS, on_tick, m, 0);
    return VS_OK;
}

/* density --overcommit: the guest as the mechanisms leave it once they have
 * settled. Sharing's identical pages exist once per host (the shared part
 * is charged once: n guests save (n - 1) copies, KSM's arithmetic); an
 * inflated balloon holds its page cache. */
static void mm_admit(void *state, struct vs_world *w, uint32_t i, struct vs_mem_parts *p, bool *own_cache)
{
    struct memmgmt *m = state;
    if (!m || !vs_world_guest_spec(w, i)->resources.memory.settled) return;
    struct mguest *g = &m->g[i];
    const struct vs_memory_spec *ms = &vs_world_guest_spec(w, i)->workload.memory;
    g->settled = true;
    g->settled_shared = g->settled_ballooned = 0;
    if (p->bytes[VS_MEM_GUEST_KERNEL] <= 0) return; /* not a VM: nothing to merge or balloon */
    if (g->balloon_on) {
        g->settled_ballooned = p->bytes[VS_MEM_PAGE_CACHE];
        p->bytes[VS_MEM_PAGE_CACHE] = 0;
        *own_cache = true;
    }
    if (g->sharing) {
        double text = cost(m, i, VS_COST_GUEST_KERNEL_TEXT_BYTES), k = p->bytes[VS_MEM_GUEST_KERNEL];
        double code = ms->code_bytes < p->bytes[VS_MEM_APPLICATION] ? ms->code_bytes : p->bytes[VS_MEM_APPLICATION];
        double files = ms->file_set_bytes < p->bytes[VS_MEM_PAGE_CACHE] ? ms->file_set_bytes : p->bytes[VS_MEM_PAGE_CACHE];
        if (text > k) text = k;
        p->bytes[VS_MEM_GUEST_KERNEL] -= text;
        p->bytes[VS_MEM_APPLICATION] -= code;
        p->bytes[VS_MEM_PAGE_CACHE] -= files;
        g->settled_shared = text + code + files;
        p->bytes[VS_MEM_SHARED] += g->settled_shared;
    }
}

static void mm_destroy(void *state)
{
    struct memmgmt *m = state;
    if (!m) return;
    free(m->g);
    free(m->h);
    free(m);
}

static void mm_guest_start(void *state, struct vs_world *w, uint32_t i)
{
    struct memmgmt *m = state;
    if (!m || m->g[i].settled) return; /* settled (density): charged once, nothing moves */
    struct mguest *g = &m->g[i];
    const struct vs_guest_spec *gs = vs_world_guest_spec(w, i);
    const char *a = vs_world_approach(w, i);
    struct vs_mem_parts p;
    vs_world_guest_memory(w, i, &p);
    g->up = vs_mem_parts_total(&p) > 0;
    g->container = strcmp(a, "oslevel") == 0;
    g->vm = !g->container && strcmp(a, "native") != 0;
    g->app = p.bytes[VS_MEM_APPLICATION];
    g->kernel = p.bytes[VS_MEM_GUEST_KERNEL];
    g->cache = p.bytes[VS_MEM_PAGE_CACHE];
    g->overhead = p.bytes[VS_MEM_OVERHEAD];
    double lim = gs->resources.memory.limit_bytes > 0 ? gs->resources.memory.limit_bytes : gs->memory_bytes;
    if (g->vm) {
        /* Its memory: what it boots with; the page cache lives within it. */
        g->allocated = lim > 0 ? lim : g->app + g->kernel + g->cache;
        double room = g->allocated - g->app - g->kernel;
        g->cache_cap = clampd(room, 0, g->cache);
    } else {
        g->cache_cap = 0;
        g->limit = g->container ? gs->resources.memory.limit_bytes : 0;
        g->allocated = g->limit > 0 ? g->limit : g->app + g->overhead;
    }
    g->working_set = gs->workload.memory.working_set_bytes > 0 ? gs->workload.memory.working_set_bytes : g->app;
    if (g->working_set > g->app) g->working_set = g->app;
    g->balloon = g->balloon_target = g->manual_balloon = 0;
    g->balloon_clock = vs_world_now(w);
    g->swapped = g->scan_pos = 0;
    g->merged[0] = g->merged[1] = 0;
    g->passes = 0;
    g->cls[0] = 0;
    g->cls[1] = m->group_class[vs_world_guest_group(w, i)];
    refresh_classes(m, i);
    uint32_t host = vs_world_guest_host(w, i);
    if (g->managed) {
        apply_limit(m, i);
        update_host(m, host);
    }
    struct mhost *h = &m->h[host];
    if (g->managed && g->sharing && g->vm && !h->ksm_running) {
        h->ksm_running = true;
        h->cursor = i;
        vs_world_schedule(w, vs_world_now(w), on_ksm_wake, m, host);
    }
}

static void mm_guest_stop(void *state, struct vs_world *w, uint32_t i)
{
    struct memmgmt *m = state;
    if (!m || !m->g[i].up) return;
    drop_owner(m, i);
    m->g[i].up = false;
    update_host(m, vs_world_guest_host(w, i));
}

static void mm_warmup_reset(void *state, struct vs_world *w)
{
    (void)w;
    struct memmgmt *m = state;
    if (!m) return;
    for (uint32_t i = 0; i < m->n_guests; i++) {
        m->g[i].oom_kills = 0;
        m->g[i].balloon_cpu_ns = 0;
    }
    for (uint32_t h = 0; h < m->n_hosts; h++) m->h[h].ksm_cpu_ns = 0;
}

/* set: {guest: G, memory: SIZE}. */
struct set_call {
    struct memmgmt *m;
    double bytes;
};

static int set_one(void *ctx, struct vs_world *w, uint32_t i, char *why, size_t n)
{
    const struct set_call *c = ctx;
    struct memmgmt *m = c->m;
    struct mguest *g = &m->g[i];
    char a[32], b[32];
    if (!g->up) {
        snprintf(why, n, "%s is not running", vs_world_guest_name(w, i));
        return VS_ERR_INPUT;
    }
    g->managed = true;
    vs_time_ns since_boot = vs_world_now(w) - vs_world_boot_end(w);
    if (g->container) {
        /* A cgroup's memory.max (a beancounter's limit) changes at once. */
        g->limit = c->bytes;
        g->allocated = c->bytes;
        g->change_at_ns = g->change_done_ns = (double)since_boot;
        g->change_pending = false;
        apply_limit(m, i);
        update_host(m, vs_world_guest_host(w, i));
        return VS_OK;
    }
    if (!g->vm) {
        snprintf(why, n, "%s runs natively: there is no guest memory to set", vs_world_guest_name(w, i));
        return VS_ERR_INPUT;
    }
    if (c->bytes > g->allocated) {
        snprintf(why, n, "%s cannot grow beyond the %s it booted with", vs_world_guest_name(w, i),
                 vs_units_format_bytes(g->allocated, a, sizeof a));
        return VS_ERR_INPUT;
    }
    if (!g->balloon_on) {
        snprintf(why, n, "%s has no balloon (resources.memory.balloon) to change its memory", vs_world_guest_name(w, i));
        return VS_ERR_INPUT;
    }
    double want = g->allocated - c->bytes;
    if (want > balloon_max(g) + 0.5) {
        snprintf(why, n, "%s: a balloon cannot take it below its kernel and anonymous memory, %s",
                 vs_world_guest_name(w, i), vs_units_format_bytes(g->allocated - balloon_max(g), b, sizeof b));
        return VS_ERR_INPUT;
    }
    step_balloon(m, i, vs_world_now(w)); /* what it did so far, towards the old target */
    g->manual_balloon = want;
    g->change_at_ns = (double)since_boot;
    g->change_done_ns = -1;
    g->change_pending = true;
    update_host(m, vs_world_guest_host(w, i));
    return VS_OK;
}

static bool mm_set_param(void *state, struct vs_world *w, uint32_t group, const char *param, double value, int *rc,
                         char *why, size_t n)
{
    struct memmgmt *m = state;
    if (strcmp(param, "memory") != 0 || !m) return false;
    struct set_call c = {m, value};
    *rc = vs_component_each_guest(w, vs_world_group_spec(w, group)->name, set_one, &c, why, n);
    return true;
}

static void mm_guest_memory(const void *state, const struct vs_world *w, uint32_t i, struct vs_mem_mgmt *out)
{
    const struct memmgmt *m = state;
    if (!m || !m->g[i].managed) return;
    const struct mguest *g = &m->g[i];
    memset(out, 0, sizeof *out);
    out->managed = true;
    if (g->settled) {
        out->shared_bytes = g->settled_shared;
        out->ballooned_bytes = g->settled_ballooned;
        out->oom_first_ns = out->change_at_ns = out->change_done_ns = -1;
        return;
    }
    out->oom_first_ns = g->oom_first_ns;
    out->change_at_ns = g->change_at_ns;
    out->change_done_ns = g->change_done_ns;
    out->allocated_bytes = g->allocated;
    out->oom_kills = g->oom_kills;
    out->balloon_cpu_ns = g->balloon_cpu_ns;
    out->swap_ins = vs_world_swap_ins(w, i);
    out->limit_bytes = g->container ? g->limit : g->vm ? g->allocated - g->balloon : 0;
    const struct vs_memory_resources *r = &vs_world_guest_spec(w, i)->resources.memory;
    const char *p = vs_world_preset(w, i)->name;
    snprintf(out->unavailable, sizeof out->unavailable, "%s%s%s", r->sharing && !g->sharing ? "sharing " : "",
             r->balloon && !g->balloon_on ? "balloon " : "", r->swap && !g->swap ? "swap " : "");
    if (out->unavailable[0]) {
        size_t used = strlen(out->unavailable);
        snprintf(out->unavailable + used, sizeof out->unavailable - used, "(not in %.20s)", p);
    }
    if (!g->up) return;
    out->resident_bytes = resident(g);
    out->shared_bytes = g->merged[0] + g->merged[1];
    out->ballooned_bytes = g->balloon;
    out->swapped_bytes = g->swapped;
}

static void mm_host_memory(const void *state, const struct vs_world *w, uint32_t host, struct vs_mem_mgmt *out)
{
    const struct memmgmt *m = state;
    if (!m) return;
    memset(out, 0, sizeof *out);
    out->oom_first_ns = out->change_at_ns = out->change_done_ns = -1;
    bool any = false;
    for (uint32_t i = 0; i < m->n_guests; i++) {
        if (vs_world_guest_host(w, i) != host) continue;
        const struct mguest *g = &m->g[i];
        struct vs_mem_parts p;
        vs_world_guest_memory(w, i, &p);
        if (!g->managed) {
            /* Unmanaged guests count with what they were given. */
            double own = vs_mem_parts_total(&p) - p.bytes[VS_MEM_SHARED];
            out->allocated_bytes += own;
            out->resident_bytes += own;
            continue;
        }
        any = true;
        struct vs_mem_mgmt one = {0};
        mm_guest_memory(state, w, i, &one);
        if (!(vs_mem_parts_total(&p) > 0)) continue; /* a stopped guest holds nothing */
        out->allocated_bytes += one.allocated_bytes;
        out->resident_bytes += one.resident_bytes;
        out->shared_bytes += one.shared_bytes;
        out->ballooned_bytes += one.ballooned_bytes;
        out->swapped_bytes += one.swapped_bytes;
        out->swap_ins += one.swap_ins;
        out->oom_kills += one.oom_kills;
        out->balloon_cpu_ns += one.balloon_cpu_ns;
    }
    if (!any) return;
    out->managed = true;
    out->ksm_cpu_ns = m->h[host].ksm_cpu_ns;
    double capacity, fixed;
    vs_world_host_memory(w, host, &capacity, &fixed);
    out->overcommit_ratio = capacity > 0 ? out->allocated_bytes / capacity : 0;
}

static void mm_snapshot(const void *state, const struct vs_world *w, struct vs_component_figure *out, uint32_t *n)
{
    (void)w;
    const struct memmgmt *m = state;
    if (!m) return;
    double shared = 0, swapped = 0, ballooned = 0;
    uint64_t kills = 0;
    for (uint32_t i = 0; i < m->n_guests; i++) {
        const struct mguest *g = &m->g[i];
        kills += g->oom_kills;
        if (!g->up) continue;
        shared += g->merged[0] + g->merged[1];
        swapped += g->swapped;
        ballooned += g->balloon;
    }
    vs_component_figure(out, n, "shared_bytes", shared);
    vs_component_figure(out, n, "ballooned_bytes", ballooned);
    vs_component_figure(out, n, "swapped_bytes", swapped);
    vs_component_figure(out, n, "oom_kills", (double)kills);
}

const struct vs_component_ops vs_component_memory = {
    .name = "memory",
    .summary = "memory limits and overcommit: page sharing (KSM), ballooning, host swap, container limits",
    .build = mm_build,
    .destroy = mm_destroy,
    .guest_start = mm_guest_start,
    .guest_stop = mm_guest_stop,
    .warmup_reset = mm_warmup_reset,
    .snapshot = mm_snapshot,
    .set_param = mm_set_param,
    .admit = mm_admit,
    .guest_memory = mm_guest_memory,
    .host_memory = mm_host_memory,
};
