/* Errors as values: every fallible function returns a vs_status and fills a
 * struct vs_error that says where (file, line, column) and what went wrong.
 * Only main() turns a status into an exit code. */
#ifndef VIRTSIM_ERROR_H
#define VIRTSIM_ERROR_H

#include <stddef.h>

/* The numeric values are the process exit codes main() uses. */
enum vs_status {
    VS_OK = 0,
    VS_ERR_RUNTIME = 1, /* the run itself failed: a limit hit, I/O error, out of memory */
    VS_ERR_INPUT = 2,   /* the user's input (file, flag, value) is wrong */
    VS_ERR_INTERRUPTED = 130 /* the user stopped it (Ctrl-C: 128 + SIGINT, as shells report it) */
};

struct vs_error {
    char file[256];   /* "" when the error has no file */
    int line;         /* 1-based; 0 when unknown */
    int column;       /* 1-based; 0 when unknown */
    char message[768];
};

void vs_error_clear(struct vs_error *err);

/* Fills err (if not NULL) and returns status, so callers can write
 * `return vs_error_set(err, VS_ERR_INPUT, file, line, col, "...", ...);`. */
int vs_error_set(struct vs_error *err, int status, const char *file, int line,
                 int column, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* "FILE:LINE:COL: message", "FILE: message" or "message", as the fields allow. */
void vs_error_format(const struct vs_error *err, char *buf, size_t len);

#endif
