/* Charts (see chart.h). One drawing routine on a cairo context serves SVG,
 * PDF and PNG alike. Lecture quality: a title, axis labels, ticks at round
 * numbers, a legend, fonts sized to the figure, and the Okabe-Ito palette
 * (readable by colour-blind readers) doubled with hatching on bars and
 * marker shapes on lines, so the chart survives a greyscale printout. */
#include "virtsim/out/chart.h"
#include "virtsim/out/scores.h"
#include "virtsim/out/trace.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "virtsim/out/results.h"
#include "virtsim/out/output.h"
#include "virtsim/out/report.h"

static const double palette[8][3] = {
    {0.902, 0.624, 0.000}, /* orange */
    {0.337, 0.706, 0.914}, /* sky blue */
    {0.000, 0.620, 0.451}, /* bluish green */
    {0.000, 0.447, 0.698}, /* blue */
    {0.835, 0.369, 0.000}, /* vermillion */
    {0.800, 0.475, 0.655}, /* reddish purple */
    {0.941, 0.894, 0.259}, /* yellow */
    {0.300, 0.300, 0.300}, /* grey */
};

int vs_chart_parse_kind(const char *name, enum vs_chart_kind *out)
{
    static const char *const names[] = {"relative", "breakdown", "sweep",        "timeline",
                                        "density",  "density-curve", "hosts",    "migration"};
    for (int i = 0; i < 8; i++)
        if (strcmp(name, names[i]) == 0) {
            *out = (enum vs_chart_kind)i;
            return VS_OK;
        }
    return VS_ERR_INPUT;
}

int vs_chart_parse_metric(const char *name, enum vs_chart_metric *out)
{
    static const char *const names[] = {"throughput", "p50", "p99", "cpu"};
    for (int i = 0; i < 4; i++)
        if (strcmp(name, names[i]) == 0) {
            *out = (enum vs_chart_metric)i;
            return VS_OK;
        }
    return VS_ERR_INPUT;
}

/* Round tick spacing: 1, 2 or 5 times a power of ten, about `target` ticks. */
static double nice_step(double range, int target)
{
    if (!(range > 0)) return 1;
    double raw = range / target, mag = pow(10, floor(log10(raw))), f = raw / mag;
    return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * mag;
}

/* One style for a whole axis (its largest value decides), so ticks never mix
 * "8000" and "10k". */
static void tick_label(double v, double step, double axis_max, char *buf, size_t len)
{
    if (v == 0) snprintf(buf, len, "0");
    else if (axis_max >= 1e6) snprintf(buf, len, "%gM", v / 1e6);
    else if (axis_max >= 1e4) snprintf(buf, len, "%gk", v / 1e3);
    else if (step >= 1) snprintf(buf, len, "%.0f", v);
    else snprintf(buf, len, "%.*f", (int)ceil(-log10(step)), v);
}

/* Text aligned on the font's ascent and descent, not the glyphs' own
 * extents, so labels with and without descenders share a baseline. */
static void text(cairo_t *cr, double x, double y, const char *s, double align_x, double align_y)
{
    cairo_text_extents_t e;
    cairo_font_extents_t fe;
    cairo_text_extents(cr, s, &e);
    cairo_font_extents(cr, &fe);
    double baseline = y + fe.ascent - (fe.ascent + fe.descent) * align_y;
    cairo_move_to(cr, x - e.x_advance * align_x, baseline);
    cairo_show_text(cr, s);
}

/* Diagonal hatching inside a rectangle, angle chosen per series. */
static void hatch(cairo_t *cr, double x, double y, double w, double h, int series, double unit)
{
    int kind = series % 6;
    if (kind == 0 || w <= 0 || h <= 0) return;
    cairo_save(cr);
    cairo_rectangle(cr, x, y, w, h);
    cairo_clip(cr);
    cairo_set_source_rgba(cr, 0, 0, 0, 0.45);
    cairo_set_line_width(cr, unit * 0.12);
    double gap = unit * 0.8;
    if (kind == 4)
        for (double d = gap / 2; d < h; d += gap) {
            cairo_move_to(cr, x, y + d);
            cairo_line_to(cr, x + w, y + d);
        }
    if (kind == 5)
        for (double d = gap / 2; d < w; d += gap) {
            cairo_move_to(cr, x + d, y);
            cairo_line_to(cr, x + d, y + h);
        }
    for (double d = -h; kind < 4 && d < w + h; d += gap) {
        if (kind == 1 || kind == 3) {
            cairo_move_to(cr, x + d, y + h);
            cairo_line_to(cr, x + d + h, y);
        }
        if (kind == 2 || kind == 3) {
            cairo_move_to(cr, x + d, y);
            cairo_line_to(cr, x + d + h, y + h);
        }
    }
    cairo_stroke(cr);
    cairo_restore(cr);
}

static void marker(cairo_t *cr, double x, double y, int series, double r)
{
    switch (series % 5) {
    case 0: cairo_arc(cr, x, y, r, 0, 2 * M_PI); break;
    case 1: cairo_rectangle(cr, x - r, y - r, 2 * r, 2 * r); break;
    case 2:
        cairo_move_to(cr, x, y - r * 1.2);
        cairo_line_to(cr, x + r * 1.1, y + r * 0.8);
        cairo_line_to(cr, x - r * 1.1, y + r * 0.8);
        cairo_close_path(cr);
        break;
    case 3:
        cairo_move_to(cr, x, y - r * 1.3);
        cairo_line_to(cr, x + r * 1.3, y);
        cairo_line_to(cr, x, y + r * 1.3);
        cairo_line_to(cr, x - r * 1.3, y);
        cairo_close_path(cr);
        break;
    default:
        cairo_move_to(cr, x - r, y - r);
        cairo_line_to(cr, x + r, y + r);
        cairo_move_to(cr, x + r, y - r);
        cairo_line_to(cr, x - r, y + r);
        cairo_stroke(cr);
        return;
    }
    cairo_fill(cr);
}

static void draw(const struct vs_chart *c, cairo_t *cr, double W, double H)
{
    double u = W / 100.0; /* one unit: 1 % of the width; every size follows it */
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
    cairo_set_font_size(cr, 2.6 * u);
    cairo_set_source_rgb(cr, 0, 0, 0);
    text(cr, W / 2, 2.5 * u, c->title, 0.5, 0);
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    double fs = 1.8 * u;
    cairo_set_font_size(cr, fs);

    /* Plot area, leaving room for the legend on the right. */
    bool grouped = c->style != VS_CHART_LINES && c->n_points && c->groups[0][0];
    double left = 10 * u, right = W - 22 * u, top = 7 * u, bottom = H - (grouped ? 11.5 : 9) * u;
    double ymin = 0, ymax = 0, xmin = 0, xmax = 1;
    for (uint32_t s = 0; s < c->n_series; s++) {
        uint32_t n = c->own_x || c->series[s].n ? c->series[s].n : c->n_points;
        for (uint32_t i = 0; i < n; i++) {
            if (c->style != VS_CHART_STACKED_BARS && c->series[s].y[i] > ymax) ymax = c->series[s].y[i];
            if (c->has_interval && c->series[s].hi[i] > ymax) ymax = c->series[s].hi[i];
        }
    }
    if (c->style == VS_CHART_STACKED_BARS)
        for (uint32_t i = 0; i < c->n_points; i++) {
            double sum = 0;
            for (uint32_t s = 0; s < c->n_series; s++) sum += c->series[s].y[i];
            if (sum > ymax) ymax = sum;
        }
    if (c->has_hline && c->hline > ymax) ymax = c->hline;
    if (!(ymax > 0)) ymax = 1;
    double ystep = nice_step(ymax, 5);
    /* Headroom above the tallest bar or point, except for a stack of
     * percentages, whose top is 100 by construction. */
    ymax = ceil(ymax * (c->style == VS_CHART_STACKED_BARS ? 1.0 : 1.05) / ystep - 1e-9) * ystep;
    if (c->style == VS_CHART_LINES && c->own_x) {
        bool first = true;
        for (uint32_t s = 0; s < c->n_series; s++)
            for (uint32_t i = 0; i < c->series[s].n; i++) {
                double x = c->series[s].x[i];
                if (first || x < xmin) xmin = x;
                if (first || x > xmax) xmax = x;
                first = false;
            }
        if (xmax <= xmin) xmax = xmin + 1;
    } else if (c->style == VS_CHART_LINES && c->n_points > 0) {
        xmin = xmax = c->x[0];
        for (uint32_t i = 0; i < c->n_points; i++) {
            if (c->x[i] < xmin) xmin = c->x[i];
            if (c->x[i] > xmax) xmax = c->x[i];
        }
        if (xmax <= xmin) xmax = xmin + 1;
    }
#define PX(v) (left + ((v) - xmin) / (xmax - xmin) * (right - left))
#define PY(v) (bottom - ((v) - ymin) / (ymax - ymin) * (bottom - top))

    /* Grid and y ticks. */
    cairo_set_line_width(cr, 0.08 * u);
    for (double v = 0; v <= ymax + ystep * 1e-9; v += ystep) {
        cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
        cairo_move_to(cr, left, PY(v));
        cairo_line_to(cr, right, PY(v));
        cairo_stroke(cr);
        char lab[32];
        tick_label(v, ystep, ymax, lab, sizeof lab);
        cairo_set_source_rgb(cr, 0, 0, 0);
        text(cr, left - 0.8 * u, PY(v), lab, 1, 0.5);
    }
    /* x ticks: categories under their groups, or round numbers. */
    if (c->style == VS_CHART_LINES) {
        double xstep = nice_step(xmax - xmin, 6);
        for (double v = ceil(xmin / xstep) * xstep; v <= xmax + xstep * 1e-9; v += xstep) {
            char lab[32];
            tick_label(v, xstep, xmax, lab, sizeof lab);
            text(cr, PX(v), bottom + 0.8 * u, lab, 0.5, 0);
        }
    } else {
        double slot = (right - left) / (c->n_points ? c->n_points : 1);
        for (uint32_t i = 0; i < c->n_points; i++)
            text(cr, left + slot * (i + 0.5), bottom + 0.8 * u, c->categories[i], 0.5, 0);
        /* The second level: each run of equal group names labelled once
         * under a bracket, and a faint line between runs. */
        for (uint32_t i = 0, end; grouped && i < c->n_points; i = end) {
            for (end = i + 1; end < c->n_points && strcmp(c->groups[end], c->groups[i]) == 0; end++) {}
            double x0 = left + slot * i, x1 = left + slot * end;
            cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
            cairo_set_line_width(cr, 0.12 * u);
            cairo_move_to(cr, x0 + 0.1 * slot, bottom + 3.4 * u);
            cairo_line_to(cr, x1 - 0.1 * slot, bottom + 3.4 * u);
            cairo_stroke(cr);
            if (i > 0) {
                cairo_set_source_rgb(cr, 0.75, 0.75, 0.75);
                cairo_move_to(cr, x0, top);
                cairo_line_to(cr, x0, bottom + 3.4 * u);
                cairo_stroke(cr);
            }
            cairo_set_source_rgb(cr, 0, 0, 0);
            text(cr, (x0 + x1) / 2, bottom + 3.9 * u, c->groups[i], 0.5, 0);
        }
    }
    /* Axes and their labels. */
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.15 * u);
    cairo_move_to(cr, left, top);
    cairo_line_to(cr, left, bottom);
    cairo_line_to(cr, right, bottom);
    cairo_stroke(cr);
    text(cr, (left + right) / 2, H - 3.5 * u, c->x_label, 0.5, 0);
    cairo_save(cr);
    cairo_translate(cr, 2.5 * u, (top + bottom) / 2);
    cairo_rotate(cr, -M_PI / 2);
    text(cr, 0, 0, c->y_label, 0.5, 0.5);
    cairo_restore(cr);

    /* Data. */
    if (c->style == VS_CHART_LINES) {
        for (uint32_t s = 0; s < c->n_series; s++) {
            const double *col = palette[s % 8];
            uint32_t n = c->own_x || c->series[s].n ? c->series[s].n : c->n_points;
            const double *xs = c->own_x ? c->series[s].x : c->x;
            cairo_set_source_rgb(cr, col[0], col[1], col[2]);
            cairo_set_line_width(cr, 0.35 * u);
            for (uint32_t i = 0; i < n; i++) {
                if (i == 0) cairo_move_to(cr, PX(xs[i]), PY(c->series[s].y[i]));
                else cairo_line_to(cr, PX(xs[i]), PY(c->series[s].y[i]));
            }
            cairo_stroke(cr);
            /* Enough markers to tell the lines apart in grey, not so many
             * that they hide the line; staggered between series. */
            uint32_t every = n > 16 ? n / 12 : 1;
            for (uint32_t i = (s * every / (c->n_series ? c->n_series : 1)) % every; i < n; i += every)
                marker(cr, PX(xs[i]), PY(c->series[s].y[i]), (int)s, 0.55 * u);
        }
    } else {
        double slot = (right - left) / (c->n_points ? c->n_points : 1);
        double group_w = slot * 0.8;
        for (uint32_t i = 0; i < c->n_points; i++) {
            double base = 0;
            for (uint32_t s = 0; s < c->n_series; s++) {
                double v = c->series[s].y[i];
                double x, w, y0, y1;
                if (c->style == VS_CHART_GROUPED_BARS) {
                    w = group_w / (c->n_series ? c->n_series : 1);
                    x = left + slot * i + slot * 0.1 + w * s;
                    y0 = 0;
                    y1 = v;
                } else {
                    w = group_w;
                    x = left + slot * i + slot * 0.1;
                    y0 = base;
                    y1 = base + v;
                    base = y1;
                }
                const double *col = palette[s % 8];
                cairo_set_source_rgb(cr, col[0], col[1], col[2]);
                cairo_rectangle(cr, x, PY(y1), w * 0.95, PY(y0) - PY(y1));
                cairo_fill(cr);
                hatch(cr, x, PY(y1), w * 0.95, PY(y0) - PY(y1), (int)s, u);
                if (c->has_interval && !isnan(c->series[s].lo[i]) && !isnan(c->series[s].hi[i])) {
                    /* The 95 % interval: a whisker with caps. */
                    double cx = x + w * 0.95 / 2, cap = w * 0.2;
                    cairo_set_source_rgb(cr, 0, 0, 0);
                    cairo_set_line_width(cr, 0.18 * u);
                    cairo_move_to(cr, cx, PY(c->series[s].lo[i]));
                    cairo_line_to(cr, cx, PY(c->series[s].hi[i]));
                    cairo_move_to(cr, cx - cap, PY(c->series[s].lo[i]));
                    cairo_line_to(cr, cx + cap, PY(c->series[s].lo[i]));
                    cairo_move_to(cr, cx - cap, PY(c->series[s].hi[i]));
                    cairo_line_to(cr, cx + cap, PY(c->series[s].hi[i]));
                    cairo_stroke(cr);
                }
            }
        }
    }
    /* Reference line and event marks. */
    if (c->has_hline) {
        double dash[] = {1.2 * u, 0.8 * u};
        cairo_set_source_rgb(cr, 0.8, 0, 0);
        cairo_set_line_width(cr, 0.25 * u);
        cairo_set_dash(cr, dash, 2, 0);
        cairo_move_to(cr, left, PY(c->hline));
        cairo_line_to(cr, right, PY(c->hline));
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        text(cr, right - 0.5 * u, PY(c->hline) - 0.6 * u, c->hline_label, 1, 1);
    }
    for (uint32_t m = 0; m < c->n_marks && c->style == VS_CHART_LINES; m++) {
        double dash[] = {0.5 * u, 0.5 * u};
        cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
        cairo_set_line_width(cr, 0.12 * u);
        cairo_set_dash(cr, dash, 2, 0);
        cairo_move_to(cr, PX(c->mark_x[m]), top);
        cairo_line_to(cr, PX(c->mark_x[m]), bottom);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        cairo_set_font_size(cr, 1.4 * u);
        text(cr, PX(c->mark_x[m]) + 0.4 * u, top + 1.5 * u * (1 + m % 4), c->mark_label[m], 0, 0.5);
        cairo_set_font_size(cr, fs);
    }
    /* Legend: swatch (colour + hatching, or line + marker) and name. */
    double ly = top + u;
    for (uint32_t s = 0; s < c->n_series; s++, ly += 3 * u) {
        const double *col = palette[s % 8];
        double lx = right + 2 * u;
        cairo_set_source_rgb(cr, col[0], col[1], col[2]);
        if (c->style == VS_CHART_LINES) {
            cairo_set_line_width(cr, 0.35 * u);
            cairo_move_to(cr, lx, ly);
            cairo_line_to(cr, lx + 3 * u, ly);
            cairo_stroke(cr);
            marker(cr, lx + 1.5 * u, ly, (int)s, 0.55 * u);
        } else {
            cairo_rectangle(cr, lx, ly - u, 3 * u, 2 * u);
            cairo_fill(cr);
            hatch(cr, lx, ly - u, 3 * u, 2 * u, (int)s, u);
        }
        cairo_set_source_rgb(cr, 0, 0, 0);
        text(cr, lx + 4 * u, ly, c->series[s].name, 0, 0.5);
    }
#undef PX
#undef PY
}

static cairo_status_t write_to_file(void *closure, const unsigned char *data, unsigned int length)
{
    return fwrite(data, 1, length, closure) == length ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

/* Cairo draws SVG text as glyph outlines; the title, axis labels and series
 * names (and the bars' category labels) also go into <title> and <desc> so
 * the file is searchable and accessible. */
static void xml_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '<') fputs("&lt;", f);
        else if (*s == '>') fputs("&gt;", f);
        else if (*s == '&') fputs("&amp;", f);
        else fputc(*s, f);
    }
}

/* What a chart shows, in words, for the SVG's <desc>: axes, series and bar
 * labels (drawn as outlines like the rest). Caller frees. */
static char *chart_desc(const struct vs_chart *c)
{
    char *desc = NULL;
    size_t dlen = 0;
    FILE *m = open_memstream(&desc, &dlen);
    if (!m) return NULL;
    fprintf(m, "x: %s; y: %s; series:", c->x_label, c->y_label);
    for (uint32_t s = 0; s < c->n_series; s++) fprintf(m, "%s%s", s ? ", " : " ", c->series[s].name);
    for (uint32_t i = 0; c->style != VS_CHART_LINES && i < c->n_points; i++) {
        fputs(i ? ", " : "; categories: ", m);
        if (c->groups[i][0]) fprintf(m, "%s/", c->groups[i]);
        fputs(c->categories[i], m);
    }
    fclose(m);
    return desc;
}

/* The SVG with a <title> and a <desc> after its opening tag, so the text a
 * chart shows can be found and read without rendering it. Caller frees. */
static char *svg_with_metadata(const char *title, const char *desc, const char *svg, size_t len, size_t *out_len)
{
    const char *open = strstr(svg, "<svg");
    const char *end = open ? strchr(open, '>') : NULL;
    if (!end) return NULL;
    char *meta = NULL;
    size_t mlen = 0;
    FILE *m = open_memstream(&meta, &mlen);
    if (!m) return NULL;
    fputs("\n<title>", m);
    xml_text(m, title);
    fputs("</title>\n<desc>", m);
    xml_text(m, desc ? desc : "");
    fputs("</desc>", m);
    fclose(m);
    size_t head = (size_t)(end + 1 - svg);
    char *out = malloc(len + mlen + 1);
    if (out) {
        memcpy(out, svg, head);
        memcpy(out + head, meta, mlen);
        memcpy(out + head + mlen, svg + head, len - head);
        *out_len = len + mlen;
    }
    free(meta);
    return out;
}

typedef void (*draw_fn)(const void *what, cairo_t *cr, double width, double height);

/* The chart's type from the file's name. */
enum chart_type { SVG, PDF, PNG };

static int chart_type(const char *path, enum chart_type *type, struct vs_error *err)
{
    size_t plen = strlen(path);
    if (plen > 4 && strcmp(path + plen - 4, ".svg") == 0) *type = SVG;
    else if (plen > 4 && strcmp(path + plen - 4, ".pdf") == 0) *type = PDF;
    else if (plen > 4 && strcmp(path + plen - 4, ".png") == 0) *type = PNG;
    else return vs_error_set(err, VS_ERR_INPUT, path, 0, 0, "the chart's file must end in .svg, .pdf or .png");
    return VS_OK;
}

/* Draws with `draw` into an output already open (the type from its path),
 * without committing it. */
static int render_to(struct vs_output *out, double width, double height, draw_fn draw_what, const void *what,
                     const char *title, const char *desc, struct vs_error *err)
{
    enum chart_type type;
    int rc = chart_type(out->path, &type, err);
    if (rc != VS_OK) return rc;
    if (!(width >= 200 && width <= 10000 && height >= 100 && height <= 10000))
        return vs_error_set(err, VS_ERR_INPUT, NULL, 0, 0, "chart size %gx%g: expected 200..10000 x 100..10000", width, height);
    char *buf = NULL;
    size_t blen = 0;
    FILE *mem = type == SVG ? open_memstream(&buf, &blen) : NULL;
    cairo_surface_t *surf;
    if (type == SVG) surf = cairo_svg_surface_create_for_stream(write_to_file, mem, width, height);
    else if (type == PDF) surf = cairo_pdf_surface_create_for_stream(write_to_file, out->file, width, height);
    else surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)width, (int)height);
    cairo_t *cr = cairo_create(surf);
    draw_what(what, cr, width, height);
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    if (type == PNG && st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_write_to_png_stream(surf, write_to_file, out->file);
    cairo_surface_finish(surf);
    if (st == CAIRO_STATUS_SUCCESS) st = cairo_surface_status(surf);
    cairo_surface_destroy(surf);
    if (mem) {
        fclose(mem);
        size_t olen = 0;
        char *svg = st == CAIRO_STATUS_SUCCESS ? svg_with_metadata(title, desc, buf, blen, &olen) : NULL;
        if (svg) fwrite(svg, 1, olen, out->file);
        else if (st == CAIRO_STATUS_SUCCESS) st = CAIRO_STATUS_NO_MEMORY;
        free(svg);
        free(buf);
    }
    if (st != CAIRO_STATUS_SUCCESS)
        return vs_error_set(err, VS_ERR_RUNTIME, out->path, 0, 0, "drawing the chart failed: %s",
                            cairo_status_to_string(st));
    return VS_OK;
}

/* Draws with `draw` to path (.svg, .pdf or .png), through a temporary file
 * and a rename. */
static int render(const char *path, double width, double height, draw_fn draw_what, const void *what,
                  const char *title, const char *desc, struct vs_error *err)
{
    enum chart_type type;
    int rc = chart_type(path, &type, err);
    if (rc != VS_OK) return rc;
    struct vs_output out;
    rc = vs_output_open(path, &out, err);
    if (rc != VS_OK) return rc;
    rc = render_to(&out, width, height, draw_what, what, title, desc, err);
    if (rc != VS_OK) {
        vs_output_abort(&out);
        return rc;
    }
    return vs_output_commit(&out, err);
}

static void draw_chart(const void *what, cairo_t *cr, double width, double height)
{
    draw(what, cr, width, height);
}

int vs_chart_render(const struct vs_chart *c, const char *path, double width, double height,
                    struct vs_error *err)
{
    char *desc = chart_desc(c);
    int rc = render(path, width, height, draw_chart, c, c->title, desc, err);
    free(desc);
    return rc;
}

int vs_chart_render_to(const struct vs_chart *c, struct vs_output *out, double width, double height,
                       struct vs_error *err)
{
    char *desc = chart_desc(c);
    int rc = render_to(out, width, height, draw_chart, c, c->title, desc, err);
    free(desc);
    return rc;
}

void vs_chart_write_csv(const struct vs_chart *c, FILE *f)
{
    if (c->own_x) {
        /* Series with their own x values: one row per point, long format. */
        fputs("series,", f);
        vs_report_csv_field(f, c->x_label);
        fputc(',', f);
        vs_report_csv_field(f, c->y_label);
        fputc('\n', f);
        for (uint32_t s = 0; s < c->n_series; s++)
            for (uint32_t i = 0; i < c->series[s].n; i++) {
                vs_report_csv_field(f, c->series[s].name);
                fprintf(f, ",%.17g,%.17g\n", c->series[s].x[i], c->series[s].y[i]);
            }
        return;
    }
    bool grouped = c->style != VS_CHART_LINES && c->n_points && c->groups[0][0];
    if (grouped) {
        vs_report_csv_field(f, c->group_name[0] ? c->group_name : "group");
        fputc(',', f);
    }
    vs_report_csv_field(f, c->style == VS_CHART_LINES ? c->x_label
                           : c->category_name[0]      ? c->category_name
                                                      : "category");
    for (uint32_t s = 0; s < c->n_series; s++) {
        fputc(',', f);
        vs_report_csv_field(f, c->series[s].name);
    }
    fputc('\n', f);
    for (uint32_t i = 0; i < c->n_points; i++) {
        if (grouped) {
            vs_report_csv_field(f, c->groups[i]);
            fputc(',', f);
        }
        if (c->style == VS_CHART_LINES) fprintf(f, "%.17g", c->x[i]);
        else vs_report_csv_field(f, c->categories[i]);
        for (uint32_t s = 0; s < c->n_series; s++) {
            if (c->style == VS_CHART_LINES && c->series[s].n && i >= c->series[s].n) fputc(',', f);
            else fprintf(f, ",%.17g", c->series[s].y[i]);
        }
        fputc('\n', f);
    }
}

/* ---- chart kinds ---- */

void vs_chart_relative(const struct vs_results *r, struct vs_chart *c)
{
    memset(c, 0, sizeof *c);
    const struct vs_scores *sc = &r->scores;
    const char *base = r->n_runs ? r->runs[sc->groups ? sc->baseline : 0].engine : "-";
    snprintf(c->title, sizeof c->title, "Against %s: %s", base, r->scenario);
    snprintf(c->x_label, sizeof c->x_label, "guest group (the figure that fits its load)");
    if (sc->reps > 1)
        snprintf(c->y_label, sizeof c->y_label, "score, 1.00 = %.30s, higher is better (95 %% interval)", base);
    else
        snprintf(c->y_label, sizeof c->y_label, "score, 1.00 = %.30s, higher is better", base);
    c->style = VS_CHART_GROUPED_BARS;
    c->has_hline = true;
    c->hline = 1.0;
    c->has_interval = sc->reps > 1;
    snprintf(c->hline_label, sizeof c->hline_label, "%s", base);
    if (r->n_runs == 0 || !sc->groups) return;
    c->n_points = sc->n_groups < VS_CHART_MAX_POINTS ? sc->n_groups : VS_CHART_MAX_POINTS;
    for (uint32_t i = 0; i < c->n_points; i++) {
        /* The category says what the bar measures: CPU per request is shown
         * as native's cost over this one's, so that higher is better on
         * every bar. */
        enum vs_score_kind kind = vs_scores_at(sc, sc->baseline, i)->kind;
        snprintf(c->categories[i], sizeof c->categories[i], "%.20s (%s)", r->runs[0].groups[i].name,
                 kind == VS_SCORE_COST ? "1/cpu per req" : vs_score_kind_name(kind));
    }
    c->n_series = r->n_runs < VS_CHART_MAX_SERIES ? r->n_runs : VS_CHART_MAX_SERIES;
    for (uint32_t k = 0; k < c->n_series; k++) {
        snprintf(c->series[k].name, sizeof c->series[k].name, "%s", r->runs[k].engine);
        for (uint32_t i = 0; i < c->n_points; i++) {
            const struct vs_estimate *e = &vs_scores_at(sc, k, i)->score;
            /* Noise is not a difference: an interval holding 1 is drawn at 1. */
            c->series[k].y[i] = isnan(e->mean) ? 0 : vs_estimate_holds(e, 1.0) ? 1.0 : e->mean;
            c->series[k].lo[i] = e->low;
            c->series[k].hi[i] = e->high;
        }
    }
}

void vs_chart_breakdown(const struct vs_results *r, struct vs_chart *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->title, sizeof c->title, "Where the CPU time went: %s", r->scenario);
    snprintf(c->x_label, sizeof c->x_label, "engine");
    snprintf(c->y_label, sizeof c->y_label, "share of the guests' CPU time (%%)");
    c->style = VS_CHART_STACKED_BARS;
    c->n_points = r->n_runs < VS_CHART_MAX_POINTS ? r->n_runs : VS_CHART_MAX_POINTS;
    for (uint32_t k = 0; k < c->n_points; k++) snprintf(c->categories[k], sizeof c->categories[k], "%.40s", r->runs[k].engine);
    for (int cat = 0; cat < VS_CAT_IDLE; cat++) {
        struct vs_chart_series *s = &c->series[c->n_series];
        snprintf(s->name, sizeof s->name, "%s", vs_cat_name((enum vs_cpu_cat)cat));
        bool used = false;
        for (uint32_t k = 0; k < c->n_points; k++) {
            double total = 0, part = 0;
            for (uint32_t g = 0; g < r->runs[k].n_groups; g++)
                for (int x = 0; x < VS_CAT_IDLE; x++) {
                    total += r->runs[k].groups[g].cpu_ns[x];
                    if (x == cat) part += r->runs[k].groups[g].cpu_ns[x];
                }
            s->y[k] = total > 0 ? 100.0 * part / total : 0;
            if (s->y[k] > 0) used = true;
        }
        if (used) c->n_series++;
    }
}

void vs_chart_sweep(const struct vs_scenario *sc, const struct vs_results *pts, uint32_t n,
                    enum vs_chart_metric metric, struct vs_chart *c)
{
    static const char *const what[] = {"throughput", "median latency", "p99 latency", "host CPU"};
    static const char *const unit[] = {"throughput (requests/s)", "p50 latency (ms)", "p99 latency (ms)",
                                       "host CPU utilisation (%)"};
    memset(c, 0, sizeof *c);
    snprintf(c->title, sizeof c->title, "%.50s: %s as %.70s varies", sc->name, what[metric], sc->sweep.param);
    snprintf(c->x_label, sizeof c->x_label, "%.90s", sc->sweep.param);
    snprintf(c->y_label, sizeof c->y_label, "%.40s %s", metric == VS_METRIC_CPU ? "" : sc->guests[0].name, unit[metric]);
    c->style = VS_CHART_LINES;
    c->n_points = n < VS_CHART_MAX_POINTS ? n : VS_CHART_MAX_POINTS;
    c->n_series = sc->n_engines < VS_CHART_MAX_SERIES ? sc->n_engines : VS_CHART_MAX_SERIES;
    for (uint32_t k = 0; k < c->n_series; k++) snprintf(c->series[k].name, sizeof c->series[k].name, "%s", sc->engines[k]);
    for (uint32_t i = 0; i < c->n_points; i++) {
        c->x[i] = sc->sweep.values[i];
        for (uint32_t k = 0; k < c->n_series && k < pts[i].n_runs; k++) {
            const struct vs_run_result *r = &pts[i].runs[k];
            const struct vs_guest_result *g = r->n_groups ? &r->groups[0] : NULL;
            double v = 0;
            if (metric == VS_METRIC_THROUGHPUT && g) v = g->throughput_per_s;
            else if (metric == VS_METRIC_P50 && g) v = (double)g->latency.p50_ns / 1e6;
            else if (metric == VS_METRIC_P99 && g) v = (double)g->latency.p99_ns / 1e6;
            else if (metric == VS_METRIC_CPU) v = 100.0 * r->host.cpu_utilisation;
            c->series[k].y[i] = v;
        }
    }
}

void vs_chart_density(const struct vs_scenario *sc, const struct vs_density_result *r, uint32_t n,
                      struct vs_chart *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->title, sizeof c->title, "Guests per host: %.40s on %.40s", sc->guests[0].workload.name, sc->hosts[0].spec.name);
    snprintf(c->x_label, sizeof c->x_label, "workload");
    snprintf(c->y_label, sizeof c->y_label, "guests meeting every SLA");
    c->style = VS_CHART_GROUPED_BARS;
    c->n_points = 1;
    snprintf(c->categories[0], sizeof c->categories[0], "%.40s", sc->guests[0].workload.name);
    c->n_series = n < VS_CHART_MAX_SERIES ? n : VS_CHART_MAX_SERIES;
    for (uint32_t k = 0; k < c->n_series; k++) {
        snprintf(c->series[k].name, sizeof c->series[k].name, "%s", r[k].engine);
        c->series[k].y[0] = r[k].density;
    }
}

void vs_chart_density_curve(const struct vs_scenario *sc, const struct vs_density_result *r, uint32_t n,
                            double p99_sla_ns, struct vs_chart *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->title, sizeof c->title, "p99 latency as guests are added: %.40s on %.40s",
             sc->guests[0].workload.name, sc->hosts[0].spec.name);
    snprintf(c->x_label, sizeof c->x_label, "guests on the host");
    snprintf(c->y_label, sizeof c->y_label, "p99 latency (ms)");
    c->style = VS_CHART_LINES;
    c->own_x = true;
    c->n_series = n < VS_CHART_MAX_SERIES ? n : VS_CHART_MAX_SERIES;
    for (uint32_t k = 0; k < c->n_series; k++) {
        struct vs_chart_series *s = &c->series[k];
        snprintf(s->name, sizeof s->name, "%s", r[k].engine);
        /* Probes where guests failed to start have no latency to show. */
        for (uint32_t i = 0; i < r[k].n_points && s->n < VS_CHART_MAX_POINTS; i++)
            if (r[k].points[i].failed == 0) {
                s->x[s->n] = r[k].points[i].guests;
                s->y[s->n] = (double)r[k].points[i].p99_ns / 1e6;
                s->n++;
            }
        if (s->n > c->n_points) c->n_points = s->n;
    }
    if (p99_sla_ns > 0) {
        c->has_hline = true;
        c->hline = p99_sla_ns / 1e6;
        snprintf(c->hline_label, sizeof c->hline_label, "SLA p99 < %g ms", p99_sla_ns / 1e6);
    }
}

/* The hosts of a run: its hosts[], or its whole-run host when it has none
 * (a results file read back without them). */
static const struct vs_host_result *run_host(const struct vs_run_result *run, uint32_t h)
{
    return run->n_hosts ? &run->hosts[h] : &run->host;
}

static void put_host_bars(struct vs_chart *c, const struct vs_host_result *h)
{
    uint32_t i = c->n_points++;
    c->series[0].y[i] = 100.0 * h->cpu_utilisation;
    c->series[1].y[i] = h->mem_capacity_bytes > 0 ? 100.0 * h->mem_used_bytes / h->mem_capacity_bytes : 0;
    c->series[2].y[i] = 100.0 * h->disk_utilisation;
    c->series[3].y[i] = 100.0 * h->nic_rx_utilisation;
    c->series[4].y[i] = 100.0 * h->nic_tx_utilisation;
}

void vs_chart_hosts(const struct vs_results *r, struct vs_chart *c)
{
    memset(c, 0, sizeof *c);
    /* Utilisation in % of each resource's capacity puts CPU, memory, disk
     * and NIC on one axis, so the resource that runs out first shows. */
    static const char *const resources[] = {"CPU", "memory", "disk", "NIC receive", "NIC transmit"};
    c->style = VS_CHART_GROUPED_BARS;
    c->n_series = 5;
    for (uint32_t s = 0; s < c->n_series; s++) snprintf(c->series[s].name, sizeof c->series[s].name, "%s", resources[s]);
    snprintf(c->y_label, sizeof c->y_label, "utilisation (%% of the resource's capacity)");
    uint32_t runs = r->n_runs, hosts = r->n_runs && r->runs[0].n_hosts ? r->runs[0].n_hosts : 1;
    if (runs == 0) {
        snprintf(c->title, sizeof c->title, "Host utilisation by resource: %s", r->scenario);
        return;
    }
    if (hosts == 1) {
        /* One host: a group per engine, the same host under each. */
        const struct vs_host_result *h0 = run_host(&r->runs[0], 0);
        snprintf(c->title, sizeof c->title, "Host utilisation by resource: %.60s (host %.40s)", r->scenario,
                 h0->name);
        snprintf(c->x_label, sizeof c->x_label, "engine");
        snprintf(c->category_name, sizeof c->category_name, "engine");
        for (uint32_t k = 0; k < runs && c->n_points < VS_CHART_MAX_POINTS; k++) {
            snprintf(c->categories[c->n_points], sizeof c->categories[0], "%.40s", r->runs[k].engine);
            put_host_bars(c, run_host(&r->runs[k], 0));
        }
        return;
    }
    /* Several hosts: each engine's hosts side by side, engines as the
     * second level, while that stays readable; else the first engine. */
    if (hosts * runs > VS_CHART_HOSTS_MAX_BARS) runs = 1;
    if (hosts > VS_CHART_HOSTS_MAX_BARS) hosts = VS_CHART_HOSTS_MAX_BARS;
    snprintf(c->category_name, sizeof c->category_name, "host");
    if (runs == 1) {
        char part[48] = "";
        if (hosts < r->runs[0].n_hosts) snprintf(part, sizeof part, " (the first %u of %u hosts)", hosts, r->runs[0].n_hosts);
        snprintf(c->title, sizeof c->title, "Host utilisation by resource under %.30s: %.60s%s", r->runs[0].engine,
                 r->scenario, part);
        snprintf(c->x_label, sizeof c->x_label, "host");
    } else {
        snprintf(c->title, sizeof c->title, "Host utilisation by resource: %.60s", r->scenario);
        snprintf(c->x_label, sizeof c->x_label, "host, under each engine");
        snprintf(c->group_name, sizeof c->group_name, "engine");
    }
    for (uint32_t k = 0; k < runs; k++)
        for (uint32_t h = 0; h < hosts && h < r->runs[k].n_hosts; h++) {
            uint32_t i = c->n_points;
            snprintf(c->categories[i], sizeof c->categories[0], "%.40s", r->runs[k].hosts[h].name);
            if (runs > 1) snprintf(c->groups[i], sizeof c->groups[0], "%.40s", r->runs[k].engine);
            put_host_bars(c, &r->runs[k].hosts[h]);
        }
}

void vs_chart_timeline(const struct vs_timeline *tl, struct vs_chart *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->title, sizeof c->title, "%s: throughput over time", tl->scenario);
    snprintf(c->x_label, sizeof c->x_label, "simulated time since the guests booted (s), the same for every engine");
    snprintf(c->y_label, sizeof c->y_label, "throughput, all guests (requests/s)");
    c->style = VS_CHART_LINES;
    /* Each engine's time counts from the end of its own boot, so the
     * timeline's events line up; each line has its own sample times. */
    c->own_x = true;
    c->n_series = tl->n_series < VS_CHART_MAX_SERIES ? tl->n_series : VS_CHART_MAX_SERIES;
    for (uint32_t k = 0; k < c->n_series; k++) {
        const struct vs_timeline_series *s = &tl->series[k];
        snprintf(c->series[k].name, sizeof c->series[k].name, "%s", s->engine);
        uint32_t n = s->n < VS_CHART_MAX_POINTS ? s->n : VS_CHART_MAX_POINTS;
        for (uint32_t i = 0; i < n; i++) {
            c->series[k].x[i] = (double)s->at_ns[i] / 1e9;
            c->series[k].y[i] = s->rate_per_s[i];
        }
        c->series[k].n = n;
        if (n > c->n_points) {
            c->n_points = n;
            for (uint32_t i = 0; i < n; i++) c->x[i] = c->series[k].x[i];
        }
    }
    for (uint32_t m = 0; m < tl->n_marks && m < VS_CHART_MAX_MARKS; m++) {
        c->mark_x[m] = (double)tl->mark_ns[m] / 1e9;
        snprintf(c->mark_label[m], sizeof c->mark_label[m], "%s", tl->mark_label[m]);
        c->n_marks++;
    }
}

void vs_chart_migration(const struct vs_migration_view *v, enum vs_chart_metric metric, struct vs_chart *c)
{
    memset(c, 0, sizeof *c);
    bool tput = metric == VS_METRIC_THROUGHPUT;
    snprintf(c->title, sizeof c->title, "%.50s: %s of %.50s through its migration", v->scenario,
             tput ? "throughput" : "p99 latency", v->group);
    snprintf(c->x_label, sizeof c->x_label, "simulated time since the guests booted (s)");
    if (tput)
        snprintf(c->y_label, sizeof c->y_label, "requests/s of %.30s (per %.0f ms step)", v->group,
                 (double)v->step_ns / 1e6);
    else
        snprintf(c->y_label, sizeof c->y_label, "p99 latency of %.20s (ms, per %.0f ms step, to a factor of 2)", v->group,
                 (double)v->step_ns / 1e6);
    c->style = VS_CHART_LINES;
    c->own_x = true;
    c->n_series = v->n_series < VS_CHART_MAX_SERIES ? v->n_series : VS_CHART_MAX_SERIES;
    for (uint32_t k = 0; k < c->n_series; k++) {
        const struct vs_migration_series *s = &v->series[k];
        snprintf(c->series[k].name, sizeof c->series[k].name, "%s", s->engine);
        uint32_t m = 0;
        for (uint32_t i = 0; i < s->n && m < VS_CHART_MAX_POINTS; i++) {
            double y = tput ? s->rate_per_s[i] : s->p99_ns[i] / 1e6;
            if (!isfinite(y)) continue; /* no request completed in that step */
            c->series[k].x[m] = (double)s->at_ns[i] / 1e9;
            c->series[k].y[m] = y;
            m++;
        }
        c->series[k].n = m;
        if (m > c->n_points) {
            c->n_points = m;
            for (uint32_t i = 0; i < m; i++) c->x[i] = c->series[k].x[i];
        }
    }
    /* The start (the same for every engine), then each engine's switch-over
     * and end. */
    for (uint32_t k = 0; k < v->n_series && c->n_marks + 3 <= VS_CHART_MAX_MARKS; k++) {
        const struct vs_migration_series *s = &v->series[k];
        if (!s->has_migration) continue;
        const struct vs_migration_record *r = &s->migration;
        if (k == 0) {
            c->mark_x[c->n_marks] = (double)r->start_ns / 1e9;
            snprintf(c->mark_label[c->n_marks++], sizeof c->mark_label[0], "migration starts (%s)", r->method);
        }
        if (r->done) {
            c->mark_x[c->n_marks] = (double)r->end_ns / 1e9;
            snprintf(c->mark_label[c->n_marks++], sizeof c->mark_label[0], "%.16s done, %.3g ms down", s->engine,
                     (double)r->downtime_ns / 1e6);
        }
    }
}

/* ---- the swim-lane chart of `virtsim trace` ---- */

/* The lanes, top to bottom: where a step runs, from the guest's process
 * down to the hardware, and the waits (no CPU) last. */
static const enum vs_cpu_cat lane_order[] = {
    VS_CAT_GUEST_USER, VS_CAT_GUEST_KERNEL, VS_CAT_TRANSLATION, VS_CAT_VMEXIT, VS_CAT_HYPERCALL,
    VS_CAT_DEVICE_MODEL, VS_CAT_HOST_KERNEL, VS_CAT_PAGE_WALK, VS_CAT_IDLE};
#define N_LANES (sizeof lane_order / sizeof lane_order[0])

/* One colour per place, the same in every trace chart. */
static const double *lane_color(enum vs_cpu_cat cat)
{
    static const double grey[3] = {0.75, 0.75, 0.75};
    switch (cat) {
    case VS_CAT_GUEST_USER: return palette[1];
    case VS_CAT_GUEST_KERNEL: return palette[3];
    case VS_CAT_TRANSLATION: return palette[0];
    case VS_CAT_VMEXIT: return palette[4];
    case VS_CAT_HYPERCALL: return palette[5];
    case VS_CAT_DEVICE_MODEL: return palette[6];
    case VS_CAT_HOST_KERNEL: return palette[2];
    case VS_CAT_PAGE_WALK: return palette[7];
    default: return grey;
    }
}

static double step_ns(const struct vs_trace_report *r, const struct vs_step *st)
{
    return st->delay_ns + vs_cycles_to_ns(&r->host.cpu, st->cycles);
}

/* A time in the unit the axis uses, to 3 significant digits. */
static void time_label(double ns, double axis_max, char *buf, size_t len)
{
    if (axis_max >= 1e6) snprintf(buf, len, "%.3g ms", ns / 1e6);
    else if (axis_max >= 1e3) snprintf(buf, len, "%.3g us", ns / 1e3);
    else snprintf(buf, len, "%.3g ns", ns);
}

static void draw_trace(const void *what, cairo_t *cr, double W, double H)
{
    const struct vs_trace_report *r = what;
    double u = W / 100.0;
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
    cairo_set_font_size(cr, 2.4 * u);
    char title[300];
    snprintf(title, sizeof title, "One %s, step by step (host %s, %.2f GHz)", r->what, r->host.name,
             r->host.cpu.frequency_hz / 1e9);
    text(cr, W / 2, 1.2 * u, title, 0.5, 0);

    /* A common time scale, so lengths compare. */
    double tmax = 0;
    uint32_t listed = 0;
    for (uint32_t k = 0; k < r->n_runs; k++) {
        const struct vs_trace_op *op = &r->runs[k].ops[0];
        double t = 0;
        for (uint32_t i = 0; i < op->steps.n_steps; i++) {
            const struct vs_step *st = &op->steps.steps[i];
            t += step_ns(r, st);
        }
        listed += op->steps.n_steps;
        if (t > tmax) tmax = t;
    }
    /* Each panel shows the lanes its own steps use (in the common order). */
    uint32_t lanes = 0;
    bool run_used[VS_MAX_ENGINES][VS_CAT_COUNT] = {{false}};
    for (uint32_t k = 0; k < r->n_runs; k++) {
        const struct vs_trace_op *op = &r->runs[k].ops[0];
        for (uint32_t i = 0; i < op->steps.n_steps; i++) {
            const struct vs_step *st = &op->steps.steps[i];
            enum vs_cpu_cat cat = st->delay_ns > 0 ? VS_CAT_IDLE : st->cat;
            if (!run_used[k][cat]) lanes++;
            run_used[k][cat] = true;
        }
    }
    if (!lanes || !(tmax > 0)) return;
    /* Many steps: list them in two columns. */
    bool two_columns = listed > 14;
    double list_lines = 0;
    for (uint32_t k = 0; k < r->n_runs; k++) {
        uint32_t n = r->runs[k].ops[0].steps.n_steps;
        list_lines += two_columns ? (n + 1) / 2 : n;
    }

    /* Vertical budget in units of u: per run a header, its lanes and its
     * numbered steps; then the time axis. Everything shrinks together when
     * there is a lot to show, and grows a little when there is room. */
    double top = 4.6 * u, axis_room = 6.0 * u;
    double units = r->n_runs * (2.4 + 0.9) + lanes * 2.6 + list_lines * 1.9;
    double scale = (H - top - axis_room) / (units * u);
    if (scale > 1.25) scale = 1.25;
    double lane_h = 2.6 * u * scale, line_h = 1.9 * u * scale;
    double fs = 1.45 * u * (scale < 0.6 ? 0.6 : scale > 1.1 ? 1.1 : scale);
    double left = 17 * u, right = W - 3 * u;
    double xscale = (right - left) / tmax;
    double tick = nice_step(tmax, 6);
    double y = top;
    for (uint32_t k = 0; k < r->n_runs; k++) {
        const struct vs_trace_run *run = &r->runs[k];
        const struct vs_trace_op *op = &run->ops[0];
        double total_ns = op->delay_ns + vs_cycles_to_ns(&r->host.cpu, op->cycles);
        char head[240], tl[32], cyc[32];
        time_label(total_ns, total_ns, tl, sizeof tl);
        snprintf(cyc, sizeof cyc, "%.0f", op->cycles);
        snprintf(head, sizeof head, "%s (%s): %s, %s cycles of CPU%s", run->engine, run->approach, tl, cyc,
                 op->delay_ns > 0 ? ", and waits" : "");
        cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
        cairo_set_font_size(cr, fs * 1.15);
        cairo_set_source_rgb(cr, 0, 0, 0);
        text(cr, 1.5 * u, y, head, 0, 0);
        y += 2.4 * u * scale;
        cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
        cairo_set_font_size(cr, fs);
        /* lanes, with the time grid across them */
        double lane_y[VS_CAT_COUNT] = {0};
        double ly = y;
        for (size_t l = 0; l < N_LANES; l++) {
            enum vs_cpu_cat cat = lane_order[l];
            if (!run_used[k][cat]) continue;
            lane_y[cat] = ly;
            cairo_set_source_rgb(cr, 0.95, 0.95, 0.95);
            cairo_rectangle(cr, left, ly, right - left, lane_h * 0.9);
            cairo_fill(cr);
            cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
            text(cr, left - 1 * u, ly + lane_h * 0.45, cat == VS_CAT_IDLE ? "waiting (no CPU)" : vs_trace_place(cat), 1,
                 0.5);
            ly += lane_h;
        }
        cairo_set_source_rgb(cr, 0.8, 0.8, 0.8);
        cairo_set_line_width(cr, 0.06 * u);
        for (double v = 0; v <= tmax * 1.0001; v += tick) {
            cairo_move_to(cr, left + v * xscale, y);
            cairo_line_to(cr, left + v * xscale, ly - lane_h * 0.1);
        }
        cairo_stroke(cr);
        /* steps in order, left to right */
        double t = 0;
        for (uint32_t i = 0; i < op->steps.n_steps; i++) {
            const struct vs_step *st = &op->steps.steps[i];
            double d = step_ns(r, st);
            enum vs_cpu_cat cat = st->delay_ns > 0 ? VS_CAT_IDLE : st->cat;
            double x0 = left + t * xscale, w = d * xscale;
            if (w < 0.25 * u) w = 0.25 * u; /* visible however short */
            const double *col = lane_color(cat);
            cairo_set_source_rgb(cr, col[0], col[1], col[2]);
            cairo_rectangle(cr, x0, lane_y[cat] + lane_h * 0.1, w, lane_h * 0.7);
            cairo_fill_preserve(cr);
            cairo_set_source_rgb(cr, 0, 0, 0);
            cairo_set_line_width(cr, 0.08 * u);
            cairo_stroke(cr);
            if (cat == VS_CAT_IDLE) hatch(cr, x0, lane_y[cat] + lane_h * 0.1, w, lane_h * 0.7, 1, u);
            char num[12];
            snprintf(num, sizeof num, "%u", i + 1);
            cairo_text_extents_t e;
            cairo_text_extents(cr, num, &e);
            cairo_set_source_rgb(cr, 0, 0, 0);
            if (e.x_advance + 0.4 * u < w) text(cr, x0 + w / 2, lane_y[cat] + lane_h * 0.45, num, 0.5, 0.5);
            else text(cr, x0 + w + 0.2 * u, lane_y[cat] + lane_h * 0.45, num, 0, 0.5);
            t += d;
        }
        y = ly + 0.2 * u * scale;
        /* the numbered steps, in words */
        uint32_t rows = two_columns ? (op->steps.n_steps + 1) / 2 : op->steps.n_steps;
        double list_top = y;
        for (uint32_t i = 0; i < op->steps.n_steps; i++) {
            const struct vs_step *st = &op->steps.steps[i];
            char line[300], tlab[32];
            time_label(step_ns(r, st), total_ns, tlab, sizeof tlab);
            snprintf(line, sizeof line, "%u.  %s%s%s%s", i + 1, st->part ? "[" : "", st->part ? st->part : "",
                     st->part ? "] " : "", st->what);
            size_t n = strlen(line);
            snprintf(line + n, sizeof line - n, " (%s, %s)", tlab, st->delay_ns > 0 ? "waiting" : vs_trace_place(st->cat));
            cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
            double cx = i < rows ? 3 * u : W / 2 + 1 * u;
            double cy = list_top + (i < rows ? i : i - rows) * line_h;
            cairo_save(cr);
            cairo_rectangle(cr, cx, cy - line_h, two_columns && i < rows ? W / 2 - 3 * u : W - cx, 3 * line_h);
            cairo_clip(cr);
            text(cr, cx, cy, line, 0, 0);
            cairo_restore(cr);
        }
        y = list_top + rows * line_h + 0.9 * u * scale;
    }
    /* the time axis under the last panel */
    double ay = y + 0.5 * u;
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.1 * u);
    cairo_move_to(cr, left, ay);
    cairo_line_to(cr, right, ay);
    cairo_stroke(cr);
    cairo_set_font_size(cr, 1.45 * u);
    for (double v = 0; v <= tmax * 1.0001; v += tick) {
        double x = left + v * xscale;
        cairo_move_to(cr, x, ay);
        cairo_line_to(cr, x, ay + 0.5 * u);
        cairo_stroke(cr);
        char lab[32];
        time_label(v, tmax, lab, sizeof lab);
        text(cr, x, ay + 0.6 * u, lab, 0.5, 0);
    }
    text(cr, left, ay + 2.6 * u, "time on this host: each step in the order it happens, on one scale for every approach",
         0, 0);
}

int vs_trace_chart(const struct vs_trace_report *r, const char *path, double width, double height,
                   struct vs_error *err)
{
    if (r->request)
        return vs_error_set(err, VS_ERR_INPUT, NULL, 0, 0,
                            "a trace chart shows one operation; --request traces have no chart (use --format)");
    char desc[4096];
    size_t used = (size_t)snprintf(desc, sizeof desc, "steps of one %s:", r->what);
    for (uint32_t k = 0; k < r->n_runs && used < sizeof desc; k++) {
        const struct vs_trace_op *op = &r->runs[k].ops[0];
        used += (size_t)snprintf(desc + used, sizeof desc - used, "%s %s:", k ? ";" : "", r->runs[k].engine);
        for (uint32_t i = 0; i < op->steps.n_steps && used < sizeof desc; i++)
            used += (size_t)snprintf(desc + used, sizeof desc - used, " %u. %s;", i + 1, op->steps.steps[i].what);
    }
    char title[300];
    snprintf(title, sizeof title, "One %s, step by step (host %s)", r->what, r->host.name);
    return render(path, width, height, draw_trace, r, title, desc, err);
}
