/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* fault_tolerance's client: a batch of requests before the crash, then, once the
 * monitor reports the crasher's fault, a second batch that must all succeed. */

#include <microkit.h>

#include <sel4ft/sel4ft.h>

#include "example_log.h"
#include "fault_tolerance_config.h"
#include "kv_client.h"

/* Channels (see fault_tolerance.system). */

enum { BATCH_BEFORE = 30, BATCH_AFTER = 50 };

uintptr_t rpc_region, rpc_region_size;
uintptr_t log_ring, log_ring_size;

static kv_client_t kv;
static bool after_done;

void init(void)
{
    example_log_init(log_ring, log_ring_size, CLIENT_CH_LOGGER);
    if (kv_client_init(&kv, rpc_region, rpc_region_size, CLIENT_CH_SERVER) != 0) {
        LOG_ERROR("cannot set up the request region");
        return;
    }
    uint64_t sent = kv_batch(&kv, "before", BATCH_BEFORE);
    LOG_INFO("before the crash: %lu requests, %lu succeeded, %lu failed", (unsigned long)sent,
             (unsigned long)kv.succeeded, (unsigned long)kv.failed);
}

static void after_crash(void)
{
    uint64_t succeeded_before = kv.succeeded, failed_before = kv.failed;
    uint64_t sent = kv_batch(&kv, "after", BATCH_AFTER);
    LOG_INFO("after the crash: %lu requests, %lu succeeded, %lu failed", (unsigned long)sent,
             (unsigned long)(kv.succeeded - succeeded_before), (unsigned long)(kv.failed - failed_before));

    /* What the crasher wrote before it died is still there (the server's state was not touched); the summaries. */
    kv_wrap_up(&kv, "crasher");
}

void notified(microkit_channel ch)
{
    switch (ch) {
    case CLIENT_CH_MONITOR:
        if (after_done) {
            LOG_WARN("another failure report from the monitor");
            break;
        }
        after_done = true;
        LOG_INFO("the monitor reports a failure; checking that the server still answers");
        after_crash();
        microkit_notify(CLIENT_CH_MONITOR);
        break;
    default:
        LOG_WARN("unexpected notification on channel %u", ch);
        break;
    }
}
