/* Charts: every kind renders to SVG, PDF and PNG; the files are valid (PNG
 * signature and size, PDF header and trailer, SVG well-formed XML holding
 * the title, axis labels and one series per engine), and the CSV beside a
 * chart holds the numbers plotted. What is drawn:
 * - an SVG keeps its words as <text> elements (no glyph outlines) and says
 *   its size in px; a PDF page is the same size at 96 px per inch;
 * - an engine's colour is the same whichever engines are drawn beside it,
 *   and engines of different approaches differ (pixels of PNGs);
 * - the breakdown's stack per request is the group's CPU per completed
 *   request (conservation), its share view sums to 100 %;
 * - a batch group's relative bar says "completion time";
 * - density bars carry their value and the limiting resource as text, and
 *   the title states the SLA, or "no SLA: guests that start";
 * - value labels overlap neither a bar nor one another (the SVG's geometry);
 * - the timeline has a panel per engine on its own clock, its boot marked,
 *   and a line per guest group whose rates add up to whole completions;
 * - a log axis has its ticks at decades;
 * - the tradeoff chart puts each approach at its CPU per operation over
 *   native's (log x) and its density (y), says both in its label, orders
 *   the labels left to right by cost, and leaves out approaches without a
 *   cost;
 * - engines and CPU categories never share a fill colour (SVG), approaches
 *   are darker than every category, neighbours in a stack differ, each
 *   host resource has its own colour in the hosts chart;
 * - a trace chart's text ends inside the figure in SVG too (measured in
 *   its font), long steps ellipsized with their time and place kept;
 * - the density curve plots only probes simulated in full (a probe
 *   stopped early or decided by memory is neither drawn nor in the CSV),
 *   joins neighbours close together with the series' solid line and no
 *   solid segment spans more than vs_chart_curve_join guests, draws each
 *   jump of the search as one faint dotted segment that the legend calls
 *   "not simulated", and keeps each probe's basis through the JSON. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cairo.h>

#include "virtsim/load/builtin.h"
#include "virtsim/out/chart.h"
#include "virtsim/run/stepper.h"
#include "virtsim/load/config.h"
#include "virtsim/out/json_read.h"
#include "virtsim/run/density.h"
#include "virtsim/run/trace.h"
#include "virtsim/run/sim.h"
#include "virtsim/run/sweep.h"
#include "virtsim/run/tradeoff.h"

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
    if (c->own_x && c->n_panels > 1) {
        /* engine,series,x,y: the panel's name first */
        assert_memory_equal(row, c->panel_name[c->series[0].panel], strlen(c->panel_name[c->series[0].panel]));
        comma = strchr(comma + 1, ',');
    }
    if (c->style != VS_CHART_LINES && c->groups[0][0]) comma = strchr(comma + 1, ','); /* group,category,... */
    double v = strtod(comma + 1, NULL);
    assert_true(v == c->series[0].y[0]);
    free(csv);
}

static char *render_svg_of(const struct vs_chart *c, const char *name)
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

/* True when the SVG has a <text> element whose words are exactly s. */
static bool has_text(const char *svg, const char *s)
{
    for (const char *p = strstr(svg, "<text"); p; p = strstr(p + 1, "<text")) {
        const char *open_end = strchr(p, '>'), *close = strstr(p, "</text>");
        if (!open_end || !close) return false;
        size_t n = (size_t)(close - open_end - 1);
        if (n == strlen(s) && strncmp(open_end + 1, s, n) == 0) return true;
    }
    return false;
}

/* The most frequent colour in a PNG that is neither grey nor white (a
 * bar's fill), as 0xRRGGBB; -1 if none. */
static long dominant_colour(const char *path)
{
    cairo_surface_t *img = cairo_image_surface_create_from_png(path);
    assert_int_equal(cairo_surface_status(img), CAIRO_STATUS_SUCCESS);
    int w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
    int stride = cairo_image_surface_get_stride(img);
    const unsigned char *d = cairo_image_surface_get_data(img);
    static unsigned counts[1 << 15];
    memset(counts, 0, sizeof counts);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint32_t px = *(const uint32_t *)(d + y * stride + x * 4);
            int r = (px >> 16) & 255, g = (px >> 8) & 255, b = px & 255;
            int mx = r > g ? (r > b ? r : b) : (g > b ? g : b), mn = r < g ? (r < b ? r : b) : (g < b ? g : b);
            if (mx - mn < 40) continue; /* grey, black or white */
            counts[((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3)]++;
        }
    cairo_surface_destroy(img);
    long best = -1;
    unsigned most = 0;
    for (int i = 0; i < (1 << 15); i++)
        if (counts[i] > most) most = counts[i], best = i;
    if (best < 0) return -1;
    return ((best >> 10) << 19) | (((best >> 5) & 31) << 11) | ((best & 31) << 3);
}

/* How many pixels of a PNG have colour rgb (to 3 bits a channel). */
static unsigned pixels_of(const char *path, long rgb)
{
    cairo_surface_t *img = cairo_image_surface_create_from_png(path);
    int w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
    int stride = cairo_image_surface_get_stride(img);
    const unsigned char *d = cairo_image_surface_get_data(img);
    unsigned n = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint32_t px = *(const uint32_t *)(d + y * stride + x * 4);
            if ((((px >> 16) & 255) >> 3) == ((rgb >> 16) & 255) >> 3 && (((px >> 8) & 255) >> 3) == ((rgb >> 8) & 255) >> 3 &&
                ((px & 255) >> 3) == (rgb & 255) >> 3)
                n++;
        }
    cairo_surface_destroy(img);
    return n;
}

/* The distinct fill colours of an SVG's shapes that are neither grey,
 * black nor white (bars, legend swatches), as 0xRRGGBB, into out (at most
 * max); returns how many. cairo writes fill:rgb(R%,G%,B%). */
static int svg_fills(const char *svg, long *out, int max)
{
    int n = 0;
    for (const char *p = strstr(svg, "fill:rgb("); p; p = strstr(p + 1, "fill:rgb(")) {
        double r, g, b;
        if (sscanf(p, "fill:rgb(%lf%%,%lf%%,%lf%%)", &r, &g, &b) != 3) continue;
        int R = (int)(r * 2.55 + 0.5), G = (int)(g * 2.55 + 0.5), B = (int)(b * 2.55 + 0.5);
        int mx = R > G ? (R > B ? R : B) : (G > B ? G : B), mn = R < G ? (R < B ? R : B) : (G < B ? G : B);
        if (mx - mn < 30) continue; /* grey, black or white: grid, text, background */
        long rgb = ((long)R << 16) | (G << 8) | B;
        bool seen = false;
        for (int i = 0; i < n; i++) seen |= out[i] == rgb;
        if (!seen && n < max) out[n++] = rgb;
    }
    return n;
}

static long rgb_of(struct vs_rgb c)
{
    return ((long)(c.r * 255 + 0.5) << 16) | ((long)(c.g * 255 + 0.5) << 8) | (long)(c.b * 255 + 0.5);
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
    /* The batch group (build) is scored by its completion time, and says so. */
    char *rsvg = render_svg_of(c, "relative-words");
    /* The engines' fills, to compare with the categories' below. */
    long engine_fills[64];
    int n_engine_fills = svg_fills(rsvg, engine_fills, 64);
    bool batch = false;
    for (uint32_t g = 0; g < r.runs[0].n_groups; g++) batch |= r.runs[0].groups[g].batch;
    assert_true(batch);
    assert_non_null(strstr(rsvg, "(completion time)</text>"));
    free(rsvg);
    vs_chart_breakdown(&r, VS_METRIC_SHARE, c);
    for (uint32_t k = 0; k < c->n_points; k++) {
        double sum = 0;
        for (uint32_t s = 0; s < c->n_series; s++) sum += c->series[s].y[k];
        assert_within_rel(sum, 100.0, 1e-9); /* the stack is the whole CPU time */
    }
    check_files(c, "breakdown");
    /* Per request: a bar per engine and group, whose stack is that group's
     * CPU time over its completed requests, in microseconds. */
    vs_chart_breakdown(&r, VS_METRIC_US, c);
    assert_int_equal(c->n_points, r.n_runs * r.runs[0].n_groups);
    assert_true(c->bar_panels);
    for (uint32_t i = 0; i < c->n_points; i++) {
        const struct vs_guest_result *g = NULL;
        for (uint32_t k = 0; k < r.n_runs; k++)
            for (uint32_t j = 0; j < r.runs[k].n_groups; j++)
                if (strcmp(r.runs[k].engine, c->categories[i]) == 0 && strncmp(c->groups[i], r.runs[k].groups[j].name,
                                                                              strlen(r.runs[k].groups[j].name)) == 0)
                    g = &r.runs[k].groups[j];
        assert_non_null(g);
        double sum = 0;
        for (uint32_t s = 0; s < c->n_series; s++) sum += c->series[s].y[i];
        if (g->completed) assert_within_rel(sum, vs_guest_cpu_ns(g) / (double)g->completed / 1e3, 1e-9);
    }
    char *svg = render_svg_of(c, "breakdown-us");
    assert_non_null(strstr(svg, ">guest user</text>")); /* the legend in words */
    assert_null(strstr(svg, ">guest_user<"));
    /* Engines and CPU categories never share a colour: no fill of the
     * breakdown (categories) is a fill of the relative chart (engines:
     * native, qemu, xen-pv, kvm, lxc, five approaches), and each side has a
     * colour per approach, per category drawn. */
    long cat_fills[64];
    int n_cat_fills = svg_fills(svg, cat_fills, 64);
    assert_true(n_engine_fills >= 4); /* native is near-black: not counted */
    assert_true(n_cat_fills >= 6);
    for (int i = 0; i < n_cat_fills; i++)
        for (int j = 0; j < n_engine_fills; j++) assert_int_not_equal(cat_fills[i], engine_fills[j]);
    /* The kvm bars are hvm's colour, and the breakdown's guest kernel
     * (blue-ish once, like hvm) is not it. */
    bool hvm_drawn = false, kernel_drawn = false;
    for (int j = 0; j < n_engine_fills; j++) hvm_drawn |= engine_fills[j] == rgb_of(vs_palette_approach("hvm"));
    for (int i = 0; i < n_cat_fills; i++)
        kernel_drawn |= cat_fills[i] == rgb_of(vs_palette_category(VS_CAT_GUEST_KERNEL));
    assert_true(hvm_drawn && kernel_drawn);
    free(svg);
    check_files(c, "breakdown-us");
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
    assert_int_equal(c->n_panels, sc->n_engines);
    assert_int_equal(tl->n_groups, sc->n_guests);
    /* Each engine on its own clock from the start of its run: its last
     * sample is the end of its boot plus the duration, however long the
     * boot (qemu boots for tens of seconds, native not at all). */
    char *svg = render_svg_of(c, "timeline-words");
    for (uint32_t k = 0; k < tl->n_series; k++) {
        const struct vs_timeline_series *sr = &tl->series[k];
        assert_true(sr->n >= 14);
        assert_true(sr->at_ns[0] > 0);
        assert_true(sr->at_ns[sr->n - 1] == sr->booted_ns + sc->duration_ns);
        /* Per group, the rates times their intervals are whole completions. */
        for (uint32_t g = 0; g < tl->n_groups; g++) {
            double done = 0;
            for (uint32_t i = 0; i < sr->n; i++)
                done += sr->rate_per_s[g][i] * (double)(sr->at_ns[i] - (i ? sr->at_ns[i - 1] : 0)) / 1e9;
            assert_true(fabs(done - round(done)) < 1e-6);
        }
        /* Its panel is titled with its name; its guests' boots are marked
         * where they happened on its own clock (after the start for a VM,
         * before the end). */
        char head[96];
        snprintf(head, sizeof head, "<text");
        bool titled = false;
        for (const char *p = strstr(svg, head); p && !titled; p = strstr(p + 1, head)) {
            const char *gt = strchr(p, '>');
            titled = gt && strncmp(gt + 1, sr->engine, strlen(sr->engine)) == 0 &&
                     strncmp(gt + 1 + strlen(sr->engine), " (its run", 9) == 0;
        }
        assert_true(titled);
        bool boot_marked = false;
        for (uint32_t m = 0; m < c->n_marks; m++)
            if (c->mark_panel[m] == k && strstr(c->mark_label[m], "booted") &&
                c->mark_x[m] <= (double)sr->end_ns / 1e9 && (sr->booted_ns < VS_NS_PER_S || c->mark_x[m] >= 1.0))
                boot_marked = true;
        assert_true(boot_marked);
    }
    assert_true(tl->series[1].booted_ns > tl->series[0].booted_ns); /* qemu boots after native */
    assert_non_null(strstr(svg, "booted</text>"));
    free(svg);
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
    vs_chart_density(sc, dr, 2, NULL, c);
    assert_true(c->series[0].y[0] == dr[0].density);
    check_files(c, "density");
    char *dsvg = render_svg_of(c, "density-nosla");
    assert_non_null(strstr(dsvg, "no SLA: guests that start"));
    /* Each bar's value is written on the chart, with the resource that ran
     * out one guest later. */
    for (uint32_t k = 0; k < 2; k++) {
        char want[64];
        snprintf(want, sizeof want, ">%u (", dr[k].density);
        if (dr[k].limit == VS_RES_NONE && !dr[k].capped) snprintf(want, sizeof want, ">%u<", dr[k].density);
        assert_non_null(strstr(dsvg, want));
    }
    free(dsvg);
    vs_chart_density(sc, dr, 2, "p99<20ms", c);
    dsvg = render_svg_of(c, "density-sla");
    assert_non_null(strstr(dsvg, "p99&lt;20ms"));
    assert_null(strstr(dsvg, "no SLA"));
    free(dsvg);
    vs_chart_density_curve(sc, dr, 2, 20e6, c);
    assert_true(c->own_x && c->has_hline && c->hline == 20);
    uint32_t full = 0; /* what is plotted: the probes simulated in full */
    for (uint32_t i = 0; i < dr[0].n_points; i++)
        full += dr[0].points[i].basis == VS_PROBE_FULL && !dr[0].points[i].failed;
    assert_int_equal(c->series[0].n, full);
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

/* A small chart by hand: two engines' bars over three categories. */
static void fixture(struct vs_chart *c, const char *const *engines, uint32_t n)
{
    memset(c, 0, sizeof *c);
    snprintf(c->title, sizeof c->title, "Tiles & <friends>");
    snprintf(c->x_label, sizeof c->x_label, "where");
    snprintf(c->y_label, sizeof c->y_label, "how many (per s)");
    c->style = VS_CHART_GROUPED_BARS;
    c->n_points = 3;
    for (uint32_t i = 0; i < 3; i++) snprintf(c->categories[i], sizeof c->categories[i], "place %u", i);
    c->n_series = n;
    for (uint32_t s = 0; s < n; s++) {
        snprintf(c->series[s].name, sizeof c->series[s].name, "%s", engines[s]);
        vs_chart_style_engine(&c->series[s], engines[s]);
        for (uint32_t i = 0; i < 3; i++) c->series[s].y[i] = 10.0 + s + i;
    }
}

static void test_svg_text_and_size(void **state)
{
    (void)state;
    struct vs_chart *c = malloc(sizeof *c);
    static const char *const two[] = {"native", "kvm"};
    fixture(c, two, 2);
    char *svg = render_svg_of(c, "words");
    /* The words are text, not outlines: searchable and editable. */
    assert_true(has_text(svg, "Tiles &amp; &lt;friends&gt;"));
    assert_true(has_text(svg, "where"));
    assert_true(has_text(svg, "how many (per s)"));
    assert_true(has_text(svg, "native") && has_text(svg, "kvm"));
    assert_true(has_text(svg, "place 0") && has_text(svg, "place 2"));
    assert_null(strstr(svg, "glyph"));
    assert_non_null(strstr(svg, "width=\"1280px\" height=\"720px\""));
    free(svg);
    /* A PDF page at 96 px per inch: 1280 x 720 px is 960 x 540 pt (13.33 x 7.5 in). */
    char path[256];
    struct vs_error err;
    snprintf(path, sizeof path, "%s/size.pdf", dir);
    assert_int_equal(vs_chart_render(c, path, 1280, 720, &err), VS_OK);
    size_t len;
    char *pdf = slurp(path, &len);
    bool found = false;
    for (size_t i = 0; i + 25 < len && !found; i++) found = memcmp(pdf + i, "/MediaBox [ 0 0 960 540 ]", 25) == 0;
    assert_true(found);
    free(pdf);
    unlink(path);
    free(c);
}

static long colour_of_chart(const char *const *engines, uint32_t n, const char *name, char *path, size_t plen)
{
    struct vs_chart *c = malloc(sizeof *c);
    struct vs_error err;
    fixture(c, engines, n);
    snprintf(path, plen, "%s/%s.png", dir, name);
    assert_int_equal(vs_chart_render(c, path, 800, 450, &err), VS_OK);
    free(c);
    return dominant_colour(path);
}

static void test_stable_colours(void **state)
{
    (void)state;
    char alone[256], among[256], first[256], other[256], pv[256];
    static const char *const kvm[] = {"kvm"}, *const three[] = {"native", "qemu", "kvm"},
                             *const kvm_lxc[] = {"kvm", "lxc"}, *const qemu[] = {"qemu"}, *const xen[] = {"xen-pv"};
    long k = colour_of_chart(kvm, 1, "kvm", alone, sizeof alone);
    assert_true(k >= 0);
    /* kvm's bars are drawn in its colour whether it is third or first. */
    colour_of_chart(three, 3, "three", among, sizeof among);
    colour_of_chart(kvm_lxc, 2, "kvm-lxc", first, sizeof first);
    unsigned n_alone = pixels_of(alone, k);
    assert_true(pixels_of(among, k) > n_alone / 6);
    assert_true(pixels_of(first, k) > n_alone / 4);
    /* Other approaches are other colours. */
    long q = colour_of_chart(qemu, 1, "qemu", other, sizeof other);
    long x = colour_of_chart(xen, 1, "xen", pv, sizeof pv);
    assert_true(q != k && x != k && x != q);
    assert_true(pixels_of(among, q) > 0);
    assert_int_equal(pixels_of(first, q), 0);
    unlink(alone), unlink(among), unlink(first), unlink(other), unlink(pv);
}

static void test_log_axis(void **state)
{
    (void)state;
    struct vs_chart *c = calloc(1, sizeof *c);
    snprintf(c->title, sizeof c->title, "log");
    c->style = VS_CHART_LINES;
    c->n_points = 4;
    c->n_series = 1;
    snprintf(c->series[0].name, sizeof c->series[0].name, "p99");
    static const double ys[] = {0.5, 5, 50, 500};
    for (uint32_t i = 0; i < 4; i++) c->x[i] = i + 1, c->series[0].y[i] = ys[i];
    char *svg = render_svg_of(c, "linear");
    assert_true(has_text(svg, "200")); /* round steps on a linear axis */
    free(svg);
    c->log_y = true;
    svg = render_svg_of(c, "log");
    /* A log axis: decades, from the one under the least value to the one over the most. */
    assert_true(has_text(svg, "0.1") && has_text(svg, "1") && has_text(svg, "10") && has_text(svg, "100") &&
                has_text(svg, "1000"));
    assert_false(has_text(svg, "200"));
    free(svg);
    free(c);
}

struct box {
    double x0, y0, x1, y1;
};

static bool boxes_overlap(struct box a, struct box b)
{
    const double e = 0.5; /* half a pixel of anti-aliasing */
    return a.x0 < b.x1 - e && b.x0 < a.x1 - e && a.y0 < b.y1 - e && b.y0 < a.y1 - e;
}

/* The bars of an SVG: filled rectangles ("M x0 y0 L x1 y0 L x1 y1 L x0 y1 Z")
 * in a colour that is not white. */
static uint32_t svg_bars(const char *svg, struct box *out, uint32_t max)
{
    uint32_t n = 0;
    for (const char *p = strstr(svg, "<path"); p && n < max; p = strstr(p + 1, "<path")) {
        const char *end = strchr(p, '>'), *fill = strstr(p, "fill:rgb("), *d = strstr(p, " d=\"");
        if (!end || !fill || !d || fill > end || d > end || strncmp(fill, "fill:rgb(100%,100%,100%)", 24) == 0) continue;
        double x0, y0, x1, y1, x2, y2, x3, y3;
        if (sscanf(d, " d=\"M %lf %lf L %lf %lf L %lf %lf L %lf %lf Z", &x0, &y0, &x1, &y1, &x2, &y2, &x3, &y3) != 8) continue;
        if (y0 != y1 || x1 != x2 || y2 != y3 || x3 != x0) continue;
        out[n++] = (struct box){fmin(x0, x1), fmin(y0, y2), fmax(x0, x1), fmax(y0, y2)};
    }
    return n;
}

/* The space a <text> takes, generously (0.65 em a character, ascent 0.8,
 * descent 0.25), upright when rotated by -90. */
static struct box svg_text_box(const char *t, const char *content, size_t len)
{
    double x = 0, y = 0, size = 0;
    sscanf(strstr(t, " x=\""), " x=\"%lf\" y=\"%lf\"", &x, &y);
    sscanf(strstr(t, "font-size=\""), "font-size=\"%lf", &size);
    double w = 0.65 * size * (double)len;
    const char *anchor = strstr(t, "text-anchor=\"");
    double a = anchor && strncmp(anchor + 13, "middle", 6) == 0 ? 0.5 : anchor && strncmp(anchor + 13, "end", 3) == 0 ? 1 : 0;
    (void)content;
    const char *rot = strstr(t, "rotate(");
    if (rot && rot < strchr(t, '>')) return (struct box){x - 0.8 * size, y - w * (1 - a), x + 0.25 * size, y + w * a};
    return (struct box){x - w * a, y - 0.8 * size, x + w * (1 - a), y + 0.25 * size};
}

static void test_labels_clear_of_bars(void **state)
{
    (void)state;
    /* Eight engines over three groups: narrow bars, so labels go upright;
     * then two engines, wide bars, labels across. */
    static const char *const eight[] = {"native", "qemu", "bochs", "xen-pv", "uml", "kvm", "hvm-shadow", "lxc"};
    static const uint32_t counts[] = {8, 2};
    for (int k = 0; k < 2; k++) {
        uint32_t n = counts[k];
        struct vs_chart *c = malloc(sizeof *c);
        fixture(c, eight, n);
        c->value_labels = true;
        snprintf(c->value_format, sizeof c->value_format, "%%.2f");
        for (uint32_t s = 0; s < n; s++)
            for (uint32_t i = 0; i < 3; i++) c->series[s].y[i] = 0.05 + 0.17 * ((s * 7 + i * 3) % 8);
        char *svg = render_svg_of(c, "labels");
        struct box bars[256], labels[64];
        uint32_t nb = svg_bars(svg, bars, 256), nl = 0;
        assert_true(nb >= 3 * n);
        for (const char *t = strstr(svg, "<text"); t && nl < 64; t = strstr(t + 1, "<text")) {
            const char *gt = strchr(t, '>'), *close = strstr(t, "</text>");
            char words[64];
            size_t len = (size_t)(close - gt - 1);
            snprintf(words, sizeof words, "%.*s", (int)len, gt + 1);
            char *end;
            strtod(words, &end);
            if (len < 4 || *end || !strchr(words, '.')) continue; /* a value label: "0.56" */
            labels[nl++] = svg_text_box(t, words, len);
        }
        assert_int_equal(nl, 3 * n);
        for (uint32_t l = 0; l < nl; l++) {
            for (uint32_t b = 0; b < nb; b++) assert_false(boxes_overlap(labels[l], bars[b]));
            for (uint32_t m = l + 1; m < nl; m++) assert_false(boxes_overlap(labels[l], labels[m]));
        }
        free(svg);
        free(c);
    }
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

static void test_tradeoff(void **state)
{
    (void)state;
    struct vs_scenario *sc = malloc(sizeof *sc);
    struct vs_error err;
    struct vs_density_setup ds = {.workload = "web-server", .approaches = "kvm,lxc", .vcpus = 2,
                                  .duration_ns = 300 * VS_NS_PER_MS};
    char skipped[256];
    assert_int_equal(vs_density_workload_scenario(&ds, sc, skipped, sizeof skipped, &err), VS_OK);
    struct vs_density_opts o = {.max_guests = 64};
    assert_int_equal(vs_sla_parse("p99<1ms", &o.slas[0], &err), VS_OK);
    o.n_slas = 1;
    struct vs_density_result r[3];
    assert_int_equal(vs_tradeoff_run(sc, &o, r, &err), VS_OK);
    struct vs_chart *c = malloc(sizeof *c);
    vs_chart_tradeoff(sc, r, 3, "p99<1ms", c);
    assert_true(c->style == VS_CHART_LINES && c->own_x && c->log_x);
    assert_int_equal(c->n_series, 3);
    double x[3];
    for (int k = 0; k < 3; k++) {
        const struct vs_chart_series *s = &c->series[k];
        assert_int_equal(s->n, 1);
        assert_true(s->y[0] == r[k].density);
        double ratio = vs_tradeoff_cost_total_ns(&r[k]) / vs_tradeoff_cost_total_ns(&r[0]), noise;
        assert_within_rel(vs_tradeoff_cost_ratio(&r[k], &r[0], &noise), ratio, 1e-12);
        assert_true(s->x[0] == (fabs(ratio - 1) <= noise ? 1.0 : ratio));
        x[k] = s->x[0];
    }
    assert_true(x[0] == 1.0);
    assert_true(x[1] > x[2] && x[2] >= 1.0); /* kvm's exits cost more than lxc's namespaces */
    char *svg = render_svg_of(c, "tradeoff");
    assert_non_null(strstr(svg, "SLA p99&lt;1ms"));
    assert_true(has_text(svg, "CPU per operation over native's (log scale)"));
    /* Each point says its density, its limit and its cost; the labels sit
     * right of their points, so their order left to right is the cost's. */
    double label_x[3];
    for (int k = 0; k < 3; k++) {
        char want[128];
        snprintf(want, sizeof want, "%.32s: %u guests (%s), %.2fx", r[k].engine, r[k].density,
                 r[k].limit == VS_RES_NIC ? "NIC" : r[k].limit == VS_RES_CPU ? "CPU" : r[k].limit == VS_RES_MEMORY ? "memory" : "disk",
                 x[k]);
        assert_false(r[k].capped);
        if (!has_text(svg, want)) print_error("no label '%s'\n", want);
        assert_true(has_text(svg, want));
        char tag[160];
        snprintf(tag, sizeof tag, ">%s</text>", want);
        const char *end = strstr(svg, tag);
        const char *open = end;
        while (open > svg && strncmp(open, "<text", 5) != 0) open--;
        assert_int_equal(sscanf(strstr(open, " x=\""), " x=\"%lf\"", &label_x[k]), 1);
    }
    assert_true(label_x[1] > label_x[2] && label_x[2] >= label_x[0]);
    free(svg);
    /* No cost, no point; no native, absolute microseconds. */
    r[2].cost_ops = 0;
    vs_chart_tradeoff(sc, r, 3, NULL, c);
    assert_int_equal(c->n_series, 2);
    assert_non_null(strstr(c->title, "no SLA"));
    check_files(c, "tradeoff"); /* SVG, PDF, PNG valid, the CSV beside them */
    vs_chart_tradeoff(sc, r + 1, 1, NULL, c);
    assert_int_equal(c->n_series, 1);
    assert_non_null(strstr(c->x_label, "(us"));
    assert_within_rel(c->series[0].x[0], vs_tradeoff_cost_total_ns(&r[1]) / 1e3, 1e-12);
    free(c);
    free(sc);
}

/* sRGB relative luminance (WCAG). */
static double lin(double v) { return v <= 0.03928 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4); }
static double luminance(struct vs_rgb c) { return 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b); }

/* The palette's families: every approach is darker than every CPU
 * category (so an engine is never taken for a category, in colour or on
 * a greyscale printout), the resources share no colour with either, and
 * two categories that are neighbours in a stacked bar differ clearly (a
 * distance in RGB, or in lightness). */
static void test_palette_families(void **state)
{
    (void)state;
    static const char *const approaches[] = {"native", "emulation", "paravirt", "hvm", "oslevel", "other"};
    double darkest_cat = 1, lightest_app = 0;
    for (int c = 0; c < VS_CAT_IDLE; c++) {
        double l = luminance(vs_palette_category((enum vs_cpu_cat)c));
        if (l < darkest_cat) darkest_cat = l;
    }
    for (int a = 0; a < 6; a++) {
        double l = luminance(vs_palette_approach(approaches[a]));
        if (l > lightest_app) lightest_app = l;
    }
    assert_true(lightest_app < darkest_cat);
    for (int r = 0; r < VS_PAL_RESOURCES; r++) {
        long rc = rgb_of(vs_palette_resource((enum vs_palette_resource)r));
        for (int c = 0; c < VS_CAT_COUNT; c++) assert_int_not_equal(rc, rgb_of(vs_palette_category((enum vs_cpu_cat)c)));
        for (int a = 0; a < 6; a++) assert_int_not_equal(rc, rgb_of(vs_palette_approach(approaches[a])));
        for (int q = 0; q < r; q++) assert_int_not_equal(rc, rgb_of(vs_palette_resource((enum vs_palette_resource)q)));
    }
    for (int c = 1; c < VS_CAT_IDLE; c++) {
        struct vs_rgb a = vs_palette_category((enum vs_cpu_cat)(c - 1)), b = vs_palette_category((enum vs_cpu_cat)c);
        double d = sqrt((a.r - b.r) * (a.r - b.r) + (a.g - b.g) * (a.g - b.g) + (a.b - b.b) * (a.b - b.b));
        assert_true(d > 0.3);
    }
    /* 8-colour terminals: neighbours never share a colour either. */
    for (int c = 1; c < VS_CAT_IDLE; c++)
        assert_int_not_equal(vs_palette_category_ansi((enum vs_cpu_cat)(c - 1)),
                             vs_palette_category_ansi((enum vs_cpu_cat)c));
}

/* The hosts chart colours each resource by what it is: its fills are the
 * resources' colours, memory's wherever memory is drawn. */
static void test_hosts_resource_colours(void **state)
{
    (void)state;
    struct vs_results r;
    memset(&r, 0, sizeof r);
    snprintf(r.scenario, sizeof r.scenario, "res");
    r.n_runs = 1;
    r.runs = calloc(1, sizeof *r.runs);
    snprintf(r.runs[0].engine, sizeof r.runs[0].engine, "kvm");
    r.runs[0].host.cpu_utilisation = 0.5;
    r.runs[0].host.mem_capacity_bytes = 100;
    r.runs[0].host.mem_used_bytes = 70;
    r.runs[0].host.disk_utilisation = 0.3;
    r.runs[0].host.nic_rx_utilisation = 0.2;
    r.runs[0].host.nic_tx_utilisation = 0.1;
    struct vs_chart *c = malloc(sizeof *c);
    vs_chart_hosts(&r, c);
    char *svg = render_svg_of(c, "hosts-colours");
    long fills[64];
    int n = svg_fills(svg, fills, 64);
    for (int k = 0; k < VS_PAL_RESOURCES; k++) {
        bool found = false;
        for (int i = 0; i < n; i++) found |= fills[i] == rgb_of(vs_palette_resource((enum vs_palette_resource)k));
        assert_true(found);
    }
    for (uint32_t s = 0; s < c->n_series; s++)
        if (strcmp(c->series[s].name, "memory") == 0)
            assert_int_equal(rgb_of(c->series[s].color), rgb_of(vs_palette_resource(VS_PAL_MEMORY)));
    free(svg);
    free(c);
    free(r.runs);
}

/* A trace chart's words stay inside the figure in SVG (where cairo does not
 * clip text): every line measured in the font it is drawn in ends within
 * the width, long step descriptions shortened with an ellipsis but their
 * time and place kept; with many steps the figure grows taller. */
static void test_trace_text_fits(void **state)
{
    (void)state;
    struct vs_trace_opts o = {.operation = "fork-exec"};
    struct vs_trace_report *tr = malloc(sizeof *tr);
    struct vs_error err;
    assert_int_equal(vs_trace_run(&o, tr, &err), VS_OK);
    char path[256];
    snprintf(path, sizeof path, "%s/trace.svg", dir);
    assert_int_equal(vs_trace_chart(tr, path, 1280, 720, &err), VS_OK);
    size_t len;
    char *svg = slurp(path, &len);
    unlink(path);
    snprintf(path, sizeof path, "%s/trace.csv", dir);
    unlink(path);
    assert_true(xml_well_formed(svg));
    double width = 0, height = 0;
    const char *tag = strstr(svg, "<svg");
    assert_non_null(tag);
    assert_int_equal(sscanf(strstr(tag, "width=\""), "width=\"%lfpx\" height=\"%lfpx\"", &width, &height), 2);
    assert_true(width == 1280 && height > 720);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 4, 4);
    cairo_t *cr = cairo_create(s);
    int ellipsized = 0, lines = 0;
    for (const char *p = strstr(svg, "<text"); p; p = strstr(p + 1, "<text")) {
        double x = 0, fs = 0;
        const char *xa = strstr(p, " x=\""), *fa = strstr(p, "font-size=\""), *open_end = strchr(p, '>');
        const char *close = strstr(p, "</text>");
        assert_true(xa && fa && open_end && close);
        sscanf(xa, " x=\"%lf\"", &x);
        sscanf(fa, "font-size=\"%lf\"", &fs);
        char words[600];
        size_t n = 0;
        for (const char *q = open_end + 1; q < close && n + 1 < sizeof words; q++) {
            if (*q == '&') { /* the five XML entities */
                const char *semi = strchr(q, ';');
                words[n++] = strncmp(q, "&lt;", 4) == 0 ? '<' : strncmp(q, "&gt;", 4) == 0 ? '>'
                             : strncmp(q, "&quot;", 6) == 0 ? '"' : strncmp(q, "&apos;", 6) == 0 ? '\'' : '&';
                q = semi;
            } else {
                words[n++] = *q;
            }
        }
        words[n] = '\0';
        bool bold = strstr(p, "font-weight=\"bold\"") && strstr(p, "font-weight=\"bold\"") < open_end;
        cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                               bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
        cairo_set_font_size(cr, fs);
        cairo_text_extents_t e;
        cairo_text_extents(cr, words, &e);
        const char *anchor = strstr(p, "text-anchor=\"");
        double left = x, right = x + e.x_advance;
        if (anchor && anchor < open_end && strncmp(anchor, "text-anchor=\"middle\"", 19) == 0)
            left = x - e.x_advance / 2, right = x + e.x_advance / 2;
        if (anchor && anchor < open_end && strncmp(anchor, "text-anchor=\"end\"", 16) == 0)
            left = x - e.x_advance, right = x;
        assert_true(left >= -0.5 && right <= width + 0.5);
        if (strchr(words, '.') && strstr(words, "[")) {
            lines++;
            assert_true(words[strlen(words) - 1] == ')'); /* its time and place, whole */
            if (strstr(words, "\u2026")) ellipsized++;
        }
    }
    assert_true(lines > 40);
    assert_true(ellipsized > 0);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    free(svg);
    free(tr);
}

/* One probe of a made-up search. */
static void add_probe(struct vs_density_result *r, uint32_t guests, enum vs_probe_basis basis, double p99_ms, bool ok)
{
    struct vs_density_point *p = &r->points[r->n_points++];
    memset(p, 0, sizeof *p);
    p->guests = guests;
    p->basis = basis;
    p->ok = ok;
    p->p99_ns = (int64_t)(p99_ms * 1e6);
    p->throughput_per_guest = basis == VS_PROBE_MEMORY ? 0 : 100;
    p->measured_ns = basis == VS_PROBE_FULL ? VS_NS_PER_S : basis == VS_PROBE_EARLY ? 200 * VS_NS_PER_MS : 0;
    if (basis == VS_PROBE_MEMORY) p->failed = 1;
}

/* The segments "M x y L x y ..." of an SVG path's d attribute: each L's
 * horizontal span from the point before it, at most max. */
static uint32_t path_spans(const char *path, double *spans, uint32_t max)
{
    const char *d = strstr(path, " d=\"");
    uint32_t n = 0;
    if (!d) return 0;
    d += 4;
    double px = 0;
    const char *end = strchr(d, '"');
    while (d < end) {
        char op;
        double x, y;
        int used;
        if (sscanf(d, " %c %lf %lf%n", &op, &x, &y, &used) != 3) break;
        if (op == 'L' && n < max) spans[n++] = fabs(x - px);
        px = x;
        d += used;
    }
    return n;
}

/* A search that galloped (16 -> 244) and one stopped by memory (8 -> 90,
 * 91 not simulated), with an early probe (243) whose figures must not be
 * drawn: its p99 is made absurd so that drawing it would show. */
static void test_density_curve_honest(void **state)
{
    (void)state;
    struct vs_scenario *sc = calloc(1, sizeof *sc);
    snprintf(sc->guests[0].workload.name, sizeof sc->guests[0].workload.name, "web");
    snprintf(sc->hosts[0].spec.name, sizeof sc->hosts[0].spec.name, "current");
    sc->n_guests = 1;
    struct vs_density_result *r = calloc(2, sizeof *r);
    snprintf(r[0].engine, sizeof r[0].engine, "native");
    snprintf(r[1].engine, sizeof r[1].engine, "kvm");
    static const uint32_t doubling[] = {1, 2, 4, 8, 16};
    /* p99s that differ, so that no two segments are collinear (cairo would merge them) */
    for (int i = 0; i < 5; i++) add_probe(&r[0], doubling[i], VS_PROBE_FULL, 0.35 + 0.5 * i, true);
    add_probe(&r[0], 243, VS_PROBE_EARLY, 900, true);
    add_probe(&r[0], 244, VS_PROBE_FULL, 19, true);
    add_probe(&r[0], 245, VS_PROBE_FULL, 30, false);
    r[0].density = 244;
    r[0].limit = VS_RES_NIC;
    for (int i = 0; i < 4; i++) add_probe(&r[1], doubling[i], VS_PROBE_FULL, 0.42 + 0.7 * i, true);
    add_probe(&r[1], 90, VS_PROBE_FULL, 0.43, true);
    add_probe(&r[1], 91, VS_PROBE_MEMORY, 0, false);
    r[1].density = 90;
    r[1].limit = VS_RES_MEMORY;
    struct vs_chart *c = malloc(sizeof *c);
    vs_chart_density_curve(sc, r, 2, 20e6, c);
    uint32_t join = vs_chart_curve_join(245);
    assert_int_equal(join, 16);
    /* Only full probes, each a marker. */
    assert_true(c->every_marker);
    assert_int_equal(c->series[0].n, 7);
    assert_int_equal(c->series[1].n, 5);
    for (uint32_t i = 0; i < c->series[0].n; i++) assert_true(c->series[0].x[i] != 243);
    for (uint32_t i = 0; i < c->series[1].n; i++) assert_true(c->series[1].x[i] != 91);
    /* The gaps: where the search jumped, and only there. */
    for (uint32_t s = 0; s < 2; s++)
        for (uint32_t i = 1; i < c->series[s].n; i++)
            assert_int_equal(c->series[s].gap[i], c->series[s].x[i] - c->series[s].x[i - 1] > join);
    assert_true(c->series[0].gap[5] && c->series[1].gap[4]);
    assert_non_null(strstr(c->subtitle, "not simulated between probes"));
    assert_non_null(strstr(c->series[1].end_label, "memory full, guest 91 cannot start"));
    /* The CSV holds the plotted probes only. */
    char *csv = NULL;
    size_t clen = 0;
    FILE *m = open_memstream(&csv, &clen);
    vs_chart_write_csv(c, m);
    fclose(m);
    assert_null(strstr(csv, ",243,"));
    assert_null(strstr(csv, ",91,"));
    assert_non_null(strstr(csv, "native,244,19"));
    free(csv);

    /* What is drawn: one faint dotted segment per jump (two), and no solid
     * segment of a series longer than join guests on the axis. */
    char *svg = render_svg_of(c, "curve-gaps");
    assert_true(has_text(svg, "not simulated"));
    double dotted[8], dx0 = 0;
    uint32_t n_dotted = 0;
    for (const char *p = strstr(svg, "<path"); p; p = strstr(p + 1, "<path")) {
        const char *e = strchr(p, '>');
        char style[512];
        snprintf(style, sizeof style, "%.*s", (int)(e - p), p);
        if (strstr(style, "stroke-opacity:0.55") && strstr(style, "stroke-dasharray")) {
            double sp[4];
            uint32_t k = path_spans(style, sp, 4);
            for (uint32_t i = 0; i < k && n_dotted < 8; i++) dotted[n_dotted++] = sp[i];
        }
    }
    assert_int_equal(n_dotted, 2);
    /* pixels per guest, from native's jump 16 -> 244 or kvm's 8 -> 90 */
    dx0 = dotted[0] > dotted[1] ? dotted[0] / (244 - 16) : dotted[1] / (244 - 16);
    assert_within_rel(dotted[0] > dotted[1] ? dotted[1] : dotted[0], dx0 * (90 - 8), 0.02);
    uint32_t n_solid = 0;
    for (const char *p = strstr(svg, "<path"); p; p = strstr(p + 1, "<path")) {
        const char *e = strchr(p, '>');
        char style[4096];
        snprintf(style, sizeof style, "%.*s", (int)(e - p), p);
        /* the series' lines (0.35 of a unit wide), inside the plot (the legend's swatches lie right of it) */
        const char *d = strstr(style, " d=\"M ");
        if (!strstr(style, "stroke-width:4.48;") || strstr(style, "dasharray") || !d || atof(d + 6) > 1280 - 22 * 12.8)
            continue;
        double sp[64];
        uint32_t k = path_spans(style, sp, 64);
        for (uint32_t i = 0; i < k; i++) {
            n_solid++;
            assert_true(sp[i] <= dx0 * join + 0.5);
        }
    }
    assert_true(n_solid >= 4 + 1 + 3); /* native 1..16 and 244..245, kvm 1..8 */
    free(svg);

    /* Through the density JSON, as `virtsim chart --kind density-curve`
     * reads it: the basis comes back, so the early probe stays undrawn. */
    struct vs_density_opts o = {.max_guests = 256};
    char path[256];
    snprintf(path, sizeof path, "%s/curve.json", dir);
    FILE *f = fopen(path, "w");
    struct vs_error err;
    assert_int_equal(vs_density_write_json(f, sc, &o, r, 2, &err), VS_OK);
    fclose(f);
    struct vs_scenario *sc2 = calloc(1, sizeof *sc2);
    struct vs_density_result *back = NULL;
    int rc = vs_json_load_density(path, sc2, &back, &err);
    if (rc != VS_OK) print_error("%s\n", err.message);
    assert_int_equal(rc, VS_OK);
    unlink(path);
    assert_int_equal(back[0].points[5].basis, VS_PROBE_EARLY);
    assert_int_equal(back[1].points[5].basis, VS_PROBE_MEMORY);
    vs_chart_density_curve(sc2, back, 2, 20e6, c);
    assert_int_equal(c->series[0].n, 7);
    assert_true(c->series[0].gap[5]);
    free(back);
    free(sc2);
    free(c);
    free(r);
    free(sc);
}

int main(void)
{
    assert_non_null(mkdtemp(dir));
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_relative_and_breakdown),
        cmocka_unit_test(test_timeline),
        cmocka_unit_test(test_sweep_and_density),
        cmocka_unit_test(test_tradeoff),
        cmocka_unit_test(test_hosts),
        cmocka_unit_test(test_hosts_shapes),
        cmocka_unit_test(test_svg_text_and_size),
        cmocka_unit_test(test_stable_colours),
        cmocka_unit_test(test_log_axis),
        cmocka_unit_test(test_labels_clear_of_bars),
        cmocka_unit_test(test_bad_output),
        cmocka_unit_test(test_palette_families),
        cmocka_unit_test(test_hosts_resource_colours),
        cmocka_unit_test(test_trace_text_fits),
        cmocka_unit_test(test_density_curve_honest),
    };
    int rc = cmocka_run_group_tests_name("chart", tests, NULL, NULL);
    rmdir(dir);
    return rc;
}
