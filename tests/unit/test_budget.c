/* The memory budget, the stop request and the progress line. Invariants:
 * - the budget never lets its counter pass the limit, and a refusal says
 *   which structure wanted what;
 * - a run whose queue outgrows a small budget stops with an error naming the
 *   queue, the budget and --memory-budget, having held no more than the
 *   budget (the count is of real allocations, so memory stays bounded);
 * - a budget the run fits in changes nothing: the results are the same as
 *   with no budget at all;
 * - a stop request stops a simulation at the next event boundary; the run's
 *   figures so far come back marked partial, and every report format says so;
 * - the estimate finds the open load that outruns its NIC, and no other;
 * - the progress line fits its width and says what it knows. */
#include "testutil.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "virtsim/core/budget.h"
#include "virtsim/core/control.h"
#include "virtsim/core/event.h"
#include "virtsim/load/config.h"
#include "virtsim/out/report.h"
#include "virtsim/run/estimate.h"
#include "virtsim/run/replicate.h"
#include "virtsim/run/sim.h"
#include "virtsim/ui/progress.h"

#define MIB (UINT64_C(1) << 20)

/* Packets cross from one host to the other one by one, 100,000 per request,
 * 1000 requests a second: far more than the NIC carries, so its queue grows
 * until the guest's queue_limit (10,000 requests, 10^9 packets) - the
 * reproducer of issue 15, item 3. */
static const char flood_yaml[] =
    "name: flood\n"
    "hosts:\n"
    "  - {name: a, profile: current}\n"
    "  - {name: b, profile: current}\n"
    "links:\n"
    "  - {hosts: [a, b], bandwidth: 10Gbit}\n"
    "duration: 60s\n"
    "seed: 1\n"
    "compare: [native]\n"
    "guests:\n"
    "  - name: flood\n"
    "    host: a\n"
    "    clients_from: users\n"
    "    workload:\n"
    "      load: {kind: open, rate: 1000/s}\n"
    "      request: {instructions: 1k, net: {rx_packets: 100000}}\n"
    "      memory: {footprint: 64MiB}\n"
    "  - {name: users, host: b, workload: cpu-bound}\n";

/* A light load that every budget here holds. */
static const char light_yaml[] =
    "name: light\n"
    "host: current\n"
    "duration: 2s\n"
    "warmup: 200ms\n"
    "seed: 3\n"
    "compare: [native, kvm]\n"
    "guests:\n"
    "  - {name: web, workload: web-server, count: 2, vcpus: 2, load: {rate: 500/s}}\n";

static struct vs_scenario *load(const char *yaml)
{
    struct vs_scenario *sc = malloc(sizeof *sc);
    struct vs_error e;
    assert_non_null(sc);
    int rc = vs_config_load_scenario(yaml, strlen(yaml), "test.yaml", NULL, sc, &e);
    if (rc != VS_OK) fail_msg("%s", e.message);
    return sc;
}

static void test_budget_counts_and_refuses(void **state)
{
    (void)state;
    struct vs_budget b;
    vs_budget_init(&b, 1000);
    struct vs_mem_account a1, a2;
    vs_mem_account_init(&a1, &b);
    vs_mem_account_init(&a2, &b);
    assert_true(vs_mem_take(&a1, 600, "q1", 0));
    assert_true(vs_mem_take(&a2, 400, "q2", 0));
    assert_int_equal(vs_budget_used(&b), 1000);
    /* One byte more is refused, counted nowhere, and recorded. */
    assert_false(vs_mem_take(&a2, 1, "the second queue", 400));
    assert_int_equal(vs_budget_used(&b), 1000);
    assert_true(a2.refused);
    assert_string_equal(a2.refused_what, "the second queue");
    assert_int_equal(a2.refused_held_bytes, 400);
    assert_int_equal(a2.refused_wanted_bytes, 1);
    assert_false(a1.refused);
    vs_mem_give(&a1, 600);
    assert_true(vs_mem_take(&a2, 500, "q2", 400));
    assert_int_equal(vs_budget_peak(&b), 1000);
    vs_mem_account_close(&a2);
    vs_mem_account_close(&a1);
    assert_int_equal(vs_budget_used(&b), 0);
    /* No account: everything is granted. */
    assert_true(vs_mem_take(NULL, UINT64_MAX, "x", 0));
    /* The default is a part of this machine's memory, never tiny. */
    assert_true(vs_budget_default_bytes() >= VS_BUDGET_DEFAULT_MIN_BYTES);

    struct vs_error e;
    assert_int_equal(vs_mem_refusal_error(&a2, &e), VS_ERR_RUNTIME);
    assert_non_null(strstr(e.message, "the second queue"));
    assert_non_null(strstr(e.message, "--memory-budget"));
}

static void nothing(void *ctx, uint64_t arg)
{
    (void)ctx;
    (void)arg;
}

static void test_event_queue_is_charged(void **state)
{
    (void)state;
    struct vs_budget b;
    vs_budget_init(&b, 1 * MIB);
    struct vs_mem_account a;
    vs_mem_account_init(&a, &b);
    struct vs_event_queue *q = vs_event_queue_create(64);
    assert_true(vs_event_set_account(q, &a));
    assert_true(vs_budget_used(&b) > 0);
    size_t n = 0;
    while (n < 1000000 && vs_event_schedule(q, (vs_time_ns)n, nothing, NULL, 0, NULL) == VS_OK) n++;
    /* Refused long before a million events, with the queue held under the budget. */
    assert_true(n < 1000000);
    assert_true(n > 1000);
    assert_true(a.refused);
    assert_string_equal(a.refused_what, "the event queue");
    assert_true(vs_budget_peak(&b) <= 1 * MIB);
    assert_int_equal(vs_event_pending(q), n);
    /* The events held still run. */
    assert_int_equal(vs_event_run_until(q, VS_TIME_NEVER - 1), n);
    vs_event_queue_destroy(q);
    assert_int_equal(vs_budget_used(&b), 0);
}

static void test_flood_stops_at_the_budget(void **state)
{
    (void)state;
    struct vs_scenario *sc = load(flood_yaml);
    struct vs_control ctl;
    vs_control_init(&ctl, 16 * MIB);
    sc->control = &ctl;
    struct vs_results res;
    struct vs_error e;
    vs_error_clear(&e);
    int rc = vs_sim_run_scenario(sc, sc->seed, &res, &e);
    assert_int_equal(rc, VS_ERR_RUNTIME);
    assert_non_null(strstr(e.message, "memory budget exceeded"));
    /* The queue is named: the packets or the transmit queue of the sending host's NIC. */
    assert_non_null(strstr(e.message, "host b's NIC"));
    assert_non_null(strstr(e.message, "16 MiB"));
    assert_non_null(strstr(e.message, "--memory-budget"));
    /* Bounded: what the run's queues ever held stayed within the budget, and
     * all of it was given back. */
    assert_true(vs_budget_peak(&ctl.budget) <= 16 * MIB);
    assert_true(vs_budget_peak(&ctl.budget) > 8 * MIB);
    assert_int_equal(vs_budget_used(&ctl.budget), 0);
    free(sc);
}

static void test_budget_changes_nothing(void **state)
{
    (void)state;
    struct vs_scenario *sc = load(light_yaml);
    struct vs_results with, without;
    struct vs_error e;
    assert_int_equal(vs_sim_run_replicated(sc, sc->seed, 2, 1, &without, &e), VS_OK);
    struct vs_control ctl;
    vs_control_init(&ctl, 64 * MIB);
    sc->control = &ctl;
    assert_int_equal(vs_sim_run_replicated(sc, sc->seed, 2, 2, &with, &e), VS_OK);
    assert_false(with.partial);
    char *a = NULL, *b = NULL;
    size_t la = 0, lb = 0;
    FILE *fa = open_memstream(&a, &la), *fb = open_memstream(&b, &lb);
    assert_int_equal(vs_report_write(fa, &without, VS_REPORT_JSON, &e), VS_OK);
    assert_int_equal(vs_report_write(fb, &with, VS_REPORT_JSON, &e), VS_OK);
    fclose(fa);
    fclose(fb);
    assert_int_equal(la, lb);
    assert_memory_equal(a, b, la);
    /* The counters moved: every simulation counted, every simulated ns. */
    struct vs_progress p;
    vs_control_progress(&ctl, &p);
    assert_int_equal(p.runs_started, 4);
    assert_true(p.events > 0);
    assert_int_equal(p.done_ns, 2 * (with.runs[0].now_ns + with.runs[1].now_ns));
    free(a);
    free(b);
    vs_results_free(&with);
    vs_results_free(&without);
    free(sc);
}

static void test_stop_at_next_event(void **state)
{
    (void)state;
    struct vs_scenario *sc = load(light_yaml);
    struct vs_control ctl;
    vs_control_init(&ctl, 0);
    sc->control = &ctl;
    struct vs_sim *s;
    struct vs_error e;
    assert_int_equal(vs_sim_create(sc, "native", 1, &s, &e), VS_OK);
    assert_int_equal(vs_sim_advance(s, 300 * VS_NS_PER_MS, &e), VS_OK);
    struct vs_run_result before;
    assert_int_equal(vs_sim_snapshot(s, &before, &e), VS_OK);
    vs_control_request_stop(&ctl);
    assert_int_equal(vs_sim_advance(s, VS_TIME_NEVER, &e), VS_ERR_INTERRUPTED);
    assert_non_null(strstr(e.message, "interrupted"));
    struct vs_run_result after;
    assert_int_equal(vs_sim_snapshot(s, &after, &e), VS_OK);
    /* At most the one event during which the request came ran. */
    assert_true(after.events - before.events <= 1);
    assert_true(after.now_ns < 2 * VS_NS_PER_S);
    vs_run_result_free(&before);
    vs_run_result_free(&after);
    vs_sim_destroy(s);
    free(sc);
}

static char *report(const struct vs_results *r, enum vs_report_format fmt)
{
    char *text = NULL;
    size_t len = 0;
    struct vs_error e;
    FILE *f = open_memstream(&text, &len);
    assert_int_equal(vs_report_write(f, r, fmt, &e), VS_OK);
    fclose(f);
    return text;
}

static void test_stopped_run_is_partial(void **state)
{
    (void)state;
    struct vs_scenario *sc = load(light_yaml);
    struct vs_control ctl;
    vs_control_init(&ctl, 0);
    sc->control = &ctl;
    /* Stopped before anything ran: the run says so, partial, with what it has. */
    vs_control_request_stop(&ctl);
    struct vs_results res;
    struct vs_error e;
    assert_int_equal(vs_sim_run_replicated(sc, sc->seed, 3, 1, &res, &e), VS_ERR_INTERRUPTED);
    assert_true(res.partial);
    char *json = report(&res, VS_REPORT_JSON), *csv = report(&res, VS_REPORT_CSV),
         *table = report(&res, VS_REPORT_TABLE);
    assert_non_null(strstr(json, "\"partial\": true"));
    assert_non_null(strstr(csv, "\nlight,3,,,partial,"));
    assert_non_null(strstr(table, "PARTIAL RESULTS"));
    free(json);
    free(csv);
    free(table);
    vs_results_free(&res);

    /* A finished run's reports have no such mark. */
    vs_control_init(&ctl, 0);
    assert_int_equal(vs_sim_run_scenario(sc, sc->seed, &res, &e), VS_OK);
    assert_false(res.partial);
    json = report(&res, VS_REPORT_JSON);
    csv = report(&res, VS_REPORT_CSV);
    table = report(&res, VS_REPORT_TABLE);
    assert_null(strstr(json, "partial"));
    assert_null(strstr(csv, "partial"));
    assert_null(strstr(table, "PARTIAL"));
    free(json);
    free(csv);
    free(table);
    vs_results_free(&res);
    free(sc);
}

/* A stop request in the middle of an engine: that engine is kept as far
 * as it ran, the later ones are missing. The request comes from another
 * thread (as from the signal handler) once the progress counters show the
 * first engine under way; only the order of things is asserted. */
struct stopper {
    struct vs_control *ctl;
    struct vs_scenario *sc;
    struct vs_results res;
    struct vs_error e;
    int rc;
};

static void *run_thread(void *arg)
{
    struct stopper *st = arg;
    st->rc = vs_sim_run_scenario(st->sc, st->sc->seed, &st->res, &st->e);
    return NULL;
}

static void test_stop_mid_run_keeps_what_ran(void **state)
{
    (void)state;
    struct vs_scenario *sc = load(light_yaml);
    sc->duration_ns = 3600 * VS_NS_PER_S; /* far longer than the test waits */
    struct vs_control ctl;
    vs_control_init(&ctl, 0);
    sc->control = &ctl;
    struct stopper st = {.ctl = &ctl, .sc = sc};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, run_thread, &st), 0);
    while (atomic_load(&ctl.done_ns) < VS_NS_PER_S) {
        struct timespec ms = {0, 1000000};
        nanosleep(&ms, NULL);
    }
    vs_control_request_stop(&ctl);
    pthread_join(t, NULL);
    assert_int_equal(st.rc, VS_ERR_INTERRUPTED);
    assert_true(st.res.partial);
    assert_int_equal(st.res.n_runs, 1); /* native as far as it got; kvm never began */
    assert_string_equal(st.res.runs[0].engine, "native");
    assert_true(st.res.runs[0].now_ns >= VS_NS_PER_S);
    assert_true(st.res.runs[0].now_ns < sc->duration_ns);
    assert_true(st.res.runs[0].groups[0].completed > 0);
    vs_results_free(&st.res);
    free(sc);
}

static void test_estimate(void **state)
{
    (void)state;
    struct vs_scenario *sc = load(flood_yaml);
    struct vs_queue_estimate q;
    vs_estimate_queues(sc, &q);
    assert_true(q.saturated);
    assert_string_equal(q.group, "flood");
    assert_string_equal(q.bottleneck, "the NIC of its host");
    assert_true(q.capacity_per_s < 1000);
    /* 10,000 requests of 100,000 packets: well over 10^9 packets' bytes. */
    assert_true(q.expected_bytes > 1e11);
    free(sc);
    sc = load(light_yaml);
    vs_estimate_queues(sc, &q);
    assert_false(q.saturated);
    assert_true(q.expected_bytes < 1e6);
    free(sc);
}

static void test_progress_line(void **state)
{
    (void)state;
    char line[256];
    struct vs_progress p = {.events = 5000000, .done_ns = 30 * VS_NS_PER_S, .total_ns = 60 * VS_NS_PER_S,
                            .runs_started = 1, .runs_planned = 1, .fraction = 0.5};
    vs_progress_format(&p, 2.0, 80, line, sizeof line);
    assert_true(strlen(line) <= 79);
    assert_non_null(strstr(line, "50%"));
    assert_non_null(strstr(line, "simulated 30 s of 60 s"));
    assert_non_null(strstr(line, "2.5M events/s"));
    assert_non_null(strstr(line, "0:02 left"));
    assert_int_equal(line[0], '[');
    /* Narrow: no bar, still cut to the width. */
    vs_progress_format(&p, 2.0, 40, line, sizeof line);
    assert_true(strlen(line) <= 39);
    /* Unknown total: no bar, no share, no estimate. */
    struct vs_progress u = {.events = 100, .done_ns = VS_NS_PER_S, .runs_started = 3, .fraction = -1};
    vs_progress_format(&u, 1.0, 120, line, sizeof line);
    assert_null(strstr(line, "%"));
    assert_null(strstr(line, "left"));
    assert_non_null(strstr(line, "runs 3/3"));
    /* The control's counters give the share: two of four runs begun, 1 s each. */
    struct vs_control c;
    vs_control_init(&c, 0);
    vs_control_plan(&c, 4);
    atomic_store(&c.runs_started, 2);
    atomic_store(&c.started_ns, 2 * VS_NS_PER_S);
    atomic_store(&c.done_ns, VS_NS_PER_S);
    struct vs_progress q;
    vs_control_progress(&c, &q);
    assert_int_equal(q.total_ns, 4 * VS_NS_PER_S);
    assert_within_rel(q.fraction, 0.25, 1e-12);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_budget_counts_and_refuses),
        cmocka_unit_test(test_event_queue_is_charged),
        cmocka_unit_test(test_flood_stops_at_the_budget),
        cmocka_unit_test(test_budget_changes_nothing),
        cmocka_unit_test(test_stop_at_next_event),
        cmocka_unit_test(test_stopped_run_is_partial),
        cmocka_unit_test(test_stop_mid_run_keeps_what_ran),
        cmocka_unit_test(test_estimate),
        cmocka_unit_test(test_progress_line),
    };
    return cmocka_run_group_tests_name("budget", tests, NULL, NULL);
}
