/* The overhead-vs-density trade-off (see tradeoff.h): the density search as
 * it is, plus each engine's host CPU per operation with one guest alone. */
#include "virtsim/run/tradeoff.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "virtsim/load/config.h"
#include "virtsim/run/compare.h"
#include "virtsim/run/sim.h"
#include "virtsim/core/units.h"

int vs_density_workload_scenario(const struct vs_density_setup *s, struct vs_scenario *sc, char *skipped,
                                 size_t skipped_len, struct vs_error *err)
{
    struct vs_compare_opts co = {.workload = s->workload, .host = s->host, .vcpus = s->vcpus ? s->vcpus : 1,
                                 .approaches = s->approaches ? s->approaches : "qemu,xen-pv,kvm,lxc",
                                 .duration_ns = s->duration_ns ? s->duration_ns : 5 * VS_NS_PER_S, .seed = 1};
    int rc = vs_compare_scenario(&co, sc, skipped, skipped_len, err);
    if (rc != VS_OK) return rc;
    /* Density keeps the workload's own load (compare saturates it). */
    struct vs_error we;
    rc = vs_config_resolve_workload(s->workload, NULL, &sc->guests[0].workload, &we);
    if (rc != VS_OK) *err = we;
    return rc;
}

int vs_tradeoff_cost(const struct vs_scenario *sc, uint32_t k, struct vs_density_result *r, struct vs_error *err)
{
    memset(r->cpu_per_op_ns, 0, sizeof r->cpu_per_op_ns);
    r->cost_ops = 0;
    struct vs_scenario *one = malloc(sizeof *one);
    if (!one) return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    *one = *sc;
    one->n_guests = 1;
    one->guests[0].count = 1;
    struct vs_sim *sim = NULL;
    struct vs_run_result res;
    int rc = vs_sim_create(one, sc->engines[k], one->seed, &sim, err);
    if (rc == VS_OK) rc = vs_sim_advance(sim, VS_TIME_NEVER, err);
    if (rc == VS_OK) rc = vs_sim_snapshot(sim, &res, err);
    vs_sim_destroy(sim);
    free(one);
    if (rc != VS_OK) return rc;
    const struct vs_guest_result *g = &res.groups[0];
    if (g->completed > 0 && g->failed_instances == 0) {
        for (int c = 0; c < VS_CAT_COUNT; c++)
            if (c != VS_CAT_IDLE) r->cpu_per_op_ns[c] = g->cpu_ns[c] / (double)g->completed;
        r->cost_ops = g->completed;
    }
    vs_run_result_free(&res);
    return VS_OK;
}

int vs_tradeoff_run(const struct vs_scenario *sc, const struct vs_density_opts *o, struct vs_density_result *out,
                    struct vs_error *err)
{
    int rc = vs_density_run(sc, o, out, err);
    for (uint32_t k = 0; k < sc->n_engines && rc == VS_OK; k++) rc = vs_tradeoff_cost(sc, k, &out[k], err);
    return rc;
}

double vs_tradeoff_cost_total_ns(const struct vs_density_result *r)
{
    if (r->cost_ops == 0) return NAN;
    double total = 0;
    for (int c = 0; c < VS_CAT_COUNT; c++)
        if (c != VS_CAT_IDLE) total += r->cpu_per_op_ns[c];
    return total;
}

double vs_tradeoff_cost_ratio(const struct vs_density_result *r, const struct vs_density_result *base, double *noise)
{
    double a = vs_tradeoff_cost_total_ns(r), b = base ? vs_tradeoff_cost_total_ns(base) : NAN;
    if (noise) *noise = NAN;
    if (isnan(a) || isnan(b) || !(b > 0)) return NAN;
    if (noise) *noise = 2.0 * sqrt(1.0 / (double)r->cost_ops + 1.0 / (double)base->cost_ops);
    return a / b;
}
