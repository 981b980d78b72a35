/* The `resources:` mapping of a guest group: one sub-mapping per resource
 * the host manages for each instance. Only `memory:` is parsed here; other
 * resources (cpu, disk, net) get a parser of their own beside it and a name
 * in `resource_keys`, and an unknown one is refused with the list of those
 * that exist. What the keys mean: docs/yaml-reference.md, "Resources". */
#include <string.h>

#include "cfg.h"

/* `memory: 2GiB` is short for `memory: {limit: 2GiB}`. */
static int parse_memory(const struct cfg_ctx *c, const struct vs_ynode *n, const char *path,
                        struct vs_memory_resources *m)
{
    m->set = true;
    m->line = n->line;
    m->column = n->column;
    if (n->kind == VS_YNODE_SCALAR)
        return cfg_node_range_bytes(c, n, path, &m->limit_bytes);
    int rc = cfg_expect_mapping(c, n, path, "a size such as 2GiB, or a mapping such as {limit: 2GiB, balloon: on, "
                                            "sharing: on, swap: on}");
    if (rc != VS_OK) return rc;
    static const char *const keys[] = {"limit", "balloon", "sharing", "swap"};
    rc = cfg_check_keys(c, n, path, keys, N_OF(keys));
    const struct vs_ynode *ln = vs_ynode_get(n, "limit");
    if (rc == VS_OK && ln) {
        char kp[KEYPATH_LEN];
        cfg_join(kp, sizeof kp, path, "limit");
        rc = cfg_node_range_bytes(c, ln, kp, &m->limit_bytes);
    }
    if (rc == VS_OK) rc = cfg_opt_bool(c, n, path, "balloon", &m->balloon);
    if (rc == VS_OK) rc = cfg_opt_bool(c, n, path, "sharing", &m->sharing);
    if (rc == VS_OK) rc = cfg_opt_bool(c, n, path, "swap", &m->swap);
    return rc;
}

/* A memory size in [1 MiB, 1 EiB]. */
int cfg_node_range_bytes(const struct cfg_ctx *c, const struct vs_ynode *n, const char *keypath, double *out)
{
    int rc = cfg_node_quantity(c, n, keypath, VS_UNIT_BYTES, out);
    if (rc != VS_OK) return rc;
    if (*out < MIN_MEMORY_BYTES || *out > MAX_MEMORY_BYTES)
        return cfg_fail_at(c, n, "%s: '%.60s' is out of range; expected a size from 1MiB to 1EiB", keypath, n->text);
    return VS_OK;
}

int cfg_parse_resources(const struct cfg_ctx *c, const struct vs_ynode *n, const char *path, struct vs_resources *r)
{
    memset(r, 0, sizeof *r);
    int rc = cfg_expect_mapping(c, n, path, "a mapping such as {memory: {limit: 2GiB, balloon: on}}");
    if (rc != VS_OK) return rc;
    static const char *const resource_keys[] = {"memory"};
    rc = cfg_check_keys(c, n, path, resource_keys, N_OF(resource_keys));
    const struct vs_ynode *m = vs_ynode_get(n, "memory");
    if (rc == VS_OK && m) {
        char kp[KEYPATH_LEN];
        cfg_join(kp, sizeof kp, path, "memory");
        rc = parse_memory(c, m, kp, &r->memory);
    }
    return rc;
}
