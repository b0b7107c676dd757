/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <sel4ft/error.h>
#include <sel4ft/os.h>
#include <sel4ft/rpc.h>

#include "internal.h"

#define STATUS_ENTRY_(s) [(s)] = #s

static const char *const status_names[SEL4FT_RPC_STATUS_NUM] = {
    STATUS_ENTRY_(SEL4FT_RPC_OK),
    STATUS_ENTRY_(SEL4FT_RPC_BAD_MESSAGE),
    STATUS_ENTRY_(SEL4FT_RPC_UNKNOWN_OPERATION),
    STATUS_ENTRY_(SEL4FT_RPC_INVALID_ARGUMENT),
    STATUS_ENTRY_(SEL4FT_RPC_NOT_FOUND),
    STATUS_ENTRY_(SEL4FT_RPC_NO_SPACE),
    STATUS_ENTRY_(SEL4FT_RPC_TOO_LARGE),
    STATUS_ENTRY_(SEL4FT_RPC_STALE_EPOCH),
    STATUS_ENTRY_(SEL4FT_RPC_PEER_RESTARTED),
    STATUS_ENTRY_(SEL4FT_RPC_NO_REGION),
    STATUS_ENTRY_(SEL4FT_RPC_INTERNAL_ERROR),
    STATUS_ENTRY_(SEL4FT_RPC_STALE_REQUEST),
    STATUS_ENTRY_(SEL4FT_RPC_REQUEST_ID_REUSED),
};

const char *sel4ft_rpc_status_str(uint32_t status)
{
    if (status < SEL4FT_RPC_STATUS_NUM && status_names[status] != NULL) {
        return status_names[status];
    }
    return status >= SEL4FT_RPC_STATUS_SERVICE_FIRST ? "service status" : "unknown status";
}

static int region_size_ok(size_t region_size)
{
    return region_size >= SEL4FT_RPC_REGION_MIN && region_size <= SEL4FT_RPC_REGION_MAX;
}

/* Framing for transports without message registers (the Linux baseline) */

int sel4ft_rpc_header_read(const void *buffer, size_t buffer_size, sel4ft_rpc_header_t *header)
{
    if (buffer == NULL || header == NULL || !region_size_ok(buffer_size)) {
        return -SEL4FT_EINVAL;
    }
    /* One copy out of shared memory (any alignment); everything below looks at the copy only. */
    sel4ft_copy_(header, buffer, sizeof(*header));
    if (header->magic != SEL4FT_RPC_MAGIC || header->version != SEL4FT_RPC_VERSION) {
        return -SEL4FT_EBADMSG;
    }
    if (header->length > buffer_size - sizeof(*header)) {
        return -SEL4FT_E2BIG;
    }
    return 0;
}

void sel4ft_rpc_header_write(void *buffer, uint16_t opcode, uint32_t status, uint32_t length, uint64_t request_id,
                             uint64_t epoch)
{
    sel4ft_rpc_header_t header = {
        .magic = SEL4FT_RPC_MAGIC,
        .version = SEL4FT_RPC_VERSION,
        .opcode = opcode,
        .status = status,
        .length = length,
        .request_id = request_id,
        .epoch = epoch,
    };
    sel4ft_copy_(buffer, &header, sizeof(header));
}

/* Client */

int sel4ft_rpc_client_init(sel4ft_rpc_client_t *client, void *region, size_t region_size, sel4ft_channel_t channel,
                           uint64_t first_request_id)
{
    if (client == NULL || region == NULL || !sel4ft_is_aligned_(region, 8) || !region_size_ok(region_size) ||
        channel > SEL4FT_OS_MAX_CHANNEL || first_request_id == 0) {
        return -SEL4FT_EINVAL;
    }
    client->region = region;
    client->capacity = sel4ft_rpc_capacity(region_size);
    client->channel = channel;
    client->next_request_id = first_request_id;
    client->last_request_id = 0;
    client->epoch = 0;
    return 0;
}

int sel4ft_rpc_retry(sel4ft_rpc_client_t *client, uint16_t opcode, uint32_t length, void *reply_payload,
                     size_t reply_capacity, sel4ft_rpc_reply_t *reply)
{
    if (client == NULL || client->last_request_id == 0) {
        return -SEL4FT_EINVAL;
    }
    return sel4ft_rpc_call_id(client, client->last_request_id, opcode, length, reply_payload, reply_capacity, reply);
}

/* Not a reply: a refusal, or something outside the protocol. Only the library refuses (a service's statuses come
 * in replies), so a refusal that claims success, or one with a status the library does not define, is not a
 * refusal we understand. */
int sel4ft_rpc_not_a_reply_(sel4ft_rpc_client_t *client, sel4ft_msginfo_t answer, uint64_t request_id,
                            uint16_t opcode, sel4ft_rpc_reply_t *reply)
{
    uint64_t label = sel4ft_msginfo_label(answer);
    if (label >> SEL4FT_RPC_LABEL_KIND_SHIFT == SEL4FT_RPC_KIND_REPLY) {
        /* A reply with a wrong register count, or to another opcode: malformed before mismatched, as in the
         * common path. */
        uint32_t status = (uint32_t)sel4ft_os_mr_get(1);
        if (sel4ft_msginfo_count(answer) != SEL4FT_RPC_MRS ||
            (label & SEL4FT_RPC_LABEL_LENGTH_MASK) > client->capacity || !sel4ft_rpc_status_valid(status)) {
            return -SEL4FT_EBADMSG;
        }
        (void)opcode;
        return -SEL4FT_EMISMATCH;
    }
    if (!sel4ft_msginfo_matches(answer, SEL4FT_RPC_LABEL_REJECT, SEL4FT_RPC_MRS)) {
        return label >> SEL4FT_RPC_LABEL_KIND_SHIFT == SEL4FT_RPC_KIND_REJECT ? -SEL4FT_EBADMSG : -SEL4FT_EPEER;
    }
    uint64_t status = sel4ft_os_mr_get(0);
    uint64_t epoch = sel4ft_os_mr_get(1);
    if (status == SEL4FT_RPC_OK || status >= SEL4FT_RPC_STATUS_NUM) {
        return -SEL4FT_EPEER;
    }
    *reply = (sel4ft_rpc_reply_t){ .status = (uint32_t)status, .length = 0, .request_id = request_id, .epoch = epoch };
    if (status == SEL4FT_RPC_PEER_RESTARTED || status == SEL4FT_RPC_STALE_EPOCH) {
        client->epoch = epoch;
        return -SEL4FT_ESTALE;
    }
    return 0;
}

/* Server */

int sel4ft_rpc_server_init(sel4ft_rpc_server_t *server, sel4ft_rpc_handler_t handler, void *context, uint64_t epoch,
                           void *scratch, size_t scratch_size)
{
    if (server == NULL || handler == NULL || epoch == 0 || epoch > SEL4FT_RPC_EPOCH_MAX || (scratch == NULL) != (scratch_size == 0) ||
        scratch_size > SEL4FT_RPC_REGION_MAX) {
        return -SEL4FT_EINVAL;
    }
    sel4ft_zero_(server, sizeof(*server));
    server->handler = handler;
    server->context = context;
    server->epoch = epoch;
    server->scratch = scratch;
    server->scratch_size = (uint32_t)scratch_size;
    return 0;
}

int sel4ft_rpc_server_declare_opaque(sel4ft_rpc_server_t *server, uint16_t opcode)
{
    if (server == NULL || opcode >= SEL4FT_RPC_OPAQUE_OPCODES) {
        return -SEL4FT_EINVAL;
    }
    server->opaque_opcodes |= 1ull << opcode;
    return 0;
}

int sel4ft_rpc_server_attach(sel4ft_rpc_server_t *server, sel4ft_channel_t channel, void *region, size_t region_size)
{
    if (server == NULL || channel > SEL4FT_OS_MAX_CHANNEL || region == NULL || !sel4ft_is_aligned_(region, 8) ||
        !region_size_ok(region_size) ||
        (server->scratch != NULL && sel4ft_rpc_capacity(region_size) > server->scratch_size)) {
        return -SEL4FT_EINVAL;
    }
    server->regions[channel].region = region;
    server->regions[channel].capacity = sel4ft_rpc_capacity(region_size);
    return 0;
}

sel4ft_msginfo_t sel4ft_rpc_server_restarted(sel4ft_rpc_server_t *server)
{
    sel4ft_os_mr_set(0, SEL4FT_RPC_PEER_RESTARTED);
    sel4ft_os_mr_set(1, server->epoch);
    return sel4ft_msginfo_new(SEL4FT_RPC_LABEL_REJECT, SEL4FT_RPC_MRS);
}

sel4ft_msginfo_t sel4ft_rpc_server_handle(sel4ft_rpc_server_t *server, sel4ft_channel_t channel,
                                          sel4ft_msginfo_t message)
{
    return sel4ft_rpc_server_handle_with(server, channel, message, server->handler, server->context);
}
