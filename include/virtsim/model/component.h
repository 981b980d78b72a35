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
#include "virtsim/host/costs.h"
#include "virtsim/host/memory.h"
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
    /* A word instead of a quantity: one of `choices` (NULL-terminated; the
     * option's value is its index, its text the word), or with `host_name`
     * the name of one of the scenario's hosts (or, with choices, one of
     * those words). */
    const char *const *choices;
    bool host_name;
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

/* One live migration, as reported (results, JSON "migrations"). start_ns
 * and end_ns count from the end of boot, as the timeline does. */
struct vs_migration_record {
    char guest[VS_NAME_MAX];
    char from[VS_NAME_MAX], to[VS_NAME_MAX];
    char method[16];           /* precopy, postcopy, stopcopy */
    vs_time_ns start_ns;
    vs_time_ns end_ns;         /* when the destination holds everything (-1: still going) */
    vs_time_ns downtime_ns;    /* the guest paused: stop-and-copy, or post-copy's switch */
    double bytes_sent;
    uint32_t rounds;           /* pre-copy rounds before the stop-and-copy (0 for the others) */
    bool converged;            /* pre-copy: the remainder fitted the downtime target */
    bool done;
    double throttle_min;       /* auto-converge: the lowest CPU share the guest was left (1: none) */
    double remote_faults;      /* post-copy: pages the guest fetched on demand */
    double dirty_tracking_cycles; /* CPU the guest spent on dirty-page tracking */
    char stop_reason[64];      /* what ended pre-copy's rounds */
    /* While it goes (the TUI): what it is doing, the round's bytes, the
     * guest's dirty rate and the stream's bandwidth. */
    char phase[24];
    double round_bytes, dirty_bytes_per_s, stream_bits_per_s;
};

/* One checkpoint or restore. */
struct vs_checkpoint_record {
    char guest[VS_NAME_MAX];
    char kind[16];             /* checkpoint, restore */
    char where[VS_NAME_MAX];   /* "disk" or a host */
    bool incremental;
    vs_time_ns start_ns;
    vs_time_ns freeze_ns;      /* the guest paused */
    vs_time_ns total_ns;       /* -1: still going */
    double image_bytes;
    bool done;
    /* Its neighbours (the other guests of its host): their disk requests'
     * mean response before it began and while it ran (-1: none). */
    double neighbours_disk_before_ns, neighbours_disk_during_ns;
};

/* One outage of a guest (a fault of the timeline). Times from the end of
 * boot; recovered_ns -1 while it is still down. */
struct vs_outage_record {
    char guest[VS_NAME_MAX];
    char host[VS_NAME_MAX];
    char cause[24];
    vs_time_ns start_ns, recovered_ns;
    uint64_t lost_in_flight;
};
#define VS_MAX_OUTAGES 256

#define VS_MAX_MIGRATIONS 64
#define VS_MAX_CHECKPOINTS 64

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
    /* Adds its migrations and checkpoints (each list has room for VS_MAX_*). */
    void (*records)(const void *state, struct vs_migration_record *mig, uint32_t *n_mig,
                    struct vs_checkpoint_record *cp, uint32_t *n_cp);
    /* Adds its outages (room for VS_MAX_OUTAGES). */
    void (*outages)(const void *state, const struct vs_world *w, struct vs_outage_record *out, uint32_t *n);
    /* A parameter of a `set` event that this component applies (memory:
     * the memory component). Returns false when the parameter is not its
     * own (the next component, then the simulation, is asked); else *rc is
     * VS_OK or VS_ERR_INPUT with a sentence in why. */
    bool (*set_param)(void *state, struct vs_world *w, uint32_t group, const char *param, double value, int *rc,
                      char *why, size_t why_len);
    /* Before a guest's memory is charged at its start: the parts it is
     * charged (may move some to the shared part, charged once per host),
     * and *own_cache, set when it keeps reading its own page cache even
     * with none charged. */
    void (*admit)(void *state, struct vs_world *w, uint32_t guest, struct vs_mem_parts *parts, bool *own_cache);
    /* What memory management did for a guest, or for a host (results). */
    void (*guest_memory)(const void *state, const struct vs_world *w, uint32_t guest, struct vs_mem_mgmt *out);
    void (*host_memory)(const void *state, const struct vs_world *w, uint32_t host, struct vs_mem_mgmt *out);
};

/* Registry (sim/comp/registry.c). */
size_t vs_component_count(void);
const struct vs_component_ops *vs_component_at(size_t i);
/* The action of that name and, if owner is not NULL, its component. NULL if none. */
const struct vs_action_def *vs_action_find(const char *name, const struct vs_component_ops **owner);
/* Comma-separated names of every action, for messages. */
const char *vs_action_names(void);

/* Helpers for components (sim/comp/registry.c). */
/* Applies fn to every instance `target` names (a group, or one instance);
 * the first refusal is reported in why (the others still apply, as a real
 * tool acting on a list would). VS_ERR_INPUT when nothing is called so. */
typedef int (*vs_guest_action_fn)(void *ctx, struct vs_world *w, uint32_t guest, char *why, size_t why_len);
int vs_component_each_guest(struct vs_world *w, const char *target, vs_guest_action_fn fn, void *ctx, char *why,
                            size_t why_len);
/* Adds one figure to a snapshot's list, if there is room. */
void vs_component_figure(struct vs_component_figure *out, uint32_t *n, const char *name, double value);

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

/* ---- what checkpointing and migration need (sim/comp/mobility.c) ---- */

/* When the last guest finished booting: the timeline's (and the reports')
 * time zero. */
vs_time_ns vs_world_boot_end(const struct vs_world *w);
/* Runs fn(ctx, arg) at simulated time at (>= now). */
void vs_world_schedule(struct vs_world *w, vs_time_ns at, vs_event_fn fn, void *ctx, uint64_t arg);
const struct vs_guest_spec *vs_world_guest_spec(const struct vs_world *w, uint32_t guest);
/* Its memory on its host, by part (zero when it holds none). */
void vs_world_guest_memory(const struct vs_world *w, uint32_t guest, struct vs_mem_parts *out);
uint32_t vs_world_guest_host(const struct vs_world *w, uint32_t guest);
const char *vs_world_host_name(const struct vs_world *w, uint32_t host);
uint32_t vs_world_host_find(const struct vs_world *w, const char *name); /* UINT32_MAX if none */
/* The engine's approach ("hvm", "oslevel", ...) and the cycles it charges
 * the guest for the first write to a page while its writes are logged
 * (engine ops: dirty_page_cycles), on the guest's host. */
const char *vs_world_approach(const struct vs_world *w, uint32_t guest);
double vs_world_dirty_page_cycles(const struct vs_world *w, uint32_t guest);
double vs_world_host_frequency(const struct vs_world *w, uint32_t host);
/* The network path between two hosts: the sender's NIC, the link, the
 * receiver's NIC. Bandwidth: the narrowest (bits/s; 0 with no route);
 * round trip: twice the NICs' and the link's latencies. */
double vs_world_path_bandwidth(const struct vs_world *w, uint32_t from, uint32_t to);
vs_time_ns vs_world_path_rtt(const struct vs_world *w, uint32_t from, uint32_t to);
/* Guest traffic's recent use of the path, 0..1 (the busiest leg). */
double vs_world_path_utilisation(const struct vs_world *w, uint32_t from, uint32_t to);
/* Bulk flows on the path: adds delta bits/s (negative: a flow ends) to
 * what they take of each leg's bandwidth, so guests' packets on the path
 * cross slower meanwhile. vs_world_path_flows: what they take now. */
void vs_world_path_flow(struct vs_world *w, uint32_t from, uint32_t to, double delta_bits_per_s);
double vs_world_path_flows(const struct vs_world *w, uint32_t from, uint32_t to);
/* A disk request of the guest's host (its disk queue, shared with guests),
 * attributed to the guest; done(ctx, arg) when it completes. */
int vs_world_disk_io(struct vs_world *w, uint32_t guest, bool write, double bytes, vs_event_fn done, void *ctx,
                     uint64_t arg);
/* The disk requests of the other guests of the guest's host, completed so
 * far in the window, and their response times summed (a checkpoint's
 * effect on its neighbours is the change of their mean response). */
void vs_world_neighbours_disk(const struct vs_world *w, uint32_t guest, uint64_t *completed, double *response_sum_ns);
/* Caps the guest's CPU to `share` of what its vCPUs could use (1: no
 * throttle): auto-converge, dirty tracking, post-copy's remote faults. */
int vs_world_throttle(struct vs_world *w, uint32_t guest, double share);
/* The instance a migration of `guest` to `host` takes over with (reserved
 * by the scenario), or UINT32_MAX. */
uint32_t vs_world_twin(const struct vs_world *w, uint32_t guest, uint32_t host);
/* The destination takes the guest's memory (state incoming). VS_OK, or a
 * sentence in why (it does not fit). */
int vs_world_receive(struct vs_world *w, uint32_t twin, char *why, size_t why_len);
/* The switch-over: the twin runs from now on, in the guest's place (its
 * requests in flight, its clients, its load), and the guest leaves its
 * host (state migrated, memory freed). */
int vs_world_switch(struct vs_world *w, uint32_t guest, uint32_t twin, char *why, size_t why_len);

/* ---- what fault injection needs (sim/comp/faults.c) ---- */

/* The guests on a host that are up or starting (not stopped, migrated away
 * or incoming). Fills up to max indices; returns how many. */
uint32_t vs_world_host_guests(const struct vs_world *w, uint32_t host, uint32_t *idx, uint32_t max);
/* When the guest last served again after an outage (-1: it has not). */
vs_time_ns vs_world_guest_recovered(const struct vs_world *w, uint32_t guest);
/* The preset its engine runs (engine.h: its mode tells a binary translator
 * with a kernel monitor from a pure emulator). */
const struct vs_preset *vs_world_preset(const struct vs_world *w, uint32_t guest);
/* Its engine's boot (or start) time on its host. */
vs_time_ns vs_world_boot_time(const struct vs_world *w, uint32_t guest);
double vs_world_host_cost(const struct vs_world *w, uint32_t host, enum vs_cost_id id);
/* The guest goes down at once: what it has in flight is lost (*lost, if
 * not NULL, says how many), arrivals meanwhile are lost, and after
 * restart_after_ns it comes back: with `reboot` it takes its memory again
 * and boots (its engine's boot time), else its service restarts at once. */
int vs_world_crash(struct vs_world *w, uint32_t guest, vs_time_ns restart_after_ns, bool reboot, uint64_t *lost,
                   char *why, size_t why_len);

/* ---- what memory management needs (sim/comp/memmgmt.c) ---- */

/* The host's memory: its capacity, and what is not any guest's own
 * (reserved for the host, and the shared part containers map). */
void vs_world_host_memory(const struct vs_world *w, uint32_t host, double *capacity_bytes, double *fixed_bytes);
/* Whether the host admits the guest past its free memory (it may be
 * swapped): set by the memory component before guests start. */
void vs_world_allow_overcommit(struct vs_world *w, uint32_t guest, bool allow);
/* What the guest holds in the host's RAM now (host/memory.h). */
void vs_world_set_resident(struct vs_world *w, uint32_t guest, double bytes);
/* The most page cache the guest's reads may hit (its balloon, its limit);
 * negative: no limit beyond the engine's and the host's. */
void vs_world_set_cache_limit(struct vs_world *w, uint32_t guest, double bytes);
/* The probability that a page one of its requests touches (a TLB miss) is
 * swapped out on the host: each such touch is a fault served by a read of
 * swap_cluster bytes from the host's disk, on the request's path. 0: none. */
void vs_world_set_swap_faults(struct vs_world *w, uint32_t guest, double probability);
/* Swap-in faults its requests took in the window. */
uint64_t vs_world_swap_ins(const struct vs_world *w, uint32_t guest);
/* A burst of a host kernel thread (ksmd): `cycles` of host-kernel work on
 * the host's cores, competing with the guests' vCPUs at the thread's
 * weight; done(ctx, arg) when it has run. VS_ERR_RUNTIME if a burst is
 * still running. */
int vs_world_host_kthread(struct vs_world *w, uint32_t host, double cycles, double weight, vs_event_fn done,
                          void *ctx, uint64_t arg);
/* The scenario's guest groups and their specs (for components that size
 * themselves from the scenario before guests start). */
uint32_t vs_world_group_count(const struct vs_world *w);
const struct vs_guest_spec *vs_world_group_spec(const struct vs_world *w, uint32_t group);
/* Whether the scenario has a `set` event naming `param` (e.g. "memory"). */
bool vs_world_sets_param(const struct vs_world *w, const char *param);
uint32_t vs_world_host_count(const struct vs_world *w);

#endif
