/* Host profiles from YAML: cpu, memory, disk, nic and cost constants. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "virtsim/host/costs.h"
#include "virtsim/load/params.h"
#include "virtsim/model/engine.h"

/* ---- host profiles ---- */

static const char *const disk_class_names[] = {"hdd", "ssd", "nvme"};
/* The disk model needs one parameter for its latency term. */
static const char *const latency_dist_names[] = {"constant", "exponential"};

int cfg_parse_costs(const struct cfg_ctx *c, const struct vs_ynode *n, const char *path,
                       struct vs_costs *costs)
{
    int rc = cfg_expect_mapping(c, n, path, "a mapping of cost names to values, e.g. {syscall: 300}");
    if (rc != VS_OK) return rc;
    /* Older profiles priced all privileged instructions with one constant;
     * the kinds now have their own (docs/cost-model.md). */
    const struct vs_ynode *old = cfg_key_node(n, "privileged");
    if (old)
        return cfg_fail_at(c, old,
                           "%s.privileged: was split by kind; give irq_flag (cli/sti/popf), cr3_load "
                           "(mov to CR3), port_io (port/MMIO device register) or exiting_instruction "
                           "(cpuid, rdmsr/wrmsr, hlt) instead (docs/cost-model.md)",
                           path);
    /* UML's three lump sums became sequences of host steps priced with the
     * host's own constants (docs/cost-rules.md, uml). */
    static const char *const uml_lumps[] = {"ptrace_syscall", "uml_fault", "uml_switch"};
    for (size_t i = 0; i < sizeof uml_lumps / sizeof uml_lumps[0]; i++) {
        old = cfg_key_node(n, uml_lumps[i]);
        if (old)
            return cfg_fail_at(c, old,
                               "%s.%s: UML is now priced as its host steps (host context switches, "
                               "host system calls, signals); give context_switch, syscall, "
                               "signal_delivery or uml_remap_calls instead (docs/cost-rules.md)",
                               path, uml_lumps[i]);
    }
    const char *names[VS_COST_COUNT];
    for (int i = 0; i < VS_COST_COUNT; i++) names[i] = vs_cost_info((enum vs_cost_id)i)->key;
    rc = cfg_check_keys(c, n, path, names, VS_COST_COUNT);
    for (int i = 0; i < VS_COST_COUNT && rc == VS_OK; i++) {
        const struct vs_cost_info *info = vs_cost_info((enum vs_cost_id)i);
        rc = cfg_opt_quantity(c, n, path, info->key, info->unit, &costs->value[i]);
        /* A share of references (cache hit rates) cannot exceed all of them. */
        if (rc == VS_OK && info->unit == VS_UNIT_PERCENT && costs->value[i] > 1) {
            const struct vs_ynode *at = vs_ynode_get(n, info->key);
            rc = cfg_fail_at(c, at ? at : n, "%s.%s: '%.60s' is a share of references; expected 0%% to 100%%",
                             path, info->key, at ? at->text : "");
        }
    }
    return rc;
}

/* A disk's bandwidth: 0 for no limit (latency only), else 1 MB/s to 1 TB/s,
 * so a transfer of the largest request stays far inside the clock. */
static int cfg_opt_bandwidth(const struct cfg_ctx *c, const struct vs_ynode *m, const char *kp, double *out)
{
    const struct vs_ynode *b = vs_ynode_get(m, "bandwidth");
    if (b && b->kind == VS_YNODE_SCALAR && b->text && strcmp(b->text, "0") == 0) {
        *out = 0;
        return VS_OK;
    }
    return cfg_opt_range(c, m, kp, "bandwidth", VS_UNIT_BYTERATE, MIN_BYTERATE, MAX_BYTERATE, "1MB/s (or 0: no limit)",
                         "1TB/s", out);
}

/* Starts from *base and overrides what the mapping gives. inline_level: 0
 * for a profile file; 1 for an inline host in a scenario, which may also
 * carry `profile:` (already applied by the caller into base); 2 for an
 * entry of a scenario's `hosts:`, which may also carry `count:` (read by
 * the caller). */
int cfg_parse_host(const struct cfg_ctx *c, const struct vs_ynode *n, const char *path,
                      const struct vs_host_spec *base, int inline_level, bool name_required,
                      struct vs_host_spec *out)
{
    struct vs_host_spec h = *base;
    static const char *const keys[] = {"name", "description", "cpu",     "memory", "disk",
                                       "nic",  "costs",       "profile", "count"};
    char where[KEYPATH_LEN + 16];
    snprintf(where, sizeof where, "%s", path[0] ? path : "a host profile");
    int rc = cfg_check_keys(c, n, where, keys, N_OF(keys) - (inline_level >= 2 ? 0 : inline_level == 1 ? 1 : 2));
    if (rc == VS_OK && name_required) rc = cfg_require_key(c, n, path, "name", "the profile's name");
    if (rc == VS_OK) rc = cfg_opt_name(c, n, path, "name", h.name, sizeof h.name);
    if (rc == VS_OK) rc = cfg_opt_text(c, n, path, "description", h.description, sizeof h.description);
    if (rc != VS_OK) return rc;
    char kp[KEYPATH_LEN];

    const struct vs_ynode *m = vs_ynode_get(n, "cpu");
    if (m) {
        cfg_join(kp, sizeof kp, path, "cpu");
        rc = cfg_expect_mapping(c, m, kp, "a mapping such as {cores: 16, frequency: 3GHz}");
        static const char *const ck[] = {"cores",      "frequency",
                                         "time_slice", "cap_period",
                                         "hardware_virtualization", "nested_paging", "ipc", "boost"};
        if (rc == VS_OK) rc = cfg_check_keys(c, m, kp, ck, N_OF(ck));
        if (rc == VS_OK) rc = cfg_opt_u32(c, m, kp, "cores", 1, MAX_CORES, &h.cpu.cores);
        if (rc == VS_OK)
            rc = cfg_opt_range(c, m, kp, "frequency", VS_UNIT_FREQUENCY, MIN_FREQUENCY_HZ, MAX_FREQUENCY_HZ, "1MHz",
                               "100GHz", &h.cpu.frequency_hz);
        if (rc == VS_OK)
            rc = cfg_opt_time(c, m, kp, "time_slice", true, 10 * VS_NS_PER_S, &h.cpu.time_slice_ns);
        if (rc == VS_OK && h.cpu.time_slice_ns < MIN_SLICE_NS)
            rc = cfg_fail_at(c, vs_ynode_get(m, "time_slice"), "%s.time_slice: '%.60s' is out of range; allowed: 10us to 10s",
                             kp, vs_ynode_get(m, "time_slice")->text);
        if (rc == VS_OK)
            rc = cfg_opt_time(c, m, kp, "cap_period", true, 60 * VS_NS_PER_S, &h.cpu.cap_period_ns);
        if (rc == VS_OK && h.cpu.cap_period_ns < MIN_SLICE_NS)
            rc = cfg_fail_at(c, vs_ynode_get(m, "cap_period"), "%s.cap_period: '%.60s' is out of range; allowed: 10us to 60s",
                             kp, vs_ynode_get(m, "cap_period")->text);
        if (rc == VS_OK) rc = cfg_opt_bool(c, m, kp, "hardware_virtualization", &h.cpu.hw_virt);
        if (rc == VS_OK) rc = cfg_opt_bool(c, m, kp, "nested_paging", &h.cpu.nested_paging);
        bool boost = !h.cpu.no_boost;
        if (rc == VS_OK) rc = cfg_opt_bool(c, m, kp, "boost", &boost);
        h.cpu.no_boost = !boost;
        /* Relative to the reference core; a factor of 100 either way is no real CPU. */
        double ipc = h.cpu.ipc;
        if (rc == VS_OK) rc = cfg_opt_quantity(c, m, kp, "ipc", VS_UNIT_COUNT, &ipc);
        if (rc == VS_OK && !(ipc >= 0.01 && ipc <= 100))
            return cfg_fail_at(c, vs_ynode_get(m, "ipc"),
                           "%s.ipc: '%.60s' is out of range; expected instructions per cycle relative "
                           "to the reference core (current = 1), from 0.01 to 100",
                           kp, vs_ynode_get(m, "ipc")->text);
        h.cpu.ipc = ipc;
        if (rc == VS_OK && h.cpu.nested_paging && !h.cpu.hw_virt)
            return cfg_fail_at(c, vs_ynode_get(m, "nested_paging"),
                           "%s.nested_paging: nested paging (EPT/NPT) is part of hardware "
                           "virtualization; set hardware_virtualization: true as well",
                           kp);
        if (rc != VS_OK) return rc;
    }
    m = vs_ynode_get(n, "memory");
    if (m) {
        cfg_join(kp, sizeof kp, path, "memory");
        rc = cfg_expect_mapping(c, m, kp, "a mapping such as {capacity: 64GiB, reserved: 2GiB}");
        static const char *const mk[] = {"capacity", "reserved", "latency", "large_pages"};
        if (rc == VS_OK) rc = cfg_check_keys(c, m, kp, mk, N_OF(mk));
        if (rc == VS_OK)
            rc = cfg_opt_range(c, m, kp, "capacity", VS_UNIT_BYTES, MIN_MEMORY_BYTES, MAX_MEMORY_BYTES, "1MiB", "1EiB",
                               &h.memory_bytes);
        if (rc == VS_OK)
            rc = cfg_opt_range(c, m, kp, "reserved", VS_UNIT_BYTES, 0, MAX_MEMORY_BYTES, "0", "1EiB", &h.host_reserved_bytes);
        vs_time_ns latency_ns = (vs_time_ns)h.memory_latency_ns;
        if (rc == VS_OK) rc = cfg_opt_time(c, m, kp, "latency", true, 10 * VS_NS_PER_US, &latency_ns);
        h.memory_latency_ns = (double)latency_ns;
        if (rc == VS_OK) rc = cfg_opt_bool(c, m, kp, "large_pages", &h.large_pages);
        if (rc != VS_OK) return rc;
    }
    if (h.host_reserved_bytes >= h.memory_bytes) {
        char a[32], b[32];
        const struct vs_ynode *at = m ? vs_ynode_get(m, "reserved") : NULL;
        return cfg_fail_at(c, at ? at : (m ? m : n),
                       "%s%smemory.reserved: %s leaves nothing of the capacity (%s) for guests",
                       path, path[0] ? "." : "",
                       vs_units_format_bytes(h.host_reserved_bytes, a, sizeof a),
                       vs_units_format_bytes(h.memory_bytes, b, sizeof b));
    }
    m = vs_ynode_get(n, "disk");
    if (m) {
        cfg_join(kp, sizeof kp, path, "disk");
        rc = cfg_expect_mapping(c, m, kp, "a mapping such as {class: nvme, read_latency: 20us}");
        static const char *const dk[] = {"class",        "seek",          "rpm",
                                         "read_latency", "write_latency", "latency_dist",
                                         "parallelism",  "bandwidth",     "write_cache",
                                         "write_cache_latency", "writeback_merge",
                                         "writeback_interval"};
        if (rc == VS_OK) rc = cfg_check_keys(c, m, kp, dk, N_OF(dk));
        int cls = (int)h.disk.device_class;
        if (rc == VS_OK) rc = cfg_opt_choice(c, m, kp, "class", disk_class_names, 3, &cls);
        h.disk.device_class = (enum vs_disk_class)cls;
        if (rc == VS_OK) rc = cfg_opt_time(c, m, kp, "seek", false, VS_NS_PER_S, &h.disk.seek_ns);
        if (rc == VS_OK) rc = cfg_opt_range(c, m, kp, "rpm", VS_UNIT_RPM, 100, 100000, "100rpm", "100000rpm", &h.disk.rpm);
        if (rc == VS_OK)
            rc = cfg_opt_time(c, m, kp, "read_latency", false, VS_NS_PER_S, &h.disk.read_latency_ns);
        if (rc == VS_OK)
            rc = cfg_opt_time(c, m, kp, "write_latency", false, VS_NS_PER_S, &h.disk.write_latency_ns);
        int ld = h.disk.latency_dist == VS_DIST_EXPONENTIAL ? 1 : 0;
        if (rc == VS_OK) rc = cfg_opt_choice(c, m, kp, "latency_dist", latency_dist_names, 2, &ld);
        h.disk.latency_dist = ld ? VS_DIST_EXPONENTIAL : VS_DIST_CONSTANT;
        if (rc == VS_OK)
            rc = cfg_opt_u32(c, m, kp, "parallelism", 1, MAX_PARALLELISM, &h.disk.parallelism);
        if (rc == VS_OK)
            rc = cfg_opt_bandwidth(c, m, kp, &h.disk.bandwidth_bytes_per_s);
        if (rc == VS_OK)
            rc = cfg_opt_range(c, m, kp, "write_cache", VS_UNIT_BYTES, 0, MAX_IO_BYTES, "0", "1TiB", &h.disk.write_cache_bytes);
        if (rc == VS_OK)
            rc = cfg_opt_time(c, m, kp, "write_cache_latency", false, VS_NS_PER_S,
                              &h.disk.write_cache_latency_ns);
        if (rc == VS_OK)
            rc = cfg_opt_range(c, m, kp, "writeback_merge", VS_UNIT_BYTES, 0, MAX_IO_BYTES, "0", "1TiB",
                               &h.disk.writeback_merge_bytes);
        if (rc == VS_OK)
            rc = cfg_opt_time(c, m, kp, "writeback_interval", true, 3600 * VS_NS_PER_S,
                              &h.disk.writeback_interval_ns);
        if (rc != VS_OK) return rc;
    }
    m = vs_ynode_get(n, "nic");
    if (m) {
        cfg_join(kp, sizeof kp, path, "nic");
        rc = cfg_expect_mapping(c, m, kp, "a mapping such as {bandwidth: 10Gbit, latency: 20us}");
        static const char *const nk[] = {"bandwidth", "latency", "overhead"};
        if (rc == VS_OK) rc = cfg_check_keys(c, m, kp, nk, N_OF(nk));
        if (rc == VS_OK)
            rc = cfg_opt_range(c, m, kp, "bandwidth", VS_UNIT_BITRATE, MIN_BITRATE, MAX_BITRATE, "1Mbit", "1Pbit",
                               &h.nic.bandwidth_bits_per_s);
        if (rc == VS_OK) rc = cfg_opt_time(c, m, kp, "latency", false, VS_NS_PER_S, &h.nic.latency_ns);
        const struct vs_ynode *o = vs_ynode_get(m, "overhead");
        if (rc == VS_OK && o) {
            double bytes;
            char okp[KEYPATH_LEN];
            cfg_join(okp, sizeof okp, kp, "overhead");
            rc = cfg_node_quantity(c, o, okp, VS_UNIT_BYTES, &bytes);
            if (rc == VS_OK && (bytes != floor(bytes) || bytes > MAX_OVERHEAD_BYTES))
                rc = cfg_fail_at(c, o, "%s: '%.60s' must be a whole number of bytes up to %d", okp,
                             o->text, MAX_OVERHEAD_BYTES);
            if (rc == VS_OK) h.nic.overhead_bytes = (uint32_t)bytes;
        }
        if (rc != VS_OK) return rc;
    }
    m = vs_ynode_get(n, "costs");
    if (m) {
        cfg_join(kp, sizeof kp, path, "costs");
        rc = cfg_parse_costs(c, m, kp, &h.costs);
        if (rc != VS_OK) return rc;
    }
    *out = h;
    return VS_OK;
}
