/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* Unit tests for the terse fault decoder: lib/fault.c built with SEL4FT_FAULT_TERSE (the Makefile builds this
 * test with it). The decoding itself is the full decoder's (test_fault.c); only the words differ. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <sel4ft/fault.h>

#ifndef SEL4FT_FAULT_TERSE
#error "build this test with -DSEL4FT_FAULT_TERSE, and lib/fault.c with it"
#endif

#define ESR_DABT_WRITE_L2 0x92000046u /* EC 0x24, IL, WnR=1, DFSC 0x06 */

static void test_exception_classes(void **state)
{
    (void)state;
    assert_string_equal(sel4ft_fault_exception_class_str(0x20), "instruction abort");
    assert_string_equal(sel4ft_fault_exception_class_str(0x21), "instruction abort");
    assert_string_equal(sel4ft_fault_exception_class_str(0x24), "data abort");
    assert_string_equal(sel4ft_fault_exception_class_str(0x25), "data abort");
    static const uint32_t others[] = { 0x00, 0x15, 0x18, 0x22, 0x3c, 0x3f, 64, UINT32_MAX };
    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
        assert_string_equal(sel4ft_fault_exception_class_str(others[i]), "exception");
    }
}

static void test_fault_statuses(void **state)
{
    (void)state;
    static const char *const kinds[4] = { "address size fault", "translation fault", "access flag fault",
                                          "permission fault" };
    for (uint32_t code = 0; code < 0x10; code++) {
        assert_string_equal(sel4ft_fault_status_str(code), kinds[code >> 2]);
    }
    assert_string_equal(sel4ft_fault_status_str(0x21), "alignment fault");
    static const uint32_t others[] = { 0x10, 0x20, 0x22, 0x30, 0x3f, 64, UINT32_MAX };
    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
        assert_string_equal(sel4ft_fault_status_str(others[i]), "fault");
    }
}

/* A fault line says the same, in fewer words: the codes are all there. */
static void test_format(void **state)
{
    (void)state;
    const uint64_t mrs[] = { 0x200240, 0x0, 0, ESR_DABT_WRITE_L2 };
    sel4ft_fault_t fault;
    char line[256];

    assert_int_equal(sel4ft_fault_decode(SEL4FT_FAULT_VM, mrs, 4, &fault), 0);
    int n = sel4ft_fault_format(&fault, "crasher", line, sizeof(line));
    assert_int_equal((size_t)n, strlen(line));
    assert_string_equal(line, "crasher: VM fault: write to 0x0 at ip 0x200240: translation fault "
                              "[EC 0x24 data abort, FSC 0x06]");
}

/* RISC-V's exception codes keep their words in the terse build: the table is small. A recorded riscv64 store to
 * NULL (tests/unit/recorded_faults.h has the full decoder's view). */
static void test_riscv64_keeps_its_words(void **state)
{
    (void)state;
    assert_string_equal(sel4ft_fault_scause_str(2), "illegal instruction");
    assert_string_equal(sel4ft_fault_scause_str(15), "store/AMO page fault");
    const uint64_t mrs[] = { 0x200250, 0x0, 0, 7 };
    sel4ft_fault_t fault;
    char line[256];

    assert_int_equal(sel4ft_fault_decode_arch(SEL4FT_FAULT_ARCH_RISCV64, SEL4FT_FAULT_VM, mrs, 4, &fault), 0);
    assert_true(fault.is_write);
    assert_string_equal(sel4ft_fault_cause_str(&fault), "store/AMO page or access fault");
    int n = sel4ft_fault_format(&fault, "crasher", line, sizeof(line));
    assert_int_equal((size_t)n, strlen(line));
    assert_non_null(strstr(line, "scause 0x7"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exception_classes),
        cmocka_unit_test(test_fault_statuses),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_riscv64_keeps_its_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
