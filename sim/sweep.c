/* Parameter sweeps (see sweep.h): the path language for parameters, running
 * the points in parallel threads, and writing or merging their reports. */
#include "virtsim/sweep.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "virtsim/costs.h"
#include "virtsim/parallel.h"
#include "virtsim/report.h"
#include "virtsim/sim.h"

/* A resolved parameter: where its value lives and how it is written. */
struct target {
    double *d;          /* a double field, or */
    uint32_t *u32;      /* an unsigned field, or */
    uint64_t *u64;
    vs_time_ns *t;      /* a time field */
    enum vs_unit_kind unit;
    double min, max;
};

static struct vs_guest_spec *find_guest(struct vs_scenario *sc, const char *name, size_t len)
{
    for (uint32_t g = 0; g < sc->n_guests; g++)
        if (strlen(sc->guests[g].name) == len && strncmp(sc->guests[g].name, name, len) == 0)
            return &sc->guests[g];
    return NULL;
}

static int resolve(struct vs_scenario *sc, const char *param, struct target *t, char *why, size_t n)
{
    memset(t, 0, sizeof *t);
    t->max = 1e18;
    if (strcmp(param, "seed") == 0) {
        t->u64 = &sc->seed, t->unit = VS_UNIT_COUNT;
    } else if (strcmp(param, "duration") == 0) {
        t->t = &sc->duration_ns, t->unit = VS_UNIT_TIME, t->min = 1e6, t->max = (double)VS_MAX_DURATION_NS;
    } else if (strcmp(param, "warmup") == 0) {
        t->t = &sc->warmup_ns, t->unit = VS_UNIT_TIME, t->max = (double)VS_MAX_DURATION_NS;
    } else if (strcmp(param, "host.cpu.cores") == 0) {
        t->u32 = &sc->host.cpu.cores, t->unit = VS_UNIT_COUNT, t->min = 1, t->max = 1024;
    } else if (strcmp(param, "host.cpu.frequency") == 0) {
        t->d = &sc->host.cpu.frequency_hz, t->unit = VS_UNIT_FREQUENCY, t->min = 1e6, t->max = 1e12;
    } else if (strcmp(param, "host.memory.capacity") == 0) {
        t->d = &sc->host.memory_bytes, t->unit = VS_UNIT_BYTES, t->min = 1;
    } else if (strncmp(param, "host.costs.", 11) == 0) {
        int id = vs_cost_find(param + 11);
        if (id < 0) {
            snprintf(why, n, "'%s': no cost constant '%s' (see virtsim show host current)", param, param + 11);
            return -1;
        }
        t->d = &sc->host.costs.value[id], t->unit = vs_cost_info((enum vs_cost_id)id)->unit;
    } else if (strncmp(param, "guests.", 7) == 0) {
        const char *name = param + 7, *dot = strchr(name, '.');
        struct vs_guest_spec *g = dot ? find_guest(sc, name, (size_t)(dot - name)) : NULL;
        if (!g) {
            snprintf(why, n, "'%s': expected guests.NAME.FIELD with NAME a guest group of the scenario", param);
            return -1;
        }
        const char *f = dot + 1;
        struct vs_workload *w = &g->workload;
        if (strcmp(f, "count") == 0) t->u32 = &g->count, t->unit = VS_UNIT_COUNT, t->min = 1, t->max = VS_MAX_GUESTS;
        else if (strcmp(f, "vcpus") == 0) t->u32 = &g->vcpus, t->unit = VS_UNIT_COUNT, t->min = 1, t->max = VS_MAX_VCPUS;
        else if (strcmp(f, "weight") == 0) t->d = &g->weight, t->unit = VS_UNIT_COUNT, t->min = 1e-9;
        else if (strcmp(f, "memory") == 0) t->d = &g->memory_bytes, t->unit = VS_UNIT_BYTES;
        else if (strcmp(f, "cap") == 0) t->d = &g->cap_fraction, t->unit = VS_UNIT_PERCENT;
        else if (strcmp(f, "queue_limit") == 0) t->u32 = &g->queue_limit, t->unit = VS_UNIT_COUNT, t->min = 1;
        else if (strcmp(f, "load.rate") == 0) t->d = &w->load.rate_per_s, t->unit = VS_UNIT_RATE;
        else if (strcmp(f, "load.clients") == 0) t->u32 = &w->load.clients, t->unit = VS_UNIT_COUNT, t->max = 1e6;
        else if (strcmp(f, "load.total") == 0) t->u64 = &w->load.total, t->unit = VS_UNIT_COUNT, t->min = 1;
        else if (strcmp(f, "load.think_time") == 0) t->d = &w->load.think_ns.a, t->unit = VS_UNIT_TIME;
        else if (strcmp(f, "request.instructions") == 0) t->d = &w->request.instructions.a, t->unit = VS_UNIT_COUNT;
        else if (strncmp(f, "request.", 8) == 0) {
            for (int op = 0; op < VS_OP_COUNT; op++)
                if (op != VS_OP_INSTRUCTION && strcmp(f + 8, vs_op_name((enum vs_op_kind)op)) == 0)
                    t->d = &w->request.count[op], t->unit = VS_UNIT_COUNT;
        }
        if (!t->d && !t->u32 && !t->u64 && !t->t) {
            snprintf(why, n,
                     "'%s': unknown field '%s'; expected count, vcpus, weight, memory, cap, queue_limit, "
                     "load.rate, load.clients, load.total, load.think_time, request.instructions or "
                     "request.COUNT",
                     param, f);
            return -1;
        }
    } else {
        snprintf(why, n,
                 "'%s': expected seed, duration, warmup, host.cpu.cores, host.cpu.frequency, "
                 "host.memory.capacity, host.costs.KEY or guests.NAME.FIELD",
                 param);
        return -1;
    }
    return 0;
}

int vs_sweep_param_unit(const struct vs_scenario *sc, const char *param, enum vs_unit_kind *unit,
                        char *why, size_t why_len)
{
    struct target t;
    /* resolve() only takes addresses; sc is not written. */
    if (resolve((struct vs_scenario *)sc, param, &t, why, why_len) != 0) return -1;
    *unit = t.unit;
    return 0;
}

int vs_sweep_apply(struct vs_scenario *sc, const char *param, double v, char *why, size_t why_len)
{
    struct target t;
    if (resolve(sc, param, &t, why, why_len) != 0) return -1;
    if (!(v >= t.min && v <= t.max)) {
        snprintf(why, why_len, "%s = %g is out of range [%g, %g]", param, v, t.min, t.max);
        return -1;
    }
    if ((t.u32 || t.u64) && v != (double)(uint64_t)v) {
        snprintf(why, why_len, "%s = %g must be a whole number", param, v);
        return -1;
    }
    if (t.d) *t.d = v;
    if (t.u32) *t.u32 = (uint32_t)v;
    if (t.u64) *t.u64 = (uint64_t)v;
    if (t.t) *t.t = (vs_time_ns)v;
    if (sc->warmup_ns >= sc->duration_ns) {
        snprintf(why, why_len, "%s = %g leaves the warm-up no shorter than the duration", param, v);
        return -1;
    }
    return 0;
}

int vs_sweep_point(const struct vs_scenario *sc, uint32_t k, struct vs_scenario *out, struct vs_error *err)
{
    if (k >= sc->sweep.n)
        return vs_error_set(err, VS_ERR_INPUT, sc->file, 0, 0, "sweep point %u: the sweep has %u points (0 to %u)",
                            k, sc->sweep.n, sc->sweep.n ? sc->sweep.n - 1 : 0);
    *out = *sc;
    char why[400];
    if (vs_sweep_apply(out, sc->sweep.param, sc->sweep.values[k], why, sizeof why) != 0)
        return vs_error_set(err, VS_ERR_INPUT, sc->file, 0, 0, "sweep: %s", why);
    return VS_OK;
}

/* ---- running ---- */

struct job {
    const struct vs_scenario *sc;
    uint64_t seed;
    uint32_t point;
    struct vs_results *out;
    struct vs_error err;
    int rc;
};

static void run_job(struct job *j)
{
    struct vs_scenario *sc = malloc(sizeof *sc);
    if (!sc) {
        j->rc = vs_error_set(&j->err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
        return;
    }
    j->rc = vs_sweep_point(j->sc, j->point, sc, &j->err);
    /* A swept seed is the point's own; otherwise every point uses the run's. */
    uint64_t seed = strcmp(j->sc->sweep.param, "seed") == 0 ? sc->seed : j->seed;
    if (j->rc == VS_OK) j->rc = vs_sim_run_scenario(sc, seed, j->out, &j->err);
    free(sc);
}

static void run_one(void *ctx, uint32_t i) { run_job(&((struct job *)ctx)[i]); }

int vs_sweep_run(const struct vs_scenario *sc, uint64_t seed, uint32_t first, uint32_t n,
                 uint32_t threads, struct vs_results *out, struct vs_error *err)
{
    memset(out, 0, n * sizeof *out);
    struct job *jobs = calloc(n ? n : 1, sizeof *jobs);
    if (!jobs) return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    for (uint32_t i = 0; i < n; i++) jobs[i] = (struct job){sc, seed, first + i, &out[i], {{0}, 0, 0, {0}}, 0};
    vs_parallel_for(n, threads, run_one, jobs);
    int rc = VS_OK;
    for (uint32_t i = 0; i < n && rc == VS_OK; i++)
        if (jobs[i].rc != VS_OK) {
            *err = jobs[i].err;
            rc = jobs[i].rc;
        }
    free(jobs);
    if (rc != VS_OK)
        for (uint32_t i = 0; i < n; i++) vs_results_free(&out[i]);
    return rc;
}

/* ---- writing and merging ---- */

static int report_text(const struct vs_results *r, int format, char **text, struct vs_error *err)
{
    size_t len = 0;
    FILE *m = open_memstream(text, &len);
    if (!m) return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    int rc = vs_report_write(m, r, (enum vs_report_format)format, err);
    if (fclose(m) != 0 && rc == VS_OK) rc = vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    return rc;
}

int vs_sweep_write(FILE *f, const struct vs_scenario *sc, uint32_t first, const struct vs_results *pts,
                   uint32_t n, int format, struct vs_error *err)
{
    if (format == VS_REPORT_JSON)
        fprintf(f, "{\n\"sweep\": {\"param\": \"%s\", \"points\": %u},\n\"points\": [\n", sc->sweep.param,
                sc->sweep.n);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t k = first + i;
        double v = sc->sweep.values[k];
        char *text = NULL;
        int rc = report_text(&pts[i], format, &text, err);
        if (rc != VS_OK) {
            free(text);
            return rc;
        }
        if (format == VS_REPORT_CSV) {
            /* Every line gets the point's columns; the header once, first. */
            char *save = NULL;
            bool header = true;
            for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                if (header) {
                    if (i == 0) fprintf(f, "sweep_point,sweep_param,sweep_value,%s\n", line);
                    header = false;
                    continue;
                }
                fprintf(f, "%u,%s,%.17g,%s\n", k, sc->sweep.param, v, line);
            }
        } else if (format == VS_REPORT_JSON) {
            fprintf(f, "%s{\"point\": %u, \"value\": %.17g, \"report\":\n%s}", i ? ",\n" : "", k, v, text);
        } else {
            fprintf(f, "%s######## sweep point %u: %s = %g\n%s", i ? "\n" : "", k, sc->sweep.param, v, text);
        }
        free(text);
    }
    if (format == VS_REPORT_JSON) fprintf(f, "\n]\n}\n");
    if (ferror(f)) return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "writing the sweep: %s", strerror(errno));
    return VS_OK;
}

struct row {
    unsigned long point;
    size_t order;
    char *text;
};

static int by_point(const void *a, const void *b)
{
    const struct row *x = a, *y = b;
    if (x->point != y->point) return x->point < y->point ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

int vs_sweep_merge_csv(FILE *out, char *const *paths, int n, struct vs_error *err)
{
    char *header = NULL;
    struct row *rows = NULL;
    size_t n_rows = 0, cap = 0;
    int rc = VS_OK;
    for (int i = 0; i < n && rc == VS_OK; i++) {
        FILE *f = fopen(paths[i], "r");
        if (!f) {
            rc = vs_error_set(err, VS_ERR_INPUT, paths[i], 0, 0, "cannot open: %s", strerror(errno));
            break;
        }
        char *line = NULL;
        size_t len = 0;
        ssize_t got;
        int lineno = 0;
        while (rc == VS_OK && (got = getline(&line, &len, f)) >= 0) {
            lineno++;
            if (got > 0 && line[got - 1] == '\n') line[--got] = '\0';
            if (lineno == 1) {
                if (strncmp(line, "sweep_point,", 12) != 0)
                    rc = vs_error_set(err, VS_ERR_INPUT, paths[i], 1, 1,
                                      "not a sweep CSV (its header does not start with sweep_point); write "
                                      "it with virtsim run --sweep-point K --format csv");
                else if (!header)
                    header = strdup(line);
                else if (strcmp(header, line) != 0)
                    rc = vs_error_set(err, VS_ERR_INPUT, paths[i], 1, 1,
                                      "its columns differ from %s's: the files come from different versions "
                                      "or scenarios",
                                      paths[0]);
                continue;
            }
            if (n_rows == cap) {
                cap = cap ? cap * 2 : 256;
                struct row *g = realloc(rows, cap * sizeof *rows);
                if (!g) {
                    rc = vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
                    break;
                }
                rows = g;
            }
            char *end;
            unsigned long point = strtoul(line, &end, 10);
            if (end == line || *end != ',') {
                rc = vs_error_set(err, VS_ERR_INPUT, paths[i], lineno, 1, "expected a sweep point number");
                break;
            }
            rows[n_rows] = (struct row){point, n_rows, strdup(line)};
            if (!rows[n_rows].text) rc = vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
            n_rows++;
        }
        free(line);
        fclose(f);
    }
    if (rc == VS_OK && header) {
        qsort(rows, n_rows, sizeof *rows, by_point);
        fprintf(out, "%s\n", header);
        for (size_t i = 0; i < n_rows; i++) fprintf(out, "%s\n", rows[i].text);
    }
    for (size_t i = 0; i < n_rows; i++) free(rows[i].text);
    free(rows);
    free(header);
    return rc;
}
