/* Loading and validating workloads, host profiles and scenarios from YAML
 * (see config.h and docs/yaml-reference.md): files, references to the
 * built-in library, and the public entry points. The text becomes a tree
 * with positions (yamltree.h); each kind of file is then checked key by key
 * against its schema by cfg_workload.c, cfg_host.c and cfg_scenario.c, so
 * every error names the file, line and column of the offending node, the key
 * path, and what would have been accepted. */
#include "virtsim/load/config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "virtsim/core/inputs.h"
#include "virtsim/host/costs.h"
#include "virtsim/load/params.h"
#include "virtsim/model/engine.h"

/* ---- files and references ---- */

/* Reads a whole file into a NUL-terminated buffer the caller frees. */
int cfg_read_file(const char *path, char **text, size_t *len, struct vs_error *err)
{
    return vs_yfile_read(path, "a virtsim YAML file", text, len, err);
}

void cfg_dir_of(const char *path, char *out, size_t len)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(out, len, ".");
    else if (slash == path)
        snprintf(out, len, "/");
    else
        snprintf(out, len, "%.*s", (int)(slash - path), path);
}

void cfg_resolve_path(const char *name, const char *base_dir, char *out, size_t len)
{
    if (name[0] == '/' || !base_dir || !base_dir[0] || strcmp(base_dir, ".") == 0)
        snprintf(out, len, "%s", name);
    else
        snprintf(out, len, "%s/%s", base_dir, name);
}

void cfg_builtin_names(enum vs_builtin_kind kind, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < vs_builtin_count() && used < len; i++) {
        const struct vs_builtin *b = vs_builtin_at(i);
        if (b->kind != kind) continue;
        int w = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", b->name);
        if (w < 0) break;
        used += (size_t)w;
    }
}

/* The text of a referenced workload or host: a built-in of that name, else
 * a file. *owned is what the caller frees (NULL for a built-in). When the
 * reference itself is bad (no such built-in or file), *bad_ref is set and
 * err holds a message without position, for the caller to place. */
int cfg_fetch_ref(enum vs_builtin_kind kind, const char *name, const char *base_dir,
                     const char **text, size_t *len, char **owned, char *origin, size_t origin_len,
                     bool *bad_ref, struct vs_error *err)
{
    *owned = NULL;
    *bad_ref = false;
    const struct vs_builtin *b = vs_builtin_find(kind, name);
    if (b) {
        *text = b->data;
        *len = b->len;
        snprintf(origin, origin_len, "builtin:%s", b->path);
        return VS_OK;
    }
    char path[PATH_MAX_LEN];
    cfg_resolve_path(name, base_dir, path, sizeof path);
    FILE *f = fopen(path, "rb");
    if (!f) {
        int e = errno;
        char names[512];
        cfg_builtin_names(kind, names, sizeof names);
        *bad_ref = true;
        if (e == ENOENT)
            return vs_error_set(err, VS_ERR_INPUT, NULL, 0, 0,
                                "'%s' is neither a built-in %s nor a file (looked for %s); "
                                "built-in %ss: %s",
                                name, vs_builtin_kind_name(kind), path, vs_builtin_kind_name(kind),
                                names);
        return vs_error_set(err, VS_ERR_INPUT, NULL, 0, 0, "cannot open %s: %s", path, strerror(e));
    }
    fclose(f);
    size_t n;
    int rc = cfg_read_file(path, owned, &n, err);
    if (rc != VS_OK) {
        *bad_ref = true;
        return rc;
    }
    *text = *owned;
    *len = n;
    snprintf(origin, origin_len, "%s", path);
    return VS_OK;
}

/* The root mapping of a document, or an error for an empty file or a top
 * level that is not a mapping. */
int cfg_root_mapping(const struct cfg_ctx *c, const struct vs_ydoc *doc, const char *expected,
                        const struct vs_ynode **root)
{
    const struct vs_ynode *r = doc->root;
    if (!r || vs_ynode_is_null(r))
        return vs_error_set(c->err, VS_ERR_INPUT, c->origin, 1, 1, "the file is empty; expected %s",
                            expected);
    if (r->kind != VS_YNODE_MAPPING) {
        if (r->kind == VS_YNODE_SCALAR)
            return cfg_fail_at(c, r,
                           "the top level must be a mapping of keys (key: value lines), not "
                           "the scalar '%.60s'",
                           r->text);
        return cfg_fail_at(c, r, "the top level must be a mapping of keys (key: value lines), not %s",
                       vs_ynode_kind_name(r->kind));
    }
    *root = r;
    return VS_OK;
}

static const char workload_expected[] =
    "a workload (a mapping with name, load, request and memory)";
static const char host_expected[] =
    "a host profile (a mapping with name, cpu, memory, disk, nic, costs)";

int vs_config_load_workload(const char *text, size_t len, const char *origin,
                            struct vs_workload *out, struct vs_error *err)
{
    struct cfg_ctx c = {origin ? origin : "", err};
    struct vs_ydoc *doc;
    int rc = vs_ydoc_load(text, len, c.origin, &doc, err);
    if (rc != VS_OK) return rc;
    const struct vs_ynode *root;
    rc = cfg_root_mapping(&c, doc, workload_expected, &root);
    if (rc == VS_OK) rc = cfg_parse_workload(&c, root, "", NULL, out);
    vs_ydoc_free(doc);
    return rc;
}

int cfg_load_host_text(const char *text, size_t len, const char *origin,
                          struct vs_host_spec *out, struct vs_error *err)
{
    struct cfg_ctx c = {origin ? origin : "", err};
    struct vs_ydoc *doc;
    int rc = vs_ydoc_load(text, len, c.origin, &doc, err);
    if (rc != VS_OK) return rc;
    const struct vs_ynode *root;
    rc = cfg_root_mapping(&c, doc, host_expected, &root);
    struct vs_host_spec base;
    vs_host_spec_defaults(&base);
    if (rc == VS_OK) rc = cfg_parse_host(&c, root, "", &base, false, true, out);
    vs_ydoc_free(doc);
    return rc;
}

int vs_config_load_host(const char *text, size_t len, const char *origin, struct vs_host_spec *out,
                        struct vs_error *err)
{
    return cfg_load_host_text(text, len, origin, out, err);
}

/* Shared by the public resolvers and by scenarios, which place a bad
 * reference's message at their own node. */
int cfg_resolve_ref(enum vs_builtin_kind kind, const char *name, const char *base_dir, void *out,
                       bool *bad_ref, struct vs_error *err)
{
    const char *text = NULL;
    size_t len = 0;
    char *owned = NULL;
    char origin[PATH_MAX_LEN + 16];
    int rc =
        cfg_fetch_ref(kind, name, base_dir, &text, &len, &owned, origin, sizeof origin, bad_ref, err);
    if (rc != VS_OK) return rc;
    if (kind == VS_BUILTIN_WORKLOAD)
        rc = vs_config_load_workload(text, len, origin, out, err);
    else
        rc = cfg_load_host_text(text, len, origin, out, err);
    free(owned);
    return rc;
}

int vs_config_resolve_workload(const char *name_or_path, const char *base_dir,
                               struct vs_workload *out, struct vs_error *err)
{
    bool bad_ref;
    return cfg_resolve_ref(VS_BUILTIN_WORKLOAD, name_or_path, base_dir, out, &bad_ref, err);
}

int vs_config_resolve_host(const char *name_or_path, const char *base_dir, struct vs_host_spec *out,
                           struct vs_error *err)
{
    bool bad_ref;
    return cfg_resolve_ref(VS_BUILTIN_HOST, name_or_path, base_dir, out, &bad_ref, err);
}

/* A reference written at node n of the current file: a bad reference is
 * reported there; an error inside the referenced file stays in that file. */
int cfg_resolve_at(const struct cfg_ctx *c, const struct vs_ynode *n, const char *keypath,
                      enum vs_builtin_kind kind, const char *base_dir, void *out)
{
    const char *name;
    char what[64];
    snprintf(what, sizeof what, "the name or path of a %s", vs_builtin_kind_name(kind));
    int rc = cfg_scalar_text(c, n, keypath, what, &name);
    if (rc != VS_OK) return rc;
    if (!name[0]) return cfg_fail_at(c, n, "%s: is empty; expected %s", keypath, what);
    bool bad_ref = false;
    struct vs_error inner;
    vs_error_clear(&inner);
    rc = cfg_resolve_ref(kind, name, base_dir, out, &bad_ref, &inner);
    if (rc == VS_OK) return VS_OK;
    if (bad_ref) return cfg_fail_at(c, n, "%s: %s", keypath, inner.message);
    *c->err = inner;
    return rc;
}
