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

static void hypercalls(struct vs_work *w, double n, double cycles_each)
{
    w->cycles[VS_CAT_HYPERCALL] += n * cycles_each;
    w->events[VS_EVT_HYPERCALL] += n;
}

static void xen_cost(const struct vs_host_spec *h, bool ring1_kernel, const struct vs_workload *wl,
                     enum vs_op_kind op, double n, double bytes, struct vs_work *w)
{
    const struct vs_costs *c = &h->costs;
    /* cpuid, MSR accesses and hlt never run in a PV guest: they are
     * hypercalls or trapped and emulated by Xen. Everything else does the
     * native work, and Xen adds to it. */
    if (op != VS_OP_EXITING_INSN) vs_engine_native_cost(h, wl, op, n, bytes, w);
    switch (op) {
    case VS_OP_SYSCALL:
        /* 32-bit: the guest kernel in ring 1 registers a "fast" system-call
         * handler that the processor enters directly through a trap gate,
         * without Xen (Barham et al., SOSP 2003, section 2.1.2): native. */
        if (ring1_kernel) break;
        /* x86-64: guest kernel in ring 3, so the syscall lands in Xen first. */
        w->cycles[VS_CAT_HYPERCALL] += n * vs_cost(c, VS_COST_PV_SYSCALL_EXTRA_CYCLES);
        w->events[VS_EVT_TRAP] += n;
        break;
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
        hypercalls(w, n, vs_cost(c, VS_COST_HYPERCALL_CYCLES));
        break;
    case VS_OP_PORT_IO:
        /* The guest kernel has no I/O privilege: the access faults into Xen,
         * which checks the domain's I/O permissions and performs it. */
        w->cycles[VS_CAT_HYPERCALL] += n * vs_cost(c, VS_COST_HYPERCALL_CYCLES);
        w->events[VS_EVT_TRAP] += n;
        break;
    case VS_OP_EXITING_INSN:
        /* cpuid through Xen's forced-emulation prefix, MSRs trapped and
         * emulated, hlt as SCHEDOP_block: one entry into Xen each. */
        hypercalls(w, n, vs_cost(c, VS_COST_HYPERCALL_CYCLES));
        break;
    case VS_OP_PT_UPDATE:
        /* Many updates per mmu_update hypercall, each validated by Xen:
         * the new entry's frame must belong to the domain and must not be a
         * page table itself if writable (get_page_from_l1e: type and
         * reference counts), and the reference is dropped again when the
         * entry goes (put_page_from_l1e, at munmap or exit). */
        hypercalls(w, n / vs_cost(c, VS_COST_MMU_UPDATE_BATCH), vs_cost(c, VS_COST_HYPERCALL_CYCLES));
        w->cycles[VS_CAT_HYPERCALL] += n * vs_cost(c, VS_COST_PV_PTE_VALIDATE_CYCLES);
        break;
    case VS_OP_PAGE_FAULT:
    case VS_OP_COW_FAULT:
    case VS_OP_FILE_FAULT:
        /* The fault traps into Xen, whose handler reads CR2, finds it is the
         * guest's and bounces it to the guest kernel's handler (an upcall
         * with an exception frame): pv_fault_extra. The handler (the native
         * part) installs the PTE in a page table Xen validated and mapped
         * read-only: one mmu_update hypercall, not batched on the fault path
         * (Linux's lazy MMU batching covers fork, mprotect and unmaps), with
         * its validation. On x86-64 the guest kernel runs in ring 3 with its
         * own page table, so it returns to user space through Xen: the iret
         * hypercall, three transitions in all. A 32-bit guest kernel in ring
         * 1 returns to its process with its own iret: two. */
        w->cycles[VS_CAT_HYPERCALL] += n * (vs_cost(c, VS_COST_PV_FAULT_EXTRA_CYCLES) +
                                            vs_cost(c, VS_COST_PV_PTE_VALIDATE_CYCLES));
        w->events[VS_EVT_TRAP] += n;
        hypercalls(w, (ring1_kernel ? 1 : 2) * n, vs_cost(c, VS_COST_HYPERCALL_CYCLES));
        break;
    case VS_OP_CONTEXT_SWITCH:
        /* The next task's kernel stack (stack_switch), TLS descriptors and
         * FPU state are set through Xen: one multicall per switch. A CR3
         * load, if the switch has one, is counted on its own (above). */
        hypercalls(w, n, vs_cost(c, VS_COST_HYPERCALL_CYCLES));
        break;
    case VS_OP_TIMER_IRQ:
        hypercalls(w, n, vs_cost(c, VS_COST_EVENT_CHANNEL_CYCLES));
        break;
    case VS_OP_IPI:
        hypercalls(w, n, vs_cost(c, VS_COST_HYPERCALL_CYCLES) + vs_cost(c, VS_COST_EVENT_CHANNEL_CYCLES));
        break;
    case VS_OP_DISK_READ:
    case VS_OP_DISK_WRITE:
    case VS_OP_NET_RX:
    case VS_OP_NET_TX: {
        bool net = op == VS_OP_NET_RX || op == VS_OP_NET_TX;
        /* Back end in the driver domain: ring processing, grant map or copy. */
        w->cycles[VS_CAT_HOST_KERNEL] +=
            n * (vs_cost(c, VS_COST_PV_BACKEND_CYCLES) + vs_cost(c, VS_COST_GRANT_CYCLES) +
                 (net ? vs_cost(c, VS_COST_COPY_CYCLES_PER_KIB) * bytes / 1024.0 : 0));
        /* One event-channel notification per batch of requests in flight
         * together; netback/blkback run in dom0 and must be scheduled, the
         * guest's vCPU woken by the event channel. */
        double batches = n / vs_engine_pv_batch(c, w);
        hypercalls(w, batches, vs_cost(c, VS_COST_EVENT_CHANNEL_CYCLES));
        w->events[VS_EVT_INTERRUPT] += batches;
        vs_engine_io_delay(c, wl, op, n, false, w);
        break;
    }
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
    /* tt: a guest system call: stop at the host syscall's entry (switch to
     * the tracer), which nullifies it (getpid) and resumes the process
     * (switch back); stop at its exit (switch), where the tracer signals the
     * process to run the call in the UML kernel and resumes it (switch back) */
    UML_SYSCALL_SWITCHES = 4,
    UML_SYSCALL_STOPS = 2,
    /* the trapped call itself (run as getpid), then the tracer's wait,
     * PTRACE_POKEUSER (nullify), PTRACE_SYSCALL, wait, kill(SIGUSR2),
     * PTRACE_SYSCALL */
    UML_SYSCALL_HOST_CALLS = 7,
    /* a signal to a traced process: its signal-delivery stop, the tracer's
     * wait and PTRACE_CONT with the signal, and back */
    UML_SIGNAL_STOP_SWITCHES = 2,
    UML_SIGNAL_STOP_HOST_CALLS = 2,
    /* tt: a switch between guest processes: the outgoing one wakes the next
     * (a write to its pipe) and sleeps (a read on its own) */
    UML_SWITCH_HOST_CALLS = 2,
    /* skas3: a guest system call stops the process twice (entry, then exit
     * of the nullified call) and the UML kernel runs the call between them
     * in its own process: PTRACE_SYSCALL, wait, GETREGS, POKEUSER (getpid),
     * PTRACE_SYSCALL, wait, SETREGS, and the getpid itself */
    SKAS_SYSCALL_SWITCHES = 4,
    SKAS_SYSCALL_STOPS = 2,
    SKAS_SYSCALL_HOST_CALLS = 8,
    /* skas3: a page fault is a SIGSEGV stop; the UML kernel reads the fault
     * (wait, GETREGS, PTRACE_FAULTINFO), handles it, maps the page into the
     * process's /proc/mm address space (a write to /proc/mm: MM_MMAP), and
     * resumes it (SETREGS, PTRACE_SYSCALL); the retried access then faults
     * the page into the host's page table */
    SKAS_FAULT_SWITCHES = 2,
    SKAS_FAULT_HOST_CALLS = 6
};

/* A host signal delivered to a traced UML process: the ptrace stop and the
 * tracer's round trip, then the delivery to the handler and sigreturn. */
static double uml_signal(const struct vs_costs *c)
{
    return UML_SIGNAL_STOP_SWITCHES * vs_cost(c, VS_COST_CONTEXT_SWITCH_CYCLES) +
           vs_cost(c, VS_COST_PTRACE_STOP_CYCLES) + UML_SIGNAL_STOP_HOST_CALLS * vs_cost(c, VS_COST_SYSCALL_CYCLES) +
           vs_cost(c, VS_COST_SIGNAL_DELIVERY_CYCLES);
}

static void uml_cost(const struct vs_host_spec *h, bool skas3, const struct vs_workload *wl, enum vs_op_kind op,
                     double n, double bytes, struct vs_work *w)
{
    const struct vs_costs *c = &h->costs;
    /* Port accesses and exiting instructions are not executed at all; the
     * rest runs as the guest kernel's native work, and the host adds to it. */
    if (op != VS_OP_PORT_IO && op != VS_OP_EXITING_INSN) vs_engine_native_cost(h, wl, op, n, bytes, w);
    double host_syscall = vs_cost(c, VS_COST_SYSCALL_CYCLES);
    double host_switch = vs_cost(c, VS_COST_CONTEXT_SWITCH_CYCLES);
    double stop = vs_cost(c, VS_COST_PTRACE_STOP_CYCLES);
    switch (op) {
    case VS_OP_SYSCALL:
        if (skas3) {
            /* Two stops; the call runs in the UML kernel's own process. */
            w->cycles[VS_CAT_HOST_KERNEL] += n * (SKAS_SYSCALL_SWITCHES * host_switch + SKAS_SYSCALL_STOPS * stop +
                                                  SKAS_SYSCALL_HOST_CALLS * host_syscall);
        } else {
            /* Two stops, then a signal that makes the process enter the UML
             * kernel (its handler), where the call runs as the guest
             * kernel's native work. */
            w->cycles[VS_CAT_HOST_KERNEL] +=
                n * (UML_SYSCALL_SWITCHES * host_switch + UML_SYSCALL_STOPS * stop +
                     UML_SYSCALL_HOST_CALLS * host_syscall + vs_cost(c, VS_COST_SIGNAL_DELIVERY_CYCLES));
        }
        w->events[VS_EVT_TRAP] += n;
        break;
    case VS_OP_PAGE_FAULT:
    case VS_OP_COW_FAULT:
    case VS_OP_FILE_FAULT:
        if (skas3) {
            /* The host fault raising SIGSEGV, the stop, the UML kernel's
             * calls, and the host fault of the retried access. */
            w->cycles[VS_CAT_HOST_KERNEL] +=
                n * (2 * vs_cost(c, VS_COST_PAGE_FAULT_CYCLES) + SKAS_FAULT_SWITCHES * host_switch + stop +
                     SKAS_FAULT_HOST_CALLS * host_syscall);
        } else {
            /* The host faults on a page the host process has not mapped and
             * raises SIGSEGV (a trap into the host), which stops the traced
             * process and goes through the tracer, then runs the UML
             * kernel's fault handler (the native part); that maps the page
             * from UML's physical-memory file (mmap), and the retried access
             * faults it into the host process (a host page fault). */
            w->cycles[VS_CAT_HOST_KERNEL] +=
                n * (host_syscall + uml_signal(c) + host_syscall + vs_cost(c, VS_COST_PAGE_FAULT_CYCLES));
        }
        w->events[VS_EVT_TRAP] += n;
        break;
    case VS_OP_PT_UPDATE:
        /* A guest mapping change is an mmap/mprotect in the host (skas3: a
         * write to the address space's /proc/mm file). */
        w->cycles[VS_CAT_HOST_KERNEL] += n * host_syscall;
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
        w->cycles[VS_CAT_HOST_KERNEL] += n * host_syscall;
        break;
    case VS_OP_CONTEXT_SWITCH:
        if (skas3) {
            /* The UML kernel switches its own threads (a longjmp) and moves
             * the traced process to the next address space with
             * PTRACE_SWITCH_MM: one host call, no host process switch, and
             * nothing to remap (each address space keeps its mappings). */
            w->cycles[VS_CAT_HOST_KERNEL] += n * host_syscall;
        } else {
            /* The host switches processes (the outgoing one wakes the next
             * and sleeps), and the incoming one's address space is brought
             * up to date: the mappings changed while it was out are redone
             * with mmap/munmap/mprotect. */
            w->cycles[VS_CAT_HOST_KERNEL] +=
                n * (host_switch + (UML_SWITCH_HOST_CALLS + vs_cost(c, VS_COST_UML_REMAP_CALLS)) * host_syscall);
        }
        w->events[VS_EVT_TRAP] += n;
        break;
    case VS_OP_TIMER_IRQ:
    case VS_OP_IPI:
        /* Interrupts arrive as host signals (SIGVTALRM, SIGIO, SIGUSR1). */
        w->cycles[VS_CAT_HOST_KERNEL] += n * uml_signal(c);
        w->events[VS_EVT_TRAP] += n;
        break;
    case VS_OP_DISK_READ:
    case VS_OP_DISK_WRITE:
        w->cycles[VS_CAT_HOST_KERNEL] += n * (host_syscall + vs_cost(c, VS_COST_DISK_REQUEST_CYCLES));
        break;
    case VS_OP_NET_RX:
    case VS_OP_NET_TX:
        w->cycles[VS_CAT_HOST_KERNEL] += n * (host_syscall + vs_cost(c, VS_COST_NET_PACKET_CYCLES));
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

static const struct vs_preset pv_presets[] = {
    {.name = "paravirt", .system = "a Xen-style paravirtualizing hypervisor",
     .summary = "hypercalls, batched page-table updates, split drivers", .mode = VS_PV_XEN,
     .io = VS_IO_PV},
    {.name = "xen-pv", .system = "Xen PV guest (x86-64)",
     .summary = "syscalls bounce through Xen; mmu_update batches; netfront/blkfront to dom0",
     .mode = VS_PV_XEN, .io = VS_IO_PV},
    {.name = "xen-pv32", .system = "Xen PV guest (32-bit x86, the Xen of Barham et al. 2003)",
     .summary = "syscalls through a trap gate straight to the guest kernel; otherwise as xen-pv",
     .mode = VS_PV_XEN32, .io = VS_IO_PV},
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
};
