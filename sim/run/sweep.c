/* Parameter sweeps (see sweep.h): running the points in parallel threads,
 * and writing or merging their reports. The path language is load/params.c. */
#include "virtsim/run/sweep.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "virtsim/load/params.h"
#include "virtsim/core/parallel.h"
#include "virtsim/out/json.h"
#include "virtsim/out/report.h"
#include "virtsim/run/sim.h"

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
    j->rc = vs_param_sweep_point(j->sc, j->point, sc, &j->err);
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
    vs_control_plan(sc->control, n * sc->n_engines); /* for the progress display */
    vs_parallel_for(n, threads, run_one, jobs);
    int rc = VS_OK;
    /* A failure speaks before a stop request: it is why the run ended. */
    for (uint32_t i = 0; i < n; i++)
        if (jobs[i].rc != VS_OK && (rc == VS_OK || rc == VS_ERR_INTERRUPTED)) {
            *err = jobs[i].err;
            rc = jobs[i].rc;
        }
    free(jobs);
    /* Stopped: the points keep what they ran, each marked partial if it
     * did not finish (vs_sim_run_scenario). */
    if (rc != VS_OK && rc != VS_ERR_INTERRUPTED)
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

/* The JSON of a sweep: the parameter, then each point with its value and
 * its whole report nested, all through one writer. */
static int write_json(FILE *f, const struct vs_scenario *sc, uint32_t first, const struct vs_results *pts,
                      uint32_t n, struct vs_error *err)
{
    struct vs_json w;
    vs_json_init(&w, f);
    vs_json_object_begin(&w, VS_JSON_BLOCK);
    vs_json_key(&w, "sweep");
    vs_json_object_begin(&w, VS_JSON_INLINE);
    vs_json_key_string(&w, "param", sc->sweep.param);
    vs_json_key_uint(&w, "points", sc->sweep.n);
    vs_json_object_end(&w);
    vs_json_key(&w, "points");
    vs_json_array_begin(&w, VS_JSON_BLOCK);
    for (uint32_t i = 0; i < n; i++) {
        vs_json_object_begin(&w, VS_JSON_BLOCK);
        vs_json_key_uint(&w, "point", first + i);
        vs_json_key_number(&w, "value", sc->sweep.values[first + i]);
        vs_json_key(&w, "report");
        vs_report_json(&w, &pts[i]);
        vs_json_object_end(&w);
    }
    vs_json_array_end(&w);
    vs_json_object_end(&w);
    return vs_json_finish(&w, err);
}

int vs_sweep_write(FILE *f, const struct vs_scenario *sc, uint32_t first, const struct vs_results *pts,
                   uint32_t n, int format, struct vs_error *err)
{
    if (format == VS_REPORT_JSON) return write_json(f, sc, first, pts, n, err);
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
        } else {
            fprintf(f, "%s######## sweep point %u: %s = %g\n%s", i ? "\n" : "", k, sc->sweep.param, v, text);
        }
        free(text);
    }
    if (ferror(f)) return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "writing the sweep: %s", strerror(errno));
    return VS_OK;
}
