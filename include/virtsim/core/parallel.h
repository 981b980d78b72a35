/* Running independent jobs on the machine's cores. Each job writes only its
 * own output slot, so the results do not depend on the thread count or on
 * which thread ran what: parallel runs are identical to serial ones. */
#ifndef VIRTSIM_PARALLEL_H
#define VIRTSIM_PARALLEL_H

#include <stdint.h>

/* Calls fn(ctx, i) once for every i in [0, n), on up to `threads` threads
 * (0: the number of online CPUs; the calling thread works too). Returns when
 * all calls have returned. */
void vs_parallel_for(uint32_t n, uint32_t threads, void (*fn)(void *ctx, uint32_t i), void *ctx);

/* The threads a `threads` argument means: itself, or the number of online
 * CPUs for 0 (at least 1). */
uint32_t vs_parallel_threads(uint32_t threads);

#endif
