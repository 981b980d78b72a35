/* OS-level virtualization: one shared kernel, many isolated instances
 * (containers, virtual environments, jails, zones). Isolation comes from
 * namespaces, resource control from cgroups or OpenVZ's user beancounters.
 * Code runs natively, kernel included; the kernel does a little extra work
 * where it accounts resources per instance (system calls, page charges) and
 * where packets cross a virtual network device (veth pair + bridge, or
 * OpenVZ's routed venet) instead of going straight to the host's stack.
 * There is no guest kernel and no private page cache: an instance's memory
 * is its application's plus a few kernel objects, which is why density is
 * far higher than any VM's. Pricing: docs/cost-rules.md. */
#include "virtsim/model/engine.h"

#include <stdlib.h>

struct oslevel {
    struct vs_host_spec host;
    enum vs_io_path io;
    double accounting;   /* multiples of the per-syscall accounting cost */
};

static int osl_create(const struct vs_host_spec *host, const struct vs_preset *preset, void **state,
                      struct vs_error *err)
{
    struct oslevel *o = malloc(sizeof *o);
    if (!o) return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    o->host = *host;
    o->io = preset->io;
    /* Beancounters check and charge a limit on most kernel resources in
     * the call path, on top of the namespace lookups everyone pays. */
    o->accounting = preset->beancounters ? 2.0 : 1.0;
    *state = o;
    return VS_OK;
}

static void osl_destroy(void *state) { free(state); }

/* The host's side of a container's packet: a veth pair and the bridge, or
 * venet's route through the host's stack. */
static void host_net(const struct oslevel *o, double n, struct vs_work *w)
{
    const struct vs_costs *c = &o->host.costs;
    if (o->io == VS_IO_VETH)
        vs_engine_step(w, VS_CAT_HOST_KERNEL, n, c, VS_COST_VETH_PACKET_CYCLES,
                       "veth pair and bridge between the container and the host");
    else if (o->io == VS_IO_VENET)
        vs_engine_step(w, VS_CAT_HOST_KERNEL, n, c, VS_COST_VENET_PACKET_CYCLES, "venet: routed through the host's stack");
}

static void osl_cost(const void *state, const struct vs_workload *wl, enum vs_op_kind op, double n,
                     double bytes, struct vs_work *w)
{
    const struct oslevel *o = state;
    const struct vs_costs *c = &o->host.costs;
    /* A received packet crosses the host's side first (the bridge or the
     * route to the container's interface), then the container's stack. */
    if (op == VS_OP_NET_RX) host_net(o, n, w);
    /* The shared kernel does the native work; the container's accounting
     * (cgroups, namespaces; beancounters for OpenVZ) adds to it. */
    vs_engine_native_cost(&o->host, wl, op, n, bytes, w);
    switch (op) {
    case VS_OP_SYSCALL:
        vs_work_step(w, VS_CAT_HOST_KERNEL, n * o->accounting * vs_cost(c, VS_COST_OSL_SYSCALL_EXTRA_CYCLES),
                     o->accounting > 1 ? "namespace lookups, cgroup and beancounter accounting"
                                       : "namespace lookups and cgroup accounting",
                     vs_cost_info(VS_COST_OSL_SYSCALL_EXTRA_CYCLES)->key);
        return;
    case VS_OP_PAGE_FAULT:
    case VS_OP_COW_FAULT:
    case VS_OP_FILE_FAULT:
        /* A new page (zero-fill, or the copy of a copy-on-write fault) is
         * charged to the container's memory cgroup; a page-cache page was
         * charged when it was read in. */
        if (op != VS_OP_FILE_FAULT)
            vs_engine_step(w, VS_CAT_HOST_KERNEL, n, c, VS_COST_OSL_FAULT_EXTRA_CYCLES,
                           "the new page charged to the container's memory cgroup");
        return;
    case VS_OP_NET_TX:
        host_net(o, n, w);
        return;
    default:
        /* Everything else is exactly what the host kernel does natively. */
        return;
    }
}

static void osl_memory(const void *state, const struct vs_guest_spec *g, struct vs_mem_parts *out)
{
    const struct oslevel *o = state;
    *out = (struct vs_mem_parts){0};
    out->bytes[VS_MEM_APPLICATION] = g->workload.memory.footprint_bytes;
    out->bytes[VS_MEM_OVERHEAD] = vs_cost(&o->host.costs, VS_COST_CONTAINER_OVERHEAD_BYTES);
}

static vs_time_ns osl_start_time(const void *state, const struct vs_guest_spec *g)
{
    (void)g;
    return (vs_time_ns)vs_cost(&((const struct oslevel *)state)->host.costs,
                               VS_COST_CONTAINER_START_NS);
}

/* CRIU's pre-dumps (and OpenVZ's own checkpointing) track a container's
 * writes with soft-dirty bits: the first write to a page after they are
 * cleared takes a minor fault (Documentation/admin-guide/mm/soft-dirty.rst). */
static double osl_dirty_page_cycles(const void *state)
{
    return vs_engine_fault_cycles(&((const struct oslevel *)state)->host.costs, VS_OP_FILE_FAULT);
}

static const struct vs_preset osl_presets[] = {
    {.name = "oslevel", .system = "a generic Linux container",
     .summary = "namespaces + cgroups, veth pair and bridge", .io = VS_IO_VETH},
    {.name = "lxc", .system = "LXC",
     .summary = "namespaces + cgroups, veth pair and bridge", .io = VS_IO_VETH},
    {.name = "openvz", .system = "OpenVZ",
     .summary = "user beancounters (extra accounting per call), routed venet device",
     .io = VS_IO_VENET, .beancounters = true},
    {.name = "virtuozzo", .system = "Virtuozzo (commercial OpenVZ)",
     .summary = "same mechanism as openvz in this model: beancounters, venet",
     .io = VS_IO_VENET, .beancounters = true},
    {.name = "vserver", .system = "Linux-VServer",
     .summary = "shares the host's network stack (IP isolation, no virtual device)",
     .io = VS_IO_HOSTNET},
    {.name = "jail", .system = "FreeBSD jails",
     .summary = "shares the host's network stack (no vnet), light accounting", .io = VS_IO_HOSTNET},
    {.name = "zones", .system = "Solaris zones (shared-IP)",
     .summary = "shares the global zone's network stack, light accounting", .io = VS_IO_HOSTNET},
};

const struct vs_engine_ops vs_engine_oslevel = {
    .name = "oslevel",
    .approach = "oslevel",
    .summary = "one shared kernel; isolated instances with namespaces and resource control",
    .presets = osl_presets,
    .n_presets = sizeof osl_presets / sizeof osl_presets[0],
    .create = osl_create,
    .destroy = osl_destroy,
    .cost = osl_cost,
    .memory = osl_memory,
    .start_time = osl_start_time,
    .dirty_page_cycles = osl_dirty_page_cycles,
    .shares_host_kernel = true,
};
