/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <sel4ft/error.h>
#include <sel4ft/os.h>
#include <sel4ft/restart.h>

#include "example_log.h"

void example_log_init(uintptr_t region, uintptr_t size, sel4ft_channel_t channel)
{
    if (sel4ft_log_init((void *)region, size, channel) != 0) {
        __builtin_trap(); /* sel4ft_log_init() said why, on the console */
    }
}

uint64_t example_restart_begin(uintptr_t snapshot, uintptr_t snapshot_size, uintptr_t log_region, uintptr_t log_size,
                               sel4ft_channel_t log_channel)
{
    uint64_t incarnation = sel4ft_restart_begin_or_stop((void *)snapshot, snapshot_size, (void *)log_region, log_size,
                                                        log_channel);
    if (sel4ft_log_ring() == NULL) {
        __builtin_trap(); /* as example_log_init(): sel4ft_log_init() said why, on the console */
    }
    return incarnation;
}

void example_log_scribble(uint16_t length, uint16_t level, uint32_t head_jump)
{
    /* The ring the log is attached to (by example_log_init() or a library layer), as the producer knows it. */
    sel4ft_logring_producer_t *log = sel4ft_log_ring();
    sel4ft_logring_control_t *control = log->control;
    sel4ft_channel_t channel = log->channel;
    size_t size = sizeof(*control) + (size_t)(log->mask + 1) * sizeof(sel4ft_logring_slot_t);
    uint32_t head = __atomic_load_n(&control->head, __ATOMIC_RELAXED);
    log->slots[head & log->mask].length = length;
    log->slots[head & log->mask].level = level;
    __atomic_store_n(&control->head, head + 1, __ATOMIC_RELEASE);
    sel4ft_os_notify(channel);
    __atomic_store_n(&control->head, head + 1 + head_jump, __ATOMIC_RELEASE);
    sel4ft_os_notify(channel);
    example_log_init((uintptr_t)control, size, channel);
}
