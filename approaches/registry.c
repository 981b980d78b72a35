/* The one table of engines. Adding an approach: one file in approaches/
 * defining its struct vs_engine_ops (with its presets), and one line here. */
#include "virtsim/model/engine.h"

#include <stdio.h>
#include <string.h>

extern const struct vs_engine_ops vs_engine_native;
extern const struct vs_engine_ops vs_engine_emulation;
extern const struct vs_engine_ops vs_engine_paravirt;
extern const struct vs_engine_ops vs_engine_hvm;
extern const struct vs_engine_ops vs_engine_oslevel;

/* In the order the course presents them, the baseline first. */
static const struct vs_engine_ops *const engines[] = {
    &vs_engine_native, &vs_engine_emulation, &vs_engine_paravirt, &vs_engine_hvm, &vs_engine_oslevel,
};

#define N_ENGINES (sizeof engines / sizeof engines[0])

size_t vs_engine_count(void) { return N_ENGINES; }

const struct vs_engine_ops *vs_engine_at(size_t i) { return i < N_ENGINES ? engines[i] : NULL; }

const struct vs_preset *vs_preset_find(const char *name, const struct vs_engine_ops **ops)
{
    for (size_t i = 0; i < N_ENGINES; i++)
        for (size_t p = 0; p < engines[i]->n_presets; p++)
            if (strcmp(engines[i]->presets[p].name, name) == 0) {
                if (ops) *ops = engines[i];
                return &engines[i]->presets[p];
            }
    return NULL;
}

const struct vs_engine_ops *vs_engine_find(const char *name)
{
    const struct vs_engine_ops *ops = NULL;
    return vs_preset_find(name, &ops) ? ops : NULL;
}

const char *vs_engine_names(void)
{
    /* Built once; the table is constant so the text never changes. */
    static char names[2048];
    if (!names[0]) {
        size_t used = 0;
        for (size_t i = 0; i < N_ENGINES; i++)
            for (size_t p = 0; p < engines[i]->n_presets && used < sizeof names; p++)
                used += (size_t)snprintf(names + used, sizeof names - used, "%s%s",
                                         used ? ", " : "", engines[i]->presets[p].name);
    }
    return names;
}

void vs_engine_vm_memory(const struct vs_costs *c, const struct vs_guest_spec *g,
                         bool device_model_process, struct vs_mem_parts *out)
{
    *out = (struct vs_mem_parts){0};
    out->bytes[VS_MEM_APPLICATION] = g->workload.memory.footprint_bytes;
    out->bytes[VS_MEM_GUEST_KERNEL] = vs_cost(c, VS_COST_GUEST_KERNEL_BYTES);
    out->bytes[VS_MEM_PAGE_CACHE] = vs_cost(c, VS_COST_GUEST_PAGE_CACHE_BYTES);
    double inside = out->bytes[VS_MEM_APPLICATION] + out->bytes[VS_MEM_GUEST_KERNEL] +
                    out->bytes[VS_MEM_PAGE_CACHE];
    double excess = g->memory_bytes > 0 ? inside - g->memory_bytes : 0;
    if (excess > 0)
        out->bytes[VS_MEM_PAGE_CACHE] -=
            excess < out->bytes[VS_MEM_PAGE_CACHE] ? excess : out->bytes[VS_MEM_PAGE_CACHE];
    out->bytes[VS_MEM_OVERHEAD] = vs_cost(c, VS_COST_VM_OVERHEAD_BYTES) +
                                  (device_model_process ? vs_cost(c, VS_COST_DEVICE_MODEL_BYTES) : 0);
}

int vs_engine_open(const char *name, const struct vs_host_spec *host, struct vs_engine *out,
                   struct vs_error *err)
{
    const struct vs_engine_ops *ops = NULL;
    const struct vs_preset *preset = vs_preset_find(name, &ops);
    if (!preset)
        return vs_error_set(err, VS_ERR_INPUT, NULL, 0, 0,
                            "unknown engine '%s'; known engines: %s", name, vs_engine_names());
    out->ops = ops;
    out->preset = preset;
    out->state = NULL;
    return ops->create(host, preset, &out->state, err);
}

void vs_engine_close(struct vs_engine *e)
{
    if (e->ops && e->ops->destroy) e->ops->destroy(e->state);
    e->ops = NULL;
    e->preset = NULL;
    e->state = NULL;
}

int vs_engine_open_if_runs(const char *name, const struct vs_host_spec *host, struct vs_engine *e, bool *opened,
                           char *skipped, size_t skipped_len, struct vs_error *err)
{
    *opened = false;
    if (!vs_preset_find(name, NULL))
        return vs_error_set(err, VS_ERR_INPUT, NULL, 0, 0, "--approaches: unknown approach '%s'; known: %s", name,
                            vs_engine_names());
    struct vs_error probe;
    vs_error_clear(&probe);
    if (vs_engine_open(name, host, e, &probe) != VS_OK) {
        size_t used = strlen(skipped);
        if (used < skipped_len)
            snprintf(skipped + used, skipped_len - used, "%s%s (%s)", used ? "; " : "", name, probe.message);
        return VS_OK;
    }
    *opened = true;
    return VS_OK;
}
