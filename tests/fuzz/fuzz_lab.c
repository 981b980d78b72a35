/* libFuzzer harness: the lab loader (load/cfg_lab.c) on any bytes, as
 * `virtsim lab check F.yaml` and `virtsim validate F.yaml` reach it: the
 * lab's own keys, its answer expressions and its inline scenarios. Exact
 * length, no NUL: a read past the input is caught by ASan. A lab that
 * loads is released again, so a leak in what it owns is caught too. */
#include "fuzz.h"
#include "fuzz_check.h"

#include "virtsim/load/lab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct vs_lab lab;
    struct vs_error e;
    vs_error_clear(&e);
    int rc = vs_lab_load((const char *)data, size, "fuzz.yaml", "01-fuzz", NULL, &lab, &e);
    fuzz_check_refusal(rc, &e);
    if (rc == 0) vs_lab_free(&lab);
    return 0;
}
