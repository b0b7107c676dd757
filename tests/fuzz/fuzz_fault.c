/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* libFuzzer: any fault label and message registers; the decoder and the formatter stay in bounds and
 * always produce a terminated line. */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <sel4ft/fault.h>

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
    label %= 16;
    uint32_t count = (uint32_t)((size - 8) / 8);
    if (count > 16) {
        count = 16;
    }
    memcpy(mrs, data + 8, count * 8);
    sel4ft_fault_t fault;
    sel4ft_fault_decode(label, mrs, count, &fault);
    int n = sel4ft_fault_format(&fault, "pd", line, sizeof(line));
    size_t length = strlen(line);
    if (n < 0 || length >= sizeof(line) || ((size_t)n < sizeof(line) && length != (size_t)n)) {
        __builtin_trap();
    }
    sel4ft_fault_format(&fault, NULL, tiny, sizeof(tiny));
    if (strlen(tiny) >= sizeof(tiny)) {
        __builtin_trap();
    }
    (void)sel4ft_fault_exception_class_str(fault.exception_class);
    (void)sel4ft_fault_status_str(fault.status_code);
    return 0;
}
