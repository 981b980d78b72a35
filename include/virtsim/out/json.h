/* One streaming JSON writer for every JSON virtsim prints: the run report,
 * compare, density, sweeps and the TUI's export. It escapes strings, writes
 * numbers so they read back as the same double, turns NaN and infinities
 * into null, and keeps a nesting stack that puts every comma, newline and
 * indent in place, so no caller formats JSON by hand.
 *
 * Layout: a BLOCK container puts each member on its own line, indented two
 * spaces per level; an INLINE container keeps its members on one line
 * ({"a": 1, "b": 2}); anything inside an inline container is inline too.
 * The document ends with a newline. Same calls, same bytes.
 *
 * Misuse (a value where a key is due, an end that does not match its begin,
 * nesting deeper than VS_JSON_MAX_DEPTH, a second top-level value) writes
 * nothing more and is reported by vs_json_finish, so a bug can never emit
 * JSON that does not parse without the writer saying so. */
#ifndef VIRTSIM_JSON_H
#define VIRTSIM_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "virtsim/core/error.h"

#define VS_JSON_MAX_DEPTH 32

enum vs_json_layout { VS_JSON_BLOCK, VS_JSON_INLINE };

/* On the caller's stack; the fields are private (use the functions). */
struct vs_json {
    FILE *f;
    unsigned depth;
    struct {
        bool object;      /* else an array */
        bool inline_body; /* members on one line */
        uint32_t count;   /* members written so far */
    } level[VS_JSON_MAX_DEPTH];
    bool key_pending; /* a key was written; its value is due */
    bool done;        /* the top-level value is complete */
    const char *misuse;
};

void vs_json_init(struct vs_json *w, FILE *f);

void vs_json_object_begin(struct vs_json *w, enum vs_json_layout layout);
void vs_json_object_end(struct vs_json *w);
void vs_json_array_begin(struct vs_json *w, enum vs_json_layout layout);
void vs_json_array_end(struct vs_json *w);

/* A member's key (inside an object); its value is the next call. */
void vs_json_key(struct vs_json *w, const char *key);

/* Values. Strings are UTF-8: valid sequences pass through, `"` and `\` are
 * escaped, \n and \t as themselves, every other control character as
 * \u00XX, and a byte that is not valid UTF-8 as \ufffd. */
void vs_json_string(struct vs_json *w, const char *s);
void vs_json_number(struct vs_json *w, double v); /* NaN, +-inf: null */
void vs_json_int(struct vs_json *w, int64_t v);
void vs_json_uint(struct vs_json *w, uint64_t v);
void vs_json_bool(struct vs_json *w, bool v);
void vs_json_null(struct vs_json *w);

/* A key and its value in one call. */
void vs_json_key_string(struct vs_json *w, const char *key, const char *s);
void vs_json_key_number(struct vs_json *w, const char *key, double v);
void vs_json_key_int(struct vs_json *w, const char *key, int64_t v);
void vs_json_key_uint(struct vs_json *w, const char *key, uint64_t v);
void vs_json_key_bool(struct vs_json *w, const char *key, bool v);

/* VS_OK when exactly one complete value was written, without misuse, and
 * the stream reports no error; VS_ERR_RUNTIME with a sentence otherwise. */
int vs_json_finish(struct vs_json *w, struct vs_error *err);

/* The text of a finite double: a whole number below 1e15 without exponent
 * or fraction ("2003"), anything else with the fewest significant digits
 * (15, 16 or 17) that strtod reads back as the same double. Returns false
 * (and writes "") for NaN and infinities. The CSV writers use it too, so
 * CSV and JSON print every figure alike. buf needs 32 bytes. */
bool vs_json_format_number(double v, char buf[static 32]);

#endif
