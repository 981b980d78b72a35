/* Labs, the model (lab/lab.h): finding a lab, building its steps'
 * scenarios, running them, computing each question's key from the results
 * and grading answers. The key is never stored: every check runs the step
 * with its seed, so the same model gives the same key (determinism) and a
 * changed model gives the changed one. */
#include "virtsim/lab/lab.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "virtsim/load/config.h"
#include "virtsim/load/params.h"
#include "virtsim/load/yamltree.h"
#include "virtsim/run/compare.h"
#include "virtsim/run/density.h"
#include "virtsim/run/isolation.h"
#include "virtsim/run/replicate.h"

/* ---- finding a lab ---- */

size_t vs_lab_builtin_count(void)
{
    size_t n = 0;
    for (size_t i = 0; i < vs_builtin_count(); i++) n += vs_builtin_at(i)->kind == VS_BUILTIN_LAB;
    return n;
}

const struct vs_builtin *vs_lab_builtin_at(size_t i)
{
    for (size_t k = 0; k < vs_builtin_count(); k++)
        if (vs_builtin_at(k)->kind == VS_BUILTIN_LAB && i-- == 0) return vs_builtin_at(k);
    return NULL;
}

/* "3" -> 03-..., "trap-and-emulate" -> 03-trap-and-emulate, or the full name. */
static const struct vs_builtin *find_builtin(const char *what)
{
    char *end;
    unsigned long num = strtoul(what, &end, 10);
    bool number = end != what && *end == '\0';
    for (size_t i = 0; i < vs_lab_builtin_count(); i++) {
        const struct vs_builtin *b = vs_lab_builtin_at(i);
        if (strcmp(b->name, what) == 0) return b;
        if (number && strtoul(b->name, NULL, 10) == num) return b;
        const char *dash = strchr(b->name, '-');
        if (!number && dash && isdigit((unsigned char)b->name[0]) && strcmp(dash + 1, what) == 0) return b;
    }
    return NULL;
}

int vs_lab_open(const char *what, struct vs_lab *out, struct vs_error *err)
{
    memset(out, 0, sizeof *out);
    struct stat st;
    int rc;
    if (stat(what, &st) == 0) {
        rc = vs_lab_load_file(what, out, err);
    } else {
        const struct vs_builtin *b = find_builtin(what);
        if (!b) {
            char names[1024];
            size_t used = 0;
            names[0] = '\0';
            for (size_t i = 0; i < vs_lab_builtin_count() && used < sizeof names; i++)
                used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "",
                                         vs_lab_builtin_at(i)->name);
            return vs_error_set(err, VS_ERR_INPUT, NULL, 0, 0,
                                "%s: no such file, and no built-in lab of that number or name (virtsim lab list: %s)",
                                what, used ? names : "none");
        }
        char origin[300];
        snprintf(origin, sizeof origin, "builtin:%s", b->path);
        rc = vs_lab_load(b->data, b->len, origin, b->name, NULL, out, err);
    }
    if (rc == VS_OK) rc = vs_lab_prepare(out, err);
    if (rc != VS_OK) vs_lab_free(out);
    return rc;
}

/* ---- building the steps' scenarios ---- */

static int at(const struct vs_lab *lab, int line, int column, struct vs_error *err, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int at(const struct vs_lab *lab, int line, int column, struct vs_error *err, const char *fmt, ...)
{
    char msg[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return vs_error_set(err, VS_ERR_INPUT, lab->origin, line, column, "%s", msg);
}

static bool has_action(const struct vs_scenario *sc, const char *a, const char *b)
{
    for (uint32_t i = 0; i < sc->n_events; i++)
        if (strcmp(sc->events[i].action, a) == 0 || (b && strcmp(sc->events[i].action, b) == 0)) return true;
    return false;
}

static int check_ref(const struct vs_lab *lab, const struct vs_lab_step *st, const struct vs_lab_expr *e,
                     const struct vs_lab_ref *r, struct vs_error *err)
{
    const struct vs_scenario *sc = st->scenario;
    bool engine = false;
    char list[VS_MAX_ENGINES * (VS_NAME_MAX + 2)];
    size_t used = 0;
    list[0] = '\0';
    for (uint32_t k = 0; k < sc->n_engines; k++) {
        engine = engine || strcmp(sc->engines[k], r->engine) == 0;
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", k ? ", " : "", sc->engines[k]);
    }
    if (!engine)
        return at(lab, e->line, e->column, err,
                  "answer expression '%.100s': the step does not run engine '%s' (it runs %s)", e->text, r->engine,
                  list);
    if (st->density != (r->object == VS_LAB_OBJ_DENSITY))
        return at(lab, e->line, e->column, err,
                  st->density ? "answer expression '%.100s': a density step has only density figures "
                                "(ENGINE.density.FIELD: guests, memory_per_guest_mib, limited_by_*, ...)"
                              : "answer expression '%.100s': density figures need a density: step",
                  e->text);
    if (st->isolation != (r->object == VS_LAB_OBJ_ISOLATION))
        return at(lab, e->line, e->column, err,
                  st->isolation ? "answer expression '%.100s': an isolation step has only isolation figures "
                                  "(ENGINE.isolation.NEIGHBOUR.FIELD)"
                                : "answer expression '%.100s': isolation figures need an isolation: step",
                  e->text);
    if (r->object == VS_LAB_OBJ_ISOLATION) {
        /* With policies every figure names one (the rows are per policy);
         * without, none. */
        bool listed = false;
        char pl[VS_LAB_MAX_POLICIES * 18] = "";
        size_t pused = 0;
        for (uint32_t k = 0; k < st->n_policies; k++) {
            listed = listed || strcmp(st->policies[k], r->policy) == 0;
            pused += (size_t)snprintf(pl + pused, sizeof pl - pused, "%s%s", k ? ", " : "", st->policies[k]);
        }
        if (st->n_policies && !listed)
            return at(lab, e->line, e->column, err,
                      r->policy[0] ? "answer expression '%.100s': the step does not compare policy '%s' (its "
                                     "policies: %s)"
                                   : "answer expression '%.100s': the step compares policies; name one "
                                     "(ENGINE.isolation.POLICY.NEIGHBOUR.FIELD, POLICY one of %s%s)",
                      e->text, r->policy[0] ? r->policy : "", pl);
        if (!st->n_policies && r->policy[0])
            return at(lab, e->line, e->column, err,
                      "answer expression '%.100s': the step compares no policies (isolation: {policies: [...]}); "
                      "write ENGINE.isolation.NEIGHBOUR.FIELD",
                      e->text);
        if (strcmp(r->item, "all") == 0) return VS_OK;
        /* A neighbour: neither the victim nor the group that is its
         * clients (run/isolation.h keeps both in every run). */
        bool side[VS_MAX_GUEST_GROUPS] = {false};
        for (uint32_t g = 0; g < sc->n_guests; g++)
            side[g] = st->victim[0] ? strcmp(sc->guests[g].name, st->victim) == 0 : sc->guests[g].victim;
        for (uint32_t g = 0; g < sc->n_guests; g++)
            if (side[g] && sc->guests[g].peer[0])
                for (uint32_t p = 0; p < sc->n_guests; p++)
                    if (strcmp(sc->guests[p].name, sc->guests[g].peer) == 0) side[p] = true;
        for (uint32_t g = 0; g < sc->n_guests; g++)
            if (strcmp(sc->guests[g].name, r->item) == 0 && !side[g]) return VS_OK;
        return at(lab, e->line, e->column, err,
                  "answer expression '%.100s': '%s' is not a neighbour of the victim %s; name a guest group "
                  "beside it, or all",
                  e->text, r->item, st->victim[0] ? st->victim : "(the group marked victim: true)");
    }
    if (r->object == VS_LAB_OBJ_GROUP) {
        for (uint32_t g = 0; g < sc->n_guests; g++)
            if (strcmp(sc->guests[g].name, r->item) == 0) return VS_OK;
        used = 0;
        for (uint32_t g = 0; g < sc->n_guests && used < sizeof list; g++)
            used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", g ? ", " : "", sc->guests[g].name);
        return at(lab, e->line, e->column, err,
                  "answer expression '%.100s': the step's scenario has no guest group '%s' (its groups: %s; or "
                  "host, migration, checkpoint)",
                  e->text, r->item, list);
    }
    if (r->object == VS_LAB_OBJ_MIGRATION && !has_action(sc, "migrate", NULL))
        return at(lab, e->line, e->column, err,
                  "answer expression '%.100s': the step's scenario migrates nothing (no migrate: event)", e->text);
    if (r->object == VS_LAB_OBJ_CHECKPOINT && !has_action(sc, "checkpoint", "restore"))
        return at(lab, e->line, e->column, err,
                  "answer expression '%.100s': the step's scenario has no checkpoint: or restore: event", e->text);
    return VS_OK;
}

static int check_expr(const struct vs_lab *lab, const struct vs_lab_step *st, const struct vs_lab_expr *e,
                      struct vs_error *err)
{
    for (int i = 0; i < e->n_nodes; i++)
        if (e->nodes[i].op == VS_LX_REF) {
            int rc = check_ref(lab, st, e, &e->nodes[i].ref, err);
            if (rc != VS_OK) return rc;
        }
    return VS_OK;
}

static int build_step(const struct vs_lab *lab, struct vs_lab_step *st, struct vs_error *err)
{
    int rc = VS_OK;
    char skipped[1024] = "";
    if (st->source != VS_LAB_SRC_INLINE) {
        st->scenario = malloc(sizeof *st->scenario);
        if (!st->scenario) return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    }
    struct vs_scenario *sc = st->scenario;
    if (st->source == VS_LAB_SRC_SCENARIO) {
        const struct vs_builtin *b = vs_builtin_find(VS_BUILTIN_SCENARIO, st->source_name);
        char origin[300];
        snprintf(origin, sizeof origin, "builtin:%s", b->path);
        rc = vs_config_load_scenario(b->data, b->len, origin, NULL, sc, err);
    } else if (st->source == VS_LAB_SRC_WORKLOAD) {
        char list[VS_MAX_ENGINES * (VS_NAME_MAX + 1)] = "";
        size_t used = 0;
        for (uint32_t i = 0; i < st->n_approaches; i++)
            used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", used ? "," : "", st->approaches[i]);
        struct vs_compare_opts o = {.workload = st->source_name, .host = st->host[0] ? st->host : NULL,
                                    .approaches = st->n_approaches ? list : "qemu,xen-pv,kvm,lxc",
                                    .vcpus = st->vcpus, .duration_ns = st->duration_ns, .seed = 1};
        rc = vs_compare_scenario(&o, sc, skipped, sizeof skipped, err);
    }
    if (rc != VS_OK) return at(lab, st->line, st->column, err, "scenario: %s", err->message);
    if (sc->sweep.param[0])
        return at(lab, st->line, st->column, err,
                  "scenario: '%s' sweeps %s; a step runs one scenario (ask about one point, or use set:)", sc->name,
                  sc->sweep.param);
    if (st->n_approaches && st->source != VS_LAB_SRC_WORKLOAD) {
        sc->n_engines = st->n_approaches;
        for (uint32_t i = 0; i < st->n_approaches; i++) memcpy(sc->engines[i], st->approaches[i], VS_NAME_MAX);
    }
    if (st->duration_ns && st->source != VS_LAB_SRC_WORKLOAD) {
        sc->duration_ns = st->duration_ns;
        if (sc->warmup_ns >= sc->duration_ns) sc->warmup_ns = sc->duration_ns / 10;
    }
    if (st->have_seed) sc->seed = st->seed;
    for (uint32_t i = 0; i < st->n_sets; i++) {
        const struct vs_lab_set *s = &st->sets[i];
        enum vs_unit_kind unit;
        char why[300];
        double v;
        if (vs_param_unit(sc, s->param, &unit, why, sizeof why) != 0)
            return at(lab, s->line, s->column, err, "set: %s", why);
        if (vs_units_parse(s->value, unit, &v, why, sizeof why) != 0)
            return at(lab, s->line, s->column, err, "set: %s: '%s': %s", s->param, s->value, why);
        if (vs_param_set(sc, s->param, v, why, sizeof why) != 0)
            return at(lab, s->line, s->column, err, "set: %s: %s", s->param, why);
    }
    for (uint32_t i = 0; i < st->n_slas; i++) {
        struct vs_sla sla;
        struct vs_error e2;
        if (vs_sla_parse(st->slas[i], &sla, &e2) != VS_OK)
            return at(lab, st->sla_line[i], st->sla_column[i], err, "density.sla: %s", e2.message);
    }
    if (st->isolation) {
        /* One victim, so that a figure names one row: the victim: key, or
         * the one group the scenario marks. */
        uint32_t marked = 0, named = sc->n_guests;
        for (uint32_t g = 0; g < sc->n_guests; g++) {
            marked += sc->guests[g].victim;
            if (strcmp(sc->guests[g].name, st->victim) == 0) named = g;
        }
        if (st->victim[0] && named == sc->n_guests)
            return at(lab, st->victim_line, st->victim_column, err,
                      "isolation.victim: the step's scenario has no guest group '%s'", st->victim);
        if (!st->victim[0] && marked != 1)
            return at(lab, st->line, st->column, err,
                      "isolation: the scenario marks %u groups victim: true; name the one the step measures with "
                      "isolation: {victim: NAME}",
                      marked);
        if (sc->n_guests < 2)
            return at(lab, st->line, st->column, err, "isolation: the scenario has no group beside the victim");
    }
    if (skipped[0] && st->n_approaches) {
        /* An engine the host cannot run is a mistake in the lab, not a
         * reason to drop a question silently. */
        return at(lab, st->line, st->column, err, "the host cannot run: %s", skipped);
    }
    for (uint32_t k = 0; k < st->n_questions; k++) {
        const struct vs_lab_question *q = &st->questions[k];
        if (q->kind == VS_LAB_Q_NUMBER) rc = check_expr(lab, st, &q->answer, err);
        for (uint32_t c = 0; c < q->n_choices && rc == VS_OK; c++)
            if (q->choices[c].value) rc = check_expr(lab, st, q->choices[c].value, err);
        if (rc != VS_OK) return rc;
    }
    return VS_OK;
}

int vs_lab_prepare(struct vs_lab *lab, struct vs_error *err)
{
    for (uint32_t s = 0; s < lab->n_steps; s++) {
        int rc = build_step(lab, &lab->steps[s], err);
        if (rc != VS_OK) return rc;
    }
    return VS_OK;
}

/* ---- running a step ---- */

int vs_lab_run_step(const struct vs_lab *lab, uint32_t step, uint32_t threads, struct vs_control *control,
                    struct vs_lab_results *out, struct vs_error *err)
{
    memset(out, 0, sizeof *out);
    if (step >= lab->n_steps || !lab->steps[step].scenario)
        return vs_error_set(err, VS_ERR_INPUT, NULL, 0, 0, "the lab has no step %u", step + 1);
    const struct vs_lab_step *st = &lab->steps[step];
    struct vs_scenario *sc = malloc(sizeof *sc);
    if (!sc) return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    *sc = *st->scenario;
    sc->control = control;
    int rc;
    if (st->density) {
        struct vs_density_opts o = {.max_guests = st->density_max, .threads = threads,
                                    .overcommit_sharing = st->overcommit_sharing,
                                    .overcommit_balloon = st->overcommit_balloon};
        for (uint32_t i = 0; i < st->n_slas; i++) vs_sla_parse(st->slas[i], &o.slas[o.n_slas++], err);
        out->density = true;
        out->dens = calloc(sc->n_engines, sizeof *out->dens);
        out->n_dens = sc->n_engines;
        rc = out->dens ? vs_density_run(sc, &o, out->dens, err)
                       : vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    } else if (st->isolation) {
        char policies[VS_LAB_MAX_POLICIES * 17] = "";
        size_t used = 0;
        for (uint32_t k = 0; k < st->n_policies; k++)
            used += (size_t)snprintf(policies + used, sizeof policies - used, "%s%s", k ? "," : "", st->policies[k]);
        struct vs_isolation_opts o = {.victims = st->victim[0] ? st->victim : NULL, .reps = st->reps,
                                      .threads = threads, .seed = sc->seed,
                                      .policies = st->n_policies ? policies : NULL};
        out->isolation = true;
        rc = vs_isolation_run(sc, &o, &out->iso, err);
    } else {
        rc = vs_sim_run_replicated(sc, sc->seed, st->reps, threads, &out->res, err);
    }
    out->scenario = st->scenario;
    free(sc);
    if (rc != VS_OK) vs_lab_results_free(out);
    return rc;
}

void vs_lab_results_free(struct vs_lab_results *r)
{
    if (!r) return;
    if (r->isolation) vs_isolation_free(&r->iso);
    else if (!r->density) vs_results_free(&r->res);
    free(r->dens);
    memset(r, 0, sizeof *r);
}

/* ---- evaluating ---- */

/* The loader (one layer down) names the limited_by_* fields in this order. */
_Static_assert(VS_RES_CPU == 0 && VS_RES_MEMORY == 1 && VS_RES_DISK == 2 && VS_RES_NIC == 3,
               "limited_by_* fields follow enum vs_resource");
/* A step's policies fit the isolation run's. */
_Static_assert(VS_LAB_MAX_POLICIES <= VS_ISOLATION_MAX_POLICIES, "an isolation step's policies fit the run's");

static int missing(char *why, size_t len, const char *fmt, const char *a, const char *b)
{
    snprintf(why, len, fmt, a, b);
    return VS_ERR_RUNTIME;
}

/* The group's last CPU resource change (a set: naming cpus, cap or weight
 * that the run applied): from the event to its full effect on every
 * instance, as the report's timeline gives it ("full effect at"). A set
 * that changes memory in the same event is refused: its full effect is
 * the later of the two, so the figure would not be the CPU's. */
static int cpu_change_value(const struct vs_run_result *run, const struct vs_scenario *sc,
                            const struct vs_lab_ref *r, double *v, char *why, size_t len)
{
    if (!sc) return missing(why, len, "%s: %s: the step's scenario is not known", r->engine, "cpu_change_s");
    const struct vs_applied_event *last = NULL;
    const struct vs_timeline_event *last_ev = NULL;
    for (uint32_t i = 0; i < run->n_applied; i++) {
        const struct vs_applied_event *a = &run->applied[i];
        if (a->event >= sc->n_events) continue;
        const struct vs_timeline_event *ev = &sc->events[a->event];
        if (!a->ok || ev->at_ns != a->at_ns || strcmp(ev->action, "set") != 0 || strcmp(ev->target, r->item) != 0)
            continue;
        bool cpu = false;
        for (uint32_t o = 0; o < ev->n_opts; o++)
            cpu = cpu || strcmp(ev->opts[o].key, "cpus") == 0 || strcmp(ev->opts[o].key, "cap") == 0 ||
                  strcmp(ev->opts[o].key, "weight") == 0;
        if (cpu) {
            last = a;
            last_ev = ev;
        }
    }
    if (!last)
        return missing(why, len, "%s: group %s had no set: of cpus, cap or weight that the run applied", r->engine,
                       r->item);
    for (uint32_t o = 0; o < last_ev->n_opts; o++)
        if (strcmp(last_ev->opts[o].key, "memory") == 0)
            return missing(why, len, "%s: the last CPU set: of group %s changes memory too: its full effect is "
                                     "both changes'; set them in separate events",
                           r->engine, r->item);
    if (last->effective_ns < 0)
        return missing(why, len, "%s: the last CPU set: of group %s has no full-effect time", r->engine, r->item);
    *v = (double)(last->effective_ns - last->at_ns) / 1e9;
    return VS_OK;
}

static int group_value(const struct vs_results *res, uint32_t k, const struct vs_scenario *sc,
                       const struct vs_lab_ref *r, double *v, char *why, size_t len)
{
    const struct vs_run_result *run = &res->runs[k];
    uint32_t g = 0;
    while (g < run->n_groups && strcmp(run->groups[g].name, r->item) != 0) g++;
    if (g == run->n_groups) return missing(why, len, "%s: no group %s in the results", r->engine, r->item);
    const struct vs_guest_result *gr = &run->groups[g];
    double window_s = (double)run->window_ns / 1e9, cpu = vs_guest_cpu_ns(gr);
    double done = (double)gr->completed;
    enum vs_lab_field f = r->field;
    bool needs_done = f == VS_LF_CPU_PER_REQ_US || f == VS_LF_MEAN_MS || f == VS_LF_P50_MS || f == VS_LF_P99_MS ||
                      f == VS_LF_P50_US || f == VS_LF_P99_US || (f >= VS_LF_PER_REQ_FIRST && f < VS_LF_SCORE);
    if (needs_done && done <= 0)
        return missing(why, len, "%s: group %s completed no request in the window: no figure per request", r->engine,
                       r->item);
    if (vs_lab_field_is_score(f)) {
        const struct vs_scores *s = &res->scores;
        if (!s->groups || k >= s->n_engines || g >= s->n_groups)
            return missing(why, len, "%s: no scores for group %s", r->engine, r->item);
        const struct vs_group_score *gs = &s->groups[k * s->n_groups + g];
        *v = f == VS_LF_SCORE ? gs->score.mean
           : f == VS_LF_COST_RATIO ? gs->cost_ratio.mean
           : f == VS_LF_THROUGHPUT_RATIO ? gs->throughput_ratio.mean : gs->p99_ratio.mean;
        return isfinite(*v) ? VS_OK : missing(why, len, "%s: group %s has no such score", r->engine, r->item);
    }
    if (f >= VS_LF_SHARE_FIRST && f < VS_LF_EVT_FIRST) {
        if (cpu <= 0) return missing(why, len, "%s: group %s used no CPU", r->engine, r->item);
        *v = 100.0 * gr->cpu_ns[f - VS_LF_SHARE_FIRST] / cpu;
        return VS_OK;
    }
    if (f >= VS_LF_EVT_FIRST && f < VS_LF_PER_REQ_FIRST) {
        *v = window_s > 0 ? gr->events[f - VS_LF_EVT_FIRST] / window_s : 0;
        return VS_OK;
    }
    if (f >= VS_LF_PER_REQ_FIRST && f < VS_LF_SCORE) {
        *v = gr->events[f - VS_LF_PER_REQ_FIRST] / done;
        return VS_OK;
    }
    switch (f) {
    case VS_LF_THROUGHPUT_PER_S: *v = gr->throughput_per_s; break;
    case VS_LF_MEAN_MS: *v = gr->latency.mean_ns / 1e6; break;
    case VS_LF_P50_MS: *v = (double)gr->latency.p50_ns / 1e6; break;
    case VS_LF_P99_MS: *v = (double)gr->latency.p99_ns / 1e6; break;
    case VS_LF_P50_US: *v = (double)gr->latency.p50_ns / 1e3; break;
    case VS_LF_P99_US: *v = (double)gr->latency.p99_ns / 1e3; break;
    case VS_LF_COMPLETION_S:
        if (gr->completion_ns < 0) return missing(why, len, "%s: group %s did not finish its batch", r->engine, r->item);
        *v = gr->completion_ns / 1e9;
        break;
    case VS_LF_CPU_PER_REQ_US: *v = cpu / done / 1e3; break;
    case VS_LF_CPU_CORES: *v = window_s > 0 ? cpu / 1e9 / window_s : 0; break;
    case VS_LF_MEMORY_MIB: *v = vs_mem_parts_total(&gr->memory) / (1024.0 * 1024.0); break;
    case VS_LF_DROPPED: *v = (double)gr->dropped; break;
    case VS_LF_COMPLETED: *v = done; break;
    case VS_LF_BOOT_S: *v = (double)gr->start_ns / 1e9; break;
    case VS_LF_DOWN_S: *v = gr->down_ns / 1e9; break;
    case VS_LF_LOST: *v = (double)gr->lost; break;
    case VS_LF_STEAL_PCT:
        if (gr->vcpu_ns <= 0) return missing(why, len, "%s: group %s had no vCPU time in the window", r->engine, r->item);
        *v = 100.0 * vs_guest_steal_fraction(gr);
        break;
    case VS_LF_CPU_CHANGE_S: return cpu_change_value(run, sc, r, v, why, len);
    case VS_LF_MM_RESIDENT_MIB:
    case VS_LF_MM_SHARED_MIB:
    case VS_LF_MM_BALLOONED_MIB:
    case VS_LF_MM_SWAPPED_MIB:
    case VS_LF_MM_SWAP_INS:
    case VS_LF_MM_OOM_KILLS:
    case VS_LF_MM_CHANGE_S:
    case VS_LF_MM_BALLOON_CPU_MS: {
        const struct vs_mem_mgmt *mm = &gr->mm;
        if (!mm->managed)
            return missing(why, len, "%s: group %s has no memory management (resources: memory, or a set: memory)",
                           r->engine, r->item);
        const double mib = 1024.0 * 1024.0;
        if (f == VS_LF_MM_CHANGE_S) {
            if (mm->change_at_ns < 0 || mm->change_done_ns < 0)
                return missing(why, len, "%s: group %s has no memory change that took full effect", r->engine,
                               r->item);
            *v = (mm->change_done_ns - mm->change_at_ns) / 1e9;
            break;
        }
        *v = f == VS_LF_MM_RESIDENT_MIB ? mm->resident_bytes / mib
           : f == VS_LF_MM_SHARED_MIB ? mm->shared_bytes / mib
           : f == VS_LF_MM_BALLOONED_MIB ? mm->ballooned_bytes / mib
           : f == VS_LF_MM_SWAPPED_MIB ? mm->swapped_bytes / mib
           : f == VS_LF_MM_SWAP_INS ? (double)mm->swap_ins
           : f == VS_LF_MM_OOM_KILLS ? (double)mm->oom_kills : mm->balloon_cpu_ns / 1e6;
        break;
    }
    default: return missing(why, len, "%s: %s: not a group figure", r->engine, vs_lab_field_name(f));
    }
    return VS_OK;
}

static int run_value(const struct vs_results *res, const struct vs_scenario *sc, const struct vs_lab_ref *r,
                     double *v, char *why, size_t len)
{
    uint32_t k = 0;
    while (k < res->n_runs && strcmp(res->runs[k].engine, r->engine) != 0) k++;
    if (k == res->n_runs) return missing(why, len, "%s: engine %s did not run", r->engine, r->engine);
    const struct vs_run_result *run = &res->runs[k];
    switch (r->object) {
    case VS_LAB_OBJ_GROUP: return group_value(res, k, sc, r, v, why, len);
    case VS_LAB_OBJ_HOST:
        if (r->field >= VS_LF_HOST_OVERCOMMIT && r->field <= VS_LF_HOST_KSM_CPU_S) {
            const struct vs_mem_mgmt *mm = &run->host.mm;
            if (!mm->managed)
                return missing(why, len, "%s: no guest has memory management (resources: memory)", r->engine, "");
            const double mib = 1024.0 * 1024.0;
            *v = r->field == VS_LF_HOST_OVERCOMMIT ? mm->overcommit_ratio
               : r->field == VS_LF_HOST_SHARED_MIB ? mm->shared_bytes / mib
               : r->field == VS_LF_HOST_BALLOONED_MIB ? mm->ballooned_bytes / mib
               : r->field == VS_LF_HOST_SWAPPED_MIB ? mm->swapped_bytes / mib : mm->ksm_cpu_ns / 1e9;
            return VS_OK;
        }
        *v = r->field == VS_LF_HOST_CPU_PCT ? 100.0 * run->host.cpu_utilisation
           : r->field == VS_LF_HOST_MEM_USED_GIB ? run->host.mem_used_bytes / (1024.0 * 1024.0 * 1024.0)
           : r->field == VS_LF_HOST_NIC_RX_PCT ? 100.0 * run->host.nic_rx_utilisation
           : r->field == VS_LF_HOST_NIC_TX_PCT ? 100.0 * run->host.nic_tx_utilisation
           : 100.0 * run->host.disk_utilisation;
        return VS_OK;
    case VS_LAB_OBJ_MIGRATION: {
        const struct vs_migration_record *m = NULL;
        size_t il = strlen(r->item);
        for (uint32_t i = 0; i < run->n_migrations && !m; i++) {
            const char *gname = run->migrations[i].guest;
            if (!r->item[0] || strcmp(gname, r->item) == 0 ||
                (strncmp(gname, r->item, il) == 0 && gname[il] == '-'))
                m = &run->migrations[i];
        }
        if (!m) return missing(why, len, "%s: no migration%s%s in the results", r->engine, r->item[0] ? " of " : "");
        if (!m->done && r->field != VS_LF_MIG_ROUNDS && r->field != VS_LF_MIG_SENT_MIB)
            return missing(why, len, "%s: the migration of %s did not finish within the run", r->engine, m->guest);
        switch (r->field) {
        case VS_LF_MIG_DOWNTIME_MS: *v = (double)m->downtime_ns / 1e6; break;
        case VS_LF_MIG_TOTAL_S: *v = (double)(m->end_ns - m->start_ns) / 1e9; break;
        case VS_LF_MIG_SENT_MIB: *v = m->bytes_sent / (1024.0 * 1024.0); break;
        case VS_LF_MIG_ROUNDS: *v = m->rounds; break;
        case VS_LF_MIG_CONVERGED: *v = m->converged ? 1 : 0; break;
        default: *v = 100.0 * m->throttle_min; break;
        }
        return VS_OK;
    }
    case VS_LAB_OBJ_CHECKPOINT: {
        uint32_t n = r->item[0] ? (uint32_t)atoi(r->item) : 1;
        if (n < 1 || n > run->n_checkpoints)
            return missing(why, len, "%s: checkpoint %s is not in the results", r->engine, r->item[0] ? r->item : "1");
        const struct vs_checkpoint_record *cp = &run->checkpoints[n - 1];
        if (!cp->done) return missing(why, len, "%s: %s did not finish within the run", r->engine, cp->kind);
        if (r->field == VS_LF_CP_NEIGHBOURS_BEFORE_MS || r->field == VS_LF_CP_NEIGHBOURS_DURING_MS) {
            double ns = r->field == VS_LF_CP_NEIGHBOURS_BEFORE_MS ? cp->neighbours_disk_before_ns
                                                                  : cp->neighbours_disk_during_ns;
            if (ns < 0)
                return missing(why, len, "%s: the neighbours of %s made no disk request then", r->engine, cp->guest);
            *v = ns / 1e6;
            return VS_OK;
        }
        *v = r->field == VS_LF_CP_FREEZE_MS ? (double)cp->freeze_ns / 1e6
           : r->field == VS_LF_CP_TOTAL_S ? (double)cp->total_ns / 1e9 : cp->image_bytes / (1024.0 * 1024.0);
        return VS_OK;
    }
    case VS_LAB_OBJ_DENSITY:
    case VS_LAB_OBJ_ISOLATION: break;
    }
    return missing(why, len, "%s: %s is not a figure of a run", r->engine, vs_lab_field_name(r->field));
}

/* The victim's row beside the neighbour set the reference names ("all":
 * every neighbour, the scenario as written: the last set). */
static int isolation_value(const struct vs_isolation *iso, const struct vs_lab_ref *r, double *v, char *why,
                           size_t len)
{
    const char *set = strcmp(r->item, "all") == 0 ? iso->neighbours : r->item;
    const struct vs_isolation_row *row = NULL;
    for (uint32_t i = 0; i < iso->n_rows && !row; i++)
        if (strcmp(iso->rows[i].engine, r->engine) == 0 && strcmp(iso->rows[i].neighbours, set) == 0 &&
            strcmp(iso->rows[i].policy, r->policy) == 0)
            row = &iso->rows[i];
    if (!row)
        return missing(why, len, r->policy[0] ? "%s: no isolation figures beside %s under that policy"
                                              : "%s: no isolation figures beside %s",
                       r->engine, r->item);
    enum vs_lab_field f = r->field;
    if (row->completed_nothing && f != VS_LF_ISO_THROUGHPUT_ALONE_PER_S && f != VS_LF_ISO_THROUGHPUT_WITH_PER_S &&
        f != VS_LF_ISO_THROUGHPUT_RATIO)
        return missing(why, len, "%s: the victim completed nothing in some replication beside %s", r->engine,
                       r->item);
    if (f >= VS_LF_ISO_CONT_FIRST && f < VS_LF_COUNT) {
        *v = row->contention_ns_per_request[f - VS_LF_ISO_CONT_FIRST] / 1e3;
        return VS_OK;
    }
    switch (f) {
    case VS_LF_ISO_P99_RATIO: *v = row->p99_ratio.mean; break;
    case VS_LF_ISO_THROUGHPUT_RATIO: *v = row->throughput_ratio.mean; break;
    case VS_LF_ISO_CPU_PER_REQ_RATIO: *v = row->cpu_per_request_ratio.mean; break;
    case VS_LF_ISO_P99_ALONE_MS: *v = row->p99_alone_ns.mean / 1e6; break;
    case VS_LF_ISO_P99_WITH_MS: *v = row->p99_with_ns.mean / 1e6; break;
    case VS_LF_ISO_THROUGHPUT_ALONE_PER_S: *v = row->throughput_alone_per_s.mean; break;
    case VS_LF_ISO_THROUGHPUT_WITH_PER_S: *v = row->throughput_with_per_s.mean; break;
    case VS_LF_ISO_CPU_WAIT_ALONE_US: *v = row->cpu_wait_ns_per_request_alone / 1e3; break;
    case VS_LF_ISO_CPU_WAIT_WITH_US: *v = row->cpu_wait_ns_per_request_with / 1e3; break;
    default: return missing(why, len, "%s: %s is not an isolation figure", r->engine, vs_lab_field_name(f));
    }
    return isfinite(*v) ? VS_OK : missing(why, len, "%s: no such figure beside %s", r->engine, r->item);
}

static int ref_value(const struct vs_lab_results *lr, const struct vs_lab_ref *r, double *v, char *why, size_t len)
{
    if (lr->isolation) {
        if (r->object != VS_LAB_OBJ_ISOLATION)
            return missing(why, len, "%s: %s is not a figure of an isolation comparison", r->engine,
                           vs_lab_field_name(r->field));
        return isolation_value(&lr->iso, r, v, why, len);
    }
    if (r->object == VS_LAB_OBJ_ISOLATION)
        return missing(why, len, "%s: %s needs an isolation comparison", r->engine, vs_lab_field_name(r->field));
    if (!lr->density) return run_value(&lr->res, lr->scenario, r, v, why, len);
    for (uint32_t k = 0; k < lr->n_dens; k++) {
        if (strcmp(lr->dens[k].engine, r->engine) != 0) continue;
        const struct vs_density_result *d = &lr->dens[k];
        if (r->field >= VS_LF_DENSITY_LIMIT_FIRST && r->field <= VS_LF_DENSITY_LIMIT_LAST) {
            if (d->capped || d->limit == VS_RES_NONE)
                return missing(why, len, "%s: the search reached its max without failing%s: nothing ran out",
                               r->engine, "");
            *v = d->limit == (enum vs_resource)(r->field - VS_LF_DENSITY_LIMIT_FIRST) ? 1 : 0;
            return VS_OK;
        }
        *v = r->field == VS_LF_DENSITY_GUESTS ? (double)d->density
           : r->field == VS_LF_DENSITY_SAVED_SHARING_MIB ? d->saved_sharing_bytes / (1024.0 * 1024.0)
           : r->field == VS_LF_DENSITY_SAVED_BALLOON_MIB ? d->saved_balloon_bytes / (1024.0 * 1024.0)
                                                         : vs_mem_parts_total(&d->memory_per_guest) / (1024.0 * 1024.0);
        return VS_OK;
    }
    return missing(why, len, "%s: no density result for %s", r->engine, r->engine);
}

static int eval_node(const struct vs_lab_expr *e, int i, const struct vs_lab_results *r, double *out, char *why,
                     size_t len)
{
    const struct vs_lab_expr_node *n = &e->nodes[i];
    double a = 0, b = 0;
    int rc;
    switch (n->op) {
    case VS_LX_NUM: *out = n->num; return VS_OK;
    case VS_LX_REF: return ref_value(r, &n->ref, out, why, len);
    case VS_LX_NEG:
        rc = eval_node(e, n->a, r, &a, why, len);
        *out = -a;
        return rc;
    default: break;
    }
    rc = eval_node(e, n->a, r, &a, why, len);
    if (rc == VS_OK) rc = eval_node(e, n->b, r, &b, why, len);
    if (rc != VS_OK) return rc;
    switch (n->op) {
    case VS_LX_ADD: *out = a + b; break;
    case VS_LX_SUB: *out = a - b; break;
    case VS_LX_MUL: *out = a * b; break;
    default:
        if (b == 0) {
            snprintf(why, len, "'%.100s' divides by a figure that is 0 in these results", e->text);
            return VS_ERR_RUNTIME;
        }
        *out = a / b;
    }
    return VS_OK;
}

int vs_lab_eval(const struct vs_lab_expr *e, const struct vs_lab_results *r, double *out, char *why, size_t why_len)
{
    int rc = eval_node(e, e->root, r, out, why, why_len);
    if (rc == VS_OK && !isfinite(*out)) {
        snprintf(why, why_len, "'%.100s' is not a finite number in these results", e->text);
        return VS_ERR_RUNTIME;
    }
    return rc;
}

/* ---- keys and grading ---- */

void vs_lab_question_key(const struct vs_lab_question *q, const struct vs_lab_results *r, struct vs_lab_key *k)
{
    memset(k, 0, sizeof *k);
    k->ok = true;
    if (q->kind == VS_LAB_Q_TEXT) return;
    if (q->kind == VS_LAB_Q_NUMBER) {
        if (vs_lab_eval(&q->answer, r, &k->value, k->why, sizeof k->why) != VS_OK) {
            k->ok = false;
            return;
        }
        double tol = q->relative ? q->tolerance * fabs(k->value) : q->tolerance;
        k->low = k->value - tol;
        k->high = k->value + tol;
        return;
    }
    if (q->key == VS_LAB_KEY_FIXED) {
        k->choice = q->fixed;
        return;
    }
    for (uint32_t i = 0; i < q->n_choices; i++) {
        if (vs_lab_eval(q->choices[i].value, r, &k->values[i], k->why, sizeof k->why) != VS_OK) {
            k->ok = false;
            return;
        }
        bool better = q->key == VS_LAB_KEY_LOWEST ? k->values[i] < k->values[k->choice]
                                                  : k->values[i] > k->values[k->choice];
        if (i == 0 || better) k->choice = i;
    }
}

const char *vs_lab_verdict_name(enum vs_lab_verdict v)
{
    static const char *const names[] = {"right", "wrong", "ungraded", "missing", "unreadable"};
    return names[v];
}

void vs_lab_question_id(uint32_t step, uint32_t question, char *buf, size_t len)
{
    /* Steps and questions are few (spec/lab.h): the modulo only tells the
     * compiler how short the id is. */
    snprintf(buf, len, "%u.%u", (step + 1) % 1000u, (question + 1) % 1000u);
}

/* A number as a student would write it: 3 significant digits at least,
 * more for a large figure, no exponent for everyday sizes. */
static void number_text(double v, char *buf, size_t len)
{
    double a = fabs(v);
    if (a >= 1000 || a == 0 || (a < 1e15 && v == floor(v))) snprintf(buf, len, "%.0f", v);
    else if (a >= 100) snprintf(buf, len, "%.1f", v);
    else if (a >= 1) snprintf(buf, len, "%.3g", v);
    else snprintf(buf, len, "%.3g", v);
}

void vs_lab_key_text(const struct vs_lab_question *q, const struct vs_lab_key *k, char *buf, size_t len)
{
    buf[0] = '\0';
    if (!k->ok || q->kind == VS_LAB_Q_TEXT) return;
    if (q->kind == VS_LAB_Q_CHOICE) snprintf(buf, len, "%c", 'a' + (int)k->choice);
    else number_text(k->value, buf, len);
}

static bool blank(const char *s)
{
    while (s && isspace((unsigned char)*s)) s++;
    return !s || !*s;
}

enum vs_lab_verdict vs_lab_grade(const struct vs_lab_question *q, const struct vs_lab_key *k, const char *answer,
                                 char *why, size_t why_len)
{
    why[0] = '\0';
    if (q->kind == VS_LAB_Q_TEXT) return blank(answer) ? VS_LAB_MISSING : VS_LAB_UNGRADED;
    if (blank(answer)) return VS_LAB_MISSING;
    while (isspace((unsigned char)*answer)) answer++;
    if (!k->ok) {
        snprintf(why, why_len, "no key: %s", k->why);
        return VS_LAB_UNREADABLE;
    }
    if (q->kind == VS_LAB_Q_CHOICE) {
        size_t n = strlen(answer);
        while (n && isspace((unsigned char)answer[n - 1])) n--;
        int chosen = -1;
        if (n == 1 && tolower((unsigned char)answer[0]) >= 'a' && tolower((unsigned char)answer[0]) < 'a' + (int)q->n_choices)
            chosen = tolower((unsigned char)answer[0]) - 'a';
        for (uint32_t i = 0; i < q->n_choices && chosen < 0; i++)
            if (strlen(q->choices[i].text) == n && strncasecmp(q->choices[i].text, answer, n) == 0) chosen = (int)i;
        if (chosen < 0) {
            snprintf(why, why_len, "expected a letter from a to %c", 'a' + (int)q->n_choices - 1);
            return VS_LAB_UNREADABLE;
        }
        snprintf(why, why_len, "%c", 'a' + (int)k->choice);
        return (uint32_t)chosen == k->choice ? VS_LAB_RIGHT : VS_LAB_WRONG;
    }
    char *end;
    errno = 0;
    double v = strtod(answer, &end);
    if (end == answer || errno || !isfinite(v)) {
        snprintf(why, why_len, "expected a number%s%s", q->unit[0] ? " in " : "", q->unit);
        return VS_LAB_UNREADABLE;
    }
    while (isspace((unsigned char)*end)) end++;
    size_t rest = strlen(end);
    while (rest && isspace((unsigned char)end[rest - 1])) rest--;
    if (rest && !(q->unit[0] && strlen(q->unit) == rest && strncasecmp(end, q->unit, rest) == 0)) {
        snprintf(why, why_len, "expected a number%s%s, not '%.40s' after it", q->unit[0] ? " in " : "", q->unit, end);
        return VS_LAB_UNREADABLE;
    }
    char key[32], lo[32], hi[32];
    number_text(k->value, key, sizeof key);
    number_text(k->low, lo, sizeof lo);
    number_text(k->high, hi, sizeof hi);
    snprintf(why, why_len, "%s%s%s (accepted %s to %s)", key, q->unit[0] ? " " : "", q->unit, lo, hi);
    return v >= k->low && v <= k->high ? VS_LAB_RIGHT : VS_LAB_WRONG;
}

/* ---- answers files ---- */

void vs_lab_answers_free(struct vs_lab_answers *a)
{
    if (!a) return;
    for (uint32_t i = 0; i < a->n; i++) free(a->text[i]);
    memset(a, 0, sizeof *a);
}

const char *vs_lab_answers_find(const struct vs_lab_answers *a, const char *id)
{
    for (uint32_t i = 0; i < a->n; i++)
        if (strcmp(a->id[i], id) == 0) return a->text[i];
    return NULL;
}

static bool lab_has_id(const struct vs_lab *lab, const char *id)
{
    char buf[16];
    for (uint32_t s = 0; s < lab->n_steps; s++)
        for (uint32_t q = 0; q < lab->steps[s].n_questions; q++) {
            vs_lab_question_id(s, q, buf, sizeof buf);
            if (strcmp(buf, id) == 0) return true;
        }
    return false;
}

static int answers_parse(const char *path, const struct vs_ynode *root, const struct vs_lab *lab,
                         struct vs_lab_answers *a, struct vs_error *err)
{
    if (!root || root->kind != VS_YNODE_MAPPING)
        return vs_error_set(err, VS_ERR_INPUT, path, root ? root->line : 1, root ? root->column : 1,
                            "expected an answers file: a mapping with answers: {\"1.1\": b, \"2.1\": 3.2} (and "
                            "optionally lab: and student:)");
    for (size_t i = 0; i < root->count; i++) {
        const struct vs_ynode *k = root->pairs[i].key, *v = root->pairs[i].value;
        if (strcmp(k->text, "lab") == 0 || strcmp(k->text, "student") == 0) {
            if (v->kind != VS_YNODE_SCALAR)
                return vs_error_set(err, VS_ERR_INPUT, path, v->line, v->column, "%s: expected a name", k->text);
            snprintf(k->text[0] == 'l' ? a->lab : a->student, VS_NAME_MAX, "%s", v->text);
        } else if (strcmp(k->text, "answers") != 0) {
            return vs_error_set(err, VS_ERR_INPUT, path, k->line, k->column,
                                "unknown key '%.40s' in an answers file; allowed: lab, student, answers", k->text);
        }
    }
    if (a->lab[0] && strcmp(a->lab, lab->name) != 0 && strtoul(a->lab, NULL, 10) != lab->number) {
        const struct vs_ynode *ln = vs_ynode_get(root, "lab");
        return vs_error_set(err, VS_ERR_INPUT, path, ln->line, ln->column,
                            "lab: these are answers to '%s', not to %s", a->lab, lab->name);
    }
    const struct vs_ynode *an = vs_ynode_get(root, "answers");
    if (!an)
        return vs_error_set(err, VS_ERR_INPUT, path, root->line, root->column,
                            "missing key 'answers' (a mapping of question ids to answers: \"2.1\": b)");
    if (an->kind != VS_YNODE_MAPPING) {
        if (vs_ynode_is_null(an)) return VS_OK; /* nothing answered yet */
        return vs_error_set(err, VS_ERR_INPUT, path, an->line, an->column,
                            "answers: expected a mapping of question ids to answers (\"2.1\": b)");
    }
    for (size_t i = 0; i < an->count; i++) {
        const struct vs_ynode *k = an->pairs[i].key, *v = an->pairs[i].value;
        if (!lab_has_id(lab, k->text))
            return vs_error_set(err, VS_ERR_INPUT, path, k->line, k->column,
                                "answers: '%.20s' is not a question of %s; ids are STEP.QUESTION (1.1, 2.1, 2.2, ...: "
                                "virtsim lab show %s lists them)",
                                k->text, lab->name, lab->name);
        if (v->kind != VS_YNODE_SCALAR)
            return vs_error_set(err, VS_ERR_INPUT, path, v->line, v->column,
                                "answers.%s: expected an answer (a letter, a number or text), not %s", k->text,
                                vs_ynode_kind_name(v->kind));
        snprintf(a->id[a->n], sizeof a->id[a->n], "%s", k->text);
        a->text[a->n] = strdup(vs_ynode_is_null(v) ? "" : v->text);
        if (!a->text[a->n]) return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
        a->n++;
    }
    return VS_OK;
}

int vs_lab_answers_load(const char *path, const struct vs_lab *lab, struct vs_lab_answers *out, struct vs_error *err)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f) return vs_error_set(err, VS_ERR_INPUT, path, 0, 0, "cannot open the answers file: %s", strerror(errno));
    char *text = malloc(1 << 20);
    size_t len = text ? fread(text, 1, (1 << 20) - 1, f) : 0;
    bool too_big = text && len == (1 << 20) - 1 && fgetc(f) != EOF;
    fclose(f);
    if (!text) return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    if (too_big) {
        free(text);
        return vs_error_set(err, VS_ERR_INPUT, path, 0, 0, "the answers file is larger than 1 MiB");
    }
    text[len] = '\0';
    struct vs_ydoc *doc;
    int rc = vs_ydoc_load(text, len, path, &doc, err);
    free(text);
    if (rc != VS_OK) return rc;
    rc = answers_parse(path, doc->root, lab, out, err);
    vs_ydoc_free(doc);
    if (rc != VS_OK) vs_lab_answers_free(out);
    return rc;
}

int vs_lab_grade_all(const struct vs_lab *lab, const struct vs_lab_answers *a, uint32_t threads,
                     struct vs_control *control, struct vs_lab_grade *out, struct vs_error *err)
{
    memset(out, 0, sizeof *out);
    for (uint32_t s = 0; s < lab->n_steps; s++) {
        const struct vs_lab_step *st = &lab->steps[s];
        struct vs_lab_results r;
        bool needs_run = false;
        for (uint32_t q = 0; q < st->n_questions; q++)
            needs_run = needs_run || st->questions[q].kind == VS_LAB_Q_NUMBER ||
                        (st->questions[q].kind == VS_LAB_Q_CHOICE && st->questions[q].key != VS_LAB_KEY_FIXED);
        memset(&r, 0, sizeof r);
        if (needs_run) {
            int rc = vs_lab_run_step(lab, s, threads, control, &r, err);
            if (rc != VS_OK) return rc;
        }
        for (uint32_t q = 0; q < st->n_questions; q++) {
            const struct vs_lab_question *qq = &st->questions[q];
            struct vs_lab_grade_row *row = &out->rows[out->n++];
            vs_lab_question_id(s, q, row->id, sizeof row->id);
            struct vs_lab_key k;
            vs_lab_question_key(qq, &r, &k);
            const char *given = vs_lab_answers_find(a, row->id);
            snprintf(row->given, sizeof row->given, "%s", given ? given : "");
            row->verdict = vs_lab_grade(qq, &k, given, row->expected, sizeof row->expected);
            if (qq->kind == VS_LAB_Q_TEXT) {
                if (row->verdict == VS_LAB_UNGRADED) out->ungraded++;
                continue;
            }
            out->checked++;
            out->right += row->verdict == VS_LAB_RIGHT;
            /* A missing or unreadable answer still shows what was expected:
             * the key's text, as grading any answer of the right form
             * writes it ("b", "3.2 ms (accepted ...)"). */
            if (row->verdict == VS_LAB_MISSING || (row->verdict == VS_LAB_UNREADABLE && k.ok)) {
                char why[128];
                snprintf(why, sizeof why, "%s", row->expected);
                vs_lab_grade(qq, &k, qq->kind == VS_LAB_Q_CHOICE ? "a" : "0", row->expected, sizeof row->expected);
                if (row->verdict == VS_LAB_UNREADABLE)
                    snprintf(row->expected + strlen(row->expected), sizeof row->expected - strlen(row->expected),
                             "; %s", why);
            }
        }
        vs_lab_results_free(&r);
    }
    return VS_OK;
}
