/* The memory budget: one limit on the bytes held by everything in a run
 * that grows with the load (the event queue, the disk, NIC and link queues,
 * packets in flight, per-request records), counted here and nowhere else.
 *
 * A run has one struct vs_budget, shared by all its simulations (they may
 * run in parallel threads, so its counter is atomic). Each simulation
 * charges it through its own struct vs_mem_account, which remembers the
 * first request it refused: which structure wanted to grow, how much it
 * held and how much more it wanted, for the error message. A structure
 * charges the new block in full before it frees the old one, so the budget
 * also bounds the moment when both exist. */
#ifndef VIRTSIM_BUDGET_H
#define VIRTSIM_BUDGET_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "virtsim/core/error.h"

/* Ceilings of the default: a quarter of physical memory, at least 256 MiB. */
#define VS_BUDGET_DEFAULT_FRACTION 4
#define VS_BUDGET_DEFAULT_MIN_BYTES (UINT64_C(256) << 20)
/* The smallest budget --memory-budget accepts. */
#define VS_BUDGET_MIN_BYTES (UINT64_C(1) << 20)

struct vs_budget {
    uint64_t limit_bytes;          /* 0: no limit */
    _Atomic uint64_t used_bytes;   /* held now, every simulation of the run */
    _Atomic uint64_t peak_bytes;
};

/* A budget of limit_bytes (0: none), nothing held. */
void vs_budget_init(struct vs_budget *b, uint64_t limit_bytes);

/* The default limit: a quarter of this machine's physical memory (sysconf),
 * or of the control group's limit when that is lower, and at least
 * VS_BUDGET_DEFAULT_MIN_BYTES. */
uint64_t vs_budget_default_bytes(void);

uint64_t vs_budget_used(const struct vs_budget *b);
uint64_t vs_budget_peak(const struct vs_budget *b);

/* One simulation's part of a budget. Not thread-safe: one simulation, one thread. */
struct vs_mem_account {
    struct vs_budget *budget;  /* NULL: nothing is limited (still counted) */
    uint64_t held_bytes;       /* what this simulation holds */
    bool refused;              /* a growth was refused; what follows says which */
    char refused_what[96];     /* "the NIC transmit queue of host a" */
    uint64_t refused_held_bytes, refused_wanted_bytes;
};

void vs_mem_account_init(struct vs_mem_account *a, struct vs_budget *b);

/* Asks for `bytes` more for the structure `what` that holds `held_bytes`
 * now. true: granted and counted; false: it would pass the budget; nothing
 * is counted and the refusal is recorded (the first one only). a may be NULL
 * (then every request is granted). */
bool vs_mem_take(struct vs_mem_account *a, uint64_t bytes, const char *what, uint64_t held_bytes);

/* Gives back bytes taken earlier. a may be NULL. */
void vs_mem_give(struct vs_mem_account *a, uint64_t bytes);

/* Gives back everything the account still holds (when its simulation ends). */
void vs_mem_account_close(struct vs_mem_account *a);

/* The error for the recorded refusal (VS_ERR_RUNTIME): the structure, what it
 * held and wanted, the budget and how to raise it. */
int vs_mem_refusal_error(const struct vs_mem_account *a, struct vs_error *err);

#endif
