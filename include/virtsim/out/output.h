/* Output files that are never left half-written: the report goes to a
 * temporary file beside the target, which is renamed over it only when
 * everything was written. A failed run keeps the old file. */
#ifndef VIRTSIM_OUTPUT_H
#define VIRTSIM_OUTPUT_H

#include <stdio.h>
#include "virtsim/core/error.h"

struct vs_output {
    FILE *file;          /* write here */
    char path[1024];     /* the target */
    char tmp_path[1040]; /* the temporary file */
};

/* Creates the temporary file. On success the caller must call exactly one of
 * vs_output_commit or vs_output_abort. VS_ERR_RUNTIME when it cannot be created. */
int vs_output_open(const char *path, struct vs_output *o, struct vs_error *err);
/* Flushes, closes and renames into place; on any failure removes the
 * temporary file and leaves the target untouched. */
int vs_output_commit(struct vs_output *o, struct vs_error *err);
/* Closes and removes the temporary file. */
void vs_output_abort(struct vs_output *o);

#endif
