/* Cost constants of a host profile ("costs:" in host YAML): what each basic
 * operation costs the hardware, in cycles or nanoseconds. Engines read them
 * here; none are written in C code. Every default cites its source in
 * docs/cost-model.md. Adding a constant: the enum here and one row of the
 * table in sim/costs.c. */
#ifndef VIRTSIM_COSTS_H
#define VIRTSIM_COSTS_H

#include <stddef.h>
#include "virtsim/units.h"

enum vs_cost_id {
    VS_COST_SYSCALL_CYCLES,        /* native system call entry + exit */
    VS_COST_PAGE_FAULT_CYCLES,     /* native minor page fault */
    VS_COST_TLB_WALK_REFS,         /* memory references per native page walk (4 levels) */
    VS_COST_WALK_REF_CYCLES,       /* mean cycles per page-walk reference (mostly cache hits) */
    VS_COST_CONTEXT_SWITCH_CYCLES, /* process/thread context switch, also the host scheduler's */
    VS_COST_DISK_REQUEST_CYCLES,   /* block layer + driver + interrupt per disk request */
    VS_COST_NET_PACKET_CYCLES,     /* network stack + driver + interrupt per packet */
    VS_COST_COPY_CYCLES_PER_KIB,   /* copying 1 KiB between buffers */
    VS_COST_COUNT
};

struct vs_cost_info {
    const char *key;          /* YAML key under costs:, e.g. "syscall" */
    enum vs_unit_kind unit;   /* how the YAML value is parsed */
    double default_value;     /* used when a profile omits the key */
    const char *description;
};

struct vs_costs {
    double value[VS_COST_COUNT];
};

const struct vs_cost_info *vs_cost_info(enum vs_cost_id id);
/* Returns the id, or -1 for an unknown key. */
int vs_cost_find(const char *key);
void vs_costs_set_defaults(struct vs_costs *c);

static inline double vs_cost(const struct vs_costs *c, enum vs_cost_id id)
{
    return c->value[id];
}

#endif
