/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* The Linux backend of <sel4ft/os.h>, for host tests and the Linux baseline: chosen by putting
 * lib/port/linux/include on the include path. Include <sel4ft/os.h>, not this file. What plays the kernel's
 * part (notifications, calls, child control, the clock in tests) is installed with the hooks of
 * <sel4ft/os_linux.h>; the rest is in lib/port/linux/os_linux.c. Never installed. */

#define SEL4FT_PORT_NAME "linux"

/* A message tag: the label and the number of message registers in use. */
typedef struct sel4ft_msginfo {
    uint64_t label;
    uint32_t count;
} sel4ft_msginfo_t;

static inline sel4ft_msginfo_t sel4ft_msginfo_new(uint64_t label, uint32_t count)
{
    sel4ft_msginfo_t message = { label, count };
    return message;
}

static inline uint64_t sel4ft_msginfo_label(sel4ft_msginfo_t message)
{
    return message.label;
}

static inline uint32_t sel4ft_msginfo_count(sel4ft_msginfo_t message)
{
    return message.count;
}

static inline bool sel4ft_msginfo_matches(sel4ft_msginfo_t message, uint64_t label, uint32_t count)
{
    return message.label == label && message.count == count;
}

static inline bool sel4ft_msginfo_matches_upper(sel4ft_msginfo_t message, uint64_t upper, uint32_t shift,
                                                uint32_t count)
{
    return (message.label >> shift) == upper && message.count == count;
}

/* The message registers: per thread, so a PPC hook that runs the server in the caller's thread sees the
 * caller's registers, as a seL4 passive server would. */
extern _Thread_local uint64_t sel4ft_linux_message_registers_[SEL4FT_OS_MAX_MRS];

static inline void sel4ft_os_mr_set(uint32_t index, uint64_t value)
{
    if (index < SEL4FT_OS_MAX_MRS) {
        sel4ft_linux_message_registers_[index] = value;
    }
}

static inline uint64_t sel4ft_os_mr_get(uint32_t index)
{
    return index < SEL4FT_OS_MAX_MRS ? sel4ft_linux_message_registers_[index] : 0;
}
