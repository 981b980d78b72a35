/* The engine interface: how a virtualization approach turns guest-visible
 * operations into host work. One table of operations per approach, one file
 * per approach in approaches/, one registry (approaches/registry.c). An engine
 * only prices operations; the event core does the queueing, contention and
 * scheduling, so every figure comes out of the mechanism. */
#ifndef VIRTSIM_ENGINE_H
#define VIRTSIM_ENGINE_H

#include <stddef.h>
#include "virtsim/error.h"
#include "virtsim/event.h"
#include "virtsim/host.h"
#include "virtsim/memory.h"
#include "virtsim/ops.h"
#include "virtsim/scenario.h"
#include "virtsim/workload.h"

struct vs_engine_ops {
    const char *name;     /* as written in `compare:`, e.g. "native" */
    const char *approach; /* "native", "emulation", "paravirt", "hvm", "oslevel" */
    const char *summary;  /* one line for `virtsim list approaches` */

    /* Builds the engine's private state for one run from the host profile
     * (its cost constants). *state is owned by the engine: freed by destroy. */
    int (*create)(const struct vs_host_spec *host, void **state, struct vs_error *err);
    void (*destroy)(void *state);

    /* Adds to w the host work of `count` operations of kind `op` performed by
     * a guest running workload wl; for I/O operations `bytes` is the size of
     * each. Must be a pure function of its arguments (determinism). */
    void (*cost)(const void *state, const struct vs_workload *wl, enum vs_op_kind op,
                 double count, double bytes, struct vs_work *w);

    /* Resident memory one instance of guest g needs on the host, by part. */
    void (*memory)(const void *state, const struct vs_guest_spec *g, struct vs_mem_parts *out);

    /* Time from creation until the guest serves its first request (boot or start). */
    vs_time_ns (*start_time)(const void *state, const struct vs_guest_spec *g);
};

/* An engine opened for one run. */
struct vs_engine {
    const struct vs_engine_ops *ops;
    void *state;
};

/* Registry. */
size_t vs_engine_count(void);
const struct vs_engine_ops *vs_engine_at(size_t i);
const struct vs_engine_ops *vs_engine_find(const char *name); /* NULL if unknown */
/* Comma-separated list of every name, for error messages. */
const char *vs_engine_names(void);

/* Opens an engine by name for a host. On success the caller owns *out and
 * releases it with vs_engine_close. VS_ERR_INPUT for an unknown name. */
int vs_engine_open(const char *name, const struct vs_host_spec *host, struct vs_engine *out,
                   struct vs_error *err);
void vs_engine_close(struct vs_engine *e);

#endif
