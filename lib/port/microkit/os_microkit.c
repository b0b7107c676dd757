/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The Microkit backend's out-of-line part that is the same on every board: the console, child control and the
 * writable image. What differs (the start registers, the UART, the timer) is in board/<board>.c; the restart's
 * event loop is apart, in serve_microkit.c. */

#include <sel4ft/error.h>
#include <sel4ft/os.h>

#include "board.h"

/* Microkit numbers children 0..63 (they index the parent's 64-slot TCB table). */
#define MAX_CHILD 63u

/* The writable image as microkit.ld lays it out: .init_array starts the data segment, .bss ends it. */
extern char __init_array_start[];
extern char _bss_end[];

static uintptr_t console_uart;

void sel4ft_os_console_write(const char *text, size_t length)
{
    for (size_t i = 0; i < length; i++) {
        if (console_uart != 0) {
            if (text[i] == '\n') {
                sel4ft_board_uart_putc_(console_uart, '\r');
            }
            sel4ft_board_uart_putc_(console_uart, text[i]);
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
    /* Every register zeroed but those a PD starts with: the new incarnation inherits nothing from the crashed
     * one. The whole context is written, so the stack pointer is set wherever the architecture keeps it (second
     * on aarch64, third on riscv64, after pc and ra). */
    seL4_UserContext context = { 0 };
    sel4ft_board_start_context_(&context);
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
