/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* libFuzzer: any fault label and message registers of either architecture (the label's bits 8 and up choose it,
 * an unknown one included); the decoder, the formatter and the monitor's event line (sel4ft_faultmon_event_format(),
 * cut at a size the input chooses) stay in bounds and always produce a terminated line. */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <sel4ft/error.h>
#include <sel4ft/fault.h>
#include <sel4ft/faultmon.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint64_t label = 0;
    uint64_t mrs[16];
    char line[240];
    char tiny[7];

    if (size < 8) {
        return 0;
    }
    memcpy(&label, data, 8);
    uint32_t arch = (uint32_t)((label >> 8) % (SEL4FT_FAULT_ARCH_NUM + 1));
    label %= 16;
    uint32_t count = (uint32_t)((size - 8) / 8);
    if (count > 16) {
        count = 16;
    }
    memcpy(mrs, data + 8, count * 8);
    sel4ft_fault_t fault;
    memset(&fault, 0, sizeof(fault));
    /* An unknown architecture is refused and leaves the result alone; a known one always decodes something. */
    int err = sel4ft_fault_decode_arch(arch, label, mrs, count, &fault);
    if ((err == -SEL4FT_EINVAL) != (arch >= SEL4FT_FAULT_ARCH_NUM)) {
        __builtin_trap();
    }
    int n = sel4ft_fault_format(&fault, "pd", line, sizeof(line));
    size_t length = strlen(line);
    if (n < 0 || length >= sizeof(line) || ((size_t)n < sizeof(line) && length != (size_t)n)) {
        __builtin_trap();
    }
    sel4ft_fault_format(&fault, NULL, tiny, sizeof(tiny));
    if (strlen(tiny) >= sizeof(tiny)) {
        __builtin_trap();
    }
    /* The failure event of that fault, whole, then cut to a size taken from the input. */
    sel4ft_faultmon_event_t event = { .kind = SEL4FT_FAULTMON_EVENT_FAILED, .name = "pd", .at = label };
    event.failure.cause = SEL4FT_FAILURE_FAULT;
    event.failure.fault = fault;
    char whole[512];
    int full = sel4ft_faultmon_event_format(&event, 62500000, whole, sizeof(whole));
    size_t cut_size = size > 8 ? data[size - 1] % sizeof(line) : 0;
    int cut = sel4ft_faultmon_event_format(&event, 62500000, line, cut_size);
    if (full <= 0 || (size_t)full >= sizeof(whole) || strlen(whole) != (size_t)full || cut != full ||
        (cut_size > 0 && (strlen(line) >= cut_size || memcmp(line, whole, strlen(line) > 3 ? strlen(line) - 4 : 0)))) {
        __builtin_trap();
    }
    (void)sel4ft_fault_exception_class_str(fault.exception_class);
    (void)sel4ft_fault_status_str(fault.status_code);
    (void)sel4ft_fault_scause_str(fault.syndrome);
    (void)sel4ft_fault_cause_str(&fault);
    return 0;
}
