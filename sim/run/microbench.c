/* `virtsim microbench` (see microbench.h): per-operation latency under each
 * approach, every figure measured by simulating a guest that performs the
 * operation, never by asking the engine for a price.
 *
 * A run is measured between two snapshots, so that what happens once (the
 * vCPU's first switch onto a core, the first client's start) is left out:
 * the mean latency of the requests completed between them is their exact
 * latency sum over their count (the histograms keep the exact sum). The
 * host's periodic timer is switched off in every run but the timer row's,
 * so that each row measures its operation alone and CPU-only rows are
 * deterministic. */
#include "virtsim/run/microbench.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "virtsim/core/units.h"
#include "virtsim/load/config.h"
#include "virtsim/model/engine.h"
#include "virtsim/out/json.h"
#include "virtsim/run/sim.h"

static const struct vs_mb_row_info rows[VS_MB_ROWS] = {
    [VS_MB_SYSCALL] = {"syscall", "null system call", VS_MB_PER_REQUEST, VS_OP_SYSCALL, 100},
    [VS_MB_CONTEXT_SWITCH] = {"context_switch", "context switch", VS_MB_PER_REQUEST, VS_OP_CONTEXT_SWITCH, 100},
    [VS_MB_FORK_EXEC] = {"fork_exec", "fork + exec", VS_MB_PER_REQUEST, VS_OP_PROCESS_CREATE, 10},
    [VS_MB_FORK] = {"fork", "fork (64 MiB parent)", VS_MB_PER_REQUEST, VS_OP_FORK, 10},
    [VS_MB_EXEC] = {"exec", "exec", VS_MB_PER_REQUEST, VS_OP_EXEC, 10},
    [VS_MB_PAGE_FAULT] = {"page_fault", "page fault", VS_MB_PER_REQUEST, VS_OP_PAGE_FAULT, 100},
    [VS_MB_TLB_MISS] = {"tlb_miss", "TLB miss", VS_MB_PER_REQUEST, VS_OP_TLB_MISS, 100},
    [VS_MB_PT_UPDATE] = {"pt_update", "PTE update", VS_MB_PER_REQUEST, VS_OP_PT_UPDATE, 100},
    [VS_MB_IRQ_FLAG] = {"irq_flag", "interrupt-flag change", VS_MB_PER_REQUEST, VS_OP_IRQ_FLAG, 100},
    [VS_MB_CR3_LOAD] = {"cr3_load", "CR3 load", VS_MB_PER_REQUEST, VS_OP_CR3_LOAD, 100},
    [VS_MB_PORT_IO] = {"port_io", "port I/O", VS_MB_PER_REQUEST, VS_OP_PORT_IO, 100},
    [VS_MB_EXITING_INSN] = {"exiting_insn", "exiting instruction", VS_MB_PER_REQUEST, VS_OP_EXITING_INSN, 100},
    [VS_MB_TIMER_IRQ] = {"timer_irq", "timer interrupt", VS_MB_TIMER, VS_OP_TIMER_IRQ, 0},
    [VS_MB_DISK_READ] = {"disk_read_4k", "4 KiB disk read", VS_MB_PER_REQUEST, VS_OP_DISK_READ, 1},
    [VS_MB_DISK_READ_HIT] = {"disk_read_4k_hit", "4 KiB read, page-cache hit", VS_MB_PER_REQUEST,
                             VS_OP_DISK_READ, 100},
    [VS_MB_NET_RTT] = {"net_round_trip", "network round trip", VS_MB_PER_REQUEST, VS_OP_NET_RX, 1},
    [VS_MB_CODE_LOAD] = {"code_translation", "code translation (once)", VS_MB_ONCE, VS_OP_CODE_LOAD, 0},
};

/* Requests measured (after the warm ones): CPU-only rows are deterministic,
 * rows with a device or the timer's whole ticks have a spread to average. */
#define WARM_REQUESTS 5
#define CPU_REQUESTS 200
#define DEVICE_REQUESTS 2000
#define TIMER_REQUESTS 400
/* A row's simulation stops here even if it has not measured enough. */
#define MAX_SIM_NS (INT64_C(3600) * VS_NS_PER_S)

const struct vs_mb_row_info *vs_mb_row_info(enum vs_mb_row row)
{
    return row < VS_MB_ROWS ? &rows[row] : NULL;
}

void vs_microbench_workload(enum vs_mb_row row, bool baseline, struct vs_workload *wl)
{
    const struct vs_mb_row_info *ri = &rows[row];
    memset(wl, 0, sizeof *wl);
    snprintf(wl->name, sizeof wl->name, "mb-%s%s", ri->name, baseline ? "-base" : "");
    snprintf(wl->description, sizeof wl->description, "microbench: %s%s", ri->label,
             baseline ? " (baseline)" : "");
    wl->load = (struct vs_load_spec){.kind = VS_LOAD_CLOSED, .clients = 1, .think_ns = {VS_DIST_CONSTANT, 0, 0}};
    struct vs_request_spec *rq = &wl->request;
    rq->instructions = (struct vs_dist){VS_DIST_CONSTANT, VS_MB_BASE_INSTRUCTIONS, 0};
    rq->cpi = 1.0;
    rq->mem_refs_per_instruction = 0.3;
    rq->disk_read_bytes = VS_MB_DISK_BYTES;
    rq->disk_write_bytes = VS_MB_DISK_BYTES;
    wl->memory.footprint_bytes = 64.0 * 1048576;
    wl->memory.working_set_bytes = 16.0 * 1048576;
    switch (ri->method) {
    case VS_MB_PER_REQUEST:
        if (baseline) break;
        rq->count[ri->op] = ri->per_request;
        /* A file set far smaller than any page cache (a VM's own, the
         * host's): every read hits. */
        if (row == VS_MB_DISK_READ_HIT) wl->memory.file_set_bytes = VS_MB_DISK_BYTES;
        if (row == VS_MB_NET_RTT) {
            /* A round trip: the request comes in as one packet, the reply leaves as one. */
            rq->count[VS_OP_NET_TX] = ri->per_request;
            rq->net_rx_bytes = VS_MB_PACKET_BYTES * ri->per_request;
            rq->net_tx_bytes = VS_MB_PACKET_BYTES * ri->per_request;
        }
        break;
    case VS_MB_TIMER:
        /* Long enough for several ticks per request at any tick rate in use. */
        rq->instructions.a = VS_MB_TIMER_INSTRUCTIONS;
        break;
    case VS_MB_ONCE:
        wl->load = (struct vs_load_spec){.kind = VS_LOAD_BATCH, .clients = 1, .total = 1};
        if (!baseline) wl->memory.code_bytes = VS_MB_CODE_BYTES;
        break;
    }
}

/* What one simulated run measured. */
struct measured {
    double mean_ns;                /* mean latency of the measured requests */
    double events[VS_EVT_COUNT];   /* per measured request */
    uint64_t requests;
    double completion_ns;          /* a batch: when it finished, from the guest's boot */
};

/* Runs one guest with workload wl under engine on host, closed loop: WARM
 * requests, then at least `target` more, measured between the two
 * snapshots. A batch runs until it finishes. */
static int simulate(const struct vs_host_spec *host, const char *engine, const struct vs_workload *wl,
                    uint64_t seed, uint64_t target, struct measured *m, struct vs_error *err)
{
    memset(m, 0, sizeof *m);
    struct vs_scenario *sc = calloc(1, sizeof *sc);
    if (!sc) return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    sc->hosts[0].spec = *host;
    sc->n_hosts = 1;
    struct vs_guest_spec *g = &sc->guests[0];
    snprintf(g->name, sizeof g->name, "bench");
    g->workload = *wl;
    g->count = 1;
    g->vcpus = 1;
    g->weight = 256;
    g->queue_limit = VS_DEFAULT_QUEUE_LIMIT;
    sc->n_guests = 1;
    snprintf(sc->name, sizeof sc->name, "microbench");
    snprintf(sc->file, sizeof sc->file, "microbench");
    sc->duration_ns = MAX_SIM_NS;
    sc->seed = seed;
    snprintf(sc->engines[0], VS_NAME_MAX, "%s", engine);
    sc->n_engines = 1;
    sc->max_events = 200000000;

    struct vs_sim *s = NULL;
    int rc = vs_sim_create(sc, engine, seed, &s, err);
    free(sc);
    if (rc != VS_OK) return rc;
    bool batch = wl->load.kind == VS_LOAD_BATCH, first = false, done = false;
    uint64_t count0 = 0;
    double sum0 = 0, events0[VS_EVT_COUNT] = {0};
    vs_time_ns step = VS_NS_PER_MS, at = vs_sim_booted(s);
    while (rc == VS_OK && !done) {
        if (vs_sim_done(s)) {
            rc = vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0,
                              "microbench: %s under %s measured too few requests in an hour of simulated time",
                              wl->name, engine);
            break;
        }
        at += step;
        if (step < 64 * VS_NS_PER_S) step *= 2;
        rc = vs_sim_advance(s, at, err);
        struct vs_run_result run;
        if (rc == VS_OK) rc = vs_sim_snapshot(s, &run, err);
        if (rc != VS_OK) break;
        const struct vs_guest_result *gr = &run.groups[0];
        double sum = gr->latency.mean_ns * (double)gr->latency.count;
        if (batch) {
            if (gr->completion_ns >= 0) {
                m->completion_ns = gr->completion_ns;
                m->mean_ns = gr->latency.mean_ns;
                m->requests = gr->latency.count;
                done = true;
            }
        } else if (!first && gr->latency.count >= WARM_REQUESTS) {
            first = true;
            count0 = gr->latency.count;
            sum0 = sum;
            memcpy(events0, gr->events, sizeof events0);
        } else if (first && gr->latency.count >= count0 + target) {
            m->requests = gr->latency.count - count0;
            m->mean_ns = (sum - sum0) / (double)m->requests;
            for (int e = 0; e < VS_EVT_COUNT; e++)
                m->events[e] = (gr->events[e] - events0[e]) / (double)m->requests;
            done = true;
        }
        vs_run_result_free(&run);
    }
    vs_sim_destroy(s);
    return rc;
}

static void set_events(struct vs_mb_cell *c, const struct measured *op, const struct measured *base, double per)
{
    c->vmexits = (op->events[VS_EVT_VMEXIT] - base->events[VS_EVT_VMEXIT]) / per;
    c->hypercalls = (op->events[VS_EVT_HYPERCALL] - base->events[VS_EVT_HYPERCALL]) / per;
    c->traps = (op->events[VS_EVT_TRAP] - base->events[VS_EVT_TRAP]) / per;
}

/* The per-request method: the operation's workload and its baseline, each
 * simulated; (mean request latency - baseline's) / n. */
static int measure_pair(const struct vs_host_spec *host, const char *engine, const struct vs_workload *wl,
                        const struct vs_workload *wb, double n, uint64_t seed, bool device,
                        struct vs_mb_cell *cell, double *baseline_ns, struct vs_error *err)
{
    struct measured op, base;
    int rc = simulate(host, engine, wb, seed, CPU_REQUESTS, &base, err);
    if (rc == VS_OK) rc = simulate(host, engine, wl, seed, device ? DEVICE_REQUESTS : CPU_REQUESTS, &op, err);
    if (rc != VS_OK) return rc;
    cell->latency_us = (op.mean_ns - base.mean_ns) / n / 1e3;
    cell->requests = op.requests;
    set_events(cell, &op, &base, n);
    if (baseline_ns) *baseline_ns = base.mean_ns;
    return VS_OK;
}

int vs_microbench_measure_workload(const struct vs_host_spec *host, const char *engine,
                                   const struct vs_workload *wl, const struct vs_workload *wb, double n,
                                   uint64_t seed, struct vs_mb_cell *cell, struct vs_error *err)
{
    *cell = (struct vs_mb_cell){.latency_us = NAN, .vmexits = NAN, .hypercalls = NAN, .traps = NAN};
    struct vs_host_spec quiet = *host;
    quiet.costs.value[VS_COST_TIMER_HZ] = 0;
    bool device = wl->request.count[VS_OP_DISK_READ] > 0 || wl->request.count[VS_OP_DISK_WRITE] > 0 ||
                  wl->request.count[VS_OP_NET_RX] > 0 || wl->request.count[VS_OP_NET_TX] > 0;
    return measure_pair(&quiet, engine, wl, wb, n, seed, device, cell, NULL, err);
}

int vs_microbench_measure(const struct vs_host_spec *host, const char *engine, enum vs_mb_row row,
                          uint64_t seed, struct vs_mb_cell *cell, double *baseline_ns, struct vs_error *err)
{
    const struct vs_mb_row_info *ri = &rows[row];
    *cell = (struct vs_mb_cell){.latency_us = NAN, .vmexits = NAN, .hypercalls = NAN, .traps = NAN};
    /* Every run but the timer row's "on" run has no periodic tick. */
    struct vs_host_spec quiet = *host;
    quiet.costs.value[VS_COST_TIMER_HZ] = 0;
    struct vs_workload wl, wb;
    vs_microbench_workload(row, false, &wl);
    vs_microbench_workload(row, true, &wb);
    struct measured op, base;
    int rc;
    switch (ri->method) {
    case VS_MB_PER_REQUEST:
        return measure_pair(&quiet, engine, &wl, &wb, ri->per_request, seed,
                            row == VS_MB_DISK_READ || row == VS_MB_NET_RTT, cell, baseline_ns, err);
    case VS_MB_TIMER: {
        double hz = vs_cost(&host->costs, VS_COST_TIMER_HZ);
        if (hz <= 0) return VS_OK; /* no periodic tick on this host: nothing to measure */
        rc = simulate(&quiet, engine, &wl, seed, TIMER_REQUESTS, &base, err);
        if (rc == VS_OK) rc = simulate(host, engine, &wl, seed, TIMER_REQUESTS, &op, err);
        if (rc != VS_OK) return rc;
        /* The simulator draws a request's ticks from the CPU time it takes
         * without them: the quiet run's latency, all of it CPU time. */
        double ticks = base.mean_ns * hz / 1e9;
        cell->latency_us = (op.mean_ns - base.mean_ns) / ticks / 1e3;
        cell->requests = op.requests;
        set_events(cell, &op, &base, ticks);
        return VS_OK;
    }
    case VS_MB_ONCE:
        /* From the guest's boot to the end of its one request, less that
         * request's own latency: the one-time work before the first request.
         * A translator of the workload's code (dbt) and one of the guest
         * kernel (bt) both show here; elsewhere the row does not apply. */
        rc = simulate(&quiet, engine, &wl, seed, 1, &op, err);
        if (rc != VS_OK) return rc;
        cell->requests = op.requests;
        if (op.completion_ns - op.mean_ns > 0) cell->latency_us = (op.completion_ns - op.mean_ns) / 1e3;
        return VS_OK;
    }
    return VS_OK;
}

/* Adds name to the presets to run, or notes why the host cannot run it. */
static int add_preset(struct vs_mb_results *r, const char *name, struct vs_error *err)
{
    const struct vs_engine_ops *ops;
    for (uint32_t k = 0; k < r->n_engines; k++)
        if (strcmp(r->engines[k], name) == 0) return VS_OK;
    struct vs_engine e;
    bool opened;
    int rc = vs_engine_open_if_runs(name, &r->host, &e, &opened, r->skipped, sizeof r->skipped, err);
    if (rc != VS_OK || !opened) return rc;
    ops = e.ops;
    vs_engine_close(&e);
    if (r->n_engines >= VS_MAX_ENGINES)
        return vs_error_set(err, VS_ERR_INPUT, NULL, 0, 0, "--approaches: at most %d approaches at once",
                            VS_MAX_ENGINES);
    snprintf(r->engines[r->n_engines], VS_NAME_MAX, "%s", name);
    snprintf(r->approaches[r->n_engines], VS_NAME_MAX, "%s", ops->approach);
    r->n_engines++;
    return VS_OK;
}

int vs_microbench_run(const struct vs_microbench_opts *o, struct vs_mb_results *out, struct vs_error *err)
{
    memset(out, 0, sizeof *out);
    out->seed = o->seed;
    int rc = vs_config_resolve_host(o->host ? o->host : "current", NULL, &out->host, err);
    if (rc != VS_OK) return rc;
    rc = add_preset(out, "native", err);
    char list[1024];
    snprintf(list, sizeof list, "%s", o->approaches ? o->approaches : VS_MB_DEFAULT_APPROACHES);
    for (char *save = NULL, *t = strtok_r(list, ",", &save); t && rc == VS_OK; t = strtok_r(NULL, ",", &save)) {
        while (*t == ' ') t++;
        size_t len = strlen(t);
        while (len > 0 && t[len - 1] == ' ') t[--len] = '\0';
        if (*t) rc = add_preset(out, t, err);
    }
    for (uint32_t k = 0; k < out->n_engines && rc == VS_OK; k++)
        for (int row = 0; row < VS_MB_ROWS && rc == VS_OK; row++) {
            double base = NAN;
            rc = vs_microbench_measure(&out->host, out->engines[k], (enum vs_mb_row)row, o->seed,
                                       &out->cells[k][row], &base, err);
            if (row == VS_MB_SYSCALL) out->baseline_ns[k] = base;
        }
    return rc;
}

/* ---- output ---- */

static const char *method_name(enum vs_mb_method m)
{
    switch (m) {
    case VS_MB_PER_REQUEST: return "per request minus baseline";
    case VS_MB_TIMER: return "timer on minus timer off, per tick";
    case VS_MB_ONCE: return "one-request batch: boot to completion minus the request";
    }
    return "";
}

/* A latency in microseconds with about four significant digits; "-" for NaN. */
static void format_us(double us, char *buf, size_t len)
{
    if (isnan(us))
        snprintf(buf, len, "-");
    else if (fabs(us) < 10)
        snprintf(buf, len, "%.3f", us);
    else if (fabs(us) < 100)
        snprintf(buf, len, "%.2f", us);
    else if (fabs(us) < 10000)
        snprintf(buf, len, "%.1f", us);
    else
        snprintf(buf, len, "%.0f", us);
}

static void write_table(FILE *f, const struct vs_mb_results *r)
{
    char a[32];
    fprintf(f, "microbench on host %s (%.2f GHz, IPC %.2f): latency of one operation in microseconds\n",
            r->host.name, r->host.cpu.frequency_hz / 1e9, r->host.cpu.ipc);
    fprintf(f, "each figure simulated: one guest performs the operation N times per request in a closed\n"
               "loop (one client, no think time); (request latency - baseline request latency) / N\n\n");
    fprintf(f, "%-26s %4s", "operation", "N");
    for (uint32_t k = 0; k < r->n_engines; k++) fprintf(f, " %11s", r->engines[k]);
    fprintf(f, "\n");
    for (int row = 0; row < VS_MB_ROWS; row++) {
        const struct vs_mb_row_info *ri = &rows[row];
        char n[16] = "";
        if (ri->method == VS_MB_PER_REQUEST) snprintf(n, sizeof n, "%u", ri->per_request);
        else snprintf(n, sizeof n, "%s", ri->method == VS_MB_TIMER ? "tick" : "once");
        fprintf(f, "%-26s %4s", ri->label, n);
        for (uint32_t k = 0; k < r->n_engines; k++) {
            char v[32];
            format_us(r->cells[k][row].latency_us, v, sizeof v);
            fprintf(f, " %11s", v);
        }
        fprintf(f, "\n");
    }
    fprintf(f, "%-26s %4s", "(baseline request)", "");
    for (uint32_t k = 0; k < r->n_engines; k++) {
        char v[32];
        format_us(r->baseline_ns[k] / 1e3, v, sizeof v);
        fprintf(f, " %11s", v);
    }
    fprintf(f, "\n\n");
    fprintf(f, "  fork + exec: the composite operation (approaches/expand.c). TLB miss: a 4 KiB-page walk.\n"
               "  timer interrupt: per tick, from a long computation with the host's %s tick on and off.\n"
               "  4 KiB disk read, network round trip (one %.0f-byte packet in, one out): device and wire\n"
               "  latency included. code translation: once per guest, before its first request (1 MiB of\n"
               "  workload code, or the guest kernel for bt); -: does not apply.\n"
               "  see docs/microbench.md\n",
               vs_units_format_rate(vs_cost(&r->host.costs, VS_COST_TIMER_HZ), a, sizeof a), VS_MB_PACKET_BYTES);
    if (r->skipped[0]) fprintf(f, "\nnot run on this host: %s\n", r->skipped);
}

static void csv_number(FILE *f, double v)
{
    char buf[32];
    vs_json_format_number(v, buf);
    fprintf(f, ",%s", buf);
}

static void write_csv(FILE *f, const struct vs_mb_results *r)
{
    fprintf(f, "host,preset,approach,operation,per_request,latency_us,vmexits_per_op,hypercalls_per_op,"
               "traps_per_op,requests\n");
    for (uint32_t k = 0; k < r->n_engines; k++)
        for (int row = 0; row < VS_MB_ROWS; row++) {
            const struct vs_mb_cell *c = &r->cells[k][row];
            fprintf(f, "%s,%s,%s,%s,%u", r->host.name, r->engines[k], r->approaches[k], rows[row].name,
                    rows[row].per_request);
            csv_number(f, c->latency_us);
            csv_number(f, c->vmexits);
            csv_number(f, c->hypercalls);
            csv_number(f, c->traps);
            fprintf(f, ",%llu\n", (unsigned long long)c->requests);
        }
}

static int write_json(FILE *f, const struct vs_mb_results *r, struct vs_error *err)
{
    struct vs_json w;
    vs_json_init(&w, f);
    vs_json_object_begin(&w, VS_JSON_BLOCK);
    vs_json_key_string(&w, "command", "microbench");
    vs_json_key_string(&w, "host", r->host.name);
    vs_json_key_number(&w, "frequency_hz", r->host.cpu.frequency_hz);
    vs_json_key_uint(&w, "seed", r->seed);
    vs_json_key_string(&w, "unit", "us");
    vs_json_key(&w, "operations");
    vs_json_array_begin(&w, VS_JSON_BLOCK);
    for (int row = 0; row < VS_MB_ROWS; row++) {
        vs_json_object_begin(&w, VS_JSON_INLINE);
        vs_json_key_string(&w, "operation", rows[row].name);
        vs_json_key_string(&w, "label", rows[row].label);
        vs_json_key_string(&w, "method", method_name(rows[row].method));
        vs_json_key_uint(&w, "per_request", rows[row].per_request);
        vs_json_object_end(&w);
    }
    vs_json_array_end(&w);
    vs_json_key(&w, "baselines");
    vs_json_array_begin(&w, VS_JSON_BLOCK);
    for (uint32_t k = 0; k < r->n_engines; k++) {
        vs_json_object_begin(&w, VS_JSON_INLINE);
        vs_json_key_string(&w, "preset", r->engines[k]);
        vs_json_key_number(&w, "request_ns", r->baseline_ns[k]);
        vs_json_object_end(&w);
    }
    vs_json_array_end(&w);
    vs_json_key(&w, "entries");
    vs_json_array_begin(&w, VS_JSON_BLOCK);
    for (uint32_t k = 0; k < r->n_engines; k++)
        for (int row = 0; row < VS_MB_ROWS; row++) {
            const struct vs_mb_cell *c = &r->cells[k][row];
            vs_json_object_begin(&w, VS_JSON_INLINE);
            vs_json_key_string(&w, "preset", r->engines[k]);
            vs_json_key_string(&w, "approach", r->approaches[k]);
            vs_json_key_string(&w, "operation", rows[row].name);
            vs_json_key_number(&w, "latency_us", c->latency_us);
            vs_json_key_number(&w, "vmexits_per_op", c->vmexits);
            vs_json_key_number(&w, "hypercalls_per_op", c->hypercalls);
            vs_json_key_number(&w, "traps_per_op", c->traps);
            vs_json_key_uint(&w, "requests", c->requests);
            vs_json_object_end(&w);
        }
    vs_json_array_end(&w);
    vs_json_key(&w, "not_run");
    vs_json_array_begin(&w, VS_JSON_INLINE);
    /* skipped is "name (why); name (why)": one string per preset. */
    char copy[sizeof r->skipped];
    snprintf(copy, sizeof copy, "%s", r->skipped);
    for (char *save = NULL, *t = strtok_r(copy, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
        while (*t == ' ') t++;
        vs_json_string(&w, t);
    }
    vs_json_array_end(&w);
    vs_json_object_end(&w);
    return vs_json_finish(&w, err);
}

int vs_microbench_write(FILE *f, const struct vs_mb_results *r, enum vs_report_format fmt, struct vs_error *err)
{
    if (fmt == VS_REPORT_JSON) return write_json(f, r, err);
    if (fmt == VS_REPORT_CSV)
        write_csv(f, r);
    else
        write_table(f, r);
    return ferror(f) ? vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "writing the output failed") : VS_OK;
}
