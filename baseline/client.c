/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The client: key-value requests in two phases, alternating between its request slot in POSIX shared memory and
 * the server's Unix socket, and a check of every answer; between the phases it waits for the supervisor's word
 * about the crasher. */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "control.h"
#include "kv_protocol.h"
#include "log.h"
#include "role.h"
#include "slot.h"
#include "stream.h"

/* How long a request may take before the client counts it as failed. */
#define REQUEST_TIMEOUT_MS 5000
#define PHASE1_REQUESTS 30u
#define PHASE2_REQUESTS 50u
#define FAILURES_LOGGED 3u

typedef struct {
    baseline_role_options_t options;
    baseline_slot_t slot;
    int socket;
    uint64_t next_request_id;
    uint64_t sent, succeeded, failed, unexpected;
    uint64_t sent_shm, sent_socket;
    int64_t counter;          /* The value the server's counter should have. */
    char last_value[KV_VALUE_MAX];
    _Alignas(8) uint8_t message[BASELINE_MESSAGE_MAX];
} client_t;

enum transport { TRANSPORT_SHM = 0, TRANSPORT_SOCKET };

/* One request over either transport. Returns 0 with *reply and the reply payload, or -errno. */
static int call(client_t *client, enum transport transport, uint16_t opcode, const void *payload, uint32_t length,
                void *reply_payload, uint32_t reply_capacity, sel4ft_rpc_header_t *reply)
{
    uint64_t id = client->next_request_id++;
    client->sent++;
    if (transport == TRANSPORT_SHM) {
        client->sent_shm++;
        return baseline_slot_call(&client->slot, opcode, payload, length, id, reply_payload, reply_capacity, reply,
                                  REQUEST_TIMEOUT_MS);
    }
    client->sent_socket++;
    /* A server that restarted closed our connection: reconnect once and send the same request again. */
    for (int attempt = 0; attempt < 2; attempt++) {
        if (client->socket < 0) {
            client->socket = baseline_unix_connect(client->options.run, BASELINE_SERVER_SOCKET);
            if (client->socket < 0) {
                return client->socket;
            }
        }
        int err = baseline_stream_call(client->socket, client->socket, client->message, opcode, payload, length, id,
                                       reply_payload, reply_capacity, reply);
        if (err == 0) {
            return 0;
        }
        close(client->socket);
        client->socket = -1;
        if (err != -EPIPE && err != -ECONNRESET) {
            return err;
        }
    }
    return -ECONNRESET;
}

static void key_for(char key[KV_KEY_MAX], uint64_t n)
{
    snprintf(key, KV_KEY_MAX, "client-%u", (unsigned)(n % 8));
}

/* Request n of the client's sequence: increments, puts, and gets of what the previous put wrote. */
static void request(client_t *client, uint64_t n)
{
    enum transport transport = n % 2 == 0 ? TRANSPORT_SHM : TRANSPORT_SOCKET;
    sel4ft_rpc_header_t reply;
    int err;
    bool expected = false;

    if (n % 3 == 0) {
        kv_increment_request_t inc = { .delta = 1 };
        snprintf(inc.key, sizeof(inc.key), "client-counter");
        kv_counter_reply_t counter = { 0 };
        err = call(client, transport, KV_INCREMENT, &inc, sizeof(inc), &counter, sizeof(counter), &reply);
        if (err == 0 && reply.status == SEL4FT_RPC_OK) {
            expected = reply.length == sizeof(counter) && counter.value == client->counter + 1;
            client->counter++;
        }
    } else if (n % 3 == 1) {
        kv_put_request_t put = { 0 };
        key_for(put.key, n);
        int length = snprintf((char *)put.value, sizeof(put.value), "value %u", (unsigned)n);
        put.value_length = (uint32_t)length + 1;
        memcpy(client->last_value, put.value, put.value_length);
        err = call(client, transport, KV_PUT, &put, sizeof(put), NULL, 0, &reply);
        expected = err == 0 && reply.status == SEL4FT_RPC_OK;
    } else {
        kv_key_request_t get = { 0 };
        key_for(get.key, n - 1);
        kv_value_reply_t value = { 0 };
        err = call(client, transport, KV_GET, &get, sizeof(get), &value, sizeof(value), &reply);
        if (err == 0 && reply.status == SEL4FT_RPC_OK) {
            expected = reply.length == sizeof(value) && value.value_length == strlen(client->last_value) + 1 &&
                       memcmp(value.value, client->last_value, value.value_length) == 0;
        }
    }

    const char *how = transport == TRANSPORT_SHM ? "shared memory" : "socket";
    if (err == 0 && reply.status == SEL4FT_RPC_OK && expected) {
        client->succeeded++;
        return;
    }
    client->failed++;
    client->unexpected += err == 0 && reply.status == SEL4FT_RPC_OK;
    /* The first few failures are logged, the rest only counted: one line per request would flood the log. */
    if (client->failed > FAILURES_LOGGED) {
        return;
    }
    if (err != 0) {
        LOG_WARN("request %u over %s failed: %s", (unsigned)n, how, strerror(-err));
    } else if (reply.status != SEL4FT_RPC_OK) {
        LOG_WARN("request %u over %s refused: %s", (unsigned)n, how, kv_status_str(reply.status));
    } else {
        LOG_ERROR("request %u over %s: the answer is not what the server was told", (unsigned)n, how);
    }
    if (client->failed == FAILURES_LOGGED) {
        LOG_WARN("further failures are counted, not logged");
    }
}

/* Run `count` requests from number `first`; returns the numbers that succeeded and failed. */
static void phase(client_t *client, uint32_t number, uint64_t first, uint32_t count)
{
    uint64_t succeeded = client->succeeded, failed = client->failed;
    uint64_t shm = client->sent_shm, socket = client->sent_socket;
    for (uint64_t n = first; n < first + count; n++) {
        request(client, n);
    }
    succeeded = client->succeeded - succeeded;
    failed = client->failed - failed;
    LOG_INFO("%s: %u requests (%lu through shared memory, %lu over the socket), %lu succeeded, %lu failed",
             number == 1 ? "before the crash" : "after the crash", count, (unsigned long)(client->sent_shm - shm),
             (unsigned long)(client->sent_socket - socket), (unsigned long)succeeded, (unsigned long)failed);
    baseline_control_send(BASELINE_FD_CONTROL, BASELINE_CONTROL_PHASE_DONE, number, succeeded, failed);
}

static void check_crasher_entry(client_t *client)
{
    kv_key_request_t get = { 0 };
    snprintf(get.key, sizeof(get.key), "crasher");
    kv_value_reply_t value = { 0 };
    sel4ft_rpc_header_t reply;
    int err = call(client, TRANSPORT_SHM, KV_GET, &get, sizeof(get), &value, sizeof(value), &reply);
    if (err == 0 && reply.status == SEL4FT_RPC_OK && value.value_length > 0 && value.value_length <= KV_VALUE_MAX) {
        value.value[value.value_length - 1] = '\0';
        client->succeeded++;
        LOG_INFO("the crasher's entry is intact: '%s'", (const char *)value.value);
    } else {
        client->failed++;
        LOG_WARN("the crasher's entry cannot be read: %s",
                 err != 0 ? strerror(-err) : kv_status_str(reply.status));
    }
}

int baseline_client_main(int argc, char **argv)
{
    static client_t client;
    baseline_role_options_parse(&client.options, argc, argv);
    baseline_log_open(client.options.log, client.options.run, "client", BASELINE_FD_LOG);
    client.socket = -1;
    client.next_request_id = (uint64_t)client.options.incarnation << 32 | 1;

    baseline_slot_attach_client(&client.slot, baseline_slot_open(client.options.run, "client"),
                                BASELINE_CLIENT_FD_REQUEST_BELL, BASELINE_CLIENT_FD_REPLY_BELL);
    LOG_INFO("started (incarnation %u): requests through my slot in POSIX shared memory and over the server's "
             "Unix socket, in turn", client.options.incarnation);
    baseline_control_send(BASELINE_FD_CONTROL, BASELINE_CONTROL_READY, client.options.incarnation, 0, 0);

    phase(&client, 1, 0, PHASE1_REQUESTS);

    /* Until the supervisor says go on (once the crasher is given up), hearing of each of its failures. */
    uint32_t failures = 0;
    for (baseline_control_t message = { 0 }; message.type != BASELINE_CONTROL_CONTINUE;) {
        if (baseline_control_receive(BASELINE_FD_CONTROL, &message) != 1) {
            LOG_ERROR("the supervisor went away");
            return 1;
        }
        if (message.type == BASELINE_CONTROL_PEER_FAILED) {
            LOG_INFO("the supervisor reports that a process I depend on failed");
            failures++;
        }
    }
    if (failures > 0) {
        LOG_INFO("going on after %u failures of a process I depend on: checking that the server still answers",
                 failures);
    }
    phase(&client, 2, PHASE1_REQUESTS, PHASE2_REQUESTS);
    check_crasher_entry(&client);

    kv_stats_reply_t stats;
    sel4ft_rpc_header_t reply;
    if (call(&client, TRANSPORT_SHM, KV_STATS, NULL, 0, &stats, sizeof(stats), &reply) == 0 &&
        reply.status == SEL4FT_RPC_OK) {
        client.succeeded++;
    } else {
        client.failed++;
    }
    LOG_INFO("summary: %lu requests sent, %lu succeeded, %lu failed, %lu unexpected", (unsigned long)client.sent,
             (unsigned long)client.succeeded, (unsigned long)client.failed, (unsigned long)client.unexpected);
    return 0;
}
