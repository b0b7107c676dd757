/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* client_a and client_b (one source; the PD's name tells them apart) keep sending
 * non-idempotent updates while the server crashes under them. Each checks every
 * answer against what it has had acknowledged so far, so a lost update or one
 * applied twice is caught at once; at the end they read everything back. What
 * else happens (the crashes client_a arms, client_b turning hostile first) is the
 * scenario's (scenario.h). */

#include <microkit.h>

#include <sel4ft/sel4ft.h>

#include "example_log.h"
#include "recovery_client.h"
#include "recovery_config.h"
#include "scenario.h"

enum {
    ROUNDS = 60,
    SHARED_COUNTER = 2,     /* the counter both clients increment (each has its own: 0 for client_a, 1 for b) */
    GARBAGE_REQUESTS = 300, /* client_b's, when it turns hostile */
};

uintptr_t rpc_region, rpc_region_size;
uintptr_t log_ring, log_ring_size;

static recovery_client_t server;
static recovery_pair_t pair;

static int64_t update(uint16_t opcode, const void *payload, uint32_t length)
{
    value_reply_t reply = { -1 };
    if (recovery_call(&server, opcode, payload, length, &reply, sizeof(reply)) != SEL4FT_RPC_OK) {
        return -1;
    }
    server.acknowledged++;
    return reply.value;
}

/* client_a: the crash the scenario arms just before this round, if any. */
static uint32_t crash_before(int round)
{
    for (uint32_t i = 0; i < sizeof(scenario.crashes) / sizeof(scenario.crashes[0]); i++) {
        if (scenario.crashes[i].round == (uint32_t)round) {
            return scenario.crashes[i].point;
        }
    }
    return CRASH_NONE;
}

static void rounds(void)
{
    for (int round = 1; round <= ROUNDS; round++) {
        uint32_t point = pair.is_a ? crash_before(round) : CRASH_NONE;
        if (point != CRASH_NONE) {
            inject_request_t request = { point, 0 };
            recovery_call(&server, OP_INJECT, &request, sizeof(request), NULL, 0);
        }
        increment_request_t inc = { pair.own, 0, 1 };
        int64_t value = update(OP_INCREMENT, &inc, sizeof(inc));
        if (value != round) {
            server.errors++;
            LOG_ERROR("round %d: own counter is %ld: an update was %s", round, (long)value,
                      value < round ? "lost" : "applied twice");
        }
        append_request_t append = { pair.own, (uint32_t)round };
        int64_t length = update(OP_APPEND, &append, sizeof(append));
        if (length != round) {
            server.errors++;
            LOG_ERROR("round %d: own list has %ld items: an append was %s", round, (long)length,
                      length < round ? "lost" : "applied twice");
        }
        inc.index = SHARED_COUNTER;
        update(OP_INCREMENT, &inc, sizeof(inc));
    }
}

static void verify_own(void)
{
    static read_reply_t state;
    uint32_t in_order = 0;

    if (!recovery_read(&server, pair.own, &state)) {
        return;
    }
    for (uint32_t i = 0; i < state.list_length && i < RECOVERY_LIST_MAX; i++) {
        in_order += state.items[i] == i + 1;
    }
    bool ok = state.counter == ROUNDS && state.list_length == ROUNDS && in_order == ROUNDS;
    if (!ok) {
        server.errors++;
    }
    LOG_INFO("read back: counter %ld, list of %u items, %u of them 1..%d in order: %s", (long)state.counter,
             state.list_length, in_order, ROUNDS, ok ? "nothing lost, nothing applied twice" : "MISMATCH");
}

/* client_a, once both clients are done: the shared counter must be exact. */
static void finish_a(void)
{
    static read_reply_t shared;
    if (recovery_read(&server, SHARED_COUNTER, &shared)) {
        bool ok = shared.counter == 2 * ROUNDS;
        if (!ok) {
            server.errors++;
        }
        LOG_INFO("shared counter: %ld after %d increments from each client: %s", (long)shared.counter, ROUNDS,
                 ok ? "exact" : "MISMATCH");
    }
    recovery_call(&server, OP_STATS, NULL, 0, NULL, 0);
    recovery_client_summary(&server, "");
    microkit_notify(CLIENT_A_CH_MONITOR);
}

/* client_b turns hostile: garbage in its request region, then garbage in its log ring's indices and records.
 * The server and the logger must refuse or repair all of it, and client_a must not notice. */
static void hostile(void)
{
    /* A fixed seed: every boot sends the same garbage. */
    uint64_t random = 0x5eed5eed5eedull;
    uint64_t *words = (uint64_t *)rpc_region;
    uint32_t rejected = 0, refused = 0, answered_ok = 0;

    for (int i = 0; i < GARBAGE_REQUESTS; i++) {
        for (uint32_t w = 0; w < 64; w++) {
            words[w] = recovery_garbage_next(&random);
        }
        /* Every third request has a valid kind, register count and epoch, and a length from 0 to 8191, so the
         * checks behind them are reached too. */
        uint64_t label = recovery_garbage_next(&random);
        if (i % 3 == 0) {
            label = (label & ~(uint64_t)SEL4FT_RPC_LABEL_LENGTH_MASK) | (recovery_garbage_next(&random) % 8192);
        }
        uint64_t mr0 = recovery_garbage_next(&random);
        uint64_t mr1 = recovery_garbage_next(&random);
        switch (recovery_send_garbage(&server, label, mr0, mr1, (uint32_t)recovery_garbage_next(&random), i % 3 == 0)) {
        case GARBAGE_REJECTED:
            rejected++;
            break;
        case GARBAGE_REFUSED:
            refused++;
            break;
        case GARBAGE_ACCEPTED:
            answered_ok++;
            break;
        case GARBAGE_NO_ANSWER:
            break;
        }
    }
    LOG_INFO("hostile: %d garbage requests: %u rejected as malformed, %u refused, %u accepted", GARBAGE_REQUESTS,
             rejected, refused, answered_ok);

    /* Scribble on the ring: a record with an impossible length and level, then an impossible head. */
    example_log_scribble(0xffff, 99, 99999);
    LOG_INFO("hostile: wrote a malformed record and an impossible ring head; logging again");
}

void init(void)
{
    example_log_init(log_ring, log_ring_size, CLIENT_IMAGE_CH_LOGGER);
    recovery_pair_init(&pair, CLIENT_B_CH_CLIENT_A, finish_a);
    sel4ft_call_config_t config = { .region = { (void *)rpc_region, rpc_region_size },
                                    .channel = CLIENT_IMAGE_CH_SERVER };
    if (recovery_client_init(&server, &config) != 0) {
        LOG_ERROR("cannot set up the request region");
        return;
    }
    if (!scenario.client_rounds) {
        return;
    }
    LOG_INFO("starting %d rounds of increment, append, shared increment", ROUNDS);
    if (scenario.client_b_hostile && !pair.is_a) {
        hostile();
    }
    rounds();
    verify_own();
    recovery_pair_rounds_done(&pair, &server, "");
}

void notified(microkit_channel ch)
{
    switch (ch) {
    case CLIENT_A_CH_CLIENT_B:
        recovery_pair_peer_done(&pair);
        break;
    case CLIENT_A_CH_MONITOR:
        /* client_a depends on the crasher: the monitor tells it about every failure. */
        LOG_INFO("the monitor reports that a PD I depend on failed");
        break;
    default:
        LOG_WARN("unexpected notification on channel %u", ch);
        break;
    }
}
