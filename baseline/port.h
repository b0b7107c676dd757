/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* The library's Linux port as the baseline drives it: notifications go to whoever took their channel (a log ring's
 * doorbell, a supervisor's children); the other hooks are set in place (sel4ft_os_linux_hooks()). */

#include <sel4ft/os.h>

/* The channel a process's log ring notifies its logger on (the children's channels are their ids). */
#define BASELINE_LOG_CHANNEL SEL4FT_OS_MAX_CHANNEL

typedef void (*baseline_port_notify_t)(void *context, sel4ft_channel_t channel);

/* Send sel4ft_os_notify(channel) to handler (NULL: drop it, the port's default). */
void baseline_port_route(sel4ft_channel_t channel, baseline_port_notify_t handler, void *context);
