/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sel4ft/checkpoint.h>
#include <sel4ft/rpc.h>
#include <sel4ft/service.h>

/**
 * @defgroup call Retrying client
 * @brief A call that survives server restarts: the same request id on every retry, a bounded number of tries,
 *        and progress that survives the client's own restart when the client asks for it.
 *
 * sel4ft_call() sends a request under a new id and, each time the server
 * restarts under it (the call is answered with SEL4FT_RPC_PEER_RESTARTED or
 * SEL4FT_RPC_STALE_EPOCH), writes the payload into the request region again
 * (a crashed server may have scribbled on it) and sends it again under the
 * same id: a durable server (@ref service) applies it once, or answers it from
 * its record. After sel4ft_call_config_t.max_attempts restarts in a row the
 * server is given up: -SEL4FT_EUNAVAILABLE.
 *
 * A client its monitor may restart keeps its place with a checkpoint region
 * of its own (sel4ft_call_config_t.progress): before each new request, the
 * request's id, and the caller's own progress block if it gave one, are
 * committed there. A restarted client then resumes with the id it was on, so
 * the request it resends (rebuilt from the restored progress) is the same
 * request under the same id, never a second application. Without such a
 * region, give each incarnation ids of its own (first_request_id =
 * (incarnation << 32) | 1).
 * @{
 */

/** Attempts per call when sel4ft_call_config_t.max_attempts is 0. */
#define SEL4FT_CALL_ATTEMPTS_DEFAULT 8u

/** How a retrying client is set up. */
typedef struct sel4ft_call_config {
    sel4ft_region_t region;     /**< The request region shared with the server (setvar `rpc_region`). */
    sel4ft_channel_t channel;   /**< The PPC channel to the server. */
    uint32_t max_attempts;      /**< Sends per call before the server is given up (0: SEL4FT_CALL_ATTEMPTS_DEFAULT). */
    uint64_t first_request_id;  /**< The first id when there is no saved progress (0: 1). */
    sel4ft_region_t progress;   /**< A private checkpoint region for progress across this client's restarts
                                     (setvar `checkpoint_region`); base NULL: none. */
    void *user_progress;        /**< The caller's own progress (fixed-width fields), committed with the request id
                                     before each new request and restored at init; NULL: none. */
    uint32_t user_progress_size;/**< Its size. */
} sel4ft_call_config_t;

/** What the client commits before each new request. Fixed-width fields only. */
typedef struct sel4ft_call_saved {
    uint32_t magic;      /**< SEL4FT_CALL_MAGIC. */
    uint32_t size;       /**< The caller's progress block's size. */
    uint64_t next_id;    /**< The request being sent, or the next. */
    uint64_t in_flight;  /**< Non-zero: next_id may have reached the server (it is sent again). */
    uint64_t reserved;   /**< 0. */
} sel4ft_call_saved_t;

_Static_assert(sizeof(sel4ft_call_saved_t) == 32, "call progress layout (checkpointed)");

/** "S4CL": marks a client's saved progress. */
#define SEL4FT_CALL_MAGIC 0x4c433453u

/** The largest caller progress block. */
#define SEL4FT_CALL_PROGRESS_MAX 256u

/** A retrying client. */
typedef struct sel4ft_call {
    sel4ft_rpc_client_t rpc;        /**< The request/reply client. */
    sel4ft_call_config_t config;    /**< As initialised. */
    sel4ft_checkpoint_t checkpoint; /**< The progress store (when configured). */
    bool persistent;                /**< Progress is committed. */
    bool resumed;                   /**< init restored a request that was in flight. */
    struct {
        sel4ft_call_saved_t saved;                 /**< The ids. */
        uint8_t progress[SEL4FT_CALL_PROGRESS_MAX];/**< A copy of the caller's progress. */
    } commit;                       /**< What is committed (the ids, then the caller's progress). */
    uint64_t calls;                 /**< Calls answered. */
    uint64_t retries;               /**< Requests sent again after a server restart. */
    uint64_t failures;              /**< Calls that failed (given up, or the server broke the protocol). */
} sel4ft_call_t;

/**
 * @brief Set up a client; with a progress region, restore what the last incarnation committed.
 * @param call The client (static storage).
 * @param config Its configuration (copied).
 * @return 0; -SEL4FT_EINVAL for a bad region or channel, or a progress block larger than SEL4FT_CALL_PROGRESS_MAX;
 *         errors are logged (@ref log).
 */
int sel4ft_call_init(sel4ft_call_t *call, const sel4ft_call_config_t *config);

/**
 * @brief Whether init restored a request that was in flight when the last incarnation stopped (it is sent again,
 *        under its id, by the next sel4ft_call()).
 * @param call The client.
 * @return true if so.
 */
static inline bool sel4ft_call_resumed(const sel4ft_call_t *call)
{
    return call->resumed;
}

/**
 * @brief Call the server: a new request, sent again under the same id while the server restarts under it.
 * @param call The client.
 * @param opcode The operation.
 * @param payload The request payload (copied into the region before every attempt; NULL when @p length is 0).
 * @param length Its length.
 * @param reply Where to copy the reply payload (NULL when @p reply_capacity is 0).
 * @param reply_capacity Its size.
 * @param status Set to the server's status (SEL4FT_RPC_OK or the service's answer) when 0 is returned.
 * @return 0 when the server answered; -SEL4FT_EUNAVAILABLE when it restarted under every attempt (given up);
 *         -SEL4FT_EBADMSG, -SEL4FT_EMISMATCH, -SEL4FT_EPEER, -SEL4FT_ENOSPC as sel4ft_rpc_call_id() (the server
 *         broke the protocol, or the reply did not fit); -SEL4FT_E2BIG, -SEL4FT_EINVAL. Errors are logged.
 */
int sel4ft_call(sel4ft_call_t *call, uint16_t opcode, const void *payload, uint32_t length, void *reply,
                size_t reply_capacity, uint32_t *status);

/** @} */
