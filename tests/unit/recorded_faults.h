/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* Fault messages recorded from seL4 (Microkit 2.0.1, debug config) in QEMU: the port test (tests/port) on each
 * board, whose probe prints every fault message of its child, the faulter, as the kernel sent it (`recorded
 * step=... label=... mrs=...`), before decoding it. Each entry: what the faulter did, the message, and what the
 * decoder must make of it. To record them again: make qemu EXAMPLE=port MICROKIT_BOARD=<board>. */

#include <stdbool.h>
#include <stdint.h>

#include <sel4ft/fault.h>

typedef struct recorded_fault {
    const char *step;       /* what the faulter did (tests/port/port_status.h) */
    uint32_t arch;          /* sel4ft_fault_arch_t */
    uint64_t label;
    uint32_t count;
    uint64_t mrs[16];
    /* What the decoder must find. */
    uint32_t kind;
    uint64_t ip;
    uint64_t address;
    uint64_t sp;
    uint64_t syndrome;
    uint64_t detail;
    bool is_instruction;
    bool is_write;
    const char *text;       /* sel4ft_fault_format() without a PD name */
} recorded_fault_t;

#define RV SEL4FT_FAULT_ARCH_RISCV64
#define A64 SEL4FT_FAULT_ARCH_AARCH64

static const recorded_fault_t recorded_faults[] = {
    /* qemu_virt_riscv64. A VM fault's FSR is the exception code, folded by the kernel into 1, 5 or 7 (page and
     * access faults alike); a user exception's Number is scause and its Code 0. */
    { "write_null", RV, 6, 4, { 0x2001d0, 0x0, 0x0, 0x7 },
      SEL4FT_FAULT_VM, 0x2001d0, 0x0, 0, 0x7, 0, false, true,
      "VM fault: write to 0x0 at ip 0x2001d0: store/AMO page or access fault [scause 0x7]" },
    { "read_unmapped", RV, 6, 4, { 0x2001ca, 0x10000000, 0x0, 0x5 },
      SEL4FT_FAULT_VM, 0x2001ca, 0x10000000, 0, 0x5, 0, false, false,
      "VM fault: read of 0x10000000 at ip 0x2001ca: load page or access fault [scause 0x5]" },
    { "fetch_null", RV, 6, 4, { 0x0, 0x0, 0x1, 0x1 },
      SEL4FT_FAULT_VM, 0x0, 0x0, 0, 0x1, 0, true, false,
      "VM fault: instruction fetch from 0x0 at ip 0x0: instruction page or access fault [scause 0x1]" },
    { "write_readonly", RV, 6, 4, { 0x2001bc, 0x6000000, 0x0, 0x7 },
      SEL4FT_FAULT_VM, 0x2001bc, 0x6000000, 0, 0x7, 0, false, true,
      "VM fault: write to 0x6000000 at ip 0x2001bc: store/AMO page or access fault [scause 0x7]" },
    { "undefined", RV, 3, 4, { 0x2001b2, 0x3fffffef30, 0x2, 0x0 },
      SEL4FT_FAULT_USER_EXCEPTION, 0x2001b2, 0, 0x3fffffef30, 0x2, 0, false, false,
      "user exception: illegal instruction at ip 0x2001b2, sp 0x3fffffef30 [scause 0x2]" },
    { "breakpoint", RV, 3, 4, { 0x200270, 0x3fffffef30, 0x3, 0x0 },
      SEL4FT_FAULT_USER_EXCEPTION, 0x200270, 0, 0x3fffffef30, 0x3, 0, false, false,
      "user exception: breakpoint at ip 0x200270, sp 0x3fffffef30 [scause 0x3]" },
    /* QEMU reports a misaligned AMO as a misaligned load. */
    { "misaligned_atomic", RV, 3, 4, { 0x2001ac, 0x3fffffef30, 0x4, 0x0 },
      SEL4FT_FAULT_USER_EXCEPTION, 0x2001ac, 0, 0x3fffffef30, 0x4, 0, false, false,
      "user exception: load address misaligned at ip 0x2001ac, sp 0x3fffffef30 [scause 0x4]" },
    { "cap_fault", RV, 1, 4, { 0x20017c, 0x4000000000000000, 0x0, 0x1 },
      SEL4FT_FAULT_CAP, 0x20017c, 0x4000000000000000, 0, 0, 1, false, false,
      "cap fault: invoked capability 0x4000000000000000 at ip 0x20017c (lookup failure type 1)" },
    /* FaultIP, SP, RA, A0..A6, then the syscall number. */
    { "unknown_syscall", RV, 2, 11,
      { 0x20010c, 0x3fffffef30, 0x200042, 0x13, 0x0, 0x9, 0x5e14f8, 0x201008, 0x200108, 0x7000000, 0x2a },
      SEL4FT_FAULT_UNKNOWN_SYSCALL, 0x20010c, 0, 0x3fffffef30, 0, 42, false, false,
      "unknown syscall: syscall 42 at ip 0x20010c, sp 0x3fffffef30" },

    /* qemu_virt_aarch64. A VM fault's FSR is the ESR; a user exception carries SPSR, then the ESR and 0. */
    { "write_null", A64, 6, 4, { 0x2001b8, 0x0, 0x0, 0x93d78046 },
      SEL4FT_FAULT_VM, 0x2001b8, 0x0, 0, 0x93d78046, 0, false, true,
      "VM fault: write to 0x0 at ip 0x2001b8: translation fault, level 2 [EC 0x24 data abort from a lower "
      "exception level, FSC 0x06]" },
    { "read_unmapped", A64, 6, 4, { 0x2001ac, 0x10000000, 0x0, 0x93c08006 },
      SEL4FT_FAULT_VM, 0x2001ac, 0x10000000, 0, 0x93c08006, 0, false, false,
      "VM fault: read of 0x10000000 at ip 0x2001ac: translation fault, level 2 [EC 0x24 data abort from a lower "
      "exception level, FSC 0x06]" },
    { "fetch_null", A64, 6, 4, { 0x0, 0x0, 0x1, 0x82000006 },
      SEL4FT_FAULT_VM, 0x0, 0x0, 0, 0x82000006, 0, true, false,
      "VM fault: instruction fetch from 0x0 at ip 0x0: translation fault, level 2 [EC 0x20 instruction abort "
      "from a lower exception level, FSC 0x06]" },
    { "write_readonly", A64, 6, 4, { 0x20016c, 0x6000000, 0x0, 0x93d7804f },
      SEL4FT_FAULT_VM, 0x20016c, 0x6000000, 0, 0x93d7804f, 0, false, true,
      "VM fault: write to 0x6000000 at ip 0x20016c: permission fault, level 3 [EC 0x24 data abort from a lower "
      "exception level, FSC 0x0f]" },
    { "undefined", A64, 3, 5, { 0x200198, 0xffffffff60, 0x60000040, 0x2000000, 0x0 },
      SEL4FT_FAULT_USER_EXCEPTION, 0x200198, 0, 0xffffffff60, 0x2000000, 0, false, false,
      "user exception: unknown reason (undefined instruction) at ip 0x200198, sp 0xffffffff60 [EC 0x00, ESR "
      "0x2000000]" },
    /* BRK reaches the hypervisor-mode kernel as a VCPU fault: the HSR only. */
    { "breakpoint", A64, 8, 1, { 0xf20003e8 },
      SEL4FT_FAULT_VCPU, 0, 0, 0, 0xf20003e8, 0, false, false,
      "VCPU fault: BRK instruction [EC 0x3c, ESR 0xf20003e8]" },
    /* The exclusive load of the atomic add faults first: an alignment fault on a read. */
    { "misaligned_atomic", A64, 6, 4, { 0x2002ac, 0x2010b1, 0x0, 0x92000021 },
      SEL4FT_FAULT_VM, 0x2002ac, 0x2010b1, 0, 0x92000021, 0, false, false,
      "VM fault: read of 0x2010b1 at ip 0x2002ac: alignment fault [EC 0x24 data abort from a lower exception "
      "level, FSC 0x21]" },
    { "cap_fault", A64, 1, 4, { 0x2001f0, 0x4000000000000000, 0x0, 0x1 },
      SEL4FT_FAULT_CAP, 0x2001f0, 0x4000000000000000, 0, 0, 1, false, false,
      "cap fault: invoked capability 0x4000000000000000 at ip 0x2001f0 (lookup failure type 1)" },
    /* X0..X7, FaultIP, SP, LR, SPSR, then the syscall number. */
    { "unknown_syscall", A64, 2, 13,
      { 0x8, 0x0, 0x9, 0x201000, 0x300, 0x6, 0x2010f0, 0x2a, 0x20010c, 0xffffffff60, 0x200110, 0x60000040, 0x2a },
      SEL4FT_FAULT_UNKNOWN_SYSCALL, 0x20010c, 0, 0xffffffff60, 0, 42, false, false,
      "unknown syscall: syscall 42 at ip 0x20010c, sp 0xffffffff60" },
};

#undef RV
#undef A64
