/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* The recovery example's service: counters and append-only lists, both non-idempotent,
 * so a request applied twice or lost shows in the end counts. Fixed-width fields only. */

#include <stdint.h>

enum recovery_opcode {
    OP_INCREMENT = 1, /* increment_request_t -> value_reply_t */
    OP_APPEND,        /* append_request_t -> value_reply_t (the list's new length) */
    OP_READ,          /* index_request_t -> read_reply_t */
    OP_INJECT,        /* inject_request_t -> nothing: arm a crash for the next update (fault injection) */
    OP_STATS,         /* nothing -> nothing; the server logs its summary */
};

#define RECOVERY_COUNTERS 4u
#define RECOVERY_LISTS 4u
#define RECOVERY_LIST_MAX 120u

/* Where an injected crash strikes, during the next update (increment or append). */
enum crash_point {
    CRASH_NONE = 0,
    CRASH_AFTER_APPLY,    /* state changed in memory, not yet checkpointed: the update must be redone once */
    CRASH_AFTER_COMMIT,   /* checkpointed, reply not sent: the retry must be answered from the record */
    CRASH_CORRUPT_COMMIT, /* the new checkpoint slot is corrupted, then the crash: it must be rejected */
    CRASH_POINT_NUM
};

typedef struct {
    uint32_t index;
    uint32_t reserved;
    int64_t delta;
} increment_request_t;

typedef struct {
    uint32_t index;
    uint32_t item;
} append_request_t;

typedef struct {
    uint32_t index;
    uint32_t reserved;
} index_request_t;

typedef struct {
    uint32_t point;
    uint32_t reserved;
} inject_request_t;

typedef struct {
    int64_t value;
} value_reply_t;

typedef struct {
    int64_t counter;
    uint32_t list_length;
    uint32_t reserved;
    uint32_t items[RECOVERY_LIST_MAX];
} read_reply_t;

_Static_assert(sizeof(increment_request_t) == 16, "increment_request_t layout");
_Static_assert(sizeof(append_request_t) == 8, "append_request_t layout");
_Static_assert(sizeof(read_reply_t) == 16 + 4 * RECOVERY_LIST_MAX, "read_reply_t layout");
