/* The node checks every loader shares: each reads one YAML node, checks
 * its kind and range, and on error names the file, line, column, key path and
 * what is allowed (with a did-you-mean suggestion for unknown words). */
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

int cfg_fail_at(const struct cfg_ctx *c, const struct vs_ynode *n, const char *fmt, ...)
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
void cfg_join(char *buf, size_t len, const char *path, const char *key)
{
    size_t used = 0;
    const char *parts[3] = {path && path[0] ? path : "", path && path[0] ? "." : "", key};
    for (int i = 0; i < 3; i++)
        for (const char *p = parts[i]; *p && used + 1 < len; p++) buf[used++] = *p;
    buf[used] = '\0';
}

/* ---- word lists and suggestions ---- */

/* "a, b or c" */
void cfg_list_words(const char *const *words, size_t n, const char *last_sep, char *buf,
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

size_t cfg_edit_distance(const char *a, const char *b)
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
void cfg_suggest(const char *word, const char *const *words, size_t n, char *buf, size_t len)
{
    buf[0] = '\0';
    size_t best = 99;
    const char *pick = NULL;
    for (size_t i = 0; i < n; i++) {
        size_t d = cfg_edit_distance(word, words[i]);
        if (d < best) {
            best = d;
            pick = words[i];
        }
    }
    size_t wl = strlen(word);
    if (pick && best > 0 && best <= 2 && best < wl)
        snprintf(buf, len, " (did you mean '%s'?)", pick);
}

bool cfg_in_list(const char *word, const char *const *words, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(word, words[i]) == 0) return true;
    return false;
}

/* ---- node checks ---- */

int cfg_expect_mapping(const struct cfg_ctx *c, const struct vs_ynode *n, const char *keypath,
                          const char *what)
{
    if (n->kind == VS_YNODE_MAPPING) return VS_OK;
    if (n->kind == VS_YNODE_SCALAR && vs_ynode_is_null(n))
        return cfg_fail_at(c, n, "%s: has no value; expected %s", keypath, what);
    if (n->kind == VS_YNODE_SCALAR)
        return cfg_fail_at(c, n, "%s: expected %s, not the scalar '%.60s'", keypath, what, n->text);
    return cfg_fail_at(c, n, "%s: expected %s, not %s", keypath, what, vs_ynode_kind_name(n->kind));
}

/* Rejects keys of map that are not in allowed. `where` names the mapping in
 * the message ("request", "the top level of a workload"). */
int cfg_check_keys(const struct cfg_ctx *c, const struct vs_ynode *map, const char *where,
                      const char *const *allowed, size_t n_allowed)
{
    for (size_t i = 0; i < map->count; i++) {
        const struct vs_ynode *k = map->pairs[i].key;
        if (cfg_in_list(k->text, allowed, n_allowed)) continue;
        char list[512], hint[96];
        cfg_list_words(allowed, n_allowed, NULL, list, sizeof list);
        cfg_suggest(k->text, allowed, n_allowed, hint, sizeof hint);
        return cfg_fail_at(c, k, "unknown key '%.60s' in %s%s; allowed: %s", k->text, where, hint,
                       list);
    }
    return VS_OK;
}

const struct vs_ynode *cfg_key_node(const struct vs_ynode *map, const char *key)
{
    if (map->kind != VS_YNODE_MAPPING) return NULL;
    for (size_t i = 0; i < map->count; i++)
        if (strcmp(map->pairs[i].key->text, key) == 0) return map->pairs[i].key;
    return NULL;
}

int cfg_require_key(const struct cfg_ctx *c, const struct vs_ynode *map, const char *path,
                       const char *key, const char *what)
{
    if (vs_ynode_get(map, key)) return VS_OK;
    if (path && path[0])
        return cfg_fail_at(c, map, "%s: missing required key '%s' (%s)", path, key, what);
    return cfg_fail_at(c, map, "missing required key '%s' (%s)", key, what);
}

/* The text of a scalar that must have a value. */
int cfg_scalar_text(const struct cfg_ctx *c, const struct vs_ynode *n, const char *keypath,
                       const char *expected, const char **text)
{
    if (n->kind != VS_YNODE_SCALAR)
        return cfg_fail_at(c, n, "%s: expected %s, not %s", keypath, expected,
                       vs_ynode_kind_name(n->kind));
    if (vs_ynode_is_null(n))
        return cfg_fail_at(c, n, "%s: has no value; expected %s", keypath, expected);
    if (strlen(n->text) != n->len)
        return cfg_fail_at(c, n, "%s: contains a NUL character; expected %s", keypath, expected);
    *text = n->text;
    return VS_OK;
}

/* Whether a scalar is written as a negative number: a check with a lower
 * bound above 0 says so itself, instead of the parser's "expected >= 0". */
static bool written_negative(const struct vs_ynode *n)
{
    if (n->kind != VS_YNODE_SCALAR || !n->text) return false;
    const char *t = n->text;
    while (*t == ' ' || *t == '\t') t++;
    return t[0] == '-' && ((t[1] >= '0' && t[1] <= '9') || t[1] == '.');
}

int cfg_node_quantity(const struct cfg_ctx *c, const struct vs_ynode *n, const char *keypath,
                         enum vs_unit_kind kind, double *out)
{
    const char *text;
    int rc = cfg_scalar_text(c, n, keypath, vs_units_expected(kind), &text);
    if (rc != VS_OK) return rc;
    char why[300];
    if (vs_units_parse(text, kind, out, why, sizeof why) != 0)
        return cfg_fail_at(c, n, "%s: %s", keypath, why);
    return VS_OK;
}

int cfg_node_positive(const struct cfg_ctx *c, const struct vs_ynode *n, const char *keypath,
                         enum vs_unit_kind kind, double max, double *out)
{
    if (written_negative(n))
        return cfg_fail_at(c, n, "%s: '%.60s' must be greater than 0; expected %s", keypath, n->text,
                           vs_units_expected(kind));
    double v;
    int rc = cfg_node_quantity(c, n, keypath, kind, &v);
    if (rc != VS_OK) return rc;
    if (!(v > 0))
        return cfg_fail_at(c, n, "%s: '%.60s' must be greater than 0; expected %s", keypath, n->text,
                       vs_units_expected(kind));
    if (v > max)
        return cfg_fail_at(c, n, "%s: '%.60s' is too large (at most %.0f)", keypath, n->text, max);
    *out = v;
    return VS_OK;
}

int cfg_node_uint(const struct cfg_ctx *c, const struct vs_ynode *n, const char *keypath, double min,
                     double max, uint64_t *out)
{
    if (min > 0 && written_negative(n))
        return cfg_fail_at(c, n, "%s: '%.60s' is too small; expected a whole number >= %.0f", keypath, n->text, min);
    double v;
    int rc = cfg_node_quantity(c, n, keypath, VS_UNIT_COUNT, &v);
    if (rc != VS_OK) return rc;
    if (v != floor(v)) return cfg_fail_at(c, n, "%s: '%.60s' is not a whole number", keypath, n->text);
    if (v < min)
        return cfg_fail_at(c, n, "%s: '%.60s' is too small; expected a whole number >= %.0f", keypath,
                       n->text, min);
    if (v > max)
        return cfg_fail_at(c, n, "%s: '%.60s' is too large; the limit is %.0f", keypath, n->text, max);
    *out = (uint64_t)v;
    return VS_OK;
}

int cfg_node_time(const struct cfg_ctx *c, const struct vs_ynode *n, const char *keypath,
                     bool positive, vs_time_ns max_ns, vs_time_ns *out)
{
    if (positive && written_negative(n))
        return cfg_fail_at(c, n, "%s: '%.60s' must be longer than 0; expected %s", keypath, n->text,
                           vs_units_expected(VS_UNIT_TIME));
    double ns;
    int rc = cfg_node_quantity(c, n, keypath, VS_UNIT_TIME, &ns);
    if (rc != VS_OK) return rc;
    if (ns > (double)max_ns) {
        char buf[32];
        return cfg_fail_at(c, n, "%s: '%.60s' is too long; at most %s", keypath, n->text,
                       vs_units_format_time((double)max_ns, buf, sizeof buf));
    }
    vs_time_ns t = (vs_time_ns)llround(ns);
    if (positive && t <= 0)
        return cfg_fail_at(c, n, "%s: '%.60s' must be longer than 0; expected %s", keypath, n->text,
                       vs_units_expected(VS_UNIT_TIME));
    *out = t;
    return VS_OK;
}

int cfg_node_bool(const struct cfg_ctx *c, const struct vs_ynode *n, const char *keypath, bool *out)
{
    const char *t;
    int rc = cfg_scalar_text(c, n, keypath, "true or false", &t);
    if (rc != VS_OK) return rc;
    static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes", "on", "On"};
    static const char *const no[] = {"false", "False", "FALSE", "no", "No", "off", "Off"};
    if (cfg_in_list(t, yes, N_OF(yes))) {
        *out = true;
        return VS_OK;
    }
    if (cfg_in_list(t, no, N_OF(no))) {
        *out = false;
        return VS_OK;
    }
    return cfg_fail_at(c, n, "%s: '%.60s' is not allowed; expected true or false", keypath, t);
}

int cfg_node_choice(const struct cfg_ctx *c, const struct vs_ynode *n, const char *keypath,
                       const char *const *names, size_t count, int *out)
{
    char list[256];
    cfg_list_words(names, count, " or ", list, sizeof list);
    const char *t;
    int rc = cfg_scalar_text(c, n, keypath, list, &t);
    if (rc != VS_OK) return rc;
    for (size_t i = 0; i < count; i++) {
        if (strcmp(t, names[i]) == 0) {
            *out = (int)i;
            return VS_OK;
        }
    }
    char hint[96];
    cfg_suggest(t, names, count, hint, sizeof hint);
    return cfg_fail_at(c, n, "%s: '%.60s' is not allowed%s; expected %s", keypath, t, hint, list);
}

bool cfg_name_char_ok(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_' || ch == '.' || ch == '-';
}

/* Names appear in reports, CSV columns and instance names: a short,
 * unambiguous alphabet. */
int cfg_node_name(const struct cfg_ctx *c, const struct vs_ynode *n, const char *keypath, char *out,
                     size_t cap)
{
    const char *t;
    int rc = cfg_scalar_text(c, n, keypath, "a name of letters, digits, '_', '.' and '-'", &t);
    if (rc != VS_OK) return rc;
    size_t len = strlen(t);
    if (len == 0) return cfg_fail_at(c, n, "%s: is empty; expected a name", keypath);
    if (len >= cap)
        return cfg_fail_at(c, n, "%s: '%.60s' is longer than %zu characters", keypath, t, cap - 1);
    for (size_t i = 0; i < len; i++)
        if (!cfg_name_char_ok(t[i]))
            return cfg_fail_at(c, n,
                           "%s: '%.60s' has the character '%c'; a name may use only letters, "
                           "digits, '_', '.' and '-'",
                           keypath, t, (t[i] >= 32 && t[i] < 127) ? t[i] : '?');
    memcpy(out, t, len + 1);
    return VS_OK;
}

int cfg_node_text(const struct cfg_ctx *c, const struct vs_ynode *n, const char *keypath, char *out,
                     size_t cap)
{
    if (vs_ynode_is_null(n)) {
        out[0] = '\0';
        return VS_OK;
    }
    const char *t;
    int rc = cfg_scalar_text(c, n, keypath, "a line of text", &t);
    if (rc != VS_OK) return rc;
    size_t len = strlen(t);
    if (len >= cap)
        return cfg_fail_at(c, n, "%s: is %zu characters long; at most %zu are allowed", keypath, len,
                       cap - 1);
    /* Text reaches the terminal in reports: a control character (an escape
     * sequence, a line break, a C1 control in UTF-8) would act on it. A tab
     * only moves the cursor, and JSON and CSV escape it. */
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)t[i];
        bool c1 = ch == 0xC2 && i + 1 < len && (unsigned char)t[i + 1] >= 0x80 && (unsigned char)t[i + 1] <= 0x9F;
        if ((ch < 0x20 && ch != '\t') || ch == 0x7F || c1)
            return cfg_fail_at(c, n, "%s: contains the control character U+%04X (character %zu); expected one "
                                     "line of printable text",
                               keypath, c1 ? (unsigned)(unsigned char)t[i + 1] : (unsigned)ch, i + 1);
    }
    memcpy(out, t, len + 1);
    return VS_OK;
}

/* Optional keys: nothing happens (and *out keeps its default) when absent. */

int cfg_opt_quantity(const struct cfg_ctx *c, const struct vs_ynode *map, const char *path,
                        const char *key, enum vs_unit_kind kind, double *out)
{
    const struct vs_ynode *n = vs_ynode_get(map, key);
    if (!n) return VS_OK;
    char kp[KEYPATH_LEN];
    cfg_join(kp, sizeof kp, path, key);
    return cfg_node_quantity(c, n, kp, kind, out);
}

/* A quantity >= 0 and at most max: the simulator draws per-request counts
 * as integers and times as integer nanoseconds, so absurd values are refused
 * here rather than overflowing there. */
int cfg_opt_bounded(const struct cfg_ctx *c, const struct vs_ynode *map, const char *path,
                       const char *key, enum vs_unit_kind kind, double max, double *out)
{
    const struct vs_ynode *n = vs_ynode_get(map, key);
    if (!n) return VS_OK;
    char kp[KEYPATH_LEN];
    cfg_join(kp, sizeof kp, path, key);
    double v;
    int rc = cfg_node_quantity(c, n, kp, kind, &v);
    if (rc != VS_OK) return rc;
    if (v > max) return cfg_fail_at(c, n, "%s: '%.60s' is too large (at most %.0f)", kp, n->text, max);
    *out = v;
    return VS_OK;
}

int cfg_opt_range(const struct cfg_ctx *c, const struct vs_ynode *map, const char *path, const char *key,
                  enum vs_unit_kind kind, double min, double max, const char *min_text, const char *max_text,
                  double *out)
{
    const struct vs_ynode *n = vs_ynode_get(map, key);
    if (!n) return VS_OK;
    char kp[KEYPATH_LEN];
    cfg_join(kp, sizeof kp, path, key);
    if (min > 0 && written_negative(n))
        return cfg_fail_at(c, n, "%s: '%.60s' is out of range; allowed: %s to %s", kp, n->text, min_text, max_text);
    double v;
    int rc = cfg_node_quantity(c, n, kp, kind, &v);
    if (rc != VS_OK) return rc;
    if (!(v >= min && v <= max))
        return cfg_fail_at(c, n, "%s: '%.60s' is out of range; allowed: %s to %s", kp, n->text, min_text, max_text);
    *out = v;
    return VS_OK;
}

int cfg_opt_positive(const struct cfg_ctx *c, const struct vs_ynode *map, const char *path,
                        const char *key, enum vs_unit_kind kind, double max, double *out)
{
    const struct vs_ynode *n = vs_ynode_get(map, key);
    if (!n) return VS_OK;
    char kp[KEYPATH_LEN];
    cfg_join(kp, sizeof kp, path, key);
    return cfg_node_positive(c, n, kp, kind, max, out);
}

int cfg_opt_u32(const struct cfg_ctx *c, const struct vs_ynode *map, const char *path,
                   const char *key, double min, double max, uint32_t *out)
{
    const struct vs_ynode *n = vs_ynode_get(map, key);
    if (!n) return VS_OK;
    char kp[KEYPATH_LEN];
    cfg_join(kp, sizeof kp, path, key);
    uint64_t v;
    int rc = cfg_node_uint(c, n, kp, min, max, &v);
    if (rc == VS_OK) *out = (uint32_t)v;
    return rc;
}

int cfg_opt_time(const struct cfg_ctx *c, const struct vs_ynode *map, const char *path,
                    const char *key, bool positive, vs_time_ns max_ns, vs_time_ns *out)
{
    const struct vs_ynode *n = vs_ynode_get(map, key);
    if (!n) return VS_OK;
    char kp[KEYPATH_LEN];
    cfg_join(kp, sizeof kp, path, key);
    return cfg_node_time(c, n, kp, positive, max_ns, out);
}

int cfg_opt_bool(const struct cfg_ctx *c, const struct vs_ynode *map, const char *path,
                    const char *key, bool *out)
{
    const struct vs_ynode *n = vs_ynode_get(map, key);
    if (!n) return VS_OK;
    char kp[KEYPATH_LEN];
    cfg_join(kp, sizeof kp, path, key);
    return cfg_node_bool(c, n, kp, out);
}

int cfg_opt_choice(const struct cfg_ctx *c, const struct vs_ynode *map, const char *path,
                      const char *key, const char *const *names, size_t count, int *out)
{
    const struct vs_ynode *n = vs_ynode_get(map, key);
    if (!n) return VS_OK;
    char kp[KEYPATH_LEN];
    cfg_join(kp, sizeof kp, path, key);
    return cfg_node_choice(c, n, kp, names, count, out);
}

int cfg_opt_name(const struct cfg_ctx *c, const struct vs_ynode *map, const char *path,
                    const char *key, char *out, size_t cap)
{
    const struct vs_ynode *n = vs_ynode_get(map, key);
    if (!n) return VS_OK;
    char kp[KEYPATH_LEN];
    cfg_join(kp, sizeof kp, path, key);
    return cfg_node_name(c, n, kp, out, cap);
}

int cfg_opt_text(const struct cfg_ctx *c, const struct vs_ynode *map, const char *path,
                    const char *key, char *out, size_t cap)
{
    const struct vs_ynode *n = vs_ynode_get(map, key);
    if (!n) return VS_OK;
    char kp[KEYPATH_LEN];
    cfg_join(kp, sizeof kp, path, key);
    return cfg_node_text(c, n, kp, out, cap);
}

/* ---- distributions ---- */

static const char *const dist_names[] = {"constant", "uniform", "exponential", "normal",
                                         "lognormal"};

/* A quantity drawn per request: a scalar (of kind scalar_kind with that mean)
 * or a mapping {dist: KIND, ...} whose parameters have the unit `unit`. */
int cfg_node_dist(const struct cfg_ctx *c, const struct vs_ynode *n, const char *keypath,
                     enum vs_unit_kind unit, double max, enum vs_dist_kind scalar_kind,
                     struct vs_dist *out)
{
    if (n->kind == VS_YNODE_SCALAR) {
        double v;
        int rc = cfg_node_quantity(c, n, keypath, unit, &v);
        if (rc != VS_OK) return rc;
        if (v > max)
            return cfg_fail_at(c, n, "%s: '%.60s' is too large (at most %.0f)", keypath, n->text, max);
        *out = (struct vs_dist){scalar_kind, v, 0};
        return VS_OK;
    }
    char what[160];
    snprintf(what, sizeof what,
             "%s, or a mapping such as {dist: lognormal, mean: ..., stddev: ...}",
             vs_units_expected(unit));
    int rc = cfg_expect_mapping(c, n, keypath, what);
    if (rc != VS_OK) return rc;
    static const char *const all_keys[] = {"dist", "value", "min", "max", "mean", "stddev"};
    rc = cfg_check_keys(c, n, keypath, all_keys, N_OF(all_keys));
    if (rc != VS_OK) return rc;
    const struct vs_ynode *dn = vs_ynode_get(n, "dist");
    if (!dn)
        return cfg_fail_at(c, n,
                       "%s: missing required key 'dist'; expected constant, uniform, "
                       "exponential, normal or lognormal",
                       keypath);
    char kp[KEYPATH_LEN];
    cfg_join(kp, sizeof kp, keypath, "dist");
    int kind;
    rc = cfg_node_choice(c, dn, kp, dist_names, N_OF(dist_names), &kind);
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
        if (strcmp(k->text, "dist") == 0 || cfg_in_list(k->text, p, np)) continue;
        return cfg_fail_at(c, k, "%s.%s: not used by dist %s; %s takes %s%s%s", keypath, k->text,
                       dist_names[kind], dist_names[kind], p[0], np == 2 ? " and " : "",
                       np == 2 ? p[1] : "");
    }
    double v[2] = {0, 0};
    for (size_t i = 0; i < np; i++) {
        const struct vs_ynode *pn = vs_ynode_get(n, p[i]);
        if (!pn)
            return cfg_fail_at(c, n, "%s: missing required key '%s' for dist %s", keypath, p[i],
                           dist_names[kind]);
        cfg_join(kp, sizeof kp, keypath, p[i]);
        rc = cfg_node_quantity(c, pn, kp, unit, &v[i]);
        if (rc != VS_OK) return rc;
        if (v[i] > max)
            return cfg_fail_at(c, pn, "%s: '%.60s' is too large (at most %.0f)", kp, pn->text, max);
    }
    if (kind == VS_DIST_UNIFORM && v[0] > v[1])
        return cfg_fail_at(c, vs_ynode_get(n, "max"), "%s: max is smaller than min", keypath);
    if (kind == VS_DIST_LOGNORMAL && !(v[0] > 0))
        return cfg_fail_at(c, vs_ynode_get(n, "mean"),
                       "%s: a lognormal distribution needs a mean greater than 0", keypath);
    *out = (struct vs_dist){(enum vs_dist_kind)kind, v[0], v[1]};
    return VS_OK;
}
