/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <sel4ft/sel4ft.h>

#include "example_log.h"
#include "kv_client.h"

int kv_client_init(kv_client_t *client, uintptr_t region, uintptr_t size, sel4ft_channel_t channel)
{
    __builtin_memset(client, 0, sizeof(*client));
    return sel4ft_rpc_client_init(&client->rpc, (void *)region, size, channel, 1);
}

static void set_key(char field[KV_KEY_MAX], const char *key)
{
    /* Pads with NULs; a key of KV_KEY_MAX characters or more is sent unterminated on purpose. */
    uint32_t i = 0;
    for (; i < KV_KEY_MAX && key[i] != '\0'; i++) {
        field[i] = key[i];
    }
    for (; i < KV_KEY_MAX; i++) {
        field[i] = '\0';
    }
}

/* Call, count and check. reply_payload may be NULL when no reply payload is wanted. */
static uint32_t call(kv_client_t *client, uint16_t opcode, uint32_t length, void *reply_payload, size_t capacity,
                     uint32_t *reply_length, uint32_t expected, const char *what)
{
    sel4ft_rpc_reply_t reply;
    uint32_t status;

    client->sent++;
    int err = sel4ft_rpc_call(&client->rpc, opcode, length, reply_payload, capacity, &reply);
    if (err != 0) {
        status = KV_CALL_FAILED;
        LOG_ERROR("%s: call failed: %s", what, sel4ft_strerror(err));
    } else {
        status = reply.status;
        if (reply_length != NULL) {
            *reply_length = reply.length;
        }
    }
    if (status == SEL4FT_RPC_OK) {
        client->succeeded++;
    } else {
        client->failed++;
    }
    if (status != expected) {
        client->unexpected++;
        LOG_ERROR("%s: expected %s, got %s", what, sel4ft_rpc_status_str(expected),
                  status == KV_CALL_FAILED ? "no reply" : sel4ft_rpc_status_str(status));
    }
    return status;
}

uint32_t kv_put(kv_client_t *client, const char *key, const void *value, uint32_t length, uint32_t expected)
{
    kv_put_request_t *request = sel4ft_rpc_client_payload(&client->rpc);
    set_key(request->key, key);
    /* The length goes as given (the server must refuse an oversized one); at most a field's worth is copied,
     * and the caller's buffer must hold that much. */
    request->value_length = length;
    request->reserved = 0;
    __builtin_memcpy(request->value, value, length <= KV_VALUE_MAX ? length : KV_VALUE_MAX);
    return call(client, KV_PUT, sizeof(*request), NULL, 0, NULL, expected, "put");
}

uint32_t kv_get(kv_client_t *client, const char *key, void *value, uint32_t *length, uint32_t expected)
{
    kv_key_request_t *request = sel4ft_rpc_client_payload(&client->rpc);
    kv_value_reply_t reply;
    uint32_t reply_length = 0;

    set_key(request->key, key);
    uint32_t status = call(client, KV_GET, sizeof(*request), &reply, sizeof(reply), &reply_length, expected, "get");
    if (status != SEL4FT_RPC_OK) {
        return status;
    }
    /* The reply is a private copy, but still the server's word: check it before use. */
    if (reply_length != sizeof(reply) || reply.value_length > KV_VALUE_MAX) {
        LOG_ERROR("get '%s': malformed reply (%u bytes, value length %u)", key, reply_length, reply.value_length);
        client->unexpected++;
        return KV_CALL_FAILED;
    }
    if (value != NULL) {
        __builtin_memcpy(value, reply.value, reply.value_length);
    }
    if (length != NULL) {
        *length = reply.value_length;
    }
    return status;
}

uint32_t kv_delete(kv_client_t *client, const char *key, uint32_t expected)
{
    kv_key_request_t *request = sel4ft_rpc_client_payload(&client->rpc);
    set_key(request->key, key);
    return call(client, KV_DELETE, sizeof(*request), NULL, 0, NULL, expected, "delete");
}

uint32_t kv_increment(kv_client_t *client, const char *key, int64_t delta, int64_t *value, uint32_t expected)
{
    kv_increment_request_t *request = sel4ft_rpc_client_payload(&client->rpc);
    kv_counter_reply_t reply;
    uint32_t reply_length = 0;

    set_key(request->key, key);
    request->delta = delta;
    uint32_t status =
        call(client, KV_INCREMENT, sizeof(*request), &reply, sizeof(reply), &reply_length, expected, "increment");
    if (status == SEL4FT_RPC_OK) {
        if (reply_length != sizeof(reply)) {
            LOG_ERROR("increment '%s': malformed reply (%u bytes)", key, reply_length);
            client->unexpected++;
            return KV_CALL_FAILED;
        }
        if (value != NULL) {
            *value = reply.value;
        }
    }
    return status;
}

uint32_t kv_stats(kv_client_t *client, kv_stats_reply_t *stats)
{
    uint32_t reply_length = 0;
    uint32_t status = call(client, KV_STATS, 0, stats, sizeof(*stats), &reply_length, SEL4FT_RPC_OK, "stats");
    if (status == SEL4FT_RPC_OK && reply_length != sizeof(*stats)) {
        client->unexpected++;
        return KV_CALL_FAILED;
    }
    return status;
}

uint32_t kv_raw(kv_client_t *client, uint16_t opcode, uint32_t length, uint32_t expected)
{
    return call(client, opcode, length, NULL, 0, NULL, expected, "raw request");
}
