/* The memory budget (see budget.h): one atomic counter per run, one
 * account per simulation that remembers what was refused. */
#include "virtsim/core/budget.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "virtsim/core/units.h"

void vs_budget_init(struct vs_budget *b, uint64_t limit_bytes)
{
    b->limit_bytes = limit_bytes;
    atomic_init(&b->used_bytes, 0);
    atomic_init(&b->peak_bytes, 0);
}

/* The control group's memory limit (cgroup v2, then v1), or 0 when there is
 * none or it cannot be read: a container's limit is the memory it really has. */
static uint64_t cgroup_limit_bytes(void)
{
    static const char *const files[] = {"/sys/fs/cgroup/memory.max",
                                        "/sys/fs/cgroup/memory/memory.limit_in_bytes"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        FILE *f = fopen(files[i], "r");
        if (!f) continue;
        unsigned long long v = 0;
        int n = fscanf(f, "%llu", &v);
        fclose(f);
        /* "max", or v1's "no limit" (a page-rounded LLONG_MAX), means none. */
        if (n == 1 && v > 0 && v < (UINT64_C(1) << 60)) return v;
    }
    return 0;
}

uint64_t vs_budget_default_bytes(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    uint64_t phys = pages > 0 && page > 0 ? (uint64_t)pages * (uint64_t)page : 0;
    uint64_t cg = cgroup_limit_bytes();
    if (cg && (phys == 0 || cg < phys)) phys = cg;
    uint64_t b = phys / VS_BUDGET_DEFAULT_FRACTION;
    return b > VS_BUDGET_DEFAULT_MIN_BYTES ? b : VS_BUDGET_DEFAULT_MIN_BYTES;
}

uint64_t vs_budget_used(const struct vs_budget *b)
{
    return atomic_load(&((struct vs_budget *)b)->used_bytes);
}

uint64_t vs_budget_peak(const struct vs_budget *b)
{
    return atomic_load(&((struct vs_budget *)b)->peak_bytes);
}

void vs_mem_account_init(struct vs_mem_account *a, struct vs_budget *b)
{
    memset(a, 0, sizeof *a);
    a->budget = b;
}

static void refuse(struct vs_mem_account *a, uint64_t bytes, const char *what, uint64_t held_bytes)
{
    if (a->refused) return;
    a->refused = true;
    snprintf(a->refused_what, sizeof a->refused_what, "%s", what ? what : "a queue");
    a->refused_held_bytes = held_bytes;
    a->refused_wanted_bytes = bytes;
}

bool vs_mem_take(struct vs_mem_account *a, uint64_t bytes, const char *what, uint64_t held_bytes)
{
    if (!a) return true;
    struct vs_budget *b = a->budget;
    if (b) {
        uint64_t used = atomic_load(&b->used_bytes);
        for (;;) {
            if (b->limit_bytes && (bytes > b->limit_bytes || used > b->limit_bytes - bytes)) {
                refuse(a, bytes, what, held_bytes);
                return false;
            }
            if (atomic_compare_exchange_weak(&b->used_bytes, &used, used + bytes)) break;
        }
        uint64_t now = used + bytes, peak = atomic_load(&b->peak_bytes);
        while (now > peak && !atomic_compare_exchange_weak(&b->peak_bytes, &peak, now)) {
        }
    }
    a->held_bytes += bytes;
    return true;
}

void vs_mem_give(struct vs_mem_account *a, uint64_t bytes)
{
    if (!a) return;
    if (bytes > a->held_bytes) bytes = a->held_bytes;
    a->held_bytes -= bytes;
    if (a->budget) atomic_fetch_sub(&a->budget->used_bytes, bytes);
}

void vs_mem_account_close(struct vs_mem_account *a)
{
    if (a) vs_mem_give(a, a->held_bytes);
}

int vs_mem_refusal_error(const struct vs_mem_account *a, struct vs_error *err)
{
    char held[32], wanted[32], limit[32], used[32];
    uint64_t lim = a->budget ? a->budget->limit_bytes : 0;
    vs_units_format_bytes((double)a->refused_held_bytes, held, sizeof held);
    vs_units_format_bytes((double)a->refused_wanted_bytes, wanted, sizeof wanted);
    vs_units_format_bytes((double)lim, limit, sizeof limit);
    vs_units_format_bytes((double)(a->budget ? vs_budget_used(a->budget) : a->held_bytes), used, sizeof used);
    return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0,
                        "memory budget exceeded: %s (%s) needed %s more, and the run held %s of its %s "
                        "budget: raise it with --memory-budget SIZE, or lower the load that fills that queue",
                        a->refused_what, held, wanted, used, limit);
}
