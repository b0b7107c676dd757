/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <sel4ft/error.h>
#include <sel4ft/fmt.h>
#include <sel4ft/os.h>
#include <sel4ft/restart.h>

#include "example_log.h"

sel4ft_logring_producer_t example_log;

/* The ring example_log is attached to, for example_log_scribble(). */
static uintptr_t ring_region, ring_size;

void example_log_init(uintptr_t region, uintptr_t size, sel4ft_channel_t channel)
{
    int err = sel4ft_logring_producer_init(&example_log, (void *)region, size, channel);
    if (err != 0) {
        /* Without its log a PD cannot report anything: say so on the debug console and stop here. */
        sel4ft_printf("%s|ERROR: log ring at %p (%lu bytes): %s\n", sel4ft_os_name(), (void *)region,
                      (unsigned long)size, sel4ft_strerror(err));
        __builtin_trap();
    }
    ring_region = region;
    ring_size = size;
}

uint64_t example_restart_begin(uintptr_t snapshot, uintptr_t snapshot_size, uintptr_t log_region, uintptr_t log_size,
                               sel4ft_channel_t log_channel)
{
    uint64_t incarnation = 1;
    int err = 0;
    if (snapshot != 0) {
        /* First of all: nothing may run on .data or .bss before they are as at first start. */
        err = sel4ft_restart_begin((void *)snapshot, snapshot_size, &incarnation);
    }
    example_log_init(log_region, log_size, log_channel);
    if (err != 0) {
        /* The image cannot be made clean: better stopped than running on garbage. */
        LOG_ERROR("cannot restore a clean image: %s; stopping", sel4ft_strerror(err));
        __builtin_trap();
    }
    return incarnation;
}

void example_log_scribble(uint16_t length, uint16_t level, uint32_t head_jump)
{
    sel4ft_logring_control_t *control = (sel4ft_logring_control_t *)ring_region;
    sel4ft_logring_slot_t *slots = (sel4ft_logring_slot_t *)(control + 1);
    uint32_t head = __atomic_load_n(&control->head, __ATOMIC_RELAXED);
    slots[head & example_log.mask].length = length;
    slots[head & example_log.mask].level = level;
    __atomic_store_n(&control->head, head + 1, __ATOMIC_RELEASE);
    sel4ft_os_notify(example_log.channel);
    __atomic_store_n(&control->head, head + 1 + head_jump, __ATOMIC_RELEASE);
    sel4ft_os_notify(example_log.channel);
    example_log_init(ring_region, ring_size, example_log.channel);
}
