/* Loading and validating YAML (libyaml): workloads, host profiles and
 * scenarios, from files or from the built-in library. Every error names the
 * file, line and column, the key, and what is allowed. */
#ifndef VIRTSIM_CONFIG_H
#define VIRTSIM_CONFIG_H

#include <stddef.h>
#include "virtsim/core/error.h"
#include "virtsim/spec/scenario.h"

/* Each loader parses `len` bytes of YAML text; `origin` is the name used in
 * messages (a path, or "builtin:workloads/web-server.yaml"). `base_dir` is
 * where relative file references are resolved (NULL: the current directory).
 * They fill the caller's struct; nothing is allocated for the caller. */
int vs_config_load_workload(const char *text, size_t len, const char *origin,
                            struct vs_workload *out, struct vs_error *err);
int vs_config_load_host(const char *text, size_t len, const char *origin,
                        struct vs_host_spec *out, struct vs_error *err);
int vs_config_load_scenario(const char *text, size_t len, const char *origin,
                            const char *base_dir, struct vs_scenario *out, struct vs_error *err);

/* Reads a file and loads it as a scenario. */
int vs_config_load_scenario_file(const char *path, struct vs_scenario *out, struct vs_error *err);

/* What a YAML file is, from its keys: a scenario has `guests`, a host profile
 * `cpu`, a workload `request`. */
enum vs_config_kind { VS_CONFIG_UNKNOWN, VS_CONFIG_WORKLOAD, VS_CONFIG_HOST, VS_CONFIG_SCENARIO };

/* Validates a file of any kind; sets *kind to what it is, even when it
 * fails its checks (VS_CONFIG_UNKNOWN when its keys do not tell). */
int vs_config_validate_file(const char *path, enum vs_config_kind *kind, struct vs_error *err);

/* Finds a workload or host by name: a built-in first, else a file path
 * (relative to base_dir). */
int vs_config_resolve_workload(const char *name_or_path, const char *base_dir,
                               struct vs_workload *out, struct vs_error *err);
int vs_config_resolve_host(const char *name_or_path, const char *base_dir,
                           struct vs_host_spec *out, struct vs_error *err);

#endif
