/* Look-ups over the built-in library (see builtin.h). The table itself is
 * generated at build time by sim/tools/embed.c into build/gen/builtin_data.c. */
#include "virtsim/load/builtin.h"

#include <string.h>

extern const struct vs_builtin vs_builtin_table[];
extern const size_t vs_builtin_table_len;

size_t vs_builtin_count(void) { return vs_builtin_table_len; }

const struct vs_builtin *vs_builtin_at(size_t i)
{
    return i < vs_builtin_table_len ? &vs_builtin_table[i] : NULL;
}

const struct vs_builtin *vs_builtin_find(enum vs_builtin_kind kind, const char *name)
{
    if (!name) return NULL;
    for (size_t i = 0; i < vs_builtin_table_len; i++)
        if (vs_builtin_table[i].kind == kind && strcmp(vs_builtin_table[i].name, name) == 0)
            return &vs_builtin_table[i];
    return NULL;
}

const char *vs_builtin_kind_name(enum vs_builtin_kind kind)
{
    switch (kind) {
    case VS_BUILTIN_WORKLOAD: return "workload";
    case VS_BUILTIN_SCENARIO: return "scenario";
    case VS_BUILTIN_HOST: return "host";
    case VS_BUILTIN_LAB: return "lab";
    }
    return "unknown";
}
