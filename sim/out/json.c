/* The streaming JSON writer (see json.h). The nesting stack is the whole
 * design: each level knows whether it is an object or an array, whether it
 * is laid out on one line, and how many members it has, so the separator
 * before a member ("", ", ", or "," and a newline with the indent) follows
 * from the stack and no caller writes punctuation. Output depends only on
 * the calls: numbers use the C locale (virtsim never sets LC_NUMERIC). */
#include "virtsim/out/json.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void vs_json_init(struct vs_json *w, FILE *f)
{
    memset(w, 0, sizeof *w);
    w->f = f;
}

static bool misuse(struct vs_json *w, const char *what)
{
    if (!w->misuse) w->misuse = what;
    return false;
}

static bool in_inline(const struct vs_json *w)
{
    return w->depth > 0 && w->level[w->depth - 1].inline_body;
}

static void newline_indent(struct vs_json *w, unsigned depth)
{
    fputc('\n', w->f);
    for (unsigned i = 0; i < depth; i++) fputs("  ", w->f);
}

/* The separator before the next member of the innermost container. */
static void separator(struct vs_json *w)
{
    uint32_t before = w->level[w->depth - 1].count++;
    if (before) fputc(',', w->f);
    if (!in_inline(w)) newline_indent(w, w->depth);
    else if (before) fputc(' ', w->f);
}

/* Before any value: checks that one may come here and writes what leads it. */
static bool before_value(struct vs_json *w)
{
    if (w->misuse) return false;
    if (w->done) return misuse(w, "a second value after the complete document");
    if (w->depth == 0) return true;
    if (w->level[w->depth - 1].object) {
        if (!w->key_pending) return misuse(w, "a value in an object without a key");
        w->key_pending = false; /* the key wrote the separator */
        return true;
    }
    separator(w);
    return true;
}

/* The document is complete when its top-level value is. */
static void after_value(struct vs_json *w)
{
    if (w->depth == 0) {
        w->done = true;
        fputc('\n', w->f);
    }
}

/* Length of the valid UTF-8 sequence at p (2 to 4 bytes), or 0 if the bytes
 * there are not one: overlong forms, surrogates and values above U+10FFFF
 * are invalid (RFC 3629). A NUL ends the check like any other bad byte. */
static size_t utf8_sequence(const unsigned char *p)
{
    unsigned char b = p[0], lo = 0x80, hi = 0xbf;
    size_t n;
    if (b >= 0xc2 && b <= 0xdf) n = 2;
    else if (b >= 0xe0 && b <= 0xef) n = 3;
    else if (b >= 0xf0 && b <= 0xf4) n = 4;
    else return 0;
    if (b == 0xe0) lo = 0xa0;
    if (b == 0xed) hi = 0x9f;
    if (b == 0xf0) lo = 0x90;
    if (b == 0xf4) hi = 0x8f;
    if (p[1] < lo || p[1] > hi) return 0;
    for (size_t i = 2; i < n; i++)
        if (p[i] < 0x80 || p[i] > 0xbf) return 0;
    return n;
}

static void quoted(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p;) {
        size_t n;
        if (*p == '"' || *p == '\\') {
            fputc('\\', f);
            fputc(*p++, f);
        } else if (*p == '\n') {
            fputs("\\n", f);
            p++;
        } else if (*p == '\t') {
            fputs("\\t", f);
            p++;
        } else if (*p < 0x20) {
            fprintf(f, "\\u%04x", *p++);
        } else if (*p < 0x80) {
            fputc(*p++, f);
        } else if ((n = utf8_sequence(p)) > 0) {
            fwrite(p, 1, n, f);
            p += n;
        } else {
            /* Not UTF-8 (a Latin-1 name, a cut sequence): the replacement
             * character keeps the document valid and says something was lost. */
            fputs("\\ufffd", f);
            p++;
        }
    }
    fputc('"', f);
}

void vs_json_key(struct vs_json *w, const char *key)
{
    if (w->misuse) return;
    if (w->depth == 0 || !w->level[w->depth - 1].object) {
        misuse(w, "a key outside an object");
        return;
    }
    if (w->key_pending) {
        misuse(w, "a key where the previous key's value is due");
        return;
    }
    separator(w);
    quoted(w->f, key);
    fputs(": ", w->f);
    w->key_pending = true;
}

static void begin(struct vs_json *w, bool object, enum vs_json_layout layout)
{
    if (w->depth == VS_JSON_MAX_DEPTH) {
        misuse(w, "nesting deeper than VS_JSON_MAX_DEPTH");
        return;
    }
    if (!before_value(w)) return;
    bool inl = layout == VS_JSON_INLINE || in_inline(w);
    fputc(object ? '{' : '[', w->f);
    w->level[w->depth].object = object;
    w->level[w->depth].inline_body = inl;
    w->level[w->depth].count = 0;
    w->depth++;
}

static void end(struct vs_json *w, bool object)
{
    if (w->misuse) return;
    if (w->depth == 0 || w->level[w->depth - 1].object != object) {
        misuse(w, object ? "an object end that closes no object" : "an array end that closes no array");
        return;
    }
    if (w->key_pending) {
        misuse(w, "an object end where a key's value is due");
        return;
    }
    w->depth--;
    /* A block container closes on a line of its own, even when empty. */
    if (!w->level[w->depth].inline_body) newline_indent(w, w->depth);
    fputc(object ? '}' : ']', w->f);
    after_value(w);
}

void vs_json_object_begin(struct vs_json *w, enum vs_json_layout layout) { begin(w, true, layout); }
void vs_json_object_end(struct vs_json *w) { end(w, true); }
void vs_json_array_begin(struct vs_json *w, enum vs_json_layout layout) { begin(w, false, layout); }
void vs_json_array_end(struct vs_json *w) { end(w, false); }

void vs_json_string(struct vs_json *w, const char *s)
{
    if (!before_value(w)) return;
    quoted(w->f, s);
    after_value(w);
}

bool vs_json_format_number(double v, char buf[static 32])
{
    buf[0] = '\0';
    if (isnan(v) || isinf(v)) return false;
    if (v == floor(v) && fabs(v) < 1e15) {
        snprintf(buf, 32, "%.0f", v);
        return true;
    }
    /* 17 significant digits always read back as the same double; fewer
     * often do, and then the shorter text is the one a person expects
     * (0.1, not 0.10000000000000001). */
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(buf, 32, "%.*g", digits, v);
        if (strtod(buf, NULL) == v) break;
    }
    return true;
}

void vs_json_number(struct vs_json *w, double v)
{
    if (!before_value(w)) return;
    char buf[32];
    fputs(vs_json_format_number(v, buf) ? buf : "null", w->f);
    after_value(w);
}

void vs_json_int(struct vs_json *w, int64_t v)
{
    if (!before_value(w)) return;
    fprintf(w->f, "%" PRId64, v);
    after_value(w);
}

void vs_json_uint(struct vs_json *w, uint64_t v)
{
    if (!before_value(w)) return;
    fprintf(w->f, "%" PRIu64, v);
    after_value(w);
}

void vs_json_bool(struct vs_json *w, bool v)
{
    if (!before_value(w)) return;
    fputs(v ? "true" : "false", w->f);
    after_value(w);
}

void vs_json_null(struct vs_json *w)
{
    if (!before_value(w)) return;
    fputs("null", w->f);
    after_value(w);
}

void vs_json_key_string(struct vs_json *w, const char *key, const char *s)
{
    vs_json_key(w, key);
    vs_json_string(w, s);
}

void vs_json_key_number(struct vs_json *w, const char *key, double v)
{
    vs_json_key(w, key);
    vs_json_number(w, v);
}

void vs_json_key_int(struct vs_json *w, const char *key, int64_t v)
{
    vs_json_key(w, key);
    vs_json_int(w, v);
}

void vs_json_key_uint(struct vs_json *w, const char *key, uint64_t v)
{
    vs_json_key(w, key);
    vs_json_uint(w, v);
}

void vs_json_key_bool(struct vs_json *w, const char *key, bool v)
{
    vs_json_key(w, key);
    vs_json_bool(w, v);
}

int vs_json_finish(struct vs_json *w, struct vs_error *err)
{
    if (w->misuse)
        return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "internal error writing JSON: %s", w->misuse);
    if (!w->done)
        return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "internal error writing JSON: %s",
                            w->depth ? "a container was left open" : "no value was written");
    if (ferror(w->f))
        return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "writing the JSON failed: %s", strerror(errno));
    return VS_OK;
}
