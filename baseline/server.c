/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The server: the examples' key-value service (services/kv_store.h, the same core the seL4 server PD uses) as
 * a Linux process; this file is its transport. Requests arrive in a request slot in POSIX shared memory (one per client process, eventfd wake-ups) and over a Unix
 * stream socket; every request is copied out of shared memory or the socket first, then validated, then used.
 *
 * The table lives in a mapping of its own: private in the isolated scenario, a POSIX shared memory object in
 * the shared scenario (the careless design in which another process may map it writable). Canaries and a
 * checksum, checked before every request, show whether anything but the server wrote to it. */

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "control.h"
#include "log.h"
#include "role.h"
#include "server_state.h"
#include "shared.h"
#include "slot.h"

#define MAX_CONNECTIONS 4u

/* Where a request came from, for the summary. */
enum source {
    SOURCE_CLIENT_SHM = 0,
    SOURCE_CRASHER_SHM,
    SOURCE_SOCKET,
    SOURCE_NUM
};

typedef struct {
    baseline_role_options_t options;
    server_state_t *state;
    baseline_slot_t slots[BASELINE_SLOT_NUM];
    int connections[MAX_CONNECTIONS];
    bool corrupted;
    uint64_t requests[SOURCE_NUM];
    uint64_t succeeded;
    uint64_t failed;
    uint64_t malformed;
    _Alignas(8) uint8_t request_payload[BASELINE_PAYLOAD_MAX];
    _Alignas(8) uint8_t reply_payload[BASELINE_PAYLOAD_MAX];
    _Alignas(8) uint8_t message[BASELINE_MESSAGE_MAX];
} server_t;

/* Check the state before touching it. Once it failed, it stays failed: nothing in it can be trusted. */
static bool state_intact(server_t *server)
{
    if (server->corrupted) {
        return false;
    }
    server_state_t *state = server->state;
    uint64_t computed = server_state_checksum(state);
    bool canaries = state->canary_front == SERVER_STATE_CANARY && state->canary_back == SERVER_STATE_CANARY;
    if (canaries && computed == state->checksum) {
        return true;
    }
    server->corrupted = true;
    LOG_ERROR("state corrupted: checksum 0x%016lx, but the table hashes to 0x%016lx; canaries %s; entry 0 key now "
              "starts '%.8s'", (unsigned long)state->checksum, (unsigned long)computed,
              canaries ? "intact" : "overwritten", state->table.entries[0].key);
    LOG_ERROR("refusing every request from now on (SEL4FT_RPC_INTERNAL_ERROR): nothing in the table can be trusted");
    baseline_control_send(BASELINE_FD_CONTROL, BASELINE_CONTROL_CORRUPTED, 0, 0, 0);
    return false;
}

static void state_changed(server_state_t *state)
{
    state->checksum = server_state_checksum(state);
}

static uint32_t stats(server_t *server, uint32_t *length)
{
    uint64_t requests = server->requests[SOURCE_CLIENT_SHM] + server->requests[SOURCE_CRASHER_SHM] +
                        server->requests[SOURCE_SOCKET];
    kv_stats_reply_t reply = kv_table_stats(&server->state->table, requests, server->succeeded + 1 /* this one */,
                                            server->failed);
    if (server->corrupted) {
        reply.entries = 0; /* nothing in the table can be trusted */
    }
    memcpy(server->reply_payload, &reply, sizeof(reply));
    *length = sizeof(reply);
    LOG_INFO("summary: %lu requests (shared memory: client %lu, crasher %lu; socket %lu), %lu succeeded, %lu failed, "
             "%lu malformed; %u entries; state %s",
             (unsigned long)requests, (unsigned long)server->requests[SOURCE_CLIENT_SHM],
             (unsigned long)server->requests[SOURCE_CRASHER_SHM], (unsigned long)server->requests[SOURCE_SOCKET],
             (unsigned long)reply.succeeded, (unsigned long)server->failed, (unsigned long)server->malformed,
             reply.entries, server->corrupted ? "CORRUPTED" : "intact");
    return SEL4FT_RPC_OK;
}

/* Handle a request whose header and payload are private, validated copies, and count it. */
static uint32_t handle(server_t *server, const sel4ft_rpc_header_t *request, const uint8_t *payload,
                       uint32_t *reply_length)
{
    *reply_length = 0;
    uint32_t status = SEL4FT_RPC_INTERNAL_ERROR;
    if (request->opcode == KV_STATS) {
        status = stats(server, reply_length);
    } else if (state_intact(server)) {
        status = kv_table_apply(&server->state->table, request->opcode, payload, request->length,
                                server->reply_payload, sizeof(server->reply_payload), reply_length);
        if (status == SEL4FT_RPC_OK && kv_opcode_writes(request->opcode)) {
            state_changed(server->state);
        }
    }
    server->succeeded += status == SEL4FT_RPC_OK;
    server->failed += status != SEL4FT_RPC_OK;
    return status;
}

static void serve_slot(server_t *server, unsigned index)
{
    baseline_slot_t *slot = &server->slots[index];
    sel4ft_rpc_header_t request;

    while (baseline_slot_pending(slot)) {
        server->requests[index == 0 ? SOURCE_CLIENT_SHM : SOURCE_CRASHER_SHM]++;
        if (baseline_slot_take(slot, &request, server->request_payload) != 0) {
            server->malformed++;
            server->failed++;
            baseline_slot_answer(slot, 0, SEL4FT_RPC_BAD_MESSAGE, NULL, 0, 0, server->options.incarnation);
            continue;
        }
        uint32_t length;
        uint32_t status = handle(server, &request, server->request_payload, &length);
        baseline_slot_answer(slot, request.opcode, status, server->reply_payload, length, request.request_id,
                             server->options.incarnation);
    }
}

/* One request from a connection that poll() found readable. The read blocks until the whole message is in:
 * the demo's clients are well-behaved processes; a server facing hostile ones would read without blocking
 * and keep a partial message per connection. */
static void serve_connection(server_t *server, unsigned index)
{
    int fd = server->connections[index];
    sel4ft_rpc_header_t request;

    int err = baseline_stream_receive(fd, server->message, &request);
    if (err == -EPIPE || err == -ECONNRESET) {
        close(fd);
        server->connections[index] = -1;
        return;
    }
    server->requests[SOURCE_SOCKET]++;
    if (err != 0) {
        /* The stream cannot be resynchronised after a bad header: answer, then hang up. */
        server->malformed++;
        server->failed++;
        baseline_stream_send(fd, server->message, 0, SEL4FT_RPC_BAD_MESSAGE, NULL, 0, 0, server->options.incarnation);
        close(fd);
        server->connections[index] = -1;
        return;
    }
    /* The payload is already a private copy: the kernel copied it out of the client's buffer. */
    memcpy(server->request_payload, server->message + sizeof(request), request.length);
    uint32_t length;
    uint32_t status = handle(server, &request, server->request_payload, &length);
    if (baseline_stream_send(fd, server->message, request.opcode, status, server->reply_payload, length,
                             request.request_id, server->options.incarnation) != 0) {
        close(fd);
        server->connections[index] = -1;
    }
}

static void accept_connection(server_t *server)
{
    int fd = accept4(BASELINE_SERVER_FD_LISTEN, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0) {
        return;
    }
    for (unsigned i = 0; i < MAX_CONNECTIONS; i++) {
        if (server->connections[i] < 0) {
            server->connections[i] = fd;
            return;
        }
    }
    LOG_WARN("too many connections; refusing one");
    close(fd);
}

static void map_state(server_t *server)
{
    server_state_t *state;
    if (server->options.shared_state) {
        state = baseline_shm_open(server->options.run, "server-state", SERVER_STATE_MAPPING_SIZE);
    } else {
        state = mmap(NULL, SERVER_STATE_MAPPING_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (state == MAP_FAILED) {
            baseline_die("mmap: %s", strerror(errno));
        }
    }
    if (state->canary_front == 0 && state->canary_back == 0) {
        memset(state, 0, sizeof(*state));
        state->canary_front = SERVER_STATE_CANARY;
        state->canary_back = SERVER_STATE_CANARY;
        state_changed(state);
    }
    server->state = state;
}

int baseline_server_main(int argc, char **argv)
{
    static server_t server;
    baseline_role_options_parse(&server.options, argc, argv);
    baseline_log_open(server.options.log, server.options.run, "server", BASELINE_FD_LOG);
    map_state(&server);

    for (unsigned i = 0; i < BASELINE_SLOT_NUM; i++) {
        void *mapping = baseline_slot_open(server.options.run, baseline_slot_owners[i]);
        baseline_slot_attach_server(&server.slots[i], mapping, BASELINE_SERVER_FD_BELLS + 2 * (int)i,
                                    BASELINE_SERVER_FD_BELLS + 2 * (int)i + 1);
    }
    for (unsigned i = 0; i < MAX_CONNECTIONS; i++) {
        server.connections[i] = -1;
    }
    LOG_INFO("key-value store ready (incarnation %u): table in %s; requests through a slot in POSIX shared memory "
             "per client (eventfd wake-ups) and over a Unix socket",
             server.options.incarnation,
             server.options.shared_state ? "a POSIX shared memory object (the shared scenario)"
                                         : "private memory (no other process can map it)");
    baseline_control_send(BASELINE_FD_CONTROL, BASELINE_CONTROL_READY, server.options.incarnation, 0, 0);

    for (;;) {
        /* A request a crashed incarnation left behind, or one that arrived before we polled. */
        for (unsigned i = 0; i < BASELINE_SLOT_NUM; i++) {
            serve_slot(&server, i);
        }
        struct pollfd fds[2 + BASELINE_SLOT_NUM + MAX_CONNECTIONS];
        unsigned n = 0;
        fds[n++] = (struct pollfd){ .fd = BASELINE_FD_CONTROL, .events = POLLIN };
        fds[n++] = (struct pollfd){ .fd = BASELINE_SERVER_FD_LISTEN, .events = POLLIN };
        for (unsigned i = 0; i < BASELINE_SLOT_NUM; i++) {
            fds[n++] = (struct pollfd){ .fd = server.slots[i].request_bell, .events = POLLIN };
        }
        for (unsigned i = 0; i < MAX_CONNECTIONS; i++) {
            fds[n++] = (struct pollfd){ .fd = server.connections[i], .events = POLLIN };
        }
        if (poll(fds, n, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            baseline_die("poll: %s", strerror(errno));
        }
        if (fds[0].revents != 0) {
            baseline_control_t message;
            int r = baseline_control_receive(BASELINE_FD_CONTROL, &message);
            if (r == 0 || (r == 1 && message.type == BASELINE_CONTROL_FINISH) || (r < 0 && r != -EBADMSG)) {
                LOG_INFO("stopping: asked by the supervisor");
                return 0;
            }
        }
        if (fds[1].revents != 0) {
            accept_connection(&server);
        }
        for (unsigned i = 0; i < BASELINE_SLOT_NUM; i++) {
            if (fds[2 + i].revents != 0) {
                baseline_bell_clear(server.slots[i].request_bell);
            }
        }
        for (unsigned i = 0; i < MAX_CONNECTIONS; i++) {
            if (server.connections[i] >= 0 && fds[2 + BASELINE_SLOT_NUM + i].revents != 0) {
                serve_connection(&server, i);
            }
        }
    }
}
