/* Colours and letters shared by charts, the TUI and the docs (palette.h). */
#include "virtsim/out/palette.h"

#include <string.h>

/* Okabe-Ito. */
static const struct vs_rgb orange = {0.902, 0.624, 0.000}, sky = {0.337, 0.706, 0.914},
                           green = {0.000, 0.620, 0.451}, yellow = {0.941, 0.894, 0.259},
                           blue = {0.000, 0.447, 0.698}, vermillion = {0.835, 0.369, 0.000},
                           purple = {0.800, 0.475, 0.655}, grey = {0.45, 0.45, 0.45}, black = {0.1, 0.1, 0.1},
                           light = {0.80, 0.80, 0.80};

struct vs_rgb vs_palette_category(enum vs_cpu_cat cat)
{
    switch (cat) {
    case VS_CAT_GUEST_USER: return sky;
    case VS_CAT_GUEST_KERNEL: return blue;
    case VS_CAT_TRANSLATION: return orange;
    case VS_CAT_VMEXIT: return vermillion;
    case VS_CAT_HYPERCALL: return purple;
    case VS_CAT_DEVICE_MODEL: return yellow;
    case VS_CAT_PAGE_WALK: return grey;
    case VS_CAT_HOST_KERNEL: return green;
    default: return light;
    }
}

char vs_palette_category_letter(enum vs_cpu_cat cat)
{
    static const char letters[VS_CAT_COUNT] = {
        [VS_CAT_GUEST_USER] = 'u', [VS_CAT_GUEST_KERNEL] = 'k', [VS_CAT_TRANSLATION] = 't',
        [VS_CAT_VMEXIT] = 'x',     [VS_CAT_HYPERCALL] = 'h',    [VS_CAT_DEVICE_MODEL] = 'd',
        [VS_CAT_PAGE_WALK] = 'w',  [VS_CAT_HOST_KERNEL] = 'o',  [VS_CAT_IDLE] = '.'};
    return cat < VS_CAT_COUNT ? letters[cat] : '?';
}

const char *vs_palette_category_words(enum vs_cpu_cat cat)
{
    static const char *const words[VS_CAT_COUNT] = {
        [VS_CAT_GUEST_USER] = "guest user",          [VS_CAT_GUEST_KERNEL] = "guest kernel",
        [VS_CAT_TRANSLATION] = "translation",        [VS_CAT_VMEXIT] = "VM exits",
        [VS_CAT_HYPERCALL] = "hypercalls",           [VS_CAT_DEVICE_MODEL] = "device model",
        [VS_CAT_PAGE_WALK] = "page walks",           [VS_CAT_HOST_KERNEL] = "host kernel",
        [VS_CAT_IDLE] = "idle"};
    return cat < VS_CAT_COUNT ? words[cat] : "?";
}

struct vs_rgb vs_palette_approach(const char *approach)
{
    if (!approach) return grey;
    if (strcmp(approach, "native") == 0) return black;
    if (strcmp(approach, "emulation") == 0) return orange;
    if (strcmp(approach, "paravirt") == 0) return purple;
    if (strcmp(approach, "hvm") == 0) return blue;
    if (strcmp(approach, "oslevel") == 0) return green;
    return grey;
}
