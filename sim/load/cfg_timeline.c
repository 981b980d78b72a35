/* A scenario's `events:`: a list of {at: TIME, ACTION: TARGET, options...}
 * applied at that simulated time. The actions are not listed here: they are
 * the kernel components' (model/component.h), so a component that adds an
 * action is checked here without a change to this file. Each event is
 * checked with its position: the action exists, its target exists at that
 * time (instances a `start` adds exist only after it), its options are
 * known and in range, and the time is within the run. `at` counts like
 * `duration` and `warmup`: from the moment every guest has booted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "virtsim/load/params.h"
#include "virtsim/model/component.h"

static uint32_t group_index(const struct vs_scenario *sc, const char *name)
{
    for (uint32_t g = 0; g < sc->n_guests; g++)
        if (strcmp(sc->guests[g].name, name) == 0) return g;
    return UINT32_MAX;
}

/* The group an instance name "GROUP-N" (or a single instance "GROUP")
 * belongs to, given how many instances each group has by then. */
static uint32_t instance_group(const struct vs_scenario *sc, const char *name, const uint32_t *existing)
{
    for (uint32_t g = 0; g < sc->n_guests; g++) {
        const char *gn = sc->guests[g].name;
        if (existing[g] == 1 && sc->guests[g].count == 1 && strcmp(gn, name) == 0) return g;
        if (cfg_is_instance_name(name, gn, existing[g])) return g;
    }
    return UINT32_MAX;
}

/* Whether name is one of the scenario's host instances (an entry's name,
 * or NAME-k for an entry with a count). */
static bool host_instance(const struct vs_scenario *sc, const char *name)
{
    uint32_t n = sc->n_hosts ? sc->n_hosts : 1;
    for (uint32_t d = 0; d < n; d++) {
        const char *decl = sc->hosts[d].name[0] ? sc->hosts[d].name : sc->hosts[d].spec.name[0] ? sc->hosts[d].spec.name : "host";
        uint32_t count = sc->n_hosts && sc->hosts[d].count ? sc->hosts[d].count : 1;
        if (count == 1 && strcmp(name, decl) == 0) return true;
        for (uint32_t h = 0; h < count && count > 1; h++) {
            char inst[VS_NAME_MAX + 8];
            snprintf(inst, sizeof inst, "%.50s-%u", decl, h + 1);
            if (strcmp(name, inst) == 0) return true;
        }
    }
    return false;
}

static int fail_target(const struct cfg_ctx *c, const struct vs_ynode *n, const char *kp, const char *target,
                       const struct vs_scenario *sc, bool instances_allowed)
{
    const char *names[VS_MAX_GUEST_GROUPS];
    for (uint32_t k = 0; k < sc->n_guests; k++) names[k] = sc->guests[k].name;
    char hint[96], list[300];
    cfg_suggest(target, names, sc->n_guests, hint, sizeof hint);
    cfg_list_words(names, sc->n_guests, " or ", list, sizeof list);
    return cfg_fail_at(c, n, "%s: no guest %s is called '%.60s' at that time%s; expected %s%s", kp,
                       instances_allowed ? "or group" : "group", target, hint, list,
                       instances_allowed ? " (or one of their instances, NAME-1 ...)" : "");
}

/* Reads one option: a key of the action, or a parameter path (set:). */
static int parse_option(const struct cfg_ctx *c, const struct vs_action_def *def, const struct vs_ypair *p,
                        const char *kp, const struct vs_scenario *sc, uint32_t group,
                        struct vs_timeline_event *ev)
{
    const char *key = p->key->text;
    if (ev->n_opts == VS_EVENT_MAX_OPTS)
        return cfg_fail_at(c, p->key, "%s: at most %d options per event", kp, VS_EVENT_MAX_OPTS);
    struct vs_event_opt *o = &ev->opts[ev->n_opts];
    memset(o, 0, sizeof *o);
    if (strlen(key) >= sizeof o->key) return cfg_fail_at(c, p->key, "%s: '%.40s...' is too long a key", kp, key);
    char okp[KEYPATH_LEN];
    cfg_join(okp, sizeof okp, kp, key);
    enum vs_unit_kind unit = VS_UNIT_COUNT;
    const struct vs_action_key *k = NULL;
    for (size_t i = 0; i < def->n_keys; i++)
        if (strcmp(def->keys[i].key, key) == 0) k = &def->keys[i];
    char path[160];
    if (k) {
        unit = k->unit;
    } else if (def->param_keys && group != UINT32_MAX) {
        char why[300];
        snprintf(path, sizeof path, "guests.%s.%s", sc->guests[group].name, key);
        if (vs_param_unit(sc, path, &unit, why, sizeof why) != 0)
            return cfg_fail_at(c, p->key, "%s: %s", okp, why);
    } else {
        const char *names[16];
        size_t nn = 0;
        for (size_t i = 0; i < def->n_keys && nn < 15; i++) names[nn++] = def->keys[i].key;
        names[nn++] = "at";
        char list[200], hint[96];
        cfg_suggest(key, names, nn, hint, sizeof hint);
        cfg_list_words(names, nn, " or ", list, sizeof list);
        return cfg_fail_at(c, p->key, "%s: unknown key '%.40s'%s; the %s action takes %s", kp, key, hint,
                           def->name, list);
    }
    const char *text;
    int rc = cfg_scalar_text(c, p->value, okp, "a value", &text);
    if (rc != VS_OK) return rc;
    if (k && (k->choices || k->host_name)) {
        /* A word: one of the choices, or a host's name. */
        o->value = -1;
        for (size_t i = 0; k->choices && k->choices[i]; i++)
            if (strcmp(text, k->choices[i]) == 0) o->value = (double)i;
        if (o->value < 0 && k->host_name) {
            uint32_t first = 0;
            for (uint32_t d = 0; d < sc->n_hosts && o->value < 0; d++) {
                uint32_t count = sc->hosts[d].count ? sc->hosts[d].count : 1;
                for (uint32_t h = 0; h < count && o->value < 0; h++) {
                    char name[VS_NAME_MAX + 8];
                    const char *decl = sc->hosts[d].name[0] ? sc->hosts[d].name : "host";
                    if (count == 1) snprintf(name, sizeof name, "%s", decl);
                    else snprintf(name, sizeof name, "%.50s-%u", decl, h + 1);
                    if (strcmp(text, name) == 0) o->value = (double)(first + h);
                }
                first += count;
            }
        }
        if (o->value < 0) {
            const char *names[40];
            size_t nn = 0;
            for (size_t i = 0; k->choices && k->choices[i] && nn < 8; i++) names[nn++] = k->choices[i];
            for (uint32_t d = 0; k->host_name && d < sc->n_hosts && nn < 40; d++)
                names[nn++] = sc->hosts[d].name[0] ? sc->hosts[d].name : "host";
            char list[300], hint[96];
            cfg_suggest(text, names, nn, hint, sizeof hint);
            cfg_list_words(names, nn, " or ", list, sizeof list);
            return cfg_fail_at(c, p->value, "%s: '%.40s'%s is not allowed; expected %s%s", okp, text, hint, list,
                               k->host_name ? " (a host of the scenario; NAME-1 ... for an entry with a count)" : "");
        }
        if (strlen(text) >= sizeof o->text) return cfg_fail_at(c, p->value, "%s: the name is too long", okp);
        snprintf(o->key, sizeof o->key, "%s", key);
        snprintf(o->text, sizeof o->text, "%s", text);
        o->has_value = true;
        ev->n_opts++;
        return VS_OK;
    }
    rc = cfg_node_quantity(c, p->value, okp, unit, &o->value);
    if (rc != VS_OK) return rc;
    if (k && unit == VS_UNIT_COUNT && (o->value < 1 || o->value != (double)(uint64_t)o->value || o->value > VS_MAX_GUESTS))
        return cfg_fail_at(c, p->value, "%s: '%.40s' is not allowed; expected a whole number from 1 to %d (%s)",
                           okp, text, VS_MAX_GUESTS, k->what);
    if (!k) {
        /* The value must be one the parameter can take. */
        struct vs_scenario *probe = malloc(sizeof *probe);
        if (!probe) return vs_error_set(c->err, VS_ERR_RUNTIME, c->origin, 0, 0, "out of memory");
        *probe = *sc;
        char why[300];
        int bad = vs_param_set(probe, path, o->value, why, sizeof why);
        free(probe);
        if (bad) return cfg_fail_at(c, p->value, "%s: %s", okp, why);
    }
    snprintf(o->key, sizeof o->key, "%s", key);
    snprintf(o->text, sizeof o->text, "%.47s", text);
    o->has_value = true;
    ev->n_opts++;
    return VS_OK;
}

/* The action key of an event mapping: the one key that names an action. */
static int find_action(const struct cfg_ctx *c, const struct vs_ynode *m, const char *kp,
                       const struct vs_ypair **out, const struct vs_action_def **def)
{
    *out = NULL;
    for (size_t i = 0; i < m->count; i++) {
        const struct vs_ypair *p = &m->pairs[i];
        const struct vs_action_def *d = vs_action_find(p->key->text, NULL);
        if (!d) continue;
        if (*out)
            return cfg_fail_at(c, p->key, "%s: two actions (%s and %s); give one action per event", kp,
                               (*out)->key->text, p->key->text);
        *out = p;
        *def = d;
    }
    if (*out) return VS_OK;
    /* No action: the first key that is not `at` is probably a misspelt one. */
    const struct vs_ynode *bad = m;
    const char *word = "";
    for (size_t i = 0; i < m->count; i++)
        if (strcmp(m->pairs[i].key->text, "at") != 0) {
            bad = m->pairs[i].key;
            word = m->pairs[i].key->text;
            break;
        }
    const char *names[32];
    size_t nn = 0;
    for (size_t ci = 0; ci < vs_component_count(); ci++)
        for (size_t a = 0; a < vs_component_at(ci)->n_actions && nn < 32; a++)
            names[nn++] = vs_component_at(ci)->actions[a].name;
    char hint[96];
    cfg_suggest(word, names, nn, hint, sizeof hint);
    if (word[0])
        return cfg_fail_at(c, bad, "%s: unknown action '%.40s'%s; known actions: %s", kp, word, hint,
                           vs_action_names());
    return cfg_fail_at(c, bad, "%s: no action; expected one of: %s", kp, vs_action_names());
}

/* Parses one event (not its target's existence, which depends on order). */
static int parse_event(const struct cfg_ctx *c, const struct vs_ynode *m, size_t i, const struct vs_scenario *sc,
                       struct vs_timeline_event *ev, const struct vs_ynode **target_node)
{
    char kp[32];
    snprintf(kp, sizeof kp, "events[%zu]", i);
    int rc = cfg_expect_mapping(c, m, kp, "a mapping such as {at: 5s, pause: db-1}");
    if (rc == VS_OK) rc = cfg_require_key(c, m, kp, "at", "when it happens, e.g. 5s (counted from the end of boot)");
    if (rc != VS_OK) return rc;
    memset(ev, 0, sizeof *ev);
    ev->line = m->line;
    ev->column = m->column;
    const struct vs_ynode *at = vs_ynode_get(m, "at");
    char akp[48];
    snprintf(akp, sizeof akp, "%s.at", kp);
    rc = cfg_node_time(c, at, akp, false, VS_MAX_DURATION_NS, &ev->at_ns);
    if (rc != VS_OK) return rc;
    if (ev->at_ns > sc->duration_ns) {
        char a[32], b[32];
        return cfg_fail_at(c, at, "%s: %s is past the end of the run (duration %s, counted from the end of boot)",
                           akp, vs_units_format_time((double)ev->at_ns, a, sizeof a),
                           vs_units_format_time((double)sc->duration_ns, b, sizeof b));
    }
    const struct vs_ypair *ap = NULL;
    const struct vs_action_def *def = NULL;
    rc = find_action(c, m, kp, &ap, &def);
    if (rc != VS_OK) return rc;
    snprintf(ev->action, sizeof ev->action, "%s", def->name);
    char tkp[64];
    snprintf(tkp, sizeof tkp, "%s.%s", kp, def->name);
    /* The target: the action's value, or its target_key inside a mapping. */
    const struct vs_ynode *v = ap->value, *tn = v;
    if (v->kind == VS_YNODE_MAPPING) {
        tn = vs_ynode_get(v, def->target_key);
        if (!tn)
            return cfg_fail_at(c, v, "%s: needs %s: (the guest or group it applies to)", tkp, def->target_key);
    }
    const char *target;
    rc = cfg_scalar_text(c, tn, tkp, "a guest group or instance name", &target);
    if (rc != VS_OK) return rc;
    if (strlen(target) >= sizeof ev->target) return cfg_fail_at(c, tn, "%s: the name is too long", tkp);
    snprintf(ev->target, sizeof ev->target, "%s", target);
    *target_node = tn;
    /* Options: beside the action key, and inside its mapping. */
    uint32_t group = group_index(sc, target);
    for (size_t k = 0; k < m->count && rc == VS_OK; k++) {
        const struct vs_ypair *p = &m->pairs[k];
        if (p == ap || strcmp(p->key->text, "at") == 0) continue;
        rc = parse_option(c, def, p, kp, sc, group, ev);
    }
    if (v->kind == VS_YNODE_MAPPING)
        for (size_t k = 0; k < v->count && rc == VS_OK; k++) {
            const struct vs_ypair *p = &v->pairs[k];
            if (strcmp(p->key->text, def->target_key) == 0) continue;
            rc = parse_option(c, def, p, tkp, sc, group, ev);
        }
    if (rc != VS_OK) return rc;
    for (size_t k = 0; k < def->n_keys; k++) {
        if (!def->keys[k].required) continue;
        bool have = false;
        for (uint32_t o = 0; o < ev->n_opts; o++) have |= strcmp(ev->opts[o].key, def->keys[k].key) == 0;
        if (!have) return cfg_fail_at(c, m, "%s: the %s action needs %s: (%s)", kp, def->name, def->keys[k].key,
                                      def->keys[k].what);
    }
    if (def->param_keys && ev->n_opts == 0)
        return cfg_fail_at(c, v, "%s: nothing to set; give parameters such as load.rate: 4000/s", tkp);
    return VS_OK;
}

struct order {
    vs_time_ns at_ns;
    uint32_t index;
};

static int by_time(const void *a, const void *b)
{
    const struct order *x = a, *y = b;
    if (x->at_ns != y->at_ns) return x->at_ns < y->at_ns ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

int cfg_parse_events(const struct cfg_ctx *c, const struct vs_ynode *n, struct vs_scenario *sc)
{
    if (n->kind != VS_YNODE_SEQUENCE)
        return cfg_fail_at(c, n, "events: expected a list such as [{at: 5s, pause: db-1}, {at: 8s, resume: db-1}]");
    if (n->count > VS_MAX_EVENTS)
        return cfg_fail_at(c, n->items[VS_MAX_EVENTS], "events: %zu events; at most %d are allowed", n->count,
                           VS_MAX_EVENTS);
    struct vs_timeline_event *evs = calloc(n->count ? n->count : 1, sizeof *evs);
    const struct vs_ynode **targets = calloc(n->count ? n->count : 1, sizeof *targets);
    struct order *ord = calloc(n->count ? n->count : 1, sizeof *ord);
    int rc = evs && targets && ord ? VS_OK : vs_error_set(c->err, VS_ERR_RUNTIME, c->origin, 0, 0, "out of memory");
    for (size_t i = 0; i < n->count && rc == VS_OK; i++) {
        rc = parse_event(c, n->items[i], i, sc, &evs[i], &targets[i]);
        ord[i] = (struct order){evs[i].at_ns, (uint32_t)i};
    }
    if (rc == VS_OK) qsort(ord, n->count, sizeof *ord, by_time);
    /* Targets in time order: instances a start adds exist after it. */
    uint32_t existing[VS_MAX_GUEST_GROUPS];
    uint64_t total = 0;
    for (uint32_t g = 0; g < sc->n_guests; g++) {
        existing[g] = sc->guests[g].count;
        total += existing[g];
        sc->guests[g].started_later = 0;
        sc->guests[g].n_twins = 0;
    }
    for (size_t k = 0; k < n->count && rc == VS_OK; k++) {
        uint32_t i = ord[k].index;
        struct vs_timeline_event *ev = &evs[i];
        const struct vs_action_def *def = vs_action_find(ev->action, NULL);
        char kp[48];
        snprintf(kp, sizeof kp, "events[%u].%s", i, ev->action);
        uint32_t g = group_index(sc, ev->target);
        if (def->target == VS_TARGET_GROUP && g == UINT32_MAX) {
            rc = fail_target(c, targets[i], kp, ev->target, sc, false);
        } else if (def->target == VS_TARGET_GUESTS && g == UINT32_MAX &&
                   instance_group(sc, ev->target, existing) == UINT32_MAX) {
            rc = fail_target(c, targets[i], kp, ev->target, sc, true);
        } else if (def->target == VS_TARGET_HOST && !host_instance(sc, ev->target)) {
            const char *names[VS_MAX_HOST_DECLS];
            for (uint32_t d = 0; d < (sc->n_hosts ? sc->n_hosts : 1); d++)
                names[d] = sc->hosts[d].name[0] ? sc->hosts[d].name : sc->hosts[d].spec.name[0] ? sc->hosts[d].spec.name : "host";
            char list[300], hint[96];
            cfg_suggest(ev->target, names, sc->n_hosts ? sc->n_hosts : 1, hint, sizeof hint);
            cfg_list_words(names, sc->n_hosts ? sc->n_hosts : 1, " or ", list, sizeof list);
            rc = cfg_fail_at(c, targets[i], "%s: no host is called '%.60s'%s; expected %s (NAME-1 ... for an entry "
                             "with a count)", kp, ev->target, hint, list);
        }
        if (rc != VS_OK) break;
        /* A migration reserves, on its destination, an instance to take over
         * from each instance it moves. */
        if (strcmp(ev->action, "migrate") == 0) {
            const char *to = "";
            for (uint32_t o = 0; o < ev->n_opts; o++)
                if (strcmp(ev->opts[o].key, "to") == 0) to = ev->opts[o].text;
            uint32_t gi = g != UINT32_MAX ? g : instance_group(sc, ev->target, existing);
            struct vs_guest_spec *gs = &sc->guests[gi];
            /* the instances it moves: all of a group's that exist then, or one */
            uint32_t moving = g != UINT32_MAX ? existing[gi] : 1;
            if (gs->n_twins + moving > VS_MAX_TWINS) {
                rc = cfg_fail_at(c, targets[i], "%s: more than %d migrations of %s's instances; at most %d are allowed",
                                 kp, VS_MAX_TWINS, gs->name, VS_MAX_TWINS);
                break;
            }
            char group_name[VS_NAME_MAX], to_name[VS_NAME_MAX];
            snprintf(group_name, sizeof group_name, "%s", gs->name);
            snprintf(to_name, sizeof to_name, "%s", to);
            for (uint32_t k2 = 0; k2 < moving; k2++) {
                struct vs_twin *tw = &gs->twins[gs->n_twins++];
                if (g == UINT32_MAX) snprintf(tw->of, sizeof tw->of, "%s", ev->target);
                else if (gs->count == 1 && k2 == 0) snprintf(tw->of, sizeof tw->of, "%s", group_name);
                else snprintf(tw->of, sizeof tw->of, "%.50s-%u", group_name, k2 + 1);
                snprintf(tw->host, sizeof tw->host, "%s", to_name);
            }
            total += moving;
            if (total > VS_MAX_GUESTS) {
                rc = cfg_fail_at(c, targets[i], "%s: brings the total to %llu guest instances; at most %d are allowed",
                                 kp, (unsigned long long)total, VS_MAX_GUESTS);
                break;
            }
        }
        /* Only `start` adds instances; its count is the one option it has. */
        if (strcmp(ev->action, "start") == 0) {
            uint32_t more = 1;
            for (uint32_t o = 0; o < ev->n_opts; o++)
                if (strcmp(ev->opts[o].key, "count") == 0) more = (uint32_t)ev->opts[o].value;
            total += more;
            if (total > VS_MAX_GUESTS) {
                rc = cfg_fail_at(c, targets[i], "%s: brings the total to %llu guest instances; at most %d are allowed",
                                 kp, (unsigned long long)total, VS_MAX_GUESTS);
                break;
            }
            existing[g] += more;
            sc->guests[g].started_later += more;
        }
    }
    if (rc == VS_OK) {
        for (size_t k = 0; k < n->count; k++) sc->events[k] = evs[ord[k].index];
        sc->n_events = (uint32_t)n->count;
    }
    free(evs);
    free(targets);
    free(ord);
    return rc;
}
