/* `virtsim isolation`: performance isolation measured the way an
 * experimenter would. A scenario with a victim group (`victim: true`, or
 * named on the command line) runs, per replication and engine, with the
 * victim alone (its neighbours, the other groups, removed; the groups it
 * exchanges packets with stay), beside each neighbour group on its own, and
 * beside all of them (the scenario as written), under the same seed, so the
 * victim draws the very same requests (common random numbers). Its
 * slowdown is the ratio of each figure beside neighbours to the figure
 * alone, per replication, then averaged with a 95 % interval. Where the time went
 * comes from the run's results: the CPU it spent on shared kernel locks,
 * the host's I/O back end and LLC evictions (host/contention.h), and the
 * time it waited for a core. */
#ifndef VIRTSIM_RUN_ISOLATION_H
#define VIRTSIM_RUN_ISOLATION_H

#include <stdio.h>
#include "virtsim/core/error.h"
#include "virtsim/out/chart.h"
#include "virtsim/out/report.h"
#include "virtsim/out/results.h"
#include "virtsim/spec/scenario.h"

#define VS_ISOLATION_DEFAULT_REPS 5

struct vs_isolation_opts {
    const char *victims; /* comma-separated group names; NULL: the groups marked victim: true */
    uint32_t reps;       /* replications, >= 1 */
    uint32_t threads;    /* 0: the CPUs */
    uint64_t seed;
};

/* One victim group under one engine. Ratios are with neighbours / alone
 * (throughput: below 1 is slower; p99 and CPU per request: above 1). */
struct vs_isolation_row {
    char neighbours[256]; /* the neighbour groups beside the victim in this row, "+"-separated */
    char engine[VS_NAME_MAX], approach[VS_NAME_MAX], group[VS_NAME_MAX], workload[VS_NAME_MAX];
    struct vs_estimate throughput_ratio, p99_ratio, cpu_per_request_ratio;
    struct vs_estimate throughput_alone_per_s, throughput_with_per_s;
    struct vs_estimate p99_alone_ns, p99_with_ns;
    /* Means over the replications, per completed request with neighbours:
     * CPU paid to shared structures by kind, and time runnable without a
     * core (alone and with). */
    double contention_ns_per_request[VS_CONT_KINDS];
    double cpu_wait_ns_per_request_alone, cpu_wait_ns_per_request_with;
    bool completed_nothing; /* in some replication the victim completed nothing: no ratio */
};

struct vs_isolation {
    char scenario[VS_NAME_MAX];
    char description[VS_TEXT_MAX];
    uint64_t seed;
    uint32_t reps;
    char victims[512], neighbours[512]; /* group names, "+"-separated */
    /* n_rows, owned: by neighbour set (each neighbour group in scenario
     * order, then all of them when there are several), then engine, then
     * victim */
    struct vs_isolation_row *rows;
    uint32_t n_rows;
};

/* The scenario with only the groups keep[] marks: timeline events aimed
 * at a removed group or one of its instances are dropped. Fills the
 * caller's *out. */
void vs_isolation_subset(const struct vs_scenario *sc, const bool *keep, struct vs_scenario *out);

/* Runs the comparison. VS_ERR_INPUT (positioned at the scenario's file)
 * without a victim, for an unknown victim, a scenario with a sweep, or one
 * without neighbours. Caller frees out with vs_isolation_free. */
int vs_isolation_run(const struct vs_scenario *sc, const struct vs_isolation_opts *o, struct vs_isolation *out,
                     struct vs_error *err);
void vs_isolation_free(struct vs_isolation *r);

/* The report: a table, CSV (one row per engine and victim) or JSON;
 * docs/output-formats.md. VS_ERR_RUNTIME when writing fails. */
int vs_isolation_write(FILE *f, const struct vs_isolation *r, enum vs_report_format fmt, struct vs_error *err);

/* The chart of `virtsim isolation --chart`: for the first victim, its p99
 * beside each neighbour set over its p99 alone, one bar per engine, with
 * the 95 % interval as a whisker, and a line at 1.00 (= alone). */
void vs_isolation_chart(const struct vs_isolation *r, struct vs_chart *c);

#endif
