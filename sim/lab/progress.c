/* A student's progress through a lab (lab/lab.h): the step reached and each
 * answer given with its verdict, in a small text file under the XDG data
 * directory, so `virtsim lab start` resumes where the student stopped.
 * Written through a temporary file and a rename: a crash never leaves half
 * a file. A file that cannot be read is a fresh start, said in err. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "virtsim/lab/lab.h"

int vs_lab_progress_path(const struct vs_lab *lab, char *buf, size_t len)
{
    const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
    int n;
    if (xdg && xdg[0] == '/') n = snprintf(buf, len, "%s/virtsim/labs/%s.progress", xdg, lab->name);
    else if (home && home[0]) n = snprintf(buf, len, "%s/.local/share/virtsim/labs/%s.progress", home, lab->name);
    else return -1;
    return n > 0 && (size_t)n < len ? 0 : -1;
}

static int index_of(const struct vs_lab *lab, const char *id)
{
    char buf[16];
    for (uint32_t s = 0; s < lab->n_steps; s++)
        for (uint32_t q = 0; q < lab->steps[s].n_questions; q++) {
            vs_lab_question_id(s, q, buf, sizeof buf);
            if (strcmp(buf, id) == 0) return (int)(s * VS_LAB_MAX_QUESTIONS + q);
        }
    return -1;
}

int vs_lab_progress_load(const struct vs_lab *lab, struct vs_lab_progress *p, struct vs_error *err)
{
    memset(p, 0, sizeof *p);
    char path[1024];
    if (vs_lab_progress_path(lab, path, sizeof path) != 0) return VS_OK;
    FILE *f = fopen(path, "r");
    if (!f) return VS_OK;
    char line[512];
    int ln = 0, rc = VS_OK;
    while (fgets(line, sizeof line, f)) {
        ln++;
        line[strcspn(line, "\n")] = '\0';
        if (!line[0] || line[0] == '#') continue;
        unsigned step;
        char id[16], verdict[16];
        int used = 0;
        if (sscanf(line, "step %u", &step) == 1) {
            p->step = step > 0 && step <= lab->n_steps ? step - 1 : 0;
        } else if (sscanf(line, "answer %15s %15s %n", id, verdict, &used) == 2 && used > 0) {
            int i = index_of(lab, id);
            enum vs_lab_verdict v = VS_LAB_MISSING;
            for (int k = 0; k <= VS_LAB_UNREADABLE; k++)
                if (strcmp(vs_lab_verdict_name((enum vs_lab_verdict)k), verdict) == 0) v = (enum vs_lab_verdict)k;
            if (i < 0) continue; /* the lab changed since: that answer no longer has a question */
            p->answered[i] = true;
            p->verdict[i] = v;
            snprintf(p->answer[i], sizeof p->answer[i], "%s", line + used);
        } else {
            rc = vs_error_set(err, VS_ERR_INPUT, path, ln, 1,
                              "not a line of a progress file; the rest of the file is ignored");
            break;
        }
    }
    fclose(f);
    return rc;
}

/* mkdir -p of the folders above path. */
static int make_parents(const char *path)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", path);
    for (char *s = dir + 1; *s; s++) {
        if (*s != '/') continue;
        *s = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST) return -1;
        *s = '/';
    }
    return 0;
}

int vs_lab_progress_save(const struct vs_lab *lab, const struct vs_lab_progress *p, struct vs_error *err)
{
    char path[1024], tmp[1100];
    if (vs_lab_progress_path(lab, path, sizeof path) != 0)
        return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0,
                            "no place to keep progress: set HOME or XDG_DATA_HOME");
    if (make_parents(path) != 0)
        return vs_error_set(err, VS_ERR_RUNTIME, path, 0, 0, "cannot make its folder: %s", strerror(errno));
    snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) return vs_error_set(err, VS_ERR_RUNTIME, tmp, 0, 0, "cannot write: %s", strerror(errno));
    fprintf(f, "# virtsim lab progress: %s\nstep %u\n", lab->name, p->step + 1);
    char id[16];
    for (uint32_t s = 0; s < lab->n_steps; s++)
        for (uint32_t q = 0; q < lab->steps[s].n_questions; q++) {
            uint32_t i = s * VS_LAB_MAX_QUESTIONS + q;
            if (!p->answered[i]) continue;
            vs_lab_question_id(s, q, id, sizeof id);
            /* One line per answer: a line break typed into it is a space. */
            char text[sizeof p->answer[0]];
            snprintf(text, sizeof text, "%s", p->answer[i]);
            for (char *c = text; *c; c++)
                if (*c == '\n' || *c == '\r') *c = ' ';
            fprintf(f, "answer %s %s %s\n", id, vs_lab_verdict_name(p->verdict[i]), text);
        }
    bool bad = ferror(f) != 0;
    if (fclose(f) != 0 || bad || rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return vs_error_set(err, VS_ERR_RUNTIME, path, 0, 0, "cannot write: %s", strerror(e));
    }
    return VS_OK;
}
