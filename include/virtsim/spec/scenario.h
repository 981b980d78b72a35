/* A scenario: a host, the guests on it, how long to run, the seed, and the
 * engines to compare (the same guests run once under each). */
#ifndef VIRTSIM_SCENARIO_H
#define VIRTSIM_SCENARIO_H

#include <stdint.h>
#include "virtsim/host/host.h"
#include "virtsim/spec/workload.h"

/* Limits that keep a run inside memory and time; checked by the loader. */
#define VS_MAX_GUEST_GROUPS 64
#define VS_MAX_GUESTS 4096          /* instances, all groups */
#define VS_MAX_VCPUS 256            /* per guest */
#define VS_MAX_ENGINES 32
#define VS_MAX_DURATION_NS (INT64_C(86400) * 1000000000) /* one simulated day */
#define VS_DEFAULT_QUEUE_LIMIT 10000

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
    uint32_t queue_limit;           /* requests waiting inside the guest before arrivals are dropped */
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
    struct vs_host_spec host;
    struct vs_guest_spec guests[VS_MAX_GUEST_GROUPS];
    uint32_t n_guests;
    vs_time_ns duration_ns;
    vs_time_ns warmup_ns;
    uint64_t seed;
    char engines[VS_MAX_ENGINES][VS_NAME_MAX];
    uint32_t n_engines;
    uint64_t max_events;            /* a run stops with an error past this many events */
    struct vs_sweep sweep;
};

#endif
