/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/**
 * @defgroup checkpoint Checkpoints
 * @brief Server state that survives a restart: two checksummed slots in a region only the server maps.
 *
 * A commit always writes the slot that does not hold the newest checkpoint:
 * it first invalidates that slot, then writes the data, then the header with
 * the sequence number and checksum, and the magic word last. A crash at any
 * point leaves the other slot intact, and a torn or corrupted slot fails its
 * checksum and is rejected on load, never trusted.
 *
 * The region lies outside the PD's program image, so a restart (which
 * re-establishes .data and .bss) does not touch it.
 * @{
 */

/** "S4CP": marks a slot that a commit completed. */
#define SEL4FT_CHECKPOINT_MAGIC 0x50433453u
/** The slot layout version. */
#define SEL4FT_CHECKPOINT_VERSION 1u
/** The largest sequence a valid slot may carry (2^62): far beyond any real number of commits, so a load
 *  rejects a slot that claims more; a commit after a slot that carries exactly this fails (see
 *  sel4ft_checkpoint_commit()). */
#define SEL4FT_CHECKPOINT_SEQUENCE_MAX (1ull << 62)

/** A slot header in the region. Fixed-width fields only. */
typedef struct sel4ft_checkpoint_header {
    uint32_t magic;    /**< SEL4FT_CHECKPOINT_MAGIC once the slot is complete; 0 while it is written. */
    uint32_t version;  /**< SEL4FT_CHECKPOINT_VERSION. */
    uint64_t sequence; /**< Commit number, 1 for the first; the newest valid slot wins. */
    uint32_t length;   /**< Bytes of data. */
    uint32_t reserved; /**< 0. */
    uint64_t checksum; /**< sel4ft_checksum() over the header (magic and checksum taken as 0) and the data. */
} sel4ft_checkpoint_header_t;

_Static_assert(sizeof(sel4ft_checkpoint_header_t) == 32, "checkpoint header layout");

/** A checkpoint store's private handle. */
typedef struct sel4ft_checkpoint {
    uint8_t *region;    /**< The region (two slots). */
    uint32_t slot_size; /**< Bytes per slot, header included. */
    uint32_t newest;    /**< Index of the slot with the newest valid checkpoint. */
    uint64_t sequence;  /**< Its sequence number (0: none yet). */
    uint64_t commits;   /**< Commits by this incarnation. */
} sel4ft_checkpoint_t;

/** Why a slot was not used on load. */
typedef enum {
    SEL4FT_CHECKPOINT_SLOT_OK = 0,    /**< Valid. */
    SEL4FT_CHECKPOINT_SLOT_EMPTY,     /**< Never written (all zero). */
    SEL4FT_CHECKPOINT_SLOT_INCOMPLETE,/**< No magic: a commit did not finish. */
    SEL4FT_CHECKPOINT_SLOT_BAD_HEADER,/**< Unknown version, impossible length. */
    SEL4FT_CHECKPOINT_SLOT_BAD_CHECKSUM, /**< Contents changed after the commit, or a torn write. */
} sel4ft_checkpoint_slot_status_t;

/** What a load found. */
typedef struct sel4ft_checkpoint_report {
    uint32_t slot_status[2];  /**< sel4ft_checkpoint_slot_status_t of each slot. */
    uint64_t slot_sequence[2];/**< Each slot's sequence as its header claims (even when rejected). */
    int32_t loaded_slot;      /**< 0 or 1, or -1 when nothing was loaded. */
    uint64_t sequence;        /**< The loaded checkpoint's sequence. */
    uint32_t length;          /**< Its length. */
} sel4ft_checkpoint_report_t;

/**
 * @brief A 64-bit checksum: FNV-1a over 32-bit little-endian words (a short tail is zero-padded).
 *        Catches single-bit flips, torn writes and structured garbage; not a cryptographic hash.
 * @param seed The running value (0 to start; feeding nothing returns it unchanged).
 * @param data The bytes.
 * @param length How many.
 * @return The checksum of what was fed so far.
 */
uint64_t sel4ft_checksum(uint64_t seed, const void *data, size_t length);

/**
 * @brief Attach to a checkpoint region (nothing is read or written yet).
 * @param checkpoint The handle.
 * @param region The region, 8-byte aligned.
 * @param region_size Its size; each slot gets half (rounded down to 8 bytes).
 * @return 0, or -SEL4FT_EINVAL (NULL, misaligned, or slots smaller than a header plus 8 bytes).
 */
int sel4ft_checkpoint_init(sel4ft_checkpoint_t *checkpoint, void *region, size_t region_size);

/**
 * @brief The most data a slot holds.
 * @param checkpoint The handle.
 * @return Bytes.
 */
uint32_t sel4ft_checkpoint_capacity(const sel4ft_checkpoint_t *checkpoint);

/**
 * @brief Load the newest valid checkpoint.
 * @param checkpoint The handle; remembers which slot is newest, so the next commit writes the other.
 * @param data Where to copy the data.
 * @param capacity Its size.
 * @param report Where to say what each slot held (may be NULL).
 * @return 0 with data loaded; -SEL4FT_EAGAIN when no slot is valid (a fresh start, or both
 *         rejected: see the report); -SEL4FT_ENOSPC when the newest valid checkpoint does not
 *         fit @p capacity; -SEL4FT_EINVAL.
 */
int sel4ft_checkpoint_load(sel4ft_checkpoint_t *checkpoint, void *data, size_t capacity,
                           sel4ft_checkpoint_report_t *report);

/**
 * @brief Commit new data to the older slot.
 *
 * Call sel4ft_checkpoint_load() once before the first commit, so the handle knows which slot is
 * newest and which sequence numbers are taken; otherwise the first commit may lose to an older one.
 *
 * Each commit takes the next sequence number. When the newest checkpoint already carries
 * SEL4FT_CHECKPOINT_SEQUENCE_MAX (unreachable by real commits: only a slot written by something
 * else, with a valid checksum, can claim it) no later number would load, so the commit fails
 * and writes nothing; both slots stay as they were. Recover by starting a fresh region.
 * @param checkpoint The handle.
 * @param data The data.
 * @param length Its length, at most sel4ft_checkpoint_capacity().
 * @return 0; -SEL4FT_E2BIG when @p length exceeds the capacity; -SEL4FT_ENOSPC when the sequence
 *         numbers are used up (see above); -SEL4FT_EINVAL.
 */
int sel4ft_checkpoint_commit(sel4ft_checkpoint_t *checkpoint, const void *data, size_t length);

/**
 * @brief Name of a slot status.
 * @param status A sel4ft_checkpoint_slot_status_t.
 * @return For example "checksum mismatch".
 */
const char *sel4ft_checkpoint_slot_status_str(uint32_t status);

/** @} */
