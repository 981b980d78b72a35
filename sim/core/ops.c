/* Names of operations, CPU categories and event kinds, and vs_work arithmetic.
 * The names are part of the file formats (YAML keys, CSV columns, JSON keys):
 * change them only with the docs. */
#include "virtsim/core/ops.h"

#include <string.h>

static const char *const op_names[VS_OP_COUNT] = {
    [VS_OP_INSTRUCTION] = "instructions",   [VS_OP_SYSCALL] = "syscalls",
    [VS_OP_PAGE_FAULT] = "page_faults",     [VS_OP_TLB_MISS] = "tlb_misses",
    [VS_OP_CONTEXT_SWITCH] = "context_switches", [VS_OP_KERNEL_INSTRUCTION] = "kernel_instructions",
    [VS_OP_IRQ_FLAG] = "irq_flag_changes",  [VS_OP_CR3_LOAD] = "cr3_loads",
    [VS_OP_PORT_IO] = "port_io",            [VS_OP_EXITING_INSN] = "exiting_instructions",
    [VS_OP_PT_UPDATE] = "pt_updates",
    [VS_OP_COW_FAULT] = "cow_faults",       [VS_OP_FILE_FAULT] = "file_faults",
    [VS_OP_PROCESS_CREATE] = "forks",       [VS_OP_TIMER_IRQ] = "timer_interrupts",
    [VS_OP_IPI] = "ipis",                   [VS_OP_CODE_LOAD] = "code_load",
    [VS_OP_DISK_READ] = "disk_reads",
    [VS_OP_DISK_WRITE] = "disk_writes",     [VS_OP_NET_RX] = "rx_packets",
    [VS_OP_NET_TX] = "tx_packets",
    [VS_OP_PAGE_CACHE_READ] = "page_cache_reads",
    [VS_OP_FORK] = "forks_without_exec",    [VS_OP_EXEC] = "execs",
};

static const char *const cat_names[VS_CAT_COUNT] = {
    [VS_CAT_GUEST_USER] = "guest_user",     [VS_CAT_GUEST_KERNEL] = "guest_kernel",
    [VS_CAT_TRANSLATION] = "translation",   [VS_CAT_VMEXIT] = "vmexit",
    [VS_CAT_HYPERCALL] = "hypercall",       [VS_CAT_DEVICE_MODEL] = "device_model",
    [VS_CAT_PAGE_WALK] = "page_walk",       [VS_CAT_HOST_KERNEL] = "host_kernel",
    [VS_CAT_IDLE] = "idle",
};

static const char *const cat_labels[VS_CAT_COUNT] = {
    [VS_CAT_GUEST_USER] = "user",   [VS_CAT_GUEST_KERNEL] = "kernel",
    [VS_CAT_TRANSLATION] = "transl", [VS_CAT_VMEXIT] = "exits",
    [VS_CAT_HYPERCALL] = "hcall",   [VS_CAT_DEVICE_MODEL] = "devmod",
    [VS_CAT_PAGE_WALK] = "walk",    [VS_CAT_HOST_KERNEL] = "host",
    [VS_CAT_IDLE] = "idle",
};

static const char *const evt_names[VS_EVT_COUNT] = {
    [VS_EVT_SYSCALL] = "syscalls",     [VS_EVT_PAGE_FAULT] = "page_faults",
    [VS_EVT_TLB_MISS] = "tlb_misses",  [VS_EVT_CONTEXT_SWITCH] = "context_switches",
    [VS_EVT_VMEXIT] = "vmexits",       [VS_EVT_HYPERCALL] = "hypercalls",
    [VS_EVT_TRAP] = "traps",           [VS_EVT_TRANSLATION] = "translations",
    [VS_EVT_INTERRUPT] = "interrupts", [VS_EVT_DISK_IO] = "disk_ios",
    [VS_EVT_PACKET] = "packets",       [VS_EVT_PT_UPDATE] = "pt_updates",
    [VS_EVT_PROCESS_CREATE] = "forks", [VS_EVT_PAGE_CACHE_HIT] = "page_cache_hits",
    [VS_EVT_FORK] = "forks_without_exec", [VS_EVT_EXEC] = "execs",
};

const char *vs_op_name(enum vs_op_kind op) { return op < VS_OP_COUNT ? op_names[op] : "?"; }
const char *vs_cat_name(enum vs_cpu_cat cat) { return cat < VS_CAT_COUNT ? cat_names[cat] : "?"; }
const char *vs_cat_label(enum vs_cpu_cat cat) { return cat < VS_CAT_COUNT ? cat_labels[cat] : "?"; }
const char *vs_evt_name(enum vs_evt_kind evt) { return evt < VS_EVT_COUNT ? evt_names[evt] : "?"; }

void vs_work_clear(struct vs_work *w) { memset(w, 0, sizeof *w); }

static void record(struct vs_work *w, enum vs_cpu_cat cat, double cycles, double delay_ns, const char *what,
                   const char *constant)
{
    struct vs_trace *t = w->trace;
    if (!t) return;
    if (t->n_steps == VS_TRACE_MAX_STEPS) {
        t->dropped++;
        return;
    }
    t->steps[t->n_steps++] = (struct vs_step){.what = what, .constant = constant, .part = t->part,
                                              .part_count = t->part_count, .cat = cat, .cycles = cycles,
                                              .delay_ns = delay_ns};
}

void vs_work_step(struct vs_work *w, enum vs_cpu_cat cat, double cycles, const char *what, const char *constant)
{
    w->cycles[cat] += cycles;
    record(w, cat, cycles, 0, what, constant);
}

void vs_work_wait(struct vs_work *w, double ns, const char *what, const char *constant)
{
    w->delay_ns += ns;
    record(w, VS_CAT_IDLE, 0, ns, what, constant);
}

double vs_work_total_cycles(const struct vs_work *w)
{
    double total = 0;
    for (int c = 0; c < VS_CAT_COUNT; c++) total += w->cycles[c];
    return total;
}

void vs_work_add(struct vs_work *dst, const struct vs_work *src, double scale)
{
    for (int c = 0; c < VS_CAT_COUNT; c++) dst->cycles[c] += src->cycles[c] * scale;
    for (int e = 0; e < VS_EVT_COUNT; e++) dst->events[e] += src->events[e] * scale;
    dst->delay_ns += src->delay_ns * scale;
}
