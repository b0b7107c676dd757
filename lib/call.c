/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The retrying client: same id on every retry, bounded tries, progress across the client's own restarts. */

#include <sel4ft/call.h>
#include <sel4ft/error.h>
#include <sel4ft/log.h>

#include "internal.h"

static size_t saved_size(const sel4ft_call_t *call)
{
    return sizeof(sel4ft_call_saved_t) + call->config.user_progress_size;
}

/* What the last incarnation committed, if anything usable. */
static void restore(sel4ft_call_t *call)
{
    sel4ft_checkpoint_report_t report;
    int err = sel4ft_checkpoint_load(&call->checkpoint, &call->commit, saved_size(call), &report);
    const sel4ft_call_saved_t *saved = &call->commit.saved;
    if (err == -SEL4FT_EAGAIN) {
        return;
    }
    if (err != 0 || report.length != saved_size(call) || saved->magic != SEL4FT_CALL_MAGIC ||
        saved->size != call->config.user_progress_size || saved->next_id == 0) {
        sel4ft_log_printf(SEL4FT_LOG_ERROR, "saved progress unusable (%s): starting over",
                          err != 0 ? sel4ft_strerror(err) : "another layout");
        return;
    }
    call->rpc.next_request_id = saved->next_id;
    call->resumed = saved->in_flight != 0;
    if (call->config.user_progress_size != 0) {
        sel4ft_copy_(call->config.user_progress, call->commit.progress, call->config.user_progress_size);
    }
}

int sel4ft_call_init(sel4ft_call_t *call, const sel4ft_call_config_t *config)
{
    if (call == NULL || config == NULL || config->user_progress_size > SEL4FT_CALL_PROGRESS_MAX ||
        (config->user_progress == NULL && config->user_progress_size != 0)) {
        return -SEL4FT_EINVAL;
    }
    sel4ft_zero_(call, sizeof(*call));
    call->config = *config;
    if (call->config.max_attempts == 0) {
        call->config.max_attempts = SEL4FT_CALL_ATTEMPTS_DEFAULT;
    }
    int err = sel4ft_rpc_client_init(&call->rpc, config->region.base, config->region.size, config->channel,
                                     config->first_request_id != 0 ? config->first_request_id : 1);
    if (err != 0) {
        sel4ft_log_printf(SEL4FT_LOG_ERROR, "request region at %p (%lu bytes) on channel %u cannot be used: %s",
                          config->region.base, (unsigned long)config->region.size, config->channel,
                          sel4ft_strerror(err));
        return err;
    }
    if (config->progress.base == NULL) {
        return 0;
    }
    err = sel4ft_checkpoint_init(&call->checkpoint, config->progress.base, config->progress.size);
    if (err == 0 && sel4ft_checkpoint_capacity(&call->checkpoint) < saved_size(call)) {
        err = -SEL4FT_ENOSPC;
    }
    if (err != 0) {
        sel4ft_log_printf(SEL4FT_LOG_ERROR, "progress region at %p (%lu bytes) cannot hold %lu bytes of progress: %s",
                          config->progress.base, (unsigned long)config->progress.size,
                          (unsigned long)saved_size(call), sel4ft_strerror(err));
        return err;
    }
    call->persistent = true;
    restore(call);
    return 0;
}

/* Before a new request: its id (and the caller's progress) in the checkpoint, so a restarted client sends it
 * again under the same id. */
static void commit(sel4ft_call_t *call, uint64_t id)
{
    call->commit.saved = (sel4ft_call_saved_t){ .magic = SEL4FT_CALL_MAGIC, .size = call->config.user_progress_size,
                                                .next_id = id, .in_flight = 1 };
    if (call->config.user_progress_size != 0) {
        sel4ft_copy_(call->commit.progress, call->config.user_progress, call->config.user_progress_size);
    }
    int err = sel4ft_checkpoint_commit(&call->checkpoint, &call->commit, saved_size(call));
    if (err != 0) {
        sel4ft_log_printf(SEL4FT_LOG_ERROR, "progress commit failed: %s", sel4ft_strerror(err));
    }
}

int sel4ft_call(sel4ft_call_t *call, uint16_t opcode, const void *payload, uint32_t length, void *reply,
                size_t reply_capacity, uint32_t *status)
{
    if (call == NULL || status == NULL || (payload == NULL && length != 0)) {
        return -SEL4FT_EINVAL;
    }
    if (length > sel4ft_rpc_client_capacity(&call->rpc)) {
        return -SEL4FT_E2BIG;
    }
    uint64_t id = call->rpc.next_request_id;
    if (call->persistent) {
        commit(call, id);
    }
    sel4ft_rpc_reply_t answer;
    for (uint32_t attempt = 0; attempt < call->config.max_attempts; attempt++) {
        /* Every attempt writes the payload again: the crashed server may have scribbled on the region. */
        if (length != 0) {
            sel4ft_copy_(sel4ft_rpc_client_payload(&call->rpc), payload, length);
        }
        int err = sel4ft_rpc_call_id(&call->rpc, id, opcode, length, reply, reply_capacity, &answer);
        if (err == -SEL4FT_ESTALE) {
            call->retries++;
            sel4ft_log_printf(SEL4FT_LOG_INFO, "request %lu: %s (server epoch now %lu): retrying under the same id",
                              (unsigned long)id, sel4ft_rpc_status_str(answer.status), (unsigned long)answer.epoch);
            continue;
        }
        /* Sent: whatever the answer, the next request gets the next id (this one may have been applied). */
        call->rpc.next_request_id = id + 1;
        call->resumed = false;
        if (err != 0) {
            call->failures++;
            sel4ft_log_printf(SEL4FT_LOG_ERROR, "request %lu (op %u): %s", (unsigned long)id, opcode,
                              sel4ft_strerror(err));
            return err;
        }
        call->calls++;
        *status = answer.status;
        return 0;
    }
    call->rpc.next_request_id = id + 1;
    call->resumed = false;
    call->failures++;
    sel4ft_log_printf(SEL4FT_LOG_ERROR, "request %lu (op %u): the server restarted under all %u attempts: given up",
                      (unsigned long)id, opcode, call->config.max_attempts);
    return -SEL4FT_EUNAVAILABLE;
}
