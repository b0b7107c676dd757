/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include <sel4ft/error.h>
#include <sel4ft/fence.h>
#include <sel4ft/fmt.h>
#include <sel4ft/logring.h>
#include <sel4ft/os.h>

#include "internal.h"

uint32_t sel4ft_logring_capacity(size_t region_size)
{
    if (region_size < SEL4FT_LOGRING_REGION_MIN) {
        return 0;
    }
    size_t slots = (region_size - sizeof(sel4ft_logring_control_t)) / sizeof(sel4ft_logring_slot_t);
    if (slots > (1u << 24)) {
        slots = 1u << 24;
    }
    uint32_t capacity = 1;
    while ((size_t)capacity * 2 <= slots) {
        capacity *= 2;
    }
    return capacity;
}

static int attach(void *region, size_t region_size, uint32_t *mask)
{
    if (region == NULL || !sel4ft_is_aligned_(region, 8)) {
        return -SEL4FT_EINVAL;
    }
    uint32_t capacity = sel4ft_logring_capacity(region_size);
    if (capacity < 2) {
        return -SEL4FT_EINVAL;
    }
    *mask = capacity - 1;
    return 0;
}

int sel4ft_logring_producer_init(sel4ft_logring_producer_t *producer, void *region, size_t region_size,
                                 sel4ft_channel_t channel)
{
    uint32_t mask;

    if (producer == NULL || attach(region, region_size, &mask) != 0) {
        return -SEL4FT_EINVAL;
    }
    sel4ft_logring_control_t *control = region;
    producer->control = control;
    producer->slots = (sel4ft_logring_slot_t *)(control + 1);
    producer->mask = mask;
    producer->channel = channel;

    /* Pairs with the store-release of magic below, by an earlier incarnation of this producer. */
    uint32_t magic = sel4ft_load_acquire_u32(&control->magic);
    /* Pairs with the consumer's store-release of tail after it copied a slot out. */
    uint32_t tail = sel4ft_load_acquire_u32(&control->tail);

    if (magic == SEL4FT_LOGRING_MAGIC && sel4ft_load_relaxed_u32(&control->version) == SEL4FT_LOGRING_VERSION) {
        /* A restarted producer: keep what the consumer has not read yet. */
        uint32_t head = sel4ft_load_relaxed_u32(&control->head);
        if (head - tail > mask + 1) {
            /* Our own earlier incarnation left an impossible head: start empty rather than publish garbage. */
            head = tail;
            sel4ft_store_release_u32(&control->head, head);
        }
        producer->head = head;
        producer->dropped = sel4ft_load_relaxed_u32(&control->dropped);
        /* The earlier incarnation may have died between publishing and notifying, or between taking the
         * consumer's request (clearing wants_signal) and notifying: whenever records wait, notify now. A
         * consumer that was draining anyway gets one spare notification. */
        sel4ft_fence_full();
        if (head != tail) {
            sel4ft_store_relaxed_u32(&control->wants_signal, 0);
            sel4ft_os_notify(channel);
        }
    } else {
        /* A fresh ring. wants_signal is left alone: the consumer may already be waiting. */
        producer->head = tail;
        producer->dropped = 0;
        sel4ft_store_relaxed_u32(&control->head, tail);
        sel4ft_store_relaxed_u32(&control->dropped, 0);
        sel4ft_store_relaxed_u32(&control->version, SEL4FT_LOGRING_VERSION);
        /* Pairs with the consumer's load-acquire of magic: head and version are visible first. */
        sel4ft_store_release_u32(&control->magic, SEL4FT_LOGRING_MAGIC);
    }
    producer->sequence = producer->head + producer->dropped;
    return 0;
}

/* Claim the next slot, or count a drop. */
static sel4ft_logring_slot_t *claim(sel4ft_logring_producer_t *producer)
{
    /* Pairs with the consumer's store-release of tail: the slot's old contents were copied out. */
    uint32_t tail = sel4ft_load_acquire_u32(&producer->control->tail);

    if (producer->head - tail > producer->mask) {
        producer->dropped++;
        producer->sequence++;
        sel4ft_store_relaxed_u32(&producer->control->dropped, producer->dropped);
        return NULL;
    }
    return &producer->slots[producer->head & producer->mask];
}

static void publish(sel4ft_logring_producer_t *producer, sel4ft_logring_slot_t *slot, uint32_t level,
                    uint32_t length)
{
    slot->time = sel4ft_os_ticks();
    slot->sequence = producer->sequence++;
    slot->level = (uint16_t)level;
    slot->length = (uint16_t)length;

    producer->head++;
    /* Pairs with the consumer's load-acquire of head: the slot's contents are visible first. */
    sel4ft_store_release_u32(&producer->control->head, producer->head);

    /* Pairs with the fence in sel4ft_logring_consumer_arm(): either it sees the new head, or we see its request. */
    sel4ft_fence_full();
    if (sel4ft_load_relaxed_u32(&producer->control->wants_signal) != 0) {
        sel4ft_store_relaxed_u32(&producer->control->wants_signal, 0);
        sel4ft_os_notify(producer->channel);
    }
}

int sel4ft_logring_write(sel4ft_logring_producer_t *producer, uint32_t level, const char *text, size_t length)
{
    if (producer == NULL || producer->control == NULL || text == NULL || level >= SEL4FT_LOG_LEVEL_NUM) {
        return -SEL4FT_EINVAL;
    }
    sel4ft_logring_slot_t *slot = claim(producer);
    if (slot == NULL) {
        return -SEL4FT_ENOSPC;
    }
    if (length > SEL4FT_LOGRING_TEXT_MAX) {
        length = SEL4FT_LOGRING_TEXT_MAX;
    }
    sel4ft_copy_(slot->text, text, length);
    publish(producer, slot, level, (uint32_t)length);
    return 0;
}

void *sel4ft_logring_binary_begin_(sel4ft_logring_producer_t *producer)
{
    sel4ft_logring_slot_t *slot = claim(producer);
    return slot != NULL ? slot->text : NULL;
}

void sel4ft_logring_binary_end_(sel4ft_logring_producer_t *producer, uint32_t level, size_t length)
{
    publish(producer, &producer->slots[producer->head & producer->mask], level | SEL4FT_LOGRING_BINARY,
            (uint32_t)length);
}

int sel4ft_logring_write_binary(sel4ft_logring_producer_t *producer, uint32_t level, const void *data, size_t length)
{
    if (producer == NULL || producer->control == NULL || data == NULL || level >= SEL4FT_LOG_LEVEL_NUM ||
        length > SEL4FT_LOGRING_TEXT_MAX) {
        return -SEL4FT_EINVAL;
    }
    void *text = sel4ft_logring_binary_begin_(producer);
    if (text == NULL) {
        return -SEL4FT_ENOSPC;
    }
    sel4ft_copy_(text, data, length);
    sel4ft_logring_binary_end_(producer, level, length);
    return 0;
}

int sel4ft_logring_vprintf(sel4ft_logring_producer_t *producer, uint32_t level, const char *format, va_list args)
{
    if (producer == NULL || producer->control == NULL || format == NULL || level >= SEL4FT_LOG_LEVEL_NUM) {
        return -SEL4FT_EINVAL;
    }
    sel4ft_logring_slot_t *slot = claim(producer);
    if (slot == NULL) {
        return -SEL4FT_ENOSPC;
    }
    /* Format in place; the terminating NUL takes the last byte, so at most TEXT_MAX - 1 characters. */
    int n = sel4ft_vfmt(slot->text, sizeof(slot->text), format, args);
    uint32_t length = n < 0 ? 0 : (uint32_t)n;
    if (length > SEL4FT_LOGRING_TEXT_MAX - 1) {
        length = SEL4FT_LOGRING_TEXT_MAX - 1;
    }
    publish(producer, slot, level, length);
    return 0;
}

int sel4ft_logring_printf(sel4ft_logring_producer_t *producer, uint32_t level, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    int err = sel4ft_logring_vprintf(producer, level, format, args);
    va_end(args);
    return err;
}

uint32_t sel4ft_logring_producer_dropped(const sel4ft_logring_producer_t *producer)
{
    return producer == NULL ? 0 : producer->dropped;
}

int sel4ft_logring_consumer_init(sel4ft_logring_consumer_t *consumer, void *region, size_t region_size,
                                 const char *source)
{
    uint32_t mask;

    if (consumer == NULL || attach(region, region_size, &mask) != 0) {
        return -SEL4FT_EINVAL;
    }
    sel4ft_zero_(consumer, sizeof(*consumer));
    consumer->control = region;
    consumer->slots = (const sel4ft_logring_slot_t *)(consumer->control + 1);
    consumer->mask = mask;
    consumer->source = source != NULL ? source : "?";
    /* Resume where an earlier incarnation stopped; a bad value is caught by the index check in read. */
    consumer->tail = sel4ft_load_relaxed_u32(&consumer->control->tail);
    return 0;
}

static int take_binary(sel4ft_logring_consumer_t *consumer, sel4ft_log_record_t *record,
                       const sel4ft_logring_slot_t *slot, uint64_t time, uint32_t sequence, uint32_t level,
                       uint32_t length);

void sel4ft_logring_consumer_set_decoder(sel4ft_logring_consumer_t *consumer, sel4ft_logring_decoder_t decoder)
{
    if (consumer != NULL) {
        consumer->decoder = decoder;
        consumer->take_binary = decoder != NULL ? take_binary : NULL;
    }
}

/* The producer has initialised the ring with a layout this consumer understands. */
static bool ring_ready(const sel4ft_logring_control_t *control)
{
    /* Pairs with the producer's store-release of magic at init. */
    return sel4ft_load_acquire_u32(&control->magic) == SEL4FT_LOGRING_MAGIC &&
           sel4ft_load_relaxed_u32(&control->version) == SEL4FT_LOGRING_VERSION;
}

static void resynchronise(sel4ft_logring_consumer_t *consumer, uint32_t head)
{
    consumer->protocol_errors++;
    consumer->tail = head;
    sel4ft_store_release_u32(&consumer->control->tail, head);
}

/* Eight bytes of the record's text (the destination is private: may_alias makes the word stores well defined). */
typedef uint64_t __attribute__((may_alias)) text_word_t;

#define BYTES_(b) (0x0101010101010101ull * (b))

/* Eight characters, each replaced by '?' unless printable ASCII (0x20..0x7e), in general registers: a byte is bad
 * when its top bit is set, when its low seven bits are below 0x20 (adding 0x60 leaves the top bit clear), or
 * when they are 0x7f (adding 1 sets it). No carry crosses a byte. */
static inline uint64_t printable_(uint64_t word)
{
    uint64_t low = word & BYTES_(0x7f);
    uint64_t bad = (word | ~(low + BYTES_(0x60)) | (low + BYTES_(0x01))) & BYTES_(0x80);
    uint64_t mask = (bad >> 7) * 0xff;
    return (word & ~mask) | (BYTES_('?') & mask);
}

/* A binary record: its bytes copied out of the slot once, the slot given back, then the copy decoded into the
 * record's text and made printable. Reached only through sel4ft_logring_consumer_set_decoder(), so a consumer that
 * never takes binary records does not link it. */
static int take_binary(sel4ft_logring_consumer_t *consumer, sel4ft_log_record_t *record,
                       const sel4ft_logring_slot_t *slot, uint64_t time, uint32_t sequence, uint32_t level,
                       uint32_t length)
{
    uint64_t data[SEL4FT_LOGRING_TEXT_MAX / 8];
    const uint64_t *from = (const uint64_t *)(const void *)slot->text;
    for (uint32_t i = 0; i < (length + 7u) / 8; i++) {
        data[i] = sel4ft_load_relaxed_u64(&from[i]);
    }
    consumer->tail++;
    /* Pairs with the producer's load-acquire of tail in claim(): the slot may be reused now. */
    sel4ft_store_release_u32(&consumer->control->tail, consumer->tail);

    /* Cleared first: a decoder that says it wrote more than it did leaves zeros (shown as '?'), never old bytes. */
    sel4ft_zero_(record->text, sizeof(record->text));
    int n = consumer->decoder(data, length, record->text, sizeof(record->text));
    if (n < 0) {
        consumer->malformed++;
        return -SEL4FT_EBADMSG;
    }
    length = (uint32_t)n < SEL4FT_LOGRING_TEXT_MAX ? (uint32_t)n : SEL4FT_LOGRING_TEXT_MAX;
    /* Whatever the decoder wrote, the record holds printable text only (the NUL is set below). */
    text_word_t *text = (text_word_t *)record->text;
    for (uint32_t i = 0; i < (length + 7u) / 8; i++) {
        text[i] = printable_(text[i]);
    }
    record->time = time;
    record->sequence = sequence;
    record->level = level;
    record->source = consumer->source;
    record->length = length;
    record->text[length] = '\0';
    consumer->received++;
    return 0;
}

/* A slot that holds no text record: a binary record for a consumer that takes them, or a malformed one, skipped.
 * Out of take(), so that the text records' path pays nothing for it. */
static __attribute__((noinline)) int take_other(sel4ft_logring_consumer_t *consumer, sel4ft_log_record_t *record,
                                                const sel4ft_logring_slot_t *slot, uint64_t time, uint32_t sequence,
                                                uint32_t level, uint32_t length)
{
    if (consumer->take_binary != NULL && consumer->decoder != NULL && (level & SEL4FT_LOGRING_BINARY) != 0 &&
        (level & ~SEL4FT_LOGRING_BINARY) < SEL4FT_LOG_LEVEL_NUM && length <= SEL4FT_LOGRING_TEXT_MAX) {
        return consumer->take_binary(consumer, record, slot, time, sequence, level & ~SEL4FT_LOGRING_BINARY, length);
    }
    consumer->tail++;
    /* Pairs with the producer's load-acquire of tail in claim(): the slot may be reused now. */
    sel4ft_store_release_u32(&consumer->control->tail, consumer->tail);
    consumer->malformed++;
    return -SEL4FT_EBADMSG;
}

/* Take the slot at the tail: its header read once, its text copied once (made printable on the way) into the
 * caller's record, then the slot given back, then the copy judged. Everything is read from shared memory exactly
 * once, so what is checked is what is used. The caller checked that the slot is published. */
static int take(sel4ft_logring_consumer_t *consumer, sel4ft_log_record_t *record)
{
    const sel4ft_logring_slot_t *slot = &consumer->slots[consumer->tail & consumer->mask];
    uint64_t time = sel4ft_load_relaxed_u64(&slot->time);
    uint32_t sequence = sel4ft_load_relaxed_u32(&slot->sequence);
    uint16_t level = sel4ft_load_relaxed_u16(&slot->level);
    uint16_t length = sel4ft_load_relaxed_u16(&slot->length);
    bool valid = level < SEL4FT_LOG_LEVEL_NUM && length <= SEL4FT_LOGRING_TEXT_MAX;

    if (!valid) {
        return take_other(consumer, record, slot, time, sequence, level, length);
    }
    /* Whole words, up to the one that holds the last character: never past the slot's text (which is 8-byte
     * aligned in the slot). */
    const uint64_t *from = (const uint64_t *)(const void *)slot->text;
    text_word_t *to = (text_word_t *)record->text;
    for (uint32_t i = 0; i < (length + 7u) / 8; i++) {
        to[i] = printable_(sel4ft_load_relaxed_u64(&from[i]));
    }
    consumer->tail++;
    /* Pairs with the producer's load-acquire of tail in claim(): the slot may be reused now. */
    sel4ft_store_release_u32(&consumer->control->tail, consumer->tail);

    record->time = time;
    record->sequence = sequence;
    record->level = level;
    record->source = consumer->source;
    record->length = length;
    record->text[length] = '\0';
    consumer->received++;
    return 0;
}

/* Records published and not yet taken: 0 for a ring that is empty or not ready; -SEL4FT_EPROTO after a
 * resynchronisation on an impossible head (more than one ring ahead, or behind the tail). */
static int64_t available(sel4ft_logring_consumer_t *consumer)
{
    sel4ft_logring_control_t *control = consumer->control;
    if (!ring_ready(control)) {
        return 0;
    }
    /* Pairs with the producer's store-release of head in publish(). */
    uint32_t head = sel4ft_load_acquire_u32(&control->head);
    uint32_t count = head - consumer->tail;
    if (count > consumer->mask + 1) {
        resynchronise(consumer, head);
        return -SEL4FT_EPROTO;
    }
    return count;
}

int sel4ft_logring_read(sel4ft_logring_consumer_t *consumer, sel4ft_log_record_t *record)
{
    if (consumer == NULL || consumer->control == NULL || record == NULL) {
        return -SEL4FT_EINVAL;
    }
    int64_t count = available(consumer);
    if (count <= 0) {
        return count == 0 ? -SEL4FT_EAGAIN : (int)count;
    }
    return take(consumer, record);
}

int sel4ft_logring_drain(sel4ft_logring_consumer_t *consumer, sel4ft_log_record_fn_t handler, void *context,
                         uint32_t budget)
{
    if (consumer == NULL || consumer->control == NULL || handler == NULL) {
        return -SEL4FT_EINVAL;
    }
    int delivered = 0;
    sel4ft_log_record_t record;

    /* The head is read once per batch of records, not once per record; every slot taken, and every
     * resynchronisation, counts against the budget. The count is returned as an int: a budget past INT_MAX
     * stops at INT_MAX records delivered, which verify/ proves. */
    for (uint32_t taken = 0; taken < budget && delivered < __INT_MAX__;) {
        int64_t count = available(consumer);
        if (count == 0) {
            break;
        }
        if (count < 0) {
            taken++;
            continue;
        }
        uint32_t batch = (uint64_t)count < budget - taken ? (uint32_t)count : budget - taken;
        for (uint32_t i = 0; i < batch && delivered < __INT_MAX__; i++, taken++) {
            /* Malformed records were counted; carry on. */
            if (take(consumer, &record) == 0) {
                handler(context, &record);
                delivered++;
            }
        }
    }
    return delivered;
}

bool sel4ft_logring_consumer_arm(sel4ft_logring_consumer_t *consumer)
{
    if (consumer == NULL || consumer->control == NULL) {
        return true;
    }
    sel4ft_logring_control_t *control = consumer->control;

    sel4ft_store_relaxed_u32(&control->wants_signal, 1);
    /* Pairs with the fence in publish(): either the producer sees our request, or we see its head. */
    sel4ft_fence_full();
    /* A ring its producer has not initialised yet is empty; its first record will see the request. */
    if (!ring_ready(control)) {
        return true;
    }
    uint32_t head = sel4ft_load_acquire_u32(&control->head);
    return head == consumer->tail;
}

uint32_t sel4ft_logring_consumer_dropped(sel4ft_logring_consumer_t *consumer)
{
    if (consumer == NULL || consumer->control == NULL) {
        return 0;
    }
    uint32_t dropped = sel4ft_load_relaxed_u32(&consumer->control->dropped);
    consumer->dropped_seen = dropped;
    return dropped;
}

const char *sel4ft_log_level_str(uint32_t level)
{
    static const char *const names[SEL4FT_LOG_LEVEL_NUM] = { "ERROR", "WARN", "INFO", "DEBUG" };

    return level < SEL4FT_LOG_LEVEL_NUM ? names[level] : "?";
}
