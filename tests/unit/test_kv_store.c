/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/*
 * Unit tests for the key-value service's transport-free core (services/kv_store.h), which the seL4 server PD
 * and the Linux baseline's server both answer with: each operation's effect and reply, every refusal and its
 * status, a full table, and a reply that carries nothing of an earlier one.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "kv_store.h"

static kv_table_t table;
static _Alignas(8) uint8_t reply[KV_REPLY_MAX];
static uint32_t reply_length;

static int setup(void **state)
{
    (void)state;
    memset(&table, 0, sizeof(table));
    memset(reply, 0xee, sizeof(reply));
    reply_length = 12345;
    return 0;
}

/* A key field as a client sends it: the key, then NULs. */
static void set_key(char field[KV_KEY_MAX], const char *key)
{
    memset(field, 0, KV_KEY_MAX);
    memcpy(field, key, strlen(key) < KV_KEY_MAX ? strlen(key) : KV_KEY_MAX);
}

static bool key_valid(const char *key)
{
    char field[KV_KEY_MAX];
    set_key(field, key);
    return kv_key_valid(field);
}

static uint32_t apply(uint16_t opcode, const void *payload, uint32_t length)
{
    _Alignas(8) uint8_t copy[512];
    memcpy(copy, payload, length);
    return kv_table_apply(&table, opcode, copy, length, reply, sizeof(reply), &reply_length);
}

static uint32_t put(const char *key, const void *value, uint32_t length)
{
    kv_put_request_t request = { .value_length = length };
    set_key(request.key, key);
    memcpy(request.value, value, length);
    return apply(KV_PUT, &request, sizeof(request));
}

static uint32_t get(const char *key, kv_value_reply_t *value)
{
    kv_key_request_t request = { 0 };
    set_key(request.key, key);
    uint32_t status = apply(KV_GET, &request, sizeof(request));
    memcpy(value, reply, sizeof(*value));
    return status;
}

static uint32_t delete(const char *key)
{
    kv_key_request_t request = { 0 };
    set_key(request.key, key);
    return apply(KV_DELETE, &request, sizeof(request));
}

static uint32_t increment(const char *key, int64_t delta, int64_t *value)
{
    kv_increment_request_t request = { .delta = delta };
    set_key(request.key, key);
    uint32_t status = apply(KV_INCREMENT, &request, sizeof(request));
    memcpy(value, reply, sizeof(*value));
    return status;
}

static void test_put_get_delete(void **state)
{
    (void)state;
    kv_value_reply_t value;

    assert_int_equal(put("alpha", "first", 6), SEL4FT_RPC_OK);
    assert_int_equal(reply_length, 0);
    assert_int_equal(get("alpha", &value), SEL4FT_RPC_OK);
    assert_int_equal(reply_length, sizeof(kv_value_reply_t));
    assert_int_equal(value.value_length, 6);
    assert_string_equal((const char *)value.value, "first");
    assert_int_equal(kv_table_entries(&table), 1);

    /* A second put replaces the value, in the same entry. */
    assert_int_equal(put("alpha", "2nd", 4), SEL4FT_RPC_OK);
    assert_int_equal(get("alpha", &value), SEL4FT_RPC_OK);
    assert_int_equal(value.value_length, 4);
    assert_string_equal((const char *)value.value, "2nd");
    assert_int_equal(kv_table_entries(&table), 1);

    assert_int_equal(delete("alpha"), SEL4FT_RPC_OK);
    assert_int_equal(get("alpha", &value), SEL4FT_RPC_NOT_FOUND);
    assert_int_equal(reply_length, 0);
    assert_int_equal(delete("alpha"), SEL4FT_RPC_NOT_FOUND);
    assert_int_equal(kv_table_entries(&table), 0);
}

static void test_reply_is_whole(void **state)
{
    (void)state;
    kv_value_reply_t value;
    static const uint8_t zeros[KV_VALUE_MAX];

    /* The reply buffer holds 0xee from setup, as if from an earlier reply: none of it may go out again. */
    assert_int_equal(put("short", "ab", 2), SEL4FT_RPC_OK);
    assert_int_equal(get("short", &value), SEL4FT_RPC_OK);
    assert_int_equal(value.reserved, 0);
    assert_memory_equal(value.value + 2, zeros, KV_VALUE_MAX - 2);
}

static void test_increment(void **state)
{
    (void)state;
    int64_t value = 0;

    assert_int_equal(increment("hits", 5, &value), SEL4FT_RPC_OK);
    assert_int_equal(reply_length, sizeof(kv_counter_reply_t));
    assert_int_equal(value, 5);
    assert_int_equal(increment("hits", -8, &value), SEL4FT_RPC_OK);
    assert_int_equal(value, -3);

    /* A counter wraps in two's complement instead of overflowing. */
    assert_int_equal(increment("wrap", INT64_MAX, &value), SEL4FT_RPC_OK);
    assert_int_equal(increment("wrap", 1, &value), SEL4FT_RPC_OK);
    assert_true(value == INT64_MIN);

    /* Only an 8-byte value is a counter. */
    assert_int_equal(put("text", "not a counter", 14), SEL4FT_RPC_OK);
    assert_int_equal(increment("text", 1, &value), KV_NOT_A_COUNTER);
    assert_int_equal(reply_length, 0);
}

static void test_bad_keys(void **state)
{
    (void)state;
    kv_put_request_t request = { .value_length = 1 };

    assert_false(key_valid(""));
    assert_false(key_valid("has space"));
    assert_true(key_valid("printable!~"));
    /* KV_KEY_MAX characters and no NUL in the field. */
    memset(request.key, 'k', sizeof(request.key));
    assert_false(kv_key_valid(request.key));
    assert_int_equal(apply(KV_PUT, &request, sizeof(request)), SEL4FT_RPC_INVALID_ARGUMENT);
    request.key[KV_KEY_MAX - 1] = '\0';
    assert_true(kv_key_valid(request.key));
    assert_int_equal(apply(KV_PUT, &request, sizeof(request)), SEL4FT_RPC_OK);

    kv_value_reply_t value;
    assert_int_equal(get("", &value), SEL4FT_RPC_INVALID_ARGUMENT);
    assert_int_equal(delete("a\tb"), SEL4FT_RPC_INVALID_ARGUMENT);
    int64_t counter;
    assert_int_equal(increment("\x7f", 1, &counter), SEL4FT_RPC_INVALID_ARGUMENT);
}

static void test_bad_payloads(void **state)
{
    (void)state;
    kv_put_request_t request = { .key = "key", .value_length = KV_VALUE_MAX + 1 };

    assert_int_equal(apply(KV_PUT, &request, sizeof(request)), SEL4FT_RPC_INVALID_ARGUMENT);
    request.value_length = 1;
    request.reserved = 1;
    assert_int_equal(apply(KV_PUT, &request, sizeof(request)), SEL4FT_RPC_INVALID_ARGUMENT);
    request.reserved = 0;
    /* Each operation takes one exact size. */
    assert_int_equal(apply(KV_PUT, &request, sizeof(request) - 1), SEL4FT_RPC_INVALID_ARGUMENT);
    assert_int_equal(apply(KV_GET, &request, 3), SEL4FT_RPC_INVALID_ARGUMENT);
    assert_int_equal(apply(KV_INCREMENT, &request, sizeof(kv_key_request_t)), SEL4FT_RPC_INVALID_ARGUMENT);
    assert_int_equal(kv_table_entries(&table), 0);

    /* Unknown operations, and STATS, whose counts only the caller has. */
    assert_int_equal(apply(0, &request, 0), SEL4FT_RPC_UNKNOWN_OPERATION);
    assert_int_equal(apply(99, &request, 0), SEL4FT_RPC_UNKNOWN_OPERATION);
    assert_int_equal(apply(KV_STATS, &request, 0), SEL4FT_RPC_UNKNOWN_OPERATION);
    assert_int_equal(reply_length, 0);
}

static void test_reply_capacity(void **state)
{
    (void)state;
    kv_key_request_t request = { .key = "alpha" };
    assert_int_equal(put("alpha", "x", 1), SEL4FT_RPC_OK);
    assert_int_equal(kv_table_apply(&table, KV_GET, &request, sizeof(request), reply, sizeof(kv_value_reply_t) - 1,
                                    &reply_length),
                     SEL4FT_RPC_TOO_LARGE);
    assert_int_equal(reply_length, 0);
    /* A delete has no reply: no capacity needed. */
    assert_int_equal(kv_table_apply(&table, KV_DELETE, &request, sizeof(request), NULL, 0, &reply_length),
                     SEL4FT_RPC_OK);
}

static void test_full_table(void **state)
{
    (void)state;
    char key[16];
    int64_t value;

    for (uint32_t i = 0; i < KV_ENTRIES; i++) {
        snprintf(key, sizeof(key), "key-%u", i);
        assert_int_equal(put(key, "v", 1), SEL4FT_RPC_OK);
    }
    assert_int_equal(kv_table_entries(&table), KV_ENTRIES);
    assert_int_equal(put("one-more", "v", 1), SEL4FT_RPC_NO_SPACE);
    assert_int_equal(increment("one-more", 1, &value), SEL4FT_RPC_NO_SPACE);
    /* An existing key still takes a new value; a deleted entry makes room. */
    assert_int_equal(put("key-3", "w", 1), SEL4FT_RPC_OK);
    assert_int_equal(delete("key-7"), SEL4FT_RPC_OK);
    assert_int_equal(put("one-more", "v", 1), SEL4FT_RPC_OK);
    assert_int_equal(kv_table_entries(&table), KV_ENTRIES);
}

static void test_stats_and_writes(void **state)
{
    (void)state;
    assert_int_equal(put("a", "1", 1), SEL4FT_RPC_OK);
    assert_int_equal(put("b", "2", 1), SEL4FT_RPC_OK);
    kv_stats_reply_t stats = kv_table_stats(&table, 10, 7, 3);
    assert_int_equal(stats.entries, 2);
    assert_int_equal(stats.capacity, KV_ENTRIES);
    assert_int_equal(stats.requests, 10);
    assert_int_equal(stats.succeeded, 7);
    assert_int_equal(stats.failed, 3);

    assert_true(kv_opcode_writes(KV_PUT) && kv_opcode_writes(KV_DELETE) && kv_opcode_writes(KV_INCREMENT));
    assert_false(kv_opcode_writes(KV_GET) || kv_opcode_writes(KV_STATS) || kv_opcode_writes(0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_put_get_delete, setup),
        cmocka_unit_test_setup(test_reply_is_whole, setup),
        cmocka_unit_test_setup(test_increment, setup),
        cmocka_unit_test_setup(test_bad_keys, setup),
        cmocka_unit_test_setup(test_bad_payloads, setup),
        cmocka_unit_test_setup(test_reply_capacity, setup),
        cmocka_unit_test_setup(test_full_table, setup),
        cmocka_unit_test_setup(test_stats_and_writes, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
