/* Properties of every run, checked over random scenarios. A seeded
 * generator (gen_scenario) writes valid scenario YAML: one or two hosts of
 * random size from a built-in profile, one to four guest groups of
 * built-in workloads with random loads (open, closed, batch), shares, caps,
 * queue limits and memory, some fed by another group over the network, a
 * random timeline (start, stop, pause, resume, set, faults: a process
 * crash or a kernel panic, a live migration between two hosts), and one to three engines from the registry that the
 * host can run. The YAML goes through the ordinary loader, so a failing
 * seed prints a scenario that `virtsim run` reproduces. What must hold:
 *  - CPU time is conserved: on every host, each category's time summed over
 *    the cores equals what the guests on that host were charged in it
 *    (context switches included: they are charged to the incoming guest),
 *    every core's busy time fits in the window and busy + idle is the
 *    window; groups are the sums of their instances;
 *  - no request is lost: arrived = completed + dropped + abandoned (in a
 *    guest the timeline stopped or a migration moved away) + queued + in
 *    service, per instance and per group, over the whole run; and between
 *    two snapshots a group's completions since the start (the stepper's
 *    rates) grow by what it completed in between;
 *  - memory used never exceeds capacity (there is no overcommit): on every
 *    host, used <= capacity, used + free = capacity, and used is the host's
 *    reserve plus what its guests hold (the shared part once);
 * the first three at every step of a run advanced in random steps, and:
 *  - results do not depend on --threads: replications, and the points of a
 *    sweep, run on one thread and on three give byte-identical JSON;
 *  - results do not depend on how a run is stepped: run in one go
 *    (vs_sim_run_scenario), advanced in random steps (vs_sim_advance) and
 *    through the stepper in random steps (vs_stepper_advance) give
 *    byte-identical JSON.
 * PROPERTY_SEEDS scenarios are checked (the environment variable
 * VIRTSIM_PROP_SEEDS=N checks more, VIRTSIM_PROP_SEED=S only seed S, and
 * VIRTSIM_PROP_PRINT=1 prints each scenario, VIRTSIM_PROP_TEST=PATTERN runs
 * only the tests whose name matches). */
#include "testutil.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "virtsim/load/config.h"
#include "virtsim/model/engine.h"
#include "virtsim/out/report.h"
#include "virtsim/out/scores.h"
#include "virtsim/run/replicate.h"
#include "virtsim/run/sim.h"
#include "virtsim/run/stepper.h"
#include "virtsim/run/sweep.h"

#define PROPERTY_SEEDS 12
#define YAML_MAX 8192

/* ---- a small deterministic generator (splitmix64) ---- */

struct gen {
    uint64_t s;
};

static uint64_t next64(struct gen *g)
{
    uint64_t z = (g->s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* Uniform in [lo, hi]. */
static uint32_t pick(struct gen *g, uint32_t lo, uint32_t hi)
{
    return lo + (uint32_t)(next64(g) % ((uint64_t)hi - lo + 1));
}

static bool chance(struct gen *g, uint32_t percent) { return pick(g, 1, 100) <= percent; }

static const char *const workloads[] = {"cpu-bound",     "database-oltp", "disk-random", "file-server",
                                        "fork-exec",     "kernel-build",  "net-stream",  "syscall-heavy",
                                        "tlb-thrash",    "web-server"};
#define N_WORKLOADS (sizeof workloads / sizeof workloads[0])

static const char *const profiles[] = {"current", "ept-2009", "vtx-2006", "p4-2003"};
#define N_PROFILES (sizeof profiles / sizeof profiles[0])

/* Every preset of the registry that host profile can run (HVM needs VT-x,
 * hvm-ept nested paging). */
static uint32_t presets(const char *profile, const char *names[], uint32_t max)
{
    struct vs_host_spec host;
    struct vs_error e;
    vs_error_clear(&e);
    assert_int_equal(vs_config_resolve_host(profile, NULL, &host, &e), VS_OK);
    uint32_t n = 0;
    for (size_t k = 0; k < vs_engine_count(); k++) {
        const struct vs_engine_ops *ops = vs_engine_at(k);
        for (size_t p = 0; p < ops->n_presets && n < max; p++) {
            void *state = NULL;
            if (ops->create(&host, &ops->presets[p], &state, &e) != VS_OK) continue;
            ops->destroy(state);
            names[n++] = ops->presets[p].name;
        }
    }
    assert_true(n > 0);
    return n;
}

struct text {
    char *buf;
    size_t len, used;
};

__attribute__((format(printf, 2, 3)))
static void put(struct text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(t->buf + t->used, t->len - t->used, fmt, ap);
    va_end(ap);
    assert_true(w >= 0 && (size_t)w < t->len - t->used);
    t->used += (size_t)w;
}

/* Writes the scenario of `seed` as YAML into buf. */
static void gen_scenario(uint64_t seed, char *buf, size_t len)
{
    struct gen g = {seed};
    struct text t = {buf, len, 0};
    uint32_t hosts = chance(&g, 25) ? 2 : 1;
    /* With two hosts, sometimes the first group starts on h-1 and one of
     * its guests migrates to h-2 (its requests in flight go with it), over
     * a link fast enough for it to finish within the run. */
    bool migrate = hosts == 2 && chance(&g, 60);
    uint32_t duration_ms = pick(&g, migrate ? 250 : 60, 300);
    put(&t, "name: prop-%" PRIu64 "\n", seed);
    put(&t, "duration: %ums\nwarmup: %ums\nseed: %u\n", duration_ms, pick(&g, 0, duration_ms / 3),
        pick(&g, 1, 1000000));
    char keys[400];
    /* Sometimes a short time slice or cap period: preemption, throttling. */
    char cpu_extra[64] = "";
    if (chance(&g, 30))
        snprintf(cpu_extra, sizeof cpu_extra, ", time_slice: %uus, cap_period: %ums", pick(&g, 100, 5000),
                 pick(&g, 5, 100));
    const char *profile = profiles[pick(&g, 0, N_PROFILES - 1)];
    uint32_t cores = pick(&g, 1, 8), capacity_mib = pick(&g, 1024, 16384), reserved_mib = pick(&g, 0, 512);
    snprintf(keys, sizeof keys, "profile: %s, cpu: {cores: %u%s}, memory: {capacity: %uMiB, reserved: %uMiB}",
             profile, cores, cpu_extra, capacity_mib, reserved_mib);
    /* Sometimes a slow disk with write-back and a write cache, a slow NIC:
     * queues and merges. */
    size_t used = strlen(keys);
    if (chance(&g, 30))
        used += (size_t)snprintf(keys + used, sizeof keys - used, ", disk: {class: %s, writeback_merge: %uKiB, "
                                 "write_cache: %uKiB}", chance(&g, 50) ? "hdd" : "ssd", pick(&g, 0, 256),
                                 pick(&g, 0, 4096));
    if (migrate)
        used += (size_t)snprintf(keys + used, sizeof keys - used, ", nic: {bandwidth: %uMbit}", pick(&g, 40000, 100000));
    else if (chance(&g, 30))
        used += (size_t)snprintf(keys + used, sizeof keys - used, ", nic: {bandwidth: %uMbit}", pick(&g, 10, 1000));
    assert_true(used < sizeof keys);
    if (hosts == 1) {
        put(&t, "host: {%s}\n", keys);
    } else {
        put(&t, "hosts:\n  - {name: h, count: 2, %s}\n", keys);
        put(&t, "links:\n  - {hosts: [h], bandwidth: %uMbit, latency: %uus}\n",
            migrate ? pick(&g, 40000, 100000) : pick(&g, 100, 10000), pick(&g, 0, 200));
    }
    const char *names[128];
    uint32_t n_presets = presets(profile, names, 128);
    uint32_t n_engines = pick(&g, 1, n_presets < 3 ? n_presets : 3);
    put(&t, "compare: [");
    uint32_t chosen[3];
    for (uint32_t k = 0; k < n_engines; k++) {
        uint32_t e;
        bool repeat;
        do {
            e = pick(&g, 0, n_presets - 1);
            repeat = false;
            for (uint32_t j = 0; j < k; j++) repeat |= chosen[j] == e;
        } while (repeat);
        chosen[k] = e;
        put(&t, "%s%s", k ? ", " : "", names[e]);
    }
    put(&t, "]\nguests:\n");
    uint32_t groups = pick(&g, 1, 4);
    uint32_t first_count = 1;
    for (uint32_t i = 0; i < groups; i++) {
        uint32_t count = pick(&g, 1, 3);
        if (i == 0) first_count = count;
        /* A guest that migrates has a small footprint, so its copy ends. */
        static const char *const small[] = {"web-server", "net-stream", "syscall-heavy", "fork-exec"};
        const char *wl = i == 0 && migrate ? small[pick(&g, 0, 3)] : workloads[pick(&g, 0, N_WORKLOADS - 1)];
        put(&t, "  - name: g%u\n    workload: %s\n    count: %u\n    vcpus: %u\n", i, wl, count, pick(&g, 1, 4));
        if (i == 0 && migrate) put(&t, "    host: h-1\n    memory: %uMiB\n", pick(&g, 128, 512));
        if (chance(&g, 40)) put(&t, "    weight: %u\n", pick(&g, 16, 2048));
        if (chance(&g, 25)) put(&t, "    cap: %u%%\n", pick(&g, 10, 100));
        if (chance(&g, 40)) put(&t, "    queue_limit: %u\n", pick(&g, 1, 20));
        /* At most what the host keeps for guests: more is refused. */
        uint32_t most = capacity_mib - reserved_mib < 4096 ? capacity_mib - reserved_mib : 4096;
        if (chance(&g, 20) && !(i == 0 && migrate)) put(&t, "    memory: %uMiB\n", pick(&g, 256, most));
        if (i > 0 && chance(&g, 25)) put(&t, "    clients_from: g%u\n", pick(&g, 0, i - 1));
        switch (pick(&g, 0, 2)) {
        case 0:
            put(&t, "    load: {kind: open, rate: %u/s, arrivals: %s}\n", pick(&g, 5, 3000),
                chance(&g, 70) ? "poisson" : "uniform");
            break;
        case 1:
            put(&t, "    load: {kind: closed, clients: %u, think_time: %uus}\n", pick(&g, 1, 6),
                pick(&g, 0, 5000));
            break;
        default:
            put(&t, "    load: {kind: batch, total: %u, clients: %u}\n", pick(&g, 1, 40), pick(&g, 0, 3));
            break;
        }
    }
    uint32_t events = chance(&g, 50) ? pick(&g, 1, 4) : 0;
    if (events || migrate) put(&t, "events:\n");
    if (migrate)
        put(&t, "  - {at: %ums, migrate: %s, to: h-2}\n", pick(&g, 0, duration_ms / 4),
            first_count == 1 ? "g0" : "g0-1");
    static const char *const actions[] = {"pause", "resume", "stop"};
    static const char *const faults[] = {"crash", "panic"};
    for (uint32_t k = 0; k < events; k++) {
        uint32_t at = pick(&g, 0, duration_ms), target = pick(&g, 0, groups - 1);
        switch (pick(&g, 0, 6)) {
        case 0:
            put(&t, "  - {at: %ums, start: g%u, count: %u}\n", at, target, pick(&g, 1, 2));
            break;
        case 1:
            put(&t, "  - {at: %ums, set: {guest: g%u, weight: %u, cap: %u%%}}\n", at, target, pick(&g, 16, 1024),
                pick(&g, 0, 100));
            break;
        case 2:
            put(&t, "  - {at: %ums, set: {guest: g%u, queue_limit: %u}}\n", at, target, pick(&g, 1, 50));
            break;
        case 3:
        case 4:
            /* A fault: what the guest had in flight and what arrives
             * while it is down is lost, counted once. */
            put(&t, "  - {at: %ums, %s: g%u}\n", at, faults[pick(&g, 0, 1)], target);
            break;
        default:
            put(&t, "  - {at: %ums, %s: g%u}\n", at, actions[pick(&g, 0, 2)], target);
            break;
        }
    }
}

/* ---- scenarios and their runs ---- */

static uint32_t n_seeds(void)
{
    const char *v = getenv("VIRTSIM_PROP_SEEDS");
    return v && atoi(v) > 0 ? (uint32_t)atoi(v) : PROPERTY_SEEDS;
}

/* The k-th seed checked: fixed, unless VIRTSIM_PROP_SEED names one. */
static uint64_t seed_at(uint32_t k)
{
    const char *v = getenv("VIRTSIM_PROP_SEED");
    if (v) return strtoull(v, NULL, 10);
    return 1000 + k;
}

static char yaml[YAML_MAX];

/* The scenario of seed, loaded; the test fails (printing it) if the loader
 * refuses what the generator meant to be valid. */
static struct vs_scenario *scenario_of(uint64_t seed)
{
    gen_scenario(seed, yaml, sizeof yaml);
    if (getenv("VIRTSIM_PROP_PRINT")) printf("# seed %" PRIu64 "\n%s\n", seed, yaml);
    struct vs_scenario *sc = calloc(1, sizeof *sc);
    assert_non_null(sc);
    struct vs_error e;
    vs_error_clear(&e);
    int rc = vs_config_load_scenario(yaml, strlen(yaml), "generated", NULL, sc, &e);
    if (rc != VS_OK) {
        char msg[1024];
        vs_error_format(&e, msg, sizeof msg);
        fail_msg("seed %" PRIu64 ": the generated scenario is refused: %s\n%s", seed, msg, yaml);
    }
    return sc;
}

/* Reports a broken property with everything needed to reproduce it. */
#define broken(seed, engine, at_ns, ...)                                                              \
    do {                                                                                              \
        print_error("property broken: seed %" PRIu64 ", engine %s, at %" PRId64 " ns:\n", (seed),    \
                    (engine), (int64_t)(at_ns));                                                      \
        print_error(__VA_ARGS__);                                                                     \
        print_error("\nscenario (VIRTSIM_PROP_SEED=%" PRIu64 "):\n%s\n", (seed), yaml);              \
        fail();                                                                                       \
    } while (0)

enum { CHECK_CPU = 1, CHECK_REQUESTS = 2, CHECK_MEMORY = 4 };

/* What the seeds exercised, so the properties are not checked vacuously. */
struct seen {
    uint64_t completed, dropped, abandoned, queued, failed_instances, snapshots, busy_cores, outages;
};

static void check_cpu(uint64_t seed, const struct vs_run_result *run, struct seen *seen)
{
    for (uint32_t h = 0; h < run->n_hosts; h++) {
        const struct vs_host_result *hr = &run->hosts[h];
        double charged[VS_CAT_COUNT] = {0}, on_cores[VS_CAT_COUNT] = {0};
        for (uint32_t i = 0; i < run->n_instances; i++)
            if (strcmp(run->instances[i].host, hr->name) == 0)
                for (int c = 0; c < VS_CAT_COUNT; c++) charged[c] += run->instances[i].cpu_ns[c];
        for (uint32_t core = 0; core < hr->spec.cpu.cores; core++) {
            double busy = 0, all = 0;
            for (int c = 0; c < VS_CAT_COUNT; c++) {
                all += hr->core_ns_by_cat[core][c];
                if (c == VS_CAT_IDLE) continue;
                busy += hr->core_ns_by_cat[core][c];
                on_cores[c] += hr->core_ns_by_cat[core][c];
            }
            if (busy > 0) seen->busy_cores++;
            if (run->window_ns > 0 && (busy > (double)run->window_ns || all != (double)run->window_ns))
                broken(seed, run->engine, run->now_ns,
                       "host %s core %u: busy %.0f ns, busy + idle %.0f ns, window %" PRId64 " ns", hr->name,
                       core, busy, all, run->window_ns);
        }
        for (int c = 0; c < VS_CAT_COUNT; c++) {
            if (c == VS_CAT_IDLE) continue;
            if (on_cores[c] != charged[c] || hr->cpu_ns_by_cat[c] != on_cores[c])
                broken(seed, run->engine, run->now_ns,
                       "host %s, %s: %.0f ns on its cores, %.0f ns in its total, %.0f ns charged to its guests",
                       hr->name, vs_cat_name((enum vs_cpu_cat)c), on_cores[c], hr->cpu_ns_by_cat[c], charged[c]);
        }
    }
    for (uint32_t gi = 0; gi < run->n_groups; gi++) {
        const struct vs_guest_result *grp = &run->groups[gi];
        for (int c = 0; c < VS_CAT_COUNT; c++) {
            double sum = 0;
            for (uint32_t i = 0; i < run->n_instances; i++)
                if (strcmp(run->instances[i].group, grp->name) == 0) sum += run->instances[i].cpu_ns[c];
            if (sum != grp->cpu_ns[c])
                broken(seed, run->engine, run->now_ns, "group %s, %s: %.0f ns, its instances %.0f ns", grp->name,
                       vs_cat_name((enum vs_cpu_cat)c), grp->cpu_ns[c], sum);
        }
    }
}

static void check_requests_of(uint64_t seed, const struct vs_run_result *run, const struct vs_guest_result *g)
{
    uint64_t accounted = g->completed_since_start + g->dropped_since_start + g->abandoned_since_start + g->queued +
                         g->in_service;
    if (g->arrived_since_start != accounted || g->completed > g->completed_since_start ||
        g->arrived > g->arrived_since_start || g->dropped > g->dropped_since_start)
        broken(seed, run->engine, run->now_ns,
               "%s: arrived %" PRIu64 " != completed %" PRIu64 " + dropped %" PRIu64 " + abandoned %" PRIu64
               " + queued %" PRIu64 " + in service %" PRIu64 " (window: arrived %" PRIu64 ", completed %" PRIu64
               ", dropped %" PRIu64 ")",
               g->name, g->arrived_since_start, g->completed_since_start, g->dropped_since_start,
               g->abandoned_since_start, g->queued, g->in_service, g->arrived, g->completed, g->dropped);
}

static void check_requests(uint64_t seed, const struct vs_run_result *run, struct seen *seen)
{
    for (uint32_t i = 0; i < run->n_instances; i++) {
        const struct vs_guest_result *g = &run->instances[i];
        check_requests_of(seed, run, g);
        seen->completed += g->completed;
        seen->dropped += g->dropped_since_start;
        seen->abandoned += g->abandoned_since_start;
        seen->queued += g->queued;
    }
    for (uint32_t i = 0; i < run->n_groups; i++) check_requests_of(seed, run, &run->groups[i]);
    seen->outages += run->n_outages;
}

static void check_memory(uint64_t seed, const struct vs_run_result *run, struct seen *seen)
{
    for (uint32_t h = 0; h < run->n_hosts; h++) {
        const struct vs_host_result *hr = &run->hosts[h];
        if (!(hr->mem_used_bytes <= hr->mem_capacity_bytes) || hr->mem_free_bytes < 0 ||
            fabs(hr->mem_used_bytes + hr->mem_free_bytes - hr->mem_capacity_bytes) > 1e-6 * hr->mem_capacity_bytes)
            broken(seed, run->engine, run->now_ns, "host %s: memory used %.0f, free %.0f, capacity %.0f", hr->name,
                   hr->mem_used_bytes, hr->mem_free_bytes, hr->mem_capacity_bytes);
    }
    for (uint32_t i = 0; i < run->n_instances; i++) seen->failed_instances += run->instances[i].failed_instances;
    /* And it is accounted: what a host uses is its reserve and what its
     * guests hold, each guest's own parts and the shared part once. */
    for (uint32_t h = 0; h < run->n_hosts; h++) {
        const struct vs_host_result *hr = &run->hosts[h];
        double held = hr->spec.host_reserved_bytes, shared = 0;
        for (uint32_t i = 0; i < run->n_instances; i++) {
            const struct vs_guest_result *g = &run->instances[i];
            if (strcmp(g->host, hr->name) != 0) continue;
            for (int p = 0; p < VS_MEM_PART_COUNT; p++)
                if (p != VS_MEM_SHARED) held += g->memory.bytes[p];
            if (g->memory.bytes[VS_MEM_SHARED] > shared) shared = g->memory.bytes[VS_MEM_SHARED];
        }
        if (fabs(held + shared - hr->mem_used_bytes) > 1e-9 * hr->mem_capacity_bytes)
            broken(seed, run->engine, run->now_ns, "host %s: memory used %.0f, but its reserve and guests hold %.0f",
                   hr->name, hr->mem_used_bytes, held + shared);
    }
}

static void check_run(uint64_t seed, const struct vs_run_result *run, int checks, struct seen *seen)
{
    seen->snapshots++;
    if (checks & CHECK_CPU) check_cpu(seed, run, seen);
    if (checks & CHECK_REQUESTS) check_requests(seed, run, seen);
    if (checks & CHECK_MEMORY) check_memory(seed, run, seen);
}

/* Runs every engine of sc in random steps (between 100 us and a tenth of
 * the duration), checking at every step; with out, its final snapshots
 * become out's runs. */
static void run_stepped(uint64_t seed, const struct vs_scenario *sc, int checks, struct seen *seen,
                        struct vs_results *out)
{
    struct gen g = {seed ^ 0x5eedu};
    if (out) {
        memset(out, 0, sizeof *out);
        snprintf(out->scenario, sizeof out->scenario, "%s", sc->name);
        snprintf(out->description, sizeof out->description, "%s", sc->description);
        out->seed = sc->seed;
        out->duration_ns = sc->duration_ns;
        out->warmup_ns = sc->warmup_ns;
        out->runs = calloc(sc->n_engines, sizeof *out->runs);
        assert_non_null(out->runs);
    }
    for (uint32_t k = 0; k < sc->n_engines; k++) {
        struct vs_sim *s = NULL;
        struct vs_error e;
        vs_error_clear(&e);
        int rc = vs_sim_create(sc, sc->engines[k], sc->seed, &s, &e);
        if (rc != VS_OK) broken(seed, sc->engines[k], 0, "vs_sim_create: %s", e.message);
        uint32_t max_step_us = (uint32_t)(sc->duration_ns / 10000) + 100;
        /* Each group's completions at the last snapshot: in the window, and
         * since the start (what the stepper's rates are made of). */
        uint64_t last_window[VS_MAX_GUEST_GROUPS] = {0}, last_total[VS_MAX_GUEST_GROUPS] = {0};
        bool last_measured = false;
        while (!vs_sim_done(s)) {
            vs_time_ns until = vs_sim_now(s) + (vs_time_ns)pick(&g, 100, max_step_us) * 1000;
            rc = vs_sim_advance(s, until, &e);
            if (rc != VS_OK) broken(seed, sc->engines[k], vs_sim_now(s), "vs_sim_advance: %s", e.message);
            struct vs_run_result snap;
            rc = vs_sim_snapshot(s, &snap, &e);
            if (rc != VS_OK) broken(seed, sc->engines[k], vs_sim_now(s), "vs_sim_snapshot: %s", e.message);
            check_run(seed, &snap, checks, seen);
            /* A group's count since the start is what it completed: before
             * the measured window (whose count starts at the start) equal to
             * the window's count, and between two snapshots in the window
             * grown by what the window's count grew. */
            bool measured = snap.window_ns > 0;
            for (uint32_t gi = 0; gi < snap.n_groups && (checks & CHECK_REQUESTS); gi++) {
                const struct vs_guest_result *grp = &snap.groups[gi];
                if ((!measured && grp->completed_since_start != grp->completed) ||
                    (last_measured && measured &&
                     grp->completed_since_start - last_total[gi] != grp->completed - last_window[gi]))
                    broken(seed, snap.engine, snap.now_ns,
                           "group %s: completed since the start went %" PRIu64 " -> %" PRIu64
                           ", but in the window %" PRIu64 " -> %" PRIu64 " (%s)",
                           grp->name, last_total[gi], grp->completed_since_start, last_window[gi], grp->completed,
                           measured ? "measuring" : "before the window: they must be equal");
                last_total[gi] = grp->completed_since_start;
                last_window[gi] = grp->completed;
            }
            last_measured = measured;
            if (out && vs_sim_done(s)) {
                out->runs[out->n_runs++] = snap;
            } else {
                vs_run_result_free(&snap);
            }
        }
        vs_sim_destroy(s);
    }
    if (out) {
        struct vs_error e;
        vs_error_clear(&e);
        assert_int_equal(vs_scores_compute(out, 1, &out->scores, &e), VS_OK);
    }
}

/* The JSON report of r, as `virtsim run --format json` writes it; caller frees. */
static char *json_of(const struct vs_results *r)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    struct vs_error e;
    vs_error_clear(&e);
    assert_int_equal(vs_report_write(f, r, VS_REPORT_JSON, &e), VS_OK);
    assert_int_equal(fclose(f), 0);
    return text;
}

/* The JSON of a sweep's points, as `virtsim run --format json` writes it. */
static char *sweep_json_of(const struct vs_scenario *sc, const struct vs_results *pts, uint32_t n)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    struct vs_error e;
    vs_error_clear(&e);
    assert_int_equal(vs_sweep_write(f, sc, 0, pts, n, VS_REPORT_JSON, &e), VS_OK);
    assert_int_equal(fclose(f), 0);
    return text;
}

/* The first line where a and b differ, for the failure message. */
static void first_difference(const char *a, const char *b, char *out, size_t len)
{
    size_t line = 1, i = 0, start = 0;
    while (a[i] && a[i] == b[i]) {
        if (a[i] == '\n') {
            line++;
            start = i + 1;
        }
        i++;
    }
    snprintf(out, len, "line %zu:\n  %.200s\nvs\n  %.200s", line, a + start, b + start);
}

static void same_json(uint64_t seed, const char *what, const char *a, const char *b)
{
    if (strcmp(a, b) == 0) return;
    char diff[600];
    first_difference(a, b, diff, sizeof diff);
    broken(seed, "(all)", 0, "%s differ at %s", what, diff);
}

/* ---- the properties ---- */

static void check_seeds(int checks, struct seen *seen)
{
    for (uint32_t k = 0; k < n_seeds(); k++) {
        uint64_t seed = seed_at(k);
        struct vs_scenario *sc = scenario_of(seed);
        run_stepped(seed, sc, checks, seen, NULL);
        free(sc);
    }
}

static void test_cpu_time_is_conserved(void **state)
{
    (void)state;
    struct seen seen = {0};
    check_seeds(CHECK_CPU, &seen);
    assert_true(seen.snapshots > 0);
    assert_true(seen.busy_cores > 0);
}

static void test_no_request_is_lost(void **state)
{
    (void)state;
    struct seen seen = {0};
    check_seeds(CHECK_REQUESTS, &seen);
    /* The seeds reach every term of the sum, so none is checked vacuously. */
    assert_true(seen.completed > 0);
    assert_true(seen.dropped > 0);
    assert_true(seen.abandoned > 0);
    assert_true(seen.queued > 0);
    /* And faults took guests down with requests in flight. */
    assert_true(seen.outages > 0);
}

static void test_memory_stays_within_capacity(void **state)
{
    (void)state;
    struct seen seen = {0};
    check_seeds(CHECK_MEMORY, &seen);
    /* Some guests did not fit: the limit was reached, and held. */
    assert_true(seen.failed_instances > 0);
}

static void test_threads_do_not_change_results(void **state)
{
    (void)state;
    for (uint32_t k = 0; k < n_seeds(); k++) {
        uint64_t seed = seed_at(k);
        struct vs_scenario *sc = scenario_of(seed);
        struct vs_results one, three;
        struct vs_error e;
        vs_error_clear(&e);
        if (vs_sim_run_replicated(sc, sc->seed, 3, 1, &one, &e) != VS_OK)
            broken(seed, "(all)", 0, "3 replications on 1 thread: %s", e.message);
        if (vs_sim_run_replicated(sc, sc->seed, 3, 3, &three, &e) != VS_OK)
            broken(seed, "(all)", 0, "3 replications on 3 threads: %s", e.message);
        char *a = json_of(&one), *b = json_of(&three);
        same_json(seed, "replications on 1 thread and on 3", a, b);
        free(a);
        free(b);
        vs_results_free(&one);
        vs_results_free(&three);

        /* A sweep's points, likewise: the first group's count from 1 to 3. */
        snprintf(sc->sweep.param, sizeof sc->sweep.param, "guests.g0.count");
        sc->sweep.n = 3;
        for (uint32_t p = 0; p < 3; p++) sc->sweep.values[p] = p + 1;
        struct vs_results pts1[3], pts3[3];
        if (vs_sweep_run(sc, sc->seed, 0, 3, 1, pts1, &e) != VS_OK)
            broken(seed, "(all)", 0, "a sweep on 1 thread: %s", e.message);
        if (vs_sweep_run(sc, sc->seed, 0, 3, 3, pts3, &e) != VS_OK)
            broken(seed, "(all)", 0, "a sweep on 3 threads: %s", e.message);
        a = sweep_json_of(sc, pts1, 3);
        b = sweep_json_of(sc, pts3, 3);
        same_json(seed, "sweep points on 1 thread and on 3", a, b);
        free(a);
        free(b);
        for (uint32_t p = 0; p < 3; p++) {
            vs_results_free(&pts1[p]);
            vs_results_free(&pts3[p]);
        }
        free(sc);
    }
}

static void test_stepping_does_not_change_results(void **state)
{
    (void)state;
    for (uint32_t k = 0; k < n_seeds(); k++) {
        uint64_t seed = seed_at(k);
        struct vs_scenario *sc = scenario_of(seed);
        struct vs_error e;
        vs_error_clear(&e);

        struct vs_results whole;
        if (vs_sim_run_scenario(sc, sc->seed, &whole, &e) != VS_OK)
            broken(seed, "(all)", 0, "vs_sim_run_scenario: %s", e.message);
        char *a = json_of(&whole);

        struct vs_results stepped;
        struct seen seen = {0};
        run_stepped(seed, sc, 0, &seen, &stepped);
        char *b = json_of(&stepped);
        same_json(seed, "a run in one go and in random vs_sim_advance steps", a, b);

        /* The stepper (TUI, timeline chart), in steps of random length. */
        struct vs_stepper *st = NULL;
        if (vs_stepper_create(sc, sc->seed, sc->duration_ns / 7 + 1, 16, &st, &e) != VS_OK)
            broken(seed, "(all)", 0, "vs_stepper_create: %s", e.message);
        struct gen g = {seed ^ 0x57e9u};
        while (!vs_stepper_done(st)) {
            vs_time_ns dt = (vs_time_ns)pick(&g, 50, (uint32_t)(sc->duration_ns / 5000) + 50) * 1000;
            if (vs_stepper_advance(st, dt, &e) != VS_OK)
                broken(seed, "(all)", 0, "vs_stepper_advance: %s", e.message);
        }
        struct vs_results viewed = whole;
        viewed.runs = (struct vs_run_result *)vs_stepper_snapshots(st);
        viewed.n_runs = vs_stepper_engines(st);
        memset(&viewed.scores, 0, sizeof viewed.scores);
        assert_int_equal(vs_scores_compute(&viewed, 1, &viewed.scores, &e), VS_OK);
        char *c = json_of(&viewed);
        same_json(seed, "a run in one go and through the stepper", a, c);
        free(viewed.scores.groups);
        vs_stepper_destroy(st);

        free(a);
        free(b);
        free(c);
        vs_results_free(&whole);
        vs_results_free(&stepped);
        free(sc);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cpu_time_is_conserved),
        cmocka_unit_test(test_no_request_is_lost),
        cmocka_unit_test(test_memory_stays_within_capacity),
        cmocka_unit_test(test_threads_do_not_change_results),
        cmocka_unit_test(test_stepping_does_not_change_results),
    };
    /* VIRTSIM_PROP_TEST=PATTERN runs only the matching tests (cmocka's
     * filter), to search many seeds for one property quickly. */
    if (getenv("VIRTSIM_PROP_TEST")) cmocka_set_test_filter(getenv("VIRTSIM_PROP_TEST"));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
