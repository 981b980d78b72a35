/* Guided labs, the model: find a lab (a file, or a built-in by number or
 * name), build each step's scenario, run it, compute the answer key from its
 * results and grade answers against it. The key is computed every time from
 * the simulation (spec/lab.h): a change of the model changes the key, so no
 * lab goes stale silently. The layer above the runners (it runs them) and
 * below the command line and the TUI, which both use it. */
#ifndef VIRTSIM_LAB_LAB_H
#define VIRTSIM_LAB_LAB_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "virtsim/core/control.h"
#include "virtsim/core/error.h"
#include "virtsim/load/builtin.h"
#include "virtsim/load/lab.h"
#include "virtsim/out/results.h"
#include "virtsim/run/isolation.h"
#include "virtsim/spec/lab.h"

/* The built-in labs in order (their names start with their number). */
size_t vs_lab_builtin_count(void);
const struct vs_builtin *vs_lab_builtin_at(size_t i);

/* Loads a lab and prepares it: `what` is a file (when one exists), or a
 * built-in lab by number ("3"), by name ("03-trap-and-emulate") or by name
 * without its number ("trap-and-emulate"). Caller frees with vs_lab_free. */
int vs_lab_open(const char *what, struct vs_lab *out, struct vs_error *err);

/* Builds every step's scenario (a built-in scenario, a workload's
 * comparison, or the inline one, then the step's overrides) and checks
 * every reference of every answer against it: its engine is one the step
 * compares, its group one of its guests, a density field only in a density
 * step. Errors at the reference's FILE:LINE:COL. */
int vs_lab_prepare(struct vs_lab *lab, struct vs_error *err);

/* A step's results: a run (its replications), a density search or an
 * isolation comparison. */
struct vs_lab_results {
    bool density, isolation;
    struct vs_results res;                  /* a run step (owned) */
    struct vs_density_result *dens;         /* a density step: one per engine (owned) */
    uint32_t n_dens;
    struct vs_isolation iso;                /* an isolation step (owned) */
    const struct vs_scenario *scenario;     /* the step's scenario (not owned; NULL: figures that read
                                               the timeline, cpu_change_s, are missing) */
};

/* Runs step `step` (0-based) as the key is computed from it: its scenario
 * with its seed, its replications, `threads` at a time (0: the CPUs);
 * control may be NULL. Caller frees *out with vs_lab_results_free. */
int vs_lab_run_step(const struct vs_lab *lab, uint32_t step, uint32_t threads, struct vs_control *control,
                    struct vs_lab_results *out, struct vs_error *err);
void vs_lab_results_free(struct vs_lab_results *r);

/* An expression's value over a step's results: VS_OK, or VS_ERR_RUNTIME
 * with a sentence in why when a figure it names does not exist in them (a
 * migration that never ended, a group with no completed request). */
int vs_lab_eval(const struct vs_lab_expr *e, const struct vs_lab_results *r, double *out, char *why, size_t why_len);

/* A question's key over a step's results. */
struct vs_lab_key {
    bool ok;                                /* false: why says what is missing */
    char why[256];
    double value;                           /* number: the computed answer */
    double low, high;                       /* number: what is accepted */
    uint32_t choice;                        /* choice: the right one, 0-based */
    double values[VS_LAB_MAX_CHOICES];      /* choice with lowest/highest: each choice's value */
};
void vs_lab_question_key(const struct vs_lab_question *q, const struct vs_lab_results *r, struct vs_lab_key *k);

enum vs_lab_verdict { VS_LAB_RIGHT, VS_LAB_WRONG, VS_LAB_UNGRADED, VS_LAB_MISSING, VS_LAB_UNREADABLE };
const char *vs_lab_verdict_name(enum vs_lab_verdict v); /* "right", "wrong", ... */

/* Grades an answer as written (NULL: none given): a choice by its letter
 * (or its whole text), a number with or without the question's unit, free
 * text is for the instructor (UNGRADED). why says what was expected when it
 * is not right. */
enum vs_lab_verdict vs_lab_grade(const struct vs_lab_question *q, const struct vs_lab_key *k, const char *answer,
                                 char *why, size_t why_len);

/* The key as text a student would write ("b", "3.21"): what the answers
 * file of a full score holds. Empty for a text question. */
void vs_lab_key_text(const struct vs_lab_question *q, const struct vs_lab_key *k, char *buf, size_t len);

/* Question ids: "STEP.QUESTION", both 1-based ("2.1"). */
void vs_lab_question_id(uint32_t step, uint32_t question, char *buf, size_t len);

/* An answers file (docs/yaml-reference.md "Answers"): `answers:` mapping
 * question ids to answers, and optionally `lab:` and `student:`. */
#define VS_LAB_MAX_ANSWERS (VS_LAB_MAX_STEPS * VS_LAB_MAX_QUESTIONS)
struct vs_lab_answers {
    char lab[VS_NAME_MAX];
    char student[VS_NAME_MAX];
    char id[VS_LAB_MAX_ANSWERS][16];
    char *text[VS_LAB_MAX_ANSWERS];         /* owned */
    uint32_t n;
};
/* Loads an answers file for `lab` (ids it does not have are errors, at
 * their position). Caller frees with vs_lab_answers_free. */
int vs_lab_answers_load(const char *path, const struct vs_lab *lab, struct vs_lab_answers *out,
                        struct vs_error *err);
void vs_lab_answers_free(struct vs_lab_answers *a);
const char *vs_lab_answers_find(const struct vs_lab_answers *a, const char *id);

/* Grading a whole lab (virtsim lab check): every step run once, every
 * question graded. */
struct vs_lab_grade_row {
    char id[16];
    enum vs_lab_verdict verdict;
    char given[96];
    char expected[128];
};
struct vs_lab_grade {
    struct vs_lab_grade_row rows[VS_LAB_MAX_ANSWERS];
    uint32_t n;
    uint32_t right, checked, ungraded;
};
int vs_lab_grade_all(const struct vs_lab *lab, const struct vs_lab_answers *a, uint32_t threads,
                     struct vs_control *control, struct vs_lab_grade *out, struct vs_error *err);

/* Student progress (virtsim lab start): the step reached and each answer
 * given, kept in $XDG_DATA_HOME/virtsim/labs/NAME.progress (default
 * ~/.local/share), so a student can stop and resume. */
struct vs_lab_progress {
    uint32_t step;                          /* 0-based */
    char answer[VS_LAB_MAX_ANSWERS][96];    /* by question index: step * VS_LAB_MAX_QUESTIONS + q */
    enum vs_lab_verdict verdict[VS_LAB_MAX_ANSWERS];
    bool answered[VS_LAB_MAX_ANSWERS];
};
/* The file's path for a lab; -1 when there is no home to keep it in. */
int vs_lab_progress_path(const struct vs_lab *lab, char *buf, size_t len);
/* Loads progress (none yet: a fresh start, VS_OK). */
int vs_lab_progress_load(const struct vs_lab *lab, struct vs_lab_progress *p, struct vs_error *err);
/* Saves it (through a temporary file and a rename; folders made as needed). */
int vs_lab_progress_save(const struct vs_lab *lab, const struct vs_lab_progress *p, struct vs_error *err);

/* "Lab 3: TITLE", or "Lab: TITLE" for a lab whose file name has no number. */
void vs_lab_heading(const struct vs_lab *lab, char *buf, size_t len);

/* Writes the lab as text for `virtsim lab show`: title, objectives,
 * background, each step with what to do and its questions. */
void vs_lab_write_text(FILE *f, const struct vs_lab *lab);

/* A handout (virtsim lab handout): Markdown, HTML or PDF by path's
 * extension; charts of each step's results beside it (PNG for Markdown,
 * SVG for HTML: PATH-stepN.png) or in it (PDF). With key, the computed
 * answers, explanations and the instructor notes are included. */
int vs_lab_handout(const struct vs_lab *lab, const char *path, bool key, uint32_t threads,
                   struct vs_control *control, struct vs_error *err);

#endif
