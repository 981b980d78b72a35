/* The terminal UI's view model: everything the screen shows and every key's
 * effect, with no curses in it, so unit tests can drive it without a
 * terminal. tui/tui_model.c implements it; tui/tui_screen.c draws it; the
 * simulations run a step at a time under its control and it only reads
 * their snapshots (struct vs_run_result), never engine internals. */
#ifndef VIRTSIM_TUI_H
#define VIRTSIM_TUI_H

#include <stdbool.h>
#include "virtsim/core/error.h"
#include "virtsim/lab/lab.h"
#include "virtsim/out/palette.h"
#include "virtsim/out/results.h"
#include "virtsim/out/trace.h"
#include "virtsim/run/density.h"
#include "virtsim/spec/scenario.h"

/* Tab order: Compare, Guests, Group, Timeline, Density; Detail opens from Guests. */
enum vs_tui_panel {
    VS_TUI_COMPARE, VS_TUI_GUESTS, VS_TUI_DETAIL, VS_TUI_GROUP, VS_TUI_TIMELINE, VS_TUI_DENSITY, VS_TUI_PANELS
};

/* Keys the model understands: printable characters as themselves, and these. */
enum {
    VS_TUI_KEY_UP = 0x101, VS_TUI_KEY_DOWN, VS_TUI_KEY_LEFT, VS_TUI_KEY_RIGHT, VS_TUI_KEY_TAB,
    VS_TUI_KEY_BTAB, VS_TUI_KEY_ENTER, VS_TUI_KEY_ESC, VS_TUI_KEY_F1, VS_TUI_KEY_PGUP, VS_TUI_KEY_PGDN,
    VS_TUI_KEY_END
};

/* Columns of the guest table, in display order; sorting uses the same ids.
 * The host column exists only when the scenario has several hosts. */
enum vs_tui_col {
    VS_COL_NAME, VS_COL_HOST, VS_COL_ENGINE, VS_COL_STATE, VS_COL_CPU, VS_COL_OPS, VS_COL_P50, VS_COL_P99,
    VS_COL_MEMORY, VS_COL_EXITS, VS_COL_COUNT
};

#define VS_TUI_SPARK 48          /* samples kept per engine and group for sparklines */
#define VS_TUI_GROUPS 16         /* groups with a history (the first ones of the scenario) */
#define VS_TUI_TIMELINE_MAX 256  /* timeline entries kept (the oldest go first) */

/* A timeline entry: `run` counts the restarts (a live change starts run 2,
 * ...), at_ns is simulated time on the clock of the engine it is about
 * (engine -1: every engine, e.g. a restart). Kept ordered by run, then time. */
struct vs_tui_event {
    int run;
    vs_time_ns at_ns;
    int engine;
    char text[120];
};

/* One guest group under one engine over time: a sample per step of
 * simulated time once the engine has booted (nothing is measured before):
 * the group's completions per second in the step and the p99 latency of
 * the requests completed in it (to the histogram's bucket: within a factor
 * of 2; NaN when none completed). Never summed across groups. */
struct vs_tui_history {
    vs_time_ns at_ns[VS_TUI_SPARK];  /* the engine's own clock, oldest first */
    double rate_per_s[VS_TUI_SPARK];
    double p99_ns[VS_TUI_SPARK];
    int n;
    vs_time_ns last_ns;              /* where the last sample was taken */
    uint64_t last_done;
    uint64_t last_buckets[VS_LAT_BUCKETS];
};

/* Where an engine's run is: booting (nothing measured yet), measuring
 * (warm-up, then the window), finished. Each engine's run lasts from its
 * own end of boot for the scenario's duration. */
enum vs_tui_phase { VS_TUI_BOOTING, VS_TUI_MEASURING, VS_TUI_FINISHED };
struct vs_tui_progress {
    enum vs_tui_phase phase;
    double fraction;      /* of the boot (booting) or of the duration (measuring), 0..1 */
    vs_time_ns left_ns;   /* simulated time until the boot ends (booting) or the run ends */
};

struct vs_tui_density; /* the Density panel's state (below) */

struct vs_tui {
    struct vs_scenario sc;
    uint64_t seed;
    struct vs_stepper *stepper;                  /* one simulation per engine, stepped together */
    const struct vs_run_result *snaps;           /* latest snapshot per engine, owned by stepper */
    struct vs_scores scores;                     /* the snapshots' scores against native (owned) */
    int score_group;                             /* the group the Compare panel scores (g / G) */
    uint32_t n_engines;
    /* Controls. */
    bool paused, help, quit, finished;
    int speed;                  /* index into vs_tui_speeds */
    enum vs_tui_panel panel;
    int engine;                 /* selected engine (compare rows, guests of) */
    int row;                    /* selected guest row */
    int host;                   /* what the host meters show: -1 all hosts, else an index into
                                   the runs' hosts[] (stays -1 with one host) */
    enum vs_tui_col sort_col;
    bool sort_desc;
    char filter[32];            /* guests whose name contains it */
    bool filtering;             /* typing a filter after '/' */
    bool exporting;             /* typing a file name after 'e' */
    char export_path[256];
    char status[160];           /* one-line message at the bottom */
    /* Per engine: when its boot ends (its clock: the run lasts from there
     * for the scenario's duration) and whether its run is over. */
    vs_time_ns boot_end_ns[VS_MAX_ENGINES];
    bool engine_done[VS_MAX_ENGINES];
    bool fast_forward;          /* the last tick skipped ahead through boots nobody measures */
    /* History per engine and group (sparklines): hist[engine * VS_TUI_GROUPS + group], owned. */
    struct vs_tui_history *hist;
    int run;                    /* 1, then one more at each restart */
    struct vs_tui_event timeline[VS_TUI_TIMELINE_MAX];
    int timeline_len;           /* entries, in (run, time) order, oldest dropped */
    int timeline_top;           /* first entry shown; -1 follows the newest */
    int timeline_rows;          /* entries the Timeline panel shows (the screen sets it) */
    bool export_fresh;          /* the export prompt still holds the suggested name:
                                   typing replaces it, Backspace edits it */
    /* The trace box ('t'): the steps of the selected guest's dominant
     * operation under the selected engine; NULL when closed (owned). */
    struct vs_trace_report *trace;
    /* The Density panel (tui/tui_density.c): its settings, its searches in
     * the background and their cache (owned). */
    struct vs_tui_density *density;
    /* The security box ('i'): the selected engine's approach's security
     * isolation (model/security.h); any key closes it. */
    bool security;
};

/* Simulated seconds per wall-clock second for each speed; 0 = as fast as possible. */
extern const double vs_tui_speeds[];
extern const int vs_tui_n_speeds;

/* Builds one simulation per engine of the scenario. Caller owns t: release
 * with vs_tui_free. */
int vs_tui_init(struct vs_tui *t, const struct vs_scenario *sc, uint64_t seed, struct vs_error *err);
void vs_tui_free(struct vs_tui *t);

/* Advances every simulation by what `wall_s` seconds of wall time mean at
 * the current speed (nothing when paused), then refreshes the snapshots. */
int vs_tui_tick(struct vs_tui *t, double wall_s, struct vs_error *err);
/* One step of simulated time (the single-step key), even when paused. */
int vs_tui_step(struct vs_tui *t, struct vs_error *err);

/* Writes the figures on screen (every engine's latest snapshot) to path:
 * JSON when it ends in .json, CSV when .csv, else the text table; through a
 * temporary file and a rename. */
int vs_tui_export(const struct vs_tui *t, const char *path, struct vs_error *err);

/* Live changes; each restarts the run with the changed scenario. */
int vs_tui_scale_load(struct vs_tui *t, double factor);  /* selected guest's group */
int vs_tui_next_engine(struct vs_tui *t);                /* selected engine -> next preset */
int vs_tui_next_host(struct vs_tui *t);                  /* next built-in host profile */
int vs_tui_next_workload(struct vs_tui *t);              /* selected group -> next built-in workload */

/* Opens the trace box: the operation that takes the largest share of the
 * selected guest's request CPU, traced step by step under the selected
 * engine on the guest's host (run/trace.c, vs_trace_dominant). */
int vs_tui_open_trace(struct vs_tui *t, struct vs_error *err);

/* The security box's text: the security-isolation row (model/security.h)
 * of the selected engine's approach (what a guest can reach, the trusted
 * code, real escapes with sources), wrapped to `width` columns (at most
 * VS_TUI_LINE_MAX - 1). Fills up to max lines; returns how many (0: the
 * approach has no row). */
#define VS_TUI_LINE_MAX 240
int vs_tui_security_lines(const struct vs_tui *t, int width, char lines[][VS_TUI_LINE_MAX], int max);

/* A migration in progress under the selected engine, in one line (the
 * status line shows it): which guest, where, its phase and round, the
 * bytes of the round, the guest's dirty rate against the stream's
 * bandwidth. Returns false when none is in progress. */
bool vs_tui_migration_line(const struct vs_tui *t, char *buf, size_t len);

/* Mouse: selects a panel, an engine row or a guest row (-1 leaves one as it
 * is), clamped to what exists. */
void vs_tui_select(struct vs_tui *t, int panel, int engine, int row);

/* Applies a key to the state. Returns true if the screen should redraw. */
bool vs_tui_key(struct vs_tui *t, int key);

/* The host meter block. vs_tui_hosts: the hosts of the scenario (every
 * engine runs the same ones; 1 for a one-host scenario, which has no
 * selector). vs_tui_select_host: -1 for all hosts or a host's index,
 * clamped to what exists. vs_tui_meter_host: the figures the block shows,
 * from the selected engine's snapshot: its whole-run `host` for all hosts
 * (and always with one host), else hosts[t->host]. */
uint32_t vs_tui_hosts(const struct vs_tui *t);
void vs_tui_select_host(struct vs_tui *t, int host);
const struct vs_host_result *vs_tui_meter_host(const struct vs_tui *t);

/* Rows of the guest table of the selected engine, filtered and sorted:
 * fills idx with instance indices into snaps[engine].instances; returns the count. */
int vs_tui_guest_rows(const struct vs_tui *t, int *idx, int max);

/* The Compare panel's score of an engine for the scored group: the figure
 * that fits the group's load (out/scores.h), as text in at most 7
 * characters ("1.40x": CPU per request over native's; "0.83": throughput
 * or speed over native's; "-": none yet). kind gets the group's score kind. */
void vs_tui_engine_score(const struct vs_tui *t, int engine, char *buf, size_t len, enum vs_score_kind *kind);

/* Progress of an engine's run, and as text for the state column in at
 * most 13 characters: "boot 35% 93s" (of its boot, and the simulated time
 * left until it ends), "warm-up 4%" (measured, but no figures yet),
 * "run 42%" (of the duration), "finished". */
void vs_tui_engine_progress(const struct vs_tui *t, int engine, struct vs_tui_progress *p);
void vs_tui_engine_state(const struct vs_tui *t, int engine, char *buf, size_t len);
/* The simulated clock (the farthest engine's) and when the last engine's
 * run ends (its end of boot plus the duration). */
vs_time_ns vs_tui_clock(const struct vs_tui *t);
/* A guest's state as the screen says it: "finished" once its engine's run
 * is over (its load stopped with the run), else the model's own state. */
const char *vs_tui_guest_state(const struct vs_tui *t, int engine, const struct vs_guest_result *g);
vs_time_ns vs_tui_end(const struct vs_tui *t);
/* The title line in at most cols-1 characters: the run state always
 * shows; the scenario's name is shortened first, then "virtsim" goes. */
void vs_tui_header(const struct vs_tui *t, int cols, char *buf, size_t len);
/* The bottom line: the export prompt while typing a name; otherwise the
 * filter (when one is set) followed by the migration in progress or the
 * last message, so neither hides the other. */
void vs_tui_status_line(const struct vs_tui *t, char *buf, size_t len);

/* Host CPU per completed operation of a group under an engine, by
 * category (what the group's guests used in the window over the requests
 * they completed in it). False while the engine boots or before any
 * completion: no figure, not a zero. */
bool vs_tui_cost_per_op(const struct vs_tui *t, int engine, int group, double ns[VS_CAT_COUNT]);
/* The scale of the per-operation bars (one for all engines, so lengths
 * compare): the largest CPU per operation of the group over the engines,
 * but at most VS_TUI_SCALE_CAP times the baseline's (native's), so that
 * an emulator's cost does not flatten the other bars; a bar beyond the
 * scale is drawn full width, its categories in proportion, ending in '>'. */
#define VS_TUI_SCALE_CAP 3.0
double vs_tui_cost_scale(const struct vs_tui *t, int group);
/* Cells of a bar `width` wide where `scale` fills it: the bar is as long
 * as the total is against the scale, split among categories by largest
 * remainder; a category of at least 1 % of the scale gets a cell even if
 * its share rounds to none (taken from the largest), so a small overhead
 * is seen rather than rounded away. */
void vs_tui_scaled_cells(const double ns[VS_CAT_COUNT], double scale, int width, int cells[VS_CAT_COUNT]);
/* A group's history under an engine (NULL past VS_TUI_GROUPS). */
const struct vs_tui_history *vs_tui_history(const struct vs_tui *t, int engine, int group);
/* The marks row under a sparkline of the last `width` samples of h: '^'
 * under the sample in whose step an event of that engine (or of every
 * engine) fell, ' ' elsewhere; fills row with width characters and a NUL. */
void vs_tui_mark_columns(const struct vs_tui *t, int engine, const struct vs_tui_history *h, int width, char *row);
/* The first timeline entry to show in `rows` lines: the newest ones while
 * following, else where the user scrolled to (clamped). */
int vs_tui_timeline_first(const struct vs_tui *t, int rows);

/* Colours: the nearest of the 8 basic curses colours (colours 8) or of the
 * xterm 256-colour cube and grey ramp (colours 256, indices 16..255) to a
 * palette colour, by squared RGB distance; and whether text on it should be
 * dark (black) rather than light, from its luminance. */
int vs_tui_nearest_colour(struct vs_rgb c, int colours);
bool vs_tui_dark_text(struct vs_rgb c);
/* A latency figure, "-" when nothing completed (count 0). */
void vs_tui_format_latency(int64_t ns, uint64_t count, char *buf, size_t len);

/* Formatting used on screen (and tested): a figure in at most `width` characters. */
void vs_tui_format_rate(double per_s, char *buf, size_t len);
/* Splits `width` cells of a stacked bar among categories in proportion to
 * ns[], largest remainder first, so the cells always add up to the bar. */
void vs_tui_bar_cells(const double ns[VS_CAT_COUNT], int width, int cells[VS_CAT_COUNT]);
/* Maps values to 8 sparkline levels (0..7) against the series' maximum. */
void vs_tui_spark_levels(const double *v, int n, int *levels);
/* The same from the series' minimum to its maximum (a flat series sits at
 * level 3); NaN entries (no figure) are left out of the range and get 0. */
void vs_tui_spark_span(const double *v, int n, int *levels);

const char *vs_tui_col_name(enum vs_tui_col c);

/* The help box's lines for a terminal `rows` high (the box takes two more
 * for its border): every key always, the notes under them only where they
 * fit. Returns the count; lines are at most 76 characters. */
int vs_tui_help_lines(int rows, const char **lines, int max);

/* ---- The Density panel (tui/tui_density.c) ----
 * Per approach, how many identical guests of one workload fit on the host
 * under an SLA: the search `virtsim density WORKLOAD` runs (run/density.h,
 * called as it is, one approach at a time, in a background thread), with
 * each approach's CPU per operation beside it (run/tradeoff.h). Results are
 * cached by settings and approach, so going back to settings already seen
 * shows them at once. */
#define VS_TUI_DENSITY_ROWS 8    /* approaches the panel lists */
#define VS_TUI_DENSITY_CACHE 48  /* searches kept (the least recently shown go first) */

/* What one search is for: `virtsim density WORKLOAD --host HOST --vcpus N
 * --duration D --max M --sla ...` (vs_tui_density_command says it). */
struct vs_tui_density_settings {
    char workload[VS_NAME_MAX];  /* built-in name or file */
    char host[VS_NAME_MAX];      /* built-in host profile or file */
    uint32_t vcpus;
    vs_time_ns duration_ns;      /* simulated time per point */
    uint32_t max_guests;         /* the search's bound */
    int64_t p99_ns, p50_ns;      /* latency bounds; 0: none */
    double throughput;           /* served (open) or per-guest (closed) fraction; 0: none */
    /* Memory overcommit, as `virtsim density --overcommit sharing,balloon`
     * (run/density.h: guests charged with page sharing and/or ballooning
     * settled, where the system has them). A search is for one
     * combination: each switch is part of the cache key (same_settings),
     * the options (vs_tui_density_opts), the command line and a key (P, B). */
    bool sharing, balloon;
    /* vCPU overcommit, as `--overcommit vcpus` (key V): the search is the
     * same (vCPUs always share cores), every probe runs in full, and each
     * result also says the count with a core per vCPU and the steal time
     * at the density, so no second search is needed to compare. */
    bool vcpus_shared;
};

/* Where an approach's result is. */
enum vs_tui_dstate {
    VS_TUI_DENSITY_OFF,       /* left out of the comparison (x) */
    VS_TUI_DENSITY_QUEUED,    /* waits for the search before it */
    VS_TUI_DENSITY_SEARCHING, /* its search runs now */
    VS_TUI_DENSITY_DONE,
    VS_TUI_DENSITY_FAILED     /* e.g. the host cannot run it: see error */
};

/* A finished search: the settings and approach it was for, and its result
 * (density, limit, memory per guest, the probes, the CPU per operation). */
struct vs_tui_density_entry {
    struct vs_tui_density_settings set;
    char engine[VS_NAME_MAX];
    int rc;                      /* VS_OK, or why there is no result */
    char error[200];
    struct vs_density_result r;
    uint64_t used;               /* when last shown (least recently used goes first) */
};

/* The search running in the background, for the progress line. */
struct vs_tui_density_progress {
    bool searching;
    char engine[VS_NAME_MAX];
    uint32_t simulations;        /* probes begun (the cost run included) */
    double simulated_s;          /* simulated time run so far */
    double wall_s;               /* since the search began */
    bool without;                /* it is the search without overcommit (the comparison) */
    int done, total;             /* approaches with a result of those included */
};

struct vs_tui_density {
    struct vs_tui_density_settings set;
    char engines[VS_TUI_DENSITY_ROWS][VS_NAME_MAX]; /* native first: the trade-off's baseline */
    bool on[VS_TUI_DENSITY_ROWS];
    int n_rows;
    int sel;                     /* the selected row: its curve and memory are shown */
    bool active;                 /* the panel has been opened: searches run */
    bool typing;                 /* typing an SLA after 'S' */
    char typed[96];
    struct vs_tui_density_entry *cache; /* VS_TUI_DENSITY_CACHE slots (owned) */
    int n_cache;
    uint64_t clock;
    struct vs_tui_density_job *job;     /* the search running, or NULL (owned) */
};

/* Called by vs_tui_init / vs_tui_free: settings from the scenario (the
 * scored group's workload, its first host, its engines), nothing searched
 * until the panel opens. */
int vs_tui_density_init(struct vs_tui *t, struct vs_error *err);
void vs_tui_density_free(struct vs_tui *t);
/* Takes in a finished search and starts the next one the panel needs;
 * never blocks (vs_tui_tick calls it, paused or not). */
void vs_tui_density_poll(struct vs_tui *t);
/* Blocks until every included approach has a result (tests, export). */
void vs_tui_density_wait(struct vs_tui *t);
/* The panel's keys (w W H [ ] { } S P B V x c Up Down); false when the key is
 * not one of them, so the caller handles it. */
bool vs_tui_density_key(struct vs_tui *t, int key);
/* Row i under the current settings: its state, and its entry when done or
 * failed (NULL otherwise). */
enum vs_tui_dstate vs_tui_density_row(const struct vs_tui *t, int i, const struct vs_tui_density_entry **e);
/* With page sharing or ballooning on, row i under the same settings with
 * both off: what the overcommit is compared with (searched after the rows
 * themselves). VS_TUI_DENSITY_OFF when neither is on or the row is out. */
enum vs_tui_dstate vs_tui_density_row_without(const struct vs_tui *t, int i, const struct vs_tui_density_entry **e);
/* What vCPU overcommit did for row i, in words (without a label): "+40
 * guests (4 with a core per vCPU), steal 3.2 % at the density", or why it
 * made no room; "" when V is off or the row has no result. */
void vs_tui_density_vcpu_text(const struct vs_tui *t, int i, char *buf, size_t len);
/* The settings with every overcommit switch off. */
void vs_tui_density_without(const struct vs_tui_density_settings *s, struct vs_tui_density_settings *out);
/* Which overcommit is on, as --overcommit takes it ("sharing,balloon,vcpus"),
 * or "" when none is. */
const char *vs_tui_density_overcommit_text(const struct vs_tui_density_settings *s);
/* What the overcommit did for row i, in words for the screen and the
 * export: "+3 guests (90 without); per guest saved: sharing 24 MiB",
 * then with V on "vCPU overcommit: " and vs_tui_density_vcpu_text
 * (">=" where the search reached its bound; "without overcommit:
 * searching" until that search is done); "" when no overcommit is on or
 * the row has no result. */
void vs_tui_density_room_text(const struct vs_tui *t, int i, char *buf, size_t len);
void vs_tui_density_get_progress(const struct vs_tui *t, struct vs_tui_density_progress *p);
/* The SLAs as `virtsim density --sla` takes them ("p99<20ms
 * throughput>=95%"; "none" when there is none), and as options. */
void vs_tui_density_sla_text(const struct vs_tui_density_settings *s, char *buf, size_t len);
void vs_tui_density_opts(const struct vs_tui_density_settings *s, struct vs_density_opts *o);
/* Sets the SLAs from text like the above (space-separated; "none" or ""
 * clears them). VS_ERR_INPUT with a sentence otherwise. */
int vs_tui_density_set_sla(struct vs_tui *t, const char *text, struct vs_error *err);
/* The command line that gives the same numbers. */
void vs_tui_density_command(const struct vs_tui *t, char *buf, size_t len);
/* CPU per operation of row i over native's ("1.52x"; "-" with no figure;
 * 1.00x when within twice the counting noise). */
void vs_tui_density_cost_text(const struct vs_tui *t, int i, char *buf, size_t len);
/* The curve of one search as text, for a screen of any size: a plot
 * `width` x `height` of each simulated probe's p99 (log scale) against the
 * guest count, one column per probe in guest order ('o' every SLA met,
 * 'x' not, 'M' at the top: more guests than fit in memory, decided without
 * a simulation, so no figures), the p99 bound as a row of '-' (none:
 * no row), the y labels in the first 8 columns; then one more line with
 * the guest count under each probe. grid gets height + 1 lines of `width`
 * characters and a NUL each; cols[i] the column of probe i (for the
 * throughput row under it). Returns the probes shown. */
int vs_tui_density_curve(const struct vs_density_result *r, int64_t p99_bound_ns, int width, int height, char *grid,
                         int *cols);
/* The trade-off as text: x the CPU per operation over native's (from 1 to
 * the largest, at least 2), y the guests per host (from 0 to the largest);
 * each approach with a result drawn as its row number (1, 2, ...; '+' where
 * several fall in one cell), axes labelled. grid gets `height` lines of
 * `width` characters and a NUL each. Returns the approaches drawn. */
int vs_tui_density_scatter(const struct vs_tui *t, int width, int height, char *grid);

/* Writes the panel: .json (the density JSON of virtsim density, with each
 * approach's cpu_per_op_ns), .csv (one row per approach), else a text table. */
int vs_tui_density_export(const struct vs_tui *t, const char *path, struct vs_error *err);

/* `virtsim tui --sla --max --duration`: the Density panel's first
 * settings (NULL or 0 keep the defaults). VS_ERR_INPUT for an SLA
 * vs_tui_density_set_sla refuses. */
struct vs_tui_density_start {
    const char *sla;
    uint32_t max_guests;
    vs_time_ns duration_ns;
};
int vs_tui_density_begin(struct vs_tui *t, const struct vs_tui_density_start *ds, struct vs_error *err);

/* Runs the full-screen UI on the terminal until the user quits
 * (tui/tui_screen.c, the only curses code). */
int vs_tui_main(const struct vs_scenario *sc, uint64_t seed, struct vs_error *err);
/* The same with the Density panel's first settings (ds may be NULL). */
int vs_tui_main_with(const struct vs_scenario *sc, uint64_t seed, const struct vs_tui_density_start *ds,
                     struct vs_error *err);

/* The screen's parts, for screens built on it (lab mode): curses set up and
 * torn down, the UI drawn in the terminal's first COLS columns (a caller
 * that wants room beside it narrows COLS around the call), a curses key
 * mapped to the model's, a mouse click handled. */
void vs_tui_screen_begin(void);
void vs_tui_screen_end(void);
void vs_tui_screen_draw(struct vs_tui *t);
int vs_tui_screen_map_key(int ch);
void vs_tui_screen_click(struct vs_tui *t);

/* ---- lab mode (virtsim lab start; tui/tui_lab.c, tui/tui_lab_screen.c) ---- */

/* The lab beside the live simulation of its current step: the step's
 * text, what to do and its questions in a panel on the right; n / b the
 * next / previous step (its scenario replaces the simulation), , and . the
 * previous / next question, i to answer (Enter checks it against the key
 * computed from the step's simulation), v the next hint. Progress (the
 * step, every answer and its verdict) is saved in the progress file
 * (lab/lab.h) after every change, and loaded at the start: a student
 * resumes where they stopped. Every other key goes to the UI. */
struct vs_lab;
struct vs_tui_lab {
    struct vs_lab *lab;                         /* not owned */
    struct vs_lab_progress progress;
    uint32_t question;                          /* selected question of the current step */
    bool entering;                              /* typing an answer after 'i' */
    char input[96];
    bool input_fresh;                           /* it still holds the previous answer: typing
                                                   replaces it, Backspace edits it */
    uint32_t hints[VS_LAB_MAX_QUESTIONS];       /* hints shown per question of the step */
    char feedback[640];                         /* the last check's verdict and explanation */
    bool check_pending;                         /* Enter pressed: the screen says "checking" first */
    struct vs_lab_results results;              /* the current step's, once a check needed them */
    bool have_results;
    char status[200];                           /* a problem (progress not saved), or "" */
};

/* Loads the progress and opens the simulation of the step it reached. */
int vs_tui_lab_init(struct vs_tui_lab *l, struct vs_lab *lab, struct vs_tui *t, struct vs_error *err);
void vs_tui_lab_free(struct vs_tui_lab *l);
/* A key in lab mode: true when lab mode used it (else it goes to the UI).
 * Step changes rebuild *t on the new step's scenario. */
bool vs_tui_lab_key(struct vs_tui_lab *l, struct vs_tui *t, int key);
/* Runs a pending check (computes the key from the step's simulation when
 * not done yet), records the verdict and saves the progress. */
void vs_tui_lab_run_check(struct vs_tui_lab *l);
/* Runs lab mode on the terminal until the user quits. */
int vs_tui_lab_main(struct vs_lab *lab, struct vs_error *err);

#endif
