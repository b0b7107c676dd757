/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* The key-value service without a transport: its table, key validation and operations. The seL4 server PD
 * (examples/common/kv_server.c) and the Linux baseline's server process (baseline/server.c) both answer with
 * it, each around its own transport. It needs neither libc nor Microkit: it builds freestanding for PDs and on
 * Linux.
 *
 * The caller owns the table: where it lives (a PD's .bss, a Linux mapping another process may share) and what
 * guards it. Requests come in as private copies: nobody else can change them while they are used. */

#include <stdbool.h>
#include <stdint.h>

#include "kv_protocol.h"

/* One entry. Fixed-width fields only: the baseline keeps the table in a mapping another process may see. */
typedef struct {
    char key[KV_KEY_MAX];  /* NUL-terminated when used */
    uint32_t value_length; /* <= KV_VALUE_MAX */
    uint32_t used;         /* 0: free; 1: holds a key and its value */
    uint8_t value[KV_VALUE_MAX];
} kv_entry_t;

/* The whole table; all zeros is an empty one. */
typedef struct {
    kv_entry_t entries[KV_ENTRIES];
} kv_table_t;

_Static_assert(sizeof(kv_entry_t) == 296, "kv_entry_t layout");

/* The largest reply payload of any operation. */
#define KV_REPLY_MAX ((uint32_t)sizeof(kv_value_reply_t))
_Static_assert(sizeof(kv_counter_reply_t) <= KV_REPLY_MAX && sizeof(kv_stats_reply_t) <= KV_REPLY_MAX,
               "every reply fits KV_REPLY_MAX");

/* Whether @p key, a field of KV_KEY_MAX bytes, holds 1..KV_KEY_MAX-1 printable characters and a NUL. */
bool kv_key_valid(const char key[KV_KEY_MAX]);

/* The number of entries in use. */
uint32_t kv_table_entries(const kv_table_t *table);

/* Whether a successful @p opcode changes the table (PUT, DELETE, INCREMENT). */
static inline bool kv_opcode_writes(uint16_t opcode)
{
    return opcode == KV_PUT || opcode == KV_DELETE || opcode == KV_INCREMENT;
}

/* Apply one request of the data operations (KV_PUT, KV_GET, KV_DELETE, KV_INCREMENT) to @p table.
 * payload: the request's payload, a private 8-byte aligned copy of @p length bytes (each operation takes one
 * exact size). reply: where the reply payload goes, @p reply_capacity bytes, 8-byte aligned; it is written,
 * never read. *reply_length: the reply payload's length (0 when there is none).
 * Returns SEL4FT_RPC_OK, SEL4FT_RPC_INVALID_ARGUMENT (wrong size, bad key, oversized value, reserved field not
 * 0), SEL4FT_RPC_NOT_FOUND, SEL4FT_RPC_NO_SPACE (the table is full), KV_NOT_A_COUNTER (INCREMENT on a value that
 * is not 8 bytes), SEL4FT_RPC_TOO_LARGE (the reply does not fit @p reply_capacity) or
 * SEL4FT_RPC_UNKNOWN_OPERATION (any other opcode, KV_STATS included: its counts are the caller's, see
 * kv_table_stats). The table changes only on SEL4FT_RPC_OK, and only for kv_opcode_writes() opcodes. */
uint32_t kv_table_apply(kv_table_t *table, uint16_t opcode, const void *payload, uint32_t length, void *reply,
                        uint32_t reply_capacity, uint32_t *reply_length);

/* The KV_STATS reply: the table's entries and capacity, and the caller's counts of requests. */
kv_stats_reply_t kv_table_stats(const kv_table_t *table, uint64_t requests, uint64_t succeeded, uint64_t failed);
