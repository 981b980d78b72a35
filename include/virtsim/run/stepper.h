/* Stepping: one simulation per engine of a scenario, advanced side by side a
 * step at a time and sampled. The terminal UI and the timeline chart both
 * use it, so "throughput now" means one thing everywhere: completions since
 * the previous sample divided by the simulated time that really passed
 * between the two samples (a last step may be short; an engine that boots
 * late has no samples before it runs). State changes (a group booted or
 * finished its batch, a timeline event applied) are reported once each, in
 * the order they happened per engine. */
#ifndef VIRTSIM_RUN_STEPPER_H
#define VIRTSIM_RUN_STEPPER_H

#include <stdbool.h>
#include <stdint.h>
#include "virtsim/core/error.h"
#include "virtsim/out/results.h"
#include "virtsim/spec/scenario.h"

struct vs_stepper; /* opaque */

struct vs_step_sample {
    vs_time_ns at_ns;
    double rate_per_s;  /* completions per simulated second since the previous sample */
};

struct vs_step_change {
    uint32_t engine;
    vs_time_ns at_ns;   /* simulated time: when a state change was seen (the end of the
                           step that saw it); when a timeline event was applied */
    char text[120];     /* "kvm: web booted", "kvm: event: pause db-1" */
};

/* Builds one simulation per engine of sc with `seed`; a sample is taken
 * every sample_period_ns of simulated time (and at the end), and the last
 * `history` samples per engine are kept. Caller owns *out: free with
 * vs_stepper_destroy. */
int vs_stepper_create(const struct vs_scenario *sc, uint64_t seed, vs_time_ns sample_period_ns,
                      uint32_t history, struct vs_stepper **out, struct vs_error *err);
void vs_stepper_destroy(struct vs_stepper *st);

/* Advances every engine that is not done by dt of simulated time, refreshes
 * the snapshots, samples where a period has passed, records changes. */
int vs_stepper_advance(struct vs_stepper *st, vs_time_ns dt, struct vs_error *err);

uint32_t vs_stepper_engines(const struct vs_stepper *st);
/* Every engine's latest snapshot, an array of vs_stepper_engines() entries
 * owned by the stepper, valid until its next advance or its destruction. */
const struct vs_run_result *vs_stepper_snapshots(const struct vs_stepper *st);
bool vs_stepper_engine_done(const struct vs_stepper *st, uint32_t engine);
/* When an engine's last guest finishes booting, on its own clock: its
 * warm-up, measurement window and timeline count from there, so an engine
 * runs until this plus the scenario's duration (known from the start: boot
 * times are the engines' own figures). */
vs_time_ns vs_stepper_boot_end(const struct vs_stepper *st, uint32_t engine);
bool vs_stepper_done(const struct vs_stepper *st);

/* The samples kept for an engine, oldest first: sets *n, returns a view
 * valid until the next advance. */
const struct vs_step_sample *vs_stepper_samples(const struct vs_stepper *st, uint32_t engine,
                                                uint32_t *n);

/* Changes since the last call, oldest first: sets *n, returns a view valid
 * until the next advance; the next call returns only newer ones. */
const struct vs_step_change *vs_stepper_take_changes(struct vs_stepper *st, uint32_t *n);

/* The group of the scenario's first `migrate` event, through the run,
 * every step_ns, under every engine (the migration chart's data).
 * VS_ERR_INPUT if the scenario migrates nothing. */
int vs_stepper_migration(const struct vs_scenario *sc, uint64_t seed, vs_time_ns step_ns,
                         struct vs_migration_view *out, struct vs_error *err);

/* The whole run of every engine on its own clock (boot included), sampled
 * every step_ns (every 2^k step_ns when a run is longer than
 * VS_TIMELINE_MAX_SAMPLES steps): each guest group's completion rate, and
 * each engine's changes (boots, timeline events, batches finishing) as its
 * marks (the timeline chart's data). */
int vs_stepper_timeline(const struct vs_scenario *sc, uint64_t seed, vs_time_ns step_ns,
                        struct vs_timeline *out, struct vs_error *err);

#endif
