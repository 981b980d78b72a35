/* A YAML document as a read-only tree with 1-based line and column on every
 * node, built with libyaml's document API. Loading already rejects what no
 * virtsim file may contain: syntax errors, more than one document, keys that
 * are not scalars, and duplicate keys; each error names file, line and
 * column. The config loader walks this tree; so can any other YAML reader
 * (labs), without seeing libyaml types. */
#ifndef VIRTSIM_YAMLTREE_H
#define VIRTSIM_YAMLTREE_H

#include <stdbool.h>
#include <stddef.h>
#include "virtsim/core/error.h"

enum vs_ynode_kind { VS_YNODE_SCALAR, VS_YNODE_SEQUENCE, VS_YNODE_MAPPING };

struct vs_ynode;

struct vs_ypair {
    const struct vs_ynode *key; /* always a scalar */
    const struct vs_ynode *value;
};

struct vs_ynode {
    enum vs_ynode_kind kind;
    int line;   /* 1-based */
    int column; /* 1-based */
    /* Scalars: the text (NUL-terminated; len excludes the NUL, and the text
     * may hold an escaped NUL before len) and whether it was written plain
     * (not quoted, not a block scalar), which is how `~` and an empty value
     * are told from the string "~". */
    const char *text;
    size_t len;
    bool plain;
    /* Sequences: items; mappings: pairs, in document order. */
    size_t count;
    const struct vs_ynode *const *items;
    const struct vs_ypair *pairs;
};

struct vs_ydoc {
    const struct vs_ynode *root; /* NULL when the text holds no document */
    void *storage;               /* private */
};

/* The limits every YAML and JSON input is read under (docs/limits.md): a
 * file of at most VS_YAML_MAX_FILE_BYTES; at most VS_YAML_MAX_ITEMS items
 * in one sequence (keys in one mapping); and a tree that takes at most
 * VS_YAML_BUDGET_PER_BYTE times the text's length plus
 * VS_YAML_BUDGET_BASE_MIB MiB of memory. Past one, the file is refused at
 * the first value past it, before the rest is read. */
#define VS_YAML_MAX_FILE_BYTES (8u << 20)
#define VS_YAML_MAX_ITEMS 65536
#define VS_YAML_BUDGET_PER_BYTE 6
#define VS_YAML_BUDGET_BASE_MIB 16

/* Parses len bytes of YAML; origin names the text in errors. On success the
 * caller owns *out and frees it with vs_ydoc_free. An empty text (or only
 * comments) succeeds with root NULL. Nesting is limited to 64 levels. */
int vs_ydoc_load(const char *text, size_t len, const char *origin, struct vs_ydoc **out,
                 struct vs_error *err);
void vs_ydoc_free(struct vs_ydoc *doc);

/* Reads a whole file (at most VS_YAML_MAX_FILE_BYTES: one byte more is
 * refused, naming `what` it is not, e.g. "a virtsim YAML file") into a
 * NUL-terminated buffer; the caller owns *text and frees it. */
int vs_yfile_read(const char *path, const char *what, char **text, size_t *len, struct vs_error *err);

/* The value (or the key node) for key in a mapping; NULL if absent or if the
 * node is not a mapping. */
const struct vs_ynode *vs_ynode_get(const struct vs_ynode *map, const char *key);
const struct vs_ynode *vs_ynode_key(const struct vs_ynode *map, const char *key);

/* True for a plain empty scalar, `~`, `null`, `Null` or `NULL`. */
bool vs_ynode_is_null(const struct vs_ynode *n);

/* "a scalar", "a sequence" or "a mapping", for messages. */
const char *vs_ynode_kind_name(enum vs_ynode_kind kind);

#endif
