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

bool sel4ft_faultmon_fault_message(sel4ft_faultmon_t *monitor, sel4ft_child_t child, uint64_t label,
                                   const uint64_t *mrs, uint32_t count, uint64_t now)
{
    sel4ft_failure_t failure;
    sel4ft_zero_(&failure, sizeof(failure));
    failure.cause = SEL4FT_FAILURE_FAULT;
    /* An unknown label decodes to a fault of an unknown kind, which the engine stops rather than guesses at. */
    sel4ft_fault_decode(label, mrs, count < SEL4FT_FAULTMON_FAULT_MRS ? count : SEL4FT_FAULTMON_FAULT_MRS,
                        &failure.fault);
    failure.fault.child = child;
    sel4ft_faultmon_failed(monitor, child, &failure, now);
    return false;
}

bool sel4ft_faultmon_fault(sel4ft_faultmon_t *monitor, sel4ft_child_t child, sel4ft_msginfo_t message, uint64_t now)
{
    uint64_t mrs[SEL4FT_FAULTMON_FAULT_MRS];
    uint32_t count = sel4ft_msginfo_count(message) < SEL4FT_FAULTMON_FAULT_MRS ? sel4ft_msginfo_count(message)
                                                                               : SEL4FT_FAULTMON_FAULT_MRS;
    for (uint32_t i = 0; i < count; i++) {
        mrs[i] = sel4ft_os_mr_get(i);
    }
    return sel4ft_faultmon_fault_message(monitor, child, sel4ft_msginfo_label(message), mrs, count, now);
}
