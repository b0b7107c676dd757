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

/* The start of a PD its monitor restarts: .data and .bss as at first start (sel4ft_restart_begin with the
 * snapshot region, if there is one: without, the PD is not restartable and always incarnation 1), then its log
 * ring (example_log_init). A PD whose image cannot be made clean says so and stops loudly. Returns the
 * incarnation: 1 at first start, 2 after the first restart, and so on. */
uint64_t example_restart_begin(uintptr_t snapshot, uintptr_t snapshot_size, uintptr_t log_region, uintptr_t log_size,
                               sel4ft_channel_t log_channel);

/* Scribble on this PD's own log ring as a buggy or hostile producer would: publish a record with @p length and
 * @p level, then a head @p head_jump records beyond that, notifying the logger after each; then attach again
 * (the producer repairs its side). */
void example_log_scribble(uint16_t length, uint16_t level, uint32_t head_jump);
