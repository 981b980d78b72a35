/* The host's disk: a station whose service time depends on the device class.
 * hdd: seek (drawn from latency_dist around seek_ns) + rotational delay
 * (uniform over one turn) + transfer; one request at a time. ssd/nvme:
 * latency (drawn from latency_dist) + transfer at bandwidth/parallelism,
 * `parallelism` requests in service at once. */
#ifndef VIRTSIM_DISK_H
#define VIRTSIM_DISK_H

#include <stdbool.h>
#include "virtsim/host/host.h"
#include "virtsim/host/station.h"

struct vs_disk; /* opaque */

/* Caller owns the result; free with vs_disk_destroy. The disk draws from its
 * own stream seeded from `seed`. NULL when out of memory. */
struct vs_disk *vs_disk_create(const struct vs_disk_spec *spec, struct vs_event_queue *q,
                               uint64_t seed, uint32_t guests);
void vs_disk_destroy(struct vs_disk *d);

int vs_disk_submit(struct vs_disk *d, uint32_t guest, bool write, uint64_t bytes,
                   vs_io_done_fn done, void *ctx, uint64_t arg);

/* The same, with the service time drawn from `rng` instead of the disk's own
 * stream: a simulation draws each request's I/O from that request's stream,
 * so the same request meets the same device times under every engine
 * (common random numbers), whatever order the requests reach the disk in. */
int vs_disk_submit_drawn(struct vs_disk *d, uint32_t guest, bool write, uint64_t bytes, struct vs_rng *rng,
                         vs_io_done_fn done, void *ctx, uint64_t arg);
/* Limits a guest's requests to iops per second and bytes_per_s (0: no
 * limit) with token buckets holding burst_s of each rate (host/throttle.h):
 * like cgroup io.max and QEMU's iops-total/bps-total. A request over the
 * limit waits, in its guest's order, before it reaches the device's queue;
 * its device time is drawn when it is submitted, as without limits. */
int vs_disk_set_limits(struct vs_disk *d, uint32_t guest, double iops, double bytes_per_s, double burst_s);
/* The guest's share of the device (io.weight, 1..10000; 0: leaves it at
 * the default, 100): once any guest has one, waiting requests are served
 * by weight (station.h) rather than in arrival order. */
int vs_disk_set_weight(struct vs_disk *d, uint32_t guest, double weight);
/* Requests of the guest its limits held back, and their waits summed, in the window. */
void vs_disk_guest_throttle(const struct vs_disk *d, uint32_t guest, uint64_t *delayed, double *wait_ns);
/* Starts a new statistics window (the station's and the limits'). */
void vs_disk_reset_stats(struct vs_disk *d);
/* The station underneath, for statistics. */
struct vs_station *vs_disk_station(struct vs_disk *d);
const struct vs_station *vs_disk_station_const(const struct vs_disk *d);

#endif
