/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* Unit tests for sel4ft_strerror(). */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <string.h>

#include <sel4ft/error.h>

/* Every code with the name its text must start with. */
static const struct {
    int code;
    const char *name;
} codes[] = {
    { SEL4FT_OK, "SEL4FT_OK" },
    { SEL4FT_EINVAL, "SEL4FT_EINVAL" },
    { SEL4FT_ENOSPC, "SEL4FT_ENOSPC" },
    { SEL4FT_EAGAIN, "SEL4FT_EAGAIN" },
    { SEL4FT_EBADMSG, "SEL4FT_EBADMSG" },
    { SEL4FT_EPROTO, "SEL4FT_EPROTO" },
    { SEL4FT_E2BIG, "SEL4FT_E2BIG" },
    { SEL4FT_ESTALE, "SEL4FT_ESTALE" },
    { SEL4FT_EIO, "SEL4FT_EIO" },
    { SEL4FT_ENOTSUP, "SEL4FT_ENOTSUP" },
    { SEL4FT_EMISMATCH, "SEL4FT_EMISMATCH" },
    { SEL4FT_EPEER, "SEL4FT_EPEER" },
    { SEL4FT_EUNAVAILABLE, "SEL4FT_EUNAVAILABLE" },
};

#define CODE_COUNT (sizeof(codes) / sizeof(codes[0]))

/* The text starts with the code's name followed by ": " and a non-empty description. */
static void assert_names(const char *text, const char *name)
{
    size_t name_length = strlen(name);

    assert_non_null(text);
    assert_memory_equal(text, name, name_length);
    assert_memory_equal(text + name_length, ": ", 2);
    assert_true(strlen(text) > name_length + 2);
}

static void test_table_covers_every_code(void **state)
{
    (void)state;
    /* The list above must have one entry per code 0..SEL4FT_ERRNO_MAX, in order. */
    assert_int_equal(CODE_COUNT, SEL4FT_ERRNO_MAX + 1);
    for (size_t i = 0; i < CODE_COUNT; i++) {
        assert_int_equal(codes[i].code, (int)i);
    }
}

static void test_positive_codes(void **state)
{
    (void)state;
    for (size_t i = 0; i < CODE_COUNT; i++) {
        assert_names(sel4ft_strerror(codes[i].code), codes[i].name);
    }
}

static void test_negated_codes(void **state)
{
    (void)state;
    for (size_t i = 0; i < CODE_COUNT; i++) {
        const char *negated = sel4ft_strerror(-codes[i].code);
        assert_names(negated, codes[i].name);
        /* -E and E give the same text. */
        assert_string_equal(negated, sel4ft_strerror(codes[i].code));
    }
}

static void test_known_texts(void **state)
{
    (void)state;
    assert_string_equal(sel4ft_strerror(0), "SEL4FT_OK: success");
    assert_string_equal(sel4ft_strerror(-SEL4FT_EINVAL), "SEL4FT_EINVAL: invalid argument");
    assert_string_equal(sel4ft_strerror(-SEL4FT_ESTALE), "SEL4FT_ESTALE: peer restarted");
    assert_string_equal(sel4ft_strerror(SEL4FT_EPEER), "SEL4FT_EPEER: peer answered outside the protocol");
}

static void test_texts_are_distinct(void **state)
{
    (void)state;
    for (size_t i = 0; i < CODE_COUNT; i++) {
        for (size_t j = i + 1; j < CODE_COUNT; j++) {
            assert_string_not_equal(sel4ft_strerror(codes[i].code), sel4ft_strerror(codes[j].code));
        }
    }
}

static void test_out_of_range(void **state)
{
    (void)state;
    static const int values[] = {
        SEL4FT_ERRNO_MAX + 1,
        -(SEL4FT_ERRNO_MAX + 1),
        SEL4FT_ERRNO_MAX + 2,
        100,
        -100,
        4096,
        1 << 20,
        -(1 << 20),
        INT_MAX,
        -INT_MAX,
        INT_MIN,
        INT_MIN + 1,
    };

    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        const char *text = sel4ft_strerror(values[i]);
        assert_non_null(text);
        assert_string_equal(text, "unknown error");
    }
}

static void test_never_null(void **state)
{
    (void)state;
    for (int code = -300; code <= 300; code++) {
        const char *text = sel4ft_strerror(code);
        assert_non_null(text);
        assert_true(text[0] != '\0');
        int magnitude = code < 0 ? -code : code;
        if (magnitude > SEL4FT_ERRNO_MAX) {
            assert_string_equal(text, "unknown error");
        } else {
            assert_string_not_equal(text, "unknown error");
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_covers_every_code),
        cmocka_unit_test(test_positive_codes),
        cmocka_unit_test(test_negated_codes),
        cmocka_unit_test(test_known_texts),
        cmocka_unit_test(test_texts_are_distinct),
        cmocka_unit_test(test_out_of_range),
        cmocka_unit_test(test_never_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
