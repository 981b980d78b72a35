/* The built-in library: YAML files from workloads/, scenarios/ and
 * scenarios/hosts/ embedded into the binary at build time, so virtsim runs
 * from any directory. */
#ifndef VIRTSIM_BUILTIN_H
#define VIRTSIM_BUILTIN_H

#include <stddef.h>

enum vs_builtin_kind { VS_BUILTIN_WORKLOAD, VS_BUILTIN_SCENARIO, VS_BUILTIN_HOST, VS_BUILTIN_LAB };

struct vs_builtin {
    enum vs_builtin_kind kind;
    const char *name;   /* file name without .yaml */
    const char *path;   /* path in the source tree, e.g. "workloads/web-server.yaml" */
    const char *data;   /* NUL-terminated YAML text */
    size_t len;
};

size_t vs_builtin_count(void);
const struct vs_builtin *vs_builtin_at(size_t i);
/* NULL when there is no built-in of that kind and name. */
const struct vs_builtin *vs_builtin_find(enum vs_builtin_kind kind, const char *name);
const char *vs_builtin_kind_name(enum vs_builtin_kind kind); /* "workload", ... */

#define VS_DEFAULT_SCENARIO "default"

#endif
