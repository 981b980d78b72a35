/* Unit tests for sim/core/units.c: every unit kind parsed from good text to the
 * exact base value, bad text refused with a sentence that says why, and the
 * report formatters. Table-driven: one row per case. */
#include "testutil.h"

#include "virtsim/core/units.h"

#include <locale.h>
#include <stdio.h>

#define KiB 1024.0
#define MiB (1024.0 * 1024.0)
#define GiB (1024.0 * 1024.0 * 1024.0)

struct good {
    const char *text;
    enum vs_unit_kind kind;
    double expect;
};

static const struct good goods[] = {
    /* counts */
    {"0", VS_UNIT_COUNT, 0},
    {"12", VS_UNIT_COUNT, 12},
    {"0.5", VS_UNIT_COUNT, 0.5},
    {".5", VS_UNIT_COUNT, 0.5},
    {"5.", VS_UNIT_COUNT, 5},
    {"+7", VS_UNIT_COUNT, 7},
    {"150k", VS_UNIT_COUNT, 150e3},
    {"150 k", VS_UNIT_COUNT, 150e3},
    {"1.5M", VS_UNIT_COUNT, 1.5e6},
    {"2G", VS_UNIT_COUNT, 2e9},
    {"1e3", VS_UNIT_COUNT, 1000},
    {"2.5E-1", VS_UNIT_COUNT, 0.25},
    {"1e+2k", VS_UNIT_COUNT, 1e5},
    {"  42  ", VS_UNIT_COUNT, 42},
    {"007", VS_UNIT_COUNT, 7},
    {"-0", VS_UNIT_COUNT, 0},
    /* sizes */
    {"0", VS_UNIT_BYTES, 0},
    {"512B", VS_UNIT_BYTES, 512},
    {"16KiB", VS_UNIT_BYTES, 16 * KiB},
    {"16 KiB", VS_UNIT_BYTES, 16 * KiB},
    {"1.5GiB", VS_UNIT_BYTES, 1.5 * GiB},
    {"2MiB", VS_UNIT_BYTES, 2 * MiB},
    {"1TiB", VS_UNIT_BYTES, 1024 * GiB},
    {"4kB", VS_UNIT_BYTES, 4000},
    {"3MB", VS_UNIT_BYTES, 3e6},
    {"2GB", VS_UNIT_BYTES, 2e9},
    /* times, in ns */
    {"0", VS_UNIT_TIME, 0},
    {"20ns", VS_UNIT_TIME, 20},
    {"20us", VS_UNIT_TIME, 20e3},
    {"20\xc2\xb5s", VS_UNIT_TIME, 20e3},
    {"3ms", VS_UNIT_TIME, 3e6},
    {"1.5 s", VS_UNIT_TIME, 1.5e9},
    {"10s", VS_UNIT_TIME, 10e9},
    {"2min", VS_UNIT_TIME, 120e9},
    {"1h", VS_UNIT_TIME, 3600e9},
    {"1e-3s", VS_UNIT_TIME, 1e6},
    /* rates, per second */
    {"2000/s", VS_UNIT_RATE, 2000},
    {"2k/s", VS_UNIT_RATE, 2000},
    {"120/min", VS_UNIT_RATE, 2},
    {"5 / ms", VS_UNIT_RATE, 5000},
    {"0", VS_UNIT_RATE, 0},
    /* bit rates */
    {"10Gbit", VS_UNIT_BITRATE, 10e9},
    {"10Gbit/s", VS_UNIT_BITRATE, 10e9},
    {"100 Mbit/s", VS_UNIT_BITRATE, 100e6},
    {"1kbit", VS_UNIT_BITRATE, 1e3},
    {"64bit", VS_UNIT_BITRATE, 64},
    {"25Gbps", VS_UNIT_BITRATE, 25e9},
    /* byte rates */
    {"500MiB/s", VS_UNIT_BYTERATE, 500 * MiB},
    {"2GB/s", VS_UNIT_BYTERATE, 2e9},
    {"3GiB/s", VS_UNIT_BYTERATE, 3 * GiB},
    {"60MiB/min", VS_UNIT_BYTERATE, MiB},
    /* frequencies */
    {"3GHz", VS_UNIT_FREQUENCY, 3e9},
    {"2.4 GHz", VS_UNIT_FREQUENCY, 2.4e9},
    {"800MHz", VS_UNIT_FREQUENCY, 800e6},
    {"100kHz", VS_UNIT_FREQUENCY, 100e3},
    {"50Hz", VS_UNIT_FREQUENCY, 50},
    /* cycles */
    {"300", VS_UNIT_CYCLES, 300},
    {"300cycles", VS_UNIT_CYCLES, 300},
    {"1.5k cycles", VS_UNIT_CYCLES, 1500},
    {"2kcycles", VS_UNIT_CYCLES, 2000},
    {"1 cycle", VS_UNIT_CYCLES, 1},
    /* percentages, as fractions */
    {"50%", VS_UNIT_PERCENT, 0.5},
    {"200%", VS_UNIT_PERCENT, 2.0},
    {"12.5 %", VS_UNIT_PERCENT, 0.125},
    {"0.25", VS_UNIT_PERCENT, 0.25},
    {"1", VS_UNIT_PERCENT, 1.0},
    /* rotation */
    {"7200rpm", VS_UNIT_RPM, 7200},
    {"0", VS_UNIT_RPM, 0},
    {"5400 rpm", VS_UNIT_RPM, 5400},
};

static void test_good(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof goods / sizeof goods[0]; i++) {
        double v = -1;
        char why[256] = "";
        int rc = vs_units_parse(goods[i].text, goods[i].kind, &v, why, sizeof why);
        if (rc != 0 || v != goods[i].expect) {
            print_error("'%s' (kind %d): rc %d, value %.17g, expected %.17g (%s)\n", goods[i].text,
                        (int)goods[i].kind, rc, v, goods[i].expect, why);
            fail();
        }
    }
}

struct bad {
    const char *text;
    enum vs_unit_kind kind;
    const char *words[3]; /* each must appear in the message */
};

static const struct bad bads[] = {
    {"12ms", VS_UNIT_BYTES, {"'12ms' is a time", "expected a size such as 16KiB", NULL}},
    {"12ms", VS_UNIT_COUNT, {"'12ms' is a time", "expected a count such as 150k", NULL}},
    {"16KiB", VS_UNIT_TIME, {"'16KiB' is a size", "expected a time", NULL}},
    {"2000/s", VS_UNIT_COUNT, {"is a rate", "expected a count", NULL}},
    {"3GHz", VS_UNIT_TIME, {"is a frequency", NULL, NULL}},
    {"10Gbit", VS_UNIT_BYTERATE, {"is a bit rate", "expected a byte rate", NULL}},
    {"500MiB/s", VS_UNIT_BITRATE, {"is a byte rate", "expected a bit rate", NULL}},
    {"50%", VS_UNIT_COUNT, {"is a percentage", NULL, NULL}},
    {"7200rpm", VS_UNIT_FREQUENCY, {"is a rotation speed", NULL, NULL}},
    {"1G", VS_UNIT_BYTES, {"is a count, not a size", "1GiB", NULL}},
    /* One rule for every quantity with a dimension: its unit is required. */
    {"4096", VS_UNIT_BYTES, {"'4096' has no unit", "4096MiB, 4096KiB or 4096B", NULL}},
    {"15000", VS_UNIT_RPM, {"'15000' has no unit", "7200rpm", NULL}},
    {"10", VS_UNIT_TIME, {"'10' has no unit", NULL, NULL}},
    {"3", VS_UNIT_FREQUENCY, {"'3' has no unit", NULL, NULL}},
    {"-3", VS_UNIT_COUNT, {"-3 is negative", "expected a count >= 0", NULL}},
    {"-5ms", VS_UNIT_TIME, {"is negative", "a time >= 0", NULL}},
    {"nan", VS_UNIT_COUNT, {"'nan' is not a finite number", NULL, NULL}},
    {"inf", VS_UNIT_COUNT, {"not a finite number", NULL, NULL}},
    {".inf", VS_UNIT_TIME, {"not a finite number", NULL, NULL}},
    {"-Infinity", VS_UNIT_COUNT, {"not a finite number", NULL, NULL}},
    {"1e999", VS_UNIT_COUNT, {"too large", NULL, NULL}},
    {"abc", VS_UNIT_COUNT, {"'abc' is not a number", NULL, NULL}},
    {"", VS_UNIT_COUNT, {"empty", NULL, NULL}},
    {"   ", VS_UNIT_TIME, {"empty", NULL, NULL}},
    {"12 parsecs", VS_UNIT_TIME, {"unknown unit 'parsecs'", "expected a time such as 10ms", NULL}},
    {"12msx", VS_UNIT_TIME, {"unknown unit 'msx'", NULL, NULL}},
    {"5 apples", VS_UNIT_COUNT, {"unknown unit 'apples'", NULL, NULL}},
    {"0x10", VS_UNIT_COUNT, {"unknown unit 'x10'", NULL, NULL}},
    {"1,5", VS_UNIT_COUNT, {"has a comma", "point", NULL}},
    {"1.5,", VS_UNIT_COUNT, {"unknown unit ','", NULL, NULL}},
    {"10", VS_UNIT_TIME, {"'10' has no unit", "expected a time", NULL}},
    {"2000", VS_UNIT_RATE, {"has no unit", "2000/s", NULL}},
    {"3", VS_UNIT_FREQUENCY, {"has no unit", NULL, NULL}},
    {"10", VS_UNIT_BITRATE, {"has no unit", NULL, NULL}},
    {"50", VS_UNIT_PERCENT, {"out of range", "50%", NULL}},
    {"10kbit/min", VS_UNIT_BITRATE, {"unknown unit", NULL, NULL}},
    {"1..2", VS_UNIT_COUNT, {"unknown unit", NULL, NULL}},
    {"12345678901234567890123456789012345678901234567890",
     VS_UNIT_COUNT,
     {"too many digits", NULL, NULL}},
};

static void test_bad(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bads / sizeof bads[0]; i++) {
        double v = 12345;
        char why[256] = "";
        int rc = vs_units_parse(bads[i].text, bads[i].kind, &v, why, sizeof why);
        if (rc != -1 || v != 12345) {
            print_error("'%s' (kind %d) was accepted as %.17g\n", bads[i].text, (int)bads[i].kind,
                        v);
            fail();
        }
        for (int w = 0; w < 3 && bads[i].words[w]; w++) {
            if (!strstr(why, bads[i].words[w])) {
                print_error("'%s': message \"%s\" lacks \"%s\"\n", bads[i].text, why,
                            bads[i].words[w]);
                fail();
            }
        }
    }
}

/* A NULL or tiny message buffer is allowed; the status still tells. */
static void test_no_message_buffer(void **state)
{
    (void)state;
    double v;
    assert_int_equal(vs_units_parse("12ms", VS_UNIT_BYTES, &v, NULL, 0), -1);
    char tiny[4];
    assert_int_equal(vs_units_parse("12ms", VS_UNIT_BYTES, &v, tiny, sizeof tiny), -1);
    assert_int_equal(strlen(tiny), 3);
    assert_int_equal(vs_units_parse(NULL, VS_UNIT_COUNT, &v, tiny, sizeof tiny), -1);
}

static void test_expected(void **state)
{
    (void)state;
    for (int k = 0; k < VS_UNIT_KIND_COUNT; k++) {
        const char *e = vs_units_expected((enum vs_unit_kind)k);
        assert_non_null(e);
        assert_non_null(strstr(e, "such as"));
    }
    assert_string_equal(vs_units_expected(VS_UNIT_BYTES), "a size such as 16KiB");
}

/* Every example in vs_units_expected parses as its own kind. */
static void test_expected_examples_parse(void **state)
{
    (void)state;
    for (int k = 0; k < VS_UNIT_KIND_COUNT; k++) {
        const char *e = strstr(vs_units_expected((enum vs_unit_kind)k), "such as ");
        assert_non_null(e);
        double v;
        char why[256];
        if (vs_units_parse(e + 8, (enum vs_unit_kind)k, &v, why, sizeof why) != 0) {
            print_error("example '%s': %s\n", e + 8, why);
            fail();
        }
    }
}

struct fmt {
    char *(*fn)(double, char *, size_t);
    double value;
    const char *expect;
};

static const struct fmt fmts[] = {
    {vs_units_format_bytes, 0, "0 B"},
    {vs_units_format_bytes, 512, "512 B"},
    {vs_units_format_bytes, 1.5 * GiB, "1.5 GiB"},
    {vs_units_format_bytes, 64 * GiB, "64 GiB"},
    {vs_units_format_bytes, 16 * KiB, "16 KiB"},
    {vs_units_format_bytes, 1023.9 * KiB, "1 MiB"},
    {vs_units_format_bytes, 123.4 * MiB, "123 MiB"},
    {vs_units_format_time, 120e3, "120 us"},
    {vs_units_format_time, 1.25e6, "1.25 ms"},
    {vs_units_format_time, 10e9, "10 s"},
    {vs_units_format_time, 999.7e6, "1 s"},
    {vs_units_format_time, 45, "45 ns"},
    {vs_units_format_time, -2e6, "-2 ms"},
    {vs_units_format_rate, 2000, "2.00k/s"},
    {vs_units_format_rate, 500, "500/s"},
    {vs_units_format_rate, 12.5, "12.5/s"},
    {vs_units_format_rate, 1.5e6, "1.50M/s"},
    {vs_units_format_bitrate, 10e9, "10 Gbit/s"},
    {vs_units_format_bitrate, 2.5e6, "2.5 Mbit/s"},
    {vs_units_format_bitrate, 999, "999 bit/s"},
};

static void test_format(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
        char buf[32];
        char *r = fmts[i].fn(fmts[i].value, buf, sizeof buf);
        assert_ptr_equal(r, buf);
        if (strcmp(buf, fmts[i].expect) != 0) {
            print_error("format(%.17g) = \"%s\", expected \"%s\"\n", fmts[i].value, buf,
                        fmts[i].expect);
            fail();
        }
    }
    char buf[16];
    assert_string_equal(vs_units_format_time(NAN, buf, sizeof buf), "nan");
    assert_string_equal(vs_units_format_bytes(INFINITY, buf, sizeof buf), "inf");
}

/* Parsing and formatting ignore the C locale's decimal separator. */
static void test_locale_independent(void **state)
{
    (void)state;
    if (!setlocale(LC_NUMERIC, "de_DE.UTF-8") && !setlocale(LC_NUMERIC, "fr_FR.UTF-8")) skip();
    double v;
    assert_int_equal(vs_units_parse("1.5ms", VS_UNIT_TIME, &v, NULL, 0), 0);
    assert_true(v == 1.5e6);
    char buf[32];
    assert_string_equal(vs_units_format_time(1.25e6, buf, sizeof buf), "1.25 ms");
    setlocale(LC_NUMERIC, "C");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_bad),
        cmocka_unit_test(test_no_message_buffer),
        cmocka_unit_test(test_expected),
        cmocka_unit_test(test_expected_examples_parse),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_locale_independent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
