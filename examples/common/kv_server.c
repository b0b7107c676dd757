/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* A small key-value store served over sel4ft's request/reply protocol. Each
 * client has its own 4 KiB region, mapped here and in that client only. */

#include <microkit.h>

#include <sel4ft/sel4ft.h>

#include "example_log.h"
#include "kv_protocol.h"

/* Channels: client k calls on channel k (0..MAX_CLIENTS-1); the log ring notifies the logger on LOG_CHANNEL. */
#define MAX_CLIENTS 4u
#define LOG_CHANNEL 8u
/* Where a fault monitor says that a peer failed (only in systems that have one). */
#define MONITOR_CHANNEL 9u

/* Set by the Microkit tool; a region left at 0 has no client. */
uintptr_t rpc_region_0, rpc_region_0_size, rpc_region_1, rpc_region_1_size;
uintptr_t rpc_region_2, rpc_region_2_size, rpc_region_3, rpc_region_3_size;
uintptr_t log_ring, log_ring_size;

typedef struct {
    char key[KV_KEY_MAX];
    uint32_t value_length;
    uint8_t value[KV_VALUE_MAX];
    uint8_t used;
} entry_t;

static sel4ft_rpc_server_t server;
static _Alignas(8) uint8_t scratch[4096];
static entry_t table[KV_ENTRIES];
static uint64_t requests_from[MAX_CLIENTS];
static uint64_t succeeded;
static uint64_t failed;

/* A key is 1..KV_KEY_MAX-1 printable characters, NUL-terminated inside the field. */
static bool key_valid(const char *key)
{
    uint32_t i = 0;
    for (; i < KV_KEY_MAX && key[i] != '\0'; i++) {
        if (key[i] < 0x21 || key[i] > 0x7e) {
            return false;
        }
    }
    return i > 0 && i < KV_KEY_MAX;
}

static bool key_equal(const char *a, const char *b)
{
    for (uint32_t i = 0; i < KV_KEY_MAX; i++) {
        if (a[i] != b[i]) {
            return false;
        }
        if (a[i] == '\0') {
            return true;
        }
    }
    return true;
}

static entry_t *find(const char *key)
{
    for (uint32_t i = 0; i < KV_ENTRIES; i++) {
        if (table[i].used && key_equal(table[i].key, key)) {
            return &table[i];
        }
    }
    return NULL;
}

static entry_t *find_or_create(const char *key)
{
    entry_t *e = find(key);
    if (e != NULL) {
        return e;
    }
    for (uint32_t i = 0; i < KV_ENTRIES; i++) {
        if (!table[i].used) {
            e = &table[i];
            sel4ft_fmt(e->key, sizeof(e->key), "%s", key);
            e->value_length = 0;
            e->used = 1;
            return e;
        }
    }
    return NULL;
}

static uint32_t count_entries(void)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < KV_ENTRIES; i++) {
        n += table[i].used;
    }
    return n;
}

static uint32_t put(const sel4ft_rpc_request_t *request)
{
    const kv_put_request_t *put = (const kv_put_request_t *)request->payload;
    if (request->length != sizeof(*put) || !key_valid(put->key) || put->value_length > KV_VALUE_MAX ||
        put->reserved != 0) {
        return SEL4FT_RPC_INVALID_ARGUMENT;
    }
    entry_t *e = find_or_create(put->key);
    if (e == NULL) {
        return SEL4FT_RPC_NO_SPACE;
    }
    __builtin_memcpy(e->value, put->value, put->value_length);
    e->value_length = put->value_length;
    return SEL4FT_RPC_OK;
}

static uint32_t get(const sel4ft_rpc_request_t *request, sel4ft_rpc_response_t *response)
{
    const kv_key_request_t *get = (const kv_key_request_t *)request->payload;
    if (request->length != sizeof(*get) || !key_valid(get->key)) {
        return SEL4FT_RPC_INVALID_ARGUMENT;
    }
    const entry_t *e = find(get->key);
    if (e == NULL) {
        return SEL4FT_RPC_NOT_FOUND;
    }
    if (response->capacity < sizeof(kv_value_reply_t)) {
        return SEL4FT_RPC_TOO_LARGE;
    }
    kv_value_reply_t *reply = (kv_value_reply_t *)response->payload;
    reply->value_length = e->value_length;
    reply->reserved = 0;
    __builtin_memcpy(reply->value, e->value, e->value_length);
    response->length = sizeof(*reply);
    return SEL4FT_RPC_OK;
}

static uint32_t delete(const sel4ft_rpc_request_t *request)
{
    const kv_key_request_t *del = (const kv_key_request_t *)request->payload;
    if (request->length != sizeof(*del) || !key_valid(del->key)) {
        return SEL4FT_RPC_INVALID_ARGUMENT;
    }
    entry_t *e = find(del->key);
    if (e == NULL) {
        return SEL4FT_RPC_NOT_FOUND;
    }
    e->used = 0;
    return SEL4FT_RPC_OK;
}

static uint32_t increment(const sel4ft_rpc_request_t *request, sel4ft_rpc_response_t *response)
{
    const kv_increment_request_t *inc = (const kv_increment_request_t *)request->payload;
    if (request->length != sizeof(*inc) || !key_valid(inc->key)) {
        return SEL4FT_RPC_INVALID_ARGUMENT;
    }
    entry_t *e = find(inc->key);
    int64_t value = 0;
    if (e != NULL) {
        /* Only an 8-byte value is a counter. */
        if (e->value_length != sizeof(value)) {
            return KV_NOT_A_COUNTER;
        }
        __builtin_memcpy(&value, e->value, sizeof(value));
    } else if ((e = find_or_create(inc->key)) == NULL) {
        return SEL4FT_RPC_NO_SPACE;
    }
    value = (int64_t)((uint64_t)value + (uint64_t)inc->delta);
    __builtin_memcpy(e->value, &value, sizeof(value));
    e->value_length = sizeof(value);
    kv_counter_reply_t *reply = (kv_counter_reply_t *)response->payload;
    reply->value = value;
    response->length = sizeof(*reply);
    return SEL4FT_RPC_OK;
}

static uint32_t stats(sel4ft_rpc_response_t *response)
{
    /* Built privately, then copied out: the shared region is written, never read back (the client may have
     * changed it meanwhile). */
    const kv_stats_reply_t reply = {
        .entries = count_entries(),
        .capacity = KV_ENTRIES,
        .requests = server.requests + server.rejected,
        .succeeded = succeeded,
        .failed = failed + server.rejected,
    };
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
    uint32_t status;

    if (request->channel < MAX_CLIENTS) {
        requests_from[request->channel]++;
    }
    switch (request->opcode) {
    case KV_PUT:
        status = put(request);
        break;
    case KV_GET:
        status = get(request, response);
        break;
    case KV_DELETE:
        status = delete(request);
        break;
    case KV_INCREMENT:
        status = increment(request, response);
        break;
    case KV_STATS:
        /* Count this request before the summary is logged. */
        succeeded++;
        return stats(response);
    default:
        status = SEL4FT_RPC_UNKNOWN_OPERATION;
        break;
    }
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
    example_log_init(log_ring, log_ring_size, LOG_CHANNEL);
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
    switch (ch) {
    case MONITOR_CHANNEL:
        LOG_INFO("the monitor reports a failed peer; still serving");
        break;
    default:
        LOG_WARN("unexpected notification on channel %u", ch);
        break;
    }
}
