/* `make bench`, third part: the density search. Runs `virtsim density
 * density-web --sla "p99<20ms"` and `virtsim density web-server` as the
 * command builds them, first with the default search (aimed at the
 * boundary, memory bound, early stops, engines costliest first), then with
 * the exhaustive one (doubling and bisection, every probe simulated in
 * full), and prints each wall time, the CPU time (user + system, every
 * thread: on a shared machine it varies less than the wall time) and the
 * speed-up. Goals
 * (issue 14): density-web under 3 s and web-server under 5 s on two cores.
 * It also checks that both searches found the same density and limit per
 * engine (the unit tests check that properly); tests never assert on time.
 *
 * Usage: bench_density [THREADS] [fast]   (0: every CPU; fast: skip the
 * exhaustive runs) */
#include "virtsim/load/builtin.h"
#include "virtsim/load/config.h"
#include "virtsim/run/compare.h"
#include "virtsim/run/density.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The scenario `virtsim density WHAT` searches (sim/cli/cmd_density.c). */
static int build(const char *what, struct vs_scenario *sc, struct vs_error *err)
{
    const struct vs_builtin *b = vs_builtin_find(VS_BUILTIN_SCENARIO, what);
    if (b) return vs_config_load_scenario(b->data, b->len, what, NULL, sc, err);
    struct vs_compare_opts co = {.workload = what, .approaches = "qemu,xen-pv,kvm,lxc", .vcpus = 1,
                                 .duration_ns = 5 * VS_NS_PER_S, .seed = 1};
    char skipped[1024];
    int rc = vs_compare_scenario(&co, sc, skipped, sizeof skipped, err);
    if (rc == VS_OK) rc = vs_config_resolve_workload(what, NULL, &sc->guests[0].workload, err);
    return rc;
}

/* CPU time of the process so far (user + system, every thread), seconds. */
static double cpu_seconds(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double)u.ru_utime.tv_sec + 1e-6 * (double)u.ru_utime.tv_usec + (double)u.ru_stime.tv_sec +
           1e-6 * (double)u.ru_stime.tv_usec;
}

/* Times one search (wall seconds, the CPU seconds in *cpu, the result in
 * r), or -1 on an error. */
static double timed(const struct vs_scenario *sc, const struct vs_density_opts *o, struct vs_density_result *r,
                    double *cpu)
{
    struct vs_error err;
    double t0 = seconds_now(), c0 = cpu_seconds();
    if (vs_density_run(sc, o, r, &err) != VS_OK) {
        fprintf(stderr, "bench_density: %s\n", err.message);
        return -1;
    }
    *cpu = cpu_seconds() - c0;
    return seconds_now() - t0;
}

static int bench(const char *what, const char *sla, uint32_t threads, int exhaustive_too)
{
    struct vs_scenario *sc = calloc(1, sizeof *sc);
    struct vs_error err;
    if (!sc || build(what, sc, &err) != VS_OK) {
        fprintf(stderr, "bench_density: %s\n", sc ? err.message : "out of memory");
        free(sc);
        return 1;
    }
    struct vs_density_opts o = {.max_guests = 256, .threads = threads};
    if (sla && vs_sla_parse(sla, &o.slas[o.n_slas++], &err) != VS_OK) {
        fprintf(stderr, "bench_density: %s\n", err.message);
        free(sc);
        return 1;
    }
    struct vs_density_result *fast = calloc(sc->n_engines, sizeof *fast);
    struct vs_density_result *full = calloc(sc->n_engines, sizeof *full);
    int rc = 1;
    if (!fast || !full) goto out;
    double c_fast, c_full;
    double t_fast = timed(sc, &o, fast, &c_fast);
    if (t_fast < 0) goto out;
    uint32_t sims = 0, early = 0, memory = 0, guests = 0;
    for (uint32_t k = 0; k < sc->n_engines; k++)
        for (uint32_t i = 0; i < fast[k].n_points; i++) {
            sims += fast[k].points[i].basis != VS_PROBE_MEMORY;
            early += fast[k].points[i].basis == VS_PROBE_EARLY;
            memory += fast[k].points[i].basis == VS_PROBE_MEMORY;
            if (fast[k].points[i].basis != VS_PROBE_MEMORY) guests += fast[k].points[i].guests;
        }
    printf("%-12s %-10s search %6.2f s, CPU %6.2f s  (%u probes simulated, %u guests in all, %u of them stopped "
           "early, %u decided by memory)\n",
           what, sla ? sla : "no SLA", t_fast, c_fast, sims, guests, early, memory);
    rc = 0;
    if (exhaustive_too) {
        o.exhaustive = true;
        double t_full = timed(sc, &o, full, &c_full);
        if (t_full < 0) {
            rc = 1;
            goto out;
        }
        printf("%-12s %-10s exhaustive %6.2f s, CPU %6.2f s  speed-up %.1fx wall, %.1fx CPU\n", what,
               sla ? sla : "no SLA", t_full, c_full, t_full / t_fast, c_full / c_fast);
        for (uint32_t k = 0; k < sc->n_engines; k++)
            if (fast[k].density != full[k].density || fast[k].limit != full[k].limit) {
                fprintf(stderr, "bench_density: %s: %s found %u, the exhaustive search %u\n", what,
                        fast[k].engine, fast[k].density, full[k].density);
                rc = 1;
            }
    }
out:
    free(fast);
    free(full);
    free(sc);
    return rc;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0); /* each figure as soon as it is measured */
    uint32_t threads = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 0;
    int exhaustive_too = !(argc > 2 && strcmp(argv[2], "fast") == 0);
    printf("density search (goals: density-web under 3 s, web-server under 5 s on two cores)\n");
    int rc = bench("density-web", "p99<20ms", threads, exhaustive_too);
    rc |= bench("web-server", NULL, threads, exhaustive_too);
    return rc;
}
