/* Atomic output files: write to PATH.XXXXXX in the same directory (so the
 * rename stays on one file system and is atomic), then rename. */
#include "virtsim/out/output.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int vs_output_open(const char *path, struct vs_output *o, struct vs_error *err)
{
    memset(o, 0, sizeof *o);
    if (strlen(path) >= sizeof o->path)
        return vs_error_set(err, VS_ERR_INPUT, path, 0, 0, "the output path is too long");
    snprintf(o->path, sizeof o->path, "%s", path);
    snprintf(o->tmp_path, sizeof o->tmp_path, "%s.XXXXXX", path);
    int fd = mkstemp(o->tmp_path);
    if (fd < 0)
        return vs_error_set(err, VS_ERR_RUNTIME, path, 0, 0, "cannot write the output: %s",
                            strerror(errno));
    /* mkstemp makes the file private (0600); an output file should have the
     * permissions any new file of the user would get. */
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    o->file = fdopen(fd, "w");
    if (!o->file) {
        int e = errno;
        close(fd);
        unlink(o->tmp_path);
        return vs_error_set(err, VS_ERR_RUNTIME, path, 0, 0, "cannot write the output: %s",
                            strerror(e));
    }
    return VS_OK;
}

int vs_output_commit(struct vs_output *o, struct vs_error *err)
{
    int failed = ferror(o->file);
    int e = failed ? EIO : 0;
    if (fflush(o->file) != 0 && !failed) {
        failed = 1;
        e = errno;
    }
    if (fclose(o->file) != 0 && !failed) {
        failed = 1;
        e = errno;
    }
    o->file = NULL;
    if (!failed && rename(o->tmp_path, o->path) != 0) {
        failed = 1;
        e = errno;
    }
    if (failed) {
        unlink(o->tmp_path);
        return vs_error_set(err, VS_ERR_RUNTIME, o->path, 0, 0, "writing the output failed: %s",
                            strerror(e));
    }
    return VS_OK;
}

void vs_output_abort(struct vs_output *o)
{
    if (o->file) fclose(o->file);
    o->file = NULL;
    unlink(o->tmp_path);
}
