/* Loading lab files (labs/NN-NAME.yaml, docs/yaml-reference.md "Labs"): YAML to a
 * struct vs_lab (spec/lab.h), with every error as FILE:LINE:COL naming the
 * key and what is allowed. Answer expressions are parsed here; whether the
 * engines and groups they name exist in the step's scenario is checked by
 * the lab layer once the scenario is built (lab/lab.h, vs_lab_prepare). */
#ifndef VIRTSIM_LOAD_LAB_H
#define VIRTSIM_LOAD_LAB_H

#include <stddef.h>
#include "virtsim/core/error.h"
#include "virtsim/spec/lab.h"

/* Parses len bytes of YAML as a lab called `name` (its file name without
 * .yaml; the leading digits are its number); origin names the text in
 * messages, base_dir resolves an inline scenario's file references (NULL:
 * the current directory). On success *out is filled and the caller owns
 * what it points to: release with vs_lab_free. On failure *out holds
 * nothing to free. */
int vs_lab_load(const char *text, size_t len, const char *origin, const char *name, const char *base_dir,
                struct vs_lab *out, struct vs_error *err);
/* The same from a file (its name gives the lab's). */
int vs_lab_load_file(const char *path, struct vs_lab *out, struct vs_error *err);
/* Releases what a loaded lab owns (not the struct); NULL is a no-op. */
void vs_lab_free(struct vs_lab *lab);

/* An expression (spec/lab.h) from text; line and column say where the text
 * is, for messages. VS_ERR_INPUT with "FILE:LINE:COL: message" in err. */
int vs_lab_parse_expr(const char *text, const char *origin, int line, int column, struct vs_lab_expr *out,
                      struct vs_error *err);

/* A field's name as written in a reference ("p99_ms", "vmexit_pct",
 * "vmexits_per_s", "downtime_ms"), and which object it belongs to. */
const char *vs_lab_field_name(enum vs_lab_field f);
enum vs_lab_object vs_lab_field_object(enum vs_lab_field f);
/* Whether a field is over the replications (the scores) rather than the first run. */
bool vs_lab_field_is_score(enum vs_lab_field f);

/* "choice", "number", "text". */
const char *vs_lab_qkind_name(enum vs_lab_qkind k);

#endif
