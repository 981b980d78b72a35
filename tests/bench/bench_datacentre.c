/* `make bench`, second part: a data centre. 100 hosts with 20 guests each
 * (2,000 guests), 60 s of simulated time, an open-loop web load on every
 * guest, all under one engine. Prints the wall time, events per second and
 * the simulator's memory per guest (peak resident size after the run minus
 * before it, over the guests). Goals (issue: several hosts): under 10 s and
 * under 20 KiB per guest on one core. Tests never assert on these figures;
 * this only measures them.
 *
 * Usage: bench_datacentre [ENGINE] [RATE_PER_GUEST]  (default kvm 20/s) */
#include "virtsim/load/config.h"
#include "virtsim/run/sim.h"

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

/* Peak resident size in KiB (Linux reports KiB, macOS bytes). */
static double peak_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
#ifdef __APPLE__
    return (double)ru.ru_maxrss / 1024.0;
#else
    return (double)ru.ru_maxrss;
#endif
}

int main(int argc, char **argv)
{
    const char *engine = argc > 1 ? argv[1] : "kvm";
    const char *rate = argc > 2 ? argv[2] : "20/s";
    char yaml[1024];
    snprintf(yaml, sizeof yaml,
             "name: datacentre\n"
             "hosts: [{name: dc, count: 100, profile: current}]\n"
             "duration: 60s\n"
             "warmup: 5s\n"
             "max_events: 2000000000\n"
             "guests:\n"
             "  - {name: web, workload: web-server, count: 2000, host: dc, memory: 2GiB,\n"
             "     load: {kind: open, rate: %s}}\n",
             rate);
    struct vs_scenario *sc = malloc(sizeof *sc);
    struct vs_error err;
    if (!sc || vs_config_load_scenario(yaml, strlen(yaml), "bench", NULL, sc, &err) != VS_OK) {
        fprintf(stderr, "bench_datacentre: %s\n", sc ? err.message : "out of memory");
        return 1;
    }
    double kib0 = peak_kib();
    double t0 = seconds_now();
    struct vs_sim *s;
    struct vs_run_result r;
    if (vs_sim_create(sc, engine, sc->seed, &s, &err) != VS_OK || vs_sim_advance(s, VS_TIME_NEVER, &err) != VS_OK ||
        vs_sim_snapshot(s, &r, &err) != VS_OK) {
        fprintf(stderr, "bench_datacentre: %s\n", err.message);
        return 1;
    }
    double t1 = seconds_now();
    double kib1 = peak_kib();
    double done = 0;
    for (uint32_t g = 0; g < r.n_groups; g++) done += (double)r.groups[g].completed;
    printf("\ndata centre: 100 hosts x 20 guests (%u guests), %s, web-server at %s each, 60 s simulated\n",
           r.n_instances, engine, rate);
    printf("  wall %.2f s, %llu events, %.2f M events/s, %.0f requests completed in the window\n", t1 - t0,
           (unsigned long long)r.events, (double)r.events / (t1 - t0) / 1e6, done);
    printf("  simulator memory %.1f MiB peak growth, %.1f KiB per guest (goal: < 10 s, < 20 KiB per guest)\n",
           (kib1 - kib0) / 1024.0, (kib1 - kib0) / r.n_instances);
    vs_run_result_free(&r);
    vs_sim_destroy(s);
    free(sc);
    return 0;
}
