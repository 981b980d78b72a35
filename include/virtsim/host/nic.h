/* The host's network interface: full duplex, one station per direction
 * (transmission time = (bytes + overhead) * 8 / bandwidth), then a fixed
 * per-packet latency that does not occupy the link. */
#ifndef VIRTSIM_NIC_H
#define VIRTSIM_NIC_H

#include "virtsim/host/host.h"
#include "virtsim/host/station.h"

enum vs_nic_dir { VS_NIC_RX, VS_NIC_TX };

struct vs_nic; /* opaque */

/* Caller owns the result; free with vs_nic_destroy. NULL when out of memory. */
struct vs_nic *vs_nic_create(const struct vs_nic_spec *spec, struct vs_event_queue *q, uint32_t guests);
void vs_nic_destroy(struct vs_nic *n);

/* Sends or receives one packet of `bytes` payload; done (may be NULL) runs
 * when it has crossed the link and the latency has passed. */
int vs_nic_submit(struct vs_nic *n, enum vs_nic_dir dir, uint32_t guest, uint64_t bytes,
                  vs_io_done_fn done, void *ctx, uint64_t arg);

/* `packets` packets of `bytes` payload each, handed to the NIC together (a
 * driver filling its ring with one request's packets): they occupy the link
 * back to back, as consecutive packets of a FIFO queue do, and done runs once,
 * when the last one has crossed and the latency has passed, exactly when it
 * would have for the last of `packets` separate submits. The station counts
 * the burst as one job (its queue length is in bursts). */
int vs_nic_submit_burst(struct vs_nic *n, enum vs_nic_dir dir, uint32_t guest, uint32_t packets,
                        uint64_t bytes, vs_io_done_fn done, void *ctx, uint64_t arg);
/* A bulk flow (a live migration's stream) takes bits_per_s of one
 * direction's bandwidth until set back to 0: packets cross at what is left
 * (at least a twentieth of the link). */
void vs_nic_set_flow(struct vs_nic *n, enum vs_nic_dir dir, double bits_per_s);
double vs_nic_flow(const struct vs_nic *n, enum vs_nic_dir dir);
/* Shapes a guest's packets to bits_per_s in each direction (0: no limit),
 * with a token bucket of burst_bytes (host/throttle.h): like tc tbf's rate
 * and burst on its interface, or Xen netback's rate= credit. Packets over
 * the limit wait, in the guest's order, before they reach the link. */
int vs_nic_set_limit(struct vs_nic *n, uint32_t guest, double bits_per_s, double burst_bytes);
/* Bursts of the guest its limit held back, and their waits summed, in the window. */
void vs_nic_guest_throttle(const struct vs_nic *n, uint32_t guest, uint64_t *delayed, double *wait_ns);
/* Starts a new statistics window (both directions' stations and shapers). */
void vs_nic_reset_stats(struct vs_nic *n);
/* Names it in memory-budget errors ("host a's NIC", "the link a <-> b"):
 * its two queues and its packets in flight, all charged to the event
 * queue's memory account (station.h). */
void vs_nic_set_what(struct vs_nic *n, const char *what);
/* Bytes one packet in flight takes besides its queue entry (for estimates). */
size_t vs_nic_packet_bytes(void);
struct vs_station *vs_nic_station(struct vs_nic *n, enum vs_nic_dir dir);
const struct vs_station *vs_nic_station_const(const struct vs_nic *n, enum vs_nic_dir dir);

#endif
