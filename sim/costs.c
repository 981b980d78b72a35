/* The table of cost constants (see costs.h): YAML key, unit, default and
 * meaning of each. The defaults describe a current (2020s) x86 server core at
 * about 3 GHz; docs/cost-model.md gives the source or reasoning behind every
 * one, so change both together. */
#include "virtsim/costs.h"

#include <string.h>

static const struct vs_cost_info table[VS_COST_COUNT] = {
    [VS_COST_SYSCALL_CYCLES] = {"syscall", VS_UNIT_CYCLES, 300,
                                "native system call entry and exit (a null call, ~100 ns)"},
    [VS_COST_PAGE_FAULT_CYCLES] = {"page_fault", VS_UNIT_CYCLES, 3000,
                                   "native minor page fault, including zeroing the page (~1 us)"},
    [VS_COST_TLB_WALK_REFS] = {"tlb_walk_refs", VS_UNIT_COUNT, 4,
                               "memory references of one native page walk (4-level tables)"},
    [VS_COST_WALK_REF_CYCLES] = {"walk_ref", VS_UNIT_CYCLES, 8,
                                 "mean cycles per page-walk reference (mostly L1/L2 hits)"},
    [VS_COST_CONTEXT_SWITCH_CYCLES] = {"context_switch", VS_UNIT_CYCLES, 3000,
                                       "switch between threads or processes (~1 us)"},
    [VS_COST_DISK_REQUEST_CYCLES] = {"disk_request", VS_UNIT_CYCLES, 6000,
                                     "block layer, driver and completion interrupt per disk "
                                     "request (~2 us)"},
    [VS_COST_NET_PACKET_CYCLES] = {"net_packet", VS_UNIT_CYCLES, 3000,
                                   "network stack, driver and interrupt per packet (~1 us)"},
    [VS_COST_COPY_CYCLES_PER_KIB] = {"copy_per_kib", VS_UNIT_CYCLES, 200,
                                     "copying 1 KiB between kernel and user buffers (~15 GB/s)"},
    [VS_COST_TIMER_HZ] = {"timer_hz", VS_UNIT_RATE, 250, "timer interrupts per second of CPU time"},
    [VS_COST_TIMER_IRQ_CYCLES] = {"timer_irq", VS_UNIT_CYCLES, 2000, "handling one timer interrupt natively"},
    [VS_COST_IPI_CYCLES] = {"ipi", VS_UNIT_CYCLES, 2000, "sending and handling one IPI natively"},
    [VS_COST_PRIVILEGED_CYCLES] = {"privileged", VS_UNIT_CYCLES, 50, "one privileged instruction natively"},
    [VS_COST_PT_UPDATE_CYCLES] = {"pt_update", VS_UNIT_CYCLES, 10, "one page-table entry write natively"},
    [VS_COST_FORK_PT_UPDATES] = {"fork_pt_updates", VS_UNIT_COUNT, 600, "PTE writes in one fork + exec"},
    [VS_COST_FORK_PAGE_FAULTS] = {"fork_page_faults", VS_UNIT_COUNT, 150, "page faults in one fork + exec"},
    [VS_COST_FORK_SYSCALLS] = {"fork_syscalls", VS_UNIT_COUNT, 4, "system calls in one fork + exec"},
    [VS_COST_FORK_KERNEL_INSTRUCTIONS] = {"fork_kernel_instructions", VS_UNIT_COUNT, 200000, "kernel instructions in one fork + exec"},
    [VS_COST_VMEXIT_CYCLES] = {"vmexit", VS_UNIT_CYCLES, 800, "VM exit + entry round trip"},
    [VS_COST_EXIT_HANDLER_CYCLES] = {"exit_handler", VS_UNIT_CYCLES, 1000, "hypervisor work per simple exit"},
    [VS_COST_EPT_WALK_REFS] = {"ept_walk_refs", VS_UNIT_COUNT, 24, "references of a nested page walk"},
    [VS_COST_SHADOW_PT_UPDATE_CYCLES] = {"shadow_pt_update", VS_UNIT_CYCLES, 3000, "shadow sync per trapped PTE write"},
    [VS_COST_SHADOW_FAULT_CYCLES] = {"shadow_fault", VS_UNIT_CYCLES, 4000, "shadow fill per hidden page fault"},
    [VS_COST_DEVICE_MODEL_CYCLES] = {"device_model", VS_UNIT_CYCLES, 20000, "round trip to a user-space device model"},
    [VS_COST_DEVICE_ACCESS_CYCLES] = {"device_access", VS_UNIT_CYCLES, 3000, "emulating one device register access"},
    [VS_COST_EMULATED_DISK_ACCESSES] = {"emulated_disk_accesses", VS_UNIT_COUNT, 8, "register accesses per emulated disk request"},
    [VS_COST_EMULATED_NET_ACCESSES] = {"emulated_net_accesses", VS_UNIT_COUNT, 4, "register accesses per emulated NIC packet"},
    [VS_COST_PV_BATCH] = {"pv_batch", VS_UNIT_COUNT, 4, "requests per PV ring notification"},
    [VS_COST_PV_BACKEND_CYCLES] = {"pv_backend", VS_UNIT_CYCLES, 5000, "back-end work per PV request"},
    [VS_COST_TIMER_EXITS] = {"timer_exits", VS_UNIT_COUNT, 2, "VM exits per virtual timer interrupt"},
    [VS_COST_IPI_EXITS] = {"ipi_exits", VS_UNIT_COUNT, 2, "VM exits per virtual IPI"},
    [VS_COST_HYPERCALL_CYCLES] = {"hypercall", VS_UNIT_CYCLES, 1000, "hypercall round trip"},
    [VS_COST_PV_SYSCALL_EXTRA_CYCLES] = {"pv_syscall_extra", VS_UNIT_CYCLES, 1000, "x86-64 PV syscall bounce through Xen"},
    [VS_COST_PV_FAULT_EXTRA_CYCLES] = {"pv_fault_extra", VS_UNIT_CYCLES, 1500, "PV page fault taken by Xen first"},
    [VS_COST_MMU_UPDATE_BATCH] = {"mmu_update_batch", VS_UNIT_COUNT, 32, "PTE updates per mmu_update hypercall"},
    [VS_COST_EVENT_CHANNEL_CYCLES] = {"event_channel", VS_UNIT_CYCLES, 1500, "event-channel notification"},
    [VS_COST_GRANT_CYCLES] = {"grant", VS_UNIT_CYCLES, 2000, "grant map/copy set-up per request"},
    [VS_COST_PTRACE_SYSCALL_CYCLES] = {"ptrace_syscall", VS_UNIT_CYCLES, 25000, "UML syscall interception"},
    [VS_COST_UML_FAULT_CYCLES] = {"uml_fault", VS_UNIT_CYCLES, 30000, "UML page fault"},
    [VS_COST_UML_SWITCH_CYCLES] = {"uml_switch", VS_UNIT_CYCLES, 20000, "UML guest process switch"},
    [VS_COST_INTERP_CYCLES] = {"interp_instruction", VS_UNIT_CYCLES, 50, "interpreter cycles per guest instruction"},
    [VS_COST_DBT_CYCLES] = {"dbt_instruction", VS_UNIT_CYCLES, 6, "translated-code cycles per guest instruction"},
    [VS_COST_SOFTMMU_CYCLES] = {"softmmu_access", VS_UNIT_CYCLES, 10, "soft-MMU lookup per guest memory access"},
    [VS_COST_TRANSLATE_CYCLES_PER_KIB] = {"translate_per_kib", VS_UNIT_CYCLES, 200000, "translating 1 KiB of guest code"},
    [VS_COST_BT_KERNEL_FACTOR] = {"bt_kernel_factor", VS_UNIT_COUNT, 1.3, "translated kernel code vs native"},
    [VS_COST_BT_PRIVILEGED_CYCLES] = {"bt_privileged", VS_UNIT_CYCLES, 200, "privileged instruction emulated in translated code"},
    [VS_COST_BT_SYSCALL_CYCLES] = {"bt_syscall", VS_UNIT_CYCLES, 2000, "guest system call under binary translation"},
    [VS_COST_BT_PT_UPDATE_CYCLES] = {"bt_pt_update", VS_UNIT_CYCLES, 1500, "traced PTE write under binary translation"},
    [VS_COST_BT_FAULT_CYCLES] = {"bt_fault", VS_UNIT_CYCLES, 5000, "guest page fault under binary translation"},
    [VS_COST_KERNEL_CODE_BYTES] = {"kernel_code", VS_UNIT_BYTES, 2.0 * 1048576, "hot guest kernel code translated by BT"},
    [VS_COST_TRANSLATION_BLOCK_BYTES] = {"translation_block", VS_UNIT_BYTES, 64, "mean guest code per translated block"},
    [VS_COST_OSL_SYSCALL_EXTRA_CYCLES] = {"osl_syscall_extra", VS_UNIT_CYCLES, 30, "container accounting per syscall"},
    [VS_COST_OSL_FAULT_EXTRA_CYCLES] = {"osl_fault_extra", VS_UNIT_CYCLES, 300, "memory-cgroup charge per fault"},
    [VS_COST_VETH_PACKET_CYCLES] = {"veth_packet", VS_UNIT_CYCLES, 2500, "veth + bridge per packet"},
    [VS_COST_VENET_PACKET_CYCLES] = {"venet_packet", VS_UNIT_CYCLES, 1200, "venet per packet"},
    [VS_COST_GUEST_KERNEL_BYTES] = {"guest_kernel", VS_UNIT_BYTES, 100.0 * 1048576, "a VM's kernel, resident"},
    [VS_COST_GUEST_PAGE_CACHE_BYTES] = {"guest_page_cache", VS_UNIT_BYTES, 256.0 * 1048576, "a VM's private page cache"},
    [VS_COST_VM_OVERHEAD_BYTES] = {"vm_overhead", VS_UNIT_BYTES, 32.0 * 1048576, "hypervisor memory per VM"},
    [VS_COST_DEVICE_MODEL_BYTES] = {"device_model_memory", VS_UNIT_BYTES, 60.0 * 1048576, "device model process"},
    [VS_COST_CONTAINER_OVERHEAD_BYTES] = {"container_overhead", VS_UNIT_BYTES, 2.0 * 1048576, "kernel objects of a container"},
    [VS_COST_VM_BOOT_NS] = {"vm_boot", VS_UNIT_TIME, 5e9, "VM boot to first request"},
    [VS_COST_CONTAINER_START_NS] = {"container_start", VS_UNIT_TIME, 0.3e9, "container start to first request"},
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
