/* A guest group's `resources:` mapping (spec/resources.h): one sub-mapping
 * per resource the host manages for each instance, each read by its own
 * function here. cpu: takes the same keys as the flat form on the guest
 * group (weight, cap, pin) plus max_vcpus; writing a key both ways is an
 * error, so a scenario says each thing once. memory: is the guest's limit
 * and the overcommit mechanisms it may be subject to; disk: and net: are
 * its I/O limits. An unknown sub-key is an error naming the ones allowed.
 * What the keys mean: docs/yaml-reference.md, "Resources". */
#include <string.h>

#include "cfg.h"

#define MAX_DISK_WEIGHT 10000     /* cgroup v2 io.weight's range is 1..10000 */
#define MAX_IOPS 1e9
#define MAX_BURST_NS (60 * VS_NS_PER_S)
#define DEFAULT_DISK_BURST_S 0.1  /* io.max works in 100 ms slices; QEMU's bucket holds a tenth of a second */
#define MIN_NET_BURST_BYTES 65536.0
#define DEFAULT_NET_BURST_S 0.01

/* A key given flat on the guest and again under resources.cpu. */
static int twice(const struct cfg_ctx *c, const struct vs_ynode *guest, const struct vs_ynode *cpu,
                 const char *path, const char *key)
{
    if (!vs_ynode_get(guest, key) || !vs_ynode_get(cpu, key)) return VS_OK;
    return cfg_fail_at(c, cfg_key_node(cpu, key),
                       "%s.%s: %s is also given on the guest group itself; give it once (either place)", path, key,
                       key);
}

static int parse_cpu(const struct cfg_ctx *c, const struct vs_ynode *guest, const struct vs_ynode *n,
                     const char *path, struct vs_guest_spec *g)
{
    int rc = cfg_expect_mapping(c, n, path, "a mapping such as {weight: 512, cap: 50%, pin: 2-3}");
    if (rc != VS_OK) return rc;
    static const char *const keys[] = {"weight", "cap", "pin", "max_vcpus"};
    rc = cfg_check_keys(c, n, path, keys, N_OF(keys));
    for (size_t k = 0; k < 3 && rc == VS_OK; k++) rc = twice(c, guest, n, path, keys[k]);
    if (rc == VS_OK) rc = cfg_opt_positive(c, n, path, "weight", VS_UNIT_COUNT, MAX_WEIGHT, &g->weight);
    if (rc == VS_OK) rc = cfg_opt_quantity(c, n, path, "cap", VS_UNIT_PERCENT, &g->cap_fraction);
    if (rc == VS_OK) rc = cfg_parse_pin(c, n, path, g);
    if (rc == VS_OK) rc = cfg_opt_u32(c, n, path, "max_vcpus", 1, VS_MAX_VCPUS, &g->resources.max_vcpus);
    return rc;
}

static int parse_disk(const struct cfg_ctx *c, const struct vs_ynode *n, const char *path, struct vs_disk_limits *d)
{
    int rc = cfg_expect_mapping(c, n, path, "a mapping such as {weight: 200, iops: 500/s, bandwidth: 50MB/s}");
    if (rc != VS_OK) return rc;
    static const char *const keys[] = {"weight", "iops", "bandwidth", "burst"};
    rc = cfg_check_keys(c, n, path, keys, N_OF(keys));
    if (rc == VS_OK)
        rc = cfg_opt_range(c, n, path, "weight", VS_UNIT_COUNT, 1, MAX_DISK_WEIGHT, "1", "10000", &d->weight);
    if (rc == VS_OK) rc = cfg_opt_positive(c, n, path, "iops", VS_UNIT_RATE, MAX_IOPS, &d->iops);
    if (rc == VS_OK) rc = cfg_opt_positive(c, n, path, "bandwidth", VS_UNIT_BYTERATE, MAX_BYTERATE, &d->bytes_per_s);
    vs_time_ns burst_ns = 0;
    if (rc == VS_OK) rc = cfg_opt_time(c, n, path, "burst", true, MAX_BURST_NS, &burst_ns);
    if (rc != VS_OK) return rc;
    d->burst_s = burst_ns > 0 ? (double)burst_ns / 1e9 : DEFAULT_DISK_BURST_S;
    if (vs_ynode_get(n, "burst") && !(d->iops > 0) && !(d->bytes_per_s > 0))
        return cfg_fail_at(c, cfg_key_node(n, "burst"), "%s.burst: a burst needs a limit to apply to (iops or "
                           "bandwidth)", path);
    return VS_OK;
}

static int parse_net(const struct cfg_ctx *c, const struct vs_ynode *n, const char *path, struct vs_net_limits *l)
{
    int rc = cfg_expect_mapping(c, n, path, "a mapping such as {rate: 100Mbit/s, burst: 64KiB}");
    if (rc != VS_OK) return rc;
    static const char *const keys[] = {"rate", "burst"};
    rc = cfg_check_keys(c, n, path, keys, N_OF(keys));
    if (rc == VS_OK) rc = cfg_require_key(c, n, path, "rate", "the rate limit, e.g. 100Mbit/s");
    if (rc == VS_OK)
        rc = cfg_opt_range(c, n, path, "rate", VS_UNIT_BITRATE, MIN_BITRATE / 1000, MAX_BITRATE, "1kbit/s",
                           "1Pbit/s", &l->bits_per_s);
    if (rc == VS_OK)
        rc = cfg_opt_range(c, n, path, "burst", VS_UNIT_BYTES, 1500, MAX_IO_BYTES, "1500B", "1TiB", &l->burst_bytes);
    if (rc != VS_OK) return rc;
    if (!(l->burst_bytes > 0)) {
        /* tc's rule of thumb: at least rate x 10 ms (HZ=100 timer), and
         * never below a few full-size packets. */
        l->burst_bytes = l->bits_per_s / 8 * DEFAULT_NET_BURST_S;
        if (l->burst_bytes < MIN_NET_BURST_BYTES) l->burst_bytes = MIN_NET_BURST_BYTES;
    }
    return VS_OK;
}

/* `memory: 2GiB` is short for `memory: {limit: 2GiB}`. */
static int parse_memory(const struct cfg_ctx *c, const struct vs_ynode *n, const char *path,
                        struct vs_memory_resources *m)
{
    m->set = true;
    m->line = n->line;
    m->column = n->column;
    if (n->kind == VS_YNODE_SCALAR)
        return cfg_node_range_bytes(c, n, path, &m->limit_bytes);
    int rc = cfg_expect_mapping(c, n, path, "a size such as 2GiB, or a mapping such as {limit: 2GiB, balloon: on, "
                                            "sharing: on, swap: on}");
    if (rc != VS_OK) return rc;
    static const char *const keys[] = {"limit", "balloon", "sharing", "swap"};
    rc = cfg_check_keys(c, n, path, keys, N_OF(keys));
    const struct vs_ynode *ln = vs_ynode_get(n, "limit");
    if (rc == VS_OK && ln) {
        char kp[KEYPATH_LEN];
        cfg_join(kp, sizeof kp, path, "limit");
        rc = cfg_node_range_bytes(c, ln, kp, &m->limit_bytes);
    }
    if (rc == VS_OK) rc = cfg_opt_bool(c, n, path, "balloon", &m->balloon);
    if (rc == VS_OK) rc = cfg_opt_bool(c, n, path, "sharing", &m->sharing);
    if (rc == VS_OK) rc = cfg_opt_bool(c, n, path, "swap", &m->swap);
    return rc;
}

/* A memory size in [1 MiB, 1 EiB]. */
int cfg_node_range_bytes(const struct cfg_ctx *c, const struct vs_ynode *n, const char *keypath, double *out)
{
    int rc = cfg_node_quantity(c, n, keypath, VS_UNIT_BYTES, out);
    if (rc != VS_OK) return rc;
    if (*out < MIN_MEMORY_BYTES || *out > MAX_MEMORY_BYTES)
        return cfg_fail_at(c, n, "%s: '%.60s' is out of range; expected a size from 1MiB to 1EiB", keypath, n->text);
    return VS_OK;
}

int cfg_parse_resources(const struct cfg_ctx *c, const struct vs_ynode *guest, const char *guest_path,
                        struct vs_guest_spec *g)
{
    const struct vs_ynode *n = vs_ynode_get(guest, "resources");
    if (!n) return VS_OK;
    char path[KEYPATH_LEN];
    cfg_join(path, sizeof path, guest_path, "resources");
    int rc = cfg_expect_mapping(c, n, path, "a mapping with cpu:, memory:, disk: or net:, such as "
                                            "{cpu: {weight: 512}, memory: {limit: 2GiB, balloon: on}}");
    if (rc != VS_OK) return rc;
    static const char *const keys[] = {"cpu", "memory", "disk", "net"};
    rc = cfg_check_keys(c, n, path, keys, N_OF(keys));
    if (rc != VS_OK) return rc;
    char kp[KEYPATH_LEN];
    const struct vs_ynode *sub;
    if ((sub = vs_ynode_get(n, "cpu"))) {
        cfg_join(kp, sizeof kp, path, "cpu");
        rc = parse_cpu(c, guest, sub, kp, g);
    }
    if (rc == VS_OK && (sub = vs_ynode_get(n, "memory"))) {
        cfg_join(kp, sizeof kp, path, "memory");
        rc = parse_memory(c, sub, kp, &g->resources.memory);
        /* A VM's limit is its memory: one figure, said once. */
        double lim = g->resources.memory.limit_bytes;
        if (rc == VS_OK && lim > 0 && g->memory_bytes > 0 && lim != g->memory_bytes)
            rc = cfg_fail_at(c, vs_ynode_get(guest, "memory"),
                             "%s.memory: differs from %s.limit; give the guest's memory once (the limit "
                             "is a VM's boot-time memory and a container's memory.max)", guest_path, kp);
    }
    if (rc == VS_OK && (sub = vs_ynode_get(n, "disk"))) {
        cfg_join(kp, sizeof kp, path, "disk");
        rc = parse_disk(c, sub, kp, &g->resources.disk);
    }
    if (rc == VS_OK && (sub = vs_ynode_get(n, "net"))) {
        cfg_join(kp, sizeof kp, path, "net");
        rc = parse_net(c, sub, kp, &g->resources.net);
    }
    return rc;
}
