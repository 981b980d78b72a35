/* Labs: answer expressions and grading. Invariants:
 *  - expressions follow arithmetic (precedence, parentheses, unary minus)
 *    and name figures of the results, each computed as its definition says
 *    (CPU per request is the group's host CPU over its completions; a
 *    share is a category over the group's CPU; per-request counts divide
 *    by completions), not as stored constants;
 *  - a figure that does not exist (no completion, an engine that did not
 *    run, a division by zero) is an error with a sentence, never a number;
 *  - a numeric answer is right inside the tolerance and wrong just outside
 *    it, relative or absolute; the question's unit may follow the number;
 *  - a derived choice follows the results: change them, the key changes;
 *  - a lab loads from text with every engine and group it names checked
 *    against the step's scenario, at the expression's position;
 *  - a density step names the resource that ran out first (one of them 1);
 *  - memory-management figures are the group's (or the hosts') sums in
 *    the unit their names say, and do not exist without memory management
 *    or, for a change's duration, before a change took full effect;
 *  - an isolation figure is the victim's row beside the neighbour set it
 *    names ("all": every neighbour), in the unit its name says; it exists
 *    only in an isolation step, names a neighbour (not the victim), and the
 *    key a step computes is the figure `virtsim isolation` reports;
 *  - with policies, an isolation figure names its policy and is that
 *    policy's row (a step's policies are checked at load), and the key is
 *    what `virtsim isolation --policies` reports: under pinning the file
 *    scanner still slows a container's victim more than a VM's;
 *  - steal_pct is the group's wait for a core over its vCPU time, in %;
 *    cpu_change_s is the group's last applied set: of cpus, cap or weight,
 *    from the event to its full effect (refused sets, other groups' and
 *    sets that change memory too do not count); in a run, a container's
 *    cpuset changes at once and a VM hot-plugs one vCPU after another, so
 *    two vCPUs take twice as long as one. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>

#include "virtsim/lab/lab.h"

/* Results with one run per engine and one group "web": throughput,
 * completions, CPU by category and VM exits set by the test. */
static void make_results(struct vs_lab_results *lr, const char *const *engines, const double *completed,
                         const double *cpu_ns, uint32_t n)
{
    memset(lr, 0, sizeof *lr);
    struct vs_results *r = &lr->res;
    r->runs = calloc(n, sizeof *r->runs);
    r->n_runs = n;
    for (uint32_t k = 0; k < n; k++) {
        struct vs_run_result *run = &r->runs[k];
        snprintf(run->engine, sizeof run->engine, "%s", engines[k]);
        run->window_ns = 2 * VS_NS_PER_S;
        run->groups = calloc(1, sizeof *run->groups);
        run->n_groups = 1;
        struct vs_guest_result *g = &run->groups[0];
        snprintf(g->name, sizeof g->name, "web");
        g->completed = (uint64_t)completed[k];
        g->throughput_per_s = completed[k] / 2;
        g->cpu_ns[VS_CAT_GUEST_USER] = 0.75 * cpu_ns[k];
        g->cpu_ns[VS_CAT_VMEXIT] = 0.25 * cpu_ns[k];
        g->events[VS_EVT_VMEXIT] = 3 * completed[k];
        g->latency.p99_ns = 2500000;
        g->latency.count = g->completed;
    }
}

static double eval(const char *text, const struct vs_lab_results *r, int *rc)
{
    struct vs_lab_expr e;
    struct vs_error err;
    assert_int_equal(vs_lab_parse_expr(text, "t", 1, 1, &e, &err), VS_OK);
    double v = NAN;
    char why[256];
    *rc = vs_lab_eval(&e, r, &v, why, sizeof why);
    return v;
}

static void test_arithmetic(void **state)
{
    (void)state;
    struct vs_lab_results none;
    memset(&none, 0, sizeof none);
    int rc;
    assert_true(eval("2 + 3 * 4", &none, &rc) == 14 && rc == VS_OK);
    assert_true(eval("(2 + 3) * 4", &none, &rc) == 20 && rc == VS_OK);
    assert_true(eval("-2 * -3", &none, &rc) == 6 && rc == VS_OK);
    assert_true(eval("10 - 4 - 3", &none, &rc) == 3 && rc == VS_OK); /* left to right */
    assert_true(eval("12 / 3 / 2", &none, &rc) == 2 && rc == VS_OK);
    eval("1 / (2 - 2)", &none, &rc);
    assert_int_equal(rc, VS_ERR_RUNTIME);

    struct vs_lab_expr e;
    struct vs_error err;
    assert_int_equal(vs_lab_parse_expr("2 +", "f.yaml", 4, 10, &e, &err), VS_ERR_INPUT);
    assert_int_equal(err.line, 4);
    assert_int_equal(err.column, 13); /* where the text ends */
    assert_int_equal(vs_lab_parse_expr("kvm.web.p99_ms kvm", "f.yaml", 1, 1, &e, &err), VS_ERR_INPUT);
    assert_int_equal(vs_lab_parse_expr("kvm.web.no_such_field", "f.yaml", 1, 1, &e, &err), VS_ERR_INPUT);
    assert_non_null(strstr(err.message, "not a field"));
    assert_int_equal(vs_lab_parse_expr("nosuchengine.web.p99_ms", "f.yaml", 1, 1, &e, &err), VS_ERR_INPUT);
    assert_int_equal(vs_lab_parse_expr("kvm.web", "f.yaml", 1, 1, &e, &err), VS_ERR_INPUT);
}

static void test_figures(void **state)
{
    (void)state;
    static const char *const engines[] = {"native", "kvm"};
    const double done[] = {1000, 800}, cpu[] = {2e9, 2.4e9};
    struct vs_lab_results r;
    make_results(&r, engines, done, cpu, 2);
    int rc;
    assert_within_rel(eval("kvm.web.throughput_per_s", &r, &rc), 400, 1e-12);
    /* 2.4 s of CPU over 800 requests: 3 ms = 3000 us per request. */
    assert_within_rel(eval("kvm.web.cpu_per_req_us", &r, &rc), 3000, 1e-12);
    assert_within_rel(eval("kvm.web.cpu_per_req_us / native.web.cpu_per_req_us", &r, &rc), 1.5, 1e-12);
    assert_within_rel(eval("kvm.web.vmexit_pct", &r, &rc), 25, 1e-12);
    assert_within_rel(eval("kvm.web.vmexits_per_req", &r, &rc), 3, 1e-12);
    assert_within_rel(eval("kvm.web.vmexits_per_s", &r, &rc), 1200, 1e-12);
    assert_within_rel(eval("kvm.web.cpu_cores", &r, &rc), 1.2, 1e-12);
    assert_within_rel(eval("kvm.web.p99_ms", &r, &rc), 2.5, 1e-12);
    eval("lxc.web.p99_ms", &r, &rc);
    assert_int_equal(rc, VS_ERR_RUNTIME); /* an engine that did not run */
    r.res.runs[1].groups[0].completed = 0;
    eval("kvm.web.cpu_per_req_us", &r, &rc);
    assert_int_equal(rc, VS_ERR_RUNTIME); /* nothing completed: no figure per request */
    vs_lab_results_free(&r);
}

static struct vs_lab_question number_question(const char *metric, double tol, bool relative)
{
    struct vs_lab_question q;
    memset(&q, 0, sizeof q);
    q.kind = VS_LAB_Q_NUMBER;
    snprintf(q.unit, sizeof q.unit, "ms");
    struct vs_error err;
    assert_int_equal(vs_lab_parse_expr(metric, "t", 1, 1, &q.answer, &err), VS_OK);
    q.tolerance = tol;
    q.relative = relative;
    return q;
}

static void test_grading(void **state)
{
    (void)state;
    struct vs_lab_results none;
    memset(&none, 0, sizeof none);
    char why[256];
    struct vs_lab_key k;
    struct vs_lab_question q = number_question("100", 0.10, true);
    vs_lab_question_key(&q, &none, &k);
    assert_true(k.ok);
    assert_int_equal(vs_lab_grade(&q, &k, "110", why, sizeof why), VS_LAB_RIGHT);
    assert_int_equal(vs_lab_grade(&q, &k, "90 ms", why, sizeof why), VS_LAB_RIGHT);
    assert_int_equal(vs_lab_grade(&q, &k, "110.01", why, sizeof why), VS_LAB_WRONG);
    assert_int_equal(vs_lab_grade(&q, &k, "89.9", why, sizeof why), VS_LAB_WRONG);
    assert_int_equal(vs_lab_grade(&q, &k, "ten", why, sizeof why), VS_LAB_UNREADABLE);
    assert_int_equal(vs_lab_grade(&q, &k, "100 furlongs", why, sizeof why), VS_LAB_UNREADABLE);
    assert_int_equal(vs_lab_grade(&q, &k, "  ", why, sizeof why), VS_LAB_MISSING);
    assert_int_equal(vs_lab_grade(&q, &k, NULL, why, sizeof why), VS_LAB_MISSING);
    struct vs_lab_question a = number_question("-4", 0.5, false);
    vs_lab_question_key(&a, &none, &k);
    assert_int_equal(vs_lab_grade(&a, &k, "-3.5", why, sizeof why), VS_LAB_RIGHT);
    assert_int_equal(vs_lab_grade(&a, &k, "-3.4", why, sizeof why), VS_LAB_WRONG);
}

static void test_derived_choice(void **state)
{
    (void)state;
    static const char *const engines[] = {"native", "kvm"};
    const double done[] = {1000, 800}, cpu[] = {2e9, 2.4e9};
    struct vs_lab_results r;
    make_results(&r, engines, done, cpu, 2);
    struct vs_lab_question q;
    memset(&q, 0, sizeof q);
    q.kind = VS_LAB_Q_CHOICE;
    q.key = VS_LAB_KEY_LOWEST;
    q.n_choices = 2;
    struct vs_error err;
    struct vs_lab_expr e0, e1;
    assert_int_equal(vs_lab_parse_expr("native.web.cpu_per_req_us", "t", 1, 1, &e0, &err), VS_OK);
    assert_int_equal(vs_lab_parse_expr("kvm.web.cpu_per_req_us", "t", 1, 1, &e1, &err), VS_OK);
    q.choices[0].text = "native";
    q.choices[0].value = &e0;
    q.choices[1].text = "kvm";
    q.choices[1].value = &e1;
    struct vs_lab_key k;
    char why[256];
    vs_lab_question_key(&q, &r, &k);
    assert_true(k.ok);
    assert_int_equal(k.choice, 0);
    assert_int_equal(vs_lab_grade(&q, &k, "A", why, sizeof why), VS_LAB_RIGHT);
    assert_int_equal(vs_lab_grade(&q, &k, "kvm", why, sizeof why), VS_LAB_WRONG);
    assert_int_equal(vs_lab_grade(&q, &k, "z", why, sizeof why), VS_LAB_UNREADABLE);
    /* Other results, another key. */
    r.res.runs[1].groups[0].cpu_ns[VS_CAT_GUEST_USER] = 0;
    r.res.runs[1].groups[0].cpu_ns[VS_CAT_VMEXIT] = 1e9;
    vs_lab_question_key(&q, &r, &k);
    assert_int_equal(k.choice, 1);
    q.key = VS_LAB_KEY_HIGHEST;
    vs_lab_question_key(&q, &r, &k);
    assert_int_equal(k.choice, 0);
    vs_lab_results_free(&r);
}

static const char lab_text[] =
    "title: t\nlevel: advanced\nduration: 30min\nobjectives: [o]\nbackground: b\ninstructor_notes: n\n"
    "steps:\n"
    "  - title: s\n    text: t\n    scenario: cpu-bound\n    approaches: [kvm]\n    duration: 1s\n"
    "    question:\n      kind: number\n      prompt: p\n"
    "      answer: {metric: \"ENGINE.cpu-bound.cpu_per_req_us\", tolerance: 5%}\n";

static int load_with(const char *engine, struct vs_lab *lab, struct vs_error *err)
{
    char text[sizeof lab_text + 32];
    const char *at = strstr(lab_text, "ENGINE");
    snprintf(text, sizeof text, "%.*s%s%s", (int)(at - lab_text), lab_text, engine, at + 6);
    int rc = vs_lab_load(text, strlen(text), "t.yaml", "09-t", NULL, lab, err);
    if (rc == VS_OK) rc = vs_lab_prepare(lab, err);
    return rc;
}

static void test_load_and_prepare(void **state)
{
    (void)state;
    struct vs_lab *lab = calloc(1, sizeof *lab);
    struct vs_error err;
    /* A workload's comparison adds native first: both may be named. */
    assert_int_equal(load_with("native", lab, &err), VS_OK);
    assert_int_equal(lab->number, 9);
    assert_int_equal(lab->steps[0].scenario->n_engines, 2);
    vs_lab_free(lab);
    assert_int_equal(load_with("kvm", lab, &err), VS_OK);
    vs_lab_free(lab);
    /* lxc is a known engine, but the step does not run it. */
    assert_int_equal(load_with("lxc", lab, &err), VS_ERR_INPUT);
    assert_int_equal(err.line, 16);
    assert_int_equal(err.column, 25);
    assert_non_null(strstr(err.message, "does not run engine 'lxc'"));
    vs_lab_free(lab);
    vs_lab_free(NULL);
    free(lab);
}

static void test_memory_figures(void **state)
{
    (void)state;
    static const char *const engines[] = {"kvm"};
    const double done[] = {1000}, cpu[] = {1e9};
    struct vs_lab_results r;
    make_results(&r, engines, done, cpu, 1);
    int rc;
    eval("kvm.web.mm_shared_mib", &r, &rc);
    assert_int_equal(rc, VS_ERR_RUNTIME); /* no memory management: no figure, not 0 */
    eval("kvm.host.overcommit_ratio", &r, &rc);
    assert_int_equal(rc, VS_ERR_RUNTIME);
    struct vs_mem_mgmt *mm = &r.res.runs[0].groups[0].mm;
    mm->managed = true;
    mm->shared_bytes = 48.0 * 1024 * 1024;
    mm->ballooned_bytes = 3.0 * 1024 * 1024 * 1024;
    mm->swap_ins = 17;
    mm->balloon_cpu_ns = 2.5e6;
    mm->change_at_ns = 60e9;
    mm->change_done_ns = -1;
    assert_within_rel(eval("kvm.web.mm_shared_mib", &r, &rc), 48, 1e-12);
    assert_within_rel(eval("kvm.web.mm_ballooned_mib", &r, &rc), 3072, 1e-12);
    assert_within_rel(eval("kvm.web.mm_swap_ins", &r, &rc), 17, 1e-12);
    assert_within_rel(eval("kvm.web.mm_balloon_cpu_ms", &r, &rc), 2.5, 1e-12);
    eval("kvm.web.mm_change_s", &r, &rc);
    assert_int_equal(rc, VS_ERR_RUNTIME); /* not in full effect yet */
    mm->change_done_ns = 60.25e9;
    assert_within_rel(eval("kvm.web.mm_change_s", &r, &rc), 0.25, 1e-12);
    struct vs_mem_mgmt *hm = &r.res.runs[0].host.mm;
    hm->managed = true;
    hm->overcommit_ratio = 1.5;
    hm->ksm_cpu_ns = 3e9;
    assert_within_rel(eval("kvm.host.overcommit_ratio", &r, &rc), 1.5, 1e-12);
    assert_within_rel(eval("kvm.host.ksm_cpu_s", &r, &rc), 3, 1e-12);
    vs_lab_results_free(&r);
    /* a density search with overcommit: savings per guest */
    struct vs_lab_results d;
    memset(&d, 0, sizeof d);
    d.density = true;
    d.dens = calloc(1, sizeof *d.dens);
    d.n_dens = 1;
    snprintf(d.dens[0].engine, sizeof d.dens[0].engine, "kvm");
    d.dens[0].saved_balloon_bytes = 256.0 * 1024 * 1024;
    assert_within_rel(eval("kvm.density.saved_balloon_mib", &d, &rc), 256, 1e-12);
    /* the limiting resource: 1 for the one that ran out, 0 for the rest;
     * none when the search stopped at its max */
    d.dens[0].limit = VS_RES_MEMORY;
    assert_within_rel(eval("kvm.density.limited_by_memory", &d, &rc), 1, 0);
    assert_within_rel(eval("kvm.density.limited_by_cpu + kvm.density.limited_by_disk + kvm.density.limited_by_nic",
                           &d, &rc), 0, 0);
    d.dens[0].limit = VS_RES_NIC;
    assert_within_rel(eval("kvm.density.limited_by_nic", &d, &rc), 1, 0);
    d.dens[0].capped = true;
    eval("kvm.density.limited_by_nic", &d, &rc);
    assert_int_equal(rc, VS_ERR_RUNTIME);
    vs_lab_results_free(&d);
}

/* Isolation results by hand: kvm, the victim beside "hog", beside "scan"
 * and beside both ("hog+scan"). */
static void make_isolation(struct vs_lab_results *lr)
{
    memset(lr, 0, sizeof *lr);
    lr->isolation = true;
    struct vs_isolation *iso = &lr->iso;
    snprintf(iso->neighbours, sizeof iso->neighbours, "hog+scan");
    iso->rows = calloc(3, sizeof *iso->rows);
    iso->n_rows = 3;
    const char *sets[] = {"hog", "scan", "hog+scan"};
    for (uint32_t i = 0; i < 3; i++) {
        struct vs_isolation_row *row = &iso->rows[i];
        snprintf(row->engine, sizeof row->engine, "kvm");
        snprintf(row->group, sizeof row->group, "web");
        snprintf(row->neighbours, sizeof row->neighbours, "%s", sets[i]);
        row->p99_ratio.mean = 1.5 + i;
        row->p99_alone_ns.mean = 2e6;
        row->p99_with_ns.mean = 2e6 * (1.5 + i);
        row->throughput_ratio.mean = 1;
        row->contention_ns_per_request[VS_CONT_KERNEL] = 750 * (i + 1);
        row->cpu_wait_ns_per_request_with = 4000;
    }
}

static void test_isolation_figures(void **state)
{
    (void)state;
    struct vs_lab_results r;
    make_isolation(&r);
    int rc;
    assert_within_rel(eval("kvm.isolation.hog.p99_ratio", &r, &rc), 1.5, 1e-12);
    assert_int_equal(rc, VS_OK);
    /* all: the row beside every neighbour, whatever its name */
    assert_within_rel(eval("kvm.isolation.all.p99_ratio", &r, &rc), 3.5, 1e-12);
    assert_within_rel(eval("kvm.isolation.scan.p99_with_ms / kvm.isolation.scan.p99_alone_ms", &r, &rc), 2.5,
                        1e-12);
    assert_within_rel(eval("kvm.isolation.scan.kernel_locks_us_per_req", &r, &rc), 1.5, 1e-12);
    assert_within_rel(eval("kvm.isolation.hog.cpu_wait_with_us", &r, &rc), 4, 1e-12);
    /* figures that are not there: another engine, a group figure */
    eval("lxc.isolation.hog.p99_ratio", &r, &rc);
    assert_int_equal(rc, VS_ERR_RUNTIME);
    eval("kvm.web.p99_ms", &r, &rc);
    assert_int_equal(rc, VS_ERR_RUNTIME);
    /* a victim that completed nothing has no latency ratio */
    r.iso.rows[0].completed_nothing = true;
    eval("kvm.isolation.hog.p99_ratio", &r, &rc);
    assert_int_equal(rc, VS_ERR_RUNTIME);
    vs_lab_results_free(&r);
    /* and isolation figures are not figures of a run */
    struct vs_lab_results plain;
    const char *eng[] = {"kvm"};
    double done[] = {100}, cpu[] = {1e9};
    make_results(&plain, eng, done, cpu, 1);
    eval("kvm.isolation.hog.p99_ratio", &plain, &rc);
    assert_int_equal(rc, VS_ERR_RUNTIME);
    vs_lab_results_free(&plain);
    /* the neighbour is part of the name */
    struct vs_lab_expr e;
    struct vs_error err;
    assert_int_equal(vs_lab_parse_expr("kvm.isolation.p99_ratio", "t", 1, 1, &e, &err), VS_ERR_INPUT);
    assert_non_null(strstr(err.message, "ENGINE.isolation[.POLICY].NEIGHBOUR.FIELD"));
}

/* CPU resource-management figures by hand: steal, and the full-effect
 * time of the group's last CPU set: read from the timeline. */
static void test_cpu_figures(void **state)
{
    (void)state;
    static const char *const engines[] = {"xen-pv"};
    const double done[] = {1000}, cpu[] = {1e9};
    struct vs_lab_results r;
    make_results(&r, engines, done, cpu, 1);
    int rc;
    struct vs_guest_result *g = &r.res.runs[0].groups[0];
    eval("xen-pv.web.steal_pct", &r, &rc);
    assert_int_equal(rc, VS_ERR_RUNTIME); /* no vCPU time: no steal figure, not 0 */
    g->vcpu_ns = 4e9;
    g->cpu_wait_ns = 1.5e9;
    assert_within_rel(eval("xen-pv.web.steal_pct", &r, &rc), 37.5, 1e-12);
    g->cpu_wait_ns = 3e9;
    assert_within_rel(eval("xen-pv.web.steal_pct", &r, &rc), 75, 1e-12);

    struct vs_scenario *sc = calloc(1, sizeof *sc);
    const struct { vs_time_ns at_ns; const char *target, *key1, *key2; } evs[] = {
        {1 * VS_NS_PER_S, "web", "load.rate", NULL},
        {2 * VS_NS_PER_S, "web", "cpus", NULL},
        {3 * VS_NS_PER_S, "web", "cap", NULL},
        {4 * VS_NS_PER_S, "db", "cpus", NULL},
        {5 * VS_NS_PER_S, "web", "cpus", NULL},
        {6 * VS_NS_PER_S, "web", "weight", "memory"},
    };
    sc->n_events = 6;
    for (uint32_t e = 0; e < 6; e++) {
        struct vs_timeline_event *ev = &sc->events[e];
        ev->at_ns = evs[e].at_ns;
        snprintf(ev->action, sizeof ev->action, "set");
        snprintf(ev->target, sizeof ev->target, "%s", evs[e].target);
        snprintf(ev->opts[0].key, sizeof ev->opts[0].key, "%s", evs[e].key1);
        ev->n_opts = 1;
        if (evs[e].key2) snprintf(ev->opts[ev->n_opts++].key, sizeof ev->opts[0].key, "%s", evs[e].key2);
    }
    struct vs_run_result *run = &r.res.runs[0];
    run->applied = calloc(6, sizeof *run->applied);
    eval("xen-pv.web.cpu_change_s", &r, &rc);
    assert_int_equal(rc, VS_ERR_RUNTIME); /* the scenario is not known */
    r.scenario = sc;
    eval("xen-pv.web.cpu_change_s", &r, &rc);
    assert_int_equal(rc, VS_ERR_RUNTIME); /* nothing applied yet */
    /* applied: the load change (no full effect), the cpus set (50 ms),
     * the cap (20 ms), db's set (1 s: another group) */
    const vs_time_ns effect[] = {-1, 2050 * VS_NS_PER_MS, 3020 * VS_NS_PER_MS, 5 * VS_NS_PER_S};
    for (uint32_t e = 0; e < 4; e++) {
        run->applied[e] = (struct vs_applied_event){.at_ns = evs[e].at_ns, .ok = true, .effective_ns = effect[e],
                                                    .event = e};
        run->n_applied = e + 1;
        if (e == 1) assert_within_rel(eval("xen-pv.web.cpu_change_s", &r, &rc), 0.05, 1e-12);
    }
    assert_within_rel(eval("xen-pv.web.cpu_change_s", &r, &rc), 0.02, 1e-12); /* the last: the cap */
    /* a refused set does not count */
    run->applied[4] = (struct vs_applied_event){.at_ns = evs[4].at_ns, .ok = false, .effective_ns = -1, .event = 4};
    run->n_applied = 5;
    assert_within_rel(eval("xen-pv.web.cpu_change_s", &r, &rc), 0.02, 1e-12);
    /* a set that changes memory too has no CPU-only full effect */
    run->applied[5] = (struct vs_applied_event){.at_ns = evs[5].at_ns, .ok = true,
                                                .effective_ns = 6500 * VS_NS_PER_MS, .event = 5};
    run->n_applied = 6;
    eval("xen-pv.web.cpu_change_s", &r, &rc);
    assert_int_equal(rc, VS_ERR_RUNTIME);
    vs_lab_results_free(&r);
    free(sc);
}

static const char cpu_lab[] =
    "title: t\nlevel: advanced\nduration: 30min\nobjectives: [o]\nbackground: b\ninstructor_notes: n\n"
    "steps:\n"
    "  - title: s\n    text: t\n"
    "    scenario:\n"
    "      name: cc\n      host: {profile: current, cpu: {cores: 4}}\n      duration: 2s\n      warmup: 200ms\n"
    "      compare: [kvm, lxc]\n"
    "      guests:\n"
    "        - {name: one, workload: cpu-bound, vcpus: 1, resources: {cpu: {max_vcpus: 3}},"
    " load: {kind: closed, clients: 2, think_time: 0}}\n"
    "        - {name: two, workload: cpu-bound, vcpus: 1, resources: {cpu: {max_vcpus: 3}},"
    " load: {kind: closed, clients: 3, think_time: 0}}\n"
    "      events:\n"
    "        - {at: 1s, set: {guest: one, cpus: 2}}\n"
    "        - {at: 1s, set: {guest: two, cpus: 3}}\n"
    "    questions:\n"
    "      - {kind: number, prompt: p, answer: {metric: \"kvm.one.cpu_change_s\", tolerance: 1%}}\n"
    "      - {kind: number, prompt: p, answer: {metric: \"kvm.two.cpu_change_s\", tolerance: 1%}}\n"
    "      - {kind: number, prompt: p, answer: {metric: \"lxc.two.cpu_change_s\", tolerance: 0}}\n"
    "      - {kind: number, prompt: p, answer: {metric: \"kvm.two.steal_pct\", tolerance: 1%}}\n";

static void test_cpu_change_run(void **state)
{
    (void)state;
    struct vs_lab *lab = calloc(1, sizeof *lab);
    struct vs_error err;
    assert_int_equal(vs_lab_load(cpu_lab, strlen(cpu_lab), "t.yaml", "09-t", NULL, lab, &err), VS_OK);
    assert_int_equal(vs_lab_prepare(lab, &err), VS_OK);
    struct vs_lab_results r;
    assert_int_equal(vs_lab_run_step(lab, 0, 1, NULL, &r, &err), VS_OK);
    struct vs_lab_key k[4];
    for (uint32_t q = 0; q < 4; q++) {
        vs_lab_question_key(&lab->steps[0].questions[q], &r, &k[q]);
        assert_true(k[q].ok);
    }
    /* A VM plugs one vCPU after another: two take twice one's time. */
    assert_true(k[0].value > 0);
    assert_within_rel(k[1].value, 2 * k[0].value, 1e-6);
    /* A container's cpuset changes at once. */
    assert_true(k[2].value == 0);
    /* The figure is the report's timeline: full effect minus the event. */
    const struct vs_run_result *run = &r.res.runs[0];
    assert_string_equal(run->engine, "kvm");
    assert_int_equal(run->n_applied, 2);
    assert_within_rel(k[1].value, (double)(run->applied[1].effective_ns - run->applied[1].at_ns) / 1e9, 1e-12);
    /* steal: two's wait for a core over its vCPU time */
    const struct vs_guest_result *two = &run->groups[1];
    assert_within_rel(k[3].value, 100.0 * two->cpu_wait_ns / two->vcpu_ns, 1e-12);
    vs_lab_results_free(&r);
    vs_lab_free(lab);
    free(lab);
}

static const char iso_lab[] =
    "title: t\nlevel: advanced\nduration: 30min\nobjectives: [o]\nbackground: b\ninstructor_notes: n\n"
    "steps:\n"
    "  - title: s\n    text: t\n    reps: 2\n    isolation: {}\n"
    "    scenario:\n"
    "      name: nn\n      host: current\n      duration: 2s\n      warmup: 500ms\n      seed: 5\n"
    "      compare: [kvm, lxc]\n"
    "      guests:\n"
    "        - name: web\n          victim: true\n          vcpus: 2\n"
    "          workload:\n            name: w\n            load: {kind: open, rate: 3000/s}\n"
    "            request: {instructions: 150k, syscalls: 12, kernel_instructions: 30k, disk: {reads: 2, read_size: 16KiB}}\n"
    "            memory: {footprint: 256MiB, working_set: 64MiB, file_set: 128MiB}\n"
    "        - name: scan\n          vcpus: 4\n"
    "          workload:\n            name: s\n            load: {kind: closed, clients: 8, think_time: 500us}\n"
    "            request: {instructions: 40k, syscalls: 6, page_faults: 2, disk: {reads: 4, read_size: 64KiB}}\n"
    "            memory: {footprint: 64MiB, working_set: 16MiB, file_set: 96GiB}\n"
    "    question:\n      kind: number\n      prompt: p\n"
    "      answer: {metric: \"REF\", tolerance: 5%}\n";

/* The lab above with its isolation: mapping replaced by iso (one line). */
static int load_iso_with(const char *iso, const char *ref, struct vs_lab *lab, struct vs_error *err)
{
    char text[sizeof iso_lab + 256];
    const char *at = strstr(iso_lab, "REF"), *im = strstr(iso_lab, "isolation: {}");
    snprintf(text, sizeof text, "%.*sisolation: %s%.*s%s%s", (int)(im - iso_lab), iso_lab, iso,
             (int)(at - im - 13), im + 13, ref, at + 3);
    int rc = vs_lab_load(text, strlen(text), "t.yaml", "10-t", NULL, lab, err);
    if (rc == VS_OK) rc = vs_lab_prepare(lab, err);
    return rc;
}

static int load_iso(const char *ref, struct vs_lab *lab, struct vs_error *err)
{
    return load_iso_with("{}", ref, lab, err);
}

static void test_isolation_step(void **state)
{
    (void)state;
    struct vs_lab *lab = calloc(1, sizeof *lab);
    struct vs_error err;
    /* the victim is not its own neighbour; the position is the expression's */
    assert_int_equal(load_iso("lxc.isolation.web.p99_ratio", lab, &err), VS_ERR_INPUT);
    assert_non_null(strstr(err.message, "not a neighbour"));
    assert_int_equal(err.line, 38);
    vs_lab_free(lab);
    assert_int_equal(load_iso("lxc.scan.p99_ms", lab, &err), VS_ERR_INPUT);
    assert_non_null(strstr(err.message, "an isolation step has only isolation figures"));
    vs_lab_free(lab);
    assert_int_equal(load_iso("lxc.isolation.scan.p99_ratio / kvm.isolation.scan.p99_ratio", lab, &err), VS_OK);
    /* The key is the figure the isolation comparison reports, run on its own. */
    struct vs_lab_results r;
    assert_int_equal(vs_lab_run_step(lab, 0, 1, NULL, &r, &err), VS_OK);
    struct vs_lab_key k;
    vs_lab_question_key(&lab->steps[0].questions[0], &r, &k);
    assert_true(k.ok);
    struct vs_isolation direct;
    struct vs_isolation_opts o = {.reps = 2, .threads = 1, .seed = lab->steps[0].scenario->seed};
    assert_int_equal(vs_isolation_run(lab->steps[0].scenario, &o, &direct, &err), VS_OK);
    double ratio[2] = {0, 0};
    for (uint32_t i = 0; i < direct.n_rows; i++)
        ratio[strcmp(direct.rows[i].engine, "lxc") == 0] = direct.rows[i].p99_ratio.mean;
    assert_true(ratio[0] > 0 && ratio[1] > 0);
    assert_within_rel(k.value, ratio[1] / ratio[0], 1e-9);
    /* one kernel: the file scanner slows the container's victim more */
    assert_true(k.value > 1);
    vs_isolation_free(&direct);
    vs_lab_results_free(&r);
    vs_lab_free(lab);
    free(lab);
}

/* Policies: figures name one, the step's list is checked at load, and
 * the key is the policy's row of `virtsim isolation --policies`. */
static void test_isolation_policies(void **state)
{
    (void)state;
    /* by hand: the same neighbour under two policies */
    struct vs_lab_results r;
    make_isolation(&r);
    for (uint32_t i = 0; i < r.iso.n_rows; i++) snprintf(r.iso.rows[i].policy, sizeof r.iso.rows[i].policy, "caps");
    r.iso.rows[2].p99_ratio.mean = 1.0;
    snprintf(r.iso.rows[2].policy, sizeof r.iso.rows[2].policy, "pinning");
    snprintf(r.iso.rows[2].neighbours, sizeof r.iso.rows[2].neighbours, "hog");
    int rc;
    assert_within_rel(eval("kvm.isolation.caps.hog.p99_ratio", &r, &rc), 1.5, 1e-12);
    assert_within_rel(eval("kvm.isolation.pinning.hog.p99_ratio", &r, &rc), 1.0, 1e-12);
    eval("kvm.isolation.hog.p99_ratio", &r, &rc);
    assert_int_equal(rc, VS_ERR_RUNTIME); /* no row without a policy */
    eval("kvm.isolation.weights.hog.p99_ratio", &r, &rc);
    assert_int_equal(rc, VS_ERR_RUNTIME);
    vs_lab_results_free(&r);
    struct vs_lab_expr e;
    struct vs_error err;
    assert_int_equal(vs_lab_parse_expr("kvm.migration.caps.web.total_s", "t", 1, 1, &e, &err), VS_ERR_INPUT);
    assert_non_null(strstr(err.message, "only isolation"));

    struct vs_lab *lab = calloc(1, sizeof *lab);
    assert_int_equal(load_iso_with("{policies: [pinning, fair]}", "lxc.isolation.pinning.scan.p99_ratio", lab, &err),
                     VS_ERR_INPUT);
    assert_non_null(strstr(err.message, "'fair' is not allowed"));
    vs_lab_free(lab);
    assert_int_equal(load_iso_with("{policies: [caps, caps]}", "lxc.isolation.caps.scan.p99_ratio", lab, &err),
                     VS_ERR_INPUT);
    vs_lab_free(lab);
    assert_int_equal(load_iso_with("{policies: [pinning]}", "lxc.isolation.scan.p99_ratio", lab, &err), VS_ERR_INPUT);
    assert_non_null(strstr(err.message, "name one"));
    assert_int_equal(err.line, 38);
    vs_lab_free(lab);
    assert_int_equal(load_iso_with("{policies: [pinning]}", "lxc.isolation.caps.scan.p99_ratio", lab, &err),
                     VS_ERR_INPUT);
    assert_non_null(strstr(err.message, "does not compare policy 'caps'"));
    vs_lab_free(lab);
    assert_int_equal(load_iso("lxc.isolation.pinning.scan.p99_ratio", lab, &err), VS_ERR_INPUT);
    assert_non_null(strstr(err.message, "compares no policies"));
    vs_lab_free(lab);
    assert_int_equal(load_iso_with("{policies: [pinning]}",
                                   "lxc.isolation.pinning.scan.p99_ratio / kvm.isolation.pinning.scan.p99_ratio", lab,
                                   &err),
                     VS_OK);
    struct vs_lab_results lr;
    assert_int_equal(vs_lab_run_step(lab, 0, 1, NULL, &lr, &err), VS_OK);
    struct vs_lab_key k;
    vs_lab_question_key(&lab->steps[0].questions[0], &lr, &k);
    assert_true(k.ok);
    struct vs_isolation direct;
    struct vs_isolation_opts o = {.reps = 2, .threads = 1, .seed = lab->steps[0].scenario->seed,
                                  .policies = "pinning"};
    assert_int_equal(vs_isolation_run(lab->steps[0].scenario, &o, &direct, &err), VS_OK);
    double ratio[2] = {0, 0};
    for (uint32_t i = 0; i < direct.n_rows; i++) {
        assert_string_equal(direct.rows[i].policy, "pinning");
        ratio[strcmp(direct.rows[i].engine, "lxc") == 0] = direct.rows[i].p99_ratio.mean;
    }
    assert_true(ratio[0] > 0 && ratio[1] > 0);
    assert_within_rel(k.value, ratio[1] / ratio[0], 1e-9);
    /* pinning divides the cores, not the one kernel's page cache */
    assert_true(k.value > 1);
    vs_isolation_free(&direct);
    vs_lab_results_free(&lr);
    vs_lab_free(lab);
    free(lab);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arithmetic),
        cmocka_unit_test(test_figures),
        cmocka_unit_test(test_grading),
        cmocka_unit_test(test_derived_choice),
        cmocka_unit_test(test_load_and_prepare),
        cmocka_unit_test(test_memory_figures),
        cmocka_unit_test(test_isolation_figures),
        cmocka_unit_test(test_isolation_step),
        cmocka_unit_test(test_cpu_figures),
        cmocka_unit_test(test_cpu_change_run),
        cmocka_unit_test(test_isolation_policies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
