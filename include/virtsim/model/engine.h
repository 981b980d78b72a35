/* The engine interface: how a virtualization approach turns guest-visible
 * operations into host work. One table of operations per approach, one file
 * per approach in approaches/, one registry (approaches/registry.c). An engine
 * only prices primitive operations; composite ones (fork + exec) are expanded
 * into primitives by vs_engine_price (approaches/expand.c), through which
 * every caller prices. The event core does the queueing, contention and
 * scheduling, so every figure comes out of the mechanism. */
#ifndef VIRTSIM_ENGINE_H
#define VIRTSIM_ENGINE_H

#include <stddef.h>
#include "virtsim/core/error.h"
#include "virtsim/core/event.h"
#include "virtsim/host/host.h"
#include "virtsim/host/memory.h"
#include "virtsim/core/ops.h"
#include "virtsim/spec/scenario.h"
#include "virtsim/spec/workload.h"

/* How a system implements its approach: which variant of the mechanism it
 * uses. Each engine reads the fields that apply to it. */
enum vs_emu_mode { VS_EMU_DBT, VS_EMU_INTERPRETER, VS_EMU_BT };
/* VS_PV_XEN: x86-64 Xen PV (guest kernel in ring 3: a system call enters Xen
 * first); VS_PV_XEN32: 32-bit Xen PV (guest kernel in ring 1: a system call
 * goes through a trap gate straight to the guest kernel); VS_PV_UML (tt mode);
 * VS_PV_UML_SKAS3 (UML with the skas3 host patch: the UML kernel in a host
 * process of its own, guest address spaces through /proc/mm). */
enum vs_pv_mode { VS_PV_XEN, VS_PV_UML, VS_PV_XEN32, VS_PV_UML_SKAS3 };
enum vs_paging { VS_PAGING_AUTO, VS_PAGING_SHADOW, VS_PAGING_EPT }; /* AUTO: EPT if the host has it */
enum vs_io_path {
    VS_IO_NATIVE,   /* the host's own driver */
    VS_IO_EMULATED, /* an emulated device (IDE, e1000) in a device model */
    VS_IO_PV,       /* split drivers / virtio on a shared ring */
    VS_IO_VETH,     /* container: veth pair + bridge */
    VS_IO_VENET,    /* container: routed virtual network device (OpenVZ venet) */
    VS_IO_HOSTNET   /* container: the host's network stack, shared */
};

/* A named system: an engine with the parameters that distinguish it (e.g.
 * `kvm` is the hvm engine with EPT and virtio). Every engine lists its
 * presets; the first one carries the engine's own name and its defaults. */
struct vs_preset {
    const char *name;    /* as written in `compare:`, e.g. "kvm" */
    const char *system;  /* the real system it stands for, e.g. "KVM + QEMU with virtio" */
    const char *summary; /* one line: what distinguishes it */
    int mode;            /* enum vs_emu_mode or vs_pv_mode, per engine */
    enum vs_paging paging;
    enum vs_io_path io;
    bool device_model_in_user; /* emulated devices live in a user-space process (QEMU) */
    bool beancounters;   /* OS-level: per-operation resource accounting (OpenVZ UBC) */
};

struct vs_engine_ops {
    const char *name;     /* the engine, e.g. "hvm" (also its first preset's name) */
    const char *approach; /* "native", "emulation", "paravirt", "hvm", "oslevel" */
    const char *summary;  /* one line for `virtsim list approaches` */
    const struct vs_preset *presets; /* presets[0] is the engine's default */
    size_t n_presets;

    /* Builds the engine's private state for one run from the host profile
     * (its cost constants and hardware features) and a preset. *state is
     * owned by the engine: freed by destroy. VS_ERR_INPUT when the host
     * cannot run it (e.g. HVM without VT-x). */
    int (*create)(const struct vs_host_spec *host, const struct vs_preset *preset, void **state,
                  struct vs_error *err);
    void (*destroy)(void *state);

    /* Adds to w the host work of `count` operations of kind `op` performed by
     * a guest running workload wl; for I/O operations `bytes` is the size of
     * each. Must be a pure function of its arguments (determinism). Only
     * primitive operations reach it: callers go through vs_engine_price,
     * which expands composites (fork + exec) into primitives first. */
    void (*cost)(const void *state, const struct vs_workload *wl, enum vs_op_kind op,
                 double count, double bytes, struct vs_work *w);

    /* Resident memory one instance of guest g needs on the host, by part. */
    void (*memory)(const void *state, const struct vs_guest_spec *g, struct vs_mem_parts *out);

    /* Time from creation until the guest serves its first request (boot or start). */
    vs_time_ns (*start_time)(const void *state, const struct vs_guest_spec *g);

    /* Cycles the guest pays for the first write to a page while its writes
     * are logged (live migration, incremental checkpoints): a write-protect
     * fault into the hypervisor, an EPT violation, a PML buffer's share of
     * an exit, a soft-dirty fault, a soft-TLB slow path. docs/cost-rules.md. */
    double (*dirty_page_cycles)(const void *state);

    /* Performance isolation (host/contention.h): true when every guest's
     * system calls, faults and I/O run in the one host kernel (native
     * processes, containers), so they contend on its locks; false when each
     * guest has a kernel of its own (VMs, and UML, whose guest kernel keeps
     * its own page cache, allocator and network stack). */
    bool shares_host_kernel;
};

/* An engine opened for one run. */
struct vs_engine {
    const struct vs_engine_ops *ops;
    const struct vs_preset *preset;
    void *state;
};

/* Opens preset `name` on host when the host can run it (*opened true);
 * when it cannot (an hvm preset without VT-x, ...), *opened is false and
 * "name (why)" is added to `skipped` ("; "-separated). VS_ERR_INPUT, with
 * the known names, for an unknown preset. For the commands that leave out
 * what a host cannot run and say so (microbench, trace). */
int vs_engine_open_if_runs(const char *name, const struct vs_host_spec *host, struct vs_engine *e, bool *opened,
                           char *skipped, size_t skipped_len, struct vs_error *err);

/* Registry. */
size_t vs_engine_count(void);
const struct vs_engine_ops *vs_engine_at(size_t i);
/* Finds a preset by name (an engine's own name finds its first preset) and,
 * if ops is not NULL, its engine. NULL if unknown. */
const struct vs_preset *vs_preset_find(const char *name, const struct vs_engine_ops **ops);
/* The engine a name selects, or NULL. */
const struct vs_engine_ops *vs_engine_find(const char *name);
/* Comma-separated list of every preset name, for error messages. */
const char *vs_engine_names(void);

/* Composite operations (approaches/expand.c). Some operations of the
 * vocabulary are bundles of others: a fork + exec is system calls, kernel
 * instructions, page-table updates and page faults. Such an operation is
 * expanded, once and the same way for every engine, into its primitive steps
 * before any engine sees it; each engine prices the steps with its own
 * cost(), so what a composite costs under an approach follows from how that
 * approach prices the primitives. An engine's cost() is never called with a
 * composite operation (and adds nothing if it is). */
enum vs_step_count {
    VS_STEP_END,       /* no step: ends the list (what an unused slot is) */
    VS_STEP_HOST_COST, /* count per composite: the host profile's cost constant `cost` */
    VS_STEP_FIXED,     /* count per composite: `fixed` */
    /* Counts that depend on the workload: `fixed` x its pages (of 4 KiB,
     * VS_STEP_PAGE_BYTES) of memory.footprint, of memory.working_set, or of
     * memory.code (the host constant `cost` when the workload gives no
     * code size). */
    VS_STEP_PER_FOOTPRINT_PAGE,
    VS_STEP_PER_WORKING_SET_PAGE,
    VS_STEP_PER_CODE_PAGE
};
#define VS_STEP_PAGE_BYTES 4096.0

/* One step of a composite: `count` primitive operations `op` per composite,
 * each of `bytes` bytes (for I/O operations; 0 otherwise). */
struct vs_op_step {
    enum vs_op_kind op; /* a primitive operation: never a composite */
    enum vs_step_count count_from;
    enum vs_cost_id cost; /* VS_STEP_HOST_COST */
    double fixed;         /* VS_STEP_FIXED; the count per page for VS_STEP_PER_*_PAGE */
    double bytes;
};

#define VS_OP_MAX_STEPS 8
/* Guest kernel instructions of one page-cache read hit: the page lookup and
 * the copy of a 4 KiB-class block to user space (an estimate, documented in
 * docs/cost-model.md, Page cache). */
#define VS_PAGE_CACHE_HIT_INSTRUCTIONS 1500

/* What one composite operation is made of, and the event it counts once
 * per composite (e.g. VS_EVT_PROCESS_CREATE), on top of its steps' events. */
struct vs_op_expansion {
    enum vs_evt_kind event;
    struct vs_op_step steps[VS_OP_MAX_STEPS]; /* up to the first VS_STEP_END */
};

/* The expansion of op, or NULL if op is primitive (priced by cost() itself). */
const struct vs_op_expansion *vs_op_expansion(enum vs_op_kind op);
/* How many primitive operations of a step one composite performs on a host
 * with cost constants c, for workload wl (NULL: a workload of no memory). */
double vs_op_step_count(const struct vs_op_step *step, const struct vs_costs *c,
                        const struct vs_workload *wl);

/* TLB refill walks after one CR3 load by a process of workload wl: its
 * working set's 4 KiB pages, at most the host's TLB entries; none when the
 * workload states its own TLB misses (they include the refills). vs_engine_price
 * adds them (as TLB misses) to every primitive CR3 load. */
double vs_cr3_refill_walks(const struct vs_host_spec *host, const struct vs_workload *wl);

/* Adds to w the host work of `count` operations `op` (each of `bytes` bytes)
 * under engine e, opened for host: the one way every caller prices an
 * operation. A primitive operation goes straight to e's cost(); a composite
 * is expanded into its steps (counts from host's cost constants), each priced
 * by e's cost() in the table's order, and its own event is counted. */
void vs_engine_price(const struct vs_engine *e, const struct vs_host_spec *host,
                     const struct vs_workload *wl, enum vs_op_kind op, double count, double bytes,
                     struct vs_work *w);

/* One step of an operation's path priced from one host-profile constant:
 * count x c(id) cycles in category cat (vs_work_step, with the constant's
 * key as the step's source). Engines price every step through this or
 * vs_work_step, so that a trace shows exactly what is charged. */
static inline void vs_engine_step(struct vs_work *w, enum vs_cpu_cat cat, double count, const struct vs_costs *c,
                                  enum vs_cost_id id, const char *what)
{
    vs_work_step(w, cat, count * vs_cost(c, id), what, vs_cost_info(id)->key);
}

/* The native engine's pricing, for other engines to build on: the split rule
 * (docs/cost-rules.md) puts exactly this part in the native categories and
 * only the mechanism's overhead elsewhere. */
void vs_engine_native_cost(const struct vs_host_spec *host, const struct vs_workload *wl,
                           enum vs_op_kind op, double count, double bytes, struct vs_work *w);

/* Page walks (docs/cost-rules.md, "Page walks"). A TLB miss walks one
 * table (native, containers, Xen PV's direct paging, shadow tables) or two
 * (nested paging: each reference of the guest's walk is itself translated
 * through the host's EPT/NPT table). Paging-structure caches skip upper
 * levels, a nested TLB skips the host walks for guest page-table pages, and
 * 2 MiB pages remove a level from a table and stretch the TLB's reach. */
enum vs_walk_kind {
    VS_WALK_NATIVE, /* the workload's own table: large leaves where it uses large pages */
    VS_WALK_SHADOW, /* the hypervisor's shadow table: large leaves only where guest and host both use them */
    VS_WALK_NESTED  /* guest table x host table (EPT/NPT) */
};

/* Mean memory references of one walk of the kind on host for workload wl. */
double vs_engine_walk_refs(const struct vs_host_spec *host, const struct vs_workload *wl,
                           enum vs_walk_kind kind);
/* Mean cycles of one walk reference: a data-cache hit or, for the share
 * costs walk_dram, a DRAM access at the host's memory latency. */
double vs_engine_walk_ref_cycles(const struct vs_host_spec *host);
/* TLB misses left per miss the workload declares (it declares them for 4 KiB
 * pages): 1 unless the TLB holds 2 MiB entries for it. */
double vs_engine_tlb_miss_factor(const struct vs_host_spec *host, const struct vs_workload *wl,
                                 enum vs_walk_kind kind);
/* Adds n declared TLB misses walked as kind: page walk += misses x refs x
 * cycles per reference; event TLB miss += misses. */
void vs_engine_walk_cost(const struct vs_host_spec *host, const struct vs_workload *wl,
                         enum vs_walk_kind kind, double n, struct vs_work *w);

/* The guest kernel's own work for one page fault of a kind (VS_OP_PAGE_FAULT:
 * zero-fill, VS_OP_COW_FAULT, VS_OP_FILE_FAULT): what native charges. */
double vs_engine_fault_cycles(const struct vs_costs *c, enum vs_op_kind kind);

/* The I/O latency chain (docs/cost-rules.md): adds to w->delay_ns the
 * waiting, on no CPU of the guest, of n I/O operations op of workload wl
 * whose back end runs in another thread: a submitted disk request or a sent
 * packet waits for the back-end thread to be scheduled (backend_wakeup,
 * unless `kick_is_synchronous`: the exit itself runs the device model, as
 * with an emulated device's transmit), and a completion or received packet
 * waits for the halted vCPU to be woken (vcpu_wakeup). Disk requests wait
 * one by one; a request's packets in one direction share one notification.
 * Asynchronous (write-back) writes are off the request's path: no delay. */
void vs_engine_wait_backend(const struct vs_costs *c, const struct vs_workload *wl, enum vs_op_kind op,
                            double n, bool kick_is_synchronous, struct vs_work *w);
void vs_engine_wait_vcpu(const struct vs_costs *c, const struct vs_workload *wl, enum vs_op_kind op, double n,
                         struct vs_work *w);

/* Requests per notification on a paravirtual ring for work w: pv_batch at
 * most, and no more than the requests in flight together (w->in_flight,
 * at least 1): with one request in flight there is nothing to batch. */
double vs_engine_pv_batch(const struct vs_costs *c, const struct vs_work *w);

/* Shadow paging (hvm-shadow, binary translation): the hidden page faults a
 * VMM takes, per CR3 load of workload wl, to refill the shadow entries its
 * shadow cache evicted while the address space was switched out (faults the
 * guest never sees). 0 when the working set fits the host's `shadow_cache`;
 * docs/cost-rules.md, "Shadow paging: switches and hidden faults". */
double vs_engine_hidden_faults_per_cr3(const struct vs_host_spec *host, const struct vs_workload *wl);

/* Shared by VM engines: what one VM occupies on the host. The application,
 * the VM's own kernel and private page cache (together capped by the memory
 * the guest was given, when it was given one: the page cache shrinks
 * first), plus the hypervisor's per-VM overhead and, if the devices are
 * emulated by a user-space process, that process. */
void vs_engine_vm_memory(const struct vs_costs *c, const struct vs_guest_spec *g,
                         bool device_model_process, struct vs_mem_parts *out);

/* Opens an engine or preset by name for a host. On success the caller owns
 * *out and releases it with vs_engine_close. VS_ERR_INPUT for an unknown
 * name or a host that cannot run it. */
int vs_engine_open(const char *name, const struct vs_host_spec *host, struct vs_engine *out,
                   struct vs_error *err);
void vs_engine_close(struct vs_engine *e);

#endif
