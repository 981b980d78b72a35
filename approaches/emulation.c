/* Emulation: the guest's instructions do not run as they are on the host.
 *
 * interpreter (Bochs): every guest instruction is fetched, decoded and
 *   executed by a software loop, and every memory access goes through a
 *   software address translation (Mihocka & Shwartsman, 2008).
 * dbt (QEMU TCG): guest code is translated, a block at a time, into host code
 *   kept in a translation cache; translated code still checks a software TLB
 *   on every guest load and store (Bellard, USENIX ATC 2005). Translation is a
 *   one-time cost per block of guest code, paid when the code is first met.
 * bt (VMware Workstation, Parallels, before VT-x): user code runs directly on
 *   the CPU; kernel code is binary translated so that privileged instructions
 *   become calls into the monitor inside the translated code, without a trap
 *   (Adams & Agesen, ASPLOS 2006). Page tables are shadowed and traced, and
 *   shadow entries are filled lazily by hidden faults into the monitor. The
 *   course lists these systems under emulation; textbooks call the mechanism
 *   full virtualization with binary translation: x86 translated to x86, with
 *   no other instruction set emulated. Both names are shown with the presets.
 *
 * For interpreter and dbt there are no hardware traps at all: a guest system
 * call, fault or privileged instruction is just more emulated work, so every
 * native cost is scaled by the emulation factor; the native-equivalent part
 * stays in its native category and the rest is "translation" (a port access
 * goes to the emulator's device model instead).
 * Pricing: docs/cost-rules.md. */
#include "virtsim/model/engine.h"

#include <stdlib.h>

struct emulation {
    struct vs_host_spec host;
    enum vs_emu_mode mode;
    bool device_model_in_user;
};

static int emu_create(const struct vs_host_spec *host, const struct vs_preset *preset, void **state,
                      struct vs_error *err)
{
    struct emulation *e = malloc(sizeof *e);
    if (!e) return vs_error_set(err, VS_ERR_RUNTIME, NULL, 0, 0, "out of memory");
    e->host = *host;
    e->mode = (enum vs_emu_mode)preset->mode;
    e->device_model_in_user = preset->device_model_in_user;
    *state = e;
    return VS_OK;
}

static void emu_destroy(void *state) { free(state); }

/* Host cycles per guest instruction for software emulation, at a native CPI
 * of one: the dispatch or translated-code cost plus a soft-TLB lookup per
 * memory reference. */
static double emulation_factor(const struct emulation *e, const struct vs_workload *wl)
{
    const struct vs_costs *c = &e->host.costs;
    double per_insn = e->mode == VS_EMU_INTERPRETER ? vs_cost(c, VS_COST_INTERP_CYCLES)
                                                    : vs_cost(c, VS_COST_DBT_CYCLES);
    return per_insn + wl->request.mem_refs_per_instruction * vs_cost(c, VS_COST_SOFTMMU_CYCLES);
}

/* The emulated device and the emulator's real I/O on the host. Nothing
 * traps: the emulator sees the register accesses in its own loop, unless
 * (bt) the device model lives in a separate host process. */
static void device_io(const struct emulation *e, enum vs_op_kind op, double n, struct vs_work *w)
{
    const struct vs_costs *c = &e->host.costs;
    bool disk = op == VS_OP_DISK_READ || op == VS_OP_DISK_WRITE;
    double accesses = n * (disk ? vs_cost(c, VS_COST_EMULATED_DISK_ACCESSES)
                                : vs_cost(c, VS_COST_EMULATED_NET_ACCESSES));
    vs_work_step(w, VS_CAT_DEVICE_MODEL, accesses * vs_cost(c, VS_COST_DEVICE_ACCESS_CYCLES),
                 disk ? "emulated disk controller: register accesses decoded" : "emulated NIC: register accesses decoded",
                 vs_cost_info(VS_COST_DEVICE_ACCESS_CYCLES)->key);
    if (e->device_model_in_user)
        vs_engine_step(w, VS_CAT_DEVICE_MODEL, accesses, c, VS_COST_DEVICE_MODEL_CYCLES,
                       "world switch to the device-model process and back, per access");
    if (e->mode == VS_EMU_BT) w->events[VS_EVT_TRAP] += accesses;
}

/* The emulator's real I/O on the host: what the device model asks the host
 * kernel for, and the waits of its I/O thread, which takes receptions and
 * completions from the host and wakes the halted guest CPU's thread; a
 * transmit is done in the emulation loop itself. */
static void host_io(const struct emulation *e, const struct vs_workload *wl, enum vs_op_kind op, double n,
                    struct vs_work *w)
{
    const struct vs_costs *c = &e->host.costs;
    bool disk = op == VS_OP_DISK_READ || op == VS_OP_DISK_WRITE;
    vs_engine_wait_backend(c, wl, op, n, true, w);
    if (disk)
        vs_engine_step(w, VS_CAT_HOST_KERNEL, n, c, VS_COST_DISK_REQUEST_CYCLES, "host kernel does the real disk I/O");
    else
        vs_engine_step(w, VS_CAT_HOST_KERNEL, n, c, VS_COST_NET_PACKET_CYCLES,
                       op == VS_OP_NET_RX ? "host kernel receives on the real NIC" : "host kernel sends on the real NIC");
    vs_engine_wait_vcpu(c, wl, op, n, w);
}

static bool is_io(enum vs_op_kind op)
{
    return op == VS_OP_DISK_READ || op == VS_OP_DISK_WRITE || op == VS_OP_NET_RX || op == VS_OP_NET_TX;
}

/* interpreter and dbt: the native cost, then (f - 1) times it as overhead. */
static void software_cost(const struct emulation *e, const struct vs_workload *wl, enum vs_op_kind op,
                          double n, double bytes, struct vs_work *w)
{
    const struct vs_costs *c = &e->host.costs;
    double f = emulation_factor(e, wl);
    if (op == VS_OP_INSTRUCTION || op == VS_OP_KERNEL_INSTRUCTION) {
        /* f is in reference-core cycles too: the emulator's own code runs
         * at this core's IPC like any other. */
        double native = n * vs_host_cpi(&e->host, wl->request.cpi);
        vs_work_step(w, op == VS_OP_INSTRUCTION ? VS_CAT_GUEST_USER : VS_CAT_GUEST_KERNEL, native,
                     op == VS_OP_INSTRUCTION ? "the guest's user instructions (their native share)"
                                             : "the guest's kernel instructions (their native share)",
                     "cpu.ipc");
        double extra = n * vs_host_cpi(&e->host, f) - native;
        if (extra > 0)
            vs_work_step(w, VS_CAT_TRANSLATION, extra,
                         e->mode == VS_EMU_INTERPRETER ? "interpreter: fetch, decode, dispatch; soft-MMU lookups"
                                                       : "translated code: block dispatch; soft-TLB check per load/store",
                         e->mode == VS_EMU_INTERPRETER ? "interp_instruction" : "dbt_instruction");
        return;
    }
    if (op == VS_OP_PORT_IO) {
        /* The emulator dispatches the access to its own device model; no
         * chipset register is touched, so there is no native part. */
        vs_engine_step(w, VS_CAT_DEVICE_MODEL, n, c, VS_COST_DEVICE_ACCESS_CYCLES,
                       "emulator dispatches the access to its device model");
        return;
    }
    if (op == VS_OP_CODE_LOAD) {
        if (e->mode == VS_EMU_DBT && bytes > 0) {
            vs_engine_step(w, VS_CAT_TRANSLATION, bytes / 1024.0, c, VS_COST_TRANSLATE_CYCLES_PER_KIB,
                           "translate guest code into the translation cache");
            w->events[VS_EVT_TRANSLATION] += bytes / vs_cost(c, VS_COST_TRANSLATION_BLOCK_BYTES);
        }
        return;
    }
    /* The native steps, run by the emulator: their cycles are recorded
     * once, in the native categories, then (f - 1) times them again as the
     * emulator's own work. */
    if (op == VS_OP_NET_RX) host_io(e, wl, op, n, w);
    struct vs_work native;
    vs_work_clear(&native);
    native.trace = w->trace;
    vs_engine_native_cost(&e->host, wl, op, n, bytes, &native);
    native.trace = NULL;
    vs_work_add(w, &native, 1.0);
    double total = vs_work_total_cycles(&native);
    if (f > 1)
        vs_work_step(w, VS_CAT_TRANSLATION, total * (f - 1),
                     e->mode == VS_EMU_INTERPRETER ? "all of it interpreted: (f - 1) x the native steps"
                                                   : "all of it as translated code: (f - 1) x the native steps",
                     e->mode == VS_EMU_INTERPRETER ? "interp_instruction" : "dbt_instruction");
    if (is_io(op)) {
        device_io(e, op, n, w);
        if (op != VS_OP_NET_RX) host_io(e, wl, op, n, w);
    }
}

/* bt: user code direct, kernel code translated, monitor entered on
 * transitions from user to kernel, on traced page tables and on faults. */
static void bt_cost(const struct emulation *e, const struct vs_workload *wl, enum vs_op_kind op,
                    double n, double bytes, struct vs_work *w)
{
    const struct vs_costs *c = &e->host.costs;
    /* A transition through the monitor: what a syscall costs beyond native. */
    double monitor = vs_cost(c, VS_COST_BT_SYSCALL_CYCLES) - vs_cost(c, VS_COST_SYSCALL_CYCLES);
    if (monitor < 0) monitor = 0;
    switch (op) {
    case VS_OP_KERNEL_INSTRUCTION: {
        double cpi = vs_host_cpi(&e->host, wl->request.cpi);
        vs_work_step(w, VS_CAT_GUEST_KERNEL, n * cpi, "kernel instructions (their native share)", "cpu.ipc");
        vs_work_step(w, VS_CAT_TRANSLATION, n * cpi * (vs_cost(c, VS_COST_BT_KERNEL_FACTOR) - 1),
                     "kernel code runs translated (mean slowdown)", "bt_kernel_factor");
        return;
    }
    case VS_OP_TLB_MISS:
        /* The hardware walks the monitor's shadow tables: one dimension,
         * large leaves only where guest and host both use 2 MiB pages. */
        vs_engine_walk_cost(&e->host, wl, VS_WALK_SHADOW, n, w);
        return;
    case VS_OP_IRQ_FLAG:
        /* Translated inline into an update of the virtual CPU's IF: a few
         * instructions of translated code, no call into the monitor. */
        vs_engine_step(w, VS_CAT_TRANSLATION, n, c, VS_COST_BT_IRQ_FLAG_CYCLES,
                       "translated inline: update the virtual CPU's IF");
        return;
    case VS_OP_PORT_IO:
    case VS_OP_EXITING_INSN:
        /* A call from translated code into the monitor, which emulates the
         * instruction (its virtual chipset, its virtual cpuid): no trap. */
        vs_engine_step(w, VS_CAT_TRANSLATION, n, c, VS_COST_BT_PRIVILEGED_CYCLES,
                       op == VS_OP_PORT_IO ? "call into the monitor: its virtual chipset does the access"
                                           : "call into the monitor: it emulates the instruction");
        return;
    case VS_OP_CODE_LOAD: {
        double kernel_code = vs_cost(c, VS_COST_KERNEL_CODE_BYTES);
        vs_engine_step(w, VS_CAT_TRANSLATION, kernel_code / 1024.0, c, VS_COST_TRANSLATE_CYCLES_PER_KIB,
                       "translate the guest kernel's code");
        w->events[VS_EVT_TRANSLATION] += kernel_code / vs_cost(c, VS_COST_TRANSLATION_BLOCK_BYTES);
        return;
    }
    default:
        break;
    }
    /* The monitor's part comes first where the guest enters it first (the
     * transition, the trace or fault it takes), then the guest kernel's own
     * work (the native part); devices after the driver. */
    switch (op) {
    case VS_OP_SYSCALL:
        vs_work_step(w, VS_CAT_TRANSLATION, n * monitor,
                     "user->kernel transition through the monitor (extra privilege switch)", "bt_syscall");
        w->events[VS_EVT_TRAP] += n;
        break;
    case VS_OP_PT_UPDATE:
        vs_engine_step(w, VS_CAT_TRANSLATION, n, c, VS_COST_BT_PT_UPDATE_CYCLES,
                       "traced page-table page: the monitor updates the shadow entry");
        w->events[VS_EVT_TRAP] += n;
        break;
    case VS_OP_PAGE_FAULT:
    case VS_OP_COW_FAULT:
    case VS_OP_FILE_FAULT:
        vs_engine_step(w, VS_CAT_TRANSLATION, n, c, VS_COST_BT_FAULT_CYCLES,
                       "#PF to the monitor, which delivers it to the guest kernel");
        w->events[VS_EVT_TRAP] += n;
        break;
    case VS_OP_CR3_LOAD:
        /* A call into the monitor, which switches to the shadow of the new
         * table and loads it into the real CR3 (the native part). */
        vs_engine_step(w, VS_CAT_TRANSLATION, n, c, VS_COST_BT_PRIVILEGED_CYCLES,
                       "call into the monitor: switch to the new table's shadow");
        break;
    case VS_OP_TIMER_IRQ:
    case VS_OP_IPI:
        vs_work_step(w, VS_CAT_TRANSLATION, n * monitor, "interrupt taken by the monitor, delivered to the guest",
                     "bt_syscall");
        w->events[VS_EVT_TRAP] += n;
        break;
    case VS_OP_NET_RX:
        host_io(e, wl, op, n, w);
        break;
    default:
        break;
    }
    vs_engine_native_cost(&e->host, wl, op, n, bytes, w);
    switch (op) {
    case VS_OP_CR3_LOAD: {
        /* Then the pages whose shadow entries were evicted fault into the
         * monitor (hidden faults), which fills them from the guest's table
         * and resumes the guest without delivering anything. */
        double hidden = n * vs_engine_hidden_faults_per_cr3(&e->host, wl);
        if (hidden > 0)
            vs_engine_step(w, VS_CAT_TRANSLATION, hidden, c, VS_COST_BT_HIDDEN_FAULT_CYCLES,
                           "hidden faults: shadow entries refilled from the guest's table");
        w->events[VS_EVT_TRAP] += hidden;
        break;
    }
    case VS_OP_DISK_READ:
    case VS_OP_DISK_WRITE:
    case VS_OP_NET_RX:
    case VS_OP_NET_TX:
        device_io(e, op, n, w);
        if (op != VS_OP_NET_RX) host_io(e, wl, op, n, w);
        break;
    default:
        break;
    }
}

static void emu_cost(const void *state, const struct vs_workload *wl, enum vs_op_kind op, double n,
                     double bytes, struct vs_work *w)
{
    const struct emulation *e = state;
    if (e->mode == VS_EMU_BT)
        bt_cost(e, wl, op, n, bytes, w);
    else
        software_cost(e, wl, op, n, bytes, w);
}

static void emu_memory(const void *state, const struct vs_guest_spec *g, struct vs_mem_parts *out)
{
    const struct emulation *e = state;
    vs_engine_vm_memory(&e->host.costs, g, e->device_model_in_user, out);
}

static vs_time_ns emu_start_time(const void *state, const struct vs_guest_spec *g)
{
    const struct emulation *e = state;
    double boot = vs_cost(&e->host.costs, VS_COST_VM_BOOT_NS);
    /* A software CPU boots the guest kernel as slowly as it runs anything. */
    if (e->mode != VS_EMU_BT) boot *= emulation_factor(e, &g->workload);
    return (vs_time_ns)boot;
}

/* Dirty logging. QEMU's soft MMU marks a logged page's TLB entry
 * "not dirty", so the first write to it takes the slow path that sets the
 * dirty bitmap (emulated_dirty_log). A binary translator's monitor
 * write-protects the page like a shadow page table: a trace fault into the
 * monitor (bt_hidden_fault). */
static double emu_dirty_page_cycles(const void *state)
{
    const struct emulation *e = state;
    const struct vs_costs *c = &e->host.costs;
    return e->mode == VS_EMU_BT ? vs_cost(c, VS_COST_BT_HIDDEN_FAULT_CYCLES) : vs_cost(c, VS_COST_SOFT_DIRTY_LOG_CYCLES);
}

static const struct vs_preset emu_presets[] = {
    {.name = "emulation", .system = "a dynamic binary translator",
     .summary = "every guest instruction translated; soft MMU on each memory access",
     .mode = VS_EMU_DBT, .io = VS_IO_EMULATED},
    {.name = "qemu", .system = "QEMU with TCG (no KVM)",
     .summary = "dynamic binary translation with a translation cache and a soft MMU; any guest ISA",
     .mode = VS_EMU_DBT, .io = VS_IO_EMULATED},
    {.name = "bochs", .system = "Bochs",
     .summary = "interprets every instruction (decode, dispatch, execute) in software",
     .mode = VS_EMU_INTERPRETER, .io = VS_IO_EMULATED},
    {.name = "vmware", .system = "VMware Workstation, pre-VT-x",
     .summary = "textbooks: full virtualization by binary translation (x86 on x86, not another "
                "ISA): user code direct, kernel code translated, devices in the hosted VMX process",
     .mode = VS_EMU_BT, .io = VS_IO_EMULATED, .device_model_in_user = true},
    {.name = "parallels", .system = "Parallels Workstation, software VMM",
     .summary = "textbooks: full virtualization by binary translation, the same mechanism as "
                "vmware in this model",
     .mode = VS_EMU_BT, .io = VS_IO_EMULATED, .device_model_in_user = true},
};

const struct vs_engine_ops vs_engine_emulation = {
    .name = "emulation",
    .approach = "emulation",
    .summary = "the guest's instructions are interpreted or translated in software (the course's "
               "grouping: it also holds vmware and parallels, which textbooks call full "
               "virtualization with binary translation)",
    .presets = emu_presets,
    .n_presets = sizeof emu_presets / sizeof emu_presets[0],
    .create = emu_create,
    .destroy = emu_destroy,
    .cost = emu_cost,
    .memory = emu_memory,
    .start_time = emu_start_time,
    .dirty_page_cycles = emu_dirty_page_cycles,
};
