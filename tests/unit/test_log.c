/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <sel4ft/error.h>
#include <sel4ft/log.h>
#include <sel4ft/os_linux.h>

#include "console.h"

static int setup(void **state)
{
    (void)state;
    console_setup((sel4ft_os_linux_hooks_t){ 0 }, "pd");
    return 0;
}

static void test_without_a_ring_lines_go_to_the_console_with_the_prefix(void **state)
{
    (void)state;
    assert_null(sel4ft_log_ring());
    assert_int_equal(LOG_INFO("hello %d", 42), 0);
    assert_int_equal(LOG_WARN("careful"), 0);
    assert_int_equal(LOG_ERROR("broken: %s", "yes"), 0);
    assert_string_equal(console, "pd|INFO: hello 42\npd|WARN: careful\npd|ERROR: broken: yes\n");
}

static void test_a_bad_ring_is_refused_and_said_so(void **state)
{
    (void)state;
    static _Alignas(8) uint8_t tiny[64];
    assert_int_equal(sel4ft_log_init(tiny, sizeof(tiny), 1), -SEL4FT_EINVAL);
    assert_null(sel4ft_log_ring());
    assert_non_null(strstr(console, "pd|ERROR: log ring at"));
    assert_non_null(strstr(console, "logging to the console"));
}

static void test_with_a_ring_lines_go_into_it(void **state)
{
    (void)state;
    static _Alignas(8) uint8_t region[4096];
    memset(region, 0, sizeof(region));
    assert_int_equal(sel4ft_log_init(region, sizeof(region), 3), 0);
    assert_non_null(sel4ft_log_ring());
    assert_int_equal(LOG_INFO("into the ring %u", 7u), 0);
    assert_int_equal(console_length, 0);

    sel4ft_logring_consumer_t consumer;
    sel4ft_log_record_t record;
    assert_int_equal(sel4ft_logring_consumer_init(&consumer, region, sizeof(region), "pd"), 0);
    assert_int_equal(sel4ft_logring_read(&consumer, &record), 0);
    assert_int_equal(record.level, SEL4FT_LOG_INFO);
    assert_string_equal(record.text, "into the ring 7");

    char text[128];
    sel4ft_logfmt_t line;
    sel4ft_logfmt_begin(&line, text, sizeof(text), "thing");
    sel4ft_logfmt_u64(&line, "n", 3);
    assert_int_equal(sel4ft_log_event(SEL4FT_LOG_WARN, &line), 0);
    assert_int_equal(sel4ft_logring_read(&consumer, &record), 0);
    assert_int_equal(record.level, SEL4FT_LOG_WARN);
    assert_string_equal(record.text, "thing n=3");

    /* Detached (NULL, 0): back to the console, silently; the ring gets nothing more. */
    assert_int_equal(sel4ft_log_init(NULL, 0, 3), 0);
    assert_null(sel4ft_log_ring());
    assert_int_equal(console_length, 0);
    assert_int_equal(LOG_INFO("on the console"), 0);
    assert_string_equal(console, "pd|INFO: on the console\n");
    assert_int_equal(sel4ft_logring_read(&consumer, &record), -SEL4FT_EAGAIN);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    assert_int_equal(sel4ft_log_printf(SEL4FT_LOG_LEVEL_NUM, "x"), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_log_printf(SEL4FT_LOG_INFO, NULL), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_log_event(SEL4FT_LOG_INFO, NULL), -SEL4FT_EINVAL);
    assert_int_equal(console_length, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_without_a_ring_lines_go_to_the_console_with_the_prefix, setup, console_teardown),
        cmocka_unit_test_setup_teardown(test_a_bad_ring_is_refused_and_said_so, setup, console_teardown),
        cmocka_unit_test_setup_teardown(test_with_a_ring_lines_go_into_it, setup, console_teardown),
        cmocka_unit_test_setup_teardown(test_bad_arguments, setup, console_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
