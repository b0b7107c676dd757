/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* client_a and client_b (one source; the PD's name tells them apart) keep sending
 * non-idempotent updates while the server crashes under them. Each checks every
 * answer against what it has had acknowledged so far, so a lost update or one
 * applied twice is caught at once; at the end they read everything back. */

#include <microkit.h>

#include <sel4ft/sel4ft.h>

#include "campaign.h"
#include "example_log.h"
#include "recovery_protocol.h"
#include "scenario.h"

#define SERVER_CHANNEL 0
#define LOG_CHANNEL 1
#define PEER_CHANNEL 6 /* client_b -> client_a: "my rounds are done" */
#define ROUNDS 60
#define SHARED_COUNTER 2u
#define MAX_ATTEMPTS 8

uintptr_t rpc_region, rpc_region_size;
uintptr_t log_ring, log_ring_size;
/* SCENARIO=inject (inject.system) only; client_b has them all, client_a only the campaign page. */
uintptr_t heartbeat_region;
uintptr_t snapshot_region, snapshot_region_size;
uintptr_t checkpoint_region, checkpoint_region_size;

static sel4ft_rpc_client_t rpc;
static bool is_a;
static uint32_t own; /* this client's counter and list */
static uint64_t acknowledged, retries, errors;
static bool rounds_done, peer_done;

/* Send a request under id @p id until it is answered; a server restart is retried with the same id. */
static uint32_t call_id(uint64_t id, uint16_t opcode, const void *payload, uint32_t length, void *reply,
                        size_t reply_capacity)
{
    sel4ft_rpc_reply_t answer;

    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        /* Write the payload again on every attempt: the crashed server may have scribbled on the region. */
        __builtin_memcpy(sel4ft_rpc_client_payload(&rpc), payload, length);
        int err = sel4ft_rpc_call_id(&rpc, id, opcode, length, reply, reply_capacity, &answer);
        if (err == -SEL4FT_ESTALE) {
            retries++;
            LOG_INFO("request %lu: %s (server epoch now %lu): retrying under the same id", (unsigned long)id,
                     sel4ft_rpc_status_str(answer.status), (unsigned long)answer.epoch);
            continue;
        }
        if (err != 0) {
            errors++;
            LOG_ERROR("request %lu: %s", (unsigned long)id, sel4ft_strerror(err));
            return SEL4FT_RPC_INTERNAL_ERROR;
        }
        if (answer.status != SEL4FT_RPC_OK) {
            errors++;
            LOG_ERROR("request %lu (op %u): %s", (unsigned long)id, opcode, sel4ft_rpc_status_str(answer.status));
        }
        return answer.status;
    }
    errors++;
    LOG_ERROR("request %lu: no answer after %d attempts", (unsigned long)id, MAX_ATTEMPTS);
    return SEL4FT_RPC_INTERNAL_ERROR;
}

/* The same, under the next request id. */
static uint32_t call(uint16_t opcode, const void *payload, uint32_t length, void *reply, size_t reply_capacity)
{
    return call_id(rpc.next_request_id++, opcode, payload, length, reply, reply_capacity);
}

/* How the server answered a garbage request (a forged label and registers, garbage in the request region). */
enum garbage_answer { GARBAGE_REJECTED, GARBAGE_REFUSED, GARBAGE_ACCEPTED, GARBAGE_NO_ANSWER };

/* A PPC with these header words, bypassing the library: a label of 52 bits (what a message tag holds), 0-3
 * registers. With @p valid_kind the label is this protocol version's request kind, the count right and the epoch
 * 0, so the checks behind them (length, then the service's own) are reached too. */
__attribute__((unused)) static enum garbage_answer send_garbage(uint64_t label, uint64_t mr0, uint64_t mr1,
                                                               uint32_t count, bool valid_kind)
{
    label &= (1ull << 52) - 1;
    count %= 4;
    if (valid_kind) {
        label = ((uint64_t)SEL4FT_RPC_KIND_REQUEST << SEL4FT_RPC_LABEL_KIND_SHIFT) |
                (label & ((1ull << SEL4FT_RPC_LABEL_KIND_SHIFT) - 1));
        count = SEL4FT_RPC_MRS;
        mr1 = 0;
    }
    microkit_mr_set(0, mr0);
    microkit_mr_set(1, mr1);
    microkit_msginfo answer = microkit_ppcall(SERVER_CHANNEL, microkit_msginfo_new(label, (seL4_Uint16)count));
    if (microkit_msginfo_get_label(answer) == SEL4FT_RPC_LABEL_REJECT) {
        return GARBAGE_REJECTED;
    }
    if (microkit_msginfo_get_label(answer) >> SEL4FT_RPC_LABEL_KIND_SHIFT != SEL4FT_RPC_KIND_REPLY) {
        return GARBAGE_NO_ANSWER;
    }
    /* The status is in the low half of the reply's second register. */
    return (uint32_t)microkit_mr_get(1) != SEL4FT_RPC_OK ? GARBAGE_REFUSED : GARBAGE_ACCEPTED;
}

static int64_t update(uint16_t opcode, const void *payload, uint32_t length)
{
    value_reply_t reply = { -1 };
    if (call(opcode, payload, length, &reply, sizeof(reply)) != SEL4FT_RPC_OK) {
        return -1;
    }
    acknowledged++;
    return reply.value;
}

static void inject(uint32_t point)
{
    inject_request_t request = { point, 0 };
    call(OP_INJECT, &request, sizeof(request), NULL, 0);
}

static uint32_t injection_for_round(int round)
{
#if SCENARIO == SCENARIO_SERVER_CRASH
    if (round == 15) {
        return CRASH_AFTER_APPLY;
    }
    if (round == 35) {
        return CRASH_AFTER_COMMIT;
    }
#elif SCENARIO == SCENARIO_CHECKPOINT
    if (round == 25) {
        return CRASH_CORRUPT_COMMIT;
    }
#endif
    (void)round;
    return CRASH_NONE;
}

/* Used only by the scenarios that crash the server. */
__attribute__((unused)) static void rounds(void)
{
    for (int round = 1; round <= ROUNDS; round++) {
        uint32_t point = is_a ? injection_for_round(round) : CRASH_NONE;
        if (point != CRASH_NONE) {
            inject(point);
        }
        increment_request_t inc = { own, 0, 1 };
        int64_t value = update(OP_INCREMENT, &inc, sizeof(inc));
        if (value != round) {
            errors++;
            LOG_ERROR("round %d: own counter is %ld: an update was %s", round, (long)value,
                      value < round ? "lost" : "applied twice");
        }
        append_request_t append = { own, (uint32_t)round };
        int64_t length = update(OP_APPEND, &append, sizeof(append));
        if (length != round) {
            errors++;
            LOG_ERROR("round %d: own list has %ld items: an append was %s", round, (long)length,
                      length < round ? "lost" : "applied twice");
        }
        inc.index = SHARED_COUNTER;
        update(OP_INCREMENT, &inc, sizeof(inc));
    }
}

static bool read_back(uint32_t index, read_reply_t *reply)
{
    index_request_t request = { index, 0 };
    return call(OP_READ, &request, sizeof(request), reply, sizeof(*reply)) == SEL4FT_RPC_OK;
}

__attribute__((unused)) static void verify_own(void)
{
    static read_reply_t state;
    uint32_t in_order = 0;

    if (!read_back(own, &state)) {
        return;
    }
    for (uint32_t i = 0; i < state.list_length && i < RECOVERY_LIST_MAX; i++) {
        in_order += state.items[i] == i + 1;
    }
    bool ok = state.counter == ROUNDS && state.list_length == ROUNDS && in_order == ROUNDS;
    if (!ok) {
        errors++;
    }
    LOG_INFO("read back: counter %ld, list of %u items, %u of them 1..%d in order: %s", (long)state.counter,
             state.list_length, in_order, ROUNDS, ok ? "nothing lost, nothing applied twice" : "MISMATCH");
}

__attribute__((unused)) static void finish_a(void)
{
    static read_reply_t shared;
    if (read_back(SHARED_COUNTER, &shared)) {
        bool ok = shared.counter == 2 * ROUNDS;
        if (!ok) {
            errors++;
        }
        LOG_INFO("shared counter: %ld after %d increments from each client: %s", (long)shared.counter, ROUNDS,
                 ok ? "exact" : "MISMATCH");
    }
    call(OP_STATS, NULL, 0, NULL, 0);
    LOG_INFO("summary: %lu updates acknowledged, %lu retries after a server restart, %lu errors",
             (unsigned long)acknowledged, (unsigned long)retries, (unsigned long)errors);
    microkit_notify(MONITOR_UP_CHANNEL);
}

#if SCENARIO == SCENARIO_HOSTILE
#define GARBAGE_REQUESTS 300

static uint64_t random_state = 0x5eed5eed5eedull;

static uint64_t next_random(void)
{
    /* xorshift64: a fixed seed, so every boot sends the same garbage. */
    random_state ^= random_state << 13;
    random_state ^= random_state >> 7;
    random_state ^= random_state << 17;
    return random_state;
}

/* client_b turns hostile: garbage in its request region, then garbage in its log ring's indices and records.
 * The server and the logger must refuse or repair all of it, and client_a must not notice. */
static void hostile(void)
{
    uint64_t *words = (uint64_t *)rpc_region;
    uint32_t rejected = 0, refused = 0, answered_ok = 0;

    for (int i = 0; i < GARBAGE_REQUESTS; i++) {
        for (uint32_t w = 0; w < 64; w++) {
            words[w] = next_random();
        }
        /* Every third request has a valid kind, register count and epoch, and a length from 0 to 8191, so the checks
         * behind them are reached too. */
        uint64_t label = next_random();
        if (i % 3 == 0) {
            label = (label & ~(uint64_t)SEL4FT_RPC_LABEL_LENGTH_MASK) | (next_random() % 8192);
        }
        uint64_t mr0 = next_random();
        uint64_t mr1 = next_random();
        switch (send_garbage(label, mr0, mr1, (uint32_t)next_random(), i % 3 == 0)) {
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
    logring_scribble(&example_log, log_ring, log_ring_size, 0xffff, 99, 99999);
    LOG_INFO("hostile: wrote a malformed record and an impossible ring head; logging again");
}
#endif

#if SCENARIO == SCENARIO_INJECT
/* The campaign's workload: rounds of (own increment, append while the list has room, shared increment) until
 * the monitor says the campaign is over. client_b is an injection target, so it is restarted at any point: its
 * progress is committed to a checkpoint before every request, and a restarted client_b sends the request it
 * was on again under the same id (the server applies it, or answers it from its record if it already had). */

enum { STEP_OWN, STEP_APPEND, STEP_SHARED, STEPS };

typedef struct {
    uint64_t next_id;   /* The request being sent (in_flight) or the next one. */
    uint64_t rounds;    /* Rounds completed. */
    uint32_t step;      /* Within the round. */
    uint32_t in_flight; /* Non-zero: next_id may have reached the server; it is sent again after a restart. */
} progress_t;

static progress_t progress = { .next_id = 1 };
static sel4ft_checkpoint_t progress_checkpoint;
static bool persistent;
static uint64_t incarnation = 1;

static void beat(void)
{
    if (heartbeat_region != 0) {
        sel4ft_heartbeat_beat((sel4ft_heartbeat_t *)heartbeat_region);
    }
}

/* A client busy flooding its log is working, not hung. */
void inject_progress(void)
{
    beat();
}

static void commit_progress(void)
{
    if (persistent) {
        int err = sel4ft_checkpoint_commit(&progress_checkpoint, &progress, sizeof(progress));
        if (err != 0) {
            errors++;
            LOG_ERROR("progress checkpoint: %s", sel4ft_strerror(err));
        }
    }
}

/* client_b: restore what the last incarnation committed. */
static void restore_progress(void)
{
    sel4ft_checkpoint_report_t report;
    persistent = sel4ft_checkpoint_init(&progress_checkpoint, (void *)checkpoint_region, checkpoint_region_size) == 0;
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
        errors++;
        LOG_ERROR("progress checkpoint unusable (%s): starting over", sel4ft_strerror(err));
        return;
    }
    progress = loaded;
    LOG_INFO("restarted as incarnation %lu: resuming at round %lu, step %u, request %lu%s",
             (unsigned long)incarnation, (unsigned long)progress.rounds, progress.step,
             (unsigned long)progress.next_id, progress.in_flight ? " (sent again)" : "");
}

/* client_b: the monitor's injection for this point, if there is one. */
static void campaign_point(uint32_t point)
{
    inject_command_t command;
    if (is_a || !inject_take(campaign_page, INJECT_TARGET_CLIENT, point, &command)) {
        return;
    }
    if (command.kind != INJECT_REQUEST_GARBAGE) {
        inject_perform(&command, INJECT_TARGET_CLIENT, &example_log, log_ring, log_ring_size);
        inject_contained();
        return;
    }
    /* Garbage in the request region and in the label and registers of a call: the server must refuse every one
     * and apply none. Every other one has a valid kind, register count and epoch, with an opcode no operation has,
     * so the checks behind them are reached too. */
    uint64_t random = command.arg | ((uint64_t)command.number << 32);
    uint32_t rejected = 0, refused = 0, accepted = 0;
    LOG_INFO("INJECT %lu client_b request_garbage at %s", (unsigned long)command.number,
             point == INJECT_POINT_BEFORE ? "before" : "middle");
    for (int i = 0; i < 4; i++) {
        uint64_t *words = (uint64_t *)rpc_region;
        for (uint32_t w = 0; w < 64; w++) {
            random ^= random << 13;
            random ^= random >> 7;
            random ^= random << 17;
            words[w] = random;
        }
        uint64_t label = random;
        if (i % 2 == 1) {
            label = ((uint64_t)(0x100u | (random & 0xff00u)) << SEL4FT_RPC_LABEL_OPCODE_SHIFT) |
                    ((random >> 20) % 8192);
        }
        enum garbage_answer answer = send_garbage(label, random >> 8, random >> 3, (uint32_t)(random >> 40), i % 2 == 1);
        rejected += answer == GARBAGE_REJECTED;
        refused += answer == GARBAGE_REFUSED;
        accepted += answer == GARBAGE_ACCEPTED || answer == GARBAGE_NO_ANSWER;
    }
    if (accepted != 0) {
        errors++;
    }
    LOG_INFO("INJECT %lu request_garbage: 4 garbage requests: %u rejected as malformed, %u refused, %u accepted",
             (unsigned long)command.number, rejected, refused, accepted);
    inject_contained();
}

static void campaign_rounds(void)
{
    for (;;) {
        beat();
        if (progress.step == STEP_OWN && inject_over(campaign_page)) {
            return;
        }
        if (progress.step == STEP_APPEND && progress.rounds >= RECOVERY_LIST_MAX) {
            progress.step = STEP_SHARED; /* the list is full: appends stop, the rounds go on */
        }
        increment_request_t inc = { progress.step == STEP_SHARED ? SHARED_COUNTER : own, 0, 1 };
        append_request_t append = { own, (uint32_t)progress.rounds + 1 };
        uint16_t opcode = progress.step == STEP_APPEND ? OP_APPEND : OP_INCREMENT;
        const void *payload = progress.step == STEP_APPEND ? (const void *)&append : (const void *)&inc;
        uint32_t length = progress.step == STEP_APPEND ? sizeof(append) : sizeof(inc);

        if (!progress.in_flight) {
            progress.in_flight = 1;
            commit_progress();
        }
        campaign_point(INJECT_POINT_BEFORE);
        value_reply_t reply = { -1 };
        if (call_id(progress.next_id, opcode, payload, length, &reply, sizeof(reply)) != SEL4FT_RPC_OK) {
            return;
        }
        campaign_point(INJECT_POINT_MIDDLE);
        int64_t expected = (int64_t)progress.rounds + 1;
        if (progress.step != STEP_SHARED && reply.value != expected) {
            errors++;
            LOG_ERROR("round %lu: %s is %ld, not %ld: an update was %s", (unsigned long)progress.rounds + 1,
                      progress.step == STEP_OWN ? "own counter" : "own list's length", (long)reply.value,
                      (long)expected, reply.value < expected ? "lost" : "applied twice");
        }
        acknowledged++;
        progress.in_flight = 0;
        progress.next_id++;
        if (++progress.step == STEPS) {
            progress.step = STEP_OWN;
            progress.rounds++;
        }
    }
}

static void campaign_verify(void)
{
    static read_reply_t state;
    uint32_t in_order = 0;
    uint64_t items = progress.rounds < RECOVERY_LIST_MAX ? progress.rounds : RECOVERY_LIST_MAX;

    if (!read_back(own, &state)) {
        return;
    }
    for (uint32_t i = 0; i < state.list_length && i < RECOVERY_LIST_MAX; i++) {
        in_order += state.items[i] == i + 1;
    }
    bool ok = (uint64_t)state.counter == progress.rounds && state.list_length == items && in_order == items;
    if (!ok) {
        errors++;
    }
    LOG_INFO("read back after %lu rounds: counter %ld, list of %u items, %u of them in order: %s",
             (unsigned long)progress.rounds, (long)state.counter, state.list_length, in_order,
             ok ? "nothing lost, nothing applied twice" : "MISMATCH");
}

/* client_a, once both clients are done: the shared counter must be both clients' rounds (client_b's own
 * counter, which client_b checked against its own rounds). */
static void campaign_finish_a(void)
{
    static read_reply_t shared, other;
    if (read_back(SHARED_COUNTER, &shared) && read_back(1, &other)) {
        bool ok = (uint64_t)shared.counter == progress.rounds + (uint64_t)other.counter;
        if (!ok) {
            errors++;
        }
        LOG_INFO("shared counter: %ld after %lu rounds of client_a and %ld of client_b: %s", (long)shared.counter,
                 (unsigned long)progress.rounds, (long)other.counter, ok ? "exact" : "MISMATCH");
    }
    call(OP_STATS, NULL, 0, NULL, 0);
    LOG_INFO("summary: %lu updates acknowledged, %lu retries after a server restart, %lu errors",
             (unsigned long)acknowledged, (unsigned long)retries, (unsigned long)errors);
    microkit_notify(MONITOR_UP_CHANNEL);
}

static void campaign_client(void)
{
    if (!is_a) {
        restore_progress();
        /* Serving (again): heartbeats are checked from now on. */
        microkit_notify(MONITOR_UP_CHANNEL);
    }
    if (incarnation == 1) {
        LOG_INFO("starting rounds of increment, append, shared increment until the campaign is over");
    }
    campaign_rounds();
    campaign_verify();
    rounds_done = true;
    if (!is_a) {
        LOG_INFO("summary: %lu updates acknowledged in this incarnation, %lu retries after a server restart, "
                 "%lu errors", (unsigned long)acknowledged, (unsigned long)retries, (unsigned long)errors);
        microkit_notify(PEER_CHANNEL);
    } else if (peer_done) {
        campaign_finish_a();
    }
}
#endif

void init(void)
{
#if SCENARIO == SCENARIO_INJECT
    /* client_b is restarted by the monitor: first of all, .data and .bss as at its first start. */
    int restart_err = 0;
    if (snapshot_region != 0) {
        restart_err = sel4ft_restart_begin((void *)snapshot_region, snapshot_region_size, &incarnation);
    }
#endif
    example_log_init(log_ring, log_ring_size, LOG_CHANNEL);
#if SCENARIO == SCENARIO_INJECT
    if (restart_err != 0) {
        LOG_ERROR("cannot restore a clean image: %s; stopping", sel4ft_strerror(restart_err));
        __builtin_trap();
    }
#endif
    is_a = sel4ft_os_name()[7] == 'a';
    own = is_a ? 0 : 1;
    if (sel4ft_rpc_client_init(&rpc, (void *)rpc_region, rpc_region_size, SERVER_CHANNEL, 1) != 0) {
        LOG_ERROR("cannot set up the request region");
        return;
    }
#if SCENARIO == SCENARIO_INJECT
    campaign_client();
#elif SCENARIO == SCENARIO_SERVER_CRASH || SCENARIO == SCENARIO_CHECKPOINT || SCENARIO == SCENARIO_HOSTILE
    LOG_INFO("starting %d rounds of increment, append, shared increment", ROUNDS);
#if SCENARIO == SCENARIO_HOSTILE
    if (!is_a) {
        hostile();
    }
#endif
    rounds();
    verify_own();
    rounds_done = true;
    if (!is_a) {
        LOG_INFO("summary: %lu updates acknowledged, %lu retries after a server restart, %lu errors",
                 (unsigned long)acknowledged, (unsigned long)retries, (unsigned long)errors);
        microkit_notify(PEER_CHANNEL);
    } else if (peer_done) {
        finish_a();
    }
#endif
}

void notified(microkit_channel ch)
{
    switch (ch) {
    case PEER_CHANNEL:
        peer_done = true;
        if (rounds_done) {
#if SCENARIO == SCENARIO_INJECT
            campaign_finish_a();
#else
            finish_a();
#endif
        }
        break;
    case MONITOR_UP_CHANNEL:
#if SCENARIO == SCENARIO_INJECT
        if (!is_a) {
            beat(); /* a heartbeat request, once the rounds are over */
            break;
        }
#endif
        /* client_a depends on the crasher: the monitor tells it about every failure. */
        LOG_INFO("the monitor reports that a PD I depend on failed");
        break;
    default:
        LOG_WARN("unexpected notification on channel %u", ch);
        break;
    }
}
