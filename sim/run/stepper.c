/* Stepping several engines' simulations side by side (see stepper.h): the
 * one place that defines "throughput now" and detects state changes, for
 * the terminal UI and the timeline chart alike. */
#include "virtsim/run/stepper.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "virtsim/run/sim.h"

#define MAX_CHANGES 256

struct engine_run {
    struct vs_sim *sim;
    uint64_t last_done;          /* completions at the last sample */
    vs_time_ns last_sample_ns;
    struct vs_step_sample *ring; /* `history` entries, oldest at ring_head */
    uint32_t ring_head, ring_len;
    struct vs_step_sample *view; /* the samples in order, rebuilt on demand */
    uint32_t events_seen;        /* timeline events already reported */
};

struct vs_stepper {
    uint32_t n;
    vs_time_ns period_ns;
    uint32_t history;
    struct engine_run e[VS_MAX_ENGINES];
    struct vs_run_result snaps[VS_MAX_ENGINES];
    struct vs_step_change changes[MAX_CHANGES];
    uint32_t n_changes;
    uint32_t taken;              /* changes already handed out */
};

static uint64_t completed(const struct vs_run_result *r)
{
    uint64_t done = 0;
    for (uint32_t g = 0; g < r->n_groups; g++) done += r->groups[g].completed_since_start;
    return done;
}

static void add_change(struct vs_stepper *st, uint32_t k, vs_time_ns at, const char *text)
{
    if (st->taken == st->n_changes) st->taken = st->n_changes = 0;
    if (st->n_changes == MAX_CHANGES) {
        /* Nobody took them: the oldest go, as on a scrolling log. */
        memmove(st->changes, st->changes + 1, (MAX_CHANGES - 1) * sizeof st->changes[0]);
        st->n_changes--;
        if (st->taken) st->taken--;
    }
    struct vs_step_change *c = &st->changes[st->n_changes++];
    c->engine = k;
    c->at_ns = at;
    snprintf(c->text, sizeof c->text, "%.110s", text);
}

static void push_sample(struct engine_run *e, uint32_t history, vs_time_ns at, double rate)
{
    uint32_t slot = (e->ring_head + e->ring_len) % history;
    if (e->ring_len == history)
        e->ring_head = (e->ring_head + 1) % history;
    else
        e->ring_len++;
    e->ring[slot] = (struct vs_step_sample){at, rate};
}

/* Compares a new snapshot with the previous one and records what changed. */
static void note_changes(struct vs_stepper *st, uint32_t k, const struct vs_run_result *before,
                         const struct vs_run_result *r)
{
    char text[160];
    struct engine_run *e = &st->e[k];
    for (uint32_t g = 0; g < r->n_groups && g < before->n_groups; g++) {
        enum vs_guest_state was = before->groups[g].state, now = r->groups[g].state;
        if (now == was) continue;
        snprintf(text, sizeof text, "%.30s: %.40s %.20s", r->engine, r->groups[g].name,
                 now == VS_GUEST_RUNNING    ? "booted"
                 : now == VS_GUEST_FINISHED ? "finished its batch"
                                            : vs_guest_state_name(now));
        add_change(st, k, r->now_ns, text);
    }
    for (uint32_t i = e->events_seen; i < r->n_applied; i++) {
        const struct vs_applied_event *a = &r->applied[i];
        snprintf(text, sizeof text, "%.30s: %s%.80s", r->engine, a->ok ? "" : "refused: ", a->text);
        /* Applied events count from the end of boot; changes are on the
         * simulation's own clock, like everything else on a timeline. */
        add_change(st, k, a->at_ns + vs_sim_booted(e->sim), text);
    }
    e->events_seen = r->n_applied;
}

int vs_stepper_create(const struct vs_scenario *sc, uint64_t seed, vs_time_ns sample_period_ns,
                      uint32_t history, struct vs_stepper **out, struct vs_error *err)
{
    *out = NULL;
    struct vs_stepper *st = calloc(1, sizeof *st);
    if (!st) return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    st->period_ns = sample_period_ns > 0 ? sample_period_ns : 1;
    st->history = history ? history : 1;
    int rc = VS_OK;
    for (uint32_t k = 0; k < sc->n_engines && rc == VS_OK; k++) {
        struct engine_run *e = &st->e[k];
        e->ring = calloc(st->history, sizeof *e->ring);
        e->view = calloc(st->history, sizeof *e->view);
        if (!e->ring || !e->view) {
            rc = vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
            break;
        }
        rc = vs_sim_create(sc, sc->engines[k], seed, &e->sim, err);
        if (rc == VS_OK) rc = vs_sim_snapshot(e->sim, &st->snaps[k], err);
        if (rc == VS_OK) st->n = k + 1;
    }
    if (rc != VS_OK) {
        st->n = sc->n_engines;
        vs_stepper_destroy(st);
        return rc;
    }
    *out = st;
    return VS_OK;
}

void vs_stepper_destroy(struct vs_stepper *st)
{
    if (!st) return;
    for (uint32_t k = 0; k < st->n; k++) {
        vs_sim_destroy(st->e[k].sim);
        free(st->e[k].ring);
        free(st->e[k].view);
        vs_run_result_free(&st->snaps[k]);
    }
    free(st);
}

int vs_stepper_advance(struct vs_stepper *st, vs_time_ns dt, struct vs_error *err)
{
    for (uint32_t k = 0; k < st->n; k++) {
        struct engine_run *e = &st->e[k];
        if (vs_sim_done(e->sim)) continue;
        int rc = vs_sim_advance(e->sim, vs_sim_now(e->sim) + dt, err);
        struct vs_run_result r;
        if (rc == VS_OK) rc = vs_sim_snapshot(e->sim, &r, err);
        if (rc != VS_OK) return rc;
        note_changes(st, k, &st->snaps[k], &r);
        vs_run_result_free(&st->snaps[k]);
        st->snaps[k] = r;
        vs_time_ns span = r.now_ns - e->last_sample_ns;
        if (span >= st->period_ns || (vs_sim_done(e->sim) && span > 0)) {
            uint64_t done = completed(&r);
            push_sample(e, st->history, r.now_ns, (double)(done - e->last_done) * 1e9 / (double)span);
            e->last_done = done;
            e->last_sample_ns = r.now_ns;
        }
    }
    return VS_OK;
}

uint32_t vs_stepper_engines(const struct vs_stepper *st) { return st->n; }

const struct vs_run_result *vs_stepper_snapshots(const struct vs_stepper *st) { return st->snaps; }

bool vs_stepper_engine_done(const struct vs_stepper *st, uint32_t engine)
{
    return engine < st->n && vs_sim_done(st->e[engine].sim);
}

bool vs_stepper_done(const struct vs_stepper *st)
{
    for (uint32_t k = 0; k < st->n; k++)
        if (!vs_sim_done(st->e[k].sim)) return false;
    return true;
}

vs_time_ns vs_stepper_boot_end(const struct vs_stepper *st, uint32_t engine)
{
    return engine < st->n ? vs_sim_booted(st->e[engine].sim) : 0;
}

const struct vs_step_sample *vs_stepper_samples(const struct vs_stepper *st, uint32_t engine,
                                                uint32_t *n)
{
    *n = 0;
    if (engine >= st->n) return NULL;
    const struct engine_run *e = &st->e[engine];
    for (uint32_t i = 0; i < e->ring_len; i++) e->view[i] = e->ring[(e->ring_head + i) % st->history];
    *n = e->ring_len;
    return e->view;
}

const struct vs_step_change *vs_stepper_take_changes(struct vs_stepper *st, uint32_t *n)
{
    *n = st->n_changes - st->taken;
    const struct vs_step_change *c = st->changes + st->taken;
    st->taken = st->n_changes;
    return c;
}

/* Per engine, each group's completions so far at each sample time, with
 * as many samples as the chart holds: when they run out, every other one
 * goes and the spacing doubles, so a long run (an emulator's boot) is
 * covered whole. */
struct tl_samples {
    vs_time_ns at[VS_TIMELINE_MAX_SAMPLES];
    uint64_t done[VS_TIMELINE_MAX_SAMPLES][VS_TIMELINE_MAX_GROUPS];
    uint32_t n;
    vs_time_ns spacing;
    bool ended;
};

static void tl_take(struct tl_samples *t, const struct vs_run_result *r, uint32_t groups)
{
    if (t->n == VS_TIMELINE_MAX_SAMPLES) {
        uint32_t m = 0;
        for (uint32_t i = 0; i < t->n; i += 2, m++) {
            t->at[m] = t->at[i];
            memcpy(t->done[m], t->done[i], sizeof t->done[0]);
        }
        t->n = m;
        t->spacing *= 2;
    }
    t->at[t->n] = r->now_ns;
    for (uint32_t g = 0; g < groups && g < r->n_groups; g++) t->done[t->n][g] = r->groups[g].completed_since_start;
    t->n++;
}

int vs_stepper_timeline(const struct vs_scenario *sc, uint64_t seed, vs_time_ns step_ns,
                        struct vs_timeline *out, struct vs_error *err)
{
    memset(out, 0, sizeof *out);
    snprintf(out->scenario, sizeof out->scenario, "%s", sc->name);
    out->n_groups = sc->n_guests < VS_TIMELINE_MAX_GROUPS ? sc->n_guests : VS_TIMELINE_MAX_GROUPS;
    for (uint32_t g = 0; g < out->n_groups; g++) {
        snprintf(out->group[g], sizeof out->group[g], "%s", sc->guests[g].name);
        out->batch[g] = sc->guests[g].workload.load.kind == VS_LOAD_BATCH;
    }
    struct vs_stepper *st;
    int rc = vs_stepper_create(sc, seed, step_ns, 1, &st, err);
    if (rc != VS_OK) return rc;
    struct tl_samples *ts = calloc(st->n ? st->n : 1, sizeof *ts);
    if (!ts) {
        vs_stepper_destroy(st);
        return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    }
    out->n_series = st->n;
    for (uint32_t k = 0; k < st->n; k++) {
        snprintf(out->series[k].engine, sizeof out->series[k].engine, "%s", st->snaps[k].engine);
        ts[k].spacing = step_ns > 0 ? step_ns : 1;
        tl_take(&ts[k], &st->snaps[k], out->n_groups); /* the start, nothing done */
    }
    /* Every engine runs to its end, each on its own clock: what changed is
     * marked in its own panel at the moment it happened there. */
    while (rc == VS_OK && !vs_stepper_done(st)) {
        rc = vs_stepper_advance(st, step_ns, err);
        for (uint32_t k = 0; k < st->n && rc == VS_OK; k++) {
            struct tl_samples *t = &ts[k];
            const struct vs_run_result *r = &st->snaps[k];
            bool done = vs_sim_done(st->e[k].sim);
            if (t->ended) continue;
            if (r->now_ns - t->at[t->n - 1] >= t->spacing || (done && r->now_ns > t->at[t->n - 1]))
                tl_take(t, r, out->n_groups);
            t->ended = done;
        }
        uint32_t n;
        const struct vs_step_change *c = vs_stepper_take_changes(st, &n);
        for (uint32_t i = 0; i < n; i++) {
            struct vs_timeline_series *s = &out->series[c[i].engine];
            if (s->n_marks == VS_TIMELINE_MAX_MARKS) continue;
            const char *text = strchr(c[i].text, ':');
            s->mark_ns[s->n_marks] = c[i].at_ns;
            snprintf(s->mark_label[s->n_marks], sizeof s->mark_label[0], "%.47s", text ? text + 2 : c[i].text);
            s->n_marks++;
        }
    }
    for (uint32_t k = 0; k < st->n && rc == VS_OK; k++) {
        struct vs_timeline_series *s = &out->series[k];
        const struct tl_samples *t = &ts[k];
        s->booted_ns = vs_sim_booted(st->e[k].sim);
        s->end_ns = t->at[t->n - 1];
        for (uint32_t i = 1; i < t->n; i++) {
            double span_s = (double)(t->at[i] - t->at[i - 1]) / 1e9;
            s->at_ns[i - 1] = t->at[i];
            for (uint32_t g = 0; g < out->n_groups; g++)
                s->rate_per_s[g][i - 1] = span_s > 0 ? (double)(t->done[i][g] - t->done[i - 1][g]) / span_s : 0;
        }
        s->n = t->n - 1;
    }
    free(ts);
    vs_stepper_destroy(st);
    return rc;
}

/* The upper bound of the bucket where the requests of a step reach 99 %. */
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

int vs_stepper_migration(const struct vs_scenario *sc, uint64_t seed, vs_time_ns step_ns,
                         struct vs_migration_view *out, struct vs_error *err)
{
    memset(out, 0, sizeof *out);
    snprintf(out->scenario, sizeof out->scenario, "%s", sc->name);
    out->step_ns = step_ns;
    /* The group the first migration moves. */
    uint32_t group = UINT32_MAX;
    for (uint32_t e = 0; e < sc->n_events && group == UINT32_MAX; e++) {
        if (strcmp(sc->events[e].action, "migrate") != 0) continue;
        for (uint32_t g = 0; g < sc->n_guests; g++) {
            size_t len = strlen(sc->guests[g].name);
            const char *t = sc->events[e].target;
            if (strcmp(t, sc->guests[g].name) == 0 || (strncmp(t, sc->guests[g].name, len) == 0 && t[len] == '-'))
                group = g;
        }
    }
    if (group == UINT32_MAX)
        return vs_error_set(err, VS_ERR_INPUT, sc->file, 0, 0,
                            "a migration chart needs a scenario whose events: migrate a guest (e.g. migrate-web)");
    snprintf(out->group, sizeof out->group, "%s", sc->guests[group].name);
    struct vs_stepper *st;
    int rc = vs_stepper_create(sc, seed, step_ns, 1, &st, err);
    if (rc != VS_OK) return rc;
    out->n_series = st->n;
    uint64_t (*before)[VS_LAT_BUCKETS] = calloc(st->n, sizeof *before);
    uint64_t *done_before = calloc(st->n, sizeof *done_before);
    vs_time_ns *t_before = calloc(st->n, sizeof *t_before);
    if (!before || !done_before || !t_before) rc = vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    for (uint32_t k = 0; k < st->n; k++) snprintf(out->series[k].engine, sizeof out->series[k].engine, "%s", st->snaps[k].engine);
    while (rc == VS_OK && !vs_stepper_done(st)) {
        rc = vs_stepper_advance(st, step_ns, err);
        uint32_t n;
        vs_stepper_take_changes(st, &n);
        for (uint32_t k = 0; k < st->n && rc == VS_OK; k++) {
            const struct vs_run_result *r = &st->snaps[k];
            struct vs_migration_series *s = &out->series[k];
            if (r->n_migrations) {
                s->migration = r->migrations[0];
                s->has_migration = true;
            }
            vs_time_ns booted = vs_sim_booted(st->e[k].sim);
            if (group >= r->n_groups || r->now_ns <= booted) continue;
            const struct vs_guest_result *g = &r->groups[group];
            /* The window restarts at the end of warm-up: start afresh then. */
            bool reset = g->completed_since_start < done_before[k];
            for (int b = 0; b < VS_LAT_BUCKETS && !reset; b++) reset = g->latency.buckets[b] < before[k][b];
            if (reset) memset(before[k], 0, sizeof before[k]);
            if (s->n < VS_TIMELINE_MAX_SAMPLES && t_before[k] > 0 && r->now_ns > t_before[k]) {
                s->at_ns[s->n] = r->now_ns - booted;
                s->rate_per_s[s->n] = (double)(g->completed_since_start - done_before[k]) * 1e9 /
                                      (double)(r->now_ns - t_before[k]);
                s->p99_ns[s->n] = step_p99_ns(g->latency.buckets, before[k]);
                s->n++;
            }
            memcpy(before[k], g->latency.buckets, sizeof before[k]);
            done_before[k] = g->completed_since_start;
            t_before[k] = r->now_ns;
        }
    }
    free(before);
    free(done_before);
    free(t_before);
    vs_stepper_destroy(st);
    return rc;
}
