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

/* A binary log record written in place (logring.c, for faultmon_event.c): the next slot's SEL4FT_LOGRING_TEXT_MAX
 * bytes, 8-byte aligned, or NULL when the ring is full (the record counted as dropped); then publish it. */
struct sel4ft_logring_producer;
void *sel4ft_logring_binary_begin_(struct sel4ft_logring_producer *producer);
void sel4ft_logring_binary_end_(struct sel4ft_logring_producer *producer, uint32_t level, size_t length);

/* The reasons of decisions (reasons.c): the policy and the engine give these objects, so a binary event record can
 * name one by its index. */
enum {
    SEL4FT_REASON_INVALID_POLICY_ = 0,
    SEL4FT_REASON_AFTER_GIVING_UP_,
    SEL4FT_REASON_LIMIT_REACHED_,
    SEL4FT_REASON_FIRST_AFTER_QUIET_,
    SEL4FT_REASON_FIRST_,
    SEL4FT_REASON_AGAIN_BACKOFF_,
    SEL4FT_REASON_AGAIN_AT_ONCE_,
    SEL4FT_REASON_ACTION_STOP_,
    SEL4FT_REASON_UNREASONABLE_,
    SEL4FT_REASON_WITH_GROUP_,
    SEL4FT_REASON_BACKOFF_OVER_,
    SEL4FT_REASON_NUM_
};
extern const char *const sel4ft_reasons_[SEL4FT_REASON_NUM_];
