/* Common includes for the cmocka unit tests. */
#ifndef VIRTSIM_TESTUTIL_H
#define VIRTSIM_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "virtsim/out/results.h"

/* Asserts |actual - expected| <= rel * |expected|, printing both on failure. */
#define assert_within_rel(actual, expected, rel)                                               \
    do {                                                                                       \
        double a_ = (double)(actual), e_ = (double)(expected);                                 \
        if (!(fabs(a_ - e_) <= (rel) * fabs(e_))) {                                            \
            print_error("%s = %.6g, expected %.6g within %.3g%%\n", #actual, a_, e_,          \
                        100.0 * (rel));                                                        \
            fail();                                                                            \
        }                                                                                      \
    } while (0)

/* The first group's results under the named engine (fails the test if no
 * run has that engine). */
static inline const struct vs_guest_result *run_of(const struct vs_results *r, const char *engine)
{
    for (uint32_t k = 0; k < r->n_runs; k++)
        if (strcmp(r->runs[k].engine, engine) == 0) return &r->runs[k].groups[0];
    fail_msg("no run for %s", engine);
    return NULL;
}

#endif
