/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* What the example PDs add to the library's log (sel4ft/log.h: LOG_INFO, LOG_WARN, LOG_ERROR into the PD's ring). */

#include <stdint.h>

#include <sel4ft/log.h>

/* Attach this PD's log ring (region and size from setvar_vaddr/setvar_size); a ring that cannot be used stops the
 * PD loudly, since without it the PD could not report anything. */
void example_log_init(uintptr_t region, uintptr_t size, sel4ft_channel_t channel);

/* The start of a PD its monitor restarts (one that is not a durable service, which sel4ft_service_start() starts):
 * sel4ft_restart_begin_or_stop(): .data and .bss as at first start (with the snapshot region, if there is one:
 * without, the PD is not restartable and always incarnation 1), then its log ring. A PD whose image cannot be made
 * clean says why, with the sizes, and stops loudly; so does one whose log ring cannot be used, as
 * example_log_init(). Returns the incarnation: 1 at first start, 2 after the first restart, ... */
uint64_t example_restart_begin(uintptr_t snapshot, uintptr_t snapshot_size, uintptr_t log_region, uintptr_t log_size,
                               sel4ft_channel_t log_channel);

/* Scribble on this PD's own log ring as a buggy or hostile producer would: publish a record with @p length and
 * @p level, then a head @p head_jump records beyond that, notifying the logger after each; then attach again
 * (the producer repairs its side). */
void example_log_scribble(uint16_t length, uint16_t level, uint32_t head_jump);
