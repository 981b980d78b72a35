/* Private to the loaders in sim/load/: the context every check carries, the
 * limits, and the node helpers and parsers the loader files share
 * (cfg_nodes.c: node checks and suggestions; cfg_workload.c; cfg_host.c;
 * config.c: files, references and the public entry points; cfg_scenario.c;
 * cfg_timeline.c). Not part of the public API. */
#ifndef VIRTSIM_LOAD_CFG_H
#define VIRTSIM_LOAD_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "virtsim/core/error.h"
#include "virtsim/core/units.h"
#include "virtsim/load/builtin.h"
#include "virtsim/load/config.h"
#include "virtsim/load/yamltree.h"
#include "virtsim/spec/scenario.h"

/* A virtsim file is a page or two of YAML; anything this big is a mistake. */
#define MAX_FILE_BYTES VS_YAML_MAX_FILE_BYTES
#define PATH_MAX_LEN 1024
#define KEYPATH_LEN 160

/* Limits that keep a run's memory and event count sane; documented in
 * docs/yaml-reference.md. */
#define MAX_CORES 4096
/* A host's quantities (docs/yaml-reference.md, "Limits"): wide enough for any
 * machine from a 1980s workstation to a future one, narrow enough that one
 * request's work never reaches the model's own limits (a CPU burst of 126
 * years, a device service of 2^62 ns). */
#define MIN_FREQUENCY_HZ 1e6
#define MAX_FREQUENCY_HZ 1e11
#define MIN_MEMORY_BYTES (1024.0 * 1024)
#define MAX_MEMORY_BYTES (1024.0 * 1024 * 1024 * 1024 * 1024 * 1024)
#define MIN_BITRATE 1e6
#define MAX_BITRATE 1e15
#define MIN_BYTERATE 1e6
#define MAX_BYTERATE 1e12
#define MIN_SLICE_NS (10 * VS_NS_PER_US)
#define MAX_CLIENTS 1000000
#define MAX_BATCH_TOTAL 1e12
#define MAX_RATE_PER_S 1e9
#define MAX_QUEUE_LIMIT 16777216
#define MAX_PARALLELISM 65536
#define MAX_OVERHEAD_BYTES 65536
#define MAX_WEIGHT 1e6
#define MAX_EVENTS_LIMIT 1e12
#define MAX_OPS_PER_REQUEST 1e9 /* system calls, faults, misses, switches */
#define MAX_IOS_PER_REQUEST 1e5 /* disk requests and packets: each is simulated */
#define MAX_IO_BYTES (1024.0 * 1024 * 1024 * 1024)
#define MAX_INSTRUCTIONS 1e13
#define MAX_DIST_TIME_NS ((double)VS_MAX_DURATION_NS)
#define DEFAULT_MAX_EVENTS 500000000ull
#define DEFAULT_DURATION_NS (10 * VS_NS_PER_S)
#define DEFAULT_SEED 1
#define DEFAULT_WEIGHT 256.0
#define DEFAULT_HOST "current"
/* Guest instances are named NAME-N; keep room for the suffix. */
#define GUEST_NAME_MAX (VS_NAME_MAX - 8)

struct cfg_ctx {
    const char *origin;
    struct vs_error *err;
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Whether guest group g may be placed on host declaration h (its host:). */
bool cfg_guest_may_run_on(const struct vs_scenario *sc, const struct vs_guest_spec *g, uint32_t h);
/* cfg_bounds.c: guests[i]'s largest request fits in one CPU burst on every
 * host it may run on, under every engine compared; else an error at its
 * workload naming the keys. */
int cfg_check_guest_burst(const struct cfg_ctx *c, const struct vs_ynode *gn, size_t i, const struct vs_scenario *sc);

int cfg_fail_at(const struct cfg_ctx *c, const struct vs_ynode *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void cfg_join(char *buf, size_t len, const char *path, const char *key);
void cfg_list_words(const char *const *words, size_t n, const char *last_sep, char *buf, size_t len);
size_t cfg_edit_distance(const char *a, const char *b);
void cfg_suggest(const char *word, const char *const *words, size_t n, char *buf, size_t len);
bool cfg_in_list(const char *word, const char *const *words, size_t n);
int cfg_expect_mapping(const struct cfg_ctx *c, const struct vs_ynode *n, const char *keypath, const char *what);
int cfg_check_keys(const struct cfg_ctx *c, const struct vs_ynode *map, const char *where, const char *const *allowed, size_t n_allowed);
/* The key node of `key` in a mapping (for messages that point at the key,
 * not its value), or NULL. */
const struct vs_ynode *cfg_key_node(const struct vs_ynode *map, const char *key);
int cfg_require_key(const struct cfg_ctx *c, const struct vs_ynode *map, const char *path, const char *key, const char *what);
int cfg_scalar_text(const struct cfg_ctx *c, const struct vs_ynode *n, const char *keypath, const char *expected, const char **text);
int cfg_node_quantity(const struct cfg_ctx *c, const struct vs_ynode *n, const char *keypath, enum vs_unit_kind kind, double *out);
int cfg_node_positive(const struct cfg_ctx *c, const struct vs_ynode *n, const char *keypath, enum vs_unit_kind kind, double max, double *out);
int cfg_node_uint(const struct cfg_ctx *c, const struct vs_ynode *n, const char *keypath, double min, double max, uint64_t *out);
int cfg_node_time(const struct cfg_ctx *c, const struct vs_ynode *n, const char *keypath, bool positive, vs_time_ns max_ns, vs_time_ns *out);
int cfg_node_bool(const struct cfg_ctx *c, const struct vs_ynode *n, const char *keypath, bool *out);
int cfg_node_choice(const struct cfg_ctx *c, const struct vs_ynode *n, const char *keypath, const char *const *names, size_t count, int *out);
bool cfg_name_char_ok(char ch);
int cfg_node_name(const struct cfg_ctx *c, const struct vs_ynode *n, const char *keypath, char *out, size_t cap);
int cfg_node_text(const struct cfg_ctx *c, const struct vs_ynode *n, const char *keypath, char *out, size_t cap);
int cfg_opt_quantity(const struct cfg_ctx *c, const struct vs_ynode *map, const char *path, const char *key, enum vs_unit_kind kind, double *out);
/* An optional quantity that must lie in [min, max]; the message gives the
 * range as min_text to max_text ("1MHz", "100GHz"). */
int cfg_opt_range(const struct cfg_ctx *c, const struct vs_ynode *map, const char *path, const char *key,
                  enum vs_unit_kind kind, double min, double max, const char *min_text, const char *max_text,
                  double *out);
int cfg_opt_bounded(const struct cfg_ctx *c, const struct vs_ynode *map, const char *path, const char *key, enum vs_unit_kind kind, double max, double *out);
int cfg_opt_positive(const struct cfg_ctx *c, const struct vs_ynode *map, const char *path, const char *key, enum vs_unit_kind kind, double max, double *out);
int cfg_opt_u32(const struct cfg_ctx *c, const struct vs_ynode *map, const char *path, const char *key, double min, double max, uint32_t *out);
int cfg_opt_time(const struct cfg_ctx *c, const struct vs_ynode *map, const char *path, const char *key, bool positive, vs_time_ns max_ns, vs_time_ns *out);
int cfg_opt_bool(const struct cfg_ctx *c, const struct vs_ynode *map, const char *path, const char *key, bool *out);
int cfg_opt_choice(const struct cfg_ctx *c, const struct vs_ynode *map, const char *path, const char *key, const char *const *names, size_t count, int *out);
int cfg_opt_name(const struct cfg_ctx *c, const struct vs_ynode *map, const char *path, const char *key, char *out, size_t cap);
int cfg_opt_text(const struct cfg_ctx *c, const struct vs_ynode *map, const char *path, const char *key, char *out, size_t cap);
int cfg_node_dist(const struct cfg_ctx *c, const struct vs_ynode *n, const char *keypath, enum vs_unit_kind unit, double max, enum vs_dist_kind scalar_kind, struct vs_dist *out);
int cfg_parse_load(const struct cfg_ctx *c, const struct vs_ynode *n, const char *path, const struct vs_load_spec *base, struct vs_load_spec *out);
int cfg_parse_request(const struct cfg_ctx *c, const struct vs_ynode *n, const char *path, struct vs_request_spec *r);
int cfg_parse_memory_spec(const struct cfg_ctx *c, const struct vs_ynode *n, const char *path, struct vs_memory_spec *m);
void cfg_workload_defaults(struct vs_workload *w);
int cfg_parse_workload(const struct cfg_ctx *c, const struct vs_ynode *n, const char *path, const char *default_name, struct vs_workload *out);
int cfg_parse_costs(const struct cfg_ctx *c, const struct vs_ynode *n, const char *path, struct vs_costs *costs);
int cfg_parse_host(const struct cfg_ctx *c, const struct vs_ynode *n, const char *path, const struct vs_host_spec *base, int inline_level, bool name_required, struct vs_host_spec *out);
int cfg_read_file(const char *path, char **text, size_t *len, struct vs_error *err);
void cfg_dir_of(const char *path, char *out, size_t len);
void cfg_resolve_path(const char *name, const char *base_dir, char *out, size_t len);
void cfg_builtin_names(enum vs_builtin_kind kind, char *buf, size_t len);
int cfg_fetch_ref(enum vs_builtin_kind kind, const char *name, const char *base_dir, const char **text, size_t *len, char **owned, char *origin, size_t origin_len, bool *bad_ref, struct vs_error *err);
int cfg_root_mapping(const struct cfg_ctx *c, const struct vs_ydoc *doc, const char *expected, const struct vs_ynode **root);
int cfg_load_host_text(const char *text, size_t len, const char *origin, struct vs_host_spec *out, struct vs_error *err);
int cfg_resolve_ref(enum vs_builtin_kind kind, const char *name, const char *base_dir, void *out, bool *bad_ref, struct vs_error *err);
int cfg_resolve_at(const struct cfg_ctx *c, const struct vs_ynode *n, const char *keypath, enum vs_builtin_kind kind, const char *base_dir, void *out);
int cfg_parse_host_ref(const struct cfg_ctx *c, const struct vs_ynode *n, const char *base_dir, struct vs_host_spec *out);
int cfg_parse_compare(const struct cfg_ctx *c, const struct vs_ynode *n, struct vs_scenario *sc);
bool cfg_is_instance_name(const char *name, const char *group, uint32_t count);
/* cfg_resources.c: a guest group's resources: mapping. */
int cfg_parse_resources(const struct cfg_ctx *c, const struct vs_ynode *n, const char *path, struct vs_resources *r);
int cfg_node_range_bytes(const struct cfg_ctx *c, const struct vs_ynode *n, const char *keypath, double *out);
int cfg_parse_guest(const struct cfg_ctx *c, const struct vs_ynode *n, size_t index, const char *base_dir, struct vs_guest_spec *g);
int cfg_parse_sweep(const struct cfg_ctx *c, const struct vs_ynode *n, struct vs_scenario *sc);
int cfg_parse_scenario(const struct cfg_ctx *c, const struct vs_ynode *root, const char *base_dir, struct vs_scenario *sc);
int cfg_load_scenario_doc(const char *text, size_t len, const char *origin, const char *base_dir, struct vs_scenario *out, struct vs_error *err);

/* cfg_timeline.c: `events:`, checked against the components' actions. */
int cfg_parse_events(const struct cfg_ctx *c, const struct vs_ynode *n, struct vs_scenario *sc);

#endif
