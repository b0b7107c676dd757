/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The Microkit backend's out-of-line part: the console, child control, the writable image and the timer. The
 * restart's event loop is apart, in serve_microkit.c. Board and tool facts live here and nowhere else. */

#include <sel4ft/error.h>
#include <sel4ft/os.h>

/* What the Microkit 2.0.1 tool gives every PD on aarch64: the entry point microkit.ld places `_start` at, and
 * the initial stack pointer (the tool's pd_stack_top() for this board and kernel). */
#define PD_ENTRY 0x200000u
#define PD_STACK_TOP 0x10000000000ull

/* Microkit numbers children 0..63 (they index the parent's 64-slot TCB table). */
#define MAX_CHILD 63u

/* PL011 registers (ARM DDI 0183), the UART of QEMU virt for aarch64: data, and flags with "transmit FIFO full". */
#define PL011_DR 0x000u
#define PL011_FR 0x018u
#define PL011_FR_TXFF (1u << 5)

/* The writable image as microkit.ld lays it out: .init_array starts the data segment, .bss ends it. */
extern char __init_array_start[];
extern char _bss_end[];

/* EL1 physical timer control: enable, interrupt not masked. */
#define CNTP_CTL_ENABLE 1u

static uintptr_t console_uart;

static void pl011_putc(char c)
{
    volatile uint32_t *fr = (volatile uint32_t *)(console_uart + PL011_FR);
    volatile uint32_t *dr = (volatile uint32_t *)(console_uart + PL011_DR);

    while ((*fr & PL011_FR_TXFF) != 0) {
    }
    *dr = (uint32_t)(unsigned char)c;
}

void sel4ft_os_console_write(const char *text, size_t length)
{
    for (size_t i = 0; i < length; i++) {
        if (console_uart != 0) {
            if (text[i] == '\n') {
                pl011_putc('\r');
            }
            pl011_putc(text[i]);
        } else {
            microkit_dbg_putc(text[i]);
        }
    }
}

int sel4ft_os_console_use_uart(uintptr_t base)
{
    console_uart = base;
    return 0;
}

const char *sel4ft_os_name(void)
{
    return microkit_name;
}

int sel4ft_os_child_restart(sel4ft_child_t child)
{
    if (child > MAX_CHILD) {
        return -SEL4FT_EINVAL;
    }
    /* All registers zeroed but PC and SP: the new incarnation inherits nothing from the crashed one. */
    seL4_UserContext context = { 0 };
    context.pc = PD_ENTRY;
    context.sp = PD_STACK_TOP;
    seL4_Error err = seL4_TCB_WriteRegisters(BASE_TCB_CAP + child, seL4_True, 0,
                                             sizeof(context) / sizeof(seL4_Word), &context);
    return err == seL4_NoError ? 0 : -SEL4FT_EIO;
}

int sel4ft_os_child_stop(sel4ft_child_t child)
{
    if (child > MAX_CHILD) {
        return -SEL4FT_EINVAL;
    }
    return seL4_TCB_Suspend(BASE_TCB_CAP + child) == seL4_NoError ? 0 : -SEL4FT_EIO;
}

int sel4ft_os_child_waited(sel4ft_child_t child, uint64_t *ticks)
{
    /* Microkit 2.0.1 gives a parent no scheduling context capability of its children to ask. */
    (void)child;
    (void)ticks;
    return -SEL4FT_ENOTSUP;
}

int sel4ft_os_image_writable(uintptr_t *start, size_t *size)
{
    *start = (uintptr_t)__init_array_start;
    *size = (size_t)(_bss_end - __init_array_start);
    return 0;
}

int sel4ft_os_timer_set(uint64_t deadline_ticks)
{
    if (deadline_ticks == 0) {
        __asm__ volatile("msr cntp_ctl_el0, %0; isb" : : "r"((uint64_t)0));
        return 0;
    }
    __asm__ volatile("msr cntp_cval_el0, %0" : : "r"(deadline_ticks));
    __asm__ volatile("msr cntp_ctl_el0, %0; isb" : : "r"((uint64_t)CNTP_CTL_ENABLE));
    return 0;
}
