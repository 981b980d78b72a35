/* Performance isolation: what guests of different groups on one host cost
 * each other through what they share besides cores, disk and NIC (whose
 * queues model those). Two kinds of sharing, both driven by the operations
 * each group actually performs in the simulation (rates measured over the
 * last VS_CONTENTION_TAU_NS):
 *
 * - shared kernel structures. Under one kernel (native processes,
 *   containers) every guest's page faults, file I/O and packets take the
 *   same kernel locks (page allocator and LRU, page-cache and journal,
 *   the one network stack); the guests of VMs each have their own kernel,
 *   and share only the host's I/O back end (bridge, tap, dom0's back ends)
 *   when their devices are served there. A victim's operation of a class
 *   pays, per acquisition, the lock's cache line fetched from the core that
 *   last held it and the wait behind neighbours holding it (M/D/1: Poisson
 *   acquisitions, a fixed hold), spinning on its CPU;
 * - the last-level cache and the memory bus, shared by every approach. A
 *   group keeps the share of the LLC its access rate wins (LRU occupancy in
 *   proportion to access rates, never more than its working set); what it
 *   loses it fetches from DRAM, whose latency grows with the bus's use.
 *
 * Only groups other than the victim's count as neighbours: the instances of
 * one group are the workload as its constants describe it (its CPI includes
 * its own misses), so a one-group scenario pays nothing here and runs as it
 * did. docs/approaches.md ("Performance isolation") and docs/cost-model.md
 * give the mechanism and its constants. Built only on sim/core and the host
 * profile. */
#ifndef VIRTSIM_HOST_CONTENTION_H
#define VIRTSIM_HOST_CONTENTION_H

#include <stdbool.h>
#include <stdint.h>
#include "virtsim/core/error.h"
#include "virtsim/core/ops.h"
#include "virtsim/host/host.h"

/* Rates are counts decayed with this time constant (an exponentially
 * weighted moving average): long enough to hold many requests, short
 * enough to follow a neighbour that starts or stops. */
#define VS_CONTENTION_TAU_NS 100000000.0
/* Bytes a cache miss moves over the memory bus (one cache line). */
#define VS_CACHE_LINE_BYTES 64.0
/* Utilisation of a lock or of the memory bus above which the queueing
 * formulas are held (they diverge at 1). */
#define VS_CONTENTION_MAX_UTIL 0.95
/* Groups one host's state can tell apart (a scenario has at most 64). */
#define VS_CONTENTION_MAX_GROUPS 64

/* Classes of shared kernel structures. */
enum vs_kclass {
    VS_KC_MM,      /* page allocator (zone lock) and LRU lists: page faults, forks, execs */
    VS_KC_FS,      /* page-cache tree, LRU and the file system's journal: file reads and writes */
    VS_KC_NET,     /* one network stack: qdisc, bridge and conntrack locks, softirq: packets */
    VS_KC_BACKEND, /* the host's I/O back end shared by VMs: bridge/tap, dom0 back ends: I/O requests */
    VS_KC_COUNT
};

/* What a contention cost is reported as (results: per guest). */
enum vs_cont_kind {
    VS_CONT_KERNEL,  /* shared kernel locks (VS_KC_MM, FS, NET) */
    VS_CONT_BACKEND, /* the host's shared I/O back end */
    VS_CONT_LLC,     /* last-level cache and memory bandwidth */
    VS_CONT_KINDS
};
const char *vs_cont_kind_name(enum vs_cont_kind k); /* "kernel_locks", "io_backend", "llc_memory" */
const char *vs_kclass_name(enum vs_kclass k);       /* "mm", "fs", "net", "backend" */

/* The operations of one request that touch shared structures. */
struct vs_cont_ops {
    double n[VS_KC_COUNT]; /* acquisitions per class */
    double llc_refs;       /* references that reach the last-level cache */
};

/* Which structures the guests of one simulation share (from its engine). */
struct vs_contention_config {
    uint32_t n_groups;
    bool shared_kernel;  /* one kernel for every guest: classes MM, FS, NET */
    bool shared_backend; /* VMs whose I/O is served by one host back end: class BACKEND */
};

struct vs_contention;

/* One host's contention state. NULL (and VS_OK) when nothing can contend:
 * fewer than two groups. VS_ERR_INPUT for more than
 * VS_CONTENTION_MAX_GROUPS, VS_ERR_RUNTIME out of memory. Owned by the caller: vs_contention_destroy. */
int vs_contention_create(const struct vs_host_spec *host, const struct vs_contention_config *cfg,
                         struct vs_contention **out);
void vs_contention_destroy(struct vs_contention *c); /* NULL: no-op */

/* The memory a group's instances on this host reuse (their working sets):
 * what they would keep in the LLC alone. Adds bytes (negative: removes). */
void vs_contention_add_footprint(struct vs_contention *c, uint32_t group, double bytes);

/* Records one request's operations by a guest of `group` at now_ns. */
void vs_contention_record(struct vs_contention *c, uint32_t group, vs_time_ns now_ns,
                          const struct vs_cont_ops *ops);

/* Adds to w what a request of `group` with these operations pays its
 * neighbours at now_ns (cycles: locks in guest kernel, LLC misses in guest
 * user), and to cycles_out[kind] the same cycles by kind. Adds nothing
 * while no other group has recorded anything. */
void vs_contention_charge(const struct vs_contention *c, uint32_t group, vs_time_ns now_ns,
                          const struct vs_cont_ops *ops, struct vs_work *w, double cycles_out[VS_CONT_KINDS]);

/* The model's pieces, for tests and docs: the cycles one acquisition of a
 * lock held hold_cycles per acquisition pays when neighbours acquire it
 * at neighbour_per_s and the victim at own_per_s, on a core of freq_hz
 * with transfer_cycles per fetch of the lock's line from another core. */
double vs_contention_lock_cycles(double hold_cycles, double transfer_cycles, double freq_hz,
                                 double neighbour_per_s, double own_per_s);

#endif
