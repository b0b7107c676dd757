/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The durable service: a restartable server whose updates are applied exactly once, over the restart, checkpoint,
 * de-duplication and rpc modules. */

#include <sel4ft/dedup.h>
#include <sel4ft/error.h>
#include <sel4ft/log.h>
#include <sel4ft/restart.h>
#include <sel4ft/service.h>

#include "internal.h"

#define NO_CLIENT 0xffu

static uint8_t *reply_buffer(const sel4ft_service_t *service, uint32_t client, uint32_t slot)
{
    size_t stride = SEL4FT_SERVICE_ALIGN8_(service->config.reply_max);
    return service->replies + ((size_t)client * 2 + slot) * stride;
}

uint32_t sel4ft_service_reply(sel4ft_rpc_response_t *response, const void *data, uint32_t length)
{
    if (response == NULL || length > response->capacity || (data == NULL && length != 0)) {
        return SEL4FT_RPC_TOO_LARGE;
    }
    if (length != 0) {
        sel4ft_copy_(response->payload, data, length);
    }
    response->length = length;
    return SEL4FT_RPC_OK;
}

static void at(sel4ft_service_t *service, sel4ft_service_point_t point)
{
    if (service->config.at != NULL) {
        service->config.at(service, point);
    }
}

/* An update, exactly once. */
static uint32_t update(sel4ft_service_t *service, uint32_t client, const sel4ft_rpc_request_t *request,
                       sel4ft_rpc_response_t *response)
{
    sel4ft_service_record_t *record = &service->records[client];
    if (request->request_id == 0) {
        return SEL4FT_RPC_INVALID_ARGUMENT;
    }
    uint64_t digest = sel4ft_dedup_digest(request->opcode, request->payload, request->length);
    switch (sel4ft_dedup_verdict(record->request_id, record->digest, request->request_id, digest)) {
    case SEL4FT_DEDUP_NEW:
        break;
    case SEL4FT_DEDUP_REPLAY:
        service->block->replays++;
        sel4ft_log_printf(SEL4FT_LOG_INFO, "request %lu from client %u was applied before the crash: answered from "
                          "the record", (unsigned long)request->request_id, client);
        if (sel4ft_service_reply(response, reply_buffer(service, client, record->slot), record->length) !=
            SEL4FT_RPC_OK) {
            return SEL4FT_RPC_TOO_LARGE;
        }
        return record->status;
    case SEL4FT_DEDUP_CONFLICT:
        service->conflicts++;
        sel4ft_log_printf(SEL4FT_LOG_WARN, "request %lu (op %u) from client %u reuses the id of another request "
                          "applied earlier: refused", (unsigned long)request->request_id, request->opcode, client);
        return SEL4FT_RPC_REQUEST_ID_REUSED;
    default:
        service->stale++;
        return SEL4FT_RPC_STALE_REQUEST;
    }

    /* The reply is built once, in the client's free reply buffer (private memory, checkpointed with the record);
     * the recorded one stays intact until this update succeeds. */
    uint32_t slot = record->slot ^ 1u;
    sel4ft_rpc_response_t built = { .payload = reply_buffer(service, client, slot),
                                    .capacity = service->config.reply_max, .length = 0 };
    at(service, SEL4FT_SERVICE_BEFORE_APPLY);
    uint32_t status = service->config.apply(service->state, request, &built);
    if (status != SEL4FT_RPC_OK) {
        return status; /* nothing changed, nothing recorded */
    }
    if (built.length > built.capacity) {
        /* apply wrote past its buffer: the state cannot be trusted. Stop; the restart resumes from the last
         * commit, which has neither this update nor its record. */
        sel4ft_log_printf(SEL4FT_LOG_ERROR, "update %lu: apply() set a reply of %u bytes, more than reply_max (%u); "
                          "stopping", (unsigned long)request->request_id, built.length, service->config.reply_max);
        __builtin_trap();
    }
    service->block->updates++;
    *record = (sel4ft_service_record_t){ .request_id = request->request_id, .digest = digest, .status = status,
                                         .length = built.length, .slot = slot };
    /* The one copy into the shared region: written, never read back. */
    uint32_t answer = sel4ft_service_reply(response, built.payload, built.length);
    at(service, SEL4FT_SERVICE_BEFORE_COMMIT);
    int err = sel4ft_checkpoint_commit(&service->checkpoint, service->block, service->block_size);
    if (err != 0) {
        sel4ft_log_printf(SEL4FT_LOG_ERROR, "checkpoint commit failed: %s", sel4ft_strerror(err));
        return SEL4FT_RPC_INTERNAL_ERROR;
    }
    at(service, SEL4FT_SERVICE_BEFORE_REPLY);
    return answer;
}

static uint32_t handle(void *context, const sel4ft_rpc_request_t *request, sel4ft_rpc_response_t *response)
{
    sel4ft_service_t *service = context;
    if (request->opcode < 64 && (service->config.queries & (1ull << request->opcode)) != 0) {
        return service->config.read != NULL ? service->config.read(service->state, request, response)
                                            : SEL4FT_RPC_UNKNOWN_OPERATION;
    }
    /* The rpc server answers only channels with a region, and every such channel is a client's. */
    uint32_t client = request->channel <= SEL4FT_OS_MAX_CHANNEL ? service->client_of[request->channel] : NO_CLIENT;
    if (client == NO_CLIENT) {
        return SEL4FT_RPC_NO_REGION;
    }
    return update(service, client, request, response);
}

/* The checkpointed block as it must look, for a loaded one (private memory, but checked before use: a bug
 * elsewhere must not turn into a replay out of bounds). */
static bool block_valid(const sel4ft_service_t *service)
{
    const sel4ft_service_block_t *block = service->block;
    const sel4ft_service_config_t *config = &service->config;
    if (block->magic != SEL4FT_SERVICE_MAGIC || block->state_size != config->state_size ||
        block->client_count != config->client_count || block->reply_max != config->reply_max) {
        return false;
    }
    for (uint32_t i = 0; i < config->client_count; i++) {
        if (service->records[i].slot > 1 || service->records[i].length > config->reply_max) {
            return false;
        }
    }
    return true;
}

static void initial_state(sel4ft_service_t *service)
{
    const sel4ft_service_config_t *config = &service->config;
    sel4ft_zero_(service->block, service->block_size);
    *service->block = (sel4ft_service_block_t){ .magic = SEL4FT_SERVICE_MAGIC, .state_size = config->state_size,
                                                .client_count = config->client_count,
                                                .reply_max = config->reply_max };
    if (config->initial_state != NULL) {
        sel4ft_copy_(service->state, config->initial_state, config->state_size);
    }
}

static int restore(sel4ft_service_t *service)
{
    const sel4ft_service_config_t *config = &service->config;
    int err = sel4ft_checkpoint_init(&service->checkpoint, config->checkpoint.base, config->checkpoint.size);
    if (err != 0) {
        sel4ft_log_printf(SEL4FT_LOG_ERROR, "checkpoint region at %p (%lu bytes) cannot be used: %s",
                          config->checkpoint.base, (unsigned long)config->checkpoint.size, sel4ft_strerror(err));
        return err;
    }
    if (sel4ft_checkpoint_capacity(&service->checkpoint) < service->block_size) {
        size_t needed = SEL4FT_SERVICE_CHECKPOINT_SIZE(config->state_size, config->client_count, config->reply_max);
        sel4ft_log_printf(SEL4FT_LOG_ERROR, "checkpoint region is %lu bytes: its two slots hold %u bytes each, but the "
                          "state and %u clients' records need %lu: make it at least %lu bytes (size=\"0x%lx\")",
                          (unsigned long)config->checkpoint.size, sel4ft_checkpoint_capacity(&service->checkpoint),
                          config->client_count, (unsigned long)service->block_size, (unsigned long)needed,
                          (unsigned long)needed);
        return -SEL4FT_ENOSPC;
    }
    sel4ft_checkpoint_report_t report;
    err = sel4ft_checkpoint_load(&service->checkpoint, service->block, service->block_size, &report);
    for (uint32_t i = 0; i < 2; i++) {
        uint32_t status = report.slot_status[i];
        if (status != SEL4FT_CHECKPOINT_SLOT_OK && status != SEL4FT_CHECKPOINT_SLOT_EMPTY) {
            sel4ft_log_printf(SEL4FT_LOG_WARN, "checkpoint slot %u (sequence %lu) rejected: %s", i,
                              (unsigned long)report.slot_sequence[i], sel4ft_checkpoint_slot_status_str(status));
        }
    }
    if (err == 0 && report.length == service->block_size && block_valid(service)) {
        sel4ft_log_printf(SEL4FT_LOG_INFO, "state restored from checkpoint slot %d, sequence %lu (%lu updates)",
                          report.loaded_slot, (unsigned long)report.sequence, (unsigned long)service->block->updates);
        return 0;
    }
    if (err == 0 || err == -SEL4FT_ENOSPC) {
        /* A valid checkpoint of another layout (another build of the service): not this state. */
        sel4ft_log_printf(SEL4FT_LOG_ERROR, "checkpoint sequence %lu holds %u bytes of another layout (this service's "
                          "block is %lu bytes): starting from the initial state", (unsigned long)report.sequence,
                          report.length, (unsigned long)service->block_size);
    } else {
        sel4ft_log_printf(SEL4FT_LOG_INFO, "no valid checkpoint: starting from the initial state");
    }
    initial_state(service);
    return 0;
}

static int check_config(const sel4ft_service_config_t *config, size_t *scratch_size)
{
    if (config->state_size == 0 || config->apply == NULL || config->clients == NULL || config->client_count == 0 ||
        config->client_count > SEL4FT_OS_MAX_CHANNEL + 1 || config->monitor_channel > SEL4FT_OS_MAX_CHANNEL ||
        config->memory == NULL || !sel4ft_is_aligned_(config->memory, 8)) {
        sel4ft_log_printf(SEL4FT_LOG_ERROR, "service configuration refused: it needs a state size, apply(), 1 to %u "
                          "clients, the monitor's channel and 8-byte aligned working memory",
                          SEL4FT_OS_MAX_CHANNEL + 1);
        return -SEL4FT_EINVAL;
    }
    *scratch_size = 0;
    for (uint32_t i = 0; i < config->client_count; i++) {
        size_t size = config->clients[i].region.size;
        *scratch_size = size > *scratch_size ? size : *scratch_size;
    }
    size_t needed = SEL4FT_SERVICE_MEMORY_SIZE(config->state_size, config->client_count, config->reply_max,
                                               *scratch_size);
    if (config->memory_size < needed) {
        sel4ft_log_printf(SEL4FT_LOG_ERROR, "service working memory is %lu bytes but the state, %u clients' records "
                          "and a %lu-byte request buffer need %lu: size it with SEL4FT_SERVICE_MEMORY_SIZE()",
                          (unsigned long)config->memory_size, config->client_count, (unsigned long)*scratch_size,
                          (unsigned long)needed);
        return -SEL4FT_ENOSPC;
    }
    return 0;
}

int sel4ft_service_start(sel4ft_service_t *service, const sel4ft_service_config_t *config)
{
    if (service == NULL || config == NULL) {
        return -SEL4FT_EINVAL;
    }
    /* First of all: nothing may run on .data or .bss before they are as at first start. */
    uint64_t incarnation = sel4ft_restart_begin_or_stop(config->snapshot.base, config->snapshot.size, config->log.base,
                                                        config->log.size, config->log_channel);

    size_t scratch_size;
    int err = check_config(config, &scratch_size);
    if (err != 0) {
        return err;
    }
    sel4ft_zero_(service, sizeof(*service));
    service->config = *config;
    service->incarnation = incarnation;
    service->block_size = SEL4FT_SERVICE_BLOCK_SIZE(config->state_size, config->client_count, config->reply_max);
    uint8_t *memory = config->memory;
    service->block = (sel4ft_service_block_t *)memory;
    service->state = memory + sizeof(sel4ft_service_block_t);
    service->records = (sel4ft_service_record_t *)(memory + sizeof(sel4ft_service_block_t) +
                                                   SEL4FT_SERVICE_ALIGN8_(config->state_size));
    service->replies = (uint8_t *)(service->records + config->client_count);
    uint8_t *scratch = memory + service->block_size;

    err = restore(service);
    if (err != 0) {
        return err;
    }
    __builtin_memset(service->client_of, NO_CLIENT, sizeof(service->client_of));
    sel4ft_rpc_server_init(&service->rpc, handle, service, incarnation, scratch, scratch_size);
    for (uint32_t i = 0; i < config->client_count; i++) {
        const sel4ft_service_client_t *client = &config->clients[i];
        err = client->channel <= SEL4FT_OS_MAX_CHANNEL && service->client_of[client->channel] == NO_CLIENT
                  ? sel4ft_rpc_server_attach(&service->rpc, client->channel, client->region.base, client->region.size)
                  : -SEL4FT_EINVAL;
        if (err != 0) {
            sel4ft_log_printf(SEL4FT_LOG_ERROR, "client %u: request region at %p (%lu bytes) on channel %u cannot be "
                              "used: %s", i, client->region.base, (unsigned long)client->region.size,
                              client->channel, sel4ft_strerror(err));
            return err;
        }
        service->client_of[client->channel] = (uint8_t)i;
    }
    service->config.clients = NULL; /* read during the start only: it may live on the caller's stack */

    if (incarnation == 1) {
        sel4ft_log_printf(SEL4FT_LOG_INFO, "ready: epoch %lu, %u-byte state checkpointed in two slots of %u bytes",
                          (unsigned long)incarnation, config->state_size, service->checkpoint.slot_size);
        sel4ft_os_notify(config->monitor_channel);
        return 0;
    }
    sel4ft_log_printf(SEL4FT_LOG_INFO, "restarted as incarnation %lu (epoch %lu): clean .data/.bss, serving again",
                      (unsigned long)incarnation, (unsigned long)service->rpc.epoch);
    sel4ft_os_notify(config->monitor_channel);
    /* Answers the caller the crash left waiting, then serves; returns only where the port has no such loop. */
    sel4ft_restart_serve(sel4ft_rpc_server_restarted(&service->rpc));
    return 0;
}

void sel4ft_service_log_summary(const sel4ft_service_t *service)
{
    sel4ft_log_printf(SEL4FT_LOG_INFO, "summary: incarnation %lu, %lu updates applied, %lu retries answered from the "
                      "record, checkpoint sequence %lu", (unsigned long)service->incarnation,
                      (unsigned long)service->block->updates, (unsigned long)service->block->replays,
                      (unsigned long)service->checkpoint.sequence);
}
