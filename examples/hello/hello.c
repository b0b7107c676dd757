/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* One PD that prints through libsel4ft: the console goes straight to the
 * board's UART (PL011 or NS16550), so the lines appear in debug, release and benchmark configs. */

#include <microkit.h>

#include <sel4ft/sel4ft.h>

/* Set by the Microkit tool to where the UART is mapped (see hello.system). */
uintptr_t uart_base;

void init(void)
{
    sel4ft_os_console_use_uart(uart_base);

    uint64_t hz = sel4ft_os_tick_hz();
    uint64_t start = sel4ft_os_ticks();
    sel4ft_printf("%s|INFO: hello from libsel4ft %s on seL4 Microkit\n", sel4ft_os_name(), SEL4FT_VERSION_STRING);
    uint64_t elapsed = sel4ft_os_ticks() - start;

    sel4ft_printf("%s|INFO: counter runs at %lu Hz; that line took %lu ticks\n", sel4ft_os_name(),
                  (unsigned long)hz, (unsigned long)elapsed);
    sel4ft_printf("%s|INFO: done\n", sel4ft_os_name());
}

void notified(microkit_channel ch)
{
    sel4ft_printf("%s|WARN: notification on channel %u, which hello does not use\n", sel4ft_os_name(), ch);
}
