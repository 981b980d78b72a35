/* A lab as a document: the text `virtsim lab show` prints, and handouts
 * (`virtsim lab handout`) in Markdown or HTML with each step's chart beside
 * them (PNG, SVG), or in PDF with text and charts on A4 pages (cairo). With
 * the key, a handout adds the computed answers, the explanations and the
 * instructor notes: the key comes from the same runs as the charts. Lab
 * text is written as light Markdown: paragraphs, "- " bullets, `code`. */
#include <cairo-pdf.h>
#include <cairo.h>
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "virtsim/lab/lab.h"
#include "virtsim/out/chart.h"
#include "virtsim/out/output.h"
#include "virtsim/run/density.h"
#include "virtsim/run/stepper.h"

/* ---- shared descriptions ---- */

static void step_source(const struct vs_lab_step *st, char *buf, size_t len)
{
    const struct vs_scenario *sc = st->scenario;
    char engines[VS_MAX_ENGINES * (VS_NAME_MAX + 2)] = "";
    size_t used = 0;
    for (uint32_t k = 0; k < sc->n_engines && used < sizeof engines; k++)
        used += (size_t)snprintf(engines + used, sizeof engines - used, "%s%s", k ? ", " : "", sc->engines[k]);
    const char *what = st->source == VS_LAB_SRC_SCENARIO ? "the built-in scenario"
                     : st->source == VS_LAB_SRC_WORKLOAD ? "the workload alone, saturated:"
                                                         : "the scenario";
    snprintf(buf, len, "%s %s on host %s, under %s; seed %llu", what,
             st->source == VS_LAB_SRC_INLINE ? sc->name : st->source_name, sc->hosts[0].spec.name, engines,
             (unsigned long long)sc->seed);
    if (st->reps > 1) snprintf(buf + strlen(buf), len - strlen(buf), ", %u replications", st->reps);
    if (st->isolation)
        snprintf(buf + strlen(buf), len - strlen(buf), "; the victim %s alone, beside each neighbour and beside all",
                 st->victim[0] ? st->victim : "(marked victim: true)");
    if (st->density) {
        snprintf(buf + strlen(buf), len - strlen(buf), "; density search under");
        for (uint32_t i = 0; i < st->n_slas; i++)
            snprintf(buf + strlen(buf), len - strlen(buf), "%s %s", i ? "," : "", st->slas[i]);
        if (st->overcommit_sharing || st->overcommit_balloon)
            snprintf(buf + strlen(buf), len - strlen(buf), ", guests counted with %s%s%s settled",
                     st->overcommit_sharing ? "page sharing" : "",
                     st->overcommit_sharing && st->overcommit_balloon ? " and " : "",
                     st->overcommit_balloon ? "ballooning" : "");
    }
}

static const char *do_label(enum vs_lab_do_kind k)
{
    return k == VS_LAB_DO_RUN ? "Run" : k == VS_LAB_DO_TUI ? "In the TUI" : k == VS_LAB_DO_CHANGE ? "Change" : NULL;
}

static uint32_t count_checked(const struct vs_lab *lab, uint32_t *all)
{
    uint32_t n = 0;
    *all = 0;
    for (uint32_t s = 0; s < lab->n_steps; s++)
        for (uint32_t q = 0; q < lab->steps[s].n_questions; q++) {
            (*all)++;
            n += lab->steps[s].questions[q].kind != VS_LAB_Q_TEXT;
        }
    return n;
}

static void duration_text(vs_time_ns ns, char *buf, size_t len)
{
    snprintf(buf, len, "%.0f min", (double)ns / 60e9);
}

/* ---- text (lab show) ---- */

/* Writes text wrapped at `width` with `indent` spaces, keeping blank lines
 * and "- " bullets (continued under their text). */
static void wrap(FILE *f, const char *text, int indent, int width)
{
    const char *p = text;
    while (*p) {
        size_t n = strcspn(p, "\n");
        if (n == 0) {
            fputc('\n', f);
            p++;
            continue;
        }
        bool bullet = n >= 2 && p[0] == '-' && p[1] == ' ';
        int col = 0, hang = bullet ? 2 : 0;
        const char *w = p, *end = p + n;
        fprintf(f, "%*s", indent, "");
        while (w < end) {
            while (w < end && *w == ' ') w++;
            const char *we = w;
            while (we < end && *we != ' ') we++;
            int wl = (int)(we - w);
            if (wl == 0) break;
            if (col > 0 && indent + col + 1 + wl > width) {
                fprintf(f, "\n%*s", indent + hang, "");
                col = hang;
            } else if (col > 0) {
                fputc(' ', f);
                col++;
            }
            fwrite(w, 1, (size_t)wl, f);
            col += wl;
            w = we;
        }
        fputc('\n', f);
        p = *end ? end + 1 : end;
    }
}

void vs_lab_heading(const struct vs_lab *lab, char *buf, size_t len)
{
    if (lab->number) snprintf(buf, len, "Lab %u: %s", lab->number, lab->title);
    else snprintf(buf, len, "Lab: %s", lab->title);
}

void vs_lab_write_text(FILE *f, const struct vs_lab *lab)
{
    uint32_t all, checked = count_checked(lab, &all);
    char dur[32];
    duration_text(lab->duration_ns, dur, sizeof dur);
    char heading[1024];
    vs_lab_heading(lab, heading, sizeof heading);
    fprintf(f, "%s\n", heading);
    fprintf(f, "%s, about %s; %u steps, %u questions (%u checked against the simulation)\n\n",
            vs_lab_level_name(lab->level), dur, lab->n_steps, all, checked);
    fputs("Learning objectives\n", f);
    for (uint32_t i = 0; i < lab->n_objectives; i++) {
        char line[VS_TEXT_MAX * 8];
        snprintf(line, sizeof line, "- %s", lab->objectives[i]);
        wrap(f, line, 2, 100);
    }
    fputs("\nBackground\n", f);
    wrap(f, lab->background, 2, 100);
    if (lab->n_references) {
        fputs("\nReferences\n", f);
        for (uint32_t i = 0; i < lab->n_references; i++) {
            char line[2048];
            snprintf(line, sizeof line, "- %s", lab->references[i]);
            wrap(f, line, 2, 100);
        }
    }
    for (uint32_t s = 0; s < lab->n_steps; s++) {
        const struct vs_lab_step *st = &lab->steps[s];
        char src[1024];
        step_source(st, src, sizeof src);
        fprintf(f, "\nStep %u: %s\n", s + 1, st->title);
        wrap(f, st->text, 2, 100);
        fprintf(f, "\n  Scenario: %s.\n  See it: virtsim lab run %s %u (the figures the answers are computed from)\n",
                src, lab->name, s + 1);
        if (st->n_todo) fputs("  Do:\n", f);
        for (uint32_t i = 0; i < st->n_todo; i++) {
            char line[4096];
            const char *label = do_label(st->todo[i].kind);
            snprintf(line, sizeof line, "- %s%s%s", label ? label : "", label ? ": " : "", st->todo[i].text);
            wrap(f, line, 4, 100);
        }
        for (uint32_t k = 0; k < st->n_questions; k++) {
            const struct vs_lab_question *q = &st->questions[k];
            char id[16], line[4096];
            vs_lab_question_id(s, k, id, sizeof id);
            snprintf(line, sizeof line, "%s (%s%s%s) %s", id, vs_lab_qkind_name(q->kind),
                     q->kind == VS_LAB_Q_NUMBER && q->unit[0] ? ", in " : "", q->kind == VS_LAB_Q_NUMBER ? q->unit : "",
                     q->prompt);
            fputc('\n', f);
            wrap(f, line, 2, 100);
            for (uint32_t c = 0; c < q->n_choices; c++) {
                snprintf(line, sizeof line, "%c) %s", 'a' + (int)c, q->choices[c].text);
                wrap(f, line, 6, 100);
            }
        }
    }
}

/* ---- charts ---- */

static bool has_migration(const struct vs_scenario *sc)
{
    for (uint32_t i = 0; i < sc->n_events; i++)
        if (strcmp(sc->events[i].action, "migrate") == 0) return true;
    return false;
}

/* The step's chart from its results; false when it has none. */
static bool step_chart(const struct vs_lab_step *st, const struct vs_lab_results *r, struct vs_chart *c)
{
    enum vs_lab_chart kind = st->chart;
    memset(c, 0, sizeof *c);
    if (kind == VS_LAB_CHART_NONE) return false;
    if (kind == VS_LAB_CHART_AUTO)
        kind = r->density ? VS_LAB_CHART_DENSITY
             : r->isolation ? VS_LAB_CHART_ISOLATION
             : has_migration(st->scenario) ? VS_LAB_CHART_MIGRATION
             : r->res.n_runs > 1 ? VS_LAB_CHART_RELATIVE : VS_LAB_CHART_BREAKDOWN;
    if (r->density != (kind == VS_LAB_CHART_DENSITY) || r->isolation != (kind == VS_LAB_CHART_ISOLATION))
        return false;
    switch (kind) {
    case VS_LAB_CHART_ISOLATION: vs_isolation_chart(&r->iso, c); break;
    case VS_LAB_CHART_DENSITY: vs_chart_density(st->scenario, r->dens, r->n_dens, st->slas[0], c); break;
    case VS_LAB_CHART_RELATIVE: vs_chart_relative(&r->res, c); break;
    case VS_LAB_CHART_BREAKDOWN: vs_chart_breakdown(&r->res, VS_METRIC_US, c); break;
    case VS_LAB_CHART_HOSTS: vs_chart_hosts(&r->res, c); break;
    case VS_LAB_CHART_MIGRATION: {
        struct vs_migration_view *v = calloc(1, sizeof *v);
        struct vs_error e;
        bool ok = v && vs_stepper_migration(st->scenario, st->scenario->seed, VS_NS_PER_S / 4, v, &e) == VS_OK;
        if (ok) vs_chart_migration(v, VS_METRIC_P99, c);
        free(v);
        if (!ok) return false;
        break;
    }
    default: return false;
    }
    return c->n_series > 0 || c->n_points > 0;
}

/* ---- the document model every format writes ---- */

struct doc {
    const struct vs_lab *lab;
    bool key;
    struct vs_lab_results results[VS_LAB_MAX_STEPS];
    bool ran[VS_LAB_MAX_STEPS];
    struct vs_chart *charts[VS_LAB_MAX_STEPS]; /* NULL: none */
};

static void doc_free(struct doc *d)
{
    for (uint32_t s = 0; s < VS_LAB_MAX_STEPS; s++) {
        if (d->ran[s]) vs_lab_results_free(&d->results[s]);
        free(d->charts[s]);
    }
}

static int doc_build(struct doc *d, uint32_t threads, struct vs_control *control, struct vs_error *err)
{
    for (uint32_t s = 0; s < d->lab->n_steps; s++) {
        const struct vs_lab_step *st = &d->lab->steps[s];
        if (st->chart == VS_LAB_CHART_NONE && !d->key) continue;
        int rc = vs_lab_run_step(d->lab, s, threads, control, &d->results[s], err);
        if (rc != VS_OK) return rc;
        d->ran[s] = true;
        d->charts[s] = malloc(sizeof *d->charts[s]);
        if (!d->charts[s]) return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
        if (!step_chart(st, &d->results[s], d->charts[s])) {
            free(d->charts[s]);
            d->charts[s] = NULL;
        }
    }
    return VS_OK;
}

/* "3.21 ms (accepted 2.89 to 3.53)", "b) kvm", or the model answer. */
static void key_line(const struct doc *d, uint32_t s, const struct vs_lab_question *q, char *buf, size_t len)
{
    struct vs_lab_key k;
    vs_lab_question_key(q, &d->results[s], &k);
    if (q->kind == VS_LAB_Q_TEXT) {
        snprintf(buf, len, "%s", q->model_answer ? q->model_answer : "(for the instructor to grade)");
        return;
    }
    if (!k.ok) {
        snprintf(buf, len, "no key: %s", k.why);
        return;
    }
    char text[64], why[256];
    vs_lab_key_text(q, &k, text, sizeof text);
    if (q->kind == VS_LAB_Q_CHOICE) {
        snprintf(buf, len, "%s) %s", text, q->choices[k.choice].text);
        return;
    }
    vs_lab_grade(q, &k, text, why, sizeof why);
    snprintf(buf, len, "%s", why);
}

/* ---- Markdown and HTML ---- */

static void html_escape(FILE *f, const char *s, size_t n)
{
    for (size_t i = 0; i < n && s[i]; i++) {
        if (s[i] == '<') fputs("&lt;", f);
        else if (s[i] == '>') fputs("&gt;", f);
        else if (s[i] == '&') fputs("&amp;", f);
        else if (s[i] == '"') fputs("&quot;", f);
        else fputc(s[i], f);
    }
}

/* A line of lab text as HTML: `code` spans, the rest escaped. */
static void html_inline(FILE *f, const char *s, size_t n)
{
    bool code = false;
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == '`') {
            html_escape(f, s + start, i - start);
            if (i < n) fputs(code ? "</code>" : "<code>", f);
            code = !code;
            start = i + 1;
        }
    }
    if (!code) fputs("</code>", f); /* an unclosed span: close it */
}

/* Paragraphs and bullet lists of lab text as HTML. */
static void html_block(FILE *f, const char *text)
{
    const char *p = text;
    bool in_p = false, in_ul = false;
    while (*p) {
        size_t n = strcspn(p, "\n");
        bool bullet = n >= 2 && p[0] == '-' && p[1] == ' ';
        if (n == 0 || bullet) {
            if (in_p) fputs("</p>\n", f);
            in_p = false;
        }
        if (!bullet && in_ul && n == 0) {
            fputs("</ul>\n", f);
            in_ul = false;
        }
        if (bullet) {
            if (!in_ul) fputs("<ul>\n", f);
            in_ul = true;
            fputs("<li>", f);
            html_inline(f, p + 2, n - 2);
            fputs("</li>\n", f);
        } else if (n > 0) {
            if (in_ul) {
                fputs("</ul>\n", f);
                in_ul = false;
            }
            fputs(in_p ? "\n" : "<p>", f);
            in_p = true;
            html_inline(f, p, n);
        }
        p += n;
        if (*p) p++;
    }
    if (in_p) fputs("</p>\n", f);
    if (in_ul) fputs("</ul>\n", f);
}

static void chart_path(const char *doc_path, uint32_t s, const char *ext, char *buf, size_t len)
{
    const char *dot = strrchr(doc_path, '.'), *slash = strrchr(doc_path, '/');
    size_t stem = dot && (!slash || dot > slash) ? (size_t)(dot - doc_path) : strlen(doc_path);
    snprintf(buf, len, "%.*s-step%u.%s", (int)stem, doc_path, s + 1, ext);
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static void write_md(FILE *f, const struct doc *d, const char *path)
{
    const struct vs_lab *lab = d->lab;
    uint32_t all, checked = count_checked(lab, &all);
    char dur[32], src[1024], img[1100], line[4096];
    duration_text(lab->duration_ns, dur, sizeof dur);
    char heading[1024];
    vs_lab_heading(lab, heading, sizeof heading);
    fprintf(f, "# %s%s\n\n", heading, d->key ? " (instructor's key)" : "");
    fprintf(f, "*%s, about %s; %u steps, %u questions, %u of them checked against the simulation.*\n\n",
            vs_lab_level_name(lab->level), dur, lab->n_steps, all, checked);
    fputs("## Learning objectives\n\n", f);
    for (uint32_t i = 0; i < lab->n_objectives; i++) fprintf(f, "- %s\n", lab->objectives[i]);
    fprintf(f, "\n## Background\n\n%s\n\n", lab->background);
    if (lab->n_references) {
        fputs("### References\n\n", f);
        for (uint32_t i = 0; i < lab->n_references; i++) fprintf(f, "- %s\n", lab->references[i]);
        fputc('\n', f);
    }
    for (uint32_t s = 0; s < lab->n_steps; s++) {
        const struct vs_lab_step *st = &lab->steps[s];
        step_source(st, src, sizeof src);
        fprintf(f, "## Step %u: %s\n\n%s\n\n", s + 1, st->title, st->text);
        fprintf(f, "**Scenario:** %s. `virtsim lab run %s %u` shows its figures.\n\n", src, lab->name, s + 1);
        for (uint32_t i = 0; i < st->n_todo; i++) {
            const char *label = do_label(st->todo[i].kind);
            if (st->todo[i].kind == VS_LAB_DO_RUN) fprintf(f, "- %s: `%s`\n", label, st->todo[i].text);
            else fprintf(f, "- %s%s%s\n", label ? label : "", label ? ": " : "", st->todo[i].text);
        }
        if (st->n_todo) fputc('\n', f);
        if (d->charts[s]) {
            chart_path(path, s, "png", img, sizeof img);
            fprintf(f, "![%s](%s)\n\n", d->charts[s]->title[0] ? d->charts[s]->title : st->title, base_name(img));
        }
        for (uint32_t k = 0; k < st->n_questions; k++) {
            const struct vs_lab_question *q = &st->questions[k];
            char id[16];
            vs_lab_question_id(s, k, id, sizeof id);
            fprintf(f, "**Question %s** (%s%s%s). %s\n\n", id, vs_lab_qkind_name(q->kind),
                    q->kind == VS_LAB_Q_NUMBER && q->unit[0] ? ", in " : "", q->kind == VS_LAB_Q_NUMBER ? q->unit : "",
                    q->prompt);
            for (uint32_t c = 0; c < q->n_choices; c++) fprintf(f, "- %c) %s\n", 'a' + (int)c, q->choices[c].text);
            if (q->n_choices) fputc('\n', f);
            if (d->key) {
                key_line(d, s, q, line, sizeof line);
                fprintf(f, "> **Key:** %s\n", line);
                if (q->explanation) fprintf(f, ">\n> %s\n", q->explanation);
                fputc('\n', f);
            } else if (q->kind != VS_LAB_Q_CHOICE) {
                fputs("Answer: ______________________\n\n", f);
            }
        }
    }
    if (d->key) fprintf(f, "## Instructor notes\n\n%s\n", lab->instructor_notes);
}

static void write_html(FILE *f, const struct doc *d, const char *path)
{
    const struct vs_lab *lab = d->lab;
    uint32_t all, checked = count_checked(lab, &all);
    char dur[32], src[1024], img[1100], line[4096], head[1100];
    duration_text(lab->duration_ns, dur, sizeof dur);
    char heading[1024];
    vs_lab_heading(lab, heading, sizeof heading);
    snprintf(head, sizeof head, "%s%s", heading, d->key ? " (instructor's key)" : "");
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>", f);
    html_escape(f, head, strlen(head));
    fputs("</title>\n<style>\nbody{font-family:sans-serif;max-width:52em;margin:2em auto;line-height:1.45;padding:0 1em}"
          "\nimg{max-width:100%}\ncode{background:#f2f2f2;padding:0 .2em}\n.key{border-left:4px solid #2a7;"
          "padding:.2em .8em;background:#f3fbf6}\n.q{margin-top:1em}\n</style>\n</head>\n<body>\n<h1>",
          f);
    html_escape(f, head, strlen(head));
    fprintf(f, "</h1>\n<p><em>%s, about %s; %u steps, %u questions, %u of them checked against the simulation."
               "</em></p>\n<h2>Learning objectives</h2>\n<ul>\n",
            vs_lab_level_name(lab->level), dur, lab->n_steps, all, checked);
    for (uint32_t i = 0; i < lab->n_objectives; i++) {
        fputs("<li>", f);
        html_inline(f, lab->objectives[i], strlen(lab->objectives[i]));
        fputs("</li>\n", f);
    }
    fputs("</ul>\n<h2>Background</h2>\n", f);
    html_block(f, lab->background);
    if (lab->n_references) {
        fputs("<h3>References</h3>\n<ul>\n", f);
        for (uint32_t i = 0; i < lab->n_references; i++) {
            fputs("<li>", f);
            html_inline(f, lab->references[i], strlen(lab->references[i]));
            fputs("</li>\n", f);
        }
        fputs("</ul>\n", f);
    }
    for (uint32_t s = 0; s < lab->n_steps; s++) {
        const struct vs_lab_step *st = &lab->steps[s];
        step_source(st, src, sizeof src);
        fprintf(f, "<h2>Step %u: ", s + 1);
        html_escape(f, st->title, strlen(st->title));
        fputs("</h2>\n", f);
        html_block(f, st->text);
        fputs("<p><strong>Scenario:</strong> ", f);
        html_escape(f, src, strlen(src));
        fprintf(f, ". <code>virtsim lab run %s %u</code> shows its figures.</p>\n", lab->name, s + 1);
        if (st->n_todo) fputs("<ul>\n", f);
        for (uint32_t i = 0; i < st->n_todo; i++) {
            const char *label = do_label(st->todo[i].kind);
            fprintf(f, "<li>%s%s", label ? label : "", label ? ": " : "");
            if (st->todo[i].kind == VS_LAB_DO_RUN) fputs("<code>", f);
            html_escape(f, st->todo[i].text, strlen(st->todo[i].text));
            if (st->todo[i].kind == VS_LAB_DO_RUN) fputs("</code>", f);
            fputs("</li>\n", f);
        }
        if (st->n_todo) fputs("</ul>\n", f);
        if (d->charts[s]) {
            chart_path(path, s, "svg", img, sizeof img);
            fputs("<p><img src=\"", f);
            html_escape(f, base_name(img), strlen(base_name(img)));
            fputs("\" alt=\"", f);
            html_escape(f, d->charts[s]->title, strlen(d->charts[s]->title));
            fputs("\"></p>\n", f);
        }
        for (uint32_t k = 0; k < st->n_questions; k++) {
            const struct vs_lab_question *q = &st->questions[k];
            char id[16];
            vs_lab_question_id(s, k, id, sizeof id);
            fprintf(f, "<div class=\"q\"><p><strong>Question %s</strong> (%s%s%s). ", id, vs_lab_qkind_name(q->kind),
                    q->kind == VS_LAB_Q_NUMBER && q->unit[0] ? ", in " : "", q->kind == VS_LAB_Q_NUMBER ? q->unit : "");
            html_inline(f, q->prompt, strlen(q->prompt));
            fputs("</p>\n", f);
            if (q->n_choices) fputs("<ol type=\"a\">\n", f);
            for (uint32_t c = 0; c < q->n_choices; c++) {
                fputs("<li>", f);
                html_inline(f, q->choices[c].text, strlen(q->choices[c].text));
                fputs("</li>\n", f);
            }
            if (q->n_choices) fputs("</ol>\n", f);
            if (d->key) {
                key_line(d, s, q, line, sizeof line);
                fputs("<div class=\"key\"><p><strong>Key:</strong> ", f);
                html_escape(f, line, strlen(line));
                fputs("</p>\n", f);
                if (q->explanation) html_block(f, q->explanation);
                fputs("</div>\n", f);
            }
            fputs("</div>\n", f);
        }
    }
    if (d->key) {
        fputs("<h2>Instructor notes</h2>\n", f);
        html_block(f, lab->instructor_notes);
    }
    fputs("</body>\n</html>\n", f);
}

/* ---- PDF ---- */

#define PAGE_W 595.0 /* A4 in points */
#define PAGE_H 842.0
#define MARGIN 56.0

struct pdf {
    cairo_t *cr;
    double y;
};

static void pdf_font(cairo_t *cr, double size, bool bold, bool mono)
{
    cairo_select_font_face(cr, mono ? "monospace" : "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

static void pdf_need(struct pdf *p, double h)
{
    if (p->y + h <= PAGE_H - MARGIN) return;
    cairo_show_page(p->cr);
    p->y = MARGIN;
}

/* One line of text wrapped into the page's width from x, words measured
 * in the current font; lines break a page when they must. */
static void pdf_line(struct pdf *p, const char *s, size_t n, double x, double hang, double size)
{
    cairo_t *cr = p->cr;
    double lh = size * 1.35, width = PAGE_W - MARGIN - x, col = 0;
    char word[512];
    const char *w = s, *end = s + n;
    pdf_need(p, lh);
    while (w < end) {
        while (w < end && *w == ' ') w++;
        const char *we = w;
        while (we < end && *we != ' ') we++;
        size_t wl = (size_t)(we - w);
        if (wl == 0) break;
        if (wl >= sizeof word) wl = sizeof word - 1;
        memcpy(word, w, wl);
        word[wl] = '\0';
        /* Backquotes mark code in lab text; on paper they are just dropped. */
        char shown[512];
        size_t k = 0;
        for (size_t i = 0; i < wl; i++)
            if (word[i] != '`') shown[k++] = word[i];
        shown[k] = '\0';
        cairo_text_extents_t e, sp;
        cairo_text_extents(cr, shown, &e);
        cairo_text_extents(cr, " ", &sp);
        if (col > 0 && col + sp.x_advance + e.x_advance > width) {
            p->y += lh;
            pdf_need(p, lh);
            col = hang;
        } else if (col > 0) {
            col += sp.x_advance;
        }
        cairo_move_to(cr, x + col, p->y + size);
        cairo_show_text(cr, shown);
        col += e.x_advance;
        w = we;
    }
    p->y += lh;
}

static void pdf_text(struct pdf *p, const char *text, double x, double size, bool bold)
{
    pdf_font(p->cr, size, bold, false);
    const char *s = text;
    while (*s) {
        size_t n = strcspn(s, "\n");
        if (n == 0) p->y += size * 0.6;
        else if (n >= 2 && s[0] == '-' && s[1] == ' ') {
            pdf_need(p, size * 1.35);
            cairo_move_to(p->cr, x, p->y + size);
            cairo_show_text(p->cr, "\xe2\x80\xa2");
            pdf_line(p, s + 2, n - 2, x + 12, 0, size);
        } else {
            pdf_line(p, s, n, x, 0, size);
        }
        s += n;
        if (*s) s++;
    }
    p->y += size * 0.5;
}

static void pdf_heading(struct pdf *p, const char *text, double size)
{
    pdf_need(p, size * 3);
    p->y += size * 0.6;
    pdf_text(p, text, MARGIN, size, true);
}

static void pdf_chart(struct pdf *p, const struct vs_chart *c)
{
    double w = PAGE_W - 2 * MARGIN, h = w * 9.0 / 16.0;
    pdf_need(p, h + 8);
    cairo_save(p->cr);
    cairo_translate(p->cr, MARGIN, p->y);
    /* Drawn at 960 x 540 chart pixels, scaled into the box: the chart's own
     * proportions and font sizes, as the PNG has them. */
    cairo_scale(p->cr, w / 960.0, h / 540.0);
    vs_chart_draw(c, p->cr, 960, 540);
    cairo_restore(p->cr);
    cairo_set_source_rgb(p->cr, 0, 0, 0);
    p->y += h + 8;
}

static cairo_status_t pdf_write(void *closure, const unsigned char *data, unsigned int length)
{
    return fwrite(data, 1, length, closure) == length ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static int write_pdf(FILE *f, const struct doc *d, struct vs_error *err)
{
    const struct vs_lab *lab = d->lab;
    cairo_surface_t *surf = cairo_pdf_surface_create_for_stream(pdf_write, f, PAGE_W, PAGE_H);
    cairo_t *cr = cairo_create(surf);
    struct pdf p = {cr, MARGIN};
    char buf[4096], dur[32], src[1024];
    cairo_set_source_rgb(cr, 0, 0, 0);
    uint32_t all, checked = count_checked(lab, &all);
    duration_text(lab->duration_ns, dur, sizeof dur);
    char heading[1024];
    vs_lab_heading(lab, heading, sizeof heading);
    snprintf(buf, sizeof buf, "%s%s", heading, d->key ? " (instructor's key)" : "");
    pdf_text(&p, buf, MARGIN, 18, true);
    snprintf(buf, sizeof buf, "%s, about %s; %u steps, %u questions, %u of them checked against the simulation.",
             vs_lab_level_name(lab->level), dur, lab->n_steps, all, checked);
    pdf_text(&p, buf, MARGIN, 10, false);
    pdf_heading(&p, "Learning objectives", 13);
    for (uint32_t i = 0; i < lab->n_objectives; i++) {
        snprintf(buf, sizeof buf, "- %s", lab->objectives[i]);
        pdf_text(&p, buf, MARGIN, 10, false);
    }
    pdf_heading(&p, "Background", 13);
    pdf_text(&p, lab->background, MARGIN, 10, false);
    if (lab->n_references) {
        pdf_heading(&p, "References", 11);
        for (uint32_t i = 0; i < lab->n_references; i++) {
            snprintf(buf, sizeof buf, "- %s", lab->references[i]);
            pdf_text(&p, buf, MARGIN, 9, false);
        }
    }
    for (uint32_t s = 0; s < lab->n_steps; s++) {
        const struct vs_lab_step *st = &lab->steps[s];
        snprintf(buf, sizeof buf, "Step %u: %s", s + 1, st->title);
        pdf_heading(&p, buf, 13);
        pdf_text(&p, st->text, MARGIN, 10, false);
        step_source(st, src, sizeof src);
        snprintf(buf, sizeof buf, "Scenario: %s. virtsim lab run %s %u shows its figures.", src, lab->name, s + 1);
        pdf_text(&p, buf, MARGIN, 9, false);
        for (uint32_t i = 0; i < st->n_todo; i++) {
            const char *label = do_label(st->todo[i].kind);
            snprintf(buf, sizeof buf, "- %s%s%s", label ? label : "", label ? ": " : "", st->todo[i].text);
            pdf_text(&p, buf, MARGIN, 10, false);
        }
        if (d->charts[s]) pdf_chart(&p, d->charts[s]);
        for (uint32_t k = 0; k < st->n_questions; k++) {
            const struct vs_lab_question *q = &st->questions[k];
            char id[16];
            vs_lab_question_id(s, k, id, sizeof id);
            snprintf(buf, sizeof buf, "Question %s (%s%s%s). %s", id, vs_lab_qkind_name(q->kind),
                     q->kind == VS_LAB_Q_NUMBER && q->unit[0] ? ", in " : "", q->kind == VS_LAB_Q_NUMBER ? q->unit : "",
                     q->prompt);
            pdf_text(&p, buf, MARGIN, 10, true);
            for (uint32_t c = 0; c < q->n_choices; c++) {
                snprintf(buf, sizeof buf, "%c) %s", 'a' + (int)c, q->choices[c].text);
                pdf_text(&p, buf, MARGIN + 14, 10, false);
            }
            if (d->key) {
                char line[2048];
                key_line(d, s, q, line, sizeof line);
                snprintf(buf, sizeof buf, "Key: %s", line);
                pdf_text(&p, buf, MARGIN + 14, 10, true);
                if (q->explanation) pdf_text(&p, q->explanation, MARGIN + 14, 9, false);
            } else if (q->kind != VS_LAB_Q_CHOICE) {
                pdf_text(&p, "Answer: ________________________________", MARGIN + 14, 10, false);
            }
        }
    }
    if (d->key) {
        pdf_heading(&p, "Instructor notes", 13);
        pdf_text(&p, lab->instructor_notes, MARGIN, 10, false);
    }
    cairo_destroy(cr);
    cairo_surface_finish(surf);
    cairo_status_t st = cairo_surface_status(surf);
    cairo_surface_destroy(surf);
    if (st != CAIRO_STATUS_SUCCESS)
        return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "drawing the PDF failed: %s", cairo_status_to_string(st));
    return VS_OK;
}

/* ---- the handout ---- */

enum fmt { FMT_MD, FMT_HTML, FMT_PDF };

int vs_lab_handout(const struct vs_lab *lab, const char *path, bool key, uint32_t threads, struct vs_control *control,
                   struct vs_error *err)
{
    const char *dot = strrchr(path, '.');
    enum fmt fmt;
    if (dot && (strcmp(dot, ".md") == 0 || strcmp(dot, ".markdown") == 0)) fmt = FMT_MD;
    else if (dot && (strcmp(dot, ".html") == 0 || strcmp(dot, ".htm") == 0)) fmt = FMT_HTML;
    else if (dot && strcmp(dot, ".pdf") == 0) fmt = FMT_PDF;
    else
        return vs_error_set(err, VS_ERR_INPUT, NULL, 0, 0,
                            "--output %s: a handout is FILE.md (Markdown, charts as PNG beside it), FILE.html (charts "
                            "as SVG beside it) or FILE.pdf",
                            path);
    struct doc *d = calloc(1, sizeof *d);
    if (!d) return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    d->lab = lab;
    d->key = key;
    int rc = doc_build(d, threads, control, err);
    /* Charts first: the document names them, so they exist when it does. */
    for (uint32_t s = 0; s < lab->n_steps && rc == VS_OK && fmt != FMT_PDF; s++) {
        if (!d->charts[s]) continue;
        char img[1100];
        chart_path(path, s, fmt == FMT_MD ? "png" : "svg", img, sizeof img);
        rc = vs_chart_render(d->charts[s], img, 960, 540, err);
    }
    struct vs_output out;
    if (rc == VS_OK) rc = vs_output_open(path, &out, err);
    if (rc == VS_OK) {
        if (fmt == FMT_MD) write_md(out.file, d, path);
        else if (fmt == FMT_HTML) write_html(out.file, d, path);
        else rc = write_pdf(out.file, d, err);
        if (rc == VS_OK && ferror(out.file)) rc = vs_error_set(err, VS_ERR_RUNTIME, path, 0, 0, "writing failed");
        if (rc == VS_OK) rc = vs_output_commit(&out, err);
        else vs_output_abort(&out);
    }
    doc_free(d);
    free(d);
    return rc;
}
