/* Scenarios from YAML: hosts, guests, engines to compare, sweeps and the
 * timeline of events; every reference checked with its position. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "virtsim/host/costs.h"
#include "virtsim/load/params.h"
#include "virtsim/model/engine.h"

static const char scenario_expected[] = "a scenario (a mapping with name, host, guests, ...)";

/* ---- scenarios ---- */

int cfg_parse_host_ref(const struct cfg_ctx *c, const struct vs_ynode *n, const char *base_dir,
                          struct vs_host_spec *out)
{
    if (n->kind == VS_YNODE_SCALAR) return cfg_resolve_at(c, n, "host", VS_BUILTIN_HOST, base_dir, out);
    int rc = cfg_expect_mapping(
        c, n, "host", "a host profile name (e.g. current), a file, or a mapping of host keys");
    if (rc != VS_OK) return rc;
    struct vs_host_spec base;
    vs_host_spec_defaults(&base);
    snprintf(base.name, sizeof base.name, "custom");
    const struct vs_ynode *p = vs_ynode_get(n, "profile");
    if (p) {
        rc = cfg_resolve_at(c, p, "host.profile", VS_BUILTIN_HOST, base_dir, &base);
        if (rc != VS_OK) return rc;
    }
    return cfg_parse_host(c, n, "host", &base, 1, false, out);
}

/* One entry of `hosts:`: {name: rack, count: 100, profile: current, cpu: ...}. */
static int parse_host_decl(const struct cfg_ctx *c, const struct vs_ynode *n, size_t index,
                           const char *base_dir, struct vs_host_decl *d)
{
    char path[32];
    snprintf(path, sizeof path, "hosts[%zu]", index);
    int rc = cfg_expect_mapping(c, n, path,
                                "a mapping such as {name: rack, count: 4, profile: current}");
    if (rc == VS_OK) rc = cfg_require_key(c, n, path, "name", "the host's name (hosts are NAME-1, NAME-2, ... when count > 1)");
    if (rc != VS_OK) return rc;
    struct vs_host_spec base;
    vs_host_spec_defaults(&base);
    const struct vs_ynode *p = vs_ynode_get(n, "profile");
    char kp[KEYPATH_LEN];
    if (p) {
        cfg_join(kp, sizeof kp, path, "profile");
        rc = cfg_resolve_at(c, p, kp, VS_BUILTIN_HOST, base_dir, &base);
    } else if (vs_builtin_find(VS_BUILTIN_HOST, DEFAULT_HOST)) {
        rc = vs_config_resolve_host(DEFAULT_HOST, NULL, &base, c->err);
    }
    if (rc == VS_OK) rc = cfg_parse_host(c, n, path, &base, 2, true, &d->spec);
    if (rc != VS_OK) return rc;
    snprintf(d->name, sizeof d->name, "%s", d->spec.name);
    if (strlen(d->name) > GUEST_NAME_MAX)
        return cfg_fail_at(c, vs_ynode_get(n, "name"), "%s.name: at most %d characters (instances get a -N suffix)",
                           path, GUEST_NAME_MAX);
    d->count = 1;
    rc = cfg_opt_u32(c, n, path, "count", 1, VS_MAX_HOSTS, &d->count);
    d->line = n->line;
    return rc;
}

/* True when `name` is a host instance of the scenario; sets *decl, *k. */
static bool find_host_instance(const struct vs_scenario *sc, const char *name, uint32_t *decl)
{
    for (uint32_t h = 0; h < sc->n_hosts; h++) {
        const struct vs_host_decl *d = &sc->hosts[h];
        if ((d->count == 1 && strcmp(d->name, name) == 0) ||
            (d->count > 1 && cfg_is_instance_name(name, d->name, d->count))) {
            *decl = h;
            return true;
        }
    }
    return false;
}

/* A host instance or a hosts: entry. */
static bool is_host_name(const struct vs_scenario *sc, const char *name)
{
    uint32_t d;
    if (find_host_instance(sc, name, &d)) return true;
    for (uint32_t h = 0; h < sc->n_hosts; h++)
        if (strcmp(sc->hosts[h].name, name) == 0) return true;
    return false;
}

static void host_names(const struct vs_scenario *sc, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (uint32_t h = 0; h < sc->n_hosts && used + 1 < len; h++) {
        const struct vs_host_decl *d = &sc->hosts[h];
        if (d->count == 1)
            used += (size_t)snprintf(buf + used, len - used, "%s%s", h ? ", " : "", d->name);
        else
            used += (size_t)snprintf(buf + used, len - used, "%s%s (or %s-1 ... %s-%u)", h ? ", " : "",
                                     d->name, d->name, d->name, d->count);
    }
}

static int parse_hosts(const struct cfg_ctx *c, const struct vs_ynode *n, const char *base_dir,
                       struct vs_scenario *sc)
{
    if (n->kind != VS_YNODE_SEQUENCE || n->count == 0)
        return cfg_fail_at(c, n, "hosts: expected a non-empty list of hosts such as "
                                 "[{name: a, profile: current}, {name: rack, count: 4}]");
    if (n->count > VS_MAX_HOST_DECLS)
        return cfg_fail_at(c, n->items[VS_MAX_HOST_DECLS], "hosts: %zu entries; at most %d are allowed "
                           "(use count: for identical hosts)", n->count, VS_MAX_HOST_DECLS);
    uint64_t total = 0;
    for (size_t i = 0; i < n->count; i++) {
        struct vs_host_decl *d = &sc->hosts[i];
        int rc = parse_host_decl(c, n->items[i], i, base_dir, d);
        if (rc != VS_OK) return rc;
        for (size_t k = 0; k < i; k++) {
            const struct vs_host_decl *o = &sc->hosts[k];
            if (strcmp(o->name, d->name) == 0 || cfg_is_instance_name(d->name, o->name, o->count) ||
                cfg_is_instance_name(o->name, d->name, d->count))
                return cfg_fail_at(c, vs_ynode_get(n->items[i], "name"),
                                   "hosts[%zu].name: '%s' clashes with hosts[%zu] '%s' (line %d); host "
                                   "names must be unique",
                                   i, d->name, k, o->name, o->line);
        }
        total += d->count;
        if (total > VS_MAX_HOSTS)
            return cfg_fail_at(c, n->items[i], "hosts: %llu hosts in all; at most %d are allowed",
                               (unsigned long long)total, VS_MAX_HOSTS);
        sc->n_hosts = (uint32_t)(i + 1);
    }
    return VS_OK;
}

/* links: [{hosts: [a, b], bandwidth: 10Gbit, latency: 50us, shared: false}]. */
static int parse_links(const struct cfg_ctx *c, const struct vs_ynode *n, struct vs_scenario *sc)
{
    if (n->kind != VS_YNODE_SEQUENCE)
        return cfg_fail_at(c, n, "links: expected a list such as [{hosts: [a, b], bandwidth: 10Gbit}]");
    if (n->count > VS_MAX_LINKS)
        return cfg_fail_at(c, n->items[VS_MAX_LINKS], "links: %zu links; at most %d are allowed", n->count,
                           VS_MAX_LINKS);
    static const char *const keys[] = {"hosts", "bandwidth", "latency", "overhead", "shared"};
    for (size_t i = 0; i < n->count; i++) {
        const struct vs_ynode *m = n->items[i];
        char path[32];
        snprintf(path, sizeof path, "links[%zu]", i);
        int rc = cfg_expect_mapping(c, m, path, "a mapping such as {hosts: [a, b], bandwidth: 10Gbit}");
        if (rc == VS_OK) rc = cfg_check_keys(c, m, path, keys, N_OF(keys));
        if (rc == VS_OK) rc = cfg_require_key(c, m, path, "hosts", "the hosts it joins, e.g. [a, b]");
        if (rc == VS_OK) rc = cfg_require_key(c, m, path, "bandwidth", "its bandwidth, e.g. 10Gbit");
        if (rc != VS_OK) return rc;
        struct vs_link_spec *l = &sc->links[i];
        memset(l, 0, sizeof *l);
        l->line = m->line;
        l->net.latency_ns = 0;
        l->net.overhead_bytes = 38; /* Ethernet framing, as a host NIC's default */
        rc = cfg_opt_range(c, m, path, "bandwidth", VS_UNIT_BITRATE, MIN_BITRATE, MAX_BITRATE, "1Mbit", "1Pbit",
                           &l->net.bandwidth_bits_per_s);
        if (rc == VS_OK) rc = cfg_opt_time(c, m, path, "latency", false, VS_NS_PER_S, &l->net.latency_ns);
        /* A size, like a host NIC's overhead: bytes are written with their unit. */
        double overhead = l->net.overhead_bytes;
        if (rc == VS_OK)
            rc = cfg_opt_range(c, m, path, "overhead", VS_UNIT_BYTES, 0, MAX_OVERHEAD_BYTES, "0", "65536B", &overhead);
        if (rc == VS_OK && overhead != floor(overhead))
            rc = cfg_fail_at(c, vs_ynode_get(m, "overhead"), "%s.overhead: '%.60s' is not a whole number of bytes", path,
                             vs_ynode_get(m, "overhead")->text);
        l->net.overhead_bytes = (uint32_t)overhead;
        if (rc == VS_OK) rc = cfg_opt_bool(c, m, path, "shared", &l->shared);
        if (rc != VS_OK) return rc;
        const struct vs_ynode *hn = vs_ynode_get(m, "hosts");
        if (hn->kind != VS_YNODE_SEQUENCE || hn->count == 0)
            return cfg_fail_at(c, hn, "%s.hosts: expected a list of host names such as [a, b]", path);
        if (hn->count > VS_LINK_MAX_ENDS)
            return cfg_fail_at(c, hn, "%s.hosts: %zu hosts; at most %d (name a hosts: entry to join all of "
                               "its hosts)", path, hn->count, VS_LINK_MAX_ENDS);
        uint32_t instances = 0;
        for (size_t e = 0; e < hn->count; e++) {
            const char *name;
            char kp[KEYPATH_LEN];
            snprintf(kp, sizeof kp, "%s.hosts[%zu]", path, e);
            rc = cfg_scalar_text(c, hn->items[e], kp, "a host name", &name);
            if (rc != VS_OK) return rc;
            if (!is_host_name(sc, name)) {
                char names[400];
                host_names(sc, names, sizeof names);
                return cfg_fail_at(c, hn->items[e], "%s: no host is called '%.60s'; hosts: %s", kp, name, names);
            }
            uint32_t d;
            instances += find_host_instance(sc, name, &d) ? 1 : 0;
            for (uint32_t h = 0; h < sc->n_hosts; h++)
                if (strcmp(sc->hosts[h].name, name) == 0 && sc->hosts[h].count > 1) instances += sc->hosts[h].count;
            snprintf(l->ends[e], VS_NAME_MAX, "%s", name);
        }
        l->n_ends = (uint32_t)hn->count;
        if (instances < 2)
            return cfg_fail_at(c, hn, "%s.hosts: a link joins at least two hosts", path);
        /* More than two hosts share one medium: a switch. */
        if (instances > 2) l->shared = true;
        sc->n_links = (uint32_t)(i + 1);
    }
    return VS_OK;
}

/* A guest group's `host:`: spread, pack, or a host name. */
static int parse_placement(const struct cfg_ctx *c, const struct vs_ynode *gn, size_t i, struct vs_scenario *sc)
{
    struct vs_guest_spec *g = &sc->guests[i];
    const struct vs_ynode *h = vs_ynode_get(gn, "host");
    g->placement = VS_PLACE_SPREAD;
    if (!h) return VS_OK;
    char kp[KEYPATH_LEN];
    snprintf(kp, sizeof kp, "guests[%zu].host", i);
    const char *name;
    int rc = cfg_scalar_text(c, h, kp, "spread, pack or a host name", &name);
    if (rc != VS_OK) return rc;
    if (strcmp(name, "spread") == 0) return VS_OK;
    if (strcmp(name, "pack") == 0) {
        g->placement = VS_PLACE_PACK;
        return VS_OK;
    }
    if (!is_host_name(sc, name)) {
        char names[400];
        host_names(sc, names, sizeof names);
        return cfg_fail_at(c, h, "%s: no host is called '%.60s'; expected spread, pack or one of: %s", kp, name,
                           names);
    }
    g->placement = VS_PLACE_NAMED;
    snprintf(g->host, sizeof g->host, "%s", name);
    return VS_OK;
}

bool cfg_guest_may_run_on(const struct vs_scenario *sc, const struct vs_guest_spec *g, uint32_t h)
{
    uint32_t inst;
    return g->placement != VS_PLACE_NAMED || strcmp(sc->hosts[h].name, g->host) == 0 ||
           (find_host_instance(sc, g->host, &inst) && inst == h);
}

/* A guest's stated memory must fit in what some host it may be placed on
 * keeps for guests (capacity less reserved): otherwise not one of its
 * instances could ever start, and the run would say so only in a table. */
static int check_guest_memory(const struct cfg_ctx *c, const struct vs_ynode *gn, size_t i,
                              const struct vs_scenario *sc)
{
    const struct vs_guest_spec *g = &sc->guests[i];
    if (!(g->memory_bytes > 0)) return VS_OK;
    double best = 0;
    const struct vs_host_decl *best_host = NULL;
    for (uint32_t h = 0; h < sc->n_hosts; h++) {
        const struct vs_host_decl *d = &sc->hosts[h];
        uint32_t inst;
        if (g->placement == VS_PLACE_NAMED && strcmp(d->name, g->host) != 0 &&
            !(find_host_instance(sc, g->host, &inst) && inst == h))
            continue;
        double avail = d->spec.memory_bytes - d->spec.host_reserved_bytes;
        if (!best_host || avail > best) {
            best = avail;
            best_host = d;
        }
    }
    if (!best_host || g->memory_bytes <= best) return VS_OK;
    char want[32], have[32], cap[32], res[32];
    return cfg_fail_at(c, vs_ynode_get(gn, "memory"),
                       "guests[%zu].memory: %s is more than host '%s' keeps for guests (%s: %s less %s reserved), "
                       "so no instance could start; lower it or give the host more memory",
                       i, vs_units_format_bytes(g->memory_bytes, want, sizeof want), best_host->name,
                       vs_units_format_bytes(best, have, sizeof have),
                       vs_units_format_bytes(best_host->spec.memory_bytes, cap, sizeof cap),
                       vs_units_format_bytes(best_host->spec.host_reserved_bytes, res, sizeof res));
}

static int parse_peer(const struct cfg_ctx *c, const struct vs_ynode *gn, size_t i, struct vs_scenario *sc)
{
    const struct vs_ynode *p = vs_ynode_get(gn, "clients_from");
    if (!p) return VS_OK;
    char kp[KEYPATH_LEN];
    snprintf(kp, sizeof kp, "guests[%zu].clients_from", i);
    const char *name;
    int rc = cfg_scalar_text(c, p, kp, "the guest group whose instances send this group's requests", &name);
    if (rc != VS_OK) return rc;
    if (strcmp(name, "outside") == 0) return VS_OK;
    for (uint32_t k = 0; k < sc->n_guests; k++)
        if (strcmp(sc->guests[k].name, name) == 0) {
            if (k == i) return cfg_fail_at(c, p, "%s: a group cannot be its own clients", kp);
            snprintf(sc->guests[i].peer, sizeof sc->guests[i].peer, "%s", name);
            return VS_OK;
        }
    const char *names[VS_MAX_GUEST_GROUPS];
    for (uint32_t k = 0; k < sc->n_guests; k++) names[k] = sc->guests[k].name;
    char hint[96], list[300];
    cfg_suggest(name, names, sc->n_guests, hint, sizeof hint);
    cfg_list_words(names, sc->n_guests, " or ", list, sizeof list);
    return cfg_fail_at(c, p, "%s: no guest group is called '%.60s'%s; expected outside or %s", kp, name, hint, list);
}

int cfg_parse_compare(const struct cfg_ctx *c, const struct vs_ynode *n, struct vs_scenario *sc)
{
    const struct vs_ynode *single = n->kind == VS_YNODE_SCALAR ? n : NULL;
    if (!single && n->kind != VS_YNODE_SEQUENCE)
        return cfg_fail_at(c, n, "compare: expected a list of engines such as [native], not %s",
                       vs_ynode_kind_name(n->kind));
    size_t count = single ? 1 : n->count;
    if (count == 0)
        return cfg_fail_at(c, n, "compare: lists no engine; expected one or more of: %s",
                       vs_engine_names());
    if (count > VS_MAX_ENGINES)
        return cfg_fail_at(c, n, "compare: lists %zu engines; at most %d are allowed", count,
                       VS_MAX_ENGINES);
    sc->n_engines = 0;
    for (size_t i = 0; i < count; i++) {
        const struct vs_ynode *item = single ? single : n->items[i];
        const char *name;
        char what[600];
        snprintf(what, sizeof what, "an engine name (%s)", vs_engine_names());
        int rc = cfg_scalar_text(c, item, "compare", what, &name);
        if (rc != VS_OK) return rc;
        if (!vs_engine_find(name)) {
            const char *names[64];
            size_t nn = 0;
            for (size_t e = 0; e < vs_engine_count(); e++)
                for (size_t p = 0; p < vs_engine_at(e)->n_presets && nn < N_OF(names); p++)
                    names[nn++] = vs_engine_at(e)->presets[p].name;
            char hint[96];
            cfg_suggest(name, names, nn, hint, sizeof hint);
            return cfg_fail_at(c, item, "compare: unknown engine '%.60s'%s; known engines: %s", name,
                           hint, vs_engine_names());
        }
        for (uint32_t k = 0; k < sc->n_engines; k++)
            if (strcmp(sc->engines[k], name) == 0)
                return cfg_fail_at(c, item, "compare: engine '%s' is listed twice", name);
        snprintf(sc->engines[sc->n_engines++], VS_NAME_MAX, "%s", name);
    }
    return VS_OK;
}

/* True when `name` is "GROUP-N" with 1 <= N <= count: an instance name of a
 * group of that many instances. */
bool cfg_is_instance_name(const char *name, const char *group, uint32_t count)
{
    size_t gl = strlen(group);
    if (count < 2 || strncmp(name, group, gl) != 0 || name[gl] != '-') return false;
    const char *d = name + gl + 1;
    if (!*d || *d == '0') return false;
    unsigned long v = 0;
    for (; *d; d++) {
        if (*d < '0' || *d > '9' || v > 100000) return false;
        v = v * 10 + (unsigned long)(*d - '0');
    }
    return v >= 1 && v <= count;
}

/* pin: a core (3) or a range of cores (2-5), counted from 0 on the host
 * the guest runs on. */
static int parse_pin(const struct cfg_ctx *c, const struct vs_ynode *n, const char *path, struct vs_guest_spec *g)
{
    const struct vs_ynode *p = vs_ynode_get(n, "pin");
    if (!p) return VS_OK;
    char kp[KEYPATH_LEN];
    cfg_join(kp, sizeof kp, path, "pin");
    const char *text;
    int rc = cfg_scalar_text(c, p, kp, "a core (3) or a range of cores (2-5)", &text);
    if (rc != VS_OK) return rc;
    unsigned a = 0, b = 0;
    char end = 0;
    int got = sscanf(text, "%u-%u%c", &a, &b, &end);
    if (got == 1 && sscanf(text, "%u%c", &a, &end) == 1) b = a;
    else if (got != 2)
        return cfg_fail_at(c, p, "%s: '%.40s' is not a core or a range of cores; write 3 or 2-5 (cores count from 0)",
                           kp, text);
    if (b < a || b >= 4096)
        return cfg_fail_at(c, p, "%s: '%.40s': the range must go up (2-5) and stay below core 4096", kp, text);
    g->pin_first = a;
    g->pin_cores = b - a + 1;
    return VS_OK;
}

int cfg_parse_guest(const struct cfg_ctx *c, const struct vs_ynode *n, size_t index,
                       const char *base_dir, struct vs_guest_spec *g)
{
    char path[32];
    snprintf(path, sizeof path, "guests[%zu]", index);
    int rc = cfg_expect_mapping(c, n, path, "a mapping such as {name: web, workload: web-server}");
    if (rc != VS_OK) return rc;
    static const char *const keys[] = {"name",   "workload", "count",       "vcpus", "memory",
                                       "weight", "cap",      "queue_limit", "load",  "host",
                                       "clients_from", "pin", "resources", "victim"};
    rc = cfg_check_keys(c, n, path, keys, N_OF(keys));
    if (rc == VS_OK) rc = cfg_require_key(c, n, path, "name", "the guest group's name");
    if (rc == VS_OK)
        rc = cfg_require_key(c, n, path, "workload", "a built-in workload, a file or a mapping");
    if (rc != VS_OK) return rc;
    memset(g, 0, sizeof *g);
    g->count = 1;
    g->vcpus = 1;
    g->weight = DEFAULT_WEIGHT;
    g->queue_limit = VS_DEFAULT_QUEUE_LIMIT;
    g->line = n->line;
    rc = cfg_opt_name(c, n, path, "name", g->name, GUEST_NAME_MAX);
    if (rc == VS_OK) rc = cfg_opt_u32(c, n, path, "count", 1, VS_MAX_GUESTS, &g->count);
    if (rc == VS_OK) rc = cfg_opt_u32(c, n, path, "vcpus", 1, VS_MAX_VCPUS, &g->vcpus);
    if (rc == VS_OK) rc = cfg_opt_range(c, n, path, "memory", VS_UNIT_BYTES, 0, MAX_MEMORY_BYTES, "0", "1EiB", &g->memory_bytes);
    if (rc == VS_OK) rc = cfg_opt_positive(c, n, path, "weight", VS_UNIT_COUNT, MAX_WEIGHT, &g->weight);
    if (rc == VS_OK) rc = cfg_opt_quantity(c, n, path, "cap", VS_UNIT_PERCENT, &g->cap_fraction);
    if (rc == VS_OK) rc = cfg_opt_u32(c, n, path, "queue_limit", 1, MAX_QUEUE_LIMIT, &g->queue_limit);
    if (rc == VS_OK) rc = parse_pin(c, n, path, g);
    if (rc == VS_OK) rc = cfg_opt_bool(c, n, path, "victim", &g->victim);
    const struct vs_ynode *res = vs_ynode_get(n, "resources");
    if (rc == VS_OK && res) {
        char rp[KEYPATH_LEN];
        cfg_join(rp, sizeof rp, path, "resources");
        rc = cfg_parse_resources(c, res, rp, &g->resources);
        /* A VM's limit is its memory: one figure, said once. */
        double lim = g->resources.memory.limit_bytes;
        if (rc == VS_OK && lim > 0 && g->memory_bytes > 0 && lim != g->memory_bytes)
            rc = cfg_fail_at(c, vs_ynode_get(n, "memory"),
                             "%s.memory: differs from %s.memory.limit; give the guest's memory once (the limit "
                             "is a VM's boot-time memory and a container's memory.max)", path, rp);
    }
    if (rc != VS_OK) return rc;
    if (g->cap_fraction > (double)g->vcpus) {
        char kp[KEYPATH_LEN];
        cfg_join(kp, sizeof kp, path, "cap");
        return cfg_fail_at(c, vs_ynode_get(n, "cap"),
                       "%s: '%.60s' is more than the guest's %u vCPU%s can use (at most %u%%)", kp,
                       vs_ynode_get(n, "cap")->text, g->vcpus, g->vcpus == 1 ? "" : "s",
                       g->vcpus * 100);
    }

    const struct vs_ynode *w = vs_ynode_get(n, "workload");
    char kp[KEYPATH_LEN];
    cfg_join(kp, sizeof kp, path, "workload");
    if (w->kind == VS_YNODE_MAPPING)
        rc = cfg_parse_workload(c, w, kp, g->name, &g->workload);
    else
        rc = cfg_resolve_at(c, w, kp, VS_BUILTIN_WORKLOAD, base_dir, &g->workload);
    if (rc != VS_OK) return rc;

    const struct vs_ynode *l = vs_ynode_get(n, "load");
    if (l) {
        cfg_join(kp, sizeof kp, path, "load");
        struct vs_load_spec base = g->workload.load;
        rc = cfg_parse_load(c, l, kp, &base, &g->workload.load);
    }
    return rc;
}

/* sweep: {param: PATH, values: [...]} or {param: PATH, from: A, to: B, step: S}.
 * The values are written in the parameter's own unit (guests.web.load.rate
 * takes rates, host.memory.capacity sizes), and each is checked by applying
 * it, so a bad point is an error here and not in the middle of a run. */
int cfg_parse_sweep(const struct cfg_ctx *c, const struct vs_ynode *n, struct vs_scenario *sc)
{
    int rc = cfg_expect_mapping(c, n, "sweep", "a mapping such as {param: guests.web.count, values: [1, 2, 4]}");
    if (rc != VS_OK) return rc;
    static const char *const keys[] = {"param", "values", "from", "to", "step"};
    rc = cfg_check_keys(c, n, "sweep", keys, N_OF(keys));
    if (rc == VS_OK) rc = cfg_require_key(c, n, "sweep", "param", "the parameter to vary, e.g. guests.web.count");
    if (rc != VS_OK) return rc;
    const struct vs_ynode *pn = vs_ynode_get(n, "param");
    const char *param;
    rc = cfg_scalar_text(c, pn, "sweep.param", "a parameter path such as guests.web.count", &param);
    if (rc != VS_OK) return rc;
    if (strlen(param) >= sizeof sc->sweep.param) return cfg_fail_at(c, pn, "sweep.param: too long");
    enum vs_unit_kind unit;
    char why[400];
    if (vs_param_unit(sc, param, &unit, why, sizeof why) != 0) return cfg_fail_at(c, pn, "sweep.param: %s", why);
    snprintf(sc->sweep.param, sizeof sc->sweep.param, "%s", param);
    const struct vs_ynode *vn = vs_ynode_get(n, "values");
    const struct vs_ynode *fn = vs_ynode_get(n, "from");
    if (vn && fn) return cfg_fail_at(c, fn, "sweep: give either values or from/to/step, not both");
    if (vn) {
        if (vn->kind != VS_YNODE_SEQUENCE || vn->count == 0)
            return cfg_fail_at(c, vn, "sweep.values: expected a non-empty list such as [1, 2, 4]");
        if (vn->count > VS_MAX_SWEEP_POINTS)
            return cfg_fail_at(c, vn, "sweep.values: %zu points; at most %d are allowed", vn->count, VS_MAX_SWEEP_POINTS);
        for (size_t i = 0; i < vn->count; i++) {
            rc = cfg_node_quantity(c, vn->items[i], "sweep.values", unit, &sc->sweep.values[i]);
            if (rc != VS_OK) return rc;
        }
        sc->sweep.n = (uint32_t)vn->count;
    } else if (fn) {
        const struct vs_ynode *tn = vs_ynode_get(n, "to"), *stn = vs_ynode_get(n, "step");
        if (!tn || !stn) return cfg_fail_at(c, fn, "sweep: from needs to and step as well");
        double from, to, step;
        rc = cfg_node_quantity(c, fn, "sweep.from", unit, &from);
        if (rc == VS_OK) rc = cfg_node_quantity(c, tn, "sweep.to", unit, &to);
        if (rc == VS_OK) rc = cfg_node_quantity(c, stn, "sweep.step", unit, &step);
        if (rc != VS_OK) return rc;
        if (!(step > 0)) return cfg_fail_at(c, stn, "sweep.step: must be greater than 0");
        if (to < from) return cfg_fail_at(c, tn, "sweep.to: must not be below from");
        double count = floor((to - from) / step + 1e-9) + 1;
        if (count > VS_MAX_SWEEP_POINTS)
            return cfg_fail_at(c, stn, "sweep: %.0f points; at most %d are allowed (raise step)", count, VS_MAX_SWEEP_POINTS);
        for (uint32_t i = 0; i < (uint32_t)count; i++) sc->sweep.values[i] = from + step * i;
        sc->sweep.n = (uint32_t)count;
    } else {
        return cfg_fail_at(c, n, "sweep: give values: [...] or from, to and step");
    }
    struct vs_scenario *probe = malloc(sizeof *probe);
    if (!probe) return vs_error_set(c->err, VS_ERR_RUNTIME, c->origin, 0, 0, "out of memory");
    for (uint32_t i = 0; i < sc->sweep.n && rc == VS_OK; i++) {
        *probe = *sc;
        if (vs_param_set(probe, param, sc->sweep.values[i], why, sizeof why) != 0)
            rc = cfg_fail_at(c, vn ? vn->items[i] : fn, "sweep: point %u: %s", i, why);
    }
    free(probe);
    return rc;
}

int cfg_parse_scenario(const struct cfg_ctx *c, const struct vs_ynode *root, const char *base_dir,
                          struct vs_scenario *sc)
{
    static const char *const keys[] = {"name",   "description", "host",       "hosts",  "links",
                                       "duration", "warmup",    "seed",       "compare", "max_events",
                                       "guests", "sweep",       "events"};
    int rc = cfg_check_keys(c, root, "a scenario", keys, N_OF(keys));
    if (rc == VS_OK) rc = cfg_require_key(c, root, "", "name", "the scenario's name");
    if (rc == VS_OK) rc = cfg_require_key(c, root, "", "guests", "a list of guest groups");
    if (rc != VS_OK) return rc;
    memset(sc, 0, sizeof *sc);
    snprintf(sc->file, sizeof sc->file, "%s", c->origin);
    rc = cfg_opt_name(c, root, "", "name", sc->name, sizeof sc->name);
    if (rc == VS_OK)
        rc = cfg_opt_text(c, root, "", "description", sc->description, sizeof sc->description);
    if (rc != VS_OK) return rc;

    const struct vs_ynode *h = vs_ynode_get(root, "host"), *hs = vs_ynode_get(root, "hosts");
    if (h && hs)
        return cfg_fail_at(c, hs, "hosts: give either host: (one host) or hosts: (a list), not both");
    if (hs) {
        rc = parse_hosts(c, hs, base_dir, sc);
    } else {
        sc->n_hosts = 1;
        sc->hosts[0].count = 1;
        sc->hosts[0].line = h ? h->line : 0;
        if (h) {
            rc = cfg_parse_host_ref(c, h, base_dir, &sc->hosts[0].spec);
        } else if (vs_builtin_find(VS_BUILTIN_HOST, DEFAULT_HOST)) {
            rc = vs_config_resolve_host(DEFAULT_HOST, NULL, &sc->hosts[0].spec, c->err);
        } else {
            vs_host_spec_defaults(&sc->hosts[0].spec);
        }
        snprintf(sc->hosts[0].name, sizeof sc->hosts[0].name, "%s", sc->hosts[0].spec.name);
    }
    if (rc != VS_OK) return rc;
    const struct vs_ynode *ln = vs_ynode_get(root, "links");
    if (ln) rc = parse_links(c, ln, sc);
    if (rc != VS_OK) return rc;

    sc->duration_ns = DEFAULT_DURATION_NS;
    rc = cfg_opt_time(c, root, "", "duration", true, VS_MAX_DURATION_NS, &sc->duration_ns);
    if (rc != VS_OK) return rc;
    /* Without a warm-up the first requests meet empty queues and idle
     * caches-to-be; a tenth of the run is a safe default. */
    sc->warmup_ns = sc->duration_ns / 10;
    rc = cfg_opt_time(c, root, "", "warmup", false, VS_MAX_DURATION_NS, &sc->warmup_ns);
    if (rc != VS_OK) return rc;
    if (sc->warmup_ns >= sc->duration_ns) {
        char a[32], b[32];
        const struct vs_ynode *wn = vs_ynode_get(root, "warmup");
        return cfg_fail_at(
            c, wn ? wn : vs_ynode_get(root, "duration"),
            "warmup: %s is not shorter than the duration (%s); nothing would be measured",
            vs_units_format_time((double)sc->warmup_ns, a, sizeof a),
            vs_units_format_time((double)sc->duration_ns, b, sizeof b));
    }

    sc->seed = DEFAULT_SEED;
    const struct vs_ynode *s = vs_ynode_get(root, "seed");
    if (s) {
        const char *t;
        rc = cfg_scalar_text(c, s, "seed", "a whole number such as 42", &t);
        if (rc != VS_OK) return rc;
        bool ok = t[0] >= '0' && t[0] <= '9' && strlen(t) <= 20;
        unsigned long long v = 0;
        if (ok) {
            char *end;
            errno = 0;
            v = strtoull(t, &end, 10);
            ok = errno == 0 && *end == '\0';
        }
        if (!ok)
            return cfg_fail_at(c, s,
                           "seed: '%.60s' is not allowed; expected a whole number from 0 to "
                           "18446744073709551615",
                           t);
        sc->seed = v;
    }

    sc->max_events = DEFAULT_MAX_EVENTS;
    const struct vs_ynode *me = vs_ynode_get(root, "max_events");
    if (me) {
        uint64_t v;
        rc = cfg_node_uint(c, me, "max_events", 1, MAX_EVENTS_LIMIT, &v);
        if (rc != VS_OK) return rc;
        sc->max_events = v;
    }

    const struct vs_ynode *cmp = vs_ynode_get(root, "compare");
    if (cmp) {
        rc = cfg_parse_compare(c, cmp, sc);
    } else {
        sc->n_engines = 1;
        snprintf(sc->engines[0], VS_NAME_MAX, "native");
    }
    if (rc != VS_OK) return rc;

    const struct vs_ynode *gl = vs_ynode_get(root, "guests");
    if (gl->kind != VS_YNODE_SEQUENCE) {
        if (vs_ynode_is_null(gl))
            return cfg_fail_at(c, gl,
                           "guests: has no value; expected a list of guest groups "
                           "(- name: web ...)");
        return cfg_fail_at(c, gl, "guests: expected a list of guest groups (- name: web ...), not %s",
                       vs_ynode_kind_name(gl->kind));
    }
    if (gl->count == 0)
        return cfg_fail_at(c, gl, "guests: the list is empty; give at least one guest group");
    if (gl->count > VS_MAX_GUEST_GROUPS)
        return cfg_fail_at(c, gl->items[VS_MAX_GUEST_GROUPS],
                       "guests: %zu guest groups; at most %d are allowed", gl->count,
                       VS_MAX_GUEST_GROUPS);
    uint64_t total = 0;
    for (size_t i = 0; i < gl->count; i++) {
        struct vs_guest_spec *g = &sc->guests[i];
        rc = cfg_parse_guest(c, gl->items[i], i, base_dir, g);
        if (rc != VS_OK) return rc;
        const struct vs_ynode *nn = vs_ynode_get(gl->items[i], "name");
        for (size_t k = 0; k < i; k++) {
            const struct vs_guest_spec *o = &sc->guests[k];
            if (strcmp(o->name, g->name) == 0)
                return cfg_fail_at(c, nn,
                               "guests[%zu].name: '%s' is already the name of guests[%zu] (line "
                               "%d); guest names must be unique",
                               i, g->name, k, o->line);
            if (cfg_is_instance_name(g->name, o->name, o->count) ||
                cfg_is_instance_name(o->name, g->name, g->count))
                return cfg_fail_at(c, nn,
                               "guests[%zu].name: '%s' clashes with the instance names of "
                               "guests[%zu] '%s' (instances are named NAME-1, NAME-2, ...)",
                               i, g->name, k, o->name);
        }
        total += g->count;
        if (total > VS_MAX_GUESTS) {
            const struct vs_ynode *cn = vs_ynode_get(gl->items[i], "count");
            return cfg_fail_at(c, cn ? cn : gl->items[i],
                           "guests[%zu].count: brings the total to %llu guest instances; at most "
                           "%d are allowed",
                           i, (unsigned long long)total, VS_MAX_GUESTS);
        }
        sc->n_guests = (uint32_t)(i + 1);
        rc = parse_placement(c, gl->items[i], i, sc);
        if (rc == VS_OK) rc = check_guest_memory(c, gl->items[i], i, sc);
        if (rc == VS_OK) rc = cfg_check_guest_burst(c, gl->items[i], i, sc);
        if (rc != VS_OK) return rc;
    }
    for (size_t i = 0; i < gl->count && rc == VS_OK; i++) rc = parse_peer(c, gl->items[i], i, sc);
    if (rc != VS_OK) return rc;
    const struct vs_ynode *ev = vs_ynode_get(root, "events");
    if (ev) rc = cfg_parse_events(c, ev, sc);
    if (rc != VS_OK) return rc;
    memset(&sc->sweep, 0, sizeof sc->sweep);
    const struct vs_ynode *sw = vs_ynode_get(root, "sweep");
    return sw ? cfg_parse_sweep(c, sw, sc) : VS_OK;
}

int cfg_load_scenario_doc(const char *text, size_t len, const char *origin, const char *base_dir,
                             struct vs_scenario *out, struct vs_error *err)
{
    struct cfg_ctx c = {origin ? origin : "", err};
    struct vs_ydoc *doc;
    int rc = vs_ydoc_load(text, len, c.origin, &doc, err);
    if (rc != VS_OK) return rc;
    const struct vs_ynode *root;
    rc = cfg_root_mapping(&c, doc, scenario_expected, &root);
    /* Built aside so a failed load leaves *out as it was. */
    struct vs_scenario *sc = NULL;
    if (rc == VS_OK) {
        sc = malloc(sizeof *sc);
        if (!sc) rc = vs_error_set(err, VS_ERR_RUNTIME, c.origin, 0, 0, "out of memory");
    }
    if (rc == VS_OK) rc = cfg_parse_scenario(&c, root, base_dir, sc);
    if (rc == VS_OK) *out = *sc;
    free(sc);
    vs_ydoc_free(doc);
    return rc;
}

int vs_config_load_scenario(const char *text, size_t len, const char *origin, const char *base_dir,
                            struct vs_scenario *out, struct vs_error *err)
{
    return cfg_load_scenario_doc(text, len, origin, base_dir, out, err);
}

int vs_config_load_scenario_file(const char *path, struct vs_scenario *out, struct vs_error *err)
{
    char *text;
    size_t len;
    int rc = cfg_read_file(path, &text, &len, err);
    if (rc != VS_OK) return rc;
    char dir[PATH_MAX_LEN];
    cfg_dir_of(path, dir, sizeof dir);
    rc = cfg_load_scenario_doc(text, len, path, dir, out, err);
    free(text);
    return rc;
}

int vs_config_validate_file(const char *path, enum vs_config_kind *kind, struct vs_error *err)
{
    if (kind) *kind = VS_CONFIG_UNKNOWN;
    char *text;
    size_t len;
    int rc = cfg_read_file(path, &text, &len, err);
    if (rc != VS_OK) return rc;
    struct cfg_ctx c = {path, err};
    struct vs_ydoc *doc = NULL;
    rc = vs_ydoc_load(text, len, path, &doc, err);
    const struct vs_ynode *root = NULL;
    if (rc == VS_OK) rc = cfg_root_mapping(&c, doc, "a scenario, a workload or a host profile", &root);
    enum vs_config_kind k = VS_CONFIG_UNKNOWN;
    if (rc == VS_OK) {
        if (vs_ynode_get(root, "guests"))
            k = VS_CONFIG_SCENARIO;
        else if (vs_ynode_get(root, "cpu"))
            k = VS_CONFIG_HOST;
        else if (vs_ynode_get(root, "request"))
            k = VS_CONFIG_WORKLOAD;
        else
            rc = cfg_fail_at(&c, root,
                         "cannot tell what this file is: a scenario has 'guests', a host profile "
                         "'cpu', a workload 'request'");
    }
    char dir[PATH_MAX_LEN];
    cfg_dir_of(path, dir, sizeof dir);
    /* The kind is known before the checks: a caller that reads a scenario
     * differently from a workload (density) reports the right error. */
    if (kind) *kind = k;
    if (rc == VS_OK) {
        if (k == VS_CONFIG_SCENARIO) {
            struct vs_scenario *sc = malloc(sizeof *sc);
            rc = sc ? cfg_parse_scenario(&c, root, dir, sc)
                    : vs_error_set(err, VS_ERR_RUNTIME, path, 0, 0, "out of memory");
            free(sc);
        } else if (k == VS_CONFIG_HOST) {
            struct vs_host_spec base, h;
            vs_host_spec_defaults(&base);
            rc = cfg_parse_host(&c, root, "", &base, false, true, &h);
        } else {
            struct vs_workload w;
            rc = cfg_parse_workload(&c, root, "", NULL, &w);
        }
    }
    vs_ydoc_free(doc);
    free(text);
    return rc;
}
