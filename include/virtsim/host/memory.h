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

#endif
