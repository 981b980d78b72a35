/* Parameter paths (see params.c): resolve a path such as guests.web.count
 * in a scenario, tell its unit, set it within its range. */
#ifndef VIRTSIM_LOAD_PARAMS_H
#define VIRTSIM_LOAD_PARAMS_H

#include <stddef.h>
#include <stdint.h>
#include "virtsim/core/error.h"
#include "virtsim/core/units.h"
#include "virtsim/spec/scenario.h"

/* Checks that `param` names a numeric parameter of sc; sets the unit its
 * values are written in. Returns 0, or -1 with a sentence in why. */
int vs_param_unit(const struct vs_scenario *sc, const char *param, enum vs_unit_kind *unit,
                  char *why, size_t why_len);

/* Sets the parameter in sc. Returns 0, or -1 with a sentence in why. */
int vs_param_set(struct vs_scenario *sc, const char *param, double value, char *why, size_t why_len);

/* The scenario of sweep point k (0-based): sc with its sweep parameter set. */
int vs_param_sweep_point(const struct vs_scenario *sc, uint32_t k, struct vs_scenario *out,
                         struct vs_error *err);

#endif
