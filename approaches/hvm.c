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

/* n exits, each a hardware round trip plus `handler` cycles of hypervisor work. */
static void exits(struct vs_work *w, const struct vs_costs *c, double n, double handler)
{
    w->cycles[VS_CAT_VMEXIT] += n * (vs_cost(c, VS_COST_VMEXIT_CYCLES) + handler);
    w->events[VS_EVT_VMEXIT] += n;
}

static void io_request(const struct hvm *h, const struct vs_workload *wl, enum vs_op_kind op, double n,
                       double bytes, struct vs_work *w)
{
    const struct vs_costs *c = &h->host.costs;
    bool disk = op == VS_OP_DISK_READ || op == VS_OP_DISK_WRITE;
    double native = disk ? vs_cost(c, VS_COST_DISK_REQUEST_CYCLES) : vs_cost(c, VS_COST_NET_PACKET_CYCLES);
    double copy = vs_cost(c, VS_COST_COPY_CYCLES_PER_KIB) * bytes / 1024.0;
    /* The guest's own driver and stack do what they would natively. */
    w->cycles[VS_CAT_GUEST_KERNEL] += n * (native + copy);
    if (h->io == VS_IO_PV) {
        /* A kick and an interrupt acknowledgement per batch of requests
         * (only requests in flight together share one); the back end
         * (vhost, blkback, netback) does the real I/O in its own thread. */
        exits(w, c, 2 * n / vs_engine_pv_batch(c, w), vs_cost(c, VS_COST_EXIT_HANDLER_CYCLES));
        vs_engine_io_delay(c, wl, op, n, false, w);
        w->cycles[VS_CAT_HOST_KERNEL] +=
            n * (vs_cost(c, VS_COST_PV_BACKEND_CYCLES) + (disk ? 0 : copy));
    } else {
        /* Every register access of the emulated device exits; the device
         * model emulates it (in a user-space process for QEMU-style models,
         * one more round trip) and then does the real I/O on the host. */
        double accesses = n * (disk ? vs_cost(c, VS_COST_EMULATED_DISK_ACCESSES)
                                    : vs_cost(c, VS_COST_EMULATED_NET_ACCESSES));
        exits(w, c, accesses, 0);
        w->cycles[VS_CAT_DEVICE_MODEL] +=
            accesses * (vs_cost(c, VS_COST_DEVICE_ACCESS_CYCLES) +
                        (h->device_model_in_user ? vs_cost(c, VS_COST_DEVICE_MODEL_CYCLES) : 0));
        w->cycles[VS_CAT_HOST_KERNEL] += n * native;
        /* A transmit is done by the exit on the tail register; receptions
         * and completions come through the device model's I/O thread. */
        vs_engine_io_delay(c, wl, op, n, true, w);
    }
    w->events[disk ? VS_EVT_DISK_IO : VS_EVT_PACKET] += n;
    if (disk || op == VS_OP_NET_RX) w->events[VS_EVT_INTERRUPT] += n;
}

static void hvm_cost(const void *state, const struct vs_workload *wl, enum vs_op_kind op,
                     double n, double bytes, struct vs_work *w)
{
    const struct hvm *h = state;
    const struct vs_costs *c = &h->host.costs;
    double handler = vs_cost(c, VS_COST_EXIT_HANDLER_CYCLES);
    switch (op) {
    case VS_OP_INSTRUCTION:
        w->cycles[VS_CAT_GUEST_USER] += n * vs_host_cpi(&h->host, wl->request.cpi);
        break;
    case VS_OP_KERNEL_INSTRUCTION:
        w->cycles[VS_CAT_GUEST_KERNEL] += n * vs_host_cpi(&h->host, wl->request.cpi);
        break;
    case VS_OP_SYSCALL:
        /* VT-x runs the guest kernel in guest ring 0: no exit. */
        w->cycles[VS_CAT_GUEST_KERNEL] += n * vs_cost(c, VS_COST_SYSCALL_CYCLES);
        w->events[VS_EVT_SYSCALL] += n;
        break;
    case VS_OP_IRQ_FLAG:
        /* cli, sti and popf are not among the instructions VMX non-root
         * operation exits on: they run at native speed, on the guest's own
         * RFLAGS.IF (external interrupts exit whatever it says). */
        w->cycles[VS_CAT_GUEST_KERNEL] += n * vs_cost(c, VS_COST_IRQ_FLAG_CYCLES);
        break;
    case VS_OP_CR3_LOAD:
        w->cycles[VS_CAT_GUEST_KERNEL] += n * vs_cost(c, VS_COST_CR3_LOAD_CYCLES);
        /* Shadow paging needs "CR3-load exiting" to switch to the shadow of
         * the new table; with EPT the guest owns CR3 and KVM clears it. */
        if (!h->ept) {
            exits(w, c, n, vs_cost(c, VS_COST_SHADOW_FAULT_CYCLES));
            /* Shadow entries evicted while the space was switched out are
             * refilled lazily: each hidden fault is a page-fault exit and
             * the shadow-fill handler, with nothing injected into the guest. */
            exits(w, c, n * vs_engine_hidden_faults_per_cr3(&h->host, wl),
                  vs_cost(c, VS_COST_SHADOW_FAULT_CYCLES));
        }
        break;
    case VS_OP_PORT_IO:
    case VS_OP_EXITING_INSN:
        /* Unconditional I/O exiting, cpuid, hlt, intercepted MSRs: an exit
         * in every paging mode, emulated by the hypervisor. */
        exits(w, c, n, handler);
        break;
    case VS_OP_PT_UPDATE:
        w->cycles[VS_CAT_GUEST_KERNEL] += n * vs_cost(c, VS_COST_PT_UPDATE_CYCLES);
        w->events[VS_EVT_PT_UPDATE] += n;
        /* Shadow paging write-protects guest page tables to keep the shadow
         * in sync: every write traps. With EPT the guest owns its tables. */
        if (!h->ept) exits(w, c, n, vs_cost(c, VS_COST_SHADOW_PT_UPDATE_CYCLES));
        break;
    case VS_OP_PAGE_FAULT:
    case VS_OP_COW_FAULT:
    case VS_OP_FILE_FAULT:
        w->cycles[VS_CAT_GUEST_KERNEL] += n * vs_engine_fault_cycles(c, op);
        w->events[VS_EVT_PAGE_FAULT] += n;
        if (!h->ept) exits(w, c, n, vs_cost(c, VS_COST_SHADOW_FAULT_CYCLES));
        break;
    case VS_OP_CONTEXT_SWITCH:
        /* The switch itself does not exit; a switch to another address
         * space is also a CR3 load, which the workload counts (above). */
        w->cycles[VS_CAT_GUEST_KERNEL] += n * vs_cost(c, VS_COST_CONTEXT_SWITCH_CYCLES);
        w->events[VS_EVT_CONTEXT_SWITCH] += n;
        break;
    case VS_OP_TLB_MISS:
        /* Shadow tables are walked in one dimension; with EPT every guest
         * reference is translated through the host's table as well. */
        vs_engine_walk_cost(&h->host, wl, h->ept ? VS_WALK_NESTED : VS_WALK_SHADOW, n, w);
        break;
    case VS_OP_TIMER_IRQ:
        w->cycles[VS_CAT_GUEST_KERNEL] += n * vs_cost(c, VS_COST_TIMER_IRQ_CYCLES);
        w->events[VS_EVT_INTERRUPT] += n;
        exits(w, c, n * vs_cost(c, VS_COST_TIMER_EXITS), handler);
        break;
    case VS_OP_IPI:
        w->cycles[VS_CAT_GUEST_KERNEL] += n * vs_cost(c, VS_COST_IPI_CYCLES);
        w->events[VS_EVT_INTERRUPT] += n;
        exits(w, c, n * vs_cost(c, VS_COST_IPI_EXITS), handler);
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

static const struct vs_preset hvm_presets[] = {
    {.name = "hvm", .system = "a generic VT-x/AMD-V hypervisor",
     .summary = "EPT if the CPU has it (else shadow paging), emulated devices in a user-space model",
     .paging = VS_PAGING_AUTO, .io = VS_IO_EMULATED, .device_model_in_user = true},
    {.name = "kvm", .system = "KVM + QEMU with virtio",
     .summary = "EPT if available; virtio (PV) I/O with in-kernel vhost back ends",
     .paging = VS_PAGING_AUTO, .io = VS_IO_PV, .device_model_in_user = true},
    {.name = "xen-hvm", .system = "Xen HVM guest",
     .summary = "EPT (HAP) if available; emulated devices in qemu-dm",
     .paging = VS_PAGING_AUTO, .io = VS_IO_EMULATED, .device_model_in_user = true},
    {.name = "xen-pvhvm", .system = "Xen HVM guest with PV drivers (PV on HVM)",
     .summary = "EPT if available; Xen PV front ends to the driver domain's back ends",
     .paging = VS_PAGING_AUTO, .io = VS_IO_PV, .device_model_in_user = true},
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
};
