/* A service station (see station.h): one FIFO queue in front of k servers.
 *
 * Disk and NIC differ only in how long a request takes, so the queueing
 * (where contention between guests shows up as latency) lives here once.
 * Requests that find every server busy wait in a growable ring buffer; a
 * request in service lives in its server's slot, and its completion is one
 * event. A free server is taken lowest-index first at the start and then
 * most-recently-freed first: either is deterministic, and servers are
 * identical, so which one serves a request changes nothing but the order of
 * per-server bookkeeping. */
#include "virtsim/host/station.h"
#include "virtsim/core/budget.h"
#include "virtsim/core/error.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct request {
    vs_time_ns arrival_ns;
    vs_time_ns service_ns;
    uint64_t bytes;
    vs_io_done_fn done;
    void *ctx;
    uint64_t arg;
    uint32_t guest;
    double start_tag;  /* weighted: its virtual start time (start-time fair queueing) */
};

struct server {
    struct request req;
    vs_time_ns start_ns;
    vs_event_id event; /* 0 when idle */
};

struct guest_use {
    int64_t busy_ns;
    uint64_t completed;
    uint64_t bytes;
    double response_sum_ns;
};

struct vs_station {
    struct vs_event_queue *q;
    uint32_t n_servers;
    uint32_t n_guests;
    struct server *servers;
    uint32_t *free_servers; /* stack of idle server indices */
    uint32_t n_free;
    struct request *ring;   /* waiting requests, FIFO */
    size_t ring_cap, ring_head, ring_len;
    bool failed;            /* an event could not be scheduled; later submits fail */
    struct vs_mem_account *account; /* the waiting ring is charged here (the event queue's) */
    char what[96];          /* the queue's name in a budget error */
    /* statistics window */
    vs_time_ns window_start_ns;
    struct vs_twa busy;
    struct vs_twa waiting;
    uint64_t completed;
    double response_sum_ns;
    struct guest_use *use;
    /* Weighted service (vs_station_set_weight): start-time fair queueing.
     * NULL: first come, first served. */
    double *weight;
    double *finish_tag;     /* per guest: the virtual finish time of its last request */
    double vtime;           /* the start tag of the request last put in service */
};

static void on_complete(void *ctx, uint64_t arg);

struct vs_station *vs_station_create(struct vs_event_queue *q, uint32_t servers, uint32_t guests)
{
    if (!q || servers == 0 || guests == 0) return NULL;
    struct vs_station *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->servers = calloc(servers, sizeof *s->servers);
    s->free_servers = calloc(servers, sizeof *s->free_servers);
    s->use = calloc(guests, sizeof *s->use);
    if (!s->servers || !s->free_servers || !s->use) {
        vs_station_destroy(s);
        return NULL;
    }
    s->q = q;
    s->account = vs_event_account(q);
    snprintf(s->what, sizeof s->what, "a device queue");
    s->n_servers = servers;
    s->n_guests = guests;
    /* Pushed in reverse so server 0 is taken first. */
    for (uint32_t i = 0; i < servers; i++) s->free_servers[i] = servers - 1 - i;
    s->n_free = servers;
    vs_time_ns now = vs_event_now(q);
    s->window_start_ns = now;
    vs_twa_init(&s->busy, now, 0);
    vs_twa_init(&s->waiting, now, 0);
    return s;
}

void vs_station_destroy(struct vs_station *s)
{
    if (!s) return;
    if (s->servers)
        for (uint32_t i = 0; i < s->n_servers; i++)
            if (s->servers[i].event) vs_event_cancel(s->q, s->servers[i].event);
    free(s->servers);
    free(s->free_servers);
    vs_mem_give(s->account, (uint64_t)s->ring_cap * sizeof *s->ring);
    free(s->ring);
    free(s->use);
    free(s->weight);
    free(s->finish_tag);
    free(s);
}

static bool start_service(struct vs_station *s, uint32_t i, const struct request *r, vs_time_ns now)
{
    struct server *srv = &s->servers[i];
    if (vs_event_schedule(s->q, now + r->service_ns, on_complete, s, i, &srv->event) != VS_OK)
        return false;
    srv->req = *r;
    srv->start_ns = now;
    return true;
}

static bool ring_push(struct vs_station *s, const struct request *r)
{
    if (s->ring_len == s->ring_cap) {
        size_t cap = s->ring_cap ? s->ring_cap * 2 : 16;
        if (cap < s->ring_cap || cap > SIZE_MAX / sizeof *s->ring) return false;
        /* The new ring is charged while the old one still exists. */
        if (!vs_mem_take(s->account, (uint64_t)cap * sizeof(struct request), s->what,
                         (uint64_t)s->ring_cap * sizeof *s->ring))
            return false;
        struct request *ring = malloc(cap * sizeof *ring);
        if (!ring) {
            vs_mem_give(s->account, (uint64_t)cap * sizeof(struct request));
            return false;
        }
        vs_mem_give(s->account, (uint64_t)s->ring_cap * sizeof *s->ring);
        /* Unwrap the old contents so the queue starts at index 0. */
        for (size_t k = 0; k < s->ring_len; k++)
            ring[k] = s->ring[(s->ring_head + k) % s->ring_cap];
        free(s->ring);
        s->ring = ring;
        s->ring_cap = cap;
        s->ring_head = 0;
    }
    s->ring[(s->ring_head + s->ring_len) % s->ring_cap] = *r;
    s->ring_len++;
    return true;
}

int vs_station_set_weight(struct vs_station *s, uint32_t guest, double weight)
{
    if (guest >= s->n_guests || !(weight > 0)) return VS_ERR_INPUT;
    if (!s->weight) {
        s->weight = malloc(s->n_guests * sizeof *s->weight);
        s->finish_tag = calloc(s->n_guests, sizeof *s->finish_tag);
        if (!s->weight || !s->finish_tag) return VS_ERR_RUNTIME;
        for (uint32_t g = 0; g < s->n_guests; g++) s->weight[g] = VS_STATION_DEFAULT_WEIGHT;
    }
    s->weight[guest] = weight;
    return VS_OK;
}

/* Weighted: the waiting request with the smallest start tag (the earliest
 * among equals) moves to the head of the ring. A guest's own requests keep
 * their order, since its tags only grow. */
static void weighted_to_head(struct vs_station *s)
{
    size_t best = 0;
    for (size_t k = 1; k < s->ring_len; k++)
        if (s->ring[(s->ring_head + k) % s->ring_cap].start_tag <
            s->ring[(s->ring_head + best) % s->ring_cap].start_tag)
            best = k;
    if (best == 0) return;
    struct request r = s->ring[(s->ring_head + best) % s->ring_cap];
    for (size_t k = best; k > 0; k--)
        s->ring[(s->ring_head + k) % s->ring_cap] = s->ring[(s->ring_head + k - 1) % s->ring_cap];
    s->ring[s->ring_head] = r;
}

int vs_station_submit(struct vs_station *s, uint32_t guest, vs_time_ns service_ns, uint64_t bytes,
                      vs_io_done_fn done, void *ctx, uint64_t arg)
{
    if (guest >= s->n_guests || service_ns < 0) return VS_ERR_INPUT;
    if (s->failed) return VS_ERR_RUNTIME;
    vs_time_ns now = vs_event_now(s->q);
    struct request r = {now, service_ns, bytes, done, ctx, arg, guest, 0};
    if (s->weight) {
        /* Its share of the device: virtual time advances by its service
         * over its weight (start-time fair queueing, as BFQ shares a disk
         * by io.weight and Xen's blkback by its ring scheduling). */
        double start = s->finish_tag[guest] > s->vtime ? s->finish_tag[guest] : s->vtime;
        r.start_tag = start;
        s->finish_tag[guest] = start + (double)service_ns / s->weight[guest];
    }
    if (s->n_free > 0) {
        if (s->weight) s->vtime = r.start_tag;
        uint32_t i = s->free_servers[s->n_free - 1];
        if (!start_service(s, i, &r, now)) return VS_ERR_RUNTIME;
        s->n_free--;
        vs_twa_add(&s->busy, now, 1);
        return VS_OK;
    }
    if (!ring_push(s, &r)) return VS_ERR_RUNTIME;
    vs_twa_add(&s->waiting, now, 1);
    return VS_OK;
}

static void on_complete(void *ctx, uint64_t arg)
{
    struct vs_station *s = ctx;
    uint32_t i = (uint32_t)arg;
    struct server *srv = &s->servers[i];
    vs_time_ns now = vs_event_now(s->q);
    struct request r = srv->req;
    srv->event = 0;

    vs_time_ns response_ns = now - r.arrival_ns;
    struct guest_use *u = &s->use[r.guest];
    /* Service that began before the window started counts only from then. */
    u->busy_ns += now - (srv->start_ns > s->window_start_ns ? srv->start_ns : s->window_start_ns);
    u->completed++;
    u->bytes += r.bytes;
    u->response_sum_ns += (double)response_ns;
    s->completed++;
    s->response_sum_ns += (double)response_ns;

    bool next_started = false;
    if (s->ring_len > 0) {
        if (s->weight) weighted_to_head(s);
        const struct request *next = &s->ring[s->ring_head];
        if (s->weight) s->vtime = next->start_tag;
        if (start_service(s, i, next, now)) {
            s->ring_head = (s->ring_head + 1) % s->ring_cap;
            s->ring_len--;
            vs_twa_add(&s->waiting, now, -1);
            next_started = true;
        } else {
            /* The request stays first in line; the caller learns of the
             * failure from its next submit. */
            s->failed = true;
        }
    }
    if (!next_started) {
        s->free_servers[s->n_free++] = i;
        vs_twa_add(&s->busy, now, -1);
    }
    if (r.done) r.done(r.ctx, r.arg, response_ns);
}

size_t vs_station_waiting_bytes(void) { return sizeof(struct request); }

void vs_station_set_what(struct vs_station *s, const char *what)
{
    snprintf(s->what, sizeof s->what, "%s", what);
}

void vs_station_reset_stats(struct vs_station *s)
{
    vs_time_ns now = vs_event_now(s->q);
    s->window_start_ns = now;
    vs_twa_reset(&s->busy, now);
    vs_twa_reset(&s->waiting, now);
    s->completed = 0;
    s->response_sum_ns = 0;
    memset(s->use, 0, (size_t)s->n_guests * sizeof *s->use);
}

void vs_station_get_stats(const struct vs_station *s, struct vs_station_stats *out)
{
    memset(out, 0, sizeof *out);
    vs_time_ns now = vs_event_now(s->q);
    out->window_ns = (double)(now - s->window_start_ns);
    out->utilisation = vs_twa_mean(&s->busy, now) / (double)s->n_servers;
    out->queue_mean = vs_twa_mean(&s->waiting, now);
    out->queue_max = s->waiting.max;
    out->completed = s->completed;
    out->mean_response_ns = s->completed ? s->response_sum_ns / (double)s->completed : 0;
}

void vs_station_get_guest_stats(const struct vs_station *s, uint32_t guest,
                                struct vs_station_guest_stats *out)
{
    memset(out, 0, sizeof *out);
    if (guest >= s->n_guests) return;
    vs_time_ns now = vs_event_now(s->q);
    int64_t busy = s->use[guest].busy_ns;
    /* Requests still in service have used their server up to now. */
    for (uint32_t i = 0; i < s->n_servers; i++) {
        const struct server *srv = &s->servers[i];
        if (!srv->event || srv->req.guest != guest) continue;
        vs_time_ns from = srv->start_ns > s->window_start_ns ? srv->start_ns : s->window_start_ns;
        if (now > from) busy += now - from;
    }
    out->busy_ns = (double)busy;
    out->completed = s->use[guest].completed;
    out->bytes = s->use[guest].bytes;
    out->response_sum_ns = s->use[guest].response_sum_ns;
}
