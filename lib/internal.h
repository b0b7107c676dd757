/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* Helpers shared by the library's own sources; never installed. Names end in '_'. */

#include <stddef.h>
#include <stdint.h>

/* The compiler inlines small fixed-size copies; larger ones call memcpy, which
 * a PD gets from lib/freestanding.c and the host from libc. */
#define sel4ft_copy_(dst, src, n) __builtin_memcpy((dst), (src), (n))
#define sel4ft_zero_(dst, n) __builtin_memset((dst), 0, (n))

#define SEL4FT_ARRAY_SIZE_(a) (sizeof(a) / sizeof((a)[0]))

static inline int sel4ft_is_power_of_two_(uint64_t x)
{
    return x != 0 && (x & (x - 1)) == 0;
}

static inline int sel4ft_is_aligned_(const void *p, uintptr_t alignment)
{
    return ((uintptr_t)p & (alignment - 1)) == 0;
}

/* The supervision engine's sink (faultmon.c), for its other sources. */
struct sel4ft_faultmon;
struct sel4ft_faultmon_event;
void sel4ft_faultmon_deliver_(const struct sel4ft_faultmon *monitor, const struct sel4ft_faultmon_event *event);
