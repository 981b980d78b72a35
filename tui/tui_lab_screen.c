/* Lab mode on the terminal (virtsim lab start): the UI of tui_screen.c in
 * the left part of the screen, the lab's panel on the right (the step's
 * text, what to do, its questions with their state, the answer being
 * typed, hints and the last check's verdict), and the loop that sends keys
 * to lab mode first (tui_lab.c), then to the UI. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "virtsim/ui/tui.h"

#define MIN_PANEL 34
#define MIN_UI_COLS 80

/* Lines of text wrapped to `width`, drawn from row y while y < bottom;
 * returns the row after the last. Line breaks and "- " bullets kept. */
static int put_wrapped(int y, int x, int width, int bottom, const char *text, int attr)
{
    const char *p = text;
    if (attr) attron(attr);
    while (*p && y < bottom) {
        size_t n = strcspn(p, "\n");
        const char *end = p + n, *w = p;
        int col = 0, hang = n >= 2 && p[0] == '-' && p[1] == ' ' ? 2 : 0;
        if (n == 0) y++;
        while (w < end && y < bottom) {
            while (w < end && *w == ' ') w++;
            const char *we = w;
            while (we < end && *we != ' ') we++;
            int wl = (int)(we - w);
            if (wl == 0) break;
            if (col > 0 && col + 1 + wl > width) {
                y++;
                col = hang;
                if (y >= bottom) break;
            } else if (col > 0) {
                col++;
            }
            if (wl > width - col) wl = width - col;
            mvaddnstr(y, x + col, w, wl);
            col += wl;
            w = we;
        }
        if (n) y++;
        p = *end ? end + 1 : end;
    }
    if (attr) attroff(attr);
    return y;
}

static void draw_panel(const struct vs_tui_lab *l, int x, int width)
{
    const struct vs_lab *lab = l->lab;
    const struct vs_lab_step *st = &lab->steps[l->progress.step];
    int bottom = LINES - 1, y = 0;
    for (int r = 0; r < LINES; r++) mvaddch(r, x - 1, ACS_VLINE);
    char buf[512];
    vs_lab_heading(lab, buf, sizeof buf);
    y = put_wrapped(y, x, width, 2, buf, A_BOLD);
    snprintf(buf, sizeof buf, "Step %u of %u: %s", l->progress.step + 1, lab->n_steps, st->title);
    y = put_wrapped(y, x, width, y + 2, buf, A_REVERSE);
    /* The questions take the bottom part; the text what is left above. */
    int q_rows = 12;
    if (q_rows > (bottom - y) / 2) q_rows = (bottom - y) / 2;
    int text_bottom = bottom - q_rows;
    y = put_wrapped(y, x, width, text_bottom, st->text, 0);
    for (uint32_t i = 0; i < st->n_todo && y < text_bottom; i++) {
        static const char *const labels[] = {"", "run: ", "TUI: ", "change: "};
        snprintf(buf, sizeof buf, "- %s%s", labels[st->todo[i].kind], st->todo[i].text);
        y = put_wrapped(y, x, width, text_bottom, buf, 0);
    }
    y = text_bottom;
    /* Question markers: + right, x wrong, ~ for the instructor, . open. */
    int mx = x;
    for (uint32_t q = 0; q < st->n_questions; q++) {
        uint32_t i = l->progress.step * VS_LAB_MAX_QUESTIONS + q;
        char mark = !l->progress.answered[i] ? '.'
                  : l->progress.verdict[i] == VS_LAB_RIGHT ? '+'
                  : l->progress.verdict[i] == VS_LAB_WRONG ? 'x' : '~';
        snprintf(buf, sizeof buf, "%u.%u%c", l->progress.step + 1, q + 1, mark);
        if (q == l->question) attron(A_REVERSE);
        mvaddstr(y, mx, buf);
        if (q == l->question) attroff(A_REVERSE);
        mx += (int)strlen(buf) + 1;
    }
    y++;
    const struct vs_lab_question *q = &st->questions[l->question];
    snprintf(buf, sizeof buf, "%s%s%s", q->prompt, q->kind == VS_LAB_Q_NUMBER && q->unit[0] ? " in " : "",
             q->kind == VS_LAB_Q_NUMBER ? q->unit : "");
    y = put_wrapped(y, x, width, bottom - 2, buf, A_BOLD);
    for (uint32_t c = 0; c < q->n_choices && y < bottom - 2; c++) {
        snprintf(buf, sizeof buf, "%c) %s", 'a' + (int)c, q->choices[c].text);
        y = put_wrapped(y, x + 1, width - 1, bottom - 2, buf, 0);
    }
    for (uint32_t h = 0; h < l->hints[l->question] && y < bottom - 2; h++) {
        snprintf(buf, sizeof buf, "hint: %s", q->hints[h]);
        y = put_wrapped(y, x, width, bottom - 2, buf, A_DIM);
    }
    uint32_t i = l->progress.step * VS_LAB_MAX_QUESTIONS + l->question;
    if (l->entering) {
        snprintf(buf, sizeof buf, "answer> %s_", l->input);
        mvaddnstr(bottom - 2, x, buf, width);
    } else if (l->progress.answered[i]) {
        snprintf(buf, sizeof buf, "your answer: %s", l->progress.answer[i]);
        mvaddnstr(bottom - 2, x, buf, width);
    }
    if (l->feedback[0]) put_wrapped(y < bottom - 2 ? y : bottom - 2, x, width, bottom - 2, l->feedback, A_BOLD);
    snprintf(buf, sizeof buf, "%s", l->status[0] ? l->status : "n/b step  ,/. question  i answer  v hint  q quit");
    attron(A_REVERSE);
    mvaddnstr(bottom, x, buf, width);
    attroff(A_REVERSE);
}

static void draw_all(struct vs_tui_lab *l, struct vs_tui *t)
{
    int full = COLS;
    int panel = full / 3 > MIN_PANEL ? full / 3 : MIN_PANEL;
    if (full - panel - 1 < MIN_UI_COLS) panel = full - MIN_UI_COLS - 1;
    if (panel < 20) {
        /* Too narrow for both: the panel alone, so the lab can be read. */
        erase();
        draw_panel(l, 1, full - 2);
        refresh();
        return;
    }
    /* The UI draws within COLS: narrowed, it leaves the right part free. */
    COLS = full - panel - 1;
    vs_tui_screen_draw(t);
    COLS = full;
    draw_panel(l, full - panel, panel - 1);
    refresh();
}

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int vs_tui_lab_main(struct vs_lab *lab, struct vs_error *err)
{
    struct vs_tui *t = calloc(1, sizeof *t);
    struct vs_tui_lab *l = calloc(1, sizeof *l);
    if (!t || !l) {
        free(t);
        free(l);
        return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    }
    int rc = vs_tui_lab_init(l, lab, t, err);
    if (rc != VS_OK) {
        vs_tui_free(t);
        free(t);
        free(l);
        return rc;
    }
    vs_tui_screen_begin();
    double last = wall_now();
    draw_all(l, t);
    while (!t->quit) {
        int ch = getch();
        if (ch == KEY_MOUSE) vs_tui_screen_click(t);
        else if (ch != ERR && ch != KEY_RESIZE) {
            int key = vs_tui_screen_map_key(ch);
            if (!vs_tui_lab_key(l, t, key)) vs_tui_key(t, key);
        }
        if (l->check_pending) {
            draw_all(l, t);
            vs_tui_lab_run_check(l);
            last = wall_now(); /* the check's time is not simulated time */
        }
        double now = wall_now();
        rc = vs_tui_tick(t, now - last, err);
        last = now;
        if (rc != VS_OK) break;
        draw_all(l, t);
    }
    vs_tui_screen_end();
    vs_tui_lab_free(l);
    vs_tui_free(t);
    free(t);
    free(l);
    return rc;
}
