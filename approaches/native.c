/* The native baseline: the workload runs directly on the host OS, with no
 * virtualization layer. Every operation costs what the host profile says the
 * bare hardware and kernel charge for it, so every other engine's overhead is
 * measured against this one. */
#include "virtsim/model/engine.h"

#include <stdlib.h>

struct native {
    struct vs_host_spec host;
};

static int native_create(const struct vs_host_spec *host, const struct vs_preset *preset,
                         void **state, struct vs_error *err)
{
    (void)preset;
    struct native *n = malloc(sizeof *n);
    if (!n) return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    n->host = *host;
    *state = n;
    return VS_OK;
}

static void native_destroy(void *state) { free(state); }

/* The kernel-side cost of moving `bytes` through a buffer copy. */
static double copy_cycles(const struct vs_costs *c, double bytes)
{
    return vs_cost(c, VS_COST_COPY_CYCLES_PER_KIB) * bytes / 1024.0;
}

void vs_engine_native_cost(const struct vs_host_spec *host, const struct vs_workload *wl,
                           enum vs_op_kind op, double count, double bytes, struct vs_work *w)
{
    const struct vs_costs *c = &host->costs;
    switch (op) {
    case VS_OP_INSTRUCTION:
        /* The workload's CPI already includes its cache behaviour on this
         * class of hardware; TLB misses are priced separately below. */
        w->cycles[VS_CAT_GUEST_USER] += count * wl->request.cpi;
        break;
    case VS_OP_SYSCALL:
        w->cycles[VS_CAT_GUEST_KERNEL] += count * vs_cost(c, VS_COST_SYSCALL_CYCLES);
        w->events[VS_EVT_SYSCALL] += count;
        break;
    case VS_OP_PAGE_FAULT:
        w->cycles[VS_CAT_GUEST_KERNEL] += count * vs_cost(c, VS_COST_PAGE_FAULT_CYCLES);
        w->events[VS_EVT_PAGE_FAULT] += count;
        break;
    case VS_OP_TLB_MISS:
        /* A hardware walk of the 4-level table: one dimension, a few references. */
        w->cycles[VS_CAT_PAGE_WALK] += count * vs_cost(c, VS_COST_TLB_WALK_REFS) *
                                       vs_cost(c, VS_COST_WALK_REF_CYCLES);
        w->events[VS_EVT_TLB_MISS] += count;
        break;
    case VS_OP_CONTEXT_SWITCH:
        w->cycles[VS_CAT_GUEST_KERNEL] += count * vs_cost(c, VS_COST_CONTEXT_SWITCH_CYCLES);
        w->events[VS_EVT_CONTEXT_SWITCH] += count;
        break;
    case VS_OP_KERNEL_INSTRUCTION:
        w->cycles[VS_CAT_GUEST_KERNEL] += count * wl->request.cpi;
        break;
    case VS_OP_IRQ_FLAG:
        w->cycles[VS_CAT_GUEST_KERNEL] += count * vs_cost(c, VS_COST_IRQ_FLAG_CYCLES);
        break;
    case VS_OP_CR3_LOAD:
        w->cycles[VS_CAT_GUEST_KERNEL] += count * vs_cost(c, VS_COST_CR3_LOAD_CYCLES);
        break;
    case VS_OP_PORT_IO:
        w->cycles[VS_CAT_GUEST_KERNEL] += count * vs_cost(c, VS_COST_PORT_IO_CYCLES);
        break;
    case VS_OP_EXITING_INSN:
        w->cycles[VS_CAT_GUEST_KERNEL] += count * vs_cost(c, VS_COST_EXITING_INSN_CYCLES);
        break;
    case VS_OP_PT_UPDATE:
        w->cycles[VS_CAT_GUEST_KERNEL] += count * vs_cost(c, VS_COST_PT_UPDATE_CYCLES);
        w->events[VS_EVT_PT_UPDATE] += count;
        break;
    case VS_OP_TIMER_IRQ:
        w->cycles[VS_CAT_GUEST_KERNEL] += count * vs_cost(c, VS_COST_TIMER_IRQ_CYCLES);
        w->events[VS_EVT_INTERRUPT] += count;
        break;
    case VS_OP_IPI:
        w->cycles[VS_CAT_GUEST_KERNEL] += count * vs_cost(c, VS_COST_IPI_CYCLES);
        w->events[VS_EVT_INTERRUPT] += count;
        break;
    case VS_OP_DISK_READ:
    case VS_OP_DISK_WRITE:
        /* Block layer and driver on submission, an interrupt on completion,
         * and the copy between page cache and the application's buffer. */
        w->cycles[VS_CAT_GUEST_KERNEL] +=
            count * (vs_cost(c, VS_COST_DISK_REQUEST_CYCLES) + copy_cycles(c, bytes));
        w->events[VS_EVT_DISK_IO] += count;
        w->events[VS_EVT_INTERRUPT] += count;
        break;
    case VS_OP_NET_RX:
    case VS_OP_NET_TX:
        w->cycles[VS_CAT_GUEST_KERNEL] +=
            count * (vs_cost(c, VS_COST_NET_PACKET_CYCLES) + copy_cycles(c, bytes));
        w->events[VS_EVT_PACKET] += count;
        if (op == VS_OP_NET_RX) w->events[VS_EVT_INTERRUPT] += count;
        break;
    case VS_OP_CODE_LOAD:
        /* Native code runs as it is: nothing to translate. */
    case VS_OP_PROCESS_CREATE:
        /* Composite: vs_engine_price expands it into the primitives above
         * before any engine (or this function, which others build on) sees it. */
    case VS_OP_COUNT:
        break;
    }
}

static void native_cost(const void *state, const struct vs_workload *wl, enum vs_op_kind op,
                        double count, double bytes, struct vs_work *w)
{
    vs_engine_native_cost(&((const struct native *)state)->host, wl, op, count, bytes, w);
}

static void native_memory(const void *state, const struct vs_guest_spec *g, struct vs_mem_parts *out)
{
    (void)state;
    /* A native process brings only its own resident memory: the kernel and
     * page cache are the host's, already counted in its reserved memory. */
    *out = (struct vs_mem_parts){0};
    out->bytes[VS_MEM_APPLICATION] = g->workload.memory.footprint_bytes;
}

static vs_time_ns native_start_time(const void *state, const struct vs_guest_spec *g)
{
    (void)state;
    (void)g;
    /* The baseline measures steady state: its processes are already running. */
    return 0;
}

static const struct vs_preset native_presets[] = {
    {.name = "native", .system = "the host OS itself",
     .summary = "no virtualization: the workload runs directly on the host (the baseline)",
     .io = VS_IO_NATIVE},
};

const struct vs_engine_ops vs_engine_native = {
    .name = "native",
    .approach = "native",
    .summary = "no virtualization: the workload runs directly on the host OS (the baseline)",
    .presets = native_presets,
    .n_presets = sizeof native_presets / sizeof native_presets[0],
    .create = native_create,
    .destroy = native_destroy,
    .cost = native_cost,
    .memory = native_memory,
    .start_time = native_start_time,
};
