/* A guest group's resource controls: the `resources:` mapping of a guest
 * group (sim/load/cfg_resources.c reads it; docs/yaml-reference.md lists
 * every key). One sub-mapping per resource, each its own struct here and
 * its own parser: cpu (shares, cap, pinning, the vCPU maximum for
 * hot-plug), memory (limit, balloon, sharing, swap), disk (I/O weight,
 * IOPS and bandwidth limits) and net (a rate limit with a burst).
 *
 * The CPU keys are also accepted flat on the guest group (weight, cap,
 * pin): both forms end up in struct vs_guest_spec's weight, cap_fraction,
 * pin_first and pin_cores, so the scheduler reads one place. */
#ifndef VIRTSIM_RESOURCES_H
#define VIRTSIM_RESOURCES_H

#include <stdbool.h>
#include <stdint.h>

/* `resources: {memory: {...}}` (docs/yaml-reference.md, "Resources").
 * A VM's limit is the memory it boots with: the most its balloon can give
 * back to it (it never grows beyond). A container's is its cgroup
 * memory.max (OpenVZ: the beancounter's limit): the page cache it charges
 * is reclaimed first, and its anonymous memory reaching the limit is an
 * OOM kill unless it may swap. */
struct vs_memory_resources {
    bool set;             /* memory: was given: the memory component manages this group */
    double limit_bytes;   /* 0: none (a VM: what its engine gives it) */
    bool balloon;         /* VMs: a balloon driver the host may inflate (overcommit, set: memory) */
    bool sharing;         /* its pages may be merged with identical ones (KSM, VMware TPS) */
    bool swap;            /* the host may swap its pages out (host swap; a container: memory.swap.max) */
    /* Not from YAML: density --overcommit counts guests as the mechanisms
     * leave them once settled (sharing merged, balloons inflated to the
     * page cache), charged so from the start. */
    bool settled;
    int line, column;     /* where memory: was written */
};

/* resources.disk: the guest's share of the host's disk queue and its
 * throttles. A limit of 0 is no limit. The throttles are token buckets
 * (like cgroup io.max and QEMU's block throttling iops-total/bps-total): a
 * request goes to the device when its bucket has room, and waits in the
 * guest's own queue otherwise; the burst is what the bucket holds. */
struct vs_disk_limits {
    double weight;           /* proportional share of the disk queue (io.weight, 1..10000; 0: not set, 100) */
    double iops;             /* requests per second (0: none) */
    double bytes_per_s;      /* bytes per second (0: none) */
    double burst_s;          /* the buckets hold this many seconds of their rate (default 0.1 s) */
};

/* resources.net: the guest's traffic shaped by a token bucket per
 * direction (like tc tbf's rate and burst, or Xen netback's `rate=`
 * credit): each direction may send at most bits_per_s over time, with
 * bursts of up to burst_bytes at the link's speed. */
struct vs_net_limits {
    double bits_per_s;       /* 0: no limit */
    double burst_bytes;      /* the bucket's size (default: 10 ms of the rate, at least 64 KiB) */
};

/* What resources: held beyond the CPU keys (those live in vs_guest_spec). */
struct vs_resources {
    struct vs_memory_resources memory;
    struct vs_disk_limits disk;
    struct vs_net_limits net;
    /* resources.cpu.max_vcpus: the vCPUs a VM is booted able to have
     * (QEMU's -smp maxcpus, Xen's maxvcpus); a timeline `set: cpus:` can
     * hot-plug up to it and no further. 0: the group's vcpus. */
    uint32_t max_vcpus;
};

#endif
