/* CPU pinning (issue 11, resource management). Invariants:
 * - a guest pinned to k cores never uses more than k cores' worth of CPU,
 *   however many busy vCPUs it has, and its vCPUs wait for those cores;
 * - pinning a CPU hog away from a victim's cores isolates the victim: its
 *   p99 latency falls back near what it is alone, while unpinned it queues
 *   behind the hog's vCPUs;
 * - a pin outside the host's cores is refused with the guest's position. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>

#include "virtsim/load/config.h"
#include "virtsim/run/sim.h"

static int run(const char *guests, struct vs_results *out, struct vs_error *err)
{
    char yaml[2048];
    snprintf(yaml, sizeof yaml,
             "name: pin\nhost: {profile: current, cpu: {cores: 4}}\nduration: 10s\nwarmup: 1s\ncompare: [kvm]\n"
             "guests:\n%s",
             guests);
    struct vs_scenario *sc = malloc(sizeof *sc);
    int rc = vs_config_load_scenario(yaml, strlen(yaml), "pin.yaml", NULL, sc, err);
    if (rc == VS_OK) rc = vs_sim_run_scenario(sc, 1, out, err);
    free(sc);
    return rc;
}

/* A CPU hog: four vCPUs that always have work. */
#define HOG "  - {name: hog, vcpus: 4, workload: cpu-bound, load: {kind: closed, clients: 8, think_time: 0ms}%s}\n"

static const struct vs_guest_result *group(const struct vs_results *r, const char *name)
{
    for (uint32_t g = 0; g < r->runs[0].n_groups; g++)
        if (strcmp(r->runs[0].groups[g].name, name) == 0) return &r->runs[0].groups[g];
    fail_msg("no group %s", name);
    return NULL;
}

static void test_pinned_guest_stays_on_its_cores(void **state)
{
    (void)state;
    char guests[512];
    struct vs_results r;
    struct vs_error err = {0};
    snprintf(guests, sizeof guests, HOG, ", pin: 0-1");
    assert_int_equal(run(guests, &r, &err), VS_OK);
    const struct vs_guest_result *hog = group(&r, "hog");
    double window = (double)r.runs[0].window_ns;
    /* at most two cores' worth, and (with work always waiting) about that */
    assert_true(vs_guest_cpu_ns(hog) <= 2.0 * window * 1.001);
    assert_true(vs_guest_cpu_ns(hog) > 1.9 * window);
    assert_true(hog->cpu_wait_ns > window); /* its other two vCPUs wait */
    vs_results_free(&r);
    snprintf(guests, sizeof guests, HOG, "");
    assert_int_equal(run(guests, &r, &err), VS_OK);
    assert_true(vs_guest_cpu_ns(group(&r, "hog")) > 3.9 * window);
    vs_results_free(&r);
}

static void test_pinning_isolates(void **state)
{
    (void)state;
    const char *victim = "  - {name: web, workload: web-server, load: {rate: 500/s}%s}\n";
    char guests[1024], v[256], h[256];
    struct vs_results r;
    struct vs_error err = {0};
    double p99[3];
    const char *pins[3][2] = {{"", NULL}, {"", ""}, {", pin: 3", ", pin: 0-2"}};
    for (int k = 0; k < 3; k++) {
        snprintf(v, sizeof v, victim, pins[k][0]);
        if (pins[k][1]) snprintf(h, sizeof h, HOG, pins[k][1]);
        else h[0] = '\0';
        snprintf(guests, sizeof guests, "%s%s", v, h);
        assert_int_equal(run(guests, &r, &err), VS_OK);
        p99[k] = (double)group(&r, "web")->latency.p99_ns;
        vs_results_free(&r);
    }
    print_message("web p99: alone %.0f us, beside the hog %.0f us, pinned apart %.0f us\n", p99[0] / 1e3,
                  p99[1] / 1e3, p99[2] / 1e3);
    assert_true(p99[1] > 3 * p99[0]);  /* the hog's vCPUs delay it */
    assert_true(p99[2] < 1.5 * p99[0]); /* on a core of its own it is as alone */
}

static void test_bad_pin(void **state)
{
    (void)state;
    struct vs_results r;
    struct vs_error err = {0};
    char guests[512];
    snprintf(guests, sizeof guests, HOG, ", pin: 2-7");
    assert_int_equal(run(guests, &r, &err), VS_ERR_INPUT);
    assert_non_null(strstr(err.message, "pinned to cores 2-7, but host"));
    snprintf(guests, sizeof guests, HOG, ", pin: 5-2");
    assert_int_equal(run(guests, &r, &err), VS_ERR_INPUT);
    assert_non_null(strstr(err.message, "the range must go up"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pinned_guest_stays_on_its_cores),
        cmocka_unit_test(test_pinning_isolates),
        cmocka_unit_test(test_bad_pin),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
