/* Security isolation per approach: what an attacker inside a guest can
 * reach, how much code must be right for the isolation to hold, and real
 * escapes, each with its source. One table (approaches/security.c) that
 * the TUI's security box and `virtsim list security` read, and that
 * docs/approaches.md ("Security isolation") prints; figures are from the
 * sources named, not estimates. Data only: nothing is simulated from it. */
#ifndef VIRTSIM_MODEL_SECURITY_H
#define VIRTSIM_MODEL_SECURITY_H

#include <stddef.h>

/* A guest-to-host (or guest-to-guest) escape that happened. */
struct vs_security_escape {
    const char *name;   /* "VENOM (CVE-2015-3456)" */
    const char *what;   /* one line: the flaw and what it gave the attacker */
    const char *source; /* where it is documented (URL) */
};

#define VS_SECURITY_MAX_ESCAPES 3

struct vs_security_row {
    const char *approach;   /* an engine's approach: native, emulation, paravirt, hvm, oslevel */
    const char *systems;    /* the presets it covers, e.g. "kvm, xen-hvm, vmware" */
    const char *interface;  /* what code in a guest can call or touch across the boundary */
    const char *interface_size; /* its size, from the source */
    const char *interface_source;
    const char *tcb;        /* the code the isolation depends on (trusted computing base) */
    const char *tcb_size;
    const char *tcb_source;
    struct vs_security_escape escapes[VS_SECURITY_MAX_ESCAPES];
    size_t n_escapes;
};

size_t vs_security_count(void);
const struct vs_security_row *vs_security_at(size_t i);
/* The row of an approach ("hvm", ...), or NULL. */
const struct vs_security_row *vs_security_for(const char *approach);

#endif
