/* `virtsim microbench`: an lmbench-style table of what one guest operation
 * costs under each approach, in microseconds. Every figure comes out of a
 * simulation: for each (approach, operation) a one-guest scenario whose
 * requests perform the operation N times runs as a closed loop with one
 * client and no think time, and the operation's latency is the mean request
 * latency minus that of a baseline request (the same guest doing almost
 * nothing, also simulated), divided by N. docs/microbench.md explains each
 * row and what the figures leave out. */
#ifndef VIRTSIM_MICROBENCH_H
#define VIRTSIM_MICROBENCH_H

#include <stdint.h>
#include <stdio.h>

#include "virtsim/core/error.h"
#include "virtsim/out/report.h"
#include "virtsim/spec/scenario.h"
#include "virtsim/spec/workload.h"

/* The rows of the table, in the order printed. */
enum vs_mb_row {
    VS_MB_SYSCALL,
    VS_MB_CONTEXT_SWITCH,
    VS_MB_FORK_EXEC,
    VS_MB_FORK,
    VS_MB_EXEC,
    VS_MB_PAGE_FAULT,
    VS_MB_TLB_MISS,
    VS_MB_PT_UPDATE,
    VS_MB_IRQ_FLAG,
    VS_MB_CR3_LOAD,
    VS_MB_PORT_IO,
    VS_MB_EXITING_INSN,
    VS_MB_TIMER_IRQ,
    VS_MB_DISK_READ,
    VS_MB_DISK_READ_HIT,
    VS_MB_NET_RTT,
    VS_MB_CODE_LOAD,
    VS_MB_ROWS
};

/* How a row is measured. */
enum vs_mb_method {
    VS_MB_PER_REQUEST, /* N operations per request, minus the baseline request, / N */
    VS_MB_TIMER,       /* a long computation with the timer on and off, / ticks per request */
    VS_MB_ONCE         /* a one-request batch with and without the code to translate */
};

struct vs_mb_row_info {
    const char *name;  /* stable key for CSV and JSON, e.g. "syscall" */
    const char *label; /* for the table, e.g. "null system call" */
    enum vs_mb_method method;
    enum vs_op_kind op;  /* the operation counted in each request (VS_MB_PER_REQUEST) */
    uint32_t per_request; /* N: operations per request (VS_MB_PER_REQUEST) */
};

const struct vs_mb_row_info *vs_mb_row_info(enum vs_mb_row row);

/* Instructions of the baseline request (every request has them, so that a
 * request is never empty: an empty closed loop would never advance time). */
#define VS_MB_BASE_INSTRUCTIONS 1000.0
/* Instructions of each request of the timer row's computation. */
#define VS_MB_TIMER_INSTRUCTIONS 1.0e8
/* Bytes of code the translation row's guest meets once. */
#define VS_MB_CODE_BYTES 1048576.0
/* Bytes of each packet of the network round trip; bytes of a disk read. */
#define VS_MB_PACKET_BYTES 64.0
#define VS_MB_DISK_BYTES 4096.0

/* The workload the row's guest runs: a closed loop of one client with no
 * think time (the code row: a batch of one request), with VS_MB_BASE_INSTRUCTIONS
 * user instructions per request and the row's operations. `baseline`: the
 * same guest without the operations (the timer row: the plain computation;
 * the code row: no code to translate). Fills *wl. */
void vs_microbench_workload(enum vs_mb_row row, bool baseline, struct vs_workload *wl);

struct vs_microbench_opts {
    const char *host;       /* built-in name or file; NULL: "current" */
    const char *approaches; /* comma-separated presets; NULL: the default set. native is always first */
    uint64_t seed;
};

/* The default presets: one per approach, native first. */
#define VS_MB_DEFAULT_APPROACHES "native,qemu,vmware,xen-pv,uml,kvm,hvm-shadow,lxc"

/* One operation under one preset. */
struct vs_mb_cell {
    double latency_us;   /* per operation; NaN when it does not apply (no timer, nothing to translate) */
    double vmexits;      /* events per operation, from the simulation's counts */
    double hypercalls;
    double traps;
    uint64_t requests;   /* requests measured (for the code row: 1) */
};

struct vs_mb_results {
    struct vs_host_spec host;
    uint64_t seed;
    uint32_t n_engines;
    char engines[VS_MAX_ENGINES][VS_NAME_MAX];   /* presets, native first */
    char approaches[VS_MAX_ENGINES][VS_NAME_MAX]; /* their approaches */
    double baseline_ns[VS_MAX_ENGINES];           /* mean latency of the baseline request */
    struct vs_mb_cell cells[VS_MAX_ENGINES][VS_MB_ROWS];
    char skipped[2048]; /* "name (why); ..." for presets the host cannot run, or "" */
};

/* Runs every row under every preset. VS_ERR_INPUT for an unknown host or
 * preset (presets the host cannot run are left out and named in skipped);
 * VS_ERR_RUNTIME if a simulation fails. Fills the caller's *out. */
int vs_microbench_run(const struct vs_microbench_opts *o, struct vs_mb_results *out, struct vs_error *err);

/* Measures one row under one preset on host (the caller checked that the
 * host can run it). Fills *cell; *baseline_ns, if not NULL, gets the baseline
 * request's mean latency (VS_MB_PER_REQUEST rows). */
int vs_microbench_measure(const struct vs_host_spec *host, const char *engine, enum vs_mb_row row,
                          uint64_t seed, struct vs_mb_cell *cell, double *baseline_ns, struct vs_error *err);

/* Measures any operation the way a per-request row is measured: wl (the
 * operation, n of it per request) against its baseline wb, both simulated
 * as closed loops of one client on host with its periodic tick off. Used by
 * the validation tests for lmbench-shaped requests (a small process's fork,
 * a switch with its CR3 load). Fills *cell. */
int vs_microbench_measure_workload(const struct vs_host_spec *host, const char *engine,
                                   const struct vs_workload *wl, const struct vs_workload *wb, double n,
                                   uint64_t seed, struct vs_mb_cell *cell, struct vs_error *err);

/* The table (operations down, presets across), CSV (one line per preset and
 * operation) or JSON (one entry per preset and operation). */
int vs_microbench_write(FILE *f, const struct vs_mb_results *r, enum vs_report_format fmt, struct vs_error *err);

#endif
