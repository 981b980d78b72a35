/* Atomic output files (see output.h): write to TARGET.XXXXXX in the
 * target's own directory (so the rename stays on one file system and is
 * atomic), then rename. Symbolic links are followed first, so the link is
 * kept and its file replaced; FIFOs and devices are written in place.
 *
 * Temporary files are listed in a small registry that a SIGINT or SIGTERM
 * handler can read: it removes them and re-raises the signal. The registry
 * holds fixed buffers and sig_atomic_t flags only, so the handler needs
 * nothing but unlink, sigaction and raise, all async-signal-safe. */
#include "virtsim/out/output.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "virtsim/core/inputs.h"

/* ---- the registry of temporary files, and the signal handlers ---- */

/* A chart and its CSV, each with a backup link during a joint commit, is 4. */
#define MAX_PENDING 16
#define MAX_LINK_HOPS 40 /* as the kernel's own limit on symbolic links */

static char pending_path[MAX_PENDING][1040];
static volatile sig_atomic_t pending_used[MAX_PENDING];
static int n_pending;
static volatile sig_atomic_t interrupted;
static struct sigaction old_int, old_term;
static bool have_int, have_term;

static void on_signal(int sig)
{
    for (int i = 0; i < MAX_PENDING; i++)
        if (pending_used[i]) unlink(pending_path[i]);
    interrupted = 1;
    /* What the signal did before: usually to end the process, now that
     * nothing is left behind. */
    sigaction(sig, sig == SIGINT ? &old_int : &old_term, NULL);
    raise(sig);
}

/* Installs the handler for sig unless the signal is ignored (a job started
 * in the background with SIGINT ignored must stay immune). */
static bool install(int sig, struct sigaction *old)
{
    if (sigaction(sig, NULL, old) != 0 || old->sa_handler == SIG_IGN) return false;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGINT);
    sigaddset(&sa.sa_mask, SIGTERM);
    return sigaction(sig, &sa, NULL) == 0;
}

static int pending_add(const char *path)
{
    int slot = -1;
    for (int i = 0; i < MAX_PENDING && slot < 0; i++)
        if (!pending_used[i]) slot = i;
    if (slot < 0) return -1;
    snprintf(pending_path[slot], sizeof pending_path[slot], "%s", path);
    pending_used[slot] = 1; /* after the path: the handler never sees half a name */
    if (n_pending++ == 0) {
        interrupted = 0;
        have_int = install(SIGINT, &old_int);
        have_term = install(SIGTERM, &old_term);
    }
    return slot;
}

static void pending_remove(int slot)
{
    if (slot < 0 || !pending_used[slot]) return;
    pending_used[slot] = 0;
    if (--n_pending == 0) {
        if (have_int) sigaction(SIGINT, &old_int, NULL);
        if (have_term) sigaction(SIGTERM, &old_term, NULL);
        have_int = have_term = false;
    }
}

/* SIGINT and SIGTERM wait while renames run, so a signal never finds a pair
 * half-renamed; they are delivered after. */
static void block_signals(sigset_t *saved)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGINT);
    sigaddset(&s, SIGTERM);
    sigprocmask(SIG_BLOCK, &s, saved);
}

/* ---- finding the file to write ---- */

static void dir_of(const char *path, char *out, size_t len)
{
    const char *slash = strrchr(path, '/');
    if (!slash) snprintf(out, len, ".");
    else if (slash == path) snprintf(out, len, "/");
    else snprintf(out, len, "%.*s", (int)(slash - path), path);
}

/* Follows path through symbolic links (a dangling one too: its target is
 * created) into o->target. */
static int follow_links(const char *path, struct vs_output *o, struct vs_error *err)
{
    char cur[sizeof o->target];
    snprintf(cur, sizeof cur, "%s", path);
    for (int hops = 0;; hops++) {
        struct stat st;
        if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode)) break;
        if (hops == MAX_LINK_HOPS)
            return vs_error_set(err, VS_ERR_INPUT, path, 0, 0,
                                "the output path goes through more than %d symbolic links", MAX_LINK_HOPS);
        char link[sizeof cur], dir[sizeof cur];
        ssize_t n = readlink(cur, link, sizeof link - 1);
        if (n < 0)
            return vs_error_set(err, VS_ERR_RUNTIME, path, 0, 0, "cannot read the symbolic link %s: %s", cur,
                                strerror(errno));
        link[n] = '\0';
        dir_of(cur, dir, sizeof dir);
        int w = link[0] == '/' ? snprintf(cur, sizeof cur, "%s", link)
                               : snprintf(cur, sizeof cur, "%s/%s", dir, link);
        if (w < 0 || (size_t)w >= sizeof cur)
            return vs_error_set(err, VS_ERR_INPUT, path, 0, 0, "the output path is too long once its links are followed");
    }
    snprintf(o->target, sizeof o->target, "%s", cur);
    return VS_OK;
}

/* ---- open, commit, abort ---- */

static int open_in_place(struct vs_output *o, struct vs_error *err)
{
    int fd = open(o->target, O_WRONLY | O_NOCTTY);
    if (fd < 0 || !(o->file = fdopen(fd, "w"))) {
        int e = errno;
        if (fd >= 0) close(fd);
        return vs_error_set(err, e == EACCES || e == EROFS ? VS_ERR_INPUT : VS_ERR_RUNTIME, o->path, 0, 0,
                            "cannot write the output: %s", strerror(e));
    }
    o->in_place = true;
    return VS_OK;
}

int vs_output_open(const char *path, struct vs_output *o, struct vs_error *err)
{
    memset(o, 0, sizeof *o);
    o->slot = -1;
    if (strlen(path) >= sizeof o->path)
        return vs_error_set(err, VS_ERR_INPUT, path, 0, 0, "the output path is too long");
    snprintf(o->path, sizeof o->path, "%s", path);
    int rc = follow_links(path, o, err);
    if (rc != VS_OK) return rc;

    struct stat st;
    mode_t mode;
    if (stat(o->target, &st) == 0) {
        if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) return open_in_place(o, err);
        if (S_ISDIR(st.st_mode))
            return vs_error_set(err, VS_ERR_INPUT, path, 0, 0, "the output is a directory; name a file in it");
        if (!S_ISREG(st.st_mode))
            return vs_error_set(err, VS_ERR_INPUT, path, 0, 0,
                                "the output is neither a regular file, a FIFO nor a device; refusing to replace it");
        if (vs_inputs_contains(st.st_dev, st.st_ino))
            return vs_error_set(err, VS_ERR_INPUT, path, 0, 0,
                                "the output is a file this command reads as input; writing it would destroy "
                                "the input: name another output file");
        /* No write permission for anyone, or none for us: the owner made it
         * read-only, and a rename would get round that (root's too). */
        if ((st.st_mode & 0222) == 0 || access(o->target, W_OK) != 0)
            return vs_error_set(err, VS_ERR_INPUT, path, 0, 0,
                                "the output file is read-only; make it writable (chmod u+w) or name another file");
        mode = st.st_mode & 0777; /* not set-id bits: a report is no program */
        o->replaces = true;
    } else {
        /* mkstemp makes the file private (0600); an output file should have
         * the permissions any new file of the user would get. */
        mode_t mask = umask(0);
        umask(mask);
        mode = 0666 & ~mask;
    }

    if (snprintf(o->tmp_path, sizeof o->tmp_path, "%s.XXXXXX", o->target) >= (int)sizeof o->tmp_path)
        return vs_error_set(err, VS_ERR_INPUT, path, 0, 0, "the output path is too long");
    int fd = mkstemp(o->tmp_path);
    if (fd < 0)
        return vs_error_set(err, VS_ERR_RUNTIME, path, 0, 0, "cannot write the output: %s", strerror(errno));
    o->slot = pending_add(o->tmp_path);
    if (o->slot < 0) {
        close(fd);
        unlink(o->tmp_path);
        return vs_error_set(err, VS_ERR_RUNTIME, path, 0, 0, "too many output files open at once (at most %d)",
                            MAX_PENDING);
    }
    fchmod(fd, mode);
    o->file = fdopen(fd, "w");
    if (!o->file) {
        int e = errno;
        close(fd);
        vs_output_abort(o);
        return vs_error_set(err, VS_ERR_RUNTIME, path, 0, 0, "cannot write the output: %s", strerror(e));
    }
    return VS_OK;
}

/* Flushes and closes o's file; errno-style code, 0 when all was written. */
static int finish_file(struct vs_output *o)
{
    int e = ferror(o->file) ? EIO : 0;
    if (fflush(o->file) != 0 && !e) e = errno;
    if (fclose(o->file) != 0 && !e) e = errno;
    o->file = NULL;
    if (!e && interrupted) e = EINTR;
    return e;
}

static void drop_tmp(struct vs_output *o)
{
    if (o->tmp_path[0]) unlink(o->tmp_path);
    pending_remove(o->slot);
    o->slot = -1;
}

int vs_output_commit(struct vs_output *o, struct vs_error *err)
{
    return vs_output_commit_all(&o, 1, err);
}

/* A hard link to the file about to be replaced, to put back if a later
 * rename of the same commit fails. "" when there is nothing to keep. */
struct backup {
    char path[1040];
    int slot;
};

static int make_backup(const struct vs_output *o, struct backup *b)
{
    b->path[0] = '\0';
    b->slot = -1;
    if (o->in_place || !o->replaces) return 0;
    /* mkstemp finds a free name; link needs it free again. */
    snprintf(b->path, sizeof b->path, "%s.XXXXXX", o->target);
    int fd = mkstemp(b->path);
    if (fd < 0) return errno;
    close(fd);
    unlink(b->path);
    if (link(o->target, b->path) != 0) {
        int e = errno;
        b->path[0] = '\0';
        return e;
    }
    b->slot = pending_add(b->path);
    return 0;
}

static void drop_backup(struct backup *b)
{
    if (b->path[0]) unlink(b->path);
    pending_remove(b->slot);
    b->path[0] = '\0';
    b->slot = -1;
}

int vs_output_commit_all(struct vs_output *const *outs, size_t n, struct vs_error *err)
{
    const char *failed_path = NULL;
    int e = 0;
    for (size_t i = 0; i < n; i++) {
        int fe = outs[i]->file ? finish_file(outs[i]) : EIO;
        if (fe && !e) {
            e = fe;
            failed_path = outs[i]->path;
        }
    }
    struct backup backups[MAX_PENDING / 2];
    if (n > MAX_PENDING / 2 && !e) {
        e = EMFILE;
        failed_path = outs[0]->path;
    }
    sigset_t saved;
    block_signals(&saved);
    size_t done = 0, made = 0;
    /* Only the earlier targets need a copy: if the last rename fails, its
     * target was never touched. */
    for (; made + 1 < n && !e; made++) {
        e = make_backup(outs[made], &backups[made]);
        if (e) failed_path = outs[made]->path;
    }
    for (; done < n && !e; done++) {
        struct vs_output *o = outs[done];
        if (o->in_place) continue;
        if (rename(o->tmp_path, o->target) != 0) {
            e = errno;
            failed_path = o->path;
            break;
        }
        o->tmp_path[0] = '\0'; /* renamed: nothing to remove */
        pending_remove(o->slot);
        o->slot = -1;
    }
    if (e) {
        /* Put back what was replaced, remove what was new. */
        for (size_t i = 0; i < done; i++) {
            struct vs_output *o = outs[i];
            if (o->in_place) continue;
            if (i < made && backups[i].path[0]) {
                if (rename(backups[i].path, o->target) == 0) backups[i].path[0] = '\0';
            } else if (!o->replaces) {
                unlink(o->target);
            }
        }
    }
    for (size_t i = 0; i < made; i++) drop_backup(&backups[i]);
    for (size_t i = 0; i < n; i++) drop_tmp(outs[i]);
    sigprocmask(SIG_SETMASK, &saved, NULL);
    if (e)
        return vs_error_set(err, VS_ERR_RUNTIME, failed_path, 0, 0, "writing the output failed: %s",
                            e == EINTR ? "interrupted" : strerror(e));
    return VS_OK;
}

void vs_output_abort(struct vs_output *o)
{
    if (o->file) fclose(o->file);
    o->file = NULL;
    drop_tmp(o);
}
