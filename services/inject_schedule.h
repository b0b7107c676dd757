/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* The fault-injection campaign's schedule (make inject), shared by the seL4 recovery system and the Linux
 * baseline: a seed names the whole schedule. Injection n (1-based) goes to target inject_target_of(seed, n),
 * is of kind inject_kind_of(seed, n) (one of the kinds that apply to that target) and strikes at point
 * inject_point_of(seed, n) where the target has more than one (see inject_point_t). */

#include <stdint.h>

enum inject_kind {
    INJECT_NULL_READ = 0,
    INJECT_NULL_WRITE,
    INJECT_UNMAPPED_WRITE,        /* a write to an address nothing maps (0x10000000) */
    INJECT_READONLY_WRITE,        /* a write to a read-only mapping (the campaign's command page) */
    INJECT_UNDEFINED_INSTRUCTION,
    INJECT_STACK_OVERFLOW,        /* recursion off the end of the stack into the guard page */
    INJECT_HANG,                  /* an endless loop: only a missed heartbeat shows it */
    INJECT_FOREIGN_NOTIFY,        /* signals (and calls) on channels the PD has no right to use, past libmicrokit */
    INJECT_REQUEST_GARBAGE,       /* garbage requests in the PD's request region (a client) */
    INJECT_RING_GARBAGE,          /* impossible indices and a malformed record in the PD's own log ring */
    INJECT_LOG_FLOOD,             /* as many log records as fast as the PD can write them */
    INJECT_KINDS
};

enum inject_target {
    INJECT_TARGET_CRASHER = 0,
    INJECT_TARGET_SERVER,
    INJECT_TARGET_CLIENT,
    INJECT_TARGET_LOGGER,
    INJECT_TARGET_MONITOR, /* the supervised monitor itself: its parent, the root, detects and restarts it */
    INJECT_TARGETS
};

/* Where in a target's work an injection strikes, for targets that have more than one place. */
enum inject_point {
    INJECT_POINT_BEFORE = 0, /* server: before applying an update; client: before sending a request; monitor: as it
                                takes its next event (a fault or a notification), before it acts on it */
    INJECT_POINT_MIDDLE,     /* server: after applying, before the checkpoint; client: after the reply, before
                                counting it; monitor: after it acted on its next event, before it commits */
    INJECT_POINT_AFTER,      /* server: after the checkpoint, before the reply */
    INJECT_POINTS
};

__attribute__((unused)) static const char *const inject_kind_names[INJECT_KINDS] = {
    "null_read",        "null_write",     "unmapped_write",  "readonly_write", "undefined_instruction",
    "stack_overflow",   "hang",           "foreign_notify",  "request_garbage", "ring_garbage",
    "log_flood",
};

__attribute__((unused)) static const char *const inject_target_names[INJECT_TARGETS] = { "crasher", "server", "client_b",
                                                                                      "logger", "monitor" };

#define INJECT_BIT(kind) (1u << (kind))
#define INJECT_FAULTS                                                                                             \
    (INJECT_BIT(INJECT_NULL_READ) | INJECT_BIT(INJECT_NULL_WRITE) | INJECT_BIT(INJECT_UNMAPPED_WRITE) |         \
     INJECT_BIT(INJECT_READONLY_WRITE) | INJECT_BIT(INJECT_UNDEFINED_INSTRUCTION) |                              \
     INJECT_BIT(INJECT_STACK_OVERFLOW))

/* The kinds each target gets. Left out, with the reason (doc/fault-injection.md says the same):
 * - a hang in the server: a passive server runs on its caller's scheduling context and answers no heartbeat;
 *   Microkit 2.0.1 gives no timeout-fault handler, so nothing can tell a long request from an endless one;
 * - request garbage from anyone but a client: only clients own a request region;
 * - ring garbage and log floods from the logger: it is the consumer, it owns no ring to write to;
 * - request garbage into the monitor: it owns no request region;
 * - ring garbage and log floods into the monitor: it runs above its logger (it supervises it), so its ring is
 *   drained only while it waits, and garbage or a flood there loses its own unread records (contained: nobody
 *   else's), which are the campaign's record of what happened; nothing would be left to check the injection by. */
__attribute__((unused)) static const uint32_t inject_kinds_of[INJECT_TARGETS] = {
    [INJECT_TARGET_CRASHER] = INJECT_FAULTS | INJECT_BIT(INJECT_HANG) | INJECT_BIT(INJECT_FOREIGN_NOTIFY) |
                              INJECT_BIT(INJECT_RING_GARBAGE) | INJECT_BIT(INJECT_LOG_FLOOD),
    [INJECT_TARGET_SERVER] = INJECT_FAULTS | INJECT_BIT(INJECT_FOREIGN_NOTIFY) | INJECT_BIT(INJECT_RING_GARBAGE) |
                             INJECT_BIT(INJECT_LOG_FLOOD),
    [INJECT_TARGET_CLIENT] = INJECT_FAULTS | INJECT_BIT(INJECT_HANG) | INJECT_BIT(INJECT_FOREIGN_NOTIFY) |
                             INJECT_BIT(INJECT_REQUEST_GARBAGE) | INJECT_BIT(INJECT_RING_GARBAGE) |
                             INJECT_BIT(INJECT_LOG_FLOOD),
    [INJECT_TARGET_LOGGER] = INJECT_FAULTS | INJECT_BIT(INJECT_HANG) | INJECT_BIT(INJECT_FOREIGN_NOTIFY),
    [INJECT_TARGET_MONITOR] = INJECT_FAULTS | INJECT_BIT(INJECT_HANG) | INJECT_BIT(INJECT_FOREIGN_NOTIFY),
};

/* Kinds after which the target keeps running (everything else ends in a fault or a hang and a restart). */
#define INJECT_CONTAINED_KINDS                                                                                    \
    (INJECT_BIT(INJECT_FOREIGN_NOTIFY) | INJECT_BIT(INJECT_REQUEST_GARBAGE) | INJECT_BIT(INJECT_RING_GARBAGE) |    \
     INJECT_BIT(INJECT_LOG_FLOOD))

/* splitmix64 of the seed, the injection number and a stream number: independent draws from one seed. */
static inline uint64_t inject_draw(uint64_t seed, uint64_t n, uint64_t stream)
{
    uint64_t z = seed * 0x9e3779b97f4a7c15ull + n * 0xbf58476d1ce4e5b9ull + stream * 0x94d049bb133111ebull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static inline uint32_t inject_target_of(uint64_t seed, uint64_t n)
{
    return (uint32_t)(inject_draw(seed, n, 0) % INJECT_TARGETS);
}

static inline uint32_t inject_kind_of(uint64_t seed, uint64_t n)
{
    uint32_t kinds = inject_kinds_of[inject_target_of(seed, n)];
    uint32_t pick = (uint32_t)(inject_draw(seed, n, 1) % (uint32_t)__builtin_popcount(kinds));
    for (uint32_t kind = 0; kind < INJECT_KINDS; kind++) {
        if ((kinds & INJECT_BIT(kind)) != 0 && pick-- == 0) {
            return kind;
        }
    }
    return INJECT_NULL_READ; /* not reached: pick < the number of kinds */
}

/* The server has three points, a client and the monitor two; the crasher and the logger take injections as they
 * come. */
static inline uint32_t inject_point_of(uint64_t seed, uint64_t n)
{
    static const uint32_t points[INJECT_TARGETS] = {
        [INJECT_TARGET_CRASHER] = 1, [INJECT_TARGET_SERVER] = 3, [INJECT_TARGET_CLIENT] = 2,
        [INJECT_TARGET_LOGGER] = 1, [INJECT_TARGET_MONITOR] = 2,
    };
    return (uint32_t)(inject_draw(seed, n, 2) % points[inject_target_of(seed, n)]);
}
