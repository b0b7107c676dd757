/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

#include <stdint.h>

/**
 * @defgroup dedup Request de-duplication
 * @brief Apply each request once, even when a client retries it after its server restarted.
 *
 * The server keeps, per client, the id of the last request it applied and
 * that request's reply. Keep the table inside the state you checkpoint, and
 * record a request in the same commit as its effect: then after a restart a
 * retried request is either not yet applied (its effect and record were lost
 * together, so it runs now) or applied (both survived, so its reply is
 * replayed and it does not run again). Clients send one request at a time
 * with increasing ids (sel4ft's rpc client does), so one entry per client is enough.
 *
 * Ids must keep increasing across a client's own restarts as well: a
 * restarted client that started again from 1 would be refused as stale, or,
 * worse, if a new request reused the last id, get the old reply for it.
 *
 * The table is fixed-width data with no pointers, made to be checkpointed.
 * @{
 */

/** Clients a table tracks (their channel ids index it). */
#define SEL4FT_DEDUP_CLIENTS 8u
/** The largest reply that can be replayed. */
#define SEL4FT_DEDUP_REPLY_MAX 256u

/** One client's last request. */
typedef struct sel4ft_dedup_entry {
    uint64_t request_id;                   /**< Last applied (0: none). */
    uint32_t status;                       /**< Its reply status. */
    uint32_t length;                       /**< Its reply length. */
    uint8_t reply[SEL4FT_DEDUP_REPLY_MAX]; /**< Its reply payload. */
} sel4ft_dedup_entry_t;

/** The table. Zero-initialised means "nothing applied yet". */
typedef struct sel4ft_dedup {
    sel4ft_dedup_entry_t clients[SEL4FT_DEDUP_CLIENTS]; /**< Indexed by client. */
    uint64_t replays;                                   /**< Retries answered from the table. */
    uint64_t stale;                                     /**< Requests older than the last applied one. */
} sel4ft_dedup_t;

/** What to do with a request. */
typedef enum {
    SEL4FT_DEDUP_NEW = 0, /**< Not seen: apply it, then sel4ft_dedup_record(). */
    SEL4FT_DEDUP_REPLAY,  /**< Already applied: answer with the recorded reply; do not apply again. */
    SEL4FT_DEDUP_STALE,   /**< Older than the last applied request: refuse it. */
} sel4ft_dedup_verdict_t;

/**
 * @brief Classify a request.
 * @param table The table.
 * @param client The client's index (< SEL4FT_DEDUP_CLIENTS).
 * @param request_id The request's id (> 0).
 * @return A sel4ft_dedup_verdict_t (counting replays and stale requests), or -SEL4FT_EINVAL.
 */
int sel4ft_dedup_check(sel4ft_dedup_t *table, uint32_t client, uint64_t request_id);

/**
 * @brief The recorded reply of a client's last request (for SEL4FT_DEDUP_REPLAY).
 * @param table The table.
 * @param client The client.
 * @return The entry, or NULL for a bad client index.
 */
const sel4ft_dedup_entry_t *sel4ft_dedup_last(const sel4ft_dedup_t *table, uint32_t client);

/**
 * @brief Record an applied request and its reply.
 * @param table The table.
 * @param client The client.
 * @param request_id The request's id.
 * @param status The reply status.
 * @param reply The reply payload (may be NULL when @p length is 0).
 * @param length Its length.
 * @return 0, -SEL4FT_E2BIG for a reply longer than SEL4FT_DEDUP_REPLY_MAX (nothing recorded),
 *         or -SEL4FT_EINVAL.
 */
int sel4ft_dedup_record(sel4ft_dedup_t *table, uint32_t client, uint64_t request_id, uint32_t status,
                        const void *reply, uint32_t length);

/** @} */
