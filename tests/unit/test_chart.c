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
    if (c->style != VS_CHART_LINES && c->groups[0][0]) comma = strchr(comma + 1, ','); /* group,category,... */
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
    assert_int_equal(c->n_series, sc->n_engines);
    assert_true(c->n_points >= 14);
    /* One axis for every engine: time since its own boot, so each line
     * starts after 0 and ends at the duration, however long its boot was
     * (qemu boots for tens of seconds, native not at all). */
    for (uint32_t k = 0; k < tl->n_series; k++) {
        const struct vs_timeline_series *sr = &tl->series[k];
        assert_true(sr->n >= 14);
        assert_true(sr->at_ns[0] > 0 && sr->at_ns[0] <= 200 * VS_NS_PER_MS);
        assert_true(sr->at_ns[sr->n - 1] == sc->duration_ns);
    }
    free(tl);
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

/* Two hosts of different sizes joined by a link; web's clients run on the
 * other host, so the hosts' disk and NIC figures differ. */
static const char two_hosts_yaml[] =
    "name: two-racks\n"
    "hosts:\n"
    "  - {name: web-host, profile: current}\n"
    "  - {name: client-host, profile: ept-2009}\n"
    "links:\n"
    "  - {hosts: [web-host, client-host], bandwidth: 1Gbit, latency: 50us}\n"
    "duration: 1s\n"
    "warmup: 200ms\n"
    "compare: [native, lxc]\n"
    "guests:\n"
    "  - {name: web, host: web-host, count: 2, clients_from: loadgen, workload: web-server}\n"
    "  - {name: loadgen, host: client-host, workload: cpu-bound, load: {kind: open, rate: 10/s}}\n";

/* The bar at point i plots host h's figures, in % of capacity. */
static void assert_host_bars(const struct vs_chart *c, uint32_t i, const struct vs_host_result *h)
{
    assert_true(c->series[0].y[i] == 100.0 * h->cpu_utilisation);
    assert_true(c->series[1].y[i] == 100.0 * h->mem_used_bytes / h->mem_capacity_bytes);
    assert_true(c->series[2].y[i] == 100.0 * h->disk_utilisation);
    assert_true(c->series[3].y[i] == 100.0 * h->nic_rx_utilisation);
    assert_true(c->series[4].y[i] == 100.0 * h->nic_tx_utilisation);
    for (uint32_t s = 0; s < c->n_series; s++) assert_true(c->series[s].y[i] >= 0 && c->series[s].y[i] <= 100);
}

static char *render_svg(const struct vs_chart *c, const char *name)
{
    char path[256];
    struct vs_error err;
    snprintf(path, sizeof path, "%s/%s.svg", dir, name);
    assert_int_equal(vs_chart_render(c, path, 1280, 720, &err), VS_OK);
    size_t len;
    char *svg = slurp(path, &len);
    unlink(path);
    assert_true(xml_well_formed(svg));
    return svg;
}

static void test_hosts(void **state)
{
    (void)state;
    struct vs_scenario *sc = malloc(sizeof *sc);
    struct vs_error err;
    int rc = vs_config_load_scenario(two_hosts_yaml, sizeof two_hosts_yaml - 1, "two-racks.yaml", NULL, sc, &err);
    if (rc != VS_OK) print_error("%s\n", err.message);
    assert_int_equal(rc, VS_OK);
    struct vs_results r;
    assert_int_equal(vs_sim_run_scenario(sc, 1, &r, &err), VS_OK);
    assert_int_equal(r.n_runs, 2);
    assert_int_equal(r.runs[0].n_hosts, 2);
    struct vs_chart *c = malloc(sizeof *c);
    enum vs_chart_kind kind;
    assert_int_equal(vs_chart_parse_kind("hosts", &kind), VS_OK);
    assert_int_equal(kind, VS_CHART_HOSTS);

    /* Both engines: each engine's hosts side by side, the engine below. */
    vs_chart_hosts(&r, c);
    assert_int_equal(c->style, VS_CHART_GROUPED_BARS);
    assert_int_equal(c->n_series, 5);
    assert_string_equal(c->series[0].name, "CPU");
    assert_string_equal(c->series[4].name, "NIC transmit");
    assert_int_equal(c->n_points, 4);
    static const char *const hosts[] = {"web-host", "client-host"};
    for (uint32_t k = 0; k < 2; k++)
        for (uint32_t h = 0; h < 2; h++) {
            uint32_t i = k * 2 + h;
            assert_string_equal(c->categories[i], hosts[h]);
            assert_string_equal(c->groups[i], r.runs[k].engine);
            assert_string_equal(r.runs[k].hosts[h].name, hosts[h]);
            assert_host_bars(c, i, &r.runs[k].hosts[h]);
        }
    /* Per host, not the total: only the web host reads its disk, and the
     * client host receives the replies. */
    assert_true(c->series[2].y[0] > 0 && c->series[2].y[1] == 0);
    assert_true(c->series[3].y[1] > c->series[3].y[0]);
    check_files(c, "hosts");
    char *svg = render_svg(c, "hosts-labels");
    assert_non_null(strstr(svg, "categories: native/web-host, native/client-host, lxc/web-host, lxc/client-host"));
    free(svg);
    char *csv = NULL;
    size_t clen = 0;
    FILE *m = open_memstream(&csv, &clen);
    vs_chart_write_csv(c, m);
    fclose(m);
    static const char head[] = "engine,host,CPU,memory,disk,NIC receive,NIC transmit\nnative,web-host,";
    assert_memory_equal(csv, head, sizeof head - 1);
    free(csv);

    /* One engine: one bar group per host, labelled with the host's name. */
    r.n_runs = 1;
    vs_chart_hosts(&r, c);
    r.n_runs = 2;
    assert_int_equal(c->n_points, 2);
    for (uint32_t h = 0; h < 2; h++) {
        assert_string_equal(c->categories[h], hosts[h]);
        assert_string_equal(c->groups[h], "");
        assert_host_bars(c, h, &r.runs[0].hosts[h]);
    }
    assert_non_null(strstr(c->title, "under native"));
    check_files(c, "hosts-native");
    svg = render_svg(c, "hosts-native-labels");
    assert_non_null(strstr(svg, "categories: web-host, client-host</desc>"));
    free(svg);
    vs_results_free(&r);
    free(c);
    free(sc);
}

/* Made-up results: one host (a group per engine), a results file without
 * per-host figures, and too many bars for every engine. */
static void test_hosts_shapes(void **state)
{
    (void)state;
    struct vs_run_result runs[3];
    struct vs_host_result hs[3][13];
    memset(runs, 0, sizeof runs);
    memset(hs, 0, sizeof hs);
    struct vs_results r = {.scenario = "made-up", .runs = runs, .n_runs = 3};
    for (int k = 0; k < 3; k++) {
        snprintf(runs[k].engine, sizeof runs[k].engine, "engine-%d", k);
        runs[k].hosts = hs[k];
        runs[k].n_hosts = 1;
        for (int h = 0; h < 13; h++) {
            snprintf(hs[k][h].name, sizeof hs[k][h].name, "rack-%d", h);
            hs[k][h].cpu_utilisation = 0.01 * (k * 13 + h);
            hs[k][h].mem_capacity_bytes = 1024;
            hs[k][h].mem_used_bytes = 256;
        }
        runs[k].host = hs[k][0];
    }
    struct vs_chart *c = malloc(sizeof *c);
    /* One host: a group per engine. */
    vs_chart_hosts(&r, c);
    assert_int_equal(c->n_points, 3);
    assert_string_equal(c->categories[2], "engine-2");
    assert_string_equal(c->groups[0], "");
    assert_non_null(strstr(c->title, "rack-0"));
    assert_true(c->series[0].y[2] == 100.0 * hs[2][0].cpu_utilisation);
    assert_true(c->series[1].y[0] == 25.0);
    /* No hosts[] (a results file read back): the run's host. */
    for (int k = 0; k < 3; k++) runs[k].n_hosts = 0;
    runs[1].host.cpu_utilisation = 0.5;
    vs_chart_hosts(&r, c);
    assert_int_equal(c->n_points, 3);
    assert_true(c->series[0].y[1] == 50.0);
    /* 2 engines x 7 hosts = 14 groups: too many, the first engine alone. */
    r.n_runs = 2;
    for (int k = 0; k < 2; k++) runs[k].n_hosts = 7;
    vs_chart_hosts(&r, c);
    assert_int_equal(c->n_points, 7);
    assert_string_equal(c->categories[6], "rack-6");
    assert_string_equal(c->groups[0], "");
    assert_true(c->series[0].y[6] == 100.0 * hs[0][6].cpu_utilisation);
    /* 2 x 6 = 12 still fit, grouped by engine. */
    for (int k = 0; k < 2; k++) runs[k].n_hosts = 6;
    vs_chart_hosts(&r, c);
    assert_int_equal(c->n_points, 12);
    assert_string_equal(c->groups[11], "engine-1");
    assert_true(c->series[0].y[11] == 100.0 * hs[1][5].cpu_utilisation);
    /* 13 hosts: the first 12, and the title says so. */
    r.n_runs = 1;
    runs[0].n_hosts = 13;
    vs_chart_hosts(&r, c);
    assert_int_equal(c->n_points, VS_CHART_HOSTS_MAX_BARS);
    assert_non_null(strstr(c->title, "the first 12 of 13 hosts"));
    check_files(c, "hosts-many");
    free(c);
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
        cmocka_unit_test(test_hosts),
        cmocka_unit_test(test_hosts_shapes),
        cmocka_unit_test(test_bad_output),
    };
    int rc = cmocka_run_group_tests_name("chart", tests, NULL, NULL);
    rmdir(dir);
    return rc;
}
