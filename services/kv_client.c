/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
/* The key-value client (kv_client.h): freestanding, for PDs and the Linux baseline. */

#include <sel4ft/error.h>
#include <sel4ft/fmt.h>
#include <sel4ft/log.h>

#include "kv_client.h"

static void *rpc_payload(void *context)
{
    return sel4ft_rpc_client_payload(&((kv_client_t *)context)->rpc);
}

static int rpc_call(void *context, uint16_t opcode, uint32_t length, void *reply, size_t capacity,
                    sel4ft_rpc_reply_t *answer)
{
    return sel4ft_rpc_call(&((kv_client_t *)context)->rpc, opcode, length, reply, capacity, answer);
}

int kv_client_init(kv_client_t *client, uintptr_t region, uintptr_t size, sel4ft_channel_t channel)
{
    const kv_transport_t rpc = { .context = client, .payload = rpc_payload, .call = rpc_call,
                                 .describe = sel4ft_strerror };
    kv_client_init_transport(client, &rpc);
    return sel4ft_rpc_client_init(&client->rpc, (void *)region, size, channel, 1);
}

void kv_client_init_transport(kv_client_t *client, const kv_transport_t *transport)
{
    __builtin_memset(client, 0, sizeof(*client));
    client->transport = *transport;
}

/* Count an unexpected answer; log it unless the limit was reached (and say so once when it is). */
static bool logged(kv_client_t *client)
{
    client->unexpected++;
    if (client->log_limit != 0 && client->unexpected == client->log_limit + 1) {
        LOG_WARN("further unexpected answers are counted, not logged");
    }
    return client->log_limit == 0 || client->unexpected <= client->log_limit;
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

/* Call, count and check. reply_payload may be NULL when no reply payload is wanted. Returns true when the server
 * answered with the expected status. */
static bool call(kv_client_t *client, uint16_t opcode, uint32_t length, void *reply_payload, size_t capacity,
                 uint32_t *reply_length, uint32_t expected, const char *what)
{
    sel4ft_rpc_reply_t reply;

    client->sent++;
    int err = client->transport.call(client->transport.context, opcode, length, reply_payload, capacity, &reply);
    if (err != 0) {
        client->failed++;
        if (logged(client)) {
            LOG_ERROR("%s: expected %s, but the call failed: %s", what, kv_status_str(expected),
                      client->transport.describe(err));
        }
        return false;
    }
    if (reply.status == SEL4FT_RPC_OK) {
        client->succeeded++;
    } else {
        client->failed++;
    }
    if (reply.status != expected) {
        if (logged(client)) {
            LOG_ERROR("%s: expected %s, got %s", what, kv_status_str(expected), kv_status_str(reply.status));
        }
        return false;
    }
    if (reply_length != NULL) {
        *reply_length = reply.length;
    }
    return true;
}

/* A reply the server answered as expected, but whose payload is not what the protocol says. */
static bool malformed(kv_client_t *client)
{
    (void)logged(client);
    return false;
}

bool kv_put(kv_client_t *client, const char *key, const void *value, uint32_t length, uint32_t expected)
{
    kv_put_request_t *request = client->transport.payload(client->transport.context);
    set_key(request->key, key);
    /* The length goes as given (the server must refuse an oversized one); at most a field's worth is copied,
     * and the caller's buffer must hold that much. */
    request->value_length = length;
    request->reserved = 0;
    __builtin_memcpy(request->value, value, length <= KV_VALUE_MAX ? length : KV_VALUE_MAX);
    return call(client, KV_PUT, sizeof(*request), NULL, 0, NULL, expected, "put");
}

bool kv_get(kv_client_t *client, const char *key, void *value, uint32_t *length, uint32_t expected)
{
    kv_key_request_t *request = client->transport.payload(client->transport.context);
    kv_value_reply_t reply;
    uint32_t reply_length = 0;

    set_key(request->key, key);
    if (!call(client, KV_GET, sizeof(*request), &reply, sizeof(reply), &reply_length, expected, "get")) {
        return false;
    }
    if (expected != SEL4FT_RPC_OK) {
        return true;
    }
    /* The reply is a private copy, but still the server's word: check it before use. */
    if (reply_length != sizeof(reply) || reply.value_length > KV_VALUE_MAX) {
        LOG_ERROR("get '%s': malformed reply (%u bytes, value length %u)", key, reply_length, reply.value_length);
        return malformed(client);
    }
    if (value != NULL) {
        __builtin_memcpy(value, reply.value, reply.value_length);
    }
    if (length != NULL) {
        *length = reply.value_length;
    }
    return true;
}

bool kv_delete(kv_client_t *client, const char *key, uint32_t expected)
{
    kv_key_request_t *request = client->transport.payload(client->transport.context);
    set_key(request->key, key);
    return call(client, KV_DELETE, sizeof(*request), NULL, 0, NULL, expected, "delete");
}

bool kv_increment(kv_client_t *client, const char *key, int64_t delta, int64_t *value, uint32_t expected)
{
    kv_increment_request_t *request = client->transport.payload(client->transport.context);
    kv_counter_reply_t reply;
    uint32_t reply_length = 0;

    set_key(request->key, key);
    request->delta = delta;
    if (!call(client, KV_INCREMENT, sizeof(*request), &reply, sizeof(reply), &reply_length, expected, "increment")) {
        return false;
    }
    if (expected != SEL4FT_RPC_OK) {
        return true;
    }
    if (reply_length != sizeof(reply)) {
        LOG_ERROR("increment '%s': malformed reply (%u bytes)", key, reply_length);
        return malformed(client);
    }
    if (value != NULL) {
        *value = reply.value;
    }
    return true;
}

bool kv_stats(kv_client_t *client, kv_stats_reply_t *stats)
{
    uint32_t reply_length = 0;
    if (!call(client, KV_STATS, 0, stats, sizeof(*stats), &reply_length, SEL4FT_RPC_OK, "stats")) {
        return false;
    }
    if (reply_length != sizeof(*stats)) {
        LOG_ERROR("stats: malformed reply (%u bytes)", reply_length);
        return malformed(client);
    }
    return true;
}

bool kv_raw(kv_client_t *client, uint16_t opcode, uint32_t length, uint32_t expected)
{
    return call(client, opcode, length, NULL, 0, NULL, expected, "raw request");
}

uint64_t kv_batch(kv_client_t *client, const char *counter, uint32_t rounds)
{
    uint64_t sent_before = client->sent;
    char key[KV_KEY_MAX];
    uint8_t data[64];
    uint8_t back[KV_VALUE_MAX];
    uint32_t length = 0;

    for (uint32_t i = 0; i < rounds / 3; i++) {
        sel4ft_fmt(key, sizeof(key), "%s-%u", counter, i % 4);
        for (uint32_t j = 0; j < sizeof(data); j++) {
            data[j] = (uint8_t)(i + j);
        }
        kv_put(client, key, data, sizeof(data), SEL4FT_RPC_OK);
        if (kv_get(client, key, back, &length, SEL4FT_RPC_OK) &&
            (length != sizeof(data) || __builtin_memcmp(back, data, length) != 0) && logged(client)) {
            LOG_ERROR("get '%s' returned other bytes than were put", key);
        }
        kv_increment(client, counter, 1, NULL, SEL4FT_RPC_OK);
    }
    while (client->sent - sent_before < rounds) {
        kv_increment(client, counter, 1, NULL, SEL4FT_RPC_OK);
    }
    return client->sent - sent_before;
}

void kv_wrap_up(kv_client_t *client, const char *key)
{
    uint8_t value[KV_VALUE_MAX];
    uint32_t length = 0;
    if (kv_get(client, key, value, &length, SEL4FT_RPC_OK)) {
        /* The server's bytes need not end in a NUL: print exactly the length it gave. */
        int shown = length > 0 && value[length - 1] == '\0' ? (int)length - 1 : (int)length;
        LOG_INFO("the %s's entry is intact: '%.*s'", key, shown, (const char *)value);
    }
    kv_stats_reply_t stats;
    kv_stats(client, &stats);
    LOG_INFO("summary: %lu requests sent, %lu succeeded, %lu failed, %lu unexpected", (unsigned long)client->sent,
             (unsigned long)client->succeeded, (unsigned long)client->failed, (unsigned long)client->unexpected);
}
