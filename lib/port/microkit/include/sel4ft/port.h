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
