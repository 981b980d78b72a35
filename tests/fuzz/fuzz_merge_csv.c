/* libFuzzer harness: the reader of `virtsim merge` (vs_merge_sweep_csv in
 * out/merge.c) on one to FUZZ_FILES files cut from the input at each line
 * "\x1e" (ASCII record separator, which a sweep CSV never holds), so the
 * checks between files (headers that must agree) are fuzzed as well as
 * each file's rows. The merged CSV goes to /dev/null. */
#include "fuzz.h"
#include "fuzz_check.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "virtsim/out/merge.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *out;
    if (!out && !(out = fopen("/dev/null", "w"))) abort();
    char *paths[FUZZ_FILES];
    int n = 0;
    size_t start = 0;
    for (size_t i = 0; i <= size && n < FUZZ_FILES; i++) {
        bool cut = i == size || (data[i] == 0x1e && (i == 0 || data[i - 1] == '\n'));
        if (n == FUZZ_FILES - 1) cut = i == size; /* the last file takes the rest */
        if (!cut) continue;
        paths[n] = (char *)fuzz_file(n, data + start, i - start);
        n++;
        start = i + 1;
    }
    struct vs_error e;
    vs_error_clear(&e);
    int rc = vs_merge_sweep_csv(out, paths, n, &e);
    fuzz_check_refusal(rc, &e);
    return 0;
}
