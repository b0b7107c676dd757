/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* The key-value client (services/kv_client.h) on Linux: its requests go through the client's slot in shared
 * memory and, in turn, the server's Unix socket (reconnected once if the server restarted). */

#include <stdbool.h>
#include <stdint.h>

#include "kv_client.h"
#include "slot.h"
#include "stream.h"

typedef struct baseline_transport {
    baseline_slot_t slot;
    const char *run;          /* The run whose server socket to connect to. */
    int socket;               /* -1: not connected. */
    bool alternate;           /* The slot, then the socket, in turn; false: the slot only. */
    uint64_t next_request_id;
    uint64_t sent_slot, sent_socket;
    _Alignas(8) uint8_t payload[sizeof(kv_put_request_t)]; /* The largest request. */
    _Alignas(8) uint8_t message[BASELINE_MESSAGE_MAX];
} baseline_transport_t;

/* Set up `kv` over the slot of `owner` in run `run` (its request and reply bells) and, if `alternate`, the run's
 * server socket; request ids count from first_request_id. */
void baseline_transport_init(kv_client_t *kv, baseline_transport_t *transport, const char *run, const char *owner,
                             int request_bell, int reply_bell, uint64_t first_request_id, bool alternate);
