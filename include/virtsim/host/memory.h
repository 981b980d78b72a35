/* Host memory: a capacity against which each guest's resident memory is
 * charged, by part (application, guest kernel, page cache, per-VM overhead,
 * shared). Overcommit, sharing and ballooning will change how parts are
 * charged; callers already go through vs_memory_charge for that reason. */
#ifndef VIRTSIM_MEMORY_H
#define VIRTSIM_MEMORY_H

#include <stdbool.h>
#include <stdint.h>

enum vs_mem_part {
    VS_MEM_APPLICATION,  /* the workload's own resident memory */
    VS_MEM_GUEST_KERNEL, /* a guest's own kernel (VMs only) */
    VS_MEM_PAGE_CACHE,   /* a guest's private page cache (VMs only) */
    VS_MEM_OVERHEAD,     /* per-guest hypervisor / device model / container bookkeeping */
    VS_MEM_SHARED,       /* shared by all guests on the host, charged once */
    VS_MEM_PART_COUNT
};

struct vs_mem_parts {
    double bytes[VS_MEM_PART_COUNT];
};

const char *vs_mem_part_name(enum vs_mem_part part); /* "application", ... */
double vs_mem_parts_total(const struct vs_mem_parts *p);

struct vs_memory; /* opaque */

/* Caller owns the result; free with vs_memory_destroy. */
struct vs_memory *vs_memory_create(double capacity_bytes, double reserved_bytes, uint32_t guests);
void vs_memory_destroy(struct vs_memory *m);

/* Charges a guest's memory. The SHARED part is charged once per host, at the
 * largest amount any guest asks for. Returns false, charging nothing, when
 * it does not fit in the free memory. */
bool vs_memory_charge(struct vs_memory *m, uint32_t guest, const struct vs_mem_parts *parts);

/* Gives back everything a guest was charged (it stopped). The shared part
 * stays: other guests may still map it. */
void vs_memory_release(struct vs_memory *m, uint32_t guest);
double vs_memory_capacity(const struct vs_memory *m);
double vs_memory_used(const struct vs_memory *m);   /* reserved + all charged */
double vs_memory_free(const struct vs_memory *m);
double vs_memory_guest_bytes(const struct vs_memory *m, uint32_t guest); /* excluding shared */

/* Overcommit (sim/comp/memmgmt.c). A guest the host may swap is admitted
 * whatever is free (its pages are only touched, and backed, as it runs):
 * vs_memory_charge_over charges it even past the capacity, and the memory
 * component then sets what each guest really holds in RAM (its resident
 * bytes: less what sharing merged, the balloon took and swap moved out)
 * with vs_memory_set_guest_bytes, so used never stays above capacity. */
void vs_memory_charge_over(struct vs_memory *m, uint32_t guest, const struct vs_mem_parts *parts);
void vs_memory_set_guest_bytes(struct vs_memory *m, uint32_t guest, double own_bytes);
double vs_memory_reserved(const struct vs_memory *m);
double vs_memory_shared(const struct vs_memory *m);

/* What memory management did for a guest or a host (results, reports).
 * Guests: allocated is what it was given (a VM's memory, a container's
 * limit); resident what the host holds for it now; shared what page
 * sharing saved of its pages; ballooned what its balloon holds; swapped
 * what the host moved to disk. Hosts: sums over their guests, and the
 * overcommit ratio (allocated over the host's memory). */
struct vs_mem_mgmt {
    bool managed;                   /* resources.memory (or a set: memory) applies: the figures mean something */
    double allocated_bytes, resident_bytes, shared_bytes, ballooned_bytes, swapped_bytes;
    double limit_bytes;             /* the guest's current memory (VM) or memory.max (container); 0: none */
    double overcommit_ratio;        /* hosts: allocated / capacity */
    uint64_t swap_ins, oom_kills;   /* in the window */
    double oom_first_ns;            /* the first OOM kill, from the end of boot (-1: none) */
    double ksm_cpu_ns, balloon_cpu_ns; /* CPU spent by the host's scanner, by the guest's balloon driver */
    double change_at_ns, change_done_ns; /* the last set: memory, from the end of boot (-1: none / not yet) */
    char unavailable[64];           /* mechanisms asked for that this system does not have ("" : none) */
};

#endif
