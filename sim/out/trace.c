/* `virtsim trace` output: the steps of an operation under each approach as a
 * table (for a terminal), CSV (one line per step) or JSON, from the report
 * run/trace.c fills. The swim-lane chart is drawn in chart.c. */
#include "virtsim/out/trace.h"

#include <math.h>
#include <string.h>

#include "virtsim/host/host.h"
#include "virtsim/out/json.h"

const char *vs_trace_place(enum vs_cpu_cat cat)
{
    switch (cat) {
    case VS_CAT_GUEST_USER: return "guest user";
    case VS_CAT_GUEST_KERNEL: return "guest kernel";
    case VS_CAT_TRANSLATION: return "translator/monitor";
    case VS_CAT_VMEXIT: return "hypervisor (exit)";
    case VS_CAT_HYPERCALL: return "hypervisor";
    case VS_CAT_DEVICE_MODEL: return "device model";
    case VS_CAT_PAGE_WALK: return "hardware";
    case VS_CAT_HOST_KERNEL: return "host kernel";
    case VS_CAT_IDLE: return "waiting";
    case VS_CAT_COUNT: break;
    }
    return "?";
}

static const char *step_place(const struct vs_step *st)
{
    return st->delay_ns > 0 ? "waiting" : vs_trace_place(st->cat);
}

static double ns_of(const struct vs_trace_report *r, double cycles) { return vs_cycles_to_ns(&r->host.cpu, cycles); }

/* "1,234,567" */
static void grouped(double v, char *buf, size_t len)
{
    char digits[48];
    snprintf(digits, sizeof digits, "%.0f", fabs(v));
    size_t n = strlen(digits), o = 0;
    if (v < 0 && o + 1 < len) buf[o++] = '-';
    for (size_t i = 0; i < n && o + 2 < len; i++) {
        if (i && (n - i) % 3 == 0) buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
}

/* A time in the unit that reads best. */
static void duration(double ns, char *buf, size_t len)
{
    if (ns >= 1e6) snprintf(buf, len, "%.3f ms", ns / 1e6);
    else if (ns >= 1e3) snprintf(buf, len, "%.3f us", ns / 1e3);
    else snprintf(buf, len, "%.1f ns", ns);
}

static void write_events(FILE *f, const double *events)
{
    static const enum vs_evt_kind shown[] = {VS_EVT_VMEXIT, VS_EVT_HYPERCALL, VS_EVT_TRAP};
    static const char *const label[] = {"VM exit", "hypercall", "trap"};
    bool any = false;
    for (size_t k = 0; k < sizeof shown / sizeof shown[0]; k++) {
        double n = events[shown[k]];
        if (!(n > 0)) continue;
        fprintf(f, "%s%g %s%s", any ? ", " : "; ", n < 100 ? round(n * 1000) / 1000 : round(n), label[k],
                n == 1 ? "" : "s");
        any = true;
    }
}

static void write_steps_table(FILE *f, const struct vs_trace_report *r, const struct vs_trace_op *op)
{
    fprintf(f, "  %3s  %-18s %12s %11s  %s\n", "#", "place", "cycles", "time", "step  [constant it is priced from]");
    const char *part = NULL;
    for (uint32_t i = 0; i < op->steps.n_steps; i++) {
        const struct vs_step *st = &op->steps.steps[i];
        if (st->part && (!part || strcmp(part, st->part) != 0)) {
            char cnt[48];
            grouped(st->part_count, cnt, sizeof cnt);
            fprintf(f, "       -- %s x %s\n", st->part, cnt);
        }
        part = st->part;
        char cyc[48], t[32];
        grouped(st->cycles, cyc, sizeof cyc);
        duration(st->delay_ns > 0 ? st->delay_ns : ns_of(r, st->cycles), t, sizeof t);
        fprintf(f, "  %3u  %-18s %12s %11s  %s", i + 1, step_place(st), st->delay_ns > 0 ? "-" : cyc, t, st->what);
        if (st->constant) fprintf(f, "  [%s]", st->constant);
        fputc('\n', f);
    }
    if (op->steps.dropped) fprintf(f, "       (%u more steps not listed; their cycles are in the total)\n", op->steps.dropped);
}

static void write_table(FILE *f, const struct vs_trace_report *r)
{
    if (r->request)
        fprintf(f, "trace: one request of workload %s on host %s (%.2f GHz), under each approach\n", r->what,
                r->host.name, r->host.cpu.frequency_hz / 1e9);
    else
        fprintf(f, "trace: one %s on host %s (%.2f GHz), step by step under each approach\n", r->what, r->host.name,
                r->host.cpu.frequency_hz / 1e9);
    fputs("(cycles and time on this host; place: where the step runs; constant: the host-profile key it is\n"
          " priced from, documented with its source in docs/cost-model.md; waiting: latency without CPU)\n",
          f);
    for (uint32_t k = 0; k < r->n_runs; k++) {
        const struct vs_trace_run *run = &r->runs[k];
        char cyc[48], t[32];
        grouped(run->cycles, cyc, sizeof cyc);
        duration(ns_of(r, run->cycles), t, sizeof t);
        fprintf(f, "\n%s (%s): %s cycles = %s of CPU", run->engine, run->approach, cyc, t);
        if (run->delay_ns > 0) {
            duration(run->delay_ns, t, sizeof t);
            fprintf(f, " + %s waiting", t);
        }
        if (!r->request) write_events(f, run->ops[0].events);
        fputc('\n', f);
        for (uint32_t o = 0; o < run->n_ops; o++) {
            const struct vs_trace_op *op = &run->ops[o];
            if (r->request) {
                char c2[48], t2[32];
                grouped(op->cycles, c2, sizeof c2);
                duration(ns_of(r, op->cycles) + op->delay_ns, t2, sizeof t2);
                fprintf(f, " %s x %g: %s cycles, %s", vs_op_name(op->op), round(op->count * 1000) / 1000, c2, t2);
                write_events(f, op->events);
                fputc('\n', f);
            }
            write_steps_table(f, r, op);
        }
        if (r->request) {
            fputs("  CPU by place:", f);
            for (int c = 0; c < VS_CAT_COUNT; c++) {
                if (!(run->cat_cycles[c] > 0)) continue;
                fprintf(f, "  %s %.1f%%", vs_trace_place((enum vs_cpu_cat)c), 100 * run->cat_cycles[c] / run->cycles);
            }
            fputc('\n', f);
        }
    }
    if (r->skipped[0]) fprintf(f, "\nnot run on this host: %s\n", r->skipped);
}

static void write_csv(FILE *f, const struct vs_trace_report *r)
{
    fputs("host,preset,approach,operation,count,step,part,part_count,place,category,what,cycles,ns,wait_ns,constant\n",
          f);
    for (uint32_t k = 0; k < r->n_runs; k++)
        for (uint32_t o = 0; o < r->runs[k].n_ops; o++) {
            const struct vs_trace_op *op = &r->runs[k].ops[o];
            for (uint32_t i = 0; i < op->steps.n_steps; i++) {
                const struct vs_step *st = &op->steps.steps[i];
                fprintf(f, "%s,%s,%s,%s,%.17g,%u,%s,%.17g,%s,%s,", r->host.name, r->runs[k].engine,
                        r->runs[k].approach, vs_op_name(op->op), op->count, i + 1, st->part ? st->part : "",
                        st->part ? st->part_count : 0, step_place(st), st->delay_ns > 0 ? "wait" : vs_cat_name(st->cat));
                vs_report_csv_field(f, st->what);
                fprintf(f, ",%.17g,%.17g,%.17g,", st->cycles, ns_of(r, st->cycles), st->delay_ns);
                vs_report_csv_field(f, st->constant ? st->constant : "");
                fputc('\n', f);
            }
        }
}

static void json_steps(struct vs_json *w, const struct vs_trace_report *r, const struct vs_trace_op *op)
{
    vs_json_key(w, "steps");
    vs_json_array_begin(w, VS_JSON_BLOCK);
    for (uint32_t i = 0; i < op->steps.n_steps; i++) {
        const struct vs_step *st = &op->steps.steps[i];
        vs_json_object_begin(w, VS_JSON_INLINE);
        vs_json_key_uint(w, "n", i + 1);
        vs_json_key_string(w, "place", step_place(st));
        vs_json_key_string(w, "category", st->delay_ns > 0 ? "wait" : vs_cat_name(st->cat));
        vs_json_key_string(w, "what", st->what);
        if (st->part) {
            vs_json_key_string(w, "part", st->part);
            vs_json_key_number(w, "part_count", st->part_count);
        }
        vs_json_key_number(w, "cycles", st->cycles);
        vs_json_key_number(w, "ns", ns_of(r, st->cycles));
        vs_json_key_number(w, "wait_ns", st->delay_ns);
        if (st->constant) vs_json_key_string(w, "constant", st->constant);
        else vs_json_key(w, "constant"), vs_json_null(w);
        vs_json_object_end(w);
    }
    vs_json_array_end(w);
    vs_json_key_uint(w, "steps_not_listed", op->steps.dropped);
}

static int write_json(FILE *f, const struct vs_trace_report *r, struct vs_error *err)
{
    struct vs_json w;
    vs_json_init(&w, f);
    vs_json_object_begin(&w, VS_JSON_BLOCK);
    vs_json_key_string(&w, "command", "trace");
    vs_json_key_string(&w, "host", r->host.name);
    vs_json_key_number(&w, "frequency_hz", r->host.cpu.frequency_hz);
    vs_json_key_string(&w, r->request ? "workload" : "operation", r->what);
    vs_json_key(&w, "runs");
    vs_json_array_begin(&w, VS_JSON_BLOCK);
    for (uint32_t k = 0; k < r->n_runs; k++) {
        const struct vs_trace_run *run = &r->runs[k];
        vs_json_object_begin(&w, VS_JSON_BLOCK);
        vs_json_key_string(&w, "preset", run->engine);
        vs_json_key_string(&w, "approach", run->approach);
        vs_json_key_number(&w, "cycles", run->cycles);
        vs_json_key_number(&w, "ns", ns_of(r, run->cycles));
        vs_json_key_number(&w, "wait_ns", run->delay_ns);
        vs_json_key(&w, "cycles_by_category");
        vs_json_object_begin(&w, VS_JSON_INLINE);
        for (int c = 0; c < VS_CAT_COUNT; c++)
            if (run->cat_cycles[c] > 0) vs_json_key_number(&w, vs_cat_name((enum vs_cpu_cat)c), run->cat_cycles[c]);
        vs_json_object_end(&w);
        vs_json_key(&w, "operations");
        vs_json_array_begin(&w, VS_JSON_BLOCK);
        for (uint32_t o = 0; o < run->n_ops; o++) {
            const struct vs_trace_op *op = &run->ops[o];
            vs_json_object_begin(&w, VS_JSON_BLOCK);
            vs_json_key_string(&w, "operation", vs_op_name(op->op));
            vs_json_key_number(&w, "count", op->count);
            vs_json_key_number(&w, "cycles", op->cycles);
            vs_json_key_number(&w, "wait_ns", op->delay_ns);
            vs_json_key(&w, "events");
            vs_json_object_begin(&w, VS_JSON_INLINE);
            for (int e = 0; e < VS_EVT_COUNT; e++)
                if (op->events[e] > 0) vs_json_key_number(&w, vs_evt_name((enum vs_evt_kind)e), op->events[e]);
            vs_json_object_end(&w);
            json_steps(&w, r, op);
            vs_json_object_end(&w);
        }
        vs_json_array_end(&w);
        vs_json_object_end(&w);
    }
    vs_json_array_end(&w);
    vs_json_key_string(&w, "not_run", r->skipped);
    vs_json_object_end(&w);
    return vs_json_finish(&w, err);
}

int vs_trace_write(FILE *f, const struct vs_trace_report *r, enum vs_report_format fmt, struct vs_error *err)
{
    switch (fmt) {
    case VS_REPORT_JSON: return write_json(f, r, err);
    case VS_REPORT_CSV: write_csv(f, r); break;
    default: write_table(f, r); break;
    }
    if (ferror(f)) return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "writing the trace failed");
    return VS_OK;
}
