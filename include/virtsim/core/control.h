/* What the user controls of a run while it runs, shared by every simulation
 * of the run (they may be in parallel threads): its memory budget, a request
 * to stop, and the counters a progress display reads. The model only writes
 * the counters and reads the stop request; drawing them is the UI's job. A
 * simulation finds the control through its scenario (vs_scenario.control);
 * a scenario without one runs unlimited, unstoppable and uncounted, as in
 * the unit tests. None of it changes what a run computes. */
#ifndef VIRTSIM_CONTROL_H
#define VIRTSIM_CONTROL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "virtsim/core/budget.h"

struct vs_control {
    struct vs_budget budget;
    /* Set (from a signal handler: a lock-free atomic store is safe there) to
     * stop every simulation at its next event boundary. */
    atomic_bool stop;
    /* Progress over every simulation of the run. */
    _Atomic uint64_t events;        /* events run */
    _Atomic int64_t done_ns;        /* simulated time run */
    _Atomic int64_t started_ns;     /* simulated time the simulations begun so far will run */
    _Atomic uint32_t runs_started;  /* simulations begun */
    _Atomic uint32_t runs_planned;  /* simulations the runner expects in all (0: unknown) */
};

/* A control with a budget of limit_bytes (0: none), no stop, counters at 0. */
void vs_control_init(struct vs_control *c, uint64_t budget_bytes);

/* Asks every simulation to stop at its next event boundary (async-signal-safe). */
void vs_control_request_stop(struct vs_control *c);
bool vs_control_stopped(const struct vs_control *c);

/* Adds `runs` simulations to what the runner plans (async counters). */
void vs_control_plan(struct vs_control *c, uint32_t runs);

/* A snapshot of the progress counters. fraction is the share of the planned
 * simulated time done, in [0, 1], or -1 when it cannot be told (nothing has
 * begun, or the runner does not know how many simulations it will run). */
struct vs_progress {
    uint64_t events;
    int64_t done_ns;
    int64_t total_ns;  /* estimated: the mean run's length times the runs planned; 0 if unknown */
    uint32_t runs_started, runs_planned;
    double fraction;
};
void vs_control_progress(const struct vs_control *c, struct vs_progress *out);

#endif
