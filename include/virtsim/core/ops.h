/* The vocabulary shared by workloads, engines and reports: the guest-visible
 * operations a workload is made of, the categories every host cycle is
 * attributed to, and the event kinds that are counted. */
#ifndef VIRTSIM_OPS_H
#define VIRTSIM_OPS_H

#include <stdint.h>

/* Guest-visible operations. A workload's request says how many of each it
 * performs; an engine turns each into host work. Adding an operation: add it
 * here, to vs_op_names in sim/core/ops.c, to the workload loader's keys
 * (sim/load/cfg_workload.c) and to what a request draws (run_cpu in sim/run/sim.c).
 * Most operations are primitive: an engine's cost() prices them. A composite
 * one is a bundle of primitives, expanded by vs_engine_price from the table
 * in approaches/expand.c before any engine sees it: making an operation
 * composite is one entry in that table. */
enum vs_op_kind {
    VS_OP_INSTRUCTION,    /* user-mode instructions */
    VS_OP_SYSCALL,        /* system calls */
    VS_OP_PAGE_FAULT,     /* page faults taken by the guest */
    VS_OP_TLB_MISS,       /* TLB misses (each is a page-table walk) */
    VS_OP_CONTEXT_SWITCH, /* switches between the guest's own processes/threads */
    VS_OP_KERNEL_INSTRUCTION, /* instructions the guest kernel executes for the request */
    /* Privileged and sensitive instructions of the guest kernel, in the four
     * kinds that the mechanisms treat differently (docs/cost-rules.md): */
    VS_OP_IRQ_FLAG,       /* interrupt-flag changes (cli, sti, popf) in the kernel work of
                             system calls: VT-x runs them without an exit, Xen PV writes
                             a mask in shared memory, BT emulates them in translated code */
    VS_OP_CR3_LOAD,       /* loads of a new page-table base (a switch to another address
                             space, exec): exit only under shadow paging; a hypercall on
                             Xen PV. A context switch does not imply one. */
    VS_OP_PORT_IO,        /* port or MMIO accesses to device registers outside the disk
                             and network drivers (chipset, legacy timer, port 0x80) */
    VS_OP_EXITING_INSN,   /* other instructions VT-x exits on in every paging mode:
                             cpuid, rdmsr/wrmsr of intercepted MSRs, hlt */
    VS_OP_PT_UPDATE,      /* page-table entry writes by the guest kernel */
    /* Page faults by kind: VS_OP_PAGE_FAULT is the zero-fill (first touch of
     * anonymous memory); a copy-on-write fault copies the shared page, a
     * file-backed one maps a page-cache page. Every mechanism takes each
     * kind the same way; only the guest kernel's own work differs. */
    VS_OP_COW_FAULT,      /* copy-on-write faults (a write to a page shared since fork) */
    VS_OP_FILE_FAULT,     /* file-backed faults on a page already in the page cache */
    VS_OP_PROCESS_CREATE, /* fork + exec: composite, a bundle of page-table updates, faults,
                             calls and kernel instructions (approaches/expand.c) */
    VS_OP_TIMER_IRQ,      /* timer interrupts (the simulator derives them from CPU time) */
    VS_OP_IPI,            /* inter-processor interrupts sent by the guest */
    VS_OP_CODE_LOAD,      /* a guest's code met for the first time (bytes = its size):
                             what a translator must translate once; priced at guest start */
    VS_OP_DISK_READ,      /* one disk read request (bytes = its size) */
    VS_OP_DISK_WRITE,     /* one disk write request */
    VS_OP_NET_RX,         /* one received packet */
    VS_OP_NET_TX,         /* one transmitted packet */
    VS_OP_PAGE_CACHE_READ, /* a disk read that hits the page cache its guest reads from (its
                             own, in a VM; the host's, natively and in a container):
                             composite, a copy by the guest kernel, no device, no I/O path
                             (approaches/expand.c); a miss stays VS_OP_DISK_READ */
    VS_OP_FORK,           /* a fork not followed by exec: composite; its page-table copy and
                             copy-on-write faults grow with the parent's memory */
    VS_OP_EXEC,           /* an exec on its own: composite; a new address space, faults of
                             the new image; independent of the parent's size */
    VS_OP_COUNT
};

/* Where a host cycle goes. Every engine attributes each cycle to one. */
enum vs_cpu_cat {
    VS_CAT_GUEST_USER,
    VS_CAT_GUEST_KERNEL,
    VS_CAT_TRANSLATION,   /* binary translation / interpretation */
    VS_CAT_VMEXIT,        /* VM exit handling, including the exit/entry round trip */
    VS_CAT_HYPERCALL,
    VS_CAT_DEVICE_MODEL,  /* user-space device emulation (e.g. QEMU) */
    VS_CAT_PAGE_WALK,     /* TLB-miss page-table walks */
    VS_CAT_HOST_KERNEL,   /* host kernel, hypervisor scheduler, driver domain */
    VS_CAT_IDLE,          /* host only: cores with nothing to run */
    VS_CAT_COUNT
};

/* Events counted per guest and reported per second. */
enum vs_evt_kind {
    VS_EVT_SYSCALL,
    VS_EVT_PAGE_FAULT,
    VS_EVT_TLB_MISS,
    VS_EVT_CONTEXT_SWITCH, /* guest-internal and host vCPU switches */
    VS_EVT_VMEXIT,
    VS_EVT_HYPERCALL,
    VS_EVT_TRAP,           /* traps into a monitor or host kernel not counted above */
    VS_EVT_TRANSLATION,    /* translated blocks */
    VS_EVT_INTERRUPT,
    VS_EVT_DISK_IO,
    VS_EVT_PACKET,
    VS_EVT_PT_UPDATE,      /* guest page-table entry writes */
    VS_EVT_PROCESS_CREATE, /* fork + exec */
    VS_EVT_PAGE_CACHE_HIT, /* disk reads served from a page cache */
    VS_EVT_FORK,           /* forks without exec */
    VS_EVT_EXEC,           /* execs on their own */
    VS_EVT_COUNT
};

/* Stable lower-case names used in YAML, CSV and JSON ("guest_user", ...). */
const char *vs_op_name(enum vs_op_kind op);
const char *vs_cat_name(enum vs_cpu_cat cat);
const char *vs_cat_label(enum vs_cpu_cat cat);  /* short column label, e.g. "user" */
const char *vs_evt_name(enum vs_evt_kind evt);

/* Host work produced by an engine for some operations: cycles per category
 * (fractional because counts are means) and event counts. Engines add to it.
 * delay_ns is latency on the request's path that occupies no CPU of the
 * guest (the I/O latency chain: waking a back-end thread, waking a halted
 * vCPU and delivering its interrupt; docs/cost-rules.md, "The I/O latency
 * chain"); the simulation makes the request wait that long after its CPU
 * burst. in_flight is an input, not a result: the caller's hint of how many
 * requests of the guest are in flight when the work is priced (0 when
 * unknown, taken as one). Notifications on a paravirtual ring are batched
 * only among requests in flight together, so an engine batches at most
 * in_flight requests per notification. */
struct vs_work {
    double cycles[VS_CAT_COUNT];
    double events[VS_EVT_COUNT];
    double delay_ns;
    double in_flight;
    struct vs_trace *trace; /* NULL, or where to record each step (virtsim trace) */
};

/* One step of an operation's path, as an engine prices it: what happens,
 * where it runs (the CPU category: guest kernel, hypervisor, device model,
 * host kernel...), its cycles for the count priced, the latency it adds
 * without using a CPU, and the host-profile constant it is priced from
 * (NULL when it is computed from several: a page walk, a CPI). The steps
 * are recorded in the order the engine adds them, which follows the
 * mechanism's own order (docs/cost-rules.md). */
struct vs_step {
    const char *what;     /* static text */
    const char *constant; /* static text or NULL */
    const char *part;     /* the composite's primitive this step belongs to, or NULL */
    double part_count;    /* how many of that primitive */
    enum vs_cpu_cat cat;
    double cycles;
    double delay_ns;
};

#define VS_TRACE_MAX_STEPS 96

/* A recorder of steps. Steps past the capacity are added to `dropped` (their
 * cycles still count in the work: the recorder never changes a price). */
struct vs_trace {
    uint32_t n_steps;
    uint32_t dropped;
    const char *part;  /* set while a composite's primitive is priced */
    double part_count;
    struct vs_step steps[VS_TRACE_MAX_STEPS];
};

/* The one way engines add CPU work: w->cycles[cat] += cycles, and a step
 * when w records a trace. */
void vs_work_step(struct vs_work *w, enum vs_cpu_cat cat, double cycles, const char *what,
                  const char *constant);
/* The same for latency on the request's path that uses no CPU. */
void vs_work_wait(struct vs_work *w, double ns, const char *what, const char *constant);

/* Clears everything, detaching any trace (attach one after clearing). */
void vs_work_clear(struct vs_work *w);
double vs_work_total_cycles(const struct vs_work *w);
/* dst += src * scale (cycles, events and delay; dst's in_flight and trace are kept) */
void vs_work_add(struct vs_work *dst, const struct vs_work *src, double scale);

#endif
