/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* ipc_demo's client: a scripted workload against the key-value server. Every
 * reply is checked against the status the script expects, bad input included. */

#include <microkit.h>

#include <sel4ft/sel4ft.h>

#include "example_log.h"
#include "ipc_demo_config.h"
#include "kv_client.h"

/* Channels (see ipc_demo.system). */

enum { LOOP_INCREMENTS = 100 };

uintptr_t rpc_region, rpc_region_size;
uintptr_t log_ring, log_ring_size;

static kv_client_t kv;

static bool same(const uint8_t *a, const uint8_t *b, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        if (a[i] != b[i]) {
            return false;
        }
    }
    return true;
}

static void workload(void)
{
    static const char first[] = "first value";
    uint8_t pattern[200];
    uint8_t value[KV_VALUE_MAX];
    uint32_t length = 0;
    int64_t counter = 0;

    for (uint32_t i = 0; i < sizeof(pattern); i++) {
        pattern[i] = (uint8_t)(i * 7 + 3);
    }

    kv_put(&kv, "alpha", first, sizeof(first), SEL4FT_RPC_OK);
    kv_put(&kv, "beta", pattern, sizeof(pattern), SEL4FT_RPC_OK);
    if (kv_get(&kv, "alpha", value, &length, SEL4FT_RPC_OK)) {
        bool ok = length == sizeof(first) && same(value, (const uint8_t *)first, length);
        if (ok) {
            LOG_INFO("get 'alpha': %u bytes, '%.*s' as stored", length, (int)length - 1, (const char *)value);
        } else {
            kv.unexpected++;
            LOG_ERROR("get 'alpha': %u bytes that differ from what was stored", length);
        }
    }
    if (kv_get(&kv, "beta", value, &length, SEL4FT_RPC_OK)) {
        bool ok = length == sizeof(pattern) && same(value, pattern, length);
        if (ok) {
            LOG_INFO("get 'beta': %u bytes, as stored", length);
        } else {
            kv.unexpected++;
            LOG_ERROR("get 'beta': %u bytes that differ from what was stored", length);
        }
    }

    kv_increment(&kv, "hits", 5, &counter, SEL4FT_RPC_OK);
    kv_increment(&kv, "hits", 3, &counter, SEL4FT_RPC_OK);
    LOG_INFO("increment 'hits' by 5 then 3: %ld", (long)counter);
    if (counter != 8) {
        kv.unexpected++;
        LOG_ERROR("increment 'hits': expected 8, got %ld", (long)counter);
    }

    /* Requests that must fail, each with the right status. */
    uint64_t failed_before = kv.failed, unexpected_before = kv.unexpected;
    kv_get(&kv, "missing", NULL, NULL, SEL4FT_RPC_NOT_FOUND);
    kv_put(&kv, "", first, sizeof(first), SEL4FT_RPC_INVALID_ARGUMENT);
    kv_put(&kv, "this key is far too long to be accepted by the server", first, sizeof(first),
           SEL4FT_RPC_INVALID_ARGUMENT);
    static const uint8_t oversized[KV_VALUE_MAX + 1];
    kv_put(&kv, "huge", oversized, sizeof(oversized), SEL4FT_RPC_INVALID_ARGUMENT);
    kv_increment(&kv, "alpha", 1, NULL, KV_NOT_A_COUNTER);
    kv_raw(&kv, 99, 0, SEL4FT_RPC_UNKNOWN_OPERATION);
    kv_raw(&kv, KV_GET, 3, SEL4FT_RPC_INVALID_ARGUMENT);
    LOG_INFO("bad input: %lu requests refused, %lu with a status other than expected",
             (unsigned long)(kv.failed - failed_before), (unsigned long)(kv.unexpected - unexpected_before));

    kv_delete(&kv, "alpha", SEL4FT_RPC_OK);
    kv_get(&kv, "alpha", NULL, NULL, SEL4FT_RPC_NOT_FOUND);
    kv_delete(&kv, "alpha", SEL4FT_RPC_NOT_FOUND);
    LOG_INFO("delete 'alpha': gone");

    for (int i = 0; i < LOOP_INCREMENTS; i++) {
        kv_increment(&kv, "loop", 1, &counter, SEL4FT_RPC_OK);
    }
    LOG_INFO("%d increments of 'loop': %ld", LOOP_INCREMENTS, (long)counter);
    if (counter != LOOP_INCREMENTS) {
        kv.unexpected++;
        LOG_ERROR("'loop' is %ld, expected %d", (long)counter, LOOP_INCREMENTS);
    }

    kv_stats_reply_t stats;
    if (kv_stats(&kv, &stats)) {
        LOG_INFO("server reports %u entries and %lu requests", stats.entries, (unsigned long)stats.requests);
    }
}

void init(void)
{
    example_log_init(log_ring, log_ring_size, CLIENT_CH_LOGGER);
    int err = kv_client_init(&kv, rpc_region, rpc_region_size, CLIENT_CH_SERVER);
    if (err != 0) {
        LOG_ERROR("client init: %s", sel4ft_strerror(err));
        microkit_notify(CLIENT_CH_LOGGER_FINISH); /* "workload finished" to the logger */
        return;
    }
    LOG_INFO("starting: %u-byte request region", (unsigned)rpc_region_size);
    workload();
    LOG_INFO("summary: %lu requests sent, %lu succeeded, %lu failed, %lu unexpected", (unsigned long)kv.sent,
             (unsigned long)kv.succeeded, (unsigned long)kv.failed, (unsigned long)kv.unexpected);
    microkit_notify(CLIENT_CH_LOGGER_FINISH); /* "workload finished" to the logger */
}

void notified(microkit_channel ch)
{
    LOG_WARN("unexpected notification on channel %u", ch);
}
