/* Reading back the JSON virtsim writes (json.h), so charts can be remade
 * without simulating again: the report of `virtsim run`/`compare --format
 * json` and the result of `virtsim density --format json`. JSON is YAML, so
 * the positioned YAML tree (load/yamltree.h) parses it; these readers check
 * every value they take (kind, number syntax, range, the runs agreeing with
 * each other) and fail with FILE:LINE:COL and what was expected, never by
 * reading what is not there. */
#ifndef VIRTSIM_JSON_READ_H
#define VIRTSIM_JSON_READ_H

#include <stddef.h>
#include "virtsim/core/error.h"
#include "virtsim/out/results.h"
#include "virtsim/spec/scenario.h"

/* A whole file into memory, NUL-terminated; *len excludes the NUL. On
 * success the caller frees *text; on failure *text is NULL. */
int vs_json_read_file(const char *path, char **text, size_t *len, struct vs_error *err);

/* The figures the relative and breakdown charts need from a report: the
 * scenario's name, each run's engine and, per guest group, its name,
 * throughput, batch flag, completion time and CPU time by category. Every
 * run must have the same groups as the first. On success the caller frees
 * *r with vs_results_free; on failure *r holds nothing. */
int vs_json_load_results(const char *path, struct vs_results *r, struct vs_error *err);

/* A density result: sc gets the workload and host names, n_guests 1 and one
 * engine per result; *out gets sc->n_engines results with their density and
 * the probes of their search (guests, p99, failed). On success the caller
 * frees *out with free(); on failure *out is NULL. */
int vs_json_load_density(const char *path, struct vs_scenario *sc, struct vs_density_result **out,
                         struct vs_error *err);

#endif
