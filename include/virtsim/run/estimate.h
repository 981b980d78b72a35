/* Before a run: how much memory its queues can be expected to take, so that
 * `virtsim validate` can say so before the run hits the memory budget
 * (core/budget.h). The run holds, per request in flight, its record, its
 * events, and its packets waiting in NIC and link queues: one burst per
 * request on a single NIC, every packet on its own when they cross hosts
 * (clients_from). An open load that offers more than a bottleneck carries
 * (its vCPUs at the workload's own speed, its host's NIC) fills its guests'
 * queues to queue_limit; closed and batch loads hold at most their clients.
 * A first-order estimate: an engine's overhead makes a saturated guest more
 * likely, never less, so a saturation found here is certain. */
#ifndef VIRTSIM_RUN_ESTIMATE_H
#define VIRTSIM_RUN_ESTIMATE_H

#include <stdbool.h>
#include <stdint.h>

#include "virtsim/spec/scenario.h"

struct vs_queue_estimate {
    double expected_bytes;   /* the queues of saturated groups filled, the rest as their clients */
    double worst_bytes;      /* every guest's queue full */
    /* The group that contributes most to expected_bytes (or to the worst case if none is saturated). */
    char group[VS_NAME_MAX];
    double group_bytes;
    bool saturated;          /* the group's load exceeds what its bottleneck carries */
    char bottleneck[48];     /* "its vCPUs", "the NIC of its host" */
    double offered_per_s, capacity_per_s; /* the group's, per instance */
    uint32_t queue_limit;
    double packets_per_request; /* queued one by one (crossing hosts), or 1 (a burst) */
};

/* Fills out for scenario sc. */
void vs_estimate_queues(const struct vs_scenario *sc, struct vs_queue_estimate *out);

#endif
