/* Cost constants of a host profile ("costs:" in host YAML): what each basic
 * operation costs the hardware, in cycles or nanoseconds. Engines read them
 * here; none are written in C code. Every default cites its source in
 * docs/cost-model.md. Adding a constant: the enum here and one row of the
 * table in sim/costs.c. */
#ifndef VIRTSIM_COSTS_H
#define VIRTSIM_COSTS_H

#include <stddef.h>
#include "virtsim/core/units.h"

enum vs_cost_id {
    /* native hardware and kernel */
    VS_COST_SYSCALL_CYCLES,        /* native system call entry + exit */
    VS_COST_PAGE_FAULT_CYCLES,     /* native minor page fault */
    VS_COST_TLB_WALK_REFS,         /* levels of a page table with 4 KiB leaves (references of an uncached walk) */
    VS_COST_WALK_REF_CYCLES,       /* cycles of a page-walk reference served by the data caches */
    VS_COST_WALK_DRAM,             /* fraction of walk references that miss the caches and go to DRAM */
    VS_COST_PSC_HIT,               /* fraction of upper-level walk references the paging-structure caches skip */
    VS_COST_NESTED_TLB_HIT,        /* fraction of host walks for guest page-table pages the nested TLB skips */
    VS_COST_TLB_ENTRIES,           /* last-level TLB entries for 4 KiB pages */
    VS_COST_TLB_LARGE_ENTRIES,     /* last-level TLB entries for 2 MiB pages */
    VS_COST_CONTEXT_SWITCH_CYCLES, /* process/thread context switch, also the host scheduler's */
    VS_COST_DISK_REQUEST_CYCLES,   /* block layer + driver + interrupt per disk request */
    VS_COST_NET_PACKET_CYCLES,     /* network stack + driver + interrupt per packet */
    VS_COST_COPY_CYCLES_PER_KIB,   /* copying 1 KiB between buffers */
    VS_COST_TIMER_HZ,              /* guest/host timer interrupts per second of CPU time */
    VS_COST_TIMER_IRQ_CYCLES,      /* handling one timer interrupt natively */
    VS_COST_IPI_CYCLES,            /* sending and handling one inter-processor interrupt */
    VS_COST_IRQ_FLAG_CYCLES,       /* one interrupt-flag change (cli, sti, popf) natively */
    VS_COST_CR3_LOAD_CYCLES,       /* one load of a page-table base (mov to CR3) natively */
    VS_COST_PORT_IO_CYCLES,        /* one port/MMIO access to a chipset register natively */
    VS_COST_EXITING_INSN_CYCLES,   /* one cpuid, rdmsr/wrmsr or similar instruction natively */
    VS_COST_PT_UPDATE_CYCLES,      /* one page-table entry write natively */
    VS_COST_PAGE_ZERO_CYCLES,      /* zeroing the 4 KiB page, part of a zero-fill fault */
    VS_COST_FORK_PT_UPDATES,       /* page-table entry writes in one fork + exec */
    VS_COST_FORK_PAGE_FAULTS,      /* page faults in one fork + exec (copy-on-write, exec) */
    VS_COST_FORK_SYSCALLS,         /* system calls in one fork + exec */
    VS_COST_FORK_KERNEL_INSTRUCTIONS, /* kernel instructions in one fork + exec */
    /* hardware-assisted virtualization (HVM) */
    VS_COST_VMEXIT_CYCLES,         /* VM exit + VM entry round trip in hardware */
    VS_COST_EXIT_HANDLER_CYCLES,   /* hypervisor work to handle a simple exit */
    VS_COST_SHADOW_PT_UPDATE_CYCLES, /* hypervisor work per trapped guest PTE write (shadow sync) */
    VS_COST_SHADOW_FAULT_CYCLES,   /* hypervisor work per hidden page fault (shadow fill) */
    VS_COST_SHADOW_CACHE_BYTES,    /* guest working set whose shadow entries a VMM keeps across switches */
    VS_COST_DEVICE_MODEL_CYCLES,   /* extra round trip to a user-space device model per access */
    VS_COST_DEVICE_ACCESS_CYCLES,  /* emulating one device register access in a device model */
    VS_COST_EMULATED_DISK_ACCESSES, /* register accesses per disk request (emulated IDE/AHCI) */
    VS_COST_EMULATED_NET_ACCESSES, /* register accesses per packet (emulated e1000) */
    VS_COST_PV_BATCH,              /* requests per notification on a PV ring (batching) */
    VS_COST_PV_BACKEND_CYCLES,     /* back-end work per PV request (vhost, blkback, netback) */
    VS_COST_BACKEND_WAKEUP_NS,     /* latency: an idle back-end thread (vhost, QEMU I/O thread, netback) scheduled */
    VS_COST_VCPU_WAKEUP_NS,        /* latency: a halted vCPU woken (IPI, host scheduler, VM entry, injection) */
    VS_COST_TIMER_EXITS,           /* VM exits per virtual timer interrupt */
    VS_COST_IPI_EXITS,             /* VM exits per virtual IPI (send + receive) */
    /* paravirtualization */
    VS_COST_HYPERCALL_CYCLES,      /* hypercall round trip */
    VS_COST_PV_SYSCALL_EXTRA_CYCLES, /* x86-64 Xen PV: a guest syscall bounces through Xen */
    VS_COST_PV_FAULT_EXTRA_CYCLES, /* Xen PV: a guest page fault is taken by Xen first */
    VS_COST_MMU_UPDATE_BATCH,      /* PTE updates per mmu_update hypercall */
    VS_COST_PV_PTE_VALIDATE_CYCLES, /* Xen PV: validating one PTE update (and releasing it at teardown) */
    VS_COST_EVENT_CHANNEL_CYCLES,  /* event-channel notification and virtual interrupt */
    VS_COST_GRANT_CYCLES,          /* grant-table map/copy set-up per I/O request */
    VS_COST_SIGNAL_DELIVERY_CYCLES, /* host: delivering a signal to a handler, and its sigreturn */
    VS_COST_PTRACE_STOP_CYCLES,    /* host: stopping a traced process and waking its tracer */
    VS_COST_PML_ENTRIES,           /* page-modification log entries per exit (0: the CPU has no PML) */
    VS_COST_SOFT_DIRTY_LOG_CYCLES, /* an emulator's soft-TLB slow path on the first write to a logged page */
    VS_COST_UML_REMAP_CALLS,       /* UML: host mmap/munmap/mprotect calls per guest process switch */
    VS_COST_HOST_REBOOT_NS,        /* a host's reboot after a kernel panic: firmware, kernel, services */
    VS_COST_PROCESS_RESTART_NS,    /* a crashed service restarted by its supervisor */
    /* emulation */
    VS_COST_INTERP_CYCLES,         /* interpreter: cycles per guest instruction */
    VS_COST_DBT_CYCLES,            /* dynamic translation: cycles per guest instruction (TCG code) */
    VS_COST_SOFTMMU_CYCLES,        /* dynamic translation: soft-MMU lookup per guest memory access */
    VS_COST_TRANSLATE_CYCLES_PER_KIB, /* translating 1 KiB of guest code */
    VS_COST_BT_KERNEL_FACTOR,      /* binary translation: translated kernel code vs native (x) */
    VS_COST_BT_PRIVILEGED_CYCLES,  /* binary translation: a privileged instruction emulated by a call
                                      into the monitor from translated code (no trap) */
    VS_COST_BT_IRQ_FLAG_CYCLES,    /* binary translation: an interrupt-flag change emulated inline */
    VS_COST_BT_SYSCALL_CYCLES,     /* binary translation: a guest system call */
    VS_COST_BT_PT_UPDATE_CYCLES,   /* binary translation: a traced guest PTE write */
    VS_COST_BT_FAULT_CYCLES,       /* binary translation: a guest page fault (hidden + true) */
    VS_COST_BT_HIDDEN_FAULT_CYCLES, /* binary translation: a hidden fault (trap to the monitor, shadow fill) */
    VS_COST_KERNEL_CODE_BYTES,     /* hot guest kernel code a binary translator translates */
    VS_COST_TRANSLATION_BLOCK_BYTES, /* mean guest code per translated block */
    /* OS-level virtualization */
    VS_COST_OSL_SYSCALL_EXTRA_CYCLES, /* namespace and resource accounting per syscall */
    VS_COST_OSL_FAULT_EXTRA_CYCLES,   /* memory-cgroup / beancounter charge per page fault */
    VS_COST_VETH_PACKET_CYCLES,    /* veth pair + bridge per packet */
    VS_COST_VENET_PACKET_CYCLES,   /* OpenVZ venet (routed, no bridge) per packet */
    /* performance isolation: what guests share besides cores and devices (host/contention.h) */
    VS_COST_LOCK_TRANSFER_CYCLES,  /* a lock's cache line fetched from the core that last held it */
    VS_COST_KLOCK_MM_CYCLES,       /* shared page-allocator / LRU lock held per page fault, fork or exec */
    VS_COST_KLOCK_FS_CYCLES,       /* shared page-cache / journal locks held per file read or write */
    VS_COST_KLOCK_NET_CYCLES,      /* shared network-stack locks (qdisc, bridge, conntrack) held per packet */
    VS_COST_BACKEND_LOCK_CYCLES,   /* the host's I/O back end's shared locks held per VM I/O request */
    VS_COST_LLC_BYTES,             /* last-level cache of the socket, shared by every core */
    VS_COST_MEMORY_BANDWIDTH,      /* the socket's memory bandwidth (bytes/s) */
    VS_COST_MEMORY_PARALLELISM,    /* cache misses a core overlaps on average (memory-level parallelism) */
    /* memory and start-up */
    VS_COST_GUEST_KERNEL_BYTES,    /* resident memory of a VM's own kernel */
    VS_COST_GUEST_PAGE_CACHE_BYTES, /* a VM's private page cache */
    VS_COST_VM_OVERHEAD_BYTES,     /* hypervisor per-VM memory (page tables, shadow/EPT, state) */
    VS_COST_DEVICE_MODEL_BYTES,    /* a user-space device model process (e.g. QEMU) */
    VS_COST_CONTAINER_OVERHEAD_BYTES, /* kernel objects of one container */
    VS_COST_VM_BOOT_NS,            /* boot of a VM to its first request */
    VS_COST_CONTAINER_START_NS,    /* start of a container to its first request */
    /* memory management and overcommit (sim/comp/memmgmt.c) */
    VS_COST_KSM_PAGES_TO_SCAN,     /* ksmd: pages scanned per wake-up */
    VS_COST_KSM_SLEEP_NS,          /* ksmd: sleep between wake-ups */
    VS_COST_KSM_PAGE_CYCLES,       /* ksmd: checksum and tree search of one page */
    VS_COST_GUEST_KERNEL_TEXT_BYTES, /* a guest kernel's code and read-only data: identical across VMs */
    VS_COST_BALLOON_PAGE_NS,       /* one page into or out of a balloon (guest and host together) */
    VS_COST_BALLOON_GUEST_SHARE,   /* the share of that time the guest's driver runs */
    VS_COST_SWAP_CLUSTER_BYTES,    /* read per host swap-in fault (the page and its readahead) */
    VS_COST_SWAP_WRITE_BYTES,      /* one write of swapped-out pages */
    VS_COST_COUNT
};

struct vs_cost_info {
    const char *key;          /* YAML key under costs:, e.g. "syscall" */
    enum vs_unit_kind unit;   /* how the YAML value is parsed */
    double default_value;     /* used when a profile omits the key */
    const char *description;
};

struct vs_costs {
    double value[VS_COST_COUNT];
};

const struct vs_cost_info *vs_cost_info(enum vs_cost_id id);
/* Returns the id, or -1 for an unknown key. */
int vs_cost_find(const char *key);
void vs_costs_set_defaults(struct vs_costs *c);

static inline double vs_cost(const struct vs_costs *c, enum vs_cost_id id)
{
    return c->value[id];
}

#endif
