/* Colours and letters shared by charts, the TUI and the docs (palette.h).
 *
 * Three families that never share a colour, so that a reader never takes
 * an engine for a category: the approaches are dark and saturated (on a
 * greyscale printout, dark), the CPU categories light (Paul Tol's "light"
 * scheme, made for filled areas under labels, and one lavender), the
 * host's resources mid-tone (Tol's "muted"). Within the categories, the
 * neighbours of a stacked bar (in enum order) alternate warm and cool
 * hues, so no two adjacent segments look alike. Tol's schemes are chosen
 * to stay distinct for colour-blind readers (personal.sron.nl/~pault). */
#include "virtsim/out/palette.h"

#include <string.h>

#define RGB(hex) {((hex) >> 16 & 0xFF) / 255.0, ((hex) >> 8 & 0xFF) / 255.0, ((hex) & 0xFF) / 255.0}

static const struct vs_rgb categories[VS_CAT_COUNT] = {
    [VS_CAT_GUEST_USER] = RGB(0x77AADD),   /* light blue */
    [VS_CAT_GUEST_KERNEL] = RGB(0xEEDD88), /* light yellow */
    [VS_CAT_TRANSLATION] = RGB(0x44BB99),  /* mint */
    [VS_CAT_VMEXIT] = RGB(0xEE8866),       /* orange */
    [VS_CAT_HYPERCALL] = RGB(0xBBAADD),    /* lavender */
    [VS_CAT_DEVICE_MODEL] = RGB(0xBBCC33), /* pear */
    [VS_CAT_PAGE_WALK] = RGB(0x99DDFF),    /* light cyan */
    [VS_CAT_HOST_KERNEL] = RGB(0xFFAABB),  /* pink */
    [VS_CAT_IDLE] = RGB(0xDDDDDD),         /* pale grey */
};

/* The 8 colours every terminal has, by curses number (black 0, red 1,
 * green 2, yellow 3, blue 4, magenta 5, cyan 6, white 7): the one nearest
 * each category in hue, not in lightness (a light colour's nearest of the
 * 8 is white for most of them). Hypercalls and host kernel share magenta
 * (never neighbours in a bar); their letters tell them apart. */
static const int categories_ansi[VS_CAT_COUNT] = {
    [VS_CAT_GUEST_USER] = 4,   [VS_CAT_GUEST_KERNEL] = 7, [VS_CAT_TRANSLATION] = 2,
    [VS_CAT_VMEXIT] = 1,       [VS_CAT_HYPERCALL] = 5,    [VS_CAT_DEVICE_MODEL] = 3,
    [VS_CAT_PAGE_WALK] = 6,    [VS_CAT_HOST_KERNEL] = 5,  [VS_CAT_IDLE] = 0,
};

static const struct vs_rgb native = RGB(0x2B2B2B), emulation = RGB(0xD55E00), paravirt = RGB(0x7B3294),
                           hvm = RGB(0x0072B2), oslevel = RGB(0x117733), other = RGB(0x666666);

struct vs_rgb vs_palette_category(enum vs_cpu_cat cat)
{
    return cat < VS_CAT_COUNT ? categories[cat] : categories[VS_CAT_IDLE];
}

int vs_palette_category_ansi(enum vs_cpu_cat cat) { return cat < VS_CAT_COUNT ? categories_ansi[cat] : 7; }

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
    if (!approach) return other;
    if (strcmp(approach, "native") == 0) return native;
    if (strcmp(approach, "emulation") == 0) return emulation;
    if (strcmp(approach, "paravirt") == 0) return paravirt;
    if (strcmp(approach, "hvm") == 0) return hvm;
    if (strcmp(approach, "oslevel") == 0) return oslevel;
    return other;
}

struct vs_rgb vs_palette_resource(enum vs_palette_resource r)
{
    static const struct vs_rgb colours[VS_PAL_RESOURCES] = {
        [VS_PAL_CPU] = RGB(0xCC6677),     /* rose */
        [VS_PAL_MEMORY] = RGB(0xDDCC77),  /* sand */
        [VS_PAL_DISK] = RGB(0x999933),    /* olive */
        [VS_PAL_NIC_RX] = RGB(0x88CCEE),  /* cyan */
        [VS_PAL_NIC_TX] = RGB(0x44AA99),  /* teal */
    };
    return r < VS_PAL_RESOURCES ? colours[r] : other;
}
