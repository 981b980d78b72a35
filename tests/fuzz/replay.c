/* A main() for the fuzz harnesses without libFuzzer: runs
 * LLVMFuzzerTestOneInput once on each file named on the command line. The
 * normal build (any C11 compiler, no clang) links every harness with it,
 * so the harnesses always compile and the committed corpus, with every
 * input that once crashed, is replayed by `make test` and, under ASan and
 * UBSan, by `make check` (tests/cli/test_fuzz.sh). */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int replay(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 1;
    }
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0, got;
    uint8_t chunk[65536];
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (len + got > cap) {
            cap = (len + got) * 2;
            uint8_t *g = realloc(buf, cap);
            if (!g) break;
            buf = g;
        }
        memcpy(buf + len, chunk, got);
        len += got;
    }
    int bad = ferror(f) || got > 0;
    fclose(f);
    /* Exactly sized, as libFuzzer gives it: a read past the end is caught
     * by ASan in `make check`. */
    uint8_t *exact = bad ? NULL : realloc(buf, len ? len : 1);
    if (!exact) {
        free(buf);
        fprintf(stderr, "%s: cannot read\n", path);
        return 1;
    }
    LLVMFuzzerTestOneInput(exact, len);
    free(exact);
    return 0;
}

int main(int argc, char **argv)
{
    int failed = 0;
    for (int i = 1; i < argc; i++) failed |= replay(argv[i]);
    return failed;
}
