/* Charts (see chart.h). One drawing routine on a cairo context serves SVG,
 * PDF and PNG alike. Lecture quality: a title, axis labels, ticks at round
 * numbers, a legend, fonts sized to the figure, and the Okabe-Ito palette
 * (readable by colour-blind readers) doubled with hatching on bars and
 * marker shapes on lines, so the chart survives a greyscale printout.
 * Engines and CPU categories take their colours from out/palette.c, fixed
 * by what a series is, never by its position, so "kvm" or "VM exits" look
 * the same in every chart whatever else is drawn beside them.
 *
 * Text: cairo's SVG surface writes glyphs as outlines, which a slide
 * editor cannot edit and a search cannot find. So for SVG the drawing
 * records each piece of text (position, size, weight, colour, rotation)
 * instead of showing it, and the SVG gets real <text> elements after
 * cairo is done; PNG and PDF (whose text cairo keeps as text) show it. */
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

#include "virtsim/model/engine.h"
#include "virtsim/out/results.h"
#include "virtsim/out/output.h"
#include "virtsim/out/report.h"

/* Series that are neither engines, CPU categories nor a host's resources
 * (guest groups, named by the scenario): colours by position, the legend
 * names them. */
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

#define N_PATTERNS 8

void vs_chart_style_engine(struct vs_chart_series *s, const char *engine)
{
    const struct vs_engine_ops *ops = NULL;
    const struct vs_preset *p = vs_preset_find(engine, &ops);
    s->styled = true;
    s->color = vs_palette_approach(ops ? ops->approach : NULL);
    s->pattern = 0;
    if (!p || !ops) return;
    /* The preset's place among every preset of its approach, in the
     * registry's order: fixed, whichever presets a chart draws; offset by
     * the approach's own place, so that in grey too the approaches'
     * second presets (qemu, xen-pv, kvm, lxc) differ. */
    static const char *const approaches[] = {"native", "emulation", "paravirt", "hvm", "oslevel"};
    int variant = 0;
    for (int a = 0; a < 5; a++)
        if (strcmp(ops->approach, approaches[a]) == 0) variant = a;
    for (size_t e = 0; e < vs_engine_count(); e++) {
        const struct vs_engine_ops *o = vs_engine_at(e);
        if (strcmp(o->approach, ops->approach) != 0) continue;
        for (size_t i = 0; i < o->n_presets; i++) {
            if (&o->presets[i] == p) {
                s->pattern = variant;
                return;
            }
            variant++;
        }
    }
}

void vs_chart_style_category(struct vs_chart_series *s, enum vs_cpu_cat cat)
{
    s->styled = true;
    s->color = vs_palette_category(cat);
    s->pattern = (int)cat % N_PATTERNS;
    snprintf(s->name, sizeof s->name, "%s", vs_palette_category_words(cat));
}

static struct vs_rgb series_color(const struct vs_chart *c, uint32_t s)
{
    if (c->series[s].styled) return c->series[s].color;
    const double *p = palette[s % 8];
    return (struct vs_rgb){p[0], p[1], p[2]};
}

static int series_pattern(const struct vs_chart *c, uint32_t s)
{
    return c->series[s].styled ? c->series[s].pattern : (int)s;
}

int vs_chart_parse_kind(const char *name, enum vs_chart_kind *out)
{
    static const char *const names[] = {"relative", "breakdown",     "sweep", "timeline", "density",
                                        "density-curve", "hosts", "migration", "tradeoff"};
    for (int i = 0; i < 9; i++)
        if (strcmp(name, names[i]) == 0) {
            *out = (enum vs_chart_kind)i;
            return VS_OK;
        }
    return VS_ERR_INPUT;
}

int vs_chart_parse_metric(const char *name, enum vs_chart_metric *out)
{
    static const char *const names[] = {"throughput", "p50", "p99", "cpu", "us", "cycles", "share"};
    for (int i = 0; i < 7; i++)
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

/* ---- text: shown by cairo, or recorded as SVG <text> ---- */

static const cairo_user_data_key_t text_sink_key;

static void xml_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '<') fputs("&lt;", f);
        else if (*s == '>') fputs("&gt;", f);
        else if (*s == '&') fputs("&amp;", f);
        else if (*s == '"') fputs("&quot;", f);
        else fputc(*s, f);
    }
}

/* Writes s at (x, y) in user space as an SVG <text> element, with the
 * context's font, colour and transformation. */
static void record_text(cairo_t *cr, FILE *sink, double x, double baseline, const char *s, double align_x)
{
    cairo_matrix_t m, fm;
    cairo_get_matrix(cr, &m);
    cairo_get_font_matrix(cr, &fm);
    double dx = x, dy = baseline;
    cairo_user_to_device(cr, &dx, &dy);
    double angle = atan2(m.yx, m.xx) * 180 / M_PI;
    double size = fm.yy * sqrt(m.xx * m.xx + m.yx * m.yx);
    double r = 0, g = 0, b = 0, a = 1;
    cairo_pattern_get_rgba(cairo_get_source(cr), &r, &g, &b, &a);
    cairo_font_face_t *face = cairo_get_font_face(cr);
    bool bold = cairo_font_face_get_type(face) == CAIRO_FONT_TYPE_TOY &&
                cairo_toy_font_face_get_weight(face) == CAIRO_FONT_WEIGHT_BOLD;
    fprintf(sink, "<text x=\"%.2f\" y=\"%.2f\" font-family=\"DejaVu Sans, Verdana, Arial, sans-serif\" "
                  "font-size=\"%.2f\"%s fill=\"rgb(%d,%d,%d)\" text-anchor=\"%s\"",
            dx, dy, size, bold ? " font-weight=\"bold\"" : "", (int)lround(r * 255), (int)lround(g * 255),
            (int)lround(b * 255), align_x < 0.25 ? "start" : align_x > 0.75 ? "end" : "middle");
    if (fabs(angle) > 0.01) fprintf(sink, " transform=\"rotate(%.2f %.2f %.2f)\"", angle, dx, dy);
    fputs(">", sink);
    xml_text(sink, s);
    fputs("</text>\n", sink);
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
    FILE *sink = cairo_get_user_data(cr, &text_sink_key);
    if (sink) {
        record_text(cr, sink, x, baseline, s, align_x);
        return;
    }
    cairo_move_to(cr, x - e.x_advance * align_x, baseline);
    cairo_show_text(cr, s);
}

static double text_width(cairo_t *cr, const char *s)
{
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    return e.x_advance;
}

/* Hatching inside a rectangle, one of N_PATTERNS kinds (0: none). */
static void hatch(cairo_t *cr, double x, double y, double w, double h, int pattern, double unit)
{
    int kind = pattern % N_PATTERNS;
    if (kind == 0 || w <= 0 || h <= 0) return;
    /* Dark lines on a light fill, light lines on a dark one (the
     * approaches' colours), read from the fill just drawn. */
    double r = 1, g = 1, b = 1, a = 1;
    cairo_pattern_get_rgba(cairo_get_source(cr), &r, &g, &b, &a);
    bool dark = 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.45;
    cairo_save(cr);
    cairo_rectangle(cr, x, y, w, h);
    cairo_clip(cr);
    if (dark) cairo_set_source_rgba(cr, 1, 1, 1, 0.6);
    else cairo_set_source_rgba(cr, 0, 0, 0, 0.45);
    cairo_set_line_width(cr, unit * 0.12);
    double gap = unit * 0.8;
    if (kind == 4 || kind == 6)
        for (double d = gap / 2; d < h; d += gap) {
            cairo_move_to(cr, x, y + d);
            cairo_line_to(cr, x + w, y + d);
        }
    if (kind == 5 || kind == 6)
        for (double d = gap / 2; d < w; d += gap) {
            cairo_move_to(cr, x + d, y);
            cairo_line_to(cr, x + d, y + h);
        }
    if (kind == 7) /* dots */
        for (double dy = gap / 2; dy < h; dy += gap)
            for (double dx = gap / 2; dx < w; dx += gap) {
                cairo_new_sub_path(cr);
                cairo_arc(cr, x + dx, y + dy, unit * 0.12, 0, 2 * M_PI);
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
    if (kind == 7) cairo_fill(cr);
    else cairo_stroke(cr);
    cairo_restore(cr);
}

/* A marker, one of N_PATTERNS shapes. */
static void marker(cairo_t *cr, double x, double y, int pattern, double r)
{
    switch (pattern % N_PATTERNS) {
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
    case 5: /* triangle pointing down */
        cairo_move_to(cr, x, y + r * 1.2);
        cairo_line_to(cr, x + r * 1.1, y - r * 0.8);
        cairo_line_to(cr, x - r * 1.1, y - r * 0.8);
        cairo_close_path(cr);
        break;
    case 6: /* hollow circle */
        cairo_save(cr);
        cairo_new_sub_path(cr);
        cairo_arc(cr, x, y, r, 0, 2 * M_PI);
        cairo_set_line_width(cr, r * 0.45);
        cairo_stroke(cr);
        cairo_restore(cr);
        return;
    case 7: /* plus */
    case 4: /* cross */
        cairo_save(cr);
        cairo_set_line_width(cr, r * 0.45);
        if (pattern % N_PATTERNS == 4) {
            cairo_move_to(cr, x - r, y - r);
            cairo_line_to(cr, x + r, y + r);
            cairo_move_to(cr, x + r, y - r);
            cairo_line_to(cr, x - r, y + r);
        } else {
            cairo_move_to(cr, x - r * 1.2, y);
            cairo_line_to(cr, x + r * 1.2, y);
            cairo_move_to(cr, x, y - r * 1.2);
            cairo_line_to(cr, x, y + r * 1.2);
        }
        cairo_stroke(cr);
        cairo_restore(cr);
        return;
    }
    cairo_fill(cr);
}

static void set_rgb(cairo_t *cr, struct vs_rgb c)
{
    cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

/* A bar's value as its label says it. */
static void value_text(const struct vs_chart *c, uint32_t s, double v, char *buf, size_t len)
{
    int n = snprintf(buf, len, c->value_format[0] ? c->value_format : "%g", v);
    if (n >= 0 && (size_t)n < len && c->series[s].note[0]) snprintf(buf + n, len - (size_t)n, " %s", c->series[s].note);
}

/* Where a value lands on a linear or logarithmic axis. */
struct axis {
    double lo, hi;     /* data range shown */
    double p0, p1;     /* pixels of lo and hi */
    bool log;
};

static double axis_at(const struct axis *a, double v)
{
    double f = a->log ? (log10(v) - log10(a->lo)) / (log10(a->hi) - log10(a->lo)) : (v - a->lo) / (a->hi - a->lo);
    return a->p0 + f * (a->p1 - a->p0);
}

/* A log axis from the decade under the smallest positive value to the one
 * over the largest. */
static void log_range(double minpos, double max, double *lo, double *hi)
{
    if (!(minpos > 0)) minpos = 1;
    if (!(max > 0)) max = minpos;
    *lo = pow(10, floor(log10(minpos) + 1e-9));
    *hi = pow(10, ceil(log10(max) - 1e-9));
    if (*hi <= *lo) *hi = *lo * 10;
}

/* Ticks of a log axis: 1, 2 and 5 per decade for a few decades, else the
 * decades alone. Returns how many (at most max). */
static int log_ticks(double lo, double hi, double *out, int max)
{
    int n = 0, decades = (int)lround(log10(hi / lo));
    for (double d = lo; d <= hi * 1.0001 && n < max; d *= 10)
        for (int m = 0; m < 3 && n < max; m++) {
            static const double mult[] = {1, 2, 5};
            if (m > 0 && decades > 3) break;
            double v = d * mult[m];
            if (v <= hi * 1.0001) out[n++] = v;
        }
    return n;
}

/* One style per axis: thousands as "k" (millions as "M") once the axis
 * reaches 10k. */
static void log_tick_label(double v, double axis_max, char *buf, size_t len)
{
    if (axis_max >= 1e7 && v >= 1e6) snprintf(buf, len, "%gM", v / 1e6);
    else if (axis_max >= 1e4 && v >= 1e3) snprintf(buf, len, "%gk", v / 1e3);
    else snprintf(buf, len, "%g", v);
}

struct end_label {
    double x, y, want_y;
    uint32_t s;
};

/* Lowest on the chart first. */
static int by_want_y(const void *a, const void *b)
{
    const struct end_label *p = a, *q = b;
    return (p->want_y < q->want_y) - (p->want_y > q->want_y);
}

/* Splits a category label "name (what)" in two lines at " (" when it does
 * not fit on one; false when there is nowhere to split. */
static bool split_label(const char *s, char *a, char *b, size_t len)
{
    const char *p = strstr(s, " (");
    if (!p) return false;
    snprintf(a, len, "%.*s", (int)(p - s), s);
    snprintf(b, len, "%s", p + 1);
    return true;
}

/* How the category labels of bars [i0, i1) fit a slot: across on one
 * line (0), on two lines (1) or upright (2); *room is the height they take. */
static int category_layout(const struct vs_chart *c, cairo_t *cr, uint32_t i0, uint32_t i1, double slot, double u,
                           double *room)
{
    double one = 0, two = 0;
    for (uint32_t i = i0; i < i1; i++) {
        double w = text_width(cr, c->categories[i]);
        if (w > one) one = w;
        char a[64], b[64];
        if (split_label(c->categories[i], a, b, sizeof a)) w = fmax(text_width(cr, a), text_width(cr, b));
        if (w > two) two = w;
    }
    if (one <= slot * 0.95) {
        *room = 4.2 * u;
        return 0;
    }
    if (two <= slot * 1.02) {
        *room = 6.4 * u;
        return 1;
    }
    *room = fmin(one, 24 * u) + 1.6 * u;
    return 2;
}

/* The y values a panel shows: bars [i0, i1); lines: the series of `panel`
 * (every series when panel < 0). */
static void y_extent(const struct vs_chart *c, int panel, uint32_t i0, uint32_t i1, double *ymax, double *minpos)
{
    bool lines = c->style == VS_CHART_LINES;
    for (uint32_t s = 0; s < c->n_series; s++) {
        if (lines && panel >= 0 && c->series[s].panel != (uint32_t)panel) continue;
        uint32_t n = c->own_x || c->series[s].n ? c->series[s].n : c->n_points;
        uint32_t a = lines ? 0 : i0, z = lines ? n : (i1 < n ? i1 : n);
        for (uint32_t i = a; i < z; i++) {
            double y = c->series[s].y[i];
            if (c->style != VS_CHART_STACKED_BARS && y > *ymax) *ymax = y;
            if (y > 0 && y < *minpos) *minpos = y;
            if (c->has_interval && c->series[s].hi[i] > *ymax) *ymax = c->series[s].hi[i];
        }
    }
    if (c->style == VS_CHART_STACKED_BARS)
        for (uint32_t i = i0; i < i1; i++) {
            double sum = 0;
            for (uint32_t s = 0; s < c->n_series; s++) sum += c->series[s].y[i];
            if (sum > *ymax) *ymax = sum;
        }
}

/* One plot in the region [left, right] x [top, bottom] (its tick labels
 * inside the region): the bars [i0, i1), or the lines of `panel` (< 0:
 * all), with its own title when `ptitle` is set. */
static void plot(const struct vs_chart *c, cairo_t *cr, double u, double left, double right, double top, double bottom,
                 int panel, uint32_t i0, uint32_t i1, const char *ptitle)
{
    double fs = 1.8 * u;
    bool lines = c->style == VS_CHART_LINES;
    if (ptitle && ptitle[0]) {
        cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
        cairo_set_font_size(cr, lines ? 1.5 * u : 1.6 * u);
        double tw = text_width(cr, ptitle);
        if (!lines && tw > right - left + 4 * u) cairo_set_font_size(cr, 1.6 * u * (right - left + 4 * u) / tw);
        cairo_set_source_rgb(cr, 0, 0, 0);
        text(cr, lines ? left + 0.5 * u : (left + right) / 2, top, ptitle, lines ? 0 : 0.5, 0);
        cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
        top += (lines ? 2.2 : 2.4) * u;
    }
    cairo_set_font_size(cr, lines && c->n_panels > 1 ? 1.5 * u : fs);
    uint32_t np = lines ? 0 : i1 - i0;
    double slot = (right - left) / (np ? np : 1);
    /* Second-level group labels, unless each group is its own panel. */
    bool grouped = !lines && np && c->groups[i0][0] && !c->bar_panels;
    double cat_room = 0;
    int cat_mode = lines ? 0 : category_layout(c, cr, i0, i1, slot, u, &cat_room);
    if (lines) bottom -= 2.8 * u;
    else bottom -= cat_room + (grouped ? 2.5 * u : 0);

    double ymax = 0, minpos = INFINITY;
    /* Lines share one y range over every panel, so panels compare; bars
     * in panels each have their own. */
    y_extent(c, lines ? -1 : 0, i0, i1, &ymax, &minpos);
    if (c->has_hline && c->hline > ymax) ymax = c->hline;
    if (c->has_hline && c->hline > 0 && c->hline < minpos) minpos = c->hline;
    if (!(ymax > 0)) ymax = 1;
    if (c->y_max > 0) ymax = c->y_max;
    /* Value labels need room above their bars: a bar's label is written
     * across when it fits the bar's width, else upright. */
    double vfs = 1.5 * u, bar_w = 0;
    if (!lines && c->n_series)
        bar_w = c->style == VS_CHART_GROUPED_BARS ? slot * 0.8 / c->n_series * 0.95 : slot * 0.8 * 0.95;
    if (c->value_labels && !lines) {
        cairo_set_font_size(cr, vfs);
        double ph = bottom - top;
        for (uint32_t s = 0; s < c->n_series; s++)
            for (uint32_t i = i0; i < i1; i++) {
                char lab[96];
                double v = c->series[s].y[i];
                double at = c->has_interval && c->series[s].hi[i] > v ? c->series[s].hi[i] : v;
                value_text(c, s, v, lab, sizeof lab);
                double lw = text_width(cr, lab);
                double need = (lw <= bar_w ? 2.2 * u : lw + 1.0 * u);
                if (need < ph * 0.8 && at * ph / (ph - need) > ymax) ymax = at * ph / (ph - need);
            }
        cairo_set_font_size(cr, fs);
    }
    struct axis ya = {.p0 = bottom, .p1 = top, .log = lines && c->log_y};
    double ystep = 0, ymax_raw = ymax;
    if (ya.log) {
        log_range(minpos, ymax, &ya.lo, &ya.hi);
    } else {
        ymax_raw = ymax;
        ystep = nice_step(ymax, bottom - top > 20 * u ? 5 : 3);
        /* Headroom above the tallest bar or point, except for a stack of
         * percentages, whose top is 100 by construction. */
        if (!(c->y_max > 0)) ymax = ceil(ymax * (c->style == VS_CHART_STACKED_BARS ? 1.0 : 1.05) / ystep - 1e-9) * ystep;
        ya.lo = 0;
        ya.hi = ymax;
    }
    struct axis xa = {.lo = 0, .hi = 1, .p0 = left, .p1 = right, .log = lines && c->log_x};
    if (lines) {
        bool first = true;
        double xminpos = INFINITY;
        for (uint32_t s = 0; s < c->n_series; s++) {
            if (panel >= 0 && c->series[s].panel != (uint32_t)panel) continue;
            uint32_t n = c->own_x ? c->series[s].n : c->n_points;
            const double *xs = c->own_x ? c->series[s].x : c->x;
            for (uint32_t i = 0; i < n; i++) {
                if (first || xs[i] < xa.lo) xa.lo = xs[i];
                if (first || xs[i] > xa.hi) xa.hi = xs[i];
                if (xs[i] > 0 && xs[i] < xminpos) xminpos = xs[i];
                first = false;
            }
        }
        for (uint32_t m = 0; m < c->n_marks; m++)
            if (panel < 0 || c->mark_panel[m] == (uint32_t)panel) {
                if (first || c->mark_x[m] < xa.lo) xa.lo = c->mark_x[m];
                if (first || c->mark_x[m] > xa.hi) xa.hi = c->mark_x[m];
                first = false;
            }
        if (xa.log) log_range(xminpos, xa.hi, &xa.lo, &xa.hi);
        else if (xa.lo > 0 && (c->n_panels > 1 || xa.lo < 0.05 * (xa.hi - xa.lo)))
            xa.lo = 0; /* a run from its start (each panel its own) */
        if (!xa.log && xa.hi <= xa.lo) xa.hi = xa.lo + 1;
    }
#define PX(v) axis_at(&xa, (v))
#define PY(v) axis_at(&ya, (v))

    /* Event marks' labels get a band above the plot, in as many rows as
     * they need (up to four) so that neighbours do not overwrite each
     * other and no label covers the data. */
    int mark_row[VS_CHART_MAX_MARKS] = {0};
    double mfs = (c->n_panels > 1 ? 1.25 : 1.4) * u, band_top = top;
    int rows_used = 0;
    if (lines && c->n_marks) {
        double row_end[4] = {-INFINITY, -INFINITY, -INFINITY, -INFINITY};
        cairo_save(cr);
        cairo_set_font_size(cr, mfs);
        for (uint32_t m = 0; m < c->n_marks; m++) {
            if (panel >= 0 && c->mark_panel[m] != (uint32_t)panel) continue;
            double mx = PX(c->mark_x[m]), lw = text_width(cr, c->mark_label[m]);
            bool back = mx + 0.4 * u + lw > right;
            double x0 = back ? mx - 0.4 * u - lw : mx + 0.4 * u;
            int row = 0;
            while (row < 3 && row_end[row] > x0) row++;
            row_end[row] = x0 + lw + 0.5 * u;
            mark_row[m] = row;
            if (row + 1 > rows_used) rows_used = row + 1;
        }
        cairo_restore(cr);
        top += rows_used * mfs * 1.25 + 0.3 * u;
        ya.p1 = top;
        /* Fewer ticks on a short plot. */
        if (!ya.log) {
            ystep = nice_step(ymax_raw, bottom - top > 20 * u ? 5 : bottom - top > 9 * u ? 3 : 2);
            if (!(c->y_max > 0)) ya.hi = ymax = ceil(ymax_raw * 1.05 / ystep - 1e-9) * ystep;
        }
    }

    /* Grid and y ticks. */
    cairo_set_line_width(cr, 0.08 * u);
    double yt[64];
    int nyt = 0;
    if (ya.log) nyt = log_ticks(ya.lo, ya.hi, yt, 64);
    else
        for (double v = 0; v <= ymax + ystep * 1e-9 && nyt < 64; v += ystep) yt[nyt++] = v;
    for (int t = 0; t < nyt; t++) {
        double v = yt[t];
        cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
        cairo_move_to(cr, left, PY(v));
        cairo_line_to(cr, right, PY(v));
        cairo_stroke(cr);
        char lab[32];
        if (ya.log) log_tick_label(v, ya.hi, lab, sizeof lab);
        else tick_label(v, ystep, ymax, lab, sizeof lab);
        cairo_set_source_rgb(cr, 0, 0, 0);
        text(cr, left - 0.8 * u, PY(v), lab, 1, 0.5);
    }
    /* x ticks: categories under their groups, or round numbers. */
    if (lines) {
        double xt[64];
        int nxt = 0;
        double xstep = nice_step(xa.hi - xa.lo, 6);
        if (xa.log) nxt = log_ticks(xa.lo, xa.hi, xt, 64);
        else
            for (double v = ceil(xa.lo / xstep) * xstep; v <= xa.hi + xstep * 1e-9 && nxt < 64; v += xstep) xt[nxt++] = v;
        for (int t = 0; t < nxt; t++) {
            char lab[32];
            if (xa.log) log_tick_label(xt[t], xa.hi, lab, sizeof lab);
            else tick_label(xt[t], xstep, xa.hi, lab, sizeof lab);
            text(cr, PX(xt[t]), bottom + 0.6 * u, lab, 0.5, 0);
        }
    } else {
        for (uint32_t i = i0; i < i1; i++) {
            double cx = left + slot * (i - i0 + 0.5);
            char a[64], b[64];
            if (cat_mode == 0) {
                text(cr, cx, bottom + 0.8 * u, c->categories[i], 0.5, 0);
            } else if (cat_mode == 1 && split_label(c->categories[i], a, b, sizeof a)) {
                text(cr, cx, bottom + 0.8 * u, a, 0.5, 0);
                text(cr, cx, bottom + 3.0 * u, b, 0.5, 0);
            } else if (cat_mode == 1) {
                text(cr, cx, bottom + 0.8 * u, c->categories[i], 0.5, 0);
            } else {
                cairo_save(cr);
                cairo_translate(cr, cx, bottom + 0.8 * u);
                cairo_rotate(cr, -M_PI / 2);
                text(cr, 0, 0, c->categories[i], 1, 0.5);
                cairo_restore(cr);
            }
        }
        /* The second level: each run of equal group names labelled once
         * under a bracket, and a faint line between runs. */
        double bracket_y = bottom + cat_room - 0.8 * u;
        for (uint32_t i = i0, end; grouped && i < i1; i = end) {
            for (end = i + 1; end < i1 && strcmp(c->groups[end], c->groups[i]) == 0; end++) {}
            double x0 = left + slot * (i - i0), x1 = left + slot * (end - i0);
            cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
            cairo_set_line_width(cr, 0.12 * u);
            cairo_move_to(cr, x0 + 0.1 * slot, bracket_y);
            cairo_line_to(cr, x1 - 0.1 * slot, bracket_y);
            cairo_stroke(cr);
            if (i > i0) {
                cairo_set_source_rgb(cr, 0.75, 0.75, 0.75);
                cairo_move_to(cr, x0, top);
                cairo_line_to(cr, x0, bracket_y);
                cairo_stroke(cr);
            }
            cairo_set_source_rgb(cr, 0, 0, 0);
            text(cr, (x0 + x1) / 2, bracket_y + 0.5 * u, c->groups[i], 0.5, 0);
        }
    }
    /* Axes. */
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.15 * u);
    cairo_move_to(cr, left, top);
    cairo_line_to(cr, left, bottom);
    cairo_line_to(cr, right, bottom);
    cairo_stroke(cr);

    /* Data. */
    if (lines) {
        cairo_save(cr);
        cairo_rectangle(cr, left - u, top - u, right - left + 2 * u, bottom - top + 2 * u);
        cairo_clip(cr);
        for (uint32_t s = 0; s < c->n_series; s++) {
            if (panel >= 0 && c->series[s].panel != (uint32_t)panel) continue;
            struct vs_rgb col = series_color(c, s);
            uint32_t n = c->own_x || c->series[s].n ? c->series[s].n : c->n_points;
            const double *xs = c->own_x ? c->series[s].x : c->x;
            set_rgb(cr, col);
            cairo_set_line_width(cr, (c->n_panels > 1 ? 0.25 : 0.35) * u);
            bool pen = false;
            for (uint32_t i = 0; i < n; i++) {
                double y = c->series[s].y[i];
                if ((ya.log && !(y > 0)) || (xa.log && !(xs[i] > 0))) {
                    pen = false;
                    continue;
                }
                if (!pen || c->series[s].gap[i]) cairo_move_to(cr, PX(xs[i]), PY(y));
                else cairo_line_to(cr, PX(xs[i]), PY(y));
                pen = true;
            }
            cairo_stroke(cr);
            /* A stretch nothing was measured in: faint and dotted, so it
             * is not read as data (the legend says so). */
            double dots[] = {0.15 * u, 0.6 * u};
            cairo_set_dash(cr, dots, 2, 0);
            cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
            cairo_set_source_rgba(cr, col.r, col.g, col.b, 0.55);
            cairo_set_line_width(cr, 0.22 * u);
            bool dotted = false;
            for (uint32_t i = 1; i < n; i++) {
                if (!c->series[s].gap[i]) continue;
                double y0 = c->series[s].y[i - 1], y1 = c->series[s].y[i];
                if ((ya.log && !(y0 > 0 && y1 > 0)) || (xa.log && !(xs[i - 1] > 0 && xs[i] > 0))) continue;
                cairo_move_to(cr, PX(xs[i - 1]), PY(y0));
                cairo_line_to(cr, PX(xs[i]), PY(y1));
                dotted = true;
            }
            if (dotted) cairo_stroke(cr);
            cairo_new_path(cr);
            cairo_set_dash(cr, NULL, 0, 0);
            cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
            set_rgb(cr, col);
            /* Enough markers to tell the lines apart in grey, not so many
             * that they hide the line; staggered between series. Where
             * every point is a measurement, each has its marker. */
            uint32_t every = n > 16 && !c->every_marker ? n / 12 : 1;
            for (uint32_t i = (s * every / (c->n_series ? c->n_series : 1)) % every; i < n; i += every) {
                double y = c->series[s].y[i];
                if ((ya.log && !(y > 0)) || (xa.log && !(xs[i] > 0))) continue;
                marker(cr, PX(xs[i]), PY(y), series_pattern(c, s), (c->n_panels > 1 ? 0.4 : 0.55) * u);
            }
        }
        cairo_restore(cr);
    } else {
        double group_w = slot * 0.8;
        for (uint32_t i = i0; i < i1; i++) {
            double base = 0;
            for (uint32_t s = 0; s < c->n_series; s++) {
                double v = c->series[s].y[i];
                double x, w, y0, y1;
                if (c->style == VS_CHART_GROUPED_BARS) {
                    w = group_w / (c->n_series ? c->n_series : 1);
                    x = left + slot * (i - i0) + slot * 0.1 + w * s;
                    y0 = 0;
                    y1 = v;
                } else {
                    w = group_w;
                    x = left + slot * (i - i0) + slot * 0.1;
                    y0 = base;
                    y1 = base + v;
                    base = y1;
                }
                set_rgb(cr, series_color(c, s));
                cairo_rectangle(cr, x, PY(y1), w * 0.95, PY(y0) - PY(y1));
                cairo_fill(cr);
                hatch(cr, x, PY(y1), w * 0.95, PY(y0) - PY(y1), series_pattern(c, s), u);
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
    /* Reference line (named in the legend). */
    if (c->has_hline) {
        double dash[] = {1.2 * u, 0.8 * u};
        cairo_set_source_rgb(cr, 0.8, 0, 0);
        cairo_set_line_width(cr, 0.25 * u);
        cairo_set_dash(cr, dash, 2, 0);
        cairo_move_to(cr, left, PY(c->hline));
        cairo_line_to(cr, right, PY(c->hline));
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
    }
    /* Value labels over everything, each above its own bar (and whisker). */
    if (c->value_labels && !lines && c->style == VS_CHART_GROUPED_BARS) {
        cairo_set_font_size(cr, vfs);
        double w = slot * 0.8 / (c->n_series ? c->n_series : 1);
        for (uint32_t i = i0; i < i1; i++)
            for (uint32_t s = 0; s < c->n_series; s++) {
                char lab[96];
                double v = c->series[s].y[i];
                double at = c->has_interval && c->series[s].hi[i] > v ? c->series[s].hi[i] : v;
                if (c->series[s].missing[i]) snprintf(lab, sizeof lab, "%s", c->missing_label[0] ? c->missing_label : "n/a");
                else value_text(c, s, v, lab, sizeof lab);
                double cx = left + slot * (i - i0) + slot * 0.1 + w * s + w * 0.95 / 2;
                cairo_set_source_rgb(cr, 0, 0, 0);
                if (text_width(cr, lab) <= bar_w) {
                    text(cr, cx, PY(at) - 0.4 * u, lab, 0.5, 1);
                } else {
                    cairo_save(cr);
                    cairo_translate(cr, cx, PY(at) - 0.5 * u);
                    cairo_rotate(cr, -M_PI / 2);
                    text(cr, 0, 0, lab, 0, 0.5);
                    cairo_restore(cr);
                }
            }
        cairo_set_font_size(cr, fs);
    }
    /* Event marks, labelled in the band above the plot (rows chosen
     * above), turned back left at the right edge. */
    for (uint32_t m = 0; m < c->n_marks && lines; m++) {
        if (panel >= 0 && c->mark_panel[m] != (uint32_t)panel) continue;
        double mx = PX(c->mark_x[m]);
        double ty = band_top + mfs * (0.6 + 1.25 * mark_row[m]);
        double dash[] = {0.5 * u, 0.5 * u};
        cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
        cairo_set_line_width(cr, 0.12 * u);
        cairo_set_dash(cr, dash, 2, 0);
        cairo_move_to(cr, mx, ty - mfs * 0.5);
        cairo_line_to(cr, mx, bottom);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        cairo_set_font_size(cr, mfs);
        double lw = text_width(cr, c->mark_label[m]);
        bool back = mx + 0.4 * u + lw > right;
        double x0 = back ? mx - 0.4 * u - lw : mx + 0.4 * u;
        /* On a light box, so another mark's line does not cross the words. */
        cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
        cairo_rectangle(cr, x0 - 0.2 * u, ty - mfs * 0.6, lw + 0.4 * u, mfs * 1.2);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
        text(cr, back ? mx - 0.4 * u : mx + 0.4 * u, ty, c->mark_label[m], back ? 1 : 0, 0.5);
        cairo_set_font_size(cr, fs);
    }
    /* Why each line ends where it does, at its last point; labels pushed
     * apart so they never overlap one another. */
    if (lines) {
        struct end_label el[VS_CHART_MAX_SERIES];
        uint32_t nel = 0;
        for (uint32_t s = 0; s < c->n_series; s++) {
            if (panel >= 0 && c->series[s].panel != (uint32_t)panel) continue;
            uint32_t n = c->own_x || c->series[s].n ? c->series[s].n : c->n_points;
            if (!c->series[s].end_label[0] || n == 0) continue;
            const double *xs = c->own_x ? c->series[s].x : c->x;
            double y = c->series[s].y[n - 1];
            if (ya.log && !(y > 0)) continue;
            el[nel++] = (struct end_label){PX(xs[n - 1]), PY(y), PY(y), s};
        }
        qsort(el, nel, sizeof el[0], by_want_y);
        double gap = 1.9 * u, lfs = 1.45 * u;
        /* Each label above its point, the lowest first; one that would
         * overlap the one below moves up. */
        for (uint32_t i = 0; i < nel; i++) {
            el[i].y = el[i].want_y - 1.6 * u;
            if (el[i].y > bottom - 1.2 * u) el[i].y = bottom - 1.2 * u;
            if (i > 0 && el[i].y > el[i - 1].y - gap) el[i].y = el[i - 1].y - gap;
        }
        /* Pushed past the top: the stack moves down instead. */
        if (nel && el[nel - 1].y < top + 0.8 * u) {
            el[nel - 1].y = top + 0.8 * u;
            for (uint32_t i = nel - 1; i-- > 0;)
                if (el[i].y < el[i + 1].y + gap) el[i].y = el[i + 1].y + gap;
        }
        cairo_set_font_size(cr, lfs);
        /* The leader lines first, then every label over them: a line that
         * passes another label goes under its backing, not through its words. */
        for (uint32_t i = 0; i < nel; i++) {
            double lw = text_width(cr, c->series[el[i].s].end_label);
            bool back = el[i].x + 0.8 * u + lw > right;
            double tx = back ? el[i].x - 0.8 * u : el[i].x + 0.8 * u;
            set_rgb(cr, series_color(c, el[i].s));
            cairo_set_line_width(cr, 0.12 * u);
            cairo_move_to(cr, el[i].x, el[i].want_y);
            cairo_line_to(cr, tx, el[i].y);
            cairo_stroke(cr);
        }
        for (uint32_t i = 0; i < nel; i++) {
            const char *lab = c->series[el[i].s].end_label;
            double lw = text_width(cr, lab);
            bool back = el[i].x + 0.8 * u + lw > right;
            double tx = back ? el[i].x - 0.8 * u : el[i].x + 0.8 * u;
            cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
            cairo_rectangle(cr, back ? tx - lw - 0.2 * u : tx - 0.2 * u, el[i].y - lfs * 0.6, lw + 0.4 * u, lfs * 1.2);
            cairo_fill(cr);
            cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
            text(cr, tx, el[i].y, lab, back ? 1 : 0, 0.5);
        }
        cairo_set_font_size(cr, fs);
    }
#undef PX
#undef PY
}

static void draw(const struct vs_chart *c, cairo_t *cr, double W, double H)
{
    double u = W / 100.0; /* one unit: 1 % of the width; every size follows it */
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
    cairo_set_font_size(cr, 2.6 * u);
    /* Titles that would not fit the width are set smaller. */
    double tw = text_width(cr, c->title);
    if (tw > W - 4 * u) cairo_set_font_size(cr, 2.6 * u * (W - 4 * u) / tw);
    cairo_set_source_rgb(cr, 0, 0, 0);
    text(cr, W / 2, 2.0 * u, c->title, 0.5, 0);
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    if (c->subtitle[0]) {
        cairo_set_font_size(cr, 1.7 * u);
        double sw = text_width(cr, c->subtitle);
        if (sw > W - 4 * u) cairo_set_font_size(cr, 1.7 * u * (W - 4 * u) / sw);
        cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
        text(cr, W / 2, 5.3 * u, c->subtitle, 0.5, 0);
        cairo_set_source_rgb(cr, 0, 0, 0);
    }
    double fs = 1.8 * u;
    cairo_set_font_size(cr, fs);
    bool lines = c->style == VS_CHART_LINES;
    double left = 10 * u, right = W - 22 * u, top = (c->subtitle[0] ? 9.5 : 7) * u, bottom = H - 4.8 * u;

    /* The panels. */
    if (lines && c->n_panels > 1) {
        /* A grid: one column up to three panels, then two. */
        uint32_t np = c->n_panels < VS_CHART_MAX_PANELS ? c->n_panels : VS_CHART_MAX_PANELS;
        uint32_t cols = np > 3 ? 2 : 1, rows = (np + cols - 1) / cols;
        double gap = 6 * u, w = (right - left - gap * (cols - 1)) / cols, h = (bottom - top) / rows;
        for (uint32_t p = 0; p < np; p++) {
            double x0 = left + (w + gap) * (p % cols), y0 = top + h * (p / cols);
            plot(c, cr, u, x0, x0 + w, y0, y0 + h - 0.6 * u, (int)p, 0, 0, c->panel_title[p]);
        }
    } else if (!lines && c->bar_panels && c->n_points) {
        uint32_t starts[VS_CHART_MAX_PANELS + 1], np = 0;
        for (uint32_t i = 0; i < c->n_points && np < VS_CHART_MAX_PANELS; i++)
            if (i == 0 || strcmp(c->groups[i], c->groups[i - 1]) != 0) starts[np++] = i;
        uint32_t last = c->n_points;
        for (uint32_t i = starts[np - 1] + 1; i < c->n_points; i++)
            if (strcmp(c->groups[i], c->groups[starts[np - 1]]) != 0) {
                last = i;
                break;
            }
        starts[np] = last;
        double gap = 7 * u, per = (right - left - gap * (np - 1)) / (double)(last ? last : 1);
        double x = left;
        for (uint32_t p = 0; p < np; p++) {
            double w = per * (starts[p + 1] - starts[p]);
            plot(c, cr, u, x, x + w, top, bottom, -1, starts[p], starts[p + 1], c->groups[starts[p]]);
            x += w + gap;
        }
    } else {
        plot(c, cr, u, left, right, top, bottom, -1, 0, c->n_points, NULL);
    }

    /* Axis labels, shared by the panels. */
    cairo_set_font_size(cr, fs);
    cairo_set_source_rgb(cr, 0, 0, 0);
    text(cr, (left + right) / 2, H - 3.5 * u, c->x_label, 0.5, 0);
    cairo_save(cr);
    double ylw = text_width(cr, c->y_label);
    if (ylw > H - top - 4 * u) cairo_set_font_size(cr, fs * (H - top - 4 * u) / ylw);
    cairo_translate(cr, 2.5 * u, (top + H - 4.8 * u) / 2);
    cairo_rotate(cr, -M_PI / 2);
    text(cr, 0, 0, c->y_label, 0.5, 0.5);
    cairo_restore(cr);
    cairo_set_font_size(cr, fs);

    /* Legend: swatch (colour + hatching, or line + marker) and name; the
     * reference line last; entries closer together when there are many. */
    uint32_t entries = c->n_series + (c->has_hline && c->hline_label[0] ? 1 : 0) + (lines && c->gap_label[0] ? 1 : 0);
    double step = entries ? fmin(3 * u, (bottom - top) / entries) : 3 * u;
    double lfs = fmin(fs, step * 0.62), sw = fmin(2 * u, step * 0.7);
    cairo_set_font_size(cr, lfs);
    double ly = top + step / 2, lx = right + 2 * u;
    for (uint32_t s = 0; s < c->n_series; s++) {
        /* A series in several panels (the same group under each engine)
         * is named once. */
        bool seen = false;
        for (uint32_t t = 0; t < s && !seen; t++) seen = strcmp(c->series[t].name, c->series[s].name) == 0;
        if (seen) continue;
        set_rgb(cr, series_color(c, s));
        if (lines) {
            cairo_set_line_width(cr, 0.35 * u);
            cairo_move_to(cr, lx, ly);
            cairo_line_to(cr, lx + 3 * u, ly);
            cairo_stroke(cr);
            marker(cr, lx + 1.5 * u, ly, series_pattern(c, s), fmin(0.55 * u, sw * 0.3));
        } else {
            cairo_rectangle(cr, lx, ly - sw / 2, 3 * u, sw);
            cairo_fill(cr);
            hatch(cr, lx, ly - sw / 2, 3 * u, sw, series_pattern(c, s), u);
        }
        cairo_set_source_rgb(cr, 0, 0, 0);
        text(cr, lx + 4 * u, ly, c->series[s].name, 0, 0.5);
        ly += step;
    }
    if (c->has_hline && c->hline_label[0]) {
        double dash[] = {0.8 * u, 0.5 * u};
        cairo_set_source_rgb(cr, 0.8, 0, 0);
        cairo_set_line_width(cr, 0.25 * u);
        cairo_set_dash(cr, dash, 2, 0);
        cairo_move_to(cr, lx, ly);
        cairo_line_to(cr, lx + 3 * u, ly);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        cairo_set_source_rgb(cr, 0, 0, 0);
        text(cr, lx + 4 * u, ly, c->hline_label, 0, 0.5);
        ly += step;
    }
    if (lines && c->gap_label[0]) {
        double dots[] = {0.15 * u, 0.6 * u};
        cairo_set_source_rgba(cr, 0.3, 0.3, 0.3, 0.7);
        cairo_set_line_width(cr, 0.22 * u);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
        cairo_set_dash(cr, dots, 2, 0);
        cairo_move_to(cr, lx, ly);
        cairo_line_to(cr, lx + 3 * u, ly);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
        cairo_set_source_rgb(cr, 0, 0, 0);
        text(cr, lx + 4 * u, ly, c->gap_label, 0, 0.5);
    }
}

static cairo_status_t write_to_file(void *closure, const unsigned char *data, unsigned int length)
{
    return fwrite(data, 1, length, closure) == length ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
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
static char *svg_with_metadata(const char *title, const char *desc, const char *texts, size_t tlen, const char *svg,
                               size_t len, size_t *out_len)
{
    const char *open = strstr(svg, "<svg");
    const char *end = open ? strchr(open, '>') : NULL;
    const char *close = NULL;
    for (const char *p = strstr(svg, "</svg>"); p; p = strstr(p + 1, "</svg>")) close = p;
    if (!end || !close) return NULL;
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
    size_t head = (size_t)(end + 1 - svg), body = (size_t)(close - svg) - head;
    char *out = malloc(len + mlen + tlen + 1);
    if (out) {
        /* head, <title> and <desc>, cairo's drawing, the text on top, </svg> */
        memcpy(out, svg, head);
        memcpy(out + head, meta, mlen);
        memcpy(out + head + mlen, svg + head, body);
        memcpy(out + head + mlen + body, texts, tlen);
        memcpy(out + head + mlen + body + tlen, close, len - head - body);
        *out_len = len + mlen + tlen;
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
    char *buf = NULL, *texts = NULL;
    size_t blen = 0, tlen = 0;
    FILE *mem = type == SVG ? open_memstream(&buf, &blen) : NULL;
    FILE *tmem = type == SVG ? open_memstream(&texts, &tlen) : NULL;
    if (type == SVG && (!mem || !tmem)) {
        if (mem) fclose(mem);
        if (tmem) fclose(tmem);
        free(buf);
        free(texts);
        return vs_error_set(err, VS_ERR_RUNTIME, out->path, 0, 0, "out of memory");
    }
    cairo_surface_t *surf;
    /* Sizes in pixels: an SVG says px; a PDF page is the same at 96 px per
     * inch (0.75 pt per px), so a 1280 x 720 slide is 13.33 x 7.5 in. */
    const double pt_per_px = 0.75;
    if (type == SVG) {
        surf = cairo_svg_surface_create_for_stream(write_to_file, mem, width, height);
        cairo_svg_surface_set_document_unit(surf, CAIRO_SVG_UNIT_PX);
    } else if (type == PDF) {
        surf = cairo_pdf_surface_create_for_stream(write_to_file, out->file, width * pt_per_px, height * pt_per_px);
    } else {
        surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)width, (int)height);
    }
    cairo_t *cr = cairo_create(surf);
    if (type == PDF) cairo_scale(cr, pt_per_px, pt_per_px);
    if (tmem) cairo_set_user_data(cr, &text_sink_key, tmem, NULL);
    draw_what(what, cr, width, height);
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    if (tmem) fclose(tmem);
    if (type == PNG && st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_write_to_png_stream(surf, write_to_file, out->file);
    cairo_surface_finish(surf);
    if (st == CAIRO_STATUS_SUCCESS) st = cairo_surface_status(surf);
    cairo_surface_destroy(surf);
    if (mem) {
        fclose(mem);
        size_t olen = 0;
        char *svg = st == CAIRO_STATUS_SUCCESS ? svg_with_metadata(title, desc, texts, tlen, buf, blen, &olen) : NULL;
        if (svg) fwrite(svg, 1, olen, out->file);
        else if (st == CAIRO_STATUS_SUCCESS) st = CAIRO_STATUS_NO_MEMORY;
        free(svg);
        free(buf);
        free(texts);
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

void vs_chart_draw(const struct vs_chart *c, struct _cairo *cr, double width, double height)
{
    cairo_save(cr);
    draw(c, cr, width, height);
    cairo_restore(cr);
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
        /* Series with their own x values: one row per point, long format;
         * in panels, the panel first. */
        bool panels = c->n_panels > 1;
        if (panels) {
            vs_report_csv_field(f, c->group_name[0] ? c->group_name : "panel");
            fputc(',', f);
        }
        fputs("series,", f);
        vs_report_csv_field(f, c->x_label);
        fputc(',', f);
        vs_report_csv_field(f, c->y_label);
        fputc('\n', f);
        for (uint32_t s = 0; s < c->n_series; s++)
            for (uint32_t i = 0; i < c->series[s].n; i++) {
                if (panels) {
                    vs_report_csv_field(f, c->series[s].panel < VS_CHART_MAX_PANELS ? c->panel_name[c->series[s].panel] : "");
                    fputc(',', f);
                }
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
    snprintf(c->x_label, sizeof c->x_label, "guest group (in brackets: the figure that fits its load)");
    if (sc->reps > 1)
        snprintf(c->y_label, sizeof c->y_label, "score, 1.00 = %.30s, higher is better (95 %% interval)", base);
    else
        snprintf(c->y_label, sizeof c->y_label, "score, 1.00 = %.30s, higher is better", base);
    c->style = VS_CHART_GROUPED_BARS;
    c->has_hline = true;
    c->hline = 1.0;
    c->has_interval = sc->reps > 1;
    c->value_labels = true;
    snprintf(c->value_format, sizeof c->value_format, "%%.2f");
    snprintf(c->hline_label, sizeof c->hline_label, "1.00 = %.40s", base);
    if (r->n_runs == 0 || !sc->groups) return;
    c->n_points = sc->n_groups < VS_CHART_MAX_POINTS ? sc->n_groups : VS_CHART_MAX_POINTS;
    bool cost = false, tput = false, speed = false;
    for (uint32_t i = 0; i < c->n_points; i++) {
        /* The category says what the bar measures: CPU per request is shown
         * as native's cost over this one's, so that higher is better on
         * every bar; a batch's speed is its completion time, inverted. */
        enum vs_score_kind kind = vs_scores_at(sc, sc->baseline, i)->kind;
        const char *what = kind == VS_SCORE_COST ? "CPU per request" : kind == VS_SCORE_SPEED ? "completion time" : "throughput";
        cost |= kind == VS_SCORE_COST;
        tput |= kind == VS_SCORE_THROUGHPUT;
        speed |= kind == VS_SCORE_SPEED;
        snprintf(c->categories[i], sizeof c->categories[i], "%.24s (%s)", r->runs[0].groups[i].name, what);
    }
    /* How each figure was made a score, in one line. */
    size_t n = 0;
    if (tput) n += (size_t)snprintf(c->subtitle + n, sizeof c->subtitle - n, "throughput: this / %.20s", base);
    if (cost && n < sizeof c->subtitle)
        n += (size_t)snprintf(c->subtitle + n, sizeof c->subtitle - n, "%sCPU per request: %.20s's / this",
                              n ? ";  " : "", base);
    if (speed && n < sizeof c->subtitle)
        snprintf(c->subtitle + n, sizeof c->subtitle - n, "%scompletion time: %.20s's / this", n ? ";  " : "", base);
    c->n_series = r->n_runs < VS_CHART_MAX_SERIES ? r->n_runs : VS_CHART_MAX_SERIES;
    for (uint32_t k = 0; k < c->n_series; k++) {
        snprintf(c->series[k].name, sizeof c->series[k].name, "%s", r->runs[k].engine);
        vs_chart_style_engine(&c->series[k], r->runs[k].engine);
        for (uint32_t i = 0; i < c->n_points; i++) {
            const struct vs_estimate *e = &vs_scores_at(sc, k, i)->score;
            /* Noise is not a difference: an interval holding 1 is drawn at 1. */
            c->series[k].y[i] = isnan(e->mean) ? 0 : vs_estimate_holds(e, 1.0) ? 1.0 : e->mean;
            c->series[k].missing[i] = isnan(e->mean); /* e.g. a batch that never finished */
            if (isnan(e->mean) && vs_scores_at(sc, k, i)->kind == VS_SCORE_SPEED)
                snprintf(c->missing_label, sizeof c->missing_label, "unfinished");
            c->series[k].lo[i] = e->low;
            c->series[k].hi[i] = e->high;
        }
    }
}

void vs_chart_breakdown(const struct vs_results *r, enum vs_chart_metric metric, struct vs_chart *c)
{
    memset(c, 0, sizeof *c);
    bool share = metric == VS_METRIC_SHARE, cycles = metric == VS_METRIC_CYCLES;
    c->style = VS_CHART_STACKED_BARS;
    for (int cat = 0; cat < VS_CAT_IDLE; cat++) vs_chart_style_category(&c->series[cat], (enum vs_cpu_cat)cat);
    if (share) {
        snprintf(c->title, sizeof c->title, "Where the CPU time went: %s", r->scenario);
        snprintf(c->x_label, sizeof c->x_label, "engine");
        snprintf(c->y_label, sizeof c->y_label, "share of the guests' host CPU time (%%)");
        snprintf(c->category_name, sizeof c->category_name, "engine");
        c->n_points = r->n_runs < VS_CHART_MAX_POINTS ? r->n_runs : VS_CHART_MAX_POINTS;
        for (uint32_t k = 0; k < c->n_points; k++) {
            snprintf(c->categories[k], sizeof c->categories[k], "%.40s", r->runs[k].engine);
            double total = 0;
            for (uint32_t g = 0; g < r->runs[k].n_groups; g++) total += vs_guest_cpu_ns(&r->runs[k].groups[g]);
            for (int cat = 0; cat < VS_CAT_IDLE; cat++) {
                double part = 0;
                for (uint32_t g = 0; g < r->runs[k].n_groups; g++) part += r->runs[k].groups[g].cpu_ns[cat];
                c->series[cat].y[k] = total > 0 ? 100.0 * part / total : 0;
            }
        }
    } else {
        /* Per request of each group: requests of different workloads are
         * not added up; each group has its own bars, one per engine. */
        snprintf(c->title, sizeof c->title, "Host CPU per request, by where it went: %s", r->scenario);
        snprintf(c->y_label, sizeof c->y_label, "host CPU per request (%s)", cycles ? "cycles" : "\xc2\xb5s");
        snprintf(c->category_name, sizeof c->category_name, "engine");
        uint32_t groups = r->n_runs ? r->runs[0].n_groups : 0;
        bool batch = false;
        for (uint32_t g = 0; g < groups; g++)
            for (uint32_t k = 0; k < r->n_runs && c->n_points < VS_CHART_MAX_POINTS; k++) {
                if (g >= r->runs[k].n_groups) continue;
                const struct vs_guest_result *gr = &r->runs[k].groups[g];
                uint32_t i = c->n_points++;
                batch |= gr->batch;
                snprintf(c->categories[i], sizeof c->categories[i], "%.40s", r->runs[k].engine);
                if (groups > 1) {
                    snprintf(c->groups[i], sizeof c->groups[i], "%.30s (per %s)", gr->name, gr->batch ? "job" : "request");
                    snprintf(c->group_name, sizeof c->group_name, "group");
                }
                double per = cycles ? r->runs[k].host.spec.cpu.frequency_hz / 1e9 : 1e-3;
                for (int cat = 0; cat < VS_CAT_IDLE; cat++)
                    c->series[cat].y[i] = gr->completed ? gr->cpu_ns[cat] / (double)gr->completed * per : 0;
            }
        snprintf(c->x_label, sizeof c->x_label, "%s", groups > 1 ? "engine, a panel per guest group (each its own scale)" : "engine");
        c->bar_panels = groups > 1;
        if (groups == 1 && r->n_runs)
            snprintf(c->subtitle, sizeof c->subtitle, "%s: %s per %s completed in the measured window",
                     r->runs[0].groups[0].name, cycles ? "host cycles" : "host CPU time", batch ? "job" : "request");
        else if (groups > 1)
            snprintf(c->subtitle, sizeof c->subtitle, "each guest group per request of its own workload (a batch per job), never added up");
    }
    /* Only the categories some engine used, in the order of the stack. */
    uint32_t n = 0;
    for (int cat = 0; cat < VS_CAT_IDLE; cat++) {
        bool used = false;
        for (uint32_t i = 0; i < c->n_points; i++) used |= c->series[cat].y[i] > 0;
        if (used) {
            if ((uint32_t)cat != n) c->series[n] = c->series[cat];
            n++;
        }
    }
    c->n_series = n;
}

void vs_chart_param_words(const char *param, char *buf, size_t len)
{
    static const struct {
        const char *field, *words;
    } fields[] = {
        {"count", "guests in the group"},
        {"vcpus", "virtual CPUs per guest"},
        {"weight", "CPU weight per guest"},
        {"memory", "memory per guest (bytes)"},
        {"cap", "CPU cap per guest (%)"},
        {"queue_limit", "queue limit per guest (requests)"},
        {"load.rate", "offered load per guest (requests/s)"},
        {"load.clients", "clients per guest"},
        {"load.total", "requests in each guest's batch"},
        {"load.think_time", "think time per client (s)"},
        {"request.instructions", "instructions per request"},
    };
    if (strncmp(param, "guests.", 7) == 0) {
        const char *dot = strchr(param + 7, '.');
        for (size_t i = 0; dot && i < sizeof fields / sizeof fields[0]; i++)
            if (strcmp(dot + 1, fields[i].field) == 0) {
                snprintf(buf, len, "%.*s: %s", (int)(dot - param - 7), param + 7, fields[i].words);
                return;
            }
        if (dot && strncmp(dot + 1, "request.", 8) == 0) {
            snprintf(buf, len, "%.*s: %s per request", (int)(dot - param - 7), param + 7, dot + 9);
            return;
        }
    }
    if (strcmp(param, "host.cpu.cores") == 0) snprintf(buf, len, "host CPU cores");
    else if (strcmp(param, "host.cpu.frequency") == 0) snprintf(buf, len, "host CPU frequency (Hz)");
    else if (strcmp(param, "host.memory.capacity") == 0) snprintf(buf, len, "host memory (bytes)");
    else if (strcmp(param, "duration") == 0) snprintf(buf, len, "simulated duration (s)");
    else if (strncmp(param, "host.costs.", 11) == 0) snprintf(buf, len, "host cost constant %s", param + 11);
    else snprintf(buf, len, "%s", param);
}

void vs_chart_sweep(const struct vs_scenario *sc, const struct vs_results *pts, uint32_t n,
                    enum vs_chart_metric metric, struct vs_chart *c)
{
    static const char *const what[] = {"throughput", "median latency", "p99 latency", "host CPU"};
    memset(c, 0, sizeof *c);
    if (metric > VS_METRIC_CPU) metric = VS_METRIC_THROUGHPUT;
    char param[96];
    vs_chart_param_words(sc->sweep.param, param, sizeof param);
    char bare[96];
    snprintf(bare, sizeof bare, "%s", param);
    char *unit_part = strstr(bare, " (");
    if (unit_part) *unit_part = '\0';
    snprintf(c->title, sizeof c->title, "%.40s: %s%s against %.80s", sc->name, what[metric],
             metric == VS_METRIC_THROUGHPUT ? " per guest" : "", bare);
    snprintf(c->x_label, sizeof c->x_label, "%.90s", param);
    const char *g0 = sc->n_guests ? sc->guests[0].name : "-";
    if (metric == VS_METRIC_THROUGHPUT)
        snprintf(c->y_label, sizeof c->y_label, "completed requests/s per %.30s guest (mean of the group)", g0);
    else if (metric == VS_METRIC_P50)
        snprintf(c->y_label, sizeof c->y_label, "median latency of %.30s requests (ms, all guests)", g0);
    else if (metric == VS_METRIC_P99)
        snprintf(c->y_label, sizeof c->y_label, "p99 latency of %.30s requests (ms, all guests)", g0);
    else
        snprintf(c->y_label, sizeof c->y_label, "host CPU utilisation, all guests (%% of every core)");
    c->style = VS_CHART_LINES;
    c->n_points = n < VS_CHART_MAX_POINTS ? n : VS_CHART_MAX_POINTS;
    c->n_series = sc->n_engines < VS_CHART_MAX_SERIES ? sc->n_engines : VS_CHART_MAX_SERIES;
    for (uint32_t k = 0; k < c->n_series; k++) {
        snprintf(c->series[k].name, sizeof c->series[k].name, "%s", sc->engines[k]);
        vs_chart_style_engine(&c->series[k], sc->engines[k]);
    }
    for (uint32_t i = 0; i < c->n_points; i++) {
        c->x[i] = sc->sweep.values[i];
        for (uint32_t k = 0; k < c->n_series && k < pts[i].n_runs; k++) {
            const struct vs_run_result *r = &pts[i].runs[k];
            const struct vs_guest_result *g = r->n_groups ? &r->groups[0] : NULL;
            double v = 0;
            if (metric == VS_METRIC_THROUGHPUT && g) v = g->throughput_per_s / (g->instances ? g->instances : 1);
            else if (metric == VS_METRIC_P50 && g) v = (double)g->latency.p50_ns / 1e6;
            else if (metric == VS_METRIC_P99 && g) v = (double)g->latency.p99_ns / 1e6;
            else if (metric == VS_METRIC_CPU) v = 100.0 * r->host.cpu_utilisation;
            c->series[k].y[i] = v;
        }
    }
}

/* A resource in words, for a label. */
static const char *resource_words(enum vs_resource r)
{
    switch (r) {
    case VS_RES_CPU: return "CPU";
    case VS_RES_MEMORY: return "memory";
    case VS_RES_DISK: return "disk";
    case VS_RES_NIC: return "NIC";
    default: return "none";
    }
}

void vs_chart_density(const struct vs_scenario *sc, const struct vs_density_result *r, uint32_t n,
                      const char *sla, struct vs_chart *c)
{
    memset(c, 0, sizeof *c);
    bool has_sla = sla && sla[0];
    if (has_sla)
        snprintf(c->title, sizeof c->title, "Guests per host with %.40s: %.40s on %.40s", sla, sc->guests[0].workload.name,
                 sc->hosts[0].spec.name);
    else
        snprintf(c->title, sizeof c->title, "Guests per host, no SLA: guests that start (%.40s on %.40s)",
                 sc->guests[0].workload.name, sc->hosts[0].spec.name);
    snprintf(c->subtitle, sizeof c->subtitle, "%s; after each count, the resource that ran out first one guest later",
             has_sla ? "the most guests for which every guest met the SLA" : "the most guests the host could start");
    snprintf(c->x_label, sizeof c->x_label, "approach (workload %.40s)", sc->guests[0].workload.name);
    snprintf(c->y_label, sizeof c->y_label, has_sla ? "guests per host meeting the SLA" : "guests per host that start");
    c->style = VS_CHART_GROUPED_BARS;
    c->value_labels = true;
    snprintf(c->value_format, sizeof c->value_format, "%%.0f");
    c->n_points = 1;
    snprintf(c->categories[0], sizeof c->categories[0], "%.40s", sc->guests[0].workload.name);
    c->n_series = n < VS_CHART_MAX_SERIES ? n : VS_CHART_MAX_SERIES;
    for (uint32_t k = 0; k < c->n_series; k++) {
        snprintf(c->series[k].name, sizeof c->series[k].name, "%s", r[k].engine);
        vs_chart_style_engine(&c->series[k], r[k].engine);
        c->series[k].y[0] = r[k].density;
        if (r[k].capped) snprintf(c->series[k].note, sizeof c->series[k].note, "(search bound)");
        else if (r[k].limit != VS_RES_NONE)
            snprintf(c->series[k].note, sizeof c->series[k].note, "(%s)", resource_words(r[k].limit));
    }
}

/* Neighbouring probes this close are joined by a line: one guest apart, or
 * within a sixteenth of the largest count plotted, a stretch short enough
 * on the axis that a straight line hides no bend worth a lecture; further
 * apart, the search jumped (galloping from 16 guests to 243) and nothing
 * between was simulated. `virtsim density --curve` probes at this spacing. */
uint32_t vs_chart_curve_join(uint32_t largest_guests)
{
    uint32_t join = (largest_guests + 15) / 16;
    return join > 1 ? join : 1;
}

void vs_chart_density_curve(const struct vs_scenario *sc, const struct vs_density_result *r, uint32_t n,
                            double p99_sla_ns, struct vs_chart *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->title, sizeof c->title, "p99 latency as guests are added: %.40s on %.40s",
             sc->guests[0].workload.name, sc->hosts[0].spec.name);
    snprintf(c->x_label, sizeof c->x_label, "guests on the host");
    snprintf(c->y_label, sizeof c->y_label, "p99 latency of the guests' requests (ms)");
    c->style = VS_CHART_LINES;
    c->own_x = true;
    c->every_marker = true;
    c->n_series = n < VS_CHART_MAX_SERIES ? n : VS_CHART_MAX_SERIES;
    /* What is plotted: probes simulated in full. One that stopped early
     * has figures of part of its window only (or a hint), one decided by
     * memory has none, and one where guests did not start has no latency
     * of the guests asked for. */
    uint32_t largest = 0;
    for (uint32_t k = 0; k < c->n_series; k++)
        for (uint32_t i = 0; i < r[k].n_points; i++)
            if (r[k].points[i].basis == VS_PROBE_FULL && r[k].points[i].failed == 0 &&
                r[k].points[i].guests > largest)
                largest = r[k].points[i].guests;
    uint32_t join = vs_chart_curve_join(largest);
    bool any_gap = false, any_unplotted = false;
    for (uint32_t k = 0; k < c->n_series; k++) {
        struct vs_chart_series *s = &c->series[k];
        snprintf(s->name, sizeof s->name, "%s", r[k].engine);
        vs_chart_style_engine(s, r[k].engine);
        uint32_t first_failed = 0;
        for (uint32_t i = 0; i < r[k].n_points && s->n < VS_CHART_MAX_POINTS; i++) {
            const struct vs_density_point *p = &r[k].points[i];
            if (p->failed == 0 && p->basis == VS_PROBE_FULL) {
                s->x[s->n] = p->guests;
                s->y[s->n] = (double)p->p99_ns / 1e6;
                s->gap[s->n] = s->n > 0 && p->guests - (uint32_t)s->x[s->n - 1] > join;
                any_gap |= s->gap[s->n];
                s->n++;
            } else {
                any_unplotted = true;
                if (p->failed > 0 && !first_failed) first_failed = p->guests;
            }
        }
        if (s->n > c->n_points) c->n_points = s->n;
        /* Why the line ends: the search's bound, guests that did not start
         * (memory), or the SLA missed with the resource that ran out. */
        if (r[k].capped)
            snprintf(s->end_label, sizeof s->end_label, "%.16s: search bound (--max) reached", r[k].engine);
        else if (first_failed && r[k].limit != VS_RES_MEMORY && r[k].limit != VS_RES_NONE)
            snprintf(s->end_label, sizeof s->end_label, "%.12s: SLA missed past %u (%s); memory full at %u",
                     r[k].engine, r[k].density, resource_words(r[k].limit), first_failed);
        else if (first_failed)
            snprintf(s->end_label, sizeof s->end_label, "%.16s: memory full, guest %u cannot start", r[k].engine,
                     first_failed);
        else if (r[k].limit != VS_RES_NONE)
            snprintf(s->end_label, sizeof s->end_label, "%.16s: SLA missed past %u (%s)", r[k].engine, r[k].density,
                     resource_words(r[k].limit));
    }
    /* The caption says what a marker and each kind of line mean. */
    int used = snprintf(c->subtitle, sizeof c->subtitle,
                        "a marker per probe simulated in full; solid: probes at most %u guest%s apart", join,
                        join == 1 ? "" : "s");
    if (any_gap && used > 0 && (size_t)used < sizeof c->subtitle)
        used += snprintf(c->subtitle + used, sizeof c->subtitle - (size_t)used,
                         ", dotted: not simulated between probes");
    if (any_unplotted && used > 0 && (size_t)used < sizeof c->subtitle)
        snprintf(c->subtitle + used, sizeof c->subtitle - (size_t)used,
                 "; probes stopped early or beyond memory not drawn");
    if (any_gap) snprintf(c->gap_label, sizeof c->gap_label, "not simulated");
    if (p99_sla_ns > 0) {
        c->has_hline = true;
        c->hline = p99_sla_ns / 1e6;
        snprintf(c->hline_label, sizeof c->hline_label, "SLA p99 < %g ms", p99_sla_ns / 1e6);
    }
}

static double cost_total_ns(const struct vs_density_result *r)
{
    double total = 0;
    for (int c = 0; c < VS_CAT_COUNT; c++)
        if (c != VS_CAT_IDLE) total += r->cpu_per_op_ns[c];
    return total;
}

void vs_chart_tradeoff(const struct vs_scenario *sc, const struct vs_density_result *r, uint32_t n, const char *sla,
                       struct vs_chart *c)
{
    memset(c, 0, sizeof *c);
    const struct vs_density_result *base = NULL;
    for (uint32_t k = 0; k < n; k++)
        if (strcmp(r[k].engine, "native") == 0 && r[k].cost_ops > 0) base = &r[k];
    bool has_sla = sla && sla[0];
    snprintf(c->title, sizeof c->title, "Overhead against density: %.40s on %.40s%s%.40s", sc->guests[0].workload.name,
             sc->hosts[0].spec.name, has_sla ? ", SLA " : ", no SLA", has_sla ? sla : "");
    snprintf(c->subtitle, sizeof c->subtitle,
             "%s; up: more guests per host, right: each operation costs more",
             base ? "x: host CPU per operation of one guest alone over native's (1.00 within twice the counting noise)"
                  : "x: host CPU per operation of one guest alone");
    snprintf(c->x_label, sizeof c->x_label, base ? "CPU per operation over native's (log scale)"
                                                 : "host CPU per operation (us, log scale)");
    snprintf(c->y_label, sizeof c->y_label, has_sla ? "guests per host meeting the SLA" : "guests per host that start");
    c->style = VS_CHART_LINES;
    c->own_x = true;
    c->log_x = true;
    snprintf(c->category_name, sizeof c->category_name, "cost");
    for (uint32_t k = 0; k < n && c->n_series < VS_CHART_MAX_SERIES; k++) {
        if (r[k].cost_ops == 0) continue;
        struct vs_chart_series *s = &c->series[c->n_series++];
        snprintf(s->name, sizeof s->name, "%s", r[k].engine);
        vs_chart_style_engine(s, r[k].engine);
        double x = cost_total_ns(&r[k]) / 1e3;
        if (base) {
            /* One run, no replications: the noise rule of the TUI (tradeoff.h). */
            double b = cost_total_ns(base);
            double noise = 2.0 * sqrt(1.0 / (double)r[k].cost_ops + 1.0 / (double)base->cost_ops);
            x = cost_total_ns(&r[k]) / b;
            if (fabs(x - 1) <= noise) x = 1.0;
        }
        s->x[0] = x;
        s->y[0] = r[k].density;
        s->n = 1;
        char lim[24];
        if (r[k].capped) snprintf(lim, sizeof lim, "search bound");
        else snprintf(lim, sizeof lim, "%s", resource_words(r[k].limit));
        if (base)
            snprintf(s->end_label, sizeof s->end_label, "%.16s: %s%u guests (%s), %.2fx", r[k].engine,
                     r[k].capped ? ">=" : "", r[k].density, lim, x);
        else
            snprintf(s->end_label, sizeof s->end_label, "%.16s: %s%u guests (%s), %.1f us", r[k].engine,
                     r[k].capped ? ">=" : "", r[k].density, lim, x);
    }
    c->n_points = c->n_series ? 1 : 0;
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
    for (uint32_t s = 0; s < c->n_series; s++) {
        snprintf(c->series[s].name, sizeof c->series[s].name, "%s", resources[s]);
        /* Each resource its own colour and hatching, in every hosts chart. */
        c->series[s].styled = true;
        c->series[s].color = vs_palette_resource((enum vs_palette_resource)s);
        c->series[s].pattern = (int)s;
    }
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
    snprintf(c->title, sizeof c->title, "%s: each guest group's throughput over time", tl->scenario);
    c->style = VS_CHART_LINES;
    c->own_x = true;
    /* A panel per engine, each on its own run's clock from 0 (its boot
     * included, its events where they happened in it); a line per group,
     * as a share of that group's mean rate under the reference engine
     * (native, else the first), because requests of unlike workloads do
     * not add up and a build's jobs per second would vanish beside a web
     * server's requests. */
    uint32_t ref = 0;
    for (uint32_t k = 0; k < tl->n_series; k++)
        if (strcmp(tl->series[k].engine, "native") == 0) {
            ref = k;
            break;
        }
    const struct vs_timeline_series *rs = tl->n_series ? &tl->series[ref] : NULL;
    double mean[VS_TIMELINE_MAX_GROUPS] = {0};
    for (uint32_t g = 0; rs && g < tl->n_groups; g++) {
        /* The reference's mean after its boot (or over its whole run). */
        double sum = 0, span = 0;
        vs_time_ns prev = 0;
        for (uint32_t i = 0; i < rs->n; i++) {
            double dt = (double)(rs->at_ns[i] - prev);
            if (prev >= rs->booted_ns) {
                sum += rs->rate_per_s[g][i] * dt;
                span += dt;
            }
            prev = rs->at_ns[i];
        }
        mean[g] = span > 0 ? sum / span : 0;
    }
    snprintf(c->subtitle, sizeof c->subtitle, "a panel per engine on its own run's clock, boots and events marked; "
                                              "100 %% = the group's mean under %.30s",
             rs ? rs->engine : "-");
    snprintf(c->x_label, sizeof c->x_label, "simulated time since the engine's run started, its boot included (s)");
    snprintf(c->y_label, sizeof c->y_label, "throughput, %% of the group's mean under %.30s", rs ? rs->engine : "-");
    c->n_panels = tl->n_series < VS_CHART_MAX_PANELS ? tl->n_series : VS_CHART_MAX_PANELS;
    snprintf(c->group_name, sizeof c->group_name, "engine");
    for (uint32_t k = 0; k < c->n_panels; k++) {
        const struct vs_timeline_series *s = &tl->series[k];
        snprintf(c->panel_title[k], sizeof c->panel_title[k], "%.30s (its run: %.1f s)", s->engine,
                 (double)s->end_ns / 1e9);
        snprintf(c->panel_name[k], sizeof c->panel_name[k], "%.40s", s->engine);
        for (uint32_t g = 0; g < tl->n_groups && c->n_series < VS_CHART_MAX_SERIES; g++) {
            if (!(mean[g] > 0)) continue; /* nothing to compare with */
            struct vs_chart_series *cs = &c->series[c->n_series++];
            snprintf(cs->name, sizeof cs->name, "%.30s%s", tl->group[g], tl->batch[g] ? " (jobs, smoothed)" : "");
            /* Groups are neither engines nor categories: a colour each by
             * its place in the scenario, the same in every panel. */
            cs->styled = true;
            cs->color = (struct vs_rgb){palette[g % 8][0], palette[g % 8][1], palette[g % 8][2]};
            cs->pattern = (int)g;
            cs->panel = k;
            uint32_t n = s->n < VS_CHART_MAX_POINTS ? s->n : VS_CHART_MAX_POINTS;
            for (uint32_t i = 0; i < n; i++) {
                cs->x[i] = (double)s->at_ns[i] / 1e9;
                /* A batch finishes a few jobs a step: its rate is the mean
                 * of the last five steps, or it would be all spikes. */
                double sum = 0, span = 0;
                for (uint32_t j = i + 1 > 5 && tl->batch[g] ? i - 4 : (tl->batch[g] ? 0 : i); j <= i; j++) {
                    double dt = (double)(s->at_ns[j] - (j ? s->at_ns[j - 1] : 0));
                    sum += s->rate_per_s[g][j] * dt;
                    span += dt;
                }
                cs->y[i] = span > 0 ? 100.0 * sum / span / mean[g] : 0;
            }
            cs->n = n;
            if (n > c->n_points) c->n_points = n;
        }
        /* What happened at one moment is one mark: "web, db booted". */
        for (uint32_t m = 0; m < s->n_marks && c->n_marks < VS_CHART_MAX_MARKS; m++) {
            uint32_t last = c->n_marks - 1;
            const char *boot = strstr(s->mark_label[m], " booted");
            /* Boots within 3 % of the run of one another share a label. */
            double near = (double)s->end_ns / 1e9 * 0.03;
            bool close_boot = c->n_marks && boot && strstr(c->mark_label[last], " booted") &&
                              (double)s->mark_ns[m] / 1e9 - c->mark_x[last] <= near;
            if (c->n_marks && c->mark_panel[last] == k &&
                (c->mark_x[last] == (double)s->mark_ns[m] / 1e9 || close_boot)) {
                char *prev = c->mark_label[last], *pboot = strstr(prev, " booted");
                size_t len = strlen(prev);
                if (boot && pboot && !pboot[7]) {
                    char joined[96];
                    snprintf(joined, sizeof joined, "%.*s, %.*s booted", (int)(pboot - prev), prev,
                             (int)(boot - s->mark_label[m]), s->mark_label[m]);
                    memcpy(prev, joined, sizeof joined);
                } else {
                    snprintf(prev + len, sizeof c->mark_label[0] - len, "; %s", s->mark_label[m]);
                }
                continue;
            }
            c->mark_x[c->n_marks] = (double)s->mark_ns[m] / 1e9;
            c->mark_panel[c->n_marks] = k;
            snprintf(c->mark_label[c->n_marks], sizeof c->mark_label[0], "%s", s->mark_label[m]);
            c->n_marks++;
        }
    }
    /* A few jobs a step make a batch's rate jump: the axis stops at 200 %
     * (the CSV has every value). */
    c->y_max = 200;
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
        vs_chart_style_engine(&c->series[k], s->engine);
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

/* One colour per place: the CPU category's, as in every other chart;
 * waits light grey. */
static struct vs_rgb lane_color(enum vs_cpu_cat cat)
{
    if (cat == VS_CAT_IDLE) return (struct vs_rgb){0.75, 0.75, 0.75};
    return vs_palette_category(cat);
}

static double step_ns(const struct vs_trace_report *r, const struct vs_step *st)
{
    return st->delay_ns + vs_cycles_to_ns(&r->host.cpu, st->cycles);
}

/* s cut at a character boundary, with an ellipsis, to fit max_w in the
 * current font (whole when it fits): SVG text is not clipped by cairo, so
 * a line must fit before it is drawn. */
static void fit_text(cairo_t *cr, const char *s, double max_w, char *out, size_t len)
{
    snprintf(out, len, "%s", s);
    if (text_width(cr, out) <= max_w) return;
    size_t lo = 0, hi = strlen(out);
    char *try = malloc(len + 4);
    if (!try) return;
    while (lo < hi) { /* the longest prefix that fits with the ellipsis */
        size_t mid = (lo + hi + 1) / 2;
        while (mid > 0 && ((unsigned char)s[mid] & 0xC0) == 0x80) mid--;
        if (mid <= lo) break;
        snprintf(try, len + 4, "%.*s\u2026", (int)mid, s);
        if (text_width(cr, try) <= max_w) lo = mid;
        else hi = mid - 1;
    }
    while (lo > 0 && ((unsigned char)s[lo] & 0xC0) == 0x80) lo--;
    while (lo > 0 && s[lo - 1] == ' ') lo--;
    snprintf(out, len, "%.*s\u2026", (int)lo, s);
    free(try);
}

/* The smallest scale the trace chart's text and lanes shrink to; below
 * it the figure grows taller instead (trace_height). */
#define TRACE_MIN_SCALE 0.7

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
    if (text_width(cr, title) > W - 3 * u) {
        /* The operation's explanation in brackets goes first: the host
         * and its clock matter more in a title. */
        const char *paren = strstr(r->what, " (");
        int what_len = paren ? (int)(paren - r->what) : (int)strlen(r->what);
        snprintf(title, sizeof title, "One %.*s, step by step (host %s, %.2f GHz)", what_len, r->what,
                 r->host.name, r->host.cpu.frequency_hz / 1e9);
    }
    if (text_width(cr, title) > W - 3 * u) cairo_set_font_size(cr, 1.9 * u);
    char shown[300];
    fit_text(cr, title, W - 3 * u, shown, sizeof shown);
    text(cr, W / 2, 1.2 * u, shown, 0.5, 0);

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
    if (scale < TRACE_MIN_SCALE) scale = TRACE_MIN_SCALE; /* vs_trace_chart made the figure taller */
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
            set_rgb(cr, lane_color(cat));
            cairo_rectangle(cr, x0, lane_y[cat] + lane_h * 0.1, w, lane_h * 0.7);
            cairo_fill_preserve(cr);
            cairo_set_source_rgb(cr, 0, 0, 0);
            cairo_set_line_width(cr, 0.08 * u);
            cairo_stroke(cr);
            if (cat == VS_CAT_IDLE) {
                set_rgb(cr, lane_color(cat)); /* hatch picks its lines' colour from the fill */
                hatch(cr, x0, lane_y[cat] + lane_h * 0.1, w, lane_h * 0.7, 1, u);
            }
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
            char line[480], tlab[32];
            time_label(step_ns(r, st), total_ns, tlab, sizeof tlab);
            /* Number and place kept whole; the description shortened
             * (with an ellipsis) to its column, in SVG as in PNG. */
            char prefix[80], suffix[80], what_fit[300];
            snprintf(prefix, sizeof prefix, "%u.  %s%.40s%s", i + 1, st->part ? "[" : "", st->part ? st->part : "",
                     st->part ? "] " : "");
            snprintf(suffix, sizeof suffix, " (%s, %s)", tlab, st->delay_ns > 0 ? "waiting" : vs_trace_place(st->cat));
            cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
            double cx = i < rows ? 3 * u : W / 2 + 1 * u;
            double cy = list_top + (i < rows ? i : i - rows) * line_h;
            double col_w = (two_columns && i < rows ? W / 2 - 2 * u : W - 1 * u) - cx;
            fit_text(cr, st->what, col_w - text_width(cr, prefix) - text_width(cr, suffix), what_fit, sizeof what_fit);
            snprintf(line, sizeof line, "%s%s%s", prefix, what_fit, suffix);
            text(cr, cx, cy, line, 0, 0);
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
    /* Many approaches and steps: the figure grows taller rather than its
     * text shrinking below legibility (draw_trace's budget, at its
     * smallest scale). */
    double u = width / 100.0, units = 0;
    for (uint32_t k = 0; k < r->n_runs; k++) {
        const struct vs_trace_op *op = &r->runs[k].ops[0];
        bool used[VS_CAT_COUNT] = {false};
        uint32_t lanes = 0, listed = 0;
        for (uint32_t i = 0; i < op->steps.n_steps; i++) {
            enum vs_cpu_cat cat = op->steps.steps[i].delay_ns > 0 ? VS_CAT_IDLE : op->steps.steps[i].cat;
            if (!used[cat]) lanes++;
            used[cat] = true;
        }
        for (uint32_t j = 0; j < r->n_runs; j++) listed += r->runs[j].ops[0].steps.n_steps;
        uint32_t n = op->steps.n_steps;
        units += 2.4 + 0.9 + lanes * 2.6 + (listed > 14 ? (n + 1) / 2 : n) * 1.9;
    }
    double needed = 4.6 * u + 6.0 * u + units * u * TRACE_MIN_SCALE;
    if (height < needed) height = ceil(needed);
    return render(path, width, height, draw_trace, r, title, desc, err);
}
