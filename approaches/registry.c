/* The one table of engines. Adding an approach: one file in approaches/
 * defining its struct vs_engine_ops, and one line here. */
#include "virtsim/engine.h"

#include <stdio.h>
#include <string.h>

extern const struct vs_engine_ops vs_engine_native;

static const struct vs_engine_ops *const engines[] = {
    &vs_engine_native,
};

#define N_ENGINES (sizeof engines / sizeof engines[0])

size_t vs_engine_count(void) { return N_ENGINES; }

const struct vs_engine_ops *vs_engine_at(size_t i) { return i < N_ENGINES ? engines[i] : NULL; }

const struct vs_engine_ops *vs_engine_find(const char *name)
{
    for (size_t i = 0; i < N_ENGINES; i++)
        if (strcmp(engines[i]->name, name) == 0) return engines[i];
    return NULL;
}

const char *vs_engine_names(void)
{
    /* Built once; the table is constant so the text never changes. */
    static char names[1024];
    if (!names[0]) {
        size_t used = 0;
        for (size_t i = 0; i < N_ENGINES && used < sizeof names; i++)
            used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "",
                                     engines[i]->name);
    }
    return names;
}

int vs_engine_open(const char *name, const struct vs_host_spec *host, struct vs_engine *out,
                   struct vs_error *err)
{
    const struct vs_engine_ops *ops = vs_engine_find(name);
    if (!ops)
        return vs_error_set(err, VS_ERR_INPUT, NULL, 0, 0,
                            "unknown engine '%s'; known engines: %s", name, vs_engine_names());
    out->ops = ops;
    out->state = NULL;
    return ops->create(host, &out->state, err);
}

void vs_engine_close(struct vs_engine *e)
{
    if (e->ops && e->ops->destroy) e->ops->destroy(e->state);
    e->ops = NULL;
    e->state = NULL;
}
