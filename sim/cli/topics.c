/* `virtsim help TOPIC`: a screen of text on each concept the course
 * teaches, with the command that shows it and the lab that explores it.
 * Text only: the figures come from the commands each topic names. */
#include <string.h>

#include "cmd.h"

struct topic {
    const char *name;
    const char *title;
    const char *text;
};

static const struct topic topics[] = {
    {"approaches", "The four approaches",
     "A virtual machine monitor must keep control of the machine while the guest believes it owns\n"
     "it. Emulation implements the CPU in software (qemu, bochs; vmware translates kernel code).\n"
     "Paravirtualization modifies the guest kernel to call the hypervisor (xen-pv, uml). Hardware-\n"
     "assisted virtualization runs guest code directly and leaves it on VM exits (kvm, xen-hvm).\n"
     "OS-level virtualization has one kernel and isolates processes (lxc, openvz, zones).\n"
     "Each mechanism has a price paid only by the work that triggers it.\n\n"
     "  virtsim list approaches          the systems of each approach\n"
     "  virtsim compare web-server       one workload under every approach\n"
     "Lab 1 (virtsim lab show 1) measures where the time goes."},
    {"emulation", "Emulation",
     "An emulator executes the guest's instructions in software. An interpreter (bochs) decodes each\n"
     "instruction every time; a dynamic translator (qemu's TCG) translates a basic block once into host\n"
     "code and caches it; VMware's binary translator runs user code directly and translates only the\n"
     "guest kernel. Cost: several host instructions per guest instruction, slow boots, low density.\n"
     "Gain: any instruction set, any unmodified OS, no hardware support needed.\n\n"
     "  virtsim compare cpu-bound --approaches bochs,qemu,vmware\n"
     "  virtsim trace syscall --approaches qemu,vmware\n"
     "Lab 2 (virtsim lab show 2)."},
    {"paravirt", "Paravirtualization",
     "The guest kernel is modified to know it runs on a hypervisor: instead of privileged instructions it\n"
     "makes hypercalls (Xen PV), batches page-table updates, and uses split drivers (a front end in the\n"
     "guest, a back end in a driver domain) over shared rings. UML runs a Linux kernel as a user process\n"
     "of the host. No hardware support needed; the price is a modified guest and, on x86-64, system\n"
     "calls bounced through the hypervisor.\n\n"
     "  virtsim compare syscall-heavy --approaches xen-pv,xen-pv32,uml,kvm\n"
     "Lab 1 step 2 and lab 6 (paravirtualization) explore it."},
    {"hvm", "Hardware-assisted virtualization (HVM)",
     "VT-x and AMD-V add a guest mode: the guest kernel runs unmodified in its own ring 0, and sensitive\n"
     "events cause a VM exit to the hypervisor, which handles them and re-enters the guest. System calls\n"
     "do not exit; I/O, some interrupts and (without EPT) page-table writes do. An exit costs hundreds to\n"
     "thousands of cycles depending on the processor generation (host profiles vtx-2006, ept-2009,\n"
     "current).\n\n"
     "  virtsim microbench --approaches kvm,hvm-shadow --host vtx-2006\n"
     "See also: exits, shadow, ept. Lab 3 (virtsim lab show 3)."},
    {"exits", "VM exits and hypercalls",
     "A VM exit is the hardware leaving guest mode on a sensitive event (an I/O port access, a page-table\n"
     "write under shadow paging, an interrupt); the hypervisor handles it and resumes the guest. A\n"
     "hypercall is the guest kernel calling the hypervisor on purpose (paravirtualization, or PV drivers\n"
     "on HVM). Both are counted per second and per request (vmexits_per_s, hypercalls_per_s in the\n"
     "report; vmexits_per_req in lab answers), and priced in the exits and hcall CPU categories.\n\n"
     "  virtsim trace page-fault --approaches hvm-shadow,hvm-ept\n"
     "Lab 3 counts and prices them; the 2006 crossover is its first step."},
    {"shadow", "Shadow page tables",
     "Without nested paging the hypervisor keeps, per guest address space, a shadow page table that maps\n"
     "guest virtual addresses straight to host physical ones, and write-protects the guest's own tables:\n"
     "every guest page-table write traps (a VM exit under VT-x, a translated sequence under binary\n"
     "translation) so the shadow can be updated. TLB misses are native-speed walks of the shadow. Costly\n"
     "for fork, exec and anything that builds address spaces.\n\n"
     "  virtsim compare fork-exec --approaches hvm-shadow,hvm-ept --host ept-2009\n"
     "Lab 3 (steps 1 and 3) and lab 4 explore it."},
    {"ept", "Nested page tables (EPT, NPT)",
     "With EPT (Intel) or NPT (AMD) the hardware walks two levels of tables: the guest's own (guest virtual\n"
     "to guest physical) and the hypervisor's (guest physical to host physical). Page-table writes no\n"
     "longer exit; a TLB miss costs a two-dimensional walk of up to 24 memory references instead of 4,\n"
     "which large pages shorten. Good for fork-heavy work, costly for TLB-heavy work.\n\n"
     "  virtsim compare tlb-thrash --approaches hvm-shadow,hvm-ept --host ept-2009\n"
     "Lab 3 step 3 and lab 4 explore it."},
    {"pv-on-hvm", "PV drivers on HVM",
     "An unmodified guest kernel under hardware assistance, with paravirtual device drivers installed\n"
     "(virtio under KVM, the PV-on-HVM drivers of Xen: preset xen-pvhvm). The CPU and memory are handled\n"
     "by the hardware; I/O goes over shared rings with one notification per batch instead of an\n"
     "emulated device's register accesses, each a VM exit and a trip to the device model.\n\n"
     "  virtsim compare disk-random --approaches xen-hvm,xen-pvhvm,xen-pv\n"
     "Lab 1 step 3 and lab 5 (I/O) explore it."},
    {"oslevel", "OS-level virtualization",
     "Containers (lxc, openvz, zones, jails) are processes of one host kernel, separated by namespaces\n"
     "(what they can see) and cgroups (what they can use). No second kernel: a system call is a system\n"
     "call, memory is the processes' memory, a container starts in milliseconds. The price: every\n"
     "container shares the host's kernel, its version and its faults (a kernel panic stops them all).\n\n"
     "  virtsim compare web-server --approaches kvm,lxc\n"
     "  virtsim run kernel-panic\n"
     "See also: density. Lab 7 (OS-level virtualization) explores it."},
    {"density", "Density",
     "How many guests fit on a host while every SLA still holds. virtsim finds it by simulation: more and\n"
     "more identical guests until the SLA breaks or one no longer fits in memory, and says what ran out\n"
     "first (CPU, memory, disk, NIC). A VM carries a guest kernel, a page cache and per-VM overhead; a\n"
     "container carries its processes; an emulated guest runs out of CPU first.\n\n"
     "  virtsim density density-web --sla \"p99<20ms\"\n"
     "  virtsim chart density-web --kind density --output density.png\n"
     "  virtsim density density-web --sla \"p99<20ms\" --overcommit sharing,balloon\n"
     "Lab 8 (virtsim lab show 8) explores it; lab 7 step 3 and lab 2 step 4 too."},
    {"overcommit", "Memory overcommit and resource management",
     "A host may promise its guests more memory than it has. Page sharing (KSM, VMware's TPS) keeps one\n"
     "copy of identical pages; a balloon driver in each VM hands memory the guest does not need back to\n"
     "the hypervisor, at its rate and never below what the guest's kernel and programs hold; host swap\n"
     "is the last resort. A container's memory is a cgroup limit (memory.max), changed at once, enforced\n"
     "by reclaim, swap or the OOM killer. CPU is shared by weights and bounded by caps.\n\n"
     "  virtsim run overcommit           (resources: memory, set: memory at 60 s and 90 s)\n"
     "  virtsim density density-web --sla \"p99<20ms\" --overcommit sharing,balloon\n"
     "Lab 9 (virtsim lab show 9)."},
    {"isolation", "Isolation",
     "Performance isolation: a guest's service should not depend on its neighbours. Every approach\n"
     "shares the cores (a scheduler), the last-level cache and the memory bus, the disk and the NIC.\n"
     "Containers also share one kernel: its page cache, locks and network stack; a VM has its own and\n"
     "shares the hypervisor's I/O back end. virtsim isolation runs a victim alone and beside each\n"
     "neighbour under the same seed and gives the ratio. Fault isolation: a panic in a container is the\n"
     "host kernel's. Security isolation: what a guest can reach and the code it must trust.\n\n"
     "  virtsim isolation noisy-neighbour --chart p99.png\n"
     "  virtsim run kernel-panic\n"
     "  virtsim list security\n"
     "Lab 10 (virtsim lab show 10)."},
    {"migration", "Live migration",
     "Pre-copy sends the guest's memory while it runs, then the pages it dirtied, round after round,\n"
     "until the rest fits a downtime target; then it pauses the guest, sends the rest and resumes it on\n"
     "the destination. A guest that dirties faster than the link carries does not converge: auto-converge\n"
     "throttles it, post-copy switches first and fetches pages on demand. A container migrates its\n"
     "processes' memory only.\n\n"
     "  virtsim run migrate-web          (and migrate-nonconverging)\n"
     "  virtsim chart migrate-web --kind migration --output migration.png\n"
     "Lab 12 (virtsim lab show 12)."},
    {"checkpoint", "Checkpoint and restore",
     "A checkpoint freezes a guest and writes its state to disk; an incremental one writes only what it\n"
     "dirtied since the last; a restore reads it back. A VM's image is its whole RAM; a container's is its\n"
     "processes' memory (CRIU), so it is written, and frozen, for less time. The image goes through the\n"
     "host's disk, so its neighbours' I/O waits behind it.\n\n"
     "  virtsim run checkpoint-db\n"
     "Lab 11 (virtsim lab show 11); lab 12 covers the same mechanism over a network."},
    {"labs", "Guided labs",
     "Each lab has objectives, a background, and steps that run a scenario and ask questions; numeric\n"
     "answers are computed from the simulation when they are checked, never typed into the lab.\n\n"
     "  virtsim lab list                 the labs\n"
     "  virtsim lab start 1              the TUI in lab mode (progress kept; stop and resume)\n"
     "  virtsim lab check 1 --answers my-answers.yaml\n"
     "  virtsim lab handout 1 --output lab1.pdf\n"
     "docs/students.md gets you started; docs/instructors.md runs a session."},
};

bool vs_cli_help_topic(FILE *f, const char *name)
{
    size_t n = sizeof topics / sizeof topics[0];
    if (strcmp(name, "topics") == 0) {
        if (!f) return true;
        fputs("Topics (virtsim help TOPIC):\n", f);
        for (size_t i = 0; i < n; i++) fprintf(f, "  %-12s %s\n", topics[i].name, topics[i].title);
        return true;
    }
    for (size_t i = 0; i < n; i++)
        if (strcmp(topics[i].name, name) == 0) {
            if (!f) return true;
            fprintf(f, "%s\n\n%s\n", topics[i].title, topics[i].text);
            return true;
        }
    return false;
}
