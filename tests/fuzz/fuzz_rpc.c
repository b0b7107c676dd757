/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* libFuzzer: the request/reply protocol against a hostile peer, both ways. The header travels in the PPC's label
 * and message registers; the payload in the region. Input:
 *   byte 0      control: bit 0 the direction (server or client side); the other bits choose how much of the
 *               message is made well formed, the channel, the server's configuration and entry point
 *   bytes 1-8   the label (little-endian)
 *   bytes 9-16  message register 0
 *   bytes 17-24 message register 1
 *   byte 25     the register count
 *   the rest    the region's contents
 * The region is allocated at its exact size for each input, so AddressSanitizer sees any access past it. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sel4ft/error.h>
#include <sel4ft/os_linux.h>
#include <sel4ft/rpc.h>

#define REGION_SIZE 512u
#define CAPACITY (REGION_SIZE / 2)
#define CHANNEL 3u
#define CANARY 0xa5

static uint8_t *region;
static _Alignas(8) uint8_t scratch[CAPACITY];
static _Alignas(8) uint8_t reply_buffer[REGION_SIZE];
static sel4ft_msginfo_t hostile_answer;
static uint64_t hostile_mr[2];
static unsigned handler_calls;

static uint64_t load64(const uint8_t *data)
{
    uint64_t value = 0;
    for (int i = 7; i >= 0; i--) {
        value = (value << 8) | data[i];
    }
    return value;
}

static uint32_t echo(void *context, const sel4ft_rpc_request_t *request, sel4ft_rpc_response_t *response)
{
    (void)context;
    handler_calls++;
    /* The handler sees a validated request: a length inside the region's request half, exactly one of the two
     * payload pointers (the private copy, or the region itself for an opaque opcode), and the reply half. */
    if (request->length > CAPACITY || response->capacity != CAPACITY || response->payload != region + CAPACITY ||
        (request->payload != NULL && request->shared_payload != NULL)) {
        __builtin_trap();
    }
    if (request->payload != NULL && request->payload != scratch) {
        __builtin_trap();
    }
    if (request->shared_payload != NULL && request->shared_payload != region) {
        __builtin_trap();
    }
    const uint8_t *payload = request->payload != NULL ? request->payload : request->shared_payload;
    if (payload == NULL && request->length != 0) {
        __builtin_trap();
    }
    sel4ft_rpc_request_copy(request, response->payload);
    response->length = request->length;
    /* Some opcodes make the handler misbehave: a reserved status, a reply longer than the region. */
    if (request->opcode == 7) {
        return SEL4FT_RPC_STATUS_NUM + 3;
    }
    if (request->opcode == 8) {
        response->length = CAPACITY + 1;
    }
    return request->opcode >= 0x100 ? request->opcode : SEL4FT_RPC_OK;
}

/* A hostile server: answers with whatever the input chose, and leaves the region as the input made it. */
static sel4ft_msginfo_t hostile_server(void *context, sel4ft_channel_t channel, sel4ft_msginfo_t message)
{
    (void)context;
    (void)channel;
    (void)message;
    sel4ft_os_mr_set(0, hostile_mr[0]);
    sel4ft_os_mr_set(1, hostile_mr[1]);
    return hostile_answer;
}

static void server_side(uint8_t control, uint64_t label, uint64_t mr0, uint64_t mr1, uint32_t count)
{
    sel4ft_rpc_server_t server;
    uint64_t epoch = 1 + (control >> 6);
    bool with_buffer = (control & 0x10) == 0;
    if (sel4ft_rpc_server_init(&server, echo, NULL, epoch, with_buffer ? scratch : NULL,
                               with_buffer ? sizeof(scratch) : 0) != 0) {
        __builtin_trap();
    }
    if ((control & 0x20) != 0) {
        sel4ft_rpc_server_declare_opaque(&server, (uint16_t)(label >> SEL4FT_RPC_LABEL_OPCODE_SHIFT));
    }
    if (sel4ft_rpc_server_attach(&server, CHANNEL, region, REGION_SIZE) != 0) {
        __builtin_trap();
    }
    if ((control & 2) != 0) {
        /* This version's request kind, so the checks behind it are reached. */
        label = ((uint64_t)SEL4FT_RPC_KIND_REQUEST << SEL4FT_RPC_LABEL_KIND_SHIFT) |
                (label & ((1ull << SEL4FT_RPC_LABEL_KIND_SHIFT) - 1));
        count = SEL4FT_RPC_MRS;
        if ((control & 0x40) != 0) {
            mr1 = (control & 0x80) != 0 ? epoch : 0;
        }
    }
    sel4ft_os_mr_set(0, mr0);
    sel4ft_os_mr_set(1, mr1);
    sel4ft_channel_t channel = (control & 4) ? CHANNEL : 5;
    sel4ft_msginfo_t message = { label, count };
    unsigned calls = handler_calls;
    sel4ft_msginfo_t answer = (control & 8) ? sel4ft_rpc_server_handle_with(&server, channel, message, echo, NULL)
                                            : sel4ft_rpc_server_handle(&server, channel, message);

    if (sel4ft_msginfo_matches(answer, SEL4FT_RPC_LABEL_REJECT, SEL4FT_RPC_MRS)) {
        /* A refusal: a library status, the server's epoch, the handler never called. */
        uint64_t status = sel4ft_os_mr_get(0);
        if (status == SEL4FT_RPC_OK || status >= SEL4FT_RPC_STATUS_NUM || sel4ft_os_mr_get(1) != epoch ||
            handler_calls != calls || server.rejected != 1) {
            __builtin_trap();
        }
        return;
    }
    /* Otherwise a well-formed reply to this very request. */
    if (answer.label >> SEL4FT_RPC_LABEL_KIND_SHIFT != SEL4FT_RPC_KIND_REPLY || answer.count != SEL4FT_RPC_MRS ||
        (answer.label & SEL4FT_RPC_LABEL_LENGTH_MASK) > CAPACITY ||
        ((answer.label ^ label) >> SEL4FT_RPC_LABEL_OPCODE_SHIFT & 0xffff) != 0 || sel4ft_os_mr_get(0) != mr0 ||
        sel4ft_os_mr_get(1) >> 32 != epoch || !sel4ft_rpc_status_valid((uint32_t)sel4ft_os_mr_get(1)) ||
        (label & SEL4FT_RPC_LABEL_LENGTH_MASK) > CAPACITY || channel != CHANNEL || server.requests != 1 ||
        handler_calls > calls + 1) {
        __builtin_trap();
    }
    /* The handler ran exactly when the request named the server's epoch or none. */
    if ((handler_calls == calls + 1) != (mr1 == epoch || mr1 == 0) &&
        (uint32_t)sel4ft_os_mr_get(1) != SEL4FT_RPC_TOO_LARGE) {
        __builtin_trap();
    }
}

static void client_side(uint8_t control, uint64_t label, uint64_t mr0, uint64_t mr1, uint32_t count)
{
    sel4ft_rpc_client_t client;
    sel4ft_rpc_reply_t reply;
    if (sel4ft_rpc_client_init(&client, region, REGION_SIZE, 1, 1) != 0) {
        __builtin_trap();
    }
    uint64_t request_id = 77;
    uint16_t opcode = 2;
    if ((control & 2) != 0) {
        /* A reply kind with the right count, and sometimes the right id and opcode. */
        label = ((uint64_t)((control & 4) ? SEL4FT_RPC_KIND_REJECT : SEL4FT_RPC_KIND_REPLY)
                 << SEL4FT_RPC_LABEL_KIND_SHIFT) |
                (label & ((1ull << SEL4FT_RPC_LABEL_KIND_SHIFT) - 1));
        count = SEL4FT_RPC_MRS;
        if ((control & 8) != 0) {
            label = (label & ~(0xffffull << SEL4FT_RPC_LABEL_OPCODE_SHIFT)) |
                    ((uint64_t)opcode << SEL4FT_RPC_LABEL_OPCODE_SHIFT);
            mr0 = request_id;
        }
        if ((control & 0x0c) == 0x0c) {
            label = SEL4FT_RPC_LABEL_REJECT;
            mr0 &= 0xf;
        }
    }
    hostile_answer = (sel4ft_msginfo_t){ label, count };
    hostile_mr[0] = mr0;
    hostile_mr[1] = mr1;
    sel4ft_os_linux_hooks_t hooks = { .ppcall = hostile_server };
    sel4ft_os_linux_set_hooks(&hooks);

    size_t capacity = (control >> 4) * 16;
    memset(reply_buffer, CANARY, sizeof(reply_buffer));
    int err = sel4ft_rpc_call_id(&client, request_id, opcode, 0, capacity != 0 ? reply_buffer : NULL, capacity,
                                 &reply);
    if (err == 0) {
        if (reply.length > capacity || reply.length > CAPACITY || reply.request_id != request_id ||
            !sel4ft_rpc_status_valid(reply.status)) {
            __builtin_trap();
        }
        /* Exactly the reply's bytes were copied, from the reply half. */
        if (reply.length != 0 && memcmp(reply_buffer, region + CAPACITY, reply.length) != 0) {
            __builtin_trap();
        }
        for (size_t i = reply.length; i < sizeof(reply_buffer); i++) {
            if (reply_buffer[i] != CANARY) {
                __builtin_trap();
            }
        }
    } else {
        /* A failed call copies nothing; only a restart or a stale epoch teaches the client an epoch. */
        for (size_t i = 0; i < sizeof(reply_buffer); i++) {
            if (reply_buffer[i] != CANARY) {
                __builtin_trap();
            }
        }
        if (err != -SEL4FT_ESTALE && client.epoch != 0) {
            __builtin_trap();
        }
    }
    sel4ft_os_linux_set_hooks(NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 26) {
        return 0;
    }
    uint8_t control = data[0];
    uint64_t label = load64(data + 1);
    uint64_t mr0 = load64(data + 9);
    uint64_t mr1 = load64(data + 17);
    uint32_t count = data[25];

    region = aligned_alloc(8, REGION_SIZE);
    if (region == NULL) {
        return 0;
    }
    memset(region, 0, REGION_SIZE);
    memcpy(region, data + 26, size - 26 < REGION_SIZE ? size - 26 : REGION_SIZE);
    handler_calls = 0;

    if ((control & 1) == 0) {
        server_side(control, label, mr0, mr1, count);
    } else {
        client_side(control, label, mr0, mr1, count);
    }
    free(region);
    region = NULL;
    return 0;
}
