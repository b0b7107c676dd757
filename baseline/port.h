/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* The library's Linux port as the baseline drives it: one set of hooks per process, in which notifications go
 * to whoever took their channel (a log ring's doorbell, a supervisor's children) and child restarts and stops
 * to the process's supervisor. */

#include <sel4ft/os.h>

/* The channel a process's log ring notifies its logger on (the children's channels are their ids). */
#define BASELINE_LOG_CHANNEL SEL4FT_OS_MAX_CHANNEL

typedef void (*baseline_port_notify_t)(void *context, sel4ft_channel_t channel);
typedef int (*baseline_port_child_t)(void *context, sel4ft_child_t child);

/* Send sel4ft_os_notify(channel) to handler (NULL: drop it, the port's default). */
void baseline_port_route(sel4ft_channel_t channel, baseline_port_notify_t handler, void *context);

/* Send sel4ft_os_child_restart() and sel4ft_os_child_stop() to these (NULL: -SEL4FT_ENOTSUP, the default). */
void baseline_port_children(baseline_port_child_t restart, baseline_port_child_t stop, void *context);
