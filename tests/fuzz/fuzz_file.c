/* The memory files of fuzz.h: one per slot, made on first use with
 * memfd_create, rewritten in place for every input (truncated, then
 * written), so a run of millions of inputs opens no new file. */
#define _GNU_SOURCE
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

const char *fuzz_file(int slot, const uint8_t *data, size_t size)
{
    static int fds[FUZZ_FILES] = {-1, -1, -1, -1};
    static char paths[FUZZ_FILES][40];
    if (slot < 0 || slot >= FUZZ_FILES) abort();
    if (fds[slot] < 0) {
        fds[slot] = memfd_create("virtsim-fuzz", 0);
        if (fds[slot] < 0) {
            perror("memfd_create");
            abort();
        }
        snprintf(paths[slot], sizeof paths[slot], "/proc/self/fd/%d", fds[slot]);
    }
    if (ftruncate(fds[slot], 0) != 0) abort();
    size_t done = 0;
    while (done < size) {
        ssize_t w = pwrite(fds[slot], data + done, size - done, (off_t)done);
        if (w <= 0) abort();
        done += (size_t)w;
    }
    return paths[slot];
}
