/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/*
 * Unit tests for the restart handshake between a driver and the component above it (sel4ft/driver.h): who may
 * use the queues when, with a real driver thread and a real component thread: the component puts the queue in
 * order before it admits an incarnation, and the driver, once admitted, sees exactly what was put there.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include <sel4ft/driver.h>

static sel4ft_driver_handshake_t page;

static int setup(void **state)
{
    (void)state;
    memset(&page, 0, sizeof(page));
    return 0;
}

static void test_sequence(void **state)
{
    (void)state;
    uint64_t incarnation = 99;
    /* Nothing announced yet: nothing to admit, and no incarnation is admitted. */
    assert_false(sel4ft_driver_pending(&page, &incarnation));
    assert_int_equal(incarnation, 99);
    assert_false(sel4ft_driver_is_admitted(&page, 1));

    sel4ft_driver_announce(&page, 1);
    assert_true(sel4ft_driver_pending(&page, &incarnation));
    assert_int_equal(incarnation, 1);
    assert_false(sel4ft_driver_is_admitted(&page, 1));

    sel4ft_driver_admit(&page, 1);
    assert_true(sel4ft_driver_is_admitted(&page, 1));
    assert_false(sel4ft_driver_pending(&page, &incarnation));

    /* A restart: the new incarnation waits; the old one's admission is not its own. */
    sel4ft_driver_announce(&page, 2);
    assert_true(sel4ft_driver_pending(&page, &incarnation));
    assert_int_equal(incarnation, 2);
    assert_false(sel4ft_driver_is_admitted(&page, 2));
    sel4ft_driver_admit(&page, 2);
    assert_true(sel4ft_driver_is_admitted(&page, 2));
    assert_false(sel4ft_driver_is_admitted(&page, 1));
}

/* The driver is not trusted: any value it writes other than the one admitted counts as a new incarnation. */
static void test_untrusted_values(void **state)
{
    (void)state;
    uint64_t incarnation;
    sel4ft_driver_admit(&page, 5);
    const uint64_t values[] = { 4, 6, UINT64_MAX, 1ull << 63 };
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        page.started = values[i];
        assert_true(sel4ft_driver_pending(&page, &incarnation));
        assert_int_equal(incarnation, values[i]);
    }
    page.started = 5;
    assert_false(sel4ft_driver_pending(&page, &incarnation));
    page.started = 0;
    assert_false(sel4ft_driver_pending(&page, &incarnation));
}

/* Threads: the driver announces incarnations 1..N; for each, the component writes N words of "queue" and admits
 * it; the admitted driver must see every word the component wrote for its incarnation. */
enum { ROUNDS = 20000, WORDS = 16 };
static uint64_t queue[WORDS];
static uint64_t errors;

static void *driver_thread(void *arg)
{
    (void)arg;
    for (uint64_t incarnation = 1; incarnation <= ROUNDS; incarnation++) {
        sel4ft_driver_announce(&page, incarnation);
        while (!sel4ft_driver_is_admitted(&page, incarnation)) {
        }
        for (int i = 0; i < WORDS; i++) {
            if (__atomic_load_n(&queue[i], __ATOMIC_RELAXED) != incarnation * 1000 + (uint64_t)i) {
                errors++;
            }
        }
    }
    return NULL;
}

static void *component_thread(void *arg)
{
    (void)arg;
    uint64_t admitted = 0;
    while (admitted < ROUNDS) {
        uint64_t incarnation;
        if (!sel4ft_driver_pending(&page, &incarnation)) {
            continue;
        }
        for (int i = 0; i < WORDS; i++) {
            __atomic_store_n(&queue[i], incarnation * 1000 + (uint64_t)i, __ATOMIC_RELAXED);
        }
        sel4ft_driver_admit(&page, incarnation);
        admitted = incarnation;
    }
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    pthread_t driver, component;
    errors = 0;
    assert_int_equal(pthread_create(&component, NULL, component_thread, NULL), 0);
    assert_int_equal(pthread_create(&driver, NULL, driver_thread, NULL), 0);
    assert_int_equal(pthread_join(driver, NULL), 0);
    assert_int_equal(pthread_join(component, NULL), 0);
    assert_int_equal(errors, 0);
    assert_true(sel4ft_driver_is_admitted(&page, ROUNDS));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_sequence, setup),
        cmocka_unit_test_setup(test_untrusted_values, setup),
        cmocka_unit_test_setup(test_threads, setup),
    };
    return cmocka_run_group_tests_name("driver", tests, NULL, NULL);
}
