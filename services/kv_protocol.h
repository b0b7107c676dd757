/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* The example key-value service: operations and payloads carried by sel4ft's request/reply protocol.
 * Fixed-width fields only; every payload has one exact size, checked by the server. */

#include <stdint.h>

#include <sel4ft/rpc.h>

enum kv_opcode {
    KV_PUT = 1,    /* kv_put_request_t -> nothing */
    KV_GET,        /* kv_key_request_t -> kv_value_reply_t */
    KV_DELETE,     /* kv_key_request_t -> nothing */
    KV_INCREMENT,  /* kv_increment_request_t -> kv_counter_reply_t; creates the counter at 0 */
    KV_STATS,      /* nothing -> kv_stats_reply_t; the server also logs its summary */
    KV_OPCODE_NUM
};

/* The service's own statuses, above the library's (sel4ft_rpc_status_t): they pass through client and server
 * unchanged. Bad input the library's generic statuses describe well (a malformed payload, a missing key) keeps
 * them. */
enum kv_status {
    KV_NOT_A_COUNTER = SEL4FT_RPC_STATUS_SERVICE_FIRST, /* INCREMENT on a key whose value is not a counter */
    KV_STATUS_END
};

/* Any status a key-value reply can carry, in words. */
static inline const char *kv_status_str(uint32_t status)
{
    return status == KV_NOT_A_COUNTER ? "KV_NOT_A_COUNTER" : sel4ft_rpc_status_str(status);
}

#define KV_KEY_MAX 32u    /* including the terminating NUL */
#define KV_VALUE_MAX 256u
#define KV_ENTRIES 64u

typedef struct {
    char key[KV_KEY_MAX]; /* NUL-terminated, 1..31 printable characters */
} kv_key_request_t;

typedef struct {
    char key[KV_KEY_MAX];
    uint32_t value_length; /* <= KV_VALUE_MAX */
    uint32_t reserved;     /* 0 */
    uint8_t value[KV_VALUE_MAX];
} kv_put_request_t;

typedef struct {
    char key[KV_KEY_MAX];
    int64_t delta;
} kv_increment_request_t;

typedef struct {
    uint32_t value_length;
    uint32_t reserved;
    uint8_t value[KV_VALUE_MAX];
} kv_value_reply_t;

typedef struct {
    int64_t value;
} kv_counter_reply_t;

typedef struct {
    uint32_t entries;
    uint32_t capacity;
    uint64_t requests;
    uint64_t succeeded;
    uint64_t failed;
} kv_stats_reply_t;

_Static_assert(sizeof(kv_key_request_t) == 32, "kv_key_request_t layout");
_Static_assert(sizeof(kv_put_request_t) == 296, "kv_put_request_t layout");
_Static_assert(sizeof(kv_increment_request_t) == 40, "kv_increment_request_t layout");
_Static_assert(sizeof(kv_value_reply_t) == 264, "kv_value_reply_t layout");
_Static_assert(sizeof(kv_stats_reply_t) == 32, "kv_stats_reply_t layout");
