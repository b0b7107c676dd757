/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* The server's table as it lies in its mapping, guarded by canaries and a checksum that only the server
 * updates, so writes by anyone else show. */

#include <stdint.h>

#include <sel4ft/checkpoint.h>

#include "kv_store.h"

/* "KVSTATE!" at both ends of the table. */
#define SERVER_STATE_CANARY 0x2145544154535f4bull

typedef struct {
    uint64_t canary_front;
    uint64_t checksum; /* server_state_checksum(), updated by the server after every change */
    kv_table_t table;  /* the key-value service's table (services/kv_store.h), here in this mapping */
    uint64_t canary_back;
} server_state_t;

/* The mapping that holds the table (whole pages). */
#define SERVER_STATE_MAPPING_SIZE 20480u
_Static_assert(sizeof(server_state_t) <= SERVER_STATE_MAPPING_SIZE, "the table fits its mapping");

/* The library's checksum over the table. */
static inline uint64_t server_state_checksum(const server_state_t *state)
{
    return sel4ft_checksum(0, &state->table, sizeof(state->table));
}
