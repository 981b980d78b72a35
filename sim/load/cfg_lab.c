/* The lab loader: a lab file (labs/NN-NAME.yaml) as a struct vs_lab (spec/lab.h).
 * Every key is checked where it is written, so a lecturer who writes a lab
 * gets FILE:LINE:COL naming the key and what is allowed, as for scenarios.
 * What needs a built scenario (do the engines and groups an answer names
 * exist?) is checked one layer up, by vs_lab_prepare (lab/lab.h). */
#include "virtsim/load/lab.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "virtsim/model/engine.h"

#define MAX_TEXT_BYTES 16000

/* ---- the field table ---- */

struct field_def {
    enum vs_lab_field field;
    enum vs_lab_object object;
    char name[32];
};

static struct field_def fields[VS_LF_COUNT];
static size_t n_fields;

static void add_field(enum vs_lab_field f, enum vs_lab_object o, const char *name)
{
    fields[n_fields].field = f;
    fields[n_fields].object = o;
    snprintf(fields[n_fields].name, sizeof fields[n_fields].name, "%s", name);
    n_fields++;
}

/* Built once: the per-category and per-event names come from core/ops.c so
 * they are the CSV's and the JSON's. Called from the loader (one thread per
 * process loads labs; the table is the same whoever builds it). */
static void build_fields(void)
{
    if (n_fields) return;
    static const struct { enum vs_lab_field f; enum vs_lab_object o; const char *name; } fixed[] = {
        {VS_LF_THROUGHPUT_PER_S, VS_LAB_OBJ_GROUP, "throughput_per_s"},
        {VS_LF_MEAN_MS, VS_LAB_OBJ_GROUP, "mean_ms"},
        {VS_LF_P50_MS, VS_LAB_OBJ_GROUP, "p50_ms"},
        {VS_LF_P99_MS, VS_LAB_OBJ_GROUP, "p99_ms"},
        {VS_LF_P50_US, VS_LAB_OBJ_GROUP, "p50_us"},
        {VS_LF_P99_US, VS_LAB_OBJ_GROUP, "p99_us"},
        {VS_LF_COMPLETION_S, VS_LAB_OBJ_GROUP, "completion_s"},
        {VS_LF_CPU_PER_REQ_US, VS_LAB_OBJ_GROUP, "cpu_per_req_us"},
        {VS_LF_CPU_CORES, VS_LAB_OBJ_GROUP, "cpu_cores"},
        {VS_LF_MEMORY_MIB, VS_LAB_OBJ_GROUP, "memory_mib"},
        {VS_LF_DROPPED, VS_LAB_OBJ_GROUP, "dropped"},
        {VS_LF_COMPLETED, VS_LAB_OBJ_GROUP, "completed"},
        {VS_LF_BOOT_S, VS_LAB_OBJ_GROUP, "boot_s"},
        {VS_LF_DOWN_S, VS_LAB_OBJ_GROUP, "down_s"},
        {VS_LF_LOST, VS_LAB_OBJ_GROUP, "lost"},
        {VS_LF_MM_RESIDENT_MIB, VS_LAB_OBJ_GROUP, "mm_resident_mib"},
        {VS_LF_MM_SHARED_MIB, VS_LAB_OBJ_GROUP, "mm_shared_mib"},
        {VS_LF_MM_BALLOONED_MIB, VS_LAB_OBJ_GROUP, "mm_ballooned_mib"},
        {VS_LF_MM_SWAPPED_MIB, VS_LAB_OBJ_GROUP, "mm_swapped_mib"},
        {VS_LF_MM_SWAP_INS, VS_LAB_OBJ_GROUP, "mm_swap_ins"},
        {VS_LF_MM_OOM_KILLS, VS_LAB_OBJ_GROUP, "mm_oom_kills"},
        {VS_LF_MM_CHANGE_S, VS_LAB_OBJ_GROUP, "mm_change_s"},
        {VS_LF_MM_BALLOON_CPU_MS, VS_LAB_OBJ_GROUP, "mm_balloon_cpu_ms"},
        {VS_LF_STEAL_PCT, VS_LAB_OBJ_GROUP, "steal_pct"},
        {VS_LF_CPU_CHANGE_S, VS_LAB_OBJ_GROUP, "cpu_change_s"},
        {VS_LF_SCORE, VS_LAB_OBJ_GROUP, "score"},
        {VS_LF_COST_RATIO, VS_LAB_OBJ_GROUP, "cost_ratio"},
        {VS_LF_THROUGHPUT_RATIO, VS_LAB_OBJ_GROUP, "throughput_ratio"},
        {VS_LF_P99_RATIO, VS_LAB_OBJ_GROUP, "p99_ratio"},
        {VS_LF_HOST_CPU_PCT, VS_LAB_OBJ_HOST, "cpu_pct"},
        {VS_LF_HOST_MEM_USED_GIB, VS_LAB_OBJ_HOST, "mem_used_gib"},
        {VS_LF_HOST_DISK_PCT, VS_LAB_OBJ_HOST, "disk_pct"},
        {VS_LF_HOST_NIC_RX_PCT, VS_LAB_OBJ_HOST, "nic_rx_pct"},
        {VS_LF_HOST_NIC_TX_PCT, VS_LAB_OBJ_HOST, "nic_tx_pct"},
        {VS_LF_HOST_OVERCOMMIT, VS_LAB_OBJ_HOST, "overcommit_ratio"},
        {VS_LF_HOST_SHARED_MIB, VS_LAB_OBJ_HOST, "mm_shared_mib"},
        {VS_LF_HOST_BALLOONED_MIB, VS_LAB_OBJ_HOST, "mm_ballooned_mib"},
        {VS_LF_HOST_SWAPPED_MIB, VS_LAB_OBJ_HOST, "mm_swapped_mib"},
        {VS_LF_HOST_KSM_CPU_S, VS_LAB_OBJ_HOST, "ksm_cpu_s"},
        {VS_LF_MIG_DOWNTIME_MS, VS_LAB_OBJ_MIGRATION, "downtime_ms"},
        {VS_LF_MIG_TOTAL_S, VS_LAB_OBJ_MIGRATION, "total_s"},
        {VS_LF_MIG_SENT_MIB, VS_LAB_OBJ_MIGRATION, "sent_mib"},
        {VS_LF_MIG_ROUNDS, VS_LAB_OBJ_MIGRATION, "rounds"},
        {VS_LF_MIG_CONVERGED, VS_LAB_OBJ_MIGRATION, "converged"},
        {VS_LF_MIG_THROTTLE_PCT, VS_LAB_OBJ_MIGRATION, "throttle_pct"},
        {VS_LF_CP_FREEZE_MS, VS_LAB_OBJ_CHECKPOINT, "freeze_ms"},
        {VS_LF_CP_TOTAL_S, VS_LAB_OBJ_CHECKPOINT, "total_s"},
        {VS_LF_CP_IMAGE_MIB, VS_LAB_OBJ_CHECKPOINT, "image_mib"},
        {VS_LF_CP_NEIGHBOURS_BEFORE_MS, VS_LAB_OBJ_CHECKPOINT, "neighbours_disk_before_ms"},
        {VS_LF_CP_NEIGHBOURS_DURING_MS, VS_LAB_OBJ_CHECKPOINT, "neighbours_disk_during_ms"},
        {VS_LF_DENSITY_GUESTS, VS_LAB_OBJ_DENSITY, "guests"},
        {VS_LF_DENSITY_MEM_PER_GUEST_MIB, VS_LAB_OBJ_DENSITY, "memory_per_guest_mib"},
        {VS_LF_DENSITY_SAVED_SHARING_MIB, VS_LAB_OBJ_DENSITY, "saved_sharing_mib"},
        {VS_LF_DENSITY_SAVED_BALLOON_MIB, VS_LAB_OBJ_DENSITY, "saved_balloon_mib"},
        /* in enum vs_resource order (out/results.h, a layer up: lab/lab.c asserts it) */
        {VS_LF_DENSITY_LIMIT_FIRST + 0, VS_LAB_OBJ_DENSITY, "limited_by_cpu"},
        {VS_LF_DENSITY_LIMIT_FIRST + 1, VS_LAB_OBJ_DENSITY, "limited_by_memory"},
        {VS_LF_DENSITY_LIMIT_FIRST + 2, VS_LAB_OBJ_DENSITY, "limited_by_disk"},
        {VS_LF_DENSITY_LIMIT_FIRST + 3, VS_LAB_OBJ_DENSITY, "limited_by_nic"},
        {VS_LF_ISO_P99_RATIO, VS_LAB_OBJ_ISOLATION, "p99_ratio"},
        {VS_LF_ISO_THROUGHPUT_RATIO, VS_LAB_OBJ_ISOLATION, "throughput_ratio"},
        {VS_LF_ISO_CPU_PER_REQ_RATIO, VS_LAB_OBJ_ISOLATION, "cpu_per_req_ratio"},
        {VS_LF_ISO_P99_ALONE_MS, VS_LAB_OBJ_ISOLATION, "p99_alone_ms"},
        {VS_LF_ISO_P99_WITH_MS, VS_LAB_OBJ_ISOLATION, "p99_with_ms"},
        {VS_LF_ISO_THROUGHPUT_ALONE_PER_S, VS_LAB_OBJ_ISOLATION, "throughput_alone_per_s"},
        {VS_LF_ISO_THROUGHPUT_WITH_PER_S, VS_LAB_OBJ_ISOLATION, "throughput_with_per_s"},
        {VS_LF_ISO_CPU_WAIT_ALONE_US, VS_LAB_OBJ_ISOLATION, "cpu_wait_alone_us"},
        {VS_LF_ISO_CPU_WAIT_WITH_US, VS_LAB_OBJ_ISOLATION, "cpu_wait_with_us"},
    };
    char name[32];
    for (size_t i = 0; i < N_OF(fixed); i++) add_field(fixed[i].f, fixed[i].o, fixed[i].name);
    for (int c = 0; c < VS_CAT_COUNT; c++) {
        if (c == VS_CAT_IDLE) continue;
        snprintf(name, sizeof name, "%s_pct", vs_cat_name((enum vs_cpu_cat)c));
        add_field((enum vs_lab_field)(VS_LF_SHARE_FIRST + c), VS_LAB_OBJ_GROUP, name);
    }
    for (int e = 0; e < VS_EVT_COUNT; e++) {
        snprintf(name, sizeof name, "%s_per_s", vs_evt_name((enum vs_evt_kind)e));
        add_field((enum vs_lab_field)(VS_LF_EVT_FIRST + e), VS_LAB_OBJ_GROUP, name);
        snprintf(name, sizeof name, "%s_per_req", vs_evt_name((enum vs_evt_kind)e));
        add_field((enum vs_lab_field)(VS_LF_PER_REQ_FIRST + e), VS_LAB_OBJ_GROUP, name);
    }
    for (int k = 0; k < VS_CONT_KINDS; k++) {
        snprintf(name, sizeof name, "%s_us_per_req", vs_cont_kind_name((enum vs_cont_kind)k));
        add_field((enum vs_lab_field)(VS_LF_ISO_CONT_FIRST + k), VS_LAB_OBJ_ISOLATION, name);
    }
}

const char *vs_lab_field_name(enum vs_lab_field f)
{
    build_fields();
    for (size_t i = 0; i < n_fields; i++)
        if (fields[i].field == f) return fields[i].name;
    return "?";
}

enum vs_lab_object vs_lab_field_object(enum vs_lab_field f)
{
    build_fields();
    for (size_t i = 0; i < n_fields; i++)
        if (fields[i].field == f) return fields[i].object;
    return VS_LAB_OBJ_GROUP;
}

bool vs_lab_field_is_score(enum vs_lab_field f)
{
    return f == VS_LF_SCORE || f == VS_LF_COST_RATIO || f == VS_LF_THROUGHPUT_RATIO || f == VS_LF_P99_RATIO;
}

const char *vs_lab_qkind_name(enum vs_lab_qkind k)
{
    return k == VS_LAB_Q_CHOICE ? "choice" : k == VS_LAB_Q_NUMBER ? "number" : "text";
}

const char *vs_lab_level_name(enum vs_lab_level l)
{
    return l == VS_LAB_INTRODUCTORY ? "introductory" : l == VS_LAB_INTERMEDIATE ? "intermediate" : "advanced";
}

static const char *object_name(enum vs_lab_object o)
{
    static const char *const names[] = {"a guest group", "host", "migration", "checkpoint", "density", "isolation"};
    return names[o];
}

/* Names of the fields of one object, for messages. */
static void field_list(enum vs_lab_object o, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n_fields && used + 1 < len; i++)
        if (fields[i].object == o)
            used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "", fields[i].name);
}

/* ---- expressions ---- */

struct parser {
    const char *text, *p;
    const char *origin;
    int line, column;
    struct vs_lab_expr *out;
    struct vs_error *err;
};

static int perr(struct parser *ps, const char *at, const char *fmt, const char *arg)
{
    char msg[1800];
    snprintf(msg, sizeof msg, fmt, arg);
    /* Inside a quoted scalar the column of a character is the scalar's
     * column plus its offset and the opening quote: close enough to jump to. */
    return vs_error_set(ps->err, VS_ERR_INPUT, ps->origin, ps->line, ps->column + (int)(at - ps->text),
                        "answer expression '%.120s': %s", ps->text, msg);
}

static void skip_space(struct parser *ps)
{
    while (*ps->p == ' ' || *ps->p == '\t') ps->p++;
}

static int new_node(struct parser *ps, struct vs_lab_expr_node nd, int *idx)
{
    if (ps->out->n_nodes >= VS_LAB_EXPR_MAX_NODES)
        return perr(ps, ps->p, "%s", "too long: at most 16 numbers, names and operators");
    ps->out->nodes[ps->out->n_nodes] = nd;
    *idx = ps->out->n_nodes++;
    return VS_OK;
}

static int parse_ref(struct parser *ps, const char *start, size_t len, struct vs_lab_ref *ref)
{
    char buf[200], *parts[5];
    if (len >= sizeof buf) return perr(ps, start, "%s", "a name is too long");
    memcpy(buf, start, len);
    buf[len] = '\0';
    int n = 0;
    for (char *save = NULL, *t = strtok_r(buf, ".", &save); t; t = strtok_r(NULL, ".", &save)) {
        if (n == 5) break;
        parts[n++] = t;
    }
    char fl[1200];
    if (n < 3 || n > 5 || start[len - 1] == '.' || start[0] == '.') {
        memcpy(fl, start, len);
        fl[len] = '\0';
        return perr(ps, start,
                    "'%s' is not a reference; write ENGINE.GROUP.FIELD (kvm.web.p99_ms), ENGINE.host.FIELD, "
                    "ENGINE.migration[.GUEST].FIELD, ENGINE.checkpoint[.N].FIELD, ENGINE.density.FIELD or "
                    "ENGINE.isolation[.POLICY].NEIGHBOUR.FIELD",
                    fl);
    }
    memset(ref, 0, sizeof *ref);
    snprintf(ref->engine, sizeof ref->engine, "%s", parts[0]);
    if (!vs_preset_find(parts[0], NULL))
        return perr(ps, start, "unknown engine '%s' (see virtsim list approaches)", parts[0]);
    const char *obj = parts[1];
    if (strcmp(obj, "host") == 0) ref->object = VS_LAB_OBJ_HOST;
    else if (strcmp(obj, "migration") == 0) ref->object = VS_LAB_OBJ_MIGRATION;
    else if (strcmp(obj, "checkpoint") == 0) ref->object = VS_LAB_OBJ_CHECKPOINT;
    else if (strcmp(obj, "density") == 0) ref->object = VS_LAB_OBJ_DENSITY;
    else if (strcmp(obj, "isolation") == 0) ref->object = VS_LAB_OBJ_ISOLATION;
    else {
        ref->object = VS_LAB_OBJ_GROUP;
        snprintf(ref->item, sizeof ref->item, "%s", obj);
    }
    if (ref->object == VS_LAB_OBJ_ISOLATION && n < 4)
        return perr(ps, start, "%s", "isolation names its neighbours: ENGINE.isolation[.POLICY].NEIGHBOUR.FIELD, "
                                     "NEIGHBOUR a guest group beside the victim or all "
                                     "(kvm.isolation.file-scan.p99_ratio, kvm.isolation.caps.cpu-hog.p99_ratio)");
    if (n == 5) {
        /* Only an isolation step with policies: its figures per policy. */
        if (ref->object != VS_LAB_OBJ_ISOLATION)
            return perr(ps, start, "'%s' has parts too many: only isolation takes two (a policy and a neighbour "
                                   "group: kvm.isolation.caps.cpu-hog.p99_ratio)",
                        parts[1]);
        if (strlen(parts[2]) >= sizeof ref->policy)
            return perr(ps, start, "isolation.%s: not a policy (none, weights, caps, pinning)", parts[2]);
        snprintf(ref->policy, sizeof ref->policy, "%s", parts[2]);
        snprintf(ref->item, sizeof ref->item, "%s", parts[3]);
    }
    if (n == 4) {
        if (ref->object != VS_LAB_OBJ_MIGRATION && ref->object != VS_LAB_OBJ_CHECKPOINT &&
            ref->object != VS_LAB_OBJ_ISOLATION)
            return perr(ps, start, "'%s' has a part too many: only migration, checkpoint and isolation take one (a "
                                   "guest, a number, a neighbour group)",
                        parts[1]);
        snprintf(ref->item, sizeof ref->item, "%s", parts[2]);
        if (ref->object == VS_LAB_OBJ_CHECKPOINT) {
            char *end;
            long k = strtol(parts[2], &end, 10);
            if (*end || k < 1 || k > 64)
                return perr(ps, start, "checkpoint.%s: expected the checkpoint's number, 1 for the first", parts[2]);
        }
    }
    const char *fname = parts[n - 1];
    for (size_t i = 0; i < n_fields; i++)
        if (strcmp(fields[i].name, fname) == 0 && fields[i].object == ref->object) {
            ref->field = fields[i].field;
            return VS_OK;
        }
    char msg[1600];
    field_list(ref->object, fl, sizeof fl);
    snprintf(msg, sizeof msg, "'%.40s' is not a field of %s; its fields: %.1400s", fname, object_name(ref->object), fl);
    return perr(ps, start, "%s", msg);
}

static int parse_sum(struct parser *ps, int *idx);

static int parse_primary(struct parser *ps, int *idx)
{
    skip_space(ps);
    const char *at = ps->p;
    if (*at == '(') {
        ps->p++;
        int rc = parse_sum(ps, idx);
        if (rc != VS_OK) return rc;
        skip_space(ps);
        if (*ps->p != ')') return perr(ps, ps->p, "%s", "expected ')'");
        ps->p++;
        return VS_OK;
    }
    if (*at == '-') {
        ps->p++;
        int a;
        int rc = parse_primary(ps, &a);
        if (rc != VS_OK) return rc;
        return new_node(ps, (struct vs_lab_expr_node){.op = VS_LX_NEG, .a = a}, idx);
    }
    if (isdigit((unsigned char)*at) || *at == '.') {
        char *end;
        errno = 0;
        double v = strtod(at, &end);
        if (end == at || errno || !isfinite(v)) return perr(ps, at, "%s", "a number is not written right");
        ps->p = end;
        return new_node(ps, (struct vs_lab_expr_node){.op = VS_LX_NUM, .num = v}, idx);
    }
    if (isalpha((unsigned char)*at) || *at == '_') {
        const char *q = at;
        while (isalnum((unsigned char)*q) || *q == '_' || *q == '.' || *q == '-') q++;
        struct vs_lab_expr_node nd = {.op = VS_LX_REF};
        int rc = parse_ref(ps, at, (size_t)(q - at), &nd.ref);
        if (rc != VS_OK) return rc;
        ps->p = q;
        return new_node(ps, nd, idx);
    }
    if (!*at) return perr(ps, at, "%s", "ends where a number or a name was expected");
    char ch[2] = {*at, 0};
    return perr(ps, at, "unexpected '%s'; expected a number, a name (kvm.web.p99_ms) or '('", ch);
}

static int parse_product(struct parser *ps, int *idx)
{
    int rc = parse_primary(ps, idx);
    for (;;) {
        if (rc != VS_OK) return rc;
        skip_space(ps);
        char op = *ps->p;
        if (op != '*' && op != '/') return VS_OK;
        ps->p++;
        int b;
        rc = parse_primary(ps, &b);
        if (rc != VS_OK) return rc;
        rc = new_node(ps, (struct vs_lab_expr_node){.op = op == '*' ? VS_LX_MUL : VS_LX_DIV, .a = *idx, .b = b}, idx);
    }
}

static int parse_sum(struct parser *ps, int *idx)
{
    int rc = parse_product(ps, idx);
    for (;;) {
        if (rc != VS_OK) return rc;
        skip_space(ps);
        char op = *ps->p;
        if (op != '+' && op != '-') return VS_OK;
        ps->p++;
        int b;
        rc = parse_product(ps, &b);
        if (rc != VS_OK) return rc;
        rc = new_node(ps, (struct vs_lab_expr_node){.op = op == '+' ? VS_LX_ADD : VS_LX_SUB, .a = *idx, .b = b}, idx);
    }
}

int vs_lab_parse_expr(const char *text, const char *origin, int line, int column, struct vs_lab_expr *out,
                      struct vs_error *err)
{
    build_fields();
    memset(out, 0, sizeof *out);
    out->line = line;
    out->column = column;
    struct parser ps = {text, text, origin, line, column, out, err};
    if (strlen(text) >= sizeof out->text) return perr(&ps, text, "%s", "is longer than 255 characters");
    snprintf(out->text, sizeof out->text, "%s", text);
    int rc = parse_sum(&ps, &out->root);
    if (rc != VS_OK) return rc;
    skip_space(&ps);
    if (*ps.p) return perr(&ps, ps.p, "unexpected '%.20s' after the end (write a minus with spaces around it: a - b)", ps.p);
    return VS_OK;
}

/* ---- node helpers ---- */

/* Text for people: a scalar (block scalars welcome), at most MAX_TEXT_BYTES,
 * no control characters but line breaks and tabs (it reaches terminals). */
static int lab_text(const struct cfg_ctx *c, const struct vs_ynode *n, const char *keypath, char **out)
{
    const char *t;
    int rc = cfg_scalar_text(c, n, keypath, "text", &t);
    if (rc != VS_OK) return rc;
    size_t len = strlen(t);
    if (len > MAX_TEXT_BYTES)
        return cfg_fail_at(c, n, "%s: is %zu characters long; at most %d are allowed", keypath, len, MAX_TEXT_BYTES);
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)t[i];
        if ((ch < 0x20 && ch != '\t' && ch != '\n') || ch == 0x7F)
            return cfg_fail_at(c, n, "%s: contains the control character U+%04X; expected printable text", keypath,
                               (unsigned)ch);
    }
    /* A block scalar ends with a line break: trimmed, the text ends where it ends. */
    while (len && (t[len - 1] == '\n' || t[len - 1] == ' ')) len--;
    *out = malloc(len + 1);
    if (!*out) return vs_error_set(c->err, VS_ERR_RUNTIME, c->origin, 0, 0, "out of memory");
    memcpy(*out, t, len);
    (*out)[len] = '\0';
    return VS_OK;
}

static int opt_lab_text(const struct cfg_ctx *c, const struct vs_ynode *map, const char *path, const char *key,
                        char **out)
{
    const struct vs_ynode *n = vs_ynode_get(map, key);
    if (!n) return VS_OK;
    char kp[KEYPATH_LEN + 32];
    cfg_join(kp, sizeof kp, path, key);
    return lab_text(c, n, kp, out);
}

static int req_lab_text(const struct cfg_ctx *c, const struct vs_ynode *map, const char *path, const char *key,
                        const char *what, char **out)
{
    int rc = cfg_require_key(c, map, path, key, what);
    return rc != VS_OK ? rc : opt_lab_text(c, map, path, key, out);
}

/* A list of text items (a single scalar is a list of one). */
static int text_list(const struct cfg_ctx *c, const struct vs_ynode *n, const char *keypath, char **items,
                     uint32_t *count)
{
    if (n->kind == VS_YNODE_SCALAR) {
        *count = 1;
        return lab_text(c, n, keypath, &items[0]);
    }
    if (n->kind != VS_YNODE_SEQUENCE)
        return cfg_fail_at(c, n, "%s: expected a list of lines of text, not %s", keypath, vs_ynode_kind_name(n->kind));
    if (n->count > VS_LAB_MAX_ITEMS)
        return cfg_fail_at(c, n->items[VS_LAB_MAX_ITEMS], "%s: %zu items; at most %d are allowed", keypath, n->count,
                           VS_LAB_MAX_ITEMS);
    for (size_t i = 0; i < n->count; i++) {
        char kp[KEYPATH_LEN + 32];
        snprintf(kp, sizeof kp, "%s[%zu]", keypath, i);
        int rc = lab_text(c, n->items[i], kp, &items[i]);
        if (rc != VS_OK) return rc;
        *count = (uint32_t)(i + 1);
    }
    return VS_OK;
}

/* The position of a scalar's text: its column, past an opening quote. */
static int text_column(const struct vs_ynode *n) { return n->column + (n->plain ? 0 : 1); }

static int expr_at(const struct cfg_ctx *c, const struct vs_ynode *n, const char *keypath, struct vs_lab_expr *out)
{
    const char *t;
    int rc = cfg_scalar_text(c, n, keypath, "an expression over results such as kvm.web.p99_ms", &t);
    if (rc != VS_OK) return rc;
    return vs_lab_parse_expr(t, c->origin, n->line, text_column(n), out, c->err);
}

/* ---- questions ---- */

static int parse_tolerance(const struct cfg_ctx *c, const struct vs_ynode *n, const char *keypath,
                           struct vs_lab_question *q)
{
    const char *t;
    int rc = cfg_scalar_text(c, n, keypath, "a tolerance such as 10% or 0.5", &t);
    if (rc != VS_OK) return rc;
    char *end;
    errno = 0;
    double v = strtod(t, &end);
    q->relative = *end == '%';
    if (q->relative) end++;
    if (end == t || *end || errno || !isfinite(v) || v < 0 || (q->relative && v >= 100))
        return cfg_fail_at(c, n,
                           "%s: '%.40s' is not allowed; expected a relative tolerance such as 10%% (under 100%%) or "
                           "an absolute one in the answer's unit such as 0.5",
                           keypath, t);
    q->tolerance = q->relative ? v / 100.0 : v;
    return VS_OK;
}

static int parse_number_answer(const struct cfg_ctx *c, const struct vs_ynode *n, const char *path,
                               struct vs_lab_question *q)
{
    char kp[KEYPATH_LEN + 32];
    cfg_join(kp, sizeof kp, path, "answer");
    if (n->kind != VS_YNODE_MAPPING)
        return cfg_fail_at(c, n,
                           "%s: expected a mapping {metric: EXPR, tolerance: 10%%} (the answer is computed from the "
                           "simulation, never written as a number)",
                           kp);
    static const char *const keys[] = {"metric", "ratio", "tolerance"};
    int rc = cfg_check_keys(c, n, kp, keys, N_OF(keys));
    if (rc != VS_OK) return rc;
    const struct vs_ynode *m = vs_ynode_get(n, "metric"), *r = vs_ynode_get(n, "ratio");
    if ((m != NULL) == (r != NULL))
        return cfg_fail_at(c, n, "%s: give metric: (an expression) or ratio: [A, B], one of them", kp);
    char sub[KEYPATH_LEN];
    if (m) {
        cfg_join(sub, sizeof sub, kp, "metric");
        rc = expr_at(c, m, sub, &q->answer);
    } else {
        cfg_join(sub, sizeof sub, kp, "ratio");
        if (r->kind != VS_YNODE_SEQUENCE || r->count != 2)
            return cfg_fail_at(c, r, "%s: expected a list of two expressions [A, B] (the answer is A / B)", sub);
        const char *a, *b;
        rc = cfg_scalar_text(c, r->items[0], sub, "an expression", &a);
        if (rc == VS_OK) rc = cfg_scalar_text(c, r->items[1], sub, "an expression", &b);
        if (rc != VS_OK) return rc;
        char text[VS_LAB_EXPR_TEXT * 2 + 16];
        snprintf(text, sizeof text, "(%s) / (%s)", a, b);
        rc = vs_lab_parse_expr(text, c->origin, r->line, r->column, &q->answer, c->err);
    }
    if (rc != VS_OK) return rc;
    const struct vs_ynode *tol = vs_ynode_get(n, "tolerance");
    if (!tol) return cfg_fail_at(c, n, "%s: needs tolerance: (10%% or an absolute figure such as 0.5)", kp);
    cfg_join(sub, sizeof sub, kp, "tolerance");
    return parse_tolerance(c, tol, sub, q);
}

static int parse_choices(const struct cfg_ctx *c, const struct vs_ynode *qn, const char *path,
                         struct vs_lab_question *q)
{
    char kp[KEYPATH_LEN + 32];
    cfg_join(kp, sizeof kp, path, "choices");
    int rc = cfg_require_key(c, qn, path, "choices", "a list of choices");
    if (rc != VS_OK) return rc;
    const struct vs_ynode *cn = vs_ynode_get(qn, "choices");
    if (cn->kind != VS_YNODE_SEQUENCE || cn->count < 2)
        return cfg_fail_at(c, cn, "%s: expected a list of at least two choices", kp);
    if (cn->count > VS_LAB_MAX_CHOICES)
        return cfg_fail_at(c, cn->items[VS_LAB_MAX_CHOICES], "%s: %zu choices; at most %d are allowed", kp, cn->count,
                           VS_LAB_MAX_CHOICES);
    for (size_t i = 0; i < cn->count; i++) {
        const struct vs_ynode *it = cn->items[i];
        char ip[KEYPATH_LEN + 64];
        snprintf(ip, sizeof ip, "%s[%zu]", kp, i);
        struct vs_lab_choice *ch = &q->choices[i];
        q->n_choices = (uint32_t)(i + 1);
        if (it->kind == VS_YNODE_MAPPING) {
            static const char *const keys[] = {"text", "value"};
            rc = cfg_check_keys(c, it, ip, keys, N_OF(keys));
            if (rc == VS_OK) rc = req_lab_text(c, it, ip, "text", "the choice's text", &ch->text);
            const struct vs_ynode *v = vs_ynode_get(it, "value");
            if (rc == VS_OK && v) {
                ch->value = calloc(1, sizeof *ch->value);
                if (!ch->value) return vs_error_set(c->err, VS_ERR_RUNTIME, c->origin, 0, 0, "out of memory");
                char vp[KEYPATH_LEN + 128];
                cfg_join(vp, sizeof vp, ip, "value");
                rc = expr_at(c, v, vp, ch->value);
            }
        } else {
            rc = lab_text(c, it, ip, &ch->text);
        }
        if (rc != VS_OK) return rc;
    }
    rc = cfg_require_key(c, qn, path, "answer", "the right choice: a letter (a, b, ...), lowest or highest");
    if (rc != VS_OK) return rc;
    const struct vs_ynode *an = vs_ynode_get(qn, "answer");
    char ap[KEYPATH_LEN];
    cfg_join(ap, sizeof ap, path, "answer");
    const char *t;
    rc = cfg_scalar_text(c, an, ap, "a letter (a, b, ...), lowest or highest", &t);
    if (rc != VS_OK) return rc;
    if (strcmp(t, "lowest") == 0 || strcmp(t, "highest") == 0) {
        q->key = t[0] == 'l' ? VS_LAB_KEY_LOWEST : VS_LAB_KEY_HIGHEST;
        for (uint32_t i = 0; i < q->n_choices; i++)
            if (!q->choices[i].value)
                return cfg_fail_at(c, cn->items[i],
                                   "%s[%u]: answer: %s needs every choice to have a value: (an expression such as "
                                   "kvm.web.p99_ms) to compare",
                                   kp, i, t);
        return VS_OK;
    }
    if (strlen(t) == 1 && t[0] >= 'a' && t[0] < 'a' + (int)q->n_choices) {
        q->key = VS_LAB_KEY_FIXED;
        q->fixed = (uint32_t)(t[0] - 'a');
        return VS_OK;
    }
    return cfg_fail_at(c, an, "%s: '%.40s' is not allowed; expected a letter from a to %c, lowest or highest", ap, t,
                       'a' + (int)q->n_choices - 1);
}

static int parse_question(const struct cfg_ctx *c, const struct vs_ynode *qn, const char *path,
                          struct vs_lab_question *q)
{
    int rc = cfg_expect_mapping(c, qn, path, "a question (kind, prompt, answer, hints, explanation)");
    if (rc != VS_OK) return rc;
    static const char *const keys[] = {"kind", "prompt", "choices", "answer", "unit", "model_answer", "hints",
                                       "explanation"};
    rc = cfg_check_keys(c, qn, path, keys, N_OF(keys));
    if (rc == VS_OK) rc = cfg_require_key(c, qn, path, "kind", "the question's kind: choice, number or text");
    if (rc != VS_OK) return rc;
    q->line = qn->line;
    q->column = qn->column;
    static const char *const kinds[] = {"choice", "number", "text"};
    int k;
    rc = cfg_opt_choice(c, qn, path, "kind", kinds, N_OF(kinds), &k);
    if (rc != VS_OK) return rc;
    q->kind = (enum vs_lab_qkind)k;
    rc = req_lab_text(c, qn, path, "prompt", "the question as the student reads it", &q->prompt);
    if (rc == VS_OK) rc = opt_lab_text(c, qn, path, "explanation", &q->explanation);
    if (rc == VS_OK) rc = cfg_opt_text(c, qn, path, "unit", q->unit, sizeof q->unit);
    const struct vs_ynode *h = vs_ynode_get(qn, "hints");
    if (rc == VS_OK && h) {
        char kp[KEYPATH_LEN + 32];
        cfg_join(kp, sizeof kp, path, "hints");
        rc = text_list(c, h, kp, q->hints, &q->n_hints);
    }
    if (rc != VS_OK) return rc;
    const struct vs_ynode *choices = vs_ynode_get(qn, "choices"), *answer = vs_ynode_get(qn, "answer"),
                          *model = vs_ynode_get(qn, "model_answer");
    switch (q->kind) {
    case VS_LAB_Q_CHOICE:
        if (model) return cfg_fail_at(c, cfg_key_node(qn, "model_answer"), "%s.model_answer: only a text question has one", path);
        return parse_choices(c, qn, path, q);
    case VS_LAB_Q_NUMBER:
        if (choices) return cfg_fail_at(c, cfg_key_node(qn, "choices"), "%s.choices: a number question has none (kind: choice has)", path);
        if (model) return cfg_fail_at(c, cfg_key_node(qn, "model_answer"), "%s.model_answer: only a text question has one", path);
        rc = cfg_require_key(c, qn, path, "answer", "{metric: EXPR, tolerance: 10%}");
        return rc != VS_OK ? rc : parse_number_answer(c, answer, path, q);
    case VS_LAB_Q_TEXT:
        if (choices) return cfg_fail_at(c, cfg_key_node(qn, "choices"), "%s.choices: a text question has none (kind: choice has)", path);
        if (answer)
            return cfg_fail_at(c, cfg_key_node(qn, "answer"),
                               "%s.answer: a text question is graded by the instructor; write what a good answer says "
                               "in model_answer:",
                               path);
        return opt_lab_text(c, qn, path, "model_answer", &q->model_answer);
    }
    return VS_OK;
}

/* ---- steps ---- */

static int parse_do(const struct cfg_ctx *c, const struct vs_ynode *n, const char *keypath, struct vs_lab_step *st)
{
    const struct vs_ynode *one = n->kind == VS_YNODE_SEQUENCE ? NULL : n;
    size_t count = one ? 1 : n->count;
    if (count > VS_LAB_MAX_ITEMS)
        return cfg_fail_at(c, n, "%s: %zu things to do; at most %d are allowed", keypath, count, VS_LAB_MAX_ITEMS);
    for (size_t i = 0; i < count; i++) {
        const struct vs_ynode *it = one ? one : n->items[i];
        char ip[KEYPATH_LEN + 64];
        snprintf(ip, sizeof ip, "%s[%zu]", keypath, i);
        struct vs_lab_do *d = &st->todo[i];
        st->n_todo = (uint32_t)(i + 1);
        int rc;
        if (it->kind == VS_YNODE_MAPPING) {
            static const char *const kinds[] = {"run", "tui", "change"};
            if (it->count != 1 || !cfg_in_list(it->pairs[0].key->text, kinds, N_OF(kinds)))
                return cfg_fail_at(c, it, "%s: expected one of run: COMMAND, tui: KEYS, change: WHAT, or plain text",
                                   ip);
            const char *k = it->pairs[0].key->text;
            d->kind = k[0] == 'r' ? VS_LAB_DO_RUN : k[0] == 't' ? VS_LAB_DO_TUI : VS_LAB_DO_CHANGE;
            char vp[KEYPATH_LEN + 128];
            cfg_join(vp, sizeof vp, ip, k);
            rc = lab_text(c, it->pairs[0].value, vp, &d->text);
        } else {
            d->kind = VS_LAB_DO_TEXT;
            rc = lab_text(c, it, ip, &d->text);
        }
        if (rc != VS_OK) return rc;
    }
    return VS_OK;
}

static int parse_approaches(const struct cfg_ctx *c, const struct vs_ynode *n, const char *keypath,
                            struct vs_lab_step *st)
{
    /* The scenario's own compare: check, on a scratch scenario. */
    struct vs_scenario *tmp = calloc(1, sizeof *tmp);
    if (!tmp) return vs_error_set(c->err, VS_ERR_RUNTIME, c->origin, 0, 0, "out of memory");
    (void)keypath;
    int rc = cfg_parse_compare(c, n, tmp);
    if (rc == VS_OK) {
        st->n_approaches = tmp->n_engines;
        for (uint32_t i = 0; i < tmp->n_engines; i++) memcpy(st->approaches[i], tmp->engines[i], VS_NAME_MAX);
    }
    free(tmp);
    return rc;
}

static int parse_sets(const struct cfg_ctx *c, const struct vs_ynode *n, const char *keypath, struct vs_lab_step *st)
{
    if (n->kind != VS_YNODE_MAPPING)
        return cfg_fail_at(c, n, "%s: expected a mapping of parameter paths to values (guests.web.load.rate: 2000/s)",
                           keypath);
    if (n->count > VS_LAB_MAX_SETS)
        return cfg_fail_at(c, n, "%s: %zu values; at most %d are allowed", keypath, n->count, VS_LAB_MAX_SETS);
    for (size_t i = 0; i < n->count; i++) {
        const struct vs_ynode *k = n->pairs[i].key, *v = n->pairs[i].value;
        struct vs_lab_set *s = &st->sets[i];
        if (strlen(k->text) >= sizeof s->param)
            return cfg_fail_at(c, k, "%s: the parameter path '%.40s...' is too long", keypath, k->text);
        snprintf(s->param, sizeof s->param, "%s", k->text);
        const char *t;
        char kp[KEYPATH_LEN + 32];
        cfg_join(kp, sizeof kp, keypath, k->text);
        int rc = cfg_scalar_text(c, v, kp, "a value such as 2000/s, 4 or 1GiB", &t);
        if (rc != VS_OK) return rc;
        /* The unit is the parameter's (load/params.h), known once the
         * scenario is built (lab/lab.c parses it there, at this position). */
        if (strlen(t) >= sizeof s->value) return cfg_fail_at(c, v, "%s: '%.40s...' is too long", kp, t);
        snprintf(s->value, sizeof s->value, "%s", t);
        s->line = v->line;
        s->column = text_column(v);
        st->n_sets = (uint32_t)(i + 1);
    }
    return VS_OK;
}

static int parse_density(const struct cfg_ctx *c, const struct vs_ynode *n, const char *keypath, struct vs_lab_step *st)
{
    int rc = cfg_expect_mapping(c, n, keypath, "{sla: \"p99<20ms\", max: 64}");
    static const char *const keys[] = {"sla", "max", "overcommit"};
    if (rc == VS_OK) rc = cfg_check_keys(c, n, keypath, keys, N_OF(keys));
    if (rc == VS_OK) rc = cfg_require_key(c, n, keypath, "sla", "one SLA or a list (p99<20ms, throughput>=95%)");
    if (rc != VS_OK) return rc;
    st->density = true;
    st->density_max = 128;
    rc = cfg_opt_u32(c, n, keypath, "max", 1, VS_MAX_GUESTS, &st->density_max);
    if (rc != VS_OK) return rc;
    const struct vs_ynode *oc = vs_ynode_get(n, "overcommit");
    if (oc) {
        /* As `virtsim density --overcommit sharing,balloon`. */
        const struct vs_ynode *one = oc->kind == VS_YNODE_SEQUENCE ? NULL : oc;
        size_t count = one ? 1 : oc->count;
        for (size_t i = 0; i < count; i++) {
            const struct vs_ynode *it = one ? one : oc->items[i];
            static const char *const mech[] = {"sharing", "balloon"};
            if (it->kind != VS_YNODE_SCALAR || (strcmp(it->text, mech[0]) != 0 && strcmp(it->text, mech[1]) != 0))
                return cfg_fail_at(c, it, "%s.overcommit: '%.40s' is not allowed; expected sharing, balloon or "
                                          "[sharing, balloon]",
                                   keypath, it->kind == VS_YNODE_SCALAR ? it->text : "a collection");
            if (it->text[0] == 's') st->overcommit_sharing = true;
            else st->overcommit_balloon = true;
        }
    }
    const struct vs_ynode *s = vs_ynode_get(n, "sla");
    const struct vs_ynode *one = s->kind == VS_YNODE_SEQUENCE ? NULL : s;
    size_t count = one ? 1 : s->count;
    if (count == 0 || count > 4) return cfg_fail_at(c, s, "%s.sla: give 1 to 4 SLAs", keypath);
    for (size_t i = 0; i < count; i++) {
        const struct vs_ynode *it = one ? one : s->items[i];
        const char *t;
        rc = cfg_scalar_text(c, it, "sla", "an SLA such as p99<20ms", &t);
        if (rc != VS_OK) return rc;
        if (strlen(t) >= sizeof st->slas[0]) return cfg_fail_at(c, it, "%s.sla: '%.40s...' is too long", keypath, t);
        snprintf(st->slas[i], sizeof st->slas[i], "%s", t);
        st->sla_line[i] = it->line;
        st->sla_column[i] = text_column(it);
        st->n_slas = (uint32_t)(i + 1);
    }
    return VS_OK;
}

/* isolation: {victim: NAME, policies: [caps, pinning]} (or {}: the group
 * the scenario marks victim, the scenario's own settings). */
static int parse_isolation(const struct cfg_ctx *c, const struct vs_ynode *n, const char *keypath,
                           struct vs_lab_step *st)
{
    int rc = cfg_expect_mapping(c, n, keypath, "{victim: web, policies: [caps, pinning]} (or {} for the group "
                                               "marked victim: true)");
    static const char *const keys[] = {"victim", "policies"};
    if (rc == VS_OK) rc = cfg_check_keys(c, n, keypath, keys, N_OF(keys));
    if (rc != VS_OK) return rc;
    st->isolation = true;
    const struct vs_ynode *pol = vs_ynode_get(n, "policies");
    if (pol) {
        /* As `virtsim isolation --policies none,weights,caps,pinning`
         * (run/isolation.h applies them; the names are its). */
        static const char *const known[] = {"none", "weights", "caps", "pinning"};
        const struct vs_ynode *one = pol->kind == VS_YNODE_SEQUENCE ? NULL : pol;
        size_t count = one ? 1 : pol->count;
        if (count == 0 || count > VS_LAB_MAX_POLICIES)
            return cfg_fail_at(c, pol, "%s.policies: give 1 to %d policies (none, weights, caps, pinning)", keypath,
                               VS_LAB_MAX_POLICIES);
        for (size_t i = 0; i < count; i++) {
            const struct vs_ynode *it = one ? one : pol->items[i];
            bool ok = false;
            for (size_t k = 0; k < N_OF(known) && it->kind == VS_YNODE_SCALAR; k++)
                ok = ok || strcmp(it->text, known[k]) == 0;
            for (uint32_t k = 0; k < st->n_policies && ok; k++)
                if (strcmp(st->policies[k], it->text) == 0)
                    return cfg_fail_at(c, it, "%s.policies: '%s' is listed twice", keypath, it->text);
            if (!ok)
                return cfg_fail_at(c, it, "%s.policies: '%.40s' is not allowed; expected none, weights, caps or "
                                          "pinning",
                                   keypath, it->kind == VS_YNODE_SCALAR ? it->text : "a collection");
            snprintf(st->policies[st->n_policies++], sizeof st->policies[0], "%s", it->text);
        }
    }
    const struct vs_ynode *v = vs_ynode_get(n, "victim");
    if (!v) return VS_OK;
    char kp[KEYPATH_LEN + 32];
    cfg_join(kp, sizeof kp, keypath, "victim");
    st->victim_line = v->line;
    st->victim_column = text_column(v);
    return cfg_node_name(c, v, kp, st->victim, sizeof st->victim);
}

static int parse_step(const struct cfg_ctx *c, const struct vs_ynode *sn, size_t index, const char *base_dir,
                      struct vs_lab_step *st)
{
    char path[KEYPATH_LEN];
    snprintf(path, sizeof path, "steps[%zu]", index);
    int rc = cfg_expect_mapping(c, sn, path, "a step (title, text, scenario, do, questions)");
    if (rc != VS_OK) return rc;
    static const char *const keys[] = {"title", "text", "scenario", "approaches", "host", "duration", "vcpus",
                                       "seed", "set", "reps", "density", "isolation", "do", "chart", "question",
                                       "questions"};
    rc = cfg_check_keys(c, sn, path, keys, N_OF(keys));
    if (rc == VS_OK) rc = req_lab_text(c, sn, path, "title", "the step's title", &st->title);
    if (rc == VS_OK) rc = req_lab_text(c, sn, path, "text", "what the step is about", &st->text);
    if (rc == VS_OK) rc = cfg_require_key(c, sn, path, "scenario", "a built-in scenario or workload, or a scenario mapping");
    if (rc != VS_OK) return rc;
    st->step_line = sn->line;
    char kp[KEYPATH_LEN + 32];

    const struct vs_ynode *scn = vs_ynode_get(sn, "scenario");
    st->line = scn->line;
    st->column = scn->column;
    cfg_join(kp, sizeof kp, path, "scenario");
    if (scn->kind == VS_YNODE_MAPPING) {
        st->source = VS_LAB_SRC_INLINE;
        snprintf(st->source_name, sizeof st->source_name, "inline");
        st->scenario = malloc(sizeof *st->scenario);
        if (!st->scenario) return vs_error_set(c->err, VS_ERR_RUNTIME, c->origin, 0, 0, "out of memory");
        rc = cfg_parse_scenario(c, scn, base_dir, st->scenario);
        if (rc != VS_OK) return rc;
    } else {
        const char *t;
        rc = cfg_scalar_text(c, scn, kp, "a built-in scenario or workload name, or a scenario mapping", &t);
        if (rc != VS_OK) return rc;
        if (vs_builtin_find(VS_BUILTIN_SCENARIO, t)) st->source = VS_LAB_SRC_SCENARIO;
        else if (vs_builtin_find(VS_BUILTIN_WORKLOAD, t)) st->source = VS_LAB_SRC_WORKLOAD;
        else {
            char s[512], w[512];
            cfg_builtin_names(VS_BUILTIN_SCENARIO, s, sizeof s);
            cfg_builtin_names(VS_BUILTIN_WORKLOAD, w, sizeof w);
            return cfg_fail_at(c, scn,
                               "%s: '%.60s' is neither a built-in scenario (%s) nor a built-in workload (%s); or write "
                               "the scenario inline as a mapping",
                               kp, t, s, w);
        }
        snprintf(st->source_name, sizeof st->source_name, "%s", t);
    }

    const struct vs_ynode *n;
    if ((n = vs_ynode_get(sn, "approaches"))) {
        cfg_join(kp, sizeof kp, path, "approaches");
        rc = parse_approaches(c, n, kp, st);
    }
    if (rc == VS_OK && (n = vs_ynode_get(sn, "host"))) {
        cfg_join(kp, sizeof kp, path, "host");
        rc = cfg_node_name(c, n, kp, st->host, sizeof st->host);
        if (rc == VS_OK && !vs_builtin_find(VS_BUILTIN_HOST, st->host)) {
            char h[512];
            cfg_builtin_names(VS_BUILTIN_HOST, h, sizeof h);
            rc = cfg_fail_at(c, n, "%s: '%s' is not a built-in host profile; built-in: %s", kp, st->host, h);
        }
        if (rc == VS_OK && st->source == VS_LAB_SRC_SCENARIO)
            rc = cfg_fail_at(c, n, "%s: only a workload's comparison takes a host (a scenario names its own)", kp);
    }
    if (rc == VS_OK) rc = cfg_opt_time(c, sn, path, "duration", true, VS_MAX_DURATION_NS, &st->duration_ns);
    if (rc == VS_OK) rc = cfg_opt_u32(c, sn, path, "vcpus", 1, VS_MAX_VCPUS, &st->vcpus);
    if (rc == VS_OK && st->vcpus && st->source != VS_LAB_SRC_WORKLOAD)
        rc = cfg_fail_at(c, vs_ynode_get(sn, "vcpus"), "%s.vcpus: only a workload's comparison takes vcpus (a scenario "
                                                     "gives each guest's)", path);
    if (rc == VS_OK && (n = vs_ynode_get(sn, "seed"))) {
        uint64_t v;
        cfg_join(kp, sizeof kp, path, "seed");
        rc = cfg_node_uint(c, n, kp, 0, 1e18, &v);
        st->have_seed = true;
        st->seed = v;
    }
    if (rc == VS_OK && (n = vs_ynode_get(sn, "set"))) {
        cfg_join(kp, sizeof kp, path, "set");
        rc = parse_sets(c, n, kp, st);
    }
    st->reps = 1;
    if (rc == VS_OK) rc = cfg_opt_u32(c, sn, path, "reps", 1, 20, &st->reps);
    if (rc == VS_OK && (n = vs_ynode_get(sn, "density"))) {
        cfg_join(kp, sizeof kp, path, "density");
        rc = parse_density(c, n, kp, st);
    }
    if (rc == VS_OK && (n = vs_ynode_get(sn, "isolation"))) {
        cfg_join(kp, sizeof kp, path, "isolation");
        rc = st->density ? cfg_fail_at(c, n, "%s: a step is a density search or an isolation comparison, not both",
                                       kp)
                         : parse_isolation(c, n, kp, st);
    }
    if (rc == VS_OK && (n = vs_ynode_get(sn, "do"))) {
        cfg_join(kp, sizeof kp, path, "do");
        rc = parse_do(c, n, kp, st);
    }
    if (rc == VS_OK) {
        static const char *const charts[] = {"auto",    "none",    "relative", "breakdown",
                                             "migration", "density", "hosts",   "isolation"};
        int ch = 0;
        rc = cfg_opt_choice(c, sn, path, "chart", charts, N_OF(charts), &ch);
        st->chart = (enum vs_lab_chart)ch;
    }
    if (rc != VS_OK) return rc;

    const struct vs_ynode *q1 = vs_ynode_get(sn, "question"), *qs = vs_ynode_get(sn, "questions");
    if (q1 && qs) return cfg_fail_at(c, qs, "%s: give question: (one) or questions: (a list), not both", path);
    if (!q1 && !qs) return cfg_fail_at(c, sn, "%s: a step asks something: give question: or questions:", path);
    if (q1) {
        st->n_questions = 1;
        cfg_join(kp, sizeof kp, path, "question");
        return parse_question(c, q1, kp, &st->questions[0]);
    }
    cfg_join(kp, sizeof kp, path, "questions");
    if (qs->kind != VS_YNODE_SEQUENCE || qs->count == 0)
        return cfg_fail_at(c, qs, "%s: expected a list of questions", kp);
    if (qs->count > VS_LAB_MAX_QUESTIONS)
        return cfg_fail_at(c, qs->items[VS_LAB_MAX_QUESTIONS], "%s: %zu questions; at most %d per step", kp, qs->count,
                           VS_LAB_MAX_QUESTIONS);
    for (size_t i = 0; i < qs->count; i++) {
        char qp[KEYPATH_LEN + 64];
        snprintf(qp, sizeof qp, "%s[%zu]", kp, i);
        st->n_questions = (uint32_t)(i + 1);
        rc = parse_question(c, qs->items[i], qp, &st->questions[i]);
        if (rc != VS_OK) return rc;
    }
    return VS_OK;
}

/* ---- the lab ---- */

static int parse_lab(const struct cfg_ctx *c, const struct vs_ynode *root, const char *base_dir, struct vs_lab *lab)
{
    static const char *const keys[] = {"title", "level", "duration", "objectives", "background", "references",
                                       "instructor_notes", "steps"};
    int rc = cfg_check_keys(c, root, "a lab", keys, N_OF(keys));
    if (rc == VS_OK) rc = req_lab_text(c, root, "", "title", "the lab's title", &lab->title);
    if (rc == VS_OK) rc = cfg_require_key(c, root, "", "level", "introductory, intermediate or advanced");
    if (rc != VS_OK) return rc;
    static const char *const levels[] = {"introductory", "intermediate", "advanced"};
    int lv;
    rc = cfg_opt_choice(c, root, "", "level", levels, N_OF(levels), &lv);
    lab->level = (enum vs_lab_level)lv;
    if (rc == VS_OK) rc = cfg_require_key(c, root, "", "duration", "how long a session takes, such as 45min");
    if (rc == VS_OK) rc = cfg_opt_time(c, root, "", "duration", true, VS_MAX_DURATION_NS, &lab->duration_ns);
    if (rc == VS_OK) rc = cfg_require_key(c, root, "", "objectives", "a list of learning objectives");
    if (rc == VS_OK) rc = text_list(c, vs_ynode_get(root, "objectives"), "objectives", lab->objectives, &lab->n_objectives);
    if (rc == VS_OK) rc = req_lab_text(c, root, "", "background", "a short background", &lab->background);
    const struct vs_ynode *refs = vs_ynode_get(root, "references");
    if (rc == VS_OK && refs) rc = text_list(c, refs, "references", lab->references, &lab->n_references);
    if (rc == VS_OK) rc = req_lab_text(c, root, "", "instructor_notes", "notes for the instructor", &lab->instructor_notes);
    if (rc == VS_OK) rc = cfg_require_key(c, root, "", "steps", "a list of steps");
    if (rc != VS_OK) return rc;
    const struct vs_ynode *sl = vs_ynode_get(root, "steps");
    if (sl->kind != VS_YNODE_SEQUENCE || sl->count == 0)
        return cfg_fail_at(c, sl, "steps: expected a list of steps (- title: ...)");
    if (sl->count > VS_LAB_MAX_STEPS)
        return cfg_fail_at(c, sl->items[VS_LAB_MAX_STEPS], "steps: %zu steps; at most %d are allowed", sl->count,
                           VS_LAB_MAX_STEPS);
    for (size_t i = 0; i < sl->count; i++) {
        lab->n_steps = (uint32_t)(i + 1);
        rc = parse_step(c, sl->items[i], i, base_dir, &lab->steps[i]);
        if (rc != VS_OK) return rc;
    }
    return VS_OK;
}

static void free_expr(struct vs_lab_expr *e) { free(e); }

void vs_lab_free(struct vs_lab *lab)
{
    if (!lab) return;
    free(lab->title);
    for (uint32_t i = 0; i < lab->n_objectives; i++) free(lab->objectives[i]);
    free(lab->background);
    for (uint32_t i = 0; i < lab->n_references; i++) free(lab->references[i]);
    free(lab->instructor_notes);
    for (uint32_t s = 0; s < lab->n_steps; s++) {
        struct vs_lab_step *st = &lab->steps[s];
        free(st->title);
        free(st->text);
        free(st->scenario);
        for (uint32_t i = 0; i < st->n_todo; i++) free(st->todo[i].text);
        for (uint32_t k = 0; k < st->n_questions; k++) {
            struct vs_lab_question *q = &st->questions[k];
            free(q->prompt);
            free(q->model_answer);
            free(q->explanation);
            for (uint32_t i = 0; i < q->n_hints; i++) free(q->hints[i]);
            for (uint32_t i = 0; i < q->n_choices; i++) {
                free(q->choices[i].text);
                free_expr(q->choices[i].value);
            }
        }
    }
    memset(lab, 0, sizeof *lab);
}

int vs_lab_load(const char *text, size_t len, const char *origin, const char *name, const char *base_dir,
                struct vs_lab *out, struct vs_error *err)
{
    build_fields();
    memset(out, 0, sizeof *out);
    struct cfg_ctx c = {origin ? origin : "", err};
    if (len > MAX_FILE_BYTES)
        return vs_error_set(err, VS_ERR_INPUT, c.origin, 0, 0, "the file is larger than 8 MiB; a lab is a few pages");
    struct vs_ydoc *doc;
    int rc = vs_ydoc_load(text, len, c.origin, &doc, err);
    if (rc != VS_OK) return rc;
    const struct vs_ynode *root;
    rc = cfg_root_mapping(&c, doc, "a lab (title, level, duration, objectives, background, steps)", &root);
    snprintf(out->name, sizeof out->name, "%s", name ? name : "lab");
    snprintf(out->origin, sizeof out->origin, "%s", c.origin);
    out->number = (uint32_t)strtoul(out->name, NULL, 10);
    if (rc == VS_OK) rc = parse_lab(&c, root, base_dir, out);
    vs_ydoc_free(doc);
    if (rc != VS_OK) vs_lab_free(out);
    return rc;
}

int vs_lab_load_file(const char *path, struct vs_lab *out, struct vs_error *err)
{
    memset(out, 0, sizeof *out);
    char *text;
    size_t len;
    int rc = cfg_read_file(path, &text, &len, err);
    if (rc != VS_OK) return rc;
    char dir[PATH_MAX_LEN], name[VS_NAME_MAX];
    cfg_dir_of(path, dir, sizeof dir);
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    snprintf(name, sizeof name, "%s", base);
    size_t n = strlen(name);
    if (n > 5 && strcmp(name + n - 5, ".yaml") == 0) name[n - 5] = '\0';
    else if (n > 4 && strcmp(name + n - 4, ".yml") == 0) name[n - 4] = '\0';
    rc = vs_lab_load(text, len, path, name, dir, out, err);
    free(text);
    return rc;
}
