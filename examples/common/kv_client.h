/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* Client side of the example key-value service: builds each request in the shared region, calls, and checks
 * the answer against the status the caller expects (a sel4ft_rpc_status_t or one of enum kv_status). Each
 * operation returns true when the server answered with that status and a well-formed reply; a failed call or a
 * malformed reply is logged and counted as unexpected. */

#include <stdbool.h>
#include <stdint.h>

#include <sel4ft/rpc.h>

#include "kv_protocol.h"

typedef struct {
    sel4ft_rpc_client_t rpc;
    uint64_t sent;       /* requests sent */
    uint64_t succeeded;  /* answered SEL4FT_RPC_OK */
    uint64_t failed;     /* answered with an error status, or the call failed */
    uint64_t unexpected; /* answers that differed from what the caller expected */
} kv_client_t;

/* Returns 0 or a library error. */
int kv_client_init(kv_client_t *client, uintptr_t region, uintptr_t size, sel4ft_channel_t channel);

bool kv_put(kv_client_t *client, const char *key, const void *value, uint32_t length, uint32_t expected);
/* value may be NULL; when the answer is OK, *length gets the value's length. */
bool kv_get(kv_client_t *client, const char *key, void *value, uint32_t *length, uint32_t expected);
bool kv_delete(kv_client_t *client, const char *key, uint32_t expected);
bool kv_increment(kv_client_t *client, const char *key, int64_t delta, int64_t *value, uint32_t expected);
/* Expects OK. */
bool kv_stats(kv_client_t *client, kv_stats_reply_t *stats);
/* Send an arbitrary opcode and payload length (the payload area is left as it is): for bad-input tests. */
bool kv_raw(kv_client_t *client, uint16_t opcode, uint32_t length, uint32_t expected);
