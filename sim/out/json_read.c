/* Reading back virtsim's own JSON (see json_read.h). The YAML tree gives
 * every node a kind and a position; the helpers below take a member of a
 * mapping only after checking its kind and syntax, so a file that is
 * well-formed JSON but not what virtsim wrote (a mapping where a list
 * belongs, runs that disagree) ends in a positioned error, not in a read
 * through a NULL pointer or past an array. */
#include "virtsim/out/json_read.h"
#include "virtsim/out/scores.h"

#include <errno.h>
#include <math.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "virtsim/core/inputs.h"
#include "virtsim/load/yamltree.h"

int vs_json_read_file(const char *path, char **text, size_t *len, struct vs_error *err)
{
    *text = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return vs_error_set(err, VS_ERR_INPUT, path, 0, 0, "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        return vs_error_set(err, VS_ERR_INPUT, path, 0, 0, "is a directory, not a results JSON file");
    }
    fclose(f);
    /* The same cap as every input: a results file is read whole, and its
     * tree within a few times its size (yamltree.h). */
    return vs_yfile_read(path, "a virtsim results JSON file", text, len, err);
}

/* ---- checked access to the tree ---- */

struct reader {
    const char *path;
    struct vs_error *err;
};

__attribute__((format(printf, 3, 4)))
static int bad(const struct reader *rd, const struct vs_ynode *at, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return vs_error_set(rd->err, VS_ERR_INPUT, rd->path, at ? at->line : 1, at ? at->column : 1, "%s", msg);
}

/* What a node is, for "expected X, found Y": a scalar by its text. */
static const char *found(const struct vs_ynode *n, char buf[64])
{
    if (n->kind == VS_YNODE_SEQUENCE) return "an array";
    if (n->kind == VS_YNODE_MAPPING) return "an object";
    if (vs_ynode_is_null(n)) return "null";
    snprintf(buf, 64, n->plain ? "%.40s%s" : "the string \"%.40s%s\"", n->text, n->len > 40 ? "..." : "");
    return buf;
}

/* "where.key", or "key" at the top level (where ""). */
static const char *path_of(const char *where, const char *key, char buf[160])
{
    snprintf(buf, 160, "%s%s%s", where, where[0] ? "." : "", key);
    return buf;
}

/* The member key of map if it is there and of the kind wanted; *out NULL if
 * it is absent (the caller decides whether that is allowed). */
static int member(const struct reader *rd, const struct vs_ynode *map, const char *where, const char *key,
                  enum vs_ynode_kind kind, const struct vs_ynode **out)
{
    *out = NULL;
    const struct vs_ynode *v = vs_ynode_get(map, key);
    if (!v) return VS_OK;
    char p[160], f[64];
    if (v->kind != kind)
        return bad(rd, v, "%s: expected %s, found %s", path_of(where, key, p),
                   kind == VS_YNODE_SEQUENCE ? "an array" : kind == VS_YNODE_MAPPING ? "an object" : "a string or number",
                   found(v, f));
    *out = v;
    return VS_OK;
}

static int required(const struct reader *rd, const struct vs_ynode *map, const char *where, const char *key,
                    enum vs_ynode_kind kind, const struct vs_ynode **out)
{
    int rc = member(rd, map, where, key, kind, out);
    if (rc == VS_OK && !*out) rc = bad(rd, map, "%s%sno \"%s\" key", where, where[0] ? ": " : "", key);
    return rc;
}

/* A string member into buf; absent leaves buf as it is unless required. */
static int get_string(const struct reader *rd, const struct vs_ynode *map, const char *where, const char *key,
                      bool must, char *buf, size_t len)
{
    const struct vs_ynode *v;
    int rc = must ? required(rd, map, where, key, VS_YNODE_SCALAR, &v) : member(rd, map, where, key, VS_YNODE_SCALAR, &v);
    if (rc != VS_OK || !v) return rc;
    char p[160];
    if (vs_ynode_is_null(v)) return bad(rd, v, "%s: expected a string, found null", path_of(where, key, p));
    if (v->len >= len) return bad(rd, v, "%s: longer than %zu characters", path_of(where, key, p), len - 1);
    memcpy(buf, v->text, v->len + 1);
    return VS_OK;
}

/* JSON's number syntax exactly: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
 * (strtod alone would also take hex, "nan", "inf" and leading spaces). */
static bool json_number_syntax(const char *s, bool integer)
{
    const char *p = s;
    if (*p == '-') p++;
    if (*p == '0') p++;
    else if (*p >= '1' && *p <= '9') while (*p >= '0' && *p <= '9') p++;
    else return false;
    if (integer) return *p == '\0';
    if (*p == '.') {
        p++;
        if (!(*p >= '0' && *p <= '9')) return false;
        while (*p >= '0' && *p <= '9') p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-') p++;
        if (!(*p >= '0' && *p <= '9')) return false;
        while (*p >= '0' && *p <= '9') p++;
    }
    return *p == '\0';
}

/* A number member. null (how the writer spells a figure that is not a
 * number) reads as if_null; absent leaves *out as it is. */
static int get_number(const struct reader *rd, const struct vs_ynode *map, const char *where, const char *key,
                      double if_null, double *out)
{
    const struct vs_ynode *v;
    int rc = member(rd, map, where, key, VS_YNODE_SCALAR, &v);
    if (rc != VS_OK || !v) return rc;
    if (vs_ynode_is_null(v)) {
        *out = if_null;
        return VS_OK;
    }
    char p[160], f[64];
    if (!v->plain || !json_number_syntax(v->text, false))
        return bad(rd, v, "%s: expected a number, found %s", path_of(where, key, p), found(v, f));
    errno = 0;
    double d = strtod(v->text, NULL);
    if (errno == ERANGE && (d > 1 || d < -1))
        return bad(rd, v, "%s: %s is out of range", path_of(where, key, p), found(v, f));
    *out = d;
    return VS_OK;
}

/* A whole-number member from min to max; absent leaves *out as it is. */
static int get_int(const struct reader *rd, const struct vs_ynode *map, const char *where, const char *key,
                   int64_t min, int64_t max, int64_t *out)
{
    const struct vs_ynode *v;
    int rc = member(rd, map, where, key, VS_YNODE_SCALAR, &v);
    if (rc != VS_OK || !v) return rc;
    char p[160], f[64];
    if (!v->plain || !json_number_syntax(v->text, true))
        return bad(rd, v, "%s: expected a whole number, found %s", path_of(where, key, p), found(v, f));
    errno = 0;
    long long n = strtoll(v->text, NULL, 10);
    if (errno == ERANGE || n < min || n > max)
        return bad(rd, v, "%s: %s is out of range (%" PRId64 " to %" PRId64 ")", path_of(where, key, p), found(v, f),
                   min, max);
    *out = n;
    return VS_OK;
}

static int get_u32(const struct reader *rd, const struct vs_ynode *map, const char *where, const char *key,
                   uint32_t max, uint32_t *out)
{
    int64_t n = *out;
    int rc = get_int(rd, map, where, key, 0, max, &n);
    *out = (uint32_t)n;
    return rc;
}

static int get_bool(const struct reader *rd, const struct vs_ynode *map, const char *where, const char *key,
                    bool *out)
{
    const struct vs_ynode *v;
    int rc = member(rd, map, where, key, VS_YNODE_SCALAR, &v);
    if (rc != VS_OK || !v) return rc;
    char p[160], f[64];
    if (!v->plain || (strcmp(v->text, "true") != 0 && strcmp(v->text, "false") != 0))
        return bad(rd, v, "%s: expected true or false, found %s", path_of(where, key, p), found(v, f));
    *out = v->text[0] == 't';
    return VS_OK;
}

/* Reads and parses path; the root must be an object. */
static int load_root(const struct reader *rd, struct vs_ydoc **doc, const struct vs_ynode **root)
{
    char *text;
    size_t len;
    *doc = NULL;
    int rc = vs_json_read_file(rd->path, &text, &len, rd->err);
    if (rc != VS_OK) return rc;
    rc = vs_ydoc_load(text, len, rd->path, doc, rd->err);
    free(text);
    if (rc != VS_OK) return rc;
    *root = (*doc)->root;
    if (!*root) return bad(rd, NULL, "the file is empty; expected a JSON object written by virtsim");
    if ((*root)->kind != VS_YNODE_MAPPING) {
        char f[64];
        return bad(rd, *root, "expected a JSON object written by virtsim, found %s", found(*root, f));
    }
    return VS_OK;
}

/* ---- the report of run and compare ---- */

static int read_group(const struct reader *rd, const struct vs_ynode *gn, const char *where,
                      struct vs_guest_result *g)
{
    char f[64];
    if (gn->kind != VS_YNODE_MAPPING) return bad(rd, gn, "%s: expected an object, found %s", where, found(gn, f));
    const struct vs_ynode *cpu;
    g->completion_ns = -1; /* not finished, unless the file says when it did */
    int rc = get_string(rd, gn, where, "name", false, g->name, sizeof g->name);
    if (rc == VS_OK) rc = get_number(rd, gn, where, "throughput_per_s", 0, &g->throughput_per_s);
    if (rc == VS_OK) rc = get_bool(rd, gn, where, "batch", &g->batch);
    if (rc == VS_OK) rc = get_number(rd, gn, where, "completion_ns", -1, &g->completion_ns);
    /* The breakdown per request divides by it. */
    int64_t completed = 0;
    if (rc == VS_OK) rc = get_int(rd, gn, where, "completed", 0, INT64_MAX, &completed);
    g->completed = (uint64_t)completed;
    if (rc == VS_OK) rc = member(rd, gn, where, "cpu_ns", VS_YNODE_MAPPING, &cpu);
    if (rc == VS_OK && cpu) {
        char at[200];
        snprintf(at, sizeof at, "%s.cpu_ns", where);
        for (int c = 0; c < VS_CAT_COUNT && rc == VS_OK; c++)
            rc = get_number(rd, cpu, at, vs_cat_name((enum vs_cpu_cat)c), 0, &g->cpu_ns[c]);
    }
    return rc;
}

/* A group's "score" object, when the file has one (virtsim 0.1 with scores). */
static int read_score(const struct reader *rd, const struct vs_ynode *gn, const char *where,
                      struct vs_group_score *sc, uint32_t *reps, char *baseline, size_t baseline_len, bool *found_one)
{
    const struct vs_ynode *sn, *en;
    int rc = member(rd, gn, where, "score", VS_YNODE_MAPPING, &sn);
    if (rc != VS_OK || !sn) return rc;
    char at[200], kind[32] = "";
    snprintf(at, sizeof at, "%s.score", where);
    rc = get_u32(rd, sn, at, "reps", 1000000, reps);
    if (rc == VS_OK) rc = get_string(rd, sn, at, "baseline", false, baseline, baseline_len);
    if (rc == VS_OK) rc = get_string(rd, sn, at, "kind", true, kind, sizeof kind);
    if (rc == VS_OK) rc = get_bool(rd, sn, at, "saturated", &sc->saturated);
    if (rc == VS_OK) rc = required(rd, sn, at, "score", VS_YNODE_MAPPING, &en);
    if (rc != VS_OK) return rc;
    bool known = false;
    for (int k = VS_SCORE_COST; k <= VS_SCORE_SPEED; k++)
        if (strcmp(kind, vs_score_kind_name((enum vs_score_kind)k)) == 0) {
            sc->kind = (enum vs_score_kind)k;
            known = true;
        }
    if (!known)
        return bad(rd, vs_ynode_get(sn, "kind"), "%s.kind: '%s'; expected cpu per request, throughput or speed", at,
                   kind);
    char eat[220];
    snprintf(eat, sizeof eat, "%s.score", at);
    sc->score = (struct vs_estimate){NAN, NAN, NAN};
    rc = get_number(rd, en, eat, "mean", NAN, &sc->score.mean);
    if (rc == VS_OK) rc = get_number(rd, en, eat, "low", NAN, &sc->score.low);
    if (rc == VS_OK) rc = get_number(rd, en, eat, "high", NAN, &sc->score.high);
    *found_one = true;
    return rc;
}

static int read_results(const struct reader *rd, const struct vs_ynode *root, struct vs_results *r)
{
    const struct vs_ynode *runs;
    int rc = get_string(rd, root, "", "scenario", true, r->scenario, sizeof r->scenario);
    if (rc == VS_OK) rc = required(rd, root, "", "runs", VS_YNODE_SEQUENCE, &runs);
    if (rc != VS_OK) return rc;
    if (runs->count == 0) return bad(rd, runs, "runs: empty; a results file has at least one run");
    r->runs = calloc(runs->count, sizeof *r->runs);
    if (!r->runs) return vs_error_set(rd->err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    bool scored = false;
    char base_name[VS_NAME_MAX] = "";
    for (size_t k = 0; k < runs->count; k++) {
        const struct vs_ynode *run = runs->items[k], *groups;
        struct vs_run_result *rr = &r->runs[k];
        char where[64];
        snprintf(where, sizeof where, "runs[%zu]", k);
        r->n_runs++;
        char f[64];
        if (run->kind != VS_YNODE_MAPPING) return bad(rd, run, "%s: expected an object, found %s", where, found(run, f));
        rc = get_string(rd, run, where, "engine", true, rr->engine, sizeof rr->engine);
        /* The host's clock, for a breakdown in cycles. */
        const struct vs_ynode *host;
        if (rc == VS_OK) rc = member(rd, run, where, "host", VS_YNODE_MAPPING, &host);
        if (rc == VS_OK && host) {
            char at[80];
            snprintf(at, sizeof at, "%s.host", where);
            rc = get_number(rd, host, at, "frequency_hz", 0, &rr->host.spec.cpu.frequency_hz);
        }
        if (rc == VS_OK) rc = required(rd, run, where, "groups", VS_YNODE_SEQUENCE, &groups);
        if (rc != VS_OK) return rc;
        /* The relative chart compares group i of every run with group i of
         * the first: runs that disagree are not one scenario's results. */
        if (k > 0 && groups->count != r->runs[0].n_groups)
            return bad(rd, groups, "%s.groups: %zu groups, but runs[0] has %u; every run of a results file has "
                       "the same guest groups", where, groups->count, r->runs[0].n_groups);
        rr->groups = calloc(groups->count ? groups->count : 1, sizeof *rr->groups);
        if (!rr->groups) return vs_error_set(rd->err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
        rr->n_groups = (uint32_t)groups->count;
        for (size_t g = 0; g < groups->count; g++) {
            char at[96];
            snprintf(at, sizeof at, "%s.groups[%zu]", where, g);
            if ((rc = read_group(rd, groups->items[g], at, &rr->groups[g])) != VS_OK) return rc;
            if (!r->scores.groups) {
                /* Room for every run's scores, sized by the first run's groups. */
                r->scores.groups = calloc(runs->count * (groups->count ? groups->count : 1), sizeof *r->scores.groups);
                if (!r->scores.groups) return vs_error_set(rd->err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
                r->scores.n_engines = (uint32_t)runs->count;
                r->scores.n_groups = (uint32_t)groups->count;
            }
            char baseline[VS_NAME_MAX] = "";
            uint32_t reps = 1;
            rc = read_score(rd, groups->items[g], at, &r->scores.groups[k * groups->count + g], &reps, baseline,
                            sizeof baseline, &scored);
            if (rc != VS_OK) return rc;
            r->scores.reps = reps;
            if (baseline[0]) snprintf(base_name, sizeof base_name, "%s", baseline);
            if (k > 0 && strcmp(rr->groups[g].name, r->runs[0].groups[g].name) != 0)
                return bad(rd, groups->items[g], "%s: group '%s', but runs[0] has '%s' here; every run of a "
                           "results file has the same guest groups", at, rr->groups[g].name,
                           r->runs[0].groups[g].name);
        }
    }
    if (!scored) {
        /* A file without scores (older, or hand-made): the first engine is
         * the baseline, scored from the figures the file has. */
        free(r->scores.groups);
        memset(&r->scores, 0, sizeof r->scores);
        return vs_scores_compute(r, 1, &r->scores, rd->err);
    }
    for (uint32_t k = 0; k < r->n_runs; k++)
        if (strcmp(r->runs[k].engine, base_name) == 0) r->scores.baseline = k;
    return VS_OK;
}

int vs_json_load_results(const char *path, struct vs_results *r, struct vs_error *err)
{
    memset(r, 0, sizeof *r);
    struct reader rd = {path, err};
    struct vs_ydoc *doc;
    const struct vs_ynode *root = NULL;
    int rc = load_root(&rd, &doc, &root);
    if (rc == VS_OK && !vs_ynode_get(root, "runs"))
        rc = bad(&rd, root, "not a results file of virtsim run --format json (no \"runs\")");
    if (rc == VS_OK) rc = read_results(&rd, root, r);
    vs_ydoc_free(doc);
    if (rc != VS_OK) vs_results_free(r);
    return rc;
}

/* ---- the result of density ---- */

static int read_density(const struct reader *rd, const struct vs_ynode *x, const char *where,
                        struct vs_density_result *r)
{
    char f[64];
    if (x->kind != VS_YNODE_MAPPING) return bad(rd, x, "%s: expected an object, found %s", where, found(x, f));
    const struct vs_ynode *curve;
    int rc = member(rd, x, where, "curve", VS_YNODE_SEQUENCE, &curve);
    if (rc == VS_OK) rc = get_string(rd, x, where, "engine", true, r->engine, sizeof r->engine);
    if (rc == VS_OK) rc = get_string(rd, x, where, "approach", false, r->approach, sizeof r->approach);
    if (rc == VS_OK) rc = get_u32(rd, x, where, "density", VS_MAX_GUESTS, &r->density);
    if (rc == VS_OK) rc = get_bool(rd, x, where, "capped", &r->capped);
    /* What ran out ("limit": null when capped), and the cost side of the
     * trade-off where the file has it (the TUI's Density panel writes it). */
    char limit[16] = "";
    if (rc == VS_OK) {
        const struct vs_ynode *lv = vs_ynode_get(x, "limit");
        r->limit = VS_RES_NONE;
        if (lv && !vs_ynode_is_null(lv)) rc = get_string(rd, x, where, "limit", false, limit, sizeof limit);
        for (int k = 0; rc == VS_OK && limit[0] && k < VS_RES_NONE; k++)
            if (strcmp(limit, vs_resource_name((enum vs_resource)k)) == 0) r->limit = (enum vs_resource)k;
    }
    const struct vs_ynode *cost = NULL;
    if (rc == VS_OK) rc = member(rd, x, where, "cpu_per_op_ns", VS_YNODE_MAPPING, &cost);
    for (int c = 0; rc == VS_OK && cost && c < VS_CAT_COUNT; c++) {
        if (c == VS_CAT_IDLE) continue;
        char at[96];
        snprintf(at, sizeof at, "%s.cpu_per_op_ns", where);
        rc = get_number(rd, cost, at, vs_cat_label((enum vs_cpu_cat)c), 0, &r->cpu_per_op_ns[c]);
    }
    if (rc == VS_OK && cost) {
        int64_t ops = 0;
        rc = get_int(rd, x, where, "cost_ops", 0, INT64_MAX, &ops);
        r->cost_ops = (uint64_t)ops;
    }
    if (rc != VS_OK || !curve) return rc;
    if (curve->count > VS_DENSITY_MAX_POINTS)
        return bad(rd, curve, "%s.curve: %zu points; at most %d", where, curve->count, VS_DENSITY_MAX_POINTS);
    for (size_t i = 0; i < curve->count && rc == VS_OK; i++) {
        const struct vs_ynode *pt = curve->items[i];
        struct vs_density_point *p = &r->points[i];
        char at[96];
        snprintf(at, sizeof at, "%s.curve[%zu]", where, i);
        if (pt->kind != VS_YNODE_MAPPING) return bad(rd, pt, "%s: expected an object, found %s", at, found(pt, f));
        rc = get_u32(rd, pt, at, "guests", VS_MAX_GUESTS, &p->guests);
        if (rc == VS_OK) rc = get_bool(rd, pt, at, "ok", &p->ok);
        if (rc == VS_OK) rc = get_int(rd, pt, at, "p50_ns", 0, INT64_MAX, &p->p50_ns);
        if (rc == VS_OK) rc = get_int(rd, pt, at, "p99_ns", 0, INT64_MAX, &p->p99_ns);
        if (rc == VS_OK) rc = get_u32(rd, pt, at, "failed", VS_MAX_GUESTS, &p->failed);
        /* How the verdict was reached: a probe stopped early or decided by
         * memory has no figures to plot (absent: a full run, as files
         * written before the key existed had only those and memory ones,
         * which say so by "failed"). */
        char basis[16] = "full";
        if (rc == VS_OK) rc = get_string(rd, pt, at, "basis", false, basis, sizeof basis);
        if (rc == VS_OK) {
            bool known = false;
            for (int b = VS_PROBE_FULL; b <= VS_PROBE_MEMORY && !known; b++)
                if (strcmp(basis, vs_probe_basis_name((enum vs_probe_basis)b)) == 0) {
                    p->basis = (enum vs_probe_basis)b;
                    known = true;
                }
            if (!known)
                rc = bad(rd, vs_ynode_get(pt, "basis"), "%s.basis: '%s'; expected full, early or memory", at, basis);
        }
        if (rc == VS_OK) rc = get_int(rd, pt, at, "measured_ns", 0, INT64_MAX, &p->measured_ns);
        r->n_points++;
    }
    return rc;
}

int vs_json_load_density(const char *path, struct vs_scenario *sc, struct vs_density_result **out,
                         struct vs_error *err)
{
    *out = NULL;
    struct reader rd = {path, err};
    struct vs_ydoc *doc;
    const struct vs_ynode *root = NULL, *res = NULL;
    struct vs_density_result *r = NULL;
    int rc = load_root(&rd, &doc, &root);
    if (rc == VS_OK && !vs_ynode_get(root, "results"))
        rc = bad(&rd, root, "not a density results file of virtsim density --format json (no \"results\")");
    if (rc == VS_OK) rc = required(&rd, root, "", "results", VS_YNODE_SEQUENCE, &res);
    if (rc == VS_OK && (res->count == 0 || res->count > VS_MAX_ENGINES))
        rc = bad(&rd, res, "results: %zu entries; expected 1 to %d, one per approach", res->count, VS_MAX_ENGINES);
    if (rc == VS_OK) {
        memset(sc, 0, sizeof *sc);
        sc->n_guests = 1;
        sc->n_engines = (uint32_t)res->count;
        rc = get_string(&rd, root, "", "workload", false, sc->guests[0].workload.name,
                        sizeof sc->guests[0].workload.name);
    }
    if (rc == VS_OK)
        rc = get_string(&rd, root, "", "host", false, sc->hosts[0].spec.name, sizeof sc->hosts[0].spec.name);
    if (rc == VS_OK && !(r = calloc(res->count, sizeof *r)))
        rc = vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    for (size_t k = 0; rc == VS_OK && k < res->count; k++) {
        char where[64];
        snprintf(where, sizeof where, "results[%zu]", k);
        rc = read_density(&rd, res->items[k], where, &r[k]);
        if (rc == VS_OK) snprintf(sc->engines[k], sizeof sc->engines[k], "%s", r[k].engine);
    }
    vs_ydoc_free(doc);
    if (rc != VS_OK) free(r);
    else *out = r;
    return rc;
}
