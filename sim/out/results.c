/* Releasing results and naming guest states. */
#include "virtsim/out/results.h"

#include <stdlib.h>
#include <string.h>

const char *vs_guest_state_name(enum vs_guest_state s)
{
    switch (s) {
    case VS_GUEST_BOOTING: return "booting";
    case VS_GUEST_RUNNING: return "running";
    case VS_GUEST_FINISHED: return "finished";
    case VS_GUEST_FAILED: return "failed";
    case VS_GUEST_PAUSED: return "paused";
    case VS_GUEST_STOPPED: return "stopped";
    case VS_GUEST_INCOMING: return "incoming";
    case VS_GUEST_DOWN: return "down";
    case VS_GUEST_MIGRATED: return "migrated";
    }
    return "?";
}

double vs_guest_cpu_ns(const struct vs_guest_result *g)
{
    double sum = 0;
    for (int c = 0; c < VS_CAT_COUNT; c++)
        if (c != VS_CAT_IDLE) sum += g->cpu_ns[c];
    return sum;
}

double vs_guest_steal_fraction(const struct vs_guest_result *g)
{
    if (!(g->vcpu_ns > 0)) return 0;
    double f = g->cpu_wait_ns / g->vcpu_ns;
    return f < 0 ? 0 : f > 1 ? 1 : f;
}

void vs_run_result_free(struct vs_run_result *r)
{
    if (!r) return;
    free(r->groups);
    free(r->instances);
    free(r->host.core_ns_by_cat);
    for (uint32_t h = 0; h < r->n_hosts; h++) free(r->hosts[h].core_ns_by_cat);
    free(r->hosts);
    free(r->links);
    r->hosts = NULL;
    r->links = NULL;
    r->n_hosts = r->n_links = 0;
    free(r->applied);
    free(r->figures);
    r->figures = NULL;
    r->n_figures = 0;
    free(r->migrations);
    free(r->checkpoints);
    free(r->outages);
    r->outages = NULL;
    r->n_outages = 0;
    r->migrations = NULL;
    r->checkpoints = NULL;
    r->n_migrations = r->n_checkpoints = 0;
    r->host.core_ns_by_cat = NULL;
    r->applied = NULL;
    r->n_applied = 0;
    r->groups = NULL;
    r->instances = NULL;
    r->n_groups = r->n_instances = 0;
}

void vs_results_free(struct vs_results *r)
{
    if (!r) return;
    for (uint32_t i = 0; i < r->n_runs; i++) vs_run_result_free(&r->runs[i]);
    free(r->runs);
    r->runs = NULL;
    r->n_runs = 0;
    free(r->scores.groups);
    memset(&r->scores, 0, sizeof r->scores);
}

const char *vs_score_kind_name(enum vs_score_kind k)
{
    switch (k) {
    case VS_SCORE_COST: return "cpu per request";
    case VS_SCORE_THROUGHPUT: return "throughput";
    case VS_SCORE_SPEED: return "speed";
    }
    return "?";
}

const char *vs_resource_name(enum vs_resource r)
{
    static const char *const names[] = {"cpu", "memory", "disk", "nic", "none"};
    return r <= VS_RES_NONE ? names[r] : "?";
}

const char *vs_probe_basis_name(enum vs_probe_basis b)
{
    static const char *const names[] = {"full", "early", "memory"};
    return b <= VS_PROBE_MEMORY ? names[b] : "?";
}
