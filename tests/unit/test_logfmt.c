/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* Unit tests for the event line writer: sel4ft_logfmt_*(). */

#include <stdbool.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sel4ft/logfmt.h>

/* The fields every test writes, into a buffer of @p size: returns the full length. */
static int write_line(char *buffer, size_t size)
{
    sel4ft_logfmt_t line;
    sel4ft_logfmt_begin(&line, buffer, size, "restart");
    sel4ft_logfmt_str(&line, "child", "server");
    sel4ft_logfmt_u64(&line, "incarnation", 2);
    sel4ft_logfmt_i64(&line, "error", -9);
    sel4ft_logfmt_hex(&line, "ec", 0x24, 2);
    sel4ft_logfmt_hex(&line, "addr", 0, 0);
    sel4ft_logfmt_ticks_us(&line, "us", 1997, 62500000);
    sel4ft_logfmt_str(&line, "reason", "first failure: restart at once");
    return sel4ft_logfmt_end(&line);
}

static const char full_line[] = "restart child=server incarnation=2 error=-9 ec=0x24 addr=0x0 us=31.952 "
                                "reason=\"first failure: restart at once\"";

static void test_fields_in_order(void **state)
{
    (void)state;
    char buffer[256];
    assert_int_equal(write_line(buffer, sizeof(buffer)), strlen(full_line));
    assert_string_equal(buffer, full_line);
}

static void test_quoting_and_escaping(void **state)
{
    (void)state;
    char buffer[128];
    sel4ft_logfmt_t line;
    sel4ft_logfmt_begin(&line, buffer, sizeof(buffer), "e");
    sel4ft_logfmt_str(&line, "plain", "a_b.c:d/0x1");
    sel4ft_logfmt_str(&line, "empty", "");
    sel4ft_logfmt_str(&line, "quote", "say \"hi\"");
    sel4ft_logfmt_str(&line, "slash", "a\\b");
    sel4ft_logfmt_str(&line, "equals", "a=b");
    sel4ft_logfmt_str(&line, "control", "a\nb\x7f");
    sel4ft_logfmt_str(&line, "none", NULL);
    int n = sel4ft_logfmt_end(&line);
    const char *expected = "e plain=a_b.c:d/0x1 empty=\"\" quote=\"say \\\"hi\\\"\" slash=\"a\\\\b\" equals=\"a=b\" "
                           "control=\"a?b?\" none=?";
    assert_string_equal(buffer, expected);
    assert_int_equal(n, strlen(expected));
}

static void test_numbers(void **state)
{
    (void)state;
    char buffer[160];
    sel4ft_logfmt_t line;
    sel4ft_logfmt_begin(&line, buffer, sizeof(buffer), "n");
    sel4ft_logfmt_u64(&line, "max", UINT64_MAX);
    sel4ft_logfmt_i64(&line, "min", INT64_MIN);
    sel4ft_logfmt_hex(&line, "wide", 0xffffffffffffffffull, 2);
    sel4ft_logfmt_hex(&line, "fsc", 7, 2);
    /* One second and a bit at 62.5 MHz; an hour at 1 GHz; a tick at 1 Hz; no rate: no field. */
    sel4ft_logfmt_ticks_us(&line, "a", 62500001, 62500000);
    sel4ft_logfmt_ticks_us(&line, "b", 3600000000000ull, 1000000000);
    sel4ft_logfmt_ticks_us(&line, "c", 1, 1);
    sel4ft_logfmt_ticks_us(&line, "d", 5, 0);
    sel4ft_logfmt_end(&line);
    assert_string_equal(buffer, "n max=18446744073709551615 min=-9223372036854775808 wide=0xffffffffffffffff "
                                "fsc=0x07 a=1000000.016 b=3600000000.000 c=1000000.000");
}

/* Cut at a few sizes: whole fields only, except a string value cut to fit, which ends in "..." (inside its quotes
 * when quoted); the return value is always the full length. */
static void test_truncation_exact(void **state)
{
    (void)state;
    static const struct {
        size_t size;
        const char *line;
    } cases[] = {
        { 1, "" },
        { 8, "restart" },
        { 17, "restart" },                         /* room for ' child=' but not for '...' */
        { 18, "restart child=..." },               /* a string value cut */
        { 21, "restart child=server" },            /* the next field does not fit: left out */
        { 80, "restart child=server incarnation=2 error=-9 ec=0x24 addr=0x0 us=31.952" },
        { 84, "restart child=server incarnation=2 error=-9 ec=0x24 addr=0x0 us=31.952 reason=\"...\"" },
        { 94, "restart child=server incarnation=2 error=-9 ec=0x24 addr=0x0 us=31.952 reason=\"first fail...\"" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char buffer[256];
        assert_int_equal(write_line(buffer, cases[i].size), strlen(full_line));
        assert_string_equal(buffer, cases[i].line);
    }
    assert_int_equal(write_line(NULL, 0), strlen(full_line));
}

/* At every size: always terminated, never longer than the buffer, and what is written is either a run of whole
 * fields of the full line or such a run and a cut string value ending in "..." that fills the buffer. */
static void test_truncation_at_every_size(void **state)
{
    (void)state;
    const size_t full = strlen(full_line);
    for (size_t size = 1; size <= full + 1; size++) {
        char buffer[256];
        memset(buffer, 'X', sizeof(buffer));
        assert_int_equal(write_line(buffer, size), full);
        size_t used = strlen(buffer);
        assert_true(used < size);
        bool quoted = used >= 4 && memcmp(buffer + used - 4, "...\"", 4) == 0;
        bool cut = quoted || (used >= 3 && memcmp(buffer + used - 3, "...", 3) == 0);
        if (cut) {
            assert_int_equal(used, size - 1);
            assert_memory_equal(buffer, full_line, used - (quoted ? 4 : 3));
        } else {
            assert_memory_equal(buffer, full_line, used);
            assert_true(used == 0 || full_line[used] == ' ' || full_line[used] == '\0');
        }
    }
}

/* Once a field is left out, no later one is written, even a short one that would fit. */
static void test_no_field_after_one_left_out(void **state)
{
    (void)state;
    char buffer[24];
    sel4ft_logfmt_t line;
    sel4ft_logfmt_begin(&line, buffer, sizeof(buffer), "kind");
    sel4ft_logfmt_u64(&line, "big", 123456789012345ull);
    sel4ft_logfmt_u64(&line, "a", 1);
    assert_string_equal(buffer, "kind");
    assert_int_equal(sel4ft_logfmt_end(&line), strlen("kind big=123456789012345 a=1"));
}

/* A quoted value is cut between characters, never inside an escape. */
static void test_cut_never_splits_an_escape(void **state)
{
    (void)state;
    char buffer[16];
    sel4ft_logfmt_t line;
    sel4ft_logfmt_begin(&line, buffer, sizeof(buffer), "e");
    /* Room for 15 characters: 'e t="' takes 5 and '..."' 4, which leaves 6, and each quote takes 2. */
    sel4ft_logfmt_str(&line, "t", "a\"\"\"\"\"\"");
    assert_string_equal(buffer, "e t=\"a\\\"\\\"...\"");
    assert_int_equal(strlen(buffer), 14);
}

static void test_kind_that_does_not_fit(void **state)
{
    (void)state;
    char buffer[4];
    sel4ft_logfmt_t line;
    sel4ft_logfmt_begin(&line, buffer, sizeof(buffer), "summary");
    sel4ft_logfmt_u64(&line, "a", 1);
    assert_string_equal(buffer, "");
    assert_int_equal(sel4ft_logfmt_end(&line), strlen("summary a=1"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields_in_order),
        cmocka_unit_test(test_quoting_and_escaping),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_truncation_exact),
        cmocka_unit_test(test_truncation_at_every_size),
        cmocka_unit_test(test_no_field_after_one_left_out),
        cmocka_unit_test(test_cut_never_splits_an_escape),
        cmocka_unit_test(test_kind_that_does_not_fit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
