/* Copyright 2026, the sel4ft authors */
/* SPDX-License-Identifier: BSD-2-Clause */

/* The counter: a restartable service whose additions are applied exactly once (sel4ft/service.h). */
#include <microkit.h>
#include <sel4ft/sel4ft.h>
#include "counter.h"
#include "counter_config.h"

uintptr_t rpc_region_0, rpc_region_0_size, log_ring, log_ring_size;
uintptr_t checkpoint_region, checkpoint_region_size, snapshot_region, snapshot_region_size;

static sel4ft_service_t service;
static uint64_t memory[SEL4FT_SERVICE_MEMORY_SIZE(8, 1, 8, COUNTER_REGION_RPC_REGION_0_SIZE) / 8];
static uint32_t crash_point; /* in .bss: a restart disarms it */

/* apply() (ADD: exactly once) and read() (GET, CRASH: queries): an update that fails must change nothing. */
static uint32_t operation(void *count, const sel4ft_rpc_request_t *request, sel4ft_rpc_response_t *response)
{
    if (request->opcode == COUNTER_ADD && request->length == sizeof(int64_t)) {
        *(int64_t *)count += *(const int64_t *)request->payload;
    } else if (request->opcode == COUNTER_CRASH && request->length == sizeof(uint32_t)) {
        crash_point = *(const uint32_t *)request->payload;
    } else if (request->opcode != COUNTER_GET) {
        return SEL4FT_RPC_INVALID_ARGUMENT;
    }
    return sel4ft_service_reply(response, count, sizeof(int64_t));
}

static void at(sel4ft_service_t *self, sel4ft_service_point_t point)
{
    if (crash_point != 0 && point == crash_point) {
        LOG_WARN("crashing mid-request on purpose (incarnation %lu)", (unsigned long)self->incarnation);
        *(volatile int *)0 = 0;
    }
}

void init(void)
{
    sel4ft_service_client_t client = { COUNTER_CH_CLIENT, { (void *)rpc_region_0, rpc_region_0_size } };
    sel4ft_service_config_t config = {
        .state_size = 8, .apply = operation, .read = operation, .queries = 1u << COUNTER_GET | 1u << COUNTER_CRASH,
        .reply_max = 8, .clients = &client, .client_count = 1, .monitor_channel = COUNTER_CH_MONITOR,
        .snapshot = { (void *)snapshot_region, snapshot_region_size },
        .checkpoint = { (void *)checkpoint_region, checkpoint_region_size },
        .log = { (void *)log_ring, log_ring_size }, .log_channel = COUNTER_CH_LOGGER,
        .memory = memory, .memory_size = sizeof(memory), .at = at,
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
