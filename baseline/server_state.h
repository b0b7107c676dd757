/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* The server's table as it lies in its mapping, guarded by canaries and a checksum that only the server
 * updates, so writes by anyone else show. */

#include <stddef.h>
#include <stdint.h>

#include "kv_store.h"

/* "KVSTATE!" at both ends of the table. */
#define SERVER_STATE_CANARY 0x2145544154535f4bull

typedef struct {
    uint64_t canary_front;
    uint32_t checksum; /* FNV-1a over the table, updated by the server after every change */
    uint32_t reserved;
    kv_table_t table;  /* the key-value service's table (services/kv_store.h), here in this mapping */
    uint64_t canary_back;
} server_state_t;

/* The mapping that holds the table (whole pages). */
#define SERVER_STATE_MAPPING_SIZE 20480u
_Static_assert(sizeof(server_state_t) <= SERVER_STATE_MAPPING_SIZE, "the table fits its mapping");

/* FNV-1a over the table. */
static inline uint32_t server_state_checksum(const server_state_t *state)
{
    const uint8_t *p = (const uint8_t *)&state->table;
    uint32_t hash = 2166136261u;
    for (size_t i = 0; i < sizeof(state->table); i++) {
        hash = (hash ^ p[i]) * 16777619u;
    }
    return hash;
}
