/* The host CPU: cores and a proportional-share scheduler of virtual CPUs.
 *
 * A vCPU is given bursts of work (cycles per category). Runnable vCPUs wait
 * in one run queue ordered by virtual runtime (runtime scaled by 1/weight,
 * integer arithmetic, ties by vCPU id), so over time each guest gets CPU in
 * proportion to its weight. A vCPU runs for at most one time slice before it
 * goes back to the queue. A cap limits a guest to a fraction of one core per
 * accounting period (like Xen credit caps and CFS bandwidth control). A core
 * that switches to a different vCPU first spends the host's context-switch
 * cycles, charged to the incoming guest as host kernel time. */
#ifndef VIRTSIM_CPU_H
#define VIRTSIM_CPU_H

#include <stdbool.h>
#include <stdint.h>
#include "virtsim/core/event.h"
#include "virtsim/host/host.h"
#include "virtsim/core/ops.h"
#include "virtsim/core/stats.h"

/* The longest burst (or switch) the CPU takes, ~127 years: it keeps every
 * sum of nanoseconds far from int64 overflow. The loaders bound inputs so
 * that no valid file reaches it (load/cfg_bounds.c). */
#define VS_CPU_MAX_BURST_NS 4.0e18

struct vs_cpu; /* opaque */

/* Called when a burst has been fully executed. */
typedef void (*vs_burst_done_fn)(void *ctx, uint64_t arg);

/* Caller owns the result; free with vs_cpu_destroy. NULL when out of memory.
 * context_switch_cycles is the cost charged per switch. */
struct vs_cpu *vs_cpu_create(const struct vs_cpu_spec *spec, double context_switch_cycles,
                             struct vs_event_queue *q);
void vs_cpu_destroy(struct vs_cpu *cpu);

/* Registers a guest with a weight (> 0) and a cap (fraction of one core;
 * 0 = uncapped). Returns VS_OK and the guest id (0, 1, ...). */
int vs_cpu_add_guest(struct vs_cpu *cpu, double weight, double cap_fraction, uint32_t *guest_id);
/* Adds a vCPU to a guest; the guest's weight is split evenly among its vCPUs. */
int vs_cpu_add_vcpu(struct vs_cpu *cpu, uint32_t guest_id, uint32_t *vcpu_id);

/* Gives an idle vCPU a burst. Cycles per category are consumed in category
 * order. Returns VS_ERR_RUNTIME if the vCPU already has a burst. `done` is
 * called (from an event) when the burst completes; it may submit the next. */
int vs_cpu_submit(struct vs_cpu *cpu, uint32_t vcpu_id, const double cycles[VS_CAT_COUNT],
                  vs_burst_done_fn done, void *ctx, uint64_t arg);
bool vs_cpu_vcpu_busy(const struct vs_cpu *cpu, uint32_t vcpu_id);
/* Why vs_cpu_submit refused these arguments, as a sentence for the run's
 * error: a model limit is named as the limit it is (a burst too long for
 * the clock, a full event queue), only a real bug as an internal error. */
const char *vs_cpu_submit_error(const struct vs_cpu *cpu, uint32_t vcpu_id, const double cycles[VS_CAT_COUNT]);

/* Pins a guest's vCPUs to cores first_core .. first_core + n_cores - 1 (0
 * cores: anywhere, the default): they queue for those cores only, as with
 * a CPU affinity (taskset, cgroup cpuset, Xen's vcpu-pin). Before its
 * vCPUs run. VS_ERR_INPUT for cores the host does not have. */
int vs_cpu_pin_guest(struct vs_cpu *cpu, uint32_t guest_id, uint32_t first_core, uint32_t n_cores);

/* Changes weight or cap at run time (resource-management issue). */
int vs_cpu_set_share(struct vs_cpu *cpu, uint32_t guest_id, double weight, double cap_fraction);

/* Pauses a guest: its running vCPUs stop at once, none runs again until
 * vs_cpu_resume_guest; bursts keep their remaining work and new bursts wait.
 * The paused time counts neither as CPU use nor as waiting for a core. */
int vs_cpu_pause_guest(struct vs_cpu *cpu, uint32_t guest_id);
int vs_cpu_resume_guest(struct vs_cpu *cpu, uint32_t guest_id);
bool vs_cpu_guest_paused(const struct vs_cpu *cpu, uint32_t guest_id);

/* Starts a new statistics window (end of warm-up). */
void vs_cpu_reset_stats(struct vs_cpu *cpu);

struct vs_cpu_stats {
    uint32_t cores;
    double window_ns;
    double busy_ns_by_cat[VS_CAT_COUNT]; /* all cores; idle = cores*window - busy */
    double utilisation;                   /* busy / (cores * window), 0..1 */
    double runqueue_mean;                 /* runnable vCPUs waiting for a core */
    double runqueue_max;
    uint64_t context_switches;
};
struct vs_cpu_guest_stats {
    double ns_by_cat[VS_CAT_COUNT];       /* CPU time this guest used, by category */
    double wait_ns;                       /* time its vCPUs were runnable but not running */
    uint64_t context_switches;            /* switches onto this guest's vCPUs */
    uint64_t throttled;                   /* times a cap stopped it */
};
void vs_cpu_get_stats(const struct vs_cpu *cpu, struct vs_cpu_stats *out);
/* One core's time in the window by category (VS_CAT_IDLE: the rest), for
 * per-core meters. */
void vs_cpu_get_core_stats(const struct vs_cpu *cpu, uint32_t core, double busy_ns_by_cat[VS_CAT_COUNT]);
void vs_cpu_get_guest_stats(const struct vs_cpu *cpu, uint32_t guest_id, struct vs_cpu_guest_stats *out);

#endif
