/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include <sel4ft/os_linux.h>

#include "port.h"

static struct {
    baseline_port_notify_t handler;
    void *context;
} routes[SEL4FT_OS_MAX_CHANNEL + 1];

static void route_notify(void *context, sel4ft_channel_t channel)
{
    (void)context;
    /* The port passes only channels up to SEL4FT_OS_MAX_CHANNEL. */
    if (routes[channel].handler != NULL) {
        routes[channel].handler(routes[channel].context, channel);
    }
}

void baseline_port_route(sel4ft_channel_t channel, baseline_port_notify_t handler, void *context)
{
    if (channel <= SEL4FT_OS_MAX_CHANNEL) {
        routes[channel].handler = handler;
        routes[channel].context = context;
        sel4ft_os_linux_hooks()->notify = route_notify;
    }
}
