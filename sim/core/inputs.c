/* The identities of the files read as input (see inputs.h). A short list
 * searched linearly: a command reads a handful of files. */
#include "virtsim/core/inputs.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>

struct file_id {
    dev_t dev;
    ino_t ino;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct file_id *ids;
static size_t n_ids, cap_ids;

static void note(const struct stat *st)
{
    if (!S_ISREG(st->st_mode)) return;
    pthread_mutex_lock(&lock);
    bool known = false;
    for (size_t i = 0; i < n_ids && !known; i++) known = ids[i].dev == st->st_dev && ids[i].ino == st->st_ino;
    if (!known && n_ids == cap_ids) {
        size_t cap = cap_ids ? cap_ids * 2 : 16;
        struct file_id *g = realloc(ids, cap * sizeof *g);
        if (g) {
            ids = g;
            cap_ids = cap;
        }
    }
    if (!known && n_ids < cap_ids) ids[n_ids++] = (struct file_id){st->st_dev, st->st_ino};
    pthread_mutex_unlock(&lock);
}

void vs_inputs_note_fd(int fd)
{
    struct stat st;
    if (fd >= 0 && fstat(fd, &st) == 0) note(&st);
}

void vs_inputs_note_path(const char *path)
{
    struct stat st;
    if (path && stat(path, &st) == 0) note(&st);
}

bool vs_inputs_contains(dev_t dev, ino_t ino)
{
    pthread_mutex_lock(&lock);
    bool found = false;
    for (size_t i = 0; i < n_ids && !found; i++) found = ids[i].dev == dev && ids[i].ino == ino;
    pthread_mutex_unlock(&lock);
    return found;
}

void vs_inputs_clear(void)
{
    pthread_mutex_lock(&lock);
    free(ids);
    ids = NULL;
    n_ids = cap_ids = 0;
    pthread_mutex_unlock(&lock);
}
