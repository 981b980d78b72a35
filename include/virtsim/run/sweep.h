/* Parameter sweeps: a scenario's `sweep:` names one numeric parameter (a
 * path such as guests.web.count) and the values it takes; each value is a
 * full run of the scenario. Points run in parallel with results identical to
 * a serial run, or as independent command lines (--emit-jobs) whose CSV
 * outputs `virtsim merge` puts back together (out/merge.c). */
#ifndef VIRTSIM_SWEEP_H
#define VIRTSIM_SWEEP_H

#include <stdio.h>
#include "virtsim/core/error.h"
#include "virtsim/out/results.h"
#include "virtsim/spec/scenario.h"
#include "virtsim/core/units.h"

/* Runs points [first, first + n) of the sweep (all engines each), `threads`
 * at a time (0: the CPUs). out[i] is point first + i; caller frees each with
 * vs_results_free. Same results whatever the thread count. On
 * VS_ERR_INTERRUPTED (a stop request) every point keeps what it ran; those
 * that did not finish are marked partial. */
int vs_sweep_run(const struct vs_scenario *sc, uint64_t seed, uint32_t first, uint32_t n,
                 uint32_t threads, struct vs_results *out, struct vs_error *err);

/* Writes points [first, first + n) in a format of report.h's, each row led by
 * sweep_point, sweep_param and sweep_value (CSV), a section per point
 * (table) or a "points" array (JSON). */
int vs_sweep_write(FILE *f, const struct vs_scenario *sc, uint32_t first, const struct vs_results *pts,
                   uint32_t n, int format, struct vs_error *err);

/* The CSV files of the points are merged back by out/merge.h. */

#endif
