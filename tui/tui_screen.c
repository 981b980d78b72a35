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

/* One colour pair and one letter per CPU category: the letter alone tells
 * the categories apart when there is no colour. */
static const short cat_colour[VS_CAT_COUNT] = {
    [VS_CAT_GUEST_USER] = COLOR_GREEN,   [VS_CAT_GUEST_KERNEL] = COLOR_RED,
    [VS_CAT_TRANSLATION] = COLOR_MAGENTA, [VS_CAT_VMEXIT] = COLOR_YELLOW,
    [VS_CAT_HYPERCALL] = COLOR_CYAN,     [VS_CAT_DEVICE_MODEL] = COLOR_BLUE,
    [VS_CAT_PAGE_WALK] = COLOR_WHITE,    [VS_CAT_HOST_KERNEL] = COLOR_RED,
    [VS_CAT_IDLE] = COLOR_BLACK};
static const char cat_letter[VS_CAT_COUNT] = "UKTXHDWO.";
#define PAIR_HEADER 20
#define PAIR_SELECTED 21

static void init_colours(void)
{
    colour = has_colors() && getenv("NO_COLOR") == NULL;
    if (!colour) return;
    start_color();
    use_default_colors();
    for (int c = 0; c < VS_CAT_COUNT; c++) init_pair((short)(c + 1), cat_colour[c], -1);
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

/* A stacked bar of CPU categories, `width` cells. */
static void draw_bar(int y, int x, const double ns[VS_CAT_COUNT], int width)
{
    int cells[VS_CAT_COUNT];
    vs_tui_bar_cells(ns, width, cells);
    move(y, x);
    for (int c = 0; c < VS_CAT_COUNT; c++)
        for (int i = 0; i < cells[c]; i++) {
            if (c == VS_CAT_IDLE) {
                addstr(utf8 ? "\u00b7" : ".");
            } else if (colour) {
                attron(COLOR_PAIR(c + 1));
                addstr(utf8 ? "\u2588" : "#");
                attroff(COLOR_PAIR(c + 1));
            } else {
                addch((chtype)cat_letter[c]);
            }
        }
}

static void draw_spark(int y, int x, const double *v, int n, int width)
{
    static const char *const blocks[8] = {"\u2581", "\u2582", "\u2583", "\u2584",
                                          "\u2585", "\u2586", "\u2587", "\u2588"};
    static const char ascii[8] = "_.-~=*#@";
    if (n > width) {
        v += n - width;
        n = width;
    }
    int levels[VS_TUI_SPARK];
    vs_tui_spark_levels(v, n, levels);
    move(y, x);
    for (int i = 0; i < n; i++) {
        if (utf8)
            addstr(blocks[levels[i]]);
        else
            addch((chtype)ascii[levels[i]]);
    }
}

static double worst_p99(const struct vs_run_result *r)
{
    double w = 0;
    for (uint32_t g = 0; g < r->n_groups; g++)
        if (!r->groups[g].batch && r->groups[g].latency.p99_ns > w) w = (double)r->groups[g].latency.p99_ns;
    return w;
}

static const char *run_state(const struct vs_run_result *r)
{
    for (uint32_t g = 0; g < r->n_groups; g++)
        if (r->groups[g].state == VS_GUEST_BOOTING) return "booting";
    return "running";
}

static void draw_legend(int y)
{
    int x = 1;
    for (int c = 0; c < VS_CAT_COUNT - 1 && x < COLS - 12; c++) {
        double one[VS_CAT_COUNT] = {0};
        one[c] = 1;
        draw_bar(y, x, one, 1);
        putf(y, x + 2, "%s", vs_cat_label((enum vs_cpu_cat)c));
        x += 3 + (int)strlen(vs_cat_label((enum vs_cpu_cat)c)) + 1;
    }
}

static void draw_compare(const struct vs_tui *t, int top)
{
    int bar_w = COLS - 74;
    if (bar_w > 40) bar_w = 40;
    if (bar_w < 8) bar_w = 8;
    attron(A_BOLD);
    putf(top, 0, " %-11s %-10s %-8s %8s %5s %9s %5s  %-*s %s", "engine", "approach", "state", "ops/s",
         "rel", "p99", "cpu%", bar_w, "where host CPU went", "ops/s trend");
    attroff(A_BOLD);
    for (uint32_t k = 0; k < t->n_engines; k++) {
        const struct vs_run_result *r = &t->snaps[k];
        int y = top + 1 + (int)k;
        char ops[16], p99[32], rel[16];
        vs_tui_format_rate(vs_tui_engine_throughput(r), ops, sizeof ops);
        vs_units_format_time(worst_p99(r), p99, sizeof p99);
        double rv = vs_tui_engine_relative(t, (int)k);
        /* A guest still booting has no figure yet, not a zero one. */
        if (isnan(rv) || strcmp(run_state(r), "booting") == 0) snprintf(rel, sizeof rel, "-");
        else snprintf(rel, sizeof rel, "%.2f", rv);
        if ((int)k == t->engine) attron(A_REVERSE);
        putf(y, 0, "%c%-11.11s %-10.10s %-8s %8s %5s %9s %5.1f ", (int)k == t->engine ? '>' : ' ',
             r->engine, r->approach, run_state(r), ops, rel, p99, 100.0 * r->host.cpu_utilisation);
        if ((int)k == t->engine) attroff(A_REVERSE);
        double busy[VS_CAT_COUNT];
        memcpy(busy, r->host.cpu_ns_by_cat, sizeof busy);
        draw_bar(y, 64, busy, bar_w);
        int spark_w = COLS - 64 - bar_w - 2;
        if (spark_w > 0) draw_spark(y, 64 + bar_w + 1, t->spark[k], t->spark_len[k], spark_w);
    }
    int y = top + 2 + (int)t->n_engines;
    draw_legend(y++);
    /* Host meters of the selected engine's run. */
    const struct vs_run_result *r = &t->snaps[t->engine];
    const struct vs_host_result *h = &r->host;
    char a[32], b[32];
    attron(A_BOLD);
    putf(y++, 0, " host under %s: %u cores @ %.2f GHz", r->engine, h->spec.cpu.cores,
         h->spec.cpu.frequency_hz / 1e9);
    attroff(A_BOLD);
    putf(y, 1, "CPU  %5.1f%% ", 100.0 * h->cpu_utilisation);
    draw_bar(y++, 13, h->cpu_ns_by_cat, COLS - 15 > 50 ? 50 : COLS - 15);
    /* Per-core meters (htop style), two columns, as many rows as fit. */
    uint32_t cores = h->core_ns_by_cat ? h->spec.cpu.cores : 0;
    int rows_free = LINES - 3 - y;
    int per_col = (int)(cores + 1) / 2;
    if (per_col > rows_free) per_col = rows_free > 0 ? rows_free : 0;
    int col_w = (COLS - 2) / 2;
    for (int i = 0; i < per_col; i++)
        for (int col = 0; col < 2; col++) {
            uint32_t k = (uint32_t)(col * ((int)(cores + 1) / 2) + i);
            if (k >= cores) continue;
            const double *ns = h->core_ns_by_cat[k];
            double all = 0, busy = 0;
            for (int c = 0; c < VS_CAT_COUNT; c++) {
                all += ns[c];
                if (c != VS_CAT_IDLE) busy += ns[c];
            }
            int x0 = 1 + col * col_w;
            putf(y + i, x0, "%3u %5.1f%% ", k, all > 0 ? 100.0 * busy / all : 0.0);
            draw_bar(y + i, x0 + 11, ns, col_w - 13);
        }
    y += per_col;
    double mem[VS_CAT_COUNT] = {0};
    mem[VS_CAT_GUEST_USER] = h->mem_used_bytes;
    mem[VS_CAT_IDLE] = h->mem_free_bytes;
    putf(y, 1, "Mem  %5.1f%% ", h->mem_capacity_bytes > 0 ? 100.0 * h->mem_used_bytes / h->mem_capacity_bytes : 0);
    draw_bar(y, 13, mem, 30);
    putf(y++, 45, "%s used of %s", vs_units_format_bytes(h->mem_used_bytes, a, sizeof a),
         vs_units_format_bytes(h->mem_capacity_bytes, b, sizeof b));
    putf(y++, 1, "Disk %5.1f%%  queue %.2f   NIC rx %.1f%%  tx %.1f%%   run queue %.2f",
         100.0 * h->disk_utilisation, h->disk_queue_mean, 100.0 * h->nic_rx_utilisation,
         100.0 * h->nic_tx_utilisation, h->runqueue_mean);
}

static void draw_guests(const struct vs_tui *t, int top, int bottom)
{
    const struct vs_run_result *r = &t->snaps[t->engine];
    static const int width[VS_COL_COUNT] = {16, 11, 9, 7, 9, 9, 9, 10, 11};
    int x = 0;
    attron(A_BOLD);
    for (int c = 0; c < VS_COL_COUNT; c++) {
        char head[24];
        snprintf(head, sizeof head, "%s%s", vs_tui_col_name((enum vs_tui_col)c),
                 c == (int)t->sort_col ? (t->sort_desc ? "v" : "^") : "");
        putf(top, x, c < 3 ? "%-*s" : "%*s", width[c], head);
        x += width[c] + 1;
    }
    attroff(A_BOLD);
    int idx[VS_MAX_GUESTS];
    int n = vs_tui_guest_rows(t, idx, VS_MAX_GUESTS);
    int visible = bottom - top - 1;
    int first = t->row >= visible ? t->row - visible + 1 : 0;
    double window = r->window_ns > 0 ? (double)r->window_ns : 1;
    for (int i = first; i < n && i - first < visible; i++) {
        const struct vs_guest_result *g = &r->instances[idx[i]];
        double cpu = 0;
        for (int c = 0; c < VS_CAT_COUNT; c++)
            if (c != VS_CAT_IDLE) cpu += g->cpu_ns[c];
        char ops[16], p50[32], p99[32], mem[32], ex[16];
        vs_tui_format_rate(g->throughput_per_s, ops, sizeof ops);
        vs_units_format_time((double)g->latency.p50_ns, p50, sizeof p50);
        vs_units_format_time((double)g->latency.p99_ns, p99, sizeof p99);
        vs_units_format_bytes(vs_mem_parts_total(&g->memory), mem, sizeof mem);
        vs_tui_format_rate((g->events[VS_EVT_VMEXIT] + g->events[VS_EVT_HYPERCALL]) * 1e9 / window, ex,
                           sizeof ex);
        if (i == t->row) attron(A_REVERSE);
        putf(top + 1 + i - first, 0, "%-16.16s %-11.11s %-9.9s %7.1f %9s %9s %9s %10s %11s", g->name,
             g->engine, vs_guest_state_name(g->state), 100.0 * cpu / window, ops, p50, p99, mem, ex);
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
    putf(top, 0, " %s under %s (%s): %s, workload %s", g->name, r->engine, r->approach,
         vs_guest_state_name(g->state), g->workload);
    attroff(A_BOLD);
    putf(top + 1, 1, "latency p50 %s p90 %s p99 %s p99.9 %s max %s (n=%llu)",
         vs_units_format_time((double)g->latency.p50_ns, a, sizeof a),
         vs_units_format_time((double)g->latency.p90_ns, b, sizeof b),
         vs_units_format_time((double)g->latency.p99_ns, c2, sizeof c2),
         vs_units_format_time((double)g->latency.p999_ns, d, sizeof d),
         vs_units_format_time((double)g->latency.max_ns, e, sizeof e),
         (unsigned long long)g->latency.count);
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

static void draw_timeline(const struct vs_tui *t, int top, int bottom)
{
    int rows = bottom - top;
    int first = t->timeline_len > rows ? t->timeline_len - rows : 0;
    for (int i = first; i < t->timeline_len; i++) {
        char at[32];
        putf(top + i - first, 1, "%10s  %s",
             vs_units_format_time((double)t->timeline[i].at_ns, at, sizeof at), t->timeline[i].text);
    }
}

static const char *const help_lines[] = {
    "virtsim - keys (any key closes this)",
    "  Tab / Shift-Tab   next / previous panel: Compare, Guests, Timeline",
    "  Up Down  j k      select an engine (Compare) or a guest (Guests)",
    "  Left Right  h l   select the engine whose guests are shown",
    "  Enter / Esc       drill into the selection / back",
    "  space  p          pause or run;   s  one step (100 ms simulated)",
    "  +  -              speed: 1x, 10x, 100x, as fast as possible",
    "  r                 restart with a new seed",
    "  a  d              add / remove a guest like the selected one",
    "  [  ]              lower / raise the selected guest's load",
    "  c  w  H           next preset for the engine / workload for the guest / host",
    "                    (every change restarts the run: a d [ ] c w H)",
    "  e                 export the figures on screen (.json, .csv or text)",
    "  o  O              sort guests by the next column / reverse the order",
    "  /                 filter guests by name (Enter keeps, Esc clears)",
    "  ?  F1             this help;   q  quit;   mouse: click tabs and rows",
    "",
    "Compare: each engine runs the same guests on an identical host; rel = ops/s",
    "  relative to the first engine; the bar splits host CPU by category.",
    "Guests: one row per guest of the selected engine. Timeline: what happened.",
};

/* The help is its own window over the panels, boxed, so it never mixes
 * with the table beneath. */
static void draw_help(void)
{
    int n = (int)(sizeof help_lines / sizeof help_lines[0]);
    int w = COLS < 80 ? COLS : 80, h = n + 2 < LINES ? n + 2 : LINES;
    WINDOW *win = newwin(h, w, (LINES - h) / 2, (COLS - w) / 2);
    if (!win) return;
    werase(win);
    box(win, 0, 0);
    for (int i = 0; i < n && i + 1 < h - 1; i++) {
        if (i == 0) wattron(win, A_BOLD);
        mvwaddnstr(win, i + 1, 2, help_lines[i], w - 4);
        if (i == 0) wattroff(win, A_BOLD);
    }
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
    char now[32], dur[32];
    const struct vs_run_result *r = &t->snaps[0];
    double speed = vs_tui_speeds[t->speed];
    char sp[16];
    if (speed > 0) snprintf(sp, sizeof sp, "%gx", speed);
    else snprintf(sp, sizeof sp, "max");
    if (colour) attron(COLOR_PAIR(PAIR_HEADER));
    else attron(A_REVERSE);
    move(0, 0);
    for (int x = 0; x < COLS; x++) addch(' ');
    putf(0, 1, "virtsim  %s  seed %llu   t = %s of %s   speed %s   %s", t->sc.name,
         (unsigned long long)t->seed, vs_units_format_time((double)r->now_ns, now, sizeof now),
         vs_units_format_time((double)t->sc.duration_ns, dur, sizeof dur), sp,
         t->finished ? "FINISHED" : t->paused ? "PAUSED" : "RUNNING");
    if (colour) attroff(COLOR_PAIR(PAIR_HEADER));
    else attroff(A_REVERSE);
    static const char *const tabs[VS_TUI_PANELS] = {"Compare", "Guests", "Detail", "Timeline"};
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
    case VS_TUI_TIMELINE: draw_timeline(t, 3, LINES - 1); break;
    case VS_TUI_PANELS: break;
    }
    if (t->exporting)
        putf(LINES - 1, 0, "export to (Enter writes, Esc cancels): %s_", t->export_path);
    else if (t->filtering || t->filter[0])
        putf(LINES - 1, 0, "filter: %s%s", t->filter, t->filtering ? "_" : "");
    else
        put(LINES - 1, 0, t->status);
    refresh();
    if (t->help) draw_help();
}

/* A click: on a tab opens its panel, on a row of the Compare or Guests panel
 * selects it (a second click on the selected row drills in). The geometry
 * is the one draw() uses. */
static void click(struct vs_tui *t)
{
    MEVENT ev;
    if (getmouse(&ev) != OK || !(ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED))) return;
    if (ev.y == 1) {
        static const char *const tabs[VS_TUI_PANELS] = {"Compare", "Guests", "Detail", "Timeline"};
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
    struct vs_tui *t = malloc(sizeof *t);
    if (!t) return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    int rc = vs_tui_init(t, sc, seed, err);
    if (rc != VS_OK) {
        vs_tui_free(t);
        free(t);
        return rc;
    }
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
    double last = wall_now();
    draw(t);
    while (!t->quit) {
        int ch = getch();
        if (ch == KEY_MOUSE) click(t);
        else if (ch != ERR && ch != KEY_RESIZE) vs_tui_key(t, map_key(ch));
        double now = wall_now();
        rc = vs_tui_tick(t, now - last, err);
        last = now;
        if (rc != VS_OK) break;
        draw(t);
    }
    endwin();
    vs_tui_free(t);
    free(t);
    return rc;
}
