/* The table of cost constants (see costs.h): YAML key, unit, default and
 * meaning of each. The defaults describe a current (2020s) x86 server core at
 * about 3 GHz; docs/cost-model.md gives the source or reasoning behind every
 * one, so change both together. */
#include "virtsim/costs.h"

#include <string.h>

static const struct vs_cost_info table[VS_COST_COUNT] = {
    [VS_COST_SYSCALL_CYCLES] = {"syscall", VS_UNIT_CYCLES, 300,
                                "native system call entry and exit (a null call, ~100 ns)"},
    [VS_COST_PAGE_FAULT_CYCLES] = {"page_fault", VS_UNIT_CYCLES, 3000,
                                   "native minor page fault, including zeroing the page (~1 us)"},
    [VS_COST_TLB_WALK_REFS] = {"tlb_walk_refs", VS_UNIT_COUNT, 4,
                               "memory references of one native page walk (4-level tables)"},
    [VS_COST_WALK_REF_CYCLES] = {"walk_ref", VS_UNIT_CYCLES, 8,
                                 "mean cycles per page-walk reference (mostly L1/L2 hits)"},
    [VS_COST_CONTEXT_SWITCH_CYCLES] = {"context_switch", VS_UNIT_CYCLES, 3000,
                                       "switch between threads or processes (~1 us)"},
    [VS_COST_DISK_REQUEST_CYCLES] = {"disk_request", VS_UNIT_CYCLES, 6000,
                                     "block layer, driver and completion interrupt per disk "
                                     "request (~2 us)"},
    [VS_COST_NET_PACKET_CYCLES] = {"net_packet", VS_UNIT_CYCLES, 3000,
                                   "network stack, driver and interrupt per packet (~1 us)"},
    [VS_COST_COPY_CYCLES_PER_KIB] = {"copy_per_kib", VS_UNIT_CYCLES, 200,
                                     "copying 1 KiB between kernel and user buffers (~15 GB/s)"},
};

const struct vs_cost_info *vs_cost_info(enum vs_cost_id id)
{
    if ((unsigned)id >= VS_COST_COUNT) return NULL;
    return &table[id];
}

int vs_cost_find(const char *key)
{
    if (!key) return -1;
    for (int i = 0; i < VS_COST_COUNT; i++)
        if (strcmp(table[i].key, key) == 0) return i;
    return -1;
}

void vs_costs_set_defaults(struct vs_costs *c)
{
    for (int i = 0; i < VS_COST_COUNT; i++) c->value[i] = table[i].default_value;
}
