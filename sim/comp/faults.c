/* The faults component: fault isolation, one of the kernel components every
 * approach is judged on. Timeline actions inject a fault, and what it takes
 * down follows the approach (docs/approaches.md, "Fault isolation"):
 *
 * - panic (a guest kernel panic): a VM's kernel is its own, so that VM goes
 *   down and reboots (its boot time); a container's kernel is the host's,
 *   so a panic in it is a host kernel panic: every guest on the host goes
 *   down until the host has rebooted and they have started again;
 * - crash (a process of the guest's service dies): the service is
 *   restarted by its supervisor (process_restart) under every approach;
 * - device_crash (the device-model process dies): for KVM and QEMU-style
 *   hypervisors that process is the VM (QEMU), for Xen HVM it is the
 *   domain's qemu-dm: the VM loses its devices and is rebooted; approaches
 *   without a device-model process refuse it;
 * - host_panic (the host kernel panics): every guest on the host;
 * - hypervisor_crash: a hypervisor below the guests (Xen, and KVM whose
 *   hypervisor is the host kernel, VMware's vmmon) takes every guest on the
 *   host with it, like a host panic; a pure emulator or a container host has
 *   no hypervisor and refuses it (a kernel fault there is host_panic).
 *
 * A guest that goes down loses what it had in flight and what arrives
 * while it is down; the report gives, per outage, when it started and when
 * the guest served again, and per guest its availability in the window. */
#include "virtsim/model/component.h"
#include "virtsim/model/engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_OUTAGES 256

enum cause { GUEST_PANIC, PROCESS_CRASH, DEVICE_CRASH, HOST_PANIC, HYPERVISOR_CRASH };
static const char *const cause_names[] = {"kernel panic", "process crash", "device-model crash", "host panic",
                                          "hypervisor crash"};

struct outage {
    uint32_t guest;
    enum cause cause;
    vs_time_ns start_ns;
    uint64_t lost_in_flight;
};

struct faults {
    struct outage out[MAX_OUTAGES];
    uint32_t n;
};

static int f_build(struct vs_world *w, void **state, struct vs_error *err)
{
    (void)w;
    *state = calloc(1, sizeof(struct faults));
    return *state ? VS_OK : vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
}

static void f_destroy(void *state) { free(state); }

static bool shares_host_kernel(const struct vs_world *w, uint32_t guest)
{
    const char *a = vs_world_approach(w, guest);
    return strcmp(a, "oslevel") == 0 || strcmp(a, "native") == 0;
}

/* Takes one guest down and schedules its return. */
static int down(struct faults *f, struct vs_world *w, uint32_t guest, enum cause cause, vs_time_ns restart_ns,
                bool reboot, char *why, size_t n)
{
    uint64_t lost = 0;
    int rc = vs_world_crash(w, guest, restart_ns, reboot, &lost, why, n);
    if (rc != VS_OK) return rc;
    if (f->n < MAX_OUTAGES)
        f->out[f->n++] = (struct outage){guest, cause, vs_world_now(w), lost};
    return VS_OK;
}

/* Every guest of a host down: it reboots, then each guest boots again. */
static int host_down(struct faults *f, struct vs_world *w, uint32_t host, enum cause cause, char *why, size_t n)
{
    uint32_t idx[VS_MAX_GUESTS];
    uint32_t count = vs_world_host_guests(w, host, idx, VS_MAX_GUESTS);
    vs_time_ns reboot = (vs_time_ns)vs_world_host_cost(w, host, VS_COST_HOST_REBOOT_NS);
    int rc = VS_OK;
    for (uint32_t k = 0; k < count; k++) {
        char one[200];
        int r = down(f, w, idx[k], cause, reboot, true, one, sizeof one);
        if (r != VS_OK && rc == VS_OK) {
            rc = r;
            snprintf(why, n, "%s", one);
        }
    }
    return rc;
}

static int fault_guest(struct faults *f, struct vs_world *w, uint32_t guest, enum cause cause, char *why, size_t n)
{
    const char *approach = vs_world_approach(w, guest);
    switch (cause) {
    case GUEST_PANIC:
        /* A container has no kernel of its own: the host's panics. */
        if (shares_host_kernel(w, guest)) return host_down(f, w, vs_world_guest_host(w, guest), HOST_PANIC, why, n);
        return down(f, w, guest, cause, 0, true, why, n);
    case PROCESS_CRASH:
        return down(f, w, guest, cause,
                    (vs_time_ns)vs_world_host_cost(w, vs_world_guest_host(w, guest), VS_COST_PROCESS_RESTART_NS), false,
                    why, n);
    case DEVICE_CRASH:
        if (strcmp(approach, "hvm") != 0 && strcmp(approach, "emulation") != 0) {
            snprintf(why, n, "%s has no device-model process (%s)", vs_world_guest_name(w, guest), approach);
            return VS_ERR_INPUT;
        }
        return down(f, w, guest, cause, 0, true, why, n);
    default:
        break;
    }
    return VS_ERR_INPUT;
}

struct call {
    struct faults *f;
    enum cause cause;
};

static int do_fault(void *ctx, struct vs_world *w, uint32_t guest, char *why, size_t n)
{
    const struct call *c = ctx;
    return fault_guest(c->f, w, guest, c->cause, why, n);
}

static int each_guest(struct faults *f, struct vs_world *w, const struct vs_timeline_event *ev, enum cause cause,
                      char *why, size_t n)
{
    struct call c = {f, cause};
    return vs_component_each_guest(w, ev->target, do_fault, &c, why, n);
}

static int act_panic(void *state, struct vs_world *w, const struct vs_timeline_event *ev, char *why, size_t n)
{
    return each_guest(state, w, ev, GUEST_PANIC, why, n);
}

static int act_crash(void *state, struct vs_world *w, const struct vs_timeline_event *ev, char *why, size_t n)
{
    return each_guest(state, w, ev, PROCESS_CRASH, why, n);
}

static int act_device_crash(void *state, struct vs_world *w, const struct vs_timeline_event *ev, char *why, size_t n)
{
    return each_guest(state, w, ev, DEVICE_CRASH, why, n);
}

static int act_host_panic(void *state, struct vs_world *w, const struct vs_timeline_event *ev, char *why, size_t n)
{
    uint32_t host = vs_world_host_find(w, ev->target);
    if (host == UINT32_MAX) {
        snprintf(why, n, "no host is called %.60s", ev->target);
        return VS_ERR_INPUT;
    }
    return host_down(state, w, host, HOST_PANIC, why, n);
}

static int act_hypervisor_crash(void *state, struct vs_world *w, const struct vs_timeline_event *ev, char *why,
                                size_t n)
{
    uint32_t host = vs_world_host_find(w, ev->target);
    if (host == UINT32_MAX) {
        snprintf(why, n, "no host is called %.60s", ev->target);
        return VS_ERR_INPUT;
    }
    uint32_t idx[VS_MAX_GUESTS];
    uint32_t count = vs_world_host_guests(w, host, idx, VS_MAX_GUESTS);
    if (count == 0) {
        snprintf(why, n, "no guest runs on %s", ev->target);
        return VS_ERR_INPUT;
    }
    /* All guests of a run share its approach: the first says whether there
     * is a hypervisor to crash. */
    const char *a = vs_world_approach(w, idx[0]);
    /* Xen's and KVM's hypervisors; VMware-style binary translation runs a
     * monitor in the host kernel (vmmon); a pure emulator (QEMU TCG,
     * Bochs) is a process, UML a process, a container host has none. */
    bool hypervisor = strcmp(a, "hvm") == 0 ||
                      (strcmp(a, "paravirt") == 0 && vs_world_preset(w, idx[0])->mode != VS_PV_UML &&
                       vs_world_preset(w, idx[0])->mode != VS_PV_UML_SKAS3) ||
                      (strcmp(a, "emulation") == 0 && vs_world_preset(w, idx[0])->mode == VS_EMU_BT);
    if (!hypervisor) {
        snprintf(why, n, "%s has no hypervisor (%s): a kernel fault there is host_panic", ev->target, a);
        return VS_ERR_INPUT;
    }
    return host_down(state, w, host, HYPERVISOR_CRASH, why, n);
}

static void f_records_outages(const void *state, const struct vs_world *w, struct vs_outage_record *out, uint32_t *n)
{
    const struct faults *f = state;
    for (uint32_t k = 0; k < f->n && *n < VS_MAX_OUTAGES; k++) {
        const struct outage *o = &f->out[k];
        struct vs_outage_record *r = &out[(*n)++];
        memset(r, 0, sizeof *r);
        snprintf(r->guest, sizeof r->guest, "%s", vs_world_guest_name(w, o->guest));
        snprintf(r->host, sizeof r->host, "%s", vs_world_host_name(w, vs_world_guest_host(w, o->guest)));
        snprintf(r->cause, sizeof r->cause, "%s", cause_names[o->cause]);
        r->start_ns = o->start_ns - vs_world_boot_end(w);
        vs_time_ns back = vs_world_guest_recovered(w, o->guest);
        /* the recovery of this outage: the guest served again after it began
         * (and before any later outage of the same guest) */
        bool later = false;
        for (uint32_t j = k + 1; j < f->n; j++)
            if (f->out[j].guest == o->guest && back >= f->out[j].start_ns) later = true;
        r->recovered_ns = back >= o->start_ns && !later ? back - vs_world_boot_end(w) : -1;
        r->lost_in_flight = o->lost_in_flight;
    }
}

static void f_snapshot(const void *state, const struct vs_world *w, struct vs_component_figure *out, uint32_t *n)
{
    (void)w;
    const struct faults *f = state;
    vs_component_figure(out, n, "outages", f->n);
}

static const struct vs_action_def actions[] = {
    {"panic", "a guest kernel panic: the VM reboots; in a container it is the host's kernel: every guest of the host",
     VS_TARGET_GUESTS, "guest", NULL, 0, false, act_panic},
    {"crash", "a process of the guest's service crashes and is restarted (process_restart)", VS_TARGET_GUESTS,
     "guest", NULL, 0, false, act_crash},
    {"device_crash", "the device-model process dies (KVM/QEMU, Xen HVM's qemu-dm): the VM reboots",
     VS_TARGET_GUESTS, "guest", NULL, 0, false, act_device_crash},
    {"host_panic", "the host kernel panics: every guest on the host, until it has rebooted (host_reboot)",
     VS_TARGET_HOST, "host", NULL, 0, false, act_host_panic},
    {"hypervisor_crash", "the hypervisor crashes: every guest on the host (refused without a hypervisor)",
     VS_TARGET_HOST, "host", NULL, 0, false, act_hypervisor_crash},
};

const struct vs_component_ops vs_component_faults = {
    .name = "faults",
    .summary = "fault injection: guest and host kernel panics, process and device-model crashes",
    .actions = actions,
    .n_actions = sizeof actions / sizeof actions[0],
    .build = f_build,
    .destroy = f_destroy,
    .snapshot = f_snapshot,
    .outages = f_records_outages,
};
