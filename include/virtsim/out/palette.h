/* One set of colours and letters for the CPU categories, the approaches
 * and a host's resources, used by every face of virtsim (charts, the TUI,
 * the docs), so that "VM exits" or "kvm" look the same everywhere. The
 * three families never share a colour: approaches dark and saturated,
 * categories light, resources mid-tone (palette.c says which and why).
 * Each colour is doubled by a letter (TUI, NO_COLOR) or a hatch/marker
 * (charts). */
#ifndef VIRTSIM_OUT_PALETTE_H
#define VIRTSIM_OUT_PALETTE_H

#include "virtsim/core/ops.h"

struct vs_rgb {
    double r, g, b;
};

/* A CPU category's colour (charts, 256-colour terminals) and its
 * one-letter mark (TUI bars). */
struct vs_rgb vs_palette_category(enum vs_cpu_cat cat);
char vs_palette_category_letter(enum vs_cpu_cat cat);
/* Its colour on an 8-colour terminal (a curses colour number 0-7), chosen
 * by hue; two categories that share one differ by their letter. */
int vs_palette_category_ansi(enum vs_cpu_cat cat);
/* In words, for legends: "guest user", "exits (hypervisor)", ... */
const char *vs_palette_category_words(enum vs_cpu_cat cat);

/* An approach's colour ("native", "emulation", "paravirt", "hvm",
 * "oslevel"; grey for anything else); presets of one approach share it and
 * differ by `variant` (0, 1, ...: their order among the presets drawn),
 * which a chart turns into a hatch or a marker. */
struct vs_rgb vs_palette_approach(const char *approach);

/* A host resource's colour (the hosts chart), fixed whichever are drawn. */
enum vs_palette_resource { VS_PAL_CPU, VS_PAL_MEMORY, VS_PAL_DISK, VS_PAL_NIC_RX, VS_PAL_NIC_TX, VS_PAL_RESOURCES };
struct vs_rgb vs_palette_resource(enum vs_palette_resource r);

#endif
