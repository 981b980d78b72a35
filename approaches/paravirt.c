/* Paravirtualization: the guest kernel is modified to know it is virtual.
 *
 * xen: a thin hypervisor below a modified guest (Barham et al., SOSP 2003).
 * Privileged operations become hypercalls, except the interrupt flag, which
 * is a mask in memory shared with Xen; page-table updates are validated
 * by Xen and batched (mmu_update); on x86-64 the guest kernel runs in ring 3,
 * so a guest system call enters Xen first and is bounced to the guest kernel
 * (on 32-bit x86, preset xen-pv32, the ring-1 guest kernel takes its system
 * calls directly through a trap gate);
 * I/O goes through split drivers: a front end in the guest and a back end in
 * the driver domain, connected by shared rings, with event channels for
 * notifications (batched) and grant copies for data.
 *
 * uml: User-mode Linux (Dike, ALS 2000) is paravirtualization by another
 * route: the guest kernel is an ordinary host process, and every system call
 * and page fault of a guest process is intercepted through ptrace and
 * signals, at the price of several host context switches each; each guest
 * event is priced as its sequence of host steps (tt mode, below).
 * Pricing: docs/cost-rules.md. */
#include "virtsim/model/engine.h"

#include <stdlib.h>

struct paravirt {
    struct vs_host_spec host;
    enum vs_pv_mode mode;
};

static int pv_create(const struct vs_host_spec *host, const struct vs_preset *preset, void **state,
                     struct vs_error *err)
{
    struct paravirt *p = malloc(sizeof *p);
    if (!p) return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    p->host = *host;
    p->mode = (enum vs_pv_mode)preset->mode;
    *state = p;
    return VS_OK;
}

static void pv_destroy(void *state) { free(state); }

/* n entries into Xen, each `id` cycles, doing `what`. */
static void hypercalls(struct vs_work *w, const struct vs_costs *c, double n, enum vs_cost_id id, const char *what)
{
    vs_engine_step(w, VS_CAT_HYPERCALL, n, c, id, what);
    w->events[VS_EVT_HYPERCALL] += n;
}

/* Split drivers: the back end in the driver domain (blkback, netback)
 * takes the request off the shared ring, maps or copies the guest's pages
 * through the grant table and does the real I/O; one event-channel
 * notification per batch of requests in flight together. In the order of a
 * request or sent packet (the guest has put it on the ring: the back end is
 * notified and scheduled, does the work, the completion's event wakes the
 * vCPU); a received packet (xen_cost calls this before the guest's part)
 * takes the same path in the other direction. */
static void xen_backend(const struct vs_costs *c, const struct vs_workload *wl, enum vs_op_kind op, double n,
                        double bytes, struct vs_work *w)
{
    bool net = op == VS_OP_NET_RX || op == VS_OP_NET_TX;
    double batches = n / vs_engine_pv_batch(c, w);
    vs_engine_wait_backend(c, wl, op, n, false, w);
    vs_engine_step(w, VS_CAT_HOST_KERNEL, n, c, VS_COST_PV_BACKEND_CYCLES,
                   net ? "netback in the driver domain takes the packet off the ring"
                       : "blkback in the driver domain takes the request off the ring");
    vs_engine_step(w, VS_CAT_HOST_KERNEL, n, c, VS_COST_GRANT_CYCLES, "grant table: map or copy set-up");
    if (net)
        vs_work_step(w, VS_CAT_HOST_KERNEL, n * vs_cost(c, VS_COST_COPY_CYCLES_PER_KIB) * bytes / 1024.0,
                     "grant copy of the packet", "copy_per_kib");
    vs_engine_step(w, VS_CAT_HYPERCALL, batches, c, VS_COST_EVENT_CHANNEL_CYCLES,
                   "event-channel notification (one per batch in flight together)");
    w->events[VS_EVT_HYPERCALL] += batches;
    w->events[VS_EVT_INTERRUPT] += batches;
    vs_engine_wait_vcpu(c, wl, op, n, w);
}

static void xen_cost(const struct vs_host_spec *h, bool ring1_kernel, const struct vs_workload *wl,
                     enum vs_op_kind op, double n, double bytes, struct vs_work *w)
{
    const struct vs_costs *c = &h->costs;
    /* What happens in Xen before the guest kernel's own work. */
    switch (op) {
    case VS_OP_SYSCALL:
        /* 32-bit: the guest kernel in ring 1 registers a "fast" system-call
         * handler that the processor enters directly through a trap gate,
         * without Xen (Barham et al., SOSP 2003, section 2.1.2): native. */
        if (ring1_kernel) break;
        /* x86-64: guest kernel in ring 3, so the syscall lands in Xen first. */
        vs_engine_step(w, VS_CAT_HYPERCALL, n, c, VS_COST_PV_SYSCALL_EXTRA_CYCLES,
                       "syscall lands in Xen (guest kernel in ring 3), bounced to the guest kernel");
        w->events[VS_EVT_TRAP] += n;
        break;
    case VS_OP_PAGE_FAULT:
    case VS_OP_COW_FAULT:
    case VS_OP_FILE_FAULT:
        /* The fault traps into Xen, whose handler reads CR2, finds it is the
         * guest's and bounces it to the guest kernel's handler (an upcall
         * with an exception frame). */
        vs_engine_step(w, VS_CAT_HYPERCALL, n, c, VS_COST_PV_FAULT_EXTRA_CYCLES,
                       "#PF traps into Xen, bounced to the guest kernel's handler");
        w->events[VS_EVT_TRAP] += n;
        break;
    case VS_OP_TIMER_IRQ:
        hypercalls(w, c, n, VS_COST_EVENT_CHANNEL_CYCLES, "Xen's timer: event-channel upcall into the guest");
        break;
    case VS_OP_IPI:
        hypercalls(w, c, n, VS_COST_HYPERCALL_CYCLES, "hypercall: send the event to the other vCPU");
        vs_engine_step(w, VS_CAT_HYPERCALL, n, c, VS_COST_EVENT_CHANNEL_CYCLES, "event-channel upcall on the target");
        break;
    default:
        break;
    }
    /* A received packet reaches the guest through netback first. */
    if (op == VS_OP_NET_RX) xen_backend(c, wl, op, n, bytes, w);
    /* cpuid, MSR accesses and hlt never run in a PV guest: they are
     * hypercalls or trapped and emulated by Xen. Everything else does the
     * native work, and Xen adds to it. */
    if (op != VS_OP_EXITING_INSN) vs_engine_native_cost(h, wl, op, n, bytes, w);
    switch (op) {
    case VS_OP_IRQ_FLAG:
        /* Nothing more: the guest's "interrupt flag" is the event-channel
         * upcall mask in the vCPU's shared-info page, and cli/sti become a
         * store to it (Linux arch/x86/xen/irq.c). Unmasking with an event
         * pending makes a hypercall, but that event is delivered and priced
         * by the operation that raised it (timer, I/O). */
        break;
    case VS_OP_CR3_LOAD:
        /* mmuext_op NEW_BASEPTR (and NEW_USER_BASEPTR on x86-64): Xen checks
         * the new table is a pinned, validated one and loads it. */
        hypercalls(w, c, n, VS_COST_HYPERCALL_CYCLES, "mmuext_op NEW_BASEPTR: Xen checks the pinned table, loads it");
        break;
    case VS_OP_PORT_IO:
        /* The guest kernel has no I/O privilege: the access faults into Xen,
         * which checks the domain's I/O permissions and performs it. */
        vs_engine_step(w, VS_CAT_HYPERCALL, n, c, VS_COST_HYPERCALL_CYCLES,
                       "the access faults into Xen, which checks permission and performs it");
        w->events[VS_EVT_TRAP] += n;
        break;
    case VS_OP_EXITING_INSN:
        /* cpuid through Xen's forced-emulation prefix, MSRs trapped and
         * emulated, hlt as SCHEDOP_block: one entry into Xen each. */
        hypercalls(w, c, n, VS_COST_HYPERCALL_CYCLES, "hypercall or trap: Xen emulates the instruction");
        break;
    case VS_OP_PT_UPDATE:
        /* Many updates per mmu_update hypercall, each validated by Xen:
         * the new entry's frame must belong to the domain and must not be a
         * page table itself if writable (get_page_from_l1e: type and
         * reference counts), and the reference is dropped again when the
         * entry goes (put_page_from_l1e, at munmap or exit). */
        hypercalls(w, c, n / vs_cost(c, VS_COST_MMU_UPDATE_BATCH), VS_COST_HYPERCALL_CYCLES,
                   "mmu_update hypercall, shared by a batch of updates");
        vs_engine_step(w, VS_CAT_HYPERCALL, n, c, VS_COST_PV_PTE_VALIDATE_CYCLES,
                       "Xen validates the entry (ownership, type and reference counts)");
        break;
    case VS_OP_PAGE_FAULT:
    case VS_OP_COW_FAULT:
    case VS_OP_FILE_FAULT:
        /* The handler (the native part) installs the PTE in a page table Xen
         * validated and mapped read-only: one mmu_update hypercall, not
         * batched on the fault path (Linux's lazy MMU batching covers fork,
         * mprotect and unmaps), with its validation. On x86-64 the guest
         * kernel runs in ring 3 with its own page table, so it returns to
         * user space through Xen: the iret hypercall, three transitions in
         * all. A 32-bit guest kernel in ring 1 returns to its process with
         * its own iret: two. */
        hypercalls(w, c, n, VS_COST_HYPERCALL_CYCLES, "mmu_update hypercall: install the new PTE");
        vs_engine_step(w, VS_CAT_HYPERCALL, n, c, VS_COST_PV_PTE_VALIDATE_CYCLES,
                       "Xen validates the entry (ownership, type and reference counts)");
        if (!ring1_kernel)
            hypercalls(w, c, n, VS_COST_HYPERCALL_CYCLES, "iret hypercall: back to user space through Xen");
        break;
    case VS_OP_CONTEXT_SWITCH:
        /* The next task's kernel stack (stack_switch), TLS descriptors and
         * FPU state are set through Xen: one multicall per switch. A CR3
         * load, if the switch has one, is counted on its own (above). */
        hypercalls(w, c, n, VS_COST_HYPERCALL_CYCLES, "multicall: kernel stack, TLS and FPU state set through Xen");
        break;
    case VS_OP_DISK_READ:
    case VS_OP_DISK_WRITE:
    case VS_OP_NET_TX:
        xen_backend(c, wl, op, n, bytes, w);
        break;
    default:
        break;
    }
}

/* UML's host steps. Each ptrace request, wait, kill, mmap or mprotect is a
 * host system call (Y). A ptrace stop hands the CPU to the tracer (a host
 * context switch S, plus the stop itself P: the tracee's stop, the SIGCHLD
 * to its tracer, the tracer's wait returning) and resuming the tracee hands
 * it back (S); a signal to a traced process stops it first ("the tracee will
 * stop each time a signal is delivered", ptrace(2)).
 *
 * tt mode (Dike, ALS 2000): each guest process is a host process traced by
 * the UML kernel's tracing thread; the UML kernel is mapped into every one
 * of them and runs in a signal handler.
 *
 * skas3 mode (the host patch measured by Barham et al., SOSP 2003): the UML
 * kernel is a host process of its own, the guest processes run in another
 * host process that it traces, one host address space per guest process
 * through /proc/mm (PTRACE_SWITCH_MM, PTRACE_FAULTINFO). The steps follow
 * the skas loop userspace() and handle_trap() of arch/um/os-Linux/skas/
 * process.c as it was before PTRACE_SYSEMU. */
enum {
    /* a signal to a traced process: its signal-delivery stop, the tracer's
     * wait and PTRACE_CONT with the signal, and back */
    UML_SIGNAL_STOP_SWITCHES = 2,
    UML_SIGNAL_STOP_HOST_CALLS = 2,
    /* tt: a switch between guest processes: the outgoing one wakes the next
     * (a write to its pipe) and sleeps (a read on its own) */
    UML_SWITCH_HOST_CALLS = 2,
    /* skas: the UML kernel's switch between its thread stacks saves and
     * restores the host signal mask (sigsetjmp/siglongjmp) */
    UML_SKAS_THREAD_SWITCH_HOST_CALLS = 2
};

/* Host steps of UML's sequences: `switches` host context switches, `stops`
 * ptrace stops, `calls` host system calls, `signals` signal deliveries and
 * `faults` host page faults, as one step of the sequence. */
struct host_steps {
    double switches, stops, calls, signals, faults;
};

static void uml_step(struct vs_work *w, const struct vs_costs *c, double n, struct host_steps k, const char *what)
{
    double cycles = k.switches * vs_cost(c, VS_COST_CONTEXT_SWITCH_CYCLES) +
                    k.stops * vs_cost(c, VS_COST_PTRACE_STOP_CYCLES) + k.calls * vs_cost(c, VS_COST_SYSCALL_CYCLES) +
                    k.signals * vs_cost(c, VS_COST_SIGNAL_DELIVERY_CYCLES) +
                    k.faults * vs_cost(c, VS_COST_PAGE_FAULT_CYCLES);
    /* the constants the step is priced from, for the trace: one string per
     * combination (bit 0 switches, 1 stops, 2 calls, 3 signals, 4 faults) */
    static const char *const from_keys[32] = {
        NULL, "context_switch", "ptrace_stop", "context_switch, ptrace_stop",
        "syscall", "context_switch, syscall", "ptrace_stop, syscall", "context_switch, ptrace_stop, syscall",
        "signal_delivery", "context_switch, signal_delivery", "ptrace_stop, signal_delivery", "context_switch, ptrace_stop, signal_delivery",
        "syscall, signal_delivery", "context_switch, syscall, signal_delivery", "ptrace_stop, syscall, signal_delivery", "context_switch, ptrace_stop, syscall, signal_delivery",
        "page_fault", "context_switch, page_fault", "ptrace_stop, page_fault", "context_switch, ptrace_stop, page_fault",
        "syscall, page_fault", "context_switch, syscall, page_fault", "ptrace_stop, syscall, page_fault", "context_switch, ptrace_stop, syscall, page_fault",
        "signal_delivery, page_fault", "context_switch, signal_delivery, page_fault", "ptrace_stop, signal_delivery, page_fault", "context_switch, ptrace_stop, signal_delivery, page_fault",
        "syscall, signal_delivery, page_fault", "context_switch, syscall, signal_delivery, page_fault", "ptrace_stop, syscall, signal_delivery, page_fault", "context_switch, ptrace_stop, syscall, signal_delivery, page_fault",
    };
    unsigned used = (k.switches > 0) | (k.stops > 0) << 1 | (k.calls > 0) << 2 | (k.signals > 0) << 3 |
                    (k.faults > 0) << 4;
    vs_work_step(w, VS_CAT_HOST_KERNEL, n * cycles, what, from_keys[used]);
}

/* A host signal delivered to a traced UML process: its signal-delivery stop
 * (a switch to the tracer), the tracer's wait and PTRACE_CONT with the
 * signal, the switch back, then the delivery to the handler and sigreturn. */
static void uml_signal(struct vs_work *w, const struct vs_costs *c, double n, const char *what)
{
    uml_step(w, c, n,
             (struct host_steps){.switches = UML_SIGNAL_STOP_SWITCHES, .stops = 1,
                                 .calls = UML_SIGNAL_STOP_HOST_CALLS, .signals = 1},
             what);
}

static void uml_cost(const struct vs_host_spec *h, bool skas3, const struct vs_workload *wl, enum vs_op_kind op,
                     double n, double bytes, struct vs_work *w)
{
    const struct vs_costs *c = &h->costs;
    /* The host's steps that come before the UML kernel's own work (the
     * native part), which then runs, and those that follow it. */
    switch (op) {
    case VS_OP_SYSCALL:
        if (skas3) {
            /* Two stops; the call runs in the UML kernel's own process. */
            uml_step(w, c, n, (struct host_steps){.switches = 1, .stops = 1, .calls = 2},
                     "the call stops the process (ptrace); the UML kernel: wait, GETREGS");
            uml_step(w, c, n, (struct host_steps){.switches = 1, .calls = 3},
                     "POKEUSER: the call becomes getpid; PTRACE_SYSCALL; getpid runs");
            uml_step(w, c, n, (struct host_steps){.switches = 1, .stops = 1, .calls = 1},
                     "stop at the getpid's exit; the UML kernel: wait, then runs the call");
        } else {
            uml_step(w, c, n, (struct host_steps){.switches = 1, .stops = 1, .calls = 2},
                     "the call stops the process (ptrace); the tracing thread: wait, POKEUSER (getpid)");
            uml_step(w, c, n, (struct host_steps){.switches = 1, .calls = 2},
                     "PTRACE_SYSCALL: the process resumes, the nullified getpid runs");
            uml_step(w, c, n, (struct host_steps){.switches = 1, .stops = 1, .calls = 3},
                     "stop at its exit; the tracing thread: wait, kill(SIGUSR2), PTRACE_SYSCALL");
            uml_step(w, c, n, (struct host_steps){.switches = 1, .signals = 1},
                     "the process resumes into its SIGUSR2 handler: the UML kernel");
        }
        w->events[VS_EVT_TRAP] += n;
        break;
    case VS_OP_PAGE_FAULT:
    case VS_OP_COW_FAULT:
    case VS_OP_FILE_FAULT:
        if (skas3) {
            uml_step(w, c, n, (struct host_steps){.faults = 1},
                     "host #PF on a page the host process has not mapped: SIGSEGV");
            uml_step(w, c, n, (struct host_steps){.switches = 1, .stops = 1, .calls = 3},
                     "the SIGSEGV stops the process; the UML kernel: wait, GETREGS, PTRACE_FAULTINFO");
        } else {
            uml_step(w, c, n, (struct host_steps){.calls = 1},
                     "host #PF on a page the host process has not mapped: SIGSEGV");
            uml_signal(w, c, n, "the SIGSEGV stops the process, goes through the tracer to the UML kernel's handler");
        }
        w->events[VS_EVT_TRAP] += n;
        break;
    case VS_OP_TIMER_IRQ:
    case VS_OP_IPI:
        /* Interrupts arrive as host signals (SIGVTALRM, SIGIO, SIGUSR1). */
        uml_signal(w, c, n, "the interrupt arrives as a host signal, through the tracer to the handler");
        w->events[VS_EVT_TRAP] += n;
        break;
    default:
        break;
    }
    /* Port accesses and exiting instructions are not executed at all; the
     * rest runs as the guest kernel's native work, and the host adds to it. */
    if (op != VS_OP_PORT_IO && op != VS_OP_EXITING_INSN) vs_engine_native_cost(h, wl, op, n, bytes, w);
    switch (op) {
    case VS_OP_SYSCALL:
        if (skas3)
            uml_step(w, c, n, (struct host_steps){.switches = 1, .calls = 2},
                     "SETREGS (the call's result), PTRACE_SYSCALL: back to the process");
        break;
    case VS_OP_PAGE_FAULT:
    case VS_OP_COW_FAULT:
    case VS_OP_FILE_FAULT:
        if (skas3) {
            uml_step(w, c, n, (struct host_steps){.switches = 1, .calls = 3},
                     "write to /proc/mm (MM_MMAP) maps the page; SETREGS, PTRACE_SYSCALL: the process resumes");
            uml_step(w, c, n, (struct host_steps){.faults = 1}, "the retried access faults the page into the host");
        } else {
            uml_step(w, c, n, (struct host_steps){.calls = 1},
                     "mmap of the page from UML's physical-memory file");
            uml_step(w, c, n, (struct host_steps){.faults = 1}, "the retried access faults the page into the host");
        }
        break;
    case VS_OP_PT_UPDATE:
        /* A guest mapping change is an mmap/mprotect in the host (skas3: a
         * write to the address space's /proc/mm file). */
        uml_step(w, c, n, (struct host_steps){.calls = 1},
                 skas3 ? "a write to /proc/mm changes the host mapping" : "mmap/mprotect changes the host mapping");
        break;
    case VS_OP_IRQ_FLAG:
        /* "cli" is a store to the UML kernel's own signals_enabled flag:
         * signals that arrive meanwhile are marked pending and replayed
         * (arch/um/os-Linux/signal.c). No host call. */
        break;
    case VS_OP_CR3_LOAD:
        /* An address space is a host process (skas3: a /proc/mm address
         * space): the switch to it is priced with the context switch. */
        break;
    case VS_OP_PORT_IO:
    case VS_OP_EXITING_INSN:
        /* No device registers and no privileged instructions in a host
         * process: their equivalent is a host system call (the host's
         * device, an idle wait for hlt). */
        uml_step(w, c, n, (struct host_steps){.calls = 1}, "a host system call does it instead");
        break;
    case VS_OP_CONTEXT_SWITCH:
        if (skas3) {
            /* The UML kernel switches its own threads: switch_threads()
             * (arch/um/kernel/skas/process.c) is sigsetjmp(buf, 1) and
             * siglongjmp, which save and restore the signal mask, a host
             * sigprocmask each. switch_mm() then moves the traced process to
             * the next address space with PTRACE_SWITCH_MM: no host process
             * switch, and nothing to remap (each /proc/mm address space
             * keeps its host mappings; no flush on this path). */
            uml_step(w, c, n, (struct host_steps){.calls = UML_SKAS_THREAD_SWITCH_HOST_CALLS},
                     "switch_threads: sigsetjmp saves, siglongjmp restores the signal mask (sigprocmask each)");
            uml_step(w, c, n, (struct host_steps){.calls = 1},
                     "PTRACE_SWITCH_MM: the traced process moves to the next address space");
        } else {
            /* The host switches processes (the outgoing one wakes the next
             * and sleeps), and the incoming one's address space is brought
             * up to date: the mappings changed while it was out are redone
             * with mmap/munmap/mprotect. */
            uml_step(w, c, n, (struct host_steps){.switches = 1, .calls = UML_SWITCH_HOST_CALLS},
                     "host process switch: the outgoing one writes the next one's pipe, reads its own");
            vs_engine_step(w, VS_CAT_HOST_KERNEL, n * vs_cost(c, VS_COST_UML_REMAP_CALLS), c, VS_COST_SYSCALL_CYCLES,
                           "mmap/munmap/mprotect redo the mappings changed while it was out");
        }
        w->events[VS_EVT_TRAP] += n;
        break;
    case VS_OP_DISK_READ:
    case VS_OP_DISK_WRITE:
        uml_step(w, c, n, (struct host_steps){.calls = 1}, "a host read/write on the disk image");
        vs_engine_step(w, VS_CAT_HOST_KERNEL, n, c, VS_COST_DISK_REQUEST_CYCLES, "host kernel does the real disk I/O");
        break;
    case VS_OP_NET_RX:
    case VS_OP_NET_TX:
        uml_step(w, c, n, (struct host_steps){.calls = 1}, "a host read/write on the TAP device");
        vs_engine_step(w, VS_CAT_HOST_KERNEL, n, c, VS_COST_NET_PACKET_CYCLES, "host network stack and NIC");
        break;
    default:
        break;
    }
}

static void pv_cost(const void *state, const struct vs_workload *wl, enum vs_op_kind op, double n,
                    double bytes, struct vs_work *w)
{
    const struct paravirt *p = state;
    if (p->mode == VS_PV_UML || p->mode == VS_PV_UML_SKAS3)
        uml_cost(&p->host, p->mode == VS_PV_UML_SKAS3, wl, op, n, bytes, w);
    else
        xen_cost(&p->host, p->mode == VS_PV_XEN32, wl, op, n, bytes, w);
}

static void pv_memory(const void *state, const struct vs_guest_spec *g, struct vs_mem_parts *out)
{
    const struct paravirt *p = state;
    vs_engine_vm_memory(&p->host.costs, g, false, out);
    /* A UML kernel is a host process: no hypervisor bookkeeping for it. */
    if (p->mode == VS_PV_UML || p->mode == VS_PV_UML_SKAS3) out->bytes[VS_MEM_OVERHEAD] = 0;
}

static vs_time_ns pv_start_time(const void *state, const struct vs_guest_spec *g)
{
    (void)g;
    return (vs_time_ns)vs_cost(&((const struct paravirt *)state)->host.costs, VS_COST_VM_BOOT_NS);
}

/* Dirty logging. Xen puts a PV guest into log-dirty mode: its page tables
 * are write-protected, so the first write to a page faults into Xen, which
 * marks the page in the dirty bitmap and restores the write access (a
 * fault into Xen and its return). UML's guest memory is a host file mapped
 * into host processes: what tracks its writes is the host's soft-dirty
 * fault, as for any process. */
static double pv_dirty_page_cycles(const void *state)
{
    const struct paravirt *p = state;
    const struct vs_costs *c = &p->host.costs;
    if (p->mode == VS_PV_UML || p->mode == VS_PV_UML_SKAS3) return vs_engine_fault_cycles(c, VS_OP_FILE_FAULT);
    return vs_cost(c, VS_COST_PV_FAULT_EXTRA_CYCLES) + vs_cost(c, VS_COST_HYPERCALL_CYCLES);
}

static const struct vs_preset pv_presets[] = {
    {.name = "paravirt", .system = "a Xen-style paravirtualizing hypervisor",
     .summary = "hypercalls, batched page-table updates, split drivers", .mode = VS_PV_XEN,
     .io = VS_IO_PV, .sched = VS_SCHED_CREDIT},
    {.name = "xen-pv", .system = "Xen PV guest (x86-64)",
     .summary = "syscalls bounce through Xen; mmu_update batches; netfront/blkfront to dom0",
     .mode = VS_PV_XEN, .io = VS_IO_PV, .sched = VS_SCHED_CREDIT},
    {.name = "xen-pv32", .system = "Xen PV guest (32-bit x86, the Xen of Barham et al. 2003)",
     .summary = "syscalls through a trap gate straight to the guest kernel; otherwise as xen-pv",
     .mode = VS_PV_XEN32, .io = VS_IO_PV, .sched = VS_SCHED_CREDIT},
    {.name = "uml", .system = "User-mode Linux",
     .summary = "guest kernel is a host process; syscalls and faults intercepted with ptrace",
     .mode = VS_PV_UML, .io = VS_IO_NATIVE},
    {.name = "uml-skas3", .system = "User-mode Linux, skas3 host patch (as measured by Barham et al. 2003)",
     .summary = "UML kernel in its own host process; guest address spaces through /proc/mm",
     .mode = VS_PV_UML_SKAS3, .io = VS_IO_NATIVE},
};

const struct vs_engine_ops vs_engine_paravirt = {
    .name = "paravirt",
    .approach = "paravirt",
    .summary = "a modified guest kernel calls the hypervisor (or host) instead of trapping",
    .presets = pv_presets,
    .n_presets = sizeof pv_presets / sizeof pv_presets[0],
    .create = pv_create,
    .destroy = pv_destroy,
    .cost = pv_cost,
    .memory = pv_memory,
    .start_time = pv_start_time,
    .dirty_page_cycles = pv_dirty_page_cycles,
};
