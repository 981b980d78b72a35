/* The life-cycle component: the timeline actions every approach supports on
 * a running guest. start boots instances the scenario reserved, stop shuts
 * one down and frees its memory, pause freezes it (it keeps its memory; its
 * requests wait), resume lets it run again, set changes a parameter of a
 * group (its load, weight, cap) while it runs. What each does to the guest
 * is the world's job (run/sim.c); this file says what the actions are and
 * how an event maps onto the world's calls. */
#include "virtsim/model/component.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the component counts since the warm-up: guests started and stopped
 * while the run went on (the timeline's doing), reported as figures. */
struct lifecycle {
    bool warm;
    uint32_t started, stopped;
};

static int lc_build(struct vs_world *w, void **state, struct vs_error *err)
{
    (void)w;
    *state = calloc(1, sizeof(struct lifecycle));
    return *state ? VS_OK : vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
}

static void lc_destroy(void *state) { free(state); }

static void lc_guest_start(void *state, struct vs_world *w, uint32_t guest)
{
    (void)w;
    (void)guest;
    struct lifecycle *lc = state;
    if (lc->warm) lc->started++;
}

static void lc_guest_stop(void *state, struct vs_world *w, uint32_t guest)
{
    (void)w;
    (void)guest;
    struct lifecycle *lc = state;
    if (lc->warm) lc->stopped++;
}

static void lc_warmup_reset(void *state, struct vs_world *w)
{
    (void)w;
    struct lifecycle *lc = state;
    lc->warm = true;
    lc->started = lc->stopped = 0;
}

static void lc_snapshot(const void *state, const struct vs_world *w, struct vs_component_figure *out, uint32_t *n)
{
    const struct lifecycle *lc = state;
    uint32_t paused = 0;
    for (uint32_t i = 0; i < vs_world_guest_count(w); i++) paused += vs_world_guest_state(w, i) == VS_GUEST_PAUSED;
    vs_component_figure(out, n, "guests_started", lc->started);
    vs_component_figure(out, n, "guests_stopped", lc->stopped);
    vs_component_figure(out, n, "guests_paused_now", paused);
}

/* The world's life-cycle calls, as actions on one guest. */
static int do_pause(void *ctx, struct vs_world *w, uint32_t g, char *why, size_t n)
{
    (void)ctx;
    return vs_world_pause(w, g, why, n);
}

static int do_resume(void *ctx, struct vs_world *w, uint32_t g, char *why, size_t n)
{
    (void)ctx;
    return vs_world_resume(w, g, why, n);
}

static int do_stop(void *ctx, struct vs_world *w, uint32_t g, char *why, size_t n)
{
    (void)ctx;
    return vs_world_stop(w, g, why, n);
}

static int act_pause(void *st, struct vs_world *w, const struct vs_timeline_event *ev, char *why, size_t n)
{
    (void)st;
    return vs_component_each_guest(w, ev->target, do_pause, NULL, why, n);
}

static int act_resume(void *st, struct vs_world *w, const struct vs_timeline_event *ev, char *why, size_t n)
{
    (void)st;
    return vs_component_each_guest(w, ev->target, do_resume, NULL, why, n);
}

static int act_stop(void *st, struct vs_world *w, const struct vs_timeline_event *ev, char *why, size_t n)
{
    (void)st;
    return vs_component_each_guest(w, ev->target, do_stop, NULL, why, n);
}

static double opt_value(const struct vs_timeline_event *ev, const char *key, double dflt)
{
    for (uint32_t i = 0; i < ev->n_opts; i++)
        if (strcmp(ev->opts[i].key, key) == 0 && ev->opts[i].has_value) return ev->opts[i].value;
    return dflt;
}

static int act_start(void *st, struct vs_world *w, const struct vs_timeline_event *ev, char *why, size_t n)
{
    (void)st;
    uint32_t g = vs_world_group_find(w, ev->target);
    if (g == UINT32_MAX) {
        snprintf(why, n, "no guest group is called %.60s", ev->target);
        return VS_ERR_INPUT;
    }
    return vs_world_start(w, g, (uint32_t)opt_value(ev, "count", 1), why, n);
}

static int act_set(void *st, struct vs_world *w, const struct vs_timeline_event *ev, char *why, size_t n)
{
    (void)st;
    uint32_t g = vs_world_group_find(w, ev->target);
    if (g == UINT32_MAX) {
        snprintf(why, n, "no guest group is called %.60s", ev->target);
        return VS_ERR_INPUT;
    }
    for (uint32_t i = 0; i < ev->n_opts; i++) {
        int rc = vs_world_set(w, g, ev->opts[i].key, ev->opts[i].value, why, n);
        if (rc != VS_OK) return rc;
    }
    return VS_OK;
}

static const struct vs_action_key start_keys[] = {
    {"count", VS_UNIT_COUNT, "how many more instances to start (default 1)", false, NULL, false},
};

static const struct vs_action_def actions[] = {
    {"start", "boots more instances of a guest group (count: N)", VS_TARGET_GROUP, "guest", start_keys,
     1, false, act_start},
    {"stop", "shuts a guest (or every instance of a group) down; its memory is freed", VS_TARGET_GUESTS,
     "guest", NULL, 0, false, act_stop},
    {"pause", "freezes a guest: no CPU, requests wait, memory kept", VS_TARGET_GUESTS, "guest", NULL, 0,
     false, act_pause},
    {"resume", "lets a paused guest run again", VS_TARGET_GUESTS, "guest", NULL, 0, false, act_resume},
    {"set", "changes parameters of a running group: {guest: web, load.rate: 4000/s, cpus: 4, cap: 50%}", VS_TARGET_GROUP,
     "guest", NULL, 0, true, act_set},
};

const struct vs_component_ops vs_component_lifecycle = {
    .name = "lifecycle",
    .summary = "start, stop, pause, resume and change guests while they run",
    .actions = actions,
    .n_actions = sizeof actions / sizeof actions[0],
    .build = lc_build,
    .destroy = lc_destroy,
    .guest_start = lc_guest_start,
    .guest_stop = lc_guest_stop,
    .warmup_reset = lc_warmup_reset,
    .snapshot = lc_snapshot,
};
