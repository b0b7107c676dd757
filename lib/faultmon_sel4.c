/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The fault monitor's seL4 adapter: a fault message, as a parent's fault() receives it, becomes a failure for the
 * OS-neutral engine. The message registers are read through the port, so the host tests drive it with recorded
 * fault messages. */

#include <sel4ft/faultmon.h>

#include "internal.h"

/* The most message registers a fault message carries (unknown syscall: 13). */
#define FAULT_MRS_MAX 16u

bool sel4ft_faultmon_fault(sel4ft_faultmon_t *monitor, sel4ft_child_t child, sel4ft_msginfo_t message, uint64_t now)
{
    uint64_t mrs[FAULT_MRS_MAX];
    uint32_t count = sel4ft_msginfo_count(message) < FAULT_MRS_MAX ? sel4ft_msginfo_count(message) : FAULT_MRS_MAX;
    sel4ft_failure_t failure;

    for (uint32_t i = 0; i < count; i++) {
        mrs[i] = sel4ft_os_mr_get(i);
    }
    sel4ft_zero_(&failure, sizeof(failure));
    failure.cause = SEL4FT_FAILURE_FAULT;
    /* An unknown label decodes to a fault of an unknown kind, which the engine stops rather than guesses at. */
    sel4ft_fault_decode(sel4ft_msginfo_label(message), mrs, count, &failure.fault);
    failure.fault.child = child;
    sel4ft_faultmon_failed(monitor, child, &failure, now);
    return false;
}
