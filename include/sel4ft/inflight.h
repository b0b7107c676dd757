/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/**
 * @defgroup inflight In-flight requests
 * @brief The shadow a component keeps of every request it handed a driver, so that it can hand them all
 *        again when the driver is restarted, and tell a late or repeated completion from a real one.
 *
 * A request enters the table when it is given to the driver
 * (sel4ft_inflight_add()), which names a slot (for the caller's own record
 * of the request, in an array of the same capacity) and an id to put in the
 * request. The driver echoes the id in its completion; sel4ft_inflight_remove()
 * takes the completion only if the id is the slot's current one, so a
 * completion that comes twice, or for an id the driver never had, is refused
 * (and counted) instead of completing someone else's request.
 *
 * When the driver is restarted, everything still in the table is handed to the
 * new incarnation: walk it oldest first (sel4ft_inflight_first(),
 * sel4ft_inflight_next()) and give each request a new id with
 * sel4ft_inflight_reissue(), so that nothing the old incarnation might still
 * report can complete it.
 *
 * An id is the slot number in its low bits and the slot's generation above
 * them; the generation changes every time the slot's id does. A stale id is
 * taken for a current one only after 2^(32 - log2(capacity)) id changes of
 * one slot.
 *
 * The table is pure memory: no system calls, one owner (not shared between
 * PDs).
 * @{
 */

/** "No slot": the end of a walk. */
#define SEL4FT_INFLIGHT_NONE UINT32_MAX

/** The most slots a table can have. */
#define SEL4FT_INFLIGHT_MAX (1u << 16)

/** One slot, as the table keeps it (the caller's record of the request lives in an array of its own). */
typedef struct sel4ft_inflight_slot {
    uint32_t generation; /**< Changes every time the slot's id does. */
    uint32_t in_use;     /**< Non-zero while a request occupies it. */
    uint32_t older;      /**< In use: the slot added before it (SEL4FT_INFLIGHT_NONE: the oldest). */
    uint32_t newer;      /**< In use: the slot added after it; free: the next free slot. */
} sel4ft_inflight_slot_t;

/** A table of in-flight requests. */
typedef struct sel4ft_inflight {
    sel4ft_inflight_slot_t *slots; /**< capacity slots, the caller's memory. */
    uint32_t capacity;             /**< A power of two, 1..SEL4FT_INFLIGHT_MAX. */
    uint32_t slot_bits;            /**< log2(capacity). */
    uint32_t count;                /**< Slots in use. */
    uint32_t oldest;               /**< The oldest slot in use (SEL4FT_INFLIGHT_NONE: none). */
    uint32_t newest;               /**< The newest slot in use. */
    uint32_t free;                 /**< The first free slot. */
    uint64_t refused;              /**< Completions refused: an id that is not a slot's current one. */
} sel4ft_inflight_t;

/**
 * @brief Set up an empty table.
 * @param table The table.
 * @param slots Its slots (capacity of them).
 * @param capacity How many: a power of two, 1..SEL4FT_INFLIGHT_MAX.
 * @return 0, or -SEL4FT_EINVAL (NULL, or a capacity that is not such a power of two).
 */
int sel4ft_inflight_init(sel4ft_inflight_t *table, sel4ft_inflight_slot_t *slots, uint32_t capacity);

/**
 * @brief Add a request: the newest in the table.
 * @param table The table.
 * @param slot Set to the request's slot (record the request there in the caller's array).
 * @param id Set to the id to give the driver.
 * @return 0, -SEL4FT_ENOSPC when every slot is in use, or -SEL4FT_EINVAL.
 */
int sel4ft_inflight_add(sel4ft_inflight_t *table, uint32_t *slot, uint32_t *id);

/**
 * @brief The slot of a current id, leaving it in the table.
 * @param table The table.
 * @param id An id from a completion (untrusted: any value).
 * @param slot Set to its slot when the id is current.
 * @return true if @p id is a slot's current id.
 */
bool sel4ft_inflight_find(const sel4ft_inflight_t *table, uint32_t id, uint32_t *slot);

/**
 * @brief Take a completion: remove the request whose current id is @p id.
 *
 * The slot's generation changes, so the same id never completes anything again.
 * @param table The table.
 * @param id An id from a completion (untrusted: any value).
 * @param slot Set to the request's slot (its record is the caller's to read until the slot is added again).
 * @return 0, or -SEL4FT_ESTALE for an id that is not a slot's current one (a repeated or late completion, or
 *         garbage: counted in @c refused, nothing changed), or -SEL4FT_EINVAL.
 */
int sel4ft_inflight_remove(sel4ft_inflight_t *table, uint32_t id, uint32_t *slot);

/**
 * @brief Give an in-flight request a new id (to hand it to a restarted driver); it keeps its place in the
 *        order. Its old id is stale from now on.
 * @param table The table.
 * @param slot A slot in use.
 * @param id Set to the new id.
 * @return 0, or -SEL4FT_EINVAL (a slot out of range or not in use: nothing changed).
 */
int sel4ft_inflight_reissue(sel4ft_inflight_t *table, uint32_t slot, uint32_t *id);

/**
 * @brief A slot's current id.
 * @param table The table.
 * @param slot A slot (0..capacity - 1).
 * @return Its id (for a slot not in use, the id its next request will get), or 0 when @p slot is out of range.
 */
uint32_t sel4ft_inflight_id(const sel4ft_inflight_t *table, uint32_t slot);

/**
 * @brief The oldest request in the table.
 * @param table The table.
 * @return Its slot, or SEL4FT_INFLIGHT_NONE when the table is empty.
 */
uint32_t sel4ft_inflight_first(const sel4ft_inflight_t *table);

/**
 * @brief The request added after @p slot.
 * @param table The table.
 * @param slot A slot in use.
 * @return Its slot, or SEL4FT_INFLIGHT_NONE at the end (or for a slot not in use).
 */
uint32_t sel4ft_inflight_next(const sel4ft_inflight_t *table, uint32_t slot);

/** @} */
