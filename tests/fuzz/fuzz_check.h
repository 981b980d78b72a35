/* The contract every reader is fuzzed against, beyond "does not crash":
 * a refusal is a status (input or runtime error) with a message saying
 * why, never a bare failure. Broken, it aborts, which libFuzzer reports. */
#ifndef VIRTSIM_FUZZ_CHECK_H
#define VIRTSIM_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include "virtsim/core/error.h"

static inline void fuzz_check_refusal(int rc, const struct vs_error *e)
{
    if (rc == VS_OK) return;
    if (rc != VS_ERR_INPUT && rc != VS_ERR_RUNTIME) {
        fprintf(stderr, "fuzz: status %d is not a vs_status\n", rc);
        abort();
    }
    if (!e->message[0]) {
        fprintf(stderr, "fuzz: refused (status %d) without a message\n", rc);
        abort();
    }
}

#endif
