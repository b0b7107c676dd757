/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <sel4ft/call.h>
#include <sel4ft/error.h>
#include <sel4ft/log.h>
#include <sel4ft/os_linux.h>

#include "console.h"
#include <sel4ft/service.h>

/* A durable counter service behind the retrying client; the fake kernel can make it "restart" under a call. */
enum { OP_ADD = 1 };
#define REGION_SIZE 128u
#define CHANNEL 4u

static unsigned applied;

static uint32_t apply(void *state, const sel4ft_rpc_request_t *request, sel4ft_rpc_response_t *response)
{
    int64_t *counter = state;
    if (request->opcode != OP_ADD || request->length != sizeof(int64_t)) {
        return SEL4FT_RPC_INVALID_ARGUMENT;
    }
    applied++;
    *counter += *(const int64_t *)request->payload;
    return sel4ft_service_reply(response, counter, sizeof(*counter));
}

static sel4ft_service_t service;
static _Alignas(8) uint8_t memory[SEL4FT_SERVICE_MEMORY_SIZE(8, 1, 8, REGION_SIZE)];
static _Alignas(8) uint8_t checkpoint[SEL4FT_SERVICE_CHECKPOINT_SIZE(8, 1, 8)];
static _Alignas(8) uint8_t region[REGION_SIZE];
static _Alignas(8) uint8_t progress_region[4096];
static sel4ft_service_client_t client = { CHANNEL, { region, REGION_SIZE } };

static struct {
    unsigned restarts_left;  /* answer this many attempts with "restarted" */
    bool apply_first;        /* apply the request before the first such answer (a crash after the commit) */
    uint64_t ids[16];        /* the request id of every attempt */
    unsigned attempts;
    bool garbage;            /* answer outside the protocol */
    const sel4ft_call_t *caller; /* the client under test */
} kernel;

static void restart_service(uint64_t epoch)
{
    sel4ft_service_config_t config = {
        .state_size = 8, .apply = apply, .reply_max = 8, .clients = &client, .client_count = 1,
        .checkpoint = { checkpoint, sizeof(checkpoint) }, .monitor_channel = 9, .memory = memory,
        .memory_size = sizeof(memory),
    };
    assert_int_equal(sel4ft_service_start(&service, &config), 0);
    service.rpc.epoch = epoch; /* what sel4ft_restart_begin() gives a real restart */
}

static sel4ft_msginfo_t on_ppcall(void *context, sel4ft_channel_t channel, sel4ft_msginfo_t message)
{
    (void)context;
    assert_int_equal(channel, CHANNEL);
    if (kernel.attempts < 16) {
        /* The id the client sent, as its rpc handle recorded it (whatever the wire format carries it in). */
        kernel.ids[kernel.attempts] = kernel.caller->rpc.last_request_id;
    }
    kernel.attempts++;
    if (kernel.garbage) {
        return sel4ft_msginfo_new(0x1234, 0);
    }
    if (kernel.restarts_left > 0) {
        if (kernel.apply_first) {
            kernel.apply_first = false;
            sel4ft_service_handle(&service, channel, message);
        }
        kernel.restarts_left--;
        /* The crash scribbled on the region; the restarted server answers the interrupted call. */
        memset(region + 32, 0xee, REGION_SIZE - 32);
        restart_service(service.rpc.epoch + 1);
        return sel4ft_rpc_server_restarted(&service.rpc);
    }
    return sel4ft_service_handle(&service, channel, message);
}

static int setup(void **state)
{
    (void)state;
    memset(&kernel, 0, sizeof(kernel));
    memset(checkpoint, 0, sizeof(checkpoint));
    memset(progress_region, 0, sizeof(progress_region));
    applied = 0;
    console_setup((sel4ft_os_linux_hooks_t){ .ppcall = on_ppcall }, "client");
    restart_service(1);
    console_clear();
    return 0;
}

static void test_calls_take_new_ids(void **state)
{
    (void)state;
    static sel4ft_call_t call;
    kernel.caller = &call;
    sel4ft_call_config_t config = { .region = { region, REGION_SIZE }, .channel = CHANNEL };
    assert_int_equal(sel4ft_call_init(&call, &config), 0);
    int64_t delta = 2, value = 0;
    uint32_t status = 99;
    for (int i = 1; i <= 3; i++) {
        assert_int_equal(sel4ft_call(&call, OP_ADD, &delta, sizeof(delta), &value, sizeof(value), &status), 0);
        assert_int_equal(status, SEL4FT_RPC_OK);
        assert_int_equal(value, 2 * i);
    }
    assert_int_equal(kernel.ids[0], 1);
    assert_int_equal(kernel.ids[2], 3);
    assert_int_equal(call.calls, 3);
    assert_int_equal(call.retries, 0);
}

static void test_a_restart_under_a_call_is_retried_under_the_same_id_and_applied_once(void **state)
{
    (void)state;
    static sel4ft_call_t call;
    kernel.caller = &call;
    sel4ft_call_config_t config = { .region = { region, REGION_SIZE }, .channel = CHANNEL, .first_request_id = 50 };
    assert_int_equal(sel4ft_call_init(&call, &config), 0);
    kernel.restarts_left = 2;
    kernel.apply_first = true;
    int64_t delta = 5, value = 0;
    uint32_t status;
    assert_int_equal(sel4ft_call(&call, OP_ADD, &delta, sizeof(delta), &value, sizeof(value), &status), 0);
    assert_int_equal(status, SEL4FT_RPC_OK);
    assert_int_equal(value, 5);
    assert_int_equal(applied, 1);
    assert_int_equal(kernel.attempts, 3);
    assert_int_equal(kernel.ids[0], 50);
    assert_int_equal(kernel.ids[1], 50);
    assert_int_equal(kernel.ids[2], 50);
    assert_int_equal(call.retries, 2);
    assert_int_equal(service.block->replays, 1);
    assert_non_null(strstr(console, "client|INFO: request 50: SEL4FT_RPC_PEER_RESTARTED (server epoch now 2): "
                                           "retrying under the same id\n"));
}

static void test_a_server_that_keeps_restarting_is_given_up(void **state)
{
    (void)state;
    static sel4ft_call_t call;
    kernel.caller = &call;
    sel4ft_call_config_t config = { .region = { region, REGION_SIZE }, .channel = CHANNEL, .max_attempts = 3 };
    assert_int_equal(sel4ft_call_init(&call, &config), 0);
    kernel.restarts_left = 100;
    int64_t delta = 1, value;
    uint32_t status;
    assert_int_equal(sel4ft_call(&call, OP_ADD, &delta, sizeof(delta), &value, sizeof(value), &status),
                     -SEL4FT_EUNAVAILABLE);
    assert_int_equal(kernel.attempts, 3);
    assert_int_equal(call.failures, 1);
    assert_non_null(strstr(console, "client|ERROR: request 1 (op 1): the server restarted under all 3 "
                                           "attempts: given up\n"));
    /* Back: the next call takes the next id. */
    kernel.restarts_left = 0;
    assert_int_equal(sel4ft_call(&call, OP_ADD, &delta, sizeof(delta), &value, sizeof(value), &status), 0);
    assert_int_equal(kernel.ids[3], 2);
}

static void test_an_answer_outside_the_protocol_is_an_error(void **state)
{
    (void)state;
    static sel4ft_call_t call;
    kernel.caller = &call;
    sel4ft_call_config_t config = { .region = { region, REGION_SIZE }, .channel = CHANNEL };
    assert_int_equal(sel4ft_call_init(&call, &config), 0);
    kernel.garbage = true;
    int64_t delta = 1;
    uint32_t status;
    assert_int_equal(sel4ft_call(&call, OP_ADD, &delta, sizeof(delta), NULL, 0, &status), -SEL4FT_EPEER);
    assert_int_equal(call.failures, 1);
    assert_int_equal(sel4ft_call(&call, OP_ADD, NULL, 8, NULL, 0, &status), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_call(&call, OP_ADD, &delta, REGION_SIZE, NULL, 0, &status), -SEL4FT_E2BIG);
}

typedef struct {
    uint64_t rounds;
} progress_t;

static void test_progress_survives_the_clients_restart(void **state)
{
    (void)state;
    static sel4ft_call_t call;
    kernel.caller = &call;
    static progress_t progress;
    sel4ft_call_config_t config = { .region = { region, REGION_SIZE }, .channel = CHANNEL,
                                    .progress = { progress_region, sizeof(progress_region) },
                                    .user_progress = &progress, .user_progress_size = sizeof(progress) };
    assert_int_equal(sel4ft_call_init(&call, &config), 0);
    assert_false(sel4ft_call_resumed(&call));
    int64_t delta = 1, value;
    uint32_t status;
    for (int i = 0; i < 4; i++) {
        assert_int_equal(sel4ft_call(&call, OP_ADD, &delta, sizeof(delta), &value, sizeof(value), &status), 0);
        progress.rounds++;
    }
    /* The client "crashes" after its 4th request was applied and answered, before its next commit. */
    memset(&call, 0xcc, sizeof(call));
    progress.rounds = 999;
    assert_int_equal(sel4ft_call_init(&call, &config), 0);
    assert_true(sel4ft_call_resumed(&call));
    assert_int_equal(progress.rounds, 3);
    /* It rebuilds request 4 from its restored progress and sends it again: answered from the record. */
    assert_int_equal(sel4ft_call(&call, OP_ADD, &delta, sizeof(delta), &value, sizeof(value), &status), 0);
    assert_int_equal(value, 4);
    assert_int_equal(kernel.ids[4], 4);
    assert_int_equal(applied, 4);
    assert_int_equal(service.block->replays, 1);
    assert_false(sel4ft_call_resumed(&call));
}

static void test_bad_configurations(void **state)
{
    (void)state;
    static sel4ft_call_t call;
    kernel.caller = &call;
    sel4ft_call_config_t config = { .region = { region, 8 }, .channel = CHANNEL };
    assert_int_equal(sel4ft_call_init(&call, &config), -SEL4FT_EINVAL);
    assert_non_null(strstr(console, "cannot be used"));
    static uint8_t big[SEL4FT_CALL_PROGRESS_MAX + 1];
    config = (sel4ft_call_config_t){ .region = { region, REGION_SIZE }, .channel = CHANNEL, .user_progress = big,
                                     .user_progress_size = sizeof(big) };
    assert_int_equal(sel4ft_call_init(&call, &config), -SEL4FT_EINVAL);
    config = (sel4ft_call_config_t){ .region = { region, REGION_SIZE }, .channel = CHANNEL,
                                     .progress = { progress_region, 64 } };
    assert_int_equal(sel4ft_call_init(&call, &config), -SEL4FT_EINVAL);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, console_teardown)
    const struct CMUnitTest tests[] = {
        T(test_calls_take_new_ids),
        T(test_a_restart_under_a_call_is_retried_under_the_same_id_and_applied_once),
        T(test_a_server_that_keeps_restarting_is_given_up),
        T(test_an_answer_outside_the_protocol_is_an_error),
        T(test_progress_survives_the_clients_restart),
        T(test_bad_configurations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
