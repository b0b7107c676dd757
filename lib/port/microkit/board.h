/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* What os_microkit.c needs from the board file the build chooses (board/<MICROKIT_BOARD>.c). A board file also
 * defines the port's timer calls, sel4ft_os_timer_use_device() and sel4ft_os_timer_set() (and, where no register
 * holds the counter's rate, sel4ft_os_tick_hz()). Never installed; names end in '_'. */

#include <microkit.h>

/* Set the registers a PD starts with, in a zeroed context: the program counter at the entry point microkit.ld
 * places `_start` at, the stack pointer at the initial stack top the Microkit tool gives every PD on this board. */
void sel4ft_board_start_context_(seL4_UserContext *context);

/* Write one byte to the board's UART, whose registers are mapped (uncached) at base; waits while it is full. */
void sel4ft_board_uart_putc_(uintptr_t base, char c);
