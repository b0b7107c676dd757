/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* The tree monitor's script (script.c): the hooks through which it drives the children into every state a monitor
 * may leave them in and then fails the monitor. The monitor (monitor.c) is only its configuration. */

#include <stdbool.h>
#include <stdint.h>

#include <sel4ft/monitor.h>

/* The script's own state: the monitor's user state, checkpointed with its children's records. */
typedef struct {
    uint32_t step;
    uint32_t fail;     /* how the monitor fails itself: armed for the incarnation `armed_in` */
    uint64_t armed_in;
    uint32_t clients_done;
    uint32_t reserved;
} tree_script_t;

extern tree_script_t tree_script;
extern uintptr_t commands_page; /* tree_commands_t (tree.h) */

void tree_script_changed(sel4ft_monitor_t *monitor, uint64_t now);
void tree_script_alarm(sel4ft_monitor_t *monitor, uint64_t now);
void tree_script_at(sel4ft_monitor_t *monitor, sel4ft_monitor_point_t point);
bool tree_script_notified(sel4ft_monitor_t *monitor, sel4ft_channel_t ch, uint64_t now);
