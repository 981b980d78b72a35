/* Quantities with units (see units.h): parsing what people write in YAML
 * ("16KiB", "2k/s", "10 ms") into one base unit per kind, with sentences that
 * say what was wrong, and formatting figures back for reports.
 *
 * Numbers are parsed by hand and handed to strtod without a decimal point, so
 * the result never depends on the C locale (the TUI sets one), and formatting
 * uses integer arithmetic for the same reason. */
#include "virtsim/core/units.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A number longer than this is not something a person wrote by hand. */
#define MAX_NUMBER_DIGITS 40
#define MAX_TEXT_QUOTED 48

struct suffix {
    const char *name;
    double factor;
};

/* Metric multipliers for counts, cycles and rates. */
static const struct suffix count_suffixes[] = {
    {"", 1.0}, {"k", 1e3}, {"M", 1e6}, {"G", 1e9}, {"T", 1e12},
};

static const struct suffix byte_suffixes[] = {
    {"B", 1.0},
    {"KiB", 1024.0},
    {"MiB", 1024.0 * 1024.0},
    {"GiB", 1024.0 * 1024.0 * 1024.0},
    {"TiB", 1024.0 * 1024.0 * 1024.0 * 1024.0},
    {"kB", 1e3},
    {"MB", 1e6},
    {"GB", 1e9},
    {"TB", 1e12},
};

/* Factors to nanoseconds. */
static const struct suffix time_suffixes[] = {
    {"ns", 1.0}, {"us", 1e3}, {"\xc2\xb5s", 1e3}, /* µs */
    {"ms", 1e6}, {"s", 1e9},  {"sec", 1e9},       {"min", 60e9}, {"h", 3600e9},
};

/* Factors to seconds, for the denominator of a rate. */
static const struct suffix per_time_suffixes[] = {
    {"ns", 1e-9}, {"us", 1e-6},  {"ms", 1e-3},  {"s", 1.0},
    {"sec", 1.0}, {"min", 60.0}, {"h", 3600.0},
};

static const struct suffix bit_suffixes[] = {
    {"bit", 1.0}, {"kbit", 1e3}, {"Mbit", 1e6}, {"Gbit", 1e9}, {"Tbit", 1e12},
    {"bps", 1.0}, {"kbps", 1e3}, {"Mbps", 1e6}, {"Gbps", 1e9}, {"Tbps", 1e12},
};

static const struct suffix freq_suffixes[] = {
    {"Hz", 1.0},
    {"kHz", 1e3},
    {"MHz", 1e6},
    {"GHz", 1e9},
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static bool find_suffix(const struct suffix *table, size_t n, const char *s, size_t len,
                        double *factor)
{
    for (size_t i = 0; i < n; i++) {
        if (strlen(table[i].name) == len && memcmp(table[i].name, s, len) == 0) {
            *factor = table[i].factor;
            return true;
        }
    }
    return false;
}

static bool is_space(char c) { return c == ' ' || c == '\t'; }

/* Each matcher says whether a unit string (already trimmed) belongs to its
 * kind and, if so, the factor to the kind's base unit. The empty string is a
 * bare number. */

static bool match_count(const char *u, size_t len, double *f)
{
    return find_suffix(count_suffixes, N_OF(count_suffixes), u, len, f);
}

static bool match_cycles(const char *u, size_t len, double *f)
{
    /* [k|M|G][ ]cycles? */
    static const char *const words[] = {"cycles", "cycle"};
    for (size_t w = 0; w < N_OF(words); w++) {
        size_t wl = strlen(words[w]);
        if (len >= wl && memcmp(u + len - wl, words[w], wl) == 0) {
            size_t pl = len - wl;
            while (pl > 0 && is_space(u[pl - 1])) pl--;
            return match_count(u, pl, f);
        }
    }
    return match_count(u, len, f);
}

static bool match_bytes(const char *u, size_t len, double *f)
{
    if (len == 0) {
        *f = 1.0;
        return true;
    }
    return find_suffix(byte_suffixes, N_OF(byte_suffixes), u, len, f);
}

static bool match_time(const char *u, size_t len, double *f)
{
    return find_suffix(time_suffixes, N_OF(time_suffixes), u, len, f);
}

/* Splits "X/Y" into X and Y; false without a slash. */
static bool split_per(const char *u, size_t len, size_t *num_len, const char **den, size_t *den_len)
{
    const char *slash = memchr(u, '/', len);
    if (!slash) return false;
    size_t nl = (size_t)(slash - u);
    while (nl > 0 && is_space(u[nl - 1])) nl--;
    const char *d = slash + 1;
    while (d < u + len && is_space(*d)) d++;
    *num_len = nl;
    *den = d;
    *den_len = (size_t)(u + len - d);
    return true;
}

static bool match_rate(const char *u, size_t len, double *f)
{
    size_t nl, dl;
    const char *d;
    double num, per;
    if (!split_per(u, len, &nl, &d, &dl)) return false;
    if (!match_count(u, nl, &num)) return false;
    if (!find_suffix(per_time_suffixes, N_OF(per_time_suffixes), d, dl, &per)) return false;
    *f = num / per;
    return true;
}

static bool match_bitrate(const char *u, size_t len, double *f)
{
    size_t nl, dl;
    const char *d;
    if (split_per(u, len, &nl, &d, &dl)) {
        double per;
        if (!find_suffix(per_time_suffixes, N_OF(per_time_suffixes), d, dl, &per) || per != 1.0)
            return false;
        len = nl;
    }
    return find_suffix(bit_suffixes, N_OF(bit_suffixes), u, len, f);
}

static bool match_byterate(const char *u, size_t len, double *f)
{
    size_t nl, dl;
    const char *d;
    double num, per;
    if (!split_per(u, len, &nl, &d, &dl) || nl == 0) return false;
    if (!find_suffix(byte_suffixes, N_OF(byte_suffixes), u, nl, &num)) return false;
    if (!find_suffix(per_time_suffixes, N_OF(per_time_suffixes), d, dl, &per)) return false;
    *f = num / per;
    return true;
}

static bool match_frequency(const char *u, size_t len, double *f)
{
    return find_suffix(freq_suffixes, N_OF(freq_suffixes), u, len, f);
}

static bool match_percent(const char *u, size_t len, double *f)
{
    if (len == 1 && u[0] == '%') {
        *f = 0.01;
        return true;
    }
    if (len == 0) {
        *f = 1.0;
        return true;
    }
    return false;
}

static bool match_rpm(const char *u, size_t len, double *f)
{
    *f = 1.0;
    return len == 0 || (len == 3 && memcmp(u, "rpm", 3) == 0);
}

typedef bool (*matcher_fn)(const char *u, size_t len, double *f);

struct kind_info {
    matcher_fn match;
    const char *noun;     /* "a time" */
    const char *expected; /* "a time such as 10ms" */
    bool bare_allowed;    /* a number without a unit is accepted */
};

static const struct kind_info kinds[VS_UNIT_KIND_COUNT] = {
    [VS_UNIT_COUNT] = {match_count, "a count", "a count such as 150k", true},
    [VS_UNIT_BYTES] = {match_bytes, "a size", "a size such as 16KiB", false},
    [VS_UNIT_TIME] = {match_time, "a time", "a time such as 10ms", false},
    [VS_UNIT_RATE] = {match_rate, "a rate", "a rate such as 2000/s", false},
    [VS_UNIT_BITRATE] = {match_bitrate, "a bit rate", "a bit rate such as 10Gbit", false},
    [VS_UNIT_BYTERATE] = {match_byterate, "a byte rate", "a byte rate such as 500MiB/s", false},
    [VS_UNIT_FREQUENCY] = {match_frequency, "a frequency", "a frequency such as 3GHz", false},
    [VS_UNIT_CYCLES] = {match_cycles, "a number of cycles", "a number of cycles such as 1500",
                        true},
    [VS_UNIT_PERCENT] = {match_percent, "a percentage", "a percentage such as 50%", true},
    [VS_UNIT_RPM] = {match_rpm, "a rotation speed", "a rotation speed such as 7200rpm", false},
};

/* The order in which a unit of the wrong kind is named: the most specific
 * spellings first, so "12ms" is called a time, not something else. */
static const enum vs_unit_kind classify_order[] = {
    VS_UNIT_TIME,  VS_UNIT_BYTERATE, VS_UNIT_RATE, VS_UNIT_BITRATE, VS_UNIT_FREQUENCY,
    VS_UNIT_BYTES, VS_UNIT_PERCENT,  VS_UNIT_RPM,  VS_UNIT_COUNT,   VS_UNIT_CYCLES,
};

const char *vs_units_expected(enum vs_unit_kind kind)
{
    if ((unsigned)kind >= VS_UNIT_KIND_COUNT) return "a number";
    return kinds[kind].expected;
}

static const char *noun_of(enum vs_unit_kind kind)
{
    return (unsigned)kind < VS_UNIT_KIND_COUNT ? kinds[kind].noun : "a number";
}

/* The text as quoted in messages: trimmed and shortened. */
static void quote(const char *s, size_t len, char *buf, size_t buflen)
{
    if (len > MAX_TEXT_QUOTED)
        snprintf(buf, buflen, "%.*s...", MAX_TEXT_QUOTED, s);
    else
        snprintf(buf, buflen, "%.*s", (int)len, s);
}

static int fail(char *why, size_t why_len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *why, size_t why_len, const char *fmt, ...)
{
    if (why && why_len) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, why_len, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* Scans [+|-] digits [. digits] [e [+|-] digits] at s. On success returns the
 * number of characters consumed, sets *negative, and writes the mantissa
 * digits and decimal exponent into a form strtod reads the same in every
 * locale ("1234e-2"). Returns 0 when s does not start with a number, -1 when
 * the number has too many digits. */
static long scan_number(const char *s, size_t len, bool *negative, char *canon, size_t canon_len)
{
    size_t i = 0;
    *negative = false;
    if (i < len && (s[i] == '+' || s[i] == '-')) {
        *negative = s[i] == '-';
        i++;
    }
    char digits[MAX_NUMBER_DIGITS + 1];
    size_t nd = 0;
    long exp10 = 0;
    bool any = false;
    for (; i < len && is_digit(s[i]); i++) {
        any = true;
        if (nd == 0 && s[i] == '0') continue; /* leading zeros carry nothing */
        if (nd >= MAX_NUMBER_DIGITS) return -1;
        digits[nd++] = s[i];
    }
    if (i < len && s[i] == '.') {
        i++;
        for (; i < len && is_digit(s[i]); i++) {
            any = true;
            exp10--;
            if (nd == 0 && s[i] == '0') continue;
            if (nd >= MAX_NUMBER_DIGITS) return -1;
            digits[nd++] = s[i];
        }
    }
    if (!any) return 0;
    /* An exponent only when digits follow, so "1e" leaves "e" as a unit. */
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        size_t j = i + 1;
        bool eneg = false;
        if (j < len && (s[j] == '+' || s[j] == '-')) {
            eneg = s[j] == '-';
            j++;
        }
        if (j < len && is_digit(s[j])) {
            long e = 0;
            for (; j < len && is_digit(s[j]); j++)
                if (e < 100000) e = e * 10 + (s[j] - '0');
            exp10 += eneg ? -e : e;
            i = j;
        }
    }
    if (nd == 0)
        snprintf(canon, canon_len, "0");
    else
        snprintf(canon, canon_len, "%.*se%ld", (int)nd, digits, exp10);
    return (long)i;
}

static bool starts_with_word(const char *s, size_t len, const char *word)
{
    size_t wl = strlen(word);
    if (len < wl) return false;
    for (size_t i = 0; i < wl; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c != word[i]) return false;
    }
    return true;
}

int vs_units_parse(const char *text, enum vs_unit_kind kind, double *out, char *why, size_t why_len)
{
    if ((unsigned)kind >= VS_UNIT_KIND_COUNT)
        return fail(why, why_len, "internal error: unknown unit kind %d", (int)kind);
    if (!text) text = "";
    const struct kind_info *k = &kinds[kind];
    const char *s = text;
    size_t len = strlen(s);
    while (len > 0 && is_space(*s)) s++, len--;
    while (len > 0 && is_space(s[len - 1])) len--;
    char shown[MAX_TEXT_QUOTED + 8];
    quote(s, len, shown, sizeof shown);
    if (len == 0) return fail(why, why_len, "the value is empty; expected %s", k->expected);

    bool negative;
    char canon[MAX_NUMBER_DIGITS + 32];
    long used = scan_number(s, len, &negative, canon, sizeof canon);
    if (used < 0)
        return fail(why, why_len, "'%s' has too many digits; expected %s", shown, k->expected);
    if (used == 0) {
        const char *p = s;
        size_t pl = len;
        if (pl > 0 && (*p == '+' || *p == '-')) p++, pl--;
        if (pl > 0 && *p == '.') p++, pl--; /* YAML spells infinity .inf */
        if (starts_with_word(p, pl, "inf") || starts_with_word(p, pl, "nan"))
            return fail(why, why_len, "'%s' is not a finite number; expected %s", shown,
                        k->expected);
        return fail(why, why_len, "'%s' is not a number; expected %s", shown, k->expected);
    }
    double value = strtod(canon, NULL);
    if (!isfinite(value) || value > 1e300)
        return fail(why, why_len, "'%s' is too large; expected %s", shown, k->expected);

    const char *u = s + used;
    size_t ulen = len - (size_t)used;
    while (ulen > 0 && is_space(*u)) u++, ulen--;

    double factor = 1.0;
    bool bare_zero = ulen == 0 && value == 0; /* 0 needs no unit, whatever the kind */
    if (!bare_zero && (!k->match(u, ulen, &factor) || (ulen == 0 && !k->bare_allowed))) {
        if (ulen == 0 && kind == VS_UNIT_BYTES)
            return fail(why, why_len, "'%s' has no unit; expected %s (write %sMiB, %sKiB or %sB, for example)",
                        shown, k->expected, shown, shown, shown);
        if (ulen == 0)
            return fail(why, why_len, "'%s' has no unit; expected %s", shown, k->expected);
        for (size_t i = 0; i < N_OF(classify_order); i++) {
            enum vs_unit_kind other = classify_order[i];
            double f2;
            if (other == kind || !kinds[other].match(u, ulen, &f2)) continue;
            if (kind == VS_UNIT_BYTES && other == VS_UNIT_COUNT)
                return fail(why, why_len,
                            "'%s' is %s, not a size; expected %s (write %.*sGiB or %.*sGB, "
                            "for example)",
                            shown, kinds[other].noun, k->expected, (int)used, s, (int)used, s);
            return fail(why, why_len, "'%s' is %s; expected %s", shown, kinds[other].noun,
                        k->expected);
        }
        if (ulen >= 2 && u[0] == ',' && is_digit(u[1]))
            return fail(why, why_len,
                        "'%s' has a comma; write decimals with a point (1.5); "
                        "expected %s",
                        shown, k->expected);
        char ushown[MAX_TEXT_QUOTED + 8];
        quote(u, ulen, ushown, sizeof ushown);
        return fail(why, why_len, "'%s' has an unknown unit '%s'; expected %s", shown, ushown,
                    k->expected);
    }
    if (negative && value != 0)
        return fail(why, why_len, "%s is negative; expected %s >= 0", shown, noun_of(kind));
    double result = value * factor;
    if (!isfinite(result) || result > 1e300)
        return fail(why, why_len, "'%s' is too large; expected %s", shown, k->expected);
    if (kind == VS_UNIT_PERCENT && ulen == 0 && result > 1.0)
        return fail(why, why_len,
                    "'%s' is out of range: a number without %% is a fraction in [0, 1]; write "
                    "%s%% for a percentage",
                    shown, shown);
    *out = result == 0 ? 0.0 : result; /* no negative zero */
    return 0;
}

/* ---- formatting ---- */

/* Writes v (>= 0, finite) with `decimals` digits after the point, using
 * integers so the locale's decimal separator never appears. */
static void fixed(double v, int decimals, bool trim, char *buf, size_t len)
{
    static const double pow10[] = {1, 10, 100, 1000};
    if (decimals < 0) decimals = 0;
    if (decimals > 3) decimals = 3;
    double scaled = floor(v * pow10[decimals] + 0.5);
    if (scaled > 9e15) {
        snprintf(buf, len, "%.0f", v);
        return;
    }
    long long whole = (long long)(scaled / pow10[decimals]);
    long long frac = (long long)scaled - whole * (long long)pow10[decimals];
    if (decimals == 0) {
        snprintf(buf, len, "%lld", whole);
        return;
    }
    char fbuf[8];
    snprintf(fbuf, sizeof fbuf, "%0*lld", decimals, frac);
    if (trim) {
        int n = decimals;
        while (n > 0 && fbuf[n - 1] == '0') fbuf[--n] = '\0';
        if (n == 0) {
            snprintf(buf, len, "%lld", whole);
            return;
        }
    }
    snprintf(buf, len, "%lld.%s", whole, fbuf);
}

/* About three significant digits. */
static int decimals_for(double v) { return v < 10 ? 2 : v < 100 ? 1 : 0; }

struct scale {
    double factor;
    const char *name;
};

/* Picks the largest unit that keeps the value >= 1, formats it, and moves up
 * a unit when rounding reaches the next one (999.7 ms -> 1 s). */
static char *format_scaled(double v, const struct scale *scales, size_t n, const char *sep,
                           bool trim, char *buf, size_t len)
{
    if (!buf || len == 0) return buf;
    if (isnan(v)) {
        snprintf(buf, len, "nan");
        return buf;
    }
    const char *sign = v < 0 ? "-" : "";
    double a = fabs(v);
    if (isinf(a)) {
        snprintf(buf, len, "%sinf", sign);
        return buf;
    }
    size_t i = 0;
    while (i + 1 < n && a >= scales[i + 1].factor) i++;
    double x = a / scales[i].factor;
    int d = decimals_for(x);
    double step = d == 2 ? 0.005 : d == 1 ? 0.05 : 0.5;
    if (i + 1 < n && x + step >= scales[i + 1].factor / scales[i].factor) {
        i++;
        x = a / scales[i].factor;
        d = decimals_for(x);
    }
    if (a == 0) d = 0;
    char num[48];
    fixed(x, d, trim, num, sizeof num);
    snprintf(buf, len, "%s%s%s%s", sign, num, sep, scales[i].name);
    return buf;
}

char *vs_units_format_bytes(double bytes, char *buf, size_t len)
{
    static const struct scale s[] = {
        {1.0, "B"},
        {1024.0, "KiB"},
        {1024.0 * 1024.0, "MiB"},
        {1024.0 * 1024.0 * 1024.0, "GiB"},
        {1024.0 * 1024.0 * 1024.0 * 1024.0, "TiB"},
        {1024.0 * 1024.0 * 1024.0 * 1024.0 * 1024.0, "PiB"},
    };
    return format_scaled(bytes, s, N_OF(s), " ", true, buf, len);
}

char *vs_units_format_time(double ns, char *buf, size_t len)
{
    static const struct scale s[] = {{1.0, "ns"}, {1e3, "us"}, {1e6, "ms"}, {1e9, "s"}};
    return format_scaled(ns, s, N_OF(s), " ", true, buf, len);
}

char *vs_units_format_rate(double per_s, char *buf, size_t len)
{
    static const struct scale s[] = {{1.0, "/s"}, {1e3, "k/s"}, {1e6, "M/s"}, {1e9, "G/s"}};
    return format_scaled(per_s, s, N_OF(s), "", false, buf, len);
}

char *vs_units_format_bitrate(double bits_per_s, char *buf, size_t len)
{
    static const struct scale s[] = {
        {1.0, "bit/s"}, {1e3, "kbit/s"}, {1e6, "Mbit/s"}, {1e9, "Gbit/s"}, {1e12, "Tbit/s"},
    };
    return format_scaled(bits_per_s, s, N_OF(s), " ", true, buf, len);
}
