/* A scenario: the hosts, the links between them, the guests on them, a
 * timeline of events, how long to run, the seed, and the engines to compare
 * (the same guests run once under each). */
#ifndef VIRTSIM_SCENARIO_H
#define VIRTSIM_SCENARIO_H

#include <stdint.h>
#include "virtsim/core/control.h"
#include "virtsim/host/host.h"
#include "virtsim/spec/resources.h"
#include "virtsim/spec/workload.h"

/* Limits that keep a run inside memory and time; checked by the loader. */
#define VS_MAX_GUEST_GROUPS 64
#define VS_MAX_GUESTS 4096          /* instances, all groups */
#define VS_MAX_VCPUS 256            /* per guest */
#define VS_MAX_ENGINES 32
#define VS_MAX_DURATION_NS (INT64_C(86400) * 1000000000) /* one simulated day */
#define VS_DEFAULT_QUEUE_LIMIT 10000
#define VS_MAX_HOST_DECLS 16        /* entries of hosts: */
#define VS_MAX_HOSTS 1024           /* host instances, all entries */
#define VS_MAX_LINKS 32
#define VS_LINK_MAX_ENDS 8
#define VS_MAX_EVENTS 128           /* timeline entries */
#define VS_EVENT_MAX_OPTS 4

/* `hosts:` entry: `count` identical hosts named NAME-1 ... NAME-count (just
 * NAME when count is 1). A scenario's single `host:` is one entry with count
 * 1, named after its profile. */
struct vs_host_decl {
    char name[VS_NAME_MAX];
    uint32_t count;
    struct vs_host_spec spec;
    int line;
};

/* `links:` entry: a network between hosts. Two ends: a full-duplex
 * point-to-point link (each direction its own bandwidth). More ends, or a
 * host entry with several hosts, or `shared: true`: a switch whose one
 * medium every packet between its hosts shares. Ends are host names or
 * `hosts:` entry names (all of its hosts). */
struct vs_link_spec {
    char ends[VS_LINK_MAX_ENDS][VS_NAME_MAX];
    uint32_t n_ends;
    bool shared;
    struct vs_nic_spec net;         /* bandwidth, latency, per-packet overhead */
    int line;
};

/* Where a guest group's instances go. */
enum vs_placement {
    VS_PLACE_SPREAD,    /* each instance on the host with the fewest guests so far */
    VS_PLACE_PACK,      /* each instance on the first host it fits on (memory) */
    VS_PLACE_NAMED      /* on the named host, or spread over a named hosts: entry */
};

/* One key of a timeline event besides `at` and its action, as written
 * (text) and, when it is a quantity, as a number in base units. */
struct vs_event_opt {
    char key[32];
    char text[48];
    double value;
    bool has_value;
};

/* `events:` entry: at `at_ns`, do `action` to `target` (a guest group or
 * instance, a host, ...) with options. Actions are defined by the kernel
 * components (model/component.h); the loader checks them against that
 * table, so a new action needs no change here. */
struct vs_timeline_event {
    vs_time_ns at_ns;
    char action[24];
    char target[VS_NAME_MAX];
    struct vs_event_opt opts[VS_EVENT_MAX_OPTS];
    uint32_t n_opts;
    int line, column;
};

/* What a guest is doing (the same states in results and in components). */
enum vs_guest_state {
    VS_GUEST_BOOTING,   /* created, not yet serving */
    VS_GUEST_RUNNING,
    VS_GUEST_FINISHED,  /* batch work complete */
    VS_GUEST_FAILED,    /* could not start: did not fit in memory */
    VS_GUEST_PAUSED,    /* paused by the timeline: holds its memory, runs nothing */
    VS_GUEST_STOPPED,   /* stopped by the timeline, or not started yet: no memory, no work */
    VS_GUEST_INCOMING,  /* a migration's destination: holds its memory, runs nothing yet */
    VS_GUEST_DOWN,      /* crashed (a fault of the timeline): restarting, serving nothing */
    VS_GUEST_MIGRATED   /* moved to another host by a migration: no memory, no work here */
};
/* An instance a `migrate` event reserves on its destination: it takes over
 * from the instance `of` when the migration switches over. */
#define VS_MAX_TWINS 16
struct vs_twin {
    char of[VS_NAME_MAX];   /* the migrating instance */
    char host[VS_NAME_MAX]; /* the destination host (an instance name) */
};

/* Guests of one kind: `count` identical instances named NAME-1 ... NAME-count
 * (just NAME when count is 1). */
struct vs_guest_spec {
    char name[VS_NAME_MAX];
    struct vs_workload workload;    /* a copy, with the scenario's overrides applied */
    uint32_t count;
    uint32_t vcpus;
    double memory_bytes;            /* memory given to a VM (0: the engine decides from the workload) */
    double weight;                  /* proportional share, default 256 */
    double cap_fraction;            /* fraction of one core, 0 = none */
    uint32_t pin_first, pin_cores;  /* pin: its vCPUs run on cores pin_first .. +pin_cores-1 (0 cores: anywhere) */
    uint32_t queue_limit;           /* requests waiting inside the guest before arrivals are dropped */
    enum vs_placement placement;
    char host[VS_NAME_MAX];         /* VS_PLACE_NAMED: a host, or a hosts: entry */
    char peer[VS_NAME_MAX];         /* a guest group whose instances are this group's clients:
                                       requests and responses cross the network between them
                                       ("" : clients outside, through this host's NIC) */
    uint32_t started_later;         /* instances a timeline `start` adds (not running at first) */
    struct vs_twin twins[VS_MAX_TWINS]; /* instances `migrate` events reserve, after those */
    uint32_t n_twins;
    struct vs_resources resources;  /* resources: (memory management, ...) */
    bool victim;                    /* `virtsim isolation` measures this group's slowdown by its
                                       neighbours (the other groups) */
    int line;                       /* where it was declared, for messages */
};

#define VS_MAX_SWEEP_POINTS 256

/* `sweep:` of a scenario: one parameter and the values it takes. */
struct vs_sweep {
    char param[128];            /* e.g. "guests.web.count"; "" when there is no sweep */
    double values[VS_MAX_SWEEP_POINTS];
    uint32_t n;
};

struct vs_scenario {
    char name[VS_NAME_MAX];
    char description[VS_TEXT_MAX];
    char file[VS_TEXT_MAX];         /* where it was loaded from */
    struct vs_host_decl hosts[VS_MAX_HOST_DECLS]; /* hosts[0] is the host of a one-host scenario */
    uint32_t n_hosts;               /* entries; at least one */
    struct vs_link_spec links[VS_MAX_LINKS];
    uint32_t n_links;
    struct vs_guest_spec guests[VS_MAX_GUEST_GROUPS];
    uint32_t n_guests;
    vs_time_ns duration_ns;
    vs_time_ns warmup_ns;
    uint64_t seed;
    char engines[VS_MAX_ENGINES][VS_NAME_MAX];
    uint32_t n_engines;
    uint64_t max_events;            /* a run stops with an error past this many events */
    struct vs_sweep sweep;
    struct vs_timeline_event events[VS_MAX_EVENTS]; /* sorted by time (stable) */
    uint32_t n_events;
    /* Not from the file: the run's memory budget, stop request and progress
     * (core/control.h), shared by every simulation made from this scenario
     * or a copy of it. NULL: no budget, no stop, no counting. Set by the
     * command line; never part of the results. */
    struct vs_control *control;
};

/* Host instances in all entries. */
static inline uint32_t vs_scenario_host_count(const struct vs_scenario *sc)
{
    uint32_t n = 0;
    for (uint32_t h = 0; h < sc->n_hosts; h++) n += sc->hosts[h].count;
    return n;
}

#endif
