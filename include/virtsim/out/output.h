/* Output files that are never left half-written: the report goes to a
 * temporary file beside the target, which is renamed over it only when
 * everything was written. A failed run keeps the old file.
 *
 * What the target is decides how it is written:
 *  - a symbolic link is followed: the file it points to is replaced, the
 *    link stays (the temporary file is made in the target's directory);
 *  - a FIFO or a device (/dev/null, /dev/stdout, a terminal) is written in
 *    place: there is nothing to rename, and a rename would replace it;
 *  - a regular file that is read-only, or that this process read as input
 *    (core/inputs.h), is refused: VS_ERR_INPUT and nothing is written;
 *  - a directory or a socket is refused.
 * A replaced file keeps its permission bits.
 *
 * SIGINT and SIGTERM while temporary files exist remove them, then the
 * signal does what it did before (the handlers are installed only while
 * there is a temporary file, so other handlers of the program are kept
 * the rest of the time). Not for use from several threads at once. */
#ifndef VIRTSIM_OUTPUT_H
#define VIRTSIM_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "virtsim/core/error.h"

struct vs_output {
    FILE *file;          /* write here */
    char path[1024];     /* the target as given (named in messages) */
    char target[1024];   /* the file written: path with symbolic links followed */
    char tmp_path[1040]; /* the temporary file; "" when writing in place */
    bool in_place;       /* a FIFO or a device: written directly, no rename */
    bool replaces;       /* a file exists at the target and will be replaced */
    int slot;            /* in the registry of temporary files; -1 none */
};

/* Creates the temporary file (or opens a FIFO or device). On success the
 * caller must call exactly one of vs_output_commit(_all) or
 * vs_output_abort. VS_ERR_INPUT for a target that must not be written
 * (read-only, an input, a directory, a path too long), VS_ERR_RUNTIME when
 * it cannot be created. */
int vs_output_open(const char *path, struct vs_output *o, struct vs_error *err);
/* Flushes, closes and renames into place; on any failure removes the
 * temporary file and leaves the target untouched. */
int vs_output_commit(struct vs_output *o, struct vs_error *err);
/* Commits several outputs together (a chart and its CSV): all are written
 * and closed first, then renamed; if one rename fails, the targets already
 * replaced get their old files back (or are removed if they had none), so
 * either every target is new or none is. Every output is closed either way. */
int vs_output_commit_all(struct vs_output *const *outs, size_t n, struct vs_error *err);
/* Closes and removes the temporary file. */
void vs_output_abort(struct vs_output *o);

#endif
