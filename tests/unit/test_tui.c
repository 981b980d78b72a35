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
#include "virtsim/out/palette.h"
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
        cmocka_unit_test(test_security_box),
    };
    return cmocka_run_group_tests_name("tui", tests, NULL, NULL);
}
