/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* Unit tests for the fault decoder: sel4ft_fault_decode(), the string tables and sel4ft_fault_format(). */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sel4ft/error.h>
#include <sel4ft/fault.h>
#include <sel4ft/os_linux.h>

#include "recorded_faults.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define CANARY        0xa5

/* Realistic aarch64 values. */
#define PD_IP             0x200240u
#define PD_SP             0xffffff0u
#define ESR_DABT_WRITE_L2 0x92000046u /* EC 0x24, IL, WnR=1, DFSC 0x06 */
#define ESR_DABT_READ_L3  0x92000007u /* EC 0x24, IL, WnR=0, DFSC 0x07 */
#define ESR_IABT_PERM_L3  0x8200000fu /* EC 0x20, IL, IFSC 0x0f */
#define ESR_UNDEFINED     0x02000000u /* EC 0x00, IL */
#define HSR_TRAPPED_MRS   0x6232c041u /* EC 0x18, IL, an MRS of a trapped register */

/* A heap copy of exactly `count` registers, so AddressSanitizer catches a read past them. */
static uint64_t *exact_registers(const uint64_t *registers, uint32_t count)
{
    uint64_t *copy = malloc(count * sizeof(uint64_t));
    assert_true(copy != NULL || count == 0);
    if (count != 0) {
        memcpy(copy, registers, count * sizeof(uint64_t));
    }
    return copy;
}

/* Decode from an exact-size copy, into a result pre-filled with garbage. */
static int decode(uint64_t label, const uint64_t *registers, uint32_t count, sel4ft_fault_t *fault)
{
    uint64_t *copy = exact_registers(registers, count);
    memset(fault, CANARY, sizeof(*fault));
    int err = sel4ft_fault_decode(label, copy, count, fault);
    free(copy);
    return err;
}

/* The same for a given architecture. */
static int decode_arch(uint32_t arch, uint64_t label, const uint64_t *registers, uint32_t count,
                       sel4ft_fault_t *fault)
{
    uint64_t *copy = exact_registers(registers, count);
    memset(fault, CANARY, sizeof(*fault));
    int err = sel4ft_fault_decode_arch(arch, label, copy, count, fault);
    free(copy);
    return err;
}

static uint64_t register_or_zero(const uint64_t *registers, uint32_t count, uint32_t index)
{
    return index < count ? registers[index] : 0;
}

static void assert_contains(const char *text, const char *part)
{
    if (strstr(text, part) == NULL) {
        fail_msg("\"%s\" does not contain \"%s\"", text, part);
    }
}

/* Decoding each kind */

static void test_decode_vm_write_to_null(void **state)
{
    (void)state;
    const uint64_t mrs[] = { PD_IP, 0x0, 0, ESR_DABT_WRITE_L2 };
    sel4ft_fault_t fault;

    assert_int_equal(decode(SEL4FT_FAULT_VM, mrs, ARRAY_SIZE(mrs), &fault), 0);
    assert_int_equal(fault.kind, SEL4FT_FAULT_VM);
    assert_int_equal(fault.child, 0);
    assert_int_equal(fault.ip, PD_IP);
    assert_int_equal(fault.address, 0);
    assert_true(fault.has_esr);
    assert_int_equal(fault.esr, ESR_DABT_WRITE_L2);
    assert_int_equal(fault.exception_class, 0x24);
    assert_int_equal(fault.status_code, 0x06);
    assert_true(fault.is_write);
    assert_false(fault.is_instruction);
    assert_int_equal(fault.sp, 0);
    assert_int_equal(fault.detail, 0);
    assert_string_equal(sel4ft_fault_status_str(fault.status_code), "translation fault, level 2");
    assert_string_equal(
        sel4ft_fault_exception_class_str(fault.exception_class), "data abort from a lower exception level");
}

static void test_decode_vm_read(void **state)
{
    (void)state;
    const uint64_t mrs[] = { PD_IP + 8, 0xdead0000u, 0, ESR_DABT_READ_L3 };
    sel4ft_fault_t fault;

    assert_int_equal(decode(SEL4FT_FAULT_VM, mrs, ARRAY_SIZE(mrs), &fault), 0);
    assert_int_equal(fault.kind, SEL4FT_FAULT_VM);
    assert_int_equal(fault.ip, PD_IP + 8);
    assert_int_equal(fault.address, 0xdead0000u);
    assert_int_equal(fault.exception_class, 0x24);
    assert_int_equal(fault.status_code, 0x07);
    assert_false(fault.is_write);
    assert_false(fault.is_instruction);
    assert_string_equal(sel4ft_fault_status_str(fault.status_code), "translation fault, level 3");
}

static void test_decode_vm_write_same_level(void **state)
{
    (void)state;
    /* EC 0x25 (data abort at the same level) also carries WnR; DFSC 0x21 is an alignment fault. */
    const uint64_t mrs[] = { PD_IP, 0x1001, 0, 0x96000061u };
    sel4ft_fault_t fault;

    assert_int_equal(decode(SEL4FT_FAULT_VM, mrs, ARRAY_SIZE(mrs), &fault), 0);
    assert_int_equal(fault.exception_class, 0x25);
    assert_int_equal(fault.status_code, 0x21);
    assert_true(fault.is_write);
    assert_false(fault.is_instruction);
    assert_string_equal(sel4ft_fault_status_str(fault.status_code), "alignment fault");
}

static void test_decode_vm_instruction_fetch(void **state)
{
    (void)state;
    const uint64_t mrs[] = { 0x400000, 0x400000, 1, ESR_IABT_PERM_L3 };
    sel4ft_fault_t fault;

    assert_int_equal(decode(SEL4FT_FAULT_VM, mrs, ARRAY_SIZE(mrs), &fault), 0);
    assert_int_equal(fault.kind, SEL4FT_FAULT_VM);
    assert_int_equal(fault.ip, 0x400000);
    assert_int_equal(fault.address, 0x400000);
    assert_true(fault.is_instruction);
    assert_false(fault.is_write);
    assert_int_equal(fault.exception_class, 0x20);
    assert_int_equal(fault.status_code, 0x0f);
    assert_string_equal(sel4ft_fault_status_str(fault.status_code), "permission fault, level 3");
    assert_string_equal(
        sel4ft_fault_exception_class_str(fault.exception_class), "instruction abort from a lower exception level");
}

static void test_decode_vm_write_bit_only_for_data_aborts(void **state)
{
    (void)state;
    sel4ft_fault_t fault;

    /* Bit 6 in an instruction abort's syndrome is not WnR: never a write. */
    const uint64_t instruction[] = { PD_IP, PD_IP, 1, ESR_IABT_PERM_L3 | 0x40u };
    assert_int_equal(decode(SEL4FT_FAULT_VM, instruction, ARRAY_SIZE(instruction), &fault), 0);
    assert_true(fault.is_instruction);
    assert_false(fault.is_write);

    /* The prefetch flag wins over a data-abort syndrome. */
    const uint64_t prefetch[] = { PD_IP, PD_IP, 1, ESR_DABT_WRITE_L2 };
    assert_int_equal(decode(SEL4FT_FAULT_VM, prefetch, ARRAY_SIZE(prefetch), &fault), 0);
    assert_true(fault.is_instruction);
    assert_false(fault.is_write);

    /* An exception class that is not a data abort carries no WnR. */
    const uint64_t other[] = { PD_IP, 0x10, 0, (0x22u << 26) | 0x40u };
    assert_int_equal(decode(SEL4FT_FAULT_VM, other, ARRAY_SIZE(other), &fault), 0);
    assert_false(fault.is_instruction);
    assert_false(fault.is_write);
}

static void test_decode_user_exception(void **state)
{
    (void)state;
    const uint64_t mrs[] = { PD_IP, PD_SP, 0x60000000u, ESR_UNDEFINED, 0 };
    sel4ft_fault_t fault;

    assert_int_equal(decode(SEL4FT_FAULT_USER_EXCEPTION, mrs, ARRAY_SIZE(mrs), &fault), 0);
    assert_int_equal(fault.kind, SEL4FT_FAULT_USER_EXCEPTION);
    assert_int_equal(fault.ip, PD_IP);
    assert_int_equal(fault.sp, PD_SP);
    assert_true(fault.has_esr);
    assert_int_equal(fault.esr, ESR_UNDEFINED);
    assert_int_equal(fault.exception_class, 0);
    assert_int_equal(fault.detail, 0);
    assert_int_equal(fault.address, 0);
    assert_false(fault.is_write);
    assert_false(fault.is_instruction);
    assert_int_equal(fault.status_code, 0);
    assert_string_equal(
        sel4ft_fault_exception_class_str(fault.exception_class), "unknown reason (undefined instruction)");

    /* A PC alignment fault: EC 0x22; the code register lands in detail. */
    const uint64_t alignment[] = { PD_IP + 2, PD_SP, 0, 0x8a000000u, 7 };
    assert_int_equal(decode(SEL4FT_FAULT_USER_EXCEPTION, alignment, ARRAY_SIZE(alignment), &fault), 0);
    assert_int_equal(fault.exception_class, 0x22);
    assert_int_equal(fault.esr, 0x8a000000u);
    assert_int_equal(fault.detail, 7);
}

static void test_decode_unknown_syscall(void **state)
{
    (void)state;
    uint64_t mrs[13];
    for (uint32_t i = 0; i < 8; i++) {
        mrs[i] = 0x1000 + i; /* X0..X7 */
    }
    mrs[8] = PD_IP; /* FaultIP */
    mrs[9] = PD_SP; /* SP */
    mrs[10] = 0x200100; /* LR */
    mrs[11] = 0; /* SPSR */
    mrs[12] = 99; /* the syscall number */
    sel4ft_fault_t fault;

    assert_int_equal(decode(SEL4FT_FAULT_UNKNOWN_SYSCALL, mrs, ARRAY_SIZE(mrs), &fault), 0);
    assert_int_equal(fault.kind, SEL4FT_FAULT_UNKNOWN_SYSCALL);
    assert_int_equal(fault.ip, PD_IP);
    assert_int_equal(fault.sp, PD_SP);
    assert_int_equal(fault.detail, 99);
    assert_false(fault.has_esr);
    assert_int_equal(fault.esr, 0);
    assert_int_equal(fault.address, 0);
}

static void test_decode_cap_fault(void **state)
{
    (void)state;
    /* IP, capability address, in-receive-phase, lookup failure type, then lookup details. */
    const uint64_t mrs[] = { PD_IP, 0x42, 0, 2, 12, 0 };
    sel4ft_fault_t fault;

    assert_int_equal(decode(SEL4FT_FAULT_CAP, mrs, ARRAY_SIZE(mrs), &fault), 0);
    assert_int_equal(fault.kind, SEL4FT_FAULT_CAP);
    assert_int_equal(fault.ip, PD_IP);
    assert_int_equal(fault.address, 0x42);
    assert_int_equal(fault.detail, 2);
    assert_false(fault.has_esr);
    assert_int_equal(fault.sp, 0);
}

static void test_decode_timeout(void **state)
{
    (void)state;
    /* The scheduling context's data word, then the budget consumed. */
    const uint64_t mrs[] = { 0x7, 123456 };
    sel4ft_fault_t fault;

    assert_int_equal(decode(SEL4FT_FAULT_TIMEOUT, mrs, ARRAY_SIZE(mrs), &fault), 0);
    assert_int_equal(fault.kind, SEL4FT_FAULT_TIMEOUT);
    assert_int_equal(fault.detail, 123456);
    assert_int_equal(fault.ip, 0);
    assert_int_equal(fault.address, 0);
    assert_false(fault.has_esr);
}

static void test_decode_vcpu(void **state)
{
    (void)state;
    const uint64_t mrs[] = { HSR_TRAPPED_MRS };
    sel4ft_fault_t fault;

    assert_int_equal(decode(SEL4FT_FAULT_VCPU, mrs, ARRAY_SIZE(mrs), &fault), 0);
    assert_int_equal(fault.kind, SEL4FT_FAULT_VCPU);
    assert_true(fault.has_esr);
    assert_int_equal(fault.esr, HSR_TRAPPED_MRS);
    assert_int_equal(fault.exception_class, 0x18);
    assert_int_equal(fault.ip, 0);
    assert_false(fault.is_write);
    assert_string_equal(
        sel4ft_fault_exception_class_str(fault.exception_class), "trapped MSR, MRS or system instruction");
}

static void test_decode_debug(void **state)
{
    (void)state;
    /* IP, exception reason, trigger address, breakpoint number. */
    const uint64_t mrs[] = { PD_IP, 3, 0x8000, 1 };
    sel4ft_fault_t fault;

    assert_int_equal(decode(SEL4FT_FAULT_DEBUG, mrs, ARRAY_SIZE(mrs), &fault), 0);
    assert_int_equal(fault.kind, SEL4FT_FAULT_DEBUG);
    assert_int_equal(fault.ip, PD_IP);
    assert_int_equal(fault.detail, 3);
    assert_int_equal(fault.address, 0x8000);
    assert_false(fault.has_esr);
}

static void test_decode_virtual_machine_events(void **state)
{
    (void)state;
    const uint64_t mrs[] = { 27 };
    sel4ft_fault_t fault;

    assert_int_equal(decode(SEL4FT_FAULT_VGIC_MAINTENANCE, mrs, ARRAY_SIZE(mrs), &fault), 0);
    assert_int_equal(fault.kind, SEL4FT_FAULT_VGIC_MAINTENANCE);
    assert_int_equal(fault.detail, 27);
    assert_int_equal(fault.ip, 0);

    assert_int_equal(decode(SEL4FT_FAULT_VPPI, mrs, ARRAY_SIZE(mrs), &fault), 0);
    assert_int_equal(fault.kind, SEL4FT_FAULT_VPPI);
    assert_int_equal(fault.detail, 27);
    assert_false(fault.has_esr);
}

static void test_decode_unknown_label(void **state)
{
    (void)state;
    const uint64_t mrs[] = { PD_IP, 0x1234, 1, ESR_DABT_WRITE_L2, 5 };
    sel4ft_fault_t fault;

    assert_int_equal(decode(42, mrs, ARRAY_SIZE(mrs), &fault), -SEL4FT_EBADMSG);
    assert_int_equal(fault.kind, 42);
    assert_int_equal(fault.ip, 0);
    assert_int_equal(fault.address, 0);
    assert_int_equal(fault.sp, 0);
    assert_int_equal(fault.esr, 0);
    assert_int_equal(fault.detail, 0);
    assert_false(fault.has_esr);
    assert_false(fault.is_write);
    assert_false(fault.is_instruction);

    assert_int_equal(decode(SEL4FT_FAULT_KIND_NUM, mrs, ARRAY_SIZE(mrs), &fault), -SEL4FT_EBADMSG);
    assert_int_equal(fault.kind, SEL4FT_FAULT_KIND_NUM);
    assert_int_equal(fault.ip, 0);
}

static void test_decode_null_label(void **state)
{
    (void)state;
    const uint64_t mrs[] = { PD_IP, 0x1234, 0, ESR_DABT_WRITE_L2 };
    sel4ft_fault_t fault;

    assert_int_equal(decode(SEL4FT_FAULT_NULL, mrs, ARRAY_SIZE(mrs), &fault), -SEL4FT_EBADMSG);
    assert_int_equal(fault.kind, SEL4FT_FAULT_NULL);
    assert_int_equal(fault.ip, 0);
    assert_int_equal(fault.address, 0);
    assert_false(fault.has_esr);
}

static void test_decode_wide_label(void **state)
{
    (void)state;
    /* A label whose low 32 bits name a known kind is still unknown: no truncation. */
    const uint64_t mrs[] = { PD_IP, 0x1234, 0, ESR_DABT_WRITE_L2 };
    sel4ft_fault_t fault;

    assert_int_equal(decode((1ull << 32) | SEL4FT_FAULT_VM, mrs, ARRAY_SIZE(mrs), &fault), -SEL4FT_EBADMSG);
    assert_int_not_equal(fault.kind, SEL4FT_FAULT_VM);
    assert_int_equal(fault.ip, 0);
    assert_int_equal(fault.address, 0);
}

static void test_decode_clears_previous_contents(void **state)
{
    (void)state;
    sel4ft_fault_t fault;
    const uint64_t mrs[] = { 0, 77 };

    /* decode() pre-fills the result with garbage; a timeout carries only detail. */
    assert_int_equal(decode(SEL4FT_FAULT_TIMEOUT, mrs, ARRAY_SIZE(mrs), &fault), 0);
    sel4ft_fault_t expected;
    memset(&expected, 0, sizeof(expected));
    expected.kind = SEL4FT_FAULT_TIMEOUT;
    expected.detail = 77;
    assert_int_equal(fault.child, expected.child);
    assert_int_equal(fault.ip, expected.ip);
    assert_int_equal(fault.address, expected.address);
    assert_int_equal(fault.sp, expected.sp);
    assert_int_equal(fault.esr, expected.esr);
    assert_int_equal(fault.detail, expected.detail);
    assert_int_equal(fault.exception_class, expected.exception_class);
    assert_int_equal(fault.status_code, expected.status_code);
    assert_int_equal(fault.has_esr, expected.has_esr);
    assert_int_equal(fault.is_instruction, expected.is_instruction);
    assert_int_equal(fault.is_write, expected.is_write);
}

/* Fewer registers than a kind needs */

static void test_missing_registers_vm(void **state)
{
    (void)state;
    const uint64_t mrs[] = { PD_IP, 0x1000, 0, ESR_DABT_WRITE_L2 };

    for (uint32_t count = 0; count <= ARRAY_SIZE(mrs); count++) {
        sel4ft_fault_t fault;
        assert_int_equal(decode(SEL4FT_FAULT_VM, mrs, count, &fault), 0);
        assert_int_equal(fault.ip, register_or_zero(mrs, count, 0));
        assert_int_equal(fault.address, register_or_zero(mrs, count, 1));
        assert_int_equal(fault.esr, register_or_zero(mrs, count, 3));
        assert_false(fault.is_instruction);
        assert_int_equal(fault.is_write, count == 4);
        assert_int_equal(fault.status_code, count == 4 ? 0x06 : 0);
    }

    /* Without MR3 an instruction fetch is still recognised from MR2. */
    const uint64_t fetch[] = { PD_IP, PD_IP, 1 };
    sel4ft_fault_t fault;
    assert_int_equal(decode(SEL4FT_FAULT_VM, fetch, ARRAY_SIZE(fetch), &fault), 0);
    assert_true(fault.is_instruction);
    assert_int_equal(fault.esr, 0);
}

static void test_missing_registers_user_exception(void **state)
{
    (void)state;
    const uint64_t mrs[] = { PD_IP, PD_SP, 0x60000000u, ESR_UNDEFINED | 0x8a000000u, 9 };

    for (uint32_t count = 0; count <= ARRAY_SIZE(mrs); count++) {
        sel4ft_fault_t fault;
        assert_int_equal(decode(SEL4FT_FAULT_USER_EXCEPTION, mrs, count, &fault), 0);
        assert_int_equal(fault.ip, register_or_zero(mrs, count, 0));
        assert_int_equal(fault.sp, register_or_zero(mrs, count, 1));
        assert_int_equal(fault.esr, register_or_zero(mrs, count, 3));
        assert_int_equal(fault.exception_class, count >= 4 ? 0x22 : 0);
        assert_int_equal(fault.detail, register_or_zero(mrs, count, 4));
    }
}

static void test_missing_registers_unknown_syscall(void **state)
{
    (void)state;
    uint64_t mrs[13];
    for (uint32_t i = 0; i < ARRAY_SIZE(mrs); i++) {
        mrs[i] = 0xa000 + i;
    }

    for (uint32_t count = 0; count <= ARRAY_SIZE(mrs); count++) {
        sel4ft_fault_t fault;
        assert_int_equal(decode(SEL4FT_FAULT_UNKNOWN_SYSCALL, mrs, count, &fault), 0);
        assert_int_equal(fault.ip, register_or_zero(mrs, count, 8));
        assert_int_equal(fault.sp, register_or_zero(mrs, count, 9));
        assert_int_equal(fault.detail, register_or_zero(mrs, count, 12));
    }
}

static void test_missing_registers_other_kinds(void **state)
{
    (void)state;
    const uint64_t mrs[] = { 0xb000, 0xb001, 0xb002, 0xb003 };

    for (uint32_t count = 0; count <= ARRAY_SIZE(mrs); count++) {
        sel4ft_fault_t fault;

        assert_int_equal(decode(SEL4FT_FAULT_CAP, mrs, count, &fault), 0);
        assert_int_equal(fault.ip, register_or_zero(mrs, count, 0));
        assert_int_equal(fault.address, register_or_zero(mrs, count, 1));
        assert_int_equal(fault.detail, register_or_zero(mrs, count, 3));

        assert_int_equal(decode(SEL4FT_FAULT_DEBUG, mrs, count, &fault), 0);
        assert_int_equal(fault.ip, register_or_zero(mrs, count, 0));
        assert_int_equal(fault.detail, register_or_zero(mrs, count, 1));
        assert_int_equal(fault.address, register_or_zero(mrs, count, 2));

        assert_int_equal(decode(SEL4FT_FAULT_TIMEOUT, mrs, count, &fault), 0);
        assert_int_equal(fault.detail, register_or_zero(mrs, count, 1));

        assert_int_equal(decode(SEL4FT_FAULT_VCPU, mrs, count, &fault), 0);
        assert_int_equal(fault.esr, register_or_zero(mrs, count, 0));

        assert_int_equal(decode(SEL4FT_FAULT_VGIC_MAINTENANCE, mrs, count, &fault), 0);
        assert_int_equal(fault.detail, register_or_zero(mrs, count, 0));

        assert_int_equal(decode(SEL4FT_FAULT_VPPI, mrs, count, &fault), 0);
        assert_int_equal(fault.detail, register_or_zero(mrs, count, 0));
    }
}

static void test_decode_no_registers(void **state)
{
    (void)state;
    sel4ft_fault_t fault;
    memset(&fault, CANARY, sizeof(fault));

    /* NULL registers with a count of 0 is a valid, empty message. */
    assert_int_equal(sel4ft_fault_decode(SEL4FT_FAULT_VM, NULL, 0, &fault), 0);
    assert_int_equal(fault.kind, SEL4FT_FAULT_VM);
    assert_int_equal(fault.ip, 0);
    assert_int_equal(fault.address, 0);
    assert_int_equal(fault.esr, 0);
    assert_false(fault.is_write);
}

static void test_decode_invalid_arguments(void **state)
{
    (void)state;
    const uint64_t mrs[] = { PD_IP, 0, 0, ESR_DABT_WRITE_L2 };
    sel4ft_fault_t fault;

    assert_int_equal(sel4ft_fault_decode(SEL4FT_FAULT_VM, mrs, ARRAY_SIZE(mrs), NULL), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_fault_decode(SEL4FT_FAULT_VM, NULL, 4, &fault), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_fault_decode(SEL4FT_FAULT_VM, NULL, 1, NULL), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_fault_decode(42, NULL, 4, &fault), -SEL4FT_EINVAL);
}

/* String tables */

/* Fault status codes the architecture allocates (Arm ARM, ESR_ELx.DFSC/IFSC, including LPA2, D128 and RME). */
static bool status_code_allocated(uint32_t code)
{
    return code <= 0x18 || (code >= 0x1b && code <= 0x1f) || (code >= 0x21 && code <= 0x2c) || code == 0x30
        || code == 0x31 || code == 0x34 || code == 0x35;
}

/* Exception classes the architecture allocates (Arm ARM, ESR_ELx.EC). */
static bool exception_class_allocated(uint32_t ec)
{
    static const uint8_t allocated[] = {
        0x00,
        0x01,
        0x03,
        0x04,
        0x05,
        0x06,
        0x07,
        0x08,
        0x09,
        0x0c,
        0x0d,
        0x0e,
        0x11,
        0x12,
        0x13,
        0x15,
        0x16,
        0x17,
        0x18,
        0x19,
        0x1a,
        0x1c,
        0x1d,
        0x1f,
        0x20,
        0x21,
        0x22,
        0x24,
        0x25,
        0x26,
        0x27,
        0x28,
        0x2c,
        0x2d,
        0x2f,
        0x30,
        0x31,
        0x32,
        0x33,
        0x34,
        0x35,
        0x38,
        0x3a,
        0x3c,
    };
    for (size_t i = 0; i < ARRAY_SIZE(allocated); i++) {
        if (allocated[i] == ec) {
            return true;
        }
    }
    return false;
}

static void test_status_str_all_codes(void **state)
{
    (void)state;
    for (uint32_t code = 0; code < 64; code++) {
        const char *text = sel4ft_fault_status_str(code);
        assert_non_null(text);
        assert_true(text[0] != '\0');
        if (status_code_allocated(code)) {
            if (strcmp(text, "reserved fault status code") == 0) {
                fail_msg("allocated fault status code 0x%02x reads as reserved", code);
            }
            /* Every allocated code has its own text. */
            for (uint32_t other = 0; other < code; other++) {
                assert_string_not_equal(text, sel4ft_fault_status_str(other));
            }
        } else {
            assert_string_equal(text, "reserved fault status code");
        }
    }
}

static void test_status_str_known(void **state)
{
    (void)state;
    static const char *const levels[] = { "0", "1", "2", "3" };
    for (uint32_t level = 0; level < 4; level++) {
        char expected[64];
        snprintf(expected, sizeof(expected), "address size fault, level %s", levels[level]);
        assert_string_equal(sel4ft_fault_status_str(0x00 + level), expected);
        snprintf(expected, sizeof(expected), "translation fault, level %s", levels[level]);
        assert_string_equal(sel4ft_fault_status_str(0x04 + level), expected);
        snprintf(expected, sizeof(expected), "access flag fault, level %s", levels[level]);
        assert_string_equal(sel4ft_fault_status_str(0x08 + level), expected);
        snprintf(expected, sizeof(expected), "permission fault, level %s", levels[level]);
        assert_string_equal(sel4ft_fault_status_str(0x0c + level), expected);
    }
    assert_string_equal(sel4ft_fault_status_str(0x10), "synchronous external abort");
    assert_string_equal(sel4ft_fault_status_str(0x21), "alignment fault");
    assert_string_equal(sel4ft_fault_status_str(0x28), "granule protection fault");
    assert_string_equal(sel4ft_fault_status_str(0x2b), "translation fault, level -1");
    assert_string_equal(sel4ft_fault_status_str(0x30), "TLB conflict abort");
}

static void test_status_str_out_of_range(void **state)
{
    (void)state;
    static const uint32_t values[] = { 0x19, 0x20, 0x2f, 0x3f, 64, 65, 1000, UINT32_MAX };
    for (size_t i = 0; i < ARRAY_SIZE(values); i++) {
        assert_string_equal(sel4ft_fault_status_str(values[i]), "reserved fault status code");
    }
}

static void test_exception_class_str_all_codes(void **state)
{
    (void)state;
    for (uint32_t ec = 0; ec < 64; ec++) {
        const char *text = sel4ft_fault_exception_class_str(ec);
        assert_non_null(text);
        assert_true(text[0] != '\0');
        if (exception_class_allocated(ec)) {
            if (strcmp(text, "unallocated exception class") == 0) {
                fail_msg("allocated exception class 0x%02x reads as unallocated", ec);
            }
            for (uint32_t other = 0; other < ec; other++) {
                assert_string_not_equal(text, sel4ft_fault_exception_class_str(other));
            }
        } else {
            assert_string_equal(text, "unallocated exception class");
        }
    }
}

static void test_exception_class_str_known(void **state)
{
    (void)state;
    assert_string_equal(sel4ft_fault_exception_class_str(0x00), "unknown reason (undefined instruction)");
    assert_string_equal(sel4ft_fault_exception_class_str(0x15), "SVC in AArch64");
    assert_string_equal(sel4ft_fault_exception_class_str(0x18), "trapped MSR, MRS or system instruction");
    assert_string_equal(sel4ft_fault_exception_class_str(0x20), "instruction abort from a lower exception level");
    assert_string_equal(sel4ft_fault_exception_class_str(0x22), "PC alignment fault");
    assert_string_equal(sel4ft_fault_exception_class_str(0x24), "data abort from a lower exception level");
    assert_string_equal(sel4ft_fault_exception_class_str(0x25), "data abort at the same exception level");
    assert_string_equal(sel4ft_fault_exception_class_str(0x3c), "BRK instruction");
}

static void test_exception_class_str_out_of_range(void **state)
{
    (void)state;
    static const uint32_t values[] = { 0x02, 0x23, 0x3f, 64, 65, 1000, UINT32_MAX };
    for (size_t i = 0; i < ARRAY_SIZE(values); i++) {
        assert_string_equal(sel4ft_fault_exception_class_str(values[i]), "unallocated exception class");
    }
}

static void test_kind_str(void **state)
{
    (void)state;
    static const char *const names[SEL4FT_FAULT_KIND_NUM] = {
        [SEL4FT_FAULT_NULL] = "null fault",
        [SEL4FT_FAULT_CAP] = "cap fault",
        [SEL4FT_FAULT_UNKNOWN_SYSCALL] = "unknown syscall",
        [SEL4FT_FAULT_USER_EXCEPTION] = "user exception",
        [SEL4FT_FAULT_DEBUG] = "debug exception",
        [SEL4FT_FAULT_TIMEOUT] = "timeout fault",
        [SEL4FT_FAULT_VM] = "VM fault",
        [SEL4FT_FAULT_VGIC_MAINTENANCE] = "VGIC maintenance",
        [SEL4FT_FAULT_VCPU] = "VCPU fault",
        [SEL4FT_FAULT_VPPI] = "VPPI event",
    };
    for (uint32_t kind = 0; kind < SEL4FT_FAULT_KIND_NUM; kind++) {
        assert_non_null(sel4ft_fault_kind_str(kind));
        assert_string_equal(sel4ft_fault_kind_str(kind), names[kind]);
    }
    static const uint32_t unknown[] = { SEL4FT_FAULT_KIND_NUM, 42, 1000, UINT32_MAX };
    for (size_t i = 0; i < ARRAY_SIZE(unknown); i++) {
        assert_string_equal(sel4ft_fault_kind_str(unknown[i]), "unknown fault");
    }
}

/* sel4ft_fault_format() */

static void format_line(
    uint64_t label, const uint64_t *mrs, uint32_t count, const char *pd_name, char *line, size_t size)
{
    sel4ft_fault_t fault;
    int err = decode(label, mrs, count, &fault);
    assert_true(err == 0 || err == -SEL4FT_EBADMSG);
    fault.child = 3;
    int n = sel4ft_fault_format(&fault, pd_name, line, size);
    assert_true(n > 0);
    assert_int_equal((size_t)n, strlen(line));
}

static void test_format_vm_write_to_null(void **state)
{
    (void)state;
    const uint64_t mrs[] = { PD_IP, 0x0, 0, ESR_DABT_WRITE_L2 };
    char line[256];

    format_line(SEL4FT_FAULT_VM, mrs, ARRAY_SIZE(mrs), "crasher", line, sizeof(line));
    assert_memory_equal(line, "crasher: ", 9);
    assert_contains(line, "VM fault");
    assert_contains(line, "write to 0x0 ");
    assert_contains(line, "ip 0x200240");
    assert_contains(line, "translation fault, level 2");
    assert_contains(line, "EC 0x24");
    assert_contains(line, "data abort from a lower exception level");
    assert_contains(line, "FSC 0x06");
    assert_null(strstr(line, "read of"));
}

static void test_format_vm_read(void **state)
{
    (void)state;
    const uint64_t mrs[] = { PD_IP, 0xdead0000u, 0, ESR_DABT_READ_L3 };
    char line[256];

    format_line(SEL4FT_FAULT_VM, mrs, ARRAY_SIZE(mrs), "reader", line, sizeof(line));
    assert_memory_equal(line, "reader: ", 8);
    assert_contains(line, "read of 0xdead0000");
    assert_contains(line, "translation fault, level 3");
    assert_null(strstr(line, "write to"));
}

static void test_format_vm_instruction_fetch(void **state)
{
    (void)state;
    const uint64_t mrs[] = { 0x400000, 0x400000, 1, ESR_IABT_PERM_L3 };
    char line[256];

    format_line(SEL4FT_FAULT_VM, mrs, ARRAY_SIZE(mrs), "jumper", line, sizeof(line));
    assert_contains(line, "instruction fetch from 0x400000");
    assert_contains(line, "permission fault, level 3");
    assert_contains(line, "EC 0x20");
    assert_contains(line, "FSC 0x0f");
}

static void test_format_other_kinds(void **state)
{
    (void)state;
    char line[256];

    const uint64_t user[] = { PD_IP, PD_SP, 0, ESR_UNDEFINED, 0 };
    format_line(SEL4FT_FAULT_USER_EXCEPTION, user, ARRAY_SIZE(user), "pd", line, sizeof(line));
    assert_contains(line, "pd: user exception");
    assert_contains(line, "unknown reason (undefined instruction)");
    assert_contains(line, "ip 0x200240");
    assert_contains(line, "sp 0xffffff0");
    assert_contains(line, "EC 0x00");
    assert_contains(line, "ESR 0x2000000");

    uint64_t syscall[13] = { 0 };
    syscall[8] = PD_IP;
    syscall[9] = PD_SP;
    syscall[12] = 99;
    format_line(SEL4FT_FAULT_UNKNOWN_SYSCALL, syscall, ARRAY_SIZE(syscall), "pd", line, sizeof(line));
    assert_contains(line, "unknown syscall");
    assert_contains(line, "syscall 99 ");
    assert_contains(line, "ip 0x200240");
    assert_contains(line, "sp 0xffffff0");

    const uint64_t cap[] = { PD_IP, 0x42, 0, 2 };
    format_line(SEL4FT_FAULT_CAP, cap, ARRAY_SIZE(cap), "pd", line, sizeof(line));
    assert_contains(line, "cap fault");
    assert_contains(line, "capability 0x42");
    assert_contains(line, "ip 0x200240");
    assert_contains(line, "type 2");

    const uint64_t timeout[] = { 0, 5000 };
    format_line(SEL4FT_FAULT_TIMEOUT, timeout, ARRAY_SIZE(timeout), "pd", line, sizeof(line));
    assert_contains(line, "timeout fault");
    assert_contains(line, "5000");

    const uint64_t vcpu[] = { HSR_TRAPPED_MRS };
    format_line(SEL4FT_FAULT_VCPU, vcpu, ARRAY_SIZE(vcpu), "vmm", line, sizeof(line));
    assert_contains(line, "VCPU fault");
    assert_contains(line, "trapped MSR, MRS or system instruction");
    assert_contains(line, "EC 0x18");
    assert_contains(line, "ESR 0x6232c041");

    const uint64_t debug[] = { PD_IP, 3, 0x8000 };
    format_line(SEL4FT_FAULT_DEBUG, debug, ARRAY_SIZE(debug), "pd", line, sizeof(line));
    assert_contains(line, "debug exception");
    assert_contains(line, "ip 0x200240");
    assert_contains(line, "0x8000");

    const uint64_t unknown[] = { PD_IP };
    format_line(42, unknown, ARRAY_SIZE(unknown), "pd", line, sizeof(line));
    assert_contains(line, "unknown fault");
    assert_contains(line, "label 42");
}

static void test_format_null_pd_name(void **state)
{
    (void)state;
    const uint64_t mrs[] = { PD_IP, 0x0, 0, ESR_DABT_WRITE_L2 };
    char line[256];

    /* Without a name the line starts with the kind: the caller names the PD elsewhere. */
    format_line(SEL4FT_FAULT_VM, mrs, ARRAY_SIZE(mrs), NULL, line, sizeof(line));
    assert_memory_equal(line, "VM fault: write to 0x0 at ip ", 29);
}

static void test_format_truncation(void **state)
{
    (void)state;
    const uint64_t mrs[] = { PD_IP, 0x0, 0, ESR_DABT_WRITE_L2 };
    sel4ft_fault_t fault;
    char full[256];
    assert_int_equal(decode(SEL4FT_FAULT_VM, mrs, ARRAY_SIZE(mrs), &fault), 0);
    int full_length = sel4ft_fault_format(&fault, "crasher", full, sizeof(full));
    assert_int_equal(full_length, (int)strlen(full));
    assert_true(full_length > 32);

    static const size_t sizes[] = { 1, 2, 16, 32 };
    for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
        size_t size = sizes[i];
        char small[32 + 16];
        memset(small, CANARY, sizeof(small));
        assert_int_equal(sel4ft_fault_format(&fault, "crasher", small, size), full_length);
        assert_memory_equal(small, full, size - 1);
        assert_int_equal(small[size - 1], '\0');
        for (size_t j = size; j < sizeof(small); j++) {
            assert_int_equal((unsigned char)small[j], CANARY);
        }
    }

    /* Measuring only. */
    assert_int_equal(sel4ft_fault_format(&fault, "crasher", NULL, 0), full_length);
}

static void test_format_invalid_arguments(void **state)
{
    (void)state;
    char line[64];
    memset(line, CANARY, sizeof(line));
    assert_int_equal(sel4ft_fault_format(NULL, "pd", line, sizeof(line)), -SEL4FT_EINVAL);
    assert_int_equal((unsigned char)line[0], CANARY);

    sel4ft_fault_t fault;
    memset(&fault, 0, sizeof(fault));
    fault.kind = SEL4FT_FAULT_VM;
    assert_int_equal(sel4ft_fault_format(&fault, "pd", NULL, sizeof(line)), -SEL4FT_EINVAL);
}


/* Messages recorded from seL4 on both boards (recorded_faults.h) */

static void test_recorded_messages(void **state)
{
    (void)state;
    uint32_t seen[SEL4FT_FAULT_ARCH_NUM] = { 0 };

    for (size_t i = 0; i < ARRAY_SIZE(recorded_faults); i++) {
        const recorded_fault_t *r = &recorded_faults[i];
        sel4ft_fault_t fault;
        char line[256];

        assert_int_equal(decode_arch(r->arch, r->label, r->mrs, r->count, &fault), 0);
        assert_int_equal(fault.arch, r->arch);
        assert_int_equal(fault.kind, r->kind);
        assert_true(sel4ft_fault_kind_known(r->arch, fault.kind));
        assert_int_equal(fault.child, 0);
        assert_int_equal(fault.ip, r->ip);
        assert_int_equal(fault.address, r->address);
        assert_int_equal(fault.sp, r->sp);
        assert_int_equal(fault.syndrome, r->syndrome);
        assert_int_equal(fault.has_syndrome, r->syndrome != 0 || r->kind == SEL4FT_FAULT_USER_EXCEPTION ||
                                                 r->kind == SEL4FT_FAULT_VM);
        assert_int_equal(fault.detail, r->detail);
        assert_int_equal(fault.is_instruction, r->is_instruction);
        assert_int_equal(fault.is_write, r->is_write);
        /* The aarch64 words only on aarch64, and then the ESR is the syndrome. */
        if (r->arch == SEL4FT_FAULT_ARCH_AARCH64) {
            assert_int_equal(fault.has_esr, fault.has_syndrome);
            assert_int_equal(fault.esr, fault.syndrome);
        } else {
            assert_false(fault.has_esr);
            assert_int_equal(fault.esr, 0);
            assert_int_equal(fault.exception_class, 0);
            assert_int_equal(fault.status_code, 0);
        }
        int n = sel4ft_fault_format(&fault, NULL, line, sizeof(line));
        assert_int_equal((size_t)n, strlen(line));
        assert_string_equal(line, r->text);
        seen[r->arch]++;
    }
    /* Both architectures, every kind the faulter raises. */
    assert_int_equal(seen[SEL4FT_FAULT_ARCH_AARCH64], 9);
    assert_int_equal(seen[SEL4FT_FAULT_ARCH_RISCV64], 9);
}

static void test_decode_follows_the_port(void **state)
{
    (void)state;
    /* sel4ft_fault_decode() decodes for sel4ft_os_fault_arch(): on Linux the hooks say which (aarch64 unless set). */
    const recorded_fault_t *riscv = &recorded_faults[0];
    sel4ft_fault_t fault;

    assert_int_equal(riscv->arch, SEL4FT_FAULT_ARCH_RISCV64);
    assert_int_equal(sel4ft_os_fault_arch(), SEL4FT_FAULT_ARCH_AARCH64);
    assert_int_equal(decode(riscv->label, riscv->mrs, riscv->count, &fault), 0);
    assert_int_equal(fault.arch, SEL4FT_FAULT_ARCH_AARCH64);
    assert_false(fault.is_write); /* 0x7 is no data abort syndrome */

    sel4ft_os_linux_hooks_t hooks = { .fault_arch = SEL4FT_FAULT_ARCH_RISCV64 };
    sel4ft_os_linux_set_hooks(&hooks);
    assert_int_equal(sel4ft_os_fault_arch(), SEL4FT_FAULT_ARCH_RISCV64);
    assert_int_equal(decode(riscv->label, riscv->mrs, riscv->count, &fault), 0);
    assert_int_equal(fault.arch, SEL4FT_FAULT_ARCH_RISCV64);
    assert_true(fault.is_write);
    assert_int_equal(fault.syndrome, 0x7);
    sel4ft_os_linux_set_hooks(NULL);
}

static void test_decode_arch_invalid(void **state)
{
    (void)state;
    const uint64_t mrs[] = { PD_IP, 0, 0, 7 };
    sel4ft_fault_t fault;

    static const uint32_t archs[] = { SEL4FT_FAULT_ARCH_NUM, 7, UINT32_MAX };
    for (size_t i = 0; i < ARRAY_SIZE(archs); i++) {
        memset(&fault, CANARY, sizeof(fault));
        assert_int_equal(sel4ft_fault_decode_arch(archs[i], SEL4FT_FAULT_VM, mrs, 4, &fault), -SEL4FT_EINVAL);
        /* Left alone. */
        for (size_t j = 0; j < sizeof(fault); j++) {
            assert_int_equal(((unsigned char *)&fault)[j], CANARY);
        }
    }
    assert_int_equal(sel4ft_fault_decode_arch(SEL4FT_FAULT_ARCH_RISCV64, SEL4FT_FAULT_VM, NULL, 1, &fault),
                     -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_fault_decode_arch(SEL4FT_FAULT_ARCH_RISCV64, SEL4FT_FAULT_VM, mrs, 4, NULL),
                     -SEL4FT_EINVAL);
    assert_string_equal(sel4ft_fault_arch_str(SEL4FT_FAULT_ARCH_AARCH64), "aarch64");
    assert_string_equal(sel4ft_fault_arch_str(SEL4FT_FAULT_ARCH_RISCV64), "riscv64");
    assert_string_equal(sel4ft_fault_arch_str(SEL4FT_FAULT_ARCH_NUM), "unknown architecture");
}

static void test_riscv64_labels_of_aarch64_only(void **state)
{
    (void)state;
    /* No hardware debug API or virtualisation faults in the riscv64 kernels: labels 4, 7, 8, 9 are unknown there. */
    const uint64_t mrs[] = { PD_IP, 0x1234, 1, 7, 5 };
    static const uint32_t labels[] = { SEL4FT_FAULT_DEBUG, SEL4FT_FAULT_VGIC_MAINTENANCE, SEL4FT_FAULT_VCPU,
                                       SEL4FT_FAULT_VPPI, SEL4FT_FAULT_NULL, SEL4FT_FAULT_KIND_NUM, 42 };
    for (size_t i = 0; i < ARRAY_SIZE(labels); i++) {
        sel4ft_fault_t fault;
        char line[128];

        assert_int_equal(decode_arch(SEL4FT_FAULT_ARCH_RISCV64, labels[i], mrs, ARRAY_SIZE(mrs), &fault),
                         -SEL4FT_EBADMSG);
        assert_int_equal(fault.kind, labels[i]);
        assert_int_equal(fault.arch, SEL4FT_FAULT_ARCH_RISCV64);
        assert_int_equal(fault.ip, 0);
        assert_int_equal(fault.detail, 0);
        assert_int_equal(fault.syndrome, 0);
        assert_false(fault.has_syndrome);
        assert_false(sel4ft_fault_kind_known(SEL4FT_FAULT_ARCH_RISCV64, labels[i]));
        sel4ft_fault_format(&fault, NULL, line, sizeof(line));
        char expected[128];
        snprintf(expected, sizeof(expected), "%s (label %u) at ip 0x0, detail 0x0",
                 labels[i] == SEL4FT_FAULT_NULL ? "null fault" : "unknown fault", labels[i]);
        assert_string_equal(line, expected);
    }
    /* The kinds both share, and aarch64's own. */
    for (uint32_t kind = 1; kind < SEL4FT_FAULT_KIND_NUM; kind++) {
        assert_true(sel4ft_fault_kind_known(SEL4FT_FAULT_ARCH_AARCH64, kind));
        bool shared = kind == SEL4FT_FAULT_CAP || kind == SEL4FT_FAULT_UNKNOWN_SYSCALL ||
                      kind == SEL4FT_FAULT_USER_EXCEPTION || kind == SEL4FT_FAULT_TIMEOUT || kind == SEL4FT_FAULT_VM;
        assert_int_equal(sel4ft_fault_kind_known(SEL4FT_FAULT_ARCH_RISCV64, kind), shared);
        assert_false(sel4ft_fault_kind_known(SEL4FT_FAULT_ARCH_NUM, kind));
    }
    assert_false(sel4ft_fault_kind_known(SEL4FT_FAULT_ARCH_AARCH64, SEL4FT_FAULT_NULL));
}

static void test_riscv64_access_from_the_cause(void **state)
{
    (void)state;
    sel4ft_fault_t fault;

    /* VM faults: the store cause is a write, the load cause a read; the prefetch flag wins over both. */
    const uint64_t store[] = { PD_IP, 0x8, 0, 7 };
    assert_int_equal(decode_arch(SEL4FT_FAULT_ARCH_RISCV64, SEL4FT_FAULT_VM, store, 4, &fault), 0);
    assert_true(fault.is_write);
    assert_false(fault.is_instruction);
    const uint64_t store_page[] = { PD_IP, 0x8, 0, 15 };
    assert_int_equal(decode_arch(SEL4FT_FAULT_ARCH_RISCV64, SEL4FT_FAULT_VM, store_page, 4, &fault), 0);
    assert_true(fault.is_write);
    assert_string_equal(sel4ft_fault_cause_str(&fault), "store/AMO page fault");
    const uint64_t prefetch[] = { PD_IP, PD_IP, 1, 7 };
    assert_int_equal(decode_arch(SEL4FT_FAULT_ARCH_RISCV64, SEL4FT_FAULT_VM, prefetch, 4, &fault), 0);
    assert_true(fault.is_instruction);
    assert_false(fault.is_write);

    /* User exceptions: a misaligned store is a write, a misaligned fetch an instruction access, the rest neither. */
    const uint64_t misaligned_store[] = { PD_IP, PD_SP, 6, 0 };
    assert_int_equal(decode_arch(SEL4FT_FAULT_ARCH_RISCV64, SEL4FT_FAULT_USER_EXCEPTION, misaligned_store, 4, &fault),
                     0);
    assert_true(fault.is_write);
    assert_false(fault.is_instruction);
    assert_int_equal(fault.address, 0); /* the kernel sends no stval with a user exception */
    const uint64_t misaligned_fetch[] = { PD_IP, PD_SP, 0, 0 };
    assert_int_equal(decode_arch(SEL4FT_FAULT_ARCH_RISCV64, SEL4FT_FAULT_USER_EXCEPTION, misaligned_fetch, 4, &fault),
                     0);
    assert_true(fault.is_instruction);
    assert_false(fault.is_write);
    assert_true(fault.has_syndrome);
    assert_int_equal(fault.syndrome, 0);
    assert_string_equal(sel4ft_fault_cause_str(&fault), "instruction address misaligned");
    const uint64_t illegal[] = { PD_IP, PD_SP, 2, 9 };
    assert_int_equal(decode_arch(SEL4FT_FAULT_ARCH_RISCV64, SEL4FT_FAULT_USER_EXCEPTION, illegal, 4, &fault), 0);
    assert_false(fault.is_instruction);
    assert_false(fault.is_write);
    assert_int_equal(fault.detail, 9);
}

static void test_riscv64_missing_registers(void **state)
{
    (void)state;
    const uint64_t vm[] = { PD_IP, 0x1000, 0, 7 };
    for (uint32_t count = 0; count <= ARRAY_SIZE(vm); count++) {
        sel4ft_fault_t fault;
        assert_int_equal(decode_arch(SEL4FT_FAULT_ARCH_RISCV64, SEL4FT_FAULT_VM, vm, count, &fault), 0);
        assert_int_equal(fault.ip, register_or_zero(vm, count, 0));
        assert_int_equal(fault.address, register_or_zero(vm, count, 1));
        assert_int_equal(fault.syndrome, register_or_zero(vm, count, 3));
        assert_int_equal(fault.is_write, count == 4);
    }
    const uint64_t user[] = { PD_IP, PD_SP, 3, 1 };
    for (uint32_t count = 0; count <= ARRAY_SIZE(user); count++) {
        sel4ft_fault_t fault;
        assert_int_equal(decode_arch(SEL4FT_FAULT_ARCH_RISCV64, SEL4FT_FAULT_USER_EXCEPTION, user, count, &fault), 0);
        assert_int_equal(fault.ip, register_or_zero(user, count, 0));
        assert_int_equal(fault.sp, register_or_zero(user, count, 1));
        assert_int_equal(fault.syndrome, register_or_zero(user, count, 2));
        assert_int_equal(fault.detail, register_or_zero(user, count, 3));
    }
    uint64_t syscall[11];
    for (uint32_t i = 0; i < ARRAY_SIZE(syscall); i++) {
        syscall[i] = 0xa000 + i;
    }
    for (uint32_t count = 0; count <= ARRAY_SIZE(syscall); count++) {
        sel4ft_fault_t fault;
        assert_int_equal(
            decode_arch(SEL4FT_FAULT_ARCH_RISCV64, SEL4FT_FAULT_UNKNOWN_SYSCALL, syscall, count, &fault), 0);
        assert_int_equal(fault.ip, register_or_zero(syscall, count, 0));
        assert_int_equal(fault.sp, register_or_zero(syscall, count, 1));
        assert_int_equal(fault.detail, register_or_zero(syscall, count, 10));
    }
    const uint64_t timeout[] = { 3, 777 };
    sel4ft_fault_t fault;
    assert_int_equal(decode_arch(SEL4FT_FAULT_ARCH_RISCV64, SEL4FT_FAULT_TIMEOUT, timeout, 2, &fault), 0);
    assert_int_equal(fault.detail, 777);
    assert_false(fault.has_syndrome);
}

static void test_scause_str(void **state)
{
    (void)state;
    static const char *const names[20] = {
        [0] = "instruction address misaligned", [1] = "instruction access fault", [2] = "illegal instruction",
        [3] = "breakpoint", [4] = "load address misaligned", [5] = "load access fault",
        [6] = "store/AMO address misaligned", [7] = "store/AMO access fault", [8] = "environment call from U-mode",
        [9] = "environment call from S-mode", [11] = "environment call from M-mode", [12] = "instruction page fault",
        [13] = "load page fault", [15] = "store/AMO page fault", [18] = "software check",
        [19] = "hardware error",
    };
    for (uint64_t code = 0; code < ARRAY_SIZE(names); code++) {
        assert_string_equal(sel4ft_fault_scause_str(code), names[code] != NULL ? names[code] : "reserved exception code");
    }
    static const uint64_t reserved[] = { 10, 14, 17, 20, 24, 63, 64, UINT32_MAX, (1ull << 63) - 1 };
    for (size_t i = 0; i < ARRAY_SIZE(reserved); i++) {
        assert_string_equal(sel4ft_fault_scause_str(reserved[i]), "reserved exception code");
    }
    /* Interrupts are never faults. */
    assert_string_equal(sel4ft_fault_scause_str(1ull << 63), "interrupt (not an exception)");
    assert_string_equal(sel4ft_fault_scause_str((1ull << 63) | 5), "interrupt (not an exception)");
}

static void test_cause_str(void **state)
{
    (void)state;
    sel4ft_fault_t fault;

    /* riscv64: a VM fault's folded code reads as both, a user exception's as the code's own name. */
    const uint64_t load[] = { PD_IP, 0x10, 0, 5 };
    assert_int_equal(decode_arch(SEL4FT_FAULT_ARCH_RISCV64, SEL4FT_FAULT_VM, load, 4, &fault), 0);
    assert_string_equal(sel4ft_fault_cause_str(&fault), "load page or access fault");
    const uint64_t user_load[] = { PD_IP, PD_SP, 5, 0 };
    assert_int_equal(decode_arch(SEL4FT_FAULT_ARCH_RISCV64, SEL4FT_FAULT_USER_EXCEPTION, user_load, 4, &fault), 0);
    assert_string_equal(sel4ft_fault_cause_str(&fault), "load access fault");
    /* aarch64: the exception class. */
    const uint64_t abort[] = { PD_IP, 0, 0, ESR_DABT_WRITE_L2 };
    assert_int_equal(decode_arch(SEL4FT_FAULT_ARCH_AARCH64, SEL4FT_FAULT_VM, abort, 4, &fault), 0);
    assert_string_equal(sel4ft_fault_cause_str(&fault), "data abort from a lower exception level");
    /* No cause: cap faults, timeouts, nothing at all. */
    const uint64_t cap[] = { PD_IP, 0x42, 0, 2 };
    assert_int_equal(decode_arch(SEL4FT_FAULT_ARCH_RISCV64, SEL4FT_FAULT_CAP, cap, 4, &fault), 0);
    assert_string_equal(sel4ft_fault_cause_str(&fault), "no cause reported");
    assert_string_equal(sel4ft_fault_cause_str(NULL), "no cause reported");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_vm_write_to_null),
        cmocka_unit_test(test_decode_vm_read),
        cmocka_unit_test(test_decode_vm_write_same_level),
        cmocka_unit_test(test_decode_vm_instruction_fetch),
        cmocka_unit_test(test_decode_vm_write_bit_only_for_data_aborts),
        cmocka_unit_test(test_decode_user_exception),
        cmocka_unit_test(test_decode_unknown_syscall),
        cmocka_unit_test(test_decode_cap_fault),
        cmocka_unit_test(test_decode_timeout),
        cmocka_unit_test(test_decode_vcpu),
        cmocka_unit_test(test_decode_debug),
        cmocka_unit_test(test_decode_virtual_machine_events),
        cmocka_unit_test(test_decode_unknown_label),
        cmocka_unit_test(test_decode_null_label),
        cmocka_unit_test(test_decode_wide_label),
        cmocka_unit_test(test_decode_clears_previous_contents),
        cmocka_unit_test(test_missing_registers_vm),
        cmocka_unit_test(test_missing_registers_user_exception),
        cmocka_unit_test(test_missing_registers_unknown_syscall),
        cmocka_unit_test(test_missing_registers_other_kinds),
        cmocka_unit_test(test_decode_no_registers),
        cmocka_unit_test(test_decode_invalid_arguments),
        cmocka_unit_test(test_status_str_all_codes),
        cmocka_unit_test(test_status_str_known),
        cmocka_unit_test(test_status_str_out_of_range),
        cmocka_unit_test(test_exception_class_str_all_codes),
        cmocka_unit_test(test_exception_class_str_known),
        cmocka_unit_test(test_exception_class_str_out_of_range),
        cmocka_unit_test(test_kind_str),
        cmocka_unit_test(test_format_vm_write_to_null),
        cmocka_unit_test(test_format_vm_read),
        cmocka_unit_test(test_format_vm_instruction_fetch),
        cmocka_unit_test(test_format_other_kinds),
        cmocka_unit_test(test_format_null_pd_name),
        cmocka_unit_test(test_format_truncation),
        cmocka_unit_test(test_format_invalid_arguments),
        cmocka_unit_test(test_recorded_messages),
        cmocka_unit_test(test_decode_follows_the_port),
        cmocka_unit_test(test_decode_arch_invalid),
        cmocka_unit_test(test_riscv64_labels_of_aarch64_only),
        cmocka_unit_test(test_riscv64_access_from_the_cause),
        cmocka_unit_test(test_riscv64_missing_registers),
        cmocka_unit_test(test_scause_str),
        cmocka_unit_test(test_cause_str),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
