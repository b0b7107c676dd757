/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The key-value service (services/kv_store.h) served over sel4ft's request/reply protocol. Each client has its
 * own 4 KiB region, mapped here and in that client only. This file is the transport: the table and its
 * operations are the service's core, which the Linux baseline's server uses too. */

#include <microkit.h>

#include <sel4ft/sel4ft.h>

#include "example_log.h"
#include "kv_store.h"
#include "system_config.h"

/* What the example's .system gives the server (its generated header names the ids): client k calls on channel k
 * (0..3), each through a request region rpc_region_k of its own (sel4ft-sdf checks that convention). */
#define MAX_CLIENTS 4
#define REQUEST_REGION_SIZE SERVER_REGION_RPC_REGION_0_SIZE /* each client's; sel4ft_rpc_server_attach() checks it */

/* Set by the Microkit tool; a region left at 0 has no client. */
uintptr_t rpc_region_0, rpc_region_0_size, rpc_region_1, rpc_region_1_size;
uintptr_t rpc_region_2, rpc_region_2_size, rpc_region_3, rpc_region_3_size;
uintptr_t log_ring, log_ring_size;

static sel4ft_rpc_server_t server;
/* Each request's payload is copied here before it is used. */
static _Alignas(8) uint8_t scratch[REQUEST_REGION_SIZE];
static kv_table_t table;
static uint64_t requests_from[MAX_CLIENTS];
static uint64_t succeeded;
static uint64_t failed;

static uint32_t stats(sel4ft_rpc_response_t *response)
{
    /* Built privately, then copied out: the shared region is written, never read back (the client may have
     * changed it meanwhile). */
    const kv_stats_reply_t reply = kv_table_stats(&table, server.requests + server.rejected, succeeded,
                                                  failed + server.rejected);
    if (response->capacity < sizeof(reply)) {
        return SEL4FT_RPC_TOO_LARGE;
    }
    __builtin_memcpy(response->payload, &reply, sizeof(reply));
    response->length = sizeof(reply);

    LOG_INFO("summary: %lu requests (by channel: %lu %lu %lu %lu), %lu succeeded, %lu failed, %lu malformed; "
             "%u entries",
             (unsigned long)reply.requests, (unsigned long)requests_from[0], (unsigned long)requests_from[1],
             (unsigned long)requests_from[2], (unsigned long)requests_from[3], (unsigned long)succeeded,
             (unsigned long)failed, (unsigned long)server.rejected, reply.entries);
    return SEL4FT_RPC_OK;
}

static uint32_t handle(void *context, const sel4ft_rpc_request_t *request, sel4ft_rpc_response_t *response)
{
    (void)context;

    if (request->channel < MAX_CLIENTS) {
        requests_from[request->channel]++;
    }
    if (request->opcode == KV_STATS) {
        /* Count this request before the summary is logged. */
        succeeded++;
        return stats(response);
    }
    /* The request is the library's private copy; the reply is written into the region, never read back. */
    uint32_t length = 0;
    uint32_t status = kv_table_apply(&table, request->opcode, request->payload, request->length, response->payload,
                                     response->capacity, &length);
    response->length = length;
    if (status == SEL4FT_RPC_OK) {
        succeeded++;
    } else {
        failed++;
        LOG_WARN("request %lu (op %u) from channel %u refused: %s", (unsigned long)request->request_id,
                 request->opcode, request->channel, kv_status_str(status));
    }
    return status;
}

static void attach(sel4ft_channel_t channel, uintptr_t region, uintptr_t size)
{
    if (region == 0) {
        return;
    }
    int err = sel4ft_rpc_server_attach(&server, channel, (void *)region, size);
    if (err != 0) {
        LOG_ERROR("cannot attach the region of channel %u: %s", channel, sel4ft_strerror(err));
    }
}

void init(void)
{
    example_log_init(log_ring, log_ring_size, SERVER_CH_LOGGER);
    int err = sel4ft_rpc_server_init(&server, handle, NULL, 1, scratch, sizeof(scratch));
    if (err != 0) {
        LOG_ERROR("server init: %s", sel4ft_strerror(err));
        return;
    }
    attach(0, rpc_region_0, rpc_region_0_size);
    attach(1, rpc_region_1, rpc_region_1_size);
    attach(2, rpc_region_2, rpc_region_2_size);
    attach(3, rpc_region_3, rpc_region_3_size);
    LOG_INFO("key-value store ready: %u entries, epoch %lu", KV_ENTRIES, (unsigned long)server.epoch);
}

microkit_msginfo protected(microkit_channel ch, microkit_msginfo msginfo)
{
    return sel4ft_rpc_server_handle(&server, ch, msginfo);
}

void notified(microkit_channel ch)
{
#ifdef SERVER_CH_MONITOR /* only in systems with a fault monitor: it says that a peer failed */
    if (ch == SERVER_CH_MONITOR) {
        LOG_INFO("the monitor reports a failed peer; still serving");
        return;
    }
#endif
    LOG_WARN("unexpected notification on channel %u", ch);
}
