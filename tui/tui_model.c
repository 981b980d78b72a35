/* The TUI's view model (see tui.h): runs the scenario's simulations a step at
 * a time, keeps their latest snapshots and a little history, and turns keys
 * into state changes. No curses here: tests drive it directly. */
#include "virtsim/ui/tui.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "virtsim/load/builtin.h"
#include "virtsim/load/config.h"
#include "virtsim/model/engine.h"
#include "virtsim/model/security.h"
#include "virtsim/out/output.h"
#include "virtsim/out/report.h"
#include "virtsim/out/scores.h"
#include "virtsim/run/stepper.h"
#include "virtsim/run/trace.h"
#include "virtsim/core/units.h"

const double vs_tui_speeds[] = {1, 10, 100, 0};
const int vs_tui_n_speeds = 4;

/* Simulated time per step key, and the longest step a tick may take at
 * "as fast as possible", so the screen stays responsive. */
#define STEP_NS (100 * VS_NS_PER_MS)
#define MAX_TICK_NS (500 * VS_NS_PER_MS)

/* Adds a timeline entry in (run, time) order: changes arrive per engine in
 * order, but engines' clocks differ (a slow boot puts one engine's events
 * later), so an entry goes after every entry that is not later than it. */
static void add_event_for(struct vs_tui *t, int engine, vs_time_ns at, const char *fmt, const char *arg)
{
    if (t->timeline_len == VS_TUI_TIMELINE_MAX) {
        memmove(t->timeline, t->timeline + 1, (VS_TUI_TIMELINE_MAX - 1) * sizeof t->timeline[0]);
        t->timeline_len--;
        if (t->timeline_top > 0) t->timeline_top--;
    }
    /* An engine's groups boot together: one line ("kvm: web, db booted"). */
    char text[120];
    snprintf(text, sizeof text, fmt, arg);
    size_t len = strlen(text);
    if (t->timeline_len > 0 && len > 7 && strcmp(text + len - 7, " booted") == 0) {
        struct vs_tui_event *p = &t->timeline[t->timeline_len - 1];
        size_t plen = strlen(p->text);
        const char *colon = strchr(text, ':');
        if (p->run == t->run && p->engine == engine && p->at_ns == at && plen > 7 && colon &&
            strcmp(p->text + plen - 7, " booted") == 0 && strncmp(p->text, text, (size_t)(colon - text + 1)) == 0 &&
            plen + len < sizeof p->text) {
            char merged[240];
            snprintf(merged, sizeof merged, "%.*s,%.*s booted", (int)(plen - 7), p->text, (int)(len - 7 - (size_t)(colon - text) - 1),
                     colon + 1);
            snprintf(p->text, sizeof p->text, "%.119s", merged);
            return;
        }
    }
    int at_idx = t->timeline_len;
    while (at_idx > 0) {
        const struct vs_tui_event *p = &t->timeline[at_idx - 1];
        if (p->run < t->run || (p->run == t->run && p->at_ns <= at)) break;
        at_idx--;
    }
    memmove(t->timeline + at_idx + 1, t->timeline + at_idx, (size_t)(t->timeline_len - at_idx) * sizeof t->timeline[0]);
    t->timeline_len++;
    struct vs_tui_event *e = &t->timeline[at_idx];
    e->run = t->run;
    e->at_ns = at;
    e->engine = engine;
    snprintf(e->text, sizeof e->text, "%s", text);
}

static void add_event(struct vs_tui *t, vs_time_ns at, const char *fmt, const char *arg)
{
    add_event_for(t, -1, at, fmt, arg);
}

static void free_sims(struct vs_tui *t)
{
    free(t->scores.groups);
    memset(&t->scores, 0, sizeof t->scores);
    vs_stepper_destroy(t->stepper);
    t->stepper = NULL;
    t->snaps = NULL;
    free(t->hist);
    t->hist = NULL;
}

/* The p99 of the requests completed between two histograms: the upper
 * bound of the bucket where they reach 99 %; NaN when none completed. */
static double step_p99_ns(const uint64_t *now, const uint64_t *before)
{
    uint64_t total = 0, seen = 0;
    for (int b = 0; b < VS_LAT_BUCKETS; b++) total += now[b] - before[b];
    if (total == 0) return NAN;
    for (int b = 0; b < VS_LAT_BUCKETS; b++) {
        seen += now[b] - before[b];
        if ((double)seen >= 0.99 * (double)total) return 1e3 * (double)(INT64_C(1) << (b + 1));
    }
    return NAN;
}

/* Samples each group of each engine once a step has passed on that
 * engine's clock since its last sample, from its end of boot on. */
static void sample_groups(struct vs_tui *t)
{
    for (uint32_t k = 0; k < t->n_engines; k++) {
        const struct vs_run_result *r = &t->snaps[k];
        for (uint32_t g = 0; g < r->n_groups && g < VS_TUI_GROUPS; g++) {
            struct vs_tui_history *h = &t->hist[k * VS_TUI_GROUPS + g];
            const struct vs_guest_result *gr = &r->groups[g];
            if (r->now_ns <= t->boot_end_ns[k]) {
                h->last_ns = r->now_ns;
                h->last_done = gr->completed_since_start;
                memcpy(h->last_buckets, gr->latency.buckets, sizeof h->last_buckets);
                continue;
            }
            vs_time_ns span = r->now_ns - h->last_ns;
            if (span < STEP_NS && !(t->engine_done[k] && span > 0)) continue;
            /* The histogram restarts at the end of warm-up: count afresh. */
            bool reset = false;
            for (int b = 0; b < VS_LAT_BUCKETS && !reset; b++) reset = gr->latency.buckets[b] < h->last_buckets[b];
            if (reset) memset(h->last_buckets, 0, sizeof h->last_buckets);
            if (h->n == VS_TUI_SPARK) {
                memmove(h->at_ns, h->at_ns + 1, (VS_TUI_SPARK - 1) * sizeof h->at_ns[0]);
                memmove(h->rate_per_s, h->rate_per_s + 1, (VS_TUI_SPARK - 1) * sizeof h->rate_per_s[0]);
                memmove(h->p99_ns, h->p99_ns + 1, (VS_TUI_SPARK - 1) * sizeof h->p99_ns[0]);
                h->n--;
            }
            h->at_ns[h->n] = r->now_ns;
            h->rate_per_s[h->n] = (double)(gr->completed_since_start - h->last_done) * 1e9 / (double)span;
            h->p99_ns[h->n] = step_p99_ns(gr->latency.buckets, h->last_buckets);
            h->n++;
            h->last_ns = r->now_ns;
            h->last_done = gr->completed_since_start;
            memcpy(h->last_buckets, gr->latency.buckets, sizeof h->last_buckets);
        }
    }
}

/* Copies the stepper's latest samples into the sparklines and scores the
 * snapshots (one replication: no intervals on screen). */
static void refresh(struct vs_tui *t)
{
    t->snaps = vs_stepper_snapshots(t->stepper);
    struct vs_results r = {.runs = (struct vs_run_result *)t->snaps, .n_runs = t->n_engines};
    struct vs_error err;
    free(t->scores.groups);
    if (vs_scores_compute(&r, 1, &t->scores, &err) != VS_OK) memset(&t->scores, 0, sizeof t->scores);
    if (t->score_group >= (int)t->scores.n_groups) t->score_group = 0;
    for (uint32_t k = 0; k < t->n_engines; k++) {
        t->boot_end_ns[k] = vs_stepper_boot_end(t->stepper, k);
        t->engine_done[k] = vs_stepper_engine_done(t->stepper, k);
    }
    sample_groups(t);
}

/* (Re)builds every engine's simulation from t->sc and t->seed. */
static int build(struct vs_tui *t, struct vs_error *err)
{
    free_sims(t);
    t->n_engines = 0;
    int rc = vs_stepper_create(&t->sc, t->seed, STEP_NS, VS_TUI_SPARK, &t->stepper, err);
    if (rc != VS_OK) return rc;
    t->n_engines = vs_stepper_engines(t->stepper);
    t->hist = calloc(t->n_engines ? t->n_engines * VS_TUI_GROUPS : 1, sizeof *t->hist);
    if (!t->hist) return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    t->finished = false;
    t->run++;
    char what[96];
    snprintf(what, sizeof what, "%.60s started (seed %llu)", t->sc.name, (unsigned long long)t->seed);
    add_event(t, 0, "%s", what);
    refresh(t);
    return VS_OK;
}

int vs_tui_init(struct vs_tui *t, const struct vs_scenario *sc, uint64_t seed, struct vs_error *err)
{
    memset(t, 0, sizeof *t);
    t->sc = *sc;
    t->seed = seed;
    t->sort_col = VS_COL_NAME;
    t->host = -1;
    t->timeline_top = -1;
    t->timeline_rows = 20;
    int rc = build(t, err);
    if (rc == VS_OK) rc = vs_tui_density_init(t, err);
    return rc;
}

void vs_tui_free(struct vs_tui *t)
{
    vs_tui_density_free(t);
    free_sims(t);
    free(t->trace);
    t->trace = NULL;
}

int vs_tui_open_trace(struct vs_tui *t, struct vs_error *err)
{
    int idx[VS_MAX_GUESTS];
    int n = vs_tui_guest_rows(t, idx, VS_MAX_GUESTS);
    if (n == 0 || t->row < 0 || t->row >= n)
        return vs_error_set(err, VS_ERR_INPUT, NULL, 0, 0, "select a guest first (Guests panel)");
    const struct vs_run_result *r = &t->snaps[t->engine];
    const struct vs_guest_result *g = &r->instances[idx[t->row]];
    const struct vs_guest_spec *spec = NULL;
    for (uint32_t k = 0; k < t->sc.n_guests; k++)
        if (strcmp(t->sc.guests[k].name, g->group) == 0) spec = &t->sc.guests[k];
    if (!spec) return vs_error_set(err, VS_ERR_INPUT, NULL, 0, 0, "no group %s in the scenario", g->group);
    /* the guest's host: its own when the scenario has several */
    const struct vs_host_spec *host = &t->sc.hosts[0].spec;
    for (uint32_t h = 0; h < t->sc.n_hosts; h++)
        if (strcmp(t->sc.hosts[h].spec.name, g->host) == 0) host = &t->sc.hosts[h].spec;
    struct vs_trace_report *tr = malloc(sizeof *tr);
    if (!tr) return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    int rc = vs_trace_dominant(host, r->engine, &spec->workload, tr, err);
    if (rc != VS_OK) {
        free(tr);
        return rc;
    }
    free(t->trace);
    t->trace = tr;
    return VS_OK;
}

void vs_tui_engine_score(const struct vs_tui *t, int engine, char *buf, size_t len, enum vs_score_kind *kind)
{
    snprintf(buf, len, "-");
    *kind = VS_SCORE_COST;
    const struct vs_group_score *s = vs_scores_at(&t->scores, (uint32_t)engine, (uint32_t)t->score_group);
    if (!s) return;
    *kind = vs_scores_at(&t->scores, t->scores.baseline, (uint32_t)t->score_group)->kind;
    /* No figure for a group still booting: not a zero one. */
    const struct vs_guest_result *g = &t->snaps[engine].groups[t->score_group];
    if (g->state == VS_GUEST_BOOTING || t->snaps[engine].window_ns <= 0) return;
    /* One run on screen has no replications: a difference within twice the
     * counting noise of the completions behind both figures (relative
     * standard error 1/sqrt(n) each) is shown as none, so noise never reads
     * as a difference. */
    const struct vs_guest_result *b = &t->snaps[t->scores.baseline].groups[t->score_group];
    double n1 = (double)g->completed, n2 = (double)b->completed;
    double noise = n1 > 0 && n2 > 0 ? 2.0 * sqrt(1.0 / n1 + 1.0 / n2) : INFINITY;
    if (*kind == VS_SCORE_COST) {
        double v = s->cost_ratio.mean;
        if (!isnan(v)) snprintf(buf, len, "%.2fx", fabs(v - 1) <= noise ? 1.0 : v);
    } else if (!isnan(s->score.mean)) {
        double v = s->score.mean;
        snprintf(buf, len, "%.2f%s", fabs(v - 1) <= noise ? 1.0 : v, s->saturated ? "*" : "");
    }
}

/* Runs every simulation dt further and notes what changed on the timeline. */
static int advance_to(struct vs_tui *t, vs_time_ns dt, struct vs_error *err)
{
    bool was_done[VS_MAX_ENGINES];
    memcpy(was_done, t->engine_done, sizeof was_done);
    int rc = vs_stepper_advance(t->stepper, dt, err);
    if (rc != VS_OK) return rc;
    refresh(t);
    uint32_t n;
    const struct vs_step_change *c = vs_stepper_take_changes(t->stepper, &n);
    for (uint32_t i = 0; i < n; i++) add_event_for(t, (int)c[i].engine, c[i].at_ns, "%s", c[i].text);
    for (uint32_t k = 0; k < t->n_engines; k++)
        if (t->engine_done[k] && !was_done[k]) {
            char what[100];
            snprintf(what, sizeof what, "%.30s: finished its run", t->snaps[k].engine);
            add_event_for(t, (int)k, t->snaps[k].now_ns, "%s", what);
        }
    if (vs_stepper_done(t->stepper) && !t->finished) {
        t->finished = true;
        t->paused = true;
        add_event(t, vs_tui_clock(t), "%s", "run complete: press r to run again with a new seed");
    }
    return VS_OK;
}

/* Boots that nobody measures are skipped through quickly: when every
 * engine still running is booting (the others have finished, or all boot
 * at once), a tick goes this far, at most to the first end of boot. */
#define BOOT_SKIP_NS (10 * VS_NS_PER_S)

int vs_tui_tick(struct vs_tui *t, double wall_s, struct vs_error *err)
{
    vs_tui_density_poll(t); /* the Density panel's searches go on while paused */
    if (t->paused || t->finished) return VS_OK;
    double speed = vs_tui_speeds[t->speed];
    vs_time_ns dt = speed > 0 ? (vs_time_ns)(wall_s * speed * 1e9) : MAX_TICK_NS;
    if (dt > MAX_TICK_NS) dt = MAX_TICK_NS;
    if (dt <= 0) return VS_OK;
    bool measuring = false;
    vs_time_ns boot_left = -1;
    for (uint32_t k = 0; k < t->n_engines; k++) {
        if (t->engine_done[k]) continue;
        vs_time_ns left = t->boot_end_ns[k] - t->snaps[k].now_ns;
        if (left <= 0) measuring = true;
        else if (boot_left < 0 || left < boot_left) boot_left = left;
    }
    t->fast_forward = !measuring && boot_left > dt;
    if (t->fast_forward) return advance_to(t, boot_left < BOOT_SKIP_NS ? boot_left : BOOT_SKIP_NS, err);
    /* A step at a time, so the sparklines have one column per step of
     * simulated time at every speed. */
    while (dt > 0 && !t->finished) {
        vs_time_ns step = dt < STEP_NS ? dt : STEP_NS;
        int rc = advance_to(t, step, err);
        if (rc != VS_OK) return rc;
        dt -= step;
    }
    return VS_OK;
}

int vs_tui_step(struct vs_tui *t, struct vs_error *err)
{
    if (t->finished) return VS_OK;
    return advance_to(t, STEP_NS, err);
}

/* ---- guest table ---- */

static const struct vs_tui *sort_ctx;

static double col_value(const struct vs_guest_result *g, enum vs_tui_col c)
{
    switch (c) {
    case VS_COL_CPU: return vs_guest_cpu_ns(g);
    case VS_COL_OPS: return g->throughput_per_s;
    case VS_COL_P50: return (double)g->latency.p50_ns;
    case VS_COL_P99: return (double)g->latency.p99_ns;
    case VS_COL_MEMORY: return vs_mem_parts_total(&g->memory);
    case VS_COL_EXITS: return g->events[VS_EVT_VMEXIT] + g->events[VS_EVT_HYPERCALL];
    case VS_COL_STATE: return g->state;
    case VS_COL_HOST: return 0; /* compared by name */
    default: return 0;
    }
}

static int compare_rows(const void *a, const void *b)
{
    const struct vs_tui *t = sort_ctx;
    const struct vs_guest_result *ga = &t->snaps[t->engine].instances[*(const int *)a];
    const struct vs_guest_result *gb = &t->snaps[t->engine].instances[*(const int *)b];
    int d;
    if (t->sort_col == VS_COL_NAME || t->sort_col == VS_COL_ENGINE) {
        d = strcmp(ga->name, gb->name);
    } else if (t->sort_col == VS_COL_HOST) {
        d = strcmp(ga->host, gb->host);
    } else {
        double va = col_value(ga, t->sort_col), vb = col_value(gb, t->sort_col);
        d = va < vb ? -1 : va > vb ? 1 : 0;
    }
    if (t->sort_desc) d = -d;
    /* Ties keep the instances' own order, so the table never jitters. */
    return d ? d : *(const int *)a - *(const int *)b;
}

int vs_tui_guest_rows(const struct vs_tui *t, int *idx, int max)
{
    if (t->n_engines == 0) return 0;
    const struct vs_run_result *r = &t->snaps[t->engine];
    int n = 0;
    for (uint32_t i = 0; i < r->n_instances && n < max; i++)
        if (!t->filter[0] || strstr(r->instances[i].name, t->filter)) idx[n++] = (int)i;
    sort_ctx = t;
    qsort(idx, (size_t)n, sizeof *idx, compare_rows);
    return n;
}

static const char *const col_names[VS_COL_COUNT] = {"guest", "host", "engine", "state",  "cpu%",
                                                    "ops/s", "p50",  "p99",    "memory", "exits+hc/s"};

const char *vs_tui_col_name(enum vs_tui_col c) { return c < VS_COL_COUNT ? col_names[c] : "?"; }

/* ---- host meters ---- */

uint32_t vs_tui_hosts(const struct vs_tui *t)
{
    return t->n_engines && t->snaps[0].n_hosts > 1 ? t->snaps[0].n_hosts : 1;
}

void vs_tui_select_host(struct vs_tui *t, int host)
{
    int n = (int)vs_tui_hosts(t);
    t->host = n < 2 || host < 0 ? -1 : host >= n ? n - 1 : host;
}

const struct vs_host_result *vs_tui_meter_host(const struct vs_tui *t)
{
    const struct vs_run_result *r = &t->snaps[t->engine];
    if (t->host < 0 || (uint32_t)t->host >= r->n_hosts || r->n_hosts < 2) return &r->host;
    return &r->hosts[t->host];
}

/* m / M: all hosts, then each host in order, and round again. */
static void cycle_host(struct vs_tui *t, int step)
{
    int n = (int)vs_tui_hosts(t);
    if (n < 2) {
        snprintf(t->status, sizeof t->status, "%s", "one host: the meters already show it");
        return;
    }
    /* Positions 0..n: 0 is all hosts, k is host k-1. */
    int pos = (t->host + 1 + step + n + 1) % (n + 1);
    vs_tui_select_host(t, pos - 1);
}

/* ---- keys ---- */

/* Up/Down and PgUp/PgDn in the Timeline: scrolling stops following the
 * newest entries; End (or scrolling past the last) follows again. */
static void scroll_timeline(struct vs_tui *t, int by)
{
    int rows = t->timeline_rows > 0 ? t->timeline_rows : 1;
    int top = t->timeline_top < 0 ? vs_tui_timeline_first(t, rows) : t->timeline_top;
    top += by;
    if (top < 0) top = 0;
    if (top + rows >= t->timeline_len && by > 0) top = -1;
    t->timeline_top = top;
}

static int n_rows(const struct vs_tui *t)
{
    int idx[VS_MAX_GUESTS];
    return vs_tui_guest_rows(t, idx, VS_MAX_GUESTS);
}

static void clamp_selection(struct vs_tui *t)
{
    if (t->engine >= (int)t->n_engines) t->engine = (int)t->n_engines - 1;
    if (t->engine < 0) t->engine = 0;
    int rows = n_rows(t);
    if (t->row >= rows) t->row = rows - 1;
    if (t->row < 0) t->row = 0;
    vs_tui_select_host(t, t->host);
    /* The Density panel searches only once it has been opened. */
    if (t->panel == VS_TUI_DENSITY && t->density && !t->density->active) {
        t->density->active = true;
        vs_tui_density_poll(t);
    }
}

/* Adds (+1) or removes (-1) one instance of the selected guest's group, and
 * restarts the run with the changed scenario. */
static void change_guests(struct vs_tui *t, int delta)
{
    int idx[VS_MAX_GUESTS];
    int n = vs_tui_guest_rows(t, idx, VS_MAX_GUESTS);
    if (n == 0) return;
    /* A copy: rebuilding frees the snapshot the name lives in. */
    char group[VS_NAME_MAX];
    snprintf(group, sizeof group, "%s", t->snaps[t->engine].instances[idx[t->row]].group);
    for (uint32_t g = 0; g < t->sc.n_guests; g++) {
        struct vs_guest_spec *gs = &t->sc.guests[g];
        if (strcmp(gs->name, group) != 0) continue;
        uint32_t total = 0;
        for (uint32_t k = 0; k < t->sc.n_guests; k++) total += t->sc.guests[k].count;
        if (delta > 0 && total >= VS_MAX_GUESTS) {
            snprintf(t->status, sizeof t->status, "at most %d guests", VS_MAX_GUESTS);
            return;
        }
        if (delta < 0 && gs->count <= 1) {
            snprintf(t->status, sizeof t->status, "%.40s has one guest left; it stays", group);
            return;
        }
        gs->count = (uint32_t)((int)gs->count + delta);
        struct vs_error err;
        if (build(t, &err) != VS_OK) {
            snprintf(t->status, sizeof t->status, "%.150s", err.message);
            return;
        }
        char what[100];
        snprintf(what, sizeof what, "%s %.40s: now %u", delta > 0 ? "added a guest to" : "removed a guest from",
                 group, gs->count);
        add_event(t, 0, "%s", what);
        snprintf(t->status, sizeof t->status, "%s (run restarted)", what);
        return;
    }
}

int vs_tui_export(const struct vs_tui *t, const char *path, struct vs_error *err)
{
    struct vs_results r;
    memset(&r, 0, sizeof r);
    snprintf(r.scenario, sizeof r.scenario, "%s", t->sc.name);
    snprintf(r.description, sizeof r.description, "%s", t->sc.description);
    r.seed = t->seed;
    r.duration_ns = t->sc.duration_ns;
    r.warmup_ns = t->sc.warmup_ns;
    /* The snapshots stay owned by the model: the results only borrow them. */
    r.runs = (struct vs_run_result *)t->snaps;
    r.n_runs = t->n_engines;
    size_t len = strlen(path);
    enum vs_report_format fmt = VS_REPORT_TABLE;
    if (len > 5 && strcmp(path + len - 5, ".json") == 0) fmt = VS_REPORT_JSON;
    else if (len > 4 && strcmp(path + len - 4, ".csv") == 0) fmt = VS_REPORT_CSV;
    struct vs_output out;
    int rc = vs_output_open(path, &out, err);
    if (rc != VS_OK) return rc;
    rc = vs_report_write(out.file, &r, fmt, err);
    if (rc != VS_OK) {
        vs_output_abort(&out);
        return rc;
    }
    return vs_output_commit(&out, err);
}

/* The group of the selected guest row, or -1. */
static int selected_group(const struct vs_tui *t)
{
    int idx[VS_MAX_GUESTS];
    int n = vs_tui_guest_rows(t, idx, VS_MAX_GUESTS);
    if (n == 0) return -1;
    const char *group = t->snaps[t->engine].instances[idx[t->row]].group;
    for (uint32_t g = 0; g < t->sc.n_guests; g++)
        if (strcmp(t->sc.guests[g].name, group) == 0) return (int)g;
    return -1;
}

static int rebuild_with(struct vs_tui *t, const char *what)
{
    struct vs_error err;
    if (build(t, &err) != VS_OK) {
        snprintf(t->status, sizeof t->status, "%.150s", err.message);
        return VS_ERR_INPUT;
    }
    add_event(t, 0, "%s", what);
    snprintf(t->status, sizeof t->status, "%.130s (run restarted)", what);
    return VS_OK;
}

int vs_tui_scale_load(struct vs_tui *t, double factor)
{
    int g = selected_group(t);
    if (g < 0) return VS_ERR_INPUT;
    struct vs_guest_spec *gs = &t->sc.guests[g];
    struct vs_load_spec *l = &gs->workload.load;
    char what[120];
    if (l->kind == VS_LOAD_OPEN) {
        l->rate_per_s *= factor;
        snprintf(what, sizeof what, "%.40s: load %.0f requests/s", gs->name, l->rate_per_s);
    } else {
        uint32_t c = l->clients ? l->clients : gs->vcpus;
        c = factor > 1 ? c + 1 : c > 1 ? c - 1 : 1;
        l->clients = c;
        snprintf(what, sizeof what, "%.40s: %u clients", gs->name, c);
    }
    return rebuild_with(t, what);
}

int vs_tui_next_workload(struct vs_tui *t)
{
    int g = selected_group(t);
    if (g < 0) return VS_ERR_INPUT;
    struct vs_guest_spec *gs = &t->sc.guests[g];
    /* The next built-in workload after the group's current one. */
    const struct vs_builtin *first = NULL, *next = NULL;
    bool seen = false;
    for (size_t i = 0; i < vs_builtin_count(); i++) {
        const struct vs_builtin *b = vs_builtin_at(i);
        if (b->kind != VS_BUILTIN_WORKLOAD) continue;
        if (!first) first = b;
        if (seen && !next) next = b;
        if (strcmp(b->name, gs->workload.name) == 0) seen = true;
    }
    if (!next) next = first;
    struct vs_error err;
    struct vs_workload w;
    if (!next || vs_config_resolve_workload(next->name, NULL, &w, &err) != VS_OK) return VS_ERR_INPUT;
    struct vs_workload old = gs->workload;
    gs->workload = w;
    char what[120];
    snprintf(what, sizeof what, "%.40s now runs %.40s", gs->name, w.name);
    if (rebuild_with(t, what) != VS_OK) {
        char why[160];
        snprintf(why, sizeof why, "%s", t->status);
        gs->workload = old;
        build(t, &err);
        snprintf(t->status, sizeof t->status, "%.150s", why);
        return VS_ERR_INPUT;
    }
    return VS_OK;
}

int vs_tui_next_engine(struct vs_tui *t)
{
    /* Every preset, in registry order; the selected engine takes the next one. */
    const char *names[128];
    int n = 0;
    for (size_t i = 0; i < vs_engine_count(); i++)
        for (size_t p = 0; p < vs_engine_at(i)->n_presets && n < 128; p++)
            names[n++] = vs_engine_at(i)->presets[p].name;
    char *cur = t->sc.engines[t->engine];
    int at = 0;
    while (at < n && strcmp(names[at], cur) != 0) at++;
    for (int step = 1; step <= n; step++) {
        const char *next = names[(at + step) % n];
        bool used = false;
        for (uint32_t k = 0; k < t->sc.n_engines; k++)
            if (strcmp(t->sc.engines[k], next) == 0) used = true;
        if (used) continue;
        char what[120];
        snprintf(what, sizeof what, "engine %.30s replaced by %.30s", cur, next);
        snprintf(cur, VS_NAME_MAX, "%s", next);
        return rebuild_with(t, what);
    }
    return VS_ERR_INPUT;
}

int vs_tui_next_host(struct vs_tui *t)
{
    const struct vs_builtin *first = NULL, *next = NULL;
    bool seen = false;
    for (size_t i = 0; i < vs_builtin_count(); i++) {
        const struct vs_builtin *b = vs_builtin_at(i);
        if (b->kind != VS_BUILTIN_HOST) continue;
        if (!first) first = b;
        if (seen && !next) next = b;
        if (strcmp(b->name, t->sc.hosts[0].spec.name) == 0) seen = true;
    }
    if (!next) next = first;
    if (!next) return VS_ERR_INPUT;
    struct vs_error err;
    struct vs_host_spec h;
    if (vs_config_resolve_host(next->name, NULL, &h, &err) != VS_OK) {
        snprintf(t->status, sizeof t->status, "%.150s", err.message);
        return VS_ERR_INPUT;
    }
    struct vs_host_spec old = t->sc.hosts[0].spec;
    t->sc.hosts[0].spec = h;
    char what[120];
    snprintf(what, sizeof what, "host profile %.40s", h.name);
    if (rebuild_with(t, what) != VS_OK) {
        /* e.g. an HVM preset on a host without VT-x: keep the old host. */
        char why[160];
        snprintf(why, sizeof why, "%s", t->status);
        t->sc.hosts[0].spec = old;
        struct vs_error e2;
        build(t, &e2);
        snprintf(t->status, sizeof t->status, "%.150s", why);
        return VS_ERR_INPUT;
    }
    return VS_OK;
}

void vs_tui_select(struct vs_tui *t, int panel, int engine, int row)
{
    if (panel >= 0 && panel < VS_TUI_PANELS) t->panel = (enum vs_tui_panel)panel;
    if (engine >= 0) t->engine = engine;
    if (row >= 0) t->row = row;
    clamp_selection(t);
}

bool vs_tui_key(struct vs_tui *t, int key)
{
    if (t->exporting) {
        size_t len = strlen(t->export_path);
        if (key == VS_TUI_KEY_ESC) {
            t->exporting = false;
            snprintf(t->status, sizeof t->status, "export cancelled");
        } else if (key == VS_TUI_KEY_ENTER) {
            t->exporting = false;
            struct vs_error err;
            vs_error_clear(&err);
            if (len == 0)
                snprintf(t->status, sizeof t->status, "export cancelled: no file name");
            else if ((t->panel == VS_TUI_DENSITY ? vs_tui_density_export(t, t->export_path, &err)
                                                 : vs_tui_export(t, t->export_path, &err)) == VS_OK)
                snprintf(t->status, sizeof t->status, "wrote %.140s", t->export_path);
            else
                snprintf(t->status, sizeof t->status, "could not write %.50s: %.80s", t->export_path,
                         err.message[0] ? err.message : "unknown error");
        } else if ((key == 127 || key == 8) && len > 0) {
            t->export_path[len - 1] = '\0';
            t->export_fresh = false;
        } else if (key >= 32 && key < 127) {
            /* The suggested name is replaced by what is typed, not appended to. */
            if (t->export_fresh) t->export_path[0] = '\0';
            t->export_fresh = false;
            len = strlen(t->export_path);
            if (len + 1 < sizeof t->export_path) {
                t->export_path[len] = (char)key;
                t->export_path[len + 1] = '\0';
            }
        }
        return true;
    }
    if (t->filtering) {
        size_t len = strlen(t->filter);
        if (key == VS_TUI_KEY_ENTER || key == VS_TUI_KEY_ESC) {
            t->filtering = false;
            if (key == VS_TUI_KEY_ESC) t->filter[0] = '\0';
        } else if ((key == 127 || key == 8) && len > 0) {
            t->filter[len - 1] = '\0';
        } else if (key >= 32 && key < 127 && len + 1 < sizeof t->filter) {
            t->filter[len] = (char)key;
            t->filter[len + 1] = '\0';
        }
        t->row = 0;
        clamp_selection(t);
        return true;
    }
    /* The Density panel's own keys (w H [ ] ... mean its settings there). */
    if (t->panel == VS_TUI_DENSITY && !t->help && !t->trace && !t->security && vs_tui_density_key(t, key)) return true;
    if (t->help || t->trace || t->security) {
        /* Any key closes the help, the trace or the security box; q still quits. */
        t->help = false;
        t->security = false;
        free(t->trace);
        t->trace = NULL;
        if (key == 'q') t->quit = true;
        return true;
    }
    struct vs_error err;
    switch (key) {
    case 'q': t->quit = true; break;
    case '?': case VS_TUI_KEY_F1: t->help = true; break;
    case 't':
        if (t->panel != VS_TUI_GUESTS && t->panel != VS_TUI_DETAIL)
            snprintf(t->status, sizeof t->status, "t: select a guest (Guests or Detail) to trace");
        else if (vs_tui_open_trace(t, &err) != VS_OK)
            snprintf(t->status, sizeof t->status, "%.150s", err.message);
        break;
    case 'i':
        if (t->n_engines && vs_security_for(t->snaps[t->engine].approach)) t->security = true;
        else snprintf(t->status, sizeof t->status, "i: no security notes for this approach");
        break;
    case ' ': case 'p':
        t->paused = !t->paused;
        snprintf(t->status, sizeof t->status, "%s", t->paused ? "paused" : "running");
        break;
    case 's':
        if (vs_tui_step(t, &err) != VS_OK) snprintf(t->status, sizeof t->status, "%.150s", err.message);
        break;
    case '+': case '=':
        if (t->speed < vs_tui_n_speeds - 1) t->speed++;
        break;
    case '-':
        if (t->speed > 0) t->speed--;
        break;
    case 'r':
        /* The next seed: a new run that is easy to name again (--seed N). */
        t->seed++;
        if (build(t, &err) != VS_OK) snprintf(t->status, sizeof t->status, "%.150s", err.message);
        else snprintf(t->status, sizeof t->status, "restarted with seed %llu", (unsigned long long)t->seed);
        t->paused = false;
        break;
    case VS_TUI_KEY_TAB:
        t->panel = t->panel == VS_TUI_COMPARE                                  ? VS_TUI_GUESTS
                 : t->panel == VS_TUI_GUESTS || t->panel == VS_TUI_DETAIL ? VS_TUI_GROUP
                 : t->panel == VS_TUI_GROUP                                    ? VS_TUI_TIMELINE
                 : t->panel == VS_TUI_TIMELINE                                 ? VS_TUI_DENSITY
                                                                               : VS_TUI_COMPARE;
        break;
    case VS_TUI_KEY_BTAB:
        t->panel = t->panel == VS_TUI_COMPARE  ? VS_TUI_DENSITY
                 : t->panel == VS_TUI_DENSITY  ? VS_TUI_TIMELINE
                 : t->panel == VS_TUI_TIMELINE ? VS_TUI_GROUP
                 : t->panel == VS_TUI_GROUP    ? VS_TUI_GUESTS
                                               : VS_TUI_COMPARE;
        break;
    case VS_TUI_KEY_UP: case 'k':
        if (t->panel == VS_TUI_TIMELINE) scroll_timeline(t, -1);
        else if (t->panel == VS_TUI_COMPARE || t->panel == VS_TUI_GROUP) t->engine--;
        else t->row--;
        break;
    case VS_TUI_KEY_DOWN: case 'j':
        if (t->panel == VS_TUI_TIMELINE) scroll_timeline(t, +1);
        else if (t->panel == VS_TUI_COMPARE || t->panel == VS_TUI_GROUP) t->engine++;
        else t->row++;
        break;
    case VS_TUI_KEY_PGUP: scroll_timeline(t, -10); break;
    case VS_TUI_KEY_PGDN: scroll_timeline(t, +10); break;
    case VS_TUI_KEY_END: t->timeline_top = -1; break;
    case VS_TUI_KEY_LEFT: case 'h':
        t->engine--;
        break;
    case VS_TUI_KEY_RIGHT: case 'l':
        t->engine++;
        break;
    case VS_TUI_KEY_ENTER:
        t->panel = t->panel == VS_TUI_COMPARE ? VS_TUI_GUESTS
                 : t->panel == VS_TUI_GUESTS || t->panel == VS_TUI_DETAIL ? VS_TUI_DETAIL
                                                                           : t->panel;
        break;
    case VS_TUI_KEY_ESC:
        t->panel = t->panel == VS_TUI_DETAIL ? VS_TUI_GUESTS : VS_TUI_COMPARE;
        break;
    case 'o':
        t->sort_col = (enum vs_tui_col)((t->sort_col + 1) % VS_COL_COUNT);
        /* Every row has the same engine; one host: no host column. */
        if (t->sort_col == VS_COL_HOST && vs_tui_hosts(t) < 2) t->sort_col = VS_COL_ENGINE;
        if (t->sort_col == VS_COL_ENGINE) t->sort_col = VS_COL_STATE;
        break;
    case 'O':
        t->sort_desc = !t->sort_desc;
        break;
    case '/':
        t->filtering = true;
        t->filter[0] = '\0';
        break;
    case 'e':
        t->exporting = true;
        t->export_fresh = true;
        if (t->panel == VS_TUI_DENSITY)
            snprintf(t->export_path, sizeof t->export_path, "virtsim-density-%.60s.json", t->density->set.workload);
        else
            snprintf(t->export_path, sizeof t->export_path, "virtsim-%.60s.json", t->sc.name);
        break;
    case ']': vs_tui_scale_load(t, 1.25); break;
    case '[': vs_tui_scale_load(t, 0.8); break;
    case 'c': vs_tui_next_engine(t); break;
    case 'w': vs_tui_next_workload(t); break;
    case 'H': vs_tui_next_host(t); break;
    case 'g':
    case 'G':
        if (t->scores.n_groups > 0) {
            int n = (int)t->scores.n_groups;
            t->score_group = (t->score_group + (key == 'g' ? 1 : n - 1)) % n;
        }
        break;
    case 'm': cycle_host(t, +1); break;
    case 'M': cycle_host(t, -1); break;
    case 'a': change_guests(t, +1); break;
    case 'd': change_guests(t, -1); break;
    default: return false;
    }
    clamp_selection(t);
    return true;
}

/* ---- formatting ---- */

void vs_tui_format_rate(double per_s, char *buf, size_t len)
{
    if (!(per_s >= 0) || isinf(per_s)) snprintf(buf, len, "-");
    else if (per_s >= 1e6) snprintf(buf, len, "%.1fM", per_s / 1e6);
    else if (per_s >= 1e4) snprintf(buf, len, "%.0fk", per_s / 1e3);
    else if (per_s >= 1e3) snprintf(buf, len, "%.1fk", per_s / 1e3);
    else if (per_s >= 10) snprintf(buf, len, "%.0f", per_s);
    else snprintf(buf, len, "%.1f", per_s);
}

void vs_tui_bar_cells(const double ns[VS_CAT_COUNT], int width, int cells[VS_CAT_COUNT])
{
    double total = 0;
    for (int c = 0; c < VS_CAT_COUNT; c++) total += ns[c] > 0 ? ns[c] : 0;
    int used = 0;
    double rem[VS_CAT_COUNT];
    for (int c = 0; c < VS_CAT_COUNT; c++) {
        double exact = total > 0 && ns[c] > 0 ? ns[c] / total * width : 0;
        cells[c] = (int)exact;
        rem[c] = exact - cells[c];
        used += cells[c];
    }
    /* Largest remainders get the leftover cells; ties go to the lower category. */
    while (total > 0 && used < width) {
        int best = -1;
        for (int c = 0; c < VS_CAT_COUNT; c++)
            if (ns[c] > 0 && (best < 0 || rem[c] > rem[best])) best = c;
        if (best < 0) break;
        cells[best]++;
        rem[best] = -1;
        used++;
    }
}

void vs_tui_spark_levels(const double *v, int n, int *levels)
{
    double max = 0;
    for (int i = 0; i < n; i++)
        if (v[i] > max) max = v[i];
    for (int i = 0; i < n; i++) {
        int l = max > 0 ? (int)floor(v[i] / max * 7.0 + 0.5) : 0;
        levels[i] = l < 0 ? 0 : l > 7 ? 7 : l;
    }
}

void vs_tui_spark_span(const double *v, int n, int *levels)
{
    double lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < n; i++) {
        if (isnan(v[i])) continue;
        if (v[i] < lo) lo = v[i];
        if (v[i] > hi) hi = v[i];
    }
    for (int i = 0; i < n; i++) {
        if (isnan(v[i])) levels[i] = 0;
        else if (!(hi > lo)) levels[i] = 3;
        else levels[i] = (int)floor((v[i] - lo) / (hi - lo) * 7.0 + 0.5);
    }
}

bool vs_tui_migration_line(const struct vs_tui *t, char *buf, size_t len)
{
    const struct vs_run_result *r = &t->snaps[t->engine];
    for (uint32_t k = 0; k < r->n_migrations; k++) {
        const struct vs_migration_record *m = &r->migrations[k];
        if (m->done) continue;
        char a[32], b[32], c[32];
        snprintf(buf, len, "%s: migrating %s %s -> %s: %s %u, %s to send; dirtying %s/s, stream %s", r->engine,
                 m->guest, m->from, m->to, m->phase, m->rounds + 1,
                 vs_units_format_bytes(m->round_bytes, a, sizeof a),
                 vs_units_format_bytes(m->dirty_bytes_per_s, b, sizeof b),
                 vs_units_format_bitrate(m->stream_bits_per_s, c, sizeof c));
        return true;
    }
    return false;
}

/* ---- progress, header, status ---- */

void vs_tui_engine_progress(const struct vs_tui *t, int engine, struct vs_tui_progress *p)
{
    const struct vs_run_result *r = &t->snaps[engine];
    vs_time_ns boot = t->boot_end_ns[engine], end = boot + t->sc.duration_ns;
    if (t->engine_done[engine]) {
        *p = (struct vs_tui_progress){VS_TUI_FINISHED, 1.0, 0};
    } else if (r->now_ns < boot) {
        *p = (struct vs_tui_progress){VS_TUI_BOOTING, (double)r->now_ns / (double)boot, boot - r->now_ns};
    } else {
        double f = t->sc.duration_ns > 0 ? (double)(r->now_ns - boot) / (double)t->sc.duration_ns : 1.0;
        *p = (struct vs_tui_progress){VS_TUI_MEASURING, f > 1 ? 1 : f, end > r->now_ns ? end - r->now_ns : 0};
    }
}

/* Seconds in at most 4 characters: "93s", "143s", "2.4h". */
static void short_secs(vs_time_ns ns, char *buf, size_t len)
{
    double s = (double)ns / 1e9;
    if (s < 9.95) snprintf(buf, len, "%.1fs", s);
    else if (s < 999.5) snprintf(buf, len, "%.0fs", s);
    else if (s < 59.5 * 60) snprintf(buf, len, "%.0fm", s / 60);
    else snprintf(buf, len, "%.1fh", s / 3600);
}

void vs_tui_engine_state(const struct vs_tui *t, int engine, char *buf, size_t len)
{
    struct vs_tui_progress p;
    vs_tui_engine_progress(t, engine, &p);
    char left[16];
    short_secs(p.left_ns, left, sizeof left);
    if (p.phase == VS_TUI_FINISHED) snprintf(buf, len, "finished");
    else if (p.phase == VS_TUI_BOOTING) snprintf(buf, len, "boot %d%% %s", (int)(100 * p.fraction), left);
    else if (t->snaps[engine].now_ns < t->boot_end_ns[engine] + t->sc.warmup_ns)
        snprintf(buf, len, "warm-up %d%%", (int)(100 * p.fraction)); /* figures start after it */
    else snprintf(buf, len, "run %d%%", (int)(100 * p.fraction));
}

vs_time_ns vs_tui_clock(const struct vs_tui *t)
{
    vs_time_ns now = 0;
    for (uint32_t k = 0; k < t->n_engines; k++)
        if (t->snaps[k].now_ns > now) now = t->snaps[k].now_ns;
    return now;
}

const char *vs_tui_guest_state(const struct vs_tui *t, int engine, const struct vs_guest_result *g)
{
    if (engine >= 0 && engine < (int)t->n_engines && t->engine_done[engine] && g->state == VS_GUEST_RUNNING)
        return "finished";
    return vs_guest_state_name(g->state);
}

vs_time_ns vs_tui_end(const struct vs_tui *t)
{
    vs_time_ns end = t->sc.duration_ns;
    for (uint32_t k = 0; k < t->n_engines; k++)
        if (t->boot_end_ns[k] + t->sc.duration_ns > end) end = t->boot_end_ns[k] + t->sc.duration_ns;
    return end;
}

void vs_tui_header(const struct vs_tui *t, int cols, char *buf, size_t len)
{
    char now[32], end[32], sp[16], tail[160];
    double speed = vs_tui_speeds[t->speed];
    if (speed > 0) snprintf(sp, sizeof sp, "%gx", speed);
    else snprintf(sp, sizeof sp, "max");
    const char *state = t->finished ? "FINISHED" : t->paused ? "PAUSED" : t->fast_forward ? "BOOTING (fast)" : "RUNNING";
    snprintf(tail, sizeof tail, "seed %llu   t = %s of %s   speed %s   %s", (unsigned long long)t->seed,
             vs_tui_clock(t) > 0 ? vs_units_format_time((double)vs_tui_clock(t), now, sizeof now) : "0 s",
             vs_units_format_time((double)vs_tui_end(t), end, sizeof end), sp, state);
    int room = cols - 1 - (int)strlen(tail);
    const char *name = t->sc.name;
    int name_len = (int)strlen(name);
    if (room >= 9 + name_len + 2) snprintf(buf, len, "virtsim  %s  %s", name, tail);
    else if (room >= name_len + 2) snprintf(buf, len, "%s  %s", name, tail);
    else if (room >= 6) snprintf(buf, len, "%.*s~  %s", room - 3, name, tail);
    else snprintf(buf, len, "%s", tail);
}

void vs_tui_status_line(const struct vs_tui *t, char *buf, size_t len)
{
    if (t->exporting) {
        snprintf(buf, len, "export to (Enter writes, Esc cancels): %s_", t->export_path);
        return;
    }
    char msg[220];
    if (!t->n_engines || !vs_tui_migration_line(t, msg, sizeof msg)) snprintf(msg, sizeof msg, "%s", t->status);
    if (t->filtering)
        snprintf(buf, len, "filter: %s_  (Enter keeps, Esc clears)", t->filter);
    else if (t->filter[0])
        snprintf(buf, len, "filter: %s%s%s", t->filter, msg[0] ? "   " : "", msg);
    else
        snprintf(buf, len, "%s", msg);
}

/* ---- CPU per operation ---- */

bool vs_tui_cost_per_op(const struct vs_tui *t, int engine, int group, double ns[VS_CAT_COUNT])
{
    memset(ns, 0, VS_CAT_COUNT * sizeof ns[0]);
    if (engine < 0 || engine >= (int)t->n_engines) return false;
    const struct vs_run_result *r = &t->snaps[engine];
    if (group < 0 || group >= (int)r->n_groups) return false;
    const struct vs_guest_result *g = &r->groups[group];
    if (g->state == VS_GUEST_BOOTING || g->completed == 0 || r->window_ns <= 0) return false;
    for (int c = 0; c < VS_CAT_COUNT; c++)
        if (c != VS_CAT_IDLE) ns[c] = g->cpu_ns[c] / (double)g->completed;
    return true;
}

double vs_tui_cost_scale(const struct vs_tui *t, int group)
{
    double scale = 0, base = 0;
    for (uint32_t k = 0; k < t->n_engines; k++) {
        double ns[VS_CAT_COUNT], total = 0;
        if (!vs_tui_cost_per_op(t, (int)k, group, ns)) continue;
        for (int c = 0; c < VS_CAT_COUNT; c++) total += ns[c];
        if (total > scale) scale = total;
        if (k == t->scores.baseline) base = total;
    }
    /* An emulator ten times native's cost would flatten every other bar
     * and hide the exits and hypercalls the bars are for: the scale stops
     * at VS_TUI_SCALE_CAP times native's, and longer bars are shrunk. */
    if (base > 0 && scale > VS_TUI_SCALE_CAP * base) scale = VS_TUI_SCALE_CAP * base;
    return scale;
}

void vs_tui_scaled_cells(const double ns[VS_CAT_COUNT], double scale, int width, int cells[VS_CAT_COUNT])
{
    double total = 0;
    for (int c = 0; c < VS_CAT_COUNT; c++) {
        cells[c] = 0;
        if (c != VS_CAT_IDLE && ns[c] > 0) total += ns[c];
    }
    if (!(scale > 0) || !(total > 0) || width <= 0) return;
    int length = (int)floor(total / scale * width + 0.5);
    if (length > width) length = width;
    if (length < 1) length = 1;
    double part[VS_CAT_COUNT] = {0};
    for (int c = 0; c < VS_CAT_COUNT; c++)
        if (c != VS_CAT_IDLE && ns[c] > 0) part[c] = ns[c];
    vs_tui_bar_cells(part, length, cells);
    /* A visible overhead: a category of at least 1 % of the scale that
     * rounded to nothing takes a cell from the largest category. */
    for (int c = 0; c < VS_CAT_COUNT; c++) {
        if (cells[c] > 0 || part[c] < 0.01 * scale) continue;
        int big = 0;
        for (int d = 1; d < VS_CAT_COUNT; d++)
            if (cells[d] > cells[big]) big = d;
        if (cells[big] < 2) break;
        cells[big]--;
        cells[c]++;
    }
}

const struct vs_tui_history *vs_tui_history(const struct vs_tui *t, int engine, int group)
{
    if (!t->hist || engine < 0 || engine >= (int)t->n_engines || group < 0 || group >= VS_TUI_GROUPS) return NULL;
    return &t->hist[engine * VS_TUI_GROUPS + group];
}

void vs_tui_mark_columns(const struct vs_tui *t, int engine, const struct vs_tui_history *h, int width, char *row)
{
    for (int i = 0; i < width; i++) row[i] = ' ';
    row[width > 0 ? width : 0] = '\0';
    if (!h || width <= 0) return;
    int first = h->n > width ? h->n - width : 0;
    for (int e = 0; e < t->timeline_len; e++) {
        const struct vs_tui_event *ev = &t->timeline[e];
        if (ev->run != t->run || (ev->engine != engine && ev->engine != -1)) continue;
        for (int i = first; i < h->n; i++) {
            vs_time_ns from = i > 0 ? h->at_ns[i - 1] : h->at_ns[i] - STEP_NS;
            if (ev->at_ns > from && ev->at_ns <= h->at_ns[i]) row[i - first] = '^';
        }
    }
}

int vs_tui_timeline_first(const struct vs_tui *t, int rows)
{
    int last_first = t->timeline_len > rows ? t->timeline_len - rows : 0;
    if (t->timeline_top < 0 || t->timeline_top > last_first) return last_first;
    return t->timeline_top;
}

/* ---- colours ---- */

static double dist2(double r, double g, double b, struct vs_rgb c)
{
    return (r - c.r) * (r - c.r) + (g - c.g) * (g - c.g) + (b - c.b) * (b - c.b);
}

int vs_tui_nearest_colour(struct vs_rgb c, int colours)
{
    int best = 0;
    double best_d = INFINITY;
    if (colours < 256) {
        /* curses' order: black red green yellow blue magenta cyan white. */
        for (int i = 0; i < 8; i++) {
            double d = dist2(i & 1 ? 0.8 : 0, i & 2 ? 0.8 : 0, i & 4 ? 0.8 : 0, c);
            if (d < best_d) best_d = d, best = i;
        }
        return best;
    }
    static const double level[6] = {0, 95 / 255.0, 135 / 255.0, 175 / 255.0, 215 / 255.0, 1};
    for (int i = 0; i < 216; i++) {
        double d = dist2(level[i / 36], level[i / 6 % 6], level[i % 6], c);
        if (d < best_d) best_d = d, best = 16 + i;
    }
    for (int i = 0; i < 24; i++) {
        double v = (8 + 10 * i) / 255.0;
        double d = dist2(v, v, v, c);
        if (d < best_d) best_d = d, best = 232 + i;
    }
    return best;
}

bool vs_tui_dark_text(struct vs_rgb c) { return 0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b > 0.4; }

void vs_tui_format_latency(int64_t ns, uint64_t count, char *buf, size_t len)
{
    if (count == 0) snprintf(buf, len, "-");
    else vs_units_format_time((double)ns, buf, len);
}

/* ---- help ---- */

static const char *const help_keys[] = {
    "virtsim - keys (any key closes this)",
    "Tab Shift-Tab  panels: Compare, Guests, Group, Timeline, Density",
    "Up Down j k    an engine (Compare, Group), a guest, or scroll (Timeline)",
    "Left Right h l the engine whose guests are shown",
    "Enter Esc      guest detail / back",
    "space p  s     pause or run; one step (100 ms simulated)",
    "+ -  r         speed 1x 10x 100x max; restart with the next seed",
    "a d  [ ]       add / remove a guest like the selected one; its load -/+",
    "c w H          next engine preset / workload of the group / host profile",
    "               (a d [ ] c w H restart the run from zero)",
    "g G            the guest group the score, Group panel and trends are about",
    "e  t  i        export (.json .csv text); trace a guest's op; security box",
    "o O  /         sort guests by the next column / reverse; filter by name",
    "m M            host meters: all hosts, then each (several hosts)",
    "PgUp PgDn End  Timeline: scroll; End follows the newest",
    "Density panel  w W H; [ ] { } S SLA; x c approaches; P B V overcommit",
    "? F1  q        this help; quit.  Mouse: click tabs and rows",
};
static const char *const help_notes[] = {
    "",
    "Compare: each engine runs the same guests on an identical host, from its",
    "own end of boot for the scenario's duration. The bar: CPU per operation",
    "of the group, by category, one scale for all engines (letters: legend).",
};

int vs_tui_help_lines(int rows, const char **lines, int max)
{
    int n = 0;
    int keys = (int)(sizeof help_keys / sizeof help_keys[0]);
    int notes = (int)(sizeof help_notes / sizeof help_notes[0]);
    for (int i = 0; i < keys && n < max; i++) lines[n++] = help_keys[i];
    if (rows - 2 >= keys + notes)
        for (int i = 0; i < notes && n < max; i++) lines[n++] = help_notes[i];
    return n;
}

/* Adds `text` after `label`, wrapped at spaces to width columns, the
 * continuation lines indented as deep as the label. Returns the new count. */
static int wrap_into(const char *label, const char *text, int width, char lines[][VS_TUI_LINE_MAX], int n, int max)
{
    if (width > VS_TUI_LINE_MAX - 1) width = VS_TUI_LINE_MAX - 1;
    int indent = (int)strlen(label);
    int room = width - indent;
    if (room < 20) room = 20;
    const char *p = text;
    for (bool first = true; n < max; first = false) {
        int len = (int)strlen(p), take = len;
        if (len > room) {
            take = room;
            while (take > 0 && p[take] != ' ') take--;
            if (take == 0) take = room;
        }
        snprintf(lines[n++], VS_TUI_LINE_MAX, "%-*s%.*s", indent, first ? label : "", take, p);
        p += take;
        while (*p == ' ') p++;
        if (!*p) break;
    }
    return n;
}

int vs_tui_security_lines(const struct vs_tui *t, int width, char lines[][VS_TUI_LINE_MAX], int max)
{
    if (t->n_engines == 0) return 0;
    const struct vs_security_row *r = vs_security_for(t->snaps[t->engine].approach);
    if (!r) return 0;
    int n = 0;
    char head[VS_TUI_LINE_MAX];
    snprintf(head, sizeof head, "%s (%s): security isolation", t->snaps[t->engine].engine, r->approach);
    n = wrap_into("", head, width, lines, n, max);
    n = wrap_into("covers     ", r->systems, width, lines, n, max);
    n = wrap_into("reachable  ", r->interface, width, lines, n, max);
    n = wrap_into("size       ", r->interface_size, width, lines, n, max);
    n = wrap_into("  source   ", r->interface_source, width, lines, n, max);
    n = wrap_into("trusted    ", r->tcb, width, lines, n, max);
    n = wrap_into("size       ", r->tcb_size, width, lines, n, max);
    n = wrap_into("  source   ", r->tcb_source, width, lines, n, max);
    for (size_t e = 0; e < r->n_escapes; e++) {
        char label[VS_TUI_LINE_MAX];
        snprintf(label, sizeof label, "%s: %s", r->escapes[e].name, r->escapes[e].what);
        n = wrap_into("escape     ", label, width, lines, n, max);
        n = wrap_into("  source   ", r->escapes[e].source, width, lines, n, max);
    }
    return n;
}
