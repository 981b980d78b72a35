/* Reports of a scenario's results: a table for people, CSV for
 * spreadsheets, JSON for programs (and for remaking charts). All three carry
 * the same figures; docs/output-formats.md describes every column and key. */
#ifndef VIRTSIM_REPORT_H
#define VIRTSIM_REPORT_H

#include <stdio.h>
#include "virtsim/core/error.h"
#include "virtsim/out/results.h"

enum vs_report_format { VS_REPORT_TABLE, VS_REPORT_CSV, VS_REPORT_JSON };

/* "table", "csv" or "json"; VS_ERR_INPUT otherwise. */
int vs_report_parse_format(const char *name, enum vs_report_format *out);

/* Writes the whole report to f. VS_ERR_RUNTIME if writing fails. */
int vs_report_write(FILE *f, const struct vs_results *r, enum vs_report_format fmt,
                    struct vs_error *err);

/* The JSON report as one value of a JSON document being written (a sweep
 * nests one per point); vs_report_write's JSON is exactly this value. */
struct vs_json;
void vs_report_json(struct vs_json *w, const struct vs_results *r);

/* One CSV field, quoted per RFC 4180 when it holds a comma, quote or newline
 * (shared with the charts' CSV). */
void vs_report_csv_field(FILE *f, const char *s);

#endif
