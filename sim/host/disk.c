/* The host's disk (see disk.h): service times by device class on a station.
 *
 * A spinning disk serves one request at a time, and most of its time goes to
 * moving the head (seek) and waiting for the sector to come round (rotation),
 * which is why random I/O from many guests on one HDD is so slow. Flash
 * devices have a fixed-ish latency per request and serve many requests at
 * once; the device's bandwidth is shared by the requests in service, so each
 * transfers at bandwidth / parallelism.
 *
 * A host profile gives only the mean of the latency (or seek) term and the
 * shape of its distribution. For the shapes that need a second parameter the
 * spread is fixed here: uniform over [0, 2 * mean), and normal and lognormal
 * with a standard deviation of a quarter of the mean (so truncating the normal
 * at 0 moves its mean by less than 0.01 %). */
#include "virtsim/host/disk.h"
#include "virtsim/core/error.h"
#include "virtsim/host/throttle.h"

#include <math.h>
#include <stdlib.h>

#define LATENCY_CV 0.25
/* Longer than any service a sane profile produces (~146 years); it keeps the
 * conversion to integer nanoseconds defined. */
#define MAX_SERVICE_NS 4.6e18

/* Commands the device's cache accepts at once (NCQ depth). */
#define CACHE_SLOTS 32

struct vs_disk {
    struct vs_disk_spec spec;
    uint32_t servers;
    struct vs_rng rng;
    struct vs_station *station;
    /* The write cache: acknowledgements are served by a station of its
     * own (its latency, CACHE_SLOTS at once); the data held until the media
     * has written it is cached_bytes. */
    struct vs_station *cache;
    double cached_bytes;
    /* Per-guest IOPS and bandwidth limits (NULL until a guest has one):
     * a request waits there before it reaches the device's queue. */
    struct vs_throttle *limits;
    struct vs_event_queue *q;
    uint32_t guests;
    bool failed; /* a held request could not reach the device (memory); later submits fail */
};

/* A request held back by its guest's limits, with its device time already
 * drawn (from the request's own stream, as without limits). */
struct held {
    bool write;
    uint64_t bytes;
    vs_time_ns media_ns;
    vs_io_done_fn done;
    void *ctx;
    uint64_t arg;
};

struct vs_disk *vs_disk_create(const struct vs_disk_spec *spec, struct vs_event_queue *q,
                               uint64_t seed, uint32_t guests)
{
    if (!spec || !q) return NULL;
    if (spec->device_class != VS_DISK_HDD && spec->device_class != VS_DISK_SSD &&
        spec->device_class != VS_DISK_NVME)
        return NULL;
    struct vs_disk *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->spec = *spec;
    d->q = q;
    d->guests = guests;
    d->servers = spec->device_class == VS_DISK_HDD ? 1 : (spec->parallelism ? spec->parallelism : 1);
    vs_rng_seed_stream(&d->rng, seed, "disk");
    d->station = vs_station_create(q, d->servers, guests);
    if (spec->write_cache_bytes > 0) d->cache = vs_station_create(q, CACHE_SLOTS, guests);
    if (!d->station || (spec->write_cache_bytes > 0 && !d->cache)) {
        vs_disk_destroy(d);
        return NULL;
    }
    vs_station_set_what(d->station, "the disk queue");
    if (d->cache) vs_station_set_what(d->cache, "the disk's write-cache queue");
    return d;
}

void vs_disk_destroy(struct vs_disk *d)
{
    if (!d) return;
    vs_station_destroy(d->station);
    vs_station_destroy(d->cache);
    vs_throttle_destroy(d->limits);
    free(d);
}

/* A draw from the profile's distribution shape with the given mean. */
static double draw_latency_ns(const struct vs_disk *d, struct vs_rng *rng, double mean_ns)
{
    if (!(mean_ns > 0)) return 0;
    struct vs_dist dist = {d->spec.latency_dist, mean_ns, 0};
    switch (d->spec.latency_dist) {
    case VS_DIST_CONSTANT:
    case VS_DIST_EXPONENTIAL:
        break;
    case VS_DIST_UNIFORM:
        dist.a = 0;
        dist.b = 2 * mean_ns;
        break;
    case VS_DIST_NORMAL:
    case VS_DIST_LOGNORMAL:
        dist.b = LATENCY_CV * mean_ns;
        break;
    }
    return vs_dist_sample(&dist, rng);
}

static vs_time_ns service_ns(const struct vs_disk *d, struct vs_rng *rng, bool write, uint64_t bytes)
{
    const struct vs_disk_spec *sp = &d->spec;
    double ns;
    double transfer_bytes_per_s = sp->bandwidth_bytes_per_s;
    if (sp->device_class == VS_DISK_HDD) {
        ns = draw_latency_ns(d, rng, (double)sp->seek_ns);
        /* The sector is anywhere on the track: uniform over one full turn. */
        if (sp->rpm > 0) ns += vs_rng_uniform01(rng) * (60e9 / sp->rpm);
    } else {
        ns = draw_latency_ns(d, rng, (double)(write ? sp->write_latency_ns : sp->read_latency_ns));
        transfer_bytes_per_s /= (double)d->servers;
    }
    if (transfer_bytes_per_s > 0) ns += (double)bytes * 1e9 / transfer_bytes_per_s;
    if (!(ns < MAX_SERVICE_NS)) ns = MAX_SERVICE_NS;
    return (vs_time_ns)floor(ns + 0.5);
}

int vs_disk_submit(struct vs_disk *d, uint32_t guest, bool write, uint64_t bytes,
                   vs_io_done_fn done, void *ctx, uint64_t arg)
{
    return vs_disk_submit_drawn(d, guest, write, bytes, &d->rng, done, ctx, arg);
}

/* The media has written a cached write: its room in the cache is free. */
static void on_drained(void *ctx, uint64_t bytes, vs_time_ns response_ns)
{
    (void)response_ns;
    struct vs_disk *d = ctx;
    d->cached_bytes -= (double)bytes;
    if (d->cached_bytes < 0) d->cached_bytes = 0;
}

/* The request reaches the device: its cache, or its queue. */
static int to_device(struct vs_disk *d, uint32_t guest, bool write, uint64_t bytes, vs_time_ns media_ns,
                     vs_io_done_fn done, void *ctx, uint64_t arg)
{
    if (write && d->cache && d->cached_bytes + (double)bytes <= d->spec.write_cache_bytes) {
        /* Acknowledged from the cache; the media still does the work (and is
         * busy for it), off the writer's path. */
        d->cached_bytes += (double)bytes;
        int rc = vs_station_submit(d->station, guest, media_ns, bytes, on_drained, d, bytes);
        if (rc != VS_OK || !done) return rc;
        return vs_station_submit(d->cache, guest, d->spec.write_cache_latency_ns, 0, done, ctx, arg);
    }
    return vs_station_submit(d->station, guest, media_ns, bytes, done, ctx, arg);
}

static void on_released(void *ctx, uint32_t guest, const void *item)
{
    struct vs_disk *d = ctx;
    const struct held *h = item;
    if (to_device(d, guest, h->write, h->bytes, h->media_ns, h->done, h->ctx, h->arg) != VS_OK) d->failed = true;
}

int vs_disk_submit_drawn(struct vs_disk *d, uint32_t guest, bool write, uint64_t bytes, struct vs_rng *rng,
                         vs_io_done_fn done, void *ctx, uint64_t arg)
{
    if (d->failed) return VS_ERR_RUNTIME;
    vs_time_ns media_ns = service_ns(d, rng, write, bytes);
    if (d->limits && vs_throttle_limited(d->limits, guest)) {
        double cost[VS_THROTTLE_BUCKETS] = {1, (double)bytes};
        struct held h = {write, bytes, media_ns, done, ctx, arg};
        bool now;
        int rc = vs_throttle_offer(d->limits, guest, cost, &h, &now);
        if (rc != VS_OK || !now) return rc;
    }
    return to_device(d, guest, write, bytes, media_ns, done, ctx, arg);
}

int vs_disk_set_limits(struct vs_disk *d, uint32_t guest, double iops, double bytes_per_s, double burst_s)
{
    if (guest >= d->guests || !(iops >= 0) || !(bytes_per_s >= 0) || !(burst_s > 0)) return VS_ERR_INPUT;
    if (!(iops > 0) && !(bytes_per_s > 0)) return VS_OK;
    if (!d->limits) {
        d->limits = vs_throttle_create(d->q, d->guests, sizeof(struct held), on_released, d);
        if (!d->limits) return VS_ERR_RUNTIME;
        vs_throttle_set_what(d->limits, "the disk requests held back by their guests' limits");
    }
    /* A bucket holds burst_s of its rate, and at least one request (of any
     * size: the bytes bucket lets a large request through when full). */
    double ops_burst = iops * burst_s < 1 ? 1 : iops * burst_s;
    int rc = vs_throttle_set(d->limits, guest, 0, iops, ops_burst);
    if (rc == VS_OK) rc = vs_throttle_set(d->limits, guest, 1, bytes_per_s, bytes_per_s * burst_s);
    return rc;
}

int vs_disk_set_weight(struct vs_disk *d, uint32_t guest, double weight)
{
    if (!(weight > 0)) return VS_OK;
    return vs_station_set_weight(d->station, guest, weight);
}

void vs_disk_guest_throttle(const struct vs_disk *d, uint32_t guest, uint64_t *delayed, double *wait_ns)
{
    struct vs_throttle_stats st = {0};
    if (d->limits) vs_throttle_get_stats(d->limits, guest, &st);
    *delayed = st.delayed;
    *wait_ns = st.wait_ns;
}

void vs_disk_reset_stats(struct vs_disk *d)
{
    vs_station_reset_stats(d->station);
    if (d->limits) vs_throttle_reset_stats(d->limits);
}

struct vs_station *vs_disk_station(struct vs_disk *d)
{
    return d->station;
}

const struct vs_station *vs_disk_station_const(const struct vs_disk *d)
{
    return d->station;
}
