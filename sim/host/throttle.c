/* Per-guest token-bucket throttles (see throttle.h).
 *
 * Each guest has its own FIFO ring of waiting items (copied blobs) and at
 * most one pending release event: the instant its head will have room in
 * every limited bucket. Bucket levels are doubles brought up to date
 * lazily (level += rate x elapsed, at most the burst) whenever the guest is
 * looked at, so nothing runs while a guest stays under its limits. The
 * release time is rounded up to the next nanosecond; a level a rounding
 * error short of what is needed counts as enough (REL_EPS), so an event
 * never finds its head still waiting. */
#include "virtsim/host/throttle.h"
#include "virtsim/core/budget.h"
#include "virtsim/core/error.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REL_EPS 1e-9

struct bucket {
    double rate;  /* per second; 0: not limited */
    double burst;
    double level;
};

struct gq {
    struct bucket b[VS_THROTTLE_BUCKETS];
    vs_time_ns last_ns;         /* levels are up to date at this time */
    unsigned char *ring;        /* items, FIFO */
    double *costs;              /* their costs, VS_THROTTLE_BUCKETS each */
    vs_time_ns *since;          /* when each was offered */
    size_t cap, head, len;
    vs_event_id event;
    uint64_t delayed;
    double wait_ns;
};

struct vs_throttle {
    struct vs_event_queue *q;
    uint32_t guests;
    size_t item_bytes;
    vs_release_fn release;
    void *ctx;
    struct gq *g;
    struct vs_mem_account *account;
    char what[96];
    unsigned char *scratch; /* the item being released */
};

static void on_release(void *ctx, uint64_t arg);

struct vs_throttle *vs_throttle_create(struct vs_event_queue *q, uint32_t guests, size_t item_bytes,
                                       vs_release_fn release, void *ctx)
{
    if (!q || guests == 0 || item_bytes == 0 || !release) return NULL;
    struct vs_throttle *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->g = calloc(guests, sizeof *t->g);
    t->scratch = malloc(item_bytes);
    if (!t->g || !t->scratch) {
        free(t->g);
        free(t->scratch);
        free(t);
        return NULL;
    }
    t->q = q;
    t->guests = guests;
    t->item_bytes = item_bytes;
    t->release = release;
    t->ctx = ctx;
    t->account = vs_event_account(q);
    snprintf(t->what, sizeof t->what, "the requests a throttle holds back");
    return t;
}

static size_t slot_bytes(const struct vs_throttle *t)
{
    return t->item_bytes + VS_THROTTLE_BUCKETS * sizeof(double) + sizeof(vs_time_ns);
}

void vs_throttle_destroy(struct vs_throttle *t)
{
    if (!t) return;
    for (uint32_t i = 0; i < t->guests; i++) {
        struct gq *g = &t->g[i];
        if (g->event) vs_event_cancel(t->q, g->event);
        vs_mem_give(t->account, (uint64_t)g->cap * slot_bytes(t));
        free(g->ring);
        free(g->costs);
        free(g->since);
    }
    free(t->g);
    free(t->scratch);
    free(t);
}

void vs_throttle_set_what(struct vs_throttle *t, const char *what)
{
    snprintf(t->what, sizeof t->what, "%.95s", what);
}

int vs_throttle_set(struct vs_throttle *t, uint32_t guest, int b, double rate_per_s, double burst)
{
    if (guest >= t->guests || b < 0 || b >= VS_THROTTLE_BUCKETS || !(rate_per_s >= 0) || !isfinite(rate_per_s) ||
        !(burst >= 0) || !isfinite(burst))
        return VS_ERR_INPUT;
    struct bucket *k = &t->g[guest].b[b];
    k->rate = rate_per_s;
    k->burst = burst > 0 ? burst : 1;
    k->level = k->burst;
    t->g[guest].last_ns = vs_event_now(t->q);
    return VS_OK;
}

bool vs_throttle_limited(const struct vs_throttle *t, uint32_t guest)
{
    if (guest >= t->guests) return false;
    for (int b = 0; b < VS_THROTTLE_BUCKETS; b++)
        if (t->g[guest].b[b].rate > 0) return true;
    return false;
}

static void refill(struct gq *g, vs_time_ns now)
{
    if (now <= g->last_ns) return;
    double dt = (double)(now - g->last_ns) / 1e9;
    for (int b = 0; b < VS_THROTTLE_BUCKETS; b++) {
        struct bucket *k = &g->b[b];
        if (!(k->rate > 0)) continue;
        k->level += k->rate * dt;
        if (k->level > k->burst) k->level = k->burst;
    }
    g->last_ns = now;
}

static double need(const struct bucket *k, double cost)
{
    return cost < k->burst ? cost : k->burst;
}

/* Nanoseconds until every limited bucket has room for an item of these
 * costs (0: now). */
static vs_time_ns wait_for(const struct gq *g, const double *cost)
{
    double worst = 0;
    for (int b = 0; b < VS_THROTTLE_BUCKETS; b++) {
        const struct bucket *k = &g->b[b];
        if (!(k->rate > 0)) continue;
        double n = need(k, cost[b]), short_by = n - k->level;
        if (short_by <= n * REL_EPS) continue;
        double s = short_by / k->rate * 1e9;
        if (s > worst) worst = s;
    }
    if (!(worst > 0)) return 0;
    if (!(worst < 4e18)) return (vs_time_ns)4e18;
    return (vs_time_ns)ceil(worst);
}

static void charge(struct gq *g, const double *cost)
{
    for (int b = 0; b < VS_THROTTLE_BUCKETS; b++)
        if (g->b[b].rate > 0) g->b[b].level -= cost[b];
}

static bool grow(struct vs_throttle *t, struct gq *g)
{
    size_t cap = g->cap ? g->cap * 2 : 16;
    uint64_t bytes = (uint64_t)cap * slot_bytes(t), old = (uint64_t)g->cap * slot_bytes(t);
    if (!vs_mem_take(t->account, bytes, t->what, old)) return false;
    unsigned char *ring = malloc(cap * t->item_bytes);
    double *costs = malloc(cap * VS_THROTTLE_BUCKETS * sizeof *costs);
    vs_time_ns *since = malloc(cap * sizeof *since);
    if (!ring || !costs || !since) {
        free(ring);
        free(costs);
        free(since);
        vs_mem_give(t->account, bytes);
        return false;
    }
    for (size_t i = 0; i < g->len; i++) {
        size_t from = (g->head + i) % g->cap;
        memcpy(ring + i * t->item_bytes, g->ring + from * t->item_bytes, t->item_bytes);
        memcpy(costs + i * VS_THROTTLE_BUCKETS, g->costs + from * VS_THROTTLE_BUCKETS,
               VS_THROTTLE_BUCKETS * sizeof *costs);
        since[i] = g->since[from];
    }
    free(g->ring);
    free(g->costs);
    free(g->since);
    vs_mem_give(t->account, old);
    g->ring = ring;
    g->costs = costs;
    g->since = since;
    g->cap = cap;
    g->head = 0;
    return true;
}

static int arm(struct vs_throttle *t, uint32_t guest)
{
    struct gq *g = &t->g[guest];
    if (g->len == 0 || g->event) return VS_OK;
    vs_time_ns now = vs_event_now(t->q);
    vs_time_ns wait = wait_for(g, g->costs + g->head * VS_THROTTLE_BUCKETS);
    return vs_event_schedule(t->q, now + wait, on_release, t, guest, &g->event);
}

int vs_throttle_offer(struct vs_throttle *t, uint32_t guest, const double cost[VS_THROTTLE_BUCKETS],
                      const void *item, bool *now)
{
    *now = false;
    if (guest >= t->guests) return VS_ERR_INPUT;
    struct gq *g = &t->g[guest];
    vs_time_ns at = vs_event_now(t->q);
    refill(g, at);
    if (g->len == 0 && wait_for(g, cost) == 0) {
        charge(g, cost);
        *now = true;
        return VS_OK;
    }
    if (g->len == g->cap && !grow(t, g)) return VS_ERR_RUNTIME;
    size_t slot = (g->head + g->len) % g->cap;
    memcpy(g->ring + slot * t->item_bytes, item, t->item_bytes);
    memcpy(g->costs + slot * VS_THROTTLE_BUCKETS, cost, VS_THROTTLE_BUCKETS * sizeof *cost);
    g->since[slot] = at;
    g->len++;
    g->delayed++;
    return arm(t, guest) == VS_OK ? VS_OK : VS_ERR_RUNTIME;
}

/* The guest's head has room: it goes, and so does every item behind it
 * that has room now; the next one waits for its own instant. */
static void on_release(void *ctx, uint64_t arg)
{
    struct vs_throttle *t = ctx;
    uint32_t guest = (uint32_t)arg;
    struct gq *g = &t->g[guest];
    g->event = 0;
    vs_time_ns now = vs_event_now(t->q);
    refill(g, now);
    while (g->len > 0) {
        const double *cost = g->costs + g->head * VS_THROTTLE_BUCKETS;
        if (wait_for(g, cost) > 0) break;
        charge(g, cost);
        /* Copied out first: the release may offer another item and grow
         * the ring (events never nest, so one scratch copy is enough). */
        memcpy(t->scratch, g->ring + g->head * t->item_bytes, t->item_bytes);
        g->wait_ns += (double)(now - g->since[g->head]);
        g->head = (g->head + 1) % g->cap;
        g->len--;
        t->release(t->ctx, guest, t->scratch);
    }
    if (arm(t, guest) != VS_OK) {
        /* The event queue is full: nothing can be scheduled any more; the
         * items stay queued and the run's own failure is reported first. */
    }
}

void vs_throttle_get_stats(const struct vs_throttle *t, uint32_t guest, struct vs_throttle_stats *out)
{
    memset(out, 0, sizeof *out);
    if (guest >= t->guests) return;
    const struct gq *g = &t->g[guest];
    out->delayed = g->delayed;
    out->wait_ns = g->wait_ns;
    out->waiting_now = (uint32_t)g->len;
}

void vs_throttle_reset_stats(struct vs_throttle *t)
{
    for (uint32_t i = 0; i < t->guests; i++) {
        t->g[i].delayed = 0;
        t->g[i].wait_ns = 0;
    }
}
