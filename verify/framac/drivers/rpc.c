/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* EVA driver: request and reply validation (sel4ft_rpc_header_read(), sel4ft_rpc_server_handle() on the
 * server's side, sel4ft_rpc_call_id() on the client's) with the region in the shared window
 * (verify/framac/shared.c): the peer writes anything there at any moment; the PPC answers with any label and
 * any message registers; the server's handler claims any reply length. Region sizes: the smallest, an odd
 * size, a page and the largest. */

#include <stddef.h>
#include <stdint.h>

#include "__fc_builtin.h"
#include <sel4ft/os.h>
#include <sel4ft/rpc.h>

#include "window.h"

/* The Linux port's message registers (lib/port/linux/os_linux.c is not analysed). */
_Thread_local uint64_t sel4ft_linux_message_registers_[SEL4FT_OS_MAX_MRS];

static uint8_t scratch[SEL4FT_RPC_REGION_MAX];
static uint8_t reply_payload[SEL4FT_RPC_REGION_MAX];

/* The kernel and a hostile server: any label, any message registers, the region rewritten (it is anyway). */
sel4ft_msginfo_t sel4ft_os_ppcall(sel4ft_channel_t channel, sel4ft_msginfo_t message)
{
    (void)channel;
    (void)message;
    Frama_C_make_unknown((char *)sel4ft_linux_message_registers_, sizeof(sel4ft_linux_message_registers_));
    uint64_t labels[4] = { SEL4FT_RPC_LABEL_REPLY, SEL4FT_RPC_LABEL_REJECT, SEL4FT_RPC_LABEL_REQUEST, 0 };
    return sel4ft_msginfo_new(labels[Frama_C_interval(0, 3)], Frama_C_unsigned_int_interval(0, 64));
}

/* A handler that may claim any reply length (the server must not trust it either). */
static uint32_t handler(void *context, const sel4ft_rpc_request_t *request, sel4ft_rpc_response_t *response)
{
    (void)context;
    (void)request;
    response->length = Frama_C_unsigned_int_interval(0, UINT32_MAX);
    return Frama_C_unsigned_int_interval(0, UINT32_MAX);
}

static void rpc_any(size_t region_size)
{
    sel4ft_verify_window_size = region_size;
    Frama_C_make_unknown((char *)sel4ft_linux_message_registers_, sizeof(sel4ft_linux_message_registers_));

    sel4ft_rpc_header_t header;
    sel4ft_rpc_header_read(SEL4FT_VERIFY_REGION, region_size, &header);

    sel4ft_rpc_server_t server;
    uint64_t epoch = Frama_C_unsigned_long_long_interval(1, UINT64_MAX);
    if (sel4ft_rpc_server_init(&server, handler, NULL, epoch, scratch, sizeof(scratch)) != 0 ||
        sel4ft_rpc_server_attach(&server, 3, SEL4FT_VERIFY_REGION, region_size) != 0) {
        //@ assert driver_setup: \false;
        return;
    }
    /* The client's channel, one without a region, one out of range; a request's label or any other. */
    uint64_t label = Frama_C_nondet(0, 1) ? SEL4FT_RPC_LABEL_REQUEST : Frama_C_unsigned_long_long_interval(0, UINT64_MAX);
    sel4ft_rpc_server_handle(&server, 3, sel4ft_msginfo_new(label, 0));
    sel4ft_rpc_server_handle(&server, 5, sel4ft_msginfo_new(label, 0));
    sel4ft_rpc_server_handle(&server, Frama_C_unsigned_int_interval(SEL4FT_OS_MAX_CHANNEL + 1, UINT32_MAX),
                             sel4ft_msginfo_new(label, 0));

    sel4ft_rpc_client_t client;
    if (sel4ft_rpc_client_init(&client, SEL4FT_VERIFY_REGION, region_size, 1,
                               Frama_C_unsigned_long_long_interval(1, UINT64_MAX)) != 0) {
        //@ assert driver_setup: \false;
        return;
    }
    sel4ft_rpc_reply_t reply;
    size_t capacity = Frama_C_size_t_interval(0, sizeof(reply_payload));
    sel4ft_rpc_call_id(&client, Frama_C_unsigned_long_long_interval(0, UINT64_MAX),
                       (uint16_t)Frama_C_unsigned_int_interval(0, UINT16_MAX),
                       Frama_C_unsigned_int_interval(0, UINT32_MAX), reply_payload, capacity, &reply);
}

void verify_rpc(void)
{
    rpc_any(SEL4FT_RPC_REGION_MIN);
    rpc_any(1001);
    rpc_any(4096);
    rpc_any(SEL4FT_RPC_REGION_MAX);
}
