/* Unit tests for sim/out/json.c (the writer) and sim/out/json_read.c (the
 * readers). Invariants:
 *  - a string decodes back to exactly the bytes written, for every byte
 *    from 1 to 127 and for valid UTF-8; no raw control character ever
 *    reaches the output; each byte that is not UTF-8 becomes \ufffd;
 *  - NaN and both infinities are written null, wherever they appear;
 *  - every finite double's text reads back with strtod as the same double,
 *    in at most 17 significant digits;
 *  - commas, newlines and indents follow the nesting exactly, and misuse
 *    (a value without a key, a mismatched end, an unclosed container, a
 *    second document, too deep) is reported by vs_json_finish;
 *  - what the report and density writers write, the readers read back;
 *    what they cannot use is an error with the file, line and column.
 * The decoder and the expected texts are written here, independently of
 * the writer. */
#include "testutil.h"

#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "virtsim/out/json.h"
#include "virtsim/out/json_read.h"
#include "virtsim/out/report.h"
#include "virtsim/run/density.h"

/* ---- helpers ---- */

struct buf {
    char *text;
    size_t len;
    FILE *f;
    struct vs_json w;
};

static void open_buf(struct buf *b)
{
    b->text = NULL;
    b->len = 0;
    b->f = open_memstream(&b->text, &b->len);
    assert_non_null(b->f);
    vs_json_init(&b->w, b->f);
}

/* Finishes the writer; returns its status. The text is in b->text. */
static int close_buf(struct buf *b)
{
    struct vs_error e;
    vs_error_clear(&e);
    int rc = vs_json_finish(&b->w, &e);
    fclose(b->f);
    return rc;
}

/* Decodes one JSON string literal at s (which starts with the quote) into
 * out, as RFC 8259 defines it; returns the bytes consumed, 0 if invalid
 * (a raw control character, a bad escape, no closing quote). */
static size_t decode_string(const char *s, char *out, size_t cap)
{
    size_t n = 0, i = 1;
    if (s[0] != '"') return 0;
    for (;;) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\0' || c < 0x20 || n + 4 >= cap) return 0;
        if (c == '"') break;
        if (c != '\\') {
            out[n++] = (char)c;
            i++;
            continue;
        }
        char e = s[i + 1];
        i += 2;
        switch (e) {
        case '"': out[n++] = '"'; break;
        case '\\': out[n++] = '\\'; break;
        case '/': out[n++] = '/'; break;
        case 'b': out[n++] = '\b'; break;
        case 'f': out[n++] = '\f'; break;
        case 'n': out[n++] = '\n'; break;
        case 'r': out[n++] = '\r'; break;
        case 't': out[n++] = '\t'; break;
        case 'u': {
            unsigned cp = 0;
            for (int k = 0; k < 4; k++) {
                char h = s[i + k];
                unsigned d = h >= '0' && h <= '9' ? (unsigned)(h - '0')
                           : h >= 'a' && h <= 'f' ? (unsigned)(h - 'a' + 10)
                           : h >= 'A' && h <= 'F' ? (unsigned)(h - 'A' + 10) : 99;
                if (d == 99) return 0;
                cp = cp * 16 + d;
            }
            i += 4;
            if (cp >= 0xd800 && cp <= 0xdfff) return 0; /* the writer never needs surrogates */
            if (cp < 0x80) out[n++] = (char)cp;
            else if (cp < 0x800) {
                out[n++] = (char)(0xc0 | cp >> 6);
                out[n++] = (char)(0x80 | (cp & 0x3f));
            } else {
                out[n++] = (char)(0xe0 | cp >> 12);
                out[n++] = (char)(0x80 | ((cp >> 6) & 0x3f));
                out[n++] = (char)(0x80 | (cp & 0x3f));
            }
            break;
        }
        default: return 0;
        }
    }
    out[n] = '\0';
    return i + 1;
}

/* The text of one string value written as a whole document. */
static char *write_string(const char *s)
{
    struct buf b;
    open_buf(&b);
    vs_json_string(&b.w, s);
    assert_int_equal(close_buf(&b), VS_OK);
    return b.text;
}

/* ---- strings ---- */

static void test_every_control_character(void **state)
{
    (void)state;
    for (int c = 1; c < 0x20; c++) {
        char in[4] = {'a', (char)c, 'b', 0}, want[16];
        if (c == '\n') snprintf(want, sizeof want, "\"a\\nb\"\n");
        else if (c == '\t') snprintf(want, sizeof want, "\"a\\tb\"\n");
        else snprintf(want, sizeof want, "\"a\\u00%c%cb\"\n", "01"[c >> 4], "0123456789abcdef"[c & 15]);
        char *got = write_string(in);
        if (strcmp(got, want) != 0) {
            print_error("control 0x%02x: got %s, want %s", c, got, want);
            fail();
        }
        free(got);
    }
    char *got = write_string("q\"b\\s/");
    assert_string_equal(got, "\"q\\\"b\\\\s/\"\n");
    free(got);
}

static void test_strings_round_trip(void **state)
{
    (void)state;
    /* Every byte from 1 to 127, then valid UTF-8 of 2, 3 and 4 bytes,
     * including the edges of each length and the last code point. */
    char in[512];
    size_t n = 0;
    for (int c = 1; c < 128; c++) in[n++] = (char)c;
    static const char *const utf8[] = {"\xc2\x80", "\xc3\xa9", "\xdf\xbf", "\xe0\xa0\x80", "\xe2\x82\xac",
                                       "\xed\x9f\xbf", "\xee\x80\x80", "\xef\xbf\xbf", "\xf0\x90\x80\x80",
                                       "\xf0\x9d\x84\x9e", "\xf4\x8f\xbf\xbf"};
    for (size_t k = 0; k < sizeof utf8 / sizeof utf8[0]; k++) {
        memcpy(in + n, utf8[k], strlen(utf8[k]));
        n += strlen(utf8[k]);
    }
    in[n] = '\0';
    char *text = write_string(in);
    for (const char *p = text; *p && p[1]; p++) assert_false((unsigned char)*p < 0x20);
    char out[2048];
    size_t used = decode_string(text, out, sizeof out);
    assert_true(used > 0);
    assert_string_equal(text + used, "\n");
    assert_string_equal(out, in);
    /* Valid UTF-8 passes through as bytes, not as escapes. */
    assert_non_null(strstr(text, "\xf0\x9d\x84\x9e"));
    free(text);
}

static void test_invalid_utf8_is_replaced(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"a\xff" "b", "\"a\\ufffdb\"\n"},                       /* never valid */
        {"\xc3", "\"\\ufffd\"\n"},                              /* cut short at the end */
        {"\xc3" "A", "\"\\ufffdA\"\n"},                         /* cut short by ASCII */
        {"\xc0\x80", "\"\\ufffd\\ufffd\"\n"},                   /* overlong NUL */
        {"\xe0\x80\x80", "\"\\ufffd\\ufffd\\ufffd\"\n"},        /* overlong 3-byte */
        {"\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"\n"},        /* a surrogate */
        {"\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"\n"}, /* above U+10FFFF */
        {"\x80x", "\"\\ufffdx\"\n"},                            /* a lone continuation */
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char *got = write_string(cases[k].in);
        if (strcmp(got, cases[k].want) != 0) {
            print_error("case %zu: got %s, want %s", k, got, cases[k].want);
            fail();
        }
        free(got);
    }
}

/* ---- numbers ---- */

static void test_not_a_number_is_null(void **state)
{
    (void)state;
    struct buf b;
    open_buf(&b);
    vs_json_object_begin(&b.w, VS_JSON_INLINE);
    vs_json_key_number(&b.w, "nan", NAN);
    vs_json_key_number(&b.w, "inf", INFINITY);
    vs_json_key_number(&b.w, "ninf", -INFINITY);
    vs_json_key(&b.w, "list");
    vs_json_array_begin(&b.w, VS_JSON_INLINE);
    vs_json_number(&b.w, -NAN);
    vs_json_number(&b.w, 1.5);
    vs_json_number(&b.w, HUGE_VAL);
    vs_json_array_end(&b.w);
    vs_json_object_end(&b.w);
    assert_int_equal(close_buf(&b), VS_OK);
    assert_string_equal(b.text, "{\"nan\": null, \"inf\": null, \"ninf\": null, \"list\": [null, 1.5, null]}\n");
    free(b.text);
    char buf[32];
    assert_false(vs_json_format_number(NAN, buf));
    assert_string_equal(buf, "");
}

static int significant_digits(const char *s)
{
    int n = 0;
    bool leading = true;
    for (; *s && *s != 'e' && *s != 'E'; s++) {
        if (*s < '0' || *s > '9') continue;
        if (*s == '0' && leading) continue;
        leading = false;
        n++;
    }
    return n;
}

static void check_round_trip(double v)
{
    char text[32];
    assert_true(vs_json_format_number(v, text));
    char *end;
    double back = strtod(text, &end);
    if (*end != '\0' || memcmp(&back, &v, sizeof v) != 0 || significant_digits(text) > 17) {
        print_error("%.17g written as '%s' reads back as %.17g\n", v, text, back);
        fail();
    }
    /* The same text through the writer. */
    struct buf b;
    open_buf(&b);
    vs_json_number(&b.w, v);
    assert_int_equal(close_buf(&b), VS_OK);
    assert_int_equal(strlen(b.text), strlen(text) + 1);
    assert_memory_equal(b.text, text, strlen(text));
    free(b.text);
}

static void test_doubles_round_trip(void **state)
{
    (void)state;
    static const double fixed[] = {0.0, -0.0, 0.1, 0.2, 0.3, 1.0 / 3, 2.0 / 3, -1.0 / 7, 1e-300, DBL_MIN,
                                   DBL_TRUE_MIN, DBL_MAX, -DBL_MAX, DBL_EPSILON, 1e15, 1e15 - 1, 1e15 + 2,
                                   999999999999999.9, 9007199254740993.0, 123456789012345678.0,
                                   3.141592653589793, 2.718281828459045, 1762.111111111111, 0.47279831575,
                                   5e-324, 1e21, 1e22, 1e23, 4.35, 0.1 + 0.2};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) check_round_trip(fixed[i]);
    /* Doubles from random bit patterns: every exponent, every mantissa. */
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        double v;
        memcpy(&v, &x, sizeof v);
        if (isnan(v) || isinf(v)) continue;
        check_round_trip(v);
    }
    /* Whole numbers below 1e15 without exponent; the shortest exact text. */
    char t[32];
    vs_json_format_number(2003, t);
    assert_string_equal(t, "2003");
    vs_json_format_number(68719476736.0, t);
    assert_string_equal(t, "68719476736");
    vs_json_format_number(0.1, t);
    assert_string_equal(t, "0.1");
    vs_json_format_number(1e15, t);
    assert_string_equal(t, "1e+15");
}

static void test_integers(void **state)
{
    (void)state;
    struct buf b;
    open_buf(&b);
    vs_json_array_begin(&b.w, VS_JSON_INLINE);
    vs_json_int(&b.w, INT64_MIN);
    vs_json_int(&b.w, -1);
    vs_json_uint(&b.w, UINT64_MAX);
    vs_json_bool(&b.w, true);
    vs_json_bool(&b.w, false);
    vs_json_null(&b.w);
    vs_json_array_end(&b.w);
    assert_int_equal(close_buf(&b), VS_OK);
    assert_string_equal(b.text, "[-9223372036854775808, -1, 18446744073709551615, true, false, null]\n");
    free(b.text);
}

/* ---- nesting ---- */

static void test_nesting_and_commas(void **state)
{
    (void)state;
    struct buf b;
    open_buf(&b);
    vs_json_object_begin(&b.w, VS_JSON_BLOCK);
    vs_json_key_string(&b.w, "a", "x");
    vs_json_key(&b.w, "empty");
    vs_json_array_begin(&b.w, VS_JSON_BLOCK);
    vs_json_array_end(&b.w);
    vs_json_key(&b.w, "inline");
    vs_json_object_begin(&b.w, VS_JSON_INLINE);
    vs_json_key_int(&b.w, "p", 1);
    vs_json_key(&b.w, "q");
    vs_json_array_begin(&b.w, VS_JSON_BLOCK); /* inside an inline container: inline */
    vs_json_int(&b.w, 2);
    vs_json_object_begin(&b.w, VS_JSON_BLOCK);
    vs_json_object_end(&b.w);
    vs_json_array_end(&b.w);
    vs_json_object_end(&b.w);
    vs_json_key(&b.w, "list");
    vs_json_array_begin(&b.w, VS_JSON_BLOCK);
    vs_json_object_begin(&b.w, VS_JSON_BLOCK);
    vs_json_key_bool(&b.w, "k", true);
    vs_json_object_end(&b.w);
    vs_json_object_begin(&b.w, VS_JSON_INLINE);
    vs_json_object_end(&b.w);
    vs_json_number(&b.w, 0.5);
    vs_json_array_end(&b.w);
    vs_json_object_end(&b.w);
    assert_int_equal(close_buf(&b), VS_OK);
    assert_string_equal(b.text, "{\n"
                                "  \"a\": \"x\",\n"
                                "  \"empty\": [\n"
                                "  ],\n"
                                "  \"inline\": {\"p\": 1, \"q\": [2, {}]},\n"
                                "  \"list\": [\n"
                                "    {\n"
                                "      \"k\": true\n"
                                "    },\n"
                                "    {},\n"
                                "    0.5\n"
                                "  ]\n"
                                "}\n");
    free(b.text);

    /* Keys are escaped like strings. */
    open_buf(&b);
    vs_json_object_begin(&b.w, VS_JSON_INLINE);
    vs_json_key_uint(&b.w, "a\"b\n", 1);
    vs_json_object_end(&b.w);
    assert_int_equal(close_buf(&b), VS_OK);
    assert_string_equal(b.text, "{\"a\\\"b\\n\": 1}\n");
    free(b.text);

    /* As deep as allowed. */
    open_buf(&b);
    for (int i = 0; i < VS_JSON_MAX_DEPTH; i++) vs_json_array_begin(&b.w, VS_JSON_INLINE);
    for (int i = 0; i < VS_JSON_MAX_DEPTH; i++) vs_json_array_end(&b.w);
    assert_int_equal(close_buf(&b), VS_OK);
    assert_int_equal(strlen(b.text), 2 * VS_JSON_MAX_DEPTH + 1);
    free(b.text);
}

static void misuse_value_without_key(struct vs_json *w)
{
    vs_json_object_begin(w, VS_JSON_BLOCK);
    vs_json_int(w, 1);
    vs_json_object_end(w);
}
static void misuse_key_in_array(struct vs_json *w)
{
    vs_json_array_begin(w, VS_JSON_BLOCK);
    vs_json_key(w, "k");
    vs_json_int(w, 1);
    vs_json_array_end(w);
}
static void misuse_key_at_top(struct vs_json *w) { vs_json_key_int(w, "k", 1); }
static void misuse_two_keys(struct vs_json *w)
{
    vs_json_object_begin(w, VS_JSON_BLOCK);
    vs_json_key(w, "a");
    vs_json_key(w, "b");
    vs_json_int(w, 1);
    vs_json_object_end(w);
}
static void misuse_key_without_value(struct vs_json *w)
{
    vs_json_object_begin(w, VS_JSON_BLOCK);
    vs_json_key(w, "a");
    vs_json_object_end(w);
}
static void misuse_wrong_end(struct vs_json *w)
{
    vs_json_object_begin(w, VS_JSON_BLOCK);
    vs_json_array_end(w);
}
static void misuse_end_at_top(struct vs_json *w) { vs_json_object_end(w); }
static void misuse_unclosed(struct vs_json *w) { vs_json_array_begin(w, VS_JSON_BLOCK); }
static void misuse_nothing(struct vs_json *w) { (void)w; }
static void misuse_two_documents(struct vs_json *w)
{
    vs_json_int(w, 1);
    vs_json_int(w, 2);
}
static void misuse_too_deep(struct vs_json *w)
{
    for (int i = 0; i <= VS_JSON_MAX_DEPTH; i++) vs_json_array_begin(w, VS_JSON_INLINE);
    for (int i = 0; i <= VS_JSON_MAX_DEPTH; i++) vs_json_array_end(w);
}

static void test_misuse_is_reported(void **state)
{
    (void)state;
    void (*const cases[])(struct vs_json *) = {
        misuse_value_without_key, misuse_key_in_array, misuse_key_at_top, misuse_two_keys,
        misuse_key_without_value, misuse_wrong_end,    misuse_end_at_top, misuse_unclosed,
        misuse_nothing,           misuse_two_documents, misuse_too_deep,
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        struct buf b;
        open_buf(&b);
        cases[k](&b.w);
        struct vs_error e;
        vs_error_clear(&e);
        int rc = vs_json_finish(&b.w, &e);
        fclose(b.f);
        if (rc != VS_ERR_RUNTIME || !strstr(e.message, "JSON")) {
            print_error("misuse case %zu: status %d, message '%s', text '%s'\n", k, rc, e.message, b.text);
            fail();
        }
        free(b.text);
    }
}

static void test_write_error_is_reported(void **state)
{
    (void)state;
    FILE *f = fopen("/dev/full", "w");
    if (!f) skip();
    setvbuf(f, NULL, _IONBF, 0);
    struct vs_json w;
    vs_json_init(&w, f);
    vs_json_string(&w, "lost");
    struct vs_error e;
    assert_int_equal(vs_json_finish(&w, &e), VS_ERR_RUNTIME);
    fclose(f);
}

/* ---- reading back ---- */

struct dir {
    char path[64];
};

static char *file_in(struct dir *d, const char *name, const char *text)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/%s", d->path, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static int setup(void **state)
{
    struct dir *d = calloc(1, sizeof *d);
    snprintf(d->path, sizeof d->path, "%s/vs-json-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(d->path)) return -1;
    *state = d;
    return 0;
}

static int teardown(void **state)
{
    struct dir *d = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", d->path);
    if (system(cmd) != 0) return -1;
    free(d);
    return 0;
}

static void fill_group(struct vs_guest_result *g, const char *name, double tp, bool batch, double done_ns)
{
    memset(g, 0, sizeof *g);
    snprintf(g->name, sizeof g->name, "%s", name);
    g->throughput_per_s = tp;
    g->batch = batch;
    g->completion_ns = done_ns;
    for (int c = 0; c < VS_CAT_COUNT; c++) g->cpu_ns[c] = c * 1000.0 / 3;
}

static void test_results_round_trip(void **state)
{
    struct dir *d = *state;
    struct vs_results r = {0};
    snprintf(r.scenario, sizeof r.scenario, "name \"quoted\" \xc3\xa9");
    r.n_runs = 2;
    r.runs = calloc(2, sizeof *r.runs);
    for (uint32_t k = 0; k < 2; k++) {
        snprintf(r.runs[k].engine, sizeof r.runs[k].engine, k ? "kvm" : "native");
        r.runs[k].n_groups = 2;
        r.runs[k].groups = calloc(2, sizeof *r.runs[k].groups);
        fill_group(&r.runs[k].groups[0], "web", 1000.0 / (k + 3), false, -1);
        fill_group(&r.runs[k].groups[1], "build", 0, true, k ? -1 : 2.5e9);
    }
    char *path = file_in(d, "r.json", "");
    FILE *f = fopen(path, "w");
    struct vs_error e;
    assert_int_equal(vs_report_write(f, &r, VS_REPORT_JSON, &e), VS_OK);
    fclose(f);

    struct vs_results back;
    int rc = vs_json_load_results(path, &back, &e);
    if (rc != VS_OK) print_error("%s:%d:%d: %s\n", e.file, e.line, e.column, e.message);
    assert_int_equal(rc, VS_OK);
    assert_string_equal(back.scenario, r.scenario);
    assert_int_equal(back.n_runs, 2);
    for (uint32_t k = 0; k < 2; k++) {
        assert_string_equal(back.runs[k].engine, r.runs[k].engine);
        assert_int_equal(back.runs[k].n_groups, 2);
        for (uint32_t g = 0; g < 2; g++) {
            const struct vs_guest_result *a = &r.runs[k].groups[g], *b = &back.runs[k].groups[g];
            assert_string_equal(b->name, a->name);
            assert_true(b->throughput_per_s == a->throughput_per_s);
            assert_int_equal(b->batch, a->batch);
            assert_true(b->completion_ns == a->completion_ns);
            for (int c = 0; c < VS_CAT_COUNT; c++) assert_true(b->cpu_ns[c] == a->cpu_ns[c]);
        }
    }
    vs_results_free(&back);
    vs_results_free(&r);
}

static void test_density_round_trip(void **state)
{
    struct dir *d = *state;
    struct vs_scenario *sc = calloc(1, sizeof *sc);
    struct vs_density_result r[2];
    memset(r, 0, sizeof r);
    snprintf(sc->guests[0].workload.name, VS_NAME_MAX, "web-server");
    snprintf(sc->hosts[0].spec.name, VS_NAME_MAX, "current");
    sc->n_guests = 1;
    sc->n_engines = 2;
    for (int k = 0; k < 2; k++) {
        snprintf(r[k].engine, sizeof r[k].engine, k ? "lxc" : "kvm");
        snprintf(r[k].approach, sizeof r[k].approach, k ? "oslevel" : "hvm");
        r[k].density = 3 + (uint32_t)k;
        r[k].capped = k == 1;
        r[k].limit = VS_RES_CPU;
        for (uint32_t i = 0; i < 4; i++) {
            r[k].points[i] = (struct vs_density_point){.guests = 1u << i, .ok = i < 2, .throughput_per_guest = 1.0 / (i + 3),
                                                        .p99_ns = 1000 * (i + 1), .failed = i == 3, .cpu_util = NAN};
        }
        r[k].n_points = 4;
    }
    struct vs_density_opts o = {.max_guests = 8};
    struct vs_error e;
    assert_int_equal(vs_sla_parse("p99<20ms", &o.slas[0], &e), VS_OK);
    o.n_slas = 1;
    char *path = file_in(d, "d.json", "");
    FILE *f = fopen(path, "w");
    assert_int_equal(vs_density_write_json(f, sc, &o, r, 2, &e), VS_OK);
    fclose(f);

    struct vs_scenario *back_sc = calloc(1, sizeof *back_sc);
    struct vs_density_result *back = NULL;
    int rc = vs_json_load_density(path, back_sc, &back, &e);
    if (rc != VS_OK) print_error("%s:%d:%d: %s\n", e.file, e.line, e.column, e.message);
    assert_int_equal(rc, VS_OK);
    assert_string_equal(back_sc->guests[0].workload.name, "web-server");
    assert_string_equal(back_sc->hosts[0].spec.name, "current");
    assert_int_equal(back_sc->n_engines, 2);
    for (int k = 0; k < 2; k++) {
        assert_string_equal(back_sc->engines[k], r[k].engine);
        assert_string_equal(back[k].approach, r[k].approach);
        assert_int_equal(back[k].density, r[k].density);
        assert_int_equal(back[k].capped, r[k].capped);
        assert_int_equal(back[k].n_points, 4);
        for (int i = 0; i < 4; i++) {
            assert_int_equal(back[k].points[i].guests, r[k].points[i].guests);
            assert_int_equal(back[k].points[i].ok, r[k].points[i].ok);
            assert_int_equal(back[k].points[i].p99_ns, r[k].points[i].p99_ns);
            assert_int_equal(back[k].points[i].failed, r[k].points[i].failed);
        }
    }
    free(back);
    free(back_sc);
    free(sc);
}

/* Each bad file: the error names the file, the line and column of the
 * offending value, and what was wrong. */
static void test_bad_input_is_placed(void **state)
{
    struct dir *d = *state;
    static const struct {
        bool density;
        const char *text;
        int line, column;
        const char *says;
    } cases[] = {
        {true, "{\"results\": [{\"curve\": {\"a\": 1}}]}", 1, 24, "results[0].curve: expected an array"},
        {true, "{\"results\": [\n  {\"engine\": \"k\", \"curve\": [7]}]}", 2, 29, "results[0].curve[0]: expected an object"},
        {true, "{\"results\": [{\"engine\": \"k\", \"density\": \"4\"}]}", 1, 41, "density: expected a whole number"},
        {true, "{\"results\": {}}", 1, 13, "results: expected an array"},
        {true, "{\"results\": []}", 1, 13, "1 to"},
        {true, "[1]", 1, 1, "expected a JSON object"},
        {false, "{\"scenario\": \"x\", \"runs\": [{\"engine\": \"a\", \"groups\": [{}, {\"throughput_per_s\": 1}]},\n"
                " {\"engine\": \"b\", \"groups\": []}]}",
         2, 28, "runs[1].groups: 0 groups, but runs[0] has 2"},
        {false, "{\"scenario\": \"x\", \"runs\": [{\"engine\": \"a\", \"groups\": [{\"throughput_per_s\": \"fast\"}]}]}", 1, 76,
         "throughput_per_s: expected a number"},
        {false, "{\"scenario\": \"x\", \"runs\": [{\"groups\": []}]}", 1, 28, "runs[0]: no \"engine\""},
        {false, "{\"scenario\": \"x\", \"runs\": [3]}", 1, 28, "runs[0]: expected an object"},
        {false, "{\"scenario\": \"x\"}", 1, 1, "no \"runs\""},
        {false, "{\"scenario\": \"x\",\n\"runs\": [", 3, 1, ""},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char *path = file_in(d, "bad.json", cases[k].text);
        struct vs_error e;
        vs_error_clear(&e);
        int rc;
        if (cases[k].density) {
            struct vs_scenario *sc = calloc(1, sizeof *sc);
            struct vs_density_result *r = (void *)sc; /* must come back NULL */
            rc = vs_json_load_density(path, sc, &r, &e);
            assert_null(r);
            free(sc);
        } else {
            struct vs_results r;
            rc = vs_json_load_results(path, &r, &e);
            assert_null(r.runs);
            assert_int_equal(r.n_runs, 0);
        }
        if (rc != VS_ERR_INPUT || strcmp(e.file, path) != 0 || e.line != cases[k].line ||
            e.column != cases[k].column || !strstr(e.message, cases[k].says)) {
            print_error("case %zu: status %d, %s:%d:%d: %s\n", k, rc, e.file, e.line, e.column, e.message);
            fail();
        }
    }
    struct vs_results r;
    struct vs_error e;
    char missing[128];
    snprintf(missing, sizeof missing, "%s/none.json", d->path);
    assert_int_equal(vs_json_load_results(missing, &r, &e), VS_ERR_INPUT);
    assert_string_equal(e.file, missing);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_control_character),
        cmocka_unit_test(test_strings_round_trip),
        cmocka_unit_test(test_invalid_utf8_is_replaced),
        cmocka_unit_test(test_not_a_number_is_null),
        cmocka_unit_test(test_doubles_round_trip),
        cmocka_unit_test(test_integers),
        cmocka_unit_test(test_nesting_and_commas),
        cmocka_unit_test(test_misuse_is_reported),
        cmocka_unit_test(test_write_error_is_reported),
        cmocka_unit_test_setup_teardown(test_results_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_density_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_input_is_placed, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
