/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* The analysis' model of include/sel4ft/fence.h (found first on Frama-C's include path): the same functions,
 * defined in verify/framac/shared.c. Each load returns an arbitrary value, whatever was read before, and
 * checks that its word lies in the shared window; each store checks the same and changes nothing the
 * analysed code may read back directly. A fence orders nothing here: the run-time-error proof does not
 * depend on ordering, and the ordering itself is what verify/logring.pml checks. */

#include <stdint.h>

uint32_t sel4ft_load_acquire_u32(const uint32_t *p);
void sel4ft_store_release_u32(uint32_t *p, uint32_t v);
uint32_t sel4ft_load_relaxed_u32(const uint32_t *p);
void sel4ft_store_relaxed_u32(uint32_t *p, uint32_t v);
uint16_t sel4ft_load_relaxed_u16(const uint16_t *p);
uint64_t sel4ft_load_relaxed_u64(const uint64_t *p);
uint64_t sel4ft_load_acquire_u64(const uint64_t *p);
void sel4ft_store_release_u64(uint64_t *p, uint64_t v);
void sel4ft_fence_full(void);
