/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* The campaign's exact-count workload, transport-free (client.c runs it on seL4 with the retrying client;
 * tests/unit/test_campaign_workload.c runs it against a model server with restarts at every point): rounds of
 * (increment own counter, append to own list while it has room, increment the shared counter) until the campaign
 * is over, every answer checked against what was acknowledged before, then a read-back.
 *
 * A client that its monitor restarts keeps its place in a checkpoint: its progress is committed with the request's
 * id before every request (sel4ft/call.h), so a restarted client resumes at the request it was on and sends it again
 * under the same id; the server applies it, or answers it from its record if it had. The rounds stop only at the
 * start of a round with nothing in flight: a request restored in flight is sent again first, whatever the campaign
 * says, so the read-back never meets a step that was sent but not acknowledged (it expects exactly the rounds
 * completed). */

#include <stdbool.h>
#include <stdint.h>

#include "recovery_protocol.h"

/* The counter both clients increment (each has its own: 0 for client_a, 1 for client_b). */
#define WORKLOAD_SHARED_COUNTER 2u

enum workload_step { WORKLOAD_OWN, WORKLOAD_APPEND, WORKLOAD_SHARED, WORKLOAD_STEPS };

/* A client's place in its rounds, committed with the request id before every request. Fixed-width fields only. */
typedef struct {
    uint64_t rounds; /* Rounds completed. */
    uint32_t step;   /* Within the round: the request being sent, or the next (enum workload_step). */
    uint32_t reserved;
} workload_progress_t;

/* What the workload needs from its client. */
typedef struct {
    void *context;
    /* Send an update (the retrying client commits the progress and the id first). Returns its status
     * (SEL4FT_RPC_OK, another status, or SEL4FT_RPC_INTERNAL_ERROR when the call failed); @p value is the reply. */
    uint32_t (*call)(void *context, uint16_t opcode, const void *payload, uint32_t length, int64_t *value);
    /* Whether a request restored in flight by this client's restart waits to be sent again. */
    bool (*resumed)(void *context);
    /* Whether the campaign is over. */
    bool (*over)(void *context);
    /* An injection point (INJECT_POINT_BEFORE: before the request is sent; INJECT_POINT_MIDDLE: after its reply,
     * before it is counted). NULL: none. */
    void (*at)(void *context, uint32_t point);
    /* Progress: one heartbeat. NULL: none. */
    void (*beat)(void *context);
} workload_ops_t;

typedef struct {
    uint32_t own;          /* This client's counter and list. */
    uint64_t acknowledged; /* Updates acknowledged as expected, by this incarnation. */
    uint64_t errors;       /* Answers that were not what was acknowledged before, and failed calls. */
} workload_t;

/* Run rounds until the campaign is over (checked at the start of a round with nothing in flight) or a call fails.
 * Every answer is checked; a wrong one is logged and counted in errors. */
void workload_rounds(workload_t *workload, workload_progress_t *progress, const workload_ops_t *ops);

/* The read-back of the own counter and list after @p progress's rounds: exactly the rounds completed, and the list
 * 1, 2, ... as long as it had room. */
bool workload_read_back_ok(const workload_progress_t *progress, int64_t counter, uint32_t list_length,
                           uint32_t in_order);
