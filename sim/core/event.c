/* The discrete-event core (see event.h): a clock and the pending-event set.
 *
 * The pending set is a 4-ary min-heap of 16-byte entries {time, key}, with
 * key = seq << 32 | slot. seq counts insertions, so comparing (time, key)
 * orders equal timestamps first-in first-out; slot indexes a side table that
 * holds the callback, so the sift loops move only 16 bytes and never follow a
 * pointer. The heap is aligned so the four children of a node share one
 * 64-byte cache line.
 *
 * Cancellation is lazy: the slot is marked and its entry is dropped when it
 * reaches the top, or all at once when cancelled entries exceed half the heap.
 * A handle is gen << 32 | (slot + 1); a slot's generation changes whenever the
 * slot is freed, so stale handles never match. A slot whose generation would
 * wrap is retired rather than reused, which keeps handles unique for the life
 * of the queue. When the 32-bit seq space is used up, the pending entries are
 * renumbered in order (rare: once per 2^32 insertions). */
#include "virtsim/core/event.h"
#include "virtsim/core/budget.h"
#include "virtsim/core/error.h"

#include <stdlib.h>
#include <string.h>

#define HEAP_ARITY 4
/* Physical index of the root: the entries before it are padding that puts
 * every group of siblings at a multiple of HEAP_ARITY. */
#define HEAP_ROOT (HEAP_ARITY - 1)
#define HEAP_ALIGN_BYTES 64
#define DEFAULT_MAX_PENDING ((size_t)50 * 1000 * 1000)
/* After a renumbering, at least 2^31 insertions remain before the next. */
#define MAX_PENDING_CEILING ((size_t)1 << 31)
#define SEQ_SPACE (UINT64_C(1) << 32)
#define SLOT_BITS 32
#define SLOT_MASK UINT64_C(0xffffffff)
#define NO_SLOT UINT32_MAX

/* Below these sizes the heap and the slot table stay in the L1/L2 caches and
 * prefetching costs more than it saves (measured, docs/performance.md). */
#define PREFETCH_MIN_ENTRIES 8192
#define PREFETCH_MIN_SLOTS 4096

#ifdef __GNUC__
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif

struct entry {
    vs_time_ns time_ns;
    uint64_t key; /* seq << 32 | slot */
};

struct slot {
    vs_event_fn fn; /* NULL when not pending (free, or cancelled but still in the heap) */
    void *ctx;
    uint64_t arg;
    uint32_t gen;
    uint32_t next_free;
};

struct vs_event_queue {
    struct entry *heap;  /* aligned; entries [HEAP_ROOT, HEAP_ROOT + heap_len) are live */
    void *heap_block;    /* what malloc returned, for free() */
    size_t heap_len;     /* entries in the heap, cancelled ones included */
    size_t heap_cap;     /* entries the block holds after the padding */
    size_t cancelled;    /* entries in the heap whose slot was cancelled */

    struct slot *slots;
    size_t slot_count;   /* slots ever handed out */
    size_t slot_cap;
    uint32_t free_head;  /* free list through next_free, NO_SLOT when empty */

    uint64_t next_seq;
    uint64_t seq_limit;  /* renumber when next_seq reaches it; tests lower it */
    size_t max_pending;

    vs_time_ns now_ns;
    uint64_t executed;
    bool stop_requested;
    const atomic_bool *interrupt; /* stop after the event during which it became true */
    struct vs_mem_account *account; /* what the heap and slots are charged to; NULL: nothing */
};

#define QUEUE_WHAT "the event queue"

/* The bytes of the heap block and the slot table as allocated. */
static uint64_t heap_block_bytes(size_t cap) { return (uint64_t)(cap + HEAP_ROOT) * sizeof(struct entry) + HEAP_ALIGN_BYTES; }
static uint64_t queue_bytes(const struct vs_event_queue *q)
{
    return (q->heap_cap ? heap_block_bytes(q->heap_cap) : 0) + (uint64_t)q->slot_cap * sizeof(struct slot);
}

#ifdef __SIZEOF_INT128__
__extension__ typedef unsigned __int128 u128; /* a GCC/Clang extension, hence the marker */
#endif

static inline bool entry_less(struct entry a, struct entry b)
{
#ifdef __SIZEOF_INT128__
    /* Times are never negative (scheduling before now is refused and now
     * starts at 0), so (time, key) compares as one unsigned 128-bit number:
     * branch-free, which made the hold benchmark 1.7x faster than the
     * short-circuit form below (docs/performance.md). */
    u128 ka = ((u128)(uint64_t)a.time_ns << 64) | a.key;
    u128 kb = ((u128)(uint64_t)b.time_ns << 64) | b.key;
    return ka < kb;
#else
    return a.time_ns < b.time_ns || (a.time_ns == b.time_ns && a.key < b.key);
#endif
}

static inline size_t first_child(size_t p)
{
    return HEAP_ARITY * (p - HEAP_ROOT + 1);
}

static inline size_t parent_of(size_t p)
{
    return p / HEAP_ARITY + HEAP_ROOT - 1;
}

static void sift_up(struct entry *h, size_t p, struct entry x)
{
    while (p > HEAP_ROOT) {
        size_t up = parent_of(p);
        if (!entry_less(x, h[up])) break;
        h[p] = h[up];
        p = up;
    }
    h[p] = x;
}

_Static_assert(HEAP_ARITY == 4, "min_child's tournament compares exactly four children");

/* The smallest of the children starting at c, or end when there are none. */
static inline size_t min_child(const struct entry *h, size_t c, size_t end)
{
    if (c + HEAP_ARITY <= end) {
        /* A full group: a fixed-shape tournament the compiler makes branch-free. */
        size_t a = entry_less(h[c + 1], h[c]) ? c + 1 : c;
        size_t b = entry_less(h[c + 3], h[c + 2]) ? c + 3 : c + 2;
        return entry_less(h[b], h[a]) ? b : a;
    }
    if (c >= end) return end;
    size_t m = c;
    for (size_t k = c + 1; k < end; k++)
        if (entry_less(h[k], h[m])) m = k;
    return m;
}

/* Places x at hole p or below; end is one past the last physical entry. */
static void sift_down(struct entry *h, size_t p, size_t end, struct entry x)
{
    /* In a heap too big for the L1/L2 caches each level is a cache miss, and
     * the branch-free compares give the CPU nothing to speculate on, so it
     * would wait for one level before even asking for the next. Asking for
     * the four grandchild groups (one line each) while comparing the children
     * overlaps those misses: 1.4x faster at 10^6 pending. */
    bool far = end > PREFETCH_MIN_ENTRIES;
    for (;;) {
        size_t c = first_child(p);
        if (far) {
            size_t g = first_child(c);
            if (g + 3 * HEAP_ARITY < end) {
                PREFETCH(&h[g]);
                PREFETCH(&h[g + HEAP_ARITY]);
                PREFETCH(&h[g + 2 * HEAP_ARITY]);
                PREFETCH(&h[g + 3 * HEAP_ARITY]);
            }
        }
        size_t m = min_child(h, c, end);
        if (m == end || !entry_less(h[m], x)) break;
        h[p] = h[m];
        p = m;
    }
    h[p] = x;
}

static void heapify(struct entry *h, size_t len)
{
    if (len < 2) return;
    size_t end = HEAP_ROOT + len;
    for (size_t p = parent_of(end - 1) + 1; p-- > HEAP_ROOT;) sift_down(h, p, end, h[p]);
}

static bool grow_heap(struct vs_event_queue *q, size_t min_cap)
{
    if (q->heap_cap >= min_cap) return true;
    size_t cap = q->heap_cap ? q->heap_cap : 64;
    while (cap < min_cap) {
        if (cap > SIZE_MAX / 2) return false;
        cap *= 2;
    }
    size_t n = cap + HEAP_ROOT;
    if (n > (SIZE_MAX - HEAP_ALIGN_BYTES) / sizeof(struct entry)) return false;
    /* The new block is charged in full while the old one still exists. */
    if (!vs_mem_take(q->account, heap_block_bytes(cap), QUEUE_WHAT, queue_bytes(q))) return false;
    void *block = malloc(n * sizeof(struct entry) + HEAP_ALIGN_BYTES);
    if (!block) {
        vs_mem_give(q->account, heap_block_bytes(cap));
        return false;
    }
    if (q->heap_cap) vs_mem_give(q->account, heap_block_bytes(q->heap_cap));
    uintptr_t aligned = ((uintptr_t)block + HEAP_ALIGN_BYTES - 1) & ~(uintptr_t)(HEAP_ALIGN_BYTES - 1);
    struct entry *heap = (struct entry *)aligned;
    if (q->heap_len)
        memcpy(heap + HEAP_ROOT, q->heap + HEAP_ROOT, q->heap_len * sizeof(struct entry));
    free(q->heap_block);
    q->heap_block = block;
    q->heap = heap;
    q->heap_cap = cap;
    return true;
}

static bool grow_slots(struct vs_event_queue *q, size_t min_cap)
{
    if (q->slot_cap >= min_cap) return true;
    size_t cap = q->slot_cap ? q->slot_cap : 64;
    while (cap < min_cap) {
        if (cap > SIZE_MAX / 2) return false;
        cap *= 2;
    }
    if (cap > SIZE_MAX / sizeof(struct slot)) return false;
    /* realloc may copy: the new table is charged while the old one exists. */
    if (!vs_mem_take(q->account, (uint64_t)cap * sizeof(struct slot), QUEUE_WHAT, queue_bytes(q))) return false;
    struct slot *s = realloc(q->slots, cap * sizeof(struct slot));
    if (!s) {
        vs_mem_give(q->account, (uint64_t)cap * sizeof(struct slot));
        return false;
    }
    vs_mem_give(q->account, (uint64_t)q->slot_cap * sizeof(struct slot));
    q->slots = s;
    q->slot_cap = cap;
    return true;
}

static void free_slot(struct vs_event_queue *q, uint32_t i)
{
    struct slot *s = &q->slots[i];
    s->fn = NULL;
    if (s->gen == UINT32_MAX) return; /* retired: its handles must stay unique */
    s->gen++;
    s->next_free = q->free_head;
    q->free_head = i;
}

/* Drops every cancelled entry and restores the heap order. */
static void compact(struct vs_event_queue *q)
{
    struct entry *h = q->heap + HEAP_ROOT;
    size_t kept = 0;
    for (size_t i = 0; i < q->heap_len; i++) {
        uint32_t s = (uint32_t)(h[i].key & SLOT_MASK);
        if (q->slots[s].fn)
            h[kept++] = h[i];
        else
            free_slot(q, s);
    }
    q->heap_len = kept;
    q->cancelled = 0;
    heapify(q->heap, kept);
}

static int compare_entries(const void *a, const void *b)
{
    const struct entry *x = a, *y = b;
    if (entry_less(*x, *y)) return -1;
    return entry_less(*y, *x) ? 1 : 0;
}

/* Gives the pending entries seqs 0..n-1 in their current order. A sorted
 * array is a valid heap, so no heapify is needed afterwards. */
static void renumber(struct vs_event_queue *q)
{
    compact(q);
    struct entry *h = q->heap + HEAP_ROOT;
    qsort(h, q->heap_len, sizeof *h, compare_entries);
    for (size_t i = 0; i < q->heap_len; i++)
        h[i].key = ((uint64_t)i << SLOT_BITS) | (h[i].key & SLOT_MASK);
    q->next_seq = q->heap_len;
}

struct vs_event_queue *vs_event_queue_create(size_t capacity_hint)
{
    struct vs_event_queue *q = calloc(1, sizeof *q);
    if (!q) return NULL;
    q->free_head = NO_SLOT;
    q->seq_limit = SEQ_SPACE;
    q->max_pending = DEFAULT_MAX_PENDING;
    size_t cap = capacity_hint < 64 ? 64 : capacity_hint;
    if (cap > q->max_pending) cap = q->max_pending;
    if (!grow_heap(q, cap) || !grow_slots(q, cap)) {
        vs_event_queue_destroy(q);
        return NULL;
    }
    return q;
}

void vs_event_queue_destroy(struct vs_event_queue *q)
{
    if (!q) return;
    vs_mem_give(q->account, queue_bytes(q));
    free(q->heap_block);
    free(q->slots);
    free(q);
}

bool vs_event_set_account(struct vs_event_queue *q, struct vs_mem_account *a)
{
    vs_mem_give(q->account, queue_bytes(q));
    q->account = NULL;
    if (a && !vs_mem_take(a, queue_bytes(q), QUEUE_WHAT, 0)) return false;
    q->account = a;
    return true;
}

struct vs_mem_account *vs_event_account(const struct vs_event_queue *q)
{
    return q->account;
}

void vs_event_set_interrupt(struct vs_event_queue *q, const atomic_bool *flag)
{
    q->interrupt = flag;
}

void vs_event_set_limit(struct vs_event_queue *q, size_t max_pending)
{
    q->max_pending = max_pending < MAX_PENDING_CEILING ? max_pending : MAX_PENDING_CEILING;
}

int vs_event_schedule(struct vs_event_queue *q, vs_time_ns at, vs_event_fn fn, void *ctx,
                      uint64_t arg, vs_event_id *id)
{
    if (!q || !fn || at < q->now_ns) return VS_ERR_RUNTIME;
    if (q->heap_len - q->cancelled >= q->max_pending) return VS_ERR_RUNTIME;
    if (q->next_seq >= q->seq_limit) renumber(q);

    if (q->heap_len == q->heap_cap && !grow_heap(q, q->heap_len + 1)) return VS_ERR_RUNTIME;
    uint32_t s = q->free_head;
    if (s == NO_SLOT) {
        /* slot + 1 must fit the handle's low 32 bits, and NO_SLOT is reserved. */
        if (q->slot_count >= UINT32_MAX - 1) return VS_ERR_RUNTIME;
        if (q->slot_count == q->slot_cap && !grow_slots(q, q->slot_count + 1))
            return VS_ERR_RUNTIME;
        s = (uint32_t)q->slot_count++;
        q->slots[s].gen = 1;
    } else {
        q->free_head = q->slots[s].next_free;
    }
    struct slot *sl = &q->slots[s];
    sl->fn = fn;
    sl->ctx = ctx;
    sl->arg = arg;

    struct entry e = {at, (q->next_seq++ << SLOT_BITS) | s};
    sift_up(q->heap, HEAP_ROOT + q->heap_len++, e);
    if (id) *id = ((uint64_t)sl->gen << 32) | ((uint64_t)s + 1);
    return VS_OK;
}

bool vs_event_cancel(struct vs_event_queue *q, vs_event_id id)
{
    uint64_t low = id & SLOT_MASK;
    if (!q || low == 0 || low > q->slot_count) return false;
    struct slot *s = &q->slots[low - 1];
    if (!s->fn || s->gen != (uint32_t)(id >> 32)) return false;
    s->fn = NULL;
    q->cancelled++;
    if (q->cancelled > q->heap_len / 2) compact(q);
    return true;
}

vs_time_ns vs_event_now(const struct vs_event_queue *q)
{
    return q->now_ns;
}

static inline void pop_top(struct vs_event_queue *q)
{
    size_t last = HEAP_ROOT + --q->heap_len;
    if (!q->heap_len) return;
    /* The next event is almost always the root's smallest child. Its slot is
     * a likely cache miss in a large queue, so start loading it now, to
     * arrive while the sift walks down the heap. */
    if (q->slot_count > PREFETCH_MIN_SLOTS) {
        size_t next = min_child(q->heap, first_child(HEAP_ROOT), last);
        if (next != last) PREFETCH(&q->slots[q->heap[next].key & SLOT_MASK]);
    }
    sift_down(q->heap, HEAP_ROOT, last, q->heap[last]);
}

/* Pops cancelled entries off the top, so the top (if any) is pending. */
static inline void skip_cancelled(struct vs_event_queue *q)
{
    while (q->cancelled && q->heap_len) {
        uint32_t s = (uint32_t)(q->heap[HEAP_ROOT].key & SLOT_MASK);
        if (q->slots[s].fn) return;
        pop_top(q);
        q->cancelled--;
        free_slot(q, s);
    }
}

vs_time_ns vs_event_next_time(struct vs_event_queue *q)
{
    skip_cancelled(q);
    return q->heap_len ? q->heap[HEAP_ROOT].time_ns : VS_TIME_NEVER;
}

/* Runs the top entry, which must be pending. The slot is freed before the
 * call, so the callback may reuse it and cancelling its own handle is a no-op. */
static inline void run_top(struct vs_event_queue *q)
{
    struct entry top = q->heap[HEAP_ROOT];
    uint32_t s = (uint32_t)(top.key & SLOT_MASK);
    struct slot *sl = &q->slots[s];
    vs_event_fn fn = sl->fn;
    void *ctx = sl->ctx;
    uint64_t arg = sl->arg;
    pop_top(q);
    free_slot(q, s);
    q->now_ns = top.time_ns;
    q->executed++;
    fn(ctx, arg);
}

bool vs_event_step(struct vs_event_queue *q)
{
    skip_cancelled(q);
    if (!q->heap_len) return false;
    run_top(q);
    return true;
}

uint64_t vs_event_run_until(struct vs_event_queue *q, vs_time_ns end)
{
    uint64_t before = q->executed;
    q->stop_requested = false;
    for (;;) {
        skip_cancelled(q);
        if (!q->heap_len || q->heap[HEAP_ROOT].time_ns > end) break;
        run_top(q);
        if (q->stop_requested || (q->interrupt && atomic_load_explicit(q->interrupt, memory_order_relaxed))) {
            q->stop_requested = false;
            return q->executed - before;
        }
    }
    if (end > q->now_ns) q->now_ns = end;
    return q->executed - before;
}

void vs_event_stop(struct vs_event_queue *q)
{
    q->stop_requested = true;
}

size_t vs_event_pending_bytes(void)
{
    return sizeof(struct entry) + sizeof(struct slot);
}

size_t vs_event_pending(const struct vs_event_queue *q)
{
    return q->heap_len - q->cancelled;
}

uint64_t vs_event_executed(const struct vs_event_queue *q)
{
    return q->executed;
}
