/* The files this process has read as input, by identity (device and inode),
 * so an output file is never written over one of them: `run s.yaml
 * --output s.yaml`, or an output that is a link to a workload the scenario
 * names. Readers note each file they open; sim/out/output.c asks. */
#ifndef VIRTSIM_INPUTS_H
#define VIRTSIM_INPUTS_H

#include <stdbool.h>
#include <sys/types.h>

/* Notes the open file fd (a regular file only: a device or FIFO read as
 * input is not a file an output could replace). Thread-safe. A note that
 * cannot be kept (out of memory) is dropped: the check is a safety net. */
void vs_inputs_note_fd(int fd);
/* The same for a path; nothing when it does not exist. */
void vs_inputs_note_path(const char *path);
/* Whether the file with this identity was noted. */
bool vs_inputs_contains(dev_t dev, ino_t ino);
/* Forgets every note (tests; a long-lived TUI that starts afresh). */
void vs_inputs_clear(void);

#endif
