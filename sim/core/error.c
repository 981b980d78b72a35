/* Filling and formatting struct vs_error (see error.h). */
#include "virtsim/core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void vs_error_clear(struct vs_error *err)
{
    if (err) memset(err, 0, sizeof *err);
}

int vs_error_set(struct vs_error *err, int status, const char *file, int line, int column,
                 const char *fmt, ...)
{
    if (!err) return status;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    err->line = line;
    err->column = column;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return status;
}

void vs_error_format(const struct vs_error *err, char *buf, size_t len)
{
    if (err->file[0] && err->line > 0)
        snprintf(buf, len, "%s:%d:%d: %s", err->file, err->line, err->column, err->message);
    else if (err->file[0])
        snprintf(buf, len, "%s: %s", err->file, err->message);
    else
        snprintf(buf, len, "%s", err->message);
}
