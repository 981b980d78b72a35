/* What `virtsim trace` shows: the steps one guest operation (or one request
 * of a workload) takes under each approach, as the engines price them
 * (core/ops.h: struct vs_trace), with totals; written as a table or JSON,
 * or drawn as a swim-lane chart (one lane per place: guest, hypervisor,
 * host kernel, device model, hardware; time left to right). The runner
 * that fills these is run/trace.c. */
#ifndef VIRTSIM_OUT_TRACE_H
#define VIRTSIM_OUT_TRACE_H

#include <stdbool.h>
#include <stdio.h>

#include "virtsim/core/error.h"
#include "virtsim/core/ops.h"
#include "virtsim/out/report.h"
#include "virtsim/spec/scenario.h"

/* One operation kind under one preset: its steps and totals. */
struct vs_trace_op {
    enum vs_op_kind op;
    double count;                /* operations priced (1 for a trace of one operation) */
    struct vs_trace steps;
    double cycles;               /* total, = the sum of the steps' cycles */
    double delay_ns;             /* latency without CPU, = the sum of the steps' */
    double cat_cycles[VS_CAT_COUNT];
    double events[VS_EVT_COUNT];
};

#define VS_TRACE_MAX_OPS VS_OP_COUNT

/* Everything traced under one preset. */
struct vs_trace_run {
    char engine[VS_NAME_MAX];
    char approach[VS_NAME_MAX];
    uint32_t n_ops;
    struct vs_trace_op ops[VS_TRACE_MAX_OPS];
    double cycles, delay_ns; /* over all ops */
    double cat_cycles[VS_CAT_COUNT];
};

struct vs_trace_report {
    struct vs_host_spec host;
    bool request;            /* a request of a workload, not one operation */
    char what[160];          /* the operation in words, or the workload's name */
    uint32_t n_runs;
    struct vs_trace_run runs[VS_MAX_ENGINES];
    char skipped[2048];      /* "name (why); ..." for presets the host cannot run, or "" */
};

/* Where a CPU category's steps run, for a reader: "guest kernel",
 * "hypervisor", "host kernel", "device model", "hardware", ... */
const char *vs_trace_place(enum vs_cpu_cat cat);

/* Table or JSON (CSV: one line per step). */
int vs_trace_write(FILE *f, const struct vs_trace_report *r, enum vs_report_format fmt, struct vs_error *err);

/* The swim-lane chart: one panel per preset, one lane per place, each step a
 * box as long as its time on this host (a wait as a hatched box), in the
 * order the steps happen; the steps' labels are numbered and listed under
 * each panel. SVG, PDF or PNG by the file's extension; the steps are written
 * beside it as FILE.csv. One operation only (not a request). */
int vs_trace_chart(const struct vs_trace_report *r, const char *path, double width, double height,
                   struct vs_error *err);

#endif
