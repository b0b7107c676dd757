/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/*
 * Unit tests for request de-duplication: sel4ft_dedup_check(), _record() and
 * _last(), and the exactly-once argument end to end: a server whose state
 * (a counter and its de-duplication table) is checkpointed after every
 * applied request, crashed at random points, with clients that retry.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sel4ft/checkpoint.h>
#include <sel4ft/dedup.h>
#include <sel4ft/error.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The digest of "the" request where a test retries one request only; OTHER is another request's. */
#define SAME  0x5eed5eed5eed5eedull
#define OTHER 0x07e407e407e407e4ull

static sel4ft_dedup_t table;

static int setup(void **state)
{
    (void)state;
    memset(&table, 0, sizeof(table));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return 0;
}

static void assert_entry(uint32_t client, uint64_t id, uint32_t status, const void *reply, uint32_t length)
{
    const sel4ft_dedup_entry_t *entry = sel4ft_dedup_last(&table, client);
    assert_non_null(entry);
    assert_ptr_equal(entry, &table.clients[client]);
    assert_int_equal(entry->request_id, id);
    assert_int_equal(entry->status, status);
    assert_int_equal(entry->length, length);
    if (length != 0) {
        assert_memory_equal(entry->reply, reply, length);
    }
}

/* Verdicts */

static void test_fresh_table_everything_new(void **state)
{
    (void)state;
    static const uint64_t ids[] = { 1, 2, 100, 1ull << 40, UINT64_MAX };
    for (uint32_t client = 0; client < SEL4FT_DEDUP_CLIENTS; client++) {
        for (size_t i = 0; i < ARRAY_SIZE(ids); i++) {
            assert_int_equal(sel4ft_dedup_check(&table, client, ids[i], SAME), SEL4FT_DEDUP_NEW);
        }
        /* Checking records nothing. */
        assert_int_equal(sel4ft_dedup_last(&table, client)->request_id, 0);
    }
    assert_int_equal(table.replays, 0);
    assert_int_equal(table.stale, 0);
}

static void test_new_replay_stale(void **state)
{
    (void)state;
    const uint8_t reply[] = "seven";

    assert_int_equal(sel4ft_dedup_check(&table, 2, 7, SAME), SEL4FT_DEDUP_NEW);
    assert_int_equal(sel4ft_dedup_record(&table, 2, 7, SAME, 3, reply, sizeof(reply)), 0);
    assert_entry(2, 7, 3, reply, sizeof(reply));

    /* The same id again: a retry, answered from the table. */
    assert_int_equal(sel4ft_dedup_check(&table, 2, 7, SAME), SEL4FT_DEDUP_REPLAY);
    assert_int_equal(table.replays, 1);
    assert_int_equal(sel4ft_dedup_check(&table, 2, 7, SAME), SEL4FT_DEDUP_REPLAY);
    assert_int_equal(table.replays, 2);
    assert_entry(2, 7, 3, reply, sizeof(reply));

    /* Older ids: stale. */
    assert_int_equal(sel4ft_dedup_check(&table, 2, 6, SAME), SEL4FT_DEDUP_STALE);
    assert_int_equal(sel4ft_dedup_check(&table, 2, 1, SAME), SEL4FT_DEDUP_STALE);
    assert_int_equal(table.stale, 2);
    assert_int_equal(table.replays, 2);

    /* Newer ids, including ones after a gap: new. */
    assert_int_equal(sel4ft_dedup_check(&table, 2, 8, SAME), SEL4FT_DEDUP_NEW);
    assert_int_equal(sel4ft_dedup_check(&table, 2, 1000, SAME), SEL4FT_DEDUP_NEW);
    assert_int_equal(table.replays, 2);
    assert_int_equal(table.stale, 2);

    /* Recording the next request moves the line. */
    assert_int_equal(sel4ft_dedup_record(&table, 2, 8, SAME, 0, "x", 1), 0);
    assert_int_equal(sel4ft_dedup_check(&table, 2, 7, SAME), SEL4FT_DEDUP_STALE);
    assert_int_equal(sel4ft_dedup_check(&table, 2, 8, SAME), SEL4FT_DEDUP_REPLAY);
    assert_entry(2, 8, 0, "x", 1);
    assert_int_equal(table.replays, 3);
    assert_int_equal(table.stale, 3);
}

static void test_largest_id(void **state)
{
    (void)state;
    assert_int_equal(sel4ft_dedup_record(&table, 0, UINT64_MAX, SAME, 1, NULL, 0), 0);
    assert_int_equal(sel4ft_dedup_check(&table, 0, UINT64_MAX, SAME), SEL4FT_DEDUP_REPLAY);
    assert_int_equal(sel4ft_dedup_check(&table, 0, UINT64_MAX - 1, SAME), SEL4FT_DEDUP_STALE);
    assert_int_equal(sel4ft_dedup_check(&table, 0, 1, SAME), SEL4FT_DEDUP_STALE);
}

static void test_check_invalid(void **state)
{
    (void)state;
    assert_int_equal(sel4ft_dedup_check(NULL, 0, 1, SAME), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_dedup_check(&table, SEL4FT_DEDUP_CLIENTS, 1, SAME), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_dedup_check(&table, UINT32_MAX, 1, SAME), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_dedup_check(&table, 0, 0, SAME), -SEL4FT_EINVAL);
    /* Id 0 is invalid even after something was recorded: not stale, not counted. */
    assert_int_equal(sel4ft_dedup_record(&table, 0, 5, SAME, 0, NULL, 0), 0);
    assert_int_equal(sel4ft_dedup_check(&table, 0, 0, SAME), -SEL4FT_EINVAL);
    assert_int_equal(table.stale, 0);
    assert_int_equal(table.replays, 0);

    assert_null(sel4ft_dedup_last(NULL, 0));
    assert_null(sel4ft_dedup_last(&table, SEL4FT_DEDUP_CLIENTS));
    assert_null(sel4ft_dedup_last(&table, UINT32_MAX));
    assert_ptr_equal(sel4ft_dedup_last(&table, SEL4FT_DEDUP_CLIENTS - 1), &table.clients[SEL4FT_DEDUP_CLIENTS - 1]);
}

/* Recording */

static void test_record_invalid_keeps_previous(void **state)
{
    (void)state;
    uint8_t reply[SEL4FT_DEDUP_REPLY_MAX + 1];
    memset(reply, 'r', sizeof(reply));
    const uint8_t first[] = { 1, 2, 3, 4, 5 };
    assert_int_equal(sel4ft_dedup_record(&table, 4, 10, SAME, 9, first, sizeof(first)), 0);
    sel4ft_dedup_t before = table;

    assert_int_equal(sel4ft_dedup_record(NULL, 4, 11, SAME, 0, reply, 1), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_dedup_record(&table, SEL4FT_DEDUP_CLIENTS, 11, SAME, 0, reply, 1), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_dedup_record(&table, UINT32_MAX, 11, SAME, 0, reply, 1), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_dedup_record(&table, 4, 0, SAME, 0, reply, 1), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_dedup_record(&table, 4, 11, SAME, 0, NULL, 1), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_dedup_record(&table, 4, 11, SAME, 0, reply, SEL4FT_DEDUP_REPLY_MAX + 1),
                     -SEL4FT_E2BIG);
    assert_int_equal(sel4ft_dedup_record(&table, 4, 11, SAME, 0, reply, UINT32_MAX), -SEL4FT_E2BIG);

    /* Nothing was recorded by the refused calls: the table is byte for byte as before. */
    assert_memory_equal(&table, &before, sizeof(table));
    assert_entry(4, 10, 9, first, sizeof(first));
    assert_int_equal(sel4ft_dedup_check(&table, 4, 10, SAME), SEL4FT_DEDUP_REPLAY);
    assert_int_equal(sel4ft_dedup_check(&table, 4, 11, SAME), SEL4FT_DEDUP_NEW);
}

static void test_record_sizes(void **state)
{
    (void)state;
    uint8_t reply[SEL4FT_DEDUP_REPLY_MAX];
    for (size_t i = 0; i < sizeof(reply); i++) {
        reply[i] = (uint8_t)(i * 13 + 5);
    }

    /* The largest reply that fits. */
    assert_int_equal(sel4ft_dedup_record(&table, 1, 1, SAME, 0, reply, SEL4FT_DEDUP_REPLY_MAX), 0);
    assert_entry(1, 1, 0, reply, SEL4FT_DEDUP_REPLY_MAX);

    /* A shorter reply after it: the length says how much counts. */
    assert_int_equal(sel4ft_dedup_record(&table, 1, 2, SAME, 4, "ab", 2), 0);
    assert_entry(1, 2, 4, "ab", 2);

    /* No reply at all, with or without a pointer. */
    assert_int_equal(sel4ft_dedup_record(&table, 1, 3, SAME, 5, NULL, 0), 0);
    assert_entry(1, 3, 5, NULL, 0);
    assert_int_equal(sel4ft_dedup_record(&table, 1, 4, SAME, 6, reply, 0), 0);
    assert_entry(1, 4, 6, NULL, 0);
}

static void test_clients_independent(void **state)
{
    (void)state;
    char reply[16];

    for (uint32_t client = 0; client < SEL4FT_DEDUP_CLIENTS; client++) {
        size_t n = (size_t)snprintf(reply, sizeof(reply), "client %u", client);
        assert_int_equal(sel4ft_dedup_record(&table, client, 100 * (client + 1), SAME, client, reply, (uint32_t)n),
                         0);
    }
    for (uint32_t client = 0; client < SEL4FT_DEDUP_CLIENTS; client++) {
        size_t n = (size_t)snprintf(reply, sizeof(reply), "client %u", client);
        assert_entry(client, 100 * (client + 1), client, reply, (uint32_t)n);
        /* Client c's last id is 100 (c + 1): new for client c, whatever the others did. */
        assert_int_equal(sel4ft_dedup_check(&table, client, 100 * (client + 1), SAME), SEL4FT_DEDUP_REPLAY);
        assert_int_equal(sel4ft_dedup_check(&table, client, 100 * (client + 1) + 1, SAME), SEL4FT_DEDUP_NEW);
        assert_int_equal(sel4ft_dedup_check(&table, client, 100 * (client + 1) - 1, SAME), SEL4FT_DEDUP_STALE);
    }
    /* Client 0's id 150 is new, though client 1 is already at 200. */
    assert_int_equal(sel4ft_dedup_check(&table, 0, 150, SAME), SEL4FT_DEDUP_NEW);
    /* Client 7's id 150 is stale (it is at 800), though client 0 has never seen it. */
    assert_int_equal(sel4ft_dedup_check(&table, 7, 150, SAME), SEL4FT_DEDUP_STALE);

    /* Recording for one client leaves every other entry alone. */
    sel4ft_dedup_t before = table;
    assert_int_equal(sel4ft_dedup_record(&table, 3, 401, SAME, 77, "new", 3), 0);
    for (uint32_t client = 0; client < SEL4FT_DEDUP_CLIENTS; client++) {
        if (client != 3) {
            assert_memory_equal(&table.clients[client], &before.clients[client], sizeof(table.clients[client]));
        }
    }
    assert_entry(3, 401, 77, "new", 3);
}

/* Reused ids */

static void test_reused_id_is_a_conflict_not_a_replay(void **state)
{
    (void)state;
    const uint8_t reply[] = "applied A";

    assert_int_equal(sel4ft_dedup_record(&table, 2, 7, SAME, 3, reply, sizeof(reply)), 0);
    assert_int_equal(table.clients[2].digest, SAME);
    /* The same request under the same id: a retry. */
    assert_int_equal(sel4ft_dedup_check(&table, 2, 7, SAME), SEL4FT_DEDUP_REPLAY);
    /* Another request under the same id: the client reused it. It must not get A's reply as its own. */
    assert_int_equal(sel4ft_dedup_check(&table, 2, 7, OTHER), SEL4FT_DEDUP_CONFLICT);
    assert_int_equal(sel4ft_dedup_check(&table, 2, 7, OTHER), SEL4FT_DEDUP_CONFLICT);
    assert_int_equal(table.conflicts, 2);
    assert_int_equal(table.replays, 1);
    assert_int_equal(table.stale, 0);
    /* Nothing was recorded: the entry still answers a retry of A. */
    assert_entry(2, 7, 3, reply, sizeof(reply));
    assert_int_equal(sel4ft_dedup_check(&table, 2, 7, SAME), SEL4FT_DEDUP_REPLAY);
    /* Older ids stay stale and newer ones new, whatever their digest; other clients are not affected. */
    assert_int_equal(sel4ft_dedup_check(&table, 2, 6, OTHER), SEL4FT_DEDUP_STALE);
    assert_int_equal(sel4ft_dedup_check(&table, 2, 8, OTHER), SEL4FT_DEDUP_NEW);
    assert_int_equal(sel4ft_dedup_check(&table, 3, 7, OTHER), SEL4FT_DEDUP_NEW);
    assert_int_equal(table.conflicts, 2);
}

static void test_digest_covers_opcode_length_and_payload(void **state)
{
    (void)state;
    const uint8_t payload[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
    uint8_t copy[sizeof(payload) + 1];
    memcpy(copy + 1, payload, sizeof(payload));
    const uint64_t digest = sel4ft_dedup_digest(1, payload, sizeof(payload));

    /* A pure function of the bytes, wherever they lie (an unaligned copy too). */
    assert_int_equal(sel4ft_dedup_digest(1, payload, sizeof(payload)), digest);
    assert_int_equal(sel4ft_dedup_digest(1, copy + 1, sizeof(payload)), digest);
    /* Another opcode, payload byte or length is another request. */
    assert_int_not_equal(sel4ft_dedup_digest(2, payload, sizeof(payload)), digest);
    for (size_t i = 0; i < sizeof(payload); i++) {
        copy[1 + i] ^= 0x01;
        assert_int_not_equal(sel4ft_dedup_digest(1, copy + 1, sizeof(payload)), digest);
        copy[1 + i] ^= 0x01;
    }
    assert_int_not_equal(sel4ft_dedup_digest(1, payload, sizeof(payload) - 1), digest);
    /* A trailing zero byte is not lost in the checksum's zero padding. */
    const uint8_t ab[3] = { 'a', 'b', 0 };
    assert_int_not_equal(sel4ft_dedup_digest(1, ab, 2), sel4ft_dedup_digest(1, ab, 3));
    /* No payload. */
    assert_int_equal(sel4ft_dedup_digest(1, NULL, 0), sel4ft_dedup_digest(1, payload, 0));
    assert_int_not_equal(sel4ft_dedup_digest(1, NULL, 0), sel4ft_dedup_digest(2, NULL, 0));
}

/* Exactly once, end to end */

/* The server's whole state, checkpointed as one block. */
typedef struct server_state {
    uint64_t counter; /* The effect: one per applied request. */
    sel4ft_dedup_t dedup;
} server_state_t;

#define STATUS_APPLIED 17u
#define STATUS_ID_REUSED 18u
#define OP_ADD 1u

/* Where a crash can happen while the server handles one request. */
enum crash_point {
    CRASH_NONE,
    CRASH_BEFORE_APPLY, /* after the check, before anything changed */
    CRASH_AFTER_APPLY, /* applied and recorded in memory, not committed */
    CRASH_DURING_COMMIT, /* the commit started but its slot never got its magic */
    CRASH_AFTER_COMMIT, /* committed, the reply never reached the client */
    CRASH_POINT_NUM
};

static _Alignas(8) uint8_t checkpoint_region[2 * (sizeof(server_state_t) + 64)];

static struct {
    server_state_t state; /* The server's memory: lost in a crash. */
    sel4ft_checkpoint_t store;
    uint64_t incarnation;
    uint64_t applied; /* Times the effect ran, committed or not. */
    uint64_t crashes[CRASH_POINT_NUM];
    uint64_t replays_sent;
} server;

/* Start (or restart) the server: its memory is garbage until the checkpoint is loaded. */
static void server_start(void)
{
    memset(&server.state, 0xdb, sizeof(server.state));
    assert_int_equal(sel4ft_checkpoint_init(&server.store, checkpoint_region, sizeof(checkpoint_region)), 0);
    int err = sel4ft_checkpoint_load(&server.store, &server.state, sizeof(server.state), NULL);
    if (err == -SEL4FT_EAGAIN) {
        /* Nothing committed yet: the initial state. */
        memset(&server.state, 0, sizeof(server.state));
    } else {
        assert_int_equal(err, 0);
    }
    server.incarnation++;
}

/*
 * Handle one request: add 1 to the counter and reply with the new value. The
 * request's payload (@p payload: what the client asks for) goes into its digest.
 * Returns true with the reply when the client gets an answer, false when the
 * server crashed at @p crash first (it is then restarted).
 */
static bool server_handle_payload(uint32_t client, uint64_t id, uint64_t payload, enum crash_point crash,
                                  uint32_t *status, uint64_t *value)
{
    uint64_t digest = sel4ft_dedup_digest(OP_ADD, &payload, sizeof(payload));
    int verdict = sel4ft_dedup_check(&server.state.dedup, client, id, digest);
    assert_true(verdict == SEL4FT_DEDUP_NEW || verdict == SEL4FT_DEDUP_REPLAY || verdict == SEL4FT_DEDUP_CONFLICT);
    if (verdict == SEL4FT_DEDUP_CONFLICT) {
        *status = STATUS_ID_REUSED;
        *value = 0;
        return true;
    }
    if (verdict == SEL4FT_DEDUP_REPLAY) {
        const sel4ft_dedup_entry_t *entry = sel4ft_dedup_last(&server.state.dedup, client);
        assert_non_null(entry);
        assert_int_equal(entry->length, sizeof(*value));
        *status = entry->status;
        memcpy(value, entry->reply, sizeof(*value));
        server.replays_sent++;
        return true;
    }
    if (crash == CRASH_BEFORE_APPLY) {
        goto crashed;
    }

    server.state.counter++;
    server.applied++;
    uint64_t reply = server.state.counter;
    assert_int_equal(
        sel4ft_dedup_record(&server.state.dedup, client, id, digest, STATUS_APPLIED, &reply, sizeof(reply)), 0);
    if (crash == CRASH_AFTER_APPLY) {
        goto crashed;
    }

    uint32_t target = 1 - server.store.newest;
    assert_int_equal(sel4ft_checkpoint_commit(&server.store, &server.state, sizeof(server.state)), 0);
    if (crash == CRASH_DURING_COMMIT) {
        /* Undo the last step of the commit: its slot is as a crash before the magic leaves it. */
        ((sel4ft_checkpoint_header_t *)(checkpoint_region + (size_t)target * server.store.slot_size))->magic = 0;
        goto crashed;
    }
    if (crash == CRASH_AFTER_COMMIT) {
        goto crashed;
    }
    *status = STATUS_APPLIED;
    *value = reply;
    return true;

crashed:
    server.crashes[crash]++;
    server_start();
    return false;
}

/* The requests of most tests: each id asks for the same thing every time it is sent. */
static bool server_handle(uint32_t client, uint64_t id, enum crash_point crash, uint32_t *status, uint64_t *value)
{
    return server_handle_payload(client, id, id * 3 + client, crash, status, value);
}

/*
 * A client's call: send, and on a crash retry the same id until a reply
 * comes back. The crash points are drawn by @p next_crash.
 */
static uint64_t client_call(uint32_t client, uint64_t id, enum crash_point (*next_crash)(void))
{
    uint32_t status = 0;
    uint64_t value = 0;
    unsigned attempts = 0;
    while (!server_handle(client, id, next_crash(), &status, &value)) {
        attempts++;
        assert_true(attempts < 1000);
    }
    assert_int_equal(status, STATUS_APPLIED);
    return value;
}

static int exactly_once_setup(void **state)
{
    (void)state;
    memset(checkpoint_region, 0, sizeof(checkpoint_region));
    memset(&server, 0, sizeof(server));
    server_start();
    return 0;
}

static enum crash_point scripted[8];
static size_t scripted_next;

static enum crash_point from_script(void)
{
    return scripted_next < ARRAY_SIZE(scripted) ? scripted[scripted_next++] : CRASH_NONE;
}

static void script(enum crash_point a, enum crash_point b)
{
    memset(scripted, 0, sizeof(scripted));
    scripted[0] = a;
    scripted[1] = b;
    scripted_next = 0;
}

static void test_crash_after_apply_before_commit(void **state)
{
    (void)state;
    script(CRASH_NONE, CRASH_NONE);
    assert_int_equal(client_call(0, 1, from_script), 1);

    /* The effect and its record are lost together; the retry applies it, once. */
    script(CRASH_AFTER_APPLY, CRASH_NONE);
    assert_int_equal(client_call(0, 2, from_script), 2);
    assert_int_equal(server.crashes[CRASH_AFTER_APPLY], 1);
    assert_int_equal(server.state.counter, 2);
    assert_int_equal(server.applied, 3);
    assert_int_equal(server.replays_sent, 0);

    /* A restart now finds exactly that. */
    server_start();
    assert_int_equal(server.state.counter, 2);
    assert_int_equal(sel4ft_dedup_last(&server.state.dedup, 0)->request_id, 2);
}

static void test_crash_during_commit(void **state)
{
    (void)state;
    script(CRASH_NONE, CRASH_NONE);
    assert_int_equal(client_call(0, 1, from_script), 1);
    script(CRASH_DURING_COMMIT, CRASH_DURING_COMMIT);
    assert_int_equal(client_call(0, 2, from_script), 2);
    assert_int_equal(server.crashes[CRASH_DURING_COMMIT], 2);
    server_start();
    assert_int_equal(server.state.counter, 2);
}

static void test_crash_after_commit_before_reply(void **state)
{
    (void)state;
    script(CRASH_NONE, CRASH_NONE);
    assert_int_equal(client_call(3, 1, from_script), 1);

    /* Applied and committed, then the reply was lost: the retry gets the recorded reply, the counter stays. */
    script(CRASH_AFTER_COMMIT, CRASH_NONE);
    assert_int_equal(client_call(3, 2, from_script), 2);
    assert_int_equal(server.crashes[CRASH_AFTER_COMMIT], 1);
    assert_int_equal(server.replays_sent, 1);
    assert_int_equal(server.applied, 2);
    assert_int_equal(server.state.counter, 2);
    assert_int_equal(server.state.dedup.replays, 1);

    /* Several times in a row. */
    script(CRASH_AFTER_COMMIT, CRASH_NONE);
    assert_int_equal(client_call(3, 3, from_script), 3);
    script(CRASH_NONE, CRASH_NONE);
    /* A late duplicate of the same request (the client did not see the first reply): replayed again. */
    assert_int_equal(client_call(3, 3, from_script), 3);
    assert_int_equal(server.state.counter, 3);
    assert_int_equal(server.applied, 3);
}

static enum crash_point random_crash(void)
{
    /* About one call in three crashes, at a point drawn evenly. */
    if (rand() % 3 != 0) {
        return CRASH_NONE;
    }
    return (enum crash_point)(1 + rand() % (CRASH_POINT_NUM - 1));
}

static void test_exactly_once_random_crashes(void **state)
{
    (void)state;
    const unsigned requests = 3000;
    uint64_t next_id[SEL4FT_DEDUP_CLIENTS];
    for (uint32_t c = 0; c < SEL4FT_DEDUP_CLIENTS; c++) {
        /* Clients start at different ids, as restarted clients would. */
        next_id[c] = 1 + 1000 * c;
    }

    srand(4242);
    for (unsigned i = 0; i < requests; i++) {
        uint32_t client = (uint32_t)rand() % SEL4FT_DEDUP_CLIENTS;
        uint64_t id = next_id[client]++;
        /* Requests are applied in the order they are issued: the i-th gets counter value i + 1. */
        uint64_t value = client_call(client, id, random_crash);
        if (value != i + 1) {
            fail_msg("request %u (client %u, id %llu): reply %llu", i, client, (unsigned long long)id,
                (unsigned long long)value);
        }
        /* Now and then the reply is lost on the way back, and the client retries anyway. */
        if (rand() % 10 == 0) {
            assert_int_equal(client_call(client, id, random_crash), value);
        }
    }

    /* One final restart: what survives is exactly one effect per distinct request. */
    server_start();
    assert_int_equal(server.state.counter, requests);
    for (uint32_t c = 0; c < SEL4FT_DEDUP_CLIENTS; c++) {
        const sel4ft_dedup_entry_t *entry = sel4ft_dedup_last(&server.state.dedup, c);
        if (next_id[c] != 1 + 1000 * c) {
            assert_int_equal(entry->request_id, next_id[c] - 1);
        }
    }
    /* Each kind of crash happened, many times, and some requests were applied more than once in memory. */
    for (unsigned p = CRASH_BEFORE_APPLY; p < CRASH_POINT_NUM; p++) {
        assert_true(server.crashes[p] > 100);
    }
    assert_true(server.applied > requests);
    assert_true(server.replays_sent >= server.crashes[CRASH_AFTER_COMMIT]);
}

/* The id scheme (incarnation << 32) | 1 gives an incarnation 2^32 - 1 ids; one that used more ran into the next
 * incarnation's ids, so the restarted client sends new requests under ids already applied. The one equal to the
 * last applied id used to be answered from its record: acknowledged, never applied. */
static void test_restarted_client_that_reuses_an_id_is_refused(void **state)
{
    (void)state;
    const uint64_t overrun = (2ull << 32) | 5; /* incarnation 1's 2^32 + 4th request */
    uint32_t status = 0;
    uint64_t value = 0;

    assert_true(server_handle_payload(0, overrun - 1, 100, CRASH_NONE, &status, &value));
    assert_true(server_handle_payload(0, overrun, 101, CRASH_NONE, &status, &value));
    assert_int_equal(value, 2);

    /* Incarnation 2 starts at (2 << 32) | 1: stale, stale, ..., then the last applied id, for another request. */
    for (uint64_t id = (2ull << 32) | 1; id < overrun; id++) {
        assert_int_equal(sel4ft_dedup_check(&server.state.dedup, 0, id, sel4ft_dedup_digest(OP_ADD, &id, 8)),
                         SEL4FT_DEDUP_STALE);
    }
    assert_true(server_handle_payload(0, overrun, 200, CRASH_NONE, &status, &value));
    assert_int_equal(status, STATUS_ID_REUSED);
    assert_int_equal(server.state.counter, 2);
    assert_int_equal(server.state.dedup.conflicts, 1);
    assert_int_equal(server.state.dedup.replays, 0);

    /* The next id is new again; a retry of the request applied under the reused id still replays. */
    assert_true(server_handle_payload(0, overrun + 1, 201, CRASH_NONE, &status, &value));
    assert_int_equal(status, STATUS_APPLIED);
    assert_int_equal(value, 3);
    status = 0;
    value = 0;
    assert_true(server_handle_payload(0, overrun + 1, 201, CRASH_NONE, &status, &value));
    assert_int_equal(status, STATUS_APPLIED);
    assert_int_equal(value, 3);
    assert_int_equal(server.state.counter, 3);
    assert_int_equal(server.state.dedup.replays, 1);
}

#define TEST(f)     cmocka_unit_test_setup_teardown(f, setup, teardown)
#define E2E_TEST(f) cmocka_unit_test_setup_teardown(f, exactly_once_setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(test_fresh_table_everything_new),
        TEST(test_new_replay_stale),
        TEST(test_largest_id),
        TEST(test_check_invalid),
        TEST(test_record_invalid_keeps_previous),
        TEST(test_record_sizes),
        TEST(test_clients_independent),
        TEST(test_reused_id_is_a_conflict_not_a_replay),
        TEST(test_digest_covers_opcode_length_and_payload),
        E2E_TEST(test_crash_after_apply_before_commit),
        E2E_TEST(test_crash_during_commit),
        E2E_TEST(test_crash_after_commit_before_reply),
        E2E_TEST(test_exactly_once_random_crashes),
        E2E_TEST(test_restarted_client_that_reuses_an_id_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
