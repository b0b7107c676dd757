/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* Client side of the recovery service (services/recovery_protocol.h), for the clients of the recovery and
 * campaign examples: the library's retrying client (sel4ft/call.h), with the examples' accounting. */

#include <stdbool.h>
#include <stdint.h>

#include <sel4ft/call.h>

#include "recovery_protocol.h"

typedef struct {
    sel4ft_call_t call;            /* sends a request again under its id while the server restarts under it */
    uintptr_t region, region_size; /* the request region (garbage goes straight into it) */
    sel4ft_channel_t channel;      /* the PPC channel to the server */
    uint64_t acknowledged;         /* updates the server answered (counted by the caller) */
    uint64_t errors;               /* failed calls, error statuses, and whatever else the caller counts */
} recovery_client_t;

/* @p config: the request region and channel, and (optionally) the progress to keep across this client's restarts.
 * Returns 0 or a library error. */
int recovery_client_init(recovery_client_t *client, const sel4ft_call_config_t *config);

/* Call the server (sel4ft_call()). Returns the reply's status; SEL4FT_RPC_INTERNAL_ERROR when the call failed.
 * Errors and error statuses are logged and counted. */
uint32_t recovery_call(recovery_client_t *client, uint16_t opcode, const void *payload, uint32_t length, void *reply,
                       size_t reply_capacity);

/* Read counter and list @p index back. */
bool recovery_read(recovery_client_t *client, uint32_t index, read_reply_t *reply);

/* How the server answered a garbage request. */
enum recovery_garbage_answer { GARBAGE_REJECTED, GARBAGE_REFUSED, GARBAGE_ACCEPTED, GARBAGE_NO_ANSWER };

/* Call the server with these header words, bypassing the library, on whatever the request region holds (garbage
 * the caller wrote straight into it): a label of 52 bits (what a message tag holds), 0-3 registers. With
 * @p valid_kind the label is this protocol version's request kind, the register count right and the epoch 0, so
 * the checks behind them (the length, then the service's own) are reached too. */
enum recovery_garbage_answer recovery_send_garbage(recovery_client_t *client, uint64_t label, uint64_t mr0,
                                                   uint64_t mr1, uint32_t count, bool valid_kind);

/* xorshift64: the next of a reproducible stream of garbage words. */
static inline uint64_t recovery_garbage_next(uint64_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

/* Log the client's summary line ("summary: N updates acknowledged<qualifier>, ..."). */
void recovery_client_summary(const recovery_client_t *client, const char *qualifier);

/* The examples run two clients from one source, client_a and client_b (the PD's name tells them apart), each
 * with a counter and a list of its own, and end with a handshake: client_b, its rounds done, sums up and tells
 * client_a on the peer channel; client_a runs its final check once both are done. */
typedef struct {
    bool is_a;
    uint32_t own;                  /* this client's counter and list: 0 for client_a, 1 for client_b */
    sel4ft_channel_t peer_channel; /* client_b -> client_a: "my rounds are done" */
    void (*finish_a)(void);        /* client_a's final check */
    bool rounds_done, peer_done;
} recovery_pair_t;

void recovery_pair_init(recovery_pair_t *pair, sel4ft_channel_t peer_channel, void (*finish_a)(void));

/* This client's rounds are done: client_b sums up (as recovery_client_summary) and tells client_a; client_a
 * finishes if client_b was done first. */
void recovery_pair_rounds_done(recovery_pair_t *pair, const recovery_client_t *client, const char *qualifier);

/* client_a: client_b said its rounds are done (a notification on the peer channel). */
void recovery_pair_peer_done(recovery_pair_t *pair);
