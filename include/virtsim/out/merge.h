/* `virtsim merge`: the CSV files of a sweep's points, written separately
 * (virtsim run --sweep-point K --format csv), put back together as the CSV
 * of the whole sweep. */
#ifndef VIRTSIM_MERGE_H
#define VIRTSIM_MERGE_H

#include <stdio.h>
#include "virtsim/core/error.h"

/* Checks every file strictly and writes the merge to out, rows ordered by
 * sweep_point (stable), so the merge of every point's file equals the CSV of
 * the whole sweep. VS_ERR_INPUT, with FILE:LINE:COL where there is a place,
 * for: a file that cannot be read, a directory, an empty file, the same
 * file twice, a header that is not a sweep CSV's or differs from the first
 * file's, a NUL byte or a stray carriage return or quote, a row with a
 * different number of fields than the header, a point number that is not a
 * whole number from 0 to VS_MAX_SWEEP_POINTS - 1, a point found in two
 * files, rows of different sweep parameters, a file with no rows, a file
 * over 64 MiB. Lines may end in LF or CR LF; the output's end in LF. */
int vs_merge_sweep_csv(FILE *out, char *const *paths, int n, struct vs_error *err);

#endif
