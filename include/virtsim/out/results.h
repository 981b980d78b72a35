/* What a run produces: the one structure that reports, charts and the TUI
 * read. No screen code touches the model; the model never formats. */
#ifndef VIRTSIM_RESULTS_H
#define VIRTSIM_RESULTS_H

#include <stdbool.h>
#include <stdint.h>
#include "virtsim/core/event.h"
#include "virtsim/host/contention.h"
#include "virtsim/host/host.h"
#include "virtsim/host/memory.h"
#include "virtsim/core/ops.h"
#include "virtsim/model/component.h"
#include "virtsim/spec/scenario.h"

/* Latency histogram for display: bucket i counts latencies in
 * [2^i, 2^(i+1)) microseconds (bucket 0 also holds everything under 2 us). */
#define VS_LAT_BUCKETS 32

struct vs_latency {
    uint64_t count;
    double mean_ns;
    int64_t p50_ns, p90_ns, p99_ns, p999_ns, max_ns;
    uint64_t buckets[VS_LAT_BUCKETS];
};

const char *vs_guest_state_name(enum vs_guest_state s);

/* Per guest instance, or per group (figures summed, latency merged). All
 * figures are over the measurement window (after warm-up). */
struct vs_guest_result {
    char name[VS_NAME_MAX];
    char group[VS_NAME_MAX];
    char workload[VS_NAME_MAX];
    char engine[VS_NAME_MAX];
    char host[VS_NAME_MAX];     /* the host it runs on; a group on several: "N hosts" */
    enum vs_guest_state state;
    uint32_t instances;         /* 1 for an instance; the group's count otherwise */
    uint32_t failed_instances;
    uint32_t vcpus;
    bool batch;
    enum vs_load_kind load;     /* open, closed or batch: what the figures mean depends on it */
    uint64_t arrived;           /* requests that arrived (or were sent) in the window */
    uint64_t completed;         /* requests completed in the window */
    uint64_t completed_since_start; /* including warm-up: for rates over time */
    uint64_t dropped;           /* arrivals refused because the guest's queue was full */
    /* Every request over the whole run, warm-up included (never reset), and
     * where those not yet finished are at the snapshot. None is lost:
     * arrived_since_start = completed_since_start + dropped_since_start +
     * abandoned_since_start + queued + in_service (tests/unit/test_properties.c).
     * Not in the reports. */
    uint64_t arrived_since_start, dropped_since_start;
    uint64_t abandoned_since_start; /* in the guest when the timeline stopped it or a migration moved it
                                       (a migration's twin carries on the counts of the guest it took over from) */
    uint64_t queued;                /* now: waiting for a vCPU */
    uint64_t in_service;            /* now: the others in the guest (on a vCPU, at the disk, on the network) */
    double throughput_per_s;
    double completion_ns;       /* batch: time the last request finished (-1 if not) */
    uint64_t batch_done, batch_total;
    struct vs_latency latency;
    double cpu_ns[VS_CAT_COUNT];    /* host CPU time used, by category */
    double cpu_wait_ns;             /* runnable but waiting for a core */
    double events[VS_EVT_COUNT];    /* counts in the window */
    struct vs_mem_parts memory;     /* resident memory by part */
    uint64_t disk_ops, disk_bytes;
    double disk_busy_ns;
    uint64_t net_rx_packets, net_tx_packets, net_rx_bytes, net_tx_bytes;
    vs_time_ns start_ns;            /* boot/start time */
    /* Faults of the timeline (issue 11): time it served nothing in the
     * window, requests lost to them (in flight when it went down, or
     * arriving while it was down), outages begun. */
    double down_ns;
    uint64_t lost;
    uint32_t outages;
    /* Resource management (issue 11): the vCPU time it had in the window
     * (vCPUs x time, following hot-plug), the denominator of its steal
     * time (vs_guest_steal_fraction); and the time its requests waited
     * for its disk and network limits (resources.disk, resources.net),
     * summed over the requests. */
    double vcpu_ns;
    double disk_throttle_wait_ns, net_throttle_wait_ns;
    struct vs_mem_mgmt mm;          /* memory management (resources.memory); mm.managed false: none */
    /* Performance isolation (host/contention.h): host CPU time it spent, in
     * the window, on what it shares with other groups' guests: shared
     * kernel locks, the host's I/O back end, LLC evictions and memory-bus
     * queueing (part of cpu_ns). Not in the run reports; `virtsim
     * isolation` reports it per request. */
    double contention_ns[VS_CONT_KINDS];
};

struct vs_host_result {
    char name[VS_NAME_MAX];         /* the host (an instance of a hosts: entry); "all hosts" for the total */
    uint32_t guests;                /* guest instances placed on it (running or not) */
    struct vs_host_spec spec;
    double cpu_utilisation;         /* 0..1 over all cores */
    double cpu_ns_by_cat[VS_CAT_COUNT]; /* includes VS_CAT_IDLE */
    double (*core_ns_by_cat)[VS_CAT_COUNT]; /* per core (spec.cpu.cores rows), owned by the run */
    double runqueue_mean;
    uint64_t context_switches;
    double mem_capacity_bytes, mem_used_bytes, mem_free_bytes;
    struct vs_mem_mgmt mm;          /* its guests' memory management, summed; overcommit ratio */
    double disk_utilisation, disk_queue_mean, disk_queue_max, disk_response_mean_ns;
    uint64_t disk_ops;
    double nic_rx_utilisation, nic_tx_utilisation, nic_queue_mean;
};

/* A link or switch between hosts: packets between guests on different hosts. */
struct vs_link_result {
    char name[VS_NAME_MAX * 2];     /* "a <-> b", or "switch: a, rack" */
    bool shared;
    double bandwidth_bits_per_s;
    double utilisation[2];          /* point-to-point: each direction (first host -> other, back);
                                       a switch: [0] its one medium */
    double queue_mean;
    uint64_t packets, bytes;
};

/* A timeline event (scenario `events:`) as the run applied it. */
struct vs_applied_event {
    vs_time_ns at_ns;
    bool ok;            /* false: refused at run time (e.g. a guest that no longer runs) */
    char text[112];     /* "pause db-1", "set web load.rate = 4000/s", or why it was refused */
    /* A resource change (set: cpus, cap, weight): when it had taken full
     * effect on every instance (a VM's vCPU hot-plug takes time), from the
     * end of boot as at_ns; -1 for other events. */
    vs_time_ns effective_ns;
    uint32_t event;     /* its index in the scenario's events (the run's copy of them) */
};

/* A figure a kernel component reported (model/component.h): e.g. lifecycle
 * guests_started. */
struct vs_result_figure {
    char component[32];
    char name[48];
    double value;
};

struct vs_run_result {
    char engine[VS_NAME_MAX];
    char approach[VS_NAME_MAX];
    vs_time_ns now_ns;              /* simulated time reached */
    vs_time_ns window_ns;           /* measured time (now - warm-up) */
    uint64_t events;                /* events executed */
    struct vs_host_result host;         /* all hosts together (the one host of a one-host run) */
    struct vs_host_result *hosts;       /* n_hosts, each host on its own, owned */
    uint32_t n_hosts;
    struct vs_link_result *links;       /* n_links, owned */
    uint32_t n_links;
    struct vs_guest_result *groups;     /* n_groups, owned */
    uint32_t n_groups;
    struct vs_guest_result *instances;  /* n_instances, owned */
    uint32_t n_instances;
    struct vs_applied_event *applied;   /* n_applied timeline events so far, owned */
    uint32_t n_applied;
    struct vs_result_figure *figures;   /* n_figures, from the components' snapshot hooks, owned */
    uint32_t n_figures;
    struct vs_migration_record *migrations;   /* n_migrations, owned (NULL when none) */
    uint32_t n_migrations;
    struct vs_checkpoint_record *checkpoints; /* n_checkpoints, owned (NULL when none) */
    uint32_t n_checkpoints;
    struct vs_outage_record *outages;         /* n_outages, owned (NULL when none) */
    uint32_t n_outages;
};

/* A figure over replications: the mean and its 95 % confidence interval
 * (Student's t over the replications). With one replication, low and high
 * are NaN: there is no interval to give. */
struct vs_estimate {
    double mean, low, high;
};

/* What a group's headline score measures, which depends on its load:
 * - an open load the engine carries completes the same requests under every
 *   engine, so throughput cannot differ: the score is the host CPU time each
 *   request costs (its overhead), with the latency beside it;
 * - a closed loop (and an open load the engine cannot carry: drops, or fewer
 *   completions than arrivals) is limited by capacity: the score is the
 *   throughput;
 * - a batch is the time to finish it: the score is its speed (the baseline's
 *   completion time over this one's). */
enum vs_score_kind { VS_SCORE_COST, VS_SCORE_THROUGHPUT, VS_SCORE_SPEED };
const char *vs_score_kind_name(enum vs_score_kind k); /* "cpu per request", "throughput", "speed" */

/* One group under one engine over the replications. Ratios are against the
 * baseline engine, per replication (the same seeds, so the same requests:
 * common random numbers), then averaged: a ratio's interval is the
 * interval of the paired ratios. The headline `score` is higher-is-better
 * (1.00 = baseline): throughput ratio, speed ratio, or baseline cost over
 * this cost (for cost, `cost_ratio` says it the other way: 1.4 = 40 % more
 * CPU per request). */
struct vs_group_score {
    enum vs_score_kind kind;
    bool saturated;                 /* an open load this engine could not carry (some replication) */
    struct vs_estimate score;       /* the headline, 1.00 = baseline, higher is better */
    struct vs_estimate cost_ns;     /* host CPU per completed request */
    struct vs_estimate cost_ratio;  /* cost_ns / the baseline's */
    struct vs_estimate throughput_per_s;
    struct vs_estimate throughput_ratio;
    struct vs_estimate p50_ns, p99_ns;
    struct vs_estimate p99_ratio;
    struct vs_estimate completion_ns; /* batch */
};

struct vs_scores {
    uint32_t reps;                  /* replications behind every estimate */
    uint32_t baseline;              /* the engine ratios are against (native if it ran, else the first) */
    uint32_t n_engines, n_groups;
    struct vs_group_score *groups;  /* [engine * n_groups + group], owned; NULL: no scores */
};

struct vs_results {
    char scenario[VS_NAME_MAX];
    char description[VS_TEXT_MAX];
    uint64_t seed;
    vs_time_ns duration_ns, warmup_ns;
    struct vs_run_result *runs;     /* n_runs, owned: the first replication's runs, in full */
    uint32_t n_runs;
    struct vs_scores scores;        /* over every replication (out/scores.h) */
    /* Stopped before the end (Ctrl-C): the runs cover only what was simulated
     * (the last one stopped at its now_ns, later engines missing) and the
     * scores only the replications that had finished. */
    bool partial;
};

/* Density (virtsim density): what the search found per engine. The runner
 * is run/density.c; these types live here so outputs need not know it. */
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

enum vs_resource { VS_RES_CPU, VS_RES_MEMORY, VS_RES_DISK, VS_RES_NIC, VS_RES_NONE };
const char *vs_resource_name(enum vs_resource r);

#define VS_DENSITY_MAX_POINTS 64

/* How a probe's verdict was reached (run/density.c explains why each is
 * exact). */
enum vs_probe_basis {
    VS_PROBE_FULL,   /* the whole run simulated: every figure is the run's */
    VS_PROBE_EARLY,  /* stopped once the verdict was certain: the figures cover measured_ns */
    VS_PROBE_MEMORY  /* more guests than fit in memory, known without simulating: no figures */
};
const char *vs_probe_basis_name(enum vs_probe_basis b);

/* One probe: n guests, and what they got. */
struct vs_density_point {
    uint32_t guests;
    bool ok;                    /* every SLA held and every guest started */
    enum vs_probe_basis basis;
    int64_t measured_ns;        /* the measurement window the figures cover (0: none) */
    double throughput_per_guest;
    double served_fraction;     /* completed / arrived in the window */
    int64_t p50_ns, p99_ns;
    double cpu_util, mem_used_fraction, disk_util, nic_util;
    uint32_t failed;            /* guests that did not fit in memory */
    double steal_fraction;      /* the guests' steal time: waiting for a core over their vCPU time */
};

struct vs_density_result {
    char engine[VS_NAME_MAX];
    char approach[VS_NAME_MAX];
    uint32_t density;           /* the largest n that met every SLA (0: not even one) */
    bool capped;                /* the search reached --max without failing */
    enum vs_resource limit;     /* what ran out first at density + 1 */
    struct vs_mem_parts memory_per_guest;
    double usable_memory_bytes;
    /* --overcommit: memory each mechanism saves per guest once settled
     * (sharing: the identical pages, held once per host; ballooning: the
     * page cache its balloon holds). */
    double saved_sharing_bytes, saved_balloon_bytes;
    /* --overcommit vcpus: the guests whose vCPUs fit the host's cores one
     * each (vcpu_fit), the density without vCPU overcommit (the most of
     * those that met every SLA) and the steal time at the density. */
    uint32_t vcpu_fit, density_without_vcpu_overcommit;
    double steal_at_density;
    struct vs_density_point points[VS_DENSITY_MAX_POINTS]; /* sorted by guests */
    uint32_t n_points;
    /* The overhead side of the trade-off, filled by run/tradeoff.c (never
     * by the search itself): host CPU per completed operation of one guest
     * alone, by category, and the operations behind it (0: not measured). */
    double cpu_per_op_ns[VS_CAT_COUNT];
    uint64_t cost_ops;
};

/* A run sampled over time (run/stepper.h): per engine, on its own clock
 * from the start of its simulation (boot included), each guest group's
 * completion rate, and what happened (boots, timeline events, batches
 * finishing) marked: the timeline chart's data. */
#define VS_TIMELINE_MAX_SAMPLES 256
#define VS_TIMELINE_MAX_MARKS 32
#define VS_TIMELINE_MAX_GROUPS 8

struct vs_timeline_series {
    char engine[VS_NAME_MAX];
    vs_time_ns at_ns[VS_TIMELINE_MAX_SAMPLES];  /* the end of each sample's interval */
    double rate_per_s[VS_TIMELINE_MAX_GROUPS][VS_TIMELINE_MAX_SAMPLES]; /* per group */
    uint32_t n;
    vs_time_ns booted_ns;                       /* when its last guest had booted */
    vs_time_ns end_ns;                          /* when its run ended */
    vs_time_ns mark_ns[VS_TIMELINE_MAX_MARKS];
    char mark_label[VS_TIMELINE_MAX_MARKS][48];
    uint32_t n_marks;
};

struct vs_timeline {
    char scenario[VS_NAME_MAX];
    char group[VS_TIMELINE_MAX_GROUPS][VS_NAME_MAX];
    bool batch[VS_TIMELINE_MAX_GROUPS];
    uint32_t n_groups;                          /* the first VS_TIMELINE_MAX_GROUPS groups */
    struct vs_timeline_series series[VS_MAX_ENGINES];
    uint32_t n_series;
};

/* The migrating guest through its migration (chart kind `migration`): per
 * engine, its group's throughput and p99 latency at each step (the p99 of
 * the requests completed in that step, to the histogram's bucket: within a
 * factor of 2), and the migration's moments. Times from the end of boot. */
struct vs_migration_series {
    char engine[VS_NAME_MAX];
    vs_time_ns at_ns[VS_TIMELINE_MAX_SAMPLES];
    double rate_per_s[VS_TIMELINE_MAX_SAMPLES];
    double p99_ns[VS_TIMELINE_MAX_SAMPLES];   /* NaN: nothing completed in the step */
    uint32_t n;
    struct vs_migration_record migration;     /* the first migration of the run (done or not) */
    bool has_migration;
};

struct vs_migration_view {
    char scenario[VS_NAME_MAX];
    char group[VS_NAME_MAX];                  /* the migrating guest's group */
    vs_time_ns step_ns;
    struct vs_migration_series series[VS_MAX_ENGINES];
    uint32_t n_series;
};

/* Host CPU time a guest (or group) used, all categories but idle. */
double vs_guest_cpu_ns(const struct vs_guest_result *g);
/* Its steal time: the share of its vCPUs' time they were runnable but had
 * no core (cpu_wait_ns / vcpu_ns; waiting out a cap counts, as Xen and
 * Linux report it), 0..1; 0 when it had no vCPU time. */
double vs_guest_steal_fraction(const struct vs_guest_result *g);

/* Frees what a run result owns (not the struct itself). */
void vs_run_result_free(struct vs_run_result *r);
void vs_results_free(struct vs_results *r);

#endif
