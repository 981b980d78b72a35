/* The run's control (see control.h): atomic counters and a stop flag. */
#include "virtsim/core/control.h"

void vs_control_init(struct vs_control *c, uint64_t budget_bytes)
{
    vs_budget_init(&c->budget, budget_bytes);
    atomic_init(&c->stop, false);
    atomic_init(&c->events, 0);
    atomic_init(&c->done_ns, 0);
    atomic_init(&c->started_ns, 0);
    atomic_init(&c->runs_started, 0);
    atomic_init(&c->runs_planned, 0);
}

void vs_control_request_stop(struct vs_control *c)
{
    atomic_store(&c->stop, true);
}

bool vs_control_stopped(const struct vs_control *c)
{
    return c && atomic_load(&((struct vs_control *)c)->stop);
}

void vs_control_plan(struct vs_control *c, uint32_t runs)
{
    if (c) atomic_fetch_add(&c->runs_planned, runs);
}

void vs_control_progress(const struct vs_control *c, struct vs_progress *out)
{
    struct vs_control *m = (struct vs_control *)c;
    out->events = atomic_load(&m->events);
    out->done_ns = atomic_load(&m->done_ns);
    int64_t started_ns = atomic_load(&m->started_ns);
    out->runs_started = atomic_load(&m->runs_started);
    out->runs_planned = atomic_load(&m->runs_planned);
    out->total_ns = 0;
    out->fraction = -1;
    if (out->runs_started == 0 || out->runs_planned == 0) return;
    uint32_t runs = out->runs_planned > out->runs_started ? out->runs_planned : out->runs_started;
    /* Runs not begun yet are taken to be as long as the mean of those begun. */
    double total = (double)started_ns / out->runs_started * runs;
    out->total_ns = (int64_t)total;
    double f = total > 0 ? (double)out->done_ns / total : 0;
    out->fraction = f < 0 ? 0 : f > 1 ? 1 : f;
}
