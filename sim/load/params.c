/* Parameter paths: the small language that names one numeric value of a
 * scenario (seed, duration, host.cpu.cores, host.costs.KEY,
 * guests.NAME.load.rate, ...), its unit and its allowed range. Sweeps vary
 * one path over a list of values; the timeline's `set:` action changes
 * paths at run time. */
#include "virtsim/load/params.h"

#include <stdio.h>
#include <string.h>

#include "cfg.h"
#include "virtsim/host/costs.h"

/* A resolved parameter: where its value lives and how it is written. */
struct target {
    double *d;          /* a double field, or */
    uint32_t *u32;      /* an unsigned field, or */
    uint64_t *u64;
    vs_time_ns *t;      /* a time field */
    enum vs_unit_kind unit;
    double min, max;
};

static struct vs_guest_spec *find_guest(struct vs_scenario *sc, const char *name, size_t len)
{
    for (uint32_t g = 0; g < sc->n_guests; g++)
        if (strlen(sc->guests[g].name) == len && strncmp(sc->guests[g].name, name, len) == 0)
            return &sc->guests[g];
    return NULL;
}

static int resolve(struct vs_scenario *sc, const char *param, struct target *t, char *why, size_t n)
{
    memset(t, 0, sizeof *t);
    t->max = 1e18;
    if (strcmp(param, "seed") == 0) {
        t->u64 = &sc->seed, t->unit = VS_UNIT_COUNT;
    } else if (strcmp(param, "duration") == 0) {
        t->t = &sc->duration_ns, t->unit = VS_UNIT_TIME, t->min = 1e6, t->max = (double)VS_MAX_DURATION_NS;
    } else if (strcmp(param, "warmup") == 0) {
        t->t = &sc->warmup_ns, t->unit = VS_UNIT_TIME, t->max = (double)VS_MAX_DURATION_NS;
    } else if (strcmp(param, "host.cpu.cores") == 0) {
        t->u32 = &sc->hosts[0].spec.cpu.cores, t->unit = VS_UNIT_COUNT, t->min = 1, t->max = 1024;
    } else if (strcmp(param, "host.cpu.frequency") == 0) {
        t->d = &sc->hosts[0].spec.cpu.frequency_hz, t->unit = VS_UNIT_FREQUENCY, t->min = MIN_FREQUENCY_HZ, t->max = MAX_FREQUENCY_HZ;
    } else if (strcmp(param, "host.memory.capacity") == 0) {
        t->d = &sc->hosts[0].spec.memory_bytes, t->unit = VS_UNIT_BYTES, t->min = MIN_MEMORY_BYTES,
        t->max = MAX_MEMORY_BYTES;
    } else if (strncmp(param, "host.costs.", 11) == 0) {
        int id = vs_cost_find(param + 11);
        if (id < 0) {
            snprintf(why, n, "'%s': no cost constant '%s' (see virtsim show host current)", param, param + 11);
            return -1;
        }
        t->d = &sc->hosts[0].spec.costs.value[id], t->unit = vs_cost_info((enum vs_cost_id)id)->unit;
    } else if (strncmp(param, "guests.", 7) == 0) {
        const char *name = param + 7, *dot = strchr(name, '.');
        struct vs_guest_spec *g = dot ? find_guest(sc, name, (size_t)(dot - name)) : NULL;
        if (!g) {
            snprintf(why, n, "'%s': expected guests.NAME.FIELD with NAME a guest group of the scenario", param);
            return -1;
        }
        const char *f = dot + 1;
        struct vs_workload *w = &g->workload;
        if (strcmp(f, "count") == 0) t->u32 = &g->count, t->unit = VS_UNIT_COUNT, t->min = 1, t->max = VS_MAX_GUESTS;
        /* cpus: the same count; in a timeline `set:` it changes a running
         * group's vCPUs (hot-plug, cpuset: run/sim.c) */
        else if (strcmp(f, "vcpus") == 0 || strcmp(f, "cpus") == 0) t->u32 = &g->vcpus, t->unit = VS_UNIT_COUNT, t->min = 1, t->max = VS_MAX_VCPUS;
        else if (strcmp(f, "weight") == 0) t->d = &g->weight, t->unit = VS_UNIT_COUNT, t->min = 1e-9;
        else if (strcmp(f, "memory") == 0) t->d = &g->memory_bytes, t->unit = VS_UNIT_BYTES;
        else if (strcmp(f, "cap") == 0) t->d = &g->cap_fraction, t->unit = VS_UNIT_PERCENT;
        else if (strcmp(f, "queue_limit") == 0) t->u32 = &g->queue_limit, t->unit = VS_UNIT_COUNT, t->min = 1;
        else if (strcmp(f, "load.rate") == 0) t->d = &w->load.rate_per_s, t->unit = VS_UNIT_RATE, t->max = MAX_RATE_PER_S;
        else if (strcmp(f, "load.clients") == 0) t->u32 = &w->load.clients, t->unit = VS_UNIT_COUNT, t->max = 1e6;
        else if (strcmp(f, "load.total") == 0) t->u64 = &w->load.total, t->unit = VS_UNIT_COUNT, t->min = 1;
        else if (strcmp(f, "load.think_time") == 0) t->d = &w->load.think_ns.a, t->unit = VS_UNIT_TIME;
        else if (strcmp(f, "request.instructions") == 0) t->d = &w->request.instructions.a, t->unit = VS_UNIT_COUNT, t->max = MAX_INSTRUCTIONS;
        else if (strncmp(f, "request.", 8) == 0) {
            for (int op = 0; op < VS_OP_COUNT; op++)
                if (op != VS_OP_INSTRUCTION && strcmp(f + 8, vs_op_name((enum vs_op_kind)op)) == 0)
                    t->d = &w->request.count[op], t->unit = VS_UNIT_COUNT, t->max = MAX_OPS_PER_REQUEST;
        }
        if (!t->d && !t->u32 && !t->u64 && !t->t) {
            snprintf(why, n,
                     "'%s': unknown field '%s'; expected count, vcpus (or cpus), weight, memory, cap, queue_limit, "
                     "load.rate, load.clients, load.total, load.think_time, request.instructions or "
                     "request.COUNT",
                     param, f);
            return -1;
        }
    } else {
        snprintf(why, n,
                 "'%s': expected seed, duration, warmup, host.cpu.cores, host.cpu.frequency, "
                 "host.memory.capacity, host.costs.KEY or guests.NAME.FIELD",
                 param);
        return -1;
    }
    return 0;
}

int vs_param_unit(const struct vs_scenario *sc, const char *param, enum vs_unit_kind *unit,
                        char *why, size_t why_len)
{
    struct target t;
    /* resolve() only takes addresses; sc is not written. */
    if (resolve((struct vs_scenario *)sc, param, &t, why, why_len) != 0) return -1;
    *unit = t.unit;
    return 0;
}

int vs_param_set(struct vs_scenario *sc, const char *param, double v, char *why, size_t why_len)
{
    struct target t;
    if (resolve(sc, param, &t, why, why_len) != 0) return -1;
    if (!(v >= t.min && v <= t.max)) {
        snprintf(why, why_len, "%s = %g is out of range [%g, %g]", param, v, t.min, t.max);
        return -1;
    }
    if ((t.u32 || t.u64) && v != (double)(uint64_t)v) {
        snprintf(why, why_len, "%s = %g must be a whole number", param, v);
        return -1;
    }
    if (t.d) *t.d = v;
    if (t.u32) *t.u32 = (uint32_t)v;
    if (t.u64) *t.u64 = (uint64_t)v;
    if (t.t) *t.t = (vs_time_ns)v;
    if (sc->warmup_ns >= sc->duration_ns) {
        snprintf(why, why_len, "%s = %g leaves the warm-up no shorter than the duration", param, v);
        return -1;
    }
    return 0;
}

int vs_param_sweep_point(const struct vs_scenario *sc, uint32_t k, struct vs_scenario *out, struct vs_error *err)
{
    if (k >= sc->sweep.n)
        return vs_error_set(err, VS_ERR_INPUT, sc->file, 0, 0, "sweep point %u: the sweep has %u points (0 to %u)",
                            k, sc->sweep.n, sc->sweep.n ? sc->sweep.n - 1 : 0);
    *out = *sc;
    char why[400];
    if (vs_param_set(out, sc->sweep.param, sc->sweep.values[k], why, sizeof why) != 0)
        return vs_error_set(err, VS_ERR_INPUT, sc->file, 0, 0, "sweep: %s", why);
    return VS_OK;
}

