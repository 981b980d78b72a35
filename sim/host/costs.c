/* The table of cost constants (see costs.h): YAML key, unit, default and
 * meaning of each. The defaults describe one core of a current (2020s) x86
 * server at about 3 GHz and are exactly the built-in host profile `current`
 * (scenarios/hosts/current.yaml, checked by a unit test). docs/cost-model.md
 * gives the source of every default, or says it is an estimate and why;
 * change the three together. */
#include "virtsim/host/costs.h"

#include <string.h>

static const struct vs_cost_info table[VS_COST_COUNT] = {
    [VS_COST_SYSCALL_CYCLES] = {"syscall", VS_UNIT_CYCLES, 300,
        "native null system call, entry and exit (~100 ns; no KPTI on current CPUs)"},
    [VS_COST_PAGE_FAULT_CYCLES] = {"page_fault", VS_UNIT_CYCLES, 3000,
        "native minor page fault on first touch, including zeroing the 4 KiB page (~1 us)"},
    [VS_COST_PAGE_ZERO_CYCLES] = {"page_zero", VS_UNIT_CYCLES, 400,
        "zeroing the 4 KiB page of a zero-fill fault (part of page_fault; copy-on-write copies "
        "the page instead, a file-backed fault maps a page-cache page)"},
    [VS_COST_TLB_WALK_REFS] = {"tlb_walk_refs", VS_UNIT_COUNT, 4,
        "levels of a page table with 4 KiB leaves: references of a walk no cache shortens"},
    [VS_COST_WALK_REF_CYCLES] = {"walk_ref", VS_UNIT_CYCLES, 8,
        "cycles of a page-walk reference served by the data caches (L1/L2)"},
    [VS_COST_WALK_DRAM] = {"walk_dram", VS_UNIT_PERCENT, 0.05,
        "share of page-walk references that miss the caches and cost a DRAM access (memory.latency)"},
    [VS_COST_PSC_HIT] = {"psc_hit", VS_UNIT_PERCENT, 0.83,
        "share of upper-level walk references skipped by the paging-structure (page-walk) caches"},
    [VS_COST_NESTED_TLB_HIT] = {"nested_tlb_hit", VS_UNIT_PERCENT, 0.4,
        "share of host (EPT/NPT) walks for guest page-table pages skipped by the nested TLB, 4 KiB backing"},
    [VS_COST_TLB_ENTRIES] = {"tlb_entries", VS_UNIT_COUNT, 1536,
        "last-level TLB entries for 4 KiB pages"},
    [VS_COST_TLB_LARGE_ENTRIES] = {"tlb_large_entries", VS_UNIT_COUNT, 1536,
        "last-level TLB entries for 2 MiB pages"},
    [VS_COST_CONTEXT_SWITCH_CYCLES] = {"context_switch", VS_UNIT_CYCLES, 3000,
        "direct cost of a thread/process switch (~1 us), also the host scheduler's vCPU switch"},
    [VS_COST_DISK_REQUEST_CYCLES] = {"disk_request", VS_UNIT_CYCLES, 6000,
        "block layer, driver and completion interrupt per disk request, data copy excluded (~2 us)"},
    [VS_COST_NET_PACKET_CYCLES] = {"net_packet", VS_UNIT_CYCLES, 3000,
        "network stack, driver and interrupt per packet, payload copy excluded (~1 us)"},
    [VS_COST_COPY_CYCLES_PER_KIB] = {"copy_per_kib", VS_UNIT_CYCLES, 200,
        "copying 1 KiB between kernel and user buffers (~15 GB/s)"},
    [VS_COST_TIMER_HZ] = {"timer_hz", VS_UNIT_RATE, 250,
        "timer interrupts per second of CPU time (Linux CONFIG_HZ=250)"},
    [VS_COST_TIMER_IRQ_CYCLES] = {"timer_irq", VS_UNIT_CYCLES, 2000,
        "handling one timer interrupt natively: entry, tick handler, exit"},
    [VS_COST_IPI_CYCLES] = {"ipi", VS_UNIT_CYCLES, 2000,
        "sending one inter-processor interrupt and handling it on the target, natively"},
    [VS_COST_IRQ_FLAG_CYCLES] = {"irq_flag", VS_UNIT_CYCLES, 10,
        "one interrupt-flag change natively (cli, sti or popf: a few cycles)"},
    [VS_COST_CR3_LOAD_CYCLES] = {"cr3_load", VS_UNIT_CYCLES, 200,
        "one load of a new page-table base natively (mov to CR3, serializing; TLB refills excluded)"},
    [VS_COST_PORT_IO_CYCLES] = {"port_io", VS_UNIT_CYCLES, 2500,
        "one port or MMIO access to a chipset register natively (~0.8 us off the CPU)"},
    [VS_COST_EXITING_INSN_CYCLES] = {"exiting_instruction", VS_UNIT_CYCLES, 150,
        "one cpuid, rdmsr/wrmsr or similar serializing instruction natively"},
    [VS_COST_PT_UPDATE_CYCLES] = {"pt_update", VS_UNIT_CYCLES, 10,
        "one page-table entry write natively (a store)"},
    [VS_COST_FORK_PT_UPDATES] = {"fork_pt_updates", VS_UNIT_COUNT, 600,
        "page-table entry writes in one fork + exec of a small program"},
    [VS_COST_FORK_PAGE_FAULTS] = {"fork_page_faults", VS_UNIT_COUNT, 150,
        "page faults in one fork + exec (copy-on-write, demand paging of the new image)"},
    [VS_COST_FORK_SYSCALLS] = {"fork_syscalls", VS_UNIT_COUNT, 4,
        "system calls in one fork + exec (fork, execve, wait, exit)"},
    [VS_COST_FORK_KERNEL_INSTRUCTIONS] = {"fork_kernel_instructions", VS_UNIT_COUNT, 200000,
        "kernel instructions in one fork + exec, besides its faults and PTE writes"},
    [VS_COST_VMEXIT_CYCLES] = {"vmexit", VS_UNIT_CYCLES, 600,
        "hardware VM exit + VM entry round trip, no handler work"},
    [VS_COST_EXIT_HANDLER_CYCLES] = {"exit_handler", VS_UNIT_CYCLES, 1000,
        "hypervisor work to decode and emulate one simple exit (e.g. a port access)"},
    [VS_COST_SHADOW_PT_UPDATE_CYCLES] = {"shadow_pt_update", VS_UNIT_CYCLES, 3000,
        "hypervisor work per trapped guest PTE write: emulate it, re-sync the shadow entry"},
    [VS_COST_SHADOW_FAULT_CYCLES] = {"shadow_fault", VS_UNIT_CYCLES, 4000,
        "hypervisor work per guest page fault under shadow paging (fill or forward), also per CR3 load"},
    [VS_COST_SHADOW_CACHE_BYTES] = {"shadow_cache", VS_UNIT_BYTES, 1024.0 * 1048576,
        "shadow paging: guest working set (all address spaces) whose shadow entries the VMM keeps "
        "across CR3 switches; beyond it, a switch refills shadows through hidden faults"},
    [VS_COST_DEVICE_MODEL_CYCLES] = {"device_model", VS_UNIT_CYCLES, 5000,
        "extra round trip to a user-space device model (e.g. QEMU) per emulated register access"},
    [VS_COST_DEVICE_ACCESS_CYCLES] = {"device_access", VS_UNIT_CYCLES, 3000,
        "emulating one device register access inside the device model"},
    [VS_COST_EMULATED_DISK_ACCESSES] = {"emulated_disk_accesses", VS_UNIT_COUNT, 8,
        "register accesses per request to an emulated IDE/AHCI disk"},
    [VS_COST_EMULATED_NET_ACCESSES] = {"emulated_net_accesses", VS_UNIT_COUNT, 4,
        "register accesses per packet through an emulated e1000 NIC"},
    [VS_COST_PV_BATCH] = {"pv_batch", VS_UNIT_COUNT, 4,
        "requests per notification on a paravirtual ring (virtio, Xen), mean"},
    [VS_COST_PV_BACKEND_CYCLES] = {"pv_backend", VS_UNIT_CYCLES, 5000,
        "back-end work per paravirtual I/O request (vhost, blkback, netback)"},
    [VS_COST_BACKEND_WAKEUP_NS] = {"backend_wakeup", VS_UNIT_TIME, 5000,
        "latency until an idle I/O back-end thread runs (vhost worker, QEMU I/O thread, Xen netback/"
        "blkback in dom0) once notified: a cross-CPU wake-up, no CPU of the guest"},
    [VS_COST_VCPU_WAKEUP_NS] = {"vcpu_wakeup", VS_UNIT_TIME, 10000,
        "latency until a halted vCPU waiting for I/O runs its interrupt handler: IPI to its core, "
        "host scheduler wake-up of the vCPU thread, VM entry and interrupt injection"},
    [VS_COST_TIMER_EXITS] = {"timer_exits", VS_UNIT_COUNT, 2,
        "VM exits per virtual timer interrupt (interrupt exit + timer/EOI access)"},
    [VS_COST_IPI_EXITS] = {"ipi_exits", VS_UNIT_COUNT, 2,
        "VM exits per virtual IPI (ICR write on the sender + delivery on the target)"},
    [VS_COST_HYPERCALL_CYCLES] = {"hypercall", VS_UNIT_CYCLES, 1000,
        "paravirtual hypercall round trip, including simple hypervisor work"},
    [VS_COST_PV_SYSCALL_EXTRA_CYCLES] = {"pv_syscall_extra", VS_UNIT_CYCLES, 1000,
        "x86-64 Xen PV: extra cost of a guest syscall bounced through Xen"},
    [VS_COST_PV_FAULT_EXTRA_CYCLES] = {"pv_fault_extra", VS_UNIT_CYCLES, 1500,
        "Xen PV: extra cost of a guest page fault taken by Xen and bounced to the guest"},
    [VS_COST_MMU_UPDATE_BATCH] = {"mmu_update_batch", VS_UNIT_COUNT, 32,
        "PTE updates validated per mmu_update hypercall (batching)"},
    [VS_COST_PV_PTE_VALIDATE_CYCLES] = {"pv_pte_validate", VS_UNIT_CYCLES, 300,
        "Xen PV: checks of one PTE update (frame ownership, type and reference counts) and its release"},
    [VS_COST_EVENT_CHANNEL_CYCLES] = {"event_channel", VS_UNIT_CYCLES, 1500,
        "event-channel notification and the virtual interrupt (upcall) it raises"},
    [VS_COST_GRANT_CYCLES] = {"grant", VS_UNIT_CYCLES, 2000,
        "grant-table map/copy set-up per paravirtual I/O request"},
    [VS_COST_SIGNAL_DELIVERY_CYCLES] = {"signal_delivery", VS_UNIT_CYCLES, 3000,
        "host: delivering a signal to a user handler and returning with sigreturn (~1 us)"},
    [VS_COST_PTRACE_STOP_CYCLES] = {"ptrace_stop", VS_UNIT_CYCLES, 21000,
        "host: a ptrace stop beyond its context switch (the tracee stops, SIGCHLD, the tracer's wait returns)"},
    [VS_COST_PML_ENTRIES] = {"pml_entries", VS_UNIT_COUNT, 512,
        "page-modification logging: dirty pages logged per VM exit (512 on Broadwell and later; 0: no PML)"},
    [VS_COST_SOFT_DIRTY_LOG_CYCLES] = {"emulated_dirty_log", VS_UNIT_CYCLES, 200,
        "an emulator's soft-TLB slow path on the first write to a page whose writes are logged"},
    [VS_COST_HOST_REBOOT_NS] = {"host_reboot", VS_UNIT_TIME, 90e9,
        "a host's reboot after a panic: firmware POST, kernel and services (estimate)"},
    [VS_COST_PROCESS_RESTART_NS] = {"process_restart", VS_UNIT_TIME, 100e6,
        "a crashed service restarted by its supervisor (systemd's RestartSec default, 100 ms)"},
    [VS_COST_UML_REMAP_CALLS] = {"uml_remap_calls", VS_UNIT_COUNT, 8,
        "UML: host mmap/munmap/mprotect calls that bring a switched-in guest process's address "
        "space up to date"},
    [VS_COST_INTERP_CYCLES] = {"interp_instruction", VS_UNIT_CYCLES, 50,
        "interpreter: host cycles per guest instruction (fetch, decode, dispatch, execute)"},
    [VS_COST_DBT_CYCLES] = {"dbt_instruction", VS_UNIT_CYCLES, 6,
        "dynamic translation: host cycles per guest instruction in translated code"},
    [VS_COST_SOFTMMU_CYCLES] = {"softmmu_access", VS_UNIT_CYCLES, 10,
        "software-MMU (soft TLB) lookup per emulated guest memory access"},
    [VS_COST_TRANSLATE_CYCLES_PER_KIB] = {"translate_per_kib", VS_UNIT_CYCLES, 200000,
        "translating 1 KiB of guest code into the translation cache (one-time)"},
    [VS_COST_BT_KERNEL_FACTOR] = {"bt_kernel_factor", VS_UNIT_COUNT, 1.3,
        "binary translation: translated guest kernel code vs native (mean factor, x)"},
    [VS_COST_BT_PRIVILEGED_CYCLES] = {"bt_privileged", VS_UNIT_CYCLES, 214,
        "binary translation: a privileged instruction (port access, CR3 load, cpuid) emulated by "
        "a call into the monitor, no trap"},
    [VS_COST_BT_IRQ_FLAG_CYCLES] = {"bt_irq_flag", VS_UNIT_CYCLES, 35,
        "binary translation: an interrupt-flag change emulated inline in translated code"},
    [VS_COST_BT_SYSCALL_CYCLES] = {"bt_syscall", VS_UNIT_CYCLES, 2250,
        "binary translation: a whole guest system call (native part + monitor transitions)"},
    [VS_COST_BT_PT_UPDATE_CYCLES] = {"bt_pt_update", VS_UNIT_CYCLES, 390,
        "binary translation: extra cost of a traced guest PTE write (adaptive translation)"},
    [VS_COST_BT_FAULT_CYCLES] = {"bt_fault", VS_UNIT_CYCLES, 2834,
        "binary translation: extra cost of a guest page fault taken through the monitor"},
    [VS_COST_BT_HIDDEN_FAULT_CYCLES] = {"bt_hidden_fault", VS_UNIT_CYCLES, 1389,
        "binary translation: a hidden page fault, taken by the monitor to fill a shadow entry, "
        "never delivered to the guest"},
    [VS_COST_KERNEL_CODE_BYTES] = {"kernel_code", VS_UNIT_BYTES, 2.0 * 1048576,
        "hot guest kernel code a binary translator translates once"},
    [VS_COST_TRANSLATION_BLOCK_BYTES] = {"translation_block", VS_UNIT_BYTES, 64,
        "mean guest code per translated block"},
    [VS_COST_OSL_SYSCALL_EXTRA_CYCLES] = {"osl_syscall_extra", VS_UNIT_CYCLES, 30,
        "container: namespace/cgroup accounting per syscall (doubled with beancounters)"},
    [VS_COST_OSL_FAULT_EXTRA_CYCLES] = {"osl_fault_extra", VS_UNIT_CYCLES, 300,
        "container: memory-cgroup (or beancounter) charge per page fault"},
    [VS_COST_VETH_PACKET_CYCLES] = {"veth_packet", VS_UNIT_CYCLES, 2500,
        "container: veth pair + bridge traversal per packet"},
    [VS_COST_VENET_PACKET_CYCLES] = {"venet_packet", VS_UNIT_CYCLES, 1200,
        "container: OpenVZ venet (routed, no bridge) per packet"},
    [VS_COST_GUEST_KERNEL_BYTES] = {"guest_kernel", VS_UNIT_BYTES, 100.0 * 1048576,
        "resident memory of a VM's own kernel, its data and daemons"},
    [VS_COST_GUEST_PAGE_CACHE_BYTES] = {"guest_page_cache", VS_UNIT_BYTES, 256.0 * 1048576,
        "a VM's private page cache (the first part to shrink if the VM is small)"},
    [VS_COST_VM_OVERHEAD_BYTES] = {"vm_overhead", VS_UNIT_BYTES, 32.0 * 1048576,
        "hypervisor memory per VM: page tables, shadow/EPT tables, vCPU state"},
    [VS_COST_DEVICE_MODEL_BYTES] = {"device_model_memory", VS_UNIT_BYTES, 60.0 * 1048576,
        "a user-space device-model process (e.g. QEMU), resident"},
    [VS_COST_CONTAINER_OVERHEAD_BYTES] = {"container_overhead", VS_UNIT_BYTES, 2.0 * 1048576,
        "kernel objects of one container (namespaces, cgroups, veth)"},
    [VS_COST_VM_BOOT_NS] = {"vm_boot", VS_UNIT_TIME, 5e9,
        "boot of a general-purpose VM to its first request"},
    [VS_COST_CONTAINER_START_NS] = {"container_start", VS_UNIT_TIME, 0.3e9,
        "start of a container to its first request"},
    [VS_COST_VCPU_HOTPLUG_NS] = {"vcpu_hotplug", VS_UNIT_TIME, 50e6,
        "one vCPU hot-plugged into (or out of) a running VM until the guest schedules on it; "
        "several are done one after another"},
};

const struct vs_cost_info *vs_cost_info(enum vs_cost_id id)
{
    if ((unsigned)id >= VS_COST_COUNT) return NULL;
    return &table[id];
}

int vs_cost_find(const char *key)
{
    if (!key) return -1;
    for (int i = 0; i < VS_COST_COUNT; i++)
        if (strcmp(table[i].key, key) == 0) return i;
    return -1;
}

void vs_costs_set_defaults(struct vs_costs *c)
{
    for (int i = 0; i < VS_COST_COUNT; i++) c->value[i] = table[i].default_value;
}
