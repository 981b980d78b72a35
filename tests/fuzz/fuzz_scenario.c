/* libFuzzer harness: the scenario loader (load/cfg_scenario.c with its
 * hosts, links, guests, timeline and sweep) on any bytes, as `virtsim run`
 * and `validate` reach it. A scenario the loader accepts is then built
 * under each of its engines (vs_sim_create) and run a little: whatever
 * validates must build and run (its first FUZZ_MAX_EVENTS events), or be
 * refused with a message, never crash.
 * References to files resolve from the current directory (make fuzz runs
 * from the repository, so workloads/... and scenarios/hosts/... exist). */
#include "fuzz.h"
#include "fuzz_check.h"

#include "virtsim/load/config.h"
#include "virtsim/run/sim.h"

#define FUZZ_MAX_EVENTS 2000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct vs_scenario sc;
    struct vs_error e;
    vs_error_clear(&e);
    int rc = vs_config_load_scenario((const char *)data, size, "fuzz.yaml", NULL, &sc, &e);
    fuzz_check_refusal(rc, &e);
    if (rc != VS_OK) return 0;
    /* A few thousand events each: enough to boot the guests and serve
     * requests, bounded whatever the input asks for. */
    if (sc.max_events > FUZZ_MAX_EVENTS) sc.max_events = FUZZ_MAX_EVENTS;
    for (uint32_t k = 0; k < sc.n_engines; k++) {
        struct vs_sim *s = NULL;
        vs_error_clear(&e);
        rc = vs_sim_create(&sc, sc.engines[k], sc.seed, &s, &e);
        fuzz_check_refusal(rc, &e);
        if (rc == VS_OK) {
            vs_error_clear(&e);
            rc = vs_sim_advance(s, VS_TIME_NEVER, &e);
            fuzz_check_refusal(rc, &e);
        }
        vs_sim_destroy(s);
    }
    return 0;
}
