/* The terminal UI's drawing and main loop (ncursesw). It reads the view model
 * (tui.h) and draws it; keys go back to the model. The only file that calls
 * curses. Colours fall back to letters, UTF-8 blocks to ASCII, and NO_COLOR
 * is honoured, so the screen stays readable on any terminal. */
#include <curses.h>
#include <stdarg.h>
#include <langinfo.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "virtsim/ui/tui.h"
#include "virtsim/core/units.h"

#define MIN_COLS 80
#define MIN_LINES 24

static bool utf8, colour;

/* Each CPU category is drawn as its letter (out/palette.h) on its own
 * colour, the palette's RGB mapped to the nearest colour the terminal has
 * (256 or 8): the cell carries its background, so it reads the same on
 * dark and light terminals, and the letter tells apart two categories that
 * an 8-colour terminal maps to one colour. Without colour, the letter. */
#define PAIR_HEADER 20
#define PAIR_SELECTED 21

static void init_colours(void)
{
    colour = has_colors() && getenv("NO_COLOR") == NULL;
    if (!colour) return;
    start_color();
    use_default_colors();
    int n = COLORS >= 256 ? 256 : 8;
    for (int c = 0; c < VS_CAT_COUNT; c++) {
        if (c == VS_CAT_IDLE) continue;
        struct vs_rgb rgb = vs_palette_category((enum vs_cpu_cat)c);
        /* 8 colours: the category's own by hue (the nearest by distance
         * would be white for most light colours), black letters. */
        if (n < 256)
            init_pair((short)(c + 1), COLOR_BLACK, (short)vs_palette_category_ansi((enum vs_cpu_cat)c));
        else
            init_pair((short)(c + 1), vs_tui_dark_text(rgb) ? COLOR_BLACK : COLOR_WHITE,
                      (short)vs_tui_nearest_colour(rgb, n));
    }
    init_pair(PAIR_HEADER, COLOR_BLACK, COLOR_CYAN);
    init_pair(PAIR_SELECTED, COLOR_BLACK, COLOR_GREEN);
}

static void put(int y, int x, const char *s)
{
    if (y >= 0 && y < LINES && x < COLS) mvaddnstr(y, x, s, COLS - x);
}

static void putf(int y, int x, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void putf(int y, int x, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    put(y, x, buf);
}

/* Cells of a stacked bar, category by category from x. */
static void draw_cells(int y, int x, const int cells[VS_CAT_COUNT])
{
    move(y, x);
    for (int c = 0; c < VS_CAT_COUNT; c++)
        for (int i = 0; i < cells[c]; i++) {
            if (c == VS_CAT_IDLE) {
                addstr(utf8 ? "\u00b7" : ".");
                continue;
            }
            chtype letter = (chtype)vs_palette_category_letter((enum vs_cpu_cat)c);
            if (colour) attron(COLOR_PAIR(c + 1));
            addch(letter);
            if (colour) attroff(COLOR_PAIR(c + 1));
        }
}

/* A stacked bar of CPU categories, `width` cells, split in proportion. */
static void draw_bar(int y, int x, const double ns[VS_CAT_COUNT], int width)
{
    int cells[VS_CAT_COUNT];
    vs_tui_bar_cells(ns, width, cells);
    draw_cells(y, x, cells);
}

/* A bar of CPU per operation against a scale shared by every engine. */
static void draw_scaled_bar(int y, int x, const double ns[VS_CAT_COUNT], double scale, int width)
{
    int cells[VS_CAT_COUNT];
    vs_tui_scaled_cells(ns, scale, width, cells);
    draw_cells(y, x, cells);
    double total = 0;
    for (int c = 0; c < VS_CAT_COUNT; c++)
        if (c != VS_CAT_IDLE) total += ns[c];
    if (total > scale * 1.0001 && width > 0) mvaddch(y, x + width - 1, '>'); /* beyond the scale */
}

/* A sparkline of the last `width` values; NaN (no figure) is a gap.
 * span: from the series' own minimum to its maximum (vs_tui_spark_span),
 * for latencies whose level matters less than their changes. */
static void draw_spark_as(int y, int x, const double *v, int n, int width, bool span)
{
    static const char *const blocks[8] = {"\u2581", "\u2582", "\u2583", "\u2584",
                                          "\u2585", "\u2586", "\u2587", "\u2588"};
    static const char ascii[8] = "_.-~=*#@";
    if (n > width) {
        v += n - width;
        n = width;
    }
    int levels[VS_TUI_SPARK];
    double clean[VS_TUI_SPARK] = {0};
    for (int i = 0; i < n; i++) clean[i] = isnan(v[i]) ? 0 : v[i];
    if (span) vs_tui_spark_span(v, n, levels);
    else vs_tui_spark_levels(clean, n, levels);
    move(y, x);
    for (int i = 0; i < n; i++) {
        if (isnan(v[i]))
            addch(' ');
        else if (utf8)
            addstr(blocks[levels[i]]);
        else
            addch((chtype)ascii[levels[i]]);
    }
}

static void draw_spark(int y, int x, const double *v, int n, int width)
{
    draw_spark_as(y, x, v, n, width, false);
}

/* The legend: each category's letter on its colour and its name, in
 * words where the terminal is wide enough. */
static void draw_legend(int y)
{
    int x = 1;
    bool words = COLS >= 118;
    for (int c = 0; c < VS_CAT_COUNT - 1; c++) {
        const char *name = words ? vs_palette_category_words((enum vs_cpu_cat)c) : vs_cat_label((enum vs_cpu_cat)c);
        if (x + 3 + (int)strlen(name) > COLS) break;
        int one[VS_CAT_COUNT] = {0};
        one[c] = 1;
        draw_cells(y, x, one);
        putf(y, x + 2, "%s", name);
        x += 3 + (int)strlen(name) + 1;
    }
}

/* Busy share of one core (or host) from its time by category. */
static double busy_share(const double ns[VS_CAT_COUNT])
{
    double all = 0, busy = 0;
    for (int c = 0; c < VS_CAT_COUNT; c++) {
        all += ns[c];
        if (c != VS_CAT_IDLE) busy += ns[c];
    }
    return all > 0 ? busy / all : 0;
}

/* With several hosts, all hosts at once: one row per host, so the busy one
 * stands out; m then shows each host's cores. Returns the rows drawn. */
static int draw_host_rows(const struct vs_run_result *r, int y, int rows)
{
    int bar_w = COLS - 21 - 50 - 2;
    if (bar_w > 30) bar_w = 30;
    if (bar_w < 6) bar_w = 6;
    int shown = (int)r->n_hosts <= rows ? (int)r->n_hosts : rows - 1;
    for (int k = 0; k < shown; k++) {
        const struct vs_host_result *h = &r->hosts[k];
        putf(y + k, 0, " %-12.12s %5.1f%% ", h->name, 100.0 * h->cpu_utilisation);
        draw_bar(y + k, 21, h->cpu_ns_by_cat, bar_w);
        int x = 21 + bar_w;
        putf(y + k, x, "  mem %5.1f%%  disk %5.1f%%  nic rx %5.1f%% tx %5.1f%%",
             h->mem_capacity_bytes > 0 ? 100.0 * h->mem_used_bytes / h->mem_capacity_bytes : 0,
             100.0 * h->disk_utilisation, 100.0 * h->nic_rx_utilisation, 100.0 * h->nic_tx_utilisation);
        if (x + 50 + 12 <= COLS) putf(y + k, x + 50, "  %u guest%s", h->guests, h->guests == 1 ? "" : "s");
    }
    if (shown >= 0 && shown < (int)r->n_hosts && rows > 0)
        putf(y + shown, 1, "... and %u more hosts (m shows each)", r->n_hosts - (uint32_t)shown);
    return rows < (int)r->n_hosts ? rows : (int)r->n_hosts;
}

/* Links and switches between hosts: how busy each way, packets per second. */
static void draw_links(const struct vs_run_result *r, int y, int rows)
{
    double window_s = r->window_ns > 0 ? (double)r->window_ns / 1e9 : 0;
    int shown = (int)r->n_links <= rows ? (int)r->n_links : rows - 1;
    int name_w = 4;
    for (int k = 0; k < shown; k++)
        if ((int)strlen(r->links[k].name) > name_w) name_w = (int)strlen(r->links[k].name);
    if (name_w > 28) name_w = 28;
    for (int k = 0; k < shown; k++) {
        const struct vs_link_result *l = &r->links[k];
        char bw[32], pps[16];
        vs_units_format_bitrate(l->bandwidth_bits_per_s, bw, sizeof bw);
        vs_tui_format_rate(window_s > 0 ? (double)l->packets / window_s : 0, pps, sizeof pps);
        if (l->shared)
            putf(y + k, 1, "%-*.*s %10s  busy %5.1f%%  %6s pkt/s", name_w + 5, name_w + 5, l->name, bw,
                 100.0 * l->utilisation[0], pps);
        else
            putf(y + k, 1, "link %-*.*s %10s  -> %5.1f%%  <- %5.1f%%  %6s pkt/s", name_w, name_w, l->name, bw,
                 100.0 * l->utilisation[0], 100.0 * l->utilisation[1], pps);
    }
    if (shown >= 0 && shown < (int)r->n_links && rows > 0)
        putf(y + shown, 1, "... and %u more links (virtsim run lists them all)", r->n_links - (uint32_t)shown);
}

/* The host meters of the selected engine's run (htop style): CPU by
 * category, per core, memory, disk and NIC; with several hosts, the host
 * the selector (m) names, and the links between hosts. */
static void draw_meters(const struct vs_tui *t, int y)
{
    const struct vs_run_result *r = &t->snaps[t->engine];
    const struct vs_host_result *h = vs_tui_meter_host(t);
    uint32_t n_hosts = vs_tui_hosts(t);
    bool all = n_hosts > 1 && t->host < 0;
    char a[32], b[32], title[200];
    if (n_hosts < 2)
        snprintf(title, sizeof title, " host %s under %s: %u cores @ %.2f GHz", h->spec.name, r->engine,
                 h->spec.cpu.cores, h->spec.cpu.frequency_hz / 1e9);
    else if (all)
        snprintf(title, sizeof title, " %s under %s: %u cores, %u guests", h->name, r->engine,
                 h->spec.cpu.cores, h->guests);
    else
        snprintf(title, sizeof title, " host %d/%u %s under %s: %u cores @ %.2f GHz, %u guest%s", t->host + 1,
                 n_hosts, h->name, r->engine, h->spec.cpu.cores, h->spec.cpu.frequency_hz / 1e9, h->guests,
                 h->guests == 1 ? "" : "s");
    attron(A_BOLD);
    put(y, 0, title);
    attroff(A_BOLD);
    /* The selector's key after the title where it fits: the title matters more. */
    const char *hint = all ? "m: one host at a time" : "m: next host";
    int hint_x = COLS - 1 - (int)strlen(hint);
    if (n_hosts > 1 && hint_x >= (int)strlen(title) + 2) put(y, hint_x, hint);
    y++;
    putf(y, 1, "CPU  %5.1f%% ", 100.0 * h->cpu_utilisation);
    draw_bar(y++, 13, h->cpu_ns_by_cat, COLS - 15 > 50 ? 50 : COLS - 15);
    /* Rows kept for memory, disk and the status line, and for the links. */
    int link_rows = r->n_links < 4 ? (int)r->n_links : 4;
    int rows_free = LINES - 3 - y - link_rows;
    if (rows_free < 0) rows_free = 0;
    if (all) {
        y += draw_host_rows(r, y, rows_free);
    } else {
        /* Per-core meters, two columns, as many rows as fit. */
        uint32_t cores = h->core_ns_by_cat ? h->spec.cpu.cores : 0;
        int per_col = (int)(cores + 1) / 2;
        if (per_col > rows_free) per_col = rows_free;
        int col_w = (COLS - 2) / 2;
        for (int i = 0; i < per_col; i++)
            for (int col = 0; col < 2; col++) {
                uint32_t k = (uint32_t)(col * ((int)(cores + 1) / 2) + i);
                if (k >= cores) continue;
                const double *ns = h->core_ns_by_cat[k];
                int x0 = 1 + col * col_w;
                putf(y + i, x0, "%3u %5.1f%% ", k, 100.0 * busy_share(ns));
                draw_bar(y + i, x0 + 11, ns, col_w - 13);
            }
        y += per_col;
    }
    /* Memory is no CPU category: its bar is plain blocks (# in ASCII). */
    double mem[VS_CAT_COUNT] = {0};
    mem[0] = h->mem_used_bytes;
    mem[VS_CAT_IDLE] = h->mem_free_bytes;
    putf(y, 1, "Mem  %5.1f%% ", h->mem_capacity_bytes > 0 ? 100.0 * h->mem_used_bytes / h->mem_capacity_bytes : 0);
    int mcells[VS_CAT_COUNT];
    vs_tui_bar_cells(mem, 30, mcells);
    move(y, 13);
    for (int i = 0; i < mcells[0]; i++) addstr(utf8 ? "\u2588" : "#");
    for (int i = 0; i < mcells[VS_CAT_IDLE]; i++) addstr(utf8 ? "\u00b7" : ".");
    putf(y++, 45, "%s used of %s", vs_units_format_bytes(h->mem_used_bytes, a, sizeof a),
         vs_units_format_bytes(h->mem_capacity_bytes, b, sizeof b));
    putf(y++, 1, "Disk %5.1f%%  queue %.2f   NIC rx %.1f%%  tx %.1f%%   run queue %.2f",
         100.0 * h->disk_utilisation, h->disk_queue_mean, 100.0 * h->nic_rx_utilisation,
         100.0 * h->nic_tx_utilisation, h->runqueue_mean);
    draw_links(r, y, link_rows);
}

/* Whether some engine's CPU per operation of the group goes beyond the
 * bars' scale (capped at VS_TUI_SCALE_CAP times native's). */
static bool beyond_scale(const struct vs_tui *t, int grp, double scale)
{
    for (uint32_t k = 0; k < t->n_engines; k++) {
        double ns[VS_CAT_COUNT], total = 0;
        if (!vs_tui_cost_per_op(t, (int)k, grp, ns)) continue;
        for (int c = 0; c < VS_CAT_COUNT; c++) total += ns[c];
        if (total > scale * 1.0001) return true;
    }
    return false;
}

/* The scored group's name, as short as a column header needs. */
static const char *group_name(const struct vs_tui *t)
{
    return t->n_engines && t->scores.n_groups ? t->snaps[0].groups[t->score_group].name : "-";
}

static void draw_compare(const struct vs_tui *t, int top)
{
    /* Columns up to p99 take 64 characters; the rest is the per-operation
     * bar and the trend of the scored group. */
    bool narrow = COLS < 100; /* the approach column gives way to the bar */
    int bx = narrow ? 53 : 64;
    int rest = COLS - bx;
    int spark_w = rest >= 54 ? 14 : 6;
    int bar_w = rest - spark_w - 2;
    enum vs_score_kind kind = VS_SCORE_COST;
    char dummy[16];
    if (t->n_engines) vs_tui_engine_score(t, 0, dummy, sizeof dummy, &kind);
    int grp = t->score_group;
    const char *gname = group_name(t);
    /* The column says what it measures: it depends on the scored group's load. */
    const char *col = kind == VS_SCORE_COST ? "cpu x" : kind == VS_SCORE_THROUGHPUT ? "thru x" : "speed";
    const char *ops_head = "ops/s";
    attron(A_BOLD);
    if (narrow)
        putf(top, 0, " %-11s %-13s %7s %6s %9s  %-*.*s %s", "engine", "state", ops_head, col, "p99", bar_w, bar_w,
             "CPU per op", "trend");
    else
        putf(top, 0, " %-11s %-10s %-13s %7s %6s %9s  %-*.*s %s", "engine", "approach", "state", ops_head, col,
             "p99", bar_w, bar_w, "CPU per op, by category", "trend");
    attroff(A_BOLD);
    double scale = vs_tui_cost_scale(t, grp);
    for (uint32_t k = 0; k < t->n_engines; k++) {
        const struct vs_run_result *r = &t->snaps[k];
        const struct vs_guest_result *g = grp < (int)r->n_groups ? &r->groups[grp] : NULL;
        int y = top + 1 + (int)k;
        char ops[16] = "-", p99[32] = "-", rel[16], state[24];
        bool live = g && g->state != VS_GUEST_BOOTING && r->window_ns > 0;
        if (live) {
            vs_tui_format_rate(g->throughput_per_s, ops, sizeof ops);
            if (!g->batch) vs_tui_format_latency(g->latency.p99_ns, g->latency.count, p99, sizeof p99);
        }
        enum vs_score_kind kk;
        vs_tui_engine_score(t, (int)k, rel, sizeof rel, &kk);
        vs_tui_engine_state(t, (int)k, state, sizeof state);
        if ((int)k == t->engine) attron(A_REVERSE);
        if (narrow)
            putf(y, 0, "%c%-11.11s %-13.13s %7s %6s %9s ", (int)k == t->engine ? '>' : ' ', r->engine, state, ops,
                 rel, p99);
        else
            putf(y, 0, "%c%-11.11s %-10.10s %-13.13s %7s %6s %9s ", (int)k == t->engine ? '>' : ' ', r->engine,
                 r->approach, state, ops, rel, p99);
        if ((int)k == t->engine) attroff(A_REVERSE);
        double ns[VS_CAT_COUNT];
        if (vs_tui_cost_per_op(t, (int)k, grp, ns)) draw_scaled_bar(y, bx, ns, scale, bar_w);
        const struct vs_tui_history *h = vs_tui_history(t, (int)k, grp);
        if (h && spark_w > 0) draw_spark(y, bx + bar_w + 1, h->rate_per_s, h->n, spark_w);
    }
    int y = top + 1 + (int)t->n_engines;
    if (t->n_engines && t->scores.n_groups) {
        /* Which group the figures are about, and what the score means. */
        const char *what = kind == VS_SCORE_COST ? "CPU per request / native's (open load; lower is better)"
                           : kind == VS_SCORE_THROUGHPUT ? "throughput / native's (higher is better)"
                                                         : "batch speed / native's (higher is better)";
        if (narrow) what = kind == VS_SCORE_COST ? "CPU per request / native's (lower: better)" : "/ native's (higher: better)";
        putf(y++, 1, "group %.16s: %s = %s%s", gname, col, what, t->scores.n_groups > 1 ? "  g: next" : "");
        char sc[32];
        vs_units_format_time(scale, sc, sizeof sc);
        if (scale > 0)
            putf(y, 1, "%sbar: CPU per op, full = %s%s%s", narrow ? "" : "its ops/s, p99; ", sc,
                 beyond_scale(t, grp, scale) ? " (3x native's, > beyond)" : "",
                 narrow ? "" : "; trend: ops/s, each engine from its own boot");
        else
            putf(y, 1, "its ops/s, p99; bar: CPU per op (none completed yet)");
    }
    y++;
    draw_legend(y++);
    draw_meters(t, y);
}

/* One guest group side by side under every engine: its figures, its CPU
 * per operation split by category on one scale, and the same in numbers. */
static void draw_group(const struct vs_tui *t, int top, int bottom)
{
    if (!t->n_engines || !t->snaps[0].n_groups) return;
    int grp = t->score_group;
    const struct vs_guest_result *g0 = &t->snaps[0].groups[grp];
    const struct vs_guest_spec *spec = grp < (int)t->sc.n_guests ? &t->sc.guests[grp] : NULL;
    char load[64] = "";
    if (spec) {
        const struct vs_load_spec *l = &spec->workload.load;
        if (l->kind == VS_LOAD_OPEN) snprintf(load, sizeof load, "open load %.0f/s each", l->rate_per_s);
        else if (l->kind == VS_LOAD_CLOSED) snprintf(load, sizeof load, "closed loop, %u clients each", l->clients ? l->clients : spec->vcpus);
        else snprintf(load, sizeof load, "batch");
    }
    attron(A_BOLD);
    char title[256];
    snprintf(title, sizeof title, " %s: %u guest%s of %s, %s, under every engine", g0->name, g0->instances,
             g0->instances == 1 ? "" : "s", g0->workload, load);
    put(top, 0, title);
    attroff(A_BOLD);
    if (t->scores.n_groups > 1 && (int)strlen(title) + 16 <= COLS) put(top, COLS - 15, "g: next group");
    bool narrow = COLS < 100; /* the p50 column gives way */
    int y = top + 2;
    attron(A_BOLD);
    char head[200];
    snprintf(head, sizeof head, " %-11s %-13s %7s %s%9s %9s %7s %7s %7s", "engine", "state", "ops/s",
             narrow ? "" : "      p50 ", "p99", "CPU/op", "x nat", "exit/op", "hc/op");
    put(y++, 0, head);
    attroff(A_BOLD);
    double base[VS_CAT_COUNT], base_total = 0;
    bool have_base = vs_tui_cost_per_op(t, (int)t->scores.baseline, grp, base);
    for (int c = 0; c < VS_CAT_COUNT; c++) base_total += base[c];
    for (uint32_t k = 0; k < t->n_engines && y < bottom; k++) {
        const struct vs_run_result *r = &t->snaps[k];
        const struct vs_guest_result *g = &r->groups[grp];
        char st[24], ops[16] = "-", p50[32] = "-", p99[32] = "-", cpu[32] = "-", x[16] = "-", ex[16] = "-",
                                   hc[16] = "-";
        vs_tui_engine_state(t, (int)k, st, sizeof st);
        double ns[VS_CAT_COUNT];
        if (vs_tui_cost_per_op(t, (int)k, grp, ns)) {
            double total = 0;
            for (int c = 0; c < VS_CAT_COUNT; c++) total += ns[c];
            vs_tui_format_rate(g->throughput_per_s, ops, sizeof ops);
            vs_tui_format_latency(g->latency.p50_ns, g->latency.count, p50, sizeof p50);
            vs_tui_format_latency(g->latency.p99_ns, g->latency.count, p99, sizeof p99);
            vs_units_format_time(total, cpu, sizeof cpu);
            if (have_base && base_total > 0) snprintf(x, sizeof x, "%.2fx", total / base_total);
            vs_tui_format_rate(g->events[VS_EVT_VMEXIT] / (double)g->completed, ex, sizeof ex);
            vs_tui_format_rate(g->events[VS_EVT_HYPERCALL] / (double)g->completed, hc, sizeof hc);
        }
        if ((int)k == t->engine) attron(A_REVERSE);
        char p50col[40] = "";
        if (!narrow) snprintf(p50col, sizeof p50col, "%9s ", p50);
        putf(y++, 0, "%c%-11.11s %-13.13s %7s %s%9s %9s %7s %7s %7s", (int)k == t->engine ? '>' : ' ', r->engine,
             st, ops, p50col, p99, cpu, x, ex, hc);
        if ((int)k == t->engine) attroff(A_REVERSE);
    }
    double scale = vs_tui_cost_scale(t, grp);
    char sc[32];
    vs_units_format_time(scale, sc, sizeof sc);
    y++;
    if (y < bottom) {
        attron(A_BOLD);
        putf(y++, 0, " CPU per %s op, by category (full width = %s%s)", g0->name, scale > 0 ? sc : "-",
             beyond_scale(t, grp, scale) ? " = 3x native's; > beyond" : "");
        attroff(A_BOLD);
    }
    int bar_w = COLS - 14;
    for (uint32_t k = 0; k < t->n_engines && y < bottom; k++) {
        putf(y, 1, "%-11.11s", t->snaps[k].engine);
        double ns[VS_CAT_COUNT];
        if (vs_tui_cost_per_op(t, (int)k, grp, ns)) draw_scaled_bar(y, 13, ns, scale, bar_w);
        else put(y, 13, "(no operation completed yet)");
        y++;
    }
    if (y < bottom) draw_legend(y++);
    y++;
    /* The same in numbers: microseconds per operation in each category
     * (all engines or none: a cut table would hide some). */
    int with_figures = 0;
    for (uint32_t k = 0; k < t->n_engines; k++) {
        double ns[VS_CAT_COUNT];
        if (vs_tui_cost_per_op(t, (int)k, grp, ns)) with_figures++;
    }
    if (y + 1 + with_figures > bottom) return;
    /* microseconds, or milliseconds for operations long enough to overflow the columns */
    double unit = 1e3, most = 0;
    for (uint32_t k = 0; k < t->n_engines; k++) {
        double ns[VS_CAT_COUNT];
        if (!vs_tui_cost_per_op(t, (int)k, grp, ns)) continue;
        for (int c = 0; c < VS_CAT_COUNT; c++)
            if (ns[c] > most) most = ns[c];
    }
    if (most >= 99999.5 * 1e3) unit = 1e6;
    if (most >= 99999.5 * 1e6) unit = 1e9;
    attron(A_BOLD);
    move(y, 0);
    printw(" per op, %-3s", unit == 1e3 ? "us" : unit == 1e6 ? "ms" : "s");
    for (int c = 0; c < VS_CAT_COUNT - 1; c++) printw("%8.8s", vs_cat_label((enum vs_cpu_cat)c));
    attroff(A_BOLD);
    y++;
    for (uint32_t k = 0; k < t->n_engines && y < bottom; k++) {
        double ns[VS_CAT_COUNT];
        if (!vs_tui_cost_per_op(t, (int)k, grp, ns)) continue;
        move(y, 0);
        printw(" %-11.11s", t->snaps[k].engine);
        for (int c = 0; c < VS_CAT_COUNT - 1; c++) {
            if (ns[c] > 0) printw("%8.1f", ns[c] / unit);
            else printw("%8s", "-");
        }
        y++;
    }
}

static void draw_guests(const struct vs_tui *t, int top, int bottom)
{
    const struct vs_run_result *r = &t->snaps[t->engine];
    int width[VS_COL_COUNT] = {16, 0, 11, 9, 7, 9, 9, 9, 10, 11};
    int idx[VS_MAX_GUESTS];
    int n = vs_tui_guest_rows(t, idx, VS_MAX_GUESTS);
    /* Several hosts: a host column after the name, and both as wide as
     * their longest entry (at most 16); where the columns up to p99 still
     * would not fit, the engine column (the same on every row) gives way. */
    if (vs_tui_hosts(t) > 1) {
        width[VS_COL_NAME] = 6;
        width[VS_COL_HOST] = 5;
        for (uint32_t i = 0; i < r->n_instances; i++) {
            int len = (int)strlen(r->instances[i].name);
            if (len + 1 > width[VS_COL_NAME]) width[VS_COL_NAME] = len + 1 < 16 ? len + 1 : 16;
            len = (int)strlen(r->instances[i].host);
            if (len > width[VS_COL_HOST]) width[VS_COL_HOST] = len < 16 ? len : 16;
        }
        int total = 0; /* up to p99, as much as a one-host table shows at 80 columns */
        for (int c = 0; c <= VS_COL_P99; c++) total += width[c] + 1;
        if (total - 1 > COLS) width[VS_COL_ENGINE] = 0;
    }
    int x = 0;
    attron(A_BOLD);
    for (int c = 0; c < VS_COL_COUNT; c++) {
        if (!width[c]) continue;
        char head[24];
        snprintf(head, sizeof head, "%s%s", vs_tui_col_name((enum vs_tui_col)c),
                 c == (int)t->sort_col ? (t->sort_desc ? "v" : "^") : "");
        putf(top, x, c <= VS_COL_STATE ? "%-*s" : "%*s", width[c], head);
        x += width[c] + 1;
    }
    attroff(A_BOLD);
    int visible = bottom - top - 1;
    int first = t->row >= visible ? t->row - visible + 1 : 0;
    double window = r->window_ns > 0 ? (double)r->window_ns : 1;
    for (int i = first; i < n && i - first < visible; i++) {
        const struct vs_guest_result *g = &r->instances[idx[i]];
        double cpu = 0;
        for (int c = 0; c < VS_CAT_COUNT; c++)
            if (c != VS_CAT_IDLE) cpu += g->cpu_ns[c];
        char cell[VS_COL_COUNT][VS_NAME_MAX];
        snprintf(cell[VS_COL_NAME], sizeof cell[0], "%s", g->name);
        snprintf(cell[VS_COL_HOST], sizeof cell[0], "%s", g->host);
        snprintf(cell[VS_COL_ENGINE], sizeof cell[0], "%s", g->engine);
        snprintf(cell[VS_COL_STATE], sizeof cell[0], "%s", vs_tui_guest_state(t, t->engine, g));
        snprintf(cell[VS_COL_CPU], sizeof cell[0], "%.1f", 100.0 * cpu / window);
        vs_tui_format_rate(g->throughput_per_s, cell[VS_COL_OPS], sizeof cell[0]);
        vs_tui_format_latency(g->latency.p50_ns, g->latency.count, cell[VS_COL_P50], sizeof cell[0]);
        vs_tui_format_latency(g->latency.p99_ns, g->latency.count, cell[VS_COL_P99], sizeof cell[0]);
        vs_units_format_bytes(vs_mem_parts_total(&g->memory), cell[VS_COL_MEMORY], sizeof cell[0]);
        vs_tui_format_rate((g->events[VS_EVT_VMEXIT] + g->events[VS_EVT_HYPERCALL]) * 1e9 / window,
                           cell[VS_COL_EXITS], sizeof cell[0]);
        char line[512];
        size_t used = 0;
        for (int c = 0; c < VS_COL_COUNT && used < sizeof line; c++) {
            if (!width[c]) continue;
            const char *sep = used ? " " : "";
            if (c <= VS_COL_STATE)
                used += (size_t)snprintf(line + used, sizeof line - used, "%s%-*.*s", sep, width[c], width[c], cell[c]);
            else
                used += (size_t)snprintf(line + used, sizeof line - used, "%s%*s", sep, width[c], cell[c]);
        }
        if (i == t->row) attron(A_REVERSE);
        put(top + 1 + i - first, 0, line);
        if (i == t->row) attroff(A_REVERSE);
    }
    if (n == 0) put(top + 1, 1, t->filter[0] ? "no guest matches the filter" : "no guests");
}

static void draw_detail(const struct vs_tui *t, int top)
{
    int idx[VS_MAX_GUESTS];
    int n = vs_tui_guest_rows(t, idx, VS_MAX_GUESTS);
    if (n == 0) return;
    const struct vs_run_result *r = &t->snaps[t->engine];
    const struct vs_guest_result *g = &r->instances[idx[t->row]];
    double window = r->window_ns > 0 ? (double)r->window_ns : 1;
    char a[32], b[32], c2[32], d[32], e[32];
    attron(A_BOLD);
    if (vs_tui_hosts(t) > 1)
        putf(top, 0, " %s on %s under %s (%s): %s, workload %s", g->name, g->host, r->engine, r->approach,
             vs_tui_guest_state(t, t->engine, g), g->workload);
    else
        putf(top, 0, " %s under %s (%s): %s, workload %s", g->name, r->engine, r->approach,
             vs_tui_guest_state(t, t->engine, g), g->workload);
    attroff(A_BOLD);
    uint64_t n_lat = g->latency.count;
    vs_tui_format_latency(g->latency.p50_ns, n_lat, a, sizeof a);
    vs_tui_format_latency(g->latency.p90_ns, n_lat, b, sizeof b);
    vs_tui_format_latency(g->latency.p99_ns, n_lat, c2, sizeof c2);
    vs_tui_format_latency(g->latency.p999_ns, n_lat, d, sizeof d);
    vs_tui_format_latency(g->latency.max_ns, n_lat, e, sizeof e);
    putf(top + 1, 1, "latency p50 %s p90 %s p99 %s p99.9 %s max %s (n=%llu)", a, b, c2, d, e,
         (unsigned long long)n_lat);
    /* Steal: its vCPUs runnable without a core (the scheduler's doing). */
    putf(top + 2, 1, "steal %.1f %% of its %u vCPUs' time (runnable, waiting for a core or its cap)",
         100.0 * vs_guest_steal_fraction(g), g->vcpus);
    double total = 0;
    for (int c = 0; c < VS_CAT_COUNT; c++)
        if (c != VS_CAT_IDLE) total += g->cpu_ns[c];
    put(top + 3, 1, "where its CPU time went");
    int y = top + 4;
    for (int c = 0; c < VS_CAT_COUNT - 1; c++) {
        double one[VS_CAT_COUNT] = {0};
        one[c] = g->cpu_ns[c];
        one[VS_CAT_IDLE] = total - g->cpu_ns[c];
        putf(y, 1, "%-7s %5.1f%% ", vs_cat_label((enum vs_cpu_cat)c),
             total > 0 ? 100.0 * g->cpu_ns[c] / total : 0.0);
        if (total > 0) draw_bar(y, 16, one, 30);
        y++;
    }
    int x = 50;
    put(top + 3, x, "events per second");
    int ey = top + 4;
    for (int ev = 0; ev < VS_EVT_COUNT && ey < LINES - 4; ev++) {
        char rate[16];
        vs_tui_format_rate(g->events[ev] * 1e9 / window, rate, sizeof rate);
        putf(ey++, x, "%-17s %8s", vs_evt_name((enum vs_evt_kind)ev), rate);
    }
    /* Below both columns: memory, then the latency histogram over its
     * occupied range, one column per power-of-two bucket of microseconds. */
    y = (y > ey ? y : ey) + 1;
    putf(y++, 1, "memory %s: app %s, kernel %s, cache %s, overhead %s",
         vs_units_format_bytes(vs_mem_parts_total(&g->memory), a, sizeof a),
         vs_units_format_bytes(g->memory.bytes[VS_MEM_APPLICATION], b, sizeof b),
         vs_units_format_bytes(g->memory.bytes[VS_MEM_GUEST_KERNEL], c2, sizeof c2),
         vs_units_format_bytes(g->memory.bytes[VS_MEM_PAGE_CACHE], d, sizeof d),
         vs_units_format_bytes(g->memory.bytes[VS_MEM_OVERHEAD], e, sizeof e));
    if (g->mm.managed) /* resources.memory: what overcommit did to it */
        putf(y++, 1, "managed: resident %s, shared %s, ballooned %s, swapped %s, %llu swap-ins, %llu OOM kills",
             vs_units_format_bytes(g->mm.resident_bytes, a, sizeof a),
             vs_units_format_bytes(g->mm.shared_bytes, b, sizeof b),
             vs_units_format_bytes(g->mm.ballooned_bytes, c2, sizeof c2),
             vs_units_format_bytes(g->mm.swapped_bytes, d, sizeof d), (unsigned long long)g->mm.swap_ins,
             (unsigned long long)g->mm.oom_kills);
    int lo = -1, hi = -1;
    for (int bkt = 0; bkt < VS_LAT_BUCKETS; bkt++)
        if (g->latency.buckets[bkt]) {
            if (lo < 0) lo = bkt;
            hi = bkt;
        }
    if (lo >= 0) {
        double v[VS_LAT_BUCKETS];
        for (int bkt = lo; bkt <= hi; bkt++) v[bkt - lo] = (double)g->latency.buckets[bkt];
        char from[32], to[32];
        vs_units_format_time(lo == 0 ? 0 : 1e3 * (double)(INT64_C(1) << lo), from, sizeof from);
        vs_units_format_time(1e3 * (double)(INT64_C(1) << (hi + 1)), to, sizeof to);
        putf(y, 1, "latency histogram %s ", from);
        int x0 = 20 + (int)strlen(from);
        draw_spark(y, x0, v, hi - lo + 1, hi - lo + 1);
        putf(y, x0 + hi - lo + 2, "%s  (x2 per column)", to);
    }
}

/* The Timeline: per engine, the scored group's throughput and p99 over
 * its own run (from its end of boot) with its events marked (^) under the
 * step they fell in; under them, every event in time order, scrollable. */
static int timeline_chart_rows(const struct vs_tui *t) { return 2 + 2 * (int)t->n_engines; }

static void draw_timeline(const struct vs_tui *t, int top, int bottom)
{
    int grp = t->score_group;
    int w = (COLS - 14) / 2;
    if (w > VS_TUI_SPARK) w = VS_TUI_SPARK;
    attron(A_BOLD);
    putf(top, 0, " %-9.9s  %-*s  %s", group_name(t), w, "ops/s per step (from 0)", "p99 per step (its min to max; ^ an event)");
    attroff(A_BOLD);
    int y = top + 1;
    for (uint32_t k = 0; k < t->n_engines; k++) {
        const struct vs_tui_history *h = vs_tui_history(t, (int)k, grp);
        char st[24];
        vs_tui_engine_state(t, (int)k, st, sizeof st);
        putf(y, 1, "%-9.9s", t->snaps[k].engine);
        if (h && h->n > 0) {
            draw_spark(y, 12, h->rate_per_s, h->n, w);
            draw_spark_as(y, 14 + w, h->p99_ns, h->n, w, true);
            char marks[VS_TUI_SPARK + 1];
            vs_tui_mark_columns(t, (int)k, h, h->n < w ? h->n : w, marks);
            put(y + 1, 12, marks);
            put(y + 1, 14 + w, marks);
        } else {
            putf(y, 12, "(%s: nothing measured yet)", st);
        }
        y += 2;
    }
    y++;
    int rows = bottom - y;
    int first = vs_tui_timeline_first(t, rows);
    for (int i = first; i < t->timeline_len && y < bottom; i++) {
        char at[32];
        const struct vs_tui_event *e = &t->timeline[i];
        /* Entries of an earlier run (before a restart) are marked with its number. */
        char run[8] = "";
        if (e->run != t->run) snprintf(run, sizeof run, "#%d", e->run);
        putf(y++, 0, "%-3s%9s  %s", run, vs_units_format_time((double)e->at_ns, at, sizeof at), e->text);
    }
    if (t->timeline_len > rows && rows > 0) {
        char where[80];
        snprintf(where, sizeof where, " %d-%d of %d (Up Down PgUp PgDn; End: newest) ", first + 1,
                 first + rows < t->timeline_len ? first + rows : t->timeline_len, t->timeline_len);
        put(top + timeline_chart_rows(t) - 1, COLS - (int)strlen(where) - 1, where);
    }
}

/* The Density panel: per approach the guests that fit under the SLA and
 * what ran out, beside its CPU per operation over native's (the trade-off
 * as paired bars), its memory per guest by part; the selected approach's
 * curve (p99 per probe against the guest count, the SLA as a line, the
 * throughput per guest under it); at 100x32 and more the trade-off as a
 * scatter too. Everything comes from the model (tui_density.c). */
static void draw_density(const struct vs_tui *t, int top, int bottom)
{
    const struct vs_tui_density *d = t->density;
    const struct vs_tui_density_settings *s = &d->set;
    bool wide = COLS >= 110, tall = LINES >= 32;
    char sla[128], dur[32], a[32], b[32], c2[32], e4[32], e5[32];
    vs_tui_density_sla_text(s, sla, sizeof sla);
    vs_units_format_time((double)s->duration_ns, dur, sizeof dur);
    /* Every count means "under this SLA"; without one, the guests that start. */
    bool no_sla = strcmp(sla, "none") == 0;
    /* Memory overcommit (compared with a search without it) and vCPU
     * overcommit (its comparison in its own result) are said apart: the
     * title names the memory one, the line under it (the command, or the
     * settings) and the words over the curve the vCPU one. */
    struct vs_tui_density_settings mem = *s;
    mem.vcpus_shared = false;
    const char *over = vs_tui_density_overcommit_text(&mem);
    bool oc = over[0] != '\0';
    attron(A_BOLD);
    putf(top, 0, " density of %s on %s, %u vCPU%s per guest   %s%s%s%s", s->workload, s->host, s->vcpus,
         s->vcpus == 1 ? "" : "s", no_sla ? "no SLA: guests that start" : "SLA: ", no_sla ? "" : sla,
         wide ? "   memory overcommit: " : "", wide ? (oc ? over : "off") : "");
    attroff(A_BOLD);
    int y = top + 1;
    char cmd[512];
    vs_tui_density_command(t, cmd, sizeof cmd);
    /* The command that gives the same numbers where it fits whole. */
    if (tall && (int)strlen(cmd) + 4 <= COLS) {
        putf(y++, 1, "= %s", cmd);
    } else {
        putf(y++, 1, "%s per point, up to %u guests; memory overcommit: %s%s", dur, s->max_guests, oc ? over : "off",
             s->vcpus_shared ? "; vCPUs shared" : "");
    }
    /* Widths: name 12, guests 6, limit 7, cpu x 6, mem 9, and the bars. */
    int guests_w = wide ? 22 : 17, cost_w = wide ? 14 : 10;
    int mem_w = wide ? COLS - (12 + 11 + 7 + 8 + guests_w + 8 + cost_w + 10) - 3 : 0;
    if (mem_w > 40) mem_w = 40;
    attron(A_BOLD);
    if (wide)
        putf(y++, 0, " %-11s %-10s %6s %-7s %-*s %6s %-*s %9s %s", "preset", "approach", "guests", "limit", guests_w,
             "guests per host", "cpu x", cost_w, "CPU per op", "mem/guest", "a k c o: memory by part");
    else
        putf(y++, 0, " %-11s %6s %-7s %-*s %6s %-*s %9s", "preset", "guests", "limit", guests_w, "guests per host",
             "cpu x", cost_w, "CPU per op", "mem/guest");
    attroff(A_BOLD);
    /* Scales: the most guests shown, the largest cost (at most 3x native's). */
    double gmax = 1, xmax = 1, mmax = 1;
    for (int i = 0; i < d->n_rows; i++) {
        const struct vs_tui_density_entry *e;
        if (vs_tui_density_row(t, i, &e) != VS_TUI_DENSITY_DONE) continue;
        if (e->r.density > gmax) gmax = e->r.density;
        char cx[16];
        vs_tui_density_cost_text(t, i, cx, sizeof cx);
        double x = atof(cx);
        if (x > xmax) xmax = x;
        double m = vs_mem_parts_total(&e->r.memory_per_guest);
        if (m > mmax) mmax = m;
    }
    /* From 2x at least, so native's 1.00x alone is half a bar, not a full one. */
    double xscale = xmax > VS_TUI_SCALE_CAP ? VS_TUI_SCALE_CAP : xmax < 2 ? 2 : xmax;
    const char *full = utf8 ? "\u2588" : "#", *shade = utf8 ? "\u2592" : "=", *made = utf8 ? "\u2593" : "+";
    for (int i = 0; i < d->n_rows && y < bottom; i++, y++) {
        const struct vs_tui_density_entry *e;
        enum vs_tui_dstate st = vs_tui_density_row(t, i, &e);
        char name[24];
        snprintf(name, sizeof name, "%d %s", i + 1, d->engines[i]);
        if (i == d->sel) attron(A_REVERSE);
        putf(y, 0, "%c%-11.11s", i == d->sel ? '>' : ' ', name);
        if (i == d->sel) attroff(A_REVERSE);
        int x = 13;
        if (st != VS_TUI_DENSITY_DONE) {
            if (wide) x += 11;
            if (st == VS_TUI_DENSITY_OFF) put(y, x, "     - left out (x includes it)");
            else if (st == VS_TUI_DENSITY_QUEUED) put(y, x, "     . queued");
            else if (st == VS_TUI_DENSITY_SEARCHING) {
                struct vs_tui_density_progress p;
                vs_tui_density_get_progress(t, &p);
                putf(y, x, "     ? searching: %u simulations, %.0f s simulated", p.simulations, p.simulated_s);
            } else if (x + 7 + (int)strlen(e->error) <= COLS) {
                putf(y, x, "     - %s", e->error);
            } else {
                /* A reason too long for the row is given whole below it, when selected. */
                putf(y, x, "     - no result: %s", i == d->sel ? "why below" : "select the row for why");
            }
            continue;
        }
        const struct vs_density_result *r = &e->r;
        if (wide) {
            putf(y, x, "%-10.10s", r->approach);
            x += 11;
        }
        char dens[16];
        snprintf(dens, sizeof dens, "%s%u", r->capped ? ">=" : "", r->density);
        putf(y, x, "%6s %-7s ", dens, r->capped ? "bound" : vs_resource_name(r->limit));
        x += 15;
        int cells = (int)floor(r->density / gmax * guests_w + 0.5);
        /* With overcommit: the guests it made room for in their own glyph,
         * past the count without it (once that search is done); one cell
         * at least, so a gain too small for the scale still shows. */
        const struct vs_tui_density_entry *wo;
        int base = cells;
        if (vs_tui_density_row_without(t, i, &wo) == VS_TUI_DENSITY_DONE && wo->r.density < r->density) {
            base = (int)floor(wo->r.density / gmax * guests_w + 0.5);
            if (base >= cells && cells > 1) base = cells - 1;
        } else if (s->vcpus_shared && !oc && r->density_without_vcpu_overcommit < r->density) {
            /* vCPU overcommit alone: the guests past a core per vCPU. */
            base = (int)floor(r->density_without_vcpu_overcommit / gmax * guests_w + 0.5);
            if (base >= cells && cells > 1) base = cells - 1;
        }
        move(y, x);
        for (int k = 0; k < cells && k < guests_w; k++) addstr(k < base ? full : made);
        x += guests_w + 1;
        char cx[16];
        vs_tui_density_cost_text(t, i, cx, sizeof cx);
        putf(y, x, "%6s ", cx);
        x += 7;
        double xv = atof(cx);
        if (xv > 0) {
            int cc = (int)floor(xv / xscale * cost_w + 0.5);
            if (cc > cost_w) cc = cost_w;
            if (cc < 1) cc = 1;
            move(y, x);
            for (int k = 0; k < cc; k++) addstr(shade);
            if (xv > xscale * 1.0001) mvaddch(y, x + cost_w - 1, '>');
        }
        x += cost_w + 1;
        putf(y, x, "%9s", vs_units_format_bytes(vs_mem_parts_total(&r->memory_per_guest), a, sizeof a));
        x += 10;
        if (mem_w > 4) {
            /* The memory by part on one scale for every approach: a k c o. */
            static const char letter[4] = {'a', 'k', 'c', 'o'};
            double parts[VS_CAT_COUNT] = {0};
            for (int p = 0; p < 4; p++) parts[p] = r->memory_per_guest.bytes[p];
            int mcells[VS_CAT_COUNT];
            vs_tui_scaled_cells(parts, mmax, mem_w, mcells);
            move(y, x + 1);
            for (int p = 0; p < 4; p++)
                for (int k = 0; k < mcells[p]; k++) {
                    if (p == VS_MEM_OVERHEAD) attron(A_REVERSE);
                    addch((chtype)letter[p]);
                    if (p == VS_MEM_OVERHEAD) attroff(A_REVERSE);
                }
        }
    }
    if (tall) y++;
    /* What the bars are, and the selected approach's memory in words. */
    if (wide)
        putf(y++, 1, "guests: most %s; limit: ran out with one more; cpu x: CPU/op of one guest alone "
                     "/ native's%s",
             no_sla ? "that start" : "meeting every SLA", xmax > VS_TUI_SCALE_CAP ? "; > past 3x" : "");
    else
        putf(y++, 1, "limit: what ran out one guest more; cpu x: CPU/op alone / native's%s",
             xmax > VS_TUI_SCALE_CAP ? "; > past 3x" : "");
    const struct vs_tui_density_entry *sel;
    enum vs_tui_dstate sst = vs_tui_density_row(t, d->sel, &sel);
    if (sst == VS_TUI_DENSITY_DONE) {
        const struct vs_mem_parts *m = &sel->r.memory_per_guest;
        putf(y++, 1, "%s: %s%s = app %s + kernel %s + cache %s + overhead %s", d->engines[d->sel],
             vs_units_format_bytes(vs_mem_parts_total(m), a, sizeof a), wide ? "/guest" : "",
             vs_units_format_bytes(m->bytes[VS_MEM_APPLICATION], b, sizeof b),
             vs_units_format_bytes(m->bytes[VS_MEM_GUEST_KERNEL], c2, sizeof c2),
             vs_units_format_bytes(m->bytes[VS_MEM_PAGE_CACHE], e4, sizeof e4),
             vs_units_format_bytes(m->bytes[VS_MEM_OVERHEAD], e5, sizeof e5));
    } else {
        y++;
    }
    /* With overcommit: what it made room for, against the same search
     * without it, and what each mechanism saved per guest. */
    if (oc) {
        char room[320];
        vs_tui_density_room_text(t, d->sel, room, sizeof room);
        /* The memory part on this line; vCPU overcommit's on its own below. */
        char *v = strstr(room, "; vCPU overcommit: ");
        if (v) *v = '\0';
        if (room[0]) {
            move(y, 1);
            addstr(made);
            putf(y, 3, "%s%.*s", wide ? "overcommit: " : "", COLS - (wide ? 16 : 4), room);
        }
        y++;
    }
    if (s->vcpus_shared) {
        char vcpu[160];
        vs_tui_density_vcpu_text(t, d->sel, vcpu, sizeof vcpu);
        if (vcpu[0]) {
            move(y, 1);
            if (!oc) addstr(made);
            putf(y, 3, "%s%.*s", wide ? "vCPU overcommit: " : "vCPUs: ", COLS - (wide ? 21 : 11), vcpu);
        }
        y++;
    }
    /* Keys and progress take the last lines above the status line. */
    int keys_rows = COLS >= 120 ? 1 : 2;
    int plot_bottom = bottom - keys_rows - 1;
    int plot_h = plot_bottom - y - 3; /* title, the guest counts, the throughput */
    if (plot_h >= 3 && sst == VS_TUI_DENSITY_DONE) {
        bool scatter = COLS >= 100 && tall;
        int curve_w = scatter ? COLS / 2 : COLS - 2;
        if (curve_w > 8 + 5 * (int)sel->r.n_points + 2) curve_w = 8 + 5 * (int)sel->r.n_points + 2;
        if (curve_w < 30) curve_w = 30;
        putf(y, 1, "%-.*s", scatter ? COLS / 2 + 1 : COLS - 2,
             no_sla ? "p99/probe: o all ran, x failed, e early (no figure), M no fit"
                    : "p99/probe: o SLA met, x missed, e early (no figure), M no fit");
        if (scatter) putf(y, COLS / 2 + 4, "trade-off: guests per host (y) against CPU per op (x)");
        y++;
        char *grid = malloc((size_t)(plot_h + 1) * (size_t)(curve_w + 1));
        int cols[VS_DENSITY_MAX_POINTS];
        if (grid) {
            int n = vs_tui_density_curve(&sel->r, s->p99_ns, curve_w, plot_h, grid, cols);
            for (int r = 0; r <= plot_h; r++) put(y + r, 1, grid + r * (curve_w + 1));
            /* Throughput per guest at each probe, under its column, from zero. */
            double v[VS_DENSITY_MAX_POINTS];
            int lv[VS_DENSITY_MAX_POINTS];
            for (int i = 0; i < n; i++) v[i] = sel->r.points[i].throughput_per_guest;
            vs_tui_spark_levels(v, n, lv);
            static const char *const blocks[8] = {"\u2581", "\u2582", "\u2583", "\u2584",
                                                  "\u2585", "\u2586", "\u2587", "\u2588"};
            static const char ascii[8] = "_.-~=*#@";
            put(y + plot_h + 1, 1, "thru/g");
            for (int i = 0; i < n; i++) {
                const struct vs_density_point *p = &sel->r.points[i];
                if (p->basis != VS_PROBE_FULL || p->failed > 0) continue;
                move(y + plot_h + 1, 1 + cols[i]);
                if (utf8) addstr(blocks[lv[i]]);
                else addch((chtype)ascii[lv[i]]);
            }
            free(grid);
        }
        if (scatter) {
            int sw = COLS - (COLS / 2 + 4) - 1, sh = plot_h + 2;
            char *sg = malloc((size_t)sh * (size_t)(sw + 1));
            if (sg) {
                vs_tui_density_scatter(t, sw, sh, sg);
                for (int r = 0; r < sh; r++) put(y + r, COLS / 2 + 4, sg + r * (sw + 1));
                free(sg);
            }
        }
    } else if (sst == VS_TUI_DENSITY_FAILED && plot_h >= 1) {
        /* Why there is no result, wrapped at spaces over the plot's lines. */
        char why[320];
        snprintf(why, sizeof why, "%s, no result: %s", d->engines[d->sel], sel->error);
        const char *p = why;
        for (int line = 0; *p && line < plot_h + 3; line++) {
            int room = COLS - 2, n = (int)strlen(p);
            if (n > room) {
                n = room;
                while (n > room / 2 && p[n] != ' ') n--;
            }
            putf(y + line, 1, "%.*s", n, p);
            p += n;
            while (*p == ' ') p++;
        }
    } else if (sst != VS_TUI_DENSITY_DONE && plot_h >= 1) {
        putf(y, 1, "%s: the curve shows once its search is done", d->engines[d->sel]);
    }
    /* Progress, then the keys. */
    int ky = bottom - keys_rows - 1;
    struct vs_tui_density_progress p;
    vs_tui_density_get_progress(t, &p);
    if (d->typing)
        putf(ky, 1, "SLA (e.g. p99<20ms throughput>=95%%; Enter sets, Esc keeps): %s_", d->typed);
    else if (p.searching) {
        /* The whole line, or a shorter one where it would not fit. */
        char line[256];
        snprintf(line, sizeof line, "searching %s%s: %u simulations, %.0f s simulated in %.0f s; %d of %d done", p.engine,
                 p.without ? " without overcommit" : "", p.simulations, p.simulated_s, p.wall_s, p.done, p.total);
        if ((int)strlen(line) > COLS - 2)
            snprintf(line, sizeof line, "searching %s%s: %u runs, %.0f s simulated; %d of %d done", p.engine,
                     p.without ? " w/o overcommit" : "", p.simulations, p.simulated_s, p.done, p.total);
        put(ky, 1, line);
    }
    else
        putf(ky, 1, "%d of %d approaches done (settings seen before show at once)", p.done, p.total);
    if (keys_rows == 1) {
        put(ky + 1, 1, "w W workload  H host  [ ] p99  { } throughput  S type SLA  P sharing  B balloon  V vCPUs  "
                       "x in/out  c preset  e export");
    } else {
        put(ky + 1, 1, "w W workload  H host  [ ] p99 bound  { } throughput bound  S type the SLA");
        put(ky + 2, 1, "Up Down select  x in/out  c preset  P sharing  B balloon  V vCPUs  e export");
    }
}

/* The help is its own window over the panels, boxed, so it never mixes
 * with the table beneath; its lines fit 80 columns and, at 24 lines, the
 * keys all show (the notes under them where there is room). */
static void draw_help(void)
{
    const char *lines[40];
    int n = vs_tui_help_lines(LINES, lines, 40);
    int w = COLS < 80 ? COLS : 80, h = n + 2 < LINES ? n + 2 : LINES;
    WINDOW *win = newwin(h, w, (LINES - h) / 2, (COLS - w) / 2);
    if (!win) return;
    werase(win);
    box(win, 0, 0);
    for (int i = 0; i < n && i + 1 < h - 1; i++) {
        if (i == 0) wattron(win, A_BOLD);
        mvwaddnstr(win, i + 1, 2, lines[i], w - 4);
        if (i == 0) wattroff(win, A_BOLD);
    }
    wrefresh(win);
    delwin(win);
}

/* The trace box ('t'): the steps of the selected guest's dominant
 * operation, in order, with where each runs and its time; over the panels
 * like the help. */
static void draw_trace_box(const struct vs_tui *t)
{
    const struct vs_trace_report *r = t->trace;
    const struct vs_trace_run *run = &r->runs[0];
    const struct vs_trace_op *op = &run->ops[0];
    int n = (int)op->steps.n_steps;
    int w = COLS, h = n + 6 < LINES ? n + 6 : LINES;
    WINDOW *win = newwin(h, w, (LINES - h) / 2, 0);
    if (!win) return;
    werase(win);
    box(win, 0, 0);
    char head[400], tl[32];
    double total_ns = op->delay_ns + vs_cycles_to_ns(&r->host.cpu, op->cycles);
    snprintf(head, sizeof head, "%s under %s: one %s", t->snaps[t->engine].engine, run->approach, r->what);
    wattron(win, A_BOLD);
    mvwaddnstr(win, 1, 2, head, w - 4);
    wattroff(win, A_BOLD);
    snprintf(head, sizeof head, "%s in all (%.0f cycles of CPU%s); any key closes; virtsim trace for more",
             vs_units_format_time(total_ns, tl, sizeof tl), op->cycles, op->delay_ns > 0 ? " and waits" : "");
    mvwaddnstr(win, 2, 2, head, w - 4);
    mvwaddnstr(win, 3, 2, " #  place               time        step", w - 4);
    for (int i = 0; i < n && i + 4 < h - 1; i++) {
        const struct vs_step *st = &op->steps.steps[i];
        char line[400], tm[32];
        double ns = st->delay_ns > 0 ? st->delay_ns : vs_cycles_to_ns(&r->host.cpu, st->cycles);
        snprintf(line, sizeof line, "%2d  %-18s %10s  %s%s%s%s", i + 1,
                 st->delay_ns > 0 ? "waiting" : vs_trace_place(st->cat), vs_units_format_time(ns, tm, sizeof tm),
                 st->part ? "[" : "", st->part ? st->part : "", st->part ? "] " : "", st->what);
        mvwaddnstr(win, i + 4, 2, line, w - 4);
    }
    wrefresh(win);
    delwin(win);
}

/* The security box ('i'): the model's lines, wrapped to the screen. */
static void draw_security_box(const struct vs_tui *t)
{
    static char lines[64][VS_TUI_LINE_MAX];
    int w = COLS, n = vs_tui_security_lines(t, w - 4, lines, 64);
    int h = n + 3 < LINES ? n + 3 : LINES;
    WINDOW *win = newwin(h, w, (LINES - h) / 2, 0);
    if (!win) return;
    werase(win);
    box(win, 0, 0);
    for (int i = 0; i < n && i + 1 < h - 1; i++) {
        if (i == 0) wattron(win, A_BOLD);
        mvwaddnstr(win, i + 1, 2, lines[i], w - 4);
        if (i == 0) wattroff(win, A_BOLD);
    }
    mvwaddnstr(win, h - 1, 2, " any key closes; docs/approaches.md has every approach side by side ", w - 4);
    wrefresh(win);
    delwin(win);
}

static void draw(const struct vs_tui *t)
{
    erase();
    if (COLS < MIN_COLS || LINES < MIN_LINES) {
        putf(0, 0, "terminal too small: need %dx%d, have %dx%d", MIN_COLS, MIN_LINES, COLS, LINES);
        refresh();
        return;
    }
    char head[256];
    vs_tui_header(t, COLS, head, sizeof head);
    if (colour) attron(COLOR_PAIR(PAIR_HEADER));
    else attron(A_REVERSE);
    move(0, 0);
    for (int x = 0; x < COLS; x++) addch(' ');
    put(0, 1, head);
    if (colour) attroff(COLOR_PAIR(PAIR_HEADER));
    else attroff(A_REVERSE);
    static const char *const tabs[VS_TUI_PANELS] = {"Compare", "Guests", "Detail", "Group", "Timeline", "Density"};
    int x = 1;
    for (int p = 0; p < VS_TUI_PANELS; p++) {
        if (p == VS_TUI_DETAIL && t->panel != VS_TUI_DETAIL) continue;
        if (p == (int)t->panel) attron(A_REVERSE | A_BOLD);
        putf(1, x, " %s ", tabs[p]);
        if (p == (int)t->panel) attroff(A_REVERSE | A_BOLD);
        x += (int)strlen(tabs[p]) + 3;
    }
    put(1, COLS - 30 > x ? COLS - 30 : x, "? help  q quit  Tab panels");
    switch (t->panel) {
    case VS_TUI_COMPARE: draw_compare(t, 3); break;
    case VS_TUI_GUESTS: draw_guests(t, 3, LINES - 1); break;
    case VS_TUI_DETAIL: draw_detail(t, 3); break;
    case VS_TUI_GROUP: draw_group(t, 3, LINES - 1); break;
    case VS_TUI_TIMELINE: draw_timeline(t, 3, LINES - 1); break;
    case VS_TUI_DENSITY: draw_density(t, 3, LINES - 1); break;
    case VS_TUI_PANELS: break;
    }
    char status[400];
    vs_tui_status_line(t, status, sizeof status);
    put(LINES - 1, 0, status);
    refresh();
    if (t->help) draw_help();
    else if (t->trace) draw_trace_box(t);
    else if (t->security) draw_security_box(t);
}

/* A click: on a tab opens its panel, on a row of the Compare or Guests panel
 * selects it (a second click on the selected row drills in). The geometry
 * is the one draw() uses. */
static void click(struct vs_tui *t)
{
    MEVENT ev;
    if (getmouse(&ev) != OK || !(ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED))) return;
    if (ev.y == 1) {
        static const char *const tabs[VS_TUI_PANELS] = {"Compare", "Guests", "Detail", "Group", "Timeline", "Density"};
        int x = 1;
        for (int p = 0; p < VS_TUI_PANELS; p++) {
            if (p == VS_TUI_DETAIL && t->panel != VS_TUI_DETAIL) continue;
            int w = (int)strlen(tabs[p]) + 2;
            if (ev.x >= x && ev.x < x + w) vs_tui_select(t, p, -1, -1);
            x += w + 1;
        }
        return;
    }
    int line = ev.y - 4; /* rows start under the header line at 3 */
    if (line < 0) return;
    if (t->panel == VS_TUI_COMPARE && line < (int)t->n_engines) {
        if (line == t->engine) vs_tui_select(t, VS_TUI_GUESTS, -1, -1);
        else vs_tui_select(t, -1, line, -1);
    } else if (t->panel == VS_TUI_DENSITY) {
        /* The approach rows start under the title, its second line and the header. */
        int row = ev.y - 6;
        if (row >= 0 && row < t->density->n_rows) t->density->sel = row;
    } else if (t->panel == VS_TUI_GUESTS) {
        int visible = LINES - 1 - 3 - 1;
        int first = t->row >= visible ? t->row - visible + 1 : 0;
        int row = first + line;
        if (row == t->row) vs_tui_select(t, VS_TUI_DETAIL, -1, -1);
        else vs_tui_select(t, -1, -1, row);
    }
}

static int map_key(int ch)
{
    switch (ch) {
    case KEY_UP: return VS_TUI_KEY_UP;
    case KEY_DOWN: return VS_TUI_KEY_DOWN;
    case KEY_LEFT: return VS_TUI_KEY_LEFT;
    case KEY_RIGHT: return VS_TUI_KEY_RIGHT;
    case '\t': return VS_TUI_KEY_TAB;
    case KEY_BTAB: return VS_TUI_KEY_BTAB;
    case '\n': case '\r': case KEY_ENTER: return VS_TUI_KEY_ENTER;
    case 27: return VS_TUI_KEY_ESC;
    case KEY_F(1): return VS_TUI_KEY_F1;
    case KEY_BACKSPACE: return 127;
    case KEY_PPAGE: return VS_TUI_KEY_PGUP;
    case KEY_NPAGE: return VS_TUI_KEY_PGDN;
    case KEY_END: return VS_TUI_KEY_END;
    default: return ch;
    }
}

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int vs_tui_main(const struct vs_scenario *sc, uint64_t seed, struct vs_error *err)
{
    return vs_tui_main_with(sc, seed, NULL, err);
}

int vs_tui_main_with(const struct vs_scenario *sc, uint64_t seed, const struct vs_tui_density_start *ds,
                     struct vs_error *err)
{
    struct vs_tui *t = malloc(sizeof *t);
    if (!t) return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    int rc = vs_tui_init(t, sc, seed, err);
    if (rc == VS_OK) rc = vs_tui_density_begin(t, ds, err);
    if (rc != VS_OK) {
        vs_tui_free(t);
        free(t);
        return rc;
    }
    vs_tui_screen_begin();
    double last = wall_now();
    draw(t);
    while (!t->quit) {
        t->timeline_rows = LINES - 1 - 3 - timeline_chart_rows(t) - 1;
        int ch = getch();
        if (ch == KEY_MOUSE) click(t);
        else if (ch != ERR && ch != KEY_RESIZE) vs_tui_key(t, map_key(ch));
        double now = wall_now();
        rc = vs_tui_tick(t, now - last, err);
        last = now;
        if (rc != VS_OK) break;
        draw(t);
    }
    vs_tui_screen_end();
    vs_tui_free(t);
    free(t);
    return rc;
}

/* ---- for other screens built on this one (lab mode, tui/tui_lab_screen.c) ---- */

void vs_tui_screen_begin(void)
{
    /* Only the character type: numbers keep the C locale's format. */
    setlocale(LC_CTYPE, "");
    utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
    set_escdelay(25);
    initscr();
    cbreak();
    noecho();
    keypad(stdscr, TRUE);
    curs_set(0);
    timeout(100);
    mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED, NULL);
    init_colours();
}

void vs_tui_screen_end(void) { endwin(); }

void vs_tui_screen_draw(struct vs_tui *t)
{
    t->timeline_rows = LINES - 1 - 3 - timeline_chart_rows(t) - 1;
    draw(t);
}

int vs_tui_screen_map_key(int ch) { return map_key(ch); }

void vs_tui_screen_click(struct vs_tui *t) { click(t); }
