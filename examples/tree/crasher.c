/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* crasher_a, crasher_b and crasher_c (one image; the name tells them apart): children of the monitor that beat
 * when it asks and carry out its script's commands (tree.h): write to NULL, or hold back "serving" after a restart
 * until released (so that the monitor can be restarted while this child is still restarting). */

#include <microkit.h>

#include <sel4ft/sel4ft.h>

#include "example_log.h"
#include "system_config.h"
#include "tree.h"

uintptr_t log_ring, log_ring_size;
uintptr_t snapshot_region, snapshot_region_size;
uintptr_t heartbeat_region;
uintptr_t commands_page;

static uint32_t me, incarnation;
static bool held;

static uint32_t command(const uint32_t *word)
{
    return __atomic_load_n(word, __ATOMIC_ACQUIRE); /* pairs with the monitor's release store */
}

void init(void)
{
    incarnation = (uint32_t)example_restart_begin(snapshot_region, snapshot_region_size, log_ring, log_ring_size,
                                                  CRASHER_IMAGE_CH_LOGGER);
    me = (uint32_t)(sel4ft_os_name()[8] - 'a');
    const tree_commands_t *commands = (const tree_commands_t *)commands_page;
    held = me < TREE_CRASHERS && command(&commands->hold[me]) == incarnation;
    LOG_INFO("incarnation %u%s", incarnation, held ? ": holding back \"serving\" until released" : "");
    if (!held) {
        microkit_notify(CRASHER_IMAGE_CH_MONITOR); /* serving (again) */
    }
}

void notified(microkit_channel ch)
{
    if (ch != CRASHER_IMAGE_CH_MONITOR || me >= TREE_CRASHERS) {
        LOG_WARN("unexpected notification on channel %u", ch);
        return;
    }
    sel4ft_heartbeat_beat((sel4ft_heartbeat_t *)heartbeat_region);
    const tree_commands_t *commands = (const tree_commands_t *)commands_page;
    if (held && command(&commands->release[me]) == incarnation) {
        held = false;
        LOG_INFO("released: serving");
        microkit_notify(CRASHER_IMAGE_CH_MONITOR);
    }
    if (command(&commands->fault[me]) == incarnation) {
        LOG_INFO("writing to NULL");
        *(volatile uint32_t *)0 = 1;
    }
}
