/* Unit tests for sim/load/config.c and sim/load/yamltree.c: every kind of input error
 * is reported with the exact file, line and column of the offending node and
 * a message naming the key and what is allowed; good input yields the values
 * written; references to built-ins and files resolve; and every built-in
 * file of the library loads. YAML is written inline, one case per string. */
#include "testutil.h"

#include "virtsim/load/builtin.h"
#include "virtsim/load/config.h"
#include "virtsim/host/costs.h"
#include "virtsim/model/engine.h"
#include "virtsim/load/yamltree.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define GiB (1024.0 * 1024.0 * 1024.0)
#define MiB (1024.0 * 1024.0)

enum what { WORKLOAD, HOST, SCENARIO };

static int load(enum what what, const char *yaml, const char *base_dir, struct vs_error *e)
{
    vs_error_clear(e);
    switch (what) {
    case WORKLOAD: {
        struct vs_workload w;
        return vs_config_load_workload(yaml, strlen(yaml), "test.yaml", &w, e);
    }
    case HOST: {
        struct vs_host_spec h;
        return vs_config_load_host(yaml, strlen(yaml), "test.yaml", &h, e);
    }
    case SCENARIO: {
        static struct vs_scenario sc;
        return vs_config_load_scenario(yaml, strlen(yaml), "test.yaml", base_dir, &sc, e);
    }
    }
    return -1;
}

/* Checks an error's file, position and that each word is in its message;
 * on failure prints the YAML and the error so the case is easy to find. */
static void check_error(const struct vs_error *e, int rc, const char *yaml, const char *file,
                        int line, int col, const char *w1, const char *w2, const char *w3)
{
    const char *words[] = {w1, w2, w3};
    bool ok =
        rc == VS_ERR_INPUT && strcmp(e->file, file) == 0 && e->line == line && e->column == col;
    for (int i = 0; i < 3; i++)
        if (words[i] && !strstr(e->message, words[i])) ok = false;
    if (!ok) {
        print_error("YAML:\n%s\n-> rc %d, %s:%d:%d: %s\nexpected %s:%d:%d with '%s' '%s' '%s'\n",
                    yaml, rc, e->file, e->line, e->column, e->message, file, line, col,
                    w1 ? w1 : "", w2 ? w2 : "", w3 ? w3 : "");
        fail();
    }
}

static void expect_error(enum what what, const char *yaml, int line, int col, const char *w1,
                         const char *w2, const char *w3)
{
    struct vs_error e;
    int rc = load(what, yaml, NULL, &e);
    check_error(&e, rc, yaml, "test.yaml", line, col, w1, w2, w3);
}

/* ---- workloads ---- */

/* A valid workload; cases below change one line of it. */
#define W_NAME "name: w\n"
#define W_LOAD "load: {kind: open, rate: 100/s}\n"
#define W_REQ "request:\n  instructions: 150k\n"
#define W_MEM "memory: {footprint: 64MiB}\n"

static void test_workload_good(void **state)
{
    (void)state;
    const char *y =
        "name: web\n"
        "description: a test\n"
        "load: {kind: open, rate: 2k/s, arrivals: uniform}\n"
        "request:\n"
        "  instructions: {dist: lognormal, mean: 150k, stddev: 50k}\n"
        "  cpi: 1.25\n"
        "  mem_refs_per_instruction: 0.35\n"
        "  syscalls: 12\n"
        "  page_faults: 0.5\n"
        "  tlb_misses: 300\n"
        "  context_switches: 1\n"
        "  disk: {reads: 0.1, read_size: 16KiB, writes: 2, write_size: 8KiB, sync: yes}\n"
        "  net: {rx_packets: 2, rx_bytes: 1KiB, tx_packets: 8, tx_bytes: 12KiB}\n"
        "memory: {footprint: 256MiB, working_set: 64MiB, dirty_rate: 5MiB/s, code: 8MiB}\n";
    struct vs_workload w;
    struct vs_error e;
    assert_int_equal(vs_config_load_workload(y, strlen(y), "t.yaml", &w, &e), VS_OK);
    assert_string_equal(w.name, "web");
    assert_string_equal(w.description, "a test");
    assert_int_equal(w.load.kind, VS_LOAD_OPEN);
    assert_true(w.load.rate_per_s == 2000);
    assert_int_equal(w.load.arrivals, VS_DIST_CONSTANT);
    assert_int_equal(w.request.instructions.kind, VS_DIST_LOGNORMAL);
    assert_true(w.request.instructions.a == 150e3 && w.request.instructions.b == 50e3);
    assert_true(w.request.cpi == 1.25);
    assert_true(w.request.mem_refs_per_instruction == 0.35);
    assert_true(w.request.count[VS_OP_SYSCALL] == 12);
    assert_true(w.request.count[VS_OP_PAGE_FAULT] == 0.5);
    assert_true(w.request.count[VS_OP_TLB_MISS] == 300);
    assert_true(w.request.count[VS_OP_CONTEXT_SWITCH] == 1);
    assert_true(w.request.count[VS_OP_DISK_READ] == 0.1);
    assert_true(w.request.count[VS_OP_DISK_WRITE] == 2);
    assert_true(w.request.disk_read_bytes == 16384 && w.request.disk_write_bytes == 8192);
    assert_true(w.request.disk_sync);
    assert_true(w.request.count[VS_OP_NET_RX] == 2 && w.request.net_rx_bytes == 1024);
    assert_true(w.request.count[VS_OP_NET_TX] == 8 && w.request.net_tx_bytes == 12288);
    assert_true(w.request.count[VS_OP_INSTRUCTION] == 0);
    assert_true(w.memory.footprint_bytes == 256 * MiB && w.memory.working_set_bytes == 64 * MiB);
    assert_true(w.memory.dirty_rate_bytes_per_s == 5 * MiB && w.memory.code_bytes == 8 * MiB);
}

/* A workload's own pages: 4 KiB unless it says large_pages (its tlb_misses
 * are always counted for 4 KiB pages; engines scale them). */
static void test_workload_large_pages(void **state)
{
    (void)state;
    struct vs_workload w;
    struct vs_error e;
    const char *y4 = W_NAME W_LOAD W_REQ W_MEM;
    assert_int_equal(vs_config_load_workload(y4, strlen(y4), "t.yaml", &w, &e), VS_OK);
    assert_false(w.memory.large_pages);
    const char *y2 = W_NAME W_LOAD W_REQ "memory: {footprint: 64MiB, large_pages: true}\n";
    assert_int_equal(vs_config_load_workload(y2, strlen(y2), "t.yaml", &w, &e), VS_OK);
    assert_true(w.memory.large_pages);
}

static void test_workload_defaults(void **state)
{
    (void)state;
    const char *y = W_NAME W_LOAD W_REQ W_MEM;
    struct vs_workload w;
    struct vs_error e;
    assert_int_equal(vs_config_load_workload(y, strlen(y), "t.yaml", &w, &e), VS_OK);
    assert_int_equal(w.load.arrivals, VS_DIST_EXPONENTIAL);
    assert_int_equal(w.request.instructions.kind, VS_DIST_CONSTANT);
    assert_true(w.request.instructions.a == 150e3);
    assert_true(w.request.cpi == 1.0);
    assert_true(w.request.mem_refs_per_instruction == 0.3);
    for (int op = 1; op < VS_OP_COUNT; op++) assert_true(w.request.count[op] == 0);
    assert_false(w.request.disk_sync);
    assert_true(w.memory.working_set_bytes == w.memory.footprint_bytes);
    assert_string_equal(w.description, "");
}

static void test_load_kinds(void **state)
{
    (void)state;
    struct vs_workload w;
    struct vs_error e;
    const char *closed = W_NAME "load: {kind: closed, clients: 4, think_time: 20ms}\n" W_REQ W_MEM;
    assert_int_equal(vs_config_load_workload(closed, strlen(closed), "t", &w, &e), VS_OK);
    assert_int_equal(w.load.kind, VS_LOAD_CLOSED);
    assert_int_equal(w.load.clients, 4);
    /* A plain time is the mean of an exponential think time. */
    assert_int_equal(w.load.think_ns.kind, VS_DIST_EXPONENTIAL);
    assert_true(w.load.think_ns.a == 20e6);

    const char *think = W_NAME "load:\n  kind: closed\n  clients: 1\n"
                               "  think_time: {dist: uniform, min: 1s, max: 3s}\n" W_REQ W_MEM;
    assert_int_equal(vs_config_load_workload(think, strlen(think), "t", &w, &e), VS_OK);
    assert_int_equal(w.load.think_ns.kind, VS_DIST_UNIFORM);
    assert_true(w.load.think_ns.a == 1e9 && w.load.think_ns.b == 3e9);

    const char *batch = W_NAME "load: {kind: batch, total: 2k}\n" W_REQ W_MEM;
    assert_int_equal(vs_config_load_workload(batch, strlen(batch), "t", &w, &e), VS_OK);
    assert_int_equal(w.load.kind, VS_LOAD_BATCH);
    assert_true(w.load.total == 2000);
    assert_int_equal(w.load.clients, 0);
}

static void test_error_wrong_unit(void **state)
{
    (void)state;
    expect_error(WORKLOAD, W_NAME W_LOAD "request:\n  instructions: 12ms\n" W_MEM, 4, 17,
                 "request.instructions: '12ms' is a time", "expected a count such as 150k", NULL);
    expect_error(WORKLOAD, W_NAME W_LOAD W_REQ "memory: {footprint: 1MiB, large_pages: 2}\n", 5, 40,
                 "memory.large_pages: '2' is not allowed", "true or false", NULL);
    expect_error(WORKLOAD, W_NAME W_LOAD W_REQ "memory: {footprint: 12ms}\n", 5, 21,
                 "memory.footprint: '12ms' is a time", "expected a size such as 16KiB", NULL);
    expect_error(WORKLOAD, W_NAME "load: {kind: open, rate: 100}\n" W_REQ W_MEM, 2, 26,
                 "load.rate: '100' has no unit", "2000/s", NULL);
}

static void test_error_unknown_key(void **state)
{
    (void)state;
    expect_error(WORKLOAD, W_NAME W_LOAD "request:\n  instrucions: 150k\n" W_MEM, 4, 3,
                 "unknown key 'instrucions' in request", "did you mean 'instructions'",
                 "allowed: instructions, cpi, mem_refs_per_instruction, syscalls");
    expect_error(WORKLOAD, W_NAME "colour: blue\n" W_LOAD W_REQ W_MEM, 2, 1,
                 "unknown key 'colour' in a workload", "allowed: name, description, load", NULL);
    expect_error(WORKLOAD, W_NAME W_LOAD W_REQ "  disk: {reeds: 1}\n" W_MEM, 5, 10,
                 "unknown key 'reeds' in request.disk", "'reads'", NULL);
}

static void test_error_missing_key(void **state)
{
    (void)state;
    expect_error(WORKLOAD, W_NAME "load: {kind: open}\n" W_REQ W_MEM, 2, 7,
                 "load: missing required key 'rate' for kind open", NULL, NULL);
    expect_error(WORKLOAD, W_NAME "load: {kind: closed}\n" W_REQ W_MEM, 2, 7,
                 "missing required key 'clients' for kind closed", NULL, NULL);
    expect_error(WORKLOAD, W_NAME "load: {kind: batch}\n" W_REQ W_MEM, 2, 7,
                 "missing required key 'total' for kind batch", NULL, NULL);
    expect_error(WORKLOAD, W_NAME "load: {rate: 5/s}\n" W_REQ W_MEM, 2, 7,
                 "load: missing required key 'kind'", "open, closed or batch", NULL);
    expect_error(WORKLOAD, W_NAME W_LOAD W_REQ, 1, 1, "missing required key 'memory'", NULL, NULL);
    expect_error(WORKLOAD, W_LOAD W_REQ W_MEM, 1, 1, "missing required key 'name'", NULL, NULL);
    expect_error(WORKLOAD, W_NAME W_LOAD "request:\n  cpi: 2\n" W_MEM, 4, 3,
                 "request: missing required key 'instructions'", NULL, NULL);
    expect_error(WORKLOAD, W_NAME W_LOAD W_REQ "memory: {code: 1MiB}\n", 5, 9,
                 "memory: missing required key 'footprint'", NULL, NULL);
}

static void test_error_negative(void **state)
{
    (void)state;
    expect_error(WORKLOAD, W_NAME W_LOAD W_REQ "  syscalls: -3\n" W_MEM, 5, 13,
                 "syscalls: -3 is negative; expected a count >= 0", "request.", NULL);
    expect_error(WORKLOAD, W_NAME W_LOAD W_REQ "  disk: {reads: -1}\n" W_MEM, 5, 17,
                 "request.disk.reads: -1 is negative", NULL, NULL);
}

static void test_error_bad_choice(void **state)
{
    (void)state;
    expect_error(WORKLOAD, W_NAME "load: {kind: opne, rate: 1/s}\n" W_REQ W_MEM, 2, 14,
                 "load.kind: 'opne' is not allowed", "expected open, closed or batch",
                 "did you mean 'open'");
    expect_error(WORKLOAD, W_NAME "load: {kind: open, rate: 1/s, arrivals: bursty}\n" W_REQ W_MEM,
                 2, 41, "load.arrivals: 'bursty' is not allowed", "poisson or uniform", NULL);
    expect_error(WORKLOAD, W_NAME W_LOAD W_REQ "  disk: {sync: maybe}\n" W_MEM, 5, 16,
                 "request.disk.sync: 'maybe' is not allowed", "true or false", NULL);
}

static void test_error_key_of_other_kind(void **state)
{
    (void)state;
    expect_error(WORKLOAD, W_NAME "load: {kind: open, rate: 1/s, clients: 3}\n" W_REQ W_MEM, 2, 31,
                 "load.clients: not used by kind open", "rate and arrivals", NULL);
}

static void test_error_wrong_type(void **state)
{
    (void)state;
    expect_error(WORKLOAD, W_NAME W_LOAD W_REQ "  syscalls: [1, 2]\n" W_MEM, 5, 13,
                 "request.syscalls: expected a count such as 150k, not a sequence", NULL, NULL);
    expect_error(WORKLOAD, W_NAME "load: open\n" W_REQ W_MEM, 2, 7, "load: expected a mapping",
                 "not the scalar 'open'", NULL);
    expect_error(WORKLOAD, W_NAME W_LOAD W_REQ "  cpi:\n" W_MEM, 5, 7, "request.cpi: has no value",
                 NULL, NULL);
    expect_error(WORKLOAD, "name: [a]\n" W_LOAD W_REQ W_MEM, 1, 7, "name: expected a name",
                 "not a sequence", NULL);
}

static void test_error_values(void **state)
{
    (void)state;
    expect_error(WORKLOAD, W_NAME "load: {kind: closed, clients: 2.5}\n" W_REQ W_MEM, 2, 31,
                 "load.clients: '2.5' is not a whole number", NULL, NULL);
    expect_error(WORKLOAD, W_NAME "load: {kind: closed, clients: 0}\n" W_REQ W_MEM, 2, 31,
                 "load.clients: '0' is too small", ">= 1", NULL);
    /* 0/s is an idle guest (the timeline may set a rate); below 0 is not. */
    expect_error(WORKLOAD, W_NAME "load: {kind: open, rate: -5/s}\n" W_REQ W_MEM, 2, 26,
                 "load.rate: -5/s is negative", "rate >= 0", NULL);
    expect_error(WORKLOAD, W_NAME W_LOAD W_REQ "  cpi: 0\n" W_MEM, 5, 8,
                 "request.cpi: '0' must be greater than 0", NULL, NULL);
    expect_error(WORKLOAD, W_NAME W_LOAD W_REQ "  net: {rx_bytes: 1KiB}\n" W_MEM, 5, 19,
                 "request.net.rx_bytes", "rx_packets is 0", NULL);
    expect_error(WORKLOAD, W_NAME W_LOAD W_REQ "memory: {footprint: 64MiB, working_set: 1GiB}\n", 5,
                 41, "memory.working_set: 1 GiB is larger than the footprint (64 MiB)", NULL, NULL);
    expect_error(WORKLOAD, W_NAME W_LOAD W_REQ "  syscalls: 2G\n" W_MEM, 5, 13,
                 "request.syscalls: '2G' is too large", NULL, NULL);
    expect_error(WORKLOAD, W_NAME W_LOAD W_REQ "  disk: {reads: 1M}\n" W_MEM, 5, 17,
                 "request.disk.reads: '1M' is too large (at most 100000)", NULL, NULL);
    expect_error(WORKLOAD, W_NAME "load: {kind: closed, clients: 1, think_time: 48h}\n" W_REQ W_MEM,
                 2, 46, "load.think_time: '48h' is too large", NULL, NULL);
    expect_error(WORKLOAD, "name: \"web server\"\n" W_LOAD W_REQ W_MEM, 1, 7,
                 "name: 'web server' has the character ' '", "letters, digits", NULL);
    expect_error(WORKLOAD, "name: w\ndescription: [x]\n" W_LOAD W_REQ W_MEM, 2, 14,
                 "description: expected a line of text, not a sequence", NULL, NULL);
}

static void test_error_dist(void **state)
{
    (void)state;
    expect_error(WORKLOAD, W_NAME W_LOAD "request:\n  instructions: {dist: gauss, mean: 1}\n" W_MEM,
                 4, 24, "request.instructions.dist: 'gauss' is not allowed",
                 "constant, uniform, exponential, normal or lognormal", NULL);
    expect_error(WORKLOAD, W_NAME W_LOAD "request:\n  instructions: {mean: 1}\n" W_MEM, 4, 17,
                 "request.instructions: missing required key 'dist'", NULL, NULL);
    expect_error(WORKLOAD,
                 W_NAME W_LOAD "request:\n  instructions: {dist: uniform, min: 5, max: 1}\n" W_MEM,
                 4, 46, "max is smaller than min", NULL, NULL);
    expect_error(WORKLOAD,
                 W_NAME W_LOAD
                 "request:\n  instructions: {dist: exponential, mean: 1, stddev: 2}\n" W_MEM,
                 4, 46, "request.instructions.stddev: not used by dist exponential",
                 "exponential takes mean", NULL);
    expect_error(WORKLOAD,
                 W_NAME W_LOAD "request:\n  instructions: {dist: normal, mean: 1k}\n" W_MEM, 4, 17,
                 "missing required key 'stddev' for dist normal", NULL, NULL);
    expect_error(WORKLOAD,
                 W_NAME W_LOAD
                 "request:\n  instructions: {dist: normal, mean: 1ms, stddev: 1}\n" W_MEM,
                 4, 38, "request.instructions.mean: '1ms' is a time", NULL, NULL);
    expect_error(WORKLOAD, W_NAME "load: {kind: closed, clients: 1, think_time: 5}\n" W_REQ W_MEM,
                 2, 46, "load.think_time: '5' has no unit", "a time", NULL);
}

/* ---- YAML-level errors (any kind of file) ---- */

static void test_error_syntax(void **state)
{
    (void)state;
    expect_error(WORKLOAD, "name: w\nload: [1, 2\nrequest: x\n", 3, 8, "YAML syntax error",
                 "did not find expected ',' or ']'", "line 2, column 7");
    expect_error(WORKLOAD, "name: w\n  bad: indent\n", 2, 6, "YAML syntax error",
                 "mapping values are not allowed", NULL);
    expect_error(SCENARIO, "name: \"unterminated\n", 2, 1, "YAML syntax error", "quoted scalar",
                 NULL);
    expect_error(HOST, "a: b\n\tc: d\n", 2, 1, "YAML syntax error", NULL, NULL);
}

static void test_error_empty(void **state)
{
    (void)state;
    expect_error(WORKLOAD, "", 1, 1, "the file is empty", "expected a workload", NULL);
    expect_error(HOST, "# only a comment\n\n", 1, 1, "the file is empty", "host profile", NULL);
    expect_error(SCENARIO, "---\n", 1, 1, "the file is empty", "scenario", NULL);
}

static void test_error_top_level(void **state)
{
    (void)state;
    expect_error(WORKLOAD, "- a\n- b\n", 1, 1, "the top level must be a mapping", "not a sequence",
                 NULL);
    expect_error(SCENARIO, "just words\n", 1, 1, "the top level must be a mapping",
                 "not the scalar 'just words'", NULL);
}

static void test_error_duplicate_key(void **state)
{
    (void)state;
    expect_error(WORKLOAD, W_NAME W_LOAD "name: w2\n" W_REQ W_MEM, 3, 1, "duplicate key 'name'",
                 "first given at line 1", NULL);
    expect_error(WORKLOAD,
                 W_NAME W_LOAD "request:\n  instructions: 1\n  cpi: 1\n  instructions: 2\n" W_MEM,
                 6, 3, "duplicate key 'instructions'", "first given at line 4", NULL);
    expect_error(WORKLOAD, W_NAME "load: {kind: open, kind: closed}\n" W_REQ W_MEM, 2, 20,
                 "duplicate key 'kind'", NULL, NULL);
}

static void test_error_yaml_structure(void **state)
{
    (void)state;
    expect_error(WORKLOAD, "a: 1\n---\nb: 2\n", 2, 1, "a second YAML document", NULL, NULL);
    expect_error(WORKLOAD, "? [a, b]\n: 1\n", 1, 3, "a mapping key must be a scalar", NULL, NULL);
    expect_error(WORKLOAD, "name: \xff\n", 1, 7, "YAML cannot be read", "UTF-8", NULL);
    expect_error(WORKLOAD, "a: &x [*x]\n", 1, 4, "an alias refers to a node that contains it", NULL,
                 NULL);
    char deep[200];
    snprintf(deep, sizeof deep, "a: %.*s%.*s\n", 70,
             "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
             "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
             70, "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]");
    expect_error(WORKLOAD, deep, 1, 68, "nested more than 64 levels", NULL, NULL);
}

/* Aliases are read (a shared node), and the tree helpers work. */
static void test_yamltree(void **state)
{
    (void)state;
    const char *y = "x: &a [1, 2]\ny: *a\nz: ~\nq: '~'\n";
    struct vs_ydoc *d;
    struct vs_error e;
    assert_int_equal(vs_ydoc_load(y, strlen(y), "t", &d, &e), VS_OK);
    const struct vs_ynode *x = vs_ynode_get(d->root, "x"), *yy = vs_ynode_get(d->root, "y");
    assert_ptr_equal(x, yy);
    assert_int_equal(x->kind, VS_YNODE_SEQUENCE);
    assert_int_equal(x->count, 2);
    assert_string_equal(x->items[1]->text, "2");
    assert_int_equal(x->line, 1);
    assert_int_equal(x->column, 4); /* a node starts at its anchor */
    assert_true(vs_ynode_is_null(vs_ynode_get(d->root, "z")));
    assert_false(vs_ynode_is_null(vs_ynode_get(d->root, "q")));
    assert_null(vs_ynode_get(d->root, "nope"));
    assert_int_equal(vs_ynode_key(d->root, "y")->line, 2);
    assert_null(vs_ynode_get(x, "x"));
    vs_ydoc_free(d);
}

/* ---- host profiles ---- */

static void test_host_defaults(void **state)
{
    (void)state;
    const char *y = "name: tiny\ncpu: {cores: 2}\n";
    struct vs_host_spec h, d;
    struct vs_error e;
    assert_int_equal(vs_config_load_host(y, strlen(y), "t", &h, &e), VS_OK);
    vs_host_spec_defaults(&d);
    assert_string_equal(h.name, "tiny");
    assert_int_equal(h.cpu.cores, 2);
    h.cpu.cores = d.cpu.cores;
    memcpy(h.name, d.name, sizeof h.name);
    /* Everything else is the defaults, field for field. */
    assert_memory_equal(&h, &d, sizeof h);

    const char *full =
        "name: box\n"
        "cpu: {cores: 8, frequency: 2.5GHz, time_slice: 5ms, cap_period: 50ms, ipc: 0.6}\n"
        "memory: {capacity: 32GiB, reserved: 1GiB, latency: 90ns, large_pages: false}\n"
        "disk: {class: hdd, seek: 8ms, rpm: 5400rpm, read_latency: 0, write_latency: 0,\n"
        "       latency_dist: exponential, parallelism: 1, bandwidth: 150MB/s}\n"
        "nic: {bandwidth: 1Gbit, latency: 50us, overhead: 78B}\n"
        "costs: {syscall: 500, walk_ref: 10, copy_per_kib: 1k, psc_hit: 50%}\n";
    assert_int_equal(vs_config_load_host(full, strlen(full), "t", &h, &e), VS_OK);
    assert_int_equal(h.cpu.cores, 8);
    assert_true(h.cpu.frequency_hz == 2.5e9);
    assert_true(h.cpu.time_slice_ns == 5000000 && h.cpu.cap_period_ns == 50000000);
    assert_true(h.memory_bytes == 32 * GiB && h.host_reserved_bytes == GiB);
    assert_int_equal(h.disk.device_class, VS_DISK_HDD);
    assert_true(h.disk.seek_ns == 8000000 && h.disk.rpm == 5400);
    assert_int_equal(h.disk.latency_dist, VS_DIST_EXPONENTIAL);
    assert_int_equal(h.disk.parallelism, 1);
    assert_true(h.disk.bandwidth_bytes_per_s == 150e6);
    assert_true(h.nic.bandwidth_bits_per_s == 1e9 && h.nic.latency_ns == 50000);
    assert_int_equal(h.nic.overhead_bytes, 78);
    assert_true(vs_cost(&h.costs, VS_COST_SYSCALL_CYCLES) == 500);
    assert_true(vs_cost(&h.costs, VS_COST_WALK_REF_CYCLES) == 10);
    assert_true(h.cpu.ipc == 0.6 && h.memory_latency_ns == 90 && !h.large_pages);
    assert_true(vs_cost(&h.costs, VS_COST_PSC_HIT) == 0.5);
    assert_true(vs_cost(&h.costs, VS_COST_COPY_CYCLES_PER_KIB) == 1000);
    assert_true(vs_cost(&h.costs, VS_COST_PAGE_FAULT_CYCLES) ==
                vs_cost_info(VS_COST_PAGE_FAULT_CYCLES)->default_value);
}

static void test_host_errors(void **state)
{
    (void)state;
    expect_error(HOST, "name: h\ncosts: {syscal: 5}\n", 2, 9, "unknown key 'syscal' in costs",
                 "did you mean 'syscall'", "allowed: syscall, page_fault, tlb_walk_refs");
    expect_error(HOST, "name: h\ncosts:\n  syscall: 10ms\n", 3, 12,
                 "costs.syscall: '10ms' is a time", "a number of cycles", NULL);
    expect_error(HOST, "name: h\ncpu: {ipc: 0}\n", 2, 12, "cpu.ipc: '0' is out of range",
                 "relative to the reference core", "from 0.01 to 100");
    expect_error(HOST, "name: h\ncpu: {ipc: 1k}\n", 2, 12, "cpu.ipc: '1k' is out of range", NULL, NULL);
    expect_error(HOST, "name: h\ncosts: {psc_hit: 150%}\n", 2, 18, "costs.psc_hit: '150%' is a share",
                 "0% to 100%", NULL);
    expect_error(HOST, "name: h\ncosts: {walk_dram: 2}\n", 2, 20, "costs.walk_dram", NULL, NULL);
    expect_error(HOST, "name: h\nmemory: {latency: 80}\n", 2, 19, "memory.latency: '80' has no unit",
                 NULL, NULL);
    expect_error(HOST, "name: h\nmemory: {latency: 1s}\n", 2, 19, "memory.latency: '1s' is too long",
                 NULL, NULL);
    expect_error(HOST, "name: h\nmemory: {large_pages: maybe}\n", 2, 23,
                 "memory.large_pages: 'maybe' is not allowed", "true or false", NULL);
    expect_error(HOST, "name: h\nmemory: {capacity: 4GiB, reserved: 4GiB}\n", 2, 36,
                 "memory.reserved", "leaves nothing", NULL);
    expect_error(HOST, "name: h\ndisk: {class: tape}\n", 2, 15, "disk.class: 'tape' is not allowed",
                 "hdd, ssd or nvme", NULL);
    expect_error(HOST, "name: h\ndisk: {latency_dist: normal}\n", 2, 22,
                 "disk.latency_dist: 'normal' is not allowed", "constant or exponential", NULL);
    expect_error(HOST, "name: h\ncpu: {cores: 0}\n", 2, 14, "cpu.cores: '0' is too small", NULL,
                 NULL);
    expect_error(HOST, "name: h\ncpu: {frequency: 3}\n", 2, 18, "cpu.frequency: '3' has no unit",
                 "3GHz", NULL);
    expect_error(HOST, "name: h\nnic: {bandwidth: 10GiB}\n", 2, 18,
                 "nic.bandwidth: '10GiB' is a size", "a bit rate", NULL);
    expect_error(HOST, "name: h\ncpu: {cores: 4}\nprofile: current\n", 3, 1,
                 "unknown key 'profile' in a host profile", NULL, NULL);
    expect_error(HOST, "cpu: {cores: 4}\n", 1, 1, "missing required key 'name'", NULL, NULL);
}

/* ---- scenarios ---- */

#define S_HEAD "name: s\nduration: 2s\nwarmup: 0s\n"
#define S_GUEST "guests:\n  - name: web\n    workload: web-server\n"

static void test_scenario_good(void **state)
{
    (void)state;
    const char *y = "name: s\n"
                    "description: two groups\n"
                    "host: {profile: current, cpu: {cores: 8}, costs: {syscall: 400}}\n"
                    "duration: 5s\n"
                    "warmup: 500ms\n"
                    "seed: 18446744073709551615\n"
                    "compare: native\n"
                    "max_events: 200M\n"
                    "guests:\n"
                    "  - name: web\n"
                    "    workload: web-server\n"
                    "    count: 3\n"
                    "    vcpus: 2\n"
                    "    memory: 1GiB\n"
                    "    weight: 512\n"
                    "    cap: 150%\n"
                    "    queue_limit: 100\n"
                    "    load: {rate: 250/s}\n"
                    "  - name: calc\n"
                    "    workload:\n"
                    "      load: {kind: closed, clients: 1}\n"
                    "      request: {instructions: 1M}\n"
                    "      memory: {footprint: 1MiB}\n"
                    "    load: {kind: batch, total: 10}\n";
    static struct vs_scenario sc;
    struct vs_error e;
    int rc = vs_config_load_scenario(y, strlen(y), "s.yaml", NULL, &sc, &e);
    if (rc) print_error("%s:%d:%d: %s\n", e.file, e.line, e.column, e.message);
    assert_int_equal(rc, VS_OK);
    assert_string_equal(sc.name, "s");
    assert_string_equal(sc.description, "two groups");
    assert_string_equal(sc.file, "s.yaml");
    assert_string_equal(sc.hosts[0].spec.name, "current");
    assert_int_equal(sc.hosts[0].spec.cpu.cores, 8);
    assert_true(sc.hosts[0].spec.cpu.frequency_hz == 3e9);
    assert_true(vs_cost(&sc.hosts[0].spec.costs, VS_COST_SYSCALL_CYCLES) == 400);
    assert_true(sc.duration_ns == 5 * VS_NS_PER_S && sc.warmup_ns == 500 * VS_NS_PER_MS);
    assert_true(sc.seed == UINT64_MAX);
    assert_int_equal(sc.n_engines, 1);
    assert_string_equal(sc.engines[0], "native");
    assert_true(sc.max_events == 200000000);
    assert_int_equal(sc.n_guests, 2);
    const struct vs_guest_spec *g = &sc.guests[0];
    assert_string_equal(g->name, "web");
    assert_string_equal(g->workload.name, "web-server");
    assert_int_equal(g->count, 3);
    assert_int_equal(g->vcpus, 2);
    assert_true(g->memory_bytes == GiB && g->weight == 512 && g->cap_fraction == 1.5);
    assert_int_equal(g->queue_limit, 100);
    assert_int_equal(g->line, 10);
    /* The override changes the rate and keeps the rest of the built-in's load. */
    assert_int_equal(g->workload.load.kind, VS_LOAD_OPEN);
    assert_true(g->workload.load.rate_per_s == 250);
    assert_int_equal(g->workload.load.arrivals, VS_DIST_EXPONENTIAL);
    g = &sc.guests[1];
    /* An inline workload takes the guest's name; a kind change starts afresh. */
    assert_string_equal(g->workload.name, "calc");
    assert_int_equal(g->workload.load.kind, VS_LOAD_BATCH);
    assert_true(g->workload.load.total == 10);
    assert_int_equal(g->workload.load.clients, 0);
    assert_int_equal(g->count, 1);
    assert_int_equal(g->vcpus, 1);
    assert_true(g->weight == 256 && g->cap_fraction == 0);
    assert_int_equal(g->queue_limit, VS_DEFAULT_QUEUE_LIMIT);
}

static void test_scenario_defaults(void **state)
{
    (void)state;
    const char *y = "name: s\n" S_GUEST;
    static struct vs_scenario sc;
    struct vs_error e;
    assert_int_equal(vs_config_load_scenario(y, strlen(y), "s.yaml", NULL, &sc, &e), VS_OK);
    assert_string_equal(sc.hosts[0].spec.name, "current");
    assert_true(sc.duration_ns == 10 * VS_NS_PER_S);
    assert_true(sc.warmup_ns == VS_NS_PER_S);
    assert_true(sc.seed == 1);
    assert_true(sc.max_events == 500000000);
    assert_int_equal(sc.n_engines, 1);
    assert_string_equal(sc.engines[0], "native");
}

static void test_scenario_errors(void **state)
{
    (void)state;
    expect_error(SCENARIO, S_HEAD "compare: [native, vmwear]\n" S_GUEST, 4, 19,
                 "compare: unknown engine 'vmwear'", "known engines: native", NULL);
    expect_error(SCENARIO, S_HEAD "compare: [natve]\n" S_GUEST, 4, 11, "did you mean 'native'",
                 NULL, NULL);
    expect_error(SCENARIO, S_HEAD "compare: [native, native]\n" S_GUEST, 4, 19,
                 "engine 'native' is listed twice", NULL, NULL);
    expect_error(SCENARIO, S_HEAD "compare: []\n" S_GUEST, 4, 10, "compare: lists no engine", NULL,
                 NULL);
    expect_error(SCENARIO, S_HEAD "compare: {a: b}\n" S_GUEST, 4, 10, "compare: expected a list",
                 NULL, NULL);
    expect_error(SCENARIO, "name: s\nduration: 2s\nwarmup: 2s\n" S_GUEST, 3, 9,
                 "warmup: 2 s is not shorter than the duration (2 s)", NULL, NULL);
    expect_error(SCENARIO, "name: s\nduration: 0s\n" S_GUEST, 2, 11,
                 "duration: '0s' must be longer than 0", NULL, NULL);
    expect_error(SCENARIO, "name: s\nduration: 2days\n" S_GUEST, 2, 11, "unknown unit 'days'", NULL,
                 NULL);
    expect_error(SCENARIO, "name: s\nduration: 25h\n" S_GUEST, 2, 11, "too long", NULL, NULL);
    expect_error(SCENARIO, "name: s\nseed: -1\n" S_GUEST, 2, 7, "seed: '-1' is not allowed",
                 "whole number", NULL);
    expect_error(SCENARIO, "name: s\nseed: 18446744073709551616\n" S_GUEST, 2, 7,
                 "seed: '18446744073709551616' is not allowed", NULL, NULL);
    expect_error(SCENARIO, "name: s\nmax_events: 0\n" S_GUEST, 2, 13,
                 "max_events: '0' is too small", NULL, NULL);
    expect_error(SCENARIO, "name: s\nguests: []\n", 2, 9, "guests: the list is empty", NULL, NULL);
    expect_error(SCENARIO, "name: s\nguests:\n", 2, 8, "guests: has no value", NULL, NULL);
    expect_error(SCENARIO, "name: s\nguests: {name: web}\n", 2, 9, "guests: expected a list", NULL,
                 NULL);
    expect_error(SCENARIO, "name: s\n", 1, 1, "missing required key 'guests'", NULL, NULL);
    expect_error(SCENARIO, "name: s\nhots: current\n" S_GUEST, 2, 1, "unknown key 'hots'",
                 "did you mean 'host", NULL);
}

static void test_guest_errors(void **state)
{
    (void)state;
    expect_error(SCENARIO, S_HEAD "guests:\n  - name: web\n    workload: web-server\n    vcpu: 2\n",
                 7, 5, "unknown key 'vcpu' in guests[0]", "did you mean 'vcpus'",
                 "allowed: name, workload, count, vcpus");
    expect_error(SCENARIO, S_HEAD S_GUEST "    vcpus: 257\n", 7, 12,
                 "guests[0].vcpus: '257' is too large", "limit is 256", NULL);
    expect_error(SCENARIO, S_HEAD S_GUEST "    cap: 300%\n    vcpus: 2\n", 7, 10,
                 "guests[0].cap: '300%' is more than the guest's 2 vCPUs can use", "200%", NULL);
    expect_error(SCENARIO, S_HEAD S_GUEST "  - name: web\n    workload: cpu-bound\n", 7, 11,
                 "guests[1].name: 'web' is already the name of guests[0] (line 5)", "unique", NULL);
    expect_error(SCENARIO,
                 S_HEAD S_GUEST "    count: 3\n  - name: web-2\n    workload: cpu-bound\n", 8, 11,
                 "'web-2' clashes with the instance names of guests[0] 'web'", NULL, NULL);
    expect_error(SCENARIO, S_HEAD "guests:\n  - name: we/b\n    workload: web-server\n", 5, 11,
                 "guests[0].name: 'we/b' has the character '/'", NULL, NULL);
    expect_error(SCENARIO, S_HEAD "guests:\n  - workload: web-server\n", 5, 5,
                 "guests[0]: missing required key 'name'", NULL, NULL);
    expect_error(SCENARIO, S_HEAD "guests:\n  - web\n", 5, 5, "guests[0]: expected a mapping", NULL,
                 NULL);
    expect_error(SCENARIO,
                 S_HEAD "guests:\n  - name: a\n    workload: web-server\n    count: 4000\n"
                        "  - name: b\n    workload: web-server\n    count: 97\n",
                 10, 12, "guests[1].count: brings the total to 4097 guest instances",
                 "at most 4096", NULL);
    expect_error(SCENARIO, S_HEAD S_GUEST "    load: {rate: 0.5}\n", 7, 18,
                 "guests[0].load.rate: '0.5' has no unit", NULL, NULL);
    expect_error(SCENARIO, S_HEAD S_GUEST "    load: {kind: closed}\n", 7, 11,
                 "guests[0].load: missing required key 'clients' for kind closed", NULL, NULL);
    expect_error(SCENARIO, S_HEAD S_GUEST "    load: {clients: 2}\n", 7, 12,
                 "guests[0].load.clients: not used by kind open", NULL, NULL);
    expect_error(SCENARIO,
                 S_HEAD "guests:\n  - name: x\n    workload:\n      load: {kind: open, rate: 1/s}\n"
                        "      request: {instructions: 12ms}\n      memory: {footprint: 1MiB}\n",
                 8, 31, "guests[0].workload.request.instructions: '12ms' is a time", NULL, NULL);
    expect_error(SCENARIO, S_HEAD "guests:\n  - name: x\n    workload: [web-server]\n", 6, 15,
                 "guests[0].workload: expected the name or path of a workload", NULL, NULL);
}

static void test_too_many_groups(void **state)
{
    (void)state;
    char *y = malloc(65 * 64 + 64);
    assert_non_null(y);
    size_t used = (size_t)sprintf(y, "name: s\nguests:\n");
    for (int i = 0; i < VS_MAX_GUEST_GROUPS + 1; i++)
        used += (size_t)sprintf(y + used, "  - {name: g%d, workload: cpu-bound}\n", i);
    expect_error(SCENARIO, y, 3 + VS_MAX_GUEST_GROUPS, 5, "guests: 65 guest groups", "at most 64",
                 NULL);
    free(y);
}

static void test_reference_not_found(void **state)
{
    (void)state;
    expect_error(SCENARIO, S_HEAD "guests:\n  - name: web\n    workload: web-srv\n", 6, 15,
                 "guests[0].workload: 'web-srv' is neither a built-in workload nor a file",
                 "built-in workloads:", "web-server");
    expect_error(SCENARIO, "name: s\nhost: mainframe\n" S_GUEST, 2, 7,
                 "host: 'mainframe' is neither a built-in host nor a file", "current", NULL);
    expect_error(SCENARIO, "name: s\nhost: {profile: nope}\n" S_GUEST, 2, 17,
                 "host.profile: 'nope' is neither a built-in host", NULL, NULL);
    expect_error(SCENARIO, "name: s\nhost: {cpu: {cores: many}}\n" S_GUEST, 2, 21,
                 "host.cpu.cores: 'many' is not a number", NULL, NULL);

    struct vs_workload w;
    struct vs_error e;
    assert_int_equal(vs_config_resolve_workload("no-such-workload", NULL, &w, &e), VS_ERR_INPUT);
    assert_non_null(strstr(e.message, "'no-such-workload' is neither a built-in workload"));
    struct vs_host_spec h;
    assert_int_equal(vs_config_resolve_host("current", NULL, &h, &e), VS_OK);
    assert_string_equal(h.name, "current");
}

/* Files: a workload referenced from a scenario file is found relative to the
 * scenario's directory, and an error inside it is reported in its own file. */
static char tmpdir[64];

static void write_file(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int setup_dir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/vs_test_config_XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_dir(void **state)
{
    (void)state;
    static const char *const names[] = {"wl.yaml",   "bad-wl.yaml", "s.yaml",     "s2.yaml",
                                        "host.yaml", "what.yaml",   "empty.yaml", "hs.yaml"};
    char path[256];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", tmpdir, names[i]);
        unlink(path);
    }
    return rmdir(tmpdir);
}

static void test_files(void **state)
{
    (void)state;
    char path[256], wl[256], bad[256];
    write_file("wl.yaml",
               "name: mine\nload: {kind: open, rate: 10/s}\nrequest: {instructions: 1k}\n"
               "memory: {footprint: 1MiB}\n");
    write_file("bad-wl.yaml", "name: broken\nload: {kind: open, rate: 10/s}\nrequest:\n"
                              "  instructions: 1k\n  syscalls: -3\nmemory: {footprint: 1MiB}\n");
    write_file("s.yaml", "name: s\nguests:\n  - name: a\n    workload: wl.yaml\n");
    write_file("s2.yaml", "name: s\nguests:\n  - name: a\n    workload: bad-wl.yaml\n");
    write_file("host.yaml", "name: small\ncpu: {cores: 2}\n");
    write_file("hs.yaml",
               "name: s\nhost: host.yaml\nguests:\n  - name: a\n    workload: wl.yaml\n");

    static struct vs_scenario sc;
    struct vs_error e;
    snprintf(path, sizeof path, "%s/s.yaml", tmpdir);
    int rc = vs_config_load_scenario_file(path, &sc, &e);
    if (rc) print_error("%s:%d:%d: %s\n", e.file, e.line, e.column, e.message);
    assert_int_equal(rc, VS_OK);
    assert_string_equal(sc.guests[0].workload.name, "mine");
    assert_string_equal(sc.file, path);

    snprintf(path, sizeof path, "%s/hs.yaml", tmpdir);
    assert_int_equal(vs_config_load_scenario_file(path, &sc, &e), VS_OK);
    assert_string_equal(sc.hosts[0].spec.name, "small");
    assert_int_equal(sc.hosts[0].spec.cpu.cores, 2);

    snprintf(path, sizeof path, "%s/s2.yaml", tmpdir);
    snprintf(bad, sizeof bad, "%s/bad-wl.yaml", tmpdir);
    rc = vs_config_load_scenario_file(path, &sc, &e);
    check_error(&e, rc, "(s2.yaml)", bad, 5, 13, "request.syscalls: -3 is negative", NULL, NULL);

    /* A failed load leaves the caller's scenario as it was. */
    assert_string_equal(sc.hosts[0].spec.name, "small");

    struct vs_workload w;
    assert_int_equal(vs_config_resolve_workload("wl.yaml", tmpdir, &w, &e), VS_OK);
    assert_string_equal(w.name, "mine");
    snprintf(wl, sizeof wl, "%s/wl.yaml", tmpdir);
    assert_int_equal(vs_config_resolve_workload(wl, "/nonexistent", &w, &e), VS_OK);

    snprintf(path, sizeof path, "%s/missing.yaml", tmpdir);
    rc = vs_config_load_scenario_file(path, &sc, &e);
    assert_int_equal(rc, VS_ERR_INPUT);
    assert_string_equal(e.file, path);
    assert_non_null(strstr(e.message, "cannot open"));
    assert_non_null(strstr(e.message, "No such file or directory"));

    /* A directory is not a file. */
    rc = vs_config_load_scenario_file(tmpdir, &sc, &e);
    assert_int_equal(rc, VS_ERR_INPUT);
    assert_string_equal(e.file, tmpdir);
}

static void test_validate_file(void **state)
{
    (void)state;
    char path[256];
    enum vs_config_kind kind;
    struct vs_error e;
    write_file("wl.yaml",
               "name: mine\nload: {kind: open, rate: 10/s}\nrequest: {instructions: 1k}\n"
               "memory: {footprint: 1MiB}\n");
    write_file("host.yaml", "name: small\ncpu: {cores: 2}\n");
    write_file("s.yaml", "name: s\nguests:\n  - name: a\n    workload: wl.yaml\n");
    write_file("what.yaml", "name: x\ncolour: blue\n");
    write_file("empty.yaml", "");

    snprintf(path, sizeof path, "%s/wl.yaml", tmpdir);
    assert_int_equal(vs_config_validate_file(path, &kind, &e), VS_OK);
    assert_int_equal(kind, VS_CONFIG_WORKLOAD);
    snprintf(path, sizeof path, "%s/host.yaml", tmpdir);
    assert_int_equal(vs_config_validate_file(path, &kind, &e), VS_OK);
    assert_int_equal(kind, VS_CONFIG_HOST);
    snprintf(path, sizeof path, "%s/s.yaml", tmpdir);
    assert_int_equal(vs_config_validate_file(path, &kind, &e), VS_OK);
    assert_int_equal(kind, VS_CONFIG_SCENARIO);

    snprintf(path, sizeof path, "%s/what.yaml", tmpdir);
    int rc = vs_config_validate_file(path, &kind, &e);
    check_error(&e, rc, "(what.yaml)", path, 1, 1, "cannot tell what this file is", "'guests'",
                NULL);
    snprintf(path, sizeof path, "%s/empty.yaml", tmpdir);
    rc = vs_config_validate_file(path, &kind, &e);
    check_error(&e, rc, "(empty.yaml)", path, 1, 1, "the file is empty", NULL, NULL);
    snprintf(path, sizeof path, "%s/none.yaml", tmpdir);
    rc = vs_config_validate_file(path, &kind, &e);
    check_error(&e, rc, "(none.yaml)", path, 0, 0, "cannot open", "No such file", NULL);
}

/* ---- the built-in library ---- */

static void test_every_builtin_loads(void **state)
{
    (void)state;
    size_t counts[4] = {0};
    for (size_t i = 0; i < vs_builtin_count(); i++) {
        const struct vs_builtin *b = vs_builtin_at(i);
        char origin[300];
        snprintf(origin, sizeof origin, "builtin:%s", b->path);
        struct vs_error e;
        vs_error_clear(&e);
        int rc = VS_OK;
        if (b->kind == VS_BUILTIN_WORKLOAD) {
            struct vs_workload w;
            rc = vs_config_load_workload(b->data, b->len, origin, &w, &e);
            if (rc == VS_OK) assert_string_equal(w.name, b->name);
        } else if (b->kind == VS_BUILTIN_HOST) {
            struct vs_host_spec h;
            rc = vs_config_load_host(b->data, b->len, origin, &h, &e);
            if (rc == VS_OK) assert_string_equal(h.name, b->name);
        } else if (b->kind == VS_BUILTIN_SCENARIO) {
            static struct vs_scenario sc;
            rc = vs_config_load_scenario(b->data, b->len, origin, NULL, &sc, &e);
            if (rc == VS_OK) assert_string_equal(sc.name, b->name);
        }
        if (rc != VS_OK) {
            char buf[1200];
            vs_error_format(&e, buf, sizeof buf);
            print_error("%s\n", buf);
            fail();
        }
        /* Every library file opens with a comment saying what it models. */
        if (b->kind != VS_BUILTIN_LAB) assert_true(b->data[0] == '#');
        assert_true(strlen(b->data) == b->len);
        counts[b->kind]++;
    }
    assert_true(counts[VS_BUILTIN_WORKLOAD] >= 6);
    assert_true(counts[VS_BUILTIN_SCENARIO] >= 1);
    assert_true(counts[VS_BUILTIN_HOST] >= 1);
}

static void test_builtin_lookup(void **state)
{
    (void)state;
    static const char *const workloads[] = {"cpu-bound",     "syscall-heavy", "web-server",
                                            "database-oltp", "file-server",   "kernel-build"};
    for (size_t i = 0; i < sizeof workloads / sizeof workloads[0]; i++) {
        const struct vs_builtin *b = vs_builtin_find(VS_BUILTIN_WORKLOAD, workloads[i]);
        assert_non_null(b);
        assert_string_equal(b->name, workloads[i]);
    }
    assert_non_null(vs_builtin_find(VS_BUILTIN_HOST, "current"));
    const struct vs_builtin *d = vs_builtin_find(VS_BUILTIN_SCENARIO, VS_DEFAULT_SCENARIO);
    assert_non_null(d);
    assert_string_equal(d->path, "scenarios/default.yaml");
    assert_null(vs_builtin_find(VS_BUILTIN_SCENARIO, "web-server"));
    assert_null(vs_builtin_find(VS_BUILTIN_WORKLOAD, NULL));
    assert_null(vs_builtin_at(vs_builtin_count()));
    assert_string_equal(vs_builtin_kind_name(VS_BUILTIN_WORKLOAD), "workload");
    assert_string_equal(vs_builtin_kind_name(VS_BUILTIN_HOST), "host");
    assert_string_equal(vs_builtin_kind_name(VS_BUILTIN_SCENARIO), "scenario");
    assert_string_equal(vs_builtin_kind_name(VS_BUILTIN_LAB), "lab");
}

/* The `current` profile writes out exactly the defaults. */
static void test_current_host_is_defaults(void **state)
{
    (void)state;
    struct vs_host_spec h, d;
    struct vs_error e;
    assert_int_equal(vs_config_resolve_host("current", NULL, &h, &e), VS_OK);
    vs_host_spec_defaults(&d);
    memcpy(h.name, d.name, sizeof h.name);
    memcpy(h.description, d.description, sizeof h.description);
    assert_memory_equal(&h, &d, sizeof h);
    assert_int_equal(d.cpu.cores, 16);
    assert_true(d.cpu.frequency_hz == 3e9);
    assert_true(d.memory_bytes == 64 * GiB && d.host_reserved_bytes == 2 * GiB);
    assert_int_equal(d.disk.device_class, VS_DISK_NVME);
    assert_int_equal(d.disk.parallelism, 32);
    assert_true(d.nic.bandwidth_bits_per_s == 10e9);
    for (int i = 0; i < VS_COST_COUNT; i++)
        assert_true(d.costs.value[i] == vs_cost_info((enum vs_cost_id)i)->default_value);
}

static void test_default_scenario(void **state)
{
    (void)state;
    const struct vs_builtin *b = vs_builtin_find(VS_BUILTIN_SCENARIO, VS_DEFAULT_SCENARIO);
    assert_non_null(b);
    static struct vs_scenario sc;
    struct vs_error e;
    assert_int_equal(
        vs_config_load_scenario(b->data, b->len, "builtin:scenarios/default.yaml", NULL, &sc, &e),
        VS_OK);
    assert_string_equal(sc.name, "default");
    assert_true(sc.seed == 42);
    assert_true(sc.duration_ns == 10 * VS_NS_PER_S);
    assert_true(sc.warmup_ns == VS_NS_PER_S);
    /* The default scenario compares native with one system of each approach. */
    assert_int_equal(sc.n_engines, 5);
    assert_string_equal(sc.engines[0], "native");
    assert_string_equal(sc.engines[1], "qemu");
    assert_string_equal(sc.engines[2], "xen-pv");
    assert_string_equal(sc.engines[3], "kvm");
    assert_string_equal(sc.engines[4], "lxc");
    assert_string_equal(sc.hosts[0].spec.name, "current");
    assert_int_equal(sc.n_guests, 4);
    static const char *const names[] = {"web", "db", "files", "build"};
    static const char *const wls[] = {"web-server", "database-oltp", "file-server", "kernel-build"};
    for (int i = 0; i < 4; i++) {
        assert_string_equal(sc.guests[i].name, names[i]);
        assert_string_equal(sc.guests[i].workload.name, wls[i]);
    }
    assert_int_equal(sc.guests[0].count, 4);
    assert_true(sc.guests[0].workload.load.rate_per_s == 500);
    assert_int_equal(sc.guests[3].workload.load.kind, VS_LOAD_BATCH);
    assert_true(sc.guests[3].workload.load.total == 140);
    assert_int_equal(sc.guests[3].vcpus, 8);
}

/* Every engine listed by the registry is accepted in compare:. */
static void test_compare_every_engine(void **state)
{
    (void)state;
    for (size_t i = 0; i < vs_engine_count(); i++) {
        char y[256];
        snprintf(y, sizeof y, "name: s\ncompare: [%s]\n" S_GUEST, vs_engine_at(i)->name);
        struct vs_error e;
        assert_int_equal(load(SCENARIO, y, NULL, &e), VS_OK);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_workload_good),
        cmocka_unit_test(test_workload_defaults),
        cmocka_unit_test(test_workload_large_pages),
        cmocka_unit_test(test_load_kinds),
        cmocka_unit_test(test_error_wrong_unit),
        cmocka_unit_test(test_error_unknown_key),
        cmocka_unit_test(test_error_missing_key),
        cmocka_unit_test(test_error_negative),
        cmocka_unit_test(test_error_bad_choice),
        cmocka_unit_test(test_error_key_of_other_kind),
        cmocka_unit_test(test_error_wrong_type),
        cmocka_unit_test(test_error_values),
        cmocka_unit_test(test_error_dist),
        cmocka_unit_test(test_error_syntax),
        cmocka_unit_test(test_error_empty),
        cmocka_unit_test(test_error_top_level),
        cmocka_unit_test(test_error_duplicate_key),
        cmocka_unit_test(test_error_yaml_structure),
        cmocka_unit_test(test_yamltree),
        cmocka_unit_test(test_host_defaults),
        cmocka_unit_test(test_host_errors),
        cmocka_unit_test(test_scenario_good),
        cmocka_unit_test(test_scenario_defaults),
        cmocka_unit_test(test_scenario_errors),
        cmocka_unit_test(test_guest_errors),
        cmocka_unit_test(test_too_many_groups),
        cmocka_unit_test(test_reference_not_found),
        cmocka_unit_test_setup_teardown(test_files, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_validate_file, setup_dir, teardown_dir),
        cmocka_unit_test(test_every_builtin_loads),
        cmocka_unit_test(test_builtin_lookup),
        cmocka_unit_test(test_current_host_is_defaults),
        cmocka_unit_test(test_default_scenario),
        cmocka_unit_test(test_compare_every_engine),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
