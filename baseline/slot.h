/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* The request slot: one request/reply message in shared memory between one client and the server. */

#include <stdbool.h>
#include <stdint.h>

#include <sel4ft/rpc.h>

#include "stream.h"

/* "SBSL": the slot's control block was set up by the supervisor. */
#define BASELINE_SLOT_MAGIC 0x4c534253u

/* The slot's shared control block. Indices only: nothing the other side must trust. */
typedef struct baseline_slot_control {
    uint32_t magic;         /* BASELINE_SLOT_MAGIC. Written at setup. */
    uint32_t region_size;   /* Informative: each side uses its own configured size. */
    uint32_t request_seq;   /* Futex word. Written by the client: the number of the request it published. */
    uint32_t reply_seq;     /* Futex word. Written by the server: the number of the request it answered. */
    uint32_t reserved[12];  /* Zero. */
} baseline_slot_control_t;

_Static_assert(sizeof(baseline_slot_control_t) == 64, "the slot's control block is one cache line");

/* The message region after the control block: a sel4ft_rpc header and the largest payload. */
#define BASELINE_SLOT_REGION_SIZE ((uint32_t)BASELINE_MESSAGE_MAX)
/* The size of a slot's mapping (control block and region, whole pages). */
#define BASELINE_SLOT_MAPPING_SIZE 8192u

_Static_assert(sizeof(baseline_slot_control_t) + BASELINE_SLOT_REGION_SIZE <= BASELINE_SLOT_MAPPING_SIZE,
               "the slot fits its mapping");

/* One side's private handle on a slot. Wake-ups go through two eventfds (pollable, used by the demo, whose
 * server waits on several sources at once), or, when the descriptors are -1, through futexes on the
 * sequence words themselves (the benchmark's futex_shm). */
typedef struct baseline_slot {
    baseline_slot_control_t *control; /* Shared. */
    uint8_t *region;                  /* Shared: header + payload. */
    int request_bell;                 /* The client rings it after publishing a request; -1: futex. */
    int reply_bell;                   /* The server rings it after publishing a reply; -1: futex. */
    uint32_t sequence;                /* Client: last request published. Server: last request answered. */
} baseline_slot_t;

/* The slot of `owner` in run `run`, a POSIX shared memory object: created and set up by the starter, opened by
 * the client and the server, removed by the starter. Die on error. */
void *baseline_slot_create(const char *run, const char *owner);
void *baseline_slot_open(const char *run, const char *owner);
void baseline_slot_remove(const char *run, const char *owner, void *mapping);

/* Zero a fresh slot mapping and mark it (its creator, before any side attaches). */
void baseline_slot_setup(void *mapping);

/* Attach one side. The client starts numbering after the last published request; the server resumes after
 * the last request it answered, so a request a crashed incarnation left unanswered is served by the next. */
void baseline_slot_attach_client(baseline_slot_t *slot, void *mapping, int request_bell, int reply_bell);
void baseline_slot_attach_server(baseline_slot_t *slot, void *mapping, int request_bell, int reply_bell);

/* Client: copy the payload into the slot, publish the request, wake the server, wait for the reply
 * (timeout_ms < 0: no limit), then copy the reply header out, validate it, and copy its payload out.
 * Returns 0 with *reply filled (look at reply->status); -ETIMEDOUT; -EBADMSG for a malformed reply or one
 * that answers another request; -ENOSPC if the reply payload exceeds reply_capacity. */
int baseline_slot_call(baseline_slot_t *slot, uint16_t opcode, const void *payload, uint32_t length,
                       uint64_t request_id, void *reply_payload, uint32_t reply_capacity, sel4ft_rpc_header_t *reply,
                       int timeout_ms);

/* Server: true if a request is waiting. */
bool baseline_slot_pending(baseline_slot_t *slot);

/* Server, futex mode: sleep until a request is waiting. */
void baseline_slot_wait_request(baseline_slot_t *slot);

/* Server: copy the waiting request's header out and validate it, then copy its payload into the private
 * buffer `payload` (BASELINE_PAYLOAD_MAX bytes). Returns 0, or -EBADMSG / -E2BIG (answer with
 * SEL4FT_RPC_BAD_MESSAGE). */
int baseline_slot_take(baseline_slot_t *slot, sel4ft_rpc_header_t *request, uint8_t *payload);

/* Server: write the reply (payload copied from a private buffer) and wake the client. */
void baseline_slot_answer(baseline_slot_t *slot, uint16_t opcode, uint32_t status, const void *payload,
                          uint32_t length, uint64_t request_id, uint64_t epoch);
