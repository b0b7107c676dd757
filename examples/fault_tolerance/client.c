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

/* A mix of writes, reads and counter updates; every one must succeed. Returns requests sent. */
static uint64_t batch(const char *counter, int rounds)
{
    uint64_t sent_before = kv.sent;
    int64_t value = 0;
    char key[16];
    uint8_t data[64];
    uint8_t back[KV_VALUE_MAX];
    uint32_t length = 0;

    for (int i = 0; i < rounds / 3; i++) {
        sel4ft_fmt(key, sizeof(key), "%s-%d", counter, i % 4);
        for (uint32_t j = 0; j < sizeof(data); j++) {
            data[j] = (uint8_t)(i + j);
        }
        kv_put(&kv, key, data, sizeof(data), SEL4FT_RPC_OK);
        if (kv_get(&kv, key, back, &length, SEL4FT_RPC_OK) &&
            (length != sizeof(data) || __builtin_memcmp(back, data, length) != 0)) {
            kv.unexpected++;
            LOG_ERROR("get '%s' returned other bytes than were put", key);
        }
        kv_increment(&kv, counter, 1, &value, SEL4FT_RPC_OK);
    }
    while (kv.sent - sent_before < (uint64_t)rounds) {
        kv_increment(&kv, counter, 1, &value, SEL4FT_RPC_OK);
    }
    return kv.sent - sent_before;
}

void init(void)
{
    example_log_init(log_ring, log_ring_size, CLIENT_CH_LOGGER);
    if (kv_client_init(&kv, rpc_region, rpc_region_size, CLIENT_CH_SERVER) != 0) {
        LOG_ERROR("cannot set up the request region");
        return;
    }
    uint64_t sent = batch("before", BATCH_BEFORE);
    LOG_INFO("before the crash: %lu requests, %lu succeeded, %lu failed", (unsigned long)sent,
             (unsigned long)kv.succeeded, (unsigned long)kv.failed);
}

static void after_crash(void)
{
    uint64_t succeeded_before = kv.succeeded, failed_before = kv.failed;
    uint64_t sent = batch("after", BATCH_AFTER);
    LOG_INFO("after the crash: %lu requests, %lu succeeded, %lu failed", (unsigned long)sent,
             (unsigned long)(kv.succeeded - succeeded_before), (unsigned long)(kv.failed - failed_before));

    /* What the crasher wrote before it died is still there: the server's state was not touched. */
    uint8_t value[KV_VALUE_MAX];
    uint32_t length = 0;
    if (kv_get(&kv, "crasher", value, &length, SEL4FT_RPC_OK)) {
        /* The server's bytes need not end in a NUL: print exactly the length it gave. */
        int shown = length > 0 && value[length - 1] == '\0' ? (int)length - 1 : (int)length;
        LOG_INFO("the crasher's entry is intact: '%.*s'", shown, (const char *)value);
    }
    kv_stats_reply_t stats;
    kv_stats(&kv, &stats);
    LOG_INFO("summary: %lu requests sent, %lu succeeded, %lu failed, %lu unexpected", (unsigned long)kv.sent,
             (unsigned long)kv.succeeded, (unsigned long)kv.failed, (unsigned long)kv.unexpected);
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
