/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* The Microkit backend of <sel4ft/os.h>: chosen by putting lib/port/microkit/include on the include path (an
 * installed library puts this file at <sel4ft/port.h>). Include <sel4ft/os.h>, not this file. The hot calls are
 * the libmicrokit calls themselves; the rest is in lib/port/microkit/. */

#include <microkit.h>

#include <sel4ft/fault.h>

#define SEL4FT_PORT_NAME "microkit"

/* The message tag is Microkit's own: PDs pass and return it unchanged. */
typedef microkit_msginfo sel4ft_msginfo_t;

static inline sel4ft_msginfo_t sel4ft_msginfo_new(uint64_t label, uint32_t count)
{
    return microkit_msginfo_new(label, (seL4_Uint16)count);
}

static inline uint64_t sel4ft_msginfo_label(sel4ft_msginfo_t message)
{
    return microkit_msginfo_get_label(message);
}

static inline uint32_t sel4ft_msginfo_count(sel4ft_msginfo_t message)
{
    return (uint32_t)microkit_msginfo_get_count(message);
}

static inline bool sel4ft_msginfo_matches(sel4ft_msginfo_t message, uint64_t label, uint32_t count)
{
    return message.words[0] == sel4ft_msginfo_new(label, count).words[0];
}

/* A tag's word holds the label from bit 12 up, then the capability fields, then the count (bits 0-6). */
static inline bool sel4ft_msginfo_matches_upper(sel4ft_msginfo_t message, uint64_t upper, uint32_t shift,
                                                uint32_t count)
{
    uint64_t ignored = ((1ull << shift) - 1) << 12;
    return (message.words[0] & ~ignored) == ((upper << (shift + 12)) | count);
}

static inline void sel4ft_os_notify(sel4ft_channel_t ch)
{
    microkit_notify(ch);
}

static inline sel4ft_msginfo_t sel4ft_os_ppcall(sel4ft_channel_t ch, sel4ft_msginfo_t msg)
{
    return microkit_ppcall(ch, msg);
}

static inline void sel4ft_os_mr_set(uint32_t index, uint64_t value)
{
    if (index < SEL4FT_OS_MAX_MRS) {
        microkit_mr_set((seL4_Uint8)index, value);
    }
}

static inline uint64_t sel4ft_os_mr_get(uint32_t index)
{
    return index < SEL4FT_OS_MAX_MRS ? microkit_mr_get((seL4_Uint8)index) : 0;
}

/* The inline copy, per architecture. */
#if defined(__aarch64__)
/* Load/store pairs of general registers when both sides are 8-byte aligned (PDs build with -mstrict-align, and GCC
 * does not pair the accesses itself then): 64 bytes an iteration with post-indexed pairs, then 16, 8, then bytes;
 * bytes only when a side is not aligned. Four registers, few enough that a caller keeps its own values in
 * caller-saved ones. Written out, also so that no loop is turned into a call. lib/freestanding.c's memcpy is this. */
static inline void sel4ft_os_copy(void *destination, const void *source, size_t length)
{
    unsigned char *d = (unsigned char *)destination;
    const unsigned char *s = (const unsigned char *)source;
    uint64_t a, b, c, e;

    if (length == 0) {
        return;
    }
    if ((((uintptr_t)d | (uintptr_t)s) & 7) == 0 && length >= 8) {
        size_t blocks = length / 64;
        if (blocks != 0) {
            __asm__ volatile("1:\n"
                             "ldp %[a], %[b], [%[s]], #16\n"
                             "ldp %[c], %[e], [%[s]], #16\n"
                             "stp %[a], %[b], [%[d]], #16\n"
                             "stp %[c], %[e], [%[d]], #16\n"
                             "ldp %[a], %[b], [%[s]], #16\n"
                             "ldp %[c], %[e], [%[s]], #16\n"
                             "stp %[a], %[b], [%[d]], #16\n"
                             "stp %[c], %[e], [%[d]], #16\n"
                             "subs %[n], %[n], #1\n"
                             "b.ne 1b\n"
                             : [a] "=&r"(a), [b] "=&r"(b), [c] "=&r"(c), [e] "=&r"(e), [s] "+r"(s), [d] "+r"(d),
                               [n] "+r"(blocks)
                             :
                             : "cc", "memory");
            length &= 63;
            if (length == 0) {
                return;
            }
        }
        size_t pairs = length / 16;
        if (pairs != 0) {
            __asm__ volatile("1:\n"
                             "ldp %[a], %[b], [%[s]], #16\n"
                             "stp %[a], %[b], [%[d]], #16\n"
                             "subs %[n], %[n], #1\n"
                             "b.ne 1b\n"
                             : [a] "=&r"(a), [b] "=&r"(b), [s] "+r"(s), [d] "+r"(d), [n] "+r"(pairs)
                             :
                             : "cc", "memory");
        }
        if ((length & 8) != 0) {
            __asm__ volatile("ldr %[a], [%[s]], #8\n"
                             "str %[a], [%[d]], #8\n"
                             : [a] "=&r"(a), [s] "+r"(s), [d] "+r"(d)
                             :
                             : "memory");
        }
        length &= 7;
        if (length == 0) {
            return;
        }
    }
    __asm__ volatile("1:\n"
                     "ldrb %w[a], [%[s]], #1\n"
                     "strb %w[a], [%[d]], #1\n"
                     "subs %[n], %[n], #1\n"
                     "b.ne 1b\n"
                     : [a] "=&r"(a), [s] "+r"(s), [d] "+r"(d), [n] "+r"(length)
                     :
                     : "cc", "memory");
}
#elif defined(__riscv) && __riscv_xlen == 64
/* Doublewords when both sides are 8-byte aligned: 32 bytes an iteration in four registers, then 8 at a time, then
 * bytes; bytes only when a side is not aligned (a misaligned access may trap on RISC-V). Written out, as on aarch64,
 * so that no loop is turned into a call. lib/freestanding.c's memcpy is this. */
static inline void sel4ft_os_copy(void *destination, const void *source, size_t length)
{
    unsigned char *d = (unsigned char *)destination;
    const unsigned char *s = (const unsigned char *)source;
    uint64_t a, b, c, e;

    if (length == 0) {
        return;
    }
    if ((((uintptr_t)d | (uintptr_t)s) & 7) == 0 && length >= 8) {
        size_t blocks = length / 32;
        if (blocks != 0) {
            __asm__ volatile("1:\n"
                             "ld %[a], 0(%[s])\n"
                             "ld %[b], 8(%[s])\n"
                             "ld %[c], 16(%[s])\n"
                             "ld %[e], 24(%[s])\n"
                             "sd %[a], 0(%[d])\n"
                             "sd %[b], 8(%[d])\n"
                             "sd %[c], 16(%[d])\n"
                             "sd %[e], 24(%[d])\n"
                             "addi %[s], %[s], 32\n"
                             "addi %[d], %[d], 32\n"
                             "addi %[n], %[n], -1\n"
                             "bnez %[n], 1b\n"
                             : [a] "=&r"(a), [b] "=&r"(b), [c] "=&r"(c), [e] "=&r"(e), [s] "+r"(s), [d] "+r"(d),
                               [n] "+r"(blocks)
                             :
                             : "memory");
            length &= 31;
        }
        size_t words = length / 8;
        if (words != 0) {
            __asm__ volatile("1:\n"
                             "ld %[a], 0(%[s])\n"
                             "sd %[a], 0(%[d])\n"
                             "addi %[s], %[s], 8\n"
                             "addi %[d], %[d], 8\n"
                             "addi %[n], %[n], -1\n"
                             "bnez %[n], 1b\n"
                             : [a] "=&r"(a), [s] "+r"(s), [d] "+r"(d), [n] "+r"(words)
                             :
                             : "memory");
        }
        length &= 7;
        if (length == 0) {
            return;
        }
    }
    __asm__ volatile("1:\n"
                     "lbu %[a], 0(%[s])\n"
                     "sb %[a], 0(%[d])\n"
                     "addi %[s], %[s], 1\n"
                     "addi %[d], %[d], 1\n"
                     "addi %[n], %[n], -1\n"
                     "bnez %[n], 1b\n"
                     : [a] "=&r"(a), [s] "+r"(s), [d] "+r"(d), [n] "+r"(length)
                     :
                     : "memory");
}
#else
#error "sel4ft's Microkit port: sel4ft_os_copy() has no version for this architecture"
#endif

static inline void sel4ft_os_irq_ack(sel4ft_channel_t ch)
{
    microkit_irq_ack(ch);
}

/* The counter, per architecture; the rest of what differs between boards (the entry point and stack top the tool
 * gives every PD, the UART, the timer) is in lib/port/microkit/board/<board>.c, which the build chooses. */
#if defined(__aarch64__)
static inline uint64_t sel4ft_os_ticks(void)
{
    uint64_t ticks;
    /* The ISB keeps the counter read from being hoisted above earlier instructions. */
    __asm__ volatile("isb; mrs %0, cntpct_el0" : "=r"(ticks) : : "memory");
    return ticks;
}

static inline uint64_t sel4ft_os_tick_hz(void)
{
    uint64_t hz;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(hz));
    return hz;
}

/* The kernel's fault messages carry the ESR. */
static inline uint32_t sel4ft_os_fault_arch(void)
{
    return SEL4FT_FAULT_ARCH_AARCH64;
}
#elif defined(__riscv) && __riscv_xlen == 64
static inline uint64_t sel4ft_os_ticks(void)
{
    uint64_t ticks;
    /* The time CSR: OpenSBI lets user mode read it (scounteren.TM) and seL4 leaves that alone. The memory clobber
     * keeps the read in program order against the loads and stores around it. */
    __asm__ volatile("rdtime %0" : "=r"(ticks) : : "memory");
    return ticks;
}

/* No CSR holds the rate (the device tree's timebase-frequency does): the board file knows it. */
uint64_t sel4ft_os_tick_hz(void);

/* The kernel's fault messages carry the exception code (scause). */
static inline uint32_t sel4ft_os_fault_arch(void)
{
    return SEL4FT_FAULT_ARCH_RISCV64;
}
#else
#error "the sel4ft Microkit port supports aarch64 and riscv64 only"
#endif
