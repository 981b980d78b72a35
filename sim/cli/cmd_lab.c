/* `virtsim lab`: guided labs (lab/lab.h). list, show, run (a step's
 * scenario, the figures its answers come from), key (the computed answer
 * key, as an answers file), check (grade an answers file), handout
 * (Markdown, HTML or PDF with the charts) and start (the TUI in lab mode).
 * Also what `list labs` and `validate` do with lab files. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "virtsim/lab/lab.h"
#include "virtsim/load/yamltree.h"
#include "virtsim/run/compare.h"
#include "virtsim/run/density.h"
#include "virtsim/ui/tui.h"

/* Exit code of `lab check` when some checked answer is not right (0: all
 * right; 1 and 2 keep their meaning: the run failed, bad input). */
#define LAB_NOT_ALL_RIGHT 3

static const struct vs_cmd_opt options[] = {
    {VS_OPT_ANSWERS, "answers", 0, "FILE", "check: the answers file to grade (YAML: answers: {\"1.1\": b, ...})"},
    VS_CMD_OPT_OUTPUT("handout: FILE.md, FILE.html or FILE.pdf; run, key, check: write to FILE"),
    {VS_OPT_KEY, "key", 0, NULL, "handout: include the computed answers, explanations and instructor notes"},
    VS_CMD_OPT_FORMAT("run: table (default), csv or json; check: table or csv"),
    VS_CMD_OPT_SEED("run, key: another seed for every step (is an answer robust to the\n"
                    "noise? the key with --seed 7 should grade the same)"),
    {VS_OPT_THREADS, "threads", 0, "N", "replications and density probes run in parallel (default: the CPUs)"},
    VS_CMD_OPT_MEMORY_BUDGET,
    {0},
};

/* ---- helpers shared with list and validate ---- */

int vs_cli_list_labs(const struct vs_cli *c)
{
    for (size_t i = 0; i < vs_lab_builtin_count(); i++) {
        const struct vs_builtin *b = vs_lab_builtin_at(i);
        struct vs_lab *lab = calloc(1, sizeof *lab);
        struct vs_error e;
        if (!lab) return VS_ERR_RUNTIME;
        if (vs_lab_load(b->data, b->len, b->path, b->name, NULL, lab, &e) == VS_OK)
            fprintf(c->out, "%2u  %-28s %-12s %3.0f min  %s\n", lab->number, b->name, vs_lab_level_name(lab->level),
                    (double)lab->duration_ns / 60e9, lab->title);
        else
            fprintf(c->out, "    %-28s (does not load: %s)\n", b->name, e.message);
        vs_lab_free(lab);
        free(lab);
    }
    return VS_OK;
}

bool vs_cli_is_lab_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    char *text = malloc(1 << 20);
    size_t n = text ? fread(text, 1, (1 << 20) - 1, f) : 0;
    fclose(f);
    if (!text) return false;
    text[n] = '\0';
    struct vs_ydoc *doc = NULL;
    struct vs_error e;
    bool lab = false;
    if (vs_ydoc_load(text, n, path, &doc, &e) == VS_OK && doc->root)
        lab = vs_ynode_get(doc->root, "steps") && !vs_ynode_get(doc->root, "guests");
    vs_ydoc_free(doc);
    free(text);
    return lab;
}

int vs_cli_validate_lab(const struct vs_cli *c, const char *path)
{
    struct vs_lab *lab = malloc(sizeof *lab);
    struct vs_error e;
    vs_error_clear(&e);
    if (!lab) return VS_ERR_RUNTIME;
    int rc = vs_lab_open(path, lab, &e);
    if (rc == VS_OK) {
        uint32_t checked = 0;
        for (uint32_t s = 0; s < lab->n_steps; s++)
            for (uint32_t q = 0; q < lab->steps[s].n_questions; q++)
                checked += lab->steps[s].questions[q].kind != VS_LAB_Q_TEXT;
        fprintf(c->out, "%s: ok (lab: %u step%s, %u checked question%s)\n", path, lab->n_steps,
                lab->n_steps == 1 ? "" : "s", checked, checked == 1 ? "" : "s");
        vs_lab_free(lab);
    } else {
        vs_cli_error(c, &e, rc);
    }
    free(lab);
    return rc;
}

/* ---- the subcommands ---- */

struct lab_opts {
    const char *answers;
    bool key;
    uint32_t threads;
};

static int open_lab(const struct vs_cli *c, const char *what, struct vs_lab **lab)
{
    struct vs_error e;
    vs_error_clear(&e);
    *lab = malloc(sizeof **lab);
    if (!*lab) return vs_cli_error(c, &e, vs_error_set(&e, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory"));
    int rc = vs_lab_open(what, *lab, &e);
    if (rc != VS_OK) {
        free(*lab);
        *lab = NULL;
        return vs_cli_error(c, &e, rc);
    }
    return VS_OK;
}

static void close_lab(struct vs_lab *lab)
{
    vs_lab_free(lab);
    free(lab);
}

static void reseed(struct vs_lab *lab, const struct vs_cmd_args *a)
{
    if (!a->have_seed) return;
    for (uint32_t s = 0; s < lab->n_steps; s++) lab->steps[s].scenario->seed = a->seed;
}

static int step_number(const struct vs_cli *c, const struct vs_cmd *cmd, const struct vs_lab *lab, const char *text,
                       uint32_t *step)
{
    char *end;
    unsigned long n = strtoul(text, &end, 10);
    if (end == text || *end || n < 1 || n > lab->n_steps)
        return vs_cli_usage(c, cmd, "'%s' is not a step of %s; its steps are 1 to %u", text, lab->name, lab->n_steps);
    *step = (uint32_t)n - 1;
    return VS_OK;
}

struct step_job {
    const struct vs_lab_step *st;
    const struct vs_lab_results *r;
    enum vs_report_format fmt;
};

static int write_step(FILE *f, const void *ctx, struct vs_error *e)
{
    const struct step_job *j = ctx;
    if (j->r->isolation) return vs_isolation_write(f, &j->r->iso, j->fmt, e);
    if (j->r->density) {
        struct vs_density_opts o = {.max_guests = j->st->density_max,
                                    .overcommit_sharing = j->st->overcommit_sharing,
                                    .overcommit_balloon = j->st->overcommit_balloon};
        for (uint32_t i = 0; i < j->st->n_slas; i++) vs_sla_parse(j->st->slas[i], &o.slas[o.n_slas++], e);
        if (j->fmt == VS_REPORT_JSON) return vs_density_write_json(f, j->st->scenario, &o, j->r->dens, j->r->n_dens, e);
        if (j->fmt == VS_REPORT_CSV) vs_density_write_csv(f, j->r->dens, j->r->n_dens);
        else vs_density_write_table(f, j->st->scenario, &o, j->r->dens, j->r->n_dens);
        return ferror(f) ? vs_error_set(e, VS_ERR_RUNTIME, NULL, 0, 0, "writing the output failed") : VS_OK;
    }
    struct vs_cli_report job = {&j->r->res, j->fmt, j->st->source == VS_LAB_SRC_WORKLOAD ? "" : NULL};
    return vs_cli_write_report(f, &job, e);
}

static int sub_run(const struct vs_cli *c, const struct vs_cmd *cmd, const struct vs_cmd_args *a, struct vs_lab *lab,
                   const struct lab_opts *o)
{
    if (a->n_pos < 3) return vs_cli_usage(c, cmd, "lab run needs a lab and a step: virtsim lab run 1 2");
    uint32_t step = 0;
    if (step_number(c, cmd, lab, a->pos[2], &step) != VS_OK) return VS_ERR_INPUT;
    reseed(lab, a);
    struct vs_lab_results r;
    struct vs_error e;
    vs_error_clear(&e);
    struct vs_cli_watch w;
    vs_cli_watch_begin(&w, c->err, c->control);
    int rc = vs_lab_run_step(lab, step, o->threads, c->control, &r, &e);
    vs_cli_watch_end(&w);
    if (rc != VS_OK) return vs_cli_error(c, &e, rc);
    struct step_job job = {&lab->steps[step], &r, a->format};
    rc = vs_cli_write_to(c, a->output, write_step, &job, &e);
    vs_lab_results_free(&r);
    return rc == VS_OK ? VS_OK : vs_cli_error(c, &e, rc);
}

struct key_job {
    const struct vs_lab *lab;
    uint32_t threads;
    struct vs_control *control;
    uint64_t seed;
    bool have_seed;
};

static int write_key(FILE *f, const void *ctx, struct vs_error *e)
{
    const struct key_job *j = ctx;
    const struct vs_lab *lab = j->lab;
    fprintf(f, "# The answer key of lab %u (%s), computed from the simulation", lab->number, lab->name);
    if (j->have_seed) fprintf(f, " with seed %llu for every step", (unsigned long long)j->seed);
    fprintf(f, ".\n# Grade an answers file against it: virtsim lab check %s --answers FILE\nlab: %s\nanswers:\n",
            lab->name, lab->name);
    for (uint32_t s = 0; s < lab->n_steps; s++) {
        struct vs_lab_results r;
        int rc = vs_lab_run_step(lab, s, j->threads, j->control, &r, e);
        if (rc != VS_OK) return rc;
        for (uint32_t q = 0; q < lab->steps[s].n_questions; q++) {
            const struct vs_lab_question *qq = &lab->steps[s].questions[q];
            struct vs_lab_key k;
            char id[16], text[64], why[256];
            vs_lab_question_key(qq, &r, &k);
            vs_lab_question_id(s, q, id, sizeof id);
            if (qq->kind == VS_LAB_Q_TEXT) {
                fprintf(f, "  # \"%s\": free text, graded by the instructor\n", id);
                continue;
            }
            if (!k.ok) {
                fprintf(f, "  # \"%s\": no key: %s\n", id, k.why);
                continue;
            }
            vs_lab_key_text(qq, &k, text, sizeof text);
            if (qq->kind == VS_LAB_Q_NUMBER) {
                vs_lab_grade(qq, &k, text, why, sizeof why);
                fprintf(f, "  \"%s\": %s   # %s\n", id, text, why);
            } else {
                fprintf(f, "  \"%s\": %s   # %s", id, text, qq->choices[k.choice].text);
                if (qq->key != VS_LAB_KEY_FIXED) {
                    fputs(" (values:", f);
                    for (uint32_t i = 0; i < qq->n_choices; i++) fprintf(f, " %c=%.4g", 'a' + (int)i, k.values[i]);
                    fputc(')', f);
                }
                fputc('\n', f);
            }
        }
        vs_lab_results_free(&r);
    }
    return ferror(f) ? vs_error_set(e, VS_ERR_RUNTIME, NULL, 0, 0, "writing the output failed") : VS_OK;
}

static int sub_key(const struct vs_cli *c, const struct vs_cmd_args *a, struct vs_lab *lab, const struct lab_opts *o)
{
    reseed(lab, a);
    struct key_job job = {lab, o->threads, c->control, a->seed, a->have_seed};
    struct vs_error e;
    vs_error_clear(&e);
    struct vs_cli_watch w;
    vs_cli_watch_begin(&w, c->err, c->control);
    int rc = vs_cli_write_to(c, a->output, write_key, &job, &e);
    vs_cli_watch_end(&w);
    return rc == VS_OK ? VS_OK : vs_cli_error(c, &e, rc);
}

static void csv_field(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

struct grade_job {
    const struct vs_lab *lab;
    const struct vs_lab_answers *ans;
    const struct vs_lab_grade *g;
    const char *path;
    enum vs_report_format fmt;
};

static int write_grade(FILE *f, const void *ctx, struct vs_error *e)
{
    const struct grade_job *j = ctx;
    if (j->fmt == VS_REPORT_CSV) {
        fputs("question,verdict,given,expected\n", f);
        for (uint32_t i = 0; i < j->g->n; i++) {
            const struct vs_lab_grade_row *r = &j->g->rows[i];
            fprintf(f, "%s,%s,", r->id, vs_lab_verdict_name(r->verdict));
            csv_field(f, r->given);
            fputc(',', f);
            csv_field(f, r->expected);
            fputc('\n', f);
        }
    } else {
        char heading[1024];
        vs_lab_heading(j->lab, heading, sizeof heading);
        fprintf(f, "%s\nanswers: %s%s%s\n\n", heading, j->path,
                j->ans->student[0] ? ", student " : "", j->ans->student);
        fprintf(f, "%-8s %-10s %-24s %s\n", "question", "verdict", "given", "expected");
        for (uint32_t i = 0; i < j->g->n; i++) {
            const struct vs_lab_grade_row *r = &j->g->rows[i];
            const char *exp = r->verdict == VS_LAB_RIGHT || r->verdict == VS_LAB_UNGRADED ? "" : r->expected;
            fprintf(f, "%-8s %-10s %-24.24s %s\n", r->id, vs_lab_verdict_name(r->verdict), r->given, exp);
        }
        fprintf(f, "\nscore: %u/%u checked questions right (%.0f %%)", j->g->right, j->g->checked,
                j->g->checked ? 100.0 * j->g->right / j->g->checked : 0.0);
        if (j->g->ungraded) fprintf(f, "; %u free-text answers for the instructor", j->g->ungraded);
        fputc('\n', f);
    }
    return ferror(f) ? vs_error_set(e, VS_ERR_RUNTIME, NULL, 0, 0, "writing the output failed") : VS_OK;
}

static int sub_check(const struct vs_cli *c, const struct vs_cmd *cmd, const struct vs_cmd_args *a,
                     struct vs_lab *lab, const struct lab_opts *o)
{
    if (!o->answers) return vs_cli_usage(c, cmd, "lab check needs --answers FILE (virtsim lab key N shows the format)");
    if (a->have_seed)
        return vs_cli_usage(c, cmd, "lab check grades against the lab's own seeds; --seed is for run and key");
    if (a->format == VS_REPORT_JSON) return vs_cli_usage(c, cmd, "lab check writes a table or csv, not json");
    struct vs_error e;
    vs_error_clear(&e);
    struct vs_lab_answers *ans = malloc(sizeof *ans);
    struct vs_lab_grade *g = malloc(sizeof *g);
    int rc = ans && g ? VS_OK : vs_error_set(&e, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    if (rc == VS_OK) rc = vs_lab_answers_load(o->answers, lab, ans, &e);
    if (rc == VS_OK) {
        struct vs_cli_watch w;
        vs_cli_watch_begin(&w, c->err, c->control);
        rc = vs_lab_grade_all(lab, ans, o->threads, c->control, g, &e);
        vs_cli_watch_end(&w);
        if (rc == VS_OK) {
            struct grade_job job = {lab, ans, g, o->answers, a->format};
            rc = vs_cli_write_to(c, a->output, write_grade, &job, &e);
        }
        if (rc == VS_OK && g->right < g->checked) rc = LAB_NOT_ALL_RIGHT;
        vs_lab_answers_free(ans);
    }
    free(ans);
    free(g);
    if (rc == LAB_NOT_ALL_RIGHT || rc == VS_OK) return rc;
    return vs_cli_error(c, &e, rc);
}

static int sub_handout(const struct vs_cli *c, const struct vs_cmd *cmd, const struct vs_cmd_args *a,
                       struct vs_lab *lab, const struct lab_opts *o)
{
    if (!a->output || strcmp(a->output, "-") == 0)
        return vs_cli_usage(c, cmd, "lab handout needs --output FILE.md, FILE.html or FILE.pdf");
    struct vs_error e;
    vs_error_clear(&e);
    struct vs_cli_watch w;
    vs_cli_watch_begin(&w, c->err, c->control);
    int rc = vs_lab_handout(lab, a->output, o->key, o->threads, c->control, &e);
    vs_cli_watch_end(&w);
    if (rc != VS_OK) return vs_cli_error(c, &e, rc);
    fprintf(c->out, "wrote %s\n", a->output);
    return VS_OK;
}

static int sub_start(const struct vs_cli *c, struct vs_lab *lab)
{
    if (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO)) {
        fprintf(c->err, "virtsim: lab start opens the terminal UI and needs a terminal; virtsim lab show %s prints "
                        "the lab\n",
                lab->name);
        return VS_ERR_INPUT;
    }
    struct vs_error e;
    vs_error_clear(&e);
    int rc = vs_tui_lab_main(lab, &e);
    return rc == VS_OK ? VS_OK : vs_cli_error(c, &e, rc);
}

static int run(const struct vs_cli *c, const struct vs_cmd *cmd, const struct vs_cmd_args *a)
{
    struct lab_opts o = {0};
    for (int i = 0; i < a->n_opts; i++) {
        const struct vs_cmd_value *v = &a->opts[i];
        if (v->opt->id == VS_OPT_ANSWERS) o.answers = v->value;
        else if (v->opt->id == VS_OPT_KEY) o.key = true;
        else if (v->opt->id == VS_OPT_THREADS && vs_cli_uint(c, cmd, v, 1, 64, &o.threads) != VS_OK)
            return VS_ERR_INPUT;
    }
    const char *sub = a->pos[0];
    if (strcmp(sub, "list") == 0) {
        if (a->n_pos > 1) return vs_cli_usage(c, cmd, "lab list takes no lab");
        return vs_cli_list_labs(c);
    }
    static const char *const subs[] = {"show", "run", "key", "check", "handout", "start"};
    bool known = false;
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) known = known || strcmp(sub, subs[i]) == 0;
    if (!known)
        return vs_cli_usage(c, cmd, "unknown subcommand '%s'; use list, show, run, key, check, handout or start", sub);
    if (a->n_pos < 2) return vs_cli_usage(c, cmd, "lab %s needs a lab: a number, a name or a file (virtsim lab list)", sub);
    if (a->n_pos > (strcmp(sub, "run") == 0 ? 3 : 2))
        return vs_cli_usage(c, cmd, "'%s' is one argument too many", a->pos[strcmp(sub, "run") == 0 ? 3 : 2]);
    struct vs_lab *lab;
    int rc = open_lab(c, a->pos[1], &lab);
    if (rc != VS_OK) return rc;
    if (strcmp(sub, "show") == 0) {
        vs_lab_write_text(c->out, lab);
        rc = VS_OK;
    } else if (strcmp(sub, "run") == 0) rc = sub_run(c, cmd, a, lab, &o);
    else if (strcmp(sub, "key") == 0) rc = sub_key(c, a, lab, &o);
    else if (strcmp(sub, "check") == 0) rc = sub_check(c, cmd, a, lab, &o);
    else if (strcmp(sub, "handout") == 0) rc = sub_handout(c, cmd, a, lab, &o);
    else rc = sub_start(c, lab);
    close_lab(lab);
    return rc;
}

const struct vs_cmd vs_cmd_lab = {
    .name = "lab",
    .args = "SUBCOMMAND [LAB] [STEP]",
    .min_args = 1,
    .max_args = 3,
    .missing = "lab needs a subcommand: list, show, run, key, check, handout or start",
    .summary = "guided labs: list, show, run a step, grade answers, handouts, the TUI in lab mode",
    .help = "Guided labs: each step runs a scenario and asks questions whose answers are\n"
            "computed from the simulation when they are checked (never typed into the lab).\n"
            "\n"
            "  list                   the built-in labs\n"
            "  show LAB               the lab as text: objectives, background, steps, questions\n"
            "  start LAB              the terminal UI in lab mode: the instructions beside the live\n"
            "                         simulation; n/b next/previous step, i answer, v hint;\n"
            "                         progress is kept in $XDG_DATA_HOME/virtsim (default\n"
            "                         ~/.local/share/virtsim) so you can stop and resume\n"
            "  run LAB STEP           the report of a step's scenario: the figures its answers come from\n"
            "  key LAB                the answer key, computed now, as an answers file (instructors)\n"
            "  check LAB --answers F  grades an answers file: each question right or wrong, and the\n"
            "                         score; exits 0 when every checked answer is right, 3 when not\n"
            "  handout LAB --output FILE.md|FILE.html|FILE.pdf\n"
            "                         a handout with each step's chart (PNG or SVG beside a Markdown or\n"
            "                         HTML file, in the PDF); --key adds the answers and the notes\n"
            "\n"
            "  LAB    a built-in lab by number (3) or name (trap-and-emulate), or a lab file\n"
            "  STEP   a step's number, from 1\n",
    .opts = options,
    .run = run,
};
