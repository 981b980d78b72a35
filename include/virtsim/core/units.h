/* Quantities with units, as written in YAML ("150k", "16KiB", "2000/s",
 * "10ms", "1Gbit", "3GHz", "50%"), parsed into one base unit per kind, and
 * formatted back for reports.
 *
 * One rule for every kind: a quantity with a dimension (a size, a time, a
 * rate, a frequency, a rotation speed) needs its unit, because a bare number
 * is ambiguous (is `memory: 512` bytes or MiB?); only 0 may be bare. Counts,
 * cycles and fractions have no dimension and are written bare. */
#ifndef VIRTSIM_UNITS_H
#define VIRTSIM_UNITS_H

#include <stddef.h>

enum vs_unit_kind {
    VS_UNIT_COUNT,     /* plain number, suffix k (1e3), M (1e6), G (1e9) */
    VS_UNIT_BYTES,     /* -> bytes: B, KiB, MiB, GiB, TiB, kB, MB, GB (a unit is required, except for 0) */
    VS_UNIT_TIME,      /* -> ns: ns, us, ms, s, min (a unit is required, except for 0) */
    VS_UNIT_RATE,      /* -> per second: "2000/s", "2k/s", "120/min" */
    VS_UNIT_BITRATE,   /* -> bits per second: bit, kbit, Mbit, Gbit (with or without "/s") */
    VS_UNIT_BYTERATE,  /* -> bytes per second: "500MiB/s", "2GB/s" */
    VS_UNIT_FREQUENCY, /* -> Hz: Hz, kHz, MHz, GHz */
    VS_UNIT_CYCLES,    /* -> cycles: bare number or "cycles", with k/M suffixes */
    VS_UNIT_PERCENT,   /* -> fraction: "50%" is 0.5 (a bare number must be in [0, 1]) */
    VS_UNIT_RPM,       /* -> revolutions per minute: "7200rpm" (a unit is required, except for 0) */
    VS_UNIT_KIND_COUNT
};

/* Parses text as a quantity of the given kind. Returns 0 and sets *out, or -1
 * and writes a sentence into why (e.g. "'12ms' is a time; expected a size in
 * bytes such as 16KiB"). Negative values, NaN and infinity are refused. */
int vs_units_parse(const char *text, enum vs_unit_kind kind, double *out,
                   char *why, size_t why_len);

/* A short human description of what a kind accepts, e.g. "a size such as 16KiB". */
const char *vs_units_expected(enum vs_unit_kind kind);

/* Formatting for reports; each writes into buf and returns buf. */
char *vs_units_format_bytes(double bytes, char *buf, size_t len);   /* "1.5 GiB" */
char *vs_units_format_time(double ns, char *buf, size_t len);       /* "120 us", "1.25 ms" */
char *vs_units_format_rate(double per_s, char *buf, size_t len);    /* "2.00k/s" */
char *vs_units_format_bitrate(double bits_per_s, char *buf, size_t len); /* "10 Gbit/s" */

#endif
