/* Composite operations, expanded once for every engine. A composite (fork +
 * exec) is a bundle of primitive operations whose counts come from the host
 * profile; vs_engine_price expands it here and hands each primitive to the
 * engine's own cost(), so no engine special-cases a composite, and what a
 * fork costs under an approach follows from how that approach prices page-
 * table updates, faults, system calls and kernel instructions. Adding a
 * composite: the operation in core/ops.h and one entry in the table below.
 * The table is documented in docs/cost-rules.md. */
#include "virtsim/model/engine.h"

#include <math.h>

/* How a step's count per composite is written in the table: a host-profile
 * constant, or a number that does not depend on the host. */
#define PER_HOST(id) .count_from = VS_STEP_HOST_COST, .cost = (id)
#define FIXED(n) .count_from = VS_STEP_FIXED, .fixed = (n)
/* Counts that grow with the workload's memory: n per 4 KiB page of it. */
#define PER_FOOTPRINT_PAGE(n) .count_from = VS_STEP_PER_FOOTPRINT_PAGE, .fixed = (n)
#define PER_CODE_PAGE(n, id) .count_from = VS_STEP_PER_CODE_PAGE, .fixed = (n), .cost = (id)

/* A fork on its own (fork, then the child's exit and the parent's wait, as
 * lmbench's lat_proc fork). Linux's copy_page_range (mm/memory.c) walks
 * every present PTE of the parent's private mappings: copy_present_pte
 * writes the child's PTE and write-protects the parent's (two PTE writes
 * per mapped page), and takes a page reference and rmap per page (kernel
 * instructions per page, estimate). The rest (task, mm and VMA copies) is a
 * fixed estimate. docs/cost-model.md (Fork and exec). */
#define FORK_SYSCALLS 3
#define FORK_KERNEL_INSTRUCTIONS 18000
#define FORK_PT_UPDATES_PER_PAGE 2
#define FORK_KERNEL_INSTRUCTIONS_PER_PAGE 80
#define FORK_COW_FAULTS 10 /* the stacks both sides write before exit (estimate) */
/* An exec on its own: execve and the dynamic loader's calls (open, mmap,
 * mprotect of the libraries: about 25 for a small dynamically linked
 * program, strace of /bin/true), the kernel's ELF loading and the
 * teardown of the old space, a CR3 load, one file-backed fault per page of
 * the new image's code and a few zero-fill faults (stack, heap, bss). Its
 * cost does not depend on the parent: the old space it tears down is taken
 * as small (a vfork/posix_spawn child, or the fork's own COW copy). */
#define EXEC_SYSCALLS 25
#define EXEC_KERNEL_INSTRUCTIONS 145000
#define EXEC_ZERO_FILL_FAULTS 30

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
    [VS_OP_FORK] = {
        .event = VS_EVT_FORK,
        .steps = {
            {.op = VS_OP_SYSCALL, FIXED(FORK_SYSCALLS)},
            {.op = VS_OP_KERNEL_INSTRUCTION, FIXED(FORK_KERNEL_INSTRUCTIONS)},
            {.op = VS_OP_KERNEL_INSTRUCTION, PER_FOOTPRINT_PAGE(FORK_KERNEL_INSTRUCTIONS_PER_PAGE)},
            {.op = VS_OP_PT_UPDATE, PER_FOOTPRINT_PAGE(FORK_PT_UPDATES_PER_PAGE)},
            {.op = VS_OP_COW_FAULT, FIXED(FORK_COW_FAULTS)},
        },
    },
    [VS_OP_EXEC] = {
        .event = VS_EVT_EXEC,
        .steps = {
            {.op = VS_OP_SYSCALL, FIXED(EXEC_SYSCALLS)},
            {.op = VS_OP_KERNEL_INSTRUCTION, FIXED(EXEC_KERNEL_INSTRUCTIONS)},
            {.op = VS_OP_CR3_LOAD, FIXED(1)},
            {.op = VS_OP_FILE_FAULT, PER_CODE_PAGE(1, VS_COST_FORK_PAGE_FAULTS)},
            {.op = VS_OP_PAGE_FAULT, FIXED(EXEC_ZERO_FILL_FAULTS)},
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

double vs_op_step_count(const struct vs_op_step *step, const struct vs_costs *c,
                        const struct vs_workload *wl)
{
    switch (step->count_from) {
    case VS_STEP_PER_FOOTPRINT_PAGE:
        return wl ? step->fixed * floor(wl->memory.footprint_bytes / VS_STEP_PAGE_BYTES) : 0;
    case VS_STEP_PER_WORKING_SET_PAGE:
        return wl ? step->fixed * floor(wl->memory.working_set_bytes / VS_STEP_PAGE_BYTES) : 0;
    case VS_STEP_PER_CODE_PAGE:
        if (wl && wl->memory.code_bytes > 0)
            return step->fixed * ceil(wl->memory.code_bytes / VS_STEP_PAGE_BYTES);
        return vs_cost(c, step->cost);
    case VS_STEP_HOST_COST:
        return vs_cost(c, step->cost);
    case VS_STEP_FIXED:
        return step->fixed;
    case VS_STEP_END:
        break;
    }
    return 0;
}

/* A CR3 load without PCID flushes the TLB; the switched-in process then
 * refills it with its working set: one page walk per page of
 * memory.working_set, up to the TLB's entries (what the flush can have
 * taken away). The walks are TLB misses, priced by the engine as it prices
 * any walk (one dimension natively and under shadow paging, two with nested
 * paging). The caches are physically tagged and not flushed: what another
 * process evicted from them is not modelled here. A workload that states
 * its TLB misses has counted these walks among them (a TLB-miss counter
 * counts the refills; the hidden-fault rule of native.c reads the same
 * misses as the pages touched between switches), so only a workload that
 * states none is charged the refill here. docs/cost-rules.md. */
double vs_cr3_refill_walks(const struct vs_host_spec *host, const struct vs_workload *wl)
{
    if (!wl || !(wl->memory.working_set_bytes > 0)) return 0;
    if (wl->request.count[VS_OP_TLB_MISS] > 0) return 0;
    double pages = floor(wl->memory.working_set_bytes / VS_STEP_PAGE_BYTES);
    double tlb = vs_cost(&host->costs, VS_COST_TLB_ENTRIES);
    return pages < tlb ? pages : tlb;
}

void vs_engine_price(const struct vs_engine *e, const struct vs_host_spec *host,
                     const struct vs_workload *wl, enum vs_op_kind op, double count, double bytes,
                     struct vs_work *w)
{
    const struct vs_op_expansion *x = vs_op_expansion(op);
    struct vs_trace *t = w->trace;
    if (!x) {
        e->ops->cost(e->state, wl, op, count, bytes, w);
        if (op == VS_OP_CR3_LOAD) {
            double walks = vs_cr3_refill_walks(host, wl);
            if (walks > 0) {
                /* a trace shows the refill as its own part */
                if (t) {
                    t->part = "TLB refill after the CR3 load";
                    t->part_count = count * walks;
                }
                e->ops->cost(e->state, wl, VS_OP_TLB_MISS, count * walks, 0, w);
                if (t) t->part = NULL;
            }
        }
        return;
    }
    /* Steps are primitive (tests/unit/test_expand.c checks the table), so
     * one level of expansion is all there is. */
    for (size_t k = 0; k < VS_OP_MAX_STEPS && x->steps[k].count_from != VS_STEP_END; k++) {
        const struct vs_op_step *step = &x->steps[k];
        double n = count * vs_op_step_count(step, &host->costs, wl);
        if (t) {
            t->part = vs_op_name(step->op);
            t->part_count = n;
        }
        e->ops->cost(e->state, wl, step->op, n, step->bytes, w);
    }
    if (t) t->part = NULL;
    w->events[x->event] += count;
}
