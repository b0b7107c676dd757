/* Copyright 2026, the sel4ft authors */
/* SPDX-License-Identifier: BSD-2-Clause */

/* The client adds 1, 2, ..., 20 and checks every answer; it has the counter crash twice mid-request on the way. */
#include <microkit.h>
#include <sel4ft/sel4ft.h>
#include "counter.h"
#include "counter_config.h"

uintptr_t rpc_region, rpc_region_size, log_ring, log_ring_size;

static sel4ft_call_t counter;

void init(void)
{
    sel4ft_log_init((void *)log_ring, log_ring_size, CLIENT_CH_LOGGER);
    sel4ft_call_config_t config = { .region = { (void *)rpc_region, rpc_region_size }, .channel = CLIENT_CH_COUNTER };
    sel4ft_call_init(&counter, &config);
    int64_t expected = 0, count = 0;
    uint32_t status;
    for (int64_t delta = 1; delta <= 20; delta++) {
        if (delta == 5 || delta == 12) { /* 5: crash before the checkpoint; 12: after it, before the reply */
            uint32_t point = delta == 5 ? SEL4FT_SERVICE_BEFORE_COMMIT : SEL4FT_SERVICE_BEFORE_REPLY;
            sel4ft_call(&counter, COUNTER_CRASH, &point, sizeof(point), &count, sizeof(count), &status);
        }
        expected += delta;
        if (sel4ft_call(&counter, COUNTER_ADD, &delta, sizeof(delta), &count, sizeof(count), &status) != 0 ||
            status != SEL4FT_RPC_OK || count != expected) {
            LOG_ERROR("added %ld: the count is %ld, not %ld", (long)delta, (long)count, (long)expected);
        }
    }
    sel4ft_call(&counter, COUNTER_GET, NULL, 0, &count, sizeof(count), &status);
    LOG_INFO("count %ld after adding 1..20, %lu retries after a restart: %s", (long)count,
             (unsigned long)counter.retries, count == 210 ? "exact" : "MISMATCH");
    microkit_notify(CLIENT_CH_MONITOR);
}

void notified(microkit_channel ch)
{
    LOG_WARN("unexpected notification on channel %u", ch);
}
