/* A service station: a FIFO queue in front of k identical servers. Disk and
 * NIC are built on it; they compute each request's service time, the station
 * does the queueing and keeps utilisation, queue length and per-guest use. */
#ifndef VIRTSIM_STATION_H
#define VIRTSIM_STATION_H

#include <stddef.h>
#include <stdint.h>
#include "virtsim/core/event.h"
#include "virtsim/core/stats.h"

struct vs_station; /* opaque */

/* Called when a request completes; response_ns = queueing + service. */
typedef void (*vs_io_done_fn)(void *ctx, uint64_t arg, vs_time_ns response_ns);

/* Caller owns the result; free with vs_station_destroy (before the queue).
 * NULL when out of memory. */
struct vs_station *vs_station_create(struct vs_event_queue *q, uint32_t servers, uint32_t guests);
void vs_station_destroy(struct vs_station *s);

/* Names the queue in a memory-budget error ("the disk queue of host a").
 * The ring of waiting requests is charged to the event queue's memory
 * account (vs_event_set_account); a growth it refuses fails the submit. */
void vs_station_set_what(struct vs_station *s, const char *what);

/* Queues a request of `guest` (< guests) needing service_ns on a server.
 * done may be NULL (fire and forget, e.g. write-back). VS_ERR_RUNTIME when
 * memory runs out. */
int vs_station_submit(struct vs_station *s, uint32_t guest, vs_time_ns service_ns,
                      uint64_t bytes, vs_io_done_fn done, void *ctx, uint64_t arg);

/* Serves the guests in proportion to their weights instead of first come,
 * first served: start-time fair queueing on service time (a guest without
 * a weight of its own has VS_STATION_DEFAULT_WEIGHT, io.weight's default).
 * Among one guest's requests the order stays first come, first served. */
#define VS_STATION_DEFAULT_WEIGHT 100.0
int vs_station_set_weight(struct vs_station *s, uint32_t guest, double weight);

void vs_station_reset_stats(struct vs_station *s);

/* Bytes one waiting request takes in a station's queue (for estimates). */
size_t vs_station_waiting_bytes(void);

struct vs_station_stats {
    double window_ns;
    double utilisation;      /* mean busy servers / servers, 0..1 */
    double queue_mean;       /* mean requests waiting (not in service) */
    double queue_max;
    uint64_t completed;
    double mean_response_ns;
};
struct vs_station_guest_stats {
    double busy_ns;          /* server time used */
    uint64_t completed;
    uint64_t bytes;
    double response_sum_ns;  /* queueing + service of those completed, summed */
};
void vs_station_get_stats(const struct vs_station *s, struct vs_station_stats *out);
void vs_station_get_guest_stats(const struct vs_station *s, uint32_t guest,
                                struct vs_station_guest_stats *out);

#endif
