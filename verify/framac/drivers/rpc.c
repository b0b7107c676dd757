/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* EVA driver: request and reply validation (sel4ft_rpc_header_read(), the framing the Linux baseline uses;
 * sel4ft_rpc_server_handle() and sel4ft_rpc_server_handle_with() on the server's side, sel4ft_rpc_call_id() on
 * the client's) with the region in the shared window (verify/framac/shared.c): the peer writes anything there
 * at any moment; a request and the PPC's answer come with any label, any register count and any message
 * registers; the server's handler claims any status and any reply length, and copies whatever payload it was
 * given. Servers with and without a private buffer, with any opcode declared opaque. Region sizes: the
 * smallest, an odd size, a page and the largest. */

#include <stddef.h>
#include <stdint.h>

#include "__fc_builtin.h"
#include <sel4ft/os.h>
#include <sel4ft/rpc.h>

#include "window.h"

/* The Linux port's message registers (lib/port/linux/os_linux.c is not analysed). */
_Thread_local uint64_t sel4ft_linux_message_registers_[SEL4FT_OS_MAX_MRS];

static uint8_t scratch[SEL4FT_RPC_REGION_MAX / 2];
static uint8_t reply_payload[SEL4FT_RPC_REGION_MAX];
static uint8_t handler_copy[SEL4FT_RPC_REGION_MAX / 2];

/* Any label: one of the protocol's kinds with any fields, or anything at all. */
static uint64_t any_label(uint32_t kind)
{
    switch (Frama_C_interval(0, 2)) {
    case 0:
        return sel4ft_rpc_label(kind, (uint16_t)Frama_C_unsigned_int_interval(0, UINT16_MAX),
                                Frama_C_unsigned_int_interval(0, SEL4FT_RPC_LABEL_LENGTH_MASK));
    case 1:
        return SEL4FT_RPC_LABEL_REJECT;
    default:
        return Frama_C_unsigned_long_long_interval(0, UINT64_MAX);
    }
}

/* The kernel and a hostile server: any label, any count, any message registers (the region is rewritten anyway). */
sel4ft_msginfo_t sel4ft_os_ppcall(sel4ft_channel_t channel, sel4ft_msginfo_t message)
{
    (void)channel;
    (void)message;
    Frama_C_make_unknown((char *)sel4ft_linux_message_registers_, sizeof(sel4ft_linux_message_registers_));
    return sel4ft_msginfo_new(any_label(SEL4FT_RPC_KIND_REPLY), Frama_C_unsigned_int_interval(0, SEL4FT_OS_MAX_MRS));
}

/* A handler that copies the payload it was given (a parsed one out of the server's buffer, an opaque one out of
 * the shared region: the one read it may have) and claims any status and any reply length: the server must not
 * trust it either. */
static uint32_t handler(void *context, const sel4ft_rpc_request_t *request, sel4ft_rpc_response_t *response)
{
    (void)context;
    //@ assert payload_fits: request->length <= sizeof(handler_copy);
    sel4ft_verify_private_copy = request->shared_payload == NULL;
    sel4ft_rpc_request_copy(request, handler_copy);
    sel4ft_verify_private_copy = 0;
    response->length = Frama_C_unsigned_int_interval(0, UINT32_MAX);
    return Frama_C_unsigned_int_interval(0, UINT32_MAX);
}

/* One request with any header to a server, on its client's channel, on one without a region and on one out of
 * range, through both entry points. */
static void serve_any(sel4ft_rpc_server_t *server)
{
    Frama_C_make_unknown((char *)sel4ft_linux_message_registers_, sizeof(sel4ft_linux_message_registers_));
    sel4ft_msginfo_t message = sel4ft_msginfo_new(any_label(SEL4FT_RPC_KIND_REQUEST),
                                                  Frama_C_unsigned_int_interval(0, SEL4FT_OS_MAX_MRS));
    sel4ft_rpc_server_handle(server, 3, message);
    sel4ft_rpc_server_handle(server, 5, message);
    sel4ft_rpc_server_handle(server, Frama_C_unsigned_int_interval(SEL4FT_OS_MAX_CHANNEL + 1, UINT32_MAX), message);
    sel4ft_rpc_server_handle_with(server, 3, message, handler, NULL);
}

static void rpc_any(size_t region_size)
{
    sel4ft_verify_window_size = region_size;

    sel4ft_rpc_header_t header;
    sel4ft_rpc_header_read(SEL4FT_VERIFY_REGION, region_size, &header);

    sel4ft_rpc_server_t server;
    uint64_t epoch = Frama_C_unsigned_long_long_interval(1, SEL4FT_RPC_EPOCH_MAX);
    if (sel4ft_rpc_server_init(&server, handler, NULL, epoch, scratch, sizeof(scratch)) != 0 ||
        sel4ft_rpc_server_attach(&server, 3, SEL4FT_VERIFY_REGION, region_size) != 0) {
        //@ assert driver_setup: \false;
        return;
    }
    sel4ft_rpc_server_declare_opaque(&server, (uint16_t)Frama_C_unsigned_int_interval(0, UINT16_MAX));
    serve_any(&server);

    /* Without a private buffer: only opaque and empty requests reach the handler. */
    if (sel4ft_rpc_server_init(&server, handler, NULL, epoch, NULL, 0) != 0 ||
        sel4ft_rpc_server_attach(&server, 3, SEL4FT_VERIFY_REGION, region_size) != 0) {
        //@ assert driver_setup: \false;
        return;
    }
    sel4ft_rpc_server_declare_opaque(&server, (uint16_t)Frama_C_unsigned_int_interval(0, UINT16_MAX));
    serve_any(&server);

    sel4ft_rpc_client_t client;
    if (sel4ft_rpc_client_init(&client, SEL4FT_VERIFY_REGION, region_size, 1,
                               Frama_C_unsigned_long_long_interval(1, UINT64_MAX)) != 0) {
        //@ assert driver_setup: \false;
        return;
    }
    client.epoch = Frama_C_unsigned_long_long_interval(0, SEL4FT_RPC_EPOCH_MAX);
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
