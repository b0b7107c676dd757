/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sel4ft/error.h>
#include <sel4ft/logring.h>
#include <sel4ft/os_linux.h>

#define CHANNEL 7u
/* A region with room for 8 slots: the control block and 8 slots. */
#define SMALL_REGION (sizeof(sel4ft_logring_control_t) + 8 * sizeof(sel4ft_logring_slot_t))

static _Alignas(64) uint8_t region[8192];
static unsigned notifications;
static sel4ft_channel_t last_channel;

static void count_notify(void *context, sel4ft_channel_t channel)
{
    (void)context;
    notifications++;
    last_channel = channel;
}

static int setup(void **state)
{
    (void)state;
    memset(region, 0, sizeof(region));
    notifications = 0;
    last_channel = 0;
    sel4ft_os_linux_hooks_t hooks = { .notify = count_notify };
    sel4ft_os_linux_set_hooks(&hooks);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sel4ft_os_linux_set_hooks(NULL);
    return 0;
}

static sel4ft_logring_control_t *control(void)
{
    return (sel4ft_logring_control_t *)region;
}

static sel4ft_logring_slot_t *slot(uint32_t index)
{
    return (sel4ft_logring_slot_t *)(region + sizeof(sel4ft_logring_control_t)) + index;
}

static void test_capacity(void **state)
{
    (void)state;
    assert_int_equal(sel4ft_logring_capacity(0), 0);
    assert_int_equal(sel4ft_logring_capacity(SEL4FT_LOGRING_REGION_MIN - 1), 0);
    assert_int_equal(sel4ft_logring_capacity(SEL4FT_LOGRING_REGION_MIN), 2);
    assert_int_equal(sel4ft_logring_capacity(SMALL_REGION), 8);
    /* 7 slots fit: rounded down to 4. */
    assert_int_equal(sel4ft_logring_capacity(SMALL_REGION - 1), 4);
    /* 16 KiB: (16384 - 64) / 256 = 63 slots -> 32. */
    assert_int_equal(sel4ft_logring_capacity(16384), 32);
}

static void test_init_rejects_bad_arguments(void **state)
{
    (void)state;
    sel4ft_logring_producer_t producer;
    sel4ft_logring_consumer_t consumer;

    assert_int_equal(sel4ft_logring_producer_init(NULL, region, SMALL_REGION, CHANNEL), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_logring_producer_init(&producer, NULL, SMALL_REGION, CHANNEL), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_logring_producer_init(&producer, region + 4, SMALL_REGION, CHANNEL), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_logring_producer_init(&producer, region, SEL4FT_LOGRING_REGION_MIN - 1, CHANNEL),
                     -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_logring_consumer_init(NULL, region, SMALL_REGION, "p"), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_logring_consumer_init(&consumer, region + 1, SMALL_REGION, "p"), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_logring_consumer_init(&consumer, region, 100, "p"), -SEL4FT_EINVAL);
    /* Nothing was written into the region by the failed calls. */
    assert_int_equal(control()->magic, 0);
}

static void test_write_then_read(void **state)
{
    (void)state;
    sel4ft_logring_producer_t producer;
    sel4ft_logring_consumer_t consumer;
    sel4ft_log_record_t record;

    assert_int_equal(sel4ft_logring_producer_init(&producer, region, SMALL_REGION, CHANNEL), 0);
    assert_int_equal(sel4ft_logring_consumer_init(&consumer, region, SMALL_REGION, "client"), 0);
    assert_int_equal(sel4ft_logring_read(&consumer, &record), -SEL4FT_EAGAIN);

    assert_int_equal(sel4ft_logring_write(&producer, SEL4FT_LOG_WARN, "hello", 5), 0);
    assert_int_equal(sel4ft_logring_printf(&producer, SEL4FT_LOG_INFO, "n=%d s=%s", 42, "x"), 0);

    assert_int_equal(sel4ft_logring_read(&consumer, &record), 0);
    assert_string_equal(record.text, "hello");
    assert_int_equal(record.length, 5);
    assert_int_equal(record.level, SEL4FT_LOG_WARN);
    assert_int_equal(record.sequence, 0);
    assert_string_equal(record.source, "client");
    assert_true(record.time > 0);

    assert_int_equal(sel4ft_logring_read(&consumer, &record), 0);
    assert_string_equal(record.text, "n=42 s=x");
    assert_int_equal(record.sequence, 1);
    assert_int_equal(record.level, SEL4FT_LOG_INFO);

    assert_int_equal(sel4ft_logring_read(&consumer, &record), -SEL4FT_EAGAIN);
    assert_int_equal(consumer.received, 2);
    /* The consumer published its tail for the producer. */
    assert_int_equal(control()->tail, 2);
}

static void test_write_rejects_bad_arguments(void **state)
{
    (void)state;
    sel4ft_logring_producer_t producer;

    assert_int_equal(sel4ft_logring_producer_init(&producer, region, SMALL_REGION, CHANNEL), 0);
    assert_int_equal(sel4ft_logring_write(&producer, SEL4FT_LOG_LEVEL_NUM, "x", 1), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_logring_write(&producer, SEL4FT_LOG_INFO, NULL, 1), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_logring_write(NULL, SEL4FT_LOG_INFO, "x", 1), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_logring_printf(&producer, 99, "x"), -SEL4FT_EINVAL);
    assert_int_equal(control()->head, 0);
}

static void test_long_text_is_truncated(void **state)
{
    (void)state;
    sel4ft_logring_producer_t producer;
    sel4ft_logring_consumer_t consumer;
    sel4ft_log_record_t record;
    char text[300];

    memset(text, 'a', sizeof(text));
    assert_int_equal(sel4ft_logring_producer_init(&producer, region, SMALL_REGION, CHANNEL), 0);
    assert_int_equal(sel4ft_logring_consumer_init(&consumer, region, SMALL_REGION, "p"), 0);
    assert_int_equal(sel4ft_logring_write(&producer, SEL4FT_LOG_INFO, text, sizeof(text)), 0);
    assert_int_equal(sel4ft_logring_printf(&producer, SEL4FT_LOG_INFO, "%.*s", 300, text), 0);

    assert_int_equal(sel4ft_logring_read(&consumer, &record), 0);
    assert_int_equal(record.length, SEL4FT_LOGRING_TEXT_MAX);
    assert_int_equal(strlen(record.text), SEL4FT_LOGRING_TEXT_MAX);
    assert_int_equal(sel4ft_logring_read(&consumer, &record), 0);
    assert_int_equal(record.length, SEL4FT_LOGRING_TEXT_MAX - 1);
}

static void test_full_ring_drops_and_never_overwrites(void **state)
{
    (void)state;
    sel4ft_logring_producer_t producer;
    sel4ft_logring_consumer_t consumer;
    sel4ft_log_record_t record;
    char text[16];

    assert_int_equal(sel4ft_logring_producer_init(&producer, region, SMALL_REGION, CHANNEL), 0);
    assert_int_equal(sel4ft_logring_consumer_init(&consumer, region, SMALL_REGION, "p"), 0);
    for (int i = 0; i < 8; i++) {
        int n = snprintf(text, sizeof(text), "r%d", i);
        assert_int_equal(sel4ft_logring_write(&producer, SEL4FT_LOG_INFO, text, (size_t)n), 0);
    }
    assert_int_equal(sel4ft_logring_write(&producer, SEL4FT_LOG_INFO, "lost", 4), -SEL4FT_ENOSPC);
    assert_int_equal(sel4ft_logring_printf(&producer, SEL4FT_LOG_INFO, "lost too"), -SEL4FT_ENOSPC);
    assert_int_equal(sel4ft_logring_producer_dropped(&producer), 2);
    assert_int_equal(sel4ft_logring_consumer_dropped(&consumer), 2);

    for (int i = 0; i < 8; i++) {
        assert_int_equal(sel4ft_logring_read(&consumer, &record), 0);
        snprintf(text, sizeof(text), "r%d", i);
        assert_string_equal(record.text, text);
        assert_int_equal(record.sequence, (uint32_t)i);
    }
    /* After a read there is room again; the sequence shows the two drops as a gap. */
    assert_int_equal(sel4ft_logring_write(&producer, SEL4FT_LOG_INFO, "after", 5), 0);
    assert_int_equal(sel4ft_logring_read(&consumer, &record), 0);
    assert_string_equal(record.text, "after");
    assert_int_equal(record.sequence, 10);
}

static void test_notifies_only_when_asked(void **state)
{
    (void)state;
    sel4ft_logring_producer_t producer;
    sel4ft_logring_consumer_t consumer;
    sel4ft_log_record_t record;

    assert_int_equal(sel4ft_logring_producer_init(&producer, region, SMALL_REGION, CHANNEL), 0);
    assert_int_equal(sel4ft_logring_consumer_init(&consumer, region, SMALL_REGION, "p"), 0);

    assert_int_equal(sel4ft_logring_write(&producer, SEL4FT_LOG_INFO, "a", 1), 0);
    assert_int_equal(notifications, 0);

    /* Records are pending: arming reports it, so the consumer reads instead of waiting. */
    assert_false(sel4ft_logring_consumer_arm(&consumer));
    assert_int_equal(sel4ft_logring_read(&consumer, &record), 0);
    assert_true(sel4ft_logring_consumer_arm(&consumer));

    assert_int_equal(sel4ft_logring_write(&producer, SEL4FT_LOG_INFO, "b", 1), 0);
    assert_int_equal(notifications, 1);
    assert_int_equal(last_channel, CHANNEL);
    assert_int_equal(control()->wants_signal, 0);
    /* One notification per request, not per record. */
    assert_int_equal(sel4ft_logring_write(&producer, SEL4FT_LOG_INFO, "c", 1), 0);
    assert_int_equal(notifications, 1);
}

static void test_consumer_armed_before_producer_starts(void **state)
{
    (void)state;
    sel4ft_logring_producer_t producer;
    sel4ft_logring_consumer_t consumer;

    assert_int_equal(sel4ft_logring_consumer_init(&consumer, region, SMALL_REGION, "p"), 0);
    /* The producer has not initialised the ring: it is empty, safe to wait. */
    assert_true(sel4ft_logring_consumer_arm(&consumer));
    assert_int_equal(sel4ft_logring_producer_init(&producer, region, SMALL_REGION, CHANNEL), 0);
    /* The producer's init kept the request, so its first record wakes the consumer. */
    assert_int_equal(sel4ft_logring_write(&producer, SEL4FT_LOG_INFO, "first", 5), 0);
    assert_int_equal(notifications, 1);
}

static void test_restarted_producer_keeps_unread_records(void **state)
{
    (void)state;
    sel4ft_logring_producer_t producer;
    sel4ft_logring_consumer_t consumer;
    sel4ft_log_record_t record;

    assert_int_equal(sel4ft_logring_producer_init(&producer, region, SMALL_REGION, CHANNEL), 0);
    assert_int_equal(sel4ft_logring_consumer_init(&consumer, region, SMALL_REGION, "p"), 0);
    assert_int_equal(sel4ft_logring_write(&producer, SEL4FT_LOG_INFO, "one", 3), 0);
    assert_int_equal(sel4ft_logring_write(&producer, SEL4FT_LOG_INFO, "two", 3), 0);

    /* The producer's memory is gone; it attaches again. */
    memset(&producer, 0xa5, sizeof(producer));
    assert_int_equal(sel4ft_logring_producer_init(&producer, region, SMALL_REGION, CHANNEL), 0);
    assert_int_equal(sel4ft_logring_write(&producer, SEL4FT_LOG_INFO, "three", 5), 0);

    const char *expected[] = { "one", "two", "three" };
    for (uint32_t i = 0; i < 3; i++) {
        assert_int_equal(sel4ft_logring_read(&consumer, &record), 0);
        assert_string_equal(record.text, expected[i]);
        assert_int_equal(record.sequence, i);
    }
}

static void test_restarted_producer_sends_the_lost_notification(void **state)
{
    (void)state;
    sel4ft_logring_producer_t producer;
    sel4ft_logring_consumer_t consumer;

    assert_int_equal(sel4ft_logring_producer_init(&producer, region, SMALL_REGION, CHANNEL), 0);
    assert_int_equal(sel4ft_logring_consumer_init(&consumer, region, SMALL_REGION, "p"), 0);
    /* The producer published, but died before it could see the consumer's request and notify. */
    assert_int_equal(sel4ft_logring_write(&producer, SEL4FT_LOG_INFO, "last words", 10), 0);
    control()->wants_signal = 1;
    assert_int_equal(notifications, 0);
    assert_int_equal(sel4ft_logring_producer_init(&producer, region, SMALL_REGION, CHANNEL), 0);
    assert_int_equal(notifications, 1);
    assert_int_equal(control()->wants_signal, 0);
    /* It died after taking the consumer's request (wants_signal cleared) but before notifying: records wait
     * and nobody will say so unless the new incarnation does. (Found by make inject.) */
    assert_int_equal(sel4ft_logring_write(&producer, SEL4FT_LOG_INFO, "more last words", 15), 0);
    assert_int_equal(control()->wants_signal, 0);
    assert_int_equal(sel4ft_logring_producer_init(&producer, region, SMALL_REGION, CHANNEL), 0);
    assert_int_equal(notifications, 2);
    sel4ft_log_record_t skipped;
    assert_int_equal(sel4ft_logring_read(&consumer, &skipped), 0);
    /* With nothing waiting, a restart notifies nobody. */
    sel4ft_log_record_t record;
    assert_int_equal(sel4ft_logring_read(&consumer, &record), 0);
    control()->wants_signal = 1;
    assert_int_equal(sel4ft_logring_producer_init(&producer, region, SMALL_REGION, CHANNEL), 0);
    assert_int_equal(notifications, 2);
}

static void test_restarted_consumer_resumes(void **state)
{
    (void)state;
    sel4ft_logring_producer_t producer;
    sel4ft_logring_consumer_t consumer;
    sel4ft_log_record_t record;

    assert_int_equal(sel4ft_logring_producer_init(&producer, region, SMALL_REGION, CHANNEL), 0);
    assert_int_equal(sel4ft_logring_consumer_init(&consumer, region, SMALL_REGION, "p"), 0);
    assert_int_equal(sel4ft_logring_write(&producer, SEL4FT_LOG_INFO, "one", 3), 0);
    assert_int_equal(sel4ft_logring_write(&producer, SEL4FT_LOG_INFO, "two", 3), 0);
    assert_int_equal(sel4ft_logring_read(&consumer, &record), 0);

    assert_int_equal(sel4ft_logring_consumer_init(&consumer, region, SMALL_REGION, "p"), 0);
    assert_int_equal(sel4ft_logring_read(&consumer, &record), 0);
    assert_string_equal(record.text, "two");
    assert_int_equal(sel4ft_logring_read(&consumer, &record), -SEL4FT_EAGAIN);
}

static void test_garbage_head_resynchronises(void **state)
{
    (void)state;
    sel4ft_logring_producer_t producer;
    sel4ft_logring_consumer_t consumer;
    sel4ft_log_record_t record;

    assert_int_equal(sel4ft_logring_producer_init(&producer, region, SMALL_REGION, CHANNEL), 0);
    assert_int_equal(sel4ft_logring_consumer_init(&consumer, region, SMALL_REGION, "p"), 0);

    /* More than a ring ahead of the tail. */
    control()->head = 9;
    assert_int_equal(sel4ft_logring_read(&consumer, &record), -SEL4FT_EPROTO);
    assert_int_equal(consumer.protocol_errors, 1);
    assert_int_equal(control()->tail, 9);
    assert_int_equal(sel4ft_logring_read(&consumer, &record), -SEL4FT_EAGAIN);

    /* Behind the tail (a huge unsigned distance). */
    control()->head = 3;
    assert_int_equal(sel4ft_logring_read(&consumer, &record), -SEL4FT_EPROTO);
    assert_int_equal(consumer.protocol_errors, 2);
    assert_int_equal(sel4ft_logring_read(&consumer, &record), -SEL4FT_EAGAIN);

    /* Extreme values. */
    control()->head = UINT32_MAX;
    assert_int_equal(sel4ft_logring_read(&consumer, &record), -SEL4FT_EPROTO);
    assert_int_equal(sel4ft_logring_read(&consumer, &record), -SEL4FT_EAGAIN);
}

static void test_garbage_records_are_rejected(void **state)
{
    (void)state;
    sel4ft_logring_producer_t producer;
    sel4ft_logring_consumer_t consumer;
    sel4ft_log_record_t record;

    assert_int_equal(sel4ft_logring_producer_init(&producer, region, SMALL_REGION, CHANNEL), 0);
    assert_int_equal(sel4ft_logring_consumer_init(&consumer, region, SMALL_REGION, "p"), 0);
    assert_int_equal(sel4ft_logring_write(&producer, SEL4FT_LOG_INFO, "x", 1), 0);
    assert_int_equal(sel4ft_logring_write(&producer, SEL4FT_LOG_INFO, "y", 1), 0);
    assert_int_equal(sel4ft_logring_write(&producer, SEL4FT_LOG_INFO, "z", 1), 0);
    assert_int_equal(sel4ft_logring_write(&producer, SEL4FT_LOG_INFO, "w", 1), 0);

    slot(0)->length = 0xffff;
    slot(1)->level = 77;
    memcpy(slot(2)->text, "a\x01\xff\n", 4);
    slot(2)->length = 4;

    assert_int_equal(sel4ft_logring_read(&consumer, &record), -SEL4FT_EBADMSG);
    assert_int_equal(sel4ft_logring_read(&consumer, &record), -SEL4FT_EBADMSG);
    assert_int_equal(consumer.malformed, 2);
    assert_int_equal(sel4ft_logring_read(&consumer, &record), 0);
    assert_string_equal(record.text, "a???");
    assert_int_equal(sel4ft_logring_read(&consumer, &record), 0);
    assert_string_equal(record.text, "w");
}

/* Every byte value in every position of a word: printable ASCII (0x20..0x7e) passes, everything else becomes '?'. */
static void test_text_made_printable(void **state)
{
    (void)state;
    sel4ft_logring_producer_t producer;
    sel4ft_logring_consumer_t consumer;
    sel4ft_log_record_t record;
    char text[SEL4FT_LOGRING_TEXT_MAX];

    assert_int_equal(sel4ft_logring_producer_init(&producer, region, SMALL_REGION, CHANNEL), 0);
    assert_int_equal(sel4ft_logring_consumer_init(&consumer, region, SMALL_REGION, "p"), 0);
    for (unsigned value = 0; value < 256; value++) {
        for (unsigned position = 0; position < 9; position++) {
            memset(text, 'k', sizeof(text));
            text[position] = (char)value;
            /* A neighbour that is bad too, so a byte cannot pass for its neighbour. */
            text[position + 1] = value == 0x7e ? 0x7f : 0x1f;
            assert_int_equal(sel4ft_logring_write(&producer, SEL4FT_LOG_INFO, text, 17), 0);
            assert_int_equal(sel4ft_logring_read(&consumer, &record), 0);
            char expected = value >= 0x20 && value <= 0x7e ? (char)value : '?';
            assert_int_equal(record.text[position], expected);
            assert_int_equal(record.text[position + 1], '?');
            for (unsigned i = 0; i < 17; i++) {
                if (i != position && i != position + 1) {
                    assert_int_equal(record.text[i], 'k');
                }
            }
            assert_int_equal(record.text[17], '\0');
        }
    }
}

/* Every length a record can have: exactly that many characters, then the NUL. */
static void test_every_text_length(void **state)
{
    (void)state;
    sel4ft_logring_producer_t producer;
    sel4ft_logring_consumer_t consumer;
    sel4ft_log_record_t record;
    char text[SEL4FT_LOGRING_TEXT_MAX];

    for (unsigned i = 0; i < sizeof(text); i++) {
        text[i] = (char)(0x20 + i % 95);
    }
    assert_int_equal(sel4ft_logring_producer_init(&producer, region, SMALL_REGION, CHANNEL), 0);
    assert_int_equal(sel4ft_logring_consumer_init(&consumer, region, SMALL_REGION, "p"), 0);
    for (unsigned length = 0; length <= SEL4FT_LOGRING_TEXT_MAX; length++) {
        memset(&record, 0x7f, sizeof(record));
        assert_int_equal(sel4ft_logring_write(&producer, SEL4FT_LOG_DEBUG, text, length), 0);
        assert_int_equal(sel4ft_logring_read(&consumer, &record), 0);
        assert_int_equal(record.length, length);
        assert_memory_equal(record.text, text, length);
        assert_int_equal(record.text[length], '\0');
        assert_int_equal(strlen(record.text), length);
    }
}

static void test_uninitialised_or_foreign_ring_reads_empty(void **state)
{
    (void)state;
    sel4ft_logring_consumer_t consumer;
    sel4ft_log_record_t record;

    assert_int_equal(sel4ft_logring_consumer_init(&consumer, region, SMALL_REGION, "p"), 0);
    control()->head = 5;
    assert_int_equal(sel4ft_logring_read(&consumer, &record), -SEL4FT_EAGAIN);
    assert_true(sel4ft_logring_consumer_arm(&consumer));

    control()->magic = SEL4FT_LOGRING_MAGIC;
    control()->version = SEL4FT_LOGRING_VERSION + 1;
    assert_int_equal(sel4ft_logring_read(&consumer, &record), -SEL4FT_EAGAIN);
    assert_true(sel4ft_logring_consumer_arm(&consumer));
    assert_int_equal(consumer.received, 0);
}

static unsigned drained;

static void count_record(void *context, const sel4ft_log_record_t *record)
{
    (void)context;
    (void)record;
    drained++;
}

static void test_drain_respects_budget(void **state)
{
    (void)state;
    sel4ft_logring_producer_t producer;
    sel4ft_logring_consumer_t consumer;

    drained = 0;
    assert_int_equal(sel4ft_logring_producer_init(&producer, region, SMALL_REGION, CHANNEL), 0);
    assert_int_equal(sel4ft_logring_consumer_init(&consumer, region, SMALL_REGION, "p"), 0);
    for (int i = 0; i < 6; i++) {
        assert_int_equal(sel4ft_logring_write(&producer, SEL4FT_LOG_INFO, "r", 1), 0);
    }
    slot(1)->level = 200;
    assert_int_equal(sel4ft_logring_drain(&consumer, count_record, NULL, 3), 2);
    assert_int_equal(drained, 2);
    assert_int_equal(sel4ft_logring_drain(&consumer, count_record, NULL, 100), 3);
    assert_int_equal(drained, 5);
    assert_int_equal(sel4ft_logring_drain(&consumer, count_record, NULL, 100), 0);
    assert_int_equal(sel4ft_logring_drain(&consumer, NULL, NULL, 1), -SEL4FT_EINVAL);

    /* The largest budget behaves as any budget larger than what is there: everything, then empty. */
    for (int i = 0; i < 3; i++) {
        assert_int_equal(sel4ft_logring_write(&producer, SEL4FT_LOG_INFO, "r", 1), 0);
    }
    assert_int_equal(sel4ft_logring_drain(&consumer, count_record, NULL, UINT32_MAX), 3);
    assert_int_equal(drained, 8);
    assert_int_equal(sel4ft_logring_drain(&consumer, count_record, NULL, UINT32_MAX), 0);
}

static void test_level_names(void **state)
{
    (void)state;
    assert_string_equal(sel4ft_log_level_str(SEL4FT_LOG_ERROR), "ERROR");
    assert_string_equal(sel4ft_log_level_str(SEL4FT_LOG_WARN), "WARN");
    assert_string_equal(sel4ft_log_level_str(SEL4FT_LOG_INFO), "INFO");
    assert_string_equal(sel4ft_log_level_str(SEL4FT_LOG_DEBUG), "DEBUG");
    assert_string_equal(sel4ft_log_level_str(SEL4FT_LOG_LEVEL_NUM), "?");
}

/* A real producer thread and consumer thread, using the notification protocol. */

#define HAMMER_RECORDS 2000000u
#define HAMMER_REGION (sizeof(sel4ft_logring_control_t) + 64 * sizeof(sel4ft_logring_slot_t))

static sem_t wakeup;
static volatile int producer_done;

static void post_notify(void *context, sel4ft_channel_t channel)
{
    (void)context;
    (void)channel;
    sem_post(&wakeup);
}

static void *producer_thread(void *arg)
{
    sel4ft_logring_producer_t *producer = arg;

    for (uint32_t i = 0; i < HAMMER_RECORDS; i++) {
        int err = sel4ft_logring_printf(producer, SEL4FT_LOG_INFO, "record %u", i);
        if (err != 0 && err != -SEL4FT_ENOSPC) {
            fail_msg("write failed: %d", err);
        }
    }
    __atomic_store_n(&producer_done, 1, __ATOMIC_RELEASE);
    sem_post(&wakeup);
    return NULL;
}

static void test_threaded_hammer_accounts_for_every_record(void **state)
{
    (void)state;
    static _Alignas(64) uint8_t ring[HAMMER_REGION];
    sel4ft_logring_producer_t producer;
    sel4ft_logring_consumer_t consumer;
    sel4ft_log_record_t record;
    pthread_t thread;
    char expected[32];
    uint64_t received = 0;
    uint64_t gaps = 0;
    uint32_t next_sequence = 0;
    bool done_seen = false;
    unsigned timeouts = 0;

    memset(ring, 0, sizeof(ring));
    assert_int_equal(sem_init(&wakeup, 0, 0), 0);
    producer_done = 0;
    sel4ft_os_linux_hooks_t hooks = { .notify = post_notify };
    sel4ft_os_linux_set_hooks(&hooks);

    assert_int_equal(sel4ft_logring_consumer_init(&consumer, ring, sizeof(ring), "hammer"), 0);
    assert_int_equal(sel4ft_logring_producer_init(&producer, ring, sizeof(ring), CHANNEL), 0);
    assert_int_equal(pthread_create(&thread, NULL, producer_thread, &producer), 0);

    for (;;) {
        int err = sel4ft_logring_read(&consumer, &record);
        if (err == 0) {
            /* Every record arrives whole, in order; a gap is exactly the records dropped meanwhile. */
            assert_true(record.sequence >= next_sequence);
            gaps += record.sequence - next_sequence;
            next_sequence = record.sequence + 1;
            snprintf(expected, sizeof(expected), "record %u", record.sequence);
            assert_string_equal(record.text, expected);
            received++;
            continue;
        }
        assert_int_equal(err, -SEL4FT_EAGAIN);
        if (done_seen) {
            break; /* empty after the producer was seen done: nothing more comes */
        }
        if (__atomic_load_n(&producer_done, __ATOMIC_ACQUIRE)) {
            /* The done flag is set after the last publish: read on (counting what comes) until empty. A record
             * that arrived between the EAGAIN above and the flag must be counted, not read and dropped. */
            done_seen = true;
            continue;
        }
        if (sel4ft_logring_consumer_arm(&consumer)) {
            struct timespec deadline;
            clock_gettime(CLOCK_REALTIME, &deadline);
            deadline.tv_sec += 5;
            if (sem_timedwait(&wakeup, &deadline) != 0 && errno == ETIMEDOUT) {
                /* A lost wake-up: the producer published after we armed and did not notify. */
                timeouts++;
                break;
            }
        }
    }
    assert_int_equal(pthread_join(thread, NULL), 0);
    sel4ft_os_linux_set_hooks(NULL);

    uint32_t dropped = sel4ft_logring_producer_dropped(&producer);
    gaps += HAMMER_RECORDS - next_sequence;
    print_message("hammer: %u records, %lu received, %u dropped\n", HAMMER_RECORDS, (unsigned long)received,
                  dropped);
    assert_int_equal(timeouts, 0);
    assert_int_equal(received + dropped, HAMMER_RECORDS);
    assert_int_equal(gaps, dropped);
    assert_int_equal(consumer.malformed, 0);
    assert_int_equal(consumer.protocol_errors, 0);
    assert_true(received > 0);
    sem_destroy(&wakeup);
}

/* A test decoder: refuses records that start with 'X'; otherwise writes "n=<length>" and then the bytes as they are
 * (control characters included, which the consumer must make printable). */
static int test_decoder(const void *data, size_t length, char *text, size_t size)
{
    const char *bytes = data;
    if (length > 0 && bytes[0] == 'X') {
        return -SEL4FT_EBADMSG;
    }
    int n = snprintf(text, size, "n=%zu ", length);
    for (size_t i = 0; i < length && (size_t)n + 1 < size; i++) {
        text[n++] = bytes[i];
    }
    text[n] = '\0';
    return n;
}

static void test_binary_records(void **state)
{
    (void)state;
    sel4ft_logring_producer_t producer;
    sel4ft_logring_consumer_t consumer;
    sel4ft_log_record_t record;
    assert_int_equal(sel4ft_logring_producer_init(&producer, region, SMALL_REGION, CHANNEL), 0);
    assert_int_equal(sel4ft_logring_consumer_init(&consumer, region, SMALL_REGION, "monitor"), 0);

    uint8_t data[SEL4FT_LOGRING_TEXT_MAX + 1] = { 'a', 0, 1, 0x7f, 0xff, 'z' };
    assert_int_equal(sel4ft_logring_write_binary(&producer, SEL4FT_LOG_WARN, data, 6), 0);
    assert_int_equal(sel4ft_logring_write_binary(&producer, SEL4FT_LOG_LEVEL_NUM, data, 6), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_logring_write_binary(&producer, SEL4FT_LOG_INFO, data, sizeof(data)), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_logring_write_binary(&producer, SEL4FT_LOG_INFO, NULL, 1), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_logring_write_binary(NULL, SEL4FT_LOG_INFO, data, 1), -SEL4FT_EINVAL);
    /* Without a decoder: malformed, skipped, counted. */
    assert_int_equal(sel4ft_logring_read(&consumer, &record), -SEL4FT_EBADMSG);
    assert_int_equal(consumer.malformed, 1);

    /* With one: the decoder's text, made printable, at the record's level. */
    sel4ft_logring_consumer_set_decoder(&consumer, test_decoder);
    assert_int_equal(sel4ft_logring_write_binary(&producer, SEL4FT_LOG_WARN, data, 6), 0);
    assert_int_equal(sel4ft_logring_read(&consumer, &record), 0);
    assert_int_equal(record.level, SEL4FT_LOG_WARN);
    assert_int_equal(record.length, 10);
    assert_memory_equal(record.text, "n=6 a????z", 10);
    /* The whole slot, and a text as long as a record's. */
    memset(data, 'b', sizeof(data));
    assert_int_equal(sel4ft_logring_write_binary(&producer, SEL4FT_LOG_DEBUG, data, SEL4FT_LOGRING_TEXT_MAX), 0);
    assert_int_equal(sel4ft_logring_read(&consumer, &record), 0);
    assert_int_equal(record.length, SEL4FT_LOGRING_TEXT_MAX);
    assert_int_equal(strlen(record.text), SEL4FT_LOGRING_TEXT_MAX);
    assert_memory_equal(record.text, "n=240 bbb", 9);
    /* Refused by the decoder: malformed; the slot was given back all the same. */
    data[0] = 'X';
    assert_int_equal(sel4ft_logring_write_binary(&producer, SEL4FT_LOG_INFO, data, 3), 0);
    assert_int_equal(sel4ft_logring_read(&consumer, &record), -SEL4FT_EBADMSG);
    assert_int_equal(consumer.malformed, 2);
    assert_int_equal(control()->tail, control()->head);
    /* A hostile producer: a binary level out of range, a binary length past the slot. */
    assert_int_equal(sel4ft_logring_write_binary(&producer, SEL4FT_LOG_INFO, "ok", 2), 0);
    sel4ft_logring_slot_t *slot = (sel4ft_logring_slot_t *)(region + sizeof(sel4ft_logring_control_t));
    slot[(producer.head - 1) & producer.mask].level = SEL4FT_LOGRING_BINARY | SEL4FT_LOG_LEVEL_NUM;
    assert_int_equal(sel4ft_logring_read(&consumer, &record), -SEL4FT_EBADMSG);
    assert_int_equal(sel4ft_logring_write_binary(&producer, SEL4FT_LOG_INFO, "ok", 2), 0);
    slot[(producer.head - 1) & producer.mask].length = SEL4FT_LOGRING_TEXT_MAX + 1;
    assert_int_equal(sel4ft_logring_read(&consumer, &record), -SEL4FT_EBADMSG);
    assert_int_equal(consumer.malformed, 4);
    /* Text records are unchanged beside them. */
    assert_int_equal(sel4ft_logring_write(&producer, SEL4FT_LOG_INFO, "plain", 5), 0);
    assert_int_equal(sel4ft_logring_read(&consumer, &record), 0);
    assert_string_equal(record.text, "plain");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_capacity),
        cmocka_unit_test_setup_teardown(test_init_rejects_bad_arguments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_then_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_rejects_bad_arguments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_text_is_truncated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_full_ring_drops_and_never_overwrites, setup, teardown),
        cmocka_unit_test_setup_teardown(test_notifies_only_when_asked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_consumer_armed_before_producer_starts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_restarted_producer_keeps_unread_records, setup, teardown),
        cmocka_unit_test_setup_teardown(test_restarted_consumer_resumes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_restarted_producer_sends_the_lost_notification, setup, teardown),
        cmocka_unit_test_setup_teardown(test_garbage_head_resynchronises, setup, teardown),
        cmocka_unit_test_setup_teardown(test_garbage_records_are_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_text_made_printable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_every_text_length, setup, teardown),
        cmocka_unit_test_setup_teardown(test_uninitialised_or_foreign_ring_reads_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_drain_respects_budget, setup, teardown),
        cmocka_unit_test(test_level_names),
        cmocka_unit_test_setup_teardown(test_binary_records, setup, teardown),
        cmocka_unit_test(test_threaded_hammer_accounts_for_every_record),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
