/* vs_parallel_for (see parallel.h): a shared counter hands out job indices
 * to a few POSIX threads. */
#include "virtsim/core/parallel.h"

#include <pthread.h>
#include <unistd.h>

struct pool {
    pthread_mutex_t lock;
    uint32_t next, n;
    void (*fn)(void *ctx, uint32_t i);
    void *ctx;
};

static void *worker(void *arg)
{
    struct pool *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        uint32_t i = p->next < p->n ? p->next++ : p->n;
        pthread_mutex_unlock(&p->lock);
        if (i >= p->n) return NULL;
        p->fn(p->ctx, i);
    }
}

uint32_t vs_parallel_threads(uint32_t threads)
{
    if (threads > 0) return threads;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    return cpus > 0 ? (uint32_t)cpus : 1;
}

void vs_parallel_for(uint32_t n, uint32_t threads, void (*fn)(void *ctx, uint32_t i), void *ctx)
{
    threads = vs_parallel_threads(threads);
    if (threads > n) threads = n;
    struct pool pool = {.next = 0, .n = n, .fn = fn, .ctx = ctx};
    pthread_mutex_init(&pool.lock, NULL);
    pthread_t tid[64];
    uint32_t started = 0;
    /* If a thread cannot be created, the others (and this one) do its share. */
    for (uint32_t t = 1; t < threads && t < 64; t++)
        if (pthread_create(&tid[started], NULL, worker, &pool) == 0) started++;
    worker(&pool);
    for (uint32_t t = 0; t < started; t++) pthread_join(tid[t], NULL);
    pthread_mutex_destroy(&pool.lock);
}
