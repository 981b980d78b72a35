/* The progress line a long run shows on a terminal's standard error. Pure
 * formatting, so it can be tested without a terminal or a clock. */
#ifndef VIRTSIM_UI_PROGRESS_H
#define VIRTSIM_UI_PROGRESS_H

#include <stddef.h>

#include "virtsim/core/control.h"

/* The line for progress p after wall_s seconds of wall-clock time, at most
 * width - 1 columns (width >= 20): a bar and the share done when it is
 * known, the simulated time run (of the total), the runs, events per
 * second, and the estimated time left. buf gets at most len bytes. */
void vs_progress_format(const struct vs_progress *p, double wall_s, int width, char *buf, size_t len);

#endif
