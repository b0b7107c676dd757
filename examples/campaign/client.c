/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The campaign's workload, client_a and client_b (one source; the PD's name tells them apart): rounds of (own
 * increment, append while the list has room, shared increment) until the monitor says the campaign is over, then
 * everything read back. client_a is not a target: its count is the campaign's witness. client_b is one, so it
 * is restarted at any point: its progress is committed to a checkpoint before every request, and a restarted
 * client_b sends the request it was on again under the same id (the server applies it, or answers it from its
 * record if it already had). */

#include <microkit.h>

#include <sel4ft/faultmon.h>
#include <sel4ft/sel4ft.h>

#include "campaign.h"
#include "campaign_config.h"
#include "example_log.h"
#include "recovery_client.h"
#include "workload.h"

enum {
    GARBAGE_REQUESTS = 4, /* per request_garbage injection */
};

uintptr_t rpc_region, rpc_region_size;
uintptr_t log_ring, log_ring_size;
/* client_b only (client_a is not a target and maps none of them). */
uintptr_t heartbeat_region;
uintptr_t snapshot_region, snapshot_region_size;
uintptr_t checkpoint_region, checkpoint_region_size; /* its progress */

static recovery_client_t server;
static campaign_target_t target; /* client_b */
static recovery_pair_t pair;
static workload_t workload;
/* client_b's place in its rounds, committed with the request id before every request (sel4ft/call.h). */
static workload_progress_t progress;
static uint64_t incarnation;

static void beat(void)
{
    if (target.heartbeat != NULL) {
        sel4ft_heartbeat_beat(target.heartbeat);
    }
}

/* client_b's own kind: garbage in the request region and in the label and registers of a call: the server must
 * refuse every one and apply none. Every other one has a valid kind, register count and epoch, with an opcode no
 * operation has, so the checks behind them are reached too. */
static void request_garbage(const inject_command_t *command, uint32_t point)
{
    unsigned long number = (unsigned long)command->number;
    uint64_t random = command->arg | ((uint64_t)command->number << 32);
    uint32_t rejected = 0, refused = 0, accepted = 0;
    LOG_INFO("INJECT %lu client_b request_garbage at %s", number, point == INJECT_POINT_BEFORE ? "before" : "middle");
    for (int i = 0; i < GARBAGE_REQUESTS; i++) {
        uint64_t *words = (uint64_t *)rpc_region;
        for (uint32_t w = 0; w < 64; w++) {
            words[w] = recovery_garbage_next(&random);
        }
        uint64_t label = random;
        if (i % 2 == 1) {
            label = ((uint64_t)(0x100u | (random & 0xff00u)) << SEL4FT_RPC_LABEL_OPCODE_SHIFT) |
                    ((random >> 20) % 8192);
        }
        enum recovery_garbage_answer answer =
            recovery_send_garbage(&server, label, random >> 8, random >> 3, (uint32_t)(random >> 40), i % 2 == 1);
        rejected += answer == GARBAGE_REJECTED;
        refused += answer == GARBAGE_REFUSED;
        accepted += answer == GARBAGE_ACCEPTED || answer == GARBAGE_NO_ANSWER;
    }
    if (accepted != 0) {
        server.errors++;
    }
    LOG_INFO("INJECT %lu request_garbage: %d garbage requests: %u rejected as malformed, %u refused, %u accepted",
             number, GARBAGE_REQUESTS, rejected, refused, accepted);
}

/* client_b: the monitor's injection for this point, if there is one. */
static void injection(uint32_t point)
{
    inject_command_t command;
    if (pair.is_a || !inject_take(&target, point, &command)) {
        return;
    }
    if (command.kind == INJECT_REQUEST_GARBAGE) {
        request_garbage(&command, point);
    } else {
        inject_perform(&target, &command);
    }
    inject_contained(&target);
}

static uint32_t workload_call(void *context, uint16_t opcode, const void *payload, uint32_t length, int64_t *value)
{
    (void)context;
    value_reply_t reply = { -1 };
    uint32_t status = recovery_call(&server, opcode, payload, length, &reply, sizeof(reply));
    *value = reply.value;
    return status;
}

static bool workload_resumed(void *context)
{
    (void)context;
    return sel4ft_call_resumed(&server.call);
}

static bool workload_over(void *context)
{
    (void)context;
    return inject_over();
}

static void workload_at(void *context, uint32_t point)
{
    (void)context;
    injection(point);
}

static void workload_beat(void *context)
{
    (void)context;
    beat();
}

static void rounds(void)
{
    const workload_ops_t ops = { .call = workload_call, .resumed = workload_resumed, .over = workload_over,
                                 .at = workload_at, .beat = workload_beat };
    workload.own = pair.own;
    workload_rounds(&workload, &progress, &ops);
    server.errors += workload.errors;
    server.acknowledged += workload.acknowledged;
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
    bool ok = workload_read_back_ok(&progress, state.counter, state.list_length, in_order);
    if (!ok) {
        server.errors++;
    }
    LOG_INFO("read back after %lu rounds: counter %ld, list of %u items, %u of them in order: %s",
             (unsigned long)progress.rounds, (long)state.counter, state.list_length, in_order,
             ok ? "nothing lost, nothing applied twice" : "MISMATCH");
}

/* client_a, once both clients are done: the shared counter must be both clients' rounds (client_b's own
 * counter, which client_b checked against its own rounds). */
static void finish_a(void)
{
    static read_reply_t shared, other;
    if (recovery_read(&server, WORKLOAD_SHARED_COUNTER, &shared) && recovery_read(&server, 1, &other)) {
        bool ok = (uint64_t)shared.counter == progress.rounds + (uint64_t)other.counter;
        if (!ok) {
            server.errors++;
        }
        LOG_INFO("shared counter: %ld after %lu rounds of client_a and %ld of client_b: %s", (long)shared.counter,
                 (unsigned long)progress.rounds, (long)other.counter, ok ? "exact" : "MISMATCH");
    }
    recovery_call(&server, OP_STATS, NULL, 0, NULL, 0);
    recovery_client_summary(&server, "");
    microkit_notify(CLIENT_A_CH_MONITOR);
}

void init(void)
{
    /* client_b is restarted by the monitor: first of all, .data and .bss as at its first start. */
    incarnation = example_restart_begin(snapshot_region, snapshot_region_size, log_ring, log_ring_size,
                                        CLIENT_IMAGE_CH_LOGGER);
    recovery_pair_init(&pair, CLIENT_B_CH_CLIENT_A, finish_a);
    sel4ft_call_config_t config = { .region = { (void *)rpc_region, rpc_region_size },
                                    .channel = CLIENT_IMAGE_CH_SERVER };
    if (!pair.is_a) {
        config.progress = (sel4ft_region_t){ (void *)checkpoint_region, checkpoint_region_size };
        config.user_progress = &progress;
        config.user_progress_size = sizeof(progress);
    }
    if (recovery_client_init(&server, &config) != 0) {
        LOG_ERROR("cannot set up the request region or the progress region");
        return;
    }
    if (!pair.is_a) {
        target = (campaign_target_t){ .target = INJECT_TARGET_CLIENT, .channel = CLIENT_B_CH_MONITOR_INJECT,
                                      .logs = true, .heartbeat = (sel4ft_heartbeat_t *)heartbeat_region };
        if (progress.step >= WORKLOAD_STEPS) {
            server.errors++;
            LOG_ERROR("progress checkpoint unusable (step %u): starting over", progress.step);
            progress = (workload_progress_t){ 0 };
        }
        if (incarnation > 1) {
            LOG_INFO("restarted as incarnation %lu: resuming at round %lu, step %u, request %lu%s",
                     (unsigned long)incarnation, (unsigned long)progress.rounds, progress.step,
                     (unsigned long)server.call.rpc.next_request_id,
                     sel4ft_call_resumed(&server.call) ? " (sent again)" : "");
        }
        /* Serving (again): heartbeats are checked from now on. */
        microkit_notify(CLIENT_B_CH_MONITOR);
    }
    if (incarnation == 1) {
        LOG_INFO("starting rounds of increment, append, shared increment until the campaign is over");
    }
    rounds();
    verify_own();
    recovery_pair_rounds_done(&pair, &server, " in this incarnation");
}

void notified(microkit_channel ch)
{
    switch (ch) {
    case CLIENT_A_CH_CLIENT_B:
        recovery_pair_peer_done(&pair);
        break;
    case CLIENT_IMAGE_CH_MONITOR:
        if (!pair.is_a) {
            beat(); /* a heartbeat request, once the rounds are over */
            break;
        }
        LOG_WARN("unexpected notification on channel %u", ch);
        break;
    default:
        LOG_WARN("unexpected notification on channel %u", ch);
        break;
    }
}
