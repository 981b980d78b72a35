/* `virtsim trace` (see run/trace.h): opens each preset on the host and
 * prices the operation, or each operation of one mean request of a
 * workload, through vs_engine_price with a step recorder attached: the
 * steps listed are the ones the engine charges, in its order. */
#include "virtsim/run/trace.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "virtsim/core/rng.h"
#include "virtsim/load/config.h"
#include "virtsim/model/engine.h"
#include "virtsim/run/microbench.h"

static const struct vs_trace_op_name op_names[] = {
    {VS_OP_SYSCALL, "syscall", "null system call"},
    {VS_OP_PAGE_FAULT, "page-fault", "zero-fill page fault"},
    {VS_OP_COW_FAULT, "cow-fault", "copy-on-write page fault"},
    {VS_OP_FILE_FAULT, "file-fault", "file-backed page fault (page cached)"},
    {VS_OP_CONTEXT_SWITCH, "context-switch", "context switch (without its CR3 load)"},
    {VS_OP_CR3_LOAD, "cr3-load", "CR3 load (address-space switch), with its TLB refill"},
    {VS_OP_TLB_MISS, "tlb-miss", "TLB miss (page walk)"},
    {VS_OP_PT_UPDATE, "pt-update", "page-table entry update"},
    {VS_OP_IRQ_FLAG, "irq-flag", "interrupt-flag change (cli/sti/popf)"},
    {VS_OP_PORT_IO, "port-io", "port I/O (in/out)"},
    {VS_OP_EXITING_INSN, "exiting-instruction", "cpuid, MSR access or hlt"},
    {VS_OP_FORK, "fork", "fork of a 64 MiB process (with the child's exit and the parent's wait)"},
    {VS_OP_EXEC, "exec", "exec of a small program"},
    {VS_OP_PROCESS_CREATE, "fork-exec", "fork + exec (the composite the workloads' forks key counts)"},
    {VS_OP_DISK_READ, "disk-read", "4 KiB disk read (CPU and waits, not the device's own time)"},
    {VS_OP_DISK_WRITE, "disk-write", "4 KiB disk write (CPU and waits, not the device's own time)"},
    {VS_OP_NET_RX, "net-receive", "1500-byte packet received"},
    {VS_OP_NET_TX, "net-send", "1500-byte packet sent"},
    {VS_OP_TIMER_IRQ, "timer", "timer interrupt"},
    {VS_OP_IPI, "ipi", "inter-processor interrupt"},
    {VS_OP_PAGE_CACHE_READ, "page-cache-read", "4 KiB read served from the page cache"},
    {VS_OP_KERNEL_INSTRUCTION, "kernel-instruction", "kernel instruction"},
    {VS_OP_INSTRUCTION, "instruction", "user instruction"},
};

size_t vs_trace_op_count(void) { return sizeof op_names / sizeof op_names[0]; }
const struct vs_trace_op_name *vs_trace_op_at(size_t i) { return i < vs_trace_op_count() ? &op_names[i] : NULL; }

int vs_trace_parse_op(const char *name, enum vs_op_kind *op, struct vs_error *err)
{
    for (size_t k = 0; k < vs_trace_op_count(); k++)
        if (strcmp(name, op_names[k].name) == 0 || strcmp(name, vs_op_name(op_names[k].op)) == 0) {
            *op = op_names[k].op;
            return VS_OK;
        }
    char known[1024];
    size_t used = 0;
    for (size_t k = 0; k < vs_trace_op_count() && used < sizeof known; k++)
        used += (size_t)snprintf(known + used, sizeof known - used, "%s%s", k ? ", " : "", op_names[k].name);
    return vs_error_set(err, VS_ERR_INPUT, NULL, 0, 0, "unknown operation '%s'; known: %s", name, known);
}

/* Bytes a traced I/O operation moves. */
static double op_bytes(enum vs_op_kind op)
{
    switch (op) {
    case VS_OP_DISK_READ:
    case VS_OP_DISK_WRITE:
    case VS_OP_PAGE_CACHE_READ: return 4096;
    case VS_OP_NET_RX:
    case VS_OP_NET_TX: return 1500;
    default: return 0;
    }
}

/* Prices count x op under engine e into *t, with its steps. */
static void trace_op(const struct vs_engine *e, const struct vs_host_spec *host, const struct vs_workload *wl,
                     enum vs_op_kind op, double count, double bytes, struct vs_trace_op *t)
{
    memset(t, 0, sizeof *t);
    t->op = op;
    t->count = count;
    struct vs_work w;
    vs_work_clear(&w);
    w.in_flight = 1;
    w.trace = &t->steps;
    vs_engine_price(e, host, wl, op, count, bytes, &w);
    t->cycles = vs_work_total_cycles(&w);
    t->delay_ns = w.delay_ns;
    memcpy(t->cat_cycles, w.cycles, sizeof t->cat_cycles);
    memcpy(t->events, w.events, sizeof t->events);
}

static int add_run(struct vs_trace_report *r, const char *name, const struct vs_workload *wl, enum vs_op_kind op,
                   struct vs_error *err)
{
    for (uint32_t k = 0; k < r->n_runs; k++)
        if (strcmp(r->runs[k].engine, name) == 0) return VS_OK;
    struct vs_engine e;
    bool opened;
    int rc = vs_engine_open_if_runs(name, &r->host, &e, &opened, r->skipped, sizeof r->skipped, err);
    if (rc != VS_OK || !opened) return rc;
    const struct vs_engine_ops *ops = e.ops;
    if (r->n_runs >= VS_MAX_ENGINES) {
        vs_engine_close(&e);
        return vs_error_set(err, VS_ERR_INPUT, NULL, 0, 0, "--approaches: at most %d approaches at once",
                            VS_MAX_ENGINES);
    }
    struct vs_trace_run *run = &r->runs[r->n_runs++];
    memset(run, 0, sizeof *run);
    snprintf(run->engine, sizeof run->engine, "%s", name);
    snprintf(run->approach, sizeof run->approach, "%s", ops->approach);
    if (!r->request) {
        trace_op(&e, &r->host, wl, op, 1, op_bytes(op), &run->ops[run->n_ops++]);
    } else {
        /* One mean request: every operation it counts, in the vocabulary's
         * order, each at its mean count per request. */
        const struct vs_request_spec *rq = &wl->request;
        for (int k = 0; k < VS_OP_COUNT; k++) {
            double n = k == VS_OP_INSTRUCTION ? vs_dist_mean(&rq->instructions) : rq->count[k];
            if (!(n > 0)) continue;
            double bytes = k == VS_OP_DISK_READ    ? rq->disk_read_bytes
                           : k == VS_OP_DISK_WRITE ? rq->disk_write_bytes
                           : k == VS_OP_NET_RX     ? rq->net_rx_bytes / n
                           : k == VS_OP_NET_TX     ? rq->net_tx_bytes / n
                                                   : 0;
            trace_op(&e, &r->host, wl, (enum vs_op_kind)k, n, bytes, &run->ops[run->n_ops++]);
        }
    }
    for (uint32_t o = 0; o < run->n_ops; o++) {
        run->cycles += run->ops[o].cycles;
        run->delay_ns += run->ops[o].delay_ns;
        for (int c = 0; c < VS_CAT_COUNT; c++) run->cat_cycles[c] += run->ops[o].cat_cycles[c];
    }
    vs_engine_close(&e);
    return VS_OK;
}

int vs_trace_run(const struct vs_trace_opts *o, struct vs_trace_report *out, struct vs_error *err)
{
    memset(out, 0, sizeof *out);
    int rc = vs_config_resolve_host(o->host ? o->host : "current", NULL, &out->host, err);
    if (rc != VS_OK) return rc;
    enum vs_op_kind op = VS_OP_SYSCALL;
    struct vs_workload wl;
    if (o->workload) {
        rc = vs_config_resolve_workload(o->workload, NULL, &wl, err);
        if (rc != VS_OK) return rc;
        out->request = true;
        snprintf(out->what, sizeof out->what, "%s", wl.name);
    } else {
        rc = vs_trace_parse_op(o->operation ? o->operation : "", &op, err);
        if (rc != VS_OK) return rc;
        /* The microbench's guest process: 64 MiB mapped, a 16 MiB working
         * set (the CR3 load's refill, fork's page-table copy). */
        vs_microbench_workload(VS_MB_SYSCALL, true, &wl);
        for (size_t k = 0; k < vs_trace_op_count(); k++)
            if (op_names[k].op == op) snprintf(out->what, sizeof out->what, "%s", op_names[k].label);
    }
    char list[1024];
    snprintf(list, sizeof list, "%s", o->approaches ? o->approaches : VS_TRACE_DEFAULT_APPROACHES);
    for (char *save = NULL, *t = strtok_r(list, ",", &save); t && rc == VS_OK; t = strtok_r(NULL, ",", &save)) {
        while (*t == ' ') t++;
        size_t len = strlen(t);
        while (len > 0 && t[len - 1] == ' ') t[--len] = '\0';
        if (*t) rc = add_run(out, t, &wl, op, err);
    }
    if (rc == VS_OK && out->n_runs == 0)
        rc = vs_error_set(err, VS_ERR_INPUT, NULL, 0, 0, "--approaches: none of them runs on host '%s' (%s)",
                          out->host.name, out->skipped);
    return rc;
}

int vs_trace_dominant(const struct vs_host_spec *host, const char *preset, const struct vs_workload *wl,
                      struct vs_trace_report *out, struct vs_error *err)
{
    memset(out, 0, sizeof *out);
    out->host = *host;
    out->request = true;
    int rc = add_run(out, preset, wl, VS_OP_SYSCALL, err);
    if (rc != VS_OK) return rc;
    if (out->n_runs == 0)
        return vs_error_set(err, VS_ERR_INPUT, NULL, 0, 0, "%s cannot run on host %s: %s", preset, host->name,
                            out->skipped);
    const struct vs_trace_run *run = &out->runs[0];
    int best = -1;
    for (uint32_t o = 0; o < run->n_ops; o++) {
        if (run->ops[o].op == VS_OP_INSTRUCTION && run->n_ops > 1) continue;
        if (best < 0 || run->ops[o].cycles > run->ops[best].cycles) best = (int)o;
    }
    if (best < 0) return vs_error_set(err, VS_ERR_INPUT, NULL, 0, 0, "workload %s has no operation", wl->name);
    enum vs_op_kind op = run->ops[best].op;
    double share = run->cycles > 0 ? 100 * run->ops[best].cycles / run->cycles : 0;
    const char *label = vs_op_name(op);
    for (size_t k = 0; k < vs_trace_op_count(); k++)
        if (op_names[k].op == op) label = op_names[k].label;
    memset(out, 0, sizeof *out);
    out->host = *host;
    rc = add_run(out, preset, wl, op, err);
    snprintf(out->what, sizeof out->what, "%.80s (%.0f%% of a %.40s request's CPU)", label, share, wl->name);
    return rc;
}
