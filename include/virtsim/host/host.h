/* A host's hardware as described by a host profile (a YAML file in scenarios/hosts/ or
 * inline in a scenario): cores, memory, disk, NIC and cost constants. These
 * are plain descriptions; the running resources are in cpu.h, disk.h, nic.h
 * and memory.h. */
#ifndef VIRTSIM_HOST_H
#define VIRTSIM_HOST_H

#include <stdbool.h>
#include <stdint.h>
#include "virtsim/host/costs.h"
#include "virtsim/core/event.h"
#include "virtsim/core/rng.h"

#define VS_NAME_MAX 64
#define VS_TEXT_MAX 256

struct vs_cpu_spec {
    uint32_t cores;
    double frequency_hz;
    vs_time_ns time_slice_ns;  /* scheduler quantum */
    vs_time_ns cap_period_ns;  /* accounting period for caps */
    bool hw_virt;              /* VT-x / AMD-V: can run HVM guests */
    bool nested_paging;        /* EPT / NPT: HVM guests need no shadow page tables */
    /* Xen's credit scheduler boosts a vCPU waking from I/O (`boost: false`
     * turns that off, to see what it does). Read only by that scheduler. */
    bool no_boost;
    /* Instructions per cycle of one core relative to the reference core (a
     * current server core, the `current` profile: 1.0). Workloads give their
     * CPI as measured on the reference core; this host runs them at
     * cpi / ipc cycles per instruction (vs_host_cpi). */
    double ipc;
};

enum vs_disk_class { VS_DISK_HDD, VS_DISK_SSD, VS_DISK_NVME };

struct vs_disk_spec {
    enum vs_disk_class device_class;
    /* hdd: service = seek + rotation + transfer; one request in service */
    vs_time_ns seek_ns;          /* mean seek time */
    double rpm;                  /* rotation speed; mean rotational delay is half a turn */
    /* ssd, nvme: service = latency + transfer; `parallelism` requests in service */
    vs_time_ns read_latency_ns;
    vs_time_ns write_latency_ns;
    enum vs_dist_kind latency_dist; /* distribution of the latency (or seek) term */
    uint32_t parallelism;
    double bandwidth_bytes_per_s;   /* whole device; 0 means transfers take no time */
    /* Volatile write cache of the device: a write that fits is acknowledged
     * after write_cache_latency_ns and reaches the media later (the cache
     * drains at device speed); one that does not fit waits for the media.
     * 0: no cache (write-through, as before). */
    double write_cache_bytes;
    vs_time_ns write_cache_latency_ns;
    /* The host's write-back of non-sync writes: a guest's dirty data is
     * merged into device requests of up to writeback_merge_bytes, each sent
     * when full or writeback_interval_ns after the first data of the batch.
     * 0: every write is sent on its own, at once (as before). */
    double writeback_merge_bytes;
    vs_time_ns writeback_interval_ns;
};

struct vs_nic_spec {
    double bandwidth_bits_per_s;   /* each direction (full duplex) */
    vs_time_ns latency_ns;          /* per packet: wire + switch, not occupying the link */
    uint32_t overhead_bytes;        /* per-packet framing added to the payload */
};

struct vs_host_spec {
    char name[VS_NAME_MAX];
    char description[VS_TEXT_MAX];
    struct vs_cpu_spec cpu;
    double memory_bytes;
    double host_reserved_bytes;     /* host OS / hypervisor itself, not available to guests */
    double memory_latency_ns;       /* load-to-use latency of a DRAM access (prices walk references that miss the caches) */
    bool large_pages;               /* the hypervisor backs guest memory with 2 MiB pages (EPT/NPT, shadow) */
    struct vs_disk_spec disk;
    struct vs_nic_spec nic;
    struct vs_costs costs;
};

/* A generic current server: the values used when a profile omits a key. */
void vs_host_spec_defaults(struct vs_host_spec *h);

static inline double vs_cycles_to_ns(const struct vs_cpu_spec *c, double cycles)
{
    return cycles * 1e9 / c->frequency_hz;
}

/* Cycles per instruction on this host of code whose CPI on the reference
 * core is reference_cpi (what a workload declares). */
static inline double vs_host_cpi(const struct vs_host_spec *h, double reference_cpi)
{
    return reference_cpi / h->cpu.ipc;
}

/* One DRAM access in this host's cycles. */
static inline double vs_host_memory_cycles(const struct vs_host_spec *h)
{
    return h->memory_latency_ns * h->cpu.frequency_hz / 1e9;
}

#endif
