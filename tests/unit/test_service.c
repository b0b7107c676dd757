/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <sel4ft/error.h>
#include <sel4ft/log.h>
#include <sel4ft/os_linux.h>

#include "console.h"
#include <sel4ft/restart.h>
#include <sel4ft/service.h>

/* A test service: counters, one per slot. OP_ADD (update) adds a delta and answers the new value; OP_GET (query)
 * answers a counter; OP_ADD with a slot out of range is refused and changes nothing. */
enum { OP_GET = 1, OP_ADD = 2 };
#define SLOTS 4u
#define CLIENTS 20u
#define REGION_SIZE 256u
#define MONITOR_CHANNEL 61u

typedef struct {
    int64_t counter[SLOTS];
} state_t;

typedef struct {
    uint32_t slot;
    uint32_t reserved;
    int64_t delta;
} add_t;

static unsigned applied;

static uint32_t apply(void *state, const sel4ft_rpc_request_t *request, sel4ft_rpc_response_t *response)
{
    state_t *s = state;
    const add_t *add = (const add_t *)request->payload;
    if (request->opcode != OP_ADD || request->length != sizeof(*add) || add->slot >= SLOTS) {
        return SEL4FT_RPC_INVALID_ARGUMENT;
    }
    applied++;
    s->counter[add->slot] += add->delta;
    return sel4ft_service_reply(response, &s->counter[add->slot], sizeof(int64_t));
}

static uint32_t read_counter(void *state, const sel4ft_rpc_request_t *request, sel4ft_rpc_response_t *response)
{
    const state_t *s = state;
    const uint32_t *slot = (const uint32_t *)request->payload;
    if (request->length != sizeof(*slot) || *slot >= SLOTS) {
        return SEL4FT_RPC_INVALID_ARGUMENT;
    }
    return sel4ft_service_reply(response, &s->counter[*slot], sizeof(int64_t));
}

static sel4ft_service_t service;
static _Alignas(8) uint8_t memory[SEL4FT_SERVICE_MEMORY_SIZE(sizeof(state_t), CLIENTS, 8, REGION_SIZE)];
static _Alignas(8) uint8_t checkpoint[SEL4FT_SERVICE_CHECKPOINT_SIZE(sizeof(state_t), CLIENTS, 8)];
static _Alignas(8) uint8_t regions[CLIENTS][REGION_SIZE];
static sel4ft_service_client_t clients[CLIENTS];
static sel4ft_rpc_client_t rpc[CLIENTS];
static const state_t initial = { { 100, 0, 0, 0 } };

static struct {
    unsigned notified[SEL4FT_OS_MAX_CHANNEL + 1];
    jmp_buf crash;
    sel4ft_service_point_t crash_at;
    bool armed;
} kernel;

static void on_notify(void *context, sel4ft_channel_t channel)
{
    (void)context;
    kernel.notified[channel]++;
}

/* Client i's call, carried straight into the service (as a passive server runs on its caller's time). */
static sel4ft_msginfo_t on_ppcall(void *context, sel4ft_channel_t channel, sel4ft_msginfo_t message)
{
    (void)context;
    return sel4ft_service_handle(&service, channel, message);
}

/* The fault-injection hook: "crashes" (longjmps out of the server) at the armed point, once. */
static void at(sel4ft_service_t *s, sel4ft_service_point_t point)
{
    (void)s;
    if (kernel.armed && point == kernel.crash_at) {
        kernel.armed = false;
        longjmp(kernel.crash, 1);
    }
}

static sel4ft_service_config_t config(void)
{
    return (sel4ft_service_config_t){
        .state_size = sizeof(state_t), .initial_state = &initial, .apply = apply, .read = read_counter,
        .queries = 1u << OP_GET, .reply_max = 8, .clients = clients, .client_count = CLIENTS,
        .checkpoint = { checkpoint, sizeof(checkpoint) }, .monitor_channel = MONITOR_CHANNEL,
        .memory = memory, .memory_size = sizeof(memory), .at = at,
    };
}

static int setup(void **state)
{
    (void)state;
    memset(&kernel, 0, sizeof(kernel));
    memset(checkpoint, 0, sizeof(checkpoint));
    applied = 0;
    console_setup((sel4ft_os_linux_hooks_t){ .notify = on_notify, .ppcall = on_ppcall }, "server");
    /* Clients on channels 40, 39, ...: not the channel numbers, the table decides who is who. */
    for (uint32_t i = 0; i < CLIENTS; i++) {
        clients[i] = (sel4ft_service_client_t){ 40 - i, { regions[i], REGION_SIZE } };
        assert_int_equal(sel4ft_rpc_client_init(&rpc[i], regions[i], REGION_SIZE, 40 - i, 1), 0);
    }
    sel4ft_service_config_t c = config();
    assert_int_equal(sel4ft_service_start(&service, &c), 0);
    return 0;
}

/* Client i sends OP_ADD under an id; returns the status and the value answered. */
static uint32_t add(uint32_t i, uint64_t id, uint32_t slot, int64_t delta, int64_t *value)
{
    add_t *payload = sel4ft_rpc_client_payload(&rpc[i]);
    *payload = (add_t){ slot, 0, delta };
    sel4ft_rpc_reply_t reply = { 0 }; /* set only by a call that returns 0 (or -SEL4FT_ESTALE) */
    int64_t answer = -1;
    assert_int_equal(sel4ft_rpc_call_id(&rpc[i], id, OP_ADD, sizeof(*payload), &answer, sizeof(answer), &reply), 0);
    if (value != NULL) {
        *value = answer;
    }
    return reply.status;
}

static int64_t get(uint32_t i, uint32_t slot)
{
    *(uint32_t *)sel4ft_rpc_client_payload(&rpc[i]) = slot;
    sel4ft_rpc_reply_t reply = { 0 };
    int64_t answer = -1;
    assert_int_equal(sel4ft_rpc_call(&rpc[i], OP_GET, sizeof(uint32_t), &answer, sizeof(answer), &reply), 0);
    assert_int_equal(reply.status, SEL4FT_RPC_OK);
    return answer;
}

/* The service as a restart finds it: a new incarnation started on the same checkpoint region. */
static void restart(void)
{
    memset(&service, 0, sizeof(service));
    memset(memory, 0x5a, sizeof(memory));
    sel4ft_service_config_t c = config();
    assert_int_equal(sel4ft_service_start(&service, &c), 0);
}

static void test_first_start(void **state)
{
    (void)state;
    assert_non_null(strstr(console, "server|INFO: no valid checkpoint: starting from the initial state\n"));
    assert_non_null(strstr(console, "server|INFO: ready: epoch 1, 32-byte state checkpointed in two slots"));
    assert_int_equal(kernel.notified[MONITOR_CHANNEL], 1);
    assert_int_equal(get(0, 0), 100);
}

static void test_an_update_is_applied_once_and_committed_before_the_reply(void **state)
{
    (void)state;
    int64_t value;
    assert_int_equal(add(3, 7, 0, 5, &value), SEL4FT_RPC_OK);
    assert_int_equal(value, 105);
    assert_int_equal(service.checkpoint.sequence, 1);
    assert_int_equal(service.block->updates, 1);

    /* The same request again (a retry): answered from the record, not applied again. */
    value = 0;
    assert_int_equal(add(3, 7, 0, 5, &value), SEL4FT_RPC_OK);
    assert_int_equal(value, 105);
    assert_int_equal(applied, 1);
    assert_int_equal(service.block->replays, 1);
    assert_non_null(strstr(console, "request 7 from client 3 was applied before the crash: answered from "
                                           "the record"));
    assert_int_equal(get(0, 0), 105);
}

static void test_reused_and_stale_ids_are_refused(void **state)
{
    (void)state;
    assert_int_equal(add(0, 10, 0, 1, NULL), SEL4FT_RPC_OK);
    assert_int_equal(add(0, 10, 0, 2, NULL), SEL4FT_RPC_REQUEST_ID_REUSED);
    assert_int_equal(add(0, 9, 0, 1, NULL), SEL4FT_RPC_STALE_REQUEST);
    assert_int_equal(add(0, 0, 0, 1, NULL), SEL4FT_RPC_INVALID_ARGUMENT);
    assert_int_equal(applied, 1);
    assert_int_equal(service.conflicts, 1);
    assert_int_equal(service.stale, 1);
    assert_non_null(strstr(console, "server|WARN: request 10 (op 2) from client 0 reuses the id"));
}

static void test_clients_are_apart_and_more_than_eight(void **state)
{
    (void)state;
    for (uint32_t i = 0; i < CLIENTS; i++) {
        assert_int_equal(add(i, 1, 1, 1, NULL), SEL4FT_RPC_OK);
    }
    /* Every client's id 1 is its own: all applied, and each retry is a replay of its own record. */
    assert_int_equal(get(0, 1), CLIENTS);
    for (uint32_t i = 0; i < CLIENTS; i++) {
        int64_t value;
        assert_int_equal(add(i, 1, 1, 1, &value), SEL4FT_RPC_OK);
        assert_int_equal(value, i + 1);
    }
    assert_int_equal(applied, CLIENTS);
}

static void test_a_refused_update_changes_and_records_nothing(void **state)
{
    (void)state;
    int64_t value;
    assert_int_equal(add(1, 5, 2, 3, &value), SEL4FT_RPC_OK);
    uint64_t sequence = service.checkpoint.sequence;
    /* A garbage request with a large id: refused, not recorded, not committed. */
    assert_int_equal(add(1, 1000000, SLOTS + 9, 3, NULL), SEL4FT_RPC_INVALID_ARGUMENT);
    assert_int_equal(service.checkpoint.sequence, sequence);
    /* So the client's next id is new, and its last applied request still replays with its own reply. */
    value = 0;
    assert_int_equal(add(1, 5, 2, 3, &value), SEL4FT_RPC_OK);
    assert_int_equal(value, 3);
    assert_int_equal(add(1, 6, 2, 4, &value), SEL4FT_RPC_OK);
    assert_int_equal(value, 7);
}

static void test_a_query_is_neither_recorded_nor_committed(void **state)
{
    (void)state;
    assert_int_equal(get(2, 0), 100);
    assert_int_equal(get(2, 0), 100);
    assert_int_equal(service.checkpoint.sequence, 0);
    assert_int_equal(service.records[2].request_id, 0);
}

static void test_crash_before_commit_applies_the_retry_once(void **state)
{
    (void)state;
    assert_int_equal(add(0, 1, 3, 10, NULL), SEL4FT_RPC_OK);
    kernel.armed = true;
    kernel.crash_at = SEL4FT_SERVICE_BEFORE_COMMIT;
    if (setjmp(kernel.crash) == 0) {
        add(0, 2, 3, 10, NULL);
        fail_msg("the crash did not strike");
    }
    restart();
    assert_non_null(strstr(console, "state restored from checkpoint slot"));
    int64_t value;
    assert_int_equal(add(0, 2, 3, 10, &value), SEL4FT_RPC_OK);
    assert_int_equal(value, 20);
    assert_int_equal(get(0, 3), 20);
    assert_int_equal(service.block->replays, 0);
}

static void test_crash_after_commit_answers_the_retry_from_the_record(void **state)
{
    (void)state;
    kernel.armed = true;
    kernel.crash_at = SEL4FT_SERVICE_BEFORE_REPLY;
    if (setjmp(kernel.crash) == 0) {
        add(5, 1, 0, 7, NULL);
        fail_msg("the crash did not strike");
    }
    restart();
    int64_t value;
    assert_int_equal(add(5, 1, 0, 7, &value), SEL4FT_RPC_OK);
    assert_int_equal(value, 107);
    assert_int_equal(get(0, 0), 107);
    assert_int_equal(applied, 1);
    assert_int_equal(service.block->replays, 1);
    assert_int_equal(service.block->updates, 1);
}

static void test_a_corrupted_checkpoint_is_rejected_and_the_older_loaded(void **state)
{
    (void)state;
    assert_int_equal(add(0, 1, 0, 1, NULL), SEL4FT_RPC_OK);
    assert_int_equal(add(0, 2, 0, 1, NULL), SEL4FT_RPC_OK);
    uint8_t *slot = service.checkpoint.region + (size_t)service.checkpoint.newest * service.checkpoint.slot_size;
    slot[sizeof(sel4ft_checkpoint_header_t) + 40] ^= 0x40;
    restart();
    assert_non_null(strstr(console, "server|WARN: checkpoint slot "));
    assert_non_null(strstr(console, "rejected: checksum mismatch\n"));
    assert_int_equal(get(0, 0), 101);
    /* The lost update comes again and is applied: the older checkpoint has neither it nor its record. */
    assert_int_equal(add(0, 2, 0, 1, NULL), SEL4FT_RPC_OK);
    assert_int_equal(get(0, 0), 102);
}

static void test_sizes_that_do_not_fit_are_named(void **state)
{
    (void)state;
    sel4ft_service_config_t c = config();
    c.memory_size = 64;
    console_clear();
    assert_int_equal(sel4ft_service_start(&service, &c), -SEL4FT_ENOSPC);
    assert_non_null(strstr(console, "service working memory is 64 bytes but"));
    c = config();
    c.checkpoint.size = 1024;
    assert_int_equal(sel4ft_service_start(&service, &c), -SEL4FT_ENOSPC);
    char expected[160];
    snprintf(expected, sizeof(expected), "make it at least %zu bytes",
             (size_t)SEL4FT_SERVICE_CHECKPOINT_SIZE(sizeof(state_t), CLIENTS, 8));
    assert_non_null(strstr(console, "server|ERROR: checkpoint region is 1024 bytes"));
    assert_non_null(strstr(console, expected));
    c = config();
    c.apply = NULL;
    assert_int_equal(sel4ft_service_start(&service, &c), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_service_start(NULL, &c), -SEL4FT_EINVAL);
}

static void test_a_checkpoint_of_another_layout_is_not_loaded(void **state)
{
    (void)state;
    assert_int_equal(add(0, 1, 0, 1, NULL), SEL4FT_RPC_OK);
    sel4ft_service_config_t c = config();
    c.reply_max = 16;
    c.memory_size = sizeof(memory);
    console_clear();
    static _Alignas(8) uint8_t bigger[SEL4FT_SERVICE_MEMORY_SIZE(sizeof(state_t), CLIENTS, 16, REGION_SIZE)];
    c.memory = bigger;
    c.memory_size = sizeof(bigger);
    assert_int_equal(sel4ft_service_start(&service, &c), 0);
    assert_non_null(strstr(console, "of another layout"));
    assert_int_equal(get(0, 0), 100);
}

static void test_the_restart_error_names_the_sizes_and_the_fix(void **state)
{
    (void)state;
    char text[256];
    sel4ft_restart_explain_image(-SEL4FT_ENOSPC, 8192, 11208, text, sizeof(text));
    assert_string_equal(text, "snapshot region is 8192 bytes but this PD's .data and .bss are 11208 bytes, plus the "
                              "64-byte header: map a snapshot_region of at least 12288 bytes (size=\"0x3000\")");
    sel4ft_restart_explain_image(-SEL4FT_EBADMSG, 8192, 11208, text, sizeof(text));
    assert_non_null(strstr(text, "nothing was restored"));
}

static void test_summary(void **state)
{
    (void)state;
    assert_int_equal(add(0, 1, 0, 1, NULL), SEL4FT_RPC_OK);
    sel4ft_service_log_summary(&service);
    assert_non_null(strstr(console, "server|INFO: summary: incarnation 1, 1 updates applied, 0 retries "
                                           "answered from the record, checkpoint sequence 1\n"));
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, console_teardown)
    const struct CMUnitTest tests[] = {
        T(test_first_start),
        T(test_an_update_is_applied_once_and_committed_before_the_reply),
        T(test_reused_and_stale_ids_are_refused),
        T(test_clients_are_apart_and_more_than_eight),
        T(test_a_refused_update_changes_and_records_nothing),
        T(test_a_query_is_neither_recorded_nor_committed),
        T(test_crash_before_commit_applies_the_retry_once),
        T(test_crash_after_commit_answers_the_retry_from_the_record),
        T(test_a_corrupted_checkpoint_is_rejected_and_the_older_loaded),
        T(test_sizes_that_do_not_fit_are_named),
        T(test_a_checkpoint_of_another_layout_is_not_loaded),
        T(test_the_restart_error_names_the_sizes_and_the_fix),
        T(test_summary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
