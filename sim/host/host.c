/* The generic current server whose values a host profile starts from (see
 * host.h). scenarios/hosts/current.yaml writes every one of them out; keep
 * the two in step (tests/unit/test_config.c checks they agree). */
#include "virtsim/host/host.h"

#include <stdio.h>
#include <string.h>

void vs_host_spec_defaults(struct vs_host_spec *h)
{
    memset(h, 0, sizeof *h);
    snprintf(h->name, sizeof h->name, "generic");
    snprintf(h->description, sizeof h->description,
             "a generic current x86 server: 16 cores at 3 GHz, 64 GiB, NVMe SSD, 10 Gbit NIC");

    h->cpu.cores = 16;
    h->cpu.frequency_hz = 3e9;
    h->cpu.time_slice_ns = 3 * VS_NS_PER_MS;
    h->cpu.cap_period_ns = 100 * VS_NS_PER_MS;
    h->cpu.hw_virt = true;       /* every current server CPU has VT-x/AMD-V ... */
    h->cpu.nested_paging = true; /* ... and EPT/NPT (Intel since Nehalem, 2008) */
    h->cpu.ipc = 1.0;            /* the reference core: workloads' CPIs are measured on it */

    h->memory_bytes = 64.0 * 1024 * 1024 * 1024;
    h->host_reserved_bytes = 2.0 * 1024 * 1024 * 1024;
    h->memory_latency_ns = 110;  /* DDR5 server memory, idle load-to-use (estimate, docs/cost-model.md) */
    h->large_pages = true;       /* KVM (THP) and ESX back guest memory with 2 MiB pages by default */

    h->disk.device_class = VS_DISK_NVME;
    /* Seek and rpm only matter for class hdd; they hold a typical 7200 rpm
     * drive so that switching the class alone gives a plausible disk. */
    h->disk.seek_ns = 4 * VS_NS_PER_MS;
    h->disk.rpm = 7200;
    h->disk.read_latency_ns = 20 * VS_NS_PER_US;
    h->disk.write_latency_ns = 20 * VS_NS_PER_US;
    h->disk.latency_dist = VS_DIST_CONSTANT;
    h->disk.parallelism = 32;
    h->disk.bandwidth_bytes_per_s = 3.0 * 1024 * 1024 * 1024;
    /* Off unless a profile asks: the figures of the profiles written before
     * these keys do not move. Latency of a cached write and the flusher's
     * period when they are used: docs/cost-model.md (Write cache). */
    h->disk.write_cache_bytes = 0;
    h->disk.write_cache_latency_ns = 50 * VS_NS_PER_US;
    h->disk.writeback_merge_bytes = 0;
    h->disk.writeback_interval_ns = 5 * VS_NS_PER_S;

    h->nic.bandwidth_bits_per_s = 10e9;
    h->nic.latency_ns = 20 * VS_NS_PER_US;
    h->nic.overhead_bytes = 66;

    vs_costs_set_defaults(&h->costs);
}
