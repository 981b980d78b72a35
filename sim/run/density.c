/* Density search (see density.h): for each engine, the largest number of
 * identical guests that still meets every SLA. Each probe is a simulation of
 * n guests. The default search aims at the boundary (search_aimed: the
 * busiest resource's demand per guest and the memory bound say where it
 * is; galloping, a secant and bisection close in) and proves it with full
 * runs of d and d + 1; the reference (opts.exhaustive, search_classic)
 * doubles n until a probe fails, then bisects, every probe in full. A
 * probe's verdict is reached the cheapest way that keeps the answer:
 * beyond the memory bound without simulating (memory_fit); without an SLA
 * by simulating until the verdict can no longer change (verdict_settled);
 * with one, far from the boundary, until its counters show a clear trend,
 * a hint that only steers the search (run_probe). Where the verdict is
 * monotonic in n both searches find the same density and limit
 * (tests/unit/test_density.c). Engines are searched in parallel threads,
 * the costliest first; each search depends only on its own probes, so the
 * result is identical to a serial run. */
#include "virtsim/run/density.h"

#include <errno.h>
#include <stdatomic.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "virtsim/model/engine.h"
#include "virtsim/core/parallel.h"
#include "virtsim/out/json.h"
#include "virtsim/run/sim.h"
#include "virtsim/core/units.h"

int vs_sla_parse(const char *text, struct vs_sla *out, struct vs_error *err)
{
    memset(out, 0, sizeof *out);
    snprintf(out->text, sizeof out->text, "%s", text);
    const char *rest;
    enum vs_unit_kind unit;
    if (strncmp(text, "p99<", 4) == 0) {
        out->kind = VS_SLA_P99;
        rest = text + 4;
        unit = VS_UNIT_TIME;
    } else if (strncmp(text, "p50<", 4) == 0) {
        out->kind = VS_SLA_P50;
        rest = text + 4;
        unit = VS_UNIT_TIME;
    } else if (strncmp(text, "throughput>=", 12) == 0) {
        out->kind = VS_SLA_THROUGHPUT;
        rest = text + 12;
        unit = VS_UNIT_PERCENT;
    } else {
        return vs_error_set(err, VS_ERR_INPUT, NULL, 0, 0,
                            "--sla '%s': expected p99<TIME, p50<TIME or throughput>=PERCENT "
                            "(e.g. \"p99<20ms\", \"throughput>=95%%\")",
                            text);
    }
    char why[200] = ""; /* stays empty when the parse succeeds with a limit of 0 */
    if (vs_units_parse(rest, unit, &out->limit, why, sizeof why) != 0 || out->limit <= 0)
        return vs_error_set(err, VS_ERR_INPUT, NULL, 0, 0, "--sla '%s': %s", text,
                            out->limit <= 0 && !why[0] ? "the limit must be above zero" : why);
    return VS_OK;
}


#define SPEC_MAX 16

struct probe_out;

struct search {
    const struct vs_scenario *sc;
    const struct vs_density_opts *o;
    uint32_t engine;
    struct vs_density_result *out;
    double base_throughput;     /* per guest, with one guest alone */
    /* The most guests that start (memory), found without simulating;
     * UINT32_MAX when not bounded that way (see memory_fit). */
    uint32_t mem_fit;
    /* Probes run ahead on a free core, not yet asked for. */
    struct probe_out *spec;
    uint32_t n_spec;
    atomic_uint *unfinished;    /* searches not yet done: each holds a thread while there are more
                                   than cores */
    atomic_uint *extra;         /* probes run ahead, over every search */
    unsigned cores;             /* threads the caller allows */
    bool full;                  /* every probe runs its whole window (the --curve probes) */
    struct vs_error err;
    int rc;
};

static bool sla_ok(const struct search *s, const struct vs_density_point *p)
{
    if (p->failed > 0) return false;
    /* A point where nothing completed has no latency to judge: it fails. */
    if (!(p->throughput_per_guest > 0)) return false;
    for (uint32_t i = 0; i < s->o->n_slas; i++) {
        const struct vs_sla *l = &s->o->slas[i];
        if (l->kind == VS_SLA_P99 && !((double)p->p99_ns < l->limit)) return false;
        if (l->kind == VS_SLA_P50 && !((double)p->p50_ns < l->limit)) return false;
        if (l->kind != VS_SLA_THROUGHPUT) continue;
        /* An open load's arrivals are random: comparing completions with
         * the arrivals of the same run removes that noise. A closed loop
         * adapts its arrivals to the service, so it is compared with one
         * guest alone. */
        if (s->sc->guests[0].workload.load.kind == VS_LOAD_OPEN) {
            if (!(p->served_fraction >= l->limit)) return false;
        } else if (!(p->throughput_per_guest >= l->limit * s->base_throughput)) {
            return false;
        }
    }
    return true;
}

/* --overcommit: the template group's memory as its mechanisms leave it. */
static void apply_overcommit(struct vs_scenario *sc, const struct vs_density_opts *o)
{
    if (!o->overcommit_sharing && !o->overcommit_balloon) return;
    struct vs_memory_resources *m = &sc->guests[0].resources.memory;
    m->set = m->settled = true;
    m->sharing |= o->overcommit_sharing;
    m->balloon |= o->overcommit_balloon;
}

int vs_density_parse_overcommit(const char *text, struct vs_density_opts *o, struct vs_error *err)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%s", text);
    for (char *save = NULL, *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        if (strcmp(w, "sharing") == 0) o->overcommit_sharing = true;
        else if (strcmp(w, "balloon") == 0) o->overcommit_balloon = true;
        else if (strcmp(w, "vcpus") == 0) o->overcommit_vcpus = true;
        else return vs_error_set(err, VS_ERR_INPUT, NULL, 0, 0, "--overcommit: '%s' is not a mechanism; expected "
                                 "sharing, balloon, vcpus or several of them (sharing,balloon,vcpus)", w);
    }
    if (!o->overcommit_sharing && !o->overcommit_balloon && !o->overcommit_vcpus)
        return vs_error_set(err, VS_ERR_INPUT, NULL, 0, 0, "--overcommit: expected sharing, balloon, vcpus or several "
                            "of them (sharing,balloon,vcpus)");
    return VS_OK;
}

/* The probe's scenario: the template group with n guests. Caller frees. */
static struct vs_scenario *probe_scenario(struct search *s, uint32_t n)
{
    struct vs_scenario *sc = malloc(sizeof *sc);
    if (!sc) {
        vs_error_set(&s->err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
        return NULL;
    }
    *sc = *s->sc;
    sc->n_guests = 1;
    sc->guests[0].count = n;
    apply_overcommit(sc, s->o);
    return sc;
}

/* The memory bound. Every guest's memory is charged once, when the
 * simulation is built, in instance order, with the same parts (they depend
 * on the engine, the host and the guest's spec, not on how many guests
 * there are), and a guest that does not fit is refused as a whole. So with
 * n guests the first min(n, fit) start and the rest fail, where fit is what
 * the same charges give for the largest n: building (not running) one
 * simulation of max_guests finds it, with the simulator's own arithmetic.
 * That holds while nothing else charges or releases memory during the run:
 * one host (placement over several depends on n) and no timeline (starts,
 * stops and migrations charge and release). Otherwise: UINT32_MAX, and
 * every probe is simulated. */
static int memory_fit(struct search *s)
{
    s->mem_fit = UINT32_MAX;
    const struct vs_scenario *t = s->sc;
    /* A scenario built in memory may leave the host list empty or a count
     * at 0: the simulation reads both as one host. */
    bool one_host = t->n_hosts <= 1 && t->hosts[0].count <= 1;
    if (s->o->exhaustive || t->n_events > 0 || t->n_links > 0 || !one_host) return VS_OK;
    const struct vs_guest_spec *g = &t->guests[0];
    if (g->started_later || g->n_twins) return VS_OK;
    struct vs_scenario *sc = probe_scenario(s, s->o->max_guests);
    if (!sc) return VS_ERR_RUNTIME;
    struct vs_sim *sim = NULL;
    int rc = vs_sim_create(sc, t->engines[s->engine], sc->seed, &sim, &s->err);
    free(sc);
    if (rc != VS_OK) {
        /* The probes will meet the same error and report it (or not, for
         * smaller n): the bound is simply not known. */
        vs_error_clear(&s->err);
        return VS_OK;
    }
    struct vs_sim_progress pr;
    vs_sim_group_progress(sim, 0, &pr);
    vs_sim_destroy(sim);
    if (pr.failed > 0) s->mem_fit = s->o->max_guests - pr.failed;
    return VS_OK;
}

/* Whether the probe's verdict can no longer change, so the rest of its run
 * need not be simulated. Only when it is certain:
 * - without an SLA the verdict is "every guest started (known when the run
 *   is built, when it has no timeline that starts, stops or moves guests
 *   later) and something completed in the window"; a completion once
 *   counted stays counted (the counters are reset only at the end of the
 *   warm-up), so the first completion after the warm-up settles it;
 * - with a latency or throughput SLA under a load whose future arrivals are
 *   unbounded (open Poisson arrivals, closed loops), no count seen so far
 *   bounds the final percentile or fraction: a later run of fast requests
 *   can always dilute the slow ones. Such probes stop early only on a hint
 *   (below), which the answer does not rest on. */
static bool verdict_settled(const struct search *s, const struct vs_sim_progress *pr)
{
    return s->o->n_slas == 0 && s->sc->n_events == 0 && pr->warm && pr->completed > 0;
}

/* ---- hints: a probe's likely verdict before the end of its window ----
 * With an SLA no verdict is certain before the end of the window (a run of
 * fast requests can always dilute the slow ones), but most probes are far
 * from the boundary and their verdict is clear long before: 0.1 % of the
 * requests above a p99 limit, or 10 %, after a fifth of the window. Such a
 * probe may stop early with that verdict as a hint: it steers the search
 * and nothing else. The density rests on full runs only: before the search
 * ends, each end of its final bracket (the density, and one guest more)
 * that is a hint is simulated again in full (confirm_bracket), and a
 * probe likely to be one of those ends (next to a known verdict) is not
 * stopped early at all. So a wrong hint costs time, never a different
 * answer; the tests count none over their workloads and seeds. */

#define HINT_CHECKS 20 /* looks at the counters every 1/20 of the window */
#define HINT_PASS 1u   /* a probe may stop on a hint that it passes */
#define HINT_FAIL 2u   /* ... that it fails */

/* The counters at each look: completed, arrived, and per SLA the requests
 * at or above its latency limit. */
struct watch {
    uint64_t completed[HINT_CHECKS + 1], arrived[HINT_CHECKS + 1];
    uint64_t slow[8][HINT_CHECKS + 1];
};

/* The verdict the counters point to at look k (1: pass, 0: fail, -1: not
 * clear yet). An SLA passes when both the whole window so far and its
 * second half are well inside (half the allowed share of slow or unserved
 * requests), fails when both are well outside (twice the allowed share,
 * or halfway to all of them), with at least 50 slow requests expected at
 * the limit so the shares mean something. Probes run from the first look
 * at a fifth of the window. */
static int hint_verdict(const struct search *s, const struct watch *w, uint32_t k)
{
    if (k < HINT_CHECKS / 5) return -1;
    uint32_t h = k / 2;
    bool all_pass = true;
    for (uint32_t i = 0; i < s->o->n_slas; i++) {
        const struct vs_sla *l = &s->o->slas[i];
        double q, total, bad, recent, recent_bad;
        if (l->kind == VS_SLA_P99 || l->kind == VS_SLA_P50) {
            q = l->kind == VS_SLA_P99 ? 0.01 : 0.5;
            total = (double)w->completed[k], bad = (double)w->slow[i][k];
            recent = (double)(w->completed[k] - w->completed[h]), recent_bad = (double)(w->slow[i][k] - w->slow[i][h]);
        } else if (s->sc->guests[0].workload.load.kind == VS_LOAD_OPEN) {
            q = 1 - l->limit;
            total = (double)w->arrived[k], bad = total - (double)w->completed[k];
            recent = (double)(w->arrived[k] - w->arrived[h]);
            recent_bad = recent - (double)(w->completed[k] - w->completed[h]);
        } else {
            return -1; /* a closed load's throughput: against one guest alone, no share to watch */
        }
        if (!(q > 0) || q * recent < 50) return -1;
        double f = bad / total, fr = recent_bad / recent;
        double fail_at = 2 * q < (1 + q) / 2 ? 2 * q : (1 + q) / 2;
        if (f > fail_at && fr > fail_at) return 0;
        if (!(f < q / 2 && fr < q / 2)) all_pass = false;
    }
    /* A host at or just past saturation looks fine at first: its queues
     * grow slowly and the slow requests come at the end. No pass while the
     * requests in flight grow from the middle of the window so far to now
     * by more than their noise. */
    double in_k = (double)w->arrived[k] - (double)w->completed[k];
    double in_h = (double)w->arrived[h] - (double)w->completed[h];
    if (in_k - in_h > 10 + 3 * sqrt(fabs(in_k) + fabs(in_h))) all_pass = false;
    return all_pass ? 1 : -1;
}

/* Runs the probe's simulation: to the end, or until its verdict is certain
 * (no SLA), or until the counters point clearly to a verdict that hints
 * allows (HINT_PASS, HINT_FAIL; *hint: 1 pass, 0 fail; -1 when run to the
 * end). */
static int run_probe(const struct search *s, struct vs_sim *sim, unsigned hints, bool *early, int *hint,
                     struct vs_error *err)
{
    *early = false;
    *hint = -1;
    if (s->o->exhaustive || s->full || s->sc->n_events > 0 || s->o->overcommit_vcpus || (s->o->n_slas > 0 && !hints))
        return vs_sim_advance(sim, VS_TIME_NEVER, err);
    /* Through the warm-up at once, then in steps (slicing the run does not
     * change it: events run in the same order). */
    vs_time_ns warm = vs_sim_booted(sim) + s->sc->warmup_ns, t = warm;
    vs_time_ns step = s->o->n_slas > 0 ? s->sc->duration_ns / HINT_CHECKS : VS_NS_PER_MS;
    if (step < 1) step = 1;
    struct watch *w = s->o->n_slas > 0 ? calloc(1, sizeof *w) : NULL;
    if (s->o->n_slas > 0 && !w) return vs_sim_advance(sim, VS_TIME_NEVER, err);
    uint32_t k = 0;
    int rc;
    for (;;) {
        rc = vs_sim_advance(sim, t, err);
        if (rc != VS_OK || vs_sim_done(sim)) break;
        struct vs_sim_progress pr;
        vs_sim_group_progress(sim, 0, &pr);
        if (!w) {
            if (verdict_settled(s, &pr)) {
                *early = true;
                break;
            }
            t = vs_sim_now(sim) + step;
            continue;
        }
        if (pr.failed > 0 || !pr.warm || k >= HINT_CHECKS) {
            rc = vs_sim_advance(sim, VS_TIME_NEVER, err);
            break;
        }
        w->completed[k] = pr.completed;
        w->arrived[k] = pr.arrived;
        for (uint32_t i = 0; i < s->o->n_slas; i++)
            if (s->o->slas[i].kind != VS_SLA_THROUGHPUT)
                w->slow[i][k] = vs_sim_group_slow(sim, 0, (int64_t)ceil(s->o->slas[i].limit));
        int v = hint_verdict(s, w, k);
        if ((v == 1 && (hints & HINT_PASS)) || (v == 0 && (hints & HINT_FAIL))) {
            *early = true;
            *hint = v;
            break;
        }
        k++;
        t = warm + (vs_time_ns)k * step;
    }
    free(w);
    return rc;
}

/* What one simulated probe gives: its point (without the verdict, which
 * may need the first probe's baseline) and, for the first probe, the
 * memory per guest. */
struct probe_out {
    struct vs_density_point p;
    unsigned hints;             /* the hints it could stop on (a cached probe must match) */
    int hint;                   /* stopped on a hint: 1 pass, 0 fail; else -1 */
    struct vs_mem_parts memory_per_guest;
    double usable_memory_bytes;
    double saved_sharing_bytes, saved_balloon_bytes;
    char approach[VS_NAME_MAX];
};

/* Simulates n guests under the search's engine. Reads the search, writes
 * only *out and *err, so it may run beside another probe of the same
 * search (speculation). */
static int simulate(const struct search *s, uint32_t n, unsigned hints, struct probe_out *out,
                    struct vs_error *err)
{
    memset(out, 0, sizeof *out);
    out->hints = hints;
    struct vs_density_point *p = &out->p;
    p->guests = n;
    struct vs_scenario *sc = malloc(sizeof *sc);
    if (!sc) return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    *sc = *s->sc;
    sc->n_guests = 1;
    sc->guests[0].count = n;
    apply_overcommit(sc, s->o);
    struct vs_sim *sim = NULL;
    struct vs_run_result r;
    bool early = false;
    int rc = vs_sim_create(sc, s->sc->engines[s->engine], sc->seed, &sim, err);
    if (rc == VS_OK) rc = run_probe(s, sim, hints, &early, &out->hint, err);
    if (rc == VS_OK) rc = vs_sim_snapshot(sim, &r, err);
    vs_time_ns now = sim ? vs_sim_now(sim) : 0, warm = sim ? vs_sim_booted(sim) + sc->warmup_ns : 0;
    vs_sim_destroy(sim);
    free(sc);
    if (rc != VS_OK) return rc;
    const struct vs_guest_result *g = &r.groups[0];
    p->basis = early ? VS_PROBE_EARLY : VS_PROBE_FULL;
    p->measured_ns = now > warm ? now - warm : 0;
    p->failed = g->failed_instances;
    uint32_t running = n - g->failed_instances;
    p->throughput_per_guest = running ? g->throughput_per_s / running : 0;
    p->served_fraction = g->arrived ? (double)g->completed / (double)g->arrived : 0;
    p->p50_ns = g->latency.p50_ns;
    p->p99_ns = g->latency.p99_ns;
    p->cpu_util = r.host.cpu_utilisation;
    p->mem_used_fraction = r.host.mem_capacity_bytes > 0 ? r.host.mem_used_bytes / r.host.mem_capacity_bytes : 0;
    p->disk_util = r.host.disk_utilisation;
    p->steal_fraction = vs_guest_steal_fraction(g);
    p->nic_util = r.host.nic_rx_utilisation > r.host.nic_tx_utilisation ? r.host.nic_rx_utilisation
                                                                         : r.host.nic_tx_utilisation;
    out->memory_per_guest = g->memory;
    out->memory_per_guest.bytes[VS_MEM_SHARED] = 0;
    out->saved_sharing_bytes = g->mm.shared_bytes;
    out->saved_balloon_bytes = g->mm.ballooned_bytes;
    out->usable_memory_bytes = r.host.mem_capacity_bytes - s->sc->hosts[0].spec.host_reserved_bytes;
    snprintf(out->approach, sizeof out->approach, "%s", r.approach);
    vs_run_result_free(&r);
    return VS_OK;
}

/* ---- probes of one search in parallel ----
 * When a core is free (the other engines' searches have ended, or there
 * are fewer engines than threads), a search runs beside its probe the one
 * it will need next if that probe passes: the next doubling, or in the
 * bisection the midpoint of the upper half. A guess that turns out unused
 * costs only the free core's time; a used one is the same simulation the
 * search would have run (simulate depends on n alone), taken from the
 * cache when the search asks for it, so the curve, the verdicts and the
 * order of the probes are those of a serial search. */

struct spec_job {
    const struct search *s;
    uint32_t n;
    unsigned hints;
    struct probe_out out;
    struct vs_error err;
    int rc;
};

static void spec_one(void *ctx, uint32_t i)
{
    struct spec_job *j = &((struct spec_job *)ctx)[i];
    j->rc = simulate(j->s, j->n, j->hints, &j->out, &j->err);
}

/* Claims a free core, or says there is none: the searches still running
 * hold one thread each (at most cores of them run at once), the probes run
 * ahead one each. Two searches may both see the last free core; the worst
 * is one more simulation than cores for a while, never a different result. */
static bool claim_core(struct search *s)
{
    unsigned searching = atomic_load(s->unfinished);
    if (searching > s->cores) searching = s->cores;
    unsigned extra = atomic_load(s->extra);
    while (searching + extra < s->cores)
        if (atomic_compare_exchange_weak(s->extra, &extra, extra + 1)) return true;
    return false;
}

static bool cached(const struct search *s, uint32_t n, unsigned hints, struct probe_out *out)
{
    for (uint32_t i = 0; i < s->n_spec; i++)
        if (s->spec[i].p.guests == n && s->spec[i].hints == hints) {
            *out = s->spec[i];
            return true;
        }
    return false;
}

/* Keeps the curve sorted by guest count. */
static void record_point(struct search *s, const struct vs_density_point *p)
{
    struct vs_density_result *o = s->out;
    if (o->n_points < VS_DENSITY_MAX_POINTS) {
        uint32_t at = o->n_points;
        while (at > 0 && o->points[at - 1].guests > p->guests) {
            o->points[at] = o->points[at - 1];
            at--;
        }
        o->points[at] = *p;
        o->n_points++;
    }
}

static const struct vs_density_point *point_of(const struct search *s, uint32_t guests)
{
    for (uint32_t i = 0; i < s->out->n_points; i++)
        if (s->out->points[i].guests == guests) return &s->out->points[i];
    return NULL;
}

/* Whether a point's verdict is a hint (see run_probe): stopped early with
 * an SLA. */
static bool is_hint(const struct search *s, const struct vs_density_point *p)
{
    return s->o->n_slas > 0 && p->basis == VS_PROBE_EARLY;
}

/* The hints a probe of n may stop on (HINT_PASS, HINT_FAIL): none that
 * would make it an end of the final bracket, where it would only have to
 * be run again in full: not a failure when n - 1 passed, not a pass when
 * n + 1 failed. One more verdict may be assumed (known_n, 0 for none): the
 * probe before one run ahead. */
static unsigned may_hint(const struct search *s, uint32_t n, uint32_t known_n, bool known_ok)
{
    if (s->o->n_slas == 0 || s->o->exhaustive || n == 0) return 0;
    const struct vs_density_point *below = point_of(s, n - 1), *above = point_of(s, n + 1);
    bool below_ok = (below && below->ok) || (known_n && known_n == n - 1 && known_ok);
    bool above_fails = (above && !above->ok) || (known_n && known_n == n + 1 && !known_ok);
    return (above_fails ? 0 : HINT_PASS) | (below_ok ? 0 : HINT_FAIL);
}

/* Takes n's point out of the curve (to probe it again in full). */
static void unrecord(struct search *s, uint32_t n)
{
    struct vs_density_result *o = s->out;
    for (uint32_t i = 0; i < o->n_points; i++)
        if (o->points[i].guests == n) {
            memmove(&o->points[i], &o->points[i + 1], (o->n_points - i - 1) * sizeof o->points[0]);
            o->n_points--;
            return;
        }
}

/* Records a probe's point, with its verdict, in the curve. */
static void record(struct search *s, const struct probe_out *po, struct vs_density_point *p)
{
    *p = po->p;
    if (p->guests == 1) {
        s->base_throughput = p->throughput_per_guest;
        s->out->memory_per_guest = po->memory_per_guest;
        s->out->usable_memory_bytes = po->usable_memory_bytes;
        s->out->saved_sharing_bytes = po->saved_sharing_bytes;
        s->out->saved_balloon_bytes = po->saved_balloon_bytes;
    }
    snprintf(s->out->approach, sizeof s->out->approach, "%s", po->approach);
    p->ok = po->hint >= 0 ? po->hint == 1 : sla_ok(s, p);
    record_point(s, p);
}

/* Probes n guests (next: the count the search needs after n if n passes,
 * 0 for none; each with whether it may stop on a hint) and records the
 * point. */
static int probe(struct search *s, uint32_t n, unsigned hint_n, uint32_t next, unsigned hint_next,
                 struct vs_density_point *p)
{
    for (uint32_t i = 0; i < s->out->n_points; i++)
        if (s->out->points[i].guests == n) {
            *p = s->out->points[i];
            return VS_OK;
        }
    if (n > s->mem_fit && n > 1) {
        /* Decided by the memory bound: the guests beyond fit do not start,
         * which fails the probe whatever the others do, and names memory
         * as the limit (see memory_fit). n = 1 is always simulated: it
         * gives the memory per guest and the baseline throughput. */
        memset(p, 0, sizeof *p);
        p->guests = n;
        p->basis = VS_PROBE_MEMORY;
        p->failed = n - s->mem_fit;
        p->ok = false;
        record_point(s, p);
        return VS_OK;
    }
    struct probe_out po;
    if (cached(s, n, hint_n, &po)) {
        record(s, &po, p);
        return VS_OK;
    }
    bool guess = next > 0 && !(next > s->mem_fit) && !cached(s, next, hint_next, &po) && s->n_spec < SPEC_MAX &&
                 claim_core(s);
    if (!guess) {
        int rc = simulate(s, n, hint_n, &po, &s->err);
        if (rc != VS_OK) return rc;
        record(s, &po, p);
        return VS_OK;
    }
    struct spec_job jobs[2] = {{.s = s, .n = n, .hints = hint_n}, {.s = s, .n = next, .hints = hint_next}};
    vs_parallel_for(2, 2, spec_one, jobs);
    atomic_fetch_sub(s->extra, 1);
    if (jobs[0].rc == VS_ERR_RUNTIME) {
        /* Perhaps the memory budget, which the guess shared: the serial
         * search would have run this probe alone, so it runs alone again
         * and its own outcome stands. */
        jobs[0].rc = simulate(s, n, hint_n, &jobs[0].out, &jobs[0].err);
    }
    if (jobs[0].rc != VS_OK) {
        s->err = jobs[0].err;
        return jobs[0].rc;
    }
    /* A failed guess is forgotten: the serial search would meet its error
     * only if it asks for that count, and then it runs it itself. */
    if (jobs[1].rc == VS_OK) s->spec[s->n_spec++] = jobs[1].out;
    record(s, &jobs[0].out, p);
    return VS_OK;
}

static enum vs_resource limiting(const struct vs_density_point *p)
{
    if (p->failed > 0) return VS_RES_MEMORY;
    enum vs_resource r = VS_RES_CPU;
    double most = p->cpu_util;
    if (p->disk_util > most) most = p->disk_util, r = VS_RES_DISK;
    if (p->nic_util > most) r = VS_RES_NIC;
    return r;
}

/* The reference search (exhaustive): doubling from 1, then bisection, each
 * n probed once and simulated in full. The limit comes from the first
 * failing count. */
static int search_classic(struct search *s)
{
    struct vs_density_result *o = s->out;
    uint32_t max = s->o->max_guests;
    struct vs_density_point p;
    uint32_t lo = 1, hi = 0;
    for (uint32_t n = 2; n <= max; n = n * 2 > max && n < max ? max : n * 2) {
        uint32_t next = n == max ? 0 : n * 2 > max ? max : n * 2;
        int rc = probe(s, n, 0, next, 0, &p);
        if (rc != VS_OK) return rc;
        if (!p.ok) {
            hi = n;
            break;
        }
        lo = n;
        if (n == max) break;
    }
    if (hi == 0) {
        o->density = lo;
        o->capped = true;
        return VS_OK;
    }
    struct vs_density_point fail = p;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        int rc = probe(s, mid, 0, hi - mid > 1 ? mid + (hi - mid) / 2 : 0, 0, &p);
        if (rc != VS_OK) return rc;
        if (p.ok) {
            lo = mid;
        } else {
            hi = mid;
            fail = p;
        }
    }
    o->density = lo;
    o->limit = limiting(&fail);
    return VS_OK;
}

/* ---- the aimed search ----
 * The reference search spends most of its time on counts far below the
 * boundary (for density-web, 1 to 128 and then 192, 224 and 240 guests
 * before the boundary at 244), each a full simulation that passes by a wide
 * margin. The aimed search goes to the boundary directly and proves it
 * there: a pass at d and a failure at d + 1, both simulated (or d + 1
 * beyond the memory bound). Where the verdict is monotonic in the guest
 * count (more guests never make an SLA easier to meet), that pair is
 * unique, so it is the one bisection finds: the same density and the same
 * limit (read at d + 1 in both). Monotonicity is what the whole idea of a
 * density rests on, but a simulation does not prove it; the tests compare
 * both searches over several workloads, SLAs and seeds
 * (tests/unit/test_density.c), and --exhaustive keeps the reference.
 *
 * Where to aim: guests add up their demand on the host's CPU, disk and NIC,
 * so the per-guest utilisation of the busiest one, measured in a small
 * probe, says at how many guests it is fully used (the analytic bound, like
 * memory's). An SLA fails near or below that point; without an SLA only
 * memory fails a probe, so the aim is the memory bound. A few cheap probes
 * (doubling while n is at most 1/8 of the aim, under 1/4 of its cost in
 * all) measure the demand; then the search gallops from the aim in steps of
 * 1, 1, 2, 4, ... towards the boundary until a probe lands on the other
 * side, and bisects what is left. A good aim costs two or three probes near
 * the boundary; a bad one costs a few more, about twice the logarithm of
 * the error. */

/* The guests at which the busiest resource would be fully used, from the
 * largest passing probe simulated in full (UINT32_MAX: unknown). */
static uint32_t saturation_guests(const struct search *s)
{
    const struct vs_density_point *best = NULL;
    for (uint32_t i = 0; i < s->out->n_points; i++) {
        const struct vs_density_point *p = &s->out->points[i];
        if (p->basis == VS_PROBE_FULL && p->ok) best = p;
    }
    if (!best) return UINT32_MAX;
    double u = best->cpu_util;
    if (best->disk_util > u) u = best->disk_util;
    if (best->nic_util > u) u = best->nic_util;
    if (!(u > 0)) return UINT32_MAX;
    double n = (double)best->guests / u;
    return n >= (double)UINT32_MAX ? UINT32_MAX : n < 1 ? 1 : (uint32_t)n;
}

/* Where the boundary is expected, within 1..max. */
static uint32_t aim(const struct search *s)
{
    uint32_t e = s->o->n_slas > 0 ? saturation_guests(s) : UINT32_MAX;
    if (s->mem_fit < e) e = s->mem_fit;
    if (s->o->max_guests < e) e = s->o->max_guests;
    return e < 1 ? 1 : e;
}

/* The state of the aimed phase: lo passed (or is 1), hi failed (max + 1:
 * no failure known); the galloping steps taken upwards and downwards; the
 * last two counts probed (0: none yet); and when the last step inside a
 * bracket followed the secant, the bracket's width before it (else 0). */
struct aimed {
    uint32_t lo, hi;
    uint32_t ups, downs;
    uint32_t prev, last;
    uint32_t secant_width;
};

/* How far a probe is inside an SLA (negative: outside), on the scale on
 * which queueing theory makes it about linear in the guest count. Under an
 * open load the latency grows as 1/(1 - load) as the busiest resource fills,
 * so 1/latency falls about linearly; under a closed load (or a batch) the
 * clients wait instead of arriving, and past saturation the latency grows
 * linearly (the response-time law, R = N/X - Z) while the throughput per
 * guest falls as 1/N. */
static double margin(const struct search *s, const struct vs_sla *l, const struct vs_density_point *p)
{
    bool open = s->sc->guests[0].workload.load.kind == VS_LOAD_OPEN;
    if (l->kind == VS_SLA_P99 || l->kind == VS_SLA_P50) {
        double t = (double)(l->kind == VS_SLA_P99 ? p->p99_ns : p->p50_ns);
        if (!open) return l->limit - t;
        return t > 0 ? 1.0 / t - 1.0 / l->limit : NAN;
    }
    if (open) return p->served_fraction - l->limit;
    double want = l->limit * s->base_throughput;
    return want > 0 && p->throughput_per_guest > 0 ? 1.0 / want - 1.0 / p->throughput_per_guest : NAN;
}

/* The most guests expected to meet every SLA, by the secant through the
 * last two probes when both were simulated in full with every guest
 * started: where each SLA's margin reaches 0, the first one to do so. 0
 * when the two probes do not say (a figure missing, or no margin shrinking
 * with more guests). Only a hint: every count it proposes is probed. */
static uint32_t secant_guess(const struct search *s, const struct aimed *a)
{
    if (!a->prev || !a->last || s->o->n_slas == 0) return 0;
    const struct vs_density_point *p = point_of(s, a->prev), *q = point_of(s, a->last);
    /* Not through a hint: its figures cover the start of the window only,
     * where the queues of a loaded host have not grown yet. */
    if (!p || !q || p->basis != VS_PROBE_FULL || q->basis != VS_PROBE_FULL || p->failed || q->failed) return 0;
    if (p->guests > q->guests) {
        const struct vs_density_point *t = p;
        p = q;
        q = t;
    }
    double best = INFINITY;
    for (uint32_t i = 0; i < s->o->n_slas; i++) {
        double m1 = margin(s, &s->o->slas[i], p), m2 = margin(s, &s->o->slas[i], q);
        double slope = (m2 - m1) / ((double)q->guests - (double)p->guests);
        if (!(slope < 0)) continue; /* also NaN */
        double x = (double)p->guests - m1 / slope;
        if (x < best) best = x;
    }
    if (!(best < (double)UINT32_MAX)) return 0;
    return best < 1 ? 1 : (uint32_t)floor(best);
}

/* The next count to probe, 0 when the boundary is found (hi = lo + 1).
 * hint: the secant's guess (0: none). */
static uint32_t aimed_next(const struct aimed *a, uint32_t target, uint32_t hint)
{
    if (a->hi - a->lo <= 1) return 0;
    uint32_t mid = a->lo + (a->hi - a->lo) / 2;
    /* A hint at or beyond a known verdict says the boundary is right
     * next to it. */
    if (hint && hint <= a->lo) hint = a->lo + 1;
    if (hint && hint >= a->hi) hint = a->hi - 1;
    bool inside = hint > a->lo && hint < a->hi;
    uint32_t g;
    if (a->ups > 0 && a->downs > 0) {
        /* Bracketed: the secant while it at least halves the bracket,
         * else one bisection, so the bracket at least halves every other
         * probe. */
        bool trusted = !a->secant_width || (a->hi - a->lo) * 2 <= a->secant_width;
        g = inside && trusted ? hint : mid;
    } else if (a->ups == 0 && a->downs == 0) {
        g = target;
    } else if (a->ups > 0) {
        uint32_t step = a->ups <= 2 ? 1 : 1u << (a->ups - 2 < 31 ? a->ups - 2 : 31);
        g = a->hi - a->lo > step ? a->lo + step : mid;
        if (inside && hint > g) g = hint;
    } else {
        uint32_t step = a->downs <= 2 ? 1 : 1u << (a->downs - 2 < 31 ? a->downs - 2 : 31);
        g = a->hi - a->lo > step ? a->hi - step : mid;
        if (inside && hint < g) g = hint;
    }
    if (g <= a->lo) g = a->lo + 1;
    if (g >= a->hi) g = a->hi - 1;
    return g;
}

static void aimed_update(struct aimed *a, uint32_t n, bool ok, uint32_t hint)
{
    a->secant_width = a->ups > 0 && a->downs > 0 && n == hint ? a->hi - a->lo : 0;
    if (ok) {
        a->lo = n;
        a->ups++;
    } else {
        a->hi = n;
        a->downs++;
    }
    a->prev = a->last;
    a->last = n;
}

/* After a hint turned out wrong: the bracket again from every verdict
 * known, full runs first (a hint counts only between them). Bracketed if a
 * failure is known, else galloping upwards from lo. */
static void rebracket(const struct search *s, struct aimed *a)
{
    uint32_t lo = 1, hi = s->o->max_guests + 1;
    const struct vs_density_result *o = s->out;
    for (uint32_t i = 0; i < o->n_points; i++)
        if (!is_hint(s, &o->points[i]) && o->points[i].ok && o->points[i].guests > lo) lo = o->points[i].guests;
    for (uint32_t i = 0; i < o->n_points; i++)
        if (!is_hint(s, &o->points[i]) && !o->points[i].ok && o->points[i].guests > lo &&
            o->points[i].guests < hi)
            hi = o->points[i].guests;
    for (uint32_t i = 0; i < o->n_points; i++) /* sorted by guests */
        if (is_hint(s, &o->points[i]) && o->points[i].ok && o->points[i].guests > lo && o->points[i].guests < hi)
            lo = o->points[i].guests;
    for (uint32_t i = 0; i < o->n_points; i++)
        if (is_hint(s, &o->points[i]) && !o->points[i].ok && o->points[i].guests > lo &&
            o->points[i].guests < hi) {
            hi = o->points[i].guests;
            break;
        }
    *a = (struct aimed){.lo = lo, .hi = hi, .ups = 1, .downs = hi <= s->o->max_guests ? 1 : 0};
}

/* The search ends on a bracket lo, lo + 1; the density rests on full runs,
 * so an end that is a hint is simulated again in full. *changed when one
 * of them turns out the other way (the bracket is then made again). */
static int confirm_bracket(struct search *s, struct aimed *a, bool *changed)
{
    *changed = false;
    uint32_t ends[2] = {a->lo, a->hi};
    for (int e = 0; e < 2; e++) {
        const struct vs_density_point *p = point_of(s, ends[e]);
        if (!p || !is_hint(s, p)) continue;
        bool was = p->ok;
        unrecord(s, ends[e]);
        struct vs_density_point q;
        int rc = probe(s, ends[e], 0, 0, 0, &q);
        if (rc != VS_OK) return rc;
        if (q.ok != was) *changed = true;
    }
    if (*changed) rebracket(s, a);
    return VS_OK;
}

static int search_aimed(struct search *s)
{
    struct vs_density_result *o = s->out;
    uint32_t max = s->o->max_guests;
    struct vs_density_point p;
    struct aimed a = {.lo = 1, .hi = max + 1, .last = 1};
    /* Doubling, each probe a point of the reference search's path too.
     * Under an open load, only while cheap (n at most 1/8 of the aim): it
     * measures the demand the aim comes from. Under a closed load the
     * demand adapts to the service (a client waits for its answer), so
     * utilisation says little about the boundary: doubling goes on until a
     * probe fails, as in the reference search, and the secant takes over
     * from bisection. Without an SLA the aim is memory's. */
    bool open = s->sc->guests[0].workload.load.kind == VS_LOAD_OPEN;
    if (s->o->n_slas > 0)
        for (uint32_t n = 2; n <= max && (!open || (uint64_t)n * 8 <= aim(s));
             n = n * 2 > max && n < max ? max : n * 2) {
            uint32_t after = n * 2 > max && n < max ? max : n * 2;
            uint32_t next = after > max || after == n ? 0 : !open || (uint64_t)after * 8 <= aim(s) ? after : 0;
            int rc = probe(s, n, 0, next, 0, &p);
            if (rc != VS_OK) return rc;
            aimed_update(&a, n, p.ok, 0);
            if (!p.ok || n == max) break;
        }
    /* A failure while doubling brackets the boundary: from there on the
     * secant and bisection (as if galloping had met it). */
    if (a.hi <= max) {
        a.ups = a.downs = 1;
    } else {
        /* Galloping from the aim: the secant only through probes near it
         * (1/latency is linear near the boundary, not from 16 guests to 240). */
        a.ups = a.downs = 0;
        a.prev = a.last = 0;
    }
    uint32_t target = aim(s);
    for (;;) {
        uint32_t hint = secant_guess(s, &a);
        uint32_t n = aimed_next(&a, target, hint);
        if (!n) {
            bool changed;
            int rc = confirm_bracket(s, &a, &changed);
            if (rc != VS_OK) return rc;
            if (!changed) break;
            continue;
        }
        /* The count needed next if this one passes, for a free core (its
         * figures, hence the secant, are not known yet). */
        struct aimed if_ok = a;
        aimed_update(&if_ok, n, true, hint);
        uint32_t next = aimed_next(&if_ok, target, 0);
        int rc = probe(s, n, may_hint(s, n, 0, false), next, may_hint(s, next, n, true), &p);
        if (rc != VS_OK) return rc;
        aimed_update(&a, n, p.ok, hint);
    }
    o->density = a.lo;
    if (a.hi > max) {
        o->capped = true;
        return VS_OK;
    }
    o->limit = limiting(point_of(s, a.hi));
    return VS_OK;
}

/* Probes one guest (always simulated: it gives the memory per guest and the
 * closed-load baseline), then searches the reference way (exhaustive) or
 * the aimed way. */
static int search_engine(struct search *s)
{
    struct vs_density_result *o = s->out;
    memset(o, 0, sizeof *o);
    snprintf(o->engine, sizeof o->engine, "%s", s->sc->engines[s->engine]);
    o->limit = VS_RES_NONE;
    uint32_t max = s->o->max_guests;
    struct vs_density_point p;
    uint32_t next = max < 2 ? 0 : s->o->exhaustive || s->o->n_slas > 0 ? 2 : aim(s);
    int rc = probe(s, 1, 0, next, 0, &p);
    if (rc != VS_OK) return rc;
    if (!p.ok) {
        o->density = 0;
        o->limit = limiting(&p);
        return VS_OK;
    }
    return s->o->exhaustive ? search_classic(s) : search_aimed(s);
}

/* --overcommit vcpus: the count without vCPU overcommit, each vCPU a core
 * of its own: the most guests whose vCPUs fit the cores of the hosts, of
 * those that met the SLAs. The search found the largest count that did
 * (counts below it pass: the same monotonicity the search rests on), so it
 * is the smaller of the two. */
static uint32_t host_cores(const struct vs_scenario *sc)
{
    /* A scenario built in memory may leave the host list empty or a count
     * at 0: the simulation reads both as one host. */
    if (sc->n_hosts == 0) return sc->hosts[0].spec.cpu.cores;
    uint32_t cores = 0;
    for (uint32_t h = 0; h < sc->n_hosts; h++)
        cores += (sc->hosts[h].count ? sc->hosts[h].count : 1) * sc->hosts[h].spec.cpu.cores;
    return cores;
}

static void vcpu_overcommit(struct search *s)
{
    struct vs_density_result *o = s->out;
    const struct vs_scenario *sc = s->sc;
    uint32_t cores = host_cores(sc);
    uint32_t vcpus = sc->guests[0].vcpus ? sc->guests[0].vcpus : 1;
    o->vcpu_fit = cores / vcpus;
    o->density_without_vcpu_overcommit = o->density < o->vcpu_fit ? o->density : o->vcpu_fit;
    for (uint32_t i = 0; i < o->n_points; i++)
        if (o->points[i].guests == o->density && o->points[i].basis == VS_PROBE_FULL)
            o->steal_at_density = o->points[i].steal_fraction;
}

/* --curve / --step: once the search has its answer, probes in full every
 * step guests up to the density, the density itself and one guest more
 * (where they fit in memory), so the curve is measured all along. A count
 * already probed in full is kept; one stopped early is run again in full
 * (its figures covered part of the window). The density, limit and the
 * vCPU figures were settled before and are not touched. The step is
 * widened when the points would not fit the curve. */
static int measure_curve(struct search *s)
{
    struct vs_density_result *o = s->out;
    uint32_t d = o->density;
    if (d == 0) return VS_OK;
    /* Without a step: a sixteenth of the density, what the chart joins
     * with a line (vs_chart_curve_join). */
    uint32_t step = s->o->curve_step ? s->o->curve_step : (d + 15) / 16;
    uint32_t room = VS_DENSITY_MAX_POINTS > o->n_points + 2 ? VS_DENSITY_MAX_POINTS - o->n_points - 2 : 1;
    if (step < (d + room - 1) / room) step = (d + room - 1) / room;
    if (step < 1) step = 1;
    uint32_t want[VS_DENSITY_MAX_POINTS + 2], n_want = 0;
    for (uint32_t n = step; n < d && n_want < VS_DENSITY_MAX_POINTS; n += step) want[n_want++] = n;
    want[n_want++] = d;
    if (!o->capped) want[n_want++] = d + 1;
    s->full = true;
    int rc = VS_OK;
    for (uint32_t i = 0; i < n_want && rc == VS_OK; i++) {
        uint32_t n = want[i];
        const struct vs_density_point *have = point_of(s, n);
        if ((have && have->basis != VS_PROBE_EARLY) || (n > s->mem_fit && n > 1)) continue;
        if (!have && o->n_points >= VS_DENSITY_MAX_POINTS) break;
        struct probe_out po;
        rc = simulate(s, n, 0, &po, &s->err);
        if (rc != VS_OK) break;
        /* One guest's probe gave the memory per guest and the baseline:
         * those stay the search's own. */
        struct vs_density_result kept = *o;
        double base = s->base_throughput;
        unrecord(s, n);
        struct vs_density_point p;
        record(s, &po, &p);
        s->base_throughput = base;
        o->memory_per_guest = kept.memory_per_guest;
        o->usable_memory_bytes = kept.usable_memory_bytes;
        o->saved_sharing_bytes = kept.saved_sharing_bytes;
        o->saved_balloon_bytes = kept.saved_balloon_bytes;
    }
    s->full = false;
    return rc;
}

static void bound_one(void *ctx, uint32_t i)
{
    struct search *s = &((struct search *)ctx)[i];
    s->rc = memory_fit(s);
}

/* Jobs in the order they are handed to threads: the costliest first. */
struct order {
    struct search *s;
    uint32_t *idx;
};

static void search_one(void *ctx, uint32_t i)
{
    struct order *ord = ctx;
    struct search *s = &ord->s[ord->idx[i]];
    s->rc = search_engine(s);
    if (s->rc == VS_OK && s->o->overcommit_vcpus) vcpu_overcommit(s);
    if (s->rc == VS_OK && (s->o->curve || s->o->curve_step)) s->rc = measure_curve(s);
    atomic_fetch_sub(s->unfinished, 1);
}

/* A search's cost grows with the guests it simulates, and those stop at the
 * memory bound: engines that fit more guests go first, so the long ones do
 * not start last on a free core (the results do not depend on the order). */
static void order_by_cost(const struct search *s, uint32_t n, uint32_t max, uint32_t *idx)
{
    for (uint32_t i = 0; i < n; i++) idx[i] = i;
    for (uint32_t i = 1; i < n; i++)
        for (uint32_t j = i; j > 0; j--) {
            uint32_t a = s[idx[j - 1]].mem_fit < max ? s[idx[j - 1]].mem_fit : max;
            uint32_t b = s[idx[j]].mem_fit < max ? s[idx[j]].mem_fit : max;
            if (b <= a) break;
            uint32_t t = idx[j];
            idx[j] = idx[j - 1];
            idx[j - 1] = t;
        }
}

int vs_density_run(const struct vs_scenario *sc, const struct vs_density_opts *o,
                   struct vs_density_result *out, struct vs_error *err)
{
    if (sc->n_guests < 1)
        return vs_error_set(err, VS_ERR_INPUT, sc->file, 0, 0, "the scenario has no guest to replicate");
    if (o->max_guests < 1 || o->max_guests > VS_MAX_GUESTS)
        return vs_error_set(err, VS_ERR_INPUT, NULL, 0, 0, "--max must be from 1 to %d", VS_MAX_GUESTS);
    uint32_t n = sc->n_engines ? sc->n_engines : 1;
    struct search *s = calloc(n, sizeof *s);
    uint32_t *idx = calloc(n, sizeof *idx);
    struct probe_out *spec = calloc((size_t)n * SPEC_MAX, sizeof *spec);
    if (!s || !idx || !spec) {
        free(s);
        free(idx);
        free(spec);
        return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    }
    atomic_uint unfinished, extra;
    atomic_init(&unfinished, sc->n_engines);
    atomic_init(&extra, 0);
    for (uint32_t k = 0; k < sc->n_engines; k++) {
        s[k].sc = sc;
        s[k].o = o;
        s[k].engine = k;
        s[k].out = &out[k];
        s[k].mem_fit = UINT32_MAX;
        s[k].spec = &spec[(size_t)k * SPEC_MAX];
        s[k].unfinished = &unfinished;
        s[k].extra = &extra;
        /* The exhaustive search is the reference: one probe at a time per engine. */
        s[k].cores = o->exhaustive ? 0 : vs_parallel_threads(o->threads);
    }
    vs_parallel_for(sc->n_engines, o->threads, bound_one, s);
    int rc = VS_OK;
    for (uint32_t k = 0; k < sc->n_engines && rc == VS_OK; k++)
        if (s[k].rc != VS_OK) {
            *err = s[k].err;
            rc = s[k].rc;
        }
    if (rc == VS_OK) {
        order_by_cost(s, sc->n_engines, o->max_guests, idx);
        struct order ord = {s, idx};
        vs_parallel_for(sc->n_engines, o->threads, search_one, &ord);
        for (uint32_t k = 0; k < sc->n_engines && rc == VS_OK; k++)
            if (s[k].rc != VS_OK) {
                *err = s[k].err;
                rc = s[k].rc;
            }
    }
    free(spec);
    free(idx);
    free(s);
    return rc;
}

/* ---- output ---- */

void vs_density_write_table(FILE *f, const struct vs_scenario *sc, const struct vs_density_opts *o,
                            const struct vs_density_result *r, uint32_t n)
{
    char a[32], b[32], c[32], d[32], e[32];
    fprintf(f, "density of %s on host %s (%u vCPUs per guest), SLAs:", sc->guests[0].workload.name,
            sc->hosts[0].spec.name, sc->guests[0].vcpus);
    for (uint32_t i = 0; i < o->n_slas; i++) fprintf(f, " %s", o->slas[i].text);
    fprintf(f, "%s\n", o->n_slas ? "" : " none (every guest must start)");
    fprintf(f, "each point is a simulation of %s, aimed at the boundary and proven there by full runs\n"
               "(the density passes, one guest more fails; counts beyond what fits in memory are not\n"
               "simulated); the throughput SLA compares completions with arrivals (open load) or with\n"
               "one guest alone (closed load)\n\n",
            vs_units_format_time((double)sc->duration_ns, a, sizeof a));
    fprintf(f, "%-10s %-11s %7s %-7s %10s  %s\n", "approach", "preset", "guests", "limit", "mem/guest",
            "(application + guest kernel + page cache + overhead)");
    for (uint32_t k = 0; k < n; k++) {
        const struct vs_density_result *x = &r[k];
        char dens[16];
        snprintf(dens, sizeof dens, "%s%u", x->capped ? ">=" : "", x->density);
        fprintf(f, "%-10s %-11s %7s %-7s %10s  (%s + %s + %s + %s)\n", x->approach, x->engine, dens,
                x->capped ? "-" : vs_resource_name(x->limit),
                vs_units_format_bytes(vs_mem_parts_total(&x->memory_per_guest), a, sizeof a),
                vs_units_format_bytes(x->memory_per_guest.bytes[VS_MEM_APPLICATION], b, sizeof b),
                vs_units_format_bytes(x->memory_per_guest.bytes[VS_MEM_GUEST_KERNEL], c, sizeof c),
                vs_units_format_bytes(x->memory_per_guest.bytes[VS_MEM_PAGE_CACHE], d, sizeof d),
                vs_units_format_bytes(x->memory_per_guest.bytes[VS_MEM_OVERHEAD], e, sizeof e));
    }
    if (o->overcommit_sharing || o->overcommit_balloon) {
        fprintf(f, "\novercommit (%s%s%s, settled): what made room, per guest\n", o->overcommit_sharing ? "sharing" : "",
                o->overcommit_sharing && o->overcommit_balloon ? "," : "", o->overcommit_balloon ? "balloon" : "");
        for (uint32_t k = 0; k < n; k++)
            fprintf(f, "  %-11s sharing %s (identical pages, held once per host), balloon %s (its page cache)%s\n",
                    r[k].engine, vs_units_format_bytes(r[k].saved_sharing_bytes, a, sizeof a),
                    vs_units_format_bytes(r[k].saved_balloon_bytes, b, sizeof b),
                    r[k].saved_sharing_bytes > 0 || r[k].saved_balloon_bytes > 0 ? "" : ": nothing (not in this system, or nothing to reclaim)");
    }
    if (o->overcommit_vcpus) {
        fprintf(f, "\novercommit (vcpus): guests without vCPU overcommit (each vCPU a core of its own: %u cores, %u "
                   "vCPU%s per guest) -> with it\n", host_cores(sc), sc->guests[0].vcpus, sc->guests[0].vcpus == 1 ? "" : "s");
        for (uint32_t k = 0; k < n; k++) {
            const struct vs_density_result *x = &r[k];
            uint32_t made = x->density - x->density_without_vcpu_overcommit;
            fprintf(f, "  %-11s %u -> %s%u, steal %.1f %% at %u: ", x->engine, x->density_without_vcpu_overcommit,
                    x->capped ? ">=" : "", x->density, x->steal_at_density * 100, x->density);
            if (made > 0)
                fprintf(f, "vCPU overcommit made room for %u more\n", made);
            else if (x->density < x->vcpu_fit)
                fprintf(f, "no room made: %s ran out before the cores did\n",
                        x->capped ? "--max" : vs_resource_name(x->limit));
            else
                fprintf(f, "no room made: sharing the cores breaks an SLA\n");
        }
    }
    fprintf(f, "\ncurve: guests -> throughput per guest, p99 (* = every SLA met; memory = more than fit,\n"
               "not simulated; early(T) = stopped after T of the window, figures not shown: without an\n"
               "SLA once its verdict was certain, with one on a clear trend that only steered the search)\n");
    for (uint32_t k = 0; k < n; k++) {
        fprintf(f, "%-11s", r[k].engine);
        for (uint32_t i = 0; i < r[k].n_points; i++) {
            const struct vs_density_point *p = &r[k].points[i];
            if (p->basis == VS_PROBE_MEMORY)
                fprintf(f, "  %u:memory", p->guests);
            else if (p->basis == VS_PROBE_EARLY)
                fprintf(f, "  %u%s:early(%s)", p->guests, p->ok ? "*" : "",
                        vs_units_format_time((double)p->measured_ns, a, sizeof a));
            else
                fprintf(f, "  %u%s:%.0f/s,%s", p->guests, p->ok ? "*" : "", p->throughput_per_guest,
                        vs_units_format_time((double)p->p99_ns, a, sizeof a));
        }
        fprintf(f, "\n");
    }
}

void vs_density_write_csv(FILE *f, const struct vs_density_result *r, uint32_t n)
{
    fprintf(f, "engine,approach,density,capped,limit,memory_per_guest_bytes,guests,ok,"
               "throughput_per_guest,served_fraction,p50_ns,p99_ns,cpu_utilisation,memory_used_fraction,"
               "disk_utilisation,nic_utilisation,failed,basis,measured_ns\n");
    for (uint32_t k = 0; k < n; k++)
        for (uint32_t i = 0; i < r[k].n_points; i++) {
            const struct vs_density_point *p = &r[k].points[i];
            fprintf(f, "%s,%s,%u,%d,%s,%.17g,%u,%d,%.17g,%.17g,%lld,%lld,%.17g,%.17g,%.17g,%.17g,%u,%s,%lld\n",
                    r[k].engine, r[k].approach, r[k].density, r[k].capped,
                    r[k].capped ? "" : vs_resource_name(r[k].limit),
                    vs_mem_parts_total(&r[k].memory_per_guest), p->guests, p->ok,
                    p->throughput_per_guest, p->served_fraction, (long long)p->p50_ns, (long long)p->p99_ns, p->cpu_util,
                    p->mem_used_fraction, p->disk_util, p->nic_util, p->failed, vs_probe_basis_name(p->basis),
                    (long long)p->measured_ns);
        }
}

void vs_density_json_head(struct vs_json *w, const struct vs_density_result *x)
{
    vs_json_key_string(w, "engine", x->engine);
    vs_json_key_string(w, "approach", x->approach);
    vs_json_key_uint(w, "density", x->density);
    vs_json_key_bool(w, "capped", x->capped);
    vs_json_key(w, "limit");
    if (x->capped) vs_json_null(w);
    else vs_json_string(w, vs_resource_name(x->limit));
    vs_json_key(w, "memory_per_guest_bytes");
    vs_json_object_begin(w, VS_JSON_INLINE);
    for (int p = 0; p < VS_MEM_PART_COUNT; p++)
        vs_json_key_number(w, vs_mem_part_name((enum vs_mem_part)p), x->memory_per_guest.bytes[p]);
    vs_json_object_end(w);
}

void vs_density_json_vcpus(struct vs_json *w, const struct vs_density_result *x)
{
    vs_json_key_uint(w, "vcpu_fit", x->vcpu_fit);
    vs_json_key_uint(w, "density_without_vcpu_overcommit", x->density_without_vcpu_overcommit);
    vs_json_key_number(w, "steal_at_density", x->steal_at_density);
}

void vs_density_json_curve(struct vs_json *w, const struct vs_density_result *x, bool with_steal)
{
    vs_json_key(w, "curve");
    vs_json_array_begin(w, VS_JSON_BLOCK);
    for (uint32_t i = 0; i < x->n_points; i++) {
        const struct vs_density_point *p = &x->points[i];
        vs_json_object_begin(w, VS_JSON_INLINE);
        vs_json_key_uint(w, "guests", p->guests);
        vs_json_key_bool(w, "ok", p->ok);
        vs_json_key_number(w, "throughput_per_guest", p->throughput_per_guest);
        vs_json_key_int(w, "p50_ns", p->p50_ns);
        vs_json_key_int(w, "p99_ns", p->p99_ns);
        vs_json_key_number(w, "cpu_utilisation", p->cpu_util);
        if (with_steal) vs_json_key_number(w, "steal_fraction", p->steal_fraction);
        vs_json_key_uint(w, "failed", p->failed);
        vs_json_key_string(w, "basis", vs_probe_basis_name(p->basis));
        vs_json_key_int(w, "measured_ns", p->measured_ns);
        vs_json_object_end(w);
    }
    vs_json_array_end(w);
}

int vs_density_write_json(FILE *f, const struct vs_scenario *sc, const struct vs_density_opts *o,
                          const struct vs_density_result *r, uint32_t n, struct vs_error *err)
{
    struct vs_json w;
    vs_json_init(&w, f);
    vs_json_object_begin(&w, VS_JSON_BLOCK);
    vs_json_key_string(&w, "kind", "density");
    vs_json_key_string(&w, "workload", sc->guests[0].workload.name);
    vs_json_key_string(&w, "host", sc->hosts[0].spec.name);
    vs_json_key(&w, "slas");
    vs_json_array_begin(&w, VS_JSON_INLINE);
    for (uint32_t i = 0; i < o->n_slas; i++) vs_json_string(&w, o->slas[i].text);
    vs_json_array_end(&w);
    vs_json_key(&w, "results");
    vs_json_array_begin(&w, VS_JSON_BLOCK);
    for (uint32_t k = 0; k < n; k++) {
        const struct vs_density_result *x = &r[k];
        vs_json_object_begin(&w, VS_JSON_BLOCK);
        vs_density_json_head(&w, x);
        if (o->overcommit_sharing || o->overcommit_balloon) {
            vs_json_key_number(&w, "saved_by_sharing_bytes", x->saved_sharing_bytes);
            vs_json_key_number(&w, "saved_by_balloon_bytes", x->saved_balloon_bytes);
        }
        if (o->overcommit_vcpus) vs_density_json_vcpus(&w, x);
        vs_density_json_curve(&w, x, o->overcommit_vcpus);
        vs_json_object_end(&w);
    }
    vs_json_array_end(&w);
    vs_json_object_end(&w);
    return vs_json_finish(&w, err);
}
