/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include <sel4ft/error.h>
#include <sel4ft/os_linux.h>

#include "port.h"

static struct {
    baseline_port_notify_t handler;
    void *context;
} routes[SEL4FT_OS_MAX_CHANNEL + 1];

static baseline_port_child_t restart_hook, stop_hook;
static void *children_context;

static void route_notify(void *context, sel4ft_channel_t channel)
{
    (void)context;
    /* The port passes only channels up to SEL4FT_OS_MAX_CHANNEL. */
    if (routes[channel].handler != NULL) {
        routes[channel].handler(routes[channel].context, channel);
    }
}

static int route_restart(void *context, sel4ft_child_t child)
{
    (void)context;
    return restart_hook != NULL ? restart_hook(children_context, child) : -SEL4FT_ENOTSUP;
}

static int route_stop(void *context, sel4ft_child_t child)
{
    (void)context;
    return stop_hook != NULL ? stop_hook(children_context, child) : -SEL4FT_ENOTSUP;
}

static void install(void)
{
    const sel4ft_os_linux_hooks_t hooks = { .notify = route_notify, .child_restart = route_restart, .child_stop = route_stop };
    sel4ft_os_linux_set_hooks(&hooks);
}

void baseline_port_route(sel4ft_channel_t channel, baseline_port_notify_t handler, void *context)
{
    if (channel <= SEL4FT_OS_MAX_CHANNEL) {
        routes[channel].handler = handler;
        routes[channel].context = context;
        install();
    }
}

void baseline_port_children(baseline_port_child_t restart, baseline_port_child_t stop, void *context)
{
    restart_hook = restart;
    stop_hook = stop;
    children_context = context;
    install();
}
