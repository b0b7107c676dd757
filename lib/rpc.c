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

/* The client's and server's regions are 8-byte aligned (checked at init): headers move as four words.
 * Reads are relaxed atomic loads, so the compiler can neither tear them nor fetch a field a second time
 * from shared memory later: what is validated is exactly what is used. */
typedef union {
    sel4ft_rpc_header_t header;
    uint64_t words[4];
} header_words_t;

_Static_assert(sizeof(header_words_t) == sizeof(sel4ft_rpc_header_t), "a header is four words");

static inline void copy_header_out(const uint8_t *region, header_words_t *out)
{
    const uint64_t *words = (const uint64_t *)region;
    for (int i = 0; i < 4; i++) {
        out->words[i] = __atomic_load_n(&words[i], __ATOMIC_RELAXED);
    }
}

static inline void put_header(uint8_t *region, uint16_t opcode, uint32_t status, uint32_t length,
                              uint64_t request_id, uint64_t epoch)
{
    header_words_t h = { .header = { SEL4FT_RPC_MAGIC, SEL4FT_RPC_VERSION, opcode, status, length, request_id,
                                     epoch } };
    uint64_t *words = (uint64_t *)region;
    /* Relaxed atomic stores, as the reads in copy_header_out(): each word written once, untorn (the same
     * single store instruction as a plain store on aarch64 and x86-64). */
    for (int i = 0; i < 4; i++) {
        __atomic_store_n(&words[i], h.words[i], __ATOMIC_RELAXED);
    }
}

/* Validate a header copy against a region of region_size bytes (as sel4ft_rpc_header_read() does). */
static inline int check_header(const sel4ft_rpc_header_t *header, size_t region_size)
{
    if (header->magic != SEL4FT_RPC_MAGIC || header->version != SEL4FT_RPC_VERSION) {
        return -SEL4FT_EBADMSG;
    }
    if (header->length > region_size - sizeof(*header)) {
        return -SEL4FT_E2BIG;
    }
    return 0;
}

int sel4ft_rpc_header_read(const void *region, size_t region_size, sel4ft_rpc_header_t *header)
{
    if (region == NULL || header == NULL || !region_size_ok(region_size)) {
        return -SEL4FT_EINVAL;
    }
    /* One copy out of shared memory (any alignment); everything below looks at the copy only. */
    sel4ft_copy_(header, region, sizeof(*header));
    return check_header(header, region_size);
}

void sel4ft_rpc_header_write(void *region, uint16_t opcode, uint32_t status, uint32_t length, uint64_t request_id,
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
    sel4ft_copy_(region, &header, sizeof(header));
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
    client->capacity = (uint32_t)(region_size - sizeof(sel4ft_rpc_header_t));
    client->channel = channel;
    client->next_request_id = first_request_id;
    client->last_request_id = 0;
    client->epoch = 0;
    return 0;
}

void *sel4ft_rpc_client_payload(sel4ft_rpc_client_t *client)
{
    return client->region + sizeof(sel4ft_rpc_header_t);
}

uint32_t sel4ft_rpc_client_capacity(const sel4ft_rpc_client_t *client)
{
    return client->capacity;
}

int sel4ft_rpc_call(sel4ft_rpc_client_t *client, uint16_t opcode, uint32_t length, void *reply_payload,
                    size_t reply_capacity, sel4ft_rpc_reply_t *reply)
{
    if (client == NULL) {
        return -SEL4FT_EINVAL;
    }
    return sel4ft_rpc_call_id(client, client->next_request_id++, opcode, length, reply_payload, reply_capacity,
                              reply);
}

int sel4ft_rpc_retry(sel4ft_rpc_client_t *client, uint16_t opcode, uint32_t length, void *reply_payload,
                     size_t reply_capacity, sel4ft_rpc_reply_t *reply)
{
    if (client == NULL || client->last_request_id == 0) {
        return -SEL4FT_EINVAL;
    }
    return sel4ft_rpc_call_id(client, client->last_request_id, opcode, length, reply_payload, reply_capacity, reply);
}

int sel4ft_rpc_call_id(sel4ft_rpc_client_t *client, uint64_t request_id, uint16_t opcode, uint32_t length,
                       void *reply_payload, size_t reply_capacity, sel4ft_rpc_reply_t *reply)
{
    if (client == NULL || client->region == NULL || reply == NULL || (reply_payload == NULL && reply_capacity != 0)) {
        return -SEL4FT_EINVAL;
    }
    if (length > client->capacity) {
        return -SEL4FT_E2BIG;
    }
    client->last_request_id = request_id;
    put_header(client->region, opcode, 0, length, request_id, client->epoch);

    sel4ft_msginfo_t answer = sel4ft_os_ppcall(client->channel, sel4ft_msginfo_new(SEL4FT_RPC_LABEL_REQUEST, 0));

    if (sel4ft_msginfo_label(answer) == SEL4FT_RPC_LABEL_REJECT) {
        uint64_t status_word = sel4ft_os_mr_get(0);
        uint64_t epoch = sel4ft_os_mr_get(1);
        /* Only the library refuses (a service's statuses come in replies): a refusal that claims success, or
         * one with a status the library does not define, is not a refusal we understand. */
        if (status_word == SEL4FT_RPC_OK || status_word >= SEL4FT_RPC_STATUS_NUM) {
            return -SEL4FT_EPEER;
        }
        uint32_t status = (uint32_t)status_word;
        *reply = (sel4ft_rpc_reply_t){ .status = status, .length = 0, .request_id = request_id, .epoch = epoch };
        if (status == SEL4FT_RPC_PEER_RESTARTED || status == SEL4FT_RPC_STALE_EPOCH) {
            client->epoch = epoch;
            return -SEL4FT_ESTALE;
        }
        return 0;
    }
    if (sel4ft_msginfo_label(answer) != SEL4FT_RPC_LABEL_REPLY) {
        return -SEL4FT_EPEER;
    }

    header_words_t copy;
    copy_header_out(client->region, &copy);
    const sel4ft_rpc_header_t header = copy.header;
    if (check_header(&header, client->capacity + sizeof(header)) != 0) {
        return -SEL4FT_EBADMSG;
    }
    if (header.request_id != request_id || header.opcode != opcode) {
        return -SEL4FT_EMISMATCH;
    }
    if (!sel4ft_rpc_status_valid(header.status)) {
        return -SEL4FT_EBADMSG;
    }
    if (header.status == SEL4FT_RPC_STALE_EPOCH || header.status == SEL4FT_RPC_PEER_RESTARTED) {
        client->epoch = header.epoch;
        *reply = (sel4ft_rpc_reply_t){ header.status, 0, request_id, header.epoch };
        return -SEL4FT_ESTALE;
    }
    if (header.length > reply_capacity) {
        return -SEL4FT_ENOSPC;
    }
    /* reply_payload may be NULL when reply_capacity is 0; memcpy(NULL, ..., 0) is still undefined. */
    if (header.length != 0) {
        sel4ft_copy_(reply_payload, client->region + sizeof(header), header.length);
    }
    client->epoch = header.epoch;
    *reply = (sel4ft_rpc_reply_t){ header.status, header.length, request_id, header.epoch };
    return 0;
}

/* Server */

int sel4ft_rpc_server_init(sel4ft_rpc_server_t *server, sel4ft_rpc_handler_t handler, void *context, uint64_t epoch,
                           void *scratch, size_t scratch_size)
{
    if (server == NULL || handler == NULL || epoch == 0 || scratch == NULL || scratch_size == 0 ||
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

int sel4ft_rpc_server_attach(sel4ft_rpc_server_t *server, sel4ft_channel_t channel, void *region, size_t region_size)
{
    if (server == NULL || channel > SEL4FT_OS_MAX_CHANNEL || region == NULL || !sel4ft_is_aligned_(region, 8) ||
        !region_size_ok(region_size) || region_size - sizeof(sel4ft_rpc_header_t) > server->scratch_size) {
        return -SEL4FT_EINVAL;
    }
    server->regions[channel].region = region;
    server->regions[channel].size = (uint32_t)region_size;
    return 0;
}

static sel4ft_msginfo_t reject(sel4ft_rpc_server_t *server, uint32_t status)
{
    server->rejected++;
    sel4ft_os_mr_set(0, status);
    sel4ft_os_mr_set(1, server->epoch);
    return sel4ft_msginfo_new(SEL4FT_RPC_LABEL_REJECT, 2);
}

sel4ft_msginfo_t sel4ft_rpc_server_restarted(sel4ft_rpc_server_t *server)
{
    sel4ft_os_mr_set(0, SEL4FT_RPC_PEER_RESTARTED);
    sel4ft_os_mr_set(1, server->epoch);
    return sel4ft_msginfo_new(SEL4FT_RPC_LABEL_REJECT, 2);
}

sel4ft_msginfo_t sel4ft_rpc_server_handle(sel4ft_rpc_server_t *server, sel4ft_channel_t channel,
                                          sel4ft_msginfo_t message)
{
    if (channel > SEL4FT_OS_MAX_CHANNEL || server->regions[channel].region == NULL) {
        return reject(server, SEL4FT_RPC_NO_REGION);
    }
    if (sel4ft_msginfo_label(message) != SEL4FT_RPC_LABEL_REQUEST) {
        return reject(server, SEL4FT_RPC_BAD_MESSAGE);
    }
    uint8_t *region = server->regions[channel].region;
    uint32_t region_size = server->regions[channel].size;

    header_words_t copy;
    copy_header_out(region, &copy);
    const sel4ft_rpc_header_t header = copy.header;
    if (check_header(&header, region_size) != 0 || header.status != 0) {
        return reject(server, SEL4FT_RPC_BAD_MESSAGE);
    }
    server->requests++;

    uint32_t status;
    sel4ft_rpc_response_t response = {
        .payload = region + sizeof(header),
        .capacity = region_size - (uint32_t)sizeof(header),
        .length = 0,
    };
    if (header.epoch != 0 && header.epoch != server->epoch) {
        status = SEL4FT_RPC_STALE_EPOCH;
    } else {
        /* The payload is copied before the handler sees it: the client cannot change it under our feet. */
        if (header.length != 0) {
            sel4ft_copy_(server->scratch, region + sizeof(header), header.length);
        }
        sel4ft_rpc_request_t request = {
            .channel = channel,
            .opcode = header.opcode,
            .length = header.length,
            .request_id = header.request_id,
            .payload = server->scratch,
        };
        status = server->handler(server->context, &request, &response);
        if (!sel4ft_rpc_status_valid(status) || response.length > response.capacity) {
            /* A handler bug must not turn into a reply that claims more bytes than the region holds. */
            status = SEL4FT_RPC_INTERNAL_ERROR;
            response.length = 0;
        }
    }
    put_header(region, header.opcode, status, response.length, header.request_id, server->epoch);
    return sel4ft_msginfo_new(SEL4FT_RPC_LABEL_REPLY, 0);
}
