/* Hardware-assisted virtualization (VT-x / AMD-V): the guest, kernel
 * included, runs directly on the CPU in guest mode; sensitive operations
 * cause VM exits that the hypervisor handles and then re-enters the guest.
 * Which ones exit is the VMCS's choice (Intel SDM vol. 3C, "VMX non-root
 * operation"): cpuid and hlt always, port I/O and MSRs as configured, CR3
 * loads only under shadow paging, cli/sti never.
 * What an exit costs comes from the host profile (it fell by an order of
 * magnitude across CPU generations). Memory is virtualized either by shadow
 * page tables, kept in sync by trapping the guest's page-table writes and
 * faults and filled lazily by hidden faults (after a CR3 load, for entries
 * the shadow cache evicted or never built), or by nested paging (EPT/NPT), which needs no exits but makes each
 * TLB miss walk two dimensions of page tables. Devices are either emulated
 * (each register access exits, often to a user-space device model) or
 * paravirtual (virtio / PV drivers: one notification per batch of requests).
 * Pricing: docs/cost-rules.md. */
#include "virtsim/model/engine.h"

#include <stdlib.h>

struct hvm {
    struct vs_host_spec host;
    bool ept;                 /* nested paging in use (else shadow page tables) */
    enum vs_io_path io;
    bool device_model_in_user;
};

static int hvm_create(const struct vs_host_spec *host, const struct vs_preset *preset, void **state,
                      struct vs_error *err)
{
    if (!host->cpu.hw_virt)
        return vs_error_set(err, VS_ERR_INPUT, NULL, 0, 0,
                            "%s needs hardware virtualization (VT-x/AMD-V), and host '%s' has none "
                            "(cpu.hardware_virtualization: false)",
                            preset->name, host->name);
    if (preset->paging == VS_PAGING_EPT && !host->cpu.nested_paging)
        return vs_error_set(err, VS_ERR_INPUT, NULL, 0, 0,
                            "%s needs nested paging (EPT/NPT), and host '%s' has none "
                            "(cpu.nested_paging: false); use a shadow-paging preset",
                            preset->name, host->name);
    struct hvm *h = malloc(sizeof *h);
    if (!h) return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    h->host = *host;
    h->ept = preset->paging == VS_PAGING_EPT ||
             (preset->paging == VS_PAGING_AUTO && host->cpu.nested_paging);
    h->io = preset->io;
    h->device_model_in_user = preset->device_model_in_user;
    *state = h;
    return VS_OK;
}

static void hvm_destroy(void *state) { free(state); }

/* No handler constant: the exit's own round trip only. */
#define NO_HANDLER VS_COST_COUNT

/* n exits, each a hardware round trip plus the hypervisor's handler
 * (host-profile constant `handler`, doing `what`). */
static void exits(struct vs_work *w, const struct vs_costs *c, double n, enum vs_cost_id handler, const char *what)
{
    if (!(n > 0)) return;
    vs_engine_step(w, VS_CAT_VMEXIT, n, c, VS_COST_VMEXIT_CYCLES, "VM exit and VM entry (hardware round trip)");
    if (handler != NO_HANDLER) vs_engine_step(w, VS_CAT_VMEXIT, n, c, handler, what);
    w->events[VS_EVT_VMEXIT] += n;
}

/* The guest's own driver and stack: what they would do natively. */
static void guest_io(const struct hvm *h, bool disk, double n, double native, double copy, struct vs_work *w)
{
    vs_work_step(w, VS_CAT_GUEST_KERNEL, n * native,
                 disk ? (h->io == VS_IO_PV ? "guest driver (virtio-blk): request on the ring, completion"
                                           : "guest driver: programs the emulated controller, completion")
                      : (h->io == VS_IO_PV ? "guest network stack and virtio-net driver"
                                           : "guest network stack and NIC driver"),
                 disk ? "disk_request" : "net_packet");
    vs_work_step(w, VS_CAT_GUEST_KERNEL, n * copy, "copy between buffers in the guest", "copy_per_kib");
}

/* In the order the steps happen: a received packet comes through the host
 * and the back end before the guest sees it; a request or a sent packet
 * starts in the guest. */
static void io_request(const struct hvm *h, const struct vs_workload *wl, enum vs_op_kind op, double n,
                       double bytes, struct vs_work *w)
{
    const struct vs_costs *c = &h->host.costs;
    bool disk = op == VS_OP_DISK_READ || op == VS_OP_DISK_WRITE, rx = op == VS_OP_NET_RX;
    double native = disk ? vs_cost(c, VS_COST_DISK_REQUEST_CYCLES) : vs_cost(c, VS_COST_NET_PACKET_CYCLES);
    double copy = vs_cost(c, VS_COST_COPY_CYCLES_PER_KIB) * bytes / 1024.0;
    if (h->io == VS_IO_PV) {
        /* A kick and an interrupt acknowledgement per batch of requests
         * (only requests in flight together share one); the back end
         * (vhost, blkback, netback) does the real I/O in its own thread. */
        double batches = n / vs_engine_pv_batch(c, w);
        if (!rx) {
            guest_io(h, disk, n, native, copy, w);
            exits(w, c, batches, VS_COST_EXIT_HANDLER_CYCLES, "kick: the hypervisor notifies the back end");
        }
        vs_engine_wait_backend(c, wl, op, n, false, w);
        vs_engine_step(w, VS_CAT_HOST_KERNEL, n, c, VS_COST_PV_BACKEND_CYCLES,
                       "back end (vhost) does the real I/O on the host");
        if (!disk) vs_work_step(w, VS_CAT_HOST_KERNEL, n * copy, "back end copies the packet", "copy_per_kib");
        exits(w, c, batches, VS_COST_EXIT_HANDLER_CYCLES, "interrupt injected, its acknowledgement exits");
        vs_engine_wait_vcpu(c, wl, op, n, w);
        if (rx) {
            guest_io(h, disk, n, native, copy, w);
            exits(w, c, batches, VS_COST_EXIT_HANDLER_CYCLES, "the guest refills the receive ring: a kick");
        }
    } else {
        /* Every register access of the emulated device exits; the device
         * model emulates it (in a user-space process for QEMU-style models,
         * one more round trip) and then does the real I/O on the host. A
         * received packet comes through the device model's I/O thread
         * first; the guest's driver then reads the device's registers. */
        double accesses = n * (disk ? vs_cost(c, VS_COST_EMULATED_DISK_ACCESSES)
                                    : vs_cost(c, VS_COST_EMULATED_NET_ACCESSES));
        if (rx) {
            vs_engine_wait_backend(c, wl, op, n, true, w);
            vs_work_step(w, VS_CAT_HOST_KERNEL, n * native, "host kernel receives on the real NIC", "net_packet");
            vs_engine_wait_vcpu(c, wl, op, n, w);
        }
        guest_io(h, disk, n, native, copy, w);
        exits(w, c, accesses, NO_HANDLER, NULL);
        vs_engine_step(w, VS_CAT_DEVICE_MODEL, accesses, c, VS_COST_DEVICE_ACCESS_CYCLES,
                       "device model emulates each register access");
        if (h->device_model_in_user)
            vs_engine_step(w, VS_CAT_DEVICE_MODEL, accesses, c, VS_COST_DEVICE_MODEL_CYCLES,
                           "to the user-space device model (QEMU) and back, per access");
        if (!rx) {
            /* A transmit is done by the exit on the tail register;
             * completions come through the device model's I/O thread. */
            vs_work_step(w, VS_CAT_HOST_KERNEL, n * native, "host kernel does the real I/O",
                         disk ? "disk_request" : "net_packet");
            vs_engine_wait_backend(c, wl, op, n, true, w);
            vs_engine_wait_vcpu(c, wl, op, n, w);
        }
    }
    w->events[disk ? VS_EVT_DISK_IO : VS_EVT_PACKET] += n;
    if (disk || op == VS_OP_NET_RX) w->events[VS_EVT_INTERRUPT] += n;
}

static void hvm_cost(const void *state, const struct vs_workload *wl, enum vs_op_kind op,
                     double n, double bytes, struct vs_work *w)
{
    const struct hvm *h = state;
    const struct vs_costs *c = &h->host.costs;
    switch (op) {
    case VS_OP_INSTRUCTION:
    case VS_OP_KERNEL_INSTRUCTION:
    case VS_OP_SYSCALL:
    case VS_OP_IRQ_FLAG:
    case VS_OP_CONTEXT_SWITCH:
        /* VT-x runs the guest kernel in guest ring 0: system calls and
         * switches do not exit, and cli, sti and popf are not among the
         * instructions VMX non-root operation exits on: they run at native
         * speed, on the guest's own RFLAGS.IF (external interrupts exit
         * whatever it says). A switch to another address space is also a
         * CR3 load, which the workload counts (below). */
        vs_engine_native_cost(&h->host, wl, op, n, bytes, w);
        break;
    case VS_OP_CR3_LOAD:
        vs_engine_native_cost(&h->host, wl, op, n, bytes, w);
        /* Shadow paging needs "CR3-load exiting" to switch to the shadow of
         * the new table; with EPT the guest owns CR3 and KVM clears it. */
        if (!h->ept) {
            exits(w, c, n, VS_COST_SHADOW_FAULT_CYCLES, "hypervisor: switch to the new table's shadow");
            /* Shadow entries evicted while the space was switched out are
             * refilled lazily: each hidden fault is a page-fault exit and
             * the shadow-fill handler, with nothing injected into the guest. */
            exits(w, c, n * vs_engine_hidden_faults_per_cr3(&h->host, wl), VS_COST_SHADOW_FAULT_CYCLES,
                  "hidden faults: hypervisor refills evicted shadow entries");
        }
        break;
    case VS_OP_PORT_IO:
    case VS_OP_EXITING_INSN:
        /* Unconditional I/O exiting, cpuid, hlt, intercepted MSRs: an exit
         * in every paging mode, emulated by the hypervisor. */
        exits(w, c, n, VS_COST_EXIT_HANDLER_CYCLES,
              op == VS_OP_PORT_IO ? "hypervisor emulates the port access" : "hypervisor emulates the instruction");
        break;
    case VS_OP_PT_UPDATE:
        vs_engine_native_cost(&h->host, wl, op, n, bytes, w);
        /* Shadow paging write-protects guest page tables to keep the shadow
         * in sync: every write traps. With EPT the guest owns its tables. */
        if (!h->ept)
            exits(w, c, n, VS_COST_SHADOW_PT_UPDATE_CYCLES,
                  "write-protected guest table: hypervisor emulates the write, updates the shadow");
        break;
    case VS_OP_PAGE_FAULT:
    case VS_OP_COW_FAULT:
    case VS_OP_FILE_FAULT:
        /* Under shadow paging the fault exits first: the hypervisor walks
         * the guest's table, finds the guest's own fault and injects it;
         * with EPT the guest takes it directly. */
        if (!h->ept)
            exits(w, c, n, VS_COST_SHADOW_FAULT_CYCLES, "hypervisor walks the guest table, injects the #PF");
        vs_engine_native_cost(&h->host, wl, op, n, bytes, w);
        break;
    case VS_OP_TLB_MISS:
        /* Shadow tables are walked in one dimension; with EPT every guest
         * reference is translated through the host's table as well. */
        vs_engine_walk_cost(&h->host, wl, h->ept ? VS_WALK_NESTED : VS_WALK_SHADOW, n, w);
        break;
    case VS_OP_TIMER_IRQ:
        exits(w, c, n * vs_cost(c, VS_COST_TIMER_EXITS), VS_COST_EXIT_HANDLER_CYCLES,
              "hypervisor: external-interrupt exit, timer/EOI emulation, virtual interrupt injected");
        vs_engine_native_cost(&h->host, wl, op, n, bytes, w);
        break;
    case VS_OP_IPI:
        exits(w, c, n * vs_cost(c, VS_COST_IPI_EXITS), VS_COST_EXIT_HANDLER_CYCLES,
              "hypervisor: ICR write emulated, IPI delivered to the target vCPU");
        vs_engine_native_cost(&h->host, wl, op, n, bytes, w);
        break;
    case VS_OP_DISK_READ:
    case VS_OP_DISK_WRITE:
    case VS_OP_NET_RX:
    case VS_OP_NET_TX:
        io_request(h, wl, op, n, bytes, w);
        break;
    case VS_OP_CODE_LOAD:
        break;
    case VS_OP_PROCESS_CREATE: /* composite: vs_engine_price expands it before cost() */
    case VS_OP_PAGE_CACHE_READ:
    case VS_OP_FORK:
    case VS_OP_EXEC:
    case VS_OP_COUNT:
        break;
    }
}

static void hvm_memory(const void *state, const struct vs_guest_spec *g, struct vs_mem_parts *out)
{
    const struct hvm *h = state;
    vs_engine_vm_memory(&h->host.costs, g, h->device_model_in_user, out);
}

static vs_time_ns hvm_start_time(const void *state, const struct vs_guest_spec *g)
{
    (void)g;
    return (vs_time_ns)vs_cost(&((const struct hvm *)state)->host.costs, VS_COST_VM_BOOT_NS);
}

/* Dirty logging. With EPT, KVM write-protects the guest's memory in the
 * EPT (or, with page-modification logging, lets the CPU log each first
 * write in a 512-entry buffer and exits when it is full): an EPT-violation
 * exit per page, or a PML buffer's share of one. With shadow paging the
 * shadow entries are write-protected: a page-fault exit and the shadow fix. */
static double hvm_dirty_page_cycles(const void *state)
{
    const struct hvm *h = state;
    const struct vs_costs *c = &h->host.costs;
    double exit = vs_cost(c, VS_COST_VMEXIT_CYCLES);
    if (!h->ept) return exit + vs_cost(c, VS_COST_SHADOW_FAULT_CYCLES);
    double pml = vs_cost(c, VS_COST_PML_ENTRIES);
    double one = exit + vs_cost(c, VS_COST_EXIT_HANDLER_CYCLES);
    return pml >= 1 ? one / pml : one;
}

static const struct vs_preset hvm_presets[] = {
    {.name = "hvm", .system = "a generic VT-x/AMD-V hypervisor",
     .summary = "EPT if the CPU has it (else shadow paging), emulated devices in a user-space model",
     .paging = VS_PAGING_AUTO, .io = VS_IO_EMULATED, .device_model_in_user = true},
    {.name = "kvm", .system = "KVM + QEMU with virtio",
     .summary = "EPT if available; virtio (PV) I/O with in-kernel vhost back ends",
     .paging = VS_PAGING_AUTO, .io = VS_IO_PV, .device_model_in_user = true},
    {.name = "xen-hvm", .system = "Xen HVM guest",
     .summary = "EPT (HAP) if available; emulated devices in qemu-dm",
     .paging = VS_PAGING_AUTO, .io = VS_IO_EMULATED, .device_model_in_user = true, .sched = VS_SCHED_CREDIT},
    {.name = "xen-pvhvm", .system = "Xen HVM guest with PV drivers (PV on HVM)",
     .summary = "EPT if available; Xen PV front ends to the driver domain's back ends",
     .paging = VS_PAGING_AUTO, .io = VS_IO_PV, .device_model_in_user = true, .sched = VS_SCHED_CREDIT},
    {.name = "hvm-shadow", .system = "VT-x with shadow page tables (first-generation)",
     .summary = "shadow paging forced: page-table writes, faults and CR3 loads exit",
     .paging = VS_PAGING_SHADOW, .io = VS_IO_EMULATED, .device_model_in_user = true},
    {.name = "hvm-ept", .system = "VT-x with EPT / AMD-V with NPT",
     .summary = "nested paging forced: no paging exits, 2-D page walks on TLB misses",
     .paging = VS_PAGING_EPT, .io = VS_IO_EMULATED, .device_model_in_user = true},
};

const struct vs_engine_ops vs_engine_hvm = {
    .name = "hvm",
    .approach = "hvm",
    .summary = "hardware-assisted: guest runs directly, sensitive operations exit to the hypervisor",
    .presets = hvm_presets,
    .n_presets = sizeof hvm_presets / sizeof hvm_presets[0],
    .create = hvm_create,
    .destroy = hvm_destroy,
    .cost = hvm_cost,
    .memory = hvm_memory,
    .start_time = hvm_start_time,
    .dirty_page_cycles = hvm_dirty_page_cycles,
};
