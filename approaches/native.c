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

/* ---- page walks (docs/cost-rules.md, "Page walks") ---- */

#define SMALL_PAGE_BYTES 4096.0
#define LARGE_PAGE_BYTES (2.0 * 1048576)

/* Levels of a table: one fewer when its leaves map 2 MiB. */
static double table_levels(const struct vs_costs *c, bool large)
{
    double levels = vs_cost(c, VS_COST_TLB_WALK_REFS) - (large ? 1 : 0);
    return levels < 1 ? 1 : levels;
}

/* References of a walk of one table: the leaf always, each upper level
 * unless the paging-structure caches already hold its entry. */
static double one_table_refs(const struct vs_costs *c, double levels)
{
    return 1 + (levels - 1) * (1 - vs_cost(c, VS_COST_PSC_HIT));
}

static bool guest_large(const struct vs_workload *wl) { return wl->memory.large_pages; }

/* Whether TLB entries map 2 MiB: the smaller of the guest's and the host's
 * page sizes, for a walk that goes through both. */
static bool large_entries(const struct vs_host_spec *h, const struct vs_workload *wl,
                          enum vs_walk_kind kind)
{
    return kind == VS_WALK_NATIVE ? guest_large(wl) : guest_large(wl) && h->large_pages;
}

double vs_engine_walk_refs(const struct vs_host_spec *h, const struct vs_workload *wl,
                           enum vs_walk_kind kind)
{
    const struct vs_costs *c = &h->costs;
    if (kind != VS_WALK_NESTED)
        return one_table_refs(c, table_levels(c, large_entries(h, wl, kind)));
    /* Two dimensions: each guest reference needs the host translation of
     * the guest page-table page it reads (skipped when the nested TLB holds
     * it; a 2 MiB host entry covers 512 such pages), and the guest-physical
     * address found at the end needs one more host walk. */
    double guest = one_table_refs(c, table_levels(c, guest_large(wl)));
    double host = one_table_refs(c, table_levels(c, h->large_pages));
    double nested_hit = vs_cost(c, VS_COST_NESTED_TLB_HIT);
    double nested_miss = 1 - nested_hit;
    if (h->large_pages && nested_hit > 0) nested_miss *= SMALL_PAGE_BYTES / LARGE_PAGE_BYTES;
    return guest * (1 + nested_miss * host) + host;
}

double vs_engine_walk_ref_cycles(const struct vs_host_spec *h)
{
    double dram = vs_cost(&h->costs, VS_COST_WALK_DRAM);
    return (1 - dram) * vs_cost(&h->costs, VS_COST_WALK_REF_CYCLES) + dram * vs_host_memory_cycles(h);
}

double vs_engine_tlb_miss_factor(const struct vs_host_spec *h, const struct vs_workload *wl,
                                 enum vs_walk_kind kind)
{
    if (!large_entries(h, wl, kind)) return 1;
    const struct vs_costs *c = &h->costs;
    double reach_small = vs_cost(c, VS_COST_TLB_ENTRIES) * SMALL_PAGE_BYTES;
    double reach_large = vs_cost(c, VS_COST_TLB_LARGE_ENTRIES) * LARGE_PAGE_BYTES;
    if (reach_large <= reach_small) return 1;
    /* Accesses spread over the working set miss a TLB of reach R with
     * probability 1 - R/W; misses the workload declares beyond that model
     * (locality, code) shrink with the reach at most. */
    double ws = wl->memory.working_set_bytes > 0 ? wl->memory.working_set_bytes : SMALL_PAGE_BYTES;
    double miss_small = 1 - reach_small / ws, miss_large = 1 - reach_large / ws;
    double by_reach = reach_small / reach_large;
    double f = miss_small > 0 && miss_large > 0 ? miss_large / miss_small : 0;
    return f > by_reach ? (f < 1 ? f : 1) : by_reach;
}

void vs_engine_walk_cost(const struct vs_host_spec *h, const struct vs_workload *wl,
                         enum vs_walk_kind kind, double n, struct vs_work *w)
{
    double misses = n * vs_engine_tlb_miss_factor(h, wl, kind);
    static const char *const walk_what[] = {
        [VS_WALK_NATIVE] = "hardware page walk of the process's table",
        [VS_WALK_SHADOW] = "hardware page walk of the shadow table",
        [VS_WALK_NESTED] = "hardware 2-D page walk (guest table x EPT/NPT)"};
    vs_work_step(w, VS_CAT_PAGE_WALK, misses * vs_engine_walk_refs(h, wl, kind) * vs_engine_walk_ref_cycles(h),
                 walk_what[kind], "walk_ref");
    w->events[VS_EVT_TLB_MISS] += misses;
}

/* Whether the request waits for this I/O: reads, sync writes and packets
 * do; write-back writes are off its path. */
static bool on_path(const struct vs_workload *wl, enum vs_op_kind op)
{
    return op != VS_OP_DISK_WRITE || wl->request.disk_sync;
}

void vs_engine_wait_backend(const struct vs_costs *c, const struct vs_workload *wl, enum vs_op_kind op,
                            double n, bool kick_is_synchronous, struct vs_work *w)
{
    double backend = vs_cost(c, VS_COST_BACKEND_WAKEUP_NS);
    switch (op) {
    case VS_OP_DISK_READ:
    case VS_OP_DISK_WRITE:
        /* Submission wakes the back end. A request given to a device model
         * run by the exit itself still completes through its I/O thread
         * (asynchronous I/O). */
        if (on_path(wl, op))
            vs_work_wait(w, n * backend, "back-end I/O thread woken (a scheduler trip)", "backend_wakeup");
        break;
    case VS_OP_NET_RX:
        /* The back end takes the packets off the host NIC or tap. */
        if (n > 0) vs_work_wait(w, backend, "back-end thread woken to take the packets", "backend_wakeup");
        break;
    case VS_OP_NET_TX:
        if (n > 0 && !kick_is_synchronous)
            vs_work_wait(w, backend, "back-end thread woken to send", "backend_wakeup");
        break;
    default:
        break;
    }
}

void vs_engine_wait_vcpu(const struct vs_costs *c, const struct vs_workload *wl, enum vs_op_kind op, double n,
                         struct vs_work *w)
{
    double vcpu = vs_cost(c, VS_COST_VCPU_WAKEUP_NS);
    switch (op) {
    case VS_OP_DISK_READ:
    case VS_OP_DISK_WRITE:
        if (on_path(wl, op)) vs_work_wait(w, n * vcpu, "halted vCPU woken by the completion", "vcpu_wakeup");
        break;
    case VS_OP_NET_RX:
        if (n > 0) vs_work_wait(w, vcpu, "halted vCPU woken to receive", "vcpu_wakeup");
        break;
    default:
        break;
    }
}

double vs_engine_pv_batch(const struct vs_costs *c, const struct vs_work *w)
{
    double batch = vs_cost(c, VS_COST_PV_BATCH);
    double together = w->in_flight > 1 ? w->in_flight : 1;
    if (batch < 1) batch = 1;
    return together < batch ? together : batch;
}

double vs_engine_fault_cycles(const struct vs_costs *c, enum vs_op_kind kind)
{
    /* page_fault is the zero-fill fault, zeroing included: a copy-on-write
     * fault copies the shared page instead of zeroing a new one, a
     * file-backed fault maps a page the page cache already holds. */
    double fault = vs_cost(c, VS_COST_PAGE_FAULT_CYCLES);
    double zero = vs_cost(c, VS_COST_PAGE_ZERO_CYCLES);
    if (zero > fault) zero = fault;
    if (kind == VS_OP_COW_FAULT) return fault - zero + 4 * vs_cost(c, VS_COST_COPY_CYCLES_PER_KIB);
    if (kind == VS_OP_FILE_FAULT) return fault - zero;
    return fault;
}

double vs_engine_hidden_faults_per_cr3(const struct vs_host_spec *h, const struct vs_workload *wl)
{
    /* A CR3 load switches to the shadow of the new table. A new address
     * space (exec, in a fork + exec) has no shadow yet; an existing one finds
     * its shadow in the VMM's shadow cache unless the cache, smaller than the
     * working set of all address spaces, evicted part of it while it was
     * switched out. Either way, the missing shadow entries are refilled
     * lazily: one hidden fault per page the space touches, with its guest
     * PTE present, before the next switch. The TLB is flushed by the CR3
     * load, so every page touched in that interval is a TLB miss: the
     * workload's TLB misses per address-space switch bound the pages
     * touched, and so does its working set. */
    double ws = wl->memory.working_set_bytes;
    if (ws <= 0) return 0;
    double cache = vs_cost(&h->costs, VS_COST_SHADOW_CACHE_BYTES);
    double evicted = ws > cache ? 1 - cache / ws : 0;
    const double *n = wl->request.count;
    double fresh = n[VS_OP_PROCESS_CREATE] + n[VS_OP_EXEC], switches = n[VS_OP_CR3_LOAD] + fresh;
    /* mean over the request's CR3 loads: fresh spaces miss entirely */
    double missing = switches > 0 ? (fresh + n[VS_OP_CR3_LOAD] * evicted) / switches : evicted;
    double touched = n[VS_OP_TLB_MISS] / (switches > 0 ? switches : 1);
    double ws_pages = ws / SMALL_PAGE_BYTES;
    if (touched > ws_pages) touched = ws_pages;
    return missing * touched;
}

void vs_engine_native_cost(const struct vs_host_spec *host, const struct vs_workload *wl,
                           enum vs_op_kind op, double count, double bytes, struct vs_work *w)
{
    const struct vs_costs *c = &host->costs;
    switch (op) {
    case VS_OP_INSTRUCTION:
        /* The workload's CPI (cache behaviour included, TLB misses priced
         * below) is the reference core's; this core runs it at its own IPC. */
        vs_work_step(w, VS_CAT_GUEST_USER, count * vs_host_cpi(host, wl->request.cpi), "user instructions at the workload's CPI",
                     "cpu.ipc");
        break;
    case VS_OP_SYSCALL:
        vs_engine_step(w, VS_CAT_GUEST_KERNEL, count, c, VS_COST_SYSCALL_CYCLES,
                       "syscall instruction, kernel entry, handler, sysret");
        w->events[VS_EVT_SYSCALL] += count;
        break;
    case VS_OP_PAGE_FAULT:
    case VS_OP_COW_FAULT:
    case VS_OP_FILE_FAULT:
        vs_work_step(w, VS_CAT_GUEST_KERNEL, count * vs_engine_fault_cycles(c, op),
                     op == VS_OP_COW_FAULT    ? "#PF, kernel handler: copy the shared page, map it writable"
                     : op == VS_OP_FILE_FAULT ? "#PF, kernel handler: map the page-cache page"
                                              : "#PF, kernel handler: zero a new page, map it",
                     "page_fault");
        w->events[VS_EVT_PAGE_FAULT] += count;
        break;
    case VS_OP_TLB_MISS:
        /* A hardware walk of the process's own table: one dimension. */
        vs_engine_walk_cost(host, wl, VS_WALK_NATIVE, count, w);
        break;
    case VS_OP_CONTEXT_SWITCH:
        vs_engine_step(w, VS_CAT_GUEST_KERNEL, count, c, VS_COST_CONTEXT_SWITCH_CYCLES,
                       "scheduler switches tasks (registers, kernel stack)");
        w->events[VS_EVT_CONTEXT_SWITCH] += count;
        break;
    case VS_OP_KERNEL_INSTRUCTION:
        vs_work_step(w, VS_CAT_GUEST_KERNEL, count * vs_host_cpi(host, wl->request.cpi), "kernel instructions", "cpu.ipc");
        break;
    case VS_OP_IRQ_FLAG:
        vs_engine_step(w, VS_CAT_GUEST_KERNEL, count, c, VS_COST_IRQ_FLAG_CYCLES, "cli/sti/popf on the CPU");
        break;
    case VS_OP_CR3_LOAD:
        vs_engine_step(w, VS_CAT_GUEST_KERNEL, count, c, VS_COST_CR3_LOAD_CYCLES, "mov to CR3 (TLB flushed)");
        break;
    case VS_OP_PORT_IO:
        vs_engine_step(w, VS_CAT_GUEST_KERNEL, count, c, VS_COST_PORT_IO_CYCLES, "in/out to a chipset register");
        break;
    case VS_OP_EXITING_INSN:
        vs_engine_step(w, VS_CAT_GUEST_KERNEL, count, c, VS_COST_EXITING_INSN_CYCLES, "cpuid/rdmsr/hlt on the CPU");
        break;
    case VS_OP_PT_UPDATE:
        vs_engine_step(w, VS_CAT_GUEST_KERNEL, count, c, VS_COST_PT_UPDATE_CYCLES, "store to a page-table entry");
        w->events[VS_EVT_PT_UPDATE] += count;
        break;
    case VS_OP_TIMER_IRQ:
        vs_engine_step(w, VS_CAT_GUEST_KERNEL, count, c, VS_COST_TIMER_IRQ_CYCLES, "timer interrupt handler");
        w->events[VS_EVT_INTERRUPT] += count;
        break;
    case VS_OP_IPI:
        vs_engine_step(w, VS_CAT_GUEST_KERNEL, count, c, VS_COST_IPI_CYCLES, "inter-processor interrupt");
        w->events[VS_EVT_INTERRUPT] += count;
        break;
    case VS_OP_DISK_READ:
    case VS_OP_DISK_WRITE:
        /* Block layer and driver on submission, an interrupt on completion,
         * and the copy between page cache and the application's buffer. */
        vs_engine_step(w, VS_CAT_GUEST_KERNEL, count, c, VS_COST_DISK_REQUEST_CYCLES,
                       "block layer and driver: submit, completion interrupt");
        vs_work_step(w, VS_CAT_GUEST_KERNEL, count * copy_cycles(c, bytes), "copy between page cache and buffer",
                     "copy_per_kib");
        w->events[VS_EVT_DISK_IO] += count;
        w->events[VS_EVT_INTERRUPT] += count;
        break;
    case VS_OP_NET_RX:
    case VS_OP_NET_TX:
        vs_engine_step(w, VS_CAT_GUEST_KERNEL, count, c, VS_COST_NET_PACKET_CYCLES,
                       op == VS_OP_NET_RX ? "NIC interrupt, driver, network stack up" : "network stack down, driver, NIC");
        vs_work_step(w, VS_CAT_GUEST_KERNEL, count * copy_cycles(c, bytes), "copy between socket and buffer",
                     "copy_per_kib");
        w->events[VS_EVT_PACKET] += count;
        if (op == VS_OP_NET_RX) w->events[VS_EVT_INTERRUPT] += count;
        break;
    case VS_OP_CODE_LOAD:
        /* Native code runs as it is: nothing to translate. */
    case VS_OP_PROCESS_CREATE:
    case VS_OP_PAGE_CACHE_READ:
    case VS_OP_FORK:
    case VS_OP_EXEC:
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

/* A process checkpointed or migrated by CRIU: its PTEs' soft-dirty bits are
 * cleared and write-protected, so the first write to a page takes a minor
 * fault (no zeroing, no copy) that marks it dirty again
 * (Documentation/admin-guide/mm/soft-dirty.rst). */
static double native_dirty_page_cycles(const void *state)
{
    const struct vs_costs *c = &((const struct native *)state)->host.costs;
    return vs_engine_fault_cycles(c, VS_OP_FILE_FAULT);
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
    .dirty_page_cycles = native_dirty_page_cycles,
    .shares_host_kernel = true,
};
