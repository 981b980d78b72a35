/* A workload: what a guest does, in guest-visible operations, independent of
 * how it is virtualized. Loaded from YAML by config.h. */
#ifndef VIRTSIM_WORKLOAD_H
#define VIRTSIM_WORKLOAD_H

#include <stdbool.h>
#include <stdint.h>
#include "virtsim/host/host.h"
#include "virtsim/core/ops.h"
#include "virtsim/core/rng.h"

enum vs_load_kind {
    VS_LOAD_OPEN,   /* requests arrive at `rate`, whatever the response time */
    VS_LOAD_CLOSED, /* `clients` each send a request, wait for it, think, repeat */
    VS_LOAD_BATCH   /* `total` requests, `clients` at a time; measures completion time */
};

struct vs_load_spec {
    enum vs_load_kind kind;
    double rate_per_s;              /* open */
    enum vs_dist_kind arrivals;     /* open: VS_DIST_EXPONENTIAL ("poisson") or VS_DIST_CONSTANT ("uniform") */
    uint32_t clients;               /* closed and batch; batch: 0 means one per vCPU */
    struct vs_dist think_ns;        /* closed: think time between a response and the next request */
    uint64_t total;                 /* batch */
};

/* One request (unit of work). Counts are means per request: a fractional mean
 * is drawn per request as floor + Bernoulli(frac) (vs_rng_count). */
struct vs_request_spec {
    struct vs_dist instructions;        /* user-mode instructions per request */
    double cpi;                         /* cycles per instruction of the user code (cache hits included) */
    double mem_refs_per_instruction;    /* instruction mix: loads+stores per instruction */
    double llc_refs_per_instruction;    /* references reaching the last-level cache per user instruction
                                           (they missed L1 and L2); 0: none counted, no LLC contention */
    double count[VS_OP_COUNT];          /* mean per request; count[VS_OP_INSTRUCTION] is unused */
    double disk_read_bytes;             /* size of each disk read */
    double disk_write_bytes;            /* size of each disk write */
    bool disk_sync;                     /* writes on the request path (fsync) or written back */
    double net_rx_bytes;                /* total received per request, split over rx packets */
    double net_tx_bytes;                /* total sent per request, split over tx packets */
};

struct vs_memory_spec {
    double footprint_bytes;     /* resident memory of the application */
    double working_set_bytes;   /* memory touched often (used by migration and TLB issues) */
    double dirty_rate_bytes_per_s;
    double code_bytes;          /* code footprint (what a translator must translate) */
    double file_set_bytes;      /* file data it reads (uniformly); 0: every read misses */
    bool large_pages;           /* maps its working set with 2 MiB pages (hugetlbfs, THP); tlb_misses are for 4 KiB */
};

struct vs_workload {
    char name[VS_NAME_MAX];
    char description[VS_TEXT_MAX];
    struct vs_load_spec load;
    struct vs_request_spec request;
    struct vs_memory_spec memory;
};

#endif
