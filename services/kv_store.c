/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The key-value service's operations (kv_store.h). Freestanding: the __builtin_mem* calls become the
 * library's memcpy/memset in a PD and libc's on Linux. */

#include "kv_store.h"

bool kv_key_valid(const char key[KV_KEY_MAX])
{
    uint32_t i = 0;
    for (; i < KV_KEY_MAX && key[i] != '\0'; i++) {
        if (key[i] < 0x21 || key[i] > 0x7e) {
            return false;
        }
    }
    return i > 0 && i < KV_KEY_MAX;
}

/* Compares two key fields up to the first NUL (both are valid or stored keys). */
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

static kv_entry_t *find(kv_table_t *table, const char *key)
{
    for (uint32_t i = 0; i < KV_ENTRIES; i++) {
        if (table->entries[i].used && key_equal(table->entries[i].key, key)) {
            return &table->entries[i];
        }
    }
    return NULL;
}

/* The entry of @p key (a valid key), created empty if there is none; NULL when the table is full. */
static kv_entry_t *find_or_create(kv_table_t *table, const char *key)
{
    kv_entry_t *e = find(table, key);
    for (uint32_t i = 0; e == NULL && i < KV_ENTRIES; i++) {
        if (!table->entries[i].used) {
            e = &table->entries[i];
            __builtin_memset(e, 0, sizeof(*e));
            for (uint32_t k = 0; k < KV_KEY_MAX && key[k] != '\0'; k++) {
                e->key[k] = key[k];
            }
            e->used = 1;
        }
    }
    return e;
}

uint32_t kv_table_entries(const kv_table_t *table)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < KV_ENTRIES; i++) {
        n += table->entries[i].used != 0;
    }
    return n;
}

static uint32_t put(kv_table_t *table, const kv_put_request_t *put)
{
    if (!kv_key_valid(put->key) || put->value_length > KV_VALUE_MAX || put->reserved != 0) {
        return SEL4FT_RPC_INVALID_ARGUMENT;
    }
    kv_entry_t *e = find_or_create(table, put->key);
    if (e == NULL) {
        return SEL4FT_RPC_NO_SPACE;
    }
    __builtin_memcpy(e->value, put->value, put->value_length);
    e->value_length = put->value_length;
    return SEL4FT_RPC_OK;
}

static uint32_t get(kv_table_t *table, const kv_key_request_t *get, kv_value_reply_t *reply)
{
    if (!kv_key_valid(get->key)) {
        return SEL4FT_RPC_INVALID_ARGUMENT;
    }
    const kv_entry_t *e = find(table, get->key);
    if (e == NULL) {
        return SEL4FT_RPC_NOT_FOUND;
    }
    reply->value_length = e->value_length;
    reply->reserved = 0;
    __builtin_memcpy(reply->value, e->value, e->value_length);
    /* The whole reply is defined: no byte of an earlier reply in the caller's buffer goes out with it. */
    __builtin_memset(reply->value + e->value_length, 0, KV_VALUE_MAX - e->value_length);
    return SEL4FT_RPC_OK;
}

static uint32_t delete(kv_table_t *table, const kv_key_request_t *del)
{
    if (!kv_key_valid(del->key)) {
        return SEL4FT_RPC_INVALID_ARGUMENT;
    }
    kv_entry_t *e = find(table, del->key);
    if (e == NULL) {
        return SEL4FT_RPC_NOT_FOUND;
    }
    e->used = 0;
    return SEL4FT_RPC_OK;
}

static uint32_t increment(kv_table_t *table, const kv_increment_request_t *inc, kv_counter_reply_t *reply)
{
    if (!kv_key_valid(inc->key)) {
        return SEL4FT_RPC_INVALID_ARGUMENT;
    }
    kv_entry_t *e = find(table, inc->key);
    int64_t value = 0;
    if (e != NULL) {
        /* Only an 8-byte value is a counter. */
        if (e->value_length != sizeof(value)) {
            return KV_NOT_A_COUNTER;
        }
        __builtin_memcpy(&value, e->value, sizeof(value));
    } else if ((e = find_or_create(table, inc->key)) == NULL) {
        return SEL4FT_RPC_NO_SPACE;
    }
    /* In unsigned arithmetic: a delta may overflow the counter, which must wrap, not be undefined. */
    value = (int64_t)((uint64_t)value + (uint64_t)inc->delta);
    __builtin_memcpy(e->value, &value, sizeof(value));
    e->value_length = sizeof(value);
    reply->value = value;
    return SEL4FT_RPC_OK;
}

/* The request and reply sizes of each data operation (0: no payload). */
static const struct {
    uint32_t request;
    uint32_t reply;
} sizes[KV_OPCODE_NUM] = {
    [KV_PUT] = { sizeof(kv_put_request_t), 0 },
    [KV_GET] = { sizeof(kv_key_request_t), sizeof(kv_value_reply_t) },
    [KV_DELETE] = { sizeof(kv_key_request_t), 0 },
    [KV_INCREMENT] = { sizeof(kv_increment_request_t), sizeof(kv_counter_reply_t) },
};

uint32_t kv_table_apply(kv_table_t *table, uint16_t opcode, const void *payload, uint32_t length, void *reply,
                        uint32_t reply_capacity, uint32_t *reply_length)
{
    *reply_length = 0;
    if (opcode >= KV_OPCODE_NUM || sizes[opcode].request == 0) {
        return SEL4FT_RPC_UNKNOWN_OPERATION;
    }
    if (length != sizes[opcode].request) {
        return SEL4FT_RPC_INVALID_ARGUMENT;
    }
    if (reply_capacity < sizes[opcode].reply) {
        return SEL4FT_RPC_TOO_LARGE;
    }
    uint32_t status;
    switch (opcode) {
    case KV_PUT:
        status = put(table, payload);
        break;
    case KV_GET:
        status = get(table, payload, reply);
        break;
    case KV_DELETE:
        status = delete(table, payload);
        break;
    default: /* KV_INCREMENT */
        status = increment(table, payload, reply);
        break;
    }
    if (status == SEL4FT_RPC_OK) {
        *reply_length = sizes[opcode].reply;
    }
    return status;
}

kv_stats_reply_t kv_table_stats(const kv_table_t *table, uint64_t requests, uint64_t succeeded, uint64_t failed)
{
    return (kv_stats_reply_t){
        .entries = kv_table_entries(table),
        .capacity = KV_ENTRIES,
        .requests = requests,
        .succeeded = succeeded,
        .failed = failed,
    };
}
