/* Kernel components: the parts of a virtualization system that act on
 * guests while they run (the life cycle; later resource management,
 * checkpointing, live migration, faults). Each is one file in sim/comp/
 * behind one `struct vs_component_ops`, listed in sim/comp/registry.c, the
 * way engines are: every hook may be NULL and the simulation calls only
 * those that are set, so sim/run/sim.c does not grow with every feature.
 *
 * A component also defines the timeline actions it owns (`events:` in a
 * scenario): the loader checks an event against the action's definition
 * (its target and keys, with positions), and the simulation calls the
 * action's handler at the event's time. A new action is one table entry
 * and one handler.
 *
 * Components see the running simulation only through `struct vs_world`
 * (below): the functions are implemented by the simulation (run/sim.c),
 * which keeps this layer free of the runner's internals. */
#ifndef VIRTSIM_MODEL_COMPONENT_H
#define VIRTSIM_MODEL_COMPONENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "virtsim/core/error.h"
#include "virtsim/core/event.h"
#include "virtsim/core/units.h"
#include "virtsim/spec/scenario.h"

struct vs_world; /* the running simulation, as components see it */

/* What an action's target names. */
enum vs_target_kind {
    VS_TARGET_GUESTS, /* a guest group (all its instances) or one instance */
    VS_TARGET_GROUP,  /* a guest group */
    VS_TARGET_HOST    /* a host (an instance name, or a hosts: entry of one host) */
};

/* One key an action takes besides its target. */
struct vs_action_key {
    const char *key;
    enum vs_unit_kind unit;  /* how its value is read (VS_UNIT_COUNT for a plain number) */
    const char *what;        /* for messages: "how many instances to start" */
    bool required;
};

struct vs_action_def {
    const char *name;        /* the YAML key, e.g. "pause" */
    const char *summary;     /* one line for docs and `virtsim list actions` */
    enum vs_target_kind target;
    /* The action's value is the target (`pause: db-1`), or a mapping with the
     * target under this key and the options beside it (`set: {guest: web,
     * load.rate: 4000/s}`); options may also sit beside the action key. */
    const char *target_key;
    const struct vs_action_key *keys;
    size_t n_keys;
    /* Other keys are parameter paths of the target's group, each a value in
     * its own unit (load/params.h): `set:`. */
    bool param_keys;
    /* Carries the event out. VS_OK, or a sentence in why when the event
     * cannot apply at run time (the guest already stopped, ...): the run goes
     * on and the report lists the event as refused. */
    int (*apply)(void *state, struct vs_world *w, const struct vs_timeline_event *ev, char *why,
                 size_t why_len);
};

/* A figure a component reports (e.g. migrations done, downtime). */
struct vs_component_figure {
    char name[48];
    double value;
};
#define VS_COMPONENT_MAX_FIGURES 16

struct vs_component_ops {
    const char *name;
    const char *summary;
    const struct vs_action_def *actions;
    size_t n_actions;
    /* Every hook is optional. `state` is the component's own, made by build
     * (NULL if it has no build) and freed by destroy. */
    int (*build)(struct vs_world *w, void **state, struct vs_error *err);
    void (*destroy)(void *state);
    void (*guest_start)(void *state, struct vs_world *w, uint32_t guest);
    void (*guest_stop)(void *state, struct vs_world *w, uint32_t guest);
    void (*warmup_reset)(void *state, struct vs_world *w);
    /* Adds the component's figures (out->n so far; at most VS_COMPONENT_MAX_FIGURES). */
    void (*snapshot)(const void *state, const struct vs_world *w, struct vs_component_figure *out,
                     uint32_t *n);
};

/* Registry (sim/comp/registry.c). */
size_t vs_component_count(void);
const struct vs_component_ops *vs_component_at(size_t i);
/* The action of that name and, if owner is not NULL, its component. NULL if none. */
const struct vs_action_def *vs_action_find(const char *name, const struct vs_component_ops **owner);
/* Comma-separated names of every action, for messages. */
const char *vs_action_names(void);

/* ---- the world, as components see it (implemented by run/sim.c) ---- */

vs_time_ns vs_world_now(const struct vs_world *w);
uint32_t vs_world_guest_count(const struct vs_world *w);      /* instances, started or not */
const char *vs_world_guest_name(const struct vs_world *w, uint32_t guest);
uint32_t vs_world_guest_group(const struct vs_world *w, uint32_t guest);
enum vs_guest_state vs_world_guest_state(const struct vs_world *w, uint32_t guest);
/* The instances a target names (a group: those that exist now, started or
 * not; an instance: itself). Fills up to max indices; returns how many. */
uint32_t vs_world_find_guests(const struct vs_world *w, const char *target, uint32_t *idx,
                              uint32_t max);
/* Life-cycle changes. Each returns VS_OK, or a sentence in why. */
int vs_world_pause(struct vs_world *w, uint32_t guest, char *why, size_t why_len);
int vs_world_resume(struct vs_world *w, uint32_t guest, char *why, size_t why_len);
int vs_world_stop(struct vs_world *w, uint32_t guest, char *why, size_t why_len);
/* Starts `count` more instances of a group (ones the scenario reserved for
 * the timeline), on hosts chosen by the group's placement. */
int vs_world_start(struct vs_world *w, uint32_t group, uint32_t count, char *why, size_t why_len);
/* Sets a parameter path of a group (load.rate, weight, cap, ...) while it runs. */
int vs_world_set(struct vs_world *w, uint32_t group, const char *param, double value, char *why,
                 size_t why_len);
uint32_t vs_world_group_find(const struct vs_world *w, const char *name); /* UINT32_MAX if none */

#endif
