/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* Each example PD logs through its own sel4ft log ring to the logger PD. */

#include <sel4ft/logfmt.h>
#include <sel4ft/logring.h>

extern sel4ft_logring_producer_t example_log;

/* Attach this PD's ring (region and size from setvar_vaddr/setvar_size). Stops the PD loudly on failure. */
void example_log_init(uintptr_t region, uintptr_t size, sel4ft_channel_t channel);

/* Log an event line this PD wrote with sel4ft_logfmt_*() (doc/events.md), at a level. */
static inline void example_log_event(uint32_t level, const sel4ft_logfmt_t *line)
{
    sel4ft_logring_write(&example_log, level, line->buffer, line->used);
}

#define LOG_ERROR(...) sel4ft_logring_printf(&example_log, SEL4FT_LOG_ERROR, __VA_ARGS__)
#define LOG_WARN(...) sel4ft_logring_printf(&example_log, SEL4FT_LOG_WARN, __VA_ARGS__)
#define LOG_INFO(...) sel4ft_logring_printf(&example_log, SEL4FT_LOG_INFO, __VA_ARGS__)
