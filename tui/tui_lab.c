/* Lab mode's view model (tui.h, struct vs_tui_lab): which step and question
 * are shown, answer entry, hints, checking against the key computed from
 * the step's own simulation, and the student's progress saved after every
 * change. No curses here (tui/tui_lab_screen.c draws it). */
#include <stdlib.h>
#include <string.h>

#include "virtsim/ui/tui.h"

static uint32_t qindex(const struct vs_tui_lab *l, uint32_t q)
{
    return l->progress.step * VS_LAB_MAX_QUESTIONS + q;
}

static void save(struct vs_tui_lab *l)
{
    struct vs_error e;
    if (vs_lab_progress_save(l->lab, &l->progress, &e) != VS_OK)
        snprintf(l->status, sizeof l->status, "progress not saved: %.150s", e.message);
}

/* The simulation of the current step: the UI restarts on its scenario. */
static int open_step(struct vs_tui_lab *l, struct vs_tui *t, struct vs_error *err)
{
    const struct vs_scenario *sc = l->lab->steps[l->progress.step].scenario;
    vs_tui_free(t);
    int rc = vs_tui_init(t, sc, sc->seed, err);
    if (l->have_results) vs_lab_results_free(&l->results);
    l->have_results = false;
    l->question = 0;
    /* The first question not yet answered right. */
    const struct vs_lab_step *st = &l->lab->steps[l->progress.step];
    for (uint32_t q = 0; q < st->n_questions; q++) {
        uint32_t i = qindex(l, q);
        if (!l->progress.answered[i] || l->progress.verdict[i] == VS_LAB_WRONG) {
            l->question = q;
            break;
        }
    }
    memset(l->hints, 0, sizeof l->hints);
    l->feedback[0] = '\0';
    l->entering = false;
    return rc;
}

int vs_tui_lab_init(struct vs_tui_lab *l, struct vs_lab *lab, struct vs_tui *t, struct vs_error *err)
{
    memset(l, 0, sizeof *l);
    l->lab = lab;
    struct vs_error pe;
    if (vs_lab_progress_load(lab, &l->progress, &pe) != VS_OK)
        snprintf(l->status, sizeof l->status, "%.190s", pe.message);
    if (l->progress.step >= lab->n_steps) l->progress.step = 0;
    memset(t, 0, sizeof *t);
    return open_step(l, t, err);
}

void vs_tui_lab_free(struct vs_tui_lab *l)
{
    if (l->have_results) vs_lab_results_free(&l->results);
    l->have_results = false;
}

static void change_step(struct vs_tui_lab *l, struct vs_tui *t, int by)
{
    int next = (int)l->progress.step + by;
    if (next < 0 || next >= (int)l->lab->n_steps) {
        snprintf(l->status, sizeof l->status, by > 0 ? "this is the last step" : "this is the first step");
        return;
    }
    uint32_t was = l->progress.step;
    l->progress.step = (uint32_t)next;
    l->status[0] = '\0';
    struct vs_error e;
    if (open_step(l, t, &e) != VS_OK) {
        /* The UI must always hold a built simulation: back to the step it
         * had (its scenario built before), or out if even that fails. */
        snprintf(l->status, sizeof l->status, "%.190s", e.message);
        l->progress.step = was;
        struct vs_error e2;
        if (open_step(l, t, &e2) != VS_OK) t->quit = true;
        return;
    }
    save(l);
}

void vs_tui_lab_run_check(struct vs_tui_lab *l)
{
    if (!l->check_pending) return;
    l->check_pending = false;
    const struct vs_lab_step *st = &l->lab->steps[l->progress.step];
    const struct vs_lab_question *q = &st->questions[l->question];
    if (!l->have_results && q->kind != VS_LAB_Q_TEXT) {
        struct vs_error e;
        if (vs_lab_run_step(l->lab, l->progress.step, 0, NULL, &l->results, &e) != VS_OK) {
            snprintf(l->feedback, sizeof l->feedback, "could not compute the key: %.300s", e.message);
            return;
        }
        l->have_results = true;
    }
    struct vs_lab_key k;
    struct vs_lab_results none;
    memset(&none, 0, sizeof none);
    vs_lab_question_key(q, l->have_results ? &l->results : &none, &k);
    char why[256];
    enum vs_lab_verdict v = vs_lab_grade(q, &k, l->input, why, sizeof why);
    if (v == VS_LAB_UNREADABLE || v == VS_LAB_MISSING) {
        snprintf(l->feedback, sizeof l->feedback, "%s: %s", v == VS_LAB_MISSING ? "no answer" : "not read",
                 v == VS_LAB_MISSING ? "type an answer, then Enter" : why);
        return;
    }
    uint32_t i = qindex(l, l->question);
    l->progress.answered[i] = true;
    l->progress.verdict[i] = v;
    snprintf(l->progress.answer[i], sizeof l->progress.answer[i], "%s", l->input);
    const char *verdict = v == VS_LAB_RIGHT ? "RIGHT" : v == VS_LAB_WRONG ? "WRONG" : "SAVED (for the instructor)";
    /* A wrong answer gets no key: the hints (v) and another try teach
     * more than the number would. */
    snprintf(l->feedback, sizeof l->feedback, "%s%s%s", verdict,
             v == VS_LAB_WRONG ? ": try again, or press v for a hint" : "",
             v != VS_LAB_WRONG && q->explanation ? ". " : "");
    if (v != VS_LAB_WRONG && q->explanation)
        snprintf(l->feedback + strlen(l->feedback), sizeof l->feedback - strlen(l->feedback), "%s", q->explanation);
    /* On to the next question of the step once this one is done. */
    if (v != VS_LAB_WRONG && l->question + 1 < st->n_questions) l->question++;
    l->input[0] = '\0';
    save(l);
}

bool vs_tui_lab_key(struct vs_tui_lab *l, struct vs_tui *t, int key)
{
    const struct vs_lab_step *st = &l->lab->steps[l->progress.step];
    if (l->entering) {
        size_t n = strlen(l->input);
        if (key == VS_TUI_KEY_ESC) {
            l->entering = false;
        } else if (key == VS_TUI_KEY_ENTER) {
            l->entering = false;
            l->check_pending = true;
            snprintf(l->feedback, sizeof l->feedback, "checking: computing the key from the step's simulation...");
        } else if (key == 127 || key == 8) {
            if (n) l->input[n - 1] = '\0';
            l->input_fresh = false;
        } else if (key >= 0x20 && key < 0x7f) {
            if (l->input_fresh) l->input[0] = '\0', n = 0;
            l->input_fresh = false;
            if (n + 1 < sizeof l->input) {
                l->input[n] = (char)key;
                l->input[n + 1] = '\0';
            }
        }
        return true;
    }
    if (t->help || t->filtering || t->exporting || t->trace) return false;
    switch (key) {
    case 'n': change_step(l, t, +1); return true;
    case 'b': change_step(l, t, -1); return true;
    case '.':
        if (l->question + 1 < st->n_questions) l->question++;
        l->feedback[0] = '\0';
        return true;
    case ',':
        if (l->question > 0) l->question--;
        l->feedback[0] = '\0';
        return true;
    case 'i': {
        l->entering = true;
        uint32_t i = qindex(l, l->question);
        /* The previous answer is shown: typing replaces it, Backspace edits it. */
        snprintf(l->input, sizeof l->input, "%s", l->progress.answered[i] ? l->progress.answer[i] : "");
        l->input_fresh = l->input[0] != '\0';
        return true;
    }
    case 'v': {
        const struct vs_lab_question *q = &st->questions[l->question];
        if (l->hints[l->question] < q->n_hints) l->hints[l->question]++;
        else snprintf(l->status, sizeof l->status, q->n_hints ? "no more hints" : "this question has no hints");
        return true;
    }
    default: return false;
    }
}
