/* Bounds on combinations of inputs: each key is checked against its own
 * range where it is read, but the model's limits are reached by products
 * (instructions x cpi / frequency is the CPU time of one burst). Here a
 * guest group's request is checked against every host it may run on, with
 * its largest draw (the highest value the sampler can return, not the
 * mean), so a valid file never reaches the CPU's burst limit (host/cpu.h)
 * at run time, where it could only be reported as a limit, not a key. */
#include <math.h>
#include <string.h>

#include "cfg.h"
#include "virtsim/host/costs.h"
#include "virtsim/host/cpu.h"
#include "virtsim/model/engine.h"

/* The highest value vs_dist_sample can return (core/rng.c): its uniform
 * draws have 53 bits, so an exponential stops at 36.8 means and the polar
 * method's normal at 12.2 standard deviations. */
static double dist_max(const struct vs_dist *d)
{
    switch (d->kind) {
    case VS_DIST_CONSTANT: return d->a;
    case VS_DIST_UNIFORM: return fmax(d->a, d->b);
    case VS_DIST_EXPONENTIAL: return 36.8 * d->a;
    case VS_DIST_NORMAL: return d->a + 12.2 * fmax(d->b, 0);
    case VS_DIST_LOGNORMAL: {
        if (!(d->a > 0) || !(d->b > 0)) return d->a;
        double cv = d->b / d->a, sigma2 = log1p(cv * cv);
        return exp(log(d->a) - 0.5 * sigma2 + sqrt(sigma2) * 12.2);
    }
    }
    return d->a;
}

/* The most cycles one instruction of wl costs under any engine compared:
 * its native cycles, times the emulator's per-instruction work when an
 * emulation preset is compared (interpreter or translated code, and the
 * soft-MMU per memory reference; approaches/emulation.c). */
static double cycles_per_instruction(const struct vs_scenario *sc, const struct vs_host_spec *h,
                                     const struct vs_workload *wl)
{
    double native = vs_host_cpi(h, wl->request.cpi), factor = 1;
    for (uint32_t k = 0; k < sc->n_engines; k++) {
        const struct vs_engine_ops *ops = NULL;
        if (!vs_preset_find(sc->engines[k], &ops) || !ops || strcmp(ops->approach, "emulation") != 0) continue;
        double refs = wl->request.mem_refs_per_instruction * vs_cost(&h->costs, VS_COST_SOFTMMU_CYCLES);
        factor = fmax(factor, fmax(vs_cost(&h->costs, VS_COST_INTERP_CYCLES), vs_cost(&h->costs, VS_COST_DBT_CYCLES)) +
                                  refs);
    }
    return fmax(native, vs_host_cpi(h, factor));
}

int cfg_check_guest_burst(const struct cfg_ctx *c, const struct vs_ynode *gn, size_t i, const struct vs_scenario *sc)
{
    const struct vs_guest_spec *g = &sc->guests[i];
    const struct vs_request_spec *rq = &g->workload.request;
    double instructions = dist_max(&rq->instructions) + ceil(rq->count[VS_OP_KERNEL_INSTRUCTION]);
    for (uint32_t h = 0; h < sc->n_hosts; h++) {
        const struct vs_host_decl *d = &sc->hosts[h];
        if (!cfg_guest_may_run_on(sc, g, h)) continue;
        double cpi = cycles_per_instruction(sc, &d->spec, &g->workload);
        double ns = instructions * cpi * 1e9 / d->spec.cpu.frequency_hz;
        /* Half the limit: the request's other operations (system calls,
         * faults, I/O), priced per engine, have the other half. */
        if (ns < VS_CPU_MAX_BURST_NS / 2) continue;
        const struct vs_ynode *at = vs_ynode_get(gn, "workload");
        return cfg_fail_at(c, at ? at : gn,
                           "guests[%zu]: one request of '%s' can take %.3g s of CPU on host '%s' "
                           "(request.instructions up to %.3g, kernel_instructions %.3g, at %.3g cycles each "
                           "with request.cpi %.3g%s, cpu.frequency %.3g Hz): more than a CPU burst can hold "
                           "(the model's limit: %.0e ns, half of it for the instructions); lower "
                           "request.instructions or request.cpi, or raise the host's cpu.frequency",
                           i, g->workload.name, ns / 1e9, d->name, dist_max(&rq->instructions),
                           ceil(rq->count[VS_OP_KERNEL_INSTRUCTION]), cpi, rq->cpi,
                           cpi > vs_host_cpi(&d->spec, rq->cpi) ? " under emulation" : "", d->spec.cpu.frequency_hz,
                           VS_CPU_MAX_BURST_NS);
    }
    return VS_OK;
}
