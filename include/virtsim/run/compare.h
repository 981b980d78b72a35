/* `virtsim compare`: one workload alone on a host, under each approach, at
 * saturation, scored against native. The runs are ordinary simulations; this
 * module only builds the scenario and presents the comparison. */
#ifndef VIRTSIM_COMPARE_H
#define VIRTSIM_COMPARE_H

#include <stdio.h>
#include "virtsim/core/error.h"
#include "virtsim/out/results.h"
#include "virtsim/spec/scenario.h"

struct vs_compare_opts {
    const char *workload;    /* built-in name or file */
    const char *host;        /* built-in name or file; NULL: "current" */
    const char *approaches;  /* comma-separated presets; NULL: every preset */
    uint32_t vcpus;          /* 0: 2 */
    vs_time_ns duration_ns;  /* 0: 10 s */
    uint64_t seed;
};

/* Builds the comparison scenario: the workload as a saturating closed loop
 * (each client sends its next request as soon as the last completes), native
 * first as the baseline, presets the host cannot run left out and named in
 * `skipped` (comma-separated). Fills the caller's *sc. */
int vs_compare_scenario(const struct vs_compare_opts *o, struct vs_scenario *sc, char *skipped,
                        size_t skipped_len, struct vs_error *err);

/* The same scenario for a command given a workload where it expects a
 * scenario (`virtsim chart WORKLOAD`, `virtsim tui WORKLOAD`): compare's
 * defaults (2 vCPUs, 10 s, every preset the host can run, native first),
 * on `host` (NULL: "current"), with `seed`. Presets the host cannot run are
 * left out, as compare does. Fills the caller's *sc. */
int vs_compare_scenario_for_workload(const char *workload, const char *host, uint64_t seed,
                                     struct vs_scenario *sc, struct vs_error *err);

/* The comparison table: per preset its approach, score (throughput relative
 * to native: 1.00 = native), p99, CPU breakdown and event counts per second. */
void vs_compare_write_table(FILE *f, const struct vs_results *r, const char *skipped);

#endif
