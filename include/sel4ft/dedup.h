/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/**
 * @defgroup dedup Request de-duplication
 * @brief Apply each request once, even when a client retries it after its server restarted.
 *
 * The server keeps, per client, the id of the last request it applied, a
 * digest of that request (sel4ft_dedup_digest(): its opcode and payload) and
 * its reply. Keep the table inside the state you checkpoint, and
 * record a request in the same commit as its effect: then after a restart a
 * retried request is either not yet applied (its effect and record were lost
 * together, so it runs now) or applied (both survived, so its reply is
 * replayed and it does not run again). Clients send one request at a time
 * with increasing ids (sel4ft's rpc client does), so one entry per client is enough.
 *
 * Ids must keep increasing across a client's own restarts as well: a
 * restarted client that started again from 1 would be refused as stale. A
 * new request that reuses the last applied id is told from a retry by its
 * digest: a different request under that id is a conflict
 * (SEL4FT_DEDUP_CONFLICT), refused, never answered with the old reply. Only a
 * reuse for a request identical to the recorded one (same opcode and payload)
 * cannot be told from a retry; the digest is a 64-bit checksum, not a
 * cryptographic hash (a client could forge a collision, but only against its
 * own entry).
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
    uint64_t digest;                       /**< Its sel4ft_dedup_digest(). */
    uint32_t status;                       /**< Its reply status. */
    uint32_t length;                       /**< Its reply length. */
    uint8_t reply[SEL4FT_DEDUP_REPLY_MAX]; /**< Its reply payload. */
} sel4ft_dedup_entry_t;

_Static_assert(sizeof(sel4ft_dedup_entry_t) == 24 + SEL4FT_DEDUP_REPLY_MAX, "dedup entry layout (checkpointed)");
_Static_assert(_Alignof(sel4ft_dedup_entry_t) == 8, "dedup entry alignment");

/** The table. Zero-initialised means "nothing applied yet". */
typedef struct sel4ft_dedup {
    sel4ft_dedup_entry_t clients[SEL4FT_DEDUP_CLIENTS]; /**< Indexed by client. */
    uint64_t replays;                                   /**< Retries answered from the table. */
    uint64_t stale;                                     /**< Requests older than the last applied one. */
    uint64_t conflicts;                                 /**< Requests that reused the last applied id. */
} sel4ft_dedup_t;

_Static_assert(sizeof(sel4ft_dedup_t) == SEL4FT_DEDUP_CLIENTS * sizeof(sel4ft_dedup_entry_t) + 24,
               "dedup table layout (checkpointed)");
_Static_assert(_Alignof(sel4ft_dedup_t) == 8, "dedup table alignment");

/** What to do with a request. */
typedef enum {
    SEL4FT_DEDUP_NEW = 0, /**< Not seen: apply it, then sel4ft_dedup_record(). */
    SEL4FT_DEDUP_REPLAY,  /**< Already applied: answer with the recorded reply; do not apply again. */
    SEL4FT_DEDUP_STALE,   /**< Older than the last applied request: refuse it. */
    SEL4FT_DEDUP_CONFLICT,/**< The last applied id, but another request (another digest): the client reused
                               an id. Refuse it; neither apply it nor answer with the recorded reply. */
} sel4ft_dedup_verdict_t;

/**
 * @brief The digest that identifies a request under its id: sel4ft_checksum() over the opcode,
 *        the payload's length and the payload.
 * @param opcode The request's operation.
 * @param payload Its payload (may be NULL when @p length is 0).
 * @param length The payload's length.
 * @return The digest, for sel4ft_dedup_check() and sel4ft_dedup_record().
 */
uint64_t sel4ft_dedup_digest(uint32_t opcode, const void *payload, uint32_t length);

/**
 * @brief Classify a request against a client's last applied one (pure; the rule every table applies).
 *
 * For tables of other shapes than sel4ft_dedup_t (the durable service's, @ref service, sized by the service).
 * @param last_id The id of the client's last applied request (0: none yet).
 * @param last_digest Its digest.
 * @param request_id The request's id (> 0).
 * @param digest The request's sel4ft_dedup_digest().
 * @return A sel4ft_dedup_verdict_t.
 */
sel4ft_dedup_verdict_t sel4ft_dedup_verdict(uint64_t last_id, uint64_t last_digest, uint64_t request_id,
                                            uint64_t digest);

/**
 * @brief Classify a request.
 * @param table The table.
 * @param client The client's index (< SEL4FT_DEDUP_CLIENTS).
 * @param request_id The request's id (> 0).
 * @param digest The request's sel4ft_dedup_digest().
 * @return A sel4ft_dedup_verdict_t (counting replays, stale requests and conflicts), or -SEL4FT_EINVAL.
 */
int sel4ft_dedup_check(sel4ft_dedup_t *table, uint32_t client, uint64_t request_id, uint64_t digest);

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
 * @param digest The request's sel4ft_dedup_digest().
 * @param status The reply status.
 * @param reply The reply payload (may be NULL when @p length is 0).
 * @param length Its length.
 * @return 0, -SEL4FT_E2BIG for a reply longer than SEL4FT_DEDUP_REPLY_MAX (nothing recorded),
 *         or -SEL4FT_EINVAL.
 */
int sel4ft_dedup_record(sel4ft_dedup_t *table, uint32_t client, uint64_t request_id, uint64_t digest,
                        uint32_t status, const void *reply, uint32_t length);

/** @} */
