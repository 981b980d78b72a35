/* The platform the kernel components build on: several hosts joined by
 * links, a timeline of events, guests paused, resumed, started and stopped
 * while they run. Invariants checked:
 *  - stepping a simulation in arbitrary steps gives byte-identical results
 *    to one run to the end, for every engine preset;
 *  - traffic between guests on two hosts is limited by the link's bandwidth
 *    (within 1 %) and carries its latency (twice per request: there and
 *    back); a host's CPU is used only by the guests on it;
 *  - a paused guest completes nothing and uses no CPU while paused; its
 *    open-loop queue builds up, and drains after resume;
 *  - a guest started at run time adds exactly its footprint to the host's
 *    memory, and stopping it gives it back;
 *  - `set` changes a running group's load rate;
 *  - the loader refuses an unknown action, a guest that does not exist (or
 *    not yet), a time past the run, with FILE:LINE:COL.
 * Scenarios are written here, small, so each figure has a closed form. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>

#include "virtsim/load/config.h"
#include "virtsim/model/component.h"
#include "virtsim/model/engine.h"
#include "virtsim/out/report.h"
#include "virtsim/run/sim.h"
#include "virtsim/run/stepper.h"

static struct vs_scenario *load(const char *yaml)
{
    struct vs_scenario *sc = malloc(sizeof *sc);
    struct vs_error err;
    int rc = vs_config_load_scenario(yaml, strlen(yaml), "test.yaml", NULL, sc, &err);
    if (rc != VS_OK) print_error("%s:%d:%d: %s\n", err.file, err.line, err.column, err.message);
    assert_int_equal(rc, VS_OK);
    return sc;
}

static void run_to_end(const struct vs_scenario *sc, const char *engine, vs_time_ns step,
                       struct vs_run_result *out)
{
    struct vs_sim *s;
    struct vs_error err;
    int rc = vs_sim_create(sc, engine, sc->seed, &s, &err);
    if (rc != VS_OK) print_error("%s: %s\n", engine, err.message);
    assert_int_equal(rc, VS_OK);
    if (step <= 0) {
        assert_int_equal(vs_sim_advance(s, VS_TIME_NEVER, &err), VS_OK);
    } else {
        /* Uneven steps: a prime number of ns, then a different one. */
        vs_time_ns t = 0;
        for (int k = 0; !vs_sim_done(s); k++) {
            t += k % 2 ? step : step * 7 / 3 + 1;
            assert_int_equal(vs_sim_advance(s, t, &err), VS_OK);
            /* A snapshot in the middle must not disturb the run. */
            if (k % 5 == 0) {
                struct vs_run_result mid;
                assert_int_equal(vs_sim_snapshot(s, &mid, &err), VS_OK);
                vs_run_result_free(&mid);
            }
        }
    }
    assert_int_equal(vs_sim_snapshot(s, out, &err), VS_OK);
    vs_sim_destroy(s);
}

static char *as_json(const struct vs_scenario *sc, struct vs_run_result *run)
{
    struct vs_results r = {0};
    snprintf(r.scenario, sizeof r.scenario, "%s", sc->name);
    r.seed = sc->seed;
    r.duration_ns = sc->duration_ns;
    r.warmup_ns = sc->warmup_ns;
    r.runs = run;
    r.n_runs = 1;
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    struct vs_error err;
    assert_int_equal(vs_report_write(m, &r, VS_REPORT_JSON, &err), VS_OK);
    fclose(m);
    return text;
}

static const char two_hosts_yaml[] =
    "name: two\n"
    "hosts:\n"
    "  - {name: a, profile: current}\n"
    "  - {name: b, profile: current}\n"
    "links:\n"
    "  - {hosts: [a, b], bandwidth: 1Gbit, latency: 100us}\n"
    "duration: 2s\n"
    "warmup: 200ms\n"
    "seed: 5\n"
    "guests:\n"
    "  - name: srv\n"
    "    host: a\n"
    "    count: 2\n"
    "    clients_from: cli\n"
    "    workload: {name: s, load: {kind: open, rate: 300/s},\n"
    "               request: {instructions: 100k, syscalls: 5, page_faults: 1, disk: {reads: 0.2, read_size: 4KiB},\n"
    "                         net: {rx_packets: 2, rx_bytes: 2KiB, tx_packets: 8, tx_bytes: 11KiB}},\n"
    "               memory: {footprint: 256MiB}}\n"
    "  - name: cli\n"
    "    host: b\n"
    "    workload: {name: c, load: {kind: open, rate: 50/s}, request: {instructions: 10k},\n"
    "               memory: {footprint: 64MiB}}\n"
    "events:\n"
    "  - {at: 600ms, pause: srv-2}\n"
    "  - {at: 900ms, resume: srv-2}\n"
    "  - {at: 1200ms, set: {guest: srv, load.rate: 400/s}}\n";

/* Every preset the host can run, stepped unevenly, equals the run to the end. */
static void test_stepping_is_invisible(void **state)
{
    (void)state;
    struct vs_scenario *sc = load(two_hosts_yaml);
    int tried = 0;
    for (size_t e = 0; e < vs_engine_count(); e++) {
        const struct vs_engine_ops *ops = vs_engine_at(e);
        for (size_t p = 0; p < ops->n_presets; p++) {
            struct vs_engine probe;
            struct vs_error err;
            if (vs_engine_open(ops->presets[p].name, &sc->hosts[0].spec, &probe, &err) != VS_OK) continue;
            vs_engine_close(&probe);
            struct vs_run_result whole, stepped;
            run_to_end(sc, ops->presets[p].name, 0, &whole);
            run_to_end(sc, ops->presets[p].name, 37 * VS_NS_PER_MS + 3, &stepped);
            char *a = as_json(sc, &whole), *b = as_json(sc, &stepped);
            if (strcmp(a, b) != 0) print_error("preset %s differs when stepped\n", ops->presets[p].name);
            assert_string_equal(a, b);
            assert_true(whole.n_applied == 3);
            free(a);
            free(b);
            vs_run_result_free(&whole);
            vs_run_result_free(&stepped);
            tried++;
        }
    }
    assert_true(tried >= 10);
    free(sc);
}

static const struct vs_guest_result *group(const struct vs_run_result *r, const char *name)
{
    for (uint32_t g = 0; g < r->n_groups; g++)
        if (strcmp(r->groups[g].name, name) == 0) return &r->groups[g];
    fail_msg("no group %s", name);
    return NULL;
}

static double cpu_busy(const double ns[VS_CAT_COUNT])
{
    double s = 0;
    for (int c = 0; c < VS_CAT_COUNT; c++)
        if (c != VS_CAT_IDLE) s += ns[c];
    return s;
}

/* A link slower than the offered traffic carries exactly its bandwidth. */
static void test_link_bandwidth_and_latency(void **state)
{
    (void)state;
    /* 1500-byte payloads and 38 bytes of framing: the payload share is
     * 1500/1538 of the link's 100 Mbit/s. The server wants to send
     * 2000 x 16 x 1500 B = 384 Mbit/s: the link limits it. */
    static const char yaml[] =
        "name: link\n"
        "hosts: [{name: a}, {name: b}]\n"
        "links: [{hosts: [a, b], bandwidth: 100Mbit, latency: 0us, overhead: 38B}]\n"
        "duration: 3s\n"
        "warmup: 1s\n"
        "guests:\n"
        "  - name: srv\n"
        "    host: a\n"
        "    clients_from: cli\n"
        "    queue_limit: 200\n"
        "    vcpus: 4\n"
        "    workload: {name: s, load: {kind: open, rate: 2000/s}, request: {instructions: 10k,\n"
        "               net: {tx_packets: 16, tx_bytes: 24000B}}, memory: {footprint: 64MiB}}\n"
        "  - name: cli\n"
        "    host: b\n"
        "    workload: {name: c, load: {kind: open, rate: 0/s}, request: {instructions: 1k},\n"
        "               memory: {footprint: 64MiB}}\n";
    struct vs_scenario *sc = load(yaml);
    struct vs_run_result r;
    run_to_end(sc, "native", 0, &r);
    const struct vs_guest_result *srv = group(&r, "srv");
    double payload_bits_per_s = (double)srv->net_tx_bytes * 8 * 1e9 / (double)r.window_ns;
    assert_within_rel(payload_bits_per_s, 100e6 * 1500.0 / 1538.0, 0.01);
    assert_int_equal(r.n_links, 1);
    /* a -> b: the first direction of the a <-> b link. */
    assert_true(r.links[0].utilisation[0] > 0.99);
    assert_true(r.links[0].utilisation[1] < 0.01);
    /* Both NICs carried it too, at the link's rate over theirs. */
    assert_int_equal(r.n_hosts, 2);
    assert_within_rel(r.hosts[0].nic_tx_utilisation, 100e6 / r.hosts[0].spec.nic.bandwidth_bits_per_s, 0.02);
    assert_within_rel(r.hosts[1].nic_rx_utilisation, 100e6 / r.hosts[1].spec.nic.bandwidth_bits_per_s, 0.02);
    /* The clients' host runs nothing: its cores stayed idle. */
    assert_true(cpu_busy(r.hosts[0].cpu_ns_by_cat) > 0);
    assert_true(cpu_busy(r.hosts[1].cpu_ns_by_cat) == 0);
    assert_string_equal(srv->host, "a");
    vs_run_result_free(&r);

    /* Latency: a light load, the link's latency added there and back. */
    sc->guests[0].workload.load.rate_per_s = 20;
    run_to_end(sc, "native", 0, &r);
    double p50_fast = (double)group(&r, "srv")->latency.p50_ns;
    vs_run_result_free(&r);
    sc->links[0].net.latency_ns = 2 * VS_NS_PER_MS;
    run_to_end(sc, "native", 0, &r);
    double p50_slow = (double)group(&r, "srv")->latency.p50_ns;
    vs_run_result_free(&r);
    /* Only the response crosses the link (the request has no packets):
     * one latency, within the histogram's resolution. */
    assert_within_rel(p50_slow - p50_fast, 2e6, 0.02);
    free(sc);
}

/* Paused: nothing completes, no CPU; the queue drains after resume. */
static void test_pause_resume(void **state)
{
    (void)state;
    static const char yaml[] =
        "name: pause\n"
        "host: current\n"
        "duration: 3s\n"
        "warmup: 100ms\n"
        "guests:\n"
        "  - name: web\n"
        "    queue_limit: 100000\n"
        "    workload: {name: w, load: {kind: open, rate: 1000/s}, request: {instructions: 200k},\n"
        "               memory: {footprint: 64MiB}}\n"
        "events:\n"
        "  - {at: 1s, pause: web}\n"
        "  - {at: 1500ms, resume: web}\n";
    struct vs_scenario *sc = load(yaml);
    struct vs_sim *s;
    struct vs_error err;
    assert_int_equal(vs_sim_create(sc, "kvm", sc->seed, &s, &err), VS_OK);
    /* The timeline counts from the end of boot. */
    vs_time_ns booted = vs_sim_booted(s);
    assert_true(booted > 0);

    struct vs_run_result a, b, c;
    assert_int_equal(vs_sim_advance(s, booted + 1010 * VS_NS_PER_MS, &err), VS_OK);
    assert_int_equal(vs_sim_snapshot(s, &a, &err), VS_OK);
    assert_int_equal(vs_sim_advance(s, booted + 1490 * VS_NS_PER_MS, &err), VS_OK);
    assert_int_equal(vs_sim_snapshot(s, &b, &err), VS_OK);
    assert_int_equal(a.instances[0].state, VS_GUEST_PAUSED);
    /* While paused: nothing completed, no CPU used, arrivals went on. */
    assert_true(b.groups[0].completed == a.groups[0].completed);
    assert_true(cpu_busy(b.groups[0].cpu_ns) == cpu_busy(a.groups[0].cpu_ns));
    assert_true(b.groups[0].arrived - a.groups[0].arrived > 400);
    assert_true(a.n_applied == 1 && a.applied[0].ok);
    assert_int_equal(vs_sim_advance(s, VS_TIME_NEVER, &err), VS_OK);
    assert_int_equal(vs_sim_snapshot(s, &c, &err), VS_OK);
    assert_int_equal(c.instances[0].state, VS_GUEST_RUNNING);
    /* Drained: what arrived was served, and the ones that waited through
     * the pause waited about as long as it lasted. */
    assert_true(c.groups[0].arrived - c.groups[0].completed < 20);
    assert_true(c.groups[0].latency.max_ns > 400 * VS_NS_PER_MS);
    assert_true(c.n_applied == 2 && c.applied[1].ok);
    vs_run_result_free(&a);
    vs_run_result_free(&b);
    vs_run_result_free(&c);
    vs_sim_destroy(s);
    free(sc);
}

/* Started and stopped at run time: memory follows exactly. */
static void test_start_stop_memory(void **state)
{
    (void)state;
    static const char yaml[] =
        "name: startstop\n"
        "host: current\n"
        "duration: 2s\n"
        "warmup: 100ms\n"
        "guests:\n"
        "  - name: web\n"
        "    count: 2\n"
        "    workload: {name: w, load: {kind: open, rate: 100/s}, request: {instructions: 100k},\n"
        "               memory: {footprint: 512MiB}}\n"
        "events:\n"
        "  - {at: 500ms, start: web, count: 2}\n"
        "  - {at: 1s, stop: web-3}\n"
        "  - {at: 1500ms, stop: web-1}\n"
        "  - {at: 1600ms, stop: web-1}\n";
    /* xen-pv: every VM is charged its memory and the hypervisor's overhead. */
    struct vs_scenario *sc = load(yaml);
    assert_int_equal(sc->guests[0].started_later, 2);
    struct vs_sim *s;
    struct vs_error err;
    assert_int_equal(vs_sim_create(sc, "xen-pv", sc->seed, &s, &err), VS_OK);
    double used[5];
    struct vs_run_result r;
    vs_time_ns booted = vs_sim_booted(s);
    const vs_time_ns marks[] = {400, 700, 1200, 1550, 1999};
    for (int k = 0; k < 5; k++) {
        assert_int_equal(vs_sim_advance(s, booted + marks[k] * VS_NS_PER_MS, &err), VS_OK);
        assert_int_equal(vs_sim_snapshot(s, &r, &err), VS_OK);
        used[k] = r.host.mem_used_bytes;
        if (k == 4) {
            /* The second stop of web-1 was refused, and said why. */
            assert_int_equal(r.n_applied, 4);
            assert_true(r.applied[0].ok && r.applied[1].ok && r.applied[2].ok);
            assert_false(r.applied[3].ok);
            assert_non_null(strstr(r.applied[3].text, "not running"));
            assert_int_equal(r.instances[0].state, VS_GUEST_STOPPED);
            /* The lifecycle component's hooks saw each start and stop once
             * (its snapshot hook reports them). */
            double started = -1, stopped = -1;
            for (uint32_t f = 0; f < r.n_figures; f++) {
                if (strcmp(r.figures[f].name, "guests_started") == 0) started = r.figures[f].value;
                if (strcmp(r.figures[f].name, "guests_stopped") == 0) stopped = r.figures[f].value;
            }
            assert_true(started == 2 && stopped == 2);
            assert_int_equal(r.instances[2].state, VS_GUEST_STOPPED);
            /* web-4 started at 500 ms and is still booting or running. */
            assert_true(r.instances[3].state == VS_GUEST_BOOTING || r.instances[3].state == VS_GUEST_RUNNING);
        }
        if (k == 1) {
            /* One instance's footprint: what the engine charges per guest. */
            double per = 0;
            for (int p = 0; p < VS_MEM_PART_COUNT; p++)
                if (p != VS_MEM_SHARED) per += r.instances[2].memory.bytes[p];
            assert_true(per > 512.0 * (1 << 20));
            assert_within_rel(used[1] - used[0], 2 * per, 1e-12);
            assert_within_rel(used[1] - used[0], 2 * per, 1e-12);
        }
        vs_run_result_free(&r);
    }
    assert_within_rel(used[1] - used[2], (used[1] - used[0]) / 2, 1e-12);
    assert_within_rel(used[2] - used[3], (used[1] - used[0]) / 2, 1e-12);
    assert_true(used[4] == used[3]);
    vs_sim_destroy(s);
    free(sc);
}

/* `set` takes effect: the rate after it is the new one. */
static void test_set_load_rate(void **state)
{
    (void)state;
    static const char yaml[] =
        "name: set\n"
        "duration: 4s\n"
        "warmup: 2s\n"
        "guests:\n"
        "  - name: web\n"
        "    workload: {name: w, load: {kind: open, rate: 0/s}, request: {instructions: 50k},\n"
        "               memory: {footprint: 64MiB}}\n"
        "events:\n"
        "  - {at: 1s, set: {guest: web, load.rate: 3000/s}}\n";
    struct vs_scenario *sc = load(yaml);
    struct vs_run_result r;
    run_to_end(sc, "lxc", 0, &r);
    /* Measured over [2 s, 4 s], all after the change. */
    assert_within_rel(r.groups[0].throughput_per_s, 3000, 0.05);
    vs_run_result_free(&r);
    free(sc);
}

static void expect_error(const char *yaml, const char *where, const char *text)
{
    struct vs_scenario *sc = malloc(sizeof *sc);
    struct vs_error err;
    int rc = vs_config_load_scenario(yaml, strlen(yaml), "t.yaml", NULL, sc, &err);
    char got[1400];
    snprintf(got, sizeof got, "%s:%d:%d: %s", err.file, err.line, err.column, err.message);
    if (rc != VS_ERR_INPUT || !strstr(got, where) || !strstr(got, text))
        print_error("got rc %d, %s\nexpected %s ... %s\n", rc, got, where, text);
    assert_int_equal(rc, VS_ERR_INPUT);
    assert_non_null(strstr(got, where));
    assert_non_null(strstr(got, text));
    free(sc);
}

static void test_timeline_errors(void **state)
{
    (void)state;
    const char *head = "name: e\nduration: 5s\nguests:\n  - {name: web, workload: web-server, count: 2}\n";
    char y[1024];
    snprintf(y, sizeof y, "%sevents:\n  - {at: 1s, paws: web}\n", head);
    expect_error(y, "t.yaml:6:14:", "unknown action 'paws' (did you mean 'pause'?)");
    snprintf(y, sizeof y, "%sevents:\n  - {at: 1s, pause: db}\n", head);
    expect_error(y, "t.yaml:6:21:", "no guest or group is called 'db'");
    snprintf(y, sizeof y, "%sevents:\n  - {at: 1s, pause: web-3}\n", head);
    expect_error(y, "t.yaml:6:21:", "no guest or group is called 'web-3' at that time");
    /* web-3 exists once a start has added it, even if listed first. */
    snprintf(y, sizeof y, "%sevents:\n  - {at: 3s, pause: web-3}\n  - {at: 2s, start: web}\n", head);
    struct vs_scenario *sc = load(y);
    assert_string_equal(sc->events[0].action, "start");
    free(sc);
    snprintf(y, sizeof y, "%sevents:\n  - {at: 6s, stop: web}\n", head);
    expect_error(y, "t.yaml:6:10:", "past the end of the run");
    snprintf(y, sizeof y, "%sevents:\n  - {at: 1s, set: {guest: web, load.rat: 5/s}}\n", head);
    expect_error(y, "t.yaml:6:32:", "unknown field 'load.rat'");
    snprintf(y, sizeof y, "%sevents:\n  - {at: 1s, start: web, count: 0}\n", head);
    expect_error(y, "t.yaml:6:33:", "expected a whole number from 1");
    snprintf(y, sizeof y, "name: e\nhosts: [{name: a}, {name: b}]\nguests:\n  - {name: web, workload: web-server, host: c}\n");
    expect_error(y, "t.yaml:4:45:", "no host is called 'c'");
    snprintf(y, sizeof y, "name: e\nhosts: [{name: a}]\nlinks: [{hosts: [a, x], bandwidth: 1Gbit}]\n"
                          "guests:\n  - {name: web, workload: web-server}\n");
    expect_error(y, "t.yaml:3:21:", "no host is called 'x'");
    snprintf(y, sizeof y, "name: e\nhost: current\nhosts: [{name: a}]\nguests:\n  - {name: web, workload: web-server}\n");
    expect_error(y, "t.yaml:3:8:", "either host: (one host) or hosts:");
}

/* Clients on a host no link reaches: a clear error before the run. */
static void test_unreachable_clients(void **state)
{
    (void)state;
    static const char yaml[] =
        "name: nolink\n"
        "hosts: [{name: a}, {name: b}]\n"
        "guests:\n"
        "  - {name: srv, workload: web-server, host: a, clients_from: cli}\n"
        "  - {name: cli, workload: cpu-bound, host: b}\n";
    struct vs_scenario *sc = load(yaml);
    struct vs_sim *s;
    struct vs_error err;
    assert_int_equal(vs_sim_create(sc, "native", 1, &s, &err), VS_ERR_INPUT);
    assert_non_null(strstr(err.message, "no link joins the two hosts"));
    free(sc);
}

/* Placement: spread evens the hosts out; pack fills one before the next. */
static void test_placement(void **state)
{
    (void)state;
    static const char yaml[] =
        "name: place\n"
        "hosts: [{name: rack, count: 3, memory: {capacity: 4GiB, reserved: 0}}]\n"
        "duration: 1s\n"
        "guests:\n"
        "  - {name: s, workload: cpu-bound, count: 6, host: rack, memory: 1GiB}\n"
        "  - {name: p, workload: cpu-bound, count: 6, host: pack, memory: 2GiB}\n";
    struct vs_scenario *sc = load(yaml);
    struct vs_sim *s;
    struct vs_error err;
    assert_int_equal(vs_sim_create(sc, "kvm", 1, &s, &err), VS_OK);
    struct vs_run_result r;
    assert_int_equal(vs_sim_snapshot(s, &r, &err), VS_OK);
    assert_int_equal(r.n_hosts, 3);
    for (uint32_t k = 0; k < 6; k++) {
        char want[16];
        snprintf(want, sizeof want, "rack-%u", k % 3 + 1);
        assert_string_equal(r.instances[k].host, want);
    }
    /* Pack: the first host until the next guest would not fit, then the
     * second. What fits follows from what each VM is charged. */
    double s_mem = vs_mem_parts_total(&r.instances[0].memory), p_mem = vs_mem_parts_total(&r.instances[6].memory);
    int fit1 = (int)((4.0 * (1 << 30) - 2 * s_mem) / p_mem);
    assert_true(fit1 >= 1 && fit1 < 3);
    for (int k = 6; k < 12; k++) {
        const char *want = k - 6 < fit1 ? "rack-1" : k - 6 < 2 * fit1 ? "rack-2" : "rack-3";
        assert_string_equal(r.instances[k].host, want);
    }
    assert_string_equal(r.groups[0].host, "3 hosts");
    vs_run_result_free(&r);
    vs_sim_destroy(s);
    free(sc);
}

/* The stepper reports each applied event once, on the simulation's clock. */
static void test_stepper_reports_events(void **state)
{
    (void)state;
    struct vs_scenario *sc = load(two_hosts_yaml);
    sc->n_engines = 1;
    snprintf(sc->engines[0], sizeof sc->engines[0], "kvm");
    struct vs_sim *probe;
    struct vs_error err;
    assert_int_equal(vs_sim_create(sc, "kvm", sc->seed, &probe, &err), VS_OK);
    vs_time_ns booted = vs_sim_booted(probe);
    vs_sim_destroy(probe);
    struct vs_stepper *st;
    assert_int_equal(vs_stepper_create(sc, sc->seed, 100 * VS_NS_PER_MS, 64, &st, &err), VS_OK);
    int pauses = 0, resumes = 0, sets = 0;
    while (!vs_stepper_done(st)) {
        assert_int_equal(vs_stepper_advance(st, 77 * VS_NS_PER_MS, &err), VS_OK);
        uint32_t n;
        const struct vs_step_change *c = vs_stepper_take_changes(st, &n);
        for (uint32_t i = 0; i < n; i++) {
            if (strstr(c[i].text, "pause srv-2")) {
                pauses++;
                assert_true(c[i].at_ns == booted + 600 * VS_NS_PER_MS);
            }
            if (strstr(c[i].text, "resume srv-2")) {
                resumes++;
                assert_true(c[i].at_ns == booted + 900 * VS_NS_PER_MS);
            }
            sets += strstr(c[i].text, "set srv load.rate=400/s") != NULL;
        }
    }
    assert_int_equal(pauses, 1);
    assert_int_equal(resumes, 1);
    assert_int_equal(sets, 1);
    vs_stepper_destroy(st);
    free(sc);
}

/* The component registry: unique names, unique actions, each action with a
 * handler and a target key, and a lookup that finds its owner. */
static void test_component_registry(void **state)
{
    (void)state;
    assert_true(vs_component_count() >= 1);
    for (size_t a = 0; a < vs_component_count(); a++) {
        const struct vs_component_ops *ca = vs_component_at(a);
        for (size_t b = a + 1; b < vs_component_count(); b++)
            assert_string_not_equal(ca->name, vs_component_at(b)->name);
        for (size_t i = 0; i < ca->n_actions; i++) {
            const struct vs_action_def *d = &ca->actions[i];
            assert_non_null(d->apply);
            assert_non_null(d->target_key);
            const struct vs_component_ops *owner = NULL;
            assert_ptr_equal(vs_action_find(d->name, &owner), d); /* the first of that name is this one */
            assert_ptr_equal(owner, ca);
            assert_non_null(strstr(vs_action_names(), d->name));
        }
    }
    assert_null(vs_action_find("migrate-to-mars", NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stepping_is_invisible),
        cmocka_unit_test(test_link_bandwidth_and_latency),
        cmocka_unit_test(test_pause_resume),
        cmocka_unit_test(test_start_stop_memory),
        cmocka_unit_test(test_set_load_rate),
        cmocka_unit_test(test_timeline_errors),
        cmocka_unit_test(test_unreachable_clients),
        cmocka_unit_test(test_placement),
        cmocka_unit_test(test_stepper_reports_events),
        cmocka_unit_test(test_component_registry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
