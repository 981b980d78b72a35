/* The TUI's view model without a terminal: what keys do to the state, the
 * guest table's sorting and filtering, bar scaling and number formatting. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "virtsim/load/builtin.h"
#include "virtsim/load/config.h"
#include "virtsim/run/sim.h"
#include "virtsim/run/trace.h"
#include "virtsim/out/json_read.h"
#include "virtsim/out/palette.h"
#include "virtsim/run/tradeoff.h"
#include "virtsim/ui/tui.h"

static struct vs_tui *open_default(void)
{
    const struct vs_builtin *b = vs_builtin_find(VS_BUILTIN_SCENARIO, "default");
    assert_non_null(b);
    struct vs_scenario *sc = malloc(sizeof *sc);
    struct vs_error err;
    assert_int_equal(vs_config_load_scenario(b->data, b->len, "default", NULL, sc, &err), VS_OK);
    struct vs_tui *t = malloc(sizeof *t);
    assert_int_equal(vs_tui_init(t, sc, 42, &err), VS_OK);
    free(sc);
    return t;
}

static void close_tui(struct vs_tui *t)
{
    vs_tui_free(t);
    free(t);
}

/* Two hosts of different sizes (16 and 8 cores) joined by a link; the
 * clients of web run on the other host, and the timeline pauses one web. */
static const char two_hosts_yaml[] =
    "name: two-racks\n"
    "hosts:\n"
    "  - {name: web-host, profile: current}\n"
    "  - {name: client-host, profile: ept-2009}\n"
    "links:\n"
    "  - {hosts: [web-host, client-host], bandwidth: 1Gbit, latency: 50us}\n"
    "duration: 2s\n"
    "warmup: 200ms\n"
    "compare: [native, lxc]\n"
    "guests:\n"
    "  - {name: web, host: web-host, count: 2, clients_from: loadgen, workload: web-server}\n"
    "  - {name: loadgen, host: client-host, workload: cpu-bound, load: {kind: open, rate: 10/s}}\n"
    "events:\n"
    "  - {at: 1s, pause: web-2}\n";

static struct vs_tui *open_two_hosts(void)
{
    struct vs_scenario *sc = malloc(sizeof *sc);
    struct vs_error err;
    int rc = vs_config_load_scenario(two_hosts_yaml, sizeof two_hosts_yaml - 1, "two-racks.yaml", NULL, sc, &err);
    if (rc != VS_OK) print_error("%s\n", err.message);
    assert_int_equal(rc, VS_OK);
    struct vs_tui *t = malloc(sizeof *t);
    assert_int_equal(vs_tui_init(t, sc, 7, &err), VS_OK);
    free(sc);
    return t;
}

static void test_pause_stops_the_clock(void **state)
{
    (void)state;
    struct vs_tui *t = open_default();
    struct vs_error err;
    assert_int_equal(vs_tui_tick(t, 0.2, &err), VS_OK); /* 1x: 200 ms simulated */
    vs_time_ns t1 = t->snaps[0].now_ns;
    assert_true(t1 == 200 * VS_NS_PER_MS);
    vs_tui_key(t, ' ');
    assert_true(t->paused);
    assert_int_equal(vs_tui_tick(t, 5.0, &err), VS_OK);
    assert_true(t->snaps[0].now_ns == t1);
    vs_tui_key(t, 's'); /* a single step runs even when paused */
    assert_true(t->snaps[0].now_ns == t1 + 100 * VS_NS_PER_MS);
    vs_tui_key(t, 'p');
    assert_false(t->paused);
    vs_tui_key(t, '+'); /* 10x */
    assert_int_equal(vs_tui_tick(t, 0.01, &err), VS_OK);
    assert_true(t->snaps[0].now_ns == t1 + 200 * VS_NS_PER_MS);
    close_tui(t);
}

static void test_speeds_and_panels(void **state)
{
    (void)state;
    struct vs_tui *t = open_default();
    for (int i = 0; i < 10; i++) vs_tui_key(t, '+');
    assert_int_equal(t->speed, vs_tui_n_speeds - 1);
    assert_true(vs_tui_speeds[t->speed] == 0); /* as fast as possible */
    for (int i = 0; i < 10; i++) vs_tui_key(t, '-');
    assert_int_equal(t->speed, 0);
    assert_int_equal(t->panel, VS_TUI_COMPARE);
    vs_tui_key(t, VS_TUI_KEY_TAB);
    assert_int_equal(t->panel, VS_TUI_GUESTS);
    vs_tui_key(t, VS_TUI_KEY_TAB);
    assert_int_equal(t->panel, VS_TUI_GROUP);
    vs_tui_key(t, VS_TUI_KEY_TAB);
    assert_int_equal(t->panel, VS_TUI_TIMELINE);
    vs_tui_key(t, VS_TUI_KEY_BTAB);
    assert_int_equal(t->panel, VS_TUI_GROUP);
    vs_tui_key(t, VS_TUI_KEY_BTAB);
    assert_int_equal(t->panel, VS_TUI_GUESTS);
    vs_tui_key(t, VS_TUI_KEY_ENTER);
    assert_int_equal(t->panel, VS_TUI_DETAIL);
    vs_tui_key(t, VS_TUI_KEY_ESC);
    assert_int_equal(t->panel, VS_TUI_GUESTS);
    vs_tui_key(t, VS_TUI_KEY_ESC);
    assert_int_equal(t->panel, VS_TUI_COMPARE);
    /* Selection is clamped to the engines. */
    for (int i = 0; i < 20; i++) vs_tui_key(t, 'j');
    assert_int_equal(t->engine, (int)t->n_engines - 1);
    for (int i = 0; i < 20; i++) vs_tui_key(t, VS_TUI_KEY_UP);
    assert_int_equal(t->engine, 0);
    /* Mouse selection is clamped like the keys. */
    vs_tui_select(t, VS_TUI_GUESTS, 99, 99);
    assert_int_equal(t->panel, VS_TUI_GUESTS);
    assert_int_equal(t->engine, (int)t->n_engines - 1);
    assert_int_equal(t->row, 8);
    vs_tui_select(t, VS_TUI_COMPARE, 0, -1);
    assert_int_equal(t->engine, 0);
    vs_tui_key(t, '?');
    assert_true(t->help);
    vs_tui_key(t, 'x');
    assert_false(t->help);
    assert_false(t->quit);
    vs_tui_key(t, 'q');
    assert_true(t->quit);
    close_tui(t);
}

static void test_sort_and_filter(void **state)
{
    (void)state;
    struct vs_tui *t = open_default();
    struct vs_error err;
    t->speed = 3;
    for (int i = 0; i < 6; i++) assert_int_equal(vs_tui_tick(t, 1, &err), VS_OK);
    int idx[64];
    int n = vs_tui_guest_rows(t, idx, 64);
    assert_int_equal(n, 9); /* 4 web + 2 db + 2 files + 1 build */
    /* Sorted by name: build first. */
    assert_string_equal(t->snaps[0].instances[idx[0]].name, "build");
    /* Sort by CPU, descending: the build uses the most. */
    while (t->sort_col != VS_COL_CPU) vs_tui_key(t, 'o');
    vs_tui_key(t, 'O');
    n = vs_tui_guest_rows(t, idx, 64);
    for (int i = 1; i < n; i++) {
        const struct vs_guest_result *a = &t->snaps[0].instances[idx[i - 1]];
        const struct vs_guest_result *b = &t->snaps[0].instances[idx[i]];
        double ca = 0, cb = 0;
        for (int c = 0; c < VS_CAT_IDLE; c++) {
            ca += a->cpu_ns[c];
            cb += b->cpu_ns[c];
        }
        assert_true(ca >= cb);
    }
    assert_string_equal(t->snaps[0].instances[idx[0]].name, "build");
    /* Filter by name. */
    vs_tui_key(t, '/');
    vs_tui_key(t, 'w');
    vs_tui_key(t, 'e');
    vs_tui_key(t, VS_TUI_KEY_ENTER);
    assert_false(t->filtering);
    n = vs_tui_guest_rows(t, idx, 64);
    assert_int_equal(n, 4);
    for (int i = 0; i < n; i++) assert_non_null(strstr(t->snaps[0].instances[idx[i]].name, "web"));
    vs_tui_key(t, '/');
    vs_tui_key(t, VS_TUI_KEY_ESC);
    assert_int_equal(vs_tui_guest_rows(t, idx, 64), 9);
    close_tui(t);
}

static void test_add_and_remove_guest(void **state)
{
    (void)state;
    struct vs_tui *t = open_default();
    int idx[64];
    vs_tui_key(t, VS_TUI_KEY_TAB); /* guests */
    vs_tui_key(t, '/');
    vs_tui_key(t, 'd');
    vs_tui_key(t, 'b');
    vs_tui_key(t, VS_TUI_KEY_ENTER);
    assert_int_equal(vs_tui_guest_rows(t, idx, 64), 2);
    vs_tui_key(t, 'a');
    assert_int_equal(vs_tui_guest_rows(t, idx, 64), 3);
    for (uint32_t k = 0; k < t->n_engines; k++) assert_int_equal(t->snaps[k].n_instances, 10);
    vs_tui_key(t, 'd');
    vs_tui_key(t, 'd');
    assert_int_equal(vs_tui_guest_rows(t, idx, 64), 1);
    vs_tui_key(t, 'd'); /* the last one stays */
    assert_int_equal(vs_tui_guest_rows(t, idx, 64), 1);
    assert_non_null(strstr(t->status, "stays"));
    close_tui(t);
}

static void test_restart_new_seed_and_finish(void **state)
{
    (void)state;
    struct vs_tui *t = open_default();
    struct vs_error err;
    uint64_t seed = t->seed;
    vs_tui_key(t, 'r');
    assert_true(t->seed == seed + 1); /* the next seed: short enough to read and type again */
    char head[200];
    vs_tui_header(t, 80, head, sizeof head);
    assert_non_null(strstr(head, "seed 43 "));
    t->speed = 3;
    for (int i = 0; i < 200 && !t->finished; i++) assert_int_equal(vs_tui_tick(t, 1, &err), VS_OK);
    assert_true(t->finished);
    assert_true(t->paused);
    /* Every engine ran its whole duration after boot, and the timeline says so. */
    for (uint32_t k = 0; k < t->n_engines; k++) assert_true(t->snaps[k].window_ns > 0);
    assert_non_null(strstr(t->timeline[t->timeline_len - 1].text, "run complete"));
    assert_true(vs_tui_history(t, 0, 0)->n > 10);
    close_tui(t);
}

static void test_live_changes_and_export(void **state)
{
    (void)state;
    struct vs_tui *t = open_default();
    vs_tui_key(t, VS_TUI_KEY_TAB);
    /* Rows are sorted by name: the first is the build (a batch: clients). */
    vs_tui_key(t, '/');
    vs_tui_key(t, 'w');
    vs_tui_key(t, VS_TUI_KEY_ENTER);
    double rate = t->sc.guests[0].workload.load.rate_per_s;
    vs_tui_key(t, ']');
    assert_within_rel(t->sc.guests[0].workload.load.rate_per_s, rate * 1.25, 1e-12);
    vs_tui_key(t, '[');
    assert_within_rel(t->sc.guests[0].workload.load.rate_per_s, rate, 1e-12);
    /* Replace the selected engine (native) with the next preset not in the list. */
    char before[VS_NAME_MAX];
    snprintf(before, sizeof before, "%s", t->sc.engines[0]);
    vs_tui_key(t, 'c');
    assert_string_not_equal(t->sc.engines[0], before);
    assert_string_equal(t->snaps[0].engine, t->sc.engines[0]);
    /* The selected guest's group gets the next built-in workload. */
    char wl[VS_NAME_MAX];
    snprintf(wl, sizeof wl, "%s", t->sc.guests[0].workload.name);
    vs_tui_key(t, 'w');
    assert_string_not_equal(t->sc.guests[0].workload.name, wl);
    assert_string_equal(t->snaps[0].groups[0].workload, t->sc.guests[0].workload.name);
    /* Next host profile. */
    char host[VS_NAME_MAX];
    snprintf(host, sizeof host, "%s", t->sc.hosts[0].spec.name);
    vs_tui_key(t, 'H');
    assert_string_not_equal(t->sc.hosts[0].spec.name, host);
    assert_string_equal(t->snaps[0].host.spec.name, t->sc.hosts[0].spec.name);
    /* Export what is on screen through the prompt. */
    char dir[] = "/tmp/vs-tui-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/out.json", dir);
    vs_tui_key(t, 'e');
    assert_true(t->exporting);
    while (t->export_path[0]) vs_tui_key(t, 127);
    for (const char *p = path; *p; p++) vs_tui_key(t, *p);
    vs_tui_key(t, VS_TUI_KEY_ENTER);
    assert_false(t->exporting);
    assert_non_null(strstr(t->status, "wrote"));
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char buf[256] = {0};
    assert_true(fread(buf, 1, sizeof buf - 1, f) > 0);
    fclose(f);
    assert_true(buf[0] == '{');
    assert_non_null(strstr(buf, "\"scenario\": \"default\""));
    remove(path);
    rmdir(dir);
    close_tui(t);
}

/* Several hosts: m and M cycle the meter block through all hosts and each
 * host, the block reads that host's figures from the selected engine's
 * snapshot, and the selection is clamped. */
static void test_host_selector(void **state)
{
    (void)state;
    struct vs_tui *t = open_two_hosts();
    struct vs_error err;
    t->speed = 3;
    for (int i = 0; i < 4; i++) assert_int_equal(vs_tui_tick(t, 1, &err), VS_OK);
    assert_int_equal(vs_tui_hosts(t), 2);
    assert_int_equal(t->host, -1);
    const struct vs_run_result *r = &t->snaps[0];
    assert_true(vs_tui_meter_host(t) == &r->host);
    assert_int_equal(vs_tui_meter_host(t)->spec.cpu.cores, 24);
    /* m: each host in order, then all hosts again. */
    static const char *const names[] = {"web-host", "client-host"};
    static const uint32_t cores[] = {16, 8}, guests[] = {2, 1};
    for (int k = 0; k < 2; k++) {
        vs_tui_key(t, 'm');
        assert_int_equal(t->host, k);
        const struct vs_host_result *h = vs_tui_meter_host(t);
        assert_true(h == &t->snaps[0].hosts[k]);
        assert_string_equal(h->name, names[k]);
        assert_int_equal(h->spec.cpu.cores, cores[k]);
        assert_int_equal(h->guests, guests[k]);
        assert_non_null(h->core_ns_by_cat);
    }
    /* The two hosts' figures differ: the web host serves (and reads its
     * disk), the other receives the replies on its slower NIC. */
    assert_true(t->snaps[0].hosts[0].disk_utilisation > 0);
    assert_true(t->snaps[0].hosts[1].disk_utilisation == 0);
    assert_true(t->snaps[0].hosts[1].nic_rx_utilisation > t->snaps[0].hosts[0].nic_rx_utilisation);
    vs_tui_key(t, 'm');
    assert_int_equal(t->host, -1);
    assert_true(vs_tui_meter_host(t) == &t->snaps[0].host);
    /* M goes the other way round. */
    vs_tui_key(t, 'M');
    assert_int_equal(t->host, 1);
    vs_tui_key(t, 'M');
    assert_int_equal(t->host, 0);
    vs_tui_key(t, 'M');
    assert_int_equal(t->host, -1);
    /* The selection follows the engine: the same host of the other run. */
    vs_tui_key(t, 'm');
    vs_tui_key(t, 'l');
    assert_int_equal(t->engine, 1);
    assert_true(vs_tui_meter_host(t) == &t->snaps[1].hosts[0]);
    assert_string_equal(vs_tui_meter_host(t)->name, "web-host");
    /* Clamped to what exists. */
    vs_tui_select_host(t, 99);
    assert_int_equal(t->host, 1);
    vs_tui_select_host(t, -5);
    assert_int_equal(t->host, -1);
    t->host = 7;          /* as if the hosts had changed under it */
    vs_tui_key(t, 'j');   /* any key clamps the selection */
    assert_int_equal(t->host, 1);
    assert_true(vs_tui_meter_host(t) == &t->snaps[1].hosts[1]);
    /* The selector survives a restart (same hosts). */
    vs_tui_key(t, 'r');
    assert_int_equal(t->host, 1);
    assert_string_equal(vs_tui_meter_host(t)->name, "client-host");
    close_tui(t);
}

/* Several hosts: each guest row knows its host, and o can sort by it. */
static void test_guest_hosts(void **state)
{
    (void)state;
    struct vs_tui *t = open_two_hosts();
    struct vs_error err;
    assert_int_equal(vs_tui_step(t, &err), VS_OK);
    int idx[64];
    int n = vs_tui_guest_rows(t, idx, 64);
    assert_int_equal(n, 3);
    for (int i = 0; i < n; i++) {
        const struct vs_guest_result *g = &t->snaps[0].instances[idx[i]];
        assert_string_equal(g->host, strncmp(g->name, "web", 3) == 0 ? "web-host" : "client-host");
    }
    bool seen_host = false;
    for (int i = 0; i < VS_COL_COUNT; i++) {
        vs_tui_key(t, 'o');
        if (t->sort_col == VS_COL_HOST) {
            seen_host = true;
            break;
        }
    }
    assert_true(seen_host);
    assert_string_equal(vs_tui_col_name(VS_COL_HOST), "host");
    vs_tui_guest_rows(t, idx, 64);
    assert_string_equal(t->snaps[0].instances[idx[0]].host, "client-host"); /* before web-host */
    vs_tui_key(t, 'O');
    vs_tui_guest_rows(t, idx, 64);
    assert_string_equal(t->snaps[0].instances[idx[0]].host, "web-host");
    close_tui(t);
}

/* One host: no selector (m changes nothing, the block reads the run's
 * host), and the host column never comes up in the sort order. */
static void test_one_host_has_no_selector(void **state)
{
    (void)state;
    struct vs_tui *t = open_default();
    assert_int_equal(vs_tui_hosts(t), 1);
    assert_int_equal(t->snaps[0].n_hosts, 1);
    vs_tui_key(t, 'm');
    assert_int_equal(t->host, -1);
    vs_tui_key(t, 'M');
    assert_int_equal(t->host, -1);
    vs_tui_select_host(t, 0);
    assert_int_equal(t->host, -1);
    assert_true(vs_tui_meter_host(t) == &t->snaps[0].host);
    assert_int_equal(vs_tui_meter_host(t)->spec.cpu.cores, 16);
    for (int i = 0; i < 2 * VS_COL_COUNT; i++) {
        vs_tui_key(t, 'o');
        assert_true(t->sort_col != VS_COL_HOST);
    }
    close_tui(t);
}

/* Timeline events reach the Timeline panel at the simulated time they were
 * applied: the run counts them from the end of boot, so under lxc (booting
 * for a while) a pause at 1 s shows at boot + 1 s, after the boots. */
static void test_timeline_event_times(void **state)
{
    (void)state;
    struct vs_tui *t = open_two_hosts();
    struct vs_error err;
    t->speed = 3;
    for (int i = 0; i < 6; i++) assert_int_equal(vs_tui_tick(t, 1, &err), VS_OK);
    const struct vs_run_result *lxc = &t->snaps[1];
    assert_string_equal(lxc->engine, "lxc");
    vs_time_ns booted = 0;
    for (uint32_t i = 0; i < lxc->n_instances; i++)
        if (lxc->instances[i].start_ns > booted) booted = lxc->instances[i].start_ns;
    assert_true(booted > 0);
    bool seen[2] = {false, false};
    for (int i = 0; i < t->timeline_len; i++) {
        const struct vs_tui_event *e = &t->timeline[i];
        if (strcmp(e->text, "lxc: pause web-2") == 0) {
            seen[1] = true;
            assert_true(e->at_ns == booted + VS_NS_PER_S);
        }
        if (strcmp(e->text, "native: pause web-2") == 0) {
            seen[0] = true;
            assert_true(e->at_ns >= VS_NS_PER_S && e->at_ns < booted + VS_NS_PER_S);
        }
    }
    assert_true(seen[0] && seen[1]);
    close_tui(t);
}

/* The Compare panel's score fits the scored group's load and says so; g
 * cycles the group; an engine identical to native in all but noise shows
 * 1.00, and qemu's web guests show their CPU cost, not a throughput of 1. */
static void test_compare_scores(void **state)
{
    (void)state;
    static const char yaml[] =
        "name: scores\n"
        "duration: 6s\n"
        "warmup: 1s\n"
        "compare: [native, qemu, lxc]\n"
        "guests:\n"
        "  - {name: web, workload: web-server, load: {kind: open, rate: 200/s}}\n"
        "  - {name: hog, workload: cpu-bound, load: {kind: closed, clients: 2, think_time: 0s}}\n";
    struct vs_scenario *sc = malloc(sizeof *sc);
    struct vs_error err;
    assert_int_equal(vs_config_load_scenario(yaml, strlen(yaml), "t.yaml", NULL, sc, &err), VS_OK);
    struct vs_tui *t = malloc(sizeof *t);
    assert_int_equal(vs_tui_init(t, sc, 1, &err), VS_OK);
    free(sc);
    t->speed = 3; /* as fast as possible */
    while (!t->finished) assert_int_equal(vs_tui_tick(t, 1.0, &err), VS_OK);
    char cell[16];
    enum vs_score_kind kind;
    assert_int_equal(t->score_group, 0);
    vs_tui_engine_score(t, 0, cell, sizeof cell, &kind);
    assert_int_equal(kind, VS_SCORE_COST);
    assert_string_equal(cell, "1.00x");
    vs_tui_engine_score(t, 1, cell, sizeof cell, &kind);
    assert_true(strtod(cell, NULL) > 3.0); /* emulation: several times the CPU per request */
    assert_non_null(strchr(cell, 'x'));
    vs_tui_key(t, 'g');
    assert_int_equal(t->score_group, 1);
    vs_tui_engine_score(t, 0, cell, sizeof cell, &kind);
    assert_int_equal(kind, VS_SCORE_THROUGHPUT);
    vs_tui_engine_score(t, 2, cell, sizeof cell, &kind);
    assert_string_equal(cell, "1.00"); /* a container's CPU-bound loop: native, within noise */
    vs_tui_engine_score(t, 1, cell, sizeof cell, &kind);
    assert_true(strtod(cell, NULL) < 0.5);
    vs_tui_key(t, 'G');
    assert_int_equal(t->score_group, 0);
    close_tui(t);
}

static void test_bar_cells(void **state)
{
    (void)state;
    double ns[VS_CAT_COUNT] = {0};
    int cells[VS_CAT_COUNT];
    ns[VS_CAT_GUEST_USER] = 1;
    ns[VS_CAT_GUEST_KERNEL] = 1;
    ns[VS_CAT_IDLE] = 1;
    vs_tui_bar_cells(ns, 10, cells);
    int sum = 0;
    for (int c = 0; c < VS_CAT_COUNT; c++) sum += cells[c];
    assert_int_equal(sum, 10);
    assert_int_equal(cells[VS_CAT_GUEST_USER], 4); /* 3.33 each; the first remainder wins */
    assert_int_equal(cells[VS_CAT_GUEST_KERNEL], 3);
    assert_int_equal(cells[VS_CAT_IDLE], 3);
    double none[VS_CAT_COUNT] = {0};
    vs_tui_bar_cells(none, 10, cells);
    for (int c = 0; c < VS_CAT_COUNT; c++) assert_int_equal(cells[c], 0);
}

static void test_formatting(void **state)
{
    (void)state;
    char b[16];
    vs_tui_format_rate(3812.4, b, sizeof b);
    assert_string_equal(b, "3.8k");
    vs_tui_format_rate(25000, b, sizeof b);
    assert_string_equal(b, "25k");
    vs_tui_format_rate(2.5e6, b, sizeof b);
    assert_string_equal(b, "2.5M");
    vs_tui_format_rate(7.25, b, sizeof b);
    assert_string_equal(b, "7.2");
    vs_tui_format_rate(-1, b, sizeof b);
    assert_string_equal(b, "-");
    double v[4] = {0, 50, 100, 25};
    int l[4];
    vs_tui_spark_levels(v, 4, l);
    assert_int_equal(l[0], 0);
    assert_int_equal(l[2], 7);
    assert_int_equal(l[1], 4);
}

/* 't' on a selected guest opens the steps of the operation that takes the
 * largest share of its request's CPU under the selected engine; any key
 * closes it; elsewhere it says what to select. */
static void test_trace_box(void **state)
{
    (void)state;
    struct vs_tui *t = open_default();
    struct vs_error err;
    vs_tui_key(t, 't'); /* Compare panel: nothing to trace */
    assert_null(t->trace);
    assert_non_null(strstr(t->status, "select a guest"));
    vs_tui_key(t, VS_TUI_KEY_TAB); /* Guests */
    assert_int_equal(t->panel, VS_TUI_GUESTS);
    assert_int_equal(vs_tui_tick(t, 2.0, &err), VS_OK);
    for (int e = 0; e < (int)t->n_engines; e++) {
        t->engine = e;
        t->row = 0;
        vs_tui_key(t, 't');
        assert_non_null(t->trace);
        assert_int_equal(t->trace->n_runs, 1);
        assert_string_equal(t->trace->runs[0].engine, t->snaps[e].engine);
        /* the traced operation is the request's largest (user instructions aside) */
        int idx[VS_MAX_GUESTS];
        vs_tui_guest_rows(t, idx, VS_MAX_GUESTS);
        const struct vs_guest_result *g = &t->snaps[e].instances[idx[0]];
        struct vs_trace_report *all = malloc(sizeof *all);
        struct vs_trace_opts o = {.host = "current", .approaches = t->snaps[e].engine, .workload = g->workload};
        assert_int_equal(vs_trace_run(&o, all, &err), VS_OK);
        double best = 0;
        enum vs_op_kind best_op = VS_OP_COUNT;
        for (uint32_t k = 0; k < all->runs[0].n_ops; k++)
            if (all->runs[0].ops[k].op != VS_OP_INSTRUCTION && all->runs[0].ops[k].cycles > best) {
                best = all->runs[0].ops[k].cycles;
                best_op = all->runs[0].ops[k].op;
            }
        assert_int_equal(t->trace->runs[0].ops[0].op, best_op);
        free(all);
        vs_tui_key(t, 'x'); /* any key closes */
        assert_null(t->trace);
        assert_false(t->quit);
    }
    close_tui(t);
}

/* A migration in progress shows on the status line, with its round and
 * what it sends; once done it does not. */
static void test_migration_line(void **state)
{
    (void)state;
    const struct vs_builtin *b = vs_builtin_find(VS_BUILTIN_SCENARIO, "migrate-web");
    assert_non_null(b);
    struct vs_scenario *sc = malloc(sizeof *sc);
    struct vs_error err;
    assert_int_equal(vs_config_load_scenario(b->data, b->len, "migrate-web", NULL, sc, &err), VS_OK);
    struct vs_tui *t = malloc(sizeof *t);
    assert_int_equal(vs_tui_init(t, sc, 1, &err), VS_OK);
    free(sc);
    char line[200];
    bool seen = false, after = false;
    for (int k = 0; k < 200 && !t->finished; k++) {
        assert_int_equal(vs_tui_step(t, &err), VS_OK);
        bool now = vs_tui_migration_line(t, line, sizeof line);
        if (now) {
            seen = true;
            assert_non_null(strstr(line, "migrating web rack-a -> rack-b"));
            assert_non_null(strstr(line, "to send"));
        } else if (seen) {
            after = true;
        }
    }
    assert_true(seen);
    assert_true(after);
    close_tui(t);
}


/* The run's progress: an engine boots (progress and time left), measures
 * from its own end of boot, then says finished; the header's clock is the
 * farthest engine's and its end the last engine's. Boots nobody measures
 * are skipped through, so at 1x the whole run takes far fewer ticks than
 * its simulated length in tenths of a second. */
static void test_progress_and_boot_fast_forward(void **state)
{
    (void)state;
    struct vs_tui *t = open_default();
    struct vs_error err;
    assert_int_equal(vs_tui_tick(t, 0.1, &err), VS_OK);
    int qemu = 1;
    assert_string_equal(t->snaps[qemu].engine, "qemu");
    struct vs_tui_progress p;
    vs_tui_engine_progress(t, qemu, &p);
    assert_int_equal(p.phase, VS_TUI_BOOTING);
    assert_true(p.fraction >= 0 && p.fraction < 1);
    assert_true(p.left_ns == t->boot_end_ns[qemu] - t->snaps[qemu].now_ns);
    char st[32];
    vs_tui_engine_state(t, qemu, st, sizeof st);
    assert_memory_equal(st, "boot ", 5);
    assert_non_null(strchr(st, '%'));
    assert_true(st[strlen(st) - 1] == 's'); /* the time left */
    vs_tui_engine_state(t, 0, st, sizeof st);
    assert_true(t->snaps[0].now_ns < t->boot_end_ns[0] + t->sc.warmup_ns);
    assert_memory_equal(st, "warm-up ", 8); /* native: booted, warming up */
    while (t->snaps[0].now_ns < t->boot_end_ns[0] + t->sc.warmup_ns) assert_int_equal(vs_tui_tick(t, 0.1, &err), VS_OK);
    vs_tui_engine_state(t, 0, st, sizeof st);
    assert_memory_equal(st, "run ", 4);
    /* The run ends when the slowest boot plus the duration has passed. */
    vs_time_ns end = vs_tui_end(t);
    assert_true(end == t->boot_end_ns[qemu] + t->sc.duration_ns);
    assert_true(end > 3 * t->sc.duration_ns); /* qemu boots for a long time */
    int ticks = 1;
    bool skipped = false;
    while (!t->finished && ticks < 10000) {
        assert_int_equal(vs_tui_tick(t, 0.1, &err), VS_OK);
        if (t->fast_forward) {
            skipped = true;
            char head[200];
            vs_tui_header(t, 120, head, sizeof head);
            assert_non_null(strstr(head, "BOOTING (fast)"));
            /* only while nothing is measured: every engine done or booting */
            for (uint32_t k = 0; k < t->n_engines; k++)
                assert_true(t->engine_done[k] || t->snaps[k].now_ns <= t->boot_end_ns[k]);
        }
        ticks++;
    }
    assert_true(t->finished);
    assert_true(skipped);
    /* 1x: without the skip, end / 100 ms ticks */
    assert_true(ticks < (int)(end / (100 * VS_NS_PER_MS)) * 2 / 3);
    assert_true(vs_tui_clock(t) == end);
    for (uint32_t k = 0; k < t->n_engines; k++) {
        vs_tui_engine_state(t, (int)k, st, sizeof st);
        assert_string_equal(st, "finished");
        /* and so do its guests, whose load stopped with the run */
        for (uint32_t i = 0; i < t->snaps[k].n_instances; i++)
            assert_string_equal(vs_tui_guest_state(t, (int)k, &t->snaps[k].instances[i]), "finished");
        /* each engine measured the same duration from its own boot */
        assert_true(t->snaps[k].now_ns == t->boot_end_ns[k] + t->sc.duration_ns);
    }
    char head[200];
    vs_tui_header(t, 80, head, sizeof head);
    assert_true(strlen(head) <= 79);
    assert_non_null(strstr(head, "FINISHED"));
    close_tui(t);
}

/* The header never loses its state or clock: a long name is shortened. */
static void test_header_fits(void **state)
{
    (void)state;
    struct vs_tui *t = open_default();
    char head[256];
    for (int cols = 80; cols <= 120; cols += 40) {
        vs_tui_header(t, cols, head, sizeof head);
        assert_true((int)strlen(head) <= cols - 1);
        assert_non_null(strstr(head, "virtsim  default"));
        assert_non_null(strstr(head, "RUNNING"));
    }
    snprintf(t->sc.name, sizeof t->sc.name, "%s", "a-very-long-scenario-name-for-a-lecture-on-paravirtualization");
    t->finished = true;
    vs_tui_header(t, 80, head, sizeof head);
    assert_true(strlen(head) <= 79);
    assert_non_null(strstr(head, "FINISHED"));
    assert_non_null(strstr(head, "seed 42"));
    assert_non_null(strstr(head, "a-very-long"));
    close_tui(t);
}

/* CPU per operation: what a group's guests used over what they completed,
 * by category; the bars share one scale (capped at 3x native's), so
 * native is shorter than kvm, and kvm's exits and xen-pv's hypercalls get
 * cells even at 80 columns, while an emulator beyond the scale fills it. */
static void test_cost_per_op(void **state)
{
    (void)state;
    struct vs_tui *t = open_default();
    struct vs_error err;
    t->speed = 3;
    while (!t->finished) assert_int_equal(vs_tui_tick(t, 1, &err), VS_OK);
    assert_string_equal(t->snaps[0].groups[0].name, "web");
    double nat[VS_CAT_COUNT], qemu[VS_CAT_COUNT], pv[VS_CAT_COUNT], kvm[VS_CAT_COUNT], lxc[VS_CAT_COUNT];
    assert_true(vs_tui_cost_per_op(t, 0, 0, nat));
    assert_true(vs_tui_cost_per_op(t, 1, 0, qemu));
    assert_true(vs_tui_cost_per_op(t, 2, 0, pv));
    assert_true(vs_tui_cost_per_op(t, 3, 0, kvm));
    assert_true(vs_tui_cost_per_op(t, 4, 0, lxc));
    /* per operation: the group's CPU over its completions */
    const struct vs_guest_result *g = &t->snaps[3].groups[0];
    assert_within_rel(kvm[VS_CAT_VMEXIT] * (double)g->completed, g->cpu_ns[VS_CAT_VMEXIT], 1e-9);
    assert_true(nat[VS_CAT_VMEXIT] == 0 && nat[VS_CAT_TRANSLATION] == 0 && nat[VS_CAT_HYPERCALL] == 0);
    assert_true(kvm[VS_CAT_VMEXIT] > 0);
    assert_true(pv[VS_CAT_HYPERCALL] > 0);
    assert_true(qemu[VS_CAT_TRANSLATION] > qemu[VS_CAT_GUEST_USER]);
    double tn = 0, tq = 0;
    for (int c = 0; c < VS_CAT_COUNT; c++) tn += nat[c], tq += qemu[c];
    double scale = vs_tui_cost_scale(t, 0);
    assert_true(tq > VS_TUI_SCALE_CAP * tn);
    assert_within_rel(scale, VS_TUI_SCALE_CAP * tn, 1e-12);
    int cn[VS_CAT_COUNT], cq[VS_CAT_COUNT], ck[VS_CAT_COUNT], cp[VS_CAT_COUNT];
    int width = 19; /* the Compare bar at 80 columns */
    vs_tui_scaled_cells(nat, scale, width, cn);
    vs_tui_scaled_cells(qemu, scale, width, cq);
    vs_tui_scaled_cells(kvm, scale, width, ck);
    vs_tui_scaled_cells(pv, scale, width, cp);
    int sn = 0, sq = 0, sk = 0;
    for (int c = 0; c < VS_CAT_COUNT; c++) sn += cn[c], sq += cq[c], sk += ck[c];
    assert_true(sn >= width / 3 - 1 && sn <= width / 3 + 1); /* native: a third of the scale */
    assert_int_equal(sq, width);                            /* beyond the scale: full width */
    assert_true(sk > sn);
    assert_true(ck[VS_CAT_VMEXIT] >= 1);
    assert_true(cp[VS_CAT_HYPERCALL] >= 1);
    assert_true(cq[VS_CAT_TRANSLATION] > width / 2);
    /* nothing while booting: no figure rather than a zero */
    struct vs_tui *b = open_default();
    double none[VS_CAT_COUNT];
    assert_false(vs_tui_cost_per_op(b, 1, 0, none));
    close_tui(b);
    close_tui(t);
}

static void test_scaled_cells(void **state)
{
    (void)state;
    double ns[VS_CAT_COUNT] = {0};
    int cells[VS_CAT_COUNT];
    ns[VS_CAT_GUEST_USER] = 97;
    ns[VS_CAT_VMEXIT] = 3; /* 1.5 % of the scale: rounds to no cell, gets one */
    vs_tui_scaled_cells(ns, 200, 40, cells);
    assert_int_equal(cells[VS_CAT_GUEST_USER] + cells[VS_CAT_VMEXIT], 20); /* half the scale: half the bar */
    assert_int_equal(cells[VS_CAT_VMEXIT], 1);
    ns[VS_CAT_VMEXIT] = 1.5; /* under 1 %: not forced */
    vs_tui_scaled_cells(ns, 200, 40, cells);
    assert_int_equal(cells[VS_CAT_VMEXIT], 0);
    ns[VS_CAT_GUEST_USER] = 1000; /* beyond the scale: the whole width, nothing more */
    vs_tui_scaled_cells(ns, 200, 40, cells);
    int sum = 0;
    for (int c = 0; c < VS_CAT_COUNT; c++) sum += cells[c];
    assert_int_equal(sum, 40);
    vs_tui_scaled_cells(ns, 0, 40, cells); /* no scale: no bar */
    for (int c = 0; c < VS_CAT_COUNT; c++) assert_int_equal(cells[c], 0);
}

/* Figures per group, never summed: each group's history follows that
 * group's own throughput, and the p99 per step is a latency of it. */
static void test_group_history(void **state)
{
    (void)state;
    struct vs_tui *t = open_default();
    struct vs_error err;
    t->speed = 3;
    while (!t->finished) assert_int_equal(vs_tui_tick(t, 1, &err), VS_OK);
    const struct vs_run_result *r = &t->snaps[0];
    assert_true(r->n_groups >= 2);
    for (uint32_t g = 0; g < r->n_groups; g++) {
        const struct vs_tui_history *h = vs_tui_history(t, 0, (int)g);
        assert_non_null(h);
        assert_true(h->n > 10);
        if (r->groups[g].batch) continue;
        double sum = 0;
        for (int i = h->n - 20; i < h->n; i++) sum += h->rate_per_s[i];
        /* the last 2 s against the group's whole window: the same load */
        assert_within_rel(sum / 20, r->groups[g].throughput_per_s, 0.15);
        for (int i = 1; i < h->n; i++) assert_true(h->at_ns[i] > h->at_ns[i - 1]);
        int with_p99 = 0;
        for (int i = 0; i < h->n; i++)
            if (!isnan(h->p99_ns[i])) {
                with_p99++;
                assert_true(h->p99_ns[i] >= (double)r->groups[g].latency.p50_ns / 2);
            }
        assert_true(with_p99 > 0);
    }
    /* Nothing sampled before an engine's end of boot. */
    const struct vs_tui_history *q = vs_tui_history(t, 1, 0);
    assert_true(q->n > 0 && q->at_ns[0] > t->boot_end_ns[1]);
    assert_null(vs_tui_history(t, 0, VS_TUI_GROUPS));
    close_tui(t);
}

/* The timeline stays in (run, time) order whichever engine reports first,
 * scrolls, follows the newest again with End, records live changes as the
 * start of a new run, and marks an engine's events under its sparkline. */
static void test_timeline_order_scroll_marks(void **state)
{
    (void)state;
    struct vs_tui *t = open_default();
    struct vs_error err;
    t->speed = 3;
    while (!t->finished) assert_int_equal(vs_tui_tick(t, 1, &err), VS_OK);
    for (int i = 1; i < t->timeline_len; i++) {
        const struct vs_tui_event *a = &t->timeline[i - 1], *b = &t->timeline[i];
        assert_true(a->run < b->run || (a->run == b->run && a->at_ns <= b->at_ns));
    }
    /* the groups of one engine that boot together make one line */
    bool merged = false;
    for (int i = 0; i < t->timeline_len; i++)
        if (strstr(t->timeline[i].text, "kvm: web, db, files, build booted")) merged = true;
    assert_true(merged);
    /* marks: the step in which native's build finished its batch */
    const struct vs_tui_event *fin = NULL;
    for (int i = 0; i < t->timeline_len; i++)
        if (strcmp(t->timeline[i].text, "native: build finished its batch") == 0) fin = &t->timeline[i];
    assert_non_null(fin);
    const struct vs_tui_history *h = vs_tui_history(t, 0, 0);
    int width = h->n < VS_TUI_SPARK ? h->n : VS_TUI_SPARK;
    char row[VS_TUI_SPARK + 1];
    vs_tui_mark_columns(t, 0, h, width, row);
    int first = h->n - width, col = -1;
    for (int i = first; i < h->n; i++)
        if (h->at_ns[i] >= fin->at_ns && (i == 0 || h->at_ns[i - 1] < fin->at_ns)) col = i - first;
    if (col >= 0) assert_true(row[col] == '^');
    int marks = 0;
    for (int i = 0; i < width; i++) marks += row[i] == '^';
    assert_true(marks >= 1 && marks <= 4);
    /* scrolling */
    t->panel = VS_TUI_TIMELINE;
    t->timeline_rows = 4;
    int newest = vs_tui_timeline_first(t, 4);
    assert_int_equal(newest, t->timeline_len - 4);
    vs_tui_key(t, VS_TUI_KEY_UP);
    assert_int_equal(vs_tui_timeline_first(t, 4), newest - 1);
    vs_tui_key(t, VS_TUI_KEY_PGUP);
    assert_int_equal(vs_tui_timeline_first(t, 4), newest - 11 > 0 ? newest - 11 : 0);
    vs_tui_key(t, VS_TUI_KEY_END);
    assert_int_equal(vs_tui_timeline_first(t, 4), newest);
    /* a live change: run 2 starts with it, after everything of run 1 */
    vs_tui_key(t, VS_TUI_KEY_ESC);
    vs_tui_key(t, VS_TUI_KEY_TAB); /* Guests */
    vs_tui_key(t, 'a');
    assert_int_equal(t->run, 2);
    const struct vs_tui_event *last = &t->timeline[t->timeline_len - 1];
    assert_int_equal(last->run, 2);
    assert_non_null(strstr(last->text, "added a guest to"));
    assert_true(last->at_ns == 0);
    close_tui(t);
}

/* Colours: the palette's RGB to the nearest terminal colour; every CPU
 * category distinct on a 256-colour terminal; its letter drawn black or
 * white, whichever contrasts with its colour (WCAG ratio at least 4.5, so
 * it reads on dark and light terminals alike: the cell is its own
 * background). */
static double lum(double v) { return v <= 0.03928 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4); }
static double luminance(struct vs_rgb c) { return 0.2126 * lum(c.r) + 0.7152 * lum(c.g) + 0.0722 * lum(c.b); }

static void test_colours(void **state)
{
    (void)state;
    assert_int_equal(vs_tui_nearest_colour((struct vs_rgb){1, 0, 0}, 256), 196);
    assert_int_equal(vs_tui_nearest_colour((struct vs_rgb){1, 1, 1}, 256), 231);
    assert_int_equal(vs_tui_nearest_colour((struct vs_rgb){0.5, 0.5, 0.5}, 256), 244);
    assert_int_equal(vs_tui_nearest_colour((struct vs_rgb){0.9, 0.1, 0.1}, 8), 1); /* COLOR_RED */
    assert_int_equal(vs_tui_nearest_colour((struct vs_rgb){0.1, 0.2, 0.9}, 8), 4); /* COLOR_BLUE */
    int seen[VS_CAT_COUNT];
    for (int c = 0; c < VS_CAT_IDLE; c++) {
        struct vs_rgb rgb = vs_palette_category((enum vs_cpu_cat)c);
        seen[c] = vs_tui_nearest_colour(rgb, 256);
        for (int d = 0; d < c; d++) assert_int_not_equal(seen[c], seen[d]);
        /* the nearest of the 256 is close to the palette's colour */
        int i = seen[c] - 16;
        static const double level[6] = {0, 95 / 255.0, 135 / 255.0, 175 / 255.0, 215 / 255.0, 1};
        struct vs_rgb got = seen[c] >= 232 ? (struct vs_rgb){(8 + 10 * (seen[c] - 232)) / 255.0,
                                                             (8 + 10 * (seen[c] - 232)) / 255.0,
                                                             (8 + 10 * (seen[c] - 232)) / 255.0}
                                           : (struct vs_rgb){level[i / 36], level[i / 6 % 6], level[i % 6]};
        assert_true(fabs(got.r - rgb.r) < 0.2 && fabs(got.g - rgb.g) < 0.2 && fabs(got.b - rgb.b) < 0.2);
        double bg = luminance(got);
        double text = vs_tui_dark_text(rgb) ? 0 : 1;
        double hi = bg > text ? bg : text, lo = bg > text ? text : bg;
        assert_true((hi + 0.05) / (lo + 0.05) >= 4.5);
        /* letters tell categories apart without colour */
        for (int d = 0; d < c; d++)
            assert_true(vs_palette_category_letter((enum vs_cpu_cat)c) != vs_palette_category_letter((enum vs_cpu_cat)d));
    }
}

/* The small things: p99 of nothing is "-", the help fits 80x24 with every
 * key, the export prompt replaces its suggestion, a filter does not hide
 * the message, a failed write says why. */
static void test_small_defects(void **state)
{
    (void)state;
    char b[32];
    vs_tui_format_latency(0, 0, b, sizeof b);
    assert_string_equal(b, "-");
    vs_tui_format_latency(2500000, 10, b, sizeof b);
    assert_string_equal(b, "2.5 ms");
    const char *lines[64];
    int n = vs_tui_help_lines(24, lines, 64);
    assert_true(n + 2 <= 24);
    bool quit = false;
    for (int i = 0; i < n; i++) {
        assert_true(strlen(lines[i]) <= 76);
        if (strstr(lines[i], "quit")) quit = true;
    }
    assert_true(quit);
    /* the notes under the keys go first where the terminal is short */
    assert_true(vs_tui_help_lines(18, lines, 64) < vs_tui_help_lines(40, lines, 64));
    struct vs_tui *t = open_default();
    /* booting engines show no p99 in the guest table either */
    const struct vs_run_result *q = &t->snaps[1];
    assert_true(q->instances[0].state == VS_GUEST_BOOTING && q->instances[0].latency.count == 0);
    vs_tui_key(t, 'e');
    assert_true(t->exporting);
    char dir[] = "/tmp/vs-tui-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/x.csv", dir);
    for (const char *p = path; *p; p++) vs_tui_key(t, *p);
    assert_string_equal(t->export_path, path); /* typed over the suggestion, not after it */
    vs_tui_key(t, 127);
    vs_tui_key(t, 'v');
    assert_string_equal(t->export_path, path);
    /* a filter is set: the message still shows */
    vs_tui_key(t, VS_TUI_KEY_ESC);
    vs_tui_key(t, VS_TUI_KEY_TAB);
    vs_tui_key(t, '/');
    vs_tui_key(t, 'w');
    vs_tui_key(t, VS_TUI_KEY_ENTER);
    vs_tui_key(t, 'e');
    for (const char *p = path; *p; p++) vs_tui_key(t, *p);
    vs_tui_key(t, VS_TUI_KEY_ENTER);
    char line[400];
    vs_tui_status_line(t, line, sizeof line);
    assert_non_null(strstr(line, "filter: w"));
    assert_non_null(strstr(line, "wrote"));
    assert_non_null(strstr(line, path));
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    fclose(f);
    remove(path);
    rmdir(dir);
    /* a write that fails says so, naming the file */
    vs_tui_key(t, 'e');
    const char *bad = "/nonexistent-dir/x.json";
    for (const char *p = bad; *p; p++) vs_tui_key(t, *p);
    vs_tui_key(t, VS_TUI_KEY_ENTER);
    vs_tui_status_line(t, line, sizeof line);
    assert_non_null(strstr(line, "/nonexistent-dir"));
    assert_null(strstr(line, "wrote"));
    close_tui(t);
}

/* ---- the Density panel ----
 * Invariants: the panel's numbers are the ones `virtsim density` gives for
 * the same settings (the same API on the same scenario, compared field by
 * field, and each approach's CPU per op against vs_tradeoff_cost); a
 * stricter SLA never fits more guests; settings seen before come from the
 * cache without a search; a search whose settings changed under it leaves
 * no wrong answer behind; the text curve keeps each probe on its side of
 * the SLA line; the export reads back as a density file. */
static const char density_yaml[] =
    "name: dens\n"
    "duration: 1s\n"
    "warmup: 100ms\n"
    "compare: [native, qemu, kvm, lxc]\n"
    "guests:\n"
    "  - {name: web, workload: web-server, count: 1, vcpus: 2}\n";

/* The panel on that scenario, qemu left out (its 50 s boots would make the
 * test slow), searched under p99<1ms, 300 ms per point, up to 128 guests. */
static struct vs_tui *open_density(void)
{
    struct vs_scenario *sc = malloc(sizeof *sc);
    struct vs_error err;
    int rc = vs_config_load_scenario(density_yaml, sizeof density_yaml - 1, "dens.yaml", NULL, sc, &err);
    if (rc != VS_OK) print_error("%s\n", err.message);
    assert_int_equal(rc, VS_OK);
    struct vs_tui *t = malloc(sizeof *t);
    assert_int_equal(vs_tui_init(t, sc, 1, &err), VS_OK);
    free(sc);
    t->paused = true;
    struct vs_tui_density_start ds = {.sla = "p99<1ms", .max_guests = 128, .duration_ns = 300 * VS_NS_PER_MS};
    assert_int_equal(vs_tui_density_begin(t, &ds, &err), VS_OK);
    struct vs_tui_density *d = t->density;
    assert_false(d->active); /* nothing runs before the panel opens */
    assert_int_equal(d->n_rows, 4);
    assert_string_equal(d->engines[0], "native");
    assert_string_equal(d->engines[1], "qemu");
    vs_tui_select(t, VS_TUI_DENSITY, -1, -1);
    assert_true(d->active);
    vs_tui_key(t, 'j');
    vs_tui_key(t, 'x'); /* qemu out */
    assert_false(d->on[1]);
    vs_tui_key(t, 'k');
    vs_tui_key(t, 'x'); /* native stays: the baseline */
    assert_true(d->on[0]);
    return t;
}

/* What `virtsim density web-server --vcpus 2 --duration 300ms --max 128
 * --approaches kvm,lxc --sla SLA` computes. */
static struct vs_density_result *density_reference(const char *sla, struct vs_scenario *sc)
{
    struct vs_error err;
    struct vs_density_setup ds = {.workload = "web-server", .approaches = "kvm,lxc", .vcpus = 2,
                                  .duration_ns = 300 * VS_NS_PER_MS};
    char skipped[256];
    assert_int_equal(vs_density_workload_scenario(&ds, sc, skipped, sizeof skipped, &err), VS_OK);
    assert_int_equal(sc->n_engines, 3);
    struct vs_density_opts o = {.max_guests = 128};
    assert_int_equal(vs_sla_parse(sla, &o.slas[0], &err), VS_OK);
    o.n_slas = 1;
    struct vs_density_result *r = calloc(3, sizeof *r);
    assert_int_equal(vs_density_run(sc, &o, r, &err), VS_OK);
    for (uint32_t k = 0; k < 3; k++) assert_int_equal(vs_tradeoff_cost(sc, k, &r[k], &err), VS_OK);
    return r;
}

static void assert_same_result(const struct vs_density_result *a, const struct vs_density_result *b)
{
    assert_string_equal(a->engine, b->engine);
    assert_string_equal(a->approach, b->approach);
    assert_int_equal(a->density, b->density);
    assert_int_equal(a->capped, b->capped);
    assert_int_equal(a->limit, b->limit);
    for (int p = 0; p < VS_MEM_PART_COUNT; p++) assert_true(a->memory_per_guest.bytes[p] == b->memory_per_guest.bytes[p]);
    assert_int_equal(a->n_points, b->n_points);
    for (uint32_t i = 0; i < a->n_points; i++) {
        const struct vs_density_point *p = &a->points[i], *q = &b->points[i];
        assert_int_equal(p->guests, q->guests);
        assert_int_equal(p->ok, q->ok);
        assert_int_equal(p->basis, q->basis);
        assert_int_equal(p->failed, q->failed);
        assert_true(p->p99_ns == q->p99_ns && p->p50_ns == q->p50_ns);
        assert_true(p->throughput_per_guest == q->throughput_per_guest);
        assert_true(p->cpu_util == q->cpu_util);
    }
    assert_true(a->cost_ops == b->cost_ops && a->cost_ops > 0);
    for (int c = 0; c < VS_CAT_COUNT; c++) assert_true(a->cpu_per_op_ns[c] == b->cpu_per_op_ns[c]);
}

/* The panel's rows against the reference: rows 0, 2, 3 are native, kvm, lxc. */
static void assert_panel_is(const struct vs_tui *t, const struct vs_density_result *ref)
{
    static const int rows[3] = {0, 2, 3};
    for (int k = 0; k < 3; k++) {
        const struct vs_tui_density_entry *e;
        assert_int_equal(vs_tui_density_row(t, rows[k], &e), VS_TUI_DENSITY_DONE);
        assert_same_result(&e->r, &ref[k]);
    }
}

static void test_density_panel_matches_density(void **state)
{
    (void)state;
    struct vs_tui *t = open_density();
    vs_tui_density_wait(t);
    struct vs_scenario *sc = malloc(sizeof *sc);
    struct vs_density_result *ref = density_reference("p99<1ms", sc);
    assert_panel_is(t, ref);
    /* The SLA bound the search hit shows as a limit, not as "none". */
    for (int k = 0; k < 3; k++) assert_true(!ref[k].capped && ref[k].limit != VS_RES_NONE);
    const struct vs_tui_density_entry *e;
    assert_int_equal(vs_tui_density_row(t, 1, &e), VS_TUI_DENSITY_OFF);
    assert_null(e);
    /* cpu x: kvm's exits make each operation cost more than native's. */
    char cx[16];
    vs_tui_density_cost_text(t, 0, cx, sizeof cx);
    assert_string_equal(cx, "1.00x");
    vs_tui_density_cost_text(t, 2, cx, sizeof cx);
    double kvm_x = atof(cx);
    assert_within_rel(kvm_x, vs_tradeoff_cost_total_ns(&ref[1]) / vs_tradeoff_cost_total_ns(&ref[0]), 0.01);
    assert_true(kvm_x > 1.05);
    char cmd[512];
    vs_tui_density_command(t, cmd, sizeof cmd);
    assert_string_equal(cmd, "virtsim density web-server --vcpus 2 --duration 300ms --max 128 --approaches kvm,lxc "
                             "--sla 'p99<1ms'");

    /* A stricter SLA ([: the next lower p99 bound) searches again and never fits more. */
    uint32_t before[3] = {ref[0].density, ref[1].density, ref[2].density};
    vs_tui_key(t, '[');
    assert_true(t->density->set.p99_ns == 500 * VS_NS_PER_US);
    assert_int_not_equal(vs_tui_density_row(t, 0, &e), VS_TUI_DENSITY_DONE);
    vs_tui_density_wait(t);
    free(ref);
    ref = density_reference("p99<500us", sc);
    assert_panel_is(t, ref);
    bool fewer = false;
    for (int k = 0; k < 3; k++) {
        assert_true(ref[k].density <= before[k]);
        fewer |= ref[k].density < before[k];
    }
    assert_true(fewer);

    /* Back to 1 ms: from the cache at once, no search. Changing the SLA
     * while a search runs, then back, leaves the right answers. */
    vs_tui_key(t, ']');
    assert_null(t->density->job);
    assert_int_equal(vs_tui_density_row(t, 2, &e), VS_TUI_DENSITY_DONE);
    assert_int_equal(e->r.density, before[1]);
    vs_tui_key(t, ']'); /* 2 ms: not seen, a search starts */
    assert_non_null(t->density->job);
    vs_tui_key(t, '['); /* 1 ms again: that search is no longer wanted */
    vs_tui_density_wait(t);
    assert_null(t->density->job);
    free(ref);
    ref = density_reference("p99<1ms", sc);
    assert_panel_is(t, ref);
    free(ref);
    free(sc);
    close_tui(t);
}

static void test_density_settings_and_keys(void **state)
{
    (void)state;
    struct vs_tui *t = open_density();
    struct vs_tui_density *d = t->density;
    struct vs_error err;
    char text[128];
    assert_int_equal(vs_tui_density_set_sla(t, "p99<20ms throughput>=95%", &err), VS_OK);
    vs_tui_density_sla_text(&d->set, text, sizeof text);
    assert_string_equal(text, "p99<20ms throughput>=95%");
    struct vs_density_opts o;
    vs_tui_density_opts(&d->set, &o);
    assert_int_equal(o.n_slas, 2);
    assert_true(o.slas[1].kind == VS_SLA_THROUGHPUT);
    assert_within_rel(o.slas[1].limit, 0.95, 1e-12);
    /* Each text parses back to the same bound (what --sla would get). */
    for (uint32_t i = 0; i < o.n_slas; i++) {
        struct vs_sla back;
        assert_int_equal(vs_sla_parse(o.slas[i].text, &back, &err), VS_OK);
        assert_true(back.kind == o.slas[i].kind && back.limit == o.slas[i].limit);
    }
    assert_int_equal(vs_tui_density_set_sla(t, "p99<fast", &err), VS_ERR_INPUT);
    assert_non_null(strstr(err.message, "p99<fast"));
    assert_int_equal(vs_tui_density_set_sla(t, "none", &err), VS_OK);
    vs_tui_density_sla_text(&d->set, text, sizeof text);
    assert_string_equal(text, "none");
    /* [ from none: the loosest bound; ] past the loosest: none again. */
    vs_tui_key(t, '[');
    assert_true(d->set.p99_ns == 5 * VS_NS_PER_S);
    vs_tui_key(t, '[');
    assert_true(d->set.p99_ns == 2 * VS_NS_PER_S);
    vs_tui_key(t, ']');
    vs_tui_key(t, ']');
    assert_true(d->set.p99_ns == 0);
    vs_tui_key(t, '}');
    vs_tui_key(t, '}');
    assert_true(d->set.throughput == 0.8);
    vs_tui_key(t, '{');
    vs_tui_key(t, '{');
    assert_true(d->set.throughput == 0);
    /* The SLA typed after S. */
    vs_tui_key(t, 'S');
    assert_true(d->typing);
    for (const char *c = "p50<2ms"; *c; c++) vs_tui_key(t, *c);
    vs_tui_key(t, VS_TUI_KEY_ENTER);
    assert_false(d->typing);
    assert_true(d->set.p50_ns == 2 * VS_NS_PER_MS && d->set.p99_ns == 0);
    /* w and H move through the built-ins; w W is a round trip. The main
     * run is left alone (its scenario keeps its workload). */
    char first[VS_NAME_MAX];
    snprintf(first, sizeof first, "%s", d->set.workload);
    vs_tui_key(t, 'w');
    assert_string_not_equal(d->set.workload, first);
    assert_string_equal(t->sc.guests[0].workload.name, "web-server");
    vs_tui_key(t, 'W');
    assert_string_equal(d->set.workload, first);
    vs_tui_key(t, 'H');
    assert_string_not_equal(d->set.host, "current");
    /* c: the selected approach becomes another preset, listed once. */
    d->sel = 2;
    vs_tui_key(t, 'c');
    assert_string_not_equal(d->engines[2], "kvm");
    for (int i = 0; i < d->n_rows; i++)
        for (int j = i + 1; j < d->n_rows; j++) assert_string_not_equal(d->engines[i], d->engines[j]);
    /* The main panels' keys still work from the Density panel. */
    vs_tui_key(t, ' ');
    assert_false(t->paused);
    vs_tui_key(t, VS_TUI_KEY_TAB);
    assert_int_equal(t->panel, VS_TUI_COMPARE);
    vs_tui_key(t, VS_TUI_KEY_BTAB);
    assert_int_equal(t->panel, VS_TUI_DENSITY);
    close_tui(t); /* stops the search that runs and joins its thread */
}

/* The text curve: every point on its side of the SLA line, points beyond
 * memory (M) and stopped early (e, its p99 not a figure of the whole
 * window) at the top, the guest counts under their columns. */
static void test_density_curve_text(void **state)
{
    (void)state;
    struct vs_density_result r;
    memset(&r, 0, sizeof r);
    static const int64_t p99_us[] = {300, 320, 900, 1100, 8000};
    static const uint32_t guests[] = {1, 2, 4, 6, 8};
    for (int i = 0; i < 5; i++) {
        struct vs_density_point *p = &r.points[r.n_points++];
        p->guests = guests[i];
        p->p99_ns = p99_us[i] * 1000;
        p->ok = p99_us[i] < 1000;
        p->throughput_per_guest = 100;
        p->basis = VS_PROBE_FULL;
    }
    /* stopped early: its p99 (far above the line) is not a measured figure */
    r.points[r.n_points++] = (struct vs_density_point){.guests = 10, .basis = VS_PROBE_EARLY, .ok = true,
                                                       .p99_ns = 500 * 1000 * 1000, .throughput_per_guest = 90};
    r.points[r.n_points++] = (struct vs_density_point){.guests = 16, .basis = VS_PROBE_MEMORY, .failed = 3};
    for (int height = 3; height <= 12; height += 3) {
        int width = 50;
        char *grid = malloc((size_t)(height + 1) * (size_t)(width + 1));
        int cols[VS_DENSITY_MAX_POINTS];
        int n = vs_tui_density_curve(&r, 1000 * 1000, width, height, grid, cols);
        assert_int_equal(n, 7);
        int sla_row = -1;
        for (int y = 0; y < height; y++)
            if (strstr(grid + y * (width + 1), "-----")) sla_row = y;
        assert_true(sla_row >= 0);
        assert_non_null(strstr(grid + sla_row * (width + 1), "1ms"));
        for (int i = 0; i < n; i++) {
            int found = -1;
            for (int y = 0; y < height; y++) {
                char ch = grid[y * (width + 1) + cols[i]];
                if (ch == 'o' || ch == 'x' || ch == 'M' || ch == 'e') found = y;
            }
            assert_true(found >= 0);
            char ch = grid[found * (width + 1) + cols[i]];
            if (i == 6) {
                assert_int_equal(ch, 'M');
                assert_int_equal(found, 0);
            } else if (i == 5) {
                /* no figure of its whole window: on the top row, not as a point */
                assert_int_equal(ch, 'e');
                assert_int_equal(found, 0);
            } else if (r.points[i].ok) {
                assert_int_equal(ch, 'o');
                assert_true(found > sla_row); /* below the line */
            } else {
                assert_int_equal(ch, 'x');
                assert_true(found < sla_row);
            }
        }
        /* Higher p99, higher up (log scale: 8 ms above 1.1 ms). */
        if (height >= 6) {
            int y3 = -1, y4 = -1;
            for (int y = 0; y < height; y++) {
                if (grid[y * (width + 1) + cols[3]] == 'x') y3 = y;
                if (grid[y * (width + 1) + cols[4]] == 'x') y4 = y;
            }
            assert_true(y4 < y3);
        }
        const char *under = grid + height * (width + 1);
        assert_int_equal(under[cols[0]], '1');
        assert_int_equal(under[cols[6]], '1'); /* "16" centred on its column */
        free(grid);
    }
}

static void test_density_scatter_and_export(void **state)
{
    (void)state;
    struct vs_tui *t = open_density();
    vs_tui_density_wait(t);
    const struct vs_tui_density_entry *e[4];
    for (int i = 0; i < 4; i++) vs_tui_density_row(t, i, &e[i]);
    /* The scatter: three approaches drawn; native at x = 1 (the y axis's
     * column + 1), the densest at the top row. */
    int w = 40, h = 12;
    char *grid = malloc((size_t)h * (size_t)(w + 1));
    assert_int_equal(vs_tui_density_scatter(t, w, h, grid), 3);
    bool native_at_1x = false;
    for (int y = 0; y < h - 2; y++) native_at_1x |= grid[y * (w + 1) + 5] == '1';
    assert_true(native_at_1x);
    uint32_t top = 0;
    for (int i = 0; i < 4; i++)
        if (e[i] && e[i]->r.density > top) top = e[i]->r.density;
    bool top_row = false;
    for (int x = 5; x < w; x++) top_row |= grid[x] >= '1' && grid[x] <= '9';
    assert_true(top_row && top > 0);
    free(grid);

    /* Export: JSON reads back as a density file, with the cost; CSV has one
     * row per approach with as many fields as its header; the text says
     * the command that gives the same numbers. */
    char dir[] = "/tmp/vs-tui-density-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    struct vs_error err;
    t->panel = VS_TUI_DENSITY;
    vs_tui_key(t, 'e');
    assert_non_null(strstr(t->export_path, "virtsim-density-web-server.json"));
    vs_tui_key(t, VS_TUI_KEY_ESC);
    snprintf(path, sizeof path, "%s/d.json", dir);
    assert_int_equal(vs_tui_density_export(t, path, &err), VS_OK);
    struct vs_scenario *sc = malloc(sizeof *sc);
    struct vs_density_result *back = NULL;
    int rc = vs_json_load_density(path, sc, &back, &err);
    if (rc != VS_OK) print_error("%s\n", err.message);
    assert_int_equal(rc, VS_OK);
    assert_int_equal(sc->n_engines, 3);
    assert_string_equal(sc->guests[0].workload.name, "web-server");
    static const int rows[3] = {0, 2, 3};
    for (int k = 0; k < 3; k++) {
        const struct vs_density_result *x = &e[rows[k]]->r;
        assert_string_equal(back[k].engine, x->engine);
        assert_int_equal(back[k].density, x->density);
        assert_int_equal(back[k].limit, x->limit);
        assert_int_equal(back[k].n_points, x->n_points);
        assert_true(back[k].cost_ops == x->cost_ops);
        assert_within_rel(vs_tradeoff_cost_total_ns(&back[k]), vs_tradeoff_cost_total_ns(x), 1e-12);
    }
    free(back);
    free(sc);
    snprintf(path, sizeof path, "%s/d.csv", dir);
    assert_int_equal(vs_tui_density_export(t, path, &err), VS_OK);
    FILE *f = fopen(path, "r");
    char line[1024];
    int lines = 0, header_fields = 0;
    while (fgets(line, sizeof line, f)) {
        int fields = 1;
        for (char *c = line; *c; c++) fields += *c == ',';
        if (lines == 0) header_fields = fields;
        else assert_int_equal(fields, header_fields);
        if (lines == 2) assert_non_null(strstr(line, ",kvm,"));
        lines++;
    }
    fclose(f);
    assert_int_equal(lines, 4);
    unlink(path);
    snprintf(path, sizeof path, "%s/d.txt", dir);
    assert_int_equal(vs_tui_density_export(t, path, &err), VS_OK);
    f = fopen(path, "r");
    char all[4096] = "";
    size_t got = fread(all, 1, sizeof all - 1, f);
    all[got] = '\0';
    fclose(f);
    assert_non_null(strstr(all, "the same as: virtsim density web-server"));
    assert_non_null(strstr(all, "kvm "));
    unlink(path);
    snprintf(path, sizeof path, "%s/d.json", dir);
    unlink(path);
    rmdir(dir);
    close_tui(t);
}

/* Memory overcommit in the panel (P page sharing, B ballooning): with a
 * switch on, each row is what `virtsim density --overcommit ...` gives for
 * the same settings (the same API, field by field, and what each mechanism
 * saved per guest), and the same search without overcommit is there to
 * compare with. Sharing makes room where memory is the limit and the
 * system has it (kvm: KSM), none where it has not (Xen PV); the words say
 * the gain against the count without; switching back comes from the
 * cache. No SLA here: memory is what runs out. */
static struct vs_density_result *overcommit_reference_v(bool sharing, bool balloon, bool vcpus, struct vs_scenario *sc);
static struct vs_density_result *overcommit_reference(bool sharing, bool balloon, struct vs_scenario *sc)
{
    return overcommit_reference_v(sharing, balloon, false, sc);
}

static struct vs_density_result *overcommit_reference_v(bool sharing, bool balloon, bool vcpus, struct vs_scenario *sc)
{
    struct vs_error err;
    struct vs_density_setup ds = {.workload = "web-server", .approaches = "xen-pv,kvm", .vcpus = 2,
                                  .duration_ns = 300 * VS_NS_PER_MS};
    char skipped[256];
    assert_int_equal(vs_density_workload_scenario(&ds, sc, skipped, sizeof skipped, &err), VS_OK);
    assert_int_equal(sc->n_engines, 3);
    struct vs_density_opts o = {.max_guests = 128, .overcommit_sharing = sharing, .overcommit_balloon = balloon,
                                .overcommit_vcpus = vcpus};
    struct vs_density_result *r = calloc(3, sizeof *r);
    assert_int_equal(vs_density_run(sc, &o, r, &err), VS_OK);
    for (uint32_t k = 0; k < 3; k++) assert_int_equal(vs_tradeoff_cost(sc, k, &r[k], &err), VS_OK);
    return r;
}

static void test_density_overcommit(void **state)
{
    (void)state;
    static const char yaml[] = "name: oc\nduration: 1s\nwarmup: 100ms\ncompare: [native, xen-pv, kvm]\n"
                               "guests:\n  - {name: web, workload: web-server, count: 1, vcpus: 2}\n";
    struct vs_scenario *sc = malloc(sizeof *sc);
    struct vs_error err;
    assert_int_equal(vs_config_load_scenario(yaml, sizeof yaml - 1, "oc.yaml", NULL, sc, &err), VS_OK);
    struct vs_tui *t = malloc(sizeof *t);
    assert_int_equal(vs_tui_init(t, sc, 1, &err), VS_OK);
    t->paused = true;
    struct vs_tui_density_start start = {.max_guests = 128, .duration_ns = 300 * VS_NS_PER_MS};
    assert_int_equal(vs_tui_density_begin(t, &start, &err), VS_OK);
    struct vs_tui_density *d = t->density;
    vs_tui_select(t, VS_TUI_DENSITY, -1, -1);
    vs_tui_density_wait(t);
    const struct vs_tui_density_entry *e, *w;
    char room[256], want[128], b[32], cmd[512];
    /* Off: no comparison row, no words. */
    assert_int_equal(vs_tui_density_row_without(t, 2, &w), VS_TUI_DENSITY_OFF);
    vs_tui_density_room_text(t, 2, room, sizeof room);
    assert_string_equal(room, "");
    assert_int_equal(vs_tui_density_row(t, 2, &e), VS_TUI_DENSITY_DONE);
    uint32_t kvm_plain = e->r.density, xen_plain;
    assert_true(e->r.limit == VS_RES_MEMORY && !e->r.capped);
    vs_tui_density_row(t, 1, &e);
    xen_plain = e->r.density;

    /* P: page sharing. */
    vs_tui_key(t, 'P');
    assert_true(d->set.sharing && !d->set.balloon);
    assert_int_not_equal(vs_tui_density_row(t, 2, &e), VS_TUI_DENSITY_DONE);
    vs_tui_density_wait(t);
    struct vs_density_result *ref = overcommit_reference(true, false, sc);
    for (int k = 0; k < 3; k++) {
        assert_int_equal(vs_tui_density_row(t, k, &e), VS_TUI_DENSITY_DONE);
        assert_same_result(&e->r, &ref[k]);
        assert_true(e->r.saved_sharing_bytes == ref[k].saved_sharing_bytes);
        /* The comparison is the search without overcommit, as it was shown. */
        assert_int_equal(vs_tui_density_row_without(t, k, &w), VS_TUI_DENSITY_DONE);
        assert_int_equal(w->r.density, k == 2 ? kvm_plain : k == 1 ? xen_plain : w->r.density);
    }
    assert_true(ref[2].saved_sharing_bytes > 0 && ref[2].density > kvm_plain); /* KSM made room */
    assert_true(ref[1].saved_sharing_bytes == 0 && ref[1].density == xen_plain); /* Xen PV has none */
    vs_tui_density_room_text(t, 2, room, sizeof room);
    snprintf(want, sizeof want, "+%u guests (%u without); per guest saved: sharing %s", ref[2].density - kvm_plain,
             kvm_plain, vs_units_format_bytes(ref[2].saved_sharing_bytes, b, sizeof b));
    assert_string_equal(room, want);
    vs_tui_density_room_text(t, 1, room, sizeof room);
    snprintf(want, sizeof want, "+0 guests (%u without); per guest saved: sharing 0 B", xen_plain);
    assert_string_equal(room, want);
    vs_tui_density_command(t, cmd, sizeof cmd);
    assert_string_equal(cmd, "virtsim density web-server --vcpus 2 --duration 300ms --max 128 --approaches xen-pv,kvm "
                             "--overcommit sharing");
    /* The export says the same: which overcommit, the count without it,
     * and still reads back as a density file. */
    char dir[] = "/tmp/vs-tui-over-XXXXXX", path[256];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/o.csv", dir);
    assert_int_equal(vs_tui_density_export(t, path, &err), VS_OK);
    FILE *f = fopen(path, "r");
    char line[1024];
    bool kvm_row = false;
    while (fgets(line, sizeof line, f))
        if (strstr(line, ",kvm,")) {
            char tail[64];
            snprintf(tail, sizeof tail, ",\"sharing\",%.17g,0,%u,,,\n", ref[2].saved_sharing_bytes, kvm_plain);
            size_t ll = strlen(line), tl = strlen(tail);
            assert_true(ll > tl && strcmp(line + ll - tl, tail) == 0);
            kvm_row = true;
        }
    fclose(f);
    unlink(path);
    assert_true(kvm_row);
    snprintf(path, sizeof path, "%s/o.json", dir);
    assert_int_equal(vs_tui_density_export(t, path, &err), VS_OK);
    struct vs_scenario *back_sc = malloc(sizeof *back_sc);
    struct vs_density_result *back = NULL;
    assert_int_equal(vs_json_load_density(path, back_sc, &back, &err), VS_OK);
    assert_int_equal(back[2].density, ref[2].density);
    free(back);
    free(back_sc);
    size_t len;
    f = fopen(path, "r");
    char all[65536];
    len = fread(all, 1, sizeof all - 1, f);
    all[len] = '\0';
    fclose(f);
    unlink(path);
    rmdir(dir);
    assert_non_null(strstr(all, "\"overcommit\": \"sharing\""));
    snprintf(want, sizeof want, "\"density_without_overcommit\": %u", kvm_plain);
    assert_non_null(strstr(all, want));
    free(ref);

    /* B as well: the page cache goes into the balloon; the words name both. */
    vs_tui_key(t, 'B');
    vs_tui_density_wait(t);
    ref = overcommit_reference(true, true, sc);
    for (int k = 0; k < 3; k++) {
        assert_int_equal(vs_tui_density_row(t, k, &e), VS_TUI_DENSITY_DONE);
        assert_same_result(&e->r, &ref[k]);
        assert_true(e->r.saved_balloon_bytes == ref[k].saved_balloon_bytes);
    }
    assert_true(ref[2].saved_balloon_bytes > 0 && ref[2].density > kvm_plain);
    vs_tui_density_room_text(t, 2, room, sizeof room);
    assert_non_null(strstr(room, ", balloon "));
    assert_non_null(strstr(room, ref[2].capped ? "+>=" : "+"));
    free(ref);

    /* Both off again: from the cache at once (a balloon-only search the
     * first key started is no longer wanted), and no words. */
    vs_tui_key(t, 'P');
    vs_tui_key(t, 'B');
    assert_int_equal(vs_tui_density_row(t, 2, &e), VS_TUI_DENSITY_DONE);
    assert_int_equal(e->r.density, kvm_plain);
    vs_tui_density_room_text(t, 2, room, sizeof room);
    assert_string_equal(room, "");
    free(sc);
    close_tui(t);
}

/* vCPU overcommit in the panel (V): each row is what `virtsim density
 * --overcommit vcpus` gives for the same settings (field by field, with
 * the count with a core per vCPU, the cores' fit and the steal time at the
 * density); the words say how many guests sharing cores made room for
 * against a core per vCPU; the cache key, the command line and the export
 * carry it; V again comes back from the cache. No SLA: memory limits kvm
 * far beyond the host's cores, so sharing them is what makes room. */
static void test_density_vcpu_overcommit(void **state)
{
    (void)state;
    static const char yaml[] = "name: oc\nduration: 1s\nwarmup: 100ms\ncompare: [native, xen-pv, kvm]\n"
                               "guests:\n  - {name: web, workload: web-server, count: 1, vcpus: 2}\n";
    struct vs_scenario *sc = malloc(sizeof *sc);
    struct vs_error err;
    assert_int_equal(vs_config_load_scenario(yaml, sizeof yaml - 1, "oc.yaml", NULL, sc, &err), VS_OK);
    struct vs_tui *t = malloc(sizeof *t);
    assert_int_equal(vs_tui_init(t, sc, 1, &err), VS_OK);
    t->paused = true;
    struct vs_tui_density_start start = {.max_guests = 128, .duration_ns = 300 * VS_NS_PER_MS};
    assert_int_equal(vs_tui_density_begin(t, &start, &err), VS_OK);
    struct vs_tui_density *d = t->density;
    vs_tui_select(t, VS_TUI_DENSITY, -1, -1);
    vs_tui_density_wait(t);
    const struct vs_tui_density_entry *e, *w;
    char room[256], want[256], cmd[512];
    assert_int_equal(vs_tui_density_row(t, 2, &e), VS_TUI_DENSITY_DONE);
    uint32_t kvm_plain = e->r.density;
    vs_tui_density_vcpu_text(t, 2, room, sizeof room);
    assert_string_equal(room, "");

    vs_tui_key(t, 'V');
    assert_true(d->set.vcpus_shared && !d->set.sharing && !d->set.balloon);
    /* a setting of its own: not the cached search without it */
    assert_int_not_equal(vs_tui_density_row(t, 2, &e), VS_TUI_DENSITY_DONE);
    vs_tui_density_wait(t);
    struct vs_density_result *ref = overcommit_reference_v(false, false, true, sc);
    for (int k = 0; k < 3; k++) {
        assert_int_equal(vs_tui_density_row(t, k, &e), VS_TUI_DENSITY_DONE);
        assert_same_result(&e->r, &ref[k]);
        assert_int_equal(e->r.vcpu_fit, ref[k].vcpu_fit);
        assert_int_equal(e->r.density_without_vcpu_overcommit, ref[k].density_without_vcpu_overcommit);
        assert_true(e->r.steal_at_density == ref[k].steal_at_density);
        for (uint32_t i = 0; i < e->r.n_points; i++)
            assert_true(e->r.points[i].steal_fraction == ref[k].points[i].steal_fraction);
        /* no second search: vCPU overcommit's comparison is in its own result */
        assert_int_equal(vs_tui_density_row_without(t, k, &w), VS_TUI_DENSITY_OFF);
    }
    /* the search itself is the same: only the comparison is added */
    assert_int_equal(ref[2].density, kvm_plain);
    uint32_t cores = sc->hosts[0].spec.cpu.cores;
    assert_int_equal(ref[2].vcpu_fit, cores / 2);
    assert_true(ref[2].density_without_vcpu_overcommit < ref[2].density);
    assert_true(ref[2].steal_at_density >= 0 && ref[2].steal_at_density < 1);
    vs_tui_density_vcpu_text(t, 2, room, sizeof room);
    snprintf(want, sizeof want, "+%u guests (%u with a core per vCPU), steal %.1f %% at the density",
             ref[2].density - ref[2].density_without_vcpu_overcommit, ref[2].density_without_vcpu_overcommit,
             ref[2].steal_at_density * 100);
    assert_string_equal(room, want);
    char full[300];
    snprintf(full, sizeof full, "vCPU overcommit: %s", want);
    vs_tui_density_room_text(t, 2, room, sizeof room);
    assert_string_equal(room, full);
    vs_tui_density_command(t, cmd, sizeof cmd);
    assert_string_equal(cmd, "virtsim density web-server --vcpus 2 --duration 300ms --max 128 --approaches xen-pv,kvm "
                             "--overcommit vcpus");

    /* The export: JSON keys and CSV columns as virtsim density writes them. */
    char dir[] = "/tmp/vs-tui-vcpu-XXXXXX", path[256];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/v.csv", dir);
    assert_int_equal(vs_tui_density_export(t, path, &err), VS_OK);
    FILE *f = fopen(path, "r");
    char line[1024];
    bool kvm_row = false;
    assert_non_null(fgets(line, sizeof line, f));
    assert_non_null(
        strstr(line, ",density_without_overcommit,vcpu_fit,density_without_vcpu_overcommit,steal_at_density\n"));
    while (fgets(line, sizeof line, f))
        if (strstr(line, ",kvm,")) {
            char tail[96];
            snprintf(tail, sizeof tail, ",\"vcpus\",,,,%u,%u,%.17g\n", ref[2].vcpu_fit,
                     ref[2].density_without_vcpu_overcommit, ref[2].steal_at_density);
            size_t ll = strlen(line), tl = strlen(tail);
            assert_true(ll > tl && strcmp(line + ll - tl, tail) == 0);
            kvm_row = true;
        }
    fclose(f);
    unlink(path);
    assert_true(kvm_row);
    snprintf(path, sizeof path, "%s/v.json", dir);
    assert_int_equal(vs_tui_density_export(t, path, &err), VS_OK);
    f = fopen(path, "r");
    static char all[65536];
    size_t len = fread(all, 1, sizeof all - 1, f);
    all[len] = '\0';
    fclose(f);
    unlink(path);
    snprintf(path, sizeof path, "%s/v.txt", dir);
    assert_int_equal(vs_tui_density_export(t, path, &err), VS_OK);
    f = fopen(path, "r");
    static char text[65536];
    len = fread(text, 1, sizeof text - 1, f);
    text[len] = '\0';
    fclose(f);
    unlink(path);
    rmdir(dir);
    assert_non_null(strstr(all, "\"overcommit\": \"vcpus\""));
    snprintf(want, sizeof want, "\"density_without_vcpu_overcommit\": %u", ref[2].density_without_vcpu_overcommit);
    assert_non_null(strstr(all, want));
    snprintf(want, sizeof want, "\"vcpu_fit\": %u", ref[2].vcpu_fit);
    assert_non_null(strstr(all, want));
    assert_non_null(strstr(all, "\"steal_at_density\": "));
    assert_non_null(strstr(text, "vCPU overcommit: on"));
    assert_non_null(strstr(text, full));

    /* With page sharing too: both mechanisms said, each its own way. */
    vs_tui_key(t, 'P');
    vs_tui_density_wait(t);
    vs_tui_density_room_text(t, 2, room, sizeof room);
    assert_non_null(strstr(room, "without); per guest saved: sharing "));
    assert_non_null(strstr(room, "; vCPU overcommit: +"));
    vs_tui_density_command(t, cmd, sizeof cmd);
    assert_non_null(strstr(cmd, "--overcommit sharing,vcpus"));
    free(ref);

    /* Both off: the first numbers, from the cache at once. */
    vs_tui_key(t, 'P');
    vs_tui_key(t, 'V');
    assert_int_equal(vs_tui_density_row(t, 2, &e), VS_TUI_DENSITY_DONE);
    assert_int_equal(e->r.density, kvm_plain);
    vs_tui_density_room_text(t, 2, room, sizeof room);
    assert_string_equal(room, "");
    free(sc);
    close_tui(t);
}

/* The security box ('i'): the selected engine's approach's row of the
 * security table, wrapped to the screen, with its sources; a hypervisor's
 * guest reaches hypercalls or emulated devices, a container the shared
 * kernel's system calls; any key closes it. */
static void test_security_box(void **state)
{
    (void)state;
    static const char yaml[] = "name: sec\nduration: 1s\nwarmup: 100ms\ncompare: [kvm, xen-pv, lxc]\n"
                               "guests: [{name: web, workload: web-server}]\n";
    struct vs_scenario *sc = malloc(sizeof *sc);
    struct vs_error err;
    assert_int_equal(vs_config_load_scenario(yaml, sizeof yaml - 1, "sec.yaml", NULL, sc, &err), VS_OK);
    struct vs_tui *t = malloc(sizeof *t);
    assert_int_equal(vs_tui_init(t, sc, 1, &err), VS_OK);
    free(sc);
    static char lines[64][VS_TUI_LINE_MAX];
    const char *expect[] = {"VENOM", "hypercall", "system calls"};
    const char *absent[] = {"hypercall", "VENOM", "hypercall"};
    for (int e = 0; e < 3; e++) {
        t->engine = e;
        vs_tui_key(t, 'i');
        assert_true(t->security);
        int n = vs_tui_security_lines(t, 60, lines, 64);
        assert_true(n > 5);
        bool found = false, other = false, source = false;
        for (int i = 0; i < n; i++) {
            assert_true(strlen(lines[i]) <= 60);
            if (strstr(lines[i], expect[e])) found = true;
            if (strstr(lines[i], absent[e])) other = true;
            if (strstr(lines[i], "source")) source = true;
        }
        assert_true(found && source && !other);
        vs_tui_key(t, 'x'); /* any key closes */
        assert_false(t->security);
        assert_false(t->quit);
    }
    close_tui(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pause_stops_the_clock),
        cmocka_unit_test(test_speeds_and_panels),
        cmocka_unit_test(test_sort_and_filter),
        cmocka_unit_test(test_add_and_remove_guest),
        cmocka_unit_test(test_restart_new_seed_and_finish),
        cmocka_unit_test(test_live_changes_and_export),
        cmocka_unit_test(test_host_selector),
        cmocka_unit_test(test_guest_hosts),
        cmocka_unit_test(test_one_host_has_no_selector),
        cmocka_unit_test(test_timeline_event_times),
        cmocka_unit_test(test_compare_scores),
        cmocka_unit_test(test_bar_cells),
        cmocka_unit_test(test_formatting),
        cmocka_unit_test(test_trace_box),
        cmocka_unit_test(test_migration_line),
        cmocka_unit_test(test_progress_and_boot_fast_forward),
        cmocka_unit_test(test_header_fits),
        cmocka_unit_test(test_cost_per_op),
        cmocka_unit_test(test_scaled_cells),
        cmocka_unit_test(test_group_history),
        cmocka_unit_test(test_timeline_order_scroll_marks),
        cmocka_unit_test(test_colours),
        cmocka_unit_test(test_small_defects),
        cmocka_unit_test(test_density_panel_matches_density),
        cmocka_unit_test(test_density_settings_and_keys),
        cmocka_unit_test(test_density_curve_text),
        cmocka_unit_test(test_density_scatter_and_export),
        cmocka_unit_test(test_density_overcommit),
        cmocka_unit_test(test_density_vcpu_overcommit),
        cmocka_unit_test(test_security_box),
    };
    return cmocka_run_group_tests_name("tui", tests, NULL, NULL);
}
