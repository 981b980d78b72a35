/* A guest group's resource settings (`resources:` of a guest group): what
 * the host's resource management does for each of its instances. One
 * sub-mapping per resource; only `memory:` exists so far, and `cpu:`,
 * `disk:`, `net:` are meant to sit beside it (each its own struct here and
 * its own parser in sim/load/cfg_resources.c). */
#ifndef VIRTSIM_RESOURCES_H
#define VIRTSIM_RESOURCES_H

#include <stdbool.h>

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

struct vs_resources {
    struct vs_memory_resources memory;
};

#endif
