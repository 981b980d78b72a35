/* Per-guest token-bucket throttles in front of a device: a guest's disk
 * IOPS and bandwidth limits (cgroup io.max, QEMU's iops-total/bps-total)
 * and its network rate limit (tc tbf, Xen netback's rate=). Each guest has
 * up to two buckets (say operations and bytes) and a FIFO of the items
 * that wait for them; an item goes on when every limited bucket has room
 * for it, in the order the guest offered them.
 *
 * A bucket fills at its rate up to its burst. An item may go when the
 * bucket holds min(cost, burst), and is then charged its whole cost (the
 * level may go below zero): one item larger than the burst is never split
 * or stuck, and over time the guest gets exactly the rate, which is how
 * QEMU's leaky buckets and blk-throttle's slices behave. A guest without
 * limits never waits here. */
#ifndef VIRTSIM_THROTTLE_H
#define VIRTSIM_THROTTLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "virtsim/core/event.h"

#define VS_THROTTLE_BUCKETS 2

struct vs_throttle; /* opaque */

/* Called (from an event) when a waiting item may go; `item` points to the
 * copy the throttle kept, valid during the call. */
typedef void (*vs_release_fn)(void *ctx, uint32_t guest, const void *item);

/* Caller owns the result; free with vs_throttle_destroy. Items are
 * item_bytes long. NULL when out of memory. */
struct vs_throttle *vs_throttle_create(struct vs_event_queue *q, uint32_t guests, size_t item_bytes,
                                       vs_release_fn release, void *ctx);
void vs_throttle_destroy(struct vs_throttle *t);
/* Names its queues in memory-budget errors. */
void vs_throttle_set_what(struct vs_throttle *t, const char *what);

/* Sets bucket b of a guest: rate per second (0: no limit) and burst (what
 * the bucket holds; at least one unit). Starts full. */
int vs_throttle_set(struct vs_throttle *t, uint32_t guest, int b, double rate_per_s, double burst);
bool vs_throttle_limited(const struct vs_throttle *t, uint32_t guest);

/* Offers an item costing cost[b] of each bucket. When it may go now, *now
 * is true and nothing is kept (the caller proceeds); otherwise the item is
 * copied, waits, and `release` is called with it when it may go.
 * VS_ERR_RUNTIME when the queue cannot grow (memory budget). */
int vs_throttle_offer(struct vs_throttle *t, uint32_t guest, const double cost[VS_THROTTLE_BUCKETS],
                      const void *item, bool *now);

/* Items a guest had to wait for, and their waits summed, since the reset. */
struct vs_throttle_stats {
    uint64_t delayed;
    double wait_ns;
    uint32_t waiting_now;
};
void vs_throttle_get_stats(const struct vs_throttle *t, uint32_t guest, struct vs_throttle_stats *out);
void vs_throttle_reset_stats(struct vs_throttle *t);

#endif
