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
#include "example_log.h"
#include "recovery_client.h"

/* Channels (see campaign.system). */
enum {
    SERVER_CHANNEL = 0,
    LOG_CHANNEL = 1,
    PEER_CHANNEL = 6,    /* client_b -> client_a: "my rounds are done" */
    MONITOR_CHANNEL = 9, /* client_a: "final check done" out; client_b: heartbeat requests in, "running" out */
    INJECT_CHANNEL = 10, /* client_b: "contained" out */
};

enum {
    SHARED_COUNTER = 2,   /* the counter both clients increment (each has its own: 0 for client_a, 1 for b) */
    GARBAGE_REQUESTS = 4, /* per request_garbage injection */
};

uintptr_t rpc_region, rpc_region_size;
uintptr_t log_ring, log_ring_size;
/* client_b only (client_a is not a target and maps none of them). */
uintptr_t heartbeat_region;
uintptr_t snapshot_region, snapshot_region_size;
uintptr_t checkpoint_region, checkpoint_region_size; /* its progress */

enum { STEP_OWN, STEP_APPEND, STEP_SHARED, STEPS };

typedef struct {
    uint64_t next_id;   /* The request being sent (in_flight) or the next one. */
    uint64_t rounds;    /* Rounds completed. */
    uint32_t step;      /* Within the round. */
    uint32_t in_flight; /* Non-zero: next_id may have reached the server; it is sent again after a restart. */
} progress_t;

static recovery_client_t server;
static campaign_target_t target; /* client_b */
static recovery_pair_t pair;
static progress_t progress = { .next_id = 1 };
static sel4ft_checkpoint_t progress_checkpoint;
static bool persistent;
static uint64_t incarnation;

static void beat(void)
{
    if (target.heartbeat != NULL) {
        sel4ft_heartbeat_beat(target.heartbeat);
    }
}

static void commit_progress(void)
{
    if (persistent) {
        int err = sel4ft_checkpoint_commit(&progress_checkpoint, &progress, sizeof(progress));
        if (err != 0) {
            server.errors++;
            LOG_ERROR("progress checkpoint: %s", sel4ft_strerror(err));
        }
    }
}

/* client_b: restore what the last incarnation committed. */
static void restore_progress(void)
{
    sel4ft_checkpoint_report_t report;
    persistent =
        sel4ft_checkpoint_init(&progress_checkpoint, (void *)checkpoint_region, checkpoint_region_size) == 0;
    if (!persistent) {
        LOG_ERROR("no progress region: a restart would start over");
        return;
    }
    progress_t loaded;
    int err = sel4ft_checkpoint_load(&progress_checkpoint, &loaded, sizeof(loaded), &report);
    if (err == -SEL4FT_EAGAIN) {
        return;
    }
    if (err != 0 || report.length != sizeof(loaded) || loaded.step >= STEPS || loaded.next_id == 0) {
        server.errors++;
        LOG_ERROR("progress checkpoint unusable (%s): starting over", sel4ft_strerror(err));
        return;
    }
    progress = loaded;
    LOG_INFO("restarted as incarnation %lu: resuming at round %lu, step %u, request %lu%s",
             (unsigned long)incarnation, (unsigned long)progress.rounds, progress.step,
             (unsigned long)progress.next_id, progress.in_flight ? " (sent again)" : "");
}

/* client_b's own kind: garbage in the request region, then a call: the server must refuse every one and apply
 * none. Every other one keeps a valid magic and version, with an opcode no operation has, so the checks behind
 * the header are reached too. */
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
        if (i % 2 == 1) {
            sel4ft_rpc_header_write((void *)rpc_region, (uint16_t)(0x100u | (random & 0xff00u)), 0,
                                    (uint32_t)(random >> 20) % 8192, random >> 8, 0);
        }
        enum recovery_garbage_answer answer = recovery_send_garbage(&server);
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

static void rounds(void)
{
    for (;;) {
        beat();
        if (progress.step == STEP_OWN && inject_over()) {
            return;
        }
        if (progress.step == STEP_APPEND && progress.rounds >= RECOVERY_LIST_MAX) {
            progress.step = STEP_SHARED; /* the list is full: appends stop, the rounds go on */
        }
        increment_request_t inc = { progress.step == STEP_SHARED ? SHARED_COUNTER : pair.own, 0, 1 };
        append_request_t append = { pair.own, (uint32_t)progress.rounds + 1 };
        uint16_t opcode = progress.step == STEP_APPEND ? OP_APPEND : OP_INCREMENT;
        const void *payload = progress.step == STEP_APPEND ? (const void *)&append : (const void *)&inc;
        uint32_t length = progress.step == STEP_APPEND ? sizeof(append) : sizeof(inc);

        if (!progress.in_flight) {
            progress.in_flight = 1;
            commit_progress();
        }
        injection(INJECT_POINT_BEFORE);
        value_reply_t reply = { -1 };
        if (recovery_call_id(&server, progress.next_id, opcode, payload, length, &reply, sizeof(reply)) !=
            SEL4FT_RPC_OK) {
            return;
        }
        injection(INJECT_POINT_MIDDLE);
        int64_t expected = (int64_t)progress.rounds + 1;
        if (progress.step != STEP_SHARED && reply.value != expected) {
            server.errors++;
            LOG_ERROR("round %lu: %s is %ld, not %ld: an update was %s", (unsigned long)progress.rounds + 1,
                      progress.step == STEP_OWN ? "own counter" : "own list's length", (long)reply.value,
                      (long)expected, reply.value < expected ? "lost" : "applied twice");
        }
        server.acknowledged++;
        progress.in_flight = 0;
        progress.next_id++;
        if (++progress.step == STEPS) {
            progress.step = STEP_OWN;
            progress.rounds++;
        }
    }
}

static void verify_own(void)
{
    static read_reply_t state;
    uint32_t in_order = 0;
    uint64_t items = progress.rounds < RECOVERY_LIST_MAX ? progress.rounds : RECOVERY_LIST_MAX;

    if (!recovery_read(&server, pair.own, &state)) {
        return;
    }
    for (uint32_t i = 0; i < state.list_length && i < RECOVERY_LIST_MAX; i++) {
        in_order += state.items[i] == i + 1;
    }
    bool ok = (uint64_t)state.counter == progress.rounds && state.list_length == items && in_order == items;
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
    if (recovery_read(&server, SHARED_COUNTER, &shared) && recovery_read(&server, 1, &other)) {
        bool ok = (uint64_t)shared.counter == progress.rounds + (uint64_t)other.counter;
        if (!ok) {
            server.errors++;
        }
        LOG_INFO("shared counter: %ld after %lu rounds of client_a and %ld of client_b: %s", (long)shared.counter,
                 (unsigned long)progress.rounds, (long)other.counter, ok ? "exact" : "MISMATCH");
    }
    recovery_call(&server, OP_STATS, NULL, 0, NULL, 0);
    recovery_client_summary(&server, "");
    microkit_notify(MONITOR_CHANNEL);
}

void init(void)
{
    /* client_b is restarted by the monitor: first of all, .data and .bss as at its first start. */
    incarnation = example_restart_begin(snapshot_region, snapshot_region_size, log_ring, log_ring_size, LOG_CHANNEL);
    recovery_pair_init(&pair, PEER_CHANNEL, finish_a);
    if (recovery_client_init(&server, rpc_region, rpc_region_size, SERVER_CHANNEL) != 0) {
        LOG_ERROR("cannot set up the request region");
        return;
    }
    if (!pair.is_a) {
        target = (campaign_target_t){ .target = INJECT_TARGET_CLIENT, .channel = INJECT_CHANNEL, .log = &example_log,
                                      .heartbeat = (sel4ft_heartbeat_t *)heartbeat_region };
        restore_progress();
        /* Serving (again): heartbeats are checked from now on. */
        microkit_notify(MONITOR_CHANNEL);
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
    case PEER_CHANNEL:
        recovery_pair_peer_done(&pair);
        break;
    case MONITOR_CHANNEL:
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
