/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The recovery service's server (services/recovery_protocol.h): counters and append-only lists, restartable,
 * passive, and every update applied exactly once, by the durable service layer (sel4ft/service.h). The recovery
 * and campaign examples both run it; each links one source of its own that defines recovery_server_hooks
 * (recovery_server.h): what it does at the points of an update where a fault may strike. */

#include <microkit.h>

#include <sel4ft/sel4ft.h>

#include "recovery_server.h"
#include "system_config.h"

uintptr_t rpc_region_0, rpc_region_0_size, rpc_region_1, rpc_region_1_size;
uintptr_t log_ring, log_ring_size, checkpoint_region, checkpoint_region_size, snapshot_region, snapshot_region_size;

/* What survives a restart (the layer checkpoints it with the clients' de-duplication records). */
typedef struct {
    int64_t counters[RECOVERY_COUNTERS];
    uint32_t list_length[RECOVERY_LISTS];
    uint32_t lists[RECOVERY_LISTS][RECOVERY_LIST_MAX];
} state_t;

static sel4ft_service_t service;
static uint64_t memory[SEL4FT_SERVICE_MEMORY_SIZE(sizeof(state_t), 2, sizeof(value_reply_t),
                                                  SERVER_REGION_RPC_REGION_0_SIZE) / 8];

/* Updates: an increment or an append. A refused one changes nothing. */
static uint32_t apply(void *s, const sel4ft_rpc_request_t *request, sel4ft_rpc_response_t *response)
{
    state_t *state = s;
    value_reply_t reply;
    if (request->opcode == OP_INCREMENT) {
        const increment_request_t *inc = (const increment_request_t *)request->payload;
        if (request->length != sizeof(*inc) || inc->index >= RECOVERY_COUNTERS) {
            return SEL4FT_RPC_INVALID_ARGUMENT;
        }
        /* In unsigned arithmetic: a client's delta may overflow the counter, which must wrap, not be UB. */
        state->counters[inc->index] = (int64_t)((uint64_t)state->counters[inc->index] + (uint64_t)inc->delta);
        reply.value = state->counters[inc->index];
    } else if (request->opcode == OP_APPEND) {
        const append_request_t *append = (const append_request_t *)request->payload;
        if (request->length != sizeof(*append) || append->index >= RECOVERY_LISTS) {
            return SEL4FT_RPC_INVALID_ARGUMENT;
        }
        uint32_t *length = &state->list_length[append->index];
        if (*length >= RECOVERY_LIST_MAX) {
            return SEL4FT_RPC_NO_SPACE;
        }
        state->lists[append->index][(*length)++] = append->item;
        reply.value = *length;
    } else {
        return SEL4FT_RPC_UNKNOWN_OPERATION;
    }
    return sel4ft_service_reply(response, &reply, sizeof(reply));
}

/* Queries: read a counter and its list back, log the summary, arm a fault (the example's hook). */
static uint32_t query(void *s, const sel4ft_rpc_request_t *request, sel4ft_rpc_response_t *response)
{
    const state_t *state = s;
    if (request->opcode == OP_STATS) {
        sel4ft_service_log_summary(&service);
        return SEL4FT_RPC_OK;
    }
    if (request->opcode == OP_INJECT) {
        return recovery_server_hooks.arm != NULL ? recovery_server_hooks.arm(request) : SEL4FT_RPC_UNKNOWN_OPERATION;
    }
    const index_request_t *index = (const index_request_t *)request->payload;
    if (request->length != sizeof(*index) || index->index >= RECOVERY_COUNTERS ||
        response->capacity < sizeof(read_reply_t)) {
        return SEL4FT_RPC_INVALID_ARGUMENT;
    }
    read_reply_t *reply = (read_reply_t *)response->payload;
    reply->counter = state->counters[index->index];
    reply->list_length = state->list_length[index->index];
    reply->reserved = 0;
    __builtin_memcpy(reply->items, state->lists[index->index], sizeof(reply->items));
    response->length = sizeof(*reply);
    return SEL4FT_RPC_OK;
}

void init(void)
{
    /* Client k calls on channel k (0, 1), each through a request region of its own. */
    sel4ft_service_client_t clients[] = {
        { SERVER_CH_CLIENT_A, { (void *)rpc_region_0, rpc_region_0_size } },
        { SERVER_CH_CLIENT_B, { (void *)rpc_region_1, rpc_region_1_size } },
    };
    sel4ft_service_config_t config = {
        .state_size = sizeof(state_t), .apply = apply, .read = query, .reply_max = sizeof(value_reply_t),
        .queries = 1u << OP_READ | 1u << OP_STATS | 1u << OP_INJECT, .clients = clients, .client_count = 2,
        .snapshot = { (void *)snapshot_region, snapshot_region_size },
        .checkpoint = { (void *)checkpoint_region, checkpoint_region_size },
        .log = { (void *)log_ring, log_ring_size }, .log_channel = SERVER_CH_LOGGER,
        .monitor_channel = SERVER_CH_MONITOR, .memory = memory, .memory_size = sizeof(memory),
        .at = recovery_server_hooks.at,
    };
    sel4ft_service_start(&service, &config);
}

microkit_msginfo protected(microkit_channel ch, microkit_msginfo msginfo)
{
    return sel4ft_service_handle(&service, ch, msginfo);
}

void notified(microkit_channel ch)
{
    LOG_WARN("unexpected notification on channel %u", ch);
}
