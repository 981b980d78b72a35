/* Builds the read-only YAML tree of yamltree.h from libyaml's event parser,
 * turning libyaml's 0-based marks into 1-based positions and rejecting
 * duplicate keys, which libyaml accepts silently (the last would win, and a
 * typo'd override would vanish without a word).
 *
 * Memory stays a small multiple of the text: libyaml's own document loader
 * costs a hundred bytes and more per value (a 6 MB file of keys took
 * 700 MB), so the tree is built here from events into one arena, and
 * everything read is charged against a budget of a few times the text's
 * length. A file that would need more, a collection longer than any
 * virtsim file has, a repeated key, are refused at the first value past
 * the line, with its position, before the rest is read. */
#include "virtsim/load/yamltree.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "virtsim/core/inputs.h"

#define MAX_DEPTH 64
#define ARENA_BLOCK (64u << 10)

/* ---- an arena: the tree's nodes, texts and arrays, freed at once ---- */

struct block {
    struct block *next;
    size_t used, size;
    _Alignas(max_align_t) unsigned char data[];
};

struct storage {
    struct block *blocks;
};

static void free_storage(struct storage *st)
{
    if (!st) return;
    for (struct block *b = st->blocks, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(st);
}

void vs_ydoc_free(struct vs_ydoc *doc)
{
    if (!doc) return;
    free_storage(doc->storage);
    free(doc);
}

const char *vs_ynode_kind_name(enum vs_ynode_kind kind)
{
    switch (kind) {
    case VS_YNODE_SCALAR: return "a scalar";
    case VS_YNODE_SEQUENCE: return "a sequence";
    case VS_YNODE_MAPPING: return "a mapping";
    }
    return "a node";
}

/* A collection being read: its items (or pairs) grow here and are copied
 * to the arena, at their exact size, when it ends. A mapping also keeps a
 * hash of its keys, so a repeat is caught when it is read. */
struct frame {
    struct vs_ynode *node;
    void *slots;          /* const struct vs_ynode *[] or struct vs_ypair[] */
    size_t count, cap;
    bool want_value;      /* mapping: the key of pair `count` is read */
    uint32_t *hash;       /* mapping: 1 + pair index, 0 empty */
    size_t hash_cap;      /* a power of two, or 0 */
    size_t anchor;        /* its anchor's index + 1, or 0 */
};

struct anchor {
    const char *name; /* in the arena */
    const struct vs_ynode *node;
    bool open; /* still being read: an alias to it would be a loop */
};

struct build {
    const char *origin;
    struct vs_error *err;
    struct storage *st;
    size_t budget_bytes, used_bytes; /* the arena and the frames' arrays */
    struct frame stack[MAX_DEPTH + 1];
    int depth;
    struct anchor *anchors;
    size_t n_anchors, cap_anchors;
    uint32_t *anchor_hash;
    size_t anchor_hash_cap;
    int line, column; /* the event being read */
    const struct vs_ynode *root;
};

static int oom(struct build *b)
{
    return vs_error_set(b->err, VS_ERR_RUNTIME, b->origin, 0, 0, "out of memory reading YAML");
}

/* Charges bytes to the budget; refuses past it, at the value being read. */
static int charge(struct build *b, size_t bytes)
{
    b->used_bytes += bytes;
    if (b->used_bytes <= b->budget_bytes) return VS_OK;
    return vs_error_set(b->err, VS_ERR_INPUT, b->origin, b->line, b->column,
                        "the file holds too many values: reading it would take more than %zu MiB "
                        "(%d times its size and %d MiB); no virtsim file is that dense",
                        b->budget_bytes >> 20, VS_YAML_BUDGET_PER_BYTE, VS_YAML_BUDGET_BASE_MIB);
}

static void *arena_alloc(struct build *b, size_t bytes, int *rc)
{
    bytes = (bytes + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    if ((*rc = charge(b, bytes)) != VS_OK) return NULL;
    struct block *blk = b->st->blocks;
    if (!blk || blk->size - blk->used < bytes) {
        size_t size = bytes > ARENA_BLOCK / 4 ? bytes : ARENA_BLOCK;
        blk = malloc(sizeof *blk + size);
        if (!blk) {
            *rc = oom(b);
            return NULL;
        }
        if (size == bytes && b->st->blocks) {
            /* A large piece gets a block of its own, behind the current one,
             * which keeps its room. */
            blk->next = b->st->blocks->next;
            b->st->blocks->next = blk;
        } else {
            blk->next = b->st->blocks;
            b->st->blocks = blk;
        }
        blk->used = 0;
        blk->size = size;
    }
    void *p = blk->data + blk->used;
    blk->used += bytes;
    return p;
}

/* ---- hashes of names: a mapping's keys, the anchors ---- */

static uint64_t hash_text(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static bool same_text(const struct vs_ynode *a, const char *text, size_t len)
{
    return a->len == len && memcmp(a->text, text, len) == 0;
}

/* Grows an open-addressed table of (1 + index) to keep it at most half
 * full; key_of gives an entry's text. */
static int grow_hash(struct build *b, uint32_t **table, size_t *cap, size_t n,
                     const struct vs_ynode *(*key_of)(const void *ctx, uint32_t i), const void *ctx)
{
    if (2 * (n + 1) <= *cap) return VS_OK;
    size_t next = *cap ? *cap * 2 : 16;
    int rc = charge(b, next * sizeof(uint32_t));
    if (rc != VS_OK) return rc;
    uint32_t *t = calloc(next, sizeof *t);
    if (!t) return oom(b);
    for (size_t i = 0; i < *cap; i++) {
        uint32_t e = (*table)[i];
        if (!e) continue;
        const struct vs_ynode *k = key_of(ctx, e - 1);
        size_t h = (size_t)hash_text(k->text, k->len) & (next - 1);
        while (t[h]) h = (h + 1) & (next - 1);
        t[h] = e;
    }
    b->used_bytes -= *cap * sizeof(uint32_t);
    free(*table);
    *table = t;
    *cap = next;
    return VS_OK;
}

/* ---- building ---- */

static int add_to_parent(struct build *b, const struct vs_ynode *n);

static const struct vs_ynode *pair_key(const void *ctx, uint32_t i)
{
    return ((const struct vs_ypair *)((const struct frame *)ctx)->slots)[i].key;
}

/* A key of the open mapping f: refused if it repeats one before it. */
static int add_key(struct build *b, struct frame *f, const struct vs_ynode *key)
{
    if (key->kind != VS_YNODE_SCALAR)
        return vs_error_set(b->err, VS_ERR_INPUT, b->origin, key->line, key->column,
                            "a mapping key must be a scalar (a name), not %s", vs_ynode_kind_name(key->kind));
    int rc = grow_hash(b, &f->hash, &f->hash_cap, f->count, pair_key, f);
    if (rc != VS_OK) return rc;
    size_t h = (size_t)hash_text(key->text, key->len) & (f->hash_cap - 1);
    for (; f->hash[h]; h = (h + 1) & (f->hash_cap - 1)) {
        const struct vs_ynode *first = pair_key(f, f->hash[h] - 1);
        if (same_text(first, key->text, key->len))
            return vs_error_set(b->err, VS_ERR_INPUT, b->origin, b->line, b->column,
                                "duplicate key '%s' (first given at line %d); a key may appear only "
                                "once in a mapping",
                                key->text, first->line);
    }
    f->hash[h] = (uint32_t)(f->count + 1);
    return VS_OK;
}

static int add_to_parent(struct build *b, const struct vs_ynode *n)
{
    if (b->depth == 0) {
        b->root = n;
        return VS_OK;
    }
    struct frame *f = &b->stack[b->depth - 1];
    bool map = f->node->kind == VS_YNODE_MAPPING;
    if (!map || !f->want_value) {
        if (f->count >= VS_YAML_MAX_ITEMS)
            return vs_error_set(b->err, VS_ERR_INPUT, b->origin, b->line, b->column,
                                "more than %d %s in one %s; no virtsim file has that many", VS_YAML_MAX_ITEMS,
                                map ? "keys" : "items", map ? "mapping" : "sequence");
        if (f->count == f->cap) {
            size_t size = map ? sizeof(struct vs_ypair) : sizeof(const struct vs_ynode *);
            size_t cap = f->cap ? f->cap * 2 : 4;
            int rc = charge(b, cap * size);
            if (rc != VS_OK) return rc;
            void *grown = realloc(f->slots, cap * size);
            if (!grown) return oom(b);
            b->used_bytes -= f->cap * size;
            f->slots = grown;
            f->cap = cap;
        }
    }
    if (!map) {
        ((const struct vs_ynode **)f->slots)[f->count++] = n;
        return VS_OK;
    }
    struct vs_ypair *pairs = f->slots;
    if (!f->want_value) {
        int rc = add_key(b, f, n);
        if (rc != VS_OK) return rc;
        pairs[f->count].key = n;
        f->want_value = true;
    } else {
        pairs[f->count++].value = n;
        f->want_value = false;
    }
    return VS_OK;
}

static size_t anchor_slot(const struct build *b, const char *name)
{
    size_t h = (size_t)hash_text(name, strlen(name)) & (b->anchor_hash_cap - 1);
    while (b->anchor_hash[h] && strcmp(b->anchors[b->anchor_hash[h] - 1].name, name) != 0)
        h = (h + 1) & (b->anchor_hash_cap - 1);
    return h;
}

/* Names n by anchor (a later anchor of the same name replaces it, as YAML
 * says); *index gets its index + 1, for the frame that closes it. */
static int add_anchor(struct build *b, const char *name, const struct vs_ynode *n, bool open, size_t *index)
{
    int rc = VS_OK;
    if (2 * (b->n_anchors + 1) > b->anchor_hash_cap) {
        size_t next = b->anchor_hash_cap ? b->anchor_hash_cap * 2 : 16;
        if ((rc = charge(b, next * sizeof(uint32_t))) != VS_OK) return rc;
        uint32_t *t = calloc(next, sizeof *t);
        if (!t) return oom(b);
        free(b->anchor_hash);
        b->used_bytes -= b->anchor_hash_cap * sizeof(uint32_t);
        b->anchor_hash = t;
        b->anchor_hash_cap = next;
        for (size_t i = 0; i < b->n_anchors; i++) {
            if (!b->anchors[i].name) continue; /* replaced */
            b->anchor_hash[anchor_slot(b, b->anchors[i].name)] = (uint32_t)(i + 1);
        }
    }
    if (b->n_anchors == b->cap_anchors) {
        size_t cap = b->cap_anchors ? b->cap_anchors * 2 : 8;
        if ((rc = charge(b, cap * sizeof *b->anchors)) != VS_OK) return rc;
        struct anchor *grown = realloc(b->anchors, cap * sizeof *grown);
        if (!grown) return oom(b);
        b->used_bytes -= b->cap_anchors * sizeof *b->anchors;
        b->anchors = grown;
        b->cap_anchors = cap;
    }
    size_t len = strlen(name);
    char *copy = arena_alloc(b, len + 1, &rc);
    if (!copy) return rc;
    memcpy(copy, name, len + 1);
    size_t h = anchor_slot(b, name);
    if (b->anchor_hash[h]) b->anchors[b->anchor_hash[h] - 1].name = NULL; /* replaced */
    b->anchors[b->n_anchors] = (struct anchor){copy, n, open};
    b->anchor_hash[h] = (uint32_t)(++b->n_anchors);
    if (index) *index = b->n_anchors;
    return VS_OK;
}

static struct vs_ynode *new_node(struct build *b, enum vs_ynode_kind kind, int *rc)
{
    if (b->depth > MAX_DEPTH) {
        *rc = vs_error_set(b->err, VS_ERR_INPUT, b->origin, b->line, b->column, "nested more than %d levels deep",
                           MAX_DEPTH);
        return NULL;
    }
    struct vs_ynode *n = arena_alloc(b, sizeof *n, rc);
    if (!n) return NULL;
    *n = (struct vs_ynode){.kind = kind, .line = b->line, .column = b->column};
    return n;
}

static int on_scalar(struct build *b, const yaml_event_t *ev)
{
    int rc;
    struct vs_ynode *n = new_node(b, VS_YNODE_SCALAR, &rc);
    if (!n) return rc;
    size_t len = ev->data.scalar.length;
    char *t = arena_alloc(b, len + 1, &rc);
    if (!t) return rc;
    memcpy(t, ev->data.scalar.value, len);
    t[len] = '\0';
    n->text = t;
    n->len = len;
    n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    if (ev->data.scalar.anchor && (rc = add_anchor(b, (const char *)ev->data.scalar.anchor, n, false, NULL)) != VS_OK)
        return rc;
    return add_to_parent(b, n);
}

static int on_start(struct build *b, enum vs_ynode_kind kind, const yaml_char_t *anchor)
{
    int rc;
    struct vs_ynode *n = new_node(b, kind, &rc);
    if (!n) return rc;
    if ((rc = add_to_parent(b, n)) != VS_OK) return rc;
    struct frame *f = &b->stack[b->depth++];
    *f = (struct frame){.node = n};
    if (anchor) return add_anchor(b, (const char *)anchor, n, true, &f->anchor);
    return VS_OK;
}

static int on_end(struct build *b)
{
    struct frame *f = &b->stack[--b->depth];
    struct vs_ynode *n = f->node;
    bool map = n->kind == VS_YNODE_MAPPING;
    size_t size = map ? sizeof(struct vs_ypair) : sizeof(const struct vs_ynode *);
    int rc = VS_OK;
    void *slots = arena_alloc(b, (f->count ? f->count : 1) * size, &rc);
    if (slots) {
        if (f->count) memcpy(slots, f->slots, f->count * size);
        n->count = f->count;
        if (map) n->pairs = slots;
        else n->items = slots;
    }
    b->used_bytes -= f->cap * size + f->hash_cap * sizeof(uint32_t);
    free(f->slots);
    free(f->hash);
    if (f->anchor) b->anchors[f->anchor - 1].open = false;
    return rc;
}

static int on_alias(struct build *b, const yaml_event_t *ev)
{
    const char *name = (const char *)ev->data.alias.anchor;
    const struct anchor *a = NULL;
    if (b->anchor_hash_cap) {
        size_t h = anchor_slot(b, name);
        if (b->anchor_hash[h]) a = &b->anchors[b->anchor_hash[h] - 1];
    }
    if (!a)
        return vs_error_set(b->err, VS_ERR_INPUT, b->origin, b->line, b->column,
                            "YAML syntax error: found undefined alias '%.60s'", name);
    if (a->open)
        return vs_error_set(b->err, VS_ERR_INPUT, b->origin, a->node->line, a->node->column,
                            "an alias refers to a node that contains it; such a loop cannot be "
                            "read");
    if (b->depth > MAX_DEPTH)
        return vs_error_set(b->err, VS_ERR_INPUT, b->origin, b->line, b->column, "nested more than %d levels deep",
                            MAX_DEPTH);
    return add_to_parent(b, a->node);
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

/* Reads events up to the end of the stream into b (its root in b->root). */
static int read_events(struct build *b, yaml_parser_t *parser, const char *text, size_t len)
{
    int documents = 0;
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(parser, &ev)) return parser_error(parser, text, len, b->origin, b->err);
        b->line = (int)ev.start_mark.line + 1;
        b->column = (int)ev.start_mark.column + 1;
        int rc = VS_OK;
        bool end = false;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT: end = true; break;
        case YAML_DOCUMENT_START_EVENT:
            /* Only one document per file: a second would be ignored silently. */
            if (++documents > 1)
                rc = vs_error_set(b->err, VS_ERR_INPUT, b->origin, b->line, b->column,
                                  "a second YAML document starts here; a file holds one document");
            break;
        case YAML_SCALAR_EVENT:
            rc = on_scalar(b, &ev);
            break;
        case YAML_SEQUENCE_START_EVENT:
            rc = on_start(b, VS_YNODE_SEQUENCE, ev.data.sequence_start.anchor);
            break;
        case YAML_MAPPING_START_EVENT:
            rc = on_start(b, VS_YNODE_MAPPING, ev.data.mapping_start.anchor);
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            rc = on_end(b);
            break;
        case YAML_ALIAS_EVENT: rc = on_alias(b, &ev); break;
        default: break;
        }
        yaml_event_delete(&ev);
        if (rc != VS_OK) return rc;
        if (end) return VS_OK;
    }
}

/* What a build holds outside the arena: the open frames, the anchors. */
static void free_build(struct build *b)
{
    while (b->depth > 0) {
        struct frame *f = &b->stack[--b->depth];
        free(f->slots);
        free(f->hash);
    }
    free(b->anchors);
    free(b->anchor_hash);
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
    struct vs_ydoc *d = calloc(1, sizeof *d);
    struct storage *st = calloc(1, sizeof *st);
    int rc = VS_OK;
    if (!d || !st) {
        free(d);
        free(st);
        yaml_parser_delete(&parser);
        return vs_error_set(err, VS_ERR_RUNTIME, origin, 0, 0, "out of memory reading YAML");
    }
    d->storage = st;
    struct build *b = calloc(1, sizeof *b);
    if (!b) {
        rc = vs_error_set(err, VS_ERR_RUNTIME, origin, 0, 0, "out of memory reading YAML");
    } else {
        *b = (struct build){.origin = origin, .err = err, .st = st};
        size_t base = (size_t)VS_YAML_BUDGET_BASE_MIB << 20;
        b->budget_bytes = len > (SIZE_MAX - base) / VS_YAML_BUDGET_PER_BYTE
                              ? SIZE_MAX
                              : base + len * VS_YAML_BUDGET_PER_BYTE;
        rc = read_events(b, &parser, text, len);
        d->root = b->root;
        free_build(b);
        free(b);
    }
    yaml_parser_delete(&parser);
    if (rc != VS_OK) {
        vs_ydoc_free(d);
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

int vs_yfile_read(const char *path, const char *what, char **text, size_t *len, struct vs_error *err)
{
    *text = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return vs_error_set(err, VS_ERR_INPUT, path, 0, 0, "cannot open: %s", strerror(errno));
    vs_inputs_note_fd(fileno(f)); /* never to be replaced by an output */
    size_t cap = 4096, used = 0;
    char *buf = malloc(cap);
    if (!buf) {
        fclose(f);
        return vs_error_set(err, VS_ERR_RUNTIME, path, 0, 0, "out of memory");
    }
    for (;;) {
        /* One byte past the limit is enough to know: the buffer never grows
         * beyond the limit (and the byte for the terminating NUL). */
        if (used > VS_YAML_MAX_FILE_BYTES) {
            free(buf);
            fclose(f);
            return vs_error_set(err, VS_ERR_INPUT, path, 0, 0, "the file is larger than %u MiB; that is not %s",
                                VS_YAML_MAX_FILE_BYTES >> 20, what);
        }
        if (used + 1 >= cap) {
            size_t next = cap * 2 > (size_t)VS_YAML_MAX_FILE_BYTES + 2 ? (size_t)VS_YAML_MAX_FILE_BYTES + 2 : cap * 2;
            char *grown = realloc(buf, next);
            if (!grown) {
                free(buf);
                fclose(f);
                return vs_error_set(err, VS_ERR_RUNTIME, path, 0, 0, "out of memory");
            }
            buf = grown;
            cap = next;
        }
        size_t got = fread(buf + used, 1, cap - 1 - used, f);
        used += got;
        if (got == 0) break;
    }
    if (ferror(f)) {
        int e = errno;
        free(buf);
        fclose(f);
        return vs_error_set(err, VS_ERR_INPUT, path, 0, 0, "cannot read: %s", strerror(e));
    }
    fclose(f);
    buf[used] = '\0';
    *text = buf;
    *len = used;
    return VS_OK;
}
