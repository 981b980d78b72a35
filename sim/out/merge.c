/* `virtsim merge`'s reader (see merge.h): sweep CSV files checked strictly,
 * record by record, with FILE:LINE:COL on every error, then their rows put
 * in point order. Files are read whole (up to a cap) and rows are slices of
 * that text, so memory stays a small multiple of the input. A quoted field
 * may hold commas, quotes and line breaks (report.c writes them so). */
#include "virtsim/out/merge.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "virtsim/core/inputs.h"
#include "virtsim/spec/scenario.h"

#define MAX_MERGE_FILE_BYTES (64u << 20)

static const char how[] = "write it with virtsim run SCENARIO --sweep-point K --format csv";

struct file {
    const char *path;
    char *text;
    size_t len;
    dev_t dev;
    ino_t ino;
};

struct row {
    unsigned point;
    size_t order;       /* stable among rows of one point */
    const char *text;   /* into its file's text, without the line end */
    size_t len;
    int file;
};

struct merger {
    struct file *files;
    struct row *rows;
    size_t n_rows, cap_rows;
    const char *header;  /* into the first file's text */
    size_t header_len;
    int header_file;
    int point_file[VS_MAX_SWEEP_POINTS]; /* the file each point came from; -1 none yet */
    struct vs_error *err;
};

static int read_whole(struct file *f, struct vs_error *err)
{
    FILE *in = fopen(f->path, "rb");
    if (!in) return vs_error_set(err, VS_ERR_INPUT, f->path, 0, 0, "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(fileno(in), &st) != 0) {
        int e = errno;
        fclose(in);
        return vs_error_set(err, VS_ERR_INPUT, f->path, 0, 0, "cannot read: %s", strerror(e));
    }
    if (S_ISDIR(st.st_mode)) {
        fclose(in);
        return vs_error_set(err, VS_ERR_INPUT, f->path, 0, 0, "is a directory, not a sweep CSV; %s", how);
    }
    f->dev = st.st_dev;
    f->ino = st.st_ino;
    vs_inputs_note_fd(fileno(in));
    size_t cap = 65536;
    f->text = malloc(cap);
    f->len = 0;
    int rc = f->text ? VS_OK : vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    while (rc == VS_OK) {
        if (f->len == cap) {
            if (cap > MAX_MERGE_FILE_BYTES) {
                rc = vs_error_set(err, VS_ERR_INPUT, f->path, 0, 0,
                                  "the file is larger than %u MiB; that is not a sweep CSV", MAX_MERGE_FILE_BYTES >> 20);
                break;
            }
            char *g = realloc(f->text, cap * 2);
            if (!g) {
                rc = vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
                break;
            }
            f->text = g;
            cap *= 2;
        }
        size_t got = fread(f->text + f->len, 1, cap - f->len, in);
        f->len += got;
        if (got == 0) break;
    }
    if (rc == VS_OK && ferror(in)) rc = vs_error_set(err, VS_ERR_INPUT, f->path, 0, 0, "cannot read: %s", strerror(errno));
    fclose(in);
    return rc;
}

/* One record from *pos: its fields counted, its end (before the line end)
 * found, quotes checked. Lines and columns are 1-based. */
struct record {
    size_t start, end;  /* [start, end) in the text */
    int fields;
    int line;           /* where it starts */
};

static int next_record(const struct merger *m, const struct file *f, size_t *pos, int *line, struct record *r)
{
    const char *t = f->text;
    size_t i = *pos, line_start = *pos;
    bool quoted = false, field_start = true;
    r->start = i;
    r->fields = 1;
    r->line = *line;
    for (;; i++) {
        int col = (int)(i - line_start) + 1;
        if (i == f->len) {
            if (quoted)
                return vs_error_set(m->err, VS_ERR_INPUT, f->path, r->line, 1,
                                    "a quoted field is not closed before the end of the file");
            break;
        }
        char ch = t[i];
        if (ch == '\0')
            return vs_error_set(m->err, VS_ERR_INPUT, f->path, *line, col,
                                "a NUL byte; a sweep CSV is text (%s)", how);
        if (quoted) {
            if (ch == '"' && i + 1 < f->len && t[i + 1] == '"') i++;
            else if (ch == '"') {
                quoted = false;
                if (i + 1 < f->len && t[i + 1] != ',' && t[i + 1] != '\n' && t[i + 1] != '\r')
                    return vs_error_set(m->err, VS_ERR_INPUT, f->path, *line, col + 1,
                                        "text after a closing quote; a quoted field ends at a comma or the line's end");
            } else if (ch == '\n') {
                ++*line;
                line_start = i + 1;
            }
            field_start = false;
            continue;
        }
        if (ch == '\n' || (ch == '\r' && i + 1 < f->len && t[i + 1] == '\n')) break;
        if (ch == '\r')
            return vs_error_set(m->err, VS_ERR_INPUT, f->path, *line, col,
                                "a carriage return inside a line; lines end in LF or CR LF");
        if (ch == '"') {
            if (!field_start)
                return vs_error_set(m->err, VS_ERR_INPUT, f->path, *line, col,
                                    "a quote inside an unquoted field; quote the whole field and double the quote");
            quoted = true;
        } else if (ch == ',') {
            r->fields++;
            field_start = true;
            continue;
        }
        field_start = false;
    }
    r->end = i;
    /* Past the line end: LF or CR LF (files edited on Windows). */
    if (i < f->len && t[i] == '\r') i++;
    if (i < f->len && t[i] == '\n') {
        i++;
        ++*line;
    }
    *pos = i;
    return VS_OK;
}

static int add_row(struct merger *m, int file, unsigned point, const char *text, size_t len)
{
    if (m->n_rows == m->cap_rows) {
        size_t cap = m->cap_rows ? m->cap_rows * 2 : 256;
        struct row *g = realloc(m->rows, cap * sizeof *g);
        if (!g) return vs_error_set(m->err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
        m->rows = g;
        m->cap_rows = cap;
    }
    m->rows[m->n_rows] = (struct row){point, m->n_rows, text, len, file};
    m->n_rows++;
    return VS_OK;
}

/* The point number at the start of a row: a whole number below the
 * largest sweep, written as virtsim writes it (no sign, no leading zeros). */
static int row_point(const struct merger *m, const struct file *f, const struct record *r, unsigned *point)
{
    const char *t = f->text + r->start;
    const char *comma = memchr(t, ',', r->end - r->start);
    size_t n = comma ? (size_t)(comma - t) : r->end - r->start;
    unsigned long v = 0;
    bool ok = n > 0 && n <= 3 && !(n > 1 && t[0] == '0');
    for (size_t k = 0; k < n && ok; k++) {
        ok = t[k] >= '0' && t[k] <= '9';
        v = v * 10 + (unsigned long)(t[k] - '0');
    }
    if (!ok || v >= VS_MAX_SWEEP_POINTS)
        return vs_error_set(m->err, VS_ERR_INPUT, f->path, r->line, 1,
                            "sweep_point '%.*s' is not a point number; expected a whole number from 0 to %d",
                            (int)(n > 40 ? 40 : n), t, VS_MAX_SWEEP_POINTS - 1);
    *point = (unsigned)v;
    return VS_OK;
}

/* The second field (sweep_param) of a record, for comparison. */
static void second_field(const char *t, size_t len, const char **s, size_t *n)
{
    const char *c = memchr(t, ',', len);
    *s = c ? c + 1 : t + len;
    const char *e = memchr(*s, ',', (size_t)(t + len - *s));
    *n = (size_t)((e ? e : t + len) - *s);
}

static int read_file_rows(struct merger *m, int k)
{
    struct file *f = &m->files[k];
    if (f->len == 0)
        return vs_error_set(m->err, VS_ERR_INPUT, f->path, 1, 1, "the file is empty; expected a sweep CSV (%s)", how);
    size_t pos = 0;
    int line = 1, header_fields = 0, rows = 0;
    const char *param = NULL;
    size_t param_len = 0;
    bool first = true;
    while (pos < f->len) {
        struct record r = {0, 0, 0, 0};
        int rc = next_record(m, f, &pos, &line, &r);
        if (rc != VS_OK) return rc;
        const char *t = f->text + r.start;
        size_t len = r.end - r.start;
        if (len == 0)
            return vs_error_set(m->err, VS_ERR_INPUT, f->path, r.line, 1, "an empty line; a sweep CSV has none");
        if (first) {
            first = false;
            header_fields = r.fields;
            if (len < 12 || strncmp(t, "sweep_point,", 12) != 0)
                return vs_error_set(m->err, VS_ERR_INPUT, f->path, 1, 1,
                                    "not a sweep CSV (its header does not start with sweep_point); %s", how);
            if (!m->header) {
                m->header = t;
                m->header_len = len;
                m->header_file = k;
            } else if (len != m->header_len || memcmp(t, m->header, len) != 0) {
                return vs_error_set(m->err, VS_ERR_INPUT, f->path, 1, 1,
                                    "its columns differ from %s's: the files come from different versions "
                                    "or scenarios",
                                    m->files[m->header_file].path);
            }
            continue;
        }
        if (r.fields != header_fields)
            return vs_error_set(m->err, VS_ERR_INPUT, f->path, r.line, 1,
                                "this row has %d fields, the header %d; a row of a sweep CSV has one per column",
                                r.fields, header_fields);
        unsigned point = 0;
        rc = row_point(m, f, &r, &point);
        if (rc != VS_OK) return rc;
        if (m->point_file[point] >= 0 && m->point_file[point] != k)
            return vs_error_set(m->err, VS_ERR_INPUT, f->path, r.line, 1,
                                "sweep point %u is also in %s: each point must come from one file (the same "
                                "point run twice?)",
                                point, m->files[m->point_file[point]].path);
        m->point_file[point] = k;
        const char *p;
        size_t pn;
        second_field(t, len, &p, &pn);
        if (!param) {
            param = p;
            param_len = pn;
        } else if (pn != param_len || memcmp(p, param, pn) != 0) {
            return vs_error_set(m->err, VS_ERR_INPUT, f->path, r.line, (int)(p - t) + 1,
                                "sweep_param '%.*s' differs from the file's first row ('%.*s')", (int)(pn > 60 ? 60 : pn),
                                p, (int)(param_len > 60 ? 60 : param_len), param);
        }
        rc = add_row(m, k, point, t, len);
        if (rc != VS_OK) return rc;
        rows++;
    }
    if (rows == 0)
        return vs_error_set(m->err, VS_ERR_INPUT, f->path, line, 1, "the file has a header but no rows; %s", how);
    return VS_OK;
}

static int by_point(const void *a, const void *b)
{
    const struct row *x = a, *y = b;
    if (x->point != y->point) return x->point < y->point ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

int vs_merge_sweep_csv(FILE *out, char *const *paths, int n, struct vs_error *err)
{
    struct merger m = {.err = err};
    for (int p = 0; p < VS_MAX_SWEEP_POINTS; p++) m.point_file[p] = -1;
    m.files = calloc(n > 0 ? (size_t)n : 1, sizeof *m.files);
    int rc = m.files ? VS_OK : vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    for (int k = 0; k < n && rc == VS_OK; k++) {
        m.files[k].path = paths[k];
        rc = read_whole(&m.files[k], err);
        for (int j = 0; j < k && rc == VS_OK; j++)
            if (m.files[j].dev == m.files[k].dev && m.files[j].ino == m.files[k].ino)
                rc = vs_error_set(err, VS_ERR_INPUT, paths[k], 0, 0,
                                  "the same file as %s, given twice: its points would be counted twice", paths[j]);
        if (rc == VS_OK) rc = read_file_rows(&m, k);
    }
    if (rc == VS_OK && m.header) {
        qsort(m.rows, m.n_rows, sizeof *m.rows, by_point);
        fprintf(out, "%.*s\n", (int)m.header_len, m.header);
        for (size_t i = 0; i < m.n_rows; i++) {
            fwrite(m.rows[i].text, 1, m.rows[i].len, out);
            fputc('\n', out);
        }
        if (ferror(out)) rc = vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "writing the merged CSV failed");
    }
    for (int k = 0; m.files && k < n; k++) free(m.files[k].text);
    free(m.files);
    free(m.rows);
    return rc;
}
