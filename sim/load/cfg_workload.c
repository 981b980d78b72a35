/* Workloads from YAML: load, request and memory mappings (docs/yaml-reference.md). */
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

/* ---- workloads ---- */

static const char *const load_kind_names[] = {"open", "closed", "batch"};
static const char *const arrival_names[] = {"poisson", "uniform"};
static const char *const load_keys[] = {"kind",    "rate",       "arrivals",
                                        "clients", "think_time", "total"};

/* Keys each kind takes (besides kind) and the one it requires. */
static const char *const load_kind_keys[][3] = {
    [VS_LOAD_OPEN] = {"rate", "arrivals", NULL},
    [VS_LOAD_CLOSED] = {"clients", "think_time", NULL},
    [VS_LOAD_BATCH] = {"total", "clients", NULL},
};
static const char *const load_required[] = {
    [VS_LOAD_OPEN] = "rate", [VS_LOAD_CLOSED] = "clients", [VS_LOAD_BATCH] = "total"};

/* Parses a load mapping. With a base (a scenario's override of a workload's
 * load), keys not given keep the base's values, unless kind changes, in
 * which case the new kind starts from its defaults and needs its keys. */
int cfg_parse_load(const struct cfg_ctx *c, const struct vs_ynode *n, const char *path,
                      const struct vs_load_spec *base, struct vs_load_spec *out)
{
    int rc = cfg_expect_mapping(c, n, path, "a mapping such as {kind: open, rate: 2000/s}");
    if (rc != VS_OK) return rc;
    rc = cfg_check_keys(c, n, path, load_keys, N_OF(load_keys));
    if (rc != VS_OK) return rc;
    int kind;
    const struct vs_ynode *kn = vs_ynode_get(n, "kind");
    if (kn) {
        char kp[KEYPATH_LEN];
        cfg_join(kp, sizeof kp, path, "kind");
        rc = cfg_node_choice(c, kn, kp, load_kind_names, N_OF(load_kind_names), &kind);
        if (rc != VS_OK) return rc;
    } else if (base) {
        kind = (int)base->kind;
    } else {
        return cfg_fail_at(c, n, "%s: missing required key 'kind'; expected open, closed or batch",
                       path);
    }
    bool from_base = base && (int)base->kind == kind;
    struct vs_load_spec l;
    if (from_base) {
        l = *base;
    } else {
        l = (struct vs_load_spec){.kind = (enum vs_load_kind)kind,
                                  .arrivals = VS_DIST_EXPONENTIAL,
                                  .think_ns = {VS_DIST_CONSTANT, 0, 0}};
    }
    const char *const *keys = load_kind_keys[kind];
    for (size_t i = 0; i < n->count; i++) {
        const struct vs_ynode *k = n->pairs[i].key;
        if (strcmp(k->text, "kind") == 0 || cfg_in_list(k->text, keys, 2)) continue;
        return cfg_fail_at(c, k, "%s.%s: not used by kind %s; kind %s takes %s and %s", path, k->text,
                       load_kind_names[kind], load_kind_names[kind], keys[0], keys[1]);
    }
    if (!from_base && !vs_ynode_get(n, load_required[kind]))
        return cfg_fail_at(c, n, "%s: missing required key '%s' for kind %s", path, load_required[kind],
                       load_kind_names[kind]);
    switch ((enum vs_load_kind)kind) {
    case VS_LOAD_OPEN: {
        /* 0 is allowed: a guest idle until the timeline sets its rate. */
        rc = cfg_opt_bounded(c, n, path, "rate", VS_UNIT_RATE, MAX_RATE_PER_S, &l.rate_per_s);
        int arr = l.arrivals == VS_DIST_CONSTANT ? 1 : 0;
        if (rc == VS_OK) rc = cfg_opt_choice(c, n, path, "arrivals", arrival_names, 2, &arr);
        l.arrivals = arr == 1 ? VS_DIST_CONSTANT : VS_DIST_EXPONENTIAL;
        break;
    }
    case VS_LOAD_CLOSED: {
        rc = cfg_opt_u32(c, n, path, "clients", 1, MAX_CLIENTS, &l.clients);
        const struct vs_ynode *tn = vs_ynode_get(n, "think_time");
        if (rc == VS_OK && tn) {
            char kp[KEYPATH_LEN];
            cfg_join(kp, sizeof kp, path, "think_time");
            rc = cfg_node_dist(c, tn, kp, VS_UNIT_TIME, MAX_DIST_TIME_NS, VS_DIST_EXPONENTIAL,
                           &l.think_ns);
        }
        break;
    }
    case VS_LOAD_BATCH: {
        const struct vs_ynode *tn = vs_ynode_get(n, "total");
        if (tn) {
            char kp[KEYPATH_LEN];
            cfg_join(kp, sizeof kp, path, "total");
            rc = cfg_node_uint(c, tn, kp, 1, MAX_BATCH_TOTAL, &l.total);
        }
        if (rc == VS_OK) rc = cfg_opt_u32(c, n, path, "clients", 0, MAX_CLIENTS, &l.clients);
        break;
    }
    }
    if (rc != VS_OK) return rc;
    *out = l;
    return VS_OK;
}

int cfg_parse_request(const struct cfg_ctx *c, const struct vs_ynode *n, const char *path,
                         struct vs_request_spec *r)
{
    int rc = cfg_expect_mapping(c, n, path, "a mapping with instructions and other counts per request");
    if (rc != VS_OK) return rc;
    static const char *const keys[] = {
        "instructions",     "cpi",         "mem_refs_per_instruction",
        "syscalls",         "page_faults", "tlb_misses",
        "context_switches", "kernel_instructions", "irq_flag_changes",
        "cr3_loads",        "port_io",     "exiting_instructions",
        "pt_updates",       "forks",       "ipis",
        "cow_faults",       "file_faults", "forks_without_exec",
        "execs",            "disk",             "net",
        "llc_refs_per_instruction"};
    /* One count used to stand for every privileged instruction; the kinds
     * cost differently under every mechanism, so a workload must say which. */
    const struct vs_ynode *old = cfg_key_node(n, "privileged");
    if (old)
        return cfg_fail_at(c, old,
                           "%s.privileged: was split by kind, each priced by its own mechanism; "
                           "count irq_flag_changes (cli/sti/popf), cr3_loads (address-space "
                           "switches), port_io (device registers outside the disk and net drivers) "
                           "and exiting_instructions (cpuid, rdmsr/wrmsr, hlt) instead "
                           "(docs/yaml-reference.md)",
                           path);
    rc = cfg_check_keys(c, n, path, keys, N_OF(keys));
    if (rc != VS_OK) return rc;
    rc = cfg_require_key(c, n, path, "instructions", "user-mode instructions per request, e.g. 150k");
    if (rc != VS_OK) return rc;
    char kp[KEYPATH_LEN];
    cfg_join(kp, sizeof kp, path, "instructions");
    rc = cfg_node_dist(c, vs_ynode_get(n, "instructions"), kp, VS_UNIT_COUNT, MAX_INSTRUCTIONS,
                   VS_DIST_CONSTANT, &r->instructions);
    if (rc == VS_OK) rc = cfg_opt_positive(c, n, path, "cpi", VS_UNIT_COUNT, 1000, &r->cpi);
    if (rc == VS_OK)
        rc = cfg_opt_bounded(c, n, path, "mem_refs_per_instruction", VS_UNIT_COUNT, 100,
                         &r->mem_refs_per_instruction);
    /* Performance isolation: the references that miss the core's private
     * caches and reach the last-level cache, shared with the neighbours
     * (host/contention.h). At most every memory reference. */
    if (rc == VS_OK)
        rc = cfg_opt_bounded(c, n, path, "llc_refs_per_instruction", VS_UNIT_COUNT, 100,
                             &r->llc_refs_per_instruction);
    if (rc == VS_OK)
        rc = cfg_opt_bounded(c, n, path, "syscalls", VS_UNIT_COUNT, MAX_OPS_PER_REQUEST,
                         &r->count[VS_OP_SYSCALL]);
    if (rc == VS_OK)
        rc = cfg_opt_bounded(c, n, path, "page_faults", VS_UNIT_COUNT, MAX_OPS_PER_REQUEST,
                         &r->count[VS_OP_PAGE_FAULT]);
    if (rc == VS_OK)
        rc = cfg_opt_bounded(c, n, path, "tlb_misses", VS_UNIT_COUNT, MAX_OPS_PER_REQUEST,
                         &r->count[VS_OP_TLB_MISS]);
    if (rc == VS_OK)
        rc = cfg_opt_bounded(c, n, path, "context_switches", VS_UNIT_COUNT, MAX_OPS_PER_REQUEST,
                         &r->count[VS_OP_CONTEXT_SWITCH]);
    if (rc == VS_OK)
        rc = cfg_opt_bounded(c, n, path, "kernel_instructions", VS_UNIT_COUNT, MAX_INSTRUCTIONS,
                         &r->count[VS_OP_KERNEL_INSTRUCTION]);
    /* The four kinds of privileged instruction (their YAML keys are the
     * operations' names). */
    static const enum vs_op_kind privileged_kinds[] = {VS_OP_IRQ_FLAG, VS_OP_CR3_LOAD, VS_OP_PORT_IO,
                                                       VS_OP_EXITING_INSN};
    for (size_t k = 0; k < N_OF(privileged_kinds) && rc == VS_OK; k++)
        rc = cfg_opt_bounded(c, n, path, vs_op_name(privileged_kinds[k]), VS_UNIT_COUNT,
                             MAX_OPS_PER_REQUEST, &r->count[privileged_kinds[k]]);
    if (rc == VS_OK)
        rc = cfg_opt_bounded(c, n, path, "pt_updates", VS_UNIT_COUNT, MAX_OPS_PER_REQUEST,
                         &r->count[VS_OP_PT_UPDATE]);
    if (rc == VS_OK)
        rc = cfg_opt_bounded(c, n, path, "cow_faults", VS_UNIT_COUNT, MAX_OPS_PER_REQUEST,
                         &r->count[VS_OP_COW_FAULT]);
    if (rc == VS_OK)
        rc = cfg_opt_bounded(c, n, path, "file_faults", VS_UNIT_COUNT, MAX_OPS_PER_REQUEST,
                         &r->count[VS_OP_FILE_FAULT]);
    if (rc == VS_OK)
        rc = cfg_opt_bounded(c, n, path, "forks", VS_UNIT_COUNT, MAX_IOS_PER_REQUEST,
                         &r->count[VS_OP_PROCESS_CREATE]);
    if (rc == VS_OK)
        rc = cfg_opt_bounded(c, n, path, "forks_without_exec", VS_UNIT_COUNT, MAX_IOS_PER_REQUEST,
                         &r->count[VS_OP_FORK]);
    if (rc == VS_OK)
        rc = cfg_opt_bounded(c, n, path, "execs", VS_UNIT_COUNT, MAX_IOS_PER_REQUEST,
                         &r->count[VS_OP_EXEC]);
    if (rc == VS_OK)
        rc = cfg_opt_bounded(c, n, path, "ipis", VS_UNIT_COUNT, MAX_OPS_PER_REQUEST,
                         &r->count[VS_OP_IPI]);
    if (rc != VS_OK) return rc;

    const struct vs_ynode *d = vs_ynode_get(n, "disk");
    if (d) {
        cfg_join(kp, sizeof kp, path, "disk");
        rc = cfg_expect_mapping(c, d, kp, "a mapping such as {reads: 1, read_size: 16KiB}");
        if (rc != VS_OK) return rc;
        static const char *const dkeys[] = {"reads", "read_size", "writes", "write_size", "sync"};
        rc = cfg_check_keys(c, d, kp, dkeys, N_OF(dkeys));
        if (rc == VS_OK)
            rc = cfg_opt_bounded(c, d, kp, "reads", VS_UNIT_COUNT, MAX_IOS_PER_REQUEST,
                             &r->count[VS_OP_DISK_READ]);
        if (rc == VS_OK)
            rc = cfg_opt_bounded(c, d, kp, "read_size", VS_UNIT_BYTES, MAX_IO_BYTES,
                             &r->disk_read_bytes);
        if (rc == VS_OK)
            rc = cfg_opt_bounded(c, d, kp, "writes", VS_UNIT_COUNT, MAX_IOS_PER_REQUEST,
                             &r->count[VS_OP_DISK_WRITE]);
        if (rc == VS_OK)
            rc = cfg_opt_bounded(c, d, kp, "write_size", VS_UNIT_BYTES, MAX_IO_BYTES,
                             &r->disk_write_bytes);
        if (rc == VS_OK) rc = cfg_opt_bool(c, d, kp, "sync", &r->disk_sync);
        if (rc != VS_OK) return rc;
    }
    const struct vs_ynode *net = vs_ynode_get(n, "net");
    if (net) {
        cfg_join(kp, sizeof kp, path, "net");
        rc = cfg_expect_mapping(c, net, kp, "a mapping such as {rx_packets: 2, rx_bytes: 1KiB}");
        if (rc != VS_OK) return rc;
        static const char *const nkeys[] = {"rx_packets", "rx_bytes", "tx_packets", "tx_bytes"};
        rc = cfg_check_keys(c, net, kp, nkeys, N_OF(nkeys));
        if (rc == VS_OK)
            rc = cfg_opt_bounded(c, net, kp, "rx_packets", VS_UNIT_COUNT, MAX_IOS_PER_REQUEST,
                             &r->count[VS_OP_NET_RX]);
        if (rc == VS_OK)
            rc = cfg_opt_bounded(c, net, kp, "rx_bytes", VS_UNIT_BYTES, MAX_IO_BYTES, &r->net_rx_bytes);
        if (rc == VS_OK)
            rc = cfg_opt_bounded(c, net, kp, "tx_packets", VS_UNIT_COUNT, MAX_IOS_PER_REQUEST,
                             &r->count[VS_OP_NET_TX]);
        if (rc == VS_OK)
            rc = cfg_opt_bounded(c, net, kp, "tx_bytes", VS_UNIT_BYTES, MAX_IO_BYTES, &r->net_tx_bytes);
        if (rc != VS_OK) return rc;
        /* Bytes are split over packets: bytes with no packet would vanish. */
        if (r->net_rx_bytes > 0 && r->count[VS_OP_NET_RX] == 0)
            return cfg_fail_at(c, vs_ynode_get(net, "rx_bytes"),
                           "%s.rx_bytes: bytes are received but rx_packets is 0; give rx_packets "
                           "(the bytes are split over them)",
                           kp);
        if (r->net_tx_bytes > 0 && r->count[VS_OP_NET_TX] == 0)
            return cfg_fail_at(c, vs_ynode_get(net, "tx_bytes"),
                           "%s.tx_bytes: bytes are sent but tx_packets is 0; give tx_packets "
                           "(the bytes are split over them)",
                           kp);
    }
    return VS_OK;
}

int cfg_parse_memory_spec(const struct cfg_ctx *c, const struct vs_ynode *n, const char *path,
                             struct vs_memory_spec *m)
{
    int rc =
        cfg_expect_mapping(c, n, path, "a mapping such as {footprint: 256MiB, working_set: 64MiB}");
    if (rc != VS_OK) return rc;
    static const char *const keys[] = {"footprint", "working_set", "dirty_rate", "code", "large_pages",
                                       "file_set"};
    rc = cfg_check_keys(c, n, path, keys, N_OF(keys));
    if (rc == VS_OK) rc = cfg_require_key(c, n, path, "footprint", "resident memory, e.g. 256MiB");
    if (rc == VS_OK)
        rc = cfg_opt_range(c, n, path, "footprint", VS_UNIT_BYTES, 1, MAX_MEMORY_BYTES, "1B", "1EiB", &m->footprint_bytes);
    m->working_set_bytes = m->footprint_bytes;
    if (rc == VS_OK)
        rc = cfg_opt_range(c, n, path, "working_set", VS_UNIT_BYTES, 0, MAX_MEMORY_BYTES, "0", "1EiB", &m->working_set_bytes);
    if (rc == VS_OK)
        rc = cfg_opt_range(c, n, path, "dirty_rate", VS_UNIT_BYTERATE, 0, MAX_BYTERATE, "0", "1TB/s",
                           &m->dirty_rate_bytes_per_s);
    if (rc == VS_OK) rc = cfg_opt_range(c, n, path, "code", VS_UNIT_BYTES, 0, MAX_MEMORY_BYTES, "0", "1EiB", &m->code_bytes);
    if (rc == VS_OK) rc = cfg_opt_bool(c, n, path, "large_pages", &m->large_pages);
    if (rc == VS_OK) rc = cfg_opt_range(c, n, path, "file_set", VS_UNIT_BYTES, 0, MAX_MEMORY_BYTES, "0", "1EiB", &m->file_set_bytes);
    if (rc != VS_OK) return rc;
    if (m->working_set_bytes > m->footprint_bytes) {
        char a[32], b[32];
        return cfg_fail_at(c, vs_ynode_get(n, "working_set"),
                       "%s%sworking_set: %s is larger than the footprint (%s); the working set is "
                       "the part of the footprint touched often",
                       path, path[0] ? "." : "",
                       vs_units_format_bytes(m->working_set_bytes, a, sizeof a),
                       vs_units_format_bytes(m->footprint_bytes, b, sizeof b));
    }
    return VS_OK;
}

void cfg_workload_defaults(struct vs_workload *w)
{
    memset(w, 0, sizeof *w);
    w->load.arrivals = VS_DIST_EXPONENTIAL;
    w->request.cpi = 1.0;
    w->request.mem_refs_per_instruction = 0.3;
    w->request.disk_read_bytes = 4096;
    w->request.disk_write_bytes = 4096;
}

/* path: "" for a workload file, "guests[0].workload" when inline; an inline
 * workload may leave out its name (default_name is used). */
int cfg_parse_workload(const struct cfg_ctx *c, const struct vs_ynode *n, const char *path,
                          const char *default_name, struct vs_workload *out)
{
    struct vs_workload w;
    cfg_workload_defaults(&w);
    static const char *const keys[] = {"name", "description", "load", "request", "memory"};
    char where[KEYPATH_LEN + 8];
    snprintf(where, sizeof where, "%s", path[0] ? path : "a workload");
    int rc = cfg_check_keys(c, n, where, keys, N_OF(keys));
    if (rc != VS_OK) return rc;
    if (!default_name) rc = cfg_require_key(c, n, path, "name", "the workload's name");
    if (rc == VS_OK)
        rc = cfg_require_key(c, n, path, "load", "how requests arrive, e.g. {kind: open, rate: 100/s}");
    if (rc == VS_OK) rc = cfg_require_key(c, n, path, "request", "what one request does");
    if (rc == VS_OK) rc = cfg_require_key(c, n, path, "memory", "e.g. {footprint: 256MiB}");
    if (rc != VS_OK) return rc;
    if (default_name) snprintf(w.name, sizeof w.name, "%s", default_name);
    rc = cfg_opt_name(c, n, path, "name", w.name, sizeof w.name);
    if (rc == VS_OK) rc = cfg_opt_text(c, n, path, "description", w.description, sizeof w.description);
    char kp[KEYPATH_LEN];
    if (rc == VS_OK) {
        cfg_join(kp, sizeof kp, path, "load");
        rc = cfg_parse_load(c, vs_ynode_get(n, "load"), kp, NULL, &w.load);
    }
    if (rc == VS_OK) {
        cfg_join(kp, sizeof kp, path, "request");
        rc = cfg_parse_request(c, vs_ynode_get(n, "request"), kp, &w.request);
    }
    if (rc == VS_OK) {
        cfg_join(kp, sizeof kp, path, "memory");
        rc = cfg_parse_memory_spec(c, vs_ynode_get(n, "memory"), kp, &w.memory);
    }
    if (rc != VS_OK) return rc;
    *out = w;
    return VS_OK;
}
