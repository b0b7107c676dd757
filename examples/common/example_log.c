/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <sel4ft/error.h>
#include <sel4ft/fmt.h>
#include <sel4ft/os.h>

#include "example_log.h"

sel4ft_logring_producer_t example_log;

void example_log_init(uintptr_t region, uintptr_t size, sel4ft_channel_t channel)
{
    int err = sel4ft_logring_producer_init(&example_log, (void *)region, size, channel);
    if (err != 0) {
        /* Without its log a PD cannot report anything: say so on the debug console and stop here. */
        sel4ft_printf("%s|ERROR: log ring at %p (%lu bytes): %s\n", sel4ft_os_name(), (void *)region,
                      (unsigned long)size, sel4ft_strerror(err));
        __builtin_trap();
    }
}
