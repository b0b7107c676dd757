/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The crasher: a well-behaved client for one request, then a NULL dereference. */

#include <microkit.h>

#include <sel4ft/sel4ft.h>

#include "example_log.h"
#include "fault_tolerance_config.h"
#include "kv_client.h"

/* Channels (see fault_tolerance.system). */

uintptr_t rpc_region, rpc_region_size;
uintptr_t log_ring, log_ring_size;

static kv_client_t kv;

void init(void)
{
    static const char value[] = "written before the crash";

    example_log_init(log_ring, log_ring_size, CRASHER_CH_LOGGER);
    if (kv_client_init(&kv, rpc_region, rpc_region_size, CRASHER_CH_SERVER) != 0) {
        LOG_ERROR("cannot set up the request region");
    }
    bool ok = kv_put(&kv, "crasher", value, sizeof(value), SEL4FT_RPC_OK);
    LOG_INFO("test request answered: %s", ok ? sel4ft_rpc_status_str(SEL4FT_RPC_OK) : "not as expected");
    LOG_INFO("dereferencing NULL now");

    *(volatile uint32_t *)0 = 0xdead;

    LOG_ERROR("still running after writing to NULL");
}

void notified(microkit_channel ch)
{
    LOG_WARN("unexpected notification on channel %u", ch);
}
