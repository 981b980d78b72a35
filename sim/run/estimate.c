/* The queue-memory estimate (see estimate.h). The bytes per item are the
 * sizes of the structures that hold them (sim.c, station.c, nic.c, event.c). */
#include "virtsim/run/estimate.h"

#include <stdio.h>
#include <string.h>

#include "virtsim/core/event.h"
#include "virtsim/host/nic.h"
#include "virtsim/host/station.h"
#include "virtsim/run/sim.h"

/* One pending event per waiting packet or request, as a run has. */
static double per_packet_bytes(void)
{
    return (double)(vs_station_waiting_bytes() + vs_nic_packet_bytes() + vs_event_pending_bytes());
}

static const struct vs_host_spec *host_of(const struct vs_scenario *sc, const struct vs_guest_spec *g)
{
    if (g->placement == VS_PLACE_NAMED)
        for (uint32_t d = 0; d < sc->n_hosts; d++)
            if (strcmp(sc->hosts[d].name, g->host) == 0) return &sc->hosts[d].spec;
    return &sc->hosts[0].spec;
}

/* Seconds the NIC takes for one request's packets in its busier direction. */
static double nic_seconds(const struct vs_host_spec *h, const struct vs_request_spec *rq)
{
    if (!(h->nic.bandwidth_bits_per_s > 0)) return 0;
    double rx = rq->count[VS_OP_NET_RX], tx = rq->count[VS_OP_NET_TX];
    double in = rx * (double)h->nic.overhead_bytes + (rx > 0 ? rq->net_rx_bytes : 0);
    double out = tx * (double)h->nic.overhead_bytes + (tx > 0 ? rq->net_tx_bytes : 0);
    return (in > out ? in : out) * 8.0 / h->nic.bandwidth_bits_per_s;
}

void vs_estimate_queues(const struct vs_scenario *sc, struct vs_queue_estimate *out)
{
    memset(out, 0, sizeof *out);
    uint32_t hosts = vs_scenario_host_count(sc);
    if (hosts == 0) hosts = 1;
    bool have = false;
    for (uint32_t g = 0; g < sc->n_guests; g++) {
        const struct vs_guest_spec *gs = &sc->guests[g];
        const struct vs_workload *wl = &gs->workload;
        const struct vs_request_spec *rq = &wl->request;
        const struct vs_host_spec *h = host_of(sc, gs);
        double instances = (double)gs->count + gs->started_later;
        /* Across hosts every packet waits on its own; on one NIC a request's
         * packets are one burst. */
        double rx = rq->count[VS_OP_NET_RX], tx = rq->count[VS_OP_NET_TX];
        double packets = gs->peer[0] && hosts > 1 ? (rx > tx ? rx : tx) : (rx > 0 || tx > 0 ? 1 : 0);
        double per_request = (double)vs_sim_request_bytes() + (double)vs_event_pending_bytes() +
                             packets * per_packet_bytes();
        double full = instances * gs->queue_limit * per_request;
        out->worst_bytes += full;

        /* What one instance's bottleneck carries, in requests per second. */
        double cpu_s = vs_dist_mean(&rq->instructions) * vs_host_cpi(h, rq->cpi) / h->cpu.frequency_hz;
        double cpu_cap = cpu_s > 0 ? (double)gs->vcpus / cpu_s : 1e300;
        /* Instances spread over the hosts share each host's NIC. */
        double per_host = instances / hosts < 1 ? 1 : instances / hosts;
        double nic_s = nic_seconds(h, rq);
        double nic_cap = nic_s > 0 ? 1.0 / (nic_s * per_host) : 1e300;
        bool open = wl->load.kind == VS_LOAD_OPEN;
        double offered = open ? wl->load.rate_per_s : 0;
        bool saturated = open && (offered > cpu_cap || offered > nic_cap);
        double clients = wl->load.kind == VS_LOAD_BATCH ? (wl->load.clients ? wl->load.clients : gs->vcpus)
                         : wl->load.kind == VS_LOAD_CLOSED ? wl->load.clients : 0;
        if (clients > gs->queue_limit) clients = gs->queue_limit;
        double expected = saturated ? full : instances * clients * per_request;
        out->expected_bytes += expected;
        /* A saturated group speaks first, then the largest. */
        double value = saturated ? expected : full;
        if (!have || (saturated && !out->saturated) || (saturated == out->saturated && value > out->group_bytes)) {
            have = true;
            snprintf(out->group, sizeof out->group, "%s", gs->name);
            out->group_bytes = saturated ? expected : full;
            out->saturated = saturated;
            snprintf(out->bottleneck, sizeof out->bottleneck, "%s",
                     !saturated ? "" : nic_cap < cpu_cap ? "the NIC of its host" : "its vCPUs");
            out->offered_per_s = offered;
            out->capacity_per_s = nic_cap < cpu_cap ? nic_cap : cpu_cap;
            out->queue_limit = gs->queue_limit;
            out->packets_per_request = packets;
        }
    }
}
