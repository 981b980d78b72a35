/* Density: how many identical guests a host holds under each approach while
 * every SLA still holds. Measured, not asserted: each probe is a full
 * simulation; the guest count is found by doubling, then bisection. */
#ifndef VIRTSIM_DENSITY_H
#define VIRTSIM_DENSITY_H

#include <stdio.h>
#include "virtsim/error.h"
#include "virtsim/results.h"
#include "virtsim/scenario.h"

enum vs_sla_kind {
    VS_SLA_P99,        /* p99 latency below a time */
    VS_SLA_P50,        /* median latency below a time */
    VS_SLA_THROUGHPUT  /* open load: completed at least this fraction of what arrived;
                          closed or batch: throughput per guest at least this fraction of
                          what one guest alone gets */
};

struct vs_sla {
    enum vs_sla_kind kind;
    double limit;      /* ns for latencies, a fraction (0.95) for throughput */
    char text[48];     /* as the user wrote it */
};

/* Parses "p99<20ms", "p50<5ms", "throughput>=95%". VS_ERR_INPUT with a
 * sentence in err otherwise. */
int vs_sla_parse(const char *text, struct vs_sla *out, struct vs_error *err);

enum vs_resource { VS_RES_CPU, VS_RES_MEMORY, VS_RES_DISK, VS_RES_NIC, VS_RES_NONE };
const char *vs_resource_name(enum vs_resource r);

#define VS_DENSITY_MAX_POINTS 64

/* One probe: n guests, and what they got. */
struct vs_density_point {
    uint32_t guests;
    bool ok;                    /* every SLA held and every guest started */
    double throughput_per_guest;
    double served_fraction;     /* completed / arrived in the window */
    int64_t p50_ns, p99_ns;
    double cpu_util, mem_used_fraction, disk_util, nic_util;
    uint32_t failed;            /* guests that did not fit in memory */
};

struct vs_density_result {
    char engine[VS_NAME_MAX];
    char approach[VS_NAME_MAX];
    uint32_t density;           /* the largest n that met every SLA (0: not even one) */
    bool capped;                /* the search reached --max without failing */
    enum vs_resource limit;     /* what ran out first at density + 1 */
    struct vs_mem_parts memory_per_guest;
    double usable_memory_bytes;
    struct vs_density_point points[VS_DENSITY_MAX_POINTS]; /* sorted by guests */
    uint32_t n_points;
};

struct vs_density_opts {
    struct vs_sla slas[8];
    uint32_t n_slas;
    uint32_t max_guests;        /* search bound, <= VS_MAX_GUESTS */
    uint32_t threads;           /* approaches searched in parallel (0: number of CPUs) */
};

/* Searches every engine of sc (its first guest group is the template; its
 * count is what the search varies). out has sc->n_engines entries, filled
 * in engine order; the result is the same whatever the thread count. */
int vs_density_run(const struct vs_scenario *sc, const struct vs_density_opts *o,
                   struct vs_density_result *out, struct vs_error *err);

void vs_density_write_table(FILE *f, const struct vs_scenario *sc, const struct vs_density_opts *o,
                            const struct vs_density_result *r, uint32_t n);
void vs_density_write_csv(FILE *f, const struct vs_density_result *r, uint32_t n);
void vs_density_write_json(FILE *f, const struct vs_scenario *sc, const struct vs_density_opts *o,
                           const struct vs_density_result *r, uint32_t n);

#endif
