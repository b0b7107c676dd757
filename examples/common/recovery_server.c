/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The recovery service's server (services/recovery_protocol.h): restartable, passive, and every update
 * applied exactly once. The recovery and campaign examples both run it; each links one source of its own that
 * defines recovery_server_hooks (recovery_server.h): what it does at the points of an update where a fault may
 * strike.
 *
 * - Its .data and .bss are re-established on every restart (sel4ft_restart_begin).
 * - Its state (counters, lists, and the de-duplication table) lives in a private
 *   copy that is committed to a two-slot checkpoint before each reply; a restart
 *   resumes from the newest valid slot and rejects a corrupted one.
 * - A request that arrives again after a restart is answered from the
 *   de-duplication record if its update was committed, and applied if it was not.
 * - After a restart it answers the call its crash interrupted with "peer restarted"
 *   (the client retries under the same request id), then serves as before. */

#include <microkit.h>

#include <sel4ft/sel4ft.h>

#include "example_log.h"
#include "recovery_server.h"

/* What the example's .system gives the server: client k calls on channel k (0, 1), each through a request
 * region of its own. */
enum {
    REQUEST_REGION_SIZE = 0x1000, /* each client's region; sel4ft_rpc_server_attach() checks it */
    LOG_CHANNEL = 8,              /* the log ring notifies the logger */
    MONITOR_CHANNEL = 9,          /* "serving (again)" to the monitor, its parent */
};

uintptr_t rpc_region_0, rpc_region_0_size, rpc_region_1, rpc_region_1_size;
uintptr_t log_ring, log_ring_size;
uintptr_t checkpoint_region, checkpoint_region_size;
uintptr_t snapshot_region, snapshot_region_size;

/* Everything that must survive a restart, checkpointed as one block. */
typedef struct {
    int64_t counters[RECOVERY_COUNTERS];
    uint32_t list_length[RECOVERY_LISTS];
    uint32_t lists[RECOVERY_LISTS][RECOVERY_LIST_MAX];
    uint64_t updates;
    sel4ft_dedup_t dedup;
} state_t;

static state_t state;
static sel4ft_checkpoint_t checkpoint;
static sel4ft_rpc_server_t server;
/* Each request's payload is copied here before it is used: a region's payload capacity. */
static _Alignas(8) uint8_t scratch[REQUEST_REGION_SIZE - sizeof(sel4ft_rpc_header_t)];
static uint64_t incarnation;

static uint32_t apply(const sel4ft_rpc_request_t *request, sel4ft_rpc_response_t *response)
{
    value_reply_t *reply = (value_reply_t *)response->payload;

    switch (request->opcode) {
    case OP_INCREMENT: {
        const increment_request_t *inc = (const increment_request_t *)request->payload;
        if (request->length != sizeof(*inc) || inc->index >= RECOVERY_COUNTERS) {
            return SEL4FT_RPC_INVALID_ARGUMENT;
        }
        /* In unsigned arithmetic: a client's delta may overflow the counter, which must wrap, not be UB. */
        state.counters[inc->index] = (int64_t)((uint64_t)state.counters[inc->index] + (uint64_t)inc->delta);
        reply->value = state.counters[inc->index];
        response->length = sizeof(*reply);
        return SEL4FT_RPC_OK;
    }
    case OP_APPEND: {
        const append_request_t *append = (const append_request_t *)request->payload;
        if (request->length != sizeof(*append) || append->index >= RECOVERY_LISTS) {
            return SEL4FT_RPC_INVALID_ARGUMENT;
        }
        uint32_t *length = &state.list_length[append->index];
        if (*length >= RECOVERY_LIST_MAX) {
            return SEL4FT_RPC_NO_SPACE;
        }
        state.lists[append->index][(*length)++] = append->item;
        reply->value = *length;
        response->length = sizeof(*reply);
        return SEL4FT_RPC_OK;
    }
    default:
        return SEL4FT_RPC_UNKNOWN_OPERATION;
    }
}

static uint32_t read(const sel4ft_rpc_request_t *request, sel4ft_rpc_response_t *response)
{
    const index_request_t *index = (const index_request_t *)request->payload;
    if (request->length != sizeof(*index) || index->index >= RECOVERY_COUNTERS ||
        response->capacity < sizeof(read_reply_t)) {
        return SEL4FT_RPC_INVALID_ARGUMENT;
    }
    read_reply_t *reply = (read_reply_t *)response->payload;
    reply->counter = state.counters[index->index];
    reply->list_length = state.list_length[index->index];
    reply->reserved = 0;
    __builtin_memcpy(reply->items, state.lists[index->index], sizeof(reply->items));
    response->length = sizeof(*reply);
    return SEL4FT_RPC_OK;
}

/* Put a reply (built privately, or recorded) into the shared region: written, never read back, and never past
 * the region's capacity. */
static uint32_t put_reply(sel4ft_rpc_response_t *response, uint32_t status, const uint8_t *reply, uint32_t length)
{
    if (length > response->capacity) {
        return SEL4FT_RPC_TOO_LARGE;
    }
    __builtin_memcpy(response->payload, reply, length);
    response->length = length;
    return status;
}

static uint32_t handle(void *context, const sel4ft_rpc_request_t *request, sel4ft_rpc_response_t *response)
{
    (void)context;
    uint32_t client = request->channel;

    switch (request->opcode) {
    case OP_READ:
        return read(request, response);
    case OP_STATS:
        LOG_INFO("summary: incarnation %lu, %lu updates applied, %lu retries answered from the record, "
                 "checkpoint sequence %lu",
                 (unsigned long)incarnation, (unsigned long)state.updates, (unsigned long)state.dedup.replays,
                 (unsigned long)checkpoint.sequence);
        return SEL4FT_RPC_OK;
    case OP_INJECT:
        /* The example's: a client arms a fault for the next update (or, with no such hook, cannot). */
        return recovery_server_hooks.arm != NULL ? recovery_server_hooks.arm(request) : SEL4FT_RPC_UNKNOWN_OPERATION;
    case OP_INCREMENT:
    case OP_APPEND:
        break;
    default:
        return SEL4FT_RPC_UNKNOWN_OPERATION;
    }

    /* A malformed update is refused before it can touch the de-duplication record: a garbage request id must
     * not become the client's "last applied" one. */
    uint32_t expected = request->opcode == OP_INCREMENT ? sizeof(increment_request_t) : sizeof(append_request_t);
    if (request->length != expected || request->request_id == 0) {
        return SEL4FT_RPC_INVALID_ARGUMENT;
    }

    /* Updates: exactly once. The digest tells a retry (the same request again) from a reused id. */
    uint64_t digest = sel4ft_dedup_digest(request->opcode, request->payload, request->length);
    int verdict = sel4ft_dedup_check(&state.dedup, client, request->request_id, digest);
    switch (verdict) {
    case SEL4FT_DEDUP_NEW:
        break;
    case SEL4FT_DEDUP_REPLAY: {
        const sel4ft_dedup_entry_t *last = sel4ft_dedup_last(&state.dedup, client);
        LOG_INFO("request %lu from client %u was applied before the crash: answered from the record",
                 (unsigned long)request->request_id, client);
        return put_reply(response, last->status, last->reply, last->length);
    }
    case SEL4FT_DEDUP_CONFLICT:
        LOG_WARN("request %lu (op %u) from client %u reuses the id of another request applied earlier: refused",
                 (unsigned long)request->request_id, request->opcode, client);
        return SEL4FT_RPC_REQUEST_ID_REUSED;
    case SEL4FT_DEDUP_STALE:
        return SEL4FT_RPC_STALE_REQUEST;
    default:
        return SEL4FT_RPC_INVALID_ARGUMENT;
    }

    /* Build the reply privately: it is recorded, and nothing is ever read back from the shared region. */
    _Alignas(8) uint8_t reply[SEL4FT_DEDUP_REPLY_MAX];
    sel4ft_rpc_response_t private_response = { .payload = reply, .capacity = sizeof(reply), .length = 0 };
    recovery_server_hooks.at(UPDATE_BEFORE_APPLY, incarnation, &checkpoint);
    uint32_t status = apply(request, &private_response);
    state.updates++;
    int err = sel4ft_dedup_record(&state.dedup, client, request->request_id, digest, status, reply,
                                  private_response.length);
    if (err != 0) {
        /* Cannot happen (the client index was checked, the reply fits the record). Were it to, the update would
         * be in memory without its record, and a commit would let a retry apply it twice: stop loudly instead;
         * the restart resumes from the last checkpoint, which has neither. */
        LOG_ERROR("cannot record request %lu from client %u: %s; stopping", (unsigned long)request->request_id,
                  client, sel4ft_strerror(err));
        __builtin_trap();
    }
    status = put_reply(response, status, reply, private_response.length);
    recovery_server_hooks.at(UPDATE_BEFORE_COMMIT, incarnation, &checkpoint);
    err = sel4ft_checkpoint_commit(&checkpoint, &state, sizeof(state));
    if (err != 0) {
        LOG_ERROR("checkpoint commit failed: %s", sel4ft_strerror(err));
        return SEL4FT_RPC_INTERNAL_ERROR;
    }
    recovery_server_hooks.at(UPDATE_BEFORE_REPLY, incarnation, &checkpoint);
    return status;
}

static void restore_state(void)
{
    sel4ft_checkpoint_report_t report;
    int err = sel4ft_checkpoint_init(&checkpoint, (void *)checkpoint_region, checkpoint_region_size);
    if (err == 0) {
        err = sel4ft_checkpoint_load(&checkpoint, &state, sizeof(state), &report);
    }
    for (uint32_t i = 0; i < 2 && err != -SEL4FT_EINVAL; i++) {
        uint32_t status = report.slot_status[i];
        if (status != SEL4FT_CHECKPOINT_SLOT_OK && status != SEL4FT_CHECKPOINT_SLOT_EMPTY) {
            LOG_WARN("checkpoint slot %u (sequence %lu) rejected: %s", i, (unsigned long)report.slot_sequence[i],
                     sel4ft_checkpoint_slot_status_str(status));
        }
    }
    if (err == 0) {
        LOG_INFO("state restored from checkpoint slot %d, sequence %lu (%lu updates)", report.loaded_slot,
                 (unsigned long)report.sequence, (unsigned long)state.updates);
    } else if (err == -SEL4FT_EAGAIN) {
        /* .bss already holds the empty state. */
        LOG_INFO("no valid checkpoint: starting with empty state");
    } else {
        LOG_ERROR("checkpoint: %s", sel4ft_strerror(err));
    }
}

void init(void)
{
    incarnation = example_restart_begin(snapshot_region, snapshot_region_size, log_ring, log_ring_size, LOG_CHANNEL);
    restore_state();
    sel4ft_rpc_server_init(&server, handle, NULL, incarnation, scratch, sizeof(scratch));
    if (sel4ft_rpc_server_attach(&server, 0, (void *)rpc_region_0, rpc_region_0_size) != 0 ||
        sel4ft_rpc_server_attach(&server, 1, (void *)rpc_region_1, rpc_region_1_size) != 0) {
        LOG_ERROR("cannot attach the request regions");
    }
    if (incarnation == 1) {
        LOG_INFO("ready: epoch %lu, %u-byte state checkpointed in two slots of %u bytes", (unsigned long)incarnation,
                 (unsigned)sizeof(state), checkpoint.slot_size);
        return;
    }
    LOG_INFO("restarted as incarnation %lu (epoch %lu): clean .data/.bss, serving again",
             (unsigned long)incarnation, (unsigned long)server.epoch);
    microkit_notify(MONITOR_CHANNEL);
    /* Answers the caller the crash left waiting, then serves; never returns. */
    sel4ft_restart_serve(sel4ft_rpc_server_restarted(&server));
}

microkit_msginfo protected(microkit_channel ch, microkit_msginfo msginfo)
{
    return sel4ft_rpc_server_handle(&server, ch, msginfo);
}

void notified(microkit_channel ch)
{
    LOG_WARN("unexpected notification on channel %u", ch);
}
