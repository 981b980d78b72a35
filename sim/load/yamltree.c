/* Builds the read-only YAML tree of yamltree.h from libyaml's document API,
 * turning libyaml's 0-based marks into 1-based positions and rejecting
 * duplicate keys, which libyaml accepts silently (the last would win, and a
 * typo'd override would vanish without a word). */
#include "virtsim/load/yamltree.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define MAX_DEPTH 64

struct storage {
    struct vs_ynode *nodes; /* one per libyaml node, same order */
    unsigned char *state;   /* 0 not built, 1 being built, 2 built */
    size_t n;
};

struct build {
    const char *origin;
    struct vs_error *err;
    yaml_document_t *doc;
    struct storage *st;
};

const char *vs_ynode_kind_name(enum vs_ynode_kind kind)
{
    switch (kind) {
    case VS_YNODE_SCALAR: return "a scalar";
    case VS_YNODE_SEQUENCE: return "a sequence";
    case VS_YNODE_MAPPING: return "a mapping";
    }
    return "a node";
}

static void free_storage(struct storage *st)
{
    if (!st) return;
    for (size_t i = 0; st->nodes && i < st->n; i++) {
        free((void *)st->nodes[i].text);
        free((void *)st->nodes[i].items);
        free((void *)st->nodes[i].pairs);
    }
    free(st->nodes);
    free(st->state);
    free(st);
}

void vs_ydoc_free(struct vs_ydoc *doc)
{
    if (!doc) return;
    free_storage(doc->storage);
    free(doc);
}

static int oom(struct build *b)
{
    return vs_error_set(b->err, VS_ERR_RUNTIME, b->origin, 0, 0, "out of memory reading YAML");
}

struct keyref {
    const struct vs_ynode *key;
    size_t index; /* position in the mapping */
};

/* By key text, then by position, so equal keys are adjacent with the
 * first-written one first. */
static int cmp_keyref(const void *pa, const void *pb)
{
    const struct keyref *a = pa, *b = pb;
    size_t n = a->key->len < b->key->len ? a->key->len : b->key->len;
    int c = memcmp(a->key->text, b->key->text, n);
    if (c) return c;
    if (a->key->len != b->key->len) return a->key->len < b->key->len ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index ? 1 : 0;
}

static bool same_key(const struct vs_ynode *a, const struct vs_ynode *b)
{
    return a->len == b->len && memcmp(a->text, b->text, a->len) == 0;
}

/* Sorting keeps this O(n log n), so a huge mapping cannot stall the loader;
 * the repeat reported is the earliest in the file. */
static int check_duplicates(struct build *b, const struct vs_ynode *map)
{
    if (map->count < 2) return VS_OK;
    struct keyref *refs = malloc(map->count * sizeof *refs);
    if (!refs) return oom(b);
    for (size_t i = 0; i < map->count; i++) refs[i] = (struct keyref){map->pairs[i].key, i};
    qsort(refs, map->count, sizeof *refs, cmp_keyref);
    const struct keyref *first = NULL, *repeat = NULL;
    for (size_t i = 0; i + 1 < map->count; i++) {
        if (!same_key(refs[i].key, refs[i + 1].key)) continue;
        if (i > 0 && same_key(refs[i - 1].key, refs[i].key)) continue; /* not the run's start */
        if (!repeat || refs[i + 1].index < repeat->index) {
            first = &refs[i];
            repeat = &refs[i + 1];
        }
    }
    int rc = VS_OK;
    if (repeat)
        rc = vs_error_set(b->err, VS_ERR_INPUT, b->origin, repeat->key->line, repeat->key->column,
                          "duplicate key '%s' (first given at line %d); a key may appear only "
                          "once in a mapping",
                          repeat->key->text, first->key->line);
    free(refs);
    return rc;
}

static int build_node(struct build *b, int index, int depth, const struct vs_ynode **out);

static int build_node(struct build *b, int index, int depth, const struct vs_ynode **out)
{
    yaml_node_t *yn = yaml_document_get_node(b->doc, index);
    if (!yn) return vs_error_set(b->err, VS_ERR_INPUT, b->origin, 0, 0, "malformed YAML document");
    size_t i = (size_t)(index - 1);
    struct vs_ynode *n = &b->st->nodes[i];
    int line = (int)yn->start_mark.line + 1, col = (int)yn->start_mark.column + 1;
    if (b->st->state[i] == 2) {
        *out = n;
        return VS_OK;
    }
    if (b->st->state[i] == 1)
        return vs_error_set(b->err, VS_ERR_INPUT, b->origin, line, col,
                            "an alias refers to a node that contains it; such a loop cannot be "
                            "read");
    if (depth > MAX_DEPTH)
        return vs_error_set(b->err, VS_ERR_INPUT, b->origin, line, col,
                            "nested more than %d levels deep", MAX_DEPTH);
    b->st->state[i] = 1;
    n->line = line;
    n->column = col;
    int rc = VS_OK;
    switch (yn->type) {
    case YAML_SCALAR_NODE: {
        size_t len = yn->data.scalar.length;
        char *t = malloc(len + 1);
        if (!t) return oom(b);
        memcpy(t, yn->data.scalar.value, len);
        t[len] = '\0';
        n->kind = VS_YNODE_SCALAR;
        n->text = t;
        n->len = len;
        n->plain = yn->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        break;
    }
    case YAML_SEQUENCE_NODE: {
        size_t count = (size_t)(yn->data.sequence.items.top - yn->data.sequence.items.start);
        n->kind = VS_YNODE_SEQUENCE;
        const struct vs_ynode **items = calloc(count ? count : 1, sizeof *items);
        if (!items) return oom(b);
        n->items = items;
        n->count = count;
        for (size_t k = 0; k < count && rc == VS_OK; k++)
            rc = build_node(b, yn->data.sequence.items.start[k], depth + 1, &items[k]);
        break;
    }
    case YAML_MAPPING_NODE: {
        size_t count = (size_t)(yn->data.mapping.pairs.top - yn->data.mapping.pairs.start);
        n->kind = VS_YNODE_MAPPING;
        struct vs_ypair *pairs = calloc(count ? count : 1, sizeof *pairs);
        if (!pairs) return oom(b);
        n->pairs = pairs;
        n->count = count;
        for (size_t k = 0; k < count && rc == VS_OK; k++) {
            yaml_node_pair_t *p = &yn->data.mapping.pairs.start[k];
            rc = build_node(b, p->key, depth + 1, &pairs[k].key);
            if (rc == VS_OK && pairs[k].key->kind != VS_YNODE_SCALAR)
                rc = vs_error_set(b->err, VS_ERR_INPUT, b->origin, pairs[k].key->line,
                                  pairs[k].key->column,
                                  "a mapping key must be a scalar (a name), not %s",
                                  vs_ynode_kind_name(pairs[k].key->kind));
            if (rc == VS_OK) rc = build_node(b, p->value, depth + 1, &pairs[k].value);
        }
        if (rc == VS_OK) rc = check_duplicates(b, n);
        break;
    }
    default: return vs_error_set(b->err, VS_ERR_INPUT, b->origin, line, col, "empty YAML node");
    }
    if (rc != VS_OK) return rc;
    b->st->state[i] = 2;
    *out = n;
    return VS_OK;
}

/* Reader errors carry a byte offset, not a mark: count lines up to it. */
static void offset_to_position(const char *text, size_t len, size_t offset, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < offset && i < len; i++) {
        if (text[i] == '\n') {
            (*line)++;
            *col = 1;
        } else if (((unsigned char)text[i] & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

static int parser_error(yaml_parser_t *p, const char *text, size_t len, const char *origin,
                        struct vs_error *err)
{
    if (p->error == YAML_MEMORY_ERROR)
        return vs_error_set(err, VS_ERR_RUNTIME, origin, 0, 0, "out of memory reading YAML");
    const char *problem = p->problem ? p->problem : "unknown problem";
    if (p->error == YAML_READER_ERROR) {
        int line, col;
        offset_to_position(text, len, p->problem_offset, &line, &col);
        return vs_error_set(err, VS_ERR_INPUT, origin, line, col,
                            "YAML cannot be read: %s (byte 0x%02x); files must be UTF-8 text",
                            problem, (unsigned)(p->problem_value & 0xFF));
    }
    int line = (int)p->problem_mark.line + 1, col = (int)p->problem_mark.column + 1;
    if (p->context)
        return vs_error_set(err, VS_ERR_INPUT, origin, line, col,
                            "YAML syntax error: %s %s (which started at line %d, column %d)",
                            problem, p->context, (int)p->context_mark.line + 1,
                            (int)p->context_mark.column + 1);
    return vs_error_set(err, VS_ERR_INPUT, origin, line, col, "YAML syntax error: %s", problem);
}

int vs_ydoc_load(const char *text, size_t len, const char *origin, struct vs_ydoc **out,
                 struct vs_error *err)
{
    *out = NULL;
    if (!text) len = 0;
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser))
        return vs_error_set(err, VS_ERR_RUNTIME, origin, 0, 0, "out of memory reading YAML");
    yaml_parser_set_input_string(&parser, (const unsigned char *)(text ? text : ""), len);
    yaml_document_t doc;
    if (!yaml_parser_load(&parser, &doc)) {
        int rc = parser_error(&parser, text, len, origin, err);
        yaml_parser_delete(&parser);
        return rc;
    }
    struct vs_ydoc *d = calloc(1, sizeof *d);
    struct storage *st = calloc(1, sizeof *st);
    int rc = VS_OK;
    if (!d || !st) {
        rc = vs_error_set(err, VS_ERR_RUNTIME, origin, 0, 0, "out of memory reading YAML");
        goto done;
    }
    d->storage = st;
    st->n = (size_t)(doc.nodes.top - doc.nodes.start);
    if (st->n > 0) {
        st->nodes = calloc(st->n, sizeof *st->nodes);
        st->state = calloc(st->n, 1);
        if (!st->nodes || !st->state) {
            rc = vs_error_set(err, VS_ERR_RUNTIME, origin, 0, 0, "out of memory reading YAML");
            goto done;
        }
        struct build b = {origin, err, &doc, st};
        rc = build_node(&b, 1, 0, &d->root); /* node 1 is the root */
        if (rc != VS_OK) goto done;
    }
    /* Only one document per file: a second would be ignored silently. */
    {
        yaml_document_t next;
        if (!yaml_parser_load(&parser, &next)) {
            rc = parser_error(&parser, text, len, origin, err);
            goto done;
        }
        yaml_node_t *r = yaml_document_get_root_node(&next);
        if (r)
            rc = vs_error_set(err, VS_ERR_INPUT, origin, (int)next.start_mark.line + 1,
                              (int)next.start_mark.column + 1,
                              "a second YAML document starts here; a file holds one document");
        yaml_document_delete(&next);
    }
done:
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    if (rc != VS_OK) {
        vs_ydoc_free(d);
        if (!d) free_storage(st);
        return rc;
    }
    *out = d;
    return VS_OK;
}

const struct vs_ynode *vs_ynode_key(const struct vs_ynode *map, const char *key)
{
    if (!map || map->kind != VS_YNODE_MAPPING || !key) return NULL;
    size_t kl = strlen(key);
    for (size_t i = 0; i < map->count; i++) {
        const struct vs_ynode *k = map->pairs[i].key;
        if (k->len == kl && memcmp(k->text, key, kl) == 0) return k;
    }
    return NULL;
}

const struct vs_ynode *vs_ynode_get(const struct vs_ynode *map, const char *key)
{
    if (!map || map->kind != VS_YNODE_MAPPING || !key) return NULL;
    size_t kl = strlen(key);
    for (size_t i = 0; i < map->count; i++) {
        const struct vs_ynode *k = map->pairs[i].key;
        if (k->len == kl && memcmp(k->text, key, kl) == 0) return map->pairs[i].value;
    }
    return NULL;
}

bool vs_ynode_is_null(const struct vs_ynode *n)
{
    if (!n || n->kind != VS_YNODE_SCALAR || !n->plain) return false;
    return n->len == 0 || strcmp(n->text, "~") == 0 || strcmp(n->text, "null") == 0 ||
           strcmp(n->text, "Null") == 0 || strcmp(n->text, "NULL") == 0;
}
