/* libFuzzer harness: the host profile loader (load/cfg_host.c) on any
 * bytes, as `virtsim validate H.yaml` and a scenario's `host:` file reach
 * it. Exact length, no NUL: a read past the input is caught by ASan. */
#include "fuzz.h"
#include "fuzz_check.h"

#include "virtsim/load/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct vs_host_spec h;
    struct vs_error e;
    vs_error_clear(&e);
    int rc = vs_config_load_host((const char *)data, size, "fuzz.yaml", &h, &e);
    fuzz_check_refusal(rc, &e);
    return 0;
}
