/* `virtsim isolation` (see isolation.h): each replication runs the
 * scenario as written and with its victims alone, under the same seed;
 * every engine of the scenario runs in both. The victims' figures are
 * compared run by run (paired: the same requests), so the interval is the
 * interval of the paired ratios. */
#include "virtsim/run/isolation.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "virtsim/core/parallel.h"
#include "virtsim/out/json.h"
#include "virtsim/out/scores.h"
#include "virtsim/run/replicate.h"
#include "virtsim/run/sim.h"

/* `name` is the group itself or one of its instances (GROUP-N). */
static bool names_group(const char *name, const char *group)
{
    size_t n = strlen(group);
    if (strncmp(name, group, n) != 0) return false;
    if (name[n] == '\0') return true;
    if (name[n] != '-' || name[n + 1] == '\0') return false;
    for (const char *p = name + n + 1; *p; p++)
        if (*p < '0' || *p > '9') return false;
    return true;
}

void vs_isolation_subset(const struct vs_scenario *sc, const bool *keep, struct vs_scenario *out)
{
    *out = *sc;
    out->n_guests = 0;
    for (uint32_t g = 0; g < sc->n_guests; g++)
        if (keep[g]) out->guests[out->n_guests++] = sc->guests[g];
    out->n_events = 0;
    for (uint32_t e = 0; e < sc->n_events; e++) {
        bool removed = false;
        for (uint32_t g = 0; g < sc->n_guests && !removed; g++)
            if (!keep[g] && names_group(sc->events[e].target, sc->guests[g].name)) removed = true;
        if (!removed) out->events[out->n_events++] = sc->events[e];
    }
}

struct job {
    const struct vs_scenario *sc;
    uint64_t seed;
    struct vs_results res;
    struct vs_error err;
    int rc;
};

static void run_job(void *ctx, uint32_t i)
{
    struct job *j = &((struct job *)ctx)[i];
    j->rc = vs_sim_run_scenario(j->sc, j->seed, &j->res, &j->err);
}

static const struct vs_guest_result *find_group(const struct vs_run_result *run, const char *name)
{
    for (uint32_t g = 0; g < run->n_groups; g++)
        if (strcmp(run->groups[g].name, name) == 0) return &run->groups[g];
    return NULL;
}

static double cpu_total_ns(const struct vs_guest_result *g)
{
    double t = 0;
    for (int c = 0; c < VS_CAT_COUNT; c++) t += g->cpu_ns[c];
    return t;
}

/* Marks the victims: the --victim list, or the groups marked in the file. */
static int pick_victims(const struct vs_scenario *sc, const char *list, bool *victim, struct vs_error *err)
{
    memset(victim, 0, VS_MAX_GUEST_GROUPS * sizeof *victim);
    if (!list) {
        for (uint32_t g = 0; g < sc->n_guests; g++) victim[g] = sc->guests[g].victim;
        return VS_OK;
    }
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", list);
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        while (*t == ' ') t++;
        if (!*t) continue;
        uint32_t g = 0;
        while (g < sc->n_guests && strcmp(sc->guests[g].name, t) != 0) g++;
        if (g == sc->n_guests) {
            char names[512] = "";
            size_t used = 0;
            for (uint32_t k = 0; k < sc->n_guests && used < sizeof names; k++)
                used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", k ? ", " : "",
                                         sc->guests[k].name);
            return vs_error_set(err, VS_ERR_INPUT, NULL, 0, 0, "--victim: no guest group is called '%.60s' in %s; "
                                "its groups: %s", t, sc->name, names);
        }
        victim[g] = true;
    }
    return VS_OK;
}


static void join_names(char *out, size_t cap, const struct vs_scenario *sc, const bool *which, bool want)
{
    size_t used = 0;
    out[0] = '\0';
    for (uint32_t g = 0; g < sc->n_guests && used < cap; g++)
        if (which[g] == want)
            used += (size_t)snprintf(out + used, cap - used, "%s%s", used ? "+" : "", sc->guests[g].name);
}

/* The runs of one replication: variant 0 the victims alone, then one per
 * neighbour set. */
struct plan {
    uint32_t n_variants;
    struct vs_scenario *sc; /* n_variants, owned */
    char names[VS_MAX_GUEST_GROUPS + 2][256];
};

/* The victims and the groups whose instances are their clients (part of
 * their service, not neighbours). */
static void victim_side(const struct vs_scenario *sc, const bool *victim, bool *side)
{
    for (uint32_t g = 0; g < sc->n_guests; g++) side[g] = victim[g];
    for (uint32_t g = 0; g < sc->n_guests; g++)
        if (victim[g] && sc->guests[g].peer[0])
            for (uint32_t p = 0; p < sc->n_guests; p++)
                if (strcmp(sc->guests[p].name, sc->guests[g].peer) == 0) side[p] = true;
}

static int make_plan(const struct vs_scenario *sc, const bool *victim, struct plan *pl, struct vs_error *err)
{
    bool side[VS_MAX_GUEST_GROUPS];
    victim_side(sc, victim, side);
    uint32_t n_victims = 0, n_neighbours = 0;
    for (uint32_t g = 0; g < sc->n_guests; g++) {
        n_victims += victim[g];
        n_neighbours += !side[g];
    }
    if (n_victims == 0)
        return vs_error_set(err, VS_ERR_INPUT, sc->file, 0, 0,
                            "no victim: mark a guest group with victim: true or name one with --victim");
    if (n_neighbours == 0)
        return vs_error_set(err, VS_ERR_INPUT, sc->file, 0, 0,
                            "no neighbours: every guest group is a victim or its clients; a victim's slowdown "
                            "needs another group beside it");
    pl->n_variants = 1 + n_neighbours + (n_neighbours > 1);
    pl->sc = malloc(pl->n_variants * sizeof *pl->sc);
    if (!pl->sc) return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    vs_isolation_subset(sc, side, &pl->sc[0]);
    snprintf(pl->names[0], sizeof pl->names[0], "none");
    uint32_t v = 1;
    for (uint32_t g = 0; g < sc->n_guests; g++) {
        if (side[g]) continue;
        bool keep[VS_MAX_GUEST_GROUPS];
        memcpy(keep, side, sizeof keep);
        keep[g] = true;
        vs_isolation_subset(sc, keep, &pl->sc[v]);
        snprintf(pl->names[v], sizeof pl->names[v], "%s", sc->guests[g].name);
        v++;
    }
    if (n_neighbours > 1) {
        pl->sc[v] = *sc;
        bool not_side[VS_MAX_GUEST_GROUPS];
        for (uint32_t g = 0; g < sc->n_guests; g++) not_side[g] = !side[g];
        join_names(pl->names[v], sizeof pl->names[v], sc, not_side, true);
    }
    return VS_OK;
}

int vs_isolation_run(const struct vs_scenario *sc, const struct vs_isolation_opts *o, struct vs_isolation *out,
                     struct vs_error *err)
{
    memset(out, 0, sizeof *out);
    if (sc->sweep.n > 0)
        return vs_error_set(err, VS_ERR_INPUT, sc->file, 0, 0,
                            "isolation compares one scenario with and without neighbours; remove its sweep:");
    bool victim[VS_MAX_GUEST_GROUPS];
    int rc = pick_victims(sc, o->victims, victim, err);
    if (rc != VS_OK) return rc;
    struct plan pl = {0};
    rc = make_plan(sc, victim, &pl, err);
    if (rc != VS_OK) return rc;
    uint32_t reps = o->reps ? o->reps : 1, nv = pl.n_variants;
    struct job *jobs = calloc((size_t)nv * reps, sizeof *jobs);
    if (!jobs) {
        free(pl.sc);
        return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    }
    /* Job r * nv + v: replication r of variant v. */
    for (uint32_t r = 0; r < reps; r++)
        for (uint32_t v = 0; v < nv; v++) jobs[r * nv + v] = (struct job){.sc = &pl.sc[v], .seed = vs_rep_seed(o->seed, r)};
    vs_parallel_for(nv * reps, o->threads, run_job, jobs);
    for (uint32_t j = 0; j < nv * reps && rc == VS_OK; j++)
        if (jobs[j].rc != VS_OK) {
            rc = jobs[j].rc;
            *err = jobs[j].err;
        }

    snprintf(out->scenario, sizeof out->scenario, "%s", sc->name);
    snprintf(out->description, sizeof out->description, "%s", sc->description);
    out->seed = o->seed;
    out->reps = reps;
    join_names(out->victims, sizeof out->victims, sc, victim, true);
    snprintf(out->neighbours, sizeof out->neighbours, "%s", pl.names[nv - 1]);

    uint32_t n_victims = 0;
    for (uint32_t g = 0; g < sc->n_guests; g++) n_victims += victim[g];
    uint32_t n_engines = rc == VS_OK ? jobs[0].res.n_runs : 0;
    if (rc == VS_OK) {
        out->rows = calloc((size_t)(nv - 1) * n_engines * n_victims + 1, sizeof *out->rows);
        if (!out->rows) rc = vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    }
    double *x[7];
    for (int k = 0; k < 7; k++) x[k] = rc == VS_OK ? calloc(reps, sizeof(double)) : NULL;
    for (int k = 0; k < 7 && rc == VS_OK; k++)
        if (!x[k]) rc = vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    for (uint32_t v = 1; v < nv && rc == VS_OK; v++)
        for (uint32_t e = 0; e < n_engines; e++)
            for (uint32_t g = 0; g < sc->n_guests; g++) {
                if (!victim[g]) continue;
                struct vs_isolation_row *row = &out->rows[out->n_rows++];
                const struct vs_run_result *run0 = &jobs[v].res.runs[e];
                snprintf(row->neighbours, sizeof row->neighbours, "%s", pl.names[v]);
                snprintf(row->engine, sizeof row->engine, "%s", run0->engine);
                snprintf(row->approach, sizeof row->approach, "%s", run0->approach);
                snprintf(row->group, sizeof row->group, "%s", sc->guests[g].name);
                snprintf(row->workload, sizeof row->workload, "%s", sc->guests[g].workload.name);
                double wait_alone = 0, wait_with = 0;
                for (uint32_t r = 0; r < reps; r++) {
                    const struct vs_guest_result *w = find_group(&jobs[r * nv + v].res.runs[e], row->group);
                    const struct vs_guest_result *a = find_group(&jobs[r * nv].res.runs[e], row->group);
                    if (!w || !a || w->completed == 0 || a->completed == 0) {
                        row->completed_nothing = true;
                        for (int k = 0; k < 7; k++) x[k][r] = NAN;
                        continue;
                    }
                    double cw = (double)w->completed, ca = (double)a->completed;
                    x[0][r] = w->throughput_per_s / a->throughput_per_s;
                    x[1][r] = (double)w->latency.p99_ns / (double)a->latency.p99_ns;
                    x[2][r] = (cpu_total_ns(w) / cw) / (cpu_total_ns(a) / ca);
                    x[3][r] = a->throughput_per_s;
                    x[4][r] = w->throughput_per_s;
                    x[5][r] = (double)a->latency.p99_ns;
                    x[6][r] = (double)w->latency.p99_ns;
                    for (int k = 0; k < VS_CONT_KINDS; k++)
                        row->contention_ns_per_request[k] += w->contention_ns[k] / cw / reps;
                    wait_alone += a->cpu_wait_ns / ca / reps;
                    wait_with += w->cpu_wait_ns / cw / reps;
                }
                row->throughput_ratio = vs_estimate_of(x[0], reps);
                row->p99_ratio = vs_estimate_of(x[1], reps);
                row->cpu_per_request_ratio = vs_estimate_of(x[2], reps);
                row->throughput_alone_per_s = vs_estimate_of(x[3], reps);
                row->throughput_with_per_s = vs_estimate_of(x[4], reps);
                row->p99_alone_ns = vs_estimate_of(x[5], reps);
                row->p99_with_ns = vs_estimate_of(x[6], reps);
                row->cpu_wait_ns_per_request_alone = wait_alone;
                row->cpu_wait_ns_per_request_with = wait_with;
            }
    for (int k = 0; k < 7; k++) free(x[k]);
    for (uint32_t j = 0; j < nv * reps; j++) vs_results_free(&jobs[j].res);
    free(jobs);
    free(pl.sc);
    if (rc != VS_OK) vs_isolation_free(out);
    return rc;
}

void vs_isolation_free(struct vs_isolation *r)
{
    if (!r) return;
    free(r->rows);
    r->rows = NULL;
    r->n_rows = 0;
}

/* "1.23 [1.20, 1.26]", or "1.23" without an interval, or "-". */
static void put_ratio(FILE *f, const struct vs_estimate *e, int width)
{
    char buf[64];
    if (!isfinite(e->mean))
        snprintf(buf, sizeof buf, "-");
    else if (isfinite(e->low) && isfinite(e->high))
        snprintf(buf, sizeof buf, "%.2f [%.2f,%.2f]", e->mean, e->low, e->high);
    else
        snprintf(buf, sizeof buf, "%.2f", e->mean);
    fprintf(f, "  %-*s", width, buf);
}

static void write_table(FILE *f, const struct vs_isolation *r)
{
    fprintf(f, "%s: %s\n", r->scenario, r->description);
    fprintf(f, "victim: %s   neighbours: %s   seed %llu, %u replication%s\n", r->victims, r->neighbours,
            (unsigned long long)r->seed, r->reps, r->reps == 1 ? "" : "s");
    fprintf(f, "slowdown = the victim's figure beside its neighbours / alone (same seed, same requests)%s\n\n",
            r->reps > 1 ? "; [95 % interval]" : "; one replication: no interval (--reps)");
    fprintf(f, "%-12s %-10s %-10s  %-18s  %-18s  %-18s  %12s %12s %12s %14s\n", "engine", "approach", "victim",
            "throughput x", "p99 x", "cpu/request x", "locks us/req", "backend", "llc+mem", "cpu wait us/req");
    for (uint32_t i = 0; i < r->n_rows; i++) {
        const struct vs_isolation_row *w = &r->rows[i];
        if (i == 0 || strcmp(w->neighbours, r->rows[i - 1].neighbours) != 0)
            fprintf(f, "%sbeside %s:\n", i ? "\n" : "", w->neighbours);
        fprintf(f, "%-12s %-10s %-10s", w->engine, w->approach, w->group);
        put_ratio(f, &w->throughput_ratio, 18);
        put_ratio(f, &w->p99_ratio, 18);
        put_ratio(f, &w->cpu_per_request_ratio, 18);
        fprintf(f, "  %12.2f %12.2f %12.2f %6.1f->%-7.1f\n", w->contention_ns_per_request[VS_CONT_KERNEL] / 1e3,
                w->contention_ns_per_request[VS_CONT_BACKEND] / 1e3, w->contention_ns_per_request[VS_CONT_LLC] / 1e3,
                w->cpu_wait_ns_per_request_alone / 1e3, w->cpu_wait_ns_per_request_with / 1e3);
    }
    fprintf(f, "\nthroughput x below 1 and p99 x above 1: the neighbours slow the victim. locks, backend, llc+mem: "
               "CPU the victim spent per request on\nshared kernel locks, the host's shared I/O back end, and LLC "
               "evictions with memory-bus queueing; cpu wait: runnable without a core, alone -> beside them.\n");
}

static void csv_est(FILE *f, const struct vs_estimate *e)
{
    char a[32], b[32], c[32];
    vs_json_format_number(e->mean, a);
    vs_json_format_number(e->low, b);
    vs_json_format_number(e->high, c);
    /* NaN prints as an empty field */
    fprintf(f, ",%s,%s,%s", isfinite(e->mean) ? a : "", isfinite(e->low) ? b : "", isfinite(e->high) ? c : "");
}

static void csv_num(FILE *f, double v)
{
    char a[32];
    vs_json_format_number(v, a);
    fprintf(f, ",%s", isfinite(v) ? a : "");
}

static void write_csv(FILE *f, const struct vs_isolation *r)
{
    fprintf(f, "scenario,seed,reps,neighbours,engine,approach,victim,workload,"
               "throughput_ratio,throughput_ratio_low,throughput_ratio_high,"
               "p99_ratio,p99_ratio_low,p99_ratio_high,"
               "cpu_per_request_ratio,cpu_per_request_ratio_low,cpu_per_request_ratio_high,"
               "throughput_alone_per_s,throughput_with_per_s,p99_alone_ns,p99_with_ns,"
               "kernel_locks_ns_per_request,io_backend_ns_per_request,llc_memory_ns_per_request,"
               "cpu_wait_alone_ns_per_request,cpu_wait_with_ns_per_request\n");
    for (uint32_t i = 0; i < r->n_rows; i++) {
        const struct vs_isolation_row *w = &r->rows[i];
        vs_report_csv_field(f, r->scenario);
        fprintf(f, ",%llu,%u,", (unsigned long long)r->seed, r->reps);
        vs_report_csv_field(f, w->neighbours);
        fputc(',', f);
        vs_report_csv_field(f, w->engine);
        fputc(',', f);
        vs_report_csv_field(f, w->approach);
        fputc(',', f);
        vs_report_csv_field(f, w->group);
        fputc(',', f);
        vs_report_csv_field(f, w->workload);
        csv_est(f, &w->throughput_ratio);
        csv_est(f, &w->p99_ratio);
        csv_est(f, &w->cpu_per_request_ratio);
        csv_num(f, w->throughput_alone_per_s.mean);
        csv_num(f, w->throughput_with_per_s.mean);
        csv_num(f, w->p99_alone_ns.mean);
        csv_num(f, w->p99_with_ns.mean);
        for (int k = 0; k < VS_CONT_KINDS; k++) csv_num(f, w->contention_ns_per_request[k]);
        csv_num(f, w->cpu_wait_ns_per_request_alone);
        csv_num(f, w->cpu_wait_ns_per_request_with);
        fputc('\n', f);
    }
}

static void json_est(struct vs_json *j, const char *key, const struct vs_estimate *e)
{
    vs_json_key(j, key);
    vs_json_object_begin(j, VS_JSON_INLINE);
    vs_json_key_number(j, "mean", e->mean);
    vs_json_key_number(j, "low", e->low);
    vs_json_key_number(j, "high", e->high);
    vs_json_object_end(j);
}

static void write_json(struct vs_json *j, const struct vs_isolation *r)
{
    vs_json_object_begin(j, VS_JSON_BLOCK);
    vs_json_key_string(j, "scenario", r->scenario);
    vs_json_key_string(j, "description", r->description);
    vs_json_key_uint(j, "seed", r->seed);
    vs_json_key_uint(j, "reps", r->reps);
    vs_json_key_string(j, "victims", r->victims);
    vs_json_key_string(j, "neighbours", r->neighbours);
    vs_json_key(j, "rows");
    vs_json_array_begin(j, VS_JSON_BLOCK);
    for (uint32_t i = 0; i < r->n_rows; i++) {
        const struct vs_isolation_row *w = &r->rows[i];
        vs_json_object_begin(j, VS_JSON_BLOCK);
        vs_json_key_string(j, "neighbours", w->neighbours);
        vs_json_key_string(j, "engine", w->engine);
        vs_json_key_string(j, "approach", w->approach);
        vs_json_key_string(j, "victim", w->group);
        vs_json_key_string(j, "workload", w->workload);
        json_est(j, "throughput_ratio", &w->throughput_ratio);
        json_est(j, "p99_ratio", &w->p99_ratio);
        json_est(j, "cpu_per_request_ratio", &w->cpu_per_request_ratio);
        json_est(j, "throughput_alone_per_s", &w->throughput_alone_per_s);
        json_est(j, "throughput_with_per_s", &w->throughput_with_per_s);
        json_est(j, "p99_alone_ns", &w->p99_alone_ns);
        json_est(j, "p99_with_ns", &w->p99_with_ns);
        vs_json_key(j, "contention_ns_per_request");
        vs_json_object_begin(j, VS_JSON_INLINE);
        for (int k = 0; k < VS_CONT_KINDS; k++)
            vs_json_key_number(j, vs_cont_kind_name((enum vs_cont_kind)k), w->contention_ns_per_request[k]);
        vs_json_object_end(j);
        vs_json_key_number(j, "cpu_wait_alone_ns_per_request", w->cpu_wait_ns_per_request_alone);
        vs_json_key_number(j, "cpu_wait_with_ns_per_request", w->cpu_wait_ns_per_request_with);
        vs_json_key_bool(j, "completed_nothing", w->completed_nothing);
        vs_json_object_end(j);
    }
    vs_json_array_end(j);
    vs_json_object_end(j);
}

int vs_isolation_write(FILE *f, const struct vs_isolation *r, enum vs_report_format fmt, struct vs_error *err)
{
    if (fmt == VS_REPORT_JSON) {
        struct vs_json j;
        vs_json_init(&j, f);
        write_json(&j, r);
        return vs_json_finish(&j, err);
    }
    if (fmt == VS_REPORT_CSV)
        write_csv(f, r);
    else
        write_table(f, r);
    if (ferror(f)) return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "write failed");
    return VS_OK;
}

void vs_isolation_chart(const struct vs_isolation *r, struct vs_chart *c)
{
    memset(c, 0, sizeof *c);
    const char *victim = r->n_rows ? r->rows[0].group : "-";
    snprintf(c->title, sizeof c->title, "%.40s: the victim %.40s beside its neighbours", r->scenario, victim);
    snprintf(c->subtitle, sizeof c->subtitle, "p99 latency beside them / alone, the same requests (seed %llu)%s",
             (unsigned long long)r->seed, r->reps > 1 ? "; 95 % interval over the replications" : "");
    snprintf(c->x_label, sizeof c->x_label, "beside");
    snprintf(c->y_label, sizeof c->y_label, "p99 slowdown, 1.00 = alone%s", r->reps > 1 ? " (95 % interval)" : "");
    snprintf(c->category_name, sizeof c->category_name, "neighbours");
    c->style = VS_CHART_GROUPED_BARS;
    c->has_hline = true;
    c->hline = 1.0;
    snprintf(c->hline_label, sizeof c->hline_label, "1.00 = alone");
    c->has_interval = r->reps > 1;
    c->value_labels = true;
    snprintf(c->value_format, sizeof c->value_format, "%%.2f");
    for (uint32_t i = 0; i < r->n_rows; i++) {
        const struct vs_isolation_row *w = &r->rows[i];
        if (strcmp(w->group, victim) != 0) continue;
        /* A long list of names would crowd the axis: the set of all of them
         * (the only one with several) is "all together". */
        const char *label = strchr(w->neighbours, '+') ? "all together" : w->neighbours;
        uint32_t p = 0, k = 0;
        while (p < c->n_points && strcmp(c->categories[p], label) != 0) p++;
        if (p == c->n_points) {
            if (p == VS_CHART_MAX_POINTS) continue;
            snprintf(c->categories[p], sizeof c->categories[p], "%.47s", label);
            c->n_points++;
        }
        while (k < c->n_series && strcmp(c->series[k].name, w->engine) != 0) k++;
        if (k == c->n_series) {
            if (k == VS_CHART_MAX_SERIES) continue;
            snprintf(c->series[k].name, sizeof c->series[k].name, "%s", w->engine);
            vs_chart_style_engine(&c->series[k], w->engine);
            c->n_series++;
        }
        struct vs_chart_series *s = &c->series[k];
        s->y[p] = isfinite(w->p99_ratio.mean) ? w->p99_ratio.mean : 0;
        s->missing[p] = !isfinite(w->p99_ratio.mean);
        s->lo[p] = w->p99_ratio.low;
        s->hi[p] = w->p99_ratio.high;
    }
}
