/* `virtsim compare`: builds a one-workload scenario for every approach and
 * prints how each scores against native and where its cycles went. The
 * workload runs saturated (a closed loop with no think time), because an
 * open load below capacity would complete the same requests under every
 * approach and hide the overhead; saturated, throughput is capacity. */
#include "virtsim/run/compare.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "virtsim/load/config.h"
#include "virtsim/model/engine.h"
#include "virtsim/core/units.h"
#include "virtsim/out/scores.h"
#include "virtsim/run/replicate.h"

static int add_engine(struct vs_scenario *sc, const char *name, struct vs_error *err)
{
    for (uint32_t k = 0; k < sc->n_engines; k++)
        if (strcmp(sc->engines[k], name) == 0) return VS_OK;
    if (sc->n_engines >= VS_MAX_ENGINES)
        return vs_error_set(err, VS_ERR_INPUT, NULL, 0, 0, "at most %d approaches at once",
                            VS_MAX_ENGINES);
    snprintf(sc->engines[sc->n_engines++], VS_NAME_MAX, "%s", name);
    return VS_OK;
}

/* Adds `name` if the host can run it; otherwise notes it in skipped. */
static int add_if_runnable(struct vs_scenario *sc, const char *name, char *skipped,
                           size_t skipped_len, struct vs_error *err)
{
    struct vs_engine e;
    struct vs_error probe;
    int rc = vs_engine_open(name, &sc->hosts[0].spec, &e, &probe);
    if (rc == VS_OK) {
        vs_engine_close(&e);
        return add_engine(sc, name, err);
    }
    if (!vs_preset_find(name, NULL)) {
        *err = probe;
        return rc;
    }
    size_t used = strlen(skipped);
    snprintf(skipped + used, skipped_len - used, "%s%s (%s)", used ? "; " : "", name,
             probe.message);
    return VS_OK;
}

int vs_compare_scenario(const struct vs_compare_opts *o, struct vs_scenario *sc, char *skipped,
                        size_t skipped_len, struct vs_error *err)
{
    memset(sc, 0, sizeof *sc);
    skipped[0] = '\0';
    struct vs_guest_spec *g = &sc->guests[0];
    int rc = vs_config_resolve_workload(o->workload, NULL, &g->workload, err);
    if (rc != VS_OK) return rc;
    rc = vs_config_resolve_host(o->host ? o->host : "current", NULL, &sc->hosts[0].spec, err);
    if (rc != VS_OK) return rc;

    snprintf(sc->name, sizeof sc->name, "compare-%.50s", g->workload.name);
    snprintf(sc->description, sizeof sc->description, "%s alone on %s, saturated, under each approach",
             g->workload.name, sc->hosts[0].spec.name);
    sc->n_guests = 1;
    snprintf(g->name, sizeof g->name, "%s", g->workload.name);
    g->count = 1;
    g->vcpus = o->vcpus ? o->vcpus : 2;
    g->weight = 256;
    g->queue_limit = VS_DEFAULT_QUEUE_LIMIT;
    /* Saturate: enough clients to keep every vCPU busy while others wait on I/O. */
    struct vs_load_spec *load = &g->workload.load;
    uint32_t clients = load->kind == VS_LOAD_BATCH && load->clients ? load->clients : 4 * g->vcpus;
    *load = (struct vs_load_spec){.kind = VS_LOAD_CLOSED,
                                  .clients = clients,
                                  .think_ns = {VS_DIST_CONSTANT, 0, 0}};
    sc->duration_ns = o->duration_ns ? o->duration_ns : 10 * VS_NS_PER_S;
    sc->warmup_ns = sc->duration_ns / 10;
    sc->seed = o->seed;
    sc->max_events = 500000000;
    snprintf(sc->file, sizeof sc->file, "compare");

    rc = add_engine(sc, "native", err);
    if (rc != VS_OK) return rc;
    if (o->approaches) {
        char list[1024];
        snprintf(list, sizeof list, "%s", o->approaches);
        for (char *save = NULL, *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            while (*t == ' ') t++;
            if (!*t) continue;
            if (!vs_preset_find(t, NULL))
                return vs_error_set(err, VS_ERR_INPUT, NULL, 0, 0,
                                    "--approaches: unknown approach '%s'; known: %s", t,
                                    vs_engine_names());
            rc = add_if_runnable(sc, t, skipped, skipped_len, err);
            if (rc != VS_OK) return rc;
        }
    } else {
        for (size_t i = 0; i < vs_engine_count(); i++) {
            const struct vs_engine_ops *e = vs_engine_at(i);
            for (size_t p = 0; p < e->n_presets; p++) {
                rc = add_if_runnable(sc, e->presets[p].name, skipped, skipped_len, err);
                if (rc != VS_OK) return rc;
            }
        }
    }
    return VS_OK;
}

void vs_compare_write_table(FILE *f, const struct vs_results *r, const char *skipped)
{
    if (r->n_runs == 0 || r->runs[0].n_groups == 0) return;
    const struct vs_guest_result *base = &r->runs[0].groups[0];
    const struct vs_host_spec *h = &r->runs[0].host.spec;
    char a[32], b[32];
    fprintf(f, "%s on host %s (%u vCPUs, saturated closed loop, %s measured, seed %llu)\n",
            base->workload, h->name, base->vcpus,
            vs_units_format_time((double)r->runs[0].window_ns, a, sizeof a),
            (unsigned long long)r->seed);
    if (r->partial)
        fputs("PARTIAL RESULTS: stopped (Ctrl-C) before the end; approaches not listed did not run, the last\n"
              "one listed stopped early, and the scores are over finished replications only.\n",
              f);
    const struct vs_scores *sc = &r->scores;
    if (sc->reps > 1)
        fprintf(f, "score: throughput relative to native (1.00 = native, higher is better), mean of %u\n"
                   "replications with its 95 %% interval; a score whose interval holds 1.00 is 1.00\n\n",
                sc->reps);
    else
        fprintf(f, "score: throughput relative to native (1.00 = native, higher is better); one replication\n\n");

    /* Only the categories some run used get a column. */
    bool used[VS_CAT_COUNT] = {false};
    for (uint32_t k = 0; k < r->n_runs; k++)
        for (int c = 0; c < VS_CAT_COUNT; c++)
            if (c != VS_CAT_IDLE && r->runs[k].groups[0].cpu_ns[c] > 0) used[c] = true;
    fprintf(f, "%-10s %-11s %-12s %8s %8s %13s %9s  ", "approach", "preset", "score", "cpu x", "p99 x",
            "throughput", "p99");
    for (int c = 0; c < VS_CAT_COUNT; c++)
        if (used[c]) fprintf(f, "%6s ", vs_cat_label((enum vs_cpu_cat)c));
    fprintf(f, "\n");
    for (uint32_t k = 0; k < r->n_runs; k++) {
        const struct vs_run_result *run = &r->runs[k];
        const struct vs_guest_result *g = &run->groups[0];
        double cpu = vs_guest_cpu_ns(g);
        const struct vs_group_score *gs = vs_scores_at(sc, k, 0);
        char score[32] = "-", cost[32] = "-", lat[32] = "-";
        if (gs && k == sc->baseline) {
            snprintf(score, sizeof score, "1.00");
            snprintf(cost, sizeof cost, "1.00x");
            snprintf(lat, sizeof lat, "1.00x");
        } else if (gs && !isnan(gs->score.mean)) {
            /* Noise is not a difference: an interval holding 1.00 is 1.00. */
            double v = vs_estimate_holds(&gs->score, 1.0) ? 1.0 : gs->score.mean;
            if (isnan(gs->score.low))
                snprintf(score, sizeof score, "%.2f", v);
            else
                snprintf(score, sizeof score, "%.2f +-%.2f", v, (gs->score.high - gs->score.low) / 2);
            double cr = vs_estimate_holds(&gs->cost_ratio, 1.0) ? 1.0 : gs->cost_ratio.mean;
            snprintf(cost, sizeof cost, "%.2fx", cr);
            double lr = vs_estimate_holds(&gs->p99_ratio, 1.0) ? 1.0 : gs->p99_ratio.mean;
            if (!isnan(lr)) snprintf(lat, sizeof lat, "%.2fx", lr);
        }
        fprintf(f, "%-10s %-11s %-12s %8s %8s %11.1f/s %9s  ", run->approach, run->engine, score, cost, lat,
                g->throughput_per_s, vs_units_format_time((double)g->latency.p99_ns, b, sizeof b));
        for (int c = 0; c < VS_CAT_COUNT; c++)
            if (used[c]) fprintf(f, "%5.1f%% ", cpu > 0 ? 100.0 * g->cpu_ns[c] / cpu : 0.0);
        fprintf(f, "\n");
    }
    fprintf(f, "  cpu x, p99 x: host CPU per completed request and p99 latency over native's (lower is\n"
               "  better); throughput and p99 are the first replication's; the columns after them: where the\n"
               "  guest's CPU time went (%% of it)\n");

    static const enum vs_evt_kind shown[] = {VS_EVT_VMEXIT, VS_EVT_HYPERCALL, VS_EVT_TRAP,
                                             VS_EVT_TRANSLATION, VS_EVT_INTERRUPT,
                                             VS_EVT_SYSCALL, VS_EVT_PAGE_FAULT};
    fprintf(f, "\nevents per second   ");
    for (size_t e = 0; e < sizeof shown / sizeof shown[0]; e++)
        fprintf(f, " %12s", vs_evt_name(shown[e]));
    fprintf(f, "\n");
    for (uint32_t k = 0; k < r->n_runs; k++) {
        const struct vs_run_result *run = &r->runs[k];
        const struct vs_guest_result *g = &run->groups[0];
        fprintf(f, "%-19s ", run->engine);
        for (size_t e = 0; e < sizeof shown / sizeof shown[0]; e++)
            fprintf(f, " %12.0f",
                    run->window_ns > 0 ? g->events[shown[e]] * 1e9 / (double)run->window_ns : 0.0);
        fprintf(f, "\n");
    }
    /* Say so when the replications stopped at their cap before every score
     * was within the target: the lecturer should not read more into them. */
    double worst = 0;
    for (uint32_t k = 0; k < r->n_runs; k++) {
        const struct vs_group_score *gs = vs_scores_at(sc, k, 0);
        if (!gs || k == sc->baseline) continue;
        double h = vs_estimate_rel_halfwidth(&gs->score);
        if (!isnan(h) && h > worst) worst = h;
    }
    if (sc->reps > 1 && worst > VS_REPS_AUTO_TARGET)
        fprintf(f, "\nnote: the widest interval is +-%.1f %% after %u replications; a longer --duration or more\n"
                   "--reps narrows it (few requests complete per run: each counts for much)\n",
                100.0 * worst, sc->reps);
    if (skipped && skipped[0]) fprintf(f, "\nnot run on this host: %s\n", skipped);
}
