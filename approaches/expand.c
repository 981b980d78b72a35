/* Composite operations, expanded once for every engine. A composite (fork +
 * exec) is a bundle of primitive operations whose counts come from the host
 * profile; vs_engine_price expands it here and hands each primitive to the
 * engine's own cost(), so no engine special-cases a composite, and what a
 * fork costs under an approach follows from how that approach prices page-
 * table updates, faults, system calls and kernel instructions. Adding a
 * composite: the operation in core/ops.h and one entry in the table below.
 * The table is documented in docs/cost-rules.md. */
#include "virtsim/model/engine.h"

/* How a step's count per composite is written in the table: a host-profile
 * constant, or a number that does not depend on the host. */
#define PER_HOST(id) .count_from = VS_STEP_HOST_COST, .cost = (id)
#define FIXED(n) .count_from = VS_STEP_FIXED, .fixed = (n)

/* Indexed by operation; a primitive operation has no entry (no steps). The
 * steps are priced in this order, which fixes the order in which cycles add
 * up (determinism). */
static const struct vs_op_expansion expansions[VS_OP_COUNT] = {
    /* fork + exec: fork, execve, wait and exit; the kernel's own work; the
     * parent's PTEs copied and marked copy-on-write; exec loading the new
     * address space (a CR3 load); the child's faults. The switches between
     * parent and child are the workload's context switches (and, being
     * between address spaces, its CR3 loads). */
    [VS_OP_PROCESS_CREATE] = {
        .event = VS_EVT_PROCESS_CREATE,
        .steps = {
            {.op = VS_OP_SYSCALL, PER_HOST(VS_COST_FORK_SYSCALLS)},
            {.op = VS_OP_KERNEL_INSTRUCTION, PER_HOST(VS_COST_FORK_KERNEL_INSTRUCTIONS)},
            {.op = VS_OP_PT_UPDATE, PER_HOST(VS_COST_FORK_PT_UPDATES)},
            {.op = VS_OP_CR3_LOAD, FIXED(1)},
            {.op = VS_OP_PAGE_FAULT, PER_HOST(VS_COST_FORK_PAGE_FAULTS)},
        },
    },
    /* A read served from the page cache: the guest kernel finds the page
     * (radix-tree/xarray lookup, reference count, readahead bookkeeping)
     * and copies a 4 KiB-class block to the user's buffer. Its read system
     * call is already among the workload's syscalls. Kernel instructions,
     * so that every engine prices it as it prices kernel work (the
     * emulators' factor, BT's translated kernel) and nothing else: a VM
     * reads its own cache without an exit, a container the host's.
     * Estimate, docs/cost-model.md (Page cache). */
    [VS_OP_PAGE_CACHE_READ] = {
        .event = VS_EVT_PAGE_CACHE_HIT,
        .steps = {
            {.op = VS_OP_KERNEL_INSTRUCTION, FIXED(VS_PAGE_CACHE_HIT_INSTRUCTIONS)},
        },
    },
};

const struct vs_op_expansion *vs_op_expansion(enum vs_op_kind op)
{
    if ((unsigned)op >= VS_OP_COUNT) return NULL;
    const struct vs_op_expansion *x = &expansions[op];
    return x->steps[0].count_from == VS_STEP_END ? NULL : x;
}

double vs_op_step_count(const struct vs_op_step *step, const struct vs_costs *c)
{
    switch (step->count_from) {
    case VS_STEP_HOST_COST:
        return vs_cost(c, step->cost);
    case VS_STEP_FIXED:
        return step->fixed;
    case VS_STEP_END:
        break;
    }
    return 0;
}

void vs_engine_price(const struct vs_engine *e, const struct vs_host_spec *host,
                     const struct vs_workload *wl, enum vs_op_kind op, double count, double bytes,
                     struct vs_work *w)
{
    const struct vs_op_expansion *x = vs_op_expansion(op);
    if (!x) {
        e->ops->cost(e->state, wl, op, count, bytes, w);
        return;
    }
    /* Steps are primitive (tests/unit/test_expand.c checks the table), so
     * one level of expansion is all there is. */
    for (size_t k = 0; k < VS_OP_MAX_STEPS && x->steps[k].count_from != VS_STEP_END; k++) {
        const struct vs_op_step *step = &x->steps[k];
        e->ops->cost(e->state, wl, step->op, count * vs_op_step_count(step, &host->costs),
                     step->bytes, w);
    }
    w->events[x->event] += count;
}
