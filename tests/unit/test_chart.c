/* Charts: every kind renders to SVG, PDF and PNG; the files are valid (PNG
 * signature and size, PDF header and trailer, SVG well-formed XML holding
 * the title, axis labels and one series per engine), and the CSV beside a
 * chart holds the numbers plotted. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "virtsim/load/builtin.h"
#include "virtsim/out/chart.h"
#include "virtsim/run/stepper.h"
#include "virtsim/load/config.h"
#include "virtsim/run/density.h"
#include "virtsim/run/sim.h"
#include "virtsim/run/sweep.h"

static char dir[] = "/tmp/vs-chart-XXXXXX";

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* A small well-formedness check: every element closes in order; comments,
 * declarations and self-closing tags are skipped. */
static bool xml_well_formed(const char *s)
{
    const char *stack[512];
    size_t lens[512];
    int depth = 0;
    for (const char *p = strchr(s, '<'); p; p = strchr(p, '<')) {
        if (strncmp(p, "<!--", 4) == 0) {
            p = strstr(p, "-->");
            if (!p) return false;
            continue;
        }
        const char *end = strchr(p, '>');
        if (!end) return false;
        if (p[1] == '?' || p[1] == '!') {
            p = end;
            continue;
        }
        if (p[1] == '/') {
            size_t n = strcspn(p + 2, " >");
            if (depth == 0 || lens[depth - 1] != n || strncmp(stack[depth - 1], p + 2, n) != 0) return false;
            depth--;
        } else if (end[-1] != '/') {
            if (depth == 512) return false;
            stack[depth] = p + 1;
            lens[depth] = strcspn(p + 1, " />\n");
            depth++;
        }
        p = end;
    }
    return depth == 0;
}

static void check_files(const struct vs_chart *c, const char *name)
{
    char path[256];
    struct vs_error err;
    static const char *const exts[] = {"svg", "pdf", "png"};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s.%s", dir, name, exts[i]);
        int rc = vs_chart_render(c, path, 1280, 720, &err);
        if (rc != VS_OK) print_error("%s\n", err.message);
        assert_int_equal(rc, VS_OK);
        size_t len;
        char *data = slurp(path, &len);
        if (i == 0) {
            assert_true(xml_well_formed(data));
            assert_non_null(strstr(data, c->title));
            assert_non_null(strstr(data, c->x_label));
            assert_non_null(strstr(data, c->y_label));
            for (uint32_t s = 0; s < c->n_series; s++) assert_non_null(strstr(data, c->series[s].name));
        } else if (i == 1) {
            assert_memory_equal(data, "%PDF-", 5);
            assert_non_null(strstr(data + (len > 64 ? len - 64 : 0), "%%EOF"));
        } else {
            assert_true(len > 1000);
            assert_memory_equal(data, "\x89PNG\r\n\x1a\n", 8);
            /* IHDR: width and height, big-endian, at bytes 16 and 20. */
            const unsigned char *u = (const unsigned char *)data;
            assert_int_equal((u[16] << 24) | (u[17] << 16) | (u[18] << 8) | u[19], 1280);
            assert_int_equal((u[20] << 24) | (u[21] << 16) | (u[22] << 8) | u[23], 720);
        }
        free(data);
        unlink(path);
    }
    /* The numbers beside the chart. */
    char *csv = NULL;
    size_t clen = 0;
    FILE *m = open_memstream(&csv, &clen);
    vs_chart_write_csv(c, m);
    fclose(m);
    for (uint32_t s = 0; s < c->n_series; s++) assert_non_null(strstr(csv, c->series[s].name));
    int lines = 0;
    for (const char *p = csv; *p; p++) lines += *p == '\n';
    /* Wide (a row per x) or, for series with their own x, long (a row per point). */
    int rows = (int)c->n_points;
    if (c->own_x) {
        rows = 0;
        for (uint32_t s = 0; s < c->n_series; s++) rows += (int)c->series[s].n;
    }
    assert_int_equal(lines, rows + 1);
    /* The first row's first value reads back exactly. */
    const char *row = strchr(csv, '\n') + 1;
    const char *comma = strchr(row, ',');
    if (c->own_x) comma = strchr(comma + 1, ','); /* series,x,y */
    double v = strtod(comma + 1, NULL);
    assert_true(v == c->series[0].y[0]);
    free(csv);
}

static struct vs_scenario *load_default(void)
{
    const struct vs_builtin *b = vs_builtin_find(VS_BUILTIN_SCENARIO, "default");
    struct vs_scenario *sc = malloc(sizeof *sc);
    struct vs_error err;
    assert_int_equal(vs_config_load_scenario(b->data, b->len, "default", NULL, sc, &err), VS_OK);
    sc->duration_ns = 3 * VS_NS_PER_S;
    sc->warmup_ns = 500 * VS_NS_PER_MS;
    return sc;
}

static void test_relative_and_breakdown(void **state)
{
    (void)state;
    struct vs_scenario *sc = load_default();
    struct vs_results r;
    struct vs_error err;
    assert_int_equal(vs_sim_run_scenario(sc, 1, &r, &err), VS_OK);
    struct vs_chart *c = malloc(sizeof *c);
    vs_chart_relative(&r, c);
    assert_int_equal(c->n_series, r.n_runs);
    assert_int_equal(c->n_points, r.runs[0].n_groups);
    assert_true(c->series[0].y[0] == 1.0); /* native against itself */
    check_files(c, "relative");
    vs_chart_breakdown(&r, c);
    for (uint32_t k = 0; k < c->n_points; k++) {
        double sum = 0;
        for (uint32_t s = 0; s < c->n_series; s++) sum += c->series[s].y[k];
        assert_within_rel(sum, 100.0, 1e-9); /* the stack is the whole CPU time */
    }
    check_files(c, "breakdown");
    vs_results_free(&r);
    free(c);
    free(sc);
}

static void test_timeline(void **state)
{
    (void)state;
    struct vs_scenario *sc = load_default();
    struct vs_chart *c = malloc(sizeof *c);
    struct vs_timeline *tl = malloc(sizeof *tl);
    struct vs_error err;
    assert_int_equal(vs_stepper_timeline(sc, sc->seed, 200 * VS_NS_PER_MS, tl, &err), VS_OK);
    vs_chart_timeline(tl, c);
    free(tl);
    assert_int_equal(c->n_series, sc->n_engines);
    assert_true(c->n_points >= 15);
    assert_true(c->series[0].n < c->n_points); /* native ends before the VMs, which boot first */
    check_files(c, "timeline");
    free(c);
    free(sc);
}

static void test_sweep_and_density(void **state)
{
    (void)state;
    struct vs_scenario *sc = load_default();
    sc->n_guests = 1;                 /* the web group alone */
    sc->n_engines = 2;                /* native, qemu */
    snprintf(sc->sweep.param, sizeof sc->sweep.param, "guests.web.load.rate");
    sc->sweep.n = 3;
    sc->sweep.values[0] = 100;
    sc->sweep.values[1] = 300;
    sc->sweep.values[2] = 500;
    struct vs_results pts[3];
    struct vs_error err;
    assert_int_equal(vs_sweep_run(sc, 1, 0, 3, 0, pts, &err), VS_OK);
    struct vs_chart *c = malloc(sizeof *c);
    vs_chart_sweep(sc, pts, 3, VS_METRIC_THROUGHPUT, c);
    assert_true(c->x[2] == 500);
    assert_true(c->series[0].y[2] > c->series[0].y[0]); /* more offered, more served */
    check_files(c, "sweep");
    vs_chart_sweep(sc, pts, 3, VS_METRIC_CPU, c);
    assert_within_rel(c->series[0].y[1], 100.0 * pts[1].runs[0].host.cpu_utilisation, 1e-12);
    check_files(c, "sweep-cpu");
    for (int i = 0; i < 3; i++) vs_results_free(&pts[i]);

    sc->sweep.n = 0;
    sc->duration_ns = VS_NS_PER_S;
    sc->warmup_ns = 100 * VS_NS_PER_MS;
    struct vs_density_opts o = {.max_guests = 8};
    struct vs_density_result dr[2];
    assert_int_equal(vs_density_run(sc, &o, dr, &err), VS_OK);
    vs_chart_density(sc, dr, 2, c);
    assert_true(c->series[0].y[0] == dr[0].density);
    check_files(c, "density");
    vs_chart_density_curve(sc, dr, 2, 20e6, c);
    assert_true(c->own_x && c->has_hline && c->hline == 20);
    assert_int_equal(c->series[0].n, dr[0].n_points);
    char *csv = NULL;
    size_t clen = 0;
    FILE *m = open_memstream(&csv, &clen);
    vs_chart_write_csv(c, m);
    fclose(m);
    int rows = 0;
    for (const char *p = csv; *p; p++) rows += *p == '\n';
    assert_int_equal(rows, 1 + (int)(c->series[0].n + c->series[1].n)); /* long format */
    free(csv);
    free(c);
    free(sc);
}

static void test_bad_output(void **state)
{
    (void)state;
    struct vs_chart c;
    memset(&c, 0, sizeof c);
    struct vs_error err;
    char path[256];
    snprintf(path, sizeof path, "%s/chart.gif", dir);
    assert_int_equal(vs_chart_render(&c, path, 800, 450, &err), VS_ERR_INPUT);
    snprintf(path, sizeof path, "%s/no/such/chart.png", dir);
    assert_int_equal(vs_chart_render(&c, path, 800, 450, &err), VS_ERR_RUNTIME);
}

int main(void)
{
    assert_non_null(mkdtemp(dir));
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_relative_and_breakdown),
        cmocka_unit_test(test_timeline),
        cmocka_unit_test(test_sweep_and_density),
        cmocka_unit_test(test_bad_output),
    };
    int rc = cmocka_run_group_tests_name("chart", tests, NULL, NULL);
    rmdir(dir);
    return rc;
}
