/* libFuzzer harness: the workload loader (load/cfg_workload.c) on any
 * bytes, as `virtsim validate W.yaml` and every scenario's `workload:`
 * file reach it. The input is passed with its exact length and no NUL, so
 * a read past it is caught by ASan. */
#include "fuzz.h"
#include "fuzz_check.h"

#include "virtsim/load/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct vs_workload w;
    struct vs_error e;
    vs_error_clear(&e);
    int rc = vs_config_load_workload((const char *)data, size, "fuzz.yaml", &w, &e);
    fuzz_check_refusal(rc, &e);
    return 0;
}
