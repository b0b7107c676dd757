/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <microkit.h>

#include <sel4ft/sel4ft.h>

#include "example_log.h"
#include "recovery_client.h"

/* Attempts per request: a server restarted this often under one request is not coming back. */
enum { MAX_ATTEMPTS = 8 };

int recovery_client_init(recovery_client_t *client, uintptr_t region, uintptr_t size, sel4ft_channel_t channel)
{
    __builtin_memset(client, 0, sizeof(*client));
    client->region = region;
    client->region_size = size;
    client->channel = channel;
    return sel4ft_rpc_client_init(&client->rpc, (void *)region, size, channel, 1);
}

uint32_t recovery_call_id(recovery_client_t *client, uint64_t id, uint16_t opcode, const void *payload,
                          uint32_t length, void *reply, size_t reply_capacity)
{
    sel4ft_rpc_reply_t answer;

    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        /* Write the payload again on every attempt: the crashed server may have scribbled on the region. */
        __builtin_memcpy(sel4ft_rpc_client_payload(&client->rpc), payload, length);
        int err = sel4ft_rpc_call_id(&client->rpc, id, opcode, length, reply, reply_capacity, &answer);
        if (err == -SEL4FT_ESTALE) {
            client->retries++;
            LOG_INFO("request %lu: %s (server epoch now %lu): retrying under the same id", (unsigned long)id,
                     sel4ft_rpc_status_str(answer.status), (unsigned long)answer.epoch);
            continue;
        }
        if (err != 0) {
            client->errors++;
            LOG_ERROR("request %lu: %s", (unsigned long)id, sel4ft_strerror(err));
            return SEL4FT_RPC_INTERNAL_ERROR;
        }
        if (answer.status != SEL4FT_RPC_OK) {
            client->errors++;
            LOG_ERROR("request %lu (op %u): %s", (unsigned long)id, opcode, sel4ft_rpc_status_str(answer.status));
        }
        return answer.status;
    }
    client->errors++;
    LOG_ERROR("request %lu: no answer after %d attempts", (unsigned long)id, MAX_ATTEMPTS);
    return SEL4FT_RPC_INTERNAL_ERROR;
}

uint32_t recovery_call(recovery_client_t *client, uint16_t opcode, const void *payload, uint32_t length, void *reply,
                       size_t reply_capacity)
{
    return recovery_call_id(client, client->rpc.next_request_id++, opcode, payload, length, reply, reply_capacity);
}

bool recovery_read(recovery_client_t *client, uint32_t index, read_reply_t *reply)
{
    index_request_t request = { index, 0 };
    return recovery_call(client, OP_READ, &request, sizeof(request), reply, sizeof(*reply)) == SEL4FT_RPC_OK;
}

enum recovery_garbage_answer recovery_send_garbage(recovery_client_t *client)
{
    microkit_msginfo answer = microkit_ppcall(client->channel, microkit_msginfo_new(SEL4FT_RPC_LABEL_REQUEST, 0));
    if (microkit_msginfo_get_label(answer) == SEL4FT_RPC_LABEL_REJECT) {
        return GARBAGE_REJECTED;
    }
    if (microkit_msginfo_get_label(answer) != SEL4FT_RPC_LABEL_REPLY) {
        return GARBAGE_NO_ANSWER;
    }
    sel4ft_rpc_header_t header;
    if (sel4ft_rpc_header_read((void *)client->region, client->region_size, &header) == 0 &&
        header.status != SEL4FT_RPC_OK) {
        return GARBAGE_REFUSED;
    }
    return GARBAGE_ACCEPTED;
}

void recovery_client_summary(const recovery_client_t *client, const char *qualifier)
{
    LOG_INFO("summary: %lu updates acknowledged%s, %lu retries after a server restart, %lu errors",
             (unsigned long)client->acknowledged, qualifier, (unsigned long)client->retries,
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
