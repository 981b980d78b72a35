/* Shared by the libFuzzer harnesses (tests/fuzz/fuzz_*.c): the entry point
 * every harness defines, and a file holding the input for readers that
 * take a path (the JSON reader of `chart`, the CSV reader of `merge`).
 * The file is an anonymous memory file named by /proc/self/fd/N: nothing is
 * left on disk when a harness stops, even when it crashes. */
#ifndef VIRTSIM_FUZZ_H
#define VIRTSIM_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Replaces the content of memory file `slot` (0 to FUZZ_FILES - 1) with
 * data and returns a path that opens it, valid for the whole process.
 * Aborts if the file cannot be made: the harness cannot run without it. */
#define FUZZ_FILES 4
const char *fuzz_file(int slot, const uint8_t *data, size_t size);

#endif
