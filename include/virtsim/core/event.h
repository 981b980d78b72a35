/* The discrete-event core: a clock in integer nanoseconds and a pending-event
 * set ordered by (time, insertion order), so equal timestamps run FIFO and a
 * run is reproducible bit for bit. Events are cancelled by handle. */
#ifndef VIRTSIM_EVENT_H
#define VIRTSIM_EVENT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int64_t vs_time_ns;
#define VS_TIME_NEVER INT64_MAX
#define VS_NS_PER_US INT64_C(1000)
#define VS_NS_PER_MS INT64_C(1000000)
#define VS_NS_PER_S INT64_C(1000000000)

/* Handle of a scheduled event; 0 is never a valid handle. A handle stays
 * unique for the life of the queue, so cancelling a handle whose event has
 * already run (or was cancelled) is a harmless no-op. */
typedef uint64_t vs_event_id;

/* Callback: ctx and arg are what was passed to vs_event_schedule. The
 * current time is vs_event_now(queue). A callback may schedule and cancel. */
typedef void (*vs_event_fn)(void *ctx, uint64_t arg);

struct vs_event_queue; /* opaque */

/* Allocates a queue at time 0. Caller owns it: free with vs_event_queue_destroy.
 * Returns NULL when out of memory. */
struct vs_event_queue *vs_event_queue_create(size_t capacity_hint);
void vs_event_queue_destroy(struct vs_event_queue *q);

/* Refuses to hold more than max_pending events (default: 50 million);
 * vs_event_schedule then fails with VS_ERR_RUNTIME instead of exhausting memory. */
void vs_event_set_limit(struct vs_event_queue *q, size_t max_pending);

/* Charges the queue's memory (its heap and slot table, which grow with the
 * events pending) to an account of a memory budget (core/budget.h), from
 * the blocks it holds now on; a growth the budget refuses makes
 * vs_event_schedule fail, and the account says why. NULL: none. Returns
 * false (and charges nothing) when what it holds already does not fit. */
struct vs_mem_account;
bool vs_event_set_account(struct vs_event_queue *q, struct vs_mem_account *a);
/* The account, for the structures built on the queue (stations, NICs). */
struct vs_mem_account *vs_event_account(const struct vs_event_queue *q);

/* vs_event_run_until also returns after the event during which *flag
 * became true (a stop request from the user): the queue is left between
 * two events, consistent. NULL: none. */
void vs_event_set_interrupt(struct vs_event_queue *q, const atomic_bool *flag);

/* Schedules fn(ctx, arg) at absolute time `at` (>= now). Returns VS_OK and
 * sets *id (if not NULL), or VS_ERR_RUNTIME when at < now, the limit is hit or
 * memory runs out. O(log n). */
int vs_event_schedule(struct vs_event_queue *q, vs_time_ns at, vs_event_fn fn,
                      void *ctx, uint64_t arg, vs_event_id *id);

/* Cancels a pending event: it will never run. Returns true if it was pending. */
bool vs_event_cancel(struct vs_event_queue *q, vs_event_id id);

vs_time_ns vs_event_now(const struct vs_event_queue *q);

/* Time of the next pending event, or VS_TIME_NEVER when none is pending. */
vs_time_ns vs_event_next_time(struct vs_event_queue *q);

/* Runs the earliest pending event. Returns false when nothing is pending. */
bool vs_event_step(struct vs_event_queue *q);

/* Runs every event with time <= end, then sets the clock to end (if it is
 * later than now). Stops early, leaving the clock at the last event run, if
 * vs_event_stop was called by a callback or the interrupt flag is set. Returns the number of events run. */
uint64_t vs_event_run_until(struct vs_event_queue *q, vs_time_ns end);

/* Asks vs_event_run_until to return after the current callback. */
void vs_event_stop(struct vs_event_queue *q);

size_t vs_event_pending(const struct vs_event_queue *q);
/* Bytes one pending event takes (heap entry and slot), for estimates. */
size_t vs_event_pending_bytes(void);
uint64_t vs_event_executed(const struct vs_event_queue *q);

#endif
