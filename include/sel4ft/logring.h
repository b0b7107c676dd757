/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sel4ft/os.h>

/**
 * @defgroup logring Log ring
 * @brief A single-producer, single-consumer ring of log records in shared memory.
 *
 * Each producer PD owns one ring in a region shared with the logger only. The
 * region starts with a control block that holds indices and flags (and nothing
 * the consumer must trust), followed by fixed-size record slots. Each side
 * keeps its own handle with the pointers and the capacity, computed from the
 * region size it was configured with, never read back from shared memory.
 *
 * - The producer never blocks and never overwrites unread records: when the
 *   ring is full the record is counted in a drop counter instead.
 * - The producer notifies only when the consumer asked for it
 *   (sel4ft_logring_consumer_arm()), so a busy logger costs no system calls.
 * - The consumer reads each field and each byte of text from shared memory
 *   exactly once, into its own record (text made printable on the way),
 *   checks the indices and the length, and reads at most one ring's worth per
 *   call, so a producer that writes garbage cannot make it read or write out
 *   of bounds or spin forever.
 *
 * Priorities decide how many records a notification brings. A consumer that
 * outranks its producer preempts it at every notification, drains the one
 * record there is and asks again: a notification and two context switches a
 * record (about 1,200 instructions of kernel work on seL4, five times the
 * ring's own cost). A consumer with the producer's priority, or a lower one,
 * becomes runnable without preempting and drains everything written meanwhile
 * at once, when the producer waits or its time slice ends; size the ring for
 * the bursts it must absorb in between (a full ring drops, and counts).
 * @{
 */

/** Log levels, most severe first. */
#define SEL4FT_LOG_ERROR 0u
/** A condition the PD recovered from. */
#define SEL4FT_LOG_WARN 1u
/** Normal operation. */
#define SEL4FT_LOG_INFO 2u
/** Detail for developers. */
#define SEL4FT_LOG_DEBUG 3u
/** The number of levels; larger values are rejected. */
#define SEL4FT_LOG_LEVEL_NUM 4u

/** A slot's level with this bit set holds a binary record (a structured event, formatted by the consumer's
 *  decoder: sel4ft_logring_write_binary(), sel4ft_logring_consumer_set_decoder()); the low bits are its level. */
#define SEL4FT_LOGRING_BINARY 0x8000u

/** The bytes of text one record holds (longer text is truncated). */
#define SEL4FT_LOGRING_TEXT_MAX 240u

/** "S4LR": marks a control block that a producer has initialised. */
#define SEL4FT_LOGRING_MAGIC 0x524c3453u
/** The layout version; a consumer ignores a ring of another version. */
#define SEL4FT_LOGRING_VERSION 1u

/** Shared control block at the start of a ring's region. */
typedef struct sel4ft_logring_control {
    uint32_t magic;         /**< SEL4FT_LOGRING_MAGIC once the producer initialised the ring. */
    uint32_t version;       /**< SEL4FT_LOGRING_VERSION. */
    uint32_t head;          /**< Free-running count of records published. Written by the producer. */
    uint32_t tail;          /**< Free-running count of records consumed. Written by the consumer. */
    uint32_t dropped;       /**< Records the producer dropped because the ring was full. Producer. */
    uint32_t wants_signal;  /**< Non-zero: the consumer waits for a notification. Set by the consumer, cleared by the producer. */
    uint32_t reserved[10];  /**< Zero. */
} sel4ft_logring_control_t;

_Static_assert(sizeof(sel4ft_logring_control_t) == 64, "control block is one cache line");

/** One record slot in shared memory. */
typedef struct sel4ft_logring_slot {
    uint64_t time;                       /**< Counter ticks when the record was written. */
    uint32_t sequence;                   /**< The producer's record number (dropped records count too). */
    uint16_t level;                      /**< SEL4FT_LOG_*. */
    uint16_t length;                     /**< Bytes of text used, <= SEL4FT_LOGRING_TEXT_MAX. */
    char text[SEL4FT_LOGRING_TEXT_MAX];  /**< Not NUL-terminated. */
} sel4ft_logring_slot_t;

_Static_assert(sizeof(sel4ft_logring_slot_t) == 256, "slot size is fixed");
_Static_assert(sizeof(sel4ft_logring_slot_t) % 8 == 0, "slots stay 8-byte aligned");

/** The smallest region that holds a ring (control block and two slots). */
#define SEL4FT_LOGRING_REGION_MIN (sizeof(sel4ft_logring_control_t) + 2 * sizeof(sel4ft_logring_slot_t))

/** A producer's private handle. */
typedef struct sel4ft_logring_producer {
    sel4ft_logring_control_t *control; /**< The shared control block. */
    sel4ft_logring_slot_t *slots;      /**< The shared slots. */
    uint32_t mask;                     /**< Capacity - 1 (capacity is a power of two). */
    uint32_t head;                     /**< Private copy of the published head. */
    uint32_t sequence;                 /**< Next record number. */
    uint32_t dropped;                  /**< Private copy of the drop counter. */
    sel4ft_channel_t channel;          /**< Where to notify the consumer. */
} sel4ft_logring_producer_t;

struct sel4ft_log_record;

/** A consumer's private handle. */
typedef struct sel4ft_logring_consumer {
    sel4ft_logring_control_t *control; /**< The shared control block. */
    const sel4ft_logring_slot_t *slots;/**< The shared slots. */
    uint32_t mask;                     /**< Capacity - 1. */
    uint32_t tail;                     /**< Private copy of the tail. */
    const char *source;                /**< The producer's name, from the consumer's configuration. */
    uint64_t received;                 /**< Records delivered. */
    uint64_t malformed;                /**< Records rejected (bad level or length). */
    uint64_t protocol_errors;          /**< Times the producer's indices were impossible (ring resynchronised). */
    uint32_t dropped_seen;             /**< The producer's drop counter when last read. */
    /** Turns a binary record into its text (sel4ft_logring_consumer_set_decoder()); NULL: binary records are
     *  malformed. */
    int (*decoder)(const void *data, size_t length, char *text, size_t size);
    /** The library's: how a binary record is taken, set with the decoder (so that only consumers with a decoder
     *  link that code). */
    int (*take_binary)(struct sel4ft_logring_consumer *consumer, struct sel4ft_log_record *record,
                       const sel4ft_logring_slot_t *slot, uint64_t time, uint32_t sequence, uint32_t level,
                       uint32_t length);
} sel4ft_logring_consumer_t;

/** A record as the consumer delivers it: a private copy, validated. */
typedef struct sel4ft_log_record {
    uint64_t time;                           /**< Counter ticks at the producer. */
    uint32_t sequence;                       /**< The producer's record number. */
    uint32_t level;                          /**< SEL4FT_LOG_*. */
    const char *source;                      /**< The consumer's name for the producer. */
    uint32_t length;                         /**< Bytes of text. */
    char text[SEL4FT_LOGRING_TEXT_MAX + 1] __attribute__((aligned(8))); /**< Printable ASCII only, NUL-terminated
                                                                             (8-byte aligned: copied in words). */
} sel4ft_log_record_t;

/**
 * @brief The number of slots a region of a given size holds.
 * @param region_size The region's size in bytes.
 * @return The largest power of two of slots that fits after the control block, or 0 if fewer than 2 fit.
 */
uint32_t sel4ft_logring_capacity(size_t region_size);

/**
 * @brief Attach the producer to its ring.
 *
 * A region whose magic word is already valid keeps its unread records (the
 * producer restarted); otherwise the control block is reset. Caller: PRODUCER only.
 * @param producer The handle to fill.
 * @param region The shared region, 8-byte aligned.
 * @param region_size Its size; the capacity is sel4ft_logring_capacity(region_size).
 * @param channel The channel on which to notify the consumer.
 * @return 0, or -SEL4FT_EINVAL for a NULL or misaligned region or one too small.
 */
int sel4ft_logring_producer_init(sel4ft_logring_producer_t *producer, void *region, size_t region_size,
                                 sel4ft_channel_t channel);

/**
 * @brief Append a record; never blocks.
 *
 * Text longer than SEL4FT_LOGRING_TEXT_MAX is truncated. Caller: PRODUCER only.
 * @param producer The producer.
 * @param level SEL4FT_LOG_*.
 * @param text The text (need not be NUL-terminated).
 * @param length Its length.
 * @return 0, -SEL4FT_ENOSPC if the ring was full (the record is counted as
 *         dropped), or -SEL4FT_EINVAL for a bad level or a NULL argument.
 */
int sel4ft_logring_write(sel4ft_logring_producer_t *producer, uint32_t level, const char *text, size_t length);

/**
 * @brief Format a record straight into its slot (no intermediate copy); never blocks.
 * @param producer The producer.
 * @param level SEL4FT_LOG_*.
 * @param format As sel4ft_fmt(); the result is truncated to SEL4FT_LOGRING_TEXT_MAX.
 * @return As sel4ft_logring_write().
 */
int sel4ft_logring_printf(sel4ft_logring_producer_t *producer, uint32_t level, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

/**
 * @brief As sel4ft_logring_printf(), with a va_list.
 * @param producer The producer.
 * @param level SEL4FT_LOG_*.
 * @param format The format.
 * @param args The arguments.
 * @return As sel4ft_logring_write().
 */
int sel4ft_logring_vprintf(sel4ft_logring_producer_t *producer, uint32_t level, const char *format, va_list args);

/**
 * @brief Append a binary record (a structured event whose text the consumer makes); never blocks.
 *
 * For a producer on a recovery path: copying a few fixed-width fields costs a fraction of formatting them, and
 * the consumer formats them when it drains, at its own priority (sel4ft_logring_consumer_set_decoder()).
 * Caller: PRODUCER only.
 * @param producer The producer.
 * @param level SEL4FT_LOG_*.
 * @param data The record's bytes.
 * @param length Their length, at most SEL4FT_LOGRING_TEXT_MAX.
 * @return 0, -SEL4FT_ENOSPC if the ring was full (the record is counted as dropped), or -SEL4FT_EINVAL for a bad
 *         level, a record longer than a slot or a NULL argument.
 */
int sel4ft_logring_write_binary(sel4ft_logring_producer_t *producer, uint32_t level, const void *data, size_t length);

/**
 * @brief Records this producer dropped because the ring was full. Caller: PRODUCER only.
 * @param producer The producer.
 * @return The count since the ring was created.
 */
uint32_t sel4ft_logring_producer_dropped(const sel4ft_logring_producer_t *producer);

/**
 * @brief Attach the consumer to a ring.
 *
 * The consumer resumes from the tail it left in the region (0 on a fresh
 * region). Caller: CONSUMER only.
 * @param consumer The handle to fill.
 * @param region The shared region, 8-byte aligned.
 * @param region_size Its size, as the consumer's own configuration says.
 * @param source The name to give this producer's records (kept by pointer).
 * @return 0, or -SEL4FT_EINVAL.
 */
int sel4ft_logring_consumer_init(sel4ft_logring_consumer_t *consumer, void *region, size_t region_size,
                                 const char *source);

/** Turns a binary record, copied out of the ring, into its text: returns the text's length (as sel4ft_fmt(); cut
 *  to @p size - 1), or a negative error for a record it refuses. It must accept any bytes (they come from the
 *  producer unchecked). sel4ft_faultmon_record_format() is the fault monitor's. */
typedef int (*sel4ft_logring_decoder_t)(const void *data, size_t length, char *text, size_t size);

/**
 * @brief Let this consumer take binary records (SEL4FT_LOGRING_BINARY): each is copied out of its slot, given
 *        back, then turned into text by @p decoder (made printable like any text). Without a decoder, and for a
 *        record the decoder refuses, a binary record is malformed. Caller: CONSUMER only.
 * @param consumer The consumer.
 * @param decoder The decoder, or NULL.
 */
void sel4ft_logring_consumer_set_decoder(sel4ft_logring_consumer_t *consumer, sel4ft_logring_decoder_t decoder);

/**
 * @brief Take the next record.
 *
 * The slot is copied out, then checked: a record with a bad level or length
 * is skipped and counted as malformed; non-printable bytes in the text become
 * '?'. If the producer's head is impossible (more than one ring ahead, or
 * behind the tail), the consumer discards the ring's contents, counts a
 * protocol error and resynchronises on the head. Caller: CONSUMER only.
 * @param consumer The consumer.
 * @param record Where to put the record.
 * @return 0 with a record, -SEL4FT_EAGAIN when the ring is empty (or not yet
 *         initialised by its producer), -SEL4FT_EBADMSG when a malformed record
 *         was skipped, -SEL4FT_EPROTO after a resynchronisation, -SEL4FT_EINVAL.
 */
int sel4ft_logring_read(sel4ft_logring_consumer_t *consumer, sel4ft_log_record_t *record);

/** Called by sel4ft_logring_drain() for each record. */
typedef void (*sel4ft_log_record_fn_t)(void *context, const sel4ft_log_record_t *record);

/**
 * @brief Read records until the ring is empty or @p budget records were taken.
 *
 * Malformed records and resynchronisations are counted in the consumer's
 * statistics and skipped. The budget bounds the work done per call, so a
 * producer that publishes without end cannot keep the consumer here forever.
 * Caller: CONSUMER only.
 * @param consumer The consumer.
 * @param handler Called for every valid record.
 * @param context Passed to @p handler.
 * @param budget The most slots to take in this call (records, malformed ones included).
 * @return The number of valid records delivered, or -SEL4FT_EINVAL.
 */
int sel4ft_logring_drain(sel4ft_logring_consumer_t *consumer, sel4ft_log_record_fn_t handler, void *context,
                         uint32_t budget);

/**
 * @brief Ask the producer for a notification, then check once more for records.
 *
 * Call it when sel4ft_logring_read() returned -SEL4FT_EAGAIN, before waiting:
 * it closes the window in which a record published between the last read and
 * the request would go unnoticed. Caller: CONSUMER only.
 * @param consumer The consumer.
 * @return true if the ring is still empty (safe to wait), false if records
 *         arrived meanwhile (read again; the request stays armed).
 */
bool sel4ft_logring_consumer_arm(sel4ft_logring_consumer_t *consumer);

/**
 * @brief The producer's drop counter, as last published.
 *
 * The value comes from shared memory and is only informative: a faulty
 * producer can write anything there. Caller: CONSUMER only.
 * @param consumer The consumer.
 * @return The number of records the producer reports dropped.
 */
uint32_t sel4ft_logring_consumer_dropped(sel4ft_logring_consumer_t *consumer);

/**
 * @brief Name of a log level.
 * @param level SEL4FT_LOG_*.
 * @return "ERROR", "WARN", "INFO", "DEBUG", or "?" for other values.
 */
const char *sel4ft_log_level_str(uint32_t level);

/** @} */
