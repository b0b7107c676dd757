/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <sel4ft/error.h>
#include <sel4ft/logger.h>

/* Two producers with rings of 64 slots, and what the logger printed. */
#define RING_SIZE (sizeof(sel4ft_logring_control_t) + 64 * sizeof(sel4ft_logring_slot_t))

static _Alignas(8) uint8_t regions[2][RING_SIZE];
static sel4ft_logring_producer_t producers[2];
static sel4ft_logger_ring_t rings[2];
static sel4ft_logger_t logger;
static char printed[64 * 1024];
static size_t printed_length;

static void print(void *context, const sel4ft_log_record_t *record)
{
    assert_ptr_equal(context, &printed);
    assert_int_equal(strlen(record->text), record->length);
    int n = snprintf(printed + printed_length, sizeof(printed) - printed_length, "%s|%s: %s\n", record->source,
                     sel4ft_log_level_str(record->level), record->text);
    assert_true(n > 0 && (size_t)n < sizeof(printed) - printed_length);
    printed_length += (size_t)n;
}

static int setup(void **state)
{
    (void)state;
    memset(regions, 0, sizeof(regions));
    printed_length = 0;
    printed[0] = '\0';
    sel4ft_logger_init(&logger, rings, 2, print, &printed);
    static const char *const names[2] = { "a", "b" };
    for (uint32_t i = 0; i < 2; i++) {
        assert_int_equal(sel4ft_logring_producer_init(&producers[i], regions[i], RING_SIZE, i), 0);
        assert_int_equal(sel4ft_logger_attach(&logger, i, regions[i], RING_SIZE, names[i]), 0);
    }
    return 0;
}

static void test_serve_prints_every_ring_and_ends_armed(void **state)
{
    (void)state;
    assert_int_equal(sel4ft_logring_printf(&producers[0], SEL4FT_LOG_INFO, "one %d", 1), 0);
    assert_int_equal(sel4ft_logring_printf(&producers[1], SEL4FT_LOG_WARN, "two"), 0);
    assert_false(sel4ft_logger_serve(&logger, NULL));
    assert_string_equal(printed, "a|INFO: one 1\nb|WARN: two\n");
    assert_false(rings[0].backlog);
    assert_false(rings[1].backlog);
    /* Nothing new: serving again prints nothing. */
    assert_false(sel4ft_logger_serve(&logger, &rings[1]));
    assert_int_equal(strlen(printed), printed_length);
    assert_string_equal(printed, "a|INFO: one 1\nb|WARN: two\n");
}

static void test_every_ring_with_records_is_served_whichever_notified(void **state)
{
    (void)state;
    /* Ring a full (64 records) notified; ring b, with one record, is served in the same call. */
    for (uint32_t i = 0; i < 64; i++) {
        assert_int_equal(sel4ft_logring_printf(&producers[0], SEL4FT_LOG_INFO, "flood %u", i), 0);
    }
    assert_int_equal(sel4ft_logring_printf(&producers[1], SEL4FT_LOG_INFO, "quiet"), 0);
    assert_false(sel4ft_logger_serve(&logger, &rings[0]));
    assert_non_null(strstr(printed, "a|INFO: flood 63\n"));
    assert_non_null(strstr(printed, "b|INFO: quiet\n"));
    assert_int_equal(rings[0].consumer.received, 64);
}

static void test_problems_are_reported_once(void **state)
{
    (void)state;
    /* A record with an impossible length, published by a faulty producer. */
    sel4ft_logring_control_t *control = producers[0].control;
    producers[0].slots[0].length = 0xffff;
    __atomic_store_n(&control->head, 1, __ATOMIC_RELEASE);
    assert_false(sel4ft_logger_serve(&logger, &rings[0]));
    assert_non_null(strstr(printed, "logger|WARN: ring 'a': 1 malformed records and 0 impossible indices so far"));
    size_t length = printed_length;
    assert_false(sel4ft_logger_serve(&logger, &rings[0]));
    assert_int_equal(printed_length, length);
}

static void test_finish_takes_everything_then_sums_up(void **state)
{
    (void)state;
    assert_int_equal(sel4ft_logring_printf(&producers[0], SEL4FT_LOG_INFO, "x"), 0);
    assert_int_equal(sel4ft_logring_printf(&producers[1], SEL4FT_LOG_INFO, "y"), 0);
    assert_int_equal(sel4ft_logring_printf(&producers[1], SEL4FT_LOG_INFO, "z"), 0);
    sel4ft_logger_finish(&logger);
    assert_string_equal(printed, "a|INFO: x\nb|INFO: y\nb|INFO: z\n"
                                 "logger|INFO: summary: records a 1 b 2; dropped 0, malformed 0, protocol errors 0\n"
                                 "logger|INFO: done\n");
}

static void test_a_ring_that_cannot_be_attached(void **state)
{
    (void)state;
    static _Alignas(8) uint8_t tiny[16];
    assert_int_equal(sel4ft_logger_attach(&logger, 1, tiny, sizeof(tiny), "b"), -SEL4FT_EINVAL);
    assert_false(rings[1].attached);
    assert_int_equal(sel4ft_logger_attach(&logger, 2, regions[1], RING_SIZE, "c"), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_logring_printf(&producers[0], SEL4FT_LOG_INFO, "still"), 0);
    assert_false(sel4ft_logger_serve(&logger, NULL));
    sel4ft_logger_finish(&logger);
    assert_string_equal(printed, "a|INFO: still\n"
                                 "logger|INFO: summary: records a 1 b 0; dropped 0, malformed 0, protocol errors 0\n"
                                 "logger|INFO: done\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_serve_prints_every_ring_and_ends_armed, setup),
        cmocka_unit_test_setup(test_every_ring_with_records_is_served_whichever_notified, setup),
        cmocka_unit_test_setup(test_problems_are_reported_once, setup),
        cmocka_unit_test_setup(test_finish_takes_everything_then_sums_up, setup),
        cmocka_unit_test_setup(test_a_ring_that_cannot_be_attached, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
