/* Unit tests for sim/out/output.c: a committed file appears whole with the
 * user's usual permissions, an aborted or failed one leaves the previous
 * file alone, and no temporary file is ever left behind. A symbolic link is
 * followed (the link stays, its file is replaced), a FIFO is written in
 * place, a read-only file or a file read as input is refused untouched; a
 * pair committed together is replaced whole or not at all; SIGTERM while a
 * temporary file exists removes it. Each test works in its own fresh
 * directory under $TMPDIR (or /tmp). */
#include "testutil.h"

#include "virtsim/core/inputs.h"
#include "virtsim/out/output.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

struct dir {
    char path[512];
};

static int setup(void **state)
{
    struct dir *d = calloc(1, sizeof *d);
    if (!d) return -1;
    const char *tmp = getenv("TMPDIR");
    snprintf(d->path, sizeof d->path, "%s/virtsim-output-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(d->path)) {
        free(d);
        return -1;
    }
    *state = d;
    return 0;
}

/* Removes the directory and the plain files in it (the tests make no more). */
static int teardown(void **state)
{
    struct dir *d = *state;
    DIR *dh = opendir(d->path);
    if (dh) {
        struct dirent *e;
        char p[1024];
        while ((e = readdir(dh)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
            snprintf(p, sizeof p, "%s/%s", d->path, e->d_name);
            if (unlink(p) != 0) rmdir(p);
        }
        closedir(dh);
    }
    rmdir(d->path);
    free(d);
    return 0;
}

/* The names in the directory, sorted, joined by spaces. */
static void listing(const struct dir *d, char *buf, size_t len)
{
    char names[16][256];
    size_t n = 0;
    DIR *dh = opendir(d->path);
    assert_non_null(dh);
    struct dirent *e;
    while ((e = readdir(dh)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        assert_true(n < 16);
        snprintf(names[n++], sizeof names[0], "%s", e->d_name);
    }
    closedir(dh);
    for (size_t i = 1; i < n; i++) /* insertion sort: a handful of names */
        for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            char t[256];
            memcpy(t, names[j], sizeof t);
            memcpy(names[j], names[j - 1], sizeof t);
            memcpy(names[j - 1], t, sizeof t);
        }
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        strncat(buf, names[i], len - strlen(buf) - 1);
        if (i + 1 < n) strncat(buf, " ", len - strlen(buf) - 1);
    }
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static void read_file(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = fread(buf, 1, len - 1, f);
    buf[n] = '\0';
    fclose(f);
}

static void test_commit(void **state)
{
    struct dir *d = *state;
    char path[1024], buf[256];
    snprintf(path, sizeof path, "%s/report.csv", d->path);
    struct vs_output o;
    struct vs_error err;
    vs_error_clear(&err);
    assert_int_equal(vs_output_open(path, &o, &err), VS_OK);
    assert_non_null(o.file);
    /* Nothing at the target until the commit; the data goes to a temporary
     * file beside it. */
    fputs("a,b\n1,2\n", o.file);
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(strncmp(o.tmp_path, path, strlen(path)), 0);
    assert_int_equal(access(o.tmp_path, F_OK), 0);
    assert_int_equal(vs_output_commit(&o, &err), VS_OK);

    read_file(path, buf, sizeof buf);
    assert_string_equal(buf, "a,b\n1,2\n");
    listing(d, buf, sizeof buf);
    assert_string_equal(buf, "report.csv");

    /* Committing again replaces the file whole. */
    assert_int_equal(vs_output_open(path, &o, &err), VS_OK);
    fputs("new\n", o.file);
    assert_int_equal(vs_output_commit(&o, &err), VS_OK);
    read_file(path, buf, sizeof buf);
    assert_string_equal(buf, "new\n");
    listing(d, buf, sizeof buf);
    assert_string_equal(buf, "report.csv");
}

static void test_abort_keeps_old_file(void **state)
{
    struct dir *d = *state;
    char path[1024], buf[256];
    snprintf(path, sizeof path, "%s/report.json", d->path);
    write_file(path, "precious\n");

    struct vs_output o;
    struct vs_error err;
    vs_error_clear(&err);
    assert_int_equal(vs_output_open(path, &o, &err), VS_OK);
    fputs("half a report", o.file);
    listing(d, buf, sizeof buf);
    assert_int_not_equal(strcmp(buf, "report.json"), 0); /* the temporary file exists */
    vs_output_abort(&o);
    assert_null(o.file);

    read_file(path, buf, sizeof buf);
    assert_string_equal(buf, "precious\n");
    listing(d, buf, sizeof buf);
    assert_string_equal(buf, "report.json");

    /* Aborting with no previous file leaves nothing at all. */
    snprintf(path, sizeof path, "%s/fresh.json", d->path);
    assert_int_equal(vs_output_open(path, &o, &err), VS_OK);
    fputs("{}", o.file);
    vs_output_abort(&o);
    assert_int_equal(access(path, F_OK), -1);
    listing(d, buf, sizeof buf);
    assert_string_equal(buf, "report.json");
}

/* The rename fails (the target is a non-empty directory): an error naming
 * the path, the directory untouched, no temporary file left. */
static void test_commit_failure(void **state)
{
    struct dir *d = *state;
    char path[1024], inner[1100], buf[256];
    snprintf(path, sizeof path, "%s/out", d->path);
    struct vs_output o;
    struct vs_error err;
    vs_error_clear(&err);
    assert_int_equal(vs_output_open(path, &o, &err), VS_OK);
    fputs("data", o.file);
    /* A directory appears at the target after the open (one there before is
     * refused at once: test_refusals). */
    assert_int_equal(mkdir(path, 0777), 0);
    snprintf(inner, sizeof inner, "%s/keep", path);
    write_file(inner, "kept\n");
    assert_int_equal(vs_output_commit(&o, &err), VS_ERR_RUNTIME);
    assert_null(o.file);
    assert_string_equal(err.file, path);
    assert_non_null(strstr(err.message, "writing the output failed"));

    listing(d, buf, sizeof buf);
    assert_string_equal(buf, "out");
    read_file(inner, buf, sizeof buf);
    assert_string_equal(buf, "kept\n");
    unlink(inner);
}

static void test_missing_directory(void **state)
{
    struct dir *d = *state;
    char path[1024], msg[2048], buf[256];
    snprintf(path, sizeof path, "%s/no/such/dir/report.csv", d->path);
    struct vs_output o;
    struct vs_error err;
    vs_error_clear(&err);
    assert_int_equal(vs_output_open(path, &o, &err), VS_ERR_RUNTIME);
    assert_null(o.file);
    vs_error_format(&err, msg, sizeof msg);
    assert_non_null(strstr(msg, path));
    assert_non_null(strstr(msg, "cannot write the output"));
    listing(d, buf, sizeof buf);
    assert_string_equal(buf, "");
}

static void test_path_too_long(void **state)
{
    (void)state;
    char path[1100];
    memset(path, 'x', sizeof path - 1);
    path[sizeof path - 1] = '\0';
    struct vs_output o;
    struct vs_error err;
    vs_error_clear(&err);
    assert_int_equal(vs_output_open(path, &o, &err), VS_ERR_INPUT);
    assert_null(o.file);
    assert_non_null(strstr(err.message, "too long"));
}

/* mkstemp makes 0600 files; the report must get 0666 less the umask, like
 * any file the user creates. */
static void test_permissions_follow_umask(void **state)
{
    struct dir *d = *state;
    static const mode_t masks[] = {022, 027, 002, 077};
    mode_t saved = umask(022);
    for (size_t k = 0; k < sizeof masks / sizeof masks[0]; k++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/perm%zu.txt", d->path, k);
        umask(masks[k]);
        struct vs_output o;
        struct vs_error err;
        vs_error_clear(&err);
        assert_int_equal(vs_output_open(path, &o, &err), VS_OK);
        fputs("x\n", o.file);
        assert_int_equal(vs_output_commit(&o, &err), VS_OK);
        struct stat st;
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0666 & ~masks[k]);
        /* Asking for the umask must not change it. */
        assert_int_equal(umask(masks[k]), masks[k]);
    }
    umask(saved);
}

/* A symbolic link is followed: the file it names is replaced, the link is
 * kept; a dangling link gets its file created. */
static void test_symlink_followed(void **state)
{
    struct dir *d = *state;
    char real[1024], link_path[1024], buf[256];
    snprintf(real, sizeof real, "%s/real.csv", d->path);
    snprintf(link_path, sizeof link_path, "%s/link.csv", d->path);
    write_file(real, "old\n");
    assert_int_equal(symlink("real.csv", link_path), 0);
    struct vs_output o;
    struct vs_error err;
    vs_error_clear(&err);
    assert_int_equal(vs_output_open(link_path, &o, &err), VS_OK);
    fputs("new\n", o.file);
    assert_int_equal(vs_output_commit(&o, &err), VS_OK);
    struct stat st;
    assert_int_equal(lstat(link_path, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    read_file(real, buf, sizeof buf);
    assert_string_equal(buf, "new\n");
    listing(d, buf, sizeof buf);
    assert_string_equal(buf, "link.csv real.csv");

    unlink(real);
    assert_int_equal(vs_output_open(link_path, &o, &err), VS_OK);
    fputs("made\n", o.file);
    assert_int_equal(vs_output_commit(&o, &err), VS_OK);
    assert_int_equal(lstat(link_path, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    read_file(real, buf, sizeof buf);
    assert_string_equal(buf, "made\n");
}

/* A FIFO is written in place and stays a FIFO. */
static void test_fifo_in_place(void **state)
{
    struct dir *d = *state;
    char path[1024], buf[64];
    snprintf(path, sizeof path, "%s/pipe", d->path);
    assert_int_equal(mkfifo(path, 0600), 0);
    int rd = open(path, O_RDONLY | O_NONBLOCK); /* a reader, so the writer's open does not wait */
    assert_true(rd >= 0);
    struct vs_output o;
    struct vs_error err;
    vs_error_clear(&err);
    assert_int_equal(vs_output_open(path, &o, &err), VS_OK);
    assert_true(o.in_place);
    fputs("through\n", o.file);
    assert_int_equal(vs_output_commit(&o, &err), VS_OK);
    ssize_t n = read(rd, buf, sizeof buf - 1);
    close(rd);
    assert_int_equal(n, 8);
    buf[n] = '\0';
    assert_string_equal(buf, "through\n");
    struct stat st;
    assert_int_equal(lstat(path, &st), 0);
    assert_true(S_ISFIFO(st.st_mode));
    listing(d, buf, sizeof buf);
    assert_string_equal(buf, "pipe");
}

/* Targets that must not be replaced are refused before anything is
 * written: a read-only file (even for root), a file read as input, a
 * directory. The replaced file of an allowed one keeps its mode. */
static void test_refusals(void **state)
{
    struct dir *d = *state;
    char path[1024], buf[256];
    struct vs_output o;
    struct vs_error err;
    vs_error_clear(&err);

    snprintf(path, sizeof path, "%s/ro.csv", d->path);
    write_file(path, "keep\n");
    assert_int_equal(chmod(path, 0444), 0);
    assert_int_equal(vs_output_open(path, &o, &err), VS_ERR_INPUT);
    assert_non_null(strstr(err.message, "read-only"));
    read_file(path, buf, sizeof buf);
    assert_string_equal(buf, "keep\n");

    snprintf(path, sizeof path, "%s/in.yaml", d->path);
    write_file(path, "name: x\n");
    assert_int_equal(chmod(path, 0640), 0);
    assert_int_equal(vs_output_open(path, &o, &err), VS_OK); /* not an input yet */
    fputs("report\n", o.file);
    assert_int_equal(vs_output_commit(&o, &err), VS_OK);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0640);
    vs_inputs_note_path(path);
    assert_int_equal(vs_output_open(path, &o, &err), VS_ERR_INPUT);
    assert_non_null(strstr(err.message, "reads as input"));
    read_file(path, buf, sizeof buf);
    assert_string_equal(buf, "report\n");
    vs_inputs_clear();

    snprintf(path, sizeof path, "%s/dir", d->path);
    assert_int_equal(mkdir(path, 0777), 0);
    assert_int_equal(vs_output_open(path, &o, &err), VS_ERR_INPUT);
    assert_non_null(strstr(err.message, "directory"));
    listing(d, buf, sizeof buf);
    assert_string_equal(buf, "dir in.yaml ro.csv");
}

/* Two outputs committed together: when the second cannot be renamed, the
 * first gets its old file back (or is removed if it had none). */
static void test_pair_all_or_nothing(void **state)
{
    struct dir *d = *state;
    char a[1024], b[1024], inner[1100], buf[256];
    snprintf(a, sizeof a, "%s/chart.svg", d->path);
    snprintf(b, sizeof b, "%s/chart.csv", d->path);
    struct vs_output oa, ob;
    struct vs_output *const pair[] = {&oa, &ob};
    struct vs_error err;
    vs_error_clear(&err);

    for (int had_old = 0; had_old < 2; had_old++) {
        if (had_old) write_file(a, "old svg\n");
        assert_int_equal(vs_output_open(a, &oa, &err), VS_OK);
        assert_int_equal(vs_output_open(b, &ob, &err), VS_OK);
        fputs("new svg\n", oa.file);
        fputs("new csv\n", ob.file);
        /* The second rename will fail: a non-empty directory took its place. */
        assert_int_equal(mkdir(b, 0777), 0);
        snprintf(inner, sizeof inner, "%s/x", b);
        write_file(inner, "x\n");
        assert_int_equal(vs_output_commit_all(pair, 2, &err), VS_ERR_RUNTIME);
        assert_string_equal(err.file, b);
        unlink(inner);
        rmdir(b);
        listing(d, buf, sizeof buf);
        if (had_old) {
            assert_string_equal(buf, "chart.svg");
            read_file(a, buf, sizeof buf);
            assert_string_equal(buf, "old svg\n");
        } else {
            assert_string_equal(buf, "");
        }
    }
    /* And when both can be renamed, both are new. */
    assert_int_equal(vs_output_open(a, &oa, &err), VS_OK);
    assert_int_equal(vs_output_open(b, &ob, &err), VS_OK);
    fputs("svg 2\n", oa.file);
    fputs("csv 2\n", ob.file);
    assert_int_equal(vs_output_commit_all(pair, 2, &err), VS_OK);
    read_file(a, buf, sizeof buf);
    assert_string_equal(buf, "svg 2\n");
    read_file(b, buf, sizeof buf);
    assert_string_equal(buf, "csv 2\n");
    listing(d, buf, sizeof buf);
    assert_string_equal(buf, "chart.csv chart.svg");
}

/* SIGTERM (and SIGINT) while temporary files exist: they are removed and the
 * process still ends by the signal; after a commit, the handler is gone. */
static void test_signal_removes_temporaries(void **state)
{
    struct dir *d = *state;
    char a[1024], b[1024], buf[256];
    snprintf(a, sizeof a, "%s/r.svg", d->path);
    snprintf(b, sizeof b, "%s/r.csv", d->path);
    static const int sigs[] = {SIGTERM, SIGINT};
    for (size_t k = 0; k < 2; k++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            struct vs_output oa, ob;
            struct vs_error err;
            signal(sigs[k], SIG_DFL);
            if (vs_output_open(a, &oa, &err) != VS_OK || vs_output_open(b, &ob, &err) != VS_OK) _exit(3);
            fputs("half", oa.file);
            fflush(oa.file);
            raise(sigs[k]);
            _exit(4); /* not reached: the signal ends the process */
        }
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFSIGNALED(status));
        assert_int_equal(WTERMSIG(status), sigs[k]);
        listing(d, buf, sizeof buf);
        assert_string_equal(buf, "");
    }
    struct vs_output o;
    struct vs_error err;
    struct sigaction sa;
    assert_int_equal(vs_output_open(a, &o, &err), VS_OK);
    assert_int_equal(sigaction(SIGTERM, NULL, &sa), 0);
    assert_true(sa.sa_handler != SIG_DFL);
    vs_output_abort(&o);
    assert_int_equal(sigaction(SIGTERM, NULL, &sa), 0);
    assert_true(sa.sa_handler == SIG_DFL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_commit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_abort_keeps_old_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_commit_failure, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_directory, setup, teardown),
        cmocka_unit_test(test_path_too_long),
        cmocka_unit_test_setup_teardown(test_permissions_follow_umask, setup, teardown),
        cmocka_unit_test_setup_teardown(test_symlink_followed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fifo_in_place, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pair_all_or_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_signal_removes_temporaries, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
