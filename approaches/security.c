/* Security isolation per approach (see model/security.h): the one table the
 * TUI and `virtsim list security` show and docs/approaches.md prints. Every
 * figure is from the source named beside it; where a figure depends on a
 * version or a build, the row says which. */
#include "virtsim/model/security.h"

#include <string.h>

/* Sources used by several rows. */
#define SRC_SYSCALLS "Linux 6.6 arch/x86/entry/syscalls/syscall_64.tbl (64-bit entries 0-334 and 424-453)"
#define SRC_SLOC "https://edera.dev/stories/edera-reduces-the-hypervisor-attack-surface-with-rust-and-xen (sloc counts)"
#define SRC_QEMU "Agache et al., Firecracker, NSDI 2020 (QEMU ~1.4 M lines, all targets); a QEMU maintainer's reply: a default build 600-700 k"
#define DIRTY_COW                                                                                              \
    {"Dirty COW (CVE-2016-5195)",                                                                            \
     "a race in the kernel's copy-on-write of private read-only mappings lets any local process write "        \
     "read-only files and gain root; from a container, root on the shared host kernel",                        \
     "https://access.redhat.com/security/cve/cve-2016-5195"}
#define VENOM                                                                                                  \
    {"VENOM (CVE-2015-3456)",                                                                                \
     "buffer overflow in QEMU's virtual floppy controller (present even with no floppy drive): a guest "       \
     "writing its I/O port runs code in the QEMU process on the host; QEMU, KVM, Xen HVM, VirtualBox",         \
     "https://en.wikipedia.org/wiki/VENOM (CrowdStrike, 13 May 2015)"}

static const struct vs_security_row rows[] = {
    {.approach = "native",
     .systems = "native (processes of one OS)",
     .interface = "the host kernel's whole system-call interface, /proc, /sys, devices",
     .interface_size = "about 365 system calls for 64-bit processes",
     .interface_source = SRC_SYSCALLS,
     .tcb = "the whole host kernel: every process is separated only by it",
     .tcb_size = "Linux: 18,313,464 source lines",
     .tcb_source = SRC_SLOC,
     .escapes = {DIRTY_COW},
     .n_escapes = 1},
    {.approach = "oslevel",
     .systems = "lxc, openvz, virtuozzo, vserver (Linux); jail and zones share the FreeBSD and Solaris kernels likewise",
     .interface = "the shared host kernel's system calls (namespaces and cgroups change what they see, "
                  "not the code they reach), less what a seccomp filter blocks; the container runtime",
     .interface_size = "about 365 system calls; Docker's default seccomp profile disables around 44 of them",
     .interface_source = SRC_SYSCALLS "; https://docs.docker.com/engine/security/seccomp/",
     .tcb = "the host kernel (one for every container) and the runtime that sets containers up (runc)",
     .tcb_size = "Linux: 18,313,464 source lines",
     .tcb_source = SRC_SLOC,
     .escapes = {DIRTY_COW,
                 {"runc (CVE-2019-5736)",
                  "a process running as root in a container overwrites the host's runc binary through "
                  "/proc/self/exe; the next docker exec runs the attacker's code as root on the host",
                  "https://www.openwall.com/lists/oss-security/2019/02/11/2"}},
     .n_escapes = 2},
    {.approach = "paravirt",
     .systems = "xen-pv, xen-pv32 (uml and uml-skas3: the guest kernel is a host process; what it reaches is the host's system calls)",
     .interface = "hypercalls into Xen, event channels and grant tables, and the back ends in dom0 "
                  "(netback, blkback) over shared rings",
     .interface_size = "hypercall numbers 0-42 and 8 architecture-specific ones in Xen's public xen.h",
     .interface_source = "xen/include/public/xen.h (__HYPERVISOR_* definitions)",
     .tcb = "the Xen hypervisor, and dom0: a full Linux kernel with the back ends and the toolstack",
     .tcb_size = "Xen: 79,161 source lines (dom0 adds a Linux kernel: 18,313,464)",
     .tcb_source = SRC_SLOC "; Colp et al., Xoar, SOSP 2011 (dom0 in the TCB)",
     .escapes = {{"XSA-148 (CVE-2015-7835)",
                  "Xen skipped the checks of level-2 page-table entries with superpage mappings: a PV guest "
                  "could map its own page tables writable and take the host",
                  "https://xenbits.xen.org/xsa/advisory-148.html; Qubes QSB-022"}},
     .n_escapes = 1},
    {.approach = "hvm",
     .systems = "kvm, xen-hvm, xen-pvhvm, hvm-shadow, hvm-ept (VirtualBox is the same design)",
     .interface = "VM exits the hypervisor handles (instructions it emulates, MSRs, the APIC) and every "
                  "emulated device of the device model (QEMU): its I/O ports and MMIO registers",
     .interface_size = "KVM's exit handlers in the host kernel, plus each emulated device's registers",
     .interface_source = SRC_QEMU,
     .tcb = "the hypervisor (KVM: the host Linux kernel; Xen and its dom0) and the device-model process",
     .tcb_size = "QEMU: ~1.4 million lines for all targets; KVM lives in Linux (18,313,464 lines)",
     .tcb_source = SRC_QEMU "; " SRC_SLOC,
     .escapes = {VENOM,
                 {"VirtualBox VGA (CVE-2018-2698)",
                  "out-of-bounds read and write in the emulated graphics device's shared-memory commands "
                  "(HGSMI/VDMA): guest-to-host code execution in the VirtualBox host process",
                  "https://www.exploit-db.com/exploits/43878 (SecuriTeam advisory)"}},
     .n_escapes = 2},
    {.approach = "emulation",
     .systems = "qemu (TCG), bochs, vmware and parallels (binary translation, devices in a host process)",
     .interface = "the whole emulated machine: every instruction is decoded by the emulator, and every "
                  "emulated device; the emulator is an ordinary user process of the host",
     .interface_size = "the full instruction set and the emulated PC's devices",
     .interface_source = SRC_QEMU,
     .tcb = "the emulator process (and, for a root escape, the host kernel under it)",
     .tcb_size = "QEMU: ~1.4 million lines for all targets",
     .tcb_source = SRC_QEMU,
     .escapes = {VENOM},
     .n_escapes = 1},
};

size_t vs_security_count(void) { return sizeof rows / sizeof rows[0]; }

const struct vs_security_row *vs_security_at(size_t i) { return i < vs_security_count() ? &rows[i] : NULL; }

const struct vs_security_row *vs_security_for(const char *approach)
{
    for (size_t i = 0; approach && i < vs_security_count(); i++)
        if (strcmp(rows[i].approach, approach) == 0) return &rows[i];
    return NULL;
}
