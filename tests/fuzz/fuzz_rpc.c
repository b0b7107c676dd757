/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* libFuzzer: the request/reply protocol against hostile shared memory, both ways.
 * Input: byte 0 picks the direction and the PPC label; the rest is the region's contents. */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <sel4ft/error.h>
#include <sel4ft/os_linux.h>
#include <sel4ft/rpc.h>

#define REGION_SIZE 512u

static _Alignas(8) uint8_t region[REGION_SIZE];
static _Alignas(8) uint8_t scratch[REGION_SIZE];
static _Alignas(8) uint8_t reply_buffer[REGION_SIZE];
static uint64_t hostile_label;

static uint32_t echo(void *context, const sel4ft_rpc_request_t *request, sel4ft_rpc_response_t *response)
{
    (void)context;
    /* The handler sees a private copy no larger than the region's capacity. */
    if (request->length > REGION_SIZE - sizeof(sel4ft_rpc_header_t) || request->payload != scratch) {
        __builtin_trap();
    }
    memcpy(response->payload, request->payload, request->length);
    response->length = request->length;
    return request->opcode == 7 ? SEL4FT_RPC_STATUS_NUM + 3 : SEL4FT_RPC_OK;
}

/* A hostile server: answers with whatever label the input chose and leaves the region as the input made it. */
static sel4ft_msginfo_t hostile_server(void *context, sel4ft_channel_t channel, sel4ft_msginfo_t message)
{
    (void)context;
    (void)channel;
    (void)message;
    return (sel4ft_msginfo_t){ hostile_label, 2 };
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) {
        return 0;
    }
    uint8_t control = data[0];
    memset(region, 0, sizeof(region));
    memcpy(region, data + 1, size - 1 < REGION_SIZE ? size - 1 : REGION_SIZE);

    if ((control & 1) == 0) {
        /* Server side: a client wrote anything into the region. */
        sel4ft_rpc_server_t server;
        sel4ft_rpc_server_init(&server, echo, NULL, 1 + (control >> 4), scratch, sizeof(scratch));
        sel4ft_rpc_server_attach(&server, 3, region, sizeof(region));
        uint64_t label = (control & 2) ? SEL4FT_RPC_LABEL_REQUEST : control;
        sel4ft_msginfo_t answer = sel4ft_rpc_server_handle(&server, (control & 4) ? 3 : 5, (sel4ft_msginfo_t){ label, 0 });
        if (answer.label == SEL4FT_RPC_LABEL_REPLY) {
            /* Whatever it answered is a well-formed header with a length inside the region. */
            sel4ft_rpc_header_t header;
            if (sel4ft_rpc_header_read(region, sizeof(region), &header) != 0 || !sel4ft_rpc_status_valid(header.status)) {
                __builtin_trap();
            }
        } else if (answer.label != SEL4FT_RPC_LABEL_REJECT) {
            __builtin_trap();
        }
        return 0;
    }

    /* Client side: a server answered with anything. */
    hostile_label = (control & 2) ? SEL4FT_RPC_LABEL_REPLY : (control & 4) ? SEL4FT_RPC_LABEL_REJECT : control;
    sel4ft_os_mr_set(0, size > 2 ? data[1] : 0);
    sel4ft_os_mr_set(1, size > 3 ? data[2] : 0);
    sel4ft_os_linux_hooks_t hooks = { .ppcall = hostile_server };
    sel4ft_os_linux_set_hooks(&hooks);
    sel4ft_rpc_client_t client;
    sel4ft_rpc_reply_t reply;
    sel4ft_rpc_client_init(&client, region, sizeof(region), 1, 1);
    size_t capacity = control >> 3;
    int err = sel4ft_rpc_call_id(&client, 1, 2, 0, reply_buffer, capacity * 16, &reply);
    if (err == 0 && reply.length > capacity * 16) {
        __builtin_trap();
    }
    sel4ft_os_linux_set_hooks(NULL);
    return 0;
}
