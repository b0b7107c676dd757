/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The Microkit port on qemu_virt_aarch64: where a PD starts, the PL011 UART, the EL1 physical timer. */

#include <sel4ft/error.h>
#include <sel4ft/os.h>

#include "../board.h"

/* What the Microkit 2.0.1 tool gives every PD here: the entry point microkit.ld places `_start` at, and the
 * initial stack pointer (the tool's pd_stack_top() for aarch64 with the hypervisor and 40-bit physical
 * addresses). */
#define PD_ENTRY 0x200000u
#define PD_STACK_TOP 0x10000000000ull

/* PL011 registers (ARM DDI 0183): data, and flags with "transmit FIFO full". */
#define PL011_DR 0x000u
#define PL011_FR 0x018u
#define PL011_FR_TXFF (1u << 5)

/* EL1 physical timer control: enable, interrupt not masked. */
#define CNTP_CTL_ENABLE 1u

void sel4ft_board_start_context_(seL4_UserContext *context)
{
    context->pc = PD_ENTRY;
    context->sp = PD_STACK_TOP;
}

void sel4ft_board_uart_putc_(uintptr_t base, char c)
{
    volatile uint32_t *fr = (volatile uint32_t *)(base + PL011_FR);
    volatile uint32_t *dr = (volatile uint32_t *)(base + PL011_DR);

    while ((*fr & PL011_FR_TXFF) != 0) {
    }
    *dr = (uint32_t)(unsigned char)c;
}

int sel4ft_os_timer_use_device(uintptr_t base)
{
    /* The EL1 physical timer is a set of system registers exported to user level: there is nothing to map. */
    (void)base;
    return 0;
}

int sel4ft_os_timer_set(uint64_t deadline_ticks)
{
    if (deadline_ticks == 0) {
        __asm__ volatile("msr cntp_ctl_el0, %0; isb" : : "r"((uint64_t)0));
        return 0;
    }
    /* A new compare value drops the (level-triggered) interrupt line when the deadline is in the future. */
    __asm__ volatile("msr cntp_cval_el0, %0" : : "r"(deadline_ticks));
    __asm__ volatile("msr cntp_ctl_el0, %0; isb" : : "r"((uint64_t)CNTP_CTL_ENABLE));
    return 0;
}
