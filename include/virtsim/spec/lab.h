/* A guided lab (labs/NN-NAME.yaml, docs/yaml-reference.md "Labs"): its title,
 * objectives, background and instructor notes, then steps; each step runs
 * a scenario and asks questions. A numeric answer is an expression over the
 * step's results (struct vs_lab_expr), evaluated when an answer is checked,
 * never a number typed into the lab: a change of the model changes the key.
 * The loader is sim/load/cfg_lab.c; running steps and grading is sim/lab/. */
#ifndef VIRTSIM_SPEC_LAB_H
#define VIRTSIM_SPEC_LAB_H

#include <stdbool.h>
#include <stdint.h>
#include "virtsim/core/ops.h"
#include "virtsim/host/contention.h"
#include "virtsim/spec/scenario.h"

#define VS_LAB_MAX_STEPS 10
#define VS_LAB_MAX_QUESTIONS 6 /* per step */
#define VS_LAB_MAX_CHOICES 8
#define VS_LAB_MAX_ITEMS 12    /* objectives, references, hints, things to do */
#define VS_LAB_EXPR_MAX_NODES 16
#define VS_LAB_EXPR_TEXT 256

/* What a reference names: a figure of a guest group, of the hosts, of a
 * migration or checkpoint the timeline made, of a density search, or of an
 * isolation comparison (the victim beside a neighbour set, run/isolation.h). */
enum vs_lab_object { VS_LAB_OBJ_GROUP, VS_LAB_OBJ_HOST, VS_LAB_OBJ_MIGRATION, VS_LAB_OBJ_CHECKPOINT,
                     VS_LAB_OBJ_DENSITY, VS_LAB_OBJ_ISOLATION };

/* The figures a reference may name (sim/load/cfg_lab.c has the table of
 * their names and docs/yaml-reference.md what each means). */
enum vs_lab_field {
    /* guest group, first replication (what the report's table shows) */
    VS_LF_THROUGHPUT_PER_S, VS_LF_MEAN_MS, VS_LF_P50_MS, VS_LF_P99_MS, VS_LF_P50_US, VS_LF_P99_US,
    VS_LF_COMPLETION_S, VS_LF_CPU_PER_REQ_US, VS_LF_CPU_CORES, VS_LF_MEMORY_MIB, VS_LF_DROPPED,
    VS_LF_COMPLETED, VS_LF_BOOT_S,
    VS_LF_DOWN_S, VS_LF_LOST,   /* faults of the timeline: time served nothing (summed over instances), requests lost */
    /* memory management (resources.memory), summed over the instances, at the run's end */
    VS_LF_MM_RESIDENT_MIB, VS_LF_MM_SHARED_MIB, VS_LF_MM_BALLOONED_MIB, VS_LF_MM_SWAPPED_MIB, VS_LF_MM_SWAP_INS,
    VS_LF_MM_OOM_KILLS, VS_LF_MM_CHANGE_S, VS_LF_MM_BALLOON_CPU_MS,
    /* CPU resource management: steal time (waiting for a core or a cap over
     * the vCPU time, in %), and the time the group's last CPU set: (cpus,
     * cap or weight) took to take full effect on every instance */
    VS_LF_STEAL_PCT, VS_LF_CPU_CHANGE_S,
    /* one per CPU category (idle's slot unused): its share of the group's CPU, in % */
    VS_LF_SHARE_FIRST,
    /* one per event counter: per second of the window, then per completed request */
    VS_LF_EVT_FIRST = VS_LF_SHARE_FIRST + VS_CAT_COUNT,
    VS_LF_PER_REQ_FIRST = VS_LF_EVT_FIRST + VS_EVT_COUNT,
    /* guest group, over the replications (the report's scores): the mean */
    VS_LF_SCORE = VS_LF_PER_REQ_FIRST + VS_EVT_COUNT, VS_LF_COST_RATIO, VS_LF_THROUGHPUT_RATIO, VS_LF_P99_RATIO,
    /* hosts (all together) */
    VS_LF_HOST_CPU_PCT, VS_LF_HOST_MEM_USED_GIB, VS_LF_HOST_DISK_PCT, VS_LF_HOST_NIC_RX_PCT, VS_LF_HOST_NIC_TX_PCT,
    VS_LF_HOST_OVERCOMMIT, VS_LF_HOST_SHARED_MIB, VS_LF_HOST_BALLOONED_MIB, VS_LF_HOST_SWAPPED_MIB,
    VS_LF_HOST_KSM_CPU_S,
    /* a migration */
    VS_LF_MIG_DOWNTIME_MS, VS_LF_MIG_TOTAL_S, VS_LF_MIG_SENT_MIB, VS_LF_MIG_ROUNDS, VS_LF_MIG_CONVERGED,
    VS_LF_MIG_THROTTLE_PCT,
    /* a checkpoint or restore */
    VS_LF_CP_FREEZE_MS, VS_LF_CP_TOTAL_S, VS_LF_CP_IMAGE_MIB,
    VS_LF_CP_NEIGHBOURS_BEFORE_MS, VS_LF_CP_NEIGHBOURS_DURING_MS, /* the neighbours' disk response */
    /* a density search */
    VS_LF_DENSITY_GUESTS, VS_LF_DENSITY_MEM_PER_GUEST_MIB,
    VS_LF_DENSITY_SAVED_SHARING_MIB, VS_LF_DENSITY_SAVED_BALLOON_MIB, /* per guest, with overcommit: */
    /* 1 for the resource that ran out first one guest past the density, 0 for the others (VS_RES_* order) */
    VS_LF_DENSITY_LIMIT_FIRST,
    VS_LF_DENSITY_LIMIT_LAST = VS_LF_DENSITY_LIMIT_FIRST + 3,
    /* an isolation comparison: the victim beside a neighbour set, over the
     * replications (means; ratios are with / alone) */
    VS_LF_ISO_P99_RATIO, VS_LF_ISO_THROUGHPUT_RATIO, VS_LF_ISO_CPU_PER_REQ_RATIO,
    VS_LF_ISO_P99_ALONE_MS, VS_LF_ISO_P99_WITH_MS, VS_LF_ISO_THROUGHPUT_ALONE_PER_S,
    VS_LF_ISO_THROUGHPUT_WITH_PER_S, VS_LF_ISO_CPU_WAIT_ALONE_US, VS_LF_ISO_CPU_WAIT_WITH_US,
    /* one per contention kind (host/contention.h): CPU per request with the neighbours, in us */
    VS_LF_ISO_CONT_FIRST,
    VS_LF_COUNT = VS_LF_ISO_CONT_FIRST + VS_CONT_KINDS
};

/* ENGINE.OBJECT[.ITEM].FIELD, resolved against the step's scenario when the
 * lab loads (the engine is one it compares, the group one of its guests). */
struct vs_lab_ref {
    char engine[VS_NAME_MAX];
    enum vs_lab_object object;
    char item[VS_NAME_MAX];   /* group: its name; migration: a guest ("" = the first);
                                 checkpoint: its number, 1-based ("" = the first);
                                 isolation: the neighbour group, or "all" */
    char policy[16];          /* isolation with policies: the policy (ENGINE.isolation.POLICY.NEIGHBOUR.FIELD) */
    enum vs_lab_field field;
};

enum vs_lab_expr_op { VS_LX_NUM, VS_LX_REF, VS_LX_ADD, VS_LX_SUB, VS_LX_MUL, VS_LX_DIV, VS_LX_NEG };

struct vs_lab_expr_node {
    enum vs_lab_expr_op op;
    double num;                 /* VS_LX_NUM */
    struct vs_lab_ref ref;      /* VS_LX_REF */
    int a, b;                   /* operands: indices into nodes (b unused for NEG) */
};

/* An arithmetic expression (+ - * / and parentheses) over numbers and
 * references, e.g. "qemu.web.cpu_per_req_us / native.web.cpu_per_req_us". */
struct vs_lab_expr {
    char text[VS_LAB_EXPR_TEXT];
    int line, column;           /* where it is written */
    struct vs_lab_expr_node nodes[VS_LAB_EXPR_MAX_NODES];
    int n_nodes, root;
};

enum vs_lab_qkind { VS_LAB_Q_CHOICE, VS_LAB_Q_NUMBER, VS_LAB_Q_TEXT };
/* A multiple-choice key: a fixed choice, or the choice whose value
 * (an expression) is the lowest or the highest in the step's results. */
enum vs_lab_choice_key { VS_LAB_KEY_FIXED, VS_LAB_KEY_LOWEST, VS_LAB_KEY_HIGHEST };

struct vs_lab_choice {
    char *text;                 /* owned */
    struct vs_lab_expr *value;  /* owned; NULL: none (needed by a lowest/highest key) */
};

struct vs_lab_question {
    enum vs_lab_qkind kind;
    char *prompt;               /* owned */
    char unit[16];              /* a number's unit, as shown ("ms", "x", ""): for people only */
    /* choice */
    struct vs_lab_choice choices[VS_LAB_MAX_CHOICES];
    uint32_t n_choices;
    enum vs_lab_choice_key key;
    uint32_t fixed;             /* VS_LAB_KEY_FIXED: the right choice, 0-based */
    /* number: |answer - value| <= tolerance (relative: times |value|) */
    struct vs_lab_expr answer;
    double tolerance;
    bool relative;
    /* text: graded by the instructor; what a good answer says (owned, may be NULL) */
    char *model_answer;
    char *hints[VS_LAB_MAX_ITEMS]; /* owned */
    uint32_t n_hints;
    char *explanation;          /* owned, may be NULL: shown after answering */
    int line, column;
};

/* What the student does in a step, for people: a command to run, a key to
 * press in the TUI, a value to change, or plain text. */
enum vs_lab_do_kind { VS_LAB_DO_TEXT, VS_LAB_DO_RUN, VS_LAB_DO_TUI, VS_LAB_DO_CHANGE };

struct vs_lab_do {
    enum vs_lab_do_kind kind;
    char *text;                 /* owned */
};

/* The chart a handout draws for a step (out/chart.h kinds). */
enum vs_lab_chart { VS_LAB_CHART_AUTO, VS_LAB_CHART_NONE, VS_LAB_CHART_RELATIVE, VS_LAB_CHART_BREAKDOWN,
                    VS_LAB_CHART_MIGRATION, VS_LAB_CHART_DENSITY, VS_LAB_CHART_HOSTS, VS_LAB_CHART_ISOLATION };

/* Where a step's scenario comes from. */
enum vs_lab_source {
    VS_LAB_SRC_SCENARIO, /* a built-in scenario, by name */
    VS_LAB_SRC_WORKLOAD, /* a built-in workload: the one-workload comparison `virtsim compare` runs */
    VS_LAB_SRC_INLINE    /* a scenario written in the lab */
};

#define VS_LAB_MAX_SETS 8
/* An isolation step's policies (run/isolation.h: none, weights, caps, pinning). */
#define VS_LAB_MAX_POLICIES 4

/* `set:` entry: a parameter path (load/params.h) and its value. */
struct vs_lab_set {
    char param[96];
    char value[48];             /* as written: parsed in the parameter's unit once the scenario is built */
    int line, column;           /* of the value */
};

struct vs_lab_step {
    char *title;                /* owned */
    char *text;                 /* owned */
    enum vs_lab_source source;
    char source_name[VS_NAME_MAX];
    int line, column;           /* of the step's scenario: key */
    /* The scenario the step runs: inline ones are parsed by the loader, the
     * others built by the lab layer (lab/lab.h, vs_lab_prepare) from the
     * source and the overrides below. Owned; NULL until built. */
    struct vs_scenario *scenario;
    /* Overrides, applied in this order (each 0 / empty when not given). */
    char approaches[VS_MAX_ENGINES][VS_NAME_MAX];
    uint32_t n_approaches;
    char host[VS_NAME_MAX];
    vs_time_ns duration_ns;
    uint32_t vcpus;             /* a workload's comparison only */
    bool have_seed;
    uint64_t seed;
    struct vs_lab_set sets[VS_LAB_MAX_SETS];
    uint32_t n_sets;
    uint32_t reps;              /* replications (>= 1): the scores' fields are their mean */
    bool density;               /* a density search instead of a run */
    char slas[4][48];           /* as written ("p99<20ms"): run/density.h parses them */
    int sla_line[4], sla_column[4];
    uint32_t n_slas;
    uint32_t density_max;
    bool overcommit_sharing, overcommit_balloon; /* density: guests counted with these settled */
    bool isolation;             /* an isolation comparison instead of a run (run/isolation.h) */
    char victim[VS_NAME_MAX];   /* its victim group ("": the one the scenario marks victim: true) */
    int victim_line, victim_column;
    char policies[VS_LAB_MAX_POLICIES][16]; /* the comparison once per policy (none: the scenario as written) */
    uint32_t n_policies;
    struct vs_lab_do todo[VS_LAB_MAX_ITEMS];
    uint32_t n_todo;
    enum vs_lab_chart chart;
    struct vs_lab_question questions[VS_LAB_MAX_QUESTIONS];
    uint32_t n_questions;
    int step_line;
};

enum vs_lab_level { VS_LAB_INTRODUCTORY, VS_LAB_INTERMEDIATE, VS_LAB_ADVANCED };

struct vs_lab {
    char name[VS_NAME_MAX];     /* file name without .yaml, e.g. "01-four-approaches" */
    char origin[256];           /* for messages: a path or builtin:labs/... */
    uint32_t number;            /* from the name's leading digits (0: none) */
    char *title;                /* owned */
    enum vs_lab_level level;
    vs_time_ns duration_ns;     /* how long a session takes */
    char *objectives[VS_LAB_MAX_ITEMS];
    uint32_t n_objectives;
    char *background;
    char *references[VS_LAB_MAX_ITEMS];
    uint32_t n_references;
    char *instructor_notes;
    struct vs_lab_step steps[VS_LAB_MAX_STEPS];
    uint32_t n_steps;
};

const char *vs_lab_level_name(enum vs_lab_level l);

#endif
