/* Density: how many identical guests a host holds under each approach while
 * every SLA still holds. Measured, not asserted: each probe is a simulation
 * of n guests, except that counts beyond what fits in memory are decided
 * without one and a probe without an SLA stops as soon as its verdict is
 * certain. The default search aims at the boundary from what its first
 * probes measured and proves it there (n passes, n + 1 fails); the
 * reference (opts.exhaustive) doubles, then bisects, every probe simulated
 * in full. Both find the same density and limit where the verdict is
 * monotonic in n (run/density.c; tests/unit/test_density.c). */
#ifndef VIRTSIM_DENSITY_H
#define VIRTSIM_DENSITY_H

#include <stdbool.h>
#include <stdio.h>
#include "virtsim/core/error.h"
#include "virtsim/out/results.h"
#include "virtsim/spec/scenario.h"

/* Parses "p99<20ms", "p50<5ms", "throughput>=95%". VS_ERR_INPUT with a
 * sentence in err otherwise. */
int vs_sla_parse(const char *text, struct vs_sla *out, struct vs_error *err);

struct vs_density_opts {
    struct vs_sla slas[8];
    uint32_t n_slas;
    uint32_t max_guests;        /* search bound, <= VS_MAX_GUESTS */
    uint32_t threads;           /* simulations at once: approaches searched in parallel, and
                                   probes of one run ahead when a thread is free (0: number
                                   of CPUs); the result does not depend on it */
    bool exhaustive;            /* the reference search: doubling then bisection, every probe a
                                   full simulation (no aim, no memory bound, no early stop); the
                                   default search is tested against it */
    /* --overcommit: guests counted with page sharing and/or ballooning
     * settled (sim/comp/memmgmt.c, mm_admit), where the system has them. */
    bool overcommit_sharing, overcommit_balloon;
    /* --overcommit vcpus: the count is also given without vCPU overcommit
     * (every vCPU a core of its own), so the report says how many guests
     * overcommitting vCPUs made room for; every probe runs in full, so its
     * steal time is measured. The search itself always lets vCPUs share
     * cores (the scheduler does, and the SLAs judge the result). */
    bool overcommit_vcpus;
    /* --curve / --step N: once the density is found, also probes (in full)
     * every curve_step guests up to it, the density and one guest more,
     * so the curve is measured all along, not only where the search
     * looked. curve alone: the step that vs_chart_curve_join joins (a
     * sixteenth of the density). It never changes the density, the limit
     * or any figure of the search: the probes come after it. */
    bool curve;
    uint32_t curve_step;
};

/* Searches every engine of sc (its first guest group is the template; its
 * count is what the search varies). out has sc->n_engines entries, filled
 * in engine order; the result is the same whatever the thread count. */
/* Parses --overcommit's list (sharing, balloon, vcpus, comma-separated).
 * VS_ERR_INPUT otherwise. */
int vs_density_parse_overcommit(const char *text, struct vs_density_opts *o, struct vs_error *err);

int vs_density_run(const struct vs_scenario *sc, const struct vs_density_opts *o,
                   struct vs_density_result *out, struct vs_error *err);

void vs_density_write_table(FILE *f, const struct vs_scenario *sc, const struct vs_density_opts *o,
                            const struct vs_density_result *r, uint32_t n);
void vs_density_write_csv(FILE *f, const struct vs_density_result *r, uint32_t n);
/* The density JSON (docs/output-formats.md); VS_ERR_RUNTIME if writing fails. */
int vs_density_write_json(FILE *f, const struct vs_scenario *sc, const struct vs_density_opts *o,
                          const struct vs_density_result *r, uint32_t n, struct vs_error *err);

/* The parts of one result's JSON object, written the same way by
 * vs_density_write_json and the TUI's Density export: engine to
 * memory per guest; the --overcommit vcpus keys; the curve (with each
 * point's steal when vCPU overcommit was asked for). */
struct vs_json;
void vs_density_json_head(struct vs_json *w, const struct vs_density_result *x);
void vs_density_json_vcpus(struct vs_json *w, const struct vs_density_result *x);
void vs_density_json_curve(struct vs_json *w, const struct vs_density_result *x, bool with_steal);

#endif
