/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <microkit.h>

#include <sel4ft/sel4ft.h>

#include "recovery_client.h"

int recovery_client_init(recovery_client_t *client, const sel4ft_call_config_t *config)
{
    __builtin_memset(client, 0, sizeof(*client));
    client->region = (uintptr_t)config->region.base;
    client->region_size = config->region.size;
    client->channel = config->channel;
    return sel4ft_call_init(&client->call, config);
}

uint32_t recovery_call(recovery_client_t *client, uint16_t opcode, const void *payload, uint32_t length, void *reply,
                       size_t reply_capacity)
{
    uint32_t status;
    if (sel4ft_call(&client->call, opcode, payload, length, reply, reply_capacity, &status) != 0) {
        client->errors++; /* logged by sel4ft_call() */
        return SEL4FT_RPC_INTERNAL_ERROR;
    }
    if (status != SEL4FT_RPC_OK) {
        client->errors++;
        LOG_ERROR("request %lu (op %u): %s", (unsigned long)client->call.rpc.next_request_id - 1, opcode,
                  sel4ft_rpc_status_str(status));
    }
    return status;
}

bool recovery_read(recovery_client_t *client, uint32_t index, read_reply_t *reply)
{
    index_request_t request = { index, 0 };
    return recovery_call(client, OP_READ, &request, sizeof(request), reply, sizeof(*reply)) == SEL4FT_RPC_OK;
}

enum recovery_garbage_answer recovery_send_garbage(recovery_client_t *client, uint64_t label, uint64_t mr0,
                                                   uint64_t mr1, uint32_t count, bool valid_kind)
{
    label &= (1ull << 52) - 1;
    count %= 4;
    if (valid_kind) {
        label = ((uint64_t)SEL4FT_RPC_KIND_REQUEST << SEL4FT_RPC_LABEL_KIND_SHIFT) |
                (label & ((1ull << SEL4FT_RPC_LABEL_KIND_SHIFT) - 1));
        count = SEL4FT_RPC_MRS;
        mr1 = 0;
    }
    microkit_mr_set(0, mr0);
    microkit_mr_set(1, mr1);
    microkit_msginfo answer = microkit_ppcall(client->channel, microkit_msginfo_new(label, (seL4_Uint16)count));
    if (microkit_msginfo_get_label(answer) == SEL4FT_RPC_LABEL_REJECT) {
        return GARBAGE_REJECTED;
    }
    if (microkit_msginfo_get_label(answer) >> SEL4FT_RPC_LABEL_KIND_SHIFT != SEL4FT_RPC_KIND_REPLY) {
        return GARBAGE_NO_ANSWER;
    }
    /* The status is in the low half of the reply's second register. */
    return (uint32_t)microkit_mr_get(1) != SEL4FT_RPC_OK ? GARBAGE_REFUSED : GARBAGE_ACCEPTED;
}

void recovery_client_summary(const recovery_client_t *client, const char *qualifier)
{
    LOG_INFO("summary: %lu updates acknowledged%s, %lu retries after a server restart, %lu errors",
             (unsigned long)client->acknowledged, qualifier, (unsigned long)client->call.retries,
             (unsigned long)client->errors);
}

void recovery_pair_init(recovery_pair_t *pair, sel4ft_channel_t peer_channel, void (*finish_a)(void))
{
    *pair = (recovery_pair_t){ .peer_channel = peer_channel, .finish_a = finish_a };
    pair->is_a = sel4ft_os_name()[7] == 'a';
    pair->own = pair->is_a ? 0 : 1;
}

void recovery_pair_rounds_done(recovery_pair_t *pair, const recovery_client_t *client, const char *qualifier)
{
    pair->rounds_done = true;
    if (!pair->is_a) {
        recovery_client_summary(client, qualifier);
        microkit_notify(pair->peer_channel);
    } else if (pair->peer_done) {
        pair->finish_a();
    }
}

void recovery_pair_peer_done(recovery_pair_t *pair)
{
    pair->peer_done = true;
    if (pair->rounds_done) {
        pair->finish_a();
    }
}
