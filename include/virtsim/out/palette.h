/* One set of colours and letters for the CPU categories and the
 * approaches, used by every face of virtsim (charts, the TUI, the docs), so
 * that "exits" or "kvm" look the same everywhere. Colours are the
 * Okabe-Ito palette (readable by colour-blind readers), each doubled by a
 * letter (TUI, NO_COLOR) or a hatch/marker (charts). */
#ifndef VIRTSIM_OUT_PALETTE_H
#define VIRTSIM_OUT_PALETTE_H

#include "virtsim/core/ops.h"

struct vs_rgb {
    double r, g, b;
};

/* A CPU category's colour (charts) and its one-letter mark (TUI bars). */
struct vs_rgb vs_palette_category(enum vs_cpu_cat cat);
char vs_palette_category_letter(enum vs_cpu_cat cat);
/* In words, for legends: "guest user", "exits (hypervisor)", ... */
const char *vs_palette_category_words(enum vs_cpu_cat cat);

/* An approach's colour ("native", "emulation", "paravirt", "hvm",
 * "oslevel"; grey for anything else); presets of one approach share it and
 * differ by `variant` (0, 1, ...: their order among the presets drawn),
 * which a chart turns into a hatch or a marker. */
struct vs_rgb vs_palette_approach(const char *approach);

#endif
