/* `virtsim trace`: prices one guest operation (or one request of a
 * workload) under each approach with a trace attached, so that every step
 * the engine charges is listed in order with its place, cycles and source
 * constant (core/ops.h, vs_work_step). The report is the same one the
 * engines charge a simulation: the trace is recorded while pricing, never
 * written twice. Output and chart: out/trace.h. */
#ifndef VIRTSIM_RUN_TRACE_H
#define VIRTSIM_RUN_TRACE_H

#include "virtsim/core/error.h"
#include "virtsim/out/trace.h"

/* The operations a trace accepts, each with the names it answers to (its
 * workload key, e.g. "page_faults", and a short one, e.g. "page-fault"). */
struct vs_trace_op_name {
    enum vs_op_kind op;
    const char *name;  /* short name, e.g. "syscall" */
    const char *label; /* in words, e.g. "null system call" */
};
size_t vs_trace_op_count(void);
const struct vs_trace_op_name *vs_trace_op_at(size_t i);
/* VS_ERR_INPUT, naming the accepted names, for an unknown one. */
int vs_trace_parse_op(const char *name, enum vs_op_kind *op, struct vs_error *err);

#define VS_TRACE_DEFAULT_APPROACHES "native,qemu,vmware,xen-pv,uml,kvm,hvm-shadow,lxc"

struct vs_trace_opts {
    const char *host;       /* built-in name or file; NULL: "current" */
    const char *approaches; /* comma-separated presets; NULL: the default set */
    const char *operation;  /* an operation name (one operation) ... */
    const char *workload;   /* ... or a workload (one request of it) */
};

/* Fills *out (caller's). VS_ERR_INPUT for an unknown host, preset,
 * operation or workload; presets the host cannot run are left out and named
 * in out->skipped. */
int vs_trace_run(const struct vs_trace_opts *o, struct vs_trace_report *out, struct vs_error *err);

/* The operation of workload wl that takes the largest share of its mean
 * request's CPU under preset on host (user instructions aside, unless they
 * are all there is), traced alone (one operation) into *out, whose `what`
 * says which share it is. For the TUI's detail view. VS_ERR_INPUT if the
 * preset cannot run on the host. */
int vs_trace_dominant(const struct vs_host_spec *host, const char *preset, const struct vs_workload *wl,
                      struct vs_trace_report *out, struct vs_error *err);

#endif
