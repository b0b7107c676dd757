/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* Client side of the example key-value service, for the seL4 examples and the Linux baseline: builds each request,
 * calls, and checks the answer against the status the caller expects (a sel4ft_rpc_status_t or one of enum
 * kv_status). Each operation returns true when the server answered with that status and a well-formed reply; a
 * failed call or a malformed reply is logged (sel4ft/log.h) and counted as unexpected. How requests travel is a
 * transport: by default (kv_client_init()) sel4ft_rpc over a request region and a PPC channel. */

#include <stdbool.h>
#include <stdint.h>

#include <sel4ft/rpc.h>

#include "kv_protocol.h"

/* How requests travel. */
typedef struct {
    void *context;
    /* Where the request payload is built: at least sizeof(kv_put_request_t) bytes, 8-byte aligned. */
    void *(*payload)(void *context);
    /* Send the request (opcode, length bytes of payload). Returns 0 with the answer's status and length in *answer
     * and its payload copied into reply (capacity bytes; NULL when 0), or an error (negative). */
    int (*call)(void *context, uint16_t opcode, uint32_t length, void *reply, size_t capacity,
                sel4ft_rpc_reply_t *answer);
    /* An error of call() in words. */
    const char *(*describe)(int err);
} kv_transport_t;

typedef struct {
    kv_transport_t transport;
    sel4ft_rpc_client_t rpc; /* the default transport's */
    uint64_t sent;           /* requests sent */
    uint64_t succeeded;      /* answered SEL4FT_RPC_OK */
    uint64_t failed;         /* answered with an error status, or the call failed */
    uint64_t unexpected;     /* answers that differed from what the caller expected */
    uint32_t log_limit;      /* the most unexpected answers logged (0: every one) */
} kv_client_t;

/* Over sel4ft_rpc: the client's request region and its channel to the server. Returns 0 or a library error. */
int kv_client_init(kv_client_t *client, uintptr_t region, uintptr_t size, sel4ft_channel_t channel);
/* Over a transport of the caller's. */
void kv_client_init_transport(kv_client_t *client, const kv_transport_t *transport);

bool kv_put(kv_client_t *client, const char *key, const void *value, uint32_t length, uint32_t expected);
/* value may be NULL; when the answer is OK, *length gets the value's length. */
bool kv_get(kv_client_t *client, const char *key, void *value, uint32_t *length, uint32_t expected);
bool kv_delete(kv_client_t *client, const char *key, uint32_t expected);
bool kv_increment(kv_client_t *client, const char *key, int64_t delta, int64_t *value, uint32_t expected);
/* Expects OK. */
bool kv_stats(kv_client_t *client, kv_stats_reply_t *stats);
/* Send an arbitrary opcode and payload length (the payload area is left as it is): for bad-input tests. */
bool kv_raw(kv_client_t *client, uint16_t opcode, uint32_t length, uint32_t expected);

/* A batch of `rounds` requests, every one expected to succeed: puts of 64 bytes under `counter`-0..3, a get of each
 * (the bytes must be those put), increments of the counter `counter`. Returns the requests sent. */
uint64_t kv_batch(kv_client_t *client, const char *counter, uint32_t rounds);

/* The end of a run: read the entry `key` and log it, "the <key>'s entry is intact: '<value>'" (a string value), ask
 * for the server's stats (it logs its summary), then log the client's, "summary: N requests sent, ...". */
void kv_wrap_up(kv_client_t *client, const char *key);
