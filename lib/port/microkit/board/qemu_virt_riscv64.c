/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The Microkit port on qemu_virt_riscv64: where a PD starts, the NS16550 UART, the counter's rate and the timer.
 * seL4 exports no CPU timer to user level on RISC-V (the timer compare register, stimecmp or the CLINT's
 * mtimecmp, belongs to the kernel or to OpenSBI), so the timer is the Goldfish RTC of QEMU's virt machine, as in
 * sDDF's timer driver for this board; the counter stays the time CSR, which every PD reads without a mapping.
 * doc/timers.md has the reasons and what was checked. */

#include <sel4ft/error.h>
#include <sel4ft/os.h>

#include "../board.h"

/* What the Microkit 2.0.1 tool gives every PD here: the entry point microkit.ld places `_start` at, and the
 * initial stack pointer (the tool's pd_stack_top(): seL4_UserTop for Sv39). */
#define PD_ENTRY 0x200000u
#define PD_STACK_TOP 0x3ffffff000ull

/* The time CSR's rate: QEMU virt's timebase-frequency (and seL4's TIMER_FREQUENCY for qemu-riscv-virt). */
#define TIMEBASE_HZ 10000000u
#define NS_PER_TICK (1000000000u / TIMEBASE_HZ)

/* NS16550 registers, one byte apart on QEMU virt: transmit holding (write), line status with "holding register
 * empty". */
#define NS16550_THR 0u
#define NS16550_LSR 5u
#define NS16550_LSR_THRE (1u << 5)

/* Goldfish RTC registers (32 bits each; QEMU hw/rtc/goldfish_rtc.c): the time in nanoseconds (reading the low
 * half latches the high half), the alarm (writing the low half arms it), interrupt enable, and the two clears. */
#define RTC_TIME_LOW 0x00u
#define RTC_TIME_HIGH 0x04u
#define RTC_ALARM_LOW 0x08u
#define RTC_ALARM_HIGH 0x0cu
#define RTC_IRQ_ENABLED 0x10u
#define RTC_CLEAR_ALARM 0x14u
#define RTC_CLEAR_INTERRUPT 0x1cu

/* An alarm at most this far ahead (about 36 years): QEMU keeps the expiry as a signed 64-bit nanosecond count. */
#define RTC_MAX_DELAY_NS (1ull << 60)

static uintptr_t rtc_base;

void sel4ft_board_start_context_(seL4_UserContext *context)
{
    /* seL4_UserContext starts pc, ra, sp, gp; crt0 sets gp itself. */
    context->pc = PD_ENTRY;
    context->sp = PD_STACK_TOP;
}

void sel4ft_board_uart_putc_(uintptr_t base, char c)
{
    volatile uint8_t *lsr = (volatile uint8_t *)(base + NS16550_LSR);
    volatile uint8_t *thr = (volatile uint8_t *)(base + NS16550_THR);

    while ((*lsr & NS16550_LSR_THRE) == 0) {
    }
    *thr = (uint8_t)c;
}

uint64_t sel4ft_os_tick_hz(void)
{
    return TIMEBASE_HZ;
}

static volatile uint32_t *rtc_register(uint32_t offset)
{
    return (volatile uint32_t *)(rtc_base + offset);
}

static uint64_t rtc_now_ns(void)
{
    uint32_t low = *rtc_register(RTC_TIME_LOW);
    uint32_t high = *rtc_register(RTC_TIME_HIGH);
    return ((uint64_t)high << 32) | low;
}

int sel4ft_os_timer_use_device(uintptr_t base)
{
    rtc_base = base;
    return base != 0 ? 0 : -SEL4FT_ENOTSUP;
}

int sel4ft_os_timer_set(uint64_t deadline_ticks)
{
    if (rtc_base == 0) {
        return -SEL4FT_ENOTSUP;
    }
    /* The interrupt line stays up until it is cleared: clear it first, so that a caller that moves the deadline
     * before acknowledging the IRQ (as with the aarch64 timer) is not interrupted again at once. */
    *rtc_register(RTC_CLEAR_INTERRUPT) = 1;
    if (deadline_ticks == 0) {
        *rtc_register(RTC_CLEAR_ALARM) = 1;
        return 0;
    }
    /* The deadline is in counter ticks, the alarm in the RTC's nanoseconds: arm it the same distance ahead. */
    uint64_t now_ticks = sel4ft_os_ticks();
    uint64_t now_ns = rtc_now_ns();
    uint64_t delay_ticks = deadline_ticks > now_ticks ? deadline_ticks - now_ticks : 0;
    uint64_t delay_ns = delay_ticks < RTC_MAX_DELAY_NS / NS_PER_TICK ? delay_ticks * NS_PER_TICK : RTC_MAX_DELAY_NS;
    uint64_t alarm = now_ns + delay_ns;

    *rtc_register(RTC_IRQ_ENABLED) = 1;
    *rtc_register(RTC_ALARM_HIGH) = (uint32_t)(alarm >> 32);
    /* Arms it; an alarm not after the RTC's time raises the interrupt at once. */
    *rtc_register(RTC_ALARM_LOW) = (uint32_t)alarm;
    return 0;
}
