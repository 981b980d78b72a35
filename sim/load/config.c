/* Loading and validating workloads, host profiles and scenarios from YAML
 * (see config.h and docs/yaml-reference.md). The text becomes a tree with
 * positions (yamltree.h); each kind of file is then checked key by key
 * against its schema, so every error names the file, line and column of the
 * offending node, the key path, and what would have been accepted. Values
 * with units go through units.h. */
#include "virtsim/load/config.h"
#include "virtsim/load/params.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "virtsim/load/builtin.h"
#include "virtsim/host/costs.h"
#include "virtsim/model/engine.h"
#include "virtsim/core/units.h"
#include "virtsim/load/yamltree.h"

/* A virtsim file is a page or two of YAML; anything this big is a mistake. */
#define MAX_FILE_BYTES (8u << 20)
#define PATH_MAX_LEN 1024
#define KEYPATH_LEN 160

/* Limits that keep a run's memory and event count sane; documented in
 * docs/yaml-reference.md. */
#define MAX_CORES 4096
#define MAX_CLIENTS 1000000
#define MAX_BATCH_TOTAL 1e12
#define MAX_RATE_PER_S 1e9
#define MAX_QUEUE_LIMIT 16777216
#define MAX_PARALLELISM 65536
#define MAX_OVERHEAD_BYTES 65536
#define MAX_WEIGHT 1e6
#define MAX_EVENTS_LIMIT 1e12
#define MAX_OPS_PER_REQUEST 1e9 /* system calls, faults, misses, switches */
#define MAX_IOS_PER_REQUEST 1e5 /* disk requests and packets: each is simulated */
#define MAX_IO_BYTES (1024.0 * 1024 * 1024 * 1024)
#define MAX_INSTRUCTIONS 1e13
#define MAX_DIST_TIME_NS ((double)VS_MAX_DURATION_NS)
#define DEFAULT_MAX_EVENTS 500000000ull
#define DEFAULT_DURATION_NS (10 * VS_NS_PER_S)
#define DEFAULT_SEED 1
#define DEFAULT_WEIGHT 256.0
#define DEFAULT_HOST "current"
/* Guest instances are named NAME-N; keep room for the suffix. */
#define GUEST_NAME_MAX (VS_NAME_MAX - 8)

struct ctx {
    const char *origin;
    struct vs_error *err;
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static int fail_at(const struct ctx *c, const struct vs_ynode *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail_at(const struct ctx *c, const struct vs_ynode *n, const char *fmt, ...)
{
    char msg[sizeof c->err->message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return vs_error_set(c->err, VS_ERR_INPUT, c->origin, n ? n->line : 0, n ? n->column : 0, "%s",
                        msg);
}

/* "path.key" (or "key" at the top level), cut to fit: key paths are short,
 * and a cut one still points at the right place. */
static void join(char *buf, size_t len, const char *path, const char *key)
{
    size_t used = 0;
    const char *parts[3] = {path && path[0] ? path : "", path && path[0] ? "." : "", key};
    for (int i = 0; i < 3; i++)
        for (const char *p = parts[i]; *p && used + 1 < len; p++) buf[used++] = *p;
    buf[used] = '\0';
}

/* ---- word lists and suggestions ---- */

/* "a, b or c" */
static void list_words(const char *const *words, size_t n, const char *last_sep, char *buf,
                       size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && used < len; i++) {
        const char *sep = i == 0 ? "" : (i + 1 == n && last_sep) ? last_sep : ", ";
        int w = snprintf(buf + used, len - used, "%s%s", sep, words[i]);
        if (w < 0) break;
        used += (size_t)w;
    }
}

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 40 || lb > 40) return 99;
    size_t prev[41], cur[41];
    for (size_t j = 0; j <= lb; j++) prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
            cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
        memcpy(prev, cur, (lb + 1) * sizeof prev[0]);
    }
    return prev[lb];
}

/* " (did you mean 'x'?)" when one word is close, else "". */
static void suggest(const char *word, const char *const *words, size_t n, char *buf, size_t len)
{
    buf[0] = '\0';
    size_t best = 99;
    const char *pick = NULL;
    for (size_t i = 0; i < n; i++) {
        size_t d = edit_distance(word, words[i]);
        if (d < best) {
            best = d;
            pick = words[i];
        }
    }
    size_t wl = strlen(word);
    if (pick && best > 0 && best <= 2 && best < wl)
        snprintf(buf, len, " (did you mean '%s'?)", pick);
}

static bool in_list(const char *word, const char *const *words, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(word, words[i]) == 0) return true;
    return false;
}

/* ---- node checks ---- */

static int expect_mapping(const struct ctx *c, const struct vs_ynode *n, const char *keypath,
                          const char *what)
{
    if (n->kind == VS_YNODE_MAPPING) return VS_OK;
    if (n->kind == VS_YNODE_SCALAR && vs_ynode_is_null(n))
        return fail_at(c, n, "%s: has no value; expected %s", keypath, what);
    if (n->kind == VS_YNODE_SCALAR)
        return fail_at(c, n, "%s: expected %s, not the scalar '%.60s'", keypath, what, n->text);
    return fail_at(c, n, "%s: expected %s, not %s", keypath, what, vs_ynode_kind_name(n->kind));
}

/* Rejects keys of map that are not in allowed. `where` names the mapping in
 * the message ("request", "the top level of a workload"). */
static int check_keys(const struct ctx *c, const struct vs_ynode *map, const char *where,
                      const char *const *allowed, size_t n_allowed)
{
    for (size_t i = 0; i < map->count; i++) {
        const struct vs_ynode *k = map->pairs[i].key;
        if (in_list(k->text, allowed, n_allowed)) continue;
        char list[512], hint[96];
        list_words(allowed, n_allowed, NULL, list, sizeof list);
        suggest(k->text, allowed, n_allowed, hint, sizeof hint);
        return fail_at(c, k, "unknown key '%.60s' in %s%s; allowed: %s", k->text, where, hint,
                       list);
    }
    return VS_OK;
}

static int require_key(const struct ctx *c, const struct vs_ynode *map, const char *path,
                       const char *key, const char *what)
{
    if (vs_ynode_get(map, key)) return VS_OK;
    if (path && path[0])
        return fail_at(c, map, "%s: missing required key '%s' (%s)", path, key, what);
    return fail_at(c, map, "missing required key '%s' (%s)", key, what);
}

/* The text of a scalar that must have a value. */
static int scalar_text(const struct ctx *c, const struct vs_ynode *n, const char *keypath,
                       const char *expected, const char **text)
{
    if (n->kind != VS_YNODE_SCALAR)
        return fail_at(c, n, "%s: expected %s, not %s", keypath, expected,
                       vs_ynode_kind_name(n->kind));
    if (vs_ynode_is_null(n))
        return fail_at(c, n, "%s: has no value; expected %s", keypath, expected);
    if (strlen(n->text) != n->len)
        return fail_at(c, n, "%s: contains a NUL character; expected %s", keypath, expected);
    *text = n->text;
    return VS_OK;
}

static int node_quantity(const struct ctx *c, const struct vs_ynode *n, const char *keypath,
                         enum vs_unit_kind kind, double *out)
{
    const char *text;
    int rc = scalar_text(c, n, keypath, vs_units_expected(kind), &text);
    if (rc != VS_OK) return rc;
    char why[300];
    if (vs_units_parse(text, kind, out, why, sizeof why) != 0)
        return fail_at(c, n, "%s: %s", keypath, why);
    return VS_OK;
}

static int node_positive(const struct ctx *c, const struct vs_ynode *n, const char *keypath,
                         enum vs_unit_kind kind, double max, double *out)
{
    double v;
    int rc = node_quantity(c, n, keypath, kind, &v);
    if (rc != VS_OK) return rc;
    if (!(v > 0))
        return fail_at(c, n, "%s: '%.60s' must be greater than 0; expected %s", keypath, n->text,
                       vs_units_expected(kind));
    if (v > max)
        return fail_at(c, n, "%s: '%.60s' is too large (at most %.0f)", keypath, n->text, max);
    *out = v;
    return VS_OK;
}

static int node_uint(const struct ctx *c, const struct vs_ynode *n, const char *keypath, double min,
                     double max, uint64_t *out)
{
    double v;
    int rc = node_quantity(c, n, keypath, VS_UNIT_COUNT, &v);
    if (rc != VS_OK) return rc;
    if (v != floor(v)) return fail_at(c, n, "%s: '%.60s' is not a whole number", keypath, n->text);
    if (v < min)
        return fail_at(c, n, "%s: '%.60s' is too small; expected a whole number >= %.0f", keypath,
                       n->text, min);
    if (v > max)
        return fail_at(c, n, "%s: '%.60s' is too large; the limit is %.0f", keypath, n->text, max);
    *out = (uint64_t)v;
    return VS_OK;
}

static int node_time(const struct ctx *c, const struct vs_ynode *n, const char *keypath,
                     bool positive, vs_time_ns max_ns, vs_time_ns *out)
{
    double ns;
    int rc = node_quantity(c, n, keypath, VS_UNIT_TIME, &ns);
    if (rc != VS_OK) return rc;
    if (ns > (double)max_ns) {
        char buf[32];
        return fail_at(c, n, "%s: '%.60s' is too long; at most %s", keypath, n->text,
                       vs_units_format_time((double)max_ns, buf, sizeof buf));
    }
    vs_time_ns t = (vs_time_ns)llround(ns);
    if (positive && t <= 0)
        return fail_at(c, n, "%s: '%.60s' must be longer than 0; expected %s", keypath, n->text,
                       vs_units_expected(VS_UNIT_TIME));
    *out = t;
    return VS_OK;
}

static int node_bool(const struct ctx *c, const struct vs_ynode *n, const char *keypath, bool *out)
{
    const char *t;
    int rc = scalar_text(c, n, keypath, "true or false", &t);
    if (rc != VS_OK) return rc;
    static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes", "on", "On"};
    static const char *const no[] = {"false", "False", "FALSE", "no", "No", "off", "Off"};
    if (in_list(t, yes, N_OF(yes))) {
        *out = true;
        return VS_OK;
    }
    if (in_list(t, no, N_OF(no))) {
        *out = false;
        return VS_OK;
    }
    return fail_at(c, n, "%s: '%.60s' is not allowed; expected true or false", keypath, t);
}

static int node_choice(const struct ctx *c, const struct vs_ynode *n, const char *keypath,
                       const char *const *names, size_t count, int *out)
{
    char list[256];
    list_words(names, count, " or ", list, sizeof list);
    const char *t;
    int rc = scalar_text(c, n, keypath, list, &t);
    if (rc != VS_OK) return rc;
    for (size_t i = 0; i < count; i++) {
        if (strcmp(t, names[i]) == 0) {
            *out = (int)i;
            return VS_OK;
        }
    }
    char hint[96];
    suggest(t, names, count, hint, sizeof hint);
    return fail_at(c, n, "%s: '%.60s' is not allowed%s; expected %s", keypath, t, hint, list);
}

static bool name_char_ok(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_' || ch == '.' || ch == '-';
}

/* Names appear in reports, CSV columns and instance names: a short,
 * unambiguous alphabet. */
static int node_name(const struct ctx *c, const struct vs_ynode *n, const char *keypath, char *out,
                     size_t cap)
{
    const char *t;
    int rc = scalar_text(c, n, keypath, "a name of letters, digits, '_', '.' and '-'", &t);
    if (rc != VS_OK) return rc;
    size_t len = strlen(t);
    if (len == 0) return fail_at(c, n, "%s: is empty; expected a name", keypath);
    if (len >= cap)
        return fail_at(c, n, "%s: '%.60s' is longer than %zu characters", keypath, t, cap - 1);
    for (size_t i = 0; i < len; i++)
        if (!name_char_ok(t[i]))
            return fail_at(c, n,
                           "%s: '%.60s' has the character '%c'; a name may use only letters, "
                           "digits, '_', '.' and '-'",
                           keypath, t, (t[i] >= 32 && t[i] < 127) ? t[i] : '?');
    memcpy(out, t, len + 1);
    return VS_OK;
}

static int node_text(const struct ctx *c, const struct vs_ynode *n, const char *keypath, char *out,
                     size_t cap)
{
    if (vs_ynode_is_null(n)) {
        out[0] = '\0';
        return VS_OK;
    }
    const char *t;
    int rc = scalar_text(c, n, keypath, "a line of text", &t);
    if (rc != VS_OK) return rc;
    size_t len = strlen(t);
    if (len >= cap)
        return fail_at(c, n, "%s: is %zu characters long; at most %zu are allowed", keypath, len,
                       cap - 1);
    memcpy(out, t, len + 1);
    return VS_OK;
}

/* Optional keys: nothing happens (and *out keeps its default) when absent. */

static int opt_quantity(const struct ctx *c, const struct vs_ynode *map, const char *path,
                        const char *key, enum vs_unit_kind kind, double *out)
{
    const struct vs_ynode *n = vs_ynode_get(map, key);
    if (!n) return VS_OK;
    char kp[KEYPATH_LEN];
    join(kp, sizeof kp, path, key);
    return node_quantity(c, n, kp, kind, out);
}

/* A quantity >= 0 and at most max: the simulator draws per-request counts
 * as integers and times as integer nanoseconds, so absurd values are refused
 * here rather than overflowing there. */
static int opt_bounded(const struct ctx *c, const struct vs_ynode *map, const char *path,
                       const char *key, enum vs_unit_kind kind, double max, double *out)
{
    const struct vs_ynode *n = vs_ynode_get(map, key);
    if (!n) return VS_OK;
    char kp[KEYPATH_LEN];
    join(kp, sizeof kp, path, key);
    double v;
    int rc = node_quantity(c, n, kp, kind, &v);
    if (rc != VS_OK) return rc;
    if (v > max) return fail_at(c, n, "%s: '%.60s' is too large (at most %.0f)", kp, n->text, max);
    *out = v;
    return VS_OK;
}

static int opt_positive(const struct ctx *c, const struct vs_ynode *map, const char *path,
                        const char *key, enum vs_unit_kind kind, double max, double *out)
{
    const struct vs_ynode *n = vs_ynode_get(map, key);
    if (!n) return VS_OK;
    char kp[KEYPATH_LEN];
    join(kp, sizeof kp, path, key);
    return node_positive(c, n, kp, kind, max, out);
}

static int opt_u32(const struct ctx *c, const struct vs_ynode *map, const char *path,
                   const char *key, double min, double max, uint32_t *out)
{
    const struct vs_ynode *n = vs_ynode_get(map, key);
    if (!n) return VS_OK;
    char kp[KEYPATH_LEN];
    join(kp, sizeof kp, path, key);
    uint64_t v;
    int rc = node_uint(c, n, kp, min, max, &v);
    if (rc == VS_OK) *out = (uint32_t)v;
    return rc;
}

static int opt_time(const struct ctx *c, const struct vs_ynode *map, const char *path,
                    const char *key, bool positive, vs_time_ns max_ns, vs_time_ns *out)
{
    const struct vs_ynode *n = vs_ynode_get(map, key);
    if (!n) return VS_OK;
    char kp[KEYPATH_LEN];
    join(kp, sizeof kp, path, key);
    return node_time(c, n, kp, positive, max_ns, out);
}

static int opt_bool(const struct ctx *c, const struct vs_ynode *map, const char *path,
                    const char *key, bool *out)
{
    const struct vs_ynode *n = vs_ynode_get(map, key);
    if (!n) return VS_OK;
    char kp[KEYPATH_LEN];
    join(kp, sizeof kp, path, key);
    return node_bool(c, n, kp, out);
}

static int opt_choice(const struct ctx *c, const struct vs_ynode *map, const char *path,
                      const char *key, const char *const *names, size_t count, int *out)
{
    const struct vs_ynode *n = vs_ynode_get(map, key);
    if (!n) return VS_OK;
    char kp[KEYPATH_LEN];
    join(kp, sizeof kp, path, key);
    return node_choice(c, n, kp, names, count, out);
}

static int opt_name(const struct ctx *c, const struct vs_ynode *map, const char *path,
                    const char *key, char *out, size_t cap)
{
    const struct vs_ynode *n = vs_ynode_get(map, key);
    if (!n) return VS_OK;
    char kp[KEYPATH_LEN];
    join(kp, sizeof kp, path, key);
    return node_name(c, n, kp, out, cap);
}

static int opt_text(const struct ctx *c, const struct vs_ynode *map, const char *path,
                    const char *key, char *out, size_t cap)
{
    const struct vs_ynode *n = vs_ynode_get(map, key);
    if (!n) return VS_OK;
    char kp[KEYPATH_LEN];
    join(kp, sizeof kp, path, key);
    return node_text(c, n, kp, out, cap);
}

/* ---- distributions ---- */

static const char *const dist_names[] = {"constant", "uniform", "exponential", "normal",
                                         "lognormal"};

/* A quantity drawn per request: a scalar (of kind scalar_kind with that mean)
 * or a mapping {dist: KIND, ...} whose parameters have the unit `unit`. */
static int node_dist(const struct ctx *c, const struct vs_ynode *n, const char *keypath,
                     enum vs_unit_kind unit, double max, enum vs_dist_kind scalar_kind,
                     struct vs_dist *out)
{
    if (n->kind == VS_YNODE_SCALAR) {
        double v;
        int rc = node_quantity(c, n, keypath, unit, &v);
        if (rc != VS_OK) return rc;
        if (v > max)
            return fail_at(c, n, "%s: '%.60s' is too large (at most %.0f)", keypath, n->text, max);
        *out = (struct vs_dist){scalar_kind, v, 0};
        return VS_OK;
    }
    char what[160];
    snprintf(what, sizeof what,
             "%s, or a mapping such as {dist: lognormal, mean: ..., stddev: ...}",
             vs_units_expected(unit));
    int rc = expect_mapping(c, n, keypath, what);
    if (rc != VS_OK) return rc;
    static const char *const all_keys[] = {"dist", "value", "min", "max", "mean", "stddev"};
    rc = check_keys(c, n, keypath, all_keys, N_OF(all_keys));
    if (rc != VS_OK) return rc;
    const struct vs_ynode *dn = vs_ynode_get(n, "dist");
    if (!dn)
        return fail_at(c, n,
                       "%s: missing required key 'dist'; expected constant, uniform, "
                       "exponential, normal or lognormal",
                       keypath);
    char kp[KEYPATH_LEN];
    join(kp, sizeof kp, keypath, "dist");
    int kind;
    rc = node_choice(c, dn, kp, dist_names, N_OF(dist_names), &kind);
    if (rc != VS_OK) return rc;
    /* Parameters per kind, in the order vs_dist's a and b take them. */
    static const char *const params[][2] = {
        [VS_DIST_CONSTANT] = {"value", NULL},     [VS_DIST_UNIFORM] = {"min", "max"},
        [VS_DIST_EXPONENTIAL] = {"mean", NULL},   [VS_DIST_NORMAL] = {"mean", "stddev"},
        [VS_DIST_LOGNORMAL] = {"mean", "stddev"},
    };
    const char *const *p = params[kind];
    size_t np = p[1] ? 2 : 1;
    for (size_t i = 0; i < n->count; i++) {
        const struct vs_ynode *k = n->pairs[i].key;
        if (strcmp(k->text, "dist") == 0 || in_list(k->text, p, np)) continue;
        return fail_at(c, k, "%s.%s: not used by dist %s; %s takes %s%s%s", keypath, k->text,
                       dist_names[kind], dist_names[kind], p[0], np == 2 ? " and " : "",
                       np == 2 ? p[1] : "");
    }
    double v[2] = {0, 0};
    for (size_t i = 0; i < np; i++) {
        const struct vs_ynode *pn = vs_ynode_get(n, p[i]);
        if (!pn)
            return fail_at(c, n, "%s: missing required key '%s' for dist %s", keypath, p[i],
                           dist_names[kind]);
        join(kp, sizeof kp, keypath, p[i]);
        rc = node_quantity(c, pn, kp, unit, &v[i]);
        if (rc != VS_OK) return rc;
        if (v[i] > max)
            return fail_at(c, pn, "%s: '%.60s' is too large (at most %.0f)", kp, pn->text, max);
    }
    if (kind == VS_DIST_UNIFORM && v[0] > v[1])
        return fail_at(c, vs_ynode_get(n, "max"), "%s: max is smaller than min", keypath);
    if (kind == VS_DIST_LOGNORMAL && !(v[0] > 0))
        return fail_at(c, vs_ynode_get(n, "mean"),
                       "%s: a lognormal distribution needs a mean greater than 0", keypath);
    *out = (struct vs_dist){(enum vs_dist_kind)kind, v[0], v[1]};
    return VS_OK;
}

/* ---- workloads ---- */

static const char *const load_kind_names[] = {"open", "closed", "batch"};
static const char *const arrival_names[] = {"poisson", "uniform"};
static const char *const load_keys[] = {"kind",    "rate",       "arrivals",
                                        "clients", "think_time", "total"};

/* Keys each kind takes (besides kind) and the one it requires. */
static const char *const load_kind_keys[][3] = {
    [VS_LOAD_OPEN] = {"rate", "arrivals", NULL},
    [VS_LOAD_CLOSED] = {"clients", "think_time", NULL},
    [VS_LOAD_BATCH] = {"total", "clients", NULL},
};
static const char *const load_required[] = {
    [VS_LOAD_OPEN] = "rate", [VS_LOAD_CLOSED] = "clients", [VS_LOAD_BATCH] = "total"};

/* Parses a load mapping. With a base (a scenario's override of a workload's
 * load), keys not given keep the base's values, unless kind changes, in
 * which case the new kind starts from its defaults and needs its keys. */
static int parse_load(const struct ctx *c, const struct vs_ynode *n, const char *path,
                      const struct vs_load_spec *base, struct vs_load_spec *out)
{
    int rc = expect_mapping(c, n, path, "a mapping such as {kind: open, rate: 2000/s}");
    if (rc != VS_OK) return rc;
    rc = check_keys(c, n, path, load_keys, N_OF(load_keys));
    if (rc != VS_OK) return rc;
    int kind;
    const struct vs_ynode *kn = vs_ynode_get(n, "kind");
    if (kn) {
        char kp[KEYPATH_LEN];
        join(kp, sizeof kp, path, "kind");
        rc = node_choice(c, kn, kp, load_kind_names, N_OF(load_kind_names), &kind);
        if (rc != VS_OK) return rc;
    } else if (base) {
        kind = (int)base->kind;
    } else {
        return fail_at(c, n, "%s: missing required key 'kind'; expected open, closed or batch",
                       path);
    }
    bool from_base = base && (int)base->kind == kind;
    struct vs_load_spec l;
    if (from_base) {
        l = *base;
    } else {
        l = (struct vs_load_spec){.kind = (enum vs_load_kind)kind,
                                  .arrivals = VS_DIST_EXPONENTIAL,
                                  .think_ns = {VS_DIST_CONSTANT, 0, 0}};
    }
    const char *const *keys = load_kind_keys[kind];
    for (size_t i = 0; i < n->count; i++) {
        const struct vs_ynode *k = n->pairs[i].key;
        if (strcmp(k->text, "kind") == 0 || in_list(k->text, keys, 2)) continue;
        return fail_at(c, k, "%s.%s: not used by kind %s; kind %s takes %s and %s", path, k->text,
                       load_kind_names[kind], load_kind_names[kind], keys[0], keys[1]);
    }
    if (!from_base && !vs_ynode_get(n, load_required[kind]))
        return fail_at(c, n, "%s: missing required key '%s' for kind %s", path, load_required[kind],
                       load_kind_names[kind]);
    switch ((enum vs_load_kind)kind) {
    case VS_LOAD_OPEN: {
        rc = opt_positive(c, n, path, "rate", VS_UNIT_RATE, MAX_RATE_PER_S, &l.rate_per_s);
        int arr = l.arrivals == VS_DIST_CONSTANT ? 1 : 0;
        if (rc == VS_OK) rc = opt_choice(c, n, path, "arrivals", arrival_names, 2, &arr);
        l.arrivals = arr == 1 ? VS_DIST_CONSTANT : VS_DIST_EXPONENTIAL;
        break;
    }
    case VS_LOAD_CLOSED: {
        rc = opt_u32(c, n, path, "clients", 1, MAX_CLIENTS, &l.clients);
        const struct vs_ynode *tn = vs_ynode_get(n, "think_time");
        if (rc == VS_OK && tn) {
            char kp[KEYPATH_LEN];
            join(kp, sizeof kp, path, "think_time");
            rc = node_dist(c, tn, kp, VS_UNIT_TIME, MAX_DIST_TIME_NS, VS_DIST_EXPONENTIAL,
                           &l.think_ns);
        }
        break;
    }
    case VS_LOAD_BATCH: {
        const struct vs_ynode *tn = vs_ynode_get(n, "total");
        if (tn) {
            char kp[KEYPATH_LEN];
            join(kp, sizeof kp, path, "total");
            rc = node_uint(c, tn, kp, 1, MAX_BATCH_TOTAL, &l.total);
        }
        if (rc == VS_OK) rc = opt_u32(c, n, path, "clients", 0, MAX_CLIENTS, &l.clients);
        break;
    }
    }
    if (rc != VS_OK) return rc;
    *out = l;
    return VS_OK;
}

static int parse_request(const struct ctx *c, const struct vs_ynode *n, const char *path,
                         struct vs_request_spec *r)
{
    int rc = expect_mapping(c, n, path, "a mapping with instructions and other counts per request");
    if (rc != VS_OK) return rc;
    static const char *const keys[] = {
        "instructions",     "cpi",         "mem_refs_per_instruction",
        "syscalls",         "page_faults", "tlb_misses",
        "context_switches", "kernel_instructions", "privileged",
        "pt_updates",       "forks",       "ipis",
        "disk",             "net"};
    rc = check_keys(c, n, path, keys, N_OF(keys));
    if (rc != VS_OK) return rc;
    rc = require_key(c, n, path, "instructions", "user-mode instructions per request, e.g. 150k");
    if (rc != VS_OK) return rc;
    char kp[KEYPATH_LEN];
    join(kp, sizeof kp, path, "instructions");
    rc = node_dist(c, vs_ynode_get(n, "instructions"), kp, VS_UNIT_COUNT, MAX_INSTRUCTIONS,
                   VS_DIST_CONSTANT, &r->instructions);
    if (rc == VS_OK) rc = opt_positive(c, n, path, "cpi", VS_UNIT_COUNT, 1000, &r->cpi);
    if (rc == VS_OK)
        rc = opt_bounded(c, n, path, "mem_refs_per_instruction", VS_UNIT_COUNT, 100,
                         &r->mem_refs_per_instruction);
    if (rc == VS_OK)
        rc = opt_bounded(c, n, path, "syscalls", VS_UNIT_COUNT, MAX_OPS_PER_REQUEST,
                         &r->count[VS_OP_SYSCALL]);
    if (rc == VS_OK)
        rc = opt_bounded(c, n, path, "page_faults", VS_UNIT_COUNT, MAX_OPS_PER_REQUEST,
                         &r->count[VS_OP_PAGE_FAULT]);
    if (rc == VS_OK)
        rc = opt_bounded(c, n, path, "tlb_misses", VS_UNIT_COUNT, MAX_OPS_PER_REQUEST,
                         &r->count[VS_OP_TLB_MISS]);
    if (rc == VS_OK)
        rc = opt_bounded(c, n, path, "context_switches", VS_UNIT_COUNT, MAX_OPS_PER_REQUEST,
                         &r->count[VS_OP_CONTEXT_SWITCH]);
    if (rc == VS_OK)
        rc = opt_bounded(c, n, path, "kernel_instructions", VS_UNIT_COUNT, MAX_INSTRUCTIONS,
                         &r->count[VS_OP_KERNEL_INSTRUCTION]);
    if (rc == VS_OK)
        rc = opt_bounded(c, n, path, "privileged", VS_UNIT_COUNT, MAX_OPS_PER_REQUEST,
                         &r->count[VS_OP_PRIVILEGED]);
    if (rc == VS_OK)
        rc = opt_bounded(c, n, path, "pt_updates", VS_UNIT_COUNT, MAX_OPS_PER_REQUEST,
                         &r->count[VS_OP_PT_UPDATE]);
    if (rc == VS_OK)
        rc = opt_bounded(c, n, path, "forks", VS_UNIT_COUNT, MAX_IOS_PER_REQUEST,
                         &r->count[VS_OP_PROCESS_CREATE]);
    if (rc == VS_OK)
        rc = opt_bounded(c, n, path, "ipis", VS_UNIT_COUNT, MAX_OPS_PER_REQUEST,
                         &r->count[VS_OP_IPI]);
    if (rc != VS_OK) return rc;

    const struct vs_ynode *d = vs_ynode_get(n, "disk");
    if (d) {
        join(kp, sizeof kp, path, "disk");
        rc = expect_mapping(c, d, kp, "a mapping such as {reads: 1, read_size: 16KiB}");
        if (rc != VS_OK) return rc;
        static const char *const dkeys[] = {"reads", "read_size", "writes", "write_size", "sync"};
        rc = check_keys(c, d, kp, dkeys, N_OF(dkeys));
        if (rc == VS_OK)
            rc = opt_bounded(c, d, kp, "reads", VS_UNIT_COUNT, MAX_IOS_PER_REQUEST,
                             &r->count[VS_OP_DISK_READ]);
        if (rc == VS_OK)
            rc = opt_bounded(c, d, kp, "read_size", VS_UNIT_BYTES, MAX_IO_BYTES,
                             &r->disk_read_bytes);
        if (rc == VS_OK)
            rc = opt_bounded(c, d, kp, "writes", VS_UNIT_COUNT, MAX_IOS_PER_REQUEST,
                             &r->count[VS_OP_DISK_WRITE]);
        if (rc == VS_OK)
            rc = opt_bounded(c, d, kp, "write_size", VS_UNIT_BYTES, MAX_IO_BYTES,
                             &r->disk_write_bytes);
        if (rc == VS_OK) rc = opt_bool(c, d, kp, "sync", &r->disk_sync);
        if (rc != VS_OK) return rc;
    }
    const struct vs_ynode *net = vs_ynode_get(n, "net");
    if (net) {
        join(kp, sizeof kp, path, "net");
        rc = expect_mapping(c, net, kp, "a mapping such as {rx_packets: 2, rx_bytes: 1KiB}");
        if (rc != VS_OK) return rc;
        static const char *const nkeys[] = {"rx_packets", "rx_bytes", "tx_packets", "tx_bytes"};
        rc = check_keys(c, net, kp, nkeys, N_OF(nkeys));
        if (rc == VS_OK)
            rc = opt_bounded(c, net, kp, "rx_packets", VS_UNIT_COUNT, MAX_IOS_PER_REQUEST,
                             &r->count[VS_OP_NET_RX]);
        if (rc == VS_OK)
            rc = opt_bounded(c, net, kp, "rx_bytes", VS_UNIT_BYTES, MAX_IO_BYTES, &r->net_rx_bytes);
        if (rc == VS_OK)
            rc = opt_bounded(c, net, kp, "tx_packets", VS_UNIT_COUNT, MAX_IOS_PER_REQUEST,
                             &r->count[VS_OP_NET_TX]);
        if (rc == VS_OK)
            rc = opt_bounded(c, net, kp, "tx_bytes", VS_UNIT_BYTES, MAX_IO_BYTES, &r->net_tx_bytes);
        if (rc != VS_OK) return rc;
        /* Bytes are split over packets: bytes with no packet would vanish. */
        if (r->net_rx_bytes > 0 && r->count[VS_OP_NET_RX] == 0)
            return fail_at(c, vs_ynode_get(net, "rx_bytes"),
                           "%s.rx_bytes: bytes are received but rx_packets is 0; give rx_packets "
                           "(the bytes are split over them)",
                           kp);
        if (r->net_tx_bytes > 0 && r->count[VS_OP_NET_TX] == 0)
            return fail_at(c, vs_ynode_get(net, "tx_bytes"),
                           "%s.tx_bytes: bytes are sent but tx_packets is 0; give tx_packets "
                           "(the bytes are split over them)",
                           kp);
    }
    return VS_OK;
}

static int parse_memory_spec(const struct ctx *c, const struct vs_ynode *n, const char *path,
                             struct vs_memory_spec *m)
{
    int rc =
        expect_mapping(c, n, path, "a mapping such as {footprint: 256MiB, working_set: 64MiB}");
    if (rc != VS_OK) return rc;
    static const char *const keys[] = {"footprint", "working_set", "dirty_rate", "code"};
    rc = check_keys(c, n, path, keys, N_OF(keys));
    if (rc == VS_OK) rc = require_key(c, n, path, "footprint", "resident memory, e.g. 256MiB");
    if (rc == VS_OK)
        rc = opt_positive(c, n, path, "footprint", VS_UNIT_BYTES, 1e18, &m->footprint_bytes);
    m->working_set_bytes = m->footprint_bytes;
    if (rc == VS_OK)
        rc = opt_quantity(c, n, path, "working_set", VS_UNIT_BYTES, &m->working_set_bytes);
    if (rc == VS_OK)
        rc = opt_quantity(c, n, path, "dirty_rate", VS_UNIT_BYTERATE, &m->dirty_rate_bytes_per_s);
    if (rc == VS_OK) rc = opt_quantity(c, n, path, "code", VS_UNIT_BYTES, &m->code_bytes);
    if (rc != VS_OK) return rc;
    if (m->working_set_bytes > m->footprint_bytes) {
        char a[32], b[32];
        return fail_at(c, vs_ynode_get(n, "working_set"),
                       "%s%sworking_set: %s is larger than the footprint (%s); the working set is "
                       "the part of the footprint touched often",
                       path, path[0] ? "." : "",
                       vs_units_format_bytes(m->working_set_bytes, a, sizeof a),
                       vs_units_format_bytes(m->footprint_bytes, b, sizeof b));
    }
    return VS_OK;
}

static void workload_defaults(struct vs_workload *w)
{
    memset(w, 0, sizeof *w);
    w->load.arrivals = VS_DIST_EXPONENTIAL;
    w->request.cpi = 1.0;
    w->request.mem_refs_per_instruction = 0.3;
    w->request.disk_read_bytes = 4096;
    w->request.disk_write_bytes = 4096;
}

/* path: "" for a workload file, "guests[0].workload" when inline; an inline
 * workload may leave out its name (default_name is used). */
static int parse_workload(const struct ctx *c, const struct vs_ynode *n, const char *path,
                          const char *default_name, struct vs_workload *out)
{
    struct vs_workload w;
    workload_defaults(&w);
    static const char *const keys[] = {"name", "description", "load", "request", "memory"};
    char where[KEYPATH_LEN + 8];
    snprintf(where, sizeof where, "%s", path[0] ? path : "a workload");
    int rc = check_keys(c, n, where, keys, N_OF(keys));
    if (rc != VS_OK) return rc;
    if (!default_name) rc = require_key(c, n, path, "name", "the workload's name");
    if (rc == VS_OK)
        rc = require_key(c, n, path, "load", "how requests arrive, e.g. {kind: open, rate: 100/s}");
    if (rc == VS_OK) rc = require_key(c, n, path, "request", "what one request does");
    if (rc == VS_OK) rc = require_key(c, n, path, "memory", "e.g. {footprint: 256MiB}");
    if (rc != VS_OK) return rc;
    if (default_name) snprintf(w.name, sizeof w.name, "%s", default_name);
    rc = opt_name(c, n, path, "name", w.name, sizeof w.name);
    if (rc == VS_OK) rc = opt_text(c, n, path, "description", w.description, sizeof w.description);
    char kp[KEYPATH_LEN];
    if (rc == VS_OK) {
        join(kp, sizeof kp, path, "load");
        rc = parse_load(c, vs_ynode_get(n, "load"), kp, NULL, &w.load);
    }
    if (rc == VS_OK) {
        join(kp, sizeof kp, path, "request");
        rc = parse_request(c, vs_ynode_get(n, "request"), kp, &w.request);
    }
    if (rc == VS_OK) {
        join(kp, sizeof kp, path, "memory");
        rc = parse_memory_spec(c, vs_ynode_get(n, "memory"), kp, &w.memory);
    }
    if (rc != VS_OK) return rc;
    *out = w;
    return VS_OK;
}

/* ---- host profiles ---- */

static const char *const disk_class_names[] = {"hdd", "ssd", "nvme"};
/* The disk model needs one parameter for its latency term. */
static const char *const latency_dist_names[] = {"constant", "exponential"};

static int parse_costs(const struct ctx *c, const struct vs_ynode *n, const char *path,
                       struct vs_costs *costs)
{
    int rc = expect_mapping(c, n, path, "a mapping of cost names to values, e.g. {syscall: 300}");
    if (rc != VS_OK) return rc;
    const char *names[VS_COST_COUNT];
    for (int i = 0; i < VS_COST_COUNT; i++) names[i] = vs_cost_info((enum vs_cost_id)i)->key;
    rc = check_keys(c, n, path, names, VS_COST_COUNT);
    for (int i = 0; i < VS_COST_COUNT && rc == VS_OK; i++) {
        const struct vs_cost_info *info = vs_cost_info((enum vs_cost_id)i);
        rc = opt_quantity(c, n, path, info->key, info->unit, &costs->value[i]);
    }
    return rc;
}

/* Starts from *base and overrides what the mapping gives. allow_profile: an
 * inline host in a scenario may also carry `profile:` (already applied by
 * the caller into base). */
static int parse_host(const struct ctx *c, const struct vs_ynode *n, const char *path,
                      const struct vs_host_spec *base, bool allow_profile, bool name_required,
                      struct vs_host_spec *out)
{
    struct vs_host_spec h = *base;
    static const char *const keys[] = {"name", "description", "cpu",   "memory",
                                       "disk", "nic",         "costs", "profile"};
    char where[KEYPATH_LEN + 16];
    snprintf(where, sizeof where, "%s", path[0] ? path : "a host profile");
    int rc = check_keys(c, n, where, keys, N_OF(keys) - (allow_profile ? 0 : 1));
    if (rc == VS_OK && name_required) rc = require_key(c, n, path, "name", "the profile's name");
    if (rc == VS_OK) rc = opt_name(c, n, path, "name", h.name, sizeof h.name);
    if (rc == VS_OK) rc = opt_text(c, n, path, "description", h.description, sizeof h.description);
    if (rc != VS_OK) return rc;
    char kp[KEYPATH_LEN];

    const struct vs_ynode *m = vs_ynode_get(n, "cpu");
    if (m) {
        join(kp, sizeof kp, path, "cpu");
        rc = expect_mapping(c, m, kp, "a mapping such as {cores: 16, frequency: 3GHz}");
        static const char *const ck[] = {"cores",      "frequency",
                                         "time_slice", "cap_period",
                                         "hardware_virtualization", "nested_paging"};
        if (rc == VS_OK) rc = check_keys(c, m, kp, ck, N_OF(ck));
        if (rc == VS_OK) rc = opt_u32(c, m, kp, "cores", 1, MAX_CORES, &h.cpu.cores);
        if (rc == VS_OK)
            rc = opt_positive(c, m, kp, "frequency", VS_UNIT_FREQUENCY, 1e12, &h.cpu.frequency_hz);
        if (rc == VS_OK)
            rc = opt_time(c, m, kp, "time_slice", true, 10 * VS_NS_PER_S, &h.cpu.time_slice_ns);
        if (rc == VS_OK)
            rc = opt_time(c, m, kp, "cap_period", true, 60 * VS_NS_PER_S, &h.cpu.cap_period_ns);
        if (rc == VS_OK) rc = opt_bool(c, m, kp, "hardware_virtualization", &h.cpu.hw_virt);
        if (rc == VS_OK) rc = opt_bool(c, m, kp, "nested_paging", &h.cpu.nested_paging);
        if (rc == VS_OK && h.cpu.nested_paging && !h.cpu.hw_virt)
            return fail_at(c, vs_ynode_get(m, "nested_paging"),
                           "%s.nested_paging: nested paging (EPT/NPT) is part of hardware "
                           "virtualization; set hardware_virtualization: true as well",
                           kp);
        if (rc != VS_OK) return rc;
    }
    m = vs_ynode_get(n, "memory");
    if (m) {
        join(kp, sizeof kp, path, "memory");
        rc = expect_mapping(c, m, kp, "a mapping such as {capacity: 64GiB, reserved: 2GiB}");
        static const char *const mk[] = {"capacity", "reserved"};
        if (rc == VS_OK) rc = check_keys(c, m, kp, mk, N_OF(mk));
        if (rc == VS_OK)
            rc = opt_positive(c, m, kp, "capacity", VS_UNIT_BYTES, 1e18, &h.memory_bytes);
        if (rc == VS_OK)
            rc = opt_quantity(c, m, kp, "reserved", VS_UNIT_BYTES, &h.host_reserved_bytes);
        if (rc != VS_OK) return rc;
    }
    if (h.host_reserved_bytes >= h.memory_bytes) {
        char a[32], b[32];
        const struct vs_ynode *at = m ? vs_ynode_get(m, "reserved") : NULL;
        return fail_at(c, at ? at : (m ? m : n),
                       "%s%smemory.reserved: %s leaves nothing of the capacity (%s) for guests",
                       path, path[0] ? "." : "",
                       vs_units_format_bytes(h.host_reserved_bytes, a, sizeof a),
                       vs_units_format_bytes(h.memory_bytes, b, sizeof b));
    }
    m = vs_ynode_get(n, "disk");
    if (m) {
        join(kp, sizeof kp, path, "disk");
        rc = expect_mapping(c, m, kp, "a mapping such as {class: nvme, read_latency: 20us}");
        static const char *const dk[] = {"class",        "seek",          "rpm",
                                         "read_latency", "write_latency", "latency_dist",
                                         "parallelism",  "bandwidth"};
        if (rc == VS_OK) rc = check_keys(c, m, kp, dk, N_OF(dk));
        int cls = (int)h.disk.device_class;
        if (rc == VS_OK) rc = opt_choice(c, m, kp, "class", disk_class_names, 3, &cls);
        h.disk.device_class = (enum vs_disk_class)cls;
        if (rc == VS_OK) rc = opt_time(c, m, kp, "seek", false, VS_NS_PER_S, &h.disk.seek_ns);
        if (rc == VS_OK) rc = opt_positive(c, m, kp, "rpm", VS_UNIT_RPM, 1e6, &h.disk.rpm);
        if (rc == VS_OK)
            rc = opt_time(c, m, kp, "read_latency", false, VS_NS_PER_S, &h.disk.read_latency_ns);
        if (rc == VS_OK)
            rc = opt_time(c, m, kp, "write_latency", false, VS_NS_PER_S, &h.disk.write_latency_ns);
        int ld = h.disk.latency_dist == VS_DIST_EXPONENTIAL ? 1 : 0;
        if (rc == VS_OK) rc = opt_choice(c, m, kp, "latency_dist", latency_dist_names, 2, &ld);
        h.disk.latency_dist = ld ? VS_DIST_EXPONENTIAL : VS_DIST_CONSTANT;
        if (rc == VS_OK)
            rc = opt_u32(c, m, kp, "parallelism", 1, MAX_PARALLELISM, &h.disk.parallelism);
        if (rc == VS_OK)
            rc = opt_quantity(c, m, kp, "bandwidth", VS_UNIT_BYTERATE,
                              &h.disk.bandwidth_bytes_per_s);
        if (rc != VS_OK) return rc;
    }
    m = vs_ynode_get(n, "nic");
    if (m) {
        join(kp, sizeof kp, path, "nic");
        rc = expect_mapping(c, m, kp, "a mapping such as {bandwidth: 10Gbit, latency: 20us}");
        static const char *const nk[] = {"bandwidth", "latency", "overhead"};
        if (rc == VS_OK) rc = check_keys(c, m, kp, nk, N_OF(nk));
        if (rc == VS_OK)
            rc = opt_positive(c, m, kp, "bandwidth", VS_UNIT_BITRATE, 1e15,
                              &h.nic.bandwidth_bits_per_s);
        if (rc == VS_OK) rc = opt_time(c, m, kp, "latency", false, VS_NS_PER_S, &h.nic.latency_ns);
        const struct vs_ynode *o = vs_ynode_get(m, "overhead");
        if (rc == VS_OK && o) {
            double bytes;
            char okp[KEYPATH_LEN];
            join(okp, sizeof okp, kp, "overhead");
            rc = node_quantity(c, o, okp, VS_UNIT_BYTES, &bytes);
            if (rc == VS_OK && (bytes != floor(bytes) || bytes > MAX_OVERHEAD_BYTES))
                rc = fail_at(c, o, "%s: '%.60s' must be a whole number of bytes up to %d", okp,
                             o->text, MAX_OVERHEAD_BYTES);
            if (rc == VS_OK) h.nic.overhead_bytes = (uint32_t)bytes;
        }
        if (rc != VS_OK) return rc;
    }
    m = vs_ynode_get(n, "costs");
    if (m) {
        join(kp, sizeof kp, path, "costs");
        rc = parse_costs(c, m, kp, &h.costs);
        if (rc != VS_OK) return rc;
    }
    *out = h;
    return VS_OK;
}

/* ---- files and references ---- */

/* Reads a whole file into a NUL-terminated buffer the caller frees. */
static int read_file(const char *path, char **text, size_t *len, struct vs_error *err)
{
    *text = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) return vs_error_set(err, VS_ERR_INPUT, path, 0, 0, "cannot open: %s", strerror(errno));
    size_t cap = 4096, used = 0;
    char *buf = malloc(cap);
    if (!buf) {
        fclose(f);
        return vs_error_set(err, VS_ERR_RUNTIME, path, 0, 0, "out of memory");
    }
    for (;;) {
        if (used + 1 >= cap) {
            if (cap > MAX_FILE_BYTES) {
                free(buf);
                fclose(f);
                return vs_error_set(
                    err, VS_ERR_INPUT, path, 0, 0,
                    "the file is larger than %u MiB; that is not a virtsim YAML file",
                    MAX_FILE_BYTES >> 20);
            }
            char *grown = realloc(buf, cap * 2);
            if (!grown) {
                free(buf);
                fclose(f);
                return vs_error_set(err, VS_ERR_RUNTIME, path, 0, 0, "out of memory");
            }
            buf = grown;
            cap *= 2;
        }
        size_t got = fread(buf + used, 1, cap - 1 - used, f);
        used += got;
        if (got == 0) break;
    }
    if (ferror(f)) {
        int e = errno;
        free(buf);
        fclose(f);
        return vs_error_set(err, VS_ERR_INPUT, path, 0, 0, "cannot read: %s", strerror(e));
    }
    fclose(f);
    buf[used] = '\0';
    *text = buf;
    *len = used;
    return VS_OK;
}

static void dir_of(const char *path, char *out, size_t len)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(out, len, ".");
    else if (slash == path)
        snprintf(out, len, "/");
    else
        snprintf(out, len, "%.*s", (int)(slash - path), path);
}

static void resolve_path(const char *name, const char *base_dir, char *out, size_t len)
{
    if (name[0] == '/' || !base_dir || !base_dir[0] || strcmp(base_dir, ".") == 0)
        snprintf(out, len, "%s", name);
    else
        snprintf(out, len, "%s/%s", base_dir, name);
}

static void builtin_names(enum vs_builtin_kind kind, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < vs_builtin_count() && used < len; i++) {
        const struct vs_builtin *b = vs_builtin_at(i);
        if (b->kind != kind) continue;
        int w = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", b->name);
        if (w < 0) break;
        used += (size_t)w;
    }
}

/* The text of a referenced workload or host: a built-in of that name, else
 * a file. *owned is what the caller frees (NULL for a built-in). When the
 * reference itself is bad (no such built-in or file), *bad_ref is set and
 * err holds a message without position, for the caller to place. */
static int fetch_ref(enum vs_builtin_kind kind, const char *name, const char *base_dir,
                     const char **text, size_t *len, char **owned, char *origin, size_t origin_len,
                     bool *bad_ref, struct vs_error *err)
{
    *owned = NULL;
    *bad_ref = false;
    const struct vs_builtin *b = vs_builtin_find(kind, name);
    if (b) {
        *text = b->data;
        *len = b->len;
        snprintf(origin, origin_len, "builtin:%s", b->path);
        return VS_OK;
    }
    char path[PATH_MAX_LEN];
    resolve_path(name, base_dir, path, sizeof path);
    FILE *f = fopen(path, "rb");
    if (!f) {
        int e = errno;
        char names[512];
        builtin_names(kind, names, sizeof names);
        *bad_ref = true;
        if (e == ENOENT)
            return vs_error_set(err, VS_ERR_INPUT, NULL, 0, 0,
                                "'%s' is neither a built-in %s nor a file (looked for %s); "
                                "built-in %ss: %s",
                                name, vs_builtin_kind_name(kind), path, vs_builtin_kind_name(kind),
                                names);
        return vs_error_set(err, VS_ERR_INPUT, NULL, 0, 0, "cannot open %s: %s", path, strerror(e));
    }
    fclose(f);
    size_t n;
    int rc = read_file(path, owned, &n, err);
    if (rc != VS_OK) {
        *bad_ref = true;
        return rc;
    }
    *text = *owned;
    *len = n;
    snprintf(origin, origin_len, "%s", path);
    return VS_OK;
}

/* The root mapping of a document, or an error for an empty file or a top
 * level that is not a mapping. */
static int root_mapping(const struct ctx *c, const struct vs_ydoc *doc, const char *expected,
                        const struct vs_ynode **root)
{
    const struct vs_ynode *r = doc->root;
    if (!r || vs_ynode_is_null(r))
        return vs_error_set(c->err, VS_ERR_INPUT, c->origin, 1, 1, "the file is empty; expected %s",
                            expected);
    if (r->kind != VS_YNODE_MAPPING) {
        if (r->kind == VS_YNODE_SCALAR)
            return fail_at(c, r,
                           "the top level must be a mapping of keys (key: value lines), not "
                           "the scalar '%.60s'",
                           r->text);
        return fail_at(c, r, "the top level must be a mapping of keys (key: value lines), not %s",
                       vs_ynode_kind_name(r->kind));
    }
    *root = r;
    return VS_OK;
}

static const char workload_expected[] =
    "a workload (a mapping with name, load, request and memory)";
static const char host_expected[] =
    "a host profile (a mapping with name, cpu, memory, disk, nic, costs)";
static const char scenario_expected[] = "a scenario (a mapping with name, host, guests, ...)";

int vs_config_load_workload(const char *text, size_t len, const char *origin,
                            struct vs_workload *out, struct vs_error *err)
{
    struct ctx c = {origin ? origin : "", err};
    struct vs_ydoc *doc;
    int rc = vs_ydoc_load(text, len, c.origin, &doc, err);
    if (rc != VS_OK) return rc;
    const struct vs_ynode *root;
    rc = root_mapping(&c, doc, workload_expected, &root);
    if (rc == VS_OK) rc = parse_workload(&c, root, "", NULL, out);
    vs_ydoc_free(doc);
    return rc;
}

static int load_host_text(const char *text, size_t len, const char *origin,
                          struct vs_host_spec *out, struct vs_error *err)
{
    struct ctx c = {origin ? origin : "", err};
    struct vs_ydoc *doc;
    int rc = vs_ydoc_load(text, len, c.origin, &doc, err);
    if (rc != VS_OK) return rc;
    const struct vs_ynode *root;
    rc = root_mapping(&c, doc, host_expected, &root);
    struct vs_host_spec base;
    vs_host_spec_defaults(&base);
    if (rc == VS_OK) rc = parse_host(&c, root, "", &base, false, true, out);
    vs_ydoc_free(doc);
    return rc;
}

int vs_config_load_host(const char *text, size_t len, const char *origin, struct vs_host_spec *out,
                        struct vs_error *err)
{
    return load_host_text(text, len, origin, out, err);
}

/* Shared by the public resolvers and by scenarios, which place a bad
 * reference's message at their own node. */
static int resolve_ref(enum vs_builtin_kind kind, const char *name, const char *base_dir, void *out,
                       bool *bad_ref, struct vs_error *err)
{
    const char *text = NULL;
    size_t len = 0;
    char *owned = NULL;
    char origin[PATH_MAX_LEN + 16];
    int rc =
        fetch_ref(kind, name, base_dir, &text, &len, &owned, origin, sizeof origin, bad_ref, err);
    if (rc != VS_OK) return rc;
    if (kind == VS_BUILTIN_WORKLOAD)
        rc = vs_config_load_workload(text, len, origin, out, err);
    else
        rc = load_host_text(text, len, origin, out, err);
    free(owned);
    return rc;
}

int vs_config_resolve_workload(const char *name_or_path, const char *base_dir,
                               struct vs_workload *out, struct vs_error *err)
{
    bool bad_ref;
    return resolve_ref(VS_BUILTIN_WORKLOAD, name_or_path, base_dir, out, &bad_ref, err);
}

int vs_config_resolve_host(const char *name_or_path, const char *base_dir, struct vs_host_spec *out,
                           struct vs_error *err)
{
    bool bad_ref;
    return resolve_ref(VS_BUILTIN_HOST, name_or_path, base_dir, out, &bad_ref, err);
}

/* A reference written at node n of the current file: a bad reference is
 * reported there; an error inside the referenced file stays in that file. */
static int resolve_at(const struct ctx *c, const struct vs_ynode *n, const char *keypath,
                      enum vs_builtin_kind kind, const char *base_dir, void *out)
{
    const char *name;
    char what[64];
    snprintf(what, sizeof what, "the name or path of a %s", vs_builtin_kind_name(kind));
    int rc = scalar_text(c, n, keypath, what, &name);
    if (rc != VS_OK) return rc;
    if (!name[0]) return fail_at(c, n, "%s: is empty; expected %s", keypath, what);
    bool bad_ref = false;
    struct vs_error inner;
    vs_error_clear(&inner);
    rc = resolve_ref(kind, name, base_dir, out, &bad_ref, &inner);
    if (rc == VS_OK) return VS_OK;
    if (bad_ref) return fail_at(c, n, "%s: %s", keypath, inner.message);
    *c->err = inner;
    return rc;
}

/* ---- scenarios ---- */

static int parse_host_ref(const struct ctx *c, const struct vs_ynode *n, const char *base_dir,
                          struct vs_host_spec *out)
{
    if (n->kind == VS_YNODE_SCALAR) return resolve_at(c, n, "host", VS_BUILTIN_HOST, base_dir, out);
    int rc = expect_mapping(
        c, n, "host", "a host profile name (e.g. current), a file, or a mapping of host keys");
    if (rc != VS_OK) return rc;
    struct vs_host_spec base;
    vs_host_spec_defaults(&base);
    snprintf(base.name, sizeof base.name, "custom");
    const struct vs_ynode *p = vs_ynode_get(n, "profile");
    if (p) {
        rc = resolve_at(c, p, "host.profile", VS_BUILTIN_HOST, base_dir, &base);
        if (rc != VS_OK) return rc;
    }
    return parse_host(c, n, "host", &base, true, false, out);
}

static int parse_compare(const struct ctx *c, const struct vs_ynode *n, struct vs_scenario *sc)
{
    const struct vs_ynode *single = n->kind == VS_YNODE_SCALAR ? n : NULL;
    if (!single && n->kind != VS_YNODE_SEQUENCE)
        return fail_at(c, n, "compare: expected a list of engines such as [native], not %s",
                       vs_ynode_kind_name(n->kind));
    size_t count = single ? 1 : n->count;
    if (count == 0)
        return fail_at(c, n, "compare: lists no engine; expected one or more of: %s",
                       vs_engine_names());
    if (count > VS_MAX_ENGINES)
        return fail_at(c, n, "compare: lists %zu engines; at most %d are allowed", count,
                       VS_MAX_ENGINES);
    sc->n_engines = 0;
    for (size_t i = 0; i < count; i++) {
        const struct vs_ynode *item = single ? single : n->items[i];
        const char *name;
        char what[600];
        snprintf(what, sizeof what, "an engine name (%s)", vs_engine_names());
        int rc = scalar_text(c, item, "compare", what, &name);
        if (rc != VS_OK) return rc;
        if (!vs_engine_find(name)) {
            const char *names[64];
            size_t nn = 0;
            for (size_t e = 0; e < vs_engine_count(); e++)
                for (size_t p = 0; p < vs_engine_at(e)->n_presets && nn < N_OF(names); p++)
                    names[nn++] = vs_engine_at(e)->presets[p].name;
            char hint[96];
            suggest(name, names, nn, hint, sizeof hint);
            return fail_at(c, item, "compare: unknown engine '%.60s'%s; known engines: %s", name,
                           hint, vs_engine_names());
        }
        for (uint32_t k = 0; k < sc->n_engines; k++)
            if (strcmp(sc->engines[k], name) == 0)
                return fail_at(c, item, "compare: engine '%s' is listed twice", name);
        snprintf(sc->engines[sc->n_engines++], VS_NAME_MAX, "%s", name);
    }
    return VS_OK;
}

/* True when `name` is "GROUP-N" with 1 <= N <= count: an instance name of a
 * group of that many instances. */
static bool is_instance_name(const char *name, const char *group, uint32_t count)
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

static int parse_guest(const struct ctx *c, const struct vs_ynode *n, size_t index,
                       const char *base_dir, struct vs_guest_spec *g)
{
    char path[32];
    snprintf(path, sizeof path, "guests[%zu]", index);
    int rc = expect_mapping(c, n, path, "a mapping such as {name: web, workload: web-server}");
    if (rc != VS_OK) return rc;
    static const char *const keys[] = {"name",   "workload", "count",       "vcpus", "memory",
                                       "weight", "cap",      "queue_limit", "load"};
    rc = check_keys(c, n, path, keys, N_OF(keys));
    if (rc == VS_OK) rc = require_key(c, n, path, "name", "the guest group's name");
    if (rc == VS_OK)
        rc = require_key(c, n, path, "workload", "a built-in workload, a file or a mapping");
    if (rc != VS_OK) return rc;
    memset(g, 0, sizeof *g);
    g->count = 1;
    g->vcpus = 1;
    g->weight = DEFAULT_WEIGHT;
    g->queue_limit = VS_DEFAULT_QUEUE_LIMIT;
    g->line = n->line;
    rc = opt_name(c, n, path, "name", g->name, GUEST_NAME_MAX);
    if (rc == VS_OK) rc = opt_u32(c, n, path, "count", 1, VS_MAX_GUESTS, &g->count);
    if (rc == VS_OK) rc = opt_u32(c, n, path, "vcpus", 1, VS_MAX_VCPUS, &g->vcpus);
    if (rc == VS_OK) rc = opt_quantity(c, n, path, "memory", VS_UNIT_BYTES, &g->memory_bytes);
    if (rc == VS_OK) rc = opt_positive(c, n, path, "weight", VS_UNIT_COUNT, MAX_WEIGHT, &g->weight);
    if (rc == VS_OK) rc = opt_quantity(c, n, path, "cap", VS_UNIT_PERCENT, &g->cap_fraction);
    if (rc == VS_OK) rc = opt_u32(c, n, path, "queue_limit", 1, MAX_QUEUE_LIMIT, &g->queue_limit);
    if (rc != VS_OK) return rc;
    if (g->cap_fraction > (double)g->vcpus) {
        char kp[KEYPATH_LEN];
        join(kp, sizeof kp, path, "cap");
        return fail_at(c, vs_ynode_get(n, "cap"),
                       "%s: '%.60s' is more than the guest's %u vCPU%s can use (at most %u%%)", kp,
                       vs_ynode_get(n, "cap")->text, g->vcpus, g->vcpus == 1 ? "" : "s",
                       g->vcpus * 100);
    }

    const struct vs_ynode *w = vs_ynode_get(n, "workload");
    char kp[KEYPATH_LEN];
    join(kp, sizeof kp, path, "workload");
    if (w->kind == VS_YNODE_MAPPING)
        rc = parse_workload(c, w, kp, g->name, &g->workload);
    else
        rc = resolve_at(c, w, kp, VS_BUILTIN_WORKLOAD, base_dir, &g->workload);
    if (rc != VS_OK) return rc;

    const struct vs_ynode *l = vs_ynode_get(n, "load");
    if (l) {
        join(kp, sizeof kp, path, "load");
        struct vs_load_spec base = g->workload.load;
        rc = parse_load(c, l, kp, &base, &g->workload.load);
    }
    return rc;
}

/* sweep: {param: PATH, values: [...]} or {param: PATH, from: A, to: B, step: S}.
 * The values are written in the parameter's own unit (guests.web.load.rate
 * takes rates, host.memory.capacity sizes), and each is checked by applying
 * it, so a bad point is an error here and not in the middle of a run. */
static int parse_sweep(const struct ctx *c, const struct vs_ynode *n, struct vs_scenario *sc)
{
    int rc = expect_mapping(c, n, "sweep", "a mapping such as {param: guests.web.count, values: [1, 2, 4]}");
    if (rc != VS_OK) return rc;
    static const char *const keys[] = {"param", "values", "from", "to", "step"};
    rc = check_keys(c, n, "sweep", keys, N_OF(keys));
    if (rc == VS_OK) rc = require_key(c, n, "sweep", "param", "the parameter to vary, e.g. guests.web.count");
    if (rc != VS_OK) return rc;
    const struct vs_ynode *pn = vs_ynode_get(n, "param");
    const char *param;
    rc = scalar_text(c, pn, "sweep.param", "a parameter path such as guests.web.count", &param);
    if (rc != VS_OK) return rc;
    if (strlen(param) >= sizeof sc->sweep.param) return fail_at(c, pn, "sweep.param: too long");
    enum vs_unit_kind unit;
    char why[400];
    if (vs_param_unit(sc, param, &unit, why, sizeof why) != 0) return fail_at(c, pn, "sweep.param: %s", why);
    snprintf(sc->sweep.param, sizeof sc->sweep.param, "%s", param);
    const struct vs_ynode *vn = vs_ynode_get(n, "values");
    const struct vs_ynode *fn = vs_ynode_get(n, "from");
    if (vn && fn) return fail_at(c, fn, "sweep: give either values or from/to/step, not both");
    if (vn) {
        if (vn->kind != VS_YNODE_SEQUENCE || vn->count == 0)
            return fail_at(c, vn, "sweep.values: expected a non-empty list such as [1, 2, 4]");
        if (vn->count > VS_MAX_SWEEP_POINTS)
            return fail_at(c, vn, "sweep.values: %zu points; at most %d are allowed", vn->count, VS_MAX_SWEEP_POINTS);
        for (size_t i = 0; i < vn->count; i++) {
            rc = node_quantity(c, vn->items[i], "sweep.values", unit, &sc->sweep.values[i]);
            if (rc != VS_OK) return rc;
        }
        sc->sweep.n = (uint32_t)vn->count;
    } else if (fn) {
        const struct vs_ynode *tn = vs_ynode_get(n, "to"), *stn = vs_ynode_get(n, "step");
        if (!tn || !stn) return fail_at(c, fn, "sweep: from needs to and step as well");
        double from, to, step;
        rc = node_quantity(c, fn, "sweep.from", unit, &from);
        if (rc == VS_OK) rc = node_quantity(c, tn, "sweep.to", unit, &to);
        if (rc == VS_OK) rc = node_quantity(c, stn, "sweep.step", unit, &step);
        if (rc != VS_OK) return rc;
        if (!(step > 0)) return fail_at(c, stn, "sweep.step: must be greater than 0");
        if (to < from) return fail_at(c, tn, "sweep.to: must not be below from");
        double count = floor((to - from) / step + 1e-9) + 1;
        if (count > VS_MAX_SWEEP_POINTS)
            return fail_at(c, stn, "sweep: %.0f points; at most %d are allowed (raise step)", count, VS_MAX_SWEEP_POINTS);
        for (uint32_t i = 0; i < (uint32_t)count; i++) sc->sweep.values[i] = from + step * i;
        sc->sweep.n = (uint32_t)count;
    } else {
        return fail_at(c, n, "sweep: give values: [...] or from, to and step");
    }
    struct vs_scenario *probe = malloc(sizeof *probe);
    if (!probe) return vs_error_set(c->err, VS_ERR_RUNTIME, c->origin, 0, 0, "out of memory");
    for (uint32_t i = 0; i < sc->sweep.n && rc == VS_OK; i++) {
        *probe = *sc;
        if (vs_param_set(probe, param, sc->sweep.values[i], why, sizeof why) != 0)
            rc = fail_at(c, vn ? vn->items[i] : fn, "sweep: point %u: %s", i, why);
    }
    free(probe);
    return rc;
}

static int parse_scenario(const struct ctx *c, const struct vs_ynode *root, const char *base_dir,
                          struct vs_scenario *sc)
{
    static const char *const keys[] = {"name",    "description", "host",       "duration", "warmup",
                                       "seed",    "compare",     "max_events", "guests",   "sweep"};
    int rc = check_keys(c, root, "a scenario", keys, N_OF(keys));
    if (rc == VS_OK) rc = require_key(c, root, "", "name", "the scenario's name");
    if (rc == VS_OK) rc = require_key(c, root, "", "guests", "a list of guest groups");
    if (rc != VS_OK) return rc;
    memset(sc, 0, sizeof *sc);
    snprintf(sc->file, sizeof sc->file, "%s", c->origin);
    rc = opt_name(c, root, "", "name", sc->name, sizeof sc->name);
    if (rc == VS_OK)
        rc = opt_text(c, root, "", "description", sc->description, sizeof sc->description);
    if (rc != VS_OK) return rc;

    const struct vs_ynode *h = vs_ynode_get(root, "host");
    if (h) {
        rc = parse_host_ref(c, h, base_dir, &sc->host);
    } else if (vs_builtin_find(VS_BUILTIN_HOST, DEFAULT_HOST)) {
        rc = vs_config_resolve_host(DEFAULT_HOST, NULL, &sc->host, c->err);
    } else {
        vs_host_spec_defaults(&sc->host);
    }
    if (rc != VS_OK) return rc;

    sc->duration_ns = DEFAULT_DURATION_NS;
    rc = opt_time(c, root, "", "duration", true, VS_MAX_DURATION_NS, &sc->duration_ns);
    if (rc != VS_OK) return rc;
    /* Without a warm-up the first requests meet empty queues and idle
     * caches-to-be; a tenth of the run is a safe default. */
    sc->warmup_ns = sc->duration_ns / 10;
    rc = opt_time(c, root, "", "warmup", false, VS_MAX_DURATION_NS, &sc->warmup_ns);
    if (rc != VS_OK) return rc;
    if (sc->warmup_ns >= sc->duration_ns) {
        char a[32], b[32];
        const struct vs_ynode *wn = vs_ynode_get(root, "warmup");
        return fail_at(
            c, wn ? wn : vs_ynode_get(root, "duration"),
            "warmup: %s is not shorter than the duration (%s); nothing would be measured",
            vs_units_format_time((double)sc->warmup_ns, a, sizeof a),
            vs_units_format_time((double)sc->duration_ns, b, sizeof b));
    }

    sc->seed = DEFAULT_SEED;
    const struct vs_ynode *s = vs_ynode_get(root, "seed");
    if (s) {
        const char *t;
        rc = scalar_text(c, s, "seed", "a whole number such as 42", &t);
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
            return fail_at(c, s,
                           "seed: '%.60s' is not allowed; expected a whole number from 0 to "
                           "18446744073709551615",
                           t);
        sc->seed = v;
    }

    sc->max_events = DEFAULT_MAX_EVENTS;
    const struct vs_ynode *me = vs_ynode_get(root, "max_events");
    if (me) {
        uint64_t v;
        rc = node_uint(c, me, "max_events", 1, MAX_EVENTS_LIMIT, &v);
        if (rc != VS_OK) return rc;
        sc->max_events = v;
    }

    const struct vs_ynode *cmp = vs_ynode_get(root, "compare");
    if (cmp) {
        rc = parse_compare(c, cmp, sc);
    } else {
        sc->n_engines = 1;
        snprintf(sc->engines[0], VS_NAME_MAX, "native");
    }
    if (rc != VS_OK) return rc;

    const struct vs_ynode *gl = vs_ynode_get(root, "guests");
    if (gl->kind != VS_YNODE_SEQUENCE) {
        if (vs_ynode_is_null(gl))
            return fail_at(c, gl,
                           "guests: has no value; expected a list of guest groups "
                           "(- name: web ...)");
        return fail_at(c, gl, "guests: expected a list of guest groups (- name: web ...), not %s",
                       vs_ynode_kind_name(gl->kind));
    }
    if (gl->count == 0)
        return fail_at(c, gl, "guests: the list is empty; give at least one guest group");
    if (gl->count > VS_MAX_GUEST_GROUPS)
        return fail_at(c, gl->items[VS_MAX_GUEST_GROUPS],
                       "guests: %zu guest groups; at most %d are allowed", gl->count,
                       VS_MAX_GUEST_GROUPS);
    uint64_t total = 0;
    for (size_t i = 0; i < gl->count; i++) {
        struct vs_guest_spec *g = &sc->guests[i];
        rc = parse_guest(c, gl->items[i], i, base_dir, g);
        if (rc != VS_OK) return rc;
        const struct vs_ynode *nn = vs_ynode_get(gl->items[i], "name");
        for (size_t k = 0; k < i; k++) {
            const struct vs_guest_spec *o = &sc->guests[k];
            if (strcmp(o->name, g->name) == 0)
                return fail_at(c, nn,
                               "guests[%zu].name: '%s' is already the name of guests[%zu] (line "
                               "%d); guest names must be unique",
                               i, g->name, k, o->line);
            if (is_instance_name(g->name, o->name, o->count) ||
                is_instance_name(o->name, g->name, g->count))
                return fail_at(c, nn,
                               "guests[%zu].name: '%s' clashes with the instance names of "
                               "guests[%zu] '%s' (instances are named NAME-1, NAME-2, ...)",
                               i, g->name, k, o->name);
        }
        total += g->count;
        if (total > VS_MAX_GUESTS) {
            const struct vs_ynode *cn = vs_ynode_get(gl->items[i], "count");
            return fail_at(c, cn ? cn : gl->items[i],
                           "guests[%zu].count: brings the total to %llu guest instances; at most "
                           "%d are allowed",
                           i, (unsigned long long)total, VS_MAX_GUESTS);
        }
        sc->n_guests = (uint32_t)(i + 1);
    }
    memset(&sc->sweep, 0, sizeof sc->sweep);
    const struct vs_ynode *sw = vs_ynode_get(root, "sweep");
    return sw ? parse_sweep(c, sw, sc) : VS_OK;
}

static int load_scenario_doc(const char *text, size_t len, const char *origin, const char *base_dir,
                             struct vs_scenario *out, struct vs_error *err)
{
    struct ctx c = {origin ? origin : "", err};
    struct vs_ydoc *doc;
    int rc = vs_ydoc_load(text, len, c.origin, &doc, err);
    if (rc != VS_OK) return rc;
    const struct vs_ynode *root;
    rc = root_mapping(&c, doc, scenario_expected, &root);
    /* Built aside so a failed load leaves *out as it was. */
    struct vs_scenario *sc = NULL;
    if (rc == VS_OK) {
        sc = malloc(sizeof *sc);
        if (!sc) rc = vs_error_set(err, VS_ERR_RUNTIME, c.origin, 0, 0, "out of memory");
    }
    if (rc == VS_OK) rc = parse_scenario(&c, root, base_dir, sc);
    if (rc == VS_OK) *out = *sc;
    free(sc);
    vs_ydoc_free(doc);
    return rc;
}

int vs_config_load_scenario(const char *text, size_t len, const char *origin, const char *base_dir,
                            struct vs_scenario *out, struct vs_error *err)
{
    return load_scenario_doc(text, len, origin, base_dir, out, err);
}

int vs_config_load_scenario_file(const char *path, struct vs_scenario *out, struct vs_error *err)
{
    char *text;
    size_t len;
    int rc = read_file(path, &text, &len, err);
    if (rc != VS_OK) return rc;
    char dir[PATH_MAX_LEN];
    dir_of(path, dir, sizeof dir);
    rc = load_scenario_doc(text, len, path, dir, out, err);
    free(text);
    return rc;
}

int vs_config_validate_file(const char *path, enum vs_config_kind *kind, struct vs_error *err)
{
    if (kind) *kind = VS_CONFIG_UNKNOWN;
    char *text;
    size_t len;
    int rc = read_file(path, &text, &len, err);
    if (rc != VS_OK) return rc;
    struct ctx c = {path, err};
    struct vs_ydoc *doc = NULL;
    rc = vs_ydoc_load(text, len, path, &doc, err);
    const struct vs_ynode *root = NULL;
    if (rc == VS_OK) rc = root_mapping(&c, doc, "a scenario, a workload or a host profile", &root);
    enum vs_config_kind k = VS_CONFIG_UNKNOWN;
    if (rc == VS_OK) {
        if (vs_ynode_get(root, "guests"))
            k = VS_CONFIG_SCENARIO;
        else if (vs_ynode_get(root, "cpu"))
            k = VS_CONFIG_HOST;
        else if (vs_ynode_get(root, "request"))
            k = VS_CONFIG_WORKLOAD;
        else
            rc = fail_at(&c, root,
                         "cannot tell what this file is: a scenario has 'guests', a host profile "
                         "'cpu', a workload 'request'");
    }
    char dir[PATH_MAX_LEN];
    dir_of(path, dir, sizeof dir);
    if (rc == VS_OK) {
        if (kind) *kind = k;
        if (k == VS_CONFIG_SCENARIO) {
            struct vs_scenario *sc = malloc(sizeof *sc);
            rc = sc ? parse_scenario(&c, root, dir, sc)
                    : vs_error_set(err, VS_ERR_RUNTIME, path, 0, 0, "out of memory");
            free(sc);
        } else if (k == VS_CONFIG_HOST) {
            struct vs_host_spec base, h;
            vs_host_spec_defaults(&base);
            rc = parse_host(&c, root, "", &base, false, true, &h);
        } else {
            struct vs_workload w;
            rc = parse_workload(&c, root, "", NULL, &w);
        }
    }
    vs_ydoc_free(doc);
    free(text);
    return rc;
}
