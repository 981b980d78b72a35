/* The TUI's Density panel, its model half (see tui.h): the settings a
 * lecturer changes live (workload, host, SLA, approaches), one density
 * search at a time in a background thread, and a cache of finished
 * searches keyed by settings and approach. With page sharing or ballooning
 * on, each approach is also searched with both off (after the rows
 * themselves), so the panel can say what the overcommit made room for. The
 * search is run/density.c's,
 * called as `virtsim density` calls it (on the scenario
 * run/tradeoff.c builds for it), one approach at a time: each approach's
 * search depends only on its own probes, so its result is the one the
 * command gives for all approaches at once (tests/unit/test_tui.c checks
 * it). The screen stays responsive: the thread owns everything the search
 * writes until it says it is done, and the UI only reads atomic progress
 * counters meanwhile. No curses here. */
#include "virtsim/ui/tui.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "virtsim/core/control.h"
#include "virtsim/core/units.h"
#include "virtsim/load/builtin.h"
#include "virtsim/load/config.h"
#include "virtsim/model/engine.h"
#include "virtsim/out/json.h"
#include "virtsim/out/output.h"
#include "virtsim/run/tradeoff.h"

/* One search in the background: everything it reads and writes is here,
 * and the UI thread touches `r`, `err` and `rc` only after `done`. */
struct vs_tui_density_job {
    struct vs_tui_density_settings set;
    char engine[VS_NAME_MAX];
    struct vs_scenario *sc;          /* the one approach's scenario (owned) */
    struct vs_density_opts o;
    struct vs_control ctl;           /* progress counters, and the stop request */
    struct vs_density_result r;
    struct vs_error err;
    int rc;
    atomic_bool done;
    bool stopping;
    pthread_t thread;
    double started_s;
};

static double wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The cache key: every setting, the overcommit switches included. */
static bool same_settings(const struct vs_tui_density_settings *a, const struct vs_tui_density_settings *b)
{
    return strcmp(a->workload, b->workload) == 0 && strcmp(a->host, b->host) == 0 && a->vcpus == b->vcpus &&
           a->duration_ns == b->duration_ns && a->max_guests == b->max_guests && a->p99_ns == b->p99_ns &&
           a->p50_ns == b->p50_ns && a->throughput == b->throughput && a->sharing == b->sharing &&
           a->balloon == b->balloon && a->vcpus_shared == b->vcpus_shared;
}

/* Memory overcommit: the one compared with a second search without it
 * (vCPU overcommit carries its comparison in its own result). */
static bool overcommit(const struct vs_tui_density_settings *s) { return s->sharing || s->balloon; }

void vs_tui_density_without(const struct vs_tui_density_settings *s, struct vs_tui_density_settings *out)
{
    *out = *s;
    out->sharing = out->balloon = out->vcpus_shared = false;
}

const char *vs_tui_density_overcommit_text(const struct vs_tui_density_settings *s)
{
    static const char *const names[8] = {"", "sharing", "balloon", "sharing,balloon",
                                         "vcpus", "sharing,vcpus", "balloon,vcpus", "sharing,balloon,vcpus"};
    return names[(s->sharing ? 1 : 0) | (s->balloon ? 2 : 0) | (s->vcpus_shared ? 4 : 0)];
}

void vs_tui_density_opts(const struct vs_tui_density_settings *s, struct vs_density_opts *o)
{
    memset(o, 0, sizeof *o);
    o->max_guests = s->max_guests;
    o->threads = 0; /* every core: the result does not depend on it */
    o->overcommit_sharing = s->sharing;
    o->overcommit_balloon = s->balloon;
    o->overcommit_vcpus = s->vcpus_shared;
    char text[48];
    if (s->p99_ns > 0) {
        o->slas[o->n_slas] = (struct vs_sla){VS_SLA_P99, (double)s->p99_ns, ""};
        vs_units_format_time((double)s->p99_ns, text, sizeof text);
        snprintf(o->slas[o->n_slas++].text, sizeof o->slas[0].text, "p99<%.40s", text);
    }
    if (s->p50_ns > 0) {
        o->slas[o->n_slas] = (struct vs_sla){VS_SLA_P50, (double)s->p50_ns, ""};
        vs_units_format_time((double)s->p50_ns, text, sizeof text);
        snprintf(o->slas[o->n_slas++].text, sizeof o->slas[0].text, "p50<%.40s", text);
    }
    if (s->throughput > 0) {
        o->slas[o->n_slas] = (struct vs_sla){VS_SLA_THROUGHPUT, s->throughput, ""};
        snprintf(o->slas[o->n_slas++].text, sizeof o->slas[0].text, "throughput>=%g%%", 100.0 * s->throughput);
    }
    /* vs_units_format_time says "20 ms"; --sla takes "20ms". */
    for (uint32_t i = 0; i < o->n_slas; i++) {
        char *sp;
        while ((sp = strchr(o->slas[i].text, ' '))) memmove(sp, sp + 1, strlen(sp));
    }
}

void vs_tui_density_sla_text(const struct vs_tui_density_settings *s, char *buf, size_t len)
{
    struct vs_density_opts o;
    vs_tui_density_opts(s, &o);
    size_t used = 0;
    buf[0] = '\0';
    for (uint32_t i = 0; i < o.n_slas && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? " " : "", o.slas[i].text);
    if (o.n_slas == 0) snprintf(buf, len, "none");
}

int vs_tui_density_set_sla(struct vs_tui *t, const char *text, struct vs_error *err)
{
    struct vs_tui_density_settings s = t->density->set;
    s.p99_ns = s.p50_ns = 0;
    s.throughput = 0;
    char copy[128];
    snprintf(copy, sizeof copy, "%s", text);
    for (char *save = NULL, *w = strtok_r(copy, " ,", &save); w; w = strtok_r(NULL, " ,", &save)) {
        if (strcmp(w, "none") == 0) continue;
        struct vs_sla sla;
        int rc = vs_sla_parse(w, &sla, err);
        if (rc != VS_OK) return rc;
        if (sla.kind == VS_SLA_P99) s.p99_ns = (int64_t)sla.limit;
        else if (sla.kind == VS_SLA_P50) s.p50_ns = (int64_t)sla.limit;
        else if (sla.limit > 1) return vs_error_set(err, VS_ERR_INPUT, NULL, 0, 0, "--sla '%s': at most 100%%", w);
        else s.throughput = sla.limit;
    }
    t->density->set = s;
    return VS_OK;
}

void vs_tui_density_command(const struct vs_tui *t, char *buf, size_t len)
{
    const struct vs_tui_density *d = t->density;
    const struct vs_tui_density_settings *s = &d->set;
    char list[VS_TUI_DENSITY_ROWS * (VS_NAME_MAX + 1)] = "", dur[32], slas[160] = "";
    size_t used = 0;
    for (int i = 0; i < d->n_rows; i++)
        if (d->on[i] && strcmp(d->engines[i], "native") != 0)
            used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", used ? "," : "", d->engines[i]);
    vs_units_format_time((double)s->duration_ns, dur, sizeof dur);
    for (char *sp; (sp = strchr(dur, ' '));) memmove(sp, sp + 1, strlen(sp));
    struct vs_density_opts o;
    vs_tui_density_opts(s, &o);
    used = 0;
    for (uint32_t i = 0; i < o.n_slas; i++)
        used += (size_t)snprintf(slas + used, sizeof slas - used, " --sla '%s'", o.slas[i].text);
    /* Only what differs from the command's defaults, so the line stays short. */
    char host[VS_NAME_MAX + 16] = "", vcpus[32] = "", duration[48] = "", max[32] = "", over[48] = "";
    if (strcmp(s->host, "current") != 0) snprintf(host, sizeof host, " --host %s", s->host);
    if (s->vcpus != 1) snprintf(vcpus, sizeof vcpus, " --vcpus %u", s->vcpus);
    if (s->duration_ns != 5 * VS_NS_PER_S) snprintf(duration, sizeof duration, " --duration %s", dur);
    if (s->max_guests != 256) snprintf(max, sizeof max, " --max %u", s->max_guests);
    const char *oc = vs_tui_density_overcommit_text(s);
    if (oc[0]) snprintf(over, sizeof over, " --overcommit %s", oc);
    /* The command's own list for a workload (cmd_density.c) goes without saying. */
    char approaches[sizeof list + 16] = "";
    if (strcmp(list, "qemu,xen-pv,kvm,lxc") != 0)
        snprintf(approaches, sizeof approaches, " --approaches %s", list[0] ? list : "native");
    snprintf(buf, len, "virtsim density %s%s%s%s%s%s%s%s", s->workload, host, vcpus, duration, max, approaches, over,
             slas);
}

/* ---- the cache ---- */

static struct vs_tui_density_entry *find_entry(const struct vs_tui_density *d, const struct vs_tui_density_settings *s,
                                               const char *engine)
{
    for (int i = 0; i < d->n_cache; i++)
        if (strcmp(d->cache[i].engine, engine) == 0 && same_settings(&d->cache[i].set, s)) return &d->cache[i];
    return NULL;
}

/* A slot for a new entry: a free one, or the one shown least recently. */
static struct vs_tui_density_entry *new_entry(struct vs_tui_density *d)
{
    if (d->n_cache < VS_TUI_DENSITY_CACHE) return &d->cache[d->n_cache++];
    struct vs_tui_density_entry *old = &d->cache[0];
    for (int i = 1; i < d->n_cache; i++)
        if (d->cache[i].used < old->used) old = &d->cache[i];
    return old;
}

static void store(struct vs_tui_density *d, const struct vs_tui_density_settings *s, const char *engine, int rc,
                  const char *error, const struct vs_density_result *r)
{
    struct vs_tui_density_entry *e = new_entry(d);
    memset(e, 0, sizeof *e);
    e->set = *s;
    snprintf(e->engine, sizeof e->engine, "%s", engine);
    e->rc = rc;
    snprintf(e->error, sizeof e->error, "%s", error ? error : "");
    if (r) e->r = *r;
    e->used = ++d->clock;
}

/* ---- the background search ---- */

static void *job_main(void *arg)
{
    struct vs_tui_density_job *j = arg;
    j->rc = vs_density_run(j->sc, &j->o, &j->r, &j->err);
    if (j->rc == VS_OK) j->rc = vs_tradeoff_cost(j->sc, 0, &j->r, &j->err);
    atomic_store(&j->done, true);
    return NULL;
}

/* The scenario `virtsim density` searches for these settings, reduced to
 * one approach (the overcommit switches are options of the search, not of
 * the scenario: vs_tui_density_opts). Returns VS_OK, or the reason there
 * is no search (stored as the entry). */
static int job_scenario(const struct vs_tui_density_settings *s, const char *engine, struct vs_scenario *sc,
                        struct vs_error *err)
{
    struct vs_density_setup ds = {.workload = s->workload, .host = s->host,
                                  .approaches = strcmp(engine, "native") == 0 ? "" : engine,
                                  .vcpus = s->vcpus, .duration_ns = s->duration_ns};
    char skipped[1024] = "";
    int rc = vs_density_workload_scenario(&ds, sc, skipped, sizeof skipped, err);
    if (rc != VS_OK) return rc;
    for (uint32_t k = 0; k < sc->n_engines; k++)
        if (strcmp(sc->engines[k], engine) == 0) {
            snprintf(sc->engines[0], sizeof sc->engines[0], "%s", engine);
            sc->n_engines = 1;
            return VS_OK;
        }
    return vs_error_set(err, VS_ERR_INPUT, NULL, 0, 0, "host %s cannot run it: %.150s", s->host,
                        skipped[0] ? skipped : "not a preset");
}

static void start_job(struct vs_tui_density *d, const struct vs_tui_density_settings *set, const char *engine)
{
    struct vs_tui_density_job *j = calloc(1, sizeof *j);
    struct vs_scenario *sc = malloc(sizeof *sc);
    struct vs_error err;
    vs_error_clear(&err);
    if (!j || !sc) {
        free(j);
        free(sc);
        store(d, set, engine, VS_ERR_RUNTIME, "out of memory", NULL);
        return;
    }
    int rc = job_scenario(set, engine, sc, &err);
    if (rc != VS_OK) {
        store(d, set, engine, rc, err.message, NULL);
        free(j);
        free(sc);
        return;
    }
    j->set = *set;
    snprintf(j->engine, sizeof j->engine, "%s", engine);
    j->sc = sc;
    vs_tui_density_opts(set, &j->o);
    vs_control_init(&j->ctl, 0);
    sc->control = &j->ctl;
    atomic_init(&j->done, false);
    j->started_s = wall_s();
    if (pthread_create(&j->thread, NULL, job_main, j) != 0) {
        store(d, set, engine, VS_ERR_RUNTIME, "could not start a thread for the search", NULL);
        free(sc);
        free(j);
        return;
    }
    d->job = j;
}

static void end_job(struct vs_tui_density *d, bool keep)
{
    struct vs_tui_density_job *j = d->job;
    pthread_join(j->thread, NULL);
    /* A search stopped because it was no longer wanted has no answer. */
    if (keep && j->rc != VS_ERR_INTERRUPTED) store(d, &j->set, j->engine, j->rc, j->err.message, &j->r);
    free(j->sc);
    free(j);
    d->job = NULL;
}

/* The settings whose results the screen shows: the current ones, and with
 * overcommit on the same without it (the comparison). Returns how many. */
static int needed(const struct vs_tui_density *d, struct vs_tui_density_settings out[2])
{
    out[0] = d->set;
    if (!overcommit(&d->set)) return 1;
    vs_tui_density_without(&d->set, &out[1]);
    return 2;
}

static bool wanted(const struct vs_tui_density *d, const struct vs_tui_density_job *j)
{
    struct vs_tui_density_settings need[2];
    int n = needed(d, need);
    bool any = false;
    for (int k = 0; k < n; k++) any |= same_settings(&j->set, &need[k]);
    if (!any) return false;
    for (int i = 0; i < d->n_rows; i++)
        if (d->on[i] && strcmp(d->engines[i], j->engine) == 0) return true;
    return false;
}

void vs_tui_density_poll(struct vs_tui *t)
{
    struct vs_tui_density *d = t->density;
    if (!d || !d->active) return;
    if (d->job && atomic_load(&d->job->done)) end_job(d, true);
    if (d->job) {
        /* Settings changed under it: stop it at its next event and start
         * what the screen now needs (an unfinished search is not cached). */
        if (!d->job->stopping && !wanted(d, d->job)) {
            vs_control_request_stop(&d->job->ctl);
            d->job->stopping = true;
        }
        return;
    }
    /* Every row first, then (with overcommit on) every row without it. */
    struct vs_tui_density_settings need[2];
    int n = needed(d, need);
    for (int k = 0; k < n; k++)
        for (int i = 0; i < d->n_rows; i++) {
            if (!d->on[i]) continue;
            struct vs_tui_density_entry *e = find_entry(d, &need[k], d->engines[i]);
            if (e) {
                e->used = ++d->clock;
                continue;
            }
            start_job(d, &need[k], d->engines[i]);
            if (d->job) return;
        }
}

void vs_tui_density_wait(struct vs_tui *t)
{
    struct vs_tui_density *d = t->density;
    d->active = true;
    for (;;) {
        vs_tui_density_poll(t);
        if (!d->job) {
            struct vs_tui_density_settings need[2];
            int n = needed(d, need);
            bool all = true;
            for (int k = 0; k < n; k++)
                for (int i = 0; i < d->n_rows; i++)
                    if (d->on[i] && !find_entry(d, &need[k], d->engines[i])) all = false;
            if (all) return;
            continue;
        }
        struct timespec pause = {0, 5 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
}

enum vs_tui_dstate vs_tui_density_row(const struct vs_tui *t, int i, const struct vs_tui_density_entry **e)
{
    const struct vs_tui_density *d = t->density;
    *e = NULL;
    if (i < 0 || i >= d->n_rows) return VS_TUI_DENSITY_OFF;
    if (!d->on[i]) return VS_TUI_DENSITY_OFF;
    *e = find_entry(d, &d->set, d->engines[i]);
    if (*e) return (*e)->rc == VS_OK ? VS_TUI_DENSITY_DONE : VS_TUI_DENSITY_FAILED;
    if (d->job && !d->job->stopping && strcmp(d->job->engine, d->engines[i]) == 0 && same_settings(&d->job->set, &d->set))
        return VS_TUI_DENSITY_SEARCHING;
    return VS_TUI_DENSITY_QUEUED;
}

enum vs_tui_dstate vs_tui_density_row_without(const struct vs_tui *t, int i, const struct vs_tui_density_entry **e)
{
    const struct vs_tui_density *d = t->density;
    *e = NULL;
    if (i < 0 || i >= d->n_rows || !d->on[i] || !overcommit(&d->set)) return VS_TUI_DENSITY_OFF;
    struct vs_tui_density_settings base;
    vs_tui_density_without(&d->set, &base);
    *e = find_entry(d, &base, d->engines[i]);
    if (*e) return (*e)->rc == VS_OK ? VS_TUI_DENSITY_DONE : VS_TUI_DENSITY_FAILED;
    if (d->job && !d->job->stopping && strcmp(d->job->engine, d->engines[i]) == 0 && same_settings(&d->job->set, &base))
        return VS_TUI_DENSITY_SEARCHING;
    return VS_TUI_DENSITY_QUEUED;
}

void vs_tui_density_vcpu_text(const struct vs_tui *t, int i, char *buf, size_t len)
{
    const struct vs_tui_density *d = t->density;
    const struct vs_tui_density_entry *e;
    buf[0] = '\0';
    if (!d->set.vcpus_shared || vs_tui_density_row(t, i, &e) != VS_TUI_DENSITY_DONE) return;
    /* The density report's words (run/density.c): what sharing the cores
     * made room for against a core per vCPU, or why it made none. */
    const struct vs_density_result *r = &e->r;
    uint32_t made = r->density - r->density_without_vcpu_overcommit;
    if (made > 0)
        snprintf(buf, len, "+%s%u guests (%u with a core per vCPU), steal %.1f %% at the density",
                 r->capped ? ">=" : "", made, r->density_without_vcpu_overcommit, r->steal_at_density * 100);
    else if (r->density < r->vcpu_fit)
        snprintf(buf, len, "no room made: %s ran out before the cores did (%u cores' worth)",
                 r->capped ? "the search bound" : vs_resource_name(r->limit), r->vcpu_fit);
    else
        snprintf(buf, len, "no room made: sharing the cores breaks an SLA (%u with a core per vCPU)",
                 r->density_without_vcpu_overcommit);
}

void vs_tui_density_room_text(const struct vs_tui *t, int i, char *buf, size_t len)
{
    const struct vs_tui_density *d = t->density;
    buf[0] = '\0';
    char vcpu[160];
    vs_tui_density_vcpu_text(t, i, vcpu, sizeof vcpu);
    if (!overcommit(&d->set)) {
        if (vcpu[0]) snprintf(buf, len, "vCPU overcommit: %s", vcpu);
        return;
    }
    const struct vs_tui_density_entry *e, *w;
    enum vs_tui_dstate st = vs_tui_density_row(t, i, &e), sw = vs_tui_density_row_without(t, i, &w);
    if (st != VS_TUI_DENSITY_DONE) return;
    const struct vs_density_result *r = &e->r;
    char gained[96], sh[32], bl[32], saved[128];
    /* What each mechanism took off each guest (the density report's line);
     * a mechanism that is off says nothing. */
    snprintf(saved, sizeof saved, "per guest saved: %s%s%s%s%s", d->set.sharing ? "sharing " : "",
             d->set.sharing ? vs_units_format_bytes(r->saved_sharing_bytes, sh, sizeof sh) : "",
             d->set.sharing && d->set.balloon ? ", " : "", d->set.balloon ? "balloon " : "",
             d->set.balloon ? vs_units_format_bytes(r->saved_balloon_bytes, bl, sizeof bl) : "");
    if (sw == VS_TUI_DENSITY_DONE) {
        const struct vs_density_result *b = &w->r;
        long diff = (long)r->density - (long)b->density;
        /* The bound reached with overcommit only: the gain is at least that. */
        const char *qual = r->capped && !b->capped ? ">=" : "";
        snprintf(gained, sizeof gained, "%s%s%ld guests (%s%u without)", diff >= 0 ? "+" : "", qual, diff,
                 b->capped ? ">=" : "", b->density);
    } else if (sw == VS_TUI_DENSITY_FAILED) {
        snprintf(gained, sizeof gained, "without: %.60s", w->error);
    } else {
        snprintf(gained, sizeof gained, "without overcommit: %s", sw == VS_TUI_DENSITY_SEARCHING ? "searching" : "queued");
    }
    snprintf(buf, len, "%s; %s%s%s", gained, saved, vcpu[0] ? "; vCPU overcommit: " : "", vcpu);
}

void vs_tui_density_get_progress(const struct vs_tui *t, struct vs_tui_density_progress *p)
{
    const struct vs_tui_density *d = t->density;
    memset(p, 0, sizeof *p);
    for (int i = 0; i < d->n_rows; i++) {
        if (!d->on[i]) continue;
        p->total++;
        if (find_entry(d, &d->set, d->engines[i])) p->done++;
    }
    const struct vs_tui_density_job *j = d->job;
    if (!j || j->stopping) return;
    p->searching = true;
    p->without = overcommit(&d->set) && !same_settings(&j->set, &d->set);
    snprintf(p->engine, sizeof p->engine, "%s", j->engine);
    struct vs_progress pr;
    vs_control_progress(&j->ctl, &pr);
    p->simulations = pr.runs_started;
    p->simulated_s = (double)pr.done_ns / 1e9;
    p->wall_s = wall_s() - j->started_s;
}

/* Row i's CPU per operation over native's (the row whose engine is native). */
static double cost_ratio(const struct vs_tui *t, int i, double *noise)
{
    const struct vs_tui_density_entry *e, *b = NULL;
    *noise = NAN;
    if (vs_tui_density_row(t, i, &e) != VS_TUI_DENSITY_DONE) return NAN;
    for (int k = 0; k < t->density->n_rows; k++)
        if (strcmp(t->density->engines[k], "native") == 0) vs_tui_density_row(t, k, &b);
    if (!b || b->rc != VS_OK) return NAN;
    return vs_tradeoff_cost_ratio(&e->r, &b->r, noise);
}

void vs_tui_density_cost_text(const struct vs_tui *t, int i, char *buf, size_t len)
{
    double noise, x = cost_ratio(t, i, &noise);
    if (isnan(x)) snprintf(buf, len, "-");
    /* One run, no replications: a difference noise alone could make shows as none. */
    else snprintf(buf, len, "%.2fx", fabs(x - 1) <= noise ? 1.0 : x);
}

/* ---- settings and keys ---- */

/* A built-in of `kind` after (step +1) or before (-1) `name`, round. */
static const char *next_builtin(enum vs_builtin_kind kind, const char *name, int step)
{
    const char *names[64];
    int n = 0, at = -1;
    for (size_t i = 0; i < vs_builtin_count() && n < 64; i++) {
        const struct vs_builtin *b = vs_builtin_at(i);
        if (b->kind != kind) continue;
        if (strcmp(b->name, name) == 0) at = n;
        names[n++] = b->name;
    }
    if (n == 0) return name;
    if (at < 0) return names[0];
    return names[(at + step + n) % n];
}

/* The p99 bounds [ and ] step through, in ms; past the last: none. */
static const double p99_ladder_ms[] = {0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000};
#define P99_STEPS ((int)(sizeof p99_ladder_ms / sizeof p99_ladder_ms[0]))
static const double thru_ladder[] = {0.5, 0.8, 0.9, 0.95, 0.99};
#define THRU_STEPS ((int)(sizeof thru_ladder / sizeof thru_ladder[0]))

/* [ lowers the p99 bound (stricter), ] raises it; none is above the top. */
static int64_t step_p99(int64_t ns, int dir)
{
    double ms = (double)ns / 1e6;
    if (ns <= 0) return dir < 0 ? (int64_t)(p99_ladder_ms[P99_STEPS - 1] * 1e6) : 0;
    if (dir < 0) {
        for (int i = P99_STEPS - 1; i >= 0; i--)
            if (p99_ladder_ms[i] < ms - 1e-9) return (int64_t)(p99_ladder_ms[i] * 1e6);
        return ns;
    }
    for (int i = 0; i < P99_STEPS; i++)
        if (p99_ladder_ms[i] > ms + 1e-9) return (int64_t)(p99_ladder_ms[i] * 1e6);
    return 0;
}

/* { lowers the throughput bound (down to none), } raises it. */
static double step_thru(double f, int dir)
{
    if (dir > 0) {
        for (int i = 0; i < THRU_STEPS; i++)
            if (thru_ladder[i] > f + 1e-9) return thru_ladder[i];
        return f;
    }
    for (int i = THRU_STEPS - 1; i >= 0; i--)
        if (thru_ladder[i] < f - 1e-9) return thru_ladder[i];
    return 0;
}

static void said(struct vs_tui *t, const char *what)
{
    char sla[128];
    vs_tui_density_sla_text(&t->density->set, sla, sizeof sla);
    snprintf(t->status, sizeof t->status, "density: %.60s; %s%.80s", what, strcmp(sla, "none") == 0 ? "no SLA" : "SLA ",
             strcmp(sla, "none") == 0 ? "" : sla);
}

bool vs_tui_density_key(struct vs_tui *t, int key)
{
    struct vs_tui_density *d = t->density;
    if (!d) return false;
    if (d->typing) {
        size_t len = strlen(d->typed);
        if (key == VS_TUI_KEY_ESC) {
            d->typing = false;
            snprintf(t->status, sizeof t->status, "SLA unchanged");
        } else if (key == VS_TUI_KEY_ENTER) {
            d->typing = false;
            struct vs_error err;
            if (vs_tui_density_set_sla(t, d->typed, &err) != VS_OK) snprintf(t->status, sizeof t->status, "%.150s", err.message);
            else said(t, "SLA set");
        } else if ((key == 127 || key == 8) && len > 0) {
            d->typed[len - 1] = '\0';
        } else if (key >= 32 && key < 127 && len + 1 < sizeof d->typed) {
            d->typed[len] = (char)key;
            d->typed[len + 1] = '\0';
        }
        vs_tui_density_poll(t);
        return true;
    }
    struct vs_tui_density_settings *s = &d->set;
    char what[120];
    switch (key) {
    case VS_TUI_KEY_UP: case 'k':
        if (d->sel > 0) d->sel--;
        return true;
    case VS_TUI_KEY_DOWN: case 'j':
        if (d->sel < d->n_rows - 1) d->sel++;
        return true;
    case 'w': case 'W':
        snprintf(s->workload, sizeof s->workload, "%s", next_builtin(VS_BUILTIN_WORKLOAD, s->workload, key == 'w' ? 1 : -1));
        snprintf(what, sizeof what, "workload %s", s->workload);
        said(t, what);
        break;
    case 'H':
        snprintf(s->host, sizeof s->host, "%s", next_builtin(VS_BUILTIN_HOST, s->host, 1));
        snprintf(what, sizeof what, "host %s", s->host);
        said(t, what);
        break;
    case '[': case ']':
        s->p99_ns = step_p99(s->p99_ns, key == '[' ? -1 : 1);
        said(t, key == '[' ? "p99 bound lowered" : "p99 bound raised");
        break;
    case '{': case '}':
        s->throughput = step_thru(s->throughput, key == '{' ? -1 : 1);
        said(t, key == '{' ? "throughput bound lowered" : "throughput bound raised");
        break;
    case 'S':
        d->typing = true;
        vs_tui_density_sla_text(s, d->typed, sizeof d->typed);
        if (strcmp(d->typed, "none") == 0) d->typed[0] = '\0';
        return true;
    case 'x':
        if (strcmp(d->engines[d->sel], "native") == 0) {
            snprintf(t->status, sizeof t->status, "native stays: it is the baseline of the cost per operation");
            return true;
        }
        d->on[d->sel] = !d->on[d->sel];
        snprintf(t->status, sizeof t->status, "density: %s %s", d->engines[d->sel], d->on[d->sel] ? "included" : "left out");
        break;
    case 'c': {
        /* The selected row takes the next preset not listed yet. */
        const char *names[128];
        int n = 0, at = 0;
        for (size_t i = 0; i < vs_engine_count(); i++)
            for (size_t p = 0; p < vs_engine_at(i)->n_presets && n < 128; p++)
                names[n++] = vs_engine_at(i)->presets[p].name;
        if (strcmp(d->engines[d->sel], "native") == 0) {
            snprintf(t->status, sizeof t->status, "native stays: it is the baseline of the cost per operation");
            return true;
        }
        while (at < n && strcmp(names[at], d->engines[d->sel]) != 0) at++;
        for (int step = 1; step <= n; step++) {
            const char *next = names[(at + step) % n];
            bool used = false;
            for (int r = 0; r < d->n_rows; r++) used |= strcmp(d->engines[r], next) == 0;
            if (used) continue;
            snprintf(d->engines[d->sel], VS_NAME_MAX, "%s", next);
            d->on[d->sel] = true;
            break;
        }
        snprintf(what, sizeof what, "row %d is now %s", d->sel + 1, d->engines[d->sel]);
        said(t, what);
        break;
    }
    case 'P': case 'B': case 'V': {
        /* Overcommit, as --overcommit sharing / balloon / vcpus. */
        bool *sw = key == 'P' ? &s->sharing : key == 'B' ? &s->balloon : &s->vcpus_shared;
        *sw = !*sw;
        snprintf(what, sizeof what, "%s %s",
                 key == 'P' ? "page sharing" : key == 'B' ? "ballooning" : "vCPU overcommit", *sw ? "on" : "off");
        said(t, what);
        break;
    }
    default: return false;
    }
    vs_tui_density_poll(t);
    return true;
}

/* ---- init, free ---- */

/* A name the density scenario can resolve again, or `fallback`. */
static void resolvable(char *out, size_t len, const char *name, bool workload, const char *fallback)
{
    struct vs_error err;
    bool ok;
    if (workload) {
        struct vs_workload *w = malloc(sizeof *w);
        ok = w && vs_config_resolve_workload(name, NULL, w, &err) == VS_OK;
        free(w);
    } else {
        struct vs_host_spec h;
        ok = vs_config_resolve_host(name, NULL, &h, &err) == VS_OK;
    }
    snprintf(out, len, "%s", ok ? name : fallback);
}

int vs_tui_density_init(struct vs_tui *t, struct vs_error *err)
{
    struct vs_tui_density *d = calloc(1, sizeof *d);
    if (!d) return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    d->cache = calloc(VS_TUI_DENSITY_CACHE, sizeof *d->cache);
    if (!d->cache) {
        free(d);
        return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    }
    /* The group the Compare panel scores, on the scenario's first host, as
     * `virtsim density` defaults otherwise (5 s per point, up to 256). */
    const struct vs_guest_spec *g = &t->sc.guests[t->score_group < (int)t->sc.n_guests ? t->score_group : 0];
    resolvable(d->set.workload, sizeof d->set.workload, g->workload.name, true, "web-server");
    resolvable(d->set.host, sizeof d->set.host, t->sc.hosts[0].spec.name, false, "current");
    d->set.vcpus = g->vcpus ? g->vcpus : 1;
    d->set.duration_ns = 5 * VS_NS_PER_S;
    d->set.max_guests = 256;
    /* Native first (the baseline), then the scenario's other engines. */
    snprintf(d->engines[d->n_rows], VS_NAME_MAX, "native");
    d->on[d->n_rows++] = true;
    for (uint32_t k = 0; k < t->sc.n_engines && d->n_rows < VS_TUI_DENSITY_ROWS; k++) {
        if (strcmp(t->sc.engines[k], "native") == 0) continue;
        snprintf(d->engines[d->n_rows], VS_NAME_MAX, "%s", t->sc.engines[k]);
        d->on[d->n_rows++] = true;
    }
    t->density = d;
    return VS_OK;
}

int vs_tui_density_begin(struct vs_tui *t, const struct vs_tui_density_start *ds, struct vs_error *err)
{
    if (!ds) return VS_OK;
    if (ds->max_guests) t->density->set.max_guests = ds->max_guests;
    if (ds->duration_ns) t->density->set.duration_ns = ds->duration_ns;
    return ds->sla ? vs_tui_density_set_sla(t, ds->sla, err) : VS_OK;
}

void vs_tui_density_free(struct vs_tui *t)
{
    struct vs_tui_density *d = t->density;
    if (!d) return;
    if (d->job) {
        vs_control_request_stop(&d->job->ctl);
        end_job(d, false);
    }
    free(d->cache);
    free(d);
    t->density = NULL;
}

/* ---- export ---- */

static int write_json(FILE *f, const struct vs_tui *t, struct vs_error *err)
{
    const struct vs_tui_density *d = t->density;
    struct vs_density_opts o;
    vs_tui_density_opts(&d->set, &o);
    char cmd[512];
    vs_tui_density_command(t, cmd, sizeof cmd);
    struct vs_json w;
    vs_json_init(&w, f);
    vs_json_object_begin(&w, VS_JSON_BLOCK);
    vs_json_key_string(&w, "kind", "density");
    vs_json_key_string(&w, "workload", d->set.workload);
    vs_json_key_string(&w, "host", d->set.host);
    vs_json_key(&w, "slas");
    vs_json_array_begin(&w, VS_JSON_INLINE);
    for (uint32_t i = 0; i < o.n_slas; i++) vs_json_string(&w, o.slas[i].text);
    vs_json_array_end(&w);
    vs_json_key_string(&w, "overcommit", vs_tui_density_overcommit_text(&d->set));
    vs_json_key_string(&w, "command", cmd);
    vs_json_key(&w, "results");
    vs_json_array_begin(&w, VS_JSON_BLOCK);
    for (int i = 0; i < d->n_rows; i++) {
        const struct vs_tui_density_entry *e;
        if (vs_tui_density_row(t, i, &e) != VS_TUI_DENSITY_DONE) continue;
        const struct vs_density_result *x = &e->r;
        vs_json_object_begin(&w, VS_JSON_BLOCK);
        vs_density_json_head(&w, x);
        if (overcommit(&d->set)) {
            /* As virtsim density --overcommit writes them, and the count
             * without overcommit the panel compares with (null: not searched yet). */
            const struct vs_tui_density_entry *wo;
            vs_json_key_number(&w, "saved_by_sharing_bytes", x->saved_sharing_bytes);
            vs_json_key_number(&w, "saved_by_balloon_bytes", x->saved_balloon_bytes);
            vs_json_key(&w, "density_without_overcommit");
            if (vs_tui_density_row_without(t, i, &wo) == VS_TUI_DENSITY_DONE) vs_json_uint(&w, wo->r.density);
            else vs_json_null(&w);
        }
        if (d->set.vcpus_shared) vs_density_json_vcpus(&w, x); /* as density --overcommit vcpus writes them */
        vs_json_key(&w, "cpu_per_op_ns");
        vs_json_object_begin(&w, VS_JSON_INLINE);
        for (int c = 0; c < VS_CAT_COUNT; c++)
            if (c != VS_CAT_IDLE) vs_json_key_number(&w, vs_cat_label((enum vs_cpu_cat)c), x->cpu_per_op_ns[c]);
        vs_json_object_end(&w);
        vs_json_key_uint(&w, "cost_ops", x->cost_ops);
        vs_density_json_curve(&w, x, d->set.vcpus_shared);
        vs_json_object_end(&w);
    }
    vs_json_array_end(&w);
    vs_json_object_end(&w);
    return vs_json_finish(&w, err);
}

static void write_csv(FILE *f, const struct vs_tui *t)
{
    const struct vs_tui_density *d = t->density;
    char sla[128];
    vs_tui_density_sla_text(&d->set, sla, sizeof sla);
    fprintf(f, "workload,host,sla,engine,approach,density,capped,limit,memory_per_guest_bytes,application_bytes,"
               "guest_kernel_bytes,page_cache_bytes,overhead_bytes,cpu_per_op_ns,cost_vs_native,cost_ops,overcommit,"
               "saved_by_sharing_bytes,saved_by_balloon_bytes,density_without_overcommit,vcpu_fit,"
               "density_without_vcpu_overcommit,steal_at_density\n");
    for (int i = 0; i < d->n_rows; i++) {
        const struct vs_tui_density_entry *e;
        if (vs_tui_density_row(t, i, &e) != VS_TUI_DENSITY_DONE) continue;
        const struct vs_density_result *x = &e->r;
        double noise, ratio = cost_ratio(t, i, &noise), cost = vs_tradeoff_cost_total_ns(x);
        fprintf(f, "%s,%s,%s,%s,%s,%u,%d,%s,%.17g,%.17g,%.17g,%.17g,%.17g,", d->set.workload, d->set.host, sla,
                x->engine, x->approach, x->density, x->capped, x->capped ? "" : vs_resource_name(x->limit),
                vs_mem_parts_total(&x->memory_per_guest), x->memory_per_guest.bytes[VS_MEM_APPLICATION],
                x->memory_per_guest.bytes[VS_MEM_GUEST_KERNEL], x->memory_per_guest.bytes[VS_MEM_PAGE_CACHE],
                x->memory_per_guest.bytes[VS_MEM_OVERHEAD]);
        if (isnan(cost)) fprintf(f, ",");
        else fprintf(f, "%.17g,", cost);
        if (isnan(ratio)) fprintf(f, ",");
        else fprintf(f, "%.17g,", ratio);
        fprintf(f, "%llu,", (unsigned long long)x->cost_ops);
        /* Overcommit: which, what each saved per guest, the count without it (empty: none on, or not searched yet). */
        const struct vs_tui_density_entry *wo;
        const char *oc = vs_tui_density_overcommit_text(&d->set);
        if (oc[0]) fprintf(f, "\"%s\",", oc);
        else fputc(',', f);
        if (!overcommit(&d->set)) fprintf(f, ",,");
        else if (vs_tui_density_row_without(t, i, &wo) == VS_TUI_DENSITY_DONE)
            fprintf(f, "%.17g,%.17g,%u", x->saved_sharing_bytes, x->saved_balloon_bytes, wo->r.density);
        else
            fprintf(f, "%.17g,%.17g,", x->saved_sharing_bytes, x->saved_balloon_bytes);
        /* vCPU overcommit: the guests whose vCPUs fit a core each, the count with a core per vCPU, the steal. */
        if (d->set.vcpus_shared)
            fprintf(f, ",%u,%u,%.17g\n", x->vcpu_fit, x->density_without_vcpu_overcommit, x->steal_at_density);
        else
            fprintf(f, ",,,\n");
    }
}

static void write_text(FILE *f, const struct vs_tui *t)
{
    const struct vs_tui_density *d = t->density;
    char sla[128], cmd[512], a[32], b[32], c[32], e4[32], e5[32];
    vs_tui_density_sla_text(&d->set, sla, sizeof sla);
    vs_tui_density_command(t, cmd, sizeof cmd);
    struct vs_tui_density_settings mem = d->set;
    mem.vcpus_shared = false;
    fprintf(f, "density of %s on host %s (%u vCPUs per guest), SLA: %s, memory overcommit: %s%s\nthe same as: %s\n\n",
            d->set.workload, d->set.host, d->set.vcpus, sla,
            overcommit(&mem) ? vs_tui_density_overcommit_text(&mem) : "none",
            d->set.vcpus_shared ? ", vCPU overcommit: on" : "", cmd);
    fprintf(f, "%-11s %-10s %7s %-7s %9s %10s  %s\n", "preset", "approach", "guests", "limit", "cpu x", "mem/guest",
            "(application + guest kernel + page cache + overhead)");
    for (int i = 0; i < d->n_rows; i++) {
        const struct vs_tui_density_entry *e;
        enum vs_tui_dstate st = vs_tui_density_row(t, i, &e);
        if (st == VS_TUI_DENSITY_OFF) continue;
        if (st != VS_TUI_DENSITY_DONE) {
            fprintf(f, "%-11s %s\n", d->engines[i],
                    st == VS_TUI_DENSITY_FAILED ? e->error : "no result yet (the search had not finished)");
            continue;
        }
        const struct vs_density_result *x = &e->r;
        char dens[16], cost[16];
        snprintf(dens, sizeof dens, "%s%u", x->capped ? ">=" : "", x->density);
        vs_tui_density_cost_text(t, i, cost, sizeof cost);
        fprintf(f, "%-11s %-10s %7s %-7s %9s %10s  (%s + %s + %s + %s)\n", x->engine, x->approach, dens,
                x->capped ? "-" : vs_resource_name(x->limit), cost,
                vs_units_format_bytes(vs_mem_parts_total(&x->memory_per_guest), a, sizeof a),
                vs_units_format_bytes(x->memory_per_guest.bytes[VS_MEM_APPLICATION], b, sizeof b),
                vs_units_format_bytes(x->memory_per_guest.bytes[VS_MEM_GUEST_KERNEL], c, sizeof c),
                vs_units_format_bytes(x->memory_per_guest.bytes[VS_MEM_PAGE_CACHE], e4, sizeof e4),
                vs_units_format_bytes(x->memory_per_guest.bytes[VS_MEM_OVERHEAD], e5, sizeof e5));
        char room[256];
        vs_tui_density_room_text(t, i, room, sizeof room);
        if (room[0]) fprintf(f, "%-11s overcommit: %s\n", "", room);
    }
    fprintf(f, "\ncpu x: host CPU per operation of one guest alone over native's (1.00x within twice the\n"
               "counting noise); guests: the most that meet every SLA (>= : the search bound)\n");
}

int vs_tui_density_export(const struct vs_tui *t, const char *path, struct vs_error *err)
{
    size_t len = strlen(path);
    struct vs_output out;
    int rc = vs_output_open(path, &out, err);
    if (rc != VS_OK) return rc;
    if (len > 5 && strcmp(path + len - 5, ".json") == 0) {
        rc = write_json(out.file, t, err);
    } else {
        if (len > 4 && strcmp(path + len - 4, ".csv") == 0) write_csv(out.file, t);
        else write_text(out.file, t);
        if (ferror(out.file)) rc = vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "writing %s failed", path);
    }
    if (rc != VS_OK) {
        vs_output_abort(&out);
        return rc;
    }
    return vs_output_commit(&out, err);
}

/* ---- text plots ---- */

#define CURVE_LEFT 8 /* y labels */

static void short_time(double ns, char *buf, size_t len)
{
    vs_units_format_time(ns, buf, len);
    for (char *sp; (sp = strchr(buf, ' '));) memmove(sp, sp + 1, strlen(sp));
}

int vs_tui_density_curve(const struct vs_density_result *r, int64_t p99_bound_ns, int width, int height, char *grid,
                         int *cols)
{
    int stride = width + 1;
    for (int y = 0; y <= height; y++) {
        memset(grid + y * stride, ' ', (size_t)width);
        grid[y * stride + width] = '\0';
    }
    if (width <= CURVE_LEFT + 2 || height < 3) return 0;
    int n = (int)r->n_points;
    int room = width - CURVE_LEFT;
    /* Columns far enough apart for the guest counts under them where they fit. */
    int step = n > 0 ? room / n : 1;
    if (step > 5) step = 5;
    if (step < 1) step = 1;
    if (n > room) n = room;
    /* The y range: every p99 shown and the bound, with a little margin. */
    double lo = INFINITY, hi = 0;
    for (int i = 0; i < n; i++) {
        const struct vs_density_point *p = &r->points[i];
        if (p->basis != VS_PROBE_FULL || p->failed > 0 || p->p99_ns <= 0) continue;
        if (p->p99_ns < lo) lo = (double)p->p99_ns;
        if (p->p99_ns > hi) hi = (double)p->p99_ns;
    }
    if (p99_bound_ns > 0) {
        if (p99_bound_ns < lo) lo = (double)p99_bound_ns;
        if (p99_bound_ns > hi) hi = (double)p99_bound_ns;
    }
    if (!(hi > 0)) hi = lo = 1e6;
    lo /= 1.5;
    hi *= 1.5;
    double span = log(hi) - log(lo);
#define ROW_OF(v) (height - 1 - (int)floor((log(v) - log(lo)) / span * (height - 1) + 0.5))
    char lab[32];
    short_time(hi / 1.5, lab, sizeof lab);
    memcpy(grid + 0 * stride, lab, strlen(lab) < CURVE_LEFT - 1 ? strlen(lab) : CURVE_LEFT - 1);
    short_time(lo * 1.5, lab, sizeof lab);
    memcpy(grid + (height - 1) * stride, lab, strlen(lab) < CURVE_LEFT - 1 ? strlen(lab) : CURVE_LEFT - 1);
    for (int y = 0; y < height; y++) grid[y * stride + CURVE_LEFT - 1] = '|';
    if (p99_bound_ns > 0) {
        int y = ROW_OF((double)p99_bound_ns);
        memset(grid + y * stride, ' ', CURVE_LEFT - 1);
        char sla[40];
        short_time((double)p99_bound_ns, lab, sizeof lab);
        snprintf(sla, sizeof sla, "SLA%s", lab);
        if ((int)strlen(sla) > CURVE_LEFT - 1) snprintf(sla, sizeof sla, "%s", lab);
        memcpy(grid + y * stride, sla, strlen(sla) < CURVE_LEFT - 1 ? strlen(sla) : CURVE_LEFT - 1);
        for (int x = CURVE_LEFT; x < width; x++) grid[y * stride + x] = '-';
    }
    int sla_row = p99_bound_ns > 0 ? ROW_OF((double)p99_bound_ns) : -1;
    char *under = grid + height * stride;
    int free_from = CURVE_LEFT;
    for (int i = 0; i < n; i++) {
        const struct vs_density_point *p = &r->points[i];
        int x = CURVE_LEFT + i * step + (step > 1 ? step / 2 : 0);
        if (x >= width) x = width - 1;
        cols[i] = x;
        /* A probe without figures of its whole window sits on the top
         * row, marked by why: M did not fit in memory, e stopped early
         * (its p99 covers part of the window, or a hint): not plotted as
         * if measured. */
        if (p->basis == VS_PROBE_MEMORY || p->failed > 0 || p->p99_ns <= 0) grid[0 * stride + x] = 'M';
        else if (p->basis == VS_PROBE_EARLY) grid[0 * stride + x] = 'e';
        else {
            /* On a short plot a p99 near the bound rounds onto its row: a
             * point keeps the side of the line its verdict says (below:
             * under the bound), so the picture never contradicts it. */
            int row = ROW_OF((double)p->p99_ns);
            bool under_bound = p99_bound_ns <= 0 || p->p99_ns < p99_bound_ns;
            if (sla_row >= 0 && under_bound && row <= sla_row) row = sla_row + 1 < height ? sla_row + 1 : sla_row;
            if (sla_row >= 0 && !under_bound && row >= sla_row) row = sla_row > 0 ? sla_row - 1 : sla_row;
            grid[row * stride + x] = p->ok ? 'o' : 'x';
        }
        /* The guest count under its column, where it does not run into the last one. */
        char g[16];
        int gl = snprintf(g, sizeof g, "%u", p->guests);
        int gx = x - (gl - 1) / 2;
        if (gx >= free_from && gx + gl <= width) {
            memcpy(under + gx, g, (size_t)gl);
            free_from = gx + gl + 1;
        }
    }
#undef ROW_OF
    return n;
}

int vs_tui_density_scatter(const struct vs_tui *t, int width, int height, char *grid)
{
    int stride = width + 1;
    for (int y = 0; y < height; y++) {
        memset(grid + y * stride, ' ', (size_t)width);
        grid[y * stride + width] = '\0';
    }
    const int left = 5; /* guest labels */
    if (width < left + 12 || height < 5) return 0;
    const struct vs_tui_density *d = t->density;
    double xmax = 2, ymax = 1;
    double xs[VS_TUI_DENSITY_ROWS], ys[VS_TUI_DENSITY_ROWS];
    bool have[VS_TUI_DENSITY_ROWS] = {false};
    for (int i = 0; i < d->n_rows; i++) {
        const struct vs_tui_density_entry *e;
        double noise;
        double x = cost_ratio(t, i, &noise);
        if (vs_tui_density_row(t, i, &e) != VS_TUI_DENSITY_DONE || isnan(x)) continue;
        if (fabs(x - 1) <= noise) x = 1.0;
        have[i] = true;
        xs[i] = x;
        ys[i] = e->r.density;
        if (x > xmax) xmax = x;
        if (ys[i] > ymax) ymax = ys[i];
    }
    int plot_w = width - left - 1, plot_h = height - 2;
    /* Axes: y at column left-1, x on line plot_h. */
    for (int y = 0; y < plot_h; y++) grid[y * stride + left - 1] = '|';
    for (int x = left - 1; x < width; x++) grid[plot_h * stride + x] = '-';
    grid[plot_h * stride + left - 1] = '+';
    char lab[32];
    int ll = snprintf(lab, sizeof lab, "%.0f", ymax);
    memcpy(grid, lab, (size_t)(ll < left - 1 ? ll : left - 1));
    grid[(plot_h - 1) * stride + left - 2] = '0';
    ll = snprintf(lab, sizeof lab, "1x");
    memcpy(grid + (plot_h + 1) * stride + left - 1, lab, (size_t)ll);
    ll = snprintf(lab, sizeof lab, "%.1fx", xmax);
    memcpy(grid + (plot_h + 1) * stride + width - ll, lab, (size_t)ll);
    /* A logarithmic x: an emulator's 15x must not squash 1.1x and 1.5x together. */
    double lx = log(xmax);
    int x2 = left + (int)floor(log(2.0) / lx * (plot_w - 1) + 0.5);
    if (x2 > left + 3 && x2 + 2 < width - ll - 1) memcpy(grid + (plot_h + 1) * stride + x2, "2x", 2);
    const char *mid = "CPU per op / native's (log)";
    int mx = x2 + 4 + (width - ll - x2 - 4 - (int)strlen(mid)) / 2;
    if (mx > x2 + 3 && mx + (int)strlen(mid) < width - ll - 1) memcpy(grid + (plot_h + 1) * stride + mx, mid, strlen(mid));
    int drawn = 0;
    for (int i = 0; i < d->n_rows; i++) {
        if (!have[i]) continue;
        int x = left + (int)floor(log(xs[i]) / lx * (plot_w - 1) + 0.5);
        int y = plot_h - 1 - (int)floor(ys[i] / ymax * (plot_h - 1) + 0.5);
        /* Two approaches in one cell: the second goes one cell right (two at
         * most), so both numbers show; a third makes the cell '+'. */
        char *cell = &grid[y * stride + x];
        for (int k = 0; k < 2 && x + k + 1 < width && *cell >= '1' && *cell <= '9'; k++) cell++;
        *cell = *cell >= '1' && *cell <= '9' ? '+' : (char)('1' + i);
        drawn++;
    }
    return drawn;
}
