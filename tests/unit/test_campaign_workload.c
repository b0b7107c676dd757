/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The campaign's workload (examples/campaign/workload.c) against a model of the durable server and of the retrying
 * client's progress checkpoint, with the client restarted at every point of a round: before a request, after it was
 * committed but before the server had it, after the server applied it but before the reply arrived, after the reply.
 * The campaign ends at that restart (its worst moment: the restarted client sees "over" at once). The read-back must
 * then be exact: every round the client counts was applied once, and the request that was in flight at the restart
 * was sent again and finished, not left half done. (seed 2 with 3000 injections ended on a restart of client_b after
 * its own-counter step: the read-back counted the completed rounds only and reported MISMATCH.) */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <sel4ft/rpc.h>

#include "inject_schedule.h"
#include "workload.h"

/* The server: the counters, client_b's list, and client_b's de-duplication record (its last applied request). */
static struct {
    int64_t counters[3];
    uint32_t list_length;
    uint32_t items[RECOVERY_LIST_MAX];
    uint64_t last_id;
    int64_t last_value;
} server;

/* The client's checkpoint (what sel4ft_call() commits before each request) and its volatile state. */
static struct {
    uint64_t id;
    bool in_flight;
    workload_progress_t progress;
} saved;

static struct {
    uint64_t next_id;
    bool resumed;
    bool over;
    workload_progress_t progress;
    uint64_t quiet_rounds; /* no restart before this many rounds are done */
    int opportunity;       /* restart opportunities met since (before, sent, applied, middle: four per request) */
    int restart_at;        /* restart at this opportunity */
    int restarts;
    jmp_buf restart;
} client;

static void maybe_restart(void)
{
    if (client.progress.rounds >= client.quiet_rounds && client.restarts == 0 &&
        client.opportunity++ == client.restart_at) {
        client.over = true; /* the campaign ends with this restart: the restarted client sees it at once */
        longjmp(client.restart, 1);
    }
}

static int64_t apply(uint64_t id, uint16_t opcode, const void *payload)
{
    if (id == server.last_id) {
        return server.last_value; /* a retry: answered from the record */
    }
    int64_t value;
    if (opcode == OP_APPEND) {
        const append_request_t *append = payload;
        server.items[server.list_length] = append->item;
        value = ++server.list_length;
    } else {
        const increment_request_t *inc = payload;
        value = server.counters[inc->index] += inc->delta;
    }
    server.last_id = id;
    server.last_value = value;
    return value;
}

static uint32_t call(void *context, uint16_t opcode, const void *payload, uint32_t length, int64_t *value)
{
    (void)context;
    (void)length;
    saved.id = client.next_id;
    saved.in_flight = true;
    saved.progress = client.progress; /* committed with the id, before the request is sent */
    maybe_restart();                  /* sent: not applied yet */
    *value = apply(client.next_id, opcode, payload);
    maybe_restart(); /* applied; the reply is lost with the client */
    client.next_id++;
    client.resumed = false;
    return SEL4FT_RPC_OK;
}

static bool resumed(void *context)
{
    (void)context;
    return client.resumed;
}

static bool over(void *context)
{
    (void)context;
    /* The quiet rounds end the run when no restart is asked for. */
    return client.over || (client.restart_at < 0 && client.progress.rounds >= client.quiet_rounds);
}

static void at(void *context, uint32_t point)
{
    (void)context;
    (void)point;
    maybe_restart();
}

static const workload_ops_t ops = { .call = call, .resumed = resumed, .over = over, .at = at };

/* client_b (own counter 1) runs @p quiet_rounds rounds, then is restarted at opportunity @p restart_at of what
 * follows (-1: never), as the campaign ends; its next incarnation resumes from its checkpoint and finishes. The
 * read-back must be exact, and so must the shared counter (client_a's check: its own rounds plus client_b's
 * counter). */
static void run(uint64_t quiet_rounds, int restart_at)
{
    memset(&server, 0, sizeof(server));
    memset(&saved, 0, sizeof(saved));
    memset(&client, 0, sizeof(client));
    client.next_id = 1;
    client.quiet_rounds = quiet_rounds;
    client.restart_at = restart_at;
    static workload_t workload;
    workload = (workload_t){ .own = 1 };

    if (setjmp(client.restart) != 0) {
        /* Restarted: the retrying client restores the id and the progress it committed; the request is resent. */
        client.restarts++;
        client.next_id = saved.id != 0 ? saved.id : 1;
        client.resumed = saved.in_flight;
        client.progress = saved.progress;
        workload = (workload_t){ .own = 1 };
    }
    workload_rounds(&workload, &client.progress, &ops);

    assert_int_equal(client.restarts, restart_at >= 0 ? 1 : 0);
    assert_int_equal(workload.errors, 0);
    uint32_t in_order = 0;
    for (uint32_t i = 0; i < server.list_length; i++) {
        in_order += server.items[i] == i + 1;
    }
    if (!workload_read_back_ok(&client.progress, server.counters[1], server.list_length, in_order)) {
        fail_msg("after %lu quiet rounds, restarted at opportunity %d: read back after %lu rounds: counter %ld, list "
                 "of %u items, %u in order: MISMATCH", (unsigned long)quiet_rounds, restart_at,
                 (unsigned long)client.progress.rounds, (long)server.counters[1], server.list_length, in_order);
    }
    assert_int_equal(server.counters[WORKLOAD_SHARED_COUNTER], server.counters[1]);
}

/* Every point of the first rounds, of the last round with room in the list, and of rounds once it is full. */
static void test_restart_at_every_point_as_the_campaign_ends(void **state)
{
    (void)state;
    static const uint64_t quiet[] = { 0, 1, 2, RECOVERY_LIST_MAX - 1, RECOVERY_LIST_MAX, RECOVERY_LIST_MAX + 1 };
    for (size_t q = 0; q < sizeof(quiet) / sizeof(quiet[0]); q++) {
        for (int point = 0; point < 4 * WORKLOAD_STEPS; point++) {
            run(quiet[q], point);
        }
    }
}

static void test_quiet_campaign_reads_back_exactly(void **state)
{
    (void)state;
    run(0, -1);
    run(3, -1);
    run(RECOVERY_LIST_MAX + 5, -1);
    assert_int_equal(server.list_length, RECOVERY_LIST_MAX);
}

/* The read-back's verdict itself: exactly the rounds completed, the list as long as it had room and in order. */
static void test_read_back_verdict(void **state)
{
    (void)state;
    const workload_progress_t five = { .rounds = 5, .step = WORKLOAD_OWN };
    assert_true(workload_read_back_ok(&five, 5, 5, 5));
    assert_false(workload_read_back_ok(&five, 6, 5, 5)); /* an update applied twice, or one left in flight */
    assert_false(workload_read_back_ok(&five, 4, 5, 5)); /* one lost */
    assert_false(workload_read_back_ok(&five, 5, 4, 4));
    assert_false(workload_read_back_ok(&five, 5, 5, 4));
    assert_false(workload_read_back_ok(&five, -1, 5, 5));
    const workload_progress_t full = { .rounds = RECOVERY_LIST_MAX + 7, .step = WORKLOAD_OWN };
    assert_true(workload_read_back_ok(&full, RECOVERY_LIST_MAX + 7, RECOVERY_LIST_MAX, RECOVERY_LIST_MAX));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_restart_at_every_point_as_the_campaign_ends),
        cmocka_unit_test(test_quiet_campaign_reads_back_exactly),
        cmocka_unit_test(test_read_back_verdict),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
