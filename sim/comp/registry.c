/* The kernel components, in the order their hooks run. Adding one: a file in
 * sim/comp/ defining its `const struct vs_component_ops`, and a line here. */
#include "virtsim/model/component.h"

#include <stdio.h>
#include <string.h>

extern const struct vs_component_ops vs_component_lifecycle, vs_component_mobility;

static const struct vs_component_ops *const components[] = {
    &vs_component_lifecycle,
    &vs_component_mobility,
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
