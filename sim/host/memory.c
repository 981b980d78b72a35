/* Host memory (see memory.h): a capacity against which guests' resident
 * memory is charged by part.
 *
 * What the host OS or hypervisor reserves for itself is used before any guest
 * starts. Most parts belong to one guest; the SHARED part (a container host's
 * kernel and common libraries, a shared base image) exists once on the host,
 * so it is charged at the largest size any guest asked for, not per guest.
 * That difference is much of why OS-level virtualization packs more guests
 * per host. A guest that does not fit is refused as a whole, as a host would
 * refuse to start it. */
#include "virtsim/host/memory.h"

#include <math.h>
#include <stdlib.h>

struct vs_memory {
    double capacity_bytes;
    double reserved_bytes;
    double shared_bytes;
    double guests_bytes; /* sum of guest_bytes, kept so a charge is O(1) */
    uint32_t n_guests;
    double *guest_bytes; /* excluding shared */
};

static const char *const part_names[VS_MEM_PART_COUNT] = {
    [VS_MEM_APPLICATION] = "application", [VS_MEM_GUEST_KERNEL] = "guest_kernel",
    [VS_MEM_PAGE_CACHE] = "page_cache",   [VS_MEM_OVERHEAD] = "overhead",
    [VS_MEM_SHARED] = "shared",
};

const char *vs_mem_part_name(enum vs_mem_part part)
{
    return (unsigned)part < VS_MEM_PART_COUNT ? part_names[part] : NULL;
}

double vs_mem_parts_total(const struct vs_mem_parts *p)
{
    double total = 0;
    for (int k = 0; k < VS_MEM_PART_COUNT; k++) total += p->bytes[k];
    return total;
}

struct vs_memory *vs_memory_create(double capacity_bytes, double reserved_bytes, uint32_t guests)
{
    if (!(capacity_bytes >= 0) || !isfinite(capacity_bytes) || !(reserved_bytes >= 0) ||
        !isfinite(reserved_bytes))
        return NULL;
    struct vs_memory *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    m->guest_bytes = calloc(guests ? guests : 1, sizeof *m->guest_bytes);
    if (!m->guest_bytes) {
        free(m);
        return NULL;
    }
    m->capacity_bytes = capacity_bytes;
    m->reserved_bytes = reserved_bytes;
    m->n_guests = guests;
    return m;
}

void vs_memory_destroy(struct vs_memory *m)
{
    if (!m) return;
    free(m->guest_bytes);
    free(m);
}

bool vs_memory_charge(struct vs_memory *m, uint32_t guest, const struct vs_mem_parts *parts)
{
    if (guest >= m->n_guests || !parts) return false;
    double own = 0;
    for (int k = 0; k < VS_MEM_PART_COUNT; k++) {
        double b = parts->bytes[k];
        if (!(b >= 0) || !isfinite(b)) return false;
        if (k != VS_MEM_SHARED) own += b;
    }
    double shared = parts->bytes[VS_MEM_SHARED];
    double shared_growth = shared > m->shared_bytes ? shared - m->shared_bytes : 0;
    if (own + shared_growth > vs_memory_free(m)) return false;
    m->guest_bytes[guest] += own;
    m->guests_bytes += own;
    m->shared_bytes += shared_growth;
    return true;
}

void vs_memory_release(struct vs_memory *m, uint32_t guest)
{
    if (guest >= m->n_guests) return;
    m->guest_bytes[guest] = 0;
    /* Summed again rather than subtracted, so no rounding is left behind
     * (stops are rare; charges stay O(1)). */
    m->guests_bytes = 0;
    for (uint32_t g = 0; g < m->n_guests; g++) m->guests_bytes += m->guest_bytes[g];
}

double vs_memory_capacity(const struct vs_memory *m)
{
    return m->capacity_bytes;
}

double vs_memory_used(const struct vs_memory *m)
{
    return m->reserved_bytes + m->shared_bytes + m->guests_bytes;
}

double vs_memory_free(const struct vs_memory *m)
{
    double free_bytes = m->capacity_bytes - vs_memory_used(m);
    return free_bytes > 0 ? free_bytes : 0;
}

double vs_memory_guest_bytes(const struct vs_memory *m, uint32_t guest)
{
    return guest < m->n_guests ? m->guest_bytes[guest] : 0;
}

void vs_memory_charge_over(struct vs_memory *m, uint32_t guest, const struct vs_mem_parts *parts)
{
    if (guest >= m->n_guests || !parts) return;
    double own = 0;
    for (int k = 0; k < VS_MEM_PART_COUNT; k++)
        if (k != VS_MEM_SHARED && parts->bytes[k] >= 0 && isfinite(parts->bytes[k])) own += parts->bytes[k];
    double shared = parts->bytes[VS_MEM_SHARED];
    if (shared > m->shared_bytes && isfinite(shared)) m->shared_bytes = shared;
    m->guest_bytes[guest] += own;
    m->guests_bytes += own;
}

void vs_memory_set_guest_bytes(struct vs_memory *m, uint32_t guest, double own_bytes)
{
    if (guest >= m->n_guests || !(own_bytes >= 0) || !isfinite(own_bytes)) return;
    m->guest_bytes[guest] = own_bytes;
    m->guests_bytes = 0;
    for (uint32_t g = 0; g < m->n_guests; g++) m->guests_bytes += m->guest_bytes[g];
}

double vs_memory_reserved(const struct vs_memory *m) { return m->reserved_bytes; }

double vs_memory_shared(const struct vs_memory *m) { return m->shared_bytes; }
