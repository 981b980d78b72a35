/* libFuzzer harness: what `virtsim chart RESULTS.json` does with a file,
 * short of drawing it: the results reader (out/json_read.c, as for
 * --kind relative and breakdown) and the density reader (--kind density
 * and density-curve), each followed by the chart kinds built from what
 * it read (out/chart.c) and the chart's CSV. The chart kinds index the
 * loaded arrays, so a reader that lets inconsistent runs through shows
 * up here as an out-of-bounds read. */
#include "fuzz.h"
#include "fuzz_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "virtsim/out/chart.h"
#include "virtsim/out/json_read.h"

static FILE *sink(void)
{
    static FILE *f;
    if (!f && !(f = fopen("/dev/null", "w"))) abort();
    return f;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct vs_chart ch;
    static struct vs_scenario sc;
    const char *path = fuzz_file(0, data, size);
    struct vs_error e;

    vs_error_clear(&e);
    struct vs_results r;
    int rc = vs_json_load_results(path, &r, &e);
    fuzz_check_refusal(rc, &e);
    if (rc == VS_OK) {
        memset(&ch, 0, sizeof ch);
        vs_chart_relative(&r, &ch);
        vs_chart_write_csv(&ch, sink());
        memset(&ch, 0, sizeof ch);
        for (int m = VS_METRIC_US; m <= VS_METRIC_SHARE; m++) {
            vs_chart_breakdown(&r, (enum vs_chart_metric)m, &ch);
            vs_chart_write_csv(&ch, sink());
        }
        vs_results_free(&r);
    }

    vs_error_clear(&e);
    struct vs_density_result *dr = NULL;
    rc = vs_json_load_density(path, &sc, &dr, &e);
    fuzz_check_refusal(rc, &e);
    if (rc == VS_OK) {
        memset(&ch, 0, sizeof ch);
        vs_chart_density(&sc, dr, sc.n_engines, "p99<50ms", &ch);
        vs_chart_write_csv(&ch, sink());
        memset(&ch, 0, sizeof ch);
        vs_chart_density_curve(&sc, dr, sc.n_engines, 50e6, &ch);
        vs_chart_write_csv(&ch, sink());
    }
    free(dr);
    return 0;
}
