/* Reports: the results structure as a table (for people), CSV and JSON (for
 * programs). The table rounds; CSV and JSON carry every figure at full
 * precision. Numbers are printed with the C locale's format (virtsim never
 * sets LC_NUMERIC), so output is byte-identical on every machine. */
#include "virtsim/out/report.h"
#include "virtsim/out/scores.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "virtsim/core/units.h"
#include "virtsim/out/json.h"

#ifndef VS_VERSION
#define VS_VERSION "dev"
#endif

int vs_report_parse_format(const char *name, enum vs_report_format *out)
{
    static const char *const names[] = {"table", "csv", "json"};
    for (int i = 0; i < 3; i++)
        if (strcmp(name, names[i]) == 0) {
            *out = (enum vs_report_format)i;
            return VS_OK;
        }
    return VS_ERR_INPUT;
}

static const char *disk_class_name(enum vs_disk_class c)
{
    return c == VS_DISK_HDD ? "hdd" : c == VS_DISK_SSD ? "ssd" : "nvme";
}

static double per_s(double count, vs_time_ns window_ns)
{
    return window_ns > 0 ? count * 1e9 / (double)window_ns : 0;
}

/* ---- table ---- */

/* Which categories any guest of the run used: only those get a column. */
static void used_categories(const struct vs_run_result *run, bool used[VS_CAT_COUNT])
{
    for (int c = 0; c < VS_CAT_COUNT; c++) used[c] = false;
    for (uint32_t g = 0; g < run->n_groups; g++)
        for (int c = 0; c < VS_CAT_COUNT; c++)
            if (c != VS_CAT_IDLE && run->groups[g].cpu_ns[c] > 0) used[c] = true;
}

static void used_events(const struct vs_run_result *run, bool used[VS_EVT_COUNT])
{
    for (int e = 0; e < VS_EVT_COUNT; e++) used[e] = false;
    for (uint32_t g = 0; g < run->n_groups; g++)
        for (int e = 0; e < VS_EVT_COUNT; e++)
            if (run->groups[g].events[e] > 0) used[e] = true;
}

static void throughput_cell(const struct vs_guest_result *g, char *buf, size_t len)
{
    char t[32];
    if (g->state == VS_GUEST_FAILED && g->failed_instances == g->instances)
        snprintf(buf, len, "failed");
    else if (g->batch && g->completion_ns >= 0)
        snprintf(buf, len, "done %s", vs_units_format_time(g->completion_ns, t, sizeof t));
    else if (g->batch)
        snprintf(buf, len, "%llu/%llu done", (unsigned long long)g->batch_done,
                 (unsigned long long)g->batch_total);
    else
        snprintf(buf, len, "%.1f/s", g->throughput_per_s);
}

/* A guest's share of the disk's capacity (all its parallel servers), so the
 * guests' shares add up to the host's disk utilisation. */
static double disk_share(const struct vs_run_result *run, double busy_ns)
{
    const struct vs_disk_spec *d = &run->host.spec.disk;
    double servers = d->device_class == VS_DISK_HDD || d->parallelism == 0 ? 1 : d->parallelism;
    return run->window_ns > 0 ? 100.0 * busy_ns / ((double)run->window_ns * servers) : 0.0;
}

/* Hosts shown one per line in the table; the rest are in CSV and JSON. */
#define TABLE_MAX_HOSTS 24

static void write_hosts(FILE *f, const struct vs_run_result *run)
{
    if (run->n_hosts <= 1) return;
    fprintf(f, "\n%-16s %6s %7s %21s %7s %8s %8s\n", "host", "guests", "cpu%", "memory used / total",
            "disk%", "nic rx%", "nic tx%");
    for (uint32_t k = 0; k < run->n_hosts && k < TABLE_MAX_HOSTS; k++) {
        const struct vs_host_result *h = &run->hosts[k];
        char used[32], total[32], both[48];
        snprintf(both, sizeof both, "%s / %s", vs_units_format_bytes(h->mem_used_bytes, used, sizeof used),
                 vs_units_format_bytes(h->mem_capacity_bytes, total, sizeof total));
        fprintf(f, "%-16.16s %6u %7.1f %21s %7.1f %8.1f %8.1f\n", h->name, h->guests, 100.0 * h->cpu_utilisation,
                both, 100.0 * h->disk_utilisation, 100.0 * h->nic_rx_utilisation, 100.0 * h->nic_tx_utilisation);
    }
    if (run->n_hosts > TABLE_MAX_HOSTS)
        fprintf(f, "... and %u more hosts (every host is in --format csv and json)\n",
                run->n_hosts - TABLE_MAX_HOSTS);
    fputs("  cpu%: busy share of the host's cores; memory used includes what the host itself reserves.\n", f);
}

static void write_links(FILE *f, const struct vs_run_result *run)
{
    if (run->n_links == 0) return;
    fprintf(f, "\n%-32s %12s %9s %9s %11s\n", "link", "bandwidth", "util ->", "util <-", "packets/s");
    for (uint32_t k = 0; k < run->n_links; k++) {
        const struct vs_link_result *l = &run->links[k];
        char bw[32], back[16];
        if (l->shared)
            snprintf(back, sizeof back, "%s", "shared");
        else
            snprintf(back, sizeof back, "%.1f", 100.0 * l->utilisation[1]);
        fprintf(f, "%-32.32s %12s %9.1f %9s %11.1f\n", l->name,
                vs_units_format_bitrate(l->bandwidth_bits_per_s, bw, sizeof bw), 100.0 * l->utilisation[0],
                back, per_s((double)l->packets, run->window_ns));
    }
    fputs("  util ->: from the first host named to the other; a switch has one medium for both.\n", f);
}

static void write_timeline(FILE *f, const struct vs_run_result *run)
{
    if (run->n_applied == 0) return;
    fputs("\ntimeline (times from the end of boot)\n", f);
    for (uint32_t k = 0; k < run->n_applied; k++) {
        const struct vs_applied_event *e = &run->applied[k];
        char t[32];
        fprintf(f, "  %10s  %s%s\n", vs_units_format_time((double)e->at_ns, t, sizeof t), e->ok ? "" : "REFUSED ",
                e->text);
    }
}

static void write_mobility(FILE *f, const struct vs_run_result *run)
{
    char a[32], b[32], c[32], d[32];
    if (run->n_migrations) {
        fputs("\nmigrations (times from the end of boot)\n", f);
        fprintf(f, "%-16s %-24s %-9s %9s %9s %9s %10s %6s %9s  %s\n", "guest", "from -> to", "method", "start",
                "total", "downtime", "sent", "rounds", "converged", "why the rounds stopped");
        for (uint32_t k = 0; k < run->n_migrations; k++) {
            const struct vs_migration_record *m = &run->migrations[k];
            char path[80];
            snprintf(path, sizeof path, "%.30s -> %.30s", m->from, m->to);
            fprintf(f, "%-16.16s %-24.24s %-9s %9s %9s %9s %10s %6u %9s  %s\n", m->guest, path, m->method,
                    vs_units_format_time((double)m->start_ns, a, sizeof a),
                    m->done ? vs_units_format_time((double)(m->end_ns - m->start_ns), b, sizeof b) : "going",
                    m->downtime_ns > 0 ? vs_units_format_time((double)m->downtime_ns, c, sizeof c) : "-",
                    vs_units_format_bytes(m->bytes_sent, d, sizeof d), m->rounds,
                    strcmp(m->method, "precopy") != 0 ? "-" : m->converged ? "yes" : "no", m->stop_reason);
        }
    }
    if (run->n_checkpoints) {
        fputs("\ncheckpoints and restores (times from the end of boot)\n", f);
        fprintf(f, "%-16s %-10s %-16s %-11s %9s %9s %9s %10s  %s\n", "guest", "kind", "where", "incremental", "start",
                "frozen", "total", "image", "neighbours' disk response: before -> during");
        for (uint32_t k = 0; k < run->n_checkpoints; k++) {
            const struct vs_checkpoint_record *p = &run->checkpoints[k];
            char e[32], g[32];
            fprintf(f, "%-16.16s %-10s %-16.16s %-11s %9s %9s %9s %10s  %s -> %s\n", p->guest, p->kind, p->where,
                    p->incremental ? "yes" : "no", vs_units_format_time((double)p->start_ns, a, sizeof a),
                    p->done ? vs_units_format_time((double)p->freeze_ns, b, sizeof b) : "going",
                    p->done ? vs_units_format_time((double)p->total_ns, c, sizeof c) : "going",
                    vs_units_format_bytes(p->image_bytes, d, sizeof d),
                    p->neighbours_disk_before_ns >= 0 ? vs_units_format_time(p->neighbours_disk_before_ns, e, sizeof e) : "-",
                    p->neighbours_disk_during_ns >= 0 ? vs_units_format_time(p->neighbours_disk_during_ns, g, sizeof g) : "-");
        }
    }
}

static void write_outages(FILE *f, const struct vs_run_result *run)
{
    if (!run->n_outages) return;
    char a[32], b[32], c[32];
    fputs("\noutages (times from the end of boot)\n", f);
    fprintf(f, "%-16s %-16s %-20s %9s %10s %12s %9s\n", "guest", "host", "cause", "down at", "served at",
            "time down", "lost");
    for (uint32_t k = 0; k < run->n_outages; k++) {
        const struct vs_outage_record *o = &run->outages[k];
        fprintf(f, "%-16.16s %-16.16s %-20s %9s %10s %12s %9llu\n", o->guest, o->host, o->cause,
                vs_units_format_time((double)o->start_ns, a, sizeof a),
                o->recovered_ns >= 0 ? vs_units_format_time((double)o->recovered_ns, b, sizeof b) : "still down",
                o->recovered_ns >= 0 ? vs_units_format_time((double)(o->recovered_ns - o->start_ns), c, sizeof c) : "-",
                (unsigned long long)o->lost_in_flight);
    }
    fputs("availability in the window (share of the time it served) and requests lost (in flight or arriving while "
          "down):\n",
          f);
    for (uint32_t i = 0; i < run->n_instances; i++) {
        const struct vs_guest_result *g = &run->instances[i];
        if (!g->outages && !(g->down_ns > 0)) continue;
        fprintf(f, "  %-16.16s %-16.16s %7.3f %%  lost %llu\n", g->name, g->host,
                run->window_ns > 0 ? 100 * (1 - g->down_ns / (double)run->window_ns) : 0.0,
                (unsigned long long)g->lost);
    }
}

/* Memory management (resources.memory): per instance and per host, only
 * when a guest has it. */
static void write_memory_mgmt(FILE *f, const struct vs_run_result *run)
{
    bool any = false;
    for (uint32_t i = 0; i < run->n_instances; i++) any |= run->instances[i].mm.managed;
    if (!any) return;
    char a[32], b[32], c[32], d[32], e[32], g2[32], k[32];
    fputs("\nmemory management (now; swap-ins, OOM kills and CPU in the window)\n", f);
    fprintf(f, "%-16s %10s %10s %10s %10s %10s %10s %9s %5s %10s\n", "guest", "allocated", "memory now", "resident",
            "shared", "ballooned", "swapped", "swap-ins", "OOM", "balloon cpu");
    for (uint32_t i = 0; i < run->n_instances; i++) {
        const struct vs_guest_result *g = &run->instances[i];
        if (!g->mm.managed) continue;
        fprintf(f, "%-16.16s %10s %10s %10s %10s %10s %10s %9llu %5llu %10s\n", g->name,
                vs_units_format_bytes(g->mm.allocated_bytes, a, sizeof a),
                g->mm.limit_bytes > 0 ? vs_units_format_bytes(g->mm.limit_bytes, b, sizeof b) : "-",
                vs_units_format_bytes(g->mm.resident_bytes, c, sizeof c),
                vs_units_format_bytes(g->mm.shared_bytes, d, sizeof d),
                vs_units_format_bytes(g->mm.ballooned_bytes, e, sizeof e),
                vs_units_format_bytes(g->mm.swapped_bytes, g2, sizeof g2), (unsigned long long)g->mm.swap_ins,
                (unsigned long long)g->mm.oom_kills, vs_units_format_time(g->mm.balloon_cpu_ns, k, sizeof k));
    }
    for (uint32_t i = 0; i < run->n_instances; i++) {
        const struct vs_guest_result *g = &run->instances[i];
        if (!g->mm.managed || g->mm.change_at_ns < 0) continue;
        if (g->mm.change_done_ns >= 0)
            fprintf(f, "  %s: memory set at %s took full effect at %s\n", g->name,
                    vs_units_format_time(g->mm.change_at_ns, a, sizeof a),
                    vs_units_format_time(g->mm.change_done_ns, b, sizeof b));
        else
            fprintf(f, "  %s: memory set at %s has not yet taken full effect\n", g->name,
                    vs_units_format_time(g->mm.change_at_ns, a, sizeof a));
    }
    for (uint32_t i = 0; i < run->n_groups; i++) {
        const struct vs_guest_result *g = &run->groups[i];
        if (g->mm.managed && g->mm.unavailable[0])
            fprintf(f, "  %s: asked for but not available: %s\n", g->name, g->mm.unavailable);
    }
    for (uint32_t i = 0; i < run->n_instances; i++) {
        const struct vs_guest_result *g = &run->instances[i];
        if (g->mm.managed && g->mm.oom_first_ns >= 0)
            fprintf(f, "  %s: first OOM kill at %s (its anonymous memory exceeds its limit)\n", g->name,
                    vs_units_format_time(g->mm.oom_first_ns, a, sizeof a));
    }
    for (uint32_t h = 0; h < run->n_hosts; h++) {
        const struct vs_host_result *hr = &run->hosts[h];
        if (!hr->mm.managed) continue;
        fprintf(f, "  host %s: %s allocated to guests on %s (overcommit %.2fx), %s resident; sharing saved %s, "
                "balloons hold %s, %s swapped; ksmd CPU %s\n",
                hr->name, vs_units_format_bytes(hr->mm.allocated_bytes, a, sizeof a),
                vs_units_format_bytes(hr->mem_capacity_bytes, b, sizeof b), hr->mm.overcommit_ratio,
                vs_units_format_bytes(hr->mm.resident_bytes, c, sizeof c),
                vs_units_format_bytes(hr->mm.shared_bytes, d, sizeof d),
                vs_units_format_bytes(hr->mm.ballooned_bytes, e, sizeof e),
                vs_units_format_bytes(hr->mm.swapped_bytes, g2, sizeof g2),
                vs_units_format_time(hr->mm.ksm_cpu_ns, k, sizeof k));
    }
}

static void write_table_run(FILE *f, const struct vs_run_result *run)
{
    char a[32], b[32], c[32], d[32];
    fprintf(f, "\n== %s (%s) ", run->engine, run->approach);
    for (size_t i = strlen(run->engine) + strlen(run->approach) + 7; i < 96; i++) fputc('=', f);
    fputc('\n', f);

    bool cats[VS_CAT_COUNT];
    used_categories(run, cats);
    fprintf(f, "%-12s %-14s %4s %15s %9s %9s %9s %7s", "guest", "workload", "n", "throughput",
            "mean", "p50", "p99", "cpu%");
    for (int k = 0; k < VS_CAT_COUNT; k++)
        if (cats[k]) fprintf(f, " %6s", vs_cat_label((enum vs_cpu_cat)k));
    fprintf(f, "\n");
    for (uint32_t i = 0; i < run->n_groups; i++) {
        const struct vs_guest_result *g = &run->groups[i];
        char tp[40];
        throughput_cell(g, tp, sizeof tp);
        double cpu = vs_guest_cpu_ns(g);
        fprintf(f, "%-12.12s %-14.14s %4u %15s %9s %9s %9s %7.1f", g->name, g->workload,
                g->instances, tp, vs_units_format_time(g->latency.mean_ns, a, sizeof a),
                vs_units_format_time((double)g->latency.p50_ns, b, sizeof b),
                vs_units_format_time((double)g->latency.p99_ns, c, sizeof c),
                run->window_ns > 0 ? 100.0 * cpu / (double)run->window_ns : 0.0);
        for (int k = 0; k < VS_CAT_COUNT; k++)
            if (cats[k]) fprintf(f, " %5.1f%%", cpu > 0 ? 100.0 * g->cpu_ns[k] / cpu : 0.0);
        fprintf(f, "\n");
    }
    fprintf(f, "  cpu%%: CPU time used, in %% of one core; the category columns split it.\n");

    /* Memory, I/O and anything that went wrong. */
    fprintf(f, "\n%-12s %10s %9s %10s %10s %11s %10s %10s %8s %8s\n", "guest", "memory", "start",
            "disk/s", "disk MB/s", "disk util%", "rx pkt/s", "tx pkt/s", "dropped", "failed");
    for (uint32_t i = 0; i < run->n_groups; i++) {
        const struct vs_guest_result *g = &run->groups[i];
        fprintf(f, "%-12.12s %10s %9s %10.1f %10.2f %11.1f %10.1f %10.1f %8llu %8u\n", g->name,
                vs_units_format_bytes(vs_mem_parts_total(&g->memory), a, sizeof a),
                vs_units_format_time((double)g->start_ns, b, sizeof b),
                per_s((double)g->disk_ops, run->window_ns),
                per_s((double)g->disk_bytes, run->window_ns) / 1e6,
                disk_share(run, g->disk_busy_ns),
                per_s((double)g->net_rx_packets, run->window_ns),
                per_s((double)g->net_tx_packets, run->window_ns), (unsigned long long)g->dropped,
                g->failed_instances);
    }

    bool evs[VS_EVT_COUNT];
    used_events(run, evs);
    fprintf(f, "\n%-12s", "events/s");
    for (int e = 0; e < VS_EVT_COUNT; e++)
        if (evs[e]) fprintf(f, " %12.12s", vs_evt_name((enum vs_evt_kind)e));
    fprintf(f, "\n");
    for (uint32_t i = 0; i < run->n_groups; i++) {
        const struct vs_guest_result *g = &run->groups[i];
        fprintf(f, "%-12.12s", g->name);
        for (int e = 0; e < VS_EVT_COUNT; e++)
            if (evs[e]) fprintf(f, " %12.0f", per_s(g->events[e], run->window_ns));
        fprintf(f, "\n");
    }

    const struct vs_host_result *h = &run->host;
    double host_total = 0;
    for (int k = 0; k < VS_CAT_COUNT; k++) host_total += h->cpu_ns_by_cat[k];
    fprintf(f, "\nhost  CPU %.1f %% busy (", 100.0 * h->cpu_utilisation);
    bool first = true;
    for (int k = 0; k < VS_CAT_COUNT; k++) {
        if (k == VS_CAT_IDLE || h->cpu_ns_by_cat[k] <= 0) continue;
        fprintf(f, "%s%s %.1f", first ? "" : ", ", vs_cat_label((enum vs_cpu_cat)k),
                host_total > 0 ? 100.0 * h->cpu_ns_by_cat[k] / host_total : 0.0);
        first = false;
    }
    fprintf(f, "%s), run queue %.2f, %.0f switches/s\n", first ? "idle" : "", h->runqueue_mean,
            per_s((double)h->context_switches, run->window_ns));
    fprintf(f, "      memory %s used, %s free of %s\n",
            vs_units_format_bytes(h->mem_used_bytes, a, sizeof a),
            vs_units_format_bytes(h->mem_free_bytes, b, sizeof b),
            vs_units_format_bytes(h->mem_capacity_bytes, c, sizeof c));
    fprintf(f, "      disk %.1f %% busy, queue %.2f, response %s; NIC rx %.1f %%, tx %.1f %%\n",
            100.0 * h->disk_utilisation, h->disk_queue_mean,
            vs_units_format_time(h->disk_response_mean_ns, d, sizeof d),
            100.0 * h->nic_rx_utilisation, 100.0 * h->nic_tx_utilisation);
    fprintf(f, "      %llu events, %s simulated, %s measured\n", (unsigned long long)run->events,
            vs_units_format_time((double)run->now_ns, a, sizeof a),
            vs_units_format_time((double)run->window_ns, b, sizeof b));
    write_hosts(f, run);
    write_links(f, run);
    write_timeline(f, run);
    write_mobility(f, run);
    write_outages(f, run);
    write_memory_mgmt(f, run);
}

/* A ratio cell: "1.41x +-0.02" (x: a cost, lower is better) or "0.93 +-0.01".
 * A ratio whose interval holds 1.00 is 1.00: noise is not a difference. */
static void ratio_cell(const struct vs_estimate *e, bool times, char *buf, size_t len)
{
    if (isnan(e->mean)) {
        snprintf(buf, len, "-");
        return;
    }
    double v = vs_estimate_holds(e, 1.0) ? 1.0 : e->mean;
    if (isnan(e->low))
        snprintf(buf, len, "%.2f%s", v, times ? "x" : "");
    else
        snprintf(buf, len, "%.2f%s %s%.2f", v, times ? "x" : "", "+-", (e->high - e->low) / 2);
}

static const char *load_name(enum vs_load_kind k)
{
    return k == VS_LOAD_OPEN ? "open" : k == VS_LOAD_CLOSED ? "closed" : "batch";
}

/* With several engines: each group's score against the baseline, the
 * figure that fits its load, with its interval over the replications. */
static void write_comparison(FILE *f, const struct vs_results *r)
{
    const struct vs_scores *s = &r->scores;
    if (!s->groups) return;
    const char *base = r->runs[s->baseline].engine;
    char head[160];
    if (s->reps > 1)
        snprintf(head, sizeof head, "== scores against %s: %u replications, 95 %% intervals ", base, s->reps);
    else
        snprintf(head, sizeof head, "== scores against %s (one replication: --reps N gives intervals) ", base);
    int n = fprintf(f, "\n%s", head);
    for (int i = n - 1; i < 96; i++) fputc('=', f);
    fprintf(f, "\n%-12s %-6s %-16s", "guest", "load", "score");
    for (uint32_t k = 0; k < r->n_runs; k++) fprintf(f, " %14.14s", r->runs[k].engine);
    fputc('\n', f);
    bool any_sat = false, any_cost = false;
    for (uint32_t g = 0; g < s->n_groups; g++) {
        const struct vs_guest_result *gb = &r->runs[s->baseline].groups[g];
        const struct vs_group_score *sb = vs_scores_at(s, s->baseline, g);
        /* Rows: the headline, then what a teacher asks next. */
        const char *rows[2];
        int n_rows = 0;
        if (sb->kind == VS_SCORE_COST) {
            rows[n_rows++] = "cpu per request";
            rows[n_rows++] = "p99 latency";
            any_cost = true;
        } else if (sb->kind == VS_SCORE_THROUGHPUT) {
            rows[n_rows++] = "throughput";
            rows[n_rows++] = "cpu per request";
        } else {
            rows[n_rows++] = "speed";
        }
        for (int row = 0; row < n_rows; row++) {
            fprintf(f, "%-12.12s %-6s %-16s", row ? "" : gb->name, row ? "" : load_name(gb->load), rows[row]);
            for (uint32_t k = 0; k < r->n_runs; k++) {
                const struct vs_group_score *sc = vs_scores_at(s, k, g);
                char cell[48];
                if (k == s->baseline)
                    snprintf(cell, sizeof cell, "1.00%s", strcmp(rows[row], "cpu per request") == 0 ||
                                                               strcmp(rows[row], "p99 latency") == 0 ? "x" : "");
                else if (strcmp(rows[row], "cpu per request") == 0)
                    ratio_cell(&sc->cost_ratio, true, cell, sizeof cell);
                else if (strcmp(rows[row], "p99 latency") == 0)
                    ratio_cell(&sc->p99_ratio, true, cell, sizeof cell);
                else
                    ratio_cell(&sc->score, false, cell, sizeof cell);
                if (sc->saturated && row == 0) {
                    size_t used = strlen(cell);
                    snprintf(cell + used, sizeof cell - used, "*");
                    any_sat = true;
                }
                fprintf(f, " %14s", cell);
            }
            fputc('\n', f);
        }
    }
    if (any_cost)
        fprintf(f, "  cpu per request, p99 latency: over %s's (1.40x = 40 %% more; lower is better). An open load\n"
                   "  below capacity completes the same requests under every engine: its throughput cannot differ.\n",
                base);
    fprintf(f, "  throughput (closed loops), speed (batch: %s's completion time over this one's): higher is better.\n",
            base);
    if (s->reps > 1) fputs("  A score whose interval holds 1.00 is printed as 1.00: the difference is noise.\n", f);
    if (any_sat)
        fputs("  *: could not carry its open load (drops, or under 97 % of arrivals completed): scored on throughput.\n",
              f);
}

static void write_table(FILE *f, const struct vs_results *r)
{
    char a[32], b[32], c[32];
    fprintf(f, "virtsim %s  scenario %s (seed %llu): %s simulated, warm-up %s\n", VS_VERSION,
            r->scenario, (unsigned long long)r->seed,
            vs_units_format_time((double)r->duration_ns, a, sizeof a),
            vs_units_format_time((double)r->warmup_ns, b, sizeof b));
    if (r->description[0]) fprintf(f, "%s\n", r->description);
    if (r->partial) {
        fputs("PARTIAL RESULTS: stopped (Ctrl-C) before the end; the figures cover the simulated time each\n"
              "engine reached (",
              f);
        for (uint32_t k = 0; k < r->n_runs; k++)
            fprintf(f, "%s%s %s", k ? ", " : "", r->runs[k].engine,
                    vs_units_format_time((double)r->runs[k].now_ns, a, sizeof a));
        fputs(r->n_runs ? "); engines not listed did not run; scores are over finished replications only.\n"
                        : "none ran).\n",
              f);
    }
    if (r->n_runs > 0) {
        const struct vs_host_spec *h = &r->runs[0].host.spec;
        fprintf(f, "host %s: %u cores @ %.2f GHz, %s memory, %s disk, %s NIC\n", h->name,
                h->cpu.cores, h->cpu.frequency_hz / 1e9,
                vs_units_format_bytes(h->memory_bytes, a, sizeof a), disk_class_name(h->disk.device_class),
                vs_units_format_bitrate(h->nic.bandwidth_bits_per_s, c, sizeof c));
    }
    for (uint32_t k = 0; k < r->n_runs; k++) write_table_run(f, &r->runs[k]);
    if (r->n_runs > 1) write_comparison(f, r);
}

/* ---- CSV ---- */

void vs_report_csv_field(FILE *f, const char *s)
{
    if (strpbrk(s, ",\"\n\r") == NULL) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* Full precision without noise digits, exactly as the JSON writes it (see
 * vs_json_format_number); a figure that is not a number is left blank. */
static void num(FILE *f, double v)
{
    char buf[32];
    if (vs_json_format_number(v, buf)) fputs(buf, f);
}

/* The host_* columns at the end of every row. */
#define CSV_HOST_COLUMNS 14

#define MOBILITY_COLUMNS ",from_host,to_host,method,start_s,total_s,downtime_s,bytes_sent,rounds,converged,freeze_s,image_bytes"
#define MOBILITY_EMPTY ",,,,,,,,,,,"

/* Memory-management columns: at the end of every row, only when a run of
 * the results has memory management (resources.memory), so files without
 * it keep their columns. */
#define MM_COLUMNS ",mem_allocated_bytes,mem_now_bytes,mem_resident_bytes,mem_shared_bytes,mem_ballooned_bytes," \
                   "mem_swapped_bytes,mem_swap_ins,mem_oom_kills,mem_overcommit_ratio"
#define MM_EMPTY ",,,,,,,,,"

static bool has_mm(const struct vs_results *r)
{
    for (uint32_t k = 0; k < r->n_runs; k++)
        for (uint32_t i = 0; i < r->runs[k].n_instances; i++)
            if (r->runs[k].instances[i].mm.managed) return true;
    return false;
}

static void csv_mm(FILE *f, const struct vs_results *r, const struct vs_mem_mgmt *mm, bool host)
{
    if (!has_mm(r)) return;
    if (!mm->managed) {
        fputs(MM_EMPTY, f);
        return;
    }
    const double v[] = {mm->allocated_bytes, mm->limit_bytes, mm->resident_bytes, mm->shared_bytes,
                        mm->ballooned_bytes, mm->swapped_bytes};
    for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
        fputc(',', f);
        if (k != 1 || !host) num(f, v[k]);
    }
    fprintf(f, ",%llu,%llu,", (unsigned long long)mm->swap_ins, (unsigned long long)mm->oom_kills);
    if (host) num(f, mm->overcommit_ratio);
}

static void csv_header(FILE *f, const struct vs_results *r)
{
    fputs("scenario,seed,engine,approach,level,guest,group,workload,state,instances,failed,vcpus,"
          "window_s,completed,dropped,throughput_per_s,completion_s,batch_done,batch_total,"
          "latency_mean_ns,latency_p50_ns,latency_p90_ns,latency_p99_ns,latency_p999_ns,"
          "latency_max_ns",
          f);
    for (int c = 0; c < VS_CAT_COUNT; c++) fprintf(f, ",cpu_%s_ns", vs_cat_name((enum vs_cpu_cat)c));
    fputs(",cpu_wait_ns", f);
    for (int e = 0; e < VS_EVT_COUNT; e++) fprintf(f, ",%s_per_s", vs_evt_name((enum vs_evt_kind)e));
    for (int p = 0; p < VS_MEM_PART_COUNT; p++)
        fprintf(f, ",memory_%s_bytes", vs_mem_part_name((enum vs_mem_part)p));
    fputs(",disk_ops,disk_bytes,disk_busy_ns,net_rx_packets,net_tx_packets,net_rx_bytes,"
          "net_tx_bytes,start_ns,host_cpu_utilisation,host_runqueue_mean,host_context_switches,"
          "host_mem_capacity_bytes,host_mem_used_bytes,host_mem_free_bytes,host_disk_utilisation,"
          "host_disk_queue_mean,host_disk_queue_max,host_disk_response_mean_ns,host_disk_ops,"
          "host_nic_rx_utilisation,host_nic_tx_utilisation,host_nic_queue_mean,host",
          f);
    /* Scores on group rows: the estimate and both bounds of its 95 % interval. */
    fputs(",reps,score_kind,saturated", f);
    static const char *const est[] = {"score", "cost_per_request_ns", "cost_ratio", "throughput_ratio", "p99_ratio"};
    for (size_t k = 0; k < sizeof est / sizeof est[0]; k++) fprintf(f, ",%s,%s_low,%s_high", est[k], est[k], est[k]);
    /* Migration and checkpoint rows (level migration, checkpoint, restore). */
    fputs(MOBILITY_COLUMNS, f);
    if (has_mm(r)) fputs(MM_COLUMNS, f);
    fputc('\n', f);
}

static void csv_prefix(FILE *f, const struct vs_results *r, const struct vs_run_result *run,
                       const char *level)
{
    vs_report_csv_field(f, r->scenario);
    fprintf(f, ",%llu,", (unsigned long long)r->seed);
    vs_report_csv_field(f, run->engine);
    fputc(',', f);
    vs_report_csv_field(f, run->approach);
    fprintf(f, ",%s,", level);
}

/* The score columns: blank on rows that have no score. */
#define CSV_SCORE_COLUMNS (3 + 5 * 3)

static void csv_estimate(FILE *f, const struct vs_estimate *e)
{
    fputc(',', f);
    if (!isnan(e->mean)) num(f, e->mean);
    fputc(',', f);
    if (!isnan(e->low)) num(f, e->low);
    fputc(',', f);
    if (!isnan(e->high)) num(f, e->high);
}

static void csv_score(FILE *f, const struct vs_results *r, const struct vs_group_score *sc)
{
    if (!sc) {
        for (int k = 0; k < CSV_SCORE_COLUMNS; k++) fputc(',', f);
        return;
    }
    fprintf(f, ",%u,", r->scores.reps);
    vs_report_csv_field(f, vs_score_kind_name(sc->kind));
    fprintf(f, ",%s", sc->saturated ? "true" : "false");
    csv_estimate(f, &sc->score);
    csv_estimate(f, &sc->cost_ns);
    csv_estimate(f, &sc->cost_ratio);
    csv_estimate(f, &sc->throughput_ratio);
    csv_estimate(f, &sc->p99_ratio);
}

static void csv_guest(FILE *f, const struct vs_results *r, const struct vs_run_result *run,
                      const struct vs_guest_result *g, const char *level, const struct vs_group_score *sc)
{
    csv_prefix(f, r, run, level);
    vs_report_csv_field(f, g->name);
    fputc(',', f);
    vs_report_csv_field(f, g->group);
    fputc(',', f);
    vs_report_csv_field(f, g->workload);
    fprintf(f, ",%s,%u,%u,%u,", vs_guest_state_name(g->state), g->instances, g->failed_instances,
            g->vcpus);
    num(f, (double)run->window_ns / 1e9);
    fprintf(f, ",%llu,%llu,", (unsigned long long)g->completed, (unsigned long long)g->dropped);
    num(f, g->throughput_per_s);
    fputc(',', f);
    if (g->completion_ns >= 0) num(f, g->completion_ns / 1e9);
    fprintf(f, ",%llu,%llu,", (unsigned long long)g->batch_done, (unsigned long long)g->batch_total);
    num(f, g->latency.mean_ns);
    fprintf(f, ",%lld,%lld,%lld,%lld,%lld", (long long)g->latency.p50_ns, (long long)g->latency.p90_ns,
            (long long)g->latency.p99_ns, (long long)g->latency.p999_ns, (long long)g->latency.max_ns);
    for (int c = 0; c < VS_CAT_COUNT; c++) {
        fputc(',', f);
        num(f, g->cpu_ns[c]);
    }
    fputc(',', f);
    num(f, g->cpu_wait_ns);
    for (int e = 0; e < VS_EVT_COUNT; e++) {
        fputc(',', f);
        num(f, per_s(g->events[e], run->window_ns));
    }
    for (int p = 0; p < VS_MEM_PART_COUNT; p++) {
        fputc(',', f);
        num(f, g->memory.bytes[p]);
    }
    fprintf(f, ",%llu,%llu,", (unsigned long long)g->disk_ops, (unsigned long long)g->disk_bytes);
    num(f, g->disk_busy_ns);
    fprintf(f, ",%llu,%llu,%llu,%llu,%lld", (unsigned long long)g->net_rx_packets,
            (unsigned long long)g->net_tx_packets, (unsigned long long)g->net_rx_bytes,
            (unsigned long long)g->net_tx_bytes, (long long)g->start_ns);
    for (int k = 0; k < CSV_HOST_COLUMNS; k++) fputc(',', f); /* blank on guest rows */
    fputc(',', f);
    vs_report_csv_field(f, g->host);
    csv_score(f, r, sc);
    fputs(MOBILITY_EMPTY, f);
    csv_mm(f, r, &g->mm, false);
    fputc('\n', f);
}

/* A host row: one per host, and with several hosts an all_hosts row too. */
static void csv_host(FILE *f, const struct vs_results *r, const struct vs_run_result *run,
                     const struct vs_host_result *h, const char *level)
{
    csv_prefix(f, r, run, level);
    vs_report_csv_field(f, h->spec.name);
    fputs(",,,,,,,", f);
    num(f, (double)run->window_ns / 1e9);
    /* completed .. latency_max_ns are guest figures */
    fputs(",,,,,,,,,,,,,", f);
    for (int c = 0; c < VS_CAT_COUNT; c++) {
        num(f, h->cpu_ns_by_cat[c]);
        fputc(',', f);
    }
    /* cpu_wait, events, memory parts, disk and net, start: guest figures */
    for (int k = 0; k < 1 + VS_EVT_COUNT + VS_MEM_PART_COUNT + 8; k++) fputc(',', f);
    num(f, h->cpu_utilisation);
    fputc(',', f);
    num(f, h->runqueue_mean);
    fprintf(f, ",%llu,", (unsigned long long)h->context_switches);
    num(f, h->mem_capacity_bytes);
    fputc(',', f);
    num(f, h->mem_used_bytes);
    fputc(',', f);
    num(f, h->mem_free_bytes);
    fputc(',', f);
    num(f, h->disk_utilisation);
    fputc(',', f);
    num(f, h->disk_queue_mean);
    fputc(',', f);
    num(f, h->disk_queue_max);
    fputc(',', f);
    num(f, h->disk_response_mean_ns);
    fprintf(f, ",%llu,", (unsigned long long)h->disk_ops);
    num(f, h->nic_rx_utilisation);
    fputc(',', f);
    num(f, h->nic_tx_utilisation);
    fputc(',', f);
    num(f, h->nic_queue_mean);
    fputc(',', f);
    vs_report_csv_field(f, h->name);
    csv_score(f, r, NULL);
    fputs(MOBILITY_EMPTY, f);
    csv_mm(f, r, &h->mm, true);
    fputc('\n', f);
}

/* A run stopped before its end ends with one row of level `partial`, its
 * other columns blank but the scenario and seed, so a program cannot take
 * partial figures for a finished run's. */
static void csv_partial(FILE *f, const struct vs_results *r)
{
    char *header = NULL;
    size_t len = 0, commas = 0;
    FILE *m = open_memstream(&header, &len);
    if (m) {
        csv_header(m, r);
        fclose(m);
    }
    for (size_t i = 0; header && i < len; i++) commas += header[i] == ',';
    free(header);
    vs_report_csv_field(f, r->scenario);
    fprintf(f, ",%llu,,,partial", (unsigned long long)r->seed);
    for (size_t i = 4; i < commas; i++) fputc(',', f);
    fputc('\n', f);
}

/* Migration and checkpoint rows: the guest, then only the mobility columns
 * (the 91 columns between are guest and host figures). */
#define CSV_BEFORE_MOBILITY 91

static void csv_mobility(FILE *f, const struct vs_results *r, const struct vs_run_result *run)
{
    for (uint32_t k = 0; k < run->n_migrations; k++) {
        const struct vs_migration_record *m = &run->migrations[k];
        csv_prefix(f, r, run, "migration");
        vs_report_csv_field(f, m->guest);
        for (int c = 0; c < CSV_BEFORE_MOBILITY; c++) fputc(',', f);
        fputc(',', f);
        vs_report_csv_field(f, m->from);
        fputc(',', f);
        vs_report_csv_field(f, m->to);
        fprintf(f, ",%s,", m->method);
        num(f, (double)m->start_ns / 1e9);
        fputc(',', f);
        if (m->done) num(f, (double)(m->end_ns - m->start_ns) / 1e9);
        fputc(',', f);
        num(f, (double)m->downtime_ns / 1e9);
        fputc(',', f);
        num(f, m->bytes_sent);
        fprintf(f, ",%u,%s,,", m->rounds, m->converged ? "true" : "false");
        if (has_mm(r)) fputs(MM_EMPTY, f);
        fputc('\n', f);
    }
    for (uint32_t k = 0; k < run->n_checkpoints; k++) {
        const struct vs_checkpoint_record *p = &run->checkpoints[k];
        csv_prefix(f, r, run, p->kind);
        vs_report_csv_field(f, p->guest);
        for (int c = 0; c < CSV_BEFORE_MOBILITY; c++) fputc(',', f);
        fputc(',', f);
        fputc(',', f);
        vs_report_csv_field(f, p->where);
        fputs(",,", f);
        num(f, (double)p->start_ns / 1e9);
        fputc(',', f);
        if (p->done) num(f, (double)p->total_ns / 1e9);
        fputs(",,,,,", f);
        if (p->done) num(f, (double)p->freeze_ns / 1e9);
        fputc(',', f);
        num(f, p->image_bytes);
        if (has_mm(r)) fputs(MM_EMPTY, f);
        fputc('\n', f);
    }
}

static void write_csv(FILE *f, const struct vs_results *r)
{
    csv_header(f, r);
    for (uint32_t k = 0; k < r->n_runs; k++) {
        const struct vs_run_result *run = &r->runs[k];
        for (uint32_t i = 0; i < run->n_groups; i++)
            csv_guest(f, r, run, &run->groups[i], "group", vs_scores_at(&r->scores, k, i));
        for (uint32_t i = 0; i < run->n_instances; i++)
            csv_guest(f, r, run, &run->instances[i], "instance", NULL);
        if (run->n_hosts > 1) {
            for (uint32_t h = 0; h < run->n_hosts; h++) csv_host(f, r, run, &run->hosts[h], "host");
            csv_host(f, r, run, &run->host, "all_hosts");
        } else {
            csv_host(f, r, run, &run->host, "host");
        }
        csv_mobility(f, r, run);
    }
    if (r->partial) csv_partial(f, r);
}

/* ---- JSON ---- */

/* One object per category, event kind or memory part, on one line. */
static void json_cpu(struct vs_json *w, const char *key, const double ns[VS_CAT_COUNT])
{
    vs_json_key(w, key);
    vs_json_object_begin(w, VS_JSON_INLINE);
    for (int c = 0; c < VS_CAT_COUNT; c++) vs_json_key_number(w, vs_cat_name((enum vs_cpu_cat)c), ns[c]);
    vs_json_object_end(w);
}

static void json_estimate(struct vs_json *w, const char *key, const struct vs_estimate *e)
{
    vs_json_key(w, key);
    vs_json_object_begin(w, VS_JSON_INLINE);
    vs_json_key_number(w, "mean", e->mean);
    vs_json_key_number(w, "low", e->low);
    vs_json_key_number(w, "high", e->high);
    vs_json_object_end(w);
}

static void json_score(struct vs_json *w, const struct vs_results *r, const struct vs_group_score *sc)
{
    vs_json_key(w, "score");
    vs_json_object_begin(w, VS_JSON_BLOCK);
    vs_json_key_uint(w, "reps", r->scores.reps);
    vs_json_key_string(w, "baseline", r->runs[r->scores.baseline].engine);
    vs_json_key_string(w, "kind", vs_score_kind_name(sc->kind));
    vs_json_key_bool(w, "saturated", sc->saturated);
    json_estimate(w, "score", &sc->score);
    json_estimate(w, "cost_per_request_ns", &sc->cost_ns);
    json_estimate(w, "cost_ratio", &sc->cost_ratio);
    json_estimate(w, "throughput_per_s", &sc->throughput_per_s);
    json_estimate(w, "throughput_ratio", &sc->throughput_ratio);
    json_estimate(w, "p50_ns", &sc->p50_ns);
    json_estimate(w, "p99_ns", &sc->p99_ns);
    json_estimate(w, "p99_ratio", &sc->p99_ratio);
    json_estimate(w, "completion_ns", &sc->completion_ns);
    vs_json_object_end(w);
}

/* "memory_management": only for guests and hosts that have it, so runs
 * without resources.memory keep their output. */
static void json_mm(struct vs_json *w, const struct vs_mem_mgmt *mm, bool host)
{
    if (!mm->managed) return;
    vs_json_key(w, "memory_management");
    vs_json_object_begin(w, VS_JSON_INLINE);
    vs_json_key_number(w, "allocated_bytes", mm->allocated_bytes);
    if (!host) vs_json_key_number(w, "memory_now_bytes", mm->limit_bytes);
    vs_json_key_number(w, "resident_bytes", mm->resident_bytes);
    vs_json_key_number(w, "shared_bytes", mm->shared_bytes);
    vs_json_key_number(w, "ballooned_bytes", mm->ballooned_bytes);
    vs_json_key_number(w, "swapped_bytes", mm->swapped_bytes);
    vs_json_key_uint(w, "swap_ins", mm->swap_ins);
    vs_json_key_uint(w, "oom_kills", mm->oom_kills);
    vs_json_key_number(w, "balloon_cpu_ns", mm->balloon_cpu_ns);
    if (!host && mm->unavailable[0]) vs_json_key_string(w, "unavailable", mm->unavailable);
    if (host) {
        vs_json_key_number(w, "overcommit_ratio", mm->overcommit_ratio);
        vs_json_key_number(w, "ksm_cpu_ns", mm->ksm_cpu_ns);
    } else {
        vs_json_key_number(w, "first_oom_kill_ns", mm->oom_first_ns >= 0 ? mm->oom_first_ns : NAN);
        vs_json_key_number(w, "change_at_ns", mm->change_at_ns >= 0 ? mm->change_at_ns : NAN);
        vs_json_key_number(w, "change_done_ns", mm->change_done_ns >= 0 ? mm->change_done_ns : NAN);
    }
    vs_json_object_end(w);
}

static void json_guest(struct vs_json *w, const struct vs_results *r, const struct vs_guest_result *g,
                       vs_time_ns window_ns, const struct vs_group_score *sc)
{
    vs_json_object_begin(w, VS_JSON_BLOCK);
    vs_json_key_string(w, "name", g->name);
    vs_json_key_string(w, "group", g->group);
    vs_json_key_string(w, "workload", g->workload);
    vs_json_key_string(w, "host", g->host);
    vs_json_key_string(w, "load", g->load == VS_LOAD_OPEN ? "open" : g->load == VS_LOAD_CLOSED ? "closed" : "batch");
    vs_json_key_string(w, "state", vs_guest_state_name(g->state));
    vs_json_key_uint(w, "instances", g->instances);
    vs_json_key_uint(w, "failed_instances", g->failed_instances);
    /* Faults: the share of the window it served (per instance on average
     * for a group), requests lost, outages. */
    vs_json_key_number(w, "availability",
                       window_ns > 0 ? 1 - g->down_ns / ((double)window_ns * (g->instances ? g->instances : 1)) : NAN);
    vs_json_key_uint(w, "lost_requests", g->lost);
    vs_json_key_uint(w, "outages", g->outages);
    json_mm(w, &g->mm, false);
    vs_json_key_uint(w, "vcpus", g->vcpus);
    vs_json_key_bool(w, "batch", g->batch);
    vs_json_key_uint(w, "completed", g->completed);
    vs_json_key_uint(w, "dropped", g->dropped);
    vs_json_key_number(w, "throughput_per_s", g->throughput_per_s);
    /* A batch that has not finished (or a service) has no completion time. */
    vs_json_key_number(w, "completion_ns", g->completion_ns >= 0 ? g->completion_ns : NAN);
    vs_json_key_uint(w, "batch_done", g->batch_done);
    vs_json_key_uint(w, "batch_total", g->batch_total);
    vs_json_key(w, "latency_ns");
    vs_json_object_begin(w, VS_JSON_INLINE);
    vs_json_key_uint(w, "count", g->latency.count);
    vs_json_key_number(w, "mean", g->latency.mean_ns);
    vs_json_key_int(w, "p50", g->latency.p50_ns);
    vs_json_key_int(w, "p90", g->latency.p90_ns);
    vs_json_key_int(w, "p99", g->latency.p99_ns);
    vs_json_key_int(w, "p999", g->latency.p999_ns);
    vs_json_key_int(w, "max", g->latency.max_ns);
    vs_json_object_end(w);
    json_cpu(w, "cpu_ns", g->cpu_ns);
    vs_json_key_number(w, "cpu_wait_ns", g->cpu_wait_ns);
    vs_json_key(w, "events_per_s");
    vs_json_object_begin(w, VS_JSON_INLINE);
    for (int e = 0; e < VS_EVT_COUNT; e++)
        vs_json_key_number(w, vs_evt_name((enum vs_evt_kind)e), per_s(g->events[e], window_ns));
    vs_json_object_end(w);
    vs_json_key(w, "memory_bytes");
    vs_json_object_begin(w, VS_JSON_INLINE);
    for (int p = 0; p < VS_MEM_PART_COUNT; p++)
        vs_json_key_number(w, vs_mem_part_name((enum vs_mem_part)p), g->memory.bytes[p]);
    vs_json_object_end(w);
    vs_json_key(w, "disk");
    vs_json_object_begin(w, VS_JSON_INLINE);
    vs_json_key_uint(w, "ops", g->disk_ops);
    vs_json_key_uint(w, "bytes", g->disk_bytes);
    vs_json_key_number(w, "busy_ns", g->disk_busy_ns);
    vs_json_object_end(w);
    vs_json_key(w, "net");
    vs_json_object_begin(w, VS_JSON_INLINE);
    vs_json_key_uint(w, "rx_packets", g->net_rx_packets);
    vs_json_key_uint(w, "tx_packets", g->net_tx_packets);
    vs_json_key_uint(w, "rx_bytes", g->net_rx_bytes);
    vs_json_key_uint(w, "tx_bytes", g->net_tx_bytes);
    vs_json_object_end(w);
    vs_json_key_int(w, "start_ns", g->start_ns);
    if (sc) json_score(w, r, sc);
    vs_json_object_end(w);
}

/* one_host: an entry of "hosts" (named by the host, with its profile and
 * guests) rather than the run's "host" (all hosts together). */
static void json_host(struct vs_json *w, const struct vs_host_result *h, bool one_host)
{
    const struct vs_host_spec *s = &h->spec;
    vs_json_object_begin(w, VS_JSON_BLOCK);
    vs_json_key_string(w, "name", one_host ? h->name : s->name);
    if (one_host) vs_json_key_string(w, "profile", s->name);
    vs_json_key_uint(w, "guests", h->guests);
    vs_json_key_uint(w, "cores", s->cpu.cores);
    vs_json_key_number(w, "frequency_hz", s->cpu.frequency_hz);
    vs_json_key_string(w, "disk_class", disk_class_name(s->disk.device_class));
    vs_json_key_number(w, "nic_bits_per_s", s->nic.bandwidth_bits_per_s);
    vs_json_key_number(w, "cpu_utilisation", h->cpu_utilisation);
    json_cpu(w, "cpu_ns", h->cpu_ns_by_cat);
    vs_json_key_number(w, "runqueue_mean", h->runqueue_mean);
    vs_json_key_uint(w, "context_switches", h->context_switches);
    vs_json_key(w, "memory_bytes");
    vs_json_object_begin(w, VS_JSON_INLINE);
    vs_json_key_number(w, "capacity", h->mem_capacity_bytes);
    vs_json_key_number(w, "used", h->mem_used_bytes);
    vs_json_key_number(w, "free", h->mem_free_bytes);
    vs_json_object_end(w);
    json_mm(w, &h->mm, true);
    vs_json_key(w, "disk");
    vs_json_object_begin(w, VS_JSON_INLINE);
    vs_json_key_number(w, "utilisation", h->disk_utilisation);
    vs_json_key_number(w, "queue_mean", h->disk_queue_mean);
    vs_json_key_number(w, "queue_max", h->disk_queue_max);
    vs_json_key_number(w, "response_mean_ns", h->disk_response_mean_ns);
    vs_json_key_uint(w, "ops", h->disk_ops);
    vs_json_object_end(w);
    vs_json_key(w, "nic");
    vs_json_object_begin(w, VS_JSON_INLINE);
    vs_json_key_number(w, "rx_utilisation", h->nic_rx_utilisation);
    vs_json_key_number(w, "tx_utilisation", h->nic_tx_utilisation);
    vs_json_key_number(w, "queue_mean", h->nic_queue_mean);
    vs_json_object_end(w);
    vs_json_object_end(w);
}

void vs_report_json(struct vs_json *w, const struct vs_results *r)
{
    vs_json_object_begin(w, VS_JSON_BLOCK);
    vs_json_key_string(w, "virtsim", VS_VERSION);
    vs_json_key_string(w, "scenario", r->scenario);
    vs_json_key_string(w, "description", r->description);
    vs_json_key_uint(w, "seed", r->seed);
    vs_json_key_int(w, "duration_ns", r->duration_ns);
    vs_json_key_int(w, "warmup_ns", r->warmup_ns);
    /* Only a stopped run has the key, so finished runs' JSON is unchanged. */
    if (r->partial) vs_json_key_bool(w, "partial", true);
    vs_json_key(w, "runs");
    vs_json_array_begin(w, VS_JSON_BLOCK);
    for (uint32_t k = 0; k < r->n_runs; k++) {
        const struct vs_run_result *run = &r->runs[k];
        vs_json_object_begin(w, VS_JSON_BLOCK);
        vs_json_key_string(w, "engine", run->engine);
        vs_json_key_string(w, "approach", run->approach);
        vs_json_key_int(w, "now_ns", run->now_ns);
        vs_json_key_int(w, "window_ns", run->window_ns);
        vs_json_key_uint(w, "events", run->events);
        vs_json_key(w, "host");
        json_host(w, &run->host, false);
        vs_json_key(w, "hosts");
        vs_json_array_begin(w, VS_JSON_BLOCK);
        for (uint32_t h = 0; h < run->n_hosts; h++) json_host(w, &run->hosts[h], true);
        vs_json_array_end(w);
        vs_json_key(w, "links");
        vs_json_array_begin(w, VS_JSON_BLOCK);
        for (uint32_t l = 0; l < run->n_links; l++) {
            const struct vs_link_result *lk = &run->links[l];
            vs_json_object_begin(w, VS_JSON_INLINE);
            vs_json_key_string(w, "name", lk->name);
            vs_json_key_bool(w, "shared", lk->shared);
            vs_json_key_number(w, "bandwidth_bits_per_s", lk->bandwidth_bits_per_s);
            vs_json_key_number(w, "utilisation_forward", lk->utilisation[0]);
            vs_json_key_number(w, "utilisation_back", lk->shared ? NAN : lk->utilisation[1]);
            vs_json_key_number(w, "queue_mean", lk->queue_mean);
            vs_json_key_uint(w, "packets", lk->packets);
            vs_json_key_uint(w, "bytes", lk->bytes);
            vs_json_object_end(w);
        }
        vs_json_array_end(w);
        vs_json_key(w, "components");
        vs_json_array_begin(w, VS_JSON_BLOCK);
        for (uint32_t f = 0; f < run->n_figures; f++) {
            vs_json_object_begin(w, VS_JSON_INLINE);
            vs_json_key_string(w, "component", run->figures[f].component);
            vs_json_key_string(w, "name", run->figures[f].name);
            vs_json_key_number(w, "value", run->figures[f].value);
            vs_json_object_end(w);
        }
        vs_json_array_end(w);
        vs_json_key(w, "timeline");
        vs_json_array_begin(w, VS_JSON_BLOCK);
        for (uint32_t e = 0; e < run->n_applied; e++) {
            vs_json_object_begin(w, VS_JSON_INLINE);
            vs_json_key_int(w, "at_ns", run->applied[e].at_ns);
            vs_json_key_bool(w, "ok", run->applied[e].ok);
            vs_json_key_string(w, "event", run->applied[e].text);
            vs_json_object_end(w);
        }
        vs_json_array_end(w);
        vs_json_key(w, "migrations");
        vs_json_array_begin(w, VS_JSON_BLOCK);
        for (uint32_t m = 0; m < run->n_migrations; m++) {
            const struct vs_migration_record *mg = &run->migrations[m];
            vs_json_object_begin(w, VS_JSON_INLINE);
            vs_json_key_string(w, "guest", mg->guest);
            vs_json_key_string(w, "from", mg->from);
            vs_json_key_string(w, "to", mg->to);
            vs_json_key_string(w, "method", mg->method);
            vs_json_key_number(w, "start_s", (double)mg->start_ns / 1e9);
            vs_json_key_number(w, "total_s", mg->done ? (double)(mg->end_ns - mg->start_ns) / 1e9 : NAN);
            vs_json_key_number(w, "downtime_s", (double)mg->downtime_ns / 1e9);
            vs_json_key_number(w, "bytes_sent", mg->bytes_sent);
            vs_json_key_uint(w, "rounds", mg->rounds);
            vs_json_key_bool(w, "converged", mg->converged);
            vs_json_key_bool(w, "done", mg->done);
            vs_json_key_number(w, "throttle_min", mg->throttle_min);
            vs_json_key_number(w, "remote_faults", mg->remote_faults);
            vs_json_key_number(w, "dirty_tracking_cycles", mg->dirty_tracking_cycles);
            vs_json_key_string(w, "stop_reason", mg->stop_reason);
            vs_json_object_end(w);
        }
        vs_json_array_end(w);
        vs_json_key(w, "outages");
        vs_json_array_begin(w, VS_JSON_BLOCK);
        for (uint32_t o = 0; o < run->n_outages; o++) {
            const struct vs_outage_record *ou = &run->outages[o];
            vs_json_object_begin(w, VS_JSON_INLINE);
            vs_json_key_string(w, "guest", ou->guest);
            vs_json_key_string(w, "host", ou->host);
            vs_json_key_string(w, "cause", ou->cause);
            vs_json_key_number(w, "down_at_s", (double)ou->start_ns / 1e9);
            vs_json_key_number(w, "served_again_s", ou->recovered_ns >= 0 ? (double)ou->recovered_ns / 1e9 : NAN);
            vs_json_key_number(w, "time_to_recover_s",
                               ou->recovered_ns >= 0 ? (double)(ou->recovered_ns - ou->start_ns) / 1e9 : NAN);
            vs_json_key_uint(w, "lost_in_flight", ou->lost_in_flight);
            vs_json_object_end(w);
        }
        vs_json_array_end(w);
        vs_json_key(w, "checkpoints");
        vs_json_array_begin(w, VS_JSON_BLOCK);
        for (uint32_t c = 0; c < run->n_checkpoints; c++) {
            const struct vs_checkpoint_record *cp = &run->checkpoints[c];
            vs_json_object_begin(w, VS_JSON_INLINE);
            vs_json_key_string(w, "guest", cp->guest);
            vs_json_key_string(w, "kind", cp->kind);
            vs_json_key_string(w, "where", cp->where);
            vs_json_key_bool(w, "incremental", cp->incremental);
            vs_json_key_number(w, "start_s", (double)cp->start_ns / 1e9);
            vs_json_key_number(w, "freeze_s", cp->done ? (double)cp->freeze_ns / 1e9 : NAN);
            vs_json_key_number(w, "total_s", cp->done ? (double)cp->total_ns / 1e9 : NAN);
            vs_json_key_number(w, "image_bytes", cp->image_bytes);
            vs_json_key_bool(w, "done", cp->done);
            vs_json_key_number(w, "neighbours_disk_response_before_s",
                               cp->neighbours_disk_before_ns >= 0 ? cp->neighbours_disk_before_ns / 1e9 : NAN);
            vs_json_key_number(w, "neighbours_disk_response_during_s",
                               cp->neighbours_disk_during_ns >= 0 ? cp->neighbours_disk_during_ns / 1e9 : NAN);
            vs_json_object_end(w);
        }
        vs_json_array_end(w);
        vs_json_key(w, "groups");
        vs_json_array_begin(w, VS_JSON_BLOCK);
        for (uint32_t i = 0; i < run->n_groups; i++)
            json_guest(w, r, &run->groups[i], run->window_ns, vs_scores_at(&r->scores, k, i));
        vs_json_array_end(w);
        vs_json_key(w, "instances");
        vs_json_array_begin(w, VS_JSON_BLOCK);
        for (uint32_t i = 0; i < run->n_instances; i++)
            json_guest(w, r, &run->instances[i], run->window_ns, NULL);
        vs_json_array_end(w);
        vs_json_object_end(w);
    }
    vs_json_array_end(w);
    vs_json_object_end(w);
}

static int write_json(FILE *f, const struct vs_results *r, struct vs_error *err)
{
    struct vs_json w;
    vs_json_init(&w, f);
    vs_report_json(&w, r);
    return vs_json_finish(&w, err);
}

int vs_report_write(FILE *f, const struct vs_results *r, enum vs_report_format fmt,
                    struct vs_error *err)
{
    switch (fmt) {
    case VS_REPORT_TABLE: write_table(f, r); break;
    case VS_REPORT_CSV: write_csv(f, r); break;
    case VS_REPORT_JSON: return write_json(f, r, err);
    }
    if (ferror(f))
        return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "writing the report failed: %s",
                            strerror(errno));
    return VS_OK;
}
