/* Density search (see density.h): for each engine, the largest number of
 * identical guests that still meets every SLA. Each probe is a complete
 * simulation of n guests; n doubles until a probe fails (or the bound is
 * reached), then bisection finds the boundary. Engines are searched in
 * parallel threads; each search depends only on its own probes, so the
 * result is identical to a serial run. */
#include "virtsim/run/density.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "virtsim/model/engine.h"
#include "virtsim/core/parallel.h"
#include "virtsim/out/json.h"
#include "virtsim/run/sim.h"
#include "virtsim/core/units.h"

int vs_sla_parse(const char *text, struct vs_sla *out, struct vs_error *err)
{
    memset(out, 0, sizeof *out);
    snprintf(out->text, sizeof out->text, "%s", text);
    const char *rest;
    enum vs_unit_kind unit;
    if (strncmp(text, "p99<", 4) == 0) {
        out->kind = VS_SLA_P99;
        rest = text + 4;
        unit = VS_UNIT_TIME;
    } else if (strncmp(text, "p50<", 4) == 0) {
        out->kind = VS_SLA_P50;
        rest = text + 4;
        unit = VS_UNIT_TIME;
    } else if (strncmp(text, "throughput>=", 12) == 0) {
        out->kind = VS_SLA_THROUGHPUT;
        rest = text + 12;
        unit = VS_UNIT_PERCENT;
    } else {
        return vs_error_set(err, VS_ERR_INPUT, NULL, 0, 0,
                            "--sla '%s': expected p99<TIME, p50<TIME or throughput>=PERCENT "
                            "(e.g. \"p99<20ms\", \"throughput>=95%%\")",
                            text);
    }
    char why[200] = ""; /* stays empty when the parse succeeds with a limit of 0 */
    if (vs_units_parse(rest, unit, &out->limit, why, sizeof why) != 0 || out->limit <= 0)
        return vs_error_set(err, VS_ERR_INPUT, NULL, 0, 0, "--sla '%s': %s", text,
                            out->limit <= 0 && !why[0] ? "the limit must be above zero" : why);
    return VS_OK;
}


struct search {
    const struct vs_scenario *sc;
    const struct vs_density_opts *o;
    uint32_t engine;
    struct vs_density_result *out;
    double base_throughput;     /* per guest, with one guest alone */
    struct vs_error err;
    int rc;
};

static bool sla_ok(const struct search *s, const struct vs_density_point *p)
{
    if (p->failed > 0) return false;
    /* A point where nothing completed has no latency to judge: it fails. */
    if (!(p->throughput_per_guest > 0)) return false;
    for (uint32_t i = 0; i < s->o->n_slas; i++) {
        const struct vs_sla *l = &s->o->slas[i];
        if (l->kind == VS_SLA_P99 && !((double)p->p99_ns < l->limit)) return false;
        if (l->kind == VS_SLA_P50 && !((double)p->p50_ns < l->limit)) return false;
        if (l->kind != VS_SLA_THROUGHPUT) continue;
        /* An open load's arrivals are random: comparing completions with
         * the arrivals of the same run removes that noise. A closed loop
         * adapts its arrivals to the service, so it is compared with one
         * guest alone. */
        if (s->sc->guests[0].workload.load.kind == VS_LOAD_OPEN) {
            if (!(p->served_fraction >= l->limit)) return false;
        } else if (!(p->throughput_per_guest >= l->limit * s->base_throughput)) {
            return false;
        }
    }
    return true;
}

/* Runs n guests under the search's engine and records the point. */
static int probe(struct search *s, uint32_t n, struct vs_density_point *p)
{
    for (uint32_t i = 0; i < s->out->n_points; i++)
        if (s->out->points[i].guests == n) {
            *p = s->out->points[i];
            return VS_OK;
        }
    struct vs_scenario *sc = malloc(sizeof *sc);
    if (!sc) return vs_error_set(&s->err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    *sc = *s->sc;
    sc->n_guests = 1;
    sc->guests[0].count = n;
    struct vs_sim *sim = NULL;
    struct vs_run_result r;
    int rc = vs_sim_create(sc, s->sc->engines[s->engine], sc->seed, &sim, &s->err);
    if (rc == VS_OK) rc = vs_sim_advance(sim, VS_TIME_NEVER, &s->err);
    if (rc == VS_OK) rc = vs_sim_snapshot(sim, &r, &s->err);
    vs_sim_destroy(sim);
    free(sc);
    if (rc != VS_OK) return rc;
    const struct vs_guest_result *g = &r.groups[0];
    memset(p, 0, sizeof *p);
    p->guests = n;
    p->failed = g->failed_instances;
    uint32_t running = n - g->failed_instances;
    p->throughput_per_guest = running ? g->throughput_per_s / running : 0;
    p->served_fraction = g->arrived ? (double)g->completed / (double)g->arrived : 0;
    p->p50_ns = g->latency.p50_ns;
    p->p99_ns = g->latency.p99_ns;
    p->cpu_util = r.host.cpu_utilisation;
    p->mem_used_fraction = r.host.mem_capacity_bytes > 0 ? r.host.mem_used_bytes / r.host.mem_capacity_bytes : 0;
    p->disk_util = r.host.disk_utilisation;
    p->nic_util = r.host.nic_rx_utilisation > r.host.nic_tx_utilisation ? r.host.nic_rx_utilisation
                                                                         : r.host.nic_tx_utilisation;
    if (n == 1) {
        s->base_throughput = p->throughput_per_guest;
        s->out->memory_per_guest = g->memory;
        s->out->memory_per_guest.bytes[VS_MEM_SHARED] = 0;
        s->out->usable_memory_bytes = r.host.mem_capacity_bytes - s->sc->hosts[0].spec.host_reserved_bytes;
    }
    snprintf(s->out->approach, sizeof s->out->approach, "%s", r.approach);
    vs_run_result_free(&r);
    p->ok = sla_ok(s, p);
    /* Keep the curve sorted by guest count. */
    struct vs_density_result *o = s->out;
    if (o->n_points < VS_DENSITY_MAX_POINTS) {
        uint32_t at = o->n_points;
        while (at > 0 && o->points[at - 1].guests > n) {
            o->points[at] = o->points[at - 1];
            at--;
        }
        o->points[at] = *p;
        o->n_points++;
    }
    return VS_OK;
}

static enum vs_resource limiting(const struct vs_density_point *p)
{
    if (p->failed > 0) return VS_RES_MEMORY;
    enum vs_resource r = VS_RES_CPU;
    double most = p->cpu_util;
    if (p->disk_util > most) most = p->disk_util, r = VS_RES_DISK;
    if (p->nic_util > most) r = VS_RES_NIC;
    return r;
}

static int search_engine(struct search *s)
{
    struct vs_density_result *o = s->out;
    memset(o, 0, sizeof *o);
    snprintf(o->engine, sizeof o->engine, "%s", s->sc->engines[s->engine]);
    o->limit = VS_RES_NONE;
    uint32_t max = s->o->max_guests;
    struct vs_density_point p;
    int rc = probe(s, 1, &p);
    if (rc != VS_OK) return rc;
    if (!p.ok) {
        o->density = 0;
        o->limit = limiting(&p);
        return VS_OK;
    }
    uint32_t lo = 1, hi = 0;
    for (uint32_t n = 2; n <= max; n = n * 2 > max && n < max ? max : n * 2) {
        if ((rc = probe(s, n, &p)) != VS_OK) return rc;
        if (!p.ok) {
            hi = n;
            break;
        }
        lo = n;
        if (n == max) break;
    }
    if (hi == 0) {
        o->density = lo;
        o->capped = true;
        return VS_OK;
    }
    struct vs_density_point fail = p;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if ((rc = probe(s, mid, &p)) != VS_OK) return rc;
        if (p.ok) {
            lo = mid;
        } else {
            hi = mid;
            fail = p;
        }
    }
    o->density = lo;
    o->limit = limiting(&fail);
    return VS_OK;
}

static void search_one(void *ctx, uint32_t i)
{
    struct search *s = &((struct search *)ctx)[i];
    s->rc = search_engine(s);
}

int vs_density_run(const struct vs_scenario *sc, const struct vs_density_opts *o,
                   struct vs_density_result *out, struct vs_error *err)
{
    if (sc->n_guests < 1)
        return vs_error_set(err, VS_ERR_INPUT, sc->file, 0, 0, "the scenario has no guest to replicate");
    if (o->max_guests < 1 || o->max_guests > VS_MAX_GUESTS)
        return vs_error_set(err, VS_ERR_INPUT, NULL, 0, 0, "--max must be from 1 to %d", VS_MAX_GUESTS);
    struct search *s = calloc(sc->n_engines, sizeof *s);
    if (!s) return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    for (uint32_t k = 0; k < sc->n_engines; k++) {
        s[k].sc = sc;
        s[k].o = o;
        s[k].engine = k;
        s[k].out = &out[k];
    }
    vs_parallel_for(sc->n_engines, o->threads, search_one, s);
    int rc = VS_OK;
    for (uint32_t k = 0; k < sc->n_engines && rc == VS_OK; k++)
        if (s[k].rc != VS_OK) {
            *err = s[k].err;
            rc = s[k].rc;
        }
    free(s);
    return rc;
}

/* ---- output ---- */

void vs_density_write_table(FILE *f, const struct vs_scenario *sc, const struct vs_density_opts *o,
                            const struct vs_density_result *r, uint32_t n)
{
    char a[32], b[32], c[32], d[32], e[32];
    fprintf(f, "density of %s on host %s (%u vCPUs per guest), SLAs:", sc->guests[0].workload.name,
            sc->hosts[0].spec.name, sc->guests[0].vcpus);
    for (uint32_t i = 0; i < o->n_slas; i++) fprintf(f, " %s", o->slas[i].text);
    fprintf(f, "%s\n", o->n_slas ? "" : " none (every guest must start)");
    fprintf(f, "each point is a full simulation of %s; the throughput SLA compares completions with\n"
               "arrivals (open load) or with one guest alone (closed load)\n\n",
            vs_units_format_time((double)sc->duration_ns, a, sizeof a));
    fprintf(f, "%-10s %-11s %7s %-7s %10s  %s\n", "approach", "preset", "guests", "limit", "mem/guest",
            "(application + guest kernel + page cache + overhead)");
    for (uint32_t k = 0; k < n; k++) {
        const struct vs_density_result *x = &r[k];
        char dens[16];
        snprintf(dens, sizeof dens, "%s%u", x->capped ? ">=" : "", x->density);
        fprintf(f, "%-10s %-11s %7s %-7s %10s  (%s + %s + %s + %s)\n", x->approach, x->engine, dens,
                x->capped ? "-" : vs_resource_name(x->limit),
                vs_units_format_bytes(vs_mem_parts_total(&x->memory_per_guest), a, sizeof a),
                vs_units_format_bytes(x->memory_per_guest.bytes[VS_MEM_APPLICATION], b, sizeof b),
                vs_units_format_bytes(x->memory_per_guest.bytes[VS_MEM_GUEST_KERNEL], c, sizeof c),
                vs_units_format_bytes(x->memory_per_guest.bytes[VS_MEM_PAGE_CACHE], d, sizeof d),
                vs_units_format_bytes(x->memory_per_guest.bytes[VS_MEM_OVERHEAD], e, sizeof e));
    }
    fprintf(f, "\ncurve: guests -> throughput per guest, p99 (* = every SLA met)\n");
    for (uint32_t k = 0; k < n; k++) {
        fprintf(f, "%-11s", r[k].engine);
        for (uint32_t i = 0; i < r[k].n_points; i++) {
            const struct vs_density_point *p = &r[k].points[i];
            fprintf(f, "  %u%s:%.0f/s,%s", p->guests, p->ok ? "*" : "", p->throughput_per_guest,
                    vs_units_format_time((double)p->p99_ns, a, sizeof a));
        }
        fprintf(f, "\n");
    }
}

void vs_density_write_csv(FILE *f, const struct vs_density_result *r, uint32_t n)
{
    fprintf(f, "engine,approach,density,capped,limit,memory_per_guest_bytes,guests,ok,"
               "throughput_per_guest,served_fraction,p50_ns,p99_ns,cpu_utilisation,memory_used_fraction,"
               "disk_utilisation,nic_utilisation,failed\n");
    for (uint32_t k = 0; k < n; k++)
        for (uint32_t i = 0; i < r[k].n_points; i++) {
            const struct vs_density_point *p = &r[k].points[i];
            fprintf(f, "%s,%s,%u,%d,%s,%.17g,%u,%d,%.17g,%.17g,%lld,%lld,%.17g,%.17g,%.17g,%.17g,%u\n",
                    r[k].engine, r[k].approach, r[k].density, r[k].capped,
                    r[k].capped ? "" : vs_resource_name(r[k].limit),
                    vs_mem_parts_total(&r[k].memory_per_guest), p->guests, p->ok,
                    p->throughput_per_guest, p->served_fraction, (long long)p->p50_ns, (long long)p->p99_ns, p->cpu_util,
                    p->mem_used_fraction, p->disk_util, p->nic_util, p->failed);
        }
}

int vs_density_write_json(FILE *f, const struct vs_scenario *sc, const struct vs_density_opts *o,
                          const struct vs_density_result *r, uint32_t n, struct vs_error *err)
{
    struct vs_json w;
    vs_json_init(&w, f);
    vs_json_object_begin(&w, VS_JSON_BLOCK);
    vs_json_key_string(&w, "kind", "density");
    vs_json_key_string(&w, "workload", sc->guests[0].workload.name);
    vs_json_key_string(&w, "host", sc->hosts[0].spec.name);
    vs_json_key(&w, "slas");
    vs_json_array_begin(&w, VS_JSON_INLINE);
    for (uint32_t i = 0; i < o->n_slas; i++) vs_json_string(&w, o->slas[i].text);
    vs_json_array_end(&w);
    vs_json_key(&w, "results");
    vs_json_array_begin(&w, VS_JSON_BLOCK);
    for (uint32_t k = 0; k < n; k++) {
        const struct vs_density_result *x = &r[k];
        vs_json_object_begin(&w, VS_JSON_BLOCK);
        vs_json_key_string(&w, "engine", x->engine);
        vs_json_key_string(&w, "approach", x->approach);
        vs_json_key_uint(&w, "density", x->density);
        vs_json_key_bool(&w, "capped", x->capped);
        vs_json_key(&w, "limit");
        if (x->capped) vs_json_null(&w);
        else vs_json_string(&w, vs_resource_name(x->limit));
        vs_json_key(&w, "memory_per_guest_bytes");
        vs_json_object_begin(&w, VS_JSON_INLINE);
        for (int p = 0; p < VS_MEM_PART_COUNT; p++)
            vs_json_key_number(&w, vs_mem_part_name((enum vs_mem_part)p), x->memory_per_guest.bytes[p]);
        vs_json_object_end(&w);
        vs_json_key(&w, "curve");
        vs_json_array_begin(&w, VS_JSON_BLOCK);
        for (uint32_t i = 0; i < x->n_points; i++) {
            const struct vs_density_point *p = &x->points[i];
            vs_json_object_begin(&w, VS_JSON_INLINE);
            vs_json_key_uint(&w, "guests", p->guests);
            vs_json_key_bool(&w, "ok", p->ok);
            vs_json_key_number(&w, "throughput_per_guest", p->throughput_per_guest);
            vs_json_key_int(&w, "p50_ns", p->p50_ns);
            vs_json_key_int(&w, "p99_ns", p->p99_ns);
            vs_json_key_number(&w, "cpu_utilisation", p->cpu_util);
            vs_json_key_uint(&w, "failed", p->failed);
            vs_json_object_end(&w);
        }
        vs_json_array_end(&w);
        vs_json_object_end(&w);
    }
    vs_json_array_end(&w);
    vs_json_object_end(&w);
    return vs_json_finish(&w, err);
}
