/* The kernel components, in the order their hooks run. Adding one: a file in
 * sim/comp/ defining its `const struct vs_component_ops`, and a line here. */
#include "virtsim/model/component.h"

#include <stdio.h>
#include <string.h>

extern const struct vs_component_ops vs_component_lifecycle, vs_component_mobility, vs_component_faults,
    vs_component_memory;

static const struct vs_component_ops *const components[] = {
    &vs_component_lifecycle,
    &vs_component_mobility,
    &vs_component_faults,
    &vs_component_memory,
};

size_t vs_component_count(void) { return sizeof components / sizeof components[0]; }

const struct vs_component_ops *vs_component_at(size_t i)
{
    return i < vs_component_count() ? components[i] : NULL;
}

const struct vs_action_def *vs_action_find(const char *name, const struct vs_component_ops **owner)
{
    for (size_t c = 0; c < vs_component_count(); c++)
        for (size_t a = 0; a < components[c]->n_actions; a++)
            if (strcmp(components[c]->actions[a].name, name) == 0) {
                if (owner) *owner = components[c];
                return &components[c]->actions[a];
            }
    return NULL;
}

const char *vs_action_names(void)
{
    static char buf[512];
    if (buf[0]) return buf;
    size_t used = 0;
    for (size_t c = 0; c < vs_component_count(); c++)
        for (size_t a = 0; a < components[c]->n_actions && used < sizeof buf; a++)
            used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s", used ? ", " : "",
                                     components[c]->actions[a].name);
    return buf;
}

int vs_component_each_guest(struct vs_world *w, const char *target, vs_guest_action_fn fn, void *ctx, char *why,
                            size_t why_len)
{
    uint32_t idx[VS_MAX_GUESTS];
    uint32_t count = vs_world_find_guests(w, target, idx, VS_MAX_GUESTS);
    if (count == 0) {
        snprintf(why, why_len, "no guest is called %.60s", target);
        return VS_ERR_INPUT;
    }
    int rc = VS_OK;
    for (uint32_t i = 0; i < count; i++) {
        char one[200];
        int r = fn(ctx, w, idx[i], one, sizeof one);
        if (r != VS_OK && rc == VS_OK) {
            rc = r;
            snprintf(why, why_len, "%s", one);
        }
    }
    return rc;
}

void vs_component_figure(struct vs_component_figure *out, uint32_t *n, const char *name, double value)
{
    if (*n >= VS_COMPONENT_MAX_FIGURES) return;
    snprintf(out[*n].name, sizeof out[*n].name, "%s", name);
    out[*n].value = value;
    (*n)++;
}
