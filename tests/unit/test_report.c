/* Unit tests for sim/out/report.c: a synthetic results structure (two engines,
 * a service group and a batch group, a failed instance, a name with a comma
 * and a quote) written as a table, CSV and JSON. The CSV is parsed with an
 * RFC 4180 reader and the JSON checked with a strict validator, both written
 * here, so the tests do not trust the writer's own idea of its formats. */
#include "testutil.h"

#include "virtsim/out/report.h"
#include "virtsim/out/scores.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#define ODD_NAME "a,\"b\" web"         /* a comma, quotes and a space */
#define ODD_CSV "\"a,\"\"b\"\" web\""  /* how RFC 4180 writes it */
#define ODD_JSON "\"a,\\\"b\\\" web\"" /* how JSON writes it */

/* ---- the synthetic results ---- */

static void fill_guest(struct vs_guest_result *g, const char *name, const char *group,
                       const char *workload, const char *engine, bool batch)
{
    memset(g, 0, sizeof *g);
    snprintf(g->name, sizeof g->name, "%s", name);
    snprintf(g->group, sizeof g->group, "%s", group);
    snprintf(g->workload, sizeof g->workload, "%s", workload);
    snprintf(g->engine, sizeof g->engine, "%s", engine);
    g->state = batch ? VS_GUEST_FINISHED : VS_GUEST_RUNNING;
    g->instances = 1;
    g->vcpus = 2;
    g->batch = batch;
    g->completion_ns = -1;
}

/* native: the web group serves 1000/s, the build finished at 2.5 s.
 * other:  the web group serves 500/s, the build is 3/10 done.
 * Each run: groups web (2 instances, one failed) and build (1 instance). */
static void fill_run(struct vs_run_result *run, const char *engine, const char *approach,
                     double web_per_s, double build_completion_ns)
{
    memset(run, 0, sizeof *run);
    snprintf(run->engine, sizeof run->engine, "%s", engine);
    snprintf(run->approach, sizeof run->approach, "%s", approach);
    run->now_ns = 10000000000LL;
    run->window_ns = 9000000000LL;
    run->events = 123456;

    struct vs_host_result *h = &run->host;
    snprintf(h->spec.name, sizeof h->spec.name, "testhost");
    h->spec.cpu.cores = 4;
    h->spec.cpu.frequency_hz = 3e9;
    h->spec.memory_bytes = 16.0 * 1024 * 1024 * 1024;
    h->spec.disk.device_class = VS_DISK_NVME;
    h->spec.disk.parallelism = 4;
    h->spec.nic.bandwidth_bits_per_s = 10e9;
    h->cpu_utilisation = 0.5;
    h->cpu_ns_by_cat[VS_CAT_GUEST_USER] = 15e9;
    h->cpu_ns_by_cat[VS_CAT_HOST_KERNEL] = 3e9;
    h->cpu_ns_by_cat[VS_CAT_IDLE] = 18e9;
    h->runqueue_mean = 0.25;
    h->context_switches = 777;
    h->mem_capacity_bytes = h->spec.memory_bytes;
    h->mem_used_bytes = 4.0 * 1024 * 1024 * 1024;
    h->mem_free_bytes = 12.0 * 1024 * 1024 * 1024;
    h->disk_utilisation = 0.125;
    h->disk_queue_mean = 1.5;
    h->disk_queue_max = 7;
    h->disk_response_mean_ns = 80000;
    h->disk_ops = 900;
    h->nic_rx_utilisation = 0.01;
    h->nic_tx_utilisation = 0.02;
    h->nic_queue_mean = 0.5;

    run->n_groups = 2;
    run->groups = calloc(run->n_groups, sizeof *run->groups);
    assert_non_null(run->groups);
    struct vs_guest_result *web = &run->groups[0];
    fill_guest(web, ODD_NAME, ODD_NAME, "web-server", engine, false);
    web->instances = 2;
    web->failed_instances = 1;
    web->completed = (uint64_t)(web_per_s * 9);
    web->dropped = 3;
    web->throughput_per_s = web_per_s;
    web->latency = (struct vs_latency){.count = web->completed, .mean_ns = 1250000,
                                       .p50_ns = 90000, .p90_ns = 110000, .p99_ns = 120000,
                                       .p999_ns = 150000, .max_ns = 2000000};
    web->cpu_ns[VS_CAT_GUEST_USER] = 3e9;
    web->cpu_ns[VS_CAT_HOST_KERNEL] = 1e9;
    web->events[VS_EVT_SYSCALL] = 90000;
    web->memory.bytes[VS_MEM_APPLICATION] = 1024.0 * 1024 * 1024;
    web->disk_ops = 450;
    web->disk_bytes = 450 * 4096;
    web->disk_busy_ns = 4.5e8;
    web->net_rx_packets = 9000;
    web->net_tx_packets = 18000;

    struct vs_guest_result *build = &run->groups[1];
    fill_guest(build, "build", "build", "kernel-build", engine, true);
    build->batch_total = 10;
    if (build_completion_ns >= 0) {
        build->completion_ns = build_completion_ns;
        build->batch_done = 10;
    } else {
        build->state = VS_GUEST_RUNNING;
        build->batch_done = 3;
    }
    build->completed = build->batch_done;
    build->latency = (struct vs_latency){.count = build->completed, .mean_ns = 4e8,
                                         .p50_ns = 400000000, .p90_ns = 450000000,
                                         .p99_ns = 500000000, .p999_ns = 500000000,
                                         .max_ns = 500000000};
    build->cpu_ns[VS_CAT_GUEST_USER] = 12e9;

    /* The instances: the second web instance did not fit and failed. */
    run->n_instances = 3;
    run->instances = calloc(run->n_instances, sizeof *run->instances);
    assert_non_null(run->instances);
    fill_guest(&run->instances[0], ODD_NAME "-1", ODD_NAME, "web-server", engine, false);
    run->instances[0].throughput_per_s = web_per_s;
    run->instances[0].latency = web->latency;
    fill_guest(&run->instances[1], ODD_NAME "-2", ODD_NAME, "web-server", engine, false);
    run->instances[1].state = VS_GUEST_FAILED;
    run->instances[1].failed_instances = 1;
    run->instances[2] = *build;
    snprintf(run->instances[2].name, sizeof run->instances[2].name, "build-1");
    run->instances[2].instances = 1;
}

static struct vs_results *make_results(void)
{
    struct vs_results *r = calloc(1, sizeof *r);
    assert_non_null(r);
    snprintf(r->scenario, sizeof r->scenario, "mixed");
    /* Control characters must be escaped in JSON. */
    snprintf(r->description, sizeof r->description, "two engines\tside by side\x01");
    r->seed = 42;
    r->duration_ns = 10000000000LL;
    r->warmup_ns = 1000000000LL;
    r->n_runs = 2;
    r->runs = calloc(r->n_runs, sizeof *r->runs);
    assert_non_null(r->runs);
    fill_run(&r->runs[0], "native", "native", 1000, 2.5e9);
    fill_run(&r->runs[1], "other", "hvm", 500, -1);
    /* A throughput that needs all of a double's digits to read back exactly. */
    r->runs[0].instances[0].throughput_per_s = 1000.0 / 3.0;
    return r;
}

static int setup(void **state)
{
    *state = make_results();
    return 0;
}

static int teardown(void **state)
{
    struct vs_results *r = *state;
    vs_results_free(r);
    free(r);
    return 0;
}

/* The whole report in a NUL-terminated buffer the caller frees. */
static char *report(const struct vs_results *r, enum vs_report_format fmt, size_t *len_out)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    struct vs_error err;
    vs_error_clear(&err);
    assert_int_equal(vs_report_write(f, r, fmt, &err), VS_OK);
    assert_int_equal(fclose(f), 0);
    if (len_out) *len_out = len;
    return buf;
}

/* ---- table ---- */

/* The line of text that starts with prefix, at or after from; NULL if none. */
static const char *line_starting(const char *from, const char *prefix)
{
    size_t n = strlen(prefix);
    for (const char *p = from; p && *p;) {
        if (strncmp(p, prefix, n) == 0) return p;
        p = strchr(p, '\n');
        if (p) p++;
    }
    return NULL;
}

/* The two figures of a group's first score row (name 12, load 6, score 16 wide). */
static void comparison_cells(const char *table, const char *name, char *a, char *b)
{
    const char *cmp = strstr(table, "\n== scores against native (one replication");
    assert_non_null(cmp);
    char prefix[16];
    snprintf(prefix, sizeof prefix, "%-12.12s ", name);
    const char *row = line_starting(cmp, prefix);
    assert_non_null(row);
    assert_int_equal(sscanf(row + 12 + 1 + 6 + 1 + 16, "%15s %15s", a, b), 2);
}

/* The scores of one replication, as a run computes them. */
static void rescore(struct vs_results *r)
{
    struct vs_error err;
    free(r->scores.groups);
    assert_int_equal(vs_scores_compute(r, 1, &r->scores, &err), VS_OK);
}

static void test_table(void **state)
{
    struct vs_results *r = *state;
    char *t = report(r, VS_REPORT_TABLE, NULL);

    /* Header: version, scenario, seed, durations, then the description and host. */
    assert_true(strncmp(t, "virtsim ", 8) == 0);
    const char *eol = strchr(t, '\n');
    assert_non_null(eol);
    const char *head = strstr(t, "scenario mixed (seed 42): 10 s simulated, warm-up 1 s\n");
    assert_true(head != NULL && head < eol);
    assert_non_null(strstr(t, "host testhost: 4 cores @ 3.00 GHz, 16 GiB memory, nvme disk, "
                              "10 Gbit/s NIC\n"));

    /* One section per engine, each with both groups. */
    const char *native = strstr(t, "\n== native (native) ==");
    const char *other = strstr(t, "\n== other (hvm) ==");
    assert_true(native != NULL && other != NULL && native < other);
    const char *web = line_starting(native, ODD_NAME " ");
    const char *build = line_starting(native, "build ");
    assert_true(web != NULL && web < other);
    assert_true(build != NULL && build < other);
    assert_non_null(line_starting(other, ODD_NAME " "));

    /* Latency in readable units: mean 1.25 ms, p50 90 us, p99 120 us. */
    char row[512];
    snprintf(row, sizeof row, "%.*s", (int)(strchr(web, '\n') - web), web);
    assert_non_null(strstr(row, "1000.0/s"));
    assert_non_null(strstr(row, "1.25 ms"));
    assert_non_null(strstr(row, "90 us"));
    assert_non_null(strstr(row, "120 us"));
    /* 4 s of CPU over a 9 s window: 44.4 % of a core, 75 % of it user time. */
    assert_non_null(strstr(row, " 44.4 "));
    assert_non_null(strstr(row, "75.0%"));

    /* Batch work: completion time when done, progress when not. */
    snprintf(row, sizeof row, "%.*s", (int)(strchr(build, '\n') - build), build);
    assert_non_null(strstr(row, "done 2.5 s"));
    const char *build2 = line_starting(other, "build ");
    assert_non_null(build2);
    snprintf(row, sizeof row, "%.*s", (int)(strchr(build2, '\n') - build2), build2);
    assert_non_null(strstr(row, "3/10 done"));
    assert_null(strstr(row, "done 2.5 s"));

    /* Comparison: 1.00 for the first engine, 500/1000 for the second (a
     * closed loop: scored on throughput); an unfinished batch cannot be
     * compared. */
    free(t);
    r->runs[0].groups[0].load = r->runs[1].groups[0].load = VS_LOAD_CLOSED;
    rescore(r);
    t = report(r, VS_REPORT_TABLE, NULL);
    char a[16], b[16];
    comparison_cells(t, ODD_NAME, a, b);
    assert_string_equal(a, "1.00");
    assert_string_equal(b, "0.50");
    comparison_cells(t, "build", a, b);
    assert_string_equal(a, "1.00");
    assert_string_equal(b, "-");
    free(t);

    /* Finished batch work compares completion times: 2.5 s vs 5 s is 0.50. */
    r->runs[1].groups[1].completion_ns = 5e9;
    rescore(r);
    t = report(r, VS_REPORT_TABLE, NULL);
    comparison_cells(t, "build", a, b);
    assert_string_equal(a, "1.00");
    assert_string_equal(b, "0.50");
    free(t);
    r->runs[1].groups[1].completion_ns = -1;

    /* One engine: no comparison block. */
    r->n_runs = 1;
    t = report(r, VS_REPORT_TABLE, NULL);
    r->n_runs = 2;
    assert_non_null(strstr(t, "\n== native (native) =="));
    assert_null(strstr(t, "scores against"));
    assert_null(strstr(t, "== other"));
    free(t);
}

/* ---- CSV ---- */

struct csv {
    char ***rows;   /* rows[i][j]: field j of record i, unquoted */
    size_t *n_fields;
    size_t n_rows;
};

static void csv_free(struct csv *c)
{
    for (size_t i = 0; i < c->n_rows; i++) {
        for (size_t j = 0; j < c->n_fields[i]; j++) free(c->rows[i][j]);
        free(c->rows[i]);
    }
    free(c->rows);
    free(c->n_fields);
}

/* An RFC 4180 reader: fields separated by commas, records by "\n" (or
 * "\r\n"); a field that starts with a quote runs to the closing quote, with
 * "" standing for one quote, and may hold commas and newlines. Returns false
 * on malformed input (a stray quote inside a field, an unclosed quote, no
 * final newline). */
static bool csv_parse(const char *s, struct csv *out)
{
    memset(out, 0, sizeof *out);
    size_t cap_rows = 0;
    char **fields = NULL; /* the record being read */
    size_t n = 0, cap = 0;
    while (*s) {
        fields = NULL;
        n = cap = 0;
        for (;;) {
            size_t flen = 0, fcap = 16;
            char *field = malloc(fcap);
            assert_non_null(field);
            if (*s == '"') {
                for (s++;; s++) {
                    if (*s == '\0') {
                        free(field);
                        goto bad;
                    }
                    if (*s == '"') {
                        if (s[1] != '"') break;
                        s++;
                    }
                    if (flen + 1 >= fcap) field = realloc(field, fcap *= 2);
                    field[flen++] = *s;
                }
                s++; /* the closing quote */
                if (*s != ',' && *s != '\n' && !(*s == '\r' && s[1] == '\n')) {
                    free(field);
                    goto bad;
                }
            } else {
                for (; *s && *s != ',' && *s != '\n' && *s != '\r'; s++) {
                    if (*s == '"') {
                        free(field);
                        goto bad;
                    }
                    if (flen + 1 >= fcap) field = realloc(field, fcap *= 2);
                    field[flen++] = *s;
                }
            }
            field[flen] = '\0';
            if (n == cap) fields = realloc(fields, (cap = cap ? 2 * cap : 8) * sizeof *fields);
            fields[n++] = field;
            if (*s == ',') {
                s++;
                continue;
            }
            if (*s == '\r') s++;
            if (*s != '\n') goto bad;
            s++;
            break;
        }
        if (out->n_rows == cap_rows) {
            cap_rows = cap_rows ? 2 * cap_rows : 16;
            out->rows = realloc(out->rows, cap_rows * sizeof *out->rows);
            out->n_fields = realloc(out->n_fields, cap_rows * sizeof *out->n_fields);
        }
        out->rows[out->n_rows] = fields;
        out->n_fields[out->n_rows++] = n;
    }
    return true;
bad:
    for (size_t j = 0; j < n; j++) free(fields[j]);
    free(fields);
    csv_free(out);
    memset(out, 0, sizeof *out);
    return false;
}

static void test_csv_reader(void **state)
{
    (void)state;
    struct csv c;
    assert_true(csv_parse("a,\"b,\"\"c\"\"\",\nx,\"multi\nline\",z\r\n", &c));
    assert_int_equal(c.n_rows, 2);
    assert_int_equal(c.n_fields[0], 3);
    assert_string_equal(c.rows[0][1], "b,\"c\"");
    assert_string_equal(c.rows[0][2], "");
    assert_string_equal(c.rows[1][1], "multi\nline");
    csv_free(&c);
    assert_false(csv_parse("a,\"b\n", &c));      /* unclosed */
    assert_false(csv_parse("a,b\"c\",d\n", &c)); /* stray quote */
    assert_false(csv_parse("a,\"b\"c\n", &c));   /* text after the closing quote */
    assert_false(csv_parse("a,b", &c));          /* no final newline */
}

static int column(const struct csv *c, const char *name)
{
    for (size_t j = 0; j < c->n_fields[0]; j++)
        if (strcmp(c->rows[0][j], name) == 0) return (int)j;
    print_error("no CSV column %s\n", name);
    fail();
    return -1;
}

static double number(const char *field)
{
    char *end;
    errno = 0;
    double v = strtod(field, &end);
    if (field[0] == '\0' || *end != '\0' || errno != 0) {
        print_error("'%s' is not a number\n", field);
        fail();
    }
    return v;
}

static long long integer(const char *field)
{
    char *end;
    errno = 0;
    long long v = strtoll(field, &end, 10);
    if (field[0] == '\0' || *end != '\0' || errno != 0) {
        print_error("'%s' is not an integer\n", field);
        fail();
    }
    return v;
}

static void test_csv(void **state)
{
    struct vs_results *r = *state;
    char *text = report(r, VS_REPORT_CSV, NULL);
    struct csv c;
    assert_true(csv_parse(text, &c));

    /* Every record has as many fields as the header. */
    assert_true(c.n_rows > 1);
    for (size_t i = 1; i < c.n_rows; i++) {
        if (c.n_fields[i] != c.n_fields[0]) {
            print_error("row %zu has %zu fields, the header %zu\n", i, c.n_fields[i],
                        c.n_fields[0]);
            fail();
        }
    }

    /* The columns the docs promise, and one per category, event and part. */
    static const char *const expected[] = {
        "scenario", "seed", "engine", "approach", "level", "guest", "group", "workload",
        "state", "instances", "failed", "window_s", "throughput_per_s", "completion_s",
        "batch_done", "batch_total", "latency_mean_ns", "latency_p99_ns", "cpu_guest_user_ns",
        "cpu_idle_ns", "cpu_wait_ns", "vmexits_per_s", "syscalls_per_s",
        "memory_application_bytes", "disk_busy_ns", "start_ns", "host_cpu_utilisation",
        "host_runqueue_mean", "host_mem_free_bytes", "host_nic_tx_utilisation", "host",
        "reps", "score_kind", "saturated", "score", "score_low", "score_high", "cost_ratio_low",
        "throughput_ratio_high", "p99_ratio", "cpu_steal_fraction", "disk_throttle_wait_ns",
        "net_throttle_wait_ns",
    };
    for (size_t k = 0; k < sizeof expected / sizeof expected[0]; k++) column(&c, expected[k]);
    assert_int_equal(c.n_fields[0],
                     25 + VS_CAT_COUNT + 1 + VS_EVT_COUNT + VS_MEM_PART_COUNT + 8 + 14 + 1 + 3 + 5 * 3 + 11 + 3);

    int level = column(&c, "level"), engine = column(&c, "engine"), guest = column(&c, "guest");
    int tput = column(&c, "throughput_per_s"), p99 = column(&c, "latency_p99_ns");
    int completion = column(&c, "completion_s"), window = column(&c, "window_s");
    int util = column(&c, "host_cpu_utilisation"), user = column(&c, "cpu_guest_user_ns");
    int idle = column(&c, "cpu_idle_ns"), state_col = column(&c, "state");
    int seed = column(&c, "seed"), scen = column(&c, "scenario");

    /* Rows: per run, one per group, one per instance, one for the host. */
    size_t groups = 0, instances = 0, hosts = 0;
    for (size_t i = 1; i < c.n_rows; i++) {
        char **row = c.rows[i];
        const struct vs_run_result *run = NULL;
        for (uint32_t k = 0; k < r->n_runs; k++)
            if (strcmp(row[engine], r->runs[k].engine) == 0) run = &r->runs[k];
        assert_non_null(run);
        assert_string_equal(row[scen], "mixed");
        assert_int_equal(integer(row[seed]), 42);
        assert_true(number(row[window]) == 9.0);

        const struct vs_guest_result *g = NULL;
        if (strcmp(row[level], "group") == 0) {
            g = &run->groups[groups++ % run->n_groups];
        } else if (strcmp(row[level], "instance") == 0) {
            g = &run->instances[instances++ % run->n_instances];
        } else {
            assert_string_equal(row[level], "host");
            hosts++;
            /* Host figures filled, guest figures blank. */
            assert_string_equal(row[guest], "testhost");
            assert_true(number(row[util]) == run->host.cpu_utilisation);
            assert_true(number(row[idle]) == run->host.cpu_ns_by_cat[VS_CAT_IDLE]);
            assert_true(number(row[user]) == run->host.cpu_ns_by_cat[VS_CAT_GUEST_USER]);
            assert_string_equal(row[tput], "");
            assert_string_equal(row[p99], "");
            assert_string_equal(row[state_col], "");
            assert_string_equal(row[column(&c, "host_runqueue_mean")], "0.25");
            assert_string_equal(row[column(&c, "host_nic_tx_utilisation")], "0.02");
            /* Every host figure the JSON has is here too. */
            assert_string_equal(row[column(&c, "host_disk_queue_max")], "7");
            assert_string_equal(row[column(&c, "host_disk_ops")], "900");
            assert_string_equal(row[column(&c, "host_nic_queue_mean")], "0.5");
            assert_string_equal(row[column(&c, "host_context_switches")], "777");
            assert_string_equal(row[column(&c, "host_disk_response_mean_ns")], "80000");
            continue;
        }
        /* Guest rows: names unquoted back to the input, numbers read back
         * exactly, host figures blank. */
        assert_string_equal(row[guest], g->name);
        assert_string_equal(row[state_col], vs_guest_state_name(g->state));
        assert_true(number(row[tput]) == g->throughput_per_s);
        assert_int_equal(integer(row[p99]), g->latency.p99_ns);
        assert_true(number(row[user]) == g->cpu_ns[VS_CAT_GUEST_USER]);
        if (g->completion_ns >= 0)
            assert_true(number(row[completion]) == g->completion_ns / 1e9);
        else
            assert_string_equal(row[completion], "");
        assert_string_equal(row[util], "");
    }
    assert_int_equal(groups, 2 * 2);
    assert_int_equal(instances, 2 * 3);
    assert_int_equal(hosts, 2);
    assert_int_equal(c.n_rows, 1 + 4 + 6 + 2);

    /* The odd name is quoted as RFC 4180 says; plain names are not quoted. */
    assert_non_null(strstr(text, ",group," ODD_CSV "," ODD_CSV ",web-server,"));
    assert_non_null(strstr(text, ",instance,\"a,\"\"b\"\" web-2\"," ODD_CSV ",web-server,failed,"));
    assert_null(strstr(text, "\"build\""));
    /* The finished build: completion_s 2.5 for native. */
    assert_non_null(strstr(text, "\nmixed,42,native,native,group,build,build,kernel-build,"
                                 "finished,1,0,2,9,10,0,0,2.5,10,10,"));
    csv_free(&c);
    free(text);
}

/* ---- JSON ---- */

struct json {
    const char *p;
    int depth;
};

static void json_ws(struct json *j)
{
    while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r') j->p++;
}

static bool json_value(struct json *j);

static bool json_string_ok(struct json *j)
{
    if (*j->p != '"') return false;
    for (j->p++; *j->p != '"'; j->p++) {
        unsigned char ch = (unsigned char)*j->p;
        if (ch < 0x20) return false; /* also the terminating NUL */
        if (ch != '\\') continue;
        j->p++;
        if (strchr("\"\\/bfnrt", *j->p) && *j->p) continue;
        if (*j->p != 'u') return false;
        for (int k = 1; k <= 4; k++)
            if (!strchr("0123456789abcdefABCDEF", j->p[k]) || !j->p[k]) return false;
        j->p += 4;
    }
    j->p++;
    return true;
}

static bool digits(struct json *j)
{
    if (*j->p < '0' || *j->p > '9') return false;
    while (*j->p >= '0' && *j->p <= '9') j->p++;
    return true;
}

static bool json_number_ok(struct json *j)
{
    if (*j->p == '-') j->p++;
    if (*j->p == '0')
        j->p++;
    else if (!digits(j))
        return false;
    if (*j->p == '.') {
        j->p++;
        if (!digits(j)) return false;
    }
    if (*j->p == 'e' || *j->p == 'E') {
        j->p++;
        if (*j->p == '+' || *j->p == '-') j->p++;
        if (!digits(j)) return false;
    }
    return true;
}

static bool json_container(struct json *j, char close, bool object)
{
    if (++j->depth > 64) return false;
    j->p++;
    json_ws(j);
    if (*j->p == close) {
        j->p++;
        j->depth--;
        return true;
    }
    for (;;) {
        json_ws(j);
        if (object) {
            if (!json_string_ok(j)) return false;
            json_ws(j);
            if (*j->p++ != ':') return false;
        }
        if (!json_value(j)) return false;
        json_ws(j);
        if (*j->p == ',') {
            j->p++;
            continue;
        }
        if (*j->p++ != close) return false;
        j->depth--;
        return true;
    }
}

static bool json_value(struct json *j)
{
    json_ws(j);
    switch (*j->p) {
    case '{': return json_container(j, '}', true);
    case '[': return json_container(j, ']', false);
    case '"': return json_string_ok(j);
    case 't': return strncmp(j->p, "true", 4) == 0 ? (j->p += 4, true) : false;
    case 'f': return strncmp(j->p, "false", 5) == 0 ? (j->p += 5, true) : false;
    case 'n': return strncmp(j->p, "null", 4) == 0 ? (j->p += 4, true) : false;
    default: return json_number_ok(j);
    }
}

/* One JSON text: a value with nothing but white space after it. */
static bool json_valid(const char *s)
{
    struct json j = {s, 0};
    if (!json_value(&j)) return false;
    json_ws(&j);
    return *j.p == '\0';
}

static void test_json_validator(void **state)
{
    (void)state;
    assert_true(json_valid("{\"a\": [1, -0.5, 2e+10, 0, true, false, null, \"x\\\"\\u00e9\"], "
                           "\"b\": {}}\n"));
    assert_true(json_valid("[]"));
    static const char *const bad[] = {
        "{\"a\": 1,}", "[1, 2", "{\"a\" 1}", "{a: 1}", "[01]", "[1.]", "[.5]", "[nan]",
        "[inf]", "[\"tab\there\"]", "[\"\\x\"]", "[\"\\u12\"]", "{} {}", "[tru]", "",
        "[\"open]",
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
        if (json_valid(bad[k])) {
            print_error("accepted invalid JSON: %s\n", bad[k]);
            fail();
        }
}

/* The text after the first occurrence of key at or after from. */
static const char *after(const char *from, const char *key)
{
    const char *p = strstr(from, key);
    if (!p) {
        print_error("no %s in the JSON\n", key);
        fail();
    }
    return p + strlen(key);
}

static void test_json(void **state)
{
    struct vs_results *r = *state;
    char *text = report(r, VS_REPORT_JSON, NULL);
    if (!json_valid(text)) {
        print_error("invalid JSON:\n%s\n", text);
        fail();
    }

    assert_non_null(strstr(text, "\n  \"scenario\": \"mixed\",\n"));
    assert_non_null(strstr(text, "\n  \"description\": \"two engines\\tside by side\\u0001\",\n"));
    assert_non_null(strstr(text, "\n  \"seed\": 42,\n"));
    assert_non_null(strstr(text, "\"duration_ns\": 10000000000,"));
    assert_non_null(strstr(text, "\"name\": " ODD_JSON ",\n"));
    assert_non_null(strstr(text, "\"name\": \"" "a,\\\"b\\\" web-2" "\",\n"));

    /* Runs in order; within each, host then groups then instances. */
    const char *native = after(text, "\"engine\": \"native\"");
    const char *other = after(text, "\"engine\": \"other\"");
    assert_true(native < other);
    assert_true(after(native, "\"cpu_utilisation\": ") == after(text, "\"cpu_utilisation\": "));
    assert_true(strncmp(after(native, "\"cpu_utilisation\": "), "0.5,", 4) == 0);
    assert_true(strncmp(after(native, "\"queue_max\": "), "7,", 2) == 0);

    /* native's web group: throughput and p99 exactly. */
    const char *web = after(native, "\"groups\": [");
    assert_true(strncmp(after(web, "\"throughput_per_s\": "), "1000,", 5) == 0);
    assert_true(strncmp(after(web, "\"p99\": "), "120000,", 7) == 0);
    assert_true(strncmp(after(web, "\"batch\": "), "false,", 6) == 0);
    assert_true(strncmp(after(web, "\"completion_ns\": "), "null,", 5) == 0);
    /* A third of a thousand reads back as the same double. */
    const char *inst = after(native, "\"instances\": [");
    assert_true(strtod(after(inst, "\"throughput_per_s\": "), NULL) == 1000.0 / 3.0);

    /* The build finished under native, not under other. */
    const char *build = after(native, "\"name\": \"build\"");
    assert_true(build < other);
    assert_true(strncmp(after(build, "\"batch\": "), "true,", 5) == 0);
    assert_true(strncmp(after(build, "\"completion_ns\": "), "2500000000,", 11) == 0);
    build = after(other, "\"name\": \"build\"");
    assert_true(strncmp(after(build, "\"completion_ns\": "), "null,", 5) == 0);
    assert_true(strncmp(after(build, "\"batch_done\": "), "3,", 2) == 0);
    assert_true(strncmp(after(build, "\"state\": "), "\"running\",", 10) == 0);
    free(text);

    /* Figures that are not numbers become null, not invalid JSON. */
    r->runs[0].host.runqueue_mean = NAN;
    r->runs[1].groups[0].latency.mean_ns = INFINITY;
    text = report(r, VS_REPORT_JSON, NULL);
    assert_true(json_valid(text));
    assert_non_null(strstr(text, "\"runqueue_mean\": null,"));
    assert_non_null(strstr(text, "\"mean\": null,"));
    free(text);
    text = report(r, VS_REPORT_CSV, NULL);
    struct csv c;
    assert_true(csv_parse(text, &c));
    for (size_t i = 1; i < c.n_rows; i++) assert_int_equal(c.n_fields[i], c.n_fields[0]);
    csv_free(&c);
    free(text);
    r->runs[0].host.runqueue_mean = 0.25;
    r->runs[1].groups[0].latency.mean_ns = 1250000;
}

/* No runs, and runs without guests: still well-formed. */
static void test_empty(void **state)
{
    struct vs_results *r = *state;
    uint32_t n = r->n_runs;
    r->n_runs = 0;
    char *text = report(r, VS_REPORT_JSON, NULL);
    assert_true(json_valid(text));
    assert_non_null(strstr(text, "\"runs\": [\n  ]"));
    free(text);
    text = report(r, VS_REPORT_CSV, NULL);
    /* The header line and nothing else. */
    assert_true(strncmp(text, "scenario,seed,", 14) == 0);
    assert_non_null(strchr(text, '\n'));
    assert_string_equal(strchr(text, '\n'), "\n");
    free(text);
    r->n_runs = n;

    struct vs_run_result saved = r->runs[1];
    r->runs[1].n_groups = 0;
    r->runs[1].n_instances = 0;
    text = report(r, VS_REPORT_JSON, NULL);
    assert_true(json_valid(text));
    free(text);
    text = report(r, VS_REPORT_TABLE, NULL);
    assert_non_null(strstr(text, "== other (hvm)"));
    free(text);
    r->runs[1] = saved;
}

/* ---- determinism, formats, errors ---- */

static void test_deterministic(void **state)
{
    struct vs_results *r = *state;
    for (int fmt = VS_REPORT_TABLE; fmt <= VS_REPORT_JSON; fmt++) {
        size_t la, lb;
        char *a = report(r, (enum vs_report_format)fmt, &la);
        /* A second copy of the same results, at other addresses. */
        struct vs_results *copy = make_results();
        char *b = report(copy, (enum vs_report_format)fmt, &lb);
        assert_true(la > 0);
        assert_int_equal(la, lb);
        assert_memory_equal(a, b, la);
        /* And the output depends on the figures: another seed shows. */
        copy->seed = 43;
        char *c = report(copy, (enum vs_report_format)fmt, &lb);
        assert_true(la != lb || memcmp(a, c, la) != 0);
        free(a);
        free(b);
        free(c);
        vs_results_free(copy);
        free(copy);
    }
}

static void test_parse_format(void **state)
{
    (void)state;
    enum vs_report_format f = VS_REPORT_TABLE;
    assert_int_equal(vs_report_parse_format("csv", &f), VS_OK);
    assert_int_equal(f, VS_REPORT_CSV);
    assert_int_equal(vs_report_parse_format("json", &f), VS_OK);
    assert_int_equal(f, VS_REPORT_JSON);
    assert_int_equal(vs_report_parse_format("table", &f), VS_OK);
    assert_int_equal(f, VS_REPORT_TABLE);
    static const char *const bad[] = {"", "CSV", "Json", "xml", "csv ", "tab", "tables"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        f = VS_REPORT_JSON;
        assert_int_equal(vs_report_parse_format(bad[k], &f), VS_ERR_INPUT);
        assert_int_equal(f, VS_REPORT_JSON); /* untouched */
    }
}

/* A stream that cannot be written: the failure is reported, not lost. */
static void test_write_error(void **state)
{
    struct vs_results *r = *state;
    FILE *f = fopen("/dev/null", "r");
    assert_non_null(f);
    struct vs_error err;
    vs_error_clear(&err);
    assert_int_equal(vs_report_write(f, r, VS_REPORT_CSV, &err), VS_ERR_RUNTIME);
    assert_non_null(strstr(err.message, "writing the report failed"));
    fclose(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_reader),
        cmocka_unit_test(test_json_validator),
        cmocka_unit_test_setup_teardown(test_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_csv, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deterministic, setup, teardown),
        cmocka_unit_test(test_parse_format),
        cmocka_unit_test_setup_teardown(test_write_error, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
